/*
 * exchange_lossless.c — the lossless exchange format (index export
 * --format likeness): JSON Lines that carry everything a scan reads from
 * the catalog, so that export -> import into a new index -> scan gives the
 * same report.
 *
 * Layout (one JSON object per line, in catalog order):
 *   {"likeness_export":1,"feature_version":F,"params":{...}|null}
 *   {"type":"work","work_id":..,"owner":..,"title":..,"tags":["k=v",..]}
 *   {"type":"file","path":..,"abs_path":..|null,"sha256":hex,"size":..,
 *    "duration":..,"width":..,"height":..,"fps":..,"format":..|null,
 *    "imported":bool,"sampled":..,"entries":N}
 *   N x {"type":"entry","t0":..,"t1":..,"pdq":hex,"quality":..,"flags":..,
 *        "view":..[,"phash":hex][,"dhash":hex][,"style":hex]}
 *   M x {"type":"local","entry":E,"data":hex}   (the file line's "locals":
 *        M, absent for 0; E strictly increasing entry numbers of the file,
 *        data the packed set of likeness/local.h)
 *   ... more files, more works ...
 *   {"type":"end","works":W,"files":F,"entries":E}
 * Numbers are written with enough digits to read back the same double.
 * Works keep their order, files theirs, entries theirs, so the works'
 * style prototypes (recomputed from the entries on import) and the search
 * order come out the same.  Invariants of import: the header comes first
 * and its versions equal this build's; a work precedes its files; a file is
 * followed by exactly its "entries" entry lines, then its "locals" local
 * lines (dropped by an index without local features); the end line closes the
 * stream and its totals agree.  Import holds one line and one file's
 * entries in memory at a time and runs in one transaction (all or nothing).
 */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "common/hex.h"
#include "catalog/catalog_internal.h"

/* Writes o as one line and frees it; 0, LK_ENOMEM or LK_EIO. */
static int emit(FILE *fp, cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!s)
        return LK_ENOMEM;
    int bad = fprintf(fp, "%s\n", s) < 0;
    cJSON_free(s);
    return bad ? LK_EIO : 0;
}

/* Adds d as the shortest decimal that reads back as the same double
 * (cJSON's own printing accepts a neighbour within an epsilon). */
static void add_double(cJSON *o, const char *key, double d)
{
    char buf[32];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, isfinite(d) ? d : 0);
        if (strtod(buf, NULL) == d)
            break;
    }
    cJSON_AddRawToObject(o, key, buf);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : NULL;
}

static int emit_header(lk_index *ix, FILE *fp, lk_errbuf *err)
{
    lk_index_params p;
    int has = lk_index_get_params(ix, &p, err);
    LK_TRY(has);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "likeness_export", LK_EXPORT_VERSION);
    cJSON_AddNumberToObject(o, "feature_version", LK_INDEX_FEATURE_VERSION);
    if (has) {
        cJSON *q = cJSON_AddObjectToObject(o, "params");
        add_double(q, "fps", p.fps);
        cJSON_AddNumberToObject(q, "keyframes", p.keyframes);
        cJSON_AddNumberToObject(q, "scene_cuts", p.scene_cuts);
        cJSON_AddNumberToObject(q, "max_dim", p.max_dim);
        cJSON_AddNumberToObject(q, "crop_borders", p.crop_borders);
    } else {
        cJSON_AddNullToObject(o, "params");
    }
    return emit(fp, o);
}

static int emit_work(lk_index *ix, FILE *fp, sqlite3_stmt *w, lk_errbuf *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "work");
    cJSON_AddStringToObject(o, "work_id", col_text(w, 1));
    cJSON_AddStringToObject(o, "owner", col_text(w, 2));
    cJSON_AddStringToObject(o, "title", col_text(w, 3));
    cJSON *tags = cJSON_AddArrayToObject(o, "tags");
    sqlite3_stmt *st;
    int rc = lki_db_prepare(ix, "SELECT key, value FROM tags WHERE work = ? ORDER BY key", &st,
                            err);
    if (rc < 0) {
        cJSON_Delete(o);
        return rc;
    }
    sqlite3_bind_int64(st, 1, sqlite3_column_int64(w, 0));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = col_text(st, 0), *v = col_text(st, 1);
        size_t len = strlen(k ? k : "") + strlen(v ? v : "") + 2;
        char *kv = lki_malloc(len);
        if (kv)
            snprintf(kv, len, "%s=%s", k ? k : "", v ? v : "");
        cJSON_AddItemToArray(tags, cJSON_CreateString(kv ? kv : ""));
        lki_free(kv);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(o);
        return lki_db_err(ix, rc, "catalog read failed", err);
    }
    return emit(fp, o);
}

