# lib.sh — helpers for CLI test scripts (sourced).  Each script runs with
# the repository root as working directory and $LIKENESS naming the binary.
set -u
: "${LIKENESS:?run through tests/run.sh}"
T=$(mktemp -d "${TMPDIR:-/tmp}/likeness-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# run CMD...: runs it, keeping stdout in $T/out, stderr in $T/err, status in $rc.
run() {
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
}

# expect_rc N CMD...: runs CMD and fails unless it exits with status N.
expect_rc() {
    want=$1; shift
    run "$@"
    [ "$rc" -eq "$want" ] || { cat "$T/err" >&2; fail "'$*' exited $rc, expected $want"; }
}

# pan_reference OUT W H: a 10 s H.264 camera pan (W x H, 25 fps) over a
# still Mandelbrot picture twice that size: a reference whose seconds are
# all distinct and not self-similar under scaling (unlike a zoom).
pan_reference() {
    ffmpeg -nostdin -hide_banner -v error -y -f lavfi \
        -i "mandelbrot=s=$(($2 * 2))x$(($3 * 2)):start_x=-0.7435:start_y=0.1314:start_scale=0.02:end_scale=0.02" \
        -frames:v 1 "$T/pan-still.png" &&
    ffmpeg -nostdin -hide_banner -v error -y -loop 1 -i "$T/pan-still.png" \
        -vf "crop=$2:$3:x='t*$2/12':y='t*$3/12'" -t 10 -r 25 -c:v libx264 -preset veryfast \
        -crf 23 -pix_fmt yuv420p -threads 1 "$1" && [ -s "$1" ] ||
        fail "ffmpeg could not make the reference $1"
}

# grep_out PATTERN / grep_err PATTERN: fail unless the pattern is there.
grep_out() { grep -q -e "$1" "$T/out" || { cat "$T/out" >&2; fail "stdout lacks '$1'"; }; }
grep_err() { grep -q -e "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks '$1'"; }; }
