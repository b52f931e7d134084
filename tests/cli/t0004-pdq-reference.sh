#!/bin/sh
# End to end: `likeness hash` on the PDQ fixtures gives exactly the hashes,
# qualities and dihedral hashes of the reference pdq-photo-hasher
# (data/fixtures/pdq/expected*.txt, made once with the reference tool), at
# every SIMD level this CPU has.
. tests/cli/lib.sh
dir=data/fixtures/pdq
files=$(cut -d, -f3 "$dir/expected.txt" | sed "s|^|$dir/|")
[ "$(printf '%s\n' "$files" | wc -l)" -ge 10 ] || fail "too few fixtures"

for simd in scalar avx2 avx512; do
    # shellcheck disable=SC2086 # word splitting of the file list is intended
    LIKENESS_SIMD=$simd expect_rc 0 "$LIKENESS" hash --format pdq $files
    sed "s|,$dir/|,|" "$T/out" >"$T/ours"
    cmp -s "$T/ours" "$dir/expected.txt" || { diff "$T/ours" "$dir/expected.txt" >&2; fail "pdq differs ($simd)"; }

    # shellcheck disable=SC2086
    LIKENESS_SIMD=$simd expect_rc 0 "$LIKENESS" hash --jsonl --dihedral $files
    jq -r '. as $f | .dihedral[] | "\(.),\($f.quality),\($f.file)"' "$T/out" |
        sed "s|,$dir/|,|" >"$T/ours-dih"
    cmp -s "$T/ours-dih" "$dir/expected-dih.txt" || { diff "$T/ours-dih" "$dir/expected-dih.txt" >&2; fail "dihedral differs ($simd)"; }
done
exit 0
