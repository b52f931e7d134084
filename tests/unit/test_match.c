/*
 * test_match.c — the match stage on synthetic, deterministic hit sets:
 * aligned copies (speed 1, 0.8, 1.2), dropped and inserted frames, excerpts
 * of two works, a mirrored excerpt, long still-shot entries, stills on
 * either side, random noise, loops, empty and invalid input, a large run,
 * determinism under shuffling, and the score formulas' monotonicity.
 * Reference videos are indexed at 2 fps (one entry per 0.5 s unless a test
 * merges a still shot); suspects are sampled at 2 fps unless said.
 */
#include <math.h>
#include <time.h>
#include "test.h"
#include "likeness/likeness.h"
#include "match/match_internal.h"

#define NEAR(a, b, tol) CHECK(fabs((double)(a) - (double)(b)) <= (tol))
#define FRAME 0.5 /* boundaries must be right within one frame */

/* A test scene: suspect times, index entries and hits. */
typedef struct scene {
    double qt[4096];
    size_t nq;
    lk_ref_frame *refs;
    size_t nrefs, refcap;
    lk_hit *hits;
    size_t nhits, hitcap;
} scene;

/* A reference video file: entries refs[base + k] at k * 0.5 s. */
typedef struct refvid {
    uint32_t base, n;
} refvid;

static uint64_t seed = 12345;

static void sc_init(scene *s, size_t nq, double fps)
{
    memset(s, 0, sizeof *s);
    s->nq = nq;
    for (size_t i = 0; i < nq; i++)
        s->qt[i] = (double)i / fps;
}

static void sc_free(scene *s)
{
    free(s->refs);
    free(s->hits);
}

static uint32_t add_ref(scene *s, uint32_t work, uint32_t file, double t0, double t1, int still)
{
    if (s->nrefs == s->refcap) {
        s->refcap = s->refcap ? 2 * s->refcap : 256;
        s->refs = realloc(s->refs, s->refcap * sizeof *s->refs);
    }
    s->refs[s->nrefs] = (lk_ref_frame){work, file, (float)t0, (float)t1, (uint8_t)still};
    return (uint32_t)s->nrefs++;
}

static refvid add_video(scene *s, uint32_t work, uint32_t file, double dur)
{
    refvid v = {(uint32_t)s->nrefs, (uint32_t)(dur / 0.5) + 1};
    for (uint32_t k = 0; k < v.n; k++)
        add_ref(s, work, file, k * 0.5, k * 0.5, 0);
    return v;
}

static void add_hit(scene *s, size_t q, uint32_t ref, int dist, int variant)
{
    if (s->nhits == s->hitcap) {
        s->hitcap = s->hitcap ? 2 * s->hitcap : 1024;
        s->hits = realloc(s->hits, s->hitcap * sizeof *s->hits);
    }
    s->hits[s->nhits++] = (lk_hit){(uint32_t)q, ref, (uint16_t)dist, (uint8_t)variant, 0};
}

/* Suspect frames q0..q1 show the reference at r = r0 + speed * (s - s(q0)). */
static void copy(scene *s, const refvid *v, size_t q0, size_t q1, double r0, double speed,
                 int dist, int variant)
{
    for (size_t q = q0; q <= q1; q++) {
        double r = r0 + speed * (s->qt[q] - s->qt[q0]);
        long k = lround(r / 0.5);
        if (k >= 0 && (uint32_t)k < v->n)
            add_hit(s, q, v->base + (uint32_t)k, dist, variant);
    }
}

static long run(const scene *s, const lk_match_params *p, int still, lk_match_result *out)
{
    return lk_match_align(p, s->qt, s->nq, still, s->hits, s->nhits, s->refs, s->nrefs, out);
}

static lk_match_params defaults(void)
{
    lk_match_params p;
    lk_match_params_default(&p);
    return p;
}

/* Checks one segment against the truth. */
static void check_seg(const lk_segment *g, uint32_t work, uint32_t file, double s0, double s1,
                      double r0, double r1)
{
    CHECK_INT(g->work, work);
    CHECK_INT(g->file, file);
    NEAR(g->s0, s0, FRAME);
    NEAR(g->s1, s1, FRAME);
    NEAR(g->r0, r0, FRAME);
    NEAR(g->r1, r1, FRAME);
}

