/*
 * style.c — the style descriptor: a fixed LK_STYLE_BYTES (192) byte summary
 * of how a picture is drawn (its palette, shading, texture and line work),
 * and lk_style_distance().  Pictures of one game / artist / art set should
 * be closer to each other than to pictures of other sets.
 *
 * Per-pixel work is done by four SIMD kernels (likeness/simd.h,
 * src/simd/style_*.c): style_quant_rgb24 (colour bin + luma), style_down2
 * (luma pyramid), style_edge_row (Sobel edge code) and style_lbp_hist
 * (texture codes, counted).  Constants: src/simd/style_kernels.h.
 *
 * Colour bins (56): grey (chroma max-min < 24 or max < 40): 8 bins by luma;
 * mid saturation (2*chroma < max): 8 hues x {dark, bright (max >= 160)};
 * high saturation: 16 hues x {dark, bright}.
 * Pyramid: L0 the picture's luma, L1 and L2 its 2x2 means (half and
 * quarter size): the same statistics at three scales stand for fine
 * texture, strokes and larger shading (multi-scale oriented energies, as
 * GIST measures them, kept as histograms rather than a spatial layout).
 * Edge code (interior pixels): ridge << 4 | class << 2 | orient, class
 * 0..3 by Sobel |gx|+|gy| >= 32, 96, 256; orient 0 vertical edge, 1
 * horizontal, 2 / 3 the diagonals, 0 for class 0 (flat); ridge: a pixel at
 * least 24 darker than both horizontal or both vertical neighbours (dark
 * thin line art).  Stored compacted to 26 bins: ridge * 13 + (class 0 ? 0
 * : 1 + 4 * (class - 1) + orient).
 * LBP code: rotation-invariant uniform local binary pattern of the 8
 * neighbours, a neighbour counting when at least 6 brighter than the
 * centre: 0..8 bits for uniform patterns, 9 for the rest.
 *
 * Sampling: colour statistics count the pixels of the even rows of L0
 * (12-bit colours and colourfulness every 4th of those), L0's edge and LBP
 * statistics its odd interior rows; L1 and L2 every interior row.
 *
 * Layout (all bytes; "sqrt" means round(255 * sqrt(fraction))):
 *   offset len  part    meaning
 *        0  56  colour  colour-bin histogram, sqrt
 *       56  16  light   luma histogram, 16 bins of 16 levels, sqrt
 *       72  26  edge0   L0 edge-code histogram (compacted), sqrt
 *       98  26  edge1   L1 edge-code histogram, sqrt
 *      124  26  edge2   L2 edge-code histogram, sqrt
 *      150  10  lbp0    L0 LBP-code histogram, sqrt
 *      160  10  lbp1    L1 LBP-code histogram, sqrt
 *      170   8  runs    for k = 0..7, the share of L1's interior pixels
 *                       that start a horizontal window of 2^k flat (class
 *                       0) pixels, sqrt: how flat areas shrink as the
 *                       scale grows (flat fills vs busy painting)
 *      178  14  stats   [0] distinct 12-bit colours (RGB >> 4) of the
 *                       colourfulness sample, 255*log2(1+n)/12; [1] share
 *                       of that sample in its 4 most frequent 12-bit
 *                       colours; [2] mean luma; [3] luma std-dev * 2;
 *                       [4] high-saturation share; [5] colourfulness
 *                       (Hasler & Suesstrunk: sd(rg,yb) + 0.3 mean(rg,yb))
 *                       * 2; [6] flat share of L0; [7] ridge share of L0,
 *                       sqrt; [8] class-3 share of L0, sqrt; [9] ridge
 *                       share of L1, sqrt; [10..12] mean edge class of L0,
 *                       L1, L2 * 85; [13] entropy of the colour bins /
 *                       log2(56) * 255.  Linear values clamp to 0..255.
 * Pictures smaller than 3x3 have no interior: edge parts are all zero (and
 * so are L1's and L2's below 6x6 and 12x12).
 *
 * Metric: lk_style_distance = sum_p w_p d_p / sum_p w_p, where d_p is the
 * L1 distance of part p's bytes divided by 255 * its length: a weighted L1
 * distance, in [0,1], symmetric, obeying the triangle inequality, 0 for
 * identical descriptors (a pseudometric: descriptors that differ only in
 * parts of weight 0 are at distance 0).  Weights: lki_style_parts below,
 * fitted on the tune sets of the style benchmark (make style-eval; fitting:
 * style_eval fit in tests/tools/style_eval.c; provenance and results in the
 * README's "Style benchmark").
 *
 * Invariants: the descriptor depends only on the pixels (not on the kernel
 * level: the kernels are bit-exact), and is deterministic.
 */
