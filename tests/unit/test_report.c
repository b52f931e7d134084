/* test_report.c — the hash writer's formats: JSON shape, JSON Lines (one
 * whole line per frame and per failed file), reference PDQ/vPDQ lines and
 * timecodes. */
#include <cJSON.h>
#include "test.h"
#include "likeness/likeness.h"
#include "likeness/report.h"

/* Reads the whole stream into a NUL-terminated buffer (caller frees). */
static char *slurp(FILE *fp)
{
    long n = ftell(fp);
    char *s = calloc(1, (size_t)n + 1);
    rewind(fp);
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n)
        s[0] = '\0';
    return s;
}

static void make_frame(lk_frame *fr, lk_features *f, int i)
{
    memset(fr, 0, sizeof *fr);
    memset(f, 0, sizeof *f);
    fr->number = i * 12;
    fr->time = i * 0.5;
    fr->flags = i == 0 ? LK_FRAME_KEY : 0;
    fr->crop = (lk_rect){ 0, 45, 480, 270 };
    for (int k = 0; k < 4; k++)
        f->pdq.w[k] = 0x0123456789abcdefULL * (uint64_t)(k + 1 + i);
    f->pdq_quality = 90 + i;
    f->phash = 0xfedcba9876543210ULL;
    f->dhash = 1;
}

static const lk_media_info video = { .width = 480, .height = 360, .duration = 10.0, .fps = 25.0,
                                     .frame_count = 250, .format = "mov,mp4", .codec = "h264" };
static const lk_media_info still = { .width = 640, .height = 360, .frame_count = 1,
                                     .is_still = 1, .format = "png", .codec = "png" };

static void test_json(void)
{
    FILE *fp = tmpfile();
    lk_hash_writer *w = NULL;
    lk_frame fr;
    lk_features f;
    CHECK_INT(lk_hash_writer_new(&w, fp, LK_HASHFMT_JSON, LK_HW_DIHEDRAL), 0);
    lk_hash_writer_begin(w, "a/clip.mp4", &video);
    for (int i = 0; i < 3; i++) {
        make_frame(&fr, &f, i);
        CHECK_INT(lk_hash_writer_frame(w, &fr, &f), 0);
    }
    CHECK_INT(lk_hash_writer_end(w, NULL), 0);
    CHECK_INT(lk_hash_writer_fail(w, "missing.png", "cannot open 'missing.png'"), 0);
    CHECK_INT(lk_hash_writer_finish(w), 0);
    lk_hash_writer_free(&w);
    CHECK(w == NULL);
    char *s = slurp(fp);
    cJSON *doc = cJSON_Parse(s);
    CHECK(doc != NULL);
    CHECK_INT(cJSON_GetObjectItem(doc, "schema")->valueint, 1);
    cJSON *files = cJSON_GetObjectItem(doc, "files");
    CHECK_INT(cJSON_GetArraySize(files), 2);
    cJSON *f0 = cJSON_GetArrayItem(files, 0);
    CHECK_STR(cJSON_GetObjectItem(f0, "file")->valuestring, "a/clip.mp4");
    cJSON *frames = cJSON_GetObjectItem(f0, "frames");
    CHECK_INT(cJSON_GetArraySize(frames), 3);
    cJSON *fr2 = cJSON_GetArrayItem(frames, 2);
    CHECK(cJSON_GetObjectItem(fr2, "time")->valuedouble == 1.0);
    CHECK_STR(cJSON_GetObjectItem(fr2, "timecode")->valuestring, "00:00:01.000");
    CHECK_STR(cJSON_GetObjectItem(fr2, "phash")->valuestring, "fedcba9876543210");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(fr2, "dihedral")), 8);
    CHECK(cJSON_GetObjectItem(fr2, "style") == NULL);
    CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(files, 1), "error")->valuestring,
              "cannot open 'missing.png'");
    cJSON_Delete(doc);
    free(s);
    fclose(fp);
}

