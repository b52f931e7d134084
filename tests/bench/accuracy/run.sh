#!/bin/sh
# run.sh — `make accuracy`: generates the corpus (cached), indexes the
# references with likeness, scans every suspect, runs FFmpeg's signature
# filter on the same corpus, scores both with the same scorer and writes the
# side-by-side table to $CACHE/report.md.
#
# Usage: sh tests/bench/accuracy/run.sh BUILD_DIR
# Environment: LK_ACC_CACHE (default BUILD_DIR/accuracy), LK_ACC_SEED,
#              LK_ACC_JOBS, LK_ACC_SIG_FALSE, LK_ACC_THRESHOLD (the score at
#              which a pair counts as called when the verdict is "match",
#              default 0.5), LK_ACC_SKIP_SIGNATURE=1.
# Invariants: nothing outside $CACHE is written; a likeness without `scan`
# (or `index add`) is reported and the signature side still runs.
set -u
BUILD=${1:?usage: run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${LK_ACC_CACHE:-$BUILD/accuracy}
LIKENESS=$BUILD/likeness
SCORE=$BUILD/likeness-score
THR=${LK_ACC_THRESHOLD:-0.5}
t0=$(date +%s)

sh "$HERE/gen-corpus.sh" "$CACHE" || { echo "accuracy: corpus generation failed"; exit 1; }
CACHE=$(cd "$CACHE" && pwd)
IDX=$CACHE/index
systems=""

# ---- likeness ----------------------------------------------------------------
have_scan=1
"$LIKENESS" scan --help >/dev/null 2>"$CACHE/scan-probe.err" ||
    { grep -q 'is not a likeness command' "$CACHE/scan-probe.err" && have_scan=0; }
if [ $have_scan -eq 1 ]; then
    rm -rf "$IDX"
    ti=$(date +%s)
    ok=1
    jq -r '.references[] | "\(.id) \(.set) \(.file)"' "$CACHE/truth.json" > "$CACHE/refs.index"
    while read -r id set file; do
        "$LIKENESS" index add "$CACHE/$file" --index "$IDX" --owner "$set" --title "$id" --work-id "$id" \
            >/dev/null 2>>"$CACHE/index.err" || { ok=0; echo "accuracy: index add $file failed"; }
    done < "$CACHE/refs.index"
    ts=$(date +%s)
    if [ $ok -eq 1 ]; then
        "$LIKENESS" scan --index "$IDX" --jsonl --min-score 0 "$CACHE"/suspects/* \
            > "$CACHE/likeness.jsonl" 2>"$CACHE/scan.err"
        rc=$?
        [ $rc -le 1 ] || echo "accuracy: likeness scan exited $rc (see $CACHE/scan.err)"
        echo "accuracy: likeness indexed $(wc -l < "$CACHE/refs.index") works in $((ts - ti)) s, scanned in $(( $(date +%s) - ts )) s"
        systems="likeness=$CACHE/likeness.jsonl@$THR"
    fi
else
    echo "accuracy: 'likeness scan' is not available yet ($(head -n 1 "$CACHE/scan-probe.err")); only the signature baseline runs"
fi

# ---- FFmpeg signature -------------------------------------------------------
if [ "${LK_ACC_SKIP_SIGNATURE:-0}" != 1 ]; then
    if [ ! -s "$CACHE/signature.jsonl" ] || [ "$CACHE/truth.json" -nt "$CACHE/signature.jsonl" ]; then
        sh "$HERE/signature.sh" "$CACHE" "$CACHE/signature.jsonl.tmp" &&
            mv "$CACHE/signature.jsonl.tmp" "$CACHE/signature.jsonl"
    else
        echo "accuracy: signature results reused ($CACHE/signature.jsonl)"
    fi
    [ -s "$CACHE/signature.jsonl" ] && systems="$systems ffmpeg-signature=$CACHE/signature.jsonl@0.5"
fi

# ---- score -------------------------------------------------------------------
[ -n "$systems" ] || { echo "accuracy: nothing to score"; exit 1; }
# shellcheck disable=SC2086
"$SCORE" --json "$CACHE/summary.json" "$CACHE/truth.json" $systems > "$CACHE/table.txt" || exit 1
{
    echo "# likeness accuracy benchmark"
    echo
    echo "Corpus: $(jq '.references | length' "$CACHE/truth.json") references, $(jq '.suspects | length' "$CACHE/truth.json") suspects (seed $(jq .seed "$CACHE/truth.json")); $(date -u +%Y-%m-%d)."
    echo "Reproduce: \`make accuracy\` (cache: $CACHE)."
    echo
    echo '```'
    cat "$CACHE/table.txt"
    echo '```'
} > "$CACHE/report.md"
cat "$CACHE/table.txt"
echo "accuracy: report in $CACHE/report.md, JSON in $CACHE/summary.json ($(( $(date +%s) - t0 )) s)"
