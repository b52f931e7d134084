/*
 * local_eval.c — measures local features + geometric verification on real
 * pictures (driven by tests/tools/local-eval.sh; not part of make test).
 *
 * Input: a list of "SET PATH.ppm" lines (pictures already reduced to fit
 * 512x512, as the decoders give them).  For every picture and every edit
 * below (random parameters from --seed), the edited copy is reduced to
 * working size again, its features (with mirrored descriptors) are
 * verified against the original's (a positive pair) and against --neg
 * other pictures of the same set (hard negatives).  Pictures of a set that
 * share a large part (the same frame art, light and dark variants of one
 * wallpaper: their originals verify each other with at least RELATED
 * inliers) are not used as each other's negatives; the count of such
 * pairs is printed.  --skp sets the suspect side's keypoints apart from
 * the reference side's (--kp).  Prints per edit the
 * share of positives verified, the share of negatives verified (false
 * verifications), mean inliers of positives and the largest inlier count
 * of a negative, then extraction and verification times (thread CPU).
 *
 * Edits: crop (keep 70-90 % of each side at a random offset, scaled back);
 * reframe (a full-height 9:16 strip at a random offset); pip (the picture
 * at 25-50 % of the width of another picture of the set, anywhere);
 * occlude (a box over 30-50 % of the area plus a caption bar); mirror
 * (crop 5-15 %, flip, colour grade, downscale to 50-75 %); jpeg (quality
 * 15-40); stylise (posterise to 4-6 levels and a 3x3 or 5x5 box blur).
 *
 * Usage: local_eval LIST [--seed N] [--neg N] [--kp N] [--fast T]
 *        [--levels L] [--maxd D] [--ratio R] [--mutual 0|1] [--tol T]
 *        [--inliers N] [--ratio-in R] [--sure N] [--area A] [--iters N]
 *        [--skp N] [--max N] [--verbose]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <turbojpeg.h>
#include "likeness/geometry.h"
#include "likeness/local.h"

enum { E_CROP, E_REFRAME, E_PIP, E_OCCLUDE, E_MIRROR, E_JPEG, E_STYLISE, E_COUNT };
static const char *edit_names[E_COUNT] = {"crop",  "reframe", "pip",     "occlude",
                                          "mirror", "jpeg",    "stylise"};

typedef struct pic {
    int w, h;
    uint8_t *px; /* RGB24, dense */
} pic;

typedef struct entry {
    char set[64];
    pic p;
    lk_local_features f;
} entry;

static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}
static double urand(double lo, double hi) { return lo + (hi - lo) * (double)(rnd() >> 11) / 9007199254740992.0; }
static int irand(int lo, int hi) { return hi <= lo ? lo : lo + (int)(rnd() % (uint64_t)(hi - lo + 1)); }

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static pic pic_new(int w, int h)
{
    pic p = {w, h, calloc((size_t)w * (size_t)h, 3)};
    if (!p.px) {
        fprintf(stderr, "local_eval: out of memory\n");
        exit(2);
    }
    return p;
}

static int read_ppm(const char *path, pic *out)
{
    FILE *f = fopen(path, "rb");
    int w, h, m;
    if (!f)
        return -1;
    if (fscanf(f, "P6 %d %d %d", &w, &h, &m) != 3 || m != 255 || w < 1 || h < 1) {
        fclose(f);
        return -1;
    }
    fgetc(f);
    *out = pic_new(w, h);
    size_t n = fread(out->px, 3, (size_t)w * (size_t)h, f);
    fclose(f);
    return n == (size_t)w * (size_t)h ? 0 : -1;
}

/* Resamples src's rectangle (x0, y0, cw, ch) to dw x dh: area average when
 * reducing, bilinear when enlarging. */