#include <math.h>
#include <string.h>
#include "common/common.h"
#include "features/style.h"
#include "simd/style_kernels.h"

#if LK_STYLE_BYTES != 192
#error "style.c layout assumes LK_STYLE_BYTES == 192"
#endif

enum {
    NCODE = 32, NCOMPACT = 26, NC12 = 4096, NCOPY = 4, JOINT = LK_STYLE_CBINS * 16,
    NRUN = 8, NLEVEL = 3,
    OFF_LIGHT = 56, OFF_EDGE = 72, OFF_LBP = 150, OFF_RUNS = 170, OFF_STATS = 178
};

/* Scratch for one computation.  Buffers hold at least cap pixels / w_cap
 * columns; counts are reset by every computation. */
struct lk_style_ctx {
    uint8_t *luma[NLEVEL];    /* L0 (w*h), L1, L2 lumas */
    uint8_t *bin;             /* one row of colour bins */
    uint8_t *code;            /* one row of edge codes */
    uint64_t *bits;           /* one row of flat bits, w_cap / 64 + 3 words */
    size_t cap;               /* pixels luma[0] can hold */
    int w_cap;                /* columns bin/code can hold */
    int lw[NLEVEL], lh[NLEVEL];     /* size of each level */
    uint32_t chist[LK_STYLE_CBINS]; /* colour bins (from joint) */
    uint32_t lhist[16];             /* luma bands (from joint) */
    uint32_t joint[NCOPY][JOINT];   /* bin << 4 | luma >> 4, NCOPY copies */
    uint32_t ecnt4[NCOPY][NCODE];   /* L0 edge codes, copies by x mod NCOPY */
    uint32_t ecnt[NLEVEL][NCODE];   /* edge codes per level (merged) */
    uint32_t lbp[2][LK_STYLE_LBP_CODES]; /* LBP codes of L0, L1 */
    uint32_t runs[NRUN];            /* L1 flat windows of 2^k pixels */
    uint32_t c12[NC12];             /* 12-bit colours of the sample */
    int64_t cf[5];                  /* sample: n, sum rg, sum yb, sum rg^2, sum yb^2 */
};

/* Weights fitted by `style_eval fit` (coordinate ascent on the mAP of the
 * 282 pictures of the benchmark's 6 tune sets, seed 1234; equal weights
 * 0.451 -> 0.527).  The LBP and run parts came out at weight 0 there: they
 * stay in the layout, so that a refit on other art needs no new feature
 * version, but do not count now. */
const lk_style_part lki_style_parts[LK_STYLE_NPARTS] = {
    {"colour", 0, 56, 16.0f},
    {"light", OFF_LIGHT, 16, 1.0f},
    {"edge0", OFF_EDGE, 26, 2.0f},
    {"edge1", OFF_EDGE + 26, 26, 1.0f},
    {"edge2", OFF_EDGE + 52, 26, 1.0f},
    {"lbp0", OFF_LBP, 10, 0.0f},
    {"lbp1", OFF_LBP + 10, 10, 0.0f},
    {"runs", OFF_RUNS, NRUN, 0.0f},
    {"stats", OFF_STATS, 14, 1.0f},
};

int lki_style_ctx_new(lk_style_ctx **out)
{
    *out = lki_calloc(1, sizeof **out);
    return *out ? 0 : LK_ENOMEM;
}

static void ctx_release(lk_style_ctx *c)
{
    for (int l = 0; l < NLEVEL; l++)
        lk_freep(&c->luma[l]);
    lk_freep(&c->bin);
    lk_freep(&c->code);
    lk_freep(&c->bits);
    c->cap = 0;
    c->w_cap = 0;
}

void lki_style_ctx_free(lk_style_ctx **c)
{
    if (!c || !*c)
        return;
    ctx_release(*c);
    lk_freep(c);
}

/* Makes the buffers big enough for a w x h picture and sets the levels'
 * sizes. */
