//! The core's answers out: each a type named as the TypeScript type it stands for
//! (so `napi build` writes that name as the method's return type), written as plain
//! JavaScript objects from its serde form (snake_case keys made camelCase, instants
//! made `Date`s, integers beyond 2^53 made bigints). Decimals are strings already:
//! the core serialises them so. A line of the portable form is the exception: its
//! keys and strings stay exactly as the core writes them ([`PortableLine`]). Written
//! with napi's safe API only.

use crate::args::{Date, PortableLine};
use crate::errors::guard;
use crate::names::{camel_path, is_data_map, is_instant, to_camel};
use chrono::{DateTime, Utc};
use contactkit as core;
use napi::bindgen_prelude::{BigInt, JsObjectValue, Null, Object, ToNapiValue, TypeName, Unknown};
use napi::{sys, Env, JsValue, Status, ValueType};
use serde::Serialize;
use serde_json::{Number, Value};

/// A value JavaScript receives.
pub trait ToJs {
    /// `self` as a JavaScript value.
    fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>>;
}

/// Declares answer types: `Name(Inner)` is written by its [`ToJs`].
macro_rules! answers {
    ($($(#[$doc:meta])* $name:ident($inner:ty);)*) => {$(
        $(#[$doc])*
        pub struct $name(pub $inner);

        impl ToNapiValue for $name {
            unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
                let env = &Env::from_raw(env);
                guard(env, || Ok(value.to_js(env)?.raw()))
            }
        }

        /// napi's `Task` names the type its promise resolves with.
        impl TypeName for $name {
            fn type_name() -> &'static str {
                stringify!($name)
            }

            fn value_type() -> ValueType {
                ValueType::Object
            }
        }
    )*};
}

