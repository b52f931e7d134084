/*
 * works.c — adding, renaming, removing and listing works and their files,
 * and reading frame blobs back (checksum-verified).
 *
 * Invariants kept by every write: a file is one or more part rows (part
 * 0, 1, ... of at most LK_INDEX_PART_ENTRIES entries, sharing path,
 * content hash, duration and size; their `sampled` add up to the file's);
 * a file row's frames blob holds exactly `entries` records and its
 * checksum column is lki_blob_checksum of it; works.text_sum and
 * files.text_sum are their text checksums (textsum.c); a
 * work's style column is the mean of its entries' style descriptors
 * followed by their 1..LK_STYLE_PROTOS prototypes (lk_style_prototypes),
 * 192 bytes each (NULL when no entry has a style); every change of the frames bumps meta.generation in
 * the same transaction, which is what makes a segment stale.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common.h"
#include "likeness/local.h"
#include "catalog/catalog_internal.h"

/* Runs a prepared statement that returns no rows, then finalizes it. */
static int step_done(lk_index *ix, sqlite3_stmt *st, const char *what, lk_errbuf *err)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, what, err);
}

/* Row id of the first column of a one-row query, 0 if no row. */
static int query_id(lk_index *ix, sqlite3_stmt *st, int64_t *id, lk_errbuf *err)
{
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "catalog read failed", err);
}

int lki_check_work(const lk_index *ix, const lk_index_work *w, lk_errbuf *err)
{
    size_t n = w->work_id ? strlen(w->work_id) : 0;
    if (n == 0 || n > LK_WORK_ID_MAX)
        return lki_err(err, LK_EINVAL, "%s: a work id must have 1 to %d characters", ix->path,
                      LK_WORK_ID_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w->work_id[i] <= ' ' || (unsigned char)w->work_id[i] >= 127)
            return lki_err(err, LK_EINVAL, "%s: work id '%s' has a space or non-ASCII character",
                          ix->path, w->work_id);
    if (!w->owner || !*w->owner)
        return lki_err(err, LK_EINVAL, "%s: work '%s': the owner must not be empty", ix->path,
                      w->work_id);
    if (!w->title || !*w->title)
        return lki_err(err, LK_EINVAL, "%s: work '%s': the title must not be empty", ix->path,
                      w->work_id);
    for (int i = 0; i < w->ntags; i++) {
        const char *eq = strchr(w->tags[i], '=');
        if (!eq || eq == w->tags[i])
            return lki_err(err, LK_EINVAL, "%s: tag '%s' is not key=value", ix->path, w->tags[i]);
    }
    return 0;
}

static int owner_row(lk_index *ix, const char *name, int64_t *id, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "INSERT OR IGNORE INTO owners(name) VALUES(?)", &st, err));
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    LK_TRY(step_done(ix, st, "cannot add the owner", err));
    LK_TRY(lki_db_prepare(ix, "SELECT id FROM owners WHERE name = ?", &st, err));
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return query_id(ix, st, id, err);
}

static int insert_tags(lk_index *ix, int64_t work, const lk_index_work *w, lk_errbuf *err)
{
    for (int i = 0; i < w->ntags; i++) {
        const char *eq = strchr(w->tags[i], '=');
        sqlite3_stmt *st;
        LK_TRY(lki_db_prepare(ix, "INSERT OR REPLACE INTO tags(work, key, value) VALUES(?,?,?)",
                             &st, err));
        sqlite3_bind_int64(st, 1, work);
        sqlite3_bind_text(st, 2, w->tags[i], (int)(eq - w->tags[i]), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, eq + 1, -1, SQLITE_STATIC);
        LK_TRY(step_done(ix, st, "cannot add a tag", err));
    }
    return 0;
}

