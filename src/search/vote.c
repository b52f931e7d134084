/*
 * vote.c — local descriptors voting for the frames (sets) they belong to
 * (likeness/search.h: lk_vote_index).
 *
 * The descriptors of every indexed set lie in one borrowed array.  Up to
 * radius 15 (LK_VOTE_TABLE_RADIUS) the matches come from 16 tables, one
 * per 16-bit substring, in counting-sort layout (bucket offsets, then
 * descriptor numbers): by pigeonhole a descriptor within 15 bits shares at
 * least one substring exactly, so probing the query's own 16 values finds
 * every match; a descriptor found in several tables is kept at the first
 * probed table where its substring equals the query's.  Above 8 x 2^16
 * descriptors (a catalogue, not a test set: 16-bit buckets would hold
 * n / 65536 each, and a probe's cost would grow with the index) the
 * substrings widen, one bit per doubling, to keep the mean bucket at most
 * 8 (at most 24 bits): 256 / bits tables, so every match within
 * tables - 1 bits (11 at 20 bits, 9 at 24) is still found, and of those
 * between that and 15 the ones sharing a whole substring: the share of
 * true matches voting needs, at a cost per probe that no longer grows
 * with n (make bench, "scale" lines).  With max_bucket,
 * buckets holding more descriptors are not probed: their substring value
 * is common (flat texture, text, ORB's biased bits), so it says little,
 * and such buckets are where the time goes (clustered data fills some
 * buckets hundreds of times the mean).  Without it the matches are exactly
 * brute force's (the tests check it).  Larger radii, and
 * LK_SEARCH_BRUTE, go through a brute-force lk_searcher.
 *
 * A query descriptor votes once for each set it matches (several matches
 * in one set count once); one matching more than max_hits descriptors does
 * not vote at all.  Sets are ranked by (votes desc, set asc).  Keys (set
 * << 32 | query) are sorted so that duplicates and counts fall out of one
 * pass: O(h log h) for h matches, independent of the number of sets.
 *
 * Why tables of exact substrings rather than full multi-index hashing at a
 * larger radius, or a vocabulary: measured in the scan
 * (src/scan/local_scan.c) and in make bench ("vote" lines).
 *
 * Invariants: immutable after lk_vote_index_new; queries use their own
 * scratch (the caller's lk_hits and a local key array).
 */
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "likeness/simd.h"
#include "search/search_internal.h"

struct lk_vote_index {
    lk_searcher *s;          /* brute force over the descriptors */
    const lk_hash256 *desc;  /* borrowed descriptors */
    const uint32_t *set_of;  /* borrowed: set of each descriptor */
    size_t n, nsets;
    int bits, tables;        /* substring width (16..24) and count (256 / bits) */
    size_t stride;           /* 2^bits + 1 offsets per table */
    uint32_t *off;           /* tables x stride bucket starts, or NULL */
    uint32_t *ids;           /* tables x n descriptor numbers */
    const lk_simd_ops *ops;  /* kernel table (ham256_1xn) */
};

/* Substring j of h in v's tables. */
static inline unsigned sub(const lk_vote_index *v, const uint64_t *h, int j)
{
    return v->bits == 16 ? lk_mih_sub(h, j) : lki_sub_bits(h, v->bits, j);
}

/* The substring width for n descriptors: 16 up to 8 x 2^16 of them, then
 * wide enough for a mean bucket of at most 8, at most 24 bits. */
static int table_bits(size_t n)
{
    int b = 16;
    while (b < 24 && n > ((size_t)8 << b))
        b++;
    return b;
}

#define GATHER 64 /* candidates gathered per distance kernel call */

/* One stable counting pass of the LSD radix sort: src to dst by the digit
 * of width w at shift sh of each key (the key is the high 32 bits). */
