/*
 * border.c — detects constant borders (letterbox, pillarbox, window box) of
 * any solid colour and turns detections into a stable crop rectangle.
 *
 * Per edge: the reference colour is the per-channel median of the outermost
 * line (row or column); lines count as border while almost all their pixels
 * lie within a tolerance of that same colour (so a gradient cannot creep
 * in, and compression noise or a few stray pixels do not stop the band).
 * A band is kept only when it is at least 2% of the side (and 2 lines), so
 * noise does not nibble edges; a band wider than 35% of the side (a 9:16
 * picture pillarboxed in 16:9 needs 34.2%) or covering the whole picture is
 * "unknown": more likely content than a border.  Bands come in pairs:
 * an axis is cropped only when both opposite edges show a band of the same
 * colour (widths may differ, e.g. subtitles in one bar); one band alone or
 * two of different colours is "unknown" (likely a solid strip of content).
 * Sides shorter than 16 pixels are never cropped.
 *
 * Stability across video frames (lki_border_crop with prev): an edge keeps
 * its previous value when its detection is unknown (fade to a uniform
 * frame, a very dark scene) or moves by no more than max(2, 2% of the
 * side); it follows the detection only when that differs clearly.
 */
#include <stddef.h>
#include <stdlib.h>
#include "common/common.h"
#include "decode/decode_internal.h"

#define TOLERANCE 24     /* max per-channel difference of a border pixel */
#define OUTLIER_DIV 50   /* at most 1/50 of a line may exceed TOLERANCE */
#define MEAN_DIFF 6      /* mean max channel difference of the other pixels */
#define MIN_SIDE 16      /* shorter sides are never cropped */

/* A family of parallel lines: line k starts at origin + k*lstep, and its
 * n pixels lie pstep bytes apart; depth lines in all. */
typedef struct edge {
    const uint8_t *origin;
    ptrdiff_t lstep, pstep;
    int n, depth;
} edge;

/* Per-channel median of line 0 of e. */
static void median_colour(const edge *e, uint8_t c[3])
{
    for (int ch = 0; ch < 3; ch++) {
        int hist[256] = { 0 };
        for (int i = 0; i < e->n; i++)
            hist[e->origin[i * e->pstep + ch]]++;
        int acc = 0, v = 0;
        while (v < 255 && (acc += hist[v]) * 2 < e->n + 1)
            v++;
        c[ch] = (uint8_t)v;
    }
}

/* 1 when line k of e is (almost) all colour c. */
static int line_matches(const edge *e, int k, const uint8_t c[3])
{
    const uint8_t *p = e->origin + k * e->lstep;
    int outliers = 0, limit = e->n / OUTLIER_DIV;
    long sum = 0;
    for (int i = 0; i < e->n; i++, p += e->pstep) {
        int d = abs(p[0] - c[0]);
        d = LK_MAX(d, abs(p[1] - c[1]));
        d = LK_MAX(d, abs(p[2] - c[2]));
        if (d <= TOLERANCE)
            sum += d;
        else if (++outliers > limit)
            return 0;
    }
    return sum <= (long)MEAN_DIFF * e->n;
}

/* Band width of one edge, 0, or LK_BORDER_UNKNOWN; c gets its colour. */
static int detect_edge(const edge *e, uint8_t c[3])
{
    if (e->depth < MIN_SIDE)
        return 0;
    median_colour(e, c);
    int k = 0;
    while (k < e->depth && line_matches(e, k, c))
        k++;
    int min_band = LK_MAX(2, (e->depth + 49) / 50);
    if (k == e->depth || k > e->depth * 7 / 20)
        return LK_BORDER_UNKNOWN;
    return k >= min_band ? k : 0;
}

/* Combines the bands of two opposite edges. */
static void pair(int *a, const uint8_t ca[3], int *b, const uint8_t cb[3])
{
    if (*a == 0 && *b == 0)
        return;
    int same = abs(ca[0] - cb[0]) <= TOLERANCE && abs(ca[1] - cb[1]) <= TOLERANCE &&
               abs(ca[2] - cb[2]) <= TOLERANCE;
    if (*a <= 0 || *b <= 0 || !same)
        *a = *b = LK_BORDER_UNKNOWN;
}

void lki_border_detect(const uint8_t *rgb, int w, int h, int stride, lk_border *b)
{
    ptrdiff_t s = stride;
    edge top = { rgb, s, 3, w, h };
    edge bottom = { rgb + (ptrdiff_t)(h - 1) * s, -s, 3, w, h };
    edge left = { rgb, 3, s, h, w };
    edge right = { rgb + (ptrdiff_t)(w - 1) * 3, -3, s, h, w };
    uint8_t ct[3], cb[3], cl[3], cr[3];
    b->top = detect_edge(&top, ct);
    b->bottom = detect_edge(&bottom, cb);
    b->left = detect_edge(&left, cl);
    b->right = detect_edge(&right, cr);
    pair(&b->top, ct, &b->bottom, cb);
    pair(&b->left, cl, &b->right, cr);
}

/* The value an edge takes given its detection and its previous value. */
static int settle(int det, int side, int have_prev, int prev)
{
    if (!have_prev)
        return det == LK_BORDER_UNKNOWN ? 0 : det;
    if (det == LK_BORDER_UNKNOWN)
        return prev;
    int margin = LK_MAX(2, side / 50);
    return abs(det - prev) <= margin ? prev : det;
}

void lki_border_crop(const lk_border *b, int w, int h, const lk_rect *prev, lk_rect *crop)
{
    int hp = prev && prev->width >= 1 && prev->height >= 1 && prev->x >= 0 && prev->y >= 0 &&
             prev->x + prev->width <= w && prev->y + prev->height <= h;
    int top = settle(b->top, h, hp, hp ? prev->y : 0);
    int bottom = settle(b->bottom, h, hp, hp ? h - prev->y - prev->height : 0);
    int left = settle(b->left, w, hp, hp ? prev->x : 0);
    int right = settle(b->right, w, hp, hp ? w - prev->x - prev->width : 0);
    if (top + bottom >= h)
        top = bottom = 0;
    if (left + right >= w)
        left = right = 0;
    crop->x = left;
    crop->y = top;
    crop->width = w - left - right;
    crop->height = h - top - bottom;
}
