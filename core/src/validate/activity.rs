//! Rules for timeline inputs: event names, orders and their money.

use super::{limits, optional_text, required_text, MAX_IDENTIFIER_CHARS};
use crate::model::{Order, OrderInput, OrderItem};
use crate::{Error, Result};
use rust_decimal::Decimal;

const MAX_EVENT_NAME_CHARS: usize = 100;
const FORBIDDEN_IN_EVENT_NAME: &[char] =
    &['<', ';', '\'', '"', '\\', '/', '|', '^', '?', '!', ',', '>'];

/// Largest amount of money (and quantity) one order line or total may hold.
pub const MAX_MONEY: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// Most decimal places money may have (ISO 4217 currencies use at most 4). With at
/// most 10^15 in each amount, a currency's revenue stays exact in a `Decimal` for
/// some 79 million orders of the largest amount.
pub const MONEY_PLACES: u32 = 6;

/// Checks an event name: at most 100 characters and none of `< ; ' " \ / | ^ ? ! , >`.
pub fn validate_event_name(raw: &str) -> Result<String> {
    let name = required_text("name", raw, MAX_EVENT_NAME_CHARS)?;
    if let Some(bad) = name.chars().find(|c| FORBIDDEN_IN_EVENT_NAME.contains(c)) {
        return Err(Error::validation(
            "name",
            raw,
            format!("must not contain {bad:?}"),
        ));
    }
    Ok(name)
}

/// Checks an amount of money: not negative, at most 10^15, at most 6 decimal places
/// once trailing zeros are set aside (which are then dropped beyond the sixth).
pub fn validate_money(field: &str, amount: Decimal) -> Result<Decimal> {
    let refuse = |reason: &str| Err(Error::validation(field, amount.to_string(), reason));
    if amount.is_sign_negative() && !amount.is_zero() {
        return refuse("must not be negative");
    }
    if amount > MAX_MONEY {
        return refuse("must be at most 10^15");
    }
    if amount.normalize().scale() > MONEY_PLACES {
        return refuse("must have at most 6 decimal places");
    }
    Ok(if amount.scale() > MONEY_PLACES {
        amount.round_dp(MONEY_PLACES)
    } else {
        amount
    })
}

/// Checks an order: its id, money, currency, lines (at most 1,000) and delivery
/// address.
pub fn validate_order(input: &OrderInput) -> Result<Order> {
    let money =
        |field: &str, value: Option<Decimal>| value.map(|v| validate_money(field, v)).transpose();
    limits::check_count("items", input.items.len(), limits::MAX_ORDER_ITEMS)?;
    let items = input
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| validate_item(item).map_err(|e| e.within(&format!("items[{i}]"))))
        .collect::<Result<_>>()?;
    Ok(Order {
        external_id: required_text("external_id", &input.external_id, MAX_IDENTIFIER_CHARS)?,
        amount: validate_money("amount", input.amount)?,
        currency: super::normalize_currency(&input.currency)?,
        status: input.status,
        items,
        shipping: money("shipping", input.shipping)?,
        discount: money("discount", input.discount)?,
        taxes: money("taxes", input.taxes)?,
        store_id: optional_text("store_id", input.store_id.as_deref(), MAX_IDENTIFIER_CHARS)?,
        source: input.source,
        delivery_address: input
            .delivery_address
            .as_ref()
            .map(|a| super::validate_address(a).map_err(|e| e.within("delivery_address")))
            .transpose()?
            .flatten(),
    })
}

fn validate_item(item: &OrderItem) -> Result<OrderItem> {
    if item.quantity <= Decimal::ZERO {
        return Err(Error::validation(
            "quantity",
            item.quantity.to_string(),
            "must be positive",
        ));
    }
    Ok(OrderItem {
        product_id: required_text("product_id", &item.product_id, MAX_IDENTIFIER_CHARS)?,
        name: optional_text("name", item.name.as_deref(), MAX_IDENTIFIER_CHARS)?,
        quantity: validate_money("quantity", item.quantity)?,
        price: validate_money("price", item.price)?,
    })
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
    fn money_is_bounded_and_exact() {
        assert_eq!(MAX_MONEY, Decimal::from(1_000_000_000_000_000u64));
        assert!(validate_money("amount", MAX_MONEY).is_ok());
        let over = MAX_MONEY + Decimal::new(1, 2);
        assert_eq!(
            validate_money("amount", over).unwrap_err().field(),
            Some("amount")
        );
        assert!(validate_money("amount", "0.0000001".parse().unwrap()).is_err());
        assert_eq!(
            validate_money("amount", "10.50000000".parse().unwrap())
                .unwrap()
                .to_string(),
            "10.500000"
        );
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
