//! The activity timeline (DOMAIN.md, "Activity timeline"): order, periods, categories,
//! paging, display hints, campaign status rules and their suppressions, orders and
//! order stats, event names.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use contactkit::{
    Activity, ActivityCategory, ActivityDetail, ActivityKind, ActivityQuery, Address,
    CampaignChannel, CampaignInput, CampaignStatus, Channel, ChannelStatus, Color, ContactBook,
    EventInput, OrderInput, OrderStatus, Period, SendReason, SuppressionKind,
};
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn campaign(message_id: &str, status: CampaignStatus, at: Option<DateTime<Utc>>) -> CampaignInput {
    CampaignInput {
        message_id: message_id.into(),
        message_name: Some(format!("Message {message_id}")),
        channel: CampaignChannel::Email,
        status,
        status_description: None,
        at,
    }
}

fn event(name: &str, at: DateTime<Utc>) -> EventInput {
    EventInput {
        name: name.into(),
        at: Some(at),
        ..Default::default()
    }
}

fn order(
    external_id: &str,
    amount: &str,
    currency: &str,
    status: OrderStatus,
    at: DateTime<Utc>,
) -> OrderInput {
    OrderInput {
        external_id: external_id.into(),
        amount: dec(amount),
        currency: currency.into(),
        status,
        items: Vec::new(),
        shipping: None,
        discount: None,
        taxes: None,
        store_id: None,
        source: Default::default(),
        delivery_address: None,
        at: Some(at),
    }
}

fn query(category: ActivityCategory, period: Period) -> ActivityQuery {
    ActivityQuery {
        category,
        period,
        limit: Some(1000),
        ..Default::default()
    }
}

fn names(items: &[Activity]) -> Vec<String> {
    items
        .iter()
        .map(|a| match &a.detail {
            ActivityDetail::Campaign(c) => format!("campaign:{}", c.message_id),
            ActivityDetail::Event(e) => format!("event:{}", e.name),
            ActivityDetail::Order(o) => format!("order:{}", o.external_id),
        })
        .collect()
}

fn activity(book: &ContactBook, id: &str, q: &ActivityQuery) -> Vec<String> {
    names(&book.activity(id, q).unwrap().items)
}

