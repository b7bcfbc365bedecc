//! JavaScript values in: a bounded walk into the serde form of a core type.
//!
//! A JavaScript value is read into a `serde_json::Value` (camelCase keys made
//! snake_case, `Date` objects made RFC 3339 strings, `undefined` properties left out
//! so that absent and `null` stay two different things), then deserialised into the
//! core's input type by `contactkit::validate::unreadable`, the one conversion of a
//! serde error to a validation error; a failure names the key at fault.
//! A line of the portable form ([`line`]) is read by the same walk with its keys as
//! written (it is JSON data, snake_case in every language) and handed to the core as
//! it is.
//!
//! The walk is bounded, whatever the caller sends: a container nested deeper than
//! [`limits::MAX_NESTING`] (from the argument, and afresh from a data map, which
//! happens once on any path, so it recurses at most twice that deep), an object that
//! is its own ancestor, an argument larger than [`MAX_ARGUMENT_BYTES`], a lone
//! surrogate, a non-finite number and a bigint beyond 64 bits are refused before
//! anything more is read. (napi's own serde reader, `Env::from_js_value`, has none of
//! these bounds, so it never sees a caller's value.)
//!
//! napi's safe API does all of it but three things, each one `unsafe` block below:
//! a typed view of a value whose type was checked ([`view`]), a string read in one
//! call into a stack buffer ([`read_short`]), and a handle scope per element
//! ([`Reader::scoped`]).

use crate::errors::{Failure, Result};
use crate::names::{is_data_map, to_camel, to_snake};
use chrono::{DateTime, SecondsFormat};
use contactkit::validate::limits;
use contactkit::validate::unreadable::{from_json, ReadAs};
use contactkit::Error;
use napi::bindgen_prelude::{
    BigInt, FromNapiValue, HandleScope, JsObjectValue, KeyCollectionMode, KeyConversion, KeyFilter,
    Object, Unknown,
};
use napi::{sys, Env, JsDate, JsString, JsValue, Status, ValueType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};
use std::fmt::Write;

/// Largest integer a JavaScript number holds exactly (2^53 - 1).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The most a JavaScript argument may hold, in units that never exceed the bytes of
/// its JSON form (a string or key counts its UTF-8 length, any other value one), so
/// an argument of up to 4 MiB of JSON always passes. No input the book accepts comes
/// near it (a contact input is at most 1 MiB of JSON, an order 1,000 short lines);
/// the bound stops a hostile argument (a sparse `new Array(2 ** 32 - 1)`, a string of
/// hundreds of megabytes) before it costs the process gigabytes or an abort.
pub const MAX_ARGUMENT_BYTES: usize = 4 * limits::MAX_IMPORT_ROW_BYTES;

/// The most a line of the portable form may hold, counted as [`MAX_ARGUMENT_BYTES`]
/// counts: the core's `limits::MAX_LINE_BYTES` (a profile line carries the contact's
/// whole timeline). Its arrays hold no holes ([`Reader::json_only`]), so the bound
/// costs the process no more than the caller's own value does, a few times over.
pub const MAX_LINE_BYTES: usize = limits::MAX_LINE_BYTES;

/// Reads `value` as a `T`, named in errors as `read_as` says.
pub fn value<T: DeserializeOwned>(env: &Env, value: Unknown<'_>, read_as: ReadAs<'_>) -> Result<T> {
    let (path, param) = match read_as {
        ReadAs::Value(name) => (name, name),
        ReadAs::Attributes(param) => ("", param),
    };
    let mut reader = Reader::new(env, path, param);
    let json = reader.read(value, Keys::Vocabulary)?.unwrap_or(Value::Null);
    from_json(&json, read_as).map_err(|error| Failure::Core(beyond_2_53(error)))
}

/// Most parts of one import row the walk leaves out before it refuses the row whole:
/// the core's bound on the problems it reports for one row, so that a row of a
/// hundred thousand snake_case keys costs a hundred errors, not all of them.
const MAX_LEFT_OUT: usize = 100;

