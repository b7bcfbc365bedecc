//! The portable form (issue 16, item 2): a book exported line by line and restored
//! into a fresh one gives the same profiles; each profile line is one unit of work, so
//! a line that fails writes nothing; restoring a line again adds nothing.

mod common;

use common::{clocked, create};
use contactkit::{ChangeOp, Channel, ContactBook, DedupeOn, EventInput, LineKind};
use serde_json::{json, Value};

fn export(book: &ContactBook) -> Vec<Value> {
    let mut lines = Vec::new();
    book.export_lines(true, |line| {
        lines.push(line);
        Ok(())
    })
    .unwrap();
    lines
}

/// What must survive a round trip: each profile line without the stamps the
/// restoring book makes itself.
fn comparable(lines: &[Value]) -> Vec<Value> {
    lines
        .iter()
        .map(|line| {
            let mut line = line.clone();
            if let Some(object) = line.as_object_mut() {
                object.remove("updated_at");
                for device in object
                    .get_mut("devices")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    device.as_object_mut().unwrap().remove("registered_at");
                    device.as_object_mut().unwrap().remove("last_seen_at");
                }
            }
            line
        })
        .collect()
}

fn source_book() -> (ContactBook, String) {
    let (book, _clock) = clocked();
    let news = book.define_category("Weekly news").unwrap();
    let vip = book.create_segment("VIP").unwrap();
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "first_name": "Ann", "categories": [news.key],
               "segments": [vip.id], "address": {"country": "UA", "town": "Львів"}}),
    );
    book.record_event(
        &ann.id,
        EventInput {
            name: "viewed".into(),
            at: Some("2026-02-01T10:00:00Z".parse().unwrap()),
            ..Default::default()
        },
    )
    .unwrap();
    let order = serde_json::from_value(json!({"external_id": "o-1", "amount": "12.50",
        "currency": "UAH", "status": "delivered", "at": "2026-02-02T10:00:00Z"}))
    .unwrap();
    book.record_order(&ann.id, order).unwrap();
    let campaign = serde_json::from_value(json!({"message_id": "m-1", "channel": "email",
        "status": "clicked", "at": "2026-02-03T10:00:00Z"}))
    .unwrap();
    book.record_campaign(&ann.id, campaign).unwrap();
    book.unsubscribe(&ann.id, Channel::Email, Some("too often"), None)
        .unwrap();
    book.resubscribe(&ann.id, Channel::Email, Some("came back"))
        .unwrap();
    book.blacklist(&ann.id, Channel::Email, Some("hard_bounce"), None)
        .unwrap();
    (book, ann.id)
}

#[test]
fn a_restored_book_holds_the_same_profiles_and_restoring_again_adds_nothing() {
    let (source, _) = source_book();
    let lines = export(&source);
    let (target, clock) = clocked();
    clock.advance(chrono::Duration::days(3)).unwrap();
    for line in &lines {
        target.restore_line(line, DedupeOn::Email).unwrap();
    }
    assert_eq!(comparable(&export(&target)), comparable(&lines));
    let cursor = target.changes(None, Some(1000)).unwrap().next_cursor;
    for line in &lines {
        let restored = target.restore_line(line, DedupeOn::Email).unwrap();
        assert!(!restored.created);
    }
    assert_eq!(comparable(&export(&target)), comparable(&lines));
    let later = target.changes(Some(&cursor), Some(1000)).unwrap().items;
    // A profile restored again is saved again (one `updated` each); its campaign,
    // order, event and suppressions add nothing.
    assert!(later.iter().all(|c| c.op == ChangeOp::Updated), "{later:?}");
}

#[test]
fn a_line_that_fails_part_way_writes_nothing() {
    let (source, id) = source_book();
    let lines = export(&source);
    let (target, _clock) = clocked();
    let profile = lines
        .iter()
        .find(|l| l.get("id") == Some(&json!(id)))
        .unwrap();
    for line in lines.iter().filter(|l| l.get("id").is_none()) {
        let restored = target.restore_line(line, DedupeOn::Email).unwrap();
        assert_eq!(restored.kind, LineKind::Catalog);
    }
    let before = target.changes(None, Some(1000)).unwrap().next_cursor;
    let event = profile["activity"]
        .as_array()
        .unwrap()
        .iter()
        .position(|item| item["kind"] == "event")
        .unwrap();
    let mut broken = profile.clone();
    broken["activity"][event]["name"] = json!("");
    let error = target.restore_line(&broken, DedupeOn::Email).unwrap_err();
    assert_eq!(
        error.field(),
        Some(format!("activity[{event}].name").as_str()),
        "{error}"
    );
    let mut broken = profile.clone();
    broken["suppressions"][0]["reason"] = json!("x".repeat(1001));
    let error = target.restore_line(&broken, DedupeOn::Email).unwrap_err();
    assert_eq!(error.field(), Some("suppressions[0].reason"), "{error}");
    let mut broken = profile.clone();
    broken["segments"] = json!(["No such segment"]);
    let error = target.restore_line(&broken, DedupeOn::Email).unwrap_err();
    assert_eq!(error.field(), Some("segments[0]"), "{error}");
    assert!(target.get(&id).unwrap().is_none());
    let after = target.changes(Some(&before), Some(1000)).unwrap();
    assert!(after.items.is_empty(), "{:?}", after.items);

    let restored = target.restore_line(profile, DedupeOn::Email).unwrap();
    assert!(restored.created);
    let export = target.export_contact(&id).unwrap();
    // Dates come with the line: when the contact was created, each suppression's.
    assert_eq!(
        export.contact.created_at.to_rfc3339(),
        "2026-03-01T12:00:00+00:00"
    );
    let kinds: Vec<_> = export
        .suppressions
        .iter()
        .map(|r| (r.kind.as_str(), r.is_active(), r.reason.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("unsubscribed", false, Some("too often".to_string())),
            ("blacklisted", true, Some("hard_bounce".to_string())),
        ]
    );
}

