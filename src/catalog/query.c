/*
 * query.c — reading the catalog: listing works and a work's files, totals,
 * a work's style, walking entries, and the record behind a search
 * position.  Every frame blob read here is checksum-verified first
 * (lki_load_blob).
 */
#include <string.h>
#include <sys/stat.h>
#include "common/common.h"
#include "catalog/catalog_internal.h"

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

LK_API int lk_index_list(lk_index *ix, int (*fn)(const lk_index_work_info *w, void *ctx),
                         void *ctx, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix,
        "SELECT w.id, w.work_id, o.name, w.title,"
        " (SELECT group_concat(key || '=' || value, ', ') FROM tags WHERE work = w.id),"
        " coalesce(sum(f.part = 0), 0), coalesce(sum(f.entries), 0),"
        " coalesce(sum(f.sampled), 0), coalesce(sum(CASE f.part WHEN 0 THEN f.duration END), 0)"
        " FROM works w JOIN owners o ON o.id = w.owner LEFT JOIN files f ON f.work = w.id"
        " GROUP BY w.id ORDER BY o.name, w.title, w.work_id", &st, err));
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lk_index_work_info w = {
            .row = sqlite3_column_int64(st, 0), .work_id = col_text(st, 1),
            .owner = col_text(st, 2), .title = col_text(st, 3), .tags = col_text(st, 4),
            .files = sqlite3_column_int64(st, 5), .entries = sqlite3_column_int64(st, 6),
            .sampled = sqlite3_column_int64(st, 7), .duration = sqlite3_column_double(st, 8),
        };
        if ((ret = fn(&w, ctx)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = lki_db_err(ix, rc, "cannot list works", err);
    sqlite3_finalize(st);
    return ret;
}

/* The file record in the current row of st (columns of work_files). */
static lk_index_file file_row(sqlite3_stmt *st)
{
    lk_index_file f = {
        .path = col_text(st, 0), .size = sqlite3_column_int64(st, 1),
        .duration = sqlite3_column_double(st, 3), .width = sqlite3_column_int(st, 4),
        .height = sqlite3_column_int(st, 5), .fps = sqlite3_column_double(st, 6),
        .format = col_text(st, 7), .imported = sqlite3_column_int(st, 8),
        .sampled = sqlite3_column_int64(st, 9),
    };
    if (sqlite3_column_bytes(st, 2) == (int)sizeof f.sha256)
        memcpy(f.sha256, sqlite3_column_blob(st, 2), sizeof f.sha256);
    return f;
}

LK_API int lk_index_work_files(lk_index *ix, const char *work_id,
                               int (*fn)(const lk_index_file *f, int64_t entries, void *ctx),
                               void *ctx, lk_errbuf *err)
{
    sqlite3_stmt *st;
    uint8_t style[LK_STYLE_BYTES];
    LK_TRY(lk_index_work_style(ix, work_id, style, err)); /* LK_ENOENT for no such work */
    LK_TRY(lki_db_prepare(ix,
        "SELECT f.path, f.size, f.sha256, f.duration, f.width, f.height, f.fps, f.format,"
        " f.imported, f.sampled, f.entries FROM files f JOIN works w ON w.id = f.work"
        " WHERE w.work_id = ? ORDER BY f.id", &st, err));
    sqlite3_bind_text(st, 1, work_id, -1, SQLITE_STATIC);
    int rc, ret = 0, n = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        lk_index_file f = file_row(st);
        ret = fn(&f, sqlite3_column_int64(st, 10), ctx);
        n++;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = lki_db_err(ix, rc, "catalog read failed", err);
    sqlite3_finalize(st);
    return ret != 0 ? ret : n;
}

/* Adds the size of file path+suffix (0 if absent) to *total; 0 or
 * LK_ENOMEM. */
static int add_file_bytes(const char *path, const char *suffix, int64_t *total)
{
    char *name = lki_concat(path, suffix);
    struct stat sb;
    if (!name)
        return LK_ENOMEM;
    if (stat(name, &sb) == 0)
        *total += (int64_t)sb.st_size;
    lki_free(name);
    return 0;
}

LK_API int lk_index_stats_get(lk_index *ix, lk_index_stats *s, lk_errbuf *err)
{
    memset(s, 0, sizeof *s);
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix,
        "SELECT (SELECT count(*) FROM works), (SELECT count(*) FROM owners),"
        " coalesce(sum(part = 0), 0), coalesce(sum(entries), 0), coalesce(sum(sampled), 0)"
        " FROM files",
        &st, err));
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->works = sqlite3_column_int64(st, 0);
        s->owners = sqlite3_column_int64(st, 1);
        s->files = sqlite3_column_int64(st, 2);
        s->entries = sqlite3_column_int64(st, 3);
        s->sampled = sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return lki_db_err(ix, rc, "cannot read totals", err);
    int64_t v = 0;
    LK_TRY(lki_meta_get_int(ix, "generation", &v, err));
    s->generation = (uint64_t)v;
    LK_TRY(lki_meta_get_int(ix, "feature_version", &v, err));
    s->feature_version = (int)v;
    LK_TRY(lki_meta_get_int(ix, "format_version", &v, err));
    s->format_version = (int)v;
    LK_TRY(s->has_params = lk_index_get_params(ix, &s->params, err));
    if (add_file_bytes(ix->path, "", &s->catalog_bytes) < 0 ||
        add_file_bytes(ix->path, "-wal", &s->catalog_bytes) < 0 ||
        add_file_bytes(ix->path, "-seg", &s->segment_bytes) < 0)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    memcpy(s->index_uuid, ix->uuid, sizeof s->index_uuid);
    return 0;
}

