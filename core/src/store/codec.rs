//! Conversions between model values and database columns, shared by the SQLite and
//! PostgreSQL stores so that both keep a value the same way: times as integer
//! milliseconds, enums as their lowercase names, whole values as JSON text, field
//! values as a type and text.

use crate::model::{FieldValue, Identifier};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::value::{Error as DeError, StrDeserializer};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Milliseconds since the Unix epoch (all stamps are whole milliseconds).
pub fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// Milliseconds since the epoch, rounded up to the next whole millisecond: a
/// caller's bound may be finer than the stored stamps, and `at >= since` holds for a
/// stored stamp exactly when `at_ms >= millis_up(since)` (likewise for `<`).
pub fn millis_up(at: DateTime<Utc>) -> i64 {
    let floor = millis(at);
    if at.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        floor
    } else {
        floor.saturating_add(1)
    }
}

/// An instant back from milliseconds.
pub fn instant(millis: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| Error::storage(format!("stored time {millis} is out of range")))
}

/// The lowercase name of a unit enum variant, as serde names it.
pub fn name_of<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Ok(name),
        _ => Err(Error::storage("enum did not serialise to a name")),
    }
}

/// A unit enum variant from its lowercase name.
pub fn parse_name<T: DeserializeOwned>(name: &str) -> Result<T> {
    T::deserialize(StrDeserializer::<DeError>::new(name))
        .map_err(|e| Error::storage(format!("unknown stored name {name:?}: {e}")))
}

/// JSON text of a value kept whole in one column.
pub fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::storage(format!("cannot encode: {e}")))
}

/// A value kept whole in one column.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::storage(format!("cannot decode stored value: {e}")))
}

/// Where identifiers of `identifier`'s kind are kept, in both SQL stores' schemas:
/// the table, the column (unique, indexed) and the column naming the contact that
/// holds it.
pub fn identifier_column(identifier: &Identifier) -> (&'static str, &'static str, &'static str) {
    match identifier {
        Identifier::Email(_) => ("contacts", "email", "id"),
        Identifier::Phone(_) => ("contacts", "phone", "id"),
        Identifier::ExternalId(_) => ("contacts", "external_id", "id"),
        Identifier::ContactKey(_) => ("contacts", "contact_key", "id"),
        Identifier::PushToken(_) => ("devices", "token", "contact_id"),
        Identifier::WebPushEndpoint(_) => ("web_push", "endpoint", "contact_id"),
        Identifier::TelegramChat(_) => ("contacts", "telegram_chat_id", "id"),
    }
}

/// A field value as (type, text), lossless.
pub fn encode_field(value: &FieldValue) -> Result<(&'static str, String)> {
    Ok(match value {
        FieldValue::Text(s) => ("text", s.clone()),
        FieldValue::Textarea(s) => ("textarea", s.clone()),
        FieldValue::List(s) => ("list", s.clone()),
        FieldValue::Number(n) => ("number", n.to_string()),
        FieldValue::Decimal(d) => ("decimal", d.to_string()),
        FieldValue::Date(d) => ("date", d.to_string()),
        FieldValue::Datetime(t) => ("datetime", millis(*t).to_string()),
        FieldValue::Boolean(b) => ("boolean", b.to_string()),
        FieldValue::Multilist(items) => ("multilist", to_json(items)?),
    })
}

/// A field value back from (type, text).
pub fn decode_field(kind: &str, text: &str) -> Result<FieldValue> {
    let bad = || Error::storage(format!("stored {kind} field value {text:?} is corrupt"));
    Ok(match kind {
        "text" => FieldValue::Text(text.to_string()),
        "textarea" => FieldValue::Textarea(text.to_string()),
        "list" => FieldValue::List(text.to_string()),
        "number" => FieldValue::Number(text.parse().map_err(|_| bad())?),
        "decimal" => FieldValue::Decimal(text.parse().map_err(|_| bad())?),
        "date" => FieldValue::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())?),
        "datetime" => FieldValue::Datetime(instant(text.parse().map_err(|_| bad())?)?),
        "boolean" => FieldValue::Boolean(text.parse().map_err(|_| bad())?),
        "multilist" => FieldValue::Multilist(from_json(text)?),
        _ => return Err(bad()),
    })
}

/// A dynamic segment's rule back from its JSON text.
pub fn stored_rule(text: &str) -> Result<crate::rule::Rule> {
    crate::rule::Rule::from_json(text)
        .map_err(|e| Error::storage(format!("a stored segment rule is corrupt: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Platform, SuppressionKind};

    #[test]
    fn names_round_trip() {
        assert_eq!(
            name_of(&SuppressionKind::SpamComplaint).unwrap(),
            "spam_complaint"
        );
        assert_eq!(parse_name::<Platform>("ios").unwrap(), Platform::Ios);
        assert!(parse_name::<Platform>("windows").is_err());
    }

    #[test]
    fn field_values_round_trip_with_their_type() {
        let values = [
            FieldValue::Text("a".into()),
            FieldValue::Textarea("b".into()),
            FieldValue::List("gold".into()),
            FieldValue::Number(-7),
            FieldValue::Decimal("10.50".parse().unwrap()),
            FieldValue::Date(NaiveDate::from_ymd_opt(1990, 3, 9).unwrap()),
            FieldValue::Datetime(DateTime::from_timestamp_millis(1_700_000_000_123).unwrap()),
            FieldValue::Boolean(true),
            FieldValue::Multilist(vec!["a".into(), "c".into()]),
        ];
        for value in values {
            let (kind, text) = encode_field(&value).unwrap();
            assert_eq!(decode_field(kind, &text).unwrap(), value);
        }
    }
}
