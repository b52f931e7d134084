#!/bin/sh
# Remakes the seed inputs of the decoder fuzz targets (tests/fuzz/corpus/
# png, jpeg, ffmpeg) with the ffmpeg CLI and the pictures of tests/media:
# small files of every layout and container the readers handle, and a few
# damaged or hostile ones.  The committed seeds were made by this script;
# inputs that fuzzing found are added next to them by hand (named
# crash-*, leak-* or regress-*) and are never removed by it.
# Usage: sh tests/fuzz/make-seeds.sh MEDIA_DIR   (normally build/media)
set -eu
media=${1:?usage: make-seeds.sh MEDIA_DIR}
here=$(cd "$(dirname "$0")" && pwd)
c=$here/corpus
mkdir -p "$c/png" "$c/jpeg" "$c/ffmpeg"
ff() { ffmpeg -nostdin -hide_banner -v error -y -fflags +bitexact -flags:v +bitexact "$@"; }
src="testsrc2=s=32x18"

# PNG: every colour type and depth, Adam7, APNG, damage, a huge header.
for f in 1x1 17x9 gray rgb rgb16 rgba pal interlaced anim; do
    cp "$media/stills/$f.png" "$c/png/$f.png"
done
ff -f lavfi -i "$src" -frames:v 1 -pix_fmt gray16be "$c/png/gray16.png"
ff -f lavfi -i "$src" -frames:v 1 -pix_fmt ya8 "$c/png/gray-alpha.png"
ff -f lavfi -i "$src" -frames:v 1 -pix_fmt monob "$c/png/mono.png"
ff -f lavfi -i "$src" -frames:v 1 -pix_fmt rgba64be -flags:v +ildct "$c/png/rgba64-interlaced.png"
head -c 300 "$media/stills/rgb.png" >"$c/png/cut.png"

# JPEG: 4:4:4, 4:2:0, 4:2:2, grey, progressive, restart markers, damage.
cp "$media/stills/base.jpg" "$c/jpeg/base444.jpg"
cp "$media/stills/wide.jpg" "$c/jpeg/wide420.jpg"
ff -f lavfi -i "$src" -frames:v 1 -pix_fmt yuvj422p -q:v 5 "$c/jpeg/small422.jpg"
ff -f lavfi -i "$src" -frames:v 1 -pix_fmt gray -q:v 5 "$c/jpeg/gray.jpg"
ff -f lavfi -i "$src" -frames:v 1 -pix_fmt yuvj420p -q:v 5 -huffman default "$c/jpeg/default-huffman.jpg"
n=$(wc -c <"$c/jpeg/base444.jpg")
head -c $((n / 2)) "$c/jpeg/base444.jpg" >"$c/jpeg/cut.jpg"
{ head -c $((n / 2)) "$c/jpeg/base444.jpg"; printf '\377\331'; } >"$c/jpeg/cut-eoi.jpg"

