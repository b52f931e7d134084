/*
 * test_decode_video.c — the FFmpeg backend (src/decode/ffmpeg.c) on the
 * media of tests/media/gen-video.sh (found at $LK_MEDIA): frame counts per
 * sampling mode, times, rotation, 10-bit, VFR, scene cuts, odd sizes,
 * stills, and the error paths (audio only, unrecognised, truncated).
 */
#include <math.h>
#include <libavutil/log.h>
#include "test.h"
#include "decode/decode_internal.h"

#define MAXF 256

/* What a run over one file gave. */
typedef struct run {
    int rc_open, rc_end, n;
    lk_media_info info;
    lk_errbuf err;
    double time[MAXF];
    int64_t number[MAXF];
    unsigned flags[MAXF];
    int w[MAXF], h[MAXF];
    uint8_t *first;   /* copy of the first frame, dense RGB24 */
} run;

static char path_buf[1024];

static const char *media(const char *name)
{
    const char *dir = getenv("LK_MEDIA");
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir ? dir : "build/media", name);
    return path_buf;
}

static lk_decode_opts opts(double fps, int keyframes)
{
    lk_decode_opts o;
    memset(&o, 0, sizeof o);
    o.fps = fps;
    o.keyframes = keyframes;
    o.scene_cuts = 1;
    o.max_dim = 512;
    return o;
}

/* Test-only opener: decodes name to the end with o, recording every frame. */
static run *decode(const char *name, lk_decode_opts o)
{
    run *r = calloc(1, sizeof *r);
    void *st = NULL;
    lki_source src;
    r->rc_open = lki_source_open(&src, media(name), o.interrupt, &r->err);
    if (r->rc_open < 0)
        return r;
    r->rc_open = lki_backend_ffmpeg.open(&st, &src, &o, &r->info, &r->err);
    if (r->rc_open < 0) {
        lki_source_close(&src);
        return r;
    }
    lk_rawframe f;
    while ((r->rc_end = lki_backend_ffmpeg.next(st, &f, &r->err)) == 1) {
        CHECK(f.width >= 1 && f.height >= 1 && f.stride >= 3 * f.width);
        CHECK(f.width <= o.max_dim && f.height <= o.max_dim);
        if (r->n == 0) {
            r->first = malloc((size_t)f.width * f.height * 3);
            for (int y = 0; y < f.height; y++)
                memcpy(r->first + (size_t)y * f.width * 3, f.data + (size_t)y * f.stride,
                       (size_t)f.width * 3);
        }
        if (r->n < MAXF) {
            r->time[r->n] = f.time;
            r->number[r->n] = f.number;
            r->flags[r->n] = f.flags;
            r->w[r->n] = f.width;
            r->h[r->n] = f.height;
        }
        r->n++;
    }
    lki_backend_ffmpeg.close(st);
    lki_source_close(&src);
    return r;
}

static void done(run *r)
{
    free(r->first);
    free(r);
}

static int monotonic(const run *r)
{
    for (int i = 1; i < r->n && i < MAXF; i++)
        if (!(r->time[i] > r->time[i - 1]) || r->number[i] <= r->number[i - 1])
            return 0;
    return 1;
}

