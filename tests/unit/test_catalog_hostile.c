/*
 * test_catalog_hostile.c — the catalog against hostile files and hostile
 * timing: a search segment truncated under a reader (no SIGBUS), crafted
 * segments whose checksums are valid but whose positions, rows and counts
 * are not, crafted catalogs with valid checksums (an entry count that
 * wraps, NaN and huge times, a huge duration), flipped bytes in the
 * catalog's text (titles, owners, tags, paths) caught by verify, and hostile hash lists (times out of range,
 * large lists stored in bounded parts).
 */
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include "likeness/likeness.h"
#include "test.h"

static char dir[256], path[300], seg[320];
static uint64_t seed = 777;

static void frames(lk_index_frame *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].t0 = f[i].t1 = (double)i * 0.25;
        for (int k = 0; k < 4; k++)
            f[i].pdq.w[k] = t_rand(&seed);
        f[i].quality = 90;
    }
}

#define NE 408 /* entries of the fresh index: 16 KB of segment, 4 pages */
static lk_index_frame fa[400], fb[8];
static const char *const tags[] = { "season=1" };
static const lk_index_work wa = { "wa", "Owner Alpha", "Title Alpha", tags, 1 };
static const lk_index_work wb = { "wb", "Owner Beta", "Title Beta", NULL, 0 };

/* A fresh index: wa (a.mp4, 400 entries), wb (b.png, 8 entries). */
static lk_index *fresh(void)
{
    unlink(path);
    unlink(seg);
    lk_index *ix = NULL;
    lk_errbuf err;
    CHECK_INT(lk_index_open(&ix, path, LK_INDEX_CREATE, &err), 0);
    if (!ix)
        return NULL;
    frames(fa, 400);
    frames(fb, 8);
    lk_index_file f = { .path = "dir/a.mp4", .size = 10, .duration = 10 };
    memset(f.sha256, 1, 32);
    CHECK_INT(lk_index_add_file(ix, &wa, &f, fa, 400, &err), 0);
    f.path = "dir/b.png";
    memset(f.sha256, 2, 32);
    CHECK_INT(lk_index_add_file(ix, &wb, &f, fb, 8, &err), 0);
    const lk_hash256 *h;
    size_t n;
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0); /* writes the segment */
    CHECK_INT(n, NE);
    return ix;
}

/* Truncating PATH-seg in place under a reader must not fault it. */
static void test_truncated_under_reader(void)
{
    lk_index *ix = fresh();
    lk_index_close(&ix);
    lk_errbuf err;
    CHECK_INT(lk_index_open(&ix, path, LK_INDEX_READONLY, &err), 0);
    const lk_hash256 *h;
    size_t n;
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0);
    CHECK_INT(n, NE);
    CHECK_INT(truncate(seg, 64), 0); /* another process cuts the file in place */
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= h[i].w[0] ^ h[i].w[3];
    CHECK(!memcmp(&h[NE - 1], &fb[7].pdq, 32));
    lk_index_entry e;
    CHECK_INT(lk_index_entry_at(ix, NE - 1, &e, &err), 0);
    CHECK_STR(e.file, "dir/b.png");
    (void)x;
    lk_index_close(&ix);
}

/* ---- crafted segments with valid checksums ---- */

static uint64_t sum64(const void *p, size_t n, uint64_t s)
{
    return (uint64_t)XXH3_64bits_withSeed(p, n, s);
}

/* Reads PATH-seg whole (malloc'd) into *buf; returns its size or -1. */
static long read_seg(uint8_t **buf)
{
    FILE *fp = fopen(seg, "rb");
    if (!fp)
        return -1;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    *buf = malloc((size_t)n);
    if (!*buf || fread(*buf, 1, (size_t)n, fp) != (size_t)n)
        n = -1;
    fclose(fp);
    return n;
}

/* Re-seals a segment image of n entries (data and header checksums, as
 * segment.c computes them) and writes it back. */
static void write_sealed(uint8_t *b, size_t n)
{
    uint64_t v = n, d = sum64(b + 64, n * 40, 0x5345474d454e54ULL ^ n);
    memcpy(b + 24, &v, 8);
    memcpy(b + 32, &d, 8);
    uint64_t hs = sum64(b, 56, 0);
    memcpy(b + 56, &hs, 8);
    FILE *fp = fopen(seg, "wb");
    CHECK(fp && fwrite(b, 1, 64 + n * 40, fp) == 64 + n * 40);
    if (fp)
        fclose(fp);
}

/* Opens read-only (so a bad segment is not repaired on disk) and resolves
 * every position; returns the first failure code, 0 if all resolve. */
