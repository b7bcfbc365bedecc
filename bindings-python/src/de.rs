//! Python values in: a serde `Deserializer` over Python objects, so the core's input
//! types (which derive `Deserialize`) are read straight from dicts, with no
//! intermediate JSON.
//!
//! What it accepts beyond plain JSON types, and why:
//! - `decimal.Decimal` is read as its string form (exact), like the platform's API
//!   sends decimals; an `int` is accepted wherever a string is expected, so money and
//!   decimal fields take `Decimal`, `str` or `int` and ids may be integers. A `float`
//!   is refused where a string or decimal is expected (it would round money).
//! - An aware `datetime` is read as its RFC 3339 form; a naive one is rejected as
//!   ambiguous. A `date` is read as `YYYY-MM-DD`.
//! - Tuples and sets are read like lists, any mapping like a dict.
//!
//! Errors carry the path of the value at fault (`mobile_push[0].platform`) and are
//! turned into `contactkit::Error::Validation`, so a bad row names its field.
//!
//! The reader is bounded, because a caller's value may be hostile: it counts the
//! containers around each value and refuses one deeper than [`MAX_DEPTH`]
//! (`limits::too_deep`), keeps the address of every container on the current path
//! to refuse a container inside itself (`limits::cycle`), and spends a budget of
//! [`MAX_VALUES`] values so that lists shared by reference cannot multiply into
//! billions. A string holding a lone surrogate (which Python allows and UTF-8
//! cannot encode) is refused, quoted in Python's escaped form.

use contactkit::validate::limits;
use contactkit::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PyMapping,
    PySet, PyString, PyTuple, PyType,
};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_path_to_error::{Path, Segment};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// Deepest container allowed, counted from the argument itself (depth 0): core's
/// [`limits::MAX_NESTING`] plus the event dict around the params (core counts the
/// params dict as the first of its levels). So a value core accepts is never refused
/// here first, and one nested deeper is refused with core's error before it is read
/// any further.
pub const MAX_DEPTH: usize = limits::MAX_NESTING + 1;

/// Most values (containers and what they hold) one argument may carry. Far more
/// than any input the book takes (a contact or an import row is at most 1 MiB of
/// JSON, event params 64 KiB, an order 1,000 lines), and few enough to read
/// quickly; a million workflows still pass, for core to refuse by its own rule.
pub const MAX_VALUES: usize = 1 << 21;

/// A conversion failure, before its path is known.
#[derive(Debug)]
pub enum DeError {
    /// The value is not what was expected; the reason.
    Invalid(String),
    /// A string that is not valid Unicode, in Python's escaped form (`\ud800`).
    NotUnicode(String),
    /// A container nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A container inside itself.
    Cycle,
    /// More than [`MAX_VALUES`] values.
    TooMany,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeError::Invalid(reason) => f.write_str(reason),
            DeError::NotUnicode(_) => f.write_str(NOT_UNICODE),
            DeError::TooDeep => f.write_str("nested too deep"),
            DeError::Cycle => f.write_str("contains itself (a cycle)"),
            DeError::TooMany => write!(f, "more than {MAX_VALUES} values in one argument"),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::Invalid(msg.to_string())
    }
}

impl From<PyErr> for DeError {
    fn from(e: PyErr) -> Self {
        DeError::Invalid(e.to_string())
    }
}

type DeResult<T> = Result<T, DeError>;

/// Why a string with a lone surrogate is refused.
pub const NOT_UNICODE: &str =
    "not valid Unicode: a lone surrogate (\\ud800-\\udfff) cannot be stored";

