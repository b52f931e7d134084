#!/bin/sh
# Failed writes, syncs, truncations, renames and links (EIO, ENOSPC) of
# the catalog, a new catalog, the search segment, the --resume file and
# evidence pictures, injected by build/shim/write_shim.so (LD_PRELOAD,
# tests/fault/write_shim.c) after the first N such calls on the file (the
# first failing write a short one): each run ends with a clean error naming
# the file (never a signal), the index still verifies and keeps every work
# stored before, a new index is either complete or absent with nothing of
# the attempt left, the resume file holds only whole lines and a later run
# completes it, and no partial evidence picture is left.
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

# the catalog (and its WAL and shared memory): a clean error naming the
# index, nothing lost
catalog() { # OPS N ERR
    restore
    LK_WRITE_FAIL="f.idx:$2:$3:$1" LD_PRELOAD="$shim" \
        run "$LIKENESS" index add --index "$ix" --owner O data/demo/refs/starfall-ep01.mp4
    case $rc in
    0) nworks=2 ;;
    2) nworks=1; grep_err "^error: $ix: "
       grep -q '^added' "$T/out" && fail "catalog $*: 'added' after a failed write" ;;
    *) cat "$T/err" >&2; fail "catalog $*: exit $rc" ;;
    esac
    expect_rc 0 "$LIKENESS" index verify --index "$ix"
    [ "$(works)" -eq "$nworks" ] || fail "catalog $*: $(works) works, expected $nworks"
}
for e in EIO ENOSPC; do
    for n in 0 1 2 4 8 16; do catalog write,fsync $n $e; done
    for n in 0 1 2 3 5; do catalog fsync $n $e; done
    for n in 0 1 2; do catalog ftruncate $n $e; done
done
# vacuum: the catalog's truncation or a sync failing is an error naming it
# (not "read-only": no fallback for a command that must write)
for spec in ftruncate:0 ftruncate:1 fsync:2 write:0; do
    restore
    LK_WRITE_FAIL="f.idx:${spec#*:}:EIO:${spec%:*}" LD_PRELOAD="$shim" \
        run "$LIKENESS" index vacuum --index "$ix"
    [ "$rc" -eq 2 ] || fail "vacuum $spec: exit $rc"
    grep_err "^error: $ix: "
    grep -q "read-only" "$T/err" && fail "vacuum $spec: $(cat "$T/err")"
    expect_rc 0 "$LIKENESS" index verify --index "$ix"
    [ "$(works)" -eq 1 ] || fail "vacuum $spec: $(works) works"
done

