/*
 * likeness/likeness.h — umbrella header and library-wide entry points.
 */
#ifndef LIKENESS_H
#define LIKENESS_H

#include "likeness/error.h"
#include "likeness/image.h"
#include "likeness/simd.h"
#include "likeness/decode.h"
#include "likeness/features.h"
#include "likeness/local.h"
#include "likeness/geometry.h"
#include "likeness/search.h"
#include "likeness/catalog.h"
#include "likeness/shard.h"
#include "likeness/sha256.h"
#include "likeness/match.h"
#include "likeness/scan.h"
#include "likeness/style.h"
#include "likeness/report.h"
#include "likeness/pool.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LK_VERSION_MAJOR 0
#define LK_VERSION_MINOR 1
#define LK_VERSION_PATCH 0
#define LK_VERSION_STRING "0.1.0"

/**
 * Initialises process-wide read-only state (the SIMD table).  Call once
 * before starting threads; calling it again is harmless.  Returns 0.
 */
LK_API int lk_init(void);

/** The library version, LK_VERSION_STRING. */
LK_API const char *lk_version(void);

#ifdef __cplusplus
}
#endif
#endif
