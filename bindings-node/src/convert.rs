//! JavaScript values in and out, through the serde forms of the core's types.
//!
//! In: a JavaScript value is read into a `serde_json::Value` (camelCase keys made
//! snake_case, `Date` objects made RFC 3339 strings, `undefined` properties left out
//! so that absent and `null` stay two different things), then deserialised into the
//! core's input type; a failure names the input key at fault.
//!
//! Out: a core value is serialised to a `serde_json::Value` and written as plain
//! JavaScript objects (snake_case keys made camelCase, instants made `Date`s).
//! Decimals are strings already: the core serialises them so.
//!
//! The key rules themselves live in [`crate::names`].

use crate::errors::{Failure, Result};
use crate::names::{is_data_map, is_instant, to_camel, to_snake};
use chrono::{DateTime, SecondsFormat, Utc};
use contactkit::validate::limits;
use contactkit::{
    Activity, Category, Contact, Error, FieldDefinition, FieldValue, ImportReport, Page, Segment,
    SendDecision, SuppressionRecord,
};
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{sys, Status, ValueType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};
use std::fmt::Write;
use std::ptr;

/// Largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn check(status: sys::napi_status) -> napi::Result<()> {
    match status {
        sys::Status::napi_ok => Ok(()),
        sys::Status::napi_pending_exception => Err(napi::Error::new(
            Status::PendingException,
            "a JavaScript exception is pending",
        )),
        other => Err(napi::Error::new(
            Status::from(other),
            "a Node-API call failed",
        )),
    }
}

// ---------------------------------------------------------------------------
// In

/// The most a JavaScript argument may hold, in units that never exceed the bytes of
/// its JSON form (a string or key counts its UTF-8 length, any other value one), so
/// an argument of up to 4 MiB of JSON always passes. No input the book accepts comes
/// near it (a contact input is at most 1 MiB of JSON, an order 1,000 short lines);
/// the bound stops a hostile argument (a sparse `new Array(2 ** 32 - 1)`, a string of
/// hundreds of megabytes) before it costs the process gigabytes or an abort.
pub const MAX_ARGUMENT_BYTES: usize = 4 * limits::MAX_IMPORT_ROW_BYTES;

/// Reads a JavaScript value into `T`. `name` prefixes error fields when the value
/// is itself one named argument (`definition`, `value`); `None` for an input object
/// whose keys are the fields.
///
/// # Safety
/// `env` and `value` must be live handles of the current call.
pub unsafe fn from_js<T: DeserializeOwned>(
    env: sys::napi_env,
    value: sys::napi_value,
    name: Option<&str>,
) -> Result<T> {
    let mut reader = Reader::new(env, name.unwrap_or_default());
    let json = unsafe { reader.read(value, Keys::Vocabulary)? }.unwrap_or(Value::Null);
    deserialize(json, name)
}

/// Reads an optional options object (`undefined` and `null` are no options).
///
/// # Safety
/// As [`from_js`].
pub unsafe fn options_from_js<T: DeserializeOwned + Default>(
    env: sys::napi_env,
    value: Option<sys::napi_value>,
) -> Result<T> {
    let mut reader = Reader::new(env, "");
    match value {
        None => Ok(T::default()),
        Some(value) => match unsafe { reader.read(value, Keys::Vocabulary)? } {
            None | Some(Value::Null) => Ok(T::default()),
            Some(json) => deserialize(json, None),
        },
    }
}

/// Deserialises `json` into `T`, naming the key at fault and quoting its value on
/// failure.
///
/// Tracking the path costs on every value of every row, and only a failure needs
/// it: the value is deserialised plainly first, and again with the path tracked
/// only when that fails (deserialising is deterministic, so it fails the same way).
pub fn deserialize<T: DeserializeOwned>(json: Value, name: Option<&str>) -> Result<T> {
    T::deserialize(&json).or_else(|_| explain(&json, name))
}

