/*
 * cmd_merge.c — `likeness merge PART...`: the JSON Lines parts of a split
 * scan (`likeness scan --part K/N --resume PART`, one per array task)
 * joined into one stream, each input once, in the order of the list.
 *
 * Checks, each reported on stderr: with --files-from, every listed input
 * must have exactly one line (missing, duplicated, and lines of inputs not
 * in the list are named); without it, no input twice.  Every line must
 * come from one index (its "index" id and generation): parts of different
 * indexes or generations are refused and nothing is written.  With
 * --shards MANIFEST each input needs one line from every shard of the
 * manifest (and from no other index); its lines are combined into the
 * report the whole index gives (merge_shards.c).
 *
 * Output: every input found (complete: all its shards) once, in list
 * order (without a list: the order of first appearance in the parts as
 * given).  Exit: 0 all inputs exactly once, 2 anything missing,
 * duplicated, foreign or unreadable (the stream is still written when
 * only inputs are missing or duplicated).  Memory: every line is held
 * until the end (about the size of the parts).
 */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/inputs.h"
#include "cli/merge.h"
#include "likeness/likeness.h"

static const char *const usage[] = {
    "likeness merge [--files-from LIST [-0] [--part K/N]] [--shards MANIFEST] <part.jsonl>...",
    "",
    "Joins the JSON Lines reports of 'likeness scan --part K/N' into one stream",
    "on standard output, each input once, in the order of LIST; reports inputs",
    "missing or duplicated.  With --shards, combines each input's reports",
    "from every shard of MANIFEST ('likeness index shard') into the report of",
    "the whole index.  Exit status: 0 every input exactly once, 2 otherwise.",
    NULL,
};

/* Everything read and the checks' counts. */
struct merge {
    struct lk_mrec *v;          /* lines read */
    size_t n, cap;
    struct lk_manifest m;       /* --shards, or m.n == 0 */
    char id[33];                /* without --shards: the one index seen */
    double gen;
    const char *id_from;        /* the part it was first seen in */
    size_t missing, dups, extra;
};

static void merge_release(struct merge *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].file);
        free(g->v[i].text);
        cJSON_Delete(g->v[i].obj);
    }
    free(g->v);
    lk_manifest_release(&g->m);
}

/* Checks the line's index: one of the manifest's shards, or the one index
 * of every line so far.  0 or -1 (printed). */
static int check_index(struct merge *g, const cJSON *o, struct lk_mrec *r, const char *part,
                       size_t no)
{
    const cJSON *ix = lk_line_index(o);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(ix, "id");
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(ix, "generation");
    if (g->m.n) {
        if ((r->shard = lk_manifest_shard(&g->m, o)) >= 0)
            return 0;
        lk_error("'%s', line %zu: not from a shard of the manifest (index %s)", part, no,
                 cJSON_IsString(id) ? id->valuestring : "unknown");
        return -1;
    }
    if (!ix) /* failed before any index was opened (e.g. out of memory) */
        return 0;
    if (!cJSON_IsString(id) || strlen(id->valuestring) != 32 || !cJSON_IsNumber(gen)) {
        lk_error("'%s', line %zu: bad \"index\"", part, no);
        return -1;
    }
    if (!g->id_from) {
        memcpy(g->id, id->valuestring, 33);
        g->gen = gen->valuedouble, g->id_from = part;
    } else if (strcmp(g->id, id->valuestring) || g->gen != gen->valuedouble) {
        lk_error("'%s' and '%s' come from different indexes (%s generation %.0f, %s "
                 "generation %.0f): scan every part against the same index", g->id_from, part,
                 g->id, g->gen, id->valuestring, gen->valuedouble);
        return -1;
    }
    return 0;
}

/* Adds one complete line.  0 or -1 (printed). */
static int add_line(struct merge *g, const char *line, const char *part, size_t no)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 1024;
        struct lk_mrec *v = realloc(g->v, cap * sizeof *v);
        if (!v)
            return lk_error("out of memory"), -1;
        g->v = v, g->cap = cap;
    }
    cJSON *o = cJSON_Parse(line);
    if (lk_json_restore_bytes(o) < 0) /* the file's own bytes, "file_bytes" */
        return cJSON_Delete(o), lk_error("out of memory"), -1;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "file");
    struct lk_mrec r = { 0 };
    r.order = g->n;
    int rc = cJSON_IsString(f) ? check_index(g, o, &r, part, no)
                               : (lk_error("'%s', line %zu: not a report of likeness scan",
                                           part, no), -1);
    if (rc == 0 && (!(r.file = strdup(f->valuestring)) || !(r.text = strdup(line))))
        rc = (lk_error("out of memory"), -1);
    if (rc == 0 && g->m.n)
        r.obj = o, o = NULL;
    cJSON_Delete(o);
    if (rc == 0)
        g->v[g->n++] = r;
    else
        free(r.file), free(r.text);
    return rc;
}

