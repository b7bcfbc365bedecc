//! Moving a messy export in (issue "Data pipelines"): every problem of a row reported,
//! invalid values dropped on request, each row's id, keyless rows made once across
//! re-runs, consent history with its dates (in rows, in the consent operations and in
//! suppression lists), finders that answer `None` to malformed addresses, a catalogue a
//! setup script can define again, and segments named by name.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use contactkit::{
    Channel, ChannelStatus, ContactBook, DedupeOn, FieldDefinition, ImportOptions, ImportReport,
    ListQuery, OnInvalid, ProblemCode, SuppressionInput, SuppressionKind,
};
use serde_json::{json, Value};
use std::ops::ControlFlow::Continue;

fn import(book: &ContactBook, rows: Vec<Value>, on_invalid: OnInvalid) -> ImportReport {
    let options = ImportOptions {
        on_invalid,
        ..DedupeOn::Email.into()
    };
    book.import_contacts(rows, options, |_| Continue(()))
        .unwrap()
}

fn problem_fields(problems: &[contactkit::RowProblem]) -> Vec<&str> {
    problems.iter().filter_map(|p| p.field.as_deref()).collect()
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn define_fields(book: &ContactBook) {
    for (key, kind) in [("age", "number"), ("joined", "datetime")] {
        let definition: FieldDefinition =
            serde_json::from_value(json!({"key": key, "type": kind})).unwrap();
        book.define_field(definition).unwrap();
    }
}

#[test]
fn a_rejected_row_reports_every_problem_and_writes_nothing() {
    let book = ContactBook::in_memory();
    define_fields(&book);
    let report = import(
        &book,
        vec![json!({
            "email": "ann@example.com",
            "timezone": "Mars/Olympus",
            "language": "english",
            "emial": "typo",
            "categories": ["no-such-category"],
            "fields": {"age": "old", "undefined_key": 1},
        })],
        OnInvalid::RejectRow,
    );
    assert_eq!((report.created, report.updated), (0, 0));
    let row = &report.rejected[0];
    let fields = problem_fields(&row.problems);
    for expected in [
        "emial",
        "timezone",
        "language",
        "categories",
        "fields.age",
        "fields.undefined_key",
    ] {
        assert!(fields.contains(&expected), "{expected} in {fields:?}");
    }
    assert_eq!(row.field.as_deref(), row.problems[0].field.as_deref());
    assert!(row.problems.iter().all(|p| p.code == ProblemCode::Invalid));
    let timezone = row
        .problems
        .iter()
        .find(|p| p.field.as_deref() == Some("timezone"))
        .unwrap();
    assert_eq!(timezone.value, "Mars/Olympus");
    assert_eq!(report.ids, [None]);
    assert!(book.find_by_email("ann@example.com").unwrap().is_none());
}

#[test]
fn drop_field_keeps_the_row_without_its_invalid_values() {
    let book = ContactBook::in_memory();
    define_fields(&book);
    book.create_segment("VIP").unwrap();
    let rows = vec![
        json!({
            "email": "ann@example.com",
            "first_name": "Ann",
            "timezone": "Mars/Olympus",
            "address": {"country": "XX", "town": "Kyiv"},
            "segments": ["VIP", "No such segment"],
            "fields": {"age": 2.0, "joined": "2024-02-20 04:42:48"},
            "mobile_push": [
                {"app_id": "app", "device_id": "d1", "token": "tok-1", "platform": "ios"},
                {"app_id": "app", "device_id": "d2", "token": "", "platform": "ios"},
                {"app_id": "app", "device_id": "d3", "token": "tok-3", "platform": "ios"},
            ],
        }),
        json!({"email": "not an email", "first_name": "Bob"}),
    ];
    let report = import(&book, rows, OnInvalid::DropField);
    assert_eq!(report.created, 1);
    let dropped = &report.dropped[0];
    assert_eq!(dropped.index, 0);
    assert_eq!(
        problem_fields(&dropped.problems),
        [
            "address.country",
            "timezone",
            "mobile_push[1].token",
            "segments"
        ]
    );
    let ann = get(&book, &dropped.id);
    assert_eq!(report.ids[0].as_deref(), Some(ann.id.as_str()));
    assert_eq!(ann.first_name.as_deref(), Some("Ann"));
    assert_eq!(ann.timezone, None);
    let address = ann.address.unwrap();
    assert_eq!(
        (address.country, address.town.as_deref()),
        (None, Some("Kyiv"))
    );
    let tokens: Vec<_> = ann
        .devices
        .iter()
        .filter_map(|d| d.token.as_deref())
        .collect();
    assert_eq!(tokens, ["tok-1", "tok-3"]);
    assert_eq!(ann.segments.len(), 1, "VIP by name");
    assert_eq!(ann.fields["age"], contactkit::FieldValue::Number(2));
    assert!(matches!(
        ann.fields["joined"],
        contactkit::FieldValue::Datetime(t) if t == at("2024-02-20T04:42:48Z")
    ));
    // The dedupe key itself cannot be dropped: that row is rejected.
    assert_eq!(report.rejected[0].index, 1);
    assert_eq!(report.rejected[0].field.as_deref(), Some("email"));
    assert_eq!(report.ids[1], None);
}

#[test]
fn an_unreadable_dedupe_key_rejects_the_row_even_with_drop_field() {
    let book = ContactBook::in_memory();
    let report = import(
        &book,
        vec![
            json!({"email": 5, "first_name": "Ann"}),
            json!({"email": ["x"], "first_name": "Bob", "timezone": "Mars/Olympus"}),
        ],
        OnInvalid::DropField,
    );
    assert_eq!((report.created, report.without_key), (0, 0));
    let rejected: Vec<_> = report.rejected.iter().map(|r| r.field.as_deref()).collect();
    assert_eq!(rejected, [Some("email"), Some("email")]);
    assert_eq!(
        problem_fields(&report.rejected[1].problems),
        ["email", "timezone"]
    );
    assert_eq!(book.count().unwrap(), 0);
}

#[test]
fn a_conflict_on_another_identifier_is_dropped_not_the_row() {
    let book = ContactBook::in_memory();
    create(
        &book,
        json!({"email": "old@example.com", "phone": "+380671234567"}),
    );
    let report = import(
        &book,
        vec![json!({"email": "new@example.com", "phone": "+380671234567"})],
        OnInvalid::DropField,
    );
    assert_eq!(report.created, 1);
    let problem = &report.dropped[0].problems[0];
    assert_eq!(problem.code, ProblemCode::Conflict);
    assert_eq!(problem.field.as_deref(), Some("phone"));
    let new = book.find_by_email("new@example.com").unwrap().unwrap();
    assert_eq!(new.phone, None);
}

#[test]
fn rows_without_their_key_are_made_once_across_reruns() {
    let book = ContactBook::in_memory();
    let rows = || {
        vec![
            json!({"first_name": "Nameless", "phone": "+380671234567"}),
            json!({"first_name": "Walk-in"}),
            json!({"email": "ann@example.com"}),
        ]
    };
    let first = import(&book, rows(), OnInvalid::RejectRow);
    assert_eq!((first.created, first.without_key), (3, 2));
    let second = import(&book, rows(), OnInvalid::RejectRow);
    assert_eq!(
        (second.created, second.updated, second.without_key),
        (0, 3, 2)
    );
    assert_eq!(first.ids, second.ids);
    assert_eq!(book.count().unwrap(), 3);
}

#[test]
fn ids_stream_through_progress_when_the_report_keeps_none() {
    let book = ContactBook::in_memory();
    let rows: Vec<Value> = (0..contactkit::IMPORT_BATCH_ROWS + 10)
        .map(|i| json!({"email": format!("p{i}@example.com")}))
        .collect();
    let mut streamed = Vec::new();
    let options = ImportOptions {
        keep_ids: false,
        ..DedupeOn::Email.into()
    };
    let report = book
        .import_contacts(rows, options, |progress| {
            assert_eq!(
                progress.written as usize,
                streamed.len() + progress.ids.len()
            );
            streamed.extend(progress.ids.iter().cloned());
            Continue(())
        })
        .unwrap();
    assert!(report.ids.is_empty());
    assert_eq!(streamed.len(), contactkit::IMPORT_BATCH_ROWS + 10);
    let first = book.find_by_email("p0@example.com").unwrap().unwrap();
    assert_eq!(streamed[0].as_deref(), Some(first.id.as_str()));
}

#[test]
fn an_audience_export_moves_in_with_its_consent_dates() {
    let (book, clock) = clocked();
    clock.set(at("2026-01-01T00:00:00Z"));
    // A Mailchimp-style export: subscribed, unsubscribed with a date and reason, and
    // cleaned (hard bounced) mapped to blacklisted.
    let rows = vec![
        json!({"email": "active@example.com", "email_status": "active"}),
        json!({
            "email": "gone@example.com",
            "email_status": "unsubscribed",
            "email_status_at": "2024-02-20 04:42:48",
            "email_status_reason": "too many emails",
        }),
        json!({
            "email": "bounced@example.com",
            "email_status": "blacklisted",
            "email_status_at": "2023-11-05T10:00:00Z",
            "email_status_reason": "hard_bounce",
        }),
        json!({"email": "late@example.com", "email_status": "unsubscribed", "email_status_at": "2030-01-01 00:00:00"}),
        json!({"email": "odd@example.com", "email_status_reason": "no status"}),
        json!({"first_name": "No email", "email_status": "unsubscribed"}),
    ];
    let report = book
        .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
        .unwrap();
    assert_eq!(report.created, 3, "{:?}", report.rejected);
    let rejected: Vec<_> = report
        .rejected
        .iter()
        .map(|r| (r.index, r.field.as_deref()))
        .collect();
    assert_eq!(
        rejected,
        [
            (3, Some("email_status_at")),
            (4, Some("email_status_reason")),
            (5, Some("email_status"))
        ]
    );
    let active = book.find_by_email("active@example.com").unwrap().unwrap();
    assert_eq!(active.email_status, Some(ChannelStatus::Active));
    let gone = book.find_by_email("gone@example.com").unwrap().unwrap();
    assert_eq!(gone.email_status, Some(ChannelStatus::Unsubscribed));
    assert_eq!(gone.suppressions[0].at, at("2024-02-20T04:42:48Z"));
    assert_eq!(
        gone.suppressions[0].reason.as_deref(),
        Some("too many emails")
    );
    let bounced = book.find_by_email("bounced@example.com").unwrap().unwrap();
    assert_eq!(bounced.email_status, Some(ChannelStatus::Blacklisted));
    assert_eq!(bounced.suppressions[0].at, at("2023-11-05T10:00:00Z"));
    // An `active` row never lifts a suppression recorded since.
    let again = book
        .import_contacts(
            vec![json!({"email": "gone@example.com", "email_status": "active"})],
            DedupeOn::Email,
            |_| Continue(()),
        )
        .unwrap();
    assert_eq!(again.updated, 1);
    let gone = book.find_by_email("gone@example.com").unwrap().unwrap();
    assert_eq!(gone.email_status, Some(ChannelStatus::Unsubscribed));
}

#[test]
fn consent_operations_take_when_it_happened() {
    let (book, _clock) = clocked();
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "phone": "+380671234567"}),
    );
    let earlier = book.now() - Duration::days(400);
    let ann = book
        .unsubscribe(&ann.id, Channel::Email, Some("moved"), Some(earlier))
        .unwrap();
    assert_eq!(ann.suppressions[0].at, earlier);
    // A later record dated before an earlier one takes its place in time.
    let older = earlier - Duration::days(30);
    let ann = book
        .report_spam(&ann.id, Channel::Email, None, Some(older))
        .unwrap();
    let dates: Vec<_> = ann.suppressions.iter().map(|s| s.at).collect();
    assert_eq!(dates, [older, earlier]);
    let future = book.now() + Duration::seconds(1);
    assert_validation(
        book.blacklist(&ann.id, Channel::Sms, None, Some(future)),
        "at",
    );
    assert_validation(
        book.suppress_address(
            Channel::Email,
            "x@example.com",
            SuppressionKind::Blacklisted,
            None,
            Some(future),
        ),
        "at",
    );
    assert_eq!(
        get(&book, &ann.id).phone_status,
        Some(ChannelStatus::Active)
    );
}

