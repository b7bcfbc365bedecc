//! Additional-field definitions and the parsing of values against them.

use super::{limits, required_text};
use crate::model::{FieldDefinition, FieldInput, FieldType, FieldValue, Source};
use crate::{Error, Result};
use chrono::NaiveDate;
use rust_decimal::Decimal;

const MAX_TEXT_CHARS: usize = 255;
const MAX_TEXTAREA_CHARS: usize = 10_000;
const MAX_KEY_CHARS: usize = 64;

/// Refuses a value for a readonly field unless it comes by import or API (`source`
/// `import` or `api`): a sign-up form, an SDK, an order or a manual edit may not set it.
pub fn check_writable(definition: &FieldDefinition, source: Source) -> Result<()> {
    if definition.readonly && !matches!(source, Source::Api | Source::Import) {
        return Err(Error::validation(
            &definition.key,
            &definition.key,
            format!(
                "readonly: set it by import or API, not from source {}",
                source.as_str()
            ),
        ));
    }
    Ok(())
}

/// Checks a field definition and returns it normalised (title defaults to the key).
pub fn validate_definition(def: &FieldDefinition) -> Result<FieldDefinition> {
    let key = def.key.trim();
    let key_ok = !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !key_ok {
        return Err(Error::validation(
            "key",
            &def.key,
            "use 1 to 64 lowercase letters, digits and '_', starting with a letter",
        ));
    }
    let title = match def.title.trim() {
        "" => key.to_string(),
        title => required_text("title", title, MAX_TEXT_CHARS)?,
    };
    let has_options = matches!(def.field_type, FieldType::List | FieldType::Multilist);
    let mut options = Vec::new();
    for option in &def.options {
        let option = required_text("options", option, MAX_TEXT_CHARS)?;
        // The platform's string form of a multilist separates values with commas.
        if def.field_type == FieldType::Multilist && option.contains(',') {
            return Err(Error::validation(
                "options",
                &option,
                "a multilist option may not contain a comma",
            ));
        }
        if options.contains(&option) {
            return Err(Error::validation("options", &option, "listed twice"));
        }
        options.push(option);
    }
    if has_options && options.is_empty() {
        return Err(Error::validation(
            "options",
            "",
            "a list or multilist needs options",
        ));
    }
    if !has_options && !options.is_empty() {
        return Err(Error::validation(
            "options",
            options.join(","),
            format!("a {} field takes no options", def.field_type.as_str()),
        ));
    }
    let numeric = matches!(def.field_type, FieldType::Number | FieldType::Decimal);
    if !numeric && (def.min.is_some() || def.max.is_some()) {
        return Err(Error::validation(
            "min",
            format!("{:?}..{:?}", def.min, def.max),
            "only number and decimal fields have a range",
        ));
    }
    if let (Some(min), Some(max)) = (def.min, def.max) {
        if min > max {
            return Err(Error::validation(
                "min",
                min.to_string(),
                format!("greater than max {max}"),
            ));
        }
    }
    Ok(FieldDefinition {
        key: key.to_string(),
        title,
        options,
        ..def.clone()
    })
}

