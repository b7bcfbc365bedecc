//! Bulk import (DOMAIN.md, "bulk upsert ... with a per-row report"): counts, 0-based
//! rejected rows with their field, nothing written for a rejected row, conflicts
//! within one import, progress across batches, and caller-side row errors.

mod common;

use common::*;
use contactkit::{
    ChannelStatus, ContactBook, ContactInput, DedupeOn, Error, ListQuery, Result, Source,
    IMPORT_BATCH_ROWS,
};
use serde_json::json;
use std::ops::ControlFlow::{self, Continue};

fn rejected(report: &contactkit::ImportReport) -> Vec<(u64, Option<&str>)> {
    report
        .rejected
        .iter()
        .map(|r| (r.index, r.field.as_deref()))
        .collect()
}

#[test]
fn the_report_counts_created_updated_and_rejected_rows() {
    let book = ContactBook::in_memory();
    let existing = create(
        &book,
        json!({"email": "old@example.com", "first_name": "Old"}),
    );
    let rows = vec![
        input(json!({"email": "a@example.com", "first_name": "Ann"})),
        input(json!({"email": "not-an-email"})),
        input(json!({"email": "old@example.com", "last_name": "Timer"})),
        input(json!({"email": "b@example.com", "timezone": "Nowhere/Land"})),
        input(json!({"email": "c@example.com", "phone": "+380 67 123 4567"})),
        input(json!({"email": "d@example.com", "first_name": "Dav1234"})),
    ];
    let report = book
        .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
        .unwrap();
    assert_eq!(report.created, 2);
    assert_eq!(report.updated, 1);
    assert_eq!(
        rejected(&report),
        [
            (1, Some("email")),
            (3, Some("timezone")),
            (5, Some("first_name"))
        ]
    );
    for r in &report.rejected {
        assert!(!r.reason.is_empty());
    }
    assert!(
        report.rejected[1].reason.contains("Nowhere/Land"),
        "{}",
        report.rejected[1].reason
    );

    assert_eq!(book.count().unwrap(), 3);
    let old = book.find_by_email("old@example.com").unwrap().unwrap();
    assert_eq!(old.id, existing.id);
    assert_eq!(old.first_name.as_deref(), Some("Old"), "absent keys keep");
    assert_eq!(old.last_name.as_deref(), Some("Timer"));
    let c = book.find_by_email("c@example.com").unwrap().unwrap();
    assert_eq!(c.phone.as_deref(), Some("+380671234567"));
    assert_eq!(c.source, Source::Import);
    assert_eq!(c.email_status, Some(ChannelStatus::Active));
    assert_eq!(c.phone_status, Some(ChannelStatus::Active));
}

#[test]
fn a_rejected_row_writes_nothing() {
    let book = ContactBook::in_memory();
    let news = book.define_category("News").unwrap();
    let existing = create(
        &book,
        json!({"email": "old@example.com", "first_name": "Old"}),
    );
    let rows = vec![
        // Valid email and name, invalid phone: no contact is created.
        input(json!({"email": "new@example.com", "first_name": "New", "phone": "+380 12"})),
        // An update of an existing contact with one bad value: nothing changes.
        input(
            json!({"email": "old@example.com", "first_name": "Changed", "categories": ["news"], "language": "english"}),
        ),
        // A valid token with a bad device elsewhere in the list: the token is not claimed.
        input(json!({
            "email": "tok@example.com",
            "mobile_push": [
                {"app_id": "shop", "device_id": "d1", "token": "TOK"},
                {"app_id": "", "device_id": "d2", "token": "TOK2"}
            ]
        })),
    ];
    let report = book
        .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
        .unwrap();
    assert_eq!(report.created, 0);
    assert_eq!(report.updated, 0);
    assert_eq!(
        rejected(&report),
        [
            (0, Some("phone")),
            (1, Some("language")),
            (2, Some("mobile_push[1].app_id"))
        ]
    );
    assert_eq!(book.count().unwrap(), 1);
    assert!(book.find_by_email("new@example.com").unwrap().is_none());
    assert!(book.find_by_email("tok@example.com").unwrap().is_none());
    assert_eq!(get(&book, &existing.id), existing);
    assert!(book
        .segment_members(&news.segment_id, &ListQuery::default())
        .unwrap()
        .items
        .is_empty());
}

