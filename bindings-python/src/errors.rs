//! The exception classes and the mapping from `contactkit::Error` (and panics) to them.
//!
//! Every variant of the core error becomes one subclass of `ContactKitError`, with the
//! variant's data as attributes (`field`, `value`, `reason`, and `what`/`id` or
//! `existing`). A Rust panic becomes a plain `ContactKitError`: pyo3's own
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

/// Gives the classes their attributes with `None` defaults, so `err.field` works on
/// any ContactKit error and type checkers see the attributes on the class.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let base = py.get_type::<ContactKitError>();
    for name in ["field", "value", "reason"] {
        base.setattr(name, py.None())?;
    }
    let not_found = py.get_type::<NotFoundError>();
    not_found.setattr("what", py.None())?;
    not_found.setattr("id", py.None())?;
    py.get_type::<ConflictError>()
        .setattr("existing", py.None())?;
    module.add("ContactKitError", base)?;
    module.add("ValidationError", py.get_type::<ValidationError>())?;
    module.add("NotFoundError", not_found)?;
    module.add("ConflictError", py.get_type::<ConflictError>())?;
    module.add("StorageError", py.get_type::<StorageError>())?;
    Ok(())
}

/// The Python exception for a core error, carrying the variant's data.
pub fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    let message = error.to_string();
    let (err, attributes): (PyErr, Vec<(&str, String)>) = match error {
        Error::Validation {
            field,
            value,
            reason,
        } => (
            ValidationError::new_err(message),
            vec![("field", field), ("value", value), ("reason", reason)],
        ),
        Error::NotFound { what, id } => (
            NotFoundError::new_err(message.clone()),
            vec![
                ("value", id.clone()),
                ("what", what),
                ("id", id),
                ("reason", message),
            ],
        ),
        Error::Conflict {
            field,
            value,
            existing,
        } => (
            ConflictError::new_err(message.clone()),
            vec![
                ("field", field),
                ("value", value),
                ("existing", existing),
                ("reason", message),
            ],
        ),
        Error::Storage { reason } => (StorageError::new_err(message), vec![("reason", reason)]),
    };
    let instance = err.value(py);
    for (name, value) in attributes {
        if let Err(e) = instance.setattr(name, value) {
            return e;
        }
    }
    err
}

/// The Python exception for a panic caught at the boundary.
pub fn panic_to_py_err(payload: Box<dyn Any + Send>) -> PyErr {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    ContactKitError::new_err(format!("internal error (a bug in ContactKit): {detail}"))
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
        Err(payload) => Err(panic_to_py_err(payload)),
    }
}
