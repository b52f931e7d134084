#!/bin/sh
# local-eval.sh — measures local features and geometric verification on
# real game / desktop art from Debian packages (needs network to Debian's
# apt the first time; not run by `make test`).
#
# Downloads and unpacks the art packages into a cache directory, converts
# a seeded random sample of up to $LK_ART_PER_SET (default 30) pictures per
# package (at least 320x240, not sprite-part or font atlases, one of the
# light/dark variants of a wallpaper, scaled to fit
# 512x512, transparent pixels premultiplied to black) to PPM with the
# ffmpeg CLI, builds tests/tools/local_eval.c against build/liblikeness.a
# and runs it once per seed in $LK_EVAL_SEEDS (default "1 2"), passing the
# extra arguments on (parameters: see local_eval.c).
#
# Usage: sh tests/tools/local-eval.sh [CACHE_DIR [local_eval options]]
#        (CACHE_DIR defaults to $LK_ART_CACHE, then build/art-cache)
# Packages and licences (from their debian/copyright): flare-game
# (CC-BY-SA-3.0+), freedroidrpg-data (GPL-2+), frozen-bubble-data (GPL-2),
# gnome-backgrounds (CC-BY-SA-2.0/3.0, CC-BY-2.0).  Nothing is copied into
# the repository.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${1:-${LK_ART_CACHE:-$top/build/art-cache}}
[ $# -gt 0 ] && shift
per=${LK_ART_PER_SET:-30}
pkgs="flare-game freedroidrpg-data frozen-bubble-data gnome-backgrounds"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

for p in $pkgs; do
    if [ ! -d "$cache/x/$p" ]; then
        if ! ls "$cache/${p}"_*.deb >/dev/null 2>&1; then
            (cd "$cache" && apt-get download "$p" >/dev/null 2>&1) || {
                echo "local-eval: cannot download $p" >&2; exit 1; }
        fi
        mkdir -p "$cache/x/$p.tmp"
        dpkg-deb -x "$(ls "$cache/${p}"_*.deb | head -n 1)" "$cache/x/$p.tmp"
        mv "$cache/x/$p.tmp" "$cache/x/$p"
    fi
done

list="$cache/local-list-$per.txt"
if [ ! -s "$list" ]; then
    : > "$list.tmp"
    for p in $pkgs; do
        out="$cache/local-ppm/$p"
        mkdir -p "$out"
        n=0
        find "$cache/x/$p" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.webp' \) \
            ! -path '*tux_motion_parts*' ! -path '*/avatar/*' ! -path '*/fonts/*' \
            ! -name '*-d.webp' -print0 |
            xargs -0 file -N -F '|' |
            awk -F'|' '{ d = $2; w = 0; h = 0
                while (match(d, /[0-9]+ ?x ?[0-9]+/)) {
                    s = substr(d, RSTART, RLENGTH); gsub(/ /, "", s); split(s, a, "x")
                    w = a[1] + 0; h = a[2] + 0; d = substr(d, RSTART + RLENGTH) }
                if (w >= 320 && h >= 240) print $1 }' | LC_ALL=C sort |
            awk 'BEGIN { srand(7) } { printf "%.9f %s\n", rand(), $0 }' |
            LC_ALL=C sort -k1,1 | cut -d' ' -f2- > "$cache/local-cand-$p.txt"
        while IFS= read -r f; do
            [ "$n" -lt "$per" ] || break
            dst="$out/$n.ppm"
            ffmpeg -nostdin -v error -y -i "$f" -frames:v 1 -vf \
                "format=rgba,premultiply=inplace=1,scale='min(512,iw)':'min(512,ih)':force_original_aspect_ratio=decrease,format=rgb24" \
                "$dst" 2>/dev/null || continue
            echo "$p $dst" >> "$list.tmp"
            n=$((n + 1))
        done < "$cache/local-cand-$p.txt"
        echo "local-eval: $p: $n pictures" >&2
    done
    mv "$list.tmp" "$list"
fi

[ -f "$top/build/liblikeness.a" ] || make -C "$top" lib >/dev/null
cc -O2 -std=c11 -Wall -Wextra -D_GNU_SOURCE -I"$top/include" -I"$top/src" \
    "$top/tests/tools/local_eval.c" "$top/build/liblikeness.a" \
    $(pkg-config --libs libturbojpeg) -lm -pthread -o "$cache/local_eval"
for s in ${LK_EVAL_SEEDS:-1 2}; do
    "$cache/local_eval" "$list" --seed "$s" "$@"
done
