#!/usr/bin/env bash
# Builds libcontactkit_mobile and generates its Kotlin and Swift bindings with the
# workspace's uniffi-bindgen (library mode: the bindings come from the built library, so
# they always match it). Settings are in bindings-mobile/uniffi.toml.
#
#   generate.sh kotlin OUT_DIR LIB_DIR
#                                Kotlin for the desktop JVM tests into OUT_DIR, from a library
#                                built with the `test-hooks` feature and copied into LIB_DIR for
#                                JNA (Maven calls this; never ship that library or its Kotlin)
#   generate.sh android OUT_DIR  Kotlin for Android into OUT_DIR (see docs/mobile.md), no hooks
#   generate.sh swift            Swift sources into bindings-mobile/swift/ (committed), no hooks
#   generate.sh check-swift      regenerate Swift into a temporary directory and fail if it
#                                differs from what is committed (no Swift compiler needed)
#
# CONTACTKIT_PROFILE=release builds and reads target/release instead of target/debug.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
profile="${CONTACTKIT_PROFILE:-debug}"
swift_dir="$here/swift"

case "$(uname -s)" in
    Darwin) library="$root/target/$profile/libcontactkit_mobile.dylib" ;;
    *) library="$root/target/$profile/libcontactkit_mobile.so" ;;
esac

# Builds the library (and the bindgen) with the cargo flags given, e.g. --features.
build() {
    local flags=(--quiet -p contactkit-mobile -p uniffi-bindgen "$@")
    [ "$profile" = release ] && flags+=(--release)
    (cd "$root" && cargo build "${flags[@]}")
}

bindgen() {
    # --no-format: the output must not depend on whether ktlint or swift-format happen to
    # be installed, or the drift check would fail on a machine that has them.
    (cd "$root" && "$root/target/$profile/uniffi-bindgen" generate "$library" --no-format "$@")
}

# Writes the Swift bindings into $1 laid out as bindings-mobile/swift/ keeps them.
swift_into() {
    local out="$1" raw
    raw="$(mktemp -d)"
    bindgen --language swift --out-dir "$raw"
    mkdir -p "$out/Sources/ContactKit" "$out/Headers"
    cp "$raw/ContactKit.swift" "$out/Sources/ContactKit/ContactKit.swift"
    cp "$raw/ContactKitFFI.h" "$out/Headers/ContactKitFFI.h"
    # An XCFramework's Headers/ must hold a file named module.modulemap.
    cp "$raw/ContactKitFFI.modulemap" "$out/Headers/module.modulemap"
    rm -rf "$raw"
}

generated_swift=(Sources/ContactKit/ContactKit.swift Headers/ContactKitFFI.h Headers/module.modulemap)

case "${1:-}" in
    kotlin)
        out="${2:?usage: generate.sh kotlin OUT_DIR LIB_DIR}"
        lib_dir="${3:?usage: generate.sh kotlin OUT_DIR LIB_DIR}"
        # The tests' hooks (ContactBook.panickingForTest) exist only in this build. The
        # library is copied out of the shared target/ so that a plain build there (the
        # Swift check, another binding's) cannot swap it under the running tests.
        build --features test-hooks
        rm -rf "$out" "$lib_dir"
        mkdir -p "$out" "$lib_dir"
        cp "$library" "$lib_dir/"
        library="$lib_dir/$(basename "$library")"
        bindgen --language kotlin --out-dir "$out"
        ;;
    android)
        out="${2:?usage: generate.sh android OUT_DIR}"
        build
        mkdir -p "$out"
        rm -f "$out/dev/contactkit/contactkit_mobile.kt"
        bindgen --language kotlin --config "$here/uniffi-android.toml" --out-dir "$out"
        ;;
    swift)
        build
        swift_into "$swift_dir"
        echo "Swift bindings written to $swift_dir"
        ;;
    check-swift)
        build
        fresh="$(mktemp -d)"
        trap 'rm -rf "$fresh"' EXIT
        swift_into "$fresh"
        drift=0
        for file in "${generated_swift[@]}"; do
            if ! diff -u "$swift_dir/$file" "$fresh/$file" > "$fresh/diff.txt" 2>&1; then
                echo "Swift binding out of date: bindings-mobile/swift/$file" >&2
                head -n 40 "$fresh/diff.txt" >&2
                drift=1
            fi
        done
        if [ "$drift" -ne 0 ]; then
            echo "The Rust API changed: run bindings-mobile/generate.sh swift and commit the result." >&2
            exit 1
        fi
        echo "Swift bindings match the library (${#generated_swift[@]} files)."
        ;;
    *)
        sed -n '2,15p' "$0" >&2
        exit 2
        ;;
esac