/// Parses `input` against `def`: typed values are checked, strings (the platform's
/// API form) are parsed. The error's field is the definition's key.
pub fn parse_field_value(def: &FieldDefinition, input: &FieldInput) -> Result<FieldValue> {
    let key = def.key.as_str();
    let shown = display(input);
    let wrong_type = || {
        Error::validation(
            key,
            &shown,
            format!("expected a {} value", def.field_type.as_str()),
        )
    };
    let value = match (def.field_type, input) {
        (FieldType::Text, FieldInput::Text(s)) => {
            FieldValue::Text(bounded(key, s, MAX_TEXT_CHARS)?)
        }
        (FieldType::Textarea, FieldInput::Text(s)) => {
            FieldValue::Textarea(bounded(key, s, MAX_TEXTAREA_CHARS)?)
        }
        (FieldType::Number, FieldInput::Integer(n)) => FieldValue::Number(*n),
        (FieldType::Number, FieldInput::Text(s)) => {
            FieldValue::Number(whole_number(s).ok_or_else(wrong_type)?)
        }
        (FieldType::Number, FieldInput::Float(f))
            if f.fract() == 0.0 && f.abs() < 2f64.powi(63) =>
        {
            FieldValue::Number(*f as i64)
        }
        (FieldType::Number, FieldInput::Decimal(d)) if d.fract().is_zero() => {
            FieldValue::Number(i64::try_from(*d).map_err(|_| wrong_type())?)
        }
        (FieldType::Decimal, FieldInput::Decimal(d)) => FieldValue::Decimal(*d),
        (FieldType::Decimal, FieldInput::Integer(n)) => FieldValue::Decimal(Decimal::from(*n)),
        (FieldType::Decimal, FieldInput::Float(_)) => {
            return Err(Error::validation(
                key,
                &shown,
                "a binary float is not exact: give a decimal, a string or an integer",
            ))
        }
        (FieldType::Decimal, FieldInput::Text(s)) => FieldValue::Decimal(
            Decimal::from_str_exact(s.trim())
                .or_else(|_| Decimal::from_scientific(s.trim()))
                .map_err(|_| wrong_type())?,
        ),
        (FieldType::Date, FieldInput::Date(d)) => FieldValue::Date(*d),
        (FieldType::Date, FieldInput::Text(s)) => FieldValue::Date(
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| Error::validation(key, &shown, "expected a date as YYYY-MM-DD"))?,
        ),
        (FieldType::Datetime, FieldInput::Datetime(t)) => {
            FieldValue::Datetime(crate::clock::to_millis(*t))
        }
        (FieldType::Datetime, FieldInput::Text(s)) => {
            FieldValue::Datetime(crate::clock::to_millis(
                super::parse_instant_text(s)
                    .ok_or_else(|| Error::validation(key, &shown, super::INSTANT_FORMS))?,
            ))
        }
        (FieldType::Boolean, FieldInput::Bool(b)) => FieldValue::Boolean(*b),
        (FieldType::Boolean, FieldInput::Text(s)) => {
            FieldValue::Boolean(parse_bool(s).ok_or_else(wrong_type)?)
        }
        (FieldType::Boolean, FieldInput::Integer(n @ (0 | 1))) => FieldValue::Boolean(*n == 1),
        (FieldType::List, FieldInput::Text(s)) => FieldValue::List(option_of(def, s)?),
        (FieldType::Multilist, FieldInput::List(items)) => {
            FieldValue::Multilist(subset_of(def, items.iter().map(String::as_str))?)
        }
        (FieldType::Multilist, FieldInput::Text(s)) => {
            let items = s.split(',').map(str::trim).filter(|item| !item.is_empty());
            FieldValue::Multilist(subset_of(def, items)?)
        }
        _ => return Err(wrong_type()),
    };
    check_range(def, &value, &shown)?;
    match value {
        FieldValue::Date(date) => _ = limits::check_date(key, date)?,
        FieldValue::Datetime(at) => _ = limits::check_instant(key, at)?,
        _ => {}
    }
    Ok(value)
}

/// A whole number written as text: `42`, or `42.0` as a spreadsheet or DataFrame
/// writes an integer column holding gaps.
fn whole_number(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse().ok().or_else(|| {
        Decimal::from_str_exact(text)
            .ok()
            .filter(|d| d.fract().is_zero())
            .and_then(|d| i64::try_from(d).ok())
    })
}

fn display(input: &FieldInput) -> String {
    match input {
        FieldInput::Bool(b) => b.to_string(),
        FieldInput::Integer(n) => n.to_string(),
        FieldInput::Float(f) => f.to_string(),
        FieldInput::Text(s) => s.clone(),
        FieldInput::List(items) => items.join(","),
        FieldInput::Decimal(d) => d.to_string(),
        FieldInput::Date(d) => d.to_string(),
        FieldInput::Datetime(t) => t.to_rfc3339(),
    }
}

fn bounded(key: &str, text: &str, max_chars: usize) -> Result<String> {
    super::refuse_nul(key, text)?;
    if text.chars().count() > max_chars {
        return Err(Error::validation(
            key,
            text,
            format!("longer than {max_chars} characters"),
        ));
    }
    Ok(text.to_string())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

fn option_of(def: &FieldDefinition, value: &str) -> Result<String> {
    let value = value.trim();
    def.options
        .iter()
        .find(|option| option.as_str() == value)
        .cloned()
        .ok_or_else(|| {
            Error::validation(
                &def.key,
                value,
                format!("not one of the options: {}", def.options.join(", ")),
            )
        })
}

/// The chosen options in the definition's order, each once.
fn subset_of<'a>(
    def: &FieldDefinition,
    items: impl Iterator<Item = &'a str>,
) -> Result<Vec<String>> {
    let mut chosen = Vec::new();
    for item in items {
        chosen.push(option_of(def, item)?);
    }
    Ok(def
        .options
        .iter()
        .filter(|option| chosen.contains(option))
        .cloned()
        .collect())
}

