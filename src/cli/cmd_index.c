/*
 * cmd_index.c — `likeness index <subcommand>`: the reference catalog's
 * list, info, remove, verify, vacuum, export and import (add lives in
 * cmd_index_add.c).  Every subcommand takes --index PATH (default
 * $LIKENESS_INDEX, else ./likeness.idx); errors are one line naming the
 * index or file, exit status 2.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

static const char *const overview[] = {
    "likeness index <subcommand> [<options>]",
    "",
    "Keeps the reference index: a catalog of rightsholders' works and the",
    "hashes of their frames.  Subcommands:",
    "    add FILE|DIR...   hash pictures and videos into the index",
    "    list              list the works",
    "    info              totals, parameters and sizes",
    "    remove WORK...    remove works by id",
    "    verify            check every checksum and invariant",
    "    vacuum            reclaim free space",
    "    export            write the hashes (jsonl, pdq or vpdq)",
    "    import FILE       add shared PDQ or vPDQ hash lists",
    "    shard --shards N DIR  split into N read-only shards of whole works",
    "'likeness index <subcommand> --help' describes one.",
    NULL,
};

const char *lk_index_default_path(const char *opt)
{
    const char *env = getenv("LIKENESS_INDEX");
    return opt ? opt : env && *env ? env : "likeness.idx";
}

int lk_take_tags(int argc, char **argv, const char **tags, int max, int *ntags)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (!strcmp(argv[i], "--")) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (!strncmp(argv[i], "--tag=", 6))
            v = argv[i] + 6;
        else if (!strcmp(argv[i], "--tag") && i + 1 < argc)
            v = argv[++i];
        if (!v) {
            argv[out++] = argv[i];
            continue;
        }
        if (*ntags >= max || !strchr(v, '=') || v[0] == '=') {
            lk_error(*ntags >= max ? "too many --tag options" : "tag '%s' is not key=value", v);
            return -1;
        }
        tags[(*ntags)++] = v;
    }
    argv[out] = NULL;
    return out;
}

/* Opens the index for reading (or writing when write), falling back to
 * read-only when the files cannot be written.  Prints the error. */
static lk_index *open_index(const char *path, int write)
{
    lk_index *ix = NULL;
    lk_errbuf err;
    lk_errbuf_clear(&err);
    int rc = lk_index_open(&ix, path, write ? 0 : LK_INDEX_READONLY, &err);
    if (rc < 0 && write && (rc == LK_EROFS || rc == LK_EACCES || rc == LK_EIO)) {
        lk_errbuf_clear(&err);
        rc = lk_index_open(&ix, path, LK_INDEX_READONLY, &err);
    }
    if (rc < 0) {
        lk_error("%s", err.msg);
        return NULL;
    }
    return ix;
}

/* Parses options of a subcommand taking exactly `want` operands (-1: at
 * least one).  Returns the operand count or -1 (status in *status). */
static int parse(const char *const *usage, const lk_option *opts, int argc, char **argv,
                 int want, int *status)
{
    int n = lk_parse_options(usage, opts, argc, argv);
    *status = n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (n < 0)
        return -1;
    if ((want >= 0 && n != want) || (want < 0 && n == 0)) {
        lk_error(want == 0 ? "'%s' takes no operands" : "wrong number of operands for '%s'",
                 usage[0]);
        lk_print_usage(usage, opts, stderr);
        *status = LK_EXIT_ERROR;
        return -1;
    }
    return n;
}

static void fmt_duration(double s, char *buf, size_t n)
{
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static int print_work(const lk_index_work_info *w, void *ctx)
{
    cJSON *arr = ctx;
    if (arr) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "work_id", w->work_id);
        cJSON_AddStringToObject(o, "owner", w->owner);
        cJSON_AddStringToObject(o, "title", w->title);
        cJSON_AddStringToObject(o, "tags", w->tags);
        cJSON_AddNumberToObject(o, "files", (double)w->files);
        cJSON_AddNumberToObject(o, "duration", w->duration);
        cJSON_AddNumberToObject(o, "frames", (double)w->sampled);
        cJSON_AddNumberToObject(o, "entries", (double)w->entries);
        cJSON_AddItemToArray(arr, o);
        return 0;
    }
    char d[32];
    fmt_duration(w->duration, d, sizeof d);
    printf("%-16s  %-20s  %-28s  %5lld  %9s  %7lld  %7lld\n", w->work_id, w->owner, w->title,
           (long long)w->files, d, (long long)w->sampled, (long long)w->entries);
    return 0;
}

static int print_json(cJSON *o)
{
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    if (!s) {
        lk_error("out of memory");
        return LK_EXIT_ERROR;
    }
    puts(s);
    cJSON_free(s);
    return LK_EXIT_OK;
}

