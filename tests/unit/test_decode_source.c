/*
 * test_decode_source.c — the one reading of a media file (src/decode/source.c)
 * and what the decoder front refuses: the content hash from the decoder
 * equals lk_sha256_file() for every reader (PNG, JPEG, MP4 with its index
 * first or last, Matroska, GIF, truncated files) whether the caller reads
 * every frame, stops after the first or asks before any; the bytes read
 * stay close to the file's size; the hash rule itself on hand-made reads
 * (skips, seeks back); special files refused at once without a blocking
 * open (FIFO, /dev/zero, a directory, a socket, a loop of symbolic links)
 * while a link to a regular file is read; stop requests (a flag set by a
 * signal handler) end opening, decoding and hashing with LK_EINTR within a
 * second, in the middle of a large still too.  Media from tests/media (at $LK_MEDIA).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <turbojpeg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "test.h"
#include "likeness/likeness.h"
#include "common/common.h"
#include "decode/decode_internal.h"

static char media_dir[512], tmpdir[64];

static const char *media(const char *name)
{
    static char buf[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", media_dir, name);
    return buf[i];
}

static const char *tpath(const char *name)
{
    static char buf[4][640];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
    return buf[i];
}

enum when { AT_OPEN, AFTER_FIRST, AT_END };

/* Decodes path (frames up to `when`), then compares the decoder's content
 * hash with lk_sha256_file's; returns the number of frames read. */
static int hash_matches(const char *path, int backend, enum when when)
{
    uint8_t want[32], got[32], again[32];
    int64_t want_n = -1, got_n = -2, again_n = -3;
    lk_errbuf e;
    CHECK_INT(lk_sha256_file(path, want, &want_n, &e), 0);
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.backend = backend;
    o.fps = 0;
    lk_decoder *d = NULL;
    int rc = lk_decoder_open(&d, path, &o, &e);
    CHECK_INT(rc, 0);
    if (rc < 0) {
        printf("%s: %s\n", path, e.msg);
        return -1;
    }
    lk_frame f;
    int n = 0;
    if (when != AT_OPEN)
        while ((rc = lk_decoder_next(d, &f, &e)) == 1 && (++n < 1 || when == AT_END))
            ;
    CHECK(rc >= 0);
    CHECK_INT(lk_decoder_content_hash(d, got, &got_n, &e), 0);
    CHECK(!memcmp(got, want, 32));
    CHECK_INT(got_n, want_n);
    if (memcmp(got, want, 32))
        printf("%s (backend %d, when %d): content hash differs\n", path, backend, (int)when);
    /* Decoding goes on after the hash, and the hash stays the same. */
    if (when == AT_OPEN) {
        while (lk_decoder_next(d, &f, &e) == 1)
            n++;
        CHECK(n >= 1);
    }
    CHECK_INT(lk_decoder_content_hash(d, again, &again_n, NULL), 0);
    CHECK(!memcmp(again, want, 32) && again_n == want_n);
    lk_decoder_free(&d);
    return n;
}

static void test_content_hash(void)
{
    static const char *files[] = {
        "stills/rgb.png", "stills/interlaced.png", "stills/rgba.png", "stills/base.jpg",
        "stills/big.jpg", "stills/big.png", "stills/anim.png", "h264.mp4", "rot90.mp4",
        "vfr.mkv", "10bit.mkv", "anim.gif", "anim.apng", "trunc-h264.mp4", "trunc-vfr.mkv",
        "vp9.webm", "still.bmp", "still.tiff", "interlaced.mpg",
    };
    for (size_t i = 0; i < LK_ARRAY_SIZE(files); i++) {
        CHECK(hash_matches(media(files[i]), LK_BACKEND_AUTO, AT_END) >= 1);
        CHECK_INT(hash_matches(media(files[i]), LK_BACKEND_AUTO, AFTER_FIRST), 1);
        CHECK(hash_matches(media(files[i]), LK_BACKEND_AUTO, AT_OPEN) >= 1);
    }
    /* The same files through FFmpeg's reader. */
    CHECK_INT(hash_matches(media("stills/rgb.png"), LK_BACKEND_FFMPEG, AT_END), 1);
    CHECK_INT(hash_matches(media("stills/base.jpg"), LK_BACKEND_FFMPEG, AFTER_FIRST), 1);
    /* Frames: stopping early changes nothing about the hash, only the count. */
    CHECK_INT(hash_matches(media("h264.mp4"), LK_BACKEND_AUTO, AT_END), 100);
}

