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
use contactkit::{
    Activity, Category, Contact, Error, FieldDefinition, FieldValue, ImportReport, Page, Segment,
    SendDecision, SuppressionRecord,
};
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{sys, Status, ValueType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};
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
    let mut reader = Reader {
        env,
        path: name.map(str::to_string).unwrap_or_default(),
    };
    let json = unsafe { reader.read(value, false)? }.unwrap_or(Value::Null);
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
    let mut reader = Reader {
        env,
        path: String::new(),
    };
    match value {
        None => Ok(T::default()),
        Some(value) => match unsafe { reader.read(value, false)? } {
            None | Some(Value::Null) => Ok(T::default()),
            Some(json) => deserialize(json, None),
        },
    }
}

/// Deserialises `json` into `T`, naming the key at fault on failure.
pub fn deserialize<T: DeserializeOwned>(json: Value, name: Option<&str>) -> Result<T> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        // Money and decimals are strings in JavaScript: say so rather than serde's words.
        let reason = e.inner().to_string().replace(
            "expected a Decimal type representing a fixed-point number",
            "expected a decimal string such as \"19.99\" (never a number)",
        );
        let mut field = join(name.unwrap_or(""), if path == "." { "" } else { &path });
        let mut value = String::new();
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
                if unknown {
                    value = key.to_string();
                }
            }
        }
        Failure::Core(Error::validation(field, value, reason))
    })
}

fn join(prefix: &str, key: &str) -> String {
    match (prefix.is_empty(), key.is_empty()) {
        (true, _) => key.to_string(),
        (_, true) => prefix.to_string(),
        _ if key.starts_with('[') => format!("{prefix}{key}"),
        _ => format!("{prefix}.{key}"),
    }
}

/// Walks a JavaScript value, keeping the snake_case path of where it is for errors.
struct Reader {
    env: sys::napi_env,
    path: String,
}

impl Reader {
    fn invalid(&self, shown: &str, reason: &str) -> Failure {
        Failure::Core(Error::validation(self.path.clone(), shown, reason))
    }

