/*
 * suspect.c — one suspect through the pipeline: content hash, decode and
 * sample, the queries of the policy (policy.c), a radius search of every
 * query over the whole index, the merge of a frame's hits, resolution of
 * the positions hit, temporal alignment into segments (src/match/), style
 * ranking of the suspect's frames against every work's prototypes, the
 * provenance of each segment (provenance.c), the verdict and, with an
 * evidence directory, evidence pictures.
 *
 * Invariant: before alignment the hits of a frame's queries are merged
 * into hits of the frame, one per indexed entry (the closest), so several
 * windows of one frame never count as several frames.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/common.h"
#include "scan/scan_internal.h"

static int stopped(const lk_scanner *s)
{
    return s->p.stop && *s->p.stop;
}

/* With evidence, keeps the picture of the frame just made usable (frame
 * fs->n - 1) while the budget allows.  0 or LK_ENOMEM. */
static int keep_picture(struct lki_frameset *fs, const lk_frame *fr)
{
    size_t bytes = (size_t)fr->full.width * (size_t)fr->full.height * 3;
    if (fs->pic_bytes + bytes > LKI_SCAN_KEEP_BYTES)
        return 0;
    fs->pic_bytes += bytes;
    return lki_pic_keep(&fs->pics[fs->n - 1], fr);
}

/* Keeps one sampled frame's style descriptor.  0 or LK_ENOMEM. */
static int push_style(struct lki_frameset *fs, const uint8_t *style)
{
    if (fs->style_n == fs->style_cap) {
        size_t cap = fs->style_cap ? 2 * fs->style_cap : 64;
        uint8_t *v = lki_realloc(fs->styles, cap * LK_STYLE_BYTES);
        if (!v)
            return LK_ENOMEM;
        fs->styles = v, fs->style_cap = cap;
    }
    memcpy(fs->styles + fs->style_n++ * LK_STYLE_BYTES, style, LK_STYLE_BYTES);
    return 0;
}

