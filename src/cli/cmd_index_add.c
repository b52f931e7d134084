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
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

static const char *const usage[] = {
    "likeness index add [<options>] --owner NAME [--title TITLE] <file|dir>...",
    "",
    "Hashes pictures and videos into the index.  Directories are walked",
    "recursively (hidden entries skipped).  Without --title every file is a",
    "work of its own, titled by its file name; with it, all files form one",
    "work.  Content already indexed is skipped.",
    NULL,
};

/* One input file and, once state is 1, its result. */
struct job {
    char *path;              /* owned */
    int state;               /* 0 waiting, 1 done (under pool.mu) */
    int rc;                  /* 0 hashed, 1 already indexed, < 0 failed */
    char msg[LK_ERRMSG_MAX]; /* error, or the work id that holds it */
    uint8_t sha[32];         /* content hash */
    int64_t size;            /* bytes */
    lk_media_info info;      /* probed media */
    lk_ref_entries e;        /* collapsed entries (owned) */
};

/* State shared by the workers.  Invariant: next <= njobs. */
struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *jobs;
    size_t njobs, next;
    int stop;                /* set by the main thread after a fatal error */
    lk_decode_opts dec;
    const char *index_path;
};

/* Settings from the command line. */
struct add_args {
    const char *index, *owner, *title, *work_id;
    const char *tags[64];
    int ntags, jobs;
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
        rc = lk_ref_hash_file(j->path, &p->dec, h, &j->e, &j->info, &err);
    j->e.local = NULL;
    j->rc = rc < 0 ? rc : 0;
    if (rc < 0)
        snprintf(j->msg, sizeof j->msg, "%s", err.msg);
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    lk_hasher *h = NULL;
    lk_local_extractor *lx = NULL;
    lk_index *ro = NULL;
    int ok = lk_hasher_new(&h) == 0 && lk_local_new(&lx) == 0;
    lk_index_open(&ro, p->index_path, LK_INDEX_READONLY, NULL);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->stop ? p->njobs : p->next;
        if (i < p->njobs)
            p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->njobs)
            break;
        struct job *j = &p->jobs[i];
        if (ok)
            run_job(j, p, h, lx, ro);
        else
            j->rc = LK_ENOMEM, snprintf(j->msg, sizeof j->msg, "%s: out of memory", j->path);
        pthread_mutex_lock(&p->mu);
        j->state = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    lk_index_close(&ro);
    lk_hasher_free(&h);
    lk_local_free(&lx);
    return NULL;
}

/* The main thread's writing state. */
struct writer {
    lk_index *ix;
    const struct add_args *a;
    lk_progress prog;
    char group_id[LK_WORK_ID_MAX + 1]; /* --title: the work's (provisional) id */
    uint8_t (*shas)[32];               /* --title: content hashes added */
    size_t nshas;
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
           rc == LK_EDB || rc == LK_ENOMEM || rc == LK_EACCES;
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
                           a->title ? a->title : base ? base + 1 : j->path, a->tags, a->ntags };
    snprintf(fmt, sizeof fmt, "%s/%s", j->info.format, j->info.codec);
    lk_index_file f = { j->path, j->size, { 0 }, j->info.duration, j->info.width,
                        j->info.height, j->info.fps, j->e.sampled, fmt, 0 };
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
    if (a->title)
        memcpy(w->shas[w->nshas++], j->sha, 32);
    printf("added %s: %lld frames as %zu entries to work %s\n", j->path,
           (long long)j->e.sampled, j->e.n, a->title && !a->work_id ? "(pending)" : work.work_id);
}

static void handle(struct writer *w, struct job *j)
{
    char have[LK_WORK_ID_MAX + 1];
    lk_progress_clear(&w->prog);
    w->prog.frames += j->e.sampled;
    if (j->rc < 0) {
        lk_error("%s", j->msg);
        w->failed++;
        return;
    }
    if (j->rc == 1 || lk_index_has_content(w->ix, j->sha, have, NULL) == 1) {
        fprintf(stderr, "notice: %s: already indexed in work %s, skipped\n", j->path,
                j->rc == 1 ? j->msg : have);
        return;
    }
    store(w, j);
}

static int cmp_sha(const void *a, const void *b)
{
    return memcmp(a, b, 32);
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
        lk_error("%s", err.msg);
        return -1;
    }
    printf("work %s: \"%s\" (%s), %zu file%s\n", final_id, w->a->title, w->a->owner, w->nshas,
           w->nshas == 1 ? "" : "s");
    return 0;
}