/// A contact with one item of each kind at -1d, -10d, -60d, -200d and -400d from now.
fn seeded() -> (ContactBook, String) {
    let (book, _clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    for (i, days) in [1, 10, 60, 200, 400].into_iter().enumerate() {
        let at = t0() - Duration::days(days);
        book.record_campaign(
            &c.id,
            campaign(&format!("m{days}"), CampaignStatus::Sent, Some(at)),
        )
        .unwrap();
        book.record_event(&c.id, event(&format!("e{days}"), at + Duration::minutes(1)))
            .unwrap();
        book.record_order(
            &c.id,
            order(
                &format!("o{days}"),
                &format!("{}.00", i + 1),
                "UAH",
                OrderStatus::Delivered,
                at + Duration::minutes(2),
            ),
        )
        .unwrap();
    }
    (book, c.id)
}

// ---------------------------------------------------------------------------------
// Order, periods and categories

#[test]
fn items_come_newest_first() {
    let (book, id) = seeded();
    let all = book
        .activity(&id, &query(ActivityCategory::All, Period::All))
        .unwrap();
    assert_eq!(all.items.len(), 15);
    assert!(
        all.items.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    assert_eq!(
        names(&all.items[..4]),
        ["order:o1", "event:e1", "campaign:m1", "order:o10"]
    );
    assert_eq!(
        all.items[0].at,
        t0() - Duration::days(1) + Duration::minutes(2)
    );
    assert!(all.items.iter().all(|a| a.contact_id == id));
}

#[test]
fn period_presets_filter_campaigns_and_events() {
    let (book, id) = seeded();
    let expect = [
        (Period::Days7, vec!["event:e1"]),
        (Period::Days30, vec!["event:e1", "event:e10"]),
        (Period::Days90, vec!["event:e1", "event:e10", "event:e60"]),
        (
            Period::Year,
            vec!["event:e1", "event:e10", "event:e60", "event:e200"],
        ),
        (
            Period::All,
            vec![
                "event:e1",
                "event:e10",
                "event:e60",
                "event:e200",
                "event:e400",
            ],
        ),
    ];
    for (period, events) in expect {
        assert_eq!(
            activity(&book, &id, &query(ActivityCategory::Events, period)),
            events,
            "{period:?}"
        );
        let campaigns: Vec<String> = events
            .iter()
            .map(|e| e.replace("event:e", "campaign:m"))
            .collect();
        assert_eq!(
            activity(&book, &id, &query(ActivityCategory::Campaigns, period)),
            campaigns,
            "{period:?}"
        );
    }
    // The default query is the last 30 days of everything.
    let default = book.activity(&id, &ActivityQuery::default()).unwrap();
    assert_eq!(
        names(&default.items),
        [
            "order:o1",
            "event:e1",
            "campaign:m1",
            "order:o10",
            "event:e10",
            "campaign:m10"
        ]
    );
}

#[test]
fn period_boundary_is_inclusive() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    book.record_event(&c.id, event("edge", t0() - Duration::days(7)))
        .unwrap();
    book.record_event(
        &c.id,
        event(
            "outside",
            t0() - Duration::days(7) - Duration::milliseconds(1),
        ),
    )
    .unwrap();
    assert_eq!(
        activity(&book, &c.id, &query(ActivityCategory::All, Period::Days7)),
        ["event:edge"]
    );
    // The window moves with the clock.
    clock.advance(Duration::days(2)).unwrap();
    assert!(activity(&book, &c.id, &query(ActivityCategory::All, Period::Days7)).is_empty());
    assert_eq!(
        activity(&book, &c.id, &query(ActivityCategory::All, Period::Days30)).len(),
        2
    );
}

#[test]
fn explicit_since_until_range() {
    let (book, id) = seeded();
    let q = ActivityQuery {
        category: ActivityCategory::All,
        since: Some(t0() - Duration::days(200)),
        until: Some(t0() - Duration::days(10)),
        limit: Some(100),
        ..Default::default()
    };
    // since inclusive, until exclusive; period ignored.
    assert_eq!(
        activity(&book, &id, &q),
        [
            "order:o60",
            "event:e60",
            "campaign:m60",
            "order:o200",
            "event:e200",
            "campaign:m200"
        ]
    );
    let only_since = ActivityQuery {
        category: ActivityCategory::Events,
        period: Period::Days7,
        since: Some(t0() - Duration::days(61)),
        ..Default::default()
    };
    assert_eq!(
        activity(&book, &id, &only_since),
        ["event:e1", "event:e10", "event:e60"]
    );
    let only_until = ActivityQuery {
        category: ActivityCategory::Events,
        until: Some(t0() - Duration::days(300)),
        ..Default::default()
    };
    assert_eq!(activity(&book, &id, &only_until), ["event:e400"]);
    let inverted = ActivityQuery {
        since: Some(t0()),
        until: Some(t0() - Duration::days(1)),
        ..Default::default()
    };
    assert_validation(book.activity(&id, &inverted), "since");
}

#[test]
fn the_orders_category_returns_the_full_history_whatever_the_period() {
    let (book, id) = seeded();
    let all_orders = [
        "order:o1",
        "order:o10",
        "order:o60",
        "order:o200",
        "order:o400",
    ];
    for period in [
        Period::Days7,
        Period::Days30,
        Period::Days90,
        Period::Year,
        Period::All,
    ] {
        assert_eq!(
            activity(&book, &id, &query(ActivityCategory::Orders, period)),
            all_orders,
            "{period:?}"
        );
    }
    let ranged = ActivityQuery {
        category: ActivityCategory::Orders,
        since: Some(t0() - Duration::days(20)),
        until: Some(t0() - Duration::days(5)),
        ..Default::default()
    };
    assert_eq!(activity(&book, &id, &ranged), all_orders);

    // In `all` the period applies to orders too.
    let recent = activity(&book, &id, &query(ActivityCategory::All, Period::Days7));
    assert_eq!(recent, ["order:o1", "event:e1", "campaign:m1"]);
    let ninety = activity(&book, &id, &query(ActivityCategory::All, Period::Days90));
    assert_eq!(ninety.iter().filter(|n| n.starts_with("order:")).count(), 3);
}

#[test]
fn cursor_paging_returns_every_item_once() {
    let (book, _clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    // Several items share an instant, so the cursor must break ties.
    for i in 0..23 {
        let at = t0() - Duration::hours(i / 4);
        book.record_event(&c.id, event(&format!("e{i:02}"), at))
            .unwrap();
    }
    book.record_order(
        &c.id,
        order(
            "o1",
            "1",
            "EUR",
            OrderStatus::Delivered,
            t0() - Duration::hours(2),
        ),
    )
    .unwrap();
    let full = activity(&book, &c.id, &query(ActivityCategory::All, Period::All));
    assert_eq!(full.len(), 24);

    for limit in [1u32, 5, 7, 24, 50] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = book
                .activity(
                    &c.id,
                    &ActivityQuery {
                        category: ActivityCategory::All,
                        period: Period::All,
                        limit: Some(limit),
                        cursor: cursor.clone(),
                        ..Default::default()
                    },
                )
                .unwrap();
            assert!(page.items.len() <= limit as usize);
            seen.extend(names(&page.items));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, full, "limit {limit}");
    }
    assert_validation(
        book.activity(
            &c.id,
            &ActivityQuery {
                cursor: Some("garbage".into()),
                ..Default::default()
            },
        ),
        "cursor",
    );
    assert_validation(
        book.activity(
            &c.id,
            &ActivityQuery {
                limit: Some(0),
                ..Default::default()
            },
        ),
        "limit",
    );
    assert_not_found(
        book.activity(
            "0190a5b2-7c1e-7000-8000-000000000001",
            &ActivityQuery::default(),
        ),
        "contact",
    );
}

