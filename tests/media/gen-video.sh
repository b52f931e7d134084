#!/bin/sh
# gen-video.sh — test media for the FFmpeg decode backend and frame sampling,
# made with the ffmpeg CLI only into the directory given (normally
# BUILD/media; called by gen.sh).  Deterministic: lavfi sources, fixed
# encoder settings, single-threaded encoders, no metadata that varies.
# Small on purpose (160x120..320x240, 1-4 s): the whole family takes a few
# seconds.  What each file is for is noted next to it; tests rely on the
# parameters written here (sizes, rates, durations, GOP length, cut times).
set -eu
out=${1:?usage: gen-video.sh OUTDIR}
mkdir -p "$out"
cd "$out"
ff() { ffmpeg -nostdin -hide_banner -v error -y "$@"; }
# Bit-exact output between runs: no encoder or muxer version strings.
det="-fflags +bitexact -flags:v +bitexact -threads 1"
x264="-c:v libx264 -preset veryfast -x264-params threads=1"

# H.264 in MP4, 320x240, 25 fps, 4 s = 100 frames, a key frame every 25
# frames (0, 1, 2, 3 s) and no scene-cut key frames; default B-frames.
ff -f lavfi -i testsrc2=s=320x240:r=25:d=4 $x264 -g 25 -sc_threshold 0 \
   -pix_fmt yuv420p $det -movflags +faststart h264.mp4

# The same stream with a display matrix for a 90 degree clockwise turn.
# FFmpeg 5.1 writes the "rotate" tag's angle counter-clockwise when stream
# copying, so 270 here gives the matrix that ffprobe shows as -90 (phones'
# portrait videos) and that `ffmpeg -i` auto-rotates clockwise.
ff -i h264.mp4 -c copy -metadata:s:v:0 rotate=270 $det rot90.mp4

# 10-bit 4:2:0 H.264, 2 s at 25 fps.
ff -f lavfi -i testsrc2=s=320x240:r=25:d=2 $x264 -pix_fmt yuv420p10le $det 10bit.mkv

# Variable frame rate: 25 frames 40 ms apart, then 25 frames 100 ms apart
# (pts 0.00..0.96 s, then 1.0..3.4 s), Matroska (1 ms time base).
ff -f lavfi -i testsrc2=s=160x120:r=25:d=2 \
   -vf "settb=1/1000,setpts='if(lt(N,25),N*0.04,1+(N-25)*0.1)/TB'" -fps_mode passthrough \
   -enc_time_base 1/1000 $x264 -pix_fmt yuv420p $det vfr.mkv

# Interlaced MPEG-2 (field-coded, top field first), 2 s at 25 fps.
ff -f lavfi -i testsrc2=s=320x240:r=25:d=2 -vf "setfield=tff" -c:v mpeg2video \
   -top 1 -q:v 4 $det -flags:v +ilme+ildct+bitexact interlaced.mpg

# Letterboxed: 320x160 picture in a 320x240 frame with black bars of 40.
ff -f lavfi -i testsrc2=s=320x160:r=25:d=1 -vf "pad=320:240:0:40:black" \
   $x264 -pix_fmt yuv420p $det letterbox.mp4

# Animated GIF (pal8) and APNG (rgb24), 160x120, 10 fps, 2 s = 20 frames.
ff -f lavfi -i testsrc2=s=160x120:r=10:d=2 $det anim.gif
ff -f lavfi -i testsrc2=s=160x120:r=10:d=2 -plays 0 -f apng $det anim.apng

# Alpha: yuva420p in FFV1/Matroska, 160x120, 10 fps, 1 s.
ff -f lavfi -i testsrc2=s=160x120:r=10:d=1 -vf format=yuva420p -c:v ffv1 $det alpha.mkv

# Two hard cuts at 1.2 s and 2.6 s (off the 2 fps grid): three unrelated
# sources of 1.2, 1.4 and 1 s, 25 fps, 320x240 = 90 frames (x264's own
# scene-cut key frames left on).
ff -f lavfi -i testsrc2=s=320x240:r=25:d=1.2 -f lavfi -i mandelbrot=s=320x240:r=25 \
   -f lavfi -i smptebars=s=320x240:r=25:d=1 \
   -filter_complex "[1]trim=duration=1.4,setpts=PTS-STARTPTS[m];[0][m][2]concat=n=3:v=1:a=0,format=yuv420p" \
   $x264 $det cuts.mp4

# Audio only (AAC in M4A, PCM WAV), and audio with a cover picture.
ff -f lavfi -i sine=f=440:d=1 -c:a aac $det audio.m4a
ff -f lavfi -i sine=f=440:d=1 $det audio.wav
ff -f lavfi -i testsrc2=s=64x48 -frames:v 1 $det cover.png
ff -f lavfi -i sine=f=440:d=1 -i cover.png -map 0 -map 1 -c:a aac -c:v png \
   -disposition:v:0 attached_pic $det cover.m4a

# VP9 in WebM, 320x240, 25 fps, 2 s.
ff -f lavfi -i testsrc2=s=320x240:r=25:d=2 -c:v libvpx-vp9 -deadline realtime \
   -cpu-used 8 -b:v 200k $det vp9.webm

# Truncated at half: an MP4 whose index (moov) comes first, and a Matroska.
for f in h264.mp4 vfr.mkv; do
    size=$(wc -c < "$f")
    head -c $((size / 2)) "$f" > "trunc-$f"
done

# Bytes no demuxer recognises (white noise as raw samples).
ff -f lavfi -i anoisesrc=seed=7:d=0.2:r=8000 -f u8 -c:a pcm_u8 random.dat

# Odd and tiny sizes (FFV1 allows any size): 17x9 and 1x1, 10 fps, 1 s.
ff -f lavfi -i testsrc2=s=32x18:r=10:d=1 -vf scale=17:9 -pix_fmt yuv420p -c:v ffv1 $det tiny17x9.mkv
ff -f lavfi -i testsrc2=s=16x16:r=10:d=1 -vf scale=1:1 -pix_fmt yuv444p -c:v ffv1 $det tiny1x1.mkv

# Lone still pictures through FFmpeg: BMP, WebP, TIFF (64x48).
for e in bmp webp tiff; do
    ff -f lavfi -i testsrc2=s=64x48 -frames:v 1 $det "still.$e"
done
