#!/usr/bin/env bash
# Installs what is missing, builds the UI and the app, and launches Steward in demo mode: its
# data lives in a demo directory, not the one a real installation would use.
set -euo pipefail
source "$(dirname "$0")/common.sh"

"$REPO_ROOT/scripts/setup.sh"

step "Building the UI"
npm --prefix "$REPO_ROOT/ui" run build --silent

step "Building the app"
cargo build -p steward-app --bin steward --manifest-path "$REPO_ROOT/Cargo.toml"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'

Steward is built, but this machine has no display to open its window on.
Run it under a virtual display instead:

    xvfb-run -a ./scripts/run.sh

or from a desktop session (or with `ssh -X`).
MSG
  exit 2
fi

export STEWARD_DATA_DIR="${STEWARD_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/steward-demo}"
step "Starting Steward (demo data in $STEWARD_DATA_DIR)"
app="$CARGO_TARGET_DIR/debug/steward"
# Notifications need a session bus; start a private one when the desktop has none.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- "$app"
fi
exec "$app"