// ---------------------------------------------------------------------------------
// Display hints

#[test]
fn each_kind_carries_its_colour_and_icon() {
    let (book, _clock) = clocked();
    let c = create(
        &book,
        json!({"email": "ann@example.com", "phone": "+380671234567"}),
    );
    let channels = [
        (CampaignChannel::Email, "email"),
        (CampaignChannel::Sms, "sms"),
        (CampaignChannel::Viber, "viber"),
        (CampaignChannel::MobilePush, "mobile_push"),
        (CampaignChannel::WebPush, "web_push"),
        (CampaignChannel::AppInbox, "app_inbox"),
        (CampaignChannel::Telegram, "telegram"),
    ];
    for (channel, icon) in channels {
        let a = book
            .record_campaign(
                &c.id,
                CampaignInput {
                    channel,
                    ..campaign(&format!("m-{icon}"), CampaignStatus::Sent, None)
                },
            )
            .unwrap();
        assert_eq!(a.kind(), ActivityKind::Campaign);
        assert_eq!(a.color(), Color::Green);
        assert_eq!(a.icon(), icon);
        let value = serde_json::to_value(&a).unwrap();
        assert_eq!(value["kind"], "campaign");
        assert_eq!(value["color"], "green");
        assert_eq!(value["icon"], icon);
        assert_eq!(value["channel"], icon);
        assert_eq!(value["status"], "sent");
    }
    let e = book
        .record_event(&c.id, event("added_to_cart", t0()))
        .unwrap();
    assert_eq!(
        (e.kind(), e.color(), e.icon()),
        (ActivityKind::Event, Color::Brown, "flag")
    );
    let value = serde_json::to_value(&e).unwrap();
    assert_eq!(value["kind"], "event");
    assert_eq!(value["color"], "brown");
    assert_eq!(value["icon"], "flag");
    assert_eq!(value["name"], "added_to_cart");

    let o = book
        .record_order(
            &c.id,
            order("o1", "10.50", "eur", OrderStatus::InProgress, t0()),
        )
        .unwrap();
    assert_eq!(
        (o.kind(), o.color(), o.icon()),
        (ActivityKind::Order, Color::Red, "shopping_bag")
    );
    let value = serde_json::to_value(&o).unwrap();
    assert_eq!(value["kind"], "order");
    assert_eq!(value["color"], "red");
    assert_eq!(value["icon"], "shopping_bag");
    assert_eq!(value["currency"], "EUR");
    assert_eq!(value["status"], "in_progress");
    assert_eq!(value["id"], o.id.as_str());
    assert_eq!(value["contact_id"], c.id.as_str());

    // Items read back from the timeline carry the same hints.
    let page = book
        .activity(&c.id, &query(ActivityCategory::All, Period::All))
        .unwrap();
    assert_eq!(page.items.len(), 9);
    for a in &page.items {
        let value = serde_json::to_value(a).unwrap();
        assert_eq!(value["color"], a.color().as_str());
        assert_eq!(value["icon"], a.icon());
        assert_eq!(value["kind"], a.kind().as_str());
    }
}

