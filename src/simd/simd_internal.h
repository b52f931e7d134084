/*
 * simd_internal.h — declarations of every kernel version, for dispatch.c
 * and the equivalence tests.  <kernel>_scalar.c holds the reference; the
 * _avx2 and _avx512 files are compiled with their own -m flags and may only
 * be called after dispatch has checked the CPU.
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
/* Puts the AVX2 style kernels into ops (style_avx2.c). */
void lki_simd_fill_style_avx2(lk_simd_ops *ops);

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

/* Fill ops with the versions of one level, over the slots of the level
 * below (defined in dispatch.c; callers check the CPU first). */
void lki_simd_fill_scalar(lk_simd_ops *ops);
void lki_simd_fill_avx2(lk_simd_ops *ops);
/* vpopcnt: 1 to use the VPOPCNTDQ Hamming kernels. */
void lki_simd_fill_avx512(lk_simd_ops *ops, int vpopcnt);

#endif
