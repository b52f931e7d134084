/*
 * test_evidence.c — the evidence model of the match stage
 * (src/match/evidence.c): monotone and calibrated on synthetic distance
 * distributions; a 3 s exact excerpt of a slow pan clears the default; a
 * reference holding its footage six times matches an exact copy with the
 * full strength of a single one; 1,000 unrelated suspects searched against
 * an index of 100,000 unrelated hashes give no more chance matches than the
 * stated rate predicts; local-feature hits (inliers) enter the same model.
 * Deterministic (fixed seeds); a few seconds.
 */
#include <math.h>
#include <string.h>
#include "test.h"
#include "likeness/likeness.h"
#include "match/match_internal.h"

static uint64_t seed = 777;

/* A uniform draw in [0,1). */
static double unif(void)
{
    return (double)(t_rand(&seed) >> 11) * (1.0 / 9007199254740992.0);
}

/* A Poisson draw of mean mu (small mu: inversion). */
static int poisson(double mu)
{
    double l = exp(-mu), p = 1;
    int k = 0;
    do {
        k++;
        p *= unif();
    } while (p > l);
    return k - 1;
}

static lk_match_params defaults(const lk_match_background *bg)
{
    lk_match_params p;
    lk_match_params_default(&p);
    p.background = bg;
    return p;
}

/* lambda non-increasing in the distance and in the background's density;
 * the chance increasing in the frames searched, decreasing in evidence. */
static void test_monotone(void)
{
    lk_match_background clean = {.entries = 5000}, busy = {.entries = 5000};
    uint16_t d25[3] = {25, 26, 40}, none[1] = {0};
    for (int i = 0; i < 1024; i++) {
        lk_match_background_add(&clean, none, 0);
        lk_match_background_add(&busy, d25, i % 4 == 0 ? 3 : 0);
    }
    CHECK_INT(busy.samples, 1024);
    CHECK_INT(busy.near[25], 256);
    CHECK_INT(busy.near[40], 256);
    lk_match_params pc = defaults(&clean), pb = defaults(&busy);
    for (int d = 0; d < pc.radius; d++) {
        for (int still = 0; still < 2; still++) {
            CHECK(lki_ev_frame_llr(&pc, d + 1, 0, 0, still) <= lki_ev_frame_llr(&pc, d, 0, 0, still));
            CHECK(lki_ev_frame_llr(&pb, d, 0, 0, still) <= lki_ev_frame_llr(&pc, d, 0, 0, still));
        }
        CHECK(lki_ev_frame_llr(&pc, d, 0, 1, 0) < lki_ev_frame_llr(&pc, d, 0, 0, 0));
    }
    CHECK(lki_ev_frame_llr(&pb, 25, 0, 0, 0) < lki_ev_frame_llr(&pc, 25, 0, 0, 0) - 3);
    /* a bigger index: more places for a chance line */
    lk_match_background big = clean;
    big.entries = 500000;
    lk_match_params pg = defaults(&big);
    CHECK(lki_ev_chance(&pg, 50, 10, 0) > lki_ev_chance(&pc, 50, 10, 0));
    CHECK(lki_ev_chance(&pg, 50, 1, 1) > lki_ev_chance(&pc, 50, 1, 1));
    for (double x = 0; x < 200; x += 5) {
        CHECK(lki_ev_chance(&pc, x + 1, 10, 0) < lki_ev_chance(&pc, x, 10, 0));
        CHECK(lki_ev_chance(&pc, x, 11, 0) > lki_ev_chance(&pc, x, 10, 0));
    }
}

/*
 * Calibration on a synthetic background: every picture of an index of
 * 20,000 entries (200 works) has Poisson(mu(d)) neighbours of other works
 * at each distance d, mu(d) = 0.002 * 1.35^(d - 20) (about 0.3 within 31).
 * The model's background, sampled from 1,024 entries, must estimate the
 * expected neighbours within d; and 100,000 unrelated still suspects (their
 * neighbours drawn the same way) must be flagged at rate R at most R per
 * suspect (plus Poisson noise) for R = 10^-1 .. 10^-4.
 */
static double mu_at(int d)
{
    return 0.002 * pow(1.35, d - 20);
}

