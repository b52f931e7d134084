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

# grep_out PATTERN / grep_err PATTERN: fail unless the pattern is there.
grep_out() { grep -q -e "$1" "$T/out" || { cat "$T/out" >&2; fail "stdout lacks '$1'"; }; }
grep_err() { grep -q -e "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks '$1'"; }; }
