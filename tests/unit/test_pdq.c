/*
 * test_pdq.c — PDQ against the facebook/ThreatExchange reference: every
 * fixture in data/fixtures/pdq/ must give the reference's hash, quality
 * and 8 dihedral hashes bit for bit, with every SIMD level this CPU runs.
 * Also: hex form and round trip, Hamming distances, tiny pictures, bad
 * input, strided rows and scratch reuse.
 */
#include <png.h>
#include "likeness/features.h"
#include "likeness/simd.h"
#include "features/features_internal.h"
#include "test.h"

#define MAX_FIX 64

typedef struct fixture {
    char name[128];
    char hex[65];
    int quality;
    char dih[LK_DIHEDRAL_COUNT][65];
    int ndih;
} fixture;

typedef struct picture {
    uint8_t *px;
    lk_image img;
} picture;

static const char *top(void)
{
    const char *t = getenv("LK_TOP");
    return t && *t ? t : ".";
}

/* Loads a PNG as stored (RGB or grey); 0 on success. */
static int load_png(const char *name, picture *p)
{
    char path[512];
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    snprintf(path, sizeof path, "%s/data/fixtures/pdq/%s", top(), name);
    if (!png_image_begin_read_from_file(&im, path))
        return -1;
    int color = (im.format & PNG_FORMAT_FLAG_COLOR) != 0;
    im.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    p->px = malloc(PNG_IMAGE_SIZE(im));
    if (!p->px || !png_image_finish_read(&im, NULL, p->px, 0, NULL)) {
        free(p->px);
        png_image_free(&im);
        return -1;
    }
    p->img.data = p->px;
    p->img.width = (int)im.width;
    p->img.height = (int)im.height;
    p->img.fmt = color ? LK_PIX_RGB24 : LK_PIX_GRAY8;
    p->img.stride = p->img.width * p->img.fmt;
    return 0;
}

/* Splits "hex,quality,path" and returns the path's base name. */
static const char *parse_line(char *line, char hex[65], int *quality)
{
    char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!c2 || c1 - line != 64)
        return NULL;
    memcpy(hex, line, 64);
    hex[64] = '\0';
    *quality = atoi(c1 + 1);
    char *name = c2 + 1, *slash = strrchr(name, '/');
    name[strcspn(name, "\r\n")] = '\0';
    return slash ? slash + 1 : name;
}

static int find_fixture(fixture *f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(f[i].name, name))
            return i;
    return -1;
}

/* Reads expected.txt and expected-dih.txt; returns the fixture count. */
static int load_expected(fixture *f)
{
    char path[512], line[1024], hex[65];
    int n = 0, q;
    const char *name;
    snprintf(path, sizeof path, "%s/data/fixtures/pdq/expected.txt", top());
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    while (n < MAX_FIX && fgets(line, sizeof line, fp)) {
        if (!(name = parse_line(line, hex, &q)))
            continue;
        memset(&f[n], 0, sizeof f[n]);
        snprintf(f[n].name, sizeof f[n].name, "%s", name);
        memcpy(f[n].hex, hex, 65);
        f[n++].quality = q;
    }
    fclose(fp);
    snprintf(path, sizeof path, "%s/data/fixtures/pdq/expected-dih.txt", top());
    fp = fopen(path, "r");
    CHECK(fp != NULL);
    while (fp && fgets(line, sizeof line, fp)) {
        int i = (name = parse_line(line, hex, &q)) ? find_fixture(f, n, name) : -1;
        CHECK(i >= 0);
        if (i >= 0 && f[i].ndih < LK_DIHEDRAL_COUNT) {
            CHECK_INT(q, f[i].quality);
            memcpy(f[i].dih[f[i].ndih++], hex, 65);
        }
    }
    if (fp)
        fclose(fp);
    return n;
}

