//! Errors thrown to JavaScript.
//!
//! A core error becomes an `Error` whose `code` is `VALIDATION`, `NOT_FOUND`,
//! `CONFLICT` or `STORAGE` (the variant), with the variant's data as properties:
//! `field` (camelCase, where the variant has one), `value`, `reason`, `what`, `id`,
//! `existing`. The message is the core's own.

use crate::names::camel_path;
use contactkit::Error;
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{Env, JsError, JsValue, Status};

/// The `code` of a thrown error: one per variant of the core error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// Bad input; nothing was written.
    Validation,
    /// The contact, segment, category or record does not exist.
    NotFound,
    /// A unique value belongs to something else.
    Conflict,
    /// The store failed (or the book is closed); the operation was rolled back.
    Storage,
}

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        match self {
            ErrorCode::Validation => "VALIDATION",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Storage => "STORAGE",
        }
    }
}

impl ErrorCode {
    /// The code of a core error.
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Validation { .. } => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::Storage { .. } => ErrorCode::Storage,
        }
    }
}

/// What went wrong in a call: a core error (thrown with its code), or N-API itself
/// failing (a getter of the input threw, the environment is shutting down), which
/// is passed through as it is.
#[derive(Debug)]
pub enum Failure {
    /// An error of the core, or one the binding reports the same way (bad input).
    Core(Error),
    /// An N-API failure or a pending JavaScript exception.
    Napi(napi::Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

impl From<napi::Error> for Failure {
    fn from(error: napi::Error) -> Self {
        Failure::Napi(error)
    }
}

/// Result of the binding's internals.
pub type Result<T, E = Failure> = std::result::Result<T, E>;

impl Failure {
    /// The error napi-rs throws (or rejects a promise with).
    pub fn into_napi(self, env: &Env) -> napi::Error {
        match self {
            Failure::Napi(error) => error,
            Failure::Core(error) => {
                let message = error.to_string();
                js_error(env, error)
                    .unwrap_or_else(|_| napi::Error::new(Status::GenericFailure, message))
            }
        }
    }
}

/// Builds the JavaScript `Error` for `error` and hands it to napi-rs as is.
fn js_error(env: &Env, error: Error) -> napi::Result<napi::Error> {
    let code = ErrorCode::of(&error);
    let created: Unknown<'_> =
        JsError::from(napi::Error::new(code, error.to_string())).into_unknown(*env);
    // SAFETY: `created` is the error object just made in this environment.
    let mut object = unsafe { Object::from_napi_value(env.raw(), created.raw())? };
    let properties: Vec<(&str, String)> = match error {
        Error::Validation {
            field,
            value,
            reason,
        } => vec![
            ("field", camel_path(&field)),
            ("value", value),
            ("reason", reason),
        ],
        Error::NotFound { what, id } => vec![("what", what), ("id", id)],
        Error::Conflict {
            field,
            value,
            existing,
        } => vec![
            ("field", camel_path(&field)),
            ("value", value),
            ("existing", existing),
        ],
        Error::Storage { reason } => vec![("reason", reason)],
    };
    // A row that is not an object at all has no field to name.
    for (name, value) in properties
        .into_iter()
        .filter(|(n, v)| *n != "field" || !v.is_empty())
    {
        object.set_named_property(name, value)?;
    }
    let unknown: Unknown<'_> = object.to_unknown();
    Ok(napi::Error::from(unknown))
}

/// The error of an operation on a closed book.
pub fn closed() -> Error {
    Error::storage("the book is closed")
}