/// The error of a `json` that does not deserialise into `T`: the key at fault and
/// its value.
fn explain<T: DeserializeOwned>(json: &Value, name: Option<&str>) -> Result<T> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let given = value_at(json, e.path());
        let reason = reason_for(&e.inner().to_string(), given);
        let mut field = join(name.unwrap_or(""), if path == "." { "" } else { &path });
        let mut value = given.map(shown).unwrap_or_default();
        // serde reports unknown and missing keys at the enclosing object: name the key.
        for (marker, unknown) in [("unknown field `", true), ("missing field `", false)] {
            if let Some(key) = reason
                .strip_prefix(marker)
                .and_then(|rest| rest.split('`').next())
            {
                let named = field == key || field.ends_with(&format!(".{key}"));
                if !named {
                    field = join(&field, key);
                }
                value = if unknown {
                    key.to_string()
                } else {
                    String::new()
                };
            }
        }
        Failure::Core(Error::validation(field, value, reason))
    })
}

/// serde's reason, in the words a JavaScript caller needs: money and decimals are
/// strings, and an integer beyond 2^53 was already rounded by the number it came in.
fn reason_for(reason: &str, given: Option<&Value>) -> String {
    let reason = reason.replace(
        "expected a Decimal type representing a fixed-point number",
        "expected a decimal string such as \"19.99\" (never a number)",
    );
    let unsafe_integer = given
        .and_then(Value::as_f64)
        .is_some_and(|n| n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER);
    let integer_expected = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]
        .iter()
        .any(|integer| reason.ends_with(&format!("expected {integer}")));
    if unsafe_integer && integer_expected && reason.starts_with("invalid type: floating point") {
        format!(
            "{reason}: an integer beyond 2^53 is not exact as a JavaScript number, pass a bigint"
        )
    } else {
        reason
    }
}

/// The value at serde's `path` inside `json`, when the path leads to one.
fn value_at<'a>(json: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    path.iter().try_fold(json, |value, segment| match segment {
        Segment::Seq { index } => value.get(index),
        Segment::Map { key } => value.get(key),
        Segment::Enum { .. } => Some(value),
        Segment::Unknown => None,
    })
}

/// A value as an error quotes it: text as written, numbers and booleans as literals,
/// containers elided.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(_) => "[…]".to_string(),
        Value::Object(_) => "{…}".to_string(),
        scalar => scalar.to_string(),
    }
}

fn join(prefix: &str, key: &str) -> String {
    let mut path = prefix.to_string();
    extend(&mut path, key);
    path
}

/// Appends `key` (a name, or an index written `[i]`) to `path` in place: the reader
/// does so for every property it reads, so it reuses the path's buffer.
fn extend(path: &mut String, key: &str) {
    if !path.is_empty() && !key.is_empty() && !key.starts_with('[') {
        path.push('.');
    }
    path.push_str(key);
}

/// How the keys of an object being read are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keys {
    /// The core's vocabulary: camelCase in JavaScript, snake_case for the core.
    Vocabulary,
    /// A data map (`fields`, `params`): its keys are data, kept as written, and its
    /// nesting is counted afresh from it, as the core counts event params (the map
    /// is the first of the 32 levels).
    DataMap,
    /// Below a data map: keys kept as written.
    Data,
}

impl Keys {
    /// The keys of the value found under `name` in an object with these keys.
    fn below(self, name: &str) -> Keys {
        match self {
            Keys::Vocabulary if is_data_map(name) => Keys::DataMap,
            Keys::Vocabulary => Keys::Vocabulary,
            Keys::DataMap | Keys::Data => Keys::Data,
        }
    }

    /// The keys of an element of an array with these keys.
    fn in_array(self) -> Keys {
        self.below("")
    }
}

/// Walks a JavaScript value, keeping the snake_case path of where it is for errors.
///
/// The walk is bounded: a container nested deeper than [`limits::MAX_NESTING`] (from
/// the argument, and afresh from a data map, which happens once on any path, so it
/// recurses at most twice that deep), an object that is its own ancestor, and an
/// argument larger than [`MAX_ARGUMENT_BYTES`] are refused before anything more is
/// read.
struct Reader {
    env: sys::napi_env,
    path: String,
    /// Containers open around the value being read, counted as the core counts.
    depth: usize,
    /// The objects and arrays on the path, to tell a cycle from deep nesting.
    ancestors: Vec<sys::napi_value>,
    /// What is left of [`MAX_ARGUMENT_BYTES`].
    budget: usize,
}

impl Reader {
    fn new(env: sys::napi_env, path: &str) -> Self {
        Reader {
            env,
            path: path.to_string(),
            depth: 0,
            ancestors: Vec::new(),
            budget: MAX_ARGUMENT_BYTES,
        }
    }