/* Reads every line of one part.  0 or -1 (printed). */
static int read_part(struct merge *g, const char *part)
{
    FILE *fp = fopen(part, "r");
    if (!fp)
        return lk_error("cannot open '%s'", part), -1;
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
        no++;
        if (line[len - 1] != '\n') {
            lk_error("'%s': a partial last line: its task did not finish (resume it)", part);
            rc = -1;
        } else if (len > 1) {
            line[len - 1] = '\0';
            rc = add_line(g, line, part, no);
        }
    }
    if (rc == 0 && ferror(fp))
        rc = (lk_error("cannot read '%s'", part), -1);
    free(line);
    fclose(fp);
    return rc;
}

static int cmp_rec(const void *a, const void *b)
{
    const struct lk_mrec *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* The first record of file (or of the next file) in the sorted records. */
static size_t lower(const struct merge *g, const char *file)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(g->v[mid].file, file) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t group_end(const struct merge *g, size_t lo)
{
    size_t hi = lo;
    while (hi < g->n && !strcmp(g->v[hi].file, g->v[lo].file))
        hi++;
    return hi;
}

/* Shard mode: the group's first line of each shard (NULL: missing);
 * what is missing or duplicated is reported and counted. */
static void gather_shards(struct merge *g, size_t lo, size_t hi, struct lk_mrec **per)
{
    memset(per, 0, (size_t)g->m.n * sizeof *per);
    for (size_t i = lo; i < hi; i++) {
        struct lk_mrec *r = &g->v[i];
        if (per[r->shard]) {
            lk_error("'%s': reported more than once by shard %d", r->file, r->shard + 1);
            g->dups++;
        }
        per[r->shard] = per[r->shard] ? per[r->shard] : r;
    }
    for (int k = 0; k < g->m.n; k++)
        if (!per[k]) {
            lk_error("'%s': missing from shard %d of %d", g->v[lo].file, k + 1, g->m.n);
            g->missing++;
        }
}

/* Writes the input whose records are [lo, hi) (hi == lo: none).  0, or -1
 * on an error that is not a missing or duplicated input. */
static int emit(struct merge *g, const char *file, size_t lo, size_t hi, struct lk_mrec **per,
                int style_top)
{
    if (hi == lo) {
        lk_error("'%s': missing", file);
        g->missing++;
        return 0;
    }
    if (!g->m.n) {
        if (hi - lo > 1) {
            lk_error("'%s': reported %zu times", file, hi - lo);
            g->dups++;
        }
        puts(g->v[lo].text);
        return 0;
    }
    gather_shards(g, lo, hi, per);
    for (int k = 0; k < g->m.n; k++) /* incomplete: reported, not written */
        if (!per[k])
            return 0;
    char *text = lk_merge_suspect(&g->m, per, style_top);
    if (text)
        puts(text);
    cJSON_free(text);
    return text ? 0 : -1;
}

/* With a list: its inputs in its order, then the lines of inputs not in
 * it.  0 or -1. */
static int emit_listed(struct merge *g, lk_paths *list, struct lk_mrec **per, int style_top)
{
    char *seen = calloc(g->n + 1, 1);
    int rc = seen ? 0 : (lk_error("out of memory"), -1);
    for (size_t i = 0; rc == 0 && i < list->n; i++) {
        size_t lo = lower(g, list->v[i]);
        int here = lo < g->n && !strcmp(g->v[lo].file, list->v[i]);
        if (here && seen[lo]) {
            lk_warning("'%s' is listed more than once", list->v[i]);
            continue;
        }
        rc = emit(g, list->v[i], lo, here ? group_end(g, lo) : lo, per, style_top);
        if (here)
            seen[lo] = 1;
    }
    for (size_t lo = 0; rc == 0 && lo < g->n; lo = group_end(g, lo))
        if (!seen[lo]) {
            lk_error("'%s': not in the list", g->v[lo].file);
            g->extra++;
        }
    free(seen);
    return rc;
}

static int cmp_first(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Without a list: each input in the order of its first line.  0 or -1. */
static int emit_found(struct merge *g, struct lk_mrec **per, int style_top)
{
    size_t (*grp)[2] = malloc((g->n + 1) * sizeof *grp), ng = 0;
    if (!grp)
        return lk_error("out of memory"), -1;
    for (size_t lo = 0; lo < g->n; lo = group_end(g, lo)) {
        size_t first = g->v[lo].order;
        for (size_t i = lo; i < group_end(g, lo); i++)
            first = g->v[i].order < first ? g->v[i].order : first;
        grp[ng][0] = lo, grp[ng++][1] = first;
    }
    qsort(grp, ng, sizeof *grp, cmp_first);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ng; i++)
        rc = emit(g, g->v[grp[i][0]].file, grp[i][0], group_end(g, grp[i][0]), per, style_top);
    free(grp);
    return rc;
}

/* Reads the parts and writes the stream; the exit status. */
static int merge(struct merge *g, int nparts, char **parts, lk_paths *list, int style_top)
{
    for (int i = 0; i < nparts; i++)
        if (read_part(g, parts[i]) < 0)
            return LK_EXIT_ERROR;
    if (g->n)
        qsort(g->v, g->n, sizeof *g->v, cmp_rec);
    struct lk_mrec **per = calloc(g->m.n ? (size_t)g->m.n : 1, sizeof *per);
    if (!per)
        return lk_error("out of memory"), LK_EXIT_ERROR;
    int rc = list ? emit_listed(g, list, per, style_top) : emit_found(g, per, style_top);
    free(per);
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = (lk_error("cannot write the merged report"), -1);
    if (g->missing || g->dups || g->extra)
        lk_error("%zu input%s missing, %zu duplicated, %zu not in the list", g->missing,
                 g->missing == 1 ? "" : "s", g->dups, g->extra);
    return rc < 0 || g->missing || g->dups || g->extra ? LK_EXIT_ERROR : LK_EXIT_OK;
}

static int cmd_merge(int argc, char **argv)
{
    const char *list = NULL, *manifest = NULL, *part_arg = NULL;
    lk_part part = { 0, 0 };
    int nul = 0, style_top = LK_STYLE_TOP_DEFAULT, failed = 0;
    const lk_option options[] = {
        LK_OPT_STRING_(0, "files-from", &list, "LIST",
                       "the list that was scanned ('-': standard input): check it"),
        LK_OPT_FLAG_('0', "null", &nul, "LIST is NUL-separated (find -print0)"),
        LK_OPT_STRING_(0, "part", &part_arg, "K/N",
                       "check only part K of N of LIST (a task's own part)"),
        LK_OPT_STRING_(0, "shards", &manifest, "MANIFEST",
                       "combine each input's reports from every shard of MANIFEST"),
        LK_OPT_INT_(0, "style-top", &style_top, "N", 1, 100,
                    "with --shards: as scan --style-top (default 5)"),
        LK_OPT_END_,
    };
    int n = lk_parse_options(usage, options, argc, argv);
    if (n < 0)
        return n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (part_arg && (lk_part_parse(part_arg, &part) < 0 || !list)) {
        if (!list)
            lk_error("--part needs --files-from");
        return LK_EXIT_ERROR;
    }
    if (n == 0) {
        lk_error("no parts to merge");
        lk_print_usage(usage, options, stderr);
        return LK_EXIT_ERROR;
    }
    struct merge g = { 0 };
    lk_paths files = { 0 };
    lk_walk walk = { 0 };
    int status = LK_EXIT_ERROR;
    if ((!manifest || lk_manifest_load(&g.m, manifest) == 0) &&
        (!list || lk_inputs_read_list(&files, &walk, list, nul) == 0)) {
        lk_walk_report(&walk, 1);
        failed = walk.failed;
        lk_inputs_keep_part(&files, &part);
        status = merge(&g, n, argv, list ? &files : NULL, style_top);
    }
    merge_release(&g);
    lk_walk_release(&walk);
    lk_paths_release(&files);
    return failed ? LK_EXIT_ERROR : status;
}

const lk_cmd lk_cmd_merge = { "merge", cmd_merge,
                              "join the JSON Lines parts of a split scan, each input once", 0 };
