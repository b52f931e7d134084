/*
 * cmd_index_shard.c — `likeness index shard --shards N OUT_DIR`: writes N
 * read-only shards of the index (lk_index_shard: whole works, contiguous
 * in catalog order, balanced by entries) as OUT_DIR/shard-KKK.idx, then
 * OUT_DIR/manifest.json naming them and the index they come from.
 *
 * The manifest is written last (temporary file, fsync, rename): a
 * manifest names only complete shards.  Its shape (README "Sharding"):
 *   {"likeness_manifest": 1,
 *    "index": {"path" (absolute), "id", "generation", "works", "files", "entries"},
 *    "background": {...index-wide statistics scores need, copied from the
 *                   parent; empty while no score uses any...},
 *    "shards": [{"path" (relative to the manifest), "id", "generation",
 *                "first_row", "last_row", "works", "files", "entries"}]}
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

static cJSON *totals_json(const char *path, const char *id, uint64_t gen, int64_t works,
                          int64_t files, int64_t entries)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", path);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddNumberToObject(o, "generation", (double)gen);
    cJSON_AddNumberToObject(o, "works", (double)works);
    cJSON_AddNumberToObject(o, "files", (double)files);
    cJSON_AddNumberToObject(o, "entries", (double)entries);
    return o;
}

static cJSON *manifest_json(const char *index, const lk_index_stats *st, int n,
                            const lk_shard_info *info)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "likeness_manifest", 1);
    cJSON_AddItemToObject(m, "index", totals_json(index, st->index_uuid, st->generation,
                                                  st->works, st->files, st->entries));
    cJSON_AddObjectToObject(m, "background");
    cJSON *arr = cJSON_AddArrayToObject(m, "shards");
    for (int k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "shard-%03d.idx", k + 1);
        cJSON *s = totals_json(name, info[k].uuid, info[k].generation, info[k].works,
                               info[k].files, info[k].entries);
        cJSON_AddNumberToObject(s, "first_row", (double)info[k].first_row);
        cJSON_AddNumberToObject(s, "last_row", (double)info[k].last_row);
        cJSON_AddItemToArray(arr, s);
    }
    return m;
}

/* Writes text to path by a temporary file, fsync and rename.  0 or -1. */
static int write_file(const char *path, const char *text)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.4096s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    size_t n = strlen(text);
    int ok = fd >= 0 && write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1 &&
             fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (ok && rename(tmp, path) == 0)
        return 0;
    lk_error("cannot write '%s': %s", path, strerror(errno));
    unlink(tmp);
    return -1;
}

/* The shard paths under dir; NULL when out of memory. */
static char **shard_paths(const char *dir, int n)
{
    char **v = calloc((size_t)n, sizeof *v);
    for (int k = 0; v && k < n; k++) {
        size_t len = strlen(dir) + 32;
        if (!(v[k] = malloc(len)))
            return NULL; /* the process exits soon: leaking is fine here */
        snprintf(v[k], len, "%s/shard-%03d.idx", dir, k + 1);
    }
    return v;
}

/* Keeps the whole index's background of chance hits in its catalog for
 * its current generation, so that every shard (which copies the catalog's
 * statistics) scans with the same chances as the whole index.  A failure
 * is a warning: the shards then measure their own, smaller background. */
static void keep_background(const char *index)
{
    lk_scan_params p;
    lk_scanner *s = NULL;
    lk_index *ix = NULL;
    lk_errbuf err;
    char desc[32];
    lk_scan_params_default(&p);
    lk_errbuf_clear(&err);
    int rc = lk_scanner_keep_background(index, &err);
    /* and the whole index's descriptor count, which caps the shards' vote
     * buckets as the whole index's (valid with the kept generation) */
    if (rc == 0)
        rc = lk_scanner_open(&s, index, &p, &err);
    if (rc == 0)
        snprintf(desc, sizeof desc, "%zu", lk_scanner_local_descriptors(s));
    lk_scanner_free(&s);
    if (rc == 0)
        rc = lk_index_open(&ix, index, 0, &err);
    if (rc == 0)
        rc = lk_index_stat_put(ix, "stat.local_descriptors", desc, &err);
    lk_index_close(&ix);
    if (rc < 0)
        lk_warning("cannot keep the background of '%s' for its shards (%s): scans of the "
                   "shards will state other chances than the whole index's", index,
                   err.msg[0] ? err.msg : lk_strerror(rc));
}

