//! The foreign scalars of the core's records, declared once as uniffi custom types so
//! the records themselves cross as they are (`#[uniffi::remote(Record)]`).
//!
//! Each alias names the type the way Kotlin and Swift see it (`typealias UtcDateTime =
//! java.time.Instant`, `typealias ExactDecimal = java.math.BigDecimal`, ...): uniffi.toml
//! maps decimals to `java.math.BigDecimal` / Foundation's `Decimal` and dates to
//! `java.time.LocalDate` (Swift has no date-only type: a `YYYY-MM-DD` string there). The
//! names avoid the platforms' own: a Swift `Decimal` or `Date` would shadow Foundation's.

use crate::error::ContactKitError;
use contactkit::{FieldValue, Result};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

/// An instant: `java.time.Instant` in Kotlin, `Date` in Swift.
pub type UtcDateTime = chrono::DateTime<chrono::Utc>;

/// A calendar date: `java.time.LocalDate` in Kotlin, `YYYY-MM-DD` in Swift.
pub type CalendarDate = chrono::NaiveDate;

/// An exact decimal: `java.math.BigDecimal` in Kotlin, `Decimal` in Swift.
pub type ExactDecimal = rust_decimal::Decimal;

/// A decimal a caller gives inside an input record, seen as [`ExactDecimal`] is in
/// Kotlin and Swift, kept as its text until [`read_decimal`] reads it on its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalText(pub String);

/// A date a caller gives inside an input, seen as [`CalendarDate`] is, read by
/// [`read_date`] on its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl From<ExactDecimal> for DecimalText {
    fn from(decimal: ExactDecimal) -> Self {
        DecimalText(decimal.to_string())
    }
}

impl From<CalendarDate> for DateText {
    fn from(date: CalendarDate) -> Self {
        DateText(date.format("%Y-%m-%d").to_string())
    }
}

/// An event's params, a JSON object: `kotlinx.serialization.json.JsonObject` in Kotlin;
/// its JSON text in Swift, which has no JSON element type (decode it with `JSONDecoder`
/// into a `Decodable` of the app's). Kept as text across the boundary, so that no
/// generated converter recurses into it: the binding bounds its size and nesting before
/// it parses it on the field `params` (`crate::activity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventParams(pub String);

/// Sums per ISO 4217 currency (`OrderStats.revenue`).
pub type Revenue = BTreeMap<String, ExactDecimal>;

/// Additional field values by key (`Contact.fields`).
pub type FieldValues = BTreeMap<String, FieldValue>;

// Lowering never fails: `SystemTime` holds every chrono instant, and the book keeps only
// the years 1 to 9999, which `java.time.Instant` and Swift's `Date` hold too.
//
// Lifting never fails either, so that the book, not the converter, refuses an instant and
// names the field it was given in. uniffi carries any `java.time.Instant` (years
// ±1,000,000,000) or Swift `Date`, but chrono holds only about ±262,000 years (its
// `From<SystemTime>` panics beyond): such an instant is read as chrono's last (or first)
// instant, which the book refuses as outside the years 1 to 9999, quoting that bound.
uniffi::custom_type!(UtcDateTime, SystemTime, {
    remote,
    lower: |at| at.into(),
    try_lift: |at| Ok(utc_date_time(at)),
});

uniffi::custom_type!(CalendarDate, String, {
    remote,
    lower: |date| date.format("%Y-%m-%d").to_string(),
    try_lift: |text| Ok(read_date("date", &DateText(text)).map_err(ContactKitError::from)?),
});

uniffi::custom_type!(ExactDecimal, String, {
    remote,
    lower: |decimal| decimal.to_string(),
    try_lift: |text| Ok(read_decimal("decimal", &DecimalText(text)).map_err(ContactKitError::from)?),
});

// Lifting never fails: the text is read where its field is known.
uniffi::custom_type!(EventParams, String, {
    lower: |params| params.0,
    try_lift: |text| Ok(EventParams(text)),
});

// Lifting never fails: the text is read where its field is known.
uniffi::custom_type!(DecimalText, String, {
    lower: |decimal| decimal.0,
    try_lift: |text| Ok(DecimalText(text)),
});

uniffi::custom_type!(DateText, String, {
    lower: |date| date.0,
    try_lift: |text| Ok(DateText(text)),
});

uniffi::custom_type!(Revenue, HashMap<String, ExactDecimal>, {
    remote,
    lower: |revenue| revenue.into_iter().collect(),
    try_lift: |revenue| Ok(revenue.into_iter().collect()),
});

