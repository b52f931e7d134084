/*
 * bench_scale.c — the whole scan path at catalogue scale (issue 14): a
 * real 60 s suspect scanned by the likeness CLI against a synthetic index
 * of 1M and 10M entries, side by side with the same scan against a small
 * index, so that the difference is what the catalogue's size costs.
 *
 * The synthetic index is a real one (catalog, search segment, local sets),
 * made by streaming a lossless export into lk_index_import_lossless: the
 * template is SMALL (the 720p bench clip's first 30 s, indexed by
 * `likeness index add`: whole frames, views and local sets at the density
 * index add gives them), cloned file by file.  Each clone's PDQ hashes are
 * the template's XOR one random 256-bit mask of that clone (so a clone
 * keeps the template's clustering within a file, scenes and views alike,
 * and lies about 128 bits from every other clone), its local descriptors
 * the template's with every bit flipped with probability 1/4 (about 64
 * bits away: ORB-like bits stay biased as real ones are, so the voting
 * index's buckets fill as with real footage), its content hash random.
 * The 1M index keeps the local sets; the 10M one drops them (its sets
 * alone would take about 9 GB on disk and, loaded by the scanner, more
 * than this machine's memory: a finding, reported as such).  --quick: 100k
 * entries with local sets.
 *
 * Cases, each the median of 3 interleaved rounds, whole-process CPU and
 * wall seconds and peak RSS (wait4's rusage):
 *   scan-small / scan-N   likeness scan --index IDX CLIP (60 s, 720p)
 *   open-small / open-N   likeness scan --index IDX STILL (one frame): the
 *                         open and the first query
 * and derived: the scan path's cost at N (scan-N - scan-small, target
 * <= 1 s), the open and first answer (open-N - open-small wall, target
 * <= 50 ms), peak RSS against the search segment's size + 150 MB.
 * The first scan of each index is untimed (it reads the files into the page
 * cache).  The indexes are cached in the media directory under names that carry
 * the index format and feature version.
 */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "likeness/catalog.h"
#include "likeness/scan.h"

#define SCALE_ROUNDS 3

/* The template: SMALL's lossless export, one work of one file. */
typedef struct scale_tmpl {
    char *header;        /* first line */
    cJSON *file;         /* the file line, parsed */
    char **entries;      /* entry lines (with "\n") */
    size_t *pdq_at;      /* offset of each entry's PDQ hex */
    size_t nentries;
    char **locals;       /* local lines */
    size_t *data_at;     /* offset of each local line's data hex */
    size_t *ndesc;       /* descriptors in each */
    size_t nlocals;
} scale_tmpl;

