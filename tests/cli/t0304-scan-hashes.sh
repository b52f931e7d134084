#!/bin/sh
# t0304-scan-hashes.sh — `scan --hashes LIST` scans shared hash lists
# without the media: a vPDQ list (one video) is one suspect named LIST and
# matches the right work with its segment at the right offset; a PDQ list
# is one still suspect per hash, named LIST:N; unrelated hashes are clean;
# media operands and hash lists mix in one report; a malformed list is an
# error naming its line, before anything is scanned; a mirrored copy is
# found through the dihedral variants estimated from each hash; --resume
# skips hash-list suspects already reported.
. tests/cli/lib.sh
ix="$T/a.idx"
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Example Studio" data/demo/refs
# A re-encoded excerpt (reference seconds 2-7) and a JPEG of the key art.
ff -ss 2 -t 5 -i data/demo/refs/starfall-ep01.mp4 -c:v libx264 -crf 28 -preset veryfast \
   -threads 1 "$T/cut.mp4"
ff -i data/demo/refs/tidal-lines-keyart.png -q:v 5 "$T/key.jpg"
[ -s "$T/cut.mp4" ] && [ -s "$T/key.jpg" ] || fail "ffmpeg could not make the copies"
expect_rc 0 "$LIKENESS" hash --format vpdq "$T/cut.mp4"
cp "$T/out" "$T/cut.vpdq"
expect_rc 0 "$LIKENESS" hash --format vpdq data/demo/suspects/unrelated-clip.mp4
cp "$T/out" "$T/other.vpdq"
expect_rc 0 "$LIKENESS" hash --format pdq "$T/key.jpg" "$T/key.jpg"
cp "$T/out" "$T/key.pdq"

run "$LIKENESS" scan --index "$ix" --jsonl --hashes "$T/cut.vpdq" --hashes "$T/other.vpdq" \
    --hashes "$T/key.pdq" data/demo/suspects/unrelated-clip.mp4
[ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "scan --hashes exited $rc, expected 1"; }
jq -s -e --arg c "$T/cut.vpdq" --arg o "$T/other.vpdq" --arg k "$T/key.pdq" '
    length == 5 and
    .[0].file == "data/demo/suspects/unrelated-clip.mp4" and .[0].verdict == "clean" and
    .[1].file == $c and .[1].verdict == "match" and .[1].duration > 4 and
    .[1].matches[0].title == "starfall-ep01.mp4" and
    (.[1].matches[0].segments | any(.suspect_start <= 1 and .suspect_end >= 3 and
        (.ref_start - .suspect_start - 2 | fabs) <= 0.5)) and
    .[2].file == $o and .[2].verdict == "clean" and
    .[3].file == ($k + ":1") and .[4].file == ($k + ":2") and
    (.[3:] | all(.verdict == "match" and .duration == 0 and .frames == 1 and
        .matches[0].title == "tidal-lines-keyart.png"))' "$T/out" >/dev/null ||
    { cat "$T/out" >&2; fail "wrong reports for the hash lists"; }

# Text report, and hash lists alone.
expect_rc 1 "$LIKENESS" scan --index "$ix" --hashes "$T/cut.vpdq"
grep_out "cut.vpdq: MATCH"

# A malformed list: an error naming the line, nothing scanned.
{ head -n 2 "$T/cut.vpdq"; echo "3,50,nothex,1.0"; } >"$T/bad.vpdq"
expect_rc 2 "$LIKENESS" scan --index "$ix" --jsonl --hashes "$T/bad.vpdq" "$T/cut.mp4"
grep_err "bad.vpdq:3: malformed vPDQ line"
[ ! -s "$T/out" ] || fail "a bad hash list still scanned: $(cat "$T/out")"
expect_rc 2 "$LIKENESS" scan --index "$ix" --hashes "$T/missing.pdq"
grep_err "missing.pdq"

