/*
 * policy.c — the one table of what the index stores and what a scan
 * queries, and the two functions that follow it: the entries of a
 * reference frame (lk_ref_entries_add_frame) and the queries of a suspect
 * frame (lki_scan_add_frame).
 *
 *   region              stored view      queried window   why
 *   whole frame         LK_VIEW_FULL     (the frame)      re-encodes, grades, flips, speed
 *   4 corners, centre   -                windows 0-4      picture-in-picture at ~45 %
 *   centre 80 %         LK_VIEW_CENTER   window 5         border crops, edge overlays
 *   9:16 strip          LK_VIEW_STRIP    -                vertical reframing (the suspect
 *                                                         is the strip: its whole frame)
 *   core 60 % x 50 %    LK_VIEW_CORE     window 6         logos in corners, caption bars
 *   insets              -                detected, <= 2   picture-in-picture anywhere
 *   local features      whole frame,     whole frame,     crops, reframing, insets,
 *                       300 keypoints    600 + mirrored   occlusion (local_ref.c,
 *                       (new entries)                     local_scan.c)
 *
 * A region whose PDQ quality is below LK_SCAN_MIN_QUALITY is neither
 * stored nor queried, with one exception: the whole frame's entry is always
 * stored, since it also carries pHash, dHash and style.  The geometry of
 * each region is in src/features/views.c; a stored view and the window
 * queried against it have the same rectangle (tests/unit/test_scan_policy.c).
 */
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

#define S LK_REGION_STORED
#define Q LK_REGION_QUERIED
static const lk_scan_region regions[] = {
    { "whole frame", LK_VIEW_FULL, -1, S | Q },
    { "top-left 45%", -1, 0, Q },
    { "top-right 45%", -1, 1, Q },
    { "bottom-left 45%", -1, 2, Q },
    { "bottom-right 45%", -1, 3, Q },
    { "centre 45%", -1, 4, Q },
    { "centre 80%", LK_VIEW_CENTER, 5, S | Q },
    { "9:16 strip", LK_VIEW_STRIP, -1, S },
    { "core 60% x 50%", LK_VIEW_CORE, 6, S | Q },
    { "insets", -1, -2, Q },
};
#undef S
#undef Q

LK_API size_t lk_scan_regions(const lk_scan_region **out)
{
    if (out)
        *out = regions;
    return LK_ARRAY_SIZE(regions);
}

/* ---- reference side ---- */

static int entries_reserve(lk_ref_entries *e)
{
    if (e->n + LK_VIEW_COUNT <= e->cap)
        return 0;
    size_t cap = e->cap ? e->cap * 2 : 64;
    lk_index_frame *p = lki_realloc(e->v, cap * sizeof *p);
    if (!p)
        return LK_ENOMEM;
    e->v = p, e->cap = cap;
    return 0;
}

/* Adds the PDQ of stored sub-region view `view` of frame fr, if usable. */
static int add_view(lk_ref_entries *e, lk_hasher *h, const lk_frame *fr, int view)
{
    lk_rect r;
    lk_image sub;
    lk_features f;
    int rc = lk_view_rect(view, fr->image.width, fr->image.height, &r);
    if (rc != 1)
        return rc < 0 ? rc : 0; /* 0: the view does not apply to this shape */
    LK_TRY(lk_image_sub(&fr->image, &r, &sub));
    LK_TRY(lk_hasher_compute(h, &sub, LK_FEAT_PDQ, &f));
    if (f.pdq_quality >= LK_SCAN_MIN_QUALITY)
        lk_ref_collapse_view(e->v, &e->n, view, &f.pdq, f.pdq_quality, fr->time,
                             (fr->flags & LK_FRAME_SCENECUT) != 0);
    return 0;
}

LK_API int lk_ref_entries_add_frame(lk_ref_entries *e, lk_hasher *h, const lk_frame *fr)
{
    lk_features f;
    int cut = (fr->flags & LK_FRAME_SCENECUT) != 0;
    if (!e || !h || !fr)
        return LK_EINVAL;
    LK_TRY(entries_reserve(e));
    LK_TRY(lk_hasher_compute(h, &fr->image, LK_FEAT_ALL, &f));
    for (size_t i = 0; i < LK_ARRAY_SIZE(regions); i++) {
        if (!(regions[i].use & LK_REGION_STORED))
            continue;
        if (regions[i].view == LK_VIEW_FULL) {
            if (lk_ref_collapse(e->v, &e->n, &f, fr->time, cut) && e->local)
                LK_TRY(lki_ref_add_local(e, fr, cut));
        } else
            LK_TRY(add_view(e, h, fr, regions[i].view));
    }
    e->sampled++;
    return 0;
}

/* ---- suspect side ---- */

const char *lki_view_name(int view)
{
    for (size_t i = 0; i < LK_ARRAY_SIZE(regions); i++)
        if (regions[i].view == view)
            return regions[i].name;
    return "unknown view";
}

lk_scan_box lki_scan_box(const lk_rect *r, int w, int h)
{
    if (w < 1 || h < 1)
        return (lk_scan_box){ 0, 0, 0, 0 };
    return (lk_scan_box){ (float)r->x / (float)w, (float)r->y / (float)h,
                          (float)r->width / (float)w, (float)r->height / (float)h };
}

