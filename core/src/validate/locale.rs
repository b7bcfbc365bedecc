//! Regional settings and ISO codes: time zones (chrono-tz), language tags
//! (oxilangtag), countries (celes) and currencies (iso_currency).

use crate::{Error, Result};
use std::str::FromStr;

/// Returns the canonical IANA name of a time zone (`europe/kyiv` → `Europe/Kyiv`).
pub fn normalize_timezone(raw: &str) -> Result<String> {
    let name = raw.trim();
    chrono_tz::Tz::from_str(name)
        .or_else(|_| chrono_tz::Tz::from_str_insensitive(name))
        .map(|tz| tz.name().to_string())
        .map_err(|_| Error::validation("timezone", raw, "not an IANA time zone name"))
}

/// Returns a well-formed BCP 47 tag in canonical case (`PT-br` → `pt-BR`); a bare
/// ISO 639-1 code (`uk`) is a valid tag too.
pub fn normalize_language(raw: &str) -> Result<String> {
    let tag = oxilangtag::LanguageTag::parse_and_normalize(raw.trim()).map_err(|e| {
        Error::validation("language", raw, format!("not a BCP 47 language tag: {e}"))
    })?;
    let primary = tag.primary_language();
    if !(2..=3).contains(&primary.len()) {
        return Err(Error::validation(
            "language",
            raw,
            "the language subtag must be an ISO 639 code",
        ));
    }
    Ok(tag.into_inner())
}

/// Returns an ISO 3166-1 alpha-2 code in upper case.
pub fn normalize_country(field: &str, raw: &str) -> Result<String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() != 2 {
        return Err(Error::validation(
            field,
            raw,
            "expected an ISO 3166-1 alpha-2 code",
        ));
    }
    celes::Country::from_alpha2(&code)
        .map(|_| code)
        .map_err(|_| Error::validation(field, raw, "not an ISO 3166-1 country code"))
}

/// Returns an ISO 4217 currency code in upper case.
pub fn normalize_currency(raw: &str) -> Result<String> {
    let code = raw.trim().to_ascii_uppercase();
    iso_currency::Currency::from_code(&code)
        .map(|currency| currency.code().to_string())
        .ok_or_else(|| Error::validation("currency", raw, "not an ISO 4217 currency code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_canonical_iana_names() {
        assert_eq!(normalize_timezone("Europe/Kyiv").unwrap(), "Europe/Kyiv");
        assert_eq!(normalize_timezone("europe/kyiv").unwrap(), "Europe/Kyiv");
        assert_eq!(
            normalize_timezone("Mars/Olympus").unwrap_err().field(),
            Some("timezone")
        );
    }

    #[test]
    fn language_tags_are_normalised() {
        assert_eq!(normalize_language("uk").unwrap(), "uk");
        assert_eq!(normalize_language("PT-br").unwrap(), "pt-BR");
        for bad in ["", "english", "pt_BR", "12"] {
            assert_eq!(
                normalize_language(bad).unwrap_err().field(),
                Some("language"),
                "{bad}"
            );
        }
    }

    #[test]
    fn countries_and_currencies_are_iso_codes() {
        assert_eq!(normalize_country("address.country", "ua").unwrap(), "UA");
        assert!(normalize_country("address.country", "XX").is_err());
        assert!(normalize_country("address.country", "UKR").is_err());
        assert_eq!(normalize_currency("uah").unwrap(), "UAH");
        assert_eq!(
            normalize_currency("XYZ").unwrap_err().field(),
            Some("currency")
        );
    }
}