static int resolve_all(size_t *n_out, char *msg, size_t nmsg)
{
    lk_index *ix = NULL;
    lk_errbuf err;
    int rc = lk_index_open(&ix, path, LK_INDEX_READONLY, &err);
    const lk_hash256 *h;
    size_t n = 0;
    if (rc == 0)
        rc = lk_index_hashes(ix, &h, &n, &err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        lk_index_entry e;
        rc = lk_index_entry_at(ix, i, &e, &err);
    }
    /* after a failure the cache must be usable again */
    lk_index_entry e;
    if (rc < 0 && n)
        (void)lk_index_entry_at(ix, 0, &e, NULL);
    snprintf(msg, nmsg, "%s", rc < 0 ? err.msg : "");
    *n_out = n;
    lk_index_close(&ix);
    return rc;
}

static void test_crafted_segments(void)
{
    struct { size_t pos; int field; uint32_t value; const char *what; } cases[] = {
        { 3, 0, 0, "file 0" },           /* row 0, the "empty" row */
        { 3, 0, 999999, "file 999999" }, /* a row the catalog lacks */
        { NE - 3, 1, 8, "entry 8" },         /* one past the file's entries */
        { NE - 3, 1, UINT32_MAX, "entry" },  /* far past */
        { 0, 0, 2, "disagrees" },        /* a real row, wrong hash */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        lk_index *ix = fresh();
        lk_index_close(&ix);
        uint8_t *b = NULL;
        long len = read_seg(&b);
        CHECK_INT(len, 64 + NE * 40);
        if (len < 0) {
            free(b);
            continue;
        }
        uint32_t *refs = (uint32_t *)(b + 64 + NE * 32);
        refs[2 * cases[k].pos + cases[k].field] = cases[k].value;
        write_sealed(b, NE);
        free(b);
        size_t n;
        char msg[512];
        CHECK_INT(resolve_all(&n, msg, sizeof msg), LK_ECORRUPT);
        CHECK_INT(n, NE);
        CHECK(strstr(msg, cases[k].what) != NULL);
        if (!strstr(msg, cases[k].what))
            fprintf(stderr, "case %zu: %s\n", k, msg);
    }
    /* A count larger than the file holds, sealed: refused from the size,
     * rebuilt from the catalog in memory (read-only handle). */
    lk_index *ix = fresh();
    lk_index_close(&ix);
    uint8_t *b = NULL;
    if (read_seg(&b) > 0) {
        uint64_t big = (uint64_t)1 << 58;
        memcpy(b + 24, &big, 8);
        uint64_t hs = sum64(b, 56, 0);
        memcpy(b + 56, &hs, 8);
        FILE *fp = fopen(seg, "wb");
        CHECK(fp && fwrite(b, 1, 64 + NE * 40, fp) == 64 + NE * 40);
        if (fp)
            fclose(fp);
    }
    free(b);
    size_t n;
    char msg[512];
    CHECK_INT(resolve_all(&n, msg, sizeof msg), 0);
    CHECK_INT(n, NE);
}

/* ---- the catalog's text under a checksum ---- */

static void sql(const char *stmt)
{
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void expect_verify_fails(const char *stmt, const char *needle)
{
    lk_index *ix = fresh();
    lk_errbuf err;
    int repairs;
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    lk_index_close(&ix);
    sql(stmt);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), 0);
    CHECK_INT(lk_index_verify(ix, &repairs, &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, needle) != NULL && strstr(err.msg, "checksum") != NULL);
    if (!strstr(err.msg, needle))
        fprintf(stderr, "after %s: %s\n", stmt, err.msg);
    lk_index_close(&ix);
}

static void test_text_checksums(void)
{
    expect_verify_fails("UPDATE works SET title = 'Title Alphb' WHERE work_id = 'wa'", "wa");
    expect_verify_fails("UPDATE owners SET name = 'Owner Alphb' WHERE name = 'Owner Alpha'",
                        "wa");
    expect_verify_fails("UPDATE tags SET value = '2'", "wa");
    expect_verify_fails("UPDATE works SET work_id = 'wc' WHERE work_id = 'wb'", "wc");
    expect_verify_fails("UPDATE files SET path = 'dir/c.png' WHERE path = 'dir/b.png'",
                        "dir/c.png");
    expect_verify_fails("UPDATE files SET abs_path = '/x' WHERE path = 'dir/a.mp4'",
                        "dir/a.mp4");
    /* renames and removals keep every checksum right */
    lk_index *ix = fresh();
    lk_errbuf err;
    int repairs;
    CHECK_INT(lk_index_rename_work(ix, "wb", "wz", &err), 0);
    CHECK_INT(lk_index_remove_work(ix, "wa", &err), 0);
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    lk_index_close(&ix);
}

