/*
 * scan_writer.c — the report of `likeness scan` for one suspect: readable
 * text (verdict, matched works with owner, title, id, score in numbers and
 * words, the chance of such a match in words, aligned timecodes on both sides or "picture" for a still side,
 * distances with their scale, the reference file of a work of several
 * files, then style resemblances; a summary line per run), JSON and JSON
 * Lines (CSV is scan_csv.c).
 *
 * The JSON shape is a stable contract (README "Output of likeness scan"):
 * fields are added freely, never renamed.  Times are seconds rounded to
 * milliseconds; scores are rounded to 4 decimals, chances (expected chance
 * matches per suspect) to 3 significant digits, LLRs to 0.01 nat.
 */
#include <errno.h>
#include <math.h>
#include <unistd.h>
#include <stdlib.h>
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

/* A chance rate with 3 significant digits (finite: capped at 1e300). */
static double chance_json(double c)
{
    char buf[32];
    if (!(c < 1e300))
        return 1e300;
    snprintf(buf, sizeof buf, "%.3g", c);
    return strtod(buf, NULL);
}

static void add_region(cJSON *o, const char *key, const char *view, const lk_scan_box *b)
{
    cJSON *r = cJSON_AddObjectToObject(o, key);
    if (!r)
        return;
    cJSON_AddStringToObject(r, "view", view ? view : "");
    cJSON_AddNumberToObject(r, "x", round_to(b->x, 1e-4));
    cJSON_AddNumberToObject(r, "y", round_to(b->y, 1e-4));
    cJSON_AddNumberToObject(r, "width", round_to(b->w, 1e-4));
    cJSON_AddNumberToObject(r, "height", round_to(b->h, 1e-4));
}

static void add_frame(cJSON *o, const char *key, int64_t frame)
{
    if (frame >= 0)
        cJSON_AddNumberToObject(o, key, (double)frame);
}

/* The provenance fields of a segment (lk_scan_detail). */
static void add_detail(cJSON *o, const lk_scan_detail *d)
{
    cJSON_AddStringToObject(o, "ref_file", d->ref_file ? d->ref_file : "");
    if (d->ref_sha256[0])
        cJSON_AddStringToObject(o, "ref_sha256", d->ref_sha256);
    cJSON_AddNumberToObject(o, "ref_duration", round_to(d->ref_duration, 1e-3));
    cJSON_AddNumberToObject(o, "suspect_time", round_to(d->suspect_time, 1e-3));
    cJSON_AddNumberToObject(o, "ref_time", round_to(d->ref_time, 1e-3));
    add_frame(o, "suspect_frame", d->suspect_frame);
    add_frame(o, "ref_frame", d->ref_frame);
    add_frame(o, "suspect_first_frame", d->suspect_first);
    add_frame(o, "suspect_last_frame", d->suspect_last);
    add_frame(o, "ref_first_frame", d->ref_first);
    add_frame(o, "ref_last_frame", d->ref_last);
    if (d->suspect_region.w > 0)
        add_region(o, "suspect_region", d->suspect_view, &d->suspect_region);
    if (d->ref_region.w > 0)
        add_region(o, "ref_region", d->ref_view, &d->ref_region);
}

static cJSON *segment_json(const lk_segment *s, const char *evidence, const lk_scan_detail *d)
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
    cJSON_AddNumberToObject(o, "local_frames", s->local_frames);
    cJSON_AddNumberToObject(o, "score", round_to(s->score, 1e-4));
    cJSON_AddNumberToObject(o, "chance", chance_json(s->chance));
    cJSON_AddNumberToObject(o, "llr", round_to(s->llr, 1e-2));
    cJSON_AddNumberToObject(o, "speed", round_to(s->speed, 1e-3));
    cJSON_AddStringToObject(o, "transform", lk_variant_name(s->variant));
    if (evidence)
        cJSON_AddStringToObject(o, "evidence", evidence);
    if (d)
        add_detail(o, d);
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
    if (m->files > 0)
        cJSON_AddNumberToObject(o, "files", (double)m->files);
    cJSON_AddBoolToObject(o, "candidate", m->candidate);
    cJSON_AddNumberToObject(o, "chance", chance_json(m->chance));
    cJSON *segs = cJSON_AddArrayToObject(o, "segments");
    for (size_t i = 0; segs && i < m->nsegs; i++)
    {
        cJSON *so = segment_json(&m->segs[i], m->evidence ? m->evidence[i] : NULL,
                                 m->details ? &m->details[i] : NULL);
        lki_region_json(so, m->regions ? &m->regions[i] : NULL);
        cJSON_AddItemToArray(segs, so);
    }
    return o;
}

