# art-sets.sh — the art sets of the accuracy corpus (sourced by
# gen-corpus.sh): the Debian 12 package each set comes from, which of its
# files are candidate artworks, how files are grouped, and how many artworks
# each set gives to hard negatives, video references and still references.
#
# Invariants:
#  - Candidates are whole pictures of at least 400x300 pixels: no tiles,
#    masks, wall layers, sprite sheets or flat skies (files too small to hold
#    a drawn picture are left out by size, in pixels or in bytes).
#  - Files that show the same picture (light/dark or day/night variants, one
#    wallpaper at several resolutions, mirrored left/right sprites, a level's
#    background and its poster) share a group; at most one file of a group is
#    used, so a hard negative never shows a reference's picture.
#  - Pictures that are mostly flat (flat_frac > 0.6: black or single-colour
#    backgrounds, smooth gradients) are skipped when artworks are drawn: pans
#    over them show frames that no system could tell apart.
#  - Every set's plan asks for fewer artworks than it has groups.

ART_SETS="freedroid flare frozen gnome wesnoth fillets freeorion hedgewars mate debian"

set_pkg() { # SET -> Debian package name
    case $1 in
        freedroid) echo freedroidrpg-data ;; flare) echo flare-game ;;
        frozen) echo frozen-bubble-data ;; gnome) echo gnome-backgrounds ;;
        wesnoth) echo wesnoth-1.16-data ;; fillets) echo fillets-ng-data ;;
        freeorion) echo freeorion-data ;; hedgewars) echo hedgewars-data ;;
        mate) echo mate-backgrounds ;; debian) echo desktop-base ;;
    esac
}

# set_plan SET -> "HELD VIDEOS PER_VIDEO STILLS": artworks held out for hard
# negatives, video references, artworks per video reference, still references.
set_plan() {
    case $1 in
        freedroid|flare|wesnoth|fillets|freeorion) echo "3 3 2 2" ;;
        frozen) echo "3 3 2 1" ;;
        hedgewars) echo "2 3 2 2" ;;
        gnome|mate) echo "2 3 1 2" ;;
        debian) echo "2 2 1 1" ;;
    esac
}

# dims: paths on stdin -> "W H PATH" (the last "W x H" or "WxH" that file(1)
# prints, which is the picture size for PNG, JPEG and WebP alike).
dims() {
    tr '\n' '\0' | xargs -0 file -N -F '|' 2>/dev/null | awk -F'|' '{
        d = $2; w = 0; h = 0
        while (match(d, /[0-9]+ ?x ?[0-9]+/)) {
            s = substr(d, RSTART, RLENGTH); gsub(/ /, "", s); split(s, a, "x")
            w = a[1] + 0; h = a[2] + 0; d = substr(d, RSTART + RLENGTH)
        }
        if (w > 0) print w, h, $1 }'
}

# flat_frac PATH: prints the fraction of flat pixels (|dx| + |dy| < 3 grey
# levels) of the picture at 64x36 grey, transparency over black
flat_frac() {
    ffmpeg -nostdin -v error -i "$1" -vf "format=rgba,premultiply=inplace=1,scale=64:36,format=gray" \
        -frames:v 1 -f rawvideo - 2>/dev/null | od -An -v -tu1 | awk '
        { for (i = 1; i <= NF; i++) v[n++] = $i }
        END {
            if (n < 64 * 36) { print 1; exit }
            for (y = 1; y < 36; y++) for (x = 1; x < 64; x++) {
                i = y * 64 + x; a = v[i] - v[i - 1]; b = v[i] - v[i - 64]
                if (a < 0) a = -a
                if (b < 0) b = -b
                f += a + b < 3; t++ }
            printf "%.2f\n", f / t }'
}

# svg_dims: SVG paths on stdin -> "W H PATH" (the size FFmpeg draws them at)
svg_dims() {
    while read -r f; do
        echo "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$f" | tr ',' ' ') $f"
    done
}

# big: "W H PATH" on stdin -> the lines of at least 400x300
big() { awk '$1 >= 400 && $2 >= 300'; }

