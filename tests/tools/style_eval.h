/*
 * style_eval.h — what the style benchmark's files share (style_eval.c
 * loads the pictures and runs the benchmark; style_project.c measures
 * learned linear projections of the descriptor).  Not part of the library.
 */
#ifndef LK_STYLE_EVAL_H
#define LK_STYLE_EVAL_H

#include <stdint.h>
#include "likeness/likeness.h"

enum { MAXSETS = 32, BASE_BINS = 64, MIN_SET = 30, DUP_PDQ = 40 };

typedef struct item {
    int set;                       /* index into names */
    int ref;                       /* 1: reference picture, 0: suspect */
    lk_hash256 pdq;                /* for near-duplicate removal */
    uint8_t desc[LK_STYLE_BYTES];  /* style descriptor */
    float base[BASE_BINS];         /* baseline: normalised 4x4x4 RGB histogram */
} item;

/* The loaded benchmark: pictures of sets 0..nsets-1, each set in one group. */
typedef struct evalset {
    item *it;
    int n, cap;
    char names[MAXSETS][64];
    int group[MAXSETS];            /* 0 tune, 1 measure */
    int count[MAXSETS];            /* kept pictures per set */
    int nsets;
    int dropped_flat, dropped_dup, dropped_cap, unreadable;
} evalset;

/* `style_eval project`: fits the projections of style_project.c on the
 * tune sets, cross-validates them there, then reports both groups.
 * Returns 0, or 1 when out of memory. */
int style_project(const evalset *es);

#endif
