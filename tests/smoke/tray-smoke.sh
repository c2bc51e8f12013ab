#!/usr/bin/env bash
# Smoke test of the real app on a real X display: the tray icon is embedded in an XEmbed tray
# (trayer), a click opens its menu, "Open settings…" opens the settings window, the page renders,
# the window closes like a person closing it, and "Quit" ends the app with exit code 0.
#
# usage (inside a display and a private session bus):
#   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- tests/smoke/tray-smoke.sh BIN [SHOTS_DIR]
set -euo pipefail
bin=$(realpath "$1")
shots=$(realpath -m "${2:-target/smoke}")
here=$(dirname "$(realpath "$0")")
mkdir -p "$shots"
: "${DISPLAY:?run under xvfb-run (no DISPLAY)}"
: "${DBUS_SESSION_BUS_ADDRESS:?run under dbus-run-session (no session bus)}"

work=$(mktemp -d)
export PRESENCE_RELAY_CONFIG_DIR=$work/config PRESENCE_RELAY_LOG_DIR=$work/logs
log=$shots/app-stderr.log
app_pid="" tray_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$tray_pid" ] && kill "$tray_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
pass=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
fail() {
  echo "not ok - $*"
  echo "--- app log (last 40 lines) ---"; tail -n 40 "$log" || true
  import -window root "$shots/failure.png" 2>/dev/null || true
  exit 1
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for: $what"
    sleep 0.2
  done
}
log_has() { grep -q -- "$1" "$log"; }

trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
  --transparent false --tint 0xdddddd --expand false >/dev/null 2>&1 &
tray_pid=$!
wait_for 10 "the XEmbed tray (trayer)" xdotool search --classname trayer

RUST_LOG=info "$bin" >"$log" 2>&1 &
app_pid=$!
wait_for 30 "the app to start" log_has "Presence Relay .* started"
ok "app started with no window (tray only)"
if xdotool search --name '^Presence Relay$' >/dev/null 2>&1; then
  fail "a settings window exists before it was asked for"
fi

# The icon is the XEmbed client that tray-icon (the library behind Tauri's tray) docks into trayer.
icon_window() {
  local id
  id=$(xwininfo -root -tree | awk '/"tray-icon tray app main"/ {print $1; exit}')
  [ -n "$id" ] && echo "$id"
}
wait_for 15 "the tray icon to be embedded" icon_window
icon=$(icon_window)
geometry=$(xwininfo -id "$icon")
abs_x=$(awk '/Absolute upper-left X/ {print $4}' <<<"$geometry")
abs_y=$(awk '/Absolute upper-left Y/ {print $4}' <<<"$geometry")
width=$(awk '/Width:/ {print $2}' <<<"$geometry")
height=$(awk '/Height:/ {print $2}' <<<"$geometry")
icon_x=$((abs_x + width / 2)) icon_y=$((abs_y + height / 2))
ok "tray icon embedded at ${icon_x},${icon_y}"
import -window root "$shots/01-tray.png"

windows_now() { xdotool search --onlyvisible --name '.' 2>/dev/null | sort; }
open_menu() {
  local before after
  before=$(windows_now)
  xdotool mousemove "$icon_x" "$icon_y" click 1
  # GTK shows the menu as a new override-redirect window.
  local deadline=$((SECONDS + 5))
  while [ $SECONDS -lt $deadline ]; do
    after=$(windows_now)
    menu=$(comm -13 <(echo "$before") <(echo "$after") | head -n 1)
    [ -n "$menu" ] && return 0
    sleep 0.2
  done
  fail "the tray menu did not open"
}
# click_item N: clicks the Nth row of the open menu. Rows: status, separator, Open settings,
# Pause, separator, Quit. Keyboard navigation is steadier than coordinates: Down moves over
# sensitive items only.
choose() {
  local downs=$1
  for _ in $(seq "$downs"); do xdotool key --clearmodifiers Down; sleep 0.1; done
  xdotool key --clearmodifiers Return
}

open_menu
ok "tray menu opened"
import -window root "$shots/02-tray-menu.png"
choose 1 # Open settings…
wait_for 30 "the settings window to render" log_has 'settings window rendered page "overview"'
settings=$(xdotool search --name '^Presence Relay$' | head -n 1)
# The page reported itself rendered; now wait until it is painted: a blank window has a handful of
# colours, a page with text has hundreds.
painted() {
  import -window root "$shots/03-settings.png" 2>/dev/null || return 1
  local geometry colours
  geometry=$(xdotool getwindowgeometry --shell "$settings")
  eval "$geometry"
  colours=$(convert "$shots/03-settings.png" -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" -format %k info:)
  [ "$colours" -gt 100 ]
}
wait_for 20 "the settings page to be painted" painted
ok "settings window rendered and painted"

python3 "$here/x11_close.py" "$settings"
wait_for 10 "the settings window to close" bash -c "! xdotool search --name '^Presence Relay$'"
sleep 1
kill -0 "$app_pid" 2>/dev/null || fail "the app exited when its window closed"
ok "settings window closed; the app keeps running in the tray"

open_menu
choose 3 # Quit
set +e
wait "$app_pid"
code=$?
set -e
app_pid=""
[ "$code" -eq 0 ] || fail "the app exited with code $code after Quit"
ok "Quit ended the app with exit code 0"
echo "smoke: $pass passed, 0 failed"
