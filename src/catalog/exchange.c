/*
 * exchange.c — export of indexed hashes (JSON Lines, reference PDQ
 * "hash,quality,name,time" lines, vPDQ "frame,quality,hash,timestamp"
 * lines) and import of PDQ / vPDQ hash lists shared without the media.
 * Imported entries carry PDQ and quality only (flags 0: no pHash, dHash
 * or style), one entry per line, in file order, never collapsed; a list
 * is read and stored in parts of LK_INDEX_PART_ENTRIES lines, in one
 * transaction, so memory stays bounded (about 35 MB) whatever its length;
 * times must lie in [0, LK_INDEX_TIME_MAX].  PDQ and
 * vPDQ exports hold whole-frame entries only (views are not frames);
 * JSON Lines carry every entry with its view.
 */
#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "common/escape.h"
#include "catalog/catalog_internal.h"

struct export_ctx {
    FILE *fp;
    int format;
    uint8_t last_file[32]; /* content hash of the file being written */
    uint32_t frame;   /* vPDQ frame counter within a file (over all its parts) */
};

static int export_jsonl(const lk_index_entry *e, FILE *fp)
{
    char hex[65], h64[17];
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return LK_ENOMEM;
    cJSON_AddStringToObject(o, "work_id", e->work_id);
    cJSON_AddStringToObject(o, "owner", e->owner);
    cJSON_AddStringToObject(o, "title", e->title);
    cJSON_AddStringToObject(o, "file", e->file);
    cJSON_AddNumberToObject(o, "entry", e->number);
    cJSON_AddNumberToObject(o, "t0", e->frame.t0);
    cJSON_AddNumberToObject(o, "t1", e->frame.t1);
    lk_hash256_to_hex(&e->frame.pdq, hex);
    cJSON_AddStringToObject(o, "pdq", hex);
    cJSON_AddNumberToObject(o, "quality", e->frame.quality);
    lk_hash64_to_hex(e->frame.phash, h64);
    if (e->frame.flags & LK_ENTRY_PHASH)
        cJSON_AddStringToObject(o, "phash", h64);
    else
        cJSON_AddNullToObject(o, "phash");
    lk_hash64_to_hex(e->frame.dhash, h64);
    if (e->frame.flags & LK_ENTRY_DHASH)
        cJSON_AddStringToObject(o, "dhash", h64);
    else
        cJSON_AddNullToObject(o, "dhash");
    cJSON_AddBoolToObject(o, "style", (e->frame.flags & LK_ENTRY_STYLE) != 0);
    cJSON_AddNumberToObject(o, "view", e->frame.view);
    char *s = lki_json_make_valid(o) == 0 ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!s)
        return LK_ENOMEM;
    int bad = fprintf(fp, "%s\n", s) < 0;
    cJSON_free(s);
    return bad ? LK_EIO : 0;
}

static int export_one(const lk_index_entry *e, void *vctx)
{
    struct export_ctx *c = vctx;
    char hex[65];
    if (memcmp(e->file_sha256, c->last_file, 32)) {
        memcpy(c->last_file, e->file_sha256, 32);
        c->frame = 0;
    }
    if (c->format != LK_HASHLIST_JSONL && e->frame.view != LK_VIEW_FULL)
        return 0; /* PDQ and vPDQ lists hold whole frames only */
    lk_hash256_to_hex(&e->frame.pdq, hex);
    switch (c->format) {
    case LK_HASHLIST_JSONL: return export_jsonl(e, c->fp);
    case LK_HASHLIST_PDQ:
        return fprintf(c->fp, "%s,%d,", hex, e->frame.quality) < 0 ||
               lki_escape_fputs(e->work_id, c->fp) < 0 || /* one line, whatever the id */
               fprintf(c->fp, ",%.3f\n", e->frame.t0) < 0 ? LK_EIO : 0;
    default:
        return fprintf(c->fp, "%u,%d,%s,%.3f\n", c->frame++, e->frame.quality, hex,
                       e->frame.t0) < 0 ? LK_EIO : 0;
    }
}

LK_API int lk_index_export(lk_index *ix, const char *work_id, FILE *fp, int format,
                           lk_errbuf *err)
{
    if (format == LK_HASHLIST_LIKENESS)
        return lki_export_lossless(ix, work_id, fp, err);
    if (format != LK_HASHLIST_JSONL && format != LK_HASHLIST_PDQ && format != LK_HASHLIST_VPDQ)
        return lki_err(err, LK_EINVAL, "unknown export format %d", format);
    struct export_ctx c = { fp, format, { 0 }, 0 };
    int rc = lk_index_foreach(ix, work_id, export_one, &c, err);
    if (rc == LK_EIO || (rc == 0 && fflush(fp) != 0))
        return lki_err(err, LK_EIO, "cannot write the export: %s", strerror(errno));
    if (rc == LK_ENOMEM)
        return lki_err(err, rc, "out of memory");
    return rc;
}

