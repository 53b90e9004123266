#!/usr/bin/env bash
# Checks that the whole workspace, the app included, compiles for the phones: `cargo check` for
# aarch64-linux-android and aarch64-apple-ios. Run by test.sh (and so by CI); setup.sh installs
# the targets and the stand-ins below.
#
# Neither the Android NDK nor Xcode can be installed on these machines, so C code that build
# scripts compile (the bundled SQLite, objc2's exception helper) is compiled with stand-ins:
#   - Android: Debian's clang targeting aarch64-linux-android, with the aarch64 *glibc* headers
#     (libc6-dev-arm64-cross) in place of the NDK's bionic sysroot, llvm-ar, and the few NDK
#     headers SQLCipher includes (scripts/mobile-standins: declarations only). SQLCipher's
#     OpenSSL is built from source for the target (openssl-src), as the real build does.
#   - iOS: the same clang and headers, compiling that C as plain aarch64 (glibc headers do not
#     parse under an Apple target), with SDKROOT pointing
#     at an empty folder so that nothing asks xcrun for an SDK. SQLCipher's build script picks
#     CommonCrypto only on an Apple host; here it finds the system's OpenSSL headers, whose two
#     generated configuration headers live in the host's multiarch folder, so those two are
#     linked in for the check (LP64 both: the declarations are the same).
# This is safe for a check: `cargo check` never links, so those objects only have to compile,
# and every line of Rust is type-checked for the phone's real target (target_os = "android" /
# "ios", with the phone's dependency graph). It is never safe for a build: an APK or IPA linked
# against glibc headers would carry the wrong C library. Real builds use the NDK and Xcode
# (docs/MOBILE.md).
#
# Crates that can only exist on Linux must not be on the phones' path. The simulated home is a
# workspace member used only by tests and the demo, so it is left out here, and the dependency
# graph of every checked crate is searched for Linux-only crates: adding one fails this check.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

[ -d ui/dist ] || die "ui/dist is missing: build the UI first (npm --prefix ui run build); the app embeds it"

standin_include=/usr/aarch64-linux-gnu/include
[ -d "$standin_include" ] || die "$standin_include is missing: run scripts/setup.sh --for-tests (libc6-dev-arm64-cross)"
empty_sdk="${CARGO_TARGET_DIR}/mobile-check/empty-ios-sdk"
mkdir -p "$empty_sdk"
ios_openssl="${CARGO_TARGET_DIR}/mobile-check/ios-openssl-config"
mkdir -p "$ios_openssl/openssl"
host_openssl="/usr/include/$(uname -m)-linux-gnu/openssl"
for header in opensslconf.h configuration.h; do
  [ -f "$host_openssl/$header" ] || die "$host_openssl/$header is missing: run scripts/setup.sh (libssl-dev)"
  ln -sf "$host_openssl/$header" "$ios_openssl/openssl/$header"
done

# Crates that exist only on Linux desktops (D-Bus, BlueZ, the simulated home, the Secret
# Service, GeoClue). None may be compiled for a phone.
linux_only='^(steward-simhome|steward-partner-server|zbus|dbus|libdbus-sys|bluez-async|bluez-generated|secret-service|keyring|geoclue|webkit2gtk|gtk|libappindicator|tauri-driver) '

check() {
  local target="$1"; shift
  step "cargo check --target $target"
  env "$@" cargo check --workspace --exclude steward-simhome --exclude steward-partner-server --target "$target" --locked
  local found
  found="$(cargo tree --workspace --exclude steward-simhome --exclude steward-partner-server --target "$target" --edges normal,build --prefix none --locked \
    | sort -u | grep -E "$linux_only" || true)"
  if [ -n "$found" ]; then
    printf 'Linux-only crates on the %s path:\n%s\n' "$target" "$found" >&2
    die "a Linux-only dependency reached the phone build; gate it with cfg(target_os = \"linux\")"
  fi
}

check aarch64-linux-android \
  CC_aarch64_linux_android=clang \
  AR_aarch64_linux_android=llvm-ar \
  CFLAGS_aarch64_linux_android="--target=aarch64-linux-android26 -isystem $standin_include -isystem $REPO_ROOT/scripts/mobile-standins"

check aarch64-apple-ios \
  SDKROOT="$empty_sdk" \
  IPHONEOS_DEPLOYMENT_TARGET=15.0 \
  CC_aarch64_apple_ios=clang \
  AR_aarch64_apple_ios=llvm-ar \
  CFLAGS_aarch64_apple_ios="--target=aarch64-linux-gnu -isystem $standin_include -isystem $ios_openssl"

printf 'mobile check: 2 passed, 0 failed\n'