fn check_range(def: &FieldDefinition, value: &FieldValue, shown: &str) -> Result<()> {
    let number = match value {
        FieldValue::Number(n) => Decimal::from(*n),
        FieldValue::Decimal(d) => *d,
        _ => return Ok(()),
    };
    if let Some(min) = def.min {
        if number < min {
            return Err(Error::validation(
                &def.key,
                shown,
                format!("below the minimum {min}"),
            ));
        }
    }
    if let Some(max) = def.max {
        if number > max {
            return Err(Error::validation(
                &def.key,
                shown,
                format!("above the maximum {max}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(field_type: FieldType) -> FieldDefinition {
        FieldDefinition::new("f", field_type)
    }

    fn parse(def: &FieldDefinition, input: FieldInput) -> Result<FieldValue> {
        parse_field_value(def, &input)
    }

    #[test]
    fn text_and_textarea_have_length_limits() {
        assert!(parse(&def(FieldType::Text), "x".repeat(255).as_str().into()).is_ok());
        assert!(parse(&def(FieldType::Text), "x".repeat(256).as_str().into()).is_err());
        assert!(parse(
            &def(FieldType::Textarea),
            "x".repeat(10_000).as_str().into()
        )
        .is_ok());
        assert!(parse(
            &def(FieldType::Textarea),
            "x".repeat(10_001).as_str().into()
        )
        .is_err());
    }

    #[test]
    fn numbers_parse_from_strings_and_respect_the_range() {
        let mut d = def(FieldType::Number);
        d.min = Some(Decimal::from(1));
        d.max = Some(Decimal::from(10));
        assert_eq!(parse(&d, "7".into()).unwrap(), FieldValue::Number(7));
        assert_eq!(
            parse(&d, FieldInput::Integer(10)).unwrap(),
            FieldValue::Number(10)
        );
        assert!(parse(&d, FieldInput::Integer(11))
            .unwrap_err()
            .to_string()
            .contains("maximum"));
        assert!(parse(&d, FieldInput::Integer(0))
            .unwrap_err()
            .to_string()
            .contains("minimum"));
        assert!(parse(&d, "7.5".into()).is_err());
        assert!(parse(&d, FieldInput::Bool(true)).is_err());
    }

    #[test]
    fn decimals_are_exact() {
        let d = def(FieldType::Decimal);
        assert_eq!(
            parse(&d, "19.99".into()).unwrap(),
            FieldValue::Decimal(Decimal::new(1999, 2))
        );
        assert_eq!(
            parse(&d, FieldInput::Integer(7)).unwrap(),
            FieldValue::Decimal(Decimal::new(7, 0))
        );
        // A binary float is not exact (0.1 + 0.2 is 0.30000000000000004): refused.
        for float in [0.1, 0.1 + 0.2, 2.0] {
            let error = parse(&d, FieldInput::Float(float)).unwrap_err();
            assert_eq!(error.field(), Some(d.key.as_str()), "{float}");
        }
        assert!(parse(&d, "ten".into()).is_err());
    }

    #[test]
    fn dates_and_datetimes() {
        let date = def(FieldType::Date);
        assert_eq!(
            parse(&date, "1990-03-09".into()).unwrap(),
            FieldValue::Date(NaiveDate::from_ymd_opt(1990, 3, 9).unwrap())
        );
        assert!(parse(&date, "09.03.1990".into()).is_err());
        assert!(parse(&date, "1990-02-30".into()).is_err());
        let dt = def(FieldType::Datetime);
        let FieldValue::Datetime(t) = parse(&dt, "2024-05-01T12:00:00+03:00".into()).unwrap()
        else {
            panic!("not a datetime")
        };
        assert_eq!(t.to_rfc3339(), "2024-05-01T09:00:00+00:00");
        // Without an offset, as exports write it: UTC.
        let FieldValue::Datetime(t) = parse(&dt, "2024-02-20 04:42:48".into()).unwrap() else {
            panic!("not a datetime")
        };
        assert_eq!(t.to_rfc3339(), "2024-02-20T04:42:48+00:00");
        assert!(parse(&dt, "20.02.2024 04:42".into()).is_err());
    }

    #[test]
    fn booleans_accept_platform_strings() {
        let b = def(FieldType::Boolean);
        assert_eq!(parse(&b, "true".into()).unwrap(), FieldValue::Boolean(true));
        assert_eq!(parse(&b, "0".into()).unwrap(), FieldValue::Boolean(false));
        assert!(parse(&b, "maybe".into()).is_err());
    }

    #[test]
    fn lists_take_options_only() {
        let mut list = def(FieldType::List);
        list.options = vec!["gold".into(), "silver".into()];
        assert_eq!(
            parse(&list, "gold".into()).unwrap(),
            FieldValue::List("gold".into())
        );
        assert!(parse(&list, "bronze".into())
            .unwrap_err()
            .to_string()
            .contains("options"));
        let mut multi = def(FieldType::Multilist);
        multi.options = vec!["a".into(), "b".into(), "c".into()];
        assert_eq!(
            parse(
                &multi,
                FieldInput::List(vec!["c".into(), "a".into(), "c".into()])
            )
            .unwrap(),
            FieldValue::Multilist(vec!["a".into(), "c".into()])
        );
        assert_eq!(
            parse(&multi, "b, a".into()).unwrap(),
            FieldValue::Multilist(vec!["a".into(), "b".into()])
        );
        assert!(parse(&multi, "a,z".into()).is_err());
    }

    #[test]
    fn definitions_are_checked() {
        assert!(validate_definition(&FieldDefinition::new("Bad Key", FieldType::Text)).is_err());
        assert!(
            validate_definition(&def(FieldType::List)).is_err(),
            "list without options"
        );
        let mut text = def(FieldType::Text);
        text.min = Some(Decimal::ONE);
        assert!(validate_definition(&text).is_err());
        let mut num = def(FieldType::Number);
        num.min = Some(Decimal::TEN);
        num.max = Some(Decimal::ONE);
        assert!(validate_definition(&num).is_err());
        let mut untitled = def(FieldType::Text);
        untitled.title = String::new();
        assert_eq!(validate_definition(&untitled).unwrap().title, "f");
    }
}
