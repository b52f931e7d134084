/*
 * checksum.c — the 64-bit checksum of catalog blobs and segment files:
 * XXH3-64 (Debian's libxxhash), seeded.
 *
 * Not cryptographic: it detects accidental damage (flipped bits, cut or
 * moved data) at memory speed.  XXH3's value is defined the same on every
 * host and stable across xxHash releases since 0.8.0.  The value is part
 * of the file formats: changing it needs a new LK_INDEX_FORMAT_VERSION
 * (format 4 replaced our own multiply-rotate mixer by XXH3).
 */
#include <xxhash.h>
#include "catalog/catalog_internal.h"

uint64_t lki_checksum64(const void *data, size_t n, uint64_t seed)
{
    return XXH3_64bits_withSeed(data, n, seed);
}

/* The seed binds the blob to its row and entry count: a blob moved to
 * another row, or a count changed beside it, no longer verifies. */
uint64_t lki_blob_checksum(const void *blob, size_t n_entries, int64_t row)
{
    uint8_t key[16];
    uint64_t r = (uint64_t)row, n = (uint64_t)n_entries;
    for (int i = 0; i < 8; i++) {
        key[i] = (uint8_t)(r >> (8 * i));
        key[8 + i] = (uint8_t)(n >> (8 * i));
    }
    return XXH3_64bits_withSeed(blob, n_entries * LK_REC_BYTES, XXH3_64bits(key, sizeof key));
}
