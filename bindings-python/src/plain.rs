//! The bounded walk over a caller's value before `pythonize` reads it: a value may be
//! hostile, and it may hold Python types that have no JSON form.
//!
//! `pythonize` recurses without a bound and reads only JSON-shaped values, so this walk
//! goes first and gives it a plain value:
//! - it counts the containers around each value and refuses one deeper than
//!   [`MAX_DEPTH`] (`limits::too_deep`), refuses a container inside itself
//!   (`limits::cycle`), and spends a budget of [`MAX_VALUES`] values so that lists shared
//!   by reference cannot multiply into billions;
//! - `decimal.Decimal` becomes its exact string form, an aware `datetime` its RFC 3339
//!   form and a `date` `YYYY-MM-DD` (the forms core reads); a naive `datetime` is refused
//!   as ambiguous; so are NaN, infinities and integers past 64 bits;
//! - tuples and sets become lists and any other mapping a dict, read at most as many
//!   items as their length says (a subclass's `__iter__` cannot outrun the budget, nor
//!   a mapping's `items()` build itself whole).
//!
//! Containers are copied only when something inside them changed, so a value of plain
//! dicts, lists and strings is handed on as it is. A refused value is replaced by a
//! marker `pythonize` cannot read, so `serde_path_to_error` names where it was.

use contactkit::validate::limits;
use contactkit::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PyMapping, PySet,
    PyString, PyTuple, PyType,
};

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

/// Why a value was refused, and how the error quotes it (when not as the caller's
/// value is quoted everywhere else).
#[derive(Debug)]
pub struct Refusal {
    pub reason: String,
    pub value: Option<String>,
}

impl Refusal {
    fn new(reason: impl Into<String>) -> Self {
        Refusal {
            reason: reason.into(),
            value: None,
        }
    }

    fn quoting(self, value: impl Into<String>) -> Self {
        Refusal {
            value: Some(value.into()),
            ..self
        }
    }

    /// The reason and value of one of core's `limits` errors (its wording stays there).
    fn of(error: Error) -> Self {
        match error {
            Error::Validation { value, reason, .. } => Refusal::new(reason).quoting(value),
            other => Refusal::new(other.to_string()),
        }
    }
}

impl From<PyErr> for Refusal {
    fn from(err: PyErr) -> Self {
        Refusal::new(err.to_string())
    }
}

/// `value` made plain, and the first value refused in it (replaced by [`marker`]).
pub fn plain<'py>(value: &Bound<'py, PyAny>) -> (Bound<'py, PyAny>, Option<Refusal>) {
    let mut walk = Walk {
        ancestors: Vec::new(),
        budget: MAX_VALUES,
        refusal: None,
    };
    let plain = walk.value(value).unwrap_or_else(|| value.clone());
    (plain, walk.refusal)
}

