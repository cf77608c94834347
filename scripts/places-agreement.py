#!/usr/bin/env python3
"""Agreement of MediaCore's reverse geocoding with reverse_geocoder on the corpus GPS positions.

Usage: scripts/places-agreement.py [--corpus DIR] [--places FILE] [--jsonl-out FILE] [--list]

For every file of the corpus truth.jsonl with GPSLatitude/GPSLongitude, finds the nearest
place in places.bin (read here in Python, a brute-force scan by great-circle distance: the
same answer as the Swift k-d tree, which ReverseGeocoderTests checks against a scan) and asks
reverse_geocoder (an independent GeoNames lookup, its own 2016 data and its own k-d tree) for
the same coordinates. Prints the share of files where the two agree on the city (names
compared without accents, case or punctuation) and on the country code, over all files with
GPS, and over those whose position is not the (0, 0) placeholder some cameras write.

Note: reverse_geocoder 1.5.1 takes the nearest place in plain degrees of latitude and
longitude (a k-d tree over (lat, lon) pairs), not by distance on the Earth, so away from the
equator it sometimes names a place farther than the nearest one; the script counts those.

The pinned reverse-geocoder and its dependencies are installed in a venv under /tmp
(PLACES_VENV, default /tmp/places-venv) on first use; this script re-runs itself there.
"""
import argparse, json, math, os, struct, subprocess, sys, unicodedata

REQUIREMENTS = ["reverse-geocoder==1.5.1", "numpy==2.4.6", "scipy==1.17.1"]
VENV = os.environ.get("PLACES_VENV", "/tmp/places-venv")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EARTH_RADIUS = 6_371_008.8


def ensure_venv():
    try:
        import reverse_geocoder, numpy  # noqa: F401
        return
    except ImportError:
        pass
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        sys.exit("places-agreement: reverse_geocoder is still missing from " + VENV)
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", *REQUIREMENTS], check=True)
    os.execv(python, [python, *sys.argv])


def read_places(path):
    """places.bin version 1 (see scripts/build-places.py): per place (lat, lon, city, cc)."""
    data = open(path, "rb").read()
    assert data[:8] == b"MKPLACES" and struct.unpack_from("<H", data, 8)[0] == 1, "not a places.bin v1"
    at = 16

    def u32():
        nonlocal at
        at += 4
        return struct.unpack_from("<I", data, at - 4)[0]

    strings = []
    for _ in range(u32()):
        (n,) = struct.unpack_from("<H", data, at)
        strings.append(data[at + 2:at + 2 + n].decode("utf-8"))
        at += 2 + n
    codes = []
    for _ in range(u32()):
        codes.append(data[at:at + 2].decode("ascii"))
        at += 6
    region_country = []
    for _ in range(u32()):
        region_country.append(u32())
        u32()
    zones = [strings[u32()] for _ in range(u32())]
    count = u32()
    records = [struct.unpack_from("<iiHH", data, at + 12 * i) for i in range(count)]
    at += 12 * count
    places = []
    for lat, lon, region, zone in records:
        n = data[at]
        places.append((lat / 1e5, lon / 1e5, data[at + 1:at + 1 + n].decode("utf-8"),
                       codes[region_country[region]], zones[zone]))
        at += 1 + n
    assert at == len(data)
    return places


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.environ.get("MEDIAKIT_CORPUS", os.path.join(os.path.dirname(REPO), "shared/corpus")))
    ap.add_argument("--places", default=os.path.join(REPO, "Sources/MediaCore/Resources/places.bin"))
    ap.add_argument("--jsonl-out", help="write reverse_geocoder's answers as JSON Lines {file, lat, lon, cc, city}")
    ap.add_argument("--list", action="store_true", help="print every file with both answers")
    args = ap.parse_args()
    ensure_venv()
    import numpy as np
    import reverse_geocoder as rg

    located = []
    for line in open(os.path.join(args.corpus, "truth.jsonl"), encoding="utf-8"):
        t = json.loads(line)
        if t.get("GPSLatitude") is not None and t.get("GPSLongitude") is not None:
            located.append((t["path"], float(t["GPSLatitude"]), float(t["GPSLongitude"])))
    if not located:
        sys.exit("places-agreement: no file with GPS in the corpus")

    places = read_places(args.places)
    lat = np.radians([p[0] for p in places])
    lon = np.radians([p[1] for p in places])
    theirs = rg.search([(la, lo) for _, la, lo in located], mode=1, verbose=False)

    rows = []
    for (path, la, lo), r in zip(located, theirs):
        # Haversine to every place: the nearest whatever the distance.
        p1, l1 = math.radians(la), math.radians(lo)
        h = np.sin((lat - p1) / 2) ** 2 + np.cos(p1) * np.cos(lat) * np.sin((lon - l1) / 2) ** 2
        d = 2 * EARTH_RADIUS * np.arcsin(np.sqrt(np.minimum(h, 1)))
        i = int(np.argmin(d))
        ours = places[i]
        p2, l2 = math.radians(float(r["lat"])), math.radians(float(r["lon"]))
        h2 = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
        theirs_km = 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h2))) / 1000
        rows.append(dict(file=path, lat=la, lon=lo, cc=r["cc"], city=r["name"], ours_cc=ours[3], ours_city=ours[2],
                         distance_km=round(float(d[i]) / 1000, 2), theirs_km=round(theirs_km, 2),
                         city_ok=fold(ours[2]) == fold(r["name"]), cc_ok=ours[3] == r["cc"]))

    if args.jsonl_out:
        with open(args.jsonl_out, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps({k: row[k] for k in ("file", "lat", "lon", "cc", "city")}, ensure_ascii=False) + "\n")
    if args.list:
        for row in rows:
            mark = ("" if row["city_ok"] else " CITY") + ("" if row["cc_ok"] else " COUNTRY")
            print(f"{row['file']}: ours {row['ours_city']} ({row['ours_cc']}, {row['distance_km']} km), "
                  f"reverse_geocoder {row['city']} ({row['cc']}, {row['theirs_km']} km){mark}")

    def report(label, subset):
        n = len(subset)
        city = sum(r["city_ok"] for r in subset)
        cc = sum(r["cc_ok"] for r in subset)
        print(f"{label}: {n} files, city {city}/{n} = {100 * city / n:.1f} %, country {cc}/{n} = {100 * cc / n:.1f} %")

    report("all files with GPS", rows)
    report("without (0, 0)", [r for r in rows if (r["lat"], r["lon"]) != (0.0, 0.0)])
    differ = [r for r in rows if not r["city_ok"]]
    farther = [r for r in differ if r["theirs_km"] > r["distance_km"] + 0.01]
    print(f"city disagreements: {len(differ)}; in {len(farther)} of them reverse_geocoder's place is farther "
          "(great-circle) than ours: it takes the nearest in degrees of latitude and longitude")
    near = [r for r in rows if r["distance_km"] <= 25]
    print(f"within 25 km of a place (ReverseGeocoder.place answers): {len(near)} of {len(rows)}")


if __name__ == "__main__":
    main()
