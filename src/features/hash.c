/*
 * hash.c — text forms of the hashes and Hamming distances.
 *
 * The 256-bit hex form is the PDQ reference's: sixteen 16-bit words, the
 * most significant (bits 240..255) first.  With bit i stored at
 * w[i / 64] bit i % 64, that is w[3], w[2], w[1], w[0], each as 16 hex
 * digits.  64-bit hashes print bit 63 first.  Output is lowercase; input
 * accepts either case and must be exactly the right number of digits.
 */
#include "common/common.h"
#include "common/hex.h"
#include "likeness/features.h"

/* Writes v as 16 lowercase hex digits, bit 63 first, and a NUL. */
static void put_hex64(uint64_t v, char out[17])
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(v >> (56 - 8 * i));
    lki_hex_encode(be, 8, out);
}

/* Parses exactly 16 hex digits at s into *out; 0 or LK_EINVAL. */
static int get_hex64(const char *s, uint64_t *out)
{
    uint8_t be[8];
    LK_TRY(lki_hex_decode(s, 8, be));
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | be[i];
    *out = v;
    return 0;
}

LK_API void lk_hash256_to_hex(const lk_hash256 *h, char hex[65])
{
    for (int k = 0; k < 4; k++)
        put_hex64(h->w[3 - k], hex + 16 * k); /* each NUL overwritten by the next */
}

LK_API int lk_hash256_from_hex(const char *hex, lk_hash256 *out)
{
    lk_hash256 h;
    if (!hex || !out)
        return LK_EINVAL;
    for (int k = 0; k < 4; k++) {
        if (get_hex64(hex + 16 * k, &h.w[3 - k]) < 0)
            return LK_EINVAL;
    }
    if (hex[64] != '\0')
        return LK_EINVAL;
    *out = h;
    return 0;
}

LK_API void lk_hash64_to_hex(uint64_t h, char hex[17])
{
    put_hex64(h, hex);
}

LK_API int lk_hash64_from_hex(const char *hex, uint64_t *out)
{
    uint64_t v;
    if (!hex || !out || get_hex64(hex, &v) < 0 || hex[16] != '\0')
        return LK_EINVAL;
    *out = v;
    return 0;
}

LK_API int lk_hamming256(const lk_hash256 *a, const lk_hash256 *b)
{
    return __builtin_popcountll(a->w[0] ^ b->w[0]) + __builtin_popcountll(a->w[1] ^ b->w[1]) +
           __builtin_popcountll(a->w[2] ^ b->w[2]) + __builtin_popcountll(a->w[3] ^ b->w[3]);
}

LK_API int lk_hamming64(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}
