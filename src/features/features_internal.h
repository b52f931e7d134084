/*
 * features_internal.h — internal interface between the hasher (hasher.c)
 * and the hash implementations (pdq.c, phash.c, dhash.c), plus a hasher
 * constructor taking an explicit kernel table for tests and benchmarks.
 *
 * Invariants: the constant tables are filled once per hasher and never
 * change; every function here works on dense, row-major float matrices
 * and allocates nothing, so a warm hasher computes without malloc.
 */
#ifndef LK_FEATURES_INTERNAL_H
#define LK_FEATURES_INTERNAL_H

#include <stdint.h>
#include "likeness/features.h"
#include "likeness/simd.h"

/* ---- PDQ (pdq.c) -------------------------------------------------- */

/* Pictures smaller than this on either side get the all-zero PDQ hash and
 * quality 0, as in the reference. */
#define LK_PDQ_MIN_DIM 5

/* Constant tables: the 16x64 DCT matrix and its transpose. */
typedef struct lk_pdq_tables {
    float dct[16 * 64];  /* row i+1 (1..16) of the 64-point DCT-II basis */
    float dctt[64 * 16]; /* dct transposed: dctt[k*16+j] == dct[j*64+k] */
} lk_pdq_tables;

/* Fixed-size scratch for one PDQ computation. */
typedef struct lk_pdq_work {
    float img64[64 * 64]; /* the 64x64 decimated luma */
    float t16x64[16 * 64];/* dct * img64 */
    float dct16[16 * 16]; /* dct * img64 * dct^T: the 16x16 coefficients */
    float aux16[16 * 16]; /* one dihedral variant of dct16 */
    float sel[16 * 16];   /* copy for median selection */
} lk_pdq_work;

/* Fills t (the reference's DCT matrix, bit for bit). */
void lki_pdq_tables_init(lk_pdq_tables *t);

/*
 * PDQ of the dense w x h float luma in @p luma, which is overwritten (it
 * is the first filter buffer); @p tmp holds at least w*h floats.  Writes
 * out->pdq and out->pdq_quality, and with @p dihedral also
 * out->pdq_dihedral[0..7].  Any w, h >= 1.
 */
void lki_pdq_from_luma(const lk_simd_ops *ops, const lk_pdq_tables *t, lk_pdq_work *wk,
                      float *luma, float *tmp, int w, int h, int dihedral,
                      lk_features *out);

/* ---- pHash and dHash (phash.c, dhash.c) --------------------------- */

#define LK_PHASH_SIZE 32 /* the luma is reduced to 32x32 */
#define LK_PHASH_KEEP 8  /* the top-left 8x8 DCT block is kept */

/* Constant tables: the first 8 rows of the 32-point DCT-II basis
 * (unnormalised, as scipy.fftpack.dct without norm) and their transpose. */
typedef struct lk_phash_tables {
    float dct[LK_PHASH_KEEP * LK_PHASH_SIZE];
    float dctt[LK_PHASH_SIZE * LK_PHASH_KEEP];
} lk_phash_tables;

/* Fixed-size scratch for pHash and dHash. */
typedef struct lk_phash_work {
    float small[LK_PHASH_SIZE * LK_PHASH_SIZE]; /* reduced luma */
    float t8x32[LK_PHASH_KEEP * LK_PHASH_SIZE];
    float dct8[LK_PHASH_KEEP * LK_PHASH_KEEP];
} lk_phash_work;

void lki_phash_tables_init(lk_phash_tables *t);

/* Area averaging: each output pixel is the mean of the input area it
 * covers, partial pixels weighted by their overlap; enlarging works too.
 * All sizes >= 1; inputs and outputs are dense and do not alias. */

/* Dense h x w @p in to oh x w @p out (along columns). */
void lki_reduce_vertical(const float *in, int w, int h, float *out, int oh);
/* Dense h x w @p in to h x ow @p out (along rows). */
void lki_reduce_horizontal(const float *in, int w, int h, float *out, int ow);
/* Both: w x h to ow x oh; @p tmp holds oh*w floats. */
void lki_area_reduce(const float *in, int w, int h, float *tmp, float *out, int ow, int oh);

/* pHash and dHash both start from the luma reduced vertically to
 * LK_PHASH_SIZE rows of w floats (lki_reduce_vertical). */

/* Rounds n values to whole grey levels (nearest, halves up). */
void lki_round_levels(float *v, int n);

/* 64-bit pHash from the 32 x w vertically reduced luma. */
uint64_t lki_phash_from_rows(const lk_simd_ops *ops, const lk_phash_tables *t,
                            lk_phash_work *wk, const float *rows, int w);

/* 64-bit dHash from the 32 x w vertically reduced luma; @p tmp holds 8*w
 * floats. */
uint64_t lki_dhash_from_rows(const float *rows, float *tmp, int w);

/* ---- hasher ------------------------------------------------------- */

/*
 * Like lk_hasher_new() but with a copy of @p ops instead of
 * lk_simd_ops_get(), e.g. a table from lk_simd_ops_for().  0 or LK_ENOMEM.
 */
int lki_hasher_new_with_ops(lk_hasher **out, const lk_simd_ops *ops);

#endif
