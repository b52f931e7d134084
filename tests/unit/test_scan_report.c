/* test_scan_report.c — `likeness scan` reports: the stable JSON shape, one
 * whole line per suspect in JSON Lines, the text report's timecodes, still
 * sides, reference files and summary line, CSV rows and quoting, and
 * evidence PNGs: plain, and labelled (layout, outlines, captions in the
 * built-in font, text chunks, mode from the umask); hostile names escaped in
 * the text forms and CSV, valid JSON with "<key>_bytes" for invalid UTF-8. */
#include <cJSON.h>
#include <math.h>
#include <png.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"
#include "likeness/report.h"
#include "report/report_internal.h"

static char *slurp(FILE *fp)
{
    long n = ftell(fp);
    char *s = calloc(1, (size_t)n + 1);
    rewind(fp);
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n)
        s[0] = '\0';
    return s;
}

static lk_segment segs[2] = {
    { .work = 0, .file = 0, .s0 = 2.0, .s1 = 6.0, .r0 = 1.5, .r1 = 5.5, .speed = 1.0,
      .frames = 9, .distance = 18.25, .variant = 5, .llr = 61.234, .chance = 2.5e-7,
      .score = 0.97 },
    { .work = 0, .file = 0, .s0 = 8.0, .s1 = 9.5, .r0 = 61.0, .r1 = 62.5, .speed = 1.0,
      .frames = 4, .distance = 30, .variant = 0, .score = 0.5 },
};
static char ev0[] = "ev/a.png";
static char *ev[2] = { ev0, NULL };

static lk_scan_result sample(void)
{
    static lk_scan_match m = { "starfall-ep01", "Starfall \"Ep. 1\"", "Example Studio", 0,
                               0.98765, 2.5e-7, segs, 2, ev, NULL, 1, 0, NULL };
    static lk_scan_style st = { "tidal", "Tidal Lines", "Other Owner", 0.41 };
    lk_scan_result r = { .file = "in/clip 1.mp4", .verdict = LK_VERDICT_MATCH,
                         .duration = 12.0, .frames = 25, .matches = &m, .nmatches = 1,
                         .style = &st, .nstyle = 1 };
    return r;
}

static void test_jsonl_shape(void)
{
    FILE *fp = tmpfile();
    lk_scan_result r = sample();
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_JSONL, 0, &r, 1), 0);
    lk_scan_result e = { .file = "bad.mp4", .verdict = LK_VERDICT_ERROR, .error = "boom" };
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_JSONL, 0, &e, 0), 0);
    char *s = slurp(fp);
    char *nl = strchr(s, '\n');
    CHECK(nl != NULL);
    *nl = '\0';
    cJSON *o = cJSON_Parse(s);
    CHECK(o != NULL);
    CHECK_INT(cJSON_GetObjectItem(o, "schema")->valueint, 1);
    CHECK_STR(cJSON_GetObjectItem(o, "file")->valuestring, "in/clip 1.mp4");
    CHECK_STR(cJSON_GetObjectItem(o, "verdict")->valuestring, "match");
    cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "matches"), 0);
    CHECK_STR(cJSON_GetObjectItem(m, "title")->valuestring, "Starfall \"Ep. 1\"");
    CHECK(fabs(cJSON_GetObjectItem(m, "score")->valuedouble - 0.9877) < 1e-9);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(m, "candidate")));
    CHECK(cJSON_GetObjectItem(m, "chance")->valuedouble == 2.5e-7);
    cJSON *sg = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "segments"), 0);
    CHECK(cJSON_GetObjectItem(sg, "suspect_start")->valuedouble == 2.0);
    CHECK(cJSON_GetObjectItem(sg, "ref_end")->valuedouble == 5.5);
    CHECK_INT(cJSON_GetObjectItem(sg, "frames")->valueint, 9);
    CHECK(cJSON_GetObjectItem(sg, "chance")->valuedouble == 2.5e-7);
    CHECK(fabs(cJSON_GetObjectItem(sg, "llr")->valuedouble - 61.23) < 1e-9);
    CHECK_STR(cJSON_GetObjectItem(sg, "evidence")->valuestring, "ev/a.png");
    CHECK_STR(cJSON_GetObjectItem(sg, "transform")->valuestring, "mirrored left-right");
    CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(m, "segments"), 1),
                              "evidence") == NULL);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "style"), 0),
                                  "work_id")->valuestring, "tidal");
    CHECK(cJSON_GetObjectItem(o, "error") == NULL);
    cJSON_Delete(o);
    o = cJSON_Parse(nl + 1);
    CHECK(o != NULL);
    CHECK_STR(cJSON_GetObjectItem(o, "verdict")->valuestring, "error");
    CHECK_STR(cJSON_GetObjectItem(o, "error")->valuestring, "boom");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "matches")), 0);
    cJSON_Delete(o);
    free(s);
    fclose(fp);
}

