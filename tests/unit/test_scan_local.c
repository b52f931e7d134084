/* test_scan_local.c — local features through the index and the scan, by
 * the public API: the sets lk_ref_hash_file keeps are stored with the file
 * and read back (lk_index_locals) at the positions of their whole-frame
 * entries, byte for byte; the voting index finds exactly what brute force
 * over the same descriptors finds; a 20 % crop at an offset of the demo's
 * key art, scaled back, is a match only with local features (an index of
 * the same pictures without them does not call it a match), with the matched region
 * right on both sides; damaged sets are reported by verify and refused by
 * the scanner; an index of the previous format opens and scans without
 * them. */
#include <math.h>
#include <png.h>
#include <sqlite3.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"
#include "search/search_internal.h"

#define REF_PNG "data/demo/refs/tidal-lines-keyart.png"
#define OTHER_PNG "data/fixtures/pdq/mandelbrot-512x512.png"
/* The crop: 80 % of each side at (15 %, 5 %), scaled back to full size. */
#define CX 0.15
#define CY 0.05
#define CW 0.80

static char dir[256];

static uint8_t *read_png(const char *path, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        return NULL;
    img.format = PNG_FORMAT_RGB;
    uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
    if (px && !png_image_finish_read(&img, NULL, px, 0, NULL)) {
        free(px);
        return NULL;
    }
    *w = (int)img.width, *h = (int)img.height;
    return px;
}

static void write_png(const char *path, const uint8_t *px, int w, int h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w, img.height = (png_uint_32)h, img.format = PNG_FORMAT_RGB;
    CHECK(png_image_write_to_file(&img, path, 0, px, w * 3, NULL) != 0);
}

/* The crop of src (w x h) scaled back to w x h, bilinear. */
static uint8_t *crop_back(const uint8_t *src, int w, int h)
{
    uint8_t *out = malloc((size_t)w * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double fx = (CX + CW * (x + 0.5) / w) * w - 0.5, fy = (CY + CW * (y + 0.5) / h) * h - 0.5;
            int x0 = (int)floor(fx), y0 = (int)floor(fy);
            double ax = fx - x0, ay = fy - y0;
            int x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
            for (int c = 0; c < 3; c++) {
                double v = (1 - ay) * ((1 - ax) * src[((size_t)y0 * w + x0) * 3 + c] +
                                       ax * src[((size_t)y0 * w + x1) * 3 + c]) +
                           ay * ((1 - ax) * src[((size_t)y1 * w + x0) * 3 + c] +
                                 ax * src[((size_t)y1 * w + x1) * 3 + c]);
                out[((size_t)y * w + x) * 3 + c] = (uint8_t)lround(v);
            }
        }
    return out;
}

/* Adds path as work id, with local features when local is set. */
static void add(lk_index *ix, const char *id, const char *path, int local, lk_ref_entries *keep)
{
    lk_errbuf err;
    lk_hasher *h = NULL;
    lk_local_extractor *lx = NULL;
    lk_ref_entries e = { 0 };
    lk_media_info info;
    lk_decode_opts dec;
    lk_decode_opts_default(&dec);
    dec.fps = LK_INDEX_DEFAULT_FPS;
    lk_index_params p = { dec.fps, dec.keyframes, dec.scene_cuts, dec.max_dim, dec.crop_borders };
    CHECK_INT(lk_index_bind_params(ix, &p, &err), 0);
    CHECK_INT(lk_hasher_new(&h), 0);
    CHECK_INT(lk_local_new(&lx), 0);
    e.local = local ? lx : NULL;
    CHECK_INT(lk_ref_hash_file(path, &dec, h, &e, &info, &err), 0);
    CHECK_INT(e.nloc, local ? 1 : 0); /* a still: one set, of its whole frame */
    lk_index_file f = { path, 0, { 0 }, info.duration, info.width, info.height, info.fps,
                        e.sampled, "png", 0, NULL };
    CHECK_INT(lk_sha256_file(path, f.sha256, &f.size, &err), 0);
    lk_index_work w = { id, "Studio", id, NULL, 0 };
    CHECK_INT(lk_index_add_file_locals(ix, &w, &f, e.v, e.n, e.loc, e.nloc, &err), 0);
    if (keep)
        *keep = e;
    else
        lk_ref_entries_release(&e);
    lk_hasher_free(&h);
    lk_local_free(&lx);
}

