/*
 * local_avx512.c — AVX-512 (F/BW) versions of the two hottest local-feature
 * kernels; the pyramid and blur kernels keep their AVX2 versions (memory
 * bound at these sizes).  Definitions in local_scalar.c; the algorithms
 * are those of local_avx2.c at 64 pixels (fast_row) and 16 tests
 * (tests) per vector, bit-identical to the scalar reference.
 */
#include <immintrin.h>
#include "simd/simd_internal.h"

static inline __m512i arc_score(const __m512i d[16])
{
    __m512i m2[16], m4[16], best = _mm512_setzero_si512();
    for (int k = 0; k < 16; k++)
        m2[k] = _mm512_min_epu8(d[k], d[(k + 1) & 15]);
    for (int k = 0; k < 16; k++)
        m4[k] = _mm512_min_epu8(m2[k], m2[(k + 2) & 15]);
    for (int k = 0; k < 16; k++) {
        __m512i m = _mm512_min_epu8(_mm512_min_epu8(m4[k], m4[(k + 4) & 15]), d[(k + 8) & 15]);
        best = _mm512_max_epu8(best, m);
    }
    return best;
}

/* Scores of the 64 pixels at p. */
static inline __m512i fast64(const uint8_t *p, const int32_t *off, __m512i t)
{
    __m512i c = _mm512_loadu_si512((const void *)p);
    __m512i hi[16], lo[16];
    for (int k = 0; k < 16; k++) {
        __m512i v = _mm512_loadu_si512((const void *)(p + off[k]));
        hi[k] = _mm512_subs_epu8(v, c);
        lo[k] = _mm512_subs_epu8(c, v);
    }
    __m512i s = _mm512_setzero_si512();
    for (int k = 0; k < 2; k++) {
        const __m512i *d = k ? lo : hi;
        __mmask64 a0 = _mm512_cmpgt_epu8_mask(d[0], t), a4 = _mm512_cmpgt_epu8_mask(d[4], t);
        __mmask64 a8 = _mm512_cmpgt_epu8_mask(d[8], t), a12 = _mm512_cmpgt_epu8_mask(d[12], t);
        if ((a0 & a4) | (a4 & a8) | (a8 & a12) | (a12 & a0))
            s = _mm512_max_epu8(s, arc_score(d));
    }
    return _mm512_maskz_mov_epi8(_mm512_cmpgt_epu8_mask(s, t), s);
}

static void fast_row(const uint8_t *p, ptrdiff_t stride, int n, int thr, uint8_t *score)
{
    if (n < 64) {
        lki_local_fast_row_scalar(p, stride, n, thr, score);
        return;
    }
    int32_t off[16];
    for (int k = 0; k < 16; k++)
        off[k] = (int32_t)(lki_fast_circle[k][1] * stride + lki_fast_circle[k][0]);
    __m512i t = _mm512_set1_epi8((char)thr);
    for (int i = 0;; i += 64) {
        if (i > n - 64)
            i = n - 64;
        _mm512_storeu_si512((void *)(score + i), fast64(p + i, off, t));
        if (i == n - 64)
            break;
    }
}

static void tests(const uint8_t *c, const int32_t *oa, const int32_t *ob, uint64_t out[4])
{
    const __m512i lowb = _mm512_set1_epi32(0xff);
    for (int w = 0; w < 4; w++) {
        uint64_t bits = 0;
        for (int j = 0; j < 4; j++) {
            int i = 64 * w + 16 * j;
            __m512i ia = _mm512_loadu_si512((const void *)(oa + i));
            __m512i ib = _mm512_loadu_si512((const void *)(ob + i));
            __m512i a = _mm512_and_si512(_mm512_i32gather_epi32(ia, (const void *)c, 1), lowb);
            __m512i b = _mm512_and_si512(_mm512_i32gather_epi32(ib, (const void *)c, 1), lowb);
            bits |= (uint64_t)_mm512_cmpgt_epi32_mask(b, a) << (16 * j);
        }
        out[w] = bits;
    }
}

void lki_simd_fill_local_avx512(lk_simd_ops *ops)
{
    ops->local_fast_row = fast_row;
    ops->local_tests = tests;
}
