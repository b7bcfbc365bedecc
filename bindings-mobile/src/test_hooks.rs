//! What the JVM tests need and an app must never see, compiled only with the cargo
//! feature `test-hooks`: `generate.sh kotlin` (Maven's test build) enables it, while the
//! committed Swift (`generate.sh swift`, `check-swift`) and the Android Kotlin
//! (`generate.sh android`) are generated from a library built without it.

use crate::book::ContactBook;
use contactkit as core;
use contactkit::{Clock, PanickingStore};
use std::collections::HashMap;
use std::sync::{Arc, Once};

/// A clock that panics when read, so that `now()` panics like every other method.
struct PanickingClock;

impl Clock for PanickingClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        panic!("PanickingClock: a deliberate panic inside ContactKit")
    }
}

/// What `PanickingStore` and `PanickingClock` panic with, so that the hook below knows them.
const DELIBERATE: &str = "a deliberate panic inside ContactKit";

/// Keeps the panic hook from printing the deliberate panics (a test makes a hundred);
/// any other panic is printed as before.
fn quiet_deliberate_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = (payload.downcast_ref::<&str>().copied())
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !message.is_some_and(|m| m.contains(DELIBERATE)) {
                print(info)
            }
        }));
    });
}

#[uniffi::export]
impl ContactBook {
    /// A book over `contactkit::PanickingStore` and a clock that panics: every method
    /// panics inside ContactKit, so a test can prove each one throws
    /// `ContactKitException.Internal` and the process lives on.
    #[uniffi::constructor]
    pub fn panicking_for_test() -> Arc<Self> {
        quiet_deliberate_panics();
        let book = core::ContactBook::with_store(Arc::new(PanickingStore));
        Self::over(book.with_clock(Arc::new(PanickingClock)))
    }
}

/// Every record of the core's model by its Rust name, with the keys serde reads and
/// writes it with (`contactkit::schema::properties`), for the test that checks the
/// records Kotlin sees against the core's.
#[uniffi::export]
pub fn core_record_keys_for_test() -> HashMap<String, Vec<String>> {
    as_lists(contactkit::schema::properties())
}

/// Every string enum of the core's model by its Rust name, with the strings it takes
/// (`contactkit::schema::values`), for the same test.
#[uniffi::export]
pub fn core_enum_values_for_test() -> HashMap<String, Vec<String>> {
    as_lists(contactkit::schema::values())
}

fn as_lists<S: IntoIterator<Item = String>>(
    described: std::collections::BTreeMap<&'static str, S>,
) -> HashMap<String, Vec<String>> {
    described
        .into_iter()
        .map(|(name, items)| (name.to_string(), items.into_iter().collect()))
        .collect()
}