static const lk_segment *find_seg(const lk_work_match *w, double s0)
{
    for (size_t i = 0; i < w->nsegs; i++)
        if (fabs(w->segs[i].s0 - s0) <= FRAME)
            return &w->segs[i];
    return NULL;
}

static void test_clean_copy(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 60, 2.0);
    refvid v = add_video(&s, 3, 7, 60);
    copy(&s, &v, 10, 49, 17.0, 1.0, 8, 0);
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.nworks, 1);
    CHECK_INT(r.works[0].nsegs, 1);
    CHECK_INT(r.works[0].frames, 40);
    check_seg(&r.works[0].segs[0], 3, 7, 5.0, 24.5, 17.0, 36.5);
    NEAR(r.works[0].segs[0].speed, 1.0, 0.01);
    CHECK_INT(r.works[0].segs[0].frames, 40);
    NEAR(r.works[0].segs[0].distance, 8.0, 1e-9);
    CHECK_INT(r.works[0].segs[0].variant, 0);
    CHECK(r.works[0].score >= p.min_score);
    CHECK(r.works[0].score <= 1.0);
    lk_match_release(&r);
    CHECK(r.works == NULL && r.nworks == 0);
    sc_free(&s);
}

static void test_speed(double speed)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 80, 2.0);
    refvid v = add_video(&s, 1, 2, 100);
    copy(&s, &v, 10, 70, 10.0, speed, 12, 0); /* s 5..35 -> r 10..10+30*speed */
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].nsegs, 1);
    check_seg(&r.works[0].segs[0], 1, 2, 5.0, 35.0, 10.0, 10.0 + 30 * speed);
    NEAR(r.works[0].segs[0].speed, speed, 0.02);
    CHECK_INT(r.works[0].segs[0].frames, 61);
    CHECK(r.works[0].score >= p.min_score);
    lk_match_release(&r);
    sc_free(&s);
}

/* Frame rate change: suspect at 25/12 fps (not the index's 2 fps), speed 1. */
static void test_frame_rate(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 70, 25.0 / 12.0);
    refvid v = add_video(&s, 4, 0, 80);
    copy(&s, &v, 0, 69, 40.0, 1.0, 10, 0);
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].nsegs, 1);
    check_seg(&r.works[0].segs[0], 4, 0, 0.0, s.qt[69], 40.0, 40.0 + s.qt[69]);
    lk_match_release(&r);
    sc_free(&s);
}

static void test_dropped(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 100, 2.0);
    refvid v = add_video(&s, 5, 1, 100);
    copy(&s, &v, 0, 99, 30.0, 1.0, 10, 0);
    /* drop every third hit and a run of 5 frames (2.5 s < max_gap) */
    size_t k = 0;
    for (size_t i = 0; i < s.nhits; i++)
        if (s.hits[i].query % 3 != 1 && !(s.hits[i].query >= 40 && s.hits[i].query < 45))
            s.hits[k++] = s.hits[i];
    s.nhits = k;
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].nsegs, 1);
    check_seg(&r.works[0].segs[0], 5, 1, 0.0, 49.5, 30.0, 79.5);
    CHECK_INT(r.works[0].segs[0].frames, (int)k);
    lk_match_release(&r);
    sc_free(&s);
}

/* Unrelated material inserted in the middle: two segments on one file. */
static void test_inserted(double insert)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    size_t nins = (size_t)(insert * 2);
    sc_init(&s, 42 + nins, 2.0);
    refvid v = add_video(&s, 2, 3, 60);
    copy(&s, &v, 0, 20, 20.0, 1.0, 9, 0);              /* s 0..10 -> r 20..30 */
    copy(&s, &v, 21 + nins, 41 + nins, 30.5, 1.0, 9, 0); /* then r 30.5..40.5 */
    /* the inserted frames hit another work once each, at places that jump
     * back and forth (37 entries on, modulo 401: no two frames within
     * max_gap are a reachable step apart), so they align with nothing:
     * lone frames (consecutive entries would be a real aligned copy) */
    refvid o = add_video(&s, 9, 0, 200);
    for (size_t q = 21; q < 21 + nins; q++)
        add_hit(&s, q, o.base + (uint32_t)((q * 37) % o.n), 25, 0);
    CHECK(run(&s, &p, 0, &r) >= 1);
    CHECK_INT(r.works[0].work, 2);
    CHECK_INT(r.works[0].nsegs, 2);
    const lk_segment *a = find_seg(&r.works[0], 0.0), *b = find_seg(&r.works[0], s.qt[21 + nins]);
    CHECK(a && b);
    if (a && b) {
        check_seg(a, 2, 3, 0.0, 10.0, 20.0, 30.0);
        check_seg(b, 2, 3, s.qt[21 + nins], s.qt[41 + nins], 30.5, 40.5);
    }
    for (size_t w = 1; w < r.nworks; w++)
        CHECK(r.works[w].score < p.min_score);
    lk_match_release(&r);
    sc_free(&s);
}

