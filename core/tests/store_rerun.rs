//! The book's units of work are safe to run again: a store may roll a unit back and run
//! it once more (a server store does after a serialization failure or a deadlock), and
//! the operation must then answer and write exactly as if it had run once.
//!
//! `RerunningStore` wraps the in-memory store and runs every unit twice: the first
//! attempt in full, then rolled back as a database would roll back an aborted
//! transaction, then the second for real. Every operation is run on a book over it and
//! on a book over a plain `MemoryStore`; ids are drawn afresh by each attempt, so the
//! two books are compared with ids set aside.

mod common;

use common::t0;
use contactkit::{
    Access, CampaignInput, Channel, ContactBook, ContactInput, DedupeOn, Error, EventInput,
    FieldDefinition, FieldInput, FieldType, ListQuery, ManualClock, MemoryStore, OrderInput,
    Result, Store, SuppressionKind, Transaction,
};
use serde_json::{json, Value};
use std::ops::ControlFlow::Continue;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Runs each unit of work twice, throwing the first attempt away.
#[derive(Default)]
struct RerunningStore {
    inner: MemoryStore,
    attempts: AtomicUsize,
}

/// What the first attempt ends with, so that the inner store rolls it back.
const ABORTED: &str = "RerunningStore: first attempt rolled back";

impl Store for RerunningStore {
    fn unit_of_work(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Result<()> {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let first = self.inner.unit_of_work(access, &mut |tx| {
            work(tx)?;
            Err(Error::storage(ABORTED))
        });
        match first {
            // The work itself failed: a store re-runs only what the database aborted.
            Err(Error::Storage { reason, .. }) if reason == ABORTED => {}
            other => return other,
        }
        self.attempts.fetch_add(1, Ordering::Relaxed);
        self.inner.unit_of_work(access, work)
    }

    fn reruns_units(&self) -> bool {
        true
    }
}

fn book_over(store: Arc<dyn Store>) -> ContactBook {
    ContactBook::with_store(store)
        .with_clock(Arc::new(ManualClock::new(t0())))
        .with_id_seed(7)
}

/// An answer with every id (in a value or quoted inside a message) replaced by its place
/// in order of first appearance, so that two books drawing different ids compare equal.
fn without_ids(value: Value, ids: &mut Vec<String>) -> Value {
    match value {
        Value::String(text) => Value::String(ids_replaced(&text, ids)),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| without_ids(v, ids)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, v)| (key, without_ids(v, ids)))
                .collect(),
        ),
        other => other,
    }
}

/// `text` with each UUID-shaped run (8-4-4-4-12 hex digits) replaced by `id#<n>`.
fn ids_replaced(text: &str, ids: &mut Vec<String>) -> String {
    let is_id = |candidate: &str| {
        candidate.len() == 36
            && candidate.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            })
    };
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.get(..36).filter(|candidate| is_id(candidate)) {
            Some(id) => {
                let position = ids.iter().position(|known| known == id).unwrap_or_else(|| {
                    ids.push(id.to_string());
                    ids.len() - 1
                });
                out.push_str(&format!("id#{position}"));
                rest = &rest[36..];
            }
            None => {
                let next = rest.chars().next().map_or(1, char::len_utf8);
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
        }
    }
    out
}

fn to(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap()
}

fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// The same operations on a book, answers as JSON (errors as their text).
fn script(book: &ContactBook) -> Vec<Value> {
    let mut answers = Vec::new();
    let mut say = |answer: Result<Value>| {
        answers.push(match answer {
            Ok(value) => value,
            Err(error) => json!({ "error": error.to_string() }),
        })
    };
    let input = |v: Value| from::<ContactInput>(v);

    say(book
        .define_field(FieldDefinition::new("tier", FieldType::Text))
        .map(to));
    let news = book.define_category("Weekly news").unwrap();
    let ann = book
        .create(input(
            json!({"email": "ann@example.com", "first_name": "Ann"}),
        ))
        .unwrap();
    say(Ok(to(&ann)));
    say(book
        .create(input(json!({"email": "ANN@example.com"})))
        .map(to));
    say(book
        .upsert(
            input(
                json!({"email": "ann@example.com", "last_name": "Lee", "categories": [news.key]}),
            ),
            DedupeOn::Email,
        )
        .map(to));
    say(book
        .sign_up(input(json!({"email": "bob@example.org"})))
        .map(to));
    say(book
        .update(&ann.id, input(json!({"phone": "+380501234567"})))
        .map(to));
    say(book
        .set_field(&ann.id, "tier", FieldInput::Text("gold".into()))
        .map(to));
    say(book
        .unsubscribe(&ann.id, Channel::Email, Some("asked"), None)
        .map(to));
    say(book
        .suppress_address(
            Channel::Email,
            "cy@example.net",
            SuppressionKind::Blacklisted,
            None,
            None,
        )
        .map(to));
    say(book
        .record_event(
            &ann.id,
            from::<EventInput>(json!({"name": "opened_app", "params": {"screen": "home"}})),
        )
        .map(to));
    say(book
        .record_campaign(
            &ann.id,
            from::<CampaignInput>(
                json!({"message_id": "m-1", "channel": "email", "status": "sent"}),
            ),
        )
        .map(to));
    say(book
        .record_order(
            &ann.id,
            from::<OrderInput>(json!({"external_id": "o-1", "amount": "12.50", "currency": "EUR"})),
        )
        .map(to));
    let rows = (0..9_000).map(|n| Ok(input(json!({"email": format!("row{n}@example.com")}))));
    say(book
        .import_contacts(rows, DedupeOn::Email, |_| Continue(()))
        .map(to));
    say(book.delete(&ann.id).map(to));
    say(book.restore(&ann.id).map(to));
    say(book.count().map(to));
    say(book.list(&ListQuery::default()).map(to));
    say(book.can_send(&ann.id, Channel::Email, None).map(to));
    answers
}

#[test]
fn every_operation_answers_as_if_it_ran_once() {
    let rerunning = Arc::new(RerunningStore::default());
    let twice = script(&book_over(rerunning.clone()));
    let once = script(&book_over(Arc::new(MemoryStore::new())));
    let (mut twice_ids, mut once_ids) = (Vec::new(), Vec::new());
    for (step, (twice, once)) in twice.into_iter().zip(once).enumerate() {
        assert_eq!(
            without_ids(twice, &mut twice_ids),
            without_ids(once, &mut once_ids),
            "step {step}"
        );
    }
    assert!(rerunning.attempts.load(Ordering::Relaxed) > 40);
}
