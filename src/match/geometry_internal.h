/*
 * geometry_internal.h — a geometric matcher with an explicit kernel table,
 * for tests and benchmarks (the public lk_geo_new() uses lk_simd_ops_get()).
 */
#ifndef LK_GEOMETRY_INTERNAL_H
#define LK_GEOMETRY_INTERNAL_H

#include "likeness/geometry.h"
#include "likeness/simd.h"

/* As lk_geo_new() with kernel table @p ops (kept by pointer: it must
 * outlive the matcher).  Returns 0 or LK_ENOMEM. */
int lki_geo_new_with_ops(lk_geo_matcher **out, const lk_simd_ops *ops);

#endif
