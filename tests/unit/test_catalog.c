/*
 * test_catalog.c — the reference index's storage layer with synthetic
 * features: SHA-256 vectors, checksums, add/list/remove/reopen, content
 * and owner conflicts, parameter and version refusal, damage detection
 * (flipped blob byte, truncated or foreign files), segment rebuild when
 * stale or damaged, search-position records, import/export round trip,
 * transactions, read-only and full-catalog failures, run collapsing.
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include "likeness/likeness.h"
#include "test.h"

static char dir[256], path[300];
static uint64_t seed = 12345;

static void test_sha256(void)
{
    static const struct { const char *msg; const char *hex; } v[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
          "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
    };
    uint8_t d[32];
    char hex[65];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        lk_sha256_ctx c;
        CHECK_INT(lk_sha256_init(&c), 0);
        lk_sha256_update(&c, v[i].msg, strlen(v[i].msg));
        lk_sha256_final(&c, d);
        lk_sha256_to_hex(d, hex);
        CHECK_STR(hex, v[i].hex);
    }
    /* One million 'a', fed in uneven pieces. */
    char buf[997];
    memset(buf, 'a', sizeof buf);
    lk_sha256_ctx c;
    CHECK_INT(lk_sha256_init(&c), 0);
    size_t left = 1000000;
    for (size_t k = 1; left; k = k % 900 + 13) {
        size_t take = k < left ? k : left;
        lk_sha256_update(&c, buf, take);
        left -= take;
    }
    lk_sha256_final(&c, d);
    lk_sha256_to_hex(d, hex);
    CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* Around the block and padding boundaries, byte-wise feeding agrees
     * with one call. */
    for (size_t len = 54; len <= 130; len++) {
        uint8_t one[32], bytes[32];
        CHECK_INT(lk_sha256_init(&c), 0);
        lk_sha256_update(&c, buf, len);
        lk_sha256_final(&c, one);
        CHECK_INT(lk_sha256_init(&c), 0);
        for (size_t k = 0; k < len; k++)
            lk_sha256_update(&c, buf + k, 1);
        lk_sha256_final(&c, bytes);
        CHECK(!memcmp(one, bytes, 32));
    }
    /* The file form agrees. */
    char fpath[320];
    snprintf(fpath, sizeof fpath, "%s/abc.txt", dir);
    FILE *fp = fopen(fpath, "w");
    fputs("abc", fp);
    fclose(fp);
    int64_t size = 0;
    CHECK_INT(lk_sha256_file(fpath, d, &size, NULL), 0);
    lk_sha256_to_hex(d, hex);
    CHECK_STR(hex, v[1].hex);
    CHECK_INT(size, 3);
    CHECK_INT(lk_sha256_file(dir, d, &size, NULL), LK_EISDIR);
}

static void random_frames(lk_index_frame *f, size_t n, int style)
{
    for (size_t i = 0; i < n; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].t0 = (double)i * 0.5;
        f[i].t1 = f[i].t0 + (i % 3) * 0.5;
        for (int k = 0; k < 4; k++)
            f[i].pdq.w[k] = t_rand(&seed);
        f[i].phash = t_rand(&seed);
        f[i].dhash = t_rand(&seed);
        f[i].quality = (int)(t_rand(&seed) % 101);
        f[i].flags = style ? LK_ENTRY_ALL : 0;
        f[i].view = style ? LK_VIEW_FULL : (int)(i % LK_VIEW_COUNT); /* fc: views */
        for (int k = 0; style && k < LK_STYLE_BYTES; k++)
            f[i].style[k] = (uint8_t)(10 * style + (k & 1));
    }
}

static void fake_file(lk_index_file *f, const char *name, uint8_t tag)
{
    memset(f, 0, sizeof *f);
    f->path = name;
    f->size = 1000 + tag;
    memset(f->sha256, tag, 32);
    f->duration = 12.5;
    f->width = 640;
    f->height = 360;
}

