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

#include <pthread.h>
#include <stdint.h>
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
    int hidden;                         /* 1: not listed by `likeness help` */
} lk_cmd;

/* Kinds of option values. */
enum lk_opt_kind {
    LK_OPT_END = 0,   /* terminates a table */
    LK_OPT_FLAG,      /* int set to 1 (or to `value` when non-zero) */
    LK_OPT_INT,       /* int parsed from the argument, within [min, max] */
    LK_OPT_DOUBLE,    /* double parsed from the argument, within [min, max] */
    LK_OPT_STRING,    /* const char * pointing into argv */
    LK_OPT_CHOICE,    /* int index into `choices` (NULL-terminated) */
    LK_OPT_LIST       /* lk_strlist: each use appends (repeatable) */
};

/* Values of a repeatable option, pointing into argv. */
#define LK_STRLIST_MAX 64
typedef struct lk_strlist {
    const char *v[LK_STRLIST_MAX];
    int n;
} lk_strlist;

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
#define LK_OPT_LIST_(s, l, d, a, h) { LK_OPT_LIST, s, l, d, a, h, 0, 0, NULL, 0 }
#define LK_OPT_END_ { LK_OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, 0 }

/*
 * Parses the options in table opts (LK_OPT_END-terminated, usually a local
 * array pointing at the command's local settings) from argv[1..argc-1],
 * stopping at "--".  Options and operands may be mixed; operands are moved,
 * in order, to argv[0..]: returns their count.  "-h"/"--help" print the
 * usage to stdout and return -2 (caller exits 0).  An unknown option or a
 * bad value prints an error and a one-line hint to stderr (the nearest
 * option, "did you mean '--min-score'?", or where the usage is) and
 * returns -1 (exit 2).
 */
int lk_parse_options(const char *const *usage, const lk_option *opts, int argc, char **argv);

/* Prints the usage lines and the option table to fp. */
void lk_print_usage(const char *const *usage, const lk_option *opts, FILE *fp);
/* Describe mode, for shell completions generated from the option tables
 * (completion.c): while set, lk_parse_options records the usage and the
 * option table it is given into *d and returns -2 (as for --help), so a
 * command called with only its name returns at once.  NULL ends it. */
#define LK_DESCRIBE_MAX 64
typedef struct lk_described {
    const char *const *usage;          /* the command's usage text */
    lk_option opts[LK_DESCRIBE_MAX];   /* its options (dest cleared) */
    int n;                             /* number of options */
    int seen;                          /* lk_parse_options was reached */
} lk_described;
void lk_describe(lk_described *d);

/* "hint: 'likeness scan --help' describes the options" on stderr: what a
 * usage error prints after its message (the full usage is for --help). */
void lk_usage_hint(const char *const *usage);
/* Edit distance of a[0..na) and b[0..nb): insertions, deletions,
 * substitutions and swaps of neighbours (SIZE_MAX when either is 64 bytes
 * or longer). */
size_t lk_edit_distance(const char *a, size_t na, const char *b, size_t nb);
/* Of names[0..n) (NULL entries ignored), the one typed[0..len) most likely
 * meant: the only one it is a prefix of (2 characters or more), else the
 * nearest within 1 edit (2 for 6 characters or more); NULL if none. */
const char *lk_nearest(const char *typed, size_t len, const char *const *names, size_t n);

/* Untrusted text (file names, titles, owners, tags) for printing: s
 * escaped with lk_text_escape into buf of n bytes, "..." at the end when
 * it did not fit; returns buf.  LK_ESC(s) does it into a buffer of the
 * enclosing block, for printf arguments. */
const char *lk_esc(const char *s, char *buf, size_t n);
#define LK_ESC_MAX 8192
#define LK_ESC(s) lk_esc((s), (char[LK_ESC_MAX]){ 0 }, LK_ESC_MAX)

/* "<prefix>: <fmt>\n" on stderr, the formatted message escaped
 * (lk_text_escape) so that a file name in it can neither carry a control
 * sequence to the terminal nor start a line of its own: lk_error,
 * lk_warning and notices ("notice", "hint", ...) all go through it. */
