/*
 * vote.c — local descriptors voting for the frames (sets) they belong to
 * (likeness/search.h: lk_vote_index).
 *
 * The descriptors of every indexed set lie in one borrowed array; an
 * lk_searcher over it (multi-index hashing from LK_SEARCH_AUTO_MIN on,
 * exact) finds each query descriptor's matches within the radius.  A query
 * descriptor votes once for each set it matches (several matches in one set
 * count once); one matching more than max_hits descriptors (flat texture,
 * text, a logo every frame carries) does not vote at all.  Sets are ranked
 * by (votes desc, set asc).  Keys (set << 32 | query) are sorted so that
 * duplicates and counts fall out of one pass: O(h log h) for h matches,
 * independent of the number of sets.
 *
 * Why MIH over a vocabulary: it is exact (the same matches as brute force,
 * which the tests check) and needs no training; its cost grows with the
 * bucket occupancy, measured in make bench (bench_index "vote" lines).
 *
 * Invariants: immutable after lk_vote_index_new; queries use their own
 * scratch (the caller's lk_hits and a local key array).
 */
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "search/search_internal.h"

struct lk_vote_index {
    lk_searcher *s;          /* over the descriptors */
    const uint32_t *set_of;  /* borrowed: set of each descriptor */
    size_t n, nsets;
};

LK_API int lk_vote_index_new(lk_vote_index **out, const lk_hash256 *desc,
                             const uint32_t *set_of, size_t n, size_t nsets, int method)
{
    if (!out)
        return LK_EINVAL;
    *out = NULL;
    if ((n && (!desc || !set_of)) || nsets > UINT32_MAX)
        return LK_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (set_of[i] >= nsets)
            return LK_EINVAL;
    lk_vote_index *v = lki_calloc(1, sizeof *v);
    if (!v)
        return LK_ENOMEM;
    int rc = lk_searcher_new(&v->s, desc, n, method);
    if (rc < 0) {
        lki_free(v);
        return rc;
    }
    v->set_of = set_of, v->n = n, v->nsets = nsets;
    *out = v;
    return 0;
}

LK_API void lk_vote_index_free(lk_vote_index **pv)
{
    if (!pv || !*pv)
        return;
    lk_searcher_free(&(*pv)->s);
    lki_free(*pv);
    *pv = NULL;
}

LK_API const lk_searcher *lk_vote_index_searcher(const lk_vote_index *v)
{
    return v ? v->s : NULL;
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
                                int radius, size_t max_hits, uint32_t min_votes,
                                lk_hits *scratch, lk_vote *out, size_t max_out)
{
    if (!v || !scratch || (nq && !q) || (max_out && !out) || radius < 0 || radius > 256)
        return LK_EINVAL;
    scratch->n = 0;
    if (nq == 0 || v->n == 0)
        return 0;
    long rc = lk_searcher_radius(v->s, q, nq, 1, radius, scratch);
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
