/*
 * likeness/features.h — perceptual hashes and the style descriptor of one
 * picture, and the distances between them.
 *
 * PDQ follows the reference implementation in facebook/ThreatExchange
 * (pdq/cpp): for the same float luma it yields the same 256 bits and the
 * same quality, and its hex form is the reference's (most significant
 * 16-bit word first).  pHash and dHash are the common 64-bit DCT and
 * difference hashes (bit 63 is the first, top-left, coefficient/pair).
 */
#ifndef LIKENESS_FEATURES_H
#define LIKENESS_FEATURES_H

#include <stdint.h>
#include "likeness/error.h"
#include "likeness/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A 256-bit hash; bit i is (w[i / 64] >> (i % 64)) & 1, as PDQ numbers them. */
typedef struct lk_hash256 {
    uint64_t w[4];
} lk_hash256;

/** Size of the style descriptor in bytes (layout: see src/features/style.c). */
#define LK_STYLE_BYTES 192

/** What lk_hasher_compute() computes. */
enum lk_feature_flags {
    LK_FEAT_PDQ = 1u << 0,
    LK_FEAT_PHASH = 1u << 1,
    LK_FEAT_DHASH = 1u << 2,
    LK_FEAT_STYLE = 1u << 3,
    LK_FEAT_ALL = 0xfu,
    LK_FEAT_DIHEDRAL = 1u << 4 /**< also the 8 PDQ dihedral variants (implies PDQ) */
};

/** Number of PDQ dihedral variants, in the reference order: original,
 *  rotate 90, rotate 180, rotate 270, flip X, flip Y, flip +1, flip -1.
 *  They come from the same 16x16 DCT as the PDQ hash.  (For a picture of
 *  exactly 64x64 the reference's dihedral entry point alone runs its
 *  window-1 box filter, which is the identity up to float rounding, so
 *  its dihedral hashes could differ from ours in rare bits there.) */
#define LK_DIHEDRAL_COUNT 8

/** Features of one picture.  Fields not requested are zero.  Pictures
 *  under 5 pixels on a side have the all-zero PDQ hash (and variants) and
 *  quality 0, as in the reference. */
typedef struct lk_features {
    lk_hash256 pdq;                 /**< PDQ hash */
    int pdq_quality;                /**< PDQ quality, 0..100 */
    lk_hash256 pdq_dihedral[LK_DIHEDRAL_COUNT]; /**< with LK_FEAT_DIHEDRAL; [0] == pdq */
    uint64_t phash;                 /**< 64-bit DCT hash */
    uint64_t dhash;                 /**< 64-bit horizontal difference hash */
    uint8_t style[LK_STYLE_BYTES];  /**< style descriptor */
} lk_features;

/** Reusable scratch memory and kernel table; one per thread. */
typedef struct lk_hasher lk_hasher;

/**
 * Creates a hasher using lk_simd_ops_get().  *out is freed with
 * lk_hasher_free().  Returns 0 or LK_ENOMEM.
 */
LK_API int lk_hasher_new(lk_hasher **out);

/** Frees *h (NULL allowed) and sets *h to NULL. */
LK_API void lk_hasher_free(lk_hasher **h);

/**
 * Computes the features named by @p what (enum lk_feature_flags) for @p img
 * into @p out.  Any image size is accepted (1x1 upward); pictures larger
 * than 512 pixels on a side should be reduced by the caller (the decoders
 * do) for speed.  Not thread-safe for one hasher; use one per thread.
 * Returns 0, LK_EINVAL (bad image), LK_ENOMEM.
 */
LK_API int lk_hasher_compute(lk_hasher *h, const lk_image *img, unsigned what,
                             lk_features *out);

/** Writes 64 lowercase hex digits and a NUL into @p hex (65 bytes). */
LK_API void lk_hash256_to_hex(const lk_hash256 *h, char hex[65]);
/** Parses 64 hex digits (either case).  Returns 0 or LK_EINVAL. */
LK_API int lk_hash256_from_hex(const char *hex, lk_hash256 *out);
/** Writes 16 lowercase hex digits and a NUL (bit 63 first). */
LK_API void lk_hash64_to_hex(uint64_t h, char hex[17]);
/** Parses 16 hex digits.  Returns 0 or LK_EINVAL. */
LK_API int lk_hash64_from_hex(const char *hex, uint64_t *out);

/**
 * Estimates the 8 PDQ dihedral variants of a picture from its PDQ hash
 * alone (what a shared hash list carries), in the order of
 * lk_features.pdq_dihedral: out[0] = *h; a transposition moves bit
 * (i, j) to (j, i), and a mirror inverts the bits whose DCT coefficient
 * changes sign, which is exact when the coefficients' median is 0 and
 * misses the coefficients between 0 and the median.  Variant 6 (a plain
 * transpose) is exact; on 241 real pictures the others came within a
 * median of 6-8 bits of the true variants (90th percentile 14-16, at most
 * 63).  Pure; thread-safe.
 */
LK_API void lk_pdq_dihedral_from_hash(const lk_hash256 *h, lk_hash256 out[LK_DIHEDRAL_COUNT]);

