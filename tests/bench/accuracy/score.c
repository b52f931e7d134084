/*
 * score.c — the scorer of the accuracy benchmark: reads the corpus ground
 * truth (truth.json from gen-corpus.sh) and the JSON Lines output of one or
 * more systems (`likeness scan --jsonl --min-score 0`, or signature.sh in the
 * same shape), and prints per system: micro average precision over (suspect,
 * work) pairs ranked by score, precision/recall/F1 at the default threshold,
 * recall at precision >= 0.99, recall per transform, false positives on hard
 * and easy negatives, mean temporal IoU of reported segments (suspect and
 * reference side), and how often the top style resemblance comes from the
 * suspect's art set.
 *
 * Usage: likeness-score [--json OUT] TRUTH.json NAME=RESULTS.jsonl[@THRESHOLD] ...
 *
 * Invariants and conventions:
 *  - Result lines are matched to suspects by the base name of "file".  A
 *    suspect without a result line counts as reporting nothing (all misses).
 *  - The pair universe is every suspect x every reference.  A result line may
 *    carry "evaluated": [work ids] (signature.sh samples false pairs); then
 *    that suspect's pairs are only those works plus its true works.
 *  - A pair's score is the highest score among its work's matches (0 if the
 *    work is not listed).  A pair is called a match at the default threshold
 *    when the line's verdict is "match" and the pair score >= THRESHOLD
 *    (default 0.5).
 *  - Ties in the ranking are broken pessimistically (false pairs first), so
 *    a constant score never earns precision.
 *  - Temporal IoU is over predicted true pairs whose truth has a non-empty
 *    interval on that side (stills and frame grabs have none).
 * Built with -DLK_SCORE_NO_MAIN the file is a set of static functions for the
 * unit test (tests/unit/test_accuracy_score.c).
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A reference work: id and art set; still = 1 for pictures. */
typedef struct { char *id, *set; int still; } sc_ref;
/* One time range on both clocks (seconds); also a positive's truth. */
typedef struct { double s0, s1, r0, r1; int work; } sc_seg;
/* A suspect: base name, transform tag, art set, hard-negative flag and its
 * true works with time ranges (npos may be 0 for negatives). */
typedef struct {
    char *base, *transform, *set;
    int hard, npos;
    sc_seg *pos;
} sc_sus;
/* The ground truth: nrefs references, nsus suspects. */
typedef struct { sc_ref *refs; sc_sus *sus; int nrefs, nsus; } sc_truth;
/* One system's results per suspect: seen (a line was read), verdict match,
 * score[nrefs], eval[nrefs] (pair in the universe), reported segments per
 * work, index of the top style work (-1 if none). */
typedef struct {
    int seen, match, style_top;
    double *score;
    unsigned char *eval;
    sc_seg **segs;
    int *nsegs;
} sc_res;

/* Transforms the per-transform table can hold (the corpus has 26). */
#define SC_MAX_TR 64
/* Metrics of one system (see the file comment for definitions). */
typedef struct {
    double uap, precision, recall, f1, r_at_p99, thr_at_p99;
    double iou_s, iou_r, style_rate, best_f1, best_f1_thr;
    int tp, fp, fn, npairs, npos_pairs, missing;
    int hard_fp, hard_n, easy_fp, easy_n, iou_s_n, iou_r_n, style_n, style_ok;
    int ntr;
    const char *tr_name[SC_MAX_TR];
    int tr_tp[SC_MAX_TR], tr_pos[SC_MAX_TR];
} sc_metrics;

