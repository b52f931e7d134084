#!/bin/sh
# style-eval.sh — measures the style descriptor on real game / desktop art
# from Debian packages (needs network to Debian's apt the first time; not run
# by `make test`).
#
# Downloads and unpacks the art packages into a cache directory, converts a
# seeded random sample of up to $LK_ART_PER_SET (default 100) pictures per
# package (at least 64x64, scaled to fit 512x512, transparent pixels
# premultiplied to black) to PPM with the ffmpeg CLI, builds
# tests/tools/style_eval.c against build/liblikeness.a and prints MAP and
# precision@10 of same-package retrieval for the full descriptor, each part
# alone and a 64-bin RGB histogram baseline.  Extra arguments after the
# cache directory are passed to style_eval (a custom weight vector).
#
# Usage: sh tests/tools/style-eval.sh [CACHE_DIR [w1,w2,...]]
#        (CACHE_DIR defaults to $LK_ART_CACHE, then build/art-cache)
# Packages and licences (from their debian/copyright): flare-game
# (CC-BY-SA-3.0+), freedroidrpg-data (GPL-2+), frozen-bubble-data (GPL-2),
# gnome-backgrounds (CC-BY-SA-2.0/3.0, CC-BY-2.0), supertux-data (GPL-3+).
# Nothing is copied into the repository.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${1:-${LK_ART_CACHE:-$top/build/art-cache}}
[ $# -gt 0 ] && shift
per=${LK_ART_PER_SET:-100}
seed=${LK_ART_SEED:-1234}
pkgs="flare-game freedroidrpg-data frozen-bubble-data gnome-backgrounds supertux-data"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

for p in $pkgs; do
    if [ ! -d "$cache/x/$p" ]; then
        if ! ls "$cache/${p}"_*.deb >/dev/null 2>&1; then
            (cd "$cache" && apt-get download "$p" >/dev/null 2>&1) || {
                echo "style-eval: cannot download $p" >&2; exit 1; }
        fi
        mkdir -p "$cache/x/$p.tmp"
        dpkg-deb -x "$(ls "$cache/${p}"_*.deb | head -n 1)" "$cache/x/$p.tmp"
        mv "$cache/x/$p.tmp" "$cache/x/$p"
    fi
done

# Seeded sample -> PPM (cached per seed and size).
list="$cache/list-$seed-$per.txt"
if [ ! -s "$list" ]; then
    : > "$list.tmp"
    for p in $pkgs; do
        out="$cache/ppm-$seed/$p"
        mkdir -p "$out"
        n=0 tried=0
        # candidates: pictures whose header (file(1)) says >= 64x64, or unknown
        find "$cache/x/$p" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \
            -o -iname '*.webp' \) -print0 | xargs -0 file -N -F '|' |
            awk -F'|' '{ d = $2; w = 0; h = 0
                while (match(d, /[0-9]+ ?x ?[0-9]+/)) {
                    s = substr(d, RSTART, RLENGTH); gsub(/ /, "", s); split(s, a, "x")
                    w = a[1] + 0; h = a[2] + 0; d = substr(d, RSTART + RLENGTH) }
                if (w == 0 || (w >= 64 && h >= 64)) print $1 }' | LC_ALL=C sort |
            awk -v s="$seed" 'BEGIN { srand(s) } { printf "%.9f %s\n", rand(), $0 }' |
            LC_ALL=C sort -k1,1 | cut -d' ' -f2- > "$cache/cand-$p.txt"
        while IFS= read -r f; do
            [ "$n" -lt "$per" ] && [ "$tried" -lt 400 ] || break
            tried=$((tried + 1))
            dst="$out/$n.ppm"
            ffmpeg -nostdin -v error -y -i "$f" -frames:v 1 -vf \
                "format=rgba,premultiply=inplace=1,scale='min(512,iw)':'min(512,ih)':force_original_aspect_ratio=decrease,format=rgb24" \
                "$dst" 2>/dev/null || continue
            size=$(head -c 20 "$dst" | tr '\n' ' ' | awk '{ print ($2 >= 64 && $3 >= 64) }')
            if [ "$size" = 1 ]; then
                echo "$p $dst" >> "$list.tmp"
                n=$((n + 1))
            fi
        done < "$cache/cand-$p.txt"
        echo "style-eval: $p: $n pictures ($tried tried)" >&2
    done
    mv "$list.tmp" "$list"
fi

[ -f "$top/build/liblikeness.a" ] || make -C "$top" lib >/dev/null
cc -O2 -std=c11 -Wall -Wextra -I"$top/include" -I"$top/src" "$top/tests/tools/style_eval.c" \
    "$top/build/liblikeness.a" -lm -pthread -o "$cache/style_eval"
"$cache/style_eval" "$list" "$@"
