/*
 * evidence.c — side-by-side evidence pictures: the suspect frame and the
 * matched reference frame in one PNG (libpng), encoded in memory and
 * written atomically and durably (common/atomic_file.h: a reader never
 * sees a partial picture).  The file gets mode 0666 less the umask, as
 * any file the user creates.
 */
#include <png.h>
#include <string.h>
#include "common/common.h"
#include "common/atomic_file.h"
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

/* Encodes the canvas as PNG into *png (lki_malloc'd, *n bytes).  Returns
 * 0, LK_ENOMEM or LK_EIO (libpng failed). */
static int encode_png(const uint8_t *canvas, int w, int h, uint8_t **png, size_t *n)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    png_alloc_size_t cap = PNG_IMAGE_PNG_SIZE_MAX(img);
    if (!(*png = lki_malloc(cap)))
        return LK_ENOMEM;
    int ok = png_image_write_to_memory(&img, *png, &cap, 0, canvas, w * 3, NULL);
    png_image_free(&img);
    if (!ok) {
        lk_freep(png);
        return LK_EIO;
    }
    *n = cap;
    return 0;
}

/* The canvas of the two pictures side by side (lki_malloc'd), or NULL. */
static uint8_t *compose(const lk_image *left, const lk_image *right, int *w, int *h)
{
    *w = left->width + right->width + 3 * GAP;
    *h = LK_MAX(left->height, right->height) + 2 * GAP;
    uint8_t *canvas = lki_malloc((size_t)*w * (size_t)*h * 3);
    if (!canvas)
        return NULL;
    memset(canvas, BG, (size_t)*w * (size_t)*h * 3);
    blit(canvas, *w, left, GAP, (*h - left->height) / 2);
    blit(canvas, *w, right, 2 * GAP + left->width, (*h - right->height) / 2);
    return canvas;
}

LK_API int lk_evidence_write_png(const char *path, const lk_image *left, const lk_image *right,
                                 lk_errbuf *err)
{
    if (!path || !valid(left) || !valid(right))
        return lki_err(err, LK_EINVAL, "cannot write evidence '%s': invalid pictures",
                      path ? path : "");
    int w, h;
    uint8_t *png = NULL, *canvas = compose(left, right, &w, &h);
    size_t n = 0;
    int rc = canvas ? encode_png(canvas, w, h, &png, &n) : LK_ENOMEM;
    lki_free(canvas);
    if (rc == 0)
        rc = lki_write_file_atomic(path, 0666, 0, png, n, "evidence", err);
    else
        lki_err(err, rc, "cannot write evidence '%s': %s", path,
                rc == LK_ENOMEM ? "out of memory" : "cannot encode the picture");
    lki_free(png);
    return rc;
}
