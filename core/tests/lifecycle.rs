//! Profile lifecycle (issue 16, items 1-3): merge folds a duplicate into the contact
//! it duplicates and leaves an alias behind; export_contact hands over everything held
//! about a contact; erase forgets one for good, in the SQLite file's bytes too, while
//! its addresses stay blocked.

mod common;

use common::{assert_not_found, assert_validation, clocked, create, device, get, input};
use contactkit::{
    CampaignChannel, CampaignInput, CampaignStatus, ChangeOp, Channel, ContactBook, DedupeOn,
    EventInput, OrderInput, Rule, SendReason, SuppressionKind,
};
use serde_json::json;
use std::ops::ControlFlow::Continue;

fn campaign(message_id: &str, status: CampaignStatus) -> CampaignInput {
    CampaignInput {
        message_id: message_id.into(),
        message_name: None,
        channel: CampaignChannel::Email,
        status,
        status_description: None,
        at: None,
    }
}

fn order(json: serde_json::Value) -> OrderInput {
    serde_json::from_value(json).expect("an order")
}

fn rule(json: serde_json::Value) -> Rule {
    serde_json::from_value(json).expect("a rule")
}

#[test]
fn merging_twice_leaves_every_old_id_naming_the_last_contact() {
    let (book, _clock) = clocked();
    let a = create(&book, json!({"email": "a@example.com"}));
    let b = create(&book, json!({"email": "b@example.com"}));
    let c = create(&book, json!({"email": "c@example.com"}));
    book.merge(&b.id, &a.id).unwrap();
    book.merge(&c.id, &b.id).unwrap();
    assert_eq!(get(&book, &a.id).id, c.id);
    assert_eq!(get(&book, &b.id).id, c.id);
    // Upper case, as ids are taken in any case.
    assert_eq!(get(&book, &a.id.to_uppercase()).id, c.id);
    assert_eq!(
        book.find(&a.id).unwrap().map(|contact| contact.id),
        Some(c.id.clone())
    );
    let decisions = book
        .can_send_many(&[a.id.as_str(), b.id.as_str()], Channel::Email, None)
        .unwrap();
    assert!(decisions.iter().all(|d| d.allowed), "{decisions:?}");
    // An old id is not a new contact's id: creating or upserting with it reaches c.
    let again = book
        .upsert(input(json!({"id": a.id, "first_name": "Cy"})), DedupeOn::Id)
        .unwrap();
    assert_eq!(again.id, c.id);
    assert_eq!(book.count().unwrap(), 1);
    assert_validation(book.merge(&c.id, &a.id), "from_id");
}

#[test]
fn into_keeps_its_campaign_item_and_its_device_when_both_have_one() {
    let (book, _clock) = clocked();
    let into = create(&book, json!({"email": "ann@example.com"}));
    let from = create(&book, json!({"phone": "+380671234567"}));
    book.add_mobile_push(&into.id, device("shop", "d1", Some("tok-into")))
        .unwrap();
    book.add_mobile_push(&from.id, device("shop", "d1", Some("tok-from")))
        .unwrap();
    book.add_mobile_push(&from.id, device("shop", "d2", Some("tok-2")))
        .unwrap();
    book.record_campaign(&into.id, campaign("m1", CampaignStatus::Clicked))
        .unwrap();
    book.record_campaign(&from.id, campaign("m1", CampaignStatus::Sent))
        .unwrap();
    book.record_campaign(&from.id, campaign("m2", CampaignStatus::Delivered))
        .unwrap();
    let merged = book.merge(&into.id, &from.id).unwrap();
    let tokens: Vec<_> = merged.devices.iter().map(|d| d.token.clone()).collect();
    assert_eq!(tokens, [Some("tok-into".into()), Some("tok-2".into())]);
    // The dropped device's token is free again.
    assert!(book.find_by_push_token("tok-from").unwrap().is_none());
    let timeline = book.export_contact(&into.id).unwrap().activity;
    let campaigns: Vec<_> = timeline
        .iter()
        .map(|a| serde_json::to_value(a).unwrap())
        .map(|a| (a["message_id"].clone(), a["status"].clone()))
        .collect();
    assert_eq!(campaigns.len(), 2, "{campaigns:?}");
    assert!(campaigns.contains(&(json!("m1"), json!("clicked"))));
    assert!(campaigns.contains(&(json!("m2"), json!("delivered"))));
}

