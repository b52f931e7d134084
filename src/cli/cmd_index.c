/*
 * cmd_index.c — `likeness index <subcommand>`: the reference catalog's
 * list, info, show, remove, verify, vacuum, export and import (add lives in
 * cmd_index_add.c).  Every subcommand takes --index PATH (default
 * $LIKENESS_INDEX, else ./likeness.idx); errors are one line naming the
 * index or file, exit status 2.
 */
#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/export_media.h"
#include "likeness/likeness.h"

static const char *const overview[] = {
    "likeness index <subcommand> [<options>]",
    "",
    "Keeps the reference index: a catalog of rightsholders' works and the",
    "hashes of their frames.  Subcommands:",
    NULL,
};

const char *lk_index_default_path(const char *opt)
{
    const char *env = getenv("LIKENESS_INDEX");
    return opt ? opt : env && *env ? env : "likeness.idx";
}

int lk_check_tags(const lk_strlist *tags)
{
    for (int i = 0; i < tags->n; i++) {
        const char *v = tags->v[i];
        if (!strchr(v, '=') || v[0] == '=') {
            lk_error("tag '%s' is not key=value", v);
            return -1;
        }
    }
    return 0;
}

void lk_index_error(const char *path, const lk_errbuf *err)
{
    lk_error("%s", err->msg[0] ? err->msg : lk_strerror(err->code));
    if (err->code == LK_ENOENT && access(path, F_OK) != 0)
        fputs("hint: create one with 'likeness index add --owner NAME FILE|DIR...', or name "
              "one with --index PATH or LIKENESS_INDEX=PATH\n", stderr);
}

/* How open_index opens: read-only, for writing where the files can be
 * written (verify: repairs then, checks anyway), or for writing only
 * (remove, vacuum: a read-only fallback would hide why it cannot write). */
enum { OPEN_READ, OPEN_WRITE_IF_CAN, OPEN_WRITE };

