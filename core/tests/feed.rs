//! The change feed (issue 16, item 4): every committed unit of work appends its
//! changes in commit order, one per contact it touched; a rolled-back one appends
//! none; the cursor pages on, survives a restart, and several writers never make a
//! reader miss or repeat a change.

mod common;

use common::{assert_conflict, assert_validation, clocked, create, input};
use contactkit::{Change, ChangeOp, Channel, ContactBook, DedupeOn, EventInput};
use serde_json::json;
use std::collections::BTreeSet;
use std::ops::ControlFlow::Continue;
use std::sync::Arc;

/// Every change from the start, reading pages of `limit`.
fn all_changes(book: &ContactBook, limit: u32) -> Vec<Change> {
    let mut cursor: Option<String> = None;
    let mut all = Vec::new();
    loop {
        let page = book.changes(cursor.as_deref(), Some(limit)).unwrap();
        let done = page.items.is_empty();
        all.extend(page.items);
        cursor = Some(page.next_cursor);
        if done {
            return all;
        }
    }
}

fn ops(changes: &[Change]) -> Vec<(ChangeOp, Option<String>)> {
    changes
        .iter()
        .map(|c| (c.op, c.contact_id.clone()))
        .collect()
}

#[test]
fn each_operation_appends_one_change_per_contact_it_touched() {
    let (book, _clock) = clocked();
    let news = book.define_category("Weekly news").unwrap();
    let ann = create(&book, json!({"email": "ann@example.com"}));
    book.update(&ann.id, input(json!({"first_name": "Ann"})))
        .unwrap();
    book.add_category(&ann.id, &news.key).unwrap();
    book.unsubscribe(&ann.id, Channel::Email, None, None)
        .unwrap();
    book.record_event(
        &ann.id,
        EventInput {
            name: "viewed".into(),
            ..Default::default()
        },
    )
    .unwrap();
    book.delete(&ann.id).unwrap();
    book.restore(&ann.id).unwrap();
    let id = Some(ann.id.clone());
    assert_eq!(
        ops(&all_changes(&book, 100)),
        vec![
            (ChangeOp::Catalog, None),
            (ChangeOp::Created, id.clone()),
            (ChangeOp::Updated, id.clone()),
            (ChangeOp::Updated, id.clone()),
            (ChangeOp::Consent, id.clone()),
            (ChangeOp::Activity, id.clone()),
            (ChangeOp::Deleted, id.clone()),
            (ChangeOp::Restored, id),
        ]
    );
    let seqs: Vec<u64> = all_changes(&book, 3).iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        (1..=8).collect::<Vec<_>>(),
        "pages of 3 read the same"
    );
}

#[test]
fn a_failed_or_read_only_operation_appends_nothing() {
    let (book, _clock) = clocked();
    create(&book, json!({"email": "ann@example.com"}));
    let before = all_changes(&book, 100).len();
    assert_conflict(
        book.create(input(json!({"email": "ann@example.com"}))),
        "email",
    );
    assert_validation(
        book.create(input(json!({"email": "not an email"}))),
        "email",
    );
    book.find_by_email("ann@example.com").unwrap();
    book.count().unwrap();
    assert_eq!(all_changes(&book, 100).len(), before);
}

#[test]
fn an_import_appends_one_change_per_row_it_created_or_updated() {
    let (book, _clock) = clocked();
    let rows = |names: &[&str]| -> Vec<contactkit::Result<contactkit::ContactInput>> {
        names
            .iter()
            .map(|n| Ok(input(json!({"email": format!("{n}@example.com")}))))
            .collect()
    };
    book.import_contacts(rows(&["a", "b", "c"]), DedupeOn::Email, |_| Continue(()))
        .unwrap();
    book.import_contacts(rows(&["a", "d"]), DedupeOn::Email, |_| Continue(()))
        .unwrap();
    let changes = all_changes(&book, 100);
    let kinds: Vec<ChangeOp> = changes.iter().map(|c| c.op).collect();
    use ChangeOp::*;
    assert_eq!(kinds, [Created, Created, Created, Updated, Created]);
    assert_eq!(changes[3].contact_id, changes[0].contact_id);
}

