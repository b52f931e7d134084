/*
 * style_avx512.c — AVX-512 (F/BW) versions of the style texture kernels
 * (definitions in style_scalar.c): the LBP histogram and the 2x2 pyramid
 * step, 64 bytes per vector, byte compares into masks counted with POPCNT.
 * Bit-identical to the scalar reference (integer only).  The colour
 * quantiser and the edge coder keep their AVX2 versions at this level: they
 * work in 16-bit lanes and are bound by the histogram counting that
 * follows them in style.c, not by the kernel.  A row's LBP tail is one overlapping vector whose
 * lanes already counted are masked off; rows shorter than a vector, and
 * the pyramid's tail, use the scalar code.
 */
#include <immintrin.h>
#include "simd/simd_internal.h"
#include "simd/style_kernels.h"

static inline __m512i ld64(const uint8_t *p)
{
    return _mm512_loadu_si512((const void *)p);
}

/* Per byte: bits set in v (0..8), by a nibble table. */
static inline __m512i popcount_bytes(__m512i v)
{
    const __m512i lut = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
    const __m512i lo = _mm512_set1_epi8(0x0f);
    return _mm512_add_epi8(_mm512_shuffle_epi8(lut, _mm512_and_si512(v, lo)),
                           _mm512_shuffle_epi8(lut, _mm512_and_si512(_mm512_srli_epi16(v, 4), lo)));
}

/* riu2 LBP codes of the 64 pixels at x (x-1 .. x+64 readable). */
static inline __m512i lbp64(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, int x)
{
    const uint8_t *p[8] = { r0 + x - 1, r0 + x, r0 + x + 1, r1 + x + 1,
                            r2 + x + 1, r2 + x, r2 + x - 1, r1 + x - 1 };
    const __m512i tm1 = _mm512_set1_epi8(LK_STYLE_LBP_T - 1);
    __m512i c = ld64(r1 + x), bits = _mm512_setzero_si512();
    for (int k = 0; k < 8; k++) {
        /* nb - c >= T  <=>  sat(sat(nb - c) - (T - 1)) != 0 */
        __m512i d = _mm512_subs_epu8(_mm512_subs_epu8(ld64(p[k]), c), tm1);
        __mmask64 on = _mm512_test_epi8_mask(d, d);
        bits = _mm512_or_si512(bits, _mm512_maskz_set1_epi8(on, (char)(1 << k)));
    }
    __m512i rot = _mm512_or_si512(_mm512_and_si512(_mm512_slli_epi16(bits, 1), _mm512_set1_epi8((char)0xfe)),
                                  _mm512_and_si512(_mm512_srli_epi16(bits, 7), _mm512_set1_epi8(1)));
    __mmask64 uniform = _mm512_cmple_epu8_mask(popcount_bytes(_mm512_xor_si512(bits, rot)),
                                               _mm512_set1_epi8(2));
    return _mm512_mask_blend_epi8(uniform, _mm512_set1_epi8(9), popcount_bytes(bits));
}

/* Adds the codes of the lanes set in keep to hist. */
static inline void count_codes(__m512i code, uint64_t keep, uint32_t *hist)
{
    for (int v = 0; v < LK_STYLE_LBP_CODES; v++)
        hist[v] += (uint32_t)__builtin_popcountll(
            keep & (uint64_t)_mm512_cmpeq_epi8_mask(code, _mm512_set1_epi8((char)v)));
}

void lki_style_lbp_hist_avx512(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, int n,
                              uint32_t *hist)
{
    int x = 1;
    for (; x + 65 <= n; x += 64)
        count_codes(lbp64(r0, r1, r2, x), ~0ull, hist);
    if (x + 1 < n && n >= 66) /* tail: the block ending at n-2, minus lanes counted */
        count_codes(lbp64(r0, r1, r2, n - 65), ~0ull << (x - (n - 65)), hist);
    else if (x + 1 < n)
        lki_style_lbp_hist_scalar(r0, r1, r2, n, hist);
}

void lki_style_down2_avx512(const uint8_t *r0, const uint8_t *r1, int n, uint8_t *out)
{
    const __m512i one = _mm512_set1_epi8(1), two = _mm512_set1_epi16(2);
    /* packus interleaves 64-bit halves lane by lane; this restores order */
    const __m512i order = _mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0);
    int i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i s[2];
        for (int h = 0; h < 2; h++) {
            __m512i a = _mm512_maddubs_epi16(ld64(r0 + 2 * i + 64 * h), one);
            __m512i b = _mm512_maddubs_epi16(ld64(r1 + 2 * i + 64 * h), one);
            s[h] = _mm512_srli_epi16(_mm512_add_epi16(_mm512_add_epi16(a, b), two), 2);
        }
        __m512i p = _mm512_permutexvar_epi64(order, _mm512_packus_epi16(s[0], s[1]));
        _mm512_storeu_si512((void *)(out + i), p);
    }
    if (i < n)
        lki_style_down2_scalar(r0 + 2 * i, r1 + 2 * i, n - i, out + i);
}

void lki_simd_fill_style_avx512(lk_simd_ops *ops)
{
    ops->style_lbp_hist = lki_style_lbp_hist_avx512;
    ops->style_down2 = lki_style_down2_avx512;
}
