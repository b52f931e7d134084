/* test_style_kernels.c — every style kernel at every level this CPU runs is
 * bit-identical to the scalar reference: random and structured data (all
 * hue sectors, greys, ties between channels), odd sizes, unaligned
 * pointers, and no writes outside the documented range. */
#include "test.h"
#include "likeness/likeness.h"
#include "simd/simd_internal.h"

enum { MAXN = 301, PAD = 32 };

static void fill(uint8_t *p, size_t n, uint64_t *s, int mode)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = t_rand(s);
        if (mode == 0)
            p[i] = (uint8_t)r;
        else if (mode == 1) /* few levels: many ties and exact greys */
            p[i] = (uint8_t)((r >> 8) % 4 * 85);
        else /* near-grey around a random level */
            p[i] = (uint8_t)(128 + (int)((r >> 8) % 41) - 20);
    }
}

static void check_quant(const lk_simd_ops *o, uint64_t *s)
{
    static uint8_t rgb[3 * MAXN + PAD], b0[MAXN + PAD], b1[MAXN + PAD], l0[MAXN + PAD],
        l1[MAXN + PAD];
    int bad = 0;
    for (int n = 1; n <= MAXN; n += (n < 40 ? 1 : 13)) {
        for (int off = 0; off < 3; off++) {
            fill(rgb, sizeof rgb, s, (n + off) % 3);
            memset(b0, 0xee, sizeof b0); memset(b1, 0xee, sizeof b1);
            memset(l0, 0xee, sizeof l0); memset(l1, 0xee, sizeof l1);
            lki_style_quant_rgb24_scalar(rgb + off, n, b0 + off, l0 + off);
            o->style_quant_rgb24(rgb + off, n, b1 + off, l1 + off);
            bad += memcmp(b0, b1, sizeof b0) != 0 || memcmp(l0, l1, sizeof l0) != 0;
            /* luma only (bin == NULL): same lumas */
            memset(l1, 0xee, sizeof l1);
            o->style_quant_rgb24(rgb + off, n, NULL, l1 + off);
            bad += memcmp(l0, l1, sizeof l0) != 0;
            for (int i = 0; i < n; i++)
                bad += b0[off + i] >= 56;
        }
    }
    CHECK_INT(bad, 0);
}

static void check_edge(const lk_simd_ops *o, uint64_t *s)
{
    static uint8_t rows[3][MAXN + PAD], e0[MAXN + PAD], e1[MAXN + PAD];
    int bad = 0;
    for (int n = 3; n <= MAXN; n += (n < 40 ? 1 : 11)) {
        for (int off = 0; off < 3; off++) {
            for (int r = 0; r < 3; r++)
                fill(rows[r], sizeof rows[r], s, (n + r + off) % 3);
            memset(e0, 0xee, sizeof e0); memset(e1, 0xee, sizeof e1);
            lki_style_edge_row_scalar(rows[0] + off, rows[1] + off, rows[2] + off, n, e0 + off);
            o->style_edge_row(rows[0] + off, rows[1] + off, rows[2] + off, n, e1 + off);
            bad += memcmp(e0, e1, sizeof e0) != 0;
            bad += e0[off] != 0xee || e0[off + n - 1] != 0xee; /* ends untouched */
        }
    }
    CHECK_INT(bad, 0);
}

/* A hand-checked pixel per bin family, so the reference itself is pinned. */
static void check_reference(void)
{
    const uint8_t px[] = {0, 0, 0,  255, 255, 255,  255, 0, 0,  0, 0, 255,  200, 150, 150};
    uint8_t bin[5], luma[5];
    lki_style_quant_rgb24_scalar(px, 5, bin, luma);
    CHECK_INT(bin[0], 0);        /* black: grey bin 0 */
    CHECK_INT(bin[1], 7);        /* white: grey bin 7 */
    CHECK_INT(luma[1], 255);
    CHECK_INT(bin[2], 24 + 0 + 1); /* saturated bright red: hue 0 */
    CHECK_INT(bin[3], 24 + 2 * 10 + 1); /* blue: hue 4/6 -> 16-bin 10, bright */
    CHECK_INT(bin[4], 8 + 0 + 1); /* pale red: mid saturation, bright */
}

int main(void)
{
    uint64_t s = 0x5717e5eedULL;
    check_reference();
    int top = lk_simd_detect();
    for (int lvl = LK_SIMD_SCALAR; lvl <= top; lvl++) {
        lk_simd_ops o;
        CHECK_INT(lk_simd_ops_for(lvl, &o), 0);
        check_quant(&o, &s);
        check_edge(&o, &s);
    }
    TEST_DONE("simd_style_kernels");
}