#[test]
fn lines_of_neither_kind_are_refused() {
    let (book, _clock) = clocked();
    for line in [
        json!([1, 2]),
        json!({"email": "ann@example.com"}),
        json!("text"),
    ] {
        let error = book.restore_line(&line, DedupeOn::Email).unwrap_err();
        assert_eq!(error.field(), Some("line"), "{error}");
    }
    let error = book
        .restore_line(
            &json!({"id": "x", "email_status": "active", "emial": 1}),
            DedupeOn::Email,
        )
        .unwrap_err();
    assert_eq!(error.field(), Some("emial"), "{error}");
    assert_eq!(book.count().unwrap(), 0);
}

#[test]
fn lines_past_the_limits_are_refused_on_line_and_those_at_them_restore() {
    let (book, _clock) = clocked();
    // 500 deep (thousands deep overflow the test thread's own drop of the value, not
    // the book: the walk that refuses it is iterative), refused before anything recurses.
    let mut deep = json!(1);
    for _ in 0..500 {
        deep = json!({ "created_at": deep });
    }
    let error = book.restore_line(&deep, DedupeOn::Email).unwrap_err();
    assert_eq!(error.field(), Some("line"), "{error}");
    let huge = json!({"id": "01900000-0000-7000-8000-000000000001", "email_status": "active",
                      "first_name": "x".repeat(contactkit::validate::limits::MAX_LINE_BYTES)});
    let error = book.restore_line(&huge, DedupeOn::Email).unwrap_err();
    assert_eq!(error.field(), Some("line"), "{error}");

    // A suppression reason of exactly 1,000 characters is kept; one more is refused.
    let (source, id) = source_book();
    let lines = export(&source);
    for catalog in lines.iter().filter(|l| l.get("id").is_none()) {
        book.restore_line(catalog, DedupeOn::Email).unwrap();
    }
    let line = lines
        .into_iter()
        .find(|l| l.get("id") == Some(&json!(id)))
        .unwrap();
    let mut longest = line.clone();
    longest["suppressions"][0]["reason"] = json!("ї".repeat(1000));
    let mut too_long = line.clone();
    too_long["suppressions"][0]["reason"] = json!("ї".repeat(1001));
    let error = book.restore_line(&too_long, DedupeOn::Email).unwrap_err();
    assert_eq!(error.field(), Some("suppressions[0].reason"), "{error}");
    assert!(
        book.restore_line(&longest, DedupeOn::Email)
            .unwrap()
            .created
    );
    let kept = book.export_contact(&id).unwrap().suppressions;
    assert_eq!(kept[0].reason.as_deref(), Some("ї".repeat(1000).as_str()));
}

#[test]
fn profiles_from_many_locales_restore_as_they_were() {
    let (book, _clock) = clocked();
    // Names, phones and towns as Faker's hi_IN, th_TH, ja_JP, ar_DZ, uk_UA, de_DE and
    // pt_BR locales make them, interleaved.
    let people = [
        ("प्रिया", "शर्मा", "+91 98765 43210", "IN", "मुंबई"),
        ("สมชาย", "ใจดี", "+66 81 234 5678", "TH", "กรุงเทพมหานคร"),
        ("さくら", "佐藤", "+81 90-1234-5678", "JP", "東京都"),
        ("ياسين", "بن علي", "+213 551 23 45 67", "DZ", "وهران"),
        ("Ґанна", "Їжак-Пʼятниця", "+380 67 123 4567", "UA", "Львів"),
        ("Jürgen", "Groß", "+49 1512 3456789", "DE", "Köln"),
        ("João", "Conceição", "+55 11 91234-5678", "BR", "São Paulo"),
    ];
    for (i, (first, last, phone, country, town)) in people.iter().enumerate() {
        let contact = create(
            &book,
            json!({"first_name": first, "last_name": last, "phone": phone,
                   "email": format!("p{i}@example.com"),
                   "address": {"country": country, "town": town}}),
        );
        book.record_event(
            &contact.id,
            EventInput {
                name: "viewed".into(),
                params: json!({"town": town}).as_object().unwrap().clone(),
                ..Default::default()
            },
        )
        .unwrap();
        book.blacklist(
            &contact.id,
            Channel::Sms,
            Some(&format!("{first}: номер не існує")),
            None,
        )
        .unwrap();
    }
    let lines = export(&book);
    let (target, _clock) = clocked();
    for line in &lines {
        target.restore_line(line, DedupeOn::Phone).unwrap();
    }
    assert_eq!(comparable(&export(&target)), comparable(&lines));
    for (first, _, phone, _, _) in people {
        let found = target.find_by_phone(phone).unwrap().expect(phone);
        assert_eq!(found.first_name.as_deref(), Some(first));
        assert_eq!(
            target.can_send(phone, Channel::Sms, None).unwrap().reason,
            contactkit::SendReason::Blacklisted
        );
    }
}
