/*
 * png.c — lki_backend_png: still PNG pictures through libpng.
 *
 * Every PNG flavour comes out as RGB24: palette and gray expanded (gray as
 * R=G=B), 16-bit reduced to its high byte, alpha and tRNS dropped (RGB as
 * stored, as swscale does for RGBA to RGB24), Adam7 interlacing resolved.
 * gAMA/iCCP are ignored.  An animated PNG that reaches this reader (FFmpeg
 * refused it) yields its default image, i.e. its first frame.
 *
 * Reference mode (decode.h) reads as CImg's libpng loader, which
 * pdq-photo-hasher uses: palette expanded, grey kept grey (one channel,
 * GRAY8; expanded to RGB only when borders are cropped), alpha and tRNS
 * dropped, 16-bit samples cast to 8 bits (CImg's (unsigned char) of the
 * native value: the low byte), then CImg's nearest-neighbour resize to
 * 512x512 for a picture larger than 512 on a side (lk_picker).
 *
 * Bytes come from the decoder's lki_source (png_set_read_fn), which hashes
 * them as they go by.  The whole picture is decoded in open() so that
 * damaged data is reported there; non-interlaced pictures stream row by
 * row into the area reducer, so only interlaced ones need the full-size
 * buffer, refused from the header when it exceeds the memory budget
 * (decode.h); the pixel budget is checked from IHDR.  The stop request is
 * checked per row (per row of each pass when interlaced).  libpng reports
 * errors by longjmp: everything allocated lives in a png_job reachable
 * through a pointer that does not change after setjmp, and is freed by the
 * caller of the setjmp frame, so no error path leaks.
 */
#include <png.h>
#include <stdio.h>
#include <string.h>
#include "common/common.h"
#include "decode/decode_internal.h"

/* The decoded picture a state holds until next() hands it out. */
/* Everything one decode touches; survives a longjmp. */
typedef struct png_job {
    png_structp png;
    png_infop info;
    lki_source *src;             /* the file (the decoder's) */
    int io_rc;                   /* LK_E* of a failed read, 0 if none */
    lk_errbuf io_err;            /* its message */
    uint8_t *row, *full, **rows; /* scratch */
    lk_scaler *scaler;
    lk_picker *picker;           /* reference mode's resize */
    uint8_t *out;                /* result, moved to the state on success */
    int w, h, ow, oh, channels;
    int bytes;                   /* bytes per sample as read: 1, or 2 (reference mode) */
    int bpp;                     /* bytes per output pixel: 3, or 1 (reference grey) */
    int max_dim;                 /* working size */
    int reference;               /* reference mode (decode.h) */
    int keep_grey;               /* reference mode without border cropping */
    lki_budget budget;
    char msg[160];               /* libpng's last error */
} png_job;

static void on_error(png_structp png, png_const_charp msg)
{
    png_job *j = png_get_error_ptr(png);
    snprintf(j->msg, sizeof j->msg, "%s", msg ? msg : "unknown error");
    png_longjmp(png, 1);
}

