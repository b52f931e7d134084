/*
 * catalog.c — opening, creating and closing an index; the SQLite
 * boundary (result codes to LK_E*), the meta table, parameters and
 * transactions.
 *
 * Durability: WAL with synchronous=FULL.  Adds are few, large
 * transactions, so the fsync per commit costs nothing measurable, and a
 * work reported as added survives a power cut, not only a process crash
 * (NORMAL would only guarantee consistency there, possibly losing the
 * last commits).
 *
 * Invariants: a new index is built in a temporary file and linked into
 * place (common/atomic_file.h), so PATH is either absent or a complete
 * likeness catalog; an existing empty or truncated PATH is therefore
 * damage, never "new".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "common/common.h"
#include "common/atomic_file.h"
#include "common/hex.h"
#include "catalog/catalog_internal.h"

static const char *const schema =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE owners(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE works(id INTEGER PRIMARY KEY, work_id TEXT NOT NULL UNIQUE,"
    " owner INTEGER NOT NULL REFERENCES owners(id), title TEXT NOT NULL,"
    " added INTEGER NOT NULL, style BLOB, text_sum INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE tags(work INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(work, key)) WITHOUT ROWID;"
    "CREATE TABLE files(id INTEGER PRIMARY KEY,"
    " work INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,"
    " path TEXT NOT NULL, abs_path TEXT, size INTEGER NOT NULL, sha256 BLOB NOT NULL,"
    " duration REAL NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,"
    " fps REAL NOT NULL, format TEXT, imported INTEGER NOT NULL, sampled INTEGER NOT NULL,"
    " entries INTEGER NOT NULL, frames BLOB NOT NULL, checksum INTEGER NOT NULL,"
    " part INTEGER NOT NULL DEFAULT 0, text_sum INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE(sha256, part));"
    "CREATE INDEX files_work ON files(work);"
    "CREATE INDEX works_owner ON works(owner);"
    LKI_LOCALS_SCHEMA;

int lki_db_err(lk_index *ix, int rc, const char *what, lk_errbuf *err)
{
    int code;
    int sys = ix->db ? sqlite3_system_errno(ix->db) : 0;
    /* callers pass failures only; a success here would report "not an error" */
    if (LK_NEVER(rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE))
        rc = SQLITE_ERROR;
    switch (rc & 0xff) {
    case SQLITE_FULL: code = LK_ENOSPC; break;
    case SQLITE_READONLY: code = LK_EROFS; break;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: code = LK_ECORRUPT; break;
    case SQLITE_NOMEM: code = LK_ENOMEM; break;
    case SQLITE_PERM: case SQLITE_AUTH: code = LK_EACCES; break;
    case SQLITE_CONSTRAINT: code = LK_EEXIST; break;
    case SQLITE_IOERR: code = sys == ENOSPC ? LK_ENOSPC : LK_EIO; break;
    case SQLITE_CANTOPEN: code = sys ? lki_err_from_errno(sys) : LK_EIO; break;
    case SQLITE_BUSY: case SQLITE_LOCKED: code = LK_EBUSY; break;
    default: code = LK_EDB; break;
    }
    if (code == LK_EACCES && sys == EROFS)
        code = LK_EROFS;
    const char *msg = ix->db ? sqlite3_errmsg(ix->db) : sqlite3_errstr(rc);
    if (code == LK_ECORRUPT)
        return lki_err(err, code, "%s: %s: index damaged (%s); run 'likeness index verify'",
                      ix->path, what, msg);
    if (sys && (code == LK_ENOSPC || code == LK_EIO))
        return lki_err(err, code, "%s: %s: %s (%s)", ix->path, what, msg, strerror(sys));
    if (code == LK_EBUSY)
        return lki_err(err, code, "%s: %s: the index is in use by another process (waited %d s "
                       "for it)", ix->path, what, ix->busy_ms / 1000);
    return lki_err(err, code, "%s: %s: %s", ix->path, what, msg);
}

