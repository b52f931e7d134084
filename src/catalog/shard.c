/*
 * shard.c — lk_index_shard: an index split into read-only shards of whole
 * works, for scans whose catalogue outgrows one machine's memory.
 *
 * Each shard is written by its own connection: a fresh database, the
 * parent attached read-only (URI mode=ro), the parent's schema replayed
 * from its sqlite_schema, then meta and the owners, works, tags and files
 * of one contiguous range of work rows copied in one transaction.  Rows
 * keep their numbers, so frame blob checksums (seeded with the file row)
 * stay valid and works keep the parent's order.  The parent's generation
 * is read inside every copy transaction and must be the one planned with:
 * shards of two different states of the parent are never written.
 *
 * Invariants: shard k holds parent work rows first_row..last_row, ranges
 * are disjoint, ascending and cover every work; every shard has >= 1 work.
 * The search segment is built by opening the shard once read-write; the
 * files are then made 0444.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/common.h"
#include "likeness/shard.h"
#include "catalog/catalog_internal.h"

/* Works of the parent in row order with their entries. */
struct plan {
    int64_t *row, *entries;  /* per work */
    size_t n;                /* works */
    size_t *end;             /* per shard: one past its last work */
};

static void plan_release(struct plan *p)
{
    lki_free(p->row);
    lki_free(p->entries);
    lki_free(p->end);
    memset(p, 0, sizeof *p);
}

static int plan_push(struct plan *p, size_t *cap, int64_t row, int64_t entries)
{
    if (p->n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        int64_t *r = lki_realloc(p->row, c * sizeof *r);
        if (r)
            p->row = r;
        int64_t *e = r ? lki_realloc(p->entries, c * sizeof *e) : NULL;
        if (!e)
            return LK_ENOMEM;
        p->entries = e, *cap = c;
    }
    p->row[p->n] = row, p->entries[p->n++] = entries;
    return 0;
}

static int load_works(lk_index *ix, struct plan *p, lk_errbuf *err)
{
    sqlite3_stmt *st;
    size_t cap = 0;
    LK_TRY(lki_db_prepare(ix, "SELECT w.id, (SELECT coalesce(sum(entries), 0) FROM files"
                          " WHERE work = w.id) FROM works w ORDER BY w.id", &st, err));
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ret = plan_push(p, &cap, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (ret < 0)
        return lki_err(err, ret, "%s: out of memory", ix->path);
    return rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "cannot list the works", err);
}

/* Cuts the works into k contiguous ranges: shard s ends at the work after
 * which the running total of entries is nearest (s+1)/k of the total,
 * leaving at least one work for every later shard. */
static void plan_cut(struct plan *p, int k)
{
    int64_t total = 0, cum = 0;
    for (size_t i = 0; i < p->n; i++)
        total += p->entries[i];
    size_t w = 0;
    for (int s = 0; s < k; s++) {
        size_t last = p->n - (size_t)(k - 1 - s); /* one past the last work allowed */
        double target = (double)total * (s + 1) / k;
        cum += p->entries[w++];
        while (w < last && (s == k - 1 || (double)cum + p->entries[w] / 2.0 < target))
            cum += p->entries[w++];
        p->end[s] = w;
    }
}

/* Runs sql with ?1, ?2 bound to the row range (when it has them). */
static int exec_range(lk_index *t, const char *sql, int64_t lo, int64_t hi, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(t, sql, &st, err));
    if (sqlite3_bind_parameter_count(st) >= 2) {
        sqlite3_bind_int64(st, 1, lo);
        sqlite3_bind_int64(st, 2, hi);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : lki_db_err(t, rc, "cannot write", err);
}

/* Replays the parent's schema into the shard (tables before indexes). */
static int copy_schema(lk_index *t, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(t, "SELECT sql FROM src.sqlite_schema WHERE sql IS NOT NULL AND"
                          " name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid", &st, err));
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ret = lki_db_exec(t, (const char *)sqlite3_column_text(st, 0), err);
    sqlite3_finalize(st);
    return ret < 0 ? ret : rc == SQLITE_DONE ? 0 : lki_db_err(t, rc, "cannot read", err);
}

static const char *const copy_sql[] = {
    "INSERT INTO main.meta SELECT * FROM src.meta",
    "INSERT INTO main.owners SELECT * FROM src.owners WHERE id IN"
    " (SELECT owner FROM src.works WHERE id BETWEEN ?1 AND ?2)",
    "INSERT INTO main.works SELECT * FROM src.works WHERE id BETWEEN ?1 AND ?2",
    "INSERT INTO main.tags SELECT * FROM src.tags WHERE work BETWEEN ?1 AND ?2",
    "INSERT INTO main.files SELECT * FROM src.files WHERE work BETWEEN ?1 AND ?2",
    NULL,
};

static const char copy_locals_sql[] =
    "INSERT INTO main.locals SELECT * FROM src.locals WHERE file IN"
    " (SELECT id FROM src.files WHERE work BETWEEN ?1 AND ?2)";

/* The shard's own meta: a new id, where it comes from, which part it is. */
static int shard_meta(lk_index *t, const char *parent, int k, int n, lk_errbuf *err)
{
    char uuid[33], sql[512];
    lki_make_uuid(uuid);
    snprintf(sql, sizeof sql,
             "UPDATE main.meta SET value = '%s' WHERE key = 'index_uuid';"
             "INSERT INTO main.meta(key, value) VALUES('shard_of', '%s'),"
             " ('shard_of_generation', (SELECT value FROM src.meta WHERE key = 'generation')),"
             " ('shard', '%d/%d')", uuid, parent, k + 1, n);
    return lki_db_exec(t, sql, err);
}

