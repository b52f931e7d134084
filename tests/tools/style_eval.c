/*
 * style_eval.c — the style benchmark (run by style-eval.sh; not part of
 * `make test`): how well the style descriptor and lk_style_rank find a
 * picture's own art set, on sets it was tuned on and on sets it never saw.
 *
 *   style_eval probe MIN < paths      prints the paths of opaque PNG, JPEG
 *                                     and WebP pictures whose 16:9
 *                                     crop-to-fill is at least MIN wide
 *   style_eval run LIST [w1,w2,...]   the benchmark (weights: one per part,
 *                                     also measured besides the built-in ones)
 *   style_eval fit LIST               fits the part weights on the tune sets
 *                                     (coordinate ascent on their mAP; the
 *                                     measure-only sets are not read)
 *   style_eval project LIST           learned linear projections of the
 *                                     descriptor, fitted and cross-validated
 *                                     on the tune sets (style_project.c)
 *
 * LIST: one picture per line, "<set> <tune|measure> <file>" (a relative
 * file is relative to the directory of LIST), in the seeded
 * order the sets were sampled in; every picture already has one size and
 * one encoding (style-eval.sh).  run then drops pictures whose border is
 * one flat colour (a background cue), drops near-duplicates (PDQ distance
 * <= 40 to any kept picture of any set), keeps the first LK_EVAL_CAP of
 * each set and drops sets left with fewer than 30, and splits each set
 * alternately into reference and suspect pictures.  Per group (tune,
 * measure) it prints, for the descriptor, each of its parts, and a 4x4x4
 * RGB histogram compared by L1 (the baseline), with chance from random
 * rankings of the same data:
 *  - picture retrieval: every picture queries all others of its group
 *    (leave-one-out): mean average precision (mAP) and precision@10 of
 *    its own set;
 *  - work ranking: every suspect picture against the works (one per set,
 *    built from its reference pictures): top-1 rate (the best work is its
 *    own set) and mean reciprocal rank, for lk_style_rank over 8
 *    prototypes (what ships), over 1 prototype (the old mean per work) and
 *    for 1-NN over all reference pictures; the baseline is ranked by 1-NN;
 *  - calibration: for style-score thresholds t, the share of suspects whose
 *    best unrelated work scores >= t (false `resembles`) and whose own
 *    work does (true).
 * Then the time of the style descriptor and of all features of a 512x288
 * frame at every SIMD level this CPU runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include "likeness/likeness.h"
#include "likeness/style.h"
#include "features/style.h"
#include "style_eval.h"

#ifndef LK_EVAL_CAP
#define LK_EVAL_CAP 80
#endif

/* ---- probe: opaque pictures and their size, from the file headers ---- */

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint32_t le24(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | (uint32_t)p[2] << 16; }

/* PNG: 1 if opaque (colour type 0, 2 or 3 and no tRNS chunk before IDAT). */
static int probe_png(FILE *f, int *w, int *h)
{
    uint8_t b[8];
    int ct = -1;
    while (fread(b, 1, 8, f) == 8) {
        uint32_t len = be32(b);
        if (!memcmp(b + 4, "IHDR", 4)) {
            uint8_t d[13];
            if (len != 13 || fread(d, 1, 13, f) != 13)
                return 0;
            *w = (int)be32(d), *h = (int)be32(d + 4), ct = d[9];
            len = 0;
        } else if (!memcmp(b + 4, "tRNS", 4) || !memcmp(b + 4, "acTL", 4)) {
            return 0; /* transparency, or an animation */
        } else if (!memcmp(b + 4, "IDAT", 4)) {
            return ct == 0 || ct == 2 || ct == 3;
        }
        if (fseek(f, (long)len + 4, SEEK_CUR))
            return 0;
    }
    return 0;
}

/* JPEG: always opaque; size from the first SOFn marker. */
static int probe_jpeg(FILE *f, int *w, int *h)
{
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (c != 0xFF)
            continue;
        int m = fgetc(f);
        while (m == 0xFF)
            m = fgetc(f);
        if (m == EOF || m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue;
        uint8_t d[7];
        if (fread(d, 1, 2, f) != 2)
            return 0;
        int len = d[0] << 8 | d[1];
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (fread(d, 1, 5, f) != 5)
                return 0;
            *h = d[1] << 8 | d[2], *w = d[3] << 8 | d[4];
            return 1;
        }
        if (len < 2 || fseek(f, len - 2, SEEK_CUR))
            return 0;
    }
    return 0;
}

