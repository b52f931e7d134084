#!/bin/sh
# Allocations FFmpeg, libjpeg, libpng and swscale make for themselves fail
# in turn (build/shim/alloc_shim.so, LD_PRELOAD, tests/fault/alloc_shim.c;
# the library's own allocations and SQLite's are test_fault's): `hash`,
# `index add` and `scan` of a JPEG (every one of libjpeg's allocations),
# `hash` of an H.264 video (a sample of its ~9,500). Each run ends in
# success or a one-line error naming the file, never a signal or a hang,
# and the index still verifies with every work stored before.  The shim
# replaces the allocator, so it runs only where the programs are not
# sanitized (ASan has its own; test_fault covers leaks there).
. tests/cli/lib.sh
shim="$LK_BUILD/shim/alloc_shim.so"
[ -f "$shim" ] || fail "missing $shim (make test-programs)"
if nm "$LIKENESS" 2>/dev/null | grep -q __asan_init; then
    skip "all" "likeness is built with ASan, whose allocator the shim cannot replace"
    exit 0
fi
jpg=data/demo/suspects/fan-post.jpg
vid=data/demo/refs/starfall-ep01.mp4
ix="$T/a.idx"
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner O data/demo/refs/tidal-lines-keyart.png
cp "$ix" "$T/base.idx"

# count WHAT CMD...: how many allocations of the libraries CMD makes
count() {
    LK_ALLOC_COUNT="$T/count" LD_PRELOAD="$shim" run "$@"
    [ "$rc" -lt 3 ] || fail "$*: exit $rc without faults"
    cat "$T/count"
}

# attempt N FILE CMD...: CMD with the Nth allocation failing
attempt() {
    n=$1 file=$2; shift 2
    LK_ALLOC_FAIL="$n" LD_PRELOAD="$shim" run timeout 120 "$@"
    case $rc in
    0|1) ;;
    2) grep -q "^error: .*$file" "$T/err" ||
           { cat "$T/err" >&2; fail "allocation $n of $*: no error naming $file"; } ;;
    124) fail "allocation $n of $*: still running after 120 s" ;;
    *) cat "$T/err" >&2; fail "allocation $n of $*: exit $rc" ;;
    esac
}

# sample TOTAL K: 1..8 and K more spread over 9..TOTAL
sample() {
    awk -v t="$1" -v k="$2" 'BEGIN { for (i = 1; i <= 8 && i <= t; i++) print i;
        for (j = 1; j <= k && t > 8; j++) print 8 + int(j * (t - 8) / k) }'
}

total=$(count "$LIKENESS" hash "$jpg")
[ "$total" -gt 0 ] || fail "no allocation of libjpeg's seen"
for n in $(seq 1 "$total"); do attempt "$n" "$jpg" "$LIKENESS" hash "$jpg"; done

# FFmpeg with one decoder thread: with frame threads, libavcodec 59
# (Debian 12) itself aborts in avcodec_free_context after some failed
# allocations (allocation 15,980 of 22,558 here), which no caller can
# handle (README, Reliability)
total=$(count "$LIKENESS" hash --threads 1 "$vid")
[ "$total" -gt 100 ] || fail "only $total allocations of FFmpeg's seen"
for n in $(sample "$total" 32); do attempt "$n" "$vid" "$LIKENESS" hash --threads 1 "$vid"; done

# index add and scan of the JPEG: every allocation of libjpeg's
total=$(count "$LIKENESS" index add --index "$ix" --owner O "$jpg")
for n in $(seq 1 "$total"); do
    rm -f "$ix" "$ix-wal" "$ix-shm" "$ix-seg"; cp "$T/base.idx" "$ix"
    attempt "$n" "$jpg" "$LIKENESS" index add --index "$ix" --owner O "$jpg"
    added=$(grep -c '^added' "$T/out")
    [ "$added" -eq 0 ] || [ "$rc" -eq 0 ] || fail "allocation $n: 'added' and exit $rc"
    expect_rc 0 "$LIKENESS" index verify --index "$ix"
    works=$("$LIKENESS" index list --index "$ix" --json | jq length)
    [ "$works" -eq $((added + 1)) ] || fail "allocation $n: $works works, $added added"
done
rm -f "$ix" "$ix-wal" "$ix-shm" "$ix-seg"; cp "$T/base.idx" "$ix"
total=$(count "$LIKENESS" scan --index "$ix" --jobs 1 "$jpg")
for n in $(seq 1 "$total"); do attempt "$n" "$jpg" "$LIKENESS" scan --index "$ix" --jobs 1 "$jpg"; done
exit 0