/* Reads the works.style blob of work_id (its mean descriptor, then 1 to
 * LK_STYLE_PROTOS prototypes) and copies up to max descriptors, after
 * skipping the first `skip`, into out; returns how many were copied, 0
 * when the work has no style, or < 0. */
static int read_style(lk_index *ix, const char *work_id, int skip, int max, uint8_t *out,
                      lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT style FROM works WHERE work_id = ?", &st, err));
    sqlite3_bind_text(st, 1, work_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), ret;
    if (rc == SQLITE_ROW) {
        int bytes = sqlite3_column_bytes(st, 0), n = bytes / LK_STYLE_BYTES;
        if (bytes % LK_STYLE_BYTES || (bytes && (n < 2 || n > 1 + LK_STYLE_PROTOS))) {
            ret = lki_err(err, LK_ECORRUPT, "%s: index damaged: style of work '%s'", ix->path,
                          work_id);
        } else {
            ret = LK_MAX(0, LK_MIN(n - skip, max));
            if (ret)
                memcpy(out, (const uint8_t *)sqlite3_column_blob(st, 0) +
                                (size_t)skip * LK_STYLE_BYTES, (size_t)ret * LK_STYLE_BYTES);
        }
    } else {
        ret = rc == SQLITE_DONE ? lki_err(err, LK_ENOENT, "%s: no work '%s'", ix->path, work_id)
                                : lki_db_err(ix, rc, "catalog read failed", err);
    }
    sqlite3_finalize(st);
    return ret;
}

LK_API int lk_index_work_style(lk_index *ix, const char *work_id,
                               uint8_t style[LK_STYLE_BYTES], lk_errbuf *err)
{
    return read_style(ix, work_id, 0, 1, style, err);
}

LK_API int lk_index_work_prototypes(lk_index *ix, const char *work_id,
                                    uint8_t protos[LK_STYLE_PROTOS][LK_STYLE_BYTES],
                                    lk_errbuf *err)
{
    return read_style(ix, work_id, 1, LK_STYLE_PROTOS, &protos[0][0], err);
}

/* Walks the entries of the file in the current row of st. */
static int walk_file(lk_index *ix, sqlite3_stmt *st, int (*fn)(const lk_index_entry *, void *),
                     void *ctx, lk_errbuf *err)
{
    lk_index_entry e = {
        .file_row = sqlite3_column_int64(st, 0), .work_row = sqlite3_column_int64(st, 1),
        .work_id = col_text(st, 2), .owner = col_text(st, 3), .title = col_text(st, 4),
        .file = col_text(st, 5), .file_duration = sqlite3_column_double(st, 6),
        .file_imported = sqlite3_column_int(st, 7),
    };
    if (sqlite3_column_bytes(st, 8) == 32)
        memcpy(e.file_sha256, sqlite3_column_blob(st, 8), 32);
    uint8_t *blob;
    size_t n;
    if (!(e.file_duration >= 0 && e.file_duration <= LK_INDEX_TIME_MAX))
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: file %lld has duration %g",
                       ix->path, (long long)e.file_row, e.file_duration);
    LK_TRY(lki_load_blob(ix, e.file_row, &blob, &n, err));
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        lk_errbuf why;
        e.number = (uint32_t)i;
        lki_rec_decode(blob + i * LK_REC_BYTES, &e.frame);
        if (lki_rec_check(&e.frame, &why) < 0)
            ret = lki_err(err, LK_ECORRUPT, "%s: index damaged: entry %zu of file %lld: %s",
                          ix->path, i, (long long)e.file_row, why.msg);
        else
            ret = fn(&e, ctx);
    }
    lki_free(blob);
    return ret;
}

LK_API int lk_index_foreach(lk_index *ix, const char *work_id,
                            int (*fn)(const lk_index_entry *e, void *ctx), void *ctx,
                            lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix,
        "SELECT f.id, w.id, w.work_id, o.name, w.title, f.path, f.duration, f.imported,"
        " f.sha256 FROM files f"
        " JOIN works w ON w.id = f.work JOIN owners o ON o.id = w.owner"
        " WHERE ?1 IS NULL OR w.work_id = ?1 ORDER BY f.id", &st, err));
    if (work_id)
        sqlite3_bind_text(st, 1, work_id, -1, SQLITE_STATIC);
    int rc, ret = 0, any = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        any = 1;
        ret = walk_file(ix, st, fn, ctx, err);
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = lki_db_err(ix, rc, "catalog read failed", err);
    sqlite3_finalize(st);
    if (ret == 0 && !any && work_id) {
        uint8_t style[LK_STYLE_BYTES];
        int r = lk_index_work_style(ix, work_id, style, err);
        if (r < 0)
            return r;
    }
    return ret;
}