static void test_two_works(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 62, 2.0);
    refvid a = add_video(&s, 11, 1, 200);
    refvid b = add_video(&s, 12, 5, 30);
    copy(&s, &a, 0, 30, 100.0, 1.0, 6, 0); /* s 0..15 */
    copy(&s, &b, 31, 61, 3.0, 1.0, 14, 0); /* s 15.5..30.5 */
    CHECK_INT(run(&s, &p, 0, &r), 2);
    CHECK_INT(r.works[0].work, 11); /* closer, so first */
    CHECK_INT(r.works[1].work, 12);
    CHECK(r.works[0].score >= r.works[1].score);
    CHECK(r.works[1].score >= p.min_score);
    CHECK_INT(r.works[0].nsegs, 1);
    CHECK_INT(r.works[1].nsegs, 1);
    check_seg(&r.works[0].segs[0], 11, 1, 0.0, 15.0, 100.0, 115.0);
    check_seg(&r.works[1].segs[0], 12, 5, 15.5, 30.5, 3.0, 18.0);
    lk_match_release(&r);
    sc_free(&s);
}

static void test_mirrored(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 40, 2.0);
    refvid v = add_video(&s, 6, 2, 40);
    copy(&s, &v, 5, 34, 8.0, 1.0, 10, 4);
    s.hits[3].variant = 0; /* a symmetric frame: variant 0 just as close */
    s.hits[3].distance = 9;
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].segs[0].variant, 4);
    check_seg(&r.works[0].segs[0], 6, 2, 2.5, 17.0, 8.0, 22.5);
    CHECK_INT(r.works[0].segs[0].best_query, s.hits[3].query);
    CHECK_INT(r.works[0].segs[0].best_ref, s.hits[3].ref);
    lk_match_release(&r);
    sc_free(&s);
}

/* Reference with a 10 s still shot stored as one entry [20,30]. */
static void still_shot_ref(scene *s, refvid *before, uint32_t *shot, refvid *after)
{
    *before = add_video(s, 8, 1, 19.5);
    *shot = add_ref(s, 8, 1, 20.0, 30.0, 0);
    after->base = (uint32_t)s->nrefs;
    after->n = 21;
    for (int k = 0; k < 21; k++)
        add_ref(s, 8, 1, 30.5 + 0.5 * k, 30.5 + 0.5 * k, 0);
}

static void test_still_shot(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    refvid before, after;
    uint32_t shot;
    /* suspect s 0..16 shows r = s + 16: 16..19.5 moving, 20..30 held, 30.5..32 */
    sc_init(&s, 33, 2.0);
    still_shot_ref(&s, &before, &shot, &after);
    for (size_t q = 0; q < 33; q++) {
        double rt = 16.0 + s.qt[q];
        uint32_t ref = rt < 20 ? before.base + (uint32_t)lround(rt / 0.5)
                     : rt <= 30 ? shot : after.base + (uint32_t)lround((rt - 30.5) / 0.5);
        add_hit(&s, q, ref, 7, 0);
    }
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].nsegs, 1);
    check_seg(&r.works[0].segs[0], 8, 1, 0.0, 16.0, 16.0, 32.0);
    NEAR(r.works[0].segs[0].speed, 1.0, 0.02);
    CHECK_INT(r.works[0].segs[0].frames, 33);
    CHECK(r.works[0].score >= p.min_score);
    lk_match_release(&r);
    sc_free(&s);

    /* only the held shot: 21 frames on one entry, reference range inside it */
    sc_init(&s, 30, 2.0);
    still_shot_ref(&s, &before, &shot, &after);
    for (size_t q = 4; q <= 24; q++)
        add_hit(&s, q, shot, 5, 0);
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].nsegs, 1);
    const lk_segment *g = &r.works[0].segs[0];
    CHECK_INT(g->frames, 21);
    NEAR(g->s0, 2.0, 1e-9);
    NEAR(g->s1, 12.0, 1e-9);
    CHECK(g->r0 >= 20.0 && g->r1 <= 30.0 && g->r1 - g->r0 >= 9.0);
    /* one held picture is one picture: weaker than 21 moving frames */
    CHECK(g->llr < 21 * lki_ev_frame_llr(&p, 5, 0, 0, 0));
    lk_match_release(&r);
    sc_free(&s);
}

