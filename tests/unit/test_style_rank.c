/* test_style_rank.c — lk_style_prototypes and lk_style_rank on hand-made
 * descriptors: clusters found, largest first, deterministic; works ranked
 * by their nearest prototype, skipped works and works without style left
 * out, ties to the lower index, bad arguments refused. */
#include "test.h"
#include "likeness/likeness.h"
#include "likeness/match.h"
#include "likeness/style.h"

enum { B = LK_STYLE_BYTES };

/* A descriptor of constant bytes v, with a little seeded jitter. */
static void desc(uint8_t *d, int v, uint64_t *s)
{
    for (int k = 0; k < B; k++)
        d[k] = (uint8_t)(v + (int)(t_rand(s) % 3));
}

static void test_prototypes(void)
{
    static uint8_t in[300 * B], out[LK_STYLE_PROTOS * B], again[LK_STYLE_PROTOS * B];
    uint64_t s = 7;
    /* three looks: 150 near 40, 100 near 120, 50 near 220, interleaved */
    for (int i = 0; i < 300; i++)
        desc(in + i * B, i % 6 < 3 ? 40 : i % 6 < 5 ? 120 : 220, &s);
    CHECK_INT(lk_style_prototypes(in, 300, 3, out), 3);
    CHECK(out[0] >= 40 && out[0] <= 42 && out[B] >= 120 && out[B] <= 122 &&
          out[2 * B] >= 220 && out[2 * B] <= 222);
    CHECK_INT(lk_style_prototypes(in, 300, 3, again), 3);
    CHECK(!memcmp(out, again, 3 * B)); /* deterministic */
    /* more prototypes than looks: the extra ones still stand for real data */
    int k = lk_style_prototypes(in, 300, LK_STYLE_PROTOS, out);
    CHECK(k == LK_STYLE_PROTOS);
    /* identical inputs: one prototype, equal to them */
    for (int i = 0; i < 10; i++)
        memset(in + i * B, 77, B);
    CHECK_INT(lk_style_prototypes(in, 10, LK_STYLE_PROTOS, out), 1);
    CHECK_INT(out[5], 77);
    CHECK_INT(lk_style_prototypes(in, 0, 4, out), 0);
    CHECK_INT(lk_style_prototypes(in, 10, 0, out), LK_EINVAL);
    CHECK_INT(lk_style_prototypes(in, 10, LK_STYLE_PROTOS + 1, out), LK_EINVAL);
    CHECK_INT(lk_style_prototypes(NULL, 10, 2, out), LK_EINVAL);
}

static void test_rank(void)
{
    static uint8_t protos[4][2 * B], frames[3 * B];
    uint64_t s = 11;
    desc(protos[0], 30, &s);          /* work 0: one far look */
    desc(protos[1], 200, &s);         /* work 1: a far look and the suspect's */
    desc(protos[1] + B, 100, &s);
    desc(protos[2], 110, &s);         /* work 2: near the suspect */
    memcpy(protos[3], protos[1] + B, B); /* work 3: same as work 1's near look */
    lk_style_work w[5] = { { protos[0], 1 }, { protos[1], 2 }, { protos[2], 1 },
                           { protos[3], 1 }, { NULL, 0 } };
    for (int i = 0; i < 3; i++)
        desc(frames + i * B, 100, &s);
    lk_style_match m[5];
    CHECK_INT(lk_style_rank(frames, 3, w, 5, NULL, m, 5), 4); /* work 4 has no style */
    CHECK_INT(m[0].work, 1); /* tie with work 3: lower index first */
    CHECK_INT(m[1].work, 3);
    CHECK(m[0].distance == m[1].distance);
    CHECK_INT(m[2].work, 2);
    CHECK_INT(m[3].work, 0);
    CHECK(m[0].distance < m[2].distance && m[2].distance < m[3].distance);
    CHECK(m[0].score > m[2].score && m[0].score == lk_style_score(m[0].distance));
    const uint8_t skip[5] = { 0, 1, 0, 0, 0 };
    CHECK_INT(lk_style_rank(frames, 3, w, 5, skip, m, 2), 2);
    CHECK(m[0].work == 3 && m[1].work == 2);
    CHECK_INT(lk_style_rank(frames, 0, w, 5, NULL, m, 5), 0);
    CHECK_INT(lk_style_rank(frames, 3, w, 5, NULL, m, 0), 0);
    w[0].nprotos = LK_STYLE_PROTOS + 1;
    CHECK_INT(lk_style_rank(frames, 3, w, 5, NULL, m, 5), LK_EINVAL);
    w[0].nprotos = 1;
    CHECK_INT(lk_style_rank(NULL, 3, w, 5, NULL, m, 5), LK_EINVAL);
}

/* Many frames: only LK_STYLE_RANK_FRAMES evenly spaced ones count, so a
 * long suspect costs no more than a short one and still ranks. */
static void test_many_frames(void)
{
    enum { N = 1000 };
    static uint8_t frames[N * B], p0[B], p1[B];
    uint64_t s = 5;
    for (int i = 0; i < N; i++)
        desc(frames + i * B, i % 4 ? 60 : 180, &s);
    desc(p0, 60, &s);
    desc(p1, 180, &s);
    lk_style_work w[2] = { { p0, 1 }, { p1, 1 } };
    lk_style_match m[2];
    CHECK_INT(lk_style_rank(frames, N, w, 2, NULL, m, 2), 2);
    CHECK_INT(m[0].work, 0); /* three frames in four look like work 0 */
}

int main(void)
{
    test_prototypes();
    test_rank();
    test_many_frames();
    TEST_DONE("style_rank");
}
