/*
 * style_project.c — `style_eval project LIST`: would a learned linear
 * projection of the style descriptor find art sets better than the
 * shipped part-weighted metric?  Everything is fitted on the tune sets
 * only, and chosen only by a cross-validation inside them; the
 * measure-only sets are reported afterwards and choose nothing.
 *
 * Projections y = P diag(1/sd) (x - mu) of the 192 descriptor bytes x
 * (mu, sd: mean and standard deviation of each byte over the fitting
 * pictures; bytes with sd < 0.001 are left out), compared by L1 or L2:
 *  - std: P = I (each byte standardised);
 *  - within: P = (S_w')^(-power), S_w' = (1 - a) S_w + a (tr S_w / 192) I,
 *    S_w the pooled within-set covariance of the standardised bytes
 *    (within-class whitening: what varies inside one art set is nuisance);
 *  - lda: within (a = 0.5, power 0.5), then the 32 axes of largest
 *    variance of the whitened pictures (the between-set directions: LDA
 *    with shrinkage, 32 of 192 axes kept);
 *  - pca: the K axes of largest total variance, scaled by (lambda +
 *    a mean(lambda))^(-power) (PCA whitening, unsupervised).
 * Cross-validation: for every way of splitting the T tune sets into T/2
 * fitting sets and the others, each projection is fitted on the first and
 * its picture mAP (leave-one-out, as `run` measures it) taken on the
 * others; the mean over the splits is compared with the shipped metric
 * (lk_style_distance) and the raw bytes by L1 on the same held-out sets.
 * A projection would be adopted only if it beat the shipped metric there.
 * Then each is fitted on all tune sets and its mAP reported on both
 * groups.  Eigenvectors: cyclic Jacobi (symmetric 192 x 192, double).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "likeness/likeness.h"
#include "style_eval.h"

enum { PD = LK_STYLE_BYTES, LDA_KEEP = 32 };
enum { K_STD, K_WITHIN, K_LDA, K_PCA, K_SHIPPED, K_RAW };

typedef struct projcfg {
    const char *name; /* as printed */
    int kind;         /* K_* */
    double a, power;  /* shrinkage / regularisation, exponent */
    int keep;         /* axes kept (K_PCA) */
    int l2;           /* 1: L2 distance, 0: L1 */
} projcfg;

/* The grid, fixed before any measurement of it. */
static const projcfg cfgs[] = {
    { "shipped metric (lk_style_distance)", K_SHIPPED, 0, 0, 0, 0 },
    { "raw bytes, L1", K_RAW, 0, 0, 0, 0 },
    { "std: bytes standardised, L1", K_STD, 0, 0, 0, 0 },
    { "within: whitening, shrink 0.2, L2", K_WITHIN, 0.2, 0.5, 0, 1 },
    { "within: whitening, shrink 0.5, L2", K_WITHIN, 0.5, 0.5, 0, 1 },
    { "within: whitening, shrink 0.9, L1", K_WITHIN, 0.9, 0.5, 0, 0 },
    { "within: power 0.25, shrink 0.5, L1", K_WITHIN, 0.5, 0.25, 0, 0 },
    { "lda: 32 axes, shrink 0.5, L2", K_LDA, 0.5, 0.5, LDA_KEEP, 1 },
    { "pca: whitening, 32 axes, L2", K_PCA, 0.1, 0.5, 32, 1 },
    { "pca: power 0.25, 64 axes, L2", K_PCA, 0.1, 0.25, 64, 1 },
};
enum { NCFG = sizeof cfgs / sizeof cfgs[0] };

/* One fitted projection: y[r] = sum_b p[r][b] (x[b] - mu[b]) * inv[b]. */
typedef struct proj {
    double mu[PD], inv[PD]; /* byte means, 1/sd (0: byte left out) */
    double p[PD][PD];       /* rows 0..k-1 */
    int k;                  /* output axes */
} proj;

/* Eigen-decomposition scratch of one fitting split. */
typedef struct eigen {
    double a[PD][PD];   /* the matrix (destroyed) */
    double v[PD][PD];   /* eigenvectors in columns */
    double ev[PD];      /* eigenvalues */
    int order[PD];      /* axes by decreasing eigenvalue */
} eigen;

static void rotate(double m[PD][PD], int rows, int p, int q, double c, double s)
{
    for (int k = 0; k < rows; k++) {
        double x = m[k][p], y = m[k][q];
        m[k][p] = c * x - s * y;
        m[k][q] = s * x + c * y;
    }
}

