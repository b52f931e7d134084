#!/bin/sh
# gen-clip.sh — makes the whole-clip benchmark's H.264 clips with the ffmpeg
# CLI (called by likeness-bench's clips driver; cached: an existing file is
# kept).  A clip is 60 s at 30 fps, GOP 2 s (60 frames, no scene-cut
# keyframes), x264 preset medium CRF 23 (3 B-frames), made of four 15 s
# shots with hard cuts: a slow zoom into a Mandelbrot still, a pan across
# another, FFmpeg's moving testsrc2 pattern, and a mirrored, hue-shifted
# zoom out of the first; light temporal grain over everything, as camera
# footage has.  The stills are rendered once at 2560x1440.
# A --quick clip is the first SECONDS of the 60 s one, stream-copied (cut
# at a keyframe), so it costs nothing more once the full clip exists.
# Usage: sh tests/bench/gen-clip.sh DIR WIDTH HEIGHT SECONDS  (prints the path)
set -eu
dir=$1 w=$2 h=$3 secs=$4
ff="ffmpeg -nostdin -hide_banner -loglevel error -y"
full="$dir/clip-v1-${w}x${h}-60s.mp4"
out="$dir/clip-v1-${w}x${h}-${secs}s.mp4"
still() { # still NAME START_X START_Y SCALE
    [ -s "$dir/$1.png" ] && return 0
    $ff -f lavfi -i "mandelbrot=s=2560x1440:maxiter=600:start_x=$2:start_y=$3:start_scale=$4:end_scale=$4" \
        -frames:v 1 "$dir/$1.tmp.png" && mv "$dir/$1.tmp.png" "$dir/$1.png"
}
if [ ! -s "$full" ]; then
    still mandel-a -0.743643887037151 0.13182590420533 0.02
    still mandel-b -1.25066 0.02012 0.004
    zp="d=450:s=${w}x${h}:fps=30"
    $ff -i "$dir/mandel-a.png" -i "$dir/mandel-b.png" -f lavfi -i "testsrc2=s=${w}x${h}:r=30" \
        -filter_complex "[0]split[p][q];
[p]zoompan=z='1+0.0015*on':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':$zp[a];
[1]zoompan=z='1.4':x='(iw-iw/zoom)*on/450':y='(ih-ih/zoom)/2':$zp[b];
[2]trim=end_frame=450[c];
[q]hflip,hue=h=90,zoompan=z='1.6-0.0012*on':x='iw/3-iw/zoom/3':y='ih/2-ih/zoom/2':$zp[d];
[a][b][c][d]concat=n=4:v=1,noise=alls=4:allf=t,format=yuv420p[v]" \
        -map "[v]" -c:v libx264 -preset medium -crf 23 -g 60 -keyint_min 60 -sc_threshold 0 \
        -movflags +faststart "$full.tmp.mp4"
    mv "$full.tmp.mp4" "$full"
fi
if [ "$secs" != 60 ] && [ ! -s "$out" ]; then
    $ff -i "$full" -t "$secs" -c copy "$out.tmp.mp4" && mv "$out.tmp.mp4" "$out"
fi
echo "$out"
