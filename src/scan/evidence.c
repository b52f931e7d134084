/*
 * evidence.c — evidence pictures: for each reported segment (at most
 * LK_SCAN_MAX_EVIDENCE per work) a labelled PNG (lk_evidence_write) with
 * the whole suspect frame and the whole reference frame of its closest
 * match side by side, their matched regions outlined.  The suspect's
 * frames are the pictures kept from the scan's own decode (suspect.c,
 * within LKI_SCAN_KEEP_BYTES); only frames past that budget are decoded
 * again, once for all segments, with the same sampling, so they are
 * exactly the ones that were hashed; each reference file is
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
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/common.h"
#include "scan/scan_internal.h"

int lki_pic_keep(struct lki_pic *p, const lk_frame *fr)
{
    const lk_image *src = &fr->full;
    size_t row = (size_t)src->width * 3;
    p->px = lki_malloc(row * (size_t)src->height);
    if (!p->px)
        return LK_ENOMEM;
    for (int y = 0; y < src->height; y++)
        memcpy(p->px + row * (size_t)y, src->data + (size_t)y * (size_t)src->stride, row);
    p->img = (lk_image){ p->px, src->width, src->height, (int)row, LK_PIX_RGB24 };
    p->crop = fr->crop, p->time = fr->time, p->number = fr->number;
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
            if (lki_pic_keep(&out[i], &fr) < 0)
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

/* The segment's verified local match when it is the segment's closest
 * frame pair (the one drawn), or NULL. */
static const lk_scan_region_match *region_of(const struct item *it)
{
    const lk_scan_region_match *g = it->m->regions ? &it->m->regions[it->k] : NULL;
    const lk_segment *sg = &it->m->segs[it->k];
    return g && g->inliers > 0 && g->frame == sg->best_query && g->ref_pos == sg->best_ref
               ? g : NULL;
}

/* Box b (fractions of the analysed picture) in the pixels of p's whole frame. */
static lk_rect local_rect(const float b[4], const struct lki_pic *p)
{
    return (lk_rect){ p->crop.x + (int)lroundf(b[0] * (float)p->crop.width),
                      p->crop.y + (int)lroundf(b[1] * (float)p->crop.height),
                      (int)lroundf(b[2] * (float)p->crop.width),
                      (int)lroundf(b[3] * (float)p->crop.height) };
}

/* The pixels of box b of picture p. */
static lk_rect box_rect(const lk_scan_box *b, const lk_image *p)
{
    return (lk_rect){ (int)lroundf(b->x * (float)p->width), (int)lroundf(b->y * (float)p->height),
                      (int)lroundf(b->w * (float)p->width), (int)lroundf(b->h * (float)p->height) };
}

/* Writes the labelled picture of item it from the decoded suspect and
 * reference frames (stored view `view` matched), making the reference's
 * frame number and region exact first; sets its evidence path. */
static void draw(lk_scan_worker *w, lk_scan_result *r, const struct item *it,
                 const struct lki_pic *sus, const struct lki_pic *ref, int view)
{
    const lk_segment *sg = &it->m->segs[it->k];
    lk_scan_detail none = { 0 }, *d = it->m->details ? &it->m->details[it->k] : &none;
    lk_rect vr = { 0, 0, 0, 0 };
    lk_errbuf err;
    const lk_scan_region_match *g = region_of(it);
    lk_rect sr = box_rect(&d->suspect_region, &sus->img);
    if (g) { /* a verified local match of this very frame pair: its boxes */
        vr = local_rect(g->ref, ref), sr = local_rect(g->sus, sus);
        d->ref_region = lki_scan_box(&vr, ref->img.width, ref->img.height);
    } else if (lk_view_rect(view, ref->crop.width, ref->crop.height, &vr) == 1) {
        vr.x += ref->crop.x, vr.y += ref->crop.y;
        d->ref_region = lki_scan_box(&vr, ref->img.width, ref->img.height);
    }
    d->ref_frame = ref->number;
    lk_evidence_info ev = {
        { &sus->img, sr, g ? "local features" : d->suspect_view, r->file,
          r->content_hash, sus->time, sus->number, r->duration <= 0 },
        { &ref->img, vr, g ? "local features" : d->ref_view, d->ref_file, d->ref_sha256, ref->time, ref->number,
          d->ref_duration <= 0 },
        it->m->work_id, it->m->title, it->m->owner, it->m->score,
        sg->local_frames >= sg->frames ? -1.0 : sg->distance,
        lk_variant_name(sg->variant), w->s->run.version };
    char *out = evidence_path(w->s->p.evidence_dir, r->file, r->content_hash, it->m->work_id,
                              it->k);
    if (out && lk_evidence_write(out, &ev, &err) == 0)
        it->m->evidence[it->k] = out, out = NULL;
    else
        warn(r, "%s", out ? err.msg : "out of memory");
    lki_free(out);
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
    if (path && grab(path, &s->ref_dec, &rt, 1, &ref) == 1)
        draw(w, r, it, sus, &ref, e.frame.view);
    else if (path)
        warn(r, "cannot decode reference '%s'", path);
    lki_free(given);
    lki_free(abs);
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

void lki_scan_evidence(lk_scan_worker *w, const char *path, const struct lki_frameset *fs,
                       lk_scan_result *r)
{
    const lk_scanner *s = w->s;
    size_t n = count_items(r), nmiss = 0;
    struct item *items = lki_calloc(n ? n : 1, sizeof *items);
    double *times = lki_calloc(n ? n : 1, sizeof *times);
    struct lki_pic *sus = lki_calloc(n ? n : 1, sizeof *sus);
    const struct lki_pic **use = lki_calloc(n ? n : 1, sizeof *use);
    n = 0;
    for (size_t i = 0; items && times && sus && use && i < r->nmatches; i++) {
        lk_scan_match *m = &r->matches[i];
        for (size_t k = 0; !m->candidate && k < m->nsegs &&
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
