/*
 * orient.c — turns an RGB24 picture upright: the eight EXIF orientations,
 * which cover display-matrix rotations of videos (90, 180, 270) as well.
 */
#include <string.h>
#include "decode/decode_internal.h"

/* Where source pixel (x, y) lands for each orientation, given the source
 * size; returns the destination coordinates through *dx, *dy. */
static void map_xy(int o, int x, int y, int w, int h, int *dx, int *dy)
{
    switch (o) {
    case 2: *dx = w - 1 - x; *dy = y; break;
    case 3: *dx = w - 1 - x; *dy = h - 1 - y; break;
    case 4: *dx = x; *dy = h - 1 - y; break;
    case 5: *dx = y; *dy = x; break;
    case 6: *dx = h - 1 - y; *dy = x; break;
    case 7: *dx = h - 1 - y; *dy = w - 1 - x; break;
    case 8: *dx = y; *dy = w - 1 - x; break;
    default: *dx = x; *dy = y; break;
    }
}

void lki_orient_rgb24(const uint8_t *src, int w, int h, int stride, int orientation,
                     uint8_t *dst, int *dw, int *dh)
{
    int swap = orientation >= 5 && orientation <= 8;
    int ow = swap ? h : w, oh = swap ? w : h;
    *dw = ow;
    *dh = oh;
    for (int y = 0; y < h; y++) {
        const uint8_t *row = src + (size_t)y * (size_t)stride;
        for (int x = 0; x < w; x++) {
            int dx, dy;
            map_xy(orientation, x, y, w, h, &dx, &dy);
            memcpy(dst + ((size_t)dy * (size_t)ow + (size_t)dx) * 3, row + (size_t)x * 3, 3);
        }
    }
}
