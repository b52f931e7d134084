#!/bin/sh
# Hostile names cannot reach the terminal raw: a title with a clear-screen
# sequence, an owner with a newline that would forge a "FAKE: MATCH" line,
# and a suspect whose name holds a newline and the byte 0xff.  Every text
# output (index list/show/info, scan text, CSV, hash table and pdq lines,
# errors, merge, HTML report) has no control byte but its own line ends, no line starts
# with FAKE, and every JSON line is valid and keeps the name's bytes in
# "file_bytes".
. tests/cli/lib.sh
esc=$(printf '\033')
title="Key${esc}[2J art"
owner=$(printf 'Studio\nFAKE: MATCH')
sus=$(printf '%s/sus\npect\377.jpg' "$T")
cp data/demo/refs/tidal-lines-keyart.png "$T/key.png"
cp data/demo/suspects/fan-post.jpg "$sus"
"$LIKENESS" index add --index "$T/t.idx" --owner "$owner" --title "$title" --work-id w1 \
    "$T/key.png" >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "index add failed"; }

# clean FILE...: no control byte but \n (and \r before \n in CSV), no FAKE line
clean() {
    for f in "$@"; do
        if LC_ALL=C grep -q -P '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!$)' "$f"; then
            od -c "$f" | head -20 >&2; fail "raw control bytes in $f"
        fi
        if LC_ALL=C grep -q -P '\xff' "$f"; then
            od -c "$f" | head -20 >&2; fail "raw 0xff byte in $f"
        fi
        if grep -q '^FAKE' "$f"; then cat "$f" >&2; fail "a forged line in $f"; fi
    done
}
cat "$T/out" "$T/err" >"$T/add"
clean "$T/add"
grep -q 'Key\\x1b\[2J art' "$T/add" || { cat "$T/add"; fail "title not escaped in index add"; }

for sub in list "show w1" info; do
    run "$LIKENESS" index $sub --index "$T/t.idx"
    [ "$rc" = 0 ] || { cat "$T/err"; fail "index $sub: status $rc"; }
    clean "$T/out" "$T/err"
done
run "$LIKENESS" index show w1 --index "$T/t.idx"
grep_out 'Key\\x1b\[2J art'
grep_out 'Studio\\nFAKE: MATCH'
run "$LIKENESS" index list --index "$T/t.idx" --json
jq -e '.[0].owner == "Studio\nFAKE: MATCH"' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "index list --json lost the owner"; }

# index export: JSON Lines valid (an index holding a name that is not UTF-8),
# PDQ lines clean
bad=$(printf '%s/ref\377\nx.png' "$T")
cp "$T/key.png" "$bad"
expect_rc 0 "$LIKENESS" index add --index "$T/u.idx" --owner O --work-id w2 \
    --title "$(printf 't\nFAKE')" "$bad"
expect_rc 0 "$LIKENESS" index export --index "$T/u.idx" --format jsonl
clean "$T/out"
jq -e '.file_bytes and .title == "t\nFAKE"' "$T/out" >/dev/null ||
    { cat "$T/out"; fail "index export: JSON not valid or file_bytes missing"; }
expect_rc 0 "$LIKENESS" index export --index "$T/u.idx" --format pdq
clean "$T/out"
expect_rc 0 "$LIKENESS" index export --index "$T/u.idx" --format pdq --from-index
clean "$T/out"

# scan: text, CSV, JSON Lines
expect_rc 1 "$LIKENESS" scan --index "$T/t.idx" "$sus"
clean "$T/out" "$T/err"
grep_out 'sus\\npect\\xff.jpg: MATCH'
grep_out '"Key\\x1b\[2J art" (Studio\\nFAKE: MATCH)'
expect_rc 1 "$LIKENESS" scan --index "$T/t.idx" --csv "$sus"
clean "$T/out"
[ "$(wc -l <"$T/out")" = 2 ] || { cat "$T/out"; fail "CSV rows span lines"; }
expect_rc 1 "$LIKENESS" scan --index "$T/t.idx" --jsonl "$sus"
clean "$T/out"
jq -e --arg f "$(printf '%s/sus\npect\357\277\275.jpg' "$T")" \
    '.file == $f and (.file_bytes | length) > 0 and .matches[0].owner == "Studio\nFAKE: MATCH"' \
    "$T/out" >/dev/null || { cat "$T/out"; fail "JSON Lines not valid or lost the name"; }
hex=$(printf '%s' "$sus" | od -An -tx1 | tr -d ' \n')
jq -e --arg h "$hex" '.file_bytes == $h' "$T/out" >/dev/null || fail "file_bytes is not the name"
cp "$T/out" "$T/part.jsonl"
# the "_bytes" fields are in the schema (checked strictly where jsonschema is)
expect_rc 2 "$LIKENESS" scan --index "$T/t.idx" --jsonl "$T/gone$(printf '\377').jpg"
jq -e '.error_bytes and .file_bytes' "$T/out" >/dev/null || { cat "$T/out"; fail "no error_bytes"; }
cat "$T/out" >>"$T/part.jsonl"
if python3 -c 'import jsonschema' 2>/dev/null; then
    python3 tests/tools/check-schema.py --strict doc/likeness-scan.schema.json "$T/part.jsonl" ||
        fail "hostile reports not valid against the schema"
else
    skip "schema check" "python3-jsonschema is not installed" needs
fi
expect_rc 1 "$LIKENESS" scan --index "$T/t.idx" --html "$T/r.html" "$sus"
clean "$T/r.html"
grep -q "sus\\\\npect$(printf '\357\277\275').jpg" "$T/r.html" || fail "HTML report lacks the escaped name"

# --resume recognises the hostile name from file_bytes: nothing scanned twice
expect_rc 1 "$LIKENESS" scan --index "$T/t.idx" --resume "$T/r.jsonl" "$sus"
run "$LIKENESS" scan --index "$T/t.idx" --resume "$T/r.jsonl" "$sus"
clean "$T/out" "$T/err"
grep_err 'already reported'
[ "$(wc -l <"$T/r.jsonl")" = 1 ] || fail "the suspect was scanned twice"

# merge of the part report: valid JSON, messages escaped
run "$LIKENESS" merge "$T/part.jsonl"
clean "$T/out" "$T/err"
jq -e '.file_bytes | length > 0' "$T/out" >/dev/null || { cat "$T/out"; fail "merge lost file_bytes"; }

# errors name the file escaped
missing=$(printf '%s/no\nFAKE: MATCH\033[2J' "$T")
expect_rc 2 "$LIKENESS" scan --index "$T/t.idx" "$missing"
clean "$T/out" "$T/err"
grep_err 'no\\nFAKE: MATCH\\x1b\[2J'
expect_rc 2 "$LIKENESS" hash "$missing"
clean "$T/out" "$T/err"

# hash: table and pdq lines
for fmt in table pdq jsonl; do
    run "$LIKENESS" hash --format=$fmt "$sus"
    [ "$rc" = 0 ] || { cat "$T/err"; fail "hash --format=$fmt: status $rc"; }
    clean "$T/out" "$T/err"
done
run "$LIKENESS" hash --format=pdq "$sus"
grep_out ',.*/sus\\npect\\xff.jpg$'
exit 0
