#!/bin/sh
# Generates the media that tests share, with the ffmpeg CLI only, into the
# directory given (normally BUILD/media).  Each tests/media/gen-*.sh script
# makes one family and must be idempotent and deterministic; a stamp per
# script skips work already done for an unchanged script.
set -eu
out=${1:?usage: gen.sh OUTDIR}
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
for g in "$here"/gen-*.sh; do
    [ -f "$g" ] || continue
    stamp="$out/.stamp-$(basename "$g" .sh)"
    if [ -f "$stamp" ] && [ "$stamp" -nt "$g" ]; then continue; fi
    sh "$g" "$out" || { echo "gen.sh: $(basename "$g") failed" >&2; exit 1; }
    touch "$stamp"
done