# vPDQ over several videos: one file per video (as the reference hasher
# writes), never run together on standard output.
expect_rc 2 "$LIKENESS" hash --format vpdq "$T/cut.mp4" data/demo/suspects/unrelated-clip.mp4
grep_err "a vPDQ list holds one video, and 2 files were given"
mkdir "$T/h" "$T/x"
expect_rc 0 "$LIKENESS" hash --format vpdq --output-dir "$T/h" "$T/cut.mp4" \
    data/demo/suspects/unrelated-clip.mp4
cmp -s "$T/h/cut.mp4.txt" "$T/cut.vpdq" || fail "per-video vPDQ file differs from stdout's"
cmp -s "$T/h/unrelated-clip.mp4.txt" "$T/other.vpdq" || fail "second vPDQ file differs"
expect_rc 2 "$LIKENESS" hash --format vpdq --output-dir "$T/h" "$T/cut.mp4"
grep_err "cut.mp4.txt': File exists"
expect_rc 2 "$LIKENESS" index export --index "$ix" --format vpdq
grep_err "a vPDQ list holds one video, and 2 files were selected"
expect_rc 0 "$LIKENESS" index export --index "$ix" --format vpdq --output-dir "$T/x"
[ "$(ls "$T/x")" = "starfall-ep01.mp4.txt
tidal-lines-keyart.png.txt" ] || fail "export --output-dir wrote: $(ls "$T/x")"
head -n 1 "$T/x/tidal-lines-keyart.png.txt" | grep -q '^0,[0-9]*,[0-9a-f]\{64\},0.000$' ||
    fail "bad vPDQ export line"
# Each exported list scans as its own video, matching itself exactly.
expect_rc 1 "$LIKENESS" scan --index "$ix" --jsonl --hashes "$T/x/starfall-ep01.mp4.txt"
jq -e '.matches[0].title == "starfall-ep01.mp4" and .matches[0].score > 0.99' "$T/out" \
    >/dev/null || fail "exported vPDQ list does not match its work"

# Mirrored copies: each hash's 8 dihedral variants are estimated from the
# hash, so the demo's mirrored, colour-graded clip is found from its hashes
# (letterbox cropped, as the index crops its references).
expect_rc 0 "$LIKENESS" hash --format vpdq --crop data/demo/suspects/generated-clip-017.mp4
cp "$T/out" "$T/mirror.vpdq"
run "$LIKENESS" scan --index "$ix" --jsonl --hashes "$T/mirror.vpdq"
[ "$rc" -eq 1 ] || { cat "$T/out" "$T/err" >&2; fail "mirrored clip from its hashes exited $rc"; }
jq -e '.verdict == "match" and .matches[0].title == "starfall-ep01.mp4"' "$T/out" >/dev/null ||
    { cat "$T/out" >&2; fail "mirrored clip not matched from its hashes"; }

# --resume: hash-list suspects already reported are skipped (by content: a
# vPDQ list's bytes, a PDQ list entry's hash), and a copy of a list at
# another path is reported as a duplicate of the earlier report.
expect_rc 1 "$LIKENESS" scan --index "$ix" --jsonl --resume "$T/res.jsonl" --hashes "$T/cut.vpdq" \
    --hashes "$T/key.pdq"
[ "$(wc -l <"$T/res.jsonl")" -eq 3 ] || fail "resume file holds $(wc -l <"$T/res.jsonl") lines"
cp "$T/cut.vpdq" "$T/again.vpdq"
expect_rc 1 "$LIKENESS" scan --index "$ix" --jsonl --resume "$T/res.jsonl" --hashes "$T/cut.vpdq" \
    --hashes "$T/key.pdq" --hashes "$T/again.vpdq"
grep_err "3 suspects already reported, skipped"
jq -s -e --arg a "$T/again.vpdq" --arg c "$T/cut.vpdq" \
    'length == 1 and .[0].file == $a and .[0].duplicate_of == $c and .[0].verdict == "match"' \
    "$T/out" >/dev/null || { cat "$T/out" >&2; fail "resumed hash lists reported wrongly"; }