static int emit_entry(FILE *fp, const uint8_t *rec)
{
    lk_index_frame f;
    char hex[2 * LK_STYLE_BYTES + 1];
    lki_rec_decode(rec, &f);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "entry");
    add_double(o, "t0", f.t0);
    add_double(o, "t1", f.t1);
    lk_hash256_to_hex(&f.pdq, hex);
    cJSON_AddStringToObject(o, "pdq", hex);
    cJSON_AddNumberToObject(o, "quality", f.quality);
    cJSON_AddNumberToObject(o, "flags", f.flags);
    cJSON_AddNumberToObject(o, "view", f.view);
    if (f.flags & LK_ENTRY_PHASH) {
        lk_hash64_to_hex(f.phash, hex);
        cJSON_AddStringToObject(o, "phash", hex);
    }
    if (f.flags & LK_ENTRY_DHASH) {
        lk_hash64_to_hex(f.dhash, hex);
        cJSON_AddStringToObject(o, "dhash", hex);
    }
    if (f.flags & LK_ENTRY_STYLE) {
        lki_hex_encode(f.style, LK_STYLE_BYTES, hex);
        cJSON_AddStringToObject(o, "style", hex);
    }
    return emit(fp, o);
}

/* Where local lines go, and the entry number of the part's first entry. */
struct local_out {
    FILE *fp;
    uint32_t base;
};

/* Writes one local line (lki_locals_of_file callback); 0 or LK_E*. */
static int emit_local(uint32_t entry, const uint8_t *set, size_t bytes, void *ctx)
{
    const struct local_out *lo = ctx;
    char *hex = lki_malloc(2 * bytes + 1);
    if (!hex)
        return LK_ENOMEM;
    lki_hex_encode(set, bytes, hex);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "local");
    cJSON_AddNumberToObject(o, "entry", (double)lo->base + entry);
    cJSON_AddStringToObject(o, "data", hex);
    lki_free(hex);
    return emit(lo->fp, o);
}

/* The part rows of one file (a file of more than LK_INDEX_PART_ENTRIES
 * entries has several, one file to the user and in the export). */
struct parts {
    int64_t row[64];
    int64_t entries[64];
    int n;
    int64_t total, sampled, sets;
};

static int load_parts(lk_index *ix, int64_t work, const void *sha, struct parts *pt,
                      lk_errbuf *err)
{
    sqlite3_stmt *st;
    memset(pt, 0, sizeof *pt);
    LK_TRY(lki_db_prepare(ix, "SELECT id, entries, sampled FROM files WHERE work = ?1 AND"
                             " sha256 = ?2 ORDER BY part", &st, err));
    sqlite3_bind_int64(st, 1, work);
    sqlite3_bind_blob(st, 2, sha, 32, SQLITE_STATIC);
    int rc, r = 0;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (pt->n == (int)(sizeof pt->row / sizeof pt->row[0])) {
            r = lki_err(err, LK_ETOOBIG, "%s: a file of more than %d parts", ix->path, pt->n);
            break;
        }
        pt->row[pt->n] = sqlite3_column_int64(st, 0);
        pt->entries[pt->n] = sqlite3_column_int64(st, 1);
        pt->total += pt->entries[pt->n];
        pt->sampled += sqlite3_column_int64(st, 2);
        int64_t sets;
        r = lki_locals_count(ix, pt->row[pt->n], &sets, err);
        pt->sets += sets;
        pt->n++;
    }
    sqlite3_finalize(st);
    if (r == 0 && rc != SQLITE_DONE)
        r = lki_db_err(ix, rc, "catalog read failed", err);
    return r;
}

/* The entries, then the local sets, of every part of a file, in order. */
static int emit_parts(lk_index *ix, FILE *fp, const struct parts *pt, lk_errbuf *err)
{
    int rc = 0;
    for (int k = 0; rc == 0 && k < pt->n; k++) {
        uint8_t *blob;
        size_t n;
        LK_TRY(lki_load_blob(ix, pt->row[k], &blob, &n, err));
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = emit_entry(fp, blob + i * LK_REC_BYTES);
        lki_free(blob);
    }
    struct local_out lo = { fp, 0 };
    for (int k = 0; rc == 0 && pt->sets && k < pt->n; k++) {
        rc = lki_locals_of_file(ix, pt->row[k], emit_local, &lo, err);
        lo.base += (uint32_t)pt->entries[k];
    }
    return rc;
}

/* One file line (columns of the files query, its first part's row), its
 * entries and local sets. */