    fn invalid(&self, shown: &str, reason: &str) -> Failure {
        Failure::Core(Error::validation(self.path.clone(), shown, reason))
    }

    /// Takes `bytes` from the budget, or refuses the argument when it is spent.
    fn spend(&mut self, bytes: usize) -> Result<()> {
        match self.budget.checked_sub(bytes) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(too_big(&self.path)),
        }
    }

    /// The value, or `None` for `undefined`.
    unsafe fn read(&mut self, value: sys::napi_value, keys: Keys) -> Result<Option<Value>> {
        let env = self.env;
        self.spend(1)?;
        let mut kind = 0;
        check(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
        Ok(Some(match kind {
            sys::ValueType::napi_undefined => return Ok(None),
            sys::ValueType::napi_null => Value::Null,
            sys::ValueType::napi_boolean => {
                let mut b = false;
                check(unsafe { sys::napi_get_value_bool(env, value, &mut b) })?;
                Value::Bool(b)
            }
            sys::ValueType::napi_number => {
                let mut n = 0.0;
                check(unsafe { sys::napi_get_value_double(env, value, &mut n) })?;
                self.number(n)?
            }
            sys::ValueType::napi_bigint => unsafe { self.bigint(value)? },
            sys::ValueType::napi_string => {
                let text = unsafe { read_string(env, value, self.budget, &self.path)? };
                self.spend(text.len())?;
                Value::String(text)
            }
            sys::ValueType::napi_object => unsafe { self.object(value, keys)? },
            _ => {
                let shown = ValueType::from(kind).to_string();
                return Err(self.invalid(&shown, "expected a plain value, not this type"));
            }
        }))
    }

    /// A safe integer as an integer (so it deserialises into integer types); any
    /// other finite number as itself, which integer types refuse, so an integer
    /// beyond 2^53, already rounded in JavaScript, is never taken for another one.
    fn number(&self, n: f64) -> Result<Value> {
        if n.is_finite() && n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
            Ok(Value::Number((n as i64).into()))
        } else {
            Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| self.invalid(&js_number(n), "expected a finite number"))
        }
    }

    /// A bigint within 64 bits, exactly; a larger one is refused, quoted in full.
    unsafe fn bigint(&self, value: sys::napi_value) -> Result<Value> {
        let mut n = 0i64;
        let mut lossless = false;
        check(unsafe { sys::napi_get_value_bigint_int64(self.env, value, &mut n, &mut lossless) })?;
        if lossless {
            return Ok(Value::Number(n.into()));
        }
        let mut text = ptr::null_mut();
        check(unsafe { sys::napi_coerce_to_string(self.env, value, &mut text) })?;
        let digits = unsafe { read_string(self.env, text, self.budget, &self.path)? };
        Err(self.invalid(
            &format!("{digits}n"),
            "outside the 64-bit integer range (-2^63 to 2^63-1)",
        ))
    }

    /// An array, a `Date` (as RFC 3339) or a plain object.
    unsafe fn object(&mut self, value: sys::napi_value, keys: Keys) -> Result<Value> {
        let env = self.env;
        let mut flag = false;
        check(unsafe { sys::napi_is_date(env, value, &mut flag) })?;
        if flag {
            return unsafe { self.date(value) };
        }
        check(unsafe { sys::napi_is_array(env, value, &mut flag) })?;
        let array = flag;
        unsafe {
            self.nested(value, keys, |reader| match array {
                true => reader.array(value, keys.in_array()),
                false => reader.map(value, keys),
            })
        }
    }

    /// A `Date` as RFC 3339, which has four-digit years: one outside the years 1 to
    /// 9999 (in UTC) is refused, as the core refuses such instants, wherever it is
    /// (in event params it would become a string no `Date` parses).
    unsafe fn date(&self, value: sys::napi_value) -> Result<Value> {
        let mut millis = 0.0;
        check(unsafe { sys::napi_get_date_value(self.env, value, &mut millis) })?;
        let Some(at) =
            DateTime::from_timestamp_millis(millis as i64).filter(|_| millis.is_finite())
        else {
            return Err(self.invalid("Invalid Date", "expected a valid Date"));
        };
        let at = limits::check_instant(&self.path, at)?;
        Ok(Value::String(
            at.to_rfc3339_opts(SecondsFormat::Millis, true),
        ))
    }

    /// Reads the container `value` one level deeper, after checking that the level
    /// is allowed and that `value` is not one of the containers it is inside.
    unsafe fn nested(
        &mut self,
        value: sys::napi_value,
        keys: Keys,
        read: impl FnOnce(&mut Self) -> Result<Value>,
    ) -> Result<Value> {
        if self.depth >= limits::MAX_NESTING {
            return Err(limits::too_deep(&self.path).into());
        }
        for &ancestor in &self.ancestors {
            let mut same = false;
            check(unsafe { sys::napi_strict_equals(self.env, value, ancestor, &mut same) })?;
            if same {
                return Err(limits::cycle(&self.path).into());
            }
        }
        let outer = self.depth;
        self.depth = if keys == Keys::DataMap { 1 } else { outer + 1 };
        self.ancestors.push(value);
        let read = read(self);
        self.ancestors.pop();
        self.depth = outer;
        read
    }

    unsafe fn array(&mut self, value: sys::napi_value, keys: Keys) -> Result<Value> {
        let env = self.env;
        let mut length = 0u32;
        check(unsafe { sys::napi_get_array_length(env, value, &mut length) })?;
        // Grown as elements are read: a sparse array claims any length it likes.
        let mut items = Vec::new();
        for index in 0..length {
            let outer = self.path.len();
            // Writing into a `String` cannot fail.
            let _ = write!(self.path, "[{index}]");
            let read = unsafe {
                self.scoped(|reader| {
                    let mut item = ptr::null_mut();
                    check(sys::napi_get_element(env, value, index, &mut item))?;
                    reader.read(item, keys)
                })
            };
            self.path.truncate(outer);
            items.push(read?.unwrap_or(Value::Null));
        }
        Ok(Value::Array(items))
    }

    unsafe fn map(&mut self, value: sys::napi_value, keys: Keys) -> Result<Value> {
        let env = self.env;
        let mut names = ptr::null_mut();
        check(unsafe {
            sys::napi_get_all_property_names(
                env,
                value,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut names,
            )
        })?;
        let mut count = 0u32;
        check(unsafe { sys::napi_get_array_length(env, names, &mut count) })?;
        let mut map = Map::new();
        for index in 0..count {
            let outer = self.path.len();
            let read = unsafe { self.scoped(|reader| reader.property(value, names, index, keys)) };
            self.path.truncate(outer);
            if let Some((name, read)) = read? {
                map.insert(name, read);
            }
        }
        Ok(Value::Object(map))
    }

    /// The `index`th of the property `names` of `object`: its core key and value
    /// (`None` when `undefined`). Leaves the path at the property; the caller
    /// restores it.
    unsafe fn property(
        &mut self,
        object: sys::napi_value,
        names: sys::napi_value,
        index: u32,
        keys: Keys,
    ) -> Result<Option<(String, Value)>> {
        let env = self.env;
        let mut key = ptr::null_mut();
        check(unsafe { sys::napi_get_element(env, names, index, &mut key) })?;
        let written = unsafe { read_string(env, key, self.budget, &self.path)? };
        self.spend(written.len())?;
        let name = match keys {
            Keys::Vocabulary => match to_snake(&written) {
                Some(name) => name,
                None => {
                    extend(&mut self.path, &written);
                    let camel = to_camel(&written);
                    let reason = format!("unknown key: keys are camelCase ({camel})");
                    return Err(self.invalid(&written, &reason));
                }
            },
            Keys::DataMap | Keys::Data => written,
        };
        extend(&mut self.path, &name);
        let mut item = ptr::null_mut();
        check(unsafe { sys::napi_get_property(env, object, key, &mut item) })?;
        let read = unsafe { self.read(item, keys.below(&name))? };
        Ok(read.map(|read| (name, read)))
    }

    /// Runs `read` in a handle scope of its own, so the handles a large argument
    /// needs are released element by element instead of held for the whole call.
    unsafe fn scoped<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let mut scope = ptr::null_mut();
        check(unsafe { sys::napi_open_handle_scope(self.env, &mut scope) })?;
        let read = read(self);
        let closed = check(unsafe { sys::napi_close_handle_scope(self.env, scope) });
        let read = read?;
        closed?;
        Ok(read)
    }
}

