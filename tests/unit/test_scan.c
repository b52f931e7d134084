/* test_scan.c — the scanner through the public API alone, as a library
 * user would: an index built with lk_ref_hash_file + lk_index_add_file,
 * then lk_scanner_open / lk_scan_file: an exact and a mirrored copy of a
 * still match with the right work and transform, with its provenance
 * (reference file and hash, frame numbers, regions, run), an unrelated picture is
 * clean, skip_fn skips, the stop flag interrupts, and the scan reads one
 * snapshot: a work removed by another handle after the scanner opened is
 * still the one reported (never another work at a shifted position);
 * scopes of work ids, owners and tags drop the works out of scope, and a
 * list threshold below the match threshold lists candidates without
 * changing the verdict; the progress callback follows the decoding; a
 * file cut short says how much of it was decoded. */
#include <math.h>
#include <png.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"

static char dir[256];

/* Writes the w x h rectangle at (x0, y0) of a 320x180 picture of random
 * coloured 10x10 blocks (seed), mirrored left-right when mirror is set. */
static void write_part(const char *path, uint64_t seed, int mirror, int x0, int y0, int w, int h)
{
    enum { W = 320, H = 180 };
    static uint8_t px[W * H * 3];
    uint32_t colour[(W / 10) * (H / 10)];
    for (size_t i = 0; i < sizeof colour / sizeof colour[0]; i++)
        colour[i] = (uint32_t)t_rand(&seed);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int sx = mirror ? W - 1 - (x0 + x) : x0 + x;
            uint32_t v = colour[((y0 + y) / 10) * (W / 10) + sx / 10];
            for (int c = 0; c < 3; c++)
                px[(y * w + x) * 3 + c] = (uint8_t)(v >> (8 * c));
        }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w, img.height = (png_uint_32)h, img.format = PNG_FORMAT_RGB;
    CHECK(png_image_write_to_file(&img, path, 0, px, w * 3, NULL) != 0);
}

static void write_blocks(const char *path, uint64_t seed, int mirror)
{
    write_part(path, seed, mirror, 0, 0, 320, 180);
}

static int near(double a, double b)
{
    return fabs(a - b) < 0.01;
}

/* The provenance of the copy of reference `ref` found in r: the file, its
 * hash, frame numbers, the regions (suspect whole frame, reference view
 * `view` at box (x, y, w, h)) and the run. */
static void check_details(const lk_scan_result *r, const char *ref, const char *view,
                          double x, double y, double w, double h)
{
    lk_errbuf err;
    uint8_t sha[32];
    int64_t size;
    char hex[65];
    CHECK_INT(lk_sha256_file(ref, sha, &size, &err), 0);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sha[i]);
    if (!(r->nmatches >= 1 && r->matches[0].nsegs >= 1 && r->matches[0].details)) {
        CHECK(!"no details");
        return;
    }
    const lk_scan_detail *d = &r->matches[0].details[0];
    CHECK_STR(d->ref_file, ref);
    CHECK_STR(d->ref_sha256, hex);
    CHECK(d->suspect_frame == 0 && d->ref_frame == 0 && d->ref_duration == 0);
    CHECK(d->suspect_first == 0 && d->suspect_last == 0 && d->ref_first == 0);
    CHECK_STR(d->suspect_view, "whole frame");
    CHECK(near(d->suspect_region.x, 0) && near(d->suspect_region.w, 1));
    CHECK_STR(d->ref_view, view);
    CHECK(near(d->ref_region.x, x) && near(d->ref_region.y, y) && near(d->ref_region.w, w) &&
          near(d->ref_region.h, h));
    CHECK_INT(r->matches[0].files, 1);
    CHECK(r->run && strlen(r->run->index_id) == 32 && r->run->generation > 0);
    CHECK(r->run && strlen(r->run->started) == 20 && r->run->started[10] == 'T');
    CHECK(r->run && !strcmp(r->run->version, lk_version()) && r->run->match.radius == 31);
}

/* Adds file path as work id of owner, with tag (or none), through the
 * public API. */
