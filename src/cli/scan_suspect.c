/*
 * scan_suspect.c — one suspect through the pipeline: content hash, decode
 * and sample, features with the 8 PDQ dihedral variants of the whole frame
 * and of each suspect window (lk_window_rect: picture-in-picture corners
 * and centre, the central region) and each confident picture-in-picture
 * inset found in the frame (lk_find_insets), a radius search of every usable query
 * over the whole index (whose entries hold reference views, enum lk_view),
 * temporal alignment of the hits into segments, style ranking of the
 * suspect's mean descriptor against every work's, the verdict, and (with
 * --evidence) side-by-side pictures of the closest frame pair of each
 * reported segment.
 *
 * Invariants: a query (a whole frame or one window of it) is kept only
 * when its PDQ quality is >= LK_SCAN_MIN_QUALITY, a frame only when one of
 * its queries is; queries[8k..8k+7] are query k's variants and qframe[k]
 * its frame, qtimes[i] is the time of frame i.  Before alignment the hits
 * of a frame's queries are merged into hits of the frame, one per indexed
 * entry (the closest), so several windows of one frame never count as
 * several frames.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/scan.h"

/* The sampled frames of a suspect. */
struct frameset {
    double *qtimes;            /* time of each usable frame */
    size_t n, cap;             /* usable frames, capacity */
    lk_hash256 *queries;       /* 8 variants per query */
    uint32_t *qframe;          /* frame of each query */
    size_t nq, qcap;           /* queries, capacity */
    uint64_t style_sum[LK_STYLE_BYTES]; /* sum of all frames' descriptors */
    long style_n;              /* frames summed */
    long frames;               /* frames sampled */
    int still;                 /* the suspect is a still picture */
    double duration;           /* seconds */
};

static void frameset_release(struct frameset *fs)
{
    free(fs->qtimes);
    free(fs->queries);
    free(fs->qframe);
    memset(fs, 0, sizeof *fs);
}

/* Appends frame time t (when the frame has usable queries). */
static int push_time(struct frameset *fs, double t)
{
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 64;
        double *qt = realloc(fs->qtimes, cap * sizeof *qt);
        if (!qt)
            return LK_ENOMEM;
        fs->qtimes = qt, fs->cap = cap;
    }
    fs->qtimes[fs->n++] = t;
    return 0;
}

/* Appends the dihedral variants of one query of frame fs->n (the frame
 * being collected). */
static int push_query(struct frameset *fs, const lk_features *f)
{
    if (fs->nq == fs->qcap) {
        size_t cap = fs->qcap ? 2 * fs->qcap : 256;
        uint32_t *qf = realloc(fs->qframe, cap * sizeof *qf);
        if (qf)
            fs->qframe = qf;
        lk_hash256 *q = realloc(fs->queries, cap * LK_DIHEDRAL_COUNT * sizeof *q);
        if (q)
            fs->queries = q;
        if (!qf || !q)
            return LK_ENOMEM;
        fs->qcap = cap;
    }
    fs->qframe[fs->nq] = (uint32_t)fs->n;
    memcpy(&fs->queries[fs->nq * LK_DIHEDRAL_COUNT], f->pdq_dihedral, sizeof f->pdq_dihedral);
    fs->nq++;
    return 0;
}

/* Adds a query for each confident picture-in-picture inset of the frame
 * (lk_find_insets), at most LK_SCAN_MAX_INSETS, like a window.  0 or < 0. */
static int add_insets(struct frameset *fs, lk_hasher *h, const lk_frame *fr)
{
    lk_inset ins[LK_SCAN_MAX_INSETS];
    int n = lk_find_insets(&fr->image, ins, LK_SCAN_MAX_INSETS);
    LK_CLI_TRY(n);
    for (int k = 0; k < n && ins[k].score >= LK_INSET_CONFIDENT; k++) {
        lk_image sub;
        lk_features wf;
        LK_CLI_TRY(lk_image_sub(&fr->image, &ins[k].rect, &sub));
        LK_CLI_TRY(lk_hasher_compute(h, &sub, LK_FEAT_PDQ | LK_FEAT_DIHEDRAL, &wf));
        if (wf.pdq_quality >= LK_SCAN_MIN_QUALITY)
            LK_CLI_TRY(push_query(fs, &wf));
    }
    return 0;
}

/* Adds the queries of one sampled frame: the whole frame (features f
 * already computed) and its windows, each if its quality is usable; then
 * the frame's time if any was.  0 or < 0. */
