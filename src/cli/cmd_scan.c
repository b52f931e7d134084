/*
 * cmd_scan.c — `likeness scan PATH...`: scans suspects (files, directories
 * walked recursively, or lists read from standard input) against the
 * reference index and reports, per suspect, the verdict, the matched works
 * with aligned time ranges and scores, and style resemblances.
 *
 * All policy is the library's scanner (include/likeness/scan.h): this file
 * parses arguments, expands inputs, runs --jobs workers (each with its own
 * lk_scan_worker of one shared lk_scanner) that take suspects from a shared
 * counter, reads the --resume file, and writes reports.  The main thread
 * writes the reports in input order.  SIGINT/SIGTERM stop the workers; the
 * line being written is finished, so a JSON Lines file never holds a
 * partial line.  Exit: 0 all clean, 1 a suspect matched (see --fail-on),
 * 2 any error (the other suspects are still scanned and reported).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "likeness/likeness.h"

static const char *const usage[] = {
    "likeness scan [<options>] <file|dir|->...",
    "",
    "Scans pictures and videos for copies of the indexed reference works and",
    "for resemblance to their style.  Directories are walked recursively; '-'",
    "reads paths from standard input, one per line (NUL-separated with -0).",
    "Exit status: 0 every suspect clean, 1 a resemblance found (--fail-on),",
    "2 any error.",
    NULL,
};

static const char *const fail_on_names[] = { "match", "resembles", "never", NULL };
enum { FAIL_MATCH, FAIL_RESEMBLES, FAIL_NEVER };
static const char *const out_names[] = { "text", "json", "jsonl", NULL };

/* Settings from the command line. */
struct scan_args {
    const char *index, *evidence, *resume;
    int format, fail_on, jobs, quiet, nul, no_color;
    double min_score, style_threshold, fps;
    int radius, style_top;
};

/* Set by SIGINT/SIGTERM; the only state a signal handler may touch. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* One suspect of the run. */
struct job {
    char *path;                /* borrowed from the paths list */
    int done;                  /* result ready (under pool.mu) */
    lk_scan_result r;
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *jobs;
    size_t n, next;
    lk_scanner *scanner;
    lk_progress *prog;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    lk_scan_worker *w = NULL;
    int ok = lk_scan_worker_new(p->scanner, &w) == 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            break;
        struct job *j = &p->jobs[i];
        if (!stop_flag && ok) {
            lk_scan_file(w, j->path, &j->r);
        } else {
            memset(&j->r, 0, sizeof j->r);
            j->r.file = j->path;
            j->r.verdict = LK_VERDICT_ERROR;
            snprintf(j->r.error, sizeof j->r.error, "%s", ok ? "interrupted" : "cannot start");
        }
        pthread_mutex_lock(&p->mu);
        j->done = 1;
        p->prog->frames += j->r.frames;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    lk_scan_worker_free(&w);
    return NULL;
}

/* Reads the content hashes already reported in the resume file (sorted
 * into *out) and cuts off a partial last line left by a crash.  A missing
 * file is an empty one.  0, or -1 (reported). */
static int load_resume(const char *path, lk_paths *out)
{
    FILE *fp = fopen(path, "r+");
    if (!fp)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long good = 0;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
        if (line[len - 1] != '\n')
            break;
        good = ftell(fp);
        cJSON *o = cJSON_Parse(line);
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "content_hash");
        if (cJSON_IsString(h) && strlen(h->valuestring) == 64)
            rc = lk_paths_push(out, h->valuestring, NULL);
        cJSON_Delete(o);
    }
    free(line);
    fseek(fp, 0, SEEK_END);
    if (rc == 0 && ftell(fp) != good) {
        lk_warning("'%s': dropping a partial last line", path);
        if (ftruncate(fileno(fp), good) != 0)
            rc = -1;
    }
    fclose(fp);
    if (rc < 0)
        lk_error("cannot read '%s'", path);
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, lk_cmp_strp);
    return rc;
}

/* --resume: skips a suspect whose content hash is in the sorted list. */
static int in_resume(const char *content_hash, void *ctx)
{
    const lk_paths *done = ctx;
    return done->n && bsearch(&content_hash, done->v, done->n, sizeof *done->v, lk_cmp_strp);
}

/* Where and how reports are written. */
struct out {
    int format;          /* enum lk_scan_format for stdout */
    unsigned flags;      /* LK_SW_* for stdout */
    int quiet;           /* --quiet: text reports suppressed */
    int resume;          /* --resume file descriptor (O_APPEND), or -1 */
    int any;             /* JSON: something written already */
    int errors, found;   /* counts for the exit status */
    size_t skipped;      /* suspects already in the resume file */
};

