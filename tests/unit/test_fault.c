/*
 * test_fault.c — allocation fault injection, as SQLite's malloc tests do:
 * a PNG decoded alone (libpng's allocations included), `index add`
 * (decode, hash, store), `index import`, `scan` (open the
 * scanner, scan a suspect with evidence) and `verify` run once to count
 * their allocations (the library's and SQLite's, routed through the same
 * hook), then again failing each one in turn (a
 * sample of at most LK_FAULT_SAMPLE when there are more), once failing
 * only that one and once failing every later one too.  Each run must end
 * in success or a clean LK_ENOMEM with a message, leave no block of its
 * own allocated (live count; ASan's leak check under make check), and
 * leave an index that still verifies and still holds every work stored
 * before it.  LK_FAULT_SAMPLE=N samples N instead (a large N tries every
 * allocation), LK_FAULT_ONLY=add-png,scan,... runs only those and
 * LK_FAULT_AT=N starts at allocation N.
 */
#include <limits.h>
#include <sqlite3.h>
#include <unistd.h>
#include "common/common.h"
#include "likeness/likeness.h"
#include "test.h"

#define LK_FAULT_SAMPLE 60

/* SQLite's allocations routed through lki_malloc, so they fail in turn
 * too (a 16-byte header keeps each block's size for xSize). */
static void *sq_malloc(int n)
{
    uint8_t *p = lki_malloc((size_t)n + 16);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + 16;
}

static void sq_free(void *p)
{
    if (p)
        lki_free((uint8_t *)p - 16);
}

static int sq_size(void *p)
{
    int n = 0;
    if (p)
        memcpy(&n, (uint8_t *)p - 16, sizeof n);
    return n;
}

static void *sq_realloc(void *p, int n)
{
    if (!p)
        return sq_malloc(n);
    uint8_t *q = lki_realloc((uint8_t *)p - 16, (size_t)n + 16);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    return q + 16;
}

static int sq_roundup(int n) { return (n + 7) & ~7; }
static int sq_init(void *ctx) { (void)ctx; return SQLITE_OK; }
static void sq_shutdown(void *ctx) { (void)ctx; }

static void route_sqlite(void)
{
    static const sqlite3_mem_methods m = { sq_malloc, sq_free, sq_realloc, sq_size,
                                           sq_roundup, sq_init, sq_shutdown, NULL };
    CHECK_INT(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
    CHECK_INT(sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0), SQLITE_OK);
}

static char dir[256], base[300], path[300], evdir[300];
static const char *ref = "data/demo/refs/tidal-lines-keyart.png";
static const char *ref2 = "data/demo/refs/starfall-ep01.mp4";
static const char *suspect = "data/demo/suspects/fan-post.jpg";

static void copy_file(const char *from, const char *to)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm' '%s-seg' && cp '%s' '%s'", to, to,
             to, to, from, to);
    CHECK(system(cmd) == 0);
}

/* index add of one file, as the command does it: hash, then store. */
static int op_add(const char *file, const char *id, lk_errbuf *err)
{
    lk_index *ix = NULL;
    lk_hasher *h = NULL;
    lk_ref_entries e = { 0 };
    lk_media_info info;
    lk_decode_opts dec;
    lk_decode_opts_default(&dec);
    dec.fps = LK_INDEX_DEFAULT_FPS;
    dec.threads = 1;
    int rc = lk_index_open(&ix, path, LK_INDEX_CREATE, err);
    if (rc == 0)
        rc = lk_hasher_new(&h) < 0 ? lki_err(err, LK_ENOMEM, "out of memory") : 0;
    if (rc == 0)
        rc = lk_ref_hash_file(file, &dec, h, &e, &info, err);
    lk_index_file f = { file, 0, { 0 }, info.duration, info.width, info.height, info.fps,
                        e.sampled, "x", 0, NULL };
    if (rc == 0)
        rc = lk_sha256_file(file, f.sha256, &f.size, err);
    lk_index_work w = { id, "Fault Owner", "Fault Title", NULL, 0 };
    if (rc == 0) {
        lk_index_params p = { dec.fps, dec.keyframes, dec.scene_cuts, dec.max_dim,
                              dec.crop_borders };
        rc = lk_index_bind_params(ix, &p, err);
    }
    if (rc == 0)
        rc = lk_index_add_file(ix, &w, &f, e.v, e.n, err);
    const lk_hash256 *hs;
    size_t n;
    if (rc == 0)
        rc = lk_index_hashes(ix, &hs, &n, err); /* the segment rewrite, as add ends */
    lk_ref_entries_release(&e);
    lk_hasher_free(&h);
    lk_index_close(&ix);
    return rc;
}

static char png2[300];
static int op_add_png(lk_errbuf *err) { return op_add(png2, "png", err); }
static int op_add_video(lk_errbuf *err) { return op_add(ref2, "video", err); }

/* Decodes every frame of a picture alone: few enough allocations that
 * every one is tried, libpng's own among them (png.c routes them through
 * lki_malloc). */
static int op_decode_png(lk_errbuf *err)
{
    lk_decoder *d = NULL;
    int rc = lk_decoder_open(&d, ref, NULL, err);
    lk_frame f;
    while (rc >= 0 && (rc = lk_decoder_next(d, &f, err)) == 1)
        ;
    lk_decoder_free(&d);
    return rc;
}

