/*
 * local_scan.c — local features in the scan: the index's local sets
 * loaded once per scanner into contiguous arrays with a voting index
 * (likeness/search.h: lk_vote_index), and per sampled suspect frame its
 * LKI_SUS_KEYPOINTS keypoints (and their mirrored descriptors) voting for
 * indexed frames, the LKI_CANDIDATES best verified by a geometric fit
 * (likeness/geometry.h, default parameters).  A verified frame enters the
 * temporal alignment as an lk_hit beside the PDQ hits (inliers set,
 * distance LKI_LOCAL_DISTANCE(radius)), and the segments it falls in carry
 * its matched regions.
 *
 * Choices, measured on 34 hard suspects of 7 references of the accuracy
 * corpus (seed 1: crops, reframings, insets, screenshots, letterboxes,
 * occlusions; found = a match of the right work), thread CPU of
 * `scan --jobs 1`, against 13.4 s and 15 found without local features:
 *   vote radius 31, all keypoints, 4 candidates   27 found  57.6 s
 *   radius 24, every 2nd keypoint, 2 candidates   27        26.7 s
 *   the same, stills with every keypoint and 4    30        30.8 s
 *   radius 16, likewise                           30        21.7 s
 *   radius 15 (no substring radius 1)             27        21.2 s
 *   local features on every 2nd video frame only  27        27.2 s (r 24)
 * At radius 16 a frame cost 1.8 ms extracting, 3.2 ms voting (MIH over
 * 22k descriptors: probing and verifying candidates; ORB-like bits are
 * clustered, so buckets are fuller than uniform data's) and 1.4 ms
 * verifying.  On the index of all 53 references (255k descriptors) MIH
 * voting made the scan 8x slower, so votes now come from exact 16-bit
 * substring tables at radius 15 (src/search/vote.c) with crowded buckets
 * left out: against 12.3 s and 15 found without local features,
 *   bucket cap 8 x mean + 16                      26 found  28.0 s
 *   cap 24                                        26        24.2 s
 *   cap 12                                        25        20.1 s
 *   cap 4 x mean + 8 (~24), SIMD distances (this) 27        19.2 s
 * Voting needs only a share of the true matches (the fit then matches
 * within 64 bits, geometry.c).
 *
 * Invariants: the loaded arrays and the voting index never change after
 * lki_scanner_local_open; set i's descriptors and keypoints are
 * desc[sets[i].off ..] and kp[sets[i].off ..], count of them; set_of maps
 * every descriptor back to its set; sets are in increasing search
 * position.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

#define LKI_SUS_KEYPOINTS 600 /* suspect keypoints (src/features/local.c) */
#define LKI_VOTE_RADIUS 15    /* descriptor match radius of a vote */
/* Substring buckets fuller than 4 times the mean (n / 65536) plus 8 are
 * not probed (lk_vote_index_query's max_bucket). */
#define LKI_BUCKET_CAP(n) (4 * (n) / 65536 + 8)
#define LKI_VIDEO_STRIDE 2    /* a video frame votes with every 2nd keypoint */
#define LKI_VOTE_MAX_HITS 32  /* a descriptor matching more does not vote */
#define LKI_MIN_VOTES 6       /* fewer votes than this: not a candidate */
#define LKI_CANDIDATES 4      /* candidates verified for a still ... */
#define LKI_VIDEO_CANDIDATES 2 /* ... and per video frame */
/* The distance a verified local match stands in for: conservative (half
 * the radius), since its strength is in lk_hit.inliers. */
#define LKI_LOCAL_DISTANCE(radius) ((radius) / 2)

struct lki_local_set {
    uint32_t pos;          /* search position of its entry */
    uint32_t off, count;   /* descriptors desc[off .. off + count) */
    int width, height;     /* picture the keypoints are in */
};

struct lki_local_db {
    lk_hash256 *desc;      /* every set's descriptors */
    uint32_t *set_of;      /* set of each descriptor */
    lk_keypoint *kp;       /* keypoint of each descriptor */
    size_t n, cap;
    struct lki_local_set *sets;
    size_t nsets, setcap;
    lk_vote_index *vote;
    size_t max_bucket;     /* substring buckets fuller than this are not probed */
    size_t basis;          /* descriptors max_bucket is taken from (>= n) */
    lk_local_features tmp; /* unpacking scratch while loading */
};

struct lki_local_worker {
    lk_local_extractor *lx;
    lk_geo_matcher *gm;
    lk_local_features sus; /* the frame's features */
    lk_hash256 *q;         /* its descriptors then its mirrored ones */
    size_t qcap;
    lk_hits scratch;       /* descriptor matches */
};