int lki_frameset_push_time(struct lki_frameset *fs, const lk_frame *fr)
{
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 64;
        double *qt = lki_realloc(fs->qtimes, cap * sizeof *qt);
        if (qt)
            fs->qtimes = qt;
        int64_t *qn = lki_realloc(fs->qnumber, cap * sizeof *qn);
        if (qn)
            fs->qnumber = qn;
        struct lki_pic *pics = fs->pics ? lki_realloc(fs->pics, cap * sizeof *pics) : NULL;
        if (pics) {
            memset(pics + fs->cap, 0, (cap - fs->cap) * sizeof *pics);
            fs->pics = pics;
        }
        if (!qt || !qn || (fs->pics && !pics))
            return LK_ENOMEM;
        fs->cap = cap;
    }
    fs->qtimes[fs->n] = fr->time;
    fs->qnumber[fs->n++] = fr->number;
    return 0;
}

static int queries_reserve(struct lki_frameset *fs)
{
    if (fs->nq < fs->qcap)
        return 0;
    size_t cap = fs->qcap ? 2 * fs->qcap : 256;
    uint32_t *qf = lki_realloc(fs->qframe, cap * sizeof *qf);
    if (qf)
        fs->qframe = qf;
    struct lki_query_where *qw = lki_realloc(fs->qwhere, cap * sizeof *qw);
    if (qw)
        fs->qwhere = qw;
    lk_hash256 *q = lki_realloc(fs->queries, cap * LK_DIHEDRAL_COUNT * sizeof *q);
    if (q)
        fs->queries = q;
    if (!qf || !qw || !q)
        return LK_ENOMEM;
    fs->qcap = cap;
    return 0;
}

/* Appends the dihedral variants of one query of frame fs->n (the frame
 * being collected), policy row `row` at rectangle r of fr->image, if its
 * quality is usable. */
static int push_query(struct lki_frameset *fs, const lk_features *f, size_t row,
                      const lk_frame *fr, const lk_rect *r)
{
    if (f->pdq_quality < LK_SCAN_MIN_QUALITY)
        return 0;
    LK_TRY(queries_reserve(fs));
    lk_rect whole = { fr->crop.x + r->x, fr->crop.y + r->y, r->width, r->height };
    fs->qframe[fs->nq] = (uint32_t)fs->n;
    fs->qwhere[fs->nq] = (struct lki_query_where){
        (uint32_t)row, lki_scan_box(&whole, fr->full.width, fr->full.height) };
    memcpy(&fs->queries[fs->nq * LK_DIHEDRAL_COUNT], f->pdq_dihedral, sizeof f->pdq_dihedral);
    fs->nq++;
    return 0;
}

/* Queries rectangle r of the frame (policy row `row`). */
static int query_rect(struct lki_frameset *fs, lk_hasher *h, const lk_frame *fr,
                      const lk_rect *r, size_t row)
{
    lk_image sub;
    lk_features wf;
    LK_TRY(lk_image_sub(&fr->image, r, &sub));
    LK_TRY(lk_hasher_compute(h, &sub, LK_FEAT_PDQ | LK_FEAT_DIHEDRAL, &wf));
    return push_query(fs, &wf, row, fr, r);
}

/* Queries the confident picture-in-picture insets of the frame. */
static int query_insets(struct lki_frameset *fs, lk_hasher *h, const lk_frame *fr, size_t row)
{
    lk_inset ins[LK_SCAN_MAX_INSETS];
    int n = lk_find_insets(&fr->image, ins, LK_SCAN_MAX_INSETS);
    LK_TRY(n);
    for (int k = 0; k < n && ins[k].score >= LK_INSET_CONFIDENT; k++)
        LK_TRY(query_rect(fs, h, fr, &ins[k].rect, row));
    return 0;
}

int lki_scan_add_frame(struct lki_frameset *fs, lk_hasher *h, const lk_frame *fr,
                       const lk_features *f)
{
    size_t before = fs->nq;
    for (size_t i = 0; i < LK_ARRAY_SIZE(regions); i++) {
        const lk_scan_region *g = &regions[i];
        lk_rect r;
        if (!(g->use & LK_REGION_QUERIED))
            continue;
        if (g->window == -2) {
            LK_TRY(query_insets(fs, h, fr, i));
        } else if (g->window < 0) {
            r = (lk_rect){ 0, 0, fr->image.width, fr->image.height };
            LK_TRY(push_query(fs, f, i, fr, &r));
        } else {
            LK_TRY(lk_window_rect(g->window, fr->image.width, fr->image.height, &r));
            LK_TRY(query_rect(fs, h, fr, &r, i));
        }
    }
    return fs->nq > before ? lki_frameset_push_time(fs, fr) : 0;
}

void lki_frameset_release(struct lki_frameset *fs)
{
    lki_free(fs->qtimes);
    lki_free(fs->qnumber);
    lki_free(fs->queries);
    lki_free(fs->qframe);
    for (size_t i = 0; fs->pics && i < fs->n; i++)
        lki_free(fs->pics[i].px);
    lki_free(fs->pics);
    lki_free(fs->styles);
    lki_free(fs->qwhere);
    lki_free(fs->lhits);
    memset(fs, 0, sizeof *fs);
}
