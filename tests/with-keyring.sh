#!/usr/bin/env bash
# Runs a command with a real, unlocked gnome-keyring (Secret Service) on the current session bus.
# Use inside `dbus-run-session`. The keyring lives in a throwaway directory and is unlocked with a
# throwaway password, so no prompt can ever open; HOME is left alone (cargo and rustup need it).
set -euo pipefail
: "${DBUS_SESSION_BUS_ADDRESS:?run inside dbus-run-session}"
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
mkdir -p "$keyring_home/data" "$keyring_home/run"
chmod 700 "$keyring_home/run"
printf '%s' "throwaway-test-password" |
  XDG_DATA_HOME=$keyring_home/data XDG_RUNTIME_DIR=$keyring_home/run \
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
