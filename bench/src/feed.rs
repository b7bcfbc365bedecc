//! The change feed's cost: `feed_import`, the raw loader writing the import's rows
//! with the feed's row per contact against the same loader without it (the feed's
//! own share of an import, in one run, taking turns); and `feed_read`, reading the
//! whole feed of the import's book with `changes` pages of 1000 against hand-written
//! `SELECT`s of the same pages.

use crate::import::{create_schema, open_raw, remove_db, Feed, Loader};
use crate::report::{compare, note, piece, timed, Better, Row};
use contactkit::ContactBook;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// Contacts per loader transaction, as the import's baseline.
const BATCH: usize = 1000;

pub fn import_cost(dir: &Path, n: usize, reps: usize, rows: &mut Vec<Row>) {
    let (mut with, mut without) = (0f64, 0f64);
    for rep in 0..reps {
        let paths = [
            dir.join(format!("feed-{rep}.db")),
            dir.join(format!("no-feed-{rep}.db")),
        ];
        let conns = paths.each_ref().map(|p| open_raw(p));
        let segments = conns.each_ref().map(create_schema);
        let mut loaders = [
            Loader::new(&conns[0], segments[0].clone(), Feed::Written),
            Loader::new(&conns[1], segments[1].clone(), Feed::Left),
        ];
        let mut took = [Duration::ZERO; 2];
        for (turn, start) in (0..n).step_by(BATCH).enumerate() {
            let range = start..n.min(start + BATCH);
            // Alternate which goes first, so both see the same machine.
            for k in [turn % 2, 1 - turn % 2] {
                took[k] += timed(|| loaders[k].load(range.clone()));
            }
        }
        with = with.max(n as f64 / took[0].as_secs_f64());
        without = without.max(n as f64 / took[1].as_secs_f64());
        drop(loaders);
        drop(conns);
        paths.iter().for_each(|path| remove_db(path));
    }
    note(format!(
        "feed_import: with the feed {with:.0}/s, without {without:.0}/s"
    ));
    rows.push(Row::new(
        "feed_import",
        with,
        without,
        "contacts/s",
        Better::Higher,
    ));
}

pub fn read(path: &Path, rows: &mut Vec<Row>) {
    let book = ContactBook::open(path).unwrap();
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT seq, at, op, contact_id, from_id FROM changes WHERE seq > ?1 ORDER BY seq LIMIT 1000")
        .unwrap();
    // Page starts, so both sides read the same pages in the same pieces.
    let mut starts = Vec::new();
    let mut total = 0;
    let mut cursor: Option<String> = None;
    loop {
        let page = book.changes(cursor.as_deref(), Some(1000)).unwrap();
        if page.items.is_empty() {
            break;
        }
        total += page.items.len();
        starts.push(cursor.clone().unwrap_or_else(|| "0".into()));
        cursor = Some(page.next_cursor);
    }
    let (ours, baseline) = compare(
        total,
        |p| {
            for start in piece(&starts, p) {
                book.changes(Some(start), Some(1000)).unwrap();
            }
        },
        |p| {
            for start in piece(&starts, p) {
                let after: i64 = start.parse().unwrap();
                let rows = stmt
                    .query_map([after], |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, i64>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, Option<String>>(3)?,
                            row.get::<_, Option<String>>(4)?,
                        ))
                    })
                    .unwrap()
                    .count();
                assert!(rows > 0);
            }
        },
    );
    note(format!(
        "feed_read: ours {ours:.0}/s, baseline {baseline:.0}/s ({} pages)",
        starts.len()
    ));
    rows.push(Row::new(
        "feed_read",
        ours,
        baseline,
        "changes/s",
        Better::Higher,
    ));
}
