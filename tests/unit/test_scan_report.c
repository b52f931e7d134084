/* test_scan_report.c — `likeness scan` reports: the stable JSON shape, one
 * whole line per suspect in JSON Lines, the text report's timecodes, and
 * evidence PNGs. */
#include <cJSON.h>
#include <math.h>
#include <png.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"
#include "likeness/report.h"

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
      .frames = 9, .distance = 18.25, .variant = 5, .score = 0.97 },
    { .work = 0, .file = 0, .s0 = 8.0, .s1 = 9.5, .r0 = 61.0, .r1 = 62.5, .speed = 1.0,
      .frames = 4, .distance = 30, .variant = 0, .score = 0.5 },
};
static char ev0[] = "ev/a.png";
static char *ev[2] = { ev0, NULL };

static lk_scan_result sample(void)
{
    static lk_scan_match m = { "starfall-ep01", "Starfall \"Ep. 1\"", "Example Studio", 0,
                               0.98765, segs, 2, ev, NULL };
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
    cJSON *sg = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "segments"), 0);
    CHECK(cJSON_GetObjectItem(sg, "suspect_start")->valuedouble == 2.0);
    CHECK(cJSON_GetObjectItem(sg, "ref_end")->valuedouble == 5.5);
    CHECK_INT(cJSON_GetObjectItem(sg, "frames")->valueint, 9);
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
    CHECK(strstr(s, "00:00:02.000-00:00:06.000") != NULL);
    CHECK(strstr(s, "00:01:01.000-00:01:02.500") != NULL);
    CHECK(strstr(s, "Example Studio") != NULL);
    CHECK(strstr(s, "mirrored left-right") != NULL);
    CHECK(strstr(s, "style only") != NULL);
    CHECK(strstr(s, "ok.png") == NULL);
    CHECK(strstr(s, "\033[") == NULL);
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

int main(void)
{
    test_jsonl_shape();
    test_json_array();
    test_text();
    test_evidence();
    test_append_after_failure();
    TEST_DONE("scan_report");
}
