#!/usr/bin/env bash
# Generates the benchmark corpus: N realistic 12 MP JPEGs (4032x3024 stored, q90, 4:2:0) with
# real, phone-like EXIF blocks, made from the natural photos of the development corpus
# (../shared/corpus or $MEDIAKIT_CORPUS): each image is its own crop of a source (mirrored,
# colour-shifted, ~10 % portrait stored with Orientation 6), upscaled, with sensor-like
# gaussian noise. Next to the images: truth.jsonl (what each file's metadata should read as)
# and MANIFEST (generator identity, N, sha256 of every file).
#
# usage: Benchmarks/scripts/make-corpus.sh [N] [OUT]
#   N    number of images (default 200)
#   OUT  output folder (default Benchmarks/.corpus/jpeg-12mp); the path is printed on stdout
#
# Deterministic: the same N gives byte-identical files (for the same libvips, libjpeg and exiftool
# versions). Idempotent: when OUT/MANIFEST names this generator and N and every file matches its
# sha256, nothing is done. Remove OUT/MANIFEST to force a rebuild.
# Needs: vips (libvips-tools), exiftool (libimage-exiftool-perl), python3, sha256sum.
# Environment: MAKE_CORPUS_JOBS (parallel jobs, default 2), TMPDIR (scratch, ~0.3 GB).
set -euo pipefail

VERSION=1   # bump when the output changes on purpose
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-200}
out=${2:-$repo/Benchmarks/.corpus/jpeg-12mp}
jobs=${MAKE_CORPUS_JOBS:-2}
corpus=${MEDIAKIT_CORPUS:-$repo/../shared/corpus}
planner=$here/corpus-plan.py

