/*
 * html.c — the HTML report of scans (lk_scan_report_html): one page for
 * people who are not engineers, to read on screen, print, or attach to a
 * takedown request.
 *
 * The page is self-contained: CSS inline, timelines and region diagrams as
 * inline SVG, evidence pictures as data: URIs, no script, and a
 * Content-Security-Policy of default-src 'none' (images from data: only,
 * inline style) so that even a browser that was handed a changed copy
 * loads nothing.  Order: a summary (counts, runs with their index,
 * parameters, date, version; the matches in brief with links), how to read
 * it, one section per suspect (verdict; per matched work a card: owner,
 * title, id, reference files, score in words, timeline, frame pairs, a
 * table of segments; style resemblances apart, as weaker evidence), then
 * the errors and warnings.  Hooks for tests and styles are classes and
 * data- attributes (data-verdict, data-work-id, data-segment, data-side).
 */
#include <string.h>
#include "common/common.h"
#include "likeness/likeness.h"
#include "likeness/report.h"
#include "report/report_internal.h"

static const char css[] =
    "body{font:15px/1.45 system-ui,sans-serif;color:#1d1d1f;background:#f4f4f2;margin:0}"
    "main{max-width:1060px;margin:0 auto;padding:24px}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 10px;"
    "border-bottom:2px solid #1d1d1f}h3{font-size:17px;margin:0 0 6px}h4{font-size:16px;"
    "margin:0 0 6px}"
    ".lede{font-size:17px;margin:0 0 12px}"
    "table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;padding:3px 10px 3px 0}"
    "table.facts th{font-weight:600;white-space:nowrap}"
    "table.segments{width:100%;font-size:14px}table.segments th,table.segments td{"
    "border-bottom:1px solid #ddd}"
    "article.suspect{background:#fff;border:1px solid #ccc;border-left:8px solid #999;"
    "border-radius:6px;padding:14px 18px;margin:16px 0}"
    "article.suspect[data-verdict=match]{border-left-color:#c0392b}"
    "article.suspect[data-verdict=resembles]{border-left-color:#d68910}"
    "article.suspect[data-verdict=clean]{border-left-color:#239b56}"
    "article.suspect[data-verdict=error]{border-left-color:#7d3c98}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:4px;color:#fff;font-size:13px;"
    "letter-spacing:.05em;margin-right:6px}"
    ".badge.match{background:#c0392b}.badge.resembles{background:#d68910}"
    ".badge.clean{background:#239b56}.badge.error{background:#7d3c98}"
    ".meta{color:#555;font-size:13px;margin:0 0 10px;word-break:break-all}"
    ".work{border:1px solid #ddd;border-radius:6px;padding:12px 14px;margin:12px 0;"
    "break-inside:avoid}"
    ".score{font-weight:600}.words{font-style:italic}"
    "svg.timeline{width:100%;max-width:760px;height:auto;display:block;margin:8px 0}"
    ".tl-bar{fill:#e8e8e8;stroke:#999}.tl-span.suspect{fill:#ffb000}"
    ".tl-span.reference{fill:#30c8ff}.tl-band{fill:#888;opacity:.25}"
    ".tl-label{font-size:12px;text-anchor:end}.tl-tick{font-size:10px;fill:#555}"
    ".tl-tick.end{text-anchor:end}.tl-num{font-size:10px}"
    "figure.pair{margin:12px 0;break-inside:avoid}"
    "img.evidence{max-width:100%;height:auto;display:block;border:1px solid #ccc}"
    ".sides{display:flex;flex-wrap:wrap;gap:18px;margin-top:6px}"
    ".side{flex:1 1 300px;font-size:14px}.side h5{margin:0 0 2px;font-size:14px}"
    ".side.suspect h5{color:#a36f00}.side.reference h5{color:#0a7fa8}"
    "svg.region{width:160px;height:90px;display:block;margin:4px 0}"
    "svg.region .picture{fill:#f0f0f0;stroke:#777}"
    "svg.region.suspect .matched{fill:rgba(255,176,0,.35);stroke:#ffb000;stroke-width:2}"
    "svg.region.reference .matched{fill:rgba(48,200,255,.35);stroke:#30c8ff;stroke-width:2}"
    ".style{border:1px dashed #d68910;border-radius:6px;padding:10px 14px;margin:12px 0}"
    ".note{color:#555;font-size:13px}.missing{color:#7d3c98}"
    "code{font-size:13px;word-break:break-all}"
    "@media print{body{background:#fff;font-size:12px}main{padding:0}"
    "article.suspect,.work{break-inside:avoid}a{color:inherit;text-decoration:none}}";

