//! The All contacts search box: one text matched against name, email and phone,
//! as a rule of the book's rule language, so the store answers it in SQL.

use contactkit::{Error, Rule};
use serde_json::{json, Value};

/// The rule for `text`, or `None` for an empty box (every contact); an error when the
/// text is too large for a rule (the book bounds a rule's conditions and size), never
/// a quiet "no filter", which would list every contact as if they all matched.
///
/// A contact matches when each word is in its first or last name ("ivan pet" finds
/// Ivan Petrenko), or the whole text is in its email, or the text's digits are in
/// its phone ("067 123-45" finds +38067123456…, "07401 119999" +447401119999).
/// Case does not matter.
pub fn rule(text: &str) -> Result<Option<Rule>, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let contains =
        |attr: &str, value: &str| json!({"attr": attr, "op": "contains", "value": value});
    let name: Vec<Value> = text
        .split_whitespace()
        .map(|word| json!({"any": [contains("first_name", word), contains("last_name", word)]}))
        .collect();
    let mut any = vec![json!({ "all": name }), contains("email", text)];
    if let Some(digits) = phone_digits(text) {
        any.push(contains("phone", &digits));
    }
    Rule::from_value(&json!({ "any": any }))
        .map(Some)
        .map_err(|_| Error::validation("search", text, "too long to search for: use fewer words"))
}

/// The digits to look for in phones, of text that reads as (part of) a phone number:
/// digits with the separators people type (`+`, spaces, `-`, `.`, brackets), at least
/// three digits once leading zeros are dropped.
///
/// Phones are stored in E.164 (`+447401119999`), which has no trunk prefix, so a
/// number typed the national way (`07401 119999`) or with the international prefix
/// (`0044 7401…`) is looked for without its leading zeros.
fn phone_digits(text: &str) -> Option<String> {
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')'));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    (phone_like && digits.len() >= 3).then(|| digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_box_is_no_filter() {
        assert!(rule("").unwrap().is_none());
        assert!(rule("   ").unwrap().is_none());
    }

    #[test]
    fn a_phone_typed_with_separators_is_searched_by_its_digits() {
        assert_eq!(phone_digits("(067) 123-45"), Some("6712345".into()));
        assert_eq!(phone_digits("+380 67"), Some("38067".into()));
        assert_eq!(phone_digits("ivan"), None);
        assert_eq!(phone_digits("12"), None, "too few digits to mean a phone");
        assert_eq!(phone_digits("0012"), None, "too few digits to mean a phone");
        let text = rule("067 123").unwrap().unwrap().to_json();
        assert!(text.contains(r#""value":"67123""#), "{text}");
    }

    #[test]
    fn a_national_or_international_prefix_is_not_looked_for() {
        assert_eq!(phone_digits("07401 119999"), Some("7401119999".into()));
        assert_eq!(
            phone_digits("0044 7401 119999"),
            Some("447401119999".into())
        );
        assert_eq!(phone_digits("030 1234567"), Some("301234567".into()));
    }

    #[test]
    fn each_word_must_be_in_a_name() {
        let text = rule("Ivan  Pet").unwrap().unwrap().to_json();
        assert!(
            text.contains(r#""value":"Ivan""#) && text.contains(r#""value":"Pet""#),
            "{text}"
        );
        assert!(
            text.contains(r#""value":"Ivan  Pet""#),
            "the whole text is tried on the email: {text}"
        );
    }

    #[test]
    fn a_search_too_large_for_a_rule_is_an_error_not_every_contact() {
        // Each word is two conditions, and the book allows 256 in a rule.
        let words = vec!["ab"; 200].join(" ");
        let error = rule(&words).unwrap_err().to_string();
        assert!(
            error.contains("search") && error.contains("fewer words"),
            "{error}"
        );
        let fine = vec!["ab"; 100].join(" ");
        assert!(rule(&fine).unwrap().is_some());
    }
}
