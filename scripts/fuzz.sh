#!/usr/bin/env bash
# Fuzzes the device-frame decoders, the SPAKE2 pairing, and pair-verify with session frames, with
# cargo-fuzz (libFuzzer).
#   ./scripts/fuzz.sh [frames|codes|pake|session] [seconds]
# Installs cargo-fuzz if missing. cargo-fuzz needs nightly compiler flags; on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets the stable compiler accept them.
set -euo pipefail
source "$(dirname "$0")/common.sh"
target="${1:-frames}"
seconds="${2:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cd "$REPO_ROOT/crates/steward-protocol"
if rustc --version | grep -q nightly; then bootstrap=(); else bootstrap=(env RUSTC_BOOTSTRAP=1); fi
"${bootstrap[@]}" cargo fuzz run "$target" -- -max_total_time="$seconds"
