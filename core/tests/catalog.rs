//! Subscription categories, static segments and additional fields (DOMAIN.md,
//! "Segments", "Additional fields" and the category rules under consent).

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use contactkit::{
    ContactBook, ContactInput, FieldDefinition, FieldInput, FieldType, FieldValue, ListQuery,
    Source,
};
use rust_decimal::Decimal;
use serde_json::json;
use std::ops::ControlFlow::Continue;
use std::str::FromStr;

// ---------------------------------------------------------------------------------
// Categories

#[test]
fn define_category_derives_the_slug_and_creates_its_segment() {
    let book = ContactBook::in_memory();
    let news = book.define_category("  Weekly News & Offers ").unwrap();
    assert_eq!(news.key, "weekly-news-offers");
    assert_eq!(news.title, "Weekly News & Offers");
    let segments = book.segments().unwrap();
    assert_eq!(segments.len(), 1);
    let segment = &segments[0];
    assert_eq!(segment.id, news.segment_id);
    assert_eq!(segment.name, "Weekly News & Offers");
    assert_eq!(segment.category_key.as_deref(), Some("weekly-news-offers"));
    assert_eq!(book.categories().unwrap(), vec![news.clone()]);

    let cyrillic = book.define_category("Новини").unwrap();
    assert!(!cyrillic.key.is_empty());
    assert!(cyrillic
        .key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));

    assert_validation(book.define_category("   "), "title");
    assert_validation(book.define_category("!!!"), "title");
    assert_eq!(book.categories().unwrap().len(), 2);
}

#[test]
fn defining_the_same_title_again_is_a_conflict() {
    let book = ContactBook::in_memory();
    book.define_category("Weekly news").unwrap();
    assert_conflict(book.define_category("Weekly news"), "key");
    // Another title with the same slug clashes too.
    assert_conflict(book.define_category("weekly NEWS!"), "key");
    // A static segment already using the name blocks the category's segment.
    book.create_segment("VIP").unwrap();
    assert_conflict(book.define_category("VIP"), "name");
    // And the category's segment name is taken for static segments.
    assert_conflict(book.create_segment("weekly news"), "name");
    assert_eq!(book.categories().unwrap().len(), 1);
    assert_eq!(book.segments().unwrap().len(), 2);
}

#[test]
fn add_category_twice_keeps_one_and_membership_shows_in_its_segment() {
    let book = ContactBook::in_memory();
    let news = book.define_category("News").unwrap();
    let ann = create(&book, json!({"email": "ann@example.com"}));
    let bob = create(&book, json!({"email": "bob@example.com"}));
    book.add_category(&ann.id, &news.key).unwrap();
    let ann2 = book.add_category(&ann.id, &news.key).unwrap();
    assert_eq!(ann2.categories, vec![news.key.clone()]);
    assert_eq!(ann2.segments, vec![news.segment_id.clone()]);

    let members = book
        .segment_members(&news.segment_id, &ListQuery::default())
        .unwrap();
    let ids: Vec<_> = members.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [ann.id.as_str()]);

    // Subscribing through a contact input keeps the segment in step too.
    book.update(&bob.id, input(json!({"categories": ["news"]})))
        .unwrap();
    assert_eq!(
        book.segment_members(&news.segment_id, &ListQuery::default())
            .unwrap()
            .items
            .len(),
        2
    );
    let ann3 = book.remove_category(&ann.id, &news.key).unwrap();
    assert!(ann3.categories.is_empty());
    assert!(ann3.segments.is_empty());
    let members = book
        .segment_members(&news.segment_id, &ListQuery::default())
        .unwrap();
    assert_eq!(members.items.len(), 1);
    assert_eq!(members.items[0].id, bob.id);

    assert_not_found(book.add_category(&ann.id, "nope"), "category");
    assert_not_found(book.remove_category(&ann.id, "nope"), "category");
    assert_validation(
        book.update(&ann.id, input(json!({"categories": ["nope"]}))),
        "categories",
    );
    assert!(get(&book, &ann.id).categories.is_empty());
}

