/*
 * fuzz_resume.c — the --resume reader of `likeness scan` (lk_resume_load in
 * src/cli/scan_resume.c, compiled into this harness with the CLI files) on an arbitrary file: it must keep only well-formed 64-digit
 * content hashes, sorted, with no negative frame count (a huge one read
 * from a tampered file is 0, never a conversion out of range), and cut the
 * file back to its last whole line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include <sys/stat.h>
#include "fuzz/fuzz_helpers.h"

static char dir[] = "/tmp/lk-fuzz-resume.XXXXXX", path[64];

static void cleanup(void)
{
    fuzz_rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/r.jsonl", dir);
        atexit(cleanup);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    lk_resume done = { 0 };
    if (lk_resume_load(path, &done) == 0) {
        for (size_t i = 0; i < done.n; i++)
            if (strlen(done.v[i].hash) != 64 || !done.v[i].file || done.v[i].frames < 0 ||
                (i && strcmp(done.v[i - 1].hash, done.v[i].hash) > 0))
                abort();
        struct stat sb;
        size_t keep = size;
        while (keep && data[keep - 1] != '\n')
            keep--;
        if (stat(path, &sb) != 0 || (size_t)sb.st_size != keep)
            abort(); /* cut back to the last whole line */
    }
    lk_resume_release(&done);
    return 0;
}
