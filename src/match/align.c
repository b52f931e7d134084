/*
 * align.c — lk_match_align: from frame hits to per-work segments.
 *
 * Algorithm (helpers in chain.c, evidence and chance in evidence.c):
 *
 * 1. Validate, drop hits farther than the radius, and flatten each hit with
 *    its suspect time s and reference span [t0,t1] (a still shot merged in
 *    the index is one entry with a long span).  Sort by (work, file, frame,
 *    distance, ref): each (work, file) is a contiguous group.
 *
 * 2. Per group of a video reference with hits on >= 2 suspect frames (and a
 *    video suspect): keep as voters only hits with a partner (a hit on a
 *    later frame <= max_gap away whose reference step is reachable at an
 *    allowed speed; most chance hits have none, so noise costs nothing).
 *    Find lines r = v*s + c by Hough voting: for each speed bucket v (1.0,
 *    then 1 -+ 0.03 k within [min_speed, max_speed]), a hit votes for the
 *    1 s offset bins covering [t0 - v*s, t1 - v*s] (so a long still-shot
 *    span votes for every offset it is compatible with, capped at 64 bins);
 *    a bin counts DISTINCT suspect frames (votes arrive in frame order, a
 *    bin remembers its last voter).  The 48 best (speed, offset) cells with
 *    >= 2 frames are the candidate lines, best first (more frames, speed
 *    closer to 1, smaller offset).
 *
 * 3. Follow each candidate line in turn.  Band = per suspect frame, its
 *    closest unused hit whose span lies within 1 s of the line.  Converge:
 *    refit the line by least squares on the band's short-span hits (speed
 *    clamped to [min_speed, max_speed]; long spans do not pin a time) and
 *    take the band again, until it stops growing (a refit that loses frames
 *    is undone); this removes the speed quantisation and follows frame-rate
 *    changes.  Refocus: a sloped line can cross two parallel pieces (before
 *    and after inserted material); if consecutive band frames disagree with
 *    the line's step by > 0.75 s, refit on the longest agreeing piece and
 *    converge again.  The band is then split where consecutive frames are
 *    more than max_gap apart; each run of >= 2 frames becomes a segment
 *    (one hit per frame, in time order), and all its frames' hits within
 *    the band are consumed, so each hit feeds one segment and neighbouring
 *    entries cannot form a ghost copy.  Cuts, inserted material, excerpts
 *    from several places or works give lines with different offsets, hence
 *    several segments.  At most 4 * max_segments segments per group.
 *
 * 4. Stills.  A still reference has no time axis: frames matching it form
 *    runs split at gaps > max_gap (speed 0, r0 = r1 = its time).  A still
 *    suspect has one frame: each group contributes its closest hit.
 *
 * 5. Lone frames: the closest hit of a group left unused becomes a 1-frame
 *    segment (weak evidence for video; for stills it is all there is).
 *
 * 6. Per work: segments best first (chance, then frames, suspect time, file);
 *    kept unless (a) a segment of < 3 frames was already kept (chance hits
 *    and chance pairs must not add up), (b) more than half of its suspect
 *    frames are already covered by kept segments (a loop in the reference:
 *    the same frames matching several places), or (c) max_segments are
 *    kept.  A loop in the suspect (the same reference content shown again
 *    and again) gives one segment per repetition up to max_segments.  The
 *    work score combines the kept segments (score.c); the work's frames are
 *    the distinct suspect frames they cover.  Works best first (score, then
 *    work number), at most max_works.
 *
 * Cost: O(H log H) sort + O(paired hits * speed buckets) voting + O(group
 * size) per band pass.  Measured: 1200 frames x 50 hits (one 300 s copy
 * among random hits over 2000 works) about 12-15 ms of CPU (test_match).
 * Worst case: hits so dense that every frame hits the same 50 entries of
 * one file (generic frames) costs about 6 band passes per candidate line,
 * under 100 ms for 1200 frames.
 *
 * Invariants: no global state; `out` is either a complete result or empty.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "match/match_internal.h"

/* 0 if the parameters are usable, else LK_EINVAL. */
static int check_params(const lk_match_params *p)
{
    if (p->radius < 0 || p->radius > 256)
        return LK_EINVAL;
    if (!(p->min_speed > 0 && p->min_speed <= 1.0 && p->max_speed >= 1.0 && p->max_speed <= 4.0))
        return LK_EINVAL;
    if (!(p->max_gap > 0 && isfinite(p->max_gap)))
        return LK_EINVAL;
    if (!(p->min_score >= 0 && p->min_score <= 1 && p->style_threshold >= 0 &&
          p->style_threshold <= 1))
        return LK_EINVAL;
    if (p->max_works < 1 || p->max_segments < 1)
        return LK_EINVAL;
    return 0;
}

