/*
 * cmd_scan.c — `likeness scan PATH...`: scans suspects (files, directories
 * walked recursively, or lists read from standard input) against the
 * reference index and reports, per suspect, the verdict, the matched works
 * with aligned time ranges and scores, and style resemblances.
 *
 * All policy is the library's scanner (include/likeness/scan.h): this file
 * parses arguments, expands inputs, runs --jobs workers (each with its own
 * lk_scan_worker of one shared lk_scanner) that take suspects from a shared
 * counter, reads the --resume file, and writes reports (list files, --part
 * and resuming by path: inputs.c).  The main thread
 * writes the reports in input order and redraws the progress line (fed by
 * the library's progress callback from the workers).  SIGINT/SIGTERM stop
 * the workers quietly: suspects finished are reported, the ones never
 * started or interrupted are not (so a --resume file stays valid and the
 * next run scans them), one line on stderr says so, and the exit status
 * is 128 + the signal (130 for Ctrl-C).  Exit otherwise: 0 all clean, 1 a
 * suspect matched (see --fail-on), 2 any error (the other suspects are
 * still scanned and reported).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cJSON.h>
#include "cli/cli.h"
#include "cli/inputs.h"
#include "likeness/likeness.h"

static const char *const usage[] = {
    "likeness scan [<options>] <file|dir|->...",
    "likeness scan [<options>] --files-from LIST [--part K/N] [--resume FILE]",
    "likeness scan [<options>] --hashes LIST... [<file|dir|->...]",
    "",
    "--hashes scans a shared PDQ or vPDQ hash list without the media: a vPDQ",
    "list (one video) is one suspect named LIST, a PDQ list one still picture per",
    "hash, named LIST:N (the N-th hash).",
    "Scans pictures and videos for copies of the indexed reference works and",
    "for resemblance to their style.  Directories are walked recursively for",
    "media files (others are skipped and counted); '-' reads paths from",
    "standard input, one per line (NUL-separated with -0).  An operand that",
    "yields no file is an error.  With --files-from or --part, --resume skips",
    "inputs by path and records errors too, so each input of a part gets",
    "exactly one line (see merge).",
    "Exit status: 0 every suspect clean, 1 a resemblance found (--fail-on),",
    "2 any error, 130 stopped by Ctrl-C (143 by SIGTERM).",
    NULL,
};

static const char *const fail_on_names[] = { "match", "resembles", "never", NULL };
enum { FAIL_MATCH, FAIL_RESEMBLES, FAIL_NEVER };
static const char *const out_names[] = { "text", "json", "jsonl", "csv", NULL };

/* Settings from the command line. */
struct scan_args {
    const char *index, *evidence, *resume, *html, *files_from, *part;
    int by_path;   /* --files-from/--part: resume by path, errors recorded */
    int format, fail_on, jobs, quiet, nul, no_color;
    double min_score, match_score, max_false_rate, style_threshold, fps;
    int radius, style_top, no_local;
    lk_strlist works, owners, tags; /* the scope */
    lk_strlist hashes;              /* --hashes: hash lists scanned as suspects */
    lk_strlist include, exclude;    /* globs of directory walks */
};

/* Set by SIGINT/SIGTERM to the signal's number; the only state a signal
 * handler may touch. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    stop_flag = sig;
}

/* One suspect of the run. */
struct job {
    char *path;                /* borrowed from the paths list or the hash list */
    const lk_scan_hashlist *list; /* a hash-list suspect: its list, else NULL */
    size_t k;                  /* its number in the list */
    int ran;                   /* lk_scan_file ran on it (not stopped before) */
    lk_scan_result r;
};

/* What the pool's workers share (likeness/pool.h). */
struct run_ctx {
    struct job *jobs;
    lk_scanner *scanner;
    lk_progress *prog;
    int slots;                 /* progress slots handed out (atomic) */
};

static int worker_new(void *vctx, void **state)
{
    struct run_ctx *c = vctx;
    lk_scan_worker *w = NULL;
    lk_progress_bind(__atomic_fetch_add(&c->slots, 1, __ATOMIC_RELAXED));
    int rc = lk_scan_worker_new(c->scanner, &w);
    *state = w;
    return rc < 0 ? rc : 0;
}

static void worker_free(void *vctx, void *state)
{
    (void)vctx;
    lk_scan_worker *w = state;
    lk_scan_worker_free(&w);
}

