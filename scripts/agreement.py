#!/usr/bin/env python3
"""Agreement of `media metadata --json` with exiftool's answers in the corpus truth.jsonl.

Usage: scripts/agreement.py [--media BIN] [--corpus DIR] [--json-out FILE] [--list]

For each field: the share of corpus files where MediaKit's value equals exiftool's
(dates exactly to the millisecond, numbers within 0.5 %, GPS within 1e-5 degrees; both
absent counts as equal), how often MediaKit prints a value where exiftool has none, and
every disagreement with both values (--list).
"""
import argparse, json, os, subprocess, sys
from datetime import datetime, timedelta, timezone

FILE_TYPES = {  # our format -> exiftool File:FileType values it stands for
    "jpeg": {"JPEG"}, "png": {"PNG"}, "gif": {"GIF"}, "webp": {"WEBP", "Extended WEBP"},
    "heic": {"HEIC"}, "heif": {"HEIF"}, "avif": {"AVIF"}, "tiff": {"TIFF"}, "btf": {"BTF"},
    "dng": {"DNG"}, "cr2": {"CR2"}, "cr3": {"CR3"}, "crw": {"CRW"}, "nef": {"NEF"}, "arw": {"ARW"},
    "orf": {"ORF"}, "rw2": {"RW2", "RAW"}, "raf": {"RAF"}, "pef": {"PEF"}, "mrw": {"MRW"}, "x3f": {"X3F"},
    "iiq": {"IIQ"}, "bmp": {"BMP"}, "jxl": {"JXL"}, "jp2": {"JP2"}, "mov": {"MOV"}, "mp4": {"MP4"},
    "m4v": {"M4V"}, "3gp": {"3GP"}, "avi": {"AVI"}, "m2ts": {"M2TS"}, "mkv": {"MKV"}, "webm": {"WEBM"},
}

def num(v):
    """exiftool numbers; multi-value strings like Nikon's ISO '0 200' give the last number."""
    if v is None: return None
    if isinstance(v, (int, float)): return float(v)
    try: return float(str(v).split()[-1])
    except ValueError: return None