static char *sc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static const char *sc_base(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static const char *sc_jstr(const cJSON *o, const char *key, const char *def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : def;
}

static double sc_jnum(const cJSON *o, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static int sc_ref_index(const sc_truth *t, const char *id)
{
    for (int i = 0; i < t->nrefs; i++)
        if (!strcmp(t->refs[i].id, id)) return i;
    return -1;
}

static int sc_sus_index(const sc_truth *t, const char *file)
{
    const char *b = sc_base(file);
    for (int i = 0; i < t->nsus; i++)
        if (!strcmp(t->sus[i].base, b)) return i;
    return -1;
}

static void sc_truth_free(sc_truth *t)
{
    for (int i = 0; i < t->nrefs; i++) { free(t->refs[i].id); free(t->refs[i].set); }
    for (int i = 0; i < t->nsus; i++) {
        free(t->sus[i].base); free(t->sus[i].transform); free(t->sus[i].set); free(t->sus[i].pos);
    }
    free(t->refs); free(t->sus);
    memset(t, 0, sizeof *t);
}

static int sc_load_suspect(sc_truth *t, sc_sus *s, const cJSON *js)
{
    const cJSON *pos = cJSON_GetObjectItemCaseSensitive(js, "positives");
    s->base = sc_strdup(sc_base(sc_jstr(js, "file", "")));
    s->transform = sc_strdup(sc_jstr(js, "transform", "none"));
    s->set = sc_strdup(sc_jstr(js, "set", "none"));
    s->hard = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "hard_negative"));
    s->npos = cJSON_GetArraySize(pos);
    s->pos = calloc((size_t)s->npos + 1, sizeof *s->pos);
    if (!s->base || !s->transform || !s->set || !s->pos) return -1;
    for (int k = 0; k < s->npos; k++) {
        const cJSON *p = cJSON_GetArrayItem(pos, k);
        sc_seg *g = &s->pos[k];
        g->work = sc_ref_index(t, sc_jstr(p, "work_id", ""));
        if (g->work < 0) return -1;
        g->s0 = sc_jnum(p, "suspect_start", 0); g->s1 = sc_jnum(p, "suspect_end", 0);
        g->r0 = sc_jnum(p, "ref_start", 0); g->r1 = sc_jnum(p, "ref_end", 0);
    }
    return 0;
}

/* Parses truth.json text into *t.  Returns 0, or -1 on malformed truth. */
static int sc_truth_parse(sc_truth *t, const char *text)
{
    memset(t, 0, sizeof *t);
    cJSON *root = cJSON_Parse(text);
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(root, "references");
    const cJSON *sus = cJSON_GetObjectItemCaseSensitive(root, "suspects");
    int rc = -1;
    if (!cJSON_IsArray(refs) || !cJSON_IsArray(sus)) goto out;
    t->refs = calloc((size_t)cJSON_GetArraySize(refs) + 1, sizeof *t->refs);
    t->sus = calloc((size_t)cJSON_GetArraySize(sus) + 1, sizeof *t->sus);
    if (!t->refs || !t->sus) goto out;
    for (const cJSON *r = refs->child; r; r = r->next, t->nrefs++) {
        t->refs[t->nrefs].id = sc_strdup(sc_jstr(r, "id", ""));
        t->refs[t->nrefs].set = sc_strdup(sc_jstr(r, "set", "none"));
        t->refs[t->nrefs].still = !strcmp(sc_jstr(r, "kind", "video"), "still");
        if (!t->refs[t->nrefs].id || !t->refs[t->nrefs].set) goto out;
    }
    for (const cJSON *s = sus->child; s; s = s->next)
        if (sc_load_suspect(t, &t->sus[t->nsus++], s)) goto out;
    rc = 0;
out:
    cJSON_Delete(root);
    if (rc) sc_truth_free(t);
    return rc;
}

/* Frees results made by sc_res_new (accepts NULL). */
static void sc_res_release(sc_res *r, const sc_truth *t)
{
    if (!r) return;
    for (int i = 0; i < t->nsus; i++) {
        for (int j = 0; r[i].segs && j < t->nrefs; j++) free(r[i].segs[j]);
        free(r[i].segs); free(r[i].score); free(r[i].eval); free(r[i].nsegs);
    }
    free(r);
}

/* Allocates empty results for every suspect.  Returns NULL on no memory. */
static sc_res *sc_res_new(const sc_truth *t)
{
    sc_res *r = calloc((size_t)t->nsus + 1, sizeof *r);
    if (!r) return NULL;
    for (int i = 0; i < t->nsus; i++) {
        r[i].style_top = -1;
        r[i].score = calloc((size_t)t->nrefs + 1, sizeof *r[i].score);
        r[i].eval = calloc((size_t)t->nrefs + 1, 1);
        r[i].segs = calloc((size_t)t->nrefs + 1, sizeof *r[i].segs);
        r[i].nsegs = calloc((size_t)t->nrefs + 1, sizeof *r[i].nsegs);
        if (!r[i].score || !r[i].eval || !r[i].segs || !r[i].nsegs) {
            sc_res_release(r, t);
            return NULL;
        }
        memset(r[i].eval, 1, (size_t)t->nrefs);
    }
    return r;
}


