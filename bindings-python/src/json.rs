//! A caller's Python value as a JSON value, for serde to read the core's input types
//! from (`read`). One walk, bounded because the value may be hostile:
//! - it counts the containers around each value and refuses one deeper than
//!   [`MAX_DEPTH`] (a line of the portable form: [`MAX_LINE_DEPTH`])
//!   (`limits::too_deep`), refuses a container inside itself
//!   (`limits::cycle`), and spends a budget of [`MAX_VALUES`] values so that lists shared
//!   by reference cannot multiply into billions;
//! - `decimal.Decimal` becomes its exact string form, an aware `datetime` its RFC 3339
//!   form and a `date` `YYYY-MM-DD` (the forms core reads); a naive `datetime` is refused
//!   as ambiguous; so are NaN, infinities, integers past 64 bits and strings holding a
//!   lone surrogate (which Python allows and UTF-8 cannot encode);
//! - tuples and sets are read as lists and any mapping as an object, at most as many
//!   items as their length says (a subclass's `__iter__` cannot outrun the budget, nor a
//!   mapping's `items()` build itself whole); an `int` key is read as its text.
//!
//! A refusal carries the path to the value at fault, collected only as it unwinds, so
//! the walk keeps no path while it succeeds.

use crate::read::{escaped, quote, NOT_UNICODE};
use contactkit::validate::limits;
use contactkit::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PyMapping, PySet,
    PyString, PyTuple, PyType,
};
use serde_json::{Map, Number, Value};
use serde_path_to_error::Segment;

/// Deepest container allowed, counted from the argument itself (depth 0): core's
/// [`limits::MAX_NESTING`] plus the event dict around the params (core counts the
/// params dict as the first of its levels). So a value core accepts is never refused
/// here first, and one nested deeper is refused with core's error before it is read
/// any further.
pub const MAX_DEPTH: usize = limits::MAX_NESTING + 1;

/// Deepest container allowed in a line of the portable form (`restore_line`), counted
/// as [`MAX_DEPTH`] counts: the core's `limits::MAX_LINE_NESTING`, above any line the
/// core exports (event params sit three containers inside a profile line), so core
/// checks each part against its own limit and names it.
pub const MAX_LINE_DEPTH: usize = limits::MAX_LINE_NESTING + 1;

/// Most values (containers and what they hold) one argument may carry. Far more
/// than any input the book takes (a contact or an import row is at most 1 MiB of
/// JSON, event params 64 KiB, an order 1,000 lines), and few enough to read
/// quickly; a million workflows still pass, for core to refuse by its own rule.
pub const MAX_VALUES: usize = 1 << 21;

/// A value that has no JSON form core may read: where it is, why, and how the error
/// quotes it.
#[derive(Debug)]
pub struct Refusal {
    /// The path from the argument to the value, innermost segment first.
    pub path: Vec<Segment>,
    pub reason: String,
    pub value: String,
}

impl Refusal {
    fn new(reason: impl Into<String>, value: impl Into<String>) -> Self {
        Refusal {
            path: Vec::new(),
            reason: reason.into(),
            value: value.into(),
        }
    }

    /// One of core's `limits` errors, its wording kept there.
    fn of(error: Error) -> Self {
        match error {
            Error::Validation { value, reason, .. } => Refusal::new(reason, value),
            other => Refusal::new(other.to_string(), ""),
        }
    }

    /// This refusal, found inside the value at `segment` of its container.
    fn inside(mut self, segment: Segment) -> Self {
        self.path.push(segment);
        self
    }
}

type Walked = Result<Value, Refusal>;

/// `value` as a JSON value.
pub fn to_json(value: &Bound<'_, PyAny>) -> Walked {
    to_json_within(value, MAX_DEPTH)
}

/// `value` as a JSON value, containers at most `max_depth` deep.
pub fn to_json_within(value: &Bound<'_, PyAny>, max_depth: usize) -> Walked {
    walk(value, max_depth, false)
}

/// An import row as a JSON value, read as a row of an export is: a key whose value is
/// missing (NaN, NaT, pandas' NA, as a DataFrame marks an empty cell) is left out, as
/// if the cell were not there, and a datetime without a zone is read as UTC, as every
/// export tool writes it (`None` still clears, as in any input).
pub fn row_to_json(value: &Bound<'_, PyAny>) -> Walked {
    walk(value, MAX_DEPTH, true)
}

fn walk(value: &Bound<'_, PyAny>, max_depth: usize, row: bool) -> Walked {
    let mut walk = Walk {
        ancestors: Vec::new(),
        budget: MAX_VALUES,
        max_depth,
        row,
    };
    walk.value(value).map_err(|mut refusal| {
        refusal.path.reverse();
        refusal
    })
}

/// The containers around the current value, by address (their count is its depth; its
/// own address among them is a cycle), the values the argument may still hold, and
/// how deep a container may be.
struct Walk {
    ancestors: Vec<usize>,
    budget: usize,
    max_depth: usize,
    /// Reading an import row (see [`row_to_json`]).
    row: bool,
}

