#!/bin/sh
# `make demo`: indexes the demo reference works, then scans the demo
# suspects against them, printing every command and its report, and writes
# the HTML report (OUT/demo-report.html, its pictures in OUT/evidence) and,
# when Debian's chromium is installed, a screenshot of it
# (OUT/demo-report.png, the README's doc/demo-report.png).
# Usage: sh data/demo/run.sh PATH/TO/likeness [INDEX [OUT]]
set -eu
likeness=${1:?usage: run.sh LIKENESS_BINARY [INDEX [OUT]]}
demo=$(cd "$(dirname "$0")" && pwd)
cd "$demo/../.."
idx=${2:-build/demo.idx}
out=${3:-build}
rm -f "$idx" "$idx-seg" "$idx-wal" "$idx-shm"
# Prints a command as one would type it (the binary as "likeness"), then runs it.
show() {
    printf '$ likeness'
    shift_done=0
    for a in "$@"; do
        if [ $shift_done -eq 0 ]; then shift_done=1; continue; fi
        case $a in *" "*|*"("*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac
    done
    printf '\n'
    "$@"
}

show "$likeness" index add --index "$idx" --owner "Example Studio" \
    --title "Starfall (Episode 1)" --work-id starfall-ep01 data/demo/refs/starfall-ep01.mp4
show "$likeness" index add --index "$idx" --owner "Other Pictures" \
    --title "Tidal Lines key art" --work-id tidal-lines data/demo/refs/tidal-lines-keyart.png
show "$likeness" index list --index "$idx"
echo
rc=0
rm -rf "$out/evidence"
show "$likeness" scan --index "$idx" --evidence "$out/evidence" --html "$out/demo-report.html" \
    data/demo/suspects 2>&1 || rc=$?
echo "(exit status $rc: 0 all clean, 1 a match found, 2 an error)"
[ "$rc" -le 1 ]
if command -v chromium >/dev/null 2>&1; then
    case $out in /*) page="$out/demo-report.html" ;; *) page="$(pwd)/$out/demo-report.html" ;; esac
    rm -f "$out/demo-report.png"
    sh tests/tools/chromium.sh --hide-scrollbars --window-size=900,1700 \
        --force-device-scale-factor=0.6 --screenshot="$out/demo-report.png" \
        "file://$page" >/dev/null
    if [ -s "$out/demo-report.png" ]; then
        echo "screenshot of the HTML report: $out/demo-report.png"
    else
        echo "no screenshot: chromium could not render $page" >&2
    fi
fi
