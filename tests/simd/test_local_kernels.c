/* test_local_kernels.c — every local-feature kernel at every level this CPU
 * runs is bit-identical to the scalar reference: random and structured
 * pixels (noise, flat areas, blocks that make real corners), odd sizes,
 * unaligned pointers, every threshold class, and no writes outside the
 * documented range.  The scalar reference itself is pinned on hand-made
 * cases (a corner's FAST score, the exact /9 of the 2/3 resampler). */
#include "test.h"
#include "likeness/likeness.h"
#include "simd/simd_internal.h"

enum { W = 419, H = 40, ST = 448, PAD = 128 };

static uint8_t img[ST * H + PAD];

/* mode 0 noise, 1 flat with blocks (corners), 2 low-contrast noise */
static void fill(uint64_t *s, int mode)
{
    for (size_t i = 0; i < sizeof img; i++) {
        uint64_t r = t_rand(s);
        img[i] = mode == 0 ? (uint8_t)r : mode == 2 ? (uint8_t)(120 + (r >> 8) % 12) : 60;
    }
    if (mode != 1)
        return;
    for (int b = 0; b < 60; b++) {
        int x0 = (int)(t_rand(s) % (W - 8)), y0 = (int)(t_rand(s) % (H - 8));
        int bw = 2 + (int)(t_rand(s) % 12), bh = 2 + (int)(t_rand(s) % 12);
        uint8_t v = (uint8_t)t_rand(s);
        for (int y = y0; y < y0 + bh && y < H; y++)
            for (int x = x0; x < x0 + bw && x < W; x++)
                img[y * ST + x] = v;
    }
}

static void check_fast(const lk_simd_ops *o, uint64_t *s)
{
    static uint8_t a[W + PAD], b[W + PAD];
    static const int thr[] = {1, 7, 8, 20, 40, 120, 254};
    int bad = 0;
    for (int mode = 0; mode < 3; mode++) {
        fill(s, mode);
        for (int n = 1; n <= W - 6; n += (n < 80 ? 1 : 17)) {
            int off = (int)(t_rand(s) % 3), t = thr[t_rand(s) % (sizeof thr / sizeof thr[0])];
            const uint8_t *p = img + 3 * ST + 3 + off;
            memset(a, 0xee, sizeof a); memset(b, 0xee, sizeof b);
            lki_local_fast_row_scalar(p, ST, n, t, a + off);
            o->local_fast_row(p, ST, n, t, b + off);
            bad += memcmp(a, b, sizeof a) != 0;
            bad += a[off + n] != 0xee || (off && a[off - 1] != 0xee);
        }
    }
    CHECK_INT(bad, 0);
}

static void check_resample(const lk_simd_ops *o, uint64_t *s)
{
    static uint8_t a0[W + PAD], a1[W + PAD], b0[W + PAD], b1[W + PAD];
    int bad = 0;
    fill(s, 0);
    for (int dw = 1; dw <= 2 * W / 3 - 2; dw += (dw < 70 ? 1 : 13)) {
        int off = (int)(t_rand(s) % 3);
        const uint8_t *r = img + off;
        memset(a0, 0xee, sizeof a0); memset(b0, 0xee, sizeof b0);
        memset(a1, 0xee, sizeof a1); memset(b1, 0xee, sizeof b1);
        if (dw <= W / 2 - 2) {
            lki_local_half_row_scalar(r, r + ST, dw, a0 + off);
            o->local_half_row(r, r + ST, dw, b0 + off);
            bad += memcmp(a0, b0, sizeof a0) != 0 || a0[off + dw] != 0xee;
        }
        lki_local_twothirds_rows_scalar(r, r + ST, r + 2 * ST, dw, a0 + off, a1 + off);
        o->local_twothirds_rows(r, r + ST, r + 2 * ST, dw, b0 + off, b1 + off);
        bad += memcmp(a0, b0, sizeof a0) != 0 || memcmp(a1, b1, sizeof a1) != 0;
        bad += a0[off + dw] != 0xee || a1[off + dw] != 0xee;
    }
    CHECK_INT(bad, 0);
}

