//! How many store calls an operation makes. On a server store each call is at least one
//! round trip, so the reads a back end makes most (a page of profiles, a profile, an
//! upsert, `can_send` and `can_send_many`) must each make a small fixed number of calls,
//! whatever the page size or the number of recipients.
//!
//! `CountingStore` wraps the in-memory store and counts every `Transaction` call the
//! book makes; each batch call (`contacts_with`, `contact_ids_by`, `suppressions_at`,
//! `orders_of`) counts once, as a server store answers it with one statement.
//!
//! A profile's card reads the segments once to learn whether dynamic ones exist; with
//! dynamic segments it also reads the field definitions and categories (to check their
//! rules) and asks one `matching_ids` per dynamic segment for the whole page.

mod common;

use chrono::{DateTime, Utc};
use common::{create, t0};
use contactkit::model::{
    Activity, Category, Change, ContactRecord, FieldDefinition, Identifier, Segment,
    SuppressionRecord,
};
use contactkit::rule::Check;
use contactkit::store::{ActivityFilter, NewChange};
use contactkit::Rule;
use contactkit::{
    Access, Channel, ContactBook, DedupeOn, ListQuery, ManualClock, MemoryStore, Parts, Result,
    Store, Transaction,
};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Default)]
struct CountingStore {
    inner: MemoryStore,
    calls: AtomicUsize,
}

impl CountingStore {
    /// The calls `operation` makes.
    fn calls_of<T>(&self, operation: impl FnOnce() -> T) -> usize {
        let before = self.calls.load(Ordering::Relaxed);
        operation();
        self.calls.load(Ordering::Relaxed) - before
    }
}

impl Store for CountingStore {
    fn unit_of_work(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Result<()> {
        self.inner.unit_of_work(access, &mut |tx| {
            work(&mut Counted {
                tx,
                calls: &self.calls,
            })
        })
    }
}

/// A transaction that counts each call and passes it on.
struct Counted<'a> {
    tx: &'a mut dyn Transaction,
    calls: &'a AtomicUsize,
}

macro_rules! counted {
    ($(fn $name:ident(&mut self $(, $arg:ident: $type:ty)*) -> $answer:ty;)*) => {
        impl Transaction for Counted<'_> {
            $(fn $name(&mut self $(, $arg: $type)*) -> $answer {
                self.calls.fetch_add(1, Ordering::Relaxed);
                self.tx.$name($($arg),*)
            })*
        }
    };
}

