#!/usr/bin/env python3
"""Plans the benchmark JPEG corpus for make-corpus.sh (standard library only).

usage: corpus-plan.py N STAGE WORK CORPUS
       corpus-plan.py --sources CORPUS      (lists the source photos)

Everything random comes from random.Random seeded with a fixed string per image, so the
plan (and with it every output byte) depends only on N's prefix, the source photos and the
tool versions: image i is the same whatever N is, and a larger N only appends images.

Writes, for make-corpus.sh to run:
  WORK/noise.jobs   one shell command per line: the gaussian noise fields (one per sigma)
  WORK/prep.jobs    one shell command per line: upright copies of the rotated sources
  WORK/render.jobs  one shell command per line: render img-NNNN.jpg and its EXIF thumbnail
  WORK/exif.args    the exiftool argument file (-execute between files)
  STAGE/truth.jsonl one JSON object per image, what its metadata should read as
"""
import concurrent.futures
import datetime
import math
import json
import os
import random
import shlex
import subprocess
import sys

SEED = "mediakit-corpus-v1"

# Natural photos of the development corpus (JPEG, >= 1 MP, decodable, not near-duplicates of
# each other). Left out: exif-samples/jpg/corrupted.jpg (broken), hdr/iphone_hdr_YES.jpg (same
# scene as _NO), tests/67-0_length_string.jpg (flat grey), Leica T (Typ 701).jpg (mostly a flat
# grey wall: its crops would look alike), Pentax ist D.jpg (a screenshot of text),
# Sony DSC-P12.jpg (black frame).
SOURCES = [
    "exif-samples/jpg/Reconyx_HC500_Hyperfire.jpg",
    "exif-samples/jpg/hdr/iphone_hdr_NO.jpg",
    "exif-samples/jpg/mobile/HMD_Nokia_8.3_5G.jpg",
    "exif-samples/jpg/mobile/jolla.jpg",
    "exif-samples/jpg/tests/22-canon_tags.jpg",
    "exif-samples/jpg/tests/30-type_error.jpg",
    "exif-samples/jpg/tests/33-type_error.jpg",
    "exif-samples/jpg/tests/35-empty.jpg",
    "exif-samples/jpg/tests/36-memory_error.jpg",
    "exif-samples/jpg/tests/45-gps_ifd.jpg",
    "exif-samples/jpg/tests/87_OSError.jpg",
    "metadata-extractor-images/jpg/Apple iPhone 4.jpg",
    "metadata-extractor-images/jpg/Apple iPhone 5.jpg",
    "metadata-extractor-images/jpg/Apple iPhone 6.jpg",
    "metadata-extractor-images/jpg/Blackberry Z10.jpg",
    "metadata-extractor-images/jpg/Canon EOS 5D.jpg",
    "metadata-extractor-images/jpg/Canon EOS D60.jpg",
    "metadata-extractor-images/jpg/Canon IXUS 300.jpg",
    "metadata-extractor-images/jpg/Canon PowerShot G11.jpg",
    "metadata-extractor-images/jpg/Casio EX-Z3.jpg",
    "metadata-extractor-images/jpg/Epson PhotoPC 3000Z.jpg",
    "metadata-extractor-images/jpg/FujiFilm FinePix F40fd.jpg",
    "metadata-extractor-images/jpg/FujiFilm FinePixS5500.jpg",
    "metadata-extractor-images/jpg/HP PhotoSmart C812.jpg",
    "metadata-extractor-images/jpg/HTC One.jpg",
    "metadata-extractor-images/jpg/Kodak DX6490.jpg",
    "metadata-extractor-images/jpg/Kyocera FC-S3.jpg",
    "metadata-extractor-images/jpg/Motorola XT1068 (Moto G).jpg",
    "metadata-extractor-images/jpg/Nexus 4.jpg",
    "metadata-extractor-images/jpg/Nikon E995 (iptc).jpg",
    "metadata-extractor-images/jpg/Nokia 3110c (Mobile Phone).jpg",
    "metadata-extractor-images/jpg/Nokia Lumia 800.jpg",
    "metadata-extractor-images/jpg/Olympus C720UZ.jpg",
    "metadata-extractor-images/jpg/Olympus PEN E-P3.jpg",
    "metadata-extractor-images/jpg/Oppo R7 Plus.jpg",
    "metadata-extractor-images/jpg/Panasonic DMC-LC40.jpg",
    "metadata-extractor-images/jpg/Pentax Optio 330.jpg",
    "metadata-extractor-images/jpg/Reconyx HF2 Pro Covert.jpg",
    "metadata-extractor-images/jpg/Samsung GT-I9505 (Galaxy S4).jpg",
    "metadata-extractor-images/jpg/Samsung SM-J327T1.jpg",
    "metadata-extractor-images/jpg/Sanyo S1.JPG",
    "metadata-extractor-images/nef/Issue 247-1.nef",  # a JPEG despite its name
]

