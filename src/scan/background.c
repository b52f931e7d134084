/*
 * background.c — the index's own background for the evidence model
 * (src/match/evidence.c): when the scanner opens a snapshot it samples up
 * to LKI_SCAN_BG_SAMPLES entries evenly over the search array, finds every
 * entry within the match radius of each, and counts those of OTHER works by
 * distance (lk_match_background).  So the chance of a frame match is
 * measured against the pictures of this index, not assumed.
 *
 * Invariants: deterministic (evenly spaced positions, no randomness); the
 * sample comes from the scanner's snapshot, so it is never stale, and old
 * indexes need nothing new in the catalog.  Cost: one radius search per
 * sample plus one catalog read per distinct position hit or sampled
 * (measured: the whole 8,231-entry accuracy index, every entry a sample,
 * 0.24 s; 8,192 samples of 10^5 synthetic entries well under a second).
 * The more samples, the lower the floor of what the sample cannot see
 * (src/match/evidence.c), so every entry is used up to 8,192.
 */
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

static int cmp_pos(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The work of each distinct position of hits and samples: pos[] sorted
 * unique (*n of them), work[] alongside.  0 or < 0 with err set. */
static int works_of(lk_scanner *s, const lk_hits *h, const uint32_t *smp, size_t ns,
                    uint32_t **pos, uint32_t **work, size_t *n, lk_errbuf *err)
{
    size_t m = h->n + ns, k = 0;
    uint32_t *p = lki_malloc((m ? m : 1) * sizeof *p);
    lk_ref_frame *rf = lki_malloc((m ? m : 1) * sizeof *rf);
    *pos = p, *work = NULL, *n = 0;
    if (!p || !rf) {
        lki_free(rf);
        return lki_err(err, LK_ENOMEM, "%s: out of memory", s->index_path);
    }
    for (size_t i = 0; i < h->n; i++)
        p[i] = h->v[i].ref;
    memcpy(p + h->n, smp, ns * sizeof *smp);
    qsort(p, m, sizeof *p, cmp_pos);
    for (size_t i = 0; i < m; i++)
        if (k == 0 || p[k - 1] != p[i])
            p[k++] = p[i];
    int rc = lki_scanner_resolve(s, p, k, rf, err);
    uint32_t *w = rc < 0 ? NULL : lki_malloc((k ? k : 1) * sizeof *w);
    if (rc >= 0 && !w)
        rc = lki_err(err, LK_ENOMEM, "%s: out of memory", s->index_path);
    for (size_t i = 0; rc >= 0 && i < k; i++)
        w[i] = rf[i].work;
    lki_free(rf);
    *work = w, *n = k;
    return rc < 0 ? rc : 0;
}

static uint32_t work_at(const uint32_t *pos, const uint32_t *work, size_t n, uint32_t p)
{
    const uint32_t *f = bsearch(&p, pos, n, sizeof *pos, cmp_pos);
    return LK_ALWAYS(f) ? work[f - pos] : UINT32_MAX;
}

/* Counts the other-work neighbours of each of the ns samples into s->bg
 * (hits sorted by query; at most LK_BG_DMAX + 1 neighbours kept per sample). */
static void count(lk_scanner *s, const lk_hits *h, const uint32_t *smp, size_t ns,
                  const uint32_t *pos, const uint32_t *work, size_t n)
{
    uint16_t d[LK_BG_DMAX + 1];
    size_t i = 0;
    for (uint32_t q = 0; q < ns; q++) {
        size_t nd = 0;
        uint32_t own = work_at(pos, work, n, smp[q]);
        for (; i < h->n && h->v[i].query == q; i++)
            if (nd <= LK_BG_DMAX && work_at(pos, work, n, h->v[i].ref) != own)
                d[nd++] = h->v[i].distance;
        lk_match_background_add(&s->bg, d, nd);
    }
}

/* The background stored in the catalog for this very generation and this
 * match radius (by lk_scanner_keep_background after a write, or by
 * `likeness index shard`, so that every shard scans with its parent's
 * background): 1 when it was loaded into s->bg, else 0.  A background
 * stored without its radius (shards made before the radius was kept) was
 * measured at the default one. */
static int stored_background(lk_scanner *s)
{
    char text[LK_BG_TEXT_MAX], radius[16];
    lk_match_params def;
    lk_match_params_default(&def);
    int r = lk_index_stat_get(s->ix, "stat.background_radius", radius, sizeof radius, NULL) == 1
            ? atoi(radius) : def.radius;
    return r == s->p.match.radius &&
           lki_scanner_stored(s, "stat.background", text, sizeof text) &&
           lk_match_background_parse(text, &s->bg) == 0;
}

int lki_scanner_stored(lk_scanner *s, const char *key, char *buf, size_t n)
{
    char gen[32];
    return lk_index_stat_get(s->ix, "stat.background_generation", gen, sizeof gen, NULL) == 1 &&
           strtoull(gen, NULL, 10) == s->run.generation &&
           lk_index_stat_get(s->ix, key, buf, n, NULL) == 1;
}

int lki_scanner_background(lk_scanner *s, const lk_hash256 *hashes, lk_errbuf *err)
{
    memset(&s->bg, 0, sizeof s->bg);
    s->bg.entries = s->nhashes;
    s->p.match.background = &s->bg;
    if (stored_background(s))
        return 0;
    if (!s->searcher || s->nhashes < 2)
        return 0;
    size_t ns = LK_MIN(s->nhashes, (size_t)LKI_SCAN_BG_SAMPLES);
    uint32_t *smp = lki_malloc(ns * sizeof *smp);
    lk_hash256 *q = lki_malloc(ns * sizeof *q);
    if (!q || !smp) {
        lki_free(smp);
        lki_free(q);
        return lki_err(err, LK_ENOMEM, "%s: out of memory", s->index_path);
    }
    for (size_t i = 0; i < ns; i++) {
        smp[i] = (uint32_t)(i * s->nhashes / ns);
        q[i] = hashes[smp[i]];
    }
    lk_hits h = { 0 };
    uint32_t *pos = NULL, *work = NULL;
    size_t n = 0;
    long rc = lk_searcher_radius(s->searcher, q, ns, 1, s->p.match.radius, &h);
    if (rc < 0)
        rc = lki_err(err, (int)rc, "%s: background search failed: %s", s->index_path,
                     lk_strerror((int)rc));
    if (rc >= 0)
        rc = works_of(s, &h, smp, ns, &pos, &work, &n, err);
    if (rc >= 0)
        count(s, &h, smp, ns, pos, work, n);
    lki_free(q);
    lki_free(smp);
    lki_free(pos);
    lki_free(work);
    lk_hits_release(&h);
    return rc < 0 ? (int)rc : 0;
}

LK_API int lk_scanner_background_text(const lk_scanner *s, char *buf, size_t n)
{
    return lk_match_background_format(&s->bg, buf, n);
}

/* 1 when ix already keeps a background for its current generation at the
 * default radius (a write that added nothing, e.g. files already indexed). */
static int kept_already(lk_index *ix, int radius)
{
    lk_index_stats st;
    char gen[32], r[16];
    return lk_index_stats_get(ix, &st, NULL) == 0 &&
           lk_index_stat_get(ix, "stat.background_generation", gen, sizeof gen, NULL) == 1 &&
           strtoull(gen, NULL, 10) == st.generation &&
           lk_index_stat_get(ix, "stat.background_radius", r, sizeof r, NULL) == 1 &&
           atoi(r) == radius;
}

LK_API int lk_scanner_keep_background(const char *index_path, lk_errbuf *err)
{
    lk_scan_params p;
    lk_scanner *s = NULL;
    lk_index *ix = NULL;
    char text[LK_BG_TEXT_MAX], gen[32], radius[16];
    lk_scan_params_default(&p);
    p.no_local = 1; /* the background is of PDQ hashes only */
    LK_TRY(lk_index_open(&ix, index_path, LK_INDEX_READONLY, err));
    int done = kept_already(ix, p.match.radius);
    lk_index_close(&ix);
    if (done)
        return 0;
    LK_TRY(lk_scanner_open(&s, index_path, &p, err));
    int rc = lk_scanner_background_text(s, text, sizeof text);
    if (rc < 0)
        lki_err(err, rc, "%s: background too long to keep", index_path);
    snprintf(gen, sizeof gen, "%llu", (unsigned long long)s->run.generation);
    snprintf(radius, sizeof radius, "%d", s->p.match.radius);
    int empty = s->bg.samples == 0;
    lk_scanner_free(&s);
    if (rc < 0 || empty) /* nothing sampled (an empty index): nothing to keep */
        return rc;
    LK_TRY(lk_index_open(&ix, index_path, 0, err));
    rc = lk_index_stat_put(ix, "stat.background", text, err);
    if (rc == 0)
        rc = lk_index_stat_put(ix, "stat.background_radius", radius, err);
    if (rc == 0) /* last: the other two count only with it */
        rc = lk_index_stat_put(ix, "stat.background_generation", gen, err);
    lk_index_close(&ix);
    return rc;
}
