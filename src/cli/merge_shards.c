/*
 * merge_shards.c — `likeness merge --shards`: the manifest of
 * `likeness index shard`, and one suspect's reports from every shard
 * combined into the report the whole index gives.
 *
 * Why the combination is exact: shards hold whole works, and everything a
 * scan computes per work (alignment, segments, work score, style score)
 * reads only that work's entries and the suspect; what crosses works is a
 * ranking (works best first, at most max_works; style best first, at most
 * style_top, works reported as copies left out) and the verdict (match if
 * any work matched, else resembles if the best style reached the
 * threshold, else clean).  The top of a union is the top of the shards'
 * tops; the verdict is the strongest of the shards'.  Ties: the scanner
 * orders equal scores by catalog row, and shards are contiguous row
 * ranges in manifest order, so ordering by (score, shard, position in the
 * shard's list) gives the same order.  Scores in reports are rounded to 4
 * decimals; two works whose scores differ beyond that but agree to it
 * would be ordered by row here: the only way the result could differ.
 *
 * Index-wide statistics: no score reads any today; a score that does must
 * read the parent's, which lk_index_shard copies into every shard's
 * meta (and `index shard` into the manifest's "background").
 */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/merge.h"
#include "likeness/likeness.h"

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    char chunk[8192];
    size_t k;
    while (mem && (k = fread(chunk, 1, sizeof chunk, fp)) > 0)
        fwrite(chunk, 1, k, mem);
    int bad = ferror(fp);
    fclose(fp);
    if (mem)
        fclose(mem);
    if (bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Copies id and generation of a {"id", "generation"} object.  0 or -1. */
static int read_ident(const cJSON *o, char id[33], double *gen)
{
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(o, "id");
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "generation");
    if (!cJSON_IsString(i) || strlen(i->valuestring) != 32 || !cJSON_IsNumber(g))
        return -1;
    memcpy(id, i->valuestring, 33);
    *gen = g->valuedouble;
    return 0;
}

int lk_manifest_load(struct lk_manifest *m, const char *path)
{
    memset(m, 0, sizeof *m);
    char *text = slurp(path);
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "shards");
    int n = cJSON_GetArraySize(arr), rc = -1;
    if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "likeness_manifest")) ||
        !cJSON_IsArray(arr) || n < 1 ||
        read_ident(cJSON_GetObjectItemCaseSensitive(o, "index"), m->id, &m->generation) < 0)
        goto out;
    const cJSON *pp = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "index"),
                                                      "path");
    if (cJSON_IsString(pp))
        snprintf(m->path, sizeof m->path, "%s", pp->valuestring);
    m->ids = calloc((size_t)n, sizeof *m->ids);
    m->gens = calloc((size_t)n, sizeof *m->gens);
    if (!m->ids || !m->gens)
        goto out;
    m->n = n;
    for (int k = 0; k < n; k++)
        if (read_ident(cJSON_GetArrayItem(arr, k), m->ids[k], &m->gens[k]) < 0)
            goto out;
    rc = 0;
out:
    cJSON_Delete(o);
    if (rc < 0) {
        lk_error("'%s' is not a shard manifest of 'likeness index shard'", path);
        lk_manifest_release(m);
    }
    return rc;
}

void lk_manifest_release(struct lk_manifest *m)
{
    free(m->ids);
    free(m->gens);
    memset(m, 0, sizeof *m);
}

const cJSON *lk_line_index(const cJSON *line)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(line, "run"), "index");
}

int lk_manifest_shard(const struct lk_manifest *m, const cJSON *line)
{
    char id[33];
    double gen;
    if (read_ident(lk_line_index(line), id, &gen) < 0)
        return -1;
    for (int k = 0; k < m->n; k++)
        if (!strcmp(m->ids[k], id) && m->gens[k] == gen)
            return k;
    return -1;
}

