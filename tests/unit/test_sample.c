/*
 * test_sample.c — the frame sampler (src/decode/sample.c) on synthetic
 * timestamps and signatures: time grid at constant rate, VFR, jitter, gaps
 * and backwards times; every-frame and key-frame modes; which frames a
 * skipping decoder may leave out (lki_sampler_may_keep, a fixed spacing);
 * scene cuts against hard cuts, fades, flashes and steady fast motion.
 */
#include <math.h>
#include "test.h"
#include "decode/sample.h"

static lk_decode_opts opts(double fps, int keyframes, int scene_cuts)
{
    lk_decode_opts o;
    memset(&o, 0, sizeof o);
    o.fps = fps;
    o.keyframes = keyframes;
    o.scene_cuts = scene_cuts;
    o.max_dim = 512;
    return o;
}

/* Runs times[0..n) through a sampler; writes kept indices, returns count. */
static int run_times(lk_sampler *s, const double *times, int n, int *kept)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (lki_sampler_keep(s, times[i], 0, 0))
            kept[k++] = i;
    return k;
}

static void test_constant_rate(void)
{
    lk_decode_opts o = opts(2.0, 0, 0);
    lk_sampler s;
    lki_sampler_init(&s, &o);
    double t[100];
    int kept[100];
    for (int i = 0; i < 100; i++)
        t[i] = 10.0 + i * 0.04; /* 25 fps, stream starting at 10 s */
    int k = run_times(&s, t, 100, kept);
    CHECK_INT(k, 8);
    /* The first frame at or after each multiple of 0.5 s from the first. */
    int want[8] = {0, 13, 25, 38, 50, 63, 75, 88};
    for (int i = 0; i < k && i < 8; i++)
        CHECK_INT(kept[i], want[i]);
}

static void test_every_frame_and_keyframes(void)
{
    lk_decode_opts o = opts(0.0, 0, 0);
    lk_sampler s;
    lki_sampler_init(&s, &o);
    int n = 0;
    for (int i = 0; i < 50; i++)
        n += lki_sampler_keep(&s, i * 0.04, i % 10 == 0, 0);
    CHECK_INT(n, 50);
    CHECK(isinf(lki_sampler_next_time(&s)) && lki_sampler_next_time(&s) < 0);

    o = opts(2.0, 1, 0);
    lki_sampler_init(&s, &o);
    n = 0;
    for (int i = 0; i < 50; i++) {
        int keep = lki_sampler_keep(&s, i * 0.04, i % 10 == 0, 0);
        CHECK_INT(keep, i % 10 == 0);
        n += keep;
    }
    CHECK_INT(n, 5);
    CHECK(isinf(lki_sampler_next_time(&s)) && lki_sampler_next_time(&s) > 0);
}

static void test_vfr(void)
{
    /* 25 frames 40 ms apart, then 100 ms apart, then one 2.3 s gap. */
    double t[60];
    int n = 0, kept[60];
    for (int i = 0; i < 25; i++)
        t[n++] = i * 0.04;
    for (int i = 0; i < 25; i++)
        t[n++] = 1.0 + i * 0.1;
    t[n++] = 5.7;
    t[n++] = 5.8;
    lk_decode_opts o = opts(2.0, 0, 0);
    lk_sampler s;
    lki_sampler_init(&s, &o);
    int k = run_times(&s, t, n, kept);
    /* Grid 0, 0.5, ..., 3.0 from the first part and ramp (7 samples), then
     * the gap skips the missed multiples: one sample at 5.7 (slot 11). */
    CHECK_INT(k, 8);
    for (int i = 0; i < k && i < 7; i++) {
        CHECK(t[kept[i]] >= i * 0.5 - 1e-9);
        CHECK(t[kept[i]] < i * 0.5 + 0.1);
        if (i)
            CHECK(t[kept[i] - 1] < i * 0.5 - 1e-9);
    }
    CHECK(k == 8 && t[kept[7]] == 5.7);
    CHECK(fabs(lki_sampler_next_time(&s) - 6.0) < 0.03);
}

static void test_jitter(void)
{
    /* 30 fps with +-2 ms jitter: a frame 1 ms before a grid point is taken
     * for it, the following one not; exactly one sample per 0.5 s. */
    uint64_t seed = 42;
    double t[300];
    int kept[300];
    for (int i = 0; i < 300; i++)
        t[i] = i / 30.0 + ((double)(t_rand(&seed) % 4001) - 2000.0) * 1e-6;
    t[0] = 0.0;
    t[15] = 0.499; /* just early for the 0.5 s point */
    lk_decode_opts o = opts(2.0, 0, 0);
    lk_sampler s;
    lki_sampler_init(&s, &o);
    int k = run_times(&s, t, 300, kept);
    CHECK_INT(k, 20);
    CHECK(k > 1 && kept[1] == 15);
    for (int i = 1; i < k; i++) {
        double gap = t[kept[i]] - t[kept[i - 1]];
        CHECK(fabs(gap - 0.5) < 1.0 / 30 + 0.005);
    }
}