static void test_json_array(void)
{
    FILE *fp = tmpfile();
    lk_scan_result r = sample();
    lk_scan_write(fp, LK_SCANFMT_JSON, 0, &r, 1);
    lk_scan_write(fp, LK_SCANFMT_JSON, 0, &r, 0);
    CHECK_INT(lk_scan_write_end(fp, LK_SCANFMT_JSON, 1), 0);
    char *s = slurp(fp);
    cJSON *a = cJSON_Parse(s);
    CHECK(a && cJSON_IsArray(a) && cJSON_GetArraySize(a) == 2);
    cJSON_Delete(a);
    free(s);
    fclose(fp);
    fp = tmpfile();
    lk_scan_write_end(fp, LK_SCANFMT_JSON, 0);
    s = slurp(fp);
    CHECK_STR(s, "[]\n");
    free(s);
    fclose(fp);
}

static void test_text(void)
{
    FILE *fp = tmpfile();
    lk_scan_result r = sample();
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_TEXT, 0, &r, 1), 0);
    lk_scan_result c = { .file = "ok.png", .verdict = LK_VERDICT_CLEAN };
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_TEXT, LK_SW_QUIET, &c, 0), 0);
    char *s = slurp(fp);
    CHECK(strstr(s, "in/clip 1.mp4: MATCH") != NULL);
    CHECK(strstr(s, "chance match: about 1 in 4 x 10^6 suspects") != NULL);
    CHECK(strstr(s, "00:00:02.000-00:00:06.000") != NULL);
    CHECK(strstr(s, "00:01:01.000-00:01:02.500") != NULL);
    CHECK(strstr(s, "Example Studio") != NULL);
    CHECK(strstr(s, "mirrored left-right") != NULL);
    CHECK(strstr(s, "style only") != NULL);
    CHECK(strstr(s, "candidate") == NULL);
    CHECK(strstr(s, "ok.png") == NULL);
    CHECK(strstr(s, "\033[") == NULL);
    free(s);
    fclose(fp);
    /* a candidate is listed as one, in text and JSON */
    fp = tmpfile();
    r.matches[0].candidate = 1;
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_TEXT, 0, &r, 1), 0);
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_JSONL, 0, &r, 1), 0);
    r.matches[0].candidate = 0;
    s = slurp(fp);
    CHECK(strstr(s, "[candidate: below the match score]") != NULL);
    CHECK(strstr(s, "\"candidate\":true") != NULL);
    free(s);
    fclose(fp);
    /* a file cut short says how much was decoded, in text and JSON */
    fp = tmpfile();
    r.decoded = 3.04, r.truncated = 1;
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_TEXT, 0, &r, 1), 0);
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_JSONL, 0, &r, 1), 0);
    s = slurp(fp);
    CHECK(strstr(s, "(decoded 3.0 of 12.0 s: cut short, 25 frames sampled)") != NULL);
    CHECK(strstr(s, "\"decoded\":3.04") != NULL && strstr(s, "\"truncated\":true") != NULL);
    free(s);
    fclose(fp);
}