/* What lk_index_locals walks. */
struct walk {
    uint32_t pos[8];
    size_t bytes[8];
    uint8_t *data[8];
    int n;
};

static int on_set(uint32_t pos, const uint8_t *set, size_t bytes, void *ctx)
{
    struct walk *wk = ctx;
    if (wk->n == 8)
        return 1;
    wk->pos[wk->n] = pos, wk->bytes[wk->n] = bytes;
    wk->data[wk->n] = malloc(bytes);
    memcpy(wk->data[wk->n++], set, bytes);
    return 0;
}

/* Stored sets come back at their entries' positions, byte for byte. */
static void check_storage(const char *idx, const lk_ref_entries *e, size_t before)
{
    lk_errbuf err;
    lk_index *ix = NULL;
    struct walk wk = { 0 };
    CHECK_INT(lk_index_open(&ix, idx, LK_INDEX_READONLY, &err), 0);
    CHECK_INT(lk_index_has_locals(ix), 1);
    CHECK_INT(lk_index_locals(ix, on_set, &wk, &err), 0);
    CHECK_INT(wk.n, 2); /* the unrelated picture's, then the key art's */
    const lk_hash256 *hs;
    size_t nh;
    lk_index_entry ent;
    CHECK_INT(lk_index_hashes(ix, &hs, &nh, &err), 0);
    CHECK(wk.n == 2 && wk.pos[1] == before + e->loc[0].entry && wk.bytes[1] == e->loc[0].bytes &&
          memcmp(wk.data[1], e->loc[0].data, wk.bytes[1]) == 0);
    CHECK(wk.n == 2 && lk_index_entry_at(ix, wk.pos[1], &ent, &err) == 0 &&
          ent.frame.view == LK_VIEW_FULL && !strcmp(ent.work_id, "art"));
    for (int i = 0; i < wk.n; i++)
        free(wk.data[i]);
    lk_index_close(&ix);
}

/* nsets sets of f's descriptors: set 0 as they are, set k with k * flips
 * random bits flipped in each (a repeated bit may flip back); *d and *so
 * (each descriptor's set) are malloc'ed. */
static void noisy_sets(const lk_local_features *f, size_t nsets, size_t flips, uint64_t seed,
                       lk_hash256 **d, uint32_t **so)
{
    size_t n = f->count;
    *d = malloc(n * nsets * sizeof **d);
    *so = malloc(n * nsets * sizeof **so);
    if (!*d || !*so)
        abort();
    for (size_t i = 0; i < n * nsets; i++) {
        (*d)[i] = f->desc[i % n];
        (*so)[i] = (uint32_t)(i / n);
        for (size_t k = 0; k < (i / n) * flips; k++) {
            unsigned b = (unsigned)(t_rand(&seed) % 256);
            (*d)[i].w[b / 64] ^= 1ull << (b % 64);
        }
    }
}