/* 0 if the suspect's frame times are finite and non-decreasing. */
static int check_times(const double *qt, size_t nq)
{
    for (size_t i = 0; i < nq; i++)
        if (!isfinite(qt[i]) || (i && qt[i] < qt[i - 1]))
            return LK_EINVAL;
    return 0;
}

static int check_args(const lk_match_params *p, const double *qt, size_t nq, int still,
                      const lk_hit *hits, size_t nhits, const lk_ref_frame *refs, size_t nrefs)
{
    if (!p || (nq && !qt) || (nhits && !hits) || (nrefs && !refs))
        return LK_EINVAL;
    if ((still != 0 && still != 1) || (still && nq > 1))
        return LK_EINVAL;
    if (nq > UINT32_MAX || nhits > UINT32_MAX)
        return LK_EINVAL;
    LK_TRY(check_params(p));
    return check_times(qt, nq);
}

/* Flattens the hits within the radius into ctx->it.  0, LK_EINVAL or LK_ENOMEM. */
static int build_items(lk_mctx *ctx, const double *qt, size_t nq, const lk_hit *hits,
                       size_t nhits, const lk_ref_frame *refs, size_t nrefs)
{
    size_t bytes; /* nhits <= UINT32_MAX (check_args): no overflow on 64-bit hosts */
    if (LK_NEVER(lk_mul_size(nhits ? nhits : 1, sizeof *ctx->it, &bytes) < 0))
        return LK_ENOMEM;
    ctx->it = lki_malloc(bytes);
    ctx->cand = lki_malloc((nhits ? nhits : 1) * sizeof *ctx->cand);
    if (!ctx->it || !ctx->cand)
        return LK_ENOMEM;
    for (size_t i = 0; i < nhits; i++) {
        const lk_hit *h = &hits[i];
        if (h->query >= nq || h->ref >= nrefs || h->variant > 7)
            return LK_EINVAL;
        const lk_ref_frame *r = &refs[h->ref];
        if (!(isfinite(r->t0) && isfinite(r->t1) && r->t0 >= 0 && r->t1 >= r->t0))
            return LK_EINVAL;
        LK_TESTCASE(h->distance == ctx->p->radius);
        if (h->distance > ctx->p->radius && !h->inliers)
            continue;
        /* a verified local match sorts after every PDQ match of its frame
         * (whose times are exact): its evidence is its inlier count */
        uint16_t dist = (uint16_t)LK_MIN(h->distance, ctx->p->radius);
        ctx->it[ctx->nit++] = (lk_mitem){
            .s = qt[h->query], .t0 = r->t0, .t1 = r->t1, .work = r->work,
            .file = r->file, .query = h->query, .ref = h->ref, .dist = dist,
            .variant = h->variant, .inliers = h->inliers, .used = 0,
            .rstill = r->still ? 1 : 0};
    }
    return 0;
}

/* Every hit by suspect frame (distance and work), for the evidence model's
 * "other places" of a frame (lki_match_others).  0 or LK_ENOMEM. */
static int build_frame_hits(lk_mctx *ctx)
{
    ctx->qoff = lki_calloc(ctx->nq + 1, sizeof *ctx->qoff);
    ctx->qhit = lki_malloc((ctx->nit ? ctx->nit : 1) * sizeof *ctx->qhit);
    if (!ctx->qoff || !ctx->qhit)
        return LK_ENOMEM;
    for (size_t i = 0; i < ctx->nit; i++)
        ctx->qoff[ctx->it[i].query + 1]++;
    for (size_t q = 0; q < ctx->nq; q++)
        ctx->qoff[q + 1] += ctx->qoff[q];
    for (size_t i = 0; i < ctx->nit; i++) {
        const lk_mitem *x = &ctx->it[i];
        ctx->qhit[ctx->qoff[x->query]++] = (struct lk_mqhit){x->dist, x->work};
    }
    for (size_t q = ctx->nq; q > 0; q--) /* back to the starts */
        ctx->qoff[q] = ctx->qoff[q - 1];
    ctx->qoff[0] = 0;
    return 0;
}

