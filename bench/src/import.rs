//! `sqlite_import` and `bytes_per_contact`: `import_contacts` into a new file vs a
//! raw rusqlite loader writing the same normalised rows (contacts, devices,
//! segment_members, field_values) into the real schema, with prepared statements and
//! one transaction per 1000 contacts. The loader validates nothing and runs with the
//! store's own settings (WAL, synchronous NORMAL, foreign keys on), so it is the
//! practical limit of SQLite for these rows.
//!
//! The two take turns over slices of 5000 contacts: the book imports a slice (one
//! `import_contacts` call, checking a batch while writing the one before), then the
//! loader writes the same slice, so both sides see the same machine load without
//! the loader running inside the book's pipeline.

use crate::data::{self, APP_ID};
use crate::report::{note, per_second, timed, Better, Row};
use contactkit::store::sqlite::schema;
use contactkit::{Contact, ContactBook, DedupeOn};
use rusqlite::{params, Connection, Statement};
use std::ops::ControlFlow::Continue;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

const BATCH: usize = 1000;
/// Contacts per turn of each side.
const TURN: usize = 5 * BATCH;

/// The book file of the last repetition, kept for the lookup workloads.
pub struct Imported {
    pub ours: PathBuf,
    /// Contacts per second, best of the repetitions.
    pub ours_rate: f64,
    pub baseline_rate: f64,
    /// Size of the book's file per contact.
    pub bytes_per_contact: f64,
}

pub fn run(dir: &Path, n: usize, reps: usize, rows: &mut Vec<Row>) -> Imported {
    let (mut ours_rate, mut baseline_rate) = (0f64, 0f64);
    let (mut ours, mut baseline) = (PathBuf::new(), PathBuf::new());
    for rep in 0..reps {
        for old in [&ours, &baseline] {
            remove_db(old);
        }
        ours = dir.join(format!("ours-{n}-{rep}.db"));
        baseline = dir.join(format!("baseline-{n}-{rep}.db"));
        let (ours_now, baseline_now) = import_both(&ours, &baseline, n);
        note(format!(
            "import n={n} rep {}: ours {ours_now:.0}/s, baseline {baseline_now:.0}/s",
            rep + 1
        ));
        ours_rate = ours_rate.max(ours_now);
        baseline_rate = baseline_rate.max(baseline_now);
    }
    rows.push(Row::new(
        "sqlite_import",
        ours_rate,
        baseline_rate,
        "contacts/s",
        Better::Higher,
    ));
    let bytes_per_contact = file_bytes(&ours) as f64 / n as f64;
    rows.push(Row::new(
        "bytes_per_contact",
        bytes_per_contact,
        file_bytes(&baseline) as f64 / n as f64,
        "bytes",
        Better::Lower,
    ));
    check_same_rows(&ours, &baseline, n);
    Imported {
        ours,
        ours_rate,
        baseline_rate,
        bytes_per_contact,
    }
}

/// Imports contacts `0..n` through the book into `ours` and, a turn at a time, with
/// the loader into `baseline`; returns both rates in contacts per second.
fn import_both(ours: &Path, baseline: &Path, n: usize) -> (f64, f64) {
    let book = ContactBook::open(ours).expect("open book");
    let segment = data::prepare_book(&book);
    let conn = open_raw(baseline);
    let raw_segment = create_schema(&conn);
    let mut loader = Loader::new(&conn, raw_segment, Feed::Written);
    let (mut ours_took, mut baseline_took) = (Duration::ZERO, Duration::ZERO);
    for start in (0..n).step_by(TURN) {
        let turn = start..n.min(start + TURN);
        let rows = turn.clone().map(|i| data::input(i, &segment));
        let mut report = None;
        ours_took += timed(|| {
            report = Some(book.import_contacts(rows, DedupeOn::Email, |_| Continue(())));
        });
        let report = report.expect("ran").expect("import");
        assert_eq!(
            report.created,
            turn.len() as u64,
            "rejected: {:?}",
            report.rejected.first()
        );
        let end = turn.end;
        for batch in turn.step_by(BATCH) {
            baseline_took += timed(|| loader.load(batch..end.min(batch + BATCH)));
        }
    }
    (per_second(n, ours_took), per_second(n, baseline_took))
}

/// A connection with the store's settings.
pub fn open_raw(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open raw");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )
    .expect("pragmas");
    conn
}

/// The real schema (every migration) and the catalogue rows: the three field
/// definitions and the segment, whose id is returned.
pub fn create_schema(conn: &Connection) -> String {
    let migrations = schema::migrations_up_to(usize::MAX);
    for sql in migrations {
        conn.execute_batch(sql).expect("schema");
    }
    conn.pragma_update(None, "user_version", migrations.len() as i64)
        .expect("user_version");
    for definition in data::field_definitions() {
        let json = serde_json::to_string(&definition).unwrap();
        conn.execute(
            "INSERT INTO field_definitions (key, definition) VALUES (?1, ?2)",
            params![definition.key, json],
        )
        .expect("definition");
    }
    let segment = contact_id(now_millis(), usize::MAX >> 16);
    conn.execute(
        "INSERT INTO segments (id, name, category_key) VALUES (?1, ?2, NULL)",
        params![segment, data::SEGMENT_NAME],
    )
    .expect("segment");
    segment
}