/* ---- crafted catalogs: counts and values under valid checksums ---- */

/* Rewrites file row `row`: entries += extra, record `rec` gets t0 = t1 =
 * t (unless t is 0), and the blob checksum is recomputed as works.c does. */
static void reseal_file(int64_t row, uint64_t extra, size_t rec, double t)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT entries, frames FROM files WHERE id = ?", -1, &st,
                                 NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, row);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    uint64_t n = (uint64_t)sqlite3_column_int64(st, 0) + extra;
    size_t bytes = (size_t)sqlite3_column_bytes(st, 1);
    uint8_t *blob = malloc(bytes);
    memcpy(blob, sqlite3_column_blob(st, 1), bytes);
    sqlite3_finalize(st);
    if (t != 0) {
        memcpy(blob + rec * 260, &t, 8);
        memcpy(blob + rec * 260 + 8, &t, 8);
    }
    uint8_t key[16];
    for (int i = 0; i < 8; i++) {
        key[i] = (uint8_t)((uint64_t)row >> (8 * i));
        key[8 + i] = (uint8_t)(n >> (8 * i));
    }
    uint64_t sum = XXH3_64bits_withSeed(blob, (size_t)(n * 260), XXH3_64bits(key, 16));
    CHECK_INT(sqlite3_prepare_v2(db, "UPDATE files SET entries = ?, frames = ?, checksum = ?"
                                 " WHERE id = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, (int64_t)n);
    sqlite3_bind_blob(st, 2, blob, (int)bytes, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, (int64_t)sum);
    sqlite3_bind_int64(st, 4, row);
    CHECK_INT(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(blob);
}

static int count_entry(const lk_index_entry *e, void *ctx)
{
    (void)e;
    (*(size_t *)ctx)++;
    return 0;
}

/* Every reader of the crafted index fails with LK_ECORRUPT, none crashes. */
static void expect_damaged(const char *what)
{
    lk_index *ix = NULL;
    lk_errbuf err;
    int repairs;
    size_t walked = 0;
    CHECK_INT(lk_index_open(&ix, path, LK_INDEX_READONLY, &err), 0);
    CHECK_INT(lk_index_verify(ix, &repairs, &err), LK_ECORRUPT);
    CHECK_INT(lk_index_foreach(ix, NULL, count_entry, &walked, &err), LK_ECORRUPT);
    CHECK(walked <= NE);
    const lk_hash256 *h;
    size_t n = 0;
    int rc = lk_index_hashes(ix, &h, &n, &err);
    if (rc == 0) { /* the segment on disk is still valid: the record fails */
        lk_index_entry e;
        CHECK_INT(lk_index_entry_at(ix, NE - 1, &e, &err), LK_ECORRUPT);
    } else {
        CHECK_INT(rc, LK_ECORRUPT);
    }
    if (!strstr(err.msg, "damaged"))
        fprintf(stderr, "%s: %s\n", what, err.msg);
    CHECK(strstr(err.msg, "damaged") != NULL);
    lk_index_close(&ix);
}

static void test_crafted_catalogs(void)
{
    lk_index *ix = fresh();
    lk_index_close(&ix);
    reseal_file(2, (uint64_t)1 << 62, 0, 0); /* 2^62 + 8 entries: 2^62 * 260 wraps to 0 */
    expect_damaged("count wrapping");
    ix = fresh();
    lk_index_close(&ix);
    reseal_file(2, 0, 7, NAN); /* a NaN time under a valid checksum */
    expect_damaged("NaN time");
    ix = fresh();
    lk_index_close(&ix);
    reseal_file(2, 0, 7, 1e308);
    expect_damaged("time 1e308");
    ix = fresh();
    lk_index_close(&ix);
    sql("UPDATE files SET duration = 1e308 WHERE id = 2");
    expect_damaged("duration");
}

/* ---- hostile hash lists ---- */

static long import_text(lk_index *ix, const char *name, const char *text, lk_errbuf *err)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    uint8_t sha[32];
    memset(sha, 0x5a, 32);
    long rc = lk_index_import(ix, &wb, fp, name, sha, LK_HASHLIST_AUTO, err);
    fclose(fp);
    return rc;
}

static void test_import_times(void)
{
    static const char *const bad[] = { "1e308", "-1", "nan", "inf", "1e9" };
    const char *hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lk_index *ix = fresh();
        char text[512];
        snprintf(text, sizeof text, "0,100,%s,0.000\n1,100,%s,%s\n", hex, hex, bad[i]);
        lk_errbuf err;
        CHECK(import_text(ix, "list.vpdq", text, &err) < 0);
        CHECK(strstr(err.msg, "list.vpdq:2:") != NULL && strstr(err.msg, "time") != NULL);
        if (!strstr(err.msg, "list.vpdq:2:"))
            fprintf(stderr, "time %s: %s\n", bad[i], err.msg);
        snprintf(text, sizeof text, "%s,100,name,0.5\n%s,90,name,%s\n", hex, hex, bad[i]);
        CHECK(import_text(ix, "list.pdq", text, &err) < 0);
        CHECK(strstr(err.msg, "list.pdq:2:") != NULL && strstr(err.msg, "time") != NULL);
        int repairs;
        CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
        lk_index_close(&ix);
    }
    /* An entry stored past the limit (an older build) fails verify. */
    lk_index *ix = fresh();
    lk_index_frame f[1];
    frames(f, 1);
    f[0].t0 = f[0].t1 = 1e300;
    lk_index_file file = { .path = "far.mp4", .size = 1 };
    memset(file.sha256, 9, 32);
    lk_errbuf err;
    CHECK_INT(lk_index_add_file(ix, &wb, &file, f, 1, &err), LK_EINVAL);
    lk_index_close(&ix);
}