#[test]
fn a_categorys_segment_is_not_edited_on_its_own() {
    let book = ContactBook::in_memory();
    let news = book.define_category("News").unwrap();
    let ann = create(&book, json!({"email": "ann@example.com"}));
    assert_validation(book.add_to_segment(&ann.id, &news.segment_id), "segment");
    assert!(get(&book, &ann.id).segments.is_empty());
    book.add_category(&ann.id, &news.key).unwrap();
    assert_validation(
        book.remove_from_segment(&ann.id, &news.segment_id),
        "segment",
    );
    assert_eq!(get(&book, &ann.id).categories, vec!["news".to_string()]);
    // Replacing the static segments leaves the category's segment alone.
    let vip = book.create_segment("VIP").unwrap();
    let c = book
        .update(&ann.id, input(json!({"segments": [vip.id]})))
        .unwrap();
    let mut expected = vec![news.segment_id.clone(), vip.id.clone()];
    expected.sort();
    assert_eq!(c.segments, expected);
    let c = book
        .update(&ann.id, input(json!({"segments": null})))
        .unwrap();
    assert_eq!(c.segments, vec![news.segment_id.clone()]);
    assert_validation(
        book.update(&ann.id, input(json!({"segments": [news.segment_id]}))),
        "segments",
    );
}

// ---------------------------------------------------------------------------------
// Segments

#[test]
fn segments_have_unique_names_and_unknown_ones_are_not_found() {
    let book = ContactBook::in_memory();
    let vip = book.create_segment("VIP").unwrap();
    assert_eq!(vip.name, "VIP");
    assert_eq!(vip.category_key, None);
    assert_conflict(book.create_segment("VIP"), "name");
    assert_conflict(book.create_segment("vip"), "name");
    assert_validation(book.create_segment("  "), "name");
    assert_eq!(book.segments().unwrap(), vec![vip.clone()]);

    let ann = create(&book, json!({"email": "ann@example.com"}));
    let missing = "0190a5b2-7c1e-7000-8000-000000000001";
    assert_not_found(book.add_to_segment(&ann.id, missing), "segment");
    assert_not_found(book.remove_from_segment(&ann.id, missing), "segment");
    assert_not_found(
        book.segment_members(missing, &ListQuery::default()),
        "segment",
    );
    assert_not_found(book.add_to_segment(missing, &vip.id), "contact");
    assert!(get(&book, &ann.id).segments.is_empty());

    let c = book.add_to_segment(&ann.id, &vip.id).unwrap();
    assert_eq!(c.segments, vec![vip.id.clone()]);
    let c = book.add_to_segment(&ann.id, &vip.id).unwrap();
    assert_eq!(c.segments, vec![vip.id.clone()], "a member once");
    let c = book.remove_from_segment(&ann.id, &vip.id).unwrap();
    assert!(c.segments.is_empty());
}

