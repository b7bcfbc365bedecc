//! Fuzz targets over the core, one function per input parser.
//!
//! Each takes arbitrary bytes, feeds them to the parser the way a caller would, and
//! panics only when a rule of DOMAIN.md ("Limits on input") is broken:
//! - the answer is a value or a ContactKit error, never a panic or a storage error
//!   (a storage error on a good store means a value was accepted that cannot be kept);
//! - on an error nothing was written;
//! - what was accepted reads back unchanged;
//! - the in-memory reference store and the SQLite store give the same answer.
//!
//! Also compiled into `core/tests/fuzz_replay.rs`, so it needs only core's crates.

use chrono::{TimeZone, Utc};
use contactkit::{
    validate, ActivityQuery, Contact, ContactBook, ContactInput, DedupeOn, Error, EventInput,
    FieldDefinition, FieldInput, FieldType, ListQuery, ManualClock, MemoryStore, Period, Result,
    SqliteStore, WebPushInput,
};
use std::sync::Arc;

/// Every target, by name: what `cargo fuzz run <name>` and the replay test use.
pub const TARGETS: &[crate::replay::Target] = &[
    ("contact_input", contact_input),
    ("field_value", field_value),
    ("event_params", event_params),
    ("web_push_keys", web_push_keys),
    ("phone", phone),
    ("email", email),
    ("cursor", cursor),
];

/// The same book twice: the reference store and SQLite, on one clock and id seed, so
/// their answers can be compared exactly. Each holds one contact and a field of
/// every type.
struct Books {
    memory: ContactBook,
    sqlite: ContactBook,
    contact_id: String,
}

impl Books {
    fn new() -> Self {
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
        ));
        let book = |store: Arc<dyn contactkit::Store>| {
            ContactBook::with_store(store)
                .with_clock(clock.clone())
                .with_id_seed(7)
        };
        let memory = book(Arc::new(MemoryStore::new()));
        let sqlite = book(Arc::new(
            SqliteStore::open_in_memory().expect("in-memory SQLite"),
        ));
        let mut contact_id = String::new();
        for book in [&memory, &sqlite] {
            for (key, field_type) in FIELD_TYPES {
                let mut definition = FieldDefinition::new(*key, *field_type);
                if matches!(field_type, FieldType::List | FieldType::Multilist) {
                    definition.options = vec!["gold".into(), "silver".into()];
                }
                book.define_field(definition).expect("a valid definition");
            }
            book.define_category("News").expect("a valid category");
            book.create_segment("VIP").expect("a valid segment");
            let ann: ContactInput =
                serde_json::from_str(r#"{"email": "ann@example.com", "external_id": "crm-1"}"#)
                    .expect("a valid input");
            contact_id = book.create(ann).expect("a valid contact").id;
        }
        Books {
            memory,
            sqlite,
            contact_id,
        }
    }

    /// Runs `operation` on both books; both must agree, and an error must be one a
    /// caller could cause (never storage) and leave the book as it was.
    fn apply<T: PartialEq + std::fmt::Debug>(
        &self,
        operation: impl Fn(&ContactBook) -> Result<T>,
    ) -> Result<T> {
        let before = snapshot(&self.memory);
        let memory = operation(&self.memory);
        let sqlite = operation(&self.sqlite);
        assert_eq!(memory, sqlite, "the stores disagree");
        match &memory {
            Ok(_) => assert_eq!(snapshot(&self.memory), snapshot(&self.sqlite)),
            Err(error) => {
                assert_caller_error(error);
                assert_eq!(snapshot(&self.memory), before, "a failed call wrote");
                assert_eq!(snapshot(&self.sqlite), before, "a failed call wrote");
            }
        }
        memory
    }
}

const FIELD_TYPES: &[(&str, FieldType)] = &[
    ("text", FieldType::Text),
    ("textarea", FieldType::Textarea),
    ("number", FieldType::Number),
    ("decimal", FieldType::Decimal),
    ("date", FieldType::Date),
    ("datetime", FieldType::Datetime),
    ("boolean", FieldType::Boolean),
    ("list", FieldType::List),
    ("multilist", FieldType::Multilist),
];

/// Everything a caller can read: every live contact and its whole timeline. Reading
/// it at all is the "accepted values read back" check.
fn snapshot(book: &ContactBook) -> (Vec<Contact>, Vec<contactkit::Activity>) {
    let contacts = book
        .list(&ListQuery {
            limit: Some(1000),
            cursor: None,
        })
        .expect("every accepted contact reads back")
        .items;
    let query = ActivityQuery {
        period: Period::All,
        limit: Some(1000),
        ..Default::default()
    };
    let activity = contacts
        .iter()
        .flat_map(|c| {
            book.activity(&c.id, &query)
                .expect("every accepted item reads back")
                .items
        })
        .collect();
    (contacts, activity)
}

fn assert_caller_error(error: &Error) {
    assert!(
        !matches!(error, Error::Storage { .. }),
        "a storage error means the book took a value it cannot keep: {error}"
    );
}