# set_candidates SET ROOT -> "W H GROUP PATH" lines (ROOT: the unpacked package)
set_candidates() {
    case $1 in
        freedroid)
            find "$2/usr/share/freedroidrpg/data/graphics" -name '*.png' ! -path '*tux_motion_parts*' |
                dims | big | while read -r w h f; do
                    echo "$w $h $(echo "$f" | sed 's,.*/graphics/,,; s,droids/\([^/]*\)/.*,droids/\1,') $f"; done ;;
        flare)
            find "$2/usr/share/games/flare/mods" -name '*.png' ! -path '*/avatar/*' ! -path '*/parallax/*' |
                dims | big | while read -r w h f; do echo "$w $h $(basename "$f" .png) $f"; done ;;
        frozen)
            fb=$2/usr/share/games/frozen-bubble/gfx
            ls "$fb"/back_*.png "$fb"/backgrnd.png "$fb"/level_editor.png "$fb"/menu/back_start.png \
               "$fb"/menu/*_panel.png "$fb"/key_shortcuts.png "$fb"/win_panel_*.png "$fb"/intro/back_intro.png \
                2>/dev/null | dims | while read -r w h f; do
                    echo "$w $h $(basename "$f" .png | sed 's/^level_editor$/back_one_player/; s/^win_panel.*/win_panel/') $f"; done ;;
        gnome)
            { ls "$2"/usr/share/backgrounds/gnome/*.webp | dims
              ls "$2"/usr/share/backgrounds/gnome/*.svg | svg_dims; } | big | while read -r w h f; do
                echo "$w $h $(basename "$f" | sed 's/\.[a-z]*$//; s/-[ld]$//') $f"; done ;;
        wesnoth)
            wi=$2/usr/share/games/wesnoth/1.16/data/core/images
            { ls "$wi"/story/*.jpg "$wi"/maps/background.jpg "$wi"/maps/titlescreen.png
              find "$wi/portraits" -name '*.png' ! -path '*/transparent/*'; } | dims | big |
                while read -r w h f; do
                    echo "$w $h $(echo "$f" | sed 's,.*/images/,,; s,\.[a-z]*$,,; s/_nohumans$//; s/_sun$//; s/+female//; s/-[0-9]$//') $f"; done ;;
        fillets)
            # a level's painted background (-p, pozadi) and its poster; not
            # the wall layers (-w, zed) nor the foregrounds (okoli, popredi)
            find "$2/usr/share/games/fillets-ng/images" -name '*.png' |
                grep -E '(-p|[0-9]p|pozadi[0-9]*|poster|background)\.png$' | dims | big |
                while read -r w h f; do echo "$w $h $(basename "$(dirname "$f")") $f"; done ;;
        freeorion)
            fa=$2/usr/share/games/freeorion/default/data/art
            ls "$fa"/species/*.png "$fa"/hulls_design/*.png "$fa"/splash.png | dims | big |
                while read -r w h f; do echo "$w $h $(basename "$f" .png) $f"; done ;;
        hedgewars)
            # theme skies and horizons that hold a drawing (>= 60 kB; the
            # rest are flat colours or gradients), and the forts (L/R mirrors)
            hw=$2/usr/share/games/hedgewars/Data
            { find "$hw/Themes" \( -name Sky.png -o -name horizont.png \) -size +60k
              ls "$hw"/Forts/*.png; } | dims | big | while read -r w h f; do
                case $f in
                    */Forts/*) g=fort-$(basename "$f" .png | sed 's/[LR]$//') ;;
                    *) g=theme-$(basename "$(dirname "$f")") ;;
                esac
                echo "$w $h $g $f"; done ;;
        mate)
            mb=$2/usr/share/backgrounds/mate
            ls "$mb"/nature/*.jpg "$mb"/abstract/*.jpg "$mb"/abstract/*.png | grep -v Transparent | dims | big |
                while read -r w h f; do echo "$w $h $(basename "$f" | sed 's/\.[a-z]*$//; s/_[0-9]*x[0-9]*$//') $f"; done ;;
        debian)
            # one wallpaper per theme (SVG, drawn at 1920x1080)
            ls "$2"/usr/share/desktop-base/*-theme/wallpaper/contents/images/1920x1080.svg |
                while read -r f; do
                    echo "1920 1080 $(echo "$f" | sed 's,.*/desktop-base/\([a-z]*\)[-a-z]*-theme/.*,\1,') $f"; done ;;
    esac
}