/** Hamming distance between two 256-bit hashes (0..256). */
LK_API int lk_hamming256(const lk_hash256 *a, const lk_hash256 *b);
/** Hamming distance between two 64-bit hashes (0..64). */
LK_API int lk_hamming64(uint64_t a, uint64_t b);

/**
 * Distance between two style descriptors, in [0, 1]: 0 for identical
 * descriptors; the metric is documented in src/features/style.c.
 */
LK_API float lk_style_distance(const uint8_t a[LK_STYLE_BYTES],
                               const uint8_t b[LK_STYLE_BYTES]);

/* ---- views (src/features/views.c) ---- */

/** Regions of a reference frame hashed into the index besides the whole
 *  frame, so that PDQ (a global hash) still finds edited copies. */
enum lk_view {
    LK_VIEW_FULL = 0,        /**< the whole frame */
    LK_VIEW_CENTER = 1,      /**< the central LK_VIEW_CENTER_SCALE of each side (border crops) */
    LK_VIEW_STRIP = 2,       /**< full-height 9:16 strip at the centre (vertical reframing) */
    LK_VIEW_CORE = 3,        /**< the central LK_VIEW_CORE_W x LK_VIEW_CORE_H (overlays: logos
                                  in corners, caption bars, tickers) */
    LK_VIEW_COUNT = 4
};
/** Side of the CENTER view and of the central suspect window, as a
 *  fraction of the frame's side. */
#define LK_VIEW_CENTER_SCALE 0.8
/** Size of the CORE view and of the core suspect window, as fractions of
 *  the frame's width and height: x 20-80 %, y 25-75 %, clear of logos in
 *  the corners (up to ~20 % of the width) and of caption bars and tickers
 *  (the bottom quarter).  Measured on logo-and-caption overlays of two
 *  versions of the accuracy corpus: overlay recall 0.14 -> 0.86 and 0.63 ->
 *  1.00 against a 70 % x 60 % core, whose corners still took in the logos;
 *  the whole frame's PDQ moved by 38-44 bits where the core's stayed at 2-10. */
#define LK_VIEW_CORE_W 0.6
#define LK_VIEW_CORE_H 0.5
/** Strips are cut only from frames at least this wide (width / height). */
#define LK_VIEW_STRIP_MIN_ASPECT 1.0
/** Suspect windows searched besides the whole frame (picture-in-picture):
 *  the four corners and the centre at LK_WINDOW_SCALE of each side, then
 *  the central LK_VIEW_CENTER_SCALE region, then the CORE region. */
#define LK_WINDOW_COUNT 7
/** Side of a picture-in-picture window, as a fraction of the frame's side. */
#define LK_WINDOW_SCALE 0.45

/**
 * The rectangle of reference view @p view (enum lk_view) of a @p width x
 * @p height frame, inside the frame.  Returns 1 with *@p out set, 0 when
 * the view does not apply to that shape (strips of a narrow frame), or
 * LK_EINVAL (bad view or size, NULL out).  Pure; thread-safe.
 */
LK_API int lk_view_rect(int view, int width, int height, lk_rect *out);

/**
 * The rectangle of suspect window @p window (0..LK_WINDOW_COUNT-1) of a
 * @p width x @p height frame.  Returns 1 with *@p out set, or LK_EINVAL.
 * Pure; thread-safe.
 */
LK_API int lk_window_rect(int window, int width, int height, lk_rect *out);

/**
 * Makes @p out a borrowed view of rectangle @p r of @p img (same pixels and
 * stride, no copy).  Returns 0, or LK_EINVAL when @p r is empty or not
 * inside the image.
 */
LK_API int lk_image_sub(const lk_image *img, const lk_rect *r, lk_image *out);

/* ---- picture-in-picture insets (src/features/insets.c) ---- */

/** A rectangle found by lk_find_insets() and how sure the finder is. */
typedef struct lk_inset {
    lk_rect rect;  /**< inside the image searched */
    float score;   /**< in (0, 1]: mean edge coverage of its inner sides,
                        0.8x with only 2 inner sides, 0.9x with 3 */
} lk_inset;

/** Insets scoring at least this are confident detections: on the
 *  synthetic set of tests/unit/test_insets.c every true inset scores above
 *  it and no frame without an inset does.  Below it are weak candidates. */
#define LK_INSET_CONFIDENT 0.6

/**
 * Finds picture-in-picture insets in @p img: axis-aligned rectangles 20% to
 * 85% of the image's width and height (width / height in [0.4, 2.5])
 * whose inner sides (those not on the image border; at least 2) are
 * straight composited edges.  Writes at most @p max of them into @p out,
 * best first, not overlapping by more than half of the smaller one.
 * Images under 16 or over 4096 pixels on a side have none.  Returns the
 * count (0..max), LK_EINVAL (bad image or arguments) or LK_ENOMEM.
 * Allocates scratch once per call; pure and thread-safe.
 */
LK_API int lk_find_insets(const lk_image *img, lk_inset *out, int max);

#ifdef __cplusplus
}
#endif
#endif
