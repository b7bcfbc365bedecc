//! The public error: `ContactKitException` in Kotlin (a sealed class), `ContactKitError`
//! in Swift (an enum). One variant per `contactkit::Error` variant, with the same
//! fields, plus `Internal` for a Rust panic, so a caller catching `ContactKitException`
//! catches everything the library throws.
//!
//! No field is named `message`: Kotlin exceptions already have one (`Throwable.message`),
//! which uniffi fills with every field (`field=email, value=…, reason=…`).

use contactkit as core;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Everything a ContactKit call can fail with. Bad input never writes anything.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum ContactKitError {
    /// The input broke a rule; nothing was written.
    Validation {
        /// The input field at fault, e.g. `email`, `fields.birthday`, `channel`.
        field: String,
        /// The offending value as given (shortened when long).
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The thing named does not exist (or is a deleted contact).
    NotFound {
        /// What kind of thing: `contact`, `segment`, `category`, `field`.
        what: String,
        /// The id or key that was looked up.
        id: String,
    },
    /// A unique value already belongs to another contact.
    Conflict {
        /// The unique field, e.g. `email`.
        field: String,
        /// The value that clashed.
        value: String,
        /// Who holds it, in words, e.g. `contact 0190…`.
        existing: String,
        /// The id of what holds it (a contact id, a segment id, a category or field key).
        existing_id: String,
    },
    /// The store failed or the file cannot be used; the operation was rolled back.
    Storage {
        /// What the store reported.
        reason: String,
        /// Whether the same call, unchanged, may succeed later (the store was busy or
        /// out of reach for a while); false when something must change first.
        retryable: bool,
    },
    /// A bug in ContactKit (a Rust panic) stopped the call; the operation was rolled
    /// back and the book can still be used. Please report it with `reason`.
    Internal {
        /// The panic's message.
        reason: String,
    },
}

impl std::fmt::Display for ContactKitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContactKitError::Validation {
                field,
                value,
                reason,
            } => core::Error::Validation {
                field: field.clone(),
                value: value.clone(),
                reason: reason.clone(),
            }
            .fmt(f),
            ContactKitError::NotFound { what, id } => core::Error::NotFound {
                what: what.clone(),
                id: id.clone(),
            }
            .fmt(f),
            ContactKitError::Conflict {
                field,
                value,
                existing,
                existing_id,
            } => core::Error::Conflict {
                field: field.clone(),
                value: value.clone(),
                existing: existing.clone(),
                existing_id: existing_id.clone(),
            }
            .fmt(f),
            ContactKitError::Storage { reason, .. } => core::Error::storage(reason.clone()).fmt(f),
            ContactKitError::Internal { reason } => write!(f, "internal error: {reason}"),
        }
    }
}

impl std::error::Error for ContactKitError {}

impl From<core::Error> for ContactKitError {
    fn from(error: core::Error) -> Self {
        match error {
            core::Error::Validation {
                field,
                value,
                reason,
            } => ContactKitError::Validation {
                field,
                value,
                reason,
            },
            core::Error::NotFound { what, id } => ContactKitError::NotFound { what, id },
            core::Error::Conflict {
                field,
                value,
                existing,
                existing_id,
            } => ContactKitError::Conflict {
                field,
                value,
                existing,
                existing_id,
            },
            core::Error::Storage {
                reason, retryable, ..
            } => ContactKitError::Storage { reason, retryable },
        }
    }
}

/// An exception thrown by an app's callback (e.g. `ImportProgress.onProgress`) that is not
/// a `ContactKitException`: reported as `Internal` with the exception's first line.
impl From<uniffi::UnexpectedUniFFICallbackError> for ContactKitError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        let first_line = error.reason.lines().next().unwrap_or_default();
        ContactKitError::Internal {
            reason: format!("a callback failed: {first_line}"),
        }
    }
}

/// The binding's result type.
pub type Result<T, E = ContactKitError> = std::result::Result<T, E>;

/// Runs one call, turning a panic into [`ContactKitError::Internal`] so that it reaches
/// the caller as the library's own exception (uniffi alone would raise its generic
/// `InternalException`, which a `catch (e: ContactKitException)` misses).
pub(crate) fn guard<T>(call: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a Rust panic without a message".to_string());
        Err(ContactKitError::Internal { reason })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_fields_and_message() {
        let error: ContactKitError = core::Error::validation("email", "x", "missing @").into();
        assert_eq!(
            error,
            ContactKitError::Validation {
                field: "email".into(),
                value: "x".into(),
                reason: "missing @".into()
            }
        );
        assert_eq!(error.to_string(), "invalid email \"x\": missing @");
    }

    #[test]
    fn a_panic_becomes_internal() {
        let result: Result<()> = guard(|| panic!("boom"));
        assert_eq!(
            result,
            Err(ContactKitError::Internal {
                reason: "boom".into()
            })
        );
        let result: Result<()> = guard(|| panic!("{} {}", "formatted", 1));
        assert_eq!(
            result,
            Err(ContactKitError::Internal {
                reason: "formatted 1".into()
            })
        );
    }
}