# First crop window tried for the k-th use of a source: (size as a fraction of the largest 4:3
# window, x anchor, y anchor, mirror; mirror is flipped for odd sources). Then random ones.
WINDOWS = [
    (0.64, 0.0, 0.0, False),
    (0.64, 1.0, 1.0, True),
    (0.56, 1.0, 0.0, False),
    (0.56, 0.0, 1.0, True),
    (0.44, 0.5, 0.5, True),
]

W, H = 4032, 3024  # stored pixels of every output (portrait ones carry Orientation 6)
POOL_MARGIN = 128  # the noise fields are this much larger; each image takes its own window

# Cameras: Make / Model / LensModel exactly as those devices store them.
# era: dates are drawn from the years the device was current; offset: "always", "never" or
# the first date whose files carry OffsetTime* (iOS 11 for the iPhone 6).
CAMERAS = [
    dict(make="Apple", model="iPhone 4S", lens_make="Apple", lens="iPhone 4S back camera 4.28mm f/2.4",
         software=["5.1.1", "6.1.3", "7.1.2"], fl=[4.28], fnum=[2.4], fl35=35, phone=True,
         era=("2011-10-20", "2015-06-30"), offset="never", subsec=3, gps=0.95, weight=8,
         iso=[50, 64, 80, 125, 200, 400, 800, 1000]),
    dict(make="samsung", model="GT-I9505", lens_make=None, lens=None,
         software=["I9505XXUBMEA", "I9505XXUEML1"], fl=[4.2], fnum=[2.2], fl35=31, phone=True,
         era=("2013-05-01", "2016-12-31"), offset="never", subsec=0, gps=0.9, weight=6,
         iso=[50, 80, 100, 125, 200, 400, 800]),
    dict(make="Canon", model="Canon EOS 5D Mark II", lens_make=None, lens="EF24-105mm f/4L IS USM",
         software=["Firmware Version 2.1.2"], fl=[24, 28, 35, 50, 70, 105], fnum=[4.0, 5.6, 8.0, 11.0],
         fl35=None, phone=False, era=("2010-01-01", "2016-12-31"), offset="never", subsec=2, gps=0.0,
         weight=6, iso=[100, 200, 400, 800, 1600, 3200]),
    dict(make="NIKON CORPORATION", model="NIKON D7000", lens_make=None, lens=None,
         software=["Ver.1.03"], fl=[18, 24, 35, 50, 70, 105], fnum=[3.5, 5.6, 8.0, 11.0], fl35=None,
         phone=False, era=("2010-11-01", "2017-12-31"), offset="never", subsec=2, gps=0.2, weight=5,
         iso=[100, 200, 400, 800, 1600, 3200]),
    dict(make="Apple", model="iPhone 6", lens_make="Apple", lens="iPhone 6 back camera 4.15mm f/2.2",
         software=["9.3.2", "10.3.3", "11.4.1", "12.4.1"], fl=[4.15], fnum=[2.2], fl35=29, phone=True,
         era=("2014-09-19", "2019-12-31"), offset="2017-09-19", subsec=3, gps=0.95, weight=10,
         iso=[32, 50, 64, 100, 160, 250, 400, 640, 1000]),
    dict(make="SONY", model="ILCE-7M3", lens_make=None, lens="FE 24-70mm F2.8 GM",
         software=["ILCE-7M3 v3.01", "ILCE-7M3 v4.01"], fl=[24, 28, 35, 50, 70], fnum=[2.8, 4.0, 5.6, 8.0],
         fl35=None, phone=False, era=("2018-04-01", "2025-10-31"), offset="never", subsec=0, gps=0.25,
         weight=6, iso=[100, 200, 400, 800, 1600, 3200, 6400]),
    dict(make="Apple", model="iPhone 13 Pro", lens_make="Apple", lens="iPhone 13 Pro back triple camera 5.7mm f/1.5",
         software=["15.4.1", "16.6", "17.5.1", "18.1"], fl=[5.7], fnum=[1.5], fl35=26, phone=True,
         era=("2021-09-24", "2025-10-31"), offset="always", subsec=3, gps=0.95, weight=16,
         iso=[32, 50, 64, 100, 160, 250, 400, 640, 1000, 1600]),
    dict(make="Google", model="Pixel 7", lens_make="Google", lens="Pixel 7 back camera 6.81mm f/1.85",
         software=["HDR+ 1.0.492346736zd", "HDR+ 1.0.540104767zd"], fl=[6.81], fnum=[1.85], fl35=24,
         phone=True, era=("2022-10-13", "2025-10-31"), offset="always", subsec=3, gps=0.92, weight=12,
         iso=[45, 60, 100, 150, 250, 400, 700, 1200]),
    dict(make="samsung", model="SM-G991B", lens_make=None, lens=None,
         software=["G991BXXU3AUE1", "G991BXXS5CVJA", "G991BXXSADWK2"], fl=[5.4], fnum=[1.8], fl35=26,
         phone=True, era=("2021-01-29", "2025-10-31"), offset="always", subsec=3, gps=0.9, weight=12,
         iso=[50, 64, 100, 125, 200, 320, 500, 800, 1250]),
    dict(make="Canon", model="Canon EOS R6", lens_make=None, lens="RF24-105mm F4 L IS USM",
         software=["Firmware Version 1.5.0", "Firmware Version 1.8.1"], fl=[24, 35, 50, 70, 105],
         fnum=[4.0, 5.6, 8.0, 11.0], fl35=None, phone=False, era=("2020-08-27", "2025-10-31"),
         offset="always", subsec=2, gps=0.35, weight=6, iso=[100, 200, 400, 800, 1600, 3200, 6400]),
    dict(make="FUJIFILM", model="X-T4", lens_make="FUJIFILM", lens="XF16-55mmF2.8 R LM WR",
         software=["Digital Camera X-T4 Ver1.30", "Digital Camera X-T4 Ver2.00"], fl=[16, 23, 35, 55],
         fnum=[2.8, 4.0, 5.6, 8.0], fl35=None, phone=False, era=("2020-04-28", "2025-10-31"),
         offset="never", subsec=0, gps=0.25, weight=5, iso=[160, 320, 640, 1250, 2500, 5000]),
]

