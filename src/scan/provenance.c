/*
 * provenance.c — where each reported segment comes from: the reference
 * file (path and SHA-256 as indexed), the frame numbers of both sides and
 * the regions whose hashes met (lk_scan_detail).
 *
 * The suspect side is exact: every query keeps its frame's number and its
 * rectangle in the whole picture (policy.c), and the query behind a
 * segment's closest match is found again by recomputing the distances of
 * that frame's queries to the matched hash (the frame's hits were merged
 * into one per entry before alignment, so which window gave it is not
 * kept).  The reference side is read from the catalog under the scanner's
 * lock; its frame numbers follow from times and the file's frame rate, its
 * region from the stored view on the file's coded size (evidence.c makes
 * both exact when it decodes the frame).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "common/common.h"
#include "scan/scan_internal.h"

/* The usable frame whose time is nearest to t (qtimes is sorted). */
static size_t nearest_frame(const struct lki_frameset *fs, double t)
{
    size_t lo = 0, hi = fs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fs->qtimes[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == fs->n || (lo > 0 && t - fs->qtimes[lo - 1] <= fs->qtimes[lo] - t))
        lo = lo ? lo - 1 : 0;
    return lo;
}

/* The query of usable frame `frame` closest to hash h (over its variants). */
static size_t best_query_of(const struct lki_frameset *fs, uint32_t frame, const lk_hash256 *h)
{
    size_t lo = 0, hi = fs->nq, best = SIZE_MAX;
    while (lo < hi) { /* first query of the frame: qframe is non-decreasing */
        size_t mid = lo + (hi - lo) / 2;
        if (fs->qframe[mid] < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    int bestd = 257;
    for (size_t k = lo; k < fs->nq && fs->qframe[k] == frame; k++)
        for (int v = 0; v < LK_DIHEDRAL_COUNT; v++) {
            int d = lk_hamming256(&fs->queries[k * LK_DIHEDRAL_COUNT + v], h);
            if (d < bestd)
                bestd = d, best = k;
        }
    return best;
}

/* The hex of a content hash; "" for an all-zero (unknown) one. */
static void hex32(const uint8_t *b, char out[65])
{
    static const uint8_t zero[32];
    if (memcmp(b, zero, sizeof zero) == 0)
        out[0] = '\0';
    else
        lk_sha256_to_hex(b, out);
}

/* Frame number at time t of a file of frame rate fps; -1 if unknown. */
static int64_t frame_at(double t, double fps, int still)
{
    if (still)
        return 0;
    return fps > 0 ? (int64_t)llround(t * fps) : -1;
}

/* The stored view's rectangle on the file's picture scaled as the index's
 * sampling scales it. */
static lk_scan_box view_box(const lk_scanner *s, int view, int w, int h)
{
    lk_rect r;
    int dim = s->ref_dec.max_dim, big = LK_MAX(w, h);
    if (w < 1 || h < 1)
        return (lk_scan_box){ 0, 0, 0, 0 };
    if (dim > 0 && big > dim) {
        w = LK_MAX(1, (int)lround((double)w * dim / big));
        h = LK_MAX(1, (int)lround((double)h * dim / big));
    }
    if (lk_view_rect(view, w, h, &r) != 1)
        return (lk_scan_box){ 0, 0, 0, 0 };
    return lki_scan_box(&r, w, h);
}

/* The reference side of segment sg, from the catalog. */
static int ref_side(lk_scanner *s, const lk_segment *sg, lk_scan_detail *d, lk_errbuf *err)
{
    lk_index_entry e;
    char *abs = NULL;
    LK_TRY(lki_scanner_entry(s, sg->best_ref, &e, &d->ref_file, &abs, err));
    lki_free(abs);
    int still = e.file_duration <= 0 && !e.file_imported;
    hex32(e.file_sha256, d->ref_sha256);
    d->ref_duration = e.file_duration;
    d->ref_imported = e.file_imported;
    d->ref_time = e.frame.t0;
    d->ref_frame = frame_at(e.frame.t0, e.file_fps, still);
    d->ref_first = frame_at(sg->r0, e.file_fps, still);
    d->ref_last = frame_at(sg->r1, e.file_fps, still);
    d->ref_view = lki_view_name(e.frame.view);
    d->ref_region = view_box(s, e.frame.view, e.file_width, e.file_height);
    return 0;
}

/* The suspect side of segment sg. */
static void suspect_side(const lk_scanner *s, const struct lki_frameset *fs,
                         const lk_segment *sg, lk_scan_detail *d)
{
    const lk_scan_region *regions;
    size_t nregions = lk_scan_regions(&regions);
    uint32_t i = sg->best_query;
    d->suspect_time = fs->qtimes[i];
    d->suspect_frame = fs->qnumber[i];
    d->suspect_first = fs->qnumber[nearest_frame(fs, sg->s0)];
    d->suspect_last = fs->qnumber[nearest_frame(fs, sg->s1)];
    size_t k = best_query_of(fs, i, &s->hashes[sg->best_ref]);
    if (k == SIZE_MAX) { /* a frame matched by its local features alone */
        d->suspect_view = "local features";
        return;
    }
    const struct lki_query_where *q = &fs->qwhere[k];
    d->suspect_view = q->region < nregions ? regions[q->region].name : "unknown region";
    d->suspect_region = q->box;
}

int lki_scan_details(lk_scanner *s, const struct lki_frameset *fs, lk_scan_result *r,
                     lk_errbuf *err)
{
    for (size_t i = 0; i < r->nmatches; i++) {
        lk_scan_match *m = &r->matches[i];
        m->details = lki_calloc(m->nsegs ? m->nsegs : 1, sizeof *m->details);
        if (!m->details)
            return lki_err(err, LK_ENOMEM, "out of memory");
        for (size_t k = 0; k < m->nsegs; k++) {
            const lk_segment *sg = &m->segs[k];
            if (LK_NEVER(sg->best_query >= fs->n || sg->best_ref >= s->nhashes))
                return lki_err(err, LK_EINVAL, "segment out of range");
            suspect_side(s, fs, sg, &m->details[k]);
            LK_TRY(ref_side(s, sg, &m->details[k], err));
        }
    }
    return 0;
}