/* Splits s at commas into at most max fields (in place); returns count. */
static int split(char *s, char **f, int max)
{
    int n = 0;
    s[strcspn(s, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = s;
        char *c = strchr(s, ',');
        if (!c)
            break;
        *c = '\0';
        s = c + 1;
    }
    return n;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* A time in seconds: 0, -1 not a number, -2 out of [0, LK_INDEX_TIME_MAX]
 * (negative, NaN, infinite, 1e308...). */
static int parse_time(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        return -1;
    if (!(v >= 0 && v <= LK_INDEX_TIME_MAX))
        return -2;
    *out = v;
    return 0;
}

/* Which format the first significant line is in (0 if neither). */
static int detect(char *line)
{
    char buf[512], *f[5];
    snprintf(buf, sizeof buf, "%s", line);
    int n = split(buf, f, 5);
    lk_hash256 h;
    long v;
    if (n >= 2 && lk_hash256_from_hex(f[0], &h) == 0 && strlen(f[0]) == 64)
        return LK_HASHLIST_PDQ;
    if (n >= 4 && parse_int(f[0], 0, LONG_MAX, &v) == 0 && strlen(f[2]) == 64)
        return LK_HASHLIST_VPDQ;
    return 0;
}

/* Parses one line in format fmt into e: 0, -1 malformed, -2 time out of
 * range (the field is left in *bad). */
static int parse_line(char *line, int fmt, lk_index_frame *e, const char **bad)
{
    char *f[5];
    int n = split(line, f, 5);
    long q, frame;
    double t = 0;
    memset(e, 0, sizeof *e);
    const char *hex = fmt == LK_HASHLIST_PDQ ? f[0] : (n >= 3 ? f[2] : "");
    if (strlen(hex) != 64 || lk_hash256_from_hex(hex, &e->pdq) < 0)
        return -1;
    if (n < 2 || parse_int(f[1], 0, 100, &q) < 0)
        return -1;
    if (fmt == LK_HASHLIST_VPDQ && (n != 4 || parse_int(f[0], 0, LONG_MAX, &frame) < 0))
        return -1;
    if (fmt == LK_HASHLIST_VPDQ || (fmt == LK_HASHLIST_PDQ && n >= 4)) {
        int rc = parse_time(f[3], &t);
        *bad = f[3];
        if (rc < 0)
            return rc;
    }
    e->quality = (int)q;
    e->t0 = e->t1 = t;
    return 0;
}

static int is_blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0' || *s == '#';
}

/* Reading a hash list in parts of at most LK_INDEX_PART_ENTRIES lines:
 * memory stays bounded whatever the list's length. */
struct reader {
    FILE *fp;
    const char *name;
    int format;             /* detected from the first significant line */
    char *line;             /* getline's buffer (malloc'd by libc) */
    size_t lcap;
    long lineno;
    int64_t bytes;          /* bytes read so far */
    double duration;        /* the latest time seen */
    lk_index_frame *buf;    /* cap entries, grown up to LK_INDEX_PART_ENTRIES */
    size_t cap;
};

/* Room for entry k in r->buf (doubling, at most a part); 0 or LK_ENOMEM. */
static int reserve(struct reader *r, size_t k)
{
    if (k < r->cap)
        return 0;
    size_t cap = LK_MIN(LK_MAX(r->cap * 2, (size_t)256), (size_t)LK_INDEX_PART_ENTRIES);
    lk_index_frame *b = lki_realloc(r->buf, cap * sizeof *b);
    if (!b)
        return LK_ENOMEM;
    r->buf = b, r->cap = cap;
    return 0;
}

/* Parses one significant line into *e: 0 or < 0 with err naming the line. */
static int read_one(struct reader *r, lk_index_frame *e, lk_errbuf *err)
{
    const char *bad = "";
    if (r->format == LK_HASHLIST_AUTO && !(r->format = detect(r->line)))
        return lki_err(err, LK_EFORMAT, "%s:%ld: neither a PDQ \"hash,quality\" nor a vPDQ "
                       "\"frame,quality,hash,timestamp\" line", r->name, r->lineno);
    int rc = parse_line(r->line, r->format, e, &bad);
    if (rc == -2)
        return lki_err(err, LK_EFORMAT,
                       "%s:%ld: time '%.40s' out of range (0 to %.0f seconds)", r->name,
                       r->lineno, bad, LK_INDEX_TIME_MAX);
    if (rc < 0)
        return lki_err(err, LK_EFORMAT, "%s:%ld: malformed %s line", r->name, r->lineno,
                       r->format == LK_HASHLIST_PDQ ? "PDQ" : "vPDQ");
    r->duration = LK_MAX(r->duration, e->t1);
    return 0;
}

/* Reads up to LK_INDEX_PART_ENTRIES entries into r->buf; returns how
 * many (0 at the end) or < 0. */
static long read_part(struct reader *r, lk_errbuf *err)
{
    long k = 0;
    ssize_t len;
    while (k < LK_INDEX_PART_ENTRIES && (len = getline(&r->line, &r->lcap, r->fp)) >= 0) {
        r->lineno++;
        r->bytes += len;
        if (is_blank(r->line))
            continue;
        if (reserve(r, (size_t)k) < 0)
            return lki_err(err, LK_ENOMEM, "%s: out of memory", r->name);
        LK_TRY(read_one(r, &r->buf[k], err));
        k++;
    }
    if (ferror(r->fp))
        return lki_err(err, LK_EIO, "%s: read error", r->name);
    return k;
}

/* Sets the size and duration of every part of the imported file. */
static int finish_file(lk_index *ix, const struct reader *r, const uint8_t sha256[32],
                       lk_errbuf *err)
{
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "UPDATE files SET size = ?, duration = ? WHERE sha256 = ?", &st,
                          err));
    sqlite3_bind_int64(st, 1, r->bytes);
    sqlite3_bind_double(st, 2, r->duration);
    sqlite3_bind_blob(st, 3, sha256, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : lki_db_err(ix, rc, "cannot add the file", err);
}

