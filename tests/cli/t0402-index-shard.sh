#!/bin/sh
# `likeness index shard --shards N DIR` and `likeness merge --shards`:
# shards hold whole works, balanced by entries, read-only, named by a
# manifest with the parent's id and generation; every suspect scanned
# against every shard and merged per suspect gives byte for byte the
# report of the whole index (default thresholds, and --min-score 0, which
# lists every candidate and style resemblance).
. tests/cli/lib.sh
D=data/demo
IDX="$T/ref.idx"
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@" || fail "ffmpeg failed"; }
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Example Studio" \
    --title "Starfall (Episode 1)" --work-id starfall $D/refs/starfall-ep01.mp4
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal $D/refs/tidal-lines-keyart.png
# Three more works: Mandelbrot stills at distinct places; suspects are
# scaled-down JPEG copies of them.
mkdir "$T/in"
i=0
for at in "-0.7435:0.1314" "-1.25066:0.02012" "0.275:0.006"; do
    i=$((i + 1))
    ff -f lavfi -i "mandelbrot=s=320x240:start_x=${at%:*}:start_y=${at#*:}:start_scale=0.05:end_scale=0.05" \
        -frames:v 1 "$T/m$i.png"
    expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Fractal House" \
        --title "Plate $i" --work-id "plate-$i" "$T/m$i.png"
    ff -i "$T/m$i.png" -vf "scale=256:192" "$T/in/plate-$i-copy.jpg"
done
cp $D/suspects/* "$T/in/"
printf 'broken\n' >"$T/in/broken.mp4"

# Five works into three shards.
expect_rc 0 "$LIKENESS" index shard --index "$IDX" --shards 3 "$T/shards"
M="$T/shards/manifest.json"
jq -e '.shards | length == 3' "$M" >/dev/null || fail "manifest: not 3 shards"
jq -e '[.shards[].works] | add == 5 and all(. >= 1)' "$M" >/dev/null ||
    fail "shards do not hold the 5 works once"
jq -e '([.shards[].entries] | add) == .index.entries' "$M" >/dev/null ||
    fail "shard entries do not add up"
jq -e '[.shards[] | .first_row <= .last_row] | all' "$M" >/dev/null || fail "bad row ranges"
expect_rc 0 "$LIKENESS" index info --index "$IDX" --json
gen=$(jq .generation "$T/out")
jq -e --argjson g "$gen" '.index.generation == $g and all(.shards[]; .generation == $g)' "$M" \
    >/dev/null || fail "manifest generation is not the index's"
for s in "$T"/shards/shard-00?.idx; do
    [ ! -w "$s" ] || [ "$(id -u)" -eq 0 ] || fail "$s is writable"
    [ "$(stat -c %a "$s")" = 444 ] || fail "$s is not mode 444"
    expect_rc 0 "$LIKENESS" index verify --index "$s"
done
expect_rc 2 "$LIKENESS" index shard --index "$IDX" --shards 3 "$T/shards"
grep_err 'already exists'
expect_rc 2 "$LIKENESS" index shard --index "$IDX" --shards 6 "$T/six"
grep_err 'every shard needs one'

# Whole index against shards merged, with three settings.  Local features
# vote within each shard and verify its own best candidates, so their
# segments may differ in detail; PDQ evidence alone is the same byte for
# byte, and with local features the verdicts and the works found are.
for opt in "" "--no-local" "--no-local --min-score 0"; do
    # shellcheck disable=SC2086
    run "$LIKENESS" scan --index "$IDX" --jsonl $opt "$T/in"
    cp "$T/out" "$T/whole.jsonl"
    parts=""
    for k in 1 2 3; do
        # shellcheck disable=SC2086
        "$LIKENESS" scan --index "$T/shards/shard-00$k.idx" --jsonl $opt "$T/in" \
            >"$T/s$k.jsonl" 2>/dev/null
        parts="$parts $T/s$k.jsonl"
    done
    # shellcheck disable=SC2086
    expect_rc 0 "$LIKENESS" merge --shards "$M" $parts
    if [ -n "$opt" ]; then
        same_reports "$T/out" "$T/whole.jsonl" || fail "sharded ($opt) differs from whole"
    else
        summary='[.file, .verdict, [.matches[].work_id]]'
        jq -c "$summary" "$T/out" >"$T/m.sum"
        jq -c "$summary" "$T/whole.jsonl" >"$T/w.sum"
        cmp -s "$T/m.sum" "$T/w.sum" || { diff "$T/m.sum" "$T/w.sum" >&2;
            fail "sharded scan with local features: other verdicts or works"; }
        jq -e -s 'map(.run.params.local_features) | all' "$T/whole.jsonl" >/dev/null ||
            fail "local features not in use"
    fi
done
jq -e -s 'map(.run.params.local_features) | any | not' "$T/whole.jsonl" >/dev/null ||
    fail "--no-local: local features in use"
[ "$(jq -r 'select(.verdict == "match") | .file' "$T/whole.jsonl" | wc -l)" -ge 4 ] ||
    fail "too few matches to compare"
jq -e -s 'map(.style | length) | add > 3' "$T/whole.jsonl" >/dev/null ||
    fail "no style lists to compare"

# A shard's part missing, a part of the parent itself: refused.
expect_rc 2 "$LIKENESS" merge --shards "$M" "$T/s1.jsonl" "$T/s3.jsonl"
grep_err 'missing from shard 2 of 3'
expect_rc 2 "$LIKENESS" merge --shards "$M" "$T/s1.jsonl" "$T/s2.jsonl" "$T/whole.jsonl"
grep_err 'not from a shard of the manifest'
exit 0