static void run_one(void *vctx, void *state, size_t i)
{
    struct run_ctx *c = vctx;
    struct job *j = &c->jobs[i];
    memset(&j->r, 0, sizeof j->r);
    j->r.file = j->path;
    if (stop_flag)
        return;
    if (j->list)
        lk_scan_hashes(state, j->list, j->k, &j->r);
    else
        lk_scan_file(state, j->path, &j->r);
    lk_progress_end(c->prog);
    j->ran = 1;
}

static const lk_pool_ops scan_ops = { worker_new, worker_free, run_one };

/* Where and how reports are written. */
struct out {
    int format;          /* enum lk_scan_format for stdout */
    unsigned flags;      /* LK_SW_* for stdout */
    int quiet;           /* --quiet: text reports suppressed */
    int resume;          /* --resume file descriptor (O_APPEND), or -1 */
    int by_path;         /* errors go to the resume file too (not interrupted ones) */
    int any;             /* JSON: something written already */
    int errors, found;   /* counts for the exit status */
    const lk_resume *done; /* --resume: the reports already there */
    size_t skipped;      /* suspects already in the resume file */
    size_t verdicts[4];  /* suspects reported per verdict (summary line) */
    lk_scan_report *html; /* --html: every suspect reported, or NULL */
    size_t reported;     /* suspects reported */
    size_t unfinished;   /* suspects a stop left unreported */
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
    o->verdicts[r->verdict & 3]++;
    o->found += (r->verdict == LK_VERDICT_MATCH && fail_on != FAIL_NEVER) ||
                (r->verdict == LK_VERDICT_RESEMBLES && fail_on == FAIL_RESEMBLES);
    int rc = 0;
    o->reported++;
    if (!(o->quiet && o->format == LK_SCANFMT_TEXT))
        rc = lk_scan_write(stdout, o->format, o->flags, r, !o->any);
    o->any = 1;
    if (o->resume >= 0 && (r->verdict != LK_VERDICT_ERROR || (o->by_path && !stop_flag)) &&
        rc == 0)
        rc = lk_scan_append_jsonl(o->resume, r);
    if (o->html && rc == 0)
        rc = lk_scan_report_add(o->html, r);
    if (rc < 0) {
        lk_error("cannot write the report of '%s': %s", j->path, lk_strerror(rc));
        o->errors++;
    }
}

/* A suspect the scanner skipped (its content is in the resume file):
 * counted when reported at this path before, else reported as a duplicate
 * of that earlier report, with its verdict. */
static void skipped(struct out *o, struct job *j, int fail_on)
{
    int same;
    const lk_resume_entry *e = o->done ? lk_resume_find(o->done, j->r.content_hash, j->path,
                                                        &same) : NULL;
    if (!e || same) {
        o->skipped++;
        return;
    }
    lk_scan_result *r = &j->r;
    r->skipped = 0;
    r->verdict = e->verdict;
    r->duration = e->duration, r->decoded = e->decoded, r->truncated = e->truncated;
    r->frames = e->frames;
    r->duplicate_of = e->file;
    emit(o, j, fail_on);
}

/* Waits until job i has run, redrawing the progress line meanwhile;
 * job i holds an error result when it could not run. */
static void wait_job(lk_pool *pool, struct job *j, size_t i, lk_progress *prog, size_t n)
{
    int rc;
    while ((rc = lk_pool_wait_timed(pool, i, 200)) == 1)
        lk_progress_show(prog, i, n);
    if (rc == LK_EINTR || (rc < 0 && stop_flag)) {
        memset(&j->r, 0, sizeof j->r); /* never started: a stop left it */
        j->r.file = j->path;
    } else if (rc < 0) {                /* no worker could be made */
        memset(&j->r, 0, sizeof j->r);
        j->r.file = j->path;
        j->r.verdict = LK_VERDICT_ERROR;
        j->r.error_code = rc;
        snprintf(j->r.error, sizeof j->r.error, "'%s': %s", j->path, lk_strerror(rc));
    }
}

/* A job that a stop left without a report: never started, or interrupted
 * (its scan is incomplete: not reported, so --resume scans it again). */
static int stopped_job(const struct job *j)
{
    return !j->ran ? j->r.verdict != LK_VERDICT_ERROR
                   : j->r.verdict == LK_VERDICT_ERROR && j->r.error_code == LK_EINTR;
}

