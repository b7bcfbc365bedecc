//! # ContactKit for Kotlin and Swift
//!
//! The uniffi binding of [`contactkit`]: a `ContactBook` object with every operation of
//! the vocabulary (camelCase in Kotlin and Swift), records for inputs and outputs, enums
//! for statuses, channels and kinds, and one error type (`ContactKitException` in Kotlin,
//! `ContactKitError` in Swift). This crate only converts: every rule lives in the core.
//!
//! Built as a `cdylib` (Android, the JVM tests), a `staticlib` (iOS XCFramework) and a Rust
//! `lib` (tests, and `uniffi-bindgen`'s library mode). Generate the bindings with
//!
//! ```text
//! cargo build -p contactkit-mobile
//! cargo run -p uniffi-bindgen -- generate --library target/debug/libcontactkit_mobile.so \
//!     --language kotlin --config bindings-mobile/uniffi.toml --out-dir OUT
//! ```
//!
//! How types cross (see `records`):
//! - instants are uniffi timestamps (`java.time.Instant`, Swift `Date`);
//! - decimals are strings (`"120.50"`);
//! - additional field values are typed enums, [`FieldValue`] out and [`FieldInput`] in;
//! - a [`ContactInput`] attribute is kept when null, set when given and removed when
//!   listed in `clear`;
//! - event parameters are a JSON object in a string.

#![deny(missing_docs)]

uniffi::setup_scaffolding!();

mod book;
mod enums;
mod error;
mod records;

pub use book::{BookOptions, ContactBook, ImportProgress, ManualClock};
pub use enums::{
    channel_from_name, channel_name, dedupe_on_from_name, period_from_name, ActivityColor,
};
pub use error::{ContactKitError, Result};
pub use records::*;
