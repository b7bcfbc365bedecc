//! ContactKit's fuzz targets, one function per input parser: the core's in
//! [`core_targets`], the CLI's import (CSV rows, JSON lines, the platform's JSON) in
//! [`cli_targets`].
//!
//! `fuzz_targets/*.rs` hand them to libFuzzer (`cargo fuzz run <target>`, see
//! docs/reliability.md). The workspace's test command replays the same functions on
//! stable over the seed corpus and a bounded stream of hostile inputs
//! ([`replay`], from `core/tests/fuzz_replay.rs` and `cli/tests/fuzz_replay.rs`), so a
//! regression fails CI without a fuzzer.

pub mod cli_targets;
pub mod core_targets;
pub mod replay;