static void test_stills(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    /* still suspect vs still reference, close */
    sc_init(&s, 1, 2.0);
    uint32_t img = add_ref(&s, 4, 2, 0, 0, 1);
    add_ref(&s, 5, 0, 0, 0, 1);
    add_hit(&s, 0, img, 6, 0);
    add_hit(&s, 0, 1, 30, 0); /* another work near the radius */
    CHECK_INT(run(&s, &p, 1, &r), 2);
    CHECK_INT(r.works[0].work, 4);
    CHECK(r.works[0].score >= p.min_score);
    CHECK(r.works[1].score < p.min_score);
    CHECK_INT(r.works[0].segs[0].frames, 1);
    NEAR(r.works[0].segs[0].speed, 0.0, 0);
    lk_match_release(&r);
    sc_free(&s);

    /* still suspect vs a video frame */
    sc_init(&s, 1, 2.0);
    refvid v = add_video(&s, 7, 3, 20);
    add_hit(&s, 0, v.base + 10, 4, 2);
    CHECK_INT(run(&s, &p, 1, &r), 1);
    CHECK(r.works[0].score >= p.min_score);
    check_seg(&r.works[0].segs[0], 7, 3, 0.0, 0.0, 5.0, 5.0);
    CHECK_INT(r.works[0].segs[0].variant, 2);
    lk_match_release(&r);
    sc_free(&s);

    /* a still reference shown for 8 s in a suspect video */
    sc_init(&s, 30, 2.0);
    img = add_ref(&s, 1, 1, 0, 0, 1);
    for (size_t q = 4; q <= 20; q++)
        add_hit(&s, q, img, 12, 0);
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].nsegs, 1);
    check_seg(&r.works[0].segs[0], 1, 1, 2.0, 10.0, 0.0, 0.0);
    CHECK_INT(r.works[0].segs[0].frames, 17);
    CHECK(r.works[0].score >= p.min_score);
    lk_match_release(&r);
    sc_free(&s);
}

/* Random hits over many works: nothing aligns, nothing matches. */
static void test_noise(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 600, 2.0);
    for (uint32_t w = 0; w < 300; w++)
        for (uint32_t f = 0; f < 3; f++)
            add_video(&s, w, f, 100); /* 201 entries per file */
    for (size_t q = 0; q < s.nq; q++)
        for (int k = 0; k < 5; k++) {
            /* one draw per statement: argument order is unspecified in C */
            int variant = (int)(t_rand(&seed) % 8);
            int dist = 5 + (int)(t_rand(&seed) % 27);
            add_hit(&s, q, (uint32_t)(t_rand(&seed) % s.nrefs), dist, variant);
        }
    long n = run(&s, &p, 0, &r);
    CHECK(n >= 1 && n <= p.max_works);
    for (size_t w = 0; w < r.nworks; w++) {
        CHECK(r.works[w].score < p.min_score);
        for (size_t g = 0; g < r.works[w].nsegs; g++)
            CHECK(r.works[w].segs[g].frames <= 3);
        if (w)
            CHECK(r.works[w].score <= r.works[w - 1].score);
    }
    lk_match_release(&r);
    sc_free(&s);
}

