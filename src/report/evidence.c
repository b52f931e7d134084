/*
 * evidence.c — side-by-side evidence pictures: the suspect frame and the
 * matched reference frame in one PNG (libpng), written to a temporary file
 * in the same directory and renamed into place, so a reader never sees a
 * partial picture.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/common.h"
#include "likeness/report.h"

#define GAP 16        /* pixels between and around the two pictures */
#define BG 0x20       /* background grey level */

/* Copies img (RGB24 or GRAY8) into the canvas at (x, y). */
static void blit(uint8_t *canvas, int cw, const lk_image *img, int x, int y)
{
    for (int r = 0; r < img->height; r++) {
        const uint8_t *src = img->data + (size_t)r * (size_t)img->stride;
        uint8_t *dst = canvas + ((size_t)(y + r) * (size_t)cw + (size_t)x) * 3;
        if (img->fmt == LK_PIX_RGB24) {
            memcpy(dst, src, (size_t)img->width * 3);
        } else {
            for (int c = 0; c < img->width; c++)
                dst[3 * c] = dst[3 * c + 1] = dst[3 * c + 2] = src[c];
        }
    }
}

static int valid(const lk_image *i)
{
    return i && i->data && i->width > 0 && i->height > 0 && i->width <= 8192 &&
           i->height <= 8192 && (i->fmt == LK_PIX_RGB24 || i->fmt == LK_PIX_GRAY8) &&
           i->stride >= i->width * i->fmt;
}

/* Writes the canvas as PNG to fp; 0 or -1. */
static int write_png(FILE *fp, const uint8_t *canvas, int w, int h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    int ok = png_image_write_to_stdio(&img, fp, 0, canvas, w * 3, NULL);
    png_image_free(&img);
    return ok ? 0 : -1;
}

LK_API int lk_evidence_write_png(const char *path, const lk_image *left, const lk_image *right,
                                 lk_errbuf *err)
{
    if (!path || !valid(left) || !valid(right))
        return lki_err(err, LK_EINVAL, "cannot write evidence '%s': invalid pictures",
                      path ? path : "");
    int w = left->width + right->width + 3 * GAP;
    int h = LK_MAX(left->height, right->height) + 2 * GAP;
    uint8_t *canvas = lki_malloc((size_t)w * (size_t)h * 3);
    size_t n = strlen(path) + 16;
    char *tmp = lki_malloc(n);
    if (!canvas || !tmp) {
        lki_free(canvas);
        lki_free(tmp);
        return lki_err(err, LK_ENOMEM, "cannot write evidence '%s': out of memory", path);
    }
    memset(canvas, BG, (size_t)w * (size_t)h * 3);
    blit(canvas, w, left, GAP, (h - left->height) / 2);
    blit(canvas, w, right, 2 * GAP + left->width, (h - right->height) / 2);
    snprintf(tmp, n, "%s.XXXXXX", path);
    int rc = 0, fd = mkstemp(tmp);
    FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!fp) {
        rc = lki_err(err, lki_err_from_errno(errno), "cannot write evidence '%s': %s", path,
                    strerror(errno));
        if (fd >= 0)
            close(fd);
    } else {
        int bad = write_png(fp, canvas, w, h) < 0;
        bad |= fclose(fp) != 0;
        if (bad || rename(tmp, path) != 0)
            rc = lki_err(err, LK_EIO, "cannot write evidence '%s': %s", path,
                        bad ? "write failed" : strerror(errno));
    }
    if (rc < 0 && fd >= 0)
        unlink(tmp);
    lki_free(canvas);
    lki_free(tmp);
    return rc;
}
