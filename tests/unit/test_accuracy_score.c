/*
 * test_accuracy_score.c — the accuracy benchmark's scorer
 * (tests/bench/accuracy/score.c) on a small synthetic truth and results whose
 * metrics were worked out by hand (see the comments next to each number).
 */
#define LK_SCORE_NO_MAIN
#include "bench/accuracy/score.c"

#include "test.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

/* 3 references (w1, w2 of art set a; still w3 of set b), 4 suspects:
 * s1 (hflip, w1 at 2-6 s = ref 10-14 s), s2 (crop20, still w3 at 1-4 s),
 * n1 a hard negative of set a, n2 an easy negative. */
static const char *truth_text =
    "{\"references\":["
    "{\"id\":\"w1\",\"file\":\"refs/w1.mp4\",\"set\":\"a\",\"kind\":\"video\"},"
    "{\"id\":\"w2\",\"file\":\"refs/w2.mp4\",\"set\":\"a\",\"kind\":\"video\"},"
    "{\"id\":\"w3\",\"file\":\"refs/w3.png\",\"set\":\"b\",\"kind\":\"still\"}],"
    "\"suspects\":["
    "{\"file\":\"suspects/s1.mp4\",\"transform\":\"hflip\",\"set\":\"a\",\"hard_negative\":false,"
    "\"positives\":[{\"work_id\":\"w1\",\"suspect_start\":2,\"suspect_end\":6,\"ref_start\":10,\"ref_end\":14}]},"
    "{\"file\":\"suspects/s2.mp4\",\"transform\":\"crop20\",\"set\":\"b\",\"hard_negative\":false,"
    "\"positives\":[{\"work_id\":\"w3\",\"suspect_start\":1,\"suspect_end\":4,\"ref_start\":0,\"ref_end\":0}]},"
    "{\"file\":\"suspects/n1.mp4\",\"transform\":\"none\",\"set\":\"a\",\"hard_negative\":true,\"positives\":[]},"
    "{\"file\":\"suspects/n2.mp4\",\"transform\":\"none\",\"set\":\"none\",\"hard_negative\":false,\"positives\":[]}]}";

static const char *lines[] = {
    "{\"schema\":1,\"file\":\"/x/y/s1.mp4\",\"verdict\":\"match\",\"matches\":["
    "{\"work_id\":\"w1\",\"score\":0.9,\"segments\":[{\"suspect_start\":3,\"suspect_end\":6,"
    "\"ref_start\":11,\"ref_end\":14,\"frames\":10,\"distance\":20}]},"
    "{\"work_id\":\"w2\",\"score\":0.3,\"segments\":[]}],"
    "\"style\":[{\"work_id\":\"w3\",\"score\":0.2},{\"work_id\":\"w2\",\"score\":0.8}]}",
    "{\"schema\":1,\"file\":\"s2.mp4\",\"verdict\":\"clean\",\"matches\":["
    "{\"work_id\":\"w3\",\"score\":0.4,\"segments\":[]}],\"style\":[{\"work_id\":\"w1\",\"score\":0.5}]}",
    "{\"schema\":1,\"file\":\"n1.mp4\",\"verdict\":\"match\",\"matches\":["
    "{\"work_id\":\"w2\",\"score\":0.7,\"segments\":[]}],\"style\":[{\"work_id\":\"w1\",\"score\":0.5}]}",
};

static void test_metrics(const sc_truth *t)
{
    sc_res *r = sc_res_new(t);
    sc_metrics m;
    CHECK(r != NULL);
    if (!r) return;
    for (int i = 0; i < 3; i++) CHECK_INT(sc_add_line(r, t, lines[i]), 1);
    CHECK_INT(sc_add_line(r, t, "{\"file\":\"other.mp4\",\"verdict\":\"match\"}"), 0);
    CHECK_INT(sc_add_line(r, t, "not json"), -1);
    CHECK_INT(sc_compute(&m, t, r, 0.5), 0);
    CHECK_INT(m.npairs, 12);              /* 4 suspects x 3 works */
    CHECK_INT(m.npos_pairs, 2);
    CHECK_INT(m.missing, 1);              /* n2 has no line */
    /* ranking 0.9(+) 0.7(-) 0.4(+) 0.3(-) 0...: AP = (1/1 + 2/3) / 2 */
    CHECK(NEAR(m.uap, (1.0 + 2.0 / 3.0) / 2.0));
    /* at 0.5: s1-w1 TP, n1-w2 FP (verdict match), s2-w3 missed (clean, 0.4) */
    CHECK_INT(m.tp, 1); CHECK_INT(m.fp, 1); CHECK_INT(m.fn, 1);
    CHECK(NEAR(m.precision, 0.5)); CHECK(NEAR(m.recall, 0.5)); CHECK(NEAR(m.f1, 0.5));
    CHECK(NEAR(m.r_at_p99, 0.5)); CHECK(NEAR(m.thr_at_p99, 0.9));
    CHECK(NEAR(m.best_f1, 0.8)); CHECK(NEAR(m.best_f1_thr, 0.4)); /* P 2/3, R 1 */
    CHECK_INT(m.hard_fp, 1); CHECK_INT(m.hard_n, 1);
    CHECK_INT(m.easy_fp, 0); CHECK_INT(m.easy_n, 1);
    /* truth 2-6 vs reported 3-6: 3/4 on the suspect side; 10-14 vs 11-14 */
    CHECK_INT(m.iou_s_n, 1); CHECK(NEAR(m.iou_s, 0.75));
    CHECK_INT(m.iou_r_n, 1); CHECK(NEAR(m.iou_r, 0.75));
    /* style: s1 top w2 (a == a), s2 top w1 (a != b), n1 top w1 (a == a) */
    CHECK_INT(m.style_n, 3); CHECK_INT(m.style_ok, 2);
    CHECK_INT(m.ntr, 2);
    CHECK_STR(m.tr_name[0], "hflip"); CHECK_INT(m.tr_tp[0], 1); CHECK_INT(m.tr_pos[0], 1);
    CHECK_STR(m.tr_name[1], "crop20"); CHECK_INT(m.tr_tp[1], 0); CHECK_INT(m.tr_pos[1], 1);
    cJSON *j = sc_metrics_json(&m, 0.5);
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(j, "recall_per_transform");
    CHECK(NEAR(sc_jnum(j, "uap", -1), m.uap));
    CHECK(NEAR(sc_jnum(j, "hard_negative_fp", -1), 1));
    CHECK(NEAR(sc_jnum(tr, "hflip", -1), 1.0) && NEAR(sc_jnum(tr, "crop20", -1), 0.0));
    cJSON_Delete(j);
    /* a lower threshold calls s2-w3?  No: its verdict is clean. */
    CHECK_INT(sc_compute(&m, t, r, 0.35), 0);
    CHECK_INT(m.tp, 1); CHECK_INT(m.fn, 1);
    sc_res_release(r, t);
}

