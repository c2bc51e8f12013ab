#!/usr/bin/env bash
# Builds the settings window into ui/dist (the Rust build embeds it). Reuses node_modules when the
# lock file has not changed.
set -euo pipefail
cd "$(dirname "$0")/../ui"
stamp=node_modules/.package-lock.stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
npm run --silent build
