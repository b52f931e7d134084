/*
 * segment.c — the search segment PATH-seg: a derived, checksummed,
 * checksummed copy of every entry's PDQ hash in catalog order (files by row,
 * entries in order) with, per position, its (file row, entry number).
 *
 * Layout (little-endian; the hash array read is used in place, so the
 * segment is only read on little-endian hosts):
 *   0  "LKSEG\0\0\1"   8  u32 format (2)   12 u32 header bytes (64)
 *   16 u64 catalog generation              24 u64 entries N
 *   32 u64 checksum of the data            40 u64 checksum of the index id
 *   48 u32 feature version  52 u32 zero    56 u64 checksum of bytes 0..55
 *   64 lk_hash256[N]        64+32N u32 [N][2] (file row, entry number)
 * The file is exactly 64 + 40N bytes.  It is valid for a catalog when the
 * header checksum, index id, feature version, generation, size and data
 * checksum all agree; otherwise it is rebuilt from the catalog (inside one
 * read transaction, so from one snapshot) and replaced atomically and
 * durably (common/atomic_file.h: temp file, fsync, rename, fsync of the
 * directory).  When it cannot be written (read-only
 * index or directory, full disk) the rebuilt segment lives in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/common.h"
#include "common/atomic_file.h"
#include "catalog/catalog_internal.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the search segment is used in place: little-endian hosts only"
#endif

#define SEG_HDR 64
#define SEG_FORMAT 2 /* 2: XXH3 checksums (index format 4) */
static const char seg_magic[8] = { 'L', 'K', 'S', 'E', 'G', 0, 0, 1 };

/* A segment built in memory: one aligned block, hashes then refs. */
typedef struct built {
    uint64_t generation;
    size_t n, cap;
    uint8_t *mem;  /* SEG_HDR bytes of header room, hashes, refs (refs appended at the end) */
    uint32_t *refs;
} built;

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t data_checksum(const void *data, size_t n)
{
    return lki_checksum64(data, n * 40, 0x5345474d454e54ULL ^ n);
}

static void make_header(const lk_index *ix, uint64_t gen, size_t n, uint64_t sum, uint8_t h[64])
{
    uint32_t v32[2] = { SEG_FORMAT, SEG_HDR }, feat[2] = { LK_INDEX_FEATURE_VERSION, 0 };
    uint64_t v64[4] = { gen, n, sum, lki_checksum64(ix->uuid, 32, 0) };
    memcpy(h, seg_magic, 8);
    memcpy(h + 8, v32, 8);
    memcpy(h + 16, v64, 32);
    memcpy(h + 48, feat, 8);
    uint64_t hs = lki_checksum64(h, 56, 0);
    memcpy(h + 56, &hs, 8);
}

void lki_segfile_release(lki_segfile *s)
{
    lki_free_aligned(s->mem);
    memset(s, 0, sizeof *s);
}

/* Appends the entries of one file blob to b. */
static int add_blob(built *b, int64_t row, const uint8_t *blob, size_t n, lk_errbuf *err,
                    const char *path)
{
    if (row > UINT32_MAX)
        return lki_err(err, LK_ETOOBIG, "%s: file row %lld beyond the segment's range", path,
                      (long long)row);
    LK_TESTCASE(b->n + n == b->cap); /* exactly full: no growth */
    if (b->n + n > b->cap) {
        size_t cap = LK_MAX(b->cap * 2, b->n + n + 1024);
        uint8_t *m = lki_malloc_aligned(SEG_HDR + cap * 40);
        uint32_t *refs = lki_malloc(cap * 8);
        if (!m || !refs) {
            lki_free_aligned(m);
            lki_free(refs);
            return lki_err(err, LK_ENOMEM, "%s: out of memory for the segment", path);
        }
        if (b->n) {
            memcpy(m + SEG_HDR, b->mem + SEG_HDR, b->n * 32);
            memcpy(refs, b->refs, b->n * 8);
        }
        lki_free_aligned(b->mem);
        lki_free(b->refs);
        b->mem = m, b->refs = refs, b->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        lk_index_frame f;
        lki_rec_decode(blob + i * LK_REC_BYTES, &f);
        memcpy(b->mem + SEG_HDR + (b->n + i) * 32, &f.pdq, 32);
        b->refs[2 * (b->n + i)] = (uint32_t)row;
        b->refs[2 * (b->n + i) + 1] = (uint32_t)i;
    }
    b->n += n;
    return 0;
}