/* The provenance of the run: tool, index, parameters, start time. */
static cJSON *run_json(const lk_scan_run *run)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "tool", "likeness");
    cJSON_AddStringToObject(o, "version", run->version ? run->version : "");
    if (run->started[0])
        cJSON_AddStringToObject(o, "started", run->started);
    cJSON *ix = cJSON_AddObjectToObject(o, "index");
    cJSON_AddStringToObject(ix, "path", run->index_path ? run->index_path : "");
    cJSON_AddStringToObject(ix, "id", run->index_id);
    cJSON_AddNumberToObject(ix, "generation", (double)run->generation);
    const lk_match_params *m = &run->match;
    cJSON *p = cJSON_AddObjectToObject(o, "params");
    cJSON_AddNumberToObject(p, "min_score", m->min_score);
    cJSON_AddNumberToObject(p, "list_score", run->list_score);
    cJSON_AddNumberToObject(p, "style_threshold", m->style_threshold);
    cJSON_AddNumberToObject(p, "radius", m->radius);
    cJSON_AddNumberToObject(p, "min_speed", m->min_speed);
    cJSON_AddNumberToObject(p, "max_speed", m->max_speed);
    cJSON_AddNumberToObject(p, "max_gap", m->max_gap);
    cJSON_AddNumberToObject(p, "max_works", m->max_works);
    cJSON_AddNumberToObject(p, "max_segments", m->max_segments);
    cJSON_AddBoolToObject(p, "local_features", run->local_sets > 0);
    const lk_decode_opts *d = &run->sampling;
    cJSON *sm = cJSON_AddObjectToObject(o, "sampling");
    cJSON_AddNumberToObject(sm, "fps", d->fps);
    cJSON_AddBoolToObject(sm, "keyframes", d->keyframes);
    cJSON_AddBoolToObject(sm, "scene_cuts", d->scene_cuts);
    cJSON_AddNumberToObject(sm, "max_dim", d->max_dim);
    cJSON_AddBoolToObject(sm, "crop_borders", d->crop_borders);
    return o;
}

cJSON *lki_scan_json(const lk_scan_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "schema", 1);
    cJSON_AddStringToObject(o, "file", r->file);
    cJSON_AddStringToObject(o, "verdict", lk_verdict_name(r->verdict));
    cJSON_AddNumberToObject(o, "duration", round_to(r->duration, 1e-3));
    cJSON_AddNumberToObject(o, "decoded", round_to(r->decoded, 1e-3));
    cJSON_AddBoolToObject(o, "truncated", r->truncated);
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
    if (r->warning[0])
        cJSON_AddStringToObject(o, "warning", r->warning);
    if (r->run)
        cJSON_AddItemToObject(o, "run", run_json(r->run));
    if (r->duplicate_of)
        cJSON_AddStringToObject(o, "duplicate_of", r->duplicate_of);
    if (lk_json_make_valid(o) < 0)
        cJSON_Delete(o), o = NULL;
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
        fprintf(fp, "%s: \033[%sm%s\033[0m", LKI_ESC(r->file), colors[r->verdict & 3], upper);
    else
        fprintf(fp, "%s: %s", LKI_ESC(r->file), upper);
    if (r->verdict == LK_VERDICT_ERROR)
        fprintf(fp, " (%s)\n", r->error[0] ? LKI_ESC(r->error) : "unknown error");
    else if (r->truncated)
        fprintf(fp, "  (decoded %.1f of %.1f s: cut short, %ld frames sampled)\n", r->decoded,
                r->duration, r->frames);
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

/* One segment: both time ranges ("picture" for a still side), frames,
 * distance with its scale, transform, speed; the reference file when the
 * work has several; the evidence picture. */
static void print_segment(FILE *fp, const lk_scan_result *r, const lk_scan_match *m, size_t k)
{
    const lk_segment *s = &m->segs[k];
    const lk_scan_detail *d = m->details ? &m->details[k] : NULL;
    int sus_still = r->duration <= 0, ref_still = d && d->ref_duration <= 0 && !d->ref_imported;
    char a[64] = "picture", b[64] = "picture";
    if (!sus_still)
        format_range(s->s0, s->s1, a, sizeof a);
    if (!ref_still)
        format_range(s->r0, s->r1, b, sizeof b);
    fprintf(fp, "      suspect %s  <->  reference %s  ", a, b);
    if (!sus_still)
        fprintf(fp, "%d frame%s, ", s->frames, s->frames == 1 ? "" : "s");
    if (s->local_frames >= s->frames)
        fprintf(fp, "found by local features");
    else
        fprintf(fp, "distance %.1f of 256 bits", s->distance);
    if (s->local_frames > 0 && s->local_frames < s->frames)
        fprintf(fp, " (%d by local features)", s->local_frames);
    if (s->variant)
        fprintf(fp, ", %s", lk_variant_name(s->variant));
    if (s->speed > 0 && fabs(s->speed - 1.0) >= 0.02) /* speed is 0 for stills */
        fprintf(fp, ", speed x%.2f", s->speed);
    fputc('\n', fp);
    if (d && d->ref_file && m->files > 1)
        fprintf(fp, "      reference file: %s\n", LKI_ESC(d->ref_file));
    if (m->evidence && m->evidence[k])
        fprintf(fp, "      evidence: %s\n", LKI_ESC(m->evidence[k]));
}

/* "about 1 in 10^7 suspects": the chance rate of a match in words (1 in N,
 * N to one significant digit past a million, to two below). */