static void check_blur(const lk_simd_ops *o, uint64_t *s)
{
    static uint8_t a[W + PAD], b[W + PAD];
    static uint16_t tmp[W + PAD];
    int bad = 0;
    for (int mode = 0; mode < 3; mode++) {
        fill(s, mode);
        for (int n = 1; n <= W - 6; n += (n < 70 ? 1 : 11)) {
            int off = (int)(t_rand(s) % 3);
            const uint8_t *p = img + 2 * ST + 2 + off;
            memset(a, 0xee, sizeof a); memset(b, 0xee, sizeof b);
            lki_local_blur_row_scalar(p, ST, n, tmp, a + off);
            o->local_blur_row(p, ST, n, tmp + off, b + off);
            bad += memcmp(a, b, sizeof a) != 0 || a[off + n] != 0xee;
        }
    }
    CHECK_INT(bad, 0);
}

static void check_tests_moments(const lk_simd_ops *o, uint64_t *s)
{
    static int32_t oa[256], ob[256];
    int bad = 0;
    for (int mode = 0; mode < 3; mode++) {
        fill(s, mode);
        for (int rep = 0; rep < 200; rep++) {
            int cx = 16 + (int)(t_rand(s) % (W - 33)), cy = 16 + (int)(t_rand(s) % (H - 32));
            const uint8_t *c = img + cy * ST + cx;
            for (int i = 0; i < 256; i++) {
                oa[i] = ((int)(t_rand(s) % 31) - 15) * ST + (int)(t_rand(s) % 31) - 15;
                ob[i] = ((int)(t_rand(s) % 31) - 15) * ST + (int)(t_rand(s) % 31) - 15;
            }
            uint64_t x[4], y[4];
            lki_local_tests_scalar(c, oa, ob, x);
            o->local_tests(c, oa, ob, y);
            bad += memcmp(x, y, sizeof x) != 0;
            int32_t m0[2], m1[2];
            lki_local_moments_scalar(c, ST, m0);
            o->local_moments(c, ST, m1);
            bad += m0[0] != m1[0] || m0[1] != m1[1];
        }
    }
    CHECK_INT(bad, 0);
}

/* The reference on hand-made cases. */
static void check_reference(void)
{
    /* a 20x20 square of 200 on 50: from its top-left pixel, 11 contiguous
     * circle pixels lie outside, darker by 150 */
    memset(img, 50, sizeof img);
    for (int y = 10; y < 30; y++)
        memset(img + y * ST + 100, 200, 20);
    uint8_t sc[8];
    lki_local_fast_row_scalar(img + 10 * ST + 100, ST, 1, 20, sc);
    CHECK_INT(sc[0], 150);
    lki_local_fast_row_scalar(img + 10 * ST + 100, ST, 1, 150, sc);
    CHECK_INT(sc[0], 0); /* not above the threshold */
    lki_local_fast_row_scalar(img + 20 * ST + 110, ST, 1, 1, sc);
    CHECK_INT(sc[0], 0); /* inside: flat */
    lki_local_fast_row_scalar(img + 20 * ST + 100, ST, 1, 1, sc);
    CHECK_INT(sc[0], 0); /* on a straight edge: 7 dark pixels only */
    int bad = 0;
    for (int x = 0; x <= 2295; x++)
        bad += ((x + 4) * 7282) >> 16 != (x + 4) / 9;
    CHECK_INT(bad, 0);
    /* moments of a disc lit on its right half point along +x */
    memset(img, 0, sizeof img);
    for (int y = 0; y < 31; y++)
        memset(img + (5 + y) * ST + 201, 100, 15);
    int32_t m[2];
    lki_local_moments_scalar(img + 20 * ST + 200, ST, m);
    CHECK(m[0] > 0);
    CHECK_INT(m[1], 0);
}

int main(void)
{
    uint64_t s = 0x10ca1f3a7ULL;
    check_reference();
    int top = lk_simd_detect();
    for (int lvl = LK_SIMD_SCALAR; lvl <= top; lvl++) {
        lk_simd_ops o;
        CHECK_INT(lk_simd_ops_for(lvl, &o), 0);
        check_fast(&o, &s);
        check_resample(&o, &s);
        check_blur(&o, &s);
        check_tests_moments(&o, &s);
    }
    TEST_DONE("simd_local_kernels");
}
