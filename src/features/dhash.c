/*
 * dhash.c — the 64-bit horizontal difference hash (dHash) in the
 * convention of Python's imagehash.dhash.
 *
 * The luma is reduced to 9 wide x 8 high by area averaging (from the
 * 32-row vertical reduction shared with pHash) and rounded to whole grey
 * levels as PIL's 8-bit output is, so flat areas give 0 bits; bit k (row
 * y = k / 8, column x = k % 8, row-major) is pixel[y][x+1] > pixel[y][x],
 * and k = 0 is the most significant bit (bit 63), so the 16-digit hex form
 * equals imagehash's str(hash).  Like pHash it differs from imagehash's
 * PIL resampling by a few bits at most on typical pictures.
 */
#include "features/features_internal.h"

#define DHASH_W 9
#define DHASH_H 8

uint64_t lki_dhash_from_rows(const float *rows, float *tmp, int w)
{
    float small[DHASH_W * DHASH_H];
    uint64_t hash = 0;
    int k = 0;

    /* Each of the 8 output rows covers exactly 4 of the 32 input rows, so
     * their plain mean is the area average over the picture's height. */
    for (int y = 0; y < DHASH_H; y++) {
        const float *r = rows + (size_t)(4 * y) * (size_t)w;
        float *d = tmp + (size_t)y * (size_t)w;
        for (int x = 0; x < w; x++)
            d[x] = ((r[x] + r[x + (size_t)w]) + (r[x + 2 * (size_t)w] + r[x + 3 * (size_t)w])) * 0.25f;
    }
    lki_reduce_horizontal(tmp, w, DHASH_H, small, DHASH_W);
    lki_round_levels(small, DHASH_W * DHASH_H); /* flat areas compare equal */
    for (int y = 0; y < DHASH_H; y++) {
        const float *r = small + y * DHASH_W;
        for (int x = 0; x < DHASH_W - 1; x++, k++) {
            if (r[x + 1] > r[x])
                hash |= 1ull << (63 - k);
        }
    }
    return hash;
}