/* Cyclic Jacobi: e->a symmetric -> e->ev, e->v, e->order. */
static void jacobi(eigen *e)
{
    for (int i = 0; i < PD; i++)
        for (int j = 0; j < PD; j++)
            e->v[i][j] = i == j;
    for (int sweep = 0; sweep < 60; sweep++) {
        double off = 0, diag = 0;
        for (int p = 0; p < PD; p++) {
            diag += e->a[p][p] * e->a[p][p];
            for (int q = p + 1; q < PD; q++)
                off += e->a[p][q] * e->a[p][q];
        }
        if (off <= 1e-24 * diag)
            break;
        for (int p = 0; p < PD; p++) {
            for (int q = p + 1; q < PD; q++) {
                if (e->a[p][q] == 0)
                    continue;
                double th = (e->a[q][q] - e->a[p][p]) / (2 * e->a[p][q]);
                double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                rotate(e->a, PD, p, q, c, s); /* columns, then rows (a symmetric) */
                for (int k = 0; k < PD; k++) {
                    double x = e->a[p][k], y = e->a[q][k];
                    e->a[p][k] = c * x - s * y;
                    e->a[q][k] = s * x + c * y;
                }
                rotate(e->v, PD, p, q, c, s);
            }
        }
    }
    for (int i = 0; i < PD; i++)
        e->ev[i] = e->a[i][i], e->order[i] = i;
    for (int i = 0; i < PD; i++) /* selection sort, largest first */
        for (int j = i + 1; j < PD; j++)
            if (e->ev[e->order[j]] > e->ev[e->order[i]]) {
                int t = e->order[i];
                e->order[i] = e->order[j];
                e->order[j] = t;
            }
}

static int in_mask(const item *it, uint32_t mask)
{
    return (mask >> it->set) & 1;
}

/* Byte means and 1/sd over the pictures of the sets in mask. */
static void moments(const evalset *es, uint32_t mask, proj *pj)
{
    double sq[PD] = { 0 };
    int m = 0;
    memset(pj->mu, 0, sizeof pj->mu);
    for (int i = 0; i < es->n; i++)
        if (in_mask(&es->it[i], mask)) {
            m++;
            for (int b = 0; b < PD; b++)
                pj->mu[b] += es->it[i].desc[b], sq[b] += (double)es->it[i].desc[b] * es->it[i].desc[b];
        }
    for (int b = 0; b < PD; b++) {
        pj->mu[b] /= m;
        double var = sq[b] / m - pj->mu[b] * pj->mu[b];
        pj->inv[b] = var > 1e-6 ? 1 / sqrt(var) : 0;
    }
}

/* Covariance of the standardised bytes into e->a: within-set (each
 * picture minus its set's mean) or total. */
static void scatter(const evalset *es, uint32_t mask, const proj *pj, int within, eigen *e)
{
    static double mean[MAXSETS][PD], z[PD];
    int cnt[MAXSETS] = { 0 }, m = 0;
    memset(mean, 0, sizeof mean);
    memset(e->a, 0, sizeof e->a);
    for (int i = 0; i < es->n; i++)
        if (in_mask(&es->it[i], mask)) {
            cnt[es->it[i].set]++;
            for (int b = 0; b < PD; b++)
                mean[es->it[i].set][b] += (es->it[i].desc[b] - pj->mu[b]) * pj->inv[b];
        }
    for (int i = 0; i < es->n; i++) {
        const item *it = &es->it[i];
        if (!in_mask(it, mask))
            continue;
        m++;
        for (int b = 0; b < PD; b++)
            z[b] = (it->desc[b] - pj->mu[b]) * pj->inv[b] - (within ? mean[it->set][b] / cnt[it->set] : 0);
        for (int r = 0; r < PD; r++)
            for (int c = r; c < PD; c++)
                e->a[r][c] += z[r] * z[c];
    }
    for (int r = 0; r < PD; r++)
        for (int c = r; c < PD; c++)
            e->a[c][r] = e->a[r][c] /= m;
}

