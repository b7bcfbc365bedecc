//! The limits on input (DOMAIN.md, "Limits on input"; issue 10): every limit is a
//! validation error naming the field, nothing is written, and what the book accepted
//! reads back. Each test runs on the in-memory store and on a SQLite file, since the
//! findings that poisoned a book were about what a store could read back.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::{assert_validation, input};
use contactkit::validate::limits;
use contactkit::{
    ActivityQuery, CampaignChannel, CampaignInput, CampaignStatus, ContactBook, DedupeOn,
    EventInput, FieldDefinition, FieldInput, FieldType, ListQuery, OrderInput, Period,
};
use serde_json::{json, Value};
use std::ops::ControlFlow::Continue;

/// Runs `check` on an in-memory book and on a fresh SQLite file.
fn on_every_store(check: impl Fn(&ContactBook)) {
    check(&ContactBook::in_memory());
    let dir = tempfile::tempdir().unwrap();
    check(&ContactBook::open(dir.path().join("book.db")).unwrap());
}

fn all_activity(book: &ContactBook, id: &str) -> Vec<contactkit::Activity> {
    let query = ActivityQuery {
        period: Period::All,
        limit: Some(1000),
        ..Default::default()
    };
    book.activity(id, &query).unwrap().items
}

fn nested(depth: usize) -> Value {
    let mut value = json!("leaf");
    for level in 0..depth {
        value = if level % 2 == 0 {
            Value::Array(vec![value])
        } else {
            Value::Object(serde_json::Map::from_iter([("k".to_string(), value)]))
        };
    }
    value
}

fn event(params: Value) -> EventInput {
    EventInput {
        name: "viewed".into(),
        params: serde_json::Map::from_iter([("p".to_string(), params)]),
        ..Default::default()
    }
}

fn beyond_9999() -> DateTime<Utc> {
    // 23:59 behind UTC on the last second of 9999 is already year 10000 in UTC.
    DateTime::parse_from_rfc3339("9999-12-31T23:59:59-23:59")
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn event_params_nested_deeper_than_32_are_refused_and_the_timeline_stays_readable() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        // `{"p": <value>}`: the value inside may be 31 deep, so params are 32.
        let deepest = book.record_event(&ann.id, event(nested(limits::MAX_NESTING - 1)));
        let accepted = deepest.expect("32 levels are accepted");
        for depth in [limits::MAX_NESTING, 125, 126, 1_000] {
            assert_validation(book.record_event(&ann.id, event(nested(depth))), "params");
        }
        assert_eq!(all_activity(book, &ann.id), vec![accepted]);
    });
}

#[test]
fn event_params_above_64_kib_are_refused() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let big = json!("x".repeat(limits::MAX_EVENT_PARAMS_BYTES));
        assert_validation(book.record_event(&ann.id, event(big)), "params");
        let fits = json!("x".repeat(limits::MAX_EVENT_PARAMS_BYTES - 100));
        book.record_event(&ann.id, event(fits)).unwrap();
        assert_eq!(all_activity(book, &ann.id).len(), 1);
    });
}

#[test]
fn an_event_starts_at_most_100_workflows() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let with = |n: usize| EventInput {
            name: "signed_up".into(),
            workflows: (0..n).map(|i| format!("wf-{i}")).collect(),
            ..Default::default()
        };
        assert_validation(
            book.record_event(&ann.id, with(limits::MAX_WORKFLOWS + 1)),
            "workflows",
        );
        book.record_event(&ann.id, with(limits::MAX_WORKFLOWS))
            .unwrap();
    });
}

#[test]
fn an_order_has_at_most_1000_items() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let order = |n: usize| -> OrderInput {
            let items: Vec<Value> = (0..n)
                .map(|i| json!({"product_id": format!("sku-{i}"), "quantity": "1", "price": "1"}))
                .collect();
            serde_json::from_value(json!({
                "external_id": format!("ord-{n}"), "amount": "10", "currency": "EUR", "items": items,
            }))
            .unwrap()
        };
        assert_validation(
            book.record_order(&ann.id, order(limits::MAX_ORDER_ITEMS + 1)),
            "items",
        );
        book.record_order(&ann.id, order(limits::MAX_ORDER_ITEMS))
            .unwrap();
        assert_eq!(all_activity(book, &ann.id).len(), 1);
    });
}

#[test]
fn instants_past_9999_in_utc_are_refused_on_every_timeline_input() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let late = Some(beyond_9999());
        assert_validation(
            book.record_event(
                &ann.id,
                EventInput {
                    name: "x".into(),
                    at: late,
                    ..Default::default()
                },
            ),
            "at",
        );
        let campaign = CampaignInput {
            message_id: "m1".into(),
            message_name: None,
            channel: CampaignChannel::Email,
            status: CampaignStatus::Sent,
            status_description: None,
            at: late,
        };
        assert_validation(book.record_campaign(&ann.id, campaign), "at");
        let query = ActivityQuery {
            since: late,
            ..Default::default()
        };
        assert_validation(book.activity(&ann.id, &query), "since");
        assert!(all_activity(book, &ann.id).is_empty());
    });
}