/// The error for an argument larger than [`MAX_ARGUMENT_BYTES`].
fn too_big(field: &str) -> Failure {
    Failure::Core(Error::validation(
        field,
        "…",
        format!("the argument is larger than {MAX_ARGUMENT_BYTES} bytes"),
    ))
}

/// `n` as JavaScript writes it, for the numbers Rust writes otherwise.
fn js_number(n: f64) -> String {
    match n {
        f64::INFINITY => "Infinity".to_string(),
        f64::NEG_INFINITY => "-Infinity".to_string(),
        n => n.to_string(),
    }
}

/// A string argument named `field` (snake_case, as error fields are kept until they
/// are thrown); anything but a string is a `VALIDATION` error naming it.
///
/// # Safety
/// `env` and `value` must be live handles of the current call.
pub unsafe fn text(env: sys::napi_env, value: sys::napi_value, field: &str) -> Result<String> {
    let mut kind = 0;
    check(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    if kind == sys::ValueType::napi_string {
        return unsafe { read_string(env, value, MAX_ARGUMENT_BYTES, field) };
    }
    let shown = ValueType::from(kind).to_string();
    Err(Failure::Core(Error::validation(
        field,
        shown,
        "expected a string",
    )))
}

/// The UTF-8 contents of a JavaScript string of at most `max_bytes`, read as
/// `field`. A lone surrogate is refused: N-API would write it as U+FFFD, changing
/// the text the caller gave.
///
/// # Safety
/// `value` must be a string handle of `env`.
unsafe fn read_string(
    env: sys::napi_env,
    value: sys::napi_value,
    max_bytes: usize,
    field: &str,
) -> Result<String> {
    let buffer = match unsafe { read_short(env, value)? } {
        Some(short) if short.len() > max_bytes => return Err(too_big(field)),
        Some(short) => short,
        None => unsafe { read_long(env, value, max_bytes, field)? },
    };
    let text = String::from_utf8(buffer)
        .map_err(|e| napi::Error::new(Status::InvalidArg, e.to_string()))?;
    // Only a string with a replacement character can hide a lone surrogate.
    if text.contains(char::REPLACEMENT_CHARACTER) {
        if let Some(shown) = unsafe { lone_surrogate(env, value)? } {
            return Err(Failure::Core(Error::validation(
                field,
                shown,
                "holds a lone surrogate (half of a UTF-16 pair), which is not text",
            )));
        }
    }
    Ok(text)
}

/// Bytes of the stack buffer [`read_short`] copies into: more than nearly every key
/// and value of an input holds.
const SHORT_STRING: usize = 256;

/// The UTF-8 bytes of a string that fits in [`SHORT_STRING`], read with one
/// Node-API call (keys and values are short: measuring them first would double
/// the calls), or `None` when it may be longer.
///
/// # Safety
/// `value` must be a string handle of `env`.
unsafe fn read_short(env: sys::napi_env, value: sys::napi_value) -> Result<Option<Vec<u8>>> {
    let mut buffer = [0u8; SHORT_STRING];
    let mut copied = 0;
    check(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            buffer.as_mut_ptr().cast(),
            SHORT_STRING,
            &mut copied,
        )
    })?;
    // Node-API copies whole characters (at most 4 bytes each) and keeps the last
    // byte for a terminator: a copy with room left for one more character of any
    // size is the whole string.
    Ok((copied + 4 < SHORT_STRING).then(|| buffer[..copied].to_vec()))
}

