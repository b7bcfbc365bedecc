//! Errors thrown to JavaScript, and the guard every call goes through.
//!
//! A core error becomes an `Error` whose `code` is `VALIDATION`, `NOT_FOUND`,
//! `CONFLICT` or `STORAGE` (the variant), with the variant's data as properties and
//! nothing else: a validation error `field` (camelCase), `value`, `reason`; not-found
//! `what`, `id`; a conflict `field`, `value`, `existing`, `existingId`; storage `reason`. A Rust
//! panic is an `Error` with `code: 'INTERNAL'` and `reason`. The message is the
//! core's own. An error about a line of the portable form names the line's key as
//! written, snake_case ([`Failure::Written`]).

use crate::names::camel_path;
use crate::read::view;
use contactkit::Error;
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::{sys, Env, JsError, JsValue, Status};
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// The `code` of a thrown error: one per variant of the core error, and one for a
/// panic inside ContactKit.
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
    /// A bug inside ContactKit (a Rust panic); the operation was rolled back.
    Internal,
}

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        match self {
            ErrorCode::Validation => "VALIDATION",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Storage => "STORAGE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// What went wrong in a call: a core error (thrown with its code), a panic, or N-API
/// itself failing (a getter of the input threw, the environment is shutting down),
/// which is passed through as it is.
#[derive(Debug)]
pub enum Failure {
    /// An error of the core, or one the binding reports the same way (bad input).
    Core(Error),
    /// An error of the core about a line of the portable form, whose keys are data
    /// kept as the core writes them: its `field` is thrown as the core names it
    /// (`activity[0].name`, `created_at`), not camelCased.
    Written(Error),
    /// A Rust panic, with its message.
    Panic(String),
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

/// Runs `work`, turning a panic inside it into [`Failure::Panic`]: the one place a
/// panic is caught, for the calls on the JavaScript thread ([`guard`]) and the
/// import on the thread pool alike.
pub fn caught<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| Err(Failure::Panic(said(panic))))
}

/// Runs one call from JavaScript (reading an argument, or a method's work): its
/// failure, a panic included, becomes the error JavaScript sees.
pub fn guard<T>(env: &Env, work: impl FnOnce() -> Result<T>) -> napi::Result<T> {
    caught(work).map_err(|failure| failure.into_napi(env))
}

/// The message a panic was raised with.
fn said(panic: Box<dyn Any + Send>) -> String {
    match panic.downcast::<String>() {
        Ok(message) => *message,
        Err(panic) => match panic.downcast::<&str>() {
            Ok(message) => message.to_string(),
            Err(_) => "a panic without a message".to_string(),
        },
    }
}

impl Failure {
    /// The error napi-rs throws (or rejects a promise with).
    pub fn into_napi(self, env: &Env) -> napi::Error {
        let (code, message, properties, flags) = match self {
            Failure::Napi(error) => return error,
            Failure::Panic(reason) => (
                ErrorCode::Internal,
                format!("internal error in ContactKit: {reason}"),
                vec![("reason", reason)],
                vec![],
            ),
            Failure::Core(error) => core_error(error, camel_path),
            Failure::Written(error) => core_error(error, |field| field.to_string()),
        };
        js_error(env, code, &message, properties, flags)
            .unwrap_or_else(|_| napi::Error::new(Status::GenericFailure, message))
    }
}

/// The code, message, properties and flags of a core error, its fields named by `name`.
fn core_error(
    error: Error,
    name: fn(&str) -> String,
) -> (
    ErrorCode,
    String,
    Vec<(&'static str, String)>,
    Vec<(&'static str, bool)>,
) {
    let flags = flags(&error);
    (
        ErrorCode::of(&error),
        error.to_string(),
        properties(error, name),
        flags,
    )
}

impl Failure {
    /// A core error about a line of the portable form (see [`Failure::Written`]); any
    /// other failure as it is.
    pub fn written(self) -> Self {
        match self {
            Failure::Core(error) => Failure::Written(error),
            other => other,
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

/// The properties of a core error, by the names every binding uses, its `field` as
/// `name` writes it.
fn properties(error: Error, name: fn(&str) -> String) -> Vec<(&'static str, String)> {
    match error {
        Error::Validation {
            field,
            value,
            reason,
        } => vec![
            ("field", name(&field)),
            ("value", value),
            ("reason", reason),
        ],
        Error::NotFound { what, id } => vec![("what", what), ("id", id)],
        Error::Conflict {
            field,
            value,
            existing,
            existing_id,
        } => vec![
            ("field", name(&field)),
            ("value", value),
            ("existing", existing),
            ("existingId", existing_id),
        ],
        Error::Storage { reason, .. } => vec![("reason", reason)],
    }
}

/// The boolean properties of a core error: a storage error's `retryable`.
fn flags(error: &Error) -> Vec<(&'static str, bool)> {
    match error {
        Error::Storage { retryable, .. } => vec![("retryable", *retryable)],
        _ => vec![],
    }
}

/// Builds the JavaScript `Error` and hands it to napi-rs as is.
fn js_error(
    env: &Env,
    code: ErrorCode,
    message: &str,
    properties: Vec<(&str, String)>,
    flags: Vec<(&str, bool)>,
) -> napi::Result<napi::Error> {
    let created: Unknown<'_> = JsError::from(napi::Error::new(code, message)).into_unknown(*env);
    let mut object: Object<'_> = view(&created)?;
    // A row that is not an object at all has no field to name.
    for (name, value) in properties
        .into_iter()
        .filter(|(n, v)| *n != "field" || !v.is_empty())
    {
        object.set_named_property(name, value)?;
    }
    for (name, value) in flags {
        object.set_named_property(name, value)?;
    }
    Ok(napi::Error::from(object.to_unknown()))
}

/// The error of an operation on a closed book.
pub fn closed() -> Error {
    Error::storage("the book is closed")
}

/// The pending JavaScript exception (cleared, so the event loop goes on), or `error`
/// when none is pending. A throwing getter fails the N-API call that ran it with a
/// status that is not always `napi_pending_exception`, so the check is explicit.
pub fn take_exception(env: &Env, error: napi::Error) -> napi::Error {
    let mut pending = false;
    let mut exception = ptr::null_mut();
    // SAFETY: `env` is the live environment of this callback on the JavaScript
    // thread, and the exception taken is wrapped at once. napi's safe API has no
    // way to take a pending exception (it leaves one pending for its caller).
    unsafe {
        let raw = env.raw();
        if sys::napi_is_exception_pending(raw, &mut pending) == sys::Status::napi_ok
            && pending
            && sys::napi_get_and_clear_last_exception(raw, &mut exception) == sys::Status::napi_ok
            && !exception.is_null()
        {
            return napi::Error::from_unknown_without_coercion(Unknown::from_raw_unchecked(
                raw, exception,
            ));
        }
    }
    error
}
