/*
 * style_avx2.c — AVX2 versions of the style kernels (see style_scalar.c for
 * the definitions).  Bit-identical to the scalar reference: both kernels
 * are exact 16-bit integer arithmetic, 16 pixels per vector (the hue bin's
 * division is a 4-step binary search for the largest q with q*6c <= 16*hue).
 * RGB24 is deinterleaved with byte shuffles (no gathers: they are slow on
 * many CPUs).  A row's tail is one overlapping vector (rewriting equal
 * values); rows shorter than one vector use the scalar code.
 */
#include <immintrin.h>
#include "simd/simd_internal.h"
#include "simd/style_kernels.h"

/* Lumas of 16 pixels given as 16-bit lanes r, g, b (0..255). */
static inline __m256i luma16(__m256i r, __m256i g, __m256i b)
{
    /* 77R + 150G + 29B + 128 <= 65408: exact in unsigned 16-bit lanes */
    __m256i y = _mm256_add_epi16(_mm256_mullo_epi16(r, _mm256_set1_epi16(77)),
                                 _mm256_mullo_epi16(g, _mm256_set1_epi16(150)));
    y = _mm256_add_epi16(y, _mm256_mullo_epi16(b, _mm256_set1_epi16(29)));
    return _mm256_srli_epi16(_mm256_add_epi16(y, _mm256_set1_epi16(128)), 8);
}

/* Colour bins of 16 pixels given as 16-bit lanes r, g, b (0..255) with
 * lumas y. */
static inline __m256i quant16(__m256i r, __m256i g, __m256i b, __m256i y)
{
    __m256i mx = _mm256_max_epi16(_mm256_max_epi16(r, g), b);
    __m256i mn = _mm256_min_epi16(_mm256_min_epi16(r, g), b);
    __m256i c = _mm256_sub_epi16(mx, mn);
    __m256i grey = _mm256_or_si256(_mm256_cmpgt_epi16(_mm256_set1_epi16(LK_STYLE_GREY_C), c),
                                   _mm256_cmpgt_epi16(_mm256_set1_epi16(LK_STYLE_GREY_V), mx));
    __m256i ones = _mm256_set1_epi16(-1);
    __m256i rmax = _mm256_andnot_si256(_mm256_or_si256(_mm256_cmpgt_epi16(g, r),
                                                       _mm256_cmpgt_epi16(b, r)), ones);
    __m256i gmax = _mm256_andnot_si256(_mm256_or_si256(rmax, _mm256_cmpgt_epi16(b, g)), ones);
    __m256i c2 = _mm256_add_epi16(c, c);
    __m256i c6 = _mm256_add_epi16(c2, _mm256_add_epi16(c2, c2));
    __m256i hn = _mm256_add_epi16(_mm256_add_epi16(c2, c2), _mm256_sub_epi16(r, g));
    hn = _mm256_blendv_epi8(hn, _mm256_add_epi16(c2, _mm256_sub_epi16(b, r)), gmax);
    hn = _mm256_blendv_epi8(hn, _mm256_sub_epi16(g, b), rmax);
    hn = _mm256_add_epi16(hn, _mm256_and_si256(_mm256_cmpgt_epi16(_mm256_setzero_si256(), hn), c6));
    /* q = floor(16 hn / 6c) by binary search: largest q with q * 6c <= 16 hn */
    __m256i h16 = _mm256_slli_epi16(hn, 4), q = _mm256_setzero_si256();
    for (int step = 8; step >= 1; step >>= 1) {
        __m256i cand = _mm256_add_epi16(q, _mm256_set1_epi16((short)step));
        __m256i over = _mm256_cmpgt_epi16(_mm256_mullo_epi16(cand, c6), h16);
        q = _mm256_blendv_epi8(cand, q, over);
    }
    __m256i bright = _mm256_srli_epi16(
        _mm256_cmpgt_epi16(mx, _mm256_set1_epi16(LK_STYLE_BRIGHT_V - 1)), 15);
    __m256i mid = _mm256_cmpgt_epi16(mx, c2);
    __m256i q8 = _mm256_srli_epi16(q, 1);
    __m256i bm = _mm256_add_epi16(_mm256_set1_epi16(8), _mm256_add_epi16(_mm256_add_epi16(q8, q8), bright));
    __m256i bh = _mm256_add_epi16(_mm256_set1_epi16(24), _mm256_add_epi16(_mm256_add_epi16(q, q), bright));
    __m256i bin = _mm256_blendv_epi8(bh, bm, mid);
    return _mm256_blendv_epi8(bin, _mm256_srli_epi16(y, 5), grey);
}

/* Shuffle masks taking channel k of 16 packed RGB24 pixels out of the
 * m-th 16-byte third: byte j <- byte 3j+k-16m, or zero. */
static void deinterleave_masks(__m128i mask[3][3])
{
    for (int k = 0; k < 3; k++) {
        for (int m = 0; m < 3; m++) {
            int8_t t[16];
            for (int j = 0; j < 16; j++) {
                int src = 3 * j + k - 16 * m;
                t[j] = (int8_t)(src >= 0 && src < 16 ? src : -1);
            }
            mask[k][m] = _mm_loadu_si128((const __m128i *)(const void *)t);
        }
    }
}