/// Arbitrary bytes as JSON (serde_json bounds its own recursion), or nothing.
fn json<T: serde::de::DeserializeOwned>(data: &[u8]) -> Option<T> {
    serde_json::from_slice(data).ok()
}

/// A contact input as JSON (the shape every binding sends), upserted on each key.
pub fn contact_input(data: &[u8]) {
    let Some(input) = json::<ContactInput>(data) else {
        return;
    };
    let books = Books::new();
    let dedupe = [DedupeOn::Email, DedupeOn::ExternalId, DedupeOn::Phone][data.len() % 3];
    if let Ok(contact) = books.apply(|book| book.upsert(input.clone(), dedupe)) {
        let read = books.memory.get(&contact.id).expect("reads back");
        assert_eq!(read.as_ref(), Some(&contact));
    }
}

/// A field value: the first byte picks the field type, the rest is the value as
/// text (the platform's string form) and, when it parses, as JSON.
pub fn field_value(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (key, _) = FIELD_TYPES[usize::from(selector) % FIELD_TYPES.len()];
    let books = Books::new();
    let mut values = vec![FieldInput::Text(String::from_utf8_lossy(rest).into_owned())];
    values.extend(json::<FieldInput>(rest));
    for value in values {
        if let Ok(contact) =
            books.apply(|book| book.set_field(&books.contact_id, key, value.clone()))
        {
            let read = books.memory.get(&contact.id).expect("reads back");
            assert_eq!(read.map(|c| c.fields), Some(contact.fields));
        }
    }
}

/// An event as JSON: name, key value, params of any shape and size, workflows, time.
pub fn event_params(data: &[u8]) {
    let Some(input) = json::<EventInput>(data) else {
        return;
    };
    let books = Books::new();
    if let Ok(event) = books.apply(|book| book.record_event(&books.contact_id, input.clone())) {
        let query = ActivityQuery {
            period: Period::All,
            ..Default::default()
        };
        let items = books
            .sqlite
            .activity(&books.contact_id, &query)
            .unwrap()
            .items;
        assert_eq!(items, vec![event], "the event reads back as recorded");
    }
}

/// A web push subscription: endpoint, p256dh and auth separated by 0xFF bytes, given
/// flat and nested as browsers serialise it.
pub fn web_push_keys(data: &[u8]) {
    let mut parts = data
        .split(|&b| b == 0xFF)
        .map(|part| String::from_utf8_lossy(part).into_owned());
    let (endpoint, p256dh, auth) = (parts.next().unwrap_or_default(), parts.next(), parts.next());
    let flat = WebPushInput {
        endpoint: endpoint.clone(),
        p256dh: p256dh.clone(),
        auth: auth.clone(),
        ..Default::default()
    };
    let nested: Option<WebPushInput> = serde_json::from_value(serde_json::json!({
        "endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}
    }))
    .ok();
    let books = Books::new();
    for input in std::iter::once(flat).chain(nested) {
        if let Ok(contact) = books.apply(|book| book.add_web_push(&books.contact_id, input.clone()))
        {
            let read = books.memory.get(&contact.id).expect("reads back");
            assert_eq!(read.map(|c| c.web_push), Some(contact.web_push));
        }
    }
}

/// A phone number in any form, read with no region and with a few; what parses is
/// E.164 and parses again to itself.
pub fn phone(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for region in [None, Some("UA"), Some("GB"), Some("US"), Some("IN")] {
        if let Ok(e164) = validate::normalize_phone(&text, region) {
            assert!(e164.starts_with('+'), "{e164}");
            assert_eq!(validate::normalize_phone(&e164, None).as_ref(), Ok(&e164));
        } else if let Err(error) = validate::normalize_phone(&text, region) {
            assert_eq!(error.field(), Some("phone"));
        }
    }
}

/// An email address in any form: what is accepted is normal and stays so.
pub fn email(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match validate::normalize_email(&text) {
        Ok(email) => assert_eq!(validate::normalize_email(&email).as_ref(), Ok(&email)),
        Err(error) => assert_eq!(error.field(), Some("email")),
    }
}

/// A page cursor and limit as a caller might forge them: a page or a validation
/// error naming `cursor` or `limit`, never an empty last page for junk.
pub fn cursor(data: &[u8]) {
    let limit = data.first().map(|&b| u32::from(b) * 5);
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default()).into_owned();
    let books = Books::new();
    let list = ListQuery {
        limit,
        cursor: Some(text.clone()),
    };
    let segment = books.memory.segments().unwrap()[0].id.clone();
    let activity = ActivityQuery {
        cursor: Some(text),
        limit,
        ..Default::default()
    };
    let answers = [
        books.apply(|book| book.list(&list).map(|page| page.items.len())),
        books.apply(|book| {
            book.segment_members(&segment, &list)
                .map(|page| page.items.len())
        }),
        books.apply(|book| {
            book.activity(&books.contact_id, &activity)
                .map(|page| page.items.len())
        }),
    ];
    for error in answers.iter().filter_map(|answer| answer.as_ref().err()) {
        assert!(matches!(error.field(), Some("cursor" | "limit")), "{error}");
    }
}
