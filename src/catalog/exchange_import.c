/*
 * exchange_import.c — reads the lossless exchange format (layout in
 * exchange_lossless.c) into an index: lk_index_import_lossless.
 *
 * Streaming: one line and the entries of one file are held at a time.
 * Every line is checked before anything of it is used; the first bad one
 * stops the import with "NAME:LINE: what".  Everything happens in one
 * transaction, rolled back on any error, so a refused import leaves the
 * index as it was.  Files whose content the index already holds are
 * skipped (counted), as `index add` does.
 */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/common.h"
#include "common/hex.h"
#include "catalog/catalog_internal.h"

/* Reader state.  Invariant: file != NULL only while work != NULL; got <=
 * want (the current file's expected entries). */
struct rd {
    lk_index *ix;
    const char *name;            /* the stream's name, for messages */
    long line;                   /* current line number */
    cJSON *work, *file;          /* the current work and file lines (owned) */
    lk_index_work w;             /* borrowed from work */
    const char **tags;           /* lki_malloc'd, into work */
    lk_index_file f;             /* borrowed from file */
    lk_index_frame *v;           /* the current file's entries */
    size_t got, want, cap;
    lk_index_local *loc;         /* its local sets (data lki_malloc'd, owned) */
    size_t nloc, wantloc, loccap;
    int ended;                   /* the end line was read */
    lk_index_import_totals tot;  /* what was added and skipped */
};

static int bad(struct rd *r, lk_errbuf *err, const char *what)
{
    return lki_err(err, LK_EFORMAT, "%s:%ld: %s", r->name, r->line, what);
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* o[key] as a finite number in [lo, hi] into *out; -1 if absent or not. */
static int num(const cJSON *o, const char *key, double lo, double hi, double *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < lo ||
        it->valuedouble > hi)
        return -1;
    *out = it->valuedouble;
    return 0;
}

static int integer(const cJSON *o, const char *key, double lo, double hi, int64_t *out)
{
    double d;
    if (num(o, key, lo, hi, &d) < 0 || d != floor(d))
        return -1;
    *out = (int64_t)d;
    return 0;
}

static int header(struct rd *r, const cJSON *o, lk_errbuf *err)
{
    int64_t v, fv;
    if (integer(o, "likeness_export", 0, 1e9, &v) < 0)
        return bad(r, err, "not a likeness export (no \"likeness_export\" header line)");
    if (v != LK_EXPORT_VERSION)
        return lki_err(err, LK_EVERSION, "%s: likeness export version %lld; this build reads "
                       "version %d", r->name, (long long)v, LK_EXPORT_VERSION);
    if (integer(o, "feature_version", 0, 1e9, &fv) < 0)
        return bad(r, err, "the header has no feature_version");
    if (fv != LK_INDEX_FEATURE_VERSION)
        return lki_err(err, LK_EVERSION, "%s: hashes of feature version %lld; this build's are "
                       "version %d (index the media again)", r->name, (long long)fv,
                       LK_INDEX_FEATURE_VERSION);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "params");
    if (cJSON_IsNull(p))
        return 0;
    lk_index_params q;
    int64_t k, s, m, c;
    if (!cJSON_IsObject(p) || num(p, "fps", 0, 1e6, &q.fps) < 0 ||
        integer(p, "keyframes", 0, 1, &k) < 0 || integer(p, "scene_cuts", 0, 1, &s) < 0 ||
        integer(p, "max_dim", 0, 1e9, &m) < 0 || integer(p, "crop_borders", 0, 1, &c) < 0)
        return bad(r, err, "bad sampling parameters in the header");
    q.keyframes = (int)k, q.scene_cuts = (int)s, q.max_dim = (int)m, q.crop_borders = (int)c;
    lk_errbuf why;
    int rc = lk_index_bind_params(r->ix, &q, &why);
    if (rc == LK_EVERSION)
        return lki_err(err, rc, "%s: sampled with other parameters than the index: %s",
                       r->name, why.msg);
    return rc < 0 ? lki_err(err, rc, "%s", why.msg) : 0;
}