/* Finds or creates the work; *row is its id. */
static int work_row(lk_index *ix, const lk_index_work *w, int64_t *row, lk_errbuf *err)
{
    int64_t owner, have_owner = 0;
    LK_TRY(owner_row(ix, w->owner, &owner, err));
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT id, owner FROM works WHERE work_id = ?", &st, err));
    sqlite3_bind_text(st, 1, w->work_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *row = sqlite3_column_int64(st, 0);
        have_owner = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return have_owner == owner ? 0
               : lki_err(err, LK_EEXIST, "%s: work '%s' belongs to another owner", ix->path,
                        w->work_id);
    if (rc != SQLITE_DONE)
        return lki_db_err(ix, rc, "catalog read failed", err);
    LK_TRY(lki_db_prepare(ix, "INSERT INTO works(work_id, owner, title, added) VALUES(?,?,?,?)",
                         &st, err));
    sqlite3_bind_text(st, 1, w->work_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, owner);
    sqlite3_bind_text(st, 3, w->title, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
    LK_TRY(step_done(ix, st, "cannot add the work", err));
    *row = sqlite3_last_insert_rowid(ix->db);
    return insert_tags(ix, *row, w, err);
}

LK_API int lk_index_has_content(lk_index *ix, const uint8_t sha256[32], char *work_id,
                                lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT w.work_id FROM files f JOIN works w ON w.id = f.work "
                             "WHERE f.sha256 = ?", &st, err));
    sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st), ret = 0;
    if (rc == SQLITE_ROW) {
        ret = 1;
        if (work_id)
            snprintf(work_id, LK_WORK_ID_MAX + 1, "%s", sqlite3_column_text(st, 0));
    } else if (rc != SQLITE_DONE) {
        ret = lki_db_err(ix, rc, "catalog read failed", err);
    }
    sqlite3_finalize(st);
    return ret;
}

/* Inserts one part of a file: its row with blob, blob checksum and text
 * checksum. */
static int insert_part(lk_index *ix, int64_t work, const lk_index_file *f, int64_t part,
                       int64_t sampled, const uint8_t *blob, size_t n, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix,
        "INSERT INTO files(work, path, size, sha256, duration, width, height, fps, format,"
        " imported, sampled, entries, frames, checksum, abs_path, part)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?)",
        &st, err));
    sqlite3_bind_int64(st, 1, work);
    sqlite3_bind_text(st, 2, f->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, f->size);
    sqlite3_bind_blob(st, 4, f->sha256, 32, SQLITE_STATIC);
    sqlite3_bind_double(st, 5, f->duration > 0 ? f->duration : 0);
    sqlite3_bind_int(st, 6, f->width);
    sqlite3_bind_int(st, 7, f->height);
    sqlite3_bind_double(st, 8, f->fps > 0 ? f->fps : 0);
    if (f->format)
        sqlite3_bind_text(st, 9, f->format, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 10, f->imported != 0);
    sqlite3_bind_int64(st, 11, sampled);
    sqlite3_bind_int64(st, 12, (int64_t)n);
    sqlite3_bind_blob64(st, 13, blob, (sqlite3_uint64)n * LK_REC_BYTES, SQLITE_STATIC);
    /* the absolute path, so that a scan from another directory finds the
     * media again (NULL for imported hashes or when it cannot be resolved) */
    char *abs = f->abs_path || f->imported ? NULL : realpath(f->path, NULL);
    if (f->abs_path && *f->abs_path) /* given (a lossless import): kept as is */
        sqlite3_bind_text(st, 14, f->abs_path, -1, SQLITE_TRANSIENT);
    else if (abs)
        sqlite3_bind_text(st, 14, abs, -1, free);
    sqlite3_bind_int64(st, 15, part);
    int rc = step_done(ix, st, "cannot add the file", err);
    LK_TRY(rc);
    int64_t row = sqlite3_last_insert_rowid(ix->db);
    LK_TRY(lki_db_prepare(ix, "UPDATE files SET checksum = ? WHERE id = ?", &st, err));
    sqlite3_bind_int64(st, 1, (int64_t)lki_blob_checksum(blob, n, row));
    sqlite3_bind_int64(st, 2, row);
    LK_TRY(step_done(ix, st, "cannot add the file", err));
    return lki_file_seal(ix, row, err);
}

/* Style descriptors of a work's entries, gathered for update_style. */
struct style_acc {
    uint8_t *v;       /* n * LK_STYLE_BYTES bytes */
    size_t n, cap;    /* descriptors held, room for */
};

/* Appends the style of every style-carrying record of blob to a. */
static int gather_styles(struct style_acc *a, const uint8_t *blob, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *rec = blob + i * LK_REC_BYTES;
        if (!(rec[65] & LK_ENTRY_STYLE))
            continue;
        if (a->n == a->cap) {
            size_t cap = a->cap ? 2 * a->cap : 256;
            uint8_t *v = lki_realloc(a->v, cap * LK_STYLE_BYTES);
            if (!v)
                return LK_ENOMEM;
            a->v = v, a->cap = cap;
        }
        memcpy(a->v + a->n++ * LK_STYLE_BYTES, rec + 68, LK_STYLE_BYTES);
    }
    return 0;
}

