/*
 * mih.c — multi-index hashing (Norouzi, Punjani, Fleet) over 256-bit hashes
 * cut into 16 substrings of 16 bits, exact: results equal brute force's.
 *
 * Tables: one per substring in counting-sort layout (bucket offsets, then
 * refs grouped by substring value, ascending within a bucket), built in
 * O(n) per table.  Memory: 64 bytes per hash plus 4 MiB of offsets.
 *
 * Radius r = 16 s + a (0 <= a < 16): by pigeonhole a hash within r of a
 * query variant has a substring j <= a within s of the variant's, or one
 * j > a within s - 1 (else its distance is at least (a+1)(s+1) + (15-a)s =
 * r + 1).  Each variant probes every 16-bit value within those substring
 * radii; candidates are gathered into a contiguous buffer and verified by
 * the SIMD kernel against that variant only.  Tables are the outer loop
 * (one table's arrays stay in cache while every query probes it); hits are
 * sorted at the end.  A hash is reported once: by
 * the variant v that gives its smallest distance (smallest index on ties)
 * through the first table j where v finds it; other finds are dropped.
 *
 * k-best: stages s = 0, 1, ... probe the values at exactly substring
 * distance s.  After stage s, every (hash, variant) pair at distance
 * < 16 (s + 1) has been seen, so a frame is done when it holds k hashes and
 * the worst is below 16 (s + 1).  Pairs of the same hash merge in the heap
 * (smaller distance, then smaller variant).  When a stage would cost more
 * than brute force over all hashes, the frame is finished by brute force.
 *
 * Invariants: the tables are immutable after lki_mih_build; queries use
 * their own scratch.
 */
#include <string.h>
#include "common/common.h"
#include "search/search_internal.h"

#define MIH_CHUNK 1024 /* candidates verified per kernel call */
#define MIH_STRIDE (LK_MIH_BUCKETS + 1)

/*
 * Cost model, nanoseconds, measured with bench_index (2-core Xeon, AVX-512
 * VPOPCNTDQ kernels, clustered data, 120 frames x 8 variants): a probed
 * bucket (random reads of offsets and refs), a candidate (random 32-byte
 * gather and its distance), a brute-force hash-variant pair (sequential,
 * blocked: 0.75 ns).  With these, radius 31 breaks even near 8,000 hashes;
 * measured (see LK_SEARCH_AUTO_MIN in search.c): 6,000.
 * A k-best stage runs only while it costs under half of brute force.
 */
#define COST_PROBE 20.0
#define COST_CAND 20.0
#define COST_PAIR 0.75
#define KNN_STAGE_SHARE 0.5

size_t lki_mih_bytes(size_t n)
{
    return (size_t)LK_MIH_TABLES * (MIH_STRIDE + n) * sizeof(uint32_t);
}

/* Counts, then prefix-sums, the bucket sizes of table j. */
static void build_offsets(uint32_t *off, const lk_hash256 *h, size_t n, int j)
{
    for (size_t i = 0; i < n; i++)
        off[lk_mih_sub(h[i].w, j) + 1]++;
    for (size_t x = 0; x < LK_MIH_BUCKETS; x++)
        off[x + 1] += off[x];
}

int lki_mih_build(lk_mih *m, const lk_hash256 *h, size_t n)
{
    size_t nrefs;
    m->offsets = NULL;
    m->refs = NULL;
    /* n <= UINT32_MAX (lk_searcher_new): no overflow on 64-bit hosts */
    if (LK_NEVER(lk_mul_size(n, LK_MIH_TABLES * sizeof(uint32_t), &nrefs) < 0))
        return LK_ENOMEM;
    uint32_t *off = lki_calloc((size_t)LK_MIH_TABLES * MIH_STRIDE, sizeof *off);
    uint32_t *refs = lki_malloc_huge(nrefs); /* 64 bytes per entry: gigabytes at 10^7 */
    uint32_t *pos = lki_malloc(LK_MIH_BUCKETS * sizeof *pos);
    if (!off || !refs || !pos) {
        lki_free(off);
        lki_free_aligned(refs);
        lki_free(pos);
        return LK_ENOMEM;
    }
    for (int j = 0; j < LK_MIH_TABLES; j++) {
        uint32_t *o = off + (size_t)j * MIH_STRIDE, *r = refs + (size_t)j * n;
        build_offsets(o, h, n, j);
        memcpy(pos, o, LK_MIH_BUCKETS * sizeof *pos);
        for (size_t i = 0; i < n; i++)
            r[pos[lk_mih_sub(h[i].w, j)]++] = (uint32_t)i;
    }
    lki_free(pos);
    m->offsets = off;
    m->refs = refs;
    return 0;
}

void lki_mih_free(lk_mih *m)
{
    lk_freep(&m->offsets);
    lki_free_aligned(m->refs);
    m->refs = NULL;
}

