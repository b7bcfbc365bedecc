//! Bad files and schema versions (issue 3, "Proof: bad files").
//!
//! - A file that is not SQLite (text, random bytes) is an `Error::Storage`, never a
//!   panic, and its bytes are unchanged.
//! - A file from a newer schema version (`PRAGMA user_version = 99`) is an
//!   `Error::Storage` naming the version, and its bytes are unchanged.
//! - A file made by schema version 1 is upgraded by `ContactBook::open`: its contact is
//!   still there, the timeline (migration 2) works, and `user_version` is current.
//! - An operation that fails on a SQLite book (conflict, not found, validation)
//!   leaves the file exactly as it was.

use chrono::{TimeZone, Utc};
use contactkit::store::sqlite::schema;
use contactkit::{
    ActivityQuery, Channel, ContactBook, ContactInput, DedupeOn, Error, EventInput,
    FieldDefinition, FieldType, ManualClock, OrderInput, Period,
};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every file in `dir` with its bytes, sorted by name: what "unchanged" compares.
fn dir_snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

#[track_caller]
fn assert_storage_error(result: contactkit::Result<ContactBook>) -> String {
    match result {
        // A file that is not a book stays one: trying again cannot help.
        Err(Error::Storage {
            reason,
            retryable: false,
            ..
        }) => reason,
        Err(other) => panic!("expected Error::Storage, got {other:?}"),
        Ok(_) => panic!("expected Error::Storage, the file opened"),
    }
}

/// Opens `path` as a book, expecting a storage error, and checks that neither the
/// file nor anything beside it (no -wal, -shm or journal left behind) changed.
#[track_caller]
fn refuses_untouched(path: &Path) -> String {
    let dir = path.parent().unwrap();
    let before = dir_snapshot(dir);
    let reason = assert_storage_error(ContactBook::open(path));
    // Twice: a first failed open must not leave anything that changes the second.
    let again = assert_storage_error(ContactBook::open(path));
    assert_eq!(reason, again);
    let after = dir_snapshot(dir);
    assert_eq!(
        before.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        after.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "files beside the database appeared or vanished"
    );
    assert!(before == after, "the file's bytes changed");
    reason
}

#[test]
fn a_text_file_is_a_storage_error_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let text = "name,email\nAnn,ann@example.com\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let reason = refuses_untouched(&path);
    assert!(
        reason.contains("notes.txt") && reason.contains("not a database"),
        "the reason names the file and the problem: {reason}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_random_bytes_file_is_a_storage_error_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noise.bin");
    // xorshift64*: deterministic noise, several pages long.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..16_384)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    let reason = refuses_untouched(&path);
    assert!(reason.contains("noise.bin"), "{reason}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_file_from_a_newer_schema_is_a_storage_error_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE contacts (id TEXT PRIMARY KEY, hologram BLOB);
             INSERT INTO contacts VALUES ('x', x'00ff');
             PRAGMA user_version = 99;",
        )
        .unwrap();
    }
    let reason = refuses_untouched(&path);
    assert!(
        reason.contains("99") && reason.contains(&schema::CURRENT_VERSION.to_string()),
        "the reason names the file's version and ours: {reason}"
    );
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, 99);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "the journal mode was not switched to WAL");
}

const OLD_ID: &str = "01900000-0000-7000-8000-000000000001";