static pic resample(const pic *src, double x0, double y0, double cw, double ch, int dw, int dh)
{
    pic d = pic_new(dw, dh);
    double fx = cw / dw, fy = ch / dh;
    int ax = fx > 1 ? (int)ceil(fx) : 1, ay = fy > 1 ? (int)ceil(fy) : 1;
    for (int y = 0; y < dh; y++) {
        for (int x = 0; x < dw; x++) {
            double acc[3] = {0, 0, 0};
            for (int j = 0; j < ay; j++) {
                for (int i = 0; i < ax; i++) {
                    double sx = x0 + (x + (i + 0.5) / ax) * fx - 0.5;
                    double sy = y0 + (y + (j + 0.5) / ay) * fy - 0.5;
                    int ix = (int)floor(sx), iy = (int)floor(sy);
                    double tx = sx - ix, ty = sy - iy;
                    for (int k = 0; k < 4; k++) {
                        int px = ix + (k & 1), py = iy + (k >> 1);
                        px = px < 0 ? 0 : px >= src->w ? src->w - 1 : px;
                        py = py < 0 ? 0 : py >= src->h ? src->h - 1 : py;
                        double wt = ((k & 1) ? tx : 1 - tx) * ((k >> 1) ? ty : 1 - ty);
                        const uint8_t *s = src->px + 3 * ((size_t)py * src->w + px);
                        for (int c = 0; c < 3; c++)
                            acc[c] += wt * s[c];
                    }
                }
            }
            for (int c = 0; c < 3; c++)
                d.px[3 * ((size_t)y * dw + x) + c] = (uint8_t)lround(acc[c] / (ax * ay));
        }
    }
    return d;
}

/* Reduces p in place to fit 512x512 (aspect kept), as the decoders do. */
static void fit_working(pic *p)
{
    if (p->w <= 512 && p->h <= 512)
        return;
    double f = fmin(512.0 / p->w, 512.0 / p->h);
    pic d = resample(p, 0, 0, p->w, p->h, (int)lround(p->w * f), (int)lround(p->h * f));
    free(p->px);
    *p = d;
}

static pic edit_crop(const pic *s)
{
    double kw = urand(0.7, 0.9), kh = urand(0.7, 0.9);
    double cw = s->w * kw, ch = s->h * kh;
    return resample(s, urand(0, s->w - cw), urand(0, s->h - ch), cw, ch, s->w, s->h);
}

static pic edit_reframe(const pic *s)
{
    double cw = s->h * 9.0 / 16.0;
    if (cw > s->w * 0.8)
        cw = s->w * 0.5; /* a picture not wider than 9:16: half its width */
    int dw = (int)lround(cw);
    return resample(s, urand(0, s->w - cw), 0, cw, s->h, dw, s->h);
}

static void paste(pic *dst, const pic *src, int x0, int y0)
{
    for (int y = 0; y < src->h; y++)
        for (int x = 0; x < src->w; x++)
            if (x0 + x >= 0 && x0 + x < dst->w && y0 + y >= 0 && y0 + y < dst->h)
                memcpy(dst->px + 3 * ((size_t)(y0 + y) * dst->w + x0 + x),
                       src->px + 3 * ((size_t)y * src->w + x), 3);
}

static pic edit_pip(const pic *s, const pic *host)
{
    pic d = resample(host, 0, 0, host->w, host->h, host->w, host->h);
    double f = urand(0.25, 0.5) * host->w / s->w;
    int iw = (int)lround(s->w * f), ih = (int)lround(s->h * f);
    if (ih > host->h) {
        f = (double)host->h / s->h * 0.9;
        iw = (int)lround(s->w * f), ih = (int)lround(s->h * f);
    }
    pic in = resample(s, 0, 0, s->w, s->h, iw, ih);
    paste(&d, &in, irand(0, host->w - iw), irand(0, host->h - ih));
    free(in.px);
    return d;
}

