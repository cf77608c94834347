#!/usr/bin/env python3
"""The Python baseline of the thumbnail work: a competent Pillow importer doing per image what
MediaKit's import does (with thumbnails), so `bench-thumbnails.sh` can compare against it.

Usage: pillow-import.py --library DIR [--jobs N] FOLDER

Per image, in a worker process (multiprocessing Pool, one per core by default):
  1. read the file once into memory; SHA-256 and SHA-1 (hashlib) of those bytes;
  2. store the bytes as DIR/objects/ab/cd/<sha256>, like MediaKit's FileSystemBlobStore: write to
     DIR/tmp/<pid>-<n>.part, fsync, chmod 0444, rename into place (dropped if it already exists);
  3. EXIF with Pillow getexif(): DateTimeOriginal (+ SubSecTimeOriginal, OffsetTimeOriginal),
     Make, Model, Orientation, GPS latitude/longitude/altitude;
  4. decode ONCE, from the same bytes, with draft mode: img.draft("RGB", size) where size is the
     1440 px short-edge target in stored orientation, so libjpeg does DCT scaling to the smallest
     scale whose result is still >= the target (1/2 for a 4032x3024 photo: 2016x1512);
  5. ImageOps.exif_transpose (in place) applies the EXIF orientation;
  6. preview: resize to a 1440 px short edge (never upscaled), bicubic with reducing_gap 2
     (Pillow's thumbnail() defaults), saved JPEG q80 (4:2:0, no metadata);
     thumbnail: from the preview, 250 px short edge, same resampling, WebP q80 (method 4,
     Pillow's default, as libvips' default effort 4); both under DIR/thumbs/ab/<sha256>-*.
     Derived files are plain writes (no fsync): they can be rebuilt from the objects.
The parent receives one small dict per image (imap_unordered) and is the only SQLite writer:
DIR/library.sqlite in WAL mode with synchronous=FULL (as MediaKit), one transaction per 64 rows;
before each commit it fsyncs the object folders that changed (as MediaKit's blobs.flush()).

Prints one JSON line: {"images": n, "seconds": s, "images_per_second": r}; `seconds` is wall time
from before the pool starts to after the last commit (interpreter start-up excluded).
"""
import argparse
import hashlib
import io
import json
import multiprocessing
import os
import sqlite3
import sys
import time

from PIL import ExifTags, Image, ImageOps

PREVIEW_SHORT = 1440
THUMB_SHORT = 250
QUALITY = 80
BATCH = 64
EXTENSIONS = {".jpg", ".jpeg", ".jpe"}

_library = None
_counter = 0


def _init_worker(library):
    global _library
    _library = library


def _rational(v):
    try:
        return float(v)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _gps_coord(values, ref):
    if not values or len(values) != 3:
        return None
    d, m, s = (_rational(x) for x in values)
    if d is None or m is None or s is None:
        return None
    deg = d + m / 60.0 + s / 3600.0
    return -deg if ref in ("S", "W") else deg