def parse_exif_date(s):
    """'YYYY:MM:DD HH:MM:SS[.fff][+HH:MM|Z]' -> (naive local datetime, offset minutes or None)."""
    if not s: return None
    s = str(s).strip()
    off = None
    if s.endswith("Z"): off, s = 0, s[:-1]
    elif len(s) > 19 and s[-6] in "+-" and s[-3] == ":":
        off = (1 if s[-6] == "+" else -1) * (int(s[-5:-3]) * 60 + int(s[-2:])); s = s[:-6]
    frac = None
    if "." in s[19:]:
        s, frac = s[:19], s[20:]
    try: d = datetime.strptime(s[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError: return None
    if frac: d = d.replace(microsecond=int((frac + "000")[:3]) * 1000)
    return d, off

def parse_ours(s):
    if not s: return None
    off = None
    if len(s) > 19 and s[-6] in "+-":
        off = (1 if s[-6] == "+" else -1) * (int(s[-5:-3]) * 60 + int(s[-2:])); s = s[:-6]
    d = datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    if len(s) > 19: d = d.replace(microsecond=int(s[20:23]) * 1000)
    return d, off

def expected_date(t):
    """exiftool's capture date by MediaKit's priority; QuickTime dates are UTC."""
    src = t.get("sources") or {}
    if t.get("DateTimeOriginal"):
        p = parse_exif_date(t["DateTimeOriginal"])
        if p and t.get("SubSecTimeOriginal") is not None and p[0].microsecond == 0:
            p = (p[0].replace(microsecond=int((str(t["SubSecTimeOriginal"]) + "000")[:3]) * 1000), p[1])
        if p and t.get("OffsetTimeOriginal"):
            o = t["OffsetTimeOriginal"]; p = (p[0], (1 if o[0] == "+" else -1) * (int(o[1:3]) * 60 + int(o[4:6])))
        return p, src.get("DateTimeOriginal")
    if t.get("CreateDate"):
        p = parse_exif_date(t["CreateDate"])
        if p and src.get("CreateDate", "").startswith("QuickTime"): p = (p[0], 0)
        if p and t.get("OffsetTimeDigitized") and src.get("CreateDate", "").startswith("EXIF"):
            o = t["OffsetTimeDigitized"]; p = (p[0], (1 if o[0] == "+" else -1) * (int(o[1:3]) * 60 + int(o[4:6])))
        return p, src.get("CreateDate")
    return None, None

def same_date(ours, exp):
    if ours is None or exp is None: return ours is None and exp is None
    (od, oo), (ed, eo) = ours, exp
    if eo is not None and oo is not None and eo == 0 and oo != 0:   # exiftool's UTC vs our local+offset
        return od - timedelta(minutes=oo) == ed
    return od == ed and (eo is None or oo == eo)

def close(a, b, rel=0.005, abs_tol=0.0):
    if a is None or b is None: return a is None and b is None
    return abs(a - b) <= max(abs(b) * rel, abs_tol)

FIELDS = ["format", "mimeType", "width", "height", "orientation", "capturedAt", "make", "model", "lens",
          "fNumber", "exposureTime", "iso", "focalLength", "latitude", "longitude", "altitude", "duration"]

def compare(ours, t):
    """field -> (equal, our value, exiftool's value)."""
    out = {}
    fmt = ours.get("format")
    out["format"] = ((fmt is None and t["file_type"] is None) or t["file_type"] in FILE_TYPES.get(fmt, set()), fmt, t["file_type"])
    exp_mime = t["mime"] if t["file_type"] else None
    out["mimeType"] = (ours.get("mimeType") == exp_mime, ours.get("mimeType"), exp_mime)
    for f, k in [("width", "width"), ("height", "height"), ("orientation", "orientation")]:
        out[f] = (ours.get(f) == t.get(k), ours.get(f), t.get(k))
    od = parse_ours(ours.get("capturedAt")) if not str(ours.get("capturedAtSource", "")).startswith("File:") else None
    ed, _ = expected_date(t)
    out["capturedAt"] = (same_date(od, ed), ours.get("capturedAt"), ed and (ed[0].isoformat(), ed[1]))
    for f, k in [("make", "Make"), ("model", "Model"), ("lens", "LensModel")]:
        e = t.get(k); e = str(e).strip() if e is not None else None
        out[f] = (ours.get(f) == e, ours.get(f), e)
    for f, k in [("fNumber", "FNumber"), ("exposureTime", "ExposureTime"), ("iso", "ISO"), ("focalLength", "FocalLength"),
                 ("duration", "Duration")]:
        e = num(t.get(k))
        out[f] = (close(num(ours.get(f)), e), ours.get(f), t.get(k))
    for f, k in [("latitude", "GPSLatitude"), ("longitude", "GPSLongitude")]:
        e = num(t.get(k))
        out[f] = (close(ours.get(f), e, 0, 1e-5), ours.get(f), e)
    e = num(t.get("GPSAltitude"))
    out["altitude"] = (close(ours.get("altitude"), e, 0.005, 0.01), ours.get("altitude"), e)
    return out

# Where exiftool's summary has no value but its full output has one under the tag we used.
FULL_TAGS = {
    "lens": ["XMP:Lens", "XMP:LensModel"],
    "latitude": ["XMP:GPSLatitude"], "longitude": ["XMP:GPSLongitude"], "altitude": ["XMP:GPSAltitude"],
}

def from_full(field, full, ours):
    """exiftool's value of `field` from another tag of its full output, for the fields where
    MediaKit deliberately falls back further than truth.jsonl's summary does, or ranks another
    tag first (the capture date: MediaKit's `capturedAtSource` is spelt like exiftool's tags)."""
    if field == "capturedAt":
        tag = ours.get("capturedAtSource")
        if tag == "EXIF:GPSDateTime": tag = "Composite:GPSDateTime"
        v = full.get(tag)
        if v:
            p = parse_exif_date(v)
            utc = tag in ("Composite:GPSDateTime", "QuickTime:CreateDate")
            return p and (p[0], 0 if p[1] is None and utc else p[1]), tag
        return None, None
    for tag in FULL_TAGS.get(field, []):
        if full.get(tag) not in (None, ""):
            return full[tag], tag
    return None, None

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--media", default=os.path.join(here, "..", ".build", "release", "media"))
    ap.add_argument("--corpus", default=os.environ.get("MEDIAKIT_CORPUS", os.path.join(here, "..", "..", "shared", "corpus")))
    ap.add_argument("--list", action="store_true", help="print every disagreement")
    ap.add_argument("--json-out", help="write the per-field summary as JSON")
    a = ap.parse_args()
    truth = [json.loads(l) for l in open(os.path.join(a.corpus, "truth.jsonl"))]
    full = {}
    full_path = os.path.join(a.corpus, "truth-full.jsonl")
    if os.path.exists(full_path):
        for l in open(full_path):
            r = json.loads(l); full[r["path"]] = r["exiftool"]
    paths = [os.path.join(a.corpus, t["path"]) for t in truth]
    run = subprocess.run([a.media, "metadata", "--json", "--no-sidecars", *paths], capture_output=True, text=True)
    ours = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
    assert len(ours) == len(truth), f"{len(ours)} records for {len(truth)} files"
    stats = {f: {"equal": 0, "ours_only": 0, "theirs_only": 0, "differ": 0} for f in FIELDS}
    rows = []
    failures = []
    other_tag = {}
    fallback = sum(1 for o in ours if str(o.get("capturedAtSource", "")).startswith("File:"))
    for o, t in zip(ours, truth):
        assert o["path"].endswith(t["path"])
        if o.get("error"): failures.append((t["path"], o["error"]))
        for f, (eq, mine, theirs) in compare(o, t).items():
            if not eq and mine is not None and (theirs is None or f == "capturedAt"):
                value, tag = from_full(f, full.get(t["path"], {}), o)
                if value is not None:
                    theirs = value
                    if f == "capturedAt": eq = same_date(parse_ours(mine), value)
                    elif isinstance(mine, str): eq = mine == str(value).strip()
                    else: eq = close(num(mine), num(value), 0 if f in ("latitude", "longitude") else 0.005, 1e-5)
                    if eq: other_tag[f] = other_tag.get(f, 0) + 1
            if not eq and f in ("width", "height") and t.get("orientation") is None and t.get("rotation") is None:
                # truth.jsonl's rotation is QuickTime:Rotation only; exiftool also gives a video
                # track's turn as Composite:Rotation, which the displayed size must follow too.
                rot = full.get(t["path"], {}).get("Composite:Rotation")
                if rot in (90, 270) and t.get("raw_width") and t.get("raw_height"):
                    theirs = t["raw_height"] if f == "width" else t["raw_width"]
                    eq = mine == theirs
                    if eq: other_tag[f] = other_tag.get(f, 0) + 1
            if eq: stats[f]["equal"] += 1; continue
            kind = "ours_only" if theirs is None else "theirs_only" if mine is None else "differ"
            stats[f][kind] += 1
            rows.append((f, t["path"], mine, theirs, kind))
    n = len(truth)
    print(f"{n} files; exit status of media: {run.returncode}; capturedAt from file times (exiftool has no date tag): {fallback}")
    print(f"{'field':14} {'agree':>7} {'share':>7} {'ours only':>10} {'exiftool only':>14} {'differ':>7}")
    for f in FIELDS:
        s = stats[f]
        print(f"{f:14} {s['equal']:7d} {100 * s['equal'] / n:6.1f}% {s['ours_only']:10d} {s['theirs_only']:14d} {s['differ']:7d}")
    if other_tag:
        print("agreeing with exiftool's value of another tag than truth.jsonl's (XMP, QuickTime:CreationDate, GPSDateTime, MakerNotes, Composite:Rotation):", other_tag)
    print(f"files MediaKit could not read: {len(failures)}")
    for p, e in failures: print(f"  {p}: {e}")
    if a.list:
        for f, p, mine, theirs, kind in sorted(rows):
            print(f"  {f:13} {kind:12} {p}: ours={mine!r} exiftool={theirs!r}")
    if a.json_out:
        json.dump({"files": n, "fields": stats, "disagreements": [dict(field=f, path=p, ours=m, exiftool=th, kind=k) for f, p, m, th, k in rows]},
                  open(a.json_out, "w"), indent=1, default=str)

if __name__ == "__main__":
    main()
