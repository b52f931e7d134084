#!/bin/sh
# Runs every test of one build directory: unit and SIMD test programs, fuzz
# corpus replays, then CLI scripts (tests/cli/tNNNN-*.sh).  Prints each
# program's summary and ends with one "tests: N passed, N failed" line,
# counting individual checks of programs and whole CLI scripts, after the
# "SKIP: ..." lines of parts that did not run (tests/cli/lib.sh's skip, or
# a program's own), so that nothing is skipped unnoticed.
# Usage: sh tests/run.sh BUILD_DIR
# LK_RUN, when set, is a command that runs each test program and fuzz replay
# (e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu" for a cross build); the CLI
# scripts need a native likeness and are then skipped.
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
run=${LK_RUN:-}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
export LIKENESS="$build/likeness" LK_TOP="$top" LK_BUILD="$build"
export LK_MEDIA="$build/media"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
passed=0 failed=0 bad="" skips=""

# Keeps the SKIP lines of one test's output ($1) for the summary.
note_skips() {
    k=$(printf '%s\n' "$1" | grep '^SKIP: ')
    [ -z "$k" ] || skips="$skips$k
"
}

# Generated media shared by tests (made once per build directory).
if [ -f "$top/tests/media/gen.sh" ]; then
    sh "$top/tests/media/gen.sh" "$LK_MEDIA" || { echo "tests: media generation failed"; exit 1; }
fi

for t in $(find "$build/tests" -type f -perm -u+x 2>/dev/null | sort); do
    # shellcheck disable=SC2086
    out=$(cd "$top" && $run "$t" 2>&1); rc=$?
    note_skips "$out"
    line=$(printf '%s\n' "$out" | grep -E ': [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
    [ -n "$p" ] || p=0
    [ -n "$f" ] || f=0
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ $rc -ne 0 ]; then
        printf '%s\n' "$out" | tail -n 30
        bad="$bad ${t#$build/}"
    else
        printf '%s\n' "${line:-${t#$build/}: ok}"
    fi
done

for t in $(find "$build/fuzz" -type f -perm -u+x 2>/dev/null | sort); do
    name=$(basename "$t")
    # shellcheck disable=SC2086
    if out=$($run "$t" "$top/tests/fuzz/corpus/${name#fuzz_}" 2>&1); then
        passed=$((passed + 1)); echo "$name: corpus replayed"
    else
        failed=$((failed + 1)); printf '%s\n' "$out" | tail -n 20; bad="$bad $name"
    fi
done

[ -z "$run" ] || echo "run.sh: CLI scripts skipped (programs run under LK_RUN=$run)"
for s in "$top"/tests/cli/t[0-9]*.sh; do
    [ -f "$s" ] && [ -z "$run" ] || continue
    name=$(basename "$s" .sh)
    if out=$(cd "$top" && sh "$s" 2>&1); then
        passed=$((passed + 1)); echo "$name: ok"
        note_skips "$out"
    else
        failed=$((failed + 1)); printf '%s\n' "$out" | tail -n 30; echo "$name: FAILED"
        bad="$bad $name"
    fi
done

printf '%s' "$skips"
[ -z "$bad" ] || echo "failing:$bad"
echo "tests: $passed passed, $failed failed, $(printf '%s' "$skips" | grep -c '^SKIP: ') parts skipped"
[ "$failed" -eq 0 ]