#[test]
fn an_address_into_takes_over_keeps_its_consent_and_a_released_one_keeps_its_own() {
    let (book, _clock) = clocked();
    let into = create(&book, json!({"email": "ann@example.com"}));
    let from = create(
        &book,
        json!({"email": "old@example.com", "phone": "+380671234567"}),
    );
    book.unsubscribe(&from.id, Channel::Email, Some("old list"), None)
        .unwrap();
    book.blacklist(&from.id, Channel::Sms, Some("hard_bounce"), None)
        .unwrap();
    let merged = book.merge(&into.id, &from.id).unwrap();
    // into took the phone, and with it the phone's blacklisting.
    assert_eq!(merged.phone.as_deref(), Some("+380671234567"));
    assert_eq!(
        book.can_send(&into.id, Channel::Sms, None).unwrap().reason,
        SendReason::Blacklisted
    );
    // into kept its own email; the old one is released, and stays unsubscribed for
    // whoever takes it.
    assert!(
        book.can_send(&into.id, Channel::Email, None)
            .unwrap()
            .allowed
    );
    let newcomer = create(&book, json!({"email": "old@example.com"}));
    assert_eq!(
        book.can_send(&newcomer.id, Channel::Email, None)
            .unwrap()
            .reason,
        SendReason::Unsubscribed
    );
}

#[test]
fn a_merge_appends_one_merged_change_and_a_failed_one_none() {
    let (book, _clock) = clocked();
    let into = create(&book, json!({"email": "ann@example.com"}));
    let from = create(&book, json!({"email": "ann.lee@example.com"}));
    book.record_event(
        &from.id,
        EventInput {
            name: "opened_app".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let start = book.changes(None, Some(1000)).unwrap().next_cursor;
    book.delete(&from.id).unwrap();
    assert_validation(book.merge(&into.id, &from.id), "from_id");
    book.restore(&from.id).unwrap();
    let mid = book.changes(Some(&start), Some(1000)).unwrap().next_cursor;
    assert_not_found(book.merge(&into.id, "nobody"), "contact");
    book.merge(&into.id, &from.id).unwrap();
    let changes = book.changes(Some(&mid), Some(1000)).unwrap().items;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].op, ChangeOp::Merged);
    assert_eq!(changes[0].contact_id.as_deref(), Some(into.id.as_str()));
    assert_eq!(changes[0].from_id.as_deref(), Some(from.id.as_str()));
}

#[test]
fn export_holds_the_profile_the_timeline_and_the_records_at_its_addresses() {
    let (book, _clock) = clocked();
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "phone": "+380671234567"}),
    );
    book.suppress_address(
        Channel::Email,
        "someone.else@example.com",
        SuppressionKind::Blacklisted,
        None,
        None,
    )
    .unwrap();
    book.unsubscribe(&ann.id, Channel::Email, Some("weekly is too much"), None)
        .unwrap();
    book.unsubscribe(&ann.id, Channel::MobilePush, None, None)
        .unwrap();
    book.record_order(
        &ann.id,
        order(json!({"external_id": "o-1", "amount": "9.99", "currency": "EUR"})),
    )
    .unwrap();
    book.delete(&ann.id).unwrap();
    // A deleted contact is still held, so it is exported.
    let export = serde_json::to_value(book.export_contact(&ann.id).unwrap()).unwrap();
    assert_eq!(export["contact"]["id"], json!(ann.id));
    assert_eq!(export["contact"]["email_status"], json!("unsubscribed"));
    assert_eq!(export["activity"][0]["external_id"], json!("o-1"));
    let addresses: Vec<_> = export["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["channel"].clone(), r["address"].clone()))
        .collect();
    assert_eq!(
        addresses,
        [
            (json!("email"), json!("ann@example.com")),
            (json!("mobile_push"), json!(ann.id)),
        ]
    );
}

#[test]
fn erased_addresses_stay_blocked_for_rules_can_send_and_lookups() {
    let (book, _clock) = clocked();
    let zoe = create(&book, json!({"email": "zoe@example.com"}));
    book.report_spam(&zoe.id, Channel::Email, None, None)
        .unwrap();
    book.erase(&zoe.id).unwrap();
    assert!(book.get(&zoe.id).unwrap().is_none());
    assert_not_found(book.restore(&zoe.id), "contact");
    let spam = rule(json!({"status": "email", "is": "spam_complaint"}));
    assert_eq!(book.count_where(&spam).unwrap(), 0);
    let records = book
        .suppressions(Channel::Email, "ZOE@example.com")
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].address, "zoe@example.com");
    // An import brings the address back: the records are in clear again, for the
    // contact holding it, and every read sees them.
    let report = book
        .import_contacts(
            vec![input(json!({"email": "zoe@example.com"}))],
            DedupeOn::Email,
            |_| Continue(()),
        )
        .unwrap();
    assert_eq!(report.created, 1);
    assert_eq!(book.count_where(&spam).unwrap(), 1);
    assert_eq!(
        book.can_send("zoe@example.com", Channel::Email, None)
            .unwrap()
            .reason,
        SendReason::SpamComplaint
    );
}