static void test_backwards(void)
{
    lk_decode_opts o = opts(2.0, 0, 0);
    lk_sampler s;
    lki_sampler_init(&s, &o);
    CHECK_INT(lki_sampler_keep(&s, 1.0, 0, 0), 1);
    CHECK_INT(lki_sampler_keep(&s, 1.6, 0, 0), 1);
    CHECK_INT(lki_sampler_keep(&s, 0.2, 0, 0), 0); /* goes back */
    CHECK_INT(lki_sampler_keep(&s, 1.7, 0, 0), 0);
    CHECK_INT(lki_sampler_keep(&s, NAN, 0, 0), 0);
    CHECK_INT(lki_sampler_keep(&s, 2.0, 0, 0), 1);
}

/* A signature: a horizontal gradient of the given brightness and offset
 * (the offset moves the picture, as motion does). */
static void make_sig(uint8_t *sig, int base, int shift, int scene)
{
    for (int y = 0; y < LK_SIG_H; y++)
        for (int x = 0; x < LK_SIG_W; x++) {
            int v = scene ? ((x + 2 * y) % 5) * 50 : base + 8 * ((x + shift) % LK_SIG_W);
            sig[y * LK_SIG_W + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
}

static void test_cuts(void)
{
    lk_decode_opts o = opts(2.0, 0, 1);
    lk_sampler s;
    lki_sampler_init(&s, &o);
    uint8_t sig[LK_SIG_LEN];
    int cuts = 0, cut_at = -1, kept_cut = 0;
    for (int i = 0; i < 60; i++) {
        make_sig(sig, 40 + (i % 3), 0, i >= 37); /* still with noise, then a cut */
        int c = lki_sampler_scene(&s, sig);
        int keep = lki_sampler_keep(&s, i * 0.04, 0, c);
        if (c) {
            cuts++;
            cut_at = i;
            kept_cut = keep;
        }
    }
    CHECK_INT(cuts, 1);
    CHECK_INT(cut_at, 37);
    CHECK_INT(kept_cut, 1); /* 1.48 s is off the grid: kept for the cut */

    /* Without scene_cuts the cut is still reported but not kept. */
    o = opts(2.0, 0, 0);
    lki_sampler_init(&s, &o);
    for (int i = 0; i < 5; i++) {
        make_sig(sig, 40 + i % 2, 0, 0);
        CHECK_INT(lki_sampler_scene(&s, sig), 0);
        lki_sampler_keep(&s, i * 0.04, 0, 0);
    }
    make_sig(sig, 40, 0, 1);
    int c = lki_sampler_scene(&s, sig);
    CHECK_INT(c, 1);
    CHECK_INT(lki_sampler_keep(&s, 0.2, 0, c), 0);
}

static void test_fade_flash_motion(void)
{
    lk_decode_opts o = opts(0.0, 0, 1);
    lk_sampler s;
    uint8_t sig[LK_SIG_LEN];
    int cuts = 0;

    /* Fade to black over 25 frames: no cut. */
    lki_sampler_init(&s, &o);
    for (int i = 0; i <= 25; i++) {
        make_sig(sig, 120 - i * 5, 0, 0);
        cuts += lki_sampler_scene(&s, sig);
    }
    CHECK_INT(cuts, 0);

    /* Steady fast motion (a large shift every frame): no cut. */
    lki_sampler_init(&s, &o);
    cuts = 0;
    for (int i = 0; i < 40; i++) {
        make_sig(sig, 20, i * 5, 0);
        cuts += lki_sampler_scene(&s, sig);
    }
    CHECK_INT(cuts, 0);

    /* A one-frame flash: one cut into it, none out of it. */
    lki_sampler_init(&s, &o);
    cuts = 0;
    int first = -1;
    for (int i = 0; i < 30; i++) {
        make_sig(sig, i == 10 ? 200 : 40, 0, 0);
        if (lki_sampler_scene(&s, sig)) {
            cuts++;
            if (first < 0)
                first = i;
        }
    }
    CHECK_INT(cuts, 1);
    CHECK_INT(first, 10);

    /* A cut at the second frame has no baseline yet: not reported. */
    lki_sampler_init(&s, &o);
    make_sig(sig, 40, 0, 0);
    CHECK_INT(lki_sampler_scene(&s, sig), 0);
    make_sig(sig, 40, 0, 1);
    CHECK_INT(lki_sampler_scene(&s, sig), 0);

    /* Two cuts far apart are both found; the first frame is never one. */
    lki_sampler_init(&s, &o);
    cuts = 0;
    for (int i = 0; i < 40; i++) {
        make_sig(sig, 40, 0, i >= 10 && i < 25);
        cuts += lki_sampler_scene(&s, sig);
    }
    CHECK_INT(cuts, 2);
}

/* Keeps frames of times[0..n) (display order), skipping those that
 * lki_sampler_may_keep rules out when asked `lag` frames ahead of the
 * output (a decoder holding frames for reordering); writes kept indices,
 * returns their count, and counts the frames decoded in *decoded. */
static int run_skipping(lk_sampler *s, const double *t, int n, double spacing, int lag,
                        int *kept, int *decoded)
{
    int k = 0, asked[400] = {0};
    *decoded = 0;
    for (int i = 0; i < n; i++) {
        for (int j = i; j < n && j <= i + lag; j++) /* packets sent ahead */
            if (!asked[j])
                asked[j] = lki_sampler_may_keep(s, t[j], spacing) ? 1 : -1;
        if (asked[i] < 0)
            continue;
        ++*decoded;
        if (lki_sampler_keep(s, t[i], 0, 0))
            kept[k++] = i;
    }
    return k;
}

/* With a fixed spacing, decoding only the frames lki_sampler_may_keep
 * allows keeps exactly the frames a full decode keeps, whatever the
 * reordering lag, at constant rate and with jitter; most frames are ruled
 * out at 30 fps sampled at 4 fps. */
static void test_may_keep(void)
{
    lk_decode_opts o = opts(4.0, 0, 0);
    double t[300];
    for (int jitter = 0; jitter < 2; jitter++) {
        for (int i = 0; i < 300; i++) /* 30 fps from 3 s; jitter up to 10 % of a frame */
            t[i] = 3.0 + i / 30.0 + (jitter ? 0.1 / 30.0 * sin(i * 1.7) : 0.0);
        lk_sampler full;
        lki_sampler_init(&full, &o);
        lki_sampler_fix_spacing(&full, 1.0 / 30.0);
        int want[300], got[300], decoded, nw = run_times(&full, t, 300, want);
        CHECK_INT(nw, 40);
        for (int lag = 0; lag <= 8; lag += 4) {
            lk_sampler s;
            lki_sampler_init(&s, &o);
            lki_sampler_fix_spacing(&s, 1.0 / 30.0);
            int ng = run_skipping(&s, t, 300, 1.0 / 30.0, lag, got, &decoded);
            CHECK_INT(ng, nw);
            for (int i = 0; i < ng && i < nw; i++)
                CHECK_INT(got[i], want[i]);
            CHECK(decoded <= 2 * nw + 1); /* at most the sample and its neighbour */
        }
    }
    /* before the first frame, every frame kept, keyframes mode */
    lk_sampler s;
    lki_sampler_init(&s, &o);
    CHECK_INT(lki_sampler_may_keep(&s, 1.0, 1.0 / 30.0), 1);
    o = opts(0.0, 0, 0);
    lki_sampler_init(&s, &o);
    lki_sampler_keep(&s, 0.0, 1, 0);
    CHECK_INT(lki_sampler_may_keep(&s, 0.1, 1.0 / 30.0), 1);
    o = opts(2.0, 1, 0);
    lki_sampler_init(&s, &o);
    CHECK_INT(lki_sampler_may_keep(&s, 0.1, 1.0 / 30.0), 0);
}

/* A fixed spacing is not changed by the frames seen, so the tolerance of
 * a stream decoded with gaps is that of the full stream. */
static void test_fixed_spacing(void)
{
    lk_decode_opts o = opts(4.0, 0, 0);
    lk_sampler s;
    lki_sampler_init(&s, &o);
    lki_sampler_fix_spacing(&s, 1.0 / 30.0);
    for (int i = 0; i < 60; i += 3) /* every third frame only */
        lki_sampler_keep(&s, i / 30.0, 0, 0);
    CHECK(fabs(s.dur_est - 1.0 / 30.0) < 1e-12);
    lki_sampler_init(&s, &o);
    for (int i = 0; i < 60; i += 3)
        lki_sampler_keep(&s, i / 30.0, 0, 0);
    CHECK(fabs(s.dur_est - 3.0 / 30.0) < 1e-9); /* the running estimate follows */
}

int main(void)
{
    test_constant_rate();
    test_every_frame_and_keyframes();
    test_vfr();
    test_jitter();
    test_backwards();
    test_cuts();
    test_fade_flash_motion();
    test_may_keep();
    test_fixed_spacing();
    TEST_DONE("test_sample");
}