/* WebP: lossy VP8 is opaque; VP8L and VP8X say whether they have alpha. */
static int probe_webp(FILE *f, int *w, int *h)
{
    uint8_t d[30];
    if (fread(d, 1, 30, f) != 30 || memcmp(d + 8, "WEBP", 4))
        return 0;
    if (!memcmp(d + 12, "VP8 ", 4)) {
        *w = (d[26] | d[27] << 8) & 0x3fff, *h = (d[28] | d[29] << 8) & 0x3fff;
        return 1;
    }
    if (!memcmp(d + 12, "VP8L", 4)) {
        uint32_t v = (uint32_t)d[21] | d[22] << 8 | (uint32_t)d[23] << 16 | (uint32_t)d[24] << 24;
        *w = (int)(v & 0x3fff) + 1, *h = (int)((v >> 14) & 0x3fff) + 1;
        return !((v >> 28) & 1);
    }
    if (!memcmp(d + 12, "VP8X", 4)) {
        *w = (int)le24(d + 24) + 1, *h = (int)le24(d + 27) + 1;
        return !(d[20] & 0x12); /* neither alpha nor animation */
    }
    return 0;
}

static int probe(int min)
{
    char path[4096];
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = 0;
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        uint8_t sig[4] = { 0 };
        int w = 0, h = 0, ok = 0;
        if (fread(sig, 1, 4, f) == 4) {
            rewind(f);
            if (sig[0] == 0x89 && sig[1] == 'P') {
                fseek(f, 8, SEEK_SET);
                ok = probe_png(f, &w, &h);
            } else if (sig[0] == 0xFF && sig[1] == 0xD8) {
                ok = probe_jpeg(f, &w, &h);
            } else if (!memcmp(sig, "RIFF", 4)) {
                ok = probe_webp(f, &w, &h);
            }
        }
        fclose(f);
        double cw = (double)h * 16 / 9 < w ? (double)h * 16 / 9 : w;
        if (ok && cw >= min)
            printf("%s\n", path);
    }
    return 0;
}

/* ---- loading ---- */

static void baseline(const lk_image *im, float *hist)
{
    memset(hist, 0, BASE_BINS * sizeof *hist);
    float unit = 1.0f / ((float)im->width * (float)im->height);
    for (int y = 0; y < im->height; y++) {
        const uint8_t *p = im->data + (size_t)y * (size_t)im->stride;
        for (int x = 0; x < im->width; x++, p += 3)
            hist[(p[0] >> 6) << 4 | (p[1] >> 6) << 2 | p[2] >> 6] += unit;
    }
}

/* 1 when more than 90% of the 4-pixel border ring is within 12 levels (each
 * channel) of the ring's most common 5-bit colour: a picture on a flat
 * background (a sprite on a key colour, a diagram on white). */
static int flat_border(const lk_image *im)
{
    static uint32_t hist[32768];
    memset(hist, 0, sizeof hist);
    long ring = 0, near = 0;
    int mode = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int y = 0; y < im->height; y++) {
            for (int x = 0; x < im->width; x++) {
                if (x >= 4 && x < im->width - 4 && y >= 4 && y < im->height - 4)
                    continue;
                const uint8_t *p = im->data + (size_t)y * (size_t)im->stride + 3 * (size_t)x;
                int key = (p[0] >> 3) << 10 | (p[1] >> 3) << 5 | p[2] >> 3;
                if (pass == 0) {
                    ring++;
                    if (++hist[key] > hist[mode])
                        mode = key;
                    continue;
                }
                int r = (mode >> 10) * 8 + 4, g = ((mode >> 5) & 31) * 8 + 4, b = (mode & 31) * 8 + 4;
                near += abs(p[0] - r) <= 12 && abs(p[1] - g) <= 12 && abs(p[2] - b) <= 12;
            }
        }
    }
    return ring && near * 10 > ring * 9;
}

