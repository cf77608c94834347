#!/usr/bin/env bash
# Fuzzes MediaCore's container parsers with libFuzzer (Swift's -sanitize=fuzzer, plus ASan).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   targets: jpeg tiff png webp gif isobmff riff raw ts exif xmp preview decode hnsw all
#   (default: all of them but "all")
# Seeds come from ../shared/corpus (or $MEDIAKIT_CORPUS) when present; the growing corpus and any
# crash inputs are kept in fuzz-out/ (not committed). Two targets run at a time (2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(jpeg tiff png webp gif isobmff riff raw ts exif xmp preview decode hnsw)
corpus="${MEDIAKIT_CORPUS:-../shared/corpus}"

swift build --scratch-path .build-fuzz --product MediaFuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xcc -fsanitize=address >&2
bin=.build-fuzz/debug/MediaFuzz

seed() {  # seed TARGET: corpus files whose format the target parses
  local t=$1 dir=fuzz-out/seeds/$1
  mkdir -p "$dir"
  [ -d "$corpus/media" ] || return 0
  local pattern
  case $t in
    jpeg|exif|decode) pattern='.*\.(jpe?g|JPE?G)$' ;;
    tiff) pattern='.*\.(tiff?|TIFF?|btf|dng|nef|cr2|iiq)$' ;;
    png) pattern='.*\.(png|PNG)$' ;;
    webp) pattern='.*\.(webp)$' ;;
    gif) pattern='.*\.(gif)$' ;;
    isobmff) pattern='.*\.(heic|HEIC|heif|avif|mov|mp4|3gp|cr3|jp2|jxl)$' ;;
    riff) pattern='.*\.(avi|AVI|bmp)$' ;;
    raw) pattern='.*\.(raf|mrw|rw2|crw|x3f)$' ;;
    preview) pattern='.*\.(raf|rw2|crw|cr3|cr2|nef|dng|orf|arw|pef|tiff?)$' ;;
    ts) pattern='.*\.(mts|m2ts)$' ;;
    xmp) pattern='.*\.(jpg|png)$' ;;
    hnsw) pattern='.*\.hnsw$' ;;
    *) pattern='.*' ;;
  esac
  if [ "$t" = hnsw ]; then  # a small valid index (HNSWIndex+File.swift's layout): 4 nodes, d 4, m 2
    python3 - "$dir/seed.hnsw" <<'PY'
import struct, sys
d, m, n = 4, 2, 4
stride = (d * 4 + 4 + 8 * m + 63) // 64 * 64
out = b"MKHNSW02" + struct.pack("<7I", d, 0, m, 8, 8, n, n) + struct.pack("<2i", 0, 0) + struct.pack("<2Q", 42, 43)
out += struct.pack("<%dq" % n, *range(n))
for i in range(n):
    links = [j for j in range(n) if j != i][:2 * m]
    block = struct.pack("<4f", *[0.5 if k == i else 0.1 for k in range(d)]) + struct.pack("<i", len(links))
    block += struct.pack("<4i", *(links + [-1] * (2 * m - len(links))))
    out += block + b"\x00" * (stride - len(block))
out += b"\x00" * n
open(sys.argv[1], "wb").write(out)
PY
    return 0
  fi
  find "$corpus/media" -regextype posix-extended -regex "$pattern" -size -2M -print0 |
    while IFS= read -r -d '' f; do head -c 262144 "$f" > "$dir/$(sha1sum "$f" | cut -c1-16)"; done
}

run() {
  local t=$1
  mkdir -p "fuzz-out/corpus-$t"
  seed "$t"
  MEDIAKIT_FUZZ_TARGET=$t "$bin" "fuzz-out/corpus-$t" "fuzz-out/seeds/$t" \
    -max_total_time="$secs" -max_len=262144 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="fuzz-out/crash-$t-" -print_final_stats=1 > "fuzz-out/$t.log" 2>&1
  local rc=$?
  echo "$t: exit $rc, $(grep -E '^stat::number_of_executed_units' "fuzz-out/$t.log" | awk '{print $2}') runs, $(grep -c 'ERROR: ' "fuzz-out/$t.log") errors"
  return $rc
}

mkdir -p fuzz-out
status=0
i=0
pids=()
for t in "${targets[@]}"; do
  run "$t" & pids+=($!)
  i=$((i + 1))
  if [ $((i % 2)) -eq 0 ]; then for p in "${pids[@]}"; do wait "$p" || status=1; done; pids=(); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
ls fuzz-out/crash-* 2>/dev/null && { echo "crash inputs above: add each to the regression tests" >&2; status=1; }
exit $status