/* Bytes read from the file by the FFmpeg reader and the hash afterwards. */
static int64_t bytes_read(const char *name, int frames, int64_t *size)
{
    lki_source src;
    lk_errbuf e;
    CHECK_INT(lki_source_open(&src, media(name), NULL, &e), 0);
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.fps = 0;
    lk_media_info info;
    void *st = NULL;
    CHECK_INT(lki_backend_ffmpeg.open(&st, &src, &o, &info, &e), 0);
    lk_rawframe f;
    for (int i = 0; st && (frames < 0 || i < frames) && lki_backend_ffmpeg.next(st, &f, &e) == 1; i++)
        ;
    uint8_t sha[32], want[32];
    CHECK_INT(lki_source_digest(&src, sha, size, &e), 0);
    CHECK_INT(lk_sha256_file(media(name), want, NULL, NULL), 0);
    CHECK(!memcmp(sha, want, 32));
    int64_t n = src.bytes_read;
    lki_backend_ffmpeg.close(st);
    lki_source_close(&src);
    return n;
}

static void test_read_once(void)
{
    int64_t size = 0;
    /* Index first: one pass over the file. */
    int64_t n = bytes_read("h264.mp4", -1, &size);
    CHECK(size > 100000 && n == size);
    if (n != size)
        printf("h264.mp4: %lld bytes read of %lld\n", (long long)n, (long long)size);
    /* Index last (FFmpeg seeks to it and back): only the index is read twice. */
    n = bytes_read("rot90.mp4", -1, &size);
    CHECK(size > 100000 && n >= size && n <= size + 4096 + 65536);
    if (n < size || n > size + 4096 + 65536)
        printf("rot90.mp4: %lld bytes read of %lld\n", (long long)n, (long long)size);
    /* Stopped after a frame: what was left is read once, by the digest. */
    n = bytes_read("vfr.mkv", 1, &size);
    CHECK(n >= size && n <= size + 65536);
}

static void spit(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fwrite(b, 1, n, f), n);
        fclose(f);
    }
}

/* The hash rule on reads the test makes: forward skips, seeks back, reads
 * past the end, a digest in the middle. */
static void test_hash_rule(void)
{
    enum { N = 200000 };
    uint8_t *data = malloc(N), *buf = malloc(N), want[32], got[32];
    uint64_t seed = 7;
    for (int i = 0; i < N; i++)
        data[i] = (uint8_t)t_rand(&seed);
    spit(tpath("blob"), data, N);
    lk_sha256_ctx c;
    lk_sha256_init(&c);
    lk_sha256_update(&c, data, N);
    lk_sha256_final(&c, want);
    lki_source s;
    lk_errbuf e;
    CHECK_INT(lki_source_open(&s, tpath("blob"), NULL, &e), 0);
    CHECK_INT(s.head_n, LK_PROBE_BYTES);
    CHECK_INT(s.hashed, LK_PROBE_BYTES);
    CHECK_INT(lki_source_seek(&s, 150000, SEEK_SET), 150000);
    CHECK_INT(lki_source_read(&s, buf, 1000, &e), 1000);
    CHECK(!memcmp(buf, data + 150000, 1000));
    CHECK_INT(s.hashed, LK_PROBE_BYTES); /* a skip feeds nothing */
    CHECK_INT(lki_source_seek(&s, -100, SEEK_END), N - 100);
    CHECK_INT(lki_source_read(&s, buf, 1000, &e), 100);
    CHECK_INT(lki_source_read(&s, buf, 1000, &e), 0);
    CHECK_INT(lki_source_seek(&s, 10, SEEK_SET), 10);
    int64_t total = 0, r;
    while (total < 100000 && (r = lki_source_read(&s, buf, 30000, &e)) > 0)
        total += r;
    CHECK_INT(s.hashed, 10 + total); /* reading over the prefix extends it */
    CHECK_INT(lki_source_seek(&s, -20, SEEK_SET), LK_EINVAL);
    CHECK_INT(lki_source_seek(&s, INT64_MIN, SEEK_END), LK_EINVAL);
    CHECK_INT(lki_source_seek(&s, INT64_MAX, SEEK_END), LK_EINVAL);
    CHECK_INT(lki_source_seek(&s, 5, 99), LK_EINVAL);
    int64_t size = 0;
    CHECK_INT(lki_source_digest(&s, got, &size, &e), 0);
    CHECK(!memcmp(got, want, 32));
    CHECK_INT(size, N);
    /* Reads after the digest change nothing. */
    CHECK_INT(lki_source_seek(&s, 0, SEEK_SET), 0);
    CHECK_INT(lki_source_read(&s, buf, 5000, &e), 5000);
    CHECK_INT(lki_source_digest(&s, got, &size, &e), 0);
    CHECK(!memcmp(got, want, 32) && size == N);
    lki_source_close(&s);
    lki_source_close(&s);
    /* A file shorter than the head. */
    spit(tpath("small"), data, 100);
    CHECK_INT(lki_source_open(&s, tpath("small"), NULL, &e), 0);
    CHECK_INT(s.head_n, 100);
    CHECK_INT(lki_source_read(&s, buf, 1000, &e), 100);
    CHECK_INT(lki_source_read(&s, buf, 1000, &e), 0);
    CHECK_INT(lki_source_digest(&s, got, &size, &e), 0);
    lk_sha256_init(&c);
    lk_sha256_update(&c, data, 100);
    lk_sha256_final(&c, want);
    CHECK(!memcmp(got, want, 32) && size == 100);
    lki_source_close(&s);
    free(data);
    free(buf);
}

