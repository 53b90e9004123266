#!/usr/bin/env bash
# Runs Steward's benchmarks and prints their figures (see docs/PERFORMANCE.md). Benchmarks are
# measurements, not tests: they never fail on a number.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

# `scripts/bench.sh pairing`, `growth`, `notify`, `match` and `size` run that one alone.
if [ "${1:-}" = "match" ]; then
  step "The on-device matcher: offers against a household, against the obvious loop"
  cargo bench -p steward-core --bench match --locked
  exit 0
fi
if [ "${1:-}" = "pairing" ]; then
  step "Pairing and reconnecting, end to end, and the SPAKE2 exchange alone"
  cargo bench -p steward-ble --bench pairing --locked
  exit 0
fi
if [ "${1:-}" = "notify" ]; then
  step "Deciding notifications, fresh and after a year of history"
  cargo bench -p steward-api --bench notify --locked
  exit 0
fi
if [ "${1:-}" = "growth" ]; then
  step "The screens' reads with 10 k to 3 M events of history"
  cargo bench -p steward-api --bench growth --locked
  exit 0
fi

if [ "${1:-}" = "size" ] || [ -z "${1:-}" ]; then
  step "Release binary size: Steward against a minimal Tauri 2 app with the same plugins and profile"
  npm --prefix ui run build --silent
  # Built with symbols (so cargo-bloat can read them) and stripped here, the way the release
  # profile's `strip = true` would: one build serves both the size and the breakdown.
  export CARGO_PROFILE_RELEASE_STRIP=false
  cargo build --release -p steward-app --bin steward --locked
  # The baseline gets the workspace's lock file, so both use the same Tauri and plugin versions.
  cp Cargo.lock benches/minimal-tauri/Cargo.lock
  cargo build --release --manifest-path benches/minimal-tauri/Cargo.toml
  sizes=$(mktemp -d)
  strip -o "$sizes/steward" "$CARGO_TARGET_DIR/release/steward"
  strip -o "$sizes/minimal" "$CARGO_TARGET_DIR/release/minimal-tauri"
  python3 -c "import sys; o,b=map(int,sys.argv[1:]); print(f'size steward_bytes={o} minimal_bytes={b} ratio={o/b:.2f} (steward {o/1e6:.2f} MB, minimal {b/1e6:.2f} MB, stripped)')" \
    "$(stat -c %s "$sizes/steward")" "$(stat -c %s "$sizes/minimal")"
  rm -rf "$sizes"
  step "First paint: Steward against the minimal app, launched alternately through tauri-driver"
  STEWARD_APP="$CARGO_TARGET_DIR/release/steward" MINIMAL_APP="$CARGO_TARGET_DIR/release/minimal-tauri" \
    xvfb-run -a -s "-screen 0 1280x800x24" node tests/bench/first-paint.mjs
  if command -v cargo-bloat >/dev/null 2>&1; then
    step "Where Steward's size goes, by crate (cargo-bloat, release profile)"
    cargo bloat --release -p steward-app --bin steward --crates -n 30 --locked
  else
    echo "(install cargo-bloat, 'cargo install cargo-bloat', to see where the size goes)"
  fi
  unset CARGO_PROFILE_RELEASE_STRIP
  [ "${1:-}" = "size" ] && exit 0
fi

step "Building the simulated home (optimised)"
cargo build --profile bench -p steward-simhome --bin steward-simhome --locked
export STEWARD_SIMHOME="$CARGO_TARGET_DIR/release/steward-simhome"

step "50 devices at 20 Hz for a minute, through btleplug's real Linux path"
cargo bench -p steward-ble --bench fifty_devices --locked

step "The on-device matcher: offers against a household, against the obvious loop"
cargo bench -p steward-core --bench match --locked

step "Usage events ingested durably, against a bare batched rusqlite insert loop"
cargo bench -p steward-core --bench ingest --locked
step "The same with small batches (50 events, a quieter home)"
BENCH_BATCH=50 BENCH_EVENTS=200000 cargo bench -p steward-core --bench ingest --locked

step "Pairing and reconnecting, end to end, and the SPAKE2 exchange alone"
cargo bench -p steward-ble --bench pairing --locked

step "The screens' reads with 10 k to 3 M events of history"
cargo bench -p steward-api --bench growth --locked

step "Deciding notifications, fresh and after a year of history"
cargo bench -p steward-api --bench notify --locked
