//! Additional (custom) fields: their definitions and typed values.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The type of an additional field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Up to 255 characters.
    Text,
    /// Up to 10 000 characters.
    Textarea,
    /// A 64-bit integer.
    Number,
    /// An exact decimal.
    Decimal,
    /// A calendar date (`1990-03-09`).
    Date,
    /// An instant (RFC 3339 with offset), kept in UTC.
    Datetime,
    /// True or false.
    Boolean,
    /// One of the definition's options.
    List,
    /// A subset of the definition's options.
    Multilist,
}

impl FieldType {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Textarea => "textarea",
            FieldType::Number => "number",
            FieldType::Decimal => "decimal",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Boolean => "boolean",
            FieldType::List => "list",
            FieldType::Multilist => "multilist",
        }
    }
}

/// A change to a field definition: a new title, and options added to a list or
/// multilist (options are never taken away: stored values may hold them).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct FieldUpdate {
    /// The new title; unchanged when `None`.
    pub title: Option<String>,
    /// Options to add at the end of a list or multilist field's options.
    pub add_options: Vec<String>,
}

/// The definition a field's values are checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDefinition {
    /// Identifier used in inputs and outputs: lowercase letters, digits and `_`.
    pub key: String,
    /// Display title; the key when defined without one.
    #[serde(default)]
    pub title: String,
    /// Value type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// A contact must carry a value (checked when it is created and on every change).
    #[serde(default)]
    pub required: bool,
    /// Set only by import or API, never by a manual edit.
    #[serde(default)]
    pub readonly: bool,
    /// Allowed values of a `list` or `multilist`.
    #[serde(default)]
    pub options: Vec<String>,
    /// Lowest allowed `number` or `decimal`.
    #[serde(default)]
    pub min: Option<Decimal>,
    /// Highest allowed `number` or `decimal`.
    #[serde(default)]
    pub max: Option<Decimal>,
}

impl FieldDefinition {
    /// A definition of `key` with type `field_type` and no constraints.
    pub fn new(key: impl Into<String>, field_type: FieldType) -> Self {
        let key = key.into();
        FieldDefinition {
            title: key.clone(),
            key,
            field_type,
            required: false,
            readonly: false,
            options: Vec::new(),
            min: None,
            max: None,
        }
    }
}

/// A typed value of an additional field, as stored and returned.
///
/// Serialised as the plain JSON value (a decimal as a string, a date as
/// `YYYY-MM-DD`, a multilist as an array) so exports read naturally. Deserialising
/// gives the nearest JSON type (a date comes back as text): to recover the exact
/// type, parse the value against its definition with
/// [`parse_field_value`](crate::validate::parse_field_value), as imports do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum FieldValue {
    /// `boolean`.
    Boolean(bool),
    /// `number`.
    Number(i64),
    /// `multilist`: the chosen options, in the definition's order.
    Multilist(Vec<String>),
    /// `text`.
    Text(String),
    /// `textarea`.
    Textarea(String),
    /// `decimal`.
    Decimal(Decimal),
    /// `date`.
    Date(NaiveDate),
    /// `datetime`, in UTC.
    Datetime(DateTime<Utc>),
    /// `list`: the chosen option.
    List(String),
}

impl FieldValue {
    /// The platform's string form, as its API sends values (`true`, `1990-03-09`,
    /// options joined with commas).
    pub fn to_platform_string(&self) -> String {
        match self {
            FieldValue::Text(s) | FieldValue::Textarea(s) | FieldValue::List(s) => s.clone(),
            FieldValue::Number(n) => n.to_string(),
            FieldValue::Decimal(d) => d.to_string(),
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Datetime(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            FieldValue::Boolean(b) => b.to_string(),
            FieldValue::Multilist(items) => items.join(","),
        }
    }
}

/// A field value as a caller gives it: typed, or in the platform's string form.
/// It is parsed against the field's definition.
///
/// From JSON: booleans, integers, other numbers, strings and lists of strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum FieldInput {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A number with a fraction. Not exact, so refused for a decimal field (give a
    /// decimal, a string or an integer).
    Float(f64),
    /// Any value in its string form.
    Text(String),
    /// Options of a multilist.
    List(Vec<String>),
    /// An exact decimal (from code; JSON sends decimals as strings).
    #[serde(skip_deserializing)]
    Decimal(Decimal),
    /// A date (from code).
    #[serde(skip_deserializing)]
    Date(NaiveDate),
    /// An instant (from code).
    #[serde(skip_deserializing)]
    Datetime(DateTime<Utc>),
}

impl From<FieldValue> for FieldInput {
    fn from(value: FieldValue) -> Self {
        match value {
            FieldValue::Text(s) | FieldValue::Textarea(s) | FieldValue::List(s) => {
                FieldInput::Text(s)
            }
            FieldValue::Number(n) => FieldInput::Integer(n),
            FieldValue::Decimal(d) => FieldInput::Decimal(d),
            FieldValue::Date(d) => FieldInput::Date(d),
            FieldValue::Datetime(t) => FieldInput::Datetime(t),
            FieldValue::Boolean(b) => FieldInput::Bool(b),
            FieldValue::Multilist(items) => FieldInput::List(items),
        }
    }
}

impl From<&str> for FieldInput {
    fn from(value: &str) -> Self {
        FieldInput::Text(value.to_string())
    }
}
