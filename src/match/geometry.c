/*
 * geometry.c — verification of a (suspect, reference) pair of pictures by
 * local features: descriptor matches, a RANSAC similarity fit, and the
 * matched regions (see likeness/geometry.h).
 *
 * Matches: one ham256_mxn call gives the suspect x reference distance
 * matrix; suspect i matches reference j when j is i's nearest (lowest j on
 * ties), within max_distance, and (mutual) i is j's nearest too, and
 * (ratio > 0) the distance is below ratio x the second nearest.
 *
 * Fit: ref = [a -b; b a] sus + t.  Each hypothesis comes from two matches
 * drawn by xorshift64* from the seed; it is kept only when both matches
 * agree with it in angle (keypoint angles differ by the rotation within
 * ANGLE_TOL) and scale (reference keypoint scale / suspect keypoint scale
 * within SCALE_TOL of the fitted scale), the same tests every inlier
 * passes besides lying within tolerance x its reference keypoint's scale
 * of the prediction.  The best hypothesis (most inliers, then least
 * squared error) is refined by least squares over its inliers, twice.
 * Hypotheses stop early when the best inlier share w makes a miss less
 * likely than 1e-3 (1 - w^2)^k.  The mirrored orientation fits the
 * suspect's mirrored descriptors at mirrored positions; the orientation
 * with more inliers wins (ties: not mirrored).
 *
 * Choices and measurements (tests/tools/local-eval.sh, seed 1, suspects
 * 600 keypoints, references 300; 553 edited pairs, 3229 hard negatives;
 * decision rules compared on the same fits, which the rule does not
 * change):
 *   matches     mutual nearest neighbours within 64 bits; 80 bits, under
 *               the rule below, verified 440 of 553 (against 448) at the
 *               same 5 false (quotas 1 / scale).  Lowe's ratio test is
 *               available (off) but was not measured.
 *   decision    at least 16 inliers, or at least 8 that are >= 25 % of the
 *               putative matches: 449 of 553 verified, 1 false.  A plain
 *               count lets the false rate grow with the matches: 10
 *               inliers gave 456 with 19 false, 12 gave 446 with 8, 14
 *               gave 439 with 5, 20 gave 411 with 0.  A minimum area of
 *               the inliers' box (1-2 %) cost crops and insets more than
 *               it removed false fits; 0.1 % only refuses degenerate ones.
 *   tolerance   3 pixels of the reference keypoint's level, angles within
 *               29 degrees, scales within 2x (the pyramid's steps).
 *   cost        1.1 ms per candidate at 600 x 300 keypoints with the
 *               mirrored orientation (thread CPU, AVX2, loaded machine):
 *               two 600 x 300 Hamming matrices dominate; the RANSAC stops
 *               early on true pairs and refuses most hypotheses of false
 *               ones on the keypoint angle and scale tests alone.
 */
#include <math.h>
#include <string.h>
#include "common/common.h"
#include "match/geometry_internal.h"

#define ANGLE_TOL 0.5f   /* radians (29 degrees): keypoint angle agreement */
#define SCALE_TOL 2.0f   /* factor: keypoint scale agreement */
#define MIN_SCALE 0.125  /* fitted scales outside [1/8, 8] are refused */
#define MAX_SCALE 8.0
#define REFINE_ROUNDS 2

/* One putative match, the suspect side already mirrored when fitting the
 * mirrored orientation. */
typedef struct gmatch {
    float sx, sy, sa, ss; /* suspect keypoint: position, angle, scale */
    float rx, ry, ra, rs; /* reference keypoint */
    int dist;             /* Hamming distance */
} gmatch;

/* A similarity: ref = [a -b; b a] sus + (tx, ty). */
typedef struct sim {
    double a, b, tx, ty;
} sim;

/* Invariants: dist holds cap_dist values, mt/in/best cap_mt entries,
 * col cap_col entries. */