/* Writes job j's report (stdout, resume file) and folds its verdict. */
static void emit(struct out *o, struct job *j, int fail_on)
{
    const lk_scan_result *r = &j->r;
    if (r->verdict == LK_VERDICT_ERROR) {
        lk_error("%s", r->error);
        o->errors++;
    }
    if (r->warning[0])
        lk_warning("%s", r->warning);
    o->found += (r->verdict == LK_VERDICT_MATCH && fail_on != FAIL_NEVER) ||
                (r->verdict == LK_VERDICT_RESEMBLES && fail_on == FAIL_RESEMBLES);
    int rc = 0;
    if (!(o->quiet && o->format == LK_SCANFMT_TEXT))
        rc = lk_scan_write(stdout, o->format, o->flags, r, !o->any);
    o->any = 1;
    if (o->resume >= 0 && r->verdict != LK_VERDICT_ERROR && rc == 0)
        rc = lk_scan_append_jsonl(o->resume, r);
    if (rc < 0) {
        lk_error("cannot write the report of '%s': %s", j->path, lk_strerror(rc));
        o->errors++;
    }
}

/* Scans all jobs with nthreads workers, writing reports in input order. */
static void run_jobs(lk_scanner *sc, struct job *jobs, size_t n, int nthreads, struct out *o,
                     int fail_on)
{
    lk_progress prog;
    lk_progress_start(&prog, "scanning", o->quiet);
    struct pool p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, jobs, n, 0, sc, &prog };
    pthread_t *t = calloc((size_t)nthreads, sizeof *t);
    int started = 0;
    while (t && started < nthreads && pthread_create(&t[started], NULL, worker, &p) == 0)
        started++;
    if (!started) /* no thread at all: work in this one */
        worker(&p);
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&p.mu);
        while (!jobs[i].done)
            pthread_cond_wait(&p.cv, &p.mu);
        pthread_mutex_unlock(&p.mu);
        lk_progress_clear(&prog);
        if (jobs[i].r.skipped)
            o->skipped++;
        else
            emit(o, &jobs[i], fail_on);
        lk_scan_result_release(&jobs[i].r);
        pthread_mutex_lock(&p.mu);
        lk_progress_show(&prog, i + 1, n);
        pthread_mutex_unlock(&p.mu);
    }
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    lk_progress_clear(&prog);
    free(t);
}

static int open_outputs(const struct scan_args *a, struct out *o, lk_paths *done)
{
    const char *nc = getenv("NO_COLOR");
    o->format = a->format;
    o->quiet = a->quiet;
    o->flags = (isatty(1) && !(nc && *nc) && !a->no_color) ? LK_SW_COLOR : 0;
    if (!a->resume)
        return 0;
    if (load_resume(a->resume, done) < 0)
        return -1;
    if ((o->resume = open(a->resume, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666)) < 0) {
        lk_error("cannot open '%s' for appending", a->resume);
        return -1;
    }
    return 0;
}

/* Expands operands ("-" reads a list from stdin) into files; 0 or -1. */
static int inputs(int n, char **ops, int nul, lk_paths *files, int *failed)
{
    int stdin_used = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(ops[i], "-") != 0) {
            if (lk_paths_collect(files, 1, &ops[i], failed) < 0)
                return -1;
            continue;
        }
        if (stdin_used++) {
            lk_error("'-' given more than once");
            return -1;
        }
        lk_paths list = { 0 };
        int rc = lk_paths_read(&list, stdin, nul);
        if (rc == 0)
            rc = lk_paths_collect(files, (int)list.n, list.v, failed);
        lk_paths_release(&list);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART; /* a second signal kills at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Opens the scanner on the index with the settings of a.  0 or -1. */
static int open_scanner(const struct scan_args *a, lk_paths *done, lk_scanner **sc)
{
    lk_scan_params p;
    lk_errbuf err;
    lk_scan_params_default(&p);
    if (a->min_score >= 0)
        p.match.min_score = a->min_score;
    if (a->style_threshold >= 0)
        p.match.style_threshold = a->style_threshold;
    if (a->radius >= 0)
        p.match.radius = a->radius;
    p.fps = a->fps;
    if (a->style_top > 0)
        p.style_top = a->style_top;
    p.evidence_dir = a->evidence;
    p.stop = &stop_flag;
    p.skip_fn = a->resume ? in_resume : NULL;
    p.skip_ctx = done;
    if (lk_scanner_open(sc, a->index, &p, &err) < 0) {
        lk_error("%s", err.msg[0] ? err.msg : lk_strerror(err.code));
        return -1;
    }
    if (!lk_scanner_entries(*sc))
        lk_warning("the index '%s' is empty: every suspect will be clean", a->index);
    else if (!lk_scanner_has_locals(*sc))
        lk_warning("the index '%s' was made before local features: crops, reframings and "
                   "insets are found only through fixed windows; rebuild it to find them",
                   a->index);
    return 0;
}