/* ---- loading ---- */

static int db_reserve(struct lki_local_db *db, size_t more)
{
    if (db->nsets == db->setcap) {
        size_t cap = db->setcap ? 2 * db->setcap : 256;
        struct lki_local_set *v = lki_realloc(db->sets, cap * sizeof *v);
        if (!v)
            return LK_ENOMEM;
        db->sets = v, db->setcap = cap;
    }
    if (db->n + more <= db->cap)
        return 0;
    size_t cap = db->cap ? 2 * db->cap : 65536;
    while (cap < db->n + more)
        cap *= 2;
    lk_hash256 *d = lki_realloc(db->desc, cap * sizeof *d);
    if (d)
        db->desc = d;
    uint32_t *so = lki_realloc(db->set_of, cap * sizeof *so);
    if (so)
        db->set_of = so;
    lk_keypoint *kp = lki_realloc(db->kp, cap * sizeof *kp);
    if (kp)
        db->kp = kp;
    if (!d || !so || !kp)
        return LK_ENOMEM;
    db->cap = cap;
    return 0;
}

static int add_set(uint32_t pos, const uint8_t *set, size_t bytes, void *ctx)
{
    struct lki_local_db *db = ctx;
    int n = lk_local_unpack(set, bytes, &db->tmp);
    if (n < 0)
        return n == LK_EFORMAT ? LK_ECORRUPT : n;
    if (n == 0 || db->n + (size_t)n > UINT32_MAX)
        return 0;
    LK_TRY(db_reserve(db, (size_t)n));
    uint32_t id = (uint32_t)db->nsets++, off = (uint32_t)db->n;
    db->sets[id] = (struct lki_local_set){ pos, off, (uint32_t)n, db->tmp.width,
                                           db->tmp.height };
    memcpy(db->desc + off, db->tmp.desc, (size_t)n * sizeof *db->desc);
    memcpy(db->kp + off, db->tmp.kp, (size_t)n * sizeof *db->kp);
    for (int i = 0; i < n; i++)
        db->set_of[off + (uint32_t)i] = id;
    db->n += (size_t)n;
    return 0;
}

static void db_free(struct lki_local_db *db)
{
    if (!db)
        return;
    lk_vote_index_free(&db->vote);
    lki_free(db->desc);
    lki_free(db->set_of);
    lki_free(db->kp);
    lki_free(db->sets);
    lk_local_features_release(&db->tmp);
    lki_free(db);
}

/* The descriptor count the bucket cap is taken from: the whole index's,
 * stored by `likeness index shard` for this generation beside its
 * background (so that a shard caps buckets as its parent does), else @p own. */
static size_t stored_descriptors(lk_scanner *s, size_t own)
{
    char text[32];
    char *end;
    if (!lki_scanner_stored(s, "stat.local_descriptors", text, sizeof text))
        return own;
    unsigned long long v = strtoull(text, &end, 10);
    return *end == '\0' && end != text && v >= own && v < SIZE_MAX / 4 ? (size_t)v : own;
}

int lki_scanner_local_open(lk_scanner *s, lk_errbuf *err)
{
    s->has_locals = lk_index_has_locals(s->ix);
    if (!s->has_locals || !s->nhashes || s->p.no_local)
        return 0;
    struct lki_local_db *db = lki_calloc(1, sizeof *db);
    if (!db)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", s->index_path);
    int rc = lk_index_locals(s->ix, add_set, db, err);
    if (rc > 0 || rc == LK_ENOMEM || rc == LK_ECORRUPT)
        rc = lki_err(err, rc > 0 ? LK_ECORRUPT : rc, "%s: cannot load local features: %s",
                     s->index_path, lk_strerror(rc > 0 ? LK_ECORRUPT : rc));
    lk_local_features_release(&db->tmp);
    if (rc == 0 && db->nsets &&
        (rc = lk_vote_index_new(&db->vote, db->desc, db->set_of, db->n, db->nsets,
                                LK_SEARCH_AUTO)) < 0)
        rc = lki_err(err, rc, "%s: cannot build the local search: %s", s->index_path,
                     lk_strerror(rc));
    if (rc < 0 || !db->nsets) {
        db_free(db);
        return rc < 0 ? rc : 0;
    }
    db->basis = stored_descriptors(s, db->n);
    db->max_bucket = LKI_BUCKET_CAP(db->basis);
    s->local = db;
    s->run.local_sets = db->nsets;
    return 0;
}

void lki_scanner_local_free(lk_scanner *s)
{
    db_free(s->local);
    s->local = NULL;
}