static void test_h264_counts(void)
{
    run *r = decode("h264.mp4", opts(0, 0));
    CHECK_INT(r->rc_open, 0);
    CHECK_INT(r->rc_end, 0);
    CHECK_INT(r->n, 100);
    CHECK(monotonic(r));
    for (int i = 0; i < r->n && i < MAXF; i++) {
        CHECK_INT(r->number[i], i);
        CHECK(fabs(r->time[i] - i * 0.04) < 1e-6);
    }
    CHECK_INT(r->info.width, 320);
    CHECK_INT(r->info.height, 240);
    CHECK_INT(r->info.rotation, 0);
    CHECK_INT(r->info.frame_count, 100);
    CHECK(fabs(r->info.fps - 25.0) < 1e-9);
    CHECK(fabs(r->info.duration - 4.0) < 0.05);
    CHECK_STR(r->info.codec, "h264");
    CHECK(strstr(r->info.format, "mp4") != NULL);
    CHECK_INT(r->info.is_still, 0);
    CHECK_INT(r->w[0], 320);
    CHECK_INT(r->h[0], 240);
    done(r);

    /* 2 fps: one frame at or after each 0.5 s, spacing 0.5 s +- a frame. */
    r = decode("h264.mp4", opts(2, 0));
    CHECK_INT(r->n, 8);
    CHECK(monotonic(r));
    for (int i = 0; i < r->n && i < MAXF; i++) {
        CHECK(r->time[i] >= i * 0.5 - 1e-9 && r->time[i] < i * 0.5 + 0.04 + 1e-9);
        CHECK_INT(r->number[i], llround(r->time[i] * 25));
        if (i)
            CHECK(fabs(r->time[i] - r->time[i - 1] - 0.5) <= 0.04 + 1e-9);
    }
    done(r);

    /* Key frames: GOP of 25, so at 0, 1, 2, 3 s, all flagged. */
    r = decode("h264.mp4", opts(2, 1));
    CHECK_INT(r->n, 4);
    for (int i = 0; i < r->n && i < 4; i++) {
        CHECK(fabs(r->time[i] - i) < 1e-6);
        CHECK_INT(r->number[i], 25 * i);
        CHECK(r->flags[i] & LK_FRAME_KEY);
    }
    done(r);

    /* Working size: 320x240 fits 160 as 160x120; never upscaled. */
    lk_decode_opts o = opts(2, 0);
    o.max_dim = 160;
    r = decode("h264.mp4", o);
    CHECK(r->n == 8 && r->w[0] == 160 && r->h[0] == 120);
    done(r);
}

static void test_rotation(void)
{
    lk_decode_opts o = opts(2, 0);
    run *a = decode("h264.mp4", o), *b = decode("rot90.mp4", o);
    CHECK_INT(b->rc_open, 0);
    CHECK_INT(b->info.rotation, 90);
    CHECK_INT(b->info.width, 240);
    CHECK_INT(b->info.height, 320);
    CHECK_INT(b->n, 8);
    CHECK(b->h[0] > b->w[0]);
    /* The same stream turned 90 degrees clockwise: the top-left source
     * pixel is the top-right one of the upright picture. */
    if (a->first && b->first && b->w[0] == 240 && b->h[0] == 320) {
        int same = 1;
        for (int y = 0; y < 240 && same; y++)
            for (int x = 0; x < 320 && same; x++)
                same = !memcmp(a->first + ((size_t)y * 320 + x) * 3,
                               b->first + ((size_t)x * 240 + (239 - y)) * 3, 3);
        CHECK(same);
    }
    done(a);
    done(b);
}

static void test_formats(void)
{
    static const struct { const char *name; int w, h, n_all; } cases[] = {
        {"10bit.mkv", 320, 240, 50},   {"interlaced.mpg", 320, 240, 50},
        {"vp9.webm", 320, 240, 50},    {"anim.gif", 160, 120, 20},
        {"anim.apng", 160, 120, 20},   {"alpha.mkv", 160, 120, 10},
        {"tiny17x9.mkv", 17, 9, 10},   {"tiny1x1.mkv", 1, 1, 10},
        {"letterbox.mp4", 320, 240, 25},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run *r = decode(cases[i].name, opts(0, 0));
        if (r->rc_open || r->rc_end || r->n != cases[i].n_all)
            fprintf(stderr, "%s: open %d end %d n %d (%s)\n", cases[i].name, r->rc_open,
                    r->rc_end, r->n, r->err.msg);
        CHECK_INT(r->rc_open, 0);
        CHECK_INT(r->rc_end, 0);
        CHECK_INT(r->n, cases[i].n_all);
        CHECK(monotonic(r));
        CHECK(r->w[0] == cases[i].w && r->h[0] == cases[i].h);
        CHECK_INT(r->info.is_still, 0);
        done(r);
    }
    /* The 10-bit clip keeps its colours: testsrc2's top-left corner is the
     * dark time-code box, its left column below is red. */
    run *r = decode("10bit.mkv", opts(2, 0));
    if (r->first) {
        const uint8_t *p = r->first + ((size_t)120 * 320 + 10) * 3;
        CHECK(p[0] > 150 && p[1] < 80 && p[2] < 80);
    }
    done(r);
}