/// A row of `importContacts`: read by the same bounded walk into JSON for the core,
/// which reads each row leaving out and naming every part it cannot read (an unknown
/// key, a value of the wrong type), so that `onInvalid: 'drop_field'` writes the rest.
/// The walk does the same with what only it can tell: a property of the row, or a
/// value of its `fields`, that it refuses (a snake_case key, a lone surrogate, a
/// bigint beyond 64 bits, a value nested too deep or containing itself) is left out
/// and its error kept, one per part. What bounds the whole row (its size, more than
/// [`MAX_LEFT_OUT`] such parts) or is no part of it (the row itself is not an object's
/// worth of data) refuses the row, along with the errors of the parts left out
/// before. An N-API failure (a getter that throws) is a failure of the import, as
/// everywhere.
pub fn import_row(env: &Env, value: Unknown<'_>) -> (Result<Value>, Vec<Error>) {
    let mut reader = Reader::new(env, "", "");
    reader.tolerant = true;
    let read = reader.read(value, Keys::Vocabulary);
    (
        read.map(|json| json.unwrap_or(Value::Null)),
        reader.left_out,
    )
}

/// A rule (`rule` of `list`, `count`, `createSegment`, `updateSegment`): a plain
/// object read by the same bounded walk, its keys kept as written (the rule language
/// is the same JSON in every language), then core's `Rule::from_value`, which names
/// the path of a mistake (`rule.all[1].op`).
pub fn rule(env: &Env, value: Unknown<'_>) -> Result<contactkit::Rule> {
    let mut reader = Reader::new(env, "rule", "rule");
    let json = reader.read(value, Keys::DataMap)?.unwrap_or(Value::Null);
    rule_of(&json)
}

/// `options` of `createSegment`: a rule, read as [`rule`] reads one (a dynamic
/// segment), or `{ rule, ifExists }`, an object with no other key (no rule has either
/// at its top: a rule's keys are the rule language's own, snake_case).
pub fn segment_options(env: &Env, value: Unknown<'_>) -> Result<crate::args::options::Segment> {
    use crate::args::options::{IfExists, Segment};
    let mut reader = Reader::new(env, "rule", "rule");
    let json = reader.read(value, Keys::DataMap)?.unwrap_or(Value::Null);
    let options = match &json {
        Value::Object(map) if map.keys().all(|key| key == "rule" || key == "ifExists") => map,
        _ => {
            return Ok(Segment {
                rule: Some(rule_of(&json)?),
                if_exists: IfExists::Error,
            })
        }
    };
    let if_exists = match options.get("ifExists") {
        None | Some(Value::Null) => IfExists::Error,
        Some(Value::String(text)) if text == "error" => IfExists::Error,
        Some(Value::String(text)) if text == "return" => IfExists::Return,
        Some(other) => {
            let shown = match other {
                Value::String(text) => text.clone(),
                Value::Array(_) => "[…]".to_string(),
                Value::Object(_) => "{…}".to_string(),
                scalar => scalar.to_string(),
            };
            let reason = "expected error or return";
            return Err(Error::validation("if_exists", shown, reason).into());
        }
    };
    let rule = match options.get("rule") {
        None | Some(Value::Null) => None,
        Some(rule) => Some(rule_of(rule)?),
    };
    Ok(Segment { rule, if_exists })
}

/// A line of the portable form (`restoreLine`): a plain object read by the same
/// bounded walk, every key kept as written (the core's snake_case: a line is JSON data
/// for files, the same in every language), its nesting counted as an input's is (afresh
/// from `fields` and `params`), up to [`MAX_LINE_BYTES`]. A line is JSON: `undefined`
/// in an array (a hole of a sparse one included) is refused, naming it. Errors name
/// the key at fault inside the line (`activity[0].params.a`), or `line` when the value
/// itself is at fault; an array is no line.
pub fn line(env: &Env, value: Unknown<'_>) -> Result<Value> {
    if value.is_array()? {
        return Err(Failure::Core(Error::validation(
            "line",
            "[…]",
            "not a JSON object",
        )));
    }
    let mut reader = Reader::new(env, "", "line");
    reader.limit = MAX_LINE_BYTES;
    reader.budget = MAX_LINE_BYTES;
    reader.json_only = true;
    Ok(reader.read(value, Keys::Written)?.unwrap_or(Value::Null))
}

/// The rule a JSON value read by this module holds (inside an options object).
pub fn rule_of(json: &Value) -> Result<contactkit::Rule> {
    Ok(contactkit::Rule::from_value(json)?)
}

