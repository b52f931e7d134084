#!/bin/sh
# t0009-hash-reference-pixels.sh — the sharing formats hash the reference
# hashers' pixels: on data/fixtures/pdq-reference/ (pictures above 512 px,
# grey, 16-bit, EXIF-turned; videos rotated, odd-sized, RGB-coded),
# `hash --format pdq` writes exactly pdq-photo-hasher's lines (and
# --dihedral the 8 dihedral hashes), `hash --format vpdq --fps 0` exactly
# vpdq-hash-video -r 0's files and the default --fps 2 its -r 0.5 file;
# --no-reference hashes at the working size (different bits), and
# --keyframes is refused with the reference pixels.
. tests/cli/lib.sh
dir=data/fixtures/pdq-reference
stills=$(cut -d, -f3 "$dir/expected.txt" | sed "s|^|$dir/|")
[ "$(printf '%s\n' "$stills" | wc -l)" -ge 7 ] || fail "too few still fixtures"

# shellcheck disable=SC2086 # word splitting of the file list is intended
expect_rc 0 "$LIKENESS" hash --format pdq $stills
sed "s|,$dir/|,|" "$T/out" >"$T/ours"
cmp -s "$T/ours" "$dir/expected.txt" || { diff "$T/ours" "$dir/expected.txt" >&2; fail "pdq lines differ"; }
# shellcheck disable=SC2086
expect_rc 0 "$LIKENESS" hash --jsonl --reference --no-crop --dihedral $stills
jq -r '. as $f | .dihedral[] | "\(.),\($f.quality),\($f.file)"' "$T/out" |
    sed "s|,$dir/|,|" >"$T/ours-dih"
cmp -s "$T/ours-dih" "$dir/expected-dih.txt" || { diff "$T/ours-dih" "$dir/expected-dih.txt" >&2; fail "dihedral hashes differ"; }
# shellcheck disable=SC2086
expect_rc 0 "$LIKENESS" hash --format pdq --no-reference $stills
sed "s|,$dir/|,|" "$T/out" >"$T/fast"
cmp -s "$T/fast" "$dir/expected.txt" && fail "--no-reference gave the reference's bits: the test is void"

# YUV to RGB goes through CPU-specific swscale code: the YUV clips' lines
# were recorded on x86-64; the gbrp clip's conversion is exact anywhere.
videos="gradients-gbrp-128x72.mkv"
[ "$(uname -m)" = x86_64 ] && videos="$videos mandelbrot-rot90-160x90.mp4 mandelbrot-odd-577x325.webm"
for v in $videos; do
    expect_rc 0 "$LIKENESS" hash --format vpdq --fps 0 "$dir/$v"
    cmp -s "$T/out" "$dir/vpdq/$v.txt" || { diff "$T/out" "$dir/vpdq/$v.txt" >&2; fail "vpdq of $v differs"; }
done
if [ "$(uname -m)" = x86_64 ]; then
    v=mandelbrot-odd-577x325.webm
    expect_rc 0 "$LIKENESS" hash --format vpdq "$dir/$v"
    cmp -s "$T/out" "$dir/vpdq/$v.r0.5.txt" || { diff "$T/out" "$dir/vpdq/$v.r0.5.txt" >&2; fail "vpdq of $v at --fps 2 differs"; }
    expect_rc 0 "$LIKENESS" hash --format vpdq --fps 0 --no-reference "$dir/mandelbrot-rot90-160x90.mp4"
    cmp -s "$T/out" "$dir/vpdq/mandelbrot-rot90-160x90.mp4.txt" && fail "--no-reference vpdq is the reference's"
fi

expect_rc 2 "$LIKENESS" hash --format vpdq --keyframes "$dir/gradients-gbrp-128x72.mkv"
grep_err "reference hashers"
expect_rc 2 "$LIKENESS" hash --format pdq --reference --no-reference "$dir/mandelbrot-1500x64.jpg"
grep_err "contradict"
exit 0
