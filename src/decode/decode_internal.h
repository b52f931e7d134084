/*
 * decode_internal.h — what the decode stage's files share: the backend
 * interface (png.c, jpeg.c, ffmpeg.c), the working-size rule and the
 * picture rotation helper.  Nothing here leaves src/decode/.
 *
 * Flow: decoder.c opens the file as an lki_source (source.c: the one
 * reading of the file, hashed as it is read), probes the magic bytes and
 * picks a backend; the backend reads through the source and yields frames
 * already rotated upright and scaled to fit the working size, as packed
 * RGB24; decoder.c detects and crops constant borders (border.c) and hands
 * out lk_frame.
 */
#ifndef LK_DECODE_INTERNAL_H
#define LK_DECODE_INTERNAL_H

#include <stdint.h>
#include "likeness/decode.h"
#include "likeness/sha256.h"

/* Limits checked from headers before any allocation for pixels: the side
 * always, the pixels as the budget's ceiling (decode.h, "Budgets"). */
#define LK_DECODE_MAX_SIDE 65535
#define LK_DECODE_MAX_PIXELS LK_DECODE_MAX_PIXELS_DEFAULT

/* The budgets of lk_decode_opts with the defaults filled in.
 * Invariant: 1 <= max_pixels <= LK_DECODE_MAX_PIXELS, the others >= 1. */
typedef struct lki_budget {
    int64_t max_pixels;      /* one picture or frame */
    int64_t max_anim_pixels; /* all frames of an animated picture */
    int64_t max_memory;      /* bytes of input-dependent decoding memory */
} lki_budget;

/* opts's budgets, defaults for zero (or out-of-range) fields. */
lki_budget lki_budget_of(const lk_decode_opts *opts);

/* Bytes for messages: "N MiB" (rounded up) from 1 MiB on, else "N KiB";
 * writes into buf (24 bytes) and returns it. */
const char *lki_bytes_text(int64_t bytes, char buf[24]);

/* "'path': WHAT needs N MiB to decode, more than the M MiB memory budget";
 * returns LK_ETOOBIG. */
int lki_over_memory(lk_errbuf *err, const char *path, const char *what, int64_t need,
                    int64_t budget);

/*
 * A frame as a backend yields it.  Pixels belong to the backend and stay
 * valid until its next call to next() or close().
 * Invariant: RGB24 (GRAY8 only in reference mode, for a grey still when
 * borders are not cropped), width/height within the working size (the
 * reference sizes in reference mode), stride >= bytes per pixel * width.
 */
typedef struct lk_rawframe {
    const uint8_t *data; /* top-left pixel */
    int fmt;             /* enum lk_pixfmt; 0 means LK_PIX_RGB24 */
    int width, height;   /* pixels */
    int stride;          /* bytes per row */
    double time;         /* seconds from the stream start */
    int64_t number;      /* display-order index */
    unsigned flags;      /* enum lk_frame_flags */
} lk_rawframe;

/* ---- source.c: the one reading of a file -------------------------------- */

/* Bytes probe wants to see from the start of a file. */
#define LK_PROBE_BYTES 65536

/*
 * An open media file, read by one backend at a time and hashed on the way
 * (see source.c for the rule that makes the digest the whole file's).
 * Invariants: 0 <= hashed <= bytes of the file; head holds the first head_n
 * bytes (head_n < LK_PROBE_BYTES only when that is the whole file) and
 * head_n <= hashed; once finished, digest is final and sha is not fed.
 */
typedef struct lki_source {
    const char *path;     /* for messages; the decoder's copy */
    int fd;               /* read-only descriptor, valid while is_open */
    int is_open;
    int64_t size;         /* st_size when opened */
    int64_t pos;          /* offset of the next read */
    int64_t hashed;       /* bytes [0, hashed) fed to sha, in order */
    int64_t bytes_read;   /* bytes read from the file so far (for tests) */
    lk_sha256_ctx sha;
    uint8_t *head;        /* first bytes of the file (owned) */
    size_t head_n;
    int finished;         /* digest computed */
    uint8_t digest[32];
    const volatile sig_atomic_t *interrupt; /* stop request, or NULL */
} lki_source;

/* 1 when the source's stop request is set. */
static inline int lki_interrupted(const lki_source *s)
{
    return s->interrupt && *s->interrupt;
}

