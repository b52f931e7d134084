/*
 * catalog_internal.h — what the files of the catalog (src/catalog/) share:
 * the lk_index handle, the frame record codec, checksums and the mapping
 * of SQLite result codes to LK_E* codes.
 *
 * Frame record (LK_REC_BYTES, little-endian, one per entry, packed in one
 * BLOB per file):
 *   0  f64 t0        8  f64 t1        16 u64 pdq.w[0..3] (32 bytes)
 *   48 u64 phash     56 u64 dhash     64 u8 quality  65 u8 flags
 *   66 u8 view       67 u8 zero       68 style[192]    (total 260)
 * (format version 1 had zero at 66: every entry a whole frame.)
 * The files row stores the blob's checksum: lki_blob_checksum, XXH3-64 of
 * the blob seeded with the file row and the entry count, so a blob moved
 * to another row or cut short is detected too.
 */
#ifndef LK_INDEX_INTERNAL_H
#define LK_INDEX_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "likeness/catalog.h"

#define LK_REC_BYTES 260

/* Local features (format 5, locals.c): one row per file that has any, its
 * blob the file's sets in entry order, each "u32 entry number, u32 bytes,
 * the packed set (lk_local_pack)"; checksum as lki_blob_checksum over the
 * blob's bytes with the set count.  Format 4 indexes have no such table:
 * they open, read and scan without local features. */
#define LKI_LOCALS_SCHEMA                                                              \
    "CREATE TABLE locals(file INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE," \
    " sets INTEGER NOT NULL, data BLOB NOT NULL, checksum INTEGER NOT NULL);"

/* The loaded search segment (segment.c).  Invariant: when valid, hashes
 * and refs point at n entries inside mem, which this handle owns (read
 * from PATH-seg or rebuilt; never a mapping of the file). */
typedef struct lki_segfile {
    int valid;              /* 1 once loaded and verified */
    uint64_t generation;    /* catalog generation it was built from */
    size_t n;               /* entries */
    const lk_hash256 *hashes;
    const uint32_t *refs;   /* 2 per entry: file row, entry number */
    void *mem;              /* owned aligned block: header, hashes, refs */
} lki_segfile;

/* Cache of the last file blob lk_index_entry_at decoded. */
typedef struct lk_entry_cache {
    int loaded;             /* 1 when the fields below hold file_row */
    int64_t file_row;       /* the cached file row (any value, 0 included) */
    uint8_t *blob;          /* owned copy of the frames blob */
    size_t n;               /* entries in blob */
    char *work_id, *owner, *title, *path; /* owned strings */
    char *abs_path;         /* owned; "" when the catalog has none */
    int64_t work_row;
    double duration;        /* the file's duration, seconds (0: a still) */
    int imported;           /* the file holds imported hashes */
    uint8_t sha256[32];     /* the file's content hash */
    double fps;             /* its average frame rate */
    int width, height;      /* its coded size */
} lk_entry_cache;

/* Frees what the cache holds and empties it. */
void lki_entry_cache_clear(lk_entry_cache *c);

struct lk_index {
    sqlite3 *db;            /* the catalog connection */
    char *path;             /* as opened */
    char *seg_path;         /* path + "-seg" */
    unsigned flags;         /* enum lk_index_open_flags */
    int format;             /* stored format version (4: no local features) */
    int in_txn;             /* inside lk_index_begin .. commit */
    int busy_ms;            /* SQLite busy timeout, ms */
    char uuid[33];          /* meta index_uuid */
    lki_segfile seg;         /* search segment, if loaded */
    lk_entry_cache cache;   /* for lk_index_entry_at */
};

/* Maps a SQLite result code to an LK_E* code and writes "PATH: what:
 * sqlite message" into err.  Returns the code. */
int lki_db_err(lk_index *ix, int rc, const char *what, lk_errbuf *err);
/* Prepares sql; on failure fills err. */
int lki_db_prepare(lk_index *ix, const char *sql, sqlite3_stmt **st, lk_errbuf *err);
/* Runs sql without results.  Returns 0 or < 0. */
int lki_db_exec(lk_index *ix, const char *sql, lk_errbuf *err);
/* Reads an integer meta value; returns 1 found, 0 missing, < 0 error. */
int lki_meta_get_int(lk_index *ix, const char *key, int64_t *v, lk_errbuf *err);
/* Writes an integer meta value.  Returns 0 or < 0. */
int lki_meta_set_int(lk_index *ix, const char *key, int64_t v, lk_errbuf *err);
/* Runs fn inside a write transaction unless one is open.  Returns fn's. */
int lki_db_write(lk_index *ix, int (*fn)(lk_index *, void *, lk_errbuf *), void *ctx,
                lk_errbuf *err);
/* Writes a random hex id (32 digits and a NUL) into out. */
void lki_make_uuid(char out[33]);
/* The SQLite URI of path followed by query (e.g. "?mode=ro"), lki_malloc'd,
 * or NULL.  The characters URIs reserve ('%', '?', '#') are escaped and an
 * absolute path gets an empty authority, so any file name works. */
