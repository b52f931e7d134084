/*
 * test_common.c — error codes, messages and the errbuf contract; the
 * assertion macros (LK_ALWAYS/LK_NEVER abort debug builds); hex
 * text; the atomic file writer (content, replacement, no-replace, abort, umask,
 * errors, no leftovers).
 */
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "common/common.h"
#include "common/atomic_file.h"
#include "common/hex.h"
#include "likeness/likeness.h"

/* Entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static int file_is(const char *path, const char *want)
{
    char buf[64] = { 0 };
    FILE *fp = fopen(path, "rb");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    if (fp)
        fclose(fp);
    return fp && n == strlen(want) && !memcmp(buf, want, n);
}

static unsigned mode_of(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (unsigned)(sb.st_mode & 07777) : 0;
}

static void test_atomic_file(void)
{
    char dir[] = "/tmp/lk-afile-XXXXXX", path[128], other[160];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/f.bin", dir);
    lk_errbuf err;
    lk_errbuf_clear(&err);
    mode_t old = umask(022);
    CHECK_INT(lki_write_file_atomic(path, 0666, 0, "first", 5, "the test file", &err), 0);
    CHECK(file_is(path, "first"));
    CHECK_INT(mode_of(path), 0644);
    umask(077);
    CHECK_INT(lki_write_file_atomic(path, 0666, 0, "second!", 7, "the test file", &err), 0);
    CHECK(file_is(path, "second!"));
    CHECK_INT(mode_of(path), 0600); /* the new file's mode, umask applied */
    umask(old);
    /* no-replace: refused over an existing file, which stays as it was */
    CHECK_INT(lki_write_file_atomic(path, 0644, LKI_AFILE_NOREPLACE, "x", 1, "the test file",
                                    &err), LK_EEXIST);
    CHECK(strstr(err.msg, "cannot write the test file '") && strstr(err.msg, path));
    CHECK(file_is(path, "second!"));
    snprintf(other, sizeof other, "%s/g.bin", dir);
    CHECK_INT(lki_write_file_atomic(other, 0644, LKI_AFILE_NOREPLACE, "new", 3, "g", &err), 0);
    CHECK(file_is(other, "new"));
    /* pieces, and the temporary name usable while open */
    lki_afile af;
    CHECK_INT(lki_afile_open(&af, path, 0644, 0, "f", &err), 0);
    CHECK(strncmp(af.tmp, path, strlen(path)) == 0 && access(af.tmp, F_OK) == 0);
    CHECK_INT(lki_afile_write(&af, "thi", 3, &err), 0);
    CHECK_INT(lki_afile_write(&af, "rd", 2, &err), 0);
    CHECK(file_is(path, "second!")); /* not yet in place */
    CHECK_INT(lki_afile_commit(&af, &err), 0);
    CHECK(af.path == NULL && af.tmp == NULL && af.fd == -1);
    CHECK(file_is(path, "third"));
    /* abort leaves the old file and no temporary */
    CHECK_INT(lki_afile_open(&af, path, 0644, 0, "f", &err), 0);
    CHECK_INT(lki_afile_write(&af, "junk", 4, &err), 0);
    lki_afile_abort(&af);
    lki_afile_abort(&af); /* harmless once released */
    CHECK(file_is(path, "third"));
    CHECK_INT(count_entries(dir), 2);
    /* a missing directory: LK_ENOENT naming the path, nothing created */
    snprintf(other, sizeof other, "%s/missing/f.bin", dir);
    CHECK_INT(lki_write_file_atomic(other, 0644, 0, "x", 1, "the test file", &err), LK_ENOENT);
    CHECK(strstr(err.msg, other) != NULL);
    CHECK_INT(af.fd, -1);
    /* a directory in the way of the rename: an error, temp removed */
    snprintf(other, sizeof other, "%s/sub", dir);
    CHECK_INT(mkdir(other, 0755), 0);
    CHECK(lki_write_file_atomic(other, 0644, 0, "x", 1, "the test file", &err) < 0);
    CHECK_INT(count_entries(dir), 3);
    rmdir(other);
    snprintf(other, sizeof other, "%s/g.bin", dir);
    unlink(other);
    unlink(path);
    CHECK_INT(rmdir(dir), 0);
}