/* Waits for the workers' results in input order and stores them. */
static void drain(struct pool *p, struct writer *w)
{
    for (size_t i = 0; i < p->njobs; i++) {
        struct job *j = &p->jobs[i];
        pthread_mutex_lock(&p->mu);
        while (!j->state && !(p->stop && i >= p->next))
            pthread_cond_wait(&p->cv, &p->mu);
        int ready = j->state;
        pthread_mutex_unlock(&p->mu);
        if (!ready)
            break;
        if (!w->fatal)
            handle(w, j);
        lk_ref_entries_release(&j->e);
        if (w->fatal) {
            pthread_mutex_lock(&p->mu);
            p->stop = 1;
            pthread_mutex_unlock(&p->mu);
        }
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
    lk_progress_start(&w.prog, "indexing", 0);
    if (lk_index_open(&w.ix, lk_index_default_path(a->index), LK_INDEX_CREATE, &err) < 0) {
        lk_error("%s", err.msg);
        return LK_EXIT_ERROR;
    }
    struct pool p = { .jobs = calloc(files->n, sizeof(struct job)), .njobs = files->n,
                      .index_path = lk_index_path(w.ix) };
    w.shas = calloc(files->n, 32);
    snprintf(w.group_id, sizeof w.group_id, "%s",
             a->work_id ? a->work_id : "pending");
    if (!p.jobs || !w.shas || bind_params(w.ix, a, &p.dec) < 0) {
        if (!p.jobs || !w.shas)
            lk_error("out of memory");
        free(p.jobs);
        free(w.shas);
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
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t tid[64];
    int started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&tid[started], NULL, worker, &p) != 0)
            break;
    if (started == 0)
        worker(&p);
    drain(&p, &w);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    int bad = finish_group(&w) < 0 || w.failed || w.fatal;
    const lk_hash256 *h;
    size_t n;
    if (lk_index_hashes(w.ix, &h, &n, &err) < 0)
        lk_warning("%s", err.msg);
    for (size_t i = 0; i < p.njobs; i++)
        lk_ref_entries_release(&p.jobs[i].e);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    free(p.jobs);
    free(w.shas);
    lk_index_close(&w.ix);
    return bad ? LK_EXIT_ERROR : LK_EXIT_OK;
}

int lk_index_cmd_add(int argc, char **argv)
{
    struct add_args a = { .fps = -1 };
    const char *tag_help = NULL;
    const lk_option options[] = {
        LK_OPT_STRING_(0, "index", &a.index, "PATH",
                       "the index (default $LIKENESS_INDEX, else ./likeness.idx)"),
        LK_OPT_STRING_(0, "owner", &a.owner, "NAME", "rightsholder (required)"),
        LK_OPT_STRING_(0, "title", &a.title, "TITLE", "all files form one work of this title"),
        LK_OPT_STRING_(0, "work-id", &a.work_id, "ID", "work id (default: from the content)"),
        LK_OPT_STRING_(0, "tag", &tag_help, "KEY=VALUE", "attach a tag to the work (repeatable)"),
        LK_OPT_INT_('j', "jobs", &a.jobs, "N", 1, 64, "hash N files at once (default: CPUs)"),
        LK_OPT_DOUBLE_(0, "fps", &a.fps, "N", 0, 1000, "sample N frames per second (default 4 for a new index)"),
        LK_OPT_FLAG_(0, "keyframes", &a.keyframes, "sample key frames only"),
        LK_OPT_FLAG_(0, "no-scene-cuts", &a.no_scene_cuts, "no extra frame after scene cuts"),
        LK_OPT_FLAG_(0, "no-crop", &a.no_crop, "keep constant borders"),
        LK_OPT_INT_(0, "max-dim", &a.max_dim, "N", 16, 4096, "working size (default 512)"),
        LK_OPT_END_,
    };
    if ((argc = lk_take_tags(argc, argv, a.tags, 64, &a.ntags)) < 0)
        return LK_EXIT_ERROR;
    int n = lk_parse_options(usage, options, argc, argv);
    if (n < 0)
        return n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (n == 0 || !a.owner) {
        lk_error(n == 0 ? "no input files" : "add needs --owner");
        lk_print_usage(usage, options, stderr);
        return LK_EXIT_ERROR;
    }
    lk_paths files = { 0 };
    int status = LK_EXIT_ERROR, walk_failed = 0;
    if (lk_paths_collect(&files, n, argv, &walk_failed) < 0)
        lk_error("out of memory");
    else if (files.n == 0)
        lk_error("no files found");
    else if (a.work_id && !a.title && files.n > 1)
        lk_error("--work-id with several files needs --title (they form one work)");
    else
        status = run(&a, &files);
    if (walk_failed)
        status = LK_EXIT_ERROR;
    lk_paths_release(&files);
    return status;
}
