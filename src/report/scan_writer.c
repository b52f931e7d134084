/*
 * scan_writer.c — the report of `likeness scan` for one suspect: readable
 * text (verdict, matched works with owner, title, id, score and aligned
 * timecodes on both sides, then style resemblances), JSON and JSON Lines.
 *
 * The JSON shape is a stable contract (README "Output of likeness scan"):
 * fields are added freely, never renamed.  Times are seconds rounded to
 * milliseconds; scores are rounded to 4 decimals.
 */
#include <errno.h>
#include <math.h>
#include <unistd.h>
#include <string.h>
#include <cJSON.h>
#include "common/common.h"
#include "likeness/report.h"
#include "report/report_internal.h"

static const char *const variant_names[LK_DIHEDRAL_COUNT] = {
    "as is", "rotated 90 degrees anticlockwise", "rotated 180 degrees",
    "rotated 90 degrees clockwise", "flipped upside down", "mirrored left-right",
    "transposed", "anti-transposed",
};

LK_API const char *lk_variant_name(int v)
{
    return v >= 0 && v < LK_DIHEDRAL_COUNT ? variant_names[v] : "unknown";
}

static double round_to(double x, double unit)
{
    return round(x / unit) * unit;
}

static cJSON *segment_json(const lk_segment *s, const char *evidence)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "suspect_start", round_to(s->s0, 1e-3));
    cJSON_AddNumberToObject(o, "suspect_end", round_to(s->s1, 1e-3));
    cJSON_AddNumberToObject(o, "ref_start", round_to(s->r0, 1e-3));
    cJSON_AddNumberToObject(o, "ref_end", round_to(s->r1, 1e-3));
    cJSON_AddNumberToObject(o, "frames", s->frames);
    cJSON_AddNumberToObject(o, "distance", round_to(s->distance, 1e-2));
    cJSON_AddNumberToObject(o, "score", round_to(s->score, 1e-4));
    cJSON_AddNumberToObject(o, "speed", round_to(s->speed, 1e-3));
    cJSON_AddStringToObject(o, "transform", lk_variant_name(s->variant));
    if (evidence)
        cJSON_AddStringToObject(o, "evidence", evidence);
    return o;
}

static void add_work_fields(cJSON *o, const char *id, const char *title, const char *owner,
                            double score)
{
    cJSON_AddStringToObject(o, "work_id", id ? id : "");
    cJSON_AddStringToObject(o, "title", title ? title : "");
    cJSON_AddStringToObject(o, "owner", owner ? owner : "");
    cJSON_AddNumberToObject(o, "score", round_to(score, 1e-4));
}

static cJSON *match_json(const lk_scan_match *m)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_work_fields(o, m->work_id, m->title, m->owner, m->score);
    cJSON *segs = cJSON_AddArrayToObject(o, "segments");
    for (size_t i = 0; segs && i < m->nsegs; i++)
    {
        cJSON *so = segment_json(&m->segs[i], m->evidence ? m->evidence[i] : NULL);
        lki_region_json(so, m->regions ? &m->regions[i] : NULL);
        cJSON_AddItemToArray(segs, so);
    }
    return o;
}

/* The suspect object of the JSON forms; NULL when out of memory. */
static cJSON *report_json(const lk_scan_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "schema", 1);
    cJSON_AddStringToObject(o, "file", r->file);
    cJSON_AddStringToObject(o, "verdict", lk_verdict_name(r->verdict));
    cJSON_AddNumberToObject(o, "duration", round_to(r->duration, 1e-3));
    cJSON_AddNumberToObject(o, "frames", (double)r->frames);
    cJSON *ms = cJSON_AddArrayToObject(o, "matches");
    for (size_t i = 0; ms && i < r->nmatches; i++)
        cJSON_AddItemToArray(ms, match_json(&r->matches[i]));
    cJSON *st = cJSON_AddArrayToObject(o, "style");
    for (size_t i = 0; st && i < r->nstyle; i++) {
        cJSON *s = cJSON_CreateObject();
        if (s)
            add_work_fields(s, r->style[i].work_id, r->style[i].title, r->style[i].owner,
                            r->style[i].score);
        cJSON_AddItemToArray(st, s);
    }
    if (r->verdict == LK_VERDICT_ERROR)
        cJSON_AddStringToObject(o, "error", r->error[0] ? r->error : "unknown error");
    if (r->content_hash[0])
        cJSON_AddStringToObject(o, "content_hash", r->content_hash);
    return o;
}