#define INDEX_OPT(p) LK_OPT_STRING_(0, "index", p, "PATH", \
    "the index (default $LIKENESS_INDEX, else ./likeness.idx)")

static int cmd_list(int argc, char **argv)
{
    static const char *const usage[] = { "likeness index list [--index PATH] [--json]", NULL };
    const char *path = NULL;
    int json = 0, status;
    const lk_option opts[] = { INDEX_OPT(&path), LK_OPT_FLAG_(0, "json", &json, "print JSON"),
                               LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 0, &status) < 0)
        return status;
    lk_index *ix = open_index(lk_index_default_path(path), 0);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    cJSON *arr = json ? cJSON_CreateArray() : NULL;
    if (!json)
        printf("%-16s  %-20s  %-28s  %5s  %9s  %7s  %7s\n", "WORK", "OWNER", "TITLE", "FILES",
               "DURATION", "FRAMES", "ENTRIES");
    int rc = lk_index_list(ix, print_work, arr, &err);
    lk_index_close(&ix);
    if (rc < 0) {
        cJSON_Delete(arr);
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    return json ? print_json(arr) : LK_EXIT_OK;
}

static cJSON *stats_json(const char *path, const lk_index_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    int64_t bytes = s->catalog_bytes + s->segment_bytes;
    cJSON_AddStringToObject(o, "index", path);
    cJSON_AddStringToObject(o, "id", s->index_uuid);
    cJSON_AddNumberToObject(o, "format_version", s->format_version);
    cJSON_AddNumberToObject(o, "feature_version", s->feature_version);
    cJSON_AddNumberToObject(o, "generation", (double)s->generation);
    cJSON_AddNumberToObject(o, "owners", (double)s->owners);
    cJSON_AddNumberToObject(o, "works", (double)s->works);
    cJSON_AddNumberToObject(o, "files", (double)s->files);
    cJSON_AddNumberToObject(o, "frames", (double)s->sampled);
    cJSON_AddNumberToObject(o, "entries", (double)s->entries);
    cJSON_AddNumberToObject(o, "collapse_distance", LK_INDEX_COLLAPSE_DISTANCE);
    cJSON_AddNumberToObject(o, "catalog_bytes", (double)s->catalog_bytes);
    cJSON_AddNumberToObject(o, "segment_bytes", (double)s->segment_bytes);
    cJSON_AddNumberToObject(o, "bytes_per_entry", s->entries ? (double)bytes / s->entries : 0);
    if (s->has_params) {
        cJSON *p = cJSON_AddObjectToObject(o, "sampling");
        cJSON_AddNumberToObject(p, "fps", s->params.fps);
        cJSON_AddBoolToObject(p, "keyframes", s->params.keyframes);
        cJSON_AddBoolToObject(p, "scene_cuts", s->params.scene_cuts);
        cJSON_AddNumberToObject(p, "max_dim", s->params.max_dim);
        cJSON_AddBoolToObject(p, "crop_borders", s->params.crop_borders);
    }
    return o;
}

static void print_stats(const char *path, const lk_index_stats *s)
{
    int64_t bytes = s->catalog_bytes + s->segment_bytes;
    printf("index:      %s (id %s)\n", path, s->index_uuid);
    printf("versions:   format %d, features %d; generation %llu\n", s->format_version,
           s->feature_version, (unsigned long long)s->generation);
    printf("contents:   %lld owners, %lld works, %lld files\n", (long long)s->owners,
           (long long)s->works, (long long)s->files);
    printf("frames:     %lld sampled, %lld entries (runs within PDQ distance %d merged)\n",
           (long long)s->sampled, (long long)s->entries, LK_INDEX_COLLAPSE_DISTANCE);
    if (s->has_params)
        printf("sampling:   fps %g, keyframes %s, scene cuts %s, max-dim %d, crop %s\n",
               s->params.fps, s->params.keyframes ? "yes" : "no",
               s->params.scene_cuts ? "yes" : "no", s->params.max_dim,
               s->params.crop_borders ? "yes" : "no");
    else
        printf("sampling:   not set (no media added yet)\n");
    printf("size:       catalog %lld bytes, segment %lld bytes, %.1f bytes per entry\n",
           (long long)s->catalog_bytes, (long long)s->segment_bytes,
           s->entries ? (double)bytes / (double)s->entries : 0.0);
}