static const char *const verdicts[4] = { "clean", "resembles", "match", "error" };

static int verdict_of(const cJSON *o)
{
    const char *v = lki_jstr(o, "verdict");
    for (int i = 0; i < 4; i++)
        if (!strcmp(v, verdicts[i]))
            return i;
    return LK_VERDICT_ERROR;
}

static void head(FILE *fp, const lk_scan_report *rep, const size_t counts[4])
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "img-src data:; style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", fp);
    fprintf(fp, "<meta name=\"generator\" content=\"likeness %s\">\n", lk_version());
    fprintf(fp, "<title>likeness report: %zu suspect%s, %zu match%s</title>\n", rep->n,
            rep->n == 1 ? "" : "s", counts[LK_VERDICT_MATCH],
            counts[LK_VERDICT_MATCH] == 1 ? "" : "es");
    fprintf(fp, "<style>%s</style>\n</head>\n<body>\n<main>\n", css);
}

/* "2 match, 1 clean" with the verdicts present, in order of weight. */
static void verdict_counts(FILE *fp, const size_t counts[4])
{
    static const int order[4] = { LK_VERDICT_MATCH, LK_VERDICT_RESEMBLES, LK_VERDICT_CLEAN,
                                  LK_VERDICT_ERROR };
    const char *sep = "";
    for (int i = 0; i < 4; i++) {
        if (!counts[order[i]])
            continue;
        fprintf(fp, "%s<span class=\"count %s\">%zu %s%s</span>", sep, verdicts[order[i]],
                counts[order[i]], verdicts[order[i]],
                order[i] == LK_VERDICT_ERROR && counts[order[i]] > 1 ? "s" : "");
        sep = ", ";
    }
    if (!*sep)
        fputs("none", fp);
}

/* "2026-12-01T11:16:44Z" as "2026-12-01 11:16:44 UTC". */
static void date(FILE *fp, const char *iso)
{
    if (strlen(iso) == 20 && iso[10] == 'T')
        fprintf(fp, "%.10s %.8s UTC", iso, iso + 11);
    else
        fputs("not recorded", fp);
}

/* One run's facts: index identity, parameters, date, tool. */
static void run_facts(FILE *fp, const cJSON *run)
{
    const cJSON *ix = cJSON_GetObjectItemCaseSensitive(run, "index");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(run, "params");
    const cJSON *sm = cJSON_GetObjectItemCaseSensitive(run, "sampling");
    fputs("<tr><th>Index</th><td><code>", fp);
    lki_html_text(fp, lki_jstr(ix, "path"));
    fputs("</code>, id <code class=\"index-id\">", fp);
    lki_html_text(fp, lki_jstr(ix, "id"));
    fprintf(fp, "</code>, generation %.0f</td></tr>\n", lki_jnum(ix, "generation", 0));
    fprintf(fp, "<tr><th>Parameters</th><td>a match scores at least %.2f; style resembles "
            "at %.2f; frames match within %.0f of 256 bits; speed %.2f&ndash;%.2f; gaps up "
            "to %.1f s; suspects sampled at %g frames/s%s, up to %.0f pixels a side%s</td>"
            "</tr>\n", lki_jnum(p, "min_score", 0), lki_jnum(p, "style_threshold", 0),
            lki_jnum(p, "radius", 0), lki_jnum(p, "min_speed", 0), lki_jnum(p, "max_speed", 0),
            lki_jnum(p, "max_gap", 0), lki_jnum(sm, "fps", 0),
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sm, "scene_cuts"))
                ? " and after scene cuts" : "",
            lki_jnum(sm, "max_dim", 0),
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sm, "crop_borders"))
                ? ", constant borders cropped" : "");
    fputs("<tr><th>Scanned</th><td class=\"date\">", fp);
    date(fp, lki_jstr(run, "started"));
    fputs("</td></tr>\n<tr><th>Tool</th><td class=\"tool\">likeness ", fp);
    lki_html_text(fp, lki_jstr(run, "version"));
    fputs("</td></tr>\n", fp);
}

