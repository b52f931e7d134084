/*
 * scan_set.c — the suspects of an HTML report (lk_scan_report): each kept
 * as the JSON object the scan writes, with the directory its relative
 * evidence paths may be found in.  Results of a running scan are turned
 * into JSON as they come (lki_scan_json); saved output is parsed back.
 *
 * Invariant: every item is a JSON object with string "file" and "verdict".
 */
#include <string.h>
#include "common/common.h"
#include "likeness/report.h"
#include "report/report_internal.h"

LK_API int lk_scan_report_new(lk_scan_report **out)
{
    *out = lki_calloc(1, sizeof **out);
    return *out ? 0 : LK_ENOMEM;
}

LK_API void lk_scan_report_free(lk_scan_report **prep)
{
    lk_scan_report *rep = prep ? *prep : NULL;
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n; i++) {
        cJSON_Delete(rep->v[i].o);
        lki_free(rep->v[i].base);
    }
    lki_free(rep->v);
    lki_free(rep);
    *prep = NULL;
}

LK_API size_t lk_scan_report_count(const lk_scan_report *rep)
{
    return rep ? rep->n : 0;
}

/* Appends o (taken over, also on failure) with evidence base dir base (copied). */
static int push(lk_scan_report *rep, cJSON *o, const char *base, size_t nbase)
{
    if (rep->n == rep->cap) {
        size_t cap = rep->cap ? 2 * rep->cap : 16;
        struct lki_report_item *v = lki_realloc(rep->v, cap * sizeof *v);
        if (!v) {
            cJSON_Delete(o);
            return LK_ENOMEM;
        }
        rep->v = v, rep->cap = cap;
    }
    char *b = NULL;
    if (nbase && (b = lki_malloc(nbase + 1))) {
        memcpy(b, base, nbase);
        b[nbase] = '\0';
    }
    if (nbase && !b) {
        cJSON_Delete(o);
        return LK_ENOMEM;
    }
    rep->v[rep->n++] = (struct lki_report_item){ o, b };
    return 0;
}

LK_API int lk_scan_report_add(lk_scan_report *rep, const lk_scan_result *r)
{
    if (!rep || !r)
        return LK_EINVAL;
    if (r->skipped)
        return 0;
    cJSON *o = lki_scan_json(r);
    return o ? push(rep, o, NULL, 0) : LK_ENOMEM;
}

static int is_suspect(const cJSON *o)
{
    return cJSON_IsObject(o) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "file")) &&
           cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "verdict"));
}

/* Adds parsed value v (an object or an array of objects) found at line. */
static long add_value(lk_scan_report *rep, cJSON *v, const char *name, long line,
                      const char *base, size_t nbase, lk_errbuf *err)
{
    long added = 0;
    if (cJSON_IsArray(v)) {
        cJSON *it;
        cJSON_ArrayForEach(it, v)
            if (!is_suspect(it)) {
                cJSON_Delete(v);
                return lki_err(err, LK_ECORRUPT, "%s: item %ld is not a likeness scan report",
                               name, added + 1);
            } else {
                added++;
            }
        int rc = 0;
        while (rc == 0 && cJSON_GetArraySize(v) > 0)
            rc = push(rep, cJSON_DetachItemFromArray(v, 0), base, nbase);
        cJSON_Delete(v);
        return rc < 0 ? rc : added;
    }
    if (!is_suspect(v)) {
        cJSON_Delete(v);
        return lki_err(err, LK_ECORRUPT, "%s:%ld: not a likeness scan report", name, line);
    }
    LK_TRY(push(rep, v, base, nbase));
    return 1;
}

/* Reads all of fp into a NUL-terminated buffer (*out, owned). */
static int slurp(FILE *fp, char **out, size_t *len)
{
    size_t n = 0, cap = 1 << 16;
    char *s = lki_malloc(cap);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *t = lki_realloc(s, cap * 2);
            if (!t)
                lk_freep(&s);
            s = t, cap *= 2;
        }
    }
    if (!s)
        return LK_ENOMEM;
    s[n] = '\0';
    *out = s, *len = n;
    return ferror(fp) ? LK_EIO : 0;
}

/* Parses text as one JSON value or as JSON Lines; returns suspects added. */
static long parse_all(lk_scan_report *rep, char *text, const char *name, lk_errbuf *err)
{
    const char *slash = strrchr(name, '/');
    size_t nbase = slash ? (size_t)(slash - name) : 0;
    cJSON *whole = cJSON_ParseWithOpts(text, NULL, 1); /* the whole text, nothing after */
    if (whole)
        return add_value(rep, whole, name, 1, name, nbase, err);
    long total = 0, line = 0;
    for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        if (strspn(p, " \t\r") == strlen(p))
            continue;
        cJSON *v = cJSON_ParseWithOpts(p, NULL, 1);
        if (!v)
            return lki_err(err, LK_ECORRUPT, "%s:%ld: not JSON", name, line);
        long n = add_value(rep, v, name, line, name, nbase, err);
        if (n < 0)
            return n;
        total += n;
    }
    return total;
}

LK_API long lk_scan_report_read(lk_scan_report *rep, FILE *fp, const char *name,
                                lk_errbuf *err)
{
    char *text = NULL;
    size_t len = 0;
    if (!rep || !fp || !name)
        return lki_err(err, LK_EINVAL, "invalid argument");
    int rc = slurp(fp, &text, &len);
    if (rc < 0) {
        lki_free(text);
        return lki_err(err, rc, "%s: %s", name, rc == LK_EIO ? "read failed" : "out of memory");
    }
    long n = parse_all(rep, text, name, err);
    lki_free(text);
    if (n == LK_ENOMEM)
        lki_err(err, n, "%s: out of memory", name);
    return n;
}