die() { echo "make-corpus: $*" >&2; exit 1; }
say() { echo "make-corpus: $*" >&2; }
[[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer (got '$n')"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "MAKE_CORPUS_JOBS must be a positive integer"
for tool in vips exiftool python3 sha256sum xargs; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh --bench installs vips and exiftool)"
done
[ -d "$corpus/media" ] || die "no source photos at $corpus/media (set MEDIAKIT_CORPUS)"
out=$(realpath -m "$out")
start=$(date +%s.%N)

# Generator identity: this script, the planner and the source photos (not the tool versions).
mapfile -t sources < <(python3 "$planner" --sources "$corpus")
for s in "${sources[@]}"; do [ -f "$s" ] || die "missing source photo: $s"; done
generator="make-corpus/$VERSION $( { cat "${BASH_SOURCE[0]}" "$planner"; sha256sum "${sources[@]}" | cut -d' ' -f1; } | sha256sum | cut -c1-16)"
header="# MediaKit benchmark corpus, made by Benchmarks/scripts/make-corpus.sh"

# Up to date? Same generator and N, exactly N images, every hash matches.
if [ -f "$out/MANIFEST" ] \
   && [ "$(sed -n 2p "$out/MANIFEST")" = "generator $generator" ] \
   && [ "$(sed -n 3p "$out/MANIFEST")" = "count $n" ] \
   && [ "$(find "$out" -maxdepth 1 -name '*.jpg' | wc -l)" -eq "$n" ] \
   && [ "$(grep -c '\.jpg$' "$out/MANIFEST")" -eq "$n" ] \
   && (cd "$out" && grep -v -e '^#' -e '^generator ' -e '^count ' -e '^tools ' MANIFEST | sha256sum --check --quiet --strict >/dev/null 2>&1); then
  say "up to date ($n images, $generator)"
  echo "$out"
  exit 0
fi

# Never delete a folder this generator did not make.
if [ -e "$out" ]; then
  [ -d "$out" ] || die "$out exists and is not a folder"
  if [ -n "$(ls -A "$out")" ] && [ "$(head -n 1 "$out/MANIFEST" 2>/dev/null)" != "$header" ]; then
    die "$out is not empty and has no MANIFEST of this generator; refusing to replace it"
  fi
fi

say "generating $n images into $out ($jobs jobs)"
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.partial.XXXXXX")
work=$(mktemp -d "${TMPDIR:-/tmp}/make-corpus.XXXXXX")
trap 'rm -rf "$work" "$stage"' EXIT
export VIPS_CONCURRENCY=1   # two images at a time beat one image on two threads

run() {  # run the shell commands of a job file, one per line, $jobs at a time
  xargs -r -d '\n' -n 1 -P "$jobs" sh -c <"$work/$1" || die "$1 failed"
}
python3 "$planner" "$n" "$stage" "$work" "$corpus"
run noise.jobs
run prep.jobs
t_render=$(date +%s.%N)
run render.jobs
t_exif=$(date +%s.%N)
exiftool -@ "$work/exif.args" -common_args -q -q -overwrite_original >&2 || die "exiftool failed"
t_end_exif=$(date +%s.%N)

# Check every file against truth.jsonl (size, orientation, dates, camera, GPS, thumbnail).
(cd "$stage" && exiftool -j -n -q -ImageWidth -ImageHeight -Orientation -DateTimeOriginal -SubSecTimeOriginal \
   -OffsetTimeOriginal -Make -Model -GPSLatitude -GPSLongitude -ThumbnailLength -YCbCrSubSampling \
   -ext jpg . >"$work/check.json") || die "exiftool could not read the output"
python3 - "$stage" "$work/check.json" <<'EOF' || die "output check failed"
import json, os, sys
stage, check = sys.argv[1], sys.argv[2]
truth = {t["name"]: t for t in map(json.loads, open(os.path.join(stage, "truth.jsonl")))}
got = {os.path.basename(d["SourceFile"]): d for d in json.load(open(check))}
assert set(got) == set(truth), "files and truth.jsonl differ"
bad = []
for name, t in truth.items():
    d = got[name]
    date = d.get("DateTimeOriginal", "").replace(":", "-", 2).replace(" ", "T")
    if "SubSecTimeOriginal" in d:
        date += "." + (str(d["SubSecTimeOriginal"]) + "00")[:3]
    checks = [
        (d.get("ImageWidth"), d.get("ImageHeight")) == (4032, 3024),
        d.get("Orientation") == t["orientation"],
        date == t["capturedAt"], d.get("OffsetTimeOriginal") == t["offset"],
        d.get("Make") == t["make"], d.get("Model") == t["model"],
        (t["lat"] is None) == ("GPSLatitude" not in d),
        t["lat"] is None or (abs(d["GPSLatitude"] - t["lat"]) < 1e-6 and abs(d["GPSLongitude"] - t["lon"]) < 1e-6),
        d.get("ThumbnailLength", 0) > 0, d.get("YCbCrSubSampling") == "2 2",
    ]
    if not all(checks):
        bad.append((name, checks, d))
for b in bad[:5]:
    print("mismatch:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF

# Manifest, then swap the finished folder in.
{
  echo "$header"
  echo "generator $generator"
  echo "count $n"
  echo "tools $(vips --version) exiftool-$(exiftool -ver) python-$(python3 -c 'import platform; print(platform.python_version())')"
  (cd "$stage" && sha256sum -- *.jpg truth.jsonl)
} >"$stage/MANIFEST.tmp"
mv "$stage/MANIFEST.tmp" "$stage/MANIFEST"
chmod 755 "$stage"
rm -rf "$out"
mv "$stage" "$out"
trap 'rm -rf "$work"' EXIT

end=$(date +%s.%N)
read -r median total < <(find "$out" -maxdepth 1 -name '*.jpg' -printf '%s\n' | sort -n \
  | awk '{ a[NR] = $1; s += $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f %.0f\n", m / 1e6, s / 1e6 }')
say "$(awk -v n="$n" -v a="$start" -v r="$t_render" -v x="$t_exif" -v y="$t_end_exif" -v e="$end" -v m="$median" -v t="$total" \
  'BEGIN { printf "%d images in %.1f s (render %.1f s, EXIF %.1f s); median %s MB, %s MB in all", n, e - a, x - r, y - x, m, t }')"
echo "$out"