static void radix_pass(const uint64_t *src, uint64_t *dst, size_t n, int sh, int w,
                       size_t *count)
{
    size_t nb = (size_t)1 << w, mask = nb - 1, sum = 0;
    memset(count, 0, nb * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[(src[i] >> (32 + sh)) & mask]++;
    for (size_t b = 0; b < nb; b++) {
        size_t c = count[b];
        count[b] = sum;
        sum += c;
    }
    for (size_t i = 0; i < n; i++)
        dst[count[(src[i] >> (32 + sh)) & mask]++] = src[i];
}

/* Wide tables (bits > 16): a counting sort straight into 2^bits buckets
 * would touch a table of up to 64 MiB at random for every descriptor, so
 * each table is sorted as (substring, number) pairs by two radix passes of
 * half the width (histograms that stay in cache), and its offsets are read
 * off the sorted keys.  Stable, so each bucket lists its descriptors in
 * increasing order, as the counting sort does.  Temporary: 16 bytes per
 * descriptor. */
static int build_wide(lk_vote_index *v)
{
    size_t n = v->n, stride = v->stride;
    int lo = v->bits / 2, hi = v->bits - lo;
    uint64_t *a = lki_malloc_huge((n ? n : 1) * sizeof *a);
    uint64_t *b = lki_malloc_huge((n ? n : 1) * sizeof *b);
    size_t *count = lki_malloc(((size_t)1 << hi) * sizeof *count);
    if (!a || !b || !count) {
        lki_free_aligned(a), lki_free_aligned(b), lki_free(count);
        return LK_ENOMEM;
    }
    for (int j = 0; j < v->tables; j++) {
        uint32_t *off = v->off + (size_t)j * stride, *ids = v->ids + (size_t)j * n;
        for (size_t i = 0; i < n; i++)
            a[i] = (uint64_t)sub(v, v->desc[i].w, j) << 32 | i;
        radix_pass(a, b, n, 0, lo, count);
        radix_pass(b, a, n, lo, hi, count);
        size_t x = 0; /* next bucket whose start is not set */
        for (size_t r = 0; r < n; r++) {
            size_t k = (size_t)(a[r] >> 32);
            while (x <= k)
                off[x++] = (uint32_t)r;
            ids[r] = (uint32_t)a[r];
        }
        while (x < stride)
            off[x++] = (uint32_t)n;
    }
    lki_free_aligned(a), lki_free_aligned(b), lki_free(count);
    return 0;
}

/* Builds the substring tables (counting sort per table). */
static int build_tables(lk_vote_index *v)
{
    size_t n = v->n, stride = v->stride;
    v->off = lki_malloc_huge((size_t)v->tables * stride * sizeof *v->off);
    v->ids = lki_malloc_huge((size_t)v->tables * (n ? n : 1) * sizeof *v->ids);
    if (!v->off || !v->ids)
        return LK_ENOMEM;
    if (v->bits > 16)
        return build_wide(v);
    memset(v->off, 0, (size_t)v->tables * stride * sizeof *v->off);
    for (int j = 0; j < v->tables; j++) {
        uint32_t *off = v->off + (size_t)j * stride, *ids = v->ids + (size_t)j * n;
        for (size_t i = 0; i < n; i++)
            off[sub(v, v->desc[i].w, j) + 1]++;
        for (size_t b = 1; b < stride; b++)
            off[b] += off[b - 1];
        for (size_t i = 0; i < n; i++) {
            unsigned b = sub(v, v->desc[i].w, j);
            ids[off[b]++] = (uint32_t)i;
        }
        for (size_t b = stride - 1; b > 0; b--) /* back to bucket starts */
            off[b] = off[b - 1];
        off[0] = 0;
    }
    return 0;
}

LK_API int lk_vote_index_new(lk_vote_index **out, const lk_hash256 *desc,
                             const uint32_t *set_of, size_t n, size_t nsets, int method)
{
    return lki_vote_index_new_bits(out, desc, set_of, n, nsets, method, 0);
}

int lki_vote_index_new_bits(lk_vote_index **out, const lk_hash256 *desc,
                            const uint32_t *set_of, size_t n, size_t nsets, int method, int bits)
{
    if (!out)
        return LK_EINVAL;
    *out = NULL;
    if ((n && (!desc || !set_of)) || nsets > UINT32_MAX || (bits && (bits < 16 || bits > 24)))
        return LK_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (set_of[i] >= nsets)
            return LK_EINVAL;
    if (method != LK_SEARCH_AUTO && method != LK_SEARCH_BRUTE && method != LK_SEARCH_MIH)
        return LK_EINVAL;
    lk_vote_index *v = lki_calloc(1, sizeof *v);
    if (!v)
        return LK_ENOMEM;
    v->desc = desc, v->set_of = set_of, v->n = n, v->nsets = nsets;
    v->bits = bits ? bits : table_bits(n);
    v->tables = 256 / v->bits;
    v->stride = ((size_t)1 << v->bits) + 1;
    v->ops = lk_simd_ops_get();
    int rc = lk_searcher_new(&v->s, desc, n, LK_SEARCH_BRUTE);
    if (rc == 0 && method != LK_SEARCH_BRUTE)
        rc = build_tables(v);
    if (rc < 0) {
        lk_vote_index_free(&v);
        return rc;
    }
    *out = v;
    return 0;
}

LK_API void lk_vote_index_free(lk_vote_index **pv)
{
    if (!pv || !*pv)
        return;
    lk_searcher_free(&(*pv)->s);
    lki_free_aligned((*pv)->off);
    lki_free_aligned((*pv)->ids);
    lki_free(*pv);
    *pv = NULL;
}

LK_API int lk_vote_index_tables(const lk_vote_index *v)
{
    return v && v->off != NULL;
}

/* 1 if d was already reached through a probed table before j (its
 * substring there equals the query's). */
static int seen_before(const lk_vote_index *v, const lk_hash256 *d, const unsigned *qs,
                       unsigned probed, int j)
{
    for (int t = 0; t < j; t++)
        if ((probed >> t & 1) && sub(v, d->w, t) == qs[t])
            return 1;
    return 0;
}

/* Distances of the candidates ids[0..k) to q (gathered, one kernel call);
 * keeps those within radius not reached through an earlier probed table. */
static int check_batch(const lk_vote_index *v, const lk_hash256 *q, uint32_t qi, int radius,
                       const unsigned *qs, unsigned probed, int j, const uint32_t *ids,
                       size_t k, lk_hits *out)
{
    lk_hash256 buf[GATHER];
    uint16_t dist[GATHER];
    if (k == 0 || LK_NEVER(k > GATHER)) /* (also tells the compiler buf is filled) */
        return 0;
    for (size_t i = 0; i < k; i++)
        buf[i] = v->desc[ids[i]];
    v->ops->ham256_1xn(q->w, buf[0].w, k, dist);
    for (size_t i = 0; i < k; i++)
        if (dist[i] <= radius && !seen_before(v, &buf[i], qs, probed, j))
            LK_TRY(lki_hits_push(out, qi, ids[i], dist[i], 0));
    return 0;
}

/* The matches of query qi within radius (<= 15) through the tables. */
static int table_matches(const lk_vote_index *v, const lk_hash256 *q, uint32_t qi, int radius,
                         size_t max_bucket, lk_hits *out)
{
    unsigned qs[16], probed = 0;
    /* max_bucket is meant for 16-bit tables: wider ones hold 2^(bits-16)
     * times fewer descriptors per bucket */
    if (max_bucket && v->bits > 16) {
        max_bucket >>= v->bits - 16;
        max_bucket = max_bucket < 8 ? 8 : max_bucket;
    }
    for (int j = 0; j < v->tables; j++)
        qs[j] = sub(v, q->w, j);
    for (int j = 0; j < v->tables; j++) {
        const uint32_t *off = v->off + (size_t)j * v->stride, *ids = v->ids + (size_t)j * v->n;
        uint32_t lo = off[qs[j]], hi = off[qs[j] + 1];
        if (max_bucket && hi - lo > max_bucket)
            continue;
        for (uint32_t k = lo; k < hi; k += GATHER)
            LK_TRY(check_batch(v, q, qi, radius, qs, probed, j, ids + k,
                               hi - k < GATHER ? hi - k : GATHER, out));
        probed |= 1u << j;
    }
    return 0;
}

/* The matches of every query into h, sorted by (query, distance, ref). */
static long find_matches(const lk_vote_index *v, const lk_hash256 *q, size_t nq, int radius,
                         size_t max_bucket, lk_hits *h)
{
    if (!v->off || radius > LK_VOTE_TABLE_RADIUS)
        return lk_searcher_radius(v->s, q, nq, 1, radius, h);
    for (size_t i = 0; i < nq; i++)
        LK_TRY(table_matches(v, &q[i], (uint32_t)i, radius, max_bucket, h));
    lki_hits_sort(h->v, h->n);
    return (long)h->n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_vote(const void *a, const void *b)
{
    const lk_vote *x = a, *y = b;
    if (x->votes != y->votes)
        return x->votes > y->votes ? -1 : 1;
    return (x->set > y->set) - (x->set < y->set);
}

/* Keys set << 32 | query of the hits of distinctive queries (hits are
 * sorted by query).  Returns the key count. */
static size_t make_keys(const lk_vote_index *v, const lk_hits *h, size_t max_hits,
                        uint64_t *keys)
{
    size_t nk = 0;
    for (size_t i = 0, j; i < h->n; i = j) {
        for (j = i; j < h->n && h->v[j].query == h->v[i].query; j++)
            ;
        if (max_hits && j - i > max_hits)
            continue;
        for (size_t k = i; k < j; k++)
            keys[nk++] = (uint64_t)v->set_of[h->v[k].ref] << 32 | h->v[k].query;
    }
    return nk;
}

/* Counts distinct queries per set over sorted keys into votes (room for nk). */
static size_t count_votes(const uint64_t *keys, size_t nk, uint32_t min_votes, lk_vote *votes)
{
    size_t nv = 0;
    for (size_t i = 0, j; i < nk; i = j) {
        uint32_t set = (uint32_t)(keys[i] >> 32), c = 0;
        for (j = i; j < nk && (uint32_t)(keys[j] >> 32) == set; j++)
            c += j == i || keys[j] != keys[j - 1];
        if (c >= min_votes)
            votes[nv++] = (lk_vote){ set, c };
    }
    return nv;
}

LK_API long lk_vote_index_query(const lk_vote_index *v, const lk_hash256 *q, size_t nq,
                                int radius, size_t max_hits, size_t max_bucket,
                                uint32_t min_votes, lk_hits *scratch, lk_vote *out,
                                size_t max_out)
{
    if (!v || !scratch || (nq && !q) || (max_out && !out) || radius < 0 || radius > 256)
        return LK_EINVAL;
    scratch->n = 0;
    if (nq == 0 || v->n == 0)
        return 0;
    if (nq > UINT32_MAX)
        return LK_EINVAL;
    long rc = find_matches(v, q, nq, radius, max_bucket, scratch);
    if (rc <= 0)
        return rc;
    uint64_t *keys = lki_malloc(scratch->n * sizeof *keys);
    lk_vote *votes = lki_malloc(scratch->n * sizeof *votes);
    if (!keys || !votes) {
        lki_free(keys);
        lki_free(votes);
        return LK_ENOMEM;
    }
    size_t nk = make_keys(v, scratch, max_hits, keys);
    qsort(keys, nk, sizeof *keys, cmp_u64);
    size_t nv = count_votes(keys, nk, min_votes ? min_votes : 1, votes);
    qsort(votes, nv, sizeof *votes, cmp_vote);
    size_t n = nv < max_out ? nv : max_out;
    if (n)
        memcpy(out, votes, n * sizeof *out);
    lki_free(keys);
    lki_free(votes);
    return (long)n;
}
