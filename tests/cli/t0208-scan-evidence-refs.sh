#!/bin/sh
# `scan --evidence` finds references indexed by relative paths from another
# directory (the catalog keeps their absolute path), and a reference that
# has changed or moved since it was indexed gives a warning naming it and no
# evidence picture, never a wrong one.
. tests/cli/lib.sh
top=$(pwd)
mkdir -p "$T/refs" "$T/ev" "$T/elsewhere"
cp data/demo/refs/tidal-lines-keyart.png "$T/refs/key.png"
cp data/demo/suspects/fan-post.jpg "$T/fan.jpg"
(cd "$T" && "$LIKENESS" index add --index t.idx --owner O --title Key refs/key.png) \
    >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "index add failed"; }

# from another directory: the relative path does not resolve, the absolute one does
cd "$T/elsewhere" || fail "cd"
expect_rc 1 "$LIKENESS" scan --index ../t.idx --evidence ../ev --jsonl ../fan.jpg
jq -e '.matches[0].segments[0].evidence | test("\\.png$")' "$T/out" >/dev/null ||
    { cat "$T/out" "$T/err"; fail "no evidence from another directory"; }
[ -s "$(jq -r '.matches[0].segments[0].evidence' "$T/out")" ] || fail "evidence file missing"
[ -s "$T/err" ] && { cat "$T/err"; fail "unexpected warnings"; }

# changed content: a warning, the match still reported, no evidence
rm -f "$T"/ev/*
printf 'x' >> "$T/refs/key.png"
expect_rc 1 "$LIKENESS" scan --index ../t.idx --evidence ../ev --jsonl ../fan.jpg
grep_err "reference '.*key.png' has changed since it was indexed"
jq -e '.verdict == "match" and (.matches[0].segments[0] | has("evidence") | not)' "$T/out" \
    >/dev/null || { cat "$T/out"; fail "evidence made from a changed reference"; }
[ -z "$(ls "$T/ev")" ] || fail "an evidence picture was written"

# moved away: a warning naming it
mv "$T/refs/key.png" "$T/moved.png"
expect_rc 1 "$LIKENESS" scan --index ../t.idx --evidence ../ev --jsonl ../fan.jpg
grep_err "reference 'refs/key.png' has moved or was removed since it was indexed"
cd "$top" || fail "cd"
exit 0