static int count_files(const lk_index_work_info *w, void *ctx)
{
    if (!strcmp(w->work_id, "wb"))
        *(int64_t *)ctx = w->files * 1000000 + w->entries;
    return 0;
}

/* A long list is stored in parts of at most LK_INDEX_PART_ENTRIES entries,
 * still one file to the user, every entry kept in order. */
static void test_import_parts(void)
{
    lk_index *ix = fresh();
    lk_index_remove_work(ix, "wb", NULL);
    size_t n = 2 * LK_INDEX_PART_ENTRIES + 17, cap = n * 100 + 1;
    char *text = malloc(cap), *p = text;
    lk_hash256 *want = malloc(n * sizeof *want);
    for (size_t i = 0; text && want && i < n; i++) {
        char hex[65];
        for (int k = 0; k < 4; k++)
            want[i].w[k] = t_rand(&seed);
        lk_hash256_to_hex(&want[i], hex);
        p += sprintf(p, "%zu,80,%s,%.3f\n", i, hex, (double)i * 0.5);
    }
    lk_errbuf err;
    CHECK_INT(import_text(ix, "long.vpdq", text, &err), (long)n);
    int64_t got = 0;
    CHECK_INT(lk_index_list(ix, count_files, &got, &err), 0);
    CHECK_INT(got, 1000000 + (int64_t)n);
    const lk_hash256 *h;
    size_t nh;
    CHECK_INT(lk_index_hashes(ix, &h, &nh, &err), 0);
    CHECK_INT(nh, 400 + n);
    int order_ok = nh == 400 + n;
    for (size_t i = 0; order_ok && i < n; i++)
        order_ok = !memcmp(&h[400 + i], &want[i], 32);
    CHECK(order_ok);
    lk_index_entry e;
    CHECK_INT(lk_index_entry_at(ix, 400 + n - 1, &e, &err), 0);
    CHECK_STR(e.file, "long.vpdq");
    CHECK(fabs(e.frame.t0 - (double)(n - 1) * 0.5) < 1e-9);
    CHECK(fabs(e.file_duration - (double)(n - 1) * 0.5) < 1e-9);
    uint8_t sha[32];
    memset(sha, 0x5a, 32);
    CHECK_INT(lk_index_has_content(ix, sha, NULL, &err), 1);
    CHECK(import_text(ix, "again.vpdq", text, &err) == LK_EEXIST);
    int repairs;
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    CHECK_INT(lk_index_remove_work(ix, "wb", &err), 0);
    CHECK_INT(lk_index_hashes(ix, &h, &nh, &err), 0);
    CHECK_INT(nh, 400);
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    lk_index_close(&ix);
    free(text);
    free(want);
}

int main(void)
{
    lk_init();
    snprintf(dir, sizeof dir, "%s/likeness-hostile.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/h.idx", dir);
    snprintf(seg, sizeof seg, "%s-seg", path);
    test_truncated_under_reader();
    test_crafted_segments();
    test_text_checksums();
    test_crafted_catalogs();
    test_import_times();
    test_import_parts();
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0);
    TEST_DONE("catalog_hostile");
}