static void locals_release(struct rd *r)
{
    for (size_t i = 0; i < r->nloc; i++)
        lki_free((void *)r->loc[i].data);
    r->nloc = r->wantloc = 0;
}

/* Adds the current file (if any) once all its entries are read. */
static int flush(struct rd *r, lk_errbuf *err)
{
    if (!r->file)
        return 0;
    if (r->got != r->want)
        return lki_err(err, LK_EFORMAT, "%s:%ld: file %s has %zu of its %zu entries", r->name,
                       r->line, r->f.path, r->got, r->want);
    if (r->nloc != r->wantloc)
        return lki_err(err, LK_EFORMAT, "%s:%ld: file %s has %zu of its %zu local sets",
                       r->name, r->line, r->f.path, r->nloc, r->wantloc);
    int rc = lk_index_has_content(r->ix, r->f.sha256, NULL, err);
    if (rc == 0)
        rc = lk_index_add_file_locals(r->ix, &r->w, &r->f, r->v, r->got, r->loc, r->nloc, err);
    if (rc == LK_EINVAL) { /* a bad local set: say where it was read */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        rc = lki_err(err, LK_EFORMAT, "%s:%ld: %s", r->name, r->line, why);
    }
    locals_release(r);
    if (rc == 0)
        r->tot.files++, r->tot.entries += (int64_t)r->got;
    else if (rc == 1)
        r->tot.skipped++, rc = 0;
    cJSON_Delete(r->file);
    r->file = NULL;
    r->got = r->want = 0;
    return rc;
}

static int work_line(struct rd *r, cJSON *o, lk_errbuf *err)
{
    LK_TRY(flush(r, err));
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(o, "tags");
    int nt = cJSON_GetArraySize(tags);
    if (!str(o, "work_id") || !str(o, "owner") || !str(o, "title") || !cJSON_IsArray(tags))
        return bad(r, err, "a work needs work_id, owner, title and tags");
    const char **v = lki_malloc((size_t)(nt ? nt : 1) * sizeof *v);
    if (!v)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", r->name);
    for (int i = 0; i < nt; i++)
        if (!(v[i] = cJSON_GetStringValue(cJSON_GetArrayItem(tags, i))) || !strchr(v[i], '=')) {
            lki_free(v);
            return bad(r, err, "a tag is not a \"key=value\" string");
        }
    cJSON_Delete(r->work);
    lki_free(r->tags);
    r->work = o, r->tags = v;
    r->w = (lk_index_work){ str(o, "work_id"), str(o, "owner"), str(o, "title"), v, nt };
    r->tot.works++;
    return 1; /* o is kept */
}

static int file_line(struct rd *r, cJSON *o, lk_errbuf *err)
{
    LK_TRY(flush(r, err));
    if (!r->work)
        return bad(r, err, "a file before any work");
    lk_index_file f = { .path = str(o, "path"), .format = str(o, "format"),
                        .abs_path = str(o, "abs_path") };
    const char *sha = str(o, "sha256");
    const cJSON *imp = cJSON_GetObjectItemCaseSensitive(o, "imported");
    int64_t size, w, h, sampled, n, nl = 0;
    if (!f.path || !sha || strlen(sha) != 64 || lki_hex_decode(sha, 32, f.sha256) < 0 ||
        integer(o, "size", 0, 9e18, &size) < 0 || num(o, "duration", 0, 1e12, &f.duration) < 0 ||
        integer(o, "width", 0, 1e9, &w) < 0 || integer(o, "height", 0, 1e9, &h) < 0 ||
        num(o, "fps", 0, 1e9, &f.fps) < 0 || !cJSON_IsBool(imp) ||
        integer(o, "sampled", 0, 9e18, &sampled) < 0 || integer(o, "entries", 0, 4e9, &n) < 0)
        return bad(r, err, "a file needs path, sha256 (64 hex digits), size, duration, "
                   "width, height, fps, imported, sampled and entries");
    if (cJSON_GetObjectItemCaseSensitive(o, "locals") &&
        (integer(o, "locals", 1, (double)n, &nl) < 0))
        return bad(r, err, "\"locals\" must be 1 to the file's entries");
    f.size = size, f.width = (int)w, f.height = (int)h, f.sampled = sampled;
    f.imported = cJSON_IsTrue(imp);
    r->file = o, r->f = f, r->want = (size_t)n, r->got = 0, r->wantloc = (size_t)nl;
    return 1;
}

