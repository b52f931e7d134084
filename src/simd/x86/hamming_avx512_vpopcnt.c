/*
 * hamming_avx512_vpopcnt.c — AVX-512 Hamming kernels using VPOPCNTDQ
 * (vpopcntq); only called when the CPU reports avx512vpopcntdq.  Built with
 * the extra -mavx512vpopcntdq flag by the Makefile's `_vpopcnt.c` rule.  The
 * kernels themselves are in hamming_avx512_tmpl.h.
 */
#include <immintrin.h>

#define HAM_POPCNT_WORDS(v) _mm512_popcnt_epi64(v)
#define HAM_NAME(x) lki_##x##_avx512_vpopcnt
#include "simd/x86/hamming_avx512_tmpl.h"
