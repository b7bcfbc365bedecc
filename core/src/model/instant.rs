//! Serde forms of instants that callers write by hand or export tools write for them.

/// An optional instant written as RFC 3339 and read in any form
/// `validate::parse_instant_text` reads (`2024-02-20 04:42:48` as UTC).
pub mod lenient {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the instant as RFC 3339 in UTC, to the millisecond.
    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, out: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => out.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Millis, true)),
            None => out.serialize_none(),
        }
    }

    /// Reads text in any form the book reads; null or absent is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        input: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        let Some(text) = Option::<String>::deserialize(input)? else {
            return Ok(None);
        };
        crate::validate::parse_instant_text(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(crate::validate::INSTANT_FORMS))
    }
}
