//! The CLI's fuzz target (`fuzz/src/cli_targets.rs`, run long with `cargo fuzz`),
//! replayed on stable by the test command (see `fuzz/src/replay.rs`).
//!
//! The import prints a report per input to standard output; the replay runs in a
//! child process (this test binary, `replay_child`) whose output is dropped, so the
//! test log stays readable. A failing input still reaches standard error.

#[path = "../../fuzz/src/cli_targets.rs"]
mod cli_targets;
#[path = "../../fuzz/src/replay.rs"]
mod replay;

use std::process::{Command, Stdio};

const CHILD: &str = "CONTACTKIT_CLI_REPLAY_CHILD";

#[test]
fn the_cli_import_fuzz_target_holds_on_its_corpus_and_a_bounded_hostile_stream() {
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "replay_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the replay failed: its input is printed above"
    );
}

/// The replay itself, run by the test above with its output dropped.
#[test]
#[ignore = "child process of the_cli_import_fuzz_target_holds_on_its_corpus_and_a_bounded_hostile_stream"]
fn replay_child() {
    if std::env::var(CHILD).is_err() {
        return;
    }
    replay::replay(cli_targets::TARGETS);
}