/// The UTF-8 bytes of a string of at most `max_bytes`, measured before it is
/// copied, so that a huge string is refused before anything is allocated for it.
///
/// # Safety
/// `value` must be a string handle of `env`.
unsafe fn read_long(
    env: sys::napi_env,
    value: sys::napi_value,
    max_bytes: usize,
    field: &str,
) -> Result<Vec<u8>> {
    let mut length = 0;
    check(unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut length) })?;
    if length > max_bytes {
        return Err(too_big(field));
    }
    let mut buffer = vec![0u8; length + 1];
    check(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            buffer.as_mut_ptr().cast(),
            length + 1,
            &mut length,
        )
    })?;
    buffer.truncate(length);
    Ok(buffer)
}

/// The string with each lone surrogate written as `\uXXXX`, when it has one.
///
/// # Safety
/// `value` must be a string handle of `env`.
unsafe fn lone_surrogate(env: sys::napi_env, value: sys::napi_value) -> Result<Option<String>> {
    let mut length = 0;
    check(unsafe {
        sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut length)
    })?;
    let mut units = vec![0u16; length + 1];
    check(unsafe {
        sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), length + 1, &mut length)
    })?;
    units.truncate(length);
    let mut lone = false;
    let shown = char::decode_utf16(units)
        .map(|unit| match unit {
            Ok(c) => c.to_string(),
            Err(e) => {
                lone = true;
                format!("\\u{:04x}", e.unpaired_surrogate())
            }
        })
        .collect();
    Ok(lone.then_some(shown))
}

