/*
 * cmd_index_add.c — `likeness index add FILE|DIR...`: builds each file's
 * entries with the library's view policy (lk_ref_hash_file: the whole
 * frame and the stored views, runs collapsed; include/likeness/scan.h) and
 * stores them in the reference index.
 *
 * Threads: --jobs workers each own a hasher, a decoder at a time and a
 * read-only index handle (to skip content already indexed before decoding
 * it); they take files in order from a shared counter.  The main thread
 * alone writes, in input order, through its own handle.  With --title all
 * files form one work written in one transaction (all or nothing after a
 * crash); without it every file is its own work, committed as it comes.
 * "added" is printed only once the commit that makes it durable returned
 * (with --title, every file's line after the work's commit).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

static const char *const usage[] = {
    "likeness index add [<options>] --owner NAME [--title TITLE] <file|dir>...",
    "",
    "Hashes pictures and videos into the index.  Directories are walked",
    "recursively for media files (others are skipped and counted; hidden",
    "entries too).  An operand that yields no file is an error.  Without",
    "--title every file is a work of its own, titled by its file name; with",
    "it, all files form one work.  Content already indexed is skipped.",
    NULL,
};

/* One input file and, once the pool says it ran, its result. */
struct job {
    char *path;              /* owned */
    int rc;                  /* 0 hashed, 1 already indexed, < 0 failed */
    char msg[LK_ERRMSG_MAX]; /* error, or the work id that holds it */
    uint8_t sha[32];         /* content hash */
    int64_t size;            /* bytes */
    lk_media_info info;      /* probed media */
    lk_ref_entries e;        /* collapsed entries (owned) */
};

/* What the pool's workers share (likeness/pool.h). */
struct pool {
    struct job *jobs;
    size_t njobs;
    lk_decode_opts dec;
    const char *index_path;
    lk_progress *prog;       /* fed by the workers, drawn by the main thread */
    int slots;               /* progress slots handed out (atomic) */
};

/* A worker's own hasher, and a read-only handle to skip indexed content. */
struct worker {
    lk_hasher *h;
    lk_local_extractor *lx;  /* local features of the reference frames */
    lk_index *ro;            /* NULL when the index cannot be read yet */
};

/* Settings from the command line. */
struct add_args {
    const char *index, *owner, *title, *work_id;
    lk_strlist tags;
    lk_strlist include, exclude; /* globs of directory walks */
    int jobs;
    double fps;              /* < 0: not given */
    int max_dim;             /* 0: not given */
    int keyframes, no_scene_cuts, no_crop;
};

static void run_job(struct job *j, const struct pool *p, lk_hasher *h,
                    lk_local_extractor *lx, lk_index *ro)
{
    lk_errbuf err;
    lk_errbuf_clear(&err);
    int rc = lk_sha256_file(j->path, j->sha, &j->size, &err);
    if (rc == 0 && ro && lk_index_has_content(ro, j->sha, j->msg, NULL) == 1) {
        j->rc = 1;
        return;
    }
    j->e.local = lx; /* local features of the entries (the index drops them if old) */
    if (rc == 0)
        rc = lk_ref_hash_file_progress(j->path, &p->dec, h, &j->e, &j->info,
                                       p->prog->on ? lk_progress_frame : NULL, p->prog, &err);
    lk_progress_end(p->prog);
    j->e.local = NULL;
    j->rc = rc < 0 ? rc : 0;
    if (rc < 0)
        snprintf(j->msg, sizeof j->msg, "%s", err.msg);
}

static int worker_new(void *ctx, void **state)
{
    struct pool *p = ctx;
    struct worker *w = calloc(1, sizeof *w);
    lk_progress_bind(__atomic_fetch_add(&p->slots, 1, __ATOMIC_RELAXED));
    if (!w || lk_hasher_new(&w->h) < 0 || lk_local_new(&w->lx) < 0) {
        if (w)
            lk_hasher_free(&w->h);
        free(w);
        return LK_ENOMEM;
    }
    lk_index_open(&w->ro, p->index_path, LK_INDEX_READONLY, NULL);
    *state = w;
    return 0;
}

static void worker_free(void *ctx, void *state)
{
    (void)ctx;
    struct worker *w = state;
    lk_index_close(&w->ro);
    lk_hasher_free(&w->h);
    lk_local_free(&w->lx);
    free(w);
}

static void run_one(void *ctx, void *state, size_t i)
{
    struct pool *p = ctx;
    struct worker *w = state;
    run_job(&p->jobs[i], p, w->h, w->lx, w->ro);
}

static const lk_pool_ops add_ops = { worker_new, worker_free, run_one };

