/*
 * jpeg.c — lki_backend_jpeg: still JPEG pictures through the TurboJPEG API.
 *
 * Baseline, progressive, grayscale (expanded to R=G=B) and CMYK/YCCK
 * (decoded as CMYK, converted to RGB with the Adobe convention of inverted
 * samples when an Adobe APP14 marker is present, plain otherwise).  The
 * EXIF orientation (APP1 "Exif", TIFF tag 0x0112 of IFD0, parsed here with
 * every read bounds-checked) is applied after reduction.  Large pictures
 * are decoded with the smallest TurboJPEG scaling factor that still covers
 * the working size, then area-averaged to it exactly.  The file is read
 * whole through the decoder's lki_source (hashed on the way).  The whole picture is
 * decoded in open() so that damaged data is reported there.  A truncated
 * file ("premature end" warning) is damaged; other libjpeg warnings are
 * tolerated, as they are common in camera files.
 */
#include <stdio.h>
#include <string.h>
#include <turbojpeg.h>
#include "common/common.h"
#include "decode/decode_internal.h"

#define MAX_FILE_BYTES ((long)1 << 30)

/* What the markers before the first scan say. */
typedef struct jpeg_meta {
    int orientation; /* 1..8 */
    int adobe;       /* 1 when an Adobe APP14 marker is present */
} jpeg_meta;

/* Everything one decode allocates. */
typedef struct jpeg_job {
    uint8_t *file;
    unsigned long size;
    tjhandle tj;
    uint8_t *pix; /* decoded, possibly scaled, stored orientation */
    int w, h;     /* coded size */
    int sw, sh;   /* decoded size */
    int cmyk;
} jpeg_job;

static unsigned rd16(const uint8_t *p, int le)
{
    return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p, int le)
{
    return le ? (uint32_t)rd16(p, 1) | (uint32_t)rd16(p + 2, 1) << 16
              : (uint32_t)rd16(p, 0) << 16 | (uint32_t)rd16(p + 2, 0);
}

/* Orientation from a TIFF block (the APP1 payload after "Exif\0\0"); 1 if
 * absent or invalid. */
