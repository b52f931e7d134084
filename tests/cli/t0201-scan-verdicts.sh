#!/bin/sh
# `likeness scan` on the demo: verdicts, aligned time ranges, exit codes,
# output formats (text with its summary line, JSON, CSV), errors inside a
# batch, stdin lists, evidence pictures.
. tests/cli/lib.sh
D=data/demo
IDX="$T/demo.idx"
clip=$D/suspects/generated-clip-017.mp4
other=$D/suspects/unrelated-clip.mp4
grab=$D/suspects/fan-post.jpg

expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" \
    --title "Starfall (Episode 1)" --work-id starfall-ep01 $D/refs/starfall-ep01.mp4
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal-lines $D/refs/tidal-lines-keyart.png

# A mirrored, graded, letterboxed excerpt is a match with the right times.
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl "$clip"
jq -e '.schema == 1 and .verdict == "match" and .file == "'"$clip"'"
       and .matches[0].work_id == "starfall-ep01" and .matches[0].owner == "Example Studio"
       and .matches[0].score >= 0.5 and .matches[0].score <= 1
       and (.matches[0].segments[0] | (.suspect_start - 2 | fabs) <= 1
            and (.suspect_end - 5.5 | fabs) <= 1 and (.ref_start - 1.5 | fabs) <= 1
            and (.ref_end - 5.5 | fabs) <= 1 and .frames >= 4)' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "the excerpt was not matched with its time ranges"; }

# The chance of the match: in JSON as a number, in the text report in words;
# --max-false-rate sets the same threshold as --match-score, in chance terms.
jq -e '.matches[0].chance < 1e-6 and .matches[0].segments[0].chance < 1e-6
       and .matches[0].segments[0].llr > 0' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "no chance rate in the JSON"; }
expect_rc 1 "$LIKENESS" scan --index "$IDX" --max-false-rate 1e-6 "$clip"
grep_out 'chance match: about 1 in '
expect_rc 0 "$LIKENESS" scan --index "$IDX" --max-false-rate 1e-300 "$clip"
grep_out "^$clip: CLEAN"
expect_rc 2 "$LIKENESS" scan --index "$IDX" --max-false-rate 0.01 --match-score 0.5 "$clip"
grep_err 'give one'

# Unrelated footage is clean; exit 0.
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl "$other"
jq -e '.verdict == "clean" and (.matches | length) == 0' "$T/out" >/dev/null || fail "unrelated not clean"

# Text report: verdict, title, owner, timecodes on both sides.
expect_rc 1 "$LIKENESS" scan --index "$IDX" "$clip"
grep_out "^$clip: MATCH"
grep_out '"Starfall (Episode 1)" (Example Studio)'
grep_out 'suspect 00:00:0[1-3]\.[0-9]*-00:00:0[4-6]\.[0-9]*  <->  reference 00:00:0[0-2]'
grep_out 'mirrored'
grep_out 'frames, \(distance [0-9.]* of 256 bits\|found by local features\)'
grep_out 'region: suspect .* <->  reference .*, [0-9]* inliers'
run env NO_COLOR= "$LIKENESS" scan --index "$IDX" "$clip"
# A still has no time range; a run ends with a summary line.
expect_rc 1 "$LIKENESS" scan --index "$IDX" "$grab" "$other"
grep_out '^      suspect picture  <->  reference picture  \(distance\|found by local features\)'
grep_out '^2 suspects scanned: 1 match, 1 clean$'
# --csv: a header, then a row per segment (and one for a clean suspect).
expect_rc 1 "$LIKENESS" scan --index "$IDX" --csv "$clip" "$other"
[ "$(wc -l <"$T/out")" -eq 3 ] || { cat "$T/out"; fail "--csv: expected 3 rows"; }
head -n 1 "$T/out" | grep -q '^file,verdict,kind,work_id,title,owner,work_score,segment,' ||
    fail "--csv header"
grep -q "^$clip,match,copy,starfall-ep01,Starfall (Episode 1),Example Studio," "$T/out" ||
    fail "--csv copy row"