#[test]
fn segment_members_page_through_live_members_once_in_id_order() {
    let book = ContactBook::in_memory();
    let vip = book.create_segment("VIP").unwrap();
    let mut members = Vec::new();
    for i in 0..37 {
        let c = create(&book, json!({"email": format!("c{i}@example.com")}));
        if i % 3 != 0 {
            book.add_to_segment(&c.id, &vip.id).unwrap();
            members.push(c.id);
        }
    }
    let gone = members.remove(5);
    book.delete(&gone).unwrap();

    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = book
            .segment_members(
                &vip.id,
                &ListQuery {
                    limit: Some(7),
                    cursor,
                },
            )
            .unwrap();
        assert!(page.items.len() <= 7);
        pages += 1;
        seen.extend(page.items.into_iter().map(|c| c.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(members.len(), 23);
    assert_eq!(pages, 4);
    assert_eq!(seen, members);
}

// ---------------------------------------------------------------------------------
// Additional fields

fn define(book: &ContactBook, key: &str, field_type: FieldType) -> FieldDefinition {
    book.define_field(FieldDefinition::new(key, field_type))
        .unwrap()
}

fn set(book: &ContactBook, id: &str, key: &str, value: FieldInput) -> FieldValue {
    book.set_field(id, key, value).unwrap().fields[key].clone()
}

#[test]
fn every_field_type_takes_typed_and_string_values() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "ann@example.com"}));
    let id = c.id.as_str();

    define(&book, "nickname", FieldType::Text);
    assert_eq!(
        set(&book, id, "nickname", "Annie".into()),
        FieldValue::Text("Annie".into())
    );

    define(&book, "bio", FieldType::Textarea);
    let long = "x".repeat(10_000);
    assert_eq!(
        set(&book, id, "bio", long.as_str().into()),
        FieldValue::Textarea(long.clone())
    );

    define(&book, "visits", FieldType::Number);
    assert_eq!(
        set(&book, id, "visits", FieldInput::Integer(42)),
        FieldValue::Number(42)
    );
    assert_eq!(
        set(&book, id, "visits", " -7 ".into()),
        FieldValue::Number(-7)
    );
    assert_eq!(
        set(&book, id, "visits", FieldInput::Decimal(Decimal::from(9))),
        FieldValue::Number(9)
    );

    define(&book, "balance", FieldType::Decimal);
    assert_eq!(
        set(&book, id, "balance", "19.99".into()),
        FieldValue::Decimal(Decimal::from_str("19.99").unwrap())
    );
    assert_eq!(
        set(
            &book,
            id,
            "balance",
            FieldInput::Decimal(Decimal::new(5, 1))
        ),
        FieldValue::Decimal(Decimal::new(5, 1))
    );
    // A binary float is not exact: refused, naming the field.
    let error = book
        .set_field(id, "balance", FieldInput::Float(0.1 + 0.2))
        .unwrap_err();
    assert_eq!(error.field(), Some("fields.balance"));
    assert_eq!(
        set(&book, id, "balance", FieldInput::Integer(3)),
        FieldValue::Decimal(Decimal::from(3))
    );

    define(&book, "birthday", FieldType::Date);
    let day = NaiveDate::from_ymd_opt(1990, 3, 9).unwrap();
    assert_eq!(
        set(&book, id, "birthday", "1990-03-09".into()),
        FieldValue::Date(day)
    );
    assert_eq!(
        set(&book, id, "birthday", FieldInput::Date(day)),
        FieldValue::Date(day)
    );

    define(&book, "last_login", FieldType::Datetime);
    let instant = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    assert_eq!(
        set(&book, id, "last_login", "2024-05-01T12:00:00+03:00".into()),
        FieldValue::Datetime(instant)
    );
    assert_eq!(
        set(&book, id, "last_login", FieldInput::Datetime(instant)),
        FieldValue::Datetime(instant)
    );

    define(&book, "vip", FieldType::Boolean);
    assert_eq!(
        set(&book, id, "vip", FieldInput::Bool(true)),
        FieldValue::Boolean(true)
    );
    assert_eq!(
        set(&book, id, "vip", "false".into()),
        FieldValue::Boolean(false)
    );
    assert_eq!(
        set(&book, id, "vip", "TRUE".into()),
        FieldValue::Boolean(true)
    );

    book.define_field(FieldDefinition {
        options: vec!["S".into(), "M".into(), "L".into()],
        ..FieldDefinition::new("size", FieldType::List)
    })
    .unwrap();
    assert_eq!(
        set(&book, id, "size", "M".into()),
        FieldValue::List("M".into())
    );

    book.define_field(FieldDefinition {
        options: vec!["books".into(), "music".into(), "film".into()],
        ..FieldDefinition::new("interests", FieldType::Multilist)
    })
    .unwrap();
    assert_eq!(
        set(
            &book,
            id,
            "interests",
            FieldInput::List(vec!["film".into(), "books".into()])
        ),
        FieldValue::Multilist(vec!["books".into(), "film".into()]),
        "definition order"
    );
    assert_eq!(
        set(&book, id, "interests", "music, books".into()),
        FieldValue::Multilist(vec!["books".into(), "music".into()])
    );

    // Every value is kept, and JSON inputs parse the same way.
    let stored = get(&book, id);
    assert_eq!(stored.fields.len(), 9);
    let from_json = book
        .update(
            id,
            input(json!({"fields": {"visits": "12", "vip": true, "birthday": "2000-01-31", "interests": ["music"]}})),
        )
        .unwrap();
    assert_eq!(from_json.fields["visits"], FieldValue::Number(12));
    assert_eq!(from_json.fields["vip"], FieldValue::Boolean(true));
    assert_eq!(
        from_json.fields["birthday"],
        FieldValue::Date(NaiveDate::from_ymd_opt(2000, 1, 31).unwrap())
    );
    assert_eq!(
        from_json.fields["interests"],
        FieldValue::Multilist(vec!["music".into()])
    );
    assert_eq!(
        from_json.fields["nickname"],
        FieldValue::Text("Annie".into())
    );

    let cleared = book.clear_field(id, "nickname").unwrap();
    assert!(!cleared.fields.contains_key("nickname"));
    assert_eq!(cleared.fields.len(), 8);
}

