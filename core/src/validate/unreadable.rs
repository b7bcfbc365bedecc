//! Input that could not be read as the type the book expects: one conversion from a
//! serde error (with the path to the value at fault) to `Error::Validation`, shared by
//! every reader of caller values (the Python and Node bindings, the CLI's JSON lines).
//!
//! The rules, whatever language the value came from:
//! - the field is the path inside the argument, written as the book names fields
//!   (`mobile_push[0].platform`), after the argument's own name when it has one;
//! - an unknown key names the key itself and quotes it; a missing key names the key
//!   and quotes nothing (serde reports both at the enclosing object);
//! - otherwise the value at the path is quoted, as the caller's language writes it;
//! - serde_json's " at line L column C" is dropped (a reader reports its own position),
//!   and a number given where a decimal string is expected says so in those words.

use crate::Error;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::{Path, Segment};

/// How the argument being read is named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadAs<'a> {
    /// A value named `field` (`fields.age`, `at`): errors name it, then the path inside.
    Value(&'a str),
    /// An object of attributes (a contact input, an options object) passed as the
    /// parameter `param`: errors name the attribute path (`address.country`), and
    /// `param` only when the object itself is at fault.
    Attributes(&'a str),
}

/// The validation error for a value that failed to read at `path` for `reason` (serde's
/// message). `quote` gives the value at a path, as the caller's language writes it.
pub fn unreadable(
    path: &Path,
    reason: &str,
    read_as: ReadAs<'_>,
    quote: impl FnOnce(&Path) -> String,
) -> Error {
    let reason = in_plain_words(reason);
    let prefix = match read_as {
        ReadAs::Value(field) => field,
        ReadAs::Attributes(_) => "",
    };
    let mut field = join(prefix, &render(path));
    for (marker, unknown) in [("unknown field `", true), ("missing field `", false)] {
        if let Some(key) = reason
            .strip_prefix(marker)
            .and_then(|rest| rest.split('`').next())
        {
            let named = field == key || field.ends_with(&format!(".{key}"));
            if !named {
                field = join(&field, key);
            }
            let value = if unknown {
                key.to_string()
            } else {
                String::new()
            };
            return Error::validation(field, value, reason);
        }
    }
    Error::validation(field_at(path, read_as), quote(path), reason)
}

/// The field a value at `path` inside the argument is named by, as the book names
/// fields: the path after the argument's own name, or the parameter when the value is
/// the argument itself. For a binding that finds a value at fault by its own walk (a
/// Python value nested too deep) and knows the path as segments.
pub fn field_at<'a>(path: impl IntoIterator<Item = &'a Segment>, read_as: ReadAs<'_>) -> String {
    let (prefix, param) = match read_as {
        ReadAs::Value(field) => (field, field),
        ReadAs::Attributes(param) => ("", param),
    };
    let field = join(prefix, &render(path));
    if field.is_empty() {
        param.to_string()
    } else {
        field
    }
}

/// Reads a `T` from a JSON value, naming the field at fault and quoting its value.
///
/// Tracking the path costs on every value of every row, and only a failure needs it:
/// the value is read plainly first, and again with the path tracked only when that
/// fails (reading is deterministic, so it fails the same way).
pub fn from_json<T: DeserializeOwned>(json: &Value, read_as: ReadAs<'_>) -> Result<T, Error> {
    T::deserialize(json).or_else(|_| {
        serde_path_to_error::deserialize(json).map_err(|e| {
            unreadable(e.path(), &e.inner().to_string(), read_as, |path| {
                json_at(json, path).map(shown).unwrap_or_default()
            })
        })
    })
}

/// The value at serde's `path` inside `json`, when the path leads to one.
pub fn json_at<'a>(json: &'a Value, path: &Path) -> Option<&'a Value> {
    path.iter().try_fold(json, |value, segment| match segment {
        Segment::Seq { index } => value.get(index),
        Segment::Map { key } => value.get(key),
        Segment::Enum { .. } => Some(value),
        Segment::Unknown => None,
    })
}

/// A JSON value as an error quotes it: text as written, numbers and booleans as
/// literals, containers elided (a container may be megabytes).
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(_) => "[…]".to_string(),
        Value::Object(_) => "{…}".to_string(),
        scalar => scalar.to_string(),
    }
}

/// serde's reason without serde_json's position, with rust_decimal's wording replaced
/// by what a caller must do. Public for readers that report a text's own position,
/// such as the CLI's JSON lines that do not parse.
pub fn in_plain_words(reason: &str) -> String {
    let reason = match reason.rfind(" at line ") {
        Some(at) if reason[at..].contains(" column ") => &reason[..at],
        _ => reason,
    };
    with_short_quotes(reason).replace(
        "expected a Decimal type representing a fixed-point number",
        "expected a decimal string such as \"19.99\" (never a number)",
    )
}