/* The voting index over real descriptors agrees with brute force. */
static void check_vote(const lk_ref_entries *e)
{
    lk_local_features f = { 0 };
    CHECK(lk_local_unpack(e->loc[0].data, e->loc[0].bytes, &f) > 100);
    size_t n = f.count, nsets = 10;
    lk_hash256 *d;
    uint32_t *so;
    noisy_sets(&f, nsets, 3, 5, &d, &so);
    lk_vote_index *vm = NULL, *vb = NULL;
    CHECK_INT(lk_vote_index_new(&vm, d, so, n * nsets, nsets, LK_SEARCH_MIH), 0);
    CHECK_INT(lk_vote_index_new(&vb, d, so, n * nsets, nsets, LK_SEARCH_BRUTE), 0);
    CHECK(lk_vote_index_tables(vm) == 1 && lk_vote_index_tables(vb) == 0);
    lk_hits hm = { 0 }, hb = { 0 };
    lk_vote om[10], ob[10];
    static const int radii[] = { 0, 8, 15, 16, 40 }; /* tables up to 15, then brute force */
    for (size_t ri = 0; ri < sizeof radii / sizeof *radii; ri++) {
        int radius = radii[ri];
        long a = lk_vote_index_query(vm, f.desc, n, radius, 0, 0, 1, &hm, om, 10);
        long b = lk_vote_index_query(vb, f.desc, n, radius, 0, 0, 1, &hb, ob, 10);
        int same = a > 0 && a == b && hm.n == hb.n && memcmp(om, ob, a * sizeof *om) == 0;
        for (size_t i = 0; same && i < hm.n; i++)
            same = hm.v[i].query == hb.v[i].query && hm.v[i].ref == hb.v[i].ref &&
                   hm.v[i].distance == hb.v[i].distance;
        CHECK(same);
        CHECK(a > 0 && om[0].set == 0 && om[0].votes == n); /* set 0 is the query itself */
        for (long i = 1; i < a; i++)
            CHECK(om[i].votes <= om[i - 1].votes);
    }
    /* a bucket cap only leaves matches out */
    long a = lk_vote_index_query(vm, f.desc, n, 15, 0, 2, 1, &hm, om, 10);
    size_t capped = hm.n;
    CHECK(a > 0 && lk_vote_index_query(vm, f.desc, n, 15, 0, 0, 1, &hb, ob, 10) > 0 &&
          capped < hb.n && om[0].set == 0);
    CHECK_INT(lk_vote_index_query(vm, f.desc, n, 257, 0, 0, 1, &hm, om, 10), LK_EINVAL);
    so[0] = 99;
    lk_vote_index *bad = NULL;
    CHECK_INT(lk_vote_index_new(&bad, d, so, n * nsets, nsets, LK_SEARCH_AUTO), LK_EINVAL);
    lk_hits_release(&hm);
    lk_hits_release(&hb);
    lk_vote_index_free(&vm);
    lk_vote_index_free(&vb);
    lk_vote_index_free(&vm);
    free(d);
    free(so);
    lk_local_features_release(&f);
}

/* Hits a within hits b (both sorted by query, distance, ref)? */
static int hits_within(const lk_hits *a, const lk_hits *b)
{
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        while (j < b->n && (b->v[j].query != a->v[i].query || b->v[j].ref != a->v[i].ref))
            j++;
        if (j == b->n || b->v[j].distance != a->v[i].distance)
            return 0;
    }
    return 1;
}

/* Substrings of any width read the hash's bits in order, across words. */
static void check_substrings(void)
{
    uint64_t s = 11;
    for (int round = 0; round < 50; round++) {
        lk_hash256 h;
        for (int i = 0; i < 4; i++)
            h.w[i] = t_rand(&s) << 32 ^ t_rand(&s);
        for (int bits = 16; bits <= 24; bits++)
            for (int j = 0; (j + 1) * bits <= 256; j++) {
                unsigned want = 0;
                for (int b = bits - 1; b >= 0; b--) {
                    int i = j * bits + b;
                    want = want << 1 | (unsigned)(h.w[i / 64] >> (i % 64) & 1);
                }
                CHECK(lki_sub_bits(h.w, bits, j) == want);
                if (bits == 16)
                    CHECK(lk_mih_sub(h.w, j) == want);
            }
    }
}

/* Wide substring tables (what a catalogue of over 2^19 descriptors gets,
 * forced here on a small one): exactly brute force's matches up to
 * tables - 1 bits, a subset of them up to 15, the query's own set first. */
