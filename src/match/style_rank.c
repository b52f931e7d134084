/*
 * style_rank.c — per-work style prototypes and the ranking of works by a
 * suspect's frames (likeness/style.h).
 *
 * Why prototypes: one mean descriptor per work blurs works whose shots
 * differ (a night scene and a day scene average to neither), and keeping
 * every reference frame's descriptor in memory for k-NN votes costs 192
 * bytes per entry.  Up to LK_STYLE_PROTOS k-means prototypes per work keep
 * the distinct looks at 1.5 KB per work.  Measured on the style benchmark
 * (make style-eval, README "Style benchmark"), top-1 of a suspect
 * picture's own art set among the works, tune sets / measure-only sets:
 * mean 0.640 / 0.702, 2 prototypes 0.705 / 0.677, 4 0.748 / 0.657, 8
 * 0.791 / 0.734, 1-NN over every reference picture 0.784 / 0.762.  8 was
 * chosen on the tune sets, where it is level with 1-NN at a fixed cost.
 *
 * Invariants: everything is deterministic (ties go to the lower index),
 * and no result depends on the SIMD level (descriptors are bit-exact and
 * the distance is plain C).
 */
#include <string.h>
#include "common/common.h"
#include "likeness/match.h"
#include "likeness/style.h"

enum { PROTO_SAMPLE = 4096, PROTO_ROUNDS = 8, B = LK_STYLE_BYTES };

/* Index of the centre nearest to d (ties: lowest), its distance in *dist. */
static int nearest(const uint8_t *d, const uint8_t *centres, int k, float *dist)
{
    int best = 0;
    float bd = 2.0f;
    for (int c = 0; c < k; c++) {
        float x = lk_style_distance(d, centres + (size_t)c * B);
        if (x < bd) {
            bd = x;
            best = c;
        }
    }
    *dist = bd;
    return best;
}

/* Rounded element-wise mean of the m sampled descriptors into out. */
static void mean_of(const uint8_t *desc, const size_t *idx, size_t m, uint8_t *out)
{
    uint64_t sum[B] = { 0 };
    for (size_t i = 0; i < m; i++)
        for (int k = 0; k < B; k++)
            sum[k] += desc[idx[i] * B + k];
    for (int k = 0; k < B; k++)
        out[k] = (uint8_t)((sum[k] + m / 2) / m);
}

/* Farthest-first seeds: the entry nearest the mean, then repeatedly the
 * entry farthest from every seed so far; stops early when all coincide. */
static int seed_centres(const uint8_t *desc, const size_t *idx, size_t m, int max,
                        uint8_t *centres, float *dmin)
{
    uint8_t mean[B];
    mean_of(desc, idx, m, mean);
    size_t pick = 0;
    float bd = 2.0f;
    for (size_t i = 0; i < m; i++) {
        float x = lk_style_distance(desc + idx[i] * B, mean);
        if (x < bd)
            bd = x, pick = i;
    }
    int k = 0;
    for (;;) {
        memcpy(centres + (size_t)k * B, desc + idx[pick] * B, B);
        k++;
        float far = 0.0f;
        for (size_t i = 0; i < m; i++) {
            float x = lk_style_distance(desc + idx[i] * B, centres + (size_t)(k - 1) * B);
            if (k == 1 || x < dmin[i])
                dmin[i] = x;
            if (dmin[i] > far)
                far = dmin[i], pick = i;
        }
        if (k == max || far <= 0.0f)
            return k;
    }
}

/* k-means rounds; counts[c] ends as the size of cluster c. */
static void refine(const uint8_t *desc, const size_t *idx, size_t m, int k, uint8_t *centres,
                   uint32_t *counts, uint64_t *sums)
{
    for (int round = 0; round < PROTO_ROUNDS; round++) {
        memset(sums, 0, (size_t)k * B * sizeof *sums);
        memset(counts, 0, (size_t)k * sizeof *counts);
        for (size_t i = 0; i < m; i++) {
            float d;
            int c = nearest(desc + idx[i] * B, centres, k, &d);
            counts[c]++;
            for (int b = 0; b < B; b++)
                sums[(size_t)c * B + b] += desc[idx[i] * B + b];
        }
        for (int c = 0; c < k; c++)
            for (int b = 0; counts[c] && b < B; b++)
                centres[(size_t)c * B + b] =
                    (uint8_t)((sums[(size_t)c * B + b] + counts[c] / 2) / counts[c]);
    }
}