static int count_work(const lk_index_work_info *w, void *ctx)
{
    int *n = ctx;
    (*n)++;
    if (!strcmp(w->work_id, "w1")) {
        CHECK_STR(w->owner, "Studio A");
        CHECK_STR(w->title, "First");
        CHECK_STR(w->tags, "lang=en");
        CHECK_INT(w->files, 2);
        CHECK_INT(w->entries, 30);
    }
    return 0;
}

static int nworks(lk_index *ix)
{
    int n = 0;
    CHECK_INT(lk_index_list(ix, count_work, &n, NULL), 0);
    return n;
}

static lk_index_frame fa[10], fb[20], fc[5];
static const char *const tags1[] = { "lang=en" };
static const lk_index_work w1 = { "w1", "Studio A", "First", tags1, 1 };
static const lk_index_work w2 = { "w2", "Studio B", "Second", NULL, 0 };

/* A fresh index at path with works w1 (2 files, 30 entries) and w2 (5). */
static lk_index *make_index(void)
{
    char aux[340];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-seg", path);
    unlink(aux);
    lk_index *ix = NULL;
    lk_errbuf err;
    CHECK_INT(lk_index_open(&ix, path, 0, &err), LK_ENOENT);
    CHECK(strstr(err.msg, path) != NULL);
    CHECK_INT(lk_index_open(&ix, path, LK_INDEX_CREATE, &err), 0);
    if (!ix)
        return NULL;
    random_frames(fa, 10, 1);
    random_frames(fb, 20, 2);
    random_frames(fc, 5, 0);
    lk_index_file f;
    fake_file(&f, "a.mp4", 1);
    CHECK_INT(lk_index_add_file(ix, &w1, &f, fa, 10, &err), 0);
    fake_file(&f, "b.mp4", 2);
    CHECK_INT(lk_index_add_file(ix, &w1, &f, fb, 20, &err), 0);
    fake_file(&f, "c.png", 3);
    CHECK_INT(lk_index_add_file(ix, &w2, &f, fc, 5, &err), 0);
    return ix;
}

