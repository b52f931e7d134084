/*
 * scale.c — area-averaging reduction of RGB24 pictures, streaming by rows,
 * the last step of every still reader (reduce, then turn upright), the
 * reference photo hasher's nearest-neighbour resize (reference mode), and
 * the one-frame state those readers share (lk_still).
 *
 * Geometry: source pixel i covers [i*dw, (i+1)*dw) and output pixel j
 * covers [j*sw, (j+1)*sw) on a common integer axis, so overlaps are exact
 * integers and the weights of one output pixel sum to sw.  The horizontal
 * pass keeps 6 fractional bits (values up to 255*64), the vertical pass
 * rounds to 8 bits.  Every division is by a per-scaler constant of at most
 * 2^32 with a numerator below 2^31, done exactly as a multiplication by a
 * 62-bit fixed-point reciprocal (the error stays below 2^-31, less than the
 * 1/divisor gap to the next integer).  Never upscales: 1 <= dw <= sw and 1 <= dh <= sh, so a
 * source row touches at most two output rows.  A same-size axis is an exact
 * copy.
 */
#include <string.h>
#include "common/common.h"
#include "decode/decode_internal.h"

struct lk_scaler {
    int sw, sh, dw, dh;
    int *xfirst;     /* first source column of each output column */
    int *xoff;       /* dw + 1 offsets into xw */
    uint32_t *xw;    /* overlap weights, xoff[j] .. xoff[j+1]-1 for column j */
    uint16_t *hrow;  /* horizontally reduced current row, 3*dw, x64 */
    uint32_t *acc;   /* vertical accumulator of the current output row */
    uint64_t inv_sw; /* reciprocal of sw, for udiv() */
    uint64_t inv_den;/* reciprocal of sh * 64, for udiv() */
    int y;           /* source rows consumed */
    int oy;          /* output row being accumulated */
};

/* The reciprocal of d (1 <= d <= 2^32) for udiv(). */
static uint64_t recip(uint64_t d)
{
    return ((uint64_t)1 << 62) / d + 1;
}

/* Exactly n / d for n < 2^31, with inv = recip(d). */
static inline uint32_t udiv(uint64_t n, uint64_t inv)
{
    return (uint32_t)(((unsigned __int128)n * inv) >> 62);
}

/* Builds the horizontal weight tables; 0 or LK_ENOMEM. */
static int build_weights(lk_scaler *s)
{
    int sw = s->sw, dw = s->dw;
    s->xfirst = lki_malloc(sizeof(int) * (size_t)dw);
    s->xoff = lki_malloc(sizeof(int) * ((size_t)dw + 1));
    s->xw = lki_malloc(sizeof(uint32_t) * ((size_t)sw + 2 * (size_t)dw));
    if (!s->xfirst || !s->xoff || !s->xw)
        return LK_ENOMEM;
    int n = 0;
    for (int j = 0; j < dw; j++) {
        int64_t lo = (int64_t)j * sw, hi = lo + sw;
        int first = (int)(lo / dw), last = (int)((hi - 1) / dw);
        s->xfirst[j] = first;
        s->xoff[j] = n;
        for (int i = first; i <= last; i++) {
            int64_t a = LK_MAX(lo, (int64_t)i * dw), b = LK_MIN(hi, (int64_t)(i + 1) * dw);
            s->xw[n++] = (uint32_t)(b - a);
        }
    }
    s->xoff[dw] = n;
    return 0;
}

int lki_scaler_new(lk_scaler **out, int sw, int sh, int dw, int dh)
{
    *out = NULL;
    if (dw < 1 || dh < 1 || dw > sw || dh > sh)
        return LK_EINVAL;
    lk_scaler *s = lki_calloc(1, sizeof *s);
    if (!s)
        return LK_ENOMEM;
    s->sw = sw;
    s->sh = sh;
    s->dw = dw;
    s->dh = dh;
    s->inv_sw = recip((uint64_t)sw);
    s->inv_den = recip((uint64_t)sh * 64);
    s->hrow = lki_malloc(sizeof(uint16_t) * 3 * (size_t)dw);
    s->acc = lki_calloc(3 * (size_t)dw, sizeof(uint32_t));
    if (!s->hrow || !s->acc || build_weights(s) < 0) {
        lki_scaler_free(&s);
        return LK_ENOMEM;
    }
    *out = s;
    return 0;
}

