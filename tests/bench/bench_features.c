/*
 * bench_features.c — features per frame, and the whole decode -> sample ->
 * features pipeline on generated H.264 clips next to a plain full decode
 * by the ffmpeg CLI timed in the same run.
 *
 * Cases:
 *   features/512x288    one working-size frame (what a 1080p frame becomes
 *                       after the decoder's scaling) to all features
 *   features/1920x1080  the same computed on the full-size frame
 *   pipeline/<clip>     lk_decoder (2 fps + scene cuts) + all features at
 *                       every SIMD level: real-time factor, sampled frames/s,
 *                       and the speed-up over ffmpeg-null-decode/<clip>,
 *                       `ffmpeg -v error -i CLIP -f null -` in the same run
 * Every level's features must equal the scalar level's before it is timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "harness.h"
#include "likeness/likeness.h"
#include "features/features_internal.h"


/* Runs a shell command; returns its exit status. */
static int sh(const char *cmd)
{
    int rc = system(cmd);
    return rc == -1 ? -1 : (rc >> 8) & 0xff;
}

/* Makes (once) a raw RGB24 frame of w x h from a lavfi source; returns the
 * pixels (caller frees) or NULL. */
static uint8_t *make_frame(const bench_opts *o, int w, int h)
{
    char path[512], cmd[1024];
    snprintf(path, sizeof path, "%s/frame-%dx%d.rgb", o->media, w, h);
    size_t n = (size_t)w * (size_t)h * 3;
    struct stat st;
    if (stat(path, &st) != 0 || (size_t)st.st_size != n) {
        snprintf(cmd, sizeof cmd,
                 "ffmpeg -nostdin -v error -y -f lavfi -i 'testsrc2=size=1920x1080,"
                 "trim=start_frame=7:end_frame=8,scale=%d:%d:flags=area' -frames:v 1 "
                 "-f rawvideo -pix_fmt rgb24 '%s'", w, h, path);
        if (sh(cmd) != 0)
            return NULL;
    }
    uint8_t *buf = malloc(n);
    FILE *fp = fopen(path, "rb");
    if (!buf || !fp || fread(buf, 1, n, fp) != n) {
        free(buf);
        buf = NULL;
    }
    if (fp)
        fclose(fp);
    return buf;
}

struct feat_arg {
    lk_hasher *h;
    lk_image img;
    lk_features f;
};

static void run_features(void *p)
{
    struct feat_arg *a = p;
    lk_hasher_compute(a->h, &a->img, LK_FEAT_ALL, &a->f);
}

/* Times all features of one frame at every level; 0 or -1 on mismatch. */
static int bench_frame(const bench_opts *o, int w, int h)
{
    uint8_t *px = make_frame(o, w, h);
    if (!px) {
        fprintf(stderr, "bench_features: cannot make a %dx%d frame\n", w, h);
        return -1;
    }
    lk_features ref;
    double t_scalar = 0;
    int rc = 0;
    char name[64];
    snprintf(name, sizeof name, "%dx%d", w, h);
    for (int lvl = LK_SIMD_SCALAR; lvl <= LK_SIMD_AVX512; lvl++) {
        lk_simd_ops ops;
        if (lk_simd_ops_for(lvl, &ops) < 0)
            continue;
        struct feat_arg a = { .img = { px, w, h, w * 3, LK_PIX_RGB24 } };
        if (lki_hasher_new_with_ops(&a.h, &ops) < 0) {
            rc = -1;
            break;
        }
        run_features(&a);
        if (lvl == LK_SIMD_SCALAR)
            ref = a.f;
        else if (memcmp(&ref, &a.f, sizeof ref) != 0) {
            fprintf(stderr, "bench_features: %s differs from scalar at %s\n", ops.name, name);
            rc = -1;
        }
        double t = bench_median(o, run_features, &a);
        if (lvl == LK_SIMD_SCALAR)
            t_scalar = t;
        bench_report("features", name, ops.name, t, 1, "frames/s", t_scalar / t);
        lk_hasher_free(&a.h);
    }
    free(px);
    return rc;
}

