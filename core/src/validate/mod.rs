//! Validation and normalisation of every input value. Each function takes raw input
//! and returns the canonical form or an `Error::Validation` naming the field and the
//! value. The parsing itself is done by well-kept crates (email_address,
//! rlibphonenumber, chrono-tz, oxilangtag, celes, iso_currency, base64, url,
//! unicode-normalization); this module only decides what the domain accepts.

mod activity;
mod channel;
mod email;
mod field;
mod instant;
pub mod limits;
mod locale;
mod name;
mod phone;
mod place;
pub mod unreadable;

pub use activity::{validate_event_name, validate_money, validate_order, MAX_MONEY, MONEY_PLACES};
pub use channel::{normalize_endpoint, validate_device, validate_telegram, validate_web_push};
pub use email::normalize_email;
pub use field::{check_writable, parse_field_value, validate_definition};
pub use instant::{parse_instant, parse_instant_text, INSTANT_FORMS};
pub use locale::{normalize_country, normalize_currency, normalize_language, normalize_timezone};
pub use name::validate_name;
pub use phone::normalize_phone;
pub use place::{validate_address, validate_location};

use crate::{Error, Result};

/// Refuses text holding U+0000 (NUL). No binding's strings need it, C strings end at
/// it, and PostgreSQL cannot keep it in text: a book that took one would hold a value
/// one of its stores cannot.
pub fn refuse_nul(field: &str, value: &str) -> Result<()> {
    match value.contains('\0') {
        true => Err(Error::validation(
            field,
            value.replace('\0', "\\0"),
            "contains the character U+0000 (NUL)",
        )),
        false => Ok(()),
    }
}

/// Trims `value` and checks it is non-empty, at most `max_chars` long and free of NUL.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> Result<String> {
    refuse_nul(field, value)?;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::validation(field, value, "must not be empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(Error::validation(
            field,
            value,
            format!("longer than {max_chars} characters"),
        ));
    }
    Ok(trimmed.to_string())
}

/// Like [`required_text`] for optional values: `None` and blank become `None`.
pub fn optional_text(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => required_text(field, text, max_chars).map(Some),
    }
}

/// Longest identifier or free-text attribute the book accepts (ids, keys, tokens).
pub const MAX_IDENTIFIER_CHARS: usize = 255;

/// An id (of a contact or a segment) as the book stores it: a lowercase hyphenated
/// UUID, so ids compare case-insensitively (`0190A5C2-…` finds `0190a5c2-…`). Text that
/// is not a UUID comes back trimmed; it names nothing.
pub fn canonical_id(value: &str) -> String {
    match uuid::Uuid::parse_str(value.trim()) {
        Ok(id) => id.hyphenated().to_string(),
        Err(_) => value.trim().to_string(),
    }
}

/// Checks a caller-given contact id is a UUID and returns it in canonical form.
pub fn normalize_contact_id(value: &str) -> Result<String> {
    uuid::Uuid::parse_str(value.trim())
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| Error::validation("id", value, "not a UUID"))
}
