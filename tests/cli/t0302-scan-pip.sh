#!/bin/sh
# t0302-scan-pip.sh — picture-in-picture anywhere in the frame: the
# reference scaled to 40%, 45% and 55% and overlaid with margins (not
# where a fixed suspect window lies) over unrelated moving footage is found
# through lk_find_insets; each is a `match` to the right work with its
# segment within 1 s of the truth.  An unrelated clip and a caption bar
# over unrelated footage stay `clean`.  The reference is a camera pan over a
# still made here (the demo's zoom is self-similar under scaling, which
# blurs a scaled copy's time offset; see t0301).
. tests/cli/lib.sh
ix="$T/p.idx"
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }
enc="-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -threads 1"
ref="$T/pan-ref.mp4"
pan_reference "$ref" 480 270

expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Tidal Studio" "$ref" data/demo/refs

# Suspects: seconds 2-8 of the reference, scaled, over unrelated footage.
pip() { # name scale background x y
    ff -ss 2 -t 6 -i "$ref" -f lavfi -i "$3" -filter_complex \
       "[0:v]scale=trunc(iw*$2/2)*2:trunc(ih*$2/2)*2[f];[1:v][f]overlay=$4:$5:shortest=1" \
       $enc "$T/$1.mp4" || fail "ffmpeg could not make $1.mp4"
}
pip pip40 0.40 "cellauto=s=480x270:r=25:rule=110" 37 21
pip pip45 0.45 "life=s=480x270:r=25:mold=10:ratio=0.3" "W-w-30" "H-h-30"
pip pip55 0.55 "testsrc2=s=480x270:r=25" 24 "(H-h)/2"
# Negatives: unrelated footage, and a caption bar over unrelated footage.
ff -f lavfi -i "testsrc2=s=480x270:r=25:d=6" -vf \
   "drawbox=x=0:y=ih*0.8:w=iw:h=ih*0.16:color=black@0.8:t=fill" $enc "$T/neg-caption.mp4"
[ -s "$T/neg-caption.mp4" ] || fail "ffmpeg could not make neg-caption.mp4"

run "$LIKENESS" scan --index "$ix" --json "$T/pip40.mp4" "$T/pip45.mp4" "$T/pip55.mp4"
[ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "scan of the copies exited $rc, expected 1"; }
cp "$T/out" "$T/copies.json"
for f in pip40 pip45 pip55; do
    expect_copy "$T/copies.json" "$T/$f.mp4" pan-ref.mp4
done

expect_rc 0 "$LIKENESS" scan --index "$ix" --json data/demo/suspects/unrelated-clip.mp4 \
    "$T/neg-caption.mp4"
jq -e 'length == 2 and all(.verdict == "clean" and (.matches | length) == 0)' "$T/out" \
    >/dev/null || { cat "$T/out" >&2; fail "unrelated clips not clean"; }