static void add_work(lk_index *ix, const char *id, const char *owner, const char *tag,
                     const char *path)
{
    lk_errbuf err;
    lk_hasher *h = NULL;
    lk_ref_entries e = { 0 };
    lk_media_info info;
    lk_decode_opts dec;
    lk_decode_opts_default(&dec);
    dec.fps = LK_INDEX_DEFAULT_FPS;
    lk_index_params p = { dec.fps, dec.keyframes, dec.scene_cuts, dec.max_dim, dec.crop_borders };
    CHECK_INT(lk_index_bind_params(ix, &p, &err), 0);
    CHECK_INT(lk_hasher_new(&h), 0);
    CHECK_INT(lk_ref_hash_file(path, &dec, h, &e, &info, &err), 0);
    lk_index_file f = { path, 0, { 0 }, info.duration, info.width, info.height, info.fps,
                        e.sampled, "png", 0, NULL };
    CHECK_INT(lk_sha256_file(path, f.sha256, &f.size, &err), 0);
    lk_index_work w = { id, owner, id, &tag, tag ? 1 : 0 };
    CHECK_INT(lk_index_add_file(ix, &w, &f, e.v, e.n, &err), 0);
    lk_ref_entries_release(&e);
    lk_hasher_free(&h);
}

static void add(lk_index *ix, const char *id, const char *path)
{
    add_work(ix, id, "Studio", NULL, path);
}

static int skip_all(const char *hash, void *ctx)
{
    (void)ctx;
    return strlen(hash) == 64;
}

/* Opens a scanner of idx with p, scans path and returns the verdict with
 * the best work's id (or "") in best and the number of works listed;
 * -100 - error code when the scanner does not open (message in err). */
static int scan_one(const char *idx, const lk_scan_params *p, const char *path, char best[64],
                    size_t *nlisted, int *candidate, lk_errbuf *err)
{
    lk_scanner *s = NULL;
    lk_scan_worker *w = NULL;
    lk_scan_result r;
    int rc = lk_scanner_open(&s, idx, p, err);
    best[0] = '\0';
    if (rc < 0)
        return -100 + rc;
    CHECK_INT(lk_scan_worker_new(s, &w), 0);
    int v = lk_scan_file(w, path, &r);
    if (r.nmatches)
        snprintf(best, 64, "%s", r.matches[0].work_id);
    *nlisted = r.nmatches;
    *candidate = r.nmatches ? r.matches[0].candidate : -1;
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);
    return v;
}

/* Scopes (work ids, owners, tags) and the list threshold apart from the
 * match threshold. */