/* Still sides, the reference file of a work of several, the summary. */
static void test_text_details(void)
{
    static lk_segment sg = { .frames = 1, .distance = 24, .score = 0.61 };
    static lk_scan_detail d = { .ref_file = (char *)"refs/part2.png", .ref_duration = 0 };
    static lk_scan_match m = { "w", "T", "O", 0, 0.61, 0.0015, &sg, 1, NULL, &d, 2, 0, NULL };
    lk_scan_result r = { .file = "grab.jpg", .verdict = LK_VERDICT_MATCH, .frames = 1,
                         .matches = &m, .nmatches = 1 };
    FILE *fp = tmpfile();
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_TEXT, 0, &r, 1), 0);
    size_t counts[4] = { 1, 0, 2, 0 };
    CHECK_INT(lk_scan_write_summary(fp, counts, 0), 0);
    size_t one_error[4] = { 0, 0, 0, 1 };
    CHECK_INT(lk_scan_write_summary(fp, one_error, 3), 0);
    char *s = slurp(fp);
    CHECK(strstr(s, "copy   0.61 (moderate)") != NULL);
    CHECK(strstr(s, "suspect picture  <->  reference picture  distance 24.0 of 256 bits\n") != NULL);
    CHECK(strstr(s, "00:00:00.000") == NULL);
    CHECK(strstr(s, "      reference file: refs/part2.png\n") != NULL);
    CHECK(strstr(s, "3 suspects scanned: 2 match, 1 clean\n") != NULL);
    CHECK(strstr(s, "1 suspect scanned: 1 error (3 already reported, skipped)\n") != NULL);
    free(s);
    fclose(fp);
    m.files = 1; /* one file: not named again */
    fp = tmpfile();
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_TEXT, 0, &r, 1), 0);
    s = slurp(fp);
    CHECK(strstr(s, "reference file") == NULL);
    free(s);
    fclose(fp);
}

/* CSV: a header, a row per segment and style entry, RFC 4180 quoting,
 * formulas defused, every suspect present. */
static void test_csv(void)
{
    FILE *fp = tmpfile();
    lk_scan_result r = sample();
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_CSV, 0, &r, 1), 0);
    lk_scan_result c = { .file = "=cmd|' /C calc'!A0,x.png", .verdict = LK_VERDICT_CLEAN };
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_CSV, 0, &c, 0), 0);
    lk_scan_result e = { .file = "bad.mp4", .verdict = LK_VERDICT_ERROR, .error = "said \"no\"" };
    CHECK_INT(lk_scan_write(fp, LK_SCANFMT_CSV, 0, &e, 0), 0);
    char *s = slurp(fp);
    int lines = 0;
    for (char *p = s; (p = strstr(p, "\r\n")); p += 2)
        lines++;
    CHECK_INT(lines, 1 + 2 + 1 + 1 + 1); /* header, 2 segments, 1 style, clean, error */
    CHECK(strncmp(s, "file,verdict,kind,work_id,title,owner,work_score,segment,", 57) == 0);
    CHECK(strstr(s, "\r\nin/clip 1.mp4,match,copy,starfall-ep01,\"Starfall \"\"Ep. 1\"\"\",Example "
                    "Studio,0.9877,1,2.000,6.000,1.500,5.500,9,18.25,0.9700,1.000,mirrored "
                    "left-right,") != NULL);
    CHECK(strstr(s, ",ev/a.png,") != NULL);
    CHECK(strstr(s, "\r\nin/clip 1.mp4,match,style,tidal,Tidal Lines,Other Owner,0.4100,") != NULL);
    CHECK(strstr(s, "\r\n\"'=cmd|' /C calc'!A0,x.png\",clean,none,") != NULL);
    CHECK(strstr(s, ",\"said \"\"no\"\"\"\r\n") != NULL);
    free(s);
    fclose(fp);
    fp = tmpfile(); /* no suspect at all: the header alone */
    CHECK_INT(lk_scan_write_end(fp, LK_SCANFMT_CSV, 0), 0);
    s = slurp(fp);
    CHECK(strncmp(s, "file,verdict,", 13) == 0 && strstr(s, ",error\r\n") != NULL);
    free(s);
    fclose(fp);
}

