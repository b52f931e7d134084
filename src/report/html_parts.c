/*
 * html_parts.c — pieces of the HTML report (html.c): escaping, reading
 * fields of the scan's JSON objects, the SVG timeline of a work's segments
 * on both clocks, the SVG diagram of a matched region, and evidence
 * pictures embedded as data: URIs.
 *
 * Invariant: every string that comes from the data (file names, titles,
 * owners, messages) goes through lki_html_text, so the page holds no markup
 * but ours and no control character or invalid UTF-8 (escaped as in the
 * text report); numbers are printed by us.  Nothing refers outside the page.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "likeness/report.h"
#include "report/report_internal.h"

void lki_html_text(FILE *fp, const char *raw)
{
    size_t n = lk_text_escape(raw, NULL, 0);
    char *e = lki_malloc(n + 1);
    if (!e) {
        fputs("?", fp);
        return;
    }
    lk_text_escape(raw, e, n + 1); /* no control byte, no invalid UTF-8 */
    for (const char *s = e; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default: fputc(*s, fp);
        }
    }
    lki_free(e);
}

const char *lki_jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

double lki_jnum(const cJSON *o, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

const char *lki_base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "";
}

/* ---- the timeline ---- */

#define TL_W 640      /* viewBox width */
#define TL_LEFT 150   /* labels left of the bars */
#define TL_RIGHT 20
#define TL_BAR 14     /* bar height */
#define TL_ROW 56     /* distance between bars */

static double tl_x(double t, double dur)
{
    double w = TL_W - TL_LEFT - TL_RIGHT;
    return TL_LEFT + (dur > 0 ? LK_MIN(1.0, t / dur) * w : w / 2);
}

/* One bar: its label, the clock's ends, at height y. */
static void tl_bar(FILE *fp, int y, const char *cls, const char *label, double dur)
{
    char a[32], b[32];
    fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"tl-label\">", TL_LEFT - 8, y + TL_BAR - 3);
    lki_html_text(fp, label);
    fputs("</text>\n", fp);
    fprintf(fp, "<rect class=\"tl-bar %s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", cls,
            TL_LEFT, y, TL_W - TL_LEFT - TL_RIGHT, TL_BAR);
    if (dur > 0) {
        lk_format_timecode(0, a, sizeof a);
        lk_format_timecode(dur, b, sizeof b);
        fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"tl-tick\">%s</text>"
                "<text x=\"%d\" y=\"%d\" class=\"tl-tick end\">%s</text>\n", TL_LEFT,
                y + TL_BAR + 12, a, TL_W - TL_RIGHT, y + TL_BAR + 12, b);
    } else {
        fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"tl-tick\">still picture</text>\n",
                TL_LEFT, y + TL_BAR + 12);
    }
}

/* The index of ref file f in files (adding it), at most max. */
static int file_row(const char **files, int *n, int max, const char *f)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(files[i], f))
            return i;
    if (*n == max)
        return max - 1;
    files[*n] = f;
    return (*n)++;
}

/* One segment: its span on both bars and the band joining them. */
static void tl_segment(FILE *fp, const cJSON *sg, double sdur, double rdur, int yr, int k)
{
    double s0 = lki_jnum(sg, "suspect_start", 0), s1 = lki_jnum(sg, "suspect_end", 0);
    double r0 = lki_jnum(sg, "ref_start", 0), r1 = lki_jnum(sg, "ref_end", 0);
    double xs0 = tl_x(s0, sdur), xs1 = LK_MAX(tl_x(s1, sdur), xs0 + 3);
    double xr0 = tl_x(r0, rdur), xr1 = LK_MAX(tl_x(r1, rdur), xr0 + 3);
    char a[32], b[32];
    lk_format_timecode(s0, a, sizeof a);
    lk_format_timecode(r0, b, sizeof b);
    fprintf(fp, "<g class=\"tl-seg\" data-segment=\"%d\"><title>segment %d: suspect %s, "
            "reference %s</title>\n", k + 1, k + 1, a, b);
    fprintf(fp, "<polygon class=\"tl-band\" points=\"%.1f,%d %.1f,%d %.1f,%d %.1f,%d\"/>\n", xs0,
            20 + TL_BAR, xs1, 20 + TL_BAR, xr1, yr, xr0, yr);
    fprintf(fp, "<rect class=\"tl-span suspect\" x=\"%.1f\" y=\"20\" width=\"%.1f\" "
            "height=\"%d\"/>\n", xs0, xs1 - xs0, TL_BAR);
    fprintf(fp, "<rect class=\"tl-span reference\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
            "height=\"%d\"/>\n", xr0, yr, xr1 - xr0, TL_BAR);
    fprintf(fp, "<text x=\"%.1f\" y=\"16\" class=\"tl-num\">%d</text></g>\n", xs0, k + 1);
}

