/*
 * bench_local.c — local features: extraction per working-size frame and
 * matching + geometric verification per candidate, at every SIMD level.
 *
 * Cases:
 *   local-extract/512x288      keypoints + descriptors (+ mirrored ones) of
 *                              one frame (a testsrc2 frame, as bench_features)
 *   local-verify/true-512x288  its central 448x252 crop against the frame
 *   local-verify/false-512x288 the crop against an unrelated frame
 *                              (mandelbrot)
 * Every level's keypoints, descriptors and verification results must equal
 * the scalar level's before they are timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "harness.h"
#include "likeness/likeness.h"
#include "features/local_internal.h"
#include "match/geometry_internal.h"

/* Makes (once) a raw RGB24 frame of w x h from lavfi source @p src;
 * returns the pixels (caller frees) or NULL. */
static uint8_t *lavfi_frame(const bench_opts *o, const char *name, const char *src, int w,
                            int h)
{
    char path[512], cmd[1024];
    snprintf(path, sizeof path, "%s/local-%s-%dx%d.rgb", o->media, name, w, h);
    size_t n = (size_t)w * (size_t)h * 3;
    struct stat st;
    if (stat(path, &st) != 0 || (size_t)st.st_size != n) {
        snprintf(cmd, sizeof cmd,
                 "ffmpeg -nostdin -v error -y -f lavfi -i '%s,scale=%d:%d:flags=area' "
                 "-frames:v 1 -f rawvideo -pix_fmt rgb24 '%s'", src, w, h, path);
        int rc = system(cmd);
        if (rc != 0)
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

struct ext_arg {
    lk_local_extractor *e;
    lk_image img;
    lk_local_params p;
    lk_local_features f;
};

static void run_extract(void *p)
{
    struct ext_arg *a = p;
    lk_local_extract(a->e, &a->img, &a->p, &a->f);
}

struct ver_arg {
    lk_geo_matcher *g;
    const lk_local_features *s, *r;
    lk_geo_result res;
};

static void run_verify(void *p)
{
    struct ver_arg *a = p;
    lk_geo_verify(a->g, NULL, a->s, a->r, &a->res);
}

static int same_features(const lk_local_features *a, const lk_local_features *b)
{
    return a->count == b->count && !memcmp(a->kp, b->kp, a->count * sizeof *a->kp) &&
           !memcmp(a->desc, b->desc, a->count * sizeof *a->desc) &&
           !memcmp(a->desc_mirror, b->desc_mirror, a->count * sizeof *a->desc);
}

/* Extracts img at one level into *f (mirror as asked); times it when name. */
static double extract_at(const bench_opts *o, const lk_simd_ops *ops, const lk_image *img,
                         int mirror, lk_local_features *f, int timed)
{
    struct ext_arg a = {.img = *img};
    double t = 0;
    lk_local_params_default(&a.p);
    a.p.mirror = mirror;
    if (lki_local_new_with_ops(&a.e, ops) < 0)
        return -1;
    run_extract(&a);
    if (timed)
        t = bench_median(o, run_extract, &a);
    lk_local_free(&a.e);
    lk_local_features_release(f);
    *f = a.f;
    return t;
}

/* Times verification of s against r at one level; checks it against *want
 * (filled at the scalar level). */
static int verify_at(const bench_opts *o, const lk_simd_ops *ops, const char *name,
                     const lk_local_features *s, const lk_local_features *r,
                     lk_geo_result *want, double *t_scalar)
{
    struct ver_arg a = {.s = s, .r = r};
    if (lki_geo_new_with_ops(&a.g, ops) < 0)
        return -1;
    run_verify(&a);
    int rc = 0;
    if (ops->level == LK_SIMD_SCALAR)
        *want = a.res;
    else if (memcmp(want, &a.res, sizeof a.res) != 0) {
        fprintf(stderr, "bench_local: %s: %s verification differs from scalar\n", name, ops->name);
        rc = -1;
    }
    double t = bench_median(o, run_verify, &a);
    if (ops->level == LK_SIMD_SCALAR)
        *t_scalar = t;
    bench_report("local-verify", name, ops->name, t, 1, "candidates/s", *t_scalar / t);
    lk_geo_free(&a.g);
    return rc;
}

int bench_local(const bench_opts *o)
{
    const int w = 512, h = 288;
    uint8_t *px = lavfi_frame(o, "testsrc2", "testsrc2=size=1920x1080,trim=start_frame=7:end_frame=8", w, h);
    uint8_t *neg = lavfi_frame(o, "mandelbrot", "mandelbrot=size=1024x576", w, h);
    if (!px || !neg) {
        fprintf(stderr, "bench_local: cannot make the frames\n");
        free(px);
        free(neg);
        return -1;
    }
    lk_image img = {px, w, h, 3 * w, LK_PIX_RGB24};
    lk_image crop = {px + (18 * w + 32) * 3, 448, 252, 3 * w, LK_PIX_RGB24};
    lk_image other = {neg, w, h, 3 * w, LK_PIX_RGB24};
    lk_local_features ref = {0}, f = {0}, sus = {0}, ref_n = {0};
    lk_geo_result want_t, want_f;
    double ts = 0, tv = 0, tf = 0;
    int rc = 0;
    for (int lvl = LK_SIMD_SCALAR; lvl <= LK_SIMD_AVX512 && rc == 0; lvl++) {
        lk_simd_ops ops;
        if (lk_simd_ops_for(lvl, &ops) < 0)
            continue;
        double t = extract_at(o, &ops, &img, 1, lvl ? &f : &ref, 1);
        if (lvl == LK_SIMD_SCALAR)
            ts = t;
        else if (!same_features(&ref, &f)) {
            fprintf(stderr, "bench_local: %s features differ from scalar\n", ops.name);
            rc = -1;
        }
        bench_report("local-extract", "512x288", ops.name, t, 1, "frames/s", ts / t);
        extract_at(o, &ops, &crop, 1, &sus, 0);
        extract_at(o, &ops, &other, 0, &ref_n, 0);
        rc |= verify_at(o, &ops, "true-512x288", &sus, lvl ? &f : &ref, &want_t, &tv);
        rc |= verify_at(o, &ops, "false-512x288", &sus, &ref_n, &want_f, &tf);
    }
    if (!want_t.verified || want_f.verified) {
        fprintf(stderr, "bench_local: the crop should verify (%d) and the other frame not (%d)\n",
                want_t.verified, want_f.verified);
        rc = -1;
    }
    lk_local_features_release(&ref);
    lk_local_features_release(&f);
    lk_local_features_release(&sus);
    lk_local_features_release(&ref_n);
    free(px);
    free(neg);
    return rc;
}
