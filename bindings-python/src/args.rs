//! Arguments that are not dicts: strings, page sizes, timeouts, paths. A value the
//! core cannot take is a `ValidationError` naming the parameter and quoting the
//! value as given, never the `UnicodeEncodeError` or `OverflowError` that pyo3's own
//! extraction raises for a lone surrogate or a huge integer. A value of the wrong
//! Python type (a number for an id) stays a `TypeError`, as in Python's own calls.

use crate::errors::to_py_err;
use crate::read::{escaped, NOT_UNICODE};
use contactkit::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyString};
use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;

/// The text of the string argument `name`; a lone surrogate ("\ud800", which
/// Python allows and UTF-8 cannot encode) is refused.
pub fn text<'a>(
    py: Python<'_>,
    value: &'a Bound<'_, PyString>,
    name: &str,
) -> PyResult<Cow<'a, str>> {
    value
        .to_cow()
        .map_err(|_| to_py_err(py, Error::validation(name, escaped(value), NOT_UNICODE)))
}

/// Like [`text`] for an argument that may be `None`.
pub fn optional_text<'a>(
    py: Python<'_>,
    value: Option<&'a Bound<'_, PyString>>,
    name: &str,
) -> PyResult<Option<Cow<'a, str>>> {
    value.map(|value| text(py, value, name)).transpose()
}

/// A page size as given. The core checks the range; one that does not even fit its
/// `u32` (negative, or 2**70) is passed clamped, so the core refuses it by the same
/// rule, and [`Limit::quoted`] puts the value as given back in the error.
pub struct Limit {
    /// What the core is asked for.
    pub size: Option<u32>,
    /// The caller's value when `size` is a clamped stand-in for it.
    given: Option<String>,
}

impl Limit {
    /// The `limit` argument.
    pub fn read(value: Option<&Bound<'_, PyInt>>) -> PyResult<Self> {
        let Some(value) = value else {
            return Ok(Limit {
                size: None,
                given: None,
            });
        };
        if let Ok(size) = value.extract::<u32>() {
            return Ok(Limit {
                size: Some(size),
                given: None,
            });
        }
        let clamped = if value.lt(0)? { 0 } else { u32::MAX };
        Ok(Limit {
            size: Some(clamped),
            given: Some(int_text(value)),
        })
    }

    /// `result` with the core's error about the limit quoting it as given.
    pub fn quoted<T>(&self, result: contactkit::Result<T>) -> contactkit::Result<T> {
        match (result, &self.given) {
            (Err(Error::Validation { field, reason, .. }), Some(given)) if field == "limit" => {
                Err(Error::validation(field, given.clone(), reason))
            }
            (result, _) => result,
        }
    }
}

/// The `busy_timeout` argument, in seconds as `sqlite3.connect(timeout=)` takes it
/// (a float or an int).
pub fn busy_timeout(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let refused = || {
        let given = value.repr().map(|s| escaped(&s)).unwrap_or_default();
        let reason = "must be a finite number of seconds, not negative";
        to_py_err(py, Error::validation("busy_timeout", given, reason))
    };
    let seconds = value.extract::<f64>().map_err(|err| {
        if err.is_instance_of::<PyTypeError>(py) {
            err
        } else {
            refused()
        }
    })?;
    Duration::try_from_secs_f64(seconds).map_err(|_| refused())
}

/// The `pool_size` argument of `connect`: a number of connections. One past what the
/// core takes (negative, 2**40) is refused here, quoting it; zero by the core.
pub fn pool_size(py: Python<'_>, value: &Bound<'_, PyInt>) -> PyResult<u32> {
    value.extract::<u32>().map_err(|_| {
        let reason = "must be a number of connections, at least 1";
        to_py_err(py, Error::validation("pool_size", int_text(value), reason))
    })
}

/// The `path` argument: a `str` or path-like object naming a file.
pub fn path(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    value.extract::<PathBuf>().map_err(|err| {
        if err.is_instance_of::<PyTypeError>(py) {
            return err;
        }
        let given = value.str().map(|s| escaped(&s)).unwrap_or_default();
        to_py_err(
            py,
            Error::validation("path", given, "not a file name this system can use"),
        )
    })
}

/// The `seconds` argument of the test clock: whole seconds a `chrono` delta holds.
pub fn seconds(py: Python<'_>, value: &Bound<'_, PyInt>) -> PyResult<chrono::Duration> {
    value
        .extract::<i64>()
        .ok()
        .and_then(chrono::Duration::try_seconds)
        .ok_or_else(|| {
            to_py_err(
                py,
                Error::validation("seconds", int_text(value), "out of range"),
            )
        })
}

/// The decimal form of an integer argument, for an error; `…` for one too long for
/// Python to print (`str()` refuses more than 4,300 digits).
fn int_text(value: &Bound<'_, PyInt>) -> String {
    value
        .str()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "…".to_string())
}
