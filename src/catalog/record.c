/*
 * record.c — the fixed-size little-endian frame record (layout in
 * catalog_internal.h) and the invariants every stored entry satisfies.
 */
#include <math.h>
#include <string.h>
#include "common/common.h"
#include "catalog/catalog_internal.h"

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void putf64(uint8_t *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put64(p, v);
}

static double getf64(const uint8_t *p)
{
    uint64_t v = get64(p);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

void lki_rec_encode(const lk_index_frame *f, uint8_t rec[LK_REC_BYTES])
{
    putf64(rec, f->t0);
    putf64(rec + 8, f->t1);
    for (int i = 0; i < 4; i++)
        put64(rec + 16 + 8 * i, f->pdq.w[i]);
    put64(rec + 48, f->phash);
    put64(rec + 56, f->dhash);
    rec[64] = (uint8_t)f->quality;
    rec[65] = (uint8_t)f->flags;
    rec[66] = (uint8_t)f->view;
    rec[67] = 0;
    memcpy(rec + 68, f->style, LK_STYLE_BYTES);
}

void lki_rec_decode(const uint8_t rec[LK_REC_BYTES], lk_index_frame *f)
{
    f->t0 = getf64(rec);
    f->t1 = getf64(rec + 8);
    for (int i = 0; i < 4; i++)
        f->pdq.w[i] = get64(rec + 16 + 8 * i);
    f->phash = get64(rec + 48);
    f->dhash = get64(rec + 56);
    f->quality = rec[64];
    f->flags = rec[65];
    f->view = rec[66];
    memcpy(f->style, rec + 68, LK_STYLE_BYTES);
}

int lki_rec_check(const lk_index_frame *f, lk_errbuf *err)
{
    if (!isfinite(f->t0) || !isfinite(f->t1) || f->t0 < 0 || f->t1 < f->t0 ||
        f->t1 > LK_INDEX_TIME_MAX)
        return lki_err(err, LK_EINVAL, "bad time span [%g, %g]", f->t0, f->t1);
    if (f->quality < 0 || f->quality > 100)
        return lki_err(err, LK_EINVAL, "bad quality %d", f->quality);
    if (f->flags & ~(unsigned)(LK_ENTRY_ALL | LK_ENTRY_SCENECUT))
        return lki_err(err, LK_EINVAL, "bad entry flags 0x%x", f->flags);
    if (f->view < 0 || f->view >= LK_VIEW_COUNT)
        return lki_err(err, LK_EINVAL, "bad entry view %d", f->view);
    return 0;
}