static void check_vote_wide(const lk_ref_entries *e)
{
    lk_local_features f = { 0 };
    CHECK(lk_local_unpack(e->loc[0].data, e->loc[0].bytes, &f) > 100);
    size_t n = f.count, nsets = 12;
    lk_hash256 *d;
    uint32_t *so;
    noisy_sets(&f, nsets, 2, 7, &d, &so);
    lk_vote_index *vb = NULL;
    CHECK_INT(lk_vote_index_new(&vb, d, so, n * nsets, nsets, LK_SEARCH_BRUTE), 0);
    static const int widths[] = { 17, 20, 21, 24 };
    for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
        int bits = widths[wi], exact = 256 / bits - 1;
        lk_vote_index *vw = NULL;
        CHECK_INT(lki_vote_index_new_bits(&vw, d, so, n * nsets, nsets, LK_SEARCH_MIH, bits), 0);
        CHECK(lk_vote_index_tables(vw) == 1);
        lk_hits hw = { 0 }, hb = { 0 };
        lk_vote ow[12], ob[12];
        int radii[] = { 0, exact / 2, exact, 15 };
        for (size_t ri = 0; ri < 4; ri++) {
            long a = lk_vote_index_query(vw, f.desc, n, radii[ri], 0, 0, 1, &hw, ow, 12);
            long b = lk_vote_index_query(vb, f.desc, n, radii[ri], 0, 0, 1, &hb, ob, 12);
            CHECK(a > 0 && ow[0].set == 0 && ow[0].votes == n);
            CHECK(hits_within(&hw, &hb));
            if (radii[ri] <= exact)
                CHECK(a == b && hw.n == hb.n && memcmp(ow, ob, (size_t)a * sizeof *ow) == 0);
        }
        lk_hits_release(&hw);
        lk_hits_release(&hb);
        lk_vote_index_free(&vw);
    }
    lk_vote_index *bad = NULL;
    CHECK_INT(lki_vote_index_new_bits(&bad, d, so, n * nsets, nsets, LK_SEARCH_MIH, 25), LK_EINVAL);
    lk_vote_index_free(&vb);
    free(d);
    free(so);
    lk_local_features_release(&f);
}

static void check_crop(const char *with, const char *without, const char *crop)
{
    lk_scan_result r;
    /* without local features the crop is not a match */
    {
        lk_errbuf err;
        lk_scan_params p;
        lk_scanner *s = NULL;
        lk_scan_worker *w = NULL;
        lk_scan_params_default(&p);
        CHECK_INT(lk_scanner_open(&s, without, &p, &err), 0);
        CHECK_INT(lk_scanner_local_sets(s), 0);
        CHECK_INT(lk_scan_worker_new(s, &w), 0);
        CHECK(lk_scan_file(w, crop, &r) != LK_VERDICT_MATCH);
        lk_scan_result_release(&r);
        /* with them it is, with the region on both sides */
        lk_scanner *s2 = NULL;
        lk_scan_worker *w2 = NULL;
        CHECK_INT(lk_scanner_open(&s2, with, &p, &err), 0);
        CHECK_INT(lk_scanner_local_sets(s2), 2);
        CHECK_INT(lk_scan_worker_new(s2, &w2), 0);
        CHECK_INT(lk_scan_file(w2, crop, &r), LK_VERDICT_MATCH);
        CHECK(r.nmatches >= 1 && !strcmp(r.matches[0].work_id, "art"));
        const lk_scan_region_match *g =
            r.nmatches >= 1 && r.matches[0].regions ? &r.matches[0].regions[0] : NULL;
        CHECK(g && g->inliers >= 16 && !g->mirror);
        const double tol = 0.03;
        CHECK(g && fabs(g->sus[0]) < tol && fabs(g->sus[1]) < tol && fabs(g->sus[2] - 1) < tol &&
              fabs(g->sus[3] - 1) < tol);
        CHECK(g && fabs(g->ref[0] - CX) < tol && fabs(g->ref[1] - CY) < tol &&
              fabs(g->ref[2] - CW) < tol && fabs(g->ref[3] - CW) < tol);
        CHECK(g && fabs(g->scale - CW) < tol);
        CHECK(r.nmatches >= 1 && r.matches[0].nsegs >= 1 && r.matches[0].segs[0].distance > 0);
        lk_scan_result_release(&r);
        lk_scan_worker_free(&w2);
        lk_scanner_free(&s2);
        lk_scan_worker_free(&w);
        lk_scanner_free(&s);
    }
}

