/*
 * style_scalar.c — reference versions of the style descriptor's per-pixel
 * kernels (see likeness/simd.h and src/features/style.c):
 *
 *  - style_quant_rgb24: RGB24 -> perceptual colour bin (0..LK_STYLE_CBINS-1)
 *    and integer luma.  Integer only: the hue bin is the exact floor of
 *    16 * hue / 360 degrees (|values| < 2^15, fits int16 lanes), so SIMD
 *    versions match bit for bit.
 *  - style_edge_row: Sobel gradient of one luma row -> 5-bit edge code.
 *    Pure integer arithmetic (|values| < 2^13, fits int16 lanes).
 */
#include "simd/simd_internal.h"
#include "simd/style_kernels.h"

/* Colour bin of one pixel; the definition every version follows. */
static inline uint8_t quant_one(int r, int g, int b, int y)
{
    int mx = r, mn = r;
    if (g > mx) mx = g;
    if (b > mx) mx = b;
    if (g < mn) mn = g;
    if (b < mn) mn = b;
    int c = mx - mn;
    if (c < LK_STYLE_GREY_C || mx < LK_STYLE_GREY_V)
        return (uint8_t)(y >> 5); /* 8 grey bins by luma */
    int hn; /* hue * chroma, in [-c, 6c): sector base * c + signed offset */
    if (r >= g && r >= b)
        hn = g - b;
    else if (g >= b)
        hn = 2 * c + b - r;
    else
        hn = 4 * c + r - g;
    if (hn < 0)
        hn += 6 * c;
    int q = 16 * hn / (6 * c); /* 16 hue bins, exact floor: 0..15 */
    int bright = mx >= LK_STYLE_BRIGHT_V;
    if (2 * c < mx) /* mid saturation: 8 hues x 2 values */
        return (uint8_t)(8 + (q >> 1) * 2 + bright);
    return (uint8_t)(24 + q * 2 + bright); /* high saturation: 16 hues x 2 */
}

void lki_style_quant_rgb24_scalar(const uint8_t *rgb, int n, uint8_t *bin, uint8_t *luma)
{
    for (int i = 0; i < n; i++) {
        int r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        int y = (77 * r + 150 * g + 29 * b + 128) >> 8;
        luma[i] = (uint8_t)y;
        if (bin)
            bin[i] = quant_one(r, g, b, y);
    }
}

static inline int iabs(int v) { return v < 0 ? -v : v; }
static inline int imin(int a, int b) { return a < b ? a : b; }

void lki_style_edge_row_scalar(const uint8_t *r0, const uint8_t *r1, const uint8_t *r2,
                              int n, uint8_t *out)
{
    for (int x = 1; x + 1 < n; x++) {
        int gx = (r0[x + 1] + 2 * r1[x + 1] + r2[x + 1]) - (r0[x - 1] + 2 * r1[x - 1] + r2[x - 1]);
        int gy = (r2[x - 1] + 2 * r2[x] + r2[x + 1]) - (r0[x - 1] + 2 * r0[x] + r0[x + 1]);
        int ax = iabs(gx), ay = iabs(gy), m = ax + ay;
        int cls = (m >= LK_STYLE_MAG_T0) + (m >= LK_STYLE_MAG_T1) + (m >= LK_STYLE_MAG_T2);
        int o;
        if (cls == 0)
            o = 0; /* flat: no orientation */
        else if (ay * 5 < ax * 2)
            o = 0; /* gradient horizontal: vertical edge */
        else if (ax * 5 < ay * 2)
            o = 1; /* horizontal edge */
        else
            o = ((gx ^ gy) < 0) ? 3 : 2; /* diagonals */
        int c = r1[x];
        int ridge = imin(r1[x - 1], r1[x + 1]) - c >= LK_STYLE_RIDGE_T ||
                    imin(r0[x], r2[x]) - c >= LK_STYLE_RIDGE_T;
        out[x] = (uint8_t)(ridge << 4 | cls << 2 | o);
    }
}