// ---------------------------------------------------------------------------------
// Campaigns

fn status_of(book: &ContactBook, id: &str, message_id: &str) -> CampaignStatus {
    let items = book
        .activity(id, &query(ActivityCategory::Campaigns, Period::All))
        .unwrap()
        .items;
    let found: Vec<_> = items
        .iter()
        .filter_map(|a| match &a.detail {
            ActivityDetail::Campaign(c) if c.message_id == message_id => Some(c.status),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "one item per message");
    found[0]
}

#[test]
fn campaign_status_moves_forward_only() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    let sent = book
        .record_campaign(&c.id, campaign("m1", CampaignStatus::Sent, None))
        .unwrap();
    assert_eq!(sent.at, t0());
    clock.advance(Duration::hours(1)).unwrap();
    let read = book
        .record_campaign(&c.id, campaign("m1", CampaignStatus::Read, None))
        .unwrap();
    assert_eq!(read.id, sent.id, "the same item is updated");
    assert_eq!(read.at, t0(), "the item keeps its send date");
    assert_eq!(status_of(&book, &c.id, "m1"), CampaignStatus::Read);

    let back = book
        .record_campaign(&c.id, campaign("m1", CampaignStatus::Delivered, None))
        .unwrap();
    let ActivityDetail::Campaign(detail) = &back.detail else {
        panic!("not a campaign")
    };
    assert_eq!(detail.status, CampaignStatus::Read, "never back");
    assert_eq!(status_of(&book, &c.id, "m1"), CampaignStatus::Read);
    book.record_campaign(&c.id, campaign("m1", CampaignStatus::Read, None))
        .unwrap();
    book.record_campaign(&c.id, campaign("m1", CampaignStatus::Clicked, None))
        .unwrap();
    assert_eq!(status_of(&book, &c.id, "m1"), CampaignStatus::Clicked);

    // Terminal statuses stay.
    book.record_campaign(&c.id, campaign("m2", CampaignStatus::Sent, None))
        .unwrap();
    book.record_campaign(&c.id, campaign("m2", CampaignStatus::Undelivered, None))
        .unwrap();
    for later in [
        CampaignStatus::Delivered,
        CampaignStatus::Clicked,
        CampaignStatus::Spam,
        CampaignStatus::Sent,
    ] {
        book.record_campaign(&c.id, campaign("m2", later, None))
            .unwrap();
        assert_eq!(
            status_of(&book, &c.id, "m2"),
            CampaignStatus::Undelivered,
            "{later:?}"
        );
    }
    assert_eq!(
        book.activity(&c.id, &query(ActivityCategory::Campaigns, Period::All))
            .unwrap()
            .items
            .len(),
        2
    );
    // Each contact has its own item for a message.
    let bob = create(&book, json!({"email": "bob@example.com"}));
    book.record_campaign(&bob.id, campaign("m1", CampaignStatus::Sent, None))
        .unwrap();
    assert_eq!(status_of(&book, &bob.id, "m1"), CampaignStatus::Sent);
    assert_eq!(status_of(&book, &c.id, "m1"), CampaignStatus::Clicked);
}

