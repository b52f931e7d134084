/*
 * locals.c — the local features of reference entries in the catalog
 * (table `locals`, format 5; layout in catalog_internal.h): storing a
 * file's sets with the file, and walking every set in search-position
 * order for the scanner (lk_index_locals).
 *
 * Invariants: a file has at most one locals row; its sets' entry numbers
 * increase strictly and are below the file's entries; search positions
 * are the files' entries in row order (as the segment, segment.c), so the
 * position of a set is the entries of the files before it plus its entry.
 */
#include <string.h>
#include "common/common.h"
#include "likeness/local.h"
#include "catalog/catalog_internal.h"

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The checksum of a file's locals blob: XXH3-64 of its bytes, seeded with
 * the file row and the set count (a blob moved or cut short fails). */
static uint64_t locals_checksum(const void *blob, size_t len, int64_t sets, int64_t row)
{
    uint64_t seed = lki_checksum64(&row, sizeof row, (uint64_t)sets ^ 0x6c6f63616c73ULL);
    return lki_checksum64(blob, len, seed);
}

LK_API int lk_index_has_locals(const lk_index *ix)
{
    return ix && ix->format > LK_INDEX_FORMAT_NO_LOCAL;
}

/* The blob of n sets (caller frees *out). */
static int build_blob(const lk_index_local *v, size_t n, uint8_t **out, size_t *len)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += 8 + v[i].bytes;
    uint8_t *b = lki_malloc(bytes ? bytes : 1), *p = b;
    if (!b)
        return LK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        put32(p, v[i].entry);
        put32(p + 4, (uint32_t)v[i].bytes);
        memcpy(p + 8, v[i].data, v[i].bytes);
        p += 8 + v[i].bytes;
    }
    *out = b, *len = bytes;
    return 0;
}

int lki_locals_insert(lk_index *ix, int64_t row, const lk_index_local *v, size_t n,
                      lk_errbuf *err)
{
    uint8_t *blob;
    size_t len;
    sqlite3_stmt *st;
    if (n == 0 || !lk_index_has_locals(ix))
        return 0;
    if (build_blob(v, n, &blob, &len) < 0)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    int rc = lki_db_prepare(ix, "INSERT INTO locals(file, sets, data, checksum) VALUES(?,?,?,?)",
                            &st, err);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, row);
        sqlite3_bind_int64(st, 2, (int64_t)n);
        sqlite3_bind_blob64(st, 3, blob, len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (int64_t)locals_checksum(blob, len, (int64_t)n, row));
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        rc = rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "cannot add local features", err);
    }
    lki_free(blob);
    return rc;
}

/* Walks the sets of one file's blob, whose first entry is at position base. */
static int walk_blob(lk_index *ix, int64_t row, size_t entries, uint64_t base,
                     const uint8_t *b, size_t len, int64_t sets,
                     int (*fn)(uint32_t, const uint8_t *, size_t, void *), void *ctx,
                     lk_errbuf *err)
{
    size_t off = 0;
    int64_t k = 0;
    long last = -1;
    for (; off + 8 <= len; k++) {
        uint32_t entry = get32(b + off), bytes = get32(b + off + 4);
        if ((long)entry <= last || entry >= entries || bytes > len - off - 8)
            break;
        last = (long)entry;
        int rc = fn((uint32_t)(base + entry), b + off + 8, bytes, ctx);
        if (rc)
            return rc;
        off += 8 + (size_t)bytes;
    }
    if (off != len || k != sets)
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: local features of file %lld",
                       ix->path, (long long)row);
    return 0;
}

