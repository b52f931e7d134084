/* test_dispatch.c — the kernel table: every slot filled at every level the
 * CPU supports, levels above it refused, LIKENESS_SIMD honoured. */
#include "test.h"
#include "likeness/likeness.h"

static int all_slots_set(const lk_simd_ops *o)
{
    return o->name && o->luma_rgb24 && o->box_rows && o->box_cols && o->matmul &&
           o->ham256_1xn && o->ham256_mxn && o->ham64_1xn && o->style_quant_rgb24 &&
           o->style_edge_row;
}

int main(void)
{
    int top = lk_simd_detect();
    for (int lvl = LK_SIMD_SCALAR; lvl <= LK_SIMD_AVX512; lvl++) {
        lk_simd_ops o;
        int rc = lk_simd_ops_for(lvl, &o);
        if (lvl <= top) {
            CHECK_INT(rc, 0);
            CHECK(all_slots_set(&o));
            CHECK_INT(o.level, lvl);
        } else {
            CHECK_INT(rc, LK_ENOTSUP);
        }
    }
    lk_simd_ops o;
    CHECK_INT(lk_simd_ops_for(7, &o), LK_EINVAL);
    const lk_simd_ops *g = lk_simd_ops_get();
    CHECK(g == lk_simd_ops_get());
    CHECK(all_slots_set(g));
    const char *env = getenv("LIKENESS_SIMD");
    if (env && !strcmp(env, "scalar"))
        CHECK_INT(g->level, LK_SIMD_SCALAR);
    else
        CHECK(g->level <= top);
    TEST_DONE("simd_dispatch");
}
