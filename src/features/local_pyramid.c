/*
 * local_pyramid.c — the local features' image pyramid: 8-bit luma of the
 * picture (the style kernel's (77R + 150G + 29B + 128) >> 8), then levels
 * of scale 1, 1.5, 2, 3, 4, 6, ...: an even level 2k is the 2x2 box
 * average of level 2k-2, an odd level 2k+1 the 2/3 area resampling of
 * level 2k, so every level comes from a sharp parent by one exact integer
 * kernel.  Each level also gets a 5x5 binomial blur (sigma 1) for the
 * descriptor's tests and the orientation.
 *
 * Invariants: all levels share one stride (>= width of level 0 + 32,
 * multiple of 64) and live in one arena; each buffer is followed by one
 * stride plus 64 bytes of slack; the blurred copy is valid from 2 pixels
 * in from each side (the rest is never read: keypoints keep
 * LK_LOCAL_MARGIN pixels away).  A level narrower or shorter than
 * 2 * LK_LOCAL_MARGIN + 8 ends the pyramid.
 */
#include <string.h>
#include "common/common.h"
#include "features/local_internal.h"

float lki_local_level_scale(int l)
{
    float s = (float)(1 << (l / 2));
    return (l & 1) ? s * 1.5f : s;
}

static int level_w(const lk_local_pyramid *p, int l)
{
    int w = p->lv[l & 1 ? l - 1 : l - 2].w;
    return l & 1 ? 2 * w / 3 : w / 2;
}

static int level_h(const lk_local_pyramid *p, int l)
{
    int h = p->lv[l & 1 ? l - 1 : l - 2].h;
    return l & 1 ? 2 * h / 3 : h / 2;
}

/* Decides the levels' sizes and grows the arena; 0 or LK_ENOMEM. */
static int layout(lk_local_pyramid *p, int w, int h, int levels)
{
    int min = 2 * LK_LOCAL_MARGIN + 8;
    p->stride = ((ptrdiff_t)w + 32 + 63) & ~(ptrdiff_t)63;
    p->nlevels = 0;
    size_t need = 0;
    for (int l = 0; l < levels; l++) {
        int lw = l ? level_w(p, l) : w, lh = l ? level_h(p, l) : h;
        if (lw < min || lh < min)
            break;
        p->lv[l] = (lk_local_level){NULL, NULL, lw, lh, lki_local_level_scale(l)};
        need += 2 * ((size_t)(lh + 1) * (size_t)p->stride + 64);
        p->nlevels = l + 1;
    }
    if (need > p->arena_cap) {
        lki_free_aligned(p->arena);
        p->arena_cap = 0;
        p->arena = lki_malloc_aligned(need);
        if (!p->arena)
            return LK_ENOMEM;
        p->arena_cap = need;
    }
    size_t tn = (size_t)p->stride + 8;
    if (tn > p->tmp_cap) {
        lki_free(p->tmp);
        p->tmp_cap = 0;
        if (!(p->tmp = lki_malloc(tn * sizeof *p->tmp)))
            return LK_ENOMEM;
        p->tmp_cap = tn;
    }
    uint8_t *at = p->arena;
    for (int l = 0; l < p->nlevels; l++) {
        size_t n = (size_t)(p->lv[l].h + 1) * (size_t)p->stride + 64;
        p->lv[l].px = at;
        p->lv[l].blur = at + n;
        memset(at + n - (size_t)p->stride - 64, 0, (size_t)p->stride + 64);
        memset(at + 2 * n - (size_t)p->stride - 64, 0, (size_t)p->stride + 64);
        at += 2 * n;
    }
    return 0;
}

static void fill_luma(lk_local_pyramid *p, const lk_simd_ops *ops, const lk_image *img)
{
    lk_local_level *l0 = &p->lv[0];
    for (int y = 0; y < l0->h; y++) {
        const uint8_t *src = img->data + (size_t)y * (size_t)img->stride;
        uint8_t *dst = l0->px + (size_t)y * (size_t)p->stride;
        if (img->fmt == LK_PIX_RGB24)
            ops->style_quant_rgb24(src, l0->w, NULL, dst);
        else
            memcpy(dst, src, (size_t)l0->w);
    }
}

static void make_half(lk_local_pyramid *p, const lk_simd_ops *ops, int l)
{
    const lk_local_level *s = &p->lv[l - 2];
    lk_local_level *d = &p->lv[l];
    ptrdiff_t st = p->stride;
    for (int y = 0; y < d->h; y++)
        ops->local_half_row(s->px + 2 * y * st, s->px + (2 * y + 1) * st, d->w, d->px + y * st);
}

static void make_twothirds(lk_local_pyramid *p, const lk_simd_ops *ops, int l)
{
    const lk_local_level *s = &p->lv[l - 1];
    lk_local_level *d = &p->lv[l];
    ptrdiff_t st = p->stride;
    for (int y = 0; y < d->h; y += 2) {
        const uint8_t *r0 = s->px + (3 * y / 2) * st;
        /* an odd last output row uses only rows 3k, 3k+1; its second output
         * row goes to the slack row past the level */
        const uint8_t *r2 = y + 1 < d->h ? r0 + 2 * st : r0 + st;
        ops->local_twothirds_rows(r0, r0 + st, r2, d->w, d->px + y * st, d->px + (y + 1) * st);
    }
}

static void make_blur(lk_local_pyramid *p, const lk_simd_ops *ops, int l)
{
    lk_local_level *v = &p->lv[l];
    ptrdiff_t st = p->stride;
    for (int y = 2; y < v->h - 2; y++)
        ops->local_blur_row(v->px + y * st + 2, st, v->w - 4, p->tmp, v->blur + y * st + 2);
}

int lki_local_pyramid_build(lk_local_pyramid *p, const lk_simd_ops *ops, const lk_image *img,
                           int levels)
{
    LK_TRY(layout(p, img->width, img->height, levels));
    if (p->nlevels == 0)
        return 0;
    fill_luma(p, ops, img);
    for (int l = 1; l < p->nlevels; l++) {
        if (l & 1)
            make_twothirds(p, ops, l);
        else
            make_half(p, ops, l);
    }
    for (int l = 0; l < p->nlevels; l++)
        make_blur(p, ops, l);
    return 0;
}

void lki_local_pyramid_release(lk_local_pyramid *p)
{
    lki_free_aligned(p->arena);
    lki_free(p->tmp);
    memset(p, 0, sizeof *p);
}
