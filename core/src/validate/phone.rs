//! Phone numbers: parsed with libphonenumber's metadata (the `rlibphonenumber` crate, a
//! port that agrees with Google's libphonenumber on every example number of every region;
//! see `core/tests/phone_conformance.rs`) and stored in E.164.

use std::panic::{self, AssertUnwindSafe};

use rlibphonenumber::{ParseError, PhoneNumber, PhoneNumberFormat, Region, PHONE_NUMBER_UTIL};

use crate::{Error, Result};

/// The longest input libphonenumber reads (its `MAX_INPUT_STRING_LENGTH`); the port does
/// not check it, so it is checked here, before any regex sees a pasted document.
const MAX_INPUT_CHARS: usize = 250;

/// Parses `raw` and returns it in E.164 (`+380671234567`).
///
/// - A number in international form (`+380…`, also with a full-width `＋`) needs no
///   region, and the region is not consulted.
/// - A number dialled with an international prefix is read like the `+` form: the
///   region's own prefix (`011` in the US, `0011` in AU, `00` in most of the world) when
///   a region is given, and `00` (the ITU-recommended prefix) with or without one, since
///   exports from Europe keep that form whatever the contact's country.
/// - A national number (`067 123 4567`) is read in `region` (ISO 3166-1 alpha-2: the
///   contact's address country or the book's default), and is refused when there is none.
/// - Digits of any script libphonenumber knows (full-width, Arabic-Indic, …) count as
///   digits.
/// - An extension (`x123`, `ext. 12`, `;ext=12`) is refused: E.164 has no place for it
///   and the book keeps one number, so dropping it would silently lose what the caller
///   gave.
///
/// Every refusal is `Error::validation("phone", raw, reason)`, whatever the input: the
/// parser is never allowed to panic through this function.
pub fn normalize_phone(raw: &str, region: Option<&str>) -> Result<String> {
    let refuse = |reason: &str| Error::validation("phone", raw, reason);
    let text = raw.trim();
    if text.is_empty() {
        return Err(refuse("must not be empty"));
    }
    if text.chars().count() > MAX_INPUT_CHARS {
        return Err(refuse("too long to be a phone number"));
    }
    // libphonenumber's own choice; `+` and `＋` are both leading plus signs to it.
    let international = text.starts_with(['+', '＋']);
    let region = match region {
        None => None,
        Some(_) if international => None,
        Some(code) => Some(supported_region(code).ok_or_else(|| {
            refuse(&format!(
                "unknown region \"{code}\": expected a two-letter country code with a numbering plan"
            ))
        })?),
    };
    let number = match (region, idd_00_as_plus(text)) {
        (None, Some(plus)) => read(&plus, None),
        // `00` is read as the international prefix even where the region's own prefix is
        // another (US `011`), but only when the region's reading finds no valid number.
        (Some(region), Some(plus)) => {
            read(text, Some(region)).or_else(|refusal| read(&plus, None).map_err(|_| refusal))
        }
        (region, None) => read(text, region),
    }
    .map_err(|refusal| refuse(&refusal.reason()))?;
    if number.extension.as_deref().is_some_and(|e| !e.is_empty()) {
        return Err(refuse(
            "extensions are not kept: give the number without it",
        ));
    }
    guarded(|| {
        PHONE_NUMBER_UTIL
            .format(&number, PhoneNumberFormat::E164)
            .into_owned()
    })
    .ok_or_else(|| refuse(&Refusal::Unreadable.reason()))
}

/// Why a text was not read as a valid number.
enum Refusal {
    NeedsRegion,
    NotANumber(String),
    Invalid,
    /// The parser panicked on it.
    Unreadable,
}

impl Refusal {
    /// The reason the caller sees.
    fn reason(&self) -> String {
        match self {
            Refusal::NeedsRegion => "a national number needs a country: give it in international form (+...) or set the address country or a default region".to_string(),
            Refusal::NotANumber(why) => format!("not a phone number: {why}"),
            Refusal::Invalid => "not a valid number for its country".to_string(),
            Refusal::Unreadable => "not a phone number".to_string(),
        }
    }
}