static void test_calibrated(void)
{
    lk_match_background bg = {.entries = 20000};
    uint16_t dist[256];
    for (int i = 0; i < 1024; i++) {
        size_t n = 0;
        for (int d = 0; d <= 31; d++)
            for (int k = poisson(mu_at(d)); k > 0 && n < 256; k--)
                dist[n++] = (uint16_t)d;
        lk_match_background_add(&bg, dist, n);
    }
    double cum = 0, seen = 0;
    for (int d = 0; d <= 31; d++) {
        cum += mu_at(d);
        seen += (double)bg.near[d] / bg.samples;
    }
    CHECK(fabs(seen - cum) < 4 * sqrt(cum / bg.samples)); /* the estimate is right */
    lk_match_params p = defaults(&bg);
    lk_ref_frame refs[256];
    lk_hit hits[256];
    double rates[4] = {1e-1, 1e-2, 1e-3, 1e-4}, t = 0;
    long flagged[4] = {0};
    lk_match_result r = {0};
    for (int s = 0; s < 100000; s++) {
        size_t n = 0;
        for (int d = 0; d <= 31; d++)
            for (int k = poisson(mu_at(d)); k > 0 && n < 256; k--) {
                refs[n] = (lk_ref_frame){(uint32_t)n, (uint32_t)n, 0, 0, 1};
                hits[n] = (lk_hit){0, (uint32_t)n, (uint16_t)d, 0, 0};
                n++;
            }
        if (!n)
            continue;
        CHECK(lk_match_align(&p, &t, 1, 1, hits, n, refs, n, &r) >= 1);
        for (int k = 0; k < 4; k++)
            flagged[k] += r.works[0].chance <= rates[k];
    }
    lk_match_release(&r);
    for (int k = 0; k < 4; k++) {
        double expect = rates[k] * 100000;
        printf("evidence: synthetic still suspects flagged at rate %g: %ld of 100000 "
               "(the rate allows %.0f)\n", rates[k], flagged[k], expect);
        CHECK(flagged[k] <= expect + 3 * sqrt(expect) + 2);
    }
    /* and the model is not vacuous: an exact 5 s copy (10 frames on a line)
     * is flagged at 1e-4 in that index */
    lk_ref_frame line[10];
    lk_hit lh[10];
    double qt[10];
    for (int i = 0; i < 10; i++) {
        line[i] = (lk_ref_frame){7, 7, (float)(0.5 * i), (float)(0.5 * i), 0};
        lh[i] = (lk_hit){(uint32_t)i, (uint32_t)i, (uint16_t)(i % 5), 0, 0};
        qt[i] = 0.5 * i;
    }
    CHECK(lk_match_align(&p, qt, 10, 0, lh, 10, line, 10, &r) == 1);
    printf("evidence: an exact 5 s copy in that index: chance %.3g\n", r.works[0].chance);
    CHECK(r.works[0].chance <= 1e-4);
    lk_match_release(&r);
}

/* Growable hit and reference lists of one synthetic suspect. */
typedef struct scene {
    double qt[64];
    size_t nq;
    lk_ref_frame refs[2048];
    size_t nrefs;
    lk_hit hits[4096];
    size_t nhits;
} scene;

static void hit(scene *s, size_t q, uint32_t ref, int dist)
{
    if (s->nhits < 4096)
        s->hits[s->nhits++] = (lk_hit){(uint32_t)q, ref, (uint16_t)dist, 0, 0};
}

static uint32_t ref(scene *s, uint32_t work, uint32_t file, double t0, double t1)
{
    s->refs[s->nrefs] = (lk_ref_frame){work, file, (float)t0, (float)t1, 0};
    return (uint32_t)s->nrefs++;
}

static long align(const scene *s, const lk_match_params *p, lk_match_result *r)
{
    return lk_match_align(p, s->qt, s->nq, 0, s->hits, s->nhits, s->refs, s->nrefs, r);
}

/*
 * A slow pan: the index collapses its frames into entries of 2.5 s (each
 * within LK_INDEX_COLLAPSE_DISTANCE of the run's first frame), so a 3 s
 * exact excerpt (7 frames at 2 fps) lands on two entries, most frames at a
 * few bits from the entry's hash.  It must clear the default, in an index
 * of the default size as in a small one.
 */
static void test_slow_pan(void)
{
    for (int big = 0; big < 2; big++) {
        lk_match_background bg = {.entries = big ? 1000000 : 3000};
        for (int i = 0; i < 1024; i++)
            lk_match_background_add(&bg, NULL, 0);
        lk_match_params p = defaults(&bg);
        static scene s;
        memset(&s, 0, sizeof s);
        for (int k = 0; k < 24; k++) /* a 60 s pan in 24 entries */
            ref(&s, 3, 1, 2.5 * k, 2.5 * k + 2.0);
        s.nq = 7;
        for (size_t q = 0; q < s.nq; q++) {
            s.qt[q] = 0.5 * (double)q;
            double rt = 21.0 + s.qt[q];                   /* entries 8 [20,22], 9 [22.5,24.5] */
            uint32_t e = (uint32_t)(rt / 2.5);
            int d = (int)(2 * (rt - 2.5 * e));            /* 0..4 bits into the run */
            hit(&s, q, e, d < LK_INDEX_COLLAPSE_DISTANCE ? d : LK_INDEX_COLLAPSE_DISTANCE);
        }
        lk_match_result r = {0};
        CHECK_INT(align(&s, &p, &r), 1);
        CHECK(r.works[0].score >= p.min_score);
        CHECK(r.works[0].chance <= LK_MATCH_DEFAULT_RATE);
        CHECK_INT(r.works[0].frames, 7);
        printf("evidence: 3 s slow-pan excerpt, index of %llu entries: llr %.1f, chance %.2g, "
               "score %.3f\n", (unsigned long long)bg.entries, r.works[0].segs[0].llr,
               r.works[0].chance, r.works[0].score);
        lk_match_release(&r);
    }
}

