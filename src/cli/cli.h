/*
 * cli.h — what the subcommands of `likeness` share: the command table
 * entry, the option table and its parser, and message helpers in git's
 * style ("error: ...", lowercase, no final period).
 *
 * Only src/cli/ prints or exits.  Each subcommand is cmd_<name>.c with a
 * static usage text and option table; it returns the process exit status:
 * 0 success, 1 (scan only) resemblance found, 2 any error.
 */
#ifndef LK_CLI_H
#define LK_CLI_H

#include <stdio.h>
#include "likeness/error.h"

#define LK_EXIT_OK 0
#define LK_EXIT_FOUND 1
#define LK_EXIT_ERROR 2

/* One subcommand. */
typedef struct lk_cmd {
    const char *name;                   /* as typed after `likeness` */
    int (*fn)(int argc, char **argv);   /* argv[0] is the command name */
    const char *summary;                /* one line for `likeness help` */
} lk_cmd;

/* Kinds of option values. */
enum lk_opt_kind {
    LK_OPT_END = 0,   /* terminates a table */
    LK_OPT_FLAG,      /* int set to 1 (or to `value` when non-zero) */
    LK_OPT_INT,       /* int parsed from the argument, within [min, max] */
    LK_OPT_DOUBLE,    /* double parsed from the argument, within [min, max] */
    LK_OPT_STRING,    /* const char * pointing into argv */
    LK_OPT_CHOICE     /* int index into `choices` (NULL-terminated) */
};

/*
 * One option.  Invariant: long_name or short_name set; dest points to the
 * type the kind names.
 */
typedef struct lk_option {
    int kind;                    /* enum lk_opt_kind */
    char short_name;             /* e.g. 'q', or 0 */
    const char *long_name;       /* e.g. "quiet" (without dashes), or NULL */
    void *dest;                  /* where the value goes */
    const char *argname;         /* placeholder in help, e.g. "N" */
    const char *help;            /* one line */
    double min, max;             /* bounds for INT and DOUBLE */
    const char *const *choices;  /* for CHOICE */
    int value;                   /* for FLAG: value to store (0 means 1) */
} lk_option;

#define LK_OPT_FLAG_(s, l, d, h) { LK_OPT_FLAG, s, l, d, NULL, h, 0, 0, NULL, 0 }
#define LK_OPT_SETINT_(s, l, d, v, h) { LK_OPT_FLAG, s, l, d, NULL, h, 0, 0, NULL, v }
#define LK_OPT_INT_(s, l, d, a, lo, hi, h) { LK_OPT_INT, s, l, d, a, h, lo, hi, NULL, 0 }
#define LK_OPT_DOUBLE_(s, l, d, a, lo, hi, h) { LK_OPT_DOUBLE, s, l, d, a, h, lo, hi, NULL, 0 }
#define LK_OPT_STRING_(s, l, d, a, h) { LK_OPT_STRING, s, l, d, a, h, 0, 0, NULL, 0 }
#define LK_OPT_CHOICE_(s, l, d, a, c, h) { LK_OPT_CHOICE, s, l, d, a, h, 0, 0, c, 0 }
#define LK_OPT_END_ { LK_OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0 }

/*
 * Parses the options in table opts (LK_OPT_END-terminated, usually a local
 * array pointing at the command's local settings) from argv[1..argc-1],
 * stopping at "--".  Options and operands may be mixed; operands are moved,
 * in order, to argv[0..]: returns their count.  "-h"/"--help" print the
 * usage to stdout and return -2 (caller exits 0).  An unknown option or a
 * bad value prints an error and the usage to stderr and returns -1 (exit 2).
 */
int lk_parse_options(const char *const *usage, const lk_option *opts, int argc, char **argv);

/* Prints the usage lines and the option table to fp. */
void lk_print_usage(const char *const *usage, const lk_option *opts, FILE *fp);

/* "error: <fmt>\n" on stderr. */
void lk_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes code and a message into err (may be NULL), as the library does,
 * and returns code. */
int lk_cli_err(lk_errbuf *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Returns from the calling function when expr is negative. */
#define LK_CLI_TRY(expr)                 \
    do {                                 \
        int lk_cli_rc_ = (expr);         \
        if (lk_cli_rc_ < 0)              \
            return lk_cli_rc_;           \
    } while (0)

/* "warning: <fmt>\n" on stderr. */
void lk_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable list of owned paths (walk.c). */
typedef struct lk_paths {
    char **v;        /* paths, each owned */
    size_t n, cap;   /* count, capacity */
} lk_paths;

/* Appends a, or a "/" b when b is not NULL.  0 or -1 (out of memory). */
int lk_paths_push(lk_paths *l, const char *a, const char *b);
/* Expands operands: directories are walked recursively (sorted, hidden
 * entries skipped); anything else is added as given.  -1 when out of
 * memory; *failed set when a directory could not be read (reported). */
int lk_paths_collect(lk_paths *l, int n, char **ops, int *failed);
/* Adds the paths listed in fp, one per line or NUL-separated; 0 or -1. */
int lk_paths_read(lk_paths *l, FILE *fp, int nul);
/* strcmp of two `char *` array elements, for qsort and bsearch. */
int lk_cmp_strp(const void *a, const void *b);
/* Frees every path and the list. */
void lk_paths_release(lk_paths *l);

/* Progress display on stderr (progress.c). */
typedef struct lk_progress {
    int on;            /* stderr is a terminal and not quiet */
    const char *what;  /* "indexing", "scanning" */
    long long frames;  /* frames processed so far (the caller adds) */
    double t0, last;   /* start and last redraw, monotonic seconds */
} lk_progress;

void lk_progress_start(lk_progress *p, const char *what, int quiet);
void lk_progress_show(lk_progress *p, size_t done, size_t total);
void lk_progress_clear(const lk_progress *p);

/* The subcommands (cmd_<name>.c). */
extern const lk_cmd lk_cmd_hash;
extern const lk_cmd lk_cmd_help;
extern const lk_cmd lk_cmd_version;
extern const lk_cmd lk_cmd_index;
extern const lk_cmd lk_cmd_scan;
extern const lk_cmd lk_cmd_merge;

/* `likeness index add` (cmd_index_add.c); argv[0] is "add". */
int lk_index_cmd_add(int argc, char **argv);
/* `likeness index shard` (cmd_index_shard.c); argv[0] is "shard". */
int lk_index_cmd_shard(int argc, char **argv);
/* The index path: opt if given, else $LIKENESS_INDEX, else ./likeness.idx. */
const char *lk_index_default_path(const char *opt);
/* Moves every "--tag V" / "--tag=V" of argv[1..] into tags (up to max),
 * compacting argv; returns the new argc or -1 after printing an error. */
int lk_take_tags(int argc, char **argv, const char **tags, int max, int *ntags);

/* The command table, NULL-name terminated (main.c). */
extern const lk_cmd *const lk_commands[];

#endif
