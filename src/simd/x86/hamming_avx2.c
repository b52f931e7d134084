/*
 * hamming_avx2.c — AVX2 batched Hamming distances: XOR, per-byte popcount
 * through a pshufb nibble table, vpsadbw to per-word counts, then a short
 * reduction that packs several hashes' counts into one vector.
 *
 * Invariant: results equal hamming_scalar.c for any n (tails done with the
 * scalar popcount) and any alignment (unaligned loads only).
 */
#include <immintrin.h>
#include "simd/simd_internal.h"

/* Popcount of every byte of v. */
static inline __m256i popcnt_bytes(__m256i v)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                                         2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_and_si256(v, low);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

/* Popcount of each 64-bit word of q ^ *p (4 words, each count <= 64). */
static inline __m256i pop_words(__m256i q, const uint64_t *p)
{
    __m256i x = _mm256_xor_si256(q, _mm256_loadu_si256((const __m256i *)p));
    return _mm256_sad_epu8(popcnt_bytes(x), _mm256_setzero_si256());
}

/* Per-word counts of hashes a,b in one vector: a in low, b in high dwords. */
static inline __m256i pair(__m256i a, __m256i b)
{
    return _mm256_or_si256(a, _mm256_slli_epi64(b, 32));
}

/* Distances of q to the 8 hashes at h, as 8 uint16 in the returned xmm. */
static inline __m128i ham256_8(__m256i q, const uint64_t *h)
{
    __m256i p0 = pair(pop_words(q, h), pop_words(q, h + 4));
    __m256i p1 = pair(pop_words(q, h + 8), pop_words(q, h + 12));
    __m256i p2 = pair(pop_words(q, h + 16), pop_words(q, h + 20));
    __m256i p3 = pair(pop_words(q, h + 24), pop_words(q, h + 28));
    /* words 0+1 and 2+3 of each hash: [a|b, c|d] per 128-bit lane */
    __m256i t1 = _mm256_add_epi64(_mm256_unpacklo_epi64(p0, p1), _mm256_unpackhi_epi64(p0, p1));
    __m256i t2 = _mm256_add_epi64(_mm256_unpacklo_epi64(p2, p3), _mm256_unpackhi_epi64(p2, p3));
    /* the two lanes: dwords are now the 8 totals in order */
    __m256i x = _mm256_add_epi32(_mm256_permute2x128_si256(t1, t2, 0x20),
                                 _mm256_permute2x128_si256(t1, t2, 0x31));
    return _mm_packus_epi32(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
}

static inline uint16_t ham256_1(const uint64_t *q, const uint64_t *h)
{
    return (uint16_t)(_mm_popcnt_u64(q[0] ^ h[0]) + _mm_popcnt_u64(q[1] ^ h[1]) +
                      _mm_popcnt_u64(q[2] ^ h[2]) + _mm_popcnt_u64(q[3] ^ h[3]));
}

void lki_ham256_1xn_avx2(const uint64_t *q, const uint64_t *db, size_t n, uint16_t *out)
{
    __m256i vq = _mm256_loadu_si256((const __m256i *)q);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(out + i), ham256_8(vq, db + 4 * i));
    for (; i < n; i++)
        out[i] = ham256_1(q, db + 4 * i);
}

/* db hashes per tile (32 KiB): a tile stays in L1/L2 while every query
 * passes over it, so the db is read from memory once per call. */
#define HAM_TILE 1024

void lki_ham256_mxn_avx2(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                        uint16_t *out)
{
    for (size_t j = 0; j < n; j += HAM_TILE) {
        size_t bn = n - j < HAM_TILE ? n - j : HAM_TILE;
        for (size_t i = 0; i < m; i++)
            lki_ham256_1xn_avx2(q + 4 * i, db + 4 * j, bn, out + i * n + j);
    }
}

/*
 * 32 64-bit distances: vector v (0..7) holds hashes 4v..4v+3, one count per
 * qword; shifting v's counts to byte v of each qword and merging leaves
 * qword k byte v = hash 4v+k, which two byte shuffles and a qword permute
 * put in order.
 */
static inline __m256i ham64_32(__m256i q, const uint64_t *h)
{
    __m256i acc = pop_words(q, h);
    for (int v = 1; v < 8; v++) {
        __m256i c = pop_words(q, h + 4 * v);
        acc = _mm256_or_si256(acc, _mm256_sll_epi64(c, _mm_cvtsi32_si128(8 * v)));
    }
    /* per lane: word b = [byte b of qword 0, byte b of qword 1] */
    const __m256i s1 = _mm256_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15, 0, 8,
                                        1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
    const __m256i s2 = _mm256_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15, 0, 1,
                                        8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15);
    acc = _mm256_shuffle_epi8(acc, s1);
    acc = _mm256_permute4x64_epi64(acc, _MM_SHUFFLE(3, 1, 2, 0));
    return _mm256_shuffle_epi8(acc, s2);
}

void lki_ham64_1xn_avx2(uint64_t q, const uint64_t *db, size_t n, uint8_t *out)
{
    __m256i vq = _mm256_set1_epi64x((long long)q);
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        _mm256_storeu_si256((__m256i *)(out + i), ham64_32(vq, db + i));
    for (; i < n; i++)
        out[i] = (uint8_t)_mm_popcnt_u64(q ^ db[i]);
}
