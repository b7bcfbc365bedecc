//! # ContactKit
//!
//! Embeddable contact profiles for messaging and marketing software: who a person is,
//! how to reach them (email, phone, push tokens, web push, Telegram), what they agreed
//! to receive, whether a channel is suppressed and why, which segments they are in,
//! typed additional fields, and a timeline of campaigns, events and orders.
//!
//! Everything goes through a [`ContactBook`]. Each operation is atomic: it applies
//! fully or leaves the book exactly as it was, and bad input is an
//! [`Error::Validation`] naming the field and the value.
//!
//! ```
//! use contactkit::{Channel, ContactBook, ContactInput, DedupeOn, Patch, SendReason};
//!
//! # fn main() -> contactkit::Result<()> {
//! let book = ContactBook::in_memory();
//! let ann = book.upsert(
//!     ContactInput {
//!         email: Patch::Set(" Ann@Example.com ".into()),
//!         first_name: Patch::Set("Ann".into()),
//!         ..Default::default()
//!     },
//!     DedupeOn::Email,
//! )?;
//! assert_eq!(ann.email.as_deref(), Some("ann@example.com"));
//!
//! let news = book.define_category("Weekly news")?;
//! assert_eq!(news.key, "weekly-news");
//! let decision = book.can_send(&ann.id, Channel::Email, Some(&news.key))?;
//! assert_eq!(decision.reason, SendReason::NotInCategory);
//!
//! book.add_category(&ann.id, &news.key)?;
//! assert!(book.can_send(&ann.id, Channel::Email, Some(&news.key))?.allowed);
//!
//! book.unsubscribe(&ann.id, Channel::Email, Some("too many emails"), None)?;
//! assert_eq!(book.can_send(&ann.id, Channel::Email, None)?.reason, SendReason::Unsubscribed);
//! # Ok(())
//! # }
//! ```
//!
//! The domain rules are in `shared/DOMAIN.md`; the modules mirror it: [`model`] is
//! plain data, [`validate`] normalises input, [`consent`] decides suppression and
//! `can_send`, [`store`] is the persistence seam.

#![deny(missing_docs)]

mod book;
pub mod clock;
pub mod consent;
mod error;
pub mod model;
pub mod rule;
#[cfg(feature = "schema")]
pub mod schema;
pub mod store;
pub mod validate;

pub use book::{ContactBook, IntoImportRow, LineKind, ReadRow, Restored, IMPORT_BATCH_ROWS};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result, StoreFailure};
pub use model::*;
pub use rule::Rule;
pub use store::{
    Access, Durability, MemoryStore, PanickingStore, Parts, SqliteOptions, SqliteStore, Store,
    Transaction,
};
#[cfg(feature = "postgres")]
pub use store::{PostgresOptions, PostgresStore};

/// The README's Rust sample, compiled and run as a doctest so it stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The Rust guide's samples (`docs/rust.md`), compiled and run as doctests.
#[doc = include_str!("../../docs/rust.md")]
#[cfg(doctest)]
pub struct RustGuideDoctests;