/* The main thread's writing state. */
struct writer {
    lk_index *ix;
    const struct add_args *a;
    lk_progress prog;
    char group_id[LK_WORK_ID_MAX + 1]; /* --title: the work's (provisional) id */
    uint8_t (*shas)[32];               /* --title: content hashes added */
    char **added;                      /* --title: "added ..." lines, printed after the commit */
    size_t nshas;                      /* entries of shas and added */
    int failed, fatal, in_txn;
};

/* The first 16 hex digits of a SHA-256: a work id made from content. */
static void hex_prefix(const uint8_t *sha, char out[17])
{
    char hex[65];
    lk_sha256_to_hex(sha, hex);
    memcpy(out, hex, 16);
    out[16] = '\0';
}

static int is_fatal(int rc)
{
    return rc == LK_ENOSPC || rc == LK_EROFS || rc == LK_EIO || rc == LK_ECORRUPT ||
           rc == LK_EDB || rc == LK_ENOMEM || rc == LK_EACCES || rc == LK_EBUSY;
}

/* Stores one hashed file. */
static void store(struct writer *w, struct job *j)
{
    const struct add_args *a = w->a;
    char own_id[17], fmt[80];
    lk_errbuf err;
    const char *base = strrchr(j->path, '/');
    hex_prefix(j->sha, own_id);
    lk_index_work work = { a->title ? w->group_id : a->work_id ? a->work_id : own_id, a->owner,
                           a->title ? a->title : base ? base + 1 : j->path, a->tags.v,
                           a->tags.n };
    snprintf(fmt, sizeof fmt, "%s/%s", j->info.format, j->info.codec);
    lk_index_file f = { j->path, j->size, { 0 }, j->info.duration, j->info.width,
                        j->info.height, j->info.fps, j->e.sampled, fmt, 0, NULL };
    memcpy(f.sha256, j->sha, 32);
    if (a->title && !w->in_txn) {
        if (lk_index_begin(w->ix, &err) < 0) {
            lk_error("%s", err.msg);
            w->fatal = 1;
            return;
        }
        w->in_txn = 1;
    }
    int rc = lk_index_add_file_locals(w->ix, &work, &f, j->e.v, j->e.n, j->e.loc, j->e.nloc,
                                      &err);
    if (rc < 0) {
        lk_error("%s", err.msg);
        w->failed++;
        w->fatal |= is_fatal(rc) || w->in_txn;
        return;
    }
    if (j->e.truncated)
        lk_warning("'%s': decoded %.1f of %.1f s (cut short or damaged): only those were "
                   "indexed", j->path, j->e.decoded, j->info.duration);
    char line[LK_ERRMSG_MAX + 128];
    snprintf(line, sizeof line, "added %s: %lld frame%s as %zu entr%s to work", LK_ESC(j->path),
             (long long)j->e.sampled, j->e.sampled == 1 ? "" : "s", j->e.n,
             j->e.n == 1 ? "y" : "ies");
    if (!a->title) {
        printf("%s %s\n", line, LK_ESC(work.work_id)); /* committed: durable */
        return;
    }
    /* inside the work's transaction: reported once it is committed */
    memcpy(w->shas[w->nshas], j->sha, 32);
    w->added[w->nshas++] = strdup(line);
}

static void handle(struct writer *w, struct job *j)
{
    char have[LK_WORK_ID_MAX + 1];
    lk_progress_clear(&w->prog);
    if (j->rc < 0) {
        lk_error("%s", j->msg);
        w->failed++;
        return;
    }
    if (j->rc == 1 || lk_index_has_content(w->ix, j->sha, have, NULL) == 1) {
        lk_message("notice", "%s: already indexed in work %s, skipped", j->path,
                   j->rc == 1 ? j->msg : have);
        return;
    }
    store(w, j);
}