void lki_scaler_free(lk_scaler **sp)
{
    if (!sp || !*sp)
        return;
    lk_scaler *s = *sp;
    lki_free(s->xfirst);
    lki_free(s->xoff);
    lki_free(s->xw);
    lki_free(s->hrow);
    lki_free(s->acc);
    lk_freep(sp);
}

/* Reduces one source row into s->hrow. */
static void reduce_row(lk_scaler *s, const uint8_t *row)
{
    for (int j = 0; j < s->dw; j++) {
        const uint8_t *p = row + (size_t)s->xfirst[j] * 3;
        uint32_t r = 0, g = 0, b = 0;
        for (int k = s->xoff[j]; k < s->xoff[j + 1]; k++, p += 3) {
            uint32_t w = s->xw[k];
            r += w * p[0];
            g += w * p[1];
            b += w * p[2];
        }
        uint64_t half = (uint64_t)s->sw / 2;
        s->hrow[3 * j + 0] = (uint16_t)udiv((uint64_t)r * 64 + half, s->inv_sw);
        s->hrow[3 * j + 1] = (uint16_t)udiv((uint64_t)g * 64 + half, s->inv_sw);
        s->hrow[3 * j + 2] = (uint16_t)udiv((uint64_t)b * 64 + half, s->inv_sw);
    }
}

/* Adds weight w of the current reduced row to the accumulator. */
static void accumulate(lk_scaler *s, uint32_t w)
{
    for (int i = 0; i < 3 * s->dw; i++)
        s->acc[i] += w * s->hrow[i];
}

/* Writes the finished output row s->oy and starts the next one. */
static void emit_row(lk_scaler *s, uint8_t *dst)
{
    uint8_t *o = dst + (size_t)s->oy * 3 * (size_t)s->dw;
    uint32_t den = (uint32_t)s->sh * 64, half = den / 2;
    for (int i = 0; i < 3 * s->dw; i++) {
        o[i] = (uint8_t)udiv((uint64_t)s->acc[i] + half, s->inv_den);
        s->acc[i] = 0;
    }
    s->oy++;
}

void lki_scaler_push(lk_scaler *s, const uint8_t *row, uint8_t *dst)
{
    if (s->y >= s->sh)
        return;
    reduce_row(s, row);
    int64_t lo = (int64_t)s->y * s->dh, hi = lo + s->dh;
    int64_t kend = (int64_t)(s->oy + 1) * s->sh;
    s->y++;
    if (hi <= kend) {
        accumulate(s, (uint32_t)s->dh);
        if (hi == kend)
            emit_row(s, dst);
        return;
    }
    accumulate(s, (uint32_t)(kend - lo));
    emit_row(s, dst);
    accumulate(s, (uint32_t)(hi - kend));
}

/* Copies or reduces src into a new dense buffer of *ow x *oh. */
static int reduce_to(const uint8_t *src, int w, int h, int stride, uint8_t **out,
                     const int *ow, const int *oh)
{
    size_t n;
    if (lk_mul_size((size_t)*ow * 3, (size_t)*oh, &n) < 0)
        return LK_ENOMEM;
    uint8_t *dst = lki_malloc(n);
    if (!dst)
        return LK_ENOMEM;
    if (*ow == w && *oh == h) {
        for (int y = 0; y < h; y++)
            memcpy(dst + (size_t)y * 3 * (size_t)w, src + (size_t)y * (size_t)stride, (size_t)w * 3);
    } else {
        lk_scaler *s;
        int rc = lki_scaler_new(&s, w, h, *ow, *oh);
        if (rc < 0) {
            lki_free(dst);
            return rc;
        }
        for (int y = 0; y < h; y++)
            lki_scaler_push(s, src + (size_t)y * (size_t)stride, dst);
        lki_scaler_free(&s);
    }
    *out = dst;
    return 0;
}

int lki_still_finish(const uint8_t *src, int w, int h, int stride, int orientation,
                    int tw, int th, uint8_t **out, int *ow, int *oh)
{
    uint8_t *small;
    int sw = tw, sh = th;
    *out = NULL;
    LK_TRY(reduce_to(src, w, h, stride, &small, &sw, &sh));
    if (orientation <= 1 || orientation > 8) {
        *out = small;
        *ow = sw;
        *oh = sh;
        return 0;
    }
    uint8_t *turned = lki_malloc((size_t)sw * (size_t)sh * 3);
    if (!turned) {
        lki_free(small);
        return LK_ENOMEM;
    }
    lki_orient_rgb24(small, sw, sh, sw * 3, orientation, turned, ow, oh);
    lki_free(small);
    *out = turned;
    return 0;
}