#[test]
fn a_suppression_list_is_recorded_row_by_row() {
    let (book, clock) = clocked();
    let holder = create(&book, json!({"email": "held@example.com"}));
    let row = |value: Value| {
        serde_json::from_value::<SuppressionInput>(value)
            .map_err(|e| contactkit::Error::validation("input", "", e.to_string()))
    };
    let rows = vec![
        row(
            json!({"channel": "email", "address": "Held@Example.com", "kind": "blacklisted", "reason": "hard_bounce", "at": "2024-01-02 03:04:05"}),
        ),
        row(json!({"channel": "sms", "address": "+380671234567", "kind": "unsubscribed"})),
        row(json!({"channel": "email", "address": "not an email", "kind": "unsubscribed"})),
        row(json!({"channel": "email", "address": "held@example.com", "kind": "blacklisted"})),
        row(json!({"channel": "mobile_push", "address": "x", "kind": "unsubscribed"})),
        row(
            json!({"channel": "email", "address": "y@example.com", "kind": "unsubscribed", "at": "2999-01-01 00:00:00"}),
        ),
    ];
    let report = book.import_suppressions(rows).unwrap();
    assert_eq!((report.recorded, report.unchanged), (2, 1));
    let rejected: Vec<_> = report
        .rejected
        .iter()
        .map(|r| (r.index, r.field.as_deref()))
        .collect();
    assert_eq!(
        rejected,
        [(2, Some("email")), (4, Some("channel")), (5, Some("at"))]
    );
    let holder = get(&book, &holder.id);
    assert_eq!(holder.email_status, Some(ChannelStatus::Blacklisted));
    assert_eq!(holder.suppressions[0].at, at("2024-01-02T03:04:05Z"));
    assert!(book
        .suppressions(Channel::Email, "y@example.com")
        .unwrap()
        .is_empty());
    let _ = clock;
}