static void fill_box(pic *p, int x0, int y0, int bw, int bh, int noise)
{
    uint8_t c[3] = {(uint8_t)rnd(), (uint8_t)rnd(), (uint8_t)rnd()};
    for (int y = y0; y < y0 + bh && y < p->h; y++)
        for (int x = x0; x < x0 + bw && x < p->w; x++)
            for (int k = 0; k < 3; k++)
                p->px[3 * ((size_t)y * p->w + x) + k] =
                    noise ? (uint8_t)(((x / 3 + y / 5) & 1) ? 240 : 20) : c[k];
}

static pic edit_occlude(const pic *s)
{
    pic d = resample(s, 0, 0, s->w, s->h, s->w, s->h);
    double a = urand(0.3, 0.5), asp = urand(0.6, 1.6);
    int bw = (int)lround(sqrt(a * s->w * s->h * asp)), bh = (int)lround(sqrt(a * s->w * s->h / asp));
    bw = bw > s->w ? s->w : bw;
    bh = bh > s->h ? s->h : bh;
    fill_box(&d, irand(0, s->w - bw), irand(0, s->h - bh), bw, bh, 0);
    int cap = s->h / 10; /* caption bar with a text-like pattern */
    fill_box(&d, s->w / 8, s->h - 2 * cap, s->w * 3 / 4, cap, 1);
    return d;
}

static pic edit_mirror(const pic *s)
{
    double k = urand(0.85, 0.95), cw = s->w * k, ch = s->h * k, f = urand(0.5, 0.75);
    pic c = resample(s, urand(0, s->w - cw), urand(0, s->h - ch), cw, ch,
                     (int)lround(cw * f), (int)lround(ch * f));
    double gain[3], gam = urand(0.8, 1.25), sat = urand(0.6, 1.4);
    for (int i = 0; i < 3; i++)
        gain[i] = urand(0.85, 1.15);
    for (int y = 0; y < c.h; y++) {
        for (int x = 0; x < c.w / 2; x++) {
            uint8_t *a = c.px + 3 * ((size_t)y * c.w + x), *b = c.px + 3 * ((size_t)y * c.w + c.w - 1 - x), t[3];
            memcpy(t, a, 3); memcpy(a, b, 3); memcpy(b, t, 3);
        }
    }
    for (size_t i = 0; i < (size_t)c.w * c.h; i++) {
        uint8_t *q = c.px + 3 * i;
        double l = 0.3 * q[0] + 0.59 * q[1] + 0.11 * q[2];
        for (int k2 = 0; k2 < 3; k2++) {
            double v = l + (q[k2] - l) * sat;
            v = 255.0 * pow(fmax(0, fmin(1, v * gain[k2] / 255.0)), gam);
            q[k2] = (uint8_t)lround(v);
        }
    }
    return c;
}

static pic edit_jpeg(const pic *s)
{
    tjhandle c = tjInitCompress(), d = tjInitDecompress();
    unsigned char *buf = NULL;
    unsigned long n = 0;
    pic out = pic_new(s->w, s->h);
    int q = irand(15, 40);
    if (tjCompress2(c, s->px, s->w, 0, s->h, TJPF_RGB, &buf, &n, TJSAMP_420, q, 0) != 0 ||
        tjDecompress2(d, buf, n, out.px, s->w, 0, s->h, TJPF_RGB, 0) != 0) {
        fprintf(stderr, "local_eval: jpeg failed\n");
        exit(2);
    }
    tjFree(buf);
    tjDestroy(c);
    tjDestroy(d);
    return out;
}

static pic edit_stylise(const pic *s)
{
    int levels = irand(4, 6), r = irand(1, 2);
    pic p = pic_new(s->w, s->h), o = pic_new(s->w, s->h);
    for (size_t i = 0; i < (size_t)s->w * s->h * 3; i++) {
        int q = s->px[i] * levels / 256;
        p.px[i] = (uint8_t)(q * 255 / (levels - 1));
    }
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            for (int k = 0; k < 3; k++) {
                int acc = 0, cnt = 0;
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++) {
                        int xx = x + dx, yy = y + dy;
                        if (xx < 0 || yy < 0 || xx >= s->w || yy >= s->h)
                            continue;
                        acc += p.px[3 * ((size_t)yy * s->w + xx) + k];
                        cnt++;
                    }
                o.px[3 * ((size_t)y * s->w + x) + k] = (uint8_t)((acc + cnt / 2) / cnt);
            }
    free(p.px);
    return o;
}

