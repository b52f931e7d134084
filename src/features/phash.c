/*
 * phash.c — the 64-bit DCT hash (pHash) in the convention of Python's
 * imagehash.phash, and the area-average reduction it shares with dHash.
 *
 * pHash: the luma is reduced to 32x32 by area averaging and rounded to
 * whole grey levels (as PIL's 8-bit output), transformed by a
 * 2-D DCT-II (unnormalised, like scipy.fftpack.dct; a uniform positive
 * scale does not change any bit), the top-left 8x8 block including the DC
 * term is kept and thresholded at its median (mean of the two middle
 * values).  Bits are row-major with coefficient (0,0) as bit 63, so the
 * 16-digit hex form equals imagehash's str(hash).
 *
 * Known difference: imagehash reduces with PIL's antialiasing resampler
 * from PIL's integer "L" luma, we area-average the float PDQ luma; hashes
 * of the same picture usually agree to within a few bits, not exactly.
 */
#include <math.h>
#include <string.h>
#include "features/features_internal.h"

void lki_phash_tables_init(lk_phash_tables *t)
{
    const double pi = 3.14159265358979323846;
    for (int k = 0; k < LK_PHASH_KEEP; k++) {
        for (int n = 0; n < LK_PHASH_SIZE; n++) {
            float v = (float)cos(pi * k * (2 * n + 1) / (2.0 * LK_PHASH_SIZE));
            t->dct[k * LK_PHASH_SIZE + n] = v;
            t->dctt[n * LK_PHASH_KEEP + k] = v;
        }
    }
}

/*
 * Area weight of input sample s in output sample o along one axis of len
 * inputs and olen outputs.  Coordinates are scaled by olen so they are
 * integers: input s covers [s*olen, (s+1)*olen), output o covers
 * [o*len, (o+1)*len); the weights of one output sum to len.  The reducers
 * walk s from o*len/olen while s*olen < (o+1)*len (always s < len).
 */
static inline long long overlap(long long s, long long o, long long len, long long olen)
{
    long long lo = s * olen > o * len ? s * olen : o * len;
    long long hi = (s + 1) * olen < (o + 1) * len ? (s + 1) * olen : (o + 1) * len;
    return hi - lo;
}

/* d[x] = wgt * r[x] (first) or d[x] += wgt * r[x], in blocks of 8
 * independent statements that the compiler turns into vector code. */
static void weighted_row(float *restrict d, const float *restrict r, float wgt, int n,
                         int first)
{
    int x = 0;
    if (first) {
        for (; x + 8 <= n; x += 8) {
            d[x] = wgt * r[x]; d[x + 1] = wgt * r[x + 1];
            d[x + 2] = wgt * r[x + 2]; d[x + 3] = wgt * r[x + 3];
            d[x + 4] = wgt * r[x + 4]; d[x + 5] = wgt * r[x + 5];
            d[x + 6] = wgt * r[x + 6]; d[x + 7] = wgt * r[x + 7];
        }
        for (; x < n; x++)
            d[x] = wgt * r[x];
        return;
    }
    for (; x + 8 <= n; x += 8) {
        d[x] += wgt * r[x]; d[x + 1] += wgt * r[x + 1];
        d[x + 2] += wgt * r[x + 2]; d[x + 3] += wgt * r[x + 3];
        d[x + 4] += wgt * r[x + 4]; d[x + 5] += wgt * r[x + 5];
        d[x + 6] += wgt * r[x + 6]; d[x + 7] += wgt * r[x + 7];
    }
    for (; x < n; x++)
        d[x] += wgt * r[x];
}

void lki_reduce_vertical(const float *in, int w, int h, float *out, int oh)
{
    const float inv = 1.0f / (float)h;
    for (int o = 0; o < oh; o++) {
        float *d = out + (size_t)o * (size_t)w;
        long long end = (long long)(o + 1) * h;
        int first = 1;
        for (long long s = (long long)o * h / oh; s * oh < end; s++, first = 0)
            weighted_row(d, in + (size_t)s * (size_t)w, (float)overlap(s, o, h, oh), w, first);
        for (int x = 0; x < w; x++)
            d[x] *= inv;
    }
}

void lki_reduce_horizontal(const float *in, int w, int h, float *out, int ow)
{
    const float inv = 1.0f / (float)w;
    for (int y = 0; y < h; y++) {
        const float *r = in + (size_t)y * (size_t)w;
        for (int o = 0; o < ow; o++) {
            float sum = 0.0f;
            long long end = (long long)(o + 1) * w;
            for (long long s = (long long)o * w / ow; s * ow < end; s++)
                sum += (float)overlap(s, o, w, ow) * r[s];
            out[(size_t)y * (size_t)ow + (size_t)o] = sum * inv;
        }
    }
}

void lki_area_reduce(const float *in, int w, int h, float *tmp, float *out, int ow, int oh)
{
    lki_reduce_vertical(in, w, h, tmp, oh);
    lki_reduce_horizontal(tmp, w, oh, out, ow);
}

/* Median of n values as numpy computes it: mean of the two middle ones. */
static float median_even(const float *v, int n)
{
    float s[LK_PHASH_KEEP * LK_PHASH_KEEP];
    memcpy(s, v, (size_t)n * sizeof *s);
    for (int i = 1; i < n; i++) { /* insertion sort: n is 64 */
        float x = s[i];
        int j = i - 1;
        for (; j >= 0 && s[j] > x; j--)
            s[j + 1] = s[j];
        s[j + 1] = x;
    }
    return (s[n / 2 - 1] + s[n / 2]) / 2.0f;
}

/* Rounds to whole grey levels, as PIL's 8-bit resize output is. */
void lki_round_levels(float *v, int n)
{
    for (int i = 0; i < n; i++)
        v[i] = floorf(v[i] + 0.5f);
}

uint64_t lki_phash_from_rows(const lk_simd_ops *ops, const lk_phash_tables *t,
                            lk_phash_work *wk, const float *rows, int w)
{
    const int n = LK_PHASH_SIZE, m = LK_PHASH_KEEP;
    lki_reduce_horizontal(rows, w, n, wk->small, n);
    lki_round_levels(wk->small, n * n);
    /* The DCT of (p - c) plus c's own DC term: with whole levels the
     * subtraction is exact, so a flat picture has exactly zero AC terms
     * (hash 8000000000000000, or 0 when black), as imagehash gives. */
    const float c = wk->small[0];
    for (int i = 0; i < n * n; i++)
        wk->small[i] -= c;
    ops->matmul(t->dct, wk->small, wk->t8x32, m, n, n);
    ops->matmul(wk->t8x32, t->dctt, wk->dct8, m, n, m);
    wk->dct8[0] += c * (float)(n * n);

    float med = median_even(wk->dct8, m * m);
    uint64_t hash = 0;
    for (int k = 0; k < m * m; k++) {
        if (wk->dct8[k] > med)
            hash |= 1ull << (63 - k);
    }
    return hash;
}
