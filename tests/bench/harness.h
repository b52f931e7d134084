/*
 * harness.h — the benchmark harness shared by every driver in tests/bench/.
 *
 * A driver times a function with bench_median(), checks its output against
 * the scalar reference (or a stored hash) before trusting the time, and
 * reports one JSON line per measurement with bench_report().  Seeds are
 * fixed; the machine is noisy, so medians over several runs are reported
 * and ratios are taken between paths measured side by side in one run.
 */
#ifndef LK_BENCH_HARNESS_H
#define LK_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Options common to all drivers (every field is set by main.c). */
typedef struct bench_opts {
    int runs;             /* timed repetitions per measurement (median taken) */
    double min_seconds;   /* each repetition loops until at least this long */
    const char *media;    /* directory for generated media (created by main) */
    const char *filter;   /* run only drivers whose name contains this, or NULL */
    int quick;            /* 1: fewer runs, smaller inputs (smoke test) */
} bench_opts;

/* Monotonic seconds. */
double bench_now(void);

/*
 * Runs fn(arg) repeatedly: each of o->runs repetitions calls it until
 * o->min_seconds have passed; returns the median seconds per call.
 */
double bench_median(const bench_opts *o, void (*fn)(void *), void *arg);

/*
 * Prints one JSON line: {"bench":group,"case":name,"simd":simd,
 * "median_s":..,"rate":..,"unit":unit,"speedup":..} where rate = items /
 * median_s and speedup is omitted when <= 0.
 */
void bench_report(const char *group, const char *name, const char *simd,
                  double median_s, double items, const char *unit, double speedup);

/* Whole commands (child.c).  Runs argv with stdin, stdout and stderr on
 * /dev/null; returns its exit status (-1 when it could not run or died),
 * its CPU seconds (user + system of every thread), wall seconds and, when
 * rss_mb is not NULL, peak resident memory in MB (wait4's rusage). */
int bench_run_child(const char *const *argv, double *cpu, double *wall, double *rss_mb);
/* The likeness binary next to this program into buf; 0 or -1. */
int bench_likeness_path(char *buf, size_t size);
/* Makes (or finds, cached) a bench clip of gen-clip.sh: WxH, secs seconds,
 * in media; its path in out.  0 or -1. */
int bench_make_clip(const char *media, int w, int h, int secs, char *out, size_t size);

/* Drivers: each returns 0, or non-zero when a correctness check failed. */
int bench_kernels(const bench_opts *o);   /* bench_kernels.c  */
int bench_features(const bench_opts *o);  /* bench_features.c */
int bench_decode(const bench_opts *o);    /* bench_decode.c   */
int bench_index(const bench_opts *o);     /* bench_index.c    */
int bench_local(const bench_opts *o);     /* bench_local.c    */
int bench_vote(const bench_opts *o);      /* bench_vote.c     */
int bench_clips(const bench_opts *o);     /* bench_clips.c    */
int bench_scale(const bench_opts *o);     /* bench_scale.c    */

#endif
