#!/usr/bin/env python3
"""reference-distance.py — how far likeness's sharing-format lines are from
a reference hasher's, as the README's compatibility tables were measured.

Usage:
  reference-distance.py pdq REF.txt OURS.txt
      REF.txt: `pdq-photo-hasher FILE...` output; OURS.txt: `likeness hash
      --format pdq FILE...` (lines hash,quality,file; the reference's lines
      for pictures it refused may be absent).  Prints per size class (the
      longest side, read from the PNG or JPEG header) the count, how many
      are identical, the median and largest Hamming distance and the largest
      quality difference.
  reference-distance.py vpdq REFDIR OURSDIR
      Files NAME.txt of `vpdq-hash-video -o` and of `likeness hash --format
      vpdq --output-dir`: per file, its frames compared by frame number
      (lines frame,quality,hash,timestamp), with how many timestamps differ.

Exit status 0; 2 on bad usage.
"""
import os
import statistics
import struct
import sys


def picture_size(path):
    """(width, height) from a PNG IHDR or a JPEG SOF marker, else (0, 0)."""
    try:
        with open(path, "rb") as f:
            b = f.read(1 << 16)
    except OSError:
        return (0, 0)
    if b[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", b[16:24])
    i = 2
    while b[:2] == b"\xff\xd8" and i + 9 < len(b):
        if b[i] != 0xFF:
            i += 1
            continue
        m = b[i + 1]
        if m in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", b[i + 5:i + 9])
            return (w, h)
        if m in (0x01, 0xD8) or 0xD0 <= m <= 0xD7:
            i += 2
            continue
        i += 2 + struct.unpack(">H", b[i + 2:i + 4])[0]
    return (0, 0)


def size_class(w, h):
    side = max(w, h)
    for limit, name in ((512, "<=512"), (1024, "513-1024"), (2048, "1025-2048")):
        if side <= limit:
            return name
    return ">2048"


def distance(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def summary(name, dists, extra):
    return "%-26s n=%4d identical=%4d median=%5.1f max=%3d %s" % (
        name, len(dists), sum(1 for d in dists if d == 0), statistics.median(dists),
        max(dists), extra)


def pdq_lines(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split(",", 2)
            if len(parts) == 3 and len(parts[0]) == 64:
                out[parts[2]] = (parts[0], int(parts[1]))
    return out


def compare_pdq(ref_path, ours_path):
    ref, ours = pdq_lines(ref_path), pdq_lines(ours_path)
    classes = {}
    for f, (h, q) in ref.items():
        if f in ours:
            c = classes.setdefault(size_class(*picture_size(f)), ([], []))
            c[0].append(distance(h, ours[f][0]))
            c[1].append(abs(q - ours[f][1]))
    for name in ("<=512", "513-1024", "1025-2048", ">2048"):
        if name in classes:
            d, q = classes[name]
            print(summary(name, d, "quality_diff_max=%d" % max(q)))


def vpdq_lines(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) == 4:
                out[int(parts[0])] = parts
    return out


def compare_vpdq(ref_dir, ours_dir):
    for name in sorted(os.listdir(ref_dir)):
        theirs = os.path.join(ours_dir, name)
        if not os.path.exists(theirs):
            print("%-26s missing in %s" % (name, ours_dir))
            continue
        ref, ours = vpdq_lines(os.path.join(ref_dir, name)), vpdq_lines(theirs)
        common = [n for n in ours if n in ref]
        if not common:
            print("%-26s no frame in common" % name)
            continue
        d = [distance(ref[n][2], ours[n][2]) for n in common]
        times = sum(1 for n in common if ref[n][3] != ours[n][3])
        print(summary(name, d, "timestamps_differ=%d" % times))


def main(argv):
    if len(argv) != 4 or argv[1] not in ("pdq", "vpdq"):
        sys.stderr.write(__doc__)
        return 2
    (compare_pdq if argv[1] == "pdq" else compare_vpdq)(argv[2], argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
