/*
 * search.c — the searcher: construction and method choice, exact brute
 * force (SIMD kernels, cache-blocked), hit lists and k-best heaps.
 *
 * Brute force takes the query hashes in groups of up to LK_BRUTE_ROWS
 * (whole frames) and walks the indexed hashes in chunks of LK_BRUTE_CHUNK:
 * one ham256_mxn call per (group, chunk) gives every variant's distance to
 * the chunk, so the kernel's per-chunk set-up is shared by all queries and
 * the index is read from memory once per group.  Per hash the variants reduce to the
 * smallest distance and the smallest variant index reaching it.  Radius hits
 * are collected then sorted by (query, distance, ref); k-best keeps a
 * max-heap per frame keyed by (distance, ref), so ties favour smaller refs.
 *
 * Invariants: a built searcher is immutable; queries allocate their scratch.
 */
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "search/search_internal.h"

#define LK_BRUTE_ROWS 1024 /* query hashes per group (32 KiB, L1) */
#define LK_BRUTE_CHUNK 128 /* indexed hashes per kernel call (4 KiB); the
                            * distances, rows x chunk, take 256 KiB (L2) */

/*
 * LK_SEARCH_AUTO uses MIH from this many hashes on.  Measured on the 2-core
 * Xeon (AVX-512 VPOPCNTDQ kernels, shared and noisy: best of 15 runs),
 * 120 frames x 8 variants at radius 31 on uniform random hashes, brute
 * force vs pure MIH (hand-over to brute force disabled), ms per call:
 * 2,000: 0.78 vs 1.70; 4,000: 1.60 vs 1.98; 6,000: 2.40 vs 2.40;
 * 12,000: 4.97 vs 2.93; 32,000: 20.9 vs 7.8 — break-even at 6,000.
 * bench_index's "auto" cases repeat the comparison on clustered data.
 * (Past the threshold, a query that MIH's cost model finds cheaper by brute
 * force still runs by brute force; the choice mostly decides whether the
 * tables, 64 bytes per hash + 4 MiB, are built.)
 */
#define LK_SEARCH_AUTO_MIN 6000

LK_API void lk_hits_release(lk_hits *h)
{
    if (!h)
        return;
    lki_free(h->v);
    h->v = NULL;
    h->n = 0;
    h->cap = 0;
}

int lki_hits_push(lk_hits *out, uint32_t query, uint32_t ref, int distance, int variant)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 256, bytes;
        if (LK_NEVER(lk_mul_size(cap, sizeof *out->v, &bytes) < 0)) /* memory ends first */
            return LK_ENOMEM;
        lk_hit *v = lki_realloc(out->v, bytes);
        if (!v)
            return LK_ENOMEM;
        out->v = v;
        out->cap = cap;
    }
    lk_hit *h = &out->v[out->n++];
    h->query = query;
    h->ref = ref;
    h->distance = (uint16_t)distance;
    h->variant = (uint8_t)variant;
    return 0;
}

static int hit_cmp(const void *pa, const void *pb)
{
    const lk_hit *a = pa, *b = pb;
    if (a->query != b->query)
        return a->query < b->query ? -1 : 1;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    return a->ref < b->ref ? -1 : a->ref > b->ref;
}

void lki_hits_sort(lk_hit *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, hit_cmp);
}

/* 1 when (da, ra) sorts after (db, rb). */
static inline int worse(int da, uint32_t ra, int db, uint32_t rb)
{
    return da > db || (da == db && ra > rb);
}

static void heap_down(lk_hit *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(h[l].distance, h[l].ref, h[m].distance, h[m].ref))
            m = l;
        if (r < n && worse(h[r].distance, h[r].ref, h[m].distance, h[m].ref))
            m = r;
        if (m == i)
            return;
        lk_hit t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void heap_up(lk_hit *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!worse(h[i].distance, h[i].ref, h[p].distance, h[p].ref))
            return;
        lk_hit t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* With dedupe: updates a kept entry of ref; returns 1 when ref was kept. */
