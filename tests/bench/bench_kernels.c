/*
 * bench_kernels.c — speed of the SIMD kernels at every level this CPU runs,
 * measured side by side in one run so speed-ups over scalar are fair:
 *   pdq_prep WxH  luma + two box-filter passes (rows, cols) per frame, frames/s
 *   pdq_dct       16x64 * 64x64 then 16x64 * 64x16 matmuls, DCTs/s
 *   ham256_1xn    one query against N = 1,000,000 hashes, comparisons/s
 *   ham256_mxn    120 queries x 100,000 hashes, output written, comparisons/s
 *   ham64_1xn     one query against 1,000,000 hashes, comparisons/s
 * Before timing, every level's output is compared with scalar's (memcmp);
 * a mismatch fails the driver.  --quick shrinks the inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/harness.h"
#include "likeness/likeness.h"

#define MAX_LEVELS 3

/* The tables of every level this CPU runs, scalar first. */
typedef struct levels {
    lk_simd_ops ops[MAX_LEVELS];
    int n;
} levels;

/* Work of one case for one table: fn runs it, out/out_bytes is its result. */
typedef struct bench_case {
    const lk_simd_ops *ops;
    void *in, *in2, *tmp, *out;
    size_t out_bytes;
    int w, h, m, n, k;
} bench_case;

static uint64_t seed = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
    seed ^= seed >> 12;
    seed ^= seed << 25;
    seed ^= seed >> 27;
    return seed * 2685821657736338717ULL;
}

/* PDQ's Jarosz window for downsampling dim to 64: ceil(dim / 128). */
static int pdq_window(int dim)
{
    return (dim + 127) / 128;
}

static void run_prep(void *arg)
{
    bench_case *c = arg;
    const lk_simd_ops *o = c->ops;
    float *a = c->out, *b = c->tmp;
    int wx = pdq_window(c->w), wy = pdq_window(c->h);
    o->luma_rgb24(c->in, 3 * c->w, c->w, c->h, a);
    for (int pass = 0; pass < 2; pass++) {
        o->box_rows(a, b, c->h, c->w, wx);
        o->box_cols(b, a, c->h, c->w, wy);
    }
}

static void run_dct(void *arg)
{
    bench_case *c = arg;
    /* in = D (16x64), in2 = image (64x64), tmp = D*img, out = tmp*D^T */
    const float *d = c->in, *img = c->in2, *dt = (const float *)c->in + 16 * 64;
    c->ops->matmul(d, img, c->tmp, 16, 64, 64);
    c->ops->matmul(c->tmp, dt, c->out, 16, 64, 16);
}

static void run_h1(void *arg)
{
    bench_case *c = arg;
    c->ops->ham256_1xn(c->in2, c->in, (size_t)c->n, c->out);
}

static void run_hm(void *arg)
{
    bench_case *c = arg;
    c->ops->ham256_mxn(c->in2, (size_t)c->m, c->in, (size_t)c->n, c->out);
}

static void run_h64(void *arg)
{
    bench_case *c = arg;
    c->ops->ham64_1xn(*(const uint64_t *)c->in2, c->in, (size_t)c->n, c->out);
}

/*
 * Runs proto's case at every level: checks each output against scalar's,
 * then times each and reports rate = items / median and speed-up.
 * Returns 0 or 1 on a mismatch (nothing is timed then).
 */