/* ANSI colour around the verdict, if enabled. */
static void print_verdict(FILE *fp, const lk_scan_result *r, unsigned flags)
{
    static const char *const colors[] = { "32", "33", "1;31", "1;35" };
    const char *name = lk_verdict_name(r->verdict);
    char upper[16];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)(name[i] - 'a' + 'A');
    upper[i] = '\0';
    if (flags & LK_SW_COLOR)
        fprintf(fp, "%s: \033[%sm%s\033[0m", r->file, colors[r->verdict & 3], upper);
    else
        fprintf(fp, "%s: %s", r->file, upper);
    if (r->verdict == LK_VERDICT_ERROR)
        fprintf(fp, " (%s)\n", r->error[0] ? r->error : "unknown error");
    else if (r->duration > 0)
        fprintf(fp, "  (%.3f s, %ld frames sampled)\n", r->duration, r->frames);
    else
        fprintf(fp, "  (still picture)\n");
}

/* "HH:MM:SS.mmm-HH:MM:SS.mmm", or one time for a single instant. */
static void format_range(double a, double b, char *out, size_t n)
{
    char x[32], y[32];
    lk_format_timecode(a, x, sizeof x);
    lk_format_timecode(b, y, sizeof y);
    if (strcmp(x, y) == 0)
        snprintf(out, n, "%s", x);
    else
        snprintf(out, n, "%s-%s", x, y);
}

static void print_segment(FILE *fp, const lk_segment *s, const char *evidence)
{
    char a[64], b[64];
    format_range(s->s0, s->s1, a, sizeof a);
    format_range(s->r0, s->r1, b, sizeof b);
    fprintf(fp, "      suspect %s  <->  reference %s  %d frame%s, distance %.1f", a, b, s->frames,
            s->frames == 1 ? "" : "s", s->distance);
    if (s->variant)
        fprintf(fp, ", %s", lk_variant_name(s->variant));
    if (s->speed > 0 && fabs(s->speed - 1.0) >= 0.02) /* speed is 0 for stills */
        fprintf(fp, ", speed x%.2f", s->speed);
    fputc('\n', fp);
    if (evidence)
        fprintf(fp, "      evidence: %s\n", evidence);
}

static void print_text(FILE *fp, const lk_scan_result *r, unsigned flags)
{
    if ((flags & LK_SW_QUIET) && r->verdict == LK_VERDICT_CLEAN)
        return;
    print_verdict(fp, r, flags);
    for (size_t i = 0; i < r->nmatches; i++) {
        const lk_scan_match *m = &r->matches[i];
        fprintf(fp, "  copy   %.2f  \"%s\" (%s)  id %s\n", m->score, m->title, m->owner,
                m->work_id);
        for (size_t k = 0; k < m->nsegs; k++) {
            print_segment(fp, &m->segs[k], m->evidence ? m->evidence[k] : NULL);
            lki_region_print(fp, m->regions ? &m->regions[k] : NULL);
        }
    }
    for (size_t i = 0; i < r->nstyle; i++)
        fprintf(fp, "  style  %.2f  \"%s\" (%s)  id %s  [style only: weaker than a copy]\n",
                r->style[i].score, r->style[i].title, r->style[i].owner, r->style[i].work_id);
    fputc('\n', fp);
}

LK_API int lk_scan_write(FILE *fp, int format, unsigned flags, const lk_scan_result *r, int first)
{
    if (!fp || !r || format < LK_SCANFMT_TEXT || format > LK_SCANFMT_JSONL)
        return LK_EINVAL;
    if (format == LK_SCANFMT_TEXT) {
        print_text(fp, r, flags);
        return fflush(fp) != 0 || ferror(fp) ? LK_EIO : 0;
    }
    cJSON *o = report_json(r);
    int rc = lki_json_put(fp, format == LK_SCANFMT_JSONL ? "" : first ? "[\n" : ",\n", o,
                         format == LK_SCANFMT_JSONL ? "\n" : "");
    cJSON_Delete(o);
    return rc;
}

LK_API int lk_scan_write_end(FILE *fp, int format, int any)
{
    if (format == LK_SCANFMT_JSON)
        fputs(any ? "\n]\n" : "[]\n", fp);
    return fflush(fp) != 0 || ferror(fp) ? LK_EIO : 0;
}

/* Writes all n bytes of buf to fd.  0, or the errno of the failure. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? errno : EIO;
        buf += k, n -= (size_t)k;
    }
    return 0;
}

LK_API int lk_scan_append_jsonl(int fd, const lk_scan_result *r)
{
    if (fd < 0 || !r)
        return LK_EINVAL;
    cJSON *o = report_json(r);
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!s)
        return LK_ENOMEM;
    size_t n = strlen(s);
    s[n] = '\n'; /* cJSON's buffer has room: its NUL is replaced, the length kept */
    off_t end = lseek(fd, 0, SEEK_END);
    int e = end < 0 ? errno : write_all(fd, s, n + 1);
    cJSON_free(s);
    if (e == 0)
        return 0;
    /* cut a partial line off, so the file stays whole lines for later appends */
    if (end >= 0 && ftruncate(fd, end) != 0)
        e = errno;
    return e == ENOSPC || e == EFBIG || e == EDQUOT ? LK_ENOSPC : LK_EIO;
}
