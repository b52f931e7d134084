/*
 * local_avx2.c — AVX2 versions of the local-feature kernels (definitions
 * in local_scalar.c).  All integer, bit-identical to the scalar reference:
 *
 *  - fast_row: 32 pixels per vector; saturated differences (subs_epu8) to
 *    the 16 circle pixels, a quick test per side (two adjacent compass
 *    points past the threshold) that skips a side with no candidate in
 *    the vector, then the arc score by doubling minima.  The larger side's
 *    score is kept: only one side can hold an arc above the threshold, so
 *    this is the scalar score wherever it exceeds the threshold.  The
 *    row tail is one overlapping vector (rewriting equal values).
 *  - half_row: pairwise sums by maddubs, 32 outputs per step.
 *  - twothirds_rows: per 128-bit lane, 12 input bytes shuffled into the 8
 *    (left, right) pairs of 8 outputs and summed with weights (2,1 | 1,2)
 *    by maddubs; rows combined in 16-bit lanes; /9 by mulhi.
 *  - blur_row: vertical pass in 16-bit lanes into tmp, horizontal pass
 *    from 5 unaligned loads of tmp.
 *  - tests: 8 gathers of 32-bit words (low byte kept) per side and step.
 *  - moments: one 32-byte row (columns -15..16) per disc row, masked to
 *    the row's span; sums by sad, x-weighted sums by maddubs + madd.
 * Rows shorter than one vector, and the remainders of half, two-thirds
 * and blur, use the scalar code.
 */
#include <immintrin.h>
#include "simd/simd_internal.h"

/* Smallest-on-arc maximum of 16 saturated differences (see scalar). */
static inline __m256i arc_score(const __m256i d[16])
{
    __m256i m2[16], m4[16], best = _mm256_setzero_si256();
    for (int k = 0; k < 16; k++)
        m2[k] = _mm256_min_epu8(d[k], d[(k + 1) & 15]);
    for (int k = 0; k < 16; k++)
        m4[k] = _mm256_min_epu8(m2[k], m2[(k + 2) & 15]);
    for (int k = 0; k < 16; k++) {
        __m256i m = _mm256_min_epu8(_mm256_min_epu8(m4[k], m4[(k + 4) & 15]), d[(k + 8) & 15]);
        best = _mm256_max_epu8(best, m);
    }
    return best;
}

/* Scores of the 32 pixels at p. */
static inline __m256i fast32(const uint8_t *p, const int32_t *off, __m256i t)
{
    __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i hi[16], lo[16];
    for (int k = 0; k < 16; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + off[k]));
        hi[k] = _mm256_subs_epu8(v, c);
        lo[k] = _mm256_subs_epu8(c, v);
    }
    /* past the threshold: subs(d, t) != 0; quick test on compass points,
     * per side: a side whose test fails in every lane scores 0 (<= t) */
    __m256i z = _mm256_setzero_si256(), s = z;
    for (int k = 0; k < 2; k++) {
        const __m256i *d = k ? lo : hi;
        __m256i a0 = _mm256_subs_epu8(d[0], t), a4 = _mm256_subs_epu8(d[4], t);
        __m256i a8 = _mm256_subs_epu8(d[8], t), a12 = _mm256_subs_epu8(d[12], t);
        __m256i q = _mm256_or_si256(
            _mm256_or_si256(_mm256_min_epu8(a0, a4), _mm256_min_epu8(a4, a8)),
            _mm256_or_si256(_mm256_min_epu8(a8, a12), _mm256_min_epu8(a12, a0)));
        if (!_mm256_testz_si256(q, q))
            s = _mm256_max_epu8(s, arc_score(d));
    }
    /* keep s where s > t */
    __m256i keep = _mm256_cmpeq_epi8(_mm256_subs_epu8(s, t), z);
    return _mm256_andnot_si256(keep, s);
}

static void fast_row(const uint8_t *p, ptrdiff_t stride, int n, int thr, uint8_t *score)
{
    if (n < 32) {
        lki_local_fast_row_scalar(p, stride, n, thr, score);
        return;
    }
    int32_t off[16];
    for (int k = 0; k < 16; k++)
        off[k] = (int32_t)(lki_fast_circle[k][1] * stride + lki_fast_circle[k][0]);
    __m256i t = _mm256_set1_epi8((char)thr);
    for (int i = 0;; i += 32) {
        if (i > n - 32)
            i = n - 32;
        _mm256_storeu_si256((__m256i *)(void *)(score + i), fast32(p + i, off, t));
        if (i == n - 32)
            break;
    }
}

