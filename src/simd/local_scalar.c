/*
 * local_scalar.c — reference versions of the local-feature kernels (see
 * likeness/simd.h and src/features/local.c):
 *
 *  - local_fast_row: FAST-9 corner score of each pixel of a row.  The score
 *    is the largest t such that 9 contiguous pixels of the radius-3 circle
 *    are all brighter than centre + t (or all darker than centre - t),
 *    i.e. max over the 16 arcs of the arc's smallest saturated difference;
 *    the pixel is a corner for threshold thr when score > thr, and the
 *    kernel writes score there, else 0.  Byte arithmetic only.
 *  - local_half_row: 2x2 box average, rounded: (a+b+c+d+2) >> 2.
 *  - local_twothirds_rows: 3x3 -> 2x2 area resampling with weights (2,1 |
 *    1,2) per axis: out = ((sum of 9-weighted pixels) + 4) / 9, the
 *    division done as ((x + 4) * 7282) >> 16, which is exact for x + 4 <=
 *    2299 (checked by tests/simd/test_local_kernels.c over all x).
 *  - local_blur_row: 5x5 binomial blur (1 4 6 4 1)^2 / 256, rounded, with a
 *    vertical pass into 16-bit sums and a horizontal pass over them.
 *  - local_tests: 256 intensity comparisons c[oa[i]] < c[ob[i]] -> bits.
 *  - local_moments: first-order intensity moments over a disc of radius 15
 *    (the keypoint's orientation), exact in 32-bit integers.
 * Every SIMD version computes exactly these integers.
 */
#include "simd/simd_internal.h"

/* The radius-3 Bresenham circle, clockwise from the top (dx, dy). */
const int8_t lki_fast_circle[16][2] = {
    {0, -3}, {1, -3}, {2, -2}, {3, -1}, {3, 0}, {3, 1}, {2, 2}, {1, 3},
    {0, 3}, {-1, 3}, {-2, 2}, {-3, 1}, {-3, 0}, {-3, -1}, {-2, -2}, {-1, -3}};

/* Largest over the 16 cyclic arcs of 9 of the smallest d on the arc, by
 * doubling: m2 = min of 2 neighbours, m4 of 4, m8 of 8, then one more. */
static int arc_score(const uint8_t d[16])
{
    uint8_t m2[16], m4[16];
    int best = 0;
    for (int k = 0; k < 16; k++)
        m2[k] = d[k] < d[(k + 1) & 15] ? d[k] : d[(k + 1) & 15];
    for (int k = 0; k < 16; k++)
        m4[k] = m2[k] < m2[(k + 2) & 15] ? m2[k] : m2[(k + 2) & 15];
    for (int k = 0; k < 16; k++) {
        int m = m4[k] < m4[(k + 4) & 15] ? m4[k] : m4[(k + 4) & 15];
        if (d[(k + 8) & 15] < m)
            m = d[(k + 8) & 15];
        if (m > best)
            best = m;
    }
    return best;
}

/* 1 when the 16-bit circle mask has 9 contiguous set bits (cyclically). */
static int has_arc9(unsigned mask)
{
    uint32_t x = mask | (uint32_t)mask << 16;
    uint32_t r = x & (x >> 1);
    r &= r >> 2;
    r &= r >> 4;
    return (r & (x >> 8)) != 0;
}

/* Score of the pixel at p (see above), or 0 when not above thr.  Only one
 * side can hold an arc above thr, and the other side's score is then at
 * most thr, so the side with the arc gives the score. */
static uint8_t fast_one(const uint8_t *p, ptrdiff_t stride, int thr)
{
    int c = p[0];
    uint8_t d[16];
    /* quick rejection: 9 contiguous pixels cover 2 adjacent compass points */
    int n0 = p[-3 * stride], n8 = p[3 * stride], n4 = p[3], n12 = p[-3];
    int b = (n0 > c + thr) + (n8 > c + thr) + (n4 > c + thr) + (n12 > c + thr);
    int k = (n0 < c - thr) + (n8 < c - thr) + (n4 < c - thr) + (n12 < c - thr);
    if (b < 2 && k < 2)
        return 0;
    unsigned hi = 0, lo = 0;
    int v[16];
    for (int i = 0; i < 16; i++) {
        v[i] = p[lki_fast_circle[i][1] * stride + lki_fast_circle[i][0]];
        hi |= (unsigned)(v[i] > c + thr) << i;
        lo |= (unsigned)(v[i] < c - thr) << i;
    }
    int bright = has_arc9(hi);
    if (!bright && !has_arc9(lo))
        return 0;
    for (int i = 0; i < 16; i++)
        d[i] = (uint8_t)(bright ? (v[i] > c ? v[i] - c : 0) : (c > v[i] ? c - v[i] : 0));
    return (uint8_t)arc_score(d);
}