#[test]
fn suppressing_an_erased_address_again_keeps_one_history() {
    let (book, _clock) = clocked();
    let zoe = create(&book, json!({"email": "zoe@example.com"}));
    book.unsubscribe(&zoe.id, Channel::Email, None, None)
        .unwrap();
    book.erase(&zoe.id).unwrap();
    let records = book
        .suppress_address(
            Channel::Email,
            "zoe@example.com",
            SuppressionKind::Blacklisted,
            Some("complaint by phone"),
            None,
        )
        .unwrap();
    let kinds: Vec<_> = records.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [SuppressionKind::Unsubscribed, SuppressionKind::Blacklisted]
    );
    assert_eq!(
        book.suppressions(Channel::Email, "zoe@example.com")
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn erasing_a_merged_contact_forgets_its_old_ids_too() {
    let (book, _clock) = clocked();
    let into = create(&book, json!({"email": "ann@example.com"}));
    let from = create(&book, json!({"email": "ann2@example.com"}));
    book.merge(&into.id, &from.id).unwrap();
    // Erasing by the old id erases the person.
    book.erase(&from.id).unwrap();
    assert!(book.get(&into.id).unwrap().is_none());
    assert!(book.get(&from.id).unwrap().is_none());
    assert_not_found(book.erase(&into.id), "contact");
    assert_eq!(book.count().unwrap(), 0);
}

/// Strings only the erased contact's data holds, each distinctive enough that finding
/// it in the file's bytes means it survived.
const PERSONAL: [&str; 7] = [
    "Зоряна",
    "Квітка-Основ'яненко",
    "zoryana.kvitka.0815@example.com",
    "+380671239999",
    "zk-key-2718",
    "pricing-page-3141",
    "order-zk-5926",
];

fn erase_subject(book: &ContactBook) -> String {
    let zoe = create(
        book,
        json!({
            "first_name": "Зоря",
            "last_name": "Квітка-Основ'яненко",
            "email": "zoryana.kvitka.0815@example.com",
            "phone": "+380671239999",
            "contact_key": "zk-key-2718",
            "address": {"country": "UA", "town": "Харків"}
        }),
    );
    // An earlier version of the name, left in the file's free space by the update
    // unless freed space is zeroed.
    book.update(&zoe.id, input(json!({"first_name": "Зоряна"})))
        .unwrap();
    book.record_event(
        &zoe.id,
        EventInput {
            name: "viewed".into(),
            params: json!({"page": "pricing-page-3141"})
                .as_object()
                .unwrap()
                .clone(),
            ..Default::default()
        },
    )
    .unwrap();
    book.record_order(
        &zoe.id,
        order(json!({"external_id": "order-zk-5926", "amount": "12.50", "currency": "UAH"})),
    )
    .unwrap();
    book.unsubscribe(&zoe.id, Channel::Email, Some("moved away"), None)
        .unwrap();
    book.blacklist(&zoe.id, Channel::Sms, None, None).unwrap();
    zoe.id
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn after_erase_the_sqlite_file_holds_none_of_the_contacts_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let book = ContactBook::open(&path).unwrap();
    // Neighbours on the same pages, so the erased rows sit among rows that stay.
    for n in 0..200 {
        create(
            &book,
            json!({"email": format!("n{n}@example.org"), "first_name": "Olena"}),
        );
    }
    let id = erase_subject(&book);
    let files = || {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        bytes
    };
    let before = files();
    for text in PERSONAL {
        assert!(
            contains(&before, text),
            "{text} should be in the file first"
        );
    }
    book.erase(&id).unwrap();
    let after = files();
    for text in PERSONAL {
        assert!(!contains(&after, text), "{text} survived the erase");
    }
    // The book is whole and the address still blocked, by its hash.
    assert_eq!(book.count().unwrap(), 200);
    let records = book
        .suppressions(Channel::Email, "zoryana.kvitka.0815@example.com")
        .unwrap();
    assert_eq!(records.len(), 1);
    drop(book);
    let reopened = ContactBook::open(&path).unwrap();
    assert_eq!(
        reopened
            .suppressions(Channel::Sms, "+380671239999")
            .unwrap()
            .len(),
        1
    );
}

#[cfg(feature = "postgres")]
#[test]
fn after_erase_no_postgresql_table_holds_the_contacts_personal_data() {
    let url = std::env::var("CONTACTKIT_TEST_PG_URL")
        .expect("CONTACTKIT_TEST_PG_URL: run scripts/postgres.sh start DIR and export its URL");
    let schema = format!("ck_test_{}", uuid::Uuid::new_v4().simple());
    let options = contactkit::PostgresOptions {
        schema: Some(schema.clone()),
        ..Default::default()
    };
    let book = ContactBook::connect_with(&url, &options).unwrap();
    create(&book, json!({"email": "stays@example.org"}));
    let id = erase_subject(&book);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
            &[&schema],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let holding = |client: &mut postgres::Client, text: &str| -> Vec<String> {
        tables
            .iter()
            .filter(|table| {
                let sql = format!(
                    "SELECT count(*) FROM \"{schema}\".\"{table}\" AS t WHERE strpos(t::text, $1) > 0"
                );
                client.query_one(&sql, &[&text]).unwrap().get::<_, i64>(0) > 0
            })
            .cloned()
            .collect()
    };
    assert!(!holding(&mut client, "order-zk-5926").is_empty());
    book.erase(&id).unwrap();
    for text in PERSONAL {
        assert_eq!(holding(&mut client, text), Vec::<String>::new(), "{text}");
    }
    assert_eq!(
        book.suppressions(Channel::Email, "zoryana.kvitka.0815@example.com")
            .unwrap()
            .len(),
        1
    );
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
}

/// Books on every store this build has: memory, a SQLite file and, with the feature
/// `postgres`, a fresh schema on the test server (dropped by the guard).
/// A store's name, its book, and what keeps the book's place alive until dropped.
type StoreBook = (&'static str, ContactBook, Option<Box<dyn std::any::Any>>);

fn every_store() -> Vec<StoreBook> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = ContactBook::open(dir.path().join("book.db")).unwrap();
    #[allow(unused_mut)]
    let mut books: Vec<StoreBook> = vec![
        ("memory", ContactBook::in_memory(), None),
        ("sqlite", sqlite, Some(Box::new(dir))),
    ];
    #[cfg(feature = "postgres")]
    {
        let url = std::env::var("CONTACTKIT_TEST_PG_URL")
            .expect("CONTACTKIT_TEST_PG_URL: run scripts/postgres.sh start DIR and export its URL");
        let schema = format!("ck_test_{}", uuid::Uuid::new_v4().simple());
        let options = contactkit::PostgresOptions {
            schema: Some(schema.clone()),
            ..Default::default()
        };
        books.push((
            "postgres",
            ContactBook::connect_with(&url, &options).unwrap(),
            Some(Box::new(DropSchema { url, schema })),
        ));
    }
    books
}

#[cfg(feature = "postgres")]
struct DropSchema {
    url: String,
    schema: String,
}

#[cfg(feature = "postgres")]
impl Drop for DropSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
                self.schema
            ));
        }
    }
}