#[test]
fn finders_answer_none_to_what_no_contact_can_hold() {
    let book = ContactBook::in_memory();
    create(&book, json!({"email": "ann@example.com"}));
    for text in ["not an email", "", "@", &"x".repeat(100_000)] {
        assert!(book.find_by_email(text).unwrap().is_none(), "{text:.20}");
        assert!(book.find_by_phone(text).unwrap().is_none(), "{text:.20}");
        assert!(book.find_by_web_push_endpoint(text).unwrap().is_none());
    }
}

#[test]
fn a_setup_script_can_run_again() {
    let book = ContactBook::in_memory();
    let news = book.ensure_category("Weekly news").unwrap();
    assert_eq!(book.ensure_category("Weekly news").unwrap(), news);
    assert_eq!(book.ensure_category(" weekly NEWS ").unwrap(), news);
    assert_conflict(book.define_category("Weekly news"), "key");
    let vip = book.ensure_segment("VIP", None).unwrap();
    assert_eq!(book.ensure_segment("vip", None).unwrap(), vip);
    // With a rule it creates a dynamic segment once; the rule of one that exists stays.
    let rule =
        contactkit::Rule::from_json(r#"{"attr": "country", "op": "eq", "value": "UA"}"#).unwrap();
    let ukraine = book.ensure_segment("Ukraine", Some(&rule)).unwrap();
    assert_eq!(ukraine.kind, contactkit::SegmentKind::Dynamic);
    let other =
        contactkit::Rule::from_json(r#"{"attr": "country", "op": "eq", "value": "PL"}"#).unwrap();
    assert_eq!(
        book.ensure_segment("ukraine", Some(&other)).unwrap(),
        ukraine
    );
    assert_eq!(book.ensure_segment("VIP", Some(&rule)).unwrap(), vip);
    assert_eq!(
        book.segments().unwrap().len(),
        3,
        "the category's, VIP and Ukraine"
    );
    assert_validation(book.ensure_segment("  ", None), "name");
}

#[test]
fn segments_are_named_by_id_or_name() {
    let book = ContactBook::in_memory();
    let vip = book.create_segment("VIP customers").unwrap();
    let ann = create(&book, json!({"email": "ann@example.com"}));
    let ann = book.add_to_segment(&ann.id, "vip customers").unwrap();
    assert_eq!(ann.segments, std::slice::from_ref(&vip.id));
    let members = book
        .segment_members("VIP customers", &ListQuery::default())
        .unwrap();
    assert_eq!(members.items.len(), 1);
    let ann = book
        .remove_from_segment(&ann.id, &vip.id.to_uppercase())
        .unwrap();
    assert!(ann.segments.is_empty());
    let bob = create(
        &book,
        json!({"email": "bob@example.com", "segments": ["VIP customers"]}),
    );
    assert_eq!(bob.segments, std::slice::from_ref(&vip.id));
    assert_not_found(book.add_to_segment(&bob.id, "Nobody"), "segment");
    book.delete_segment("VIP customers").unwrap();
    assert!(book.segments().unwrap().is_empty());
}
