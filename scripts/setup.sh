#!/usr/bin/env bash
# Installs the Debian packages MediaKit needs to build, test and benchmark, when missing.
# Usage: scripts/setup.sh [--bench]   (--bench adds libvips-tools and hyperfine)
set -euo pipefail
# chromium: the gallery's browser test; exiftool: reads back the XMP sidecars in the tests
packages=(libvips-dev libjpeg-dev libexif-dev libsqlite3-dev pkg-config chromium libimage-exiftool-perl)
if [ "${1:-}" = "--bench" ]; then
  packages+=(libvips-tools hyperfine)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: Swift 6 is required (swift not on PATH)" >&2; exit 1; }