static int set_index(evalset *es, const char *name, int group)
{
    for (int i = 0; i < es->nsets; i++)
        if (!strcmp(es->names[i], name))
            return i;
    if (es->nsets == MAXSETS)
        return -1;
    snprintf(es->names[es->nsets], sizeof es->names[0], "%s", name);
    es->group[es->nsets] = group;
    return es->nsets++;
}

static int is_dup(const evalset *es, const lk_hash256 *h)
{
    for (int i = 0; i < es->n; i++)
        if (lk_hamming256(&es->it[i].pdq, h) <= DUP_PDQ)
            return 1;
    return 0;
}

/* Decodes one picture and adds it unless a filter drops it. */
static void add_picture(evalset *es, lk_hasher *hs, int set, const char *path)
{
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.crop_borders = 0;
    lk_decoder *d = NULL;
    lk_errbuf err;
    lk_frame fr;
    lk_features f;
    if (lk_decoder_open(&d, path, &o, &err) || lk_decoder_next(d, &fr, &err) != 1 ||
        lk_hasher_compute(hs, &fr.image, LK_FEAT_PDQ | LK_FEAT_STYLE, &f)) {
        es->unreadable++;
        lk_decoder_free(&d);
        return;
    }
    if (flat_border(&fr.image)) {
        es->dropped_flat++;
    } else if (is_dup(es, &f.pdq)) {
        es->dropped_dup++;
    } else if (es->count[set] >= LK_EVAL_CAP) {
        es->dropped_cap++;
    } else {
        if (es->n == es->cap) {
            es->cap = es->cap ? 2 * es->cap : 512;
            es->it = realloc(es->it, (size_t)es->cap * sizeof *es->it);
        }
        item *it = &es->it[es->n++];
        it->set = set;
        it->ref = !(es->count[set]++ & 1);
        it->pdq = f.pdq;
        memcpy(it->desc, f.style, LK_STYLE_BYTES);
        baseline(&fr.image, it->base);
    }
    lk_decoder_free(&d);
}

/* Drops the sets left with fewer than MIN_SET pictures (renumbering). */
static void drop_small_sets(evalset *es)
{
    int map[MAXSETS], k = 0;
    for (int s = 0; s < es->nsets; s++) {
        map[s] = es->count[s] >= MIN_SET ? k : -1;
        if (map[s] >= 0) {
            memmove(es->names[k], es->names[s], sizeof es->names[0]);
            es->group[k] = es->group[s];
            es->count[k] = es->count[s];
            k++;
        } else {
            fprintf(stderr, "style_eval: set %s dropped: %d pictures\n", es->names[s],
                    es->count[s]);
        }
    }
    int n = 0;
    for (int i = 0; i < es->n; i++)
        if (map[es->it[i].set] >= 0) {
            es->it[n] = es->it[i];
            es->it[n++].set = map[es->it[i].set];
        }
    es->n = n;
    es->nsets = k;
}

static int load(const char *list, evalset *es)
{
    FILE *f = fopen(list, "r");
    lk_hasher *hs = NULL;
    if (!f || lk_hasher_new(&hs)) {
        if (f)
            fclose(f);
        return -1;
    }
    char set[64], group[16], path[4096], full[8192];
    const char *slash = strrchr(list, '/');
    int dirlen = slash ? (int)(slash - list) : 1;
    while (fscanf(f, "%63s %15s %4095s", set, group, path) == 3) {
        int s = set_index(es, set, strcmp(group, "tune") != 0);
        /* a relative path is relative to the list's directory */
        snprintf(full, sizeof full, "%.*s/%s", dirlen, slash ? list : ".", path);
        if (s >= 0)
            add_picture(es, hs, s, path[0] == '/' ? path : full);
    }
    fclose(f);
    lk_hasher_free(&hs);
    drop_small_sets(es);
    return 0;
}

/* ---- distances ---- */

/* Methods: the descriptor, each part alone, custom weights, baseline, chance. */
enum { M_FULL = 0, M_PART0 = 1, M_CUSTOM = 1 + LK_STYLE_NPARTS, M_BASE, M_CHANCE, M_COUNT };

static float custom_w[LK_STYLE_NPARTS];
static uint64_t chance_seed;

