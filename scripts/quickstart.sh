#!/usr/bin/env bash
# Sets MediaKit up on a fresh Debian machine and runs the main job over a folder of photos.
# Usage: scripts/quickstart.sh [FOLDER]   (default: ../shared/corpus/media when present)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product media
folder="${1:-${MEDIAKIT_CORPUS:-../shared/corpus}/media}"
exec .build/release/media metadata "$folder"
