/*
 * fuzz_resume.c — the --resume reader of `likeness scan` (load_resume in
 * src/cli/cmd_scan.c, compiled into this harness with the CLI files it
 * needs) on an arbitrary file: it must keep only well-formed 64-digit
 * content hashes, sorted, and cut the file back to its last whole line.
 */
#define main likeness_main
#include "cli/cmd_scan.c"
#undef main
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
    lk_paths done = { 0 };
    if (load_resume(path, &done) == 0) {
        for (size_t i = 0; i < done.n; i++)
            if (strlen(done.v[i]) != 64 || (i && strcmp(done.v[i - 1], done.v[i]) > 0))
                abort();
        struct stat sb;
        size_t keep = size;
        while (keep && data[keep - 1] != '\n')
            keep--;
        if (stat(path, &sb) != 0 || (size_t)sb.st_size != keep)
            abort(); /* cut back to the last whole line */
    }
    lk_paths_release(&done);
    return 0;
}