static void test_add_list_remove(void)
{
    lk_index *ix = make_index();
    lk_errbuf err;
    CHECK_INT(nworks(ix), 2);
    lk_index_stats st;
    CHECK_INT(lk_index_stats_get(ix, &st, &err), 0);
    CHECK_INT(st.works, 2);
    CHECK_INT(st.owners, 2);
    CHECK_INT(st.files, 3);
    CHECK_INT(st.entries, 35);
    CHECK_INT(st.generation, 3);
    CHECK_INT(st.feature_version, LK_INDEX_FEATURE_VERSION);
    CHECK_INT(strlen(st.index_uuid), 32);
    /* Same content again, and a work id taken by another owner. */
    lk_index_file f;
    fake_file(&f, "copy-of-a.mp4", 1);
    char have[LK_WORK_ID_MAX + 1];
    CHECK_INT(lk_index_has_content(ix, f.sha256, have, &err), 1);
    CHECK_STR(have, "w1");
    CHECK_INT(lk_index_add_file(ix, &w2, &f, fa, 10, &err), LK_EEXIST);
    CHECK(strstr(err.msg, "w1") != NULL);
    lk_index_work thief = { "w1", "Studio B", "Stolen", NULL, 0 };
    fake_file(&f, "d.mp4", 4);
    CHECK_INT(lk_index_add_file(ix, &thief, &f, fa, 10, &err), LK_EEXIST);
    lk_index_work bad = { "has space", "O", "T", NULL, 0 };
    CHECK_INT(lk_index_add_file(ix, &bad, &f, fa, 10, &err), LK_EINVAL);
    lk_index_frame wrong = fa[0];
    wrong.t1 = -1;
    CHECK_INT(lk_index_add_file(ix, &w2, &f, &wrong, 1, &err), LK_EINVAL);
    wrong = fa[0];
    wrong.view = LK_VIEW_COUNT;
    CHECK_INT(lk_index_add_file(ix, &w2, &f, &wrong, 1, &err), LK_EINVAL);
    CHECK(strstr(err.msg, "d.mp4: entry 0: bad entry view") != NULL);
    CHECK_INT(lk_index_stats_get(ix, &st, &err), 0);
    CHECK_INT(st.generation, 3);
    /* The work's style is the mean of its entries' (10/11 and 20/21 ->
     * (10*10 + 20*20) / 30 rounded, per element). */
    uint8_t style[LK_STYLE_BYTES];
    CHECK_INT(lk_index_work_style(ix, "w1", style, &err), 1);
    CHECK_INT(style[0], (10 * 10 + 20 * 20 + 15) / 30);
    CHECK_INT(style[1], (10 * 11 + 20 * 21 + 15) / 30);
    CHECK_INT(lk_index_work_style(ix, "w2", style, &err), 0);
    CHECK_INT(lk_index_work_style(ix, "nope", style, &err), LK_ENOENT);
    /* Its prototypes: the two looks, the larger (20 entries) first. */
    uint8_t protos[LK_STYLE_PROTOS][LK_STYLE_BYTES];
    CHECK_INT(lk_index_work_prototypes(ix, "w1", protos, &err), 2);
    CHECK(protos[0][0] == 20 && protos[0][1] == 21 && protos[1][0] == 10 && protos[1][1] == 11);
    CHECK_INT(lk_index_work_prototypes(ix, "w2", protos, &err), 0);
    CHECK_INT(lk_index_work_prototypes(ix, "nope", protos, &err), LK_ENOENT);
    /* Rename, remove, reopen. */
    CHECK_INT(lk_index_rename_work(ix, "w2", "w1", &err), LK_EEXIST);
    CHECK_INT(lk_index_rename_work(ix, "w2", "w2b", &err), 0);
    CHECK_INT(lk_index_remove_work(ix, "w2", &err), LK_ENOENT);
    CHECK_INT(lk_index_remove_work(ix, "w2b", &err), 0);
    CHECK_INT(nworks(ix), 1);
    lk_index_close(&ix);
    CHECK(ix == NULL);
    CHECK_INT(lk_index_open(&ix, path, LK_INDEX_READONLY, &err), 0);
    CHECK_INT(nworks(ix), 1);
    CHECK_INT(lk_index_stats_get(ix, &st, &err), 0);
    CHECK_INT(st.owners, 1);
    CHECK_INT(st.entries, 30);
    int repairs = -1;
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    fake_file(&f, "e.mp4", 5);
    CHECK_INT(lk_index_add_file(ix, &w2, &f, fc, 5, &err), LK_EROFS);
    lk_index_close(&ix);
}

struct walk { size_t n; int ok; };

static int walk_entry(const lk_index_entry *e, void *ctx)
{
    struct walk *w = ctx;
    const lk_index_frame *want = !strcmp(e->file, "a.mp4") ? &fa[e->number]
                               : !strcmp(e->file, "b.mp4") ? &fb[e->number] : &fc[e->number];
    w->ok &= !memcmp(&e->frame.pdq, &want->pdq, 32) && e->frame.t0 == want->t0 &&
             e->frame.t1 == want->t1 && e->frame.quality == want->quality &&
             e->frame.phash == want->phash && e->frame.flags == want->flags &&
             e->frame.view == want->view &&
             !memcmp(e->frame.style, want->style, LK_STYLE_BYTES) &&
             e->file_duration == 12.5 && e->file_imported == 0;
    w->n++;
    return 0;
}