#[test]
fn rows_conflicting_with_earlier_rows_of_the_same_import() {
    let book = ContactBook::in_memory();
    let rows = vec![
        input(json!({"external_id": "e1", "email": "a@example.com", "phone": "+380671111111"})),
        // Same external id: the first row's contact is updated.
        input(json!({"external_id": "e1", "first_name": "Ann"})),
        // A new external id with the first row's email: conflict on email.
        input(json!({"external_id": "e2", "email": "A@example.com"})),
        // A new external id with the first row's phone: conflict on phone.
        input(json!({"external_id": "e3", "phone": "+380 67 111 1111"})),
        input(json!({"external_id": "e4", "email": "d@example.com", "contact_key": "k"})),
        // Contact key taken by row 4.
        input(json!({"external_id": "e5", "contact_key": "k"})),
        // The rejected rows did not reserve anything: e2 is free.
        input(json!({"external_id": "e2", "email": "b@example.com"})),
    ];
    let report = book
        .import_contacts(rows, DedupeOn::ExternalId, |_| Continue(()))
        .unwrap();
    assert_eq!(report.created, 3);
    assert_eq!(report.updated, 1);
    assert_eq!(
        rejected(&report),
        [
            (2, Some("email")),
            (3, Some("phone")),
            (5, Some("contact_key"))
        ]
    );
    assert_eq!(book.count().unwrap(), 3);
    let first = book.find_by_external_id("e1").unwrap().unwrap();
    assert_eq!(first.email.as_deref(), Some("a@example.com"));
    assert_eq!(first.first_name.as_deref(), Some("Ann"));
    assert_eq!(
        book.find_by_external_id("e2")
            .unwrap()
            .unwrap()
            .email
            .as_deref(),
        Some("b@example.com")
    );
    assert!(book.find_by_external_id("e3").unwrap().is_none());
    assert!(book.find_by_external_id("e5").unwrap().is_none());
}

#[test]
fn duplicate_rows_in_one_import_update_the_contact_the_first_row_made() {
    let book = ContactBook::in_memory();
    let rows: Vec<ContactInput> = (0..5)
        .map(|i| input(json!({"email": "same@example.com", "first_name": format!("Name{i}")})))
        .collect();
    let report = book
        .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
        .unwrap();
    assert_eq!((report.created, report.updated), (1, 4));
    assert!(report.rejected.is_empty());
    assert_eq!(book.count().unwrap(), 1);
    assert_eq!(
        book.find_by_email("same@example.com")
            .unwrap()
            .unwrap()
            .first_name
            .as_deref(),
        Some("Name4")
    );
}

