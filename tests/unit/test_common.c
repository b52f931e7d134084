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
#include "common/escape.h"
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

/* The escaped form of s, in a static buffer. */
static const char *esc(const char *s)
{
    static char buf[256];
    size_t n = lki_escape_text(s, buf, sizeof buf);
    CHECK(n == strlen(buf));
    return buf;
}

static void test_escape(void)
{
    /* plain ASCII and valid UTF-8 (CJK, emoji, combining mark) are kept */
    CHECK_STR(esc("plain title.mp4"), "plain title.mp4");
    CHECK_STR(esc("\xe6\x98\xa0\xe7\x94\xbb \xe5\x90\x8d"), "\xe6\x98\xa0\xe7\x94\xbb \xe5\x90\x8d");
    CHECK_STR(esc("\xf0\x9f\x8e\xac e\xcc\x81"), "\xf0\x9f\x8e\xac e\xcc\x81");
    CHECK_STR(esc(""), "");
    CHECK_STR(esc(NULL), "");
    /* C0 controls, the short forms, backslash, DEL */
    CHECK_STR(esc("a\nb\tc\rd"), "a\\nb\\tc\\rd");
    CHECK_STR(esc("\x1b[2J\x01\x1f"), "\\x1b[2J\\x01\\x1f");
    CHECK_STR(esc("back\\slash"), "back\\\\slash");
    CHECK_STR(esc("del\x7f"), "del\\x7f");
    CHECK_STR(esc("owner\nFAKE: MATCH"), "owner\\nFAKE: MATCH");
    /* C1 controls (U+0080..U+009F, e.g. U+009B CSI): both bytes escaped;
     * U+00A0 is not a control and stays */
    CHECK_STR(esc("x\xc2\x9b" "2J\xc2\x85"), "x\\xc2\\x9b" "2J\\xc2\\x85");
    CHECK_STR(esc("\xc2\xa0"), "\xc2\xa0");
    /* invalid UTF-8: lone bytes, continuation, overlong, surrogate,
     * beyond U+10FFFF, truncated sequence */
    CHECK_STR(esc("a\xff" "b\x9b"), "a\\xffb\\x9b");
    CHECK_STR(esc("\xc0\xaf"), "\\xc0\\xaf");
    CHECK_STR(esc("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
    CHECK_STR(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");
    CHECK_STR(esc("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
    CHECK_STR(esc("\xe6\x98"), "\\xe6\\x98");
    CHECK_STR(esc("\xe6\x98" "A"), "\\xe6\\x98" "A");
    CHECK(lki_utf8_valid("\xe6\x98\xa0 ok"));
    CHECK(!lki_utf8_valid("bad\xff"));
    CHECK(lki_utf8_valid(""));
    /* the length is that of the whole form; truncation never splits an
     * escape, and n = 0 writes nothing */
    char small[6] = "zzzzz";
    CHECK_INT(lki_escape_text("ab\x1b" "c", NULL, 0), 7);
    CHECK_INT(lki_escape_text("ab\x1b" "c", small, sizeof small), 7);
    CHECK_STR(small, "ab");
    CHECK_INT(lki_escape_text("\x1b", small, 1), 4);
    CHECK_STR(small, "");
    /* no byte of any escaped output is a control or invalid */
    char all[256], out[1024];
    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    all[255] = '\0';
    CHECK_INT(lki_escape_text(all, out, sizeof out), strlen(out));
    int raw = 0;
    for (const char *p = out; *p; p++)
        raw += (unsigned char)*p < 0x20 || *p == 0x7f || (unsigned char)*p >= 0x80;
    CHECK_INT(raw, 0);
    /* the FILE* writer gives the same bytes */
    char *mem = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&mem, &len);
    CHECK(fp && lki_escape_fputs("t\x1b\xff\xe6\x98\xa0", fp) == 0);
    if (fp)
        fclose(fp);
    CHECK_STR(mem, "t\\x1b\\xff\xe6\x98\xa0");
    free(mem);
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
    test_escape();
    test_atomic_file();
    TEST_DONE("common");
}
