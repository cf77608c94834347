#!/usr/bin/env bash
# The scale figures, in one run (release builds):
#   1. mediabench catalog: a library of ASSETS (default 1,000,000) synthetic assets -- insert rate,
#      timeline p50/p99, statistics, point and prefix lookups, forEachAsset time and RSS; and the
#      same for a 10,000-asset library.
#   2. `media ls --json > /dev/null` over both libraries, wall time and max RSS (/usr/bin/time -v):
#      streaming should keep memory flat whatever the size.
#   3. `media import --json` of SMALL_FILES (default 100,000) small JPEGs (make-small-files.py,
#      1000 per folder), files/s, wall time and max RSS; then the same import again
#      (the rescan: nothing imported); and an `--in-place` import of the same files into another
#      library (no copies and no per-file fsync: the catalog and metadata cost alone).
# Prints a markdown summary table (also in $WORK/summary.md); raw outputs stay in $WORK.
#
# Usage: Benchmarks/scripts/bench-scale.sh            (from anywhere)
# Environment:
#   WORK=/tmp/mediakit-scale     intermediate data: libraries, small files, logs (~2.5 GB at the defaults)
#   ASSETS=1000000 SMALL_FILES=100000 PER_FOLDER=1000 SEED=1
#   MEDIA_SCRATCH=<repo>/.build-release      scratch path of the root package's release build
#   BENCH_SCRATCH=<repo>/Benchmarks/.build   scratch path of the Benchmarks package's release build
#   SKIP_BUILD=1                 use the binaries already built
#   STEPS="catalog ls import"    run only some of the steps (ls needs the catalog libraries)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
WORK=${WORK:-/tmp/mediakit-scale}
ASSETS=${ASSETS:-1000000}
SMALL_FILES=${SMALL_FILES:-100000}
PER_FOLDER=${PER_FOLDER:-1000}
SEED=${SEED:-1}
MEDIA_SCRATCH=${MEDIA_SCRATCH:-$root/.build-release}
BENCH_SCRATCH=${BENCH_SCRATCH:-$root/Benchmarks/.build}
STEPS=${STEPS:-catalog ls import}
SMALL_LIB_ASSETS=10000

say() { printf 'bench-scale: %s\n' "$*" >&2; }
has_step() { [[ " $STEPS " == *" $1 "* ]]; }

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (apt package 'time')"
    if [[ $(id -u) == 0 ]]; then apt-get install -y -q time >&2; else sudo apt-get install -y -q time >&2; fi
fi

# --- Builds -------------------------------------------------------------------------------------
if [[ -z ${SKIP_BUILD:-} ]]; then
    say "building media (release, $MEDIA_SCRATCH)"
    (cd "$root" && swift build -c release --scratch-path "$MEDIA_SCRATCH" --product media >&2)
    say "building mediabench (release, $BENCH_SCRATCH)"
    (cd "$root/Benchmarks" && swift build -c release --scratch-path "$BENCH_SCRATCH" --product mediabench >&2)
fi
media="$MEDIA_SCRATCH/release/media"
mediabench="$BENCH_SCRATCH/release/mediabench"
[[ -x $media && -x $mediabench ]] || { say "missing $media or $mediabench (build first)"; exit 1; }

mkdir -p "$WORK"
lib_big="$WORK/lib-$ASSETS"
lib_small="$WORK/lib-$SMALL_LIB_ASSETS"
files="$WORK/small-$SMALL_FILES"
lib_import="$WORK/lib-import-$SMALL_FILES"

# `timed NAME CMD...`: runs CMD under /usr/bin/time -v (report in $WORK/NAME.time), stdout to
# $WORK/NAME.out unless redirected by the caller; never aborts the script on a non-zero status.
timed() {
    local name=$1; shift
    local rc=0
    /usr/bin/time -v -o "$WORK/$name.time" "$@" || rc=$?
    echo "$rc" > "$WORK/$name.rc"
    [[ $rc == 0 ]] || say "$name exited with status $rc"
}

# --- 1. Synthetic catalogs ----------------------------------------------------------------------
if has_step catalog; then
    for n in "$SMALL_LIB_ASSETS" "$ASSETS"; do
        lib="$WORK/lib-$n"
        say "mediabench catalog: $n assets into $lib"
        timed "catalog-$n" "$mediabench" catalog --library "$lib" --assets "$n" --seed "$SEED" --replace \
            > "$WORK/catalog-$n.jsonl"
        cat "$WORK/catalog-$n.jsonl" >&2
    done
fi

# --- 2. media ls --json, streaming --------------------------------------------------------------
if has_step ls; then
    for n in "$SMALL_LIB_ASSETS" "$ASSETS"; do
        say "media ls --json over $n assets"
        timed "ls-$n" "$media" ls --library "$WORK/lib-$n" --json > /dev/null
    done
fi

# --- 3. Import of many small files, then the rescan ---------------------------------------------
if has_step import; then
    say "making $SMALL_FILES small JPEGs in $files"
    python3 "$here/make-small-files.py" --count "$SMALL_FILES" --per-folder "$PER_FOLDER" --seed "$SEED" "$files" > /dev/null
    rm -rf "$lib_import"
    sync
    say "media import: $SMALL_FILES files into $lib_import"
    timed import "$media" import --library "$lib_import" "$files" --json > "$WORK/import.json" 2> "$WORK/import.err"
    cat "$WORK/import.json" >&2
    say "media import again (rescan)"
    timed rescan "$media" import --library "$lib_import" "$files" --json > "$WORK/rescan.json" 2> "$WORK/rescan.err"
    cat "$WORK/rescan.json" >&2
    # The same files imported in place (no copies, so no per-file fsync): what the catalog and
    # the metadata reading cost on their own.
    rm -rf "$lib_import-in-place"
    say "media import --in-place: $SMALL_FILES files into $lib_import-in-place"
    timed import-in-place "$media" import --library "$lib_import-in-place" --in-place "$files" --json \
        > "$WORK/import-in-place.json" 2> "$WORK/import-in-place.err"
    cat "$WORK/import-in-place.json" >&2