# (name, latitude, longitude, altitude m, standard UTC offset in minutes, DST: N / S / None)
CITIES = [
    ("Paris", 48.8566, 2.3522, 35, 60, "N"),
    ("New York", 40.7128, -74.0060, 10, -300, "N"),
    ("Tokyo", 35.6762, 139.6503, 40, 540, None),
    ("Sydney", -33.8688, 151.2093, 58, 600, "S"),
    ("Sao Paulo", -23.5505, -46.6333, 760, -180, None),
    ("Cape Town", -33.9249, 18.4241, 25, 120, None),
    ("Reykjavik", 64.1466, -21.9426, 15, 0, None),
    ("Mumbai", 19.0760, 72.8777, 14, 330, None),
    ("Kathmandu", 27.7172, 85.3240, 1400, 345, None),
    ("Los Angeles", 34.0522, -118.2437, 90, -480, "N"),
    ("Buenos Aires", -34.6037, -58.3816, 25, -180, None),
    ("Auckland", -36.8485, 174.7633, 20, 720, "S"),
    ("Denver", 39.7392, -104.9903, 1609, -420, "N"),
    ("Dead Sea", 31.2000, 35.3600, -400, 120, "N"),
    ("Berlin", 52.5200, 13.4050, 34, 60, "N"),
    ("Singapore", 1.3521, 103.8198, 15, 480, None),
    ("Honolulu", 21.3069, -157.8583, 5, -600, None),
    ("Quito", -0.1807, -78.4678, 2850, -300, None),
    ("Nairobi", -1.2921, 36.8219, 1795, 180, None),
    ("St. John's", 47.5615, -52.7126, 60, -210, "N"),
    ("London", 51.5072, -0.1276, 11, 0, "N"),
    ("Lisbon", 38.7223, -9.1393, 45, 0, "N"),
]

