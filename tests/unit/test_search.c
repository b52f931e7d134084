/*
 * test_search.c — the searcher: brute force against a naive loop written
 * here, and multi-index hashing (with and without its hand-over to brute
 * force) against brute force, hit for hit (query, ref, distance, variant,
 * order), on uniform and clustered data, radius and k-best queries, 1 and
 * 8 variants per frame; plus edge cases and argument checks.
 */
#include "test.h"
#include "likeness/search.h"
#include "search/search_internal.h"
#include "common/common.h"

static lk_hash256 rand_hash(uint64_t *rs)
{
    lk_hash256 h;
    for (int i = 0; i < 4; i++)
        h.w[i] = t_rand(rs);
    return h;
}

/* Flips `bits` distinct random bits of h. */
static void flip(lk_hash256 *h, int bits, uint64_t *rs)
{
    lk_hash256 m = {{0, 0, 0, 0}};
    for (int done = 0; done < bits;) {
        int b = (int)(t_rand(rs) % 256);
        if (!(m.w[b >> 6] >> (b & 63) & 1)) {
            m.w[b >> 6] |= 1ull << (b & 63);
            done++;
        }
    }
    for (int i = 0; i < 4; i++)
        h->w[i] ^= m.w[i];
}

/* Uniform (clustered = 0) or clustered hashes: cluster centres, members at
 * 2..40 flipped bits, and near-duplicates (1..3 bits) of members. */
static lk_hash256 *make_data(size_t n, int clustered, uint64_t *rs)
{
    lk_hash256 *h = malloc((n ? n : 1) * sizeof *h);
    size_t nc = n / 40 + 1;
    for (size_t i = 0; i < n; i++) {
        h[i] = rand_hash(rs);
        if (!clustered || i < nc)
            continue;
        if (t_rand(rs) % 4 == 0) {
            h[i] = h[t_rand(rs) % i];
            flip(&h[i], 1 + (int)(t_rand(rs) % 3), rs);
        } else {
            h[i] = h[t_rand(rs) % nc];
            flip(&h[i], 2 + (int)(t_rand(rs) % 39), rs);
        }
    }
    return h;
}

/* nf frames of nvar variants: frame bases are indexed hashes (exact, or a
 * few to 30 bits off) or random; variant v > 0 flips more bits, and
 * variant 3 repeats variant 1 so that variant ties occur. */
static lk_hash256 *make_queries(const lk_hash256 *db, size_t n, size_t nf, int nvar,
                                uint64_t *rs)
{
    lk_hash256 *q = malloc(nf * (size_t)nvar * sizeof *q);
    for (size_t f = 0; f < nf; f++) {
        lk_hash256 b = rand_hash(rs);
        if (n > 0 && f % 3 != 2) {
            b = db[t_rand(rs) % n];
            if (f % 3 == 1)
                flip(&b, 1 + (int)(t_rand(rs) % 30), rs);
        }
        for (int v = 0; v < nvar; v++) {
            q[f * nvar + v] = b;
            flip(&q[f * nvar + v], v == 0 ? 0 : (int)(t_rand(rs) % (12 * v)), rs);
        }
        if (nvar > 3)
            q[f * nvar + 3] = q[f * nvar + 1];
    }
    return q;
}

static int naive_dist(const lk_hash256 *a, const lk_hash256 *b)
{
    int d = 0;
    for (int i = 0; i < 4; i++)
        for (int bit = 0; bit < 64; bit++)
            d += (int)((a->w[i] ^ b->w[i]) >> bit & 1);
    return d;
}

/* Naive answers: per frame and ref, smallest distance and first variant. */
typedef struct naive {
    size_t n, nf;
    uint16_t *d;
    uint8_t *v;
} naive;

static naive naive_table(const lk_hash256 *db, size_t n, const lk_hash256 *q, size_t nf,
                         int nvar)
{
    naive t = {n, nf, malloc((n * nf + 1) * 2), malloc(n * nf + 1)};
    for (size_t f = 0; f < nf; f++) {
        for (size_t r = 0; r < n; r++) {
            int best = 1000, bv = -1;
            for (int v = 0; v < nvar; v++) {
                int d = naive_dist(&q[f * nvar + v], &db[r]);
                if (d < best) {
                    best = d;
                    bv = v;
                }
            }
            t.d[f * n + r] = (uint16_t)best;
            t.v[f * n + r] = (uint8_t)bv;
        }
    }
    return t;
}

/* Expected hits: radius (k == 0) or k-best, by selection over the table:
 * a counting sort on distance, refs ascending within a distance. */
