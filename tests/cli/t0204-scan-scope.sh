#!/bin/sh
# `likeness scan` scoping (--work, --owner, --tag) and listing candidates
# (--min-score) apart from the match threshold (--match-score).
. tests/cli/lib.sh
D=data/demo
IDX="$T/demo.idx"
clip=$D/suspects/generated-clip-017.mp4
grab=$D/suspects/fan-post.jpg

expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" \
    --title "Starfall (Episode 1)" --work-id starfall-ep01 --tag season=1 --tag lang=ja \
    $D/refs/starfall-ep01.mp4
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal-lines $D/refs/tidal-lines-keyart.png

# Out of scope, a copy is not found, nor ranked by style.
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl --owner "Other Pictures" "$clip"
jq -e '.verdict == "clean" and (.matches | length) == 0 and
       ([.style[].work_id] | index("starfall-ep01") == null)' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "--owner did not restrict the scan"; }
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --owner "Other Pictures" "$grab"
jq -e '.verdict == "match" and .matches[0].work_id == "tidal-lines"' "$T/out" >/dev/null ||
    fail "--owner dropped a work in scope"
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --tag season=1 "$clip"
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl --tag lang=ja "$grab"
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --work starfall-ep01 --work tidal-lines "$grab"
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl --work starfall-ep01 "$grab"

# A scope naming nothing is an error, never an "all clean" scan.
expect_rc 2 "$LIKENESS" scan --index "$IDX" --work nosuch "$grab"
grep_err "no work 'nosuch'"
[ ! -s "$T/out" ] || fail "a bad scope printed reports"
expect_rc 2 "$LIKENESS" scan --index "$IDX" --owner "Exmple Studio" "$grab"
grep_err "no work of owner 'Exmple Studio'"
expect_rc 2 "$LIKENESS" scan --index "$IDX" --tag season=2 "$grab"
grep_err "no work tagged 'season=2'"
expect_rc 2 "$LIKENESS" scan --index "$IDX" --tag lang=ja --work tidal-lines "$grab"
grep_err 'no work has all of'
expect_rc 2 "$LIKENESS" scan --index "$IDX" --tag season "$grab"
grep_err "tag 'season' is not key=value"

# --min-score 0 lists every candidate without changing verdicts or the exit status.
expect_rc 1 "$LIKENESS" scan --index "$IDX" --json $D/suspects
cp "$T/out" "$T/default.json"
expect_rc 1 "$LIKENESS" scan --index "$IDX" --json --min-score 0 $D/suspects
jq -e --slurpfile d "$T/default.json" '[.[].verdict] == [$d[0][].verdict] and
       ([.[].style | length] | add) > ([$d[0][].style | length] | add)' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "--min-score 0 changed verdicts or listed nothing more"; }

# A listed work below --match-score is a candidate: listed, not a match
# (the match score is set halfway between the grab's score and 1).
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl "$grab"
above=$(jq -r '(.matches[0].score + 1) / 2' "$T/out")
jq -e '.matches[0].score < 0.999' "$T/out" >/dev/null || fail "the grab scores 1: no room above"
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl --min-score 0 --match-score "$above" "$grab"
jq -e '.verdict != "match" and .matches[0].work_id == "tidal-lines" and
       .matches[0].candidate == true' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "a candidate below --match-score"; }
expect_rc 0 "$LIKENESS" scan --index "$IDX" --min-score 0 --match-score "$above" "$grab"
grep_out 'candidate: below the match score'
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl "$grab"
jq -e '.matches[0].candidate == false' "$T/out" >/dev/null || fail "a match marked as candidate"
# --min-score above the match score hides weaker matches, as before.
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl --min-score "$above" "$grab"
jq -e '.verdict != "match" and (.matches | length) == 0' "$T/out" >/dev/null ||
    fail "--min-score $above still lists a weaker match"
exit 0
