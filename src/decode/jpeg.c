/*
 * jpeg.c — lki_backend_jpeg: still JPEG pictures through libjpeg-turbo's
 * libjpeg API (jpeglib.h).
 *
 * Baseline, progressive, grayscale (expanded to R=G=B) and CMYK/YCCK
 * (decoded as CMYK, converted to RGB with the Adobe convention of inverted
 * samples when an Adobe APP14 marker is present, plain otherwise).  The
 * EXIF orientation (the first APP1 "Exif" marker, TIFF tag 0x0112 of IFD0,
 * parsed here with every read bounds-checked) is applied after reduction.
 * Large pictures are decoded at the smallest DCT scale k/8 that still
 * covers the working size, then area-averaged to it exactly; the settings
 * are TurboJPEG's defaults (accurate integer IDCT, fancy upsampling), so
 * the pixels are those tjDecompress2() gives.  Reference mode (decode.h)
 * decodes as CImg's libjpeg loader does for pdq-photo-hasher: full scale,
 * libjpeg's default output (grey stays grey, GRAY8, unless borders are
 * cropped), no EXIF orientation, then CImg's nearest-neighbour resize to
 * 512x512 beyond 512 on a side.
 *
 * Input streams from the decoder's lki_source through a source manager of
 * our own (64 KiB at a time, hashed on the way; skipped marker bytes are
 * read, not sought over); only the first Exif payload is kept (at most
 * 64 KiB), every other marker is skipped by libjpeg.  The end of the file
 * before the image ends gives libjpeg a fake EOI and its "premature end of
 * JPEG file" warning, as its own file source does.
 *
 * Damage is judged by libjpeg's warning codes, never by message text: a
 * warning that means pixels are missing or wrong (JWRN_JPEG_EOF, the file
 * ended; JWRN_HIT_MARKER, a data segment ended early — a truncated file
 * closed with an EOI marker; JWRN_HUFF_BAD_CODE, JWRN_ARITH_BAD_CODE,
 * JWRN_MUST_RESYNC, corrupt entropy data) makes the file LK_ECORRUPT; the
 * others (extraneous bytes between markers, unknown JFIF revisions, bogus
 * progression or ICC data...) are tolerated, as they are common in camera
 * files.  More than JPEG_MAX_SCANS scans is refused (TurboJPEG's
 * TJFLAG_LIMITSCANS rule).  libjpeg reports errors by longjmp: everything
 * allocated lives in a jpeg_job reached through a pointer that does not
 * change after setjmp, and is freed by the caller of the setjmp frame.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include "common/common.h"
#include "decode/decode_internal.h"

/* Bytes read from the source at a time. */
#define JPEG_IO_BUFFER 65536
/* Scans allowed in one (progressive) picture, as TurboJPEG's LIMITSCANS. */
#define JPEG_MAX_SCANS 500

/* Everything one decode touches; survives a longjmp. */
typedef struct jpeg_job {
    struct jpeg_decompress_struct c;
    struct jpeg_error_mgr jerr;
    struct jpeg_source_mgr in;
    struct jpeg_progress_mgr progress;
    jmp_buf jmp;
    int created;        /* c needs jpeg_destroy_decompress */
    lki_source *src;    /* the file (the decoder's) */
    int io_rc;          /* LK_E* of a failed source read, 0 if none */
    lk_errbuf io_err;   /* its message */
    int fail_rc;        /* LK_E* a callback decided before its longjmp, 0 if none */
    int damage;         /* code of the first warning that means damage, -1 if none */
    char msg[JMSG_LENGTH_MAX]; /* libjpeg's text for that warning or the error */
    uint8_t *inbuf;     /* JPEG_IO_BUFFER bytes */
    uint8_t *exif;      /* TIFF block of the first Exif APP1, or NULL */
    size_t exif_n;
    uint8_t *pix;       /* decoded, possibly scaled, stored orientation */
    int w, h;           /* coded size */
    int sw, sh;         /* decoded size */
    int cmyk;           /* pix holds 4 bytes a pixel, CMYK */
    int grey;           /* pix holds 1 byte a pixel (reference mode) */
    lki_budget budget;
} jpeg_job;

