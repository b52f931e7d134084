#!/bin/sh
# `likeness scan --files-from LIST --part K/N --resume PART` and
# `likeness merge --files-from LIST`: parts cover the list exactly once,
# merged they equal one scan of the list, a requeued (killed) part resumes
# by path without losing or duplicating lines (inputs of equal content
# included, errors recorded once), and merge names missing, duplicated and
# foreign inputs and refuses parts of another index.
. tests/cli/lib.sh
D=data/demo
IDX="$T/demo.idx"
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" \
    --title "Starfall (Episode 1)" --work-id starfall $D/refs/starfall-ep01.mp4
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal $D/refs/tidal-lines-keyart.png

# Suspects: the demo ones, a copy of one (same content, other path), a
# corrupt clip, a truncated one and a path that does not exist.
mkdir "$T/in"
cp $D/suspects/* "$T/in/"
cp "$T/in/fan-post.jpg" "$T/in/fan-post copy.jpg"
head -c 3000 $D/suspects/unrelated-clip.mp4 >"$T/in/truncated.mp4"
printf 'not a video at all\n' >"$T/in/corrupt.mp4"
{ find "$T/in" -type f | sort; echo "$T/in/gone.png"; } >"$T/list"
[ "$(wc -l <"$T/list")" -eq 7 ] || fail "expected 7 listed inputs"

# One process over the whole list: the reference.
expect_rc 2 "$LIKENESS" scan --index "$IDX" --jsonl --files-from "$T/list"
cp "$T/out" "$T/single.jsonl"
[ "$(wc -l <"$T/single.jsonl")" -eq 7 ] || fail "single scan: expected 7 lines"

# Three parts by position: 3 + 2 + 2 inputs, interleaved.
for k in 1 2 3; do
    run "$LIKENESS" scan --index "$IDX" -q --files-from "$T/list" --part $k/3 \
        --resume "$T/part$k.jsonl"
    [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ] || fail "part $k exited $rc"
done
[ "$(wc -l <"$T/part1.jsonl")" -eq 3 ] && [ "$(wc -l <"$T/part3.jsonl")" -eq 2 ] ||
    fail "parts are not 3, 2, 2 lines"
[ "$(jq -r .file "$T/part2.jsonl" | head -n 1)" = "$(sed -n 2p "$T/list")" ] ||
    fail "part 2 does not start with the second input"
expect_rc 0 "$LIKENESS" merge --files-from "$T/list" "$T"/part1.jsonl "$T"/part2.jsonl \
    "$T"/part3.jsonl
same_reports "$T/out" "$T/single.jsonl" || fail "merged parts differ from one scan"
[ "$(jq -r 'select(.verdict == "error") | .file' "$T/out" | wc -l)" -eq 3 ] ||
    fail "expected the 3 broken inputs as errors"

# The same list NUL-separated (find -print0), read from standard input.
tr '\n' '\0' <"$T/list" >"$T/list0"
"$LIKENESS" scan --index "$IDX" --jsonl --null --files-from - --part 2/3 <"$T/list0" \
    >"$T/p2null.jsonl" 2>/dev/null
same_reports "$T/p2null.jsonl" "$T/part2.jsonl" || fail "--null --files-from - differs"

# Requeued task: nothing left to do, the part is unchanged.
cp "$T/part1.jsonl" "$T/before"
expect_rc 0 "$LIKENESS" scan --index "$IDX" -q --files-from "$T/list" --part 1/3 \
    --resume "$T/part1.jsonl"
grep_err '3 inputs already in'
cmp -s "$T/part1.jsonl" "$T/before" || fail "a complete part changed on resume"

# Killed mid-line: the partial line is dropped and the input scanned again.
head -n 1 "$T/before" >"$T/part1.jsonl"
printf '{"schema":1,"file":"cut' >>"$T/part1.jsonl"
run "$LIKENESS" merge --files-from "$T/list" "$T"/part1.jsonl "$T"/part2.jsonl "$T"/part3.jsonl
[ "$rc" -eq 2 ] && grep_err 'partial last line' || fail "merge accepted a partial line"
run "$LIKENESS" scan --index "$IDX" -q --files-from "$T/list" --part 1/3 \
    --resume "$T/part1.jsonl"
grep_err 'partial last line'
expect_rc 0 "$LIKENESS" merge --files-from "$T/list" "$T"/part1.jsonl "$T"/part2.jsonl \
    "$T"/part3.jsonl
same_reports "$T/out" "$T/single.jsonl" || fail "merge after a resumed part differs"

# Resuming by path: an input whose content was already reported under
# another path is still scanned (a content-hash skip would lose it).
grep '/fan-post.jpg"' "$T/single.jsonl" >"$T/all.jsonl"
run "$LIKENESS" scan --index "$IDX" -q --files-from "$T/list" --resume "$T/all.jsonl"
grep_err '1 input already in'
expect_rc 0 "$LIKENESS" merge --files-from "$T/list" "$T/all.jsonl"
[ "$(wc -l <"$T/out")" -eq 7 ] || fail "resumed whole list: expected 7 lines"
grep -q 'fan-post copy.jpg' "$T/out" || fail "the copy of equal content was skipped"

# merge's checks: a part missing, a part twice, an input not in the list.
expect_rc 2 "$LIKENESS" merge --files-from "$T/list" "$T"/part1.jsonl "$T"/part2.jsonl
grep_err "unrelated-clip.mp4': missing" && grep_err '2 inputs missing, 0 duplicated'
[ "$(wc -l <"$T/out")" -eq 5 ] || fail "merge with a part missing: expected 5 lines"
expect_rc 2 "$LIKENESS" merge --files-from "$T/list" "$T"/part1.jsonl "$T"/part1.jsonl \
    "$T"/part2.jsonl "$T"/part3.jsonl
grep_err 'reported 2 times' && grep_err '0 inputs missing, 3 duplicated'
head -n 6 "$T/list" >"$T/short"
expect_rc 2 "$LIKENESS" merge --files-from "$T/short" "$T"/part1.jsonl "$T"/part2.jsonl \
    "$T"/part3.jsonl
grep_err "gone.png': not in the list"
expect_rc 0 "$LIKENESS" merge "$T"/part3.jsonl "$T"/part1.jsonl
[ "$(wc -l <"$T/out")" -eq 5 ] || fail "merge without a list: expected 5 lines"

# A part scanned against another index (or generation) is refused.
expect_rc 0 "$LIKENESS" index remove --index "$IDX" tidal
run "$LIKENESS" scan --index "$IDX" -q --files-from "$T/list" --part 3/3 \
    --resume "$T/new3.jsonl"
[ -s "$T/new3.jsonl" ] || fail "no part against the changed index"
expect_rc 2 "$LIKENESS" merge --files-from "$T/list" "$T"/part1.jsonl "$T"/part2.jsonl \
    "$T"/new3.jsonl
grep_err 'come from different indexes'
[ ! -s "$T/out" ] || fail "merge of mixed indexes wrote something"

# Standard input read twice, --part of merge without a list.
expect_rc 2 "$LIKENESS" scan --index "$IDX" --files-from - - </dev/null
grep_err 'both read standard input'
expect_rc 2 "$LIKENESS" merge --part 1/3 "$T/part1.jsonl"
grep_err 'needs --files-from'
expect_rc 0 "$LIKENESS" merge --files-from "$T/list" --part 2/3 "$T/part2.jsonl"

# Bad --part values.
for p in 0/3 4/3 3 a/b 1/0 2/3x; do
    expect_rc 2 "$LIKENESS" scan --index "$IDX" --files-from "$T/list" --part "$p"
    grep_err 'want K/N'
done
exit 0