// ---------------------------------------------------------------------------
// Out

/// A value handed to JavaScript: `Js(contact)` returns a plain object.
pub struct Js<T>(pub T);

impl<T: ToJs> ToNapiValue for Js<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        unsafe { val.0.to_js(env) }
    }
}

impl<T> TypeName for Js<T> {
    fn type_name() -> &'static str {
        "Object"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

/// A core value JavaScript receives.
pub trait ToJs {
    /// Writes `self` as a JavaScript value.
    ///
    /// # Safety
    /// `env` must be the live environment of the current call.
    unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value>;
}

/// Values written straight from their serde form.
macro_rules! serde_to_js {
    ($($ty:ty),*) => {$(
        impl ToJs for $ty {
            unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
                unsafe { write_serialized(env, self) }
            }
        }
    )*};
}

serde_to_js!(
    Activity,
    Category,
    Segment,
    FieldDefinition,
    SuppressionRecord,
    SendDecision,
    u64
);

impl ToJs for DateTime<Utc> {
    unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
        unsafe { date(env, self) }
    }
}

/// A contact's additional fields carry their type: a `datetime` value is a `Date`,
/// which its serde form (a string, like a `text` value) cannot tell.
impl ToJs for Contact {
    unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
        let mut json = to_json(self)?;
        if let Value::Object(map) = &mut json {
            map.remove("fields");
        }
        let object = unsafe { write(env, &json, None, false, 0)? };
        let mut fields = ptr::null_mut();
        check(unsafe { sys::napi_create_object(env, &mut fields) })?;
        for (key, value) in &self.fields {
            let written = match value {
                FieldValue::Datetime(at) => unsafe { date(env, at)? },
                other => unsafe { write(env, &to_json(other)?, None, true, 0)? },
            };
            unsafe { set(env, fields, key, written)? };
        }
        unsafe { set(env, object, "fields", fields)? };
        Ok(object)
    }
}

/// Rejected rows name their field as JavaScript does (`mobilePush[0].token`), or
/// `null` when the row as a whole is at fault (not an object).
impl ToJs for ImportReport {
    unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
        let mut report = self.clone();
        for row in &mut report.rejected {
            row.field = row
                .field
                .as_deref()
                .filter(|field| !field.is_empty())
                .map(crate::names::camel_path);
        }
        unsafe { write_serialized(env, &report) }
    }
}

impl<T: ToJs> ToJs for Option<T> {
    unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
        match self {
            Some(value) => unsafe { value.to_js(env) },
            None => unsafe { write(env, &Value::Null, None, false, 0) },
        }
    }
}

impl<T: ToJs> ToJs for Vec<T> {
    unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
        let mut array = ptr::null_mut();
        check(unsafe { sys::napi_create_array_with_length(env, self.len(), &mut array) })?;
        for (index, item) in self.iter().enumerate() {
            let written = unsafe { item.to_js(env)? };
            check(unsafe { sys::napi_set_element(env, array, index as u32, written) })?;
        }
        Ok(array)
    }
}

/// `{ items, nextCursor }`.
impl<T: ToJs> ToJs for Page<T> {
    unsafe fn to_js(&self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
        let mut object = ptr::null_mut();
        check(unsafe { sys::napi_create_object(env, &mut object) })?;
        let items = unsafe { self.items.to_js(env)? };
        let cursor = Value::from(self.next_cursor.clone());
        let cursor = unsafe { write(env, &cursor, None, false, 0)? };
        unsafe {
            set(env, object, "items", items)?;
            set(env, object, &to_camel("next_cursor"), cursor)?;
        }
        Ok(object)
    }
}

