/*
 * walk.c — the list of input files of a command: operands expanded
 * (directories walked recursively in sorted order) and lists of paths read
 * from a stream (one per line, or NUL-separated).
 *
 * Under a directory: hidden entries are skipped; --exclude globs drop
 * files and prune directories, --include globs (when given) keep only the
 * files they match; files that are not pictures or videos by their first
 * bytes (sniff.c) are skipped and counted; symbolic links are followed, to
 * files and to directories, and each one that dangles, loops (ELOOP, or a
 * directory back to one being walked) or leads to a directory already
 * walked is reported once and skipped.  Operands themselves are taken as
 * given (the command reports what cannot be decoded), except a link loop,
 * reported here as what it is; an operand that yields no file is an error,
 * so a mistyped or empty directory never looks like "all clean".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* A directory walked: its identity, where it was met, whether it is an
 * ancestor of the entry being looked at. */
struct seen_dir {
    dev_t dev;
    ino_t ino;
    char *path;   /* owned */
    int open;     /* on the current path from the operand */
};

/* State of one lk_paths_collect call. */
struct walker {
    lk_paths *out;
    lk_walk *w;
    struct seen_dir *dirs;
    size_t ndirs, cap;
};

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b && b[1] ? b + 1 : path;
}

/* Matches glob against path: the whole path when the glob has a '/',
 * else its last component. */
static int glob_match(const char *glob, const char *path)
{
    return fnmatch(glob, strchr(glob, '/') ? path : base_name(path), 0) == 0;
}

static int any_glob(const lk_strlist *g, const char *path)
{
    for (int i = 0; g && i < g->n; i++)
        if (glob_match(g->v[i], path))
            return 1;
    return 0;
}

/* 1 if the file's first bytes are media's; a file that cannot be read is
 * kept, so the command reports why. */
static int looks_like_media(const char *path)
{
    uint8_t head[512];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 1;
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    return n < 0 || lk_sniff_media(head, (size_t)n);
}

static void note_skipped(lk_walk *w, const char *path)
{
    if (w->skipped < LK_WALK_EXAMPLES)
        w->examples[w->skipped] = strdup(path);
    w->skipped++;
}

/* Adds regular file path found under a directory, unless filtered. */
static int add_found_file(struct walker *k, const char *path)
{
    lk_walk *w = k->w;
    if (w->include && w->include->n && !any_glob(w->include, path)) {
        w->excluded++;
        return 0;
    }
    if (!looks_like_media(path)) {
        note_skipped(w, path);
        return 0;
    }
    return lk_paths_push(k->out, path, NULL) < 0 ? -2 : 0;
}

static int walk(struct walker *k, const char *dir, const struct stat *sb, int depth);

/* Looks at one directory entry.  Same returns as walk(). */
static int add_entry(struct walker *k, const char *path, int depth)
{
    struct stat lsb, sb;
    if (lstat(path, &lsb) != 0)
        return 0; /* gone meanwhile */
    if (any_glob(k->w->exclude, path)) {
        k->w->excluded += !S_ISDIR(lsb.st_mode);
        return 0;
    }
    sb = lsb;
    if (S_ISLNK(lsb.st_mode) && stat(path, &sb) != 0) {
        if (errno == ELOOP)
            lk_warning("'%s': too many levels of symbolic links, skipped", path);
        else if (errno == ENOENT || errno == ENOTDIR)
            lk_warning("'%s': dangling symbolic link, skipped", path);
        else
            lk_warning("'%s': %s, skipped", path, strerror(errno));
        k->w->links++;
        return 0;
    }
    if (S_ISDIR(sb.st_mode))
        return depth < 64 ? walk(k, path, &sb, depth + 1) : 0;
    if (S_ISREG(sb.st_mode))
        return add_found_file(k, path);
    return 0; /* devices, FIFOs, sockets: never media files */
}