/* The distinct runs of the report (by their JSON), at most max. */
static size_t distinct_runs(const lk_scan_report *rep, const cJSON **runs, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(rep->v[i].o, "run");
        size_t k = 0;
        while (r && k < n && !cJSON_Compare(runs[k], r, 1))
            k++;
        if (r && k == n && n < max)
            runs[n++] = r;
    }
    return n;
}

static void summary(FILE *fp, const lk_scan_report *rep, const size_t counts[4])
{
    const cJSON *runs[8];
    size_t nruns = distinct_runs(rep, runs, 8);
    fputs("<header>\n<h1>Similarity report</h1>\n<p class=\"lede\">", fp);
    fprintf(fp, "<span class=\"suspects\">%zu suspect%s</span> scanned: ", rep->n,
            rep->n == 1 ? "" : "s");
    verdict_counts(fp, counts);
    fputs(".</p>\n</header>\n<section id=\"summary\">\n<h2>Summary</h2>\n", fp);
    for (size_t k = 0; k < LK_MAX(nruns, (size_t)1); k++) {
        if (nruns > 1)
            fprintf(fp, "<h3>Run %zu of %zu</h3>\n", k + 1, nruns);
        fputs("<table class=\"facts\">\n", fp);
        if (k == 0) {
            fprintf(fp, "<tr><th>Suspects scanned</th><td>%zu</td></tr>\n<tr><th>Verdicts</th>"
                    "<td>", rep->n);
            verdict_counts(fp, counts);
            fputs("</td></tr>\n", fp);
        }
        if (nruns)
            run_facts(fp, runs[k]);
        else
            fputs("<tr><th>Run</th><td>not recorded (output of an older likeness)</td></tr>\n",
                  fp);
        fputs("</table>\n", fp);
    }
}

/* The matches in brief, linked to their sections. */
static void matches_in_brief(FILE *fp, const lk_scan_report *rep)
{
    int any = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const cJSON *o = rep->v[i].o, *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(o, "matches")) {
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "candidate")))
                continue; /* listed below the match score: not a copy found */
            fputs(any++ ? "" : "<h3>Copies found</h3>\n<ul class=\"brief\">\n", fp);
            fprintf(fp, "<li><a href=\"#s%zu\">", i + 1);
            lki_html_text(fp, lki_base_name(lki_jstr(o, "file")));
            fputs("</a>: &ldquo;", fp);
            lki_html_text(fp, lki_jstr(m, "title"));
            fputs("&rdquo; (", fp);
            lki_html_text(fp, lki_jstr(m, "owner"));
            fprintf(fp, "), score %.2f, <span class=\"words\">%s</span></li>\n",
                    lki_jnum(m, "score", 0), lk_score_words(lki_jnum(m, "score", 0)));
        }
    }
    if (any)
        fputs("</ul>\n", fp);
    fputs("<p class=\"note\">How to read this: a <b>copy</b> is an aligned run of frames whose "
          "perceptual hashes (PDQ, 256 bits) lie within a few tens of bits of a reference "
          "work's; the score (0 to 1) grows with the number of aligned frames and falls with "
          "the distance, and is put in words: very strong (0.85 and above), strong (0.7), "
          "moderate (0.5), weak (0.3), very weak. A still picture is judged on its one "
          "distance. <b>Style</b> resemblance compares colour and edge statistics only: it is "
          "weaker evidence, never proof of copying. Outlined in each picture (amber on the "
          "suspect, blue on the reference) is the region whose hashes matched.</p>\n"
          "</section>\n", fp);
}