/* Opening path fails at once with code, the message naming it and saying want. */
static void expect_refused(const char *path, int code, const char *want)
{
    lk_decoder *d = NULL;
    lk_errbuf e;
    lk_errbuf_clear(&e);
    int rc = lk_decoder_open(&d, path, NULL, &e);
    CHECK_INT(rc, code);
    CHECK(d == NULL);
    CHECK(strstr(e.msg, path) && strstr(e.msg, want) && !strchr(e.msg, '\n'));
    if (rc != code || !strstr(e.msg, want))
        printf("%s: got %d \"%s\"\n", path, rc, e.msg);
    lk_decoder_free(&d);
}

static void test_special_files(void)
{
    alarm(60); /* a blocking open would hang here: fail instead */
    CHECK_INT(mkfifo(tpath("fifo.mp4"), 0600), 0);
    expect_refused(tpath("fifo.mp4"), LK_EFORMAT, "not a regular file");
    /* A FIFO with a writer that never writes: still refused, not read. */
    int wfd = open(tpath("fifo.mp4"), O_RDWR | O_NONBLOCK);
    CHECK(wfd >= 0);
    expect_refused(tpath("fifo.mp4"), LK_EFORMAT, "not a regular file");
    close(wfd);
    expect_refused("/dev/zero", LK_EFORMAT, "not a regular file");
    expect_refused("/dev/null", LK_EFORMAT, "not a regular file");
    expect_refused(tmpdir, LK_EISDIR, "is a directory");
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", tpath("sock.png"));
    CHECK(sfd >= 0 && bind(sfd, (struct sockaddr *)&sa, sizeof sa) == 0);
    expect_refused(tpath("sock.png"), LK_EFORMAT, "not a regular file");
    close(sfd);
    CHECK_INT(symlink(tpath("loop-b.png"), tpath("loop-a.png")), 0);
    CHECK_INT(symlink(tpath("loop-a.png"), tpath("loop-b.png")), 0);
    expect_refused(tpath("loop-a.png"), LK_ENOENT, "too many levels of symbolic links");
    CHECK_INT(symlink(tpath("nowhere.png"), tpath("dangling.png")), 0);
    expect_refused(tpath("dangling.png"), LK_ENOENT, "no such file or directory");
    /* A link to a regular file is the file. */
    char *target = realpath(media("stills/rgb.png"), NULL);
    CHECK(target && symlink(target, tpath("link.png")) == 0);
    free(target);
    CHECK_INT(hash_matches(tpath("link.png"), LK_BACKEND_AUTO, AT_END), 1);
    alarm(0);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A decode running in a thread until the end or an error. */
typedef struct job {
    const char *path;
    int rc;
    double end;
    lk_errbuf err;
} job;

static void *decode_all(void *arg)
{
    job *j = arg;
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.interrupt = &stop;
    o.fps = 0;
    o.threads = 1;
    lk_decoder *d = NULL;
    lk_frame f;
    j->rc = lk_decoder_open(&d, j->path, &o, &j->err);
    while (j->rc == 0 && (j->rc = lk_decoder_next(d, &f, &j->err)) == 1)
        j->rc = 0;
    j->end = now();
    lk_decoder_free(&d);
    return NULL;
}

/* Decodes path in a thread, signals it after 30 ms: LK_EINTR within 1 s. */
static void expect_stopped(const char *path)
{
    stop = 0;
    job j;
    memset(&j, 0, sizeof j);
    j.path = path;
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, decode_all, &j), 0);
    nanosleep(&(struct timespec){0, 30 * 1000 * 1000}, NULL);
    double t0 = now();
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    CHECK_INT(j.rc, LK_EINTR);
    CHECK(strstr(j.err.msg, path) && strstr(j.err.msg, "interrupted"));
    CHECK(j.end - t0 < 1.0);
    printf("%s: stopped %.0f ms after the signal (rc %d)\n", path, (j.end - t0) * 1e3, j.rc);
    stop = 0;
}