#[test]
fn text_holding_nul_names_nobody_on_every_store() {
    let junk = "0190c5a4\u{0}-2f3b";
    for (store, book, _guard) in every_store() {
        let ann = create(&book, json!({"email": "ann@example.com"}));
        assert!(book.get(junk).unwrap().is_none(), "{store}");
        assert!(book.find(junk).unwrap().is_none(), "{store}");
        assert!(book.find_by_key(junk).unwrap().is_none(), "{store}");
        assert!(book.find_by_external_id(junk).unwrap().is_none(), "{store}");
        assert!(book.find_by_push_token(junk).unwrap().is_none(), "{store}");
        assert_not_found(book.restore(junk), "contact");
        assert_not_found(book.erase(junk), "contact");
        assert_not_found(book.export_contact(junk), "contact");
        assert_not_found(book.merge(&ann.id, junk), "contact");
        assert_eq!(
            book.can_send(junk, Channel::Email, None).unwrap().reason,
            SendReason::UnknownContact,
            "{store}"
        );
        assert!(book
            .suppressions(Channel::MobilePush, junk)
            .unwrap()
            .is_empty());
        // And no value holding it is kept, on any store.
        for value in [
            json!({"first_name": "A\u{0}nn"}),
            json!({"external_id": "crm\u{0}1"}),
            json!({"contact_key": "key\u{0}1"}),
            json!({"mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "t\u{0}1", "platform": "ios"}]}),
        ] {
            let refused = book.create(input(value.clone()));
            assert!(
                matches!(refused, Err(contactkit::Error::Validation { .. })),
                "{store}: {value}: {refused:?}"
            );
        }
        assert_eq!(book.count().unwrap(), 1, "{store}");
    }
}
