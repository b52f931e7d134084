/*
 * test_hashes.c — pHash and dHash: known answers derived by hand, the
 * area-average reduction, robustness to mild blur, rescaling and brightness
 * offsets against large distances to unrelated pictures (seeded synthetic
 * pictures), agreement across SIMD levels and requested-flag isolation.
 */
#include <math.h>
#include "likeness/features.h"
#include "likeness/simd.h"
#include "features/features_internal.h"
#include "test.h"

#define W 256
#define H 192

/* A seeded random grey picture: 30 overlapping discs of random grey on a
 * random background, plus a little noise (a broad, natural-like spectrum). */
static void make_picture(uint64_t seed, uint8_t *px, int w, int h)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    int cx[30], cy[30], r2[30], grey[30];
    for (int k = 0; k < 30; k++) {
        int r = 8 + (int)(t_rand(&s) % 40);
        cx[k] = (int)(t_rand(&s) % (uint64_t)w);
        cy[k] = (int)(t_rand(&s) % (uint64_t)h);
        r2[k] = r * r;
        grey[k] = (int)(t_rand(&s) % 256);
    }
    int bg = (int)(t_rand(&s) % 256);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int v = bg;
            for (int k = 0; k < 30; k++)
                if ((x - cx[k]) * (x - cx[k]) + (y - cy[k]) * (y - cy[k]) < r2[k])
                    v = grey[k];
            v += (int)(t_rand(&s) % 5) - 2;
            px[y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

static int clampi(int v, int n)
{
    return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/* 3x3 box blur with clamped edges. */
static void blur(const uint8_t *in, uint8_t *out, int w, int h)
{
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int sum = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = clampi(y + dy, h), xx = clampi(x + dx, w);
                    sum += in[yy * w + xx];
                }
            out[y * w + x] = (uint8_t)((sum + 4) / 9);
        }
    }
}

static lk_features features_of(lk_hasher *h, const uint8_t *px, int w, int hgt, unsigned what)
{
    lk_features f;
    lk_image img = {px, w, hgt, w, LK_PIX_GRAY8};
    CHECK_INT(lk_hasher_compute(h, &img, what, &f), 0);
    return f;
}

/* Left-to-right increasing: every pair increases, so all 64 dHash bits
 * are 1; the mirror decreases everywhere, so all are 0. */
static void test_dhash_gradient(lk_hasher *h)
{
    static uint8_t up[90 * 40 * 3], down[90 * 40 * 3];
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 90; x++)
            for (int c = 0; c < 3; c++) {
                up[(y * 90 + x) * 3 + c] = (uint8_t)(20 + 2 * x);
                down[(y * 90 + x) * 3 + c] = (uint8_t)(20 + 2 * (89 - x));
            }
    lk_image a = {up, 90, 40, 270, LK_PIX_RGB24}, b = {down, 90, 40, 270, LK_PIX_RGB24};
    lk_features f;
    CHECK_INT(lk_hasher_compute(h, &a, LK_FEAT_DHASH, &f), 0);
    CHECK(f.dhash == ~0ull);
    CHECK_INT(lk_hasher_compute(h, &b, LK_FEAT_DHASH, &f), 0);
    CHECK(f.dhash == 0);

    /* Only the top half increasing: rows 0..3 all ones, rows 4..7 zero
     * (flat rows never compare greater), i.e. 0xffffffff00000000. */
    static uint8_t half[90 * 80];
    for (int y = 0; y < 80; y++)
        for (int x = 0; x < 90; x++)
            half[y * 90 + x] = (uint8_t)(y < 40 ? 10 + 2 * x : 100);
    f = features_of(h, half, 90, 80, LK_FEAT_DHASH);
    CHECK(f.dhash == 0xffffffff00000000ull);
}

/*
 * pHash by hand.  A 64x64 picture bright (200) on the left half and dark
 * (40) on the right reduces exactly to 32x32 columns 0..15 = 200, 16..31 =
 * 40.  It varies only along x, so only the first row of the 8x8 DCT block
 * (vertical frequency 0) is non-zero, up to float noise: B[0][u] is
 * proportional to sum over x < 16 of cos(pi*u*(2x+1)/64) =
 * sin(pi*u/2) / (2 sin(pi*u/64)): positive for u = 1, 5, negative for
 * u = 3, 7, zero for even u; the DC term is large and positive.  With two
 * large negatives and 59 near-zero values below the median position, the
 * median is at the noise level, so bits 63 (DC), 62 (u=1) and 58 (u=5)
 * are set and 60 (u=3), 56 (u=7) clear.  The mirror flips the sign of the
 * odd u.  The same step along y moves these to the first column:
 * bits 63, 55 (v=1), 23 (v=5) set, 39 (v=3), 7 (v=7) clear.
 */