struct lk_geo_matcher {
    const lk_simd_ops *ops; /* kernel table */
    uint16_t *dist;         /* suspect x reference distances */
    size_t cap_dist;
    gmatch *mt;             /* matches of the orientation being fitted */
    uint8_t *in, *best;     /* inlier flags: current, best hypothesis */
    size_t cap_mt;
    uint32_t *col;          /* per reference keypoint: nearest suspect keypoint */
    size_t cap_col;
};

LK_API void lk_geo_params_default(lk_geo_params *p)
{
    p->max_distance = 64;
    p->ratio = 0.0f;
    p->mutual = 1;
    p->mirror = 1;
    p->affine = 0;
    p->iterations = 1000;
    p->tolerance = 3.0f;
    p->min_inliers = 8;
    p->min_ratio = 0.25f;
    p->sure_inliers = 16;
    p->min_area = 0.001f;
    p->seed = 0x67656f6d65747279ULL; /* "geometry" */
}

int lki_geo_new_with_ops(lk_geo_matcher **out, const lk_simd_ops *ops)
{
    lk_geo_matcher *m = lki_calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return LK_ENOMEM;
    m->ops = ops;
    return 0;
}

LK_API int lk_geo_new(lk_geo_matcher **out)
{
    return lki_geo_new_with_ops(out, lk_simd_ops_get());
}

LK_API void lk_geo_free(lk_geo_matcher **m)
{
    if (!m || !*m)
        return;
    lki_free((*m)->dist);
    lki_free((*m)->mt);
    lki_free((*m)->in);
    lki_free((*m)->best);
    lki_free((*m)->col);
    lki_free(*m);
    *m = NULL;
}

static int params_check(const lk_geo_params *p)
{
    if (p->max_distance < 0 || p->max_distance > 256 || !(p->ratio >= 0 && p->ratio <= 1))
        return LK_EINVAL;
    if ((p->mutual | p->mirror | p->affine) & ~1)
        return LK_EINVAL;
    if (p->iterations < 1 || p->iterations > 100000 || !(p->tolerance > 0))
        return LK_EINVAL;
    if (p->min_inliers < 2 || p->sure_inliers < p->min_inliers)
        return LK_EINVAL;
    if (!(p->min_ratio >= 0 && p->min_ratio <= 1))
        return LK_EINVAL;
    return p->min_area >= 0 && p->min_area <= 1 ? 0 : LK_EINVAL;
}

/* Grows one scratch array to n entries; 0 or LK_ENOMEM. */
static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return 0;
    size_t bytes;
    if (lk_mul_size(n, size, &bytes) < 0)
        return LK_ENOMEM;
    void *q = lki_realloc(*p, bytes);
    if (!q)
        return LK_ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

static int reserve(lk_geo_matcher *m, size_t ns, size_t nr)
{
    size_t nd, c1 = m->cap_mt, c2 = m->cap_mt, c3 = m->cap_mt;
    if (lk_mul_size(ns, nr, &nd) < 0)
        return LK_ENOMEM;
    LK_TRY(grow((void **)&m->dist, &m->cap_dist, nd, sizeof *m->dist));
    LK_TRY(grow((void **)&m->col, &m->cap_col, nr, sizeof *m->col));
    LK_TRY(grow((void **)&m->in, &c1, ns, 1));
    LK_TRY(grow((void **)&m->best, &c2, ns, 1));
    LK_TRY(grow((void **)&m->mt, &c3, ns, sizeof *m->mt));
    m->cap_mt = LK_MIN(c1, LK_MIN(c2, c3));
    return 0;
}

/* ---- matching ------------------------------------------------------------ */

/* Nearest (lowest index on ties) and second-nearest distance in row d. */
static size_t row_best(const uint16_t *d, size_t n, int *d1, int *d2)
{
    size_t j1 = 0;
    int b1 = 1 << 20, b2 = 1 << 20;
    for (size_t j = 0; j < n; j++) {
        if (d[j] < b1) {
            b2 = b1;
            b1 = d[j];
            j1 = j;
        } else if (d[j] < b2) {
            b2 = d[j];
        }
    }
    *d1 = b1;
    *d2 = b2;
    return j1;
}