fi

# --- Summary ------------------------------------------------------------------------------------
python3 - "$WORK" "$ASSETS" "$SMALL_LIB_ASSETS" "$SMALL_FILES" <<'EOF' | tee "$WORK/summary.md"
import json, os, re, sys
work, big, small, nfiles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

def jsonl(name):
    p = os.path.join(work, name)
    if not os.path.exists(p):
        return {}
    out = {}
    for line in open(p):
        line = line.strip()
        if line.startswith("{"):
            o = json.loads(line)
            key = o.get("phase", "")
            if key == "prefix-lookup":
                key += "-" + o.get("prefix", "")
            if key == "insert":
                out.setdefault("inserts", []).append(o)
            out[key] = o
    return out

def timev(name):
    p = os.path.join(work, name + ".time")
    if not os.path.exists(p):
        return None
    t = open(p).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    user = float(re.search(r"User time \(seconds\): (\S+)", t).group(1))
    sys_ = float(re.search(r"System time \(seconds\): (\S+)", t).group(1))
    rc = open(os.path.join(work, name + ".rc")).read().strip()
    return {"wall": secs, "rss": rss / 1024, "cpu": user + sys_, "rc": rc}

rows = []
def row(what, value, note=""):
    rows.append((what, value, note))

for n in (big, small):
    c = jsonl("catalog-%d.jsonl" % n)
    if not c:
        continue
    tag = "%s assets" % format(n, ",")
    d = c.get("insert-done", {})
    inserts = c.get("inserts", [])
    last = inserts[-1] if inserts else {}
    row("%s: insert (addAssets, batches of %s)" % (tag, c.get("open", {}).get("batch")),
        "%s assets/s overall" % format(int(d.get("ratePerSecond", 0)), ","),
        "last %s: %s/s; %.0f s total; catalog %.0f MiB + WAL %.0f MiB; peak RSS %.0f MiB" % (
            format(last.get("lastWindow", 0), ","), format(int(last.get("lastWindowRatePerSecond", 0)), ","),
            d.get("seconds", 0), d.get("catalogMiB", 0), d.get("walMiB", 0), d.get("peakRssMiB", 0)))
    t = c.get("timeline", {})
    row("%s: timeline()" % tag, "p50 %.1f ms, p99 %.1f ms" % (t.get("p50Ms", 0), t.get("p99Ms", 0)),
        "%d runs, %d buckets, first run %.1f ms" % (t.get("runs", 0), t.get("buckets", 0), t.get("firstMs", 0)))
    s = c.get("statistics", {})
    row("%s: statistics()" % tag, "p50 %.0f ms" % s.get("p50Ms", 0), "%d runs, max %.0f ms" % (s.get("runs", 0), s.get("maxMs", 0)))
    l = c.get("lookup", {})
    row("%s: asset(id)" % tag, "p50 %.0f µs, p99 %.0f µs" % (l.get("p50Us", 0), l.get("p99Us", 0)),
        "%d random ids, %d found" % (l.get("runs", 0), l.get("found", 0)))
    for kind in ("sha256", "id"):
        p = c.get("prefix-lookup-" + kind, {})
        if p:
            row("%s: asset(matching:) %s prefix" % (tag, kind), "p50 %.0f ms" % p.get("p50Ms", 0),
                "8 hex digits, %d runs, max %.0f ms" % (p.get("runs", 0), p.get("maxMs", 0)))
    f = c.get("forEachAsset", {})
    row("%s: forEachAsset" % tag, "%.1f s (%s assets/s)" % (f.get("seconds", 0), format(int(f.get("assetsPerSecond", 0)), ",")),
        "RSS %.0f → %.0f MiB, phase peak %.0f MiB (quarters %s)" % (
            f.get("rssBeforeMiB", 0), f.get("rssAfterMiB", 0), f.get("peakRssAfterMiB", 0), f.get("rssAtQuartersMiB")))

for n in (small, big):
    t = timev("ls-%d" % n)
    if t:
        row("`media ls --json` > /dev/null, %s assets" % format(n, ","), "%.1f s, max RSS %.0f MiB" % (t["wall"], t["rss"]),
            "%s lines/s, CPU %.1f s, exit %s" % (format(int(n / t["wall"]), ","), t["cpu"], t["rc"]))

for name, label in (("import", "first import (copy)"), ("rescan", "rescan (import again)"),
                    ("import-in-place", "`--in-place` into a new library")):
    t = timev(name)
    if not t:
        continue
    try:
        j = json.load(open(os.path.join(work, name + ".json")))
    except Exception:
        j = {}
    row("`media import --json`, %s small JPEGs: %s" % (format(nfiles, ","), label),
        "%.1f s, %s files/s, max RSS %.0f MiB" % (t["wall"], format(int(nfiles / t["wall"]), ","), t["rss"]),
        "imported %s, duplicates %s, skipped %s, failed %s; CPU %.0f s; exit %s" % (
            j.get("imported"), j.get("duplicates"), j.get("skipped"), j.get("failed"), t["cpu"], t["rc"]))

print("| measurement | result | details |")
print("|---|---|---|")
for r in rows:
    print("| %s | %s | %s |" % r)
EOF
