/* test_scan_policy.c — the one view policy (src/scan/policy.c): what the
 * index stores of a reference frame and what a scan queries of a suspect
 * frame, the shared minimum quality, and that each stored view has the
 * same rectangle as the window queried against it; run collapsing. */
#include "test.h"
#include "likeness/likeness.h"
#include "scan/scan_internal.h"

/* A frame of random coloured blocks (textured: every region has quality),
 * or of one flat colour. */
static lk_frame make_frame(uint8_t *px, int w, int h, uint64_t seed, int flat, double t)
{
    uint64_t s = seed;
    for (int by = 0; by < h; by += 8)
        for (int bx = 0; bx < w; bx += 8) {
            uint64_t v = flat ? 0x808080 : t_rand(&s);
            for (int y = by; y < by + 8 && y < h; y++)
                for (int x = bx; x < bx + 8 && x < w; x++)
                    for (int c = 0; c < 3; c++)
                        px[(y * w + x) * 3 + c] = (uint8_t)(v >> (8 * c));
        }
    lk_frame fr;
    memset(&fr, 0, sizeof fr);
    fr.image = (lk_image){ px, w, h, w * 3, LK_PIX_RGB24 };
    fr.full = fr.image;
    fr.crop = (lk_rect){ 0, 0, w, h };
    fr.time = t;
    return fr;
}

static void test_table(void)
{
    const lk_scan_region *g;
    size_t n = lk_scan_regions(&g);
    int stored[LK_VIEW_COUNT] = { 0 }, windows[LK_WINDOW_COUNT] = { 0 }, whole = 0, insets = 0;
    CHECK(n >= LK_VIEW_COUNT);
    for (size_t i = 0; i < n; i++) {
        CHECK(g[i].name && g[i].name[0]);
        CHECK(g[i].use & (LK_REGION_STORED | LK_REGION_QUERIED));
        if (g[i].use & LK_REGION_STORED) {
            CHECK(g[i].view >= 0 && g[i].view < LK_VIEW_COUNT);
            stored[g[i].view]++;
        }
        if ((g[i].use & LK_REGION_QUERIED) && g[i].window >= 0)
            windows[g[i].window]++;
        whole += (g[i].use & LK_REGION_QUERIED) && g[i].window == -1;
        insets += g[i].window == -2;
        /* a region both stored and queried has one rectangle on both sides */
        if ((g[i].use & LK_REGION_STORED) && (g[i].use & LK_REGION_QUERIED) && g[i].window >= 0) {
            static const int sizes[][2] = { { 512, 288 }, { 320, 240 }, { 288, 512 }, { 17, 9 } };
            for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
                lk_rect a, b;
                CHECK_INT(lk_view_rect(g[i].view, sizes[k][0], sizes[k][1], &a), 1);
                CHECK_INT(lk_window_rect(g[i].window, sizes[k][0], sizes[k][1], &b), 1);
                CHECK(a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height);
            }
        }
    }
    for (int v = 0; v < LK_VIEW_COUNT; v++)
        CHECK_INT(stored[v], 1);      /* every view stored, once */
    for (int k = 0; k < LK_WINDOW_COUNT; k++)
        CHECK_INT(windows[k], 1);     /* every window queried, once */
    CHECK_INT(whole, 1);
    CHECK_INT(insets, 1);
}

/* Reference side: a textured 16:9 frame stores the whole frame and each
 * view; a flat frame stores its whole frame only (it carries style) and
 * no view, since no view reaches the minimum quality. */
static void test_reference_entries(void)
{
    static uint8_t px[512 * 288 * 3];
    lk_hasher *h = NULL;
    lk_ref_entries e = { 0 };
    CHECK_INT(lk_hasher_new(&h), 0);
    lk_frame fr = make_frame(px, 512, 288, 7, 0, 0.0);
    fr.flags = LK_FRAME_SCENECUT;
    CHECK_INT(lk_ref_entries_add_frame(&e, h, &fr), 0);
    CHECK_INT(e.n, LK_VIEW_COUNT);
    CHECK_INT(e.sampled, 1);
    for (size_t i = 0; i < e.n; i++) {
        CHECK_INT(e.v[i].view, (int)i);
        CHECK(e.v[i].view == LK_VIEW_FULL || e.v[i].quality >= LK_SCAN_MIN_QUALITY);
        CHECK(e.v[i].flags & LK_ENTRY_SCENECUT);
    }
    CHECK_INT(e.v[0].flags & LK_ENTRY_ALL, LK_ENTRY_ALL);
    /* the same picture 0.25 s later continues every run */
    fr.flags = 0;
    fr.time = 0.25;
    CHECK_INT(lk_ref_entries_add_frame(&e, h, &fr), 0);
    CHECK_INT(e.n, LK_VIEW_COUNT);
    for (size_t i = 0; i < e.n; i++)
        CHECK(e.v[i].t1 == 0.25);
    lk_ref_entries_release(&e);
    CHECK(e.v == NULL && e.n == 0);

    fr = make_frame(px, 512, 288, 7, 1, 0.0);
    CHECK_INT(lk_ref_entries_add_frame(&e, h, &fr), 0);
    CHECK_INT(e.n, 1);
    CHECK_INT(e.v[0].view, LK_VIEW_FULL);
    CHECK(e.v[0].quality < LK_SCAN_MIN_QUALITY);
    lk_ref_entries_release(&e);
    lk_hasher_free(&h);
}

/* Suspect side: a flat frame gives no query and no usable frame; a
 * textured one queries the whole frame and every window, and the query of
 * each window that has a stored view carries exactly that view's PDQ. */