int lki_db_prepare(lk_index *ix, const char *sql, sqlite3_stmt **st, lk_errbuf *err)
{
    int rc = sqlite3_prepare_v2(ix->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK)
        return lki_db_err(ix, rc, "cannot read the catalog", err);
    return 0;
}

int lki_db_exec(lk_index *ix, const char *sql, lk_errbuf *err)
{
    int rc = sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return lki_db_err(ix, rc, "catalog update failed", err);
    return 0;
}

int lki_meta_get_int(lk_index *ix, const char *key, int64_t *v, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT value FROM meta WHERE key = ?", &st, err));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), ret = 0;
    if (rc == SQLITE_ROW) {
        *v = sqlite3_column_int64(st, 0);
        ret = 1;
    } else if (rc != SQLITE_DONE) {
        ret = lki_db_err(ix, rc, "cannot read the catalog", err);
    }
    sqlite3_finalize(st);
    return ret;
}

static int meta_set(lk_index *ix, const char *key, const char *text, int64_t v, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, err));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (text)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, v);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "catalog update failed", err);
}

int lki_meta_set_int(lk_index *ix, const char *key, int64_t v, lk_errbuf *err)
{
    return meta_set(ix, key, NULL, v, err);
}

/* Index-wide statistics kept for other stages live under this prefix, so
 * they can never overwrite the catalog's own meta values. */
static int stat_key_ok(const char *key)
{
    return key && strncmp(key, "stat.", 5) == 0 && strlen(key) < 64;
}

LK_API int lk_index_stat_get(lk_index *ix, const char *key, char *buf, size_t n, lk_errbuf *err)
{
    if (!stat_key_ok(key) || !buf || n == 0)
        return lki_err(err, LK_EINVAL, "%s: bad statistic key", ix->path);
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT value FROM meta WHERE key = ?", &st, err));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), ret = 0;
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        size_t len = v ? strlen((const char *)v) : 0;
        if (len >= n)
            ret = lki_err(err, LK_ETOOBIG, "%s: statistic '%s' too long", ix->path, key);
        else
            memcpy(buf, v ? (const char *)v : "", len + 1), ret = 1;
    } else if (rc != SQLITE_DONE) {
        ret = lki_db_err(ix, rc, "cannot read the catalog", err);
    }
    sqlite3_finalize(st);
    return ret;
}

LK_API int lk_index_stat_put(lk_index *ix, const char *key, const char *value, lk_errbuf *err)
{
    if (!stat_key_ok(key) || !value)
        return lki_err(err, LK_EINVAL, "%s: bad statistic key", ix->path);
    if (ix->flags & LK_INDEX_READONLY)
        return lki_err(err, LK_EROFS, "%s: index opened read-only", ix->path);
    return meta_set(ix, key, value, 0, err);
}

int lki_bump_generation(lk_index *ix, lk_errbuf *err)
{
    int64_t g = 0;
    LK_TRY(lki_meta_get_int(ix, "generation", &g, err));
    return lki_meta_set_int(ix, "generation", g + 1, err);
}

static int begin(lk_index *ix, lk_errbuf *err)
{
    if (ix->flags & LK_INDEX_READONLY)
        return lki_err(err, LK_EROFS, "%s: index opened read-only", ix->path);
    int rc = sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return lki_db_err(ix, rc, "cannot start writing", err);
    return 0;
}

static int commit(lk_index *ix, lk_errbuf *err)
{
    int rc = sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        int code = lki_db_err(ix, rc, "cannot commit", err);
        if (!sqlite3_get_autocommit(ix->db))
            sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return code;
    }
    return 0;
}

