#!/usr/bin/env bash
# Memory of the idle tray app, before the settings window was ever opened and after opening and
# closing it CYCLES times through the tray menu, the way a person does. Measures the app and every
# process below it (WebKitGTK's web and network processes while a window exists): RSS (VmRSS, which
# counts shared libraries once per process) and PSS (which shares them out, so the sum is fair).
# Ends with the app's RSS by mapping (idle, and what grew after the cycles). Figures and how to
# read them: docs/BENCHMARKS.md, "Tray memory".
#
# usage (inside a display and a private session bus; BIN is best a release build):
#   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- tests/bench/tray-rss.sh BIN [CYCLES]
#
# Exits 1 if the app dies or the tray cannot be driven; otherwise 0, whatever the figures (the
# budget is judged by a person reading them, not by this script).
set -Eeuo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: tests/bench/tray-rss.sh BIN [CYCLES]  (inside xvfb-run and dbus-run-session)" >&2
  exit 2
fi
bin=$(realpath "$1")
cycles=${2:-10}
here=$(dirname "$(realpath "$0")")
: "${DISPLAY:?run under xvfb-run (no DISPLAY)}"
: "${DBUS_SESSION_BUS_ADDRESS:?run under dbus-run-session (no session bus)}"
[[ $cycles =~ ^[0-9]+$ ]] || { echo "CYCLES must be a whole number, not '$cycles'" >&2; exit 2; }

# How long the app is left alone before each measurement, so start-up and teardown work (GTK
# caches, the allocator returning freed pages, WebKit children exiting) has settled.
settle_seconds=5
# How long a closed window's web process gets to exit before it counts as left behind.
web_process_exit_seconds=15

# Unconfigured config dir: the app runs against its simulated tenant and makes no network calls.
work=$(mktemp -d)
# XDG_CONFIG_HOME too: the app writes its start-at-login entry there.
export PRESENCE_RELAY_CONFIG_DIR=$work/config PRESENCE_RELAY_LOG_DIR=$work/logs XDG_CONFIG_HOME=$work/xdg
log=$work/app-stderr.log
app_pid="" tray_pid=""
cleanup() {
  if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; fi
  if [ -n "$tray_pid" ]; then kill "$tray_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "tray-rss: $*" >&2
  echo "--- app log (last 40 lines) ---" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
}
# Any other failing command (say xdotool, once the X server has gone) stops the run with its line.
trap 'fail "${BASH_SOURCE[0]##*/} line $LINENO: \"$BASH_COMMAND\" failed (is the X server still up?)"' ERR
# shellcheck source-path=SCRIPTDIR source=../smoke/tray-driver.sh
source "$here/../smoke/tray-driver.sh"