/* Writes "'path': interrupted" and returns LK_EINTR. */
int lki_source_stopped(const lki_source *s, lk_errbuf *err);

/* Opens path (a non-empty regular file) and reads its head; 0 or LK_E*
 * naming path (the source is closed again on failure).  path and interrupt
 * (a stop request, may be NULL) must outlive the source. */
int lki_source_open(lki_source *s, const char *path, const volatile sig_atomic_t *interrupt,
                    lk_errbuf *err);
/* Reads up to n bytes at the current position and advances it: bytes read
 * (short reads happen; 0 at the end of the file) or LK_E* naming the file
 * (LK_EINTR once the stop request is set). */
int64_t lki_source_read(lki_source *s, void *buf, size_t n, lk_errbuf *err);
/* Moves the position (whence: SEEK_SET, SEEK_CUR, SEEK_END against the size
 * at open); the new position, or LK_EINVAL when it would be negative. */
int64_t lki_source_seek(lki_source *s, int64_t offset, int whence);
/* The SHA-256 of the whole file and its size: hashes the part not read yet
 * (position unchanged).  Idempotent; 0 or LK_E*. */
int lki_source_digest(lki_source *s, uint8_t out[32], int64_t *size, lk_errbuf *err);
/* Closes the descriptor and frees the head; safe to repeat. */
void lki_source_close(lki_source *s);

/* A reader for one family of formats.  Immutable. */
typedef struct lk_backend {
    const char *name;
    /* Opens the file read through src (at offset 0; src outlives the state),
     * fills *info; 0 or LK_E* with a message naming the file. */
    int (*open)(void **state, lki_source *src, const lk_decode_opts *opts,
                lk_media_info *info, lk_errbuf *err);
    /* 1 with *f filled, 0 at the end, or LK_E* naming the path. */
    int (*next)(void *state, lk_rawframe *f, lk_errbuf *err);
    /* Frees everything open() allocated; state may be NULL. */
    void (*close)(void *state);
} lk_backend;

/* The state of a still-picture backend (png.c, jpeg.c): one finished
 * frame, yielded once by lki_still_next(), freed by lki_still_close(). */
typedef struct lk_still {
    uint8_t *pix; /* dense RGB24 of the working size, upright (owned); in
                     reference mode the reference's size, maybe GRAY8 */
    int w, h;     /* size */
    int bpp;      /* bytes per pixel: 3 (RGB24) or 1 (GRAY8); 0 means 3 */
    int done;     /* 1 after the frame was yielded */
} lk_still;

int lki_still_next(void *state, lk_rawframe *f, lk_errbuf *err);
void lki_still_close(void *state);

extern const lk_backend lki_backend_png;    /* png.c */
extern const lk_backend lki_backend_jpeg;   /* jpeg.c */
extern const lk_backend lki_backend_ffmpeg; /* ffmpeg.c */

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
void lki_orient_rgb24(const uint8_t *src, int w, int h, int stride, int orientation,
                     uint8_t *dst, int *dw, int *dh);

/* decoder.c: 0 when w x h is within LK_DECODE_MAX_SIDE and max_pixels
 * (and at least 1x1), else LK_ETOOBIG (LK_ECORRUPT for an empty size) with
 * a message naming path and the limit. */
int lki_check_dims(const char *path, int64_t w, int64_t h, int64_t max_pixels, lk_errbuf *err);

/* ---- scale.c: area-averaging reduction of RGB24 pictures ---------------- */

/*
 * A streaming reducer: source rows go in top to bottom, output rows come out
 * as soon as every source row they cover has been seen.  Each output pixel
 * is the exact area average of the source pixels it covers (integer
 * arithmetic, deterministic).  Invariant: 1 <= dw <= sw, 1 <= dh <= sh.
 */
typedef struct lk_scaler lk_scaler;

/* 0, LK_EINVAL (upscaling or empty sizes) or LK_ENOMEM. */
int lki_scaler_new(lk_scaler **out, int sw, int sh, int dw, int dh);
/* Feeds the next source row (3*sw bytes); finished rows land in dst,
 * dense dw x dh RGB24 (stride 3*dw).  Extra rows are ignored. */
void lki_scaler_push(lk_scaler *s, const uint8_t *row, uint8_t *dst);
/* Frees *s (NULL allowed) and sets it to NULL. */
void lki_scaler_free(lk_scaler **s);