/* All fixtures at one SIMD level; returns the number that matched fully. */
static int check_level(const lk_simd_ops *ops, fixture *fx, int n)
{
    lk_hasher *h = NULL;
    int ok = 0;
    CHECK_INT(lki_hasher_new_with_ops(&h, ops), 0);
    for (int i = 0; h && i < n; i++) {
        picture p;
        lk_features a, b;
        char hex[65];
        int fails = t_failed;
        CHECK_INT(load_png(fx[i].name, &p), 0);
        if (t_failed != fails)
            continue;
        CHECK_INT(lk_hasher_compute(h, &p.img, LK_FEAT_PDQ | LK_FEAT_DIHEDRAL, &a), 0);
        lk_hash256_to_hex(&a.pdq, hex);
        CHECK_STR(hex, fx[i].hex);
        CHECK_INT(a.pdq_quality, fx[i].quality);
        CHECK_INT(fx[i].ndih, LK_DIHEDRAL_COUNT);
        for (int d = 0; d < fx[i].ndih; d++) {
            lk_hash256_to_hex(&a.pdq_dihedral[d], hex);
            CHECK_STR(hex, fx[i].dih[d]);
        }
        /* PDQ alone gives the same hash; the dihedral slots stay zero. */
        CHECK_INT(lk_hasher_compute(h, &p.img, LK_FEAT_PDQ, &b), 0);
        CHECK(!memcmp(&a.pdq, &b.pdq, sizeof a.pdq) && a.pdq_quality == b.pdq_quality);
        CHECK_INT(lk_hamming256(&b.pdq_dihedral[3], &(lk_hash256){{0, 0, 0, 0}}), 0);
        if (t_failed == fails)
            ok++;
        else
            fprintf(stderr, "  %s: mismatch at level %s\n", fx[i].name, ops->name);
        free(p.px);
    }
    lk_hasher_free(&h);
    CHECK(h == NULL);
    return ok;
}

static void test_fixtures(void)
{
    static fixture fx[MAX_FIX];
    int n = load_expected(fx);
    CHECK(n >= 12);
    for (int level = LK_SIMD_SCALAR; level <= LK_SIMD_AVX512; level++) {
        lk_simd_ops ops;
        int rc = lk_simd_ops_for(level, &ops);
        if (rc == LK_ENOTSUP)
            continue;
        CHECK_INT(rc, 0);
        int ok = check_level(&ops, fx, n);
        CHECK_INT(ok, n);
        printf("pdq fixtures at %s: %d/%d bit-exact\n", ops.name, ok, n);
    }
}

/* The same picture with padded rows hashes the same. */
static void test_stride(void)
{
    picture p;
    lk_hasher *h = NULL;
    lk_features a, b;
    CHECK_INT(load_png("testsrc2-333x250.png", &p), 0);
    CHECK_INT(lk_hasher_new(&h), 0);
    if (!p.px || !h)
        return;
    int row = p.img.width * p.img.fmt, stride = row + 13;
    uint8_t *pad = calloc((size_t)stride * (size_t)p.img.height, 1);
    for (int y = 0; pad && y < p.img.height; y++)
        memcpy(pad + (size_t)y * stride, p.px + (size_t)y * row, (size_t)row);
    lk_image img = p.img;
    img.data = pad;
    img.stride = stride;
    CHECK_INT(lk_hasher_compute(h, &p.img, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &a), 0);
    CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &b), 0);
    CHECK(!memcmp(&a, &b, sizeof a));
    free(pad);
    free(p.px);
    lk_hasher_free(&h);
}

/* Known positions: bit 255 is the first hex digit's top bit, bit 0 the last digit's. */
static void test_hex(void)
{
    lk_hash256 h = {{0, 0, 0, 0}}, g;
    char hex[65];
    h.w[3] = 1ull << 63;
    h.w[0] = 1;
    h.w[1] = 0x1234ull << 16;
    lk_hash256_to_hex(&h, hex);
    CHECK_STR(hex, "8000000000000000000000000000000000000000123400000000000000000001");
    CHECK_INT(lk_hash256_from_hex(hex, &g), 0);
    CHECK(!memcmp(&g, &h, sizeof h));

    uint64_t s = 42;
    for (int i = 0; i < 200; i++) {
        for (int k = 0; k < 4; k++)
            h.w[k] = t_rand(&s);
        lk_hash256_to_hex(&h, hex);
        CHECK_INT(strlen(hex), 64);
        memset(&g, 0, sizeof g);
        CHECK_INT(lk_hash256_from_hex(hex, &g), 0);
        CHECK(!memcmp(&g, &h, sizeof h));
        for (char *c = hex; *c; c++) /* upper case parses to the same */
            if (*c >= 'a' && *c <= 'f')
                *c = (char)(*c - 'a' + 'A');
        CHECK_INT(lk_hash256_from_hex(hex, &g), 0);
        CHECK(!memcmp(&g, &h, sizeof h));

        uint64_t v = t_rand(&s), u = 0;
        char h16[17];
        lk_hash64_to_hex(v, h16);
        CHECK_INT(lk_hash64_from_hex(h16, &u), 0);
        CHECK(u == v);
    }
    char h16[17];
    lk_hash64_to_hex(0x8000000000000001ull, h16);
    CHECK_STR(h16, "8000000000000001");

    uint64_t u;
    CHECK_INT(lk_hash256_from_hex("123", &g), LK_EINVAL);
    CHECK_INT(lk_hash256_from_hex("00000000000000000000000000000000000000000000000000000000000000000", &g),
              LK_EINVAL);
    CHECK_INT(lk_hash256_from_hex("g000000000000000000000000000000000000000000000000000000000000000", &g),
              LK_EINVAL);
    CHECK_INT(lk_hash64_from_hex("000000000000000", &u), LK_EINVAL);
    CHECK_INT(lk_hash64_from_hex("00000000000000000", &u), LK_EINVAL);
    CHECK_INT(lk_hash64_from_hex("000000000000000x", &u), LK_EINVAL);
    CHECK_INT(lk_hash64_from_hex(" 000000000000000", &u), LK_EINVAL);
}

