/* test_html_report.c — the HTML report (lk_scan_report): one self-contained
 * page (a CSP that forbids loads, no script, no URL out of the page) with
 * the data escaped, the works, times, frame numbers, regions and embedded
 * pictures of each suspect, errors listed; a report read back from the
 * scan's JSON Lines is byte for byte the one made from the results; bad
 * input is refused with the line named. */
#include <cJSON.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"
#include "likeness/report.h"

static char dir[256];

static char *slurp(FILE *fp)
{
    long n = ftell(fp);
    char *s = calloc(1, (size_t)n + 1);
    rewind(fp);
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n)
        s[0] = '\0';
    return s;
}

static char *html_of(const lk_scan_report *rep)
{
    lk_errbuf err;
    FILE *fp = tmpfile();
    CHECK_INT(lk_scan_report_html(rep, fp, &err), 0);
    char *s = slurp(fp);
    fclose(fp);
    return s;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static lk_segment segs[2] = {
    { .s0 = 2.0, .s1 = 5.76, .r0 = 1.52, .r1 = 5.24, .speed = 1.0, .frames = 16,
      .distance = 21.13, .variant = 5, .score = 0.71 },
    { .s0 = 8.0, .s1 = 9.5, .r0 = 61.0, .r1 = 62.5, .speed = 1.0, .frames = 4,
      .distance = 30, .variant = 0, .score = 0.4, .local_frames = 4 },
};
static lk_scan_detail details[2] = {
    { .ref_file = (char *)"refs/ep01.mp4", .ref_duration = 600, .suspect_time = 2.52,
      .ref_time = 2.0, .suspect_frame = 63, .ref_frame = 50, .suspect_first = 50,
      .suspect_last = 144, .ref_first = 38, .ref_last = 131, .suspect_view = "whole frame",
      .ref_view = "centre 80%", .suspect_region = { 0, 0.12f, 1, 0.76f },
      .ref_region = { 0.1f, 0.1f, 0.8f, 0.8f } },
    { .ref_file = (char *)"refs/ep02.mp4", .ref_duration = 600, .suspect_time = 8.5,
      .ref_time = 61.5, .suspect_frame = 212, .ref_frame = 1537, .suspect_first = 200,
      .suspect_last = 237, .ref_first = 1525, .ref_last = 1562, .suspect_view = "core 60% x 50%",
      .ref_view = "core 60% x 50%", .suspect_region = { 0.2f, 0.25f, 0.6f, 0.5f },
      .ref_region = { 0.2f, 0.25f, 0.6f, 0.5f } },
};
static char *evidence[2];
static lk_scan_run run = { .version = "0.1.0", .index_path = "refs.idx",
                           .index_id = "0123456789abcdef0123456789abcdef", .generation = 7,
                           .started = "2026-12-01T11:16:44Z" };

static lk_scan_result sample(void)
{
    static lk_scan_match m = { "ep-<1>", "Starfall <script>alert(1)</script>", "Studio & Co",
                               0, 0.7122, 3.88e-34, segs, 2, evidence, details, 2, 0, NULL };
    static lk_scan_style st = { "tidal", "Tidal Lines", "Other \"Owner\"", 0.41 };
    lk_scan_result r = { .file = "in/clip \"1\".mp4", .verdict = LK_VERDICT_MATCH,
                         .duration = 12.0, .frames = 25, .matches = &m, .nmatches = 1,
                         .style = &st, .nstyle = 1, .run = &run };
    strcpy(r.content_hash, "a368247bfe62960f2d713b3deb6c9749fe4bb9b9394be81089ee22f2579cc279");
    return r;
}

/* The page of one match, one clean and one failed suspect. */
static void test_page(void)
{
    lk_scan_report *rep = NULL;
    CHECK_INT(lk_scan_report_new(&rep), 0);
    lk_scan_result r = sample(), c = { .file = "ok.png", .verdict = LK_VERDICT_CLEAN, .run = &run };
    lk_scan_result e = { .file = "bad.mp4", .verdict = LK_VERDICT_ERROR, .run = &run };
    strcpy(e.error, "cannot open 'bad.mp4': no such file");
    lk_scan_result skipped = { .file = "done.mp4", .skipped = 1 };
    CHECK_INT(lk_scan_report_add(rep, &r), 0);
    CHECK_INT(lk_scan_report_add(rep, &c), 0);
    CHECK_INT(lk_scan_report_add(rep, &e), 0);
    CHECK_INT(lk_scan_report_add(rep, &skipped), 0);
    CHECK_INT(lk_scan_report_count(rep), 3);
    char *s = html_of(rep);
    CHECK(strncmp(s, "<!DOCTYPE html>", 15) == 0 && strstr(s, "</html>\n") != NULL);
    CHECK(strstr(s, "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\""));
    CHECK(strstr(s, "<script") == NULL && strstr(s, "http://") == NULL &&
          strstr(s, "https://") == NULL && strstr(s, "src=\"/") == NULL);
    CHECK(strstr(s, "Starfall &lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    /* a segment PDQ found, and one local features alone found */
    CHECK(strstr(s, "<td>16</td><td>21.1 of 256 bits</td>") != NULL);
    CHECK(strstr(s, "<td>4</td><td>found by local features</td>") != NULL);
    CHECK(strstr(s, "data-work-id=\"ep-&lt;1&gt;\"") != NULL);
    CHECK(strstr(s, "Studio &amp; Co") != NULL && strstr(s, "in/clip &quot;1&quot;.mp4"));
    CHECK(strstr(s, "3 suspects</span> scanned: <span class=\"count match\">1 match</span>, "
                    "<span class=\"count clean\">1 clean</span>, <span class=\"count error\">"
                    "1 error</span>") != NULL);
    CHECK(strstr(s, "0123456789abcdef0123456789abcdef") && strstr(s, "generation 7"));
    CHECK(strstr(s, "2026-12-01 11:16:44 UTC") && strstr(s, "likeness 0.1.0"));
    CHECK(strstr(s, "<span class=\"words\">strong</span> evidence of copying") != NULL);
    CHECK(strstr(s, "<tr><th>Chance match</th><td>about 1 in 3 x 10^33 suspects</td></tr>"));
    CHECK(strstr(s, "refs/ep01.mp4") && strstr(s, "refs/ep02.mp4"));
    CHECK_INT(count(s, "<figure class=\"pair\""), 2);
    CHECK(strstr(s, "time <span class=\"time\">00:00:02.520</span>, frame <span "
                    "class=\"frame\">63</span>") != NULL);
    CHECK(strstr(s, "frame <span class=\"frame\">1537</span>") != NULL);
    CHECK(strstr(s, "<svg class=\"region reference\" data-side=\"reference\" "
                    "data-view=\"centre 80%\"") != NULL);
    CHECK(strstr(s, "data-x=\"0.1000\" data-y=\"0.1000\" data-width=\"0.8000\" "
                    "data-height=\"0.8000\"") != NULL);
    CHECK(strstr(s, "centre 80%: 10&ndash;90% across, 10&ndash;90% down") != NULL);
    CHECK_INT(count(s, "<svg class=\"timeline\""), 1);
    CHECK_INT(count(s, "class=\"tl-bar reference\""), 2); /* one bar per reference file */
    CHECK(strstr(s, "Style resemblance &mdash; weaker evidence") != NULL);
    CHECK(strstr(s, "Other &quot;Owner&quot;") != NULL);
    CHECK(strstr(s, "<section id=\"errors\">") && strstr(s, "no such file"));
    CHECK(strstr(s, "No picture: the scan was run without --evidence.") != NULL);
    CHECK(strstr(s, "done.mp4") == NULL);
    CHECK(strstr(s, "a candidate: below the match score") == NULL);
    free(s);
    lk_scan_report_free(&rep);
    CHECK(rep == NULL);

    /* a work listed below the match score is marked, and not a copy found */
    CHECK_INT(lk_scan_report_new(&rep), 0);
    r.matches[0].candidate = 1;
    CHECK_INT(lk_scan_report_add(rep, &r), 0);
    r.matches[0].candidate = 0;
    s = html_of(rep);
    CHECK(strstr(s, "(a candidate: below the match score, not a match)") != NULL);
    CHECK(strstr(s, "<h3>Copies found</h3>") == NULL);
    free(s);
    lk_scan_report_free(&rep);
}

/* Writes a small PNG at path. */
static void write_picture(const char *path)
{
    uint8_t px[4 * 3 * 3] = { 0 };
    lk_image a = { px, 4, 3, 12, LK_PIX_RGB24 };
    lk_errbuf err;
    CHECK_INT(lk_evidence_write_png(path, &a, &a, &err), 0);
}

/* Pictures are embedded, found next to the results file when relative,
 * and named when missing; the report read back from JSON Lines is the
 * same page. */
static void test_read_back(void)
{
    char sub[300], pic[350], missing[350], jsonl[350], cwd[512];
    snprintf(sub, sizeof sub, "%s/ev", dir);
    mkdir(sub, 0777);
    snprintf(pic, sizeof pic, "%s/ev/a.png", dir);
    write_picture(pic);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_INT(chdir(dir), 0);
    evidence[0] = (char *)"ev/a.png";
    snprintf(missing, sizeof missing, "%s/ev/none.png", dir);
    evidence[1] = missing;
    lk_scan_result r = sample();
    lk_scan_report *a = NULL, *b = NULL;
    CHECK_INT(lk_scan_report_new(&a), 0);
    CHECK_INT(lk_scan_report_add(a, &r), 0);
    char *ha = html_of(a);
    CHECK(strstr(ha, "<img class=\"evidence\" alt=\"") && strstr(ha, "src=\"data:image/png;base64,iVBORw0KGgo"));
    CHECK(strstr(ha, "evidence picture not found") && strstr(ha, "none.png"));
    snprintf(jsonl, sizeof jsonl, "%s/results.jsonl", dir);
    FILE *fp = fopen(jsonl, "w");
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_JSONL, 0, &r, 1), 0);
    fputs("\n", fp); /* a blank line is ignored */
    fclose(fp);
    CHECK_INT(chdir(cwd), 0); /* "ev/a.png" now resolves next to the results file */
    lk_errbuf err;
    CHECK_INT(lk_scan_report_new(&b), 0);
    fp = fopen(jsonl, "r");
    CHECK_INT(lk_scan_report_read(b, fp, jsonl, &err), 1);
    fclose(fp);
    char *hb = html_of(b);
    CHECK_STR(hb, ha);
    free(ha);
    free(hb);
    lk_scan_report_free(&a);
    lk_scan_report_free(&b);
    evidence[0] = evidence[1] = NULL;
    unlink(pic);
    unlink(jsonl);
    rmdir(sub);
}

/* A --json array is read whole; what is not scan output is refused. */
static void test_inputs(void)
{
    lk_scan_report *rep = NULL;
    lk_errbuf err;
    CHECK_INT(lk_scan_report_new(&rep), 0);
    FILE *fp = tmpfile();
    lk_scan_result r = sample();
    lk_scan_write(fp, LK_SCANFMT_JSON, 0, &r, 1);
    lk_scan_write(fp, LK_SCANFMT_JSON, 0, &r, 0);
    lk_scan_write_end(fp, LK_SCANFMT_JSON, 1);
    rewind(fp);
    CHECK_INT(lk_scan_report_read(rep, fp, "all.json", &err), 2);
    fclose(fp);
    fp = tmpfile();
    fputs("{\"file\":\"a\",\"verdict\":\"clean\"}\n\r\n{\"file\":\"b\",\"verdict\":\"clean\"}", fp);
    rewind(fp);
    CHECK_INT(lk_scan_report_read(rep, fp, "two.jsonl", &err), 2);
    CHECK_INT(lk_scan_report_count(rep), 4);
    fclose(fp);
    fp = tmpfile();
    fputs("{\"file\":\"a\",\"verdict\":\"clean\"}\nnot json\n", fp);
    rewind(fp);
    CHECK_INT(lk_scan_report_read(rep, fp, "r.jsonl", &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "r.jsonl:2") != NULL);
    fclose(fp);
    fp = tmpfile();
    fputs("{\"title\":\"x\"}\n", fp);
    rewind(fp);
    CHECK_INT(lk_scan_report_read(rep, fp, "o.jsonl", &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "o.jsonl:1: not a likeness scan report") != NULL);
    fclose(fp);
    lk_scan_report_free(&rep);
}

int main(void)
{
    lk_init();
    snprintf(dir, sizeof dir, "%s/likeness-html.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    test_page();
    test_read_back();
    test_inputs();
    rmdir(dir);
    TEST_DONE("html_report");
}
