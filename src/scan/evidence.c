/*
 * evidence.c — evidence pictures: for each reported segment (at most
 * LK_SCAN_MAX_EVIDENCE per work) a PNG with the suspect frame and the
 * reference frame of its closest match side by side.  The suspect is
 * decoded once more, once for all its segments, with the same sampling, so
 * its frames are exactly the ones that were hashed; each reference file is
 * decoded, with the index's sampling, up to the entry's time.  A reference
 * that cannot be read leaves that segment without evidence (its path stays
 * NULL) and says why in the result's warning.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

/* A decoded picture kept for later (dense RGB24). */
struct pic {
    uint8_t *px;
    lk_image img;
};

static int keep(struct pic *p, const lk_image *src)
{
    size_t row = (size_t)src->width * 3;
    p->px = lki_malloc(row * (size_t)src->height);
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

static char *evidence_path(const char *dir, const char *suspect, const char *hash,
                           const char *work_id, size_t k)
{
    char base[96], wid[72], *out;
    const char *slash = strrchr(suspect, '/');
    sanitize(slash ? slash + 1 : suspect, base, sizeof base);
    sanitize(work_id, wid, sizeof wid);
    size_t n = strlen(dir) + strlen(base) + strlen(wid) + 48;
    if (!(out = lki_malloc(n)))
        return NULL;
    snprintf(out, n, "%s/%s-%.8s-%s-%zu.png", dir, base, hash, wid, k + 1);
    return out;
}

/* One segment to illustrate. */
struct item {
    lk_scan_match *m;  /* its work */
    size_t k;          /* its segment */
};

/* The reference side of item it and the picture pair; sets its evidence. */
/* Records the first warning of r (printf-style). */
static void warn(lk_scan_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(lk_scan_result *r, const char *fmt, ...)
{
    va_list ap;
    if (r->warning[0])
        return;
    int n = snprintf(r->warning, sizeof r->warning, "no evidence for '%.200s': ", r->file);
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof r->warning)
        vsnprintf(r->warning + n, sizeof r->warning - (size_t)n, fmt, ap);
    va_end(ap);
}

static void pair(lk_scan_worker *w, lk_scan_result *r, const struct item *it,
                 const struct pic *sus)
{
    lk_scanner *s = w->s;
    const lk_segment *sg = &it->m->segs[it->k];
    lk_index_entry e;
    lk_errbuf err;
    struct pic ref = { 0 };
    char *refpath = NULL;
    if (lki_scanner_entry(s, sg->best_ref, &e, &refpath, &err) < 0) {
        warn(r, "%s", err.msg);
        return;
    }
    if (e.file_imported) { /* pre-computed hashes: no media to show */
        lki_free(refpath);
        return;
    }
    double rt = e.frame.t0;
    if (grab(refpath, &s->ref_dec, &rt, 1, &ref) == 1) {
        char *out = evidence_path(s->p.evidence_dir, r->file, r->content_hash, it->m->work_id,
                                  it->k);
        if (out && lk_evidence_write_png(out, &sus->img, &ref.img, &err) == 0)
            it->m->evidence[it->k] = out, out = NULL;
        else
            warn(r, "%s", out ? err.msg : "out of memory");
        lki_free(out);
    } else {
        warn(r, "cannot read reference '%s'", refpath);
    }
    lki_free(refpath);
    lki_free(ref.px);
}

/* Counts the segments to illustrate. */
static size_t count_items(const lk_scan_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nmatches; i++)
        if (!r->matches[i].candidate)
            n += LK_MIN(r->matches[i].nsegs, (size_t)LK_SCAN_MAX_EVIDENCE);
    return n;
}

void lki_scan_evidence(lk_scan_worker *w, const char *path, const double *qtimes,
                       lk_scan_result *r)
{
    const lk_scanner *s = w->s;
    size_t n = count_items(r);
    struct item *items = lki_calloc(n ? n : 1, sizeof *items);
    double *times = lki_calloc(n ? n : 1, sizeof *times);
    struct pic *sus = lki_calloc(n ? n : 1, sizeof *sus);
    n = 0;
    for (size_t i = 0; items && times && sus && i < r->nmatches; i++) {
        lk_scan_match *m = &r->matches[i];
        for (size_t k = 0; !m->candidate && k < m->nsegs &&
                           k < LK_SCAN_MAX_EVIDENCE; k++, n++) {
            items[n] = (struct item){ m, k };
            times[n] = qtimes[m->segs[k].best_query];
        }
    }
    /* the suspect is decoded once for all its segments */
    if (n && !(s->p.stop && *s->p.stop) && grab(path, &s->suspect_dec, times, n, sus) < n)
        warn(r, "cannot decode it again");
    for (size_t i = 0; i < n && !(s->p.stop && *s->p.stop); i++)
        if (sus[i].px)
            pair(w, r, &items[i], &sus[i]);
    for (size_t i = 0; sus && i < n; i++)
        lki_free(sus[i].px);
    lki_free(items);
    lki_free(times);
    lki_free(sus);
}