/* One side of a frame pair: role, file, time, frame, region. */
static void pair_side(FILE *fp, const char *side, const char *role, const char *file,
                      double time, const cJSON *frame, int still, const cJSON *region)
{
    char tc[32];
    fprintf(fp, "<div class=\"side %s\"><h5>%s</h5><div class=\"file\"><code>", side, role);
    lki_html_text(fp, file);
    fputs("</code></div>\n", fp);
    lk_format_timecode(time, tc, sizeof tc);
    if (still)
        fputs("<div class=\"when\">still picture", fp);
    else
        fprintf(fp, "<div class=\"when\">time <span class=\"time\">%s</span>", tc);
    if (cJSON_IsNumber(frame))
        fprintf(fp, ", frame <span class=\"frame\">%.0f</span>", frame->valuedouble);
    fputs("</div>\n<div class=\"region-words\">region: ", fp);
    lki_html_region_words(fp, region);
    fputs("</div>\n", fp);
    lki_html_region(fp, region, side);
    fputs("</div>\n", fp);
}

/* The frame pair of segment k: the evidence picture and both sides. */
static void pair(FILE *fp, const struct lki_report_item *it, const cJSON *sg, int k)
{
    const cJSON *o = it->o;
    const char *ev = lki_jstr(sg, "evidence");
    double sdur = lki_jnum(o, "duration", 0);
    fprintf(fp, "<figure class=\"pair\" data-segment=\"%d\">\n", k + 1);
    if (*ev && lki_html_picture(fp, ev, it->base, "the suspect frame (left) and the "
                                "reference frame (right), matched regions outlined") < 0) {
        fputs("<p class=\"missing\">evidence picture not found: <code>", fp);
        lki_html_text(fp, ev);
        fputs("</code></p>\n", fp);
    } else if (!*ev) {
        fputs("<p class=\"note\">No picture: the scan was run without --evidence.</p>\n", fp);
    }
    fprintf(fp, "<figcaption>Segment %d, closest frame pair\n<div class=\"sides\">\n", k + 1);
    pair_side(fp, "suspect", "Suspect", lki_jstr(o, "file"), lki_jnum(sg, "suspect_time", 0),
              cJSON_GetObjectItemCaseSensitive(sg, "suspect_frame"), sdur <= 0,
              cJSON_GetObjectItemCaseSensitive(sg, "suspect_region"));
    pair_side(fp, "reference", "Reference", lki_jstr(sg, "ref_file"),
              lki_jnum(sg, "ref_time", 0), cJSON_GetObjectItemCaseSensitive(sg, "ref_frame"),
              lki_jnum(sg, "ref_duration", 1) <= 0,
              cJSON_GetObjectItemCaseSensitive(sg, "ref_region"));
    fputs("</div>\n</figcaption>\n</figure>\n", fp);
}

/* "00:00:02.000&ndash;00:00:05.760", one time for an instant, or "picture". */
static void range(FILE *fp, double a, double b, int still)
{
    char x[32], y[32];
    if (still) {
        fputs("picture", fp);
        return;
    }
    lk_format_timecode(a, x, sizeof x);
    lk_format_timecode(b, y, sizeof y);
    if (strcmp(x, y))
        fprintf(fp, "<span class=\"time\">%s</span>&ndash;<span class=\"time\">%s</span>", x, y);
    else
        fprintf(fp, "<span class=\"time\">%s</span>", x);
}

static void segment_table(FILE *fp, const cJSON *o, const cJSON *segs)
{
    const cJSON *sg;
    int k = 0;
    fputs("<table class=\"segments\">\n<tr><th>#</th><th>suspect</th><th>reference</th>"
          "<th>frames</th><th>distance</th><th>score</th><th>transform</th></tr>\n", fp);
    cJSON_ArrayForEach(sg, segs) {
        fprintf(fp, "<tr data-segment=\"%d\"><td>%d</td><td>", k + 1, k + 1);
        range(fp, lki_jnum(sg, "suspect_start", 0), lki_jnum(sg, "suspect_end", 0),
              lki_jnum(o, "duration", 0) <= 0);
        fputs("</td><td>", fp);
        range(fp, lki_jnum(sg, "ref_start", 0), lki_jnum(sg, "ref_end", 0),
              lki_jnum(sg, "ref_duration", 1) <= 0);
        double frames = lki_jnum(sg, "frames", 0), local = lki_jnum(sg, "local_frames", 0);
        fprintf(fp, "</td><td>%.0f</td><td>", frames);
        if (local >= frames && local > 0)
            fputs("found by local features", fp);
        else if (local > 0)
            fprintf(fp, "%.1f of 256 bits (%.0f frames by local features)",
                    lki_jnum(sg, "distance", 0), local);
        else
            fprintf(fp, "%.1f of 256 bits", lki_jnum(sg, "distance", 0));
        fprintf(fp, "</td><td>%.2f</td><td>", lki_jnum(sg, "score", 0));
        lki_html_text(fp, lki_jstr(sg, "transform"));
        fputs("</td></tr>\n", fp);
        k++;
    }
    fputs("</table>\n", fp);
}

