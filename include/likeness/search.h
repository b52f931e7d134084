/*
 * likeness/search.h — search structures over 256-bit hashes: pure computation,
 * no files and no SQLite (src/search/).
 *
 * An lk_searcher answers radius and k-nearest queries over an array of
 * 256-bit hashes it borrows (often the catalog's search segment, read into
 * the index handle's memory).  Each query frame brings its 8 dihedral variants; a hit keeps,
 * per indexed hash, the smallest distance over the variants and which
 * variant gave it.  Brute force (SIMD, cache-blocked) and multi-index
 * hashing give identical results; LK_SEARCH_AUTO picks by size.
 */
#ifndef LIKENESS_SEARCH_H
#define LIKENESS_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"
#include "likeness/features.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Search methods. */
enum lk_search_method {
    LK_SEARCH_AUTO = 0,  /**< brute force below a measured size, MIH above */
    LK_SEARCH_BRUTE = 1, /**< exact SIMD brute force */
    LK_SEARCH_MIH = 2    /**< multi-index hashing over 16-bit substrings */
};

/** One answer: an indexed hash close to a query frame. */
typedef struct lk_hit {
    uint32_t query;    /**< index of the query frame (0..nq-1) */
    uint32_t ref;      /**< position of the indexed hash in the searcher's array */
    uint16_t distance; /**< Hamming distance, smallest over the query's variants */
    uint8_t variant;   /**< which dihedral variant (0..7) gave that distance */
    uint16_t inliers;  /**< 0 for a PDQ hash hit; for a frame match verified
                            by local features (likeness/geometry.h), its
                            inlier count (distance is then a conservative
                            stand-in: the match radius / 2) */
} lk_hit;

/**
 * A growable list of hits owned by the caller: init with {0}, reuse across
 * calls (searches append nothing; they overwrite), free with
 * lk_hits_release().
 */
typedef struct lk_hits {
    lk_hit *v;       /**< hits */
    size_t n;        /**< number of hits in v */
    size_t cap;      /**< allocated capacity of v */
} lk_hits;

/** Frees the memory of @p h and zeroes it. */
LK_API void lk_hits_release(lk_hits *h);

/** A search structure over a borrowed array of hashes. */
typedef struct lk_searcher lk_searcher;

/**
 * Builds a searcher over @p n hashes at @p hashes (borrowed: must stay
 * valid and unchanged until lk_searcher_free).  @p method is an
 * enum lk_search_method.  Returns 0, LK_EINVAL or LK_ENOMEM.
 * The searcher is immutable after creation: concurrent queries from
 * several threads are safe.
 */
LK_API int lk_searcher_new(lk_searcher **out, const lk_hash256 *hashes, size_t n, int method);

/** Frees *s (NULL allowed) and sets it to NULL. */
LK_API void lk_searcher_free(lk_searcher **s);

/** The method actually in use (LK_SEARCH_BRUTE or LK_SEARCH_MIH). */
LK_API int lk_searcher_method(const lk_searcher *s);

/**
 * Radius query: for each of @p nq query frames, every indexed hash within
 * Hamming distance @p radius (0..256) of any of the frame's @p nvar
 * variants (queries[q * nvar + v], nvar 1..8; variant 0 should be the
 * hash itself).  Results in @p out, sorted by (query, distance, ref).
 * Returns the number of hits, or LK_EINVAL / LK_ENOMEM.
 */
LK_API long lk_searcher_radius(const lk_searcher *s, const lk_hash256 *queries, size_t nq,
                               int nvar, int radius, lk_hits *out);

/**
 * k-nearest query: for each query frame, the @p k indexed hashes with the
 * smallest distance (over its variants), ties broken by smaller ref;
 * fewer if the index is smaller.  Same ordering and returns as above.
 */
LK_API long lk_searcher_knn(const lk_searcher *s, const lk_hash256 *queries, size_t nq,
                            int nvar, int k, lk_hits *out);

/* ---- local descriptors voting for frames (src/search/vote.c) ---- */

/**
 * A voting index over the local descriptors of many indexed frames
 * ("sets"): descriptor i belongs to set set_of[i].  A query frame's
 * descriptors each vote once for every set holding a descriptor within
 * the radius; sets are ranked by votes.  Up to LK_VOTE_TABLE_RADIUS the
 * matches come from 16 tables of exact 16-bit substrings (64 bytes per
 * descriptor + 4 MiB), exactly brute force's unless max_bucket leaves out
 * crowded buckets; beyond, and with LK_SEARCH_BRUTE, from brute force.
 * Above 2^19 descriptors the substrings widen (up to 24 bits, 256 / bits
 * tables, a mean bucket of at most 8) so that a query's cost stops
 * growing with the index: every match within tables - 1 bits is still
 * found, and of those further out (up to LK_VOTE_TABLE_RADIUS) the ones
 * sharing a whole substring with the query.
 */
typedef struct lk_vote_index lk_vote_index;

/** Largest radius the substring tables answer (pigeonhole over 16
 *  substrings of 16 bits); larger radii run by brute force. */
#define LK_VOTE_TABLE_RADIUS 15

/** A candidate set and its votes. */
typedef struct lk_vote {
    uint32_t set;    /**< set number (set_of's values) */
    uint32_t votes;  /**< query descriptors with a match in the set */
} lk_vote;

/**
 * Builds a voting index over @p n descriptors at @p desc with their sets
 * @p set_of (both borrowed until lk_vote_index_free; set numbers below
 * @p nsets).  @p method: LK_SEARCH_BRUTE (no tables), LK_SEARCH_AUTO or
 * LK_SEARCH_MIH (the substring tables).  Immutable after creation:
 * concurrent queries are safe.  Returns 0, LK_EINVAL or LK_ENOMEM.
 */
LK_API int lk_vote_index_new(lk_vote_index **out, const lk_hash256 *desc,
                             const uint32_t *set_of, size_t n, size_t nsets, int method);

/** Frees *@p v (NULL allowed) and sets it to NULL. */
LK_API void lk_vote_index_free(lk_vote_index **v);

/** 1 when @p v has the substring tables, 0 when it runs by brute force. */
LK_API int lk_vote_index_tables(const lk_vote_index *v);

/**
 * Votes: each of the @p nq query descriptors with at most @p max_hits
 * matches within @p radius (0 for no limit; descriptors matching more
 * are not distinctive and do not vote) gives one vote to every set it
 * matches.  With @p max_bucket > 0 (tables only), substring buckets of
 * more descriptors are not probed: faster, no longer exact (the bound is
 * for 16-bit tables; wider ones scale it down by their width, to at least
 * 8).  The sets with at least @p min_votes votes, most votes first
 * (ties: smaller set), at most @p max_out of them, are written to @p out.
 * @p scratch (caller-owned, reused) receives the raw descriptor matches.
 * Returns the number written, LK_EINVAL or LK_ENOMEM.
 */
LK_API long lk_vote_index_query(const lk_vote_index *v, const lk_hash256 *q, size_t nq,
                                int radius, size_t max_hits, size_t max_bucket,
                                uint32_t min_votes, lk_hits *scratch, lk_vote *out,
                                size_t max_out);

#ifdef __cplusplus
}
#endif
#endif