/* Number of 16-bit values at distance exactly i (binomial(16, i)). */
static double ring_size(int i)
{
    double c = 1;
    for (int t = 0; t < i; t++)
        c = c * (16 - t) / (t + 1);
    return c;
}

/* Cost of probing `probes` buckets of n hashes, over brute force's cost. */
static double cost_ratio(size_t n, double probes)
{
    double per_probe = COST_PROBE + (double)n / LK_MIH_BUCKETS * COST_CAND;
    return probes * per_probe / ((double)n * COST_PAIR);
}

/* Substring radius of table j for radius r (-1: table not probed). */
static int table_radius(int r, int j)
{
    int s = r / 16, a = r % 16;
    LK_TESTCASE(a == 15); /* every table at radius s */
    return j <= a ? s : s - 1;
}

double lki_mih_radius_cost(size_t n, int radius)
{
    double probes = 0;
    for (int j = 0; j < LK_MIH_TABLES; j++)
        for (int i = 0; i <= table_radius(radius, j); i++)
            probes += ring_size(i);
    return cost_ratio(n, probes);
}

/* Per-query scratch and state (one frame at a time). */
typedef struct mih_ctx {
    const lk_searcher *s;
    const uint64_t *qf; /* the frame's nvar variants, 4 words each */
    int nvar;
    uint32_t f;         /* frame index */
    int v, j;           /* variant and table being probed */
    int radius;         /* radius mode */
    int rad[LK_MIH_TABLES];
    lk_hits *out;       /* radius mode; NULL in k-best mode */
    lk_hit *heap;       /* k-best mode */
    size_t *cnt, k;
    size_t nc;          /* candidates in cand */
    uint32_t cand[MIH_CHUNK];
    uint16_t dist[MIH_CHUNK];
    uint64_t *gbuf;     /* MIH_CHUNK gathered hashes */
} mih_ctx;

/* 1 when (c->v, c->j) is the one find of hash h that reports it. */
static int radius_owner(const mih_ctx *c, const uint64_t *h)
{
    int best = 257, bv = 0;
    for (int v = 0; v < c->nvar; v++) {
        int d = lk_ham256(c->qf + 4 * v, h);
        if (d < best) {
            best = d;
            bv = v;
        }
    }
    if (bv != c->v)
        return 0;
    const uint64_t *q = c->qf + 4 * c->v;
    for (int j = 0; j < c->j; j++)
        if (__builtin_popcount(lk_mih_sub(q, j) ^ lk_mih_sub(h, j)) <= c->rad[j])
            return 0;
    return 1;
}

/* Verifies the gathered candidates against variant c->v. */
static int flush(mih_ctx *c)
{
    const lk_hash256 *h = c->s->hashes;
    size_t nc = c->nc;
    c->nc = 0;
    for (size_t i = 0; i < nc; i++) {
        if (i + 8 < nc)
            __builtin_prefetch(h[c->cand[i + 8]].w);
        memcpy(c->gbuf + 4 * i, h[c->cand[i]].w, sizeof h->w);
    }
    c->s->ops->ham256_1xn(c->qf + 4 * c->v, c->gbuf, nc, c->dist);
    for (size_t i = 0; i < nc; i++) {
        int d = c->dist[i];
        if (c->out) {
            if (d <= c->radius && radius_owner(c, c->gbuf + 4 * i))
                LK_TRY(lki_hits_push(c->out, c->f, c->cand[i], d, c->v));
        } else if (*c->cnt < c->k || d <= c->heap[0].distance) {
            lki_heap_offer(c->heap, c->cnt, c->k, d, c->cand[i], c->v, 1);
        }
    }
    return 0;
}

/* Adds the bucket of value x in table c->j to the candidates. */
static int probe(mih_ctx *c, unsigned x)
{
    const uint32_t *off = c->s->mih.offsets + (size_t)c->j * MIH_STRIDE;
    const uint32_t *refs = c->s->mih.refs + (size_t)c->j * c->s->n;
    uint32_t b = off[x], e = off[x + 1];
    while (b < e) {
        size_t take = LK_MIN((size_t)(e - b), MIH_CHUNK - c->nc);
        memcpy(c->cand + c->nc, refs + b, take * sizeof *refs);
        c->nc += take;
        b += (uint32_t)take;
        LK_TESTCASE(c->nc == MIH_CHUNK && b < e); /* a bucket spanning two chunks */
        if (c->nc == MIH_CHUNK)
            LK_TRY(flush(c));
    }
    return 0;
}

/* Probes every value at exactly distance i from qs in table c->j. */
static int probe_ring(mih_ctx *c, unsigned qs, int i)
{
    if (i == 0)
        return probe(c, qs);
    /* Gosper's hack: the 16-bit masks of i set bits, ascending. */
    for (uint32_t m = (1u << i) - 1; m < LK_MIH_BUCKETS;) {
        LK_TRY(probe(c, qs ^ m));
        uint32_t lo = m & -m, r = m + lo;
        m = (((r ^ m) >> 2) / lo) | r;
    }
    return 0;
}

