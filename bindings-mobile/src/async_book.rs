//! `AsyncContactBook`: the same book, with every operation a Kotlin `suspend fun` and a
//! Swift `async` method. The operations themselves are declared once, in
//! [`crate::operations`]; this module holds the type and its constructors.

use crate::book::{BookOptions, ContactBook};
use crate::error::Result;
use std::sync::Arc;

/// A book whose operations suspend (Kotlin) or `await` (Swift) instead of blocking the
/// calling thread: each runs the matching `ContactBook` operation on a pooled background
/// thread, so a coroutine on `Dispatchers.Main` or a `@MainActor` task may call it.
///
/// It is the same book as the `ContactBook` it came from (`ContactBook.asyncBook()`):
/// writes through either are seen by both. Cancelling the coroutine or task stops the
/// wait, not the operation: one already started still commits or rolls back as a whole,
/// and its answer is dropped.
#[derive(Debug, uniffi::Object)]
pub struct AsyncContactBook {
    blocking: Arc<ContactBook>,
}

impl AsyncContactBook {
    /// The book behind this one; the operations run on it.
    pub(crate) fn blocking(&self) -> &Arc<ContactBook> {
        &self.blocking
    }

    pub(crate) fn over(blocking: Arc<ContactBook>) -> Arc<Self> {
        Arc::new(AsyncContactBook { blocking })
    }

    /// Runs a constructor of `ContactBook` on a background thread: opening a file reads
    /// it and may migrate it.
    async fn opened(
        open: impl FnOnce() -> Result<Arc<ContactBook>> + Send + 'static,
    ) -> Result<Arc<Self>> {
        blocking::unblock(open).await.map(Self::over)
    }
}

#[uniffi::export]
impl AsyncContactBook {
    /// Like `ContactBook.open`, without blocking the caller.
    #[uniffi::constructor]
    pub async fn open(path: String) -> Result<Arc<Self>> {
        Self::opened(move || ContactBook::open(path)).await
    }

    /// Like `ContactBook.openWith`, without blocking the caller.
    #[uniffi::constructor]
    pub async fn open_with(path: String, options: BookOptions) -> Result<Arc<Self>> {
        Self::opened(move || ContactBook::open_with(path, options)).await
    }

    /// A book kept in process memory, like `ContactBook.inMemory`.
    #[uniffi::constructor]
    pub fn in_memory() -> Arc<Self> {
        Self::over(ContactBook::in_memory())
    }

    /// Like `ContactBook.inMemoryWith`.
    #[uniffi::constructor]
    pub fn in_memory_with(options: BookOptions) -> Result<Arc<Self>> {
        ContactBook::in_memory_with(options).map(Self::over)
    }

    /// The same book with blocking operations.
    pub fn blocking_book(&self) -> Arc<ContactBook> {
        Arc::clone(&self.blocking)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ContactInput;

    /// Drives a future on this thread; the operation itself runs on blocking's pool.
    fn wait<F: std::future::Future>(future: F) -> F::Output {
        futures_lite::future::block_on(future)
    }

    #[test]
    fn both_forms_are_one_book() {
        let book = AsyncContactBook::in_memory();
        let input = ContactInput {
            email: Some("ada@example.com".into()),
            ..ContactInput::default()
        };
        let created = wait(book.create(input)).unwrap();
        let blocking = book.blocking_book();
        assert_eq!(
            blocking.get(created.id.clone()).unwrap(),
            Some(created.clone())
        );
        assert_eq!(wait(blocking.async_book().count()).unwrap(), 1);
    }

    #[test]
    fn an_async_operation_fails_as_the_blocking_one_does() {
        let book = AsyncContactBook::in_memory();
        let bad = || ContactInput {
            email: Some("not an email".into()),
            ..ContactInput::default()
        };
        let blocking = book.blocking_book().create(bad()).unwrap_err();
        assert_eq!(wait(book.create(bad())).unwrap_err(), blocking);
        assert_eq!(wait(book.count()).unwrap(), 0);
    }
}