static void test_evidence(void)
{
    uint8_t a[12 * 8 * 3], b[20 * 10];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (uint8_t)(i * 7);
    memset(b, 200, sizeof b);
    lk_image left = { a, 12, 8, 36, LK_PIX_RGB24 }, right = { b, 20, 10, 20, LK_PIX_GRAY8 };
    char dir[] = "/tmp/lk-evidence-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/e.png", dir);
    lk_errbuf err;
    mode_t old = umask(027);
    CHECK_INT(lk_evidence_write_png(path, &left, &right, &err), 0);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0640); /* 0666 less the umask */
    umask(old);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    CHECK(png_image_begin_read_from_file(&img, path) != 0);
    CHECK_INT(img.width, 12 + 20 + 3 * 16);
    CHECK_INT(img.height, 10 + 2 * 16);
    img.format = PNG_FORMAT_RGB;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
    CHECK(png_image_finish_read(&img, NULL, px, 0, NULL) != 0);
    /* left picture at (16, 17): first pixel equals a[0..2] */
    size_t off = ((size_t)17 * img.width + 16) * 3;
    CHECK(!memcmp(px + off, a, 3));
    free(px);
    unlink(path);
    snprintf(path, sizeof path, "%s/missing/e.png", dir);
    CHECK_INT(lk_evidence_write_png(path, &left, &right, &err), LK_ENOENT);
    CHECK(strstr(err.msg, path) != NULL);
    rmdir(dir);
    lk_image bad = left;
    bad.width = 0;
    CHECK_INT(lk_evidence_write_png("x.png", &bad, &right, &err), LK_EINVAL);
}

/* A --resume append that fails (the file size limit standing in for a full
 * disk) leaves the file as it was, and an append after space returns
 * follows a whole line: every line parses. */
static void test_append_after_failure(void)
{
    char path[] = "/tmp/likeness-resume-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    fd = open(path, O_WRONLY | O_APPEND);
    lk_scan_result r = sample();
    CHECK_INT(lk_scan_append_jsonl(fd, &r), 0);
    struct stat st;
    fstat(fd, &st);
    off_t one = st.st_size;
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)one + 16; /* room for a piece of the next line only */
    signal(SIGXFSZ, SIG_IGN);
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
    CHECK_INT(lk_scan_append_jsonl(fd, &r), LK_ENOSPC);
    fstat(fd, &st);
    CHECK_INT(st.st_size, one);
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &old), 0);
    CHECK_INT(lk_scan_append_jsonl(fd, &r), 0);
    close(fd);
    FILE *fp = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int lines = 0;
    while (fp && getline(&line, &cap, fp) > 0) {
        cJSON *o = cJSON_Parse(line);
        CHECK(o != NULL);
        cJSON_Delete(o);
        lines++;
    }
    CHECK_INT(lines, 2);
    free(line);
    if (fp)
        fclose(fp);
    unlink(path);
}

/* A partial line a failed cut could not remove (a crash, or ftruncate
 * failing as well) is cut off by the next append on a descriptor open for
 * reading too, over a line longer than one read of the backward scan; on a
 * write-only descriptor the file is taken as it is. */
static void test_append_cuts_partial(void)
{
    char path[] = "/tmp/likeness-resume-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    fd = open(path, O_RDWR | O_APPEND);
    lk_scan_result r = sample();
    CHECK_INT(lk_scan_append_jsonl(fd, &r), 0);
    struct stat st;
    fstat(fd, &st);
    off_t one = st.st_size;
    char junk[9000];
    memset(junk, 'x', sizeof junk);
    CHECK_INT(write(fd, "{\"file\":\"cut", 12), 12);
    CHECK_INT(lk_scan_append_jsonl(fd, &r), 0);
    fstat(fd, &st);
    CHECK_INT(st.st_size, 2 * one);
    CHECK_INT(ftruncate(fd, 0), 0);
    CHECK_INT(write(fd, junk, sizeof junk), (long)sizeof junk); /* no newline at all */
    CHECK_INT(lk_scan_append_jsonl(fd, &r), 0);
    fstat(fd, &st);
    CHECK_INT(st.st_size, one);
    close(fd);
    fd = open(path, O_WRONLY | O_APPEND);
    CHECK_INT(write(fd, "{", 1), 1);
    CHECK_INT(lk_scan_append_jsonl(fd, &r), 0);
    fstat(fd, &st);
    CHECK_INT(st.st_size, 2 * one + 1);
    close(fd);
    unlink(path);
}