/* Table c->j for every frame and variant: the table's offsets and refs
 * stay in cache while all queries probe it. */
static int radius_table(mih_ctx *c, const uint64_t *q, size_t nq)
{
    for (size_t f = 0; f < nq; f++) {
        c->f = (uint32_t)f;
        c->qf = q + f * (size_t)c->nvar * 4;
        for (c->v = 0; c->v < c->nvar; c->v++) {
            unsigned qs = lk_mih_sub(c->qf + 4 * c->v, c->j);
            for (int i = 0; i <= c->rad[c->j]; i++)
                LK_TRY(probe_ring(c, qs, i));
            LK_TRY(flush(c));
        }
    }
    return 0;
}

static mih_ctx *ctx_new(const lk_searcher *s, int nvar)
{
    mih_ctx *c = lki_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->gbuf = lki_malloc_aligned(MIH_CHUNK * sizeof(lk_hash256));
    if (!c->gbuf) {
        lki_free(c);
        return NULL;
    }
    c->s = s;
    c->nvar = nvar;
    return c;
}

static void ctx_free(mih_ctx *c)
{
    lki_free_aligned(c->gbuf);
    lki_free(c);
}

int lki_mih_radius(const lk_searcher *s, const uint64_t *q, size_t nq, int nvar, int radius,
                  lk_hits *out)
{
    mih_ctx *c = ctx_new(s, nvar);
    if (!c)
        return LK_ENOMEM;
    c->radius = radius;
    c->out = out;
    for (int j = 0; j < LK_MIH_TABLES; j++)
        c->rad[j] = table_radius(radius, j);
    int rc = 0;
    for (c->j = 0; c->j < LK_MIH_TABLES && rc == 0; c->j++)
        rc = radius_table(c, q, nq);
    if (rc == 0)
        lki_hits_sort(out->v, out->n);
    ctx_free(c);
    return rc;
}

/* k-best of frame c->f; 1 when it must be finished by brute force. */
static int knn_frame(mih_ctx *c)
{
    for (int st = 0; st <= 16; st++) {
        if (st > 0 && c->s->fallback &&
            cost_ratio(c->s->n, LK_MIH_TABLES * ring_size(st)) > KNN_STAGE_SHARE)
            return 1;
        for (c->v = 0; c->v < c->nvar; c->v++) {
            const uint64_t *q = c->qf + 4 * c->v;
            for (c->j = 0; c->j < LK_MIH_TABLES; c->j++) {
                LK_TRY(probe_ring(c, lk_mih_sub(q, c->j), st));
                LK_TRY(flush(c));
            }
        }
        if (*c->cnt == c->k && c->heap[0].distance < 16 * (st + 1))
            return 0;
    }
    return 0; /* stage 16 has seen every pair */
}

/* Runs brute force for the nb frames listed in idx, into their heaps. */
static int knn_brute_frames(const lk_searcher *s, const uint64_t *q, const uint32_t *idx,
                            size_t nb, int nvar, size_t k, lk_hit *heaps, size_t *cnts)
{
    size_t w = (size_t)nvar * 4;
    uint64_t *bq = lki_malloc(nb * w * sizeof *bq);
    lk_hit *bh = lki_malloc(nb * k * sizeof *bh);
    size_t *bc = lki_calloc(nb, sizeof *bc);
    int rc = LK_ENOMEM;
    if (bq && bh && bc) {
        for (size_t i = 0; i < nb; i++)
            memcpy(bq + i * w, q + idx[i] * w, w * sizeof *bq);
        rc = lki_brute_knn(s, bq, nb, nvar, k, bh, bc);
        for (size_t i = 0; i < nb && rc == 0; i++) {
            memcpy(heaps + idx[i] * k, bh + i * k, bc[i] * sizeof *bh);
            cnts[idx[i]] = bc[i];
        }
    }
    lki_free(bq);
    lki_free(bh);
    lki_free(bc);
    return rc;
}

int lki_mih_knn(const lk_searcher *s, const uint64_t *q, size_t nq, int nvar, size_t k,
               lk_hit *heaps, size_t *cnts)
{
    mih_ctx *c = ctx_new(s, nvar);
    uint32_t *idx = lki_malloc(nq * sizeof *idx);
    size_t nb = 0;
    int rc = (c && idx) ? 0 : LK_ENOMEM;
    for (size_t f = 0; f < nq && rc == 0; f++) {
        c->f = (uint32_t)f;
        c->qf = q + f * (size_t)nvar * 4;
        c->heap = heaps + f * k;
        c->cnt = &cnts[f];
        c->k = k;
        rc = knn_frame(c);
        if (rc == 1) {
            cnts[f] = 0;
            idx[nb++] = (uint32_t)f;
            rc = 0;
        }
    }
    if (rc == 0 && nb > 0)
        rc = knn_brute_frames(s, q, idx, nb, nvar, k, heaps, cnts);
    if (c)
        ctx_free(c);
    lki_free(idx);
    return rc;
}