int lki_db_write(lk_index *ix, int (*fn)(lk_index *, void *, lk_errbuf *), void *ctx,
                lk_errbuf *err)
{
    lki_index_forget(ix);
    if (ix->in_txn)
        return fn(ix, ctx, err);
    LK_TRY(begin(ix, err));
    int rc = fn(ix, ctx, err);
    if (rc < 0) {
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    int c = commit(ix, err);
    return c < 0 ? c : rc;
}

LK_API int lk_index_begin(lk_index *ix, lk_errbuf *err)
{
    if (ix->in_txn)
        return lki_err(err, LK_ESTATE, "%s: a transaction is already open", ix->path);
    LK_TRY(begin(ix, err));
    ix->in_txn = 1;
    return 0;
}

LK_API int lk_index_snapshot(lk_index *ix, lk_errbuf *err)
{
    sqlite3_stmt *st;
    if (ix->in_txn || !sqlite3_get_autocommit(ix->db))
        return lki_err(err, LK_ESTATE, "%s: a transaction is already open", ix->path);
    LK_TRY(lki_db_exec(ix, "BEGIN", err));
    /* a deferred transaction takes its snapshot at the first read */
    int rc = lki_db_prepare(ix, "SELECT count(*) FROM meta", &st, err);
    if (rc == 0) {
        int step = sqlite3_step(st);
        if (step != SQLITE_ROW)
            rc = lki_db_err(ix, step, "cannot read the catalog", err);
        sqlite3_finalize(st);
    }
    if (rc < 0)
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

LK_API int lk_index_commit(lk_index *ix, lk_errbuf *err)
{
    if (!ix->in_txn)
        return lki_err(err, LK_ESTATE, "%s: no transaction is open", ix->path);
    ix->in_txn = 0;
    return commit(ix, err);
}

LK_API void lk_index_rollback(lk_index *ix)
{
    if (!ix->in_txn)
        return;
    ix->in_txn = 0;
    sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
    lki_index_forget(ix);
}

void lki_entry_cache_clear(lk_entry_cache *c)
{
    lk_freep(&c->blob);
    lk_freep(&c->work_id);
    lk_freep(&c->owner);
    lk_freep(&c->title);
    lk_freep(&c->path);
    lk_freep(&c->abs_path);
    memset(c, 0, sizeof *c); /* count, rows and flags too: nothing stale survives */
}

void lki_index_forget(lk_index *ix)
{
    lki_segfile_release(&ix->seg);
    lki_entry_cache_clear(&ix->cache);
}

/* Random hex id for a new index (its segment must match it). */
void lki_make_uuid(char out[33])
{
    uint8_t b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof b) {
        uint64_t x = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)time(NULL);
        for (int i = 0; i < 16; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
            b[i] = (uint8_t)(x >> 56);
    }
    lki_hex_encode(b, sizeof b, out);
}

/* Writes schema and meta into the fresh database at ix->db. */
static int init_schema(lk_index *ix, lk_errbuf *err)
{
    char uuid[33];
    lki_make_uuid(uuid);
    LK_TRY(lki_db_exec(ix, "PRAGMA journal_mode=WAL", err));
    LK_TRY(lki_db_exec(ix, "BEGIN IMMEDIATE", err));
    int rc = lki_db_exec(ix, schema, err);
    if (rc == 0)
        rc = lki_meta_set_int(ix, "format_version", LK_INDEX_FORMAT_VERSION, err);
    if (rc == 0)
        rc = lki_meta_set_int(ix, "feature_version", LK_INDEX_FEATURE_VERSION, err);
    if (rc == 0)
        rc = lki_meta_set_int(ix, "generation", 0, err);
    if (rc == 0)
        rc = lki_meta_set_int(ix, "collapse_distance", LK_INDEX_COLLAPSE_DISTANCE, err);
    if (rc == 0)
        rc = meta_set(ix, "index_uuid", uuid, 0, err);
    if (rc == 0)
        rc = lki_db_exec(ix, "COMMIT", err);
    return rc;
}

/* Creates a complete empty index at path: SQLite builds it in a temporary
 * file beside it, which is synced and linked into place, never over an
 * index another process created meanwhile (that one is then used).  The
 * writer's descriptor stays open until SQLite has closed the file, so
 * closing it cannot drop SQLite's POSIX locks. */
static int create_index(const char *path, lk_errbuf *err)
{
    lki_afile af;
    LK_TRY(lki_afile_open(&af, path, 0644, LKI_AFILE_NOREPLACE, "the index", err));
    lk_index t = { .path = (char *)path };
    int rc = sqlite3_open_v2(af.tmp, &t.db, SQLITE_OPEN_READWRITE, NULL);
    rc = rc == SQLITE_OK ? init_schema(&t, err)
                         : lki_db_err(&t, rc, "cannot create the index", err);
    sqlite3_close(t.db);
    if (rc < 0) {
        lki_afile_abort(&af);
        return rc;
    }
    rc = lki_afile_commit(&af, err);
    return rc == LK_EEXIST ? 0 : rc;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Cheap checks of an existing file before SQLite sees it: not empty, a
 * SQLite header, not shorter than the header says (when no WAL). */
static int check_file(const char *path, const struct stat *sb, lk_errbuf *err)
{
    if (S_ISDIR(sb->st_mode))
        return lki_err(err, LK_EISDIR, "%s: is a directory, not an index", path);
    if (sb->st_size == 0)
        return lki_err(err, LK_ECORRUPT, "%s: empty file: index damaged (truncated)", path);
    uint8_t h[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lki_err(err, lki_err_from_errno(errno), "%s: %s", path, strerror(errno));
    ssize_t got = read(fd, h, sizeof h);
    close(fd);
    if (got < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16))
        return lki_err(err, LK_ECORRUPT, "%s: not a likeness index (no catalog header)", path);
    uint32_t psize = (uint32_t)h[16] << 8 | h[17];
    if (psize == 1)
        psize = 65536;
    uint64_t need = (uint64_t)be32(h + 28) * psize;
    char *wal = lki_concat(path, "-wal");
    struct stat ws;
    if (!wal)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", path);
    int has_wal = stat(wal, &ws) == 0 && ws.st_size > 0;
    lki_free(wal);
    if (!has_wal && be32(h + 24) == be32(h + 92) && need > (uint64_t)sb->st_size)
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: truncated (%lld of %llu bytes)",
                      path, (long long)sb->st_size, (unsigned long long)need);
    return 0;
}

/* Reads a text meta value into buf; 1 found, 0 missing, < 0 error. */
static int meta_get_text(lk_index *ix, const char *key, char *buf, size_t n, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT value FROM meta WHERE key = ?", &st, err));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), ret = 0;
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(buf, n, "%s", t ? (const char *)t : "");
        ret = 1;
    } else if (rc != SQLITE_DONE) {
        ret = lki_db_err(ix, rc, "cannot read the catalog", err);
    }
    sqlite3_finalize(st);
    return ret;
}