uniffi::custom_type!(FieldValues, HashMap<String, FieldValue>, {
    remote,
    lower: |fields| fields.into_iter().collect(),
    try_lift: |fields| Ok(fields.into_iter().collect()),
});

/// Reads a decimal given for `field`; anything else is a validation error on it.
///
/// uniffi lifts a record's fields without naming them, so the custom type can only name
/// the scalar's kind (`decimal`): a decimal a caller gives inside an input is therefore a
/// [`DecimalText`] in a binding record (`OrderInput`, `FieldDefinition`, `FieldInput`)
/// read here on its field, and only a value the book returned and the caller hands back
/// (`fieldInputOf`) is read by the custom type. Kotlin writes a `BigDecimal` as
/// `BigDecimal.toString()`, which uses an exponent for some values (`1E+3`): read too.
pub(crate) fn read_decimal(field: &str, text: &DecimalText) -> Result<ExactDecimal> {
    let text = &text.0;
    ExactDecimal::from_str(text)
        .or_else(|_| ExactDecimal::from_scientific(text))
        .map_err(|_| {
            contactkit::Error::validation(field, text, "expected a decimal number such as 120.50")
        })
}

/// Reads a `YYYY-MM-DD` date given for `field`, like [`read_decimal`].
pub(crate) fn read_date(field: &str, text: &DateText) -> Result<CalendarDate> {
    CalendarDate::parse_from_str(&text.0, "%Y-%m-%d")
        .map_err(|_| contactkit::Error::validation(field, &text.0, "expected a date as YYYY-MM-DD"))
}

/// `at` as a chrono instant, clamped to the instants chrono holds.
pub(crate) fn utc_date_time(at: SystemTime) -> UtcDateTime {
    let (offset, before_epoch) = match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => (after, false),
        Err(before) => (before.duration(), true),
    };
    let bound = if before_epoch {
        UtcDateTime::MIN_UTC
    } else {
        UtcDateTime::MAX_UTC
    };
    chrono_instant(offset, before_epoch).unwrap_or(bound)
}

/// The instant `offset` after (or before) the Unix epoch, if chrono can hold it.
fn chrono_instant(offset: Duration, before_epoch: bool) -> Option<UtcDateTime> {
    let seconds = i64::try_from(offset.as_secs()).ok()?;
    let nanos = offset.subsec_nanos();
    match (before_epoch, nanos) {
        (false, _) => UtcDateTime::from_timestamp(seconds, nanos),
        (true, 0) => UtcDateTime::from_timestamp(-seconds, 0),
        // chrono counts nanoseconds forward: 1.25 s before is 2 s before plus 0.75 s.
        (true, _) => UtcDateTime::from_timestamp(-seconds - 1, 1_000_000_000 - nanos),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contactkit::validate::limits::check_instant;

    #[test]
    fn instants_chrono_cannot_hold_are_read_as_its_bounds_and_refused_by_the_book() {
        let after = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        let before = |secs: u64| SystemTime::UNIX_EPOCH - Duration::from_secs(secs);
        // java.time.Instant.MAX and MIN: far beyond what chrono holds.
        assert_eq!(
            utc_date_time(after(31_556_889_864_403_199)),
            UtcDateTime::MAX_UTC
        );
        assert_eq!(
            utc_date_time(before(31_557_014_167_219_200)),
            UtcDateTime::MIN_UTC
        );
        let error = check_instant("at", utc_date_time(after(31_556_889_864_403_199)));
        assert_eq!(error.unwrap_err().field(), Some("at"));
        // Within chrono's range, outside the book's: 10000-01-01 and 0000-12-31.
        assert!(check_instant("at", utc_date_time(after(253_402_300_800))).is_err());
        assert!(check_instant("at", utc_date_time(before(62_135_596_801))).is_err());
        // The first and last instants of the range cross, kept to the millisecond as the
        // book stores every instant.
        let last = after(253_402_300_799) + Duration::from_millis(999);
        let kept = check_instant("at", utc_date_time(last + Duration::from_nanos(999_999)));
        assert_eq!(SystemTime::from(kept.unwrap()), last);
        let first = check_instant("at", utc_date_time(before(62_135_596_800))).unwrap();
        assert_eq!(first.to_rfc3339(), "0001-01-01T00:00:00+00:00");
        // Before the epoch with a fraction: 1.25 s before is 2 s before plus 0.75 s.
        let at = utc_date_time(before(1) - Duration::from_millis(250));
        assert_eq!(at.to_rfc3339(), "1969-12-31T23:59:58.750+00:00");
    }
}
