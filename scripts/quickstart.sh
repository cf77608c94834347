#!/usr/bin/env bash
# Sets MediaKit up on a fresh Debian machine and runs the main job: imports a folder of photos
# into a library (embedded SQLite catalog + content-addressed originals), then shows its timeline.
# Usage: scripts/quickstart.sh [FOLDER] [LIBRARY]
#   FOLDER   default: ../shared/corpus/media when present
#   LIBRARY  default: $MEDIAKIT_LIBRARY, else ~/MediaKit
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product media
folder="${1:-${MEDIAKIT_CORPUS:-../shared/corpus}/media}"
library="${2:-${MEDIAKIT_LIBRARY:-$HOME/MediaKit}}"
media=.build/release/media
status=0
"$media" import --library "$library" "$folder" || status=$?
# Status 1 means the import ran and some files could not be read (each is listed above with the
# reason): the job itself succeeded. Anything else is a real failure.
[ "$status" -le 1 ] || exit "$status"
"$media" stats --library "$library"
echo "timeline (newest first):"
"$media" timeline --library "$library" | head -20 || true   # head may close the pipe early
echo "library: $library   (try: $media ls --library \"$library\" --json | head)"
