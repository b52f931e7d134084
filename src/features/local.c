/*
 * local.c — local binary features: keypoints with orientation and 256-bit
 * descriptors on an image pyramid (see likeness/local.h).
 *
 * Pipeline per picture: pyramid (local_pyramid.c); per level, FAST-9
 * scores at fast_threshold (kernel local_fast_row) over the area
 * LK_LOCAL_MARGIN in from each side; 3x3 non-maximum suppression; the
 * level's quota of keypoints (max_keypoints shared by levels in
 * proportion to 1 / sqrt(scale), what a coarse level cannot fill passing
 * to the next finer one) is chosen from the
 * 2 x quota best corners by FAST score, ranked by a 7x7 Harris response
 * and spread over a grid of about quota / 2 cells by taking the best of
 * every cell, then the second best, and so on; orientation = direction
 * of the intensity centroid of the blurred level over a disc of radius 15
 * (kernel local_moments); descriptor = the 256 tests of local_pattern.c
 * steered to the nearest of 30 angles, on the blurred level (kernel
 * local_tests), and with params.mirror the mirrored tests.
 *
 * Choices and measurements (tests/tools/local-eval.sh: 79 pictures from
 * flare-game, freedroidrpg-data, frozen-bubble-data, gnome-backgrounds at
 * working size; 7 random edits each; every edited copy against its
 * original and 6 other pictures of its package; seeds 1 and 2):
 *
 *   detector    FAST-9 at threshold 8, the 2 x quota best by FAST score
 *               ranked by Harris, grid-spread.  (A fixed threshold of 20
 *               left flat game art with too few corners; ranking by the
 *               FAST score alone keeps clusters on text and edges.)
 *   pyramid     6 levels of steps 1.5 / 4/3 (scales 1 .. 6); a 512x288
 *               frame uses 5 of them (the 6th is under 2 margins + 8).
 *   quotas      in proportion to 1 / sqrt(scale), coarse levels first: at
 *               600 suspect keypoints, seed 1, against 1 / scale: false
 *               verifications 5 -> 1 of 3229 at equal recall (449 vs 448
 *               of 553 at the verification thresholds of geometry.c).
 *   keypoints   300 per reference frame (the default; what the index
 *               stores), 600 per suspect frame (what the scan should ask
 *               for): suspect 300 -> 600 -> 1000 raised picture-in-picture
 *               recall 23 -> 34 -> 42 of 79 and all edits 437 -> 454 ->
 *               468 of 553, false verifications 8 -> 19 -> 23 of 3229 at
 *               a plain 10-inlier rule (seed 1, quotas 1 / scale); under
 *               geometry.c's rule 600 gave 448 of 553 with 5 false, 1000
 *               (references 400) 462 with 12, at 1.7x the extraction and
 *               verification cost.
 *   descriptor  the 256 tests of local_pattern.c on the 5x5 binomial blur,
 *               steered to 30 angle bins (not learned; a learned,
 *               decorrelated pattern is the next thing to try).
 *   mirror      mirrored descriptors from the same keypoints: +0.15 ms per
 *               frame at 300 keypoints and +0.4 ms at 600 (AVX2; the
 *               second lk_local_extract of a flipped frame would cost the
 *               whole 1.6-1.9 ms again); mirror edits verify at 71/79 on
 *               both seeds.
 *   results     (defaults; suspects 600 keypoints with mirror, references
 *               300)              seed 1     seed 2
 *     crop 10-30 % at any offset  65/79      65/79
 *     9:16 reframing              68/79      69/79
 *     picture-in-picture 25-50 %  32/79      32/79
 *     box over 30-50 % + caption  64/79      66/79
 *     crop+mirror+grade+50-75 %   71/79      71/79
 *     JPEG quality 15-40          75/79      75/79
 *     posterise + blur            72/79      73/79
 *     all edits                   447/553    451/553
 *     hard negatives verified     4/3229     10/3229  (most of them
 *               pictures sharing frame or UI art: frozen-bubble
 *               backgrounds, freedroid panels; the rest portraits of one
 *               painter posed alike)
 *   speed       (thread CPU time, AVX2 on a shared AMD EPYC, 2 cores under
 *               a load of 8-15): a 512x288 frame takes 1.2-1.6 ms at 300
 *               keypoints, 1.7-2.3 ms at 600 with mirror, scalar 9.8-11
 *               ms; AVX-512 could not be run here (no such CPU).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "features/local_internal.h"

/* Defaults (measured: see the header comment). */
#define DEF_MAX_KEYPOINTS 300
#define DEF_LEVELS 6
#define DEF_FAST_THRESHOLD 8

