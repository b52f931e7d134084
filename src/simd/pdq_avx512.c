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
#include "simd/pdq_x86.h"
#include "simd/simd_internal.h"

/* Mask of the first n (0..16) lanes. */
static inline __mmask16 lanes16(int n)
{
    return (__mmask16)((1u << n) - 1u);
}

void lk_luma_rgb24_avx512(const uint8_t *rgb, int stride, int w, int h, float *out)
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

void lk_box_cols_avx512(const float *in, float *out, int rows, int cols, int window)
{
    for (int j = 0; j < cols; j += BOX_BLOCK) {
        int bw = cols - j < BOX_BLOCK ? cols - j : BOX_BLOCK;
        box_cols_block(in + j, out + j, rows, (size_t)cols, bw, window);
    }
}

/*
 * Box filter along rows, 16 rows at once: lane r of a vector is row r.  Each
 * cursor holds an 8-column by 16-row tile, transposed as two 8x8 halves, so
 * that t[c] is column c0+c of the 16 rows; the output tile is transposed back
 * when complete.
 */
typedef struct row_tile {
    const float *src; /* first of the 16 input rows (input cursors) */
    float *dst;       /* first of the 16 output rows (output tile) */
    size_t cols;      /* row length = stride */
    int c0;           /* first column held in t, or -8 */
    __m512 t[8];
} row_tile;

/* Loads (or, with store, writes) the 8x8 half starting at row r0. */
static void half_load(const row_tile *rt, int r0, int c0, __m256 h[8])
{
    int n = (int)rt->cols - c0;
    __mmask8 m = n >= 8 ? (__mmask8)0xff : (__mmask8)((1u << n) - 1u);
    for (int r = 0; r < 8; r++)
        h[r] = _mm256_maskz_loadu_ps(m, rt->src + (size_t)(r0 + r) * rt->cols + (size_t)c0);
    lk_transpose8_ps(h);
}

static void tile_load(row_tile *rt, int c0)
{
    __m256 lo[8], hi[8];
    half_load(rt, 0, c0, lo);
    half_load(rt, 8, c0, hi);
    for (int c = 0; c < 8; c++)
        rt->t[c] = _mm512_insertf32x8(_mm512_castps256_ps512(lo[c]), hi[c], 1);
    rt->c0 = c0;
}

static inline __m512 tile_col(row_tile *rt, int c)
{
    if ((c & ~7) != rt->c0)
        tile_load(rt, c & ~7);
    return rt->t[c & 7];
}

static void tile_store(const row_tile *ot, int c0)
{
    int n = (int)ot->cols - c0;
    __mmask8 m = n >= 8 ? (__mmask8)0xff : (__mmask8)((1u << n) - 1u);
    for (int half = 0; half < 2; half++) {
        __m256 h[8];
        for (int c = 0; c < 8; c++)
            h[c] = half ? _mm512_extractf32x8_ps(ot->t[c], 1) : _mm512_castps512_ps256(ot->t[c]);
        lk_transpose8_ps(h);
        for (int r = 0; r < 8; r++)
            _mm256_mask_storeu_ps(ot->dst + (size_t)(8 * half + r) * ot->cols + (size_t)c0, m,
                                  h[r]);
    }
}

/* Stores column c of the output; writes the tile back after its last column. */
static inline void tile_put(row_tile *ot, int c, __m512 v)
{
    ot->t[c & 7] = v;
    if ((c & 7) == 7 || c == (int)ot->cols - 1)
        tile_store(ot, c & ~7);
}

static void box_rows16(const float *in, float *out, int cols, int window)
{
    row_tile rt = {.src = in, .cols = (size_t)cols, .c0 = -8};
    row_tile lt = rt;
    row_tile ot = {.dst = out, .cols = (size_t)cols};
    lk_box_phases ph = lk_box_phases_of(cols, window);
    __m512 s = _mm512_setzero_ps();
    int ri = 0, li = 0, oi = 0, count = 0;
    for (int i = 0; i < ph.p1; i++, count++)
        s = _mm512_add_ps(s, tile_col(&rt, ri++));
    for (int i = 0; i < ph.p2; i++) {
        s = _mm512_add_ps(s, tile_col(&rt, ri++));
        count++;
        tile_put(&ot, oi++, _mm512_div_ps(s, _mm512_set1_ps((float)count)));
    }
    __m512 vc = _mm512_set1_ps((float)count);
    for (int i = 0; i < ph.p3; i++) {
        s = _mm512_add_ps(s, tile_col(&rt, ri++));
        s = _mm512_sub_ps(s, tile_col(&lt, li++));
        tile_put(&ot, oi++, _mm512_div_ps(s, vc));
    }
    for (int i = 0; i < ph.p4; i++) {
        s = _mm512_sub_ps(s, tile_col(&lt, li++));
        count--;
        tile_put(&ot, oi++, _mm512_div_ps(s, _mm512_set1_ps((float)count)));
    }
}

/* Groups of 16 rows here; the remaining rows go to the AVX2 version
 * (8 at a time, then scalar), which gives the same bits. */
void lk_box_rows_avx512(const float *in, float *out, int rows, int cols, int window)
{
    int i = 0;
    for (; i + 16 <= rows; i += 16)
        box_rows16(in + (size_t)i * (size_t)cols, out + (size_t)i * (size_t)cols, cols, window);
    if (i < rows)
        lk_box_rows_avx2(in + (size_t)i * (size_t)cols, out + (size_t)i * (size_t)cols,
                         rows - i, cols, window);
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

void lk_matmul_avx512(const float *a, const float *b, float *c, int m, int k, int n)
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
