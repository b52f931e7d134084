/*
 * style_avx2.c — AVX2 versions of the style kernels (see style_scalar.c for
 * the definitions).  Bit-identical to the scalar reference: the colour
 * quantiser does the same IEEE float operations per lane (division,
 * multiply, add; no FMA since this file is built with -ffp-contract=off and
 * uses no FMA intrinsics), the edge coder is exact 16-bit integer
 * arithmetic.  Tails shorter than one vector use the scalar code.
 */
#include <immintrin.h>
#include <string.h>
#include "simd/simd_internal.h"
#include "simd/style_kernels.h"

/* Colour bins (low byte of each dword) for 8 pixels whose RGB bytes are the
 * low three bytes of each dword of v; *yout gets the 8 lumas. */
static inline __m256i quant8(__m256i v, __m256i *yout)
{
    const __m256i ff = _mm256_set1_epi32(0xff);
    __m256i r = _mm256_and_si256(v, ff);
    __m256i g = _mm256_and_si256(_mm256_srli_epi32(v, 8), ff);
    __m256i b = _mm256_and_si256(_mm256_srli_epi32(v, 16), ff);
    __m256i y = _mm256_add_epi32(_mm256_mullo_epi32(r, _mm256_set1_epi32(77)),
                                 _mm256_mullo_epi32(g, _mm256_set1_epi32(150)));
    y = _mm256_add_epi32(y, _mm256_mullo_epi32(b, _mm256_set1_epi32(29)));
    y = _mm256_srli_epi32(_mm256_add_epi32(y, _mm256_set1_epi32(128)), 8);
    *yout = y;
    __m256i mx = _mm256_max_epi32(_mm256_max_epi32(r, g), b);
    __m256i mn = _mm256_min_epi32(_mm256_min_epi32(r, g), b);
    __m256i c = _mm256_sub_epi32(mx, mn);
    __m256i grey = _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(LK_STYLE_GREY_C), c),
                                   _mm256_cmpgt_epi32(_mm256_set1_epi32(LK_STYLE_GREY_V), mx));
    __m256i rmax = _mm256_andnot_si256(_mm256_or_si256(_mm256_cmpgt_epi32(g, r),
                                                       _mm256_cmpgt_epi32(b, r)),
                                       _mm256_set1_epi32(-1));
    __m256i gmax = _mm256_andnot_si256(_mm256_or_si256(rmax, _mm256_cmpgt_epi32(b, g)),
                                       _mm256_set1_epi32(-1));
    __m256i num = _mm256_sub_epi32(r, g);
    num = _mm256_blendv_epi8(num, _mm256_sub_epi32(b, r), gmax);
    num = _mm256_blendv_epi8(num, _mm256_sub_epi32(g, b), rmax);
    __m256 base = _mm256_set1_ps(4.0f);
    base = _mm256_blendv_ps(base, _mm256_set1_ps(2.0f), _mm256_castsi256_ps(gmax));
    base = _mm256_blendv_ps(base, _mm256_setzero_ps(), _mm256_castsi256_ps(rmax));
    /* grey lanes may divide by zero; their result is discarded below */
    __m256 h = _mm256_add_ps(base, _mm256_div_ps(_mm256_cvtepi32_ps(num), _mm256_cvtepi32_ps(c)));
    __m256 neg = _mm256_cmp_ps(h, _mm256_setzero_ps(), _CMP_LT_OQ);
    h = _mm256_blendv_ps(h, _mm256_add_ps(h, _mm256_set1_ps(6.0f)), neg);
    __m256i bright = _mm256_srli_epi32(
        _mm256_cmpgt_epi32(mx, _mm256_set1_epi32(LK_STYLE_BRIGHT_V - 1)), 31);
    __m256i mid = _mm256_cmpgt_epi32(mx, _mm256_add_epi32(c, c));
    __m256i qm = _mm256_min_epi32(_mm256_cvttps_epi32(_mm256_mul_ps(h, _mm256_set1_ps(8.0f / 6.0f))),
                                  _mm256_set1_epi32(7));
    __m256i qh = _mm256_min_epi32(_mm256_cvttps_epi32(_mm256_mul_ps(h, _mm256_set1_ps(16.0f / 6.0f))),
                                  _mm256_set1_epi32(15));
    __m256i bm = _mm256_add_epi32(_mm256_set1_epi32(8), _mm256_add_epi32(_mm256_add_epi32(qm, qm), bright));
    __m256i bh = _mm256_add_epi32(_mm256_set1_epi32(24), _mm256_add_epi32(_mm256_add_epi32(qh, qh), bright));
    __m256i bin = _mm256_blendv_epi8(bh, bm, mid);
    return _mm256_blendv_epi8(bin, _mm256_srli_epi32(y, 5), grey);
}