static pic make_edit(int e, const pic *s, const pic *host)
{
    switch (e) {
    case E_CROP: return edit_crop(s);
    case E_REFRAME: return edit_reframe(s);
    case E_PIP: return edit_pip(s, host);
    case E_OCCLUDE: return edit_occlude(s);
    case E_MIRROR: return edit_mirror(s);
    case E_JPEG: return edit_jpeg(s);
    default: return edit_stylise(s);
    }
}

/* ---- driver ---------------------------------------------------------- */

/* Originals verifying each other with this many inliers share content. */
#define RELATED 25

typedef struct opts {
    int skp;
    lk_local_params lp;
    lk_geo_params gp;
    int neg, max, verbose;
    uint64_t seed;
} opts;

typedef struct stats {
    int pos, pos_ok, neg, neg_ok, neg_max;
    double pos_inl;
} stats;

static int parse(int argc, char **argv, opts *o)
{
    for (int i = 2; i + 1 < argc || (i < argc && !strcmp(argv[i], "--verbose")); i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--verbose")) { o->verbose = 1; i--; continue; }
        if (!strcmp(a, "--seed")) o->seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--neg")) o->neg = atoi(v);
        else if (!strcmp(a, "--max")) o->max = atoi(v);
        else if (!strcmp(a, "--kp")) o->lp.max_keypoints = atoi(v);
        else if (!strcmp(a, "--skp")) o->skp = atoi(v);
        else if (!strcmp(a, "--fast")) o->lp.fast_threshold = atoi(v);
        else if (!strcmp(a, "--levels")) o->lp.levels = atoi(v);
        else if (!strcmp(a, "--maxd")) o->gp.max_distance = atoi(v);
        else if (!strcmp(a, "--ratio")) o->gp.ratio = (float)atof(v);
        else if (!strcmp(a, "--mutual")) o->gp.mutual = atoi(v);
        else if (!strcmp(a, "--tol")) o->gp.tolerance = (float)atof(v);
        else if (!strcmp(a, "--inliers")) o->gp.min_inliers = atoi(v);
        else if (!strcmp(a, "--ratio-in")) o->gp.min_ratio = (float)atof(v);
        else if (!strcmp(a, "--sure")) o->gp.sure_inliers = atoi(v);
        else if (!strcmp(a, "--area")) o->gp.min_area = (float)atof(v);
        else if (!strcmp(a, "--iters")) o->gp.iterations = atoi(v);
        else return -1;
    }
    return 0;
}

