/*
 * inputs.c — what `likeness scan --files-from/--part/--resume` and
 * `likeness merge` need of an input list.
 *
 * --part K/N takes the inputs at positions K-1, K-1+N, K-1+2N, ... of the
 * expanded list.  By position, not by a hash of the path or content:
 * every part gets the same count to within one file, neighbours in the
 * list (often files of one directory, of like sizes) spread over all
 * parts, nothing is read but the list (a file that cannot be read is
 * still assigned, and reported as an error by its part), and a requeued
 * task recomputes exactly its old part from the same list.  The cost: the
 * list must not change while its parts are scanned (`likeness merge
 * --files-from` then finds the missing and duplicated inputs).
 *
 * Invariant: every function keeps the list's order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "cli/inputs.h"
#include "likeness/report.h"

int lk_part_parse(const char *s, lk_part *p)
{
    char *end;
    errno = 0;
    long k = strtol(s, &end, 10), n = 0;
    if (end != s && *end == '/') {
        const char *t = end + 1;
        n = strtol(t, &end, 10);
        if (end == t)
            n = 0;
    }
    if (errno || *end || n < 1 || n > 1000000 || k < 1 || k > n) {
        lk_error("'--part %s': want K/N with 1 <= K <= N", s);
        return -1;
    }
    p->k = k, p->n = n;
    return 0;
}

int lk_inputs_read_list(lk_paths *files, lk_walk *w, const char *list, int nul)
{
    FILE *fp = strcmp(list, "-") ? fopen(list, "r") : stdin;
    if (!fp) {
        lk_error("cannot open '%s': %s", list, strerror(errno));
        return -1;
    }
    lk_paths l = { 0 };
    int rc = lk_paths_read(&l, fp, nul);
    if (ferror(fp)) {
        lk_error("cannot read '%s'", list);
        rc = -1;
    } else if (rc < 0) {
        lk_error("out of memory");
    }
    if (fp != stdin)
        fclose(fp);
    if (rc == 0 && lk_paths_collect(files, w, (int)l.n, l.v) < 0) {
        lk_error("out of memory");
        rc = -1;
    }
    lk_paths_release(&l);
    return rc;
}

void lk_inputs_keep_part(lk_paths *files, const lk_part *p)
{
    if (p->n <= 1)
        return;
    size_t out = 0;
    for (size_t i = 0; i < files->n; i++) {
        if (i % (size_t)p->n == (size_t)(p->k - 1))
            files->v[out++] = files->v[i];
        else
            free(files->v[i]);
    }
    files->n = out;
}

/* Adds the "file" of one report line to out: 0, 1 not a report line,
 * -1 out of memory. */
static int add_reported(const char *line, lk_paths *out)
{
    cJSON *o = cJSON_Parse(line);
    if (lk_json_restore_bytes(o) < 0) /* the file's own bytes, "file_bytes" */
        return cJSON_Delete(o), -1;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "file");
    int rc = cJSON_IsString(f) ? lk_paths_push(out, f->valuestring, NULL) : 1;
    cJSON_Delete(o);
    return rc;
}

int lk_inputs_read_reported(const char *path, lk_paths *out)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return errno == ENOENT ? 0 : (lk_error("cannot open '%s': %s", path, strerror(errno)), -1);
    char *line = NULL;
    size_t cap = 0, no = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
        no++;
        if (line[len - 1] != '\n')
            break; /* a partial last line: scan --resume cuts it off */
        if ((rc = add_reported(line, out)) == 1)
            lk_error("'%s', line %zu: not a report of likeness scan", path, no);
    }
    if (rc == 0 && ferror(fp))
        lk_error("cannot read '%s'", path), rc = -1;
    if (rc < 0 && !ferror(fp))
        lk_error("out of memory");
    free(line);
    fclose(fp);
    if (rc == 0 && out->n)
        qsort(out->v, out->n, sizeof *out->v, lk_cmp_strp);
    return rc ? -1 : 0;
}

long lk_inputs_drop_reported(lk_paths *files, const char *path)
{
    lk_paths done = { 0 };
    if (lk_inputs_read_reported(path, &done) < 0) {
        lk_paths_release(&done);
        return -1;
    }
    size_t out = 0;
    for (size_t i = 0; i < files->n; i++) {
        if (done.n && bsearch(&files->v[i], done.v, done.n, sizeof *done.v, lk_cmp_strp))
            free(files->v[i]);
        else
            files->v[out++] = files->v[i];
    }
    long dropped = (long)(files->n - out);
    files->n = out;
    lk_paths_release(&done);
    return dropped;
}