EXPOSURES = [8000, 4000, 2000, 1000, 500, 250, 125, 120, 100, 60, 50, 30, 15]


def sigma_for_iso(iso):
    """Noise standard deviation (8-bit levels) that goes with an ISO setting."""
    if iso <= 50:
        return 5
    if iso <= 125:
        return 6
    if iso <= 640:
        return 7
    return 8


def offset_text(minutes):
    sign = "+" if minutes >= 0 else "-"
    m = abs(minutes)
    return f"{sign}{m // 60:02d}:{m % 60:02d}"


def dst_minutes(rule, month):
    if rule == "N" and 4 <= month <= 10:
        return 60
    if rule == "S" and (month >= 10 or month <= 3):
        return 60
    return 0


class Thumb:
    """Grey thumbnail of an upright source (256 px long edge) with an integral image, for
    judging crop windows: detail, pHash and dHash of a window (see edge, phash, dhash)."""

    def __init__(self, ppm, src_w, src_h):
        with open(ppm, "rb") as fh:
            data = fh.read()
        fields, pos = [], 0
        while len(fields) < 4:  # P6 header: magic, width, height, maxval, one whitespace
            while data[pos:pos + 1].isspace() or data[pos:pos + 1] == b"#":
                if data[pos:pos + 1] == b"#":  # comment (vips writes one) up to the line end
                    pos = data.index(b"\n", pos)
                pos += 1
            start = pos
            while not data[pos:pos + 1].isspace():
                pos += 1
            fields.append(data[start:pos])
        pos += 1
        assert fields[0] == b"P6" and fields[3] == b"255", ppm
        self.w, self.h = int(fields[1]), int(fields[2])
        self.sx, self.sy = self.w / src_w, self.h / src_h
        px = data[pos:pos + 3 * self.w * self.h]
        ii = [[0.0] * (self.w + 1)]
        for y in range(self.h):
            row, acc, prev = [0.0], 0.0, ii[-1]
            for x in range(self.w):
                o = 3 * (y * self.w + x)
                acc += 0.299 * px[o] + 0.587 * px[o + 1] + 0.114 * px[o + 2]
                row.append(prev[x + 1] + acc)
            ii.append(row)
        self.ii = ii

    def grid(self, x, y, w, h, mirror, nx=32, ny=32):
        """nx x ny block means of the source window (x, y, w, h), mirrored if asked."""
        ii = self.ii
        xs = [min(self.w, max(0, round((x + w * j / nx) * self.sx))) for j in range(nx + 1)]
        ys = [min(self.h, max(0, round((y + h * j / ny) * self.sy))) for j in range(ny + 1)]
        for j in range(nx):  # at least one thumbnail pixel per cell
            xs[j + 1] = max(xs[j + 1], min(self.w, xs[j] + 1))
        for j in range(ny):
            ys[j + 1] = max(ys[j + 1], min(self.h, ys[j] + 1))
        out = []
        for r in range(ny):
            y0, y1 = ys[r], ys[r + 1]
            row = []
            for c in range(nx):
                x0, x1 = xs[c], xs[c + 1]
                area = max(1, (x1 - x0) * (y1 - y0))
                row.append((ii[y1][x1] - ii[y0][x1] - ii[y1][x0] + ii[y0][x0]) / area)
            out.append(row[::-1] if mirror else row)
        return out


