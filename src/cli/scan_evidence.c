/*
 * scan_evidence.c — `--evidence DIR`: for each reported segment (at most
 * LK_SCAN_MAX_EVIDENCE per work) a PNG with the suspect frame and the
 * reference frame of its closest match side by side.  The suspect is
 * decoded once more with the same sampling, so its frames are exactly the
 * ones that were hashed; each reference file is decoded, with the index's
 * sampling, up to the entry's time.  A reference file that has moved since
 * it was indexed leaves that segment without evidence (and a warning).
 */
#include <ctype.h>
#include <math.h>
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

/* Decodes path with opts until the frame at time t (within 1 ms; the
 * first frame at or after it for a reference).  0 or -1. */
static int grab(const char *path, const lk_decode_opts *opts, double t, struct pic *out)
{
    lk_decoder *d = NULL;
    lk_frame fr;
    int rc = -1;
    if (lk_decoder_open(&d, path, opts, NULL) < 0)
        return -1;
    while (lk_decoder_next(d, &fr, NULL) > 0) {
        if (fr.time + 1e-3 >= t || (fr.flags & LK_FRAME_STILL)) {
            rc = keep(out, &fr.image);
            break;
        }
    }
    lk_decoder_free(&d);
    return rc;
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

/* The picture pair of one segment; sets hw->evidence[k] on success. */
static void one(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                const double *qtimes, const struct scan_result *r, struct scan_hit_work *hw,
                size_t k)
{
    const lk_segment *s = &hw->segs[k];
    lk_index_entry e;
    lk_errbuf err;
    struct pic sus = { 0 }, ref = { 0 };
    if (lk_index_entry_at(w->ix, s->best_ref, &e, &err) < 0) {
        lk_warning("no evidence for '%s': %s", path, err.msg);
        return;
    }
    char *refpath = strdup(e.file);
    double rt = e.frame.t0;
    int imported = e.file_imported;
    if (!refpath || imported || grab(refpath, &c->ref_dec, rt, &ref) < 0) {
        if (refpath && !imported)
            lk_warning("no evidence for '%s': cannot read reference '%s'", path, refpath);
    } else if (grab(path, &c->suspect_dec, qtimes[s->best_query], &sus) == 0) {
        char *out = evidence_path(c, path, r->content_hash, c->works[hw->work].work_id, k);
        if (out && lk_evidence_write_png(out, &sus.img, &ref.img, &err) == 0)
            hw->evidence[k] = out, out = NULL;
        else if (out)
            lk_warning("%s", err.msg);
        free(out);
    }
    free(refpath);
    free(sus.px);
    free(ref.px);
}

void lk_scan_evidence(const struct scan_ctx *c, struct scan_worker *w, const char *path,
                      const double *qtimes, struct scan_result *r)
{
    for (size_t i = 0; i < r->nworks && !*c->stop; i++) {
        struct scan_hit_work *hw = &r->works[i];
        if (hw->score < c->mp.min_score)
            continue;
        for (size_t k = 0; k < hw->nsegs && k < LK_SCAN_MAX_EVIDENCE; k++)
            one(c, w, path, qtimes, r, hw, k);
    }
}