typedef struct scale_gen {
    const scale_tmpl *t;
    FILE *out;
    size_t files;
    int locals;
    uint64_t seed;
    int failed;
} scale_gen;

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static int hexval(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* XORs the hex digits at s[0..2n) with the n bytes of mask. */
static void hex_xor(char *s, const uint8_t *mask, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < 2 * n; i++) {
        int nib = (mask[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        s[i] = digits[hexval(s[i]) ^ nib];
    }
}

static void tmpl_free(scale_tmpl *t)
{
    for (size_t i = 0; i < t->nentries; i++)
        free(t->entries[i]);
    for (size_t i = 0; i < t->nlocals; i++)
        free(t->locals[i]);
    free(t->entries), free(t->pdq_at), free(t->locals), free(t->data_at), free(t->ndesc);
    free(t->header);
    cJSON_Delete(t->file);
}

/* Appends line to v (grown by doubling); 0 or -1. */
static int push(char ***v, size_t **at, size_t n, char *line, size_t off)
{
    if ((n & (n - 1)) == 0) {
        size_t cap = n ? 2 * n : 1;
        char **nv = realloc(*v, cap * sizeof *nv);
        size_t *na = nv ? realloc(*at, cap * sizeof *na) : NULL;
        if (nv)
            *v = nv;
        if (!na)
            return -1;
        *at = na;
    }
    (*v)[n] = line, (*at)[n] = off;
    return 0;
}

/* Reads the export of small (through the CLI) into t; 0 or -1. */
static int tmpl_read(const char *bin, const char *small, scale_tmpl *t)
{
    char cmd[1400], *line = NULL;
    size_t cap = 0;
    ssize_t len;
    snprintf(cmd, sizeof cmd, "'%s' index export --index '%s' --format likeness", bin, small);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int bad = 0;
    while (!bad && (len = getline(&line, &cap, p)) > 0) {
        char *copy = strdup(line), *at;
        bad = !copy;
        if (bad)
            break;
        if (!t->header) {
            t->header = copy;
        } else if (strstr(copy, "\"type\":\"entry\"") && (at = strstr(copy, "\"pdq\":\""))) {
            bad = push(&t->entries, &t->pdq_at, t->nentries++, copy, (size_t)(at + 7 - copy));
        } else if (strstr(copy, "\"type\":\"local\"") && (at = strstr(copy, "\"data\":\""))) {
            /* header: width, height, count (u16 little-endian) */
            at += 8;
            size_t count = (size_t)(hexval(at[8]) << 4 | hexval(at[9])) |
                           (size_t)(hexval(at[10]) << 4 | hexval(at[11])) << 8;
            size_t *nd = realloc(t->ndesc, (t->nlocals + 1) * sizeof *nd);
            bad = !nd;
            if (!bad) {
                t->ndesc = nd, nd[t->nlocals] = count;
                bad = push(&t->locals, &t->data_at, t->nlocals++, copy, (size_t)(at + 16 - copy));
            }
        } else if (strstr(copy, "\"type\":\"file\"")) {
            bad = t->file != NULL || !(t->file = cJSON_Parse(copy));
            free(copy);
        } else {
            free(copy); /* the work and end lines are made anew */
        }
    }
    free(line);
    bad |= pclose(p) != 0;
    return bad || !t->header || !t->file || !t->nentries ? -1 : 0;
}

/* Writes one clone (work, file, entries, locals); 0 or -1. */
static int write_clone(scale_gen *g, size_t k, uint64_t *rs)
{
    const scale_tmpl *t = g->t;
    char sha[65], buf[64];
    uint8_t mask[32], dmask[32];
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 64; i++)
        sha[i] = digits[rnd(rs) >> 60];
    sha[64] = 0;
    fprintf(g->out, "{\"type\":\"work\",\"work_id\":\"syn%07zu\",\"owner\":\"Synthetic\","
            "\"title\":\"clone %zu\",\"tags\":[]}\n", k, k);
    cJSON *f = cJSON_Duplicate(t->file, 1);
    if (!f)
        return -1;
    snprintf(buf, sizeof buf, "synthetic/%07zu.mp4", k);
    cJSON_ReplaceItemInObject(f, "path", cJSON_CreateString(buf));
    cJSON_ReplaceItemInObject(f, "abs_path", cJSON_CreateNull());
    cJSON_ReplaceItemInObject(f, "sha256", cJSON_CreateString(sha));
    if (!g->locals || !t->nlocals)
        cJSON_DeleteItemFromObject(f, "locals");
    char *s = cJSON_PrintUnformatted(f);
    cJSON_Delete(f);
    if (!s)
        return -1;
    fprintf(g->out, "%s\n", s);
    free(s);
    for (int i = 0; i < 32; i++)
        mask[i] = (uint8_t)(rnd(rs) >> 56);
    for (size_t i = 0; i < t->nentries; i++) {
        char *line = t->entries[i];
        size_t n = strlen(line);
        char tmp[4096];
        if (n >= sizeof tmp)
            return -1;
        memcpy(tmp, line, n + 1);
        hex_xor(tmp + t->pdq_at[i], mask, 32);
        fwrite(tmp, 1, n, g->out);
    }
    for (size_t i = 0; g->locals && i < t->nlocals; i++) {
        size_t n = strlen(t->locals[i]);
        char *tmp = malloc(n + 1);
        if (!tmp)
            return -1;
        memcpy(tmp, t->locals[i], n + 1);
        for (size_t d = 0; d < t->ndesc[i]; d++) {
            for (int b = 0; b < 32; b++) /* each bit set with probability 1/4 */
                dmask[b] = (uint8_t)((rnd(rs) >> 56) & (rnd(rs) >> 56));
            hex_xor(tmp + t->data_at[i] + 64 * d, dmask, 32);
        }
        fwrite(tmp, 1, n, g->out);
        free(tmp);
    }
    return ferror(g->out) ? -1 : 0;
}

static void *generate(void *arg)
{
    scale_gen *g = arg;
    uint64_t rs = g->seed;
    fputs(g->t->header, g->out);
    for (size_t k = 0; k < g->files && !g->failed; k++)
        g->failed = write_clone(g, k, &rs) < 0;
    fprintf(g->out, "{\"type\":\"end\",\"works\":%zu,\"files\":%zu,\"entries\":%zu}\n",
            g->files, g->files, g->files * g->t->nentries);
    g->failed |= fclose(g->out) != 0;
    return NULL;
}

/* Makes the synthetic index at path (about n entries); 0 or -1. */
static int make_big(const scale_tmpl *t, const char *path, size_t n, int locals)
{
    int fds[2];
    lk_errbuf err;
    lk_index *ix = NULL;
    unlink(path);
    if (pipe(fds) < 0)
        return -1;
    scale_gen g = { t, fdopen(fds[1], "w"), (n + t->nentries - 1) / t->nentries, locals,
                    0x5ca1ab1e ^ n, 0 };
    FILE *in = fdopen(fds[0], "r");
    pthread_t th;
    if (!g.out || !in || pthread_create(&th, NULL, generate, &g) != 0)
        return -1;
    double t0 = bench_now();
    int rc = lk_index_open(&ix, path, LK_INDEX_CREATE, &err);
    lk_index_import_totals tot;
    if (rc == 0)
        rc = lk_index_import_lossless(ix, in, "synthetic", &tot, &err);
    const lk_hash256 *h;
    size_t nh;
    if (rc == 0) /* writes the search segment, as `index import` does */
        rc = lk_index_hashes(ix, &h, &nh, &err);
    if (rc < 0)
        fprintf(stderr, "bench_scale: %s\n", err.msg);
    char c;
    while (fread(&c, 1, 1, in) == 1) /* let the generator finish */
        ;
    pthread_join(th, NULL);
    fclose(in);
    lk_index_close(&ix);
    if (rc == 0 && !g.failed)
        fprintf(stderr, "bench_scale: %s: %lld entries in %.1f s\n", path,
                (long long)tot.entries, bench_now() - t0);
    return rc < 0 || g.failed ? -1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double med3(const double *v)
{
    double s[SCALE_ROUNDS];
    memcpy(s, v, sizeof s);
    qsort(s, SCALE_ROUNDS, sizeof *s, cmp_double);
    return s[SCALE_ROUNDS / 2];
}

/* The four commands against small and big, interleaved; 0 or -1. */
static int measure(const char *bin, const char *small, const char *big, const char *clip,
                   const char *still, size_t n, int locals)
{
    const char *argv[4][8] = {
        {bin, "scan", "--index", small, clip, NULL},
        {bin, "scan", "--index", big, clip, NULL},
        {bin, "scan", "--index", small, still, NULL},
        {bin, "scan", "--index", big, still, NULL},
    };
    double cpu[4][SCALE_ROUNDS], wall[4][SCALE_ROUNDS], rss[4][SCALE_ROUNDS], c, w, r;
    /* untimed: the background of chance hits kept, as `index add` and
     * `index import` keep it after their writes; a first scan reads the
     * index into the page cache */
    lk_errbuf err;
    if (lk_scanner_keep_background(small, &err) < 0 || lk_scanner_keep_background(big, &err) < 0)
        return fprintf(stderr, "bench_scale: %s\n", err.msg), -1;
    int st = bench_run_child(argv[3], &c, &w, &r);
    if (st != 0 && st != 1)
        return fprintf(stderr, "bench_scale: scan of %s exited %d\n", big, st), -1;
    for (int round = 0; round < SCALE_ROUNDS; round++)
        for (int i = 0; i < 4; i++) {
            st = bench_run_child(argv[i], &cpu[i][round], &wall[i][round], &rss[i][round]);
            if (st != 0 && st != 1)
                return fprintf(stderr, "bench_scale: '%s %s %s' exited %d\n", argv[i][1],
                               argv[i][3], argv[i][4], st), -1;
        }
    char seg[1100];
    struct stat sb;
    snprintf(seg, sizeof seg, "%s-seg", big);
    double seg_mb = stat(seg, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0;
    static const char *const names[4] = {"scan-small", "scan-big", "open-small", "open-big"};
    for (int i = 0; i < 4; i++)
        printf("{\"bench\":\"scale\",\"case\":\"%s %zu\",\"cmd\":\"%s scan --index %s %s\","
               "\"cpu_s\":%.3f,\"wall_s\":%.3f,\"rss_mb\":%.1f,\"rounds\":%d}\n", names[i], n,
               bin, argv[i][3], argv[i][4], med3(cpu[i]), med3(wall[i]), med3(rss[i]),
               SCALE_ROUNDS);
    double path = med3(cpu[1]) - med3(cpu[0]), open_ms = 1e3 * (med3(wall[3]) - med3(wall[2]));
    double rss_big = med3(rss[1]);
    printf("{\"bench\":\"scale\",\"case\":\"derived %zu\",\"entries\":%zu,\"local_sets\":%s,"
           "\"scan_path_cpu_s\":%.3f,\"target_s\":1.0,\"met\":%s,\"open_first_ms\":%.1f,"
           "\"target_ms\":50,\"open_met\":%s,\"segment_mb\":%.1f,\"rss_mb\":%.1f,"
           "\"rss_target_mb\":%.1f,\"rss_met\":%s}\n", n, n, locals ? "true" : "false", path,
           path <= 1.0 ? "true" : "false", open_ms, open_ms <= 50 ? "true" : "false", seg_mb,
           rss_big, seg_mb + 150, rss_big <= seg_mb + 150 ? "true" : "false");
    fflush(stdout);
    return 0;
}

int bench_scale(const bench_opts *o)
{
    char bin[600], small[700], clip[700], ref[700], still[700], cmd[3000];
    if (bench_likeness_path(bin, sizeof bin) < 0)
        return 1;
    if (bench_make_clip(o->media, 1280, 720, o->quick ? 20 : 60, clip, sizeof clip) < 0 ||
        bench_make_clip(o->media, 1280, 720, 30, ref, sizeof ref) < 0) {
        fprintf(stderr, "bench_scale: cannot make the clips (gen-clip.sh)\n");
        return 1;
    }
    snprintf(still, sizeof still, "%s/scale-still.png", o->media);
    snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y -ss 10 -i '%s' -frames:v 1 '%s'",
             clip, still);
    if (access(still, R_OK) != 0 && system(cmd) != 0)
        return fprintf(stderr, "bench_scale: cannot make %s\n", still), 1;
    snprintf(small, sizeof small, "%s/scale-small-f%d-v%d.idx", o->media,
             LK_INDEX_FORMAT_VERSION, LK_INDEX_FEATURE_VERSION);
    snprintf(cmd, sizeof cmd, "rm -f '%s'* && '%s' index add --index '%s' --owner bench '%s' "
             ">/dev/null", small, bin, small, ref);
    if (system(cmd) != 0)
        return fprintf(stderr, "bench_scale: cannot make %s\n", small), 1;
    scale_tmpl t = { 0 };
    if (tmpl_read(bin, small, &t) < 0) {
        tmpl_free(&t);
        return fprintf(stderr, "bench_scale: cannot read the export of %s\n", small), 1;
    }
    static const struct { size_t n; int locals; } full[] = {{1000000, 1}, {10000000, 0}},
                                                   quick[] = {{100000, 1}};
    size_t ncases = o->quick ? 1 : 2;
    int bad = 0;
    for (size_t i = 0; i < ncases && !bad; i++) {
        size_t n = o->quick ? quick[i].n : full[i].n;
        int locals = o->quick ? quick[i].locals : full[i].locals;
        char big[800], done[900];
        struct stat sb;
        snprintf(big, sizeof big, "%s/scale-%zu%s-f%d-v%d.idx", o->media, n,
                 locals ? "" : "-nolocal", LK_INDEX_FORMAT_VERSION, LK_INDEX_FEATURE_VERSION);
        snprintf(done, sizeof done, "%s.done", big);
        if (stat(done, &sb) != 0) {
            snprintf(cmd, sizeof cmd, "rm -f '%s'*", big);
            if (system(cmd) != 0 || make_big(&t, big, n, locals) < 0)
                bad = 1;
            else
                close(open(done, O_WRONLY | O_CREAT, 0666));
        }
        if (!bad)
            bad = measure(bin, small, big, clip, still, n, locals) < 0;
    }
    tmpl_free(&t);
    return bad;
}
