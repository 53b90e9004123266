#!/usr/bin/env bash
# Fuzzes the device-frame decoders, the SPAKE2 pairing, pair-verify with session frames, and the
# partner-feed decoder (with the matcher on what it accepts), with cargo-fuzz (libFuzzer).
#   ./scripts/fuzz.sh [frames|codes|pake|session|feed] [seconds]
# Installs cargo-fuzz if missing. cargo-fuzz needs nightly compiler flags; on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets the stable compiler accept them.
set -euo pipefail
source "$(dirname "$0")/common.sh"
target="${1:-frames}"
seconds="${2:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
case "$target" in
  feed) cd "$REPO_ROOT/crates/steward-core" ;;
  *) cd "$REPO_ROOT/crates/steward-protocol" ;;
esac
if rustc --version | grep -q nightly; then bootstrap=(); else bootstrap=(env RUSTC_BOOTSTRAP=1); fi
"${bootstrap[@]}" cargo fuzz run "$target" -- -max_total_time="$seconds"
