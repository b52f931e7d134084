/*
 * inputs.h — the input list of `likeness scan` and `likeness merge`
 * (inputs.c): paths read from a list file, a stable part K/N of the
 * inputs, and the paths a JSON Lines report already holds.
 */
#ifndef LK_CLI_INPUTS_H
#define LK_CLI_INPUTS_H

#include "cli/cli.h"

/* Part k of n (1 <= k <= n) of an input list; n == 0: the whole list. */
typedef struct lk_part {
    long k, n;
} lk_part;

/* Parses "K/N" into p.  0, or -1 after printing an error. */
int lk_part_parse(const char *s, lk_part *p);

/* Appends the paths listed in the file `list` ('-': standard input), one
 * per line or NUL-separated, directories expanded as operands are
 * (lk_paths_collect).  0, or -1 after printing an error; *failed is set
 * when a listed directory could not be read (reported). */
int lk_inputs_read_list(lk_paths *files, lk_walk *w, const char *list, int nul);

/* Keeps, in order, the inputs of part p: those at 0-based positions i
 * with i % n == k - 1. */
void lk_inputs_keep_part(lk_paths *files, const lk_part *p);

/* Reads the "file" of every complete line of the JSON Lines report at
 * path into out, sorted (a missing file is an empty one; a line that is
 * not a JSON object with a "file" string is an error unless it is the
 * unterminated last line).  0, or -1 after printing an error. */
int lk_inputs_read_reported(const char *path, lk_paths *out);

/* Removes from files, keeping the order, every path already reported in
 * the JSON Lines report at path.  Returns how many were removed, or -1
 * after printing an error. */
long lk_inputs_drop_reported(lk_paths *files, const char *path);

#endif