/// Parses `text` (in `region` when given) and keeps it only when libphonenumber calls the
/// number valid.
fn read(text: &str, region: Option<Region>) -> std::result::Result<PhoneNumber, Refusal> {
    let parsed = guarded(|| {
        PHONE_NUMBER_UTIL.parse(text, region).map(|number| {
            let valid = PHONE_NUMBER_UTIL.is_valid_number(&number);
            (number, valid)
        })
    })
    .ok_or(Refusal::Unreadable)?;
    match parsed {
        Ok((number, true)) => Ok(number),
        Ok((_, false)) => Err(Refusal::Invalid),
        // With no region, libphonenumber reports a number without a `+` as a bad country
        // code: to the caller, its country is missing.
        Err(ParseError::InvalidCountryCode) if region.is_none() && !text.contains(['+', '＋']) => {
            Err(Refusal::NeedsRegion)
        }
        Err(e) => Err(Refusal::NotANumber(lowercase_first(&e.to_string()))),
    }
}

/// `text` with a leading `00` (in any script's digits) replaced by `+`, when it has one.
fn idd_00_as_plus(text: &str) -> Option<String> {
    let mut chars = text.char_indices().filter(|(_, c)| !is_separator(*c));
    let (_, first) = chars.next()?;
    let (second_at, second) = chars.next()?;
    (digit_value(first) == Some(0) && digit_value(second) == Some(0))
        .then(|| format!("+{}", &text[second_at + second.len_utf8()..]))
}

/// Punctuation a written number may carry between its leading digits (`0 0 44`, `(00)44`).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '-' | '.' | '/')
}

/// The value of a decimal digit of any script libphonenumber normalises (ASCII,
/// full-width, Arabic-Indic, …).
fn digit_value(c: char) -> Option<u32> {
    let digits = PHONE_NUMBER_UTIL.normalize_digits_only(c.encode_utf8(&mut [0; 4]));
    digits.parse().ok()
}

/// The region for `code` when libphonenumber has a numbering plan for it (`UA`, `ua`);
/// `None` for malformed codes, codes with no plan (`AQ`) and the non-geographic `001`.
fn supported_region(code: &str) -> Option<Region> {
    let region = Region::from_code(code.trim()).ok()?;
    PHONE_NUMBER_UTIL
        .get_country_code_for_region(region)
        .is_some()
        .then_some(region)
}

/// Runs a call into the parser, turning a panic on odd input into `None`: a bad phone
/// must be a validation error for its row, never a crashed import.
fn guarded<T>(call: impl FnOnce() -> T) -> Option<T> {
    panic::catch_unwind(AssertUnwindSafe(call)).ok()
}

