/*
 * decode_internal.h — what the decode stage's files share: the backend
 * interface (png.c, jpeg.c, ffmpeg.c), the working-size rule and the
 * picture rotation helper.  Nothing here leaves src/decode/.
 *
 * Flow: decoder.c checks the path, probes the magic bytes and picks a
 * backend; the backend yields frames already rotated upright and scaled to
 * fit the working size, as packed RGB24; decoder.c detects and crops
 * constant borders (border.c) and hands out lk_frame.
 */
#ifndef LK_DECODE_INTERNAL_H
#define LK_DECODE_INTERNAL_H

#include <stdint.h>
#include "likeness/decode.h"

/* Limits checked from headers before any allocation for pixels. */
#define LK_DECODE_MAX_SIDE 65535
#define LK_DECODE_MAX_PIXELS ((int64_t)1 << 28)

/*
 * A frame as a backend yields it.  Pixels belong to the backend and stay
 * valid until its next call to next() or close().
 * Invariant: RGB24, width/height within the working size, stride >= 3*width.
 */
typedef struct lk_rawframe {
    const uint8_t *data; /* top-left pixel */
    int width, height;   /* pixels */
    int stride;          /* bytes per row */
    double time;         /* seconds from the stream start */
    int64_t number;      /* display-order index */
    unsigned flags;      /* enum lk_frame_flags */
} lk_rawframe;

/* A reader for one family of formats.  Immutable. */
typedef struct lk_backend {
    const char *name;
    /* Opens path, fills *info; 0 or LK_E* with a message naming path. */
    int (*open)(void **state, const char *path, const lk_decode_opts *opts,
                lk_media_info *info, lk_errbuf *err);
    /* 1 with *f filled, 0 at the end, or LK_E* naming the path. */
    int (*next)(void *state, lk_rawframe *f, lk_errbuf *err);
    /* Frees everything open() allocated; state may be NULL. */
    void (*close)(void *state);
} lk_backend;

extern const lk_backend lk_backend_png;    /* png.c */
extern const lk_backend lk_backend_jpeg;   /* jpeg.c */
extern const lk_backend lk_backend_ffmpeg; /* ffmpeg.c */

/* Size that fits w x h inside max_dim x max_dim keeping the aspect ratio,
 * never larger than the input, never below 1x1. */
static inline void lk_fit_size(int w, int h, int max_dim, int *ow, int *oh)
{
    if (max_dim <= 0 || (w <= max_dim && h <= max_dim)) {
        *ow = w;
        *oh = h;
        return;
    }
    if (w >= h) {
        *ow = max_dim;
        *oh = (int)(((int64_t)h * max_dim + w / 2) / w);
    } else {
        *oh = max_dim;
        *ow = (int)(((int64_t)w * max_dim + h / 2) / h);
    }
    if (*ow < 1) *ow = 1;
    if (*oh < 1) *oh = 1;
}

/*
 * Orientation transforms, numbered as EXIF orientation tags: 1 identity,
 * 2 mirror horizontally, 3 rotate 180, 4 mirror vertically, 5 transpose,
 * 6 rotate 90 clockwise, 7 transverse, 8 rotate 270 clockwise.
 * Writes the transformed RGB24 picture into dst (dense, stride 3*dst width)
 * and its size into *dw, *dh.  dst must hold w*h*3 bytes and not alias src.
 */
void lk_orient_rgb24(const uint8_t *src, int w, int h, int stride, int orientation,
                     uint8_t *dst, int *dw, int *dh);

#endif
