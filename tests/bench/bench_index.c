/*
 * bench_index.c — the reference index's search: brute force against
 * multi-index hashing on synthetic clustered PDQ frames.
 *
 * Data: "works" of 20-frame scenes: a random centre per scene and members
 * at 2..40 flipped bits, a quarter of them near-duplicates (1..3 bits) of
 * the previous frame.  Queries: one 60 s suspect clip at 2 fps, 120 frames
 * x 8 dihedral variants; half the frames are near-duplicates of indexed
 * frames (1..30 bits flipped) whose rotated variants are unrelated hashes,
 * half are unrelated altogether.
 *
 * Cases, for n = 100k, 1M, 10M (o->quick: 100k and 1M):
 *   build/<n>         MIH build time, bytes per frame, peak RSS so far
 *   radius31/<m>/<n>  frames/s at radius 31 (the usual PDQ threshold)
 *   knn10/<m>/<n>     frames/s for the 10 nearest
 *   auto/<m>/<n>      radius 31 at small n: where AUTO should switch
 * MIH's hits must equal brute force's (recall 1 is printed, and checked)
 * before its time is reported; a mismatch fails the driver.  Brute force
 * is timed once (it is the reference run); at 10M, where it takes tens of
 * seconds, it and k-best (whose unrelated frames fall back to brute force)
 * run on the first 12 frames only, and MIH's radius hits of those frames
 * are compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "harness.h"
#include "likeness/search.h"
#include "likeness/simd.h"
#include "search/search_internal.h"

#define NFRAMES 120
#define NVAR 8

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static void flip(lk_hash256 *h, int bits, uint64_t *rs)
{
    for (int i = 0; i < bits; i++) { /* repeats possible: at most `bits` flips */
        unsigned b = (unsigned)(rnd(rs) >> 56);
        h->w[b >> 6] ^= 1ull << (b & 63);
    }
}

static void rand_hash(lk_hash256 *h, uint64_t *rs)
{
    for (int i = 0; i < 4; i++)
        h->w[i] = rnd(rs);
}

static lk_hash256 *make_index(size_t n, uint64_t *rs)
{
    lk_hash256 *h = malloc(n * sizeof *h), centre = {{0}};
    if (!h)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i % 20 == 0)
            rand_hash(&centre, rs);
        if (i % 20 != 0 && rnd(rs) % 4 == 0) {
            h[i] = h[i - 1];
            flip(&h[i], 1 + (int)(rnd(rs) % 3), rs);
        } else {
            h[i] = centre;
            flip(&h[i], 2 + (int)(rnd(rs) % 39), rs);
        }
    }
    return h;
}