static int exif_orientation(const uint8_t *t, size_t n)
{
    if (n < 8)
        return 1;
    int le = t[0] == 'I' && t[1] == 'I';
    if (!le && !(t[0] == 'M' && t[1] == 'M'))
        return 1;
    if (rd16(t + 2, le) != 42)
        return 1;
    uint32_t ifd = rd32(t + 4, le);
    if (ifd > n - 2)
        return 1;
    unsigned count = rd16(t + ifd, le);
    for (unsigned i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + 12 * (size_t)i;
        if (e + 12 > n)
            break;
        if (rd16(t + e, le) == 0x0112 && rd16(t + e + 2, le) == 3) {
            unsigned v = rd16(t + e + 8, le);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

/* Walks the markers up to the first scan. */
static void parse_markers(const uint8_t *b, size_t n, jpeg_meta *m)
{
    m->orientation = 1;
    m->adobe = 0;
    size_t pos = 2;
    while (pos + 4 <= n && b[pos] == 0xff) {
        unsigned marker = b[pos + 1];
        if (marker == 0xff) { /* fill byte */
            pos++;
            continue;
        }
        if (marker == 0xda || marker == 0xd9)
            break;
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
            pos += 2;
            continue;
        }
        size_t len = rd16(b + pos + 2, 0);
        if (len < 2 || pos + 2 + len > n)
            break;
        const uint8_t *seg = b + pos + 4;
        size_t slen = len - 2;
        if (marker == 0xe1 && slen >= 6 && !memcmp(seg, "Exif\0\0", 6))
            m->orientation = exif_orientation(seg + 6, slen - 6);
        if (marker == 0xee && slen >= 5 && !memcmp(seg, "Adobe", 5))
            m->adobe = 1;
        pos += 2 + len;
    }
}

/* Reads the whole file into j->file through the source (hashed on the way). */
static int read_file(jpeg_job *j, lki_source *src, lk_errbuf *err)
{
    if (src->size > MAX_FILE_BYTES)
        return lki_err(err, LK_ETOOBIG, "'%s': JPEG file larger than 1 GiB", src->path);
    size_t cap = (size_t)src->size, got = 0;
    if (!(j->file = lki_malloc(cap)))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", src->path);
    while (got < cap) {
        int64_t r = lki_source_read(src, j->file + got, cap - got, err);
        if (r < 0)
            return (int)r;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    j->size = (unsigned long)got;
    return 0;
}

/* Smallest TurboJPEG scaling that still covers the working size. */
static void pick_scale(jpeg_job *j, int tw, int th)
{
    int n = 0;
    tjscalingfactor *sf = tjGetScalingFactors(&n);
    j->sw = j->w;
    j->sh = j->h;
    for (int i = 0; sf && i < n; i++) {
        int sw = TJSCALED(j->w, sf[i]), sh = TJSCALED(j->h, sf[i]);
        if (sw >= tw && sh >= th && (int64_t)sw * sh < (int64_t)j->sw * j->sh) {
            j->sw = sw;
            j->sh = sh;
        }
    }
}

/* CMYK (4 bytes) to RGB24 in place. */
static void cmyk_to_rgb(uint8_t *p, size_t pixels, int inverted)
{
    for (size_t i = 0; i < pixels; i++) {
        unsigned c = p[4 * i], m = p[4 * i + 1], y = p[4 * i + 2], k = p[4 * i + 3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        p[3 * i] = (uint8_t)((c * k + 127) / 255);
        p[3 * i + 1] = (uint8_t)((m * k + 127) / 255);
        p[3 * i + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

/* Maps a failed TurboJPEG call to an LK_E* code; 0 for a tolerated warning. */
static int tj_failure(jpeg_job *j, const char *path, lk_errbuf *err)
{
    const char *msg = tjGetErrorStr2(j->tj);
    if (!msg)
        msg = "unknown error";
    if (tjGetErrorCode(j->tj) == TJERR_WARNING && !strstr(msg, "Premature end"))
        return 0;
    if (strstr(msg, "memory"))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    return lki_err(err, LK_ECORRUPT, "'%s': truncated or damaged JPEG data", path);
}

/* Header, limits, scaled decode into j->pix (RGB24 of j->sw x j->sh). */
static int decode(jpeg_job *j, const char *path, int max_dim, int adobe, lk_errbuf *err)
{
    int sub, cs;
    if (!(j->tj = tjInitDecompress()))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    if (tjDecompressHeader3(j->tj, j->file, j->size, &j->w, &j->h, &sub, &cs) < 0)
        return lki_err(err, LK_ECORRUPT, "'%s': truncated or damaged JPEG data", path);
    LK_TRY(lki_check_dims(path, j->w, j->h, err));
    int tw, th;
    lk_fit_size(j->w, j->h, max_dim, &tw, &th);
    pick_scale(j, tw, th);
    j->cmyk = cs == TJCS_CMYK || cs == TJCS_YCCK;
    int pf = j->cmyk ? TJPF_CMYK : TJPF_RGB;
    size_t px = (size_t)j->sw * (size_t)j->sh;
    if (!(j->pix = lki_malloc(px * (size_t)tjPixelSize[pf])))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    if (tjDecompress2(j->tj, j->file, j->size, j->pix, j->sw, 0, j->sh, pf, TJFLAG_LIMITSCANS) < 0)
        LK_TRY(tj_failure(j, path, err));
    if (j->cmyk)
        cmyk_to_rgb(j->pix, px, adobe);
    return 0;
}

static void fill_info(lk_media_info *info, const jpeg_job *j, int orientation)
{
    static const int rot[9] = { 0, 0, 0, 180, 180, 270, 90, 90, 270 };
    int swap = orientation >= 5;
    memset(info, 0, sizeof *info);
    info->width = swap ? j->h : j->w;
    info->height = swap ? j->w : j->h;
    info->frame_count = 1;
    info->is_still = 1;
    info->orientation = orientation;
    info->rotation = rot[orientation];
    snprintf(info->format, sizeof info->format, "jpeg");
    snprintf(info->codec, sizeof info->codec, "jpeg");
}

/* Reads, decodes, reduces and turns upright into s. */
static int run(jpeg_job *j, lk_still *s, lki_source *src, const lk_decode_opts *opts,
               lk_media_info *info, lk_errbuf *err)
{
    const char *path = src->path;
    jpeg_meta m;
    LK_TRY(read_file(j, src, err));
    parse_markers(j->file, j->size, &m);
    LK_TRY(decode(j, path, opts->max_dim, m.adobe, err));
    int tw, th;
    lk_fit_size(j->w, j->h, opts->max_dim, &tw, &th);
    if (lki_still_finish(j->pix, j->sw, j->sh, j->sw * 3, m.orientation, tw, th,
                        &s->pix, &s->w, &s->h) < 0)
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    fill_info(info, j, m.orientation);
    return 0;
}

static int jpeg_open(void **state, lki_source *src, const lk_decode_opts *opts,
                     lk_media_info *info, lk_errbuf *err)
{
    const char *path = src->path;
    jpeg_job j;
    memset(&j, 0, sizeof j);
    *state = NULL;
    lk_still *s = lki_calloc(1, sizeof *s);
    int rc = s ? run(&j, s, src, opts, info, err)
               : lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    if (j.tj)
        tjDestroy(j.tj);
    lki_free(j.file);
    lki_free(j.pix);
    if (rc < 0) {
        if (s)
            lki_free(s->pix);
        lki_free(s);
        return rc;
    }
    *state = s;
    return 0;
}

const lk_backend lki_backend_jpeg = { "jpeg", jpeg_open, lki_still_next, lki_still_close };