/* ---- nearest neighbour, as CImg's resize() --------------------------------
 *
 * CImg walks the source by offsets curr(x) - curr(x - 1) with curr(x) =
 * (unsigned long)((x + 1.0) * sw / dw), so output x reads source column
 * curr(x - 1) = floor(x * sw / dw) (curr(-1) = 0).  x * sw < 2^32 and the
 * quotient's distance to the next integer is at least 1/dw, far above the
 * double rounding error, so integer division gives the same index. */

struct lk_picker {
    int sw, sh, dw, dh, bpp;
    int y;   /* source rows consumed */
    int oy;  /* next output row to write */
    int *xs; /* source column of each output column */
};

static int pick_index(int i, int from, int to)
{
    return (int)(((int64_t)i * from) / to);
}

int lki_picker_new(lk_picker **out, int sw, int sh, int dw, int dh, int bpp)
{
    *out = NULL;
    if (sw < 1 || sh < 1 || dw < 1 || dh < 1 || (bpp != 1 && bpp != 3))
        return LK_EINVAL;
    lk_picker *p = lki_calloc(1, sizeof *p);
    if (!p)
        return LK_ENOMEM;
    *p = (lk_picker){ sw, sh, dw, dh, bpp, 0, 0, lki_malloc(sizeof(int) * (size_t)dw) };
    if (!p->xs) {
        lki_free(p);
        return LK_ENOMEM;
    }
    for (int x = 0; x < dw; x++)
        p->xs[x] = pick_index(x, sw, dw);
    *out = p;
    return 0;
}

void lki_picker_free(lk_picker **pp)
{
    if (!pp || !*pp)
        return;
    lki_free((*pp)->xs);
    lk_freep(pp);
}

void lki_picker_push(lk_picker *p, const uint8_t *row, uint8_t *dst)
{
    size_t out_row = (size_t)p->dw * (size_t)p->bpp;
    while (p->oy < p->dh && pick_index(p->oy, p->sh, p->dh) == p->y) {
        uint8_t *o = dst + (size_t)p->oy * out_row;
        if (p->bpp == 1) {
            for (int x = 0; x < p->dw; x++)
                o[x] = row[p->xs[x]];
        } else {
            for (int x = 0; x < p->dw; x++)
                memcpy(o + 3 * (size_t)x, row + 3 * (size_t)p->xs[x], 3);
        }
        p->oy++;
    }
    p->y++;
}

int lki_still_reference(const uint8_t *src, int w, int h, int stride, int bpp,
                        uint8_t **out, int *ow, int *oh)
{
    lk_picker *p;
    *out = NULL;
    lki_ref_photo_size(w, h, ow, oh);
    LK_TRY(lki_picker_new(&p, w, h, *ow, *oh, bpp));
    uint8_t *dst = lki_malloc((size_t)*ow * (size_t)*oh * (size_t)bpp);
    if (!dst) {
        lki_picker_free(&p);
        return LK_ENOMEM;
    }
    for (int y = 0; y < h; y++)
        lki_picker_push(p, src + (size_t)y * (size_t)stride, dst);
    lki_picker_free(&p);
    *out = dst;
    return 0;
}

int lki_still_next(void *state, lk_rawframe *f, lk_errbuf *err)
{
    (void)err;
    lk_still *s = state;
    if (s->done)
        return 0;
    s->done = 1;
    memset(f, 0, sizeof *f);
    int bpp = s->bpp == 1 ? 1 : 3;
    f->data = s->pix;
    f->fmt = bpp == 1 ? LK_PIX_GRAY8 : LK_PIX_RGB24;
    f->width = s->w;
    f->height = s->h;
    f->stride = s->w * bpp;
    f->flags = LK_FRAME_STILL | LK_FRAME_KEY;
    return 1;
}

void lki_still_close(void *state)
{
    lk_still *s = state;
    if (!s)
        return;
    lki_free(s->pix);
    lki_free(s);
}