/* The reference files of a match's segments, each once. */
static void ref_files(FILE *fp, const cJSON *segs)
{
    const cJSON *sg, *prev;
    cJSON_ArrayForEach(sg, segs) {
        int seen = 0;
        for (prev = segs->child; prev != sg; prev = prev->next)
            seen |= !strcmp(lki_jstr(prev, "ref_file"), lki_jstr(sg, "ref_file"));
        if (seen || !*lki_jstr(sg, "ref_file"))
            continue;
        fputs("<li><code class=\"ref-file\">", fp);
        lki_html_text(fp, lki_jstr(sg, "ref_file"));
        fputs("</code>", fp);
        if (*lki_jstr(sg, "ref_sha256")) {
            fputs(" <span class=\"note\">SHA-256 ", fp);
            lki_html_text(fp, lki_jstr(sg, "ref_sha256"));
            fputs("</span>", fp);
        }
        fputs("</li>\n", fp);
    }
}

static void work_card(FILE *fp, const struct lki_report_item *it, const cJSON *m)
{
    const cJSON *segs = cJSON_GetObjectItemCaseSensitive(m, "segments"), *sg;
    double score = lki_jnum(m, "score", 0);
    char chance[64];
    fputs("<div class=\"work\" data-work-id=\"", fp);
    lki_html_text(fp, lki_jstr(m, "work_id"));
    fputs("\">\n<h4>&ldquo;<span class=\"title\">", fp);
    lki_html_text(fp, lki_jstr(m, "title"));
    fputs("</span>&rdquo; &middot; <span class=\"owner\">", fp);
    lki_html_text(fp, lki_jstr(m, "owner"));
    fputs("</span></h4>\n<table class=\"facts\">\n<tr><th>Work id</th><td><code>", fp);
    lki_html_text(fp, lki_jstr(m, "work_id"));
    fprintf(fp, "</code></td></tr>\n<tr><th>Score</th><td><span class=\"score\">%.2f</span> "
            "&mdash; <span class=\"words\">%s</span> evidence of copying%s</td></tr>\n"
            "<tr><th>Chance match</th><td>%s</td></tr>\n"
            "<tr><th>Reference file</th><td><ul>\n", score, lk_score_words(score),
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "candidate"))
                ? " (a candidate: below the match score, not a match)" : "",
            lk_chance_words(lki_jnum(m, "chance", 1e300), chance, sizeof chance));
    ref_files(fp, segs);
    fputs("</ul></td></tr>\n</table>\n", fp);
    lki_html_timeline(fp, m, lki_jnum(it->o, "duration", 0));
    int k = 0;
    cJSON_ArrayForEach(sg, segs)
        pair(fp, it, sg, k++);
    segment_table(fp, it->o, segs);
    fputs("</div>\n", fp);
}

static void style_block(FILE *fp, const cJSON *style)
{
    const cJSON *s;
    if (!cJSON_GetArraySize(style))
        return;
    fputs("<div class=\"style\">\n<h4>Style resemblance &mdash; weaker evidence</h4>\n"
          "<p class=\"note\">Colour and edge statistics only; not evidence of copying by "
          "itself.</p>\n<ul>\n", fp);
    cJSON_ArrayForEach(s, style) {
        fputs("<li data-work-id=\"", fp);
        lki_html_text(fp, lki_jstr(s, "work_id"));
        fputs("\">&ldquo;", fp);
        lki_html_text(fp, lki_jstr(s, "title"));
        fputs("&rdquo; (", fp);
        lki_html_text(fp, lki_jstr(s, "owner"));
        fprintf(fp, "), style score %.2f, <span class=\"words\">%s</span></li>\n",
                lki_jnum(s, "score", 0), lk_score_words(lki_jnum(s, "score", 0)));
    }
    fputs("</ul>\n</div>\n", fp);
}

