/*
 * cmd_hash.c — `likeness hash FILE...`: decode, sample and print the
 * features of every sampled frame.  One failing file does not stop the
 * others; the exit status is 2 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "likeness/likeness.h"
#include "likeness/report.h"

static const char *const usage[] = {
    "likeness hash [<options>] <file>...",
    "",
    "Prints the perceptual hashes (PDQ, pHash, dHash) of every sampled frame",
    "of each picture or video.  --format vpdq holds one video: for several, give",
    "--output-dir DIR to write DIR/NAME.txt per video (NAME: the file's name), as",
    "the reference vPDQ hasher does.  --format pdq and vpdq hash the pixels the",
    "reference hashers hash (pdq-photo-hasher, vpdq-hash-video: full size, their",
    "resize and frame conversion, no rotation, borders kept) unless --no-reference;",
    "--reference does so for the other formats too.",
    NULL,
};

static const char *const formats[] = { "table", "json", "jsonl", "pdq", "vpdq", NULL };

/* Settings of one run, filled from the command line. */
struct hash_args {
    lk_decode_opts dec;  /* sampling and decoding */
    int format;          /* enum lk_hash_format */
    int dihedral;        /* print the 8 PDQ dihedral hashes */
    int style;           /* print the style descriptor */
    int no_scene_cuts;   /* --no-scene-cuts */
    int no_crop;         /* --no-crop */
    int crop;            /* --crop (pdq, vpdq: borders are kept by default) */
    int reference;       /* --reference: the reference hashers' pixels */
    int no_reference;    /* --no-reference (pdq, vpdq: reference is the default) */
    const char *out_dir; /* --output-dir: one output file per input */
};

/* Hashes every sampled frame of one open decoder; returns 0 or LK_E*. */
static int hash_frames(lk_decoder *d, lk_hasher *h, lk_hash_writer *w, unsigned what,
                       lk_errbuf *err)
{
    lk_frame fr;
    lk_features f;
    int rc;
    while ((rc = lk_decoder_next(d, &fr, err)) > 0) {
        rc = lk_hasher_compute(h, &fr.image, what, &f);
        if (rc < 0) {
            snprintf(err->msg, sizeof err->msg, "cannot hash frame %lld: %s",
                     (long long)fr.number, lk_strerror(rc));
            return rc;
        }
        rc = lk_hash_writer_frame(w, &fr, &f);
        if (rc < 0) {
            snprintf(err->msg, sizeof err->msg, "cannot write output: %s", lk_strerror(rc));
            return rc;
        }
    }
    return rc;
}

/* Hashes one file; prints its error, if any, and returns 0 or -1. */
static int hash_file(const char *path, const lk_decode_opts *dec, lk_hasher *h,
                     lk_hash_writer *w, unsigned what)
{
    lk_errbuf err;
    lk_decoder *d = NULL;
    lk_media_info info;
    lk_errbuf_clear(&err);
    int rc = lk_decoder_open(&d, path, dec, &err);
    if (rc < 0) {
        lk_error("%s", err.msg);
        lk_hash_writer_fail(w, path, err.msg);
        return -1;
    }
    lk_decoder_info(d, &info);
    lk_hash_writer_begin(w, path, &info);
    rc = hash_frames(d, h, w, what, &err);
    if (rc < 0)
        lk_error("%s", err.msg);
    lk_hash_writer_end(w, rc < 0 ? err.msg : NULL);
    lk_decoder_free(&d);
    return rc < 0 ? -1 : 0;
}

/* --output-dir: each file hashed into its own output; the exit status. */
static int run_per_file(const struct hash_args *a, int n, char **files, unsigned what,
                        unsigned wflags, lk_hasher *h)
{
    int failed = 0;
    for (int i = 0; i < n; i++) {
        lk_hash_writer *w = NULL;
        FILE *fp = lk_open_in_dir(a->out_dir, files[i], " (two inputs of that name?)");
        if (!fp || lk_hash_writer_new(&w, fp, a->format, wflags) < 0) {
            failed++;
            if (fp)
                fclose(fp);
            continue;
        }
        failed += hash_file(files[i], &a->dec, h, w, what) < 0;
        int bad = lk_hash_writer_finish(w) < 0;
        lk_hash_writer_free(&w);
        if (fclose(fp) != 0 || bad) {
            lk_error("cannot write the hashes of '%s' into '%s'", files[i], a->out_dir);
            failed++;
        }
    }
    return failed ? LK_EXIT_ERROR : LK_EXIT_OK;
}