/* Nearest suspect keypoint of every reference keypoint (lowest on ties). */
static void col_best(lk_geo_matcher *m, size_t ns, size_t nr)
{
    for (size_t j = 0; j < nr; j++) {
        uint32_t bi = 0;
        uint16_t bd = UINT16_MAX;
        for (size_t i = 0; i < ns; i++) {
            if (m->dist[i * nr + j] < bd) {
                bd = m->dist[i * nr + j];
                bi = (uint32_t)i;
            }
        }
        m->col[j] = bi;
    }
}

/* Fills m->mt with the matches of suspect descriptors @p desc (mirrored:
 * positions and angles flipped) against @p ref; returns the count. */
static size_t find_matches(lk_geo_matcher *m, const lk_geo_params *p,
                           const lk_local_features *sus, const lk_hash256 *desc, int mirrored,
                           const lk_local_features *ref)
{
    size_t ns = sus->count, nr = ref->count, n = 0;
    m->ops->ham256_mxn(desc[0].w, ns, ref->desc[0].w, nr, m->dist);
    if (p->mutual)
        col_best(m, ns, nr);
    for (size_t i = 0; i < ns; i++) {
        int d1, d2;
        size_t j = row_best(m->dist + i * nr, nr, &d1, &d2);
        if (d1 > p->max_distance || (p->mutual && m->col[j] != i))
            continue;
        if (p->ratio > 0 && !((float)d1 < p->ratio * (float)d2))
            continue;
        const lk_keypoint *s = &sus->kp[i], *r = &ref->kp[j];
        float sx = mirrored ? (float)(sus->width - 1) - s->x : s->x;
        float sa = mirrored ? (float)M_PI - s->angle : s->angle;
        m->mt[n++] = (gmatch){sx, s->y, sa, s->scale, r->x, r->y, r->angle, r->scale, d1};
    }
    return n;
}

/* ---- fitting ------------------------------------------------------------- */

static float wrap_angle(float a)
{
    while (a > (float)M_PI)
        a -= 2.0f * (float)M_PI;
    while (a < -(float)M_PI)
        a += 2.0f * (float)M_PI;
    return a;
}

/* Squared prediction error of match g under s if g agrees with s in angle
 * and scale and lies within tolerance, else -1. */
static double residual(const gmatch *g, const sim *s, double scale, float angle, float tol)
{
    if (fabsf(wrap_angle(g->ra - g->sa - angle)) > ANGLE_TOL)
        return -1;
    double q = g->rs / (g->ss * scale);
    if (q > SCALE_TOL || q * SCALE_TOL < 1)
        return -1;
    double px = s->a * g->sx - s->b * g->sy + s->tx - g->rx;
    double py = s->b * g->sx + s->a * g->sy + s->ty - g->ry;
    double e = px * px + py * py, t = (double)tol * g->rs;
    return e <= t * t ? e : -1;
}

/* Marks the inliers of s among the n matches in flags; returns their
 * count and their summed squared error in *err. */
static int count_inliers(const gmatch *mt, size_t n, const sim *s, float tol, uint8_t *flags,
                         double *err)
{
    double scale = hypot(s->a, s->b);
    float angle = (float)atan2(s->b, s->a);
    int c = 0;
    *err = 0;
    for (size_t k = 0; k < n; k++) {
        double e = residual(&mt[k], s, scale, angle, tol);
        flags[k] = e >= 0;
        if (e >= 0) {
            c++;
            *err += e;
        }
    }
    return c;
}

/* The similarity through two matches; 0, or -1 when degenerate. */
static int sim_from_pair(const gmatch *g, const gmatch *h, sim *s)
{
    double dx = h->sx - g->sx, dy = h->sy - g->sy;
    double ex = h->rx - g->rx, ey = h->ry - g->ry;
    double d = dx * dx + dy * dy;
    if (d < 4.0 * g->ss * h->ss)
        return -1;
    /* (ex + i ey) / (dx + i dy) */
    s->a = (ex * dx + ey * dy) / d;
    s->b = (ey * dx - ex * dy) / d;
    double sc = hypot(s->a, s->b);
    if (sc < MIN_SCALE || sc > MAX_SCALE)
        return -1;
    s->tx = g->rx - (s->a * g->sx - s->b * g->sy);
    s->ty = g->ry - (s->b * g->sx + s->a * g->sy);
    return 0;
}