/* Reads the styles of every file of `work` into a. */
static int load_styles(lk_index *ix, int64_t work, struct style_acc *a, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT id FROM files WHERE work = ?", &st, err));
    sqlite3_bind_int64(st, 1, work);
    int rc, r = 0;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint8_t *blob;
        size_t n;
        r = lki_load_blob(ix, sqlite3_column_int64(st, 0), &blob, &n, err);
        if (r == 0 && (r = gather_styles(a, blob, n)) < 0)
            lki_err(err, r, "%s: out of memory", ix->path);
        lki_free(blob);
    }
    sqlite3_finalize(st);
    if (r == 0 && rc != SQLITE_DONE)
        r = lki_db_err(ix, rc, "catalog read failed", err);
    return r;
}

/* works.style = the mean of the entries' styles, then their prototypes
 * (1..LK_STYLE_PROTOS); NULL when no entry has a style. */
static int store_style(lk_index *ix, int64_t work, const struct style_acc *a, lk_errbuf *err)
{
    uint8_t blob[(1 + LK_STYLE_PROTOS) * LK_STYLE_BYTES];
    int np = 0;
    if (a->n) {
        uint64_t sum[LK_STYLE_BYTES] = { 0 };
        for (size_t i = 0; i < a->n; i++)
            for (int k = 0; k < LK_STYLE_BYTES; k++)
                sum[k] += a->v[i * LK_STYLE_BYTES + k];
        for (int k = 0; k < LK_STYLE_BYTES; k++)
            blob[k] = (uint8_t)((sum[k] + a->n / 2) / a->n);
        np = lk_style_prototypes(a->v, a->n, LK_STYLE_PROTOS, blob + LK_STYLE_BYTES);
        if (np < 0)
            return lki_err(err, np, "%s: out of memory", ix->path);
    }
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "UPDATE works SET style = ? WHERE id = ?", &st, err));
    if (np)
        sqlite3_bind_blob(st, 1, blob, (1 + np) * LK_STYLE_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, work);
    return step_done(ix, st, "cannot update the work", err);
}

/* Recomputes works.style of `work` from all its files' entries. */
static int update_style(lk_index *ix, int64_t work, lk_errbuf *err)
{
    struct style_acc a = { 0 };
    int rc = load_styles(ix, work, &a, err);
    if (rc == 0)
        rc = store_style(ix, work, &a, err);
    lki_free(a.v);
    return rc;
}

int lki_add_begin(lk_index *ix, const lk_index_work *w, const lk_index_file *f, int64_t *work,
                  lk_errbuf *err)
{
    char have[LK_WORK_ID_MAX + 1];
    int rc = lk_index_has_content(ix, f->sha256, have, err);
    LK_TRY(rc);
    if (rc)
        return lki_err(err, LK_EEXIST, "%s: content already indexed in work %s", f->path, have);
    LK_TRY(work_row(ix, w, work, err));
    return lki_work_seal(ix, *work, err);
}

int lki_add_part(lk_index *ix, int64_t work, const lk_index_file *f, int64_t part,
                 int64_t sampled, const lk_index_frame *frames, size_t n, size_t first,
                 lk_errbuf *err)
{
    if (LK_NEVER(n > LK_INDEX_PART_ENTRIES))
        return lki_err(err, LK_ETOOBIG, "%s: too many entries in one part", f->path);
    uint8_t *blob = lki_malloc((n ? n : 1) * LK_REC_BYTES);
    if (!blob)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", f->path);
    for (size_t i = 0; i < n; i++) {
        lk_errbuf why;
        int rc = lki_rec_check(&frames[i], &why);
        if (rc < 0) {
            lki_free(blob);
            return lki_err(err, rc, "%s: entry %zu: %s", f->path, first + i, why.msg);
        }
        lki_rec_encode(&frames[i], blob + i * LK_REC_BYTES);
    }
    int rc = insert_part(ix, work, f, part, sampled, blob, n, err);
    lki_free(blob);
    return rc;
}

int lki_add_end(lk_index *ix, int64_t work, lk_errbuf *err)
{
    LK_TRY(update_style(ix, work, err));
    return lki_bump_generation(ix, err);
}

