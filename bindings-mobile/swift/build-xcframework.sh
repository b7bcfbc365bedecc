#!/usr/bin/env bash
# Builds ContactKitFFI.xcframework (the Rust static library for iOS devices, the iOS
# simulator and macOS, with the generated C header and module map) next to Package.swift.
# Runs on a Mac with Xcode and rustup:
#
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios \
#       aarch64-apple-darwin x86_64-apple-darwin
#   bindings-mobile/swift/build-xcframework.sh
#
# CONTACTKIT_PROFILE=release builds with the release profile instead of the size profile
# `mobile` (see the workspace's Cargo.toml).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${CONTACTKIT_PROFILE:-mobile}"
lib=libcontactkit_mobile.a
out="$here/ContactKitFFI.xcframework"
work="$root/target/xcframework"

cd "$root"
for target in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin; do
    # The crate's Cargo.toml makes no staticlib (only iOS links one): ask for it here.
    cargo rustc -p contactkit-mobile --lib --crate-type staticlib --profile "$profile" --target "$target"
done

rm -rf "$work" "$out"
mkdir -p "$work/ios-simulator" "$work/macos"
# One library per platform: the simulator and macOS slices are fat (arm64 + x86_64).
lipo -create "target/aarch64-apple-ios-sim/$profile/$lib" "target/x86_64-apple-ios/$profile/$lib" \
    -output "$work/ios-simulator/$lib"
lipo -create "target/aarch64-apple-darwin/$profile/$lib" "target/x86_64-apple-darwin/$profile/$lib" \
    -output "$work/macos/$lib"

# -headers copies the folder as it is: each slice gets Headers/ContactKitFFI/ContactKitFFI.h
# and Headers/ContactKitFFI/module.modulemap (the module map in a folder named after its
# module, so that two XCFrameworks in one app do not both produce Headers/module.modulemap).
xcodebuild -create-xcframework \
    -library "target/aarch64-apple-ios/$profile/$lib" -headers "$here/Headers" \
    -library "$work/ios-simulator/$lib" -headers "$here/Headers" \
    -library "$work/macos/$lib" -headers "$here/Headers" \
    -output "$out"
echo "Built $out"