/* A corner candidate on one level. */
typedef struct cand {
    int16_t x, y;   /* level pixel */
    int32_t score;  /* FAST score (> fast_threshold) */
    int32_t cell;   /* grid cell */
    int32_t rank;   /* order within its cell by response */
    float resp;     /* Harris response */
} cand;

/* Invariants: ops is a complete kernel table; score holds cap_score bytes
 * (>= stride * (height of level 0 + 1)); cands holds cap_cands entries. */
struct lk_local_extractor {
    lk_simd_ops ops;      /* kernel table (copy) */
    lk_local_pyramid pyr; /* pyramid and its memory */
    lk_local_tables tab;  /* steered offsets for pyr.stride */
    uint8_t *score;       /* FAST score map of the current level */
    size_t cap_score;     /* bytes in score */
    cand *cands;          /* candidates of the current level */
    size_t cap_cands;     /* entries in cands */
};

LK_API void lk_local_params_default(lk_local_params *p)
{
    p->max_keypoints = DEF_MAX_KEYPOINTS;
    p->levels = DEF_LEVELS;
    p->fast_threshold = DEF_FAST_THRESHOLD;
    p->mirror = 0;
}

int lki_local_new_with_ops(lk_local_extractor **out, const lk_simd_ops *ops)
{
    lk_local_extractor *e = lki_malloc_aligned(sizeof *e);
    *out = NULL;
    if (!e)
        return LK_ENOMEM;
    memset(e, 0, sizeof *e);
    e->ops = *ops;
    *out = e;
    return 0;
}

LK_API int lk_local_new(lk_local_extractor **out)
{
    return lki_local_new_with_ops(out, lk_simd_ops_get());
}

LK_API void lk_local_free(lk_local_extractor **e)
{
    if (!e || !*e)
        return;
    lki_local_pyramid_release(&(*e)->pyr);
    lki_free_aligned((*e)->score);
    lki_free((*e)->cands);
    lki_free_aligned(*e);
    *e = NULL;
}

LK_API void lk_local_features_release(lk_local_features *f)
{
    if (!f)
        return;
    lki_free(f->kp);
    lki_free(f->desc);
    lki_free(f->desc_mirror);
    memset(f, 0, sizeof *f);
}

/* Reallocates array p (a typed pointer lvalue) to n entries, or returns LK_ENOMEM. */
#define GROW(p, n)                                        \
    do {                                                  \
        void *g_ = lki_realloc((p), (n) * sizeof *(p));   \
        if (!g_)                                          \
            return LK_ENOMEM;                             \
        (p) = g_;                                         \
    } while (0)

int lki_local_reserve(lk_local_features *f, size_t n, int mirror)
{
    if (!mirror)
        lk_freep(&f->desc_mirror);
    if (n > f->cap) {
        GROW(f->kp, n);
        GROW(f->desc, n);
        if (f->desc_mirror)
            GROW(f->desc_mirror, n);
        f->cap = n;
    }
    if (mirror && !f->desc_mirror && f->cap)
        GROW(f->desc_mirror, f->cap);
    return 0;
}

