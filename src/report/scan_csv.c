/*
 * scan_csv.c — the CSV form of scan reports, for spreadsheets: one row per
 * segment ("copy"), one per style resemblance ("style"), and one row
 * ("none") for a suspect with neither, so that every suspect appears.
 *
 * RFC 4180: comma-separated, CRLF line ends, a field holding a comma, a
 * quote or outer spaces is quoted with quotes doubled.  Text fields are
 * escaped first (lk_text_escape: control characters, line breaks included,
 * and invalid UTF-8 as C escapes), so no field holds a raw control byte
 * and every row is one line.  A text field that a spreadsheet would run
 * as a formula (starting with =, +, - or @: file names come from suspects)
 * is prefixed with a single quote.  Times are seconds to the millisecond,
 * scores to 4 decimals; unknown values are empty.  A suspect's rows are
 * built in memory and written with one fwrite, then flushed.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include "common/common.h"
#include "likeness/report.h"
#include "report/report_internal.h"

static const char *const header[] = {
    "file", "verdict", "kind", "work_id", "title", "owner", "work_score", "segment",
    "suspect_start", "suspect_end", "ref_start", "ref_end", "frames", "distance",
    "segment_score", "speed", "transform", "ref_file", "ref_sha256", "suspect_frame",
    "ref_frame", "suspect_region", "ref_region", "evidence", "content_hash", "error",
};
#define NCOLS (sizeof header / sizeof header[0])

/* A growing text buffer; ok drops to 0 when memory runs out. */
struct buf {
    char *s;
    size_t n, cap;
    int ok;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (!b->ok)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = LK_MAX(2 * b->cap, b->n + n + 256);
        char *p = lki_realloc(b->s, cap);
        if (!p) {
            b->ok = 0;
            return;
        }
        b->s = p, b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
}

/* One text field (col > 0: after a comma), control characters and
 * invalid UTF-8 escaped first (lk_text_escape), so no row spans lines. */
static void text(struct buf *b, int col, const char *raw)
{
    if (col)
        put(b, ",", 1);
    if (!raw || !*raw)
        return;
    size_t n = lk_text_escape(raw, NULL, 0);
    char *s = lki_malloc(n + 1);
    if (!s) {
        b->ok = 0;
        return;
    }
    lk_text_escape(raw, s, n + 1);
    int quote = strpbrk(s, ",\"") || s[0] == ' ' || s[n - 1] == ' ';
    if (quote)
        put(b, "\"", 1);
    if (strchr("=+-@", s[0]))
        put(b, "'", 1);
    for (const char *p = s; *p; p++) {
        put(b, p, 1);
        if (*p == '"')
            put(b, "\"", 1);
    }
    if (quote)
        put(b, "\"", 1);
    lki_free(s);
}

/* One number field, printf-formatted (never needs quoting). */
static void num(struct buf *b, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void num(struct buf *b, int col, const char *fmt, ...)
{
    char v[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    if (col)
        put(b, ",", 1);
    if (n > 0)
        put(b, v, (size_t)LK_MIN(n, (int)sizeof v - 1));
}

static void region(struct buf *b, int col, const char *view, const lk_scan_box *x)
{
    char v[160] = "";
    if (x->w > 0)
        snprintf(v, sizeof v, "%s: x %.4f y %.4f w %.4f h %.4f", view ? view : "", x->x, x->y,
                 x->w, x->h);
    text(b, col, v);
}

static void frame(struct buf *b, int col, int64_t f)
{
    if (f >= 0)
        num(b, col, "%lld", (long long)f);
    else
        text(b, col, NULL);
}

/* x rounded to thousandths as the JSON forms round it (half away from 0). */
static double ms(double x)
{
    return round(x * 1e3) / 1e3;
}

/* Columns 7-23 of a copy row: the segment and its provenance. */
static void segment_cols(struct buf *b, const lk_scan_match *m, size_t k)
{
    const lk_segment *s = &m->segs[k];
    const lk_scan_detail *d = m->details ? &m->details[k] : NULL;
    num(b, 1, "%zu", k + 1);
    num(b, 1, "%.3f", ms(s->s0)), num(b, 1, "%.3f", ms(s->s1));
    num(b, 1, "%.3f", ms(s->r0)), num(b, 1, "%.3f", ms(s->r1));
    num(b, 1, "%d", s->frames), num(b, 1, "%.2f", round(s->distance * 100) / 100);
    num(b, 1, "%.4f", round(s->score * 1e4) / 1e4);
    num(b, 1, "%.3f", ms(s->speed));
    text(b, 1, lk_variant_name(s->variant));
    text(b, 1, d ? d->ref_file : NULL);
    text(b, 1, d ? d->ref_sha256 : NULL);
    frame(b, 1, d ? d->suspect_frame : -1);
    frame(b, 1, d ? d->ref_frame : -1);
    lk_scan_box none = { 0, 0, 0, 0 };
    region(b, 1, d ? d->suspect_view : NULL, d ? &d->suspect_region : &none);
    region(b, 1, d ? d->ref_view : NULL, d ? &d->ref_region : &none);
    text(b, 1, m->evidence ? m->evidence[k] : NULL);
}

/* One row: the suspect's columns, kind, work, then cols (or empties). */
static void row(struct buf *b, const lk_scan_result *r, const char *kind, const char *id,
                const char *title, const char *owner, double score, const lk_scan_match *m,
                size_t k)
{
    text(b, 0, r->file);
    text(b, 1, lk_verdict_name(r->verdict));
    text(b, 1, kind);
    text(b, 1, id), text(b, 1, title), text(b, 1, owner);
    if (id)
        num(b, 1, "%.4f", round(score * 1e4) / 1e4);
    else
        text(b, 1, NULL);
    if (m) {
        segment_cols(b, m, k);
    } else {
        for (int i = 7; i < 24; i++)
            text(b, 1, NULL);
    }
    text(b, 1, r->content_hash);
    text(b, 1, r->verdict == LK_VERDICT_ERROR ? r->error : NULL);
    put(b, "\r\n", 2);
}

static void header_row(struct buf *b)
{
    for (size_t i = 0; i < NCOLS; i++)
        text(b, (int)i, header[i]);
    put(b, "\r\n", 2);
}

int lki_scan_csv(FILE *fp, const lk_scan_result *r, int first)
{
    struct buf b = { NULL, 0, 0, 1 };
    if (first)
        header_row(&b);
    size_t rows = 0;
    for (size_t i = 0; r && i < r->nmatches; i++) {
        const lk_scan_match *m = &r->matches[i];
        for (size_t k = 0; k < m->nsegs; k++, rows++)
            row(&b, r, "copy", m->work_id, m->title, m->owner, m->score, m, k);
    }
    for (size_t i = 0; r && i < r->nstyle; i++, rows++)
        row(&b, r, "style", r->style[i].work_id, r->style[i].title, r->style[i].owner,
            r->style[i].score, NULL, 0);
    if (r && !rows)
        row(&b, r, "none", NULL, NULL, NULL, 0, NULL, 0);
    if (!b.ok) {
        lki_free(b.s);
        return LK_ENOMEM;
    }
    int bad = b.n && (fwrite(b.s, 1, b.n, fp) != b.n);
    bad |= fflush(fp) != 0;
    lki_free(b.s);
    return bad ? LK_EIO : 0;
}
