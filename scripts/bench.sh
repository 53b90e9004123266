#!/usr/bin/env bash
# Runs Steward's benchmarks and prints their figures (see docs/PERFORMANCE.md). Benchmarks are
# measurements, not tests: they never fail on a number.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

# `scripts/bench.sh pairing` and `scripts/bench.sh growth` run that one alone.
if [ "${1:-}" = "pairing" ]; then
  step "Pairing and reconnecting, end to end, and the SPAKE2 exchange alone"
  cargo bench -p steward-ble --bench pairing --locked
  exit 0
fi
if [ "${1:-}" = "growth" ]; then
  step "The screens' reads with 10 k to 3 M events of history"
  cargo bench -p steward-api --bench growth --locked
  exit 0
fi

step "Building the simulated home (optimised)"
cargo build --profile bench -p steward-simhome --bin steward-simhome --locked
export STEWARD_SIMHOME="$CARGO_TARGET_DIR/release/steward-simhome"

step "50 devices at 20 Hz for a minute, through btleplug's real Linux path"
cargo bench -p steward-ble --bench fifty_devices --locked

step "Usage events ingested durably, against a bare batched rusqlite insert loop"
cargo bench -p steward-core --bench ingest --locked
step "The same with small batches (50 events, a quieter home)"
BENCH_BATCH=50 BENCH_EVENTS=200000 cargo bench -p steward-core --bench ingest --locked

step "Pairing and reconnecting, end to end, and the SPAKE2 exchange alone"
cargo bench -p steward-ble --bench pairing --locked

step "The screens' reads with 10 k to 3 M events of history"
cargo bench -p steward-api --bench growth --locked