#[test]
fn campaign_unsubscribed_and_spam_record_the_suppression_with_the_campaign_date() {
    let (book, _clock) = clocked();
    let c = create(
        &book,
        json!({"email": "ann@example.com", "phone": "+380671234567"}),
    );
    let when = t0() - Duration::days(3);
    book.record_campaign(
        &c.id,
        campaign("m1", CampaignStatus::Unsubscribed, Some(when)),
    )
    .unwrap();
    let c2 = get(&book, &c.id);
    assert_eq!(c2.email_status, Some(ChannelStatus::Unsubscribed));
    assert_eq!(c2.suppressions.len(), 1);
    assert_eq!(c2.suppressions[0].kind, SuppressionKind::Unsubscribed);
    assert_eq!(c2.suppressions[0].channel, Channel::Email);
    assert_eq!(c2.suppressions[0].at, when, "the campaign's date");

    let sms_at = t0() - Duration::days(2);
    book.record_campaign(
        &c.id,
        CampaignInput {
            channel: CampaignChannel::Sms,
            ..campaign("m2", CampaignStatus::Spam, Some(sms_at))
        },
    )
    .unwrap();
    let c3 = get(&book, &c.id);
    assert_eq!(c3.phone_status, Some(ChannelStatus::SpamComplaint));
    let spam = c3
        .suppressions
        .iter()
        .find(|r| r.kind == SuppressionKind::SpamComplaint)
        .unwrap();
    assert_eq!(spam.channel, Channel::Sms);
    assert_eq!(spam.at, sms_at);
    assert_eq!(
        book.can_send(&c.id, Channel::Sms, None).unwrap().reason,
        SendReason::SpamComplaint
    );

    // A status update that moves a sent message to unsubscribed records it with the
    // update's date.
    let sent_at = t0() - Duration::days(1);
    book.record_campaign(
        &c.id,
        CampaignInput {
            channel: CampaignChannel::MobilePush,
            ..campaign("m3", CampaignStatus::Sent, Some(sent_at))
        },
    )
    .unwrap();
    let unsub_at = sent_at + Duration::hours(2);
    book.record_campaign(
        &c.id,
        CampaignInput {
            channel: CampaignChannel::MobilePush,
            ..campaign("m3", CampaignStatus::Unsubscribed, Some(unsub_at))
        },
    )
    .unwrap();
    let push = book.suppressions(Channel::MobilePush, &c.id).unwrap();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].at, unsub_at);
}

#[test]
fn hard_bounce_blacklists_other_undelivered_does_not() {
    let (book, _clock) = clocked();
    let soft = create(&book, json!({"email": "soft@example.com"}));
    book.record_campaign(
        &soft.id,
        CampaignInput {
            status_description: Some("mailbox_full".into()),
            ..campaign("m1", CampaignStatus::Undelivered, None)
        },
    )
    .unwrap();
    book.record_campaign(&soft.id, campaign("m2", CampaignStatus::Undelivered, None))
        .unwrap();
    let soft = get(&book, &soft.id);
    assert_eq!(soft.email_status, Some(ChannelStatus::Active));
    assert!(soft.suppressions.is_empty());

    let hard = create(&book, json!({"email": "hard@example.com"}));
    let at = t0() - Duration::hours(6);
    book.record_campaign(
        &hard.id,
        CampaignInput {
            status_description: Some("hard_bounce".into()),
            ..campaign("m1", CampaignStatus::Undelivered, Some(at))
        },
    )
    .unwrap();
    let hard = get(&book, &hard.id);
    assert_eq!(hard.email_status, Some(ChannelStatus::Blacklisted));
    assert_eq!(hard.suppressions[0].reason.as_deref(), Some("hard_bounce"));
    assert_eq!(hard.suppressions[0].at, at);
    assert_eq!(
        book.can_send(&hard.id, Channel::Email, None)
            .unwrap()
            .reason,
        SendReason::Blacklisted
    );
    // The blacklist is on the address, for whoever holds it next.
    assert_eq!(
        book.suppressions(Channel::Email, "hard@example.com")
            .unwrap()[0]
            .kind,
        SuppressionKind::Blacklisted
    );
}