#[test]
fn a_version_1_file_is_upgraded_and_keeps_its_contacts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let created = Utc.with_ymd_and_hms(2025, 6, 1, 9, 30, 0).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        for sql in schema::migrations_up_to(1) {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch("PRAGMA user_version = 1").unwrap();
        conn.execute(
            "INSERT INTO contacts (id, external_id, first_name, email, email_confirmed, phone, \
             phone_confirmed, address_country, address_town, created_at, updated_at, source) \
             VALUES (?1, 'crm-7', 'Olena', 'olena@example.com', 1, '+380671234567', 0, 'UA', \
             'Lviv', ?2, ?2, 'import')",
            rusqlite::params![OLD_ID, created.timestamp_millis()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO suppressions (address, position, channel, kind, at, reason) \
             VALUES ('olena@example.com', 0, 'email', 'unsubscribed', ?1, 'too many')",
            [created.timestamp_millis()],
        )
        .unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'activities'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "a version 1 file has no timeline yet");
    }

    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let book = ContactBook::open(&path)
        .unwrap()
        .with_clock(Arc::new(ManualClock::new(now)));
    let olena = book
        .find_by_email("Olena@Example.com")
        .unwrap()
        .expect("the old contact is found by email");
    assert_eq!(olena.id, OLD_ID);
    assert_eq!(olena.first_name.as_deref(), Some("Olena"));
    assert_eq!(olena.external_id.as_deref(), Some("crm-7"));
    assert_eq!(olena.phone.as_deref(), Some("+380671234567"));
    assert_eq!(olena.created_at, created);
    assert_eq!(
        olena.address.as_ref().and_then(|a| a.town.as_deref()),
        Some("Lviv")
    );
    assert_eq!(
        olena.email_status,
        Some(contactkit::ChannelStatus::Unsubscribed)
    );
    assert_eq!(
        olena.phone_status,
        Some(contactkit::ChannelStatus::Unconfirmed)
    );
    assert_eq!(
        book.find_by_external_id("crm-7").unwrap().map(|c| c.id),
        Some(OLD_ID.to_string())
    );

    let event = book
        .record_event(
            OLD_ID,
            EventInput {
                name: "migrated".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let page = book
        .activity(
            OLD_ID,
            &ActivityQuery {
                period: Period::All,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(page.items, vec![event]);
    drop(book);

    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, schema::CURRENT_VERSION);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);

    // Opening an up-to-date file again migrates nothing and keeps everything.
    let book = ContactBook::open(&path).unwrap();
    assert_eq!(book.count().unwrap(), 1);
    assert_eq!(
        book.activity(
            OLD_ID,
            &ActivityQuery {
                period: Period::All,
                ..Default::default()
            }
        )
        .unwrap()
        .items
        .len(),
        1
    );
}

/// Every row of every table (and the schema version), through a separate
/// connection: the logical content of the file.
fn logical_snapshot(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    let mut snapshot = vec![format!("user_version {version}")];
    let tables: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (table, sql) in tables {
        snapshot.push(sql);
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |row| {
                let values = (0..columns)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(format!("{table}: {values:?}"))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        snapshot.extend(rows);
    }
    snapshot
}

/// The bytes of the database file and its write-ahead log.
fn file_bytes(path: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    (std::fs::read(path).unwrap(), std::fs::read(wal).ok())
}

fn contact(json: serde_json::Value) -> ContactInput {
    serde_json::from_value(json).unwrap()
}

#[test]
fn a_failed_operation_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
    ));
    let book = ContactBook::open(&path).unwrap().with_clock(clock.clone());
    let ann = book
        .create(contact(serde_json::json!({
            "email": "ann@example.com", "external_id": "ext-ann",
            "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-ann"}]
        })))
        .unwrap();
    let bob = book
        .create(contact(serde_json::json!({
            "email": "bob@example.com", "phone": "+380671234567",
            "mobile_push": [{"app_id": "shop", "device_id": "d2", "token": "tok-bob"}]
        })))
        .unwrap();
    book.define_category("Weekly news").unwrap();
    book.define_field(FieldDefinition::new("age", FieldType::Number))
        .unwrap();
    book.record_order(
        &ann.id,
        OrderInput {
            external_id: "o-1".into(),
            amount: "10.50".parse().unwrap(),
            currency: "UAH".into(),
            status: Default::default(),
            items: vec![],
            shipping: None,
            discount: None,
            taxes: None,
            store_id: None,
            source: Default::default(),
            delivery_address: None,
            at: None,
        },
    )
    .unwrap();
    clock.advance(chrono::Duration::seconds(5)).unwrap();

    let logical = logical_snapshot(&path);
    let bytes = file_bytes(&path);

    let failures: Vec<(&str, contactkit::Result<serde_json::Value>)> = vec![
        (
            // The token would move from Bob before the email conflict is found.
            "create with a taken email",
            book.create(contact(serde_json::json!({
                "email": "ANN@example.com",
                "mobile_push": [{"app_id": "shop", "device_id": "d9", "token": "tok-bob"}]
            })))
            .map(|c| serde_json::to_value(c).unwrap()),
        ),
        (
            "update with a taken phone and a moved token",
            book.update(
                &ann.id,
                contact(serde_json::json!({
                    "phone": "+380671234567", "first_name": "Anna",
                    "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-bob"}]
                })),
            )
            .map(|c| serde_json::to_value(c).unwrap()),
        ),
        (
            "upsert on a taken external id",
            book.upsert(
                contact(serde_json::json!({"email": "bob@example.com", "external_id": "ext-ann"})),
                DedupeOn::Email,
            )
            .map(|c| serde_json::to_value(c).unwrap()),
        ),
        (
            "an order of another contact",
            book.record_order(
                &bob.id,
                OrderInput {
                    external_id: "o-1".into(),
                    amount: "1".parse().unwrap(),
                    currency: "UAH".into(),
                    status: Default::default(),
                    items: vec![],
                    shipping: None,
                    discount: None,
                    taxes: None,
                    store_id: None,
                    source: Default::default(),
                    delivery_address: Some(contactkit::Address {
                        town: Some("Kyiv".into()),
                        ..Default::default()
                    }),
                    at: None,
                },
            )
            .map(|a| serde_json::to_value(a).unwrap()),
        ),
        (
            "a category defined twice",
            book.define_category("weekly NEWS")
                .map(|c| serde_json::to_value(c).unwrap()),
        ),
        (
            "a conflicting field definition",
            book.define_field(FieldDefinition::new("age", FieldType::Text))
                .map(|d| serde_json::to_value(d).unwrap()),
        ),
        (
            "a field value of the wrong type",
            book.set_field(&ann.id, "age", "old".into())
                .map(|c| serde_json::to_value(c).unwrap()),
        ),
        (
            "unblacklist without a blacklist",
            book.unblacklist(&ann.id, Channel::Email, "oops")
                .map(|c| serde_json::to_value(c).unwrap()),
        ),
        (
            "delete of an unknown contact",
            book.delete("01900000-0000-7000-8000-00000000dead")
                .map(|()| serde_json::Value::Null),
        ),
        (
            "create with an unknown segment",
            book.create(contact(serde_json::json!({
                "email": "cy@example.com", "segments": ["no-such-segment"]
            })))
            .map(|c| serde_json::to_value(c).unwrap()),
        ),
    ];
    for (what, result) in failures {
        assert!(result.is_err(), "{what} should fail: {result:?}");
        assert_eq!(
            logical_snapshot(&path),
            logical,
            "{what} changed the book's content"
        );
        assert!(
            file_bytes(&path) == bytes,
            "{what} changed the file's or the log's bytes"
        );
    }
    // The book still works, and the state is the one before the failures.
    assert_eq!(book.count().unwrap(), 2);
    let ann_now = book.get(&ann.id).unwrap().unwrap();
    assert_eq!(ann_now.first_name, None);
    assert_eq!(ann_now.devices[0].token.as_deref(), Some("tok-ann"));
    let bob_now = book.get(&bob.id).unwrap().unwrap();
    assert_eq!(bob_now.devices[0].token.as_deref(), Some("tok-bob"));
    assert_eq!(bob_now.address, None);
    assert!(book.find_by_email("cy@example.com").unwrap().is_none());
}