/* P = V f(ev) V^T with f(l) = ((1 - a) l + a mean(l))^(-power). */
static void whiten_from(const eigen *e, double a, double power, proj *pj)
{
    double mean = 0, f[PD];
    for (int k = 0; k < PD; k++)
        mean += e->ev[k] / PD;
    for (int k = 0; k < PD; k++)
        f[k] = pow(fmax((1 - a) * e->ev[k] + a * mean, 1e-12), -power);
    for (int r = 0; r < PD; r++)
        for (int c = 0; c < PD; c++) {
            double s = 0;
            for (int k = 0; k < PD; k++)
                s += e->v[r][k] * f[k] * e->v[c][k];
            pj->p[r][c] = s;
        }
    pj->k = PD;
}

/* The keep axes of largest eigenvalue, scaled (lambda + a mean)^(-power). */
static void pca_from(const eigen *e, double a, double power, int keep, proj *pj)
{
    double mean = 0;
    for (int k = 0; k < PD; k++)
        mean += e->ev[k] / PD;
    for (int r = 0; r < keep; r++) {
        int ax = e->order[r];
        double f = pow(fmax(e->ev[ax], 0) + a * mean, -power);
        for (int c = 0; c < PD; c++)
            pj->p[r][c] = e->v[c][ax] * f;
    }
    pj->k = keep;
}

static void project_desc(const proj *pj, const uint8_t *d, float *y)
{
    double z[PD];
    for (int b = 0; b < PD; b++)
        z[b] = (d[b] - pj->mu[b]) * pj->inv[b];
    for (int r = 0; r < pj->k; r++) {
        double s = 0;
        for (int b = 0; b < PD; b++)
            s += pj->p[r][b] * z[b];
        y[r] = (float)s;
    }
}

/* LDA: within-whitening, then the top axes of the whitened pictures'
 * total covariance (composed into one matrix). */
static void lda_fit(const evalset *es, uint32_t mask, const projcfg *c, const eigen *ew,
                    proj *pj, eigen *tmp)
{
    static proj w;
    w = *pj;
    whiten_from(ew, c->a, c->power, &w);
    static float y[PD];
    memset(tmp->a, 0, sizeof tmp->a);
    int m = 0;
    for (int i = 0; i < es->n; i++) {
        if (!in_mask(&es->it[i], mask))
            continue;
        project_desc(&w, es->it[i].desc, y);
        m++;
        for (int r = 0; r < PD; r++)
            for (int q = r; q < PD; q++)
                tmp->a[r][q] += (double)y[r] * y[q];
    }
    for (int r = 0; r < PD; r++)
        for (int q = r; q < PD; q++)
            tmp->a[q][r] = tmp->a[r][q] /= m;
    jacobi(tmp);
    for (int r = 0; r < c->keep; r++)
        for (int b = 0; b < PD; b++) {
            double s = 0;
            for (int k = 0; k < PD; k++)
                s += tmp->v[k][tmp->order[r]] * w.p[k][b];
            pj->p[r][b] = s;
        }
    pj->k = c->keep;
}

/* Fitting scratch of one split: the moments and both decompositions. */
typedef struct split {
    proj base;          /* mu, inv of the fitting sets */
    eigen within, total, tmp;
} split;

static void split_fit(const evalset *es, uint32_t mask, split *sp)
{
    moments(es, mask, &sp->base);
    scatter(es, mask, &sp->base, 1, &sp->within);
    jacobi(&sp->within);
    scatter(es, mask, &sp->base, 0, &sp->total);
    jacobi(&sp->total);
}

/* Projection c fitted on the split's sets. */
static void cfg_fit(const evalset *es, uint32_t mask, const projcfg *c, split *sp, proj *pj)
{
    *pj = sp->base;
    if (c->kind == K_STD) {
        memset(pj->p, 0, sizeof pj->p);
        for (int b = 0; b < PD; b++)
            pj->p[b][b] = 1;
        pj->k = PD;
    } else if (c->kind == K_WITHIN) {
        whiten_from(&sp->within, c->a, c->power, pj);
    } else if (c->kind == K_LDA) {
        lda_fit(es, mask, c, &sp->within, pj, &sp->tmp);
    } else {
        pca_from(&sp->total, c->a, c->power, c->keep, pj);
    }
}

typedef struct rk {
    float d;
    int i;
} rk;

static int cmp_rk(const void *x, const void *y)
{
    const rk *a = x, *b = y;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return a->i - b->i;
}