static unsigned rd16(const uint8_t *p, int le)
{
    return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p, int le)
{
    return le ? (uint32_t)rd16(p, 1) | (uint32_t)rd16(p + 2, 1) << 16
              : (uint32_t)rd16(p, 0) << 16 | (uint32_t)rd16(p + 2, 0);
}

/* Orientation from a TIFF block (the APP1 payload after "Exif\0\0"); 1 if
 * absent or invalid. */
static int exif_orientation(const uint8_t *t, size_t n)
{
    if (n < 8)
        return 1;
    int le = t[0] == 'I' && t[1] == 'I';
    if (!le && !(t[0] == 'M' && t[1] == 'M'))
        return 1;
    if (rd16(t + 2, le) != 42)
        return 1;
    uint32_t ifd = rd32(t + 4, le);
    if (ifd > n - 2)
        return 1;
    unsigned count = rd16(t + ifd, le);
    for (unsigned i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + 12 * (size_t)i;
        if (e + 12 > n)
            break;
        if (rd16(t + e, le) == 0x0112 && rd16(t + e + 2, le) == 3) {
            unsigned v = rd16(t + e + 8, le);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

/* ---- libjpeg's managers ------------------------------------------------ */

/* libjpeg's text for its current message, first letter lowercased. */
static void take_message(j_common_ptr c, char *msg)
{
    (*c->err->format_message)(c, msg);
    if (msg[0] >= 'A' && msg[0] <= 'Z')
        msg[0] = (char)(msg[0] - 'A' + 'a');
}

static void on_error(j_common_ptr c)
{
    jpeg_job *j = c->client_data;
    take_message(c, j->msg);
    longjmp(j->jmp, 1);
}

/* Warnings that mean missing or wrong pixels. */
static int is_damage(int code)
{
    return code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE ||
           code == JWRN_ARITH_BAD_CODE || code == JWRN_MUST_RESYNC;
}

/* Records the first damage warning; prints nothing (level >= 0: traces). */
static void on_message(j_common_ptr c, int level)
{
    jpeg_job *j = c->client_data;
    if (level < 0 && j->damage < 0 && is_damage(c->err->msg_code)) {
        j->damage = c->err->msg_code;
        take_message(c, j->msg);
    }
}

/* Fails the decode from inside a libjpeg callback with code and msg. */
static void fail_now(jpeg_job *j, int code, const char *msg)
{
    j->fail_rc = code;
    snprintf(j->msg, sizeof j->msg, "%s", msg);
    longjmp(j->jmp, 1);
}

/* Called by libjpeg per iMCU row of input and per call for scanlines: the
 * stop request and the scan limit. */
static void on_progress(j_common_ptr c)
{
    jpeg_job *j = c->client_data;
    if (lki_interrupted(j->src))
        fail_now(j, LK_EINTR, "interrupted");
    if (j->c.input_scan_number > JPEG_MAX_SCANS)
        fail_now(j, LK_ECORRUPT, "more than 500 scans");
}

static void src_init(j_decompress_ptr c)
{
    (void)c;
}

/* The next bytes of the file; at its end a fake EOI (and libjpeg's warning). */
static boolean src_fill(j_decompress_ptr c)
{
    jpeg_job *j = c->client_data;
    int64_t r = lki_source_read(j->src, j->inbuf, JPEG_IO_BUFFER, &j->io_err);
    if (r < 0) {
        j->io_rc = (int)r;
        fail_now(j, (int)r, "read error");
    }
    if (r == 0) {
        WARNMS(c, JWRN_JPEG_EOF);
        j->inbuf[0] = 0xff;
        j->inbuf[1] = JPEG_EOI;
        r = 2;
    }
    c->src->next_input_byte = j->inbuf;
    c->src->bytes_in_buffer = (size_t)r;
    return TRUE;
}

/* Skips by reading through, so the content hash stays sequential. */
static void src_skip(j_decompress_ptr c, long n)
{
    while (n > 0) {
        if (c->src->bytes_in_buffer == 0)
            src_fill(c);
        size_t take = LK_MIN((size_t)n, c->src->bytes_in_buffer);
        c->src->next_input_byte += take;
        c->src->bytes_in_buffer -= take;
        n -= (long)take;
    }
}

static void src_term(j_decompress_ptr c)
{
    (void)c;
}

/* Copies n bytes of input into dst (NULL: drops them). */
static void src_take(j_decompress_ptr c, uint8_t *dst, size_t n)
{
    while (n > 0) {
        if (c->src->bytes_in_buffer == 0)
            src_fill(c);
        size_t take = LK_MIN(n, c->src->bytes_in_buffer);
        if (dst) {
            memcpy(dst, c->src->next_input_byte, take);
            dst += take;
        }
        c->src->next_input_byte += take;
        c->src->bytes_in_buffer -= take;
        n -= take;
    }
}

/* APP1: keeps the TIFF block of the first "Exif\0\0" marker, skips the rest. */
static boolean read_app1(j_decompress_ptr c)
{
    jpeg_job *j = c->client_data;
    uint8_t b[6];
    src_take(c, b, 2);
    size_t len = (size_t)b[0] << 8 | b[1];
    len = len >= 2 ? len - 2 : 0;
    size_t head = LK_MIN(len, sizeof b);
    src_take(c, b, head);
    int want = head == 6 && !memcmp(b, "Exif\0\0", 6) && !j->exif && len > 6;
    if (want && !(j->exif = lki_malloc(len - 6)))
        fail_now(j, LK_ENOMEM, "out of memory");
    if (want)
        j->exif_n = len - 6;
    src_take(c, want ? j->exif : NULL, len - head);
    return TRUE;
}

/* Creates the decompressor with our error, source and progress managers. */
static int job_start(jpeg_job *j, lk_errbuf *err)
{
    if (!(j->inbuf = lki_malloc(JPEG_IO_BUFFER)))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", j->src->path);
    j->c.err = jpeg_std_error(&j->jerr);
    j->jerr.error_exit = on_error;
    j->jerr.emit_message = on_message;
    j->c.client_data = j;
    jpeg_create_decompress(&j->c);
    j->created = 1;
    j->in.init_source = src_init;
    j->in.fill_input_buffer = src_fill;
    j->in.skip_input_data = src_skip;
    j->in.resync_to_restart = jpeg_resync_to_restart;
    j->in.term_source = src_term;
    j->c.src = &j->in;
    j->progress.progress_monitor = on_progress;
    j->c.progress = &j->progress;
    jpeg_set_marker_processor(&j->c, JPEG_APP0 + 1, read_app1);
    return 0;
}

/* ---- decoding ----------------------------------------------------------- */

/* Smallest DCT scale k/8 whose output still covers the working size. */
static int pick_scale(jpeg_job *j, int tw, int th)
{
    int best = 8;
    j->sw = j->w;
    j->sh = j->h;
    for (int k = 7; k >= 1; k--) {
        int sw = (int)(((int64_t)j->w * k + 7) / 8), sh = (int)(((int64_t)j->h * k + 7) / 8);
        if (sw >= tw && sh >= th && (int64_t)sw * sh < (int64_t)j->sw * j->sh) {
            j->sw = sw;
            j->sh = sh;
            best = k;
        }
    }
    return best;
}

/* CMYK (4 bytes) to RGB24 in place. */
static void cmyk_to_rgb(uint8_t *p, size_t pixels, int inverted)
{
    for (size_t i = 0; i < pixels; i++) {
        unsigned c = p[4 * i], m = p[4 * i + 1], y = p[4 * i + 2], k = p[4 * i + 3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        p[3 * i] = (uint8_t)((c * k + 127) / 255);
        p[3 * i + 1] = (uint8_t)((m * k + 127) / 255);
        p[3 * i + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

/* Reads every scanline into j->pix. */
static void read_pixels(jpeg_job *j)
{
    size_t row = (size_t)j->sw * (size_t)j->c.output_components;
    while (j->c.output_scanline < j->c.output_height) {
        JSAMPROW rows[16];
        int n = (int)LK_MIN(16u, j->c.output_height - j->c.output_scanline);
        for (int i = 0; i < n; i++)
            rows[i] = j->pix + (j->c.output_scanline + (size_t)i) * row;
        jpeg_read_scanlines(&j->c, rows, (JDIMENSION)n);
    }
}

/* Bytes of the whole-picture coefficient arrays libjpeg allocates for a
 * multi-scan (progressive, or non-interleaved sequential) picture, as
 * jdcoefct.c sizes them; 0 for a single-scan one.  Valid after the header. */
static int64_t coefficient_bytes(const struct jpeg_decompress_struct *c)
{
    if (!c->progressive_mode && c->comps_in_scan >= c->num_components)
        return 0;
    int64_t sum = 0;
    for (int i = 0; i < c->num_components; i++) {
        const jpeg_component_info *ci = &c->comp_info[i];
        int64_t hs = LK_MAX(ci->h_samp_factor, 1), vs = LK_MAX(ci->v_samp_factor, 1);
        int64_t bw = ((int64_t)ci->width_in_blocks + hs - 1) / hs * hs;
        int64_t bh = ((int64_t)ci->height_in_blocks + vs - 1) / vs * vs;
        sum += bw * bh * (int64_t)sizeof(JBLOCK);
    }
    return sum;
}

/* The memory budget against the coefficients and the decoded picture; also
 * caps libjpeg's own allocations (beyond: JERR_NO_BACKING_STORE). */
static int check_memory(jpeg_job *j, int64_t budget, lk_errbuf *err)
{
    int64_t coef = coefficient_bytes(&j->c);
    int64_t need = coef + (int64_t)j->sw * j->sh * (j->cmyk ? 4 : j->grey ? 1 : 3);
    if (need > budget)
        return lki_over_memory(err, j->src->path,
                               coef ? "a progressive JPEG (coefficients of the whole picture)"
                                    : "a JPEG", need, budget);
    j->c.mem->max_memory_to_use = (long)LK_MIN(budget, (int64_t)LONG_MAX);
    return 0;
}

/* Output size and colour space: the working size's DCT scale and RGB (or
 * CMYK), or in reference mode full scale and grey for a grey picture. */
static void set_output(jpeg_job *j, const lk_decode_opts *opts)
{
    int tw, th;
    lk_fit_size(j->w, j->h, opts->max_dim, &tw, &th);
    if (opts->reference) {
        tw = j->w;
        th = j->h;
    }
    j->c.scale_num = (unsigned)pick_scale(j, tw, th);
    j->c.scale_denom = 8;
    j->cmyk = j->c.jpeg_color_space == JCS_CMYK || j->c.jpeg_color_space == JCS_YCCK;
    j->grey = opts->reference && !opts->crop_borders && j->c.jpeg_color_space == JCS_GRAYSCALE;
    j->c.out_color_space = j->cmyk ? JCS_CMYK : j->grey ? JCS_GRAYSCALE : JCS_RGB;
}

/* The setjmp frame: 0, an LK_E* code, or 1 when libjpeg failed. */
static int decode(jpeg_job *j, const lk_decode_opts *opts, lk_errbuf *err)
{
    const char *path = j->src->path;
    if (setjmp(j->jmp))
        return 1;
    if (jpeg_read_header(&j->c, TRUE) != JPEG_HEADER_OK)
        return lki_err(err, LK_ECORRUPT, "'%s': truncated or damaged JPEG data (no image)", path);
    j->w = (int)LK_MIN(j->c.image_width, 1u << 30);
    j->h = (int)LK_MIN(j->c.image_height, 1u << 30);
    LK_TRY(lki_check_dims(path, j->c.image_width, j->c.image_height, j->budget.max_pixels, err));
    set_output(j, opts);
    LK_TRY(check_memory(j, j->budget.max_memory, err));
    jpeg_start_decompress(&j->c);
    if ((int)j->c.output_width != j->sw || (int)j->c.output_height != j->sh ||
        j->c.output_components != (j->cmyk ? 4 : j->grey ? 1 : 3))
        return lki_err(err, LK_EDECODE, "'%s': unexpected JPEG output layout", path);
    size_t px = (size_t)j->sw * (size_t)j->sh;
    if (!(j->pix = lki_malloc(px * (size_t)j->c.output_components)))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    read_pixels(j);
    jpeg_finish_decompress(&j->c);
    if (j->damage >= 0)
        return lki_err(err, LK_ECORRUPT, "'%s': truncated or damaged JPEG data (%s)", path, j->msg);
    if (j->cmyk)
        cmyk_to_rgb(j->pix, px, j->c.saw_Adobe_marker);
    return 0;
}

/* What a libjpeg failure means: the source's error, a callback's, or libjpeg's. */
static int libjpeg_failure(jpeg_job *j, lk_errbuf *err)
{
    const char *path = j->src->path;
    if (j->io_rc < 0) {
        if (err)
            *err = j->io_err;
        return j->io_rc;
    }
    if (j->fail_rc == LK_EINTR)
        return lki_source_stopped(j->src, err);
    if (j->fail_rc == LK_ENOMEM || j->jerr.msg_code == JERR_OUT_OF_MEMORY)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    if (j->jerr.msg_code == JERR_NO_BACKING_STORE)
        return lki_err(err, LK_ETOOBIG, "'%s': this JPEG needs more than the %s memory budget "
                       "to decode", path, lki_bytes_text(j->budget.max_memory, (char[24]){0}));
    return lki_err(err, j->fail_rc < 0 ? j->fail_rc : LK_ECORRUPT,
                   "'%s': truncated or damaged JPEG data (%s)", path, j->msg);
}

static void fill_info(lk_media_info *info, const jpeg_job *j, int orientation)
{
    static const int rot[9] = { 0, 0, 0, 180, 180, 270, 90, 90, 270 };
    int swap = orientation >= 5;
    memset(info, 0, sizeof *info);
    info->width = swap ? j->h : j->w;
    info->height = swap ? j->w : j->h;
    info->frame_count = 1;
    info->is_still = 1;
    info->orientation = orientation;
    info->rotation = rot[orientation];
    snprintf(info->format, sizeof info->format, "jpeg");
    snprintf(info->codec, sizeof info->codec, "jpeg");
}

/* Decodes, reduces and turns upright into s. */
static int run(jpeg_job *j, lk_still *s, const lk_decode_opts *opts, lk_media_info *info,
               lk_errbuf *err)
{
    LK_TRY(job_start(j, err));
    int rc = decode(j, opts, err);
    if (rc == 1)
        rc = libjpeg_failure(j, err);
    LK_TRY(rc);
    if (opts->reference) {
        s->bpp = j->grey ? 1 : 3;
        if (lki_still_reference(j->pix, j->sw, j->sh, j->sw * s->bpp, s->bpp, &s->pix, &s->w,
                                &s->h) < 0)
            return lki_err(err, LK_ENOMEM, "'%s': out of memory", j->src->path);
        fill_info(info, j, 1);
        return 0;
    }
    int orientation = j->exif ? exif_orientation(j->exif, j->exif_n) : 1;
    int tw, th;
    lk_fit_size(j->w, j->h, opts->max_dim, &tw, &th);
    if (lki_still_finish(j->pix, j->sw, j->sh, j->sw * 3, orientation, tw, th,
                        &s->pix, &s->w, &s->h) < 0)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", j->src->path);
    fill_info(info, j, orientation);
    return 0;
}

static int jpeg_open(void **state, lki_source *src, const lk_decode_opts *opts,
                     lk_media_info *info, lk_errbuf *err)
{
    jpeg_job *j = lki_calloc(1, sizeof *j);
    lk_still *s = lki_calloc(1, sizeof *s);
    *state = NULL;
    int rc = 0;
    if (!j || !s) {
        rc = lki_err(err, LK_ENOMEM, "'%s': out of memory", src->path);
    } else {
        j->src = src;
        j->damage = -1;
        j->budget = lki_budget_of(opts);
        rc = run(j, s, opts, info, err);
    }
    if (j && j->created)
        jpeg_destroy_decompress(&j->c);
    if (j) {
        lki_free(j->inbuf);
        lki_free(j->exif);
        lki_free(j->pix);
    }
    lki_free(j);
    if (rc < 0) {
        if (s)
            lki_free(s->pix);
        lki_free(s);
        return rc;
    }
    *state = s;
    return 0;
}

const lk_backend lki_backend_jpeg = { "jpeg", jpeg_open, lki_still_next, lki_still_close };