/* Makes (once) a 10 s H.264 clip of w x h. */
static int make_clip(const bench_opts *o, int w, int h, char *path, size_t n)
{
    char cmd[1024];
    struct stat st;
    snprintf(path, n, "%s/clip-%dp.mp4", o->media, h);
    if (stat(path, &st) == 0 && st.st_size > 0)
        return 0;
    snprintf(cmd, sizeof cmd,
             "ffmpeg -nostdin -v error -y -f lavfi -i 'testsrc2=size=%dx%d:rate=25' "
             "-f lavfi -i 'mandelbrot=size=%dx%d:rate=25' -filter_complex "
             "'[0:v]trim=duration=5[a];[1:v]trim=duration=5[b];[a][b]concat=n=2:v=1' "
             "-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p '%s'",
             w, h, w, h, path);
    return sh(cmd) == 0 ? 0 : -1;
}

struct pipe_arg {
    const char *path;
    lk_hasher *h;
    long frames;
    int rc;
};

static void run_pipeline(void *p)
{
    struct pipe_arg *a = p;
    lk_decoder *d = NULL;
    lk_frame fr;
    lk_features f;
    a->frames = 0;
    a->rc = lk_decoder_open(&d, a->path, NULL, NULL);
    while (a->rc >= 0 && (a->rc = lk_decoder_next(d, &fr, NULL)) > 0) {
        lk_hasher_compute(a->h, &fr.image, LK_FEAT_ALL, &f);
        a->frames++;
    }
    lk_decoder_free(&d);
}

static void run_ffmpeg(void *p)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -i '%s' -f null -", (const char *)p);
    if (sh(cmd) != 0)
        fprintf(stderr, "bench_features: ffmpeg failed on %s\n", (const char *)p);
}

/* Decode + sample + features of one clip at every SIMD level, next to a
 * full `ffmpeg -f null` decode timed in the same run. */
static int bench_clip(const bench_opts *o, int w, int h)
{
    char path[512], name[64];
    if (make_clip(o, w, h, path, sizeof path) < 0) {
        fprintf(stderr, "bench_features: cannot make the %dp clip\n", h);
        return -1;
    }
    snprintf(name, sizeof name, "%dp-10s", h);
    double t_ff = bench_median(o, run_ffmpeg, path);
    bench_report("ffmpeg-null-decode", name, "n/a", t_ff, 10.0, "x realtime", 0);
    long frames = -1;
    for (int lvl = LK_SIMD_SCALAR; lvl <= LK_SIMD_AVX512; lvl++) {
        lk_simd_ops ops;
        struct pipe_arg a = { path, NULL, 0, 0 };
        if (lk_simd_ops_for(lvl, &ops) < 0)
            continue;
        if (lki_hasher_new_with_ops(&a.h, &ops) < 0)
            return -1;
        run_pipeline(&a);
        if (a.rc < 0 || a.frames < 20 || (frames >= 0 && a.frames != frames)) {
            fprintf(stderr, "bench_features: pipeline on %s gave %ld frames (rc %d)\n", path,
                    a.frames, a.rc);
            lk_hasher_free(&a.h);
            return -1;
        }
        frames = a.frames;
        double t = bench_median(o, run_pipeline, &a);
        /* speed-up here is over the full ffmpeg decode, not over scalar */
        bench_report("pipeline", name, ops.name, t, 10.0, "x realtime", t_ff / t);
        bench_report("pipeline-frames", name, ops.name, t, (double)a.frames,
                     "sampled frames/s", 0);
        lk_hasher_free(&a.h);
    }
    return 0;
}

int bench_features(const bench_opts *o)
{
    int rc = 0;
    rc |= bench_frame(o, 512, 288);
    if (!o->quick)
        rc |= bench_frame(o, 1920, 1080);
    rc |= bench_clip(o, 1280, 720);
    if (!o->quick)
        rc |= bench_clip(o, 1920, 1080);
    return rc ? 1 : 0;
}