static void test_phash_step(lk_hasher *h)
{
    static uint8_t px[64 * 64];
    const uint64_t b = 1;
    for (int mode = 0; mode < 3; mode++) {
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++) {
                int left = mode == 2 ? y < 32 : (x < 32) == (mode == 0);
                px[y * 64 + x] = left ? 200 : 40;
            }
        uint64_t f = features_of(h, px, 64, 64, LK_FEAT_PHASH).phash;
        uint64_t set, clear;
        if (mode == 0) {
            set = b << 63 | b << 62 | b << 58;
            clear = b << 60 | b << 56;
        } else if (mode == 1) {
            set = b << 63 | b << 60 | b << 56;
            clear = b << 62 | b << 58;
        } else {
            set = b << 63 | b << 55 | b << 23;
            clear = b << 39 | b << 7;
        }
        CHECK((f & set) == set);
        CHECK((f & clear) == 0);
    }
}

/* Flat pictures, any size: every AC term is exactly zero and neighbours
 * are equal, so pHash is only the DC bit (none when black) and dHash 0,
 * as imagehash gives on 8-bit pixels. */
static void test_flat(lk_hasher *h)
{
    static uint8_t px[333 * 77 * 3];
    const int sizes[][2] = {{333, 77}, {100, 37}, {7, 5}, {1, 1}, {64, 64}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (int grey = 0; grey <= 200; grey += 200) {
            memset(px, grey, sizeof px);
            lk_image img = {px, sizes[k][0], sizes[k][1], sizes[k][0] * 3, LK_PIX_RGB24};
            lk_features f;
            CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_PHASH | LK_FEAT_DHASH, &f), 0);
            CHECK(f.phash == (grey ? 0x8000000000000000ull : 0));
            CHECK(f.dhash == 0);
        }
    }
}

/* Area averaging: exact block means when the size divides, a mean that
 * keeps the total when it does not, and enlarging replicates pixels. */
static void test_area_reduce(void)
{
    float in[12 * 6], tmp[32 * 12], out[32 * 32];
    for (int i = 0; i < 12 * 6; i++)
        in[i] = (float)i;
    lki_area_reduce(in, 12, 6, tmp, out, 4, 3);
    /* block (0,0): rows 0-1, cols 0-2: (0+1+2+12+13+14)/6 = 7 */
    CHECK(out[0] == 7.0f);
    CHECK(out[3] == (9.0f + 10 + 11 + 21 + 22 + 23) / 6.0f);
    CHECK(out[4 * 2 + 1] == (51.0f + 52 + 53 + 63 + 64 + 65) / 6.0f);

    float two[2] = {10.0f, 30.0f};
    lki_area_reduce(two, 2, 1, tmp, out, 3, 1); /* thirds: 10, 20, 30 */
    CHECK(fabsf(out[0] - 10.0f) < 1e-5f && fabsf(out[1] - 20.0f) < 1e-5f &&
          fabsf(out[2] - 30.0f) < 1e-5f);
    float one = 77.0f;
    lki_area_reduce(&one, 1, 1, tmp, out, 32, 32);
    int same = 1;
    for (int i = 0; i < 32 * 32; i++)
        same &= out[i] == 77.0f;
    CHECK(same);
}

