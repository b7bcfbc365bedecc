//! `ContactBook` for Kotlin and Swift: the object, its settings and its constructors.
//! Its operations (every one of the vocabulary, in camelCase) are in [`crate::operations`].
//!
//! Every call is synchronous and thread-safe: one book may be shared by any number of
//! threads (the core serialises writes). Calls touch local storage, so apps run them off
//! the main thread, or use the suspending / `async` forms of `AsyncContactBook`; see
//! docs/mobile.md.

use crate::async_book::AsyncContactBook;
use crate::error::{guard, Result};
use crate::scalars::UtcDateTime;
use contactkit as core;
use contactkit::validate::limits::check_instant;
use contactkit::{Durability, SqliteOptions};
use std::sync::Arc;
use std::time::Duration;

/// How a book stores commits (SQLite files only).
#[uniffi::remote(Enum)]
pub enum Durability {
    /// Survives a killed process; a power cut may lose the latest commits.
    Normal,
    /// Survives a power cut too, at the cost of an fsync per commit.
    Full,
}

/// A clock that moves only when told to. Give it to a book (`BookOptions.clock`) to
/// pin every stamp the book writes: tests, previews, simulations.
#[derive(Debug, uniffi::Object)]
pub struct ManualClock {
    clock: Arc<core::ManualClock>,
}

#[uniffi::export]
impl ManualClock {
    /// A clock stopped at `start` (kept to the millisecond), within the years 1 to 9999
    /// like every instant a book stamps.
    #[uniffi::constructor]
    pub fn new(start: UtcDateTime) -> Result<Arc<Self>> {
        guard(|| {
            Ok(Arc::new(ManualClock {
                clock: Arc::new(core::ManualClock::new(check_instant("start", start)?)),
            }))
        })
    }

    /// Sets the time (within the years 1 to 9999).
    pub fn set(&self, at: UtcDateTime) -> Result<()> {
        guard(|| {
            self.clock.set(check_instant("at", at)?);
            Ok(())
        })
    }

    /// Moves the time forward by `by`, as far as the end of the year 9999.
    pub fn advance(&self, by: Duration) -> Result<()> {
        guard(|| {
            let by = chrono::Duration::from_std(by).map_err(|_| {
                core::Error::validation("by", format!("{by:?}"), "moves the clock out of range")
            })?;
            Ok(self.clock.advance(by)?)
        })
    }

    /// The clock's time.
    pub fn now(&self) -> UtcDateTime {
        use contactkit::Clock;
        self.clock.now()
    }
}

impl ManualClock {
    /// The core's clock, for a book to read.
    pub(crate) fn shared(&self) -> Arc<core::ManualClock> {
        self.clock.clone()
    }
}

/// How a book is set up. Every setting is optional.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct BookOptions {
    /// Region (ISO 3166-1 alpha-2, e.g. `UA`) national phone numbers are read in when a
    /// contact has no address country.
    #[uniffi(default)]
    pub default_region: Option<String>,
    /// Commit durability of a SQLite file; `NORMAL` when null. Ignored in memory.
    #[uniffi(default)]
    pub durability: Option<Durability>,
    /// How long a write waits, in milliseconds, for the write lock another connection or
    /// process holds on the SQLite file before failing with `Storage`; 30,000 when null,
    /// at most 2,147,483,647 (SQLite's limit). Ignored in memory.
    #[uniffi(default)]
    pub busy_timeout_ms: Option<u32>,
    /// A manual clock for every stamp instead of the system clock.
    #[uniffi(default)]
    pub clock: Option<Arc<ManualClock>>,
}

/// Told how many rows an import has done after every batch of 4000 rows.
///
/// Throwing from `onProgress` cancels the import: the batches already reported stay
/// written, the rest of the rows are not read, and `importContacts` throws what the
/// callback threw (a `ContactKitException` as it is, anything else as `Internal`).
#[uniffi::export(foreign)]
pub trait ImportProgress: Send + Sync {
    /// `done` rows of the input are written (or rejected) so far.
    fn on_progress(&self, done: i64) -> Result<()>;
}

/// A book of contact profiles: a SQLite file (`ContactBook.open(path)`) or memory
/// (`ContactBook.inMemory()`). Each operation is atomic: it applies fully or leaves the
/// book exactly as it was, and bad input is a `Validation` error naming the field.
#[derive(Debug, uniffi::Object)]
pub struct ContactBook {
    pub(crate) book: core::ContactBook,
}

impl ContactBook {
    /// The binding's book over `book`, as it is.
    pub(crate) fn over(book: core::ContactBook) -> Arc<Self> {
        Arc::new(ContactBook { book })
    }

    fn configured(book: core::ContactBook, options: BookOptions) -> Result<Arc<Self>> {
        let mut book = match options.clock {
            Some(clock) => book.with_clock(clock.shared()),
            None => book,
        };
        if let Some(region) = &options.default_region {
            book = book.with_default_region(region)?;
        }
        Ok(Arc::new(ContactBook { book }))
    }

    /// The core's SQLite settings from `options`; the core refuses a busy timeout SQLite
    /// cannot take.
    fn sqlite_options(options: &BookOptions) -> SqliteOptions {
        let defaults = SqliteOptions::default();
        SqliteOptions {
            durability: options.durability.unwrap_or(defaults.durability),
            busy_timeout: options
                .busy_timeout_ms
                .map_or(defaults.busy_timeout, |ms| Duration::from_millis(ms.into())),
        }
    }

    /// The core book (Rust callers and tests).
    pub fn core(&self) -> &core::ContactBook {
        &self.book
    }
}

#[uniffi::export]
impl ContactBook {
    /// Opens (or creates) a book in the SQLite file at `path`. A file that is not a
    /// ContactKit database, or comes from a newer version, is a `Storage` error and is
    /// left untouched.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>> {
        guard(|| Self::configured(core::ContactBook::open(path)?, BookOptions::default()))
    }

    /// A book kept in process memory (nothing survives the process).
    #[uniffi::constructor]
    pub fn in_memory() -> Arc<Self> {
        Self::over(core::ContactBook::in_memory())
    }

    /// Like `open`, with settings.
    #[uniffi::constructor]
    pub fn open_with(path: String, options: BookOptions) -> Result<Arc<Self>> {
        guard(|| {
            let sqlite = Self::sqlite_options(&options);
            let region = options.default_region.as_deref();
            let book = core::ContactBook::open_in_region(path, &sqlite, region)?;
            Self::configured(book, options)
        })
    }

    /// Like `inMemory`, with settings.
    #[uniffi::constructor]
    pub fn in_memory_with(options: BookOptions) -> Result<Arc<Self>> {
        guard(|| Self::configured(core::ContactBook::in_memory(), options))
    }

    /// The same book with suspending (Kotlin) / `async` (Swift) operations.
    pub fn async_book(self: Arc<Self>) -> Arc<AsyncContactBook> {
        AsyncContactBook::over(self)
    }
}
