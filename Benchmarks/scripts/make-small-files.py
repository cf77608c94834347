#!/usr/bin/env python3
"""Make N distinct small valid JPEGs for import benchmarks (standard library only).

    Benchmarks/scripts/make-small-files.py [--count 100000] [--per-folder 1000] [--seed 1] OUT

Each file is a minimal JPEG, 2-6 KB: SOI, APP1 Exif (IFD0 Make/Model, Exif IFD DateTimeOriginal
and, for ~60 %, OffsetTimeOriginal), COM (a unique text, then seeded random padding), SOF0
(a plausible pixel size), SOS with a few bytes of scan data, EOI -- the layout of JPEGFixture in
Tests/MediaStoreTests/Support/Fixtures.swift. Nothing decodes the pixels; MediaKit reads the
headers and hashes the bytes, which is what an import of many small files stresses.

Files go to OUT/dNNN/IMG_NNNNNNN.jpg, --per-folder per folder. Deterministic: file i is the same
for every N > i and every run. Idempotent: when OUT/.manifest (hidden, so imports skip it) names
the same parameters, nothing is written. The folder is built as OUT.partial and renamed; an
existing OUT without a .manifest is never replaced. Prints OUT on stdout.
"""
import argparse
import os
import random
import shutil
import struct
import sys

VERSION = "make-small-files 1"

CAMERAS = [
    (b"Apple", b"iPhone 13 Pro", 4032, 3024),
    (b"Google", b"Pixel 7", 4080, 3072),
    (b"samsung", b"SM-G991B", 4000, 3000),
    (b"Canon", b"Canon EOS R6", 5472, 3648),
    (b"NIKON CORPORATION", b"NIKON D7000", 4928, 3264),
    (b"SONY", b"ILCE-7M3", 6000, 4000),
]
OFFSETS = ["-08:00", "-05:00", "+00:00", "+01:00", "+02:00", "+05:30", "+09:00", "+10:00"]
FIRST = 1136073600  # 2006-01-01T00:00:00
SPAN = 631152000    # 20 years


def tiff_block(ifd0, exif):
    """A little-endian TIFF block: IFD0 entries + a pointer to the Exif IFD. Entries: (tag, ascii bytes)."""
    ifd0_size = 2 + (len(ifd0) + 1) * 12 + 4
    exif_offset = 8 + ifd0_size
    exif_size = 2 + len(exif) * 12 + 4
    data_offset = exif_offset + exif_size
    data = bytearray()

    def entry(tag, payload):
        nonlocal data_offset
        if len(payload) <= 4:
            return struct.pack("<HHI", tag, 2, len(payload)) + payload.ljust(4, b"\0")
        at = data_offset
        data.extend(payload)
        data_offset += len(payload)
        return struct.pack("<HHII", tag, 2, len(payload), at)

    out = bytearray(b"II" + struct.pack("<HI", 42, 8))
    out += struct.pack("<H", len(ifd0) + 1)
    for tag, payload in ifd0:
        out += entry(tag, payload)
    out += struct.pack("<HHII", 0x8769, 4, 1, exif_offset) + struct.pack("<I", 0)
    out += struct.pack("<H", len(exif))
    for tag, payload in exif:
        out += entry(tag, payload)
    out += struct.pack("<I", 0) + data
    return bytes(out)


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(i, seed):
    r = random.Random(seed * 1_000_003 + i)
    make, model, w, h = CAMERAS[r.randrange(len(CAMERAS))]
    t = FIRST + r.randrange(SPAN)
    days, secs = divmod(t, 86400)
    # civil from days (Howard Hinnant)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    date = "%04d:%02d:%02d %02d:%02d:%02d" % (y, m, d, secs // 3600, secs % 3600 // 60, secs % 60)
    exif = [(0x9003, date.encode() + b"\0")]
    if r.random() < 0.6:
        exif.append((0x9011, OFFSETS[r.randrange(len(OFFSETS))].encode() + b"\0"))
    app1 = b"Exif\0\0" + tiff_block([(0x010F, make + b"\0"), (0x0110, model + b"\0")], exif)
    if r.random() < 0.25:
        w, h = h, w
    comment = ("mediabench small file %d seed %d " % (i, seed)).encode() + r.randbytes(r.randrange(1000, 3000)).hex().encode()
    sof = bytes([8]) + struct.pack(">HH", h, w) + bytes([1, 1, 0x11, 0])
    sos = bytes([1, 1, 0, 0, 0x3F, 0])
    return (b"\xFF\xD8" + segment(0xE1, app1) + segment(0xFE, comment) + segment(0xC0, sof)
            + segment(0xDA, sos) + b"\x00\xFF\xD9")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--per-folder", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    manifest = "%s\ncount %d\nper-folder %d\nseed %d\n" % (VERSION, a.count, a.per_folder, a.seed)
    mpath = os.path.join(out, ".manifest")
    if os.path.exists(mpath) and open(mpath).read() == manifest:
        print(out)
        return
    if os.path.exists(out) and not os.path.exists(mpath) and os.listdir(out):
        sys.exit("make-small-files: %s exists and was not made by this script; refusing to replace it" % out)
    partial = out + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    total = 0
    for i in range(a.count):
        folder = os.path.join(partial, "d%03d" % (i // a.per_folder))
        if i % a.per_folder == 0:
            os.makedirs(folder, exist_ok=True)
        data = jpeg(i, a.seed)
        total += len(data)
        with open(os.path.join(folder, "IMG_%07d.jpg" % i), "wb") as f:
            f.write(data)
        if (i + 1) % 20000 == 0:
            print("make-small-files: %d files" % (i + 1), file=sys.stderr)
    with open(os.path.join(partial, ".manifest"), "w") as f:
        f.write(manifest)
    shutil.rmtree(out, ignore_errors=True)
    os.rename(partial, out)
    print("make-small-files: %d files, %.1f MiB" % (a.count, total / 1048576), file=sys.stderr)
    print(out)


if __name__ == "__main__":
    main()