/* Least-squares similarity over the flagged matches; -1 if degenerate. */
static int sim_refit(const gmatch *mt, size_t n, const uint8_t *flags, sim *s)
{
    double msx = 0, msy = 0, mrx = 0, mry = 0, c = 0;
    for (size_t k = 0; k < n; k++) {
        if (!flags[k])
            continue;
        msx += mt[k].sx; msy += mt[k].sy; mrx += mt[k].rx; mry += mt[k].ry;
        c++;
    }
    if (c < 2)
        return -1;
    msx /= c; msy /= c; mrx /= c; mry /= c;
    double num_a = 0, num_b = 0, den = 0;
    for (size_t k = 0; k < n; k++) {
        if (!flags[k])
            continue;
        double dx = mt[k].sx - msx, dy = mt[k].sy - msy;
        double ex = mt[k].rx - mrx, ey = mt[k].ry - mry;
        num_a += ex * dx + ey * dy;
        num_b += ey * dx - ex * dy;
        den += dx * dx + dy * dy;
    }
    if (den <= 0)
        return -1;
    s->a = num_a / den;
    s->b = num_b / den;
    s->tx = mrx - (s->a * msx - s->b * msy);
    s->ty = mry - (s->b * msx + s->a * msy);
    return 0;
}

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Hypotheses still needed for a 1e-3 miss chance at inlier share w. */
static double needed(int inl, size_t n)
{
    double w = (double)inl / (double)n, q = 1.0 - w * w;
    if (q <= 1e-12)
        return 0;
    return log(1e-3) / log(q);
}

/* RANSAC over the n matches in m->mt: best similarity into *best with its
 * inliers flagged in m->best; returns the inlier count (0 when none). */
static int ransac(lk_geo_matcher *m, const lk_geo_params *p, size_t n, sim *best)
{
    uint64_t rng = p->seed ^ 0x9e3779b97f4a7c15ULL;
    int best_c = 0;
    double best_e = 0;
    if (n < 2)
        return 0;
    for (int it = 0; it < p->iterations; it++) {
        size_t i = (size_t)(next_rand(&rng) % n), j = (size_t)(next_rand(&rng) % (n - 1));
        j += j >= i;
        sim s;
        if (sim_from_pair(&m->mt[i], &m->mt[j], &s) < 0)
            continue;
        double sc = hypot(s.a, s.b), e;
        float ang = (float)atan2(s.b, s.a);
        if (residual(&m->mt[i], &s, sc, ang, p->tolerance) < 0 ||
            residual(&m->mt[j], &s, sc, ang, p->tolerance) < 0)
            continue;
        int c = count_inliers(m->mt, n, &s, p->tolerance, m->in, &e);
        if (c > best_c || (c == best_c && e < best_e)) {
            best_c = c;
            best_e = e;
            *best = s;
            memcpy(m->best, m->in, n);
        }
        if (best_c >= 2 && it + 1 >= needed(best_c, n))
            break;
    }
    return best_c;
}

/* Least-squares refinement of *s over its inliers (kept when it does not
 * lose inliers); returns the final count, inliers flagged in m->best. */
static int refine(lk_geo_matcher *m, const lk_geo_params *p, size_t n, sim *s, int c)
{
    for (int r = 0; r < REFINE_ROUNDS; r++) {
        sim t;
        double e;
        if (sim_refit(m->mt, n, m->best, &t) < 0)
            break;
        double sc = hypot(t.a, t.b);
        if (sc < MIN_SCALE || sc > MAX_SCALE)
            break;
        int c2 = count_inliers(m->mt, n, &t, p->tolerance, m->in, &e);
        if (c2 < c)
            break;
        c = c2;
        *s = t;
        memcpy(m->best, m->in, n);
    }
    return c;
}