/* Opens the index as mode says (OPEN_*).  Prints the error. */
static lk_index *open_index(const char *path, int mode)
{
    lk_index *ix = NULL;
    lk_errbuf err;
    lk_errbuf_clear(&err);
    int rc = lk_index_open(&ix, path, mode != OPEN_READ ? 0 : LK_INDEX_READONLY, &err);
    if (rc < 0 && mode == OPEN_WRITE_IF_CAN &&
        (rc == LK_EROFS || rc == LK_EACCES || rc == LK_EIO)) {
        lk_errbuf_clear(&err);
        rc = lk_index_open(&ix, path, LK_INDEX_READONLY, &err);
    }
    if (rc < 0) {
        lk_index_error(path, &err);
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
        lk_usage_hint(usage);
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

static cJSON *work_json(const lk_index_work_info *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "work_id", w->work_id);
    cJSON_AddStringToObject(o, "owner", w->owner);
    cJSON_AddStringToObject(o, "title", w->title);
    cJSON_AddStringToObject(o, "tags", w->tags);
    cJSON_AddNumberToObject(o, "files", (double)w->files);
    cJSON_AddNumberToObject(o, "duration", w->duration);
    cJSON_AddNumberToObject(o, "frames", (double)w->sampled);
    cJSON_AddNumberToObject(o, "entries", (double)w->entries);
    return o;
}

/* Collects every work as JSON (the text table is printed from it once
 * every width is known). */
static int add_work(const lk_index_work_info *w, void *ctx)
{
    cJSON_AddItemToArray(ctx, work_json(w));
    return 0;
}

/* The text columns of `index list`: widths by display width (CJK titles
 * take two columns a character), text cells capped and ellipsized. */
enum { COL_WORK, COL_OWNER, COL_TITLE, NTEXT };
static const char *const col_names[] = { "WORK", "OWNER", "TITLE" };
static const char *const col_keys[] = { "work_id", "owner", "title" };
static const int col_max[] = { 24, 24, 40 };

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void print_table(const cJSON *arr)
{
    int width[NTEXT];
    const cJSON *o;
    for (int c = 0; c < NTEXT; c++) {
        width[c] = lk_text_width(col_names[c]);
        cJSON_ArrayForEach(o, arr) {
            int w = lk_text_width(str_of(o, col_keys[c]));
            width[c] = w > width[c] ? (w < col_max[c] ? w : col_max[c]) : width[c];
        }
    }
    for (int c = 0; c < NTEXT; c++) {
        lk_text_cell(stdout, col_names[c], width[c], 0);
        fputs("  ", stdout);
    }
    printf("%5s  %9s  %7s  %7s\n", "FILES", "DURATION", "FRAMES", "ENTRIES");
    cJSON_ArrayForEach(o, arr) {
        char d[32];
        for (int c = 0; c < NTEXT; c++) {
            lk_text_cell(stdout, str_of(o, col_keys[c]), width[c], 0);
            fputs("  ", stdout);
        }
        fmt_duration(num_of(o, "duration"), d, sizeof d);
        printf("%5.0f  %9s  %7.0f  %7.0f\n", num_of(o, "files"), d, num_of(o, "frames"),
               num_of(o, "entries"));
    }
}

static int print_json(cJSON *o)
{
    char *s = lk_json_make_valid(o) == 0 ? cJSON_Print(o) : NULL;
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
    lk_index *ix = open_index(lk_index_default_path(path), OPEN_READ);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    cJSON *arr = cJSON_CreateArray();
    int rc = arr ? lk_index_list(ix, add_work, arr, &err) : lk_cli_err(&err, LK_ENOMEM,
                                                                     "out of memory");
    lk_index_close(&ix);
    if (rc < 0) {
        cJSON_Delete(arr);
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    if (json)
        return print_json(arr);
    print_table(arr);
    cJSON_Delete(arr);
    return LK_EXIT_OK;
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
    printf("index:      %s (id %s)\n", LK_ESC(path), s->index_uuid);
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
    lk_index *ix = open_index(path, OPEN_READ);
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

/* `index show`: the work found by lk_index_list, then its files. */
struct show {
    const char *id;          /* the work asked for */
    cJSON *json;             /* --json: the work object being built, else NULL */
    int found;
};

static int show_work(const lk_index_work_info *w, void *ctx)
{
    struct show *sh = ctx;
    if (strcmp(w->work_id, sh->id))
        return 0;
    sh->found = 1;
    if (sh->json) {
        cJSON_AddStringToObject(sh->json, "work_id", w->work_id);
        cJSON_AddStringToObject(sh->json, "owner", w->owner);
        cJSON_AddStringToObject(sh->json, "title", w->title);
        cJSON_AddStringToObject(sh->json, "tags", w->tags);
        return 1;
    }
    printf("work %s: \"%s\" (%s), %lld file%s%s%s\n", LK_ESC(w->work_id), LK_ESC(w->title),
           LK_ESC(w->owner), (long long)w->files, w->files == 1 ? "" : "s",
           *w->tags ? "; tags " : "", LK_ESC(w->tags));
    printf("%-44s  %10s  %7s  %7s  %9s  %s\n", "FILE", "DURATION", "FRAMES", "ENTRIES",
           "BYTES", "SHA-256");
    return 1;
}

static int show_file(const lk_index_file *f, int64_t entries, void *ctx)
{
    struct show *sh = ctx;
    char sha[65], d[32];
    for (int i = 0; i < 32; i++)
        snprintf(sha + 2 * i, 3, "%02x", f->sha256[i]);
    if (sh->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", f->path);
        cJSON_AddStringToObject(o, "sha256", sha);
        cJSON_AddNumberToObject(o, "bytes", (double)f->size);
        cJSON_AddNumberToObject(o, "duration", f->duration);
        cJSON_AddNumberToObject(o, "frames", (double)f->sampled);
        cJSON_AddNumberToObject(o, "entries", (double)entries);
        cJSON_AddNumberToObject(o, "width", f->width);
        cJSON_AddNumberToObject(o, "height", f->height);
        cJSON_AddNumberToObject(o, "fps", f->fps);
        cJSON_AddStringToObject(o, "format", f->format ? f->format : "");
        cJSON_AddBoolToObject(o, "imported", f->imported);
        cJSON_AddItemToArray(cJSON_GetObjectItem(sh->json, "files"), o);
        return 0;
    }
    if (f->imported || f->duration > 0)
        snprintf(d, sizeof d, "%ld:%02ld:%04.1f", (long)(f->duration / 3600),
                 (long)(f->duration / 60) % 60, f->duration - 60 * (long)(f->duration / 60));
    printf("%-44s  %10s  %7lld  %7lld  %9lld  %s\n", LK_ESC(f->path),
           f->imported ? "imported" : f->duration > 0 ? d : "still", (long long)f->sampled,
           (long long)entries, (long long)f->size, sha);
    return 0;
}

static int cmd_show(int argc, char **argv)
{
    static const char *const usage[] = { "likeness index show [--index PATH] [--json] <work-id>",
        "", "Lists a work's files: durations, sampled frames, entries, sizes and SHA-256.",
        NULL };
    const char *path = NULL;
    int json = 0, status;
    const lk_option opts[] = { INDEX_OPT(&path), LK_OPT_FLAG_(0, "json", &json, "print JSON"),
                               LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 1, &status) < 0)
        return status;
    lk_index *ix = open_index(lk_index_default_path(path), OPEN_READ);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    struct show sh = { argv[0], json ? cJSON_CreateObject() : NULL, 0 };
    int rc = lk_index_list(ix, show_work, &sh, &err);
    if (rc >= 0 && sh.json)
        cJSON_AddArrayToObject(sh.json, "files");
    if (rc >= 0 && !sh.found)
        rc = lk_cli_err(&err, LK_ENOENT, "no work '%s' in the index", sh.id);
    if (rc >= 0)
        rc = lk_index_work_files(ix, sh.id, show_file, &sh, &err);
    lk_index_close(&ix);
    if (rc < 0) {
        cJSON_Delete(sh.json);
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    return json ? print_json(sh.json) : LK_EXIT_OK;
}

void lk_cli_keep_background(const char *index)
{
    lk_errbuf err;
    lk_errbuf_clear(&err);
    if (lk_scanner_keep_background(index, &err) < 0)
        lk_warning("cannot keep the background of chance hits in '%s' (%s): each scan "
                   "will measure it when it opens the index", LK_ESC(index), err.msg);
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
    lk_index *ix = open_index(lk_index_default_path(path), OPEN_WRITE);
    if (!ix)
        return LK_EXIT_ERROR;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        lk_errbuf err;
        if (lk_index_remove_work(ix, argv[i], &err) < 0) {
            lk_error("%s", err.msg);
            failed++;
        } else {
            printf("removed %s\n", LK_ESC(argv[i]));
        }
    }
    refresh_segment(ix);
    lk_index_close(&ix);
    lk_cli_keep_background(lk_index_default_path(path));
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
    lk_index *ix = open_index(lk_index_default_path(path), OPEN_WRITE_IF_CAN);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    lk_errbuf_clear(&err);
    lk_index_stats st;
    int rc = lk_index_verify(ix, &repairs, &err);
    if (rc == 0 && repairs)
        printf("repaired: %s\n", LK_ESC(err.msg));
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
    lk_index *ix = open_index(lk_index_default_path(path), OPEN_WRITE);
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

static int count_file(const lk_index_file *f, int64_t entries, void *ctx)
{
    (void)f, (void)entries, (void)ctx;
    return 0;
}

/* --output-dir only with vpdq; vpdq to stdout only for one file.  0 or < 0. */
static int export_checks(lk_index *ix, const char *work, int format, const char *dir,
                         lk_errbuf *err)
{
    if (dir && format != LK_HASHLIST_VPDQ) {
        snprintf(err->msg, sizeof err->msg, "--output-dir writes vpdq lists (--format vpdq)");
        return LK_EINVAL;
    }
    if (dir || format != LK_HASHLIST_VPDQ)
        return 0;
    lk_index_stats st;
    int64_t files = work ? lk_index_work_files(ix, work, count_file, NULL, err) : 0;
    if (!work && lk_index_stats_get(ix, &st, err) == 0)
        files = st.files;
    if (files < 0)
        return (int)files;
    if (files > 1) {
        snprintf(err->msg, sizeof err->msg, "a vPDQ list holds one video, and %lld files "
                 "were selected\nhint: --output-dir DIR writes DIR/NAME.txt per file, as the "
                 "reference vPDQ hasher does", (long long)files);
        return LK_EINVAL;
    }
    return 0;
}

static int cmd_export(int argc, char **argv)
{
    static const char *const usage[] = {
        "likeness index export [--index PATH] [--format jsonl|pdq|vpdq|likeness] [--work ID]",
        "",
        "Writes every indexed entry (or one work's) to standard output.  'likeness' is",
        "the lossless exchange format that 'index import' reads back whole: works, tags,",
        "files, every entry with its times, view and features.  pdq and vpdq are what",
        "partners compare with the reference hashers: each indexed file is read again",
        "from where it was added, checked against its SHA-256 and hashed as 'hash",
        "--format pdq|vpdq' does, at the index's sampling rate (imported hash lists",
        "are written as stored); --from-index writes the index's own working-size",
        "hashes instead, without the media.  A vPDQ list holds one video: for",
        "several, --output-dir DIR writes DIR/NAME.txt per indexed file.", NULL };
    /* the formats export writes: LK_HASHLIST_JSONL + their index */
    static const char *const formats[] = { "jsonl", "pdq", "vpdq", "likeness", NULL };
    const char *path = NULL, *work = NULL, *dir = NULL;
    int status, choice = 0, from_index = 0;
    const lk_option opts[] = {
        INDEX_OPT(&path),
        LK_OPT_CHOICE_(0, "format", &choice, "FMT", formats,
                       "jsonl (default), pdq, vpdq or likeness (lossless)"),
        LK_OPT_STRING_(0, "work", &work, "ID", "only this work"),
        LK_OPT_STRING_('o', "output-dir", &dir, "DIR",
                       "vpdq: write DIR/NAME.txt per indexed file"),
        LK_OPT_FLAG_(0, "from-index", &from_index,
                     "pdq, vpdq: the index's own hashes, not the media's reference hashes"),
        LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 0, &status) < 0)
        return status;
    int format = LK_HASHLIST_JSONL + choice;
    lk_index *ix = open_index(lk_index_default_path(path), OPEN_READ);
    if (!ix)
        return LK_EXIT_ERROR;
    lk_errbuf err;
    int rc = export_checks(ix, work, format, dir, &err);
    int sharing = format == LK_HASHLIST_PDQ || format == LK_HASHLIST_VPDQ;
    if (rc == 0 && sharing && !from_index) {
        status = lk_cli_export_media(ix, work, format, dir);
        lk_index_close(&ix);
        return status;
    }
    if (rc == 0 && from_index && !sharing)
        rc = lk_cli_err(&err, LK_EINVAL, "--from-index goes with --format pdq or vpdq "
                        "(the other formats always come from the index)");
    if (rc == 0 && dir)
        rc = (int)lk_index_export_vpdq_dir(ix, work, dir, &err);
    else if (rc == 0)
        rc = lk_index_export(ix, work, stdout, format, &err);
    lk_index_close(&ix);
    if (rc < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    return LK_EXIT_OK;
}

/* 1 if file starts like a lossless export (a JSON object), else 0. */
static int is_lossless(const char *file)
{
    FILE *fp = fopen(file, "r");
    int c = fp ? getc(fp) : EOF;
    if (fp)
        fclose(fp);
    return c == '{';
}

/* Reads a lossless export (its own works) into the index; the exit status. */
static int import_lossless(const char *path, const char *file, const lk_index_work *w,
                           int ntags)
{
    if (w->owner || w->title || w->work_id || ntags) {
        lk_error("%s: a likeness export names its own works: --owner, --title, --work-id "
                 "and --tag do not apply", file);
        return LK_EXIT_ERROR;
    }
    FILE *fp = fopen(file, "r");
    if (!fp) {
        lk_error("%s: %s", file, strerror(errno));
        return LK_EXIT_ERROR;
    }
    lk_index *ix = NULL;
    lk_errbuf err;
    lk_index_import_totals t;
    int rc = lk_index_open(&ix, lk_index_default_path(path), LK_INDEX_CREATE, &err);
    if (rc == 0)
        rc = lk_index_import_lossless(ix, fp, file, &t, &err);
    fclose(fp);
    if (rc < 0) {
        lk_index_close(&ix);
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    printf("imported %lld works, %lld files, %lld entries from %s", (long long)t.works,
           (long long)t.files, (long long)t.entries, file);
    if (t.skipped)
        printf(" (%lld files already indexed, skipped)", (long long)t.skipped);
    putchar('\n');
    refresh_segment(ix);
    lk_index_close(&ix);
    lk_cli_keep_background(lk_index_default_path(path));
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
        lk_message("notice", "%s: already indexed in work %s, skipped", file, have);
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
    printf("imported %ld hashes from %s into work %s\n", n, LK_ESC(file), LK_ESC(w->work_id));
    refresh_segment(ix);
    return LK_EXIT_OK;
}

static int cmd_import(int argc, char **argv)
{
    static const char *const usage[] = {
        "likeness index import [--index PATH] --owner NAME --title TITLE [--work-id ID]",
        "       [--tag KEY=VALUE]... [--format auto|pdq|vpdq] <file>",
        "   or: likeness index import [--index PATH] [--format likeness] <export>", "",
        "Adds pre-computed PDQ hashes (\"hash,quality,...\" lines) or vPDQ hashes",
        "(\"frame,quality,hash,timestamp\" lines) as one work, without the media; or",
        "reads back a lossless export ('index export --format likeness', detected by",
        "its first line) with its own works, files and entries.", NULL };
    static const char *const formats[] = { "auto", "jsonl", "pdq", "vpdq", "likeness", NULL };
    const char *path = NULL;
    lk_strlist tags = { .n = 0 };
    int status, format = LK_HASHLIST_AUTO;
    lk_index_work w = { 0 };
    const lk_option opts[] = {
        INDEX_OPT(&path),
        LK_OPT_STRING_(0, "owner", &w.owner, "NAME", "rightsholder (required)"),
        LK_OPT_STRING_(0, "title", &w.title, "TITLE", "title of the work (required)"),
        LK_OPT_STRING_(0, "work-id", &w.work_id, "ID", "work id (default: from the content)"),
        LK_OPT_LIST_(0, "tag", &tags, "KEY=VALUE", "attach a tag (repeatable)"),
        LK_OPT_CHOICE_(0, "format", &format, "FMT", formats,
                       "auto (default), pdq, vpdq or likeness"),
        LK_OPT_END_ };
    if (parse(usage, opts, argc, argv, 1, &status) < 0)
        return status;
    if (format == LK_HASHLIST_LIKENESS || (format == LK_HASHLIST_AUTO && is_lossless(argv[0])))
        return import_lossless(path, argv[0], &w, tags.n);
    if (lk_check_tags(&tags) < 0)
        return LK_EXIT_ERROR;
    if (!w.owner || !w.title || format == LK_HASHLIST_JSONL) {
        lk_error(format == LK_HASHLIST_JSONL ? "import reads pdq or vpdq lines"
                 : !w.owner ? "import needs --owner NAME (the rightsholder)"
                            : "import needs --title TITLE");
        return LK_EXIT_ERROR;
    }
    if (!*w.owner || !*w.title) {
        lk_error("the %s must not be empty", !*w.owner ? "owner (--owner)" : "title (--title)");
        return LK_EXIT_ERROR;
    }
    w.tags = tags.v, w.ntags = tags.n;
    lk_index *ix = NULL;
    lk_errbuf err;
    if (lk_index_open(&ix, lk_index_default_path(path), LK_INDEX_CREATE, &err) < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    status = import_file(ix, argv[0], &w, format);
    lk_index_close(&ix);
    if (status == LK_EXIT_OK)
        lk_cli_keep_background(lk_index_default_path(path));
    return status;
}

const lk_cmd lk_index_subs[] = {
    { "add", lk_index_cmd_add, "hash pictures and videos into the index", 0 },
    { "list", cmd_list, "list the works", 0 },
    { "info", cmd_info, "totals, parameters and sizes", 0 },
    { "show", cmd_show, "a work's files: durations, frames, hashes", 0 },
    { "remove", cmd_remove, "remove works by id", 0 },
    { "verify", cmd_verify, "check every checksum and invariant", 0 },
    { "vacuum", cmd_vacuum, "reclaim free space", 0 },
    { "export", cmd_export, "write the hashes (jsonl, pdq, vpdq, lossless likeness)", 0 },
    { "import", cmd_import, "add shared PDQ or vPDQ hash lists, or a likeness export", 0 },
    { "shard", lk_index_cmd_shard, "split into N read-only shards of whole works", 0 },
};
const size_t lk_index_nsubs = sizeof lk_index_subs / sizeof lk_index_subs[0];

static void print_overview(FILE *fp)
{
    lk_print_usage(overview, NULL, fp);
    for (size_t i = 0; i < lk_index_nsubs; i++)
        fprintf(fp, "    %-8s  %s\n", lk_index_subs[i].name, lk_index_subs[i].summary);
    fputs("'likeness index <subcommand> --help' or 'likeness help index <subcommand>'\n"
          "describes one.\n", fp);
}

static int cmd_index(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        print_overview(argc < 2 ? stderr : stdout);
        return argc < 2 ? LK_EXIT_ERROR : LK_EXIT_OK;
    }
    for (size_t i = 0; i < lk_index_nsubs; i++)
        if (!strcmp(lk_index_subs[i].name, argv[1]))
            return lk_index_subs[i].fn(argc - 1, argv + 1);
    const char *names[16];
    size_t n = 0;
    for (; n < lk_index_nsubs && n < 16; n++)
        names[n] = lk_index_subs[n].name;
    const char *near = lk_nearest(argv[1], strlen(argv[1]), names, n);
    lk_error("'%s' is not an index subcommand", argv[1]);
    if (near)
        fprintf(stderr, "hint: did you mean 'likeness index %s'?\n", near);
    else
        fputs("hint: 'likeness index --help' lists them\n", stderr);
    return LK_EXIT_ERROR;
}

const lk_cmd lk_cmd_index = { "index", cmd_index,
                              "keep the reference index of rightsholders' works", 0 };