/* 1 if the database has a table of that name, 0 if not, < 0 on error
 * (SQLITE_NOTADB and the like, mapped by lki_db_err). */
static int has_table(lk_index *ix, const char *name, lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                          &st, err));
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    return lki_db_err(ix, rc, "cannot read the catalog", err);
}

/* Is this a likeness catalog of this build's versions? */
static int check_versions(lk_index *ix, lk_errbuf *err)
{
    int64_t fmt = 0, feat = 0;
    int rc = has_table(ix, "meta", err);
    LK_TRY(rc);
    if (rc == 0)
        return lki_err(err, LK_EFORMAT, "%s: not a likeness index (no catalog tables)", ix->path);
    LK_TRY(rc = lki_meta_get_int(ix, "format_version", &fmt, err));
    if (rc == 0)
        return lki_err(err, LK_EFORMAT, "%s: not a likeness index (no format version)", ix->path);
    LK_TRY(rc = lki_meta_get_int(ix, "feature_version", &feat, err));
    if ((fmt != LK_INDEX_FORMAT_VERSION && fmt != LK_INDEX_FORMAT_NO_LOCAL) ||
        feat != LK_INDEX_FEATURE_VERSION)
        return lki_err(err, LK_EVERSION,
                      "%s: index made with format %lld, features %lld; this likeness reads "
                      "format %d (or %d, without local features), features %d: rebuild the "
                      "index",
                      ix->path, (long long)fmt, (long long)feat, LK_INDEX_FORMAT_VERSION,
                      LK_INDEX_FORMAT_NO_LOCAL, LK_INDEX_FEATURE_VERSION);
    ix->format = (int)fmt;
    LK_TRY(rc = meta_get_text(ix, "index_uuid", ix->uuid, sizeof ix->uuid, err));
    if (rc == 0 || strlen(ix->uuid) != 32)
        return lki_err(err, LK_ECORRUPT, "%s: index damaged: bad index id", ix->path);
    return 0;
}