double lki_match_others(const lk_mctx *ctx, const lk_mitem *x)
{
    int dmax = x->dist + lki_ev_slack();
    uint32_t n = 0;
    for (uint32_t k = ctx->qoff[x->query]; k < ctx->qoff[x->query + 1]; k++)
        n += ctx->qhit[k].work != x->work && ctx->qhit[k].dist <= dmax;
    return n;
}

#define CMP(a, b) do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } while (0)

/* Sort key of an item: (work, file), (query, distance), (ref, index). */
typedef struct item_key {
    uint64_t a, b, c;
} item_key;

static int key_less(const item_key *x, const item_key *y)
{
    if (x->a != y->a)
        return x->a < y->a;
    if (x->b != y->b)
        return x->b < y->b;
    return x->c < y->c;
}

static void key_swap(item_key *x, item_key *y)
{
    item_key t = *x;
    *x = *y;
    *y = t;
}

/* Quicksort (median of three, insertion sort below 16) on distinct keys;
 * recursion on the smaller side only, so the depth stays O(log n). */
static void key_sort(item_key *k, size_t n)
{
    while (n > 16) {
        size_t m = n / 2;
        if (key_less(&k[m], &k[0])) key_swap(&k[m], &k[0]);
        if (key_less(&k[n - 1], &k[0])) key_swap(&k[n - 1], &k[0]);
        if (key_less(&k[n - 1], &k[m])) key_swap(&k[n - 1], &k[m]);
        item_key pivot = k[m];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (key_less(&k[i], &pivot)) i++;
            while (key_less(&pivot, &k[j])) j--;
            if (i >= j)
                break;
            key_swap(&k[i++], &k[j--]);
        }
        size_t left = j + 1;
        if (left < n - left) {
            key_sort(k, left);
            k += left;
            n -= left;
        } else {
            key_sort(k + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && key_less(&k[j], &k[j - 1]); j--)
            key_swap(&k[j], &k[j - 1]);
}

/* Sorts ctx->it by (work, file, query, distance, ref).  0 or LK_ENOMEM. */
static int sort_items(lk_mctx *ctx)
{
    size_t n = ctx->nit;
    /* the item's index rides in the low 32 bits of its key */
    if (LK_NEVER(n > UINT32_MAX))
        return LK_ETOOBIG;
    item_key *k = lki_malloc((n ? n : 1) * sizeof *k);
    lk_mitem *sorted = lki_malloc((n ? n : 1) * sizeof *sorted);
    if (!k || !sorted) {
        lki_free(k);
        lki_free(sorted);
        return LK_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const lk_mitem *x = &ctx->it[i];
        k[i] = (item_key){(uint64_t)x->work << 32 | x->file,
                          (uint64_t)x->query << 16 | x->dist, (uint64_t)x->ref << 32 | i};
    }
    key_sort(k, n);
    for (size_t i = 0; i < n; i++)
        sorted[i] = ctx->it[(uint32_t)k[i].c];
    lki_free(k);
    lki_free(ctx->it);
    ctx->it = sorted;
    return 0;
}

/* Segments of one work best first; a total order on distinct segments. */
static int seg_cmp(const void *pa, const void *pb)
{
    const lk_segment *a = &((const lk_mseg *)pa)->seg, *b = &((const lk_mseg *)pb)->seg;
    CMP(a->work, b->work);
    CMP(a->chance, b->chance);
    CMP(b->frames, a->frames);
    CMP(a->s0, b->s0);
    CMP(a->file, b->file);
    CMP(a->r0, b->r0);
    CMP(a->best_ref, b->best_ref);
    return 0;
}

static int work_cmp(const void *pa, const void *pb)
{
    const lk_work_match *a = pa, *b = pb;
    CMP(a->chance, b->chance);
    CMP(a->work, b->work);
    return 0;
}

/* Runs the chain finder over every (work, file) group. */
static int all_groups(lk_mctx *ctx)
{
    size_t g0 = 0;
    while (g0 < ctx->nit) {
        size_t g1 = g0 + 1;
        while (g1 < ctx->nit && ctx->it[g1].work == ctx->it[g0].work &&
               ctx->it[g1].file == ctx->it[g0].file)
            g1++;
        LK_TRY(lki_match_group(ctx, g0, g1));
        g0 = g1;
    }
    return 0;
}

/*
 * Selects the kept segments of the work segs[a..b) (sorted best first) into
 * w (segs copied), its score and its distinct frames (stamp: per suspect
 * frame, the last work that counted it).  0 or LK_ENOMEM.
 */
static int build_work(const lk_mctx *ctx, size_t a, size_t b, uint32_t *stamp, uint32_t id,
                      lk_work_match *w)
{
    size_t keep = 0, nmax = LK_MIN(b - a, (size_t)ctx->p->max_segments);
    w->work = ctx->segs[a].seg.work;
    w->segs = lki_malloc(nmax * sizeof *w->segs);
    if (!w->segs)
        return LK_ENOMEM;
    int weak = 0;
    for (size_t i = a; i < b && keep < nmax; i++) {
        const lk_mseg *m = &ctx->segs[i];
        if (m->seg.frames < LK_MATCH_WEAK_FRAMES && weak++)
            continue; /* one weak segment at most: chance hits must not add up */
        size_t covered = 0;
        for (size_t k = m->p0; k < m->p1; k++)
            covered += stamp[ctx->it[ctx->picks[k]].query] == id;
        if (2 * covered > m->p1 - m->p0)
            continue; /* the same suspect frames again (a loop in the reference) */
        w->segs[keep++] = m->seg;
        for (size_t k = m->p0; k < m->p1; k++) {
            uint32_t q = ctx->it[ctx->picks[k]].query;
            if (stamp[q] != id) {
                stamp[q] = id;
                w->frames++;
            }
        }
    }
    w->nsegs = keep;
    w->chance = lki_ev_work_chance(w->segs, keep);
    w->score = lk_match_score_of_chance(w->chance);
    return 0;
}

/* Builds out from ctx->segs.  0 or LK_ENOMEM. */
static int assemble(lk_mctx *ctx, size_t nq, lk_match_result *out)
{
    if (!ctx->nsegs)
        return 0;
    qsort(ctx->segs, ctx->nsegs, sizeof *ctx->segs, seg_cmp);
    size_t nw = 1;
    for (size_t i = 1; i < ctx->nsegs; i++)
        nw += ctx->segs[i].seg.work != ctx->segs[i - 1].seg.work;
    uint32_t *stamp = lki_calloc(nq ? nq : 1, sizeof *stamp);
    out->works = lki_calloc(nw, sizeof *out->works);
    if (!stamp || !out->works) {
        lki_free(stamp);
        return LK_ENOMEM;
    }
    int rc = 0;
    for (size_t a = 0, w = 0; a < ctx->nsegs && !rc; w++) {
        size_t b = a + 1;
        while (b < ctx->nsegs && ctx->segs[b].seg.work == ctx->segs[a].seg.work)
            b++;
        LK_ASSERT(w < nw);
        rc = build_work(ctx, a, b, stamp, (uint32_t)w + 1, &out->works[w]);
        out->nworks = w + 1;
        a = b;
    }
    lki_free(stamp);
    if (rc)
        return rc;
    qsort(out->works, out->nworks, sizeof *out->works, work_cmp);
    while (out->nworks > (size_t)ctx->p->max_works) {
        out->nworks--;
        lk_freep(&out->works[out->nworks].segs);
    }
    return 0;
}

static void ctx_free(lk_mctx *ctx)
{
    lki_free(ctx->it);
    lki_free(ctx->cand);
    lki_free(ctx->tab);
    lki_free(ctx->segs);
    lki_free(ctx->picks);
    lki_free(ctx->qoff);
    lki_free(ctx->qhit);
}

LK_API long lk_match_align(const lk_match_params *p, const double *qtimes, size_t nq,
                           int suspect_still, const lk_hit *hits, size_t nhits,
                           const lk_ref_frame *refs, size_t nrefs, lk_match_result *out)
{
    if (!out)
        return LK_EINVAL;
    lk_match_release(out);
    LK_TRY(check_args(p, qtimes, nq, suspect_still, hits, nhits, refs, nrefs));
    lk_mctx ctx = {.p = p, .still_q = suspect_still, .nq = nq};
    lki_match_speeds(&ctx);
    lki_ev_near_table(p, ctx.nb);
    int rc = build_items(&ctx, qtimes, nq, hits, nhits, refs, nrefs);
    if (!rc)
        rc = build_frame_hits(&ctx);
    if (!rc)
        rc = sort_items(&ctx);
    if (!rc)
        rc = all_groups(&ctx);
    if (!rc)
        rc = assemble(&ctx, nq, out);
    ctx_free(&ctx);
    if (rc) {
        lk_match_release(out);
        return rc;
    }
    return (long)out->nworks;
}

LK_API void lk_match_release(lk_match_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nworks; i++)
        lki_free(r->works[i].segs);
    lki_free(r->works);
    r->works = NULL;
    r->nworks = 0;
}
