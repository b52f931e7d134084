/*
 * likeness/simd.h — the table of hot kernels and its runtime CPU dispatch.
 *
 * lk_simd_ops_get() returns a read-only table filled once: every slot first
 * gets its scalar reference (src/simd/<kernel>_scalar.c), then, on x86-64
 * builds, AVX2 and then AVX-512 versions (src/simd/x86/) replace slots when
 * the CPU and OS support them, capped by the environment variable
 * LIKENESS_SIMD=scalar|avx2|avx512; other architectures run the scalar
 * table (lk_simd_detect() returns LK_SIMD_SCALAR there).  Every kernel's
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
    /** out[i*n + j] = distance(q[i], db[j]) for m queries and n hashes
     *  (callers block for the cache: the searcher passes at most 1024
     *  queries and 128 hashes at a time, src/search/search.c). */
    void (*ham256_mxn)(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                       uint16_t *out);
    /** out[i] = popcount(q ^ db[i]). */
    void (*ham64_1xn)(uint64_t q, const uint64_t *db, size_t n, uint8_t *out);

    /* style kernels: src/simd/style_scalar.c, src/simd/x86/style_avx2.c */

    /** Style colour quantiser (src/simd/style_scalar.c): for n packed RGB24
     *  pixels writes bin[i] = perceptual colour bin (0..55, see style.c) and
     *  luma[i] = (77R + 150G + 29B + 128) >> 8; with bin == NULL only luma. */
    void (*style_quant_rgb24)(const uint8_t *rgb, int n, uint8_t *bin, uint8_t *luma);
    /** Style edge coder: for x in 1..n-2 of three luma rows (above, centre,
     *  below; n >= 3) writes out[x] = ridge << 4 | magnitude class << 2 |
     *  orientation (Sobel; 0 for class 0); out[0], out[n-1] not written. */
    void (*style_edge_row)(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                           int n, uint8_t *out);

    /* local-feature kernels (src/simd/local_scalar.c, src/features/local.c) */

    /** FAST-9 scores of the n pixels p[0..n-1] of one row (reads 3 rows and
     *  3 columns around each): score[i] = the largest t for which 9
     *  contiguous circle pixels are all > centre + t or all < centre - t,
     *  written when it exceeds @p thr (0..254), else 0. */
    void (*local_fast_row)(const uint8_t *p, ptrdiff_t stride, int n, int thr,
                           uint8_t *score);
    /** 2x2 box average of rows s0, s1 into dw pixels: (a+b+c+d+2) >> 2. */
    void (*local_half_row)(const uint8_t *s0, const uint8_t *s1, int dw, uint8_t *d);
    /** 3 rows -> 2 rows of dw pixels, 2/3 scale with weights (2,1|1,2) per
     *  axis, rounded; reads 3*(dw/2) + 2*(dw&1) pixels of each row. */
    void (*local_twothirds_rows)(const uint8_t *s0, const uint8_t *s1, const uint8_t *s2,
                                 int dw, uint8_t *d0, uint8_t *d1);
    /** 5x5 binomial blur of n pixels at src (reads rows -2..2 and columns
     *  -2..n+1), rounded; tmp holds n+4 scratch values. */
    void (*local_blur_row)(const uint8_t *src, ptrdiff_t stride, int n, uint16_t *tmp,
                           uint8_t *dst);
    /** 256 comparisons: bit i of out (out[i/64] >> i%64) = c[oa[i]] < c[ob[i]].
     *  May read up to 3 bytes past each c[o] (buffers are padded). */
    void (*local_tests)(const uint8_t *c, const int32_t *oa, const int32_t *ob,
                        uint64_t out[4]);
    /** Intensity moments over the disc of radius 15 around c (rows of
     *  half-width lki_disc15): m[0] = sum dx * c[dy][dx], m[1] = sum dy *
     *  c[dy][dx].  Reads columns -15..16 of rows -15..15. */
    void (*local_moments)(const uint8_t *c, ptrdiff_t stride, int32_t m[2]);
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
