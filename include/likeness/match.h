/*
 * likeness/match.h — from frame hits to evidence: temporal alignment of
 * suspect frames with reference frames into segments, scores, style
 * resemblance and verdicts.
 *
 * Input: the suspect's sampled frame times, the hits of its frames against
 * the index (lk_hit: query frame, search-array position, distance, dihedral
 * variant) and, per search-array position, where that reference frame lies
 * (lk_ref_frame).  Output: per reference work, aligned segments
 * `suspect [s0,s1] <-> work W file F [r0,r1]` with a score in [0,1].
 * Pure computation: no I/O, no global state; thread-safe on distinct data.
 */
#ifndef LIKENESS_MATCH_H
#define LIKENESS_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"
#include "likeness/features.h"
#include "likeness/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where one indexed frame (one search-array position) lies. */
typedef struct lk_ref_frame {
    uint32_t work;  /**< dense work number (0..nworks-1) chosen by the caller */
    uint32_t file;  /**< dense file number within the index */
    float t0, t1;   /**< time span in the file, seconds (t0 == t1 for one frame) */
    uint8_t still;  /**< 1 if the file is a still picture */
} lk_ref_frame;

/** Distances 0..LK_BG_DMAX are counted one by one in a background; farther
 *  ones are not counted (the match radius is at most this in practice). */
#define LK_BG_DMAX 63

/**
 * Background statistics of one index: how close the pictures of OTHER works
 * come to a picture of the index.  Sampled from the index itself (the
 * scanner does it when it opens a snapshot, lk_match_background_add per
 * sampled entry); the evidence model (src/match/evidence.c) turns them
 * into the chance that an unrelated suspect frame lands near an entry.
 * Init with {0}.  Invariant: near[d] counts neighbours at distance exactly
 * d, summed over the samples.
 */
typedef struct lk_match_background {
    uint64_t entries;              /**< N: entries of the index (search array) */
    uint32_t samples;              /**< sampled entries */
    uint64_t near[LK_BG_DMAX + 1]; /**< neighbours of other works at distance d */
} lk_match_background;

/**
 * Adds one sampled entry to @p bg: @p dist[0..n) are the distances of the
 * entries of other works within the match radius of it (any order;
 * distances above LK_BG_DMAX are ignored).  Thread-unsafe on one @p bg.
 */
LK_API void lk_match_background_add(lk_match_background *bg, const uint16_t *dist, size_t n);

/** Room lk_match_background_format needs at most. */
#define LK_BG_TEXT_MAX 1600

/**
 * Writes @p bg as one line of text ("bg1 N SAMPLES n0 ... n63") into @p buf
 * (@p n bytes), to keep it in the catalog (lk_index_stat_put).  Returns 0
 * or LK_ETOOBIG.
 */
LK_API int lk_match_background_format(const lk_match_background *bg, char *buf, size_t n);

/** Reads what lk_match_background_format wrote.  Returns 0 or LK_ECORRUPT
 *  (then @p bg is unchanged). */
LK_API int lk_match_background_parse(const char *text, lk_match_background *bg);

/**
 * Tunables; start from lk_match_params_default().  Valid ranges (else
 * lk_match_align returns LK_EINVAL): radius 0..256, 0 < min_speed <= 1 <=
 * max_speed <= 4, max_gap > 0, min_score and style_threshold in [0,1],
 * max_works >= 1, max_segments >= 1; hashes_per_frame below 1 (or NaN)
 * means the default.
 */
typedef struct lk_match_params {
    int radius;          /**< PDQ Hamming radius of a frame hit (default 31); hits
                              farther than this are ignored */
    double min_speed;    /**< slowest reference/suspect speed ratio (default 0.75) */
    double max_speed;    /**< fastest (default 1.25) */
    double max_gap;      /**< longest suspect-time gap inside a segment, s (default 4) */
    double min_score;    /**< a work with score >= this is a `match` (default 0.5,
                              i.e. a chance rate of LK_MATCH_DEFAULT_RATE per
                              suspect: lk_match_score_of_chance) */
    double style_threshold; /**< style score >= this is `resembles` (default 0.5:
                              an unrelated art set reaches it for about 5 % of
                              suspects, see src/match/score.c) */
    int max_works;       /**< at most this many works reported (default 20) */
    int max_segments;    /**< at most this many segments per work (default 16) */
    double hashes_per_frame; /**< hashes searched per suspect frame (its windows x
                              dihedral variants: the chances a frame had of a
                              chance hit); 0: 8 (the variants of one hash) */
    const lk_match_background *background; /**< the index's background (borrowed;
                              NULL: the built-in conservative one of an index
                              of 10^5 entries, src/match/evidence.c) */
} lk_match_params;

/** The default match threshold in chance terms: expected chance matches of
 *  that strength per scanned suspect (score 0.5).  Calibrated on the
 *  accuracy benchmark (README, "Evidence and calibration"): no negative
 *  flagged, recall >= 95 % of the best recall of any threshold that
 *  flags none. */
