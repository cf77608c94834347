#!/usr/bin/env bash
# Sets MediaKit up on a fresh Debian machine and runs the main job: imports a folder of photos
# into a library (embedded SQLite catalog + content-addressed originals), shows its timeline,
# then serves the web gallery (and Immich's API) until Ctrl-C.
# Usage: scripts/quickstart.sh [FOLDER] [LIBRARY]
#   FOLDER   default: ../shared/corpus/media when present
#   LIBRARY  default: $MEDIAKIT_LIBRARY, else ~/MediaKit
#   PORT     default 2283 (Immich's); HOST default 127.0.0.1
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product media
swift build -c release --product mediad
folder="${1:-${MEDIAKIT_CORPUS:-../shared/corpus}/media}"
library="${2:-${MEDIAKIT_LIBRARY:-$HOME/MediaKit}}"
port="${PORT:-2283}"
host="${HOST:-127.0.0.1}"
bin=$(swift build -c release --show-bin-path)
media=$bin/media
status=0
"$media" import --library "$library" "$folder" || status=$?
[ "$status" -le 1 ] || exit "$status"
"$media" stats --library "$library"
echo "timeline (newest first):"
"$media" timeline --library "$library" | head -20 || true   # head may close the pipe early
key=$("$media" key create --library "$library" --name quickstart 2>/dev/null)
echo
echo "The gallery: http://$host:$port/login?key=$key"
echo "(API key for Immich's apps and tools: $key)   Ctrl-C stops the server."
exec "$bin/mediad" --library "$library" --host "$host" --port "$port"
