/*
 * hasher.c — the per-thread hasher: kernel table, constant DCT tables and
 * scratch memory, and lk_hasher_compute(), which runs the requested
 * features over one picture.
 *
 * Invariants: ops is a private copy of a complete kernel table; the DCT
 * tables are filled once in lk_hasher_new*(); luma and tmp hold cap
 * (>= w * max(h, 40)) floats each and only grow, so a warm hasher computes without allocating.
 * The float luma is computed once per call and shared: pHash and dHash
 * read it first, then PDQ blurs it in place.
 */
#include <string.h>
#include "common/common.h"
#include "features/features_internal.h"
#include "features/style.h"

struct lk_hasher {
    lk_simd_ops ops;          /* kernel table (copy) */
    lk_pdq_tables pdq;        /* PDQ DCT matrix and transpose */
    lk_phash_tables phash;    /* pHash DCT rows and transpose */
    lk_pdq_work pdq_work;     /* fixed PDQ scratch */
    lk_phash_work phash_work; /* fixed pHash scratch */
    float *luma;              /* cap floats: the float luma, then PDQ buffer 1 */
    float *tmp;               /* cap floats: PDQ buffer 2, reduction scratch */
    size_t cap;               /* floats in luma and in tmp */
    lk_style_ctx *style;      /* style scratch */
};

int lki_hasher_new_with_ops(lk_hasher **out, const lk_simd_ops *ops)
{
    lk_hasher *h = lki_malloc_aligned(sizeof *h);
    *out = NULL;
    if (!h)
        return LK_ENOMEM;
    memset(h, 0, sizeof *h);
    h->ops = *ops;
    lki_pdq_tables_init(&h->pdq);
    lki_phash_tables_init(&h->phash);
    if (lki_style_ctx_new(&h->style) < 0) {
        lki_free_aligned(h);
        return LK_ENOMEM;
    }
    *out = h;
    return 0;
}

LK_API int lk_hasher_new(lk_hasher **out)
{
    return lki_hasher_new_with_ops(out, lk_simd_ops_get());
}

LK_API void lk_hasher_free(lk_hasher **h)
{
    if (!h || !*h)
        return;
    lki_style_ctx_free(&(*h)->style);
    lki_free_aligned((*h)->luma);
    lki_free_aligned((*h)->tmp);
    lki_free_aligned(*h);
    *h = NULL;
}

/* Checks the lk_image invariants; 0 or LK_EINVAL. */
static int image_check(const lk_image *img)
{
    if (!img || !img->data || img->width < 1 || img->height < 1)
        return LK_EINVAL;
    if (img->fmt != LK_PIX_GRAY8 && img->fmt != LK_PIX_RGB24)
        return LK_EINVAL;
    if (img->stride / img->fmt < img->width)
        return LK_EINVAL;
    return 0;
}

/* Grows luma and tmp to n floats each (contents are not kept). */
static int ensure_cap(lk_hasher *h, size_t n)
{
    size_t bytes;
    if (n <= h->cap)
        return 0;
    if (lk_mul_size(n, sizeof(float), &bytes) < 0)
        return LK_ENOMEM;
    lki_free_aligned(h->luma);
    lki_free_aligned(h->tmp);
    h->luma = lki_malloc_aligned(bytes);
    h->tmp = lki_malloc_aligned(bytes);
    if (!h->luma || !h->tmp) {
        lki_free_aligned(h->luma);
        lki_free_aligned(h->tmp);
        h->luma = h->tmp = NULL;
        h->cap = 0;
        return LK_ENOMEM;
    }
    h->cap = n;
    return 0;
}

/* o[x] = (float)p[x] in blocks of 8 independent statements (vectorised). */
static void gray_row(const uint8_t *restrict p, float *restrict o, int w)
{
    int x = 0;
    for (; x + 8 <= w; x += 8) {
        o[x] = (float)p[x]; o[x + 1] = (float)p[x + 1];
        o[x + 2] = (float)p[x + 2]; o[x + 3] = (float)p[x + 3];
        o[x + 4] = (float)p[x + 4]; o[x + 5] = (float)p[x + 5];
        o[x + 6] = (float)p[x + 6]; o[x + 7] = (float)p[x + 7];
    }
    for (; x < w; x++)
        o[x] = (float)p[x];
}

/* Fills h->luma with the dense float luma of img (PDQ's definition). */
static void fill_luma(lk_hasher *h, const lk_image *img)
{
    int w = img->width, ht = img->height;
    if (img->fmt == LK_PIX_RGB24) {
        h->ops.luma_rgb24(img->data, img->stride, w, ht, h->luma);
        return;
    }
    for (int y = 0; y < ht; y++)
        gray_row(img->data + (size_t)y * (size_t)img->stride, h->luma + (size_t)y * (size_t)w, w);
}

/* The luma-based hashes: pHash and dHash first (they share one vertical
 * reduction and only read the luma), then PDQ, which blurs it in place. */
static void luma_features(lk_hasher *h, int w, int ht, unsigned what, lk_features *out)
{
    if (what & (LK_FEAT_PHASH | LK_FEAT_DHASH)) {
        float *rows = h->tmp; /* LK_PHASH_SIZE x w, then 8 x w for dHash */
        lki_reduce_vertical(h->luma, w, ht, rows, LK_PHASH_SIZE);
        if (what & LK_FEAT_PHASH)
            out->phash = lki_phash_from_rows(&h->ops, &h->phash, &h->phash_work, rows, w);
        if (what & LK_FEAT_DHASH)
            out->dhash = lki_dhash_from_rows(rows, rows + (size_t)LK_PHASH_SIZE * (size_t)w, w);
    }
    if (what & (LK_FEAT_PDQ | LK_FEAT_DIHEDRAL))
        lki_pdq_from_luma(&h->ops, &h->pdq, &h->pdq_work, h->luma, h->tmp, w, ht,
                         (what & LK_FEAT_DIHEDRAL) != 0, out);
}

LK_API int lk_hasher_compute(lk_hasher *h, const lk_image *img, unsigned what,
                             lk_features *out)
{
    if (!h || !out)
        return LK_EINVAL;
    LK_TRY(image_check(img));
    memset(out, 0, sizeof *out);

    if (what & (LK_FEAT_PDQ | LK_FEAT_DIHEDRAL | LK_FEAT_PHASH | LK_FEAT_DHASH)) {
        /* luma: w*h; tmp: w*h for PDQ, (32 + 8) rows of w for pHash/dHash */
        size_t n, tall = (size_t)LK_MAX(img->height, LK_PHASH_SIZE + 8);
        if (lk_mul_size((size_t)img->width, tall, &n) < 0)
            return LK_ENOMEM;
        LK_TRY(ensure_cap(h, n));
        fill_luma(h, img);
        luma_features(h, img->width, img->height, what, out);
    }
    if (what & LK_FEAT_STYLE)
        LK_TRY(lki_style_compute(h->style, &h->ops, img, out->style));
    return 0;
}