def _exif(img):
    exif = img.getexif()
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    date = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    captured = None
    if isinstance(date, str) and len(date) >= 19:
        captured = date[:10].replace(":", "-") + "T" + date[11:19]
        subsec = sub.get(ExifTags.Base.SubsecTimeOriginal)
        if isinstance(subsec, str) and subsec.strip().isdigit():
            captured += "." + subsec.strip()
    offset = sub.get(ExifTags.Base.OffsetTimeOriginal)
    lat = lon = alt = None
    if gps:
        lat = _gps_coord(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
        lon = _gps_coord(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
        alt = _rational(gps.get(ExifTags.GPS.GPSAltitude))
        if alt is not None and gps.get(ExifTags.GPS.GPSAltitudeRef) in (1, b"\x01"):
            alt = -alt
    make = exif.get(ExifTags.Base.Make)
    model = exif.get(ExifTags.Base.Model)
    return {
        "captured_at": captured,
        "offset": offset if isinstance(offset, str) else None,
        "make": make.strip("\x00 ") if isinstance(make, str) else None,
        "model": model.strip("\x00 ") if isinstance(model, str) else None,
        "orientation": int(exif.get(ExifTags.Base.Orientation, 1) or 1),
        "lat": lat, "lon": lon, "alt": alt,
    }


def _short_edge_size(size, short):
    """(w, h) with min(w, h) == short (never larger than size), aspect kept."""
    w, h = size
    s = min(w, h)
    if s <= short:
        return size
    scale = short / s
    if w <= h:
        return short, max(1, round(h * scale))
    return max(1, round(w * scale)), short


def _store_object(data, sha256):
    global _counter
    objects = os.path.join(_library, "objects")
    leaf = os.path.join(objects, sha256[:2], sha256[2:4])
    target = os.path.join(leaf, sha256)
    if os.path.exists(target):
        return None
    _counter += 1
    staging = os.path.join(_library, "tmp", f"{os.getpid()}-{_counter}.part")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.makedirs(leaf, exist_ok=True)
    os.chmod(staging, 0o444)
    os.rename(staging, target)
    return leaf


def _import_one(path):
    with open(path, "rb") as f:
        data = f.read()
    sha256 = hashlib.sha256(data).hexdigest()
    sha1 = hashlib.sha1(data).hexdigest()
    dirty = _store_object(data, sha256)

    img = Image.open(io.BytesIO(data))
    meta = _exif(img)
    stored_w, stored_h = img.size
    img.draft("RGB", _short_edge_size(img.size, PREVIEW_SHORT))
    ImageOps.exif_transpose(img, in_place=True)  # loads (decodes) the image once, then rotates
    width, height = (stored_h, stored_w) if meta["orientation"] in (5, 6, 7, 8) else (stored_w, stored_h)
    if img.mode != "RGB":
        img = img.convert("RGB")

    size = _short_edge_size(img.size, PREVIEW_SHORT)
    preview = img if size == img.size else img.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
    del img
    size = _short_edge_size(preview.size, THUMB_SHORT)
    thumb = preview if size == preview.size else preview.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)

    thumbs = os.path.join(_library, "thumbs", sha256[:2])
    os.makedirs(thumbs, exist_ok=True)
    preview_path = os.path.join(thumbs, sha256 + "-1440.jpg")
    thumb_path = os.path.join(thumbs, sha256 + "-250.webp")
    preview.save(preview_path, "JPEG", quality=QUALITY)
    thumb.save(thumb_path, "WEBP", quality=QUALITY, method=4)

    return {
        "sha256": sha256, "sha1": sha1, "size": len(data), "path": os.path.abspath(path),
        "width": width, "height": height, "preview": os.path.relpath(preview_path, _library),
        "preview_w": preview.size[0], "preview_h": preview.size[1],
        "thumb": os.path.relpath(thumb_path, _library),
        "thumb_w": thumb.size[0], "thumb_h": thumb.size[1],
        "dirty": dirty, **meta,
    }


SCHEMA = """
CREATE TABLE IF NOT EXISTS asset (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  sha1 TEXT NOT NULL,
  size INTEGER NOT NULL,
  source_path TEXT NOT NULL,
  width INTEGER, height INTEGER, orientation INTEGER,
  captured_at TEXT, utc_offset TEXT,
  make TEXT, model TEXT,
  lat REAL, lon REAL, alt REAL,
  preview TEXT, preview_w INTEGER, preview_h INTEGER,
  thumb TEXT, thumb_w INTEGER, thumb_h INTEGER,
  imported_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS asset_captured ON asset(captured_at);
"""

INSERT = """INSERT OR IGNORE INTO asset (sha256, sha1, size, source_path, width, height, orientation,
  captured_at, utc_offset, make, model, lat, lon, alt, preview, preview_w, preview_h, thumb, thumb_w,
  thumb_h, imported_at) VALUES (:sha256, :sha1, :size, :path, :width, :height, :orientation,
  :captured_at, :offset, :make, :model, :lat, :lon, :alt, :preview, :preview_w, :preview_h, :thumb,
  :thumb_w, :thumb_h, :imported_at)"""


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(db, rows, dirty):
    # Objects first, durable (deepest folders first), then the rows that point at them.
    for d in sorted(dirty, key=len, reverse=True):
        _fsync_dir(d)
    dirty.clear()
    now = time.time()
    with db:  # one transaction
        db.executemany(INSERT, [dict(r, imported_at=now) for r in rows])
    rows.clear()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--library", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("folder")
    args = ap.parse_args()

    start = time.perf_counter()
    files = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(args.folder)
        for name in names
        if os.path.splitext(name)[1].lower() in EXTENSIONS
    )
    library = os.path.abspath(args.library)
    for d in ("objects", "tmp", "thumbs"):
        os.makedirs(os.path.join(library, d), exist_ok=True)
    db = sqlite3.connect(os.path.join(library, "library.sqlite"), isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.executescript(SCHEMA)
    db.isolation_level = "DEFERRED"  # `with db:` then wraps each batch in BEGIN ... COMMIT

    rows, dirty, n = [], set(), 0
    with multiprocessing.Pool(args.jobs, initializer=_init_worker, initargs=(library,)) as pool:
        for r in pool.imap_unordered(_import_one, files, chunksize=1):
            leaf = r.pop("dirty")
            if leaf:
                dirty.update((leaf, os.path.dirname(leaf), os.path.join(library, "objects")))
            rows.append(r)
            n += 1
            if len(rows) >= BATCH:
                _commit(db, rows, dirty)
    if rows or dirty:
        _commit(db, rows, dirty)
    db.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"images": n, "seconds": round(seconds, 3),
                      "images_per_second": round(n / seconds, 2) if seconds else None}))


if __name__ == "__main__":
    sys.exit(main())
