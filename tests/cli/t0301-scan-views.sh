#!/bin/sh
# t0301-scan-views.sh — edited copies that a whole-frame PDQ misses are found
# through views: a 20% border crop scaled back, a 9:16 centre reframing,
# picture-in-picture (45%, flush in a corner, over an unrelated moving
# background), a caption bar; each is a `match` to the right work with its
# segment within 1 s of the truth.  Unrelated clips, including one with an
# unrelated picture-in-picture, stay `clean`.
# The reference is a camera pan over a still, made here: the demo's
# Mandelbrot zoom is self-similar under scaling (a 45% copy of second t
# looks like an earlier second), so it cannot tell a picture-in-picture's
# time offset apart.
. tests/cli/lib.sh
ix="$T/v.idx"
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }
enc="-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -threads 1"
bg="cellauto=s=480x270:r=25:rule=110"
ref="$T/pan-ref.mp4"
pan_reference "$ref" 480 270

expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Tidal Studio" "$ref" data/demo/refs
expect_rc 0 "$LIKENESS" index verify --index "$ix"

# Suspects: seconds 2-8 of the reference, edited.
ff -ss 2 -t 6 -i "$ref" -vf "crop=iw*0.8:ih*0.8,scale=480:270" $enc "$T/crop.mp4"
ff -ss 2 -t 6 -i "$ref" -vf "crop=ih*9/16:ih,scale=360:640" $enc "$T/vertical.mp4"
ff -ss 2 -t 6 -i "$ref" -f lavfi -i "$bg" -filter_complex \
   "[0:v]scale=iw*0.45:ih*0.45[f];[1:v][f]overlay=W-w:H-h:shortest=1" $enc "$T/pip.mp4"
ff -ss 2 -t 6 -i "$ref" -vf "drawbox=x=0:y=ih*0.82:w=iw:h=ih*0.18:color=black@0.9:t=fill" \
   $enc "$T/caption.mp4"
# Negatives: unrelated footage, and an unrelated clip shown picture-in-picture.
ff -f lavfi -i "life=s=480x270:r=25:mold=10:ratio=0.3" -t 6 $enc "$T/neg-life.mp4"
ff -f lavfi -i "testsrc2=s=480x270:r=25:d=6" -f lavfi -i "$bg" -filter_complex \
   "[0:v]scale=iw*0.45:ih*0.45,hue=h=90[f];[1:v][f]overlay=0:0:shortest=1" $enc "$T/neg-pip.mp4"
for f in crop vertical pip caption neg-life neg-pip; do
    [ -s "$T/$f.mp4" ] || fail "ffmpeg could not make $f.mp4"
done

run "$LIKENESS" scan --index "$ix" --json "$T/crop.mp4" "$T/vertical.mp4" "$T/pip.mp4" \
    "$T/caption.mp4"
[ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "scan of the copies exited $rc, expected 1"; }
cp "$T/out" "$T/copies.json"
for f in crop vertical pip caption; do
    expect_copy "$T/copies.json" "$T/$f.mp4" pan-ref.mp4
done

expect_rc 0 "$LIKENESS" scan --index "$ix" --json data/demo/suspects/unrelated-clip.mp4 \
    "$T/neg-life.mp4" "$T/neg-pip.mp4"
jq -e 'length == 3 and all(.verdict == "clean" and (.matches | length) == 0)' "$T/out" \
    >/dev/null || { cat "$T/out" >&2; fail "unrelated clips not clean"; }