/// The parser's messages start with a capital ("Invalid country code"); ours continue a
/// sentence.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
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

    fn reason(raw: &str, region: Option<&str>) -> String {
        let err = normalize_phone(raw, region).unwrap_err();
        assert_eq!(err.field(), Some("phone"), "{raw}");
        err.to_string()
    }

    #[test]
    fn international_prefix_with_a_region_reads_like_plus() {
        assert_eq!(
            normalize_phone("00380671234567", Some("UA")).unwrap(),
            "+380671234567"
        );
        assert_eq!(
            normalize_phone("0044 20 7946 0958", Some("GB")).unwrap(),
            "+442079460958"
        );
        // The region's own prefix.
        assert_eq!(
            normalize_phone("011 44 20 7946 0958", Some("US")).unwrap(),
            "+442079460958"
        );
        assert_eq!(
            normalize_phone("0011 44 20 7946 0958", Some("AU")).unwrap(),
            "+442079460958"
        );
        // `00` also where the region's prefix is another, and with no region.
        assert_eq!(
            normalize_phone("0044 20 7946 0958", Some("US")).unwrap(),
            "+442079460958"
        );
        assert_eq!(
            normalize_phone("00380671234567", None).unwrap(),
            "+380671234567"
        );
    }

    #[test]
    fn national_number_with_a_region() {
        assert_eq!(
            normalize_phone("020 7946 0958", Some("GB")).unwrap(),
            "+442079460958"
        );
        assert_eq!(
            normalize_phone("(202) 555-0143", Some("us")).unwrap(),
            "+12025550143"
        );
        // The region does not change a number in international form.
        assert_eq!(
            normalize_phone("+380 67 123 4567", Some("GB")).unwrap(),
            "+380671234567"
        );
    }

    #[test]
    fn national_number_without_a_region_is_refused() {
        for raw in ["067 123 4567", "020 7946 0958", "(202) 555-0143"] {
            assert!(reason(raw, None).contains("needs a country"), "{raw}");
        }
    }

    #[test]
    fn full_width_and_arabic_indic_digits_are_digits() {
        assert_eq!(
            normalize_phone("＋３８０ ６７ １２３ ４５６７", None).unwrap(),
            "+380671234567"
        );
        assert_eq!(
            normalize_phone("００３８０６７１２３４５６７", Some("UA")).unwrap(),
            "+380671234567"
        );
        assert_eq!(
            normalize_phone("٠٦٧١٢٣٤٥٦٧", Some("UA")).unwrap(),
            "+380671234567"
        );
        // Eastern Arabic-Indic (Persian) digits.
        assert_eq!(
            normalize_phone("۰۹۱۲ ۳۴۵ ۶۷۸۹", Some("IR")).unwrap(),
            "+989123456789"
        );
    }

    #[test]
    fn extensions_are_refused_never_dropped() {
        for raw in [
            "+44 20 7946 0958 x123",
            "+44 20 7946 0958 ext. 12",
            "+44 20 7946 0958;ext=12",
            "tel:+44-20-7946-0958;ext=12",
        ] {
            assert!(
                reason(raw, None).contains("extensions are not kept: give the number without it"),
                "{raw}"
            );
        }
        assert!(reason("020 7946 0958 ext 7", Some("GB")).contains("extensions are not kept"));
    }

    #[test]
    fn unknown_region_is_refused_naming_phone() {
        for region in ["XX", "UKR", "", "1", "001", "AQ", "Ü"] {
            let message = reason("067 123 4567", Some(region));
            assert!(
                message.contains(&format!("unknown region \"{region}\"")),
                "{region}: {message}"
            );
        }
        assert!(reason("00380671234567", Some("ZZ")).contains("unknown region"));
    }

    #[test]
    fn refusals_quote_the_value_as_given() {
        let err = normalize_phone(" +44 20 7946 095 ", None).unwrap_err();
        assert!(err.to_string().contains(" +44 20 7946 095 "), "{err}");
        assert!(err.to_string().contains("not a valid number"), "{err}");
        assert!(reason(&"1".repeat(251), None).contains("too long"));
    }

    /// Random strings over the characters numbers are written with (and some they are
    /// not), half of them real numbers with a few tokens inserted: every one is E.164
    /// that reads back to itself, or a refusal naming `phone`.
    #[test]
    fn random_input_never_panics() {
        const TOKENS: &[&str] = &[
            "0",
            "0",
            "0",
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "+",
            "+",
            " ",
            "-",
            "(",
            ")",
            ".",
            "/",
            "x",
            "ext",
            ";ext=",
            ";",
            "=",
            "tel:",
            "#",
            "*",
            "０",
            "５",
            "＋",
            "٠",
            "٧",
            "۹",
            "a",
            "Z",
            "é",
            "\u{0}",
            "\u{202e}",
            "🙂",
            "00",
            "011",
            ";phone-context=",
            "+1",
            "+44",
            "+380",
        ];
        const NUMBERS: &[&str] = &[
            "+44 20 7946 0958",
            "067 123 4567",
            "00380671234567",
            "(202) 555-0143",
            "011 44 20 7946 0958",
        ];
        const REGIONS: &[Option<&str>] = &[
            None,
            Some("UA"),
            Some("US"),
            Some("GB"),
            Some("AU"),
            Some("BR"),
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |bound: usize| {
            // xorshift64*: reproducible without a dependency.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % bound
        };
        let mut accepted = 0;
        for round in 0..4000 {
            let mut raw: Vec<char> = if round % 2 == 0 {
                NUMBERS[next(NUMBERS.len())].chars().collect()
            } else {
                Vec::new()
            };
            for _ in 0..next(if raw.is_empty() { 24 } else { 3 }) {
                let at = next(raw.len() + 1);
                let token = TOKENS[next(TOKENS.len())];
                raw.splice(at..at, token.chars());
            }
            let raw: String = raw.into_iter().collect();
            let region = REGIONS[next(REGIONS.len())];
            match normalize_phone(&raw, region) {
                Ok(e164) => {
                    assert!(e164.starts_with('+'), "{raw:?} -> {e164}");
                    assert_eq!(normalize_phone(&e164, None).as_ref(), Ok(&e164), "{raw:?}");
                    accepted += 1;
                }
                Err(err) => assert_eq!(err.field(), Some("phone"), "{raw:?}"),
            }
        }
        // Both outcomes were exercised.
        assert!((200..3800).contains(&accepted), "{accepted} accepted");
    }
}