LK_API const char *lk_chance_words(double c, char *buf, size_t n)
{
    double inv = c > 0 ? 1.0 / c : 0;
    if (!(c < 1e300))
        snprintf(buf, n, "more than one per suspect (no evidence)");
    else if (c >= 0.5)
        snprintf(buf, n, "about %.2g per suspect (weak)", c);
    else if (c <= 1e-300)
        snprintf(buf, n, "less than 1 in 10^300 suspects");
    else if (inv < 1e6) {
        double unit = pow(10.0, floor(log10(inv)) - 1);
        snprintf(buf, n, "about 1 in %.0f suspects", round(inv / unit) * unit);
    } else {
        int k = (int)floor(log10(inv));
        int m = (int)lround(inv / pow(10.0, k));
        if (m >= 10)
            m = 1, k++;
        if (m == 1)
            snprintf(buf, n, "about 1 in 10^%d suspects", k);
        else
            snprintf(buf, n, "about 1 in %d x 10^%d suspects", m, k);
    }
    return buf;
}

static void print_chance(FILE *fp, double c)
{
    char words[64];
    fprintf(fp, "      chance match: %s\n", lk_chance_words(c, words, sizeof words));
}

static void print_text(FILE *fp, const lk_scan_result *r, unsigned flags)
{
    if ((flags & LK_SW_QUIET) && r->verdict == LK_VERDICT_CLEAN)
        return;
    print_verdict(fp, r, flags);
    if (r->duplicate_of)
        fprintf(fp, "  duplicate of %s: the same content, reported before\n",
                LKI_ESC(r->duplicate_of));
    for (size_t i = 0; i < r->nmatches; i++) {
        const lk_scan_match *m = &r->matches[i];
        fprintf(fp, "  copy   %.2f (%s)  \"%s\" (%s)  id %s%s\n", m->score,
                lk_score_words(m->score), LKI_ESC(m->title), LKI_ESC(m->owner), LKI_ESC(m->work_id),
                m->candidate ? "  [candidate: below the match score]" : "");
        print_chance(fp, m->chance);
        for (size_t k = 0; k < m->nsegs; k++) {
            print_segment(fp, r, m, k);
            lki_region_print(fp, m->regions ? &m->regions[k] : NULL);
        }
    }
    for (size_t i = 0; i < r->nstyle; i++)
        fprintf(fp, "  style  %.2f (%s)  \"%s\" (%s)  id %s  [style only: weaker than a copy]\n",
                r->style[i].score, lk_score_words(r->style[i].score), LKI_ESC(r->style[i].title),
                LKI_ESC(r->style[i].owner), LKI_ESC(r->style[i].work_id));
    fputc('\n', fp);
}

LK_API int lk_scan_write(FILE *fp, int format, unsigned flags, const lk_scan_result *r, int first)
{
    if (!fp || !r || format < LK_SCANFMT_TEXT || format > LK_SCANFMT_CSV)
        return LK_EINVAL;
    if (format == LK_SCANFMT_CSV)
        return lki_scan_csv(fp, r, first);
    if (format == LK_SCANFMT_TEXT) {
        print_text(fp, r, flags);
        return fflush(fp) != 0 || ferror(fp) ? LK_EIO : 0;
    }
    cJSON *o = lki_scan_json(r);
    int rc = lki_json_put(fp, format == LK_SCANFMT_JSONL ? "" : first ? "[\n" : ",\n", o,
                         format == LK_SCANFMT_JSONL ? "\n" : "");
    cJSON_Delete(o);
    return rc;
}

LK_API int lk_scan_write_summary(FILE *fp, const size_t counts[4], size_t skipped)
{
    static const char *const names[4] = { "clean", "resembles", "match", "error" };
    static const int order[4] = { LK_VERDICT_MATCH, LK_VERDICT_RESEMBLES, LK_VERDICT_CLEAN,
                                  LK_VERDICT_ERROR };
    size_t total = counts[0] + counts[1] + counts[2] + counts[3];
    fprintf(fp, "%zu suspect%s scanned", total, total == 1 ? "" : "s");
    const char *sep = ": ";
    for (int i = 0; i < 4; i++) {
        size_t n = counts[order[i]];
        if (!n)
            continue;
        fprintf(fp, "%s%zu %s%s", sep, n, names[order[i]],
                order[i] == LK_VERDICT_ERROR && n > 1 ? "s" : "");
        sep = ", ";
    }
    if (skipped)
        fprintf(fp, " (%zu already reported, skipped)", skipped);
    fputc('\n', fp);
    return fflush(fp) != 0 || ferror(fp) ? LK_EIO : 0;
}

LK_API int lk_scan_write_end(FILE *fp, int format, int any)
{
    if (format == LK_SCANFMT_JSON)
        fputs(any ? "\n]\n" : "[]\n", fp);
    if (format == LK_SCANFMT_CSV && !any)
        return lki_scan_csv(fp, NULL, 1);
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
    cJSON *o = lki_scan_json(r);
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