static void test_scope(const char *a, const char *b, const char *d)
{
    char idx[300], best[64];
    size_t n;
    int cand;
    lk_errbuf err;
    lk_index *ix = NULL;
    snprintf(idx, sizeof idx, "%s/scope.idx", dir);
    CHECK_INT(lk_index_open(&ix, idx, LK_INDEX_CREATE, &err), 0);
    add_work(ix, "work-a", "Studio", "season=1", a);
    add_work(ix, "work-b", "Studio", NULL, b);
    add_work(ix, "work-d", "Other", "k=v", d);
    lk_index_close(&ix);
    lk_scan_params p;
    lk_scan_params_default(&p);
    CHECK_INT(scan_one(idx, &p, d, best, &n, &cand, &err), LK_VERDICT_MATCH);
    CHECK_STR(best, "work-d");

    /* owner: work-d is out of scope, so d has no copy; b still matches */
    const char *studio = "Studio", *kv = "k=v", *wb = "work-b", *nope = "nope";
    p.scope.owners = &studio, p.scope.nowners = 1;
    CHECK(scan_one(idx, &p, d, best, &n, &cand, &err) != LK_VERDICT_MATCH);
    CHECK_INT(n, 0);
    CHECK_INT(scan_one(idx, &p, b, best, &n, &cand, &err), LK_VERDICT_MATCH);
    CHECK_STR(best, "work-b");
    /* owner and work id restrict together */
    p.scope.work_ids = &wb, p.scope.nwork_ids = 1;
    CHECK(scan_one(idx, &p, a, best, &n, &cand, &err) != LK_VERDICT_MATCH);
    CHECK_INT(scan_one(idx, &p, b, best, &n, &cand, &err), LK_VERDICT_MATCH);
    /* ... and a tag no work of the rest has leaves nothing: an error */
    p.scope.tags = &kv, p.scope.ntags = 1;
    CHECK_INT(scan_one(idx, &p, b, best, &n, &cand, &err), -100 + LK_ENOENT);
    CHECK(strstr(err.msg, "scope.idx") != NULL);
    memset(&p.scope, 0, sizeof p.scope);
    p.scope.tags = &kv, p.scope.ntags = 1;
    CHECK(scan_one(idx, &p, b, best, &n, &cand, &err) != LK_VERDICT_MATCH);
    CHECK_INT(scan_one(idx, &p, d, best, &n, &cand, &err), LK_VERDICT_MATCH);
    /* an entry naming no work is an error naming it */
    p.scope.work_ids = &nope, p.scope.nwork_ids = 1;
    CHECK_INT(scan_one(idx, &p, d, best, &n, &cand, &err), -100 + LK_ENOENT);
    CHECK(strstr(err.msg, "'nope'") != NULL);
    memset(&p.scope, 0, sizeof p.scope);

    /* listing below the match threshold lists a candidate and leaves the
     * verdict alone */
    p.match.min_score = 1.0;
    CHECK(scan_one(idx, &p, b, best, &n, &cand, &err) != LK_VERDICT_MATCH);
    CHECK_INT(n, 0);
    p.list_score = 0;
    CHECK(scan_one(idx, &p, b, best, &n, &cand, &err) != LK_VERDICT_MATCH);
    CHECK_STR(best, "work-b");
    CHECK_INT(cand, 1);
    p.match.min_score = 0.5;
    CHECK_INT(scan_one(idx, &p, b, best, &n, &cand, &err), LK_VERDICT_MATCH);
    CHECK_INT(cand, 0);
    p.list_score = 2;
    CHECK_INT(scan_one(idx, &p, b, best, &n, &cand, &err), -100 + LK_EINVAL);
}

/* What the progress callback saw. */
struct seen {
    long calls;
    double last, duration;
    int backwards;
    const char *path;
};

static void on_progress(void *ctx, const char *path, double decoded, double duration)
{
    struct seen *s = ctx;
    s->backwards |= s->calls > 0 && decoded < s->last;
    s->calls++;
    s->last = decoded;
    s->duration = duration;
    s->path = path;
}

static const char *media(const char *name, char *buf, size_t n)
{
    const char *m = getenv("LK_MEDIA");
    snprintf(buf, n, "%s/%s", m ? m : "build/media", name);
    return buf;
}

/* The progress callback: once per sampled frame, seconds decoded rising
 * to the end, the duration, the path as given; scan and reference alike. */
static void test_progress(const char *idx)
{
    char clip[1024];
    media("h264.mp4", clip, sizeof clip); /* 4 s, 25 frames/s */
    struct seen seen = { 0 };
    lk_scan_params p;
    lk_scan_params_default(&p);
    p.progress_fn = on_progress;
    p.progress_ctx = &seen;
    lk_scanner *s = NULL;
    lk_scan_worker *w = NULL;
    lk_scan_result r;
    lk_errbuf err;
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK_INT(lk_scan_worker_new(s, &w), 0);
    CHECK(lk_scan_file(w, clip, &r) != LK_VERDICT_ERROR);
    CHECK(r.frames >= 16);
    CHECK_INT(seen.calls, r.frames);
    CHECK(!seen.backwards && seen.last >= 3.5 && seen.last < 4.0);
    CHECK(seen.duration == 4.0);
    CHECK(seen.path == clip);
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);

    struct seen ref = { 0 };
    lk_hasher *h = NULL;
    lk_ref_entries e = { 0 };
    lk_media_info info;
    lk_decode_opts dec;
    lk_decode_opts_default(&dec);
    CHECK_INT(lk_hasher_new(&h), 0);
    CHECK_INT(lk_ref_hash_file_progress(clip, &dec, h, &e, &info, on_progress, &ref, &err), 0);
    CHECK_INT(ref.calls, e.sampled);
    CHECK(!ref.backwards && ref.last >= 3.5 && ref.duration == 4.0);
    lk_ref_entries_release(&e);
    lk_hasher_free(&h);
}

