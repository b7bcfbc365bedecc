//! Reads do not take the write lock (issue 10): on a SQLite book, a read-only
//! operation runs in a deferred transaction on a read-only connection, so it answers
//! while another connection (another process, or an import on another thread) holds
//! the write lock. No timing is asserted: the book's busy timeout is zero, so an
//! operation that needed the write lock fails at once with `Error::Storage`.

use contactkit::{
    ActivityQuery, Channel, ContactBook, ContactInput, DedupeOn, Durability, Error, EventInput,
    ListQuery, SqliteOptions,
};
use rusqlite::Connection;
use std::time::Duration;

fn contact(json: serde_json::Value) -> ContactInput {
    serde_json::from_value(json).unwrap()
}

#[test]
fn reads_answer_while_another_connection_holds_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let options = SqliteOptions {
        durability: Durability::Full,
        busy_timeout: Duration::ZERO,
    };
    let book = ContactBook::open_with(&path, &options).unwrap();
    let ann = book
        .upsert(
            contact(serde_json::json!({"email": "ann@example.com"})),
            DedupeOn::Email,
        )
        .unwrap();
    book.record_event(
        &ann.id,
        EventInput {
            name: "opened".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let segment = book.create_segment("VIP").unwrap();

    // Another writer (as another process would) takes the write lock and keeps it.
    let other = Connection::open(&path).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM segment_members;")
        .unwrap();

    assert_eq!(
        book.get(&ann.id).unwrap().map(|c| c.id),
        Some(ann.id.clone())
    );
    assert!(book.find_by_email("ann@example.com").unwrap().is_some());
    assert!(
        book.can_send(&ann.id, Channel::Email, None)
            .unwrap()
            .allowed
    );
    assert_eq!(book.count().unwrap(), 1);
    assert_eq!(book.list(&ListQuery::default()).unwrap().items.len(), 1);
    assert_eq!(
        book.activity(&ann.id, &ActivityQuery::default())
            .unwrap()
            .items
            .len(),
        1
    );
    assert_eq!(book.segments().unwrap().len(), 1);
    assert!(book
        .segment_members(&segment.id, &ListQuery::default())
        .unwrap()
        .items
        .is_empty());
    assert!(book.categories().unwrap().is_empty());
    assert!(book.field_definitions().unwrap().is_empty());
    assert!(book
        .suppressions(Channel::Email, "ann@example.com")
        .unwrap()
        .is_empty());

    // A write does need the lock: with no busy timeout it fails at once, writing nothing.
    let write = book.upsert(
        contact(serde_json::json!({"email": "bo@example.com"})),
        DedupeOn::Email,
    );
    assert!(matches!(write, Err(Error::Storage { .. })), "{write:?}");

    other.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(book.count().unwrap(), 1);
    book.upsert(
        contact(serde_json::json!({"email": "bo@example.com"})),
        DedupeOn::Email,
    )
    .unwrap();
    assert_eq!(book.count().unwrap(), 2, "a read sees the latest commit");
}

#[test]
fn a_read_sees_one_snapshot_and_then_the_next_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let book = ContactBook::open(&path).unwrap();
    let second = ContactBook::open(&path).unwrap();
    for i in 0..3 {
        book.upsert(
            contact(serde_json::json!({"email": format!("c{i}@example.com")})),
            DedupeOn::Email,
        )
        .unwrap();
        assert_eq!(
            second.count().unwrap(),
            i + 1,
            "the other book reads each commit"
        );
    }
}

#[test]
fn opening_an_up_to_date_book_does_not_wait_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    drop(ContactBook::open(&path).unwrap());
    let other = Connection::open(&path).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM segments;")
        .unwrap();
    let options = SqliteOptions {
        durability: Durability::Normal,
        busy_timeout: Duration::ZERO,
    };
    let book = ContactBook::open_with(&path, &options).expect("opens beside a writer");
    assert_eq!(book.count().unwrap(), 0);
    other.execute_batch("ROLLBACK;").unwrap();
}

#[test]
fn a_busy_timeout_sqlite_cannot_take_is_a_validation_error() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        durability: Durability::Normal,
        busy_timeout: SqliteOptions::MAX_BUSY_TIMEOUT + Duration::from_millis(1),
    };
    let error = ContactBook::open_with(dir.path().join("book.db"), &options).unwrap_err();
    assert_eq!(error.field(), Some("busy_timeout"));
    assert!(!dir.path().join("book.db").exists(), "nothing was created");
}