LK_API size_t lk_scanner_local_sets(const lk_scanner *s)
{
    return s && s->local ? s->local->nsets : 0;
}

LK_API size_t lk_scanner_local_descriptors(const lk_scanner *s)
{
    return s && s->local ? s->local->basis : 0;
}

LK_API int lk_scanner_has_locals(const lk_scanner *s)
{
    return s ? s->has_locals : 0;
}

/* ---- workers ---- */

int lki_worker_local_new(lk_scan_worker *w)
{
    if (!w->s->local)
        return 0;
    struct lki_local_worker *l = lki_calloc(1, sizeof *l);
    if (!l)
        return LK_ENOMEM;
    w->local = l;
    if (lk_local_new(&l->lx) < 0 || lk_geo_new(&l->gm) < 0)
        return LK_ENOMEM;
    return 0;
}

void lki_worker_local_free(lk_scan_worker *w)
{
    struct lki_local_worker *l = w->local;
    if (!l)
        return;
    lk_local_free(&l->lx);
    lk_geo_free(&l->gm);
    lk_local_features_release(&l->sus);
    lki_free(l->q);
    lk_hits_release(&l->scratch);
    lki_free(l);
    w->local = NULL;
}

/* ---- one suspect frame ---- */

static int push_lhit(struct lki_frameset *fs, const struct lki_local_hit *h)
{
    if (fs->nlh == fs->lhcap) {
        size_t cap = fs->lhcap ? 2 * fs->lhcap : 32;
        struct lki_local_hit *v = lki_realloc(fs->lhits, cap * sizeof *v);
        if (!v)
            return LK_ENOMEM;
        fs->lhits = v, fs->lhcap = cap;
    }
    fs->lhits[fs->nlh++] = *h;
    return 0;
}