/* A reference holding 10 s of footage once, or six times over (a loop, a
 * compilation): an exact 10 s copy matches both with the same strength. */
static void test_six_times(void)
{
    lk_match_background bg = {.entries = 20000};
    for (int i = 0; i < 1024; i++)
        lk_match_background_add(&bg, NULL, 0);
    lk_match_params p = defaults(&bg);
    double llr[2] = {0, 0}, score[2] = {0, 0};
    for (int reps = 1; reps <= 6; reps += 5) {
        static scene s;
        memset(&s, 0, sizeof s);
        for (int k = 0; k < 20 * reps; k++)
            ref(&s, 5, 2, 0.5 * k, 0.5 * k);
        s.nq = 20;
        for (size_t q = 0; q < s.nq; q++) {
            s.qt[q] = 0.5 * (double)q;
            for (int rep = 0; rep < reps; rep++)
                hit(&s, q, (uint32_t)(20 * rep + (int)q), 2);
        }
        lk_match_result r = {0};
        CHECK_INT(align(&s, &p, &r), 1);
        CHECK_INT(r.works[0].frames, 20);
        llr[reps > 1] = r.works[0].segs[0].llr;
        score[reps > 1] = r.works[0].score;
        lk_match_release(&r);
    }
    CHECK(llr[0] > 0 && llr[1] == llr[0]);
    CHECK(score[1] == score[0] && score[0] >= 0.99);
}

/* Local-feature hits: inliers, not the distance, give the evidence; 15 or
 * more over a few frames clear the default, 4 do not. */
static void test_inliers(void)
{
    lk_match_params p = defaults(NULL);
    for (int k = 4; k <= 30; k += 11) {
        static scene s;
        memset(&s, 0, sizeof s);
        for (int e = 0; e < 20; e++)
            ref(&s, 1, 1, 0.5 * e, 0.5 * e);
        s.nq = 4;
        for (size_t q = 0; q < s.nq; q++) {
            s.qt[q] = 0.5 * (double)q;
            s.hits[s.nhits++] = (lk_hit){(uint32_t)q, (uint32_t)(6 + q), 200, 0, (uint16_t)k};
        }
        lk_match_result r = {0};
        CHECK_INT(align(&s, &p, &r), 1);
        printf("evidence: 4 frames with %d inliers: chance %.3g\n", k, r.works[0].chance);
        CHECK(k >= 15 ? r.works[0].score >= p.min_score : r.works[0].score < p.min_score);
        lk_match_release(&r);
    }
}

/* ---- 1,000 unrelated suspects against 100,000 unrelated hashes ---- */

#define N_INDEX 100000
#define N_WORKS 2000          /* 50 entries each, 0.5 s apart */
#define N_LOOKS 400           /* shared "looks": pictures resemble each other */
#define N_SUSPECTS 1000
#define N_FRAMES 10           /* per suspect, 0.5 s apart */

/* A picture near one of the looks: each bit flipped with probability 10 %
 * (two pictures of one look are about 46 +- 6 bits apart: some collide). */
static lk_hash256 picture(const lk_hash256 *looks)
{
    lk_hash256 h = looks[t_rand(&seed) % N_LOOKS];
    for (int w = 0; w < 4; w++)
        for (int b = 0; b < 64; b++)
            if (t_rand(&seed) % 100 < 10)
                h.w[w] ^= 1ull << b;
    return h;
}

/* The background as the scanner samples it (src/scan/background.c). */
#define N_SAMPLES 8192
static void sample_background(const lk_searcher *srch, const lk_hash256 *ix,
                              lk_match_background *bg, int radius)
{
    lk_hits h = {0};
    static lk_hash256 q[N_SAMPLES];
    uint16_t d[LK_BG_DMAX + 1];
    memset(bg, 0, sizeof *bg);
    bg->entries = N_INDEX;
    for (int i = 0; i < N_SAMPLES; i++)
        q[i] = ix[(size_t)i * N_INDEX / N_SAMPLES];
    CHECK(lk_searcher_radius(srch, q, N_SAMPLES, 1, radius, &h) >= 0);
    for (size_t i = 0, q0 = 0; q0 < N_SAMPLES; q0++) {
        size_t n = 0;
        uint32_t own = (uint32_t)(q0 * N_INDEX / N_SAMPLES) / (N_INDEX / N_WORKS);
        for (; i < h.n && h.v[i].query == q0; i++)
            if (n <= LK_BG_DMAX && h.v[i].ref / (N_INDEX / N_WORKS) != own)
                d[n++] = h.v[i].distance;
        lk_match_background_add(bg, d, n);
    }
    lk_hits_release(&h);
}

