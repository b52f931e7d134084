/*
 * pdq.c — the PDQ perceptual hash (256 bits + quality) and its 8 dihedral
 * variants, computed from float luma.
 *
 * Compatible with facebook/ThreatExchange pdq/cpp: same float luma in,
 * same bits and quality out.  The steps and their floating-point order
 * follow the reference:
 *   1. pictures under 5 pixels on a side: all-zero hash, quality 0;
 *   2. exactly 64x64: the luma is used as is; otherwise two passes of
 *      (box filter along rows, then along columns) with the window
 *      ceil(side / 128), then decimation to 64x64 by sampling the pixel
 *      under each output centre, index (int)((k + 0.5) * side / 64) in
 *      double precision;
 *   3. quality: the sum over neighbouring pixel pairs of
 *      |(int)((u - v) * 100 / 255)|, divided by 90, capped at 100;
 *   4. B = D * A * D^T with D the 16x64 DCT-II basis rows 1..16, built in
 *      double and rounded to float exactly as the reference builds it,
 *      products summed in ascending k from 0.0f;
 *   5. bit i*16+j is set when B[i][j] exceeds the median, which is the
 *      128th smallest of the 256 coefficients (the element the reference's
 *      Torben median returns for n = 256).
 * Dihedral variants are sign changes and a transpose of B, as in the
 * reference; lk_pdq_dihedral_from_hash() applies the same changes to the
 * bits of a hash (an estimate: see features.h).  All bulk float work goes through the lk_simd_ops kernels.
 */
#include <math.h>
#include <string.h>
#include "features/features_internal.h"

/* The reference's pi, a double literal. */
static const double pdq_pi = 3.14159265358979323846;

void lki_pdq_tables_init(lk_pdq_tables *t)
{
    /* Scale rounded to float first, then multiplied in double by the
     * cosine and rounded to float again, as the reference does. */
    const float scale = (float)sqrt(2.0 / 64.0);
    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 64; j++) {
            double arg = (pdq_pi / 2.0 / 64.0) * (double)(i + 1) * (double)(2 * j + 1);
            float v = (float)((double)scale * cos(arg));
            t->dct[i * 64 + j] = v;
            t->dctt[j * 16 + i] = v;
        }
    }
}

/* The reference's Jarosz window: ceil(old / (2 * 64)). */
static int pdq_window(int old_dim)
{
    return (old_dim + 2 * 64 - 1) / (2 * 64);
}

/*
 * Blurs the w x h luma (tmp: w*h floats; both are overwritten) and samples
 * 64x64 into img64.  The last column pass runs only on the 64 columns the
 * sampling reads, gathered densely: columns are filtered independently,
 * so the values are those of the full pass.
 */
static void pdq_downsample(const lk_simd_ops *ops, float *luma, float *tmp, int w, int h,
                           float *img64)
{
    int win_rows = pdq_window(w), win_cols = pdq_window(h);
    int xs[64];

    for (int k = 0; k < 64; k++)
        xs[k] = (int)(((k + 0.5) * w) / 64);
    ops->box_rows(luma, tmp, h, w, win_rows);
    ops->box_cols(tmp, luma, h, w, win_cols);
    ops->box_rows(luma, tmp, h, w, win_rows);

    const float *src = luma;
    int cols = w;
    if (w > 64) { /* gather into luma (h x 64), filter into tmp */
        for (int y = 0; y < h; y++) {
            const float *r = tmp + (size_t)y * (size_t)w;
            float *g = luma + (size_t)y * 64;
            for (int j = 0; j < 64; j++)
                g[j] = r[xs[j]];
        }
        ops->box_cols(luma, tmp, h, 64, win_cols);
        src = tmp;
        cols = 64;
        for (int k = 0; k < 64; k++)
            xs[k] = k;
    } else {
        ops->box_cols(tmp, luma, h, w, win_cols);
    }
    for (int i = 0; i < 64; i++) {
        const float *row = src + (size_t)(int)(((i + 0.5) * h) / 64) * (size_t)cols;
        for (int j = 0; j < 64; j++)
            img64[i * 64 + j] = row[xs[j]];
    }
}

/* The reference's image-domain quality metric of the 64x64 luma. */
static int pdq_quality(const float *a)
{
    int sum = 0;
    for (int i = 0; i < 63; i++) {
        for (int j = 0; j < 64; j++) {
            int d = (int)(((a[i * 64 + j] - a[(i + 1) * 64 + j]) * 100) / 255);
            sum += d < 0 ? -d : d;
        }
    }
    for (int i = 0; i < 64; i++) {
        for (int j = 0; j < 63; j++) {
            int d = (int)(((a[i * 64 + j] - a[i * 64 + j + 1]) * 100) / 255);
            sum += d < 0 ? -d : d;
        }
    }
    sum /= 90;
    return sum > 100 ? 100 : sum;
}