#[test]
fn a_suppression_at_an_address_is_a_change_of_its_holder() {
    let (book, _clock) = clocked();
    let ann = create(&book, json!({"email": "ann@example.com"}));
    book.suppress_address(
        Channel::Email,
        "ANN@example.com",
        contactkit::SuppressionKind::Blacklisted,
        Some("hard_bounce"),
        None,
    )
    .unwrap();
    book.suppress_address(
        Channel::Email,
        "nobody@example.com",
        contactkit::SuppressionKind::Unsubscribed,
        None,
        None,
    )
    .unwrap();
    let changes = all_changes(&book, 100);
    assert_eq!(
        ops(&changes[1..]),
        vec![
            (ChangeOp::Consent, Some(ann.id.clone())),
            (ChangeOp::Consent, None)
        ]
    );
}

#[test]
fn the_cursor_pages_on_and_refuses_what_the_book_did_not_give() {
    let (book, _clock) = clocked();
    let empty = book.changes(None, None).unwrap();
    assert!(empty.items.is_empty());
    assert_eq!(empty.next_cursor, "0");
    create(&book, json!({"email": "ann@example.com"}));
    let first = book.changes(Some(&empty.next_cursor), None).unwrap();
    assert_eq!(first.items.len(), 1);
    let again = book.changes(Some(&first.next_cursor), None).unwrap();
    assert!(again.items.is_empty());
    assert_eq!(
        again.next_cursor, first.next_cursor,
        "an empty page stays put"
    );
    for junk in [
        "",
        "-1",
        "+1",
        "1.0",
        "abc",
        "99",
        "18446744073709551616",
        " 1",
    ] {
        assert_validation(book.changes(Some(junk), None), "cursor");
    }
    assert_validation(book.changes(None, Some(0)), "limit");
    assert_validation(book.changes(None, Some(1001)), "limit");
}

#[test]
fn the_feed_survives_a_restart_of_a_sqlite_book() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let cursor = {
        let book = ContactBook::open(&path).unwrap();
        create(&book, json!({"email": "ann@example.com"}));
        book.changes(None, None).unwrap().next_cursor
    };
    let book = ContactBook::open(&path).unwrap();
    create(&book, json!({"email": "bob@example.com"}));
    let page = book.changes(Some(&cursor), None).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].seq, 2);
    assert_eq!(
        book.find_by_email("bob@example.com").unwrap().map(|c| c.id),
        page.items[0].contact_id
    );
}

/// Four threads write to one SQLite file through two books while a reader follows the
/// feed with its cursor: the reader sees every change once, in seq order, and the
/// seqs have no gaps.
#[test]
fn several_writers_never_make_a_reader_miss_or_repeat_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let books = [
        Arc::new(ContactBook::open(&path).unwrap()),
        Arc::new(ContactBook::open(&path).unwrap()),
    ];
    const PER_WRITER: usize = 40;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let book = books[w % 2].clone();
            std::thread::spawn(move || {
                for i in 0..PER_WRITER {
                    let email = format!("w{w}-{i}@example.com");
                    book.upsert(input(json!({"email": email})), DedupeOn::Email)
                        .unwrap();
                }
            })
        })
        .collect();
    let reader = books[1].clone();
    let mut seen: Vec<u64> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut follow = |seen: &mut Vec<u64>| {
        let page = reader.changes(cursor.as_deref(), Some(7)).unwrap();
        seen.extend(page.items.iter().map(|c| c.seq));
        cursor = Some(page.next_cursor);
    };
    while writers.iter().any(|w| !w.is_finished()) {
        follow(&mut seen);
    }
    for writer in writers {
        writer.join().unwrap();
    }
    loop {
        let before = seen.len();
        follow(&mut seen);
        if seen.len() == before {
            break;
        }
    }
    let expected: Vec<u64> = (1..=(4 * PER_WRITER) as u64).collect();
    assert_eq!(seen, expected);
    let contacts: BTreeSet<Option<String>> = all_changes(&books[0], 1000)
        .into_iter()
        .map(|c| c.contact_id)
        .collect();
    assert_eq!(
        contacts.len(),
        4 * PER_WRITER,
        "one change per contact created"
    );
}
