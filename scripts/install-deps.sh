#!/usr/bin/env bash
# Installs what Presence Relay needs on Debian 12 and is not there yet: Debian packages for
# building, running and testing the app, Node.js for the UI, and the Rust pieces (rustfmt, clippy,
# cross-check targets). Safe to run again: it only installs what is missing.
#
#   scripts/install-deps.sh run    packages to build and run the app
#   scripts/install-deps.sh test   also what the test suite needs (Xvfb, D-Bus, keyring, tray, ...)
set -euo pipefail
purpose=${1:-test}

run_packages=(
  ca-certificates build-essential pkg-config curl
  libwebkit2gtk-4.1-dev      # webview; pulls gtk-3, soup-3 and libdbus-1-dev (linked by tao)
  libayatana-appindicator3-1 # the tray icon (loaded at run time)
  dbus dbus-bin              # dbus-run-session; never dbus-x11 (it leaks daemons under Xvfb)
  gnome-keyring              # the Secret Service that holds credentials
)
test_packages=(
  xvfb xauth                 # a display for the real app
  webkit2gtk-driver          # WebKitWebDriver, for the settings window's end-to-end tests (tests/e2e)
  dunst                      # a notification daemon to receive test notifications
  trayer xdotool x11-utils   # an XEmbed tray to click the icon in, and tools to drive it
  imagemagick                # screenshots of the smoke and tray quick-set tests
  clang                      # the macOS cross-check (objc2's build script calls cc -arch)
  python3                    # small helpers in the test scripts
)
packages=("${run_packages[@]}")
[ "$purpose" = test ] && packages+=("${test_packages[@]}")
# Node.js builds the settings window (ui/). A Node from elsewhere (nodesource, nvm) is fine and
# conflicts with Debian's npm package, so Debian's are only added when the commands are missing.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node 18 (Debian 12's) is enough for the UI tool chain; older is not.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ]; then
  echo "Node.js 18 or newer is needed for ui/ (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi
if command -v rustup >/dev/null; then
  installed_components=$(rustup component list --installed 2>/dev/null || true)
  for component in rustfmt clippy; do
    grep -q "^$component" <<<"$installed_components" || rustup component add "$component"
  done
  if [ "$purpose" = test ]; then
    installed_targets=$(rustup target list --installed)
    for target in x86_64-pc-windows-msvc aarch64-apple-darwin; do
      grep -qx "$target" <<<"$installed_targets" || rustup target add "$target"
    done
  fi
fi
