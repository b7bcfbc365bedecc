//! Rust values out: every output value becomes a real Python type (aware UTC
//! `datetime`, `date`, `Decimal`, `bool`, `int`), enums become their lowercase
//! names, and records become either their read-only class (attribute access) or a
//! plain `dict` (`to_dict()`).
//!
//! Reading back never raises anything but a ContactKit error: a stored value Python
//! cannot hold (an instant or date past the year 9999, which an older book may have
//! kept) is a `StorageError` naming it, and JSON values (event params) are converted
//! with a bounded depth, never an unbounded recursion.
//!
//! Two kinds of value are handed over in their serde JSON form instead, documents to
//! pass on (`json.dumps` takes them as they are): a contact's export
//! (`export_contact`) and the lines of the portable form (`export_catalog_lines`,
//! `export_profile_lines`), which `restore_line` takes back unchanged.

use crate::errors::to_py_err;
use chrono::{DateTime, NaiveDate, Utc};
use contactkit::{
    ActivityKind, CampaignChannel, CampaignStatus, ChangeOp, Channel, ChannelStatus, Color,
    ContactExport, FieldType, FieldValue, LineKind, LocationSource, OrderSource, OrderStatus,
    Platform, ProblemCode, Rule, SegmentKind, SendReason, Source, SuppressionKind,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::IntoPyObjectExt;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a record is handed to Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// As its read-only class.
    Object,
    /// As a `dict` of plain Python values, nested records as dicts too.
    Dict,
}

/// A value that can be handed to Python.
pub trait ToPy {
    /// The Python value of `self`, records in `shape`.
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>>;
}

impl<T: ToPy + ?Sized> ToPy for &T {
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
        (**self).to_py(py, shape)
    }
}

macro_rules! via_into_pyobject {
    ($($ty:ty),*) => {$(
        impl ToPy for $ty {
            fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
                self.clone().into_bound_py_any(py)
            }
        }
    )*};
}

via_into_pyobject!(String, bool, u64, i64, u32, f64, Decimal);

/// What an operation that returns nothing gives Python: `None`.
impl ToPy for () {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        Ok(py.None().into_bound(py))
    }
}

/// The error for a stored value Python cannot hold: a ContactKit error, never the
/// `ValueError` of `datetime`.
fn unreadable(py: Python<'_>, reason: String) -> PyErr {
    to_py_err(py, contactkit::Error::storage(reason))
}

/// Why a stored instant or date past what Python's types hold cannot be read.
fn out_of_python_range(what: &str, value: impl std::fmt::Display) -> String {
    format!("cannot read the stored {what} {value}: Python holds the years 1 to 9999 only")
}

impl ToPy for DateTime<Utc> {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        self.into_bound_py_any(py)
            .map_err(|_| unreadable(py, out_of_python_range("instant", self.to_rfc3339())))
    }
}

impl ToPy for NaiveDate {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        self.into_bound_py_any(py)
            .map_err(|_| unreadable(py, out_of_python_range("date", self)))
    }
}

impl ToPy for str {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self).into_any())
    }
}

macro_rules! enum_names {
    ($($ty:ty),*) => {$(
        impl ToPy for $ty {
            fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
                Ok(PyString::new(py, self.as_str()).into_any())
            }
        }
    )*};
}

enum_names!(
    ActivityKind,
    CampaignChannel,
    CampaignStatus,
    ChangeOp,
    Channel,
    ChannelStatus,
    Color,
    FieldType,
    OrderStatus,
    ProblemCode,
    SegmentKind,
    SendReason,
    Source,
    SuppressionKind
);

/// Enums without an `as_str` in core: their serde name is the binding name.
macro_rules! enum_serde_names {
    ($($ty:ty),*) => {$(
        impl ToPy for $ty {
            fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
                match serde_json::to_value(self) {
                    Ok(serde_json::Value::String(name)) => Ok(PyString::new(py, &name).into_any()),
                    _ => Err(crate::errors::ContactKitError::new_err(
                        concat!("cannot name a ", stringify!($ty), " value"),
                    )),
                }
            }
        }
    )*};
}

enum_serde_names!(Platform, LocationSource, OrderSource, LineKind);

impl<T: ToPy> ToPy for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_py(py, shape),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|item| item.to_py(py, shape))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