/// Declares answers written straight from their serde form.
macro_rules! serialized {
    ($($(#[$doc:meta])* $name:ident($inner:ty);)*) => {
        answers! {$($(#[$doc])* $name($inner);)*}
        $(impl ToJs for $name {
            fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
                write_serialized(env, &self.0)
            }
        })*
    };
}

serialized! {
    /// A category.
    Category(core::Category);
    /// A segment.
    Segment(core::Segment);
    /// A field definition.
    FieldDefinition(core::FieldDefinition);
    /// A suppression record.
    SuppressionRecord(core::SuppressionRecord);
    /// A send decision.
    SendDecision(core::SendDecision);
    /// An activity of any kind (a page of the timeline holds all three).
    Activity(core::Activity);
    /// The activity `recordCampaign` returns.
    CampaignActivity(core::Activity);
    /// The activity `recordEvent` returns.
    EventActivity(core::Activity);
    /// The activity `recordOrder` returns.
    OrderActivity(core::Activity);
    /// A page of the change feed (`seq` a number: it stays below 2^53).
    ChangePage(core::ChangePage);
    /// What `restoreLine` did: `{ kind, contactId, created }`.
    Restored(core::Restored);
}

answers! {
    /// A contact.
    Contact(core::Contact);
    /// An import's report.
    ImportReport(core::ImportReport);
    /// The report of an import of suppressions.
    SuppressionImportReport(core::SuppressionImportReport);
    /// Everything a book holds about one contact: `{ contact, activity, suppressions }`.
    ContactExport(core::ContactExport);
}

/// `{ items, nextCursor }`.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A core page with its items as `item` makes them.
    pub fn of<C>(page: core::Page<C>, item: impl FnMut(C) -> T) -> Self {
        Page {
            items: page.items.into_iter().map(item).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

impl<T> TypeName for Page<T> {
    fn type_name() -> &'static str {
        "Page"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl<T: ToJs> ToNapiValue for Page<T> {
    unsafe fn to_napi_value(env: sys::napi_env, page: Self) -> napi::Result<sys::napi_value> {
        let env = &Env::from_raw(env);
        guard(env, || {
            let mut items = env.create_array(page.items.len() as u32)?;
            for (index, item) in page.items.iter().enumerate() {
                items.set(index as u32, item.to_js(env)?)?;
            }
            let mut object = Object::new(env)?;
            object.set_named_property("items", items)?;
            object.set_named_property(&to_camel("next_cursor"), page.next_cursor)?;
            Ok(object.raw())
        })
    }
}

impl TypeName for Date {
    fn type_name() -> &'static str {
        "Date"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Date {
    unsafe fn to_napi_value(env: sys::napi_env, at: Self) -> napi::Result<sys::napi_value> {
        let env = &Env::from_raw(env);
        guard(env, || Ok(date(env, &at.0)?.raw()))
    }
}

impl TypeName for PortableLine {
    fn type_name() -> &'static str {
        "PortableLine"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for PortableLine {
    unsafe fn to_napi_value(env: sys::napi_env, line: Self) -> napi::Result<sys::napi_value> {
        let env = &Env::from_raw(env);
        guard(env, || Ok(line.to_js(env)?.raw()))
    }
}

/// A line of the portable form as the core writes it: every key as it is (snake_case)
/// and every string a string (instants stay RFC 3339 text, as a file holds them), so
/// that `restoreLine` takes it back unchanged and `JSON.stringify` writes the core's
/// line. Numbers are numbers, an integer beyond 2^53 a bigint, as everywhere.
impl ToJs for PortableLine {
    fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        write(env, &self.0, None, true, 0)
    }
}

/// A contact's additional fields carry their type: a `datetime` value is a `Date`,
/// which its serde form (a string, like a `text` value) cannot tell.
impl ToJs for Contact {
    fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        write_contact(env, &self.0)
    }
}

/// The contact as [`Contact`] writes it, the timeline as [`Activity`] does and the
/// suppression records as [`SuppressionRecord`] does: the same objects `get`,
/// `activity` and `suppressions` return.
impl ToJs for ContactExport {
    fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let export = &self.0;
        let mut activity = env.create_array(export.activity.len() as u32)?;
        for (index, item) in export.activity.iter().enumerate() {
            activity.set(index as u32, write_serialized(env, item)?)?;
        }
        let mut suppressions = env.create_array(export.suppressions.len() as u32)?;
        for (index, record) in export.suppressions.iter().enumerate() {
            suppressions.set(index as u32, write_serialized(env, record)?)?;
        }
        let mut object = Object::new(env)?;
        object.set_named_property("contact", write_contact(env, &export.contact)?)?;
        object.set_named_property("activity", activity)?;
        object.set_named_property("suppressions", suppressions)?;
        Ok(object.to_unknown())
    }
}

/// A contact as every method returning one writes it: its serde form, its additional
/// fields written by their type (a `datetime` value a `Date`).
fn write_contact<'env>(env: &'env Env, contact: &core::Contact) -> napi::Result<Unknown<'env>> {
    let mut json = to_json(contact)?;
    if let Value::Object(map) = &mut json {
        map.remove("fields");
    }
    let object = write(env, &json, None, false, 0)?;
    let mut fields = Object::new(env)?;
    for (key, value) in &contact.fields {
        let written = match value {
            core::FieldValue::Datetime(at) => date(env, at)?,
            other => write(env, &to_json(other)?, None, true, 0)?,
        };
        fields.set_named_property(key, written)?;
    }
    let mut written = crate::read::view::<Object<'_>>(&object)?;
    written.set_named_property("fields", fields)?;
    Ok(object)
}

/// Rejected and dropped rows, and each of their problems, name their field as
/// JavaScript does (`mobilePush[0].token`), or `null` when the row as a whole is at
/// fault (not an object: the core names it `input`, a key no input has).
impl ToJs for ImportReport {
    fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let mut report = self.0.clone();
        for row in &mut report.rejected {
            js_fields(row);
        }
        for row in &mut report.dropped {
            row.problems.iter_mut().for_each(js_problem);
        }
        write_serialized(env, &report)
    }
}

/// Rejected rows name their field as those of [`ImportReport`] do.
impl ToJs for SuppressionImportReport {
    fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let mut report = self.0.clone();
        for row in &mut report.rejected {
            js_fields(row);
        }
        write_serialized(env, &report)
    }
}

/// A rejected row's field, and its problems', as JavaScript names them.
fn js_fields(row: &mut core::RejectedRow) {
    row.field = js_field(row.field.take());
    row.problems.iter_mut().for_each(js_problem);
}

fn js_problem(problem: &mut core::RowProblem) {
    problem.field = js_field(problem.field.take());
}

/// The field of a row's problem as JavaScript names it; `None` for the row itself.
fn js_field(field: Option<String>) -> Option<String> {
    field
        .filter(|field| !field.is_empty() && field != "input")
        .map(|field| camel_path(&field))
}

fn to_json<T: Serialize>(value: &T) -> napi::Result<Value> {
    serde_json::to_value(value).map_err(|e| napi::Error::new(Status::GenericFailure, e.to_string()))
}

fn write_serialized<'env, T: Serialize>(env: &'env Env, value: &T) -> napi::Result<Unknown<'env>> {
    write(env, &to_json(value)?, None, false, 0)
}

