/*
 * likeness/simd.h — the table of hot kernels and its runtime CPU dispatch.
 *
 * lk_simd_ops_get() returns a read-only table filled once: every slot first
 * gets its scalar reference (src/simd/<kernel>_scalar.c), then AVX2 and then
 * AVX-512 versions replace slots when the CPU and OS support them, capped by
 * the environment variable LIKENESS_SIMD=scalar|avx2|avx512.  Every kernel's
 * SIMD versions give results bit-identical to its scalar reference: float
 * kernels keep the scalar order of operations (no FMA contraction, no
 * reassociation), so even they match bit for bit.
 */
#ifndef LIKENESS_SIMD_H
#define LIKENESS_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Instruction-set levels, in ascending order. */
enum lk_simd_level {
    LK_SIMD_SCALAR = 0, /**< portable C */
    LK_SIMD_AVX2 = 1,   /**< AVX2 (+POPCNT) */
    LK_SIMD_AVX512 = 2  /**< AVX-512 F/BW/VL/DQ, VPOPCNTDQ where present */
};

/**
 * Kernel table.  Invariant: every pointer is non-NULL; each computes exactly
 * what its scalar reference computes.  All sizes are in elements.
 */
typedef struct lk_simd_ops {
    int level;        /**< enum lk_simd_level this table was built for */
    const char *name; /**< "scalar", "avx2", "avx512" or "avx512+vpopcntdq" */

    /** PDQ luma: out[i] = 0.299f*R + 0.587f*G + 0.114f*B for w*h pixels of
     *  packed RGB24 with row @p stride (bytes); out is w*h floats, dense. */
    void (*luma_rgb24)(const uint8_t *rgb, int stride, int w, int h, float *out);

    /** PDQ's 1-D box filter (reference box1DFloat) along each row of a dense
     *  rows x cols float matrix; @p window >= 1. in and out do not alias. */
    void (*box_rows)(const float *in, float *out, int rows, int cols, int window);
    /** The same filter along each column. */
    void (*box_cols)(const float *in, float *out, int rows, int cols, int window);

    /** Dense row-major c[m][n] = sum over k (ascending) of a[m][k]*b[k][n],
     *  products and sums in float, summed from 0.0f.  Used by the DCTs. */
    void (*matmul)(const float *a, const float *b, float *c, int m, int k, int n);

    /** out[i] = Hamming distance between 256-bit q (4 words) and db[4i..4i+3]. */
    void (*ham256_1xn)(const uint64_t *q, const uint64_t *db, size_t n, uint16_t *out);
    /** out[i*n + j] = distance(q[i], db[j]) for m queries and n hashes;
     *  cache-blocked. */
    void (*ham256_mxn)(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                       uint16_t *out);
    /** out[i] = popcount(q ^ db[i]). */
    void (*ham64_1xn)(uint64_t q, const uint64_t *db, size_t n, uint8_t *out);

    /* style kernels (src/simd/edge_*, src/simd/hist_*) go below */

    /** Style colour quantiser (src/simd/style_scalar.c): for n packed RGB24
     *  pixels writes bin[i] = perceptual colour bin (0..55, see style.c) and
     *  luma[i] = (77R + 150G + 29B + 128) >> 8; with bin == NULL only luma. */
    void (*style_quant_rgb24)(const uint8_t *rgb, int n, uint8_t *bin, uint8_t *luma);
    /** Style edge coder: for x in 1..n-2 of three luma rows (above, centre,
     *  below; n >= 3) writes out[x] = ridge << 4 | magnitude class << 2 |
     *  orientation (Sobel; 0 for class 0); out[0], out[n-1] not written. */
    void (*style_edge_row)(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                           int n, uint8_t *out);
} lk_simd_ops;

/**
 * Returns the process-wide kernel table, built on first call (thread-safe,
 * pthread_once).  Never NULL.  The table is immutable.
 */
LK_API const lk_simd_ops *lk_simd_ops_get(void);

/**
 * Fills @p out with the table for exactly @p level, ignoring LIKENESS_SIMD.
 * Returns 0, or LK_ENOTSUP when this CPU/OS cannot run that level,
 * LK_EINVAL for an unknown level.  For tests and benchmarks.
 */
LK_API int lk_simd_ops_for(int level, lk_simd_ops *out);

/** Highest level this CPU and OS support (ignores LIKENESS_SIMD). */
LK_API int lk_simd_detect(void);

#ifdef __cplusplus
}
#endif
#endif
