/*
 * style.h — internal interface of the style descriptor (style.c), used by
 * the hasher.  The public distance lives in likeness/features.h.
 */
#ifndef LK_FEATURES_STYLE_H
#define LK_FEATURES_STYLE_H

#include <stdint.h>
#include "likeness/features.h"
#include "likeness/simd.h"

/* Scratch memory for style computation; one per hasher (per thread). */
typedef struct lk_style_ctx lk_style_ctx;

/* Creates a context; freed with lki_style_ctx_free().  0 or LK_ENOMEM. */
int lki_style_ctx_new(lk_style_ctx **out);
/* Frees *c (NULL allowed) and sets it to NULL. */
void lki_style_ctx_free(lk_style_ctx **c);

/*
 * Computes the LK_STYLE_BYTES descriptor of img (RGB24 or GRAY8, any size)
 * into out, using the kernels in ops.  Returns 0, LK_EINVAL or LK_ENOMEM.
 */
int lki_style_compute(lk_style_ctx *c, const lk_simd_ops *ops, const lk_image *img,
                     uint8_t out[LK_STYLE_BYTES]);

/* One part of the descriptor (layout table in style.c). */
typedef struct lk_style_part {
    const char *name; /* short name, e.g. "colour" */
    int offset;       /* first byte */
    int length;       /* bytes */
    int is_hist;      /* 1: Soergel distance sum|a-b| / sum max(a,b); 0: sum|a-b| / (255 len) */
    float weight;     /* weight in lk_style_distance() */
} lk_style_part;

#define LK_STYLE_NPARTS 5
/* The parts, in layout order; read-only. */
extern const lk_style_part lki_style_parts[LK_STYLE_NPARTS];

/* Distance of one part (0..LK_STYLE_NPARTS-1) in [0,1]; for evaluation. */
float lki_style_part_distance(const uint8_t *a, const uint8_t *b, int part);

#endif