static void test_suspect_queries(void)
{
    static uint8_t px[512 * 288 * 3];
    lk_hasher *h = NULL;
    lk_features f;
    lk_ref_entries e = { 0 };
    struct lki_frameset fs = { 0 };
    CHECK_INT(lk_hasher_new(&h), 0);
    lk_frame fr = make_frame(px, 512, 288, 9, 1, 1.0);
    CHECK_INT(lk_hasher_compute(h, &fr.image, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &f), 0);
    CHECK_INT(lki_scan_add_frame(&fs, h, &fr, &f), 0);
    CHECK_INT(fs.nq, 0);
    CHECK_INT(fs.n, 0);

    fr = make_frame(px, 512, 288, 9, 0, 2.0);
    CHECK_INT(lk_hasher_compute(h, &fr.image, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &f), 0);
    CHECK_INT(lki_scan_add_frame(&fs, h, &fr, &f), 0);
    CHECK(fs.nq >= 1 + LK_WINDOW_COUNT);
    CHECK_INT(fs.n, 1);
    CHECK(fs.qtimes[0] == 2.0);
    for (size_t q = 0; q < fs.nq; q++)
        CHECK_INT(fs.qframe[q], 0);
    CHECK_INT(lk_ref_entries_add_frame(&e, h, &fr), 0);
    const lk_scan_region *g;
    size_t n = lk_scan_regions(&g), q = 0;
    for (size_t i = 0; i < n && q < fs.nq; i++) {
        if (!(g[i].use & LK_REGION_QUERIED) || g[i].window == -2)
            continue;
        if (g[i].use & LK_REGION_STORED) /* query q is the stored view's hash */
            CHECK_INT(lk_hamming256(&fs.queries[q * LK_DIHEDRAL_COUNT], &e.v[g[i].view].pdq), 0);
        q++;
    }
    CHECK_INT(q, 1 + LK_WINDOW_COUNT);
    lk_ref_entries_release(&e);
    lki_frameset_release(&fs);
    lk_hasher_free(&h);
}

static uint64_t seed = 0x5eed;

/* Run collapsing of whole frames (lk_ref_collapse). */
static void test_collapse(void)
{
    lk_index_frame v[8];
    size_t n = 0;
    lk_features a, b;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < 4; k++)
        a.pdq.w[k] = t_rand(&seed);
    b = a;
    CHECK_INT(lk_ref_collapse(v, &n, &a, 0.0, 0), 1);
    CHECK_INT(lk_ref_collapse(v, &n, &a, 0.5, 0), 0);
    b.pdq.w[0] ^= 0xff; /* distance 8: still the same shot */
    CHECK_INT(lk_ref_collapse(v, &n, &b, 1.0, 0), 0);
    CHECK(n == 1 && v[0].t0 == 0.0 && v[0].t1 == 1.0 && !memcmp(&v[0].pdq, &a.pdq, 32));
    b.pdq.w[1] ^= 0x1; /* distance 9 from the run's first frame */
    CHECK_INT(lk_ref_collapse(v, &n, &b, 1.5, 0), 1);
    CHECK_INT(lk_ref_collapse(v, &n, &b, 2.0, 1), 1); /* a cut always starts an entry */
    CHECK(n == 3 && v[2].flags == (LK_ENTRY_ALL | LK_ENTRY_SCENECUT) && v[1].t1 == 1.5);
}

/* Views of consecutive frames interleave; each view collapses its own run. */
static void test_collapse_views(void)
{
    lk_index_frame v[16];
    size_t n = 0;
    lk_features a;
    lk_hash256 c, c2;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < 4; k++)
        a.pdq.w[k] = t_rand(&seed), c.w[k] = t_rand(&seed);
    c2 = c;
    c2.w[3] ^= 0xf0f0; /* distance 8 */
    CHECK_INT(lk_ref_collapse(v, &n, &a, 0.0, 0), 1);
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_CENTER, &c, 77, 0.0, 0), 1);
    CHECK_INT(lk_ref_collapse(v, &n, &a, 0.5, 0), 0);  /* past the CENTER entry */
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_CENTER, &c2, 70, 0.5, 0), 0);
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_STRIP, &c, 60, 0.5, 0), 1);
    CHECK(n == 3 && v[0].view == LK_VIEW_FULL && v[0].t1 == 0.5 && v[1].view == LK_VIEW_CENTER &&
          v[1].t1 == 0.5 && v[1].quality == 77 && v[1].flags == 0 && v[2].t0 == 0.5);
    CHECK(!memcmp(&v[1].pdq, &c, 32) && v[2].phash == 0 && v[2].style[0] == 0);
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_CENTER, &c, 70, 1.0, 1), 1); /* a cut */
    CHECK(n == 4 && v[3].flags == LK_ENTRY_SCENECUT && v[3].view == LK_VIEW_CENTER);
    /* the same hash in another view never extends this one */
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_FULL, &c, 70, 1.5, 0), 1);
    /* beyond the look-back window a view starts a new entry */
    n = 0;
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_CENTER, &c, 70, 0.0, 0), 1);
    for (int k = 0; k < LK_REF_COLLAPSE_LOOKBACK - 1; k++)
        lk_ref_collapse_view(v, &n, k % 2 ? LK_VIEW_STRIP : LK_VIEW_FULL, &a.pdq, 70, 0.0, 1);
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_CENTER, &c, 70, 0.5, 0), 0);
    lk_ref_collapse_view(v, &n, LK_VIEW_STRIP, &a.pdq, 70, 0.5, 1);
    CHECK_INT(n, LK_REF_COLLAPSE_LOOKBACK + 1);
    CHECK_INT(lk_ref_collapse_view(v, &n, LK_VIEW_CENTER, &c, 70, 1.0, 0), 1);
}

int main(void)
{
    lk_init();
    test_table();
    test_reference_entries();
    test_suspect_queries();
    test_collapse();
    test_collapse_views();
    TEST_DONE("scan_policy");
}
