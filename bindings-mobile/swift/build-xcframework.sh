#!/usr/bin/env bash
# Builds ContactKitFFI.xcframework (the Rust static library for iOS devices, the iOS
# simulator and macOS, with the generated C header and module map) next to Package.swift.
# Runs on a Mac with Xcode and rustup:
#
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios \
#       aarch64-apple-darwin x86_64-apple-darwin
#   bindings-mobile/swift/build-xcframework.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
lib=libcontactkit_mobile.a
out="$here/ContactKitFFI.xcframework"
work="$root/target/xcframework"

cd "$root"
for target in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin; do
    cargo build --release -p contactkit-mobile --target "$target"
done

rm -rf "$work" "$out"
mkdir -p "$work/ios-simulator" "$work/macos"
# One library per platform: the simulator and macOS slices are fat (arm64 + x86_64).
lipo -create target/aarch64-apple-ios-sim/release/$lib target/x86_64-apple-ios/release/$lib \
    -output "$work/ios-simulator/$lib"
lipo -create target/aarch64-apple-darwin/release/$lib target/x86_64-apple-darwin/release/$lib \
    -output "$work/macos/$lib"

xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/$lib -headers "$here/Headers" \
    -library "$work/ios-simulator/$lib" -headers "$here/Headers" \
    -library "$work/macos/$lib" -headers "$here/Headers" \
    -output "$out"
echo "Built $out"
