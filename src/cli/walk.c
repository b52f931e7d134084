/*
 * walk.c — the list of input files of a command: operands expanded
 * (directories walked recursively in sorted order, hidden entries
 * skipped, symbolic links to regular files followed) and lists of paths
 * read from a stream (one per line, or NUL-separated).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/cli.h"

int lk_paths_push(lk_paths *l, const char *a, const char *b)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v, l->cap = cap;
    }
    size_t n = strlen(a) + (b ? strlen(b) + 2 : 1);
    char *s = malloc(n);
    if (!s)
        return -1;
    if (b)
        snprintf(s, n, "%s%s%s", a, a[0] && a[strlen(a) - 1] == '/' ? "" : "/", b);
    else
        snprintf(s, n, "%s", a);
    l->v[l->n++] = s;
    return 0;
}

void lk_paths_release(lk_paths *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

int lk_cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds one directory entry: a subdirectory is walked, a regular file (or a
 * link to one) is added.  Same returns as walk(). */
static int walk(lk_paths *l, const char *dir, int depth);
static int add_entry(lk_paths *l, const char *path, int depth)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return 0;
    if (S_ISDIR(sb.st_mode))
        return depth < 64 ? walk(l, path, depth + 1) : 0;
    if (S_ISREG(sb.st_mode) || (S_ISLNK(sb.st_mode) && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)))
        return lk_paths_push(l, path, NULL) < 0 ? -2 : 0;
    return 0;
}

/* Adds the regular files under dir.  Returns 0, -1 if a directory could
 * not be read (reported; the rest goes on), -2 if out of memory. */
static int walk(lk_paths *l, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        lk_error("cannot read directory '%s'", dir);
        return -1;
    }
    lk_paths names = { 0 };
    struct dirent *e;
    int rc = 0, failed = 0;
    while (rc == 0 && (e = readdir(d)))
        if (e->d_name[0] != '.')
            rc = lk_paths_push(&names, dir, e->d_name) < 0 ? -2 : 0;
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, lk_cmp_strp);
    for (size_t i = 0; i < names.n && rc != -2; i++) {
        int r = add_entry(l, names.v[i], depth);
        if (r == -2)
            rc = -2;
        failed |= r == -1;
    }
    lk_paths_release(&names);
    return rc < 0 ? rc : failed ? -1 : 0;
}

int lk_paths_collect(lk_paths *l, int n, char **ops, int *failed)
{
    for (int i = 0; i < n; i++) {
        struct stat sb;
        if (stat(ops[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            int rc = walk(l, ops[i], 0);
            if (rc == -2)
                return -1;
            *failed |= rc < 0;
        } else if (lk_paths_push(l, ops[i], NULL) < 0) {
            return -1;
        }
    }
    return 0;
}

int lk_paths_read(lk_paths *l, FILE *fp, int nul)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getdelim(&line, &cap, nul ? '\0' : '\n', fp)) > 0) {
        if (line[len - 1] == (nul ? '\0' : '\n'))
            line[--len] = '\0';
        if (!nul && len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len > 0)
            rc = lk_paths_push(l, line, NULL);
    }
    free(line);
    return rc;
}
