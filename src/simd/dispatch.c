/*
 * dispatch.c — builds the kernel table once, the same way on every
 * architecture: every slot first gets its scalar reference, then the
 * target's own hook (src/simd/<arch>/dispatch_<arch>.c, built only for that
 * target) replaces slots in ascending order up to the level that the CPU,
 * the OS and LIKENESS_SIMD allow.  A target without a hook (anything but
 * x86-64 today) runs the scalar table.
 *
 * Invariant: this file names no instruction-set kernel; the only
 * architecture-specific symbols it uses are the hooks, and only when the
 * Makefile built them (LK_ARCH_X86_64).
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
    lki_simd_fill_local_scalar(ops);
}

LK_API int lk_simd_detect(void)
{
#if LK_ARCH_X86_64
    return lki_simd_detect_x86();
#else
    return LK_SIMD_SCALAR;
#endif
}

LK_API int lk_simd_ops_for(int level, lk_simd_ops *out)
{
    if (level < LK_SIMD_SCALAR || level > LK_SIMD_AVX512)
        return LK_EINVAL;
    if (level > lk_simd_detect())
        return LK_ENOTSUP;
    memset(out, 0, sizeof *out);
    lki_simd_fill_scalar(out);
#if LK_ARCH_X86_64
    lki_simd_fill_x86(out, level);
#endif
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