/* How much was decoded: the rule of lk_scan_decoded, then the scanner on
 * a file cut in half and on the whole file. */
static void test_truncated(const char *idx)
{
    lk_decode_opts dec;
    lk_decode_opts_default(&dec); /* 2 frames/s */
    lk_media_info v = { .duration = 10, .fps = 25 }, still = { .is_still = 1 };
    double d;
    CHECK_INT(lk_scan_decoded(&dec, &v, 9.5, &d), 0);
    CHECK(d == 10.0);
    CHECK_INT(lk_scan_decoded(&dec, &v, 2.5, &d), 1);
    CHECK(d == 3.0);
    CHECK_INT(lk_scan_decoded(&dec, &v, 8.6, &d), 0); /* within the slack */
    CHECK_INT(lk_scan_decoded(&dec, &v, -1, &d), 0);  /* no frame: the decoder said why */
    CHECK(d == 0);
    CHECK_INT(lk_scan_decoded(&dec, &still, 0, &d), 0);
    CHECK(d == 0);
    lk_media_info slides = { .duration = 60, .fps = 0.2 }; /* a frame every 5 s */
    CHECK_INT(lk_scan_decoded(&dec, &slides, 55, &d), 0);
    CHECK(d == 60);
    lk_media_info unknown = { .duration = -1, .fps = 25 };
    CHECK_INT(lk_scan_decoded(&dec, &unknown, 3, &d), 0);
    dec.keyframes = 1;
    CHECK_INT(lk_scan_decoded(&dec, &v, 2.5, &d), 0); /* a GOP may be that long */

    char cut[1024], whole[1024];
    media("trunc-h264.mp4", cut, sizeof cut); /* the first half of h264.mp4's bytes */
    media("h264.mp4", whole, sizeof whole);
    lk_scan_params p;
    lk_scan_params_default(&p);
    lk_scanner *s = NULL;
    lk_scan_worker *w = NULL;
    lk_scan_result r;
    lk_errbuf err;
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK_INT(lk_scan_worker_new(s, &w), 0);
    CHECK(lk_scan_file(w, cut, &r) != LK_VERDICT_ERROR);
    CHECK(r.truncated == 1 && r.duration == 4.0 && r.decoded > 1 && r.decoded < 2.5);
    CHECK(strstr(r.warning, "decoded ") != NULL && strstr(r.warning, "of 4.0 s") != NULL &&
          strstr(r.warning, "trunc-h264.mp4") != NULL);
    lk_scan_result_release(&r);
    CHECK(lk_scan_file(w, whole, &r) != LK_VERDICT_ERROR);
    CHECK(r.truncated == 0 && r.decoded == 4.0 && r.warning[0] == '\0');
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);

    lk_hasher *h = NULL;
    lk_ref_entries e = { 0 };
    lk_media_info info;
    lk_decode_opts_default(&dec);
    CHECK_INT(lk_hasher_new(&h), 0);
    CHECK_INT(lk_ref_hash_file(cut, &dec, h, &e, &info, &err), 0);
    CHECK(e.truncated == 1 && e.decoded > 1 && e.decoded < 2.5);
    lk_ref_entries_release(&e);
    CHECK_INT(lk_ref_hash_file(whole, &dec, h, &e, &info, &err), 0);
    CHECK(e.truncated == 0 && e.decoded == 4.0);
    lk_ref_entries_release(&e);
    lk_hasher_free(&h);
}

/* The background text of a scanner opened on idx with radius r. */
static void background_of(const char *idx, int r, char *buf, size_t n)
{
    lk_scan_params p;
    lk_scanner *s = NULL;
    lk_errbuf err;
    lk_scan_params_default(&p);
    p.match.radius = r;
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK_INT(lk_scanner_background_text(s, buf, n), 0);
    lk_scanner_free(&s);
}

