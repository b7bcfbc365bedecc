//! Instants given as text, as exports write them: RFC 3339 (`2024-02-20T04:42:48Z`,
//! `2024-02-20 04:42:48+02:00`), or a date and time without an offset
//! (`2024-02-20 04:42:48`, `2024-02-20T04:42`), which every export tool writes in UTC
//! and the book reads as UTC. The range rule is `limits::check_instant`'s.

use crate::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};

/// The forms of a date and time without an offset, read as UTC.
const WITHOUT_OFFSET: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// What an error says an instant given as text must look like.
pub const INSTANT_FORMS: &str =
    "expected RFC 3339 (2024-02-20T04:42:48Z) or a UTC date and time (2024-02-20 04:42:48)";

/// The instant `text` names, or `None` when it is in no form the book reads.
pub fn parse_instant_text(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    // chrono's own reading of an offset also takes a space before the time.
    if let Ok(at) = text.parse::<DateTime<chrono::FixedOffset>>() {
        return Some(at.with_timezone(&Utc));
    }
    WITHOUT_OFFSET
        .iter()
        .find_map(|form| NaiveDateTime::parse_from_str(text, form).ok())
        .map(|naive| naive.and_utc())
}

/// The instant `text` names for `field`, checked against the book's range.
pub fn parse_instant(field: &str, text: &str) -> Result<DateTime<Utc>> {
    let at =
        parse_instant_text(text).ok_or_else(|| Error::validation(field, text, INSTANT_FORMS))?;
    super::limits::check_instant(field, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_exports_write() {
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        for (text, expected) in [
            ("2024-02-20T04:42:48Z", "2024-02-20T04:42:48Z"),
            ("2024-02-20 04:42:48", "2024-02-20T04:42:48Z"),
            ("2024-02-20T04:42:48.250", "2024-02-20T04:42:48.250Z"),
            ("2024-02-20 04:42", "2024-02-20T04:42:00Z"),
            ("2024-02-20 06:42:48+02:00", "2024-02-20T04:42:48Z"),
            (" 2024-02-20T04:42:48-05:00 ", "2024-02-20T09:42:48Z"),
        ] {
            assert_eq!(parse_instant("at", text).unwrap(), utc(expected), "{text}");
        }
    }

    #[test]
    fn refuses_anything_else_naming_the_field() {
        for text in [
            "",
            "yesterday",
            "2024-02-30 10:00:00",
            "20/02/2024 04:42",
            "2024-02-20",
        ] {
            let error = parse_instant("email_status_at", text).unwrap_err();
            assert_eq!(error.field(), Some("email_status_at"), "{text}");
        }
    }
}
