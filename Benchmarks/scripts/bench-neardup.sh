#!/usr/bin/env bash
# Near-duplicate lookup at scale (issue 5): `mediabench neardup` over synthetic perceptual hashes,
# at 10,000, 100,000 and HASHES (default 1,000,000):
#   memory-index    MediaML's HammingIndex (multi-index hashing, four 16-bit substrings): build,
#                   radius-query p50/p99 at the default pHash radius (10), candidates read, and a
#                   linear scan of the same hashes (p50/p99, results compared)
#   memory-finder   NearDuplicateFinder: N adds, then the per-add cost of new pictures
#   catalog-assets  a library of HASHES + CATALOG_QUERIES synthetic assets (addAssets)
#   catalog-fill    the hash rows written (no lookup), per scale
#   catalog-load    a library opened anew: its first lookup loads the owner's hashes into memory
#   catalog-record  the per-asset cost of recording a hash as an import does (row, lookup among
#                   the owner's hashes in memory, each match checked against its row, pairs) in
#                   write transactions of CATALOG_BATCH, rolled back; and of the lookup alone
# Builds nothing: set MEDIABENCH to a release build of mediabench
#   (cd Benchmarks && swift build -c release --product mediabench).
# Usage: MEDIABENCH=Benchmarks/.build/release/mediabench Benchmarks/scripts/bench-neardup.sh
# Environment:
#   HASHES=1000000 SCALES=10000,100000 QUERIES=10000 SCAN_QUERIES=200 CATALOG_QUERIES=1000
#   CATALOG_BATCH=64 COPIES=0.1 QUERY_COPIES=0.5 SEED=1
#   LIBRARY=DIR   keep the catalog there (reused by later runs with the same HASHES,
#                 CATALOG_QUERIES and SEED: only the largest scale is measured then);
#                 default a temporary library, deleted afterwards (~1.7 GB with its WAL at 1M)
#   NO_CATALOG=1  in-memory phases only (seconds instead of minutes)
#   OUT=FILE      also keep the JSON lines in FILE
# Prints the JSON lines (stdout), progress on stderr. About 6 minutes at the defaults on
# 2 cores (~200 s making the 1M synthetic assets, ~70 s writing the 1M hash rows); peak RSS
# ~0.5 GB (the hashes in memory, twice at the largest scale: the timed library and the loaded one).
# Run it on a quiet machine (`nice` lowers the priority; it does not remove other load).
set -euo pipefail

if [ -z "${MEDIABENCH:-}" ] || [ ! -x "$MEDIABENCH" ]; then
  echo "set MEDIABENCH to the mediabench executable (a release build)" >&2; exit 1
fi

args=(neardup --hashes "${HASHES:-1000000}" --scales "${SCALES:-10000,100000}"
      --queries "${QUERIES:-10000}" --scan-queries "${SCAN_QUERIES:-200}"
      --catalog-queries "${CATALOG_QUERIES:-1000}" --catalog-batch "${CATALOG_BATCH:-64}"
      --copies "${COPIES:-0.1}" --query-copies "${QUERY_COPIES:-0.5}" --seed "${SEED:-1}")
[ -n "${LIBRARY:-}" ] && args+=(--library "$LIBRARY")
[ -n "${NO_CATALOG:-}" ] && args+=(--no-catalog)

start=$(date +%s)
if [ -n "${OUT:-}" ]; then
  "$MEDIABENCH" "${args[@]}" | tee "$OUT"
else
  "$MEDIABENCH" "${args[@]}"
fi
echo "bench-neardup: $(( $(date +%s) - start )) s" >&2