static int naive_bits(uint64_t x)
{
    int n = 0;
    for (int i = 0; i < 64; i++)
        n += (int)((x >> i) & 1);
    return n;
}

static void test_hamming(void)
{
    uint64_t s = 7;
    for (int i = 0; i < 500; i++) {
        lk_hash256 a, b;
        int want = 0;
        for (int k = 0; k < 4; k++) {
            a.w[k] = t_rand(&s);
            b.w[k] = i % 3 ? t_rand(&s) : a.w[k] ^ (1ull << (i % 64));
            want += naive_bits(a.w[k] ^ b.w[k]);
        }
        CHECK_INT(lk_hamming256(&a, &b), want);
        CHECK_INT(lk_hamming256(&a, &a), 0);
        CHECK_INT(lk_hamming64(a.w[0], b.w[0]), naive_bits(a.w[0] ^ b.w[0]));
    }
    lk_hash256 z = {{0, 0, 0, 0}}, o = {{~0ull, ~0ull, ~0ull, ~0ull}};
    CHECK_INT(lk_hamming256(&z, &o), 256);
    CHECK_INT(lk_hamming64(0, ~0ull), 64);
}

/* Tiny pictures are accepted: zero PDQ and quality, no out-of-bounds access. */
static void test_tiny_and_uniform(void)
{
    lk_hasher *h = NULL;
    lk_features f;
    uint8_t px[100 * 80 * 3];
    CHECK_INT(lk_hasher_new(&h), 0);
    if (!h)
        return;
    for (int size = 1; size <= 4; size++) {
        for (int fmt = 1; fmt <= 3; fmt += 2) {
            for (int i = 0; i < size * size * fmt; i++)
                px[i] = (uint8_t)(37 * i + 11);
            lk_image img = {px, size, size, size * fmt, fmt};
            CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_ALL | LK_FEAT_DIHEDRAL, &f), 0);
            CHECK_INT(lk_hamming256(&f.pdq, &(lk_hash256){{0, 0, 0, 0}}), 0);
            CHECK_INT(f.pdq_quality, 0);
        }
    }
    memset(px, 200, sizeof px);
    lk_image img = {px, 100, 80, 300, LK_PIX_RGB24};
    CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_PDQ, &f), 0);
    CHECK_INT(f.pdq_quality, 0);
    /* A strong pattern has full quality. */
    for (int y = 0; y < 80; y++)
        for (int x = 0; x < 300; x++)
            px[y * 300 + x] = (uint8_t)((((x / 3) / 10 + y / 10) & 1) ? 255 : 0);
    CHECK_INT(lk_hasher_compute(h, &img, LK_FEAT_PDQ, &f), 0);
    CHECK_INT(f.pdq_quality, 100);
    lk_hasher_free(&h);
}

static void test_bad_input(void)
{
    lk_hasher *h = NULL;
    lk_features f;
    uint8_t px[64] = {0};
    CHECK_INT(lk_hasher_new(&h), 0);
    lk_image ok = {px, 4, 4, 4, LK_PIX_GRAY8};
    lk_image bad = ok;
    CHECK_INT(lk_hasher_compute(h, &ok, LK_FEAT_ALL, &f), 0);
    bad.data = NULL;
    CHECK_INT(lk_hasher_compute(h, &bad, LK_FEAT_ALL, &f), LK_EINVAL);
    bad = ok, bad.width = 0;
    CHECK_INT(lk_hasher_compute(h, &bad, LK_FEAT_ALL, &f), LK_EINVAL);
    bad = ok, bad.height = -1;
    CHECK_INT(lk_hasher_compute(h, &bad, LK_FEAT_ALL, &f), LK_EINVAL);
    bad = ok, bad.fmt = 2;
    CHECK_INT(lk_hasher_compute(h, &bad, LK_FEAT_ALL, &f), LK_EINVAL);
    bad = ok, bad.fmt = LK_PIX_RGB24; /* stride 4 < 4 * 3 */
    CHECK_INT(lk_hasher_compute(h, &bad, LK_FEAT_ALL, &f), LK_EINVAL);
    CHECK_INT(lk_hasher_compute(h, NULL, LK_FEAT_ALL, &f), LK_EINVAL);
    CHECK_INT(lk_hasher_compute(h, &ok, LK_FEAT_ALL, NULL), LK_EINVAL);
    CHECK_INT(lk_hasher_compute(NULL, &ok, LK_FEAT_ALL, &f), LK_EINVAL);
    lk_hasher_free(&h);
    lk_hasher_free(&h); /* NULL is fine */
    lk_hasher_free(NULL);
}