#[test]
fn viber_and_app_inbox_statuses_do_not_suppress() {
    let (book, _clock) = clocked();
    let c = create(
        &book,
        json!({"email": "ann@example.com", "phone": "+380671234567"}),
    );
    for (i, channel) in [CampaignChannel::Viber, CampaignChannel::AppInbox]
        .into_iter()
        .enumerate()
    {
        for (j, status) in [CampaignStatus::Unsubscribed, CampaignStatus::Spam]
            .into_iter()
            .enumerate()
        {
            book.record_campaign(
                &c.id,
                CampaignInput {
                    channel,
                    ..campaign(&format!("v{i}{j}"), status, None)
                },
            )
            .unwrap();
        }
    }
    book.record_campaign(
        &c.id,
        CampaignInput {
            channel: CampaignChannel::Viber,
            status_description: Some("hard_bounce".into()),
            ..campaign("v-hard", CampaignStatus::Undelivered, None)
        },
    )
    .unwrap();
    let c = get(&book, &c.id);
    assert!(c.suppressions.is_empty());
    assert_eq!(c.email_status, Some(ChannelStatus::Active));
    assert_eq!(c.phone_status, Some(ChannelStatus::Active));
    for channel in [Channel::Email, Channel::Sms] {
        assert_eq!(
            book.can_send(&c.id, channel, None).unwrap().reason,
            SendReason::Ok
        );
    }
}

#[test]
fn campaign_inputs_are_checked() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "ann@example.com"}));
    assert_validation(
        book.record_campaign(&c.id, campaign("  ", CampaignStatus::Sent, None)),
        "message_id",
    );
    assert_not_found(
        book.record_campaign(
            "0190a5b2-7c1e-7000-8000-000000000001",
            campaign("m", CampaignStatus::Sent, None),
        ),
        "contact",
    );
    book.delete(&c.id).unwrap();
    assert_not_found(
        book.record_campaign(&c.id, campaign("m", CampaignStatus::Sent, None)),
        "contact",
    );
}

// ---------------------------------------------------------------------------------
// Orders

#[test]
fn recording_an_order_again_updates_it_and_another_contact_cannot_take_its_id() {
    let (book, clock) = clocked();
    let ann = create(&book, json!({"email": "ann@example.com"}));
    let placed_at = t0() - Duration::days(2);
    let first = book
        .record_order(
            &ann.id,
            order("ORD-1", "100.00", "UAH", OrderStatus::InProgress, placed_at),
        )
        .unwrap();
    clock.advance(Duration::hours(3)).unwrap();
    let updated = book
        .record_order(
            &ann.id,
            OrderInput {
                at: None,
                ..order("ORD-1", "95.00", "UAH", OrderStatus::Delivered, placed_at)
            },
        )
        .unwrap();
    assert_eq!(updated.id, first.id);
    assert_eq!(
        updated.at, placed_at,
        "the order keeps its date when none is given"
    );
    let ActivityDetail::Order(o) = &updated.detail else {
        panic!("not an order")
    };
    assert_eq!(o.status, OrderStatus::Delivered);
    assert_eq!(o.amount, dec("95.00"));

    let orders = book
        .activity(&ann.id, &query(ActivityCategory::Orders, Period::All))
        .unwrap()
        .items;
    assert_eq!(orders.len(), 1, "one item");
    let ActivityDetail::Order(o) = &orders[0].detail else {
        panic!("not an order")
    };
    assert_eq!(o.status, OrderStatus::Delivered);

    let bob = create(&book, json!({"email": "bob@example.com"}));
    assert_conflict(
        book.record_order(
            &bob.id,
            order("ORD-1", "1.00", "UAH", OrderStatus::Initialized, t0()),
        ),
        "external_id",
    );
    assert!(book
        .activity(&bob.id, &query(ActivityCategory::Orders, Period::All))
        .unwrap()
        .items
        .is_empty());
    assert_eq!(get(&book, &bob.id).order_stats.order_count, 0);
    let ActivityDetail::Order(o) = &book
        .activity(&ann.id, &query(ActivityCategory::Orders, Period::All))
        .unwrap()
        .items[0]
        .detail
    else {
        panic!("not an order")
    };
    assert_eq!(o.amount, dec("95.00"), "Ann's order is untouched");
}

