/*
 * local_internal.h — internal interface of the local features: the test
 * pattern and its steered offset tables (local_pattern.c), the pyramid
 * (local_pyramid.c) and the extractor (local.c), plus a constructor with an
 * explicit kernel table for tests and benchmarks.
 *
 * Invariants: every level of a pyramid has the same row stride, so one
 * table of byte offsets serves every level; level buffers are padded by at
 * least one stride plus 64 bytes after their last row, so kernels may read
 * a few bytes past a row's end.
 */
#ifndef LK_LOCAL_INTERNAL_H
#define LK_LOCAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/local.h"
#include "likeness/simd.h"

/* Number of binary tests (bits of a descriptor). */
#define LK_LOCAL_TESTS 256
/* Orientation bins of the steered pattern (12 degrees each; 15 bins make
 * pi, so a mirrored angle pi - a falls on a bin when a does). */
#define LK_LOCAL_BINS 30
/* Test points lie within this radius of the keypoint (before rotation). */
#define LK_LOCAL_PATTERN_RADIUS 14
/* Radius of the intensity-centroid disc. */
#define LK_LOCAL_ORIENT_RADIUS 15
/* Keypoints keep this many pixels from each side of their level: the
 * rotated pattern (<= 15) and the disc (15) plus the blur's 2 stay inside
 * the blurred area. */
#define LK_LOCAL_MARGIN 17

/* One test: compare the pixel at a with the pixel at b. */
typedef struct lk_local_pair {
    int8_t ax, ay, bx, by;
} lk_local_pair;

/* Grows f's arrays to n entries; desc_mirror exists exactly when mirror.
 * 0 or LK_ENOMEM (local.c). */
int lki_local_reserve(lk_local_features *f, size_t n, int mirror);

/* The fixed pattern (LK_LOCAL_TESTS pairs, built once; see local_pattern.c). */
const lk_local_pair *lki_local_pattern(void);

/* Steered byte offsets for one row stride: for bin k (angle 2 pi k / BINS)
 * oa/ob[k][i] are the offsets of test i's points rotated by that angle, and
 * ma/mb[k][i] those of the mirrored pattern (y negated) rotated likewise. */
typedef struct lk_local_tables {
    ptrdiff_t stride;                         /* stride they were built for; 0: none */
    int32_t oa[LK_LOCAL_BINS][LK_LOCAL_TESTS];
    int32_t ob[LK_LOCAL_BINS][LK_LOCAL_TESTS];
    int32_t ma[LK_LOCAL_BINS][LK_LOCAL_TESTS];
    int32_t mb[LK_LOCAL_BINS][LK_LOCAL_TESTS];
} lk_local_tables;

/* (Re)builds t for rows of @p stride bytes (no-op when already built). */
void lki_local_tables_build(lk_local_tables *t, ptrdiff_t stride);

/* The bin (0..BINS-1) nearest to angle @p a (radians). */
int lki_local_angle_bin(float a);

/* One pyramid level: w x h pixels in rows of the pyramid's stride. */
typedef struct lk_local_level {
    uint8_t *px;    /* pixels (inside the pyramid's arena) */
    uint8_t *blur;  /* the blurred copy: valid 2 pixels in from each side */
    int w, h;       /* size; 0 when the level is not used */
    float scale;    /* nominal scale: picture pixel = (level pixel + 0.5) * scale - 0.5 */
} lk_local_level;

/* A pyramid with its memory (grown, never shrunk). */
typedef struct lk_local_pyramid {
    lk_local_level lv[LK_LOCAL_MAX_LEVELS];
    int nlevels;       /* levels built */
    ptrdiff_t stride;  /* row stride of every level */
    uint8_t *arena;    /* all level buffers (64-byte aligned) */
    size_t arena_cap;  /* bytes in arena */
    uint16_t *tmp;     /* blur scratch, stride + 8 values */
    size_t tmp_cap;    /* values in tmp (grown apart from the arena: a wider
                          picture may need less arena but a longer row) */
} lk_local_pyramid;

/* Builds levels 0..levels-1 of img (levels too small for the margin are
 * left out): luma, downscaling and blur.  Returns 0 or LK_ENOMEM. */
int lki_local_pyramid_build(lk_local_pyramid *p, const lk_simd_ops *ops, const lk_image *img,
                           int levels);
void lki_local_pyramid_release(lk_local_pyramid *p);

/* Scale of level l: 1, 1.5, 2, 3, 4, 6, ... */
float lki_local_level_scale(int l);

/* Extractor with an explicit kernel table (tests, benchmarks). */
int lki_local_new_with_ops(lk_local_extractor **out, const lk_simd_ops *ops);

#endif
