//! Books on a PostgreSQL server, for Kotlin on the JVM (a back end sharing one contact
//! base between processes). Compiled only with the cargo feature `postgres`, which the
//! JVM jar and its tests enable; the Android and iOS libraries leave it out, since a
//! phone keeps its book in a file and the server client would only add to its size.

use crate::async_book::AsyncContactBook;
use crate::book::{ContactBook, ManualClock};
use crate::error::{guard, Result};
use contactkit as core;
use std::sync::Arc;
use std::time::Duration;

/// How a book on a server is reached. Every setting is optional.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ServerOptions {
    /// The schema the book lives in, so several books can share one database
    /// (`public` when null): a lowercase identifier, created if missing.
    #[uniffi(default)]
    pub schema: Option<String>,
    /// The most connections the book keeps open at once; 8 when null, at least 1.
    #[uniffi(default)]
    pub pool_size: Option<i32>,
    /// How long connecting may take, in milliseconds; 10,000 when null.
    #[uniffi(default)]
    pub connect_timeout_ms: Option<u32>,
    /// Region (ISO 3166-1 alpha-2) national phone numbers are read in when a contact
    /// has no address country.
    #[uniffi(default)]
    pub default_region: Option<String>,
    /// A manual clock for every stamp instead of the system clock (tests).
    #[uniffi(default)]
    pub clock: Option<Arc<ManualClock>>,
}

impl ServerOptions {
    fn connect(self, url: &str) -> core::Result<core::ContactBook> {
        // Zero is the core's to refuse; a negative size is not a size at all.
        let pool_size = self
            .pool_size
            .map(|size| {
                u32::try_from(size).map_err(|_| {
                    core::Error::validation("pool_size", size.to_string(), "must be at least 1")
                })
            })
            .transpose()?;
        let options = core::PostgresOptions::given(
            self.schema,
            pool_size,
            self.connect_timeout_ms
                .map(|ms| Duration::from_millis(ms.into())),
        );
        let book =
            core::ContactBook::connect_in_region(url, &options, self.default_region.as_deref())?;
        Ok(match self.clock {
            Some(clock) => book.with_clock(clock.shared()),
            None => book,
        })
    }
}

#[uniffi::export]
impl ContactBook {
    /// Connects to a book in a PostgreSQL database
    /// (`postgresql://user:password@host:port/database`), shared by every process that
    /// connects to it. A bad URL, an unreachable server, a wrong password, another
    /// application's schema and a book from a newer ContactKit are `Storage` errors
    /// saying so, never quoting the password.
    #[uniffi::constructor]
    pub fn connect(url: String) -> Result<Arc<Self>> {
        Self::connect_with(url, ServerOptions::default())
    }

    /// Like `connect`, with settings.
    #[uniffi::constructor]
    pub fn connect_with(url: String, options: ServerOptions) -> Result<Arc<Self>> {
        guard(|| Ok(Self::over(options.connect(&url)?)))
    }
}

#[uniffi::export]
impl AsyncContactBook {
    /// Like `ContactBook.connect`, without blocking the caller.
    #[uniffi::constructor]
    pub async fn connect(url: String) -> Result<Arc<Self>> {
        Self::connect_with(url, ServerOptions::default()).await
    }

    /// Like `ContactBook.connectWith`, without blocking the caller.
    #[uniffi::constructor]
    pub async fn connect_with(url: String, options: ServerOptions) -> Result<Arc<Self>> {
        let book = blocking::unblock(move || ContactBook::connect_with(url, options)).await?;
        Ok(book.async_book())
    }
}