static void test_foreach_and_entries(void)
{
    lk_index *ix = make_index();
    lk_errbuf err;
    struct walk w = { 0, 1 };
    CHECK_INT(lk_index_foreach(ix, NULL, walk_entry, &w, &err), 0);
    CHECK_INT(w.n, 35);
    CHECK(w.ok);
    w.n = 0;
    CHECK_INT(lk_index_foreach(ix, "w2", walk_entry, &w, &err), 0);
    CHECK_INT(w.n, 5);
    CHECK_INT(lk_index_foreach(ix, "none", walk_entry, &w, &err), LK_ENOENT);
    const lk_hash256 *h;
    size_t n;
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0);
    CHECK_INT(n, 35);
    int all = n == 35;
    for (size_t i = 0; all && i < n; i++) {
        lk_index_entry e;
        all &= lk_index_entry_at(ix, i, &e, &err) == 0;
        const lk_index_frame *want = i < 10 ? &fa[i] : i < 30 ? &fb[i - 10] : &fc[i - 30];
        all &= !memcmp(&h[i], &want->pdq, 32) && !memcmp(&e.frame.pdq, &want->pdq, 32);
        all &= !strcmp(e.work_id, i < 30 ? "w1" : "w2") && e.number == (i < 10 ? i : i < 30 ? i - 10 : i - 30);
        all &= !strcmp(e.owner, i < 30 ? "Studio A" : "Studio B") && e.frame.t1 == want->t1;
    }
    CHECK(all);
    lk_index_entry e;
    CHECK_INT(lk_index_entry_at(ix, 35, &e, &err), LK_EINVAL);
    lk_index_close(&ix);
}

static long file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

/* Flips one bit of the first occurrence of needle in file p; 0 if found. */
static int flip_in_file(const char *p, const void *needle, size_t len, size_t at)
{
    FILE *fp = fopen(p, "r+b");
    if (!fp)
        return -1;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    unsigned char *buf = malloc((size_t)n);
    int rc = -1;
    if (buf && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
        unsigned char *hit = memmem(buf, (size_t)n, needle, len);
        if (hit) {
            hit[at] ^= 0x10;
            rewind(fp);
            rc = fwrite(buf, 1, (size_t)n, fp) == (size_t)n ? 0 : -1;
        }
    }
    free(buf);
    fclose(fp);
    return rc;
}

static void test_blob_damage(void)
{
    lk_index *ix = make_index();
    lk_errbuf err;
    lk_index_close(&ix);
    CHECK_INT(flip_in_file(path, &fa[3].pdq, 32, 7), 0);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), 0);
    struct walk w = { 0, 1 };
    CHECK_INT(lk_index_foreach(ix, NULL, walk_entry, &w, &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "a.mp4") != NULL && strstr(err.msg, "checksum") != NULL);
    int repairs;
    CHECK_INT(lk_index_verify(ix, &repairs, &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "damaged") != NULL);
    const lk_hash256 *h;
    size_t n;
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), LK_ECORRUPT);
    lk_index_close(&ix);
}

static void test_segment(void)
{
    lk_index *ix = make_index(), *b = NULL;
    lk_errbuf err;
    char seg[340];
    snprintf(seg, sizeof seg, "%s-seg", path);
    const lk_hash256 *h;
    size_t n;
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0);
    CHECK_INT(file_size(seg), 64 + 35 * 40);
    /* Stale: another handle adds; a fresh handle sees and rewrites it. */
    CHECK_INT(lk_index_open(&b, path, 0, &err), 0);
    lk_index_file f;
    fake_file(&f, "d.mp4", 4);
    CHECK_INT(lk_index_add_file(b, &w2, &f, fc, 5, &err), 0);
    lk_index_close(&b);
    CHECK_INT(file_size(seg), 64 + 35 * 40);
    lk_index_close(&ix);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), 0);
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0);
    CHECK_INT(n, 40);
    CHECK_INT(file_size(seg), 64 + 40 * 40);
    int repairs = -1;
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    CHECK_INT(repairs, 0);
    lk_index_close(&ix);
    /* Damaged data: verify finds and repairs it; a reader never sees it. */
    CHECK_INT(flip_in_file(seg, &fa[5].pdq, 32, 3), 0);
    CHECK_INT(lk_index_open(&ix, path, LK_INDEX_READONLY, &err), 0);
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0);
    CHECK(n == 40 && !memcmp(&h[5], &fa[5].pdq, 32));
    lk_index_close(&ix);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), 0);
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    CHECK_INT(repairs, 1);
    CHECK(strstr(err.msg, "checksum") != NULL && strstr(err.msg, "rebuilt") != NULL);
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    CHECK_INT(repairs, 0);
    lk_index_close(&ix);
    /* Truncated and damaged header: rebuilt transparently. */
    CHECK_INT(truncate(seg, 100), 0);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), 0);
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0);
    CHECK(n == 40 && !memcmp(&h[12], &fb[2].pdq, 32));
    CHECK_INT(file_size(seg), 64 + 40 * 40);
    lk_index_close(&ix);
    CHECK_INT(flip_in_file(seg, "LKSEG", 5, 1), 0);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), 0);
    CHECK_INT(lk_index_hashes(ix, &h, &n, &err), 0);
    CHECK_INT(n, 40);
    lk_index_entry e;
    CHECK_INT(lk_index_entry_at(ix, 39, &e, &err), 0);
    CHECK_STR(e.file, "d.mp4");
    lk_index_close(&ix);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), 0);
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    CHECK_INT(repairs, 0);
    lk_index_close(&ix);
}