impl Walk {
    fn value(&mut self, value: &Bound<'_, PyAny>) -> Walked {
        // The most common values first: strings, then dicts and lists.
        if let Ok(s) = value.cast::<PyString>() {
            return text(s).map(Value::String);
        }
        if let Ok(dict) = value.cast_exact::<PyDict>() {
            self.enter(value, dict.len())?;
            // Collected first: reading a value may run Python code that changes the dict.
            let entries: Vec<_> = dict.iter().collect();
            let walked = self.object(entries.into_iter().map(Ok));
            return self.leave(walked);
        }
        if let Ok(list) = value.cast_exact::<PyList>() {
            self.enter(value, list.len())?;
            let walked = self.array(list.iter().map(Ok));
            return self.leave(walked);
        }
        if value.is_none() {
            return Ok(Value::Null);
        }
        if let Ok(b) = value.cast::<PyBool>() {
            return Ok(Value::Bool(b.is_true()));
        }
        if value.is_instance_of::<PyInt>() {
            return integer(value);
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            // JSON has no NaN or infinity: event params would store them as null.
            let f = f.value();
            return Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| Refusal::new(format!("{f} is not a finite number"), quote(value)));
        }
        if let Some(text) = as_text(value, self.row)? {
            return Ok(Value::String(text));
        }
        if let Some(scalar) = numpy_scalar(value)? {
            return self.value(&scalar);
        }
        let sequence = value.is_instance_of::<PyList>()
            || value.is_instance_of::<PyTuple>()
            || value.is_instance_of::<PySet>()
            || value.is_instance_of::<PyFrozenSet>();
        if sequence {
            let len = value.len().map_err(python)?;
            self.enter(value, len)?;
            let items = value.try_iter().map_err(python)?.take(len);
            let walked = self.array(items);
            return self.leave(walked);
        }
        if let Ok(mapping) = value.cast::<PyMapping>() {
            let len = mapping.len().map_err(python)?;
            self.enter(value, len)?;
            // Key by key: not through `items()`, which a mapping builds whole however
            // long it says it is.
            let keys = mapping.try_iter().map_err(python)?.take(len);
            let entries = keys.map(|key| {
                let key = key?;
                let item = mapping.get_item(&key)?;
                Ok((key, item))
            });
            let walked = self.object(entries);
            return self.leave(walked);
        }
        Err(Refusal::new(
            format!(
                "unsupported type {}: expected str, int, float, bool, Decimal, date, datetime, dict, list or None",
                type_name(value)
            ),
            quote(value),
        ))
    }

    /// Enters `container`, which holds `len` values: refused when it is one of its own
    /// ancestors, too deep or over the budget (checked before its values are read).
    fn enter(&mut self, container: &Bound<'_, PyAny>, len: usize) -> Result<(), Refusal> {
        let address = container.as_ptr() as usize;
        if self.ancestors.contains(&address) {
            return Err(Refusal::of(limits::cycle("")));
        }
        if self.ancestors.len() >= self.max_depth {
            return Err(Refusal::of(limits::too_deep("")));
        }
        self.budget = self.budget.checked_sub(len).ok_or_else(|| {
            Refusal::new(
                format!("more than {MAX_VALUES} values in one argument"),
                "…",
            )
        })?;
        self.ancestors.push(address);
        Ok(())
    }

    /// `walked`, after the container entered last.
    fn leave(&mut self, walked: Walked) -> Walked {
        self.ancestors.pop();
        walked
    }

    fn array<'py>(&mut self, items: impl Iterator<Item = PyResult<Bound<'py, PyAny>>>) -> Walked {
        let mut array = Vec::with_capacity(items.size_hint().0);
        for (index, item) in items.enumerate() {
            let item = item.map_err(python)?;
            let value = self
                .value(&item)
                .map_err(|refusal| refusal.inside(Segment::Seq { index }))?;
            array.push(value);
        }
        Ok(Value::Array(array))
    }

    fn object<'py>(&mut self, entries: impl Iterator<Item = PyResult<Entry<'py>>>) -> Walked {
        let mut object = Map::new();
        for entry in entries {
            let (key, item) = entry.map_err(python)?;
            if self.row && is_missing(&item) {
                continue;
            }
            let key = object_key(&key)?;
            let value = self
                .value(&item)
                .map_err(|refusal| refusal.inside(Segment::Map { key: key.clone() }))?;
            // In a row, a nested object whose every cell was empty (`{"town": NaN}`) is
            // an empty cell too: `{}` would replace a whole address with nothing.
            if self.row && value.as_object().is_some_and(Map::is_empty) && !is_empty_mapping(&item)
            {
                continue;
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A key and its value in a mapping.
type Entry<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// The text of a `str` key, or of an `int` one; a key of another type is refused (at
/// its mapping, which the error names).
fn object_key(key: &Bound<'_, PyAny>) -> Result<String, Refusal> {
    if let Ok(s) = key.cast::<PyString>() {
        return text(s);
    }
    if key.is_instance_of::<PyInt>() && !key.is_instance_of::<PyBool>() {
        return key.str().map_err(python).and_then(|s| text(&s));
    }
    Err(Refusal::new(
        format!("a key must be a str, not {}", type_name(key)),
        quote(key),
    ))
}

/// The name of `value`'s type, for an error.
fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_string())
}

/// The UTF-8 text of a Python string; a lone surrogate is refused, quoted escaped.
fn text(s: &Bound<'_, PyString>) -> Result<String, Refusal> {
    s.to_cow()
        .map(|text| text.into_owned())
        .map_err(|_| Refusal::new(NOT_UNICODE, escaped(s)))
}

/// An integer core can hold (64 bits, signed or not); a larger one is refused.
fn integer(value: &Bound<'_, PyAny>) -> Walked {
    if let Ok(n) = value.extract::<i64>() {
        return Ok(Value::from(n));
    }
    if let Ok(n) = value.extract::<u64>() {
        return Ok(Value::from(n));
    }
    // `str()` refuses more than 4,300 digits.
    let text = value
        .str()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "…".to_string());
    Err(Refusal::new(
        format!("integer {text} is out of range"),
        text,
    ))
}

