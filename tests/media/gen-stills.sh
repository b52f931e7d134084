#!/bin/sh
# Still pictures for tests/unit/test_decode_stills.c, made with the ffmpeg
# CLI only, into OUT/stills.  Deterministic (bitexact, fixed sources).
# For every PNG X.png the raw RGB24 pixels it must decode to are in X.rgb.
# Usage: sh tests/media/gen-stills.sh OUT
set -eu
out=${1:?usage: gen-stills.sh OUT}/stills
mkdir -p "$out"
cd "$out"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
BX="-fflags +bitexact -flags:v +bitexact"
SRC="testsrc2=s=64x48:r=1"
# Same 64x48 picture in several PNG layouts; rgb.rgb is what all decode to.
ff -f lavfi -i "$SRC" -frames:v 1 -pix_fmt rgb24 -f rawvideo rgb.rgb
ff -f lavfi -i "$SRC" -frames:v 1 -pix_fmt rgb24 $BX rgb.png
ff -f lavfi -i "$SRC" -frames:v 1 -pix_fmt rgb48be $BX rgb16.png
ff -f lavfi -i "$SRC" -frames:v 1 -pix_fmt rgb24 -fflags +bitexact -flags:v +bitexact+ildct interlaced.png
# Alpha varying across the picture: RGB must come out as stored.
ff -f lavfi -i "$SRC" -frames:v 1 -vf "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='X*4'" \
   -pix_fmt rgba $BX rgba.png
ff -f lavfi -i "$SRC" -frames:v 1 -vf format=gray -pix_fmt gray $BX gray.png
ff -f lavfi -i "$SRC" -frames:v 1 -vf format=gray -pix_fmt gray -f rawvideo gray.raw
ff -f lavfi -i "$SRC" -frames:v 1 -vf "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='X*4'" \
   -pix_fmt pal8 $BX pal.png
ff -i pal.png -pix_fmt rgb24 -f rawvideo pal.rgb
ff -i rgba.png -pix_fmt rgba -f rawvideo rgba.raw
ff -i rgb16.png -pix_fmt rgb48be -f rawvideo rgb16.raw
# Tiny and odd sizes.
ff -f lavfi -i color=c=0x336699:s=16x16 -frames:v 1 -vf format=rgb24,crop=1:1:0:0 -pix_fmt rgb24 $BX 1x1.png
ff -i 1x1.png -pix_fmt rgb24 -f rawvideo 1x1.rgb
ff -f lavfi -i "$SRC" -frames:v 1 -vf format=rgb24,crop=17:9:5:3 -pix_fmt rgb24 $BX 17x9.png
ff -i 17x9.png -pix_fmt rgb24 -f rawvideo 17x9.rgb
# 8K, and what an area reduction to 512x288 gives.
ff -f lavfi -i testsrc2=s=7680x4320 -frames:v 1 -pix_fmt rgb24 -compression_level 1 $BX big.png
ff -i big.png -vf scale=512:288:flags=area -pix_fmt rgb24 -f rawvideo big512.rgb
ff -i big.png -q:v 3 -pix_fmt yuvj420p $BX big.jpg
# JPEG: a 64x48 and a non-square 96x40 one (EXIF rotation is added by the test).
ff -f lavfi -i "$SRC" -frames:v 1 -q:v 2 -pix_fmt yuvj444p $BX base.jpg
ff -i base.jpg -pix_fmt rgb24 -f rawvideo base.rgb
ff -f lavfi -i testsrc2=s=96x40 -frames:v 1 -q:v 2 -pix_fmt yuvj420p $BX wide.jpg
# Letterbox (black bars 60 rows) and pillarbox (blue-grey bars 80 columns).
ff -f lavfi -i testsrc2=s=640x240 -frames:v 1 -vf pad=640:360:0:60:black -pix_fmt rgb24 $BX letterbox.png
ff -f lavfi -i testsrc2=s=480x360 -frames:v 1 -vf pad=640:360:80:0:0x2040a0 -pix_fmt rgb24 $BX pillarbox.png
ff -i letterbox.png -q:v 3 -pix_fmt yuvj420p $BX letterbox.jpg
ff -f lavfi -i color=c=0x808080:s=320x240 -frames:v 1 -pix_fmt rgb24 $BX uniform.png
# Animated PNG: its first frame is frame 0 of the source.
ff -f lavfi -i "testsrc2=s=64x48:r=5" -frames:v 3 -plays 0 -f apng $BX anim.png
# Damaged and not media at all.
size=$(wc -c < letterbox.png); head -c $((size / 2)) letterbox.png > trunc.png
size=$(wc -c < big.jpg); head -c $((size / 2)) big.jpg > trunc.jpg
ff -f lavfi -i "anoisesrc=d=0.05:seed=7:a=1" -f u8 -ac 1 -ar 44100 random.bin
: > empty.png
