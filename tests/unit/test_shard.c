/*
 * test_shard.c — lk_index_shard: contiguous ranges of whole works balanced
 * by entries, every work in exactly one shard, shards that open read-only
 * with verified blobs, their own id and the parent's generation, mode
 * 0444, and the refusals (too many shards, an existing path: nothing left
 * behind).
 */
#include <sys/stat.h>
#include <unistd.h>
#include "likeness/likeness.h"
#include "test.h"

static char dir[256];
static uint64_t seed = 777;
/* entries of works w1..w6: a cut nearest thirds gives 40 | 40 | 20 */
static const size_t sizes[6] = { 40, 5, 5, 30, 10, 10 };

static void add_work(lk_index *ix, int i)
{
    lk_index_frame f[40];
    char id[16], title[32];
    snprintf(id, sizeof id, "w%d", i + 1);
    snprintf(title, sizeof title, "Work %d", i + 1);
    for (size_t k = 0; k < sizes[i]; k++) {
        memset(&f[k], 0, sizeof f[k]);
        f[k].t0 = f[k].t1 = (double)k;
        for (int w = 0; w < 4; w++)
            f[k].pdq.w[w] = t_rand(&seed);
        f[k].quality = 90;
    }
    lk_index_work w = { id, i < 3 ? "Owner A" : "Owner B", title, NULL, 0 };
    lk_index_file file = { .path = id, .size = 100 };
    memset(file.sha256, i + 1, 32);
    lk_errbuf err;
    CHECK_INT(lk_index_add_file(ix, &w, &file, f, sizes[i], &err), 0);
}

static int list_ids(const lk_index_work_info *w, void *ctx)
{
    strcat(ctx, w->work_id);
    strcat(ctx, " ");
    return 0;
}

/* Opens shard p read-only: its works, entries, blobs and identity. */
static void check_shard(const char *p, const char *works, size_t entries,
                        const lk_index_stats *parent, const lk_shard_info *info)
{
    lk_index *s = NULL;
    lk_errbuf err;
    lk_index_stats st;
    const lk_hash256 *h;
    size_t n = 0;
    char ids[64] = "";
    struct stat sb;
    CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0444);
    CHECK_INT(lk_index_open(&s, p, LK_INDEX_READONLY, &err), 0);
    if (!s)
        return;
    CHECK_INT(lk_index_list(s, list_ids, ids, &err), 0);
    CHECK_STR(ids, works);
    CHECK_INT(lk_index_hashes(s, &h, &n, &err), 0);
    CHECK_INT(n, entries);
    CHECK_INT(info->entries, entries);
    lk_index_entry e;
    for (size_t i = 0; i < n; i++)
        CHECK_INT(lk_index_entry_at(s, i, &e, &err), 0);
    CHECK_INT(lk_index_stats_get(s, &st, &err), 0);
    CHECK_INT(st.generation, parent->generation);
    CHECK_INT(info->generation, parent->generation);
    CHECK_STR(st.index_uuid, info->uuid);
    CHECK(strcmp(st.index_uuid, parent->index_uuid) != 0);
    int repairs = 0;
    CHECK_INT(lk_index_verify(s, &repairs, &err), 0);
    CHECK_INT(repairs, 0);
    lk_index_close(&s);
}

int main(void)
{
    lk_init();
    snprintf(dir, sizeof dir, "%s/likeness-shard.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    char parent[300], p[3][300], *paths[3];
    snprintf(parent, sizeof parent, "%s/parent.idx", dir);
    for (int k = 0; k < 3; k++) {
        snprintf(p[k], sizeof p[k], "%s/s%d.idx", dir, k + 1);
        paths[k] = p[k];
    }
    lk_index *ix = NULL;
    lk_errbuf err;
    lk_index_stats st;
    lk_shard_info info[7];
    CHECK_INT(lk_index_open(&ix, parent, LK_INDEX_CREATE, &err), 0);
    for (int i = 0; ix && i < 6; i++)
        add_work(ix, i);
    CHECK_INT(lk_index_stats_get(ix, &st, &err), 0);
    CHECK_INT(lk_index_shard(ix, 7, (const char *const *)paths, info, &err), LK_EINVAL);
    CHECK_INT(lk_index_shard(ix, 0, (const char *const *)paths, info, &err), LK_EINVAL);
    CHECK_INT(access(p[0], F_OK), -1);
    CHECK_INT(lk_index_shard(ix, 3, (const char *const *)paths, info, &err), 0);
    check_shard(p[0], "w1 ", 40, &st, &info[0]);
    check_shard(p[1], "w2 w3 w4 ", 40, &st, &info[1]);
    check_shard(p[2], "w5 w6 ", 20, &st, &info[2]);
    CHECK_INT(info[0].first_row, 1);
    CHECK_INT(info[0].last_row, 1);
    CHECK_INT(info[1].first_row, 2);
    CHECK_INT(info[1].last_row, 4);
    CHECK_INT(info[2].first_row, 5);
    CHECK_INT(info[2].last_row, 6);
    CHECK_INT(info[1].works, 3);
    /* shard 2's path exists: refused, and shard 1 is not left behind */
    char q[2][300], *qp[2] = { q[0], q[1] };
    snprintf(q[0], sizeof q[0], "%s/new1.idx", dir);
    snprintf(q[1], sizeof q[1], "%s", p[1]);
    CHECK_INT(lk_index_shard(ix, 2, (const char *const *)qp, info, &err), LK_EEXIST);
    CHECK(strstr(err.msg, "already exists") != NULL);
    CHECK_INT(access(q[0], F_OK), -1);
    lk_index_close(&ix);
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0);
    TEST_DONE("shard");
}
