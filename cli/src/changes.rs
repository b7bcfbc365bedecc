//! `changes`: the book's change feed (DOMAIN.md, "Change feed"), oldest first, from the
//! beginning or from a cursor an earlier run printed; with `--follow`, polled until
//! interrupted.

use crate::failure::{CliResult, Failure};
use crate::render;
use contactkit::{Change, ContactBook};
use std::io::Write;
use std::time::Duration;

/// The most changes the book hands out in one page.
const PAGE: u64 = 1000;

/// What `changes` was asked for.
pub struct Options {
    /// Where to start: a cursor an earlier run printed (the beginning when absent).
    pub cursor: Option<String>,
    /// At most this many changes, then stop.
    pub limit: Option<u64>,
    /// Keep polling for new changes (until interrupted or `limit` is reached).
    pub follow: bool,
    /// How long to wait between polls with `follow`.
    pub interval: Duration,
    /// JSON lines instead of tab-separated rows.
    pub json: bool,
}

/// Prints the changes after `cursor`, a line each, and the cursor to resume from as
/// the last line of standard error: at the end, and with `--follow` after each batch
/// printed (so an interrupted run's last stderr line is where to resume). A cursor the
/// book did not give is bad input (`--cursor: …`), before anything is printed.
pub fn run(book: &ContactBook, options: &Options) -> CliResult {
    let mut cursor = options.cursor.clone();
    let mut left = options.limit.unwrap_or(u64::MAX);
    let mut out = std::io::stdout().lock();
    let write_err = |e: std::io::Error| Failure::writing("standard output", &e);
    loop {
        let size = left.min(PAGE) as u32;
        let page = book
            .changes(cursor.as_deref(), Some(size))
            .map_err(|e| Failure::from(e).context("--cursor"))?;
        for change in &page.items {
            let line = if options.json {
                render::json_line(change)
            } else {
                row(change)
            };
            writeln!(out, "{line}").map_err(write_err)?;
        }
        out.flush().map_err(write_err)?;
        left -= page.items.len() as u64;
        let moved = !page.items.is_empty();
        cursor = Some(page.next_cursor);
        let full = page.items.len() as u64 == u64::from(size);
        if left == 0 || (!options.follow && !full) {
            break;
        }
        if options.follow {
            if moved {
                tell_cursor(cursor.as_deref())?;
            }
            if !full {
                std::thread::sleep(options.interval);
            }
        }
    }
    tell_cursor(cursor.as_deref())
}

/// Writes the cursor to resume from, alone on a line of standard error.
fn tell_cursor(cursor: Option<&str>) -> CliResult {
    let mut err = std::io::stderr().lock();
    writeln!(err, "{}", cursor.unwrap_or_default())
        .and_then(|_| err.flush())
        .map_err(|e| Failure::writing("standard error", &e))
}

/// A change as one tab-separated row: seq, at (RFC 3339), op, contact_id, from_id
/// (empty when absent).
fn row(change: &Change) -> String {
    let at = change
        .at
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    [
        change.seq.to_string().as_str(),
        at.as_str(),
        change.op.as_str(),
        change.contact_id.as_deref().unwrap_or(""),
        change.from_id.as_deref().unwrap_or(""),
    ]
    .map(|cell| render::escape(cell).replace('\t', "\\t"))
    .join("\t")
}