static int sc_add_segments(sc_res *x, int w, const cJSON *segs)
{
    int n = cJSON_GetArraySize(segs);
    if (n <= 0) return 0;
    sc_seg *g = realloc(x->segs[w], (size_t)(x->nsegs[w] + n) * sizeof *g);
    if (!g) return -1;
    x->segs[w] = g;
    for (const cJSON *s = segs->child; s; s = s->next) {
        sc_seg *d = &g[x->nsegs[w]++];
        d->s0 = sc_jnum(s, "suspect_start", 0); d->s1 = sc_jnum(s, "suspect_end", 0);
        d->r0 = sc_jnum(s, "ref_start", 0); d->r1 = sc_jnum(s, "ref_end", 0);
        d->work = w;
    }
    return 0;
}

static void sc_apply_evaluated(sc_res *x, const sc_truth *t, const sc_sus *s, const cJSON *ev)
{
    if (!cJSON_IsArray(ev)) return;
    memset(x->eval, 0, (size_t)t->nrefs);
    for (const cJSON *e = ev->child; e; e = e->next) {
        int w = cJSON_IsString(e) ? sc_ref_index(t, e->valuestring) : -1;
        if (w >= 0) x->eval[w] = 1;
    }
    for (int k = 0; k < s->npos; k++) x->eval[s->pos[k].work] = 1;
}

/* Adds one JSON line of a system's output.  Returns 1 if it was used, 0 if
 * it names no suspect of the truth (ignored), -1 if it is not JSON. */
static int sc_add_line(sc_res *r, const sc_truth *t, const char *line)
{
    cJSON *j = cJSON_Parse(line);
    if (!j) return -1;
    int si = sc_sus_index(t, sc_jstr(j, "file", ""));
    if (si < 0) { cJSON_Delete(j); return 0; }
    sc_res *x = &r[si];
    x->seen = 1;
    x->match = !strcmp(sc_jstr(j, "verdict", ""), "match");
    sc_apply_evaluated(x, t, &t->sus[si], cJSON_GetObjectItemCaseSensitive(j, "evaluated"));
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "matches");
    for (const cJSON *e = cJSON_IsArray(m) ? m->child : NULL; e; e = e->next) {
        int w = sc_ref_index(t, sc_jstr(e, "work_id", ""));
        double sc = sc_jnum(e, "score", 0);
        if (w < 0) continue;
        if (sc > x->score[w]) x->score[w] = sc;
        if (sc_add_segments(x, w, cJSON_GetObjectItemCaseSensitive(e, "segments"))) {
            cJSON_Delete(j); return -1;
        }
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "style");
    double best = -1;
    for (const cJSON *e = cJSON_IsArray(st) ? st->child : NULL; e; e = e->next) {
        int w = sc_ref_index(t, sc_jstr(e, "work_id", ""));
        if (w >= 0 && sc_jnum(e, "score", 0) > best) { best = sc_jnum(e, "score", 0); x->style_top = w; }
    }
    cJSON_Delete(j);
    return 1;
}

static int sc_is_pos(const sc_sus *s, int w)
{
    for (int k = 0; k < s->npos; k++)
        if (s->pos[k].work == w) return 1;
    return 0;
}

/* Ranked pair: score and label. */
typedef struct { double score; int pos; } sc_pair;

static int sc_pair_cmp(const void *a, const void *b)
{
    const sc_pair *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->pos - y->pos; /* false pairs first among ties */
}

/* Ranking metrics: uAP, recall at precision >= 0.99, best F1. */
static void sc_rank_metrics(sc_metrics *m, sc_pair *p, int n)
{
    qsort(p, (size_t)n, sizeof *p, sc_pair_cmp);
    double ap = 0;
    int tp = 0;
    for (int k = 0; k < n; k++) {
        if (p[k].pos) { tp++; ap += (double)tp / (k + 1); }
        int boundary = k + 1 == n || p[k + 1].score != p[k].score;
        if (!boundary || p[k].score <= 0 || !m->npos_pairs) continue;
        double prec = (double)tp / (k + 1), rec = (double)tp / m->npos_pairs;
        if (prec >= 0.99 && rec > m->r_at_p99) { m->r_at_p99 = rec; m->thr_at_p99 = p[k].score; }
        double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
        if (f1 > m->best_f1) { m->best_f1 = f1; m->best_f1_thr = p[k].score; }
    }
    m->uap = m->npos_pairs ? ap / m->npos_pairs : 0;
}

