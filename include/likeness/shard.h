/*
 * likeness/shard.h — splitting an index into read-only shards
 * (src/catalog/shard.c) for scans whose catalogue outgrows one machine's
 * memory: each shard holds whole works (alignment and scores are per
 * work), so a suspect scanned against every shard, its reports merged
 * (`likeness merge --shards`), gets what the whole index gives.
 */
#ifndef LIKENESS_SHARD_H
#define LIKENESS_SHARD_H

#include <stdint.h>
#include "likeness/error.h"
#include "likeness/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Shards of one index, at most. */
#define LK_SHARDS_MAX 4096

/** What one shard written by lk_index_shard holds. */
typedef struct lk_shard_info {
    char uuid[33];          /**< the shard's own index id */
    uint64_t generation;    /**< the shard's generation: the parent's */
    int64_t first_row;      /**< first work row of the parent it holds */
    int64_t last_row;       /**< last work row (rows first_row..last_row) */
    int64_t works, files, entries; /**< totals */
} lk_shard_info;

/**
 * Writes @p nshards shards of the open index @p ix (read-only is enough)
 * to the new files @p paths[0..nshards-1] (each with its "-seg" search
 * segment), filling @p info.  Works are split in catalog row order into
 * contiguous ranges balanced by entries (cut where the running total is
 * nearest k/nshards of all entries), so shard k's works all come before
 * shard k+1's and ties between works keep the whole index's order.  Each
 * shard is a copy of the parent's catalog restricted to its works: the
 * parent's meta values (sampling, versions, generation, and any
 * index-wide statistic stored there) are copied as they are, plus
 * "shard_of" (parent id), "shard_of_generation" and "shard" ("K/N"); it
 * gets its own index id, rollback journal mode (opens read-only without
 * a -shm file) and mode 0444.  Fails with LK_EEXIST when a path exists,
 * LK_EINVAL when nshards is < 1, > LK_SHARDS_MAX or more than the works,
 * LK_ESTATE when the parent changed while the shards were written; a failed
 * call removes the shards it wrote.  Not thread-safe for one @p ix.
 */
LK_API int lk_index_shard(lk_index *ix, int nshards, const char *const *paths,
                          lk_shard_info *info, lk_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
