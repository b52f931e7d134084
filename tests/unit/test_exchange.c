/*
 * test_exchange.c — the lossless exchange format (lk_index_export with
 * LK_HASHLIST_LIKENESS, lk_index_import_lossless): every entry field, every
 * file field, tags, the works' mean styles and style prototypes come back
 * the same in a new index; a bad line is refused with its line number and
 * nothing is added; a version or parameter mismatch is LK_EVERSION.
 */
#include <unistd.h>
#include "likeness/likeness.h"
#include "test.h"

static char dir[256];
static uint64_t seed = 777;

/* Entries with styles from two clusters (so a work has several prototypes),
 * odd times and every view. */
static void make_frames(lk_index_frame *f, size_t n, int base)
{
    for (size_t i = 0; i < n; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].t0 = (double)i / 3.0 + 0.1;
        f[i].t1 = f[i].t0 + (double)(i % 4) / 7.0;
        for (int k = 0; k < 4; k++)
            f[i].pdq.w[k] = t_rand(&seed);
        f[i].quality = (int)(t_rand(&seed) % 101);
        f[i].view = (int)(i % LK_VIEW_COUNT);
        if (f[i].view != LK_VIEW_FULL)
            continue;
        f[i].flags = LK_ENTRY_ALL | (i % 2 ? LK_ENTRY_SCENECUT : 0);
        f[i].phash = t_rand(&seed);
        f[i].dhash = t_rand(&seed);
        int cluster = (i / LK_VIEW_COUNT) % 2 ? 200 : base;
        for (int k = 0; k < LK_STYLE_BYTES; k++)
            f[i].style[k] = (uint8_t)(cluster + (int)(t_rand(&seed) % 9));
    }
}

static lk_index *open_new(const char *name)
{
    char p[400];
    static const char *const aux[] = { "", "-seg", "-wal", "-shm" };
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s%s", dir, name, aux[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/%s", dir, name);
    lk_index *ix = NULL;
    lk_errbuf err;
    CHECK_INT(lk_index_open(&ix, p, LK_INDEX_CREATE, &err), 0);
    return ix;
}

static lk_index *make_source(void)
{
    static lk_index_frame a[40], b[25], c[9];
    static const char *const tags[] = { "lang=en", "note=a, b=c" };
    const lk_index_work w1 = { "w1", "Studio A", "First", tags, 2 };
    const lk_index_work w2 = { "w2", "Studio B", "Second \"quoted\"", NULL, 0 };
    lk_index *ix = open_new("src.idx");
    lk_errbuf err;
    lk_index_params p = { 4.0, 0, 1, 512, 1 };
    CHECK_INT(lk_index_bind_params(ix, &p, &err), 0);
    make_frames(a, 40, 20);
    make_frames(b, 25, 90);
    make_frames(c, 9, 140);
    lk_index_file f = { "a.mp4", 1234, { 1 }, 13.37, 640, 360, 29.97, 120, "mp4/h264", 0,
                        "/media/a.mp4" };
    CHECK_INT(lk_index_add_file(ix, &w1, &f, a, 40, &err), 0);
    f = (lk_index_file){ "b.png", 99, { 2 }, 0, 300, 200, 0, 1, NULL, 0, NULL };
    CHECK_INT(lk_index_add_file(ix, &w1, &f, b, 25, &err), 0);
    f = (lk_index_file){ "c.vpdq", 55, { 3 }, 4.5, 0, 0, 0, 9, "vpdq", 1, NULL };
    CHECK_INT(lk_index_add_file(ix, &w2, &f, c, 9, &err), 0);
    return ix;
}

/* Every entry, with the fields of its file, as one comparable string list. */
struct dump { char *buf; size_t len; FILE *fp; };

static int dump_entry(const lk_index_entry *e, void *ctx)
{
    FILE *fp = ctx;
    fprintf(fp, "%s|%s|%s|%s|%s|%u|%.17g|%d|%.17g|%d|%d|", e->work_id, e->owner, e->title,
            e->file, e->file_abs ? e->file_abs : "-", e->number, e->file_duration,
            e->file_imported, e->file_fps, e->file_width, e->file_height);
    fwrite(e->file_sha256, 1, 32, fp);
    fprintf(fp, "|%.17g|%.17g|%d|%u|%d|%016llx|%016llx|", e->frame.t0, e->frame.t1,
            e->frame.quality, e->frame.flags, e->frame.view,
            (unsigned long long)e->frame.phash, (unsigned long long)e->frame.dhash);
    fwrite(&e->frame.pdq, 1, sizeof e->frame.pdq, fp);
    fwrite(e->frame.style, 1, LK_STYLE_BYTES, fp);
    fputc('\n', fp);
    return 0;
}

static void dump(lk_index *ix, struct dump *d)
{
    d->fp = open_memstream(&d->buf, &d->len);
    CHECK_INT(lk_index_foreach(ix, NULL, dump_entry, d->fp, NULL), 0);
    fclose(d->fp);
}

