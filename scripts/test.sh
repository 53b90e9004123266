#!/usr/bin/env bash
# Runs every test Steward has, in the order a failure is cheapest to find: formatting and lints, the Rust
# core and shell (unit, integration, IPC on Tauri's mock runtime, binding freshness), the UI's
# type check and component tests, the UI in Chromium, then the built app end to end through
# WebDriver. Installs what is missing first. Exits non-zero if anything fails.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/setup.sh" --for-tests

passed=0
suite() {
  local name="$1"; shift
  step "$name"
  "$@"
  passed=$((passed + 1))
}

suite "Rust formatting" cargo fmt --all --check
# The app embeds the built UI at compile time, so the UI is built before any Rust that links it.
suite "UI build" npm --prefix ui run build --silent
suite "UI type check" npm --prefix ui run check --silent
suite "UI component tests (Vitest)" npm --prefix ui test --silent
suite "Rust lints (clippy, warnings are errors)" cargo clippy --workspace --all-targets --locked -- -D warnings
suite "Rust tests: core, API, shell on the mock runtime, bindings" cargo test --workspace --locked
suite "Phones: the workspace and the app checked for Android and iOS" "$REPO_ROOT/scripts/mobile-check.sh"
suite "UI in Chromium (playwright-core, IPC mocked)" npm --prefix ui run test:browser --silent
suite "App, simulated home and partner server builds for end-to-end tests" cargo build -p steward-app -p steward-simhome -p steward-partner-server --bins --locked
export STEWARD_APP="$CARGO_TARGET_DIR/debug/steward"
export STEWARD_SIMHOME="$CARGO_TARGET_DIR/debug/steward-simhome"
export STEWARD_PARTNER_SERVER="$CARGO_TARGET_DIR/debug/steward-partner-server"
suite "End to end: the built app through WebDriver" \
  xvfb-run -a -s "-screen 0 1280x800x24" "$REPO_ROOT/scripts/with-keyring.sh" npm --prefix tests test --silent

printf '\nsuites: %d passed, 0 failed\n' "$passed"