static int cmp_sha(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* Finds one work of the catalog by id (lk_index_list callback). */
struct find_work {
    const char *id;
    char title[256], owner[256];
    int64_t files;
    int found;
};

static int find_work(const lk_index_work_info *w, void *ctx)
{
    struct find_work *f = ctx;
    if (strcmp(w->work_id, f->id) != 0)
        return 0;
    snprintf(f->title, sizeof f->title, "%s", w->title);
    snprintf(f->owner, sizeof f->owner, "%s", w->owner);
    f->files = w->files;
    f->found = 1;
    return 1;
}

/* "work ID: "TITLE" (OWNER), N files" as the catalog now holds it, with
 * how many this run added when the work had files before. */
static void print_work(lk_index *ix, const char *id, size_t added)
{
    struct find_work f = { .id = id };
    lk_errbuf err;
    if (lk_index_list(ix, find_work, &f, &err) < 0 || !f.found) {
        printf("work %s: %zu file%s added\n", LK_ESC(id), added, added == 1 ? "" : "s");
        return;
    }
    printf("work %s: \"%s\" (%s), %lld file%s", LK_ESC(id), LK_ESC(f.title), LK_ESC(f.owner),
           (long long)f.files,
           f.files == 1 ? "" : "s");
    if ((int64_t)added != f.files)
        printf(" (%zu added)", added);
    putchar('\n');
}

/* --title: names the work from its content and commits it. */
static int finish_group(struct writer *w)
{
    lk_errbuf err;
    if (!w->in_txn)
        return 0;
    w->in_txn = 0;
    if (w->fatal || w->nshas == 0) {
        lk_index_rollback(w->ix);
        if (w->nshas)
            lk_error("%s: nothing of work '%s' was stored", lk_index_path(w->ix), w->a->title);
        return w->nshas ? -1 : 0;
    }
    char id[17];
    if (!w->a->work_id) {
        uint8_t d[32];
        lk_sha256_ctx c;
        qsort(w->shas, w->nshas, 32, cmp_sha);
        lk_sha256_init(&c);
        lk_sha256_update(&c, w->shas, w->nshas * 32);
        lk_sha256_final(&c, d);
        hex_prefix(d, id);
    }
    const char *final_id = w->a->work_id ? w->a->work_id : id;
    if ((!w->a->work_id && lk_index_rename_work(w->ix, w->group_id, id, &err) < 0) ||
        lk_index_commit(w->ix, &err) < 0) {
        lk_index_rollback(w->ix);
        lk_error("%s (adding work '%s', %zu file%s: nothing was stored)", err.msg, w->a->title,
                 w->nshas, w->nshas == 1 ? "" : "s");
        return -1;
    }
    for (size_t i = 0; i < w->nshas; i++)
        printf("%s %s\n", w->added[i] ? w->added[i] : "added a file to", LK_ESC(final_id));
    print_work(w->ix, final_id, w->nshas);
    return 0;
}

/* Waits for the workers' results in input order and stores them; after a
 * fatal error, stops the pool and stores nothing more. */
static void drain(lk_pool *pool, struct pool *p, struct writer *w)
{
    for (size_t i = 0; i < p->njobs; i++) {
        struct job *j = &p->jobs[i];
        int rc;
        while ((rc = lk_pool_wait_timed(pool, i, 200)) == 1)
            lk_progress_show(&w->prog, i, p->njobs);
        if (rc == LK_EINTR)
            break;
        if (rc < 0) /* no worker could be made */
            j->rc = rc, snprintf(j->msg, sizeof j->msg, "%s: %s", j->path, lk_strerror(rc));
        if (!w->fatal)
            handle(w, j);
        lk_ref_entries_release(&j->e);
        if (w->fatal)
            lk_pool_stop(pool);
        lk_progress_show(&w->prog, i + 1, p->njobs);
    }
    lk_progress_clear(&w->prog);
}

/* Binds the index to the sampling options: stored ones unless given. */
static int bind_params(lk_index *ix, const struct add_args *a, lk_decode_opts *dec)
{
    lk_errbuf err;
    lk_index_params p;
    lk_decode_opts_default(dec);
    int rc = lk_index_get_params(ix, &p, &err);
    if (rc == 0)
        p = (lk_index_params){ LK_INDEX_DEFAULT_FPS, dec->keyframes, dec->scene_cuts,
                               dec->max_dim, dec->crop_borders };
    if (rc >= 0) {
        if (a->fps >= 0)
            p.fps = a->fps;
        if (a->max_dim > 0)
            p.max_dim = a->max_dim;
        p.keyframes |= a->keyframes;
        if (a->no_scene_cuts)
            p.scene_cuts = 0;
        if (a->no_crop)
            p.crop_borders = 0;
        rc = lk_index_bind_params(ix, &p, &err);
    }
    if (rc < 0) {
        lk_error("%s", err.msg);
        return -1;
    }
    dec->fps = p.fps, dec->keyframes = p.keyframes, dec->scene_cuts = p.scene_cuts;
    dec->max_dim = p.max_dim, dec->crop_borders = p.crop_borders;
    return 0;
}

static int run(const struct add_args *a, lk_paths *files)
{
    lk_errbuf err;
    struct writer w = { .a = a };
    if (lk_index_open(&w.ix, lk_index_default_path(a->index), LK_INDEX_CREATE, &err) < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    struct pool p = { .jobs = calloc(files->n, sizeof(struct job)), .njobs = files->n,
                      .index_path = lk_index_path(w.ix), .prog = &w.prog };
    w.shas = calloc(files->n, 32);
    w.added = calloc(files->n, sizeof *w.added);
    snprintf(w.group_id, sizeof w.group_id, "%s",
             a->work_id ? a->work_id : "pending");
    if (!p.jobs || !w.shas || !w.added || bind_params(w.ix, a, &p.dec) < 0) {
        if (!p.jobs || !w.shas || !w.added)
            lk_error("out of memory");
        free(p.jobs);
        free(w.shas);
        free(w.added);
        lk_index_close(&w.ix);
        return LK_EXIT_ERROR;
    }
    int nthreads = a->jobs > 0 ? a->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = nthreads < 1 ? 1 : nthreads > 64 ? 64 : nthreads;
    if ((size_t)nthreads > files->n)
        nthreads = (int)files->n;
    p.dec.threads = nthreads > 1 ? 1 : 0;
    for (size_t i = 0; i < files->n; i++)
        p.jobs[i].path = files->v[i];
    lk_progress_start(&w.prog, "indexing", 0);
    lk_pool *pool = NULL;
    if (lk_pool_new(&pool, nthreads, files->n, &add_ops, &p) < 0) {
        lk_error("out of memory");
        w.fatal = 1;
    } else {
        drain(pool, &p, &w);
    }
    lk_pool_free(&pool);
    int bad = finish_group(&w) < 0 || w.failed || w.fatal;
    const lk_hash256 *h;
    size_t n;
    if (lk_index_hashes(w.ix, &h, &n, &err) < 0)
        lk_warning("%s", err.msg);
    for (size_t i = 0; i < p.njobs; i++)
        lk_ref_entries_release(&p.jobs[i].e);
    lk_progress_finish(&w.prog);
    free(p.jobs);
    free(w.shas);
    for (size_t i = 0; i < w.nshas; i++)
        free(w.added[i]);
    free(w.added);
    lk_index_close(&w.ix);
    if (!w.fatal)
        lk_cli_keep_background(lk_index_default_path(a->index));
    return bad ? LK_EXIT_ERROR : LK_EXIT_OK;
}

int lk_index_cmd_add(int argc, char **argv)
{
    struct add_args a = { .fps = -1 };
    const lk_option options[] = {
        LK_OPT_STRING_(0, "index", &a.index, "PATH",
                       "the index (default $LIKENESS_INDEX, else ./likeness.idx)"),
        LK_OPT_STRING_(0, "owner", &a.owner, "NAME", "rightsholder (required)"),
        LK_OPT_STRING_(0, "title", &a.title, "TITLE", "all files form one work of this title"),
        LK_OPT_STRING_(0, "work-id", &a.work_id, "ID", "work id (default: from the content)"),
        LK_OPT_LIST_(0, "tag", &a.tags, "KEY=VALUE", "attach a tag to the work (repeatable)"),
        LK_OPT_INT_('j', "jobs", &a.jobs, "N", 1, 64, "hash N files at once (default: CPUs)"),
        LK_OPT_LIST_(0, "include", &a.include, "GLOB",
                     "in directories, only files matching GLOB (repeatable)"),
        LK_OPT_LIST_(0, "exclude", &a.exclude, "GLOB",
                     "in directories, leave out what matches GLOB (repeatable)"),
        LK_OPT_DOUBLE_(0, "fps", &a.fps, "N", 0, 1000, "sample N frames per second (default 4 for a new index)"),
        LK_OPT_FLAG_(0, "keyframes", &a.keyframes, "sample key frames only"),
        LK_OPT_FLAG_(0, "no-scene-cuts", &a.no_scene_cuts, "no extra frame after scene cuts"),
        LK_OPT_FLAG_(0, "no-crop", &a.no_crop, "keep constant borders"),
        LK_OPT_INT_(0, "max-dim", &a.max_dim, "N", 16, 4096, "working size (default 512)"),
        LK_OPT_END_,
    };
    int n = lk_parse_options(usage, options, argc, argv);
    if (n < 0)
        return n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (lk_check_tags(&a.tags) < 0)
        return LK_EXIT_ERROR;
    if (n == 0 || !a.owner) {
        lk_error(n == 0 ? "no input files" : "add needs --owner NAME (the rightsholder)");
        lk_usage_hint(usage);
        return LK_EXIT_ERROR;
    }
    if (!*a.owner || (a.title && !*a.title)) {
        lk_error("the %s must not be empty", !*a.owner ? "owner (--owner)" : "title (--title)");
        return LK_EXIT_ERROR;
    }
    lk_paths files = { 0 };
    lk_walk walk = { .include = &a.include, .exclude = &a.exclude };
    int status = LK_EXIT_ERROR;
    int rc = lk_paths_collect(&files, &walk, n, argv);
    lk_walk_report(&walk, 0);
    if (rc < 0)
        lk_error("out of memory");
    else if (files.n == 0 && !walk.failed)
        lk_error("no files to add");
    else if (a.work_id && !a.title && files.n > 1)
        lk_error("--work-id with several files needs --title (they form one work)");
    else if (files.n > 0)
        status = run(&a, &files);
    if (walk.failed)
        status = LK_EXIT_ERROR;
    lk_walk_release(&walk);
    lk_paths_release(&files);
    return status;
}
