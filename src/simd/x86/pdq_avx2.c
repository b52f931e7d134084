/*
 * pdq_avx2.c — AVX2 versions of the PDQ image kernels (luma, box filter
 * along rows and columns, matrix product).
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


/* Converts 8 channel bytes (low half of b) to floats. */
static inline __m256 bytes_to_ps(__m128i b)
{
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b));
}

/* (0.299*R + 0.587*G) + 0.114*B on 8 pixels, the reference's order. */
static inline __m256 luma8(__m128i r, __m128i g, __m128i b)
{
    __m256 s = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(0.299f), bytes_to_ps(r)),
                             _mm256_mul_ps(_mm256_set1_ps(0.587f), bytes_to_ps(g)));
    return _mm256_add_ps(s, _mm256_mul_ps(_mm256_set1_ps(0.114f), bytes_to_ps(b)));
}

void lki_luma_rgb24_avx2(const uint8_t *rgb, int stride, int w, int h, float *out)
{
    lk_rgb_masks mk;
    lk_rgb_masks_init(&mk);
    for (int i = 0; i < h; i++) {
        const uint8_t *p = rgb + (size_t)i * (size_t)stride;
        float *o = out + (size_t)i * (size_t)w;
        int j = 0;
        for (; j + 16 <= w; j += 16) {
            __m128i ch[3];
            lk_rgb_split16(p + 3 * j, &mk, ch);
            _mm256_storeu_ps(o + j, luma8(ch[0], ch[1], ch[2]));
            _mm256_storeu_ps(o + j + 8, luma8(_mm_srli_si128(ch[0], 8), _mm_srli_si128(ch[1], 8),
                                              _mm_srli_si128(ch[2], 8)));
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
 * (each part skipped when its pointer is NULL). */
static void cols_step(float *sum, const float *add, const float *sub, float *out, int bw,
                      float count)
{
    __m256 vc = _mm256_set1_ps(count);
    int j = 0;
    for (; j + 8 <= bw; j += 8) {
        __m256 s = _mm256_load_ps(sum + j);
        if (add)
            s = _mm256_add_ps(s, _mm256_loadu_ps(add + j));
        if (sub)
            s = _mm256_sub_ps(s, _mm256_loadu_ps(sub + j));
        _mm256_store_ps(sum + j, s);
        if (out)
            _mm256_storeu_ps(out + j, _mm256_div_ps(s, vc));
    }
    if (j < bw) {
        __m256i m = lk_lane_mask8(bw - j);
        __m256 s = _mm256_load_ps(sum + j);
        if (add)
            s = _mm256_add_ps(s, _mm256_maskload_ps(add + j, m));
        if (sub)
            s = _mm256_sub_ps(s, _mm256_maskload_ps(sub + j, m));
        _mm256_store_ps(sum + j, s);
        if (out)
            _mm256_maskstore_ps(out + j, m, _mm256_div_ps(s, vc));
    }
}

static void box_cols_block(const float *in, float *out, int rows, size_t cols, int bw,
                           int window)
{
    float sum[BOX_BLOCK] __attribute__((aligned(32))) = {0};
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

void lki_box_cols_avx2(const float *in, float *out, int rows, int cols, int window)
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

void lki_box_rows_avx2(const float *in, float *out, int rows, int cols, int window)
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

/* c[i][j0..j0+8*nv) for one row i, nv (1..4) full vectors, sums from 0.0f. */
static inline void matmul_row_vecs(const float *a, const float *b, float *c, int k, size_t n,
                                   int nv)
{
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                     _mm256_setzero_ps()};
    for (int t = 0; t < k; t++) {
        __m256 av = _mm256_set1_ps(a[t]);
        const float *bt = b + (size_t)t * n;
        for (int v = 0; v < nv; v++)
            acc[v] = _mm256_add_ps(acc[v], _mm256_mul_ps(av, _mm256_loadu_ps(bt + 8 * v)));
    }
    for (int v = 0; v < nv; v++)
        _mm256_storeu_ps(c + 8 * v, acc[v]);
}

/* The last (n % 8) columns of row i, via masked loads and stores. */
static void matmul_row_tail(const float *a, const float *b, float *c, int k, size_t n, int nt)
{
    __m256i m = lk_lane_mask8(nt);
    __m256 acc = _mm256_setzero_ps();
    for (int t = 0; t < k; t++)
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(a[t]),
                                               _mm256_maskload_ps(b + (size_t)t * n, m)));
    _mm256_maskstore_ps(c, m, acc);
}

void lki_matmul_avx2(const float *a, const float *b, float *c, int m, int k, int n)
{
    for (int i = 0; i < m; i++) {
        const float *ai = a + (size_t)i * (size_t)k;
        float *ci = c + (size_t)i * (size_t)n;
        int j = 0;
        for (; j + 32 <= n; j += 32)
            matmul_row_vecs(ai, b + j, ci + j, k, (size_t)n, 4);
        for (; j + 8 <= n; j += 8)
            matmul_row_vecs(ai, b + j, ci + j, k, (size_t)n, 1);
        if (j < n)
            matmul_row_tail(ai, b + j, ci + j, k, (size_t)n, n - j);
    }
}
