/*
 * evidence.c — evidence pictures: for each reported segment (at most
 * LK_SCAN_MAX_EVIDENCE per work) a PNG with the suspect frame and the
 * reference frame of its closest match side by side.  The suspect's frames
 * are the pictures kept from the scan's own decode (suspect.c, within
 * LKI_SCAN_KEEP_BYTES); only frames past that budget are decoded again,
 * once for all segments, with the same sampling, so they are exactly the
 * ones that were hashed; each reference file is
 * decoded, with the index's sampling, up to the entry's time.  A reference
 * is looked for at its absolute path when it was added, then at the path as
 * given, and its SHA-256 is checked before it is decoded: a reference that
 * has moved, changed or cannot be read leaves that segment without
 * evidence (its path stays NULL) and says why in the result's warning,
 * never a wrong picture.  A segment with a matched region (local
 * features) shows that region's frame match instead, its boxes outlined in
 * yellow on both sides.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/common.h"
#include "scan/scan_internal.h"

int lki_pic_keep(struct lki_pic *p, const lk_image *src)
{
    size_t row = (size_t)src->width * 3;
    p->px = lki_malloc(row * (size_t)src->height);
    if (!p->px)
        return LK_ENOMEM;
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
                   struct lki_pic *out)
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
            if (lki_pic_keep(&out[i], &fr.image) < 0)
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

/* Finds the reference's media: its absolute path when it was added (so a
 * scan from another directory works), else the path as given; the file
 * must still have the content that was indexed.  Returns the path to
 * decode (one of the two) or NULL with a warning recorded. */
static const char *find_media(lk_scan_result *r, const char *given, const char *abs,
                              const uint8_t sha[32])
{
    uint8_t now[32];
    int64_t size;
    const char *path = abs && access(abs, F_OK) == 0 ? abs : given;
    if (access(path, F_OK) != 0) {
        warn(r, "reference '%s' has moved or was removed since it was indexed", given);
        return NULL;
    }
    if (lk_sha256_file(path, now, &size, NULL) < 0) {
        warn(r, "cannot read reference '%s'", path);
        return NULL;
    }
    if (memcmp(now, sha, 32) != 0) {
        warn(r, "reference '%s' has changed since it was indexed", path);
        return NULL;
    }
    return path;
}

/* The segment's matched region, or NULL. */
static const lk_scan_region_match *region_of(const struct item *it)
{
    const lk_scan_region_match *g = it->m->regions ? &it->m->regions[it->k] : NULL;
    return g && g->inliers > 0 ? g : NULL;
}

/* Outlines box b (fractions of the picture) in yellow, 2 pixels wide. */
static void outline(struct lki_pic *p, const float b[4])
{
    int w = p->img.width, h = p->img.height;
    int x0 = (int)(b[0] * w), y0 = (int)(b[1] * h);
    int x1 = (int)((b[0] + b[2]) * w) - 1, y1 = (int)((b[1] + b[3]) * h) - 1;
    x0 = LK_MAX(0, x0), y0 = LK_MAX(0, y0), x1 = LK_MIN(w - 1, x1), y1 = LK_MIN(h - 1, y1);
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            if (x > x0 + 1 && x < x1 - 1 && y > y0 + 1 && y < y1 - 1)
                continue;
            uint8_t *px = p->px + (size_t)y * (size_t)p->img.stride + 3 * (size_t)x;
            px[0] = 255, px[1] = 220, px[2] = 0;
        }
}