static int heap_update(lk_hit *h, size_t cnt, int distance, uint32_t ref, int variant)
{
    for (size_t i = 0; i < cnt; i++) {
        if (h[i].ref != ref)
            continue;
        if (distance < h[i].distance || (distance == h[i].distance && variant < h[i].variant)) {
            h[i].distance = (uint16_t)distance;
            h[i].variant = (uint8_t)variant;
            heap_down(h, cnt, i); /* a smaller key moves toward the leaves */
        }
        return 1;
    }
    return 0;
}

void lki_heap_offer(lk_hit *h, size_t *cnt, size_t k, int distance, uint32_t ref, int variant,
                   int dedupe)
{
    size_t c = *cnt;
    /* An equal key can only be ref itself, which may still lower its variant. */
    if (c == k && worse(distance, ref, h[0].distance, h[0].ref))
        return;
    if (dedupe && heap_update(h, c, distance, ref, variant))
        return;
    lk_hit e = {0, ref, (uint16_t)distance, (uint8_t)variant, 0};
    if (c < k) {
        h[c] = e;
        heap_up(h, c);
        *cnt = c + 1;
    } else {
        h[0] = e;
        heap_down(h, c, 0);
    }
}

/* Scratch of one brute-force pass. */
typedef struct brute_ctx {
    const lk_searcher *s;
    const uint64_t *q; /* nf * nvar * 4 words */
    size_t nf;
    int nvar;
    int radius;    /* radius mode: max distance kept */
    lk_hits *out;  /* radius mode: hits, or NULL in k-best mode */
    size_t k;      /* k-best mode */
    lk_hit *heaps;
    size_t *cnts;
    uint16_t *dist; /* (group frames * nvar) x LK_BRUTE_CHUNK */
    uint16_t best[LK_BRUTE_CHUNK]; /* smallest distance over the variants */
} brute_ctx;

/* Eight distances; GCC vector extension, SSE2 at the baseline. */
typedef int16_t lk_v8i16 __attribute__((vector_size(16)));

/* best[i] = min over frame f's rows d (nvar x cn).  Distances fit in
 * int16_t, so a signed vector min serves. */
static void brute_reduce(brute_ctx *c, const uint16_t *d, size_t cn)
{
    uint16_t *best = c->best;
    memcpy(best, d, cn * sizeof *best);
    for (int v = 1; v < c->nvar; v++) {
        const uint16_t *dv = d + (size_t)v * cn;
        size_t i = 0;
        for (; i + 8 <= cn; i += 8) {
            lk_v8i16 a, b;
            memcpy(&a, dv + i, sizeof a);
            memcpy(&b, best + i, sizeof b);
            lk_v8i16 m = a < b;
            b = (a & m) | (b & ~m);
            memcpy(best + i, &b, sizeof b);
        }
        for (; i < cn; i++)
            best[i] = dv[i] < best[i] ? dv[i] : best[i];
    }
}

/* The smallest variant reaching the minimum at column i. */
static int brute_variant(const brute_ctx *c, const uint16_t *d, size_t cn, size_t i)
{
    int v = 0;
    while (d[(size_t)v * cn + i] != c->best[i])
        v++;
    return v;
}

/* Takes frame f's distances d (nvar x cn) to hashes [c0, c0 + cn). */
static int brute_take(brute_ctx *c, const uint16_t *d, size_t f, size_t c0, size_t cn)
{
    if (c->out) {
        for (size_t i = 0; i < cn; i++)
            if (c->best[i] <= c->radius)
                LK_TRY(lki_hits_push(c->out, (uint32_t)f, (uint32_t)(c0 + i), c->best[i],
                                    brute_variant(c, d, cn, i)));
        return 0;
    }
    lk_hit *h = c->heaps + f * c->k;
    size_t *cnt = &c->cnts[f];
    for (size_t i = 0; i < cn; i++) {
        /* refs ascend, so an equal distance to the worst kept never enters */
        if (*cnt == c->k && c->best[i] >= h[0].distance)
            continue;
        lki_heap_offer(h, cnt, c->k, c->best[i], (uint32_t)(c0 + i), brute_variant(c, d, cn, i),
                      0);
    }
    return 0;
}

