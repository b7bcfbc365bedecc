#!/usr/bin/env bash
# Builds libcontactkit_mobile and generates its Kotlin and Swift bindings with the
# workspace's uniffi-bindgen (library mode: the bindings come from the built library, so
# they always match it). Settings are in bindings-mobile/uniffi.toml.
#
#   generate.sh kotlin OUT_DIR LIB_DIR
#                                Kotlin for the desktop JVM tests into OUT_DIR, from a library
#                                built with the `test-hooks` feature and copied into LIB_DIR for
#                                JNA (Maven calls this; never ship that library or its Kotlin)
#   generate.sh jar OUT_DIR RES_DIR
#                                Kotlin for the dev.contactkit:contactkit jar into OUT_DIR, and
#                                the host library, no hooks, with the PostgreSQL store
#                                (feature postgres), into RES_DIR under JNA's resource
#                                path (e.g. linux-x86-64/); needs CONTACTKIT_PROFILE=mobile or
#                                release (bindings-mobile/jvm/pom.xml sets it)
#   generate.sh android OUT_DIR  Kotlin for Android into OUT_DIR (see docs/mobile.md), no hooks
#   generate.sh swift            Swift sources into bindings-mobile/swift/ (committed), no hooks
#   generate.sh check-swift      regenerate Swift into a temporary directory and fail if it
#                                differs from what is committed (no Swift compiler needed)
#
# CONTACTKIT_PROFILE picks the cargo profile of the library: debug (the default) or release;
# mobile (the size profile of the workspace's Cargo.toml) only for `jar`, since it strips
# the metadata the bindgen reads. The bindgen itself is always a debug build.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
profile="${CONTACTKIT_PROFILE:-debug}"
swift_dir="$here/swift"

# The path of the library built with the profile $1.
library_in() {
    case "$(uname -s)" in
        Darwin) echo "$root/target/$1/libcontactkit_mobile.dylib" ;;
        *) echo "$root/target/$1/libcontactkit_mobile.so" ;;
    esac
}
library="$(library_in "$profile")"

# Builds the library with the cargo flags given (e.g. --features), and the bindgen.
build() {
    # cargo names the debug profile `dev` (its directory is still target/debug).
    local cargo_profile="$profile"
    [ "$profile" = debug ] && cargo_profile=dev
    (cd "$root" && cargo build --quiet -p contactkit-mobile --profile "$cargo_profile" "$@" &&
        cargo build --quiet -p uniffi-bindgen)
}

bindgen() {
    # --no-format: the output must not depend on whether ktlint or swift-format happen to
    # be installed, or the drift check would fail on a machine that has them.
    (cd "$root" && "$root/target/debug/uniffi-bindgen" generate "$library" --no-format "$@")
}

# JNA's resource prefix for the host (com.sun.jna.Platform.RESOURCE_PREFIX): the folder of
# a jar where JNA looks for a native library when no jna.library.path names one.
jna_prefix() {
    local os arch
    case "$(uname -s)" in
        Linux) os=linux ;;
        Darwin) os=darwin ;;
        *) echo "generate.sh jar: unsupported host $(uname -s)" >&2; return 1 ;;
    esac
    case "$(uname -m)" in
        x86_64 | amd64) arch=x86-64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) echo "generate.sh jar: unsupported architecture $(uname -m)" >&2; return 1 ;;
    esac
    echo "$os-$arch"
}

# Applies to the generated file $1 each Perl substitution given after it, each followed by
# how many matches it must make, and fails otherwise. Two things uniffi 0.32 generates
# cannot be configured (below); the counts make a uniffi whose output changed fail here
# instead of shipping half a fix.
patch_generated() {
    local file="$1"
    shift
    while [ "$#" -gt 0 ]; do
        local substitution="$1" expected="$2" found
        shift 2
        found="$(perl -0777 -i -pe "\$n += ($substitution); END { print STDERR \$n + 0 }" \
            "$file" 2>&1 >/dev/null)"
        if [ "$found" != "$expected" ]; then
            echo "generate.sh: $substitution matched $found times in $file, not $expected" >&2
            echo "(uniffi's output changed: update the substitution)" >&2
            return 1
        fi
    done
}

