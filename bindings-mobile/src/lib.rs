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
//! How types cross:
//! - the core's records and enums cross as they are (`#[uniffi::remote]`, the core stays
//!   free of uniffi), their foreign scalars declared once as custom types ([`scalars`]):
//!   instants are `java.time.Instant` / Swift `Date`, decimals and dates strings
//!   (`"120.50"`, `"1990-03-09"`);
//! - a few inputs and outputs are binding records, each saying why in its doc comment: a
//!   [`ContactInput`] attribute is kept when null, set when given and removed when listed
//!   in `clear` (the core's `Patch<T>` is generic); decimals given in an input are strings
//!   read on their field; enum fields with a core default are optional; event parameters
//!   are a JSON object in a string.
//!
//! The modules mirror the core's `model`. A remote declaration repeats the core's fields
//! or variants: one added in the core fails this build until it is added here too.

#![deny(missing_docs)]

uniffi::setup_scaffolding!();

mod activity;
mod async_book;
mod book;
mod change;
mod channel;
mod consent;
mod contact;
mod error;
mod export;
mod field;
mod import;
mod operations;
mod place;
mod portable;
pub mod scalars;
mod segment;
#[cfg(feature = "postgres")]
mod server;
#[cfg(feature = "test-hooks")]
mod test_hooks;

pub use activity::{
    period_from_name, Activity, ActivityPage, ActivityQuery, Event, EventInput, Order, OrderInput,
    OrderItem,
};
pub use async_book::AsyncContactBook;
pub use book::{BookOptions, ContactBook, ImportProgress, ManualClock};
pub use change::{Change, ChangePage};
pub use channel::{channel_from_name, channel_name};
pub use contact::{dedupe_on_from_name, ContactAttribute, ContactInput, ContactPage, ListQuery};
pub use error::{ContactKitError, Result};
pub use export::ContactExport;
pub use field::{field_input_of, FieldDefinition, FieldInput};
pub use import::{DroppedRow, ImportReport, RejectedRow, SuppressionImportReport};
pub use place::LocationInput;
pub use portable::PortableLinePage;
#[cfg(feature = "postgres")]
pub use server::ServerOptions;
