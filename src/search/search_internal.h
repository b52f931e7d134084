/*
 * search_internal.h — private declarations shared by the searcher
 * (search.c: public API, brute force, hit lists, k-best heaps) and the
 * multi-index hashing tables (mih.c).
 *
 * Invariants: a built lk_searcher is never written again; every query
 * allocates its own scratch, so concurrent queries are safe.  Every search
 * path produces, per query frame and indexed hash, the smallest distance
 * over the frame's variants and the smallest variant index reaching it.
 */
#ifndef LK_SEARCH_INTERNAL_H
#define LK_SEARCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/search.h"
#include "likeness/simd.h"

#define LK_MIH_TABLES 16      /* 16 substrings of 16 bits */
#define LK_MIH_BUCKETS 65536  /* values of one substring */
#define LK_MAX_VARIANTS 8

/*
 * Multi-index hashing tables, counting-sort layout.  For table j, the refs
 * whose substring j equals x are refs[j * n + offsets[j * (65536 + 1) + x]]
 * up to (excluding) offsets[j * 65537 + x + 1], in ascending ref order.
 * Both arrays are NULL when the searcher uses brute force.
 */
typedef struct lk_mih {
    uint32_t *offsets; /* LK_MIH_TABLES x (LK_MIH_BUCKETS + 1) bucket starts */
    uint32_t *refs;    /* LK_MIH_TABLES x n refs */
} lk_mih;

struct lk_searcher {
    const lk_hash256 *hashes; /* borrowed; n hashes (NULL allowed when n == 0) */
    size_t n;                 /* number of hashes, <= UINT32_MAX */
    int method;               /* LK_SEARCH_BRUTE or LK_SEARCH_MIH */
    int fallback;             /* MIH may hand a costly query to brute force (1) */
    const lk_simd_ops *ops;   /* kernel table */
    lk_mih mih;               /* MIH tables (method == LK_SEARCH_MIH) */
};

/* Substring j (0..15) of a 256-bit hash: bits 16j .. 16j+15. */
static inline unsigned lk_mih_sub(const uint64_t *h, int j)
{
    return (unsigned)(uint16_t)(h[j >> 2] >> ((j & 3) * 16));
}

/* Substring j of a 256-bit hash, bits (1..32) wide, from bit j * bits
 * (bit i is bit i % 64 of word i / 64); (j + 1) * bits <= 256.  For 16
 * bits the same as lk_mih_sub. */
static inline unsigned lki_sub_bits(const uint64_t *h, int bits, int j)
{
    unsigned o = (unsigned)(j * bits), w = o >> 6, sh = o & 63;
    uint64_t x = h[w] >> sh;
    if (sh + (unsigned)bits > 64 && w < 3)
        x |= h[w + 1] << (64 - sh);
    return (unsigned)(x & ((1ull << bits) - 1));
}

/* lk_vote_index_new with the substring width forced to bits (16..24; 0:
 * chosen from n as lk_vote_index_new does), for tests and benchmarks. */
struct lk_vote_index;
int lki_vote_index_new_bits(struct lk_vote_index **out, const lk_hash256 *desc,
                            const uint32_t *set_of, size_t n, size_t nsets, int method, int bits);

/* Hamming distance of two 256-bit hashes (rare paths; hot loops use ops). */
static inline int lk_ham256(const uint64_t *a, const uint64_t *b)
{
    return __builtin_popcountll(a[0] ^ b[0]) + __builtin_popcountll(a[1] ^ b[1]) +
           __builtin_popcountll(a[2] ^ b[2]) + __builtin_popcountll(a[3] ^ b[3]);
}

/* ---- hit lists and k-best heaps (search.c) ---- */

/* Appends one hit to out; 0 or LK_ENOMEM. */
int lki_hits_push(lk_hits *out, uint32_t query, uint32_t ref, int distance, int variant);
/* Sorts v[0..n) by (query, distance, ref). */
void lki_hits_sort(lk_hit *v, size_t n);

/*
 * A k-best heap of one query frame: a max-heap of at most k hits keyed by
 * (distance, ref), so that h[0] is the worst kept.  With dedupe, an offer
 * for a ref already kept replaces its (distance, variant) when smaller;
 * without, the caller guarantees each ref is offered once.
 */
void lki_heap_offer(lk_hit *h, size_t *cnt, size_t k, int distance, uint32_t ref, int variant,
                   int dedupe);

/*
 * Brute-force k-best over all hashes for nf frames of nvar variants at q
 * (nf * nvar * 4 words): frame f's heap is heaps[f * k ..], its size
 * cnts[f] (both filled from their current state).  0 or LK_ENOMEM.
 */
int lki_brute_knn(const lk_searcher *s, const uint64_t *q, size_t nf, int nvar, size_t k,
                 lk_hit *heaps, size_t *cnts);

/* ---- multi-index hashing (mih.c) ---- */

/* Builds the tables over s->hashes; 0 or LK_ENOMEM (s->mih left empty). */
int lki_mih_build(lk_mih *m, const lk_hash256 *hashes, size_t n);
/* Frees the tables and empties *m. */
void lki_mih_free(lk_mih *m);
/* Bytes the tables take for n hashes. */
size_t lki_mih_bytes(size_t n);

/*
 * Estimated cost ratio MIH / brute force of a radius query over n hashes
 * (per query variant); MIH is used when < 1 (unless fallback is off).
 */
double lki_mih_radius_cost(size_t n, int radius);

/* Radius query by MIH; hits sorted by (query, distance, ref). */
int lki_mih_radius(const lk_searcher *s, const uint64_t *q, size_t nq, int nvar, int radius,
                  lk_hits *out);

/*
 * k-best by MIH with growing substring radius; frames whose next stage
 * would cost more than brute force (when s->fallback) finish by brute
 * force.  Heaps as in lki_brute_knn (cnts start at 0).
 */
int lki_mih_knn(const lk_searcher *s, const uint64_t *q, size_t nq, int nvar, size_t k,
               lk_hit *heaps, size_t *cnts);

/* Test hook: 0 forbids MIH's hand-over to brute force (pure MIH). */
void lki_searcher_set_fallback(lk_searcher *s, int on);

#endif