static int add_frame(struct frameset *fs, lk_hasher *h, const lk_frame *fr, const lk_features *f)
{
    size_t before = fs->nq;
    if (f->pdq_quality >= LK_SCAN_MIN_QUALITY)
        LK_CLI_TRY(push_query(fs, f));
    for (int k = 0; k < LK_WINDOW_COUNT; k++) {
        lk_rect r;
        lk_image sub;
        lk_features wf;
        LK_CLI_TRY(lk_window_rect(k, fr->image.width, fr->image.height, &r));
        LK_CLI_TRY(lk_image_sub(&fr->image, &r, &sub));
        LK_CLI_TRY(lk_hasher_compute(h, &sub, LK_FEAT_PDQ | LK_FEAT_DIHEDRAL, &wf));
        if (wf.pdq_quality >= LK_SCAN_MIN_QUALITY)
            LK_CLI_TRY(push_query(fs, &wf));
    }
    LK_CLI_TRY(add_insets(fs, h, fr));
    return fs->nq > before ? push_time(fs, fr->time) : 0;
}

/* Decodes, samples and hashes the suspect.  0 or < 0 with err set. */
static int collect_frames(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                          struct frameset *fs, lk_errbuf *err)
{
    lk_decoder *d = NULL;
    lk_media_info info;
    lk_frame fr;
    lk_features f;
    LK_CLI_TRY(lk_decoder_open(&d, path, &c->suspect_dec, err));
    lk_decoder_info(d, &info);
    fs->still = info.is_still;
    int rc;
    while ((rc = lk_decoder_next(d, &fr, err)) > 0) {
        if (*c->stop) {
            rc = lk_cli_err(err, LK_EINTR, "'%s': interrupted", path);
            break;
        }
        rc = lk_hasher_compute(w->hasher, &fr.image, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &f);
        if (rc < 0 || (rc = add_frame(fs, w->hasher, &fr, &f)) < 0) {
            rc = lk_cli_err(err, rc, "'%s': %s", path, lk_strerror(rc));
            break;
        }
        for (int i = 0; i < LK_STYLE_BYTES; i++)
            fs->style_sum[i] += f.style[i];
        fs->style_n++;
        fs->frames++;
        if (fr.time > fs->duration)
            fs->duration = fr.time;
    }
    if (info.duration > 0)
        fs->duration = info.duration;
    lk_decoder_free(&d);
    return rc < 0 ? rc : 0;
}