/* Records directory path as walked; 1 if it was already (reported). */
static int enter_dir(struct walker *k, const char *path, const struct stat *sb, int depth)
{
    for (size_t i = 0; i < k->ndirs; i++) {
        struct seen_dir *d = &k->dirs[i];
        if (d->dev != sb->st_dev || d->ino != sb->st_ino)
            continue;
        if (d->open)
            lk_warning("'%s': symbolic link loop (back to '%s'), skipped", path, d->path);
        else if (depth > 0)
            lk_warning("'%s': the same directory as '%s', already walked, skipped", path,
                       d->path);
        k->w->links += depth > 0 || d->open;
        return 1;
    }
    if (k->ndirs == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        struct seen_dir *v = realloc(k->dirs, cap * sizeof *v);
        if (!v)
            return -2;
        k->dirs = v, k->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -2;
    k->dirs[k->ndirs++] = (struct seen_dir){ sb->st_dev, sb->st_ino, copy, 1 };
    return 0;
}

/* The sorted names of dir's visible entries, as paths; -1 (reported) or -2. */
static int list_dir(const char *dir, lk_paths *names)
{
    DIR *d = opendir(dir);
    if (!d) {
        lk_error("cannot read directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)))
        if (e->d_name[0] != '.')
            rc = lk_paths_push(names, dir, e->d_name) < 0 ? -2 : 0;
    closedir(d);
    if (names->n)
        qsort(names->v, names->n, sizeof *names->v, lk_cmp_strp);
    return rc;
}

/* Adds the files under dir.  Returns 0, 1 if dir was walked already
 * (reported when met through a link), -1 if a directory could not be read
 * (reported; the rest goes on), -2 if out of memory. */
static int walk(struct walker *k, const char *dir, const struct stat *sb, int depth)
{
    int rc = enter_dir(k, dir, sb, depth);
    if (rc != 0)
        return rc;
    size_t self = k->ndirs - 1;
    lk_paths names = { 0 };
    int failed = 0;
    rc = list_dir(dir, &names);
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        int r = add_entry(k, names.v[i], depth);
        if (r == -2)
            rc = -2;
        failed |= r == -1;
    }
    k->dirs[self].open = 0;
    lk_paths_release(&names);
    return rc < 0 ? rc : failed ? -1 : 0;
}

/* Expands one operand; -2 when out of memory, else 0 with w->failed set
 * on errors (reported). */
static int collect_one(struct walker *k, const char *op)
{
    struct stat sb;
    int st = stat(op, &sb);
    if (st != 0 && errno == ELOOP) {
        lk_error("cannot open '%s': too many levels of symbolic links", op);
        k->w->failed = 1;
        return 0;
    }
    if (st != 0 || !S_ISDIR(sb.st_mode))
        return lk_paths_push(k->out, op, NULL) < 0 ? -2 : 0;
    size_t before = k->out->n, skipped = k->w->skipped;
    int rc = walk(k, op, &sb, 0);
    if (rc == -2 || rc == 1) /* out of memory, or given twice */
        return rc == 1 ? 0 : -2;
    k->w->failed |= rc < 0;
    if (rc == 0 && k->out->n == before) {
        size_t n = k->w->skipped - skipped;
        if (n)
            lk_error("'%s': no pictures or videos found (%zu other file%s skipped)", op, n,
                     n == 1 ? "" : "s");
        else
            lk_error("'%s': no pictures or videos found", op);
        k->w->failed = 1;
    }
    return 0;
}

int lk_paths_collect(lk_paths *l, lk_walk *w, int n, char **ops)
{
    struct walker k = { l, w, NULL, 0, 0 };
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = collect_one(&k, ops[i]);
    for (size_t i = 0; i < k.ndirs; i++)
        free(k.dirs[i].path);
    free(k.dirs);
    return rc < 0 ? -1 : 0;
}

void lk_walk_report(const lk_walk *w, int quiet)
{
    if (quiet || !w->skipped)
        return;
    fprintf(stderr, "notice: skipped %zu file%s that %s not pictures or videos: ", w->skipped,
            w->skipped == 1 ? "" : "s", w->skipped == 1 ? "is" : "are");
    for (size_t i = 0; i < w->skipped && i < LK_WALK_EXAMPLES; i++)
        fprintf(stderr, "%s'%s'", i ? ", " : "", w->examples[i] ? LK_ESC(w->examples[i]) : "?");
    fputs(w->skipped > LK_WALK_EXAMPLES ? ", ...\n" : "\n", stderr);
}

void lk_walk_release(lk_walk *w)
{
    for (size_t i = 0; i < LK_WALK_EXAMPLES; i++)
        free(w->examples[i]);
    memset(w->examples, 0, sizeof w->examples);
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