static void half_row(const uint8_t *s0, const uint8_t *s1, int dw, uint8_t *d)
{
    const __m256i one = _mm256_set1_epi8(1), two = _mm256_set1_epi16(2);
    int x = 0;
    for (; x + 32 <= dw; x += 32) {
        __m256i a[2];
        for (int h = 0; h < 2; h++) {
            const uint8_t *p0 = s0 + 2 * x + 32 * h, *p1 = s1 + 2 * x + 32 * h;
            __m256i u = _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(const void *)p0), one);
            __m256i v = _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)(const void *)p1), one);
            a[h] = _mm256_srli_epi16(_mm256_add_epi16(_mm256_add_epi16(u, v), two), 2);
        }
        __m256i r = _mm256_permute4x64_epi64(_mm256_packus_epi16(a[0], a[1]), 0xd8);
        _mm256_storeu_si256((__m256i *)(void *)(d + x), r);
    }
    if (x < dw)
        lki_local_half_row_scalar(s0 + 2 * x, s1 + 2 * x, dw - x, d + x);
}

/* Horizontal 3:2 sums of 16 outputs from s (input bytes 0..23). */
static inline __m256i h32x16(const uint8_t *s, __m256i shuf, __m256i w)
{
    __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(s + 12));
    __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    return _mm256_maddubs_epi16(_mm256_shuffle_epi8(v, shuf), w);
}

static void twothirds_rows(const uint8_t *s0, const uint8_t *s1, const uint8_t *s2, int dw,
                           uint8_t *d0, uint8_t *d1)
{
    const __m256i shuf = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11,
                                          0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11);
    const __m256i w = _mm256_setr_epi8(2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2,
                                       2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2);
    const __m256i four = _mm256_set1_epi16(4), nine = _mm256_set1_epi16(7282);
    int x = 0;
    /* a block reads 28 input bytes from 3x/2; the last full block may read
     * past the row's used pixels but not past the buffer (stride slack) */
    for (; x + 16 <= dw; x += 16) {
        int k = 3 * x / 2;
        __m256i a = h32x16(s0 + k, shuf, w), b = h32x16(s1 + k, shuf, w);
        __m256i c = h32x16(s2 + k, shuf, w);
        __m256i o0 = _mm256_add_epi16(_mm256_add_epi16(a, a), _mm256_add_epi16(b, four));
        __m256i o1 = _mm256_add_epi16(_mm256_add_epi16(c, c), _mm256_add_epi16(b, four));
        o0 = _mm256_mulhi_epu16(o0, nine);
        o1 = _mm256_mulhi_epu16(o1, nine);
        __m256i r = _mm256_permute4x64_epi64(_mm256_packus_epi16(o0, o1), 0xd8);
        _mm_storeu_si128((__m128i *)(void *)(d0 + x), _mm256_castsi256_si128(r));
        _mm_storeu_si128((__m128i *)(void *)(d1 + x), _mm256_extracti128_si256(r, 1));
    }
    if (x < dw) {
        int k = 3 * x / 2;
        lki_local_twothirds_rows_scalar(s0 + k, s1 + k, s2 + k, dw - x, d0 + x, d1 + x);
    }
}

static inline __m256i load16u8(const uint8_t *p)
{
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
}