/// A string argument named `field` (snake_case, as error fields are kept until they
/// are thrown); anything but a string is a `VALIDATION` error naming it.
pub fn text(value: Unknown<'_>, field: &str) -> Result<String> {
    match value.get_type()? {
        ValueType::String => read_string(&value, MAX_ARGUMENT_BYTES, field, MAX_ARGUMENT_BYTES),
        other => Err(Error::validation(field, other.to_string(), "expected a string").into()),
    }
}

/// A typed view of `value`, whose type the caller checked (`get_type`, `is_array`,
/// `is_date`) to be the one `V` reads.
pub fn view<V: FromNapiValue>(value: &Unknown<'_>) -> napi::Result<V> {
    // SAFETY: `value` is a live handle of the current call, and its type was checked
    // by the caller; `cast` only wraps the handle (every N-API call on the view checks
    // the type again). napi has no checked conversion from `Unknown` to these types.
    unsafe { value.cast::<V>() }
}

/// The JavaScript reason for an integer past 2^53: the number it came in was
/// already rounded, so the caller must pass a bigint (or a string).
fn beyond_2_53(error: Error) -> Error {
    let Error::Validation {
        field,
        value,
        reason,
    } = error
    else {
        return error;
    };
    let inexact = value
        .parse::<f64>()
        .is_ok_and(|n| n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER);
    let integer_expected = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]
        .iter()
        .any(|integer| reason.ends_with(&format!("expected {integer}")));
    let reason =
        if inexact && integer_expected && reason.starts_with("invalid type: floating point") {
            format!(
            "{reason}: an integer beyond 2^53 is not exact as a JavaScript number, pass a bigint"
        )
        } else {
            reason
        };
    Error::Validation {
        field,
        value,
        reason,
    }
}

/// The number a JSON value holds when it is a whole number beyond 2^53: a JavaScript
/// number past 2^53 was rounded before the binding saw it (the reader makes every
/// safe integer and bigint an integer, so only such numbers and fractions are floats).
pub fn inexact_integer(value: &Value) -> Option<f64> {
    let n = value.as_number().filter(|n| n.is_f64())?.as_f64()?;
    is_inexact_integer(n).then_some(n)
}

/// True for a whole number beyond 2^53 (see [`inexact_integer`]).
pub fn is_inexact_integer(n: f64) -> bool {
    n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER
}

/// The error for the whole number `n` beyond 2^53 given as an additional field's
/// value, which the core would take as an integer (it takes whole floats, as
/// spreadsheets write integers): JavaScript rounded it already.
pub fn inexact(field: &str, n: f64) -> Failure {
    Failure::Core(Error::validation(
        field,
        js_number(n),
        "an integer beyond 2^53 is not exact as a JavaScript number, pass a bigint or a string",
    ))
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
    /// A line of the portable form: keys kept as written (snake_case), data maps
    /// (`fields`, `params`) counted afresh as in [`Keys::Vocabulary`].
    Written,
}

impl Keys {
    /// The keys of the value found under `name` in an object with these keys.
    fn below(self, name: &str) -> Keys {
        match self {
            Keys::Vocabulary | Keys::Written if is_data_map(name) => Keys::DataMap,
            Keys::Vocabulary => Keys::Vocabulary,
            Keys::Written => Keys::Written,
            Keys::DataMap | Keys::Data => Keys::Data,
        }
    }

    /// The keys of an element of an array with these keys.
    fn in_array(self) -> Keys {
        self.below("")
    }
}

/// Walks a JavaScript value, keeping the snake_case path of where it is for errors.
struct Reader<'a, 'env> {
    env: &'a Env,
    path: String,
    /// The parameter, named when the argument itself is at fault.
    param: &'a str,
    /// Containers open around the value being read, counted as the core counts.
    depth: usize,
    /// The objects and arrays on the path, to tell a cycle from deep nesting.
    ancestors: Vec<Object<'env>>,
    /// What is left of [`MAX_ARGUMENT_BYTES`] (of [`MAX_LINE_BYTES`] for a line).
    budget: usize,
    /// The whole budget, as an error says it.
    limit: usize,
    /// True for JSON data (a line): `undefined` in an array, which JSON has not, is
    /// refused rather than read as `null`, so a sparse array of any length costs one
    /// element.
    json_only: bool,
    /// True for an import row ([`import_row`]): a property of the row, or a value of
    /// its `fields`, that does not read is left out, its error kept in `left_out`.
    tolerant: bool,
    /// The errors of the parts left out.
    left_out: Vec<Error>,
}