/* Decodes, samples and hashes the suspect.  0 or < 0 with err set. */
static int collect_frames(lk_scan_worker *w, const char *path, struct lki_frameset *fs,
                          lk_scan_result *r, lk_errbuf *err)
{
    lk_decoder *d = NULL;
    lk_media_info info;
    lk_frame fr;
    lk_features f;
    if (w->s->p.evidence_dir && !(fs->pics = lki_calloc(1, sizeof *fs->pics)))
        return lki_err(err, LK_ENOMEM, "'%s': out of memory", path);
    LK_TRY(lk_decoder_open(&d, path, &w->s->suspect_dec, err));
    lk_decoder_info(d, &info);
    fs->still = info.is_still;
    double last = -1;
    int rc;
    while ((rc = lk_decoder_next(d, &fr, err)) > 0) {
        if (stopped(w->s)) {
            rc = lki_err(err, LK_EINTR, "'%s': interrupted", path);
            break;
        }
        rc = lk_hasher_compute(w->hasher, &fr.image, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &f);
        size_t usable = fs->n;
        if (rc == 0 && (rc = lki_scan_add_frame(fs, w->hasher, &fr, &f)) == 0)
            rc = lki_scan_local_frame(w, fs, &fr, usable);
        if (rc == 0 && fs->pics && fs->n > usable)
            rc = keep_picture(fs, &fr);
        if (rc < 0) {
            rc = lki_err(err, rc, "'%s': %s", path, lk_strerror(rc));
            break;
        }
        if (rc == 0 && (rc = push_style(fs, f.style)) < 0)
            rc = lki_err(err, rc, "'%s': %s", path, lk_strerror(rc));
        if (rc < 0)
            break;
        fs->frames++;
        if (fr.time > fs->duration)
            fs->duration = fr.time;
        last = fr.time > last ? fr.time : last;
        if (w->s->p.progress_fn)
            w->s->p.progress_fn(w->s->p.progress_ctx, path, fr.time, info.duration);
    }
    if (info.duration > 0)
        fs->duration = info.duration;
    if (rc >= 0 && !r->content_hash[0]) { /* from the bytes the decoder read */
        uint8_t sha[32];
        if ((rc = lk_decoder_content_hash(d, sha, NULL, err)) == 0)
            lk_sha256_to_hex(sha, r->content_hash);
    }
    fs->truncated = lk_scan_decoded(&w->s->suspect_dec, &info, last, &fs->decoded);
    lk_decoder_free(&d);
    return rc < 0 ? rc : 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The local references of one suspect's hits. */
struct refmap {
    uint32_t *gpos;            /* global search position of each local ref, sorted */
    lk_ref_frame *refs;        /* where each local ref lies */
    size_t n;
};

/* Resolves the distinct positions hit and rewrites each hit's ref to the
 * local number.  0 or < 0 with err set. */
static int resolve_refs(lk_scanner *s, lk_hits *hits, struct refmap *m, lk_errbuf *err)
{
    uint32_t *pos = lki_malloc((hits->n ? hits->n : 1) * sizeof *pos);
    if (!pos)
        return lki_err(err, LK_ENOMEM, "out of memory");
    for (size_t i = 0; i < hits->n; i++)
        pos[i] = hits->v[i].ref;
    qsort(pos, hits->n, sizeof *pos, cmp_u32);
    size_t n = 0;
    for (size_t i = 0; i < hits->n; i++)
        if (n == 0 || pos[n - 1] != pos[i])
            pos[n++] = pos[i];
    m->gpos = pos;
    m->n = n;
    m->refs = lki_calloc(n ? n : 1, sizeof *m->refs);
    if (!m->refs)
        return lki_err(err, LK_ENOMEM, "out of memory");
    LK_TRY(lki_scanner_resolve(s, pos, n, m->refs, err));
    for (size_t i = 0; i < hits->n; i++) {
        uint32_t *p = bsearch(&hits->v[i].ref, pos, n, sizeof *pos, cmp_u32);
        hits->v[i].ref = (uint32_t)(p - pos);
    }
    return 0;
}

/* The list threshold: works scoring at least this are reported. */
static double list_score(const lk_scanner *s)
{
    return s->p.list_score < 0 ? s->p.match.min_score : s->p.list_score;
}

/* 1 if a work of chance @p chance reaches the match threshold @p min_score
 * (> 0).  Compared in chance terms: scores of strong matches all round to
 * 1.0 in double precision, their chances do not. */
static int reaches(double chance, double min_score)
{
    return chance <= lk_match_chance_of_score(min_score);
}

/* Copies the works to report out of the alignment result: those at the
 * list threshold or above, the ones below the match threshold marked as
 * candidates (both thresholds compared in chance terms). */
static int pick_works(const lk_scanner *s, const lk_match_result *mr, const struct refmap *m,
                      lk_scan_result *r)
{
    double floor = list_score(s);
    r->matches = lki_calloc(mr->nworks ? mr->nworks : 1, sizeof *r->matches);
    if (!r->matches)
        return LK_ENOMEM;
    for (size_t i = 0; i < mr->nworks; i++) {
        const lk_work_match *wm = &mr->works[i];
        if (floor > 0 && !reaches(wm->chance, floor))
            continue;
        const struct lki_scan_work *sw = &s->works[wm->work];
        lk_scan_match *hw = &r->matches[r->nmatches++];
        int candidate = !(s->p.match.min_score > 0 ? reaches(wm->chance, s->p.match.min_score)
                                                   : wm->score > 0);
        *hw = (lk_scan_match){ sw->work_id, sw->title, sw->owner, wm->work, wm->score,
                               wm->chance, NULL, 0, NULL, NULL, sw->files, candidate, NULL };
        hw->segs = lki_malloc((wm->nsegs ? wm->nsegs : 1) * sizeof *hw->segs);
        hw->evidence = lki_calloc(wm->nsegs ? wm->nsegs : 1, sizeof *hw->evidence);
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

/* Turns hits of queries into hits of frames: query k becomes frame qframe[k]. */
static void frame_hits(const struct lki_frameset *fs, lk_hits *hits)
{
    for (size_t i = 0; i < hits->n; i++)
        hits->v[i].query = fs->qframe[hits->v[i].query];
}

/* Of several hits of one frame on one entry (its windows, the whole frame
 * and a local verification agreeing) keeps one: the closest, with the
 * most inliers of any of them. */
static void merge_frame_hits(lk_hits *hits)
{
    if (hits->n == 0)
        return;
    qsort(hits->v, hits->n, sizeof *hits->v, cmp_hit_frame);
    size_t n = 0;
    for (size_t i = 0; i < hits->n; i++) {
        lk_hit *last = n ? &hits->v[n - 1] : NULL;
        if (last && last->query == hits->v[i].query && last->ref == hits->v[i].ref)
            last->inliers = LK_MAX(last->inliers, hits->v[i].inliers);
        else
            hits->v[n++] = hits->v[i];
    }
    hits->n = n;
}

/* Drops the hits on works out of the scan's scope (hits refer to local
 * references, already resolved). */
static void keep_in_scope(const lk_scanner *s, const struct refmap *m, lk_hits *hits)
{
    size_t n = 0;
    for (size_t i = 0; i < hits->n; i++)
        if (s->works[m->refs[hits->v[i].ref].work].in_scope)
            hits->v[n++] = hits->v[i];
    hits->n = n;
}

/* Searches the usable queries and aligns the hits.  0 or < 0 with err. */
int lki_scan_find_copies(lk_scanner *s, const struct lki_frameset *fs, lk_scan_result *r,
                       lk_errbuf *err)
{
    lk_hits hits = { 0 };
    struct refmap m = { 0 };
    lk_match_result mr = { 0 };
    long rc = 0;
    if (fs->nq && s->searcher)
        rc = lk_searcher_radius(s->searcher, fs->queries, fs->nq, LK_DIHEDRAL_COUNT,
                                s->p.match.radius, &hits);
    if (rc < 0)
        rc = lki_err(err, (int)rc, "search failed: %s", lk_strerror((int)rc));
    else
        frame_hits(fs, &hits);
    if (rc >= 0 && (rc = lki_scan_local_hits(s, fs, &hits)) < 0)
        rc = lki_err(err, (int)rc, "out of memory");
    if (rc >= 0)
        merge_frame_hits(&hits);
    if (rc >= 0 && hits.n && (rc = resolve_refs(s, &hits, &m, err)) >= 0)
        keep_in_scope(s, &m, &hits);
    lk_match_params mp = s->p.match; /* the chances this suspect's frames had */
    mp.hashes_per_frame = fs->n ? (double)fs->nq * LK_DIHEDRAL_COUNT / (double)fs->n : 0;
    if (rc >= 0 && hits.n)
        rc = lk_match_align(&mp, fs->qtimes, fs->n, fs->still, hits.v, hits.n, m.refs, m.n,
                            &mr);
    if (rc >= 0 && hits.n && (rc = pick_works(s, &mr, &m, r)) < 0)
        rc = lki_err(err, (int)rc, "out of memory");
    for (size_t i = 0; rc >= 0 && hits.n && i < r->nmatches; i++)
        if ((rc = lki_scan_local_regions(fs, m.gpos, m.refs, m.n, &r->matches[i])) < 0)
            rc = lki_err(err, (int)rc, "out of memory");
    lk_match_release(&mr);
    lk_hits_release(&hits);
    lki_free(m.gpos);
    lki_free(m.refs);
    return rc < 0 ? (int)rc : 0;
}

/* Ranks the works by style resemblance (lk_style_rank: each frame's
 * nearest prototype of each work); works already reported as copies are
 * left out, so are works out of the scope, and with a positive list
 * threshold (--min-score) those under the style
 * threshold. */
static int rank_style(const lk_scanner *s, const struct lki_frameset *fs, lk_scan_result *r)
{
    size_t top = s->p.style_top > 0 ? (size_t)s->p.style_top : LK_STYLE_TOP_DEFAULT;
    if (!fs->style_n || !s->nworks)
        return 0;
    uint8_t *skip = lki_calloc(s->nworks, 1);
    lk_style_match *m = lki_calloc(top, sizeof *m);
    r->style = lki_calloc(top, sizeof *r->style);
    long n = skip && m && r->style ? 0 : LK_ENOMEM;
    for (size_t k = 0; n == 0 && k < s->nworks; k++)
        skip[k] = !s->works[k].in_scope;
    for (size_t k = 0; n == 0 && k < r->nmatches; k++)
        skip[r->matches[k].work] = 1;
    if (n == 0)
        n = lk_style_rank(fs->styles, fs->style_n, s->style_works, s->nworks, skip, m, top);
    double floor = list_score(s) > 0 ? s->p.match.style_threshold : 0.0;
    for (long i = 0; i < n && m[i].score >= floor; i++) {
        const struct lki_scan_work *sw = &s->works[m[i].work];
        r->style[r->nstyle++] = (lk_scan_style){ sw->work_id, sw->title, sw->owner, m[i].score };
    }
    lki_free(skip);
    lki_free(m);
    return n < 0 ? (int)n : 0;
}

static int verdict_of(const lk_scanner *s, const lk_scan_result *r)
{
    for (size_t i = 0; i < r->nmatches; i++)
        if (!r->matches[i].candidate)
            return LK_VERDICT_MATCH;
    if (r->nstyle && r->style[0].score >= s->p.match.style_threshold)
        return LK_VERDICT_RESEMBLES;
    return LK_VERDICT_CLEAN;
}

int lki_scan_decide(const lk_scanner *s, lk_scan_result *r, int rc, const lk_errbuf *err)
{
    if (rc < 0) {
        lk_scan_result_release(r);
        r->verdict = LK_VERDICT_ERROR;
        r->error_code = rc;
        snprintf(r->error, sizeof r->error, "%s", err->msg[0] ? err->msg : lk_strerror(rc));
    } else {
        r->verdict = verdict_of(s, r);
    }
    return r->verdict;
}

/* With skip_fn (--resume), the content hash first and whether skip_fn
 * skips the file: 0, 1 skip, < 0.  Without, nothing: the hash then comes
 * from the decoder's own reading (collect_frames), so the file is read once. */
static int content(lk_scan_worker *w, const char *path, lk_scan_result *r, lk_errbuf *err)
{
    uint8_t sha[32];
    int64_t size;
    struct stat st;
    if (!w->s->p.skip_fn || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0; /* not skipped; the decoder says what is wrong with it */
    LK_TRY(lk_sha256_file(path, sha, &size, err));
    lk_sha256_to_hex(sha, r->content_hash);
    const lk_scan_params *p = &w->s->p;
    return p->skip_fn(r->content_hash, p->skip_ctx) ? 1 : 0;
}

LK_API int lk_scan_file(lk_scan_worker *w, const char *path, lk_scan_result *r)
{
    struct lki_frameset fs = { 0 };
    lk_errbuf err;
    memset(r, 0, sizeof *r);
    r->file = path;
    r->run = &w->s->run;
    lk_errbuf_clear(&err);
    int rc = content(w, path, r, &err);
    if (rc == 1) {
        r->skipped = 1;
        return r->verdict;
    }
    if (rc == 0 && stopped(w->s))
        rc = lki_err(&err, LK_EINTR, "interrupted");
    if (rc == 0)
        rc = collect_frames(w, path, &fs, r, &err);
    if (rc == 0)
        rc = lki_scan_find_copies(w->s, &fs, r, &err);
    if (rc == 0)
        rc = lki_scan_details(w->s, &fs, r, &err);
    if (rc == 0 && (rc = rank_style(w->s, &fs, r)) < 0)
        lki_err(&err, rc, "out of memory");
    r->frames = fs.frames;
    r->duration = fs.still ? 0 : fs.duration;
    r->decoded = fs.still ? 0 : fs.decoded < r->duration ? fs.decoded : r->duration;
    r->truncated = fs.truncated;
    if (fs.truncated)
        snprintf(r->warning, sizeof r->warning, "'%s': decoded %.1f of %.1f s (cut short or "
                 "damaged): only those were scanned", path, fs.decoded, fs.duration);
    if (lki_scan_decide(w->s, r, rc, &err) == LK_VERDICT_MATCH && w->s->p.evidence_dir)
        lki_scan_evidence(w, path, &fs, r);
    lki_frameset_release(&fs);
    return r->verdict;
}

LK_API void lk_scan_result_release(lk_scan_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nmatches; i++) {
        for (size_t k = 0; r->matches[i].evidence && k < r->matches[i].nsegs; k++)
            lki_free(r->matches[i].evidence[k]);
        lki_free(r->matches[i].evidence);
        for (size_t k = 0; r->matches[i].details && k < r->matches[i].nsegs; k++)
            lki_free(r->matches[i].details[k].ref_file);
        lki_free(r->matches[i].details);
        lki_free(r->matches[i].regions);
        lki_free(r->matches[i].segs);
    }
    lki_free(r->matches);
    lki_free(r->style);
    r->matches = NULL;
    r->style = NULL;
    r->nmatches = r->nstyle = 0;
}
