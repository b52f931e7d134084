/*
 * main.c — likeness-bench: parses the common options, prints one JSON line
 * describing the machine (CPU model, detected and active SIMD level), then
 * runs every driver (kernels, features, decode, index, local, vote, clips)
 * whose name matches --filter.
 * Exit status: 0, 1 if any driver failed its correctness checks, 2 on a
 * usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bench/harness.h"
#include "likeness/likeness.h"


static void usage(void)
{
    fprintf(stderr, "usage: likeness-bench [--runs N] [--min-seconds S] [--media DIR] "
                    "[--filter NAME] [--quick]\n");
}

/* Parses argv into o (--quick lowers the default runs and time unless they
 * are given); returns 0 or -1 on a usage error. */
static int parse_args(int argc, char **argv, bench_opts *o)
{
    int timing_set = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quick")) {
            o->quick = 1;
            continue;
        }
        if (!v)
            return -1;
        if (!strcmp(a, "--runs"))
            o->runs = atoi(v), timing_set |= 1;
        else if (!strcmp(a, "--min-seconds"))
            o->min_seconds = atof(v), timing_set |= 2;
        else if (!strcmp(a, "--media"))
            o->media = v;
        else if (!strcmp(a, "--filter"))
            o->filter = v;
        else
            return -1;
        i++;
    }
    if (o->quick && !(timing_set & 1))
        o->runs = 3;
    if (o->quick && !(timing_set & 2))
        o->min_seconds = 0.02;
    return o->runs >= 1 && o->min_seconds >= 0 ? 0 : -1;
}

/* The "model name" of the first CPU in /proc/cpuinfo, or "unknown". */
static void cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) || !colon)
            continue;
        colon += 1 + (colon[1] == ' ');
        colon[strcspn(colon, "\n")] = 0;
        size_t j = 0;
        for (const char *c = colon; *c && j + 1 < size; c++)
            if (*c != '"' && *c != '\\') /* keep the JSON string valid */
                buf[j++] = *c;
        buf[j] = 0;
        break;
    }
    fclose(f);
}

static void print_env(void)
{
    static const char *levels[] = {"scalar", "avx2", "avx512"};
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    int det = lk_simd_detect();
    printf("{\"bench\":\"env\",\"cpu\":\"%s\",\"simd_detected\":\"%s\",\"simd_active\":\"%s\"}\n",
           cpu, levels[det], lk_simd_ops_get()->name);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    bench_opts o = {.runs = 5, .min_seconds = 0.1, .media = "build/bench-media"};
    if (parse_args(argc, argv, &o) < 0) {
        usage();
        return 2;
    }
    if (mkdir(o.media, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "likeness-bench: cannot create %s: %s\n", o.media, strerror(errno));
        return 2;
    }
    lk_decode_set_log_level(0);
    print_env();
    static const struct {
        const char *name;
        int (*fn)(const bench_opts *);
    } drivers[] = {{"kernels", bench_kernels},
                   {"features", bench_features},
                   {"decode", bench_decode},
                   {"index", bench_index},
                   {"local", bench_local},
                   {"vote", bench_vote},
                   {"clips", bench_clips},
                   {"scale", bench_scale}};
    int failed = 0;
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++) {
        int (*fn)(const bench_opts *) = drivers[i].fn;
        if (o.filter && !strstr(drivers[i].name, o.filter))
            continue;
        if (fn(&o) != 0) {
            fprintf(stderr, "likeness-bench: driver %s failed\n", drivers[i].name);
            failed = 1;
        }
    }
    return failed;
}