#define LK_MATCH_DEFAULT_RATE 2e-2

/**
 * The score in [0,1] of an expected number @p chance (>= 0) of chance
 * matches per suspect: s = 1 / (1 + (chance / LK_MATCH_DEFAULT_RATE)^(1/2))
 * — 0.5 at the default rate (1 in 50 suspects), 0.91 at 1/100 of it (1 in
 * 5,000), 0.99 at 1/10^4 of it (1 in 500,000), 0.09 at 100 times it.
 * Monotone decreasing; NaN gives 0.
 */
LK_API double lk_match_score_of_chance(double chance);

/** The inverse: the chance rate of score @p score in (0,1]; +inf for 0. */
LK_API double lk_match_chance_of_score(double score);

/** One aligned run of frame matches. */
typedef struct lk_segment {
    uint32_t work;         /**< lk_ref_frame.work */
    uint32_t file;         /**< lk_ref_frame.file */
    double s0, s1;         /**< suspect time range, seconds */
    double r0, r1;         /**< reference time range, seconds */
    double speed;          /**< fitted reference/suspect speed ratio; 0 when no line
                                was fitted: a lone frame match, or either side a
                                still (no time axis to fit) */
    int frames;            /**< suspect frames in the segment (>= 1; 1 is a lone
                                frame match, weak evidence unless a still) */
    double distance;       /**< mean PDQ distance of its frame matches PDQ found; radius / 2 when local features alone found them */
    int variant;           /**< dominant dihedral variant (0: as is, 4: flip X, ...) */
    uint32_t best_query;   /**< suspect frame of the closest match (for evidence) */
    uint32_t best_ref;     /**< search-array position of that match */
    double llr;            /**< evidence: sum of its frame matches' log-likelihood
                                ratios, nats (src/match/evidence.c) */
    double chance;         /**< expected chance segments this strong per suspect */
    double score;          /**< lk_match_score_of_chance(chance) */
    int local_frames;      /**< of its frames, those verified by local features
                                rather than found by PDQ (0..frames) */
} lk_segment;

/** Evidence against one work. */
typedef struct lk_work_match {
    uint32_t work;         /**< lk_ref_frame.work */
    double chance;         /**< expected chance matches this strong per suspect
                                (src/match/evidence.c) */
    double score;          /**< lk_match_score_of_chance(chance), in [0,1] */
    int frames;            /**< distinct suspect frames covered by its segments */
    lk_segment *segs;      /**< segments, best first (owned by the result) */
    size_t nsegs;          /**< number of segments */
} lk_work_match;

/** Result of aligning one suspect; init with {0}, free with lk_match_release(). */
typedef struct lk_match_result {
    lk_work_match *works;  /**< works with any evidence, best score first */
    size_t nworks;         /**< number of works */
} lk_match_result;

/** Fills @p p with the defaults. */
LK_API void lk_match_params_default(lk_match_params *p);

/**
 * Aligns the hits of one suspect.  @p qtimes[i] is the time of suspect
 * frame i (nq frames, finite, non-decreasing; a still has nq == 1); @p hits
 * (any order) refer to positions in @p refs (nrefs entries; only the
 * entries hits refer to are read and must have finite 0 <= t0 <= t1).
 * @p suspect_still is 1 for a still picture (then nq <= 1), else 0.
 * Replaces the contents of @p out (which must be zeroed or hold an earlier
 * result); on error @p out is left empty.  The algorithm is documented in
 * src/match/align.c, the evidence, chances and scores in
 * src/match/evidence.c.  Deterministic: the
 * same input gives the same output whatever the order of @p hits.
 * Returns the number of works with evidence (<= max_works), or LK_EINVAL
 * (bad parameter, hit out of range, unsorted times, more than UINT32_MAX
 * frames or hits) / LK_ENOMEM.
 * Thread-safe on distinct outputs.
 */
LK_API long lk_match_align(const lk_match_params *p, const double *qtimes, size_t nq,
                           int suspect_still, const lk_hit *hits, size_t nhits,
                           const lk_ref_frame *refs, size_t nrefs, lk_match_result *out);

/** Frees what @p r holds and zeroes it. */
LK_API void lk_match_release(lk_match_result *r);

/**
 * Style resemblance score in [0,1] from a style distance (in [0,1]; what
 * lk_style_rank computes, likeness/style.h); monotone decreasing, 1 at
 * distance 0, 0.5 at 0.253; NaN gives 0.  Mapping and its calibration in
 * src/match/score.c.
 */
LK_API double lk_style_score(double distance);

/** Verdicts. */
enum lk_verdict {
    LK_VERDICT_CLEAN = 0,
    LK_VERDICT_RESEMBLES = 1,
    LK_VERDICT_MATCH = 2,
    LK_VERDICT_ERROR = 3
};

/** "clean", "resembles", "match", "error"; "unknown" for any other value. */
LK_API const char *lk_verdict_name(int verdict);

#ifdef __cplusplus
}
#endif
#endif