#[test]
fn progress_is_reported_per_batch_and_ends_at_the_row_count() {
    let book = ContactBook::in_memory();
    let total = 2 * IMPORT_BATCH_ROWS + 345;
    let broken = IMPORT_BATCH_ROWS + 500;
    let rows = (0..total).map(|i| {
        let email = if i == broken {
            "broken".to_string()
        } else {
            format!("user{i}@example.com")
        };
        input(json!({"email": email, "external_id": format!("x{i}")}))
    });
    let mut calls = Vec::new();
    let report = book
        .import_contacts(rows, DedupeOn::Email, |done| {
            calls.push(done.written);
            Continue(())
        })
        .unwrap();
    assert!(calls.len() >= 2, "more than one batch: {calls:?}");
    assert!(
        calls.windows(2).all(|w| w[0] < w[1]),
        "increasing: {calls:?}"
    );
    assert_eq!(*calls.last().unwrap(), total as u64);
    assert_eq!(report.created, total as u64 - 1);
    assert_eq!(
        rejected(&report),
        [(broken as u64, Some("email"))],
        "index is 0-based across batches"
    );
    assert_eq!(book.count().unwrap(), total as u64 - 1);
    assert!(book
        .find_by_external_id(&format!("x{broken}"))
        .unwrap()
        .is_none());
    assert!(book
        .find_by_external_id(&format!("x{}", total - 1))
        .unwrap()
        .is_some());

    // Importing the same rows again updates every one.
    let again = (0..total)
        .filter(|i| *i != broken)
        .map(|i| input(json!({"email": format!("user{i}@example.com"), "first_name": "Re"})));
    let report = book
        .import_contacts(again, DedupeOn::Email, |_| Continue(()))
        .unwrap();
    assert_eq!((report.created, report.updated), (0, total as u64 - 1));
    assert_eq!(book.count().unwrap(), total as u64 - 1);
}

#[test]
fn an_empty_import_reports_nothing() {
    let book = ContactBook::in_memory();
    let mut calls = Vec::new();
    let report = book
        .import_contacts(Vec::<ContactInput>::new(), DedupeOn::Email, |n| {
            calls.push(n.written);
            Continue(())
        })
        .unwrap();
    assert_eq!(report, contactkit::ImportReport::default());
    assert!(calls.is_empty() || calls == [0], "{calls:?}");
}

#[test]
fn caller_side_row_errors_are_rejected_with_their_index() {
    let book = ContactBook::in_memory();
    let rows: Vec<Result<ContactInput>> = vec![
        Ok(input(json!({"email": "a@example.com"}))),
        Err(Error::validation(
            "email",
            "a;b",
            "row 2 of the CSV: bad quoting",
        )),
        serde_json::from_value::<ContactInput>(json!({"email": "b@example.com", "nickname": "x"}))
            .map_err(|e| Error::validation("row", "", e.to_string())),
        Ok(input(json!({"email": "c@example.com"}))),
        Err(Error::not_found("row", "4")),
        Err(Error::storage(
            "the caller's file could not be read at row 5",
        )),
    ];
    let report = book
        .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
        .unwrap();
    assert_eq!(report.created, 2);
    assert_eq!(
        rejected(&report),
        [(1, Some("email")), (2, Some("row")), (4, None), (5, None)],
        "a caller's row error never stops the import, whatever its kind"
    );
    assert!(report.rejected[0].reason.contains("bad quoting"));
    assert!(
        report.rejected[1].reason.contains("nickname"),
        "{}",
        report.rejected[1].reason
    );
    assert_eq!(book.count().unwrap(), 2);
}

#[test]
fn import_rows_may_carry_their_own_source() {
    let book = ContactBook::in_memory();
    let report = book
        .import_contacts(
            vec![
                input(json!({"email": "a@example.com"})),
                input(json!({"email": "b@example.com", "source": "sdk"})),
            ],
            DedupeOn::Email,
            |_| Continue(()),
        )
        .unwrap();
    assert_eq!(report.created, 2);
    assert_eq!(
        book.find_by_email("a@example.com").unwrap().unwrap().source,
        Source::Import
    );
    assert_eq!(
        book.find_by_email("b@example.com").unwrap().unwrap().source,
        Source::Sdk
    );
}

#[test]
fn rows_matching_a_deleted_contact_are_rejected_not_duplicated() {
    let book = ContactBook::in_memory();
    let gone = create(
        &book,
        json!({"email": "gone@example.com", "external_id": "g1"}),
    );
    book.delete(&gone.id).unwrap();
    let report = book
        .import_contacts(
            vec![
                input(json!({"email": "gone@example.com", "first_name": "Back"})),
                input(json!({"email": "fresh@example.com", "external_id": "g1"})),
                input(json!({"email": "fresh@example.com"})),
            ],
            DedupeOn::Email,
            |_| Continue(()),
        )
        .unwrap();
    assert_eq!(report.created, 1);
    assert_eq!(
        rejected(&report),
        [(0, Some("email")), (1, Some("external_id"))]
    );
    assert_eq!(book.count().unwrap(), 1);
    let restored = book.restore(&gone.id).unwrap();
    assert_eq!(
        restored.first_name, None,
        "the deleted contact was not changed"
    );
}