/* The value of iTXt/tEXt key `key` of PNG file path, copied into out. */
static int png_text_of(const char *path, const char *key, char *out, size_t n)
{
    FILE *fp = fopen(path, "rb");
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    int found = 0;
    if (fp && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, fp);
        png_read_info(png, info);
        png_textp t;
        int nt = 0;
        png_get_text(png, info, &t, &nt);
        for (int i = 0; i < nt && !found; i++)
            if (!strcmp(t[i].key, key))
                found = 1, snprintf(out, n, "%s", t[i].text);
    }
    png_destroy_read_struct(&png, &info, NULL);
    if (fp)
        fclose(fp);
    return found;
}

/* Reads PNG path as RGB into *px (malloc'd); returns 1 with w, h set. */
static int read_rgb(const char *path, uint8_t **px, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        return 0;
    img.format = PNG_FORMAT_RGB;
    *px = malloc(PNG_IMAGE_SIZE(img));
    *w = (int)img.width, *h = (int)img.height;
    return *px && png_image_finish_read(&img, NULL, *px, 0, NULL);
}

static int count_colour(const uint8_t *px, int w, int x0, int y0, int x1, int y1,
                        const uint8_t c[3])
{
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += !memcmp(px + ((size_t)y * (size_t)w + (size_t)x) * 3, c, 3);
    return n;
}

/* The font table is well formed and glyphs are drawn pixel for pixel. */
static void test_font(void)
{
    CHECK_INT(lki_font_check(), 1);
    uint8_t canvas[40 * 20 * 3] = { 0 }, ink[3] = { 255, 255, 255 };
    CHECK_INT(lki_font_draw(canvas, 40, 20, 1, 2, 1, ink, "Ag"), 1 + 2 * LKI_FONT_CELL_W);
    int same = 1;
    for (int r = 0; r < LKI_FONT_H; r++)
        for (int c = 0; c < LKI_FONT_W; c++) {
            same &= (canvas[((2 + r) * 40 + 1 + c) * 3] == 255) == lki_font_ink('A', c, r);
            same &= (canvas[((2 + r) * 40 + 7 + c) * 3] == 255) == lki_font_ink('g', c, r);
        }
    CHECK(same);
    CHECK(lki_font_ink('g', 1, 7) && !lki_font_ink('A', 0, 7)); /* descender row */
    CHECK(lki_font_ink(0xe9, 0, 0) == lki_font_ink('?', 0, 0));
    CHECK_STR(lk_score_words(0.9), "very strong");
    CHECK_STR(lk_score_words(0.5), "moderate");
    CHECK_STR(lk_score_words(0.0), "none");
}

/* A labelled picture: size, both pictures where the layout puts them, the
 * regions outlined in each side's colour, the captions inked, the facts as
 * text chunks, and a mode that follows the umask. */
