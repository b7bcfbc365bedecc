#!/usr/bin/env bash
# The project's single test entry point: every test in every language.
# Each language's suite is added here by the issue that builds it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: formatting"
cargo fmt --all -- --check

echo "== Rust: tests, doctests and examples (workspace)"
cargo test --workspace --all-targets
cargo test --workspace --doc
cargo run --quiet -p contactkit --example quickstart > /dev/null