static void blur_row(const uint8_t *src, ptrdiff_t stride, int n, uint16_t *tmp, uint8_t *dst)
{
    if (n < 16) {
        lki_local_blur_row_scalar(src, stride, n, tmp, dst);
        return;
    }
    const __m256i four = _mm256_set1_epi16(4), six = _mm256_set1_epi16(6);
    int m = n + 4; /* tmp[j] is column j - 2 */
    for (int j = 0;; j += 16) {
        if (j > m - 16)
            j = m - 16;
        const uint8_t *p = src + j - 2;
        __m256i v = _mm256_add_epi16(load16u8(p - 2 * stride), load16u8(p + 2 * stride));
        v = _mm256_add_epi16(v, _mm256_mullo_epi16(six, load16u8(p)));
        v = _mm256_add_epi16(v, _mm256_mullo_epi16(four, _mm256_add_epi16(load16u8(p - stride),
                                                                          load16u8(p + stride))));
        _mm256_storeu_si256((__m256i *)(void *)(tmp + j), v);
        if (j == m - 16)
            break;
    }
    const __m256i r128 = _mm256_set1_epi16(128);
    for (int x = 0;; x += 16) {
        if (x > n - 16)
            x = n - 16;
#define LT(i) _mm256_loadu_si256((const __m256i *)(const void *)(tmp + x + (i)))
        __m256i s = _mm256_add_epi16(LT(0), LT(4));
        s = _mm256_add_epi16(s, _mm256_mullo_epi16(six, LT(2)));
        s = _mm256_add_epi16(s, _mm256_mullo_epi16(four, _mm256_add_epi16(LT(1), LT(3))));
#undef LT
        s = _mm256_srli_epi16(_mm256_add_epi16(s, r128), 8);
        __m256i r = _mm256_permute4x64_epi64(_mm256_packus_epi16(s, s), 0xd8);
        _mm_storeu_si128((__m128i *)(void *)(dst + x), _mm256_castsi256_si128(r));
        if (x == n - 16)
            break;
    }
}

static void tests(const uint8_t *c, const int32_t *oa, const int32_t *ob, uint64_t out[4])
{
    const __m256i lowb = _mm256_set1_epi32(0xff);
    const int *base = (const int *)(const void *)c;
    for (int w = 0; w < 4; w++) {
        uint64_t bits = 0;
        for (int j = 0; j < 8; j++) {
            int i = 64 * w + 8 * j;
            __m256i ia = _mm256_loadu_si256((const __m256i *)(const void *)(oa + i));
            __m256i ib = _mm256_loadu_si256((const __m256i *)(const void *)(ob + i));
            __m256i a = _mm256_and_si256(_mm256_i32gather_epi32(base, ia, 1), lowb);
            __m256i b = _mm256_and_si256(_mm256_i32gather_epi32(base, ib, 1), lowb);
            unsigned m = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(b, a)));
            bits |= (uint64_t)m << (8 * j);
        }
        out[w] = bits;
    }
}

static void moments(const uint8_t *c, ptrdiff_t stride, int32_t m[2])
{
    const __m256i dx = _mm256_setr_epi8(-15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4,
                                        -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                        13, 14, 15, 16);
    const __m256i adx = _mm256_abs_epi8(dx), ones = _mm256_set1_epi16(1);
    __m256i ax = _mm256_setzero_si256(), ay = _mm256_setzero_si256();
    for (int dy = -15; dy <= 15; dy++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(c + dy * stride - 15));
        __m256i in = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(lki_disc15[dy + 15] + 1)), adx);
        v = _mm256_and_si256(v, in);
        ax = _mm256_add_epi32(ax, _mm256_madd_epi16(_mm256_maddubs_epi16(v, dx), ones));
        __m256i sum = _mm256_sad_epu8(v, _mm256_setzero_si256());
        ay = _mm256_add_epi32(ay, _mm256_mullo_epi32(sum, _mm256_set1_epi32(dy)));
    }
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(ax), _mm256_extracti128_si256(ax, 1));
    __m128i y = _mm_add_epi32(_mm256_castsi256_si128(ay), _mm256_extracti128_si256(ay, 1));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4e));
    y = _mm_add_epi32(y, _mm_shuffle_epi32(y, 0x4e));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xb1));
    y = _mm_add_epi32(y, _mm_shuffle_epi32(y, 0xb1));
    m[0] = _mm_cvtsi128_si32(x);
    m[1] = _mm_cvtsi128_si32(y);
}

void lki_simd_fill_local_avx2(lk_simd_ops *ops)
{
    ops->local_fast_row = fast_row;
    ops->local_half_row = half_row;
    ops->local_twothirds_rows = twothirds_rows;
    ops->local_blur_row = blur_row;
    ops->local_tests = tests;
    ops->local_moments = moments;
}