/* Loads file row `row` and its work's strings into the entry cache. */
static int fill_cache(lk_index *ix, int64_t row, lk_errbuf *err)
{
    lk_entry_cache *c = &ix->cache;
    lki_entry_cache_clear(c);
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix,
        "SELECT w.id, w.work_id, o.name, w.title, f.path, f.duration, f.imported, f.abs_path,"
        " f.sha256, f.fps, f.width, f.height FROM files f"
        " JOIN works w ON w.id = f.work JOIN owners o ON o.id = w.owner WHERE f.id = ?",
        &st, err));
    sqlite3_bind_int64(st, 1, row);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c->work_row = sqlite3_column_int64(st, 0);
        c->work_id = lki_strdup(col_text(st, 1));
        c->owner = lki_strdup(col_text(st, 2));
        c->title = lki_strdup(col_text(st, 3));
        c->path = lki_strdup(col_text(st, 4));
        c->duration = sqlite3_column_double(st, 5);
        c->imported = sqlite3_column_int(st, 6);
        c->abs_path = lki_strdup(col_text(st, 7));
        memset(c->sha256, 0, sizeof c->sha256);
        if (sqlite3_column_bytes(st, 8) == (int)sizeof c->sha256)
            memcpy(c->sha256, sqlite3_column_blob(st, 8), sizeof c->sha256);
        c->fps = sqlite3_column_double(st, 9);
        c->width = sqlite3_column_int(st, 10);
        c->height = sqlite3_column_int(st, 11);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return lki_err(err, LK_ECORRUPT, "%s: search segment names file %lld, which the "
                      "catalog lacks; run 'likeness index verify'", ix->path, (long long)row);
    if (rc != SQLITE_ROW)
        return lki_db_err(ix, rc, "catalog read failed", err);
    if (!c->work_id || !c->owner || !c->title || !c->path || !c->abs_path)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    if (!(c->duration >= 0 && c->duration <= LK_INDEX_TIME_MAX))
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: file %lld has duration %g; run "
                      "'likeness index verify'", ix->path, (long long)row, c->duration);
    LK_TRY(lki_load_blob(ix, row, &c->blob, &c->n, err));
    c->file_row = row;
    c->loaded = 1;
    return 0;
}

LK_API int lk_index_entry_at(lk_index *ix, size_t pos, lk_index_entry *out, lk_errbuf *err)
{
    if (!ix->seg.valid)
        LK_TRY(lki_segfile_load(ix, err));
    if (pos >= ix->seg.n)
        return lki_err(err, LK_EINVAL, "%s: search position %zu out of range", ix->path, pos);
    int64_t row = ix->seg.refs[2 * pos];
    uint32_t num = ix->seg.refs[2 * pos + 1];
    if (!ix->cache.loaded || ix->cache.file_row != row)
        LK_TRY(fill_cache(ix, row, err));
    lk_entry_cache *c = &ix->cache;
    if (num >= c->n)
        return lki_err(err, LK_ECORRUPT, "%s: search segment names entry %u of file %lld, "
                      "which has %zu; run 'likeness index verify'", ix->path, num,
                      (long long)row, c->n);
    memset(out, 0, sizeof *out);
    lki_rec_decode(c->blob + (size_t)num * LK_REC_BYTES, &out->frame);
    lk_errbuf why;
    if (lki_rec_check(&out->frame, &why) < 0)
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: entry %u of file %lld: %s; run "
                      "'likeness index verify'", ix->path, num, (long long)row, why.msg);
    if (memcmp(&out->frame.pdq, &ix->seg.hashes[pos], sizeof(lk_hash256)))
        return lki_err(err, LK_ECORRUPT, "%s: search segment disagrees with the catalog at "
                      "position %zu; run 'likeness index verify'", ix->path, pos);
    out->work_id = c->work_id;
    out->owner = c->owner;
    out->title = c->title;
    out->file = c->path;
    out->file_abs = c->abs_path[0] ? c->abs_path : NULL;
    out->file_duration = c->duration;
    out->file_imported = c->imported;
    memcpy(out->file_sha256, c->sha256, sizeof out->file_sha256);
    out->file_fps = c->fps;
    out->file_width = c->width, out->file_height = c->height;
    out->work_row = c->work_row;
    out->file_row = row;
    out->number = num;
    return 0;
}

LK_API int lk_index_hashes(lk_index *ix, const lk_hash256 **hashes, size_t *n, lk_errbuf *err)
{
    if (!ix->seg.valid)
        LK_TRY(lki_segfile_load(ix, err));
    *hashes = ix->seg.hashes;
    *n = ix->seg.n;
    return 0;
}