/* Steps st (files left-joined with locals, by row) calling fn per set. */
static int walk_rows(lk_index *ix, sqlite3_stmt *st,
                     int (*fn)(uint32_t, const uint8_t *, size_t, void *), void *ctx,
                     lk_errbuf *err)
{
    uint64_t base = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t row = sqlite3_column_int64(st, 0), entries = sqlite3_column_int64(st, 1);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            const uint8_t *b = sqlite3_column_blob(st, 2);
            size_t len = (size_t)sqlite3_column_bytes(st, 2);
            int64_t sets = sqlite3_column_int64(st, 3);
            uint64_t sum = (uint64_t)sqlite3_column_int64(st, 4);
            if (sets < 0 || entries < 0 || locals_checksum(b, len, sets, row) != sum)
                return lki_err(err, LK_ECORRUPT, "%s: index damaged: local features of "
                               "file %lld fail their checksum", ix->path, (long long)row);
            int r = walk_blob(ix, row, (size_t)entries, base, b, len, sets, fn, ctx, err);
            if (r)
                return r;
        }
        base += (uint64_t)(entries > 0 ? entries : 0);
    }
    return rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "catalog read failed", err);
}

int lki_locals_count(lk_index *ix, int64_t row, int64_t *sets, lk_errbuf *err)
{
    sqlite3_stmt *st;
    *sets = 0;
    if (!lk_index_has_locals(ix))
        return 0;
    LK_TRY(lki_db_prepare(ix, "SELECT sets FROM locals WHERE file = ?", &st, err));
    sqlite3_bind_int64(st, 1, row);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *sets = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return lki_db_err(ix, rc, "catalog read failed", err);
    return *sets < 0 ? lki_err(err, LK_ECORRUPT, "%s: index damaged: local features of file "
                               "%lld", ix->path, (long long)row) : 0;
}

int lki_locals_of_file(lk_index *ix, int64_t row,
                       int (*fn)(uint32_t, const uint8_t *, size_t, void *), void *ctx,
                       lk_errbuf *err)
{
    sqlite3_stmt *st;
    if (!lk_index_has_locals(ix))
        return 0;
    LK_TRY(lki_db_prepare(ix,
        "SELECT f.id, f.entries, l.data, l.sets, l.checksum FROM files f"
        " JOIN locals l ON l.file = f.id WHERE f.id = ?", &st, err));
    sqlite3_bind_int64(st, 1, row);
    int rc = walk_rows(ix, st, fn, ctx, err);
    sqlite3_finalize(st);
    return rc;
}

LK_API int lk_index_locals(lk_index *ix,
                           int (*fn)(uint32_t pos, const uint8_t *set, size_t bytes, void *ctx),
                           void *ctx, lk_errbuf *err)
{
    sqlite3_stmt *st;
    if (!ix || !fn)
        return LK_EINVAL;
    if (!lk_index_has_locals(ix))
        return 0;
    LK_TRY(lki_db_prepare(ix,
        "SELECT f.id, f.entries, l.data, l.sets, l.checksum FROM files f"
        " LEFT JOIN locals l ON l.file = f.id ORDER BY f.id", &st, err));
    int rc = walk_rows(ix, st, fn, ctx, err);
    sqlite3_finalize(st);
    return rc;
}

/* What lki_locals_check walks with: scratch features, the first bad set. */
struct check_ctx {
    lk_local_features f;
    long bad;             /* search position of a malformed set, or -1 */
};

static int check_set(uint32_t pos, const uint8_t *set, size_t bytes, void *vctx)
{
    struct check_ctx *c = vctx;
    int n = lk_local_unpack(set, bytes, &c->f);
    if (n == LK_EFORMAT)
        c->bad = (long)pos;
    return n == LK_EFORMAT ? LK_ECORRUPT : n < 0 ? n : 0;
}

int lki_locals_check(lk_index *ix, lk_errbuf *err)
{
    struct check_ctx c = { { 0 }, -1 };
    int rc = lk_index_locals(ix, check_set, &c, err);
    lk_local_features_release(&c.f);
    if (c.bad >= 0)
        rc = lki_err(err, LK_ECORRUPT, "%s: index damaged: the local features of entry %ld "
                     "are malformed", ix->path, c.bad);
    return rc < 0 ? rc : 0;
}