/* Runs fn in a child process; returns its termination signal (0: none). */
static int child_signal(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        fclose(stderr); /* the assertion message is expected */
        fn();
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static volatile int sink;
static void never_true(void) { sink = LK_NEVER(sink == 0); }
static void always_false(void) { sink = LK_ALWAYS(sink != 0); }
static void never_false(void) { sink = LK_NEVER(sink != 0) + LK_ALWAYS(sink == 0); }

static void test_asserts(void)
{
    int evaluated = 0;
    CHECK_INT(LK_NEVER(evaluated++ > 5), 0);
    CHECK_INT(LK_ALWAYS(evaluated++ < 5), 1);
    CHECK_INT(evaluated, 2); /* plain tests, each evaluated once */
    LK_TESTCASE(evaluated++ == 2);
#ifdef NDEBUG
    CHECK_INT(evaluated, 2); /* release: no code */
#else
    CHECK_INT(evaluated, 3); /* debug: evaluated */
    /* debug builds assert the belief */
    CHECK_INT(child_signal(never_true), SIGABRT);
    CHECK_INT(child_signal(always_false), SIGABRT);
    CHECK_INT(child_signal(never_false), 0);
#endif
}

static void test_hex(void)
{
    const uint8_t bytes[5] = { 0x00, 0x9f, 0xa0, 0xff, 0x5c };
    char out[11];
    uint8_t back[5];
    memset(out, 'x', sizeof out);
    lki_hex_encode(bytes, 5, out);
    CHECK_STR(out, "009fa0ff5c");
    lki_hex_encode(bytes, 0, out);
    CHECK_STR(out, "");
    CHECK_INT(lki_hex_decode("009FA0fF5C", 5, back), 0);
    CHECK(!memcmp(back, bytes, 5));
    CHECK_INT(lki_hex_decode("009fa0ff5ctrailing", 5, back), 0); /* looks at 2n only */
    CHECK_INT(lki_hex_decode("009fa0ff5", 5, back), LK_EINVAL);  /* short: stops at NUL */
    CHECK_INT(lki_hex_decode("", 1, back), LK_EINVAL);
    CHECK_INT(lki_hex_decode("0g", 1, back), LK_EINVAL);
    CHECK_INT(lki_hex_decode("g0", 1, back), LK_EINVAL);
    CHECK_INT(lki_hex_decode(" 1", 1, back), LK_EINVAL);
    CHECK_INT(lki_hex_decode("x", 0, back), 0);
    uint8_t all[256], got[256];
    char text[513];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    lki_hex_encode(all, 256, text);
    CHECK_INT(strlen(text), 512);
    CHECK_INT(lki_hex_decode(text, 256, got), 0);
    CHECK(!memcmp(all, got, 256));
    uint8_t d[32];
    char h[65];
    memset(d, 0xab, 32);
    d[0] = 0x01;
    lk_sha256_to_hex(d, h);
    CHECK(!strncmp(h, "01abab", 6) && strlen(h) == 64);
}

int main(void)
{
    lk_errbuf e;
    lk_errbuf_clear(&e);
    CHECK_INT(e.code, 0);
    CHECK_STR(e.msg, "");
    CHECK_STR(lk_strerror(0), "success");
    CHECK_STR(lk_strerror(LK_ENOMEM), "out of memory");
    CHECK_STR(lk_strerror(LK_ESTATE), "invalid state");
    CHECK_STR(lk_strerror(LK_ERROR_MIN - 1), "unknown error");
    CHECK_STR(lk_strerror(5), "unknown error");
    for (int c = 0; c >= LK_ERROR_MIN; c--)
        CHECK(lk_strerror(c) != NULL && strcmp(lk_strerror(c), "unknown error") != 0);
    CHECK_STR(lk_version(), LK_VERSION_STRING);
    test_asserts();
    test_hex();
    test_atomic_file();
    TEST_DONE("common");
}
