/*
 * pdq_avx512.c — AVX-512 (F/BW/VL/DQ) versions of the PDQ image kernels:
 * 16 lanes per vector, masks for every tail.
 *
 * Invariant: results are bit-identical to pdq_scalar.c.  Vectors only run
 * across independent outputs (pixels, columns, rows, j of the product); each
 * output sees exactly the scalar sequence of float operations: separate
 * multiply and add (no FMA; the build uses -ffp-contract=off), true division,
 * sums in the reference order.  Any size >= 1, any alignment, window 1..len.
 */
#include "common/common.h"
#include "simd/x86/pdq_x86.h"
#include "simd/simd_internal.h"

/* Mask of the first n (0..16) lanes. */
static inline __mmask16 lanes16(int n)
{
    return (__mmask16)((1u << n) - 1u);
}

void lki_luma_rgb24_avx512(const uint8_t *rgb, int stride, int w, int h, float *out)
{
    const __m512 cr = _mm512_set1_ps(0.299f), cg = _mm512_set1_ps(0.587f);
    const __m512 cb = _mm512_set1_ps(0.114f);
    lk_rgb_masks mk;
    lk_rgb_masks_init(&mk);
    for (int i = 0; i < h; i++) {
        const uint8_t *p = rgb + (size_t)i * (size_t)stride;
        float *o = out + (size_t)i * (size_t)w;
        int j = 0;
        for (; j + 16 <= w; j += 16) {
            __m128i ch[3];
            lk_rgb_split16(p + 3 * j, &mk, ch);
            __m512 r = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(ch[0]));
            __m512 g = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(ch[1]));
            __m512 b = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(ch[2]));
            __m512 s = _mm512_add_ps(_mm512_mul_ps(cr, r), _mm512_mul_ps(cg, g));
            _mm512_storeu_ps(o + j, _mm512_add_ps(s, _mm512_mul_ps(cb, b)));
        }
        for (; j < w; j++)
            o[j] = lk_luma1(p + 3 * j);
    }
}

/*
 * Box filter along columns, for a block of bw <= BOX_BLOCK adjacent columns:
 * the running sums of the block live in sum[] (L1) while the filter streams
 * down the rows, so every load and store is a contiguous row segment.
 */
#define BOX_BLOCK 256

/* One filter step over the block: sum += add; sum -= sub; out = sum / count
 * (each part skipped when its pointer is NULL); the last vector is masked. */
static void cols_step(float *sum, const float *add, const float *sub, float *out, int bw,
                      float count)
{
    __m512 vc = _mm512_set1_ps(count);
    for (int j = 0; j < bw; j += 16) {
        __mmask16 m = bw - j >= 16 ? (__mmask16)0xffff : lanes16(bw - j);
        __m512 s = _mm512_load_ps(sum + j);
        if (add)
            s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(m, add + j));
        if (sub)
            s = _mm512_sub_ps(s, _mm512_maskz_loadu_ps(m, sub + j));
        _mm512_store_ps(sum + j, s);
        if (out)
            _mm512_mask_storeu_ps(out + j, m, _mm512_div_ps(s, vc));
    }
}

static void box_cols_block(const float *in, float *out, int rows, size_t cols, int bw,
                           int window)
{
    float sum[BOX_BLOCK] __attribute__((aligned(64))) = {0};
    lk_box_phases ph = lk_box_phases_of(rows, window);
    const float *r = in, *l = in;
    int count = 0;
    for (int i = 0; i < ph.p1; i++, r += cols, count++)
        cols_step(sum, r, NULL, NULL, bw, 0.0f);
    for (int i = 0; i < ph.p2; i++, r += cols, out += cols) {
        count++;
        cols_step(sum, r, NULL, out, bw, (float)count);
    }
    for (int i = 0; i < ph.p3; i++, r += cols, l += cols, out += cols)
        cols_step(sum, r, l, out, bw, (float)count);
    for (int i = 0; i < ph.p4; i++, l += cols, out += cols) {
        count--;
        cols_step(sum, NULL, l, out, bw, (float)count);
    }
}

void lki_box_cols_avx512(const float *in, float *out, int rows, int cols, int window)
{
    for (int j = 0; j < cols; j += BOX_BLOCK) {
        int bw = cols - j < BOX_BLOCK ? cols - j : BOX_BLOCK;
        box_cols_block(in + j, out + j, rows, (size_t)cols, bw, window);
    }
}

/*
 * Box filter along rows: groups of ROW_GROUP (else 8) rows are transposed
 * into a buffer so that each original row becomes a column, filtered there
 * with the column filter above (ROW_GROUP/lanes independent vector chains),
 * and transposed back.  Rows left over (< 8) use the scalar reference; so
 * does everything if the buffer cannot be allocated (same bits either way).
 */
#define ROW_GROUP 32

void lki_box_rows_avx512(const float *in, float *out, int rows, int cols, int window)
{
    size_t c = (size_t)cols;
    float *t = rows >= 8 ? lki_malloc_aligned(2 * c * ROW_GROUP * sizeof *t) : NULL;
    int i = 0;
    if (t) {
        float *u = t + c * ROW_GROUP;
        for (int g; i + 8 <= rows; i += g) {
            g = rows - i >= ROW_GROUP ? ROW_GROUP : 8;
            lk_rows_to_cols(in + (size_t)i * c, c, g, t);
            box_cols_block(t, u, cols, (size_t)g, g, window);
            lk_cols_to_rows(u, g, c, out + (size_t)i * c);
        }
        lki_free_aligned(t);
    }
    if (i < rows)
        lki_box_rows_scalar(in + (size_t)i * c, out + (size_t)i * c, rows - i, cols, window);
}

/* c[j0 .. j0+16*nv) of one row, nv (1..4) vectors, the last one masked by
 * mlast; sums start from 0.0f and run over t ascending. */
static inline void matmul_row_vecs(const float *a, const float *b, float *c, int k, size_t n,
                                   int nv, __mmask16 mlast)
{
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                     _mm512_setzero_ps()};
    for (int t = 0; t < k; t++) {
        __m512 av = _mm512_set1_ps(a[t]);
        const float *bt = b + (size_t)t * n;
        for (int v = 0; v < nv; v++) {
            __mmask16 m = v == nv - 1 ? mlast : (__mmask16)0xffff;
            acc[v] = _mm512_add_ps(acc[v], _mm512_mul_ps(av, _mm512_maskz_loadu_ps(m, bt + 16 * v)));
        }
    }
    for (int v = 0; v < nv; v++)
        _mm512_mask_storeu_ps(c + 16 * v, v == nv - 1 ? mlast : (__mmask16)0xffff, acc[v]);
}

void lki_matmul_avx512(const float *a, const float *b, float *c, int m, int k, int n)
{
    for (int i = 0; i < m; i++) {
        const float *ai = a + (size_t)i * (size_t)k;
        float *ci = c + (size_t)i * (size_t)n;
        int j = 0;
        for (; j + 64 <= n; j += 64)
            matmul_row_vecs(ai, b + j, ci + j, k, (size_t)n, 4, 0xffff);
        for (; j < n; j += 16) {
            int nt = n - j >= 16 ? 16 : n - j;
            matmul_row_vecs(ai, b + j, ci + j, k, (size_t)n, 1, lanes16(nt));
        }
    }
}