counted! {
    fn contact(&mut self, id: &str) -> Result<Option<ContactRecord>>;
    fn contact_with(&mut self, id: &str, parts: Parts) -> Result<Option<ContactRecord>>;
    fn contacts_with(&mut self, ids: &[&str], parts: Parts) -> Result<Vec<ContactRecord>>;
    fn contact_id_by(&mut self, identifier: &Identifier) -> Result<Option<String>>;
    fn contact_ids_by(&mut self, identifiers: &[Identifier]) -> Result<Vec<(Identifier, String)>>;
    fn put_contact(&mut self, contact: &ContactRecord) -> Result<()>;
    fn live_contacts(&mut self, after_id: Option<&str>, limit: usize) -> Result<Vec<ContactRecord>>;
    fn count_live_contacts(&mut self) -> Result<u64>;
    fn matching_ids(&mut self, check: &Check, now: DateTime<Utc>, among: Option<&[&str]>, after_id: Option<&str>, limit: usize) -> Result<Vec<String>>;
    fn count_matching(&mut self, check: &Check, now: DateTime<Utc>) -> Result<u64>;
    fn segment_members(&mut self, segment_id: &str, after_id: Option<&str>, limit: usize) -> Result<Vec<ContactRecord>>;
    fn suppressions(&mut self, address: &str) -> Result<Vec<SuppressionRecord>>;
    fn suppressions_at(&mut self, addresses: &[&str]) -> Result<Vec<(String, Vec<SuppressionRecord>)>>;
    fn put_suppressions(&mut self, address: &str, records: &[SuppressionRecord]) -> Result<()>;
    fn categories(&mut self) -> Result<Vec<Category>>;
    fn category(&mut self, key: &str) -> Result<Option<Category>>;
    fn put_category(&mut self, category: &Category) -> Result<()>;
    fn segments(&mut self) -> Result<Vec<Segment>>;
    fn segment(&mut self, id: &str) -> Result<Option<Segment>>;
    fn put_segment(&mut self, segment: &Segment) -> Result<()>;
    fn field_definitions(&mut self) -> Result<Vec<FieldDefinition>>;
    fn put_field_definition(&mut self, definition: &FieldDefinition) -> Result<()>;
    fn delete_category(&mut self, key: &str) -> Result<()>;
    fn delete_segment(&mut self, id: &str) -> Result<()>;
    fn delete_field_definition(&mut self, key: &str) -> Result<()>;
    fn campaign(&mut self, contact_id: &str, message_id: &str) -> Result<Option<Activity>>;
    fn order(&mut self, external_id: &str) -> Result<Option<Activity>>;
    fn put_activity(&mut self, activity: &Activity) -> Result<()>;
    fn activities(&mut self, contact_id: &str, filter: &ActivityFilter) -> Result<Vec<Activity>>;
    fn orders_of(&mut self, contact_ids: &[&str]) -> Result<Vec<Activity>>;
    fn append_changes(&mut self, changes: &[NewChange]) -> Result<()>;
    fn changes_after(&mut self, after: u64, limit: usize) -> Result<(Vec<Change>, u64)>;
    fn merged_into(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>>;
    fn put_merged(&mut self, from: &str, into: &str) -> Result<()>;
    fn move_timeline(&mut self, from: &str, into: &str) -> Result<()>;
    fn remove_contact(&mut self, id: &str) -> Result<()>;
    fn erasure_key(&mut self) -> Result<Vec<u8>>;
    fn has_erased_addresses(&mut self) -> Result<bool>;
}

/// A book of `n` contacts, each with an email, a phone, an order and an unsubscribe.
fn book_of(n: usize) -> (Arc<CountingStore>, ContactBook) {
    let store = Arc::new(CountingStore::default());
    let book = ContactBook::with_store(store.clone())
        .with_clock(Arc::new(ManualClock::new(t0())))
        .with_id_seed(3);
    for i in 0..n {
        let c = create(
            &book,
            json!({"email": format!("p{i}@example.com"), "phone": format!("+38050{:07}", i), "external_id": format!("crm-{i}")}),
        );
        let order = serde_json::from_value(
            json!({"external_id": format!("o-{i}"), "amount": "10", "currency": "EUR", "status": "delivered"}),
        )
        .unwrap();
        book.record_order(&c.id, order).unwrap();
        book.unsubscribe(&c.id, Channel::Email, None, None).unwrap();
    }
    (store, book)
}

#[test]
fn a_page_of_profiles_costs_the_same_calls_for_1_or_100_contacts() {
    let (one_store, one) = book_of(1);
    let (many_store, many) = book_of(100);
    let page = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let for_one = one_store.calls_of(|| one.list(&page).unwrap());
    let for_many = many_store.calls_of(|| {
        let listed = many.list(&page).unwrap();
        assert_eq!(listed.items.len(), 100);
        assert!(listed.items.iter().all(|c| c.order_stats.order_count == 1));
    });
    assert_eq!(for_one, for_many);
    assert!(for_many <= 4, "a page took {for_many} calls");
}

#[test]
fn dynamic_segments_cost_a_page_one_call_each_whatever_its_size() {
    let (one_store, one) = book_of(1);
    let (many_store, many) = book_of(100);
    let rules = [
        json!({"attr": "email", "op": "contains", "value": "@example.com"}),
        json!({"activity": "order", "within": "all"}),
    ];
    for book in [&one, &many] {
        for (i, rule) in rules.iter().enumerate() {
            let rule = Rule::from_value(rule).unwrap();
            book.create_dynamic_segment(&format!("dynamic {i}"), &rule)
                .unwrap();
        }
    }
    let page = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let for_one = one_store.calls_of(|| one.list(&page).unwrap());
    let for_many = many_store.calls_of(|| {
        let listed = many.list(&page).unwrap();
        assert_eq!(listed.items.len(), 100);
        assert!(
            listed.items.iter().all(|c| c.segments.len() == 2),
            "in both dynamic segments"
        );
    });
    assert_eq!(for_one, for_many);
    assert!(
        for_many <= 4 + 2 + rules.len(),
        "a page took {for_many} calls"
    );
}

#[test]
fn can_send_many_costs_the_same_calls_for_1_or_1000_recipients() {
    let (store, book) = book_of(200);
    let names: Vec<String> = (0..1000)
        .map(|i| match i % 4 {
            0 => format!("p{}@example.com", i % 250),
            1 => format!("+38050{:07}", i % 250),
            2 => format!("crm-{}", i % 250),
            _ => "nobody@example.com".to_string(),
        })
        .collect();
    let one = store.calls_of(|| book.can_send_many(&names[..1], Channel::Sms, None).unwrap());
    let all = store.calls_of(|| {
        let decisions = book.can_send_many(&names, Channel::Sms, None).unwrap();
        let allowed = decisions.iter().filter(|d| d.allowed).count();
        // p200..p249 do not exist: a fifth of the three named quarters, and the last quarter.
        assert_eq!(allowed, 600);
    });
    assert_eq!(one, all);
    assert!(all <= 3, "1000 recipients took {all} calls");
}

#[test]
fn the_answers_a_back_end_asks_for_most_take_a_few_calls_each() {
    let (store, book) = book_of(20);
    let id = book.find_by_email("p7@example.com").unwrap().unwrap().id;
    let budget = [
        ("get", store.calls_of(|| book.get(&id).unwrap()), 4),
        (
            "can_send by email",
            store.calls_of(|| {
                book.can_send("p7@example.com", Channel::Email, None)
                    .unwrap()
            }),
            3,
        ),
        (
            "can_send by id",
            store.calls_of(|| book.can_send(&id, Channel::Sms, None).unwrap()),
            2,
        ),
        (
            "upsert of a known email",
            store.calls_of(|| {
                let input = serde_json::from_value(
                    json!({"email": "p7@example.com", "first_name": "Seven"}),
                )
                .unwrap();
                book.upsert(input, DedupeOn::Email).unwrap()
            }),
            7,
        ),
    ];
    for (operation, calls, most) in budget {
        assert!(
            calls <= most,
            "{operation} took {calls} calls, more than {most}"
        );
    }
}
