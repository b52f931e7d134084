#!/bin/sh
# Regenerates the bundled demo media from FFmpeg's lavfi sources only (no
# third-party pictures), deterministic for a given FFmpeg build.  The files
# it makes are committed; they are released under the project's MIT licence.
#
#   refs/     reference works a rightsholder would index
#   suspects/ media to scan: an edited excerpt, a frame grab, an unrelated clip
set -eu
cd "$(dirname "$0")"
mkdir -p refs suspects
ff="ffmpeg -nostdin -v error -y"
x264="-c:v libx264 -preset medium -pix_fmt yuv420p -bf 2 -g 50"

# Work 1: "Starfall", 10 s: a Mandelbrot zoom, a hard cut, a moving colour field.
$ff -f lavfi -i "mandelbrot=size=480x270:rate=25:end_scale=0.15,trim=duration=6" \
    -f lavfi -i "gradients=size=480x270:rate=25:n=4:seed=5:speed=0.03:type=radial,trim=duration=4,format=yuv420p,drawgrid=w=40:h=40:t=3:c=navy@0.7" \
    -filter_complex "[0:v]format=yuv420p,setsar=1[a];[1:v]setsar=1[b];[a][b]concat=n=2:v=1[v]" \
    -map "[v]" $x264 -crf 26 refs/starfall-ep01.mp4
# Work 2: "Tidal Lines" key art, a still picture.
$ff -f lavfi -i "gradients=size=640x360:n=5:seed=11:type=spiral,trim=end_frame=1" \
    -vf "drawbox=x=80:y=60:w=200:h=120:color=white@0.8:t=6,drawgrid=w=64:h=64:t=2:c=black@0.5" \
    -frames:v 1 refs/tidal-lines-keyart.png

# Suspect 1: 2 s of unrelated footage, then seconds 1.5-5.5 of Starfall mirrored,
# colour-graded, letterboxed to 16:9 inside 4:3 and re-encoded at low quality.
$ff -f lavfi -i "gradients=size=480x270:rate=25:n=3:seed=21:speed=0.05,trim=duration=2,format=yuv420p" \
    -i refs/starfall-ep01.mp4 \
    -filter_complex "[1:v]trim=start=1.5:end=5.5,setpts=PTS-STARTPTS,hflip,eq=saturation=1.4:gamma=1.1[c];[0:v]setsar=1[a];[c]setsar=1[b];[a][b]concat=n=2:v=1,scale=480:270,pad=480:360:0:45:black[v]" \
    -map "[v]" $x264 -crf 34 suspects/generated-clip-017.mp4
# Suspect 2: a small JPEG grab of the key art, slightly cropped.
$ff -i refs/tidal-lines-keyart.png -vf "crop=600:340:20:10,scale=320:-2" -q:v 6 \
    suspects/fan-post.jpg
# Suspect 3: unrelated generated footage.
$ff -f lavfi -i "testsrc2=size=480x270:rate=25,trim=duration=4,hue=H=t:s=1.2" $x264 -crf 30 \
    suspects/unrelated-clip.mp4