/* Near copies are close, unrelated pictures far, for several seeds. */
static void test_robustness(lk_hasher *h)
{
    static uint8_t a[W * H], b[W * H], c[W * H], half[(W / 2) * (H / 2)];
    const unsigned what = LK_FEAT_PHASH | LK_FEAT_DHASH | LK_FEAT_PDQ;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        make_picture(seed, a, W, H);
        make_picture(seed + 100, c, W, H);
        blur(a, b, W, H);
        for (int y = 0; y < H / 2; y++)
            for (int x = 0; x < W / 2; x++) {
                const uint8_t *p = a + (2 * y) * W + 2 * x;
                half[y * (W / 2) + x] = (uint8_t)((p[0] + p[1] + p[W] + p[W + 1] + 2) / 4);
            }
        lk_features fa = features_of(h, a, W, H, what), fb = features_of(h, b, W, H, what);
        lk_features fc = features_of(h, c, W, H, what);
        lk_features fh = features_of(h, half, W / 2, H / 2, what);

        printf("seed %d: phash %d %d %d dhash %d %d %d pdq %d %d %d\n", (int)seed,
               lk_hamming64(fa.phash, fb.phash), lk_hamming64(fa.phash, fh.phash),
               lk_hamming64(fa.phash, fc.phash), lk_hamming64(fa.dhash, fb.dhash),
               lk_hamming64(fa.dhash, fh.dhash), lk_hamming64(fa.dhash, fc.dhash),
               lk_hamming256(&fa.pdq, &fb.pdq), lk_hamming256(&fa.pdq, &fh.pdq),
               lk_hamming256(&fa.pdq, &fc.pdq));
        CHECK(lk_hamming64(fa.phash, fb.phash) <= 6);
        CHECK(lk_hamming64(fa.phash, fh.phash) <= 6);
        CHECK(lk_hamming64(fa.phash, fc.phash) >= 16);
        CHECK(lk_hamming64(fa.dhash, fb.dhash) <= 8);
        CHECK(lk_hamming64(fa.dhash, fh.dhash) <= 8);
        CHECK(lk_hamming64(fa.dhash, fc.dhash) >= 16);
        CHECK(lk_hamming256(&fa.pdq, &fb.pdq) <= 32);
        CHECK(lk_hamming256(&fa.pdq, &fh.pdq) <= 32);
        CHECK(lk_hamming256(&fa.pdq, &fc.pdq) >= 64);
    }
}

/*
 * Adding a constant to every pixel changes only the DC term in exact
 * arithmetic, and DC is far above the median, so no bit should change;
 * dHash compares neighbouring means whose difference is unchanged.  In
 * float the reduced means carry one rounding each, which could only flip
 * an exact near-tie; these seeded pictures have none, so both hashes
 * must stay identical.
 */
static void test_brightness(lk_hasher *h)
{
    static uint8_t a[W * H], b[W * H];
    for (uint64_t seed = 1; seed <= 6; seed++) {
        make_picture(seed, a, W, H);
        for (int i = 0; i < W * H; i++) /* keep headroom: no clipping */
            a[i] = (uint8_t)(a[i] / 2 + 40);
        for (int i = 0; i < W * H; i++)
            b[i] = (uint8_t)(a[i] + 50);
        lk_features fa = features_of(h, a, W, H, LK_FEAT_PHASH | LK_FEAT_DHASH);
        lk_features fb = features_of(h, b, W, H, LK_FEAT_PHASH | LK_FEAT_DHASH);
        CHECK_INT(lk_hamming64(fa.phash, fb.phash), 0);
        CHECK_INT(lk_hamming64(fa.dhash, fb.dhash), 0);
    }
}

/* Every SIMD level gives the same bits; flags compute only what is asked. */
static void test_levels_and_flags(void)
{
    static uint8_t rgb[W * H * 3];
    uint64_t s = 5;
    for (int i = 0; i < W * H * 3; i++)
        rgb[i] = (uint8_t)(t_rand(&s) >> 58) * 4 + (uint8_t)((i / 3) % W);
    lk_image img = {rgb, W, H, W * 3, LK_PIX_RGB24};
    lk_features ref, f;
    lk_hasher *h = NULL;
    CHECK_INT(lk_hasher_new(&h), 0);
    CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &ref), 0);
    CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_PHASH, &f), 0);
    CHECK(f.phash == ref.phash && f.dhash == 0 && f.pdq_quality == 0);
    CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_DHASH, &f), 0);
    CHECK(f.dhash == ref.dhash && f.phash == 0);
    CHECK(ref.phash != 0 && ref.dhash != 0);
    lk_hasher_free(&h);

    for (int level = LK_SIMD_SCALAR; level <= LK_SIMD_AVX512; level++) {
        lk_simd_ops ops;
        if (lk_simd_ops_for(level, &ops) != 0)
            continue;
        CHECK_INT(lki_hasher_new_with_ops(&h, &ops), 0);
        CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &f), 0);
        CHECK(!memcmp(&f, &ref, sizeof f));
        lk_hasher_free(&h);
    }
}

int main(void)
{
    lk_hasher *h = NULL;
    CHECK_INT(lk_hasher_new(&h), 0);
    if (!h)
        TEST_DONE("test_hashes");
    test_dhash_gradient(h);
    test_phash_step(h);
    test_area_reduce();
    test_flat(h);
    test_robustness(h);
    test_brightness(h);
    test_levels_and_flags();
    lk_hasher_free(&h);
    TEST_DONE("test_hashes");
}