# Writes the Kotlin bindings into $1 with the bindgen arguments after it. A call on a
# closed object (`close()` is uniffi's own) throws ContactKitException.Storage, as in
# Python and Node, instead of uniffi's IllegalStateException: the docs promise that
# catching ContactKitException catches every failure of the binding.
kotlin_into() {
    local out="$1"
    shift
    bindgen --language kotlin --out-dir "$out" "$@"
    local kotlin="$out/dev/contactkit/contactkit_mobile.kt" objects
    # One check per object class: ContactBook, AsyncContactBook, ManualClock (and the
    # tests' hooks in their build).
    objects="$(grep -c '^open class .*: Disposable, AutoCloseable' "$kotlin")"
    patch_generated "$kotlin" \
        's/throw IllegalStateException\("(\$\{this\.javaClass\.simpleName\}) object has already been destroyed"\)/throw ContactKitException.Storage("this $1 is closed", false)/g' \
        "$objects"
}

# Swift error cases in lowerCamel (`.validation`, `.notFound`), as Swift names cases;
# uniffi 0.32 capitalises an error's case names whatever its config says. `internal` is
# a keyword, so its declaration is quoted.
lower_camel_error_cases() {
    patch_generated "$1" \
        's/(?<=\n    case )(Validation|NotFound|Conflict|Storage)(?=\()/\l$1/g' 4 \
        's/(?<=\n    case )Internal(?=\()/`internal`/g' 1 \
        's/(?<=: return \.|case let \.)(Validation|NotFound|Conflict|Storage|Internal)(?=\()/\l$1/g' 10
}

# Writes the Swift bindings into $1 laid out as bindings-mobile/swift/ keeps them.
swift_into() {
    local out="$1" raw
    raw="$(mktemp -d)"
    bindgen --language swift --out-dir "$raw"
    lower_camel_error_cases "$raw/ContactKit.swift"
    mkdir -p "$out/Sources/ContactKit" "$out/Headers/ContactKitFFI"
    cp "$raw/ContactKit.swift" "$out/Sources/ContactKit/ContactKit.swift"
    # Xcode finds a module map only under the name module.modulemap; in a folder named after
    # the module, so that an app linking two such XCFrameworks does not get two
    # Headers/module.modulemap ("Multiple commands produce ...").
    cp "$raw/ContactKitFFI.h" "$out/Headers/ContactKitFFI/ContactKitFFI.h"
    cp "$raw/ContactKitFFI.modulemap" "$out/Headers/ContactKitFFI/module.modulemap"
    rm -rf "$raw"
}

generated_swift=(
    Sources/ContactKit/ContactKit.swift
    Headers/ContactKitFFI/ContactKitFFI.h
    Headers/ContactKitFFI/module.modulemap
)

case "${1:-}" in
    kotlin)
        out="${2:?usage: generate.sh kotlin OUT_DIR LIB_DIR}"
        lib_dir="${3:?usage: generate.sh kotlin OUT_DIR LIB_DIR}"
        # The tests' hooks (ContactBook.panickingForTest) exist only in this build; the
        # server store (ContactBook.connect) is in the jar too. The library is copied out
        # of the shared target/ so that a plain build there (the Swift check, another
        # binding's) cannot swap it under the running tests.
        build --features test-hooks,postgres
        rm -rf "$out" "$lib_dir"
        mkdir -p "$out" "$lib_dir"
        cp "$library" "$lib_dir/"
        library="$lib_dir/$(basename "$library")"
        kotlin_into "$out"
        ;;
    jar)
        out="${2:?usage: generate.sh jar OUT_DIR RES_DIR}"
        res_dir="${3:?usage: generate.sh jar OUT_DIR RES_DIR}"
        if [ "$profile" = debug ]; then
            echo "generate.sh jar: set CONTACTKIT_PROFILE=mobile or release (a jar ships no debug build)" >&2
            exit 2
        fi
        # The JVM jar connects to PostgreSQL too (a back end's Kotlin); phones do not.
        build --features postgres
        prefix="$(jna_prefix)"
        rm -rf "$out" "$res_dir"
        mkdir -p "$out" "$res_dir/$prefix"
        cp "$library" "$res_dir/$prefix/"
        # The mobile profile strips the symbols that hold the metadata uniffi-bindgen reads:
        # generate from the debug build of the same source (same features, same contract).
        profile=debug
        library="$(library_in debug)"
        build --features postgres
        kotlin_into "$out"
        ;;
    android)
        out="${2:?usage: generate.sh android OUT_DIR}"
        build
        mkdir -p "$out"
        rm -f "$out/dev/contactkit/contactkit_mobile.kt"
        kotlin_into "$out" --config "$here/uniffi-android.toml"
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
        sed -n '2,24p' "$0" >&2
        exit 2
        ;;
esac