/* Bins (unless bin is NULL) and lumas of the 16 pixels at i. */
static inline void quant_block(const uint8_t *rgb, int i, uint8_t *bin, uint8_t *luma,
                           __m128i mask[3][3])
{
    const uint8_t *p = rgb + 3 * i;
    __m128i v[3], ch[3];
    for (int m = 0; m < 3; m++)
        v[m] = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * m));
    for (int k = 0; k < 3; k++)
        ch[k] = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(v[0], mask[k][0]),
                                          _mm_shuffle_epi8(v[1], mask[k][1])),
                             _mm_shuffle_epi8(v[2], mask[k][2]));
    __m256i r = _mm256_cvtepu8_epi16(ch[0]), g = _mm256_cvtepu8_epi16(ch[1]);
    __m256i b = _mm256_cvtepu8_epi16(ch[2]), y = luma16(r, g, b);
    if (!bin) {
        __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi16(y, y), 0x08);
        _mm_storeu_si128((__m128i *)(void *)(luma + i), _mm256_castsi256_si128(w));
        return;
    }
    b = quant16(r, g, b, y);
    /* lanes: [bin0-7 y0-7 | bin8-15 y8-15] -> [bin0-15 | y0-15] */
    __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi16(b, y), 0xD8);
    _mm_storeu_si128((__m128i *)(void *)(bin + i), _mm256_castsi256_si128(w));
    _mm_storeu_si128((__m128i *)(void *)(luma + i), _mm256_extracti128_si256(w, 1));
}

void lki_style_quant_rgb24_avx2(const uint8_t *rgb, int n, uint8_t *bin, uint8_t *luma)
{
    __m128i mask[3][3];
    deinterleave_masks(mask);
    int i = 0;
    for (; i + 16 <= n; i += 16)
        quant_block(rgb, i, bin, luma, mask);
    if (i < n && n >= 16) /* tail: one overlapping block, same values */
        quant_block(rgb, n - 16, bin, luma, mask);
    else if (i < n)
        lki_style_quant_rgb24_scalar(rgb, n, bin, luma);
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
    __m256i edge = _mm256_cmpgt_epi16(m, _mm256_set1_epi16(LK_STYLE_MAG_T0 - 1));
    __m256i cls = _mm256_sub_epi16(_mm256_setzero_si256(), edge);
    cls = _mm256_sub_epi16(cls, _mm256_cmpgt_epi16(m, _mm256_set1_epi16(LK_STYLE_MAG_T1 - 1)));
    cls = _mm256_sub_epi16(cls, _mm256_cmpgt_epi16(m, _mm256_set1_epi16(LK_STYLE_MAG_T2 - 1)));
    __m256i ax2 = _mm256_add_epi16(ax, ax), ay2 = _mm256_add_epi16(ay, ay);
    __m256i ax5 = _mm256_add_epi16(_mm256_slli_epi16(ax, 2), ax);
    __m256i ay5 = _mm256_add_epi16(_mm256_slli_epi16(ay, 2), ay);
    __m256i c0 = _mm256_cmpgt_epi16(ax2, ay5), c1 = _mm256_cmpgt_epi16(ay2, ax5);
    __m256i o = _mm256_add_epi16(_mm256_set1_epi16(2),
                                 _mm256_srli_epi16(_mm256_xor_si256(gx, gy), 15));
    o = _mm256_blendv_epi8(o, _mm256_set1_epi16(1), c1);
    o = _mm256_and_si256(_mm256_blendv_epi8(o, _mm256_setzero_si256(), c0), edge);
    const __m256i rt = _mm256_set1_epi16(LK_STYLE_RIDGE_T - 1);
    __m256i rh = _mm256_cmpgt_epi16(_mm256_sub_epi16(_mm256_min_epi16(a1l, a1r), a1c), rt);
    __m256i rv = _mm256_cmpgt_epi16(_mm256_sub_epi16(_mm256_min_epi16(a0c, a2c), a1c), rt);
    __m256i ridge = _mm256_and_si256(_mm256_or_si256(rh, rv), _mm256_set1_epi16(16));
    return _mm256_or_si256(_mm256_or_si256(ridge, _mm256_slli_epi16(cls, 2)), o);
}

/* Stores the edge codes of the 16 pixels at x. */
static inline void edge_store(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, int x,
                              uint8_t *out)
{
    __m256i v = edge16(r0, r1, r2, x);
    __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi16(v, v), 0x08);
    _mm_storeu_si128((__m128i *)(void *)(out + x), _mm256_castsi256_si128(p));
}

void lki_style_edge_row_avx2(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                            int n, uint8_t *out)
{
    int x = 1;
    for (; x + 16 < n; x += 16)
        edge_store(r0, r1, r2, x, out);
    if (x + 1 < n && n >= 18) /* tail: one overlapping block at n-17 */
        edge_store(r0, r1, r2, n - 17, out);
    else if (x + 1 < n)
        lki_style_edge_row_scalar(r0, r1, r2, n, out);
}

void lki_simd_fill_style_avx2(lk_simd_ops *ops)
{
    ops->style_quant_rgb24 = lki_style_quant_rgb24_avx2;
    ops->style_edge_row = lki_style_edge_row_avx2;
}
