//! Fuzz targets over the CLI's import: arbitrary file contents read as CSV, JSON
//! lines or auto-detected (which covers a JSON array and the platform's JSON).
//!
//! The import must end with a report or a bad-input failure, never a panic or a
//! storage failure; every contact it kept reads back; the rejects file it wrote is
//! one JSON object a line. Also compiled into `cli/tests/fuzz_replay.rs`.

use contactkit::{ActivityQuery, ContactBook, DedupeOn, ListQuery, OnInvalid, Period};
use contactkit_cli::import::{self, Format};
use contactkit_cli::location::Db;
use contactkit_cli::Context;

/// Every target, by name: what `cargo fuzz run <name>` and the replay test use.
pub const TARGETS: &[crate::replay::Target] = &[("cli_import", cli_import)];

/// The first byte picks the format, the rest is the file.
pub fn cli_import(data: &[u8]) {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let format = [Format::Csv, Format::Json, Format::Auto][usize::from(selector) % 3];
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("contacts.txt");
    let rejects = dir.path().join("rejects.jsonl");
    std::fs::write(&input, file).expect("the input file");
    let book = ContactBook::in_memory();
    let context = Context {
        db: Db::File(dir.path().join("book.db")),
        color: false,
    };
    let options = import::Options {
        file: input,
        format,
        dedupe_on: DedupeOn::Email,
        // Leaving out each refused value exercises every check a row goes through.
        on_invalid: OnInvalid::DropField,
        rejects: Some(rejects.clone()),
        map_fields: Default::default(),
        telegram_bot: None,
        progress: false,
    };
    if let Err(failure) = import::run(&book, &context, &options) {
        assert_ne!(failure.exit_code(), 2, "a storage failure: {failure}");
    }
    let contacts = book
        .list(&ListQuery {
            limit: Some(1000),
            cursor: None,
        })
        .expect("every imported contact reads back")
        .items;
    let query = ActivityQuery {
        period: Period::All,
        ..Default::default()
    };
    for contact in &contacts {
        book.activity(&contact.id, &query)
            .expect("every imported item reads back");
    }
    if let Ok(text) = std::fs::read_to_string(&rejects) {
        for line in text.lines() {
            let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            assert!(row.is_object(), "{line}");
        }
    }
}