static int ctx_reserve(lk_style_ctx *c, int w, int h)
{
    size_t n;
    if (lk_mul_size((size_t)w, (size_t)h, &n))
        return LK_EINVAL;
    for (int l = 0; l < NLEVEL; l++) {
        c->lw[l] = l ? c->lw[l - 1] / 2 : w;
        c->lh[l] = l ? c->lh[l - 1] / 2 : h;
    }
    if (n <= c->cap && w <= c->w_cap)
        return 0;
    ctx_release(c);
    c->luma[0] = lki_malloc(n);
    c->luma[1] = lki_malloc(n / 4 + 1);
    c->luma[2] = lki_malloc(n / 16 + 1);
    c->bin = lki_malloc((size_t)w);
    c->code = lki_malloc((size_t)w);
    c->bits = lki_malloc(((size_t)w / 64 + 3) * sizeof *c->bits);
    if (!c->luma[0] || !c->luma[1] || !c->luma[2] || !c->bin || !c->code || !c->bits) {
        ctx_release(c);
        return LK_ENOMEM;
    }
    c->cap = n;
    c->w_cap = w;
    return 0;
}

/* Adds one pixel to the colourfulness sample and the 12-bit colours. */
static inline void sample_rgb(lk_style_ctx *restrict c, const uint8_t *p)
{
    int rg = p[0] - p[1], yb = (p[0] + p[1]) / 2 - p[2];
    c->c12[(p[0] >> 4) << 8 | (p[1] >> 4) << 4 | p[2] >> 4]++;
    c->cf[0]++;
    c->cf[1] += rg;
    c->cf[2] += yb;
    c->cf[3] += rg * rg;
    c->cf[4] += yb * yb;
}

/* Counts one row of RGB24 pixels (bins and lumas already computed) into
 * the joint colour-bin x luma-band histogram (NCOPY copies, x mod NCOPY, so
 * that runs of one colour do not serialise on one counter) and, at x
 * multiple of 4, the colour sample. */
static void count_rgb_row(lk_style_ctx *restrict c, const uint8_t *restrict row,
                          const uint8_t *restrict bin, const uint8_t *restrict l, int w)
{
    uint32_t(*restrict j)[JOINT] = c->joint;
    int x = 0;
    for (; x + 3 < w; x += 4) {
        sample_rgb(c, row + 3 * x);
        j[0][bin[x] << 4 | l[x] >> 4]++;
        j[1][bin[x + 1] << 4 | l[x + 1] >> 4]++;
        j[2][bin[x + 2] << 4 | l[x + 2] >> 4]++;
        j[3][bin[x + 3] << 4 | l[x + 3] >> 4]++;
    }
    if (x < w)
        sample_rgb(c, row + 3 * x);
    for (; x < w; x++)
        j[0][bin[x] << 4 | l[x] >> 4]++;
}

/* Counts one row of GRAY8 pixels, as RGB24 with R = G = B would count. */
static void count_gray_row(lk_style_ctx *restrict c, const uint8_t *restrict row, int w)
{
    uint32_t *restrict j0 = c->joint[0];
    for (int x = 0; x < w; x++) {
        if (!(x & 3)) {
            const uint8_t p[3] = { row[x], row[x], row[x] };
            sample_rgb(c, p);
        }
        j0[(row[x] >> 5) << 4 | row[x] >> 4]++;
    }
}

/* Pass 1: luma plane of every row; colour bins, luma and sample
 * statistics of the even rows (every other row suffices for statistics
 * and halves the counting, the slowest part). */
static void colour_pass(lk_style_ctx *c, const lk_simd_ops *ops, const lk_image *img)
{
    int w = img->width;
    for (int y = 0; y < img->height; y++) {
        const uint8_t *row = img->data + (size_t)y * (size_t)img->stride;
        uint8_t *l = c->luma[0] + (size_t)y * (size_t)w;
        if (img->fmt == LK_PIX_RGB24) {
            ops->style_quant_rgb24(row, w, (y & 1) ? NULL : c->bin, l);
            if (!(y & 1))
                count_rgb_row(c, row, c->bin, l, w);
        } else {
            memcpy(l, row, (size_t)w);
            if (!(y & 1))
                count_gray_row(c, row, w);
        }
    }
}

