//! The limits on input (DOMAIN.md, "Limits on input"): how deep, how big and how far
//! in time a value may go. Each limit is checked before anything is written, so a
//! value the book accepted can always be read back by every store and binding.
//!
//! Bindings read foreign values (Python objects, JavaScript values) with their own
//! converters; those use [`MAX_NESTING`], [`too_deep`] and [`cycle`] so their errors
//! read the same as core's.

use crate::{Error, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::Value;

/// Deepest nesting of any input value (event params, field values, import rows): a
/// container inside 32 others is refused. Deep enough for any real payload, shallow
/// enough that no reader, serde_json's included, comes near its recursion limit.
pub const MAX_NESTING: usize = 32;

/// Largest event params, as compact JSON (Braze caps event properties at 50 KB).
pub const MAX_EVENT_PARAMS_BYTES: usize = 64 * 1024;

/// Most workflows one event may start.
pub const MAX_WORKFLOWS: usize = 100;

/// Most lines on one order.
pub const MAX_ORDER_ITEMS: usize = 1_000;

/// Largest import row, as compact JSON; a larger one is a rejected row.
pub const MAX_IMPORT_ROW_BYTES: usize = 1024 * 1024;

/// Largest line of the portable form (`ContactBook::restore_line`), as compact JSON: a
/// profile line carries the contact's whole timeline, so 32 import rows' worth (over
/// 100,000 small timeline items). Bindings bound a line they convert by it too.
pub const MAX_LINE_BYTES: usize = 32 * MAX_IMPORT_ROW_BYTES;

/// Deepest nesting of a line of the portable form: twice [`MAX_NESTING`], above any line
/// the core writes (event params and rules nest at most [`MAX_NESTING`] levels, three or
/// four levels inside the line), so that their own checks, not this bound, name a part
/// nested too deep. Bindings stop a line at this depth before they convert it.
pub const MAX_LINE_NESTING: usize = 2 * MAX_NESTING;

/// Largest page a listing returns (`limit`): contacts, segment members, timeline items.
pub const MAX_PAGE: u32 = 1_000;

/// The years every binding's date types hold (Python's `datetime`, Kotlin's
/// `Instant` formatting, JavaScript `Date` strings in four-digit years).
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// The error for a value nested deeper than [`MAX_NESTING`].
pub fn too_deep(field: &str) -> Error {
    Error::validation(
        field,
        "…",
        format!("nested deeper than {MAX_NESTING} levels"),
    )
}

/// The error for a value that contains itself.
pub fn cycle(field: &str) -> Error {
    Error::validation(field, "…", "contains itself (a cycle)")
}

/// Refuses a JSON value nested deeper than [`MAX_NESTING`]. Walks with an explicit
/// stack, so a hostile value cannot overflow ours.
pub fn check_nesting(field: &str, value: &Value) -> Result<()> {
    if nests_deeper(value, MAX_NESTING) {
        return Err(too_deep(field));
    }
    Ok(())
}

/// Refuses a line of the portable form nested deeper than [`MAX_LINE_NESTING`] or
/// larger than [`MAX_LINE_BYTES`], on `line`: before anything reads it as a profile.
pub fn check_line(line: &Value) -> Result<()> {
    if nests_deeper(line, MAX_LINE_NESTING) {
        return Err(Error::validation(
            "line",
            "…",
            format!("nested deeper than {MAX_LINE_NESTING} levels"),
        ));
    }
    let size = json_size(line);
    if size > MAX_LINE_BYTES {
        return Err(Error::validation(
            "line",
            format!("{size} bytes of JSON"),
            format!("larger than {MAX_LINE_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Whether a container in `value` sits inside `max` others, walked with an explicit
/// stack.
fn nests_deeper(value: &Value, max: usize) -> bool {
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        if depth >= max {
            return true;
        }
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    false
}

/// Checks event params (an object: the first of the 32 levels): nesting first, so
/// measuring them cannot recurse too deep, then their size as compact JSON.
pub fn check_event_params(params: &serde_json::Map<String, Value>) -> Result<()> {
    // Each value sits inside the params object, the first level.
    if params
        .values()
        .any(|value| nests_deeper(value, MAX_NESTING - 1))
    {
        return Err(too_deep("params"));
    }
    let size = json_size(params);
    if size > MAX_EVENT_PARAMS_BYTES {
        return Err(Error::validation(
            "params",
            format!("{size} bytes of JSON"),
            format!("larger than {MAX_EVENT_PARAMS_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Refuses a list longer than `max` items, naming `field`.
pub fn check_count(field: &str, count: usize, max: usize) -> Result<()> {
    if count > max {
        return Err(Error::validation(
            field,
            format!("{count} items"),
            format!("more than {max} items"),
        ));
    }
    Ok(())
}

/// Refuses an instant outside the years 1 to 9999 (in UTC, where it is stored), as
/// it is stored: in whole milliseconds, a leap second as the next one.
pub fn check_instant(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let at = crate::clock::to_millis(at);
    if YEARS.contains(&at.year()) {
        Ok(at)
    } else {
        Err(Error::validation(
            field,
            at.to_rfc3339(),
            "outside the years 1 to 9999 (in UTC)",
        ))
    }
}

/// Refuses a date outside the years 1 to 9999.
pub fn check_date(field: &str, date: NaiveDate) -> Result<NaiveDate> {
    if YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(Error::validation(
            field,
            date.to_string(),
            "outside the years 1 to 9999",
        ))
    }
}

/// The length of `value` as compact JSON, counted without building the text.
pub fn json_size<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing to a counter cannot fail; a value serde cannot write counts as empty.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(depth: usize) -> Value {
        let mut value = json!(1);
        for _ in 0..depth {
            value = Value::Array(vec![value]);
        }
        value
    }

    #[test]
    fn nesting_is_counted_in_containers() {
        assert!(check_nesting("params", &nested(MAX_NESTING)).is_ok());
        let error = check_nesting("params", &nested(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(error.field(), Some("params"));
    }

    #[test]
    fn a_very_deep_value_is_refused_without_recursion() {
        // 20k levels overflow a recursive checker's stack in a debug test thread.
        let mut value = Value::Null;
        for _ in 0..20_000 {
            value = Value::Object(serde_json::Map::from_iter([("a".to_string(), value)]));
        }
        assert!(check_nesting("params", &value).is_err());
        // serde_json's Drop is recursive: take it apart by hand.
        let mut current = value;
        while let Value::Object(mut map) = current {
            current = map.remove("a").unwrap_or(Value::Null);
        }
    }

    #[test]
    fn params_size_is_json_bytes() {
        let mut params = serde_json::Map::new();
        params.insert("k".into(), json!("x".repeat(MAX_EVENT_PARAMS_BYTES)));
        assert_eq!(
            check_event_params(&params).unwrap_err().field(),
            Some("params")
        );
        let mut small = serde_json::Map::new();
        small.insert("k".into(), json!("x"));
        assert_eq!(json_size(&small), r#"{"k":"x"}"#.len());
        assert!(check_event_params(&small).is_ok());
    }

    #[test]
    fn instants_stay_within_four_digit_years() {
        let late = DateTime::parse_from_rfc3339("9999-12-31T23:59:59-23:59")
            .unwrap()
            .with_timezone(&Utc);
        assert!(check_instant("at", late).is_err());
        let ok = DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(check_instant("at", ok).is_ok());
        // A leap second in the last second of 9999 is year 10000 as stored.
        let leap = DateTime::parse_from_rfc3339("9999-12-31T23:59:60.5Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(check_instant("at", leap).is_err());
        assert!(check_date("birthday", NaiveDate::from_ymd_opt(10000, 1, 1).unwrap()).is_err());
        assert!(check_date("birthday", NaiveDate::from_ymd_opt(0, 12, 31).unwrap()).is_err());
    }
}