/* Reads every file's blob, in row order, into b. */
static int build_rows(lk_index *ix, built *b, lk_errbuf *err)
{
    int64_t gen = 0;
    LK_TRY(lki_meta_get_int(ix, "generation", &gen, err));
    b->generation = (uint64_t)gen;
    sqlite3_stmt *st;
    LK_TRY(lki_db_prepare(ix, "SELECT id FROM files ORDER BY id", &st, err));
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t row = sqlite3_column_int64(st, 0);
        uint8_t *blob;
        size_t n;
        ret = lki_load_blob(ix, row, &blob, &n, err);
        if (ret == 0)
            ret = add_blob(b, row, blob, n, err, ix->path);
        lki_free(blob);
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = lki_db_err(ix, rc, "catalog read failed", err);
    sqlite3_finalize(st);
    return ret;
}

/* Builds the segment from one snapshot of the catalog.  The result has a
 * filled header and refs moved right after the hashes. */
static int build(lk_index *ix, built *b, lk_errbuf *err)
{
    memset(b, 0, sizeof *b);
    int own_txn = sqlite3_get_autocommit(ix->db);
    if (own_txn)
        LK_TRY(lki_db_exec(ix, "BEGIN", err));
    int rc = build_rows(ix, b, err);
    if (own_txn)
        sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
    if (rc == 0 && !b->mem && !(b->mem = lki_malloc_aligned(SEG_HDR)))
        rc = lki_err(err, LK_ENOMEM, "%s: out of memory", ix->path);
    if (rc == 0 && b->n) {
        memcpy(b->mem + SEG_HDR + b->n * 32, b->refs, b->n * 8);
        make_header(ix, b->generation, b->n, data_checksum(b->mem + SEG_HDR, b->n), b->mem);
    } else if (rc == 0) {
        make_header(ix, b->generation, 0, data_checksum(b->mem, 0), b->mem);
    }
    lk_freep(&b->refs);
    if (rc < 0)
        lki_free_aligned(b->mem);
    return rc;
}

/* Writes b to PATH-seg atomically (temp file, fsync, rename, fsync of
 * the directory: see common/atomic_file.h). */
static int write_segment(lk_index *ix, const built *b, lk_errbuf *err)
{
    return lki_write_file_atomic(ix->seg_path, 0644, 0, b->mem, SEG_HDR + b->n * 40,
                                 "the search segment", err);
}

/* Checks the header of h (file of `size` bytes) for generation gen; 0 ok
 * or 1 with the reason in why. */
static int check_header(const lk_index *ix, const uint8_t *h, uint64_t size, uint64_t gen,
                        char *why, size_t nwhy)
{
    uint8_t want[64];
    uint64_t n = rd64(h + 24);
    if (memcmp(h, seg_magic, 8) || rd64(h + 56) != lki_checksum64(h, 56, 0)) {
        snprintf(why, nwhy, "damaged header");
        return 1;
    }
    make_header(ix, rd64(h + 16), n, rd64(h + 32), want);
    if (memcmp(h, want, 64)) {
        snprintf(why, nwhy, "made for another index or feature version");
        return 1;
    }
    if (n > (size - SEG_HDR) / 40 || SEG_HDR + n * 40 != size) {
        snprintf(why, nwhy, "truncated or damaged (%llu bytes for %llu entries)",
                 (unsigned long long)size, (unsigned long long)n);
        return 1;
    }
    if (rd64(h + 16) != gen) {
        snprintf(why, nwhy, "stale (generation %llu, catalog %llu)",
                 (unsigned long long)rd64(h + 16), (unsigned long long)gen);
        return 1;
    }
    return 0;
}

/* Reads the whole of fd (`size` bytes) into a fresh aligned block; NULL
 * when memory runs out or the file is shorter than size (cut meanwhile). */
