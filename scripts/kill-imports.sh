#!/usr/bin/env bash
# Crash safety: SIGKILL `media import` at random moments ROUNDS times (copy, move and in-place
# in turn), import again, and check that `verify --deep` is clean and every file is in the
# library exactly once. Usage: scripts/kill-imports.sh [ROUNDS]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests >&2
MEDIAKIT_KILL_ROUNDS="${1:-100}" swift test --skip-build --filter killedImportsLeaveNothingBroken