/* A packed local set is at most this long (LK_LOCAL_MAX_KEYPOINTS-ish
 * sets of likeness/local.h are far smaller). */
#define LKI_IMPORT_LOCAL_MAX (1u << 20)

static int local_line(struct rd *r, const cJSON *o, lk_errbuf *err)
{
    if (!r->file || r->got != r->want || r->nloc >= r->wantloc)
        return bad(r, err, !r->file ? "a local set before any file"
                           : r->got != r->want ? "a local set before the file's last entry"
                                               : "more local sets than the file's \"locals\"");
    int64_t e;
    const char *hex = str(o, "data");
    size_t len = hex ? strlen(hex) : 0;
    if (integer(o, "entry", 0, (double)r->want - 1, &e) < 0 ||
        (r->nloc && (uint32_t)e <= r->loc[r->nloc - 1].entry) || !hex || len == 0 ||
        len % 2 || len / 2 > LKI_IMPORT_LOCAL_MAX)
        return bad(r, err, "a local set needs an entry (increasing, < the file's entries) "
                   "and data (hex)");
    if (r->nloc == r->loccap) {
        size_t c = r->loccap ? 2 * r->loccap : 64;
        lk_index_local *p = lki_realloc(r->loc, c * sizeof *p);
        if (!p)
            return lki_err(err, LK_ENOMEM, "%s: out of memory", r->name);
        r->loc = p, r->loccap = c;
    }
    uint8_t *data = lki_malloc(len / 2);
    if (!data)
        return lki_err(err, LK_ENOMEM, "%s: out of memory", r->name);
    if (lki_hex_decode(hex, len / 2, data) < 0) {
        lki_free(data);
        return bad(r, err, "a local set's data is not hex");
    }
    r->loc[r->nloc++] = (lk_index_local){ (uint32_t)e, data, len / 2 };
    return 0;
}

static int hex64(const cJSON *o, const char *key, unsigned flag, unsigned flags, uint64_t *out)
{
    const char *s = str(o, key);
    *out = 0;
    if (!(flags & flag))
        return s ? -1 : 0;
    return s && strlen(s) == 16 && lk_hash64_from_hex(s, out) == 0 ? 0 : -1;
}

static int push(struct rd *r, const lk_index_frame *e, lk_errbuf *err)
{
    if (r->got == r->cap) {
        size_t c = r->cap ? 2 * r->cap : 256, bytes;
        lk_index_frame *p = lk_mul_size(c, sizeof *p, &bytes) < 0 ? NULL
                            : lki_realloc(r->v, bytes);
        if (!p)
            return lki_err(err, LK_ENOMEM, "%s: out of memory", r->name);
        r->v = p, r->cap = c;
    }
    r->v[r->got++] = *e;
    return 0;
}

static int entry_line(struct rd *r, const cJSON *o, lk_errbuf *err)
{
    if (!r->file || r->got >= r->want)
        return bad(r, err, r->file ? "more entries than the file's \"entries\""
                                   : "an entry before any file");
    lk_index_frame e;
    memset(&e, 0, sizeof e);
    const char *pdq = str(o, "pdq"), *style = str(o, "style");
    int64_t q, fl, view;
    if (num(o, "t0", 0, 1e12, &e.t0) < 0 || num(o, "t1", 0, 1e12, &e.t1) < 0 || !pdq ||
        strlen(pdq) != 64 || lk_hash256_from_hex(pdq, &e.pdq) < 0 ||
        integer(o, "quality", 0, 100, &q) < 0 || integer(o, "flags", 0, 255, &fl) < 0 ||
        integer(o, "view", 0, LK_VIEW_COUNT - 1, &view) < 0)
        return bad(r, err, "an entry needs t0, t1, pdq (64 hex digits), quality, flags, view");
    e.quality = (int)q, e.flags = (unsigned)fl, e.view = (int)view;
    if (hex64(o, "phash", LK_ENTRY_PHASH, e.flags, &e.phash) < 0 ||
        hex64(o, "dhash", LK_ENTRY_DHASH, e.flags, &e.dhash) < 0)
        return bad(r, err, "phash/dhash (16 hex digits) must be there exactly when flags say");
    if ((e.flags & LK_ENTRY_STYLE) ? !style || strlen(style) != 2 * LK_STYLE_BYTES ||
                                         lki_hex_decode(style, LK_STYLE_BYTES, e.style) < 0
                                   : style != NULL)
        return bad(r, err, "style (384 hex digits) must be there exactly when flags say");
    lk_errbuf why;
    if (lki_rec_check(&e, &why) < 0)
        return bad(r, err, why.msg);
    return push(r, &e, err);
}