_DCT = [[math.cos(math.pi * (2 * x + 1) * u / 64) for x in range(32)] for u in range(8)]


def phash(g):
    """64-bit pHash as imagehash computes it: DCT of 32 x 32 grey, top-left 8 x 8 against their median."""
    rows = [[sum(c * v for c, v in zip(_DCT[u], line)) for u in range(8)] for line in g]  # 32 x 8
    low = [sum(_DCT[u][y] * rows[y][v] for y in range(32)) for u in range(8) for v in range(8)]
    med = sorted(low)[31:33]
    med = (med[0] + med[1]) / 2
    return sum(1 << b for b, c in enumerate(low) if c > med)


def dhash(g):
    """64-bit dHash as imagehash computes it, from a 9 x 8 (columns x rows) reduction."""
    return sum(1 << (8 * r + c) for r in range(8) for c in range(8) if g[r][c + 1] > g[r][c])


def hamming(a, b):
    return bin(a ^ b).count("1")


MIN_EDGE = 2.5   # mean neighbour difference of the 32x32 reduction: below it, mostly empty sky
MIN_DIST = 14    # pHash and dHash bits from every earlier image (unrelated photos: ~32 on average)
MAX_IOU = 0.4    # intersection over union with the same source's earlier windows


def edge(g):
    n = len(g)
    t = sum(abs(g[r][c + 1] - g[r][c]) + abs(g[c + 1][r] - g[c][r]) for r in range(n) for c in range(n - 1))
    return t / (2 * n * (n - 1))


def iou(a, b):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(0, w) * max(0, h)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def candidates(k, s, rng):
    """Crop windows to try for the k-th use of source s: (fraction, x anchor, y anchor, mirror)."""
    if k < len(WINDOWS):
        f, ax, ay, mirror = WINDOWS[k]
        yield (f + rng.uniform(-0.03, 0.03), min(1.0, max(0.0, ax + rng.uniform(-0.06, 0.06))),
               min(1.0, max(0.0, ay + rng.uniform(-0.06, 0.06))), mirror != (s % 2 == 1))
    for _ in range(60):
        yield rng.uniform(0.36, 0.7), rng.random(), rng.random(), rng.random() < 0.5


def source_sizes(corpus):
    """Upright width, height and EXIF orientation of every source, one exiftool call."""
    paths = [os.path.join(corpus, "media", s) for s in SOURCES]
    out = subprocess.run(["exiftool", "-j", "-n", "-q", "-ImageWidth", "-ImageHeight", "-Orientation",
                          "-charset", "filename=utf8", "-@", "-"],
                         input="\n".join(paths) + "\n", capture_output=True, text=True, check=True).stdout
    by_path = {d["SourceFile"]: d for d in json.loads(out)}
    sizes = []
    for p in paths:
        d = by_path[p]
        w, h, o = d["ImageWidth"], d["ImageHeight"], d.get("Orientation") or 1
        if o >= 5:
            w, h = h, w
        sizes.append((w, h, o))
    return sizes


