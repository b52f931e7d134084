/*
 * verify.c — `verify` and `vacuum`: a full check of the catalog (SQLite's
 * own integrity check, foreign keys, every frame blob's checksum and every
 * entry's invariants, works' style columns, the checksums of every work's
 * and file's text) and of the derived segment,
 * and reclaiming space.
 */
#include <string.h>
#include "common/common.h"
#include "catalog/catalog_internal.h"

/* Runs a PRAGMA check whose good answer is one row "ok" (or no rows when
 * ok_text is NULL: a row is then the damage `bad`, naming the row's first
 * column). */
static int sql_check(lk_index *ix, const char *sql, const char *ok_text, const char *bad,
                     lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, sql, &st, err));
    int rc = sqlite3_step(st), ret = 0;
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!ok_text)
            ret = lki_err(err, LK_ECORRUPT, "%s: index damaged: %s (%s)", ix->path, bad,
                          t ? t : "?");
        else if (!t || strcmp(t, ok_text))
            ret = lki_err(err, LK_ECORRUPT, "%s: index damaged: %s", ix->path, t ? t : "?");
    } else if (rc != SQLITE_DONE) {
        ret = lki_db_err(ix, rc, "integrity check failed", err);
    }
    sqlite3_finalize(st);
    return ret;
}

/* Every file row: blob checksum, entry invariants, column sanity. */
static int check_files(lk_index *ix, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT id, path, length(sha256), sampled, entries, duration"
                             " FROM files "
                             "ORDER BY id", &st, err));
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t row = sqlite3_column_int64(st, 0);
        const char *path = (const char *)sqlite3_column_text(st, 1);
        double duration = sqlite3_column_double(st, 5);
        if (sqlite3_column_int(st, 2) != 32 || sqlite3_column_int64(st, 3) < 0 ||
            sqlite3_column_int64(st, 4) > LK_INDEX_PART_ENTRIES ||
            !(duration >= 0 && duration <= LK_INDEX_TIME_MAX)) {
            ret = lki_err(err, LK_ECORRUPT, "%s: index damaged: bad columns in file %lld (%s)",
                         ix->path, (long long)row, path ? path : "?");
            break;
        }
        uint8_t *blob;
        size_t n;
        ret = lki_load_blob(ix, row, &blob, &n, err);
        for (size_t i = 0; ret == 0 && i < n; i++) {
            lk_index_frame f;
            lki_rec_decode(blob + i * LK_REC_BYTES, &f);
            if (lki_rec_check(&f, err) < 0)
                ret = lki_err(err, LK_ECORRUPT, "%s: index damaged: file %lld (%s) entry %zu: %s",
                             ix->path, (long long)row, path ? path : "?", i, err->msg);
        }
        lki_free(blob);
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = lki_db_err(ix, rc, "integrity check failed", err);
    sqlite3_finalize(st);
    return ret;
}

_Static_assert(LK_VIEW_COUNT == 4, "update the entries-per-sampled-frame check");

/* works.style: the mean and 1..LK_STYLE_PROTOS prototypes, 192 bytes each. */
_Static_assert(LK_STYLE_BYTES == 192 && LK_STYLE_PROTOS == 8, "update the style length check");

static int check_meta(lk_index *ix, lk_errbuf *err)
{
    int64_t g;
    int rc = lki_meta_get_int(ix, "generation", &g, err);
    LK_TRY(rc);
    if (rc == 0 || g < 0)
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: no generation counter", ix->path);
    lk_index_params p;
    LK_TRY(lk_index_get_params(ix, &p, err));
    return sql_check(ix, "SELECT work_id FROM works WHERE style IS NOT NULL AND "
                         "(length(style) % 192 != 0 OR length(style) < 384 OR "
                         "length(style) > 1728) "
                         "OR length(work_id) = 0", NULL, "bad style or id of a work", err);
}

LK_API int lk_index_verify(lk_index *ix, int *repairs, lk_errbuf *err)
{
    lk_errbuf local;
    if (!err)
        err = &local;
    if (repairs)
        *repairs = 0;
    lki_index_forget(ix);
    LK_TRY(sql_check(ix, "PRAGMA integrity_check(1)", "ok", NULL, err));
    LK_TRY(sql_check(ix, "PRAGMA foreign_key_check", NULL, "a file or tag names a missing work",
                     err));
    LK_TRY(check_meta(ix, err));
    LK_TRY(check_files(ix, err));
    /* each sampled frame gives at most one entry per view, in all the
     * parts of a file together; parts are numbered 0, 1, ... */
    LK_TRY(sql_check(ix, "SELECT path FROM files GROUP BY sha256 HAVING"
                         " sum(sampled) * 4 < sum(entries) OR min(part) != 0 OR"
                         " max(part) + 1 != count(*) OR count(DISTINCT work) != 1", NULL,
                         "bad entry counts or parts of a file", err));
    LK_TRY(lki_check_texts(ix, err));
    LK_TRY(lki_locals_check(ix, err));
    int rc = lki_segfile_check(ix, err);
    LK_TRY(rc);
    if (rc == 1) {
        char why[LK_ERRMSG_MAX];
        memcpy(why, err->msg, sizeof why);
        if (repairs)
            (*repairs)++;
        const char *what = "; not rebuilt (read-only)";
        if (!(ix->flags & LK_INDEX_READONLY)) {
            /* A segment that cannot be written (full disk, read-only
             * directory) is rebuilt in memory: the index still verifies. */
            lk_errbuf werr;
            int wrc = lki_segfile_rebuild(ix, &werr);
            if (wrc < 0 && !ix->seg.valid)
                return lki_err(err, wrc, "%s", werr.msg);
            what = wrc < 0 ? "; rebuilt in memory only (cannot write it)" : "; rebuilt";
        }
        size_t keep = LK_MIN(strlen(why), sizeof err->msg - strlen(what) - 1);
        memcpy(err->msg, why, keep);
        memcpy(err->msg + keep, what, strlen(what) + 1);
        err->code = 0;
    }
    return 0;
}

LK_API int lk_index_vacuum(lk_index *ix, lk_errbuf *err)
{
    if (ix->in_txn)
        return lki_err(err, LK_ESTATE, "%s: cannot vacuum inside a transaction", ix->path);
    if (ix->flags & LK_INDEX_READONLY)
        return lki_err(err, LK_EROFS, "%s: index opened read-only", ix->path);
    lki_index_forget(ix);
    LK_TRY(lki_db_exec(ix, "VACUUM", err));
    LK_TRY(lki_db_exec(ix, "PRAGMA wal_checkpoint(TRUNCATE)", err));
    return lki_segfile_rebuild(ix, err);
}