/* Runs the hashing of n files with settings a; returns the exit status. */
static int run(const struct hash_args *a, int n, char **files)
{
    int sharing = a->format == LK_HASHFMT_PDQ || a->format == LK_HASHFMT_VPDQ;
    unsigned what = (sharing ? LK_FEAT_PDQ : LK_FEAT_ALL) | (a->dihedral ? LK_FEAT_DIHEDRAL : 0);
    unsigned wflags = (a->dihedral ? LK_HW_DIHEDRAL : 0) | (a->style ? LK_HW_STYLE : 0);
    lk_hasher *h = NULL;
    lk_hash_writer *w = NULL;
    if (a->out_dir) {
        int status = lk_hasher_new(&h) < 0 ? LK_EXIT_ERROR
                     : run_per_file(a, n, files, what, wflags, h);
        lk_hasher_free(&h);
        return status;
    }
    if (lk_hasher_new(&h) < 0 || lk_hash_writer_new(&w, stdout, a->format, wflags) < 0) {
        lk_error("out of memory");
        lk_hasher_free(&h);
        return LK_EXIT_ERROR;
    }
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += hash_file(files[i], &a->dec, h, w, what) < 0;
    if (lk_hash_writer_finish(w) < 0) {
        lk_error("cannot write to standard output");
        failed++;
    }
    lk_hash_writer_free(&w);
    lk_hasher_free(&h);
    return failed ? LK_EXIT_ERROR : LK_EXIT_OK;
}

/* Turns the flags into decoding options: the sharing formats hash as
 * their reference hashers do (their pixels, borders kept) unless told
 * otherwise.  Prints the error of contradicting flags and returns -1. */
static int settle(struct hash_args *a)
{
    int sharing = a->format == LK_HASHFMT_PDQ || a->format == LK_HASHFMT_VPDQ;
    a->dec.scene_cuts = !a->no_scene_cuts;
    if (a->crop && a->no_crop) {
        lk_error("--crop and --no-crop contradict each other");
        return -1;
    }
    a->dec.crop_borders = sharing ? a->crop : !a->no_crop;
    if (a->reference && a->no_reference) {
        lk_error("--reference and --no-reference contradict each other");
        return -1;
    }
    a->dec.reference = a->reference || (sharing && !a->no_reference);
    if (a->dec.reference && a->dec.keyframes) {
        lk_error("--keyframes samples differently from the reference hashers");
        fputs("hint: --no-reference hashes key frames at the working size\n", stderr);
        return -1;
    }
    return 0;
}

static int cmd_hash(int argc, char **argv)
{
    struct hash_args a = { .format = LK_HASHFMT_TABLE };
    lk_decode_opts_default(&a.dec);
    const lk_option options[] = {
        LK_OPT_DOUBLE_(0, "fps", &a.dec.fps, "N", 0, 1000,
                       "sample N frames per second of video (default 2; 0: every frame)"),
        LK_OPT_FLAG_(0, "keyframes", &a.dec.keyframes, "sample key frames only"),
        LK_OPT_FLAG_(0, "no-scene-cuts", &a.no_scene_cuts,
                     "do not add the first frame after each scene cut"),
        LK_OPT_FLAG_(0, "no-crop", &a.no_crop, "keep constant borders (letterbox, pillarbox)"),
        LK_OPT_FLAG_(0, "crop", &a.crop,
                     "crop constant borders with --format pdq|vpdq too (the references do not)"),
        LK_OPT_FLAG_(0, "reference", &a.reference,
                     "hash the reference PDQ hashers' pixels (default with --format pdq|vpdq)"),
        LK_OPT_FLAG_(0, "no-reference", &a.no_reference,
                     "--format pdq|vpdq: hash at the working size, as the index does (faster)"),
        LK_OPT_INT_(0, "max-dim", &a.dec.max_dim, "N", 16, 4096,
                    "working size: scale frames down to fit NxN (default 512)"),
        LK_OPT_INT_(0, "threads", &a.dec.threads, "N", 0, 64,
                    "decoder threads (default 0: automatic)"),
        LK_OPT_CHOICE_(0, "format", &a.format, "FMT", formats,
                       "table (default), json, jsonl, pdq or vpdq"),
        LK_OPT_SETINT_(0, "json", &a.format, LK_HASHFMT_JSON, "same as --format=json"),
        LK_OPT_SETINT_(0, "jsonl", &a.format, LK_HASHFMT_JSONL, "same as --format=jsonl"),
        LK_OPT_FLAG_(0, "dihedral", &a.dihedral, "also print the 8 PDQ dihedral hashes (JSON)"),
        LK_OPT_FLAG_(0, "style", &a.style, "also print the style descriptor in hex (JSON)"),
        LK_OPT_STRING_('o', "output-dir", &a.out_dir, "DIR",
                       "write DIR/NAME.txt per input file (vpdq: one video per file)"),
        LK_OPT_END_,
    };
    int n = lk_parse_options(usage, options, argc, argv);
    if (n < 0)
        return n == -2 ? LK_EXIT_OK : LK_EXIT_ERROR;
    if (n == 0) {
        lk_error("no input files");
        lk_usage_hint(usage);
        return LK_EXIT_ERROR;
    }
    if (a.format == LK_HASHFMT_VPDQ && n > 1 && !a.out_dir) {
        lk_error("a vPDQ list holds one video, and %d files were given", n);
        fputs("hint: --output-dir DIR writes DIR/NAME.txt per video, as the reference "
              "vPDQ hasher does\n", stderr);
        return LK_EXIT_ERROR;
    }
    if (settle(&a) < 0)
        return LK_EXIT_ERROR;
    return run(&a, n, argv);
}

const lk_cmd lk_cmd_hash = { "hash", cmd_hash, "print perceptual hashes of pictures and videos", 0 };
