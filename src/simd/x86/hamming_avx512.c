/*
 * hamming_avx512.c — AVX-512BW Hamming kernels for CPUs without VPOPCNTDQ:
 * per-byte popcount through a pshufb nibble table, vpsadbw to per-word
 * counts.  The kernels themselves are in hamming_avx512_tmpl.h.
 */
#include <immintrin.h>

/* Popcount of each 64-bit lane of v (AVX-512BW only). */
static inline __m512i popcnt_words_bw(__m512i v)
{
    const __m512i lut = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
    const __m512i low = _mm512_set1_epi8(0x0f);
    __m512i lo = _mm512_and_si512(v, low);
    __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low);
    __m512i c = _mm512_add_epi8(_mm512_shuffle_epi8(lut, lo), _mm512_shuffle_epi8(lut, hi));
    return _mm512_sad_epu8(c, _mm512_setzero_si512());
}

#define HAM_POPCNT_WORDS(v) popcnt_words_bw(v)
#define HAM_NAME(x) lki_##x##_avx512
#include "simd/x86/hamming_avx512_tmpl.h"