#[test]
fn order_stats_count_every_order_and_revenue_only_from_delivered_ones() {
    let (book, _clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    assert_eq!(get(&book, &c.id).order_stats.order_count, 0);
    assert_eq!(get(&book, &c.id).order_stats.last_order_at, None);
    let d = |days| t0() - Duration::days(days);
    book.record_order(
        &c.id,
        order("o1", "100.50", "UAH", OrderStatus::Delivered, d(400)),
    )
    .unwrap();
    book.record_order(
        &c.id,
        order("o2", "20.25", "uah", OrderStatus::Delivered, d(30)),
    )
    .unwrap();
    book.record_order(
        &c.id,
        order("o3", "15.00", "EUR", OrderStatus::Delivered, d(20)),
    )
    .unwrap();
    book.record_order(
        &c.id,
        order("o4", "999.00", "UAH", OrderStatus::Cancelled, d(10)),
    )
    .unwrap();
    book.record_order(
        &c.id,
        order("o5", "50.00", "EUR", OrderStatus::InProgress, d(1)),
    )
    .unwrap();
    book.record_order(
        &c.id,
        order(
            "o6",
            "70.00",
            "USD",
            OrderStatus::AbandonedShoppingCart,
            d(5),
        ),
    )
    .unwrap();
    book.record_order(
        &c.id,
        order("o7", "5.00", "USD", OrderStatus::Initialized, d(3)),
    )
    .unwrap();

    let stats = get(&book, &c.id).order_stats;
    assert_eq!(stats.order_count, 7);
    assert_eq!(stats.last_order_at, Some(d(1)));
    assert_eq!(stats.revenue.len(), 2, "{:?}", stats.revenue);
    assert_eq!(stats.revenue["UAH"], dec("120.75"));
    assert_eq!(stats.revenue["EUR"], dec("15.00"));

    // Delivering the in-progress order moves it into revenue.
    book.record_order(
        &c.id,
        OrderInput {
            at: None,
            ..order("o5", "50.00", "EUR", OrderStatus::Delivered, d(1))
        },
    )
    .unwrap();
    let stats = get(&book, &c.id).order_stats;
    assert_eq!(stats.order_count, 7);
    assert_eq!(stats.revenue["EUR"], dec("65.00"));
}

#[test]
fn a_delivery_address_fills_an_empty_contact_address_only() {
    let book = ContactBook::in_memory();
    let empty = create(&book, json!({"email": "ann@example.com"}));
    let delivery = Address {
        country: Some("ua".into()),
        town: Some("Lviv".into()),
        street_address: Some("Rynok Sq 1".into()),
        postcode: Some("79000".into()),
        ..Default::default()
    };
    let with_address = |id: &str| OrderInput {
        delivery_address: Some(delivery.clone()),
        ..order(id, "10", "UAH", OrderStatus::Initialized, t0())
    };
    book.record_order(&empty.id, with_address("o1")).unwrap();
    let filled = get(&book, &empty.id).address.unwrap();
    assert_eq!(filled.country.as_deref(), Some("UA"));
    assert_eq!(filled.town.as_deref(), Some("Lviv"));
    assert_eq!(filled.postcode.as_deref(), Some("79000"));

    let kept = create(
        &book,
        json!({"email": "bob@example.com", "address": {"country": "PL", "town": "Warsaw"}}),
    );
    book.record_order(&kept.id, with_address("o2")).unwrap();
    let address = get(&book, &kept.id).address.unwrap();
    assert_eq!(address.country.as_deref(), Some("PL"));
    assert_eq!(address.town.as_deref(), Some("Warsaw"));
}

#[test]
fn order_inputs_are_checked_and_rejections_write_nothing() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "ann@example.com"}));
    assert_validation(
        book.record_order(
            &c.id,
            order("o1", "-1", "UAH", OrderStatus::Delivered, t0()),
        ),
        "amount",
    );
    assert_validation(
        book.record_order(&c.id, order("o1", "1", "XYZ", OrderStatus::Delivered, t0())),
        "currency",
    );
    assert_validation(
        book.record_order(&c.id, order(" ", "1", "UAH", OrderStatus::Delivered, t0())),
        "external_id",
    );
    assert_validation(
        book.record_order(
            &c.id,
            OrderInput {
                delivery_address: Some(Address {
                    country: Some("XX".into()),
                    ..Default::default()
                }),
                ..order("o1", "1", "UAH", OrderStatus::Delivered, t0())
            },
        ),
        "delivery_address.country",
    );
    let from_json: OrderInput = serde_json::from_value(json!({
        "external_id": "o1", "amount": "10", "currency": "UAH",
        "items": [{"product_id": "p1", "quantity": "0", "price": "10"}]
    }))
    .unwrap();
    assert_validation(book.record_order(&c.id, from_json), "items[0].quantity");
    let c = get(&book, &c.id);
    assert_eq!(c.order_stats.order_count, 0);
    assert_eq!(c.address, None);
}

