/*
 * progress.c — a one-line progress display on stderr (files done/total,
 * frames/s, ETA), shown only when stderr is a terminal and the user did not
 * ask for quiet; redrawn at most 10 times a second.
 */
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void lk_progress_start(lk_progress *p, const char *what, int quiet)
{
    p->on = !quiet && isatty(2);
    p->what = what;
    p->frames = 0;
    p->t0 = now();
    p->last = 0;
}

void lk_progress_show(lk_progress *p, size_t done, size_t total)
{
    if (!p->on)
        return;
    double t = now();
    if (done < total && t - p->last < 0.1)
        return;
    p->last = t;
    double s = t - p->t0;
    double eta = done ? s / (double)done * (double)(total - done) : 0;
    fprintf(stderr, "\r\033[K%s: %zu/%zu files, %.1f frames/s, ETA %ld:%02ld", p->what, done,
            total, s > 0 ? (double)p->frames / s : 0.0, (long)eta / 60, (long)eta % 60);
    fflush(stderr);
}

void lk_progress_clear(const lk_progress *p)
{
    if (p->on) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}