static void sql(const char *p, const char *stmt)
{
    sqlite3 *db;
    CHECK_INT(sqlite3_open(p, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_versions_and_params(void)
{
    lk_index *ix = make_index();
    lk_errbuf err;
    lk_index_params p = { 2, 0, 1, 512, 1 }, q;
    CHECK_INT(lk_index_get_params(ix, &q, &err), 0);
    CHECK_INT(lk_index_bind_params(ix, &p, &err), 0);
    CHECK_INT(lk_index_bind_params(ix, &p, &err), 0);
    CHECK_INT(lk_index_get_params(ix, &q, &err), 1);
    CHECK(q.fps == 2 && q.scene_cuts == 1 && q.max_dim == 512 && q.crop_borders == 1);
    p.max_dim = 256;
    CHECK_INT(lk_index_bind_params(ix, &p, &err), LK_EVERSION);
    CHECK(strstr(err.msg, "max-dim 512") != NULL && strstr(err.msg, "max-dim 256") != NULL);
    lk_index_close(&ix);
    sql(path, "UPDATE meta SET value = 99 WHERE key = 'feature_version'");
    CHECK_INT(lk_index_open(&ix, path, 0, &err), LK_EVERSION);
    CHECK(strstr(err.msg, "features 99") != NULL && strstr(err.msg, path) != NULL);
    CHECK(ix == NULL);
    /* an index of format 3 (checksums before XXH3) is refused clearly */
    sql(path, "UPDATE meta SET value = 1 WHERE key = 'feature_version'");
    sql(path, "UPDATE meta SET value = 3 WHERE key = 'format_version'");
    CHECK_INT(lk_index_open(&ix, path, LK_INDEX_READONLY, &err), LK_EVERSION);
    CHECK(strstr(err.msg, "format 3") != NULL && strstr(err.msg, "reads format 6 (or 5") != NULL &&
          strstr(err.msg, "rebuild the index") != NULL);
    CHECK(ix == NULL);
}

static void test_foreign_files(void)
{
    lk_index *ix = NULL;
    lk_errbuf err;
    char p[340];
    snprintf(p, sizeof p, "%s/empty.idx", dir);
    fclose(fopen(p, "w"));
    CHECK_INT(lk_index_open(&ix, p, LK_INDEX_CREATE, &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "empty") != NULL);
    snprintf(p, sizeof p, "%s/random.idx", dir);
    FILE *fp = fopen(p, "w");
    for (int i = 0; i < 4096; i++)
        fputc((int)(t_rand(&seed) & 0xff), fp);
    fclose(fp);
    CHECK_INT(lk_index_open(&ix, p, 0, &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "not a likeness index") != NULL);
    snprintf(p, sizeof p, "%s/other.db", dir);
    sql(p, "CREATE TABLE x(a)");
    CHECK_INT(lk_index_open(&ix, p, 0, &err), LK_EFORMAT);
    CHECK(strstr(err.msg, "not a likeness index") != NULL);
    CHECK(strstr(err.msg, "no catalog tables") != NULL);
    snprintf(p, sizeof p, "%s/meta.db", dir);
    sql(p, "CREATE TABLE meta(key TEXT PRIMARY KEY, value)");
    CHECK_INT(lk_index_open(&ix, p, 0, &err), LK_EFORMAT);
    CHECK(strstr(err.msg, "no format version") != NULL);
    /* Read-only, a failed check retries through an immutable=1 URI: a name
     * with the characters URIs reserve still reaches the same file. */
    snprintf(p, sizeof p, "%s/we?ird#na%%25me.db", dir);
    sql(p, "CREATE TABLE x(a)");
    CHECK_INT(lk_index_open(&ix, p, LK_INDEX_READONLY, &err), LK_EFORMAT);
    CHECK(strstr(err.msg, "no catalog tables") != NULL && strstr(err.msg, p) != NULL);
    unlink(p);
    CHECK_INT(lk_index_open(&ix, dir, 0, &err), LK_EISDIR);
    /* A catalog cut short. */
    ix = make_index();
    lk_index_close(&ix);
    CHECK_INT(truncate(path, file_size(path) / 2), 0);
    CHECK_INT(lk_index_open(&ix, path, 0, &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "truncated") != NULL);
}

struct cmp { const lk_index_frame *a, *b; size_t na, n; int ok; };

/* Checks an imported entry against the original (PDQ, quality, t0). */
static int cmp_entry(const lk_index_entry *e, void *ctx)
{
    struct cmp *c = ctx;
    const lk_index_frame *want = c->n < c->na ? &c->a[c->n] : &c->b[c->n - c->na];
    c->ok &= !memcmp(&e->frame.pdq, &want->pdq, 32) && e->frame.quality == want->quality &&
             e->frame.t0 == want->t0 && e->frame.t1 == want->t0 && e->frame.flags == 0 &&
             e->frame.phash == 0;
    c->n++;
    return 0;
}

static void round_trip(lk_index *ix, int format, const char *id, uint8_t tag)
{
    lk_errbuf err;
    FILE *fp = tmpfile();
    CHECK_INT(lk_index_export(ix, "w1", fp, format, &err), 0);
    rewind(fp);
    lk_index_work w = { id, "Studio C", "Shared hashes", NULL, 0 };
    uint8_t sha[32];
    memset(sha, tag, 32);
    CHECK_INT(lk_index_import(ix, &w, fp, "shared.txt", sha, LK_HASHLIST_AUTO, &err), 30);
    fclose(fp);
    struct cmp c = { fa, fb, 10, 0, 1 };
    CHECK_INT(lk_index_foreach(ix, id, cmp_entry, &c, &err), 0);
    CHECK_INT(c.n, 30);
    CHECK(c.ok);
}

static long import_text(lk_index *ix, const char *text, int format, lk_errbuf *err)
{
    FILE *fp = tmpfile();
    fputs(text, fp);
    rewind(fp);
    lk_index_work w = { "bad", "O", "T", NULL, 0 };
    uint8_t sha[32] = { 77 };
    long rc = lk_index_import(ix, &w, fp, "in.txt", sha, format, err);
    fclose(fp);
    return rc;
}

static void test_exchange(void)
{
    lk_index *ix = make_index();
    lk_errbuf err;
    round_trip(ix, LK_HASHLIST_VPDQ, "w3", 9);
    round_trip(ix, LK_HASHLIST_PDQ, "w4", 10);
    FILE *fp = tmpfile();
    CHECK_INT(lk_index_export(ix, NULL, fp, LK_HASHLIST_JSONL, &err), 0);
    rewind(fp);
    char line[2048];
    int lines = 0, first_ok = 0;
    while (fgets(line, sizeof line, fp)) {
        if (lines++ == 0)
            first_ok = strstr(line, "\"work_id\":\"w1\"") && strstr(line, "\"owner\":\"Studio A\"");
    }
    fclose(fp);
    CHECK_INT(lines, 35 + 60);
    CHECK(first_ok);
    char good[200];
    snprintf(good, sizeof good, "%064d,50\n", 0);
    CHECK_INT(import_text(ix, "abc,1\n", LK_HASHLIST_AUTO, &err), LK_EFORMAT);
    CHECK(strstr(err.msg, "in.txt:1:") != NULL);
    char text[400];
    snprintf(text, sizeof text, "# comment\n%s\n%064d,101\n", good, 1);
    CHECK_INT(import_text(ix, text, LK_HASHLIST_AUTO, &err), LK_EFORMAT);
    CHECK(strstr(err.msg, "in.txt:4:") != NULL);
    CHECK_INT(import_text(ix, good, LK_HASHLIST_VPDQ, &err), LK_EFORMAT);
    CHECK_INT(import_text(ix, "\n# nothing\n", LK_HASHLIST_AUTO, &err), LK_ENOFRAMES);
    CHECK_INT(import_text(ix, "7,90,0000000000000000000000000000000000000000000000000000000000000001,2.5\n",
                          LK_HASHLIST_AUTO, &err), 1);
    CHECK_INT(nworks(ix), 5);
    lk_index_close(&ix);
}

static void test_transactions_and_limits(void)
{
    lk_index *ix = make_index();
    lk_errbuf err;
    lk_index_work w = { "w5", "Studio A", "Fifth", NULL, 0 };
    lk_index_file f;
    CHECK_INT(lk_index_begin(ix, &err), 0);
    CHECK_INT(lk_index_begin(ix, &err), LK_ESTATE);
    fake_file(&f, "d.mp4", 4);
    CHECK_INT(lk_index_add_file(ix, &w, &f, fc, 5, &err), 0);
    fake_file(&f, "e.mp4", 5);
    CHECK_INT(lk_index_add_file(ix, &w, &f, fc, 5, &err), 0);
    CHECK_INT(nworks(ix), 3);
    lk_index_rollback(ix);
    CHECK_INT(nworks(ix), 2);
    CHECK_INT(lk_index_has_content(ix, f.sha256, NULL, &err), 0);
    /* A full catalog: the write fails cleanly and keeps what was stored. */
    lk_index_stats st;
    CHECK_INT(lk_index_stats_get(ix, &st, &err), 0);
    CHECK_INT(lk_index_set_size_limit(ix, st.catalog_bytes + 8192, &err), 0);
    static lk_index_frame big[6000];
    random_frames(big, 6000, 3);
    CHECK_INT(lk_index_add_file(ix, &w, &f, big, 6000, &err), LK_ENOSPC);
    CHECK(strstr(err.msg, path) != NULL);
    CHECK_INT(nworks(ix), 2);
    int repairs;
    CHECK_INT(lk_index_verify(ix, &repairs, &err), 0);
    CHECK_INT(lk_index_set_size_limit(ix, 0, &err), 0);
    CHECK_INT(lk_index_begin(ix, &err), 0);
    CHECK_INT(lk_index_add_file(ix, &w, &f, big, 6000, &err), 0);
    CHECK_INT(lk_index_commit(ix, &err), 0);
    CHECK_INT(lk_index_commit(ix, &err), LK_ESTATE);
    CHECK_INT(nworks(ix), 3);
    CHECK_INT(lk_index_remove_work(ix, "w5", &err), 0);
    CHECK_INT(lk_index_vacuum(ix, &err), 0);
    CHECK_INT(lk_index_stats_get(ix, &st, &err), 0);
    CHECK(st.catalog_bytes < 200000);
    CHECK_INT(st.segment_bytes, 64 + 35 * 40);
    lk_index_close(&ix);
}

int main(void)
{
    lk_init();
    snprintf(dir, sizeof dir, "%s/likeness-catalog.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/test.idx", dir);
    test_sha256();
    test_add_list_remove();
    test_foreach_and_entries();
    test_blob_damage();
    test_segment();
    test_versions_and_params();
    test_foreign_files();
    test_exchange();
    test_transactions_and_limits();
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0);
    TEST_DONE("catalog");
}
