#!/bin/sh
# Failed writes (EIO, ENOSPC) of the catalog, the search segment, the
# --resume file and evidence pictures, injected by build/shim/write_shim.so
# (LD_PRELOAD, tests/fault/write_shim.c) after the first N writes of the
# file: each run ends with a clean error naming the file (never a signal),
# the index still verifies and keeps every work stored before, the resume
# file holds only whole lines and a later run completes it, and no partial
# evidence picture is left.
. tests/cli/lib.sh
shim="$LK_BUILD/shim/write_shim.so"
[ -f "$shim" ] || fail "missing $shim (make test-programs)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
faulty() { LK_WRITE_FAIL="$1" LD_PRELOAD="$shim" "$@"; }
ix="$T/f.idx"
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner O data/demo/refs/tidal-lines-keyart.png
cp "$ix" "$T/base.idx"
works() { "$LIKENESS" index list --index "$ix" --json | jq length; }
restore() { rm -f "$ix" "$ix-wal" "$ix-shm" "$ix-seg"; cp "$T/base.idx" "$ix"; }

# the catalog (and its WAL): a clean error naming the index, nothing lost
for n in 0 1 2 4 8 16; do
    for e in EIO ENOSPC; do
        restore
        LK_WRITE_FAIL="f.idx:$n:$e" LD_PRELOAD="$shim" \
            run "$LIKENESS" index add --index "$ix" --owner O data/demo/refs/starfall-ep01.mp4
        case $rc in
        0) nworks=2 ;;
        2) nworks=1; grep_err "$ix"
           grep -q '^added' "$T/out" && fail "catalog $n $e: 'added' after a failed write" ;;
        *) cat "$T/err" >&2; fail "catalog $n $e: exit $rc" ;;
        esac
        expect_rc 0 "$LIKENESS" index verify --index "$ix"
        [ "$(works)" -eq "$nworks" ] || fail "catalog $n $e: $(works) works, expected $nworks"
    done
done

# the segment: not written, kept in memory; the add succeeds
for n in 0 1; do
    restore
    LK_WRITE_FAIL="f.idx-seg:$n:ENOSPC" LD_PRELOAD="$shim" \
        expect_rc 0 "$LIKENESS" index add --index "$ix" --owner O data/demo/refs/starfall-ep01.mp4
    expect_rc 0 "$LIKENESS" index verify --index "$ix"
    [ "$(works)" -eq 2 ] || fail "segment $n: $(works) works"
done

# the resume file: errors per report, whole lines only, completed later
for n in 0 1 2; do
    for e in EIO ENOSPC; do
        rm -f "$T/r.jsonl"
        LK_WRITE_FAIL="r.jsonl:$n:$e" LD_PRELOAD="$shim" \
            run "$LIKENESS" scan --index "$ix" --jobs 1 --resume "$T/r.jsonl" data/demo/suspects
        [ "$rc" -lt 3 ] || fail "resume $n $e: exit $rc"
        [ "$n" -ge 3 ] || grep_err "cannot write the report"
        jq -e . "$T/r.jsonl" >/dev/null 2>&1 || [ ! -s "$T/r.jsonl" ] ||
            fail "resume $n $e: the file does not parse"
        run "$LIKENESS" scan --index "$ix" --jobs 1 --resume "$T/r.jsonl" data/demo/suspects
        [ "$rc" -lt 3 ] || fail "resume $n $e: rerun exit $rc"
        [ "$(jq -s length "$T/r.jsonl")" -eq 3 ] || fail "resume $n $e: not completed"
    done
done

# evidence: a warning naming the picture, the verdicts kept, no partial file
for n in 0 1 3; do
    rm -rf "$T/ev"; mkdir "$T/ev"
    LK_WRITE_FAIL="/ev/:$n:ENOSPC" LD_PRELOAD="$shim" \
        run "$LIKENESS" scan --index "$ix" --jobs 1 --evidence "$T/ev" data/demo/suspects
    [ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "evidence $n: exit $rc"; }
    grep_err "cannot write evidence"
    for f in "$T/ev"/*; do
        [ -e "$f" ] || continue
        case $f in *.png) ;; *) fail "evidence $n: partial file $f left" ;; esac
        [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "evidence $n: $f not a PNG"
    done
done
exit 0