/* One work of a shard's ranked list. */
struct ranked {
    const cJSON *item;  /* the work object (borrowed) */
    double score;       /* its "score" */
    int shard, pos;     /* where it came from */
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The items of array `key` of every shard's report, best first, at most
 * max (copies).  NULL when out of memory. */
static cJSON *ranked_union(struct lk_mrec *const *recs, int n, const char *key, size_t max)
{
    size_t total = 0, t = 0;
    for (int k = 0; k < n; k++)
        total += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(recs[k]->obj, key));
    struct ranked *v = malloc((total ? total : 1) * sizeof *v);
    cJSON *out = v ? cJSON_CreateArray() : NULL;
    for (int k = 0; out && k < n; k++) {
        int pos = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(recs[k]->obj, key)) {
            const cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "score");
            v[t++] = (struct ranked){ it, cJSON_IsNumber(s) ? s->valuedouble : 0, k, pos++ };
        }
    }
    if (out && t)
        qsort(v, t, sizeof *v, cmp_ranked);
    for (size_t i = 0; out && i < t && i < max; i++)
        if (!cJSON_AddItemToArray(out, cJSON_Duplicate(v[i].item, 1))) {
            cJSON_Delete(out);
            out = NULL;
        }
    free(v);
    return out;
}

/* Strength of a verdict name: match > resembles > clean (0 unknown). */
static int strength(const cJSON *o)
{
    static const char *const names[] = { "clean", "resembles", "match" };
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "verdict");
    for (int i = 0; cJSON_IsString(v) && i < 3; i++)
        if (!strcmp(v->valuestring, names[i]))
            return i + 1;
    return 0;
}

static int is_error(const cJSON *o)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "verdict");
    return cJSON_IsString(v) && !strcmp(v->valuestring, "error");
}

/* 1 when every shard saw the same content hash (or none was read). */
static int same_content(struct lk_mrec *const *recs, int n)
{
    const char *first = NULL;
    for (int k = 0; k < n; k++) {
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(recs[k]->obj, "content_hash");
        if (!cJSON_IsString(h))
            continue;
        if (first && strcmp(first, h->valuestring))
            return 0;
        first = h->valuestring;
    }
    return 1;
}

/* Replaces (or adds) item key of o. */
static void put(cJSON *o, const char *key, cJSON *item)
{
    if (cJSON_HasObjectItem(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, item);
    else
        cJSON_AddItemToObject(o, key, item);
}

char *lk_merge_suspect(const struct lk_manifest *m, struct lk_mrec *const *recs, int style_top)
{
    if (!same_content(recs, m->n)) {
        lk_error("'%s': the file changed between the scans of its shards", recs[0]->file);
        return NULL;
    }
    int best = 0, from = 0;
    for (int k = 0; k < m->n; k++) {
        if (is_error(recs[k]->obj)) { /* a suspect-side failure: every shard's, or this one's */
            from = k, best = -1;
            break;
        }
        if (strength(recs[k]->obj) > best)
            best = strength(recs[k]->obj), from = k;
    }
    cJSON *o = cJSON_Duplicate(recs[best < 0 ? from : 0]->obj, 1);
    lk_match_params mp;
    lk_match_params_default(&mp);
    if (o && best >= 0) {
        put(o, "verdict", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(recs[from]->obj,
                                                                            "verdict"), 1));
        put(o, "matches", ranked_union(recs, m->n, "matches", (size_t)mp.max_works));
        put(o, "style", ranked_union(recs, m->n, "style", (size_t)style_top));
    }
    /* the merged line names the parent index the shards were cut from */
    cJSON *ix = o ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "run"),
                                                     "index") : NULL;
    if (ix) {
        put(ix, "id", cJSON_CreateString(m->id));
        put(ix, "generation", cJSON_CreateNumber(m->generation));
        if (m->path[0])
            put(ix, "path", cJSON_CreateString(m->path));
    }
    char *text = o && lk_json_make_valid(o) == 0 ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!text)
        lk_error("out of memory");
    return text;
}
