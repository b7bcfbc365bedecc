//! `mixed_import`: real export data, interleaved as exports are, against the same rows
//! sorted by country. 6,000 contacts from twelve of Faker's locales
//! (`bench/data/mixed_contacts.jsonl`: native-script names, phones as each locale
//! writes them, towns), each row carrying its address country. A phone parser that
//! caches per-region state thrashes on the interleaved order (issue 12 measured a 64×
//! cliff with the old crate); the target is interleaved ≥ 0.9 of sorted.

use crate::report::{note, timed, Better, Row};
use contactkit::{ContactBook, ContactInput, DedupeOn};
use std::path::Path;

const ROWS: &str = include_str!("../data/mixed_contacts.jsonl");

pub fn run(dir: &Path, reps: usize, rows: &mut Vec<Row>) {
    let interleaved: Vec<ContactInput> = ROWS
        .lines()
        .map(|line| serde_json::from_str(line).expect("a fixture row"))
        .collect();
    let mut sorted = interleaved.clone();
    sorted.sort_by_key(|row| {
        row.address
            .as_set()
            .and_then(|a| a.country.clone())
            .unwrap_or_default()
    });
    let (mut best_interleaved, mut best_sorted) = (0f64, 0f64);
    for rep in 0..reps {
        // Alternate which order goes first, so both meet the same machine load.
        let run_one = |name: &str, input: &[ContactInput]| {
            let path = dir.join(format!("mixed-{name}-{rep}.db"));
            let book = ContactBook::open(&path).expect("a bench book");
            let mut report = None;
            let took = timed(|| {
                report = Some(
                    book.import_contacts(input.to_vec(), DedupeOn::Email, |_| {})
                        .expect("import"),
                );
            });
            let report = report.expect("ran");
            let rate = input.len() as f64 / took.as_secs_f64();
            note(format!(
                "mixed_import {name} rep {}: {rate:.0} rows/s ({} created, {} rejected)",
                rep + 1,
                report.created,
                report.rejected.len()
            ));
            rate
        };
        let (a, b) = if rep % 2 == 0 {
            let a = run_one("interleaved", &interleaved);
            (a, run_one("sorted", &sorted))
        } else {
            let b = run_one("sorted", &sorted);
            (run_one("interleaved", &interleaved), b)
        };
        best_interleaved = best_interleaved.max(a);
        best_sorted = best_sorted.max(b);
    }
    rows.push(Row::new(
        "mixed_import",
        best_interleaved,
        best_sorted,
        "rows/s",
        Better::Higher,
    ));
}