impl<'a, 'env> Reader<'a, 'env> {
    fn new(env: &'a Env, path: &str, param: &'a str) -> Self {
        Reader {
            env,
            path: path.to_string(),
            param,
            depth: 0,
            ancestors: Vec::new(),
            budget: MAX_ARGUMENT_BYTES,
            limit: MAX_ARGUMENT_BYTES,
            json_only: false,
            tolerant: false,
            left_out: Vec::new(),
        }
    }

    /// Where the reader is, as an error names it.
    fn field(&self) -> &str {
        if self.path.is_empty() {
            self.param
        } else {
            &self.path
        }
    }

    fn invalid(&self, shown: &str, reason: &str) -> Failure {
        Failure::Core(Error::validation(self.field(), shown, reason))
    }

    /// Takes `bytes` from the budget, or refuses the argument when it is spent.
    fn spend(&mut self, bytes: usize) -> Result<()> {
        match self.budget.checked_sub(bytes) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(too_big(self.field(), self.limit)),
        }
    }

    /// The value, or `None` for `undefined`.
    fn read(&mut self, value: Unknown<'env>, keys: Keys) -> Result<Option<Value>> {
        self.spend(1)?;
        Ok(Some(match value.get_type()? {
            ValueType::Undefined => return Ok(None),
            ValueType::Null => Value::Null,
            ValueType::Boolean => Value::Bool(view::<bool>(&value)?),
            ValueType::Number => self.number(view::<f64>(&value)?)?,
            ValueType::BigInt => self.bigint(&value)?,
            ValueType::String => {
                let text = read_string(&value, self.budget, self.field(), self.limit)?;
                self.spend(text.len())?;
                Value::String(text)
            }
            ValueType::Object => self.object(value, keys)?,
            other => {
                return Err(
                    self.invalid(&other.to_string(), "expected a plain value, not this type")
                )
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
    fn bigint(&self, value: &Unknown<'env>) -> Result<Value> {
        let (n, lossless) = view::<BigInt>(value)?.get_i64();
        if lossless {
            return Ok(Value::Number(n.into()));
        }
        let digits = value.coerce_to_string()?.to_unknown();
        let digits = read_string(&digits, self.budget, self.field(), self.limit)?;
        Err(self.invalid(
            &format!("{digits}n"),
            "outside the 64-bit integer range (-2^63 to 2^63-1)",
        ))
    }

    /// An array, a `Date` (as RFC 3339) or a plain object.
    fn object(&mut self, value: Unknown<'env>, keys: Keys) -> Result<Value> {
        if value.is_date()? {
            return self.date(&value);
        }
        let array = value.is_array()?;
        let object = view::<Object<'env>>(&value)?;
        self.nested(object, keys, |reader| match array {
            true => reader.array(object, keys.in_array()),
            false => reader.map(object, keys),
        })
    }

    /// A `Date` as RFC 3339, which has four-digit years: one outside the years 1 to
    /// 9999 (in UTC) is refused, as the core refuses such instants, wherever it is
    /// (in event params it would become a string no `Date` parses).
    fn date(&self, value: &Unknown<'env>) -> Result<Value> {
        let millis = view::<JsDate<'env>>(value)?.value_of()?;
        let Some(at) =
            DateTime::from_timestamp_millis(millis as i64).filter(|_| millis.is_finite())
        else {
            return Err(self.invalid("Invalid Date", "expected a valid Date"));
        };
        let at = limits::check_instant(self.field(), at)?;
        Ok(Value::String(
            at.to_rfc3339_opts(SecondsFormat::Millis, true),
        ))
    }

    /// Reads the container `object` one level deeper, after checking that the level
    /// is allowed and that `object` is not one of the containers it is inside.
    fn nested(
        &mut self,
        object: Object<'env>,
        keys: Keys,
        read: impl FnOnce(&mut Self) -> Result<Value>,
    ) -> Result<Value> {
        if self.depth >= limits::MAX_NESTING {
            return Err(limits::too_deep(self.field()).into());
        }
        for ancestor in &self.ancestors {
            if self.env.strict_equals(object, *ancestor)? {
                return Err(limits::cycle(self.field()).into());
            }
        }
        let outer = self.depth;
        self.depth = if keys == Keys::DataMap { 1 } else { outer + 1 };
        self.ancestors.push(object);
        let read = read(self);
        self.ancestors.pop();
        self.depth = outer;
        read
    }

    fn array(&mut self, array: Object<'env>, keys: Keys) -> Result<Value> {
        let length = array.get_array_length()?;
        // Grown as elements are read: a sparse array claims any length it likes.
        let mut items = Vec::new();
        for index in 0..length {
            let outer = self.path.len();
            // Writing into a `String` cannot fail.
            let _ = write!(self.path, "[{index}]");
            let read = self.scoped(array, |reader| {
                let item = array.get_element::<Unknown<'env>>(index)?;
                reader.read(item, keys)
            });
            let item = match read {
                Ok(None) if self.json_only => Err(self.invalid(
                    "undefined",
                    "expected a JSON value (an array's hole or undefined is none)",
                )),
                read => read.map(|item| item.unwrap_or(Value::Null)),
            };
            self.path.truncate(outer);
            items.push(item?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, object: Object<'env>, keys: Keys) -> Result<Value> {
        let names = object.get_all_property_names(
            KeyCollectionMode::OwnOnly,
            KeyFilter::Enumerable,
            KeyConversion::NumbersToStrings,
        )?;
        let count = names.get_array_length()?;
        // The row of an import, or the `fields` of one (the one data map of a row
        // the core reads a value of at a time).
        let tolerated = self.tolerant
            && (self.ancestors.len() == 1 || (self.ancestors.len() == 2 && keys == Keys::DataMap));
        // Additional field values: a whole number past 2^53 is no integer there.
        let field_values = keys == Keys::DataMap && self.path.rsplit('.').next() == Some("fields");
        let mut map = Map::new();
        for index in 0..count {
            let outer = self.path.len();
            let read = self.scoped(object, |reader| reader.property(object, names, index, keys));
            self.path.truncate(outer);
            let read = match read {
                Ok(Some((name, value))) if field_values => match inexact_integer(&value) {
                    Some(n) => {
                        let mut field = self.path.clone();
                        extend(&mut field, &name);
                        Err(inexact(&field, n))
                    }
                    None => Ok(Some((name, value))),
                },
                read => read,
            };
            match read {
                Ok(Some((name, read))) => {
                    map.insert(name, read);
                }
                Ok(None) => {}
                Err(Failure::Core(error)) if tolerated && self.may_leave_out(&error) => {
                    self.left_out.push(error);
                }
                Err(failure) => return Err(failure),
            }
        }
        Ok(Value::Object(map))
    }

    /// Whether the part of an import row that `error` refused may be left out and the
    /// rest read on: not when the row is too large (the budget is the row's), nor past
    /// [`MAX_LEFT_OUT`] parts.
    fn may_leave_out(&self, error: &Error) -> bool {
        let too_big = matches!(
            error,
            Error::Validation { reason, .. } if *reason == too_big_reason(self.limit)
        );
        !too_big && self.left_out.len() < MAX_LEFT_OUT
    }

    /// The `index`th of the property `names` of `object`: its core key and value
    /// (`None` when `undefined`, or when the key is a symbol, which is not data).
    /// Leaves the path at the property; the caller restores it.
    fn property(
        &mut self,
        object: Object<'env>,
        names: Object<'env>,
        index: u32,
        keys: Keys,
    ) -> Result<Option<(String, Value)>> {
        let key = names.get_element::<Unknown<'env>>(index)?;
        let written = match read_string(&key, self.budget, self.field(), self.limit) {
            // A symbol key: napi's safe API cannot leave symbols out of the names
            // and keep only enumerable ones, and asking each key's type first would
            // cost a call per key.
            Err(Failure::Napi(error)) if error.status == Status::StringExpected => return Ok(None),
            read => read?,
        };
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
            Keys::DataMap | Keys::Data | Keys::Written => written,
        };
        extend(&mut self.path, &name);
        let item = object.get_property::<Unknown<'env>, Unknown<'env>>(key)?;
        let read = self.read(item, keys.below(&name))?;
        Ok(read.map(|read| (name, read)))
    }

    /// Runs `read` (a read inside `container`) in a handle scope of its own, so the
    /// handles a large argument needs are released element by element instead of
    /// held for the whole call.
    fn scoped<T>(
        &mut self,
        container: Object<'env>,
        read: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let scope = HandleScope::create(self.env)?;
        // SAFETY: closing the scope invalidates the handles made inside it; `read`
        // returns owned Rust values only (JSON, errors), and the handles the reader
        // keeps (`container`, `ancestors`) were made outside the scope. napi's safe
        // API has no handle scope that can be closed without `unsafe`.
        unsafe { scope.close(container, |_| Ok(read(self))) }?
    }
}

/// The error for an argument larger than `limit` ([`MAX_ARGUMENT_BYTES`], or
/// [`MAX_LINE_BYTES`] for a line).
fn too_big(field: &str, limit: usize) -> Failure {
    Failure::Core(Error::validation(field, "…", too_big_reason(limit)))
}

/// The reason of [`too_big`].
fn too_big_reason(limit: usize) -> String {
    format!("the argument is larger than {limit} bytes")
}

/// `n` as JavaScript writes it, for the numbers Rust writes otherwise.
fn js_number(n: f64) -> String {
    match n {
        f64::INFINITY => "Infinity".to_string(),
        f64::NEG_INFINITY => "-Infinity".to_string(),
        n => n.to_string(),
    }
}

/// The UTF-8 contents of the JavaScript string `value` of at most `max_bytes` (what
/// is left of `limit`), read as `field`. A lone surrogate is refused: N-API would
/// write it as U+FFFD, changing the text the caller gave.
fn read_string(value: &Unknown<'_>, max_bytes: usize, field: &str, limit: usize) -> Result<String> {
    let text = match read_short(value)? {
        Some(short) if short.len() > max_bytes => return Err(too_big(field, limit)),
        Some(short) => String::from_utf8(short)
            .map_err(|e| napi::Error::new(Status::InvalidArg, e.to_string()))?,
        None => {
            let string = view::<JsString<'_>>(value)?;
            if string.utf8_len()? > max_bytes {
                return Err(too_big(field, limit));
            }
            string.into_utf8()?.into_owned()?
        }
    };
    // Only a string with a replacement character can hide a lone surrogate.
    if text.contains(char::REPLACEMENT_CHARACTER) {
        if let Some(shown) = lone_surrogate(value)? {
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

/// The UTF-8 bytes of a string that fits in [`SHORT_STRING`], or `None` when it may
/// be longer.
fn read_short(value: &Unknown<'_>) -> napi::Result<Option<Vec<u8>>> {
    let mut buffer = [0u8; SHORT_STRING];
    let mut copied = 0;
    // SAFETY: `value` is a live string handle of the current call and the buffer
    // holds `SHORT_STRING` bytes. napi's safe API (`JsString::into_utf8`) measures
    // every string first, a second N-API call for each key and value of every row;
    // keys and values are short, and one call into a stack buffer reads them.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            value.value().env,
            value.raw(),
            buffer.as_mut_ptr().cast(),
            SHORT_STRING,
            &mut copied,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::new(
            Status::from(status),
            "reading a string failed",
        ));
    }
    // Node-API copies whole characters (at most 4 bytes each) and keeps the last
    // byte for a terminator: a copy with room left for one more character of any
    // size is the whole string.
    Ok((copied + 4 < SHORT_STRING).then(|| buffer[..copied].to_vec()))
}

/// The string with each lone surrogate written as `\uXXXX`, when it has one.
fn lone_surrogate(value: &Unknown<'_>) -> napi::Result<Option<String>> {
    let units = view::<JsString<'_>>(value)?.into_utf16()?;
    // The buffer ends with the terminator N-API writes.
    let units = units
        .as_slice()
        .split_last()
        .map_or(&[][..], |(_, units)| units);
    let mut lone = false;
    let shown = char::decode_utf16(units.iter().copied())
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