static uint8_t *read_all(int fd, size_t size, char *why, size_t nwhy)
{
    uint8_t *m = lki_malloc_aligned(size);
    size_t got = 0;
    if (m && size >= ((size_t)4 << 20)) {
        /* huge pages where the kernel offers them on request: a segment of
         * millions of entries then faults in 2 MB at a time */
        uintptr_t a = ((uintptr_t)m + 0x1fffff) & ~(uintptr_t)0x1fffff;
        uintptr_t e = ((uintptr_t)m + size) & ~(uintptr_t)0x1fffff;
        if (e > a)
            (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
    while (m && got < size) {
        ssize_t r = pread(fd, m + got, size - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(why, nwhy, "%s", r < 0 ? strerror(errno) : "truncated while read");
            lki_free_aligned(m);
            return NULL;
        }
        got += (size_t)r;
    }
    if (!m)
        snprintf(why, nwhy, "out of memory");
    return m;
}

/* Loads PATH-seg into s if it is valid for generation gen: 0 ok, 1 not
 * usable (reason in why), < 0 error.  The file is read into private
 * memory, never mapped: another process truncating or rewriting it in
 * place (a damaged disk, a careless tool) then cannot fault a reader with
 * SIGBUS or change what positions mean under it.  Cost, measured on a
 * 2,000,000-entry segment (80 MB) with a warm page cache: 25 ms to read
 * and checksum (huge pages asked for; 62 ms without) against 10-11 ms to
 * map and checksum, and 80 MB of private memory per process instead of
 * shared page cache. */
static int map_segment(lk_index *ix, lki_segfile *s, uint64_t gen, char *why, size_t nwhy)
{
    int fd = open(ix->seg_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, nwhy, "%s", errno == ENOENT ? "missing" : strerror(errno));
        return 1;
    }
    struct stat sb;
    uint8_t h[64];
    int bad = fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < SEG_HDR ||
              pread(fd, h, 64, 0) != 64;
    if (bad) {
        close(fd);
        snprintf(why, nwhy, "truncated or unreadable");
        return 1;
    }
    if (check_header(ix, h, (uint64_t)sb.st_size, gen, why, nwhy)) {
        close(fd);
        return 1;
    }
    uint8_t *m = read_all(fd, (size_t)sb.st_size, why, nwhy);
    close(fd);
    if (!m)
        return 1;
    size_t n = (size_t)rd64(h + 24);
    /* the header is checked again on the bytes read: the file may have
     * been replaced between the two reads */
    if (memcmp(m, h, SEG_HDR) || data_checksum(m + SEG_HDR, n) != rd64(h + 32)) {
        lki_free_aligned(m);
        snprintf(why, nwhy, "damaged data (checksum mismatch)");
        return 1;
    }
    s->mem = m, s->n = n, s->generation = gen;
    s->hashes = (const lk_hash256 *)(m + SEG_HDR);
    s->refs = (const uint32_t *)(m + SEG_HDR + n * 32);
    s->valid = 1;
    return 0;
}

/* Makes b the loaded segment of ix (takes ownership of its memory). */
static void adopt(lk_index *ix, built *b)
{
    lki_segfile *s = &ix->seg;
    lki_segfile_release(s);
    s->mem = b->mem, s->n = b->n, s->generation = b->generation;
    s->hashes = (const lk_hash256 *)(b->mem + SEG_HDR);
    s->refs = (const uint32_t *)(b->mem + SEG_HDR + b->n * 32);
    s->valid = 1;
    b->mem = NULL;
}

static int current_generation(lk_index *ix, uint64_t *gen, lk_errbuf *err)
{
    int64_t g = 0;
    LK_TRY(lki_meta_get_int(ix, "generation", &g, err));
    *gen = (uint64_t)g;
    return 0;
}

int lki_segfile_rebuild(lk_index *ix, lk_errbuf *err)
{
    built b;
    LK_TRY(build(ix, &b, err));
    int rc = 0;
    if (!(ix->flags & LK_INDEX_READONLY))
        rc = write_segment(ix, &b, err);
    adopt(ix, &b);
    return rc;
}

int lki_segfile_load(lk_index *ix, lk_errbuf *err)
{
    uint64_t gen;
    char why[160];
    LK_TRY(current_generation(ix, &gen, err));
    lki_segfile_release(&ix->seg);
    if (map_segment(ix, &ix->seg, gen, why, sizeof why) == 0)
        return 0;
    /* Missing, stale or damaged: rebuild; failing to write it is not an
     * error (the rebuilt segment serves from memory). */
    int rc = lki_segfile_rebuild(ix, NULL);
    if (rc < 0 && !ix->seg.valid)
        return lki_segfile_rebuild(ix, err);
    return 0;
}

int lki_segfile_check(lk_index *ix, lk_errbuf *err)
{
    uint64_t gen;
    char why[160];
    lki_segfile s = { 0 };
    LK_TRY(current_generation(ix, &gen, err));
    if (map_segment(ix, &s, gen, why, sizeof why)) {
        lki_err(err, LK_ECORRUPT, "%s: search segment %s", ix->seg_path, why);
        return 1;
    }
    built b;
    int rc = build(ix, &b, err);
    if (rc == 0 && (b.n != s.n || b.generation != gen ||
                    memcmp(b.mem + SEG_HDR, s.hashes, s.n * 40))) {
        lki_err(err, LK_ECORRUPT, "%s: search segment disagrees with the catalog", ix->seg_path);
        rc = 1;
    }
    lki_free_aligned(b.mem);
    lki_segfile_release(&s);
    return rc;
}
