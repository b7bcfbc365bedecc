//! The platform's rules for first and last names, for names of every script.
//!
//! A name is stored in Unicode NFC, so a decomposed `José` (e + U+0301) and the
//! composed one are the same name. What counts as a letter comes from the Unicode
//! general categories, not `char::is_alphabetic`: the vowel signs and viramas of
//! Devanagari, Tamil and Thai (`कृष्ण`, `கார்த்திக்`, `ประยุทธ์`) are combining marks
//! (categories Mn, Mc), which belong to the letter before them.

use crate::{Error, Result};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

const MAX_NAME_CHARS: usize = 40;
const MAX_DIGITS: usize = 3;
const MAX_LETTERS_BEFORE_DOT: usize = 3;

/// Checks a first or last name and returns it in NFC, trimmed, inner spaces collapsed.
///
/// Rules: at most 40 characters; letters of any script (with their combining marks);
/// at most 3 digits; at least one letter. Inside a word, parts may be joined by an
/// apostrophe or a hyphen (`O'Neil`, `Anna-Maria`) or a middle dot (the katakana
/// `ヤマダ・タロウ`, the Catalan `Gal·la`), but a word neither starts nor ends with one;
/// zero-width (non-)joiners may follow a letter, as in Persian and the Indic scripts. One dot may end a part of at most 3 letters:
/// an initial or an abbreviation (`Jr.`, `Klaus-D.`, `H.-Dieter`).
pub fn validate_name(field: &str, raw: &str) -> Result<String> {
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let name: String = collapsed.nfc().collect();
    let reject = |reason: &str| -> Result<String> { Err(Error::validation(field, raw, reason)) };
    if name.is_empty() {
        return reject("must not be empty");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return reject("longer than 40 characters");
    }
    if name.chars().filter(|c| is_digit(*c)).count() > MAX_DIGITS {
        return reject("more than 3 digits");
    }
    if !name.chars().any(is_letter) {
        return reject("must contain a letter");
    }
    for word in name.split(' ') {
        if let Err(reason) = check_word(word) {
            return reject(reason);
        }
    }
    Ok(name)
}

fn is_letter(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Letter
}

fn is_mark(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Mark
}

fn is_digit(c: char) -> bool {
    c.general_category() == unicode_properties::GeneralCategory::DecimalNumber
}

/// Zero-width (non-)joiners shape the letters around them (Persian, the Indic
/// scripts): like a combining mark, they belong to the letter before.
fn is_zero_width_joiner(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}')
}

/// Characters that join the parts of one word.
fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '-' | '‐' | '・' | '·')
}

/// A word: parts separated by single joiners, each part letters, marks and digits with
/// an optional final dot (on a part of at most 3 letters).
fn check_word(word: &str) -> std::result::Result<(), &'static str> {
    if word.starts_with(is_joiner) || word.ends_with(is_joiner) {
        return Err("apostrophes and hyphens must be inside a word");
    }
    for part in word.split(is_joiner) {
        if part.is_empty() {
            return Err("apostrophes and hyphens must be inside a word");
        }
        check_part(part)?;
    }
    Ok(())
}

fn check_part(part: &str) -> std::result::Result<(), &'static str> {
    let (body, has_dot) = match part.strip_suffix('.') {
        Some(body) => (body, true),
        None => (part, false),
    };
    let mut previous: Option<char> = None;
    for c in body.chars() {
        if c == '.' {
            return Err("a dot may only end a short word");
        }
        let attached = |p: char| is_letter(p) || is_mark(p) || is_zero_width_joiner(p);
        let fits = is_letter(c)
            || is_digit(c)
            // A combining mark belongs to the letter (or mark) before it.
            || ((is_mark(c) || is_zero_width_joiner(c)) && previous.is_some_and(attached));
        if !fits {
            return Err(
                "only letters, digits, spaces, apostrophes, hyphens and a final dot are allowed",
            );
        }
        previous = Some(c);
    }
    if has_dot {
        let letters = body.chars().filter(|c| is_letter(*c)).count();
        let only_letters = body.chars().all(|c| is_letter(c) || is_mark(c));
        if letters == 0 || letters > MAX_LETTERS_BEFORE_DOT || !only_letters {
            return Err("a dot may only end a word of at most 3 letters");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_names_of_any_script() {
        for good in [
            "Ann",
            "Олена",
            "José María",
            "O'Neil",
            "Anna-Maria",
            "John Jr.",
            "李",
            "Müller",
            "Ann 2nd",
            "उमेश",
            "D’Arcy",
            "कृष्ण",
            "लक्ष्मी",
            "ประยุทธ์",
            "கார்த்திக்",
            "Klaus-D.",
            "H.-Dieter",
            "ヤマダ・タロウ",
            "Gal·la",
            "علی\u{200c}رضا",
            "ड\u{200c}ंगोल",
            "Nguyễn Văn",
            "Ōtomo",
        ] {
            assert!(validate_name("first_name", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn names_are_stored_composed() {
        let decomposed = "Jose\u{301}";
        assert_eq!(validate_name("first_name", decomposed).unwrap(), "José");
    }

    #[test]
    fn collapses_spaces() {
        assert_eq!(
            validate_name("first_name", "  Ann   Lee ").unwrap(),
            "Ann Lee"
        );
    }

    #[test]
    fn rejects_each_broken_rule() {
        let cases = [
            ("", "empty"),
            (&"a".repeat(41), "longer than 40"),
            ("Ann1234", "more than 3 digits"),
            ("1234", "more than 3 digits"),
            ("123", "must contain a letter"),
            ("-Ann", "inside a word"),
            ("Ann-", "inside a word"),
            ("O''Neil", "inside a word"),
            ("ヤマダ・", "inside a word"),
            ("Ann!", "only letters"),
            ("Ann😀", "only letters"),
            ("\u{301}Ann", "only letters"),
            ("Jonathan.", "at most 3 letters"),
            ("J.R.", "a dot may only end"),
            ("Jr..", "a dot may only end"),
            ("Ann 12.", "at most 3 letters"),
        ];
        for (input, expected) in cases {
            let err = validate_name("last_name", input).unwrap_err();
            assert_eq!(err.field(), Some("last_name"));
            assert!(err.to_string().contains(expected), "{input}: {err}");
        }
    }

    #[test]
    fn errors_quote_the_name_as_given() {
        let err = validate_name("last_name", "शर्मा!").unwrap_err();
        assert!(err.to_string().contains("\"शर्मा!\""), "{err}");
    }
}
