#!/bin/sh
# `likeness scan` finds copies under the edits that keep the whole picture:
# low-quality re-encode, 240p, blur + noise, colour grade + mirror, speed
# 0.8x and 1.2x, a still reference shown inside a video, and a frame grab of
# a video reference scanned as a picture; each is a `match` to the right
# work with its time ranges within 1 s of the truth (scaled by the speed).
. tests/cli/lib.sh
ix="$T/t.idx"
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }
enc="-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -threads 1"

# References: a 10 s camera pan over a still (960x540), and the demo key art.
ref="$T/pan.mp4"
pan_reference "$ref" 960 540
art=data/demo/refs/tidal-lines-keyart.png
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Tidal Studio" --title Pan --work-id pan "$ref"
expect_rc 0 "$LIKENESS" index add --index "$ix" --owner "Other" --title Art --work-id art "$art"

# Suspects: 2 s of unrelated footage, then seconds 3-8 of the reference, edited.
pad="-f lavfi -i testsrc2=s=640x360:r=25:d=2"
mk() { # NAME FILTER-ON-THE-EXCERPT [CRF]
    ff $pad -ss 3 -t 5 -i "$ref" -filter_complex \
       "[1:v]$2,scale=640:360,setsar=1[c];[0:v]setsar=1[a];[a][c]concat=n=2:v=1[v]" \
       -map "[v]" -c:v libx264 -preset veryfast -crf "${3:-23}" -pix_fmt yuv420p -threads 1 "$T/$1.mp4"
    [ -s "$T/$1.mp4" ] || fail "ffmpeg could not make $1.mp4"
}
mk reencode "null" 40
mk p240 "scale=-2:240"
mk blurnoise "gblur=sigma=2,noise=alls=12:allf=t+u"
mk grade "hflip,hue=h=25:s=1.3,eq=gamma=1.2"
mk slow "setpts=PTS/0.8"
mk fast "setpts=PTS/1.2"
# The key art shown for 4 s between unrelated footage.
ff $pad -loop 1 -t 4 -i "$art" -filter_complex \
   "[1:v]scale=640:360,setsar=1,fps=25[c];[0:v]setsar=1[a];[a][c]concat=n=2:v=1[v]" \
   -map "[v]" $enc "$T/still-in-video.mp4"
# A frame grab (second 6 of the reference) as a JPEG.
ff -ss 6 -i "$ref" -frames:v 1 -vf scale=480:-2 -q:v 5 "$T/grab.jpg"

expect_rc 1 "$LIKENESS" scan --index "$ix" --json "$T"/*.mp4 "$T/grab.jpg"
check() { # NAME WORK S0 S1 R0 R1 (truth; s1/r1 may be "" to skip)
    jq -e --arg f "$T/$1" --arg w "$2" --argjson s0 "$3" --argjson s1 "${4:-null}" \
          --argjson r0 "$5" --argjson r1 "${6:-null}" '
        .[] | select(.file == $f) | .verdict == "match" and .matches[0].work_id == $w and
        (.matches[0].segments | any((.suspect_start - $s0 | fabs) <= 1 and
            ($s1 == null or (.suspect_end - $s1 | fabs) <= 1) and
            (.ref_start - $r0 | fabs) <= 1 and ($r1 == null or (.ref_end - $r1 | fabs) <= 1)))' \
        "$T/out" >/dev/null || { jq --arg f "$T/$1" '.[] | select(.file == $f)' "$T/out" >&2;
                                 fail "$1: not matched to $2 with the right times"; }
}
check reencode.mp4 pan 2 7 3 8
check p240.mp4 pan 2 7 3 8
check blurnoise.mp4 pan 2 7 3 8
check grade.mp4 pan 2 7 3 8
check slow.mp4 pan 2 8.25 3 8
check fast.mp4 pan 2 6.17 3 8
check still-in-video.mp4 art 2 6 0 0
check grab.jpg pan 0 0 6 6
jq -e '.[] | select(.file | endswith("grade.mp4")) | .matches[0].segments[0].transform ==
       "mirrored left-right"' "$T/out" >/dev/null || fail "mirror not reported"
jq -e '.[] | select(.file | endswith("slow.mp4")) | .matches[0].segments[0] |
       (.speed - 0.8 | fabs) < 0.1' "$T/out" >/dev/null || fail "speed 0.8 not measured"
exit 0
