#!/usr/bin/env bash
# Builds the ContactKit Android archive, build/outputs/aar/contactkit-android-release.aar
# (docs/mobile.md, "The Android AAR"). Needs what this repository's build machines have
# not: the Android SDK (ANDROID_HOME), the NDK r27 or later (ANDROID_NDK_HOME), cargo-ndk,
# Gradle 8.13 or later on PATH, and the Rust targets:
#
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
#   cargo install cargo-ndk
#   bindings-mobile/android/build-aar.sh            # then, to install it for Gradle:
#   (cd bindings-mobile/android && gradle publishToMavenLocal)
#
# CONTACTKIT_PROFILE=release builds the .so files with the release profile instead of the
# size profile `mobile`; extra arguments go to Gradle (e.g. -Pcontactkit.minSdk=21).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${CONTACTKIT_PROFILE:-mobile}"
# Current phones, 32-bit phones, the emulator on a PC (x86, 32-bit, left out: no current
# emulator image needs it).
abis=(arm64-v8a armeabi-v7a x86_64)

targets=()
for abi in "${abis[@]}"; do
    targets+=(-t "$abi")
done

rm -rf "$here/src/main/jniLibs"
# Google Play requires 16 KB-aligned ELF segments in the native libraries of apps that
# target Android 15 or later (devices with 16 KB memory pages). The NDK's linker aligns to
# 16 KB by default from r28; the flag makes it so on r27 too. --platform 21: the lowest
# API level the .so files link against (the AAR's minSdk is set in build.gradle.kts).
(
    cd "$root"
    RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384" \
        cargo ndk "${targets[@]}" --platform 21 -o "$here/src/main/jniLibs" \
        build -p contactkit-mobile --profile "$profile"
)

# The Kotlin comes from the same source revision as the .so files (uniffi checks at load
# time that both match); generating it needs only a host build of the library, a debug
# one (the mobile profile strips the metadata the bindgen reads).
rm -rf "$here/src/main/java"
CONTACTKIT_PROFILE=debug "$root/bindings-mobile/generate.sh" android "$here/src/main/java"

(cd "$here" && gradle --no-daemon assembleRelease "$@")
echo "Built $here/build/outputs/aar/contactkit-android-release.aar"
