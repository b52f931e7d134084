/*
 * chain.c — the segments of one (work, file) group of hits: Hough voting
 * for candidate lines r = v*s + c, band extraction around each line with a
 * least-squares refit, splitting at suspect gaps, and the still and lone
 * frame cases.  The overall algorithm is described in align.c.
 *
 * Invariants: the group's items are sorted by (query, distance, ref), so
 * votes and band members arrive in suspect-frame order and the first item
 * of a frame is its closest hit; an item is used by at most one segment;
 * everything is deterministic (ties are broken by speed bucket, offset,
 * frame, distance, ref — never by hash or allocation order).
 */
#include <math.h>
#include <string.h>
#include "common/common.h"
#include "match/match_internal.h"

/* Distance in seconds from the line's reference time to the item's span. */
static double line_dist(const lk_mitem *x, double v, double c)
{
    double r = v * x->s + c;
    return r < x->t0 ? x->t0 - r : r > x->t1 ? r - x->t1 : 0.0;
}

void lki_match_speeds(lk_mctx *ctx)
{
    const lk_match_params *p = ctx->p;
    const double step = LK_MATCH_SPEED_STEP, eps = 1e-9;
    double lo = 1.0, hi = 1.0;
    int n = 0;
    ctx->speeds[n++] = 1.0;
    for (int j = 1; n < LK_MATCH_MAX_SPEEDS - 2; j++) {
        int any = 0;
        if (1.0 - j * step >= p->min_speed - eps) {
            ctx->speeds[n++] = lo = 1.0 - j * step;
            any = 1;
        }
        if (1.0 + j * step <= p->max_speed + eps && n < LK_MATCH_MAX_SPEEDS - 2) {
            ctx->speeds[n++] = hi = 1.0 + j * step;
            any = 1;
        }
        if (!any)
            break;
    }
    if (lo - p->min_speed > step / 4)
        ctx->speeds[n++] = p->min_speed;
    if (p->max_speed - hi > step / 4)
        ctx->speeds[n++] = p->max_speed;
    ctx->nspeeds = n;
}

/* ---- voting -------------------------------------------------------- */

/* Offset bins [*lo, *hi] an item votes for at speed v. */
static void item_bins(const lk_mitem *x, double v, int64_t *lo, int64_t *hi)
{
    *lo = (int64_t)floor((x->t0 - v * x->s) / LK_MATCH_BIN);
    *hi = (int64_t)floor((x->t1 - v * x->s) / LK_MATCH_BIN);
    if (*hi - *lo >= LK_MATCH_SPAN_BINS)
        *hi = *lo + LK_MATCH_SPAN_BINS - 1;
}

/*
 * Marks the items that have a partner: a hit on another, later frame at
 * most max_gap away whose reference step is reachable at some allowed
 * speed.  Only such items can be part of a chain, so only they vote (most
 * chance hits have none).  The forward scan stops at the first partner.
 * Returns the number of marked items.
 */
static size_t pair_up(lk_mctx *ctx, size_t g0, size_t g1)
{
    const lk_match_params *p = ctx->p;
    size_t n = 0;
    for (size_t i = g0; i < g1; i++) {
        lk_mitem *a = &ctx->it[i];
        for (size_t j = i + 1; j < g1 && ctx->it[j].s - a->s <= p->max_gap; j++) {
            lk_mitem *b = &ctx->it[j];
            double ds = b->s - a->s;
            if (ds <= 0 || p->max_speed * ds + LK_MATCH_TOL < b->t0 - a->t1 ||
                p->min_speed * ds - LK_MATCH_TOL > b->t1 - a->t0)
                continue;
            n += !a->paired + !b->paired;
            a->paired = b->paired = 1;
            break;
        }
    }
    return n;
}

/* Sizes the vote table for the group: *cap slots (a power of two, at
 * least twice the votes of one speed bucket).  0 or LK_ENOMEM. */
