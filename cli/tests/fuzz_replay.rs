//! The CLI's fuzz target (`fuzz/src/cli_targets.rs`, run long with `cargo fuzz`),
//! replayed on stable by the test command (see `fuzz/src/replay.rs`).

#[path = "../../fuzz/src/cli_targets.rs"]
mod cli_targets;
#[path = "../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn the_cli_import_fuzz_target_holds_on_its_corpus_and_a_bounded_hostile_stream() {
    replay::replay(cli_targets::TARGETS);
}