void lki_local_fast_row_scalar(const uint8_t *p, ptrdiff_t stride, int n, int thr,
                              uint8_t *score)
{
    for (int i = 0; i < n; i++)
        score[i] = fast_one(p + i, stride, thr);
}

void lki_local_half_row_scalar(const uint8_t *s0, const uint8_t *s1, int dw, uint8_t *d)
{
    for (int x = 0; x < dw; x++)
        d[x] = (uint8_t)((s0[2 * x] + s0[2 * x + 1] + s1[2 * x] + s1[2 * x + 1] + 2) >> 2);
}

/* Weighted 3:2 sums of one row: h[2k] = 2x[3k] + x[3k+1], h[2k+1] =
 * x[3k+1] + 2x[3k+2]. */
static inline int h32(const uint8_t *s, int x)
{
    int k = 3 * (x >> 1);
    return (x & 1) ? s[k + 1] + 2 * s[k + 2] : 2 * s[k] + s[k + 1];
}

void lki_local_twothirds_rows_scalar(const uint8_t *s0, const uint8_t *s1, const uint8_t *s2,
                                    int dw, uint8_t *d0, uint8_t *d1)
{
    for (int x = 0; x < dw; x++) {
        int a = h32(s0, x), b = h32(s1, x), c = h32(s2, x);
        d0[x] = (uint8_t)(((2 * a + b + 4) * 7282) >> 16);
        d1[x] = (uint8_t)(((b + 2 * c + 4) * 7282) >> 16);
    }
}

void lki_local_blur_row_scalar(const uint8_t *src, ptrdiff_t stride, int n, uint16_t *tmp,
                              uint8_t *dst)
{
    for (int x = -2; x < n + 2; x++)
        tmp[x + 2] = (uint16_t)(src[x - 2 * stride] + 4 * src[x - stride] + 6 * src[x] +
                                4 * src[x + stride] + src[x + 2 * stride]);
    for (int x = 0; x < n; x++) {
        const uint16_t *t = tmp + x;
        unsigned s = t[0] + 4u * t[1] + 6u * t[2] + 4u * t[3] + t[4];
        dst[x] = (uint8_t)((s + 128) >> 8);
    }
}

void lki_local_tests_scalar(const uint8_t *c, const int32_t *oa, const int32_t *ob,
                           uint64_t out[4])
{
    for (int w = 0; w < 4; w++) {
        uint64_t bits = 0;
        for (int j = 0; j < 64; j++) {
            int i = 64 * w + j;
            bits |= (uint64_t)(c[oa[i]] < c[ob[i]]) << j;
        }
        out[w] = bits;
    }
}

const int8_t lki_disc15[31] = {0,  5,  7,  9,  10, 11, 12, 12, 13, 13, 14, 14, 14, 14, 14, 15,
                               14, 14, 14, 14, 14, 13, 13, 12, 12, 11, 10, 9,  7,  5,  0};

void lki_local_moments_scalar(const uint8_t *c, ptrdiff_t stride, int32_t m[2])
{
    int32_t m10 = 0, m01 = 0;
    for (int dy = -15; dy <= 15; dy++) {
        const uint8_t *r = c + dy * stride;
        int u = lki_disc15[dy + 15];
        int32_t sum = 0;
        for (int dx = -u; dx <= u; dx++) {
            sum += r[dx];
            m10 += dx * r[dx];
        }
        m01 += dy * sum;
    }
    m[0] = m10;
    m[1] = m01;
}

void lki_simd_fill_local_scalar(lk_simd_ops *ops)
{
    ops->local_fast_row = lki_local_fast_row_scalar;
    ops->local_half_row = lki_local_half_row_scalar;
    ops->local_twothirds_rows = lki_local_twothirds_rows_scalar;
    ops->local_blur_row = lki_local_blur_row_scalar;
    ops->local_tests = lki_local_tests_scalar;
    ops->local_moments = lki_local_moments_scalar;
}