/* How long a write waits for another process's transaction: long enough
 * for a concurrent `add` of a work (one transaction) to finish;
 * $LIKENESS_BUSY_TIMEOUT (seconds) overrides it, for tests. */
static int busy_ms(void)
{
    const char *env = getenv("LIKENESS_BUSY_TIMEOUT");
    long s = env && *env ? strtol(env, NULL, 10) : LK_INDEX_BUSY_TIMEOUT;
    return s < 0 ? 0 : s > 86400 ? 86400000 : (int)s * 1000;
}

static int configure(lk_index *ix, lk_errbuf *err)
{
    ix->busy_ms = busy_ms();
    sqlite3_busy_timeout(ix->db, ix->busy_ms);
    sqlite3_extended_result_codes(ix->db, 1);
    LK_TRY(lki_db_exec(ix, "PRAGMA foreign_keys=ON", err));
    if (!(ix->flags & LK_INDEX_READONLY))
        LK_TRY(lki_db_exec(ix, "PRAGMA synchronous=FULL", err));
    return check_versions(ix, err);
}

static int dup_paths(lk_index *ix, const char *path)
{
    ix->path = lki_strdup(path);
    ix->seg_path = lki_concat(path, "-seg");
    return ix->path && ix->seg_path ? 0 : LK_ENOMEM;
}

char *lki_db_uri(const char *path, const char *query)
{
    size_t qn = strlen(query) + 1;
    char *u = lki_malloc(3 * strlen(path) + qn + 8);
    if (!u)
        return NULL;
    char *q = u + sprintf(u, "%s", path[0] == '/' ? "file://" : "file:");
    for (const char *p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#') {
            *q++ = '%';
            lki_hex_encode(p, 1, q);
            q += 2;
        } else {
            *q++ = *p;
        }
    }
    memcpy(q, query, qn);
    return u;
}

