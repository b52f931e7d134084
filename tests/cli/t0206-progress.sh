#!/bin/sh
# Progress within a file on a terminal: `index add` and `scan` show the
# seconds decoded of the file's duration, frames/s and an ETA on stderr
# when it is a terminal (script(1) gives one), nothing when it is not.
. tests/cli/lib.sh
command -v script >/dev/null || fail "script(1) (bsdutils) is needed"
IDX="$T/p.idx"
ffmpeg -nostdin -hide_banner -v error -y -f lavfi -i testsrc2=s=320x240:r=25:d=20 \
    -c:v libx264 -preset ultrafast -threads 1 "$T/long.mp4" || fail "ffmpeg"

# on a terminal (stdout and stderr both go to script's typescript)
script -qec "'$LIKENESS' index add --index '$IDX' --owner O -j1 --fps 8 '$T/long.mp4'" \
    "$T/tty-add" >/dev/null 2>&1 || fail "index add under script failed"
grep -q 'indexing: 0/1 files, long.mp4 [0-9]*\.[0-9]/20\.0 s, [0-9.]* frames/s, ETA [0-9]*:[0-9][0-9]' \
    "$T/tty-add" || { cat "$T/tty-add"; fail "index add: no progress within the file"; }
script -qec "'$LIKENESS' scan --index '$IDX' -j1 --fps 8 --fail-on never '$T/long.mp4'" \
    "$T/tty-scan" >/dev/null 2>&1 || fail "scan under script failed"
grep -q 'scanning: 0/1 files, long.mp4 [0-9]*\.[0-9]/20\.0 s' "$T/tty-scan" ||
    { cat "$T/tty-scan"; fail "scan: no progress within the file"; }

# not on a terminal: no progress line at all
rm -f "$IDX" "$IDX-seg"
expect_rc 0 "$LIKENESS" index add --index "$IDX" --owner O "$T/long.mp4"
[ ! -s "$T/err" ] || { cat "$T/err"; fail "index add: progress on a pipe"; }
expect_rc 1 "$LIKENESS" scan --index "$IDX" "$T/long.mp4"
[ ! -s "$T/err" ] || { cat "$T/err"; fail "scan: progress on a pipe"; }
exit 0
