/*
 * style_eval.c — measures how well the style descriptor ranks pictures of
 * the same art set above pictures of other sets (run by style-eval.sh; not
 * part of `make test`).
 *
 * Input: a list file, one picture per line: "<set-name> <file.ppm|pgm>"
 * (binary P6 / P5, maxval 255).  For every method (the full
 * lk_style_distance, each descriptor part alone, optionally a custom weight
 * vector, and a naive 64-bin RGB histogram baseline) every picture queries
 * all others (leave-one-out); prints per set and overall the mean average
 * precision (MAP) and precision@10 of same-set retrieval.  Also prints the
 * descriptor time of a 512x288 RGB frame at every SIMD level.
 *
 * Usage: style_eval LIST [w_colour,w_light,...]   (weights: one per part)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "likeness/likeness.h"
#include "features/style.h"

enum { MAXSETS = 16, BASE_BINS = 64 };

typedef struct item {
    int set;
    uint8_t desc[LK_STYLE_BYTES];
    float base[BASE_BINS]; /* baseline: normalised 4x4x4 RGB histogram */
} item;

typedef struct evalset {
    item *it;
    int n;
    char names[MAXSETS][64];
    int nsets;
} evalset;

/* Reads a binary PPM/PGM with maxval 255; returns malloc'd pixels or NULL. */
static uint8_t *read_pnm(const char *path, int *w, int *h, int *fmt)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char magic[3] = {0};
    int maxv = 0;
    uint8_t *px = NULL;
    if (fscanf(f, "%2s %d %d %d", magic, w, h, &maxv) == 4 && fgetc(f) != EOF &&
        maxv == 255 && *w > 0 && *h > 0 && *w <= 8192 && *h <= 8192) {
        *fmt = !strcmp(magic, "P6") ? 3 : !strcmp(magic, "P5") ? 1 : 0;
        size_t n = (size_t)*w * (size_t)*h * (size_t)*fmt;
        px = *fmt ? malloc(n) : NULL;
        if (px && fread(px, 1, n, f) != n) {
            free(px);
            px = NULL;
        }
    }
    fclose(f);
    return px;
}

static void baseline(const uint8_t *px, int w, int h, int fmt, float *hist)
{
    size_t n = (size_t)w * h;
    memset(hist, 0, BASE_BINS * sizeof *hist);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = px + i * fmt;
        int r = p[0], g = p[fmt > 1], b = p[fmt > 1 ? 2 : 0];
        hist[(r >> 6) << 4 | (g >> 6) << 2 | b >> 6] += 1.0f / (float)n;
    }
}

static int set_index(evalset *es, const char *name)
{
    for (int i = 0; i < es->nsets; i++)
        if (!strcmp(es->names[i], name))
            return i;
    if (es->nsets == MAXSETS)
        return -1;
    snprintf(es->names[es->nsets], sizeof es->names[0], "%s", name);
    return es->nsets++;
}

static int load(const char *list, evalset *es, lk_style_ctx *ctx)
{
    FILE *f = fopen(list, "r");
    if (!f)
        return -1;
    char set[64], path[4096];
    int cap = 0;
    while (fscanf(f, "%63s %4095s", set, path) == 2) {
        int w, h, fmt;
        uint8_t *px = read_pnm(path, &w, &h, &fmt);
        if (!px) {
            fprintf(stderr, "style_eval: cannot read %s\n", path);
            continue;
        }
        if (es->n == cap) {
            cap = cap ? 2 * cap : 256;
            es->it = realloc(es->it, (size_t)cap * sizeof *es->it);
        }
        item *it = &es->it[es->n];
        it->set = set_index(es, set);
        lk_image img = {px, w, h, w * fmt, fmt};
        if (it->set >= 0 && lki_style_compute(ctx, lk_simd_ops_get(), &img, it->desc) == 0) {
            baseline(px, w, h, fmt, it->base);
            es->n++;
        }
        free(px);
    }
    fclose(f);
    return 0;
}

/* Methods: 0 full descriptor, 1..NPARTS one part, then custom weights, then
 * the baseline. */
enum { M_FULL = 0, M_CUSTOM = 1 + LK_STYLE_NPARTS, M_BASE, M_COUNT };

static float custom_w[LK_STYLE_NPARTS];

static float dist(const item *a, const item *b, int m)
{
    if (m == M_FULL)
        return lk_style_distance(a->desc, b->desc);
    if (m <= LK_STYLE_NPARTS)
        return lki_style_part_distance(a->desc, b->desc, m - 1);
    if (m == M_CUSTOM) {
        float s = 0, ws = 0;
        for (int p = 0; p < LK_STYLE_NPARTS; p++) {
            s += custom_w[p] * lki_style_part_distance(a->desc, b->desc, p);
            ws += custom_w[p];
        }
        return ws > 0 ? s / ws : 0;
    }
    float s = 0;
    for (int i = 0; i < BASE_BINS; i++)
        s += a->base[i] > b->base[i] ? a->base[i] - b->base[i] : b->base[i] - a->base[i];
    return s / 2;
}

