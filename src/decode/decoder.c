/*
 * decoder.c — the front of the decode stage: checks the path, probes the
 * first bytes, picks a backend, and turns backend frames into lk_frame with
 * constant borders detected and cropped.
 *
 * One reading: the file is opened once, as the decoder's lki_source, and
 * every backend reads through it, so its content hash comes from the same
 * bytes (lk_decoder_content_hash hashes what the backend left unread).
 *
 * Reader rule (probe.c): PNG and JPEG signatures go to libpng/libjpeg;
 * an animated PNG and everything else go to FFmpeg (which says when it
 * cannot recognise the data); an animated PNG FFmpeg refuses falls back to
 * libpng (its first frame).  opts->backend == LK_BACKEND_FFMPEG sends
 * everything to FFmpeg.  In reference mode (opts->reference) the backends
 * yield the reference hashers' pixels (decode.h) and may yield GRAY8.  Invariant: a decoder always holds an open backend
 * state; frames handed out point into the backend's memory.
 */
#include <stdio.h>
#include <string.h>
#include "common/common.h"
#include "decode/decode_internal.h"

struct lk_decoder {
    lki_source src;      /* the file, hashed as the backend reads it */
    const lk_backend *be;
    void *state;         /* the backend's; reads src */
    char *path;          /* for messages */
    lk_decode_opts opts;
    lk_media_info info;
    lk_rect crop;        /* crop of the previous frame */
    int have_crop;       /* crop is valid for frames of size crop_w x crop_h */
    int crop_w, crop_h;
};

LK_API void lk_decode_opts_default(lk_decode_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->fps = 2;
    opts->keyframes = 0;
    opts->scene_cuts = 1;
    opts->max_dim = 512;
    opts->crop_borders = 1;
    opts->threads = 0;
    opts->backend = LK_BACKEND_AUTO;
    opts->interrupt = NULL;
    opts->max_pixels = LK_DECODE_MAX_PIXELS_DEFAULT;
    opts->max_anim_pixels = LK_DECODE_MAX_ANIM_PIXELS_DEFAULT;
    opts->max_memory = LK_DECODE_MAX_MEMORY_DEFAULT;
}

lki_budget lki_budget_of(const lk_decode_opts *o)
{
    lki_budget b = { LK_DECODE_MAX_PIXELS, LK_DECODE_MAX_ANIM_PIXELS_DEFAULT,
                     LK_DECODE_MAX_MEMORY_DEFAULT };
    if (o && o->max_pixels > 0 && o->max_pixels < b.max_pixels)
        b.max_pixels = o->max_pixels;
    if (o && o->max_anim_pixels > 0)
        b.max_anim_pixels = o->max_anim_pixels;
    if (o && o->max_memory > 0)
        b.max_memory = o->max_memory;
    return b;
}

const char *lki_bytes_text(int64_t bytes, char buf[24])
{
    if (bytes >= (int64_t)1 << 20)
        snprintf(buf, 24, "%lld MiB", (long long)((bytes + ((int64_t)1 << 20) - 1) >> 20));
    else
        snprintf(buf, 24, "%lld KiB", (long long)((bytes + 1023) >> 10));
    return buf;
}

int lki_over_memory(lk_errbuf *err, const char *path, const char *what, int64_t need,
                    int64_t budget)
{
    char a[24], b[24];
    return lki_err(err, LK_ETOOBIG, "'%s': %s needs %s to decode, more than the %s memory budget",
                   path, what, lki_bytes_text(need, a), lki_bytes_text(budget, b));
}

int lki_check_dims(const char *path, int64_t w, int64_t h, int64_t max_pixels, lk_errbuf *err)
{
    if (w < 1 || h < 1)
        return lki_err(err, LK_ECORRUPT, "'%s': picture has no pixels (%lldx%lld)", path,
                      (long long)w, (long long)h);
    if (w > LK_DECODE_MAX_SIDE || h > LK_DECODE_MAX_SIDE || w * h > max_pixels)
        return lki_err(err, LK_ETOOBIG,
                      "'%s': %lldx%lld pixels is more than the limit (65535 a side, %lld pixels "
                      "in all)", path, (long long)w, (long long)h, (long long)max_pixels);
    return 0;
}

/* Opens the backend kind points to on the source, from its first byte. */
static int open_kind(lk_decoder *d, int kind, lk_errbuf *err)
{
    d->be = kind == LK_PROBE_PNG ? &lki_backend_png
          : kind == LK_PROBE_JPEG ? &lki_backend_jpeg : &lki_backend_ffmpeg;
    lki_source_seek(&d->src, 0, SEEK_SET);
    int rc = d->be->open(&d->state, &d->src, &d->opts, &d->info, err);
    if (rc < 0)
        d->be = NULL;
    return rc;
}

