/*
 * harness.c — timing and reporting for the benchmark drivers: a monotonic
 * clock, the median of repeated timed loops, one JSON line per measurement.
 * Invariant: bench_median always calls fn at least once per run (plus one
 * untimed warm-up call), so a result is never 0 for a real function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "bench/harness.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(const bench_opts *o, void (*fn)(void *), void *arg)
{
    int runs = o->runs > 0 ? o->runs : 1;
    double *per = malloc((size_t)runs * sizeof *per);
    if (!per)
        return -1.0;
    fn(arg); /* warm-up: page faults, caches, frequency */
    for (int r = 0; r < runs; r++) {
        long calls = 0;
        double t0 = bench_now(), t;
        do {
            fn(arg);
            calls++;
            t = bench_now();
        } while (t - t0 < o->min_seconds);
        per[r] = (t - t0) / (double)calls;
    }
    qsort(per, (size_t)runs, sizeof *per, cmp_double);
    double med = runs % 2 ? per[runs / 2] : 0.5 * (per[runs / 2 - 1] + per[runs / 2]);
    free(per);
    return med;
}

void bench_report(const char *group, const char *name, const char *simd, double median_s,
                  double items, const char *unit, double speedup)
{
    printf("{\"bench\":\"%s\",\"case\":\"%s\",\"simd\":\"%s\",\"median_s\":%.9g,"
           "\"rate\":%.6g,\"unit\":\"%s\"",
           group, name, simd, median_s, median_s > 0 ? items / median_s : 0.0, unit);
    if (speedup > 0)
        printf(",\"speedup\":%.3f", speedup);
    printf("}\n");
    fflush(stdout);
}
