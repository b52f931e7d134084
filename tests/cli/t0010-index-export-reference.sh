#!/bin/sh
# t0010-index-export-reference.sh — `index export --format pdq|vpdq` hashes
# the indexed media again as the reference hashers do: on the fixtures of
# data/fixtures/pdq-reference/, the PDQ export of indexed stills is
# pdq-photo-hasher's lines and the vPDQ export of a video indexed at
# --fps 0 vpdq-hash-video -r 0's file; --from-index writes the index's own
# (different) hashes; a moved or changed file is an error naming it with
# none of its lines written, the other files still exported; an imported
# list is written as stored.
. tests/cli/lib.sh
dir=data/fixtures/pdq-reference
ix="$T/s.idx"
cut -d, -f3 "$dir/expected.txt" >"$T/names"
[ "$(wc -l <"$T/names")" -ge 7 ] || fail "too few still fixtures"
mkdir "$T/m"
while read -r f; do cp "$dir/$f" "$T/m/"; done <"$T/names"
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner Studio "$T/m"

# Every line of the export is the reference's (file names as indexed).
expect_rc 0 "$LIKENESS" index export --index "$ix" --format pdq
sed "s|,$T/m/|,|" "$T/out" | sort >"$T/ours"
sort "$dir/expected.txt" >"$T/want"
cmp -s "$T/ours" "$T/want" || { diff "$T/ours" "$T/want" >&2; fail "pdq export differs from the reference"; }
expect_rc 0 "$LIKENESS" index export --index "$ix" --format pdq --from-index
cut -d, -f1 "$T/out" | sort >"$T/own"
cut -d, -f1 "$T/want" | sort | cmp -s - "$T/own" && fail "--from-index gave the reference's bits: the test is void"
[ "$(wc -l <"$T/own")" -eq "$(wc -l <"$T/want")" ] || fail "--from-index: one line per still expected"
expect_rc 2 "$LIKENESS" index export --index "$ix" --format jsonl --from-index
grep_err "^error: --from-index goes with --format pdq or vpdq"

# A moved file and a changed one: errors naming them, nothing of theirs
# on stdout, every other file exported, exit 2.
gone=$(sed -n 1p "$T/names") changed=$(sed -n 2p "$T/names")
mv "$T/m/$gone" "$T/gone"
printf 'x' >>"$T/m/$changed"
expect_rc 2 "$LIKENESS" index export --index "$ix" --format pdq
grep_err "^error: cannot open '.*$gone'"
grep_err "^error: .*$changed: the content differs from what was indexed"
grep_err "^hint: .*--from-index"
grep -q -e "$gone" -e "$changed" "$T/out" && fail "lines of a failed file were written"
[ "$(wc -l <"$T/out")" -eq "$(($(wc -l <"$T/want") - 2))" ] || fail "the other files were not all exported"
sed "s|,$T/m/|,|" "$T/out" | sort | comm -23 - "$T/want" | grep -q . && fail "a line is not the reference's"

# An imported list is written back as stored.
expect_rc 0 "$LIKENESS" index import --index "$ix" --owner Partner --title Shared "$dir/expected.txt"
expect_rc 2 "$LIKENESS" index export --index "$ix" --format pdq
grep -c "expected.txt" "$T/out" | grep -qx "$(wc -l <"$T/want")" || fail "imported lines missing"
grep "expected.txt" "$T/out" | cut -d, -f1,2 | sort >"$T/imp"
cut -d, -f1,2 "$T/want" | cmp -s - "$T/imp" || fail "imported hashes not written as stored"

# A video indexed at every frame: its vPDQ export is the reference's file.
# (YUV to RGB goes through CPU-specific swscale code: the YUV clip's lines
# were recorded on x86-64; the gbrp clip's conversion is exact anywhere.)
videos="gradients-gbrp-128x72.mkv"
[ "$(uname -m)" = x86_64 ] && videos="$videos mandelbrot-odd-577x325.webm"
for v in $videos; do cp "$dir/$v" "$T/m/"; done
# shellcheck disable=SC2086 # word splitting of the list is intended
expect_rc 0 "$LIKENESS" index add --index "$T/v.idx" --fps 0 --owner Studio $(for v in $videos; do echo "$T/m/$v"; done)
mkdir "$T/vd"
expect_rc 0 "$LIKENESS" index export --index "$T/v.idx" --format vpdq --output-dir "$T/vd"
for v in $videos; do
    cmp -s "$T/vd/$v.txt" "$dir/vpdq/$v.txt" || { diff "$T/vd/$v.txt" "$dir/vpdq/$v.txt" >&2; fail "vpdq export of $v differs"; }
done
exit 0