static void test_loops(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    /* the suspect loops reference 10..15 s thirty times (s 0..150) */
    sc_init(&s, 300, 2.0);
    refvid v = add_video(&s, 3, 3, 30);
    for (size_t rep = 0; rep < 30; rep++)
        copy(&s, &v, rep * 10, rep * 10 + 9, 10.0, 1.0, 8, 0);
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK_INT(r.works[0].nsegs, (size_t)p.max_segments);
    CHECK(r.works[0].score >= p.min_score && r.works[0].score <= 1.0);
    for (size_t g = 0; g < r.works[0].nsegs; g++) {
        const lk_segment *x = &r.works[0].segs[g];
        double rep = floor(x->s0 / 5.0 + 0.5);
        check_seg(x, 3, 3, rep * 5.0, rep * 5.0 + 4.5, 10.0, 14.5);
    }
    lk_match_release(&r);
    sc_free(&s);

    /* the reference repeats one 5 s pattern; the suspect shows it once:
     * 3 repeats (a chorus) and 40 (a loop) both match: a reference's own
     * repetition is not background (src/match/evidence.c), what occurs in
     * other works is (test_generic) */
    for (uint32_t reps = 3; reps <= 40; reps += 37) {
        sc_init(&s, 10, 2.0);
        v = add_video(&s, 2, 0, 200);
        for (size_t q = 0; q < 10; q++)
            for (uint32_t rep = 0; rep < reps; rep++)
                add_hit(&s, q, v.base + rep * 10 + (uint32_t)q, 9, 0);
        CHECK_INT(run(&s, &p, 0, &r), 1);
        CHECK_INT(r.works[0].nsegs, 1); /* the other places cover the same frames */
        CHECK_INT(r.works[0].frames, 10);
        const lk_segment *x = &r.works[0].segs[0];
        NEAR(x->s0, 0.0, FRAME);
        NEAR(x->s1, 4.5, FRAME);
        NEAR(fmod(x->r0, 5.0), 0.0, FRAME);
        NEAR(x->r1 - x->r0, 4.5, FRAME);
        CHECK(r.works[0].score >= p.min_score);
        lk_match_release(&r);
        sc_free(&s);
    }
}

/* Generic frames: every suspect frame hits the same 50 scattered entries,
 * of one work (bounded work, whatever the score) or of 50 works (a picture
 * that occurs all over the index: no match). */
static void test_generic(void)
{
    static scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    uint32_t ents[50];
    sc_init(&s, 600, 2.0);
    refvid v = add_video(&s, 1, 0, 3000);
    for (int k = 0; k < 50; k++)
        ents[k] = v.base + (uint32_t)(t_rand(&seed) % v.n);
    for (size_t q = 0; q < s.nq; q++)
        for (int k = 0; k < 50; k++)
            add_hit(&s, q, ents[k], 10 + (int)(t_rand(&seed) % 10), 0);
    CHECK_INT(run(&s, &p, 0, &r), 1);
    CHECK(r.works[0].nsegs <= (size_t)p.max_segments);
    lk_match_release(&r);
    sc_free(&s);

    sc_init(&s, 600, 2.0);
    for (uint32_t w = 0; w < 50; w++) {
        refvid u = add_video(&s, w, w, 300);
        ents[w] = u.base + (uint32_t)(t_rand(&seed) % u.n);
    }
    for (size_t q = 0; q < s.nq; q++)
        for (int k = 0; k < 50; k++)
            add_hit(&s, q, ents[k], 10 + (int)(t_rand(&seed) % 10), 0);
    CHECK_INT(run(&s, &p, 0, &r), 20);
    for (size_t w = 0; w < r.nworks; w++)
        CHECK(r.works[w].score < p.min_score);
    lk_match_release(&r);
    sc_free(&s);
}

static void test_empty(void)
{
    lk_match_params p = defaults();
    lk_match_result r = {0};
    double qt[3] = {0, 0.5, 1};
    CHECK_INT(lk_match_align(&p, qt, 3, 0, NULL, 0, NULL, 0, &r), 0);
    CHECK(r.works == NULL && r.nworks == 0);
    CHECK_INT(lk_match_align(&p, NULL, 0, 0, NULL, 0, NULL, 0, &r), 0);
    /* hits beyond the radius are ignored */
    lk_ref_frame ref = {0, 0, 1, 1, 0};
    lk_hit h = {1, 0, 40, 0, 0};
    CHECK_INT(lk_match_align(&p, qt, 3, 0, &h, 1, &ref, 1, &r), 0);
    lk_match_release(&r);
    lk_match_release(NULL);
}

