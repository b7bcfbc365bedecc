//! Rules for timeline inputs that are not plain text.

use crate::{Error, Result};
use rust_decimal::Decimal;

const MAX_EVENT_NAME_CHARS: usize = 100;
const FORBIDDEN_IN_EVENT_NAME: &[char] =
    &['<', ';', '\'', '"', '\\', '/', '|', '^', '?', '!', ',', '>'];

/// Checks an event name: at most 100 characters and none of `< ; ' " \ / | ^ ? ! , >`.
pub fn validate_event_name(raw: &str) -> Result<String> {
    let name = super::required_text("name", raw, MAX_EVENT_NAME_CHARS)?;
    if let Some(bad) = name.chars().find(|c| FORBIDDEN_IN_EVENT_NAME.contains(c)) {
        return Err(Error::validation(
            "name",
            raw,
            format!("must not contain {bad:?}"),
        ));
    }
    Ok(name)
}

/// Checks an amount of money is not negative.
pub fn validate_money(field: &str, amount: Decimal) -> Result<Decimal> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(Error::validation(
            field,
            amount.to_string(),
            "must not be negative",
        ));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_reject_forbidden_characters() {
        assert_eq!(
            validate_event_name(" added_to_cart ").unwrap(),
            "added_to_cart"
        );
        for bad in ["", "a<b", "what?", "hi!", "a,b", "x/y", &"e".repeat(101)] {
            assert_eq!(
                validate_event_name(bad).unwrap_err().field(),
                Some("name"),
                "{bad}"
            );
        }
    }

    #[test]
    fn money_is_not_negative() {
        assert!(validate_money("amount", Decimal::new(-1, 2)).is_err());
        assert_eq!(
            validate_money("amount", Decimal::new(1050, 2))
                .unwrap()
                .to_string(),
            "10.50"
        );
    }
}
