/*
 * textsum.c — checksums of the catalog's text: a work's id, owner name,
 * title and tags (works.text_sum) and a file part's path, absolute path,
 * format, content hash and part number (files.text_sum), so that a
 * flipped byte in any of them is damage to `verify`, as one in a frame
 * blob is.
 *
 * Invariants: every write that changes a work's text or tags, or adds a
 * file part, reseals it in the same transaction from what SQLite then
 * holds (the sum covers the stored bytes, not the caller's); each sum is
 * XXH3-64 seeded with the row, so text moved to another row fails too.
 * Fields are joined with their lengths, so no two texts join alike.
 */
#include <string.h>
#include "common/common.h"
#include "catalog/catalog_internal.h"

/* A running checksum over length-prefixed fields. */
struct text_acc {
    uint64_t sum;
};

static void acc_add(struct text_acc *a, const void *p, int n)
{
    uint64_t len = (uint64_t)(n < 0 ? 0 : n);
    a->sum = lki_checksum64(&len, 8, a->sum);
    if (n > 0)
        a->sum = lki_checksum64(p, (size_t)n, a->sum);
}

/* Adds column i of st's row; 0, or LK_ENOMEM when SQLite could not give
 * the bytes (a NULL pointer for a non-empty value: out of memory, which
 * must not pass for a wrong checksum). */
static int acc_col(struct text_acc *a, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) {
        acc_add(a, "\xff", 1); /* NULL differs from "" */
        return 0;
    }
    const void *p = sqlite3_column_blob(st, i);
    int n = sqlite3_column_bytes(st, i);
    if (!p && sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
        return LK_ENOMEM;
    acc_add(a, p, n);
    return 0;
}

/* Adds the work's tags, in key order, to a. */
static int acc_tags(lk_index *ix, int64_t work, struct text_acc *a, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT key, value FROM tags WHERE work = ? ORDER BY key", &st,
                          err));
    sqlite3_bind_int64(st, 1, work);
    int rc, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW)
        bad = acc_col(a, st, 0) < 0 || acc_col(a, st, 1) < 0;
    sqlite3_finalize(st);
    if (bad)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    return rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "catalog read failed", err);
}

int lki_work_text_sum(lk_index *ix, int64_t work, uint64_t *sum, lk_errbuf *err)
{
    sqlite3_stmt *st;
    struct text_acc a = { (uint64_t)work ^ 0x574f524bULL };
    LK_TRY(lki_db_prepare(ix, "SELECT w.work_id, o.name, w.title FROM works w"
                              " LEFT JOIN owners o ON o.id = w.owner WHERE w.id = ?", &st, err));
    sqlite3_bind_int64(st, 1, work);
    int rc = sqlite3_step(st), bad = 0;
    for (int i = 0; rc == SQLITE_ROW && !bad && i < 3; i++)
        bad = acc_col(&a, st, i) < 0;
    sqlite3_finalize(st);
    if (bad)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? lki_err(err, LK_ENOENT, "%s: no work row %lld", ix->path,
                                           (long long)work)
                                 : lki_db_err(ix, rc, "catalog read failed", err);
    LK_TRY(acc_tags(ix, work, &a, err));
    *sum = a.sum;
    return 0;
}

int lki_file_text_sum(lk_index *ix, int64_t row, uint64_t *sum, lk_errbuf *err)
{
    sqlite3_stmt *st;
    struct text_acc a = { (uint64_t)row ^ 0x46494c45ULL };
    LK_TRY(lki_db_prepare(ix, "SELECT path, abs_path, format, sha256, part, work FROM files"
                              " WHERE id = ?", &st, err));
    sqlite3_bind_int64(st, 1, row);
    int rc = sqlite3_step(st), bad = 0;
    for (int i = 0; rc == SQLITE_ROW && !bad && i < 6; i++)
        bad = acc_col(&a, st, i) < 0;
    sqlite3_finalize(st);
    if (bad)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? lki_err(err, LK_ENOENT, "%s: no file row %lld", ix->path,
                                           (long long)row)
                                 : lki_db_err(ix, rc, "catalog read failed", err);
    *sum = a.sum;
    return 0;
}

/* Stores sum in table.text_sum of row. */
static int store(lk_index *ix, const char *sql, int64_t row, uint64_t sum, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, sql, &st, err));
    sqlite3_bind_int64(st, 1, (int64_t)sum);
    sqlite3_bind_int64(st, 2, row);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "catalog update failed", err);
}

int lki_work_seal(lk_index *ix, int64_t work, lk_errbuf *err)
{
    uint64_t sum;
    LK_TRY(lki_work_text_sum(ix, work, &sum, err));
    return store(ix, "UPDATE works SET text_sum = ? WHERE id = ?", work, sum, err);
}

int lki_file_seal(lk_index *ix, int64_t row, lk_errbuf *err)
{
    uint64_t sum;
    LK_TRY(lki_file_text_sum(ix, row, &sum, err));
    return store(ix, "UPDATE files SET text_sum = ? WHERE id = ?", row, sum, err);
}

/* Checks every row of one table; `what` names it in the message. */
static int check_table(lk_index *ix, const char *sql, int is_work, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, sql, &st, err));
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t row = sqlite3_column_int64(st, 0);
        uint64_t want = (uint64_t)sqlite3_column_int64(st, 1), have = 0;
        ret = is_work ? lki_work_text_sum(ix, row, &have, err)
                      : lki_file_text_sum(ix, row, &have, err);
        if (ret == 0 && have != want) {
            const unsigned char *name = sqlite3_column_text(st, 2);
            ret = lki_err(err, LK_ECORRUPT,
                          is_work ? "%s: index damaged: the text of work '%s' (id, owner, "
                                    "title or tags) fails its checksum"
                                  : "%s: index damaged: the paths of file '%s' fail their "
                                    "checksum",
                          ix->path, name ? (const char *)name : "?");
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = lki_db_err(ix, rc, "integrity check failed", err);
    sqlite3_finalize(st);
    return ret;
}

int lki_check_texts(lk_index *ix, lk_errbuf *err)
{
    LK_TRY(check_table(ix, "SELECT id, text_sum, work_id FROM works ORDER BY id", 1, err));
    return check_table(ix, "SELECT id, text_sum, path FROM files ORDER BY id", 0, err);
}
