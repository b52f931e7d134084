/*
 * fuzz_import.c — PDQ / vPDQ hash list import (lk_index_import) on
 * arbitrary bytes, auto-detected and in each forced format, into one
 * index made once; each import runs in a transaction that is rolled back,
 * so inputs stay independent and nothing is synced.  Contracts: an error
 * message names the list, a success never stores more entries than the
 * list has lines, and every stored time lies in [0, LK_INDEX_TIME_MAX].
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_helpers.h"
#include "likeness/likeness.h"

static lk_index *ix;
static char dir[] = "/tmp/lk-fuzz-import.XXXXXX", path[64];

static void cleanup(void)
{
    lk_index_close(&ix);
    fuzz_rmdir(dir);
}

static int check_entry(const lk_index_entry *e, void *ctx)
{
    (void)ctx;
    if (!(e->frame.t0 >= 0 && e->frame.t1 <= LK_INDEX_TIME_MAX) || e->frame.quality > 100)
        abort();
    return 0;
}

static void import_as(const uint8_t *data, size_t size, int format)
{
    static const char *const tags[] = { "k=v" };
    const lk_index_work w = { "fuzzwork", "Fuzz Owner", "Fuzz Title", tags, 1 };
    uint8_t sha[32];
    lk_errbuf err;
    FILE *fp = fmemopen((void *)data, size, "r");
    if (!fp || lk_index_begin(ix, &err) < 0) {
        if (fp)
            fclose(fp);
        return;
    }
    lk_sha256_ctx c;
    lk_sha256_init(&c);
    lk_sha256_update(&c, data, size);
    lk_sha256_final(&c, sha);
    long n = lk_index_import(ix, &w, fp, "fuzz.list", sha, format, &err);
    fclose(fp);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (n < 0 && strncmp(err.msg, "fuzz.list", 9) && !strstr(err.msg, "fuzz.list"))
        abort(); /* every message names the list */
    if (n > 0 && (size_t)n > lines)
        abort();
    if (n > 0 && lk_index_foreach(ix, "fuzzwork", check_entry, NULL, &err) < 0)
        abort();
    lk_index_rollback(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ix) {
        lk_init();
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/f.idx", dir);
        if (lk_index_open(&ix, path, LK_INDEX_CREATE, NULL) < 0)
            abort();
        atexit(cleanup);
    }
    import_as(data, size, LK_HASHLIST_AUTO);
    import_as(data, size, LK_HASHLIST_PDQ);
    import_as(data, size, LK_HASHLIST_VPDQ);
    return 0;
}