#[test]
fn rejected_values_name_the_field_and_change_nothing() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "ann@example.com"}));
    define(&book, "nickname", FieldType::Text);
    define(&book, "bio", FieldType::Textarea);
    define(&book, "visits", FieldType::Number);
    define(&book, "balance", FieldType::Decimal);
    define(&book, "birthday", FieldType::Date);
    define(&book, "last_login", FieldType::Datetime);
    define(&book, "vip", FieldType::Boolean);
    book.define_field(FieldDefinition {
        options: vec!["S".into(), "M".into()],
        ..FieldDefinition::new("size", FieldType::List)
    })
    .unwrap();
    book.define_field(FieldDefinition {
        options: vec!["books".into(), "music".into()],
        ..FieldDefinition::new("interests", FieldType::Multilist)
    })
    .unwrap();
    book.set_field(&c.id, "visits", FieldInput::Integer(1))
        .unwrap();
    let before = get(&book, &c.id);

    let cases: Vec<(&str, FieldInput)> = vec![
        ("nickname", "x".repeat(256).as_str().into()),
        ("nickname", FieldInput::Integer(5)),
        ("bio", "x".repeat(10_001).as_str().into()),
        ("visits", "7.5".into()),
        ("visits", "seven".into()),
        ("visits", FieldInput::Bool(true)),
        ("visits", FieldInput::Float(1.5)),
        ("visits", "99999999999999999999".into()),
        ("balance", "ten".into()),
        ("birthday", "09.03.1990".into()),
        ("birthday", "1990-02-30".into()),
        ("last_login", "01/05/2024 12:00".into()),
        ("last_login", "yesterday".into()),
        ("vip", "maybe".into()),
        ("vip", FieldInput::Integer(2)),
        ("size", "XL".into()),
        ("size", FieldInput::List(vec!["S".into()])),
        (
            "interests",
            FieldInput::List(vec!["books".into(), "cars".into()]),
        ),
        ("interests", "books,cars".into()),
    ];
    for (key, value) in cases {
        let shown = format!("{key} = {value:?}");
        let result = book.set_field(&c.id, key, value);
        assert_validation(result, &format!("fields.{key}"));
        assert_eq!(get(&book, &c.id), before, "{shown}");
    }
    // Unknown keys are rejected too.
    assert_validation(
        book.set_field(&c.id, "shoe_size", "42".into()),
        "fields.shoe_size",
    );
    assert_validation(
        book.create(input(
            json!({"email": "b@example.com", "fields": {"shoe_size": "42"}}),
        )),
        "fields.shoe_size",
    );
    assert_validation(book.clear_field(&c.id, "shoe_size"), "fields.shoe_size");
    assert_eq!(book.count().unwrap(), 1);
}

