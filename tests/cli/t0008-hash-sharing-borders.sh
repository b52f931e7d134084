#!/bin/sh
# t0008-hash-sharing-borders.sh — the sharing formats hash as their
# reference hashers do: `--format pdq` and `--format vpdq` keep constant
# borders (pdq-photo-hasher and vPDQ crop nothing), so a letterboxed
# picture gets the hash of the whole picture, as with --no-crop; the other
# formats (and the index) still crop them, and --crop opts back in.  The
# JSON side uses --reference so that both hash the reference's pixels.
. tests/cli/lib.sh
ffmpeg -nostdin -hide_banner -v error -y -i data/demo/refs/tidal-lines-keyart.png \
    -vf "pad=iw:ih+80:0:40:black" "$T/box.png" && [ -s "$T/box.png" ] ||
    fail "ffmpeg could not make the letterboxed picture"
expect_rc 0 "$LIKENESS" hash --jsonl --reference --no-crop "$T/box.png"
whole=$(jq -r .pdq "$T/out")
expect_rc 0 "$LIKENESS" hash --jsonl --reference "$T/box.png"
cropped=$(jq -r .pdq "$T/out")
[ "$whole" != "$cropped" ] || fail "the border crop changed nothing: the test is void"
expect_rc 0 "$LIKENESS" hash --format pdq "$T/box.png"
[ "$(cut -d, -f1 "$T/out")" = "$whole" ] || fail "--format pdq cropped the borders"
expect_rc 0 "$LIKENESS" hash --format vpdq "$T/box.png"
[ "$(cut -d, -f3 "$T/out")" = "$whole" ] || fail "--format vpdq cropped the borders"
expect_rc 0 "$LIKENESS" hash --format pdq --crop "$T/box.png"
[ "$(cut -d, -f1 "$T/out")" = "$cropped" ] || fail "--crop did not crop"
expect_rc 2 "$LIKENESS" hash --format pdq --crop --no-crop "$T/box.png"
grep_err "contradict"
