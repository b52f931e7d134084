#!/bin/sh
# Ctrl-C (SIGINT) and SIGTERM during `likeness scan` stop quietly: the
# suspects finished are reported, the one in progress and those never
# started are not (the --resume file stays valid and the next run scans
# them), one line on stderr, exit status 128 + the signal.
. tests/cli/lib.sh
D=data/demo
IDX="$T/demo.idx"
grab=$D/suspects/fan-post.jpg
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal-lines $D/refs/tidal-lines-keyart.png
# A clip long enough to be in progress when the signal comes: sampled at
# 25 frames/s, 40 s is a thousand frames to hash and search.
ffmpeg -nostdin -hide_banner -v error -y -f lavfi -i testsrc2=s=320x240:r=25:d=40 \
    -c:v libx264 -preset ultrafast -threads 1 "$T/long.mp4" || fail "ffmpeg"
cp "$T/long.mp4" "$T/later.mp4" && printf x >>"$T/later.mp4"

# interrupt SIG: scans grab, long, later with one job; SIG once grab is reported.
interrupt() {
    rm -f "$T/resume.jsonl" "$T/out" # a report left in out would send the signal too early
    "$LIKENESS" scan --index "$IDX" -j1 --fps 25 --resume "$T/resume.jsonl" --jsonl \
        "$grab" "$T/long.mp4" "$T/later.mp4" >"$T/out" 2>"$T/err" &
    pid=$!
    n=0
    while [ ! -s "$T/out" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
    [ -s "$T/out" ] || { kill $pid; fail "no report within 60 s"; }
    sleep 0.3
    kill -s "$1" $pid
    wait $pid
    rc=$?
}

interrupt INT
[ "$rc" -eq 130 ] || { cat "$T/err" "$T/out"; fail "SIGINT: exit $rc, expected 130"; }
[ "$(wc -l <"$T/out")" -eq 1 ] || { cat "$T/out"; fail "SIGINT: reports of unfinished suspects"; }
jq -e --arg f "$grab" '.file == $f and .verdict == "match"' "$T/out" >/dev/null ||
    fail "SIGINT: the finished suspect's report"
[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err"; fail "SIGINT: more than one line on stderr"; }
grep_err '^interrupted: 1 suspect reported, 2 not scanned'
grep -q 'ERROR\|error' "$T/out" "$T/err" && fail "SIGINT: errors reported"
[ "$(wc -l <"$T/resume.jsonl")" -eq 1 ] || fail "SIGINT: the resume file holds more than the report"
# the next run goes on with the two not scanned
expect_rc 0 "$LIKENESS" scan --index "$IDX" --resume "$T/resume.jsonl" --jsonl --fps 1 \
    "$grab" "$T/long.mp4" "$T/later.mp4"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "resume after SIGINT: expected the 2 others"
grep_err 'resuming: 1 suspect already reported'

interrupt TERM
[ "$rc" -eq 143 ] || { cat "$T/err"; fail "SIGTERM: exit $rc, expected 143"; }
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "SIGTERM: reports of unfinished suspects"
exit 0
