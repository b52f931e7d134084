/*
 * scan_resume.c — the --resume file of `likeness scan`: the suspects
 * already reported (one JSON line each), read once at start, a partial
 * last line left by a crash cut off.
 *
 * The scanner's skip_fn (lk_resume_has) skips any suspect whose content
 * hash is in the file.  The command then tells apart the suspect already
 * reported at this very path (skipped, counted) from a byte-identical copy
 * met at another path (lk_resume_find says which): the copy is reported
 * under its own path as a duplicate of the earlier report, with its
 * verdict, so it never vanishes from the findings.
 *
 * Invariant: v is sorted by content hash, then file, after lk_resume_load.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

static int cmp_entry(const void *a, const void *b)
{
    const lk_resume_entry *x = a, *y = b;
    int c = strcmp(x->hash, y->hash);
    return c ? c : strcmp(x->file, y->file);
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A count from the file: 0 unless a number within [0, 2^53] (a tampered
 * 1e300 must not reach a conversion to long, which is undefined). */
static long count_of(const cJSON *o, const char *name)
{
    double d = num(o, name);
    return d >= 0 && d <= 9007199254740992.0 ? (long)d : 0;
}

static int verdict_of(const char *name)
{
    for (int v = LK_VERDICT_CLEAN; v <= LK_VERDICT_ERROR; v++)
        if (!strcmp(lk_verdict_name(v), name))
            return v;
    return LK_VERDICT_CLEAN;
}

/* Adds the report on one line, if it names its content; 0 or -1. */
static int add_line(lk_resume *r, const char *line)
{
    cJSON *o = cJSON_Parse(line);
    if (lk_json_restore_bytes(o) < 0) /* the file's own bytes, "file_bytes" */
        return cJSON_Delete(o), -1;
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "content_hash");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "file");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "verdict");
    int rc = 0;
    if (cJSON_IsString(h) && strlen(h->valuestring) == 64 && cJSON_IsString(f)) {
        lk_resume_entry e = { .verdict = cJSON_IsString(v) ? verdict_of(v->valuestring) : 0,
                              .duration = num(o, "duration"), .decoded = num(o, "decoded"),
                              .truncated = cJSON_IsTrue(cJSON_GetObjectItem(o, "truncated")),
                              .frames = count_of(o, "frames"),
                              .is_dup = cJSON_GetObjectItem(o, "duplicate_of") != NULL };
        memcpy(e.hash, h->valuestring, 65);
        if (r->n == r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 64;
            lk_resume_entry *nv = realloc(r->v, cap * sizeof *nv);
            if (nv)
                r->v = nv, r->cap = cap;
        }
        if (r->n < r->cap && (e.file = strdup(f->valuestring)))
            r->v[r->n++] = e;
        else
            rc = -1;
    }
    cJSON_Delete(o);
    return rc;
}

int lk_resume_load(const char *path, lk_resume *r)
{
    FILE *fp = fopen(path, "r+");
    if (!fp)
        return 0; /* a missing file is an empty one */
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long good = 0;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
        if (line[len - 1] != '\n')
            break;
        good = ftell(fp);
        rc = add_line(r, line);
    }
    free(line);
    fseek(fp, 0, SEEK_END);
    if (rc == 0 && ftell(fp) != good) {
        lk_warning("'%s': dropping a partial last line", path);
        if (ftruncate(fileno(fp), good) != 0) {
            lk_error("cannot cut the partial last line off '%s': %s", path, strerror(errno));
            rc = -2;
        }
    }
    fclose(fp);
    if (rc == -1)
        lk_error("cannot read '%s'", path);
    if (r->n)
        qsort(r->v, r->n, sizeof *r->v, cmp_entry);
    return rc;
}

/* The first entry of hash, or NULL. */
static const lk_resume_entry *first_of(const lk_resume *r, const char *hash)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->v[mid].hash, hash) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && !strcmp(r->v[lo].hash, hash) ? &r->v[lo] : NULL;
}

int lk_resume_has(const char *content_hash, void *ctx)
{
    return first_of(ctx, content_hash) != NULL;
}

const lk_resume_entry *lk_resume_find(const lk_resume *r, const char *hash, const char *path,
                                      int *same_path)
{
    const lk_resume_entry *e = first_of(r, hash), *orig = NULL;
    *same_path = 0;
    for (const lk_resume_entry *x = e; x && x < r->v + r->n && !strcmp(x->hash, hash); x++) {
        if (!strcmp(x->file, path))
            *same_path = 1;
        if (!orig && !x->is_dup)
            orig = x;
    }
    return orig ? orig : e;
}

void lk_resume_release(lk_resume *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].file);
    free(r->v);
    memset(r, 0, sizeof *r);
}