    /// The value, or `None` for `undefined`. Keys below a data map (`verbatim`) are
    /// kept as written.
    unsafe fn read(&mut self, value: sys::napi_value, verbatim: bool) -> Result<Option<Value>> {
        let env = self.env;
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
            sys::ValueType::napi_bigint => {
                let mut n = 0i64;
                let mut lossless = false;
                check(unsafe {
                    sys::napi_get_value_bigint_int64(env, value, &mut n, &mut lossless)
                })?;
                if !lossless {
                    return Err(self.invalid("bigint", "does not fit in 64 bits"));
                }
                Value::Number(n.into())
            }
            sys::ValueType::napi_string => Value::String(unsafe { read_string(env, value)? }),
            sys::ValueType::napi_object => unsafe { self.object(value, verbatim)? },
            _ => {
                let shown = ValueType::from(kind).to_string();
                return Err(self.invalid(&shown, "expected a plain value, not this type"));
            }
        }))
    }

    fn number(&self, n: f64) -> Result<Value> {
        if n.is_finite() && n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
            Ok(Value::Number((n as i64).into()))
        } else {
            Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| self.invalid(&n.to_string(), "expected a finite number"))
        }
    }

    unsafe fn object(&mut self, value: sys::napi_value, verbatim: bool) -> Result<Value> {
        let env = self.env;
        let mut flag = false;
        check(unsafe { sys::napi_is_array(env, value, &mut flag) })?;
        if flag {
            let mut length = 0u32;
            check(unsafe { sys::napi_get_array_length(env, value, &mut length) })?;
            let mut items = Vec::with_capacity(length as usize);
            for index in 0..length {
                let mut item = ptr::null_mut();
                check(unsafe { sys::napi_get_element(env, value, index, &mut item) })?;
                let outer = self.path.len();
                self.path.push_str(&format!("[{index}]"));
                let read = unsafe { self.read(item, verbatim)? };
                self.path.truncate(outer);
                items.push(read.unwrap_or(Value::Null));
            }
            return Ok(Value::Array(items));
        }
        check(unsafe { sys::napi_is_date(env, value, &mut flag) })?;
        if flag {
            let mut millis = 0.0;
            check(unsafe { sys::napi_get_date_value(env, value, &mut millis) })?;
            return match DateTime::from_timestamp_millis(millis as i64)
                .filter(|_| millis.is_finite())
            {
                Some(at) => Ok(Value::String(
                    at.to_rfc3339_opts(SecondsFormat::Millis, true),
                )),
                None => Err(self.invalid("Invalid Date", "expected a valid Date")),
            };
        }
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
            let mut key = ptr::null_mut();
            check(unsafe { sys::napi_get_element(env, names, index, &mut key) })?;
            let written = unsafe { read_string(env, key)? };
            let mut item = ptr::null_mut();
            check(unsafe { sys::napi_get_property(env, value, key, &mut item) })?;
            let outer = self.path.len();
            let name = if verbatim {
                written
            } else {
                match to_snake(&written) {
                    Some(name) => name,
                    None => {
                        self.path = join(&self.path, &written);
                        let camel = to_camel(&written);
                        let reason = format!("unknown key: keys are camelCase ({camel})");
                        return Err(self.invalid(&written, &reason));
                    }
                }
            };
            self.path = join(&self.path, &name);
            let read = unsafe { self.read(item, verbatim || is_data_map(&name))? };
            self.path.truncate(outer);
            if let Some(read) = read {
                map.insert(name, read);
            }
        }
        Ok(Value::Object(map))
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
        return Ok(unsafe { read_string(env, value)? });
    }
    let shown = ValueType::from(kind).to_string();
    Err(Failure::Core(Error::validation(
        field,
        shown,
        "expected a string",
    )))
}

/// The UTF-8 contents of a JavaScript string.
///
/// # Safety
/// `value` must be a string handle of `env`.
pub unsafe fn read_string(env: sys::napi_env, value: sys::napi_value) -> napi::Result<String> {
    let mut length = 0;
    check(unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut length) })?;
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
    String::from_utf8(buffer).map_err(|e| napi::Error::new(Status::InvalidArg, e.to_string()))
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
        let object = unsafe { write(env, &json, None, false)? };
        let mut fields = ptr::null_mut();
        check(unsafe { sys::napi_create_object(env, &mut fields) })?;
        for (key, value) in &self.fields {
            let written = match value {
                FieldValue::Datetime(at) => unsafe { date(env, at)? },
                other => unsafe { write(env, &to_json(other)?, None, true)? },
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
            None => unsafe { write(env, &Value::Null, None, false) },
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
        let cursor = unsafe { write(env, &cursor, None, false)? };
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
    unsafe { write(env, &to_json(value)?, None, false) }
}

/// Writes `value`, found under the snake_case `key`; below a data map (`verbatim`)
/// keys stay as they are and strings stay strings.
unsafe fn write(
    env: sys::napi_env,
    value: &Value,
    key: Option<&str>,
    verbatim: bool,
) -> napi::Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    match value {
        Value::Null => check(unsafe { sys::napi_get_null(env, &mut out) })?,
        Value::Bool(b) => check(unsafe { sys::napi_get_boolean(env, *b, &mut out) })?,
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            check(unsafe { sys::napi_create_double(env, n, &mut out) })?
        }
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
                let written = unsafe { write(env, item, key, verbatim)? };
                check(unsafe { sys::napi_set_element(env, out, index as u32, written) })?;
            }
        }
        Value::Object(map) => {
            check(unsafe { sys::napi_create_object(env, &mut out) })?;
            for (name, item) in map {
                let written =
                    unsafe { write(env, item, Some(name), verbatim || is_data_map(name))? };
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