/* Merges intervals [a0,a1) in place (sorted by start), returns the count. */
static int sc_merge(double (*iv)[2], int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && iv[j][0] < iv[j - 1][0]; j--) {
            double t0 = iv[j][0], t1 = iv[j][1];
            iv[j][0] = iv[j - 1][0]; iv[j][1] = iv[j - 1][1]; iv[j - 1][0] = t0; iv[j - 1][1] = t1;
        }
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m && iv[i][0] <= iv[m - 1][1]) {
            if (iv[i][1] > iv[m - 1][1]) iv[m - 1][1] = iv[i][1];
        } else {
            iv[m][0] = iv[i][0]; iv[m][1] = iv[i][1]; m++;
        }
    }
    return m;
}

static double sc_len(double (*iv)[2], int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += iv[i][1] - iv[i][0];
    return s;
}

/* IoU of two interval unions; side 0 = suspect clock, 1 = reference clock.
 * Returns -1 when the truth has no extent on that side. */
static double sc_iou(const sc_seg *truth, int nt, const sc_seg *rep, int nr, int side)
{
    double (*a)[2] = calloc((size_t)nt + 1, sizeof *a), (*b)[2] = calloc((size_t)nr + 1, sizeof *b);
    double iou = -1;
    if (!a || !b) goto out;
    for (int i = 0; i < nt; i++) { a[i][0] = side ? truth[i].r0 : truth[i].s0; a[i][1] = side ? truth[i].r1 : truth[i].s1; }
    for (int i = 0; i < nr; i++) { b[i][0] = side ? rep[i].r0 : rep[i].s0; b[i][1] = side ? rep[i].r1 : rep[i].s1; }
    int na = sc_merge(a, nt), nb = sc_merge(b, nr);
    double la = sc_len(a, na), lb = sc_len(b, nb), inter = 0;
    if (la <= 0) goto out;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) {
            double lo = fmax(a[i][0], b[j][0]), hi = fmin(a[i][1], b[j][1]);
            if (hi > lo) inter += hi - lo;
        }
    iou = inter / (la + lb - inter);
out:
    free(a); free(b);
    return iou;
}

/* The per-transform slot of NAME, made on first use.  Past SC_MAX_TR - 1
 * transforms the rest share one slot named "(other transforms)", so a
 * count is never credited to a transform it does not belong to. */
static int sc_tr_slot(sc_metrics *m, const char *name)
{
    for (int i = 0; i < m->ntr; i++)
        if (!strcmp(m->tr_name[i], name)) return i;
    if (m->ntr == SC_MAX_TR - 1) {
        m->tr_name[m->ntr] = "(other transforms)";
        m->ntr++;
    }
    if (m->ntr == SC_MAX_TR) return SC_MAX_TR - 1;
    m->tr_name[m->ntr] = name;
    return m->ntr++;
}

/* IoU of one predicted true pair (suspect si, work w) on both sides. */
static void sc_pair_iou(sc_metrics *m, const sc_sus *s, const sc_res *x, int w)
{
    sc_seg tr[16];
    int nt = 0;
    for (int k = 0; k < s->npos && nt < 16; k++)
        if (s->pos[k].work == w) tr[nt++] = s->pos[k];
    for (int side = 0; side < 2; side++) {
        double v = sc_iou(tr, nt, x->segs[w], x->nsegs[w], side);
        if (v < 0) continue;
        if (side) { m->iou_r += v; m->iou_r_n++; } else { m->iou_s += v; m->iou_s_n++; }
    }
}

/* Decisions at the default threshold for suspect i: counts, per transform,
 * negatives, IoU, style. */
static void sc_suspect_metrics(sc_metrics *m, const sc_truth *t, const sc_res *r, int i, double thr)
{
    const sc_sus *s = &t->sus[i];
    const sc_res *x = &r[i];
    int called = 0;
    m->missing += !x->seen;
    for (int w = 0; w < t->nrefs; w++) {
        int pos = sc_is_pos(s, w), pred = x->match && x->score[w] >= thr && x->score[w] > 0;
        if (!x->eval[w]) continue;
        called |= pred;
        if (pos && pred) { m->tp++; sc_pair_iou(m, s, x, w); }
        m->fp += !pos && pred;
        m->fn += pos && !pred;
        if (pos) { int k = sc_tr_slot(m, s->transform); m->tr_pos[k]++; m->tr_tp[k] += pred; }
    }
    if (!s->npos) {
        if (s->hard) { m->hard_n++; m->hard_fp += called; } else { m->easy_n++; m->easy_fp += called; }
    }
    if (strcmp(s->set, "none") && x->seen) {
        m->style_n++;
        m->style_ok += x->style_top >= 0 && !strcmp(t->refs[x->style_top].set, s->set);
    }
}