/* lk_scanner_keep_background keeps what a scanner would sample, for this
 * generation and radius only: a scanner loads it (a planted one shows it
 * is loaded, not sampled), another radius or a later write samples anew. */
static void test_kept_background(const char *idx)
{
    char sampled[LK_BG_TEXT_MAX], got[LK_BG_TEXT_MAX], other[LK_BG_TEXT_MAX], gen[32];
    lk_errbuf err;
    lk_index *ix = NULL;
    background_of(idx, 31, sampled, sizeof sampled);
    background_of(idx, 20, other, sizeof other);
    CHECK(strcmp(sampled, other) != 0 || strstr(sampled, " 0 0 0 0") != NULL);
    CHECK_INT(lk_scanner_keep_background(idx, &err), 0);
    CHECK_INT(lk_index_open(&ix, idx, 0, &err), 0);
    CHECK_INT(lk_index_stat_get(ix, "stat.background", got, sizeof got, &err), 1);
    CHECK_STR(got, sampled);
    CHECK_INT(lk_index_stat_get(ix, "stat.background_radius", gen, sizeof gen, &err), 1);
    CHECK_STR(gen, "31");
    /* planted for this generation and radius: loaded as it is */
    const char *planted = "bg1 999 7 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 "
                          "23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 "
                          "46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64";
    CHECK_INT(lk_index_stat_put(ix, "stat.background", planted, &err), 0);
    background_of(idx, 31, got, sizeof got);
    CHECK_STR(got, planted);
    /* another radius is sampled */
    background_of(idx, 20, got, sizeof got);
    CHECK_STR(got, other);
    /* a write makes it stale: sampled again */
    CHECK_INT(lk_index_remove_work(ix, "work-b", &err), 0);
    background_of(idx, 31, got, sizeof got);
    CHECK(strcmp(got, planted) != 0);
    lk_index_close(&ix);
}

