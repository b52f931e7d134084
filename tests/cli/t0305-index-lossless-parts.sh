#!/bin/sh
# `index export --format likeness` of a file stored in several parts (more
# than LK_INDEX_PART_ENTRIES = 65,536 entries: here an imported list of
# 70,000 PDQ hashes) writes it as one file line with all its entries, and
# importing that gives the same file back: one file, every entry, the same
# search array (a second export is byte-identical).
. tests/cli/lib.sh
awk 'BEGIN { srand(5); for (i = 0; i < 70000; i++) { h = "";
        for (k = 0; k < 8; k++) h = h sprintf("%08x", int(rand() * 4294967296));
        print h ",90" } }' >"$T/big.pdq"
expect_rc 0 "$LIKENESS" index import --index "$T/a.idx" --owner O --title Big "$T/big.pdq"
grep_out "imported 70000 hashes"
expect_rc 0 "$LIKENESS" index export --index "$T/a.idx" --format likeness
cp "$T/out" "$T/x.likeness"
[ "$(grep -c '"type":"file"' "$T/x.likeness")" -eq 1 ] || fail "a file in parts exported as several"
[ "$(grep -c '"type":"entry"' "$T/x.likeness")" -eq 70000 ] || fail "entries lost in the export"
expect_rc 0 "$LIKENESS" index import --index "$T/b.idx" "$T/x.likeness"
grep_out "imported 1 works, 1 files, 70000 entries"
expect_rc 0 "$LIKENESS" index list --index "$T/b.idx" --json
jq -e '.[0].files == 1 and .[0].entries == 70000' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "the round trip lost entries"; }
expect_rc 0 "$LIKENESS" index export --index "$T/b.idx" --format likeness
cmp -s "$T/out" "$T/x.likeness" || fail "the second export differs"
expect_rc 0 "$LIKENESS" index verify --index "$T/b.idx"
exit 0