grep -q "^$other,clean,none," "$T/out" || fail "--csv clean row"
grep -q "$(printf '\033')" "$T/out" && fail "colour codes on a pipe"

# --fail-on: never -> 0 even with a match; the JSON array holds every suspect.
expect_rc 0 "$LIKENESS" scan --index "$IDX" --fail-on never --json "$clip" "$other" "$grab"
jq -e 'length == 3 and .[0].verdict == "match" and .[1].verdict == "clean"
       and ([.[].file] == ["'"$clip"'", "'"$other"'", "'"$grab"'"])' "$T/out" >/dev/null ||
    fail "json array malformed"
expect_rc 0 "$LIKENESS" scan --index "$IDX" --fail-on match "$other"

# An error inside a batch: reported on its own line, the rest still scanned, exit 2.
expect_rc 2 "$LIKENESS" scan --index "$IDX" --jsonl "$clip" "$T/missing.mp4" "$other"
[ "$(wc -l <"$T/out")" -eq 3 ] || fail "batch with an error: expected 3 lines"
jq -e -s '.[0].verdict == "match" and .[1].verdict == "error" and .[1].file == "'"$T/missing.mp4"'"
          and (.[1].error | test("missing.mp4")) and .[2].verdict == "clean"' "$T/out" >/dev/null ||
    fail "error line malformed"
grep_err "^error: .*missing.mp4"

# --quiet: nothing on stdout in text mode, errors still on stderr.
expect_rc 1 "$LIKENESS" scan --index "$IDX" -q "$clip" "$other"
[ -s "$T/out" ] && fail "--quiet printed a report"
expect_rc 2 "$LIKENESS" scan --index "$IDX" -q "$T/missing.mp4"
grep_err 'missing.mp4'

# Directories are walked; '-' reads paths from stdin, -0 NUL-separated.
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl $D/suspects
[ "$(wc -l <"$T/out")" -eq 3 ] || fail "directory walk: expected 3 suspects"
printf '%s\n%s\n' "$clip" "$other" | "$LIKENESS" scan --index "$IDX" --jsonl - >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && [ "$(wc -l <"$T/out")" -eq 2 ] || fail "stdin list"
printf '%s\0%s\0' "$clip" "$other" | "$LIKENESS" scan --index "$IDX" --jsonl -0 - >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && [ "$(wc -l <"$T/out")" -eq 2 ] || fail "NUL-separated stdin list"

# --evidence: a labelled side-by-side PNG per matched segment, recorded in the report.
umask 022
mkdir "$T/ev"
expect_rc 1 "$LIKENESS" scan --index "$IDX" --jsonl --evidence "$T/ev" "$clip"
ev=$(jq -r '.matches[0].segments[0].evidence' "$T/out")
[ -f "$ev" ] || fail "evidence picture missing: $ev"
[ "$(head -c 8 "$ev" | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ] || fail "evidence is not a PNG"
[ "$(stat -c %a "$ev")" = 644 ] || fail "evidence mode $(stat -c %a "$ev") under umask 022"
grep -q 'Suspect SHA-256' "$ev" || fail "evidence picture lacks its text chunks"
# --evidence creates a missing directory, with its parents, following the umask.
(umask 027; "$LIKENESS" scan --index "$IDX" --jsonl --evidence "$T/new/ev" "$grab" >"$T/out" 2>"$T/err")
ev=$(jq -r '.matches[0].segments[0].evidence' "$T/out")
[ -f "$ev" ] && [ "$(stat -c %a "$T/new/ev")" = 750 ] && [ "$(stat -c %a "$ev")" = 640 ] ||
    fail "--evidence did not create its directory with the umask's modes"

# A missing index is an error naming it; $LIKENESS_INDEX names the default.
expect_rc 2 "$LIKENESS" scan --index "$T/none.idx" "$clip"
grep_err "none.idx"
LIKENESS_INDEX="$IDX" expect_rc 1 "$LIKENESS" scan -q "$clip"
exit 0