static int params_check(const lk_local_params *p)
{
    if (p->max_keypoints < 1 || p->max_keypoints > LK_LOCAL_MAX_KEYPOINTS)
        return LK_EINVAL;
    if (p->levels < 1 || p->levels > LK_LOCAL_MAX_LEVELS)
        return LK_EINVAL;
    if (p->fast_threshold < 1 || p->fast_threshold > 254)
        return LK_EINVAL;
    return p->mirror == 0 || p->mirror == 1 ? 0 : LK_EINVAL;
}

static int image_check(const lk_image *img)
{
    if (!img || !img->data || img->width < 1 || img->height < 1)
        return LK_EINVAL;
    if (img->fmt != LK_PIX_GRAY8 && img->fmt != LK_PIX_RGB24)
        return LK_EINVAL;
    if (img->stride / img->fmt < img->width)
        return LK_EINVAL;
    return img->width > 4096 || img->height > 4096 ? LK_ETOOBIG : 0;
}

/* Grows the score map and candidate array for the current pyramid. */
static int scratch_reserve(lk_local_extractor *e)
{
    const lk_local_pyramid *p = &e->pyr;
    size_t ns = (size_t)p->stride * (size_t)(p->lv[0].h + 1) + 64;
    size_t nc = (size_t)p->lv[0].w * (size_t)p->lv[0].h / 4 + 16;
    if (ns > e->cap_score) {
        lki_free_aligned(e->score);
        e->cap_score = 0;
        if (!(e->score = lki_malloc_aligned(ns)))
            return LK_ENOMEM;
        e->cap_score = ns;
    }
    if (nc > e->cap_cands) {
        lki_free(e->cands);
        e->cap_cands = 0;
        if (!(e->cands = lki_malloc(nc * sizeof *e->cands)))
            return LK_ENOMEM;
        e->cap_cands = nc;
    }
    return 0;
}

/* ---- detection ---------------------------------------------------------- */

/* FAST scores of level v over rows and columns [M-1, size-M+1) (the
 * suppression's neighbours included); the rest of the map is zero. */
static void fast_level(lk_local_extractor *e, const lk_local_level *v, int thr)
{
    ptrdiff_t st = e->pyr.stride;
    int m = LK_LOCAL_MARGIN - 1;
    memset(e->score, 0, (size_t)st * (size_t)v->h);
    for (int y = m; y < v->h - m; y++)
        e->ops.local_fast_row(v->px + y * st + m, st, v->w - 2 * m, thr, e->score + y * st + m);
}

/* 1 when the score at s is a strict local maximum in raster order: larger
 * than the neighbours before it, at least the ones after it. */
static int is_peak(const uint8_t *s, ptrdiff_t st)
{
    uint8_t v = s[0];
    return v > s[-st - 1] && v > s[-st] && v > s[-st + 1] && v > s[-1] && v >= s[1] &&
           v >= s[st - 1] && v >= s[st] && v >= s[st + 1];
}

/* Bit 8k+7 set for each nonzero byte k of w. */
static inline uint64_t nonzero_bytes(uint64_t w)
{
    const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL;
    return (((w & lo7) + lo7) | w) & ~lo7;
}

/* Collects the suppressed corners of level v into e->cands in raster
 * order, 8 scores at a time (the map is mostly zero); returns the count. */
static size_t collect(lk_local_extractor *e, const lk_local_level *v)
{
    ptrdiff_t st = e->pyr.stride;
    int m = LK_LOCAL_MARGIN, x1 = v->w - m;
    size_t n = 0;
    for (int y = m; y < v->h - m; y++) {
        const uint8_t *row = e->score + y * st;
        for (int x0 = m; x0 < x1; x0 += 8) {
            uint64_t w8;
            memcpy(&w8, row + x0, 8);
            for (uint64_t nz = nonzero_bytes(w8); nz; nz &= nz - 1) {
                int x = x0 + __builtin_ctzll(nz) / 8;
                if (x >= x1 || !is_peak(row + x, st) || n == e->cap_cands)
                    continue;
                e->cands[n++] = (cand){(int16_t)x, (int16_t)y, row[x], 0, 0, 0};
            }
        }
    }
    return n;
}