static void test_unrelated_index(void)
{
    static lk_hash256 looks[N_LOOKS], ix[N_INDEX], qs[N_FRAMES];
    static lk_ref_frame refs[N_INDEX];
    for (int i = 0; i < N_LOOKS; i++)
        for (int w = 0; w < 4; w++)
            looks[i].w[w] = t_rand(&seed);
    for (size_t i = 0; i < N_INDEX; i++) {
        ix[i] = picture(looks);
        size_t per = N_INDEX / N_WORKS;
        refs[i] = (lk_ref_frame){(uint32_t)(i / per), (uint32_t)(i / per),
                                 (float)(0.5 * (double)(i % per)), (float)(0.5 * (double)(i % per)), 0};
    }
    lk_searcher *srch = NULL;
    CHECK_INT(lk_searcher_new(&srch, ix, N_INDEX, LK_SEARCH_AUTO), 0);
    lk_match_background bg;
    lk_match_params p = defaults(&bg);
    sample_background(srch, ix, &bg, p.radius);
    double qt[N_FRAMES], rates[3] = {1.0, 1e-1, 1e-2}, sum = 0;
    long flagged[3] = {0}, hits_total = 0;
    for (int i = 0; i < N_FRAMES; i++)
        qt[i] = 0.5 * i;
    lk_hits h = {0};
    lk_match_result r = {0};
    for (int s = 0; s < N_SUSPECTS; s++) {
        for (int i = 0; i < N_FRAMES; i++)
            qs[i] = picture(looks);
        CHECK(lk_searcher_radius(srch, qs, N_FRAMES, 1, p.radius, &h) >= 0);
        hits_total += (long)h.n;
        CHECK(lk_match_align(&p, qt, N_FRAMES, 0, h.v, h.n, refs, N_INDEX, &r) >= 0);
        double best = r.nworks ? r.works[0].chance : INFINITY;
        for (int k = 0; k < 3; k++)
            flagged[k] += best <= rates[k];
        sum += best < 1 ? best : 1;
    }
    printf("evidence: %d unrelated suspects x %d frames vs %d hashes: %.1f hits per frame, "
           "background %.3f neighbours within 31; best chance summed %.3g\n", N_SUSPECTS,
           N_FRAMES, N_INDEX, (double)hits_total / (N_SUSPECTS * N_FRAMES),
           (double)(bg.near[31] + bg.near[30]) / bg.samples, sum);
    for (int k = 0; k < 3; k++) {
        double expect = rates[k] * N_SUSPECTS;
        printf("evidence:   flagged at rate %g: %ld (the rate allows %.0f)\n", rates[k],
               flagged[k], expect);
        CHECK(flagged[k] <= expect + 3 * sqrt(expect) + 2);
    }
    CHECK(hits_total > N_SUSPECTS * N_FRAMES); /* chance hits abound: a real test */
    lk_match_release(&r);
    lk_hits_release(&h);
    lk_searcher_free(&srch);
}

/* A background kept as text (the catalog's stat.background) reads back
 * the same; damaged text is refused and leaves the target as it was. */
static void test_background_text(void)
{
    lk_match_background a, b, c;
    memset(&a, 0, sizeof a);
    a.entries = 123456789012ull, a.samples = 8192;
    for (int d = 0; d <= LK_BG_DMAX; d++)
        a.near[d] = (uint64_t)d * d * 1000003u;
    char text[LK_BG_TEXT_MAX];
    CHECK_INT(lk_match_background_format(&a, text, sizeof text), 0);
    CHECK_INT(lk_match_background_parse(text, &b), 0);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK_INT(lk_match_background_format(&a, text, 40), LK_ETOOBIG);
    memset(&c, 0x5a, sizeof c);
    lk_match_background keep = c;
    CHECK_INT(lk_match_background_parse("bg1 10 0 1 2", &c), LK_ECORRUPT);
    CHECK_INT(lk_match_background_parse("bg2 10 5", &c), LK_ECORRUPT);
    CHECK_INT(lk_match_background_parse("", &c), LK_ECORRUPT);
    CHECK(memcmp(&c, &keep, sizeof c) == 0);
}

int main(void)
{
    lk_init();
    test_background_text();
    test_monotone();
    test_calibrated();
    test_slow_pan();
    test_six_times();
    test_inliers();
    test_unrelated_index();
    TEST_DONE("evidence");
}