static int cmd_info(int argc, char **argv)
{
    static const char *const usage[] = { "likeness index info [--index PATH] [--json]", NULL };
    const char *path = NULL;
    int json = 0, status;
    const lk_option opts[] = { INDEX_OPT(&path), LK_OPT_FLAG_(0, "json", &json, "print JSON"),
                               LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 0, &status) < 0)
        return status;
    path = lk_index_default_path(path);
    lk_index *ix = open_index(path, 0);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    lk_index_stats st;
    int rc = lk_index_stats_get(ix, &st, &err);
    lk_index_close(&ix);
    if (rc < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    if (json)
        return print_json(stats_json(path, &st));
    print_stats(path, &st);
    return LK_EXIT_OK;
}

/* Brings the segment up to date after a change; a failure only warns. */
static void refresh_segment(lk_index *ix)
{
    const lk_hash256 *h;
    size_t n;
    lk_errbuf err;
    if (lk_index_hashes(ix, &h, &n, &err) < 0)
        lk_warning("%s", err.msg);
}

static int cmd_remove(int argc, char **argv)
{
    static const char *const usage[] = { "likeness index remove [--index PATH] <work-id>...",
                                         NULL };
    const char *path = NULL;
    int status;
    const lk_option opts[] = { INDEX_OPT(&path), LK_OPT_END_ };
    int n = parse(usage, opts, argc, argv, -1, &status);
    if (n < 0)
        return status;
    lk_index *ix = open_index(lk_index_default_path(path), 1);
    if (!ix)
        return LK_EXIT_ERROR;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        lk_errbuf err;
        if (lk_index_remove_work(ix, argv[i], &err) < 0) {
            lk_error("%s", err.msg);
            failed++;
        } else {
            printf("removed %s\n", argv[i]);
        }
    }
    refresh_segment(ix);
    lk_index_close(&ix);
    return failed ? LK_EXIT_ERROR : LK_EXIT_OK;
}

static int cmd_verify(int argc, char **argv)
{
    static const char *const usage[] = { "likeness index verify [--index PATH]", "",
        "Checks the catalog (SQLite integrity, every frame checksum and invariant)",
        "and the search segment, which is rebuilt if stale or damaged.", NULL };
    const char *path = NULL;
    int status, repairs = 0;
    const lk_option opts[] = { INDEX_OPT(&path), LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 0, &status) < 0)
        return status;
    lk_index *ix = open_index(lk_index_default_path(path), 1);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    lk_errbuf_clear(&err);
    lk_index_stats st;
    int rc = lk_index_verify(ix, &repairs, &err);
    if (rc == 0 && repairs)
        printf("repaired: %s\n", err.msg);
    if (rc == 0)
        rc = lk_index_stats_get(ix, &st, &err);
    lk_index_close(&ix);
    if (rc < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    printf("ok: %lld works, %lld files, %lld entries verified\n", (long long)st.works,
           (long long)st.files, (long long)st.entries);
    return LK_EXIT_OK;
}

static int cmd_vacuum(int argc, char **argv)
{
    static const char *const usage[] = { "likeness index vacuum [--index PATH]", NULL };
    const char *path = NULL;
    int status;
    const lk_option opts[] = { INDEX_OPT(&path), LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 0, &status) < 0)
        return status;
    lk_index *ix = open_index(lk_index_default_path(path), 1);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    lk_index_stats a, b;
    int rc = lk_index_stats_get(ix, &a, &err);
    if (rc == 0)
        rc = lk_index_vacuum(ix, &err);
    if (rc == 0)
        rc = lk_index_stats_get(ix, &b, &err);
    lk_index_close(&ix);
    if (rc < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    printf("vacuumed: catalog %lld -> %lld bytes\n", (long long)a.catalog_bytes,
           (long long)b.catalog_bytes);
    return LK_EXIT_OK;
}

static int cmd_export(int argc, char **argv)
{
    static const char *const usage[] = {
        "likeness index export [--index PATH] [--format jsonl|pdq|vpdq] [--work ID]", "",
        "Writes every indexed entry (or one work's) to standard output.", NULL };
    static const char *const formats[] = { "auto", "jsonl", "pdq", "vpdq", NULL };
    const char *path = NULL, *work = NULL;
    int status, format = LK_HASHLIST_JSONL;
    const lk_option opts[] = {
        INDEX_OPT(&path),
        LK_OPT_CHOICE_(0, "format", &format, "FMT", formats, "jsonl (default), pdq or vpdq"),
        LK_OPT_STRING_(0, "work", &work, "ID", "only this work"), LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 0, &status) < 0)
        return status;
    if (format == LK_HASHLIST_AUTO) {
        lk_error("export needs a format: jsonl, pdq or vpdq");
        return LK_EXIT_ERROR;
    }
    lk_index *ix = open_index(lk_index_default_path(path), 0);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    int rc = lk_index_export(ix, work, stdout, format, &err);
    lk_index_close(&ix);
    if (rc < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    return LK_EXIT_OK;
}