# What the ffmpeg CLI cannot make: progressive, CMYK and EXIF-rotated JPEGs
# and headers declaring huge pictures (the budgets of decode.h), by a small
# TurboJPEG/zlib program built here.
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
cat >"$tool/seed.c" <<'CEOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <zlib.h>
static unsigned char *in(const char *p, unsigned long *n) {
    FILE *f = fopen(p, "rb"); fseek(f, 0, SEEK_END); *n = (unsigned long)ftell(f); rewind(f);
    unsigned char *b = malloc(*n); if (fread(b, 1, *n, f) != *n) exit(1); fclose(f); return b;
}
static void out(const char *p, const void *b, unsigned long n) {
    FILE *f = fopen(p, "wb"); fwrite(b, 1, n, f); fclose(f);
}
static void size(unsigned char *b, unsigned long n, int w, int h) { /* first SOF */
    unsigned long p = 2;
    while (p + 9 < n && (b[p + 1] < 0xc0 || b[p + 1] > 0xc2)) p += 2 + (b[p + 2] << 8 | b[p + 3]);
    b[p + 5] = h >> 8, b[p + 6] = h & 255, b[p + 7] = w >> 8, b[p + 8] = w & 255;
}
static void be32(unsigned char *p, unsigned v) { p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v; }
int main(int argc, char **argv) {
    unsigned long n, pn = 0, cn = 0; unsigned char *jpg = in(argv[1], &n), *prog = NULL, *cmyk = NULL;
    const char *dir = argv[2]; char p[4096];
    tjhandle t = tjInitTransform(); tjtransform xf; memset(&xf, 0, sizeof xf);
    xf.options = TJXOPT_PROGRESSIVE;
    tjTransform(t, jpg, n, 1, &prog, &pn, &xf, 0);
    snprintf(p, sizeof p, "%s/jpeg/progressive.jpg", dir); out(p, prog, pn);
    size(prog, pn, 16384, 16384);
    snprintf(p, sizeof p, "%s/jpeg/progressive-16k-header.jpg", dir); out(p, prog, pn);
    int w, h, sub, cs; tjhandle d = tjInitDecompress(); tjDecompressHeader3(d, jpg, n, &w, &h, &sub, &cs);
    unsigned char *px = malloc((size_t)w * h * 4); tjDecompress2(d, jpg, n, px, w, 0, h, TJPF_CMYK, 0);
    tjhandle c = tjInitCompress(); tjCompress2(c, px, w, 0, h, TJPF_CMYK, &cmyk, &cn, TJSAMP_444, 80, 0);
    snprintf(p, sizeof p, "%s/jpeg/cmyk.jpg", dir); out(p, cmyk, cn);
    static const unsigned char exif[] = { 0xff, 0xe1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0,
        8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0 };
    unsigned char *e = malloc(n + sizeof exif); memcpy(e, jpg, 2); memcpy(e + 2, exif, sizeof exif);
    memcpy(e + 2 + sizeof exif, jpg + 2, n - 2);
    snprintf(p, sizeof p, "%s/jpeg/exif-rotate90.jpg", dir); out(p, e, n + sizeof exif);
    unsigned char png[256] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
    be32(png + 16, 16384), be32(png + 20, 16384), png[24] = 8, png[25] = 2, png[28] = 1;
    be32(png + 29, (unsigned)crc32(0, png + 12, 17));
    unsigned char row[64] = { 0 }, z[128]; uLongf zn = sizeof z; compress(z, &zn, row, sizeof row);
    be32(png + 33, (unsigned)zn); memcpy(png + 37, "IDAT", 4); memcpy(png + 41, z, zn);
    be32(png + 41 + zn, (unsigned)crc32(0, png + 37, 4 + zn));
    memcpy(png + 45 + zn, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
    snprintf(p, sizeof p, "%s/png/interlaced-16k-header.png", dir); out(p, png, 57 + zn);
    return 0;
}
CEOF
cc -o "$tool/seed" "$tool/seed.c" -lturbojpeg -lz
"$tool/seed" "$media/stills/base.jpg" "$c"

# FFmpeg: containers and codecs, animated pictures, odd sizes, audio only.
ff -f lavfi -i "$src:r=10:d=0.3" -c:v libx264 -preset ultrafast -pix_fmt yuv420p -x264-params threads=1 "$c/ffmpeg/h264.mp4"
ff -i "$c/ffmpeg/h264.mp4" -c copy -metadata:s:v:0 rotate=90 "$c/ffmpeg/h264-rotated.mov"
ff -f lavfi -i "$src:r=10:d=0.3" -c:v libx265 -preset ultrafast -x265-params log-level=none:pools=1 "$c/ffmpeg/hevc.mkv"
ff -f lavfi -i "$src:r=10:d=0.3" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 "$c/ffmpeg/vp9.webm"
ff -f lavfi -i "$src:r=10:d=0.3" -c:v mpeg2video "$c/ffmpeg/mpeg2.mpg"
ff -f lavfi -i "$src:r=10:d=0.3" -c:v mjpeg "$c/ffmpeg/mjpeg.avi"
ff -f lavfi -i "$src:r=10:d=0.3" -vf format=yuva420p -c:v ffv1 "$c/ffmpeg/ffv1-alpha.mkv"
ff -f lavfi -i "$src:r=10:d=0.3" "$c/ffmpeg/anim.gif"
ff -f lavfi -i "$src:r=10:d=0.3" -plays 0 -f apng "$c/ffmpeg/anim.apng"
ff -f lavfi -i "$src:r=10:d=0.3" -c:v libwebp_anim "$c/ffmpeg/anim.webp"
for e in bmp tiff; do ff -f lavfi -i "$src" -frames:v 1 "$c/ffmpeg/still.$e"; done
cp "$media/tiny1x1.mkv" "$c/ffmpeg/ffv1-1x1.mkv"
ff -f lavfi -i sine=f=440:d=0.1 -c:a pcm_u8 "$c/ffmpeg/audio.wav"
n=$(wc -c <"$c/ffmpeg/h264.mp4")
head -c $((n / 2)) "$c/ffmpeg/h264.mp4" >"$c/ffmpeg/cut.mp4"
# A GIF whose 5 frames sit on a 16000x16000 canvas (refused from the header).
le16() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8)))"; }
{ printf 'GIF89a'; le16 16000; le16 16000; printf '\200\000\000\000\000\000\377\377\377'
  for i in 1 2 3 4 5; do
      printf '\041\371\004\000\012\000\000\000\054\000\000\000\000\001\000\001\000\000'
      printf '\002\002\104\001\000'
  done
  printf '\073'; } >"$c/ffmpeg/canvas-16k.gif"
