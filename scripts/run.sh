#!/usr/bin/env bash
# Installs what is missing, builds the UI and the app, and launches Steward. On a machine with no
# Bluetooth adapter (or with STEWARD_DEMO=1) it runs in demo mode: against the brief's simulated
# home on a private bus, with its data in a demo directory.
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [ -z "${STEWARD_BUILT:-}" ]; then
  "$REPO_ROOT/scripts/setup.sh"

  step "Building the UI"
  npm --prefix "$REPO_ROOT/ui" run build --silent

  step "Building the app, the simulated home and the reference partner server"
  cargo build -p steward-app -p steward-simhome -p steward-partner-server --bins --manifest-path "$REPO_ROOT/Cargo.toml"
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'

Steward is built, but this machine has no display to open its window on.
Run it under a virtual display instead:

    xvfb-run -a ./scripts/run.sh

or from a desktop session (or with `ssh -X`).
MSG
  exit 2
fi

app="$CARGO_TARGET_DIR/debug/steward"
has_bluetooth() { ls /sys/class/bluetooth 2>/dev/null | grep -q '^hci'; }
if [ "${STEWARD_DEMO:-}" = 1 ] || ! has_bluetooth; then
  export STEWARD_DATA_DIR="${STEWARD_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/steward-demo}"
  # Without a desktop session, the whole demo runs on a private session bus with its own
  # keyring (scripts/with-keyring.sh, its files kept beside the demo's data so the next run
  # finds the household's keys), where the simulated home is also the desktop's notification
  # service: what Steward would have shown is recorded in notifications.jsonl.
  if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    export STEWARD_KEYRING_DIR="${STEWARD_KEYRING_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/steward-demo-keyring}"
    STEWARD_BUILT=1 exec "$REPO_ROOT/scripts/with-keyring.sh" "$0" "$@"
  fi
  notifications=()
  if [ -n "${STEWARD_PRIVATE_SESSION:-}" ]; then
    notifications=(--notifications "$STEWARD_DATA_DIR/notifications.jsonl")
  fi
  step "Demo mode: starting the simulated home (no Bluetooth adapter here)"
  sim_dir="$(mktemp -d)"
  sim_out="$sim_dir/out"
  mkfifo "$sim_dir/alive"
  # The simulated home stops when its standard input closes: this script holds the other end,
  # so however the script ends, the home ends with it.
  if [ -n "${STEWARD_SCENARIO:-}" ]; then
    scenario=(--scenario "$(realpath "$STEWARD_SCENARIO")")
  else
    scenario=(--lively)
  fi
  mkdir -p "$STEWARD_DATA_DIR"
  "$CARGO_TARGET_DIR/debug/steward-simhome" "${scenario[@]}" "${notifications[@]}" < "$sim_dir/alive" > "$sim_out" 2>&1 &
  sim_pid=$!
  exec {alive}> "$sim_dir/alive"
  # The terminal feeder (below) holds the home's input open too, so it is stopped first.
  trap 'kill "${feed_pid:-}" "${partner_pid:-}" 2>/dev/null; exec {alive}>&-; wait "$sim_pid" 2>/dev/null; rm -rf "$sim_dir"' EXIT
  for _ in $(seq 1 100); do
    grep -q '^DBUS_SYSTEM_BUS_ADDRESS=' "$sim_out" && break
    sleep 0.1
  done
  address="$(sed -n 's/^DBUS_SYSTEM_BUS_ADDRESS=//p' "$sim_out")"
  [ -n "$address" ] || die "the simulated home did not start: $(cat "$sim_out")"
  export DBUS_SYSTEM_BUS_ADDRESS="$address"
  tail -n +2 "$sim_out"

  step "Demo mode: starting the brands' partner server on loopback (docs/protocol/partner-api.md)"
  # Its keys are kept beside the demo's data, so the partners Steward pinned stay valid next run;
  # every request it receives is appended to partner-requests.jsonl there, to compare with the
  # app's sharing ledger.
  mkdir -p "$STEWARD_DATA_DIR"
  partner_out="$sim_dir/partners"
  "$CARGO_TARGET_DIR/debug/steward-partner-server" --keys "$STEWARD_DATA_DIR/demo-partner-keys" \
    --record "$STEWARD_DATA_DIR/partner-requests.jsonl" > "$partner_out" 2>&1 &
  partner_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^listening ' "$partner_out" && break
    sleep 0.1
  done
  partner_base="$(sed -n 's/^listening //p' "$partner_out")"
  [ -n "$partner_base" ] || die "the partner server did not start: $(cat "$partner_out")"
  export STEWARD_DEMO_PARTNERS="$partner_base/sudsy,$partner_base/crumb,$partner_base/goldcrust,$partner_base/lumaview,$partner_base/cornerway"
  echo "Partners (Sudsy, Crumb & Co., Goldcrust, Lumaview, Cornerway) at $partner_base; requests they receive: $STEWARD_DATA_DIR/partner-requests.jsonl"
  echo "Pair a device from the Devices section with its setup code above."
  # What the person at the terminal types becomes a step in the simulated home (the scenario
  # language: `bluetooth off`, `dispense soap_dispenser`, `leave light`, ...); its answer, `ok`
  # or the reason it refused, is echoed back. Without a terminal this reads nothing and ends.
  echo "Type a step and press Enter to make it happen in the home, e.g. 'bluetooth off', 'bluetooth on', 'dispense soap_dispenser'."
  echo "Devices accept pairing for 5 minutes after the home starts, and after each press of their pairing button: type 'pair-button soap_dispenser' (or toaster, light, ...) to press it."
  if [ ${#notifications[@]} -gt 0 ]; then
    echo "Notifications Steward shows are recorded in $STEWARD_DATA_DIR/notifications.jsonl; type 'tap-notification Lumaview' to tap the newest whose title starts so."
  fi
  # The simulated phone is at home, about 280 m from Main Street Market, where the demo's store
  # offers apply: Steward learns it only once the owner switches "Use my location" on.
  echo "location 52.5219,13.4132" >&"$alive"
  echo "The phone is at home, 280 m from Main Street Market. With 'Use my location' on (Notifications), its stores' offers come after 20 seconds there; type 'location 52.5400,13.4132' to go 2 km away, then 'walk to 52.5219,13.4132 in 60s' to walk back; 'location off' stops the location service."
  tail -n 0 --pid="$sim_pid" -f "$sim_out" 2>/dev/null | grep --line-buffered -E '^(ok|error: )' &
  cat >&"$alive" &
  feed_pid=$!
fi

step "Starting Steward (data in ${STEWARD_DATA_DIR:-the app data directory})"
# Notifications and the keyring need a session bus: without a desktop session, a private one
# with its own unlocked keyring (scripts/with-keyring.sh) kept beside the app's data, so the
# next run finds the keys again. In a desktop session the app uses the desktop's keyring.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  STEWARD_KEYRING_DIR="${STEWARD_KEYRING_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/steward-demo-keyring}" \
    "$REPO_ROOT/scripts/with-keyring.sh" "$app"
else
  "$app"
fi