static void test_labelled(void)
{
    static uint8_t a[400 * 100 * 3], b[200 * 120 * 3];
    memset(a, 90, sizeof a);
    memset(b, 150, sizeof b);
    lk_image sa = { a, 400, 100, 1200, LK_PIX_RGB24 }, sb = { b, 200, 120, 600, LK_PIX_RGB24 };
    lk_evidence_info ev = {
        { &sa, { 40, 10, 320, 80 }, "centre 80%", "dir/sus\xc3\xa9pect.mp4", "ab12", 2.52, 63, 0 },
        { &sb, { 0, 0, 200, 120 }, "whole frame", "refs/ref.png", "cd34", 0, 0, 1 },
        "w-1", "A Work", "An Owner", 0.71, 21.13, "mirrored left-right", "likeness test" };
    char dir[] = "/tmp/lk-labelled-XXXXXX", path[256], v[700];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/l.png", dir);
    lk_errbuf err;
    mode_t old = umask(027);
    CHECK_INT(lk_evidence_write(path, &ev, &err), 0);
    umask(old);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
    uint8_t *px = NULL;
    int w = 0, h = 0;
    CHECK(read_rgb(path, &px, &w, &h));
    int top = 16 + 2 * 20 + 8;
    CHECK_INT(w, 400 + 360 + 3 * 16);
    CHECK_INT(h, top + 120 + 8 + 4 * 20 + 16);
    const uint8_t amber[3] = { 0xff, 0xb0, 0x00 }, sky[3] = { 0x30, 0xc8, 0xff };
    if (px && w == 400 + 360 + 48) {
        /* suspect picture pixel away from the outline; its outline's top edge */
        CHECK(px[((size_t)(top + 50) * (size_t)w + 16 + 200) * 3] == 90);
        CHECK(!memcmp(px + ((size_t)(top + 10) * (size_t)w + 16 + 100) * 3, amber, 3));
        CHECK(count_colour(px, w, 16, top, 16 + 400, top + 100, amber) >= 2 * (320 + 80) * 2 - 16);
        CHECK(count_colour(px, w, 432, top, 432 + 200, top + 120, sky) > 1000);
        /* captions: the roles in their colours under the pictures */
        CHECK(count_colour(px, w, 16, top + 128, 16 + 7 * 12, top + 148, amber) > 50);
        CHECK(count_colour(px, w, 432, top + 128, 432 + 9 * 12, top + 148, sky) > 50);
    }
    free(px);
    CHECK(png_text_of(path, "Suspect", v, sizeof v) && !strcmp(v, "dir/sus\xc3\xa9pect.mp4"));
    CHECK(png_text_of(path, "Reference SHA-256", v, sizeof v) && !strcmp(v, "cd34"));
    CHECK(png_text_of(path, "Suspect frame", v, sizeof v) && !strcmp(v, "63"));
    CHECK(png_text_of(path, "Suspect time", v, sizeof v) && !strcmp(v, "00:00:02.520"));
    CHECK(png_text_of(path, "Reference time", v, sizeof v) && !strcmp(v, "still"));
    CHECK(png_text_of(path, "Score", v, sizeof v) && strstr(v, "strong"));
    CHECK(png_text_of(path, "Suspect region", v, sizeof v) && strstr(v, "centre 80%"));
    CHECK(png_text_of(path, "Software", v, sizeof v) && !strcmp(v, "likeness test"));
    CHECK(png_text_of(path, "Work ID", v, sizeof v) && !strcmp(v, "w-1"));
    CHECK(png_text_of(path, "Distance", v, sizeof v) && !strcmp(v, "21.13 of 256 bits"));
    CHECK(png_text_of(path, "Description", v, sizeof v) && strstr(v, "mean distance 21.1"));
    /* found by local features alone: no PDQ distance is claimed */
    ev.distance = -1;
    CHECK_INT(lk_evidence_write(path, &ev, &err), 0);
    CHECK(png_text_of(path, "Distance", v, sizeof v) && strstr(v, "found by local features"));
    CHECK(png_text_of(path, "Description", v, sizeof v) && strstr(v, "local features matched") &&
          !strstr(v, "distance"));
    unlink(path);
    rmdir(dir);
}

/* 1 when s holds a control byte other than the line ends of its format
 * (\n, and \r just before it when crlf), or any invalid UTF-8. */
static int has_raw_controls(const char *s, int crlf)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n' && !(crlf && *p == '\r' && p[1] == '\n')) || *p == 0x7f)
            return 1;
    return 0;
}

/* Hostile names: escapes in the text forms and CSV, valid JSON with the
 * original bytes in "file_bytes". */