#[test]
fn date_and_datetime_fields_stay_within_years_1_to_9999() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        book.define_field(FieldDefinition::new("birthday", FieldType::Date))
            .unwrap();
        book.define_field(FieldDefinition::new("seen", FieldType::Datetime))
            .unwrap();
        let too_late = NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap();
        for value in [
            FieldInput::Text("+10000-01-01".into()),
            FieldInput::Date(too_late),
        ] {
            assert_validation(
                book.set_field(&ann.id, "birthday", value),
                "fields.birthday",
            );
        }
        assert_validation(
            book.set_field(
                &ann.id,
                "birthday",
                FieldInput::Date(NaiveDate::from_ymd_opt(0, 1, 1).unwrap()),
            ),
            "fields.birthday",
        );
        for value in [
            FieldInput::Text("9999-12-31T23:59:59-23:59".into()),
            FieldInput::Datetime(beyond_9999()),
        ] {
            assert_validation(book.set_field(&ann.id, "seen", value), "fields.seen");
        }
        book.set_field(&ann.id, "birthday", FieldInput::Text("9999-12-31".into()))
            .unwrap();
        let read = book.get(&ann.id).unwrap().unwrap();
        assert_eq!(read.fields.len(), 1);
    });
}

#[test]
fn a_cursor_the_book_did_not_give_out_is_refused() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let segment = book.create_segment("VIP").unwrap();
        for junk in ["junk", "", "1700000000000_junk", "0190a5c2"] {
            let list = ListQuery {
                cursor: Some(junk.into()),
                limit: None,
            };
            assert_validation(book.list(&list), "cursor");
            assert_validation(book.segment_members(&segment.id, &list), "cursor");
            let query = ActivityQuery {
                cursor: Some(junk.into()),
                ..Default::default()
            };
            assert_validation(book.activity(&ann.id, &query), "cursor");
        }
        // The cursors it does give out page to the end.
        for i in 0..4 {
            book.create(input(json!({"email": format!("c{i}@example.com")})))
                .unwrap();
        }
        let mut cursor = None;
        let mut seen = 0;
        loop {
            let page = book
                .list(&ListQuery {
                    cursor,
                    limit: Some(2),
                })
                .unwrap();
            seen += page.items.len();
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(seen, 5);
    });
}

#[test]
fn a_contact_input_above_1_mib_is_refused_and_an_import_rejects_that_row_alone() {
    on_every_store(|book| {
        let devices: Vec<Value> = (0..6_000)
            .map(|i| {
                json!({"app_id": "app", "device_id": format!("d{i}"), "token": format!("{i:0>200}")})
            })
            .collect();
        let huge = json!({"email": "big@example.com", "mobile_push": devices});
        assert_validation(book.upsert(input(huge.clone()), DedupeOn::Email), "input");
        assert_eq!(book.count().unwrap(), 0);

        let rows = vec![
            input(json!({"email": "a@example.com"})),
            input(huge),
            input(json!({"email": "b@example.com"})),
        ];
        let report = book
            .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
            .unwrap();
        assert_eq!(report.created, 2);
        assert_eq!(report.rejected.len(), 1);
        assert_eq!(report.rejected[0].index, 1);
        assert_eq!(report.rejected[0].field.as_deref(), Some("input"));
        assert!(book.find_by_email("big@example.com").unwrap().is_none());
    });
}

#[test]
fn a_leap_second_is_stored_as_every_store_reads_it_back() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let leap = DateTime::parse_from_rfc3339("2016-12-31T23:59:60.250Z")
            .unwrap()
            .with_timezone(&Utc);
        let event = book
            .record_event(
                &ann.id,
                EventInput {
                    name: "leap".into(),
                    at: Some(leap),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(event.at.to_rfc3339(), "2017-01-01T00:00:00.250+00:00");
        assert_eq!(all_activity(book, &ann.id), vec![event]);
        // Found by the event_params fuzz target: 23:59:60 with an offset, late in 9999.
        let late = DateTime::parse_from_rfc3339("9999-12-31T23:59:60-00:01").unwrap();
        let refused = book.record_event(
            &ann.id,
            EventInput {
                name: "late".into(),
                at: Some(late.with_timezone(&Utc)),
                ..Default::default()
            },
        );
        assert_validation(refused, "at");
    });
}

/// Every string leaf of `value` (object values and array items), by path, with
/// `value` copied once per leaf and that leaf given a NUL.
fn with_a_nul_in_each_string(value: &Value) -> Vec<(String, Value)> {
    fn walk(value: &Value, path: String, found: &mut Vec<String>) {
        match value {
            Value::String(_) => found.push(path),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{path}/{i}"), found);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    walk(item, format!("{path}/{key}"), found);
                }
            }
            _ => {}
        }
    }
    let mut paths = Vec::new();
    walk(value, String::new(), &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let mut copy = value.clone();
            let leaf = copy.pointer_mut(&path).unwrap();
            *leaf = Value::String(format!("{}\u{0}x", leaf.as_str().unwrap()));
            (path, copy)
        })
        .collect()
}