/* Scans with settings a over the files; returns the exit status. */
static int scan(const struct scan_args *a, lk_paths *files, int walk_failed)
{
    lk_scanner *sc = NULL;
    struct out o = { .resume = -1 };
    lk_paths done = { 0 };
    struct job *jobs = calloc(files->n ? files->n : 1, sizeof *jobs);
    int status = LK_EXIT_ERROR;
    install_signals(); /* from the start: a signal during set-up stops cleanly too */
    if (jobs && open_scanner(a, &done, &sc) == 0 && open_outputs(a, &o, &done) == 0) {
        for (size_t i = 0; i < files->n; i++)
            jobs[i].path = files->v[i];
        run_jobs(sc, jobs, files->n, a->jobs > 0 ? a->jobs : default_jobs(), &o, a->fail_on);
        if (o.skipped)
            fprintf(stderr, "resuming: %zu suspect%s already reported, skipped\n", o.skipped,
                    o.skipped == 1 ? "" : "s");
        if (o.format == LK_SCANFMT_JSON && lk_scan_write_end(stdout, o.format, o.any) < 0)
            o.errors++;
        if (stop_flag)
            lk_error("interrupted: the reports written so far are complete");
        status = o.errors || walk_failed || stop_flag ? LK_EXIT_ERROR
                 : o.found ? LK_EXIT_FOUND : LK_EXIT_OK;
    }
    if (o.resume >= 0 && close(o.resume) != 0) {
        lk_error("cannot write '%s'", a->resume);
        status = LK_EXIT_ERROR;
    }
    lk_scanner_free(&sc);
    lk_paths_release(&done);
    free(jobs);
    return status;
}

static int cmd_scan(int argc, char **argv)
{
    struct scan_args a = { .format = LK_SCANFMT_TEXT, .min_score = -1, .style_threshold = -1,
                           .fps = -1, .radius = -1 };
    const lk_option options[] = {
        LK_OPT_STRING_(0, "index", &a.index, "PATH",
                       "the index (default $LIKENESS_INDEX, else ./likeness.idx)"),
        LK_OPT_CHOICE_(0, "format", &a.format, "FMT", out_names, "text (default), json or jsonl"),
        LK_OPT_SETINT_(0, "json", &a.format, LK_SCANFMT_JSON, "one JSON array for the run"),
        LK_OPT_SETINT_(0, "jsonl", &a.format, LK_SCANFMT_JSONL, "one JSON object per suspect"),
        LK_OPT_DOUBLE_(0, "min-score", &a.min_score, "X", 0, 1,
                       "copy evidence >= X is a match (0: list every candidate)"),
        LK_OPT_DOUBLE_(0, "style-threshold", &a.style_threshold, "X", 0, 1,
                       "style score >= X is 'resembles'"),
        LK_OPT_CHOICE_(0, "fail-on", &a.fail_on, "WHAT", fail_on_names,
                       "exit 1 on: match (default), resembles, never"),
        LK_OPT_STRING_(0, "evidence", &a.evidence, "DIR",
                       "write side-by-side PNGs of matched frames into DIR"),
        LK_OPT_INT_('j', "jobs", &a.jobs, "N", 1, 64, "scan N suspects at once (default: cores)"),
        LK_OPT_FLAG_('q', "quiet", &a.quiet, "print only errors (and --json/--jsonl output)"),
        LK_OPT_STRING_(0, "resume", &a.resume, "FILE",
                       "append JSON Lines to FILE, skipping suspects already in it"),
        LK_OPT_FLAG_('0', NULL, &a.nul, "paths read from '-' are NUL-separated"),
        LK_OPT_DOUBLE_(0, "fps", &a.fps, "N", 0, 1000,
                       "sample N frames/s of suspects (default: as the index)"),
        LK_OPT_INT_(0, "radius", &a.radius, "N", 0, 128,
                    "PDQ distance of a frame match (default 31)"),
        LK_OPT_INT_(0, "style-top", &a.style_top, "N", 1, 100,
                    "list at most N style resemblances (default 5)"),
        LK_OPT_FLAG_(0, "no-color", &a.no_color, "no colours (NO_COLOR is honoured too)"),
        LK_OPT_END_,
    };
    int n = lk_parse_options(usage, options, argc, argv);
    if (n < 0)
        return n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (n == 0) {
        lk_error("nothing to scan");
        lk_print_usage(usage, options, stderr);
        return LK_EXIT_ERROR;
    }
    a.index = lk_index_default_path(a.index);
    lk_paths files = { 0 };
    int walk_failed = 0;
    if (inputs(n, argv, a.nul, &files, &walk_failed) < 0) {
        lk_paths_release(&files);
        return LK_EXIT_ERROR;
    }
    int status = scan(&a, &files, walk_failed);
    lk_paths_release(&files);
    return status;
}

const lk_cmd lk_cmd_scan = { "scan", cmd_scan,
                             "scan pictures and videos against the reference index" };