static void test_jsonl(void)
{
    FILE *fp = tmpfile();
    lk_hash_writer *w = NULL;
    lk_frame fr;
    lk_features f;
    CHECK_INT(lk_hash_writer_new(&w, fp, LK_HASHFMT_JSONL, LK_HW_STYLE), 0);
    lk_hash_writer_begin(w, "x.png", &still);
    make_frame(&fr, &f, 0);
    f.style[0] = 0xab;
    lk_hash_writer_frame(w, &fr, &f);
    lk_hash_writer_end(w, "decoding failed after frame 0");
    lk_hash_writer_fail(w, "y.png", "bad");
    CHECK_INT(lk_hash_writer_finish(w), 0);
    lk_hash_writer_free(&w);
    char *s = slurp(fp);
    int lines = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        cJSON *o = cJSON_Parse(line);
        CHECK(o != NULL);
        CHECK(cJSON_GetObjectItem(o, "file") != NULL);
        if (lines == 0) {
            const char *st = cJSON_GetObjectItem(o, "style")->valuestring;
            CHECK_INT((int)strlen(st), 2 * LK_STYLE_BYTES);
            CHECK(!strncmp(st, "ab00", 4));
        } else {
            CHECK(cJSON_GetObjectItem(o, "error") != NULL);
        }
        cJSON_Delete(o);
    }
    CHECK_INT(lines, 3);
    free(s);
    fclose(fp);
}

static void test_lines(void)
{
    FILE *fp = tmpfile();
    lk_hash_writer *w = NULL;
    lk_frame fr;
    lk_features f;
    char hex[65], want[256];
    make_frame(&fr, &f, 1);
    lk_hash256_to_hex(&f.pdq, hex);
    CHECK_INT(lk_hash_writer_new(&w, fp, LK_HASHFMT_PDQ, 0), 0);
    lk_hash_writer_begin(w, "s.png", &still);
    lk_hash_writer_frame(w, &fr, &f);
    lk_hash_writer_end(w, NULL);
    lk_hash_writer_begin(w, "v.mp4", &video);
    lk_hash_writer_frame(w, &fr, &f);
    lk_hash_writer_end(w, NULL);
    lk_hash_writer_finish(w);
    lk_hash_writer_free(&w);
    char *s = slurp(fp);
    snprintf(want, sizeof want, "%s,91,s.png\n%s,91,v.mp4,0.500\n", hex, hex);
    CHECK_STR(s, want);
    free(s);
    fclose(fp);

    fp = tmpfile();
    CHECK_INT(lk_hash_writer_new(&w, fp, LK_HASHFMT_VPDQ, 0), 0);
    lk_hash_writer_begin(w, "v.mp4", &video);
    lk_hash_writer_frame(w, &fr, &f);
    lk_hash_writer_end(w, NULL);
    lk_hash_writer_finish(w);
    lk_hash_writer_free(&w);
    s = slurp(fp);
    snprintf(want, sizeof want, "12,91,%s,0.500\n", hex);
    CHECK_STR(s, want);
    free(s);
    fclose(fp);
}

static void test_timecode(void)
{
    char b[32];
    lk_format_timecode(0, b, sizeof b);
    CHECK_STR(b, "00:00:00.000");
    lk_format_timecode(3725.0456, b, sizeof b);
    CHECK_STR(b, "01:02:05.046");
    lk_format_timecode(59.9996, b, sizeof b);
    CHECK_STR(b, "00:01:00.000");
    lk_format_timecode(-3, b, sizeof b);
    CHECK_STR(b, "00:00:00.000");
    lk_hash_writer *w = (lk_hash_writer *)1;
    CHECK_INT(lk_hash_writer_new(&w, stdout, 99, 0), LK_EINVAL);
    CHECK(w == NULL);
}

int main(void)
{
    test_json();
    test_jsonl();
    test_lines();
    test_timecode();
    TEST_DONE("report");
}