/* Least-squares affine map (2x3) of the flagged matches; -1 if degenerate. */
static int affine_fit(const gmatch *mt, size_t n, const uint8_t *flags, double a[6])
{
    double mx = 0, my = 0, mu = 0, mv = 0, c = 0;
    for (size_t k = 0; k < n; k++) {
        if (flags[k]) {
            mx += mt[k].sx; my += mt[k].sy; mu += mt[k].rx; mv += mt[k].ry;
            c++;
        }
    }
    if (c < 3)
        return -1;
    mx /= c; my /= c; mu /= c; mv /= c;
    double sxx = 0, sxy = 0, syy = 0, sux = 0, suy = 0, svx = 0, svy = 0;
    for (size_t k = 0; k < n; k++) {
        if (!flags[k])
            continue;
        double x = mt[k].sx - mx, y = mt[k].sy - my, u = mt[k].rx - mu, v = mt[k].ry - mv;
        sxx += x * x; sxy += x * y; syy += y * y;
        sux += u * x; suy += u * y; svx += v * x; svy += v * y;
    }
    double det = sxx * syy - sxy * sxy;
    if (!(det > 1e-9 * (sxx + syy) * (sxx + syy)))
        return -1;
    a[0] = (sux * syy - suy * sxy) / det;
    a[1] = (suy * sxx - sux * sxy) / det;
    a[3] = (svx * syy - svy * sxy) / det;
    a[4] = (svy * sxx - svx * sxy) / det;
    a[2] = mu - a[0] * mx - a[1] * my;
    a[5] = mv - a[3] * mx - a[4] * my;
    return 0;
}

/* Bounding box of the flagged matches on both sides (centre coordinates). */
static void inlier_boxes(const gmatch *mt, size_t n, const uint8_t *flags, double bs[4],
                         double br[4])
{
    bs[0] = br[0] = bs[1] = br[1] = INFINITY;
    bs[2] = br[2] = bs[3] = br[3] = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (!flags[k])
            continue;
        bs[0] = fmin(bs[0], mt[k].sx); bs[1] = fmin(bs[1], mt[k].sy);
        bs[2] = fmax(bs[2], mt[k].sx); bs[3] = fmax(bs[3], mt[k].sy);
        br[0] = fmin(br[0], mt[k].rx); br[1] = fmin(br[1], mt[k].ry);
        br[2] = fmax(br[2], mt[k].rx); br[3] = fmax(br[3], mt[k].ry);
    }
}

/* Fits one orientation into *r (fields of the transform in the fitted,
 * possibly mirrored, suspect frame: r->m is the affine or similarity of
 * mirrored coordinates until finish() composes the mirror). */
static void fit_one(lk_geo_matcher *m, const lk_geo_params *p, const lk_local_features *sus,
                    int mirrored, const lk_local_features *ref, lk_geo_result *r)
{
    const lk_hash256 *desc = mirrored ? sus->desc_mirror : sus->desc;
    size_t n = find_matches(m, p, sus, desc, mirrored, ref);
    sim s;
    memset(r, 0, sizeof *r);
    r->matches = (int)n;
    r->mirror = mirrored;
    int c = ransac(m, p, n, &s);
    if (c < 2)
        return;
    r->inliers = refine(m, p, n, &s, c);
    double dsum = 0, bs[4], br[4];
    for (size_t k = 0; k < n; k++)
        dsum += m->best[k] ? m->mt[k].dist : 0;
    r->mean_distance = dsum / r->inliers;
    r->scale = hypot(s.a, s.b);
    r->angle = atan2(s.b, s.a);
    double sm[6] = {s.a, -s.b, s.tx, s.b, s.a, s.ty};
    if (!p->affine || affine_fit(m->mt, n, m->best, r->m) < 0)
        memcpy(r->m, sm, sizeof sm);
    inlier_boxes(m->mt, n, m->best, bs, br);
    r->area_sus = (float)((bs[2] - bs[0]) * (bs[3] - bs[1]) / ((double)sus->width * sus->height));
    r->area_ref = (float)((br[2] - br[0]) * (br[3] - br[1]) / ((double)ref->width * ref->height));
}