struct add_ctx {
    const lk_index_work *w;
    const lk_index_file *f;
    const lk_index_frame *frames;
    size_t n;
    const lk_index_local *locals; /* sorted by entry */
    size_t nlocals;
};

/* Stores the local sets of entries [at, at + k) of the file against the
 * part just inserted (entry numbers inside that part). */
static int add_part_locals(lk_index *ix, const struct add_ctx *c, size_t at, size_t k,
                           lk_errbuf *err)
{
    size_t a = 0, b;
    while (a < c->nlocals && c->locals[a].entry < at)
        a++;
    for (b = a; b < c->nlocals && c->locals[b].entry < at + k; b++)
        ;
    if (a == b)
        return 0;
    int64_t row = sqlite3_last_insert_rowid(ix->db);
    lk_index_local *v = lki_malloc((b - a) * sizeof *v);
    if (!v)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", c->f->path);
    for (size_t i = a; i < b; i++)
        v[i - a] = c->locals[i], v[i - a].entry -= (uint32_t)at;
    int rc = lki_locals_insert(ix, row, v, b - a, err);
    lki_free(v);
    return rc;
}

/* Sampled frames credited to entries [a, b) of n: shares that add up to
 * the file's count exactly. */
static int64_t sampled_share(int64_t total, size_t a, size_t b, size_t n)
{
    return n ? (int64_t)((double)total * (double)b / (double)n) -
                   (int64_t)((double)total * (double)a / (double)n)
             : total;
}

static int add_fn(lk_index *ix, void *vctx, lk_errbuf *err)
{
    struct add_ctx *c = vctx;
    int64_t work = 0, total = c->f->sampled > 0 ? c->f->sampled : (int64_t)c->n;
    LK_TRY(lki_add_begin(ix, c->w, c->f, &work, err));
    size_t at = 0;
    int64_t part = 0;
    do {
        size_t k = LK_MIN(c->n - at, (size_t)LK_INDEX_PART_ENTRIES);
        LK_TRY(lki_add_part(ix, work, c->f, part++, sampled_share(total, at, at + k, c->n),
                            c->frames + at, k, at, err));
        LK_TRY(add_part_locals(ix, c, at, k, err));
        at += k;
    } while (at < c->n);
    return lki_add_end(ix, work, err);
}

/* Checks the local sets given with a file of n entries. */
static int check_locals(const lk_index_local *v, size_t nv, size_t n, const char *path,
                        lk_errbuf *err)
{
    lk_local_features lf = { 0 };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nv; i++) {
        if (v[i].entry >= n || (i && v[i].entry <= v[i - 1].entry) || !v[i].data ||
            v[i].bytes > UINT32_MAX || lk_local_unpack(v[i].data, v[i].bytes, &lf) < 0)
            rc = lki_err(err, LK_EINVAL, "%s: local features of entry %u are invalid", path,
                         v[i].entry);
    }
    lk_local_features_release(&lf);
    return rc;
}

LK_API int lk_index_add_file(lk_index *ix, const lk_index_work *w, const lk_index_file *f,
                             const lk_index_frame *frames, size_t n, lk_errbuf *err)
{
    return lk_index_add_file_locals(ix, w, f, frames, n, NULL, 0, err);
}

LK_API int lk_index_add_file_locals(lk_index *ix, const lk_index_work *w,
                                    const lk_index_file *f, const lk_index_frame *frames,
                                    size_t n, const lk_index_local *locals, size_t nlocals,
                                    lk_errbuf *err)
{
    LK_TRY(lki_check_work(ix, w, err));
    if (!f->path)
        return lki_err(err, LK_EINVAL, "%s: a file needs a path", ix->path);
    LK_TRY(check_locals(locals, nlocals, n, f->path, err));
    if (n > UINT32_MAX)
        return lki_err(err, LK_ETOOBIG, "%s: too many entries", f->path);
    for (size_t i = 0; i < n; i++) {
        lk_errbuf why;
        int rc = lki_rec_check(&frames[i], &why);
        if (rc < 0)
            return lki_err(err, rc, "%s: entry %zu: %s", f->path, i, why.msg);
    }
    struct add_ctx c = { w, f, frames, n, locals, nlocals };
    int rc = lki_db_write(ix, add_fn, &c, err);
    /* a catalog failure (full disk, busy, I/O) names the index; name the
     * file being added too */
    if (rc < 0 && err && !strstr(err->msg, f->path)) {
        char msg[LK_ERRMSG_MAX];
        memcpy(msg, err->msg, sizeof msg);
        lki_err(err, rc, "%s (adding %s)", msg, f->path);
    }
    return rc;
}