/* Keeps the k best of the n candidates by FAST score (ties: raster order)
 * at the front, in raster order; returns how many are kept. */
static size_t keep_best(cand *c, size_t n, size_t k)
{
    size_t hist[256] = {0}, above = 0;
    if (n <= k)
        return n;
    for (size_t i = 0; i < n; i++)
        hist[c[i].score]++;
    int cut = 255;
    while (cut > 0 && above + hist[cut] < k)
        above += hist[cut--];
    size_t ties = k - above, j = 0; /* this many scores equal to cut are taken */
    for (size_t i = 0; i < n; i++) {
        if (c[i].score > cut || (c[i].score == cut && ties && ties--))
            c[j++] = c[i];
    }
    return j;
}

/* Harris response det(M) - 0.04 tr(M)^2 of the 7x7 structure tensor of
 * central differences around (x, y): sums exact in 32 bits (<= 49 * 255^2),
 * the response in 64; row by row in fixed-length loops the compiler
 * vectorises. */
static float harris(const uint8_t *px, ptrdiff_t st, int x, int y)
{
    int32_t a = 0, b = 0, c = 0;
    for (int dy = -3; dy <= 3; dy++) {
        const uint8_t *r = px + (y + dy) * st + x - 3;
        int32_t ix[7], iy[7];
        for (int k = 0; k < 7; k++) {
            ix[k] = r[k + 1] - r[k - 1];
            iy[k] = r[k + st] - r[k - st];
        }
        for (int k = 0; k < 7; k++) {
            a += ix[k] * ix[k];
            b += iy[k] * iy[k];
            c += ix[k] * iy[k];
        }
    }
    int64_t det = (int64_t)a * b - (int64_t)c * c, tr = (int64_t)a + b;
    return (float)(det - tr * tr / 25);
}

/* Response descending, then raster order. */
static int cmp_resp(const cand *a, const cand *b)
{
    if (a->resp != b->resp)
        return a->resp > b->resp ? -1 : 1;
    return a->y != b->y ? a->y - b->y : a->x - b->x;
}

static int cmp_cell(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    if (a->cell != b->cell)
        return a->cell < b->cell ? -1 : 1;
    return cmp_resp(a, b);
}

static int cmp_rank(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return cmp_resp(a, b);
}

/* Ranks the n candidates by Harris response within grid cells (about
 * quota / 2 of them) and orders them by (rank in cell, response). */
static void spread(cand *c, size_t n, const lk_local_level *v, int quota)
{
    double area = (double)(v->w - 2 * LK_LOCAL_MARGIN) * (v->h - 2 * LK_LOCAL_MARGIN);
    int cs = (int)ceil(sqrt(area * 2.0 / LK_MAX(quota, 1)));
    cs = LK_MAX(cs, 8);
    int ncol = (v->w + cs - 1) / cs;
    for (size_t i = 0; i < n; i++)
        c[i].cell = (c[i].y / cs) * ncol + c[i].x / cs;
    qsort(c, n, sizeof *c, cmp_cell);
    for (size_t i = 0; i < n; i++)
        c[i].rank = (i > 0 && c[i].cell == c[i - 1].cell) ? c[i - 1].rank + 1 : 0;
    qsort(c, n, sizeof *c, cmp_rank);
}

/* Detects level l's corners and leaves its best `quota` (or fewer) at the
 * front of e->cands, in output order; returns how many. */
static size_t detect(lk_local_extractor *e, int l, const lk_local_params *p, int quota)
{
    const lk_local_level *v = &e->pyr.lv[l];
    fast_level(e, v, p->fast_threshold);
    size_t n = keep_best(e->cands, collect(e, v), (size_t)quota * 2);
    for (size_t i = 0; i < n; i++)
        e->cands[i].resp = harris(v->px, e->pyr.stride, e->cands[i].x, e->cands[i].y);
    spread(e->cands, n, v, quota);
    return LK_MIN(n, (size_t)quota);
}

