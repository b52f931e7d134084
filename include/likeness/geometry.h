/*
 * likeness/geometry.h — verification of one candidate pair of pictures by
 * their local features (likeness/local.h): descriptor matching by Hamming
 * distance, then a robust fit of the geometric transform that carries
 * suspect pixels onto reference pixels.
 *
 * Matching: mutual nearest neighbours (and optionally Lowe's ratio test)
 * among the suspect's descriptors and the reference's, within
 * max_distance bits; with mirror, the suspect's mirrored descriptors are
 * matched too and fitted apart.  Fit: RANSAC over pairs of matches drawn by
 * a seeded generator, a similarity (scale, rotation, translation) checked
 * against the keypoints' own scales and angles, refined by least squares
 * on its inliers (and, with affine, a final affine refinement).  A pair is
 * verified when the best fit keeps at least sure_inliers matches, or at
 * least min_inliers that are at least min_ratio of the putative matches,
 * and the inliers' bounding box covers at least min_area of each picture
 * (see src/match/geometry.c for the measurements).
 *
 * Deterministic: the same features and parameters give the same result at
 * every SIMD level.  Pure computation: no I/O, no global state.
 */
#ifndef LIKENESS_GEOMETRY_H
#define LIKENESS_GEOMETRY_H

#include <stdint.h>
#include "likeness/error.h"
#include "likeness/local.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Tunables; start from lk_geo_params_default().  Valid ranges (else
 * lk_geo_verify returns LK_EINVAL): 0 <= max_distance <= 256, 0 <= ratio
 * <= 1, mutual/mirror/affine 0 or 1, 1 <= iterations <= 100000,
 * tolerance > 0, 2 <= min_inliers <= sure_inliers, 0 <= min_ratio <= 1,
 * 0 <= min_area <= 1.
 */
typedef struct lk_geo_params {
    int max_distance;  /**< largest Hamming distance of a descriptor match */
    float ratio;       /**< Lowe's ratio test (best < ratio * second best);
                            0 turns it off */
    int mutual;        /**< 1: keep only mutual nearest neighbours */
    int mirror;        /**< 1: also fit the suspect's mirrored descriptors
                            (needs lk_local_features.desc_mirror) */
    int affine;        /**< 1: refine the reported transform to an affine one */
    int iterations;    /**< most RANSAC hypotheses per orientation */
    float tolerance;   /**< inlier distance, in pixels of the reference
                            keypoint's pyramid level */
    int min_inliers;   /**< fewest inliers of a verified fit ... */
    float min_ratio;   /**< ... when they are at least this share of the
                            putative matches */
    int sure_inliers;  /**< this many inliers verify whatever their share */
    float min_area;    /**< smallest area of the inliers' bounding box, as a
                            fraction of the picture's area, on both sides */
    uint64_t seed;     /**< seed of the hypothesis generator */
} lk_geo_params;

/** A rectangle in (sub)pixels: x, y of the top-left corner, width, height. */
typedef struct lk_geo_box {
    float x, y, w, h;
} lk_geo_box;

/** Outcome of one verification.  Fields past `inliers` are set when
 *  inliers >= 2 (a fit exists), verified or not. */
typedef struct lk_geo_result {
    int verified;       /**< 1 when the fit meets the inlier and area tests */
    int matches;        /**< putative descriptor matches of the orientation
                             that won */
    int inliers;        /**< matches consistent with the fitted transform */
    double mean_distance; /**< mean Hamming distance of the inliers */
    int mirror;         /**< 1: the suspect is the reference mirrored */
    double scale;       /**< reference pixels per suspect pixel */
    double angle;       /**< rotation from suspect to reference, radians */
    double m[6];        /**< the transform: reference x = m[0] x + m[1] y +
                             m[2], y = m[3] x + m[4] y + m[5], for suspect
                             pixel (x, y) (the mirror included) */
    lk_geo_box sus;     /**< the part of the suspect picture that shows
                             the reference (suspect frame clipped to the
                             reference mapped back) */
    lk_geo_box ref;     /**< the part of the reference it shows */
    float area_sus;     /**< inliers' bounding box / suspect area */
    float area_ref;     /**< inliers' bounding box / reference area */
} lk_geo_result;

/** Per-thread scratch (distance matrices, matches) and kernel table. */
typedef struct lk_geo_matcher lk_geo_matcher;

/** Fills @p p with the defaults (measured, see src/match/geometry.c). */
LK_API void lk_geo_params_default(lk_geo_params *p);

/** Creates a matcher using lk_simd_ops_get(); free with lk_geo_free().
 *  Returns 0 or LK_ENOMEM. */
LK_API int lk_geo_new(lk_geo_matcher **out);

/** Frees *@p m (NULL allowed) and sets *@p m to NULL. */
LK_API void lk_geo_free(lk_geo_matcher **m);

/**
 * Matches @p sus against @p ref and fits the transform (with @p p NULL,
 * the defaults).  Writes @p out in full.  Not thread-safe for one matcher
 * (use one per thread); the features are only read.  Returns 1 when
 * verified, 0 when not, LK_EINVAL (bad parameters, or mirror without
 * desc_mirror) or LK_ENOMEM.
 */
LK_API int lk_geo_verify(lk_geo_matcher *m, const lk_geo_params *p,
                         const lk_local_features *sus, const lk_local_features *ref,
                         lk_geo_result *out);

#ifdef __cplusplus
}
#endif
#endif