/* L1 and L2 from L0 by 2x2 means. */
static void pyramid(lk_style_ctx *c, const lk_simd_ops *ops)
{
    for (int l = 1; l < NLEVEL; l++) {
        int pw = c->lw[l - 1], w = c->lw[l];
        for (int y = 0; w > 0 && y < c->lh[l]; y++) {
            const uint8_t *r0 = c->luma[l - 1] + (size_t)(2 * y) * (size_t)pw;
            ops->style_down2(r0, r0 + pw, w, c->luma[l] + (size_t)y * (size_t)w);
        }
    }
}

/* Pass 2 on L0: edge codes and LBP codes of the interior pixels of odd
 * rows (every luma row is read by one or two of them). */
static void edge_pass0(lk_style_ctx *c, const lk_simd_ops *ops, int w, int h)
{
    uint8_t *restrict code = c->code;
    uint32_t(*restrict e)[NCODE] = c->ecnt4;
    for (int y = 1; y + 1 < h; y += 2) {
        const uint8_t *r1 = c->luma[0] + (size_t)y * (size_t)w;
        ops->style_edge_row(r1 - w, r1, r1 + w, w, code);
        ops->style_lbp_hist(r1 - w, r1, r1 + w, w, c->lbp[0]);
        int x = 1;
        for (; x + 4 < w; x += 4) {
            e[0][code[x]]++;
            e[1][code[x + 1]]++;
            e[2][code[x + 2]]++;
            e[3][code[x + 3]]++;
        }
        for (; x + 1 < w; x++)
            e[0][code[x]]++;
    }
    for (int k = 0; k < NCODE; k++)
        c->ecnt[0][k] = e[0][k] + e[1][k] + e[2][k] + e[3][k];
}

/* Adds one row's flat-window counts to runs: runs[k] += the number of x
 * where the 2^k pixels x .. x+2^k-1 (inside 1..w-2) all have edge class 0.
 * A bit per pixel; a window of 2^(k+1) is two of 2^k, so each step is one
 * shifted AND of the row's bits. */
static void count_flat_windows(uint32_t *restrict runs, const uint8_t *restrict code, int w,
                               uint64_t *restrict bits)
{
    int nw = (w + 63) / 64;
    memset(bits, 0, (size_t)(nw + 2) * sizeof *bits);
    for (int x = 1; x + 1 < w; x++)
        bits[x >> 6] |= (uint64_t)!(code[x] & 0x0c) << (x & 63);
    for (int k = 0; k < NRUN; k++) {
        int s = 1 << k, q = s >> 6, r = s & 63;
        for (int i = 0; i < nw; i++)
            runs[k] += (uint32_t)__builtin_popcountll(bits[i]);
        for (int i = 0; i < nw && k + 1 < NRUN; i++) {
            uint64_t lo = bits[i + q], hi = i + q + 1 < nw ? bits[i + q + 1] : 0;
            bits[i] &= r ? (lo >> r | hi << (64 - r)) : lo;
        }
    }
}

/* Pass 3 on L1 and L2: edge codes of every interior row (counted in
 * NCOPY copies), L1's LBP codes and flat windows. */
static void edge_pass_levels(lk_style_ctx *c, const lk_simd_ops *ops)
{
    uint8_t *restrict code = c->code;
    for (int l = 1; l < NLEVEL; l++) {
        int w = c->lw[l], h = c->lh[l];
        uint32_t(*restrict e)[NCODE] = c->ecnt4;
        memset(c->ecnt4, 0, sizeof c->ecnt4);
        for (int y = 1; w >= 3 && y + 1 < h; y++) {
            const uint8_t *r1 = c->luma[l] + (size_t)y * (size_t)w;
            ops->style_edge_row(r1 - w, r1, r1 + w, w, code);
            int x = 1;
            for (; x + 4 < w; x += 4) {
                e[0][code[x]]++;
                e[1][code[x + 1]]++;
                e[2][code[x + 2]]++;
                e[3][code[x + 3]]++;
            }
            for (; x + 1 < w; x++)
                e[0][code[x]]++;
            if (l == 1) {
                ops->style_lbp_hist(r1 - w, r1, r1 + w, w, c->lbp[1]);
                count_flat_windows(c->runs, code, w, c->bits);
            }
        }
        for (int k = 0; k < NCODE; k++)
            c->ecnt[l][k] = e[0][k] + e[1][k] + e[2][k] + e[3][k];
    }
}