/* Scans all jobs with nthreads workers, writing reports in input order. */
static void run_jobs(lk_scanner *sc, lk_progress *prog, struct job *jobs, size_t n,
                     int nthreads, struct out *o, int fail_on)
{
    struct run_ctx c = { jobs, sc, prog, 0 };
    lk_pool *pool = NULL;
    if (lk_pool_new(&pool, nthreads, n, &scan_ops, &c) < 0) {
        lk_error("out of memory");
        o->errors++;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        wait_job(pool, &jobs[i], i, prog, n);
        lk_progress_clear(prog);
        if (jobs[i].r.skipped)
            skipped(o, &jobs[i], fail_on);
        else if (stop_flag && stopped_job(&jobs[i]))
            o->unfinished++;
        else
            emit(o, &jobs[i], fail_on);
        lk_scan_result_release(&jobs[i].r);
        lk_progress_show(prog, i + 1, n);
    }
    lk_pool_free(&pool);
    lk_progress_clear(prog);
}

static int open_outputs(const struct scan_args *a, struct out *o, lk_resume *done)
{
    const char *nc = getenv("NO_COLOR");
    o->format = a->format;
    o->quiet = a->quiet;
    o->by_path = a->by_path;
    o->flags = (isatty(1) && !(nc && *nc) && !a->no_color) ? LK_SW_COLOR : 0;
    if (a->html && lk_scan_report_new(&o->html) < 0) {
        lk_error("out of memory");
        return -1;
    }
    if (!a->resume)
        return 0;
    o->done = done;
    if (lk_resume_load(a->resume, done) < 0)
        return -1;
    if ((o->resume = open(a->resume, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666)) < 0) {
        lk_error("cannot open '%s' for appending", a->resume);
        return -1;
    }
    return 0;
}

/* Expands operands ("-" reads a list from stdin) into files; 0 or -1.
 * An empty list on stdin is an error (w->failed), as an empty directory. */
static int inputs(int n, char **ops, int nul, lk_paths *files, lk_walk *w)
{
    int stdin_used = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(ops[i], "-") != 0) {
            if (lk_paths_collect(files, w, 1, &ops[i]) < 0)
                return -1;
            continue;
        }
        if (stdin_used++) {
            lk_error("'-' given more than once");
            return -1;
        }
        lk_paths list = { 0 };
        int rc = lk_paths_read(&list, stdin, nul);
        if (rc == 0 && list.n == 0) {
            lk_error("no paths on standard input");
            w->failed = 1;
        }
        if (rc == 0)
            rc = lk_paths_collect(files, w, (int)list.n, list.v);
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
static int open_scanner(const struct scan_args *a, lk_resume *done, lk_progress *prog,
                        lk_scanner **sc)
{
    lk_scan_params p;
    lk_errbuf err;
    lk_scan_params_default(&p);
    if (a->min_score >= 0)
        p.list_score = a->min_score;
    if (a->match_score >= 0)
        p.match.min_score = a->match_score;
    p.scope = (lk_scan_scope){ a->works.v, (size_t)a->works.n, a->owners.v,
                               (size_t)a->owners.n, a->tags.v, (size_t)a->tags.n };
    if (a->max_false_rate >= 0) /* the same threshold in chance terms (likeness/match.h) */
        p.match.min_score = lk_match_score_of_chance(a->max_false_rate);
    if (a->style_threshold >= 0)
        p.match.style_threshold = a->style_threshold;
    if (a->radius >= 0)
        p.match.radius = a->radius;
    p.fps = a->fps;
    if (a->style_top > 0)
        p.style_top = a->style_top;
    p.no_local = a->no_local;
    p.evidence_dir = a->evidence;
    p.decoder_threads = (a->jobs > 0 ? a->jobs : default_jobs()) > 1 ? 1 : 0;
    p.stop = &stop_flag;
    p.skip_fn = a->resume && !a->by_path ? lk_resume_has : NULL; /* by path: inputs.c */
    p.skip_ctx = done;
    p.progress_fn = prog->on ? lk_progress_frame : NULL;
    p.progress_ctx = prog;
    if (lk_scanner_open(sc, a->index, &p, &err) < 0) {
        lk_index_error(a->index, &err);
        return -1;
    }
    if (!lk_scanner_entries(*sc))
        lk_warning("the index '%s' is empty: every suspect will be clean", a->index);
    else if (!lk_scanner_has_locals(*sc) && !a->no_local)
        lk_warning("the index '%s' was made before local features: crops, reframings and "
                   "insets are found only through fixed windows; rebuild it to find them",
                   a->index);
    return 0;
}

