/*
 * hamming_avx512_tmpl.h — the AVX-512 Hamming kernels, written once and
 * included by hamming_avx512.c (AVX-512BW popcount: pshufb nibble table +
 * vpsadbw) and hamming_avx512_vpopcnt.c (VPOPCNTDQ), each of which defines
 *   HAM_POPCNT_WORDS(v)  popcount of each 64-bit lane of v (__m512i)
 *   HAM_NAME(x)          the public name of kernel x for that file
 * before including it.  The two files are compiled with different -m flags,
 * so vpopcntq can only appear in the second.
 *
 * Invariant: results equal hamming_scalar.c for any n (masked tails) and any
 * alignment (unaligned loads only).
 */
#include <immintrin.h>
#include "simd/simd_internal.h"

/* Mask of the first n (0..8) 64-bit lanes. */
static inline __mmask8 lanes8(size_t n)
{
    return n >= 8 ? (__mmask8)0xff : (__mmask8)((1u << n) - 1u);
}

/* Per-word counts of q ^ (the 2 hashes at h), first `words` words loaded. */
static inline __m512i pop_words(__m512i q, const uint64_t *h, size_t words)
{
    return HAM_POPCNT_WORDS(_mm512_xor_si512(q, _mm512_maskz_loadu_epi64(lanes8(words), h)));
}

/*
 * Distances of q to 8 hashes (32 words at h, only `words` of them loaded) as
 * 8 uint16 in an xmm.  Vector a holds hashes 2a and 2a+1; pairing a and a+1
 * in dword halves, summing qword pairs, then 128-bit lane pairs leaves the
 * totals of hashes 0,2,4,6 in lane 0 and 1,3,5,7 in lane 2.
 */
static inline __m128i ham256_8(__m512i q, const uint64_t *h, size_t words)
{
    __m512i a = pop_words(q, h, words);
    __m512i b = pop_words(q, h + 8, words > 8 ? words - 8 : 0);
    __m512i c = pop_words(q, h + 16, words > 16 ? words - 16 : 0);
    __m512i d = pop_words(q, h + 24, words > 24 ? words - 24 : 0);
    __m512i p = _mm512_or_si512(a, _mm512_slli_epi64(b, 32));
    __m512i r = _mm512_or_si512(c, _mm512_slli_epi64(d, 32));
    __m512i t = _mm512_add_epi64(_mm512_unpacklo_epi64(p, r), _mm512_unpackhi_epi64(p, r));
    t = _mm512_add_epi64(t, _mm512_shuffle_i64x2(t, t, _MM_SHUFFLE(2, 3, 0, 1)));
    const __m512i idx = _mm512_set_epi16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                         0, 0, 0, 0, 0, 22, 6, 20, 4, 18, 2, 16, 0);
    return _mm512_castsi512_si128(_mm512_permutexvar_epi16(idx, t));
}

void HAM_NAME(ham256_1xn)(const uint64_t *q, const uint64_t *db, size_t n, uint16_t *out)
{
    __m512i vq = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)q));
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(out + i), ham256_8(vq, db + 4 * i, 32));
    if (i < n) {
        __m128i d = ham256_8(vq, db + 4 * i, 4 * (n - i));
        _mm_mask_storeu_epi16(out + i, (__mmask8)((1u << (n - i)) - 1u), d);
    }
}

/*
 * Many-vs-many, cache-blocked: the db is cut into tiles of HAM_TILE hashes
 * (32 KiB) and each tile is copied into a plane layout: for each group of 8
 * hashes, word k of the 8 hashes is one vector (plane k).  Every query then
 * passes over the tile while it sits in L1: per 8 hashes 4 XORs and 4
 * popcounts against broadcast query words and 3 adds give the 8 distances
 * with no horizontal reduction.  Few queries use the 1xn kernel instead.
 */
#define HAM_TILE 1024
#define HAM_PLANES_MIN_M 4

/* Copies bn (1..HAM_TILE) hashes into planes, zero-padding the last group. */
static void tile_to_planes(const uint64_t *db, size_t bn, uint64_t *pl)
{
    size_t groups = (bn + 7) / 8;
    for (size_t g = 0; g < groups; g++)
        for (size_t k = 0; k < 4; k++)
            for (size_t h = 0; h < 8; h++) {
                size_t j = 8 * g + h;
                pl[(4 * g + k) * 8 + h] = j < bn ? db[4 * j + k] : 0;
            }
}

/* Distances of the broadcast query words qk to the 8 hashes of one group. */
static inline __m512i group_dist(const __m512i qk[4], const uint64_t *grp)
{
    __m512i s = HAM_POPCNT_WORDS(_mm512_xor_si512(qk[0], _mm512_load_si512(grp)));
    for (int k = 1; k < 4; k++)
        s = _mm512_add_epi64(
            s, HAM_POPCNT_WORDS(_mm512_xor_si512(qk[k], _mm512_load_si512(grp + 8 * k))));
    return s;
}

/* One query against a tile of bn hashes in planes. */
static void query_tile(const uint64_t *q, const uint64_t *pl, size_t bn, uint16_t *out)
{
    const __m512i qk[4] = {_mm512_set1_epi64((long long)q[0]), _mm512_set1_epi64((long long)q[1]),
                           _mm512_set1_epi64((long long)q[2]), _mm512_set1_epi64((long long)q[3])};
    /* words 0,4,..,28 of a then of b: the 16 low words of 16 qword distances */
    const __m512i idx = _mm512_set_epi16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 56,
                                         52, 48, 44, 40, 36, 32, 28, 24, 20, 16, 12, 8, 4, 0);
    size_t j = 0;
    for (; j + 16 <= bn; j += 16) {
        __m512i a = group_dist(qk, pl + 4 * j), b = group_dist(qk, pl + 4 * j + 32);
        __m512i w = _mm512_permutex2var_epi16(a, idx, b);
        _mm256_storeu_si256((__m256i *)(out + j), _mm512_castsi512_si256(w));
    }
    for (; j < bn; j += 8)
        _mm512_mask_cvtepi64_storeu_epi16(out + j, lanes8(bn - j), group_dist(qk, pl + 4 * j));
}

void HAM_NAME(ham256_mxn)(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                          uint16_t *out)
{
    uint64_t pl[4 * HAM_TILE] __attribute__((aligned(64)));
    for (size_t j = 0; j < n; j += HAM_TILE) {
        size_t bn = n - j < HAM_TILE ? n - j : HAM_TILE;
        if (m < HAM_PLANES_MIN_M) {
            for (size_t i = 0; i < m; i++)
                HAM_NAME(ham256_1xn)(q + 4 * i, db + 4 * j, bn, out + i * n + j);
            continue;
        }
        tile_to_planes(db + 4 * j, bn, pl);
        for (size_t i = 0; i < m; i++)
            query_tile(q + 4 * i, pl, bn, out + i * n + j);
    }
}

void HAM_NAME(ham64_1xn)(uint64_t q, const uint64_t *db, size_t n, uint8_t *out)
{
    __m512i vq = _mm512_set1_epi64((long long)q);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i lo = _mm512_cvtepi64_epi8(pop_words(vq, db + i, 8));
        __m128i hi = _mm512_cvtepi64_epi8(pop_words(vq, db + i + 8, 8));
        _mm_storeu_si128((__m128i *)(out + i), _mm_unpacklo_epi64(lo, hi));
    }
    for (; i < n; i += 8)
        _mm512_mask_cvtepi64_storeu_epi8(out + i, lanes8(n - i), pop_words(vq, db + i, n - i));
}