static void suspect(FILE *fp, const struct lki_report_item *it, size_t i)
{
    const cJSON *o = it->o, *m;
    int v = verdict_of(o);
    double dur = lki_jnum(o, "duration", 0);
    fprintf(fp, "<article class=\"suspect\" id=\"s%zu\" data-verdict=\"%s\" data-file=\"", i + 1,
            verdicts[v]);
    lki_html_text(fp, lki_jstr(o, "file"));
    fprintf(fp, "\">\n<h3><span class=\"badge %s\">%s</span> <span class=\"file\">", verdicts[v],
            verdicts[v]);
    lki_html_text(fp, lki_base_name(lki_jstr(o, "file")));
    fputs("</span></h3>\n<p class=\"meta\"><code>", fp);
    lki_html_text(fp, lki_jstr(o, "file"));
    if (v != LK_VERDICT_ERROR && dur > 0)
        fprintf(fp, "</code> &middot; %.3f s, %.0f frames sampled", dur, lki_jnum(o, "frames", 0));
    else if (v != LK_VERDICT_ERROR)
        fputs("</code> &middot; still picture", fp);
    else
        fputs("</code>", fp);
    if (*lki_jstr(o, "content_hash")) {
        fputs(" &middot; SHA-256 <span class=\"sha256\">", fp);
        lki_html_text(fp, lki_jstr(o, "content_hash"));
        fputs("</span>", fp);
    }
    fputs("</p>\n", fp);
    if (v == LK_VERDICT_ERROR) {
        fputs("<p class=\"missing\">", fp);
        lki_html_text(fp, lki_jstr(o, "error"));
        fputs("</p>\n", fp);
    }
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(o, "matches"))
        work_card(fp, it, m);
    style_block(fp, cJSON_GetObjectItemCaseSensitive(o, "style"));
    fputs("</article>\n", fp);
}

/* Errors and warnings, each with its suspect. */
static void problems(FILE *fp, const lk_scan_report *rep)
{
    int any = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const cJSON *o = rep->v[i].o;
        const char *msg = verdict_of(o) == LK_VERDICT_ERROR ? lki_jstr(o, "error")
                                                           : lki_jstr(o, "warning");
        if (!*msg)
            continue;
        fputs(any++ ? "" : "<section id=\"errors\">\n<h2>Errors and warnings</h2>\n<ul>\n", fp);
        fprintf(fp, "<li class=\"%s\"><a href=\"#s%zu\">",
                verdict_of(o) == LK_VERDICT_ERROR ? "error" : "warning", i + 1);
        lki_html_text(fp, lki_jstr(o, "file"));
        fputs("</a>: ", fp);
        lki_html_text(fp, msg);
        fputs("</li>\n", fp);
    }
    if (any)
        fputs("</ul>\n</section>\n", fp);
}

LK_API int lk_scan_report_html(const lk_scan_report *rep, FILE *fp, lk_errbuf *err)
{
    size_t counts[4] = { 0 };
    if (!rep || !fp)
        return lki_err(err, LK_EINVAL, "invalid argument");
    for (size_t i = 0; i < rep->n; i++)
        counts[verdict_of(rep->v[i].o)]++;
    head(fp, rep, counts);
    summary(fp, rep, counts);
    matches_in_brief(fp, rep);
    fputs("<section id=\"suspects\">\n<h2>Suspects</h2>\n", fp);
    for (size_t i = 0; i < rep->n; i++)
        suspect(fp, &rep->v[i], i);
    fputs("</section>\n", fp);
    problems(fp, rep);
    fprintf(fp, "<footer class=\"note\"><p>Made by likeness %s. Everything this page shows is "
            "inside it: it loads nothing from the network.</p></footer>\n"
            "</main>\n</body>\n</html>\n", lk_version());
    if (fflush(fp) != 0 || ferror(fp))
        return lki_err(err, LK_EIO, "cannot write the HTML report");
    return 0;
}