/* Folds the split colour counters into chist and lhist. */
static void merge_counts(lk_style_ctx *c)
{
    memset(c->chist, 0, sizeof c->chist);
    memset(c->lhist, 0, sizeof c->lhist);
    for (int b = 0; b < LK_STYLE_CBINS; b++) {
        for (int l = 0; l < 16; l++) {
            uint32_t v = 0;
            for (int k = 0; k < NCOPY; k++)
                v += c->joint[k][b << 4 | l];
            c->chist[b] += v;
            c->lhist[l] += v;
        }
    }
}

static uint8_t sqrt_byte(double num, double den)
{
    if (den <= 0.0)
        return 0;
    double v = 255.0 * sqrt(num / den) + 0.5;
    return (uint8_t)(v > 255.0 ? 255.0 : v);
}

static uint8_t lin_byte(double v)
{
    v = v + 0.5;
    return (uint8_t)(v < 0.0 ? 0.0 : v > 255.0 ? 255.0 : v);
}

/* Compacted bin of an edge code (26 bins, see the header). */
static int compact(int code)
{
    int cls = (code >> 2) & 3;
    return (code >> 4) * 13 + (cls ? 1 + 4 * (cls - 1) + (code & 3) : 0);
}

/* Edge statistics of one level. */
typedef struct edge_stats {
    double ridge, flat, strong, mean_class; /* shares of the counted pixels */
} edge_stats;

/* Writes level l's compacted edge histogram; fills *st. */
static void write_edges(const lk_style_ctx *c, int l, uint8_t *out, edge_stats *st)
{
    uint32_t bins[NCOMPACT] = { 0 };
    double all = 0;
    memset(st, 0, sizeof *st);
    for (int code = 0; code < NCODE; code++) {
        uint32_t v = c->ecnt[l][code];
        int cls = (code >> 2) & 3;
        bins[compact(code)] += v;
        all += v;
        st->ridge += (code & 16) ? v : 0;
        st->flat += cls == 0 ? v : 0;
        st->strong += cls == 3 ? v : 0;
        st->mean_class += (double)cls * v;
    }
    for (int b = 0; b < NCOMPACT; b++)
        out[b] = sqrt_byte(bins[b], all);
    if (all > 0) {
        st->ridge /= all; st->flat /= all; st->strong /= all; st->mean_class /= all;
    }
}

/* Stats bytes [0] and [1]: distinct 12-bit colours and top-4 share. */
static void write_palette_stats(const lk_style_ctx *c, uint8_t *s)
{
    uint32_t top[4] = {0};
    int distinct = 0;
    double n = 0;
    for (int i = 0; i < NC12; i++) {
        uint32_t v = c->c12[i];
        distinct += v != 0;
        n += v;
        for (int k = 0; k < 4 && v; k++) {
            if (v > top[k]) {
                uint32_t t = top[k];
                top[k] = v;
                v = t;
            }
        }
    }
    s[0] = lin_byte(255.0 * log2(1.0 + distinct) / 12.0);
    s[1] = lin_byte(n > 0 ? 255.0 * ((double)top[0] + top[1] + top[2] + top[3]) / n : 0);
}

/* Stats [5]: colourfulness of the sample (Hasler & Suesstrunk 2003). */
static double colourfulness(const lk_style_ctx *c)
{
    double n = (double)c->cf[0];
    if (n <= 0)
        return 0;
    double mrg = c->cf[1] / n, myb = c->cf[2] / n;
    double vrg = c->cf[3] / n - mrg * mrg, vyb = c->cf[4] / n - myb * myb;
    return sqrt(LK_MAX(vrg, 0) + LK_MAX(vyb, 0)) + 0.3 * sqrt(mrg * mrg + myb * myb);
}