#[test]
fn a_required_field_missing_from_a_new_row_rejects_only_that_row() {
    let book = ContactBook::in_memory();
    assert_validation(
        book.define_field(contactkit::FieldDefinition {
            required: true,
            ..contactkit::FieldDefinition::new("plan", contactkit::FieldType::List)
        }),
        "options",
    );
    book.define_field(contactkit::FieldDefinition {
        required: true,
        options: vec!["free".into(), "pro".into()],
        ..contactkit::FieldDefinition::new("plan", contactkit::FieldType::List)
    })
    .unwrap();
    let report = book
        .import_contacts(
            vec![
                input(json!({"email": "a@example.com", "fields": {"plan": "pro"}})),
                input(json!({"email": "b@example.com"})),
                input(json!({"email": "c@example.com", "fields": {"plan": "gold"}})),
                // An update of an existing contact does not need the field again.
                input(json!({"email": "a@example.com", "first_name": "Ann"})),
            ],
            DedupeOn::Email,
            |_| Continue(()),
        )
        .unwrap();
    assert_eq!((report.created, report.updated), (1, 1));
    assert_eq!(
        rejected(&report),
        [(1, Some("fields.plan")), (2, Some("fields.plan"))]
    );
}

/// What a contact holds, without its generated id and times.
fn holdings(book: &ContactBook) -> Vec<serde_json::Value> {
    let page = book
        .list(&ListQuery {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap();
    let mut all: Vec<serde_json::Value> = page
        .items
        .iter()
        .map(|c| {
            let mut tokens: Vec<_> = c.devices.iter().map(|d| d.token.clone()).collect();
            tokens.sort();
            json!({
                "email": c.email,
                "phone": c.phone,
                "external_id": c.external_id,
                "first_name": c.first_name,
                "tokens": tokens,
            })
        })
        .collect();
    all.sort_by_key(|v| v.to_string());
    all
}

#[test]
fn an_import_lands_every_row_where_one_upsert_at_a_time_would() {
    // Rows of one batch that hand identifiers to each other: a token moving on, an
    // email taken by the row before, a phone read in the row's own country, bad rows.
    let device = |token: &str| json!([{"app_id": "shop", "device_id": token, "token": token}]);
    let rows = vec![
        json!({"email": "a@example.com", "mobile_push": device("T1")}),
        json!({"email": "b@example.com", "mobile_push": device("T1")}),
        json!({"email": "a@example.com", "first_name": "Ann", "phone": "067 123 4567",
               "address": {"country": "UA"}}),
        json!({"email": "c@example.com", "phone": "+380671234567"}),
        json!({"mobile_push": device("T2")}),
        json!({"email": "d@example.com", "mobile_push": device("T2")}),
        json!({"email": "e@example.com", "external_id": "x-1"}),
        json!({"email": "f@example.com", "external_id": "x-1"}),
        json!({"email": "not-an-email", "mobile_push": device("T3")}),
        json!({"email": "g@example.com", "mobile_push": device("T3")}),
        // Other scripts and national phone forms, each read in its row's country.
        json!({"email": "taro@example.jp", "first_name": "太郎", "last_name": "山田",
               "phone": "090-1234-5678", "address": {"country": "JP"}}),
        json!({"email": "priya@example.in", "first_name": "प्रिया", "phone": "98765 43210",
               "address": {"country": "IN"}}),
        json!({"email": "somchai@example.th", "first_name": "สมชาย", "phone": "081 234 5678",
               "address": {"country": "TH"}}),
        json!({"email": "x@example.br", "phone": "(11) 1234", "address": {"country": "BR"}}),
        // No address in the row: the national number is read in the stored contact's
        // country (JP), not in the region the row alone implies (none).
        json!({"email": "taro@example.jp", "phone": "080-9876-5432"}),
    ];
    for dedupe_on in [DedupeOn::Email, DedupeOn::EmailOrPhone] {
        let dir = tempfile::tempdir().unwrap();
        let imported = ContactBook::open(dir.path().join("imported.db")).unwrap();
        let report = imported
            .import_contacts(rows.iter().cloned().map(input), dedupe_on, |_| Continue(()))
            .unwrap();
        let one_by_one = ContactBook::in_memory();
        let mut rejected_rows = Vec::new();
        for (index, row) in rows.iter().cloned().enumerate() {
            if let Err(e) = one_by_one.upsert(input(row), dedupe_on) {
                rejected_rows.push((index as u64, e.field().map(str::to_string)));
            }
        }
        let report_rejected: Vec<_> = report
            .rejected
            .iter()
            .map(|r| (r.index, r.field.clone()))
            .collect();
        assert_eq!(report_rejected, rejected_rows, "{dedupe_on:?}");
        assert_eq!(holdings(&imported), holdings(&one_by_one), "{dedupe_on:?}");
        let taro = imported.find_by_email("taro@example.jp").unwrap().unwrap();
        // Matching on the phone too needs the number read before the contact is known:
        // with no country in the row and no default region that row is refused.
        let expected = match dedupe_on {
            DedupeOn::Email => "+818098765432",
            _ => {
                assert!(report_rejected.contains(&(14, Some("phone".into()))));
                "+819012345678"
            }
        };
        assert_eq!(taro.phone.as_deref(), Some(expected), "{dedupe_on:?}");
        assert_eq!(taro.first_name.as_deref(), Some("太郎"));
        assert!(
            report_rejected.contains(&(13, Some("phone".into()))),
            "{report_rejected:?}"
        );
    }
}

#[test]
fn progress_that_breaks_stops_the_import_after_the_batches_reported() {
    // Every binding stops an import this way when its callback throws.
    let book = ContactBook::in_memory();
    let rows = (0..3 * IMPORT_BATCH_ROWS + 500)
        .map(|i| input(json!({ "email": format!("u{i}@example.com") })));
    let mut calls = Vec::new();
    let report = book
        .import_contacts(rows, DedupeOn::Email, |done| {
            calls.push(done.written);
            if calls.len() == 2 {
                ControlFlow::Break(())
            } else {
                Continue(())
            }
        })
        .unwrap();
    let reported = 2 * IMPORT_BATCH_ROWS as u64;
    assert_eq!(calls, [IMPORT_BATCH_ROWS as u64, reported]);
    assert_eq!(
        report.created, reported,
        "the report covers what was written"
    );
    assert_eq!(book.count().unwrap(), reported, "nothing after the break");
}

#[test]
fn a_progress_callback_that_panics_reaches_the_caller_with_its_payload() {
    // A panic in `progress` comes back as it was raised, after the writer thread ended.
    struct Stop(&'static str);
    let book = ContactBook::in_memory();
    let rows = (0..3 * IMPORT_BATCH_ROWS + 500)
        .map(|i| input(json!({ "email": format!("u{i}@example.com") })));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        book.import_contacts(rows, DedupeOn::Email, |_| {
            std::panic::resume_unwind(Box::new(Stop("the app said stop")))
        })
    }));
    let payload = outcome.expect_err("the import unwound");
    assert_eq!(
        payload.downcast_ref::<Stop>().map(|s| s.0),
        Some("the app said stop")
    );
    // Only the batch reported was written.
    assert_eq!(book.count().unwrap(), IMPORT_BATCH_ROWS as u64);
}
