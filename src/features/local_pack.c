/*
 * local_pack.c — the stored form of a reference frame's local features
 * (likeness/local.h: lk_local_pack): what the index keeps per entry.
 *
 * Layout, little-endian: u16 width, u16 height, u16 count, u16 zero; then
 * count descriptors of 32 bytes (contiguous, so that a mapped set can be
 * searched in place); then per keypoint u16 x*8, u16 y*8, u8 scale*8,
 * u8 angle*256/(2 pi).  38 bytes a keypoint: 300 keypoints are 11.4 kB.
 * The rounding (1/16 pixel at most, angles 0.7 degree) is far inside the
 * tolerances of the geometric fit (3 pixels of the keypoint's level, 29
 * degrees; src/match/geometry.c).  Response and level are not stored.
 */
#include <math.h>
#include <string.h>
#include "common/common.h"
#include "features/local_internal.h"

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned quant(float v, float mul, unsigned max)
{
    float q = roundf(v * mul);
    return q <= 0 ? 0 : q >= (float)max ? max : (unsigned)q;
}

LK_API size_t lk_local_packed_size(size_t count)
{
    return LK_LOCAL_PACKED_HDR + count * LK_LOCAL_PACKED_KP;
}

LK_API long lk_local_pack(const lk_local_features *f, size_t max, uint8_t *out, size_t cap)
{
    size_t n = f && f->count < max ? f->count : max;
    if (!f || !out || n > 65535 || f->width > 8191 || f->height > 8191 || f->width < 0 ||
        f->height < 0 || cap < lk_local_packed_size(n))
        return LK_EINVAL;
    put16(out, (unsigned)f->width);
    put16(out + 2, (unsigned)f->height);
    put16(out + 4, (unsigned)n);
    put16(out + 6, 0);
    uint8_t *d = out + LK_LOCAL_PACKED_HDR, *g = d + 32 * n;
    for (size_t i = 0; i < n; i++, g += 6) {
        const lk_keypoint *k = &f->kp[i];
        for (int w = 0; w < 4; w++)
            for (int b = 0; b < 8; b++)
                d[32 * i + 8 * w + b] = (uint8_t)(f->desc[i].w[w] >> (8 * b));
        put16(g, quant(k->x, 8.0f, 65535));
        put16(g + 2, quant(k->y, 8.0f, 65535));
        g[4] = (uint8_t)quant(k->scale, 8.0f, 255);
        float a = k->angle < 0 ? k->angle + 2.0f * (float)M_PI : k->angle;
        g[5] = (uint8_t)(quant(a, 256.0f / (2.0f * (float)M_PI), 256) & 255);
    }
    return (long)lk_local_packed_size(n);
}

LK_API int lk_local_unpack(const uint8_t *in, size_t len, lk_local_features *out)
{
    if (!in || !out || len < LK_LOCAL_PACKED_HDR)
        return LK_EFORMAT;
    size_t n = get16(in + 4);
    if (len != lk_local_packed_size(n) || get16(in + 6) != 0)
        return LK_EFORMAT;
    out->count = 0;
    LK_TRY(lki_local_reserve(out, n ? n : 1, 0));
    out->width = (int)get16(in);
    out->height = (int)get16(in + 2);
    const uint8_t *d = in + LK_LOCAL_PACKED_HDR, *g = d + 32 * n;
    for (size_t i = 0; i < n; i++, g += 6) {
        for (int w = 0; w < 4; w++) {
            uint64_t v = 0;
            for (int b = 7; b >= 0; b--)
                v = v << 8 | d[32 * i + 8 * w + b];
            out->desc[i].w[w] = v;
        }
        float a = (float)g[5] * (2.0f * (float)M_PI / 256.0f);
        out->kp[i] = (lk_keypoint){ (float)get16(g) / 8.0f, (float)get16(g + 2) / 8.0f,
                                    (float)g[4] / 8.0f,
                                    a > (float)M_PI ? a - 2.0f * (float)M_PI : a, 0.0f, 0 };
    }
    out->count = n;
    return (int)n;
}