/* Imports one hash list as a work; returns the exit status. */
static int import_file(lk_index *ix, const char *file, lk_index_work *w, int format)
{
    lk_errbuf err;
    uint8_t sha[32];
    int64_t size;
    char have[LK_WORK_ID_MAX + 1], id[17];
    if (lk_sha256_file(file, sha, &size, &err) < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    int rc = lk_index_has_content(ix, sha, have, &err);
    if (rc == 1) {
        fprintf(stderr, "notice: %s: already indexed in work %s, skipped\n", file, have);
        return LK_EXIT_OK;
    }
    for (int i = 0; i < 8; i++)
        snprintf(id + 2 * i, 3, "%02x", sha[i]);
    if (!w->work_id)
        w->work_id = id;
    FILE *fp = rc == 0 ? fopen(file, "r") : NULL;
    long n = rc < 0 ? rc : fp ? lk_index_import(ix, w, fp, file, sha, format, &err) : LK_EIO;
    if (fp)
        fclose(fp);
    if (n < 0) {
        lk_error("%s", rc < 0 || fp ? err.msg : "cannot open the hash list");
        return LK_EXIT_ERROR;
    }
    printf("imported %ld hashes from %s into work %s\n", n, file, w->work_id);
    refresh_segment(ix);
    return LK_EXIT_OK;
}

static int cmd_import(int argc, char **argv)
{
    static const char *const usage[] = {
        "likeness index import [--index PATH] --owner NAME --title TITLE [--work-id ID]",
        "       [--tag KEY=VALUE]... [--format auto|pdq|vpdq] <file>", "",
        "Adds pre-computed PDQ hashes (\"hash,quality,...\" lines) or vPDQ hashes",
        "(\"frame,quality,hash,timestamp\" lines) as one work, without the media.", NULL };
    static const char *const formats[] = { "auto", "jsonl", "pdq", "vpdq", NULL };
    const char *path = NULL, *tags[64], *tag_help = NULL;
    int status, format = LK_HASHLIST_AUTO, ntags = 0;
    lk_index_work w = { 0 };
    const lk_option opts[] = {
        INDEX_OPT(&path),
        LK_OPT_STRING_(0, "owner", &w.owner, "NAME", "rightsholder (required)"),
        LK_OPT_STRING_(0, "title", &w.title, "TITLE", "title of the work (required)"),
        LK_OPT_STRING_(0, "work-id", &w.work_id, "ID", "work id (default: from the content)"),
        LK_OPT_STRING_(0, "tag", &tag_help, "KEY=VALUE", "attach a tag (repeatable)"),
        LK_OPT_CHOICE_(0, "format", &format, "FMT", formats, "auto (default), pdq or vpdq"),
        LK_OPT_END_ };
    if ((argc = lk_take_tags(argc, argv, tags, 64, &ntags)) < 0)
        return LK_EXIT_ERROR;
    if (parse(usage, opts, argc, argv, 1, &status) < 0)
        return status;
    if (!w.owner || !w.title || format == LK_HASHLIST_JSONL) {
        lk_error(format == LK_HASHLIST_JSONL ? "import reads pdq or vpdq lines"
                                             : "import needs --owner and --title");
        return LK_EXIT_ERROR;
    }
    w.tags = tags, w.ntags = ntags;
    lk_index *ix = NULL;
    lk_errbuf err;
    if (lk_index_open(&ix, lk_index_default_path(path), LK_INDEX_CREATE, &err) < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    status = import_file(ix, argv[0], &w, format);
    lk_index_close(&ix);
    return status;
}

static const lk_cmd subs[] = {
    { "add", lk_index_cmd_add, "" },   { "list", cmd_list, "" },
    { "info", cmd_info, "" },          { "remove", cmd_remove, "" },
    { "verify", cmd_verify, "" },      { "vacuum", cmd_vacuum, "" },
    { "export", cmd_export, "" },      { "import", cmd_import, "" },
    { "shard", lk_index_cmd_shard, "" },
};

static int cmd_index(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        lk_print_usage(overview, NULL, argc < 2 ? stderr : stdout);
        return argc < 2 ? LK_EXIT_ERROR : LK_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (!strcmp(subs[i].name, argv[1]))
            return subs[i].fn(argc - 1, argv + 1);
    lk_error("'%s' is not an index subcommand; see 'likeness index --help'", argv[1]);
    return LK_EXIT_ERROR;
}

const lk_cmd lk_cmd_index = { "index", cmd_index,
                              "keep the reference index of rightsholders' works" };