/* ---- orientation and description --------------------------------------- */

/* Appends keypoint c of level l with its descriptors to f (reserved). */
static void describe(lk_local_extractor *e, int l, const cand *c, int mirror,
                     lk_local_features *f)
{
    const lk_local_level *v = &e->pyr.lv[l];
    const uint8_t *ctr = v->blur + c->y * e->pyr.stride + c->x;
    int32_t m[2];
    e->ops.local_moments(ctr, e->pyr.stride, m);
    float a = atan2f((float)m[1], (float)m[0]);
    int k = lki_local_angle_bin(a);
    size_t i = f->count++;
    f->kp[i] = (lk_keypoint){((float)c->x + 0.5f) * v->scale - 0.5f,
                             ((float)c->y + 0.5f) * v->scale - 0.5f, v->scale, a, c->resp, l};
    e->ops.local_tests(ctr, e->tab.oa[k], e->tab.ob[k], f->desc[i].w);
    if (mirror)
        e->ops.local_tests(ctr, e->tab.ma[k], e->tab.mb[k], f->desc_mirror[i].w);
}

/* Quotas per level: max_keypoints in proportion to 1 / sqrt(scale). */
static void quotas(const lk_local_pyramid *p, int total, int *q)
{
    double sum = 0;
    for (int l = 0; l < p->nlevels; l++)
        sum += 1.0 / sqrt(p->lv[l].scale);
    int given = 0;
    for (int l = 0; l < p->nlevels; l++) {
        q[l] = (int)floor(total / sqrt(p->lv[l].scale) / sum);
        given += q[l];
    }
    if (p->nlevels)
        q[0] += total - given;
}

LK_API int lk_local_extract(lk_local_extractor *e, const lk_image *img,
                            const lk_local_params *p, lk_local_features *out)
{
    lk_local_params def;
    if (!p) {
        lk_local_params_default(&def);
        p = &def;
    }
    if (!e || !out)
        return LK_EINVAL;
    out->count = 0;
    LK_TRY(image_check(img));
    LK_TRY(params_check(p));
    out->width = img->width;
    out->height = img->height;
    LK_TRY(lki_local_reserve(out, (size_t)p->max_keypoints, p->mirror));
    LK_TRY(lki_local_pyramid_build(&e->pyr, &e->ops, img, p->levels));
    if (e->pyr.nlevels == 0)
        return 0;
    LK_TRY(scratch_reserve(e));
    lki_local_tables_build(&e->tab, e->pyr.stride);
    int q[LK_LOCAL_MAX_LEVELS], carry = 0;
    quotas(&e->pyr, p->max_keypoints, q);
    for (int l = e->pyr.nlevels - 1; l >= 0; l--) { /* coarse first: finer levels
                                                      take up what coarse ones lack */
        int want = q[l] + carry;
        size_t n = detect(e, l, p, want);
        for (size_t i = 0; i < n; i++)
            describe(e, l, &e->cands[i], p->mirror, out);
        carry = want - (int)n;
    }
    return (int)out->count;
}

LK_API int lk_local_mirror(const lk_local_features *in, lk_local_features *out)
{
    if (!in || !out || in == out || (in->count && !in->desc_mirror))
        return LK_EINVAL;
    out->count = 0;
    LK_TRY(lki_local_reserve(out, in->count, 1));
    out->width = in->width;
    out->height = in->height;
    for (size_t i = 0; i < in->count; i++) {
        lk_keypoint k = in->kp[i];
        k.x = (float)(in->width - 1) - k.x;
        k.angle = (k.angle >= 0 ? (float)M_PI : (float)-M_PI) - k.angle;
        out->kp[i] = k;
        out->desc[i] = in->desc_mirror[i];
        out->desc_mirror[i] = in->desc[i];
    }
    out->count = in->count;
    return (int)out->count;
}
