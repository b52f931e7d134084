/*
 * dispatch_x86.c — the x86-64 hook of dispatch.c: detects the CPU (cpuid and
 * the OS's XSAVE state, as __builtin_cpu_supports checks them) and fills the
 * kernel table with the AVX2 and then the AVX-512 versions of every kernel,
 * the style kernels included, over the scalar ones.
 *
 * Built without -m flags (the name ends in neither _avx2 nor _avx512), so
 * nothing here runs an instruction the CPU may lack; the kernels it names
 * are only stored, and called once detection has allowed their level.  The
 * Makefile builds this folder only when the compiler targets x86-64.
 */
#ifndef __x86_64__
#error "src/simd/x86/ is for x86-64 targets only (the Makefile picks it by $(CC) -dumpmachine)"
#endif
#include "simd/simd_internal.h"

/* 1 when the CPU has AVX-512 VPOPCNTDQ (only asked once AVX-512 is known). */
static int has_vpopcntdq(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vpopcntdq") ? 1 : 0;
}

int lki_simd_detect_x86(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return LK_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
        return LK_SIMD_AVX2;
    return LK_SIMD_SCALAR;
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
    ops->style_quant_rgb24 = lki_style_quant_rgb24_avx2;
    ops->style_edge_row = lki_style_edge_row_avx2;
    lki_simd_fill_local_avx2(ops);
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
    lki_simd_fill_local_avx512(ops);
}

void lki_simd_fill_x86(lk_simd_ops *ops, int level)
{
    if (level >= LK_SIMD_AVX2)
        lki_simd_fill_avx2(ops);
    if (level >= LK_SIMD_AVX512)
        lki_simd_fill_avx512(ops, has_vpopcntdq());
}
