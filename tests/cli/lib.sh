# lib.sh — helpers for CLI test scripts (sourced).  Each script runs with
# the repository root as working directory and $LIKENESS naming the binary.
set -u
: "${LIKENESS:?run through tests/run.sh}"
T=$(mktemp -d "${TMPDIR:-/tmp}/likeness-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# skip WHAT REASON [needs]: says that part WHAT of this script did not run,
# as one "SKIP: tNNNN: WHAT: REASON" line that tests/run.sh repeats in its
# summary.  With "needs" (a package .ci/install-deps --tests installs), a
# skip under CI (CI set) is a failure instead.
skip() {
    [ "${3:-}" = needs ] && [ -n "${CI:-}" ] && fail "$1: $2 (run .ci/install-deps --tests)"
    echo "SKIP: $(basename "$0" .sh): $1: $2"
}

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

# expect_copy JSON FILE TITLE: in a `scan --json` array, FILE is a match
# whose best work is TITLE with a segment covering suspect seconds 1-3 at a
# reference offset of +2 s (within 1 s).
expect_copy() {
    jq -e --arg f "$2" --arg t "$3" '.[] | select(.file == $f) | .verdict == "match" and
        .matches[0].title == $t and
        (.matches[0].segments | any(.suspect_start <= 1 and .suspect_end >= 3 and
            (.ref_start - .suspect_start - 2 | fabs) <= 1))' "$1" >/dev/null ||
        { jq --arg f "$2" '.[] | select(.file == $f)' "$1" >&2;
          fail "$2: not matched to $3 at +2 s"; }
}

# grep_out PATTERN / grep_err PATTERN: fail unless the pattern is there.
grep_out() { grep -q -e "$1" "$T/out" || { cat "$T/out" >&2; fail "stdout lacks '$1'"; }; }
grep_err() { grep -q -e "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks '$1'"; }; }

# same_reports A B: the scan reports (JSON Lines) of files A and B are the
# same but for when the run started and the path the index was named by.
same_reports() {
    jq -c 'del(.run.started, .run.index.path)' "$1" > "$1.cmp" &&
        jq -c 'del(.run.started, .run.index.path)' "$2" > "$2.cmp" &&
        cmp -s "$1.cmp" "$2.cmp" || { diff "$1.cmp" "$2.cmp" | head -20 >&2; return 1; }
}