/* libpng's read callback: exactly n bytes from the source, else an error. */
static void on_read(png_structp png, png_bytep out, size_t n)
{
    png_job *j = png_get_io_ptr(png);
    while (n > 0) {
        int64_t r = lki_source_read(j->src, out, n, &j->io_err);
        if (r < 0)
            j->io_rc = (int)r;
        if (r <= 0)
            png_error(png, r < 0 ? "read error" : "file ends early");
        out += r;
        n -= (size_t)r;
    }
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Sets the transformations that turn any PNG into 8-bit RGB (maybe +
 * alpha); in reference mode into 8- or 16-bit grey or RGB, maybe + alpha. */
static int set_transforms(png_job *j)
{
    int ct = png_get_color_type(j->png, j->info);
    int grey = ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA;
    if (png_get_bit_depth(j->png, j->info) == 16 && !j->reference)
        png_set_strip_16(j->png);
    if (ct == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(j->png);
    if (grey)
        png_set_expand_gray_1_2_4_to_8(j->png);
    if (grey && !j->keep_grey)
        png_set_gray_to_rgb(j->png);
    if (!j->reference)
        png_set_strip_alpha(j->png);
    int passes = png_set_interlace_handling(j->png);
    png_read_update_info(j->png, j->info);
    j->channels = png_get_channels(j->png, j->info);
    j->bytes = png_get_bit_depth(j->png, j->info) == 16 ? 2 : 1;
    j->bpp = j->channels <= 2 ? 1 : 3;
    return passes;
}

/* Turns a row as read into bpp bytes a pixel, in place (each write trails
 * its read): drops alpha, keeps the last (low) byte of 16-bit samples. */
static void to_out(const png_job *j, uint8_t *row)
{
    int ch = j->channels, by = j->bytes, n = j->bpp;
    if (ch == n && by == 1)
        return;
    for (int x = 0; x < j->w; x++)
        for (int c = 0; c < n; c++)
            row[(size_t)x * (size_t)n + (size_t)c] =
                row[((size_t)x * (size_t)ch + (size_t)c) * (size_t)by + (size_t)by - 1];
}

/* Interlaced: the full picture first (every pass over it, row by row, as
 * png_read_image does, with a stop check per row), then reduce it. */
static int read_interlaced(png_job *j, size_t rowbytes, int passes)
{
    size_t n;
    if (lk_mul_size(rowbytes, (size_t)j->h, &n) < 0 ||
        !(j->full = lki_malloc(n)) || !(j->rows = lki_malloc(sizeof(uint8_t *) * (size_t)j->h)))
        return LK_ENOMEM;
    for (int y = 0; y < j->h; y++)
        j->rows[y] = j->full + (size_t)y * rowbytes;
    for (int pass = 0; pass < passes; pass++)
        for (int y = 0; y < j->h; y++) {
            if (lki_interrupted(j->src))
                return LK_EINTR;
            png_read_row(j->png, j->rows[y], NULL);
        }
    for (int y = 0; y < j->h; y++)
        to_out(j, j->rows[y]);
    if (j->reference)
        return lki_still_reference(j->full, j->w, j->h, (int)rowbytes, j->bpp, &j->out,
                                   &j->ow, &j->oh);
    int tw, th;
    lk_fit_size(j->w, j->h, j->max_dim, &tw, &th);
    return lki_still_finish(j->full, j->w, j->h, (int)rowbytes, 1, tw, th, &j->out, &j->ow, &j->oh);
}

/* Progressive-free PNG: stream rows into the reducer or the reference
 * resize (or straight out). */
static int read_rows(png_job *j, size_t rowbytes)
{
    size_t out_row = (size_t)j->ow * (size_t)j->bpp;
    if (!(j->row = lki_malloc(rowbytes)) || !(j->out = lki_malloc(out_row * (size_t)j->oh)))
        return LK_ENOMEM;
    int scale = j->ow != j->w || j->oh != j->h;
    if (scale && (j->reference ? lki_picker_new(&j->picker, j->w, j->h, j->ow, j->oh, j->bpp)
                               : lki_scaler_new(&j->scaler, j->w, j->h, j->ow, j->oh)) < 0)
        return LK_ENOMEM;
    for (int y = 0; y < j->h; y++) {
        if (lki_interrupted(j->src))
            return LK_EINTR;
        png_read_row(j->png, j->row, NULL);
        to_out(j, j->row);
        if (j->picker)
            lki_picker_push(j->picker, j->row, j->out);
        else if (scale)
            lki_scaler_push(j->scaler, j->row, j->out);
        else
            memcpy(j->out + (size_t)y * out_row, j->row, out_row);
    }
    return 0;
}

/* The setjmp frame: 0, an LK_E* code, or 1 when libpng failed. */
static int decode(png_job *j, const char *path, lk_errbuf *err)
{
    if (setjmp(png_jmpbuf(j->png)))
        return 1;
    png_set_read_fn(j->png, j, on_read);
    png_set_user_limits(j->png, 0x7fffffffu, 0x7fffffffu);
    png_read_info(j->png, j->info);
    int64_t w = png_get_image_width(j->png, j->info), h = png_get_image_height(j->png, j->info);
    LK_TRY(lki_check_dims(path, w, h, j->budget.max_pixels, err));
    j->w = (int)w;
    j->h = (int)h;
    int passes = set_transforms(j);
    size_t rowbytes = png_get_rowbytes(j->png, j->info);
    int min_ch = j->keep_grey ? 1 : 3;
    if (j->channels < min_ch || j->channels > 4 ||
        rowbytes < (size_t)j->w * (size_t)j->channels * (size_t)j->bytes)
        return lki_err(err, LK_EDECODE, "'%s': unsupported PNG layout", path);
    int rc;
    if (passes > 1) {
        int64_t need = ((int64_t)rowbytes + (int64_t)sizeof(uint8_t *)) * j->h;
        if (need > j->budget.max_memory)
            return lki_over_memory(err, path, "an interlaced PNG (the whole picture)", need,
                                   j->budget.max_memory);
        rc = read_interlaced(j, rowbytes, passes);
    } else {
        if (j->reference)
            lki_ref_photo_size(j->w, j->h, &j->ow, &j->oh);
        else
            lk_fit_size(j->w, j->h, j->max_dim, &j->ow, &j->oh);
        rc = read_rows(j, rowbytes);
    }
    if (rc == LK_EINTR)
        return lki_source_stopped(j->src, err);
    return rc < 0 ? lki_err(err, LK_ENOMEM, "'%s': out of memory", path) : 0;
}

/* Frees what a job holds, except the result when keep_out. */
static void job_clear(png_job *j, int keep_out)
{
    if (j->png)
        png_destroy_read_struct(&j->png, j->info ? &j->info : NULL, NULL);
    lki_scaler_free(&j->scaler);
    lki_picker_free(&j->picker);
    lki_free(j->row);
    lki_free(j->full);
    lki_free(j->rows);
    if (!keep_out)
        lki_free(j->out);
}

static void fill_info(lk_media_info *info, int w, int h)
{
    memset(info, 0, sizeof *info);
    info->width = w;
    info->height = h;
    info->frame_count = 1;
    info->is_still = 1;
    info->orientation = 1;
    snprintf(info->format, sizeof info->format, "png");
    snprintf(info->codec, sizeof info->codec, "png");
}

/* Creates libpng's structures into j. */
static int job_start(png_job *j, const char *path, lk_errbuf *err)
{
    j->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, j, on_error, on_warning);
    if (j->png)
        j->info = png_create_info_struct(j->png);
    if (!j->png || !j->info)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    return 0;
}

/* What a libpng failure means: the source's own error, memory or damage. */
static int libpng_failure(const png_job *j, const char *path, lk_errbuf *err)
{
    if (j->io_rc < 0) {
        if (err)
            *err = j->io_err;
        return j->io_rc;
    }
    if (strstr(j->msg, "memory"))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    return lki_err(err, LK_ECORRUPT, "'%s': truncated or damaged PNG data (%s)", path, j->msg);
}

static int png_open(void **state, lki_source *src, const lk_decode_opts *opts,
                    lk_media_info *info, lk_errbuf *err)
{
    const char *path = src->path;
    png_job j;
    memset(&j, 0, sizeof j);
    j.src = src;
    j.max_dim = opts->max_dim;
    j.reference = opts->reference != 0;
    j.keep_grey = j.reference && !opts->crop_borders;
    j.budget = lki_budget_of(opts);
    *state = NULL;
    int rc = job_start(&j, path, err);
    if (rc == 0)
        rc = decode(&j, path, err);
    if (rc == 1)
        rc = libpng_failure(&j, path, err);
    lk_still *s = rc == 0 ? lki_calloc(1, sizeof *s) : NULL;
    if (rc == 0 && !s)
        rc = lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    job_clear(&j, rc == 0);
    if (rc < 0)
        return rc;
    s->pix = j.out;
    s->w = j.ow;
    s->h = j.oh;
    s->bpp = j.bpp;
    fill_info(info, j.w, j.h);
    *state = s;
    return 0;
}

const lk_backend lki_backend_png = { "png", png_open, lki_still_next, lki_still_close };