static float dist(const item *a, const item *b, int m)
{
    if (m == M_FULL)
        return lk_style_distance(a->desc, b->desc);
    if (m < M_CUSTOM)
        return lki_style_part_distance(a->desc, b->desc, m - M_PART0);
    if (m == M_CUSTOM) {
        float s = 0, ws = 0;
        for (int p = 0; p < LK_STYLE_NPARTS; p++) {
            s += custom_w[p] * lki_style_part_distance(a->desc, b->desc, p);
            ws += custom_w[p];
        }
        return ws > 0 ? s / ws : 0;
    }
    if (m == M_CHANCE) {
        chance_seed = chance_seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return (float)(chance_seed >> 40) / (float)(1 << 24);
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

/* ---- picture retrieval ---- */

/* Average precision and precision@10 of query q among the pictures of
 * group g. */
static void query(const evalset *es, int g, int q, int m, ranked *r, double *ap, double *p10)
{
    int k = 0, rel = 0, hits = 0, top = 0;
    for (int i = 0; i < es->n; i++) {
        if (i == q || es->group[es->it[i].set] != g)
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
            top += i < 10;
        }
    }
    *ap = rel ? sum / rel : 0;
    *p10 = (double)top / (k < 10 ? (k ? k : 1) : 10);
}

/* mAP of method m over group g; *p10 gets precision@10. */
static double retrieval(const evalset *es, int g, int m, double *p10)
{
    ranked *r = malloc((size_t)es->n * sizeof *r);
    double tap = 0, tp = 0;
    int nq = 0, reps = m == M_CHANCE ? 5 : 1;
    chance_seed = 99;
    for (int rep = 0; rep < reps; rep++) {
        for (int q = 0; q < es->n; q++) {
            if (es->group[es->it[q].set] != g)
                continue;
            double a, p;
            query(es, g, q, m, r, &a, &p);
            tap += a, tp += p, nq++;
        }
    }
    free(r);
    *p10 = nq ? tp / nq : 0;
    return nq ? tap / nq : 0;
}

/* ---- work ranking ---- */

/* Prototypes per work the catalog keeps (what the calibration uses). */
#define LK_STYLE_RANK_PROTOS_DEFAULT LK_STYLE_PROTOS

typedef struct works {
    int set[MAXSETS];                            /* set of work w */
    int n;                                       /* works of the group */
    uint8_t protos[MAXSETS][LK_STYLE_PROTOS * LK_STYLE_BYTES];
    lk_style_work w[MAXSETS];
} works;

/* The works of group g with up to nproto prototypes each. */
static void build_works(const evalset *es, int g, int nproto, works *ws)
{
    ws->n = 0;
    uint8_t *buf = malloc((size_t)es->n * LK_STYLE_BYTES);
    for (int s = 0; s < es->nsets; s++) {
        if (es->group[s] != g)
            continue;
        size_t k = 0;
        for (int i = 0; i < es->n; i++)
            if (es->it[i].set == s && es->it[i].ref)
                memcpy(buf + k++ * LK_STYLE_BYTES, es->it[i].desc, LK_STYLE_BYTES);
        int w = ws->n++;
        ws->set[w] = s;
        ws->w[w].protos = ws->protos[w];
        ws->w[w].nprotos = lk_style_prototypes(buf, k, nproto, ws->protos[w]);
    }
    free(buf);
}

/* Rank (1 = best) of the suspect's own set among the works, by 1-NN over
 * the reference pictures with method m; *own_d, *other_d get distances. */
static int rank_nn(const evalset *es, int g, int q, int m)
{
    float best[MAXSETS];
    for (int s = 0; s < MAXSETS; s++)
        best[s] = 1e9f;
    for (int i = 0; i < es->n; i++) {
        const item *it = &es->it[i];
        if (!it->ref || es->group[it->set] != g)
            continue;
        float d = dist(&es->it[q], it, m);
        if (d < best[it->set])
            best[it->set] = d;
    }
    int own = es->it[q].set, rank = 1;
    for (int s = 0; s < es->nsets; s++)
        rank += es->group[s] == g && s != own &&
                (best[s] < best[own] || (best[s] == best[own] && s < own));
    return rank;
}

typedef struct rankstats {
    double top1, mrr;
    int n;
    double *own, *other; /* per suspect: own work's score, best unrelated score */
    double *own_d, *other_d; /* the same as distances */
} rankstats;

/* lk_style_rank of every suspect of group g against works ws. */
static void rank_lib(const evalset *es, int g, const works *ws, rankstats *st)
{
    lk_style_match out[MAXSETS];
    st->top1 = st->mrr = 0;
    st->n = 0;
    for (int q = 0; q < es->n; q++) {
        const item *it = &es->it[q];
        if (it->ref || es->group[it->set] != g)
            continue;
        long n = lk_style_rank(it->desc, 1, ws->w, (size_t)ws->n, NULL, out, MAXSETS);
        double own = 0, other = 0, own_d = 1, other_d = 1;
        for (long k = 0; k < n; k++) {
            if (ws->set[out[k].work] == it->set) {
                st->top1 += k == 0;
                st->mrr += 1.0 / (double)(k + 1);
                own = out[k].score, own_d = out[k].distance;
            } else if (out[k].score > other) {
                other = out[k].score, other_d = out[k].distance;
            }
        }
        st->own_d[st->n] = own_d;
        st->other_d[st->n] = other_d;
        st->own[st->n] = own;
        st->other[st->n++] = other;
    }
    st->top1 /= st->n ? st->n : 1;
    st->mrr /= st->n ? st->n : 1;
}

static void rank_nn_stats(const evalset *es, int g, int m, double *top1, double *mrr)
{
    int n = 0;
    *top1 = *mrr = 0;
    for (int q = 0; q < es->n; q++) {
        if (es->it[q].ref || es->group[es->it[q].set] != g)
            continue;
        int r = rank_nn(es, g, q, m);
        *top1 += r == 1;
        *mrr += 1.0 / r;
        n++;
    }
    *top1 /= n ? n : 1;
    *mrr /= n ? n : 1;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Quantiles of n distances (sorted in place). */
static void quantiles(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("  %s distance quantiles 5/10/25/50%%: %.4f %.4f %.4f %.4f\n", what, v[n / 20],
           v[n / 10], v[n / 4], v[n / 2]);
}

static void calibration(const rankstats *st)
{
    printf("  calibration (%d prototypes), style score threshold: share of suspects that an\n"
           "  unrelated set reaches it / that their own set does\n   ", LK_STYLE_RANK_PROTOS_DEFAULT);
    for (int t = 30; t <= 90; t += 5) {
        int fa = 0, tr = 0;
        for (int i = 0; i < st->n; i++) {
            fa += st->other[i] >= t / 100.0;
            tr += st->own[i] >= t / 100.0;
        }
        printf(" %.2f: %.3f/%.3f", t / 100.0, (double)fa / st->n, (double)tr / st->n);
        if (t == 60)
            printf("\n   ");
    }
    printf("\n");
    quantiles("best unrelated work", st->other_d, st->n);
    quantiles("own work", st->own_d, st->n);
}

static void report_group(const evalset *es, int g, int custom)
{
    int nsets = 0, npics = 0;
    for (int s = 0; s < es->nsets; s++)
        nsets += es->group[s] == g;
    for (int i = 0; i < es->n; i++)
        npics += es->group[es->it[i].set] == g;
    printf("\n== %s sets: %d sets, %d pictures\n", g ? "measure-only" : "tune", nsets, npics);
    printf("  picture retrieval (leave-one-out)     mAP    P@10\n");
    for (int m = 0; m < M_COUNT; m++) {
        if (m == M_CUSTOM && !custom)
            continue;
        double p10, map = retrieval(es, g, m, &p10);
        const char *name = m == M_FULL ? "descriptor" : m == M_CUSTOM ? "custom weights"
                         : m == M_BASE ? "RGB 4x4x4 L1 (baseline)" : m == M_CHANCE ? "chance"
                         : lki_style_parts[m - M_PART0].name;
        printf("  %-36s %.3f  %.3f\n", name, map, p10);
    }
    static works ws;
    rankstats st, calib;
    st.own = malloc((size_t)es->n * sizeof *st.own);
    st.other = malloc((size_t)es->n * sizeof *st.other);
    st.own_d = malloc((size_t)es->n * sizeof *st.own_d);
    st.other_d = malloc((size_t)es->n * sizeof *st.other_d);
    printf("  work ranking (suspect picture -> %d works)  top-1   MRR\n", nsets);
    static const int np[] = { 1, 2, 4, LK_STYLE_PROTOS };
    for (int k = 0; k < 4; k++) {
        build_works(es, g, np[k], &ws);
        rank_lib(es, g, &ws, &st);
        char name[64];
        snprintf(name, sizeof name, "lk_style_rank, %d prototype%s%s", np[k], np[k] > 1 ? "s" : "",
                 np[k] == 1 ? " (mean)" : "");
        printf("  %-36s %.3f  %.3f\n", name, st.top1, st.mrr);
        if (np[k] == LK_STYLE_RANK_PROTOS_DEFAULT)
            calib = st;
    }
    double t1, mrr, ct = 0;
    rank_nn_stats(es, g, M_FULL, &t1, &mrr);
    printf("  %-36s %.3f  %.3f\n", "descriptor, 1-NN over references", t1, mrr);
    rank_nn_stats(es, g, M_BASE, &t1, &mrr);
    printf("  %-36s %.3f  %.3f\n", "RGB 4x4x4 L1, 1-NN (baseline)", t1, mrr);
    for (int k = 1; k <= nsets; k++)
        ct += 1.0 / k;
    printf("  %-36s %.3f  %.3f\n", "chance", 1.0 / nsets, ct / nsets);
    calib.own = st.own, calib.other = st.other, calib.own_d = st.own_d, calib.other_d = st.other_d;
    build_works(es, g, LK_STYLE_RANK_PROTOS_DEFAULT, &ws);
    rank_lib(es, g, &ws, &calib);
    calibration(&calib);
    free(st.own);
    free(st.other);
    free(st.own_d);
    free(st.other_d);
}

/* ---- fitting the part weights on the tune sets ---- */

/* mAP over the tune pictures (indices t[0..nt)) with weights w, from the
 * per-pair part distances pd[(i * nt + j) * NPARTS + p]. */
static double fit_map(const float *pd, const int *t, int nt, const evalset *es, const float *w,
                      ranked *r)
{
    double tap = 0;
    for (int q = 0; q < nt; q++) {
        int k = 0, rel = 0, hits = 0;
        for (int j = 0; j < nt; j++) {
            if (j == q)
                continue;
            const float *d = pd + ((size_t)q * nt + j) * LK_STYLE_NPARTS;
            float x = 0;
            for (int p = 0; p < LK_STYLE_NPARTS; p++)
                x += w[p] * d[p];
            r[k].d = x;
            r[k++].idx = j;
            rel += es->it[t[j]].set == es->it[t[q]].set;
        }
        qsort(r, (size_t)k, sizeof *r, cmp_ranked);
        double sum = 0;
        for (int i = 0; i < k; i++)
            if (es->it[t[r[i].idx]].set == es->it[t[q]].set)
                sum += (double)++hits / (i + 1);
        tap += rel ? sum / rel : 0;
    }
    return tap / nt;
}

/* mAP over the pictures t[0..nt) with per-byte weights bw (weighted L1). */
static double bytes_map(const evalset *es, const int *t, int nt, const float *bw, ranked *r)
{
    double tap = 0;
    for (int q = 0; q < nt; q++) {
        const uint8_t *a = es->it[t[q]].desc;
        int k = 0, rel = 0, hits = 0;
        for (int j = 0; j < nt; j++) {
            if (j == q)
                continue;
            const uint8_t *b = es->it[t[j]].desc;
            float x = 0;
            for (int i = 0; i < LK_STYLE_BYTES; i++)
                x += bw[i] * (float)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
            r[k].d = x;
            r[k++].idx = j;
            rel += es->it[t[j]].set == es->it[t[q]].set;
        }
        qsort(r, (size_t)k, sizeof *r, cmp_ranked);
        double sum = 0;
        for (int i = 0; i < k; i++)
            if (es->it[t[r[i].idx]].set == es->it[t[q]].set)
                sum += (double)++hits / (i + 1);
        tap += rel ? sum / rel : 0;
    }
    return tap / nt;
}

/* Per-byte weights from the pictures t[0..nt): w_i = (sb_i / sw_i)^g /
 * (sw_i + 1), sw_i the pooled within-set and sb_i the between-set standard
 * deviation of byte i (in byte units), normalised to sum 1. */
static void byte_weights(const evalset *es, const int *t, int nt, double g, float *bw)
{
    double mean[MAXSETS][LK_STYLE_BYTES] = { { 0 } }, all[LK_STYLE_BYTES] = { 0 };
    int cnt[MAXSETS] = { 0 }, nset = 0;
    for (int j = 0; j < nt; j++) {
        const item *it = &es->it[t[j]];
        nset += cnt[it->set]++ == 0;
        for (int i = 0; i < LK_STYLE_BYTES; i++)
            mean[it->set][i] += it->desc[i], all[i] += it->desc[i];
    }
    double sum = 0;
    for (int i = 0; i < LK_STYLE_BYTES; i++) {
        double sw = 0, sb = 0, m = all[i] / nt;
        for (int j = 0; j < nt; j++) {
            const item *it = &es->it[t[j]];
            double d = it->desc[i] - mean[it->set][i] / cnt[it->set];
            sw += d * d;
        }
        for (int st = 0; st < MAXSETS; st++)
            if (cnt[st]) {
                double d = mean[st][i] / cnt[st] - m;
                sb += d * d;
            }
        sw = sqrt(sw / nt), sb = sqrt(sb / nset);
        bw[i] = (float)(pow(sb / (sw + 1.0), g) / (sw + 1.0));
        sum += bw[i];
    }
    for (int i = 0; i < LK_STYLE_BYTES; i++)
        bw[i] = (float)(bw[i] / sum);
}

/* Fits per-byte weights: the exponent g of byte_weights with the best tune
 * mAP among 0, 0.5, 1, 1.5, 2; prints them as the C table of style.c. */
static void fit_bytes(const evalset *es, const int *t, int nt, ranked *r)
{
    float bw[LK_STYLE_BYTES], best_w[LK_STYLE_BYTES];
    double best = -1, best_g = 0;
    for (int k = 0; k <= 4; k++) {
        byte_weights(es, t, nt, 0.5 * k, bw);
        double m = bytes_map(es, t, nt, bw, r);
        printf("byte weights, exponent %.1f: tune mAP %.4f\n", 0.5 * k, m);
        if (m > best)
            best = m, best_g = 0.5 * k, memcpy(best_w, bw, sizeof bw);
    }
    printf("chosen exponent %.1f (tune mAP %.4f); per-byte weights x 1e4:\n", best_g, best);
    for (int i = 0; i < LK_STYLE_BYTES; i++)
        printf("%s%d", i % 16 ? ", " : i ? ",\n    " : "    ", (int)lrint(best_w[i] * 1e4));
    printf("\n");
}

/* Coordinate ascent from equal weights: each round tries every part's
 * weight times 0, 0.25, 0.5, 0.7, 1.4, 2, 4 and 8 (a weight of 0 becomes
 * that number) and keeps the one change that raises the tune mAP most,
 * until a round gains less than 0.0005 (at most 12 rounds).  Only the
 * tune sets are read. */
static int fit(const evalset *es)
{
    int *t = malloc((size_t)es->n * sizeof *t), nt = 0;
    for (int i = 0; i < es->n; i++)
        if (es->group[es->it[i].set] == 0)
            t[nt++] = i;
    float *pd = malloc((size_t)nt * nt * LK_STYLE_NPARTS * sizeof *pd);
    ranked *r = malloc((size_t)nt * sizeof *r);
    for (int i = 0; i < nt; i++)
        for (int j = 0; j < nt; j++)
            for (int p = 0; p < LK_STYLE_NPARTS; p++)
                pd[((size_t)i * nt + j) * LK_STYLE_NPARTS + p] =
                    lki_style_part_distance(es->it[t[i]].desc, es->it[t[j]].desc, p);
    float w[LK_STYLE_NPARTS];
    static const float steps[] = { 0.0f, 0.25f, 0.5f, 0.7f, 1.4f, 2.0f, 4.0f, 8.0f };
    for (int p = 0; p < LK_STYLE_NPARTS; p++)
        w[p] = 1.0f;
    fit_bytes(es, t, nt, r);
    double best = fit_map(pd, t, nt, es, w, r);
    printf("fit on %d tune pictures: equal weights mAP %.4f\n", nt, best);
    for (int round = 0; round < 12; round++) {
        double start = best;
        int bp = -1;
        float bw = 0;
        for (int p = 0; p < LK_STYLE_NPARTS; p++) {
            for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
                float keep = w[p];
                w[p] = keep == 0 ? steps[k] : keep * steps[k];
                double m = fit_map(pd, t, nt, es, w, r);
                if (m > best)
                    best = m, bp = p, bw = w[p];
                w[p] = keep;
            }
        }
        if (bp < 0 || best - start < 0.0005)
            break;
        w[bp] = bw;
        printf("round %d: mAP %.4f, weights", round + 1, best);
        for (int p = 0; p < LK_STYLE_NPARTS; p++)
            printf("%s%.3g", p ? "," : " ", w[p]);
        printf("\n");
    }
    free(t);
    free(pd);
    free(r);
    return 0;
}

/* ---- timing ---- */

/* CPU microseconds (thread CPU time, robust to a busy machine) per call of
 * what on a 512x288 noisy-gradient RGB frame. */
static double frame_us(const lk_simd_ops *ops, lk_style_ctx *ctx, lk_hasher *hs)
{
    enum { W = 512, H = 288, REPS = 200 };
    static uint8_t px[W * H * 3];
    uint64_t s = 42;
    for (int i = 0; i < W * H * 3; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        px[i] = (uint8_t)((i % (W * 3)) / 6 + (s >> 60));
    }
    lk_image img = { px, W, H, W * 3, 3 };
    uint8_t d[LK_STYLE_BYTES];
    lk_features f;
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (int i = 0; i < REPS; i++) {
        if (hs)
            lk_hasher_compute(hs, &img, LK_FEAT_ALL, &f);
        else
            lki_style_compute(ctx, ops, &img, d);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    return ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / REPS;
}

static void timing(void)
{
    lk_style_ctx *ctx = NULL;
    lk_hasher *hs = NULL;
    if (lki_style_ctx_new(&ctx) || lk_hasher_new(&hs))
        return;
    printf("\n512x288 RGB frame, one core (CPU time):\n");
    for (int lvl = LK_SIMD_SCALAR; lvl <= lk_simd_detect(); lvl++) {
        lk_simd_ops o;
        if (lk_simd_ops_for(lvl, &o) == 0)
            printf("  %-8s style descriptor %.1f us\n", o.name, frame_us(&o, ctx, NULL));
    }
    printf("  %-8s all features (lk_hasher, LIKENESS_SIMD) %.1f us\n",
           lk_simd_ops_get()->name, frame_us(NULL, NULL, hs));
    lki_style_ctx_free(&ctx);
    lk_hasher_free(&hs);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "probe"))
        return probe(atoi(argv[2]));
    if (argc < 3 || (strcmp(argv[1], "run") && strcmp(argv[1], "fit") &&
                     strcmp(argv[1], "project"))) {
        fprintf(stderr, "usage: style_eval probe MIN < paths\n"
                        "       style_eval run LIST [w1,w2,...]\n"
                        "       style_eval fit LIST\n"
                        "       style_eval project LIST\n");
        return 2;
    }
    lk_init();
    lk_decode_set_log_level(0);
    evalset es = { 0 };
    if (load(argv[2], &es) || es.n < 2) {
        fprintf(stderr, "style_eval: no pictures loaded from %s\n", argv[2]);
        return 1;
    }
    printf("pictures %d (dropped: %d flat border, %d near-duplicates, %d over the cap of %d,"
           " %d unreadable)\nsets:", es.n, es.dropped_flat, es.dropped_dup, es.dropped_cap,
           LK_EVAL_CAP, es.unreadable);
    for (int s = 0; s < es.nsets; s++)
        printf(" %s(%s,%d)", es.names[s], es.group[s] ? "measure" : "tune", es.count[s]);
    printf("\n");
    if (!strcmp(argv[1], "fit"))
        return fit(&es);
    if (!strcmp(argv[1], "project"))
        return style_project(&es);
    int custom = 0;
    if (argc > 3) {
        char *tok = strtok(argv[3], ",");
        for (int p = 0; p < LK_STYLE_NPARTS && tok; p++, tok = strtok(NULL, ","))
            custom_w[p] = (float)atof(tok);
        custom = 1;
    }
    report_group(&es, 0, custom);
    report_group(&es, 1, custom);
    timing();
    free(es.it);
    return 0;
}