/* After a stop: one line on stderr; the exit status is 128 + the signal. */
static int stopped(const struct scan_args *a, const struct out *o)
{
    char hint[300] = "";
    if (a->resume)
        snprintf(hint, sizeof hint, "; the same command with --resume '%s' goes on", a->resume);
    else if (o->unfinished)
        snprintf(hint, sizeof hint, "; --resume FILE keeps track across runs");
    lk_message("interrupted", "%zu suspect%s reported, %zu not scanned%s", o->reported,
               o->reported == 1 ? "" : "s", o->unfinished, hint);
    return 128 + (int)stop_flag;
}

/* The hash lists of --hashes, read (lists[i] for a->hashes.v[i]); the
 * number of their suspects, or -1 (printed). */
static long open_hashlists(const struct scan_args *a, lk_scan_hashlist **lists)
{
    long total = 0;
    for (int i = 0; i < a->hashes.n; i++) {
        lk_errbuf err;
        long n = lk_scan_hashlist_open(&lists[i], a->hashes.v[i], &err);
        if (n < 0) {
            lk_error("%s", err.msg);
            return -1;
        }
        total += n;
    }
    return total;
}

/* Jobs: the files, then every suspect of every hash list.  NULL when out
 * of memory. */
static struct job *make_jobs(const struct scan_args *a, const lk_paths *files,
                             lk_scan_hashlist **lists, size_t nhash)
{
    struct job *jobs = calloc(files->n + nhash ? files->n + nhash : 1, sizeof *jobs);
    if (!jobs)
        return NULL;
    for (size_t i = 0; i < files->n; i++)
        jobs[i].path = files->v[i];
    size_t j = files->n;
    for (int i = 0; i < a->hashes.n; i++)
        for (size_t k = 0; lk_scan_hashlist_name(lists[i], k); k++, j++) {
            jobs[j].list = lists[i], jobs[j].k = k;
            jobs[j].path = (char *)lk_scan_hashlist_name(lists[i], k);
        }
    return jobs;
}

/* Scans with settings a over the files and hash lists; the exit status. */
static int scan(const struct scan_args *a, lk_paths *files, int walk_failed)
{
    lk_scanner *sc = NULL;
    struct out o = { .resume = -1 };
    lk_resume done = { 0 };
    lk_progress prog;
    lk_scan_hashlist **lists = calloc(a->hashes.n ? (size_t)a->hashes.n : 1, sizeof *lists);
    long nhash = lists ? open_hashlists(a, lists) : -1;
    size_t n = files->n + (nhash > 0 ? (size_t)nhash : 0);
    struct job *jobs = nhash >= 0 ? make_jobs(a, files, lists, (size_t)nhash) : NULL;
    int status = LK_EXIT_ERROR;
    install_signals(); /* from the start: a signal during set-up stops cleanly too */
    lk_progress_start(&prog, "scanning", a->quiet);
    if (jobs && open_scanner(a, &done, &prog, &sc) == 0 && open_outputs(a, &o, &done) == 0) {
        run_jobs(sc, &prog, jobs, n, a->jobs > 0 ? a->jobs : default_jobs(), &o, a->fail_on);
        if (o.skipped)
            fprintf(stderr, "resuming: %zu suspect%s already reported, skipped\n", o.skipped,
                    o.skipped == 1 ? "" : "s");
        if (o.format != LK_SCANFMT_TEXT && lk_scan_write_end(stdout, o.format, o.any) < 0)
            o.errors++;
        if (o.format == LK_SCANFMT_TEXT && !o.quiet &&
            lk_scan_write_summary(stdout, o.verdicts, o.skipped) < 0)
            o.errors++;
        if (o.html && lk_write_html_report(a->html, o.html) < 0)
            o.errors++;
        else if (o.html && strcmp(a->html, "-") && !a->quiet)
            lk_message("html report", "%s", a->html);
        status = o.errors || walk_failed ? LK_EXIT_ERROR
                 : o.found ? LK_EXIT_FOUND : LK_EXIT_OK;
    }
    if (o.resume >= 0 && close(o.resume) != 0) {
        lk_error("cannot write '%s'", a->resume);
        status = LK_EXIT_ERROR;
    }
    if (stop_flag)
        status = stopped(a, &o);
    lk_progress_finish(&prog);
    lk_scanner_free(&sc);
    lk_scan_report_free(&o.html);
    lk_resume_release(&done);
    free(jobs);
    for (int i = 0; lists && i < a->hashes.n; i++)
        lk_scan_hashlist_free(&lists[i]);
    free(lists);
    return status;
}