// ---------------------------------------------------------------------------------
// The file rules of DOMAIN.md, "Limits on input" (issue 10)

/// `application_id` and `user_version` read straight from the header bytes.
fn header_ids(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    let at = |offset: usize| u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap());
    (at(68), at(60))
}

#[test]
fn a_path_is_a_file_name_never_an_sqlite_uri() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = std::env::current_dir().unwrap();
    // Relative, as a user types it: `file:` would make SQLite read a URI.
    let name = "file:book.db?mode=memory&nolock=1";
    let path = dir.path().join(name);
    let book = ContactBook::open(&path).unwrap();
    book.upsert(
        contact(serde_json::json!({"email": "ann@example.com"})),
        DedupeOn::Email,
    )
    .unwrap();
    drop(book);
    assert!(path.is_file(), "a file of exactly that name holds the book");
    let again = ContactBook::open(&path).unwrap();
    assert_eq!(again.count().unwrap(), 1, "the write was kept");
    assert_eq!(std::env::current_dir().unwrap(), cwd);
}

#[test]
fn a_relative_uri_like_path_is_a_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "relative_uri_child", "--ignored", "--nocapture"])
        .current_dir(dir.path())
        .env("CONTACTKIT_RELATIVE_URI_CHILD", "1")
        .status()
        .unwrap();
    assert!(child.success());
    assert!(dir.path().join("file:rel.db?mode=memory").is_file());
}

