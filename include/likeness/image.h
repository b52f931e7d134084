/*
 * likeness/image.h — the pixel buffer that flows from decode to features.
 *
 * An lk_image never owns its pixels: whoever filled it (a decoder, a test)
 * keeps them alive for as long as the image is used.
 */
#ifndef LIKENESS_IMAGE_H
#define LIKENESS_IMAGE_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Pixel layouts.  Both are 8 bits per sample, rows top to bottom. */
enum lk_pixfmt {
    LK_PIX_GRAY8 = 1, /**< one byte per pixel, luma */
    LK_PIX_RGB24 = 3  /**< three bytes per pixel, R G B, sRGB-ish, full range */
};

/**
 * A borrowed view of 8-bit pixels.
 * Invariants: width >= 1, height >= 1, stride >= width * fmt, and
 * data points at height rows of stride bytes each.
 */
typedef struct lk_image {
    const uint8_t *data; /**< first byte of the top row; not owned */
    int width;           /**< pixels per row */
    int height;          /**< rows */
    int stride;          /**< bytes from one row to the next */
    int fmt;             /**< enum lk_pixfmt; also the bytes per pixel */
} lk_image;

/** A rectangle inside a picture, in pixels of the picture it refers to. */
typedef struct lk_rect {
    int x, y;          /**< top-left corner */
    int width, height; /**< size; 0x0 means "none" */
} lk_rect;

#ifdef __cplusplus
}
#endif
#endif