static void test_vfr(void)
{
    run *r = decode("vfr.mkv", opts(0, 0));
    CHECK_INT(r->n, 50);
    for (int i = 0; i < r->n && i < 50; i++) {
        double want = i < 25 ? i * 0.04 : 1.0 + (i - 25) * 0.1;
        CHECK(fabs(r->time[i] - want) < 0.0015);
    }
    done(r);
    /* 2 fps: the first frame at or after 0, 0.5, ..., 3.0 s (0.5 falls
     * between 0.48 and 0.52; the rest are frames of the 10 fps part). */
    r = decode("vfr.mkv", opts(2, 0));
    CHECK_INT(r->n, 7);
    for (int i = 0; i < r->n && i < 7; i++)
        CHECK(fabs(r->time[i] - (i == 1 ? 0.52 : i * 0.5)) < 0.0015);
    done(r);
}

static void test_cuts(void)
{
    run *r = decode("cuts.mp4", opts(2, 0));
    CHECK_INT(r->rc_end, 0);
    int cuts = 0;
    double at[2] = {-1, -1};
    for (int i = 0; i < r->n && i < MAXF; i++)
        if (r->flags[i] & LK_FRAME_SCENECUT) {
            if (cuts < 2)
                at[cuts] = r->time[i];
            cuts++;
        }
    CHECK_INT(cuts, 2);
    CHECK(fabs(at[0] - 1.2) <= 0.04 + 1e-6);
    CHECK(fabs(at[1] - 2.6) <= 0.04 + 1e-6);
    CHECK_INT(r->n, 10); /* 8 on the grid + 2 cuts */
    done(r);
    /* Every frame: still exactly two cuts. */
    r = decode("cuts.mp4", opts(0, 0));
    CHECK_INT(r->n, 90);
    cuts = 0;
    for (int i = 0; i < r->n && i < MAXF; i++)
        cuts += (r->flags[i] & LK_FRAME_SCENECUT) != 0;
    CHECK_INT(cuts, 2);
    done(r);
}

static void test_stills(void)
{
    static const char *names[] = {"still.bmp", "still.webp", "still.tiff"};
    for (int i = 0; i < 3; i++) {
        run *r = decode(names[i], opts(2, 0));
        CHECK_INT(r->rc_open, 0);
        CHECK_INT(r->n, 1);
        CHECK_INT(r->info.is_still, 1);
        CHECK(r->info.duration == 0 && r->info.fps == 0 && r->info.frame_count == 1);
        CHECK(r->flags[0] & LK_FRAME_STILL);
        CHECK(r->w[0] == 64 && r->h[0] == 48);
        done(r);
    }
}

/* The error message names the file. */
static int names_file(const run *r, const char *name)
{
    return strstr(r->err.msg, name) != NULL && r->err.code == r->rc_open;
}

static void test_errors(void)
{
    static const char *audio[] = {"audio.m4a", "audio.wav", "cover.m4a"};
    for (int i = 0; i < 3; i++) {
        run *r = decode(audio[i], opts(2, 0));
        CHECK_INT(r->rc_open, LK_ENOFRAMES);
        CHECK(names_file(r, audio[i]));
        CHECK(strstr(r->err.msg, "audio only") != NULL);
        done(r);
    }
    run *r = decode("random.dat", opts(2, 0));
    CHECK_INT(r->rc_open, LK_EFORMAT);
    CHECK(names_file(r, "random.dat") && strstr(r->err.msg, "unrecognised") != NULL);
    done(r);
    r = decode("no-such-file.mp4", opts(2, 0));
    CHECK_INT(r->rc_open, LK_ENOENT);
    CHECK(names_file(r, "no-such-file.mp4"));
    done(r);

    /* Truncated at half: the frames before the damage, then a clean end. */
    r = decode("trunc-h264.mp4", opts(0, 0));
    CHECK_INT(r->rc_open, 0);
    CHECK_INT(r->rc_end, 0);
    CHECK(r->n >= 30 && r->n < 100);
    CHECK(monotonic(r));
    done(r);
    r = decode("trunc-vfr.mkv", opts(0, 0));
    CHECK_INT(r->rc_end, 0);
    CHECK(r->n >= 10 && r->n < 50);
    CHECK(monotonic(r));
    done(r);
}

