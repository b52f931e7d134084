/*
 * likeness/style.h — style resemblance between a suspect and reference
 * works (src/match/style_rank.c): per-work prototypes of the works' frame
 * descriptors, and the ranking of works by how close a suspect's frames
 * come to them.  Style is weaker evidence than a copy: it says "drawn like",
 * never "taken from"; a style score alone never makes a `match`.
 *
 * Pure computation on LK_STYLE_BYTES descriptors (likeness/features.h):
 * no I/O, no global state; thread-safe on distinct outputs.
 */
#ifndef LIKENESS_STYLE_H
#define LIKENESS_STYLE_H

#include <stddef.h>
#include <stdint.h>
#include "likeness/error.h"
#include "likeness/features.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most prototypes kept per work (the catalog stores up to this many). */
#define LK_STYLE_PROTOS 8
/** Default length of the style list of a scan (`--style-top N`). */
#define LK_STYLE_TOP_DEFAULT 5
/** A suspect's frames compared with the works, at most (evenly spaced). */
#define LK_STYLE_RANK_FRAMES 64

/** One reference work's style, as the ranking reads it. */
typedef struct lk_style_work {
    const uint8_t *protos; /**< nprotos * LK_STYLE_BYTES bytes (borrowed) */
    int nprotos;           /**< 0 (no style: the work is never ranked) .. LK_STYLE_PROTOS */
} lk_style_work;

/** One ranked work. */
typedef struct lk_style_match {
    uint32_t work;   /**< index into the works array given to lk_style_rank */
    double distance; /**< mean over the suspect's frames of the distance to the
                          nearest prototype, in [0,1] */
    double score;    /**< lk_style_score(distance), in [0,1] */
} lk_style_match;

/**
 * Prototypes of a work: at most @p max (1..LK_STYLE_PROTOS) descriptors
 * that stand for the @p n descriptors at @p desc (n * LK_STYLE_BYTES
 * bytes, e.g. every style-carrying entry of a work).  Deterministic
 * k-means under lk_style_distance: farthest-first seeds from the entry
 * nearest the mean, then 8 rounds of assignment and rounded element-wise
 * means; at most 4096 evenly spaced entries take part.  Prototypes are
 * written to @p out (max * LK_STYLE_BYTES bytes), largest cluster first;
 * identical inputs give one prototype.  Returns the number written (0 when
 * n == 0), LK_EINVAL (NULL pointers, bad max) or LK_ENOMEM.
 */
LK_API int lk_style_prototypes(const uint8_t *desc, size_t n, int max, uint8_t *out);

/**
 * Ranks @p nworks works by style resemblance to a suspect whose frames
 * have the @p nframes descriptors at @p frames (nframes * LK_STYLE_BYTES
 * bytes; at most LK_STYLE_RANK_FRAMES evenly spaced ones are used).  A
 * work's distance is the mean over those frames of the distance
 * (lk_style_distance) to the work's nearest prototype.  Works with no
 * prototypes, and works whose @p skip flag is non-zero (@p skip may be
 * NULL; e.g. works already reported as copies), are left out.  Writes the
 * best @p top works to @p out, closest first (ties: lower index first).
 * Returns how many were written (<= top; 0 when nframes == 0) or LK_EINVAL.
 */
LK_API long lk_style_rank(const uint8_t *frames, size_t nframes, const lk_style_work *works,
                          size_t nworks, const uint8_t *skip, lk_style_match *out,
                          size_t top);

#ifdef __cplusplus
}
#endif
#endif