static int op_import(lk_errbuf *err)
{
    static const char text[] =
        "0,100,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,0.000\n"
        "1,90,08f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,0.500\n";
    lk_index *ix = NULL;
    uint8_t sha[32];
    memset(sha, 0x33, 32);
    lk_index_work w = { "imported", "Partner", "Shared", NULL, 0 };
    int rc = lk_index_open(&ix, path, 0, err);
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "r");
    if (rc == 0) {
        long n = lk_index_import(ix, &w, fp, "list.vpdq", sha, LK_HASHLIST_AUTO, err);
        rc = n < 0 ? (int)n : 0;
    }
    fclose(fp);
    lk_index_close(&ix);
    return rc;
}

static int op_scan(lk_errbuf *err)
{
    lk_scan_params p;
    lk_scan_params_default(&p);
    p.evidence_dir = evdir;
    lk_scanner *s = NULL;
    lk_scan_worker *w = NULL;
    int rc = lk_scanner_open(&s, path, &p, err);
    if (rc == 0)
        rc = lk_scan_worker_new(s, &w) < 0 ? lki_err(err, LK_ENOMEM, "out of memory") : 0;
    if (rc == 0) {
        lk_scan_result r;
        int v = lk_scan_file(w, suspect, &r);
        if (v == LK_VERDICT_ERROR) {
            rc = strstr(r.error, "memory") ? LK_ENOMEM : LK_EIO;
            lki_err(err, rc, "%s", r.error);
        } else if (v != LK_VERDICT_MATCH) {
            rc = lki_err(err, LK_EINVAL, "%s: not a match (verdict %d)", suspect, v);
        }
        lk_scan_result_release(&r);
    }
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);
    return rc;
}

static int op_verify(lk_errbuf *err)
{
    lk_index *ix = NULL;
    int repairs;
    int rc = lk_index_open(&ix, path, 0, err);
    if (rc == 0)
        rc = lk_index_verify(ix, &repairs, err);
    lk_index_close(&ix);
    return rc;
}

static int count_work(const lk_index_work_info *w, void *ctx)
{
    (void)w;
    (*(int *)ctx)++;
    return 0;
}

/* The index at path verifies and holds at least `works` works. */
static int sound(int works)
{
    lk_index *ix = NULL;
    lk_errbuf err;
    int repairs, n = 0;
    int ok = lk_index_open(&ix, path, 0, &err) == 0 && lk_index_verify(ix, &repairs, &err) == 0 &&
             lk_index_list(ix, count_work, &n, &err) == 0 && n >= works;
    if (!ok)
        fprintf(stderr, "index unsound (%d works, want %d): %s\n", n, works, err.msg);
    lk_index_close(&ix);
    return ok;
}

/* Runs op failing each allocation in turn (or a sample); base holds
 * `works` works. */
static void fault_each(const char *name, int (*op)(lk_errbuf *), int works)
{
    lk_errbuf err;
    lki_fault_stats st;
    const char *only = getenv("LK_FAULT_ONLY"), *all = getenv("LK_FAULT_SAMPLE");
    long sample = all && atol(all) > 0 ? atol(all) : LK_FAULT_SAMPLE;
    if (only && !strstr(only, name))
        return;
    copy_file(base, path);
    lki_fault_arm(LONG_MAX, 0);
    int rc = op(&err);
    lki_fault_disarm(&st);
    CHECK_INT(rc, 0);
    if (rc)
        fprintf(stderr, "%s without faults: %s\n", name, err.msg);
    long total = st.calls, step = total > sample ? total / sample : 1;
    int bad = 0, runs = 0, failed_clean = 0;
    long first = getenv("LK_FAULT_AT") ? atol(getenv("LK_FAULT_AT")) : 1;
    for (long i = first; i <= total && bad < 5; i += step) {
        for (int keep = 0; keep <= 1; keep++) {
            copy_file(base, path);
            lk_errbuf_clear(&err);
            lki_fault_arm(i, keep);
            rc = op(&err);
            lki_fault_disarm(&st);
            runs++;
            int clean = rc == 0 || (rc == LK_ENOMEM && err.msg[0]);
            failed_clean += rc == LK_ENOMEM;
            if (!clean || st.live > 0 || !sound(works)) {
                bad++;
                fprintf(stderr, "%s: allocation %ld of %ld failing%s: rc %d (%s), %ld blocks "
                        "leaked\n", name, i, total, keep ? " and after" : "", rc, err.msg,
                        st.live);
            }
        }
    }
    CHECK_INT(bad, 0);
    CHECK(failed_clean > 0);
    printf("%s: %ld allocations, %d runs, %d ended in LK_ENOMEM\n", name, total, runs,
           failed_clean);
}

int main(void)
{
    route_sqlite();
    lk_init();
    /* on tmpfs when there is one: every run syncs the catalog */
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR")
                      : access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/likeness-fault.XXXXXX", tmp);
    if (!mkdtemp(dir))
        return 1;
    snprintf(base, sizeof base, "%s/base.idx", dir);
    snprintf(path, sizeof path, "%s/work.idx", dir);
    snprintf(evdir, sizeof evdir, "%s/ev", dir);
    /* the base index: the key art as work "art" (what scan finds) */
    CHECK_INT(op_add(ref, "art", NULL), 0);
    char cmd[2048];
    snprintf(png2, sizeof png2, "%s/art2.png", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s' && { cat '%s'; echo x; } > '%s'",
             evdir, path, base, ref, png2);
    CHECK(system(cmd) == 0);
    fault_each("decode-png", op_decode_png, 1);
    fault_each("add-png", op_add_png, 1);
    fault_each("add-video", op_add_video, 1);
    fault_each("import", op_import, 1);
    fault_each("scan", op_scan, 1);
    fault_each("verify", op_verify, 1);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    TEST_DONE("fault");
}
