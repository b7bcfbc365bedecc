//! The core's fuzz targets (`fuzz/src/core_targets.rs`, run long with `cargo fuzz`),
//! replayed on stable by the test command (see `fuzz/src/replay.rs`).

#[path = "../../fuzz/src/core_targets.rs"]
mod core_targets;
#[path = "../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn every_core_fuzz_target_holds_on_its_corpus_and_a_bounded_hostile_stream() {
    replay::replay(core_targets::TARGETS);
}