/* Opens the file, probes its head and opens the backend for it. */
static int open_backend(lk_decoder *d, lk_errbuf *err)
{
    LK_TRY(lki_source_open(&d->src, d->path, d->opts.interrupt, err));
    int kind = lki_probe(d->src.head, d->src.head_n);
    if (d->opts.backend == LK_BACKEND_FFMPEG)
        kind = LK_PROBE_OTHER;
    int rc = open_kind(d, kind, err);
    if (rc < 0 && rc != LK_ENOMEM && kind == LK_PROBE_APNG)
        rc = open_kind(d, LK_PROBE_PNG, err);
    if (rc == 0 && (d->info.orientation < 1 || d->info.orientation > 8))
        d->info.orientation = d->info.rotation == 90 ? 6 : d->info.rotation == 180 ? 3
                            : d->info.rotation == 270 ? 8 : 1;
    return rc;
}

LK_API int lk_decoder_open(lk_decoder **out, const char *path, const lk_decode_opts *opts,
                           lk_errbuf *err)
{
    if (!out)
        return lki_err(err, LK_EINVAL, "lk_decoder_open: no output pointer");
    *out = NULL;
    if (!path || !*path)
        return lki_err(err, LK_EINVAL, "lk_decoder_open: empty path");
    lk_decoder *d = lki_calloc(1, sizeof *d);
    size_t len = strlen(path);
    if (d) {
        d->src.fd = -1;
        d->path = lki_malloc(len + 1);
    }
    if (!d || !d->path) {
        lk_decoder_free(&d);
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    }
    memcpy(d->path, path, len + 1);
    if (opts)
        d->opts = *opts;
    else
        lk_decode_opts_default(&d->opts);
    int rc = open_backend(d, err);
    if (rc < 0) {
        lk_decoder_free(&d);
        return rc;
    }
    *out = d;
    return 0;
}

/* Fills the border fields of f from its full picture. */
static void crop_frame(lk_decoder *d, lk_frame *f)
{
    const lk_image *full = &f->full;
    lk_rect all = { 0, 0, full->width, full->height };
    f->crop = all;
    /* grey frames come only from reference mode without border cropping */
    if (d->opts.crop_borders && LK_ALWAYS(full->fmt == LK_PIX_RGB24)) {
        lk_border b;
        int same = d->have_crop && d->crop_w == full->width && d->crop_h == full->height;
        lki_border_detect(full->data, full->width, full->height, full->stride, &b);
        lki_border_crop(&b, full->width, full->height, same ? &d->crop : NULL, &f->crop);
        d->crop = f->crop;
        d->have_crop = 1;
        d->crop_w = full->width;
        d->crop_h = full->height;
    }
    f->image = *full;
    f->image.data = full->data + (size_t)f->crop.y * (size_t)full->stride +
                    (size_t)f->crop.x * (size_t)full->fmt;
    f->image.width = f->crop.width;
    f->image.height = f->crop.height;
}

LK_API int lk_decoder_next(lk_decoder *d, lk_frame *frame, lk_errbuf *err)
{
    if (!d || !frame)
        return lki_err(err, LK_EINVAL, "lk_decoder_next: no decoder or frame");
    if (!d->be)
        return lki_err(err, LK_ESTATE, "'%s': decoder is not open", d->path);
    if (lki_interrupted(&d->src))
        return lki_source_stopped(&d->src, err);
    lk_rawframe raw;
    memset(&raw, 0, sizeof raw);
    int rc = d->be->next(d->state, &raw, err);
    if (rc <= 0)
        return rc;
    memset(frame, 0, sizeof *frame);
    frame->full.data = raw.data;
    frame->full.width = raw.width;
    frame->full.height = raw.height;
    frame->full.stride = raw.stride;
    frame->full.fmt = raw.fmt == LK_PIX_GRAY8 ? LK_PIX_GRAY8 : LK_PIX_RGB24;
    frame->time = raw.time;
    frame->number = raw.number;
    frame->flags = raw.flags;
    crop_frame(d, frame);
    return 1;
}

LK_API void lk_decoder_info(const lk_decoder *d, lk_media_info *info)
{
    if (!info)
        return;
    if (!d) {
        memset(info, 0, sizeof *info);
        return;
    }
    *info = d->info;
}

LK_API int lk_decoder_content_hash(lk_decoder *d, uint8_t sha256[32], int64_t *size,
                                   lk_errbuf *err)
{
    if (!d || !sha256)
        return lki_err(err, LK_EINVAL, "lk_decoder_content_hash: no decoder or output");
    return lki_source_digest(&d->src, sha256, size, err);
}

LK_API void lk_decoder_free(lk_decoder **dp)
{
    if (!dp || !*dp)
        return;
    lk_decoder *d = *dp;
    if (d->be)
        d->be->close(d->state);
    lki_source_close(&d->src);
    lki_free(d->path);
    lk_freep(dp);
}
