#!/usr/bin/env bash
# Runs the WebDriver end-to-end tests of the settings window (tests/e2e/settings.test.mjs) with
# Node's test runner, TAP on standard output. The tests start WebKitWebDriver (which starts the
# app), a standalone simulated tenant and a fake logind; this script checks what they need.
#
# usage (inside a display, a private session bus and an unlocked keyring):
#   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
#     tests/with-keyring.sh tests/e2e/run.sh BIN FAKE_LOGIND [SHOTS_DIR]
# FAKE_LOGIND: cargo build -p relay-signals --features testing --example fake-logind
#              (target/debug/examples/fake-logind)
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: tests/e2e/run.sh BIN FAKE_LOGIND [SHOTS_DIR]  (inside xvfb-run, dbus-run-session, with-keyring.sh)" >&2
  exit 2
fi
here=$(dirname "$(realpath "$0")")
: "${DISPLAY:?run under xvfb-run (no DISPLAY)}"
: "${DBUS_SESSION_BUS_ADDRESS:?run under dbus-run-session (no session bus)}"
for tool in WebKitWebDriver node dbus-daemon; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing (scripts/install-deps.sh test)" >&2; exit 1; }
done
[ -x "$1" ] || { echo "e2e: no app binary at $1 (cargo build)" >&2; exit 1; }
[ -x "$2" ] || {
  echo "e2e: no fake logind at $2 (cargo build -p relay-signals --features testing --example fake-logind)" >&2
  exit 1
}
export E2E_APP=$1 E2E_FAKE_LOGIND=$2 E2E_SHOTS=${3:-target/e2e}
mkdir -p "$E2E_SHOTS"
rm -f "$E2E_SHOTS"/*.png
exec node --test --test-reporter=tap --test-timeout=600000 "$here/settings.test.mjs"