static void same_styles(lk_index *x, lk_index *y, const char *work)
{
    uint8_t px[LK_STYLE_PROTOS][LK_STYLE_BYTES], py[LK_STYLE_PROTOS][LK_STYLE_BYTES];
    uint8_t sx[LK_STYLE_BYTES], sy[LK_STYLE_BYTES];
    int nx = lk_index_work_prototypes(x, work, px, NULL);
    CHECK(nx > 1); /* two clusters: the test means something */
    CHECK_INT(lk_index_work_prototypes(y, work, py, NULL), nx);
    CHECK(nx > 0 && !memcmp(px, py, (size_t)nx * LK_STYLE_BYTES));
    CHECK_INT(lk_index_work_style(x, work, sx, NULL), 1);
    CHECK_INT(lk_index_work_style(y, work, sy, NULL), 1);
    CHECK(!memcmp(sx, sy, sizeof sx));
}

static char *export_of(lk_index *ix, size_t *len)
{
    char *buf = NULL;
    FILE *fp = open_memstream(&buf, len);
    lk_errbuf err;
    CHECK_INT(lk_index_export(ix, NULL, fp, LK_HASHLIST_LIKENESS, &err), 0);
    fclose(fp);
    return buf;
}

static int import_text(lk_index *ix, const char *text, lk_index_import_totals *t,
                       lk_errbuf *err)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    int rc = lk_index_import_lossless(ix, fp, "x.likeness", t, err);
    fclose(fp);
    return rc;
}

static void test_round_trip(void)
{
    lk_index *a = make_source(), *b = open_new("dst.idx");
    size_t len;
    char *text = export_of(a, &len);
    lk_index_import_totals t;
    lk_errbuf err;
    CHECK(strstr(text, "\"abs_path\":\"/media/a.mp4\"") != NULL);
    CHECK(strstr(text, "\"tags\":[\"lang=en\",\"note=a, b=c\"]") != NULL);
    CHECK_INT(import_text(b, text, &t, &err), 0);
    CHECK_INT(t.works, 2);
    CHECK_INT(t.files, 3);
    CHECK_INT(t.entries, 74);
    CHECK_INT(t.skipped, 0);
    struct dump da, db;
    dump(a, &da);
    dump(b, &db);
    CHECK(da.len == db.len && !memcmp(da.buf, db.buf, da.len));
    same_styles(a, b, "w1");
    lk_index_params p;
    CHECK_INT(lk_index_get_params(b, &p, &err), 1);
    CHECK(p.fps == 4.0 && p.scene_cuts == 1 && p.max_dim == 512 && p.crop_borders == 1);
    size_t len2;
    char *again = export_of(b, &len2);
    CHECK(len == len2 && !memcmp(text, again, len));
    /* A second import skips every file. */
    CHECK_INT(import_text(b, text, &t, &err), 0);
    CHECK_INT(t.files, 0);
    CHECK_INT(t.skipped, 3);
    free(da.buf), free(db.buf), free(again), free(text);
    lk_index_close(&a);
    lk_index_close(&b);
}

/* Replaces the first occurrence of from in text by to (a new string). */
static char *edit(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        return NULL;
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return s;
}

static void expect_refused(const char *text, int code, const char *msg)
{
    lk_index *c = open_new("refused.idx");
    lk_errbuf err;
    CHECK_INT(import_text(c, text ? text : "", NULL, &err), code);
    if (!strstr(err.msg, msg))
        fprintf(stderr, "message: %s (wanted %s)\n", err.msg, msg);
    CHECK(strstr(err.msg, msg) != NULL);
    lk_index_stats st;
    CHECK_INT(lk_index_stats_get(c, &st, &err), 0);
    CHECK_INT(st.files, 0);
    CHECK_INT(st.works, 0);
    lk_index_close(&c);
}

static void test_refusals(void)
{
    lk_index *a = make_source();
    size_t len;
    char *text = export_of(a, &len);
    lk_index_close(&a);
    char *s = edit(text, "\"quality\":", "\"quality\":-");
    expect_refused(s, LK_EFORMAT, "x.likeness:4: an entry needs");
    free(s);
    s = edit(text, "\"feature_version\":2", "\"feature_version\":1");
    expect_refused(s, LK_EVERSION, "feature version 1");
    free(s);
    s = edit(text, "\"likeness_export\":1", "\"likeness_export\":2");
    expect_refused(s, LK_EVERSION, "export version 2");
    free(s);
    s = edit(text, "{\"type\":\"end\"", "{\"type\":\"nd\"");
    expect_refused(s, LK_EFORMAT, "unknown line type");
    free(s);
    text[len - 2] = 'x'; /* damage the end line's closing brace */
    expect_refused(text, LK_EFORMAT, "not a JSON object");
    expect_refused("", LK_ECORRUPT, "cut short");
    expect_refused("1,2,3\n", LK_EFORMAT, "x.likeness:1: not a likeness export");
    free(text);
    /* Other sampling parameters than the index's. */
    lk_index *b = open_new("params.idx");
    lk_index_params p = { 2.0, 0, 1, 512, 1 };
    lk_errbuf err;
    CHECK_INT(lk_index_bind_params(b, &p, &err), 0);
    a = make_source();
    text = export_of(a, &len);
    CHECK_INT(import_text(b, text, NULL, &err), LK_EVERSION);
    CHECK(strstr(err.msg, "sampled with other parameters") != NULL);
    free(text);
    lk_index_close(&a);
    lk_index_close(&b);
}

int main(void)
{
    lk_init();
    snprintf(dir, sizeof dir, "%s/likeness-exchange.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    test_round_trip();
    test_refusals();
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0);
    TEST_DONE("exchange");
}