/// Deepest value [`write`] descends into: serde_json's own recursion limit, so
/// nothing the core decodes is deeper (what it accepts now is at most
/// `limits::MAX_NESTING` deep); the bound only keeps the walk from recursing
/// without one.
const MAX_OUTPUT_DEPTH: usize = 128;

/// Writes `value`, found under the snake_case `key`; below a data map (`verbatim`)
/// keys stay as they are and strings stay strings. `depth` counts the containers
/// around `value`.
fn write<'env>(
    env: &'env Env,
    value: &Value,
    key: Option<&str>,
    verbatim: bool,
    depth: usize,
) -> napi::Result<Unknown<'env>> {
    if depth > MAX_OUTPUT_DEPTH {
        return Err(napi::Error::new(
            Status::GenericFailure,
            format!("a stored value is nested deeper than {MAX_OUTPUT_DEPTH} levels"),
        ));
    }
    match value {
        Value::Null => Null.into_unknown(env),
        Value::Bool(b) => b.into_unknown(env),
        Value::Number(n) => number(env, n),
        Value::String(s) => {
            let instant = (!verbatim && key.is_some_and(is_instant))
                .then(|| DateTime::parse_from_rfc3339(s).ok())
                .flatten();
            match instant {
                Some(at) => date(env, &at.with_timezone(&Utc)),
                None => s.as_str().into_unknown(env),
            }
        }
        Value::Array(items) => {
            let mut array = env.create_array(items.len() as u32)?;
            for (index, item) in items.iter().enumerate() {
                array.set(index as u32, write(env, item, key, verbatim, depth + 1)?)?;
            }
            Ok(array.to_unknown())
        }
        Value::Object(map) => {
            let mut object = Object::new(env)?;
            for (name, item) in map {
                let below = verbatim || is_data_map(name);
                let written = write(env, item, Some(name), below, depth + 1)?;
                if verbatim {
                    object.set_named_property(name, written)?;
                } else {
                    object.set_named_property(&to_camel(name), written)?;
                }
            }
            Ok(object.to_unknown())
        }
    }
}

/// A number as JavaScript can hold it exactly: an integer beyond 2^53 - 1 (which a
/// `number` would round) as a `bigint`, anything else as a `number`.
fn number<'env>(env: &'env Env, n: &Number) -> napi::Result<Unknown<'env>> {
    let beyond = |magnitude: u64| magnitude > crate::read::MAX_SAFE_INTEGER as u64;
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) if beyond(i.unsigned_abs()) => BigInt::from(i).into_unknown(env),
        (None, Some(u)) => BigInt::from(u).into_unknown(env),
        _ => n.as_f64().unwrap_or(f64::NAN).into_unknown(env),
    }
}

fn date<'env>(env: &'env Env, at: &DateTime<Utc>) -> napi::Result<Unknown<'env>> {
    Ok(env.create_date(at.timestamp_millis() as f64)?.to_unknown())
}