/* Colour, light, the histograms' entropy and the luma moments. */
static void write_colour(const lk_style_ctx *c, double n, uint8_t *out, uint8_t *s)
{
    double mean = 0, sq = 0, sat = 0, ent = 0;
    for (int i = 0; i < LK_STYLE_CBINS; i++) {
        out[i] = sqrt_byte(c->chist[i], n);
        double p = c->chist[i] / n;
        ent -= p > 0 ? p * log2(p) : 0;
        sat += i >= 24 ? p : 0;
    }
    for (int i = 0; i < 16; i++) {
        out[OFF_LIGHT + i] = sqrt_byte(c->lhist[i], n);
        double mid = i * 16 + 7.5;
        mean += mid * c->lhist[i];
        sq += mid * mid * c->lhist[i];
    }
    mean /= n;
    double var = sq / n - mean * mean;
    s[2] = lin_byte(mean);
    s[3] = lin_byte(2.0 * sqrt(var > 0 ? var : 0));
    s[4] = lin_byte(255.0 * sat);
    s[13] = lin_byte(255.0 * ent / log2((double)LK_STYLE_CBINS));
}

static void write_descriptor(const lk_style_ctx *c, double n, uint8_t *out)
{
    uint8_t *s = out + OFF_STATS;
    edge_stats st[NLEVEL];
    write_colour(c, n, out, s);
    for (int l = 0; l < NLEVEL; l++)
        write_edges(c, l, out + OFF_EDGE + NCOMPACT * l, &st[l]);
    for (int k = 0; k < 2; k++) {
        double all = 0;
        for (int i = 0; i < LK_STYLE_LBP_CODES; i++)
            all += c->lbp[k][i];
        for (int i = 0; i < LK_STYLE_LBP_CODES; i++)
            out[OFF_LBP + LK_STYLE_LBP_CODES * k + i] = sqrt_byte(c->lbp[k][i], all);
    }
    double px = (double)LK_MAX(c->lw[1] - 2, 0) * LK_MAX(c->lh[1] - 2, 0);
    for (int i = 0; i < NRUN; i++)
        out[OFF_RUNS + i] = sqrt_byte(c->runs[i], px);
    write_palette_stats(c, s);
    s[5] = lin_byte(2.0 * colourfulness(c));
    s[6] = lin_byte(255.0 * st[0].flat);
    s[7] = sqrt_byte(st[0].ridge, 1.0);
    s[8] = sqrt_byte(st[0].strong, 1.0);
    s[9] = sqrt_byte(st[1].ridge, 1.0);
    for (int l = 0; l < NLEVEL; l++)
        s[10 + l] = lin_byte(85.0 * st[l].mean_class);
}

int lki_style_compute(lk_style_ctx *c, const lk_simd_ops *ops, const lk_image *img,
                     uint8_t out[LK_STYLE_BYTES])
{
    if (!c || !ops || !img || !out || !img->data || img->width < 1 || img->height < 1 ||
        (img->fmt != LK_PIX_RGB24 && img->fmt != LK_PIX_GRAY8) ||
        img->stride / img->fmt < img->width)
        return LK_EINVAL;
    LK_TRY(ctx_reserve(c, img->width, img->height));
    memset(c->joint, 0, sizeof c->joint);
    memset(c->ecnt4, 0, sizeof c->ecnt4);
    memset(c->ecnt, 0, sizeof c->ecnt);
    memset(c->lbp, 0, sizeof c->lbp);
    memset(c->runs, 0, sizeof c->runs);
    memset(c->c12, 0, sizeof c->c12);
    memset(c->cf, 0, sizeof c->cf);
    colour_pass(c, ops, img);
    pyramid(c, ops);
    if (img->width >= 3 && img->height >= 3)
        edge_pass0(c, ops, img->width, img->height);
    edge_pass_levels(c, ops);
    merge_counts(c);
    memset(out, 0, LK_STYLE_BYTES);
    write_descriptor(c, (double)img->width * ((img->height + 1) / 2), out);
    return 0;
}

float lki_style_part_distance(const uint8_t *a, const uint8_t *b, int part)
{
    const lk_style_part *p = &lki_style_parts[part];
    uint32_t diff = 0;
    for (int i = p->offset; i < p->offset + p->length; i++)
        diff += (uint32_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
    return (float)diff / (255.0f * (float)p->length);
}

LK_API float lk_style_distance(const uint8_t a[LK_STYLE_BYTES], const uint8_t b[LK_STYLE_BYTES])
{
    float num = 0.0f, den = 0.0f;
    for (int p = 0; p < LK_STYLE_NPARTS; p++) {
        num += lki_style_parts[p].weight * lki_style_part_distance(a, b, p);
        den += lki_style_parts[p].weight;
    }
    float d = num / den;
    return d < 0.0f ? 0.0f : d > 1.0f ? 1.0f : d;
}