# family PID: prints PID and every process below it, one per line.
family() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      keep[root] = 1
      for (grew = 1; grew;) {
        grew = 0
        for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grew = 1 }
      }
      for (p in keep) print p
    }'
}
# children: prints the app's descendants as "pid name", one per line.
children() {
  local pid
  for pid in $(family "$app_pid"); do
    [ "$pid" = "$app_pid" ] && continue
    echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null || echo '?')"
  done
}
# WebKitGTK runs each page in a WebKitWebProcess ("WebKitWebProces" in comm, cut to 15 bytes); it
# is the process that must go when the window goes. The network process belongs to the web
# context, not the window, so it is reported but not waited for.
no_web_process() { ! children | grep -q ' WebKitWebProces'; }
# measure: prints "rss_kib pss_kib app_rss_kib processes" for the app and its descendants. A
# process that exits while being read is left out.
measure() {
  local pid rss pss total_rss=0 total_pss=0 app_rss=0 count=0
  for pid in $(family "$app_pid"); do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null) || continue
    if [ -z "$rss" ] || [ -z "$pss" ]; then continue; fi
    total_rss=$((total_rss + rss)) total_pss=$((total_pss + pss)) count=$((count + 1))
    [ "$pid" = "$app_pid" ] && app_rss=$rss
  done
  echo "$total_rss $total_pss $app_rss $count"
}
# by_mapping FILE: writes the app's RSS in KiB per mapped file ([heap], [anon], ... for the rest)
# to FILE, one "kib name" per line, for the breakdown printed at the end.
by_mapping() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6) }
       /^Rss:/ { kib[name] += $2 }
       END { for (n in kib) print kib[n], n }' "/proc/$app_pid/smaps" | sort -k2 >"$1"
}
alive() { kill -0 "$app_pid" 2>/dev/null || fail "the app died (see its log below)"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rendered_count() { grep -c 'settings window rendered page "overview"' "$log" || true; }
rendered_at_least() { alive && [ "$(rendered_count)" -ge "$1" ]; }

start_tray
RUST_LOG=info "$bin" >"$log" 2>&1 &
app_pid=$!
wait_for 30 "the app to start" log_has "Presence Relay .* started"
locate_icon
settings_window >/dev/null 2>&1 && fail "a settings window exists before it was asked for"
sleep "$settle_seconds"
alive
read -r before_rss before_pss before_app before_procs < <(measure)
by_mapping "$work/mappings-before"

slow_exits=0
for cycle in $(seq "$cycles"); do
  open_menu
  choose_open_settings
  wait_for 30 "the settings window to render (cycle $cycle)" rendered_at_least "$cycle"
  window=$(settings_window) || fail "the page rendered but no settings window was found (cycle $cycle)"
  read -r open_rss open_pss _ open_procs < <(measure)
  close_window "$window"
  wait_for 10 "the settings window to be destroyed (cycle $cycle)" no_settings_window
  deadline=$((SECONDS + web_process_exit_seconds))
  until no_web_process || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
  no_web_process || slow_exits=$((slow_exits + 1))
  alive
  read -r closed_rss closed_pss _ closed_procs < <(measure)
  printf 'cycle %3d: open %s MiB RSS / %s MiB PSS (%d processes); closed %s MiB RSS / %s MiB PSS (%d)\n' \
    "$cycle" "$(mib "$open_rss")" "$(mib "$open_pss")" "$open_procs" \
    "$(mib "$closed_rss")" "$(mib "$closed_pss")" "$closed_procs"
done

sleep "$settle_seconds"
alive
read -r after_rss after_pss after_app after_procs < <(measure)
by_mapping "$work/mappings-after"
left=$(children)

growth() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo
printf '%-28s %12s %12s %12s %10s\n' "" "RSS (MiB)" "PSS (MiB)" "app RSS" "processes"
printf '%-28s %12s %12s %12s %10d\n' "idle, never opened" \
  "$(mib "$before_rss")" "$(mib "$before_pss")" "$(mib "$before_app")" "$before_procs"
printf '%-28s %12s %12s %12s %10d\n' "idle, after $cycles open/close" \
  "$(mib "$after_rss")" "$(mib "$after_pss")" "$(mib "$after_app")" "$after_procs"
printf '%-28s %12s %12s %12s\n' "growth" \
  "$(growth "$after_rss" "$before_rss")" "$(growth "$after_pss" "$before_pss")" \
  "$(growth "$after_app" "$before_app")"
printf '%-28s %12s %12s %12s\n' "ratio after/before" \
  "$(ratio "$after_rss" "$before_rss")" "$(ratio "$after_pss" "$before_pss")" \
  "$(ratio "$after_app" "$before_app")"
echo "child processes left: $(echo -n "$left" | grep -c . || true)${left:+ ($(echo "$left" | awk '{print $2}' | sort | uniq -c | xargs))}"
echo "cycles whose web process outlived its window by over ${web_process_exit_seconds}s: $slow_exits"
echo
echo "the app's RSS by mapping, idle and never opened (MiB, largest 12):"
# awk, not head: head would close the pipe early, and sort's SIGPIPE trips pipefail.
sort -n -r "$work/mappings-before" | awk 'NR <= 12 { printf "  %7.1f  %s\n", $1 / 1024, $2 }'
echo "what grew by over 0.1 MiB after the cycles (MiB):"
join -1 2 -2 2 -a 2 -e 0 -o 0,1.1,2.1 "$work/mappings-before" "$work/mappings-after" |
  awk '$3 - $2 > 102 { printf "  %+7.1f  %s\n", ($3 - $2) / 1024, $1 }'