static void test_threads(void)
{
    /* Same frames with one thread as with automatic threading. */
    lk_decode_opts o = opts(2, 0);
    o.threads = 1;
    run *a = decode("cuts.mp4", o), *b = decode("cuts.mp4", opts(2, 0));
    CHECK_INT(a->n, b->n);
    CHECK(a->first && b->first && !memcmp(a->first, b->first, (size_t)320 * 240 * 3));
    for (int i = 0; i < a->n && i < b->n && i < MAXF; i++)
        CHECK(a->time[i] == b->time[i] && a->flags[i] == b->flags[i]);
    done(a);
    done(b);
}

/* Reference mode (vpdq-hash-video's frames): no rotation, coded size,
 * every decoded frame numbered, kept every (int)(rate / fps)-th, times
 * number / rate in single precision, no scene cuts, key-frame mode and
 * working size not used; a still FFmpeg reads gets pdq-photo-hasher's
 * 512x512. */
static void test_reference(void)
{
    lk_decode_opts o = opts(0, 0);
    o.reference = 1;
    run *a = decode("rot90.mp4", o), *b = decode("h264.mp4", o);
    CHECK_INT(a->rc_open, 0);
    CHECK_INT(a->rc_end, 0);
    CHECK_INT(a->info.rotation, 0);
    CHECK(a->info.width == 320 && a->info.height == 240);
    CHECK_INT(a->n, 100);
    int ok = a->n == 100;
    for (int i = 0; ok && i < a->n; i++)
        ok = a->number[i] == i && a->time[i] == (double)((float)i / 25.0f) && a->w[i] == 320 &&
             a->h[i] == 240;
    CHECK(ok);
    CHECK(a->first && b->first && !memcmp(a->first, b->first, 320 * 240 * 3));
    done(a);
    done(b);

    o = opts(2, 1); /* key-frame mode is not used */
    o.reference = 1;
    a = decode("h264.mp4", o);
    CHECK_INT(a->n, 9); /* frames 0, 12, ..., 96 */
    ok = a->n == 9;
    for (int i = 0; ok && i < a->n; i++)
        ok = a->number[i] == 12 * i && a->time[i] == (double)((float)(12 * i) / 25.0f);
    CHECK(ok);
    done(a);

    o = opts(0, 0);
    o.reference = 1;
    a = decode("cuts.mp4", o);
    CHECK_INT(a->n, 90);
    int cuts = 0;
    for (int i = 0; i < a->n && i < MAXF; i++)
        cuts += (a->flags[i] & LK_FRAME_SCENECUT) != 0;
    CHECK_INT(cuts, 0);
    done(a);

    a = decode("stills/letterbox.png", o);
    CHECK(a->rc_open == 0 && a->n == 1 && a->info.is_still && a->w[0] == 512 && a->h[0] == 512);
    done(a);
    a = decode("still.bmp", o);
    CHECK(a->rc_open == 0 && a->n == 1 && a->w[0] == 64 && a->h[0] == 48);
    done(a);
}

int main(void)
{
    av_log_set_level(AV_LOG_QUIET);
    test_h264_counts();
    test_rotation();
    test_formats();
    test_vfr();
    test_cuts();
    test_stills();
    test_errors();
    test_threads();
    test_reference();
    TEST_DONE("test_decode_video");
}