static void sql(const char *path, const char *q)
{
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Damaged local features: verify names them, a scan refuses the index. */
static void check_damage(const char *idx)
{
    lk_errbuf err;
    lk_index *ix = NULL;
    lk_scan_params p;
    lk_scanner *s = NULL;
    sql(idx, "UPDATE locals SET data = zeroblob(length(data)) WHERE rowid = 2");
    CHECK_INT(lk_index_open(&ix, idx, LK_INDEX_READONLY, &err), 0);
    CHECK_INT(lk_index_verify(ix, NULL, &err), LK_ECORRUPT);
    CHECK(strstr(err.msg, "local features") != NULL && strstr(err.msg, idx) != NULL);
    lk_index_close(&ix);
    lk_scan_params_default(&p);
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), LK_ECORRUPT);
    CHECK(s == NULL && strstr(err.msg, "local features") != NULL);
}

/* An index of format 5 (no locals table) opens and scans on PDQ alone. */
static void check_old_format(const char *idx, const char *exact)
{
    lk_errbuf err;
    lk_index *ix = NULL;
    sql(idx, "DROP TABLE locals; UPDATE meta SET value = 5 WHERE key = 'format_version'");
    CHECK_INT(lk_index_open(&ix, idx, LK_INDEX_READONLY, &err), 0);
    CHECK_INT(lk_index_has_locals(ix), 0);
    struct walk wk = { 0 };
    CHECK_INT(lk_index_locals(ix, on_set, &wk, &err), 0);
    CHECK_INT(wk.n, 0);
    lk_index_close(&ix);
    lk_scan_result r;
    lk_scan_params p;
    lk_scanner *s = NULL;
    lk_scan_worker *w = NULL;
    lk_scan_params_default(&p);
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK(lk_scanner_local_sets(s) == 0 && lk_scanner_has_locals(s) == 0);
    CHECK_INT(lk_scan_worker_new(s, &w), 0);
    CHECK_INT(lk_scan_file(w, exact, &r), LK_VERDICT_MATCH);
    CHECK(r.nmatches >= 1 && !strcmp(r.matches[0].work_id, "art"));
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);
}

int main(void)
{
    char with[300], without[300], crop[300], other[300], cmd[400];
    lk_errbuf err;
    lk_init();
    snprintf(dir, sizeof dir, "%s/likeness-scanlocal.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    snprintf(with, sizeof with, "%s/with.idx", dir);
    snprintf(without, sizeof without, "%s/without.idx", dir);
    snprintf(crop, sizeof crop, "%s/crop.png", dir);
    int w = 0, h = 0;
    uint8_t *px = read_png(REF_PNG, &w, &h);
    CHECK(px != NULL);
    if (!px)
        TEST_DONE("scan_local");
    uint8_t *cp = crop_back(px, w, h);
    write_png(crop, cp, w, h);
    snprintf(other, sizeof other, "%s", OTHER_PNG); /* an unrelated work */

    lk_index *ix = NULL;
    lk_ref_entries kept = { 0 };
    CHECK_INT(lk_index_open(&ix, with, LK_INDEX_CREATE, &err), 0);
    add(ix, "other", other, 1, NULL);
    const lk_hash256 *hs;
    size_t before = 0;
    CHECK_INT(lk_index_hashes(ix, &hs, &before, &err), 0);
    add(ix, "art", REF_PNG, 1, &kept);
    lk_index_close(&ix);
    CHECK_INT(lk_index_open(&ix, without, LK_INDEX_CREATE, &err), 0);
    add(ix, "other", other, 0, NULL);
    add(ix, "art", REF_PNG, 0, NULL);
    lk_index_close(&ix);

    check_storage(with, &kept, before);
    check_vote(&kept);
    check_vote_wide(&kept);
    check_substrings();
    check_crop(with, without, crop);
    check_damage(with);
    check_old_format(with, REF_PNG);

    lk_ref_entries_release(&kept);
    free(px);
    free(cp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
    TEST_DONE("scan_local");
}
