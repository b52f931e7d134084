#!/bin/sh
# style-eval.sh — the style benchmark on art from Debian packages (needs
# Debian's apt the first time; not run by `make test`).  See style_eval.c
# for what is measured; the README's "Style benchmark" has the results.
#
# Each art set is one package, fetched with apt-get download and unpacked
# with dpkg-deb -x into the cache directory (nothing is committed).  The
# sets are split, by alternation in alphabetical order (fixed before any
# measurement), into sets the descriptor's constants and weights were tuned
# on and sets it is only measured on.  Pictures: PNG, JPEG and WebP files
# that are opaque (no alpha channel, no tRNS chunk, not animated; read from
# the headers by `style_eval probe`) and whose centred 16:9 crop-to-fill is
# at least 400 pixels wide, in a seeded random order; each is cropped to
# fill 16:9, scaled down to 320x180 (area filter, at least 1.25x, so the
# source's own encoding is averaged away) and encoded as one JPEG quality
# (ffmpeg -q:v 3, 4:2:0), so no size, aspect or encoding tells a set apart.
# style_eval then drops flat-bordered pictures and near-duplicates, caps
# every set at 80 pictures and reports.  The first run takes about 15
# minutes on 2 loaded cores (downloads and conversion, cached), later runs
# about 3.
#
# Usage: sh tests/tools/style-eval.sh BUILD_DIR [CACHE_DIR [w1,w2,...]]
#        (CACHE_DIR defaults to $LK_ART_CACHE, then BUILD_DIR/art-cache)
# Licences: each package's usr/share/doc/*/copyright (unpacked in the
# cache) lists them per file; among them GPL-2+, GPL-3+, CC-BY-SA-3.0/4.0,
# CC-BY-3.0/4.0, CC0 and public domain.  Nothing is copied into the
# repository.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: style-eval.sh BUILD_DIR [CACHE_DIR [weights]]}
cache=${2:-${LK_ART_CACHE:-$build/art-cache}}
[ $# -gt 2 ] && shift 2 || shift $#
seed=${LK_ART_SEED:-1234}
per=200 # pictures converted per set at most (style_eval keeps up to 80)
sets="desktop-base endless-sky-data fillets-ng-data kgeography-data krita-data kstars-data
marble-data megaglest-data naev-data plasma-workspace-wallpapers scorched3d-data
stellarium-data supertux-data supertuxkart-data wesnoth-1.16-data widelands-data"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
eval_bin=$build/style-eval

fetch() {
    [ -d "$cache/x/$1" ] && return 0
    if ! ls "$cache/$1"_*.deb >/dev/null 2>&1; then
        (cd "$cache" && apt-get download "$1" >/dev/null 2>&1) || {
            echo "style-eval: cannot download $1" >&2; exit 1; }
    fi
    rm -rf "$cache/x/$1.tmp"
    mkdir -p "$cache/x/$1.tmp"
    dpkg-deb -x "$(ls "$cache/$1"_*.deb | head -n 1)" "$cache/x/$1.tmp"
    mv "$cache/x/$1.tmp" "$cache/x/$1"
}

# convert SET OUTDIR: the seeded sample of SET's opaque pictures, as JPEGs.
convert() {
    find "$cache/x/$1" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \
        -o -iname '*.webp' \) | LC_ALL=C sort | "$eval_bin" probe 400 |
        awk -v s="$seed" 'BEGIN { srand(s) } { printf "%.9f %s\n", rand(), $0 }' |
        LC_ALL=C sort -k1,1 | cut -d' ' -f2- | head -n "$per" > "$2/candidates.txt"
    n=0
    while IFS= read -r f; do
        ffmpeg -nostdin -v error -y -i "$f" -frames:v 1 -vf \
            "crop=w='min(iw,ih*16/9)':h='min(ih,iw*9/16)',scale=320:180:flags=area,format=yuvj420p" \
            -q:v 3 "$2/$n.jpg" 2>/dev/null && n=$((n + 1))
    done < "$2/candidates.txt"
    echo "style-eval: $1: $n pictures" >&2
}

i=0
list="$cache/list-$seed.txt"
if [ ! -s "$list" ]; then
    : > "$list.tmp"
    for p in $sets; do
        fetch "$p"
        group=tune
        [ $((i % 2)) -eq 1 ] && group=measure
        i=$((i + 1))
        out="$cache/jpg-$seed/$p"
        rm -rf "$out"
        mkdir -p "$out"
        convert "$p" "$out"
        k=0
        while [ -f "$out/$k.jpg" ]; do
            echo "$p $group jpg-$seed/$p/$k.jpg" >> "$list.tmp"
            k=$((k + 1))
        done
    done
    mv "$list.tmp" "$list"
fi
# The list names the pictures relative to its own directory (the cache),
# so that a cache moved or copied elsewhere still works; lists of older
# runs held absolute paths and are rewritten.
sed "s#^\([^ ]* [^ ]* \).*/\(jpg-$seed/\)#\1\2#" "$list" > "$list.tmp"
mv "$list.tmp" "$list"
"$eval_bin" run "$list" "$@"