static float clamp01(float v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The hit of a verified fit g of the frame against set st. */
static struct lki_local_hit make_lhit(const lk_geo_result *g, const lk_local_features *sus,
                                      const struct lki_local_set *st)
{
    float sw = (float)sus->width, sh = (float)sus->height;
    float rw = (float)st->width, rh = (float)st->height;
    struct lki_local_hit h = { 0, st->pos, (uint16_t)(g->inliers > 65535 ? 65535 : g->inliers),
                               { 0 } };
    lk_scan_region_match *r = &h.region;
    r->inliers = g->inliers;
    r->sus[0] = clamp01(g->sus.x / sw), r->sus[1] = clamp01(g->sus.y / sh);
    r->sus[2] = clamp01(g->sus.w / sw), r->sus[3] = clamp01(g->sus.h / sh);
    r->ref[0] = clamp01(g->ref.x / rw), r->ref[1] = clamp01(g->ref.y / rh);
    r->ref[2] = clamp01(g->ref.w / rw), r->ref[3] = clamp01(g->ref.h / rh);
    r->scale = (float)g->scale;
    r->mirror = g->mirror;
    return h;
}

/* The query descriptors of the frame's features: as is, then mirrored. */
static int make_queries(struct lki_local_worker *l)
{
    size_t n = l->sus.count;
    if (2 * n > l->qcap) {
        lk_hash256 *q = lki_realloc(l->q, 2 * n * sizeof *q);
        if (!q)
            return LK_ENOMEM;
        l->q = q, l->qcap = 2 * n;
    }
    memcpy(l->q, l->sus.desc, n * sizeof *l->q);
    memcpy(l->q + n, l->sus.desc_mirror, n * sizeof *l->q);
    return 0;
}

/* The vote queries: every keypoint's descriptor of a still, every
 * LKI_VIDEO_STRIDE-th of a video frame, then the same mirrored. */
static size_t make_vote_queries(struct lki_local_worker *l, int still)
{
    size_t n = l->sus.count, k = 0, stride = still ? 1 : LKI_VIDEO_STRIDE;
    for (size_t i = 0; i < n; i += stride)
        l->q[k++] = l->sus.desc[i];
    for (size_t i = 0; i < n; i += stride)
        l->q[k++] = l->sus.desc_mirror[i];
    return k;
}

/* Verifies the candidates; returns the number verified or < 0. */
static int verify(const struct lki_local_db *db, struct lki_local_worker *l,
                  struct lki_frameset *fs, const lk_frame *fr, size_t usable,
                  const lk_vote *cand, long nc)
{
    int found = 0;
    for (long i = 0; i < nc; i++) {
        const struct lki_local_set *st = &db->sets[cand[i].set];
        lk_local_features ref = { st->width, st->height, st->count, db->kp + st->off,
                                  db->desc + st->off, NULL, st->count };
        lk_geo_result g;
        int rc = lk_geo_verify(l->gm, NULL, &l->sus, &ref, &g);
        LK_TRY(rc);
        if (rc != 1)
            continue;
        if (fs->n == usable)
            LK_TRY(lki_frameset_push_time(fs, fr));
        struct lki_local_hit h = make_lhit(&g, &l->sus, st);
        h.frame = (uint32_t)(fs->n - 1);
        LK_TRY(push_lhit(fs, &h));
        found++;
    }
    return found;
}

int lki_scan_local_frame(lk_scan_worker *w, struct lki_frameset *fs, const lk_frame *fr,
                         size_t usable)
{
    struct lki_local_worker *l = w->local;
    const struct lki_local_db *db = w->s->local;
    lk_local_params p;
    lk_vote cand[LKI_CANDIDATES];
    if (!l || !db)
        return 0;
    lk_local_params_default(&p);
    p.max_keypoints = LKI_SUS_KEYPOINTS;
    p.mirror = 1;
    int n = lk_local_extract(l->lx, &fr->image, &p, &l->sus);
    if (n <= 0)
        return n == LK_ENOMEM ? n : 0; /* no keypoints, or a picture it cannot take */
    LK_TRY(make_queries(l));
    size_t nq = make_vote_queries(l, fs->still);
    long nc = lk_vote_index_query(db->vote, l->q, nq, LKI_VOTE_RADIUS, LKI_VOTE_MAX_HITS,
                                  db->max_bucket, LKI_MIN_VOTES, &l->scratch, cand,
                                  fs->still ? LKI_CANDIDATES : LKI_VIDEO_CANDIDATES);
    LK_TRY((int)nc);
    int rc = verify(db, l, fs, fr, usable, cand, nc);
    return rc < 0 ? rc : 0;
}

/* ---- into the alignment and the segments ---- */

int lki_scan_local_hits(const lk_scanner *s, const struct lki_frameset *fs, lk_hits *hits)
{
    if (!fs->nlh)
        return 0;
    if (hits->n + fs->nlh > hits->cap) {
        lk_hit *v = lki_realloc(hits->v, (hits->n + fs->nlh) * sizeof *v);
        if (!v)
            return LK_ENOMEM;
        hits->v = v, hits->cap = hits->n + fs->nlh;
    }
    uint16_t dist = (uint16_t)LKI_LOCAL_DISTANCE(s->p.match.radius);
    for (size_t i = 0; i < fs->nlh; i++) {
        const struct lki_local_hit *h = &fs->lhits[i];
        hits->v[hits->n++] = (lk_hit){ h->frame, h->pos, dist,
                                       (uint8_t)(h->region.mirror ? 5 : 0), h->inliers };
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The strongest local hit inside segment g, or NULL. */
static const struct lki_local_hit *best_in(const struct lki_frameset *fs, const uint32_t *gpos,
                                           const lk_ref_frame *refs, size_t nrefs,
                                           const lk_segment *g, const lk_ref_frame **rf)
{
    const struct lki_local_hit *best = NULL;
    for (size_t i = 0; i < fs->nlh; i++) {
        const struct lki_local_hit *h = &fs->lhits[i];
        const uint32_t *p = bsearch(&h->pos, gpos, nrefs, sizeof *gpos, cmp_u32);
        double t = fs->qtimes[h->frame];
        if (!p || refs[p - gpos].work != g->work || refs[p - gpos].file != g->file ||
            t < g->s0 - 1e-6 || t > g->s1 + 1e-6 || refs[p - gpos].t1 < g->r0 - 1e-3 ||
            refs[p - gpos].t0 > g->r1 + 1e-3 || (best && best->inliers >= h->inliers))
            continue;
        best = h, *rf = &refs[p - gpos];
    }
    return best;
}

int lki_scan_local_regions(const struct lki_frameset *fs, const uint32_t *gpos,
                           const lk_ref_frame *refs, size_t nrefs, lk_scan_match *m)
{
    if (!fs->nlh || !m->nsegs)
        return 0;
    m->regions = lki_calloc(m->nsegs, sizeof *m->regions);
    if (!m->regions)
        return LK_ENOMEM;
    for (size_t k = 0; k < m->nsegs; k++) {
        const lk_ref_frame *rf = NULL;
        const struct lki_local_hit *h = best_in(fs, gpos, refs, nrefs, &m->segs[k], &rf);
        if (!h)
            continue;
        m->regions[k] = h->region;
        m->regions[k].s_time = fs->qtimes[h->frame];
        m->regions[k].r_time = rf->t0;
        m->regions[k].frame = h->frame;
        m->regions[k].ref_pos = h->pos;
    }
    return 0;
}
