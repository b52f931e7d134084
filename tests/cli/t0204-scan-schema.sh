#!/bin/sh
# Every output of `likeness scan` is valid against the shipped JSON Schema
# (doc/likeness-scan.schema.json), strictly: a field the schema does not
# describe fails too.  --json and --jsonl, every verdict (match on a video
# and a still, clean, resembles, error), --min-score 0 candidates,
# --evidence paths, and --resume files.  Needs python3-jsonschema
# (.ci/install-deps installs it); skipped without it outside CI.
. tests/cli/lib.sh
SCHEMA=doc/likeness-scan.schema.json
CHECK="python3 tests/tools/check-schema.py"
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    skip "all" "python3-jsonschema is not installed" needs
    exit 0
fi
D=data/demo
IDX="$T/demo.idx"
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" \
    --title "Starfall (Episode 1)" --work-id starfall-ep01 $D/refs/starfall-ep01.mp4
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal-lines $D/refs/tidal-lines-keyart.png

valid() { $CHECK --strict "$SCHEMA" "$@" || fail "not valid against the schema: $*"; }

expect_rc 1 "$LIKENESS" scan --index "$IDX" --json --evidence "$T/ev" $D/suspects
cp "$T/out" "$T/all.json"
jq -e 'length == 3 and ([.[].verdict] | index("clean")) != null
       and (.[0].matches[0].segments[0] | has("evidence") and has("ref_sha256")
            and has("suspect_region") and has("ref_frame"))
       and (.[0].run.index.id | length) == 32' "$T/all.json" >/dev/null ||
    fail "the demo scan lacks the fields the schema is checked on"
valid "$T/all.json"
expect_rc 2 "$LIKENESS" scan --index "$IDX" --jsonl $D/suspects "$T/missing.mp4"
cp "$T/out" "$T/lines.jsonl"
jq -e -s 'length == 4 and .[3].verdict == "error"' "$T/lines.jsonl" >/dev/null ||
    fail "the error line is missing"
valid "$T/lines.jsonl"
expect_rc 0 "$LIKENESS" scan --index "$IDX" --jsonl --min-score 0 --style-threshold 0 \
    --fail-on never $D/suspects/unrelated-clip.mp4
jq -e '.verdict == "resembles" and (.style | length) >= 1' "$T/out" >/dev/null ||
    fail "--style-threshold 0 did not make the clean clip 'resembles'"
valid "$T/out"
expect_rc 1 "$LIKENESS" scan --index "$IDX" -q --resume "$T/resume.jsonl" $D/suspects
valid "$T/resume.jsonl"

# The checker is not a rubber stamp: an unknown field, an error verdict
# without its message and a malformed hash are each refused.
jq -c '.[0] + {"surprise": 1}' "$T/all.json" >"$T/bad1.json"
jq -c '.[0] + {"verdict": "error"}' "$T/all.json" >"$T/bad2.json"
jq -c '.[0] + {"content_hash": "xyz"}' "$T/all.json" >"$T/bad3.json"
for b in bad1 bad2 bad3; do
    $CHECK --strict "$SCHEMA" "$T/$b.json" 2>/dev/null && fail "the schema accepted $b"
done
$CHECK "$SCHEMA" "$T/bad1.json" || fail "the shipped schema must accept added fields"
exit 0