/// What stands in for a refused value: an object `pythonize` reads as no type.
pub fn marker(py: Python<'_>) -> Bound<'_, PyAny> {
    py.Ellipsis().into_bound(py)
}

/// Walks one argument: the containers around the current value, by address (their
/// count is its depth; its own address among them is a cycle), and the values the
/// argument may still hold.
struct Walk {
    ancestors: Vec<usize>,
    budget: usize,
    refusal: Option<Refusal>,
}

/// A value's replacement, or `None` when it is handed on as it is.
type Plain<'py> = Option<Bound<'py, PyAny>>;

impl Walk {
    /// `value` made plain; a refusal is kept and the value replaced by the marker.
    fn value<'py>(&mut self, value: &Bound<'py, PyAny>) -> Plain<'py> {
        match self.convert(value) {
            Ok(plain) => plain,
            Err(refusal) => {
                self.refusal.get_or_insert(refusal);
                Some(marker(value.py()))
            }
        }
    }

    fn convert<'py>(&mut self, value: &Bound<'py, PyAny>) -> Result<Plain<'py>, Refusal> {
        // The most common values first: strings, then exact dicts and lists.
        if value.is_instance_of::<PyString>() || value.is_none() {
            return Ok(None);
        }
        if let Ok(dict) = value.cast_exact::<PyDict>() {
            return self.dict(value, dict);
        }
        if let Ok(list) = value.cast_exact::<PyList>() {
            return self.list(value, list);
        }
        if value.is_instance_of::<PyBool>() {
            return Ok(None);
        }
        if value.is_instance_of::<PyInt>() {
            return integer(value);
        }
        if let Ok(f) = value.cast::<PyFloat>() {
            // JSON has no NaN or infinity: event params would store them as null.
            let f = f.value();
            return match f.is_finite() {
                true => Ok(None),
                false => Err(Refusal::new(format!("{f} is not a finite number"))),
            };
        }
        if let Some(text) = as_text(value)? {
            return Ok(Some(text.into_any()));
        }
        let sequence = value.is_instance_of::<PyList>()
            || value.is_instance_of::<PyTuple>()
            || value.is_instance_of::<PySet>()
            || value.is_instance_of::<PyFrozenSet>();
        if sequence {
            return self.sequence(value).map(Some);
        }
        if let Ok(mapping) = value.cast::<PyMapping>() {
            return self.mapping(value, mapping).map(Some);
        }
        let type_name = value
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "object".to_string());
        Err(Refusal::new(
            format!("unsupported type {type_name}: expected str, int, float, bool, Decimal, date, datetime, dict, list or None"),
        ))
    }

    /// Enters `container`, which holds `len` values: refused when it is one of its own
    /// ancestors, too deep or over the budget (checked before its values are read).
    fn enter(&mut self, container: &Bound<'_, PyAny>, len: usize) -> Result<(), Refusal> {
        let address = container.as_ptr() as usize;
        if self.ancestors.contains(&address) {
            return Err(Refusal::of(limits::cycle("")));
        }
        if self.ancestors.len() >= MAX_DEPTH {
            return Err(Refusal::of(limits::too_deep("")));
        }
        self.budget = self.budget.checked_sub(len).ok_or_else(|| {
            Refusal::new(format!("more than {MAX_VALUES} values in one argument")).quoting("…")
        })?;
        self.ancestors.push(address);
        Ok(())
    }

    /// An exact dict, copied only when one of its values changed.
    fn dict<'py>(
        &mut self,
        value: &Bound<'py, PyAny>,
        dict: &Bound<'py, PyDict>,
    ) -> Result<Plain<'py>, Refusal> {
        self.enter(value, dict.len())?;
        let mut copy: Option<Bound<'py, PyDict>> = None;
        // Collected first: reading a value may run Python code that changes the dict.
        let entries: Vec<_> = dict.iter().collect();
        for (key, item) in entries {
            if let Some(plain) = self.value(&item) {
                copy.get_or_insert(dict.copy()?).set_item(key, plain)?;
            }
            if self.refusal.is_some() {
                break;
            }
        }
        self.ancestors.pop();
        Ok(copy.map(Bound::into_any))
    }

    /// An exact list, copied only when one of its values changed.
    fn list<'py>(
        &mut self,
        value: &Bound<'py, PyAny>,
        list: &Bound<'py, PyList>,
    ) -> Result<Plain<'py>, Refusal> {
        self.enter(value, list.len())?;
        let mut copy: Option<Bound<'py, PyList>> = None;
        for (index, item) in list.iter().enumerate() {
            if let Some(plain) = self.value(&item) {
                let copy = match &copy {
                    Some(copy) => copy,
                    None => copy.insert(list.get_slice(0, list.len())),
                };
                copy.set_item(index, plain)?;
            }
            if self.refusal.is_some() {
                break;
            }
        }
        self.ancestors.pop();
        Ok(copy.map(Bound::into_any))
    }

    /// A tuple, set or list subclass as a new list of at most `len()` items.
    fn sequence<'py>(&mut self, value: &Bound<'py, PyAny>) -> Result<Bound<'py, PyAny>, Refusal> {
        let len = value.len()?;
        self.enter(value, len)?;
        let list = PyList::empty(value.py());
        for item in value.try_iter()?.take(len) {
            let item = item?;
            list.append(self.value(&item).unwrap_or(item))?;
            if self.refusal.is_some() {
                break;
            }
        }
        self.ancestors.pop();
        Ok(list.into_any())
    }

    /// Any other mapping as a new dict of at most `len()` entries, read key by key.
    fn mapping<'py>(
        &mut self,
        value: &Bound<'py, PyAny>,
        mapping: &Bound<'py, PyMapping>,
    ) -> Result<Bound<'py, PyAny>, Refusal> {
        let len = mapping.len()?;
        self.enter(value, len)?;
        let dict = PyDict::new(value.py());
        for key in mapping.try_iter()?.take(len) {
            let key = key?;
            let item = mapping.get_item(&key)?;
            dict.set_item(&key, self.value(&item).unwrap_or(item))?;
            if self.refusal.is_some() {
                break;
            }
        }
        self.ancestors.pop();
        Ok(dict.into_any())
    }
}

/// An integer core can hold (64 bits, signed or not) is handed on; a larger one refused.
fn integer<'py>(value: &Bound<'py, PyAny>) -> Result<Plain<'py>, Refusal> {
    if value.extract::<i64>().is_ok() || value.extract::<u64>().is_ok() {
        return Ok(None);
    }
    // `str()` refuses more than 4,300 digits.
    let text = value
        .str()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "…".to_string());
    Err(Refusal::new(format!("integer {text} is out of range")).quoting(text))
}

/// The text form core reads of a Decimal, an aware datetime or a date.
fn as_text<'py>(value: &Bound<'py, PyAny>) -> Result<Option<Bound<'py, PyString>>, Refusal> {
    if value.is_instance(decimal_type(value.py())?)? {
        return Ok(Some(value.str()?));
    }
    if value.is_instance_of::<PyDateTime>() {
        if value.call_method0("utcoffset")?.is_none() {
            return Err(Refusal::new(
                "a naive datetime is ambiguous: give it a time zone (e.g. tzinfo=timezone.utc)",
            ));
        }
        return Ok(Some(value.call_method0("isoformat")?.str()?));
    }
    if value.is_instance_of::<PyDate>() {
        return Ok(Some(value.call_method0("isoformat")?.str()?));
    }
    Ok(None)
}

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}