/* Writes the evidence picture of item it from the two frames. */
static void write_pair(const lk_scanner *s, lk_scan_result *r, const struct item *it,
                       const struct lki_pic *sus, struct lki_pic *ref)
{
    const lk_scan_region_match *g = region_of(it);
    struct lki_pic boxed = { 0 };
    lk_errbuf err;
    if (g && lki_pic_keep(&boxed, &sus->img) == 0) {
        outline(&boxed, g->sus);
        outline(ref, g->ref);
        sus = &boxed;
    }
    char *out = evidence_path(s->p.evidence_dir, r->file, r->content_hash, it->m->work_id,
                              it->k);
    if (out && lk_evidence_write_png(out, &sus->img, &ref->img, &err) == 0)
        it->m->evidence[it->k] = out, out = NULL;
    else
        warn(r, "%s", out ? err.msg : "out of memory");
    lki_free(out);
    lki_free(boxed.px);
}

static void pair(lk_scan_worker *w, lk_scan_result *r, const struct item *it,
                 const struct lki_pic *sus)
{
    lk_scanner *s = w->s;
    const lk_segment *sg = &it->m->segs[it->k];
    const lk_scan_region_match *g = region_of(it);
    lk_index_entry e;
    lk_errbuf err;
    struct lki_pic ref = { 0 };
    char *given = NULL, *abs = NULL;
    const char *path = NULL;
    if (lki_scanner_entry(s, g ? g->ref_pos : sg->best_ref, &e, &given, &abs, &err) < 0)
        warn(r, "%s", err.msg);
    else if (!e.file_imported) /* imported: pre-computed hashes, no media to show */
        path = find_media(r, given, abs, e.file_sha256);
    double rt = e.frame.t0;
    if (path && grab(path, &s->ref_dec, &rt, 1, &ref) == 1) {
        write_pair(s, r, it, sus, &ref);
    } else if (path) {
        warn(r, "cannot decode reference '%s'", path);
    }
    lki_free(given);
    lki_free(abs);
    lki_free(ref.px);
}

/* Counts the segments to illustrate. */
static size_t count_items(const lk_scanner *s, const lk_scan_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nmatches; i++)
        if (r->matches[i].score >= s->p.match.min_score)
            n += LK_MIN(r->matches[i].nsegs, (size_t)LK_SCAN_MAX_EVIDENCE);
    return n;
}

void lki_scan_evidence(lk_scan_worker *w, const char *path, const struct lki_frameset *fs,
                       lk_scan_result *r)
{
    const lk_scanner *s = w->s;
    size_t n = count_items(s, r), nmiss = 0;
    struct item *items = lki_calloc(n ? n : 1, sizeof *items);
    double *times = lki_calloc(n ? n : 1, sizeof *times);
    struct lki_pic *sus = lki_calloc(n ? n : 1, sizeof *sus);
    const struct lki_pic **use = lki_calloc(n ? n : 1, sizeof *use);
    n = 0;
    for (size_t i = 0; items && times && sus && use && i < r->nmatches; i++) {
        lk_scan_match *m = &r->matches[i];
        for (size_t k = 0; m->score >= s->p.match.min_score && k < m->nsegs &&
                           k < LK_SCAN_MAX_EVIDENCE; k++, n++) {
            items[n] = (struct item){ m, k };
            const lk_scan_region_match *g = region_of(&items[n]);
            uint32_t q = g ? g->frame : m->segs[k].best_query;
            if (fs->pics && fs->pics[q].px)   /* kept from the scan's decode */
                use[n] = &fs->pics[q];
            else                              /* past the budget: decode again */
                times[nmiss++] = fs->qtimes[q];
        }
    }
    if (nmiss && !(s->p.stop && *s->p.stop) &&
        grab(path, &s->suspect_dec, times, nmiss, sus) < nmiss)
        warn(r, "cannot decode it again");
    for (size_t i = 0, m = 0; i < n && !(s->p.stop && *s->p.stop); i++) {
        const struct lki_pic *p = use[i] ? use[i] : &sus[m++];
        if (p->px)
            pair(w, r, &items[i], p);
    }
    for (size_t i = 0; sus && i < nmiss; i++)
        lki_free(sus[i].px);
    lki_free(items);
    lki_free(times);
    lki_free(sus);
    lki_free(use);
}
