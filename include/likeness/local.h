/*
 * likeness/local.h — local binary features of one picture: oriented
 * keypoints on an image pyramid, each with a 256-bit binary descriptor,
 * and (on request) the descriptor its mirror image would have.
 *
 * Keypoints are FAST-9 corners ranked by a Harris response and spread over
 * a grid, on a pyramid of scale steps 1.5 and 4/3 (scales 1, 1.5, 2, 3, 4,
 * 6, ...); each takes the orientation of its intensity centroid and a
 * descriptor of 256 steered intensity comparisons on the smoothed level
 * (the pattern, the choices and the measurements behind them are written
 * at the top of src/features/local.c).  A descriptor is an lk_hash256, so
 * the 256-bit Hamming kernels of likeness/simd.h compare them.
 *
 * The mirrored descriptor of a keypoint is the descriptor that the picture
 * flipped left-right would have at the flipped keypoint (x -> width-1-x,
 * angle -> pi-angle): it is sampled from the same pixels with the pattern
 * mirrored, at the cost of the comparisons alone.
 *
 * Deterministic: the same pixels and parameters give the same keypoints and
 * bits at every SIMD level.  Pure computation: no I/O.
 */
#ifndef LIKENESS_LOCAL_H
#define LIKENESS_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"
#include "likeness/features.h"
#include "likeness/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Upper bound of lk_local_params.max_keypoints. */
#define LK_LOCAL_MAX_KEYPOINTS 4096
/** Upper bound of lk_local_params.levels. */
#define LK_LOCAL_MAX_LEVELS 8

/** One keypoint.  Coordinates are in pixels of the picture given to
 *  lk_local_extract() (pixel centres at integers, x right, y down). */
typedef struct lk_keypoint {
    float x, y;      /**< position in the picture */
    float scale;     /**< pyramid scale of its level: 1 at the picture's own
                          resolution; the descriptor's patch spans 31 * scale
                          pixels */
    float angle;     /**< orientation in radians, [-pi, pi], measured from +x
                          towards +y (clockwise on screen) */
    float response;  /**< Harris response on its level (ranking only) */
    int level;       /**< pyramid level, 0 .. levels-1 */
} lk_keypoint;

/**
 * Tunables; start from lk_local_params_default().  Valid ranges (else
 * lk_local_extract returns LK_EINVAL): 1 <= max_keypoints <=
 * LK_LOCAL_MAX_KEYPOINTS, 1 <= levels <= LK_LOCAL_MAX_LEVELS,
 * 1 <= fast_threshold <= 254, mirror 0 or 1.
 */
typedef struct lk_local_params {
    int max_keypoints;  /**< at most this many keypoints (default in local.c) */
    int levels;         /**< pyramid levels (levels too small are skipped) */
    int fast_threshold; /**< FAST intensity threshold: corners must pass it;
                             a level keeps its 2 x quota best by FAST score */
    int mirror;         /**< 1: also fill lk_local_features.desc_mirror */
} lk_local_params;

/**
 * Keypoints and descriptors of one picture.  Initialise with {0}; each
 * lk_local_extract() replaces the contents (reusing the arrays); free with
 * lk_local_features_release().  Invariant: kp[i], desc[i] and (when not
 * NULL) desc_mirror[i] describe the same keypoint for i < count; keypoints
 * are ordered by level, coarsest first, then best first (by grid-cell rank,
 * then response).
 */
typedef struct lk_local_features {
    int width, height;       /**< size of the picture they come from */
    size_t count;            /**< number of keypoints */
    lk_keypoint *kp;         /**< count keypoints (owned) */
    lk_hash256 *desc;        /**< count descriptors (owned) */
    lk_hash256 *desc_mirror; /**< count mirrored descriptors, or NULL when not
                                  asked for (owned) */
    size_t cap;              /**< allocated entries of each array */
} lk_local_features;

/** Per-thread scratch memory (pyramid, score maps, tables) and kernel table. */
typedef struct lk_local_extractor lk_local_extractor;

/** Fills @p p with the defaults (the measured choice, see src/features/local.c). */
LK_API void lk_local_params_default(lk_local_params *p);

/**
 * Creates an extractor using lk_simd_ops_get().  *@p out is freed with
 * lk_local_free().  Returns 0 or LK_ENOMEM.
 */
LK_API int lk_local_new(lk_local_extractor **out);

/** Frees *@p e (NULL allowed) and sets *@p e to NULL. */
LK_API void lk_local_free(lk_local_extractor **e);

/**
 * Extracts the local features of @p img (GRAY8 or RGB24, any size up to
 * 4096 pixels a side; working-size frames of at most 512x512 are what it
 * is tuned and timed for) into @p out, replacing what it held.  A picture
 * too small for the smallest patch gives count 0.  With @p p NULL the
 * defaults are used.  Not thread-safe for one extractor (use one per
 * thread); @p out is owned by the caller.  Returns the number of
 * keypoints (>= 0), LK_EINVAL (bad image or parameters), LK_ETOOBIG or
 * LK_ENOMEM (then @p out holds count 0).
 */
LK_API int lk_local_extract(lk_local_extractor *e, const lk_image *img,
                            const lk_local_params *p, lk_local_features *out);

/**
 * Makes @p out the features of @p in's picture flipped left-right: each
 * keypoint mirrored (x -> width-1-x, angle -> pi-angle) with desc_mirror
 * as its descriptor and desc as its mirrored descriptor.  @p in must have
 * desc_mirror.  @p out (zeroed or holding features) is replaced; it must
 * not be @p in.  Returns the count, LK_EINVAL or LK_ENOMEM.
 */
LK_API int lk_local_mirror(const lk_local_features *in, lk_local_features *out);

/** Bytes of one packed keypoint: descriptor (32), x and y in 1/8 pixel
 *  (u16 each), scale in 1/8 (u8), angle in 1/256 turn (u8). */
#define LK_LOCAL_PACKED_KP 38
/** Bytes of a packed set's header: width, height, count (u16 each), zero. */
#define LK_LOCAL_PACKED_HDR 8

/** Bytes lk_local_pack() writes for @p count keypoints. */
LK_API size_t lk_local_packed_size(size_t count);

/**
 * Packs the first min(@p max, count) keypoints of @p f (positions,
 * scales, angles and descriptors, not desc_mirror: what the index stores
 * of a reference frame) into @p out of @p cap bytes: little-endian, the
 * header, then every descriptor, then every keypoint's 6 bytes of
 * geometry (so the descriptors of a packed set are contiguous).  Positions
 * round to 1/8 pixel, scales to 1/8, angles to 1/256 turn.  Returns the
 * bytes written, or LK_EINVAL (@p cap too small, a picture over 8191
 * pixels or over 65535 keypoints).  Thread-safe.
 */
LK_API long lk_local_pack(const lk_local_features *f, size_t max, uint8_t *out, size_t cap);

/**
 * Unpacks a set written by lk_local_pack() (@p len bytes at @p in) into
 * @p out (zeroed or holding features; replaced; desc_mirror NULL,
 * response 0, level 0).  Returns the count, LK_EFORMAT (sizes disagree)
 * or LK_ENOMEM.  Thread-safe on distinct outputs.
 */
LK_API int lk_local_unpack(const uint8_t *in, size_t len, lk_local_features *out);

/** Frees what @p f holds and zeroes it (NULL allowed). */
LK_API void lk_local_features_release(lk_local_features *f);

#ifdef __cplusplus
}
#endif
#endif