/* --part and --files-from: parsed and checked.  0 or -1 (printed). */
static int list_args(struct scan_args *a, int n, char **ops, lk_part *part)
{
    if (a->part && lk_part_parse(a->part, part) < 0)
        return -1;
    a->by_path = a->files_from || a->part;
    for (int i = 0; a->files_from && !strcmp(a->files_from, "-") && i < n; i++)
        if (!strcmp(ops[i], "-")) {
            lk_error("'-' and '--files-from -' both read standard input");
            return -1;
        }
    return 0;
}

/* --part, then (by path) --resume: the inputs this run still scans. */
static int select_part(const struct scan_args *a, const lk_part *part, lk_paths *files)
{
    lk_inputs_keep_part(files, part);
    long done = a->by_path && a->resume ? lk_inputs_drop_reported(files, a->resume) : 0;
    if (done > 0)
        lk_message("resuming", "%ld input%s already in '%s', skipped", done,
                   done == 1 ? "" : "s", a->resume);
    return done < 0 ? -1 : 0;
}

/* "DIR/report.html" -> "DIR/report-evidence" (malloc'd, NULL when out of memory). */
static char *evidence_beside(const char *html)
{
    size_t n = strlen(html);
    const char *dot = strrchr(html, '.'), *slash = strrchr(html, '/');
    if (dot && (!slash || dot > slash + 1))
        n = (size_t)(dot - html);
    char *dir = malloc(n + sizeof "-evidence");
    if (dir)
        snprintf(dir, n + sizeof "-evidence", "%.*s-evidence", (int)n, html);
    return dir;
}

/* Expands the n operands and scans what they name; the exit status. */
static int scan_operands(const struct scan_args *a, int n, char **ops, const lk_part *part)
{
    lk_paths files = { 0 };
    lk_walk walk = { .include = &a->include, .exclude = &a->exclude };
    int status = LK_EXIT_ERROR;
    int rc = inputs(n, ops, a->nul, &files, &walk);
    if (rc == 0 && a->files_from)
        rc = lk_inputs_read_list(&files, &walk, a->files_from, a->nul) < 0 ? -2 : 0;
    lk_walk_report(&walk, a->quiet);
    size_t listed = files.n;
    if (rc == 0 && select_part(a, part, &files) < 0)
        rc = -2;
    if (rc == -1)
        lk_error("out of memory");
    else if (rc < 0)
        ; /* printed */
    else if (listed == 0 && !walk.failed && !a->hashes.n)
        lk_error("nothing to scan");
    else if (files.n > 0 || a->hashes.n)
        status = scan(a, &files, walk.failed);
    else if (a->part || a->by_path) /* an empty part, or all of it reported before */
        status = walk.failed ? LK_EXIT_ERROR : LK_EXIT_OK;
    lk_walk_release(&walk);
    lk_paths_release(&files);
    return status;
}