static int end_line(struct rd *r, const cJSON *o, lk_errbuf *err)
{
    LK_TRY(flush(r, err));
    int64_t w, f, n;
    if (integer(o, "works", 0, 9e18, &w) < 0 || integer(o, "files", 0, 9e18, &f) < 0 ||
        integer(o, "entries", 0, 9e18, &n) < 0)
        return bad(r, err, "the end line needs works, files and entries");
    if (w != r->tot.works || f != r->tot.files + r->tot.skipped)
        return bad(r, err, "the end line's totals disagree with the lines before it");
    r->ended = 1;
    return 0;
}

/* Handles one parsed line; returns 1 when it keeps o, 0, or < 0. */
static int one(struct rd *r, cJSON *o, lk_errbuf *err)
{
    if (r->ended)
        return bad(r, err, "a line after the end line");
    if (r->line == 1)
        return header(r, o, err);
    const char *type = str(o, "type");
    if (!type)
        return bad(r, err, "a line without \"type\"");
    if (!strcmp(type, "entry"))
        return entry_line(r, o, err);
    if (!strcmp(type, "local"))
        return local_line(r, o, err);
    if (!strcmp(type, "file"))
        return file_line(r, o, err);
    if (!strcmp(type, "work"))
        return work_line(r, o, err);
    if (!strcmp(type, "end"))
        return end_line(r, o, err);
    return bad(r, err, "unknown line type");
}

static int read_all(struct rd *r, FILE *fp, lk_errbuf *err)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (rc >= 0 && getline(&line, &cap, fp) >= 0) {
        r->line++;
        cJSON *o = cJSON_Parse(line);
        rc = cJSON_IsObject(o) ? one(r, o, err)
             : bad(r, err, r->line == 1 ? "not a likeness export (no JSON header line)"
                                        : "not a JSON object");
        if (rc != 1)
            cJSON_Delete(o);
    }
    free(line);
    if (rc >= 0 && ferror(fp))
        rc = lki_err(err, LK_EIO, "%s: read error: %s", r->name, strerror(errno));
    if (rc >= 0 && !r->ended && r->file)
        rc = lki_err(err, LK_ECORRUPT, "%s:%ld: cut short: file %s has %zu of its %zu entries",
                     r->name, r->line, r->f.path, r->got, r->want);
    else if (rc >= 0 && !r->ended)
        rc = lki_err(err, LK_ECORRUPT, "%s:%ld: cut short (no end line)", r->name, r->line);
    return rc < 0 ? rc : 0;
}

LK_API int lk_index_import_lossless(lk_index *ix, FILE *fp, const char *name,
                                    lk_index_import_totals *tot, lk_errbuf *err)
{
    struct rd r = { .ix = ix, .name = name };
    LK_TRY(lk_index_begin(ix, err));
    int rc = read_all(&r, fp, err);
    cJSON_Delete(r.work);
    cJSON_Delete(r.file);
    lki_free(r.tags);
    lki_free(r.v);
    locals_release(&r);
    lki_free(r.loc);
    if (rc == 0)
        rc = lk_index_commit(ix, err);
    else
        lk_index_rollback(ix);
    if (tot)
        *tot = rc == 0 ? r.tot : (lk_index_import_totals){ 0 };
    return rc;
}
