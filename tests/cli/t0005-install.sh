#!/bin/sh
# `make install` puts the binary, the static library, the headers, the man
# page and likeness.pc under DESTDIR/PREFIX, and a program built with
# `pkg-config --cflags --libs likeness` against them links and runs.
. tests/cli/lib.sh
: "${LK_BUILD:?run through tests/run.sh}"
make -s --no-print-directory install BUILD="$LK_BUILD" PREFIX=/opt/lk DESTDIR="$T/inst" \
    >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "make install failed"; }
R="$T/inst/opt/lk"
for f in bin/likeness lib/liblikeness.a include/likeness/likeness.h \
         share/man/man1/likeness.1 lib/pkgconfig/likeness.pc; do
    [ -f "$R/$f" ] || fail "not installed: $f"
done
for h in error image simd decode features search catalog sha256 match report; do
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
exit 0
