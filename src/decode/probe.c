/*
 * probe.c — picks a reader from the first bytes of a file.
 *
 * Rule: the PNG signature or a JPEG SOI followed by a marker go to the
 * direct readers (libpng, libjpeg); a PNG with an acTL chunk before its
 * first IDAT is an animated PNG (for FFmpeg); anything else is offered to
 * FFmpeg, which says when it cannot recognise it.  Reads only the bytes
 * given, never past n.
 */
#include <string.h>
#include "decode/decode_internal.h"

static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 1 when an acTL chunk comes before the first IDAT within the n bytes. */
static int png_is_animated(const uint8_t *b, size_t n)
{
    size_t pos = 8;
    while (pos + 8 <= n) {
        uint32_t len = be32(b + pos);
        const uint8_t *type = b + pos + 4;
        if (!memcmp(type, "acTL", 4))
            return 1;
        if (!memcmp(type, "IDAT", 4) || len > 0x7fffffffu)
            return 0;
        pos += 12 + (size_t)len;
    }
    return 0;
}

int lki_probe(const uint8_t *head, size_t n)
{
    if (n >= 8 && !memcmp(head, png_sig, 8))
        return png_is_animated(head, n) ? LK_PROBE_APNG : LK_PROBE_PNG;
    if (n >= 4 && n < 8 && !memcmp(head, png_sig, n))
        return LK_PROBE_PNG; /* cut inside the signature: the reader says so */
    if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
        return LK_PROBE_JPEG;
    return LK_PROBE_OTHER;
}
