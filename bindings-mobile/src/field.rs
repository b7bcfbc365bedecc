//! Additional (custom) fields: definitions and typed values (the core's `model::field`).

use crate::scalars::{
    read_date, read_decimal, CalendarDate, DateText, DecimalText, ExactDecimal, UtcDateTime,
};
use contactkit as core;
use contactkit::{FieldType, FieldUpdate, FieldValue, Result};

/// The type of an additional field.
#[uniffi::remote(Enum)]
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
    /// An instant, kept in UTC.
    Datetime,
    /// True or false.
    Boolean,
    /// One of the definition's options.
    List,
    /// A subset of the definition's options.
    Multilist,
}

/// A change to a field definition (`updateField`): a new title and options added to a
/// list or multilist. Options are never taken away: stored values may hold them.
#[uniffi::remote(Record)]
pub struct FieldUpdate {
    /// The new title; unchanged when null.
    #[uniffi(default)]
    pub title: Option<String>,
    /// Options to add at the end of a `LIST` or `MULTILIST` field's options.
    #[uniffi(default)]
    pub add_options: Vec<String>,
}

/// The definition an additional field's values are checked against.
///
/// A binding record, not the core's: `min` and `max` are read on their field (`min`,
/// `max`) here, since uniffi lifts a record's fields without naming them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldDefinition {
    /// Identifier used in inputs and outputs: lowercase letters, digits and `_`.
    pub key: String,
    /// Value type.
    pub field_type: FieldType,
    /// Display title; the key when left empty.
    #[uniffi(default = "")]
    pub title: String,
    /// A contact must carry a value.
    #[uniffi(default = false)]
    pub required: bool,
    /// Set only by import or API, never by a manual edit.
    #[uniffi(default = false)]
    pub readonly: bool,
    /// Allowed values of a `LIST` or `MULTILIST`.
    #[uniffi(default)]
    pub options: Vec<String>,
    /// Lowest allowed `NUMBER` or `DECIMAL`.
    #[uniffi(default)]
    pub min: Option<DecimalText>,
    /// Highest allowed `NUMBER` or `DECIMAL`.
    #[uniffi(default)]
    pub max: Option<DecimalText>,
}

impl FieldDefinition {
    pub(crate) fn into_core(self) -> Result<core::FieldDefinition> {
        let bound =
            |field, text: Option<DecimalText>| text.map(|t| read_decimal(field, &t)).transpose();
        Ok(core::FieldDefinition {
            min: bound("min", self.min)?,
            max: bound("max", self.max)?,
            key: self.key,
            title: self.title,
            field_type: self.field_type,
            required: self.required,
            readonly: self.readonly,
            options: self.options,
        })
    }
}

impl From<core::FieldDefinition> for FieldDefinition {
    fn from(d: core::FieldDefinition) -> Self {
        FieldDefinition {
            key: d.key,
            field_type: d.field_type,
            title: d.title,
            required: d.required,
            readonly: d.readonly,
            options: d.options,
            min: d.min.map(Into::into),
            max: d.max.map(Into::into),
        }
    }
}

/// A stored value of an additional field, typed by the field's definition: the core's
/// enum, so each variant's value is unnamed (`v1` in Kotlin, `_` in Swift).
///
/// `LIST` fields hold a `Choice`, `MULTILIST` fields `Choices` (a variant named `List`
/// would shadow Kotlin's `List` inside the generated sealed class), `BOOLEAN` a `Bool`.
#[uniffi::remote(Enum)]
pub enum FieldValue {
    /// `TEXT`.
    Text(String),
    /// `TEXTAREA`.
    Textarea(String),
    /// `NUMBER`: a 64-bit integer.
    Number(i64),
    /// `DECIMAL`: an exact decimal.
    Decimal(ExactDecimal),
    /// `DATE`: a calendar date.
    Date(CalendarDate),
    /// `DATETIME`: an instant.
    Datetime(UtcDateTime),
    /// `BOOLEAN`.
    #[uniffi(name = "Bool")]
    Boolean(bool),
    /// `LIST`: the chosen option.
    #[uniffi(name = "Choice")]
    List(String),
    /// `MULTILIST`: the chosen options, in the definition's order.
    #[uniffi(name = "Choices")]
    Multilist(Vec<String>),
}

