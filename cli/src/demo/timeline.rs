//! A demo contact's year of activity: campaigns on every channel it has (including
//! the hard bounce, unsubscribes and spam report the domain asks for), shop events
//! and orders, dated back from the anchor day so a re-run would write the same items.

use super::people::Person;
use crate::failure::CliResult;
use crate::random::SampleRng;
use chrono::{DateTime, Duration, Utc};
use contactkit::{
    CampaignChannel, CampaignInput, CampaignStatus, ContactBook, EventInput, OrderInput, OrderItem,
    OrderSource, OrderStatus,
};
use rust_decimal::Decimal;

/// The shop's products: sku, name, price in euro cents.
const PRODUCTS: [(&str, &str, i64); 8] = [
    ("sku-1001", "Trail running shoes", 8900),
    ("sku-1002", "Rain jacket", 12900),
    ("sku-1003", "Merino socks", 1500),
    ("sku-1004", "Water bottle", 1900),
    ("sku-1005", "Headlamp", 3900),
    ("sku-1006", "Backpack 30 l", 9900),
    ("sku-1007", "Yoga mat", 2900),
    ("sku-1008", "Fitness tracker", 14900),
];

/// Records a year of campaigns, events and orders for `person` (contact `id` in the
/// book made with `seed`); returns how many items.
pub(super) fn record(
    person: &Person,
    book: &ContactBook,
    id: &str,
    anchor: DateTime<Utc>,
    seed: u64,
) -> CliResult<usize> {
    let mut rng = super::draws(seed, person.index, super::Draw::Timeline);
    let mut count = 0;
    let day = |days_ago: u64, rng: &mut SampleRng| {
        anchor - Duration::days(days_ago as i64)
            + Duration::minutes(7 * 60 + rng.below(14 * 60) as i64)
    };
    let status = |rng: &mut SampleRng| match rng.below(100) {
        0..=9 => CampaignStatus::Sent,
        10..=49 => CampaignStatus::Delivered,
        50..=84 => CampaignStatus::Read,
        _ => CampaignStatus::Clicked,
    };
    let mut campaign = |book: &ContactBook,
                        message_id: String,
                        name: String,
                        channel: CampaignChannel,
                        status: CampaignStatus,
                        description: Option<&str>,
                        at: DateTime<Utc>|
     -> CliResult {
        book.record_campaign(
            id,
            CampaignInput {
                message_id,
                message_name: Some(name),
                channel,
                status,
                status_description: description.map(str::to_string),
                at: Some(at),
            },
        )?;
        count += 1;
        Ok(())
    };
    // The monthly newsletter, by email to subscribers of Weekly news.
    if person.email.is_some() && person.categories.contains(&"Weekly news") {
        for month in (0..12u64).rev() {
            let at = day(month * 30 + 3, &mut rng);
            campaign(
                book,
                format!("news-{month:02}"),
                format!("Monthly news #{}", 12 - month),
                CampaignChannel::Email,
                status(&mut rng),
                None,
                at,
            )?;
        }
    }
    // Seasonal sales, by mobile push to app users and by SMS.
    if !person.devices.is_empty() {
        for (k, name) in ["Flash sale", "Members weekend", "Clearance"]
            .iter()
            .enumerate()
        {
            let at = day(300 - 110 * k as u64, &mut rng);
            campaign(
                book,
                format!("push-{k}"),
                name.to_string(),
                CampaignChannel::MobilePush,
                status(&mut rng),
                None,
                at,
            )?;
        }
    }
    if person.phone.is_some() && rng.chance(50) {
        let at = day(45, &mut rng);
        campaign(
            book,
            "sms-1".into(),
            "Weekend discount".into(),
            CampaignChannel::Sms,
            CampaignStatus::Delivered,
            None,
            at,
        )?;
    }
    if person.web_push.is_some() {
        let at = day(20, &mut rng);
        campaign(
            book,
            "web-1".into(),
            "New arrivals".into(),
            CampaignChannel::WebPush,
            status(&mut rng),
            None,
            at,
        )?;
    }
    // The addresses the domain asks for: a hard bounce blacklists, an unsubscribe
    // from a message and a spam report suppress.
    if person.email.is_some() {
        let special = match person.index {
            7 => Some((CampaignStatus::Undelivered, Some("hard_bounce"))),
            11 => Some((CampaignStatus::Unsubscribed, Some("too many emails"))),
            13 => Some((CampaignStatus::Spam, None)),
            _ => None,
        };
        if let Some((status, description)) = special {
            let at = day(60, &mut rng);
            campaign(
                book,
                "promo-7".into(),
                "Autumn promo".into(),
                CampaignChannel::Email,
                status,
                description,
                at,
            )?;
        }
    }
    if person.index == 0 {
        let at = day(9, &mut rng);
        campaign(
            book,
            "sms-stop".into(),
            "Flash deals by SMS".into(),
            CampaignChannel::Sms,
            CampaignStatus::Unsubscribed,
            Some("replied STOP"),
            at,
        )?;
    }
    // Events from the shop.
    let events = 2 + rng.below(6);
    for _ in 0..events {
        let (sku, _, _) = *rng.pick(&PRODUCTS);
        let (name, workflows): (&str, &[&str]) = match rng.below(4) {
            0 => ("viewed_product", &[]),
            1 => ("added_to_cart", &["Abandoned cart"]),
            2 => ("search", &[]),
            _ => ("wishlist_added", &["Back in stock"]),
        };
        let at = day(rng.below(365), &mut rng);
        book.record_event(
            id,
            EventInput {
                name: name.into(),
                key_value: (name != "search").then(|| sku.to_string()),
                params: serde_json::Map::new(),
                workflows: workflows.iter().map(|w| w.to_string()).collect(),
                at: Some(at),
            },
        )?;
        count += 1;
    }
    // Orders.
    let orders = if person.index == 0 { 3 } else { rng.below(4) };
    for k in 0..orders {
        let lines = 1 + rng.below(3);
        let mut items = Vec::new();
        let mut total = Decimal::ZERO;
        for _ in 0..lines {
            let (sku, name, cents) = *rng.pick(&PRODUCTS);
            let quantity = Decimal::from(1 + rng.below(2));
            let price = price_in(cents, person.country.currency);
            total += price * quantity;
            items.push(OrderItem {
                product_id: sku.into(),
                name: Some(name.into()),
                quantity,
                price,
            });
        }
        let status = match (person.index, k, rng.below(100)) {
            (0, 0, _) => OrderStatus::InProgress,
            (_, _, 0..=69) => OrderStatus::Delivered,
            (_, _, 70..=79) => OrderStatus::InProgress,
            (_, _, 80..=89) => OrderStatus::Cancelled,
            _ => OrderStatus::AbandonedShoppingCart,
        };
        let days_ago = if person.index == 0 {
            2 + 40 * k
        } else {
            rng.below(365)
        };
        let at = day(days_ago, &mut rng);
        book.record_order(
            id,
            OrderInput {
                external_id: format!("ORD-{:05}-{k}", person.index),
                amount: total,
                currency: person.country.currency.into(),
                status,
                items,
                shipping: None,
                discount: None,
                taxes: None,
                store_id: None,
                source: if rng.chance(80) {
                    OrderSource::Online
                } else {
                    OrderSource::Offline
                },
                delivery_address: None,
                at: Some(at),
            },
        )?;
        count += 1;
    }
    Ok(count)
}

/// A price of `cents` (in euro terms) in `currency`, rounded to whole units where
/// prices usually are.
fn price_in(cents: i64, currency: &str) -> Decimal {
    let (rate, scale) = match currency {
        "UAH" => (45, 0),
        "PLN" => (4, 0),
        "BRL" => (6, 0),
        "GBP" => (1, 2),
        _ => (1, 2),
    };
    let amount = Decimal::new(cents * rate, 2);
    amount.round_dp(scale)
}
