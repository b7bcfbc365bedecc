//! The exception classes and the mapping from `contactkit::Error` (and panics) to them.
//!
//! Every variant of the core error becomes one subclass of `ContactKitError`, with the
//! variant's data as attributes named as in every binding (`tests/scenarios/README.md`,
//! Errors). A Rust panic becomes a plain `ContactKitError` with a `reason`: pyo3's own
//! `PanicException` derives from `BaseException`, which `except Exception` misses.

use contactkit::Error;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use std::any::Any;

create_exception!(
    contactkit,
    ContactKitError,
    PyException,
    "Base class of every ContactKit error (and of unexpected internal failures)."
);
create_exception!(
    contactkit,
    ValidationError,
    ContactKitError,
    "The input broke a rule; nothing was written. `field` names the input at fault."
);
create_exception!(
    contactkit,
    NotFoundError,
    ContactKitError,
    "The contact, segment, category, field or record named does not exist."
);
create_exception!(
    contactkit,
    ConflictError,
    ContactKitError,
    "A unique value (email, phone, key, ...) already belongs to something else."
);
create_exception!(
    contactkit,
    StorageError,
    ContactKitError,
    "The store failed or the file cannot be used; the operation was rolled back."
);

// The attributes of each class, the vocabulary every binding shares.
const VALIDATION: &[&str] = &["field", "value", "reason"];
const NOT_FOUND: &[&str] = &["what", "id"];
const CONFLICT: &[&str] = &["field", "value", "existing", "existing_id"];
const STORAGE: &[&str] = &["reason"];

/// Adds the classes to the module, each with its attributes as `None` on the class,
/// so type checkers (and `mypy.stubtest`) see them; a raised error sets them all.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("ContactKitError", py.get_type::<ContactKitError>())?;
    for (name, class, attributes) in [
        (
            "ValidationError",
            py.get_type::<ValidationError>(),
            VALIDATION,
        ),
        ("NotFoundError", py.get_type::<NotFoundError>(), NOT_FOUND),
        ("ConflictError", py.get_type::<ConflictError>(), CONFLICT),
        ("StorageError", py.get_type::<StorageError>(), STORAGE),
    ] {
        for attribute in attributes {
            class.setattr(*attribute, py.None())?;
        }
        module.add(name, class)?;
    }
    // Whether the same call may succeed later; a raised StorageError sets it.
    py.get_type::<StorageError>().setattr("retryable", false)?;
    Ok(())
}

/// The Python exception for a core error, carrying the variant's data.
pub fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    let message = error.to_string();
    let (err, attributes, values) = match error {
        Error::Validation {
            field,
            value,
            reason,
        } => (
            ValidationError::new_err(message),
            VALIDATION,
            vec![field, value, reason],
        ),
        Error::NotFound { what, id } => {
            (NotFoundError::new_err(message), NOT_FOUND, vec![what, id])
        }
        Error::Conflict {
            field,
            value,
            existing,
            existing_id,
        } => (
            ConflictError::new_err(message),
            CONFLICT,
            vec![field, value, existing, existing_id],
        ),
        Error::Storage {
            reason, retryable, ..
        } => {
            let err = StorageError::new_err(message);
            if let Err(e) = err.value(py).setattr("retryable", retryable) {
                return e;
            }
            (err, STORAGE, vec![reason])
        }
    };
    with_attributes(py, err, attributes.iter().copied().zip(values))
}

/// `err` with `attributes` set on its instance (or the error that setting them raised).
fn with_attributes<'a>(
    py: Python<'_>,
    err: PyErr,
    attributes: impl IntoIterator<Item = (&'a str, String)>,
) -> PyErr {
    let instance = err.value(py);
    for (name, value) in attributes {
        if let Err(e) = instance.setattr(name, value) {
            return e;
        }
    }
    err
}

/// The Python exception for a panic caught at the boundary: the internal error, a
/// plain `ContactKitError` whose `reason` says what panicked.
pub fn panic_to_py_err(py: Python<'_>, payload: Box<dyn Any + Send>) -> PyErr {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    let reason = format!("internal error (a bug in ContactKit): {detail}");
    let err = ContactKitError::new_err(reason.clone());
    with_attributes(py, err, [("reason", reason)])
}

/// Runs `work` with the thread detached from the interpreter (the GIL released),
/// turning a core error into its exception and a panic into `ContactKitError`.
pub fn detached<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: FnOnce() -> contactkit::Result<T> + Send,
    T: Send,
{
    let outcome = py.detach(move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(to_py_err(py, error)),
        Err(payload) => Err(panic_to_py_err(py, payload)),
    }
}