/// U+0000 in any text a book would store is refused (PostgreSQL cannot keep it, and
/// every store must take the same values), and nothing is written.
#[test]
fn a_nul_in_any_text_is_refused() {
    on_every_store(|book| {
        book.define_field(FieldDefinition::new("note", FieldType::Text))
            .unwrap();
        let segment = book.create_segment("VIP").unwrap();
        let contact = json!({
            "external_id": "crm-1", "contact_key": "key-1", "first_name": "Ann", "last_name": "Lee",
            "email": "ann@example.com", "phone": "+380501234567",
            "mobile_push": [{"app_id": "com.example.shop", "device_id": "d1", "token": "t1",
                "platform": "android", "model": "Pixel 8", "os": "Android", "os_version": "14",
                "locale": "uk-UA", "app_version": "3.1"}],
            "web_push": [{"endpoint": "https://push.example.com/s/1",
                "keys": {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", "auth": "tBHItJI5svbpez7KI4CCXg"},
                "user_agent": "Firefox", "language": "uk", "os": "Linux", "subscription_page": "https://example.com/"}],
            "telegram": {"bot_id": "7001", "chat_id": "384112907"},
            "segments": [segment.id],
            "address": {"country": "UA", "region": "Kyiv", "town": "Kyiv", "street_address": "Khreshchatyk 22", "postcode": "01001"},
            "location": {"latitude": 50.4, "longitude": 30.5, "country": "UA", "region": "Kyiv", "city": "Kyiv"},
            "timezone": "Europe/Kyiv", "language": "uk",
            "fields": {"note": "hello"}
        });
        let mut refused = 0;
        for (path, bad) in with_a_nul_in_each_string(&contact) {
            // An enum's name with a NUL is no name: refused as the input is read.
            let Ok(bad) = serde_json::from_value::<contactkit::ContactInput>(bad) else {
                continue;
            };
            let result = book.create(bad);
            assert!(
                matches!(result, Err(contactkit::Error::Validation { .. })),
                "{path}: {result:?}"
            );
            refused += 1;
        }
        assert!(refused >= 30, "{refused} strings tried");
        assert_eq!(book.count().unwrap(), 0, "nothing was written");

        let id = book
            .create(input(json!({"email": "kept@example.com"})))
            .unwrap()
            .id;
        let before = all_activity(book, &id);
        let campaign = json!({"message_id": "m-1", "message_name": "News", "channel": "email",
            "status": "delivered", "status_description": "ok"});
        for (path, bad) in with_a_nul_in_each_string(&campaign) {
            let Ok(bad) = serde_json::from_value::<CampaignInput>(bad) else {
                continue;
            };
            assert_validation(book.record_campaign(&id, bad), &path_field(&path));
        }
        let order = json!({"external_id": "o-1", "amount": "10", "currency": "EUR",
            "items": [{"product_id": "p-1", "name": "Shoes", "quantity": "1", "price": "10"}],
            "store_id": "kyiv-1", "delivery_address": {"country": "UA", "town": "Kyiv", "street_address": "Main 1"}});
        for (path, bad) in with_a_nul_in_each_string(&order) {
            if path.ends_with("/amount") || path.ends_with("/quantity") || path.ends_with("/price")
            {
                continue; // decimals, refused as not a number either way
            }
            let result = serde_json::from_value::<OrderInput>(bad)
                .map_err(|e| e.to_string())
                .map(|bad| book.record_order(&id, bad));
            assert!(
                matches!(
                    result,
                    Ok(Err(contactkit::Error::Validation { .. })) | Err(_)
                ),
                "{path}: {result:?}"
            );
        }
        let event = json!({"name": "opened_app", "key_value": "home", "workflows": ["welcome"]});
        for (path, bad) in with_a_nul_in_each_string(&event) {
            let bad: EventInput = serde_json::from_value(bad).unwrap();
            assert!(
                matches!(
                    book.record_event(&id, bad),
                    Err(contactkit::Error::Validation { .. })
                ),
                "{path}"
            );
        }
        assert_eq!(all_activity(book, &id), before, "nothing was written");
        for reason in ["stop\u{0}", "\u{0}"] {
            assert_validation(
                book.unsubscribe(&id, contactkit::Channel::Email, Some(reason), None),
                "reason",
            );
        }
        assert_validation(book.create_segment("V\u{0}IP"), "name");
        assert_validation(book.define_category("News\u{0}"), "title");
        assert!(book.get(&id).unwrap().unwrap().suppressions.is_empty());
    });
}

/// `/message_name` → `message_name`, the field a JSON pointer's leaf names.
fn path_field(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}
