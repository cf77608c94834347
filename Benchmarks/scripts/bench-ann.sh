#!/usr/bin/env bash
# Vector index (issue 5): hnswlib + a numpy scan (ann-hnswlib.py) and, when MEDIABENCH is set,
# MediaKit's `mediabench ann`, on the same real sentence embeddings with the same parameters.
# Usage: Benchmarks/scripts/bench-ann.sh [DATA_DIR]   (default Benchmarks/.corpus/ann, git-ignored;
#          made by make-embeddings.py when DATA_DIR/README.txt is missing: ~1 minute)
#   MEDIABENCH=/path/to/mediabench   also run "$MEDIABENCH ann ..." (release build, please)
#   K=10 EF=32,64,128,256 M=16 EFC=200 METRIC=cosine   the parameters of both
#   RUNS=5    timed passes of both, after a warm-up pass (medians compared; the best is kept too)
#   OUT=FILE  also keep all JSON lines in FILE
# Prints every JSON line (hnswlib, numpy-flat, then MediaKit's), then a table: for each MediaKit
# ef, the hnswlib ef whose recall is closest, and the single-thread qps of both.
# Run it on a quiet machine (`nice` lowers the priority; it does not remove other load).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts=Benchmarks/scripts
data="${1:-Benchmarks/.corpus/ann}"
k=${K:-10}
ef=${EF:-32,64,128,256}
m=${M:-16}
efc=${EFC:-200}
metric=${METRIC:-cosine}
runs=${RUNS:-5}

python3 -c 'import hnswlib, wordllama, threadpoolctl, numpy' 2> /dev/null || {
  echo "missing Python packages: pip install -r $scripts/requirements-bench.txt" >&2; exit 1; }
if [ -n "${MEDIABENCH:-}" ] && [ ! -x "$MEDIABENCH" ]; then
  echo "MEDIABENCH=$MEDIABENCH is not an executable" >&2; exit 1
fi

if [ ! -f "$data/README.txt" ] || [ ! -f "$data/base.fvecs" ] || [ ! -f "$data/query.fvecs" ] \
   || [ ! -f "$data/truth.ivecs" ]; then
  echo "making the embeddings in $data ..." >&2
  python3 "$scripts/make-embeddings.py" "$data" >&2
fi
base=$data/base.fvecs query=$data/query.fvecs truth=$data/truth.ivecs
sed -n '/^command:/p;/^model:/p;/^split:/p' "$data/README.txt" | sed 's/^/# /' >&2

work=$(mktemp -d /tmp/mediakit-bench-ann.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 "$scripts/ann-hnswlib.py" --base "$base" --query "$query" --truth "$truth" -k "$k" \
  --ef "$ef" --M "$m" --ef-construction "$efc" --space "$metric" --runs "$runs" \
  | tee "$work/hnswlib.jsonl"

: > "$work/mediakit.jsonl"
if [ -n "${MEDIABENCH:-}" ]; then
  "$MEDIABENCH" ann --base "$base" --query "$query" --truth "$truth" -k "$k" --ef "$ef" \
    --M "$m" --ef-construction "$efc" --metric "$metric" --runs "$runs" > "$work/mediakit.out"
  grep '^{' "$work/mediakit.out" | tee "$work/mediakit.jsonl" || true
  grep -v '^{' "$work/mediakit.out" >&2 || true
  [ -s "$work/mediakit.jsonl" ] || { echo "mediabench printed no JSON line" >&2; exit 1; }
fi
if [ -n "${OUT:-}" ]; then
  cat "$work/hnswlib.jsonl" "$work/mediakit.jsonl" > "$OUT"
fi

python3 - "$work/hnswlib.jsonl" "$work/mediakit.jsonl" <<'EOF'
import json, sys

def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]

ref, mk = load(sys.argv[1]), load(sys.argv[2])
hn = [r for r in ref if r["index"] == "hnswlib"]
flat = [r for r in ref if r["index"] == "numpy-flat"]
is_graph = lambda r: isinstance(r.get("ef"), (int, float)) and not isinstance(r.get("ef"), bool)
print()
if not mk:
    print("hnswlib alone (MEDIABENCH not set):")
    print(f"{'ef':>5} {'recall':>7} {'qps':>9} {'batch_qps':>10} {'build_s':>8}")
    for r in hn:
        print(f"{r['ef']:>5} {r['recall']:>7.4f} {r['qps']:>9.1f} {r.get('batch_qps', 0):>10.1f} "
              f"{r['build_s']:>8.2f}")
    for r in flat:
        print(f"numpy-flat: recall {r['recall']:.4f}, qps {r['qps']:.1f}")
    sys.exit(0)
print("single-thread qps at equal-ish recall (for each MediaKit ef, the hnswlib ef of closest recall);")
print("medians of the passes; hnswlib's qps one Python call per query, batch_qps its C++ loop over all queries:")
print(f"{'MediaKit ef':>11} {'recall':>7} {'qps':>9} | {'hnswlib ef':>10} {'recall':>7} {'qps':>9} {'batch_qps':>9} "
      f"| {'vs qps':>7} {'vs batch':>8} {'build_s MK/hnsw':>16}")
for r in (r for r in mk if is_graph(r)):
    h = min(hn, key=lambda h: (abs(h["recall"] - r["recall"]), h["ef"]))
    ratio = r["qps"] / h["qps"] if h["qps"] else float("nan")
    batch = r["qps"] / h["batch_qps"] if h.get("batch_qps") else float("nan")
    print(f"{r['ef']:>11} {r['recall']:>7.4f} {r['qps']:>9.1f} | {h['ef']:>10} {h['recall']:>7.4f} "
          f"{h['qps']:>9.1f} {h.get('batch_qps', float('nan')):>9.1f} | {ratio:>6.2f}x {batch:>7.2f}x "
          f"{r.get('build_s', float('nan')):>7.2f}/{h['build_s']:<7.2f}")
for r in (r for r in mk if not is_graph(r)):
    for f in flat:
        ratio = r["qps"] / f["qps"] if f["qps"] else float("nan")
        print(f"{r['index']} (MediaKit) recall {r.get('recall', float('nan')):.4f} qps {r['qps']:.1f} | "
              f"numpy-flat recall {f['recall']:.4f} qps {f['qps']:.1f} | {ratio:.2f}x")
EOF
