//! Python values in: the core's input types (which derive `Deserialize`) read by
//! serde from the JSON value of a caller's Python value, with every failure turned into
//! the book's `Error::Validation` by core's one conversion (`validate::unreadable`).
//!
//! [`json`](crate::json) makes the JSON value in one bounded walk; serde_json's own
//! `Deserializer` reads the core type from it, as strictly as from JSON (a `str` is not
//! a list of characters, `"no"` is not `True`). One thing Python callers may do that
//! JSON callers may not: give an `int` where a string is expected (ids, money), read as
//! its decimal text. A `float` stays refused there (it would round money).

use crate::json::{row_to_json, to_json, to_json_within, Refusal, MAX_LINE_DEPTH};
use contactkit::validate::unreadable::{field_at, json_at, unreadable, ReadAs};
use contactkit::{Error, Rule};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyFrozenSet, PyList, PyMapping, PySet, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// Why a string with a lone surrogate is refused.
pub const NOT_UNICODE: &str =
    "not valid Unicode: a lone surrogate (\\ud800-\\udfff) cannot be stored";

/// Most retries of a value with integers read as text (each retry serves every element
/// of the arrays on the way, so a real input needs one per field given as an `int`).
const MAX_RETYPED: usize = 32;

/// Reads a `T` from a Python value, named in errors as `read_as` says.
pub fn from_py<T: DeserializeOwned>(
    value: &Bound<'_, PyAny>,
    read_as: ReadAs<'_>,
) -> Result<T, Error> {
    // The JSON value is moved into `T` (its strings not copied again); only a failure,
    // to be named, walks the Python value again to read it with the path tracked.
    if let Ok(read) = T::deserialize(walk(value, read_as)?) {
        return Ok(read);
    }
    tracked(walk(value, read_as)?, value, read_as)
}

/// A rule (`rule=` of `list`, `count`, `create_segment`, `update_segment`): a dict
/// walked by the same bounded [`to_json`] (errors name `rule` and the path inside), or
/// a JSON string; core's [`Rule::from_value`] reads it, naming the path of a mistake.
pub fn rule_from_py(value: &Bound<'_, PyAny>) -> Result<Rule, Error> {
    if let Ok(s) = value.cast::<PyString>() {
        let text = s
            .to_cow()
            .map_err(|_| Error::validation("rule", escaped(s), NOT_UNICODE))?;
        return Rule::from_json(&text);
    }
    Rule::from_value(&walk(value, ReadAs::Value("rule"))?)
}

/// A line of the portable form (`restore_line`) as the JSON value core reads: walked
/// like any argument, deeper ([`MAX_LINE_DEPTH`]), and not read here. Core reads it,
/// as strictly as a line of a file (an `int` where it expects a string is refused),
/// and names the part at fault (`activity[0].name`); the walk names the part it
/// refuses the same way, from the line (`line` when the line itself is at fault).
pub fn line_from_py(value: &Bound<'_, PyAny>) -> Result<Value, Error> {
    to_json_within(value, MAX_LINE_DEPTH).map_err(|r| refused(r, ReadAs::Attributes("line")))
}

/// An import row (of `import_contacts` or `import_suppressions`) as the JSON value core
/// reads: walked as a row ([`row_to_json`]: empty cells are left out), not read here.
pub fn row_from_py(value: &Bound<'_, PyAny>) -> Result<Value, Error> {
    row_to_json(value).map_err(|r| refused(r, ReadAs::Attributes("input")))
}

/// The JSON value of `value`, or the error naming the part that has none.
fn walk(value: &Bound<'_, PyAny>, read_as: ReadAs<'_>) -> Result<Value, Error> {
    to_json(value).map_err(|refusal| refused(refusal, read_as))
}

/// The validation error of a refusal, naming the part of the value read `read_as`.
fn refused(refusal: Refusal, read_as: ReadAs<'_>) -> Error {
    let Refusal {
        path,
        reason,
        value,
    } = refusal;
    Error::validation(field_at(&path, read_as), value, reason)
}