/// Run by `a_relative_uri_like_path_is_a_file_too` in a directory of its own.
#[test]
#[ignore = "child process of a_relative_uri_like_path_is_a_file_too"]
fn relative_uri_child() {
    if std::env::var("CONTACTKIT_RELATIVE_URI_CHILD").is_err() {
        return;
    }
    let book = ContactBook::open("file:rel.db?mode=memory").unwrap();
    book.upsert(
        contact(serde_json::json!({"email": "bo@example.com"})),
        DedupeOn::Email,
    )
    .unwrap();
}

#[test]
fn books_carry_the_contactkit_application_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    drop(ContactBook::open(&path).unwrap());
    let (application_id, version) = header_ids(&path);
    assert_eq!(application_id, schema::APPLICATION_ID as u32);
    assert_eq!(i64::from(version), schema::CURRENT_VERSION);
}

#[test]
fn a_book_from_before_the_application_id_opens_and_gets_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        for sql in schema::migrations_up_to(schema::CURRENT_VERSION as usize) {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(&format!(
            "PRAGMA user_version = {}",
            schema::CURRENT_VERSION
        ))
        .unwrap();
    }
    assert_eq!(header_ids(&path).0, 0);
    drop(ContactBook::open(&path).unwrap());
    assert_eq!(header_ids(&path).0, schema::APPLICATION_ID as u32);
}

#[test]
fn another_applications_database_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photos.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT);
             INSERT INTO albums (title) VALUES ('Summer');",
        )
        .unwrap();
    }
    let reason = refuses_untouched(&path);
    assert!(reason.contains("not a ContactKit book"), "{reason}");
    let conn = Connection::open(&path).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1, "no tables of ours were added");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "the journal mode was not switched to WAL");
}

#[test]
fn a_database_with_another_application_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = Connection::open(&path).unwrap();
        // Even with tables named like ours: the application id says whose it is.
        for sql in schema::migrations_up_to(1) {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch("PRAGMA application_id = 1234; PRAGMA user_version = 1;")
            .unwrap();
    }
    let reason = refuses_untouched(&path);
    assert!(reason.contains("1234"), "{reason}");
}