struct import_ctx {
    const lk_index_work *w;
    struct reader *r;
    const uint8_t *sha256;
    long n;                 /* entries stored */
};

/* Inside the write transaction: the first part decides the format, then
 * every part is stored as it is read. */
static int import_fn(lk_index *ix, void *vctx, lk_errbuf *err)
{
    struct import_ctx *c = vctx;
    struct reader *r = c->r;
    long k = read_part(r, err);
    LK_TRY(k);
    if (k == 0)
        return lki_err(err, LK_ENOFRAMES, "%s: no hashes to import", r->name);
    lk_index_file f = {
        .path = r->name, .format = r->format == LK_HASHLIST_PDQ ? "pdq" : "vpdq",
        .imported = 1,
    };
    memcpy(f.sha256, c->sha256, 32);
    int64_t work = 0, part = 0;
    LK_TRY(lki_add_begin(ix, c->w, &f, &work, err));
    for (; k > 0; k = read_part(r, err)) {
        LK_TRY(lki_add_part(ix, work, &f, part++, k, r->buf, (size_t)k, (size_t)c->n, err));
        c->n += k;
    }
    LK_TRY(k);
    LK_TRY(finish_file(ix, r, c->sha256, err));
    return lki_add_end(ix, work, err);
}

/* Reads a whole hash list into *v (*n entries, lki_malloc'd), part by
 * part; *format is the detected format.  0 or < 0. */
static int read_lines(FILE *fp, const char *name, int *format, lk_index_frame **v, size_t *n,
                      int64_t *bytes, lk_errbuf *err)
{
    struct reader r = { fp, name, *format, NULL, 0, 0, 0, 0, NULL, 0 };
    long k;
    int rc = 0;
    while (rc == 0 && (k = read_part(&r, err)) > 0) {
        lk_index_frame *g = lki_realloc(*v, (*n + (size_t)k) * sizeof *g);
        if (!g) {
            rc = lki_err(err, LK_ENOMEM, "%s: out of memory", name);
            break;
        }
        memcpy(g + *n, r.buf, (size_t)k * sizeof *g);
        *v = g, *n += (size_t)k;
    }
    if (rc == 0 && k < 0)
        rc = (int)k;
    *format = r.format, *bytes = r.bytes;
    free(r.line);
    lki_free(r.buf);
    return rc;
}

LK_API int lk_hashlist_read(FILE *fp, const char *name, int *format, lk_index_frame **v,
                            size_t *n, lk_errbuf *err)
{
    int64_t bytes = 0;
    *v = NULL, *n = 0;
    if (*format != LK_HASHLIST_AUTO && *format != LK_HASHLIST_PDQ && *format != LK_HASHLIST_VPDQ)
        return lki_err(err, LK_EINVAL, "%s: not a pdq or vpdq hash list format", name);
    int rc = read_lines(fp, name, format, v, n, &bytes, err);
    if (rc == 0 && *n == 0)
        rc = lki_err(err, LK_ENOFRAMES, "%s: no hashes", name);
    if (rc < 0) {
        lki_free(*v);
        *v = NULL, *n = 0;
    }
    return rc;
}

LK_API void lk_hashlist_free(lk_index_frame **v)
{
    if (v) {
        lki_free(*v);
        *v = NULL;
    }
}

LK_API long lk_index_import(lk_index *ix, const lk_index_work *w, FILE *fp, const char *name,
                            const uint8_t sha256[32], int format, lk_errbuf *err)
{
    if (format != LK_HASHLIST_AUTO && format != LK_HASHLIST_PDQ && format != LK_HASHLIST_VPDQ)
        return lki_err(err, LK_EINVAL, "%s: import reads pdq or vpdq lines", name);
    LK_TRY(lki_check_work(ix, w, err));
    struct reader r = { .fp = fp, .name = name, .format = format };
    struct import_ctx c = { w, &r, sha256, 0 };
    int rc = lki_db_write(ix, import_fn, &c, err);
    free(r.line);
    lki_free(r.buf);
    return rc < 0 ? rc : c.n;
}
