/*
 * json_out.c — writing one JSON value as a single write (report_internal.h).
 */
#include <string.h>
#include "common/common.h"
#include "report/report_internal.h"

int lki_json_put(FILE *fp, const char *pre, const cJSON *o, const char *post)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    if (!s)
        return LK_ENOMEM;
    size_t np = strlen(pre), n = strlen(s), nq = strlen(post);
    char *buf = lki_malloc(np + n + nq);
    if (!buf) {
        cJSON_free(s);
        return LK_ENOMEM;
    }
    memcpy(buf, pre, np);
    memcpy(buf + np, s, n);
    memcpy(buf + np + n, post, nq);
    cJSON_free(s);
    size_t len = np + n + nq;
    int bad = fwrite(buf, 1, len, fp) != len || fflush(fp) != 0;
    lki_free(buf);
    return bad ? LK_EIO : 0;
}