static void test_hostile(void)
{
    static lk_scan_match m = { "id\x1b", "T\x1b[2J\xe6\x98\xa0", "o\nFAKE: MATCH", 0,
                               0.98765, 2.5e-7, segs, 1, NULL, NULL, 1, 0, NULL };
    lk_scan_result r = { .file = "in/a\nb\xff.mp4", .verdict = LK_VERDICT_MATCH,
                         .duration = 12.0, .frames = 25, .matches = &m, .nmatches = 1 };
    for (int f = LK_SCANFMT_TEXT; f <= LK_SCANFMT_CSV; f++) {
        FILE *fp = tmpfile();
        CHECK_INT(lk_scan_write(fp, f, 0, &r, 1), 0);
        CHECK_INT(lk_scan_write_end(fp, f, 1), 0);
        char *s = slurp(fp);
        CHECK(!has_raw_controls(s, f == LK_SCANFMT_CSV));
        CHECK(strstr(s, "\nFAKE") == NULL);
        CHECK(strstr(s, "\xff") == NULL);
        if (f == LK_SCANFMT_TEXT || f == LK_SCANFMT_CSV) {
            CHECK(strstr(s, "in/a\\nb\\xff.mp4") != NULL);
            CHECK(strstr(s, "T\\x1b[2J\xe6\x98\xa0") != NULL);
            CHECK(strstr(s, "o\\nFAKE: MATCH") != NULL);
        } else {
            cJSON *o = cJSON_Parse(s);
            cJSON *one = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, 0) : o;
            const cJSON *file = cJSON_GetObjectItemCaseSensitive(one, "file");
            const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(one, "file_bytes");
            CHECK(cJSON_IsString(file) && !strcmp(file->valuestring, "in/a\nb\xef\xbf\xbd.mp4"));
            CHECK(cJSON_IsString(bytes) &&
                  !strcmp(bytes->valuestring, "696e2f610a62ff2e6d7034"));
            CHECK_INT(lk_json_restore_bytes(o), 0);
            CHECK(cJSON_IsString(file) && !strcmp(file->valuestring, r.file));
            /* valid names get no "_bytes" sibling */
            CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
                      cJSON_GetObjectItem(one, "matches"), 0), "title_bytes") == NULL);
            cJSON_Delete(o);
        }
        free(s);
        fclose(fp);
    }
}

/* lk_json_make_valid on a tree: keyed strings get "<key>_bytes", array
 * items only U+FFFD; lk_json_restore_bytes ignores malformed hex. */
static void test_json_valid(void)
{
    cJSON *o = cJSON_Parse("{\"ok\":\"\xe6\x98\xa0\",\"a\":[\"x\"],\"in\":{\"t\":\"y\"}}");
    CHECK(o != NULL);
    cJSON_SetValuestring(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "a"), 0), "x\xff");
    cJSON_SetValuestring(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "in"), "t"), "\xc3(");
    CHECK_INT(lk_json_make_valid(o), 0);
    char *s = cJSON_PrintUnformatted(o);
    CHECK_STR(s, "{\"ok\":\"\xe6\x98\xa0\",\"a\":[\"x\xef\xbf\xbd\"],"
                 "\"in\":{\"t\":\"\xef\xbf\xbd(\",\"t_bytes\":\"c328\"}}");
    free(s);
    CHECK_INT(lk_json_restore_bytes(o), 0);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "in"), "t")->valuestring, "\xc3(");
    cJSON_Delete(o);
    o = cJSON_Parse("{\"f\":\"a\",\"f_bytes\":\"zz\",\"g\":\"b\",\"g_bytes\":\"00\"}");
    CHECK_INT(lk_json_restore_bytes(o), 0);
    CHECK_STR(cJSON_GetObjectItem(o, "f")->valuestring, "a");
    CHECK_STR(cJSON_GetObjectItem(o, "g")->valuestring, "b");
    cJSON_Delete(o);
}

int main(void)
{
    test_jsonl_shape();
    test_json_array();
    test_text();
    test_text_details();
    test_csv();
    test_hostile();
    test_json_valid();
    test_evidence();
    test_append_after_failure();
    test_append_cuts_partial();
    test_font();
    test_labelled();
    TEST_DONE("scan_report");
}