/// Whether a value marks an empty cell: NaN (a float, or numpy's), pandas' `NaT` and
/// `NA`, numpy's `NaT`.
fn is_missing(value: &Bound<'_, PyAny>) -> bool {
    if let Ok(f) = value.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    let name = type_name(value);
    match name.as_str() {
        "NaTType" | "NAType" => true,
        "datetime64" | "timedelta64" => value.str().is_ok_and(|s| s.to_string_lossy() == "NaT"),
        _ => {
            from_numpy(value)
                && value
                    .call_method0("__float__")
                    .and_then(|f| f.extract::<f64>())
                    .is_ok_and(f64::is_nan)
        }
    }
}

/// Whether `value` is a mapping that holds nothing (given empty, not emptied).
fn is_empty_mapping(value: &Bound<'_, PyAny>) -> bool {
    value
        .cast::<PyMapping>()
        .is_ok_and(|m| m.len().is_ok_and(|n| n == 0))
}

/// Whether `value`'s type comes from numpy.
fn from_numpy(value: &Bound<'_, PyAny>) -> bool {
    value
        .get_type()
        .module()
        .is_ok_and(|m| m.to_string_lossy() == "numpy")
}

/// A numpy scalar as the Python value it stands for: an integer (`int64`, `uint8`) as
/// an `int`, a float as a `float`, `bool_` as a `bool`, `datetime64` as its ISO text
/// (numpy's times carry no zone: read as UTC where an instant is taken as text).
/// `None` for anything else.
fn numpy_scalar<'py>(value: &Bound<'py, PyAny>) -> Result<Option<Bound<'py, PyAny>>, Refusal> {
    if !from_numpy(value) {
        return Ok(None);
    }
    let name = type_name(value);
    let converted = if name == "bool" || name == "bool_" {
        value.call_method0("__bool__")
    } else if name.starts_with("int") || name.starts_with("uint") {
        value.call_method0("__index__")
    } else if name.starts_with("float") {
        value.call_method0("__float__")
    } else if name == "datetime64" {
        value.str().map(|s| s.into_any())
    } else {
        return Ok(None);
    };
    converted.map(Some).map_err(python)
}

/// The text form core reads of a Decimal, an aware datetime or a date; in an import
/// row, of a naive datetime too (its ISO text without an offset, which core reads as
/// UTC).
fn as_text(value: &Bound<'_, PyAny>, row: bool) -> Result<Option<String>, Refusal> {
    let text_of = |s: PyResult<Bound<'_, PyAny>>| {
        let s = s.and_then(|s| s.str()).map_err(python)?;
        text(&s)
    };
    let decimal = decimal_type(value.py()).map_err(python)?;
    if value.is_instance(decimal).map_err(python)? {
        return text_of(Ok(value.clone())).map(Some);
    }
    if value.is_instance_of::<PyDateTime>() {
        let offset = value.call_method0("utcoffset").map_err(python)?;
        if offset.is_none() && !row {
            return Err(Refusal::new(
                "a naive datetime is ambiguous: give it a time zone (e.g. tzinfo=timezone.utc)",
                quote(value),
            ));
        }
        return text_of(value.call_method0("isoformat")).map(Some);
    }
    if value.is_instance_of::<PyDate>() {
        return text_of(value.call_method0("isoformat")).map(Some);
    }
    Ok(None)
}

/// A Python exception raised while reading the value (a mapping's `__getitem__`, a
/// subclass's `__len__`): the value is refused with its message.
fn python(err: PyErr) -> Refusal {
    Refusal::new(err.to_string(), "")
}

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}
