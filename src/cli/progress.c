/*
 * progress.c — a one-line progress display on stderr, shown only when
 * stderr is a terminal and the user did not ask for quiet; redrawn at most
 * 10 times a second, by the main thread only (so it never interleaves with
 * reports).  It shows files done of all, the file in progress (seconds
 * decoded of its duration) or how many are, sampled frames per second and
 * an ETA.
 *
 * Worker threads feed it through lk_progress_frame (the library's
 * lk_progress_fn, called after each sampled frame) and lk_progress_end,
 * each in the slot it bound with lk_progress_bind; all state is under mu.
 * The ETA weighs media seconds: the seconds still to decode in files in
 * progress plus, for files not started, the mean duration seen so far,
 * over the media seconds decoded per second of wall time; with no
 * duration known (pictures) it falls back to files per second.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"

/* The slot of the calling thread (lk_progress_bind), -1 if none. */
static _Thread_local int my_slot = -1;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void lk_progress_start(lk_progress *p, const char *what, int quiet)
{
    memset(p, 0, sizeof *p);
    p->on = !quiet && isatty(2);
    p->what = what;
    p->t0 = now();
    pthread_mutex_init(&p->mu, NULL);
}

void lk_progress_bind(int slot)
{
    my_slot = slot >= 0 && slot < LK_PROGRESS_SLOTS ? slot : -1;
}

void lk_progress_frame(void *ctx, const char *path, double decoded, double duration)
{
    lk_progress *p = ctx;
    if (!p || my_slot < 0)
        return;
    pthread_mutex_lock(&p->mu);
    lk_progress_slot *s = &p->slots[my_slot];
    if (!s->path) {
        s->path = path;
        p->live++;
    }
    s->decoded = decoded > 0 ? decoded : 0;
    s->duration = duration;
    p->frames++;
    pthread_mutex_unlock(&p->mu);
}

void lk_progress_end(lk_progress *p)
{
    if (!p || my_slot < 0)
        return;
    pthread_mutex_lock(&p->mu);
    lk_progress_slot *s = &p->slots[my_slot];
    if (s->path) {
        double d = s->duration > 0 ? s->duration : s->decoded;
        p->seconds_done += d;
        p->known += s->duration > 0;
        p->known_seconds += s->duration > 0 ? s->duration : 0;
        p->live--;
    }
    memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&p->mu);
}

/* Adds up the seconds decoded and still to decode in files in progress
 * and the durations known; returns the one in progress (NULL if none or
 * several).  Under mu. */
static const lk_progress_slot *live_seconds(const lk_progress *p, double *decoded, double *left,
                                            double *known_sum, int *known_n)
{
    const lk_progress_slot *one = NULL;
    int n = 0;
    *decoded = *left = 0;
    for (int i = 0; i < LK_PROGRESS_SLOTS; i++) {
        const lk_progress_slot *s = &p->slots[i];
        if (!s->path)
            continue;
        one = s, n++;
        *decoded += s->decoded;
        if (s->duration > s->decoded)
            *left += s->duration - s->decoded;
        *known_sum += s->duration > 0 ? s->duration : 0;
        *known_n += s->duration > 0;
    }
    return n == 1 ? one : NULL;
}

/* Seconds left: media seconds when durations are known, else files. */
static double eta(const lk_progress *p, double elapsed, size_t done, size_t total,
                  double decoded, double left, double known_sum, int known_n)
{
    size_t started = done + (size_t)p->live;
    size_t waiting = total > started ? total - started : 0;
    double rate = (p->seconds_done + decoded) / (elapsed > 0 ? elapsed : 1);
    if (known_n > 0 && rate > 0)
        return (left + (double)waiting * known_sum / known_n) / rate;
    return done ? elapsed / (double)done * (double)(total - done) : 0;
}

/* "name 12.0/95.5 s" for the one file in progress, or "3 in progress". */
static void describe_live(const lk_progress *p, const lk_progress_slot *one, char *buf,
                          size_t n)
{
    buf[0] = '\0';
    if (one && one->duration > 0) {
        const char *base = strrchr(one->path, '/');
        base = base && base[1] ? base + 1 : one->path;
        char name[48];
        lk_text_fit(base, 24, name, sizeof name); /* escaped: no control bytes */
        snprintf(buf, n, ", %s %.1f/%.1f s", name, one->decoded, one->duration);
    } else if (p->live > 1) {
        snprintf(buf, n, ", %d in progress", p->live);
    }
}

void lk_progress_show(lk_progress *p, size_t done, size_t total)
{
    if (!p->on)
        return;
    double t = now();
    if (done < total && t - p->last < 0.1)
        return;
    p->last = t;
    double s = t - p->t0, decoded, left, known_sum, e;
    char live[96];
    int known_n;
    pthread_mutex_lock(&p->mu);
    known_sum = p->known_seconds, known_n = p->known;
    const lk_progress_slot *one = live_seconds(p, &decoded, &left, &known_sum, &known_n);
    e = eta(p, s, done, total, decoded, left, known_sum, known_n);
    describe_live(p, one, live, sizeof live);
    long long frames = p->frames;
    pthread_mutex_unlock(&p->mu);
    long t_eta = (long)e;
    char when[32];
    if (t_eta >= 3600)
        snprintf(when, sizeof when, "%ld:%02ld:%02ld", t_eta / 3600, t_eta / 60 % 60, t_eta % 60);
    else
        snprintf(when, sizeof when, "%ld:%02ld", t_eta / 60, t_eta % 60);
    fprintf(stderr, "\r\033[K%s: %zu/%zu files%s, %.1f frames/s, ETA %s", p->what, done, total,
            live, s > 0 ? (double)frames / s : 0.0, when);
    fflush(stderr);
}

void lk_progress_clear(const lk_progress *p)
{
    if (p->on) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

void lk_progress_finish(lk_progress *p)
{
    lk_progress_clear(p);
    pthread_mutex_destroy(&p->mu);
}
