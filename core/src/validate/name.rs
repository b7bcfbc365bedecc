//! The platform's rules for first and last names.

use crate::{Error, Result};

const MAX_NAME_CHARS: usize = 40;
const MAX_DIGITS: usize = 3;
const MAX_LETTERS_BEFORE_DOT: usize = 3;

/// Checks a first or last name and returns it trimmed, inner spaces collapsed.
///
/// Rules: at most 40 characters; letters of any script; at most 3 digits; apostrophes
/// and hyphens only inside a word (`O'Neil`, `Anna-Maria`); one trailing dot on a word
/// of at most 3 letters (`Jr.`); at least one letter.
pub fn validate_name(field: &str, raw: &str) -> Result<String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let reject = |reason: &str| -> Result<String> { Err(Error::validation(field, raw, reason)) };
    if name.is_empty() {
        return reject("must not be empty");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return reject("longer than 40 characters");
    }
    if name.chars().filter(char::is_ascii_digit).count() > MAX_DIGITS {
        return reject("more than 3 digits");
    }
    if !name.chars().any(char::is_alphabetic) {
        return reject("must contain a letter");
    }
    for word in name.split(' ') {
        if let Err(reason) = check_word(word) {
            return reject(reason);
        }
    }
    Ok(name)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '-' | '‐')
}

fn check_word(word: &str) -> std::result::Result<(), &'static str> {
    let (body, has_dot) = match word.strip_suffix('.') {
        Some(body) => (body, true),
        None => (word, false),
    };
    let chars: Vec<char> = body.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphabetic() || c.is_ascii_digit() {
            continue;
        }
        if c == '.' {
            return Err("a dot may only end a short word");
        }
        if !is_joiner(c) {
            return Err(
                "only letters, digits, spaces, apostrophes, hyphens and a final dot are allowed",
            );
        }
        let inside = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphanumeric()
            && chars[i + 1].is_alphanumeric();
        if !inside {
            return Err("apostrophes and hyphens must be inside a word");
        }
    }
    if has_dot {
        let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
        if letters == 0 || letters > MAX_LETTERS_BEFORE_DOT || letters != chars.len() {
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
        ] {
            assert!(validate_name("first_name", good).is_ok(), "{good}");
        }
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
            ("Ann!", "only letters"),
            ("Jonathan.", "at most 3 letters"),
            ("J.R.", "a dot may only end"),
            ("Jr..", "a dot may only end"),
        ];
        for (input, expected) in cases {
            let err = validate_name("last_name", input).unwrap_err();
            assert_eq!(err.field(), Some("last_name"));
            assert!(err.to_string().contains(expected), "{input}: {err}");
        }
    }
}
