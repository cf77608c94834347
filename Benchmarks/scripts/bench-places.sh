#!/usr/bin/env bash
# Offline reverse geocoding (issue 7): MediaCore's ReverseGeocoder (`mediabench places`) against
# reverse_geocoder 1.5.1 (places-rg.py) on the same POINTS positions near real places, in one run:
# load time, lookup time, and how often the two name the same city and country.
# Usage: Benchmarks/scripts/bench-places.sh
#   POINTS=100000 SEED=1 RUNS=5   positions, their seed, timed passes of each
#   SKIP_BUILD=1                  use the mediabench already built (Benchmarks/.build/release)
# reverse_geocoder and its pinned numpy/scipy come from the venv of scripts/places-agreement.py
# (/tmp/places-venv, made on first use).
set -euo pipefail
cd "$(dirname "$0")/../.."
points=${POINTS:-100000}
seed=${SEED:-1}
runs=${RUNS:-5}
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd Benchmarks && swift build -c release --product mediabench >&2)
fi
work=$(mktemp -d /tmp/mediakit-bench-places.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/scripts/places-rg.py --points "$points" --seed "$seed" --runs "$runs" --out "$work"
Benchmarks/.build/release/mediabench places --data "$work" --runs "$runs"