static size_t naive_hits(const naive *t, int radius, size_t k, lk_hit *out)
{
    size_t m = 0;
    for (size_t f = 0; f < t->nf; f++) {
        size_t count[258] = {0};
        const uint16_t *d = t->d + f * t->n;
        for (size_t r = 0; r < t->n; r++)
            if (k > 0 || d[r] <= radius)
                count[d[r] + 1]++;
        for (int i = 0; i < 257; i++)
            count[i + 1] += count[i];
        size_t total = count[257];
        for (size_t r = 0; r < t->n; r++)
            if (k > 0 || d[r] <= radius)
                out[m + count[d[r]]++] = (lk_hit){(uint32_t)f, (uint32_t)r, d[r],
                                                  t->v[f * t->n + r], 0};
        m += k > 0 && total > k ? k : total;
    }
    return m;
}

static int same_hits(const lk_hit *a, size_t na, const lk_hits *b)
{
    if (na != b->n)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].query != b->v[i].query || a[i].ref != b->v[i].ref ||
            a[i].distance != b->v[i].distance || a[i].variant != b->v[i].variant)
            return 0;
    return 1;
}

static const int radii[] = {0, 1, 15, 16, 17, 31, 32, 48, 64, 256};
static const int ks[] = {1, 5, 100};

/* Checks one searcher against the naive answers for every radius and k. */
static void check_searcher(lk_searcher *s, const naive *t, const lk_hash256 *q, int nvar,
                           int max_radius, const char *what)
{
    lk_hits got = {0};
    lk_hit *exp = malloc((t->n * t->nf + 1) * sizeof *exp);
    for (size_t i = 0; i < LK_ARRAY_SIZE(radii); i++) {
        if (radii[i] > max_radius)
            continue;
        size_t ne = naive_hits(t, radii[i], 0, exp);
        long rc = lk_searcher_radius(s, q, t->nf, nvar, radii[i], &got);
        CHECK_INT(rc, (long)ne);
        if (!same_hits(exp, ne, &got))
            fprintf(stderr, "%s: radius %d n %zu nvar %d differs\n", what, radii[i], t->n, nvar);
        CHECK(same_hits(exp, ne, &got));
    }
    for (size_t i = 0; i < LK_ARRAY_SIZE(ks); i++) {
        size_t ne = naive_hits(t, 0, (size_t)ks[i], exp);
        long rc = lk_searcher_knn(s, q, t->nf, nvar, ks[i], &got);
        CHECK_INT(rc, (long)ne);
        if (!same_hits(exp, ne, &got))
            fprintf(stderr, "%s: knn %d n %zu nvar %d differs\n", what, ks[i], t->n, nvar);
        CHECK(same_hits(exp, ne, &got));
    }
    lk_hits_release(&got);
    free(exp);
}

/* Every method on one data set and query set. */
static void check_case(size_t n, int clustered, int nvar, size_t nf, uint64_t *rs)
{
    lk_hash256 *db = make_data(n, clustered, rs);
    lk_hash256 *q = make_queries(db, n, nf, nvar, rs);
    naive t = naive_table(db, n, q, nf, nvar);
    lk_searcher *s = NULL;
    CHECK_INT(lk_searcher_new(&s, db, n, LK_SEARCH_BRUTE), 0);
    CHECK_INT(lk_searcher_method(s), LK_SEARCH_BRUTE);
    check_searcher(s, &t, q, nvar, 256, "brute");
    lk_searcher_free(&s);
    CHECK(s == NULL);
    CHECK_INT(lk_searcher_new(&s, db, n, LK_SEARCH_MIH), 0);
    CHECK_INT(lk_searcher_method(s), LK_SEARCH_MIH);
    check_searcher(s, &t, q, nvar, 256, "mih");
    /* pure MIH: the full probe of radius 256 is only affordable when tiny */
    lki_searcher_set_fallback(s, 0);
    naive first = t; /* pure MIH probes deep for k-best: 3 frames */
    first.nf = nf > 3 ? 3 : nf;
    check_searcher(s, &first, q, nvar, n <= 17 && nvar == 1 ? 256 : 64, "pure mih");
    lk_searcher_free(&s);
    free(t.d);
    free(t.v);
    free(q);
    free(db);
}

/* Frames equal to indexed hashes find them at distance 0 (uniform data has
 * no duplicates), by radius 0 and by k = 1, with either method. */
static void check_self(uint64_t *rs)
{
    size_t n = 20000;
    lk_hash256 *db = make_data(n, 0, rs);
    lk_hash256 q[10];
    uint32_t want[10];
    for (int i = 0; i < 10; i++) {
        want[i] = (uint32_t)(t_rand(rs) % n);
        q[i] = db[want[i]];
    }
    for (int method = LK_SEARCH_BRUTE; method <= LK_SEARCH_MIH; method++) {
        lk_searcher *s = NULL;
        lk_hits got = {0};
        CHECK_INT(lk_searcher_new(&s, db, n, method), 0);
        CHECK_INT(lk_searcher_radius(s, q, 10, 1, 0, &got), 10);
        for (size_t i = 0; i < got.n; i++)
            CHECK(got.v[i].query == i && got.v[i].ref == want[i] && got.v[i].distance == 0);
        CHECK_INT(lk_searcher_knn(s, q, 10, 1, 1, &got), 10);
        for (size_t i = 0; i < got.n; i++)
            CHECK(got.v[i].ref == want[i] && got.v[i].distance == 0);
        lk_hits_release(&got);
        CHECK(got.v == NULL && got.n == 0 && got.cap == 0);
        lk_searcher_free(&s);
    }
    free(db);
}

