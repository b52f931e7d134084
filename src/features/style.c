/*
 * style.c — PLACEHOLDER until the style descriptor lands (style branch).
 * Must not reach main as is.
 */
#include <string.h>
#include "common/common.h"
#include "features/style.h"

struct lk_style_ctx { int unused; };

int lk_style_ctx_new(lk_style_ctx **out)
{
    *out = lk_calloc(1, sizeof **out);
    return *out ? 0 : LK_ENOMEM;
}

void lk_style_ctx_free(lk_style_ctx **c)
{
    if (c) lk_freep(c);
}

int lk_style_compute(lk_style_ctx *c, const lk_simd_ops *ops, const lk_image *img,
                     uint8_t out[LK_STYLE_BYTES])
{
    (void)c; (void)ops; (void)img;
    memset(out, 0, LK_STYLE_BYTES);
    return 0;
}

LK_API float lk_style_distance(const uint8_t a[LK_STYLE_BYTES], const uint8_t b[LK_STYLE_BYTES])
{
    return memcmp(a, b, LK_STYLE_BYTES) ? 1.0f : 0.0f;
}
