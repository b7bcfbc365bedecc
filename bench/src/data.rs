//! The synthetic book every workload uses: contact `i` has an email, a phone, two
//! push tokens, three additional fields (text, number, date) and one static segment.
//! The same values feed `import_contacts` and the raw loader, which writes them in
//! the normalised form the store keeps.

use chrono::NaiveDate;
use contactkit::{
    ContactBook, ContactInput, DeviceInput, FieldDefinition, FieldInput, FieldType, Patch, Platform,
};
use contactkit_cli::random::SampleRng;

/// The static segment every bench contact is in.
pub const SEGMENT_NAME: &str = "Bench";
/// The app the push tokens belong to.
pub const APP_ID: &str = "com.example.shop";

/// The three additional fields: text, number, date.
pub fn field_definitions() -> Vec<FieldDefinition> {
    vec![
        FieldDefinition::new("nickname", FieldType::Text),
        FieldDefinition::new("score", FieldType::Number),
        FieldDefinition::new("birthday", FieldType::Date),
    ]
}

/// Defines the fields and the segment in a book; returns the segment id.
pub fn prepare_book(book: &ContactBook) -> String {
    for definition in field_definitions() {
        book.define_field(definition).expect("define field");
    }
    book.create_segment(SEGMENT_NAME).expect("segment").id
}

pub fn email(i: usize) -> String {
    format!("user{i}@example.com")
}

/// A valid UK mobile number, already in E.164 form (unique below 50 million).
pub fn phone(i: usize) -> String {
    format!("+4474{i:08}")
}

pub fn nickname(i: usize) -> String {
    format!("nick{i}")
}

pub fn score(i: usize) -> i64 {
    i as i64
}

pub fn birthday(i: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Days::new((i % 20_000) as u64)
}

/// The app's device id of device `k` of contact `i`.
pub fn device_id(i: usize, k: usize) -> String {
    format!("device-{i}-{k}")
}

/// A 64-hex-digit token (the length of an APNs token), random-looking like real ones.
pub fn token(i: usize, k: usize) -> String {
    SampleRng::new(i as u64, k as u64).hex(32)
}

/// Device `k` is an iPhone, device 1 an Android phone.
pub fn platform(k: usize) -> Platform {
    if k == 0 {
        Platform::Ios
    } else {
        Platform::Android
    }
}

/// Contact `i` as import input.
pub fn input(i: usize, segment_id: &str) -> ContactInput {
    let device = |k| DeviceInput {
        app_id: APP_ID.into(),
        device_id: device_id(i, k),
        token: Some(token(i, k)),
        platform: Some(platform(k)),
        ..Default::default()
    };
    ContactInput {
        email: Patch::Set(email(i)),
        phone: Patch::Set(phone(i)),
        mobile_push: Patch::Set(vec![device(0), device(1)]),
        segments: Patch::Set(vec![segment_id.to_string()]),
        fields: [
            ("nickname", FieldInput::Text(nickname(i))),
            ("score", FieldInput::Integer(score(i))),
            ("birthday", FieldInput::Date(birthday(i))),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_string(), Some(value)))
        .collect(),
        ..Default::default()
    }
}