/* Frames [f0, f0 + gf) against hashes [c0, c0 + cn): one kernel call. */
static int brute_chunk(brute_ctx *c, size_t f0, size_t gf, size_t c0, size_t cn)
{
    size_t rows = gf * (size_t)c->nvar;
    c->s->ops->ham256_mxn(c->q + f0 * (size_t)c->nvar * 4, rows, c->s->hashes[c0].w, cn,
                          c->dist);
    for (size_t f = 0; f < gf; f++) {
        const uint16_t *d = c->dist + f * (size_t)c->nvar * cn;
        brute_reduce(c, d, cn);
        LK_TRY(brute_take(c, d, f0 + f, c0, cn));
    }
    return 0;
}

/* Groups of frames (up to LK_BRUTE_ROWS query hashes) outside, the index
 * in chunks inside: each chunk is read once per group, the group's queries
 * stay in L1 and the distance rows in L2. */
static int brute_run(brute_ctx *c)
{
    size_t n = c->s->n, gmax = LK_MAX((size_t)1, LK_BRUTE_ROWS / (size_t)c->nvar);
    c->dist = lki_malloc_aligned(gmax * (size_t)c->nvar * LK_BRUTE_CHUNK * sizeof *c->dist);
    if (!c->dist)
        return LK_ENOMEM;
    int rc = 0;
    for (size_t f0 = 0; f0 < c->nf && rc == 0; f0 += gmax) {
        size_t gf = LK_MIN(gmax, c->nf - f0);
        for (size_t c0 = 0; c0 < n && rc == 0; c0 += LK_BRUTE_CHUNK)
            rc = brute_chunk(c, f0, gf, c0, LK_MIN((size_t)LK_BRUTE_CHUNK, n - c0));
    }
    lki_free_aligned(c->dist);
    return rc;
}

static int brute_radius(const lk_searcher *s, const uint64_t *q, size_t nq, int nvar,
                        int radius, lk_hits *out)
{
    brute_ctx *c = lki_calloc(1, sizeof *c);
    if (!c)
        return LK_ENOMEM;
    c->s = s;
    c->q = q;
    c->nf = nq;
    c->nvar = nvar;
    c->radius = radius;
    c->out = out;
    int rc = brute_run(c);
    lki_free(c);
    if (rc == 0)
        lki_hits_sort(out->v, out->n);
    return rc;
}

int lki_brute_knn(const lk_searcher *s, const uint64_t *q, size_t nf, int nvar, size_t k,
                 lk_hit *heaps, size_t *cnts)
{
    brute_ctx *c = lki_calloc(1, sizeof *c);
    if (!c)
        return LK_ENOMEM;
    c->s = s;
    c->q = q;
    c->nf = nf;
    c->nvar = nvar;
    c->k = k;
    c->heaps = heaps;
    c->cnts = cnts;
    int rc = brute_run(c);
    lki_free(c);
    return rc;
}

LK_API int lk_searcher_new(lk_searcher **out, const lk_hash256 *hashes, size_t n, int method)
{
    if (!out)
        return LK_EINVAL;
    *out = NULL;
    if ((!hashes && n > 0) || n > UINT32_MAX || method < LK_SEARCH_AUTO ||
        method > LK_SEARCH_MIH)
        return LK_EINVAL;
    lk_searcher *s = lki_calloc(1, sizeof *s);
    if (!s)
        return LK_ENOMEM;
    s->hashes = hashes;
    s->n = n;
    s->ops = lk_simd_ops_get();
    s->fallback = 1;
    if (method == LK_SEARCH_AUTO)
        method = n >= LK_SEARCH_AUTO_MIN ? LK_SEARCH_MIH : LK_SEARCH_BRUTE;
    s->method = method;
    if (method == LK_SEARCH_MIH) {
        int rc = lki_mih_build(&s->mih, hashes, n);
        if (rc < 0) {
            lki_free(s);
            return rc;
        }
    }
    *out = s;
    return 0;
}

