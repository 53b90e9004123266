#!/usr/bin/env bash
# Installs what Steward needs on Debian or Ubuntu, idempotently: system packages, the Rust
# toolchain check, the npm packages, and (with --for-tests) tauri-driver. Safe to run again.
set -euo pipefail
source "$(dirname "$0")/common.sh"

for_tests=0
[ "${1:-}" = "--for-tests" ] && for_tests=1

# What building and running the app needs (see ../shared/notes/tauri-on-linux.md for why), and
# gnome-keyring: the Secret Service the demo and the tests keep the app's keys in (the app runs
# without one, saying where its keys are instead), and Xvfb: on a machine with no display, run.sh
# advises `xvfb-run -a ./scripts/run.sh`, so what that advice needs is already there.
packages=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  libdbus-1-dev dbus dbus-x11
  gnome-keyring
  xvfb xauth
)
# What the tests add: a virtual display, the WebDriver for WebKitGTK, Chromium for browser tests,
# python3 to build old-schema databases for the end-to-end migration test, dbus-python and GLib
# for the BlueZ client that is not btleplug (simhome tests/bluez_client.py), and the stand-ins the
# phone check compiles C with (clang, llvm-ar, the aarch64 libc headers: see mobile-check.sh),
# and what the other BlueZ client pairs with (python3-spake2, python3-cryptography).
if [ "$for_tests" -eq 1 ]; then
  packages+=(webkit2gtk-driver chromium python3 python3-dbus python3-gi clang llvm libc6-dev-arm64-cross python3-spake2 python3-cryptography)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get: this script supports Debian and Ubuntu"
  step "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  step "Installing the Rust toolchain with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
    || die "could not install Rust; install it from https://rustup.rs and run this again"
fi
rust_minor="$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')"
[ "$rust_minor" -ge 90 ] || die "Rust 1.90 or newer is needed (found $(rustc --version)); run: rustup update stable"

command -v node >/dev/null 2>&1 || die "Node.js 20.19 or newer is needed; install it (e.g. from NodeSource) and run this again"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js 20.19 or newer is needed (found $(node --version))"

# The phone targets for the mobile check (scripts/mobile-check.sh); the standard library only.
if [ "$for_tests" -eq 1 ] && command -v rustup >/dev/null 2>&1; then
  for target in aarch64-linux-android aarch64-apple-ios; do
    rustup target list --installed | grep -qx "$target" || {
      step "Adding the Rust target $target (for the phone check)"
      rustup target add "$target"
    }
  done
fi

cd "$REPO_ROOT"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$for_tests" -eq 1 ] && ! command -v tauri-driver >/dev/null 2>&1; then
  step "Installing tauri-driver (the WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