/// How the argument being read is named in errors.
#[derive(Debug, Clone, Copy)]
pub enum Name<'a> {
    /// A value named `field` (`fields.age`, `at`): errors name it and the path inside.
    Value(&'a str),
    /// A dict of attributes, the parameter `param`: errors name the attribute path
    /// (`address.country`), and `param` when the dict itself is at fault.
    Attributes(&'a str),
}

/// Reads a `T` from a Python value named `name`.
pub fn from_py<T: DeserializeOwned>(value: &Bound<'_, PyAny>, name: Name<'_>) -> Result<T, Error> {
    let budget = Cell::new(MAX_VALUES);
    let de = PyDe {
        value: value.clone(),
        walk: Walk {
            ancestors: &[],
            budget: &budget,
        },
    };
    serde_path_to_error::deserialize(de).map_err(|e| to_error(value, name, e))
}

/// The core error for a failure at `e.path()` inside `root`.
fn to_error(
    root: &Bound<'_, PyAny>,
    name: Name<'_>,
    e: serde_path_to_error::Error<DeError>,
) -> Error {
    let (prefix, param) = match name {
        Name::Value(field) => (Some(field), field),
        Name::Attributes(param) => (None, param),
    };
    let mut field_path = join(prefix, &render(e.path()));
    let reason = match e.inner() {
        DeError::Invalid(reason) => reason.clone(),
        DeError::NotUnicode(escaped) => {
            let field = or_param(field_path, param);
            return Error::validation(field, escaped.clone(), NOT_UNICODE);
        }
        DeError::TooDeep => return limits::too_deep(&or_param(field_path, param)),
        DeError::Cycle => return limits::cycle(&or_param(field_path, param)),
        DeError::TooMany => {
            let field = or_param(field_path, param);
            return Error::validation(field, "…", e.inner().to_string());
        }
    };
    let mut offending = None;
    // serde reports unknown and missing keys at the enclosing map: name the key.
    for (marker, unknown) in [("unknown field `", true), ("missing field `", false)] {
        if let Some(key) = reason
            .strip_prefix(marker)
            .and_then(|rest| rest.split('`').next())
        {
            let named = field_path == key || field_path.ends_with(&format!(".{key}"));
            if !named {
                field_path = join(Some(&field_path), key);
            }
            offending = Some(if unknown {
                key.to_string()
            } else {
                String::new()
            });
        }
    }
    let offending = offending.unwrap_or_else(|| value_at(root, e.path()));
    Error::validation(or_param(field_path, param), offending, reason)
}

/// `field`, or the parameter's name when the failure is at the argument itself.
fn or_param(field: String, param: &str) -> String {
    if field.is_empty() {
        param.to_string()
    } else {
        field
    }
}

/// A path as the book names fields: `mobile_push[0].platform`. Segments serde could
/// not name (a map key that failed to read) are left out, so the map is named.
fn render(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

fn join(prefix: Option<&str>, path: &str) -> String {
    match prefix {
        None | Some("") => path.to_string(),
        Some(prefix) if path.is_empty() => prefix.to_string(),
        Some(prefix) if path.starts_with('[') => format!("{prefix}{path}"),
        Some(prefix) => format!("{prefix}.{path}"),
    }
}

/// The string form of the value at `path` inside `root`, for error messages.
fn value_at(root: &Bound<'_, PyAny>, path: &Path) -> String {
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
    if let Ok(s) = current.cast::<PyString>() {
        return utf8(s).map(Cow::into_owned).unwrap_or_else(|_| escaped(s));
    }
    // `str()` of a container walks all of it: 16 million shared leaves take seconds
    // and a deep one raises. `reprlib` writes a few items of a few levels.
    let quoted = if is_container(&current) {
        short_repr(&current)
    } else {
        current.str()
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

/// The UTF-8 text of a Python string; a lone surrogate is [`DeError::NotUnicode`].
pub fn utf8<'a>(s: &'a Bound<'_, PyString>) -> DeResult<Cow<'a, str>> {
    s.to_cow().map_err(|_| DeError::NotUnicode(escaped(s)))
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

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

/// The `str()` of a value that travels as text (int, Decimal, date).
fn text(value: &Bound<'_, PyAny>) -> DeResult<String> {
    let s = value.str()?;
    Ok(utf8(&s)?.into_owned())
}

/// The RFC 3339 form of an aware datetime; a naive one is an error.
fn aware_datetime(value: &Bound<'_, PyAny>) -> DeResult<String> {
    if value.call_method0("utcoffset")?.is_none() {
        return Err(DeError::Invalid(
            "a naive datetime is ambiguous: give it a time zone (e.g. tzinfo=timezone.utc)"
                .to_string(),
        ));
    }
    text(&value.call_method0("isoformat")?)
}

/// A key and its value in a mapping.
type Entry<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// Where a value sits in the argument being read: the containers around it, by
/// address (their count is its depth; its own address among them is a cycle), and
/// the values the argument may still hold.
#[derive(Clone, Copy)]
struct Walk<'a> {
    ancestors: &'a [usize],
    budget: &'a Cell<usize>,
}

/// A deserializer over one Python value.
pub struct PyDe<'a, 'py> {
    value: Bound<'py, PyAny>,
    walk: Walk<'a>,
}

impl<'a, 'py> PyDe<'a, 'py> {
    fn type_name(&self) -> String {
        self.value
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "object".to_string())
    }

    /// Enters this value as a container of `len` values. Refuses it when it is one of
    /// its own ancestors, too deep or over the budget (checked before its values are
    /// collected, so a huge list is not copied first); else the ancestors of its values.
    fn enter(&self, len: usize) -> DeResult<Vec<usize>> {
        let address = self.value.as_ptr() as usize;
        if self.walk.ancestors.contains(&address) {
            return Err(DeError::Cycle);
        }
        if self.walk.ancestors.len() >= MAX_DEPTH {
            return Err(DeError::TooDeep);
        }
        let left = self.walk.budget.get().checked_sub(len);
        self.walk.budget.set(left.ok_or(DeError::TooMany)?);
        let mut ancestors = self.walk.ancestors.to_vec();
        ancestors.push(address);
        Ok(ancestors)
    }

    /// Values that travel as strings: Decimal, aware datetime, date.
    fn as_text(&self) -> DeResult<Option<String>> {
        let value = &self.value;
        if value.is_instance(decimal_type(value.py())?)? {
            return Ok(Some(text(value)?));
        }
        if value.is_instance_of::<PyDateTime>() {
            return aware_datetime(value).map(Some);
        }
        if value.is_instance_of::<PyDate>() {
            return Ok(Some(text(&value.call_method0("isoformat")?)?));
        }
        Ok(None)
    }

    /// A list, tuple or set as the sequence of its values; `None` for other values.
    fn seq(&self) -> DeResult<Option<SeqAccess<'a, 'py>>> {
        let value = &self.value;
        let is_seq = value.is_instance_of::<PyList>()
            || value.is_instance_of::<PyTuple>()
            || value.is_instance_of::<PySet>()
            || value.is_instance_of::<PyFrozenSet>();
        if !is_seq {
            return Ok(None);
        }
        let len = value.len()?;
        let ancestors = self.enter(len)?;
        // At most `len` values: a subclass's `__iter__` cannot outrun the budget.
        let items = value.try_iter()?.take(len).collect::<PyResult<Vec<_>>>()?;
        Ok(Some(SeqAccess {
            items: items.into_iter(),
            ancestors,
            budget: self.walk.budget,
        }))
    }

    /// A dict or any other mapping as the map of its entries; `None` for other values.
    fn map(&self) -> DeResult<Option<MapAccess<'a, 'py>>> {
        let value = &self.value;
        let (ancestors, entries) = if let Ok(dict) = value.cast::<PyDict>() {
            let ancestors = self.enter(dict.len())?;
            (ancestors, dict.iter().collect())
        } else if let Ok(mapping) = value.cast::<PyMapping>() {
            let len = mapping.len()?;
            let ancestors = self.enter(len)?;
            (ancestors, mapping_entries(mapping, len)?)
        } else {
            return Ok(None);
        };
        Ok(Some(MapAccess {
            entries: Vec::into_iter(entries),
            value: None,
            ancestors,
            budget: self.walk.budget,
        }))
    }

    /// A deserializer over `value`, one of this container's values.
    fn child(value: Bound<'py, PyAny>, ancestors: &'a [usize], budget: &'a Cell<usize>) -> Self {
        PyDe {
            value,
            walk: Walk { ancestors, budget },
        }
    }
}

/// The first `len` entries of a mapping that is not a dict, read key by key: not
/// through `items()`, which a mapping builds whole however long it says it is.
fn mapping_entries<'py>(mapping: &Bound<'py, PyMapping>, len: usize) -> DeResult<Vec<Entry<'py>>> {
    let mut entries = Vec::with_capacity(len.min(1024));
    for key in mapping.try_iter()?.take(len) {
        let key = key?;
        let value = mapping.get_item(&key)?;
        entries.push((key, value));
    }
    Ok(entries)
}

struct SeqAccess<'a, 'py> {
    items: std::vec::IntoIter<Bound<'py, PyAny>>,
    /// The containers around the items, this sequence last.
    ancestors: Vec<usize>,
    budget: &'a Cell<usize>,
}

impl<'de, 'a, 'py> de::SeqAccess<'de> for SeqAccess<'a, 'py> {
    type Error = DeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> DeResult<Option<T::Value>> {
        match self.items.next() {
            Some(item) => seed
                .deserialize(PyDe::child(item, &self.ancestors, self.budget))
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'a, 'py> {
    entries: std::vec::IntoIter<Entry<'py>>,
    value: Option<Bound<'py, PyAny>>,
    /// The containers around the keys and values, this mapping last.
    ancestors: Vec<usize>,
    budget: &'a Cell<usize>,
}

impl<'de, 'a, 'py> de::MapAccess<'de> for MapAccess<'a, 'py> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> DeResult<Option<K::Value>> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(PyDe::child(key, &self.ancestors, self.budget))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
        match self.value.take() {
            Some(value) => seed.deserialize(PyDe::child(value, &self.ancestors, self.budget)),
            None => Err(DeError::Invalid(
                "a value was read before its key".to_string(),
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

impl<'de, 'a, 'py> de::Deserializer<'de> for PyDe<'a, 'py> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let value = &self.value;
        if value.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(b) = value.cast::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        }
        if value.is_instance_of::<PyInt>() {
            if let Ok(n) = value.extract::<i64>() {
                return visitor.visit_i64(n);
            }
            if let Ok(n) = value.extract::<u64>() {
                return visitor.visit_u64(n);
            }
            return Err(DeError::Invalid(format!(
                "integer {} is out of range",
                text(value)?
            )));
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            // JSON has no NaN or infinity: event params would store them as null.
            if !f.value().is_finite() {
                return Err(DeError::Invalid(format!(
                    "{} is not a finite number",
                    f.value()
                )));
            }
            return visitor.visit_f64(f.value());
        }
        if let Ok(s) = value.cast::<PyString>() {
            return visitor.visit_str(&utf8(s)?);
        }
        // Containers before the typed scalars: most values of an input are dicts,
        // lists or strings, and the mapping protocol check is the slowest.
        if value.is_instance_of::<PyDict>() {
            if let Some(map) = self.map()? {
                return visitor.visit_map(map);
            }
        }
        if let Some(seq) = self.seq()? {
            return visitor.visit_seq(seq);
        }
        if let Some(s) = self.as_text()? {
            return visitor.visit_string(s);
        }
        if let Some(map) = self.map()? {
            return visitor.visit_map(map);
        }
        Err(DeError::Invalid(format!(
            "unsupported type {}: expected str, int, float, bool, Decimal, date, datetime, dict, list or None",
            self.type_name()
        )))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.value.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    /// A string is expected: also take an int or a Decimal (ids, money) in string form.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let value = &self.value;
        if let Ok(s) = value.cast::<PyString>() {
            return visitor.visit_str(&utf8(s)?);
        }
        if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
            return visitor.visit_string(text(value)?);
        }
        if value.is_instance_of::<PyFloat>() {
            // Money and decimals travel as strings; a float would round them.
            return Err(DeError::Invalid(format!(
                "a float is not exact: give a Decimal or a str (got {})",
                text(value)?
            )));
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        match self.value.cast::<PyString>() {
            Ok(s) => {
                let name: String = utf8(s)?.into_owned();
                visitor.visit_enum(name.into_deserializer())
            }
            Err(_) => Err(DeError::Invalid(format!(
                "expected a str naming the value, not {}",
                self.type_name()
            ))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> DeResult<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
    }
}
