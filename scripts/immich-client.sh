#!/usr/bin/env bash
# A published Immich client, unmodified, against mediad (issue 6): immichpy's CLI (PyPI, the
# `immich` package's new name) uploads a folder with --skip-duplicates --album-name, then again;
# the second run must upload nothing, and the album must hold every photo.
# Usage: scripts/immich-client.sh [FOLDER]   (default: 40 JPEGs of ../shared/corpus, copied to a temp folder)
#   MEDIA=... MEDIAD=...   the binaries (default: .build/debug/media and mediad; built when missing)
#   VENV=/tmp/mediakit-immichpy   where immichpy is installed (pip, once)
# Exit status 0 when every check passes. Prints the client's JSON summaries.
set -euo pipefail
cd "$(dirname "$0")/.."
media=${MEDIA:-.build/debug/media}
mediad=${MEDIAD:-.build/debug/mediad}
if [ ! -x "$media" ] || [ ! -x "$mediad" ]; then
  swift build --product media >&2
  swift build --product mediad >&2
fi
venv=${VENV:-/tmp/mediakit-immichpy}
if [ ! -x "$venv/bin/immichpy" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'immichpy[cli]==9.2.4' >&2
fi
work=$(mktemp -d /tmp/mediakit-immich.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
folder=${1:-}
if [ -z "$folder" ]; then
  folder=$work/photos
  mkdir -p "$folder"
  find "${MEDIAKIT_CORPUS:-../shared/corpus}/media" -iname '*.jpg' -size +20k | sort | head -40 |
    while read -r f; do cp "$f" "$folder/$(sha1sum "$f" | cut -c1-8)-$(basename "$f")"; done
fi
expected=$(find "$folder" -type f | while read -r f; do sha1sum "$f"; done | cut -c1-40 | sort -u | wc -l)
key=$("$media" key create --library "$work/lib" --name immichpy 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$mediad" --library "$work/lib" --port "$port" --log-level warning > "$work/mediad.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/server/ping" > /dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/api/server/ping" > /dev/null || { echo "mediad did not start:" >&2; cat "$work/mediad.log" >&2; exit 1; }
export IMMICH_API_URL="http://127.0.0.1:$port/api" IMMICH_API_KEY="$key"
run() { "$venv/bin/immichpy" --format json assets upload "$folder" --skip-duplicates --album-name "Holidays" 2>&1 | tail -1; }
first=$(run); echo "first run:  $first"
second=$(run); echo "second run: $second"
albums=$(curl -sf -H "x-api-key: $key" "http://127.0.0.1:$port/api/albums")
python3 - "$expected" "$first" "$second" "$albums" <<'PY'
import json, sys
expected = int(sys.argv[1])
first, second, albums = json.loads(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
checks = {
    f"first run uploads all {expected} distinct files": first["stats"]["uploaded"] == expected and not first["failed"],
    "second run uploads nothing and fails nothing": second["stats"]["uploaded"] == 0 and not second["failed"],
    "second run rejects every file as a duplicate": second["stats"]["rejected"] == second["stats"]["total"],
    f"one album 'Holidays' with {expected} assets": [(a["albumName"], a["assetCount"]) for a in albums] == [("Holidays", expected)],
}
for name, ok in checks.items():
    print(("ok    " if ok else "FAIL  ") + name)
sys.exit(0 if all(checks.values()) else 1)
PY
