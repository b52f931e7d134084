/*
 * simd_internal.h — declarations of every kernel version, for the dispatch
 * code and the equivalence tests.  <kernel>_scalar.c holds the reference and
 * is built everywhere; the x86 versions live in src/simd/x86/, are built
 * only for x86-64 targets (the Makefile then defines LK_ARCH_X86_64=1), are
 * compiled with their own -m flags and may only be called after dispatch has
 * checked the CPU.  Code outside src/simd/x86/ names them only under
 * #if LK_ARCH_X86_64.
 */
#ifndef LK_SIMD_INTERNAL_H
#define LK_SIMD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/simd.h"

/* Scalar references. */
void lki_luma_rgb24_scalar(const uint8_t *rgb, int stride, int w, int h, float *out);
void lki_box_rows_scalar(const float *in, float *out, int rows, int cols, int window);
void lki_box_cols_scalar(const float *in, float *out, int rows, int cols, int window);
void lki_matmul_scalar(const float *a, const float *b, float *c, int m, int k, int n);
void lki_ham256_1xn_scalar(const uint64_t *q, const uint64_t *db, size_t n, uint16_t *out);
void lki_ham256_mxn_scalar(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                          uint16_t *out);
void lki_ham64_1xn_scalar(uint64_t q, const uint64_t *db, size_t n, uint8_t *out);
void lki_style_quant_rgb24_scalar(const uint8_t *rgb, int n, uint8_t *bin, uint8_t *luma);
void lki_style_edge_row_scalar(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                              int n, uint8_t *out);
/* AVX2 versions (style_avx2.c); only after dispatch has checked the CPU. */
void lki_style_quant_rgb24_avx2(const uint8_t *rgb, int n, uint8_t *bin, uint8_t *luma);
void lki_style_edge_row_avx2(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                            int n, uint8_t *out);

/* AVX2 (+POPCNT, BMI1/2): pdq_avx2.c, hamming_avx2.c. */
void lki_luma_rgb24_avx2(const uint8_t *rgb, int stride, int w, int h, float *out);
void lki_box_rows_avx2(const float *in, float *out, int rows, int cols, int window);
void lki_box_cols_avx2(const float *in, float *out, int rows, int cols, int window);
void lki_matmul_avx2(const float *a, const float *b, float *c, int m, int k, int n);
void lki_ham256_1xn_avx2(const uint64_t *q, const uint64_t *db, size_t n, uint16_t *out);
void lki_ham256_mxn_avx2(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                        uint16_t *out);
void lki_ham64_1xn_avx2(uint64_t q, const uint64_t *db, size_t n, uint8_t *out);

/* AVX-512 F/BW/VL/DQ: pdq_avx512.c, hamming_avx512.c (BW popcount). */
void lki_luma_rgb24_avx512(const uint8_t *rgb, int stride, int w, int h, float *out);
void lki_box_rows_avx512(const float *in, float *out, int rows, int cols, int window);
void lki_box_cols_avx512(const float *in, float *out, int rows, int cols, int window);
void lki_matmul_avx512(const float *a, const float *b, float *c, int m, int k, int n);
void lki_ham256_1xn_avx512(const uint64_t *q, const uint64_t *db, size_t n, uint16_t *out);
void lki_ham256_mxn_avx512(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                          uint16_t *out);
void lki_ham64_1xn_avx512(uint64_t q, const uint64_t *db, size_t n, uint8_t *out);

/* AVX-512 + VPOPCNTDQ: hamming_avx512_vpopcnt.c, only when the CPU has it. */
void lki_ham256_1xn_avx512_vpopcnt(const uint64_t *q, const uint64_t *db, size_t n,
                                  uint16_t *out);
void lki_ham256_mxn_avx512_vpopcnt(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                                  uint16_t *out);
void lki_ham64_1xn_avx512_vpopcnt(uint64_t q, const uint64_t *db, size_t n, uint8_t *out);

/* Local-feature kernels: local_scalar.c, x86/local_avx2.c, x86/local_avx512.c.
 * Each file's fill function puts its versions into ops. */
extern const int8_t lki_fast_circle[16][2];
void lki_local_fast_row_scalar(const uint8_t *p, ptrdiff_t stride, int n, int thr,
                              uint8_t *score);
void lki_local_half_row_scalar(const uint8_t *s0, const uint8_t *s1, int dw, uint8_t *d);
void lki_local_twothirds_rows_scalar(const uint8_t *s0, const uint8_t *s1, const uint8_t *s2,
                                    int dw, uint8_t *d0, uint8_t *d1);
void lki_local_blur_row_scalar(const uint8_t *src, ptrdiff_t stride, int n, uint16_t *tmp,
                              uint8_t *dst);
void lki_local_tests_scalar(const uint8_t *c, const int32_t *oa, const int32_t *ob,
                           uint64_t out[4]);
/* Half-widths floor(sqrt(15^2 - dy^2)) of the moment disc's rows, dy = -15..15. */
extern const int8_t lki_disc15[31];
void lki_local_moments_scalar(const uint8_t *c, ptrdiff_t stride, int32_t m[2]);
void lki_simd_fill_local_scalar(lk_simd_ops *ops);
void lki_simd_fill_local_avx2(lk_simd_ops *ops);
void lki_simd_fill_local_avx512(lk_simd_ops *ops);

/* Fills every slot of ops with its scalar reference (dispatch.c). */
void lki_simd_fill_scalar(lk_simd_ops *ops);

/* The x86-64 hook (src/simd/x86/dispatch_x86.c, only with LK_ARCH_X86_64). */
/* Highest level this CPU and OS support. */
int lki_simd_detect_x86(void);
/* Replaces the slots of a scalar-filled ops with the versions of each level
 * up to level, in ascending order; level <= lki_simd_detect_x86(). */
void lki_simd_fill_x86(lk_simd_ops *ops, int level);
/* Fill ops with the versions of one level, over the slots of the level
 * below (callers check the CPU first).  vpopcnt: 1 to use the VPOPCNTDQ
 * Hamming kernels. */
void lki_simd_fill_avx2(lk_simd_ops *ops);
void lki_simd_fill_avx512(lk_simd_ops *ops, int vpopcnt);

#endif
