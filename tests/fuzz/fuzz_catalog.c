/*
 * fuzz_catalog.c — opening a catalog file PATH from arbitrary bytes
 * (lk_index_open read-only, so nothing is repaired or written), then
 * everything a reader does with it: verify, list, info, the search
 * segment (rebuilt in memory), every position's record, a walk of every
 * entry and each work's style.  SQLite parses the file; what is fuzzed is
 * our trust in what it returns (rows, counts, blob sizes, checksums, text).
 * Contract: no crash, leak or sanitizer report, and any failure of the
 * open names the file.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_helpers.h"
#include "likeness/likeness.h"

static char dir[] = "/tmp/lk-fuzz-catalog.XXXXXX", path[64];

static void cleanup(void)
{
    fuzz_rmdir(dir);
}

static int on_entry(const lk_index_entry *e, void *ctx)
{
    (*(size_t *)ctx)++;
    return e->work_id && e->title && e->owner && e->file ? 0 : -1;
}

static int on_work(const lk_index_work_info *w, void *ctx)
{
    lk_index *ix = ctx;
    uint8_t protos[LK_STYLE_PROTOS][LK_STYLE_BYTES];
    (void)lk_index_work_prototypes(ix, w->work_id, protos, NULL);
    return 0;
}

static void read_everything(lk_index *ix)
{
    lk_errbuf err;
    lk_index_stats st;
    int repairs;
    (void)lk_index_verify(ix, &repairs, &err);
    (void)lk_index_stats_get(ix, &st, &err);
    (void)lk_index_list(ix, on_work, ix, &err);
    const lk_hash256 *h;
    size_t n = 0, walked = 0;
    if (lk_index_hashes(ix, &h, &n, &err) == 0)
        for (size_t i = 0; i < n && i < 512; i++) {
            lk_index_entry e;
            if (lk_index_entry_at(ix, i, &e, &err) == 0 && memcmp(&e.frame.pdq, &h[i], 32))
                abort();
        }
    (void)lk_index_foreach(ix, NULL, on_entry, &walked, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        lk_init();
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/c.idx", dir);
        atexit(cleanup);
    }
    static const char *const aux[] = { "-wal", "-shm", "-seg" };
    for (int i = 0; i < 3; i++) {
        char p[80];
        snprintf(p, sizeof p, "%s%s", path, aux[i]);
        unlink(p);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    lk_index *ix = NULL;
    lk_errbuf err;
    if (lk_index_open(&ix, path, LK_INDEX_READONLY, &err) < 0) {
        if (!strstr(err.msg, path))
            abort();
        return 0;
    }
    read_everything(ix);
    lk_index_close(&ix);
    return 0;
}