#[test]
fn number_and_decimal_ranges_are_enforced() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "ann@example.com"}));
    book.define_field(FieldDefinition {
        min: Some(Decimal::from(1)),
        max: Some(Decimal::from(10)),
        ..FieldDefinition::new("rating", FieldType::Number)
    })
    .unwrap();
    book.define_field(FieldDefinition {
        min: Some(Decimal::from_str("0.5").unwrap()),
        max: Some(Decimal::from_str("99.99").unwrap()),
        ..FieldDefinition::new("score", FieldType::Decimal)
    })
    .unwrap();
    assert_eq!(
        set(&book, &c.id, "rating", FieldInput::Integer(1)),
        FieldValue::Number(1)
    );
    assert_eq!(
        set(&book, &c.id, "rating", "10".into()),
        FieldValue::Number(10)
    );
    for bad in [FieldInput::Integer(0), FieldInput::Integer(11), "11".into()] {
        let err = assert_validation(book.set_field(&c.id, "rating", bad), "fields.rating");
        assert!(err.to_string().contains("imum"), "{err}");
    }
    assert_eq!(
        set(&book, &c.id, "score", "0.5".into()),
        FieldValue::Decimal(Decimal::from_str("0.5").unwrap())
    );
    assert_eq!(
        set(&book, &c.id, "score", "99.99".into()),
        FieldValue::Decimal(Decimal::from_str("99.99").unwrap())
    );
    for bad in ["0.49", "100", "99.991"] {
        assert_validation(book.set_field(&c.id, "score", bad.into()), "fields.score");
    }
    assert_eq!(get(&book, &c.id).fields["rating"], FieldValue::Number(10));

    // A range on a non-numeric field, or an inverted range, is a bad definition.
    assert_validation(
        book.define_field(FieldDefinition {
            min: Some(Decimal::from(1)),
            ..FieldDefinition::new("name2", FieldType::Text)
        }),
        "min",
    );
    assert_validation(
        book.define_field(FieldDefinition {
            min: Some(Decimal::from(5)),
            max: Some(Decimal::from(1)),
            ..FieldDefinition::new("bad_range", FieldType::Number)
        }),
        "min",
    );
}

#[test]
fn field_definitions_are_checked_and_defined_once() {
    let book = ContactBook::in_memory();
    let def = define(&book, "plan", FieldType::Text);
    assert_eq!(def.title, "plan", "title defaults to the key");
    assert_eq!(
        define(&book, "plan", FieldType::Text),
        def,
        "same again is a no-op"
    );
    assert_conflict(
        book.define_field(FieldDefinition::new("plan", FieldType::Number)),
        "key",
    );
    for bad in ["", "Plan", "1plan", "plan-x", "plan x"] {
        assert_validation(
            book.define_field(FieldDefinition::new(bad, FieldType::Text)),
            "key",
        );
    }
    assert_validation(
        book.define_field(FieldDefinition::new("size", FieldType::List)),
        "options",
    );
    assert_validation(
        book.define_field(FieldDefinition {
            options: vec!["a".into()],
            ..FieldDefinition::new("t", FieldType::Text)
        }),
        "options",
    );
    assert_validation(
        book.define_field(FieldDefinition {
            options: vec!["a".into(), "a".into()],
            ..FieldDefinition::new("l", FieldType::List)
        }),
        "options",
    );
    let titled = book
        .define_field(FieldDefinition {
            title: "Loyalty tier".into(),
            options: vec!["gold".into()],
            ..FieldDefinition::new("tier", FieldType::List)
        })
        .unwrap();
    assert_eq!(titled.title, "Loyalty tier");
    let keys: Vec<_> = book
        .field_definitions()
        .unwrap()
        .into_iter()
        .map(|d| d.key)
        .collect();
    assert_eq!(keys, ["plan", "tier"]);
}