impl<T: ToPy> ToPy for BTreeMap<String, T> {
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(py);
        for (key, value) in self {
            dict.set_item(key, value.to_py(py, shape)?)?;
        }
        Ok(dict.into_any())
    }
}

impl ToPy for FieldValue {
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
        match self {
            FieldValue::Boolean(b) => b.to_py(py, shape),
            FieldValue::Number(n) => n.to_py(py, shape),
            FieldValue::Multilist(items) => items.to_py(py, shape),
            FieldValue::Text(s) | FieldValue::Textarea(s) | FieldValue::List(s) => {
                s.to_py(py, shape)
            }
            FieldValue::Decimal(d) => d.to_py(py, shape),
            FieldValue::Date(d) => d.to_py(py, shape),
            FieldValue::Datetime(t) => t.to_py(py, shape),
        }
    }
}

/// Deepest stored JSON value converted. Core refuses input deeper than
/// `limits::MAX_NESTING`; an older book may hold values up to the 128 levels its JSON
/// decoder allows. Deeper than this is an error, not a deeper recursion.
const MAX_STORED_DEPTH: usize = 128;

impl ToPy for serde_json::Value {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, self, 0)
    }
}

/// A rule as its JSON shape: the dict `rule=` takes.
impl ToPy for Rule {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.to_value(), 0)
    }
}

impl ToPy for serde_json::Map<String, serde_json::Value> {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        json_object_to_py(py, self, 0)
    }
}

/// A contact's export as a plain JSON-shaped `dict`: `{"contact": ..., "activity":
/// [...], "suppressions": [...]}`, each record in its serde JSON form (the keys of its
/// `to_dict()`, instants as RFC 3339 strings, decimals and dates as strings), so
/// `json.dumps` takes it as it is.
impl ToPy for ContactExport {
    fn to_py<'py>(&self, py: Python<'py>, _: Shape) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(py);
        dict.set_item("contact", serde_record(py, &self.contact)?)?;
        dict.set_item("activity", serde_records(py, &self.activity)?)?;
        dict.set_item("suppressions", serde_records(py, &self.suppressions)?)?;
        Ok(dict.into_any())
    }
}

/// Records in their serde JSON form, as a `list` of `dict`s.
fn serde_records<'py, T: Serialize>(py: Python<'py>, records: &[T]) -> PyResult<Bound<'py, PyAny>> {
    let items = records
        .iter()
        .map(|record| serde_record(py, record))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, items)?.into_any())
}

/// A record in its serde JSON form. Each attribute's value is converted from depth 0,
/// as a record class converts it, so a stored value (event params) that its record
/// class reads is read here too.
fn serde_record<'py, T: Serialize>(py: Python<'py>, record: &T) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    let value = serde_json::to_value(record)
        .map_err(|e| unreadable(py, format!("cannot write a stored record as JSON: {e}")))?;
    match value {
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, value) in &map {
                dict.set_item(key, json_to_py(py, value, 0)?)?;
            }
            Ok(dict.into_any())
        }
        other => json_to_py(py, &other, 0),
    }
}

/// A JSON value `depth` containers deep as its Python value.
fn json_to_py<'py>(
    py: Python<'py>,
    value: &serde_json::Value,
    depth: usize,
) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)
            }
        }
        Value::String(s) => Ok(PyString::new(py, s).into_any()),
        Value::Array(items) => {
            let depth = deeper(py, depth)?;
            let items = items
                .iter()
                .map(|item| json_to_py(py, item, depth))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any())
        }
        Value::Object(map) => json_object_to_py(py, map, depth),
    }
}

/// A JSON object `depth` containers deep as a `dict`.
fn json_object_to_py<'py>(
    py: Python<'py>,
    map: &serde_json::Map<String, serde_json::Value>,
    depth: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let depth = deeper(py, depth)?;
    let dict = PyDict::new(py);
    for (key, value) in map {
        dict.set_item(key, json_to_py(py, value, depth)?)?;
    }
    Ok(dict.into_any())
}

/// The depth inside a container at `depth`, or an error past [`MAX_STORED_DEPTH`].
fn deeper(py: Python<'_>, depth: usize) -> PyResult<usize> {
    if depth >= MAX_STORED_DEPTH {
        return Err(unreadable(
            py,
            format!("cannot read a stored value nested deeper than {MAX_STORED_DEPTH} levels"),
        ));
    }
    Ok(depth + 1)
}