/* "evaluated" restricts a suspect's pairs to the listed works plus its true
 * works (signature.sh samples false pairs). */
static void test_evaluated(const sc_truth *t)
{
    sc_res *r = sc_res_new(t);
    sc_metrics m;
    CHECK(r != NULL);
    if (!r) return;
    CHECK_INT(sc_add_line(r, t, "{\"file\":\"s1.mp4\",\"verdict\":\"match\",\"evaluated\":[\"w2\"],"
                                "\"matches\":[{\"work_id\":\"w1\",\"score\":1}]}"), 1);
    CHECK_INT(sc_compute(&m, t, r, 0.5), 0);
    CHECK_INT(m.npairs, 2 + 3 + 3 + 3);
    CHECK_INT(m.tp, 1);
    CHECK_INT(m.missing, 3);
    /* ranking 1(+) then 0s with the other true pair last: AP = (1 + 2/11) / 2 */
    CHECK(NEAR(m.uap, (1.0 + 2.0 / 11.0) / 2.0));
    sc_res_release(r, t);
}

static void test_iou(void)
{
    sc_seg truth[2] = {{0, 2, 0, 0, 0}, {4, 6, 0, 0, 0}}, rep[1] = {{1, 5, 0, 0, 0}};
    /* union 4 s, reported 4 s, overlap 1 + 1 s: 2 / 6 */
    CHECK(NEAR(sc_iou(truth, 2, rep, 1, 0), 2.0 / 6.0));
    CHECK(NEAR(sc_iou(truth, 2, rep, 1, 1), -1.0)); /* no extent on the reference side */
    CHECK(NEAR(sc_iou(truth, 2, rep, 0, 0), 0.0));
}

/* The corpus has 26 transforms: each gets its own slot; past the table's
 * size the rest share the "(other transforms)" slot. */
static void test_transform_slots(void)
{
    static char names[SC_MAX_TR + 8][16];
    sc_metrics m;
    memset(&m, 0, sizeof m);
    for (int i = 0; i < SC_MAX_TR + 8; i++) snprintf(names[i], sizeof names[i], "t%d", i);
    for (int i = 0; i < 26; i++) CHECK_INT(sc_tr_slot(&m, names[i]), i);
    CHECK_INT(sc_tr_slot(&m, "t3"), 3);
    CHECK_INT(m.ntr, 26);
    for (int i = 26; i < SC_MAX_TR - 1; i++) CHECK_INT(sc_tr_slot(&m, names[i]), i);
    CHECK_INT(sc_tr_slot(&m, names[SC_MAX_TR - 1]), SC_MAX_TR - 1);
    CHECK_INT(sc_tr_slot(&m, names[SC_MAX_TR + 5]), SC_MAX_TR - 1);
    CHECK_INT(m.ntr, SC_MAX_TR);
    CHECK_STR(m.tr_name[SC_MAX_TR - 1], "(other transforms)");
    CHECK_STR(m.tr_name[SC_MAX_TR - 2], names[SC_MAX_TR - 2]);
}

int main(void)
{
    sc_truth t;
    CHECK_INT(sc_truth_parse(&t, "not json"), -1);
    CHECK_INT(sc_truth_parse(&t, "{\"references\":[],\"suspects\":[{\"file\":\"a\","
                                 "\"positives\":[{\"work_id\":\"nope\"}]}]}"), -1);
    CHECK_INT(sc_truth_parse(&t, truth_text), 0);
    CHECK_INT(t.nrefs, 3);
    CHECK_INT(t.nsus, 4);
    test_metrics(&t);
    test_evaluated(&t);
    test_iou();
    test_transform_slots();
    sc_truth_free(&t);
    TEST_DONE("test_accuracy_score");
}
