/*
 * fuzz_segment.c — opening the search segment PATH-seg of one fixed
 * catalog (made once: 3 works, 140 entries) from arbitrary bytes.  Unless
 * the first byte is odd, the harness seals the rest with a valid header
 * (magic, this catalog's generation and id, entry count from the length,
 * data and header checksums), so the fuzzer reaches what lies behind the
 * checksums: positions, file rows and entry numbers.  Contracts: opening
 * read-only never fails because of the segment (a bad one is rebuilt in
 * memory), and every position resolves to a record whose PDQ is the
 * segment's, or fails with LK_ECORRUPT.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "fuzz/fuzz_helpers.h"
#include "likeness/likeness.h"

static char dir[] = "/tmp/lk-fuzz-segment.XXXXXX", path[64], seg[80];
static lk_index_stats stats;

static void cleanup(void)
{
    fuzz_rmdir(dir);
}

static void make_catalog(void)
{
    lk_index *ix = NULL;
    uint64_t s = 99;
    lk_init();
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/s.idx", dir);
    snprintf(seg, sizeof seg, "%s-seg", path);
    if (lk_index_open(&ix, path, LK_INDEX_CREATE, NULL) < 0)
        abort();
    static lk_index_frame f[100];
    for (int w = 0; w < 3; w++) {
        char id[16];
        snprintf(id, sizeof id, "w%d", w);
        lk_index_work work = { id, "Owner", "Title", NULL, 0 };
        lk_index_file file = { .path = id, .size = 1, .duration = 10 };
        memset(file.sha256, w + 1, 32);
        size_t n = w == 0 ? 100 : 20;
        for (size_t i = 0; i < n; i++) {
            memset(&f[i], 0, sizeof f[i]);
            f[i].t0 = f[i].t1 = (double)i * 0.25;
            for (int k = 0; k < 4; k++)
                f[i].pdq.w[k] = s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            f[i].quality = 80;
        }
        if (lk_index_add_file(ix, &work, &file, f, n, NULL) < 0)
            abort();
    }
    if (lk_index_stats_get(ix, &stats, NULL) < 0)
        abort();
    lk_index_close(&ix);
    atexit(cleanup);
}

/* Writes data as PATH-seg, sealed unless data[0] is odd. */
static void write_segment(const uint8_t *data, size_t size)
{
    FILE *fp = fopen(seg, "wb");
    if (!fp)
        abort();
    if (size && !(data[0] & 1)) {
        uint8_t h[64] = { 'L', 'K', 'S', 'E', 'G', 0, 0, 1 };
        size_t body = size - 1;
        uint64_t n = body / 40, v64[4];
        uint32_t v32[2] = { 2, 64 }, feat[2] = { LK_INDEX_FEATURE_VERSION, 0 };
        v64[0] = stats.generation;
        v64[1] = n;
        v64[2] = XXH3_64bits_withSeed(data + 1, n * 40, 0x5345474d454e54ULL ^ n);
        v64[3] = XXH3_64bits_withSeed(stats.index_uuid, 32, 0);
        memcpy(h + 8, v32, 8);
        memcpy(h + 16, v64, 32);
        memcpy(h + 48, feat, 8);
        uint64_t hs = XXH3_64bits_withSeed(h, 56, 0);
        memcpy(h + 56, &hs, 8);
        fwrite(h, 1, 64, fp);
        fwrite(data + 1, 1, body, fp);
    } else if (size) {
        fwrite(data + 1, 1, size - 1, fp);
    }
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!stats.generation)
        make_catalog();
    write_segment(data, size);
    lk_index *ix = NULL;
    lk_errbuf err;
    const lk_hash256 *h;
    size_t n = 0;
    if (lk_index_open(&ix, path, LK_INDEX_READONLY, &err) < 0 ||
        lk_index_hashes(ix, &h, &n, &err) < 0)
        abort(); /* the catalog is sound: a bad segment is rebuilt in memory */
    for (size_t i = 0; i < n && i < 256; i++) {
        lk_index_entry e;
        int rc = lk_index_entry_at(ix, i, &e, &err);
        if (rc == 0 && memcmp(&e.frame.pdq, &h[i], 32))
            abort();
        if (rc < 0 && rc != LK_ECORRUPT)
            abort();
    }
    lk_index_entry e;
    if (lk_index_entry_at(ix, n, &e, &err) != LK_EINVAL)
        abort();
    lk_index_close(&ix);
    return 0;
}
