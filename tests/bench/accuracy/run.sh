#!/bin/sh
# run.sh — `make accuracy`: for each seed, generates the corpus (cached),
# indexes the references with likeness, scans every suspect, runs FFmpeg's
# signature filter on the same corpus, scores both with the same scorer and
# writes the side-by-side table to $CACHE/report.md; with several seeds it
# prints every seed's table at the end.
#
# Usage: sh tests/bench/accuracy/run.sh BUILD_DIR
# Environment: LK_ACC_SEEDS (seeds, e.g. "1 2"; default LK_ACC_SEED, else 1),
#              LK_ACC_CACHE (default BUILD_DIR/accuracy; with several seeds
#              each seed S uses LK_ACC_CACHE-S, and all share the Debian
#              packages unpacked in the first seed's cache), LK_ACC_JOBS,
#              LK_ACC_PER_TRANSFORM, LK_ACC_PKGS, LK_ACC_SIG_FALSE,
#              LK_ACC_THRESHOLD (the score at which a pair counts as called
#              when the verdict is "match", default 0.5),
#              LK_ACC_SKIP_SIGNATURE=1.
# Invariants: nothing outside the seeds' caches is written; a likeness
# without `scan` (or `index add`) is reported and the signature side still
# runs; the exit status is non-zero when any seed failed.
set -u
BUILD=${1:?usage: run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
LIKENESS=$BUILD/likeness
SCORE=$BUILD/likeness-score
THR=${LK_ACC_THRESHOLD:-0.5}
SEEDS=${LK_ACC_SEEDS:-${LK_ACC_SEED:-1}}
BASE=${LK_ACC_CACHE:-$BUILD/accuracy}

# run_likeness CACHE: index the references, scan the suspects -> likeness.jsonl
run_likeness() {
    IDX=$1/index
    have_scan=1
    "$LIKENESS" scan --help >/dev/null 2>"$1/scan-probe.err" ||
        { grep -q 'is not a likeness command' "$1/scan-probe.err" && have_scan=0; }
    if [ $have_scan -eq 0 ]; then
        echo "accuracy: 'likeness scan' is not available yet ($(head -n 1 "$1/scan-probe.err")); only the signature baseline runs"
        return 1
    fi
    rm -rf "$IDX" "$1/index.err"
    ti=$(date +%s)
    ok=1
    jq -r '.references[] | "\(.id) \(.set) \(.file)"' "$1/truth.json" > "$1/refs.index"
    while read -r id set file; do
        "$LIKENESS" index add "$1/$file" --index "$IDX" --owner "$set" --title "$id" --work-id "$id" \
            >/dev/null 2>>"$1/index.err" || { ok=0; echo "accuracy: index add $file failed"; }
    done < "$1/refs.index"
    [ $ok -eq 1 ] || return 1
    ts=$(date +%s)
    "$LIKENESS" scan --index "$IDX" --jsonl --min-score 0 "$1"/suspects/* > "$1/likeness.jsonl" 2>"$1/scan.err"
    rc=$?
    [ $rc -le 1 ] || echo "accuracy: likeness scan exited $rc (see $1/scan.err)"
    te=$(date +%s)
    echo "likeness: indexed $(wc -l < "$1/refs.index") works in $((ts - ti)) s, scanned $(ls "$1/suspects" | wc -l) suspects in $((te - ts)) s" |
        tee -a "$1/times.txt" | sed 's/^/accuracy: /'
    return 0
}

# run_seed SEED CACHE: one whole benchmark run
run_seed() {
    seed=$1; cache=$2; t0=$(date +%s)
    mkdir -p "$cache"
    rm -f "$cache/table.txt"
    tg=$(date +%s)
    LK_ACC_SEED=$seed sh "$HERE/gen-corpus.sh" "$cache" || { echo "accuracy: corpus generation failed (seed $seed)"; return 1; }
    cache=$(cd "$cache" && pwd)
    echo "corpus: $(( $(date +%s) - tg )) s (generated or reused)" > "$cache/times.txt"
    systems=""
    run_likeness "$cache" && systems="likeness=$cache/likeness.jsonl@$THR"
    if [ "${LK_ACC_SKIP_SIGNATURE:-0}" != 1 ]; then
        if [ ! -s "$cache/signature.jsonl" ] || [ "$cache/truth.json" -nt "$cache/signature.jsonl" ]; then
            tsig=$(date +%s)
            LK_ACC_SEED=$seed sh "$HERE/signature.sh" "$cache" "$cache/signature.jsonl.tmp" &&
                mv "$cache/signature.jsonl.tmp" "$cache/signature.jsonl"
            echo "signature: $(( $(date +%s) - tsig )) s" >> "$cache/times.txt"
        else
            echo "accuracy: signature results reused ($cache/signature.jsonl)"
        fi
        [ -s "$cache/signature.jsonl" ] && systems="$systems ffmpeg-signature=$cache/signature.jsonl@0.5"
    fi
    [ -n "$systems" ] || { echo "accuracy: nothing to score (seed $seed)"; return 1; }
    # shellcheck disable=SC2086
    "$SCORE" --json "$cache/summary.json" "$cache/truth.json" $systems > "$cache/table.txt" || return 1
    {
        echo "# likeness accuracy benchmark"
        echo
        echo "Corpus: $(jq '.references | length' "$cache/truth.json") references, $(jq '.suspects | length' "$cache/truth.json") suspects (seed $seed); $(date -u +%Y-%m-%d)."
        echo "Reproduce: \`make accuracy LK_ACC_SEED=$seed\` (cache: $cache)."
        echo
        echo '```'
        cat "$cache/table.txt"
        echo
        cat "$cache/times.txt"
        echo '```'
    } > "$cache/report.md"
    cat "$cache/table.txt"
    echo "accuracy: seed $seed: report in $cache/report.md, JSON in $cache/summary.json ($(( $(date +%s) - t0 )) s)"
}

set -- $SEEDS
if [ $# -eq 1 ]; then
    run_seed "$1" "$BASE"
    exit $?
fi
status=0
first=$BASE-$1
export LK_ACC_PKGS="${LK_ACC_PKGS:-$first}"
for s in $SEEDS; do run_seed "$s" "$BASE-$s" || status=1; done
for s in $SEEDS; do
    echo
    echo "=== seed $s ($BASE-$s)"
    if [ -s "$BASE-$s/table.txt" ]; then cat "$BASE-$s/table.txt"; else echo "(no table)"; fi
done
exit $status