void lk_message(const char *prefix, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "error: <fmt>\n" on stderr (escaped, as lk_message). */
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

/* "warning: <fmt>\n" on stderr (escaped, as lk_message). */
void lk_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens DIR/NAME.txt for the output of input path (NAME: its last
 * component), never overwriting: NULL with the error printed (clash is
 * appended when the file exists). */
FILE *lk_open_in_dir(const char *dir, const char *path, const char *clash);

/* After a write: keeps the index's background of chance hits for its new
 * generation (lk_scanner_keep_background); a failure only warns. */
void lk_cli_keep_background(const char *index);

/* A growable list of owned paths (walk.c). */
typedef struct lk_paths {
    char **v;        /* paths, each owned */
    size_t n, cap;   /* count, capacity */
} lk_paths;

/* Appends a, or a "/" b when b is not NULL.  0 or -1 (out of memory). */
int lk_paths_push(lk_paths *l, const char *a, const char *b);
/* How operands were expanded, and the filters of directory walks. */
#define LK_WALK_EXAMPLES 3
typedef struct lk_walk {
    const lk_strlist *include;  /* --include globs (NULL or empty: every file) */
    const lk_strlist *exclude;  /* --exclude globs (files dropped, directories pruned) */
    size_t skipped;             /* files found that are not media (sniffed) */
    char *examples[LK_WALK_EXAMPLES]; /* the first of them (owned) */
    size_t excluded;            /* files left out by the globs */
    size_t links;               /* links skipped (dangling, loops; reported) */
    int failed;                 /* an operand failed (reported): exit status 2 */
} lk_walk;

/* Expands operands (walk.c has the rules): directories are walked
 * recursively, keeping the media files their globs select; anything else
 * is added as given.  -1 when out of memory; w->failed set when an
 * operand failed (a directory that cannot be read or yields no file, a
 * link loop), reported on stderr. */
int lk_paths_collect(lk_paths *l, lk_walk *w, int n, char **ops);
/* "notice: skipped N files that are not pictures or videos: ..." unless
 * quiet or none were. */
void lk_walk_report(const lk_walk *w, int quiet);
/* Frees what w owns. */
void lk_walk_release(lk_walk *w);
/* 1 if the first n bytes of a file are those of a picture or video
 * format (sniff.c lists them), else 0. */
int lk_sniff_media(const uint8_t *head, size_t n);
/* Adds the paths listed in fp, one per line or NUL-separated; 0 or -1. */
int lk_paths_read(lk_paths *l, FILE *fp, int nul);
/* strcmp of two `char *` array elements, for qsort and bsearch. */
int lk_cmp_strp(const void *a, const void *b);
/* Frees every path and the list. */
void lk_paths_release(lk_paths *l);

/* Progress display on stderr (progress.c). */
#define LK_PROGRESS_SLOTS 64  /* worker threads that can report, at most */
typedef struct lk_progress_slot {
    const char *path;  /* file in progress in this slot, NULL if none */
    double decoded;    /* seconds decoded */
    double duration;   /* its duration (0 still, < 0 unknown) */
} lk_progress_slot;

typedef struct lk_progress {
    int on;                /* stderr is a terminal and not quiet */
    const char *what;      /* "indexing", "scanning" */
    double t0, last;       /* start and last redraw, monotonic seconds */
    pthread_mutex_t mu;    /* guards what follows */
    long long frames;      /* frames sampled so far */
    int live;              /* files in progress */
    double seconds_done;   /* media seconds of the files finished */
    double known_seconds;  /* sum of the known durations of files finished */
    int known;             /* files finished with a known duration */
    lk_progress_slot slots[LK_PROGRESS_SLOTS];
} lk_progress;

void lk_progress_start(lk_progress *p, const char *what, int quiet);
/* Binds the calling (worker) thread to slot (0..LK_PROGRESS_SLOTS-1). */
void lk_progress_bind(int slot);
/* lk_progress_fn for the library (ctx: the lk_progress); thread-safe. */
void lk_progress_frame(void *ctx, const char *path, double decoded, double duration);
/* The calling thread's file is finished; thread-safe. */
void lk_progress_end(lk_progress *p);
/* Redraws (main thread only, at most 10 times a second unless done == total). */
void lk_progress_show(lk_progress *p, size_t done, size_t total);
void lk_progress_clear(const lk_progress *p);
/* Clears the line and frees p's lock. */
void lk_progress_finish(lk_progress *p);

/* The --resume file of scan (scan_resume.c): one entry per report line. */
typedef struct lk_resume_entry {
    char hash[65];        /* content hash */
    char *file;           /* path reported (owned) */
    int verdict;          /* enum lk_verdict */
    double duration, decoded;
    int truncated;
    long frames;
    int is_dup;           /* the line reports a duplicate itself */
} lk_resume_entry;

typedef struct lk_resume {
    lk_resume_entry *v;   /* sorted by hash, then file */
    size_t n, cap;
} lk_resume;

/* Reads the reports of path (a missing file is empty) and cuts off a
 * partial last line; 0, or < 0 when it cannot (reported). */
int lk_resume_load(const char *path, lk_resume *r);
/* lk_scan_params.skip_fn: 1 if content_hash was reported (ctx: lk_resume). */
int lk_resume_has(const char *content_hash, void *ctx);
/* The earlier report of hash (an original rather than a duplicate), NULL
 * if none; *same_path says whether path itself was reported. */
const lk_resume_entry *lk_resume_find(const lk_resume *r, const char *hash, const char *path,
                                      int *same_path);
void lk_resume_release(lk_resume *r);

/* Text columns (text.c), of untrusted text printed escaped
 * (lk_text_escape).  The display width of the escaped form of s (two
 * columns for wide characters such as CJK, none for combining marks). */
int lk_text_width(const char *s);
/* The escaped form of s into out (n bytes), shortened to at most width
 * columns with a final ellipsis when it is wider. */
void lk_text_fit(const char *s, int width, char *out, size_t n);
/* Prints s fitted to width columns and padded to exactly width (on the
 * left when right is set). */
void lk_text_cell(FILE *fp, const char *s, int width, int right);

/* The subcommands (cmd_<name>.c). */
extern const lk_cmd lk_cmd_hash;
extern const lk_cmd lk_cmd_help;
extern const lk_cmd lk_cmd_version;
extern const lk_cmd lk_cmd_index;
extern const lk_cmd lk_cmd_scan;
extern const lk_cmd lk_cmd_report;

/* Writes the HTML report of rep to path ("-": stdout) by temporary file,
 * fsync and rename (cmd_report.c).  0, or -1 after printing the error. */
struct lk_scan_report;
int lk_write_html_report(const char *path, const struct lk_scan_report *rep);

extern const lk_cmd lk_cmd_merge;

extern const lk_cmd lk_cmd_completion; /* hidden: `likeness completion bash|zsh|fish` */

/* The subcommands of `likeness index` (cmd_index.c), in the order
 * listed, and how many. */
extern const lk_cmd lk_index_subs[];
extern const size_t lk_index_nsubs;

/* `likeness index add` (cmd_index_add.c); argv[0] is "add". */
int lk_index_cmd_add(int argc, char **argv);
/* `likeness index shard` (cmd_index_shard.c); argv[0] is "shard". */
int lk_index_cmd_shard(int argc, char **argv);
/* Prints err (from opening the index at path) and, when the index does
 * not exist, a hint on how to create one or name another. */
void lk_index_error(const char *path, const lk_errbuf *err);
/* The index path: opt if given, else $LIKENESS_INDEX, else ./likeness.idx. */
const char *lk_index_default_path(const char *opt);
/* 0 if every tag is "key=value" with a non-empty key, else -1 after
 * printing an error naming the first that is not. */
int lk_check_tags(const lk_strlist *tags);

/* The command table, NULL-name terminated (main.c). */
extern const lk_cmd *const lk_commands[];

#endif