static int shard(const char *index, int n, const char *dir)
{
    lk_index *ix = NULL;
    lk_errbuf err;
    lk_index_stats st;
    lk_errbuf_clear(&err);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        lk_error("cannot create '%s': %s", dir, strerror(errno));
        return LK_EXIT_ERROR;
    }
    keep_background(index);
    char **paths = shard_paths(dir, n);
    lk_shard_info *info = calloc((size_t)n, sizeof *info);
    int rc = paths && info ? lk_index_open(&ix, index, LK_INDEX_READONLY, &err)
                           : lk_cli_err(&err, LK_ENOMEM, "out of memory");
    if (rc == 0)
        rc = lk_index_snapshot(ix, &err);
    if (rc == 0)
        rc = lk_index_stats_get(ix, &st, &err);
    if (rc == 0)
        rc = lk_index_shard(ix, n, (const char *const *)paths, info, &err);
    lk_index_close(&ix);
    if (rc < 0)
        lk_error("%s", err.msg[0] ? err.msg : lk_strerror(rc));
    char *text = NULL, mpath[4096];
    if (rc == 0) {
        char *abs = realpath(index, NULL); /* the manifest says where it came from */
        cJSON *m = manifest_json(abs ? abs : index, &st, n, info);
        free(abs);
        text = m && lk_json_make_valid(m) == 0 ? cJSON_Print(m) : NULL;
        cJSON_Delete(m);
        snprintf(mpath, sizeof mpath, "%.4000s/manifest.json", dir);
        rc = text ? write_file(mpath, text) : (lk_error("out of memory"), -1);
    }
    for (int k = 0; rc == 0 && k < n; k++)
        printf("%s: %lld works, %lld entries\n", LK_ESC(paths[k]), (long long)info[k].works,
               (long long)info[k].entries);
    if (rc == 0)
        printf("%s: %d shards of '%s' (generation %llu)\n", LK_ESC(mpath), n, LK_ESC(index),
               (unsigned long long)st.generation);
    cJSON_free(text);
    for (int k = 0; paths && k < n; k++)
        free(paths[k]);
    free(paths);
    free(info);
    return rc == 0 ? LK_EXIT_OK : LK_EXIT_ERROR;
}

int lk_index_cmd_shard(int argc, char **argv)
{
    static const char *const usage[] = {
        "likeness index shard [--index PATH] --shards N OUT_DIR",
        "",
        "Writes N read-only shards of the index into OUT_DIR (shard-001.idx, ...),",
        "each holding whole works, balanced by entries, and OUT_DIR/manifest.json",
        "naming them and the index generation they come from.  Scan a suspect",
        "against every shard and 'likeness merge --shards OUT_DIR/manifest.json'",
        "gives what the whole index gives.",
        NULL,
    };
    const char *index = NULL;
    int n = 0;
    const lk_option opts[] = {
        LK_OPT_STRING_(0, "index", &index, "PATH",
                       "the index (default $LIKENESS_INDEX, else ./likeness.idx)"),
        LK_OPT_INT_(0, "shards", &n, "N", 1, LK_SHARDS_MAX, "number of shards"),
        LK_OPT_END_,
    };
    int ops = lk_parse_options(usage, opts, argc, argv);
    if (ops < 0)
        return ops == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (ops != 1 || n < 1) {
        lk_error(ops != 1 ? "want one output directory" : "--shards N is required");
        lk_print_usage(usage, opts, stderr);
        return LK_EXIT_ERROR;
    }
    return shard(lk_index_default_path(index), n, argv[0]);
}
