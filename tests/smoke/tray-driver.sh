# Drives the real app's tray the way a person does, on an X display with an XEmbed tray (trayer).
# Sourced by tests/smoke/tray-smoke.sh and tests/bench/tray-rss.sh; not run on its own.
#
# The sourcing script must define `fail MESSAGE` (report and exit) and set `log` to the file that
# receives the app's stderr. Functions documented as setting a variable set it for that script.
# shellcheck shell=bash disable=SC2034,SC2154

tray_driver_dir=$(dirname "$(realpath "${BASH_SOURCE[0]}")")

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

# start_tray: starts trayer in the background and sets tray_pid.
start_tray() {
  trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
    --transparent false --tint 0xdddddd --expand false >/dev/null 2>&1 &
  tray_pid=$!
  wait_for 10 "the XEmbed tray (trayer)" xdotool search --classname trayer
}

# The icon is the XEmbed client that tray-icon (the library behind Tauri's tray) docks into trayer.
icon_window() {
  local id
  id=$(xwininfo -root -tree | awk '/"tray-icon tray app main"/ {print $1; exit}')
  [ -n "$id" ] && echo "$id"
}

# locate_icon: waits until the icon is embedded and sets icon_x, icon_y to its centre.
locate_icon() {
  wait_for 15 "the tray icon to be embedded" icon_window
  local icon geometry abs_x abs_y width height
  icon=$(icon_window)
  geometry=$(xwininfo -id "$icon")
  abs_x=$(awk '/Absolute upper-left X/ {print $4}' <<<"$geometry")
  abs_y=$(awk '/Absolute upper-left Y/ {print $4}' <<<"$geometry")
  width=$(awk '/Width:/ {print $2}' <<<"$geometry")
  height=$(awk '/Height:/ {print $2}' <<<"$geometry")
  icon_x=$((abs_x + width / 2)) icon_y=$((abs_y + height / 2))
}

windows_now() { xdotool search --onlyvisible --name '.' 2>/dev/null | sort; }

# new_window_since BEFORE: prints the first visible window not in the list BEFORE (windows_now),
# waiting up to 5 s; fails (status 1) when none appears.
new_window_since() {
  local before=$1 after window
  local deadline=$((SECONDS + 5))
  while [ $SECONDS -lt $deadline ]; do
    after=$(windows_now)
    window=$(comm -13 <(echo "$before") <(echo "$after") | head -n 1)
    if [ -n "$window" ]; then
      echo "$window"
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# open_menu: clicks the icon and waits for its menu; sets menu to the menu's window id.
open_menu() {
  local before
  before=$(windows_now)
  xdotool mousemove "$icon_x" "$icon_y" click 1
  # GTK shows the menu as a new override-redirect window.
  menu=$(new_window_since "$before") || fail "the tray menu did not open"
  # The menu window maps before GTK grabs the keyboard; keys sent in between are lost.
  sleep 0.5
}

# press KEY...: sends keys to the open menu one at a time, so GTK handles each before the next.
press() {
  local key
  for key in "$@"; do xdotool key --clearmodifiers "$key"; sleep 0.1; done
}

# menu_levels: how many levels of the tray menu are open: the app's visible windows of menu size
# (the tray icon is about 32x30, GTK's hidden helper window 10x10, a menu over 100 pixels tall).
menu_levels() {
  local window levels=0 WIDTH HEIGHT
  for window in $(windows_now); do
    [ "$(xdotool getwindowname "$window" 2>/dev/null)" = presence-relay ] || continue
    eval "$(xdotool getwindowgeometry --shell "$window" 2>/dev/null | grep -E '^(WIDTH|HEIGHT)=')"
    if [ "${WIDTH:-0}" -ge 64 ] && [ "${HEIGHT:-0}" -ge 64 ]; then levels=$((levels + 1)); fi
  done
  echo "$levels"
}

# open_submenu LEVEL: opens the submenu of the selected row (Right), which selects its first row,
# and waits until LEVEL menu levels are open (the menu itself is level 1). Fails (status 1) when
# the submenu does not open. GTK may already have popped the submenu up on its own (it does once
# a row has stayed selected for its popup delay, which a busy machine reaches between keys); Right
# then moves into it all the same, so counting levels, not new windows, tells the two apart.
open_submenu() {
  local level=$1
  local deadline=$((SECONDS + 5))
  xdotool key --clearmodifiers Right
  until [ "$(menu_levels)" -ge "$level" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
  sleep 0.3
}

# choose N: moves N rows down the open menu and activates that row. Sensitive rows: Set status,
# Status message, Snooze, Pause, Open settings, Quit (the user lines above them are insensitive).
# Keyboard navigation is steadier than coordinates: Down moves over sensitive items only.
choose() {
  local downs=$1
  for _ in $(seq "$downs"); do xdotool key --clearmodifiers Down; sleep 0.1; done
  xdotool key --clearmodifiers Return
}
choose_open_settings() { choose 5; }
choose_quit() { choose 6; }

# exited_within SECONDS PID: true when PID (a child of this shell) exits within SECONDS; sets
# exit_code to its status.
exited_within() {
  local seconds=$1 pid=$2
  local deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
  set +e
  wait "$pid"
  exit_code=$?
  set -e
}

# settings_window: prints the settings window's id; fails (status 1) when there is none. Searches
# unmapped windows too, so a window that was only hidden still counts as existing.
settings_window() { xdotool search --name '^Presence Relay$' | head -n 1 | grep .; }
no_settings_window() { ! settings_window >/dev/null 2>&1; }

# close_window ID: closes the window as a person does (WM_DELETE_WINDOW, not a destroy).
close_window() { python3 "$tray_driver_dir/x11_close.py" "$1"; }
