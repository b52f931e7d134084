/*
 * local_pattern.c — the descriptor's test pattern and its steered tables.
 *
 * The pattern is likeness's own: 256 pairs of points drawn by a fixed
 * integer generator (xorshift64*, seed below), each coordinate the sum of
 * three uniform integers in [-6, 6] (a bell of sigma 6.5, about a fifth
 * of the 31-pixel patch, the spread BRIEF found best), kept when inside
 * the disc of radius LK_LOCAL_PATTERN_RADIUS.  A pair is rejected when its
 * points are closer than 3 pixels (such tests mostly see noise after the
 * blur) or when it repeats an earlier pair either way round.  Integer
 * arithmetic only, so every build draws the same pattern.
 *
 * Steering: for each of LK_LOCAL_BINS angles the points are rotated
 * (x cos a - y sin a, x sin a + y cos a), rounded half away from zero, and
 * turned into byte offsets for the pyramid's stride.  The mirrored tables
 * rotate the pattern with y negated: sampling a picture at R(a)(x, -y)
 * gives exactly what its left-right mirror gives at R(pi - a)(x, y) around
 * the mirrored keypoint, so desc_mirror needs no second detection.
 */
#include <math.h>
#include <pthread.h>
#include "features/local_internal.h"

#define PATTERN_SEED 0x6c696b656e657373ULL /* "likeness" */

static lk_local_pair pattern[LK_LOCAL_TESTS];
static pthread_once_t pattern_once = PTHREAD_ONCE_INIT;

static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* One coordinate: sum of three uniform integers in [-6, 6]. */
static int coord(uint64_t *s)
{
    int v = 0;
    for (int i = 0; i < 3; i++)
        v += (int)((next(s) >> 33) % 13) - 6;
    return v;
}

/* A point inside the pattern's disc. */
static void point(uint64_t *s, int *x, int *y)
{
    do {
        *x = coord(s);
        *y = coord(s);
    } while (*x * *x + *y * *y > LK_LOCAL_PATTERN_RADIUS * LK_LOCAL_PATTERN_RADIUS);
}

static int same(const lk_local_pair *p, int ax, int ay, int bx, int by)
{
    return (p->ax == ax && p->ay == ay && p->bx == bx && p->by == by) ||
           (p->ax == bx && p->ay == by && p->bx == ax && p->by == ay);
}

static void pattern_build(void)
{
    uint64_t s = PATTERN_SEED;
    int n = 0;
    while (n < LK_LOCAL_TESTS) {
        int ax, ay, bx, by, dup = 0;
        point(&s, &ax, &ay);
        point(&s, &bx, &by);
        if ((ax - bx) * (ax - bx) + (ay - by) * (ay - by) < 9)
            continue;
        for (int i = 0; i < n && !dup; i++)
            dup = same(&pattern[i], ax, ay, bx, by);
        if (dup)
            continue;
        pattern[n++] = (lk_local_pair){(int8_t)ax, (int8_t)ay, (int8_t)bx, (int8_t)by};
    }
}

const lk_local_pair *lki_local_pattern(void)
{
    pthread_once(&pattern_once, pattern_build);
    return pattern;
}

/* Byte offset of point (x, y) rotated by (c, s). */
static int32_t rot_off(int x, int y, float c, float s, ptrdiff_t stride)
{
    long rx = lroundf((float)x * c - (float)y * s);
    long ry = lroundf((float)x * s + (float)y * c);
    return (int32_t)(ry * (long)stride + rx);
}

void lki_local_tables_build(lk_local_tables *t, ptrdiff_t stride)
{
    if (t->stride == stride)
        return;
    const lk_local_pair *p = lki_local_pattern();
    for (int k = 0; k < LK_LOCAL_BINS; k++) {
        double a = 2.0 * M_PI * k / LK_LOCAL_BINS;
        float c = (float)cos(a), s = (float)sin(a);
        for (int i = 0; i < LK_LOCAL_TESTS; i++) {
            t->oa[k][i] = rot_off(p[i].ax, p[i].ay, c, s, stride);
            t->ob[k][i] = rot_off(p[i].bx, p[i].by, c, s, stride);
            t->ma[k][i] = rot_off(p[i].ax, -p[i].ay, c, s, stride);
            t->mb[k][i] = rot_off(p[i].bx, -p[i].by, c, s, stride);
        }
    }
    t->stride = stride;
}

int lki_local_angle_bin(float a)
{
    int k = (int)lroundf(a * (float)(LK_LOCAL_BINS / (2.0 * M_PI)));
    k %= LK_LOCAL_BINS;
    return k < 0 ? k + LK_LOCAL_BINS : k;
}
