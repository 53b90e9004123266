#!/usr/bin/env bash
# Runs a command on a private session bus with a Secret Service on it: GNOME Keyring, unlocked
# with a throwaway password, its files in a throwaway folder. The app keeps its keys there (the
# key to the household database, its device-link key), as it would in a desktop session's own
# keyring. Used by the demo when there is no desktop session, and by the end-to-end tests.
# With STEWARD_KEYRING_DIR the keyring's files are kept there instead, so a household kept
# between runs (the demo's) finds its keys again.
#
#   scripts/with-keyring.sh <command> [args...]
set -euo pipefail

if [ -z "${STEWARD_KEYRING_INNER:-}" ]; then
  # A session bus without service activation: the stock configuration would start GNOME
  # Keyring, locked, for the first client that asks, before the unlocked one below is up.
  conf="$(mktemp "${TMPDIR:-/tmp}/steward-session-bus.XXXXXX")"
  cat > "$conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  exec env STEWARD_KEYRING_INNER="$conf" dbus-run-session --config-file="$conf" -- "$0" "$@"
fi
rm -f "$STEWARD_KEYRING_INNER"
unset STEWARD_KEYRING_INNER
# Tells what runs inside that this session bus is private: nothing of the person's desktop
# is on it, so a simulated notification service may take the name.
export STEWARD_PRIVATE_SESSION=1

if [ -n "${STEWARD_KEYRING_DIR:-}" ]; then
  keyring_dir="$STEWARD_KEYRING_DIR"
  mkdir -p -m 700 "$keyring_dir"
  keep=1
else
  keyring_dir="$(mktemp -d)"
  keep=0
fi
mkdir -p -m 700 "$keyring_dir/run"
# The keyring's own folders only: the command keeps the caller's HOME and XDG folders.
printf '%s' steward-keyring | env HOME="$keyring_dir" XDG_DATA_HOME="$keyring_dir/data" \
  XDG_RUNTIME_DIR="$keyring_dir/run" \
  gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring_pid=$!
trap 'kill "$keyring_pid" 2>/dev/null; wait "$keyring_pid" 2>/dev/null; [ "$keep" -eq 1 ] || rm -rf "$keyring_dir"' EXIT
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.1
done
"$@"