/* Computes every metric of one system.  Returns 0, or -1 on no memory. */
static int sc_compute(sc_metrics *m, const sc_truth *t, const sc_res *r, double thr)
{
    memset(m, 0, sizeof *m);
    sc_pair *p = malloc(((size_t)t->nsus * t->nrefs + 1) * sizeof *p);
    if (!p) return -1;
    for (int i = 0; i < t->nsus; i++) {
        if (t->sus[i].npos) sc_tr_slot(m, t->sus[i].transform);
        for (int w = 0; w < t->nrefs; w++) {
            if (!r[i].eval[w]) continue;
            p[m->npairs].score = r[i].score[w];
            p[m->npairs].pos = sc_is_pos(&t->sus[i], w);
            m->npos_pairs += p[m->npairs++].pos;
        }
    }
    for (int i = 0; i < t->nsus; i++) sc_suspect_metrics(m, t, r, i, thr);
    sc_rank_metrics(m, p, m->npairs);
    free(p);
    m->precision = m->tp + m->fp ? (double)m->tp / (m->tp + m->fp) : 0;
    m->recall = m->tp + m->fn ? (double)m->tp / (m->tp + m->fn) : 0;
    m->f1 = m->precision + m->recall > 0 ? 2 * m->precision * m->recall / (m->precision + m->recall) : 0;
    m->iou_s = m->iou_s_n ? m->iou_s / m->iou_s_n : 0;
    m->iou_r = m->iou_r_n ? m->iou_r / m->iou_r_n : 0;
    m->style_rate = m->style_n ? (double)m->style_ok / m->style_n : 0;
    return 0;
}

static cJSON *sc_metrics_json(const sc_metrics *m, double thr)
{
    cJSON *o = cJSON_CreateObject(), *tr = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "threshold", thr);
    cJSON_AddNumberToObject(o, "pairs", m->npairs);
    cJSON_AddNumberToObject(o, "true_pairs", m->npos_pairs);
    cJSON_AddNumberToObject(o, "missing_suspects", m->missing);
    cJSON_AddNumberToObject(o, "uap", m->uap);
    cJSON_AddNumberToObject(o, "precision", m->precision);
    cJSON_AddNumberToObject(o, "recall", m->recall);
    cJSON_AddNumberToObject(o, "f1", m->f1);
    cJSON_AddNumberToObject(o, "tp", m->tp);
    cJSON_AddNumberToObject(o, "fp", m->fp);
    cJSON_AddNumberToObject(o, "fn", m->fn);
    cJSON_AddNumberToObject(o, "recall_at_p99", m->r_at_p99);
    cJSON_AddNumberToObject(o, "threshold_at_p99", m->thr_at_p99);
    cJSON_AddNumberToObject(o, "best_f1", m->best_f1);
    cJSON_AddNumberToObject(o, "best_f1_threshold", m->best_f1_thr);
    cJSON_AddNumberToObject(o, "hard_negatives", m->hard_n);
    cJSON_AddNumberToObject(o, "hard_negative_fp", m->hard_fp);
    cJSON_AddNumberToObject(o, "easy_negatives", m->easy_n);
    cJSON_AddNumberToObject(o, "easy_negative_fp", m->easy_fp);
    cJSON_AddNumberToObject(o, "iou_suspect", m->iou_s);
    cJSON_AddNumberToObject(o, "iou_reference", m->iou_r);
    cJSON_AddNumberToObject(o, "style_top1_same_set", m->style_rate);
    cJSON_AddNumberToObject(o, "style_suspects", m->style_n);
    for (int i = 0; i < m->ntr; i++)
        cJSON_AddNumberToObject(tr, m->tr_name[i], m->tr_pos[i] ? (double)m->tr_tp[i] / m->tr_pos[i] : 0);
    cJSON_AddItemToObject(o, "recall_per_transform", tr);
    return o;
}

#ifndef LK_SCORE_NO_MAIN
static char *sc_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
        else buf[n] = 0;
    }
    fclose(f);
    return buf;
}

static int sc_read_results(sc_res *r, const sc_truth *t, const char *path)
{
    char *text = sc_read_file(path);
    if (!text) { fprintf(stderr, "likeness-score: cannot read %s\n", path); return -1; }
    int bad = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        if (*line && sc_add_line(r, t, line) < 0) bad++;
    if (bad) fprintf(stderr, "likeness-score: %s: %d lines are not JSON\n", path, bad);
    free(text);
    return 0;
}