// ---------------------------------------------------------------------------------
// Events

#[test]
fn event_names_are_checked() {
    let book = ContactBook::in_memory();
    let c = create(&book, json!({"email": "ann@example.com"}));
    for bad in ["<", ";", "'", "\"", "\\", "/", "|", "^", "?", "!", ",", ">"] {
        let name = format!("added{bad}cart");
        assert_validation(book.record_event(&c.id, event(&name, t0())), "name");
    }
    assert_validation(book.record_event(&c.id, event("   ", t0())), "name");
    assert_validation(
        book.record_event(&c.id, event(&"e".repeat(101), t0())),
        "name",
    );
    assert!(book
        .activity(&c.id, &query(ActivityCategory::All, Period::All))
        .unwrap()
        .items
        .is_empty());

    let longest = "e".repeat(100);
    let ok = book
        .record_event(
            &c.id,
            EventInput {
                name: longest.clone(),
                key_value: Some("sku-1".into()),
                params: serde_json::from_value(json!({"price": 10, "tags": ["a"]})).unwrap(),
                workflows: vec!["welcome".into()],
                at: Some(t0()),
            },
        )
        .unwrap();
    let ActivityDetail::Event(e) = &ok.detail else {
        panic!("not an event")
    };
    assert_eq!(e.name, longest);
    assert_eq!(e.key_value.as_deref(), Some("sku-1"));
    assert_eq!(e.params["price"], json!(10));
    assert_eq!(e.workflows, ["welcome"]);
    let cyr = book
        .record_event(&c.id, event("Додано в кошик", t0()))
        .unwrap();
    let ActivityDetail::Event(e) = &cyr.detail else {
        panic!("not an event")
    };
    assert_eq!(e.name, "Додано в кошик");
}

#[test]
fn items_without_a_date_are_stamped_by_the_clock() {
    let (book, clock) = clocked();
    let c = create(&book, json!({"email": "ann@example.com"}));
    clock.advance(Duration::minutes(5)).unwrap();
    let e = book
        .record_event(
            &c.id,
            EventInput {
                name: "opened_app".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(e.at, t0() + Duration::minutes(5));
    let m = book
        .record_campaign(&c.id, campaign("m1", CampaignStatus::Sent, None))
        .unwrap();
    assert_eq!(m.at, t0() + Duration::minutes(5));
}
