#!/usr/bin/env bash
# Metadata search at scale (issue 7): `mediabench search` over a library of ASSETS (default
# 1,000,000) synthetic assets -- two owners, ~1,000 real towns, albums, a tag tree -- p50/p99 of
# each query type of Library.search (first page of 100, and page 50 through the cursor for the
# broad ones), timeline() and assets(inMonth:).
#
# The library is filled once (addAssets in batches, createAlbum, tag; ~11 minutes at a million)
# and reused by later runs with the same ASSETS and SEED (a file mediabench-search.json in it
# says how it was filled and how long that took). FRESH=1 fills it again (needed after a change
# of the catalog schema: a library keeps the indexes it was made with).
#
# Usage: Benchmarks/scripts/bench-search.sh            (from anywhere)
# Environment:
#   WORK=/tmp/mediakit-search   the library (~1.3 GB at a million) and the outputs
#   ASSETS=1000000 SEED=1 RUNS=100 SCAN_RUNS=30 DEEP_RUNS=20
#   BENCH_SCRATCH=<repo>/Benchmarks/.build   scratch path of the Benchmarks package's release build
#   SKIP_BUILD=1   use the binary already built
#   FRESH=1        delete the library first
#   ONLY="make,city"   only these query types (names as in the table)
#   DUMP=FILE      also write the ids every run found (to compare two builds' results)
# Outputs: $WORK/search.jsonl (one JSON object per line), $WORK/search.md (the table).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
WORK=${WORK:-/tmp/mediakit-search}
ASSETS=${ASSETS:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-100}
SCAN_RUNS=${SCAN_RUNS:-30}
DEEP_RUNS=${DEEP_RUNS:-20}
BENCH_SCRATCH=${BENCH_SCRATCH:-$root/Benchmarks/.build}

say() { printf 'bench-search: %s\n' "$*" >&2; }

if [[ -z ${SKIP_BUILD:-} ]]; then
    say "building mediabench (release, $BENCH_SCRATCH)"
    (cd "$root/Benchmarks" && swift build -c release --scratch-path "$BENCH_SCRATCH" --product mediabench >&2)
fi
mediabench="$BENCH_SCRATCH/release/mediabench"
[[ -x $mediabench ]] || { say "missing $mediabench (build first)"; exit 1; }

mkdir -p "$WORK"
lib="$WORK/lib-$ASSETS-seed$SEED"
args=(search --library "$lib" --assets "$ASSETS" --seed "$SEED" --runs "$RUNS" --scan-runs "$SCAN_RUNS"
      --deep-runs "$DEEP_RUNS" --summary "$WORK/search.md")
[[ -n ${FRESH:-} ]] && args+=(--replace)
[[ -n ${ONLY:-} ]] && args+=(--only "$ONLY")
[[ -n ${DUMP:-} ]] && args+=(--dump "$DUMP")

say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "mediabench ${args[*]}"
start=$(date +%s)
"$mediabench" "${args[@]}" < /dev/null > "$WORK/search.jsonl"
say "done in $(( $(date +%s) - start )) s, load $(cut -d' ' -f1-3 /proc/loadavg); $WORK/search.jsonl, $WORK/search.md"