static void sc_row(const char *name, const sc_metrics *m, int ns, double (*get)(const sc_metrics *))
{
    printf("%-28s", name);
    for (int i = 0; i < ns; i++) printf(" %14.3f", get(&m[i]));
    printf("\n");
}
static double g_uap(const sc_metrics *m) { return m->uap; }
static double g_p(const sc_metrics *m) { return m->precision; }
static double g_r(const sc_metrics *m) { return m->recall; }
static double g_f1(const sc_metrics *m) { return m->f1; }
static double g_r99(const sc_metrics *m) { return m->r_at_p99; }
static double g_ious(const sc_metrics *m) { return m->iou_s; }
static double g_iour(const sc_metrics *m) { return m->iou_r; }
static double g_style(const sc_metrics *m) { return m->style_rate; }

static void sc_print_table(const sc_metrics *m, char **names, int ns)
{
    printf("%-28s", "metric");
    for (int i = 0; i < ns; i++) printf(" %14s", names[i]);
    printf("\n");
    sc_row("micro AP", m, ns, g_uap);
    sc_row("precision @default", m, ns, g_p);
    sc_row("recall @default", m, ns, g_r);
    sc_row("F1 @default", m, ns, g_f1);
    sc_row("recall @precision>=0.99", m, ns, g_r99);
    sc_row("temporal IoU (suspect)", m, ns, g_ious);
    sc_row("temporal IoU (reference)", m, ns, g_iour);
    sc_row("style top-1 same art set", m, ns, g_style);
    printf("%-28s", "hard negatives called match");
    for (int i = 0; i < ns; i++) printf(" %10d/%-3d", m[i].hard_fp, m[i].hard_n);
    printf("\n%-28s", "easy negatives called match");
    for (int i = 0; i < ns; i++) printf(" %10d/%-3d", m[i].easy_fp, m[i].easy_n);
    printf("\n%-28s", "pairs scored (true)");
    for (int i = 0; i < ns; i++) printf(" %9d(%3d)", m[i].npairs, m[i].npos_pairs);
    printf("\nrecall per transform:\n");
    for (int k = 0; k < m[0].ntr; k++) {
        printf("  %-26s", m[0].tr_name[k]);
        for (int i = 0; i < ns; i++)
            printf(" %6.3f (%2d/%2d)", m[i].tr_pos[k] ? (double)m[i].tr_tp[k] / m[i].tr_pos[k] : 0,
                   m[i].tr_tp[k], m[i].tr_pos[k]);
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    const char *json_out = NULL;
    int a = 1;
    if (a + 1 < argc && !strcmp(argv[a], "--json")) { json_out = argv[a + 1]; a += 2; }
    if (argc - a < 2 || argc - a > 9) {
        fprintf(stderr, "usage: likeness-score [--json OUT] TRUTH.json NAME=RESULTS.jsonl[@THRESHOLD] ...\n");
        return 2;
    }
    char *text = sc_read_file(argv[a]);
    sc_truth t;
    if (!text || sc_truth_parse(&t, text)) {
        fprintf(stderr, "likeness-score: %s: not a readable truth file\n", argv[a]);
        free(text); return 2;
    }
    free(text);
    int ns = argc - a - 1, rc = 0;
    sc_metrics m[8];
    char *names[8];
    cJSON *root = cJSON_CreateObject(), *sys = cJSON_AddObjectToObject(root, "systems");
    for (int i = 0; i < ns; i++) {
        names[i] = argv[a + 1 + i];
        char *eq = strchr(names[i], '='), *at = strrchr(names[i], '@');
        double thr = 0.5;
        if (!eq) { fprintf(stderr, "likeness-score: %s: expected NAME=FILE\n", names[i]); rc = 2; break; }
        *eq = 0;
        if (at && at > eq) { *at = 0; thr = atof(at + 1); }
        sc_res *r = sc_res_new(&t);
        if (!r || sc_read_results(r, &t, eq + 1) || sc_compute(&m[i], &t, r, thr)) rc = 2;
        else cJSON_AddItemToObject(sys, names[i], sc_metrics_json(&m[i], thr));
        sc_res_release(r, &t);
        if (rc) break;
    }
    if (!rc) sc_print_table(m, names, ns);
    if (!rc && json_out) {
        char *s = cJSON_Print(root);
        FILE *f = fopen(json_out, "w");
        if (!s || !f || fputs(s, f) < 0) rc = 2;
        if (f && fclose(f)) rc = 2;
        free(s);
    }
    cJSON_Delete(root);
    sc_truth_free(&t);
    return rc;
}
#endif
