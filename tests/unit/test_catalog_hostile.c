/*
 * test_catalog_hostile.c — the catalog against hostile files and hostile
 * timing: a search segment truncated under a reader (no SIGBUS), crafted
 * segments whose checksums are valid but whose positions, rows and counts
 * are not, flipped bytes in the catalog's text (titles, owners, tags,
 * paths) caught by verify, and hostile hash lists (times out of range,
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
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0);
    TEST_DONE("catalog_hostile");
}