/// A `T` read from `json` (whose values came from `original`) with the path tracked:
/// an integer where text is expected is retried as its text, any other failure is the
/// error naming the value at fault.
fn tracked<T: DeserializeOwned>(
    mut json: Value,
    original: &Bound<'_, PyAny>,
    read_as: ReadAs<'_>,
) -> Result<T, Error> {
    // The error before the last retry, and where: reported if the retry fails there too.
    let mut before: Option<(String, Error)> = None;
    let mut retries = 0;
    loop {
        let error = match serde_path_to_error::deserialize(&json) {
            Ok(read) => return Ok(read),
            Err(error) => error,
        };
        let (path, reason) = (error.path(), error.inner().to_string());
        let at = path.to_string();
        let failed = unreadable(path, &reason, read_as, |path| {
            quote(&value_at(original, path))
        });
        match before {
            Some((retyped, error)) if retyped == at => return Err(error),
            _ => {}
        }
        let segments: Vec<&Segment> = path.iter().collect();
        let integer = json_at(&json, path).is_some_and(|v| v.is_i64() || v.is_u64());
        if !(integer && reason.starts_with("invalid type: integer `")) || retries == MAX_RETYPED {
            return Err(failed);
        }
        retype(&mut json, &segments);
        before = Some((at, failed));
        retries += 1;
    }
}

/// Rewrites as its decimal text the integer at `path`, in every element of the arrays
/// on the way (`items[*].price`): the elements of one array have one type.
fn retype(json: &mut Value, path: &[&Segment]) {
    match path.split_first() {
        None => {
            if let Value::Number(n) = json {
                *json = Value::String(n.to_string());
            }
        }
        Some((Segment::Seq { .. }, rest)) => {
            if let Value::Array(items) = json {
                items.iter_mut().for_each(|item| retype(item, rest));
            }
        }
        Some((Segment::Map { key }, rest)) => {
            if let Some(value) = json.get_mut(key.as_str()) {
                retype(value, rest);
            }
        }
        Some((Segment::Enum { .. }, rest)) => retype(json, rest),
        Some((Segment::Unknown, _)) => {}
    }
}

/// The value at serde's `path` inside `root`, or the innermost one the path reaches.
fn value_at<'py>(root: &Bound<'py, PyAny>, path: &serde_path_to_error::Path) -> Bound<'py, PyAny> {
    let mut current = root.clone();
    for segment in path.iter() {
        let next = match segment {
            Segment::Map { key } => current.get_item(key.as_str()),
            Segment::Seq { index } => current.get_item(*index),
            Segment::Enum { .. } | Segment::Unknown => continue,
        };
        match next {
            Ok(next) => current = next,
            Err(_) => break,
        }
    }
    current
}

/// A value as an error quotes it: a string as given (lone surrogates escaped), a
/// container briefly, anything else by its `str()`.
pub fn quote(value: &Bound<'_, PyAny>) -> String {
    if let Ok(s) = value.cast::<PyString>() {
        return s
            .to_cow()
            .map(|text| text.into_owned())
            .unwrap_or_else(|_| escaped(s));
    }
    // `str()` of a container walks all of it: 16 million shared leaves take seconds
    // and a deep one raises. `reprlib` writes a few items of a few levels.
    let quoted = if is_container(value) {
        short_repr(value)
    } else {
        value.str()
    };
    quoted
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `value` holds other values (so quoting it whole could be huge).
fn is_container(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<PyList>()
        || value.is_instance_of::<PyTuple>()
        || value.is_instance_of::<PyDict>()
        || value.is_instance_of::<PySet>()
        || value.is_instance_of::<PyFrozenSet>()
        || value.cast::<PyMapping>().is_ok()
}

/// `reprlib.repr(value)`: the first items of the first levels, cycles marked.
fn short_repr<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyString>> {
    static REPR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let repr = REPR.get_or_try_init(value.py(), || {
        Ok::<_, PyErr>(value.py().import("reprlib")?.getattr("repr")?.unbind())
    })?;
    repr.bind(value.py()).call1((value,))?.str()
}

/// A Python string with what UTF-8 cannot hold written as Python escapes
/// (`"\ud800"`), so an error quotes the value as the caller wrote it.
pub fn escaped(s: &Bound<'_, PyString>) -> String {
    s.call_method1("encode", ("utf-8", "backslashreplace"))
        .ok()
        .and_then(|bytes| {
            bytes
                .cast::<PyBytes>()
                .ok()
                .map(|b| String::from_utf8_lossy(b.as_bytes()).into_owned())
        })
        .unwrap_or_else(|| s.to_string_lossy().into_owned())
}
