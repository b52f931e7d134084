/*
 * merge.h — what cmd_merge.c (reading parts, checking the inputs) and
 * merge_shards.c (the manifest, one suspect's shard reports combined)
 * share.
 */
#ifndef LK_CLI_MERGE_H
#define LK_CLI_MERGE_H

#include <stddef.h>
#include <cJSON.h>

/* One report line of a part.  Invariant: file and text are owned; obj is
 * the parsed line (owned) in shard mode, else NULL. */
struct lk_mrec {
    char *file;       /* its "file" */
    char *text;       /* the line without its newline */
    cJSON *obj;       /* parsed (shard mode) or NULL */
    int shard;        /* index of the manifest's shard that answered, or 0 */
    size_t order;     /* position among all lines read (parts in order) */
};

/* The shards of a manifest. */
struct lk_manifest {
    char id[33];              /* the parent index's id */
    char path[4096];          /* and its absolute path ("" if the manifest has none) */
    double generation;        /* and generation */
    int n;                    /* shards */
    char (*ids)[33];          /* per shard: its id */
    double *gens;             /* per shard: its generation */
};

/* Reads the manifest at path into m.  0, or -1 after printing an error. */
int lk_manifest_load(struct lk_manifest *m, const char *path);
void lk_manifest_release(struct lk_manifest *m);
/* The index a scan report line names (its run's "index": path, id,
 * generation), or NULL. */
const cJSON *lk_line_index(const cJSON *line);
/* The shard of m whose id and generation the line's run.index names, or -1. */
int lk_manifest_shard(const struct lk_manifest *m, const cJSON *line);

/* Combines the reports of one suspect, recs[k] from shard k (all n
 * present, each with obj), into one line as the whole index gives it
 * (malloc'd, no newline), with style lists cut to style_top.  NULL when
 * out of memory or the shards disagree on the file's content (printed). */
char *lk_merge_suspect(const struct lk_manifest *m, struct lk_mrec *const *recs, int style_top);

#endif