static float pair_dist(const evalset *es, const projcfg *c, const float *y, int k, int a, int b)
{
    if (c->kind == K_SHIPPED)
        return lk_style_distance(es->it[a].desc, es->it[b].desc);
    float s = 0;
    if (c->kind == K_RAW) {
        for (int i = 0; i < PD; i++)
            s += fabsf((float)es->it[a].desc[i] - es->it[b].desc[i]);
        return s;
    }
    const float *u = y + (size_t)a * PD, *v = y + (size_t)b * PD;
    for (int i = 0; i < k; i++)
        s += c->l2 ? (u[i] - v[i]) * (u[i] - v[i]) : fabsf(u[i] - v[i]);
    return s;
}

/* Leave-one-out picture mAP among the sets in mask; y: projected
 * pictures (PD floats each) or unused for the shipped / raw metrics. */
static double mask_map(const evalset *es, uint32_t mask, const projcfg *c, const float *y, int k,
                       rk *r)
{
    double tap = 0;
    int nq = 0;
    for (int q = 0; q < es->n; q++) {
        if (!in_mask(&es->it[q], mask))
            continue;
        int m = 0, rel = 0, hits = 0;
        for (int j = 0; j < es->n; j++)
            if (j != q && in_mask(&es->it[j], mask)) {
                r[m].d = pair_dist(es, c, y, k, q, j);
                r[m++].i = j;
                rel += es->it[j].set == es->it[q].set;
            }
        qsort(r, (size_t)m, sizeof *r, cmp_rk);
        double sum = 0;
        for (int i = 0; i < m; i++)
            if (es->it[r[i].i].set == es->it[q].set)
                sum += (double)++hits / (i + 1);
        tap += rel ? sum / rel : 0;
        nq++;
    }
    return nq ? tap / nq : 0;
}

/* mAP of every configuration, fitted on fitmask, on the sets of evalmask. */
static void eval_all(const evalset *es, uint32_t fitmask, const uint32_t *evalmask, int nmask,
                     split *sp, float *y, rk *r, double out[][2])
{
    static proj pj;
    split_fit(es, fitmask, sp);
    for (int c = 0; c < NCFG; c++) {
        int k = 0;
        if (cfgs[c].kind != K_SHIPPED && cfgs[c].kind != K_RAW) {
            cfg_fit(es, fitmask, &cfgs[c], sp, &pj);
            for (int i = 0; i < es->n; i++)
                project_desc(&pj, es->it[i].desc, y + (size_t)i * PD);
            k = pj.k;
        }
        for (int g = 0; g < nmask; g++)
            out[c][g] = mask_map(es, evalmask[g], &cfgs[c], y, k, r);
    }
}

/* Cross-validation inside the tune sets, then all tune sets -> both groups. */
int style_project(const evalset *es)
{
    int tset[MAXSETS], nt = 0;
    uint32_t tune = 0, meas = 0;
    for (int s = 0; s < es->nsets; s++) {
        if (es->group[s])
            meas |= 1u << s;
        else
            tune |= 1u << s, tset[nt++] = s;
    }
    split *sp = malloc(sizeof *sp);
    float *y = malloc((size_t)es->n * PD * sizeof *y);
    rk *r = malloc((size_t)es->n * sizeof *r);
    if (!sp || !y || !r || nt < 2) {
        free(sp), free(y), free(r);
        return 1;
    }
    double cv[NCFG] = { 0 }, res[NCFG][2];
    int nsplit = 0;
    for (uint32_t sub = 0; sub < 1u << nt; sub++) {
        if (__builtin_popcount(sub) != nt / 2)
            continue;
        uint32_t fit = 0, held = 0;
        for (int k = 0; k < nt; k++)
            *((sub >> k) & 1 ? &fit : &held) |= 1u << tset[k];
        eval_all(es, fit, &held, 1, sp, y, r, res);
        for (int c = 0; c < NCFG; c++)
            cv[c] += res[c][0];
        nsplit++;
    }
    uint32_t groups[2] = { tune, meas };
    eval_all(es, tune, groups, 2, sp, y, r, res);
    printf("\nprojections (fitted on tune sets only), picture mAP:\n"
           "  %-38s %s  %s  %s\n", "", "tune CV", "tune", "measure-only");
    for (int c = 0; c < NCFG; c++)
        printf("  %-38s %.3f    %.3f  %.3f\n", cfgs[c].name, cv[c] / nsplit, res[c][0], res[c][1]);
    printf("  (tune CV: fitted on %d of the %d tune sets, mAP among the other %d; mean of %d"
           " splits)\n", nt / 2, nt, nt - nt / 2, nsplit);
    free(sp), free(y), free(r);
    return 0;
}
