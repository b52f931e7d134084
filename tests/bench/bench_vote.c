/*
 * bench_vote.c — candidate lookup of local features: one suspect frame's
 * 300 descriptors voting over the descriptors of F indexed frames
 * (lk_vote_index, 300 descriptors each, as the index stores), by
 * multi-index hashing against brute force.
 *
 * Data: ORB-like descriptors are clustered, so each indexed descriptor is
 * one of 20,000 random "word" centres with 30 bits flipped; the query is
 * frame 0's descriptors with 12 bits flipped.  Votes at radius 15 (what
 * the scan uses, src/scan/local_scan.c) through the substring tables,
 * exact (no bucket cap): their votes must equal brute force's before
 * their time is reported.
 *
 * Cases, F = 1k, 3k, 10k, 30k frames (o->quick: 1k, 3k): vote/<method>/<F>
 * in query frames per second (tables: exact; capped: buckets over 4 x the
 * mean + 8 left out, as the scan does, the true frame still first;
 * brute), build/<F> with bytes per frame.  1M frames
 * (300M descriptors, 29 GB with the MIH tables) do not fit this machine;
 * the growth from 1k to 30k is what the numbers show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "likeness/search.h"
#include "search/search_internal.h"

#define PER_FRAME 300
#define WORDS 20000
#define RADIUS 15

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static void flip(lk_hash256 *h, int bits, uint64_t *rs)
{
    for (int i = 0; i < bits; i++) {
        unsigned b = (unsigned)(rnd(rs) >> 56);
        h->w[b >> 6] ^= 1ull << (b & 63);
    }
}

struct vote_arg {
    const lk_vote_index *v;
    const lk_hash256 *q;
    size_t cap;
    lk_hits scratch;
    lk_vote out[16];
    long rc;
};

static void run_vote(void *p)
{
    struct vote_arg *a = p;
    a->rc = lk_vote_index_query(a->v, a->q, PER_FRAME, RADIUS, 32, a->cap, 6, &a->scratch,
                                a->out, 16);
}

static int bench_frames(const bench_opts *o, size_t frames)
{
    uint64_t rs = 0x766f7465ULL + frames;
    size_t n = frames * PER_FRAME;
    lk_hash256 *words = malloc(WORDS * sizeof *words), *d = malloc(n * sizeof *d);
    uint32_t *so = malloc(n * sizeof *so);
    lk_hash256 q[PER_FRAME];
    lk_vote_index *mih = NULL, *brute = NULL;
    int rc = -1;
    if (!words || !d || !so)
        goto done;
    for (size_t i = 0; i < WORDS; i++)
        for (int k = 0; k < 4; k++)
            words[i].w[k] = rnd(&rs);
    for (size_t i = 0; i < n; i++) {
        d[i] = words[rnd(&rs) % WORDS];
        flip(&d[i], 30, &rs);
        so[i] = (uint32_t)(i / PER_FRAME);
    }
    for (size_t i = 0; i < PER_FRAME; i++) {
        q[i] = d[i];
        flip(&q[i], 12, &rs);
    }
    double t0 = bench_now();
    if (lk_vote_index_new(&mih, d, so, n, frames, LK_SEARCH_MIH) < 0 ||
        lk_vote_index_new(&brute, d, so, n, frames, LK_SEARCH_BRUTE) < 0)
        goto done;
    double tb = bench_now() - t0;
    printf("{\"bench\":\"vote\",\"case\":\"build/%zu\",\"build_s\":%.3f,"
           "\"bytes_per_frame\":%.0f}\n", frames, tb,
           (double)(n * (sizeof *d + sizeof *so) + lki_mih_bytes(n)) / (double)frames);
    struct vote_arg am = { mih, q, 0, { 0 }, { { 0, 0 } }, 0 },
                    ab = { brute, q, 0, { 0 }, { { 0, 0 } }, 0 },
                    ac = { mih, q, 4 * n / 65536 + 8, { 0 }, { { 0, 0 } }, 0 };
    run_vote(&am);
    run_vote(&ab);
    if (am.rc < 1 || am.rc != ab.rc || memcmp(am.out, ab.out, (size_t)am.rc * sizeof *am.out) ||
        am.out[0].set != 0) {
        fprintf(stderr, "bench_vote: %zu frames: MIH votes differ from brute force\n", frames);
        goto done;
    }
    char name[64];
    snprintf(name, sizeof name, "vote/tables/%zu", frames);
    bench_report("vote", name, "auto", bench_median(o, run_vote, &am), 1, "query frames", 0);
    run_vote(&ac); /* the scan's bucket cap (src/scan/local_scan.c) */
    if (ac.rc < 1 || ac.out[0].set != 0) {
        fprintf(stderr, "bench_vote: %zu frames: capped votes lost the true frame\n", frames);
        goto done;
    }
    snprintf(name, sizeof name, "vote/capped/%zu", frames);
    bench_report("vote", name, "auto", bench_median(o, run_vote, &ac), 1, "query frames", 0);
    if (frames <= 3000) {
        bench_opts once = *o;
        once.runs = 1;
        snprintf(name, sizeof name, "vote/brute/%zu", frames);
        bench_report("vote", name, "auto", bench_median(&once, run_vote, &ab), 1, "query frames", 0);
    }
    rc = 0;
done:
    lk_hits_release(&am.scratch);
    lk_hits_release(&ab.scratch);
    lk_hits_release(&ac.scratch);
    lk_vote_index_free(&mih);
    lk_vote_index_free(&brute);
    free(words);
    free(d);
    free(so);
    return rc;
}

int bench_vote(const bench_opts *o)
{
    static const size_t sizes[] = { 1000, 3000, 10000, 30000 };
    int rc = 0;
    for (size_t i = 0; i < (o->quick ? 2u : 4u); i++)
        if (bench_frames(o, sizes[i]) < 0)
            rc = -1;
    return rc;
}