void lk_style_quant_rgb24_avx2(const uint8_t *rgb, int n, uint8_t *bin, uint8_t *luma)
{
    const __m256i idx = _mm256_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21);
    /* pick byte 0 (bin) and byte 1 (luma) of each dword, per 128-bit lane */
    const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, -1, -1, -1, -1, -1, -1, -1, -1,
                                          0, 4, 8, 12, 1, 5, 9, 13, -1, -1, -1, -1, -1, -1, -1, -1);
    int i = 0;
    /* the gather reads 4 bytes at 3*(i+7): stay below 3*n */
    for (; i + 9 <= n; i += 8) {
        __m256i v = _mm256_i32gather_epi32((const int *)(const void *)(rgb + 3 * i), idx, 1);
        __m256i y;
        __m256i b = quant8(v, &y);
        __m256i t = _mm256_shuffle_epi8(_mm256_or_si256(b, _mm256_slli_epi32(y, 8)), pick);
        uint32_t w[4] = {(uint32_t)_mm256_extract_epi32(t, 0), (uint32_t)_mm256_extract_epi32(t, 4),
                         (uint32_t)_mm256_extract_epi32(t, 1), (uint32_t)_mm256_extract_epi32(t, 5)};
        memcpy(bin + i, &w[0], 8);
        memcpy(luma + i, &w[2], 8);
    }
    if (i < n)
        lk_style_quant_rgb24_scalar(rgb + 3 * i, n - i, bin + i, luma + i);
}

static inline __m256i ld16(const uint8_t *p)
{
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)p));
}

/* Edge codes of 16 pixels at x (x-1 and x+16 readable). */
static inline __m256i edge16(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, int x)
{
    __m256i a0l = ld16(r0 + x - 1), a0c = ld16(r0 + x), a0r = ld16(r0 + x + 1);
    __m256i a1l = ld16(r1 + x - 1), a1c = ld16(r1 + x), a1r = ld16(r1 + x + 1);
    __m256i a2l = ld16(r2 + x - 1), a2c = ld16(r2 + x), a2r = ld16(r2 + x + 1);
    __m256i right = _mm256_add_epi16(_mm256_add_epi16(a0r, _mm256_add_epi16(a1r, a1r)), a2r);
    __m256i left = _mm256_add_epi16(_mm256_add_epi16(a0l, _mm256_add_epi16(a1l, a1l)), a2l);
    __m256i down = _mm256_add_epi16(_mm256_add_epi16(a2l, _mm256_add_epi16(a2c, a2c)), a2r);
    __m256i up = _mm256_add_epi16(_mm256_add_epi16(a0l, _mm256_add_epi16(a0c, a0c)), a0r);
    __m256i gx = _mm256_sub_epi16(right, left), gy = _mm256_sub_epi16(down, up);
    __m256i ax = _mm256_abs_epi16(gx), ay = _mm256_abs_epi16(gy);
    __m256i m = _mm256_add_epi16(ax, ay);
    __m256i cls = _mm256_sub_epi16(_mm256_setzero_si256(),
                                   _mm256_cmpgt_epi16(m, _mm256_set1_epi16(LK_STYLE_MAG_T0 - 1)));
    cls = _mm256_sub_epi16(cls, _mm256_cmpgt_epi16(m, _mm256_set1_epi16(LK_STYLE_MAG_T1 - 1)));
    cls = _mm256_sub_epi16(cls, _mm256_cmpgt_epi16(m, _mm256_set1_epi16(LK_STYLE_MAG_T2 - 1)));
    __m256i ax2 = _mm256_add_epi16(ax, ax), ay2 = _mm256_add_epi16(ay, ay);
    __m256i ax5 = _mm256_add_epi16(_mm256_slli_epi16(ax, 2), ax);
    __m256i ay5 = _mm256_add_epi16(_mm256_slli_epi16(ay, 2), ay);
    __m256i c0 = _mm256_cmpgt_epi16(ax2, ay5), c1 = _mm256_cmpgt_epi16(ay2, ax5);
    __m256i o = _mm256_add_epi16(_mm256_set1_epi16(2),
                                 _mm256_srli_epi16(_mm256_xor_si256(gx, gy), 15));
    o = _mm256_blendv_epi8(o, _mm256_set1_epi16(1), c1);
    o = _mm256_blendv_epi8(o, _mm256_setzero_si256(), c0);
    const __m256i rt = _mm256_set1_epi16(LK_STYLE_RIDGE_T - 1);
    __m256i rh = _mm256_cmpgt_epi16(_mm256_sub_epi16(_mm256_min_epi16(a1l, a1r), a1c), rt);
    __m256i rv = _mm256_cmpgt_epi16(_mm256_sub_epi16(_mm256_min_epi16(a0c, a2c), a1c), rt);
    __m256i ridge = _mm256_and_si256(_mm256_or_si256(rh, rv), _mm256_set1_epi16(16));
    return _mm256_or_si256(_mm256_or_si256(ridge, _mm256_slli_epi16(cls, 2)), o);
}

void lk_style_edge_row_avx2(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                            int n, uint8_t *out)
{
    int x = 1;
    for (; x + 16 < n; x += 16) {
        __m256i v = edge16(r0, r1, r2, x);
        __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi16(v, v), 0x08);
        _mm_storeu_si128((__m128i *)(void *)(out + x), _mm256_castsi256_si128(p));
    }
    if (x + 1 < n)
        lk_style_edge_row_scalar(r0 + x - 1, r1 + x - 1, r2 + x - 1, n - x + 1, out + x - 1);
}

void lk_simd_fill_style_avx2(lk_simd_ops *ops)
{
    ops->style_quant_rgb24 = lk_style_quant_rgb24_avx2;
    ops->style_edge_row = lk_style_edge_row_avx2;
}
