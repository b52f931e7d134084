/*
 * region_out.c — the matched regions of a segment (lk_scan_region_match:
 * a frame match verified by local features) in the text and JSON reports.
 *
 * Boxes are fractions of each frame; the text gives them in per cent
 * (x,y of the top-left corner, then w x h), JSON as numbers in [0,1]
 * rounded to 1e-4.
 */
#include <math.h>
#include <stdio.h>
#include "common/common.h"
#include "likeness/report.h"
#include "report/report_internal.h"

static double round4(double v)
{
    return round(v * 1e4) / 1e4;
}

static cJSON *box_json(const float b[4])
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "x", round4(b[0]));
    cJSON_AddNumberToObject(o, "y", round4(b[1]));
    cJSON_AddNumberToObject(o, "w", round4(b[2]));
    cJSON_AddNumberToObject(o, "h", round4(b[3]));
    return o;
}

void lki_region_json(cJSON *seg, const lk_scan_region_match *r)
{
    if (!seg || !r || r->inliers <= 0)
        return;
    cJSON *o = cJSON_AddObjectToObject(seg, "region");
    if (!o)
        return;
    cJSON_AddNumberToObject(o, "inliers", r->inliers);
    cJSON_AddItemToObject(o, "suspect", box_json(r->sus));
    cJSON_AddItemToObject(o, "reference", box_json(r->ref));
    cJSON_AddNumberToObject(o, "scale", round4(r->scale));
    cJSON_AddBoolToObject(o, "mirror", r->mirror != 0);
    cJSON_AddNumberToObject(o, "suspect_time", round(r->s_time * 1e3) / 1e3);
    cJSON_AddNumberToObject(o, "ref_time", round(r->r_time * 1e3) / 1e3);
}

void lki_region_print(FILE *fp, const lk_scan_region_match *r)
{
    if (!r || r->inliers <= 0)
        return;
    fprintf(fp, "      region: suspect %.0f%%,%.0f%% %.0fx%.0f%%  <->  reference %.0f%%,%.0f%% "
            "%.0fx%.0f%%, scale %.2f%s, %d inliers\n",
            100 * r->sus[0], 100 * r->sus[1], 100 * r->sus[2], 100 * r->sus[3],
            100 * r->ref[0], 100 * r->ref[1], 100 * r->ref[2], 100 * r->ref[3], r->scale,
            r->mirror ? ", mirrored" : "", r->inliers);
}