def main():
    if sys.argv[1] == "--sources":  # the source files, one per line, for the generator's identity
        print("\n".join(os.path.join(sys.argv[2], "media", s) for s in SOURCES))
        return
    n, stage, work, corpus = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    jobs = int(os.environ.get("MAKE_CORPUS_JOBS", "2"))
    q = shlex.quote
    sizes = source_sizes(corpus)
    order = list(range(len(SOURCES)))
    random.Random(SEED + ":order").shuffle(order)
    digits = max(4, len(str(n)))

    # Sources stored rotated get an upright copy once; the others are cropped straight from the file.
    prep, src_file = [], []
    for s, (w, h, o) in enumerate(sizes):
        path = os.path.join(corpus, "media", SOURCES[s])
        if o != 1:
            up = os.path.join(work, f"src-{s:02d}.v")
            prep.append(f"vips autorot {q(path)} {q(up)}")
            src_file.append(up)
        else:
            src_file.append(path)

    # Grey thumbnails of the sources in use, to judge crop windows.
    used = sorted(set(order[i % len(order)] for i in range(n)))
    def thumb(s):
        ppm = os.path.join(work, f"thumb-{s:02d}.ppm")
        subprocess.run(["vips", "thumbnail", os.path.join(corpus, "media", SOURCES[s]), ppm, "256",
                        "--height", "256"], check=True)
        return s, Thumb(ppm, sizes[s][0], sizes[s][1])
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        thumbs = dict(pool.map(thumb, used))
    hashes, windows, fallbacks, closest = [], {s: [] for s in used}, 0, 64

    render, exif, truth, sigmas = [], [], [], set()
    cam_weights = [c["weight"] for c in CAMERAS]
    for i in range(n):
        rng = random.Random(f"{SEED}:{i}")
        name = f"img-{i + 1:0{digits}d}.jpg"
        s = order[i % len(order)]
        k = i // len(order)
        sw, sh, _ = sizes[s]
        portrait = rng.random() < 0.10

        # Crop window: 4:3 (3:4 for portrait) so that the resize to 4032x3024 is exact. The
        # first candidate that has detail, shares little with this source's earlier windows and
        # is far (pHash) from every earlier image wins; its own random stream keeps the other
        # choices of this image independent of how many candidates were tried.
        aw, ah = (3, 4) if portrait else (4, 3)
        crop_rng = random.Random(f"{SEED}:{i}:crop")
        best = None
        for c, (f, ax, ay, mirror) in enumerate(candidates(k, s, crop_rng)):
            u = max(16, int(f * min(sw // aw, sh // ah)))
            win = (round(ax * (sw - aw * u)), round(ay * (sh - ah * u)), aw * u, ah * u)
            g = thumbs[s].grid(*win, mirror)
            h = (phash(g), dhash(thumbs[s].grid(*win, mirror, nx=9, ny=8)))
            dist = min((min(hamming(h[0], o[0]), hamming(h[1], o[1])) for o in hashes), default=64)
            ok = edge(g) >= MIN_EDGE and all(iou(win, o) <= MAX_IOU for o in windows[s])
            score = (ok, min(dist, MIN_DIST), dist if ok else 0, -c)
            if best is None or score > best[0]:
                best = (score, win, mirror, h, u, dist, ok)
            if ok and dist >= MIN_DIST:
                break
        _, (x, y, cw, ch), mirror, h, u, dist, ok = best
        if not (ok and dist >= MIN_DIST):
            fallbacks += 1
        closest = min(closest, dist)
        hashes.append(h)
        windows[s].append((x, y, cw, ch))
        scale = 1008 / u  # 4u x 3u -> 4032 x 3024

        gains = [rng.uniform(0.9, 1.1) for _ in range(3)]
        bright = rng.uniform(0.92, 1.08)
        mul = " ".join(f"{g * bright:.4f}" for g in gains)
        # (leading space: vips would take a first "-" for an option)
        add = " " + " ".join(f"{rng.uniform(-8, 8):.2f}" for _ in range(3))

        cam = rng.choices(CAMERAS, weights=cam_weights)[0]
        start = datetime.date.fromisoformat(cam["era"][0])
        end = datetime.date.fromisoformat(cam["era"][1])
        day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
        t = datetime.datetime(day.year, day.month, day.day, rng.choice(
            [7, 8, 9, 10, 11, 12, 12, 13, 14, 15, 15, 16, 17, 18, 19, 20, 21]),
            rng.randrange(60), rng.randrange(60))
        city = rng.choice(CITIES)
        zone = city[4] + dst_minutes(city[5], t.month)
        if cam["offset"] == "always":
            has_offset = True
        elif cam["offset"] == "never":
            has_offset = False
        else:
            has_offset = day >= datetime.date.fromisoformat(cam["offset"])
        offset = offset_text(zone) if has_offset else None
        ms = rng.randrange(1000)
        subsec = {3: f"{ms:03d}", 2: f"{ms // 10:02d}", 0: None}[cam["subsec"]]
        if subsec is None:
            ms = None
        elif cam["subsec"] == 2:
            ms = (ms // 10) * 10
        exif_date = t.strftime("%Y:%m:%d %H:%M:%S")
        captured = t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{ms:03d}" if ms is not None else "")

        iso = rng.choice(cam["iso"])
        sigma = sigma_for_iso(iso)
        sigmas.add(sigma)
        fnum = rng.choice(cam["fnum"])
        fl = rng.choice(cam["fl"])
        exposure = rng.choice(EXPOSURES[:-2] if iso <= 200 else EXPOSURES[4:])
        software = rng.choice(cam["software"])

        gps = rng.random() < cam["gps"]
        lat = lon = alt = None
        if gps:
            lat = round(city[1] + rng.uniform(-0.03, 0.03), 6)
            lon = round(city[2] + rng.uniform(-0.03, 0.03), 6)
            alt = round(city[3] + rng.uniform(-10, 40), 1)

        # Render: crop, mirror, turn portrait crops on their side (stored like a phone's sensor
        # readout, Orientation 6 turns them back), colour shift, upscale, add noise, JPEG q90 4:2:0.
        d = os.path.join(work, f"j{i:05d}")
        cmds = [f"mkdir -p {q(d)}",
                f"vips extract_area {q(src_file[s])} {q(d + '/a.v')} {x} {y} {cw} {ch}"]
        cur = d + "/a.v"
        if mirror:
            cmds.append(f"vips flip {q(cur)} {q(d + '/b.v')} horizontal")
            cur = d + "/b.v"
        if portrait:
            cmds.append(f"vips rot {q(cur)} {q(d + '/r.v')} d270")
            cur = d + "/r.v"
        cmds += [
            f"vips linear {q(cur)} {q(d + '/c.v')} {q(mul)} {q(add)} --uchar",
            f"vips thumbnail {q(d + '/c.v')} {q(os.path.join(work, 'thumbs', name) + '[Q=75,strip]')} 160 --height 160",
            f"vips resize {q(d + '/c.v')} {q(d + '/d.v')} {scale!r} --vscale {scale!r} --kernel linear",
            f"vips extract_area {q(os.path.join(work, f'noise-{sigma}.v'))} {q(d + '/n.v')} "
            f"{rng.randrange(POOL_MARGIN + 1)} {rng.randrange(POOL_MARGIN + 1)} {W} {H}",
            f"vips add {q(d + '/d.v')} {q(d + '/n.v')} {q(os.path.join(stage, name) + '[Q=90,subsample_mode=on,strip]')}",
            f"rm -rf {q(d)}",
        ]
        render.append(" && ".join(cmds))

        # Byte order as the maker writes it: Apple and Nikon big-endian, the others little-endian.
        tags = [("ExifByteOrder", "MM" if cam["make"] in ("Apple", "NIKON CORPORATION") else "II"),
                ("Make", cam["make"]), ("Model", cam["model"])]
        if cam["lens_make"]:
            tags.append(("LensMake", cam["lens_make"]))
        if cam["lens"]:
            tags.append(("LensModel", cam["lens"]))
        tags += [("Software", software), ("Orientation#", 6 if portrait else 1),
                 ("XResolution", 72), ("YResolution", 72), ("ResolutionUnit#", 2), ("YCbCrPositioning#", 1),
                 ("ModifyDate", exif_date), ("DateTimeOriginal", exif_date), ("CreateDate", exif_date)]
        if subsec is not None:
            tags += [("SubSecTime", subsec), ("SubSecTimeOriginal", subsec), ("SubSecTimeDigitized", subsec)]
        if offset is not None:
            tags += [("OffsetTime", offset), ("OffsetTimeOriginal", offset), ("OffsetTimeDigitized", offset)]
        tags += [("ExposureTime", f"1/{exposure}"), ("FNumber", fnum), ("ExposureProgram#", 2 if cam["phone"] else 3),
                 ("ISO", iso), ("FocalLength", fl), ("MeteringMode#", 5), ("Flash#", 16), ("WhiteBalance#", 0),
                 ("ColorSpace#", 1), ("ExifImageWidth", W), ("ExifImageHeight", H)]
        if cam["fl35"]:
            tags.append(("FocalLengthIn35mmFormat", cam["fl35"]))
        if gps:
            tags += [("GPSVersionID", "2.2.0.0"),
                     ("GPSLatitude", abs(lat)), ("GPSLatitudeRef", "N" if lat >= 0 else "S"),
                     ("GPSLongitude", abs(lon)), ("GPSLongitudeRef", "E" if lon >= 0 else "W"),
                     ("GPSAltitude", abs(alt)), ("GPSAltitudeRef#", 0 if alt >= 0 else 1)]
            if cam["phone"]:  # phones also stamp the fix time in UTC
                utc = t - datetime.timedelta(minutes=zone)
                tags += [("GPSDateStamp", utc.strftime("%Y:%m:%d")), ("GPSTimeStamp", utc.strftime("%H:%M:%S"))]
        for tag, value in tags:  # ExifByteOrder is an exiftool pseudo-tag, not in the EXIF group
            exif.append(f"-{tag}={value}" if tag == "ExifByteOrder" else f"-EXIF:{tag}={value}")
        exif.append(f"-EXIF:ThumbnailImage<={os.path.join(work, 'thumbs', name)}")
        exif.append(os.path.join(stage, name))
        exif.append("-execute")

        truth.append({
            "name": name, "width": H if portrait else W, "height": W if portrait else H,
            "orientation": 6 if portrait else 1, "capturedAt": captured, "offset": offset,
            "make": cam["make"], "model": cam["model"], "lens": cam["lens"],
            "fNumber": fnum, "exposureTime": f"1/{exposure}", "iso": iso, "focalLength": fl,
            "lat": lat, "lon": lon, "alt": alt,
            "source": SOURCES[s], "crop": [x, y, cw, ch], "mirrored": mirror, "noiseSigma": sigma,
        })

    # One noise field per sigma, larger than an image; rint before the cast to char (a plain
    # cast truncates towards zero and would shrink the deviation).
    noise = []
    for sg in sorted(sigmas):
        f = os.path.join(work, f"noise-{sg}")
        noise.append(f"vips gaussnoise {q(f + '-f.v')} {W + POOL_MARGIN} {H + POOL_MARGIN} --sigma {sg} "
                     f"--mean 0 --seed {1000 + sg} && vips round {q(f + '-f.v')} {q(f + '-r.v')} rint && "
                     f"vips cast {q(f + '-r.v')} {q(f + '.v')} char && rm -f {q(f + '-f.v')} {q(f + '-r.v')}")

    os.makedirs(os.path.join(work, "thumbs"), exist_ok=True)
    for fname, lines in (("noise.jobs", noise), ("prep.jobs", prep), ("render.jobs", render), ("exif.args", exif)):
        with open(os.path.join(work, fname), "w") as fh:
            fh.write("".join(line + "\n" for line in lines))
    with open(os.path.join(stage, "truth.jsonl"), "w") as fh:
        for t in truth:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    print(f"make-corpus: planned {n} images from {len(used)} photos; closest pair {closest} pHash/dHash bits apart "
          f"(estimated on the sources){f', {fallbacks} crops below the bar' if fallbacks else ''}", file=sys.stderr)


if __name__ == "__main__":
    main()