/* The copy transaction of shard k into t (parent attached as src). */
static int copy_shard(lk_index *t, const struct plan *p, int k, int n, const lk_index *ix,
                      uint64_t generation, lk_errbuf *err)
{
    int64_t lo = p->row[k ? p->end[k - 1] : 0], hi = p->row[p->end[k] - 1], g = -1;
    LK_TRY(lki_db_exec(t, "BEGIN", err));
    int rc = copy_schema(t, err);
    for (int i = 0; rc == 0 && copy_sql[i]; i++)
        rc = exec_range(t, copy_sql[i], lo, hi, err);
    if (rc == 0 && lk_index_has_locals(ix)) /* rows keep their ids: checksums hold */
        rc = exec_range(t, copy_locals_sql, lo, hi, err);
    if (rc == 0)
        rc = shard_meta(t, ix->uuid, k, n, err);
    if (rc == 0 && (rc = lki_meta_get_int(t, "generation", &g, err)) >= 0 &&
        (uint64_t)g != generation)
        rc = lki_err(err, LK_ESTATE, "%s: the index changed while it was sharded; run "
                     "'likeness index shard' again", ix->path);
    if (rc >= 0)
        return lki_db_exec(t, "COMMIT", err);
    sqlite3_exec(t->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Creates the database of shard k at path and fills it. */
static int write_db(const char *path, const struct plan *p, int k, int n, lk_index *ix,
                    uint64_t generation, lk_errbuf *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 || errno != ENOENT)
        return lki_err(err, LK_EEXIST, "%s: already exists", path);
    lk_index t = { .path = (char *)path };
    char *uri = lki_db_uri(ix->path, "?mode=ro");
    if (!uri)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", path);
    int rc = sqlite3_open_v2(path, &t.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_URI, NULL);
    rc = rc == SQLITE_OK ? 0 : lki_db_err(&t, rc, "cannot create the shard", err);
    sqlite3_stmt *st = NULL;
    if (rc == 0) {
        sqlite3_busy_timeout(t.db, 10000);
        rc = lki_db_prepare(&t, "ATTACH ?1 AS src", &st, err);
    }
    if (rc == 0) {
        sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        rc = r == SQLITE_DONE ? 0 : lki_db_err(&t, r, "cannot read the index", err);
    }
    sqlite3_finalize(st);
    if (rc == 0)
        rc = copy_shard(&t, p, k, n, ix, generation, err);
    sqlite3_close(t.db);
    lki_free(uri);
    return rc;
}

/* Opens the written shard once to build its segment, reads its totals. */
static int finish_shard(const char *path, lk_shard_info *info, lk_errbuf *err)
{
    lk_index *s = NULL;
    lk_index_stats st;
    const lk_hash256 *h;
    size_t n;
    int rc = lk_index_open(&s, path, 0, err);
    if (rc == 0)
        rc = lk_index_hashes(s, &h, &n, err);
    if (rc == 0)
        rc = lk_index_stats_get(s, &st, err);
    if (rc == 0) {
        memcpy(info->uuid, s->uuid, sizeof info->uuid);
        info->generation = st.generation;
        info->works = st.works, info->files = st.files, info->entries = st.entries;
    }
    lk_index_close(&s);
    if (rc == 0 && chmod(path, 0444) != 0)
        rc = lki_err(err, lki_err_from_errno(errno), "%s: %s", path, strerror(errno));
    char *seg = rc == 0 ? lki_concat(path, "-seg") : NULL;
    if (rc == 0 && (!seg || chmod(seg, 0444) != 0))
        rc = lki_err(err, seg ? lki_err_from_errno(errno) : LK_ENOMEM, "%s-seg: %s", path,
                     seg ? strerror(errno) : "out of memory");
    lki_free(seg);
    return rc;
}

/* Removes what a failed call wrote of shard path. */
static void remove_shard(const char *path)
{
    static const char *const ext[] = { "", "-seg", "-journal", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        char *f = lki_concat(path, ext[i]);
        if (f)
            unlink(f);
        lki_free(f);
    }
}

LK_API int lk_index_shard(lk_index *ix, int nshards, const char *const *paths,
                          lk_shard_info *info, lk_errbuf *err)
{
    lk_index_stats st;
    struct plan p = { 0 };
    if (!ix || !paths || !info || nshards < 1 || nshards > LK_SHARDS_MAX)
        return lki_err(err, LK_EINVAL, "invalid number of shards");
    LK_TRY(lk_index_stats_get(ix, &st, err));
    int rc = load_works(ix, &p, err);
    if (rc == 0 && (size_t)nshards > p.n)
        rc = lki_err(err, LK_EINVAL, "%s: %d shards but %zu work%s: every shard needs one",
                     ix->path, nshards, p.n, p.n == 1 ? "" : "s");
    if (rc == 0 && !(p.end = lki_calloc((size_t)nshards, sizeof *p.end)))
        rc = lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    if (rc == 0)
        plan_cut(&p, nshards);
    int k = 0;
    for (; rc == 0 && k < nshards; k++) {
        memset(&info[k], 0, sizeof info[k]);
        info[k].first_row = p.row[k ? p.end[k - 1] : 0];
        info[k].last_row = p.row[p.end[k] - 1];
        rc = write_db(paths[k], &p, k, nshards, ix, st.generation, err);
        if (rc == 0)
            rc = finish_shard(paths[k], &info[k], err);
        if (rc < 0 && rc != LK_EEXIST)
            remove_shard(paths[k]);
    }
    for (int i = 0; rc < 0 && i < k - 1; i++)
        remove_shard(paths[i]);
    plan_release(&p);
    return rc;
}
