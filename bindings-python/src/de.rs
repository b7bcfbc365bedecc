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

use contactkit::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PyMapping, PySet,
    PyString, PyTuple, PyType,
};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::fmt;

/// A conversion failure, before its path is known.
#[derive(Debug)]
pub struct DeError(String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

impl From<PyErr> for DeError {
    fn from(e: PyErr) -> Self {
        DeError(e.to_string())
    }
}

type DeResult<T> = Result<T, DeError>;

/// Reads a `T` from a Python value. `field` names the value for errors (`None` for a
/// dict whose keys are the field names).
pub fn from_py<T: DeserializeOwned>(
    value: &Bound<'_, PyAny>,
    field: Option<&str>,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(PyDe(value.clone())).map_err(|e| {
        let path = e.path().to_string();
        let reason = e.inner().0.clone();
        let mut field_path = join(field, if path == "." { "" } else { &path });
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
        if field_path.is_empty() {
            field_path = "input".to_string();
        }
        let offending = offending.unwrap_or_else(|| value_at(value, e.path()));
        Error::validation(field_path, offending, reason)
    })
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
fn value_at(root: &Bound<'_, PyAny>, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
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
        .str()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

fn text(value: &Bound<'_, PyAny>) -> DeResult<String> {
    Ok(value.str()?.to_cow()?.into_owned())
}

/// The RFC 3339 form of an aware datetime; a naive one is an error.
fn aware_datetime(value: &Bound<'_, PyAny>) -> DeResult<String> {
    if value.call_method0("utcoffset")?.is_none() {
        return Err(DeError(
            "a naive datetime is ambiguous: give it a time zone (e.g. tzinfo=timezone.utc)"
                .to_string(),
        ));
    }
    text(&value.call_method0("isoformat")?)
}

/// A key and its value in a mapping.
type Entry<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// A deserializer over one Python value.
pub struct PyDe<'py>(pub Bound<'py, PyAny>);

impl<'py> PyDe<'py> {
    fn type_name(&self) -> String {
        self.0
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "object".to_string())
    }

    /// Values that travel as strings: Decimal, aware datetime, date.
    fn as_text(&self) -> DeResult<Option<String>> {
        let value = &self.0;
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

    fn items(&self) -> DeResult<Option<Vec<Bound<'py, PyAny>>>> {
        let value = &self.0;
        if let Ok(list) = value.cast::<PyList>() {
            return Ok(Some(list.iter().collect()));
        }
        if let Ok(tuple) = value.cast::<PyTuple>() {
            return Ok(Some(tuple.iter().collect()));
        }
        if value.is_instance_of::<PySet>() || value.is_instance_of::<PyFrozenSet>() {
            return Ok(Some(value.try_iter()?.collect::<PyResult<_>>()?));
        }
        Ok(None)
    }

    fn entries(&self) -> DeResult<Option<Vec<Entry<'py>>>> {
        let value = &self.0;
        if let Ok(dict) = value.cast::<PyDict>() {
            return Ok(Some(dict.iter().collect()));
        }
        if value.is_instance_of::<PyString>() {
            return Ok(None);
        }
        if let Ok(mapping) = value.cast::<PyMapping>() {
            let items = mapping.items()?;
            let mut entries = Vec::with_capacity(items.len());
            for item in items.iter() {
                entries.push(item.extract::<Entry<'py>>()?);
            }
            return Ok(Some(entries));
        }
        Ok(None)
    }
}

struct SeqAccess<'py> {
    items: std::vec::IntoIter<Bound<'py, PyAny>>,
}

impl<'de, 'py> de::SeqAccess<'de> for SeqAccess<'py> {
    type Error = DeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> DeResult<Option<T::Value>> {
        match self.items.next() {
            Some(item) => seed.deserialize(PyDe(item)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'py> {
    entries: std::vec::IntoIter<Entry<'py>>,
    value: Option<Bound<'py, PyAny>>,
}

impl<'de, 'py> de::MapAccess<'de> for MapAccess<'py> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> DeResult<Option<K::Value>> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(PyDe(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
        match self.value.take() {
            Some(value) => seed.deserialize(PyDe(value)),
            None => Err(DeError("a value was read before its key".to_string())),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

impl<'de, 'py> de::Deserializer<'de> for PyDe<'py> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let value = &self.0;
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
            return Err(DeError(format!("integer {} is out of range", text(value)?)));
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            return visitor.visit_f64(f.value());
        }
        if let Ok(s) = value.cast::<PyString>() {
            return visitor.visit_str(&s.to_cow()?);
        }
        // Containers before the typed scalars: most values of an input are dicts,
        // lists or strings, and the mapping protocol check is the slowest.
        if let Ok(dict) = value.cast::<PyDict>() {
            let entries: Vec<Entry<'py>> = dict.iter().collect();
            return visitor.visit_map(MapAccess {
                entries: entries.into_iter(),
                value: None,
            });
        }
        if let Some(items) = self.items()? {
            return visitor.visit_seq(SeqAccess {
                items: items.into_iter(),
            });
        }
        if let Some(s) = self.as_text()? {
            return visitor.visit_string(s);
        }
        if let Some(entries) = self.entries()? {
            return visitor.visit_map(MapAccess {
                entries: entries.into_iter(),
                value: None,
            });
        }
        Err(DeError(format!(
            "unsupported type {}: expected str, int, float, bool, Decimal, date, datetime, dict, list or None",
            self.type_name()
        )))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.0.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    /// A string is expected: also take an int or a Decimal (ids, money) in string form.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let value = &self.0;
        if let Ok(s) = value.cast::<PyString>() {
            return visitor.visit_str(&s.to_cow()?);
        }
        if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
            return visitor.visit_string(text(value)?);
        }
        if value.is_instance_of::<PyFloat>() {
            // Money and decimals travel as strings; a float would round them.
            return Err(DeError(format!(
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
        match self.0.cast::<PyString>() {
            Ok(s) => {
                let name: String = s.to_cow()?.into_owned();
                visitor.visit_enum(name.into_deserializer())
            }
            Err(_) => Err(DeError(format!(
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
