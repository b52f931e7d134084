/*
 * dispatch.c — builds the kernel table once: scalar references first, then
 * wider versions in ascending order where the CPU, the OS (XSAVE state, as
 * checked by __builtin_cpu_supports) and LIKENESS_SIMD allow.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "simd/simd_internal.h"

void lki_simd_fill_scalar(lk_simd_ops *ops)
{
    ops->level = LK_SIMD_SCALAR;
    ops->name = "scalar";
    ops->luma_rgb24 = lki_luma_rgb24_scalar;
    ops->box_rows = lki_box_rows_scalar;
    ops->box_cols = lki_box_cols_scalar;
    ops->matmul = lki_matmul_scalar;
    ops->ham256_1xn = lki_ham256_1xn_scalar;
    ops->ham256_mxn = lki_ham256_mxn_scalar;
    ops->ham64_1xn = lki_ham64_1xn_scalar;
    ops->style_quant_rgb24 = lki_style_quant_rgb24_scalar;
    ops->style_edge_row = lki_style_edge_row_scalar;
}

void lki_simd_fill_avx2(lk_simd_ops *ops)
{
    ops->level = LK_SIMD_AVX2;
    ops->name = "avx2";
    ops->luma_rgb24 = lki_luma_rgb24_avx2;
    ops->box_rows = lki_box_rows_avx2;
    ops->box_cols = lki_box_cols_avx2;
    ops->matmul = lki_matmul_avx2;
    ops->ham256_1xn = lki_ham256_1xn_avx2;
    ops->ham256_mxn = lki_ham256_mxn_avx2;
    ops->ham64_1xn = lki_ham64_1xn_avx2;
    lki_simd_fill_style_avx2(ops);
}

void lki_simd_fill_avx512(lk_simd_ops *ops, int vpopcnt)
{
    ops->level = LK_SIMD_AVX512;
    ops->name = vpopcnt ? "avx512+vpopcntdq" : "avx512";
    ops->luma_rgb24 = lki_luma_rgb24_avx512;
    ops->box_rows = lki_box_rows_avx512;
    ops->box_cols = lki_box_cols_avx512;
    ops->matmul = lki_matmul_avx512;
    ops->ham256_1xn = vpopcnt ? lki_ham256_1xn_avx512_vpopcnt : lki_ham256_1xn_avx512;
    ops->ham256_mxn = vpopcnt ? lki_ham256_mxn_avx512_vpopcnt : lki_ham256_mxn_avx512;
    ops->ham64_1xn = vpopcnt ? lki_ham64_1xn_avx512_vpopcnt : lki_ham64_1xn_avx512;
}

/* 1 when the CPU has AVX-512 VPOPCNTDQ (only asked once AVX-512 is known). */
static int has_vpopcntdq(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vpopcntdq") ? 1 : 0;
#else
    return 0;
#endif
}

LK_API int lk_simd_detect(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return LK_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
        return LK_SIMD_AVX2;
#endif
    return LK_SIMD_SCALAR;
}

LK_API int lk_simd_ops_for(int level, lk_simd_ops *out)
{
    if (level < LK_SIMD_SCALAR || level > LK_SIMD_AVX512)
        return LK_EINVAL;
    if (level > lk_simd_detect())
        return LK_ENOTSUP;
    memset(out, 0, sizeof *out);
    lki_simd_fill_scalar(out);
    if (level >= LK_SIMD_AVX2)
        lki_simd_fill_avx2(out);
    if (level >= LK_SIMD_AVX512)
        lki_simd_fill_avx512(out, has_vpopcntdq());
    return 0;
}

/* The cap named by LIKENESS_SIMD, or the highest level if unset/unknown. */
static int env_cap(void)
{
    const char *s = getenv("LIKENESS_SIMD");
    if (!s || !*s)
        return LK_SIMD_AVX512;
    if (!strcmp(s, "scalar"))
        return LK_SIMD_SCALAR;
    if (!strcmp(s, "avx2"))
        return LK_SIMD_AVX2;
    return LK_SIMD_AVX512;
}

static pthread_once_t ops_once = PTHREAD_ONCE_INIT;
static lk_simd_ops ops_table; /* written once under ops_once, then read-only */

static void ops_build(void)
{
    int level = lk_simd_detect();
    int cap = env_cap();
    if (level > cap)
        level = cap;
    lk_simd_ops_for(level, &ops_table);
}

LK_API const lk_simd_ops *lk_simd_ops_get(void)
{
    pthread_once(&ops_once, ops_build);
    return &ops_table;
}
