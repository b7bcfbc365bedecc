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

echo "== Python: binding (bindings-python): sdist build, pytest, examples, stubtest, mypy --strict"
(
    # A venv of its own under target/ (created once, reused); tool versions are pinned in
    # bindings-python/requirements-dev.txt. Runs in a subshell so PATH stays local.
    venv="$PWD/target/py-venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    export PATH="$venv/bin:$PATH"
    python -m pip install --quiet --disable-pip-version-check -r bindings-python/requirements-dev.txt
    # Build the source distribution and install from it, as `pip install` of a release
    # would (Rust dependencies compiled once in the workspace's target/).
    rm -rf target/py-dist
    maturin sdist --manifest-path bindings-python/Cargo.toml --out target/py-dist
    CARGO_TARGET_DIR="$PWD/target" python -m pip install --quiet --disable-pip-version-check \
        --no-build-isolation --force-reinstall --no-deps target/py-dist/contactkit-*.tar.gz
    (cd bindings-python && python -m pytest -p no:cacheprovider -q tests)
    python bindings-python/examples/quickstart.py > /dev/null
    python -m mypy.stubtest contactkit
    python -m mypy --strict --cache-dir target/mypy-cache bindings-python/examples/typed_example.py
)