static int vote_table(lk_mctx *ctx, size_t g0, size_t g1, size_t *cap)
{
    size_t votes = 0;
    for (size_t i = g0; i < g1; i++) {
        if (!ctx->it[i].paired)
            continue;
        double span = (ctx->it[i].t1 - ctx->it[i].t0) / LK_MATCH_BIN + 2;
        votes += span < LK_MATCH_SPAN_BINS ? (size_t)span : LK_MATCH_SPAN_BINS;
    }
    *cap = 16;
    while (*cap < 2 * votes)
        *cap *= 2;
    if (*cap > ctx->tabcap) {
        lki_free(ctx->tab);
        ctx->tab = lki_malloc(*cap * sizeof *ctx->tab);
        ctx->tabcap = ctx->tab ? *cap : 0;
        if (!ctx->tab)
            return LK_ENOMEM;
    }
    return 0;
}

/* Counts frame @p q once in bin @p bin of a table of @p cap slots. */
static void vote_one(lk_mvote *tab, size_t cap, int64_t bin, uint32_t q)
{
    size_t h = (size_t)(((uint64_t)bin * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
    while (tab[h].count && tab[h].bin != bin)
        h = (h + 1) & (cap - 1);
    if (!tab[h].count) {
        tab[h].bin = bin;
        tab[h].count = 1;
        tab[h].lastq = q;
    } else if (tab[h].lastq != q) {
        tab[h].count++;
        tab[h].lastq = q;
    }
}

/* Strict order of candidate lines: more votes, speed closer to 1, smaller offset. */
static int peak_better(const lk_mpeak *a, const lk_mpeak *b)
{
    if (a->count != b->count)
        return a->count > b->count;
    if (a->bucket != b->bucket)
        return a->bucket < b->bucket;
    return a->c < b->c;
}

/* Keeps the LK_MATCH_MAX_PEAKS best lines, best first. */
static void peak_offer(lk_mctx *ctx, const lk_mpeak *pk)
{
    int n = ctx->npeaks;
    LK_TESTCASE(n == LK_MATCH_MAX_PEAKS); /* full: the worst peak may be dropped */
    if (n == LK_MATCH_MAX_PEAKS) {
        if (!peak_better(pk, &ctx->peaks[n - 1]))
            return;
        n--;
    }
    int i = n;
    while (i > 0 && peak_better(pk, &ctx->peaks[i - 1])) {
        ctx->peaks[i] = ctx->peaks[i - 1];
        i--;
    }
    ctx->peaks[i] = *pk;
    ctx->npeaks = n + 1;
}

/* Votes every speed bucket and fills ctx->peaks.  0 or LK_ENOMEM. */
static int vote(lk_mctx *ctx, size_t g0, size_t g1)
{
    size_t cap;
    LK_TRY(vote_table(ctx, g0, g1, &cap));
    ctx->npeaks = 0;
    for (int k = 0; k < ctx->nspeeds; k++) {
        double v = ctx->speeds[k];
        memset(ctx->tab, 0, cap * sizeof *ctx->tab);
        for (size_t i = g0; i < g1; i++) {
            int64_t lo, hi;
            if (!ctx->it[i].paired)
                continue;
            item_bins(&ctx->it[i], v, &lo, &hi);
            for (int64_t b = lo; b <= hi; b++)
                vote_one(ctx->tab, cap, b, ctx->it[i].query);
        }
        for (size_t h = 0; h < cap; h++) {
            if (ctx->tab[h].count < 2)
                continue;
            lk_mpeak pk = {v, (ctx->tab[h].bin + 0.5) * LK_MATCH_BIN, ctx->tab[h].count, k};
            peak_offer(ctx, &pk);
        }
    }
    return 0;
}

/* ---- band extraction ------------------------------------------------ */

/* ctx->cand = the closest unused hit of each frame within @p tol of the line. */
static void band(lk_mctx *ctx, size_t g0, size_t g1, double v, double c, double tol)
{
    int open = 0; /* the last candidate's frame is the current frame */
    ctx->ncand = 0;
    for (size_t i = g0; i < g1; i++) {
        const lk_mitem *x = &ctx->it[i];
        if (i > g0 && x->query != ctx->it[i - 1].query)
            open = 0;
        if (line_dist(x, v, c) > tol || x->used || open)
            continue; /* off the line, or an earlier item of this frame is closer */
        ctx->cand[ctx->ncand++] = (uint32_t)i;
        open = 1;
    }
}

/*
 * Refits the line on the band: least squares of the span centre on the
 * suspect time over hits with short spans (long spans do not pin a time),
 * the speed clamped to [min_speed, max_speed]; with too little spread in
 * suspect time only the offset is refitted; with no short span nothing.
 */
static void fit(const lk_mctx *ctx, double *v, double *c)
{
    double n = 0, mx = 0, my = 0, sxx = 0, sxy = 0;
    for (size_t k = 0; k < ctx->ncand; k++) {
        const lk_mitem *x = &ctx->it[ctx->cand[k]];
        if (x->t1 - x->t0 <= LK_MATCH_BIN) {
            n++;
            mx += x->s;
            my += 0.5 * (x->t0 + x->t1);
        }
    }
    if (n == 0)
        return;
    mx /= n;
    my /= n;
    for (size_t k = 0; k < ctx->ncand; k++) {
        const lk_mitem *x = &ctx->it[ctx->cand[k]];
        if (x->t1 - x->t0 <= LK_MATCH_BIN) {
            sxx += (x->s - mx) * (x->s - mx);
            sxy += (x->s - mx) * (0.5 * (x->t0 + x->t1) - my);
        }
    }
    if (n >= 3 && sxx / n >= 1.0) {
        double vv = sxy / sxx;
        *v = LK_MIN(LK_MAX(vv, ctx->p->min_speed), ctx->p->max_speed);
    }
    *c = my - *v * mx;
}

/* ---- segments ------------------------------------------------------- */

/* Room for one more segment and @p n picks; 0 or LK_ENOMEM. */
static int reserve(lk_mctx *ctx, size_t n)
{
    if (ctx->nsegs == ctx->segcap) {
        size_t cap = ctx->segcap ? 2 * ctx->segcap : 64;
        lk_mseg *s = lki_realloc(ctx->segs, cap * sizeof *s);
        if (!s)
            return LK_ENOMEM;
        ctx->segs = s;
        ctx->segcap = cap;
    }
    if (ctx->npicks + n > ctx->pickcap) {
        size_t cap = ctx->pickcap ? 2 * ctx->pickcap : 1024;
        while (cap < ctx->npicks + n)
            cap *= 2;
        uint32_t *p = lki_realloc(ctx->picks, cap * sizeof *p);
        if (!p)
            return LK_ENOMEM;
        ctx->picks = p;
        ctx->pickcap = cap;
    }
    return 0;
}

/*
 * Statistics of picks: mean PDQ distance (of the picks PDQ found), dominant variant, closest match, and
 * the evidence (evidence.c): the sum of the picks' lambda; the first pick
 * starts the line, a later one reaches a new entry (its span starts after
 * every earlier pick's span ends) or repeats one (a held shot, a slow pan
 * collapsed into one entry), and the model weighs the three differently.
 */
static double seg_stats(const lk_mctx *ctx, const uint32_t *pk, size_t n, int still,
                        lk_segment *g)
{
    int vcount[8] = {0};
    double sum = 0, llr = 0, reach = -INFINITY;
    size_t best = 0, npdq = 0;
    for (size_t k = 0; k < n; k++) {
        const lk_mitem *x = &ctx->it[pk[k]];
        if (!x->inliers) { /* a verified local match has no PDQ distance */
            sum += x->dist;
            npdq++;
        }
        vcount[x->variant & 7]++;
        if (x->dist < ctx->it[pk[best]].dist)
            best = k;
        int kind = k == 0 ? LKI_EV_FIRST : x->t0 > reach ? LKI_EV_LINE : LKI_EV_REPEAT;
        llr += lki_ev_frame_llr_nb(ctx->p, ctx->nb, x->dist, x->inliers,
                                   lki_match_others(ctx, x), still, kind);
        reach = LK_MAX(reach, x->t1);
    }
    /* found by local features alone: half the radius, a conservative stand-in */
    g->distance = npdq ? sum / (double)npdq : ctx->p->radius / 2.0;
    g->local_frames = (int)(n - npdq);
    g->variant = 0;
    for (int v = 1; v < 8; v++)
        if (vcount[v] > vcount[g->variant])
            g->variant = v;
    g->best_query = ctx->it[pk[best]].query;
    g->best_ref = ctx->it[pk[best]].ref;
    return llr;
}

/*
 * Appends a segment made of the @p n picks @p pk (suspect-time order) and
 * marks them used.  @p line says whether (v, c) is a fitted line (video
 * against video, n >= 2); otherwise the reference range is the entries'
 * spans and the speed is 0.
 */
static int emit(lk_mctx *ctx, const uint32_t *pk, size_t n, int line,
                double v, double c)
{
    LK_TRY(reserve(ctx, n));
    lk_mseg *m = &ctx->segs[ctx->nsegs++];
    lk_segment *g = &m->seg;
    const lk_mitem *first = &ctx->it[pk[0]];
    memset(m, 0, sizeof *m);
    g->work = first->work;
    g->file = first->file;
    g->s0 = first->s;
    g->s1 = ctx->it[pk[n - 1]].s;
    g->r0 = INFINITY;
    g->r1 = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        lk_mitem *x = &ctx->it[pk[k]];
        double r = LK_MIN(LK_MAX(v * x->s + c, x->t0), x->t1);
        g->r0 = LK_MIN(g->r0, line ? r : x->t0);
        g->r1 = LK_MAX(g->r1, line ? r : x->t1);
        x->used = 1;
        ctx->picks[ctx->npicks + k] = pk[k];
    }
    m->p0 = ctx->npicks;
    m->p1 = ctx->npicks += n;
    g->speed = line ? v : 0.0;
    g->frames = (int)n;
    int still = ctx->still_q || first->rstill;
    g->llr = seg_stats(ctx, pk, n, still, g);
    g->chance = lki_ev_chance(ctx->p, g->llr, ctx->nq, still);
    g->score = lk_match_score_of_chance(g->chance);
    return 0;
}

/* Marks used every hit within @p tol of the line for frames in [qa, qb]. */
static void consume(lk_mctx *ctx, size_t g0, size_t g1, uint32_t qa, uint32_t qb,
                    double v, double c, double tol)
{
    for (size_t i = g0; i < g1; i++) {
        lk_mitem *x = &ctx->it[i];
        if (x->query >= qa && x->query <= qb && line_dist(x, v, c) <= tol)
            x->used = 1;
    }
}

/* Splits ctx->cand at suspect gaps > max_gap; emits runs of >= 2 frames. */
static int runs(lk_mctx *ctx, size_t g0, size_t g1, double v, double c)
{
    size_t a = 0, n = ctx->ncand;
    for (size_t b = 1; b <= n; b++) {
        if (b < n && ctx->it[ctx->cand[b]].s - ctx->it[ctx->cand[b - 1]].s <= ctx->p->max_gap)
            continue;
        if (b - a >= 2) {
            uint32_t qa = ctx->it[ctx->cand[a]].query, qb = ctx->it[ctx->cand[b - 1]].query;
            LK_TRY(emit(ctx, ctx->cand + a, b - a, 1, v, c));
            consume(ctx, g0, g1, qa, qb, v, c, LK_MATCH_TOL);
        }
        a = b;
    }
    return 0;
}

/* Refits and re-bands until the band stops growing (a refit that loses
 * frames is undone); ctx->cand is the band of the final (*v, *c). */
static void converge(lk_mctx *ctx, size_t g0, size_t g1, double *v, double *c)
{
    for (int iter = 0; iter < 4; iter++) {
        size_t before = ctx->ncand;
        double v2 = *v, c2 = *c;
        fit(ctx, &v2, &c2);
        band(ctx, g0, g1, v2, c2, LK_MATCH_TOL);
        if (ctx->ncand < before) {
            band(ctx, g0, g1, *v, *c, LK_MATCH_TOL);
            return;
        }
        int same = ctx->ncand == before && fabs(v2 - *v) < 1e-6 && fabs(c2 - *c) < 1e-6;
        *v = v2;
        *c = c2;
        if (same)
            return;
    }
}

/* 1 if going from hit a to the later hit b advances the reference by
 * v * (s_b - s_a) within LK_MATCH_STEP_TOL (spans widen the allowed step). */
static int step_ok(const lk_mitem *a, const lk_mitem *b, double v)
{
    double e = v * (b->s - a->s), lo = b->t0 - a->t1, hi = b->t1 - a->t0;
    double d = e < lo ? lo - e : e > hi ? e - hi : 0.0;
    return d <= LK_MATCH_STEP_TOL;
}

/* The longest piece [*a, *b) of ctx->cand whose consecutive steps agree with v. */
static void longest_piece(const lk_mctx *ctx, double v, size_t *a, size_t *b)
{
    size_t start = 0;
    *a = *b = 0;
    for (size_t k = 1; k <= ctx->ncand; k++) {
        if (k < ctx->ncand && step_ok(&ctx->it[ctx->cand[k - 1]], &ctx->it[ctx->cand[k]], v))
            continue;
        if (k - start > *b - *a) {
            *a = start;
            *b = k;
        }
        start = k;
    }
}

/*
 * Follows one candidate line: band, converge; if the band is made of
 * pieces whose steps disagree with the line (a sloped line crossing two
 * parallel segments, e.g. around inserted material), refocus on the
 * longest piece and converge again; then emit the runs.
 */
static int follow(lk_mctx *ctx, size_t g0, size_t g1, const lk_mpeak *pk)
{
    double v = pk->v, c = pk->c;
    band(ctx, g0, g1, v, c, LK_MATCH_TOL);
    if (ctx->ncand < 2)
        return 0;
    converge(ctx, g0, g1, &v, &c);
    for (int iter = 0; iter < 3; iter++) {
        size_t a, b;
        longest_piece(ctx, v, &a, &b);
        if (b - a == ctx->ncand || b - a < 3)
            break;
        memmove(ctx->cand, ctx->cand + a, (b - a) * sizeof *ctx->cand);
        ctx->ncand = b - a;
        fit(ctx, &v, &c);
        band(ctx, g0, g1, v, c, LK_MATCH_TOL);
        converge(ctx, g0, g1, &v, &c);
    }
    return runs(ctx, g0, g1, v, c);
}

/* Still reference: runs of frames on the picture, gaps <= max_gap. */
static int still_runs(lk_mctx *ctx, size_t g0, size_t g1)
{
    ctx->ncand = 0;
    for (size_t i = g0; i < g1; i++)
        if (!ctx->ncand || ctx->it[ctx->cand[ctx->ncand - 1]].query != ctx->it[i].query)
            ctx->cand[ctx->ncand++] = (uint32_t)i;
    size_t a = 0, n = ctx->ncand;
    for (size_t b = 1; b <= n; b++) {
        if (b < n && ctx->it[ctx->cand[b]].s - ctx->it[ctx->cand[b - 1]].s <= ctx->p->max_gap)
            continue;
        if (b - a >= 2)
            LK_TRY(emit(ctx, ctx->cand + a, b - a, 0, 0.0, 0.0));
        a = b;
    }
    return 0;
}

/* The closest unused hit of the group as a lone-frame segment. */
static int lone(lk_mctx *ctx, size_t g0, size_t g1)
{
    size_t best = g1;
    for (size_t i = g0; i < g1; i++)
        if (!ctx->it[i].used && (best == g1 || ctx->it[i].dist < ctx->it[best].dist))
            best = i;
    if (best == g1)
        return 0;
    uint32_t one = (uint32_t)best;
    return emit(ctx, &one, 1, 0, 0.0, 0.0);
}

int lki_match_group(lk_mctx *ctx, size_t g0, size_t g1)
{
    int frames = ctx->it[g0].query != ctx->it[g1 - 1].query;
    if (frames && !ctx->still_q) {
        if (ctx->it[g0].rstill) {
            LK_TRY(still_runs(ctx, g0, g1));
        } else {
            size_t first = ctx->nsegs, limit = 4 * (size_t)ctx->p->max_segments;
            if (pair_up(ctx, g0, g1) < 2)
                return lone(ctx, g0, g1);
            LK_TRY(vote(ctx, g0, g1));
            for (int k = 0; k < ctx->npeaks && ctx->nsegs - first < limit; k++)
                LK_TRY(follow(ctx, g0, g1, &ctx->peaks[k]));
        }
    }
    return lone(ctx, g0, g1);
}