LK_API void lk_searcher_free(lk_searcher **s)
{
    if (!s || !*s)
        return;
    lki_mih_free(&(*s)->mih);
    lki_free(*s);
    *s = NULL;
}

LK_API int lk_searcher_method(const lk_searcher *s)
{
    return s ? s->method : LK_EINVAL;
}

void lki_searcher_set_fallback(lk_searcher *s, int on)
{
    s->fallback = on != 0;
}

/* Common argument checks; 0 or LK_EINVAL. */
static int check_query(const lk_searcher *s, const lk_hash256 *queries, size_t nq, int nvar,
                       lk_hits *out)
{
    if (!s || !out || (!queries && nq > 0) || nvar < 1 || nvar > LK_MAX_VARIANTS ||
        nq > UINT32_MAX)
        return LK_EINVAL;
    return 0;
}

LK_API long lk_searcher_radius(const lk_searcher *s, const lk_hash256 *queries, size_t nq,
                               int nvar, int radius, lk_hits *out)
{
    LK_TRY(check_query(s, queries, nq, nvar, out));
    if (radius < 0 || radius > 256)
        return LK_EINVAL;
    out->n = 0;
    if (nq == 0 || s->n == 0)
        return 0;
    const uint64_t *q = queries[0].w;
    int rc;
    if (s->method == LK_SEARCH_MIH &&
        (!s->fallback || lki_mih_radius_cost(s->n, radius) < 1.0))
        rc = lki_mih_radius(s, q, nq, nvar, radius, out);
    else
        rc = brute_radius(s, q, nq, nvar, radius, out);
    if (rc < 0) {
        out->n = 0;
        return rc;
    }
    return (long)out->n;
}

/* Appends each frame's heap, sorted, to out. */
static int emit_heaps(lk_hit *heaps, const size_t *cnts, size_t nq, size_t k, lk_hits *out)
{
    for (size_t f = 0; f < nq; f++) {
        lk_hit *h = heaps + f * k;
        lki_hits_sort(h, cnts[f]); /* query fields are all 0 here */
        for (size_t i = 0; i < cnts[f]; i++)
            LK_TRY(lki_hits_push(out, (uint32_t)f, h[i].ref, h[i].distance, h[i].variant));
    }
    return 0;
}

LK_API long lk_searcher_knn(const lk_searcher *s, const lk_hash256 *queries, size_t nq,
                            int nvar, int k, lk_hits *out)
{
    LK_TRY(check_query(s, queries, nq, nvar, out));
    if (k < 1)
        return LK_EINVAL;
    out->n = 0;
    size_t kk = LK_MIN((size_t)k, s->n), bytes;
    LK_TESTCASE((size_t)k > s->n); /* fewer hashes than asked for */
    if (nq == 0 || kk == 0)
        return 0;
    if (lk_mul_size(nq, kk, &bytes) < 0 || lk_mul_size(bytes, sizeof(lk_hit), &bytes) < 0)
        return LK_ENOMEM;
    lk_hit *heaps = lki_malloc(bytes);
    size_t *cnts = lki_calloc(nq, sizeof *cnts);
    int rc = LK_ENOMEM;
    if (heaps && cnts) {
        const uint64_t *q = queries[0].w;
        if (s->method == LK_SEARCH_MIH)
            rc = lki_mih_knn(s, q, nq, nvar, kk, heaps, cnts);
        else
            rc = lki_brute_knn(s, q, nq, nvar, kk, heaps, cnts);
        if (rc == 0)
            rc = emit_heaps(heaps, cnts, nq, kk, out);
    }
    lki_free(heaps);
    lki_free(cnts);
    if (rc < 0) {
        out->n = 0;
        return rc;
    }
    return (long)out->n;
}