fn to_json<T: Serialize>(value: &T) -> napi::Result<Value> {
    serde_json::to_value(value).map_err(|e| napi::Error::new(Status::GenericFailure, e.to_string()))
}

unsafe fn write_serialized<T: Serialize>(
    env: sys::napi_env,
    value: &T,
) -> napi::Result<sys::napi_value> {
    unsafe { write(env, &to_json(value)?, None, false, 0) }
}

/// Deepest value [`write`] descends into: serde_json's own recursion limit, so
/// nothing the core decodes is deeper (what it accepts now is at most
/// [`limits::MAX_NESTING`] deep); the bound only keeps the walk from recursing
/// without one.
const MAX_OUTPUT_DEPTH: usize = 128;

/// Writes `value`, found under the snake_case `key`; below a data map (`verbatim`)
/// keys stay as they are and strings stay strings. `depth` counts the containers
/// around `value`.
unsafe fn write(
    env: sys::napi_env,
    value: &Value,
    key: Option<&str>,
    verbatim: bool,
    depth: usize,
) -> napi::Result<sys::napi_value> {
    if depth > MAX_OUTPUT_DEPTH {
        return Err(napi::Error::new(
            Status::GenericFailure,
            format!("a stored value is nested deeper than {MAX_OUTPUT_DEPTH} levels"),
        ));
    }
    let mut out = ptr::null_mut();
    match value {
        Value::Null => check(unsafe { sys::napi_get_null(env, &mut out) })?,
        Value::Bool(b) => check(unsafe { sys::napi_get_boolean(env, *b, &mut out) })?,
        Value::Number(n) => return unsafe { number(env, n) },
        Value::String(s) => {
            let instant = (!verbatim && key.is_some_and(is_instant))
                .then(|| DateTime::parse_from_rfc3339(s).ok())
                .flatten();
            match instant {
                Some(at) => return unsafe { date(env, &at.with_timezone(&Utc)) },
                None => return unsafe { ToNapiValue::to_napi_value(env, s.as_str()) },
            }
        }
        Value::Array(items) => {
            check(unsafe { sys::napi_create_array_with_length(env, items.len(), &mut out) })?;
            for (index, item) in items.iter().enumerate() {
                let written = unsafe { write(env, item, key, verbatim, depth + 1)? };
                check(unsafe { sys::napi_set_element(env, out, index as u32, written) })?;
            }
        }
        Value::Object(map) => {
            check(unsafe { sys::napi_create_object(env, &mut out) })?;
            for (name, item) in map {
                let below = verbatim || is_data_map(name);
                let written = unsafe { write(env, item, Some(name), below, depth + 1)? };
                if verbatim {
                    unsafe { set(env, out, name, written)? };
                } else {
                    unsafe { set(env, out, &to_camel(name), written)? };
                }
            }
        }
    }
    Ok(out)
}

/// A number as JavaScript can hold it exactly: an integer beyond 2^53 - 1 (which a
/// `number` would round) as a `bigint`, anything else as a `number`.
unsafe fn number(env: sys::napi_env, n: &Number) -> napi::Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    let beyond = |magnitude: u64| magnitude > MAX_SAFE_INTEGER as u64;
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) if beyond(i.unsigned_abs()) => {
            check(unsafe { sys::napi_create_bigint_int64(env, i, &mut out) })?
        }
        (None, Some(u)) => check(unsafe { sys::napi_create_bigint_uint64(env, u, &mut out) })?,
        _ => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            check(unsafe { sys::napi_create_double(env, n, &mut out) })?
        }
    }
    Ok(out)
}

unsafe fn date(env: sys::napi_env, at: &DateTime<Utc>) -> napi::Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    check(unsafe { sys::napi_create_date(env, at.timestamp_millis() as f64, &mut out) })?;
    Ok(out)
}

unsafe fn set(
    env: sys::napi_env,
    object: sys::napi_value,
    key: &str,
    value: sys::napi_value,
) -> napi::Result<()> {
    let key = unsafe { ToNapiValue::to_napi_value(env, key)? };
    check(unsafe { sys::napi_set_property(env, object, key, value) })
}