/// A value for an additional field as a caller gives it; the book parses it against the
/// field's definition (`Text("42")` fills a number field, `Text("true")` a boolean).
///
/// A binding enum, not the core's: a decimal or date given here is read on the field it is set on (`fields.<key>`, the key being another argument), and the core's
/// `List` variant would shadow Kotlin's `List` inside the generated sealed class.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FieldInput {
    /// A boolean.
    Bool {
        /// The flag.
        value: bool,
    },
    /// An integer.
    Integer {
        /// The number.
        value: i64,
    },
    /// A binary floating-point number, as a JSON number with a fraction arrives. It is
    /// not exact, so a `DECIMAL` field refuses it: give money and quantities as
    /// `Decimal` or `Text`.
    Float {
        /// The number.
        value: f64,
    },
    /// Any value in its string form: text, `"42"`, `"19.99"`, `"1990-03-09"`,
    /// `"2024-05-01T12:00:00+03:00"`, `"true"`, an option, options joined with commas.
    Text {
        /// The text.
        value: String,
    },
    /// The options of a multilist.
    Choices {
        /// The options.
        values: Vec<String>,
    },
    /// An exact decimal.
    Decimal {
        /// The decimal.
        value: DecimalText,
    },
    /// A calendar date.
    Date {
        /// The date.
        value: DateText,
    },
    /// An instant.
    Datetime {
        /// The instant.
        value: UtcDateTime,
    },
}

impl FieldInput {
    /// The core's input for field `key` (errors name `fields.<key>`).
    pub(crate) fn into_core(self, key: &str) -> Result<core::FieldInput> {
        let field = || format!("fields.{key}");
        Ok(match self {
            FieldInput::Bool { value } => core::FieldInput::Bool(value),
            FieldInput::Integer { value } => core::FieldInput::Integer(value),
            FieldInput::Float { value } => core::FieldInput::Float(value),
            FieldInput::Text { value } => core::FieldInput::Text(value),
            FieldInput::Choices { values } => core::FieldInput::List(values),
            FieldInput::Decimal { value } => {
                core::FieldInput::Decimal(read_decimal(&field(), &value)?)
            }
            FieldInput::Date { value } => core::FieldInput::Date(read_date(&field(), &value)?),
            FieldInput::Datetime { value } => core::FieldInput::Datetime(value),
        })
    }
}

impl From<FieldValue> for FieldInput {
    fn from(value: FieldValue) -> Self {
        match value {
            FieldValue::Text(value) | FieldValue::Textarea(value) | FieldValue::List(value) => {
                FieldInput::Text { value }
            }
            FieldValue::Number(value) => FieldInput::Integer { value },
            FieldValue::Decimal(value) => FieldInput::Decimal {
                value: value.into(),
            },
            FieldValue::Date(value) => FieldInput::Date {
                value: value.into(),
            },
            FieldValue::Datetime(value) => FieldInput::Datetime { value },
            FieldValue::Boolean(value) => FieldInput::Bool { value },
            FieldValue::Multilist(values) => FieldInput::Choices { values },
        }
    }
}

/// Turns a stored value back into an input, e.g. to copy a field to another contact.
#[uniffi::export]
pub fn field_input_of(value: FieldValue) -> FieldInput {
    value.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: core::Error) -> String {
        error.field().unwrap_or_default().to_string()
    }

    #[test]
    fn decimals_and_dates_that_do_not_parse_name_their_field() {
        let error = FieldInput::Decimal {
            value: DecimalText("ten".into()),
        }
        .into_core("credit")
        .unwrap_err();
        assert_eq!(field_of(error), "fields.credit");
        let error = FieldInput::Date {
            value: DateText("09.03.1990".into()),
        }
        .into_core("birthday")
        .unwrap_err();
        assert_eq!(field_of(error), "fields.birthday");
        let definition = FieldDefinition {
            min: Some(DecimalText("zero".into())),
            ..FieldDefinition::from(core::FieldDefinition::new("age", FieldType::Number))
        };
        assert_eq!(field_of(definition.into_core().unwrap_err()), "min");
    }

    #[test]
    fn stored_values_convert_back_to_inputs() {
        let date = CalendarDate::from_ymd_opt(1990, 3, 9).unwrap();
        let input = FieldInput::from(FieldValue::Date(date));
        assert_eq!(
            input,
            FieldInput::Date {
                value: DateText("1990-03-09".into())
            }
        );
        assert_eq!(input.into_core("d").unwrap(), core::FieldInput::Date(date));
        let decimal = FieldInput::from(FieldValue::Decimal(ExactDecimal::new(1999, 2)));
        assert_eq!(
            decimal,
            FieldInput::Decimal {
                value: DecimalText("19.99".into())
            }
        );
    }
}
