//! Helpers shared by the integration tests: books on a manual clock, inputs built
//! from JSON, and assertions on error variants and their fields.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use contactkit::{
    Contact, ContactBook, ContactInput, DedupeOn, DeviceInput, Error, ManualClock, Platform,
    Result, WebPushInput,
};
use std::sync::Arc;

/// A valid uncompressed P-256 point (base64url): a browser's `p256dh` key.
pub const P256DH: &str =
    "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
/// A valid 16-byte auth secret (base64url).
pub const AUTH: &str = "tBHItJI5svbpez7KI4CCXg";

/// The instant every manual clock starts at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

/// An in-memory book on a manual clock stopped at [`t0`], and the clock.
pub fn clocked() -> (ContactBook, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0()));
    let book = ContactBook::in_memory().with_clock(clock.clone());
    (book, clock)
}

/// A [`ContactInput`] from JSON: an absent key keeps, `null` clears.
#[track_caller]
pub fn input(json: serde_json::Value) -> ContactInput {
    serde_json::from_value(json).expect("a valid ContactInput")
}

/// Creates a contact from JSON and returns it.
#[track_caller]
pub fn create(book: &ContactBook, json: serde_json::Value) -> Contact {
    book.create(input(json)).expect("create")
}

/// Upserts a contact from JSON.
#[track_caller]
pub fn upsert(book: &ContactBook, json: serde_json::Value, on: DedupeOn) -> Contact {
    book.upsert(input(json), on).expect("upsert")
}

/// The live contact with `id`; panics if there is none.
#[track_caller]
pub fn get(book: &ContactBook, id: &str) -> Contact {
    book.get(id).expect("get").expect("a live contact")
}

/// A mobile push device of `app` / `device` with `token`.
pub fn device(app: &str, device: &str, token: Option<&str>) -> DeviceInput {
    DeviceInput {
        app_id: app.into(),
        device_id: device.into(),
        token: token.map(Into::into),
        platform: Some(Platform::Android),
        ..Default::default()
    }
}

/// A valid web push subscription at `endpoint` (flat keys).
pub fn web_push(endpoint: &str) -> WebPushInput {
    WebPushInput {
        endpoint: endpoint.into(),
        p256dh: Some(P256DH.into()),
        auth: Some(AUTH.into()),
        ..Default::default()
    }
}

/// Asserts `result` is an `Error::Validation` naming `field`.
#[track_caller]
pub fn assert_validation<T: std::fmt::Debug>(result: Result<T>, field: &str) -> Error {
    match result {
        Err(e @ Error::Validation { .. }) => {
            assert_eq!(e.field(), Some(field), "wrong field in {e}");
            e
        }
        other => panic!("expected a validation error on {field}, got {other:?}"),
    }
}

/// Asserts `result` is an `Error::Conflict` on `field`.
#[track_caller]
pub fn assert_conflict<T: std::fmt::Debug>(result: Result<T>, field: &str) -> Error {
    match result {
        Err(e @ Error::Conflict { .. }) => {
            assert_eq!(e.field(), Some(field), "wrong field in {e}");
            e
        }
        other => panic!("expected a conflict on {field}, got {other:?}"),
    }
}

/// Asserts `result` is an `Error::NotFound` of the thing `what`.
#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T>, what: &str) -> Error {
    match result {
        Err(Error::NotFound { what: w, id }) => {
            assert_eq!(w, what, "not-found of the wrong thing ({id})");
            Error::NotFound { what: w, id }
        }
        other => panic!("expected {what} not found, got {other:?}"),
    }
}