static void make_queries(const lk_hash256 *db, size_t n, lk_hash256 *q, uint64_t *rs)
{
    for (size_t f = 0; f < NFRAMES; f++) {
        for (int v = 0; v < NVAR; v++)
            rand_hash(&q[f * NVAR + v], rs);
        if (f % 2 == 0) {
            q[f * NVAR] = db[rnd(rs) % n];
            flip(&q[f * NVAR], 1 + (int)(rnd(rs) % 30), rs);
        }
    }
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

struct query_arg {
    lk_searcher *s;
    const lk_hash256 *q;
    size_t nf;
    int knn; /* 0: radius 31, else k */
    lk_hits out;
    long rc;
};

static void run_query(void *p)
{
    struct query_arg *a = p;
    a->rc = a->knn ? lk_searcher_knn(a->s, a->q, a->nf, NVAR, a->knn, &a->out)
                   : lk_searcher_radius(a->s, a->q, a->nf, NVAR, 31, &a->out);
}

/* Hits of queries < nf in h (a prefix, as hits are sorted by query). */
static size_t prefix(const lk_hits *h, size_t nf)
{
    size_t i = 0;
    while (i < h->n && h->v[i].query < nf)
        i++;
    return i;
}

/* Recall of MIH's hits against brute force's for the first nf frames;
 * -1 when the lists are not identical. */
static double recall(const lk_hits *mih, const lk_hits *ref, size_t nf)
{
    size_t nm = prefix(mih, nf), nr = prefix(ref, nf), found = 0;
    for (size_t i = 0, j = 0; i < nr && j < nm;) {
        const lk_hit *a = &ref->v[i], *b = &mih->v[j];
        if (a->query == b->query && a->ref == b->ref && a->distance == b->distance) {
            found++;
            i++;
            j++;
        } else if (a->query < b->query || (a->query == b->query &&
                   (a->distance < b->distance || (a->distance == b->distance && a->ref < b->ref)))) {
            i++;
        } else {
            j++;
        }
    }
    if (nm != nr || found != nr)
        return -1;
    for (size_t i = 0; i < nr; i++) /* same order and variants too */
        if (mih->v[i].query != ref->v[i].query || mih->v[i].ref != ref->v[i].ref ||
            mih->v[i].distance != ref->v[i].distance || mih->v[i].variant != ref->v[i].variant)
            return -1;
    return nr ? (double)found / (double)nr : 1.0;
}

/* One query kind (radius 31 or k = knn) on both searchers; 0 or -1. */
static int bench_kind(const bench_opts *o, lk_searcher *brute, lk_searcher *mih,
                      const lk_hash256 *q, size_t n, int knn, size_t nf_ref, const char *grp)
{
    const char *simd = lk_simd_ops_get()->name;
    char name[64];
    struct query_arg b = {brute, q, nf_ref, knn, {0}, 0};
    double t0 = bench_now();
    run_query(&b);
    double tb = bench_now() - t0;
    struct query_arg m = {mih, q, knn ? nf_ref : NFRAMES, knn, {0}, 0};
    run_query(&m);
    double rec = b.rc < 0 || m.rc < 0 ? -1 : recall(&m.out, &b.out, nf_ref);
    int rc = 0;
    printf("{\"bench\":\"index\",\"case\":\"%s/%zu\",\"frames_checked\":%zu,"
           "\"brute_hits\":%zu,\"recall\":%.4f}\n", grp, n, nf_ref, prefix(&b.out, nf_ref), rec);
    if (rec != 1.0) {
        fprintf(stderr, "bench_index: %s/%zu: MIH differs from brute force\n", grp, n);
        rc = -1;
    } else {
        double tm = bench_median(o, run_query, &m);
        double per_b = tb / (double)nf_ref, per_m = tm / (double)m.nf;
        snprintf(name, sizeof name, "%s/brute/%zu", grp, n);
        bench_report("index", name, simd, tb, (double)nf_ref, "frames/s", 0);
        snprintf(name, sizeof name, "%s/mih/%zu", grp, n);
        bench_report("index", name, simd, tm, (double)m.nf, "frames/s", per_b / per_m);
    }
    lk_hits_release(&b.out);
    lk_hits_release(&m.out);
    return rc;
}

/* All cases at one size; 0, or -1 on a mismatch or failure. */
static int bench_size(const bench_opts *o, size_t n, int small)
{
    uint64_t rs = 0x1dec5eedULL + n;
    lk_hash256 *db = make_index(n, &rs), q[NFRAMES * NVAR];
    lk_searcher *brute = NULL, *mih = NULL;
    int rc = -1;
    if (!db)
        goto done;
    make_queries(db, n, q, &rs);
    double t0 = bench_now();
    if (lk_searcher_new(&mih, db, n, LK_SEARCH_MIH) < 0 ||
        lk_searcher_new(&brute, db, n, LK_SEARCH_BRUTE) < 0)
        goto done;
    double tbuild = bench_now() - t0;
    size_t nf_ref = n > 2000000 ? 12 : NFRAMES;
    if (small) {
        rc = bench_kind(o, brute, mih, q, n, 0, nf_ref, "auto");
        goto done;
    }
    printf("{\"bench\":\"index\",\"case\":\"build/%zu\",\"build_s\":%.3f,"
           "\"bytes_per_frame\":%.1f,\"peak_rss_mb\":%.0f}\n",
           n, tbuild, (double)(sizeof(lk_hash256) * n + lki_mih_bytes(n)) / (double)n, peak_rss_mb());
    rc = bench_kind(o, brute, mih, q, n, 0, nf_ref, "radius31");
    if (bench_kind(o, brute, mih, q, n, 10, nf_ref, "knn10") < 0)
        rc = -1;
    printf("{\"bench\":\"index\",\"case\":\"rss/%zu\",\"peak_rss_mb\":%.0f}\n", n,
           peak_rss_mb());
done:
    if (!db || !mih || !brute)
        fprintf(stderr, "bench_index: cannot build %zu frames\n", n);
    lk_searcher_free(&brute);
    lk_searcher_free(&mih);
    free(db);
    return rc;
}

int bench_index(const bench_opts *o)
{
    static const size_t small[] = {1000, 2000, 4000, 8000, 16000, 32000};
    static const size_t big[] = {100000, 1000000, 10000000};
    int rc = 0;
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        if (bench_size(o, small[i], 1) < 0)
            rc = -1;
    for (size_t i = 0; i < (o->quick ? 2u : 3u); i++)
        if (bench_size(o, big[i], 0) < 0)
            rc = -1;
    return rc;
}