static int open_db(lk_index *ix, lk_errbuf *err)
{
    int ro = (ix->flags & LK_INDEX_READONLY) != 0;
    int rc = sqlite3_open_v2(ix->path, &ix->db,
                             ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK)
        return lki_db_err(ix, rc, "cannot open the index", err);
    rc = configure(ix, err);
    if (rc < 0 && ro && (err ? err->code : rc) != LK_EVERSION) {
        /* A read-only directory without the -shm file: read the file as
         * immutable (nobody can be writing it there). */
        char *uri = lki_db_uri(ix->path, "?immutable=1");
        sqlite3_close(ix->db);
        ix->db = NULL;
        if (!uri)
            return lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
        rc = sqlite3_open_v2(uri, &ix->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
        lki_free(uri);
        if (rc != SQLITE_OK)
            return lki_db_err(ix, rc, "cannot open the index", err);
        rc = configure(ix, err);
    }
    return rc;
}

LK_API int lk_index_open(lk_index **out, const char *path, unsigned flags, lk_errbuf *err)
{
    *out = NULL;
    if (!path || !*path)
        return lki_err(err, LK_EINVAL, "no index path given");
    struct stat sb;
    if (stat(path, &sb) < 0) {
        int e = errno;
        if (e != ENOENT || !(flags & LK_INDEX_CREATE) || (flags & LK_INDEX_READONLY))
            return lki_err(err, lki_err_from_errno(e), "%s: %s", path,
                          e == ENOENT ? "no such index" : strerror(e));
        LK_TRY(create_index(path, err));
        if (stat(path, &sb) < 0)
            return lki_err(err, lki_err_from_errno(errno), "%s: %s", path, strerror(errno));
    }
    LK_TRY(check_file(path, &sb, err));
    lk_index *ix = lki_calloc(1, sizeof *ix);
    if (!ix || dup_paths(ix, path) < 0) {
        lk_index_close(&ix);
        return lki_err(err, LK_ENOMEM, "%s: out of memory", path);
    }
    ix->flags = flags;
    int rc = open_db(ix, err);
    if (rc < 0) {
        lk_index_close(&ix);
        return rc;
    }
    *out = ix;
    return 0;
}

LK_API void lk_index_close(lk_index **pix)
{
    lk_index *ix = *pix;
    if (!ix)
        return;
    lk_index_rollback(ix);
    lki_index_forget(ix);
    sqlite3_close(ix->db);
    lki_free(ix->path);
    lki_free(ix->seg_path);
    lki_free(ix);
    *pix = NULL;
}

LK_API const char *lk_index_path(const lk_index *ix)
{
    return ix->path;
}

LK_API int lk_index_get_params(lk_index *ix, lk_index_params *p, lk_errbuf *err)
{
    int64_t fps_mhz = 0, v[4];
    static const char *const keys[4] = { "keyframes", "scene_cuts", "max_dim", "crop_borders" };
    int rc = lki_meta_get_int(ix, "fps_millihz", &fps_mhz, err);
    if (rc <= 0)
        return rc;
    for (int i = 0; i < 4; i++)
        if ((rc = lki_meta_get_int(ix, keys[i], &v[i], err)) <= 0)
            return rc < 0 ? rc : lki_err(err, LK_ECORRUPT, "%s: index damaged: no %s parameter",
                                        ix->path, keys[i]);
    p->fps = (double)fps_mhz / 1000.0;
    p->keyframes = (int)v[0];
    p->scene_cuts = (int)v[1];
    p->max_dim = (int)v[2];
    p->crop_borders = (int)v[3];
    return 1;
}

static int64_t fps_key(double fps)
{
    return fps <= 0 ? 0 : (int64_t)(fps * 1000.0 + 0.5);
}

static int store_params(lk_index *ix, void *ctx, lk_errbuf *err)
{
    const lk_index_params *p = ctx;
    LK_TRY(lki_meta_set_int(ix, "fps_millihz", fps_key(p->fps), err));
    LK_TRY(lki_meta_set_int(ix, "keyframes", p->keyframes, err));
    LK_TRY(lki_meta_set_int(ix, "scene_cuts", p->scene_cuts, err));
    LK_TRY(lki_meta_set_int(ix, "max_dim", p->max_dim, err));
    return lki_meta_set_int(ix, "crop_borders", p->crop_borders, err);
}

LK_API int lk_index_bind_params(lk_index *ix, const lk_index_params *p, lk_errbuf *err)
{
    lk_index_params have;
    int rc = lk_index_get_params(ix, &have, err);
    LK_TRY(rc);
    if (rc == 0)
        return lki_db_write(ix, store_params, (void *)p, err);
    if (fps_key(have.fps) == fps_key(p->fps) && have.keyframes == p->keyframes &&
        have.scene_cuts == p->scene_cuts && have.max_dim == p->max_dim &&
        have.crop_borders == p->crop_borders)
        return 0;
    return lki_err(err, LK_EVERSION,
                  "%s: index made with fps %g, keyframes %d, scene cuts %d, max-dim %d, crop %d;"
                  " refusing fps %g, keyframes %d, scene cuts %d, max-dim %d, crop %d",
                  ix->path, have.fps, have.keyframes, have.scene_cuts, have.max_dim,
                  have.crop_borders, p->fps <= 0 ? 0 : p->fps, p->keyframes, p->scene_cuts,
                  p->max_dim, p->crop_borders);
}

LK_API int lk_index_set_size_limit(lk_index *ix, int64_t max_bytes, lk_errbuf *err)
{
    char sql[96];
    int64_t psize = 4096;
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "PRAGMA page_size", &st, err));
    if (sqlite3_step(st) == SQLITE_ROW)
        psize = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    int64_t pages = max_bytes > 0 ? LK_MAX(max_bytes / psize, 1) : 4294967294LL;
    snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld", (long long)pages);
    return lki_db_exec(ix, sql, err);
}