int lki_load_blob(lk_index *ix, int64_t row, uint8_t **blob, size_t *n, lk_errbuf *err)
{
    sqlite3_stmt *st;
    *blob = NULL;
    *n = 0;
    LK_TRY(lki_db_prepare(ix, "SELECT entries, frames, checksum, path FROM files WHERE id = ?",
                         &st, err));
    sqlite3_bind_int64(st, 1, row);
    int rc = sqlite3_step(st), ret = 0;
    if (rc != SQLITE_ROW) {
        ret = rc == SQLITE_DONE
                  ? lki_err(err, LK_ENOENT, "%s: no file row %lld", ix->path, (long long)row)
                  : lki_db_err(ix, rc, "catalog read failed", err);
        sqlite3_finalize(st);
        return ret;
    }
    int64_t entries = sqlite3_column_int64(st, 0);
    const void *data = sqlite3_column_blob(st, 1);
    size_t bytes = (size_t)sqlite3_column_bytes(st, 1);
    uint64_t sum = (uint64_t)sqlite3_column_int64(st, 2);
    const char *path = (const char *)sqlite3_column_text(st, 3);
    /* the count is checked by division: a product could wrap (2^62 more
     * entries than the blob holds would multiply to the same size) */
    if (entries < 0 || entries > LK_INDEX_PART_ENTRIES || bytes % LK_REC_BYTES ||
        (uint64_t)entries != bytes / LK_REC_BYTES ||
        lki_blob_checksum(data, (size_t)entries, row) != sum) {
        ret = lki_err(err, LK_ECORRUPT, "%s: index damaged: frames of file %lld (%s) fail their "
                     "checksum", ix->path, (long long)row, path ? path : "?");
    } else if (!(*blob = lki_malloc(bytes))) {
        ret = lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    } else {
        if (bytes)
            memcpy(*blob, data, bytes);
        *n = (size_t)entries;
    }
    sqlite3_finalize(st);
    return ret;
}

struct rename_ctx {
    const char *old_id, *new_id;
};

static int rename_fn(lk_index *ix, void *vctx, lk_errbuf *err)
{
    struct rename_ctx *c = vctx;
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "UPDATE works SET work_id = ? WHERE work_id = ?", &st, err));
    sqlite3_bind_text(st, 1, c->new_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->old_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return lki_err(err, LK_EEXIST, "%s: work '%s' already exists", ix->path, c->new_id);
    if (rc != SQLITE_DONE)
        return lki_db_err(ix, rc, "cannot rename the work", err);
    if (sqlite3_changes(ix->db) == 0)
        return lki_err(err, LK_ENOENT, "%s: no work '%s'", ix->path, c->old_id);
    int64_t row = 0;
    LK_TRY(lki_db_prepare(ix, "SELECT id FROM works WHERE work_id = ?", &st, err));
    sqlite3_bind_text(st, 1, c->new_id, -1, SQLITE_STATIC);
    LK_TRY(query_id(ix, st, &row, err));
    return lki_work_seal(ix, row, err);
}

LK_API int lk_index_rename_work(lk_index *ix, const char *old_id, const char *new_id,
                                lk_errbuf *err)
{
    lk_index_work w = { .work_id = new_id, .owner = "-", .title = "-" };
    LK_TRY(lki_check_work(ix, &w, err));
    if (!strcmp(old_id, new_id))
        return 0;
    struct rename_ctx c = { old_id, new_id };
    return lki_db_write(ix, rename_fn, &c, err);
}

static int remove_fn(lk_index *ix, void *vctx, lk_errbuf *err)
{
    const char *id = vctx;
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "DELETE FROM works WHERE work_id = ?", &st, err));
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return lki_db_err(ix, rc, "cannot remove the work", err);
    if (sqlite3_changes(ix->db) == 0)
        return lki_err(err, LK_ENOENT, "%s: no work '%s'", ix->path, id);
    LK_TRY(lki_db_exec(ix, "DELETE FROM owners WHERE id NOT IN (SELECT owner FROM works)", err));
    return lki_bump_generation(ix, err);
}

LK_API int lk_index_remove_work(lk_index *ix, const char *work_id, lk_errbuf *err)
{
    return lki_db_write(ix, remove_fn, (void *)work_id, err);
}
