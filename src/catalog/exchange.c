/*
 * exchange.c — export of indexed hashes (JSON Lines, reference PDQ
 * "hash,quality,name,time" lines, vPDQ "frame,quality,hash,timestamp"
 * lines) and import of PDQ / vPDQ hash lists shared without the media.
 * Imported entries carry PDQ and quality only (flags 0: no pHash, dHash
 * or style), one entry per line, in file order, never collapsed.  PDQ and
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
    int64_t last_file;
    uint32_t frame;   /* vPDQ frame counter within a file */
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
    if (e->file_row != c->last_file) {
        c->last_file = e->file_row;
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
    if (format != LK_HASHLIST_JSONL && format != LK_HASHLIST_PDQ && format != LK_HASHLIST_VPDQ)
        return lki_err(err, LK_EINVAL, "unknown export format %d", format);
    struct export_ctx c = { fp, format, 0, 0 };
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

static int parse_time(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < 0)
        return -1;
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

/* Parses one line in format fmt into e. */
static int parse_line(char *line, int fmt, lk_index_frame *e)
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
    if (fmt == LK_HASHLIST_VPDQ &&
        (n != 4 || parse_int(f[0], 0, LONG_MAX, &frame) < 0 || parse_time(f[3], &t) < 0))
        return -1;
    if (fmt == LK_HASHLIST_PDQ && n >= 4 && parse_time(f[3], &t) < 0)
        return -1;
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

/* Appends one parsed line to the growing vector *v. */
static int push(lk_index_frame **v, size_t *n, size_t *cap, const lk_index_frame *e)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256, bytes;
        if (lk_mul_size(c, sizeof **v, &bytes) < 0)
            return LK_ENOMEM;
        lk_index_frame *p = lki_realloc(*v, bytes);
        if (!p)
            return LK_ENOMEM;
        *v = p, *cap = c;
    }
    (*v)[(*n)++] = *e;
    return 0;
}

/* Reads all lines of fp into *v; returns 0 or < 0 with err naming the line. */
static int read_lines(FILE *fp, const char *name, int *format, lk_index_frame **v, size_t *n,
                      int64_t *bytes, lk_errbuf *err)
{
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &lcap, fp)) >= 0) {
        lineno++;
        *bytes += len;
        if (is_blank(line))
            continue;
        if (*format == LK_HASHLIST_AUTO && !(*format = detect(line)))
            rc = lki_err(err, LK_EFORMAT, "%s:%ld: neither a PDQ \"hash,quality\" nor a vPDQ "
                        "\"frame,quality,hash,timestamp\" line", name, lineno);
        lk_index_frame e;
        if (rc == 0 && parse_line(line, *format, &e) < 0)
            rc = lki_err(err, LK_EFORMAT, "%s:%ld: malformed %s line", name, lineno,
                        *format == LK_HASHLIST_PDQ ? "PDQ" : "vPDQ");
        if (rc == 0 && push(v, n, &cap, &e) < 0)
            rc = lki_err(err, LK_ENOMEM, "%s: out of memory", name);
    }
    if (rc == 0 && ferror(fp))
        rc = lki_err(err, LK_EIO, "%s: read error", name);
    free(line);
    return rc;
}

LK_API long lk_index_import(lk_index *ix, const lk_index_work *w, FILE *fp, const char *name,
                            const uint8_t sha256[32], int format, lk_errbuf *err)
{
    if (format != LK_HASHLIST_AUTO && format != LK_HASHLIST_PDQ && format != LK_HASHLIST_VPDQ)
        return lki_err(err, LK_EINVAL, "%s: import reads pdq or vpdq lines", name);
    lk_index_frame *v = NULL;
    size_t n = 0;
    int64_t bytes = 0;
    int rc = read_lines(fp, name, &format, &v, &n, &bytes, err);
    if (rc == 0 && n == 0)
        rc = lki_err(err, LK_ENOFRAMES, "%s: no hashes to import", name);
    double duration = 0;
    for (size_t i = 0; i < n; i++)
        duration = LK_MAX(duration, v[i].t1);
    lk_index_file f = {
        .path = name, .size = bytes, .duration = duration, .sampled = (int64_t)n,
        .format = format == LK_HASHLIST_PDQ ? "pdq" : "vpdq", .imported = 1,
    };
    memcpy(f.sha256, sha256, 32);
    if (rc == 0)
        rc = lk_index_add_file(ix, w, &f, v, n, err);
    lki_free(v);
    return rc < 0 ? rc : (long)n;
}