/* Writes the centres to out, largest cluster first (ties: lower index). */
static void write_sorted(const uint8_t *centres, const uint32_t *counts, int k, uint8_t *out)
{
    int order[LK_STYLE_PROTOS];
    for (int c = 0; c < k; c++) {
        int at = c;
        while (at > 0 && counts[order[at - 1]] < counts[c]) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = c;
    }
    for (int c = 0; c < k; c++)
        memcpy(out + (size_t)c * B, centres + (size_t)order[c] * B, B);
}

LK_API int lk_style_prototypes(const uint8_t *desc, size_t n, int max, uint8_t *out)
{
    if (!desc || !out || max < 1 || max > LK_STYLE_PROTOS)
        return LK_EINVAL;
    if (n == 0)
        return 0;
    size_t m = n < PROTO_SAMPLE ? n : PROTO_SAMPLE;
    size_t *idx = lki_malloc(m * sizeof *idx);
    float *dmin = lki_malloc(m * sizeof *dmin);
    uint64_t *sums = lki_malloc((size_t)max * B * sizeof *sums);
    uint8_t centres[LK_STYLE_PROTOS * B];
    uint32_t counts[LK_STYLE_PROTOS];
    int k = LK_ENOMEM;
    if (idx && dmin && sums) {
        for (size_t i = 0; i < m; i++)
            idx[i] = (size_t)((uint64_t)i * n / m);
        k = seed_centres(desc, idx, m, max, centres, dmin);
        refine(desc, idx, m, k, centres, counts, sums);
        write_sorted(centres, counts, k, out);
    }
    lki_free(idx);
    lki_free(dmin);
    lki_free(sums);
    return k;
}

/* Mean over the sampled frames of the distance to w's nearest prototype. */
static double work_distance(const uint8_t *frames, size_t nframes, size_t nsel,
                            const lk_style_work *w)
{
    double sum = 0.0;
    for (size_t i = 0; i < nsel; i++) {
        float d;
        nearest(frames + (size_t)((uint64_t)i * nframes / nsel) * B, w->protos, w->nprotos, &d);
        sum += d;
    }
    return sum / (double)nsel;
}

/* Inserts m into the sorted list out[0..*n) of capacity top. */
static void insert_match(lk_style_match *out, size_t *n, size_t top, lk_style_match m)
{
    size_t at = *n;
    while (at > 0 && out[at - 1].distance > m.distance)
        at--;
    if (at >= top)
        return;
    size_t last = *n < top ? *n : top - 1;
    memmove(&out[at + 1], &out[at], (last - at) * sizeof *out);
    out[at] = m;
    if (*n < top)
        (*n)++;
}

LK_API long lk_style_rank(const uint8_t *frames, size_t nframes, const lk_style_work *works,
                          size_t nworks, const uint8_t *skip, lk_style_match *out,
                          size_t top)
{
    if ((nframes && !frames) || (nworks && !works) || (top && !out))
        return LK_EINVAL;
    for (size_t i = 0; i < nworks; i++)
        if (works[i].nprotos < 0 || works[i].nprotos > LK_STYLE_PROTOS ||
            (works[i].nprotos && !works[i].protos))
            return LK_EINVAL;
    if (!nframes || !top)
        return 0;
    size_t nsel = nframes < LK_STYLE_RANK_FRAMES ? nframes : LK_STYLE_RANK_FRAMES, n = 0;
    for (size_t i = 0; i < nworks; i++) {
        if (!works[i].nprotos || (skip && skip[i]))
            continue;
        double d = work_distance(frames, nframes, nsel, &works[i]);
        insert_match(out, &n, top, (lk_style_match){ (uint32_t)i, d, lk_style_score(d) });
    }
    return (long)n;
}
