#!/bin/sh
# Runs the speed benchmarks of one build directory (called by `make bench`):
# BUILD/likeness-bench with its media in BUILD/bench-media, extra options
# from $BENCH_ARGS (e.g. BENCH_ARGS="--quick --filter kernels").  Prints the
# JSON lines, then a short table of rates and speed-ups, one of the
# whole-clip CPU ratios (the clips driver) and one of the catalogue-scale
# scan (the scale driver); exits non-zero when a driver
# failed its correctness checks.
# Usage: sh tests/bench/run.sh BUILD_DIR
set -u
build=${1:?usage: tests/bench/run.sh BUILD_DIR}
out=$(mktemp) && rcf=$(mktemp) || exit 1
trap 'rm -f "$out" "$rcf"' EXIT
echo 1 >"$rcf"
LK_BENCH_SRCDIR=$(dirname "$0") # gen-clip.sh, for the clips driver
export LK_BENCH_SRCDIR
# The binary's exit status is kept in $rcf (a pipeline reports tee's).
# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
{ "$build/likeness-bench" --media "$build/bench-media" ${BENCH_ARGS:-}; echo $? >"$rcf"; } |
    tee "$out"
rc=$(cat "$rcf")
echo "--- summary (case, simd: rate unit, speed-up over scalar) ---"
sed -n 's/.*"case":"\([^"]*\)","simd":"\([^"]*\)".*"rate":\([^,]*\),"unit":"\([^"]*\)"\(,"speedup":\([^}]*\)\)\{0,1\}}.*/\1  \2: \3 \4  x\6/p' "$out"
if grep -q '"bench":"clips"' "$out"; then
    echo "--- whole clips (case: CPU s, ratio to the decode, target; command) ---"
    sed -n 's/.*"bench":"clips","case":"\([^"]*\)","cmd":"\([^"]*\)","cpu_s":\([^,]*\),"wall_s":\([^,]*\),"rounds":[0-9]*\(.*\)}.*/\1: cpu \3 s, wall \4 s\5  [\2]/p' "$out" |
        sed 's/,"vs_decode":\([^,]*\)/, x\1 of the decode/; s/,"throughput_ratio":\([^,]*\)/, throughput x\1/; s/,"target":\([^,]*\),"met":\([a-z]*\)/ (target \1: \2)/'
fi
if grep -q '"bench":"scale"' "$out"; then
    echo "--- catalogue scale (entries: the scan path's CPU, the open and first answer, peak RSS; targets) ---"
    sed -n 's/.*"case":"derived [0-9]*","entries":\([0-9]*\),"local_sets":\([a-z]*\),"scan_path_cpu_s":\([^,]*\),"target_s":[^,]*,"met":\([a-z]*\),"open_first_ms":\([^,]*\),"target_ms":[^,]*,"open_met":\([a-z]*\),"segment_mb":[^,]*,"rss_mb":\([^,]*\),"rss_target_mb":\([^,]*\),"rss_met":\([a-z]*\)}.*/\1 entries (local sets \2): scan path \3 s (target 1 s: \4), open + first answer \5 ms (target 50 ms: \6), peak RSS \7 MB (target: the segment + 150 MB = \8 MB: \9)/p' "$out"
fi
exit "$rc"
