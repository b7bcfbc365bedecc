//! "Rules at the edges" (DOMAIN.md; issue 11): one test per rule, each named for it,
//! each a bug real data once found. Run on the in-memory store and on a SQLite file.

mod common;

use common::{assert_validation, input};
use contactkit::{ContactBook, OrderInput, OrderStatus};
use rust_decimal::Decimal;
use serde_json::json;

fn on_every_store(check: impl Fn(&ContactBook)) {
    check(&ContactBook::in_memory());
    let dir = tempfile::tempdir().unwrap();
    check(&ContactBook::open(dir.path().join("book.db")).unwrap());
}

fn order(external_id: &str, amount: &str, status: OrderStatus) -> OrderInput {
    serde_json::from_value(json!({
        "external_id": external_id, "amount": amount, "currency": "EUR", "status": status,
    }))
    .unwrap()
}

#[test]
fn order_amounts_and_totals_never_overflow() {
    on_every_store(|book| {
        let ann = book
            .create(input(json!({"email": "ann@example.com"})))
            .unwrap();
        let largest = "1000000000000000";
        for i in 0..3 {
            book.record_order(
                &ann.id,
                order(&format!("o{i}"), largest, OrderStatus::Delivered),
            )
            .unwrap();
        }
        book.record_order(&ann.id, order("small", "0.000001", OrderStatus::Delivered))
            .unwrap();
        let read = book
            .get(&ann.id)
            .unwrap()
            .expect("the contact stays readable");
        assert_eq!(
            read.order_stats.revenue["EUR"],
            "3000000000000000.000001".parse::<Decimal>().unwrap(),
            "exact"
        );
        // Above 10^15; seven decimal places; the largest decimal there is.
        for amount in [
            "1000000000000000.01",
            "0.0000001",
            "79228162514264337593543950335",
        ] {
            let refused = book.record_order(&ann.id, order("big", amount, OrderStatus::Delivered));
            assert_validation(refused, "amount");
        }
        assert_eq!(
            book.get(&ann.id).unwrap().unwrap().order_stats.order_count,
            4
        );
    });
}
