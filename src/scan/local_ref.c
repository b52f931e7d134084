/*
 * local_ref.c — the local features a reference file's entries keep
 * (lk_ref_entries.loc): LK_REF_LOCAL_KEYPOINTS keypoints of the whole
 * frame, packed (lk_local_pack), for new whole-frame entries that are
 * scene cuts or at least LK_REF_LOCAL_INTERVAL seconds after the last
 * entry that got them.
 *
 * Invariant: loc[] is in increasing entry order (entries are appended in
 * order), each data owned and of lk_local_packed_size(count) bytes.
 */
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

static int loc_reserve(lk_ref_entries *e)
{
    if (e->nloc < e->loccap)
        return 0;
    size_t cap = e->loccap ? 2 * e->loccap : 32;
    lk_index_local *v = lki_realloc(e->loc, cap * sizeof *v);
    if (!v)
        return LK_ENOMEM;
    e->loc = v, e->loccap = cap;
    return 0;
}

int lki_ref_add_local(lk_ref_entries *e, const lk_frame *fr, int cut)
{
    lk_local_params p;
    lk_local_features f = { 0 };
    if (e->nloc && !cut && fr->time - e->last_local < LK_REF_LOCAL_INTERVAL &&
        fr->time >= e->last_local)
        return 0;
    lk_local_params_default(&p);
    p.max_keypoints = LK_REF_LOCAL_KEYPOINTS;
    p.mirror = 0;
    int rc = lk_local_extract(e->local, &fr->image, &p, &f);
    size_t bytes = lk_local_packed_size(rc > 0 ? (size_t)rc : 0);
    uint8_t *data = rc > 0 ? lki_malloc(bytes) : NULL;
    if (rc > 0 && !data)
        rc = LK_ENOMEM;
    if (rc > 0 && (rc = loc_reserve(e)) == 0 &&
        (rc = (int)lk_local_pack(&f, f.count, data, bytes)) > 0) {
        e->loc[e->nloc++] = (lk_index_local){ (uint32_t)(e->n - 1), data, bytes };
        e->last_local = fr->time;
        data = NULL;
    }
    lki_free(data);
    lk_local_features_release(&f);
    return rc < 0 ? rc : 0;
}

void lki_ref_locals_release(lk_ref_entries *e)
{
    for (size_t i = 0; i < e->nloc; i++)
        lki_free((void *)e->loc[i].data);
    lki_free(e->loc);
    e->loc = NULL;
    e->nloc = e->loccap = 0;
}