static int cmp_work_row(const void *key, const void *elem)
{
    int64_t k = *(const int64_t *)key, r = ((const struct scan_work *)elem)->row;
    return k < r ? -1 : k > r;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The local references of one suspect's hits. */
struct refmap {
    uint32_t *gpos;            /* global search position of each local ref */
    lk_ref_frame *refs;        /* lk_ref_frame of each local ref */
    size_t n;
};

/* Resolves the distinct positions hit into ref frames and rewrites each
 * hit's ref to the local number.  0 or < 0 with err set. */
static int resolve_refs(const struct scan_ctx *c, struct scan_worker *w, lk_hits *hits,
                        struct refmap *m, lk_errbuf *err)
{
    uint32_t *pos = malloc((hits->n ? hits->n : 1) * sizeof *pos);
    if (!pos)
        return lk_cli_err(err, LK_ENOMEM, "out of memory");
    for (size_t i = 0; i < hits->n; i++)
        pos[i] = hits->v[i].ref;
    qsort(pos, hits->n, sizeof *pos, cmp_u32);
    size_t n = 0;
    for (size_t i = 0; i < hits->n; i++)
        if (n == 0 || pos[n - 1] != pos[i])
            pos[n++] = pos[i];
    m->gpos = pos;
    m->n = n;
    m->refs = calloc(n ? n : 1, sizeof *m->refs);
    if (!m->refs)
        return lk_cli_err(err, LK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        lk_index_entry e;
        LK_CLI_TRY(lk_index_entry_at(w->ix, pos[i], &e, err));
        const struct scan_work *sw = bsearch(&e.work_row, c->works, c->nworks, sizeof *c->works,
                                             cmp_work_row);
        if (!sw)
            return lk_cli_err(err, LK_ECORRUPT, "%s: work of entry %u is missing; run 'likeness "
                          "index verify'", c->index_path, pos[i]);
        m->refs[i] = (lk_ref_frame){ (uint32_t)(sw - c->works), (uint32_t)e.file_row,
                                     (float)e.frame.t0, (float)e.frame.t1,
                                     (uint8_t)(e.file_duration <= 0) };
    }
    for (size_t i = 0; i < hits->n; i++) {
        uint32_t *p = bsearch(&hits->v[i].ref, pos, n, sizeof *pos, cmp_u32);
        hits->v[i].ref = (uint32_t)(p - pos);
    }
    return 0;
}

/* Copies the works to report out of the alignment result. */
static int pick_works(const struct scan_ctx *c, const lk_match_result *mr,
                      const struct refmap *m, struct scan_result *r)
{
    r->works = calloc(mr->nworks ? mr->nworks : 1, sizeof *r->works);
    if (!r->works)
        return LK_ENOMEM;
    for (size_t i = 0; i < mr->nworks; i++) {
        const lk_work_match *wm = &mr->works[i];
        if (wm->score < c->mp.min_score && c->mp.min_score > 0)
            continue;
        struct scan_hit_work *hw = &r->works[r->nworks++];
        hw->work = wm->work;
        hw->score = wm->score;
        hw->segs = malloc((wm->nsegs ? wm->nsegs : 1) * sizeof *hw->segs);
        hw->evidence = calloc(wm->nsegs ? wm->nsegs : 1, sizeof *hw->evidence);
        if (!hw->segs || !hw->evidence)
            return LK_ENOMEM;
        memcpy(hw->segs, wm->segs, wm->nsegs * sizeof *hw->segs);
        hw->nsegs = wm->nsegs;
        for (size_t k = 0; k < hw->nsegs; k++)
            hw->segs[k].best_ref = m->gpos[hw->segs[k].best_ref];
    }
    return 0;
}

static int cmp_hit_frame(const void *a, const void *b)
{
    const lk_hit *x = a, *y = b;
    if (x->query != y->query)
        return x->query < y->query ? -1 : 1;
    if (x->ref != y->ref)
        return x->ref < y->ref ? -1 : 1;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return (x->variant > y->variant) - (x->variant < y->variant);
}

/* Turns hits of queries into hits of frames: query k becomes frame
 * qframe[k], and of several hits of one frame on one entry (its windows
 * and the whole frame agreeing) only the closest is kept. */
static void merge_frame_hits(const struct frameset *fs, lk_hits *hits)
{
    if (hits->n == 0)
        return;
    for (size_t i = 0; i < hits->n; i++)
        hits->v[i].query = fs->qframe[hits->v[i].query];
    qsort(hits->v, hits->n, sizeof *hits->v, cmp_hit_frame);
    size_t n = 0;
    for (size_t i = 0; i < hits->n; i++)
        if (n == 0 || hits->v[n - 1].query != hits->v[i].query ||
            hits->v[n - 1].ref != hits->v[i].ref)
            hits->v[n++] = hits->v[i];
    hits->n = n;
}

/* Searches the usable queries and aligns the hits.  0 or < 0 with err. */
static int find_copies(const struct scan_ctx *c, struct scan_worker *w, const struct frameset *fs,
                       struct scan_result *r, lk_errbuf *err)
{
    lk_hits hits = { 0 };
    struct refmap m = { 0 };
    lk_match_result mr = { 0 };
    long rc = 0;
    if (fs->nq && c->searcher)
        rc = lk_searcher_radius(c->searcher, fs->queries, fs->nq, LK_DIHEDRAL_COUNT,
                                c->mp.radius, &hits);
    if (rc < 0)
        rc = lk_cli_err(err, (int)rc, "search failed: %s", lk_strerror((int)rc));
    else
        merge_frame_hits(fs, &hits);
    if (rc >= 0 && hits.n)
        rc = resolve_refs(c, w, &hits, &m, err);
    if (rc >= 0 && hits.n)
        rc = lk_match_align(&c->mp, fs->qtimes, fs->n, fs->still, hits.v, hits.n, m.refs, m.n,
                            &mr);
    if (rc >= 0 && hits.n && (rc = pick_works(c, &mr, &m, r)) < 0)
        rc = lk_cli_err(err, (int)rc, "out of memory");
    lk_match_release(&mr);
    lk_hits_release(&hits);
    free(m.gpos);
    free(m.refs);
    return rc < 0 ? (int)rc : 0;
}

/* Ranks the works by style resemblance to the suspect's mean descriptor;
 * works already reported as copies are left out. */
static void rank_style(const struct scan_ctx *c, const struct frameset *fs, struct scan_result *r)
{
    if (!fs->style_n)
        return;
    uint8_t mean[LK_STYLE_BYTES];
    for (int i = 0; i < LK_STYLE_BYTES; i++)
        mean[i] = (uint8_t)((fs->style_sum[i] + (uint64_t)fs->style_n / 2) / (uint64_t)fs->style_n);
    double floor = c->mp.min_score > 0 ? c->mp.style_threshold : 0.0;
    for (size_t i = 0; i < c->nworks; i++) {
        const struct scan_work *sw = &c->works[i];
        int copied = 0;
        for (size_t k = 0; k < r->nworks; k++)
            copied |= r->works[k].work == i;
        if (!sw->has_style || copied)
            continue;
        double s = lk_style_score(lk_style_distance(mean, sw->style));
        if (s < floor)
            continue;
        size_t at = r->nstyle;
        while (at > 0 && r->style[at - 1].score < s)
            at--;
        if (at >= LK_SCAN_MAX_STYLE)
            continue;
        size_t last = r->nstyle < LK_SCAN_MAX_STYLE ? r->nstyle : LK_SCAN_MAX_STYLE - 1;
        memmove(&r->style[at + 1], &r->style[at], (last - at) * sizeof r->style[0]);
        r->style[at] = (lk_scan_style){ sw->work_id, sw->title, sw->owner, s };
        if (r->nstyle < LK_SCAN_MAX_STYLE)
            r->nstyle++;
    }
}

static int decide(const struct scan_ctx *c, const struct scan_result *r)
{
    for (size_t i = 0; i < r->nworks; i++)
        if (r->works[i].score >= c->mp.min_score && r->works[i].score > 0)
            return LK_VERDICT_MATCH;
    if (r->nstyle && r->style[0].score >= c->mp.style_threshold)
        return LK_VERDICT_RESEMBLES;
    return LK_VERDICT_CLEAN;
}

static void hex32(const uint8_t *b, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

void lk_scan_evidence(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                      const double *qtimes, struct scan_result *r);

void lk_scan_suspect(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                     struct scan_result *r)
{
    struct frameset fs = { 0 };
    lk_errbuf err;
    uint8_t sha[32];
    int64_t size;
    memset(r, 0, sizeof *r);
    lk_errbuf_clear(&err);
    int rc = lk_sha256_file(path, sha, &size, &err);
    if (rc == 0) {
        const char *key = r->content_hash;
        hex32(sha, r->content_hash);
        if (c->ndone && bsearch(&key, c->done, c->ndone, sizeof *c->done, lk_cmp_strp)) {
            r->skipped = 1;
            return;
        }
        rc = collect_frames(c, w, path, &fs, &err);
    }
    if (rc == 0)
        rc = find_copies(c, w, &fs, r, &err);
    r->frames = fs.frames;
    r->duration = fs.still ? 0 : fs.duration;
    if (rc < 0) {
        lk_scan_result_release(r);
        r->verdict = LK_VERDICT_ERROR;
        snprintf(r->error, sizeof r->error, "%s", err.msg[0] ? err.msg : lk_strerror(rc));
    } else {
        rank_style(c, &fs, r);
        r->verdict = decide(c, r);
        if (c->evidence_dir && r->verdict == LK_VERDICT_MATCH)
            lk_scan_evidence(c, w, path, fs.qtimes, r);
    }
    frameset_release(&fs);
}

void lk_scan_result_release(struct scan_result *r)
{
    for (size_t i = 0; i < r->nworks; i++) {
        for (size_t k = 0; r->works[i].evidence && k < r->works[i].nsegs; k++)
            free(r->works[i].evidence[k]);
        free(r->works[i].evidence);
        free(r->works[i].segs);
    }
    free(r->works);
    r->works = NULL;
    r->nworks = 0;
    r->nstyle = 0;
}

void lk_scan_result_report(const struct scan_ctx *c, const struct scan_result *r,
                           const char *path, lk_scan_report *out, lk_scan_match *matches)
{
    memset(out, 0, sizeof *out);
    out->file = path;
    out->verdict = r->verdict;
    out->duration = r->duration;
    out->frames = r->frames;
    out->error = r->verdict == LK_VERDICT_ERROR ? r->error : NULL;
    out->content_hash = r->content_hash[0] ? r->content_hash : NULL;
    for (size_t i = 0; i < r->nworks; i++) {
        const struct scan_work *sw = &c->works[r->works[i].work];
        matches[i] = (lk_scan_match){ sw->work_id, sw->title, sw->owner, r->works[i].score,
                                      r->works[i].segs, r->works[i].nsegs,
                                      (const char *const *)r->works[i].evidence };
    }
    out->matches = matches;
    out->nmatches = r->nworks;
    out->style = r->style;
    out->nstyle = r->nstyle;
}