/// Writes contacts `0..n` with the loader, 1000 per transaction.
pub fn load(conn: &Connection, segment_id: String, n: usize) {
    let mut loader = Loader::new(conn, segment_id, Feed::Written);
    for start in (0..n).step_by(BATCH) {
        loader.load(start..n.min(start + BATCH));
    }
}

/// The raw loader: one prepared statement per table.
pub struct Loader<'c> {
    conn: &'c Connection,
    segment_id: String,
    now: i64,
    contact: Statement<'c>,
    device: Statement<'c>,
    member: Statement<'c>,
    field: Statement<'c>,
    /// The change feed's row per contact, as the book writes it; `None` to leave the
    /// feed out (the `feed_import` workload's baseline).
    change: Option<Statement<'c>>,
}

/// Whether the loader writes the change feed too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// One `created` change per contact, as the book writes.
    Written,
    /// No feed rows.
    Left,
}

impl<'c> Loader<'c> {
    pub fn new(conn: &'c Connection, segment_id: String, feed: Feed) -> Self {
        let prepare = |sql: &str| conn.prepare(sql).expect(sql);
        Loader {
            conn,
            segment_id,
            now: now_millis(),
            contact: prepare(
                "INSERT INTO contacts (id, email, email_confirmed, phone, phone_confirmed, \
                 created_at, updated_at, source) VALUES (?1, ?2, 1, ?3, 1, ?4, ?4, 'import')",
            ),
            device: prepare(
                "INSERT INTO devices (contact_id, position, app_id, device_id, token, platform, \
                 active, registered_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)",
            ),
            member: prepare("INSERT INTO segment_members (segment_id, contact_id) VALUES (?1, ?2)"),
            field: prepare(
                "INSERT INTO field_values (contact_id, key, type, value) VALUES (?1, ?2, ?3, ?4)",
            ),
            change: (feed == Feed::Written).then(|| {
                prepare("INSERT INTO changes (at, op, contact_id) VALUES (?1, 'created', ?2)")
            }),
        }
    }

    /// Writes contacts `range` in one transaction.
    pub fn load(&mut self, range: Range<usize>) {
        let now = self.now;
        self.conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        for i in range {
            let id = contact_id(now, i);
            self.contact
                .execute(params![id, data::email(i), data::phone(i), now])
                .unwrap();
            for k in 0..2 {
                let platform = ["ios", "android"][k];
                self.device
                    .execute(params![
                        id,
                        k as i64,
                        APP_ID,
                        data::device_id(i, k),
                        data::token(i, k),
                        platform,
                        now
                    ])
                    .unwrap();
            }
            self.member.execute(params![self.segment_id, id]).unwrap();
            let birthday = data::birthday(i).to_string();
            let fields = [
                ("birthday", "date", birthday),
                ("nickname", "text", data::nickname(i)),
                ("score", "number", data::score(i).to_string()),
            ];
            for (key, kind, value) in fields {
                self.field.execute(params![id, key, kind, value]).unwrap();
            }
            if let Some(change) = &mut self.change {
                change.execute(params![now, id]).unwrap();
            }
        }
        self.conn.execute_batch("COMMIT").unwrap();
    }
}

/// A time-ordered UUIDv7, like the book's ids.
pub fn contact_id(now: i64, i: usize) -> String {
    let mut bytes = [0u8; 10];
    bytes[2..].copy_from_slice(&(i as u64).to_be_bytes());
    uuid::Builder::from_unix_timestamp_millis(now as u64, &bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Proves the loader wrote what the store writes: the book reads the same profiles
/// from both files (ids and timestamps aside).
fn check_same_rows(ours: &Path, baseline: &Path, n: usize) {
    let ours = ContactBook::open(ours).unwrap();
    let baseline = ContactBook::open(baseline).unwrap();
    for i in [0, n / 2, n - 1] {
        let email = data::email(i);
        let a = ours.find_by_email(&email).unwrap().expect("ours");
        let b = baseline.find_by_email(&email).unwrap().expect("baseline");
        assert_eq!(shape(&a), shape(&b), "contact {i} differs");
    }
}

/// A profile without its ids and timestamps.
pub fn shape(c: &Contact) -> String {
    let devices: Vec<_> = c
        .devices
        .iter()
        .map(|d| (&d.app_id, &d.device_id, &d.token, d.platform, d.active))
        .collect();
    format!(
        "{:?} {:?} {:?} {:?} {:?} {} {:?} {:?}",
        c.email,
        c.phone,
        devices,
        c.fields,
        c.email_status,
        c.segments.len(),
        c.source,
        c.applications
    )
}

/// The file's size with any write-ahead log not yet checkpointed.
pub fn file_bytes(path: &Path) -> u64 {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    size(path) + size(&wal_of(path))
}

fn wal_of(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

/// Removes a SQLite file with its WAL and shared-memory files.
pub fn remove_db(path: &Path) {
    if path.as_os_str().is_empty() {
        return;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
