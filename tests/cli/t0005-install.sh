#!/bin/sh
# `make install` puts the binary, the static library, the headers, the man
# page, the JSON Schema of scan reports, likeness.pc and the bash, zsh and fish completions under DESTDIR/PREFIX, and a program built with
# `pkg-config --cflags --libs likeness` against them links and runs.
. tests/cli/lib.sh
: "${LK_BUILD:?run through tests/run.sh}"
make -s --no-print-directory install BUILD="$LK_BUILD" PREFIX=/opt/lk DESTDIR="$T/inst" \
    >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "make install failed"; }
R="$T/inst/opt/lk"
for f in bin/likeness lib/liblikeness.a include/likeness/likeness.h \
         share/man/man1/likeness.1 lib/pkgconfig/likeness.pc \
         share/likeness/likeness-scan.schema.json \
         share/bash-completion/completions/likeness share/zsh/site-functions/_likeness \
         share/fish/vendor_completions.d/likeness.fish; do
    [ -f "$R/$f" ] || fail "not installed: $f"
done
"$R/bin/likeness" completion bash | cmp -s - "$R/share/bash-completion/completions/likeness" ||
    fail "the installed bash completion is not what 'likeness completion bash' prints"
for h in error image simd decode features search catalog sha256 match scan report; do
    [ -f "$R/include/likeness/$h.h" ] || fail "header $h.h not installed"
done
"$R/bin/likeness" --version >/dev/null || fail "installed binary does not run"
export PKG_CONFIG_SYSROOT_DIR="$T/inst" PKG_CONFIG_PATH="$R/lib/pkgconfig"
pkg-config --libs likeness | grep -q -- '-llikeness' || fail "pkg-config --libs lacks -llikeness"
case $LK_BUILD in */san) exit 0 ;; esac # a sanitizer library needs sanitizer flags
cat >"$T/use.c" <<'C'
#include <likeness/likeness.h>
#include <stdio.h>
int main(void)
{
    lk_hash256 a = { { 1, 2, 3, 4 } }, b = { { 0, 2, 3, 4 } };
    lk_init();
    printf("%s %d\n", lk_version(), lk_hamming256(&a, &b));
    return 0;
}
C
# shellcheck disable=SC2046 # pkg-config prints a list of flags
cc "$T/use.c" $(pkg-config --cflags --libs likeness) -o "$T/use" 2>"$T/err" ||
    { cat "$T/err"; fail "cannot build against the installed library"; }
[ "$("$T/use")" = "0.1.0 1" ] || fail "program linked against the library printed '$("$T/use")'"
# A library user indexes a reference and scans a suspect with the installed
# headers and pkg-config alone.
cat >"$T/scan.c" <<'C'
#include <likeness/likeness.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    lk_errbuf err;
    lk_index *ix = NULL;
    lk_hasher *h = NULL;
    lk_ref_entries e = { 0 };
    lk_media_info info;
    lk_decode_opts dec;
    if (argc != 4)
        return 2;
    lk_init();
    lk_decode_opts_default(&dec);
    lk_index_params p = { dec.fps, dec.keyframes, dec.scene_cuts, dec.max_dim, dec.crop_borders };
    lk_index_file f = { argv[2], 0, { 0 }, 0, 0, 0, 0, 0, NULL, 0, NULL };
    lk_index_work w = { "keyart", "Other Pictures", "Tidal Lines key art", NULL, 0 };
    if (lk_index_open(&ix, argv[1], LK_INDEX_CREATE, &err) < 0 ||
        lk_index_bind_params(ix, &p, &err) < 0 || lk_hasher_new(&h) < 0 ||
        lk_ref_hash_file(argv[2], &dec, h, &e, &info, &err) < 0 ||
        lk_sha256_file(argv[2], f.sha256, &f.size, &err) < 0 ||
        (f.sampled = e.sampled, lk_index_add_file(ix, &w, &f, e.v, e.n, &err)) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    lk_ref_entries_release(&e);
    lk_hasher_free(&h);
    lk_index_close(&ix);
    lk_scan_params sp;
    lk_scanner *s = NULL;
    lk_scan_worker *wk = NULL;
    lk_scan_result r;
    lk_scan_params_default(&sp);
    if (lk_scanner_open(&s, argv[1], &sp, &err) < 0 || lk_scan_worker_new(s, &wk) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    lk_scan_file(wk, argv[3], &r);
    printf("%s %s\n", lk_verdict_name(r.verdict), r.nmatches ? r.matches[0].work_id : "-");
    lk_scan_result_release(&r);
    lk_scan_worker_free(&wk);
    lk_scanner_free(&s);
    return 0;
}
C
# shellcheck disable=SC2046 # pkg-config prints a list of flags
cc -Wall -Werror "$T/scan.c" $(pkg-config --cflags --libs likeness) -o "$T/scan" 2>"$T/err" ||
    { cat "$T/err"; fail "a scanning program does not build against the installed library"; }
out=$("$T/scan" "$T/lib.idx" "$LK_TOP/data/demo/refs/tidal-lines-keyart.png" \
      "$LK_TOP/data/demo/suspects/fan-post.jpg") || fail "the scanning program failed"
[ "$out" = "match keyart" ] || fail "the scanning program printed '$out'"
exit 0