void lki_html_timeline(FILE *fp, const cJSON *match, double suspect_duration)
{
    enum { MAX_FILES = 6 };
    const char *files[MAX_FILES];
    double durs[MAX_FILES] = { 0 };
    int nf = 0;
    const cJSON *segs = cJSON_GetObjectItemCaseSensitive(match, "segments"), *sg;
    cJSON_ArrayForEach(sg, segs) {
        int f = file_row(files, &nf, MAX_FILES, lki_jstr(sg, "ref_file"));
        double d = lki_jnum(sg, "ref_duration", -1);
        durs[f] = LK_MAX(durs[f], d >= 0 ? d : lki_jnum(sg, "ref_end", 0) * 1.1);
    }
    int h = 20 + TL_ROW * (nf ? nf : 1) + TL_BAR + 20;
    fprintf(fp, "<svg class=\"timeline\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "aria-label=\"timeline of the segments on both clocks\">\n", TL_W, h);
    tl_bar(fp, 20, "suspect", "suspect", suspect_duration);
    for (int f = 0; f < nf; f++) {
        char label[96];
        snprintf(label, sizeof label, "%.40s", lki_base_name(files[f]));
        tl_bar(fp, 20 + TL_ROW * (f + 1), "reference", label, durs[f]);
    }
    int k = 0;
    cJSON_ArrayForEach(sg, segs) {
        int f = file_row(files, &nf, MAX_FILES, lki_jstr(sg, "ref_file"));
        tl_segment(fp, sg, suspect_duration, durs[f], 20 + TL_ROW * (f + 1), k++);
    }
    fputs("</svg>\n", fp);
}

/* ---- regions ---- */

void lki_html_region(FILE *fp, const cJSON *region, const char *side)
{
    if (!cJSON_IsObject(region))
        return;
    double x = lki_jnum(region, "x", 0), y = lki_jnum(region, "y", 0);
    double w = lki_jnum(region, "width", 0), h = lki_jnum(region, "height", 0);
    fprintf(fp, "<svg class=\"region %s\" data-side=\"%s\" data-view=\"", side, side);
    lki_html_text(fp, lki_jstr(region, "view"));
    fprintf(fp, "\" viewBox=\"0 0 160 90\" role=\"img\" aria-label=\"matched region of the %s "
            "picture\"><rect class=\"picture\" x=\"0.5\" y=\"0.5\" width=\"159\" height=\"89\"/>"
            "<rect class=\"matched\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "data-x=\"%.4f\" data-y=\"%.4f\" data-width=\"%.4f\" data-height=\"%.4f\"/></svg>",
            side, 160 * x, 90 * y, 160 * w, 90 * h, x, y, w, h);
}

void lki_html_region_words(FILE *fp, const cJSON *region)
{
    if (!cJSON_IsObject(region)) {
        fputs("not known", fp);
        return;
    }
    double x = lki_jnum(region, "x", 0), y = lki_jnum(region, "y", 0);
    lki_html_text(fp, lki_jstr(region, "view"));
    fprintf(fp, ": %.0f&ndash;%.0f%% across, %.0f&ndash;%.0f%% down", 100 * x,
            100 * (x + lki_jnum(region, "width", 0)), 100 * y,
            100 * (y + lki_jnum(region, "height", 0)));
}

/* ---- pictures ---- */

#define MAX_PICTURE (32L << 20)

/* Opens path, or base/path for a relative path not found as given. */
static FILE *open_picture(const char *path, const char *base)
{
    FILE *fp = fopen(path, "rb");
    if (fp || !base || path[0] == '/')
        return fp;
    size_t n = strlen(base) + strlen(path) + 2;
    char *p = lki_malloc(n);
    if (!p)
        return NULL;
    snprintf(p, n, "%s/%s", base, path);
    fp = fopen(p, "rb");
    lki_free(p);
    return fp;
}

static void base64(FILE *out, const uint8_t *b, size_t n)
{
    static const char d[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0) |
                     (i + 2 < n ? b[i + 2] : 0);
        fputc(d[v >> 18], out);
        fputc(d[(v >> 12) & 63], out);
        fputc(i + 1 < n ? d[(v >> 6) & 63] : '=', out);
        fputc(i + 2 < n ? d[v & 63] : '=', out);
    }
}

int lki_html_picture(FILE *out, const char *path, const char *base, const char *alt)
{
    FILE *fp = open_picture(path, base);
    long n = -1;
    uint8_t *b = NULL;
    if (fp && fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 8 && n <= MAX_PICTURE &&
        fseek(fp, 0, SEEK_SET) == 0 && (b = lki_malloc((size_t)n)) &&
        fread(b, 1, (size_t)n, fp) == (size_t)n && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) {
        fputs("<img class=\"evidence\" alt=\"", out);
        lki_html_text(out, alt);
        fputs("\" src=\"data:image/png;base64,", out);
        base64(out, b, (size_t)n);
        fputs("\">", out);
        n = 0;
    } else {
        n = -1;
    }
    if (fp)
        fclose(fp);
    lki_free(b);
    return (int)n;
}
