/*
 * checksum.c — the 64-bit checksum of catalog blobs and segment files.
 *
 * Not cryptographic: it detects accidental damage (flipped bits, cut or
 * moved data).  Four independent lanes of multiply-rotate mixing over
 * little-endian 64-bit words (so it runs near memory speed), a tail of
 * single bytes, then the lanes and the length are folded and avalanched
 * (the murmur3 64-bit finaliser).  The value is part of the file formats:
 * never change it without bumping LK_INDEX_FORMAT_VERSION.
 */
#include <string.h>
#include "catalog/catalog_internal.h"

#define P1 0x9e3779b185ebca87ULL
#define P2 0xc2b2ae3d27d4eb4fULL
#define P3 0x165667b19e3779f9ULL

static inline uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t lane(uint64_t h, uint64_t v)
{
    h += v * P2;
    return rotl(h, 31) * P1;
}

static uint64_t fmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t lki_checksum64(const void *data, size_t n, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t a = seed + P1 + P2, b = seed + P2, c = seed, d = seed - P1;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a = lane(a, rd64(p + i));
        b = lane(b, rd64(p + i + 8));
        c = lane(c, rd64(p + i + 16));
        d = lane(d, rd64(p + i + 24));
    }
    uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18) + (uint64_t)n;
    for (; i + 8 <= n; i += 8)
        h = rotl(h ^ lane(0, rd64(p + i)), 27) * P1 + P3;
    for (; i < n; i++)
        h = rotl(h ^ (p[i] * P3), 11) * P1;
    return fmix(h);
}

uint64_t lki_blob_checksum(const void *blob, size_t n_entries, int64_t row)
{
    uint64_t seed = fmix((uint64_t)row * P3 + (uint64_t)n_entries);
    return lki_checksum64(blob, n_entries * LK_REC_BYTES, seed);
}