/* A progressive copy of big.jpg (7680x4320): slow to decode at any scale. */
static void make_progressive(const char *from, const char *to)
{
    FILE *f = fopen(from, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)n), *dst = NULL;
    CHECK_INT(fread(b, 1, (size_t)n, f), n);
    fclose(f);
    tjhandle t = tjInitTransform();
    tjtransform xf;
    memset(&xf, 0, sizeof xf);
    xf.op = TJXOP_NONE;
    xf.options = TJXOPT_PROGRESSIVE;
    unsigned long dn = 0;
    CHECK_INT(tjTransform(t, b, (unsigned long)n, 1, &dst, &dn, &xf, 0), 0);
    spit(to, dst, dn);
    tjFree(dst);
    tjDestroy(t);
    free(b);
}

static void test_interrupt(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: reads see EINTR */
    lk_decode_opts o;
    lk_decode_opts_default(&o);
    o.interrupt = &stop;
    lk_decoder *d = NULL;
    lk_errbuf e;
    /* Already set: nothing is opened. */
    static const char *files[] = {"stills/rgb.png", "stills/base.jpg", "h264.mp4", "anim.gif"};
    stop = 1;
    for (size_t i = 0; i < LK_ARRAY_SIZE(files); i++) {
        CHECK_INT(lk_decoder_open(&d, media(files[i]), &o, &e), LK_EINTR);
        CHECK(d == NULL && strstr(e.msg, "interrupted") && strstr(e.msg, files[i]));
    }
    /* Set between frames: the next frame and the rest of the hash stop. */
    stop = 0;
    CHECK_INT(lk_decoder_open(&d, media("h264.mp4"), &o, &e), 0);
    lk_frame f;
    CHECK_INT(lk_decoder_next(d, &f, &e), 1);
    stop = 1;
    CHECK_INT(lk_decoder_next(d, &f, &e), LK_EINTR);
    uint8_t sha[32];
    CHECK_INT(lk_decoder_content_hash(d, sha, NULL, &e), LK_EINTR);
    stop = 0;
    CHECK_INT(lk_decoder_content_hash(d, sha, NULL, &e), 0);
    lk_decoder_free(&d);
    /* In the middle of large stills: rows of a PNG, scans of a JPEG. */
    expect_stopped(media("stills/big.png"));
    make_progressive(media("stills/big.jpg"), tpath("big-progressive.jpg"));
    expect_stopped(tpath("big-progressive.jpg"));
}

int main(void)
{
    lk_decode_set_log_level(0);
    const char *m = getenv("LK_MEDIA");
    snprintf(media_dir, sizeof media_dir, "%s", m ? m : "build/media");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lk-source-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_hash_rule();
    test_special_files();
    test_interrupt();
    test_content_hash();
    test_read_once();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmpdir);
    TEST_DONE("decode_source");
}