/* Each bad call returns LK_EINVAL and leaves the earlier result released. */
static void expect_einval(const lk_match_params *p, const double *qt, size_t nq, int still,
                          const lk_hit *h, size_t nh, const lk_ref_frame *refs, size_t nr)
{
    lk_match_params ok = defaults();
    lk_match_result r = {0};
    double t = 0;
    lk_ref_frame ref = {0, 0, 0, 0, 0};
    lk_hit good = {0, 0, 3, 0, 0};
    CHECK_INT(lk_match_align(&ok, &t, 1, 1, &good, 1, &ref, 1, &r), 1);
    CHECK_INT(lk_match_align(p, qt, nq, still, h, nh, refs, nr, &r), LK_EINVAL);
    CHECK(r.works == NULL && r.nworks == 0);
}

static void test_invalid(void)
{
    lk_match_params p = defaults(), bad;
    double qt[3] = {0, 0.5, 1}, back[3] = {0, 1, 0.5}, nan3[3] = {0, NAN, 1};
    lk_ref_frame refs[2] = {{0, 0, 1, 1, 0}, {0, 0, 2, 1, 0}};
    lk_hit h = {0, 0, 3, 0, 0};
    lk_hit hq = {3, 0, 3, 0, 0}, hr = {0, 2, 3, 0, 0}, hv = {0, 0, 3, 8, 0}, hspan = {0, 1, 3, 0, 0};
    CHECK_INT(lk_match_align(&p, qt, 3, 0, &h, 1, refs, 2, NULL), LK_EINVAL);
    expect_einval(NULL, qt, 3, 0, &h, 1, refs, 2);
    expect_einval(&p, NULL, 3, 0, &h, 1, refs, 2);
    expect_einval(&p, qt, 3, 0, NULL, 1, refs, 2);
    expect_einval(&p, qt, 3, 0, &h, 1, NULL, 2);
    expect_einval(&p, qt, 3, 0, &hq, 1, refs, 2);
    expect_einval(&p, qt, 3, 0, &hr, 1, refs, 2);
    expect_einval(&p, qt, 3, 0, &hv, 1, refs, 2);
    expect_einval(&p, qt, 3, 0, &hspan, 1, refs, 2);
    expect_einval(&p, back, 3, 0, &h, 1, refs, 2);
    expect_einval(&p, nan3, 3, 0, &h, 1, refs, 2);
    expect_einval(&p, qt, 3, 1, &h, 1, refs, 2); /* a still with 3 frames */
    expect_einval(&p, qt, 3, 2, &h, 1, refs, 2);
    bad = p; bad.radius = 257;     expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
    bad = p; bad.min_speed = 1.1;  expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
    bad = p; bad.max_speed = 0.9;  expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
    bad = p; bad.min_speed = 0;    expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
    bad = p; bad.max_gap = 0;      expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
    bad = p; bad.min_score = 1.5;  expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
    bad = p; bad.max_works = 0;    expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
    bad = p; bad.max_segments = 0; expect_einval(&bad, qt, 3, 0, &h, 1, refs, 2);
}

