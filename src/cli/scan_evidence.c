/*
 * scan_evidence.c — `--evidence DIR`: for each reported segment (at most
 * LK_SCAN_MAX_EVIDENCE per work) a PNG with the suspect frame and the
 * reference frame of its closest match side by side.  The suspect is
 * decoded once more, once for all its segments, with the same sampling, so
 * its frames are exactly the ones that were hashed; each reference file is decoded, with the index's
 * sampling, up to the entry's time.  A reference file that has moved since
 * it was indexed leaves that segment without evidence (and a warning).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/scan.h"

/* A decoded picture kept for later (dense RGB24). */
struct pic {
    uint8_t *px;
    lk_image img;
};

static int keep(struct pic *p, const lk_image *src)
{
    size_t row = (size_t)src->width * 3;
    p->px = malloc(row * (size_t)src->height);
    if (!p->px)
        return -1;
    for (int y = 0; y < src->height; y++)
        memcpy(p->px + row * (size_t)y, src->data + (size_t)y * (size_t)src->stride, row);
    p->img = (lk_image){ p->px, src->width, src->height, (int)row, LK_PIX_RGB24 };
    return 0;
}

/* Decodes path once with opts and keeps, for each of the n times t[i],
 * the first frame at or after it (within 1 ms: with the same sampling as
 * the scan, exactly the frame that was hashed).  A still fills them all.
 * Returns how many were kept. */
static size_t grab(const char *path, const lk_decode_opts *opts, const double *t, size_t n,
                   struct pic *out)
{
    lk_decoder *d = NULL;
    lk_frame fr;
    size_t kept = 0;
    if (lk_decoder_open(&d, path, opts, NULL) < 0)
        return 0;
    while (kept < n && lk_decoder_next(d, &fr, NULL) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (out[i].px || (fr.time + 1e-3 < t[i] && !(fr.flags & LK_FRAME_STILL)))
                continue;
            if (keep(&out[i], &fr.image) < 0)
                goto done;
            kept++;
        }
    }
done:
    lk_decoder_free(&d);
    return kept;
}

/* Copies s into out keeping [A-Za-z0-9._-], others as '_'. */
static void sanitize(const char *s, char *out, size_t n)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        out[i] = isalnum((unsigned char)s[i]) || strchr("._-", s[i]) ? s[i] : '_';
    out[i] = '\0';
}

static char *evidence_path(const struct scan_ctx *c, const char *suspect, const char *hash,
                           const char *work_id, size_t k)
{
    char base[96], wid[72], *out;
    const char *slash = strrchr(suspect, '/');
    sanitize(slash ? slash + 1 : suspect, base, sizeof base);
    sanitize(work_id, wid, sizeof wid);
    size_t n = strlen(c->evidence_dir) + strlen(base) + strlen(wid) + 48;
    if (!(out = malloc(n)))
        return NULL;
    snprintf(out, n, "%s/%s-%.8s-%s-%zu.png", c->evidence_dir, base, hash, wid, k + 1);
    return out;
}

/* One segment to illustrate. */
struct item {
    struct scan_hit_work *hw; /* its work */
    size_t k;                 /* its segment */
};

/* The reference side of item it and the picture pair; sets its evidence. */
static void pair(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                 const struct scan_result *r, const struct item *it, const struct pic *sus)
{
    const lk_segment *s = &it->hw->segs[it->k];
    lk_index_entry e;
    lk_errbuf err;
    struct pic ref = { 0 };
    if (lk_index_entry_at(w->ix, s->best_ref, &e, &err) < 0) {
        lk_warning("no evidence for '%s': %s", path, err.msg);
        return;
    }
    if (e.file_imported) /* pre-computed hashes: no media to show */
        return;
    char *refpath = strdup(e.file);
    double rt = e.frame.t0;
    if (!refpath || grab(refpath, &c->ref_dec, &rt, 1, &ref) == 0) {
        lk_warning("no evidence for '%s': cannot read reference '%s'", path,
                   refpath ? refpath : "?");
    } else {
        char *out = evidence_path(c, path, r->content_hash, c->works[it->hw->work].work_id,
                                  it->k);
        if (out && lk_evidence_write_png(out, &sus->img, &ref.img, &err) == 0)
            it->hw->evidence[it->k] = out, out = NULL;
        else if (out)
            lk_warning("%s", err.msg);
        free(out);
    }
    free(refpath);
    free(ref.px);
}

void lk_scan_evidence(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                      const double *qtimes, struct scan_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nworks; i++)
        if (r->works[i].score >= c->mp.min_score)
            n += r->works[i].nsegs < LK_SCAN_MAX_EVIDENCE ? r->works[i].nsegs : LK_SCAN_MAX_EVIDENCE;
    struct item *items = calloc(n ? n : 1, sizeof *items);
    double *times = calloc(n ? n : 1, sizeof *times);
    struct pic *sus = calloc(n ? n : 1, sizeof *sus);
    n = 0;
    for (size_t i = 0; items && times && sus && i < r->nworks; i++) {
        struct scan_hit_work *hw = &r->works[i];
        for (size_t k = 0; hw->score >= c->mp.min_score && k < hw->nsegs &&
                           k < LK_SCAN_MAX_EVIDENCE; k++, n++) {
            items[n] = (struct item){ hw, k };
            times[n] = qtimes[hw->segs[k].best_query];
        }
    }
    /* the suspect is decoded once for all its segments */
    if (n && !*c->stop && grab(path, &c->suspect_dec, times, n, sus) < n)
        lk_warning("no evidence for some segments of '%s': cannot decode it again", path);
    for (size_t i = 0; i < n && !*c->stop; i++)
        if (sus[i].px)
            pair(c, w, path, r, &items[i], &sus[i]);
    for (size_t i = 0; sus && i < n; i++)
        free(sus[i].px);
    free(items);
    free(times);
    free(sus);
}
