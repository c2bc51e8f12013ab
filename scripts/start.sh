#!/usr/bin/env bash
# Installs what is missing and starts Presence Relay. With no tenant configured it runs against
# the built-in simulated tenant, so nothing real is changed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh run
scripts/build-ui.sh
cargo build --locked
if [ $# -eq 0 ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: the tray app needs a desktop session. Headless commands work anywhere, e.g." >&2
  echo "  target/debug/presence-relay --help" >&2
  echo "or start it on a virtual display: xvfb-run -a target/debug/presence-relay" >&2
  exit 1
fi
exec target/debug/presence-relay "$@"
