#!/bin/sh
# liblikeness.a exports only what its public headers declare (lk_*) and its
# own internal names (lki_*): a program linking it cannot collide with
# anything else of the library.
. tests/cli/lib.sh
: "${LK_BUILD:?run through tests/run.sh}"
command -v nm >/dev/null || { skip "all" "nm (binutils) not found" needs; exit 0; }
nm -g --defined-only "$LK_BUILD/liblikeness.a" 2>/dev/null | awk 'NF == 3 { print $3 }' |
    grep -v '^__' | sort -u > "$T/syms"
[ -s "$T/syms" ] || fail "no symbols read from liblikeness.a"
grep -v -e '^lk_' -e '^lki_' "$T/syms" > "$T/foreign" && { cat "$T/foreign"; fail "symbols outside lk_/lki_"; }
grep -ho 'lk_[a-z0-9_]*' "$LK_TOP"/include/likeness/*.h | sort -u > "$T/declared"
grep '^lk_' "$T/syms" | comm -23 - "$T/declared" > "$T/undeclared"
[ -s "$T/undeclared" ] && { cat "$T/undeclared"; fail "lk_ symbols that no public header declares"; }
exit 0
