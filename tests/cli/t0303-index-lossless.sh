#!/bin/sh
# t0303-index-lossless.sh — `index export --format likeness` then `index
# import` into a new index loses nothing a scan reads: the same works
# (ids, owners, titles, tags), files, entries and views, so scanning the
# demo suspects and a 20% crop and a 9:16 reframing (which match only
# through stored views) gives the same report against both indexes; a
# second export is byte-identical to the first.  Bad lines are refused
# with the file and line number, a feature or parameter version mismatch
# with a clear message, and a refused import adds nothing.
. tests/cli/lib.sh
a="$T/a.idx" b="$T/b.idx" x="$T/a.likeness"
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }
enc="-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -threads 1"
ref="$T/pan-ref.mp4"
pan_reference "$ref" 480 270
ff -ss 2 -t 6 -i "$ref" -vf "crop=iw*0.8:ih*0.8,scale=480:270" $enc "$T/crop.mp4"
ff -ss 2 -t 6 -i "$ref" -vf "crop=ih*9/16:ih,scale=360:640" $enc "$T/vertical.mp4"
[ -s "$T/crop.mp4" ] && [ -s "$T/vertical.mp4" ] || fail "ffmpeg could not make the copies"

expect_rc 0 "$LIKENESS" index add --index "$a" --owner "Tidal Studio" --work-id pan \
    --tag year=2024 --tag "genre=sci, fi" "$ref"
expect_rc 0 "$LIKENESS" index add --index "$a" --owner "Example Studio" data/demo/refs
expect_rc 0 "$LIKENESS" index export --index "$a" --format likeness
cp "$T/out" "$x"
head -n 1 "$x" | jq -e '.likeness_export == 1 and .feature_version == 2 and .params.fps == 4' \
    >/dev/null || fail "bad export header: $(head -n 1 "$x")"
tail -n 1 "$x" | jq -e '.type == "end" and .works == 3 and .files == 3' >/dev/null ||
    fail "bad end line: $(tail -n 1 "$x")"

expect_rc 0 "$LIKENESS" index import --index "$b" "$x"
grep_out "imported 3 works, 3 files"
expect_rc 0 "$LIKENESS" index verify --index "$b"
expect_rc 0 "$LIKENESS" index export --index "$b" --format likeness
cmp -s "$T/out" "$x" || fail "the re-export of the imported index differs"
for i in "$a" "$b"; do
    expect_rc 0 "$LIKENESS" index list --index "$i"
    cp "$T/out" "$i.list"
done
cmp -s "$a.list" "$b.list" || fail "index list differs after the round trip"

for i in "$a" "$b"; do
    run "$LIKENESS" scan --index "$i" --jsonl data/demo/suspects "$T/crop.mp4" "$T/vertical.mp4"
    [ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "scan against $i exited $rc, expected 1"; }
    jq -S -c 'del(.run)' "$T/out" >"$i.scan" || fail "scan output is not JSON Lines"
done
cmp -s "$a.scan" "$b.scan" || { diff "$a.scan" "$b.scan" >&2; fail "scans differ"; }
jq -s -e 'length == 5' "$a.scan" >/dev/null || fail "expected 5 suspects"
jq -s '.' "$a.scan" >"$T/copies.json"
for f in crop vertical; do
    expect_copy "$T/copies.json" "$T/$f.mp4" pan-ref.mp4
done
jq -s -e 'map(select(.file | test("generated-clip|fan-post"))) | length == 2 and
    all(.verdict == "match")' "$a.scan" >/dev/null || fail "demo copies not matched"

# Importing again skips every file (same content).
expect_rc 0 "$LIKENESS" index import --index "$b" "$x"
grep_out "3 files already indexed, skipped"

# Damage: a bad line names the file and line; nothing is added.
c="$T/c.idx"
sed '3s/"sha256":"[0-9a-f]*"/"sha256":"xyz"/' "$x" >"$T/bad.likeness"
expect_rc 2 "$LIKENESS" index import --index "$c" "$T/bad.likeness"
grep_err "bad.likeness:3: a file needs"
head -n 20 "$x" >"$T/cut.likeness"
expect_rc 2 "$LIKENESS" index import --index "$c" "$T/cut.likeness"
grep_err "cut.likeness:20: cut short: file .* has 17 of its"
sed '1s/"feature_version":2/"feature_version":1/' "$x" >"$T/old.likeness"
expect_rc 2 "$LIKENESS" index import --index "$c" "$T/old.likeness"
grep_err "feature version 1; this build's are version 2"
sed '1s/"fps":4/"fps":2/' "$x" >"$T/fps.likeness"
expect_rc 2 "$LIKENESS" index import --index "$b" "$T/fps.likeness"
grep_err "fps.likeness: sampled with other parameters than the index"
expect_rc 2 "$LIKENESS" index import --index "$c" --owner X "$x"
grep_err "names its own works"
# Local sets: carried, and checked like everything else.
grep -q '"type":"local"' "$x" || fail "the export carries no local features"
l=$(grep -n '"type":"local"' "$x" | head -n 1 | cut -d: -f1)
sed "${l}s/\"data\":\"[0-9a-f]\{8\}/\"data\":\"zzzzzzzz/" "$x" >"$T/lochex.likeness"
expect_rc 2 "$LIKENESS" index import --index "$c" "$T/lochex.likeness"
grep_err "lochex.likeness:$l: a local set's data is not hex"
sed "${l}d" "$x" >"$T/locmiss.likeness"
expect_rc 2 "$LIKENESS" index import --index "$c" "$T/locmiss.likeness"
grep_err "locmiss.likeness:[0-9]*: file .* has [0-9]* of its [0-9]* local sets"
sed "${l}s/\"data\":\"[0-9a-f]\{64\}/\"data\":\"/" "$x" >"$T/loccut.likeness"
expect_rc 2 "$LIKENESS" index import --index "$c" "$T/loccut.likeness"
grep_err "loccut.likeness:[0-9]*: .*local features of entry [0-9]* are invalid"
if [ -e "$c" ]; then
    expect_rc 0 "$LIKENESS" index list --index "$c" --json
    jq -e 'length == 0' "$T/out" >/dev/null || fail "a refused import added works"
fi