char *lki_db_uri(const char *path, const char *query);
/* Adds one to the catalog generation (inside a write transaction). */
int lki_bump_generation(lk_index *ix, lk_errbuf *err);
/* Drops the loaded segment and the entry cache (after writes). */
void lki_index_forget(lk_index *ix);

/* 64-bit checksum of n bytes, seeded: XXH3-64 (checksum.c). */
uint64_t lki_checksum64(const void *data, size_t n, uint64_t seed);
/* The checksum stored with the blob of file row `row` holding n entries. */
uint64_t lki_blob_checksum(const void *blob, size_t n_entries, int64_t row);

/* Stores the local sets of file `row` (locals.c; nothing when n is 0 or
 * the index is of format 4).  Returns 0 or < 0. */
int lki_locals_insert(lk_index *ix, int64_t row, const lk_index_local *v, size_t n,
                      lk_errbuf *err);

/* Verifies every locals blob (checksum, layout, each packed set) for
 * lk_index_verify.  0 or LK_ECORRUPT with a message (locals.c). */
int lki_locals_check(lk_index *ix, lk_errbuf *err);
/* Calls fn(entry, set, bytes, ctx) for each local set of file row `row`
 * (entry numbers within the row), checksum verified first; 0 when the
 * row has none or the index has no local features, fn's non-zero return,
 * LK_ECORRUPT or < 0. */
/* The number of local sets stored for file row `row` into *sets (0 when
 * none, or the index has no local features); 0 or < 0.  Checksums are
 * verified when the sets are read (lki_locals_of_file). */
int lki_locals_count(lk_index *ix, int64_t row, int64_t *sets, lk_errbuf *err);
int lki_locals_of_file(lk_index *ix, int64_t row,
                       int (*fn)(uint32_t, const uint8_t *, size_t, void *), void *ctx,
                       lk_errbuf *err);

/* Record codec (record.c). */
void lki_rec_encode(const lk_index_frame *f, uint8_t rec[LK_REC_BYTES]);
void lki_rec_decode(const uint8_t rec[LK_REC_BYTES], lk_index_frame *f);
/* Checks an entry's invariants; returns 0 or LK_EINVAL with a message. */
int lki_rec_check(const lk_index_frame *f, lk_errbuf *err);

/* Reads and checksum-verifies the frame blob of file `row`; *blob is a
 * malloc'd copy (caller frees), *n its entries.  Returns 0, LK_ENOENT,
 * LK_ECORRUPT (message names the file row and path). */
int lki_load_blob(lk_index *ix, int64_t row, uint8_t **blob, size_t *n, lk_errbuf *err);

/* Adding a file (works.c).  lki_check_work checks a work's id, owner,
 * title and tags.  Inside one write transaction: _begin refuses
 * content already indexed (LK_EEXIST) and finds or creates the work;
 * _part stores entries [first, first + n) as part `part` (n at most
 * LK_INDEX_PART_ENTRIES, each entry checked); _end updates the work's
 * style and the generation.  0 or < 0. */
int lki_check_work(const lk_index *ix, const lk_index_work *w, lk_errbuf *err);
int lki_add_begin(lk_index *ix, const lk_index_work *w, const lk_index_file *f, int64_t *work,
                  lk_errbuf *err);
int lki_add_part(lk_index *ix, int64_t work, const lk_index_file *f, int64_t part,
                 int64_t sampled, const lk_index_frame *frames, size_t n, size_t first,
                 lk_errbuf *err);
int lki_add_end(lk_index *ix, int64_t work, lk_errbuf *err);

/* Text checksums (textsum.c): of a work's id, owner, title and tags, and
 * of a file part's paths, format, content hash and part number, as
 * stored.  The _seal functions store them (inside the write transaction);
 * lki_check_texts compares every row's.  0 or < 0 (LK_ECORRUPT naming
 * the work or file). */
int lki_work_text_sum(lk_index *ix, int64_t work, uint64_t *sum, lk_errbuf *err);
int lki_file_text_sum(lk_index *ix, int64_t row, uint64_t *sum, lk_errbuf *err);
int lki_work_seal(lk_index *ix, int64_t work, lk_errbuf *err);
int lki_file_seal(lk_index *ix, int64_t row, lk_errbuf *err);
int lki_check_texts(lk_index *ix, lk_errbuf *err);

/* Segment (segment.c): load, verifying, rebuilding if needed. */
int lki_segfile_load(lk_index *ix, lk_errbuf *err);
/* Unmaps/frees the segment. */
void lki_segfile_release(lki_segfile *s);
/* Verifies the segment file on disk against the catalog: 0 if good, 1 if
 * missing/stale/damaged (reason in err->msg), < 0 on error. */
int lki_segfile_check(lk_index *ix, lk_errbuf *err);
/* Rebuilds the segment from the catalog and writes it (unless read-only). */
int lki_segfile_rebuild(lk_index *ix, lk_errbuf *err);

/* Writes the lossless export (exchange_lossless.c).  0 or < 0. */
int lki_export_lossless(lk_index *ix, const char *work_id, FILE *fp, lk_errbuf *err);

#endif
