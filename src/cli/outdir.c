/*
 * outdir.c — `--output-dir DIR` of `hash` and `index export`: one output
 * file per input, DIR/NAME.txt (NAME: the input's last path component),
 * as the reference vPDQ hasher writes them.  Invariant: an existing file
 * is never overwritten (O_EXCL), so two inputs of one name, or an earlier
 * run, are an error naming the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"

FILE *lk_open_in_dir(const char *dir, const char *path, const char *clash)
{
    const char *base = strrchr(path, '/');
    char name[4096];
    snprintf(name, sizeof name, "%s/%s.txt", dir, base ? base + 1 : path);
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        lk_error("cannot create '%s': %s%s", LK_ESC(name), strerror(errno),
                 errno == EEXIST ? clash : "");
        if (fd >= 0)
            close(fd);
    }
    return fp;
}
