#!/usr/bin/env bash
# Import without thumbnails (--no-thumbnails) against `sha256sum` plus `cp` of the same files, in one run.
# Usage: Benchmarks/scripts/bench-import.sh [FOLDER]   (default: the generated 12 MP corpus)
#   RUNS=N (default 5). Release build. Each run starts from an empty library / empty copy, with the
#   files in the page cache and dirty pages written back first (sync), so both sides pay for their
#   own writes. MediaKit also syncs each object to disk (fsync) before the catalog commits it;
#   cp does not.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
folder="${1:-}"
if [ -z "$folder" ]; then
  folder=$(Benchmarks/scripts/make-corpus.sh | tail -1)
fi
scripts/setup.sh --bench >&2
swift build -c release --scratch-path .build-release --product media >&2
media=$root/.build-release/release/media
work=$(mktemp -d /tmp/mediakit-bench-import.XXXXXX)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
files=$(find "$folder" -type f -name '*.jpg' | wc -l)
bytes=$(find "$folder" -type f -name '*.jpg' -printf '%s\n' | awk '{s+=$1} END {print s}')
out=$work/hyperfine.json
cat "$folder"/*.jpg > /dev/null
hyperfine -N -w 1 -r "${RUNS:-5}" --export-json "$out" \
  --prepare "sh -c 'chmod -R u+w $work/lib 2>/dev/null; rm -rf $work/lib $work/copy; sync'" \
  -n "media import --copy" "$media import --library $work/lib $folder --no-thumbnails --json" \
  -n "sha256sum + cp" "sh -c 'sha256sum $folder/*.jpg > /dev/null && cp -r $folder $work/copy'" >&2
python3 - "$out" "$files" "$bytes" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
files, size = int(sys.argv[2]), int(sys.argv[3])
med = {r["command"]: statistics.median(r["times"]) for r in results}
print(f"files: {files}, {size / 1e6:.0f} MB")
for name, t in med.items():
    print(f"{name:22} median {t:7.3f} s   {files / t:7.1f} files/s   {size / t / 1e6:7.1f} MB/s")
ours, theirs = med["media import --copy"], med["sha256sum + cp"]
print(f"ratio (sha256sum + cp time / media import time): {theirs / ours:.2f}x")
PY