static int measure(const bench_opts *o, const levels *lv, const char *name, void (*fn)(void *),
                   const bench_case *proto, double items, const char *unit)
{
    bench_case c[MAX_LEVELS];
    int bad = 0;
    for (int l = 0; l < lv->n; l++) {
        c[l] = *proto;
        c[l].ops = &lv->ops[l];
        c[l].out = malloc(proto->out_bytes);
        if (!c[l].out)
            return 1;
        memset(c[l].out, 0, proto->out_bytes);
        fn(&c[l]);
        if (l > 0 && memcmp(c[0].out, c[l].out, proto->out_bytes)) {
            fprintf(stderr, "bench_kernels: %s: %s differs from scalar\n", name, lv->ops[l].name);
            bad = 1;
        }
    }
    double scalar_s = 0;
    for (int l = 0; l < lv->n && !bad; l++) {
        double s = bench_median(o, fn, &c[l]);
        if (l == 0)
            scalar_s = s;
        bench_report("kernels", name, lv->ops[l].name, s, items, unit,
                     l > 0 && s > 0 ? scalar_s / s : 0.0);
    }
    for (int l = 0; l < lv->n; l++)
        free(c[l].out);
    return bad;
}

static int bench_prep(const bench_opts *o, const levels *lv, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    uint8_t *rgb = malloc(3 * n);
    float *tmp = malloc(n * sizeof *tmp);
    if (!rgb || !tmp) {
        free(rgb);
        free(tmp);
        return 1;
    }
    for (size_t i = 0; i < 3 * n; i++)
        rgb[i] = (uint8_t)rnd();
    bench_case c = {.in = rgb, .tmp = tmp, .out_bytes = n * sizeof(float), .w = w, .h = h};
    char name[64];
    snprintf(name, sizeof name, "pdq_prep_%dx%d", w, h);
    int rc = measure(o, lv, name, run_prep, &c, 1.0, "frames/s");
    free(rgb);
    free(tmp);
    return rc;
}

static int bench_dct(const bench_opts *o, const levels *lv)
{
    float d[2 * 16 * 64], img[64 * 64], tmp[16 * 64];
    for (size_t i = 0; i < 16 * 64; i++) {
        d[i] = (float)((int)(rnd() % 2001) - 1000) / 1000.0f;
        d[16 * 64 + (i % 16) * 64 + i / 16] = d[i]; /* D^T, 64x16 */
    }
    for (size_t i = 0; i < 64 * 64; i++)
        img[i] = (float)(rnd() % 25600) / 100.0f;
    bench_case c = {.in = d, .in2 = img, .tmp = tmp, .out_bytes = 16 * 16 * sizeof(float)};
    return measure(o, lv, "pdq_dct_16x64x64", run_dct, &c, 1.0, "DCTs/s");
}

static int bench_ham(const bench_opts *o, const levels *lv)
{
    size_t n1 = o->quick ? 100000 : 1000000, nm = o->quick ? 20000 : 100000;
    int m = o->quick ? 16 : 120;
    uint64_t *db = malloc(4 * n1 * sizeof *db), q[4 * 120];
    if (!db)
        return 1;
    for (size_t i = 0; i < 4 * n1; i++)
        db[i] = rnd();
    for (size_t i = 0; i < 4 * 120; i++)
        q[i] = rnd();
    int rc = 0;
    bench_case c = {.in = db, .in2 = q, .out_bytes = n1 * 2, .n = (int)n1};
    rc |= measure(o, lv, "ham256_1xn", run_h1, &c, (double)n1, "comparisons/s");
    c.out_bytes = (size_t)m * nm * 2;
    c.m = m;
    c.n = (int)nm;
    rc |= measure(o, lv, "ham256_mxn", run_hm, &c, (double)m * (double)nm, "comparisons/s");
    c.out_bytes = n1;
    c.n = (int)n1;
    rc |= measure(o, lv, "ham64_1xn", run_h64, &c, (double)n1, "comparisons/s");
    free(db);
    return rc;
}

int bench_kernels(const bench_opts *o)
{
    levels lv = {.n = 0};
    for (int l = LK_SIMD_SCALAR; l <= LK_SIMD_AVX512; l++)
        if (lk_simd_ops_for(l, &lv.ops[lv.n]) == 0)
            lv.n++;
    int rc = bench_prep(o, &lv, 512, 288);
    if (!o->quick)
        rc |= bench_prep(o, &lv, 1920, 1080);
    rc |= bench_dct(o, &lv);
    rc |= bench_ham(o, &lv);
    return rc;
}