/// Opening a second book on a file must not drop the locks of the first: closing
/// any descriptor of a file drops every POSIX lock the process holds on it, and
/// another process then takes the WAL for unused and resets it ("disk I/O error" on
/// every later read, found through the Kotlin binding). The other process is Python's
/// `sqlite3` (the system SQLite), with which the loss showed; the test command needs
/// Python anyway.
#[test]
fn a_second_book_on_the_file_keeps_the_first_ones_locks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let first = ContactBook::open(&path).unwrap();
    first
        .upsert(
            contact(serde_json::json!({"email": "ann@example.com"})),
            DedupeOn::Email,
        )
        .unwrap();
    let second = ContactBook::open(&path).unwrap();
    let read = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM contacts').fetchone()[0])";
    let child = std::process::Command::new("python3")
        .args(["-c", read])
        .arg(&path)
        .output()
        .expect("python3 runs (the test command needs it)");
    assert!(child.status.success(), "{child:?}");
    assert_eq!(String::from_utf8_lossy(&child.stdout).trim(), "1");
    first
        .upsert(
            contact(serde_json::json!({"email": "bo@example.com"})),
            DedupeOn::Email,
        )
        .unwrap();
    assert_eq!(first.count().unwrap(), 2);
    assert_eq!(second.count().unwrap(), 2);
    assert_eq!(ContactBook::open(&path).unwrap().count().unwrap(), 2);
}

/// `Transaction::contact_with` (the light read behind `can_send` and the timeline):
/// every store returns the contact's own columns and exactly the child collections
/// asked for, the others empty, for all 32 combinations.
#[test]
fn every_store_reads_exactly_the_parts_asked_for() {
    use contactkit::{Access, MemoryStore, Parts, SqliteStore, Store};
    use std::sync::Arc;
    let stores: [Arc<dyn Store>; 2] = [
        Arc::new(MemoryStore::new()),
        Arc::new(SqliteStore::open_in_memory().unwrap()),
    ];
    for store in stores {
        let book = ContactBook::with_store(store.clone());
        book.define_category("News").unwrap();
        book.define_field(contactkit::FieldDefinition::new(
            "tier",
            contactkit::FieldType::Text,
        ))
        .unwrap();
        let segment = book.create_segment("Київ").unwrap();
        let full = book
            .upsert(
                contact(serde_json::json!({
                    "email": "олена@приклад.укр", "first_name": "Олена", "phone": "067 123 4567",
                    "address": {"country": "UA"},
                    "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "t1"}],
                    "web_push": [{"endpoint": "https://push.example.com/e1",
                                  "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
                                  "auth": "tBHItJI5svbpez7KI4CCXg"}],
                    "categories": ["news"], "segments": [segment.id],
                    "fields": {"tier": "gold"},
                })),
                DedupeOn::Email,
            )
            .unwrap();
        for bits in 0..32u8 {
            let parts = Parts {
                devices: bits & 1 != 0,
                web_push: bits & 2 != 0,
                categories: bits & 4 != 0,
                segments: bits & 8 != 0,
                fields: bits & 16 != 0,
            };
            let mut read = None;
            store
                .unit_of_work(Access::Read, &mut |tx| {
                    read = tx.contact_with(&full.id, parts)?;
                    Ok(())
                })
                .unwrap();
            let read = read.expect("the contact");
            assert_eq!(read.email, full.email, "{parts:?}");
            assert_eq!(read.phone.as_deref(), Some("+380671234567"));
            assert_eq!(read.devices.len(), usize::from(parts.devices), "{parts:?}");
            assert_eq!(
                read.web_push.len(),
                usize::from(parts.web_push),
                "{parts:?}"
            );
            assert_eq!(
                read.categories.len(),
                usize::from(parts.categories),
                "{parts:?}"
            );
            // The category's own segment and the static one.
            assert_eq!(
                read.segments.len(),
                2 * usize::from(parts.segments),
                "{parts:?}"
            );
            assert_eq!(read.fields.len(), usize::from(parts.fields), "{parts:?}");
        }
    }
}
