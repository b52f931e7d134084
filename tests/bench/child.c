/*
 * child.c — what the whole-command drivers (bench_clips.c, bench_scale.c)
 * share: running a command and reading its cost from wait4, the likeness
 * binary beside this program, the bench clips of gen-clip.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

int bench_run_child(const char *const *argv, double *cpu, double *wall, double *rss_mb)
{
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
            close(fd);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0)
        if (errno != EINTR)
            return -1;
    *wall = bench_now() - t0;
    *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    if (rss_mb)
        *rss_mb = (double)ru.ru_maxrss / 1024.0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int bench_likeness_path(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (!slash || (size_t)(slash - buf) + sizeof "/likeness" > size)
        return -1;
    strcpy(slash, "/likeness");
    return 0;
}

int bench_make_clip(const char *media, int w, int h, int secs, char *out, size_t size)
{
    const char *src = getenv("LK_BENCH_SRCDIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sh '%s/gen-clip.sh' '%s' %d %d %d", src ? src : "tests/bench",
             media, w, h, secs);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int ok = fgets(out, (int)size, p) != NULL;
    ok &= pclose(p) == 0;
    out[strcspn(out, "\n")] = 0;
    return ok && out[0] ? 0 : -1;
}
