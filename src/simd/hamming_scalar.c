/*
 * hamming_scalar.c — scalar reference for batched Hamming distances between
 * 256-bit (4 x uint64) and 64-bit hashes.
 */
#include "simd/simd_internal.h"

void lki_ham256_1xn_scalar(const uint64_t *q, const uint64_t *db, size_t n, uint16_t *out)
{
    for (size_t i = 0; i < n; i++) {
        const uint64_t *h = db + 4 * i;
        out[i] = (uint16_t)(__builtin_popcountll(q[0] ^ h[0]) + __builtin_popcountll(q[1] ^ h[1]) +
                            __builtin_popcountll(q[2] ^ h[2]) + __builtin_popcountll(q[3] ^ h[3]));
    }
}

void lki_ham256_mxn_scalar(const uint64_t *q, size_t m, const uint64_t *db, size_t n,
                          uint16_t *out)
{
    for (size_t i = 0; i < m; i++)
        lki_ham256_1xn_scalar(q + 4 * i, db, n, out + i * n);
}

void lki_ham64_1xn_scalar(uint64_t q, const uint64_t *db, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)__builtin_popcountll(q ^ db[i]);
}