/* Radius 256 returns every hash; k > n returns n; empty index and no queries. */
static void check_edges(uint64_t *rs)
{
    lk_hash256 *db = make_data(300, 1, rs);
    lk_hash256 *q = make_queries(db, 300, 3, 8, rs);
    lk_hits got = {0};
    for (int method = LK_SEARCH_AUTO; method <= LK_SEARCH_MIH; method++) {
        lk_searcher *s = NULL;
        CHECK_INT(lk_searcher_new(&s, db, 300, method), 0);
        CHECK_INT(lk_searcher_radius(s, q, 3, 8, 256, &got), 900);
        CHECK_INT(lk_searcher_knn(s, q, 3, 8, 1000, &got), 900);
        CHECK_INT(lk_searcher_radius(s, q, 0, 8, 10, &got), 0);
        CHECK_INT(lk_searcher_radius(s, NULL, 0, 8, 10, &got), 0);
        lk_searcher_free(&s);
        CHECK_INT(lk_searcher_new(&s, NULL, 0, method), 0);
        CHECK_INT(lk_searcher_radius(s, q, 3, 8, 256, &got), 0);
        CHECK_INT(lk_searcher_knn(s, q, 3, 8, 5, &got), 0);
        lk_searcher_free(&s);
    }
    lk_searcher *s = NULL;
    CHECK_INT(lk_searcher_new(&s, db, 300, LK_SEARCH_AUTO), 0);
    CHECK_INT(lk_searcher_method(s), LK_SEARCH_BRUTE);
    lk_searcher_free(&s);
    lk_searcher_free(&s); /* NULL is fine */
    lk_searcher_free(NULL);
    lk_hits_release(&got);
    lk_hits_release(NULL);
    free(q);
    free(db);
}

static void check_invalid(uint64_t *rs)
{
    lk_hash256 db[4] = {rand_hash(rs), rand_hash(rs), rand_hash(rs), rand_hash(rs)};
    lk_searcher *s = (lk_searcher *)db;
    lk_hits got = {0};
    CHECK_INT(lk_searcher_new(NULL, db, 4, LK_SEARCH_BRUTE), LK_EINVAL);
    CHECK_INT(lk_searcher_new(&s, NULL, 4, LK_SEARCH_BRUTE), LK_EINVAL);
    CHECK(s == NULL);
    CHECK_INT(lk_searcher_new(&s, db, 4, 3), LK_EINVAL);
    CHECK_INT(lk_searcher_new(&s, db, 4, -1), LK_EINVAL);
    CHECK_INT(lk_searcher_method(NULL), LK_EINVAL);
    CHECK_INT(lk_searcher_new(&s, db, 4, LK_SEARCH_MIH), 0);
    CHECK_INT(lk_searcher_radius(NULL, db, 1, 1, 3, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_radius(s, db, 1, 1, 3, NULL), LK_EINVAL);
    CHECK_INT(lk_searcher_radius(s, NULL, 1, 1, 3, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_radius(s, db, 1, 0, 3, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_radius(s, db, 1, 9, 3, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_radius(s, db, 1, 1, -1, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_radius(s, db, 1, 1, 257, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_knn(s, db, 1, 1, 0, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_knn(s, db, 1, 1, -5, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_knn(NULL, db, 1, 1, 1, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_knn(s, db, 1, 9, 1, &got), LK_EINVAL);
    CHECK_INT(lk_searcher_knn(s, db, 4, 1, 2, &got), 8); /* still usable */
    lk_searcher_free(&s);
    lk_hits_release(&got);
}

int main(void)
{
    uint64_t rs = 0x5eed5eedULL;
    static const size_t sizes[] = {0, 1, 17, 1000, 50000};
    for (size_t i = 0; i < LK_ARRAY_SIZE(sizes); i++) {
        size_t nf = sizes[i] >= 50000 ? 4 : 12;
        for (int clustered = 0; clustered <= 1; clustered++) {
            check_case(sizes[i], clustered, 1, nf, &rs);
            check_case(sizes[i], clustered, 8, nf, &rs);
        }
    }
    check_self(&rs);
    check_edges(&rs);
    check_invalid(&rs);
    TEST_DONE("search");
}