/*
 * Returns the element of rank k (0-based, ascending) of a[0..n-1], which
 * is reordered (Hoare partition quickselect).
 */
static float select_rank(float *a, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                float x = a[i];
                a[i++] = a[j];
                a[j--] = x;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];
    }
    return a[k];
}

/* Thresholds 16x16 coefficients at their median into a hash. */
static void pdq_bits(const float *b, float *sel, lk_hash256 *out)
{
    memcpy(sel, b, 256 * sizeof *sel);
    /* Torben's median with n = 256 yields the element of rank (n+1)/2 - 1. */
    float median = select_rank(sel, 256, 127);
    memset(out, 0, sizeof *out);
    for (int k = 0; k < 256; k++) {
        if (b[k] > median)
            out->w[k >> 6] |= 1ull << (k & 63);
    }
}

/*
 * One dihedral variant as a transform of the DCT coefficients: optional
 * transpose, and negation of A[i][j] when
 * (ci & i) ^ (cj & j) ^ c0 has its low bit set.
 */
typedef struct pdq_dihedral {
    unsigned char transpose, ci, cj, c0;
} pdq_dihedral;

/* Reference order: original, rot90, rot180, rot270, flipX, flipY, flip+1, flip-1. */
static const pdq_dihedral pdq_dihedrals[LK_DIHEDRAL_COUNT] = {
    {0, 0, 0, 0}, {1, 0, 1, 1}, {0, 1, 1, 0}, {1, 1, 0, 1},
    {0, 1, 0, 1}, {0, 0, 1, 1}, {1, 0, 0, 0}, {1, 1, 1, 0},
};

static void pdq_apply_dihedral(const pdq_dihedral *d, const float *a, float *b)
{
    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 16; j++) {
            float v = a[i * 16 + j];
            if (((d->ci & i) ^ (d->cj & j) ^ d->c0) & 1)
                v = -v;
            if (d->transpose)
                b[j * 16 + i] = v;
            else
                b[i * 16 + j] = v;
        }
    }
}

LK_API void lk_pdq_dihedral_from_hash(const lk_hash256 *h, lk_hash256 out[LK_DIHEDRAL_COUNT])
{
    for (int v = 0; v < LK_DIHEDRAL_COUNT; v++) {
        const pdq_dihedral *d = &pdq_dihedrals[v];
        lk_hash256 o;
        memset(&o, 0, sizeof o);
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                int k = i * 16 + j;
                unsigned bit = (unsigned)(h->w[k >> 6] >> (k & 63)) & 1u;
                bit ^= (unsigned)((d->ci & i) ^ (d->cj & j) ^ d->c0) & 1u;
                int t = d->transpose ? j * 16 + i : k;
                o.w[t >> 6] |= (uint64_t)bit << (t & 63);
            }
        }
        out[v] = o;
    }
}

void lki_pdq_from_luma(const lk_simd_ops *ops, const lk_pdq_tables *t, lk_pdq_work *wk,
                      float *luma, float *tmp, int w, int h, int dihedral,
                      lk_features *out)
{
    memset(&out->pdq, 0, sizeof out->pdq);
    out->pdq_quality = 0;
    if (dihedral)
        memset(out->pdq_dihedral, 0, sizeof out->pdq_dihedral);
    if (w < LK_PDQ_MIN_DIM || h < LK_PDQ_MIN_DIM)
        return;

    if (w == 64 && h == 64)
        memcpy(wk->img64, luma, sizeof wk->img64);
    else
        pdq_downsample(ops, luma, tmp, w, h, wk->img64);
    out->pdq_quality = pdq_quality(wk->img64);

    ops->matmul(t->dct, wk->img64, wk->t16x64, 16, 64, 64);
    ops->matmul(wk->t16x64, t->dctt, wk->dct16, 16, 64, 16);
    pdq_bits(wk->dct16, wk->sel, &out->pdq);

    if (!dihedral)
        return;
    out->pdq_dihedral[0] = out->pdq;
    for (int v = 1; v < LK_DIHEDRAL_COUNT; v++) {
        pdq_apply_dihedral(&pdq_dihedrals[v], wk->dct16, wk->aux16);
        pdq_bits(wk->aux16, wk->sel, &out->pdq_dihedral[v]);
    }
}