/*
 * Finishes a decoded still: reduces src (w x h, stride bytes per row) to
 * tw x th (an exact copy when equal; 1 <= tw <= w, 1 <= th <= h), then
 * applies the EXIF orientation.  *out is a new dense RGB24 buffer (lki_free)
 * of *ow x *oh.  0, LK_EINVAL or LK_ENOMEM.
 */
int lki_still_finish(const uint8_t *src, int w, int h, int stride, int orientation,
                    int tw, int th, uint8_t **out, int *ow, int *oh);

/* ---- scale.c: the reference photo hasher's resize ------------------------ */

/* pdq-photo-hasher resizes pictures larger than this on either side to
 * exactly this square. */
#define LK_REF_PHOTO_DIM 512

/* The size pdq-photo-hasher hashes a w x h picture at. */
static inline void lki_ref_photo_size(int w, int h, int *ow, int *oh)
{
    int big = w > LK_REF_PHOTO_DIM || h > LK_REF_PHOTO_DIM;
    *ow = big ? LK_REF_PHOTO_DIM : w;
    *oh = big ? LK_REF_PHOTO_DIM : h;
}

/*
 * A streaming nearest-neighbour resize as CImg's resize() with its default
 * interpolation does it: output pixel (x, y) of dw x dh is source pixel
 * (floor(x * sw / dw), floor(y * sh / dh)), for reductions and
 * enlargements alike.  Source rows go in top to bottom; each output row is
 * written when its source row goes by.  Invariant: sizes >= 1, bpp 1 or 3.
 */
typedef struct lk_picker lk_picker;

/* 0, LK_EINVAL (empty sizes, bad bpp) or LK_ENOMEM. */
int lki_picker_new(lk_picker **out, int sw, int sh, int dw, int dh, int bpp);
/* Feeds the next source row (bpp*sw bytes); finished rows land in dst,
 * dense dw x dh (stride bpp*dw).  Extra rows are ignored. */
void lki_picker_push(lk_picker *p, const uint8_t *row, uint8_t *dst);
/* Frees *p (NULL allowed) and sets it to NULL. */
void lki_picker_free(lk_picker **p);

/*
 * Finishes a still in reference mode: src (w x h, bpp bytes a pixel,
 * stride bytes per row) at the size lki_ref_photo_size() gives, as a new
 * dense buffer *out (lki_free) of *ow x *oh; no orientation.  0 or
 * LK_ENOMEM.
 */
int lki_still_reference(const uint8_t *src, int w, int h, int stride, int bpp,
                        uint8_t **out, int *ow, int *oh);

/* ---- border.c: constant border (letterbox, pillarbox) detection --------- */

/* What one picture shows: band widths in pixels per edge, or
 * LK_BORDER_UNKNOWN when the edge cannot be judged (uniform picture, a band
 * wider than the crop limit, or a band without a matching one of the same
 * colour on the opposite edge: more likely content).  See border.c. */
#define LK_BORDER_UNKNOWN (-1)
typedef struct lk_border {
    int top, bottom, left, right;
} lk_border;

/* Detects constant bands along the four edges of an RGB24 picture. */
void lki_border_detect(const uint8_t *rgb, int w, int h, int stride, lk_border *b);

/*
 * Turns a detection into the crop rectangle for a w x h picture.  prev is
 * the crop chosen for the previous sampled frame of the same stream (same
 * size), or NULL for a still or the first frame: an edge keeps its previous
 * value when the detection is unknown or moves by less than a hysteresis
 * margin.  *crop never covers less than 1x1 and equals the whole picture
 * when nothing is cropped.
 */
void lki_border_crop(const lk_border *b, int w, int h, const lk_rect *prev, lk_rect *crop);

/* ---- probe.c: which reader ----------------------------------------------- */

enum lk_probe_kind {
    LK_PROBE_OTHER = 0, /* anything else: offered to FFmpeg */
    LK_PROBE_PNG,       /* PNG signature, no animation control chunk */
    LK_PROBE_APNG,      /* PNG signature with acTL before the first IDAT */
    LK_PROBE_JPEG       /* SOI followed by a marker */
};

/* Classifies the first n bytes of a file (n may be short). */
int lki_probe(const uint8_t *head, size_t n);

#endif