/// serde quotes the value it refused inside its message (`invalid type: string "…"`,
/// ``unknown variant `…` ``), so a megabyte value would make a megabyte reason: each
/// quoted run is cut to the length an error quotes a value with.
fn with_short_quotes(reason: &str) -> String {
    const MAX_QUOTED_CHARS: usize = 80;
    let mut out = String::with_capacity(reason.len().min(512));
    let mut chars = reason.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' && c != '`' {
            continue;
        }
        let (mut kept, mut cut, mut escaped) = (0, false, false);
        let mut closed = false;
        for quoted in chars.by_ref() {
            if quoted == c && !escaped {
                closed = true;
                break;
            }
            escaped = c == '"' && quoted == '\\' && !escaped;
            if kept < MAX_QUOTED_CHARS {
                out.push(quoted);
                kept += 1;
            } else {
                cut = true;
            }
        }
        if cut {
            out.push('…');
        }
        if closed {
            out.push(c);
        }
    }
    out
}

/// A path as the book names fields: `mobile_push[0].platform`. Segments serde could
/// not name (a map key that failed to read) are left out, so the map is named.
fn render<'a>(path: impl IntoIterator<Item = &'a Segment>) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    out
}

fn join(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else if path.is_empty() {
        prefix.to_string()
    } else if path.starts_with('[') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}.{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContactInput;
    use serde_json::json;

    fn fails(json: Value, read_as: ReadAs<'_>) -> (String, String, String) {
        match from_json::<ContactInput>(&json, read_as) {
            Err(Error::Validation {
                field,
                value,
                reason,
            }) => (field, value, reason),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_key_is_named_and_quoted() {
        let (field, value, reason) = fails(json!({"emial": "a@b.c"}), ReadAs::Attributes("input"));
        assert_eq!((field.as_str(), value.as_str()), ("emial", "emial"));
        assert!(reason.starts_with("unknown field `emial`"), "{reason}");
        let (field, ..) = fails(
            json!({"address": {"city": "x"}}),
            ReadAs::Attributes("input"),
        );
        assert_eq!(field, "address.city");
    }

    #[test]
    fn nested_value_is_named_by_its_path_and_quoted() {
        let row =
            json!({"mobile_push": [{"app_id": "a", "device_id": "d", "platform": "symbian"}]});
        let (field, value, _) = fails(row, ReadAs::Attributes("input"));
        assert_eq!(field, "mobile_push[0].platform");
        assert_eq!(value, "symbian");
        let (field, value, _) = fails(json!({"mobile_push": {}}), ReadAs::Value("row"));
        assert_eq!((field.as_str(), value.as_str()), ("row.mobile_push", "{…}"));
    }

    #[test]
    fn the_argument_itself_is_named_by_its_parameter() {
        let (field, value, _) = fails(json!("text"), ReadAs::Attributes("input"));
        assert_eq!((field.as_str(), value.as_str()), ("input", "text"));
        let (field, value, _) = fails(json!(7), ReadAs::Value("fields.age"));
        assert_eq!((field.as_str(), value.as_str()), ("fields.age", "7"));
    }

    #[test]
    fn a_huge_value_quoted_by_serde_is_cut_in_the_reason() {
        let huge = "9".repeat(5_000_000);
        let json = json!({"fields": {}, "mobile_push": [{"app_id": "a", "device_id": "d", "platform": huge}]});
        let (field, value, reason) = fails(json, ReadAs::Attributes("input"));
        assert_eq!(field, "mobile_push[0].platform");
        assert_eq!(
            value.chars().count(),
            81,
            "the value is shortened as every value is"
        );
        assert!(reason.len() < 300, "{reason}");
        assert!(
            reason.starts_with(&format!(
                "unknown variant `{}…`, expected one of",
                "9".repeat(80)
            )),
            "{reason}"
        );
        assert_eq!(
            with_short_quotes(r#"string "a\"b", expected `x`"#),
            r#"string "a\"b", expected `x`"#,
            "short quotes and escaped quotes are kept"
        );
    }

    #[test]
    fn a_number_for_a_decimal_says_to_pass_a_string() {
        let reason = in_plain_words(
            "invalid type: floating point `9.99`, expected a Decimal type representing a fixed-point number at line 1 column 4",
        );
        assert_eq!(
            reason,
            "invalid type: floating point `9.99`, expected a decimal string such as \"19.99\" (never a number)"
        );
    }
}