static int cmd_scan(int argc, char **argv)
{
    struct scan_args a = { .format = LK_SCANFMT_TEXT, .min_score = -1, .match_score = -1,
                           .max_false_rate = -1, .style_threshold = -1, .fps = -1,
                           .radius = -1 };
    const lk_option options[] = {
        LK_OPT_STRING_(0, "index", &a.index, "PATH",
                       "the index (default $LIKENESS_INDEX, else ./likeness.idx)"),
        LK_OPT_CHOICE_(0, "format", &a.format, "FMT", out_names,
                       "text (default), json, jsonl or csv"),
        LK_OPT_SETINT_(0, "json", &a.format, LK_SCANFMT_JSON, "one JSON array for the run"),
        LK_OPT_SETINT_(0, "jsonl", &a.format, LK_SCANFMT_JSONL, "one JSON object per suspect"),
        LK_OPT_SETINT_(0, "csv", &a.format, LK_SCANFMT_CSV,
                       "CSV for spreadsheets: one row per segment"),
        LK_OPT_DOUBLE_(0, "min-score", &a.min_score, "X", 0, 1,
                       "list works scoring >= X (default 0.5; 0: every candidate)"),
        LK_OPT_DOUBLE_(0, "match-score", &a.match_score, "X", 0, 1,
                       "a listed work scoring >= X is a match (default 0.5)"),
        LK_OPT_DOUBLE_(0, "max-false-rate", &a.max_false_rate, "R", 0, 1e6,
                       "a match is expected by chance in at most R suspects of one "
                       "(default 0.02, i.e. --match-score 0.5)"),
        LK_OPT_DOUBLE_(0, "style-threshold", &a.style_threshold, "X", 0, 1,
                       "style score >= X is 'resembles'"),
        LK_OPT_CHOICE_(0, "fail-on", &a.fail_on, "WHAT", fail_on_names,
                       "exit 1 on: match (default), resembles, never"),
        LK_OPT_STRING_(0, "evidence", &a.evidence, "DIR",
                       "write labelled PNGs of matched frames into DIR (created)"),
        LK_OPT_STRING_(0, "html", &a.html, "FILE",
                       "also write a self-contained HTML report to FILE (pictures in "
                       "FILE-evidence/ unless --evidence)"),
        LK_OPT_INT_('j', "jobs", &a.jobs, "N", 1, 64, "scan N suspects at once (default: cores)"),
        LK_OPT_FLAG_('q', "quiet", &a.quiet, "print only errors (and --json/--jsonl output)"),
        LK_OPT_STRING_(0, "resume", &a.resume, "FILE",
                       "append JSON Lines to FILE, skipping suspects already in it"),
        LK_OPT_FLAG_('0', "null", &a.nul, "listed paths are NUL-separated (find -print0)"),
        LK_OPT_STRING_(0, "files-from", &a.files_from, "LIST",
                       "scan the paths listed in LIST ('-': standard input)"),
        LK_OPT_STRING_(0, "part", &a.part, "K/N",
                       "scan only part K of N of the inputs (by position)"),
        LK_OPT_DOUBLE_(0, "fps", &a.fps, "N", 0, 1000,
                       "sample N frames/s of suspects (default: as the index)"),
        LK_OPT_INT_(0, "radius", &a.radius, "N", 0, 128,
                    "PDQ distance of a frame match (default 31)"),
        LK_OPT_INT_(0, "style-top", &a.style_top, "N", 1, 100,
                    "list at most N style resemblances (default 5)"),
        LK_OPT_FLAG_(0, "no-local", &a.no_local,
                     "leave local features unused (PDQ only: faster, finds fewer crops)"),
        LK_OPT_FLAG_(0, "no-color", &a.no_color, "no colours (NO_COLOR is honoured too)"),
        LK_OPT_LIST_(0, "include", &a.include, "GLOB",
                     "in directories, only files matching GLOB (repeatable)"),
        LK_OPT_LIST_(0, "exclude", &a.exclude, "GLOB",
                     "in directories, leave out what matches GLOB (repeatable)"),
        LK_OPT_LIST_(0, "work", &a.works, "ID", "only this work (repeatable)"),
        LK_OPT_LIST_(0, "owner", &a.owners, "NAME", "only works of this owner (repeatable)"),
        LK_OPT_LIST_(0, "tag", &a.tags, "KEY=VALUE", "only works with this tag (repeatable)"),
        LK_OPT_LIST_(0, "hashes", &a.hashes, "LIST",
                     "scan a PDQ or vPDQ hash list as suspects (repeatable)"),
        LK_OPT_END_,
    };
    int n = lk_parse_options(usage, options, argc, argv);
    if (n < 0)
        return n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    lk_part part = { 0, 0 };
    if (lk_check_tags(&a.tags) < 0 || list_args(&a, n, argv, &part) < 0)
        return LK_EXIT_ERROR;
    if (n == 0 && !a.files_from && !a.hashes.n) {
        lk_error("nothing to scan");
        lk_usage_hint(usage);
        return LK_EXIT_ERROR;
    }
    if (a.match_score >= 0 && a.max_false_rate >= 0) {
        lk_error("--match-score and --max-false-rate set the same threshold: give one");
        return LK_EXIT_ERROR;
    }
    a.index = lk_index_default_path(a.index);
    char *implied = NULL; /* --html without --evidence: pictures next to the page */
    if (a.html && !a.evidence && strcmp(a.html, "-") && (implied = evidence_beside(a.html)))
        a.evidence = implied;
    int status = scan_operands(&a, n, argv, &part);
    free(implied);
    return status;
}

const lk_cmd lk_cmd_scan = { "scan", cmd_scan,
                             "scan pictures and videos against the reference index", 0 };