# a new index: complete (it verifies) or absent, never a truncated file
# linked into place (a failed checkpoint at close did that), and nothing
# of a failed attempt left beside it
fresh() { # OPS N ERR
    rm -rf "$T/new"; mkdir "$T/new"
    LK_WRITE_FAIL="new.idx:$2:$3:$1" LD_PRELOAD="$shim" \
        run "$LIKENESS" index add --index "$T/new/new.idx" --owner O data/demo/refs/tidal-lines-keyart.png
    [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "new index $*: exit $rc"
    [ "$rc" -eq 0 ] || grep_err "^error: .*$T/new/new.idx"
    ls "$T/new" | grep -q tmp && fail "new index $*: left $(ls "$T/new")"
    [ -e "$T/new/new.idx" ] || return 0
    expect_rc 0 "$LIKENESS" index verify --index "$T/new/new.idx"
}
for n in 0 4 8 12 16 20 24 28 30 32 34 36 38 40 44 48 56; do fresh write $n ENOSPC; done
for n in 0 1 2 3 4 5 6 7; do fresh fsync $n EIO; done
for n in 0 1 2 3; do fresh ftruncate $n EIO; done
fresh link 0 ENOSPC
[ ! -e "$T/new/new.idx" ] && grep_err "cannot write the index '$T/new/new.idx'" ||
    fail "new index: link failure not reported"

# the segment: not written (a write, its sync or its rename failing), kept
# in memory; the add succeeds and no temporary file is left
for spec in write:0 write:1 fsync:0 rename:0; do
    restore
    LK_WRITE_FAIL="f.idx-seg:${spec#*:}:ENOSPC:${spec%:*}" LD_PRELOAD="$shim" \
        expect_rc 0 "$LIKENESS" index add --index "$ix" --owner O data/demo/refs/starfall-ep01.mp4
    ls "$T" | grep -q 'seg\.tmp' && fail "segment $spec: temporary file left"
    expect_rc 0 "$LIKENESS" index verify --index "$ix"
    [ "$(works)" -eq 2 ] || fail "segment $spec: $(works) works"
done
# ... but vacuum, which exists to rewrite it, says so, naming the segment
restore
LK_WRITE_FAIL="f.idx-seg:0:EIO:rename" LD_PRELOAD="$shim" run "$LIKENESS" index vacuum --index "$ix"
[ "$rc" -eq 2 ] || fail "vacuum, segment rename failing: exit $rc"
grep_err "^error: cannot write the search segment '$ix-seg'"
expect_rc 0 "$LIKENESS" index verify --index "$ix"
# the scans below: two works, so that two suspects have evidence
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner O data/demo/refs/starfall-ep01.mp4

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

# a failed write whose cut fails too leaves a partial line: the next
# append cuts it off first (the cut then works), so the file stays whole
rm -f "$T/r.jsonl"
LK_WRITE_FAIL="r.jsonl:1:ENOSPC:write,ftruncate:3" LD_PRELOAD="$shim" \
    run "$LIKENESS" scan --index "$ix" --jobs 1 --resume "$T/r.jsonl" data/demo/suspects
[ "$rc" -eq 2 ] || fail "resume, cut failing: exit $rc"
grep_err "^error: cannot write the report of '.*' to '$T/r.jsonl': "
jq -e . "$T/r.jsonl" >/dev/null || fail "resume, cut failing: the file does not parse"
[ "$(jq -s length "$T/r.jsonl")" -eq 2 ] || fail "resume, cut failing: not 2 reports"
# the reader cannot cut a partial last line: an error naming the file
printf '{"file":"cut' >>"$T/r.jsonl"
LK_WRITE_FAIL="r.jsonl:0:EIO:ftruncate" LD_PRELOAD="$shim" \
    run "$LIKENESS" scan --index "$ix" --jobs 1 --resume "$T/r.jsonl" data/demo/suspects
[ "$rc" -eq 2 ] || fail "resume load, cut failing: exit $rc"
grep_err "^error: cannot cut the partial last line off '$T/r.jsonl': Input/output error"
# the final sync failing: an error naming the file, every report kept
LK_WRITE_FAIL="r.jsonl:0:EIO:fsync" LD_PRELOAD="$shim" \
    run "$LIKENESS" scan --index "$ix" --jobs 1 --resume "$T/r.jsonl" data/demo/suspects
[ "$rc" -eq 2 ] || fail "resume, sync failing: exit $rc"
grep_err "^error: cannot write '$T/r.jsonl': Input/output error"
[ "$(jq -s length "$T/r.jsonl")" -eq 3 ] || fail "resume, sync failing: not completed"

# evidence: a warning naming the picture, the verdicts kept, no partial
# file (writes, the sync or the rename failing)
for spec in write:0 write:1 fsync:0 fsync:1 rename:0 rename:1; do
    rm -rf "$T/ev"; mkdir "$T/ev"
    LK_WRITE_FAIL="/ev/:${spec#*:}:ENOSPC:${spec%:*}" LD_PRELOAD="$shim" \
        run "$LIKENESS" scan --index "$ix" --jobs 1 --evidence "$T/ev" data/demo/suspects
    [ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "evidence $spec: exit $rc"; }
    grep_err "cannot write evidence '$T/ev/"
    for f in "$T/ev"/*; do
        [ -e "$f" ] || continue
        case $f in *.png) ;; *) fail "evidence $spec: partial file $f left" ;; esac
        [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "evidence $spec: $f not a PNG"
    done
done
exit 0