/* Maps (x, y) by the 2x3 matrix t. */
static void map_pt(const double t[6], double x, double y, double *u, double *v)
{
    *u = t[0] * x + t[1] * y + t[2];
    *v = t[3] * x + t[4] * y + t[5];
}

/* Box (edge coordinates) of the picture w x h mapped by t, clipped to the
 * picture cw x ch it lands in; a zero box when they do not meet. */
static lk_geo_box mapped_box(const double t[6], double x0, double y0, double x1, double y1,
                             int cw, int ch)
{
    double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
    for (int k = 0; k < 4; k++) {
        double u, v;
        map_pt(t, k & 1 ? x1 : x0, k & 2 ? y1 : y0, &u, &v);
        lo_x = fmin(lo_x, u); hi_x = fmax(hi_x, u);
        lo_y = fmin(lo_y, v); hi_y = fmax(hi_y, v);
    }
    lo_x = fmax(lo_x, -0.5); lo_y = fmax(lo_y, -0.5);
    hi_x = fmin(hi_x, cw - 0.5); hi_y = fmin(hi_y, ch - 0.5);
    if (!(hi_x > lo_x && hi_y > lo_y))
        return (lk_geo_box){0, 0, 0, 0};
    return (lk_geo_box){(float)(lo_x + 0.5), (float)(lo_y + 0.5), (float)(hi_x - lo_x),
                        (float)(hi_y - lo_y)};
}

/* Composes the mirror into r->m, finds the regions, decides. */
static void finish(const lk_geo_params *p, const lk_local_features *sus,
                   const lk_local_features *ref, lk_geo_result *r)
{
    if (r->inliers < 2)
        return;
    if (r->mirror) { /* m o F with F(x, y) = (w - 1 - x, y) */
        double w1 = sus->width - 1.0, *t = r->m;
        t[2] += t[0] * w1;
        t[5] += t[3] * w1;
        t[0] = -t[0];
        t[3] = -t[3];
    }
    double *t = r->m, det = t[0] * t[4] - t[1] * t[3];
    if (!(fabs(det) > 1e-12))
        return;
    double inv[6] = {t[4] / det, -t[1] / det, 0, -t[3] / det, t[0] / det, 0};
    inv[2] = -(inv[0] * t[2] + inv[1] * t[5]);
    inv[5] = -(inv[3] * t[2] + inv[4] * t[5]);
    r->sus = mapped_box(inv, -0.5, -0.5, ref->width - 0.5, ref->height - 0.5, sus->width,
                        sus->height);
    r->ref = mapped_box(t, r->sus.x - 0.5, r->sus.y - 0.5, r->sus.x + r->sus.w - 0.5,
                        r->sus.y + r->sus.h - 0.5, ref->width, ref->height);
    int enough = r->inliers >= p->sure_inliers ||
                 (r->inliers >= p->min_inliers && r->inliers >= p->min_ratio * r->matches);
    r->verified = enough && r->area_sus >= p->min_area && r->area_ref >= p->min_area &&
                  r->sus.w > 0 && r->ref.w > 0;
}

LK_API int lk_geo_verify(lk_geo_matcher *m, const lk_geo_params *p,
                         const lk_local_features *sus, const lk_local_features *ref,
                         lk_geo_result *out)
{
    lk_geo_params def;
    if (!p) {
        lk_geo_params_default(&def);
        p = &def;
    }
    if (!m || !sus || !ref || !out)
        return LK_EINVAL;
    memset(out, 0, sizeof *out);
    LK_TRY(params_check(p));
    int mirror = p->mirror && sus->count;
    if (mirror && !sus->desc_mirror)
        return LK_EINVAL;
    if (!sus->count || !ref->count)
        return 0;
    LK_TRY(reserve(m, sus->count, ref->count));
    fit_one(m, p, sus, 0, ref, out);
    if (mirror) {
        lk_geo_result r2;
        fit_one(m, p, sus, 1, ref, &r2);
        if (r2.inliers > out->inliers)
            *out = r2;
    }
    finish(p, sus, ref, out);
    return out->verified;
}
