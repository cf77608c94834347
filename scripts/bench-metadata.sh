#!/usr/bin/env bash
# Speed of `media metadata --json` against `exiftool -json -n` over the same files, in one run.
# Usage: scripts/bench-metadata.sh [FOLDER]   (default: ../shared/corpus/media)   RUNS=N to change the run count.
# Release build; both read from the page cache (warm-up runs first); prints medians and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --bench
folder="${1:-${MEDIAKIT_CORPUS:-../shared/corpus}/media}"
swift build -c release --scratch-path .build-release --product media >&2
media=.build-release/release/media
files=$(find "$folder" -type f ! -name '.*' | wc -l)
out=$(mktemp)
# Both tools exit 1 when some file cannot be read (the corpus has two), hence -i.
hyperfine -N -i -w 3 -r "${RUNS:-20}" --export-json "$out" \
  -n "media metadata --json" "$media metadata --json $folder" \
  -n "exiftool -json -n -r" "exiftool -json -n -r -q $folder" >&2
python3 - "$out" "$files" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
files = int(sys.argv[2])
med = {r["command"]: statistics.median(r["times"]) for r in results}
ours, theirs = med["media metadata --json"], med["exiftool -json -n -r"]
print(f"files: {files}")
for name, t in med.items():
    print(f"{name:24} median {t * 1000:8.1f} ms   {files / t:9.0f} files/s")
print(f"ratio (exiftool / media): {theirs / ours:.1f}x")
PY
rm -f "$out"