static int emit_file(lk_index *ix, FILE *fp, sqlite3_stmt *f, int64_t work, int64_t *entries,
                     lk_errbuf *err)
{
    struct parts pt;
    char hex[65] = "";
    if (sqlite3_column_bytes(f, 4) != 32)
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: a file without its SHA-256",
                       ix->path);
    lki_hex_encode(sqlite3_column_blob(f, 4), 32, hex);
    LK_TRY(load_parts(ix, work, sqlite3_column_blob(f, 4), &pt, err));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "file");
    cJSON_AddStringToObject(o, "path", col_text(f, 1));
    const char *abs = col_text(f, 2);
    if (abs)
        cJSON_AddStringToObject(o, "abs_path", abs);
    else
        cJSON_AddNullToObject(o, "abs_path");
    cJSON_AddStringToObject(o, "sha256", hex);
    cJSON_AddNumberToObject(o, "size", (double)sqlite3_column_int64(f, 3));
    add_double(o, "duration", sqlite3_column_double(f, 5));
    cJSON_AddNumberToObject(o, "width", sqlite3_column_int(f, 6));
    cJSON_AddNumberToObject(o, "height", sqlite3_column_int(f, 7));
    add_double(o, "fps", sqlite3_column_double(f, 8));
    const char *format = col_text(f, 9);
    if (format)
        cJSON_AddStringToObject(o, "format", format);
    else
        cJSON_AddNullToObject(o, "format");
    cJSON_AddBoolToObject(o, "imported", sqlite3_column_int(f, 10) != 0);
    cJSON_AddNumberToObject(o, "sampled", (double)pt.sampled);
    cJSON_AddNumberToObject(o, "entries", (double)pt.total);
    if (pt.sets)
        cJSON_AddNumberToObject(o, "locals", (double)pt.sets);
    int rc = emit(fp, o);
    if (rc == 0)
        rc = emit_parts(ix, fp, &pt, err);
    *entries += pt.total;
    return rc;
}

/* The files of work row `work` with their entries; counts into tot[1..2]. */
static int emit_files(lk_index *ix, FILE *fp, int64_t work, int64_t tot[3], lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT id, path, abs_path, size, sha256, duration, width,"
                             " height, fps, format, imported, sampled FROM files"
                             " WHERE work = ? AND part = 0 ORDER BY id", &st, err));
    sqlite3_bind_int64(st, 1, work);
    int rc, r = 0;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r = emit_file(ix, fp, st, work, &tot[2], err);
        tot[1]++;
    }
    sqlite3_finalize(st);
    if (r == 0 && rc != SQLITE_DONE)
        r = lki_db_err(ix, rc, "catalog read failed", err);
    return r;
}

static int emit_all(lk_index *ix, const char *work_id, FILE *fp, lk_errbuf *err)
{
    LK_TRY(emit_header(ix, fp, err));
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT w.id, w.work_id, o.name, w.title FROM works w"
                             " JOIN owners o ON o.id = w.owner"
                             " WHERE ?1 IS NULL OR w.work_id = ?1 ORDER BY w.id", &st, err));
    if (work_id)
        sqlite3_bind_text(st, 1, work_id, -1, SQLITE_STATIC);
    int64_t tot[3] = { 0, 0, 0 };
    int rc, r = 0;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        r = emit_work(ix, fp, st, err);
        if (r == 0)
            r = emit_files(ix, fp, sqlite3_column_int64(st, 0), tot, err);
        tot[0]++;
    }
    sqlite3_finalize(st);
    if (r == 0 && rc != SQLITE_DONE)
        r = lki_db_err(ix, rc, "catalog read failed", err);
    if (r == 0 && work_id && tot[0] == 0)
        r = lki_err(err, LK_ENOENT, "%s: no work %s", ix->path, work_id);
    if (r < 0)
        return r;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "end");
    cJSON_AddNumberToObject(o, "works", (double)tot[0]);
    cJSON_AddNumberToObject(o, "files", (double)tot[1]);
    cJSON_AddNumberToObject(o, "entries", (double)tot[2]);
    return emit(fp, o);
}

int lki_export_lossless(lk_index *ix, const char *work_id, FILE *fp, lk_errbuf *err)
{
    /* one read transaction: a consistent snapshot of the whole catalog */
    int own = !ix->in_txn;
    if (own)
        LK_TRY(lki_db_exec(ix, "BEGIN", err));
    int rc = emit_all(ix, work_id, fp, err);
    lk_errbuf scratch;
    if (own)
        lki_db_exec(ix, rc < 0 ? "ROLLBACK" : "COMMIT", &scratch);
    if (rc == LK_EIO)
        return lki_err(err, LK_EIO, "cannot write the export");
    if (rc == LK_ENOMEM)
        return lki_err(err, rc, "out of memory");
    return rc;
}
