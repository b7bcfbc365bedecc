//! Phone numbers: parsed with libphonenumber's metadata (the `phonenumber` crate)
//! and stored in E.164.

use crate::{Error, Result};
use phonenumber::{country, Mode};

/// Parses `raw` and returns it in E.164 (`+380671234567`).
///
/// A number in international form needs no region; a national number (`067 123 4567`)
/// is read in `region` (ISO 3166-1 alpha-2: the contact's address country or the
/// book's default), and is rejected when there is none.
pub fn normalize_phone(raw: &str, region: Option<&str>) -> Result<String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Error::validation("phone", raw, "must not be empty"));
    }
    let international = text.starts_with('+') || text.starts_with("00");
    let region_id = match region {
        Some(code) if !international => Some(
            code.parse::<country::Id>()
                .map_err(|_| Error::validation("phone", raw, format!("unknown region {code}")))?,
        ),
        _ => None,
    };
    if !international && region_id.is_none() {
        return Err(Error::validation(
            "phone",
            raw,
            "a national number needs a country: give it in international form (+...) or set the address country or a default region",
        ));
    }
    let number = phonenumber::parse(region_id, text)
        .map_err(|e| Error::validation("phone", raw, format!("not a phone number: {e}")))?;
    if !number.is_valid() {
        return Err(Error::validation(
            "phone",
            raw,
            "not a valid number for its country",
        ));
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_forms_become_e164() {
        assert_eq!(
            normalize_phone("+380 67 123 4567", None).unwrap(),
            "+380671234567"
        );
        assert_eq!(
            normalize_phone("+1 (202) 555-0143", None).unwrap(),
            "+12025550143"
        );
    }

    #[test]
    fn national_numbers_use_the_region() {
        assert_eq!(
            normalize_phone("067 123 4567", Some("UA")).unwrap(),
            "+380671234567"
        );
        let err = normalize_phone("067 123 4567", None).unwrap_err();
        assert!(err.to_string().contains("needs a country"), "{err}");
    }

    #[test]
    fn rejects_invalid_numbers() {
        for bad in ["", "hello", "+380 12", "+999 123 456 789"] {
            assert_eq!(
                normalize_phone(bad, None).unwrap_err().field(),
                Some("phone"),
                "{bad}"
            );
        }
    }
}
