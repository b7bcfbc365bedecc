//! `mixed_import`: real export data, interleaved as exports are, against the same rows
//! sorted by country. 6,000 contacts from twelve of Faker's locales
//! (`bench/data/mixed_contacts.jsonl`: native-script names, phones as each locale
//! writes them, towns), each row carrying its address country. A phone parser that
//! caches per-region state thrashes on the interleaved order (issue 12 measured a 64×
//! cliff with the old crate); the target is interleaved ≥ 0.9 of sorted.
//!
//! `mixed_import_vs_loader` sets the interleaved import (every check, then the
//! writes) against the raw loader writing the contacts the book kept, already
//! normalised, into the same schema: contacts written per second on each side.

use crate::import;
use crate::report::{note, timed, Better, Row};
use contactkit::{Contact, ContactBook, ContactInput, DedupeOn, ListQuery};
use rusqlite::params;
use std::ops::ControlFlow::Continue;
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
    let (mut best_kept, mut best_loader) = (0f64, 0f64);
    for rep in 0..reps {
        // Alternate which order goes first, so both meet the same machine load.
        let mut run_one = |name: &str, input: &[ContactInput]| {
            let path = dir.join(format!("mixed-{name}-{rep}.db"));
            let book = ContactBook::open(&path).expect("a bench book");
            let mut report = None;
            let took = timed(|| {
                report = Some(
                    book.import_contacts(input.to_vec(), DedupeOn::Email, |_| Continue(()))
                        .expect("import"),
                );
            });
            let report = report.expect("ran");
            let rate = input.len() as f64 / took.as_secs_f64();
            if name == "interleaved" {
                let kept = report.created as f64 / took.as_secs_f64();
                let loader = load_raw(&book, &dir.join(format!("mixed-loader-{rep}.db")));
                note(format!(
                    "mixed_import rep {}: {kept:.0} contacts/s kept by the book, raw loader {loader:.0}/s",
                    rep + 1
                ));
                best_kept = best_kept.max(kept);
                best_loader = best_loader.max(loader);
            }
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
    rows.push(Row::new(
        "mixed_import_vs_loader",
        best_kept,
        best_loader,
        "contacts/s",
        Better::Higher,
    ));
}

/// Writes the contacts `book` holds into a new file of the same schema, 1000 per
/// transaction, with one prepared statement; returns contacts per second.
fn load_raw(book: &ContactBook, path: &Path) -> f64 {
    let mut contacts: Vec<Contact> = Vec::new();
    let mut cursor = None;
    loop {
        let page = book
            .list(&ListQuery {
                limit: Some(1000),
                cursor,
            })
            .expect("a page");
        contacts.extend(page.items);
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let conn = import::open_raw(path);
    import::create_schema(&conn);
    let took = timed(|| {
        let mut insert = conn
            .prepare(
                "INSERT INTO contacts (id, first_name, last_name, email, email_confirmed, phone, \
                 phone_confirmed, address_country, address_region, address_town, address_street, \
                 address_postcode, created_at, updated_at, source) \
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, 1, ?6, ?7, ?8, ?9, ?10, ?11, ?11, 'import')",
            )
            .expect("insert");
        for batch in contacts.chunks(1000) {
            conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
            for c in batch {
                let a = c.address.clone().unwrap_or_default();
                insert
                    .execute(params![
                        c.id,
                        c.first_name,
                        c.last_name,
                        c.email,
                        c.phone,
                        a.country,
                        a.region,
                        a.town,
                        a.street_address,
                        a.postcode,
                        c.created_at.timestamp_millis()
                    ])
                    .expect("a contact");
            }
            conn.execute_batch("COMMIT").expect("commit");
        }
    });
    contacts.len() as f64 / took.as_secs_f64()
}