typedef struct ranked {
    float d;
    int idx;
} ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return a->idx - b->idx;
}

/* Average precision and precision@10 of query q. */
static void query(const evalset *es, int q, int m, ranked *r, double *ap, double *p10)
{
    int k = 0, rel = 0, hits = 0, top = 0;
    for (int i = 0; i < es->n; i++) {
        if (i == q)
            continue;
        r[k].d = dist(&es->it[q], &es->it[i], m);
        r[k++].idx = i;
        rel += es->it[i].set == es->it[q].set;
    }
    qsort(r, (size_t)k, sizeof *r, cmp_ranked);
    double sum = 0;
    for (int i = 0; i < k; i++) {
        if (es->it[r[i].idx].set == es->it[q].set) {
            hits++;
            sum += (double)hits / (i + 1);
            if (i < 10)
                top++;
        }
    }
    *ap = rel ? sum / rel : 0;
    *p10 = (double)top / (k < 10 ? (k ? k : 1) : 10);
}

static void report(const evalset *es, int m, const char *name)
{
    double ap[MAXSETS] = {0}, p10[MAXSETS] = {0}, tap = 0, tp = 0;
    int cnt[MAXSETS] = {0};
    ranked *r = malloc((size_t)es->n * sizeof *r);
    for (int q = 0; q < es->n; q++) {
        double a, p;
        query(es, q, m, r, &a, &p);
        ap[es->it[q].set] += a;
        p10[es->it[q].set] += p;
        cnt[es->it[q].set]++;
        tap += a;
        tp += p;
    }
    free(r);
    printf("%-10s MAP %.3f P@10 %.3f |", name, tap / es->n, tp / es->n);
    for (int s = 0; s < es->nsets; s++)
        printf(" %.2f/%.2f", ap[s] / cnt[s], p10[s] / cnt[s]);
    printf("\n");
}

/* CPU microseconds (thread CPU time, robust to a busy machine) per
 * descriptor of a 512x288 noisy-gradient RGB frame. */
static double frame_us(const lk_simd_ops *ops, lk_style_ctx *ctx)
{
    enum { W = 512, H = 288, REPS = 200 };
    static uint8_t px[W * H * 3];
    uint64_t s = 42;
    for (int i = 0; i < W * H * 3; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        px[i] = (uint8_t)((i % (W * 3)) / 6 + (s >> 60));
    }
    lk_image img = {px, W, H, W * 3, 3};
    uint8_t d[LK_STYLE_BYTES];
    struct timespec t0, t1;
    lki_style_compute(ctx, ops, &img, d);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (int i = 0; i < REPS; i++)
        lki_style_compute(ctx, ops, &img, d);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    return ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3) / REPS;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: style_eval LIST [w1,w2,...]\n");
        return 2;
    }
    lk_style_ctx *ctx = NULL;
    evalset es = {0};
    if (lki_style_ctx_new(&ctx) || load(argv[1], &es, ctx) || es.n < 2) {
        fprintf(stderr, "style_eval: no pictures loaded from %s\n", argv[1]);
        return 1;
    }
    printf("pictures %d, sets:", es.n);
    for (int s = 0; s < es.nsets; s++) {
        int c = 0;
        for (int i = 0; i < es.n; i++)
            c += es.it[i].set == s;
        printf(" %s(%d)", es.names[s], c);
    }
    printf("\nper set: MAP/P@10 in the order above\n");
    report(&es, M_FULL, "full");
    for (int p = 0; p < LK_STYLE_NPARTS; p++)
        report(&es, 1 + p, lki_style_parts[p].name);
    if (argc > 2) {
        char *tok = strtok(argv[2], ",");
        for (int p = 0; p < LK_STYLE_NPARTS && tok; p++, tok = strtok(NULL, ","))
            custom_w[p] = (float)atof(tok);
        report(&es, M_CUSTOM, "custom");
    }
    report(&es, M_BASE, "rgb64-base");
    for (int lvl = LK_SIMD_SCALAR; lvl <= lk_simd_detect(); lvl++) {
        lk_simd_ops o;
        if (lk_simd_ops_for(lvl, &o) == 0)
            printf("512x288 RGB frame, level %d: %.1f us\n", lvl, frame_us(&o, ctx));
    }
    free(es.it);
    lki_style_ctx_free(&ctx);
    return 0;
}