static int load_list(const char *path, entry **out, int max)
{
    FILE *f = fopen(path, "r");
    char line[1200], set[64], file[1024];
    int n = 0, cap = 0;
    *out = NULL;
    while (f && fgets(line, sizeof line, f) && n < max) {
        if (sscanf(line, "%63s %1023s", set, file) != 2)
            continue;
        if (n == cap)
            *out = realloc(*out, (size_t)(cap = cap ? 2 * cap : 64) * sizeof **out);
        entry *e = &(*out)[n];
        memset(e, 0, sizeof *e);
        snprintf(e->set, sizeof e->set, "%s", set);
        if (read_ppm(file, &e->p) == 0)
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

static signed char *related; /* n x n: -1 unknown, 0, 1 */
static lk_geo_matcher *rel_gm;
static long related_pairs;

/* 1 when the originals i and j share content (see RELATED). */
static int is_related(const entry *all, int n, int i, int j)
{
    signed char *r = &related[(size_t)i * n + j];
    if (*r < 0) {
        lk_geo_params gp;
        lk_geo_result res;
        lk_geo_params_default(&gp);
        gp.mirror = 0;
        gp.min_inliers = gp.sure_inliers = RELATED;
        *r = lk_geo_verify(rel_gm, &gp, &all[i].f, &all[j].f, &res) == 1;
        related[(size_t)j * n + i] = *r;
        related_pairs += *r;
    }
    return *r;
}

/* Indices of up to k other pictures of e's set, drawn at random. */
static int pick_others(const entry *all, int n, int self, int *idx, int k)
{
    int cnt = 0, tries = 0;
    while (cnt < k && tries++ < 50 * k) {
        int j = irand(0, n - 1), dup = 0;
        if (j == self || strcmp(all[j].set, all[self].set) || is_related(all, n, self, j))
            continue;
        for (int t = 0; t < cnt; t++)
            dup |= idx[t] == j;
        if (!dup)
            idx[cnt++] = j;
    }
    return cnt;
}

/* Everything one run shares: extractor, matcher, timers, statistics. */
typedef struct run {
    opts o;
    entry *all;
    int n;
    lk_local_extractor *ex;
    lk_geo_matcher *gm;
    lk_local_params sp; /* suspect side: more keypoints, mirrored descriptors */
    lk_local_features sf;
    double t_ext, t_ver, px;
    long n_ext, n_ver;
    stats st[E_COUNT];
} run;

static void extract_timed(run *r, const pic *p, const lk_local_params *lp, lk_local_features *f)
{
    double t0 = cpu_now();
    lk_local_extract(r->ex, &(lk_image){p->px, p->w, p->h, 3 * p->w, 3}, lp, f);
    r->t_ext += cpu_now() - t0;
    r->px += (double)p->w * p->h;
    r->n_ext++;
}

static int verify_timed(run *r, const lk_local_features *ref, lk_geo_result *res)
{
    double t0 = cpu_now();
    int ok = lk_geo_verify(r->gm, &r->o.gp, &r->sf, ref, res);
    r->t_ver += cpu_now() - t0;
    r->n_ver++;
    return ok == 1;
}

static void print_result(const char *kind, int e, int i, const entry *en, const lk_geo_result *g,
                         int other, int ok)
{
    printf("%s %s %d %s: %d matches %d inliers area %.3f/%.3f scale %.2f mirror %d dist %.1f",
           kind, edit_names[e], i, en->set, g->matches, g->inliers, g->area_sus, g->area_ref,
           g->scale, g->mirror, g->mean_distance);
    if (other >= 0)
        printf(" vs %d %s\n", other, ok ? "FALSE" : "-");
    else
        printf(" %s\n", ok ? "VERIFIED" : "-");
}

/* Edit e of picture i against its original and its negatives. */
static void eval_one(run *r, int e, int i)
{
    int others[64], k = pick_others(r->all, r->n, i, others, r->o.neg < 64 ? r->o.neg : 64);
    stats *st = &r->st[e];
    pic host = r->all[k ? others[0] : (i + 1) % r->n].p;
    pic ed = make_edit(e, &r->all[i].p, &host);
    fit_working(&ed);
    extract_timed(r, &ed, &r->sp, &r->sf);
    lk_geo_result g;
    int ok = verify_timed(r, &r->all[i].f, &g);
    st->pos++;
    st->pos_ok += ok;
    st->pos_inl += g.inliers;
    if (r->o.verbose)
        print_result("pos", e, i, &r->all[i], &g, -1, ok);
    /* negatives: the host of a pip is a true match, so skip it and the
     * pictures sharing content with it */
    for (int t = (e == E_PIP); t < k; t++) {
        if (e == E_PIP && is_related(r->all, r->n, others[0], others[t]))
            continue;
        int bad = verify_timed(r, &r->all[others[t]].f, &g);
        st->neg++;
        st->neg_ok += bad;
        if (g.inliers > st->neg_max)
            st->neg_max = g.inliers;
        if (r->o.verbose)
            print_result("neg", e, i, &r->all[i], &g, others[t], bad);
    }
    free(ed.px);
}

static void print_summary(const run *r)
{
    const opts *o = &r->o;
    printf("%ld related pairs of originals left out of the negatives (of those drawn)\n",
           related_pairs);
    printf("seed %llu, %d pictures, kp %d skp %d fast %d levels %d | maxd %d ratio %.2f "
           "mutual %d tol %.1f inliers %d/%.2f sure %d area %.3f iters %d\n",
           (unsigned long long)o->seed, r->n, o->lp.max_keypoints, r->sp.max_keypoints,
           o->lp.fast_threshold, o->lp.levels, o->gp.max_distance, o->gp.ratio, o->gp.mutual,
           o->gp.tolerance, o->gp.min_inliers, o->gp.min_ratio, o->gp.sure_inliers,
           o->gp.min_area, o->gp.iterations);
    printf("%-8s %9s %9s %10s %8s\n", "edit", "verified", "false", "mean_inl", "neg_max");
    int tp = 0, tn = 0, tpo = 0, tno = 0;
    for (int e = 0; e < E_COUNT; e++) {
        const stats *st = &r->st[e];
        printf("%-8s %4d/%-4d %4d/%-5d %8.1f %8d\n", edit_names[e], st->pos_ok, st->pos,
               st->neg_ok, st->neg, st->pos_inl / st->pos, st->neg_max);
        tp += st->pos; tpo += st->pos_ok; tn += st->neg; tno += st->neg_ok;
    }
    printf("%-8s %4d/%-4d %4d/%-5d\n", "all", tpo, tp, tno, tn);
    printf("extract %.3f ms per frame (%.0f px mean), verify %.3f ms per candidate\n",
           1e3 * r->t_ext / r->n_ext, r->px / r->n_ext, 1e3 * r->t_ver / r->n_ver);
}

int main(int argc, char **argv)
{
    static run r;
    r.o = (opts){.skp = 600, .neg = 6, .max = 100000, .seed = 1};
    lk_local_params_default(&r.o.lp);
    lk_geo_params_default(&r.o.gp);
    if (argc < 2 || parse(argc, argv, &r.o) < 0) {
        fprintf(stderr, "usage: local_eval LIST [--seed N] [--neg N] [options]\n");
        return 2;
    }
    r.o.lp.mirror = 0;
    r.sp = r.o.lp;
    r.sp.mirror = 1;
    r.sp.max_keypoints = r.o.skp > 0 ? r.o.skp : r.o.lp.max_keypoints;
    r.n = load_list(argv[1], &r.all, r.o.max);
    if (r.n < 2) {
        fprintf(stderr, "local_eval: fewer than 2 pictures in %s\n", argv[1]);
        return 2;
    }
    if (lk_local_new(&r.ex) < 0 || lk_geo_new(&r.gm) < 0 || lk_geo_new(&rel_gm) < 0)
        return 2;
    related = malloc((size_t)r.n * r.n);
    memset(related, -1, (size_t)r.n * r.n);
    for (int i = 0; i < r.n; i++)
        extract_timed(&r, &r.all[i].p, &r.o.lp, &r.all[i].f);
    for (int e = 0; e < E_COUNT; e++) {
        rng = r.o.seed * 0x9e3779b97f4a7c15ULL + (uint64_t)e * 7919 + 1;
        for (int i = 0; i < r.n; i++)
            eval_one(&r, e, i);
    }
    print_summary(&r);
    lk_local_features_release(&r.sf);
    for (int i = 0; i < r.n; i++) {
        lk_local_features_release(&r.all[i].f);
        free(r.all[i].p.px);
    }
    free(r.all);
    lk_local_free(&r.ex);
    lk_geo_free(&r.gm);
    lk_geo_free(&rel_gm);
    free(related);
    return 0;
}
