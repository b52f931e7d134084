/*
 * sniff.c — is a file found while walking a directory a picture or a
 * video?  Decided from its first bytes (never its name), so that notes,
 * JSON sidecars, subtitles and the like beside the media are skipped
 * instead of each becoming an error.  Files named explicitly are never
 * sniffed: they are decoded, and errors when they cannot be.
 *
 * Recognised (README "Batch use" and the man page list the same):
 *   pictures   PNG, JPEG, GIF, WebP, BMP, TIFF, JPEG 2000, JPEG XL, QOI
 *   containers ISO BMFF (MP4, MOV, M4V, 3GP, HEIF/AVIF: "ftyp", and
 *              QuickTime atoms "moov", "mdat", "free", "wide", "skip"),
 *              Matroska/WebM (EBML), AVI (RIFF AVI), MPEG-TS (0x47 every
 *              188 bytes, and 192-byte M2TS packets), MPEG-PS and
 *              elementary MPEG video (00 00 01 BA / B3), FLV, Ogg, ASF/WMV,
 *              RealMedia, H.264/H.265 Annex B streams (00 00 00 01)
 * Invariant: a signature is accepted only with enough bytes to check it
 * whole; the checks are cheap and never read past n.
 */
#include <stdint.h>
#include <string.h>
#include "cli/cli.h"

static int at(const uint8_t *b, size_t n, size_t off, const char *sig, size_t len)
{
    return n >= off + len && !memcmp(b + off, sig, len);
}

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static int is_picture(const uint8_t *b, size_t n)
{
    if (at(b, n, 0, "\x89PNG\r\n\x1a\n", 8) || at(b, n, 0, "\xff\xd8\xff", 3) ||
        at(b, n, 0, "GIF87a", 6) || at(b, n, 0, "GIF89a", 6) ||
        (at(b, n, 0, "RIFF", 4) && at(b, n, 8, "WEBP", 4)) ||
        at(b, n, 0, "II*\0", 4) || at(b, n, 0, "MM\0*", 4) ||
        at(b, n, 0, "\0\0\0\x0cjP  \r\n\x87\n", 12) || at(b, n, 0, "\xff\x4f\xff\x51", 4) ||
        at(b, n, 0, "\xff\x0a", 2) || at(b, n, 0, "\0\0\0\x0cJXL \r\n\x87\n", 12) ||
        at(b, n, 0, "qoif", 4))
        return 1;
    /* BMP: "BM", then a DIB header of a known size at offset 14 */
    if (at(b, n, 0, "BM", 2) && n >= 18) {
        uint32_t dib = le32(b + 14);
        return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
               dib == 124;
    }
    return 0;
}

/* 0x47 sync bytes every `stride` bytes from `first`, at least 3 times. */
static int ts_sync(const uint8_t *b, size_t n, size_t first, size_t stride)
{
    int seen = 0;
    for (size_t off = first; off < n; off += stride, seen++)
        if (b[off] != 0x47)
            return 0;
    return seen >= 3;
}

static int is_container(const uint8_t *b, size_t n)
{
    static const char *const atoms[] = { "ftyp", "moov", "mdat", "free", "wide", "skip" };
    for (size_t i = 0; i < sizeof atoms / sizeof atoms[0]; i++)
        if (at(b, n, 4, atoms[i], 4))
            return 1;
    return at(b, n, 0, "\x1a\x45\xdf\xa3", 4) ||
           (at(b, n, 0, "RIFF", 4) && at(b, n, 8, "AVI ", 4)) ||
           at(b, n, 0, "\0\0\x01\xba", 4) || at(b, n, 0, "\0\0\x01\xb3", 4) ||
           at(b, n, 0, "FLV\x01", 4) || at(b, n, 0, "OggS", 4) ||
           at(b, n, 0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11", 8) || at(b, n, 0, ".RMF", 4) ||
           at(b, n, 0, "\0\0\0\x01", 4) || ts_sync(b, n, 0, 188) || ts_sync(b, n, 4, 192);
}

int lk_sniff_media(const uint8_t *head, size_t n)
{
    return head && (is_picture(head, n) || is_container(head, n));
}
