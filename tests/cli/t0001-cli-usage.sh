#!/bin/sh
# The command line itself: help, version, usage errors and their exit codes.
. tests/cli/lib.sh

expect_rc 2 "$LIKENESS"
grep_err 'usage: likeness'
expect_rc 0 "$LIKENESS" --version
grep_out '^likeness [0-9]'
grep_out '^simd: '
LIKENESS_SIMD=scalar expect_rc 0 "$LIKENESS" version
grep_out '^simd: scalar'
expect_rc 0 "$LIKENESS" help
grep_out 'hash'
expect_rc 0 "$LIKENESS" help hash
grep_out 'usage: likeness hash'
grep_out 'fps=N'
expect_rc 0 "$LIKENESS" hash --help
grep_out 'usage: likeness hash'
expect_rc 2 "$LIKENESS" help nosuch
grep_err "'nosuch' is not a likeness command"
expect_rc 2 "$LIKENESS" nosuch
expect_rc 2 "$LIKENESS" --bogus
grep_err "unknown option '--bogus'"
expect_rc 2 "$LIKENESS" hash --bogus data/demo/suspects/fan-post.jpg
grep_err "unknown option '--bogus'"
grep_err "^hint: 'likeness hash --help' describes the options"
[ "$(wc -l <"$T/err")" -eq 2 ] || { cat "$T/err"; fail "a usage error prints more than 2 lines"; }
[ ! -s "$T/out" ] || fail "usage error printed results"
expect_rc 2 "$LIKENESS" hash
grep_err 'no input files'
expect_rc 2 "$LIKENESS" hash --fps abc data/demo/suspects/fan-post.jpg
grep_err "option '--fps' expects a number"
expect_rc 2 "$LIKENESS" hash --fps=-1 data/demo/suspects/fan-post.jpg
expect_rc 2 "$LIKENESS" hash --format xml data/demo/suspects/fan-post.jpg
grep_err "does not accept 'xml'"
expect_rc 2 "$LIKENESS" hash --fps
grep_err 'requires a value'
exit 0