/* Growing and shrinking scratch between calls does not change results. */
static void test_reuse(void)
{
    static uint8_t big[300 * 200 * 3], small[40 * 30 * 3];
    uint64_t s = 99;
    lk_hasher *h = NULL, *fresh = NULL;
    lk_features a, b, c;
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(t_rand(&s) >> 56);
    for (size_t i = 0; i < sizeof small; i++)
        small[i] = (uint8_t)(i * 7);
    lk_image ib = {big, 300, 200, 900, LK_PIX_RGB24}, is = {small, 40, 30, 120, LK_PIX_RGB24};
    CHECK_INT(lk_hasher_new(&h), 0);
    CHECK_INT(lk_hasher_new(&fresh), 0);
    unsigned all = LK_FEAT_ALL | LK_FEAT_DIHEDRAL;
    CHECK_INT(lk_hasher_compute(h, &is, all, &a), 0);
    CHECK_INT(lk_hasher_compute(h, &ib, all, &b), 0);
    CHECK_INT(lk_hasher_compute(h, &is, all, &c), 0);
    CHECK(!memcmp(&a, &c, sizeof a));
    CHECK_INT(lk_hasher_compute(fresh, &ib, all, &c), 0);
    CHECK(!memcmp(&b, &c, sizeof b));
    CHECK(memcmp(&a.pdq, &b.pdq, sizeof a.pdq) != 0);
    lk_hasher_free(&h);
    lk_hasher_free(&fresh);
}

/* Variants estimated from a hash against the reference's true variants of
 * the fixtures, and the group structure of the estimate. */
static void test_dihedral_from_hash(void)
{
    static fixture fx[MAX_FIX];
    int n = load_expected(fx), used = 0, sum = 0, worst = 0;
    for (int i = 0; i < n; i++) {
        lk_hash256 h, est[LK_DIHEDRAL_COUNT], truth;
        if (fx[i].quality < 50 || fx[i].ndih != LK_DIHEDRAL_COUNT ||
            lk_hash256_from_hex(fx[i].hex, &h) < 0)
            continue;
        lk_pdq_dihedral_from_hash(&h, est);
        used++;
        for (int d = 0; d < LK_DIHEDRAL_COUNT; d++) {
            CHECK_INT(lk_hash256_from_hex(fx[i].dih[d], &truth), 0);
            int dist = lk_hamming256(&est[d], &truth);
            if (d == 0 || d == 6) /* identity, transpose: exact */
                CHECK_INT(dist, 0);
            sum += dist;
            worst = dist > worst ? dist : worst;
        }
    }
    CHECK(used >= 8);
    CHECK(worst <= 64);
    CHECK(used && sum <= 16 * 7 * used); /* mean over the 7 others at most 16 */
    printf("dihedral from hash: %d fixtures, mean %.1f bits, worst %d\n", used,
           used ? (double)sum / (7.0 * used) : 0.0, worst);
    /* mirrors and the transposes are involutions, rotations by 90 and 270
     * inverse to each other */
    static const int inverse[LK_DIHEDRAL_COUNT] = { 0, 3, 2, 1, 4, 5, 6, 7 };
    uint64_t seed = 42;
    lk_hash256 h = { { t_rand(&seed), t_rand(&seed), t_rand(&seed), t_rand(&seed) } };
    lk_hash256 once[LK_DIHEDRAL_COUNT], twice[LK_DIHEDRAL_COUNT];
    lk_pdq_dihedral_from_hash(&h, once);
    for (int d = 0; d < LK_DIHEDRAL_COUNT; d++) {
        lk_pdq_dihedral_from_hash(&once[d], twice);
        CHECK_INT(lk_hamming256(&twice[inverse[d]], &h), 0);
    }
}

int main(void)
{
    test_fixtures();
    test_dihedral_from_hash();
    test_stride();
    test_hex();
    test_hamming();
    test_tiny_and_uniform();
    test_bad_input();
    test_reuse();
    TEST_DONE("test_pdq");
}