#[test]
fn readonly_fields_are_set_by_api_or_import_but_not_by_a_manual_edit() {
    let book = ContactBook::in_memory();
    book.define_field(FieldDefinition {
        readonly: true,
        ..FieldDefinition::new("crm_score", FieldType::Number)
    })
    .unwrap();
    let c = create(&book, json!({"email": "ann@example.com"}));

    let manual = ContactInput {
        source: Some(Source::Manual),
        ..input(json!({"fields": {"crm_score": 5}}))
    };
    assert_validation(book.update(&c.id, manual.clone()), "fields.crm_score");
    assert!(get(&book, &c.id).fields.is_empty());
    // Clearing by hand is an edit too.
    let manual_clear = ContactInput {
        source: Some(Source::Manual),
        ..input(json!({"fields": {"crm_score": null}}))
    };

    for source in [Source::Api, Source::Import] {
        let by_api = ContactInput {
            source: Some(source),
            ..input(json!({"fields": {"crm_score": 7}}))
        };
        let updated = book.update(&c.id, by_api).unwrap();
        assert_eq!(
            updated.fields["crm_score"],
            FieldValue::Number(7),
            "{source:?}"
        );
    }
    assert_validation(book.update(&c.id, manual_clear), "fields.crm_score");
    assert_eq!(get(&book, &c.id).fields["crm_score"], FieldValue::Number(7));
    // set_field is an API call.
    assert_eq!(
        set(&book, &c.id, "crm_score", FieldInput::Integer(9)),
        FieldValue::Number(9)
    );
    // A manual edit of other attributes is fine.
    let other = ContactInput {
        source: Some(Source::Manual),
        ..input(json!({"first_name": "Annie"}))
    };
    assert_eq!(
        book.update(&c.id, other).unwrap().first_name.as_deref(),
        Some("Annie")
    );
    // An import carries readonly values.
    let report = book
        .import_contacts(
            vec![input(
                json!({"email": "imp@example.com", "fields": {"crm_score": "3"}}),
            )],
            contactkit::DedupeOn::Email,
            |_| Continue(()),
        )
        .unwrap();
    assert!(report.rejected.is_empty(), "{report:?}");
    assert_eq!(
        book.find_by_email("imp@example.com")
            .unwrap()
            .unwrap()
            .fields["crm_score"],
        FieldValue::Number(3)
    );
}

#[test]
fn required_fields_are_needed_at_creation_and_cannot_be_cleared() {
    let book = ContactBook::in_memory();
    book.define_field(FieldDefinition {
        required: true,
        ..FieldDefinition::new("plan", FieldType::Text)
    })
    .unwrap();
    assert_validation(
        book.create(input(json!({"email": "ann@example.com"}))),
        "fields.plan",
    );
    assert_validation(
        book.upsert(
            input(json!({"email": "ann@example.com"})),
            contactkit::DedupeOn::Email,
        ),
        "fields.plan",
    );
    assert_validation(
        book.create(input(
            json!({"email": "ann@example.com", "fields": {"plan": null}}),
        )),
        "fields.plan",
    );
    assert_eq!(book.count().unwrap(), 0);

    let c = create(
        &book,
        json!({"email": "ann@example.com", "fields": {"plan": "pro"}}),
    );
    assert_eq!(c.fields["plan"], FieldValue::Text("pro".into()));
    assert_validation(book.clear_field(&c.id, "plan"), "fields.plan");
    assert_validation(
        book.update(&c.id, input(json!({"fields": {"plan": null}}))),
        "fields.plan",
    );
    assert_eq!(
        get(&book, &c.id).fields["plan"],
        FieldValue::Text("pro".into())
    );
    // Changing it, or updating something else, is fine.
    assert_eq!(
        set(&book, &c.id, "plan", "basic".into()),
        FieldValue::Text("basic".into())
    );
    let renamed = book
        .update(&c.id, input(json!({"first_name": "Ann"})))
        .unwrap();
    assert_eq!(renamed.fields["plan"], FieldValue::Text("basic".into()));
    // An upsert that finds the contact does not need the field again.
    let merged = book
        .upsert(
            input(json!({"email": "ann@example.com", "last_name": "Lee"})),
            contactkit::DedupeOn::Email,
        )
        .unwrap();
    assert_eq!(merged.id, c.id);
}