static double now(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* 10 minutes at 2 fps, 50 hits per frame: a 1.1x copy among noise. */
static void test_big(void)
{
    static scene s;
    lk_match_params p = defaults();
    lk_match_result r = {0};
    sc_init(&s, 1200, 2.0);
    refvid v = add_video(&s, 7, 1, 1000);
    for (uint32_t w = 100; w < 2100; w++)
        add_video(&s, w, 0, 60);
    copy(&s, &v, 200, 799, 50.0, 1.1, 12, 0); /* s 100..399.5 */
    for (size_t q = 0; q < s.nq; q++)
        for (int k = 0; k < 50; k++) {
            int dist = 3 + (int)(t_rand(&seed) % 29); /* drawn first, as before */
            add_hit(&s, q, v.n + (uint32_t)(t_rand(&seed) % (s.nrefs - v.n)), dist, 0);
        }
    double t = now(CLOCK_MONOTONIC), c = now(CLOCK_PROCESS_CPUTIME_ID);
    long n = run(&s, &p, 0, &r);
    t = now(CLOCK_MONOTONIC) - t;
    c = now(CLOCK_PROCESS_CPUTIME_ID) - c;
    printf("match: 1200 frames x %zu hits aligned in %.2f ms (%.2f ms cpu)\n", s.nhits / 1200,
           t * 1e3, c * 1e3);
    CHECK(n >= 1);
    CHECK_INT(r.works[0].work, 7);
    CHECK_INT(r.works[0].nsegs, 1);
    check_seg(&r.works[0].segs[0], 7, 1, 100.0, 399.5, 50.0, 50.0 + 1.1 * 299.5);
    NEAR(r.works[0].segs[0].speed, 1.1, 0.01);
    CHECK(r.works[0].score >= p.min_score);
    for (size_t w = 1; w < r.nworks; w++)
        CHECK(r.works[w].score < p.min_score);
    lk_match_release(&r);
    sc_free(&s);
}

/* The same hits in another order give the same result. */
static void test_shuffled(void)
{
    scene s;
    lk_match_params p = defaults();
    lk_match_result a = {0}, b = {0};
    sc_init(&s, 80, 2.0);
    refvid v = add_video(&s, 1, 1, 60), u = add_video(&s, 2, 1, 60);
    copy(&s, &v, 0, 39, 5.0, 0.9, 10, 0);
    copy(&s, &u, 30, 79, 0.0, 1.0, 15, 0);
    for (size_t q = 0; q < s.nq; q++)
        add_hit(&s, q, (uint32_t)(t_rand(&seed) % s.nrefs), 28, 1);
    CHECK(run(&s, &p, 0, &a) >= 2);
    for (size_t i = s.nhits - 1; i > 0; i--) {
        size_t j = t_rand(&seed) % (i + 1);
        lk_hit t = s.hits[i];
        s.hits[i] = s.hits[j];
        s.hits[j] = t;
    }
    CHECK_INT(run(&s, &p, 0, &b), (long)a.nworks);
    int same = a.nworks == b.nworks;
    for (size_t w = 0; same && w < a.nworks; w++) {
        same = a.works[w].work == b.works[w].work && a.works[w].nsegs == b.works[w].nsegs &&
               a.works[w].score == b.works[w].score && a.works[w].frames == b.works[w].frames;
        for (size_t g = 0; same && g < a.works[w].nsegs; g++)
            same = !memcmp(&a.works[w].segs[g], &b.works[w].segs[g], sizeof(lk_segment));
    }
    CHECK(same);
    lk_match_release(&a);
    lk_match_release(&b);
    sc_free(&s);
}

static void test_scores(void)
{
    lk_match_params p = defaults();
    int R = p.radius;
    /* closer -> more evidence; other places of the picture -> less */
    for (int d = 0; d < R; d++) {
        CHECK(lki_ev_frame_llr(&p, d + 1, 0, 0, 0) <= lki_ev_frame_llr(&p, d, 0, 0, 0));
        CHECK(lki_ev_frame_llr(&p, d + 1, 0, 0, 1) <= lki_ev_frame_llr(&p, d, 0, 0, 1));
        CHECK(lki_ev_frame_llr(&p, d, 0, 3, 0) < lki_ev_frame_llr(&p, d, 0, 0, 0));
    }
    CHECK(lki_ev_frame_llr(&p, 0, 0, 0, 0) > lki_ev_frame_llr(&p, R, 0, 0, 0));
    for (uint16_t k = 1; k < 100; k++) /* flat while C is capped at 1 */
        CHECK(lki_ev_frame_llr(&p, 0, k + 1, 0, 0) >= lki_ev_frame_llr(&p, 0, k, 0, 0));
    CHECK(lki_ev_frame_llr(&p, 0, 15, 0, 0) > lki_ev_frame_llr(&p, 0, 14, 0, 0));
    /* a verified frame is never worth more than an identical PDQ hash of it */
    for (int still = 0; still <= 1; still++)
        for (double m = 0; m <= 4; m += 2) {
            double pdq0 = lki_ev_frame_llr(&p, 0, 0, m, still);
            CHECK(lki_ev_frame_llr(&p, 0, 300, m, still) <= pdq0 + 1e-12);
            CHECK(lki_ev_frame_llr(&p, 0, 300, m, still) >= pdq0 - 1e-12); /* capped there */
        }
    /* score of a chance: monotone, 0.5 at the default rate */
    CHECK(fabs(lk_match_score_of_chance(LK_MATCH_DEFAULT_RATE) - 0.5) < 1e-12);
    CHECK(lk_match_score_of_chance(0) == 1.0 && lk_match_score_of_chance(NAN) == 0.0);
    for (int e = -12; e < 5; e++) { /* below, the score is 1 - 1e-7: rounding */
        double c = pow(10.0, e);
        CHECK(lk_match_score_of_chance(c * 2) < lk_match_score_of_chance(c));
        NEAR(lk_match_chance_of_score(lk_match_score_of_chance(c)) / c, 1.0, 1e-6);
    }
    NEAR(lk_match_chance_of_score(p.min_score), LK_MATCH_DEFAULT_RATE, 1e-15);
    /* a suspect frame searched as 9 windows x 8 variants has 72 chances of a
     * chance hit: a single video frame of it, even exact, stays weak */
    lk_match_params pic = p;
    pic.hashes_per_frame = 72;
    CHECK(lk_match_score_of_chance(lki_ev_chance(&pic, lki_ev_frame_llr(&pic, 0, 0, 0, 0), 40,
                                                 0)) < p.min_score);
    /* a close still is a match; one near the radius is far weaker, and not a
     * match once the index shows neighbours that far (0.2 % of the sample) */
    double e8 = lki_ev_chance(&pic, lki_ev_frame_llr(&pic, 8, 0, 0, 1), 1, 1);
    double e30 = lki_ev_chance(&pic, lki_ev_frame_llr(&pic, 30, 0, 0, 1), 1, 1);
    CHECK(lk_match_score_of_chance(e8) > p.min_score);
    CHECK(e30 > 100 * e8);
    lk_match_background bg = {.entries = 100000};
    uint16_t d29 = 29;
    for (int i = 0; i < 8192; i++)
        lk_match_background_add(&bg, &d29, i % 500 == 0);
    pic.background = &bg;
    CHECK(lk_match_score_of_chance(lki_ev_chance(&pic, lki_ev_frame_llr(&pic, 30, 0, 0, 1), 1,
                                                 1)) < p.min_score);
    CHECK(lk_match_score_of_chance(lki_ev_chance(&pic, lki_ev_frame_llr(&pic, 8, 0, 0, 1), 1,
                                                 1)) > p.min_score);
    pic.background = NULL;

    /* the same through lk_match_align: one video frame vs a 10 s run at d 20 */
    scene s;
    lk_match_result r = {0};
    sc_init(&s, 40, 2.0);
    refvid v = add_video(&s, 1, 0, 30), u = add_video(&s, 2, 0, 30);
    copy(&s, &v, 0, 20, 3.0, 1.0, 20, 0);
    add_hit(&s, 30, u.base + 7, 0, 0);
    CHECK_INT(run(&s, &pic, 0, &r), 2);
    CHECK_INT(r.works[0].work, 1);
    CHECK(r.works[0].score > p.min_score);
    CHECK_INT(r.works[1].work, 2);
    CHECK(r.works[1].score < p.min_score);
    CHECK_INT(r.works[1].segs[0].frames, 1);
    lk_match_release(&r);
    sc_free(&s);

    /* style score: 1 at 0, monotone decreasing, in [0,1] */
    CHECK(lk_style_score(0.0) == 1.0);
    for (int i = 0; i < 100; i++)
        CHECK(lk_style_score((i + 1) / 100.0) < lk_style_score(i / 100.0));
    CHECK(lk_style_score(1.0) >= 0.0);
    CHECK(lk_style_score(NAN) == 0.0);
    /* calibrated: 0.5 at distance 0.253 (src/match/score.c) */
    CHECK(fabs(lk_style_score(0.253) - 0.5) < 1e-9);
    CHECK(lk_style_score(0.2) >= p.style_threshold);
    CHECK(lk_style_score(0.3) < p.style_threshold);
    CHECK_STR(lk_verdict_name(LK_VERDICT_CLEAN), "clean");
    CHECK_STR(lk_verdict_name(LK_VERDICT_RESEMBLES), "resembles");
    CHECK_STR(lk_verdict_name(LK_VERDICT_MATCH), "match");
    CHECK_STR(lk_verdict_name(LK_VERDICT_ERROR), "error");
    CHECK_STR(lk_verdict_name(99), "unknown");
}

int main(void)
{
    test_clean_copy();
    test_speed(0.8);
    test_speed(1.2);
    test_frame_rate();
    test_dropped();
    test_inserted(3.0);
    test_inserted(6.0);
    test_two_works();
    test_mirrored();
    test_still_shot();
    test_stills();
    test_noise();
    test_loops();
    test_generic();
    test_empty();
    test_invalid();
    test_big();
    test_shuffled();
    test_scores();
    TEST_DONE("match");
}
