#!/usr/bin/env bash
# Load (issue 6): 8 concurrent uploaders × 500 distinct small JPEGs each to a release mediad on
# loopback, into an empty library; every upload must succeed (201); uploads/s and the server's
# peak RSS. Then the same 4,000 files again: every answer must be 200 duplicate.
# Usage: Benchmarks/scripts/bench-upload.sh      (WORKERS=8 PER_WORKER=500; needs python3 with Pillow)
#   BIN=.build-release/release   where mediad and media are (swift build -c release --scratch-path .build-release --product mediad / media)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${BIN:-.build-release/release}
workers=${WORKERS:-8}
per=${PER_WORKER:-500}
total=$((workers * per))
data=Benchmarks/.corpus/upload-$total
if [ ! -f "$data/done" ]; then
  mkdir -p "$data"
  python3 - "$data" "$total" <<'PY'
import random, sys
from PIL import Image, ImageDraw
out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(6)
for i in range(n):
    img = Image.new("RGB", (640, 480), tuple(rng.randrange(256) for _ in range(3)))
    d = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(640), rng.randrange(480)
        d.ellipse([x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 200)], fill=tuple(rng.randrange(256) for _ in range(3)))
    d.text((10, 10), f"upload {i}", fill=(255, 255, 255))
    img.save(f"{out}/img-{i:05d}.jpg", quality=85)
PY
  touch "$data/done"
fi
work=$(mktemp -d /tmp/mediakit-upload.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
key=$("$bin/media" key create --library "$work/lib" --name load 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/mediad" --library "$work/lib" --port "$port" --log-level warning > "$work/mediad.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/server/ping" > /dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/api/server/ping" > /dev/null || { echo "mediad did not start:" >&2; cat "$work/mediad.log" >&2; exit 1; }
echo "# $total files ($(du -sh "$data" | cut -f1)), $workers uploaders, mediad pid $pid" >&2
for pass in new again; do
  result=$(python3 Benchmarks/scripts/upload-load.py --url "http://127.0.0.1:$port" --key "$key" --pid "$pid" \
    --workers "$workers" "$data"/img-*.jpg)
  echo "{\"pass\":\"$pass\",${result#\{}"
done
