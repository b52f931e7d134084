#!/bin/sh
# `likeness hash` output formats on the demo media: table, JSON, JSON Lines
# and the reference PDQ / vPDQ line formats.
. tests/cli/lib.sh
png=data/demo/refs/tidal-lines-keyart.png
jpg=data/demo/suspects/fan-post.jpg
mp4=data/demo/refs/starfall-ep01.mp4
hex64='[0-9a-f]\{64\}'

# Table: a header naming the file, then one row per frame.
expect_rc 0 "$LIKENESS" hash "$png"
grep_out "^$png  (png 640x360)"
[ "$(grep -c "$hex64" "$T/out")" -eq 1 ] || fail "a still gave other than one row"

# Reference PDQ lines: hash,quality,file for stills; a fourth field (time) for video.
expect_rc 0 "$LIKENESS" hash --format pdq "$png" "$jpg"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "pdq: expected 2 lines"
grep -q "^$hex64,[0-9]\{1,3\},$png\$" "$T/out" || fail "pdq line for png malformed"
grep -q "^$hex64,[0-9]\{1,3\},$jpg\$" "$T/out" || fail "pdq line for jpg malformed"
expect_rc 0 "$LIKENESS" hash --format pdq --fps 1 "$mp4"
n=$(grep -c "^$hex64,[0-9]\{1,3\},$mp4,[0-9]*\.[0-9]\{3\}\$" "$T/out")
[ "$n" -ge 10 ] || fail "pdq: 10 s video at 1 fps gave $n lines"
[ "$n" -eq "$(wc -l <"$T/out")" ] || fail "pdq: malformed video lines"

# vPDQ: frame,quality,hash,timestamp with times increasing.
expect_rc 0 "$LIKENESS" hash --format vpdq "$mp4"
grep -q -v "^[0-9]*,[0-9]\{1,3\},$hex64,[0-9]*\.[0-9]\{3\}\$" "$T/out" && fail "vpdq line malformed"
n=$(wc -l <"$T/out")
[ "$n" -ge 20 ] || fail "vpdq: 10 s at 2 fps gave $n lines"
cut -d, -f4 "$T/out" | sort -n -c || fail "vpdq: times not increasing"

# JSON: one document; JSON Lines: one object per frame naming its file.
expect_rc 0 "$LIKENESS" hash --json "$png" "$mp4"
jq -e '.schema == 1 and (.files | length) == 2 and .files[0].file == "'"$png"'"
       and (.files[0].frames | length) == 1 and (.files[1].frames | length) >= 20
       and (.files[1].frames[0].pdq | test("^[0-9a-f]{64}$"))
       and (.files[1].frames[0].phash | test("^[0-9a-f]{16}$"))' "$T/out" >/dev/null ||
    fail "json document malformed"
expect_rc 0 "$LIKENESS" hash --jsonl --dihedral --style "$png" "$jpg"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "jsonl: expected 2 lines"
jq -e -s 'length == 2 and .[0].file == "'"$png"'" and .[1].file == "'"$jpg"'"
          and (.[0].dihedral | length) == 8 and .[0].dihedral[0] == .[0].pdq
          and (.[0].style | length) > 0' "$T/out" >/dev/null || fail "jsonl malformed"
exit 0