int main(void)
{
    char idx[300], a[300], b[300], am[300], c[300], bc[300], ev[300];
    lk_errbuf err;
    lk_init();
    lk_decode_set_log_level(0);
    snprintf(dir, sizeof dir, "%s/likeness-scan.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    snprintf(idx, sizeof idx, "%s/t.idx", dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    snprintf(am, sizeof am, "%s/a-mirrored.png", dir);
    snprintf(c, sizeof c, "%s/unrelated.png", dir);
    write_blocks(a, 1, 0);
    write_blocks(b, 2, 0);
    write_blocks(am, 1, 1);
    write_blocks(c, 3, 0);
    snprintf(bc, sizeof bc, "%s/b-centre.png", dir);
    write_part(bc, 2, 0, 32, 18, 256, 144);

    lk_index *ix = NULL;
    CHECK_INT(lk_index_open(&ix, idx, LK_INDEX_CREATE, &err), 0);
    add(ix, "work-a", a);
    add(ix, "work-b", b);
    const lk_hash256 *hs;
    size_t nh;
    CHECK_INT(lk_index_hashes(ix, &hs, &nh, &err), 0);

    volatile sig_atomic_t stop = 0;
    lk_scan_params p;
    lk_scan_params_default(&p);
    p.stop = &stop;
    lk_scanner *s = NULL;
    lk_scan_worker *w = NULL;
    lk_scan_result r;
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK_INT(lk_scanner_entries(s), nh);
    CHECK_INT(lk_scan_worker_new(s, &w), 0);

    /* work-a is removed by another handle; the scanner's snapshot keeps it */
    CHECK_INT(lk_index_remove_work(ix, "work-a", &err), 0);
    CHECK_INT(lk_index_hashes(ix, &hs, &nh, &err), 0);
    CHECK_INT(lk_scan_file(w, b, &r), LK_VERDICT_MATCH);
    CHECK(r.nmatches >= 1 && !strcmp(r.matches[0].work_id, "work-b"));
    CHECK_STR(r.file, b);
    { /* the hash taken from the decoder's one reading is the file's SHA-256 */
        uint8_t sha[32];
        int64_t size;
        char hex[65];
        CHECK_INT(lk_sha256_file(b, sha, &size, &err), 0);
        lk_sha256_to_hex(sha, hex);
        CHECK_STR(r.content_hash, hex);
    }
    check_details(&r, b, "whole frame", 0, 0, 1, 1);
    lk_scan_result_release(&r);

    /* the centre 80% of b: its whole frame met b's stored centre view */
    CHECK_INT(lk_scan_file(w, bc, &r), LK_VERDICT_MATCH);
    check_details(&r, b, "centre 80%", 0.1, 0.1, 0.8, 0.8);
    lk_scan_result_release(&r);

    CHECK_INT(lk_scan_file(w, am, &r), LK_VERDICT_MATCH);
    CHECK(r.nmatches >= 1 && !strcmp(r.matches[0].work_id, "work-a"));
    CHECK(r.nmatches >= 1 && r.matches[0].nsegs >= 1 &&
          !strcmp(lk_variant_name(r.matches[0].segs[0].variant), "mirrored left-right"));
    CHECK(r.duration == 0 && r.frames == 1);
    lk_scan_result_release(&r);

    CHECK(lk_scan_file(w, c, &r) != LK_VERDICT_MATCH);
    CHECK_INT(r.nmatches, 0);
    lk_scan_result_release(&r);

    snprintf(c, sizeof c, "%s/missing.png", dir);
    CHECK_INT(lk_scan_file(w, c, &r), LK_VERDICT_ERROR);
    CHECK(strstr(r.error, "missing.png") != NULL);
    lk_scan_result_release(&r);

    stop = 1;
    CHECK_INT(lk_scan_file(w, a, &r), LK_VERDICT_ERROR);
    CHECK(strstr(r.error, "interrupted") != NULL);
    CHECK_INT(r.error_code, LK_EINTR);
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);
    CHECK(w == NULL && s == NULL);

    /* skip_fn sees the content hash and skips; a new scanner no longer
     * knows the removed work */
    p.stop = NULL;
    p.skip_fn = skip_all;
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK_INT(lk_scan_worker_new(s, &w), 0);
    lk_scan_file(w, a, &r);
    CHECK_INT(r.skipped, 1);
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);
    p.skip_fn = NULL;
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK_INT(lk_scan_worker_new(s, &w), 0);
    CHECK(lk_scan_file(w, a, &r) != LK_VERDICT_MATCH);
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);

    /* the evidence directory is made with its parents */
    snprintf(ev, sizeof ev, "%s/ev/deeper", dir);
    p.evidence_dir = ev;
    struct stat sb;
    CHECK_INT(lk_scanner_open(&s, idx, &p, &err), 0);
    CHECK(stat(ev, &sb) == 0 && S_ISDIR(sb.st_mode));
    /* with it, the segment's labelled picture is written and named */
    CHECK_INT(lk_scan_worker_new(s, &w), 0);
    CHECK_INT(lk_scan_file(w, bc, &r), LK_VERDICT_MATCH);
    CHECK_STR(r.warning, "");
    const char *pic = r.nmatches && r.matches[0].evidence ? r.matches[0].evidence[0] : NULL;
    CHECK(pic && strstr(pic, ev) == pic && stat(pic, &sb) == 0 && sb.st_size > 1000);
    check_details(&r, b, "centre 80%", 0.1, 0.1, 0.8, 0.8);
    lk_scan_result_release(&r);
    lk_scan_worker_free(&w);
    lk_scanner_free(&s);
    snprintf(ev, sizeof ev, "%s", b);
    CHECK(lk_scanner_open(&s, idx, &p, &err) < 0 && s == NULL);
    CHECK(strstr(err.msg, "b.png") != NULL);
    p.evidence_dir = NULL;
    char d[300];
    snprintf(d, sizeof d, "%s/d.png", dir);
    write_blocks(d, 4, 0);
    test_scope(a, b, d);
    test_progress(idx);
    test_truncated(idx);
    test_kept_background(idx);

    /* a missing index is an error naming it */
    snprintf(c, sizeof c, "%s/none.idx", dir);
    CHECK(lk_scanner_open(&s, c, &p, &err) < 0);
    CHECK(strstr(err.msg, "none.idx") != NULL);
    lk_index_close(&ix);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
    TEST_DONE("scan");
}
