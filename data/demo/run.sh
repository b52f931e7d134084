#!/bin/sh
# `make demo`: indexes the demo reference works, then scans the demo
# suspects against them, printing every command and its report.
# Usage: sh data/demo/run.sh PATH/TO/likeness [INDEX]
set -eu
likeness=${1:?usage: run.sh LIKENESS_BINARY [INDEX]}
demo=$(cd "$(dirname "$0")" && pwd)
cd "$demo/../.."
idx=${2:-build/demo.idx}
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
mkdir -p build/evidence
show "$likeness" scan --index "$idx" --evidence build/evidence data/demo/suspects || rc=$?
echo "(exit status $rc: 0 all clean, 1 a match found, 2 an error)"
[ "$rc" -le 1 ]