#[test]
fn a_newer_book_with_a_pending_wal_is_refused_and_its_wal_kept() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("live.db");
    let path = dir.path().join("future.db");
    // A newer ContactKit's book, copied with its WAL while open (as a killed process
    // leaves it): the version bump and a row are only in the WAL.
    let conn = Connection::open(&source).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE contacts (id TEXT PRIMARY KEY);",
    )
    .unwrap();
    conn.execute_batch(&format!(
        "PRAGMA application_id = {};",
        schema::APPLICATION_ID
    ))
    .unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    conn.execute_batch("INSERT INTO contacts VALUES ('x'); PRAGMA user_version = 99;")
        .unwrap();
    std::fs::copy(&source, &path).unwrap();
    std::fs::copy(
        dir.path().join("live.db-wal"),
        dir.path().join("future.db-wal"),
    )
    .unwrap();
    drop(conn);
    let wal = dir.path().join("future.db-wal");
    let (db_before, wal_before) = (std::fs::read(&path).unwrap(), std::fs::read(&wal).unwrap());
    assert!(!wal_before.is_empty(), "the WAL holds the newer version");
    assert_eq!(header_ids(&path).1, 0, "the main file does not have it yet");

    let reason = assert_storage_error(ContactBook::open(&path));
    assert!(
        reason.contains("99"),
        "the version in the WAL was read: {reason}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        db_before,
        "the file is unchanged"
    );
    assert_eq!(
        std::fs::read(&wal).unwrap(),
        wal_before,
        "the WAL was not checkpointed"
    );
}

#[test]
fn an_empty_file_becomes_a_new_book() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let book = ContactBook::open(&path).unwrap();
    assert_eq!(book.count().unwrap(), 0);
}

#[test]
fn a_version_2_file_whose_contacts_share_a_telegram_chat_keeps_it_on_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let conn = Connection::open(&path).unwrap();
        for sql in schema::migrations_up_to(2) {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch("PRAGMA user_version = 2").unwrap();
        for (id, email, updated) in [
            (
                "01900000-0000-7000-8000-00000000000a",
                "old@example.com",
                1_000,
            ),
            (
                "01900000-0000-7000-8000-00000000000b",
                "new@example.com",
                2_000,
            ),
        ] {
            conn.execute(
                "INSERT INTO contacts (id, email, email_confirmed, phone_confirmed, \
                 telegram_bot_id, telegram_chat_id, created_at, updated_at, source) \
                 VALUES (?1, ?2, 1, 1, 'bot', 'chat-7', 0, ?3, 'api')",
                rusqlite::params![id, email, updated],
            )
            .unwrap();
        }
    }
    let book = ContactBook::open(&path).unwrap();
    let chat = |email: &str| {
        book.find_by_email(email)
            .unwrap()
            .unwrap()
            .telegram
            .map(|t| t.chat_id)
    };
    assert_eq!(chat("new@example.com").as_deref(), Some("chat-7"));
    assert_eq!(chat("old@example.com"), None);
}

#[test]
fn a_refused_default_region_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let refused = ContactBook::open_in_region(&path, &Default::default(), Some("Atlantis"));
    assert_eq!(refused.unwrap_err().field(), Some("default_region"));
    assert!(!path.exists(), "nothing was created");
    let book = ContactBook::open_in_region(&path, &Default::default(), Some("ua")).unwrap();
    let ann = book
        .create(contact(serde_json::json!({"phone": "067 123 4567"})))
        .unwrap();
    assert_eq!(ann.phone.as_deref(), Some("+380671234567"));
}

/// A write that waited out the busy timeout on another connection's lock is a storage
/// error that says a retry may succeed, and keeps SQLite's error as its source; once the
/// lock is gone the same call succeeds.
#[test]
fn a_write_that_timed_out_on_a_lock_is_retryable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let options = contactkit::SqliteOptions {
        busy_timeout: std::time::Duration::from_millis(50),
        ..Default::default()
    };
    let book = ContactBook::open_with(&path, &options).unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let input = || serde_json::from_value(serde_json::json!({"email": "ann@example.com"})).unwrap();
    let error = book.create(input()).unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert!(std::error::Error::source(&error).is_some(), "{error:?}");
    holder.execute_batch("ROLLBACK").unwrap();
    book.create(input()).unwrap();
}
