//! `activity_query`: the last 30 days of campaigns of one contact whose timeline
//! holds `n` items spread over two years (half campaigns, 3/8 events, 1/8 orders),
//! `ContactBook::activity` vs hand-written SQL on the activities table (the same
//! live-contact check, then the indexed range read, one read transaction).

use crate::report::{compare, note, piece, Better, Row};
use chrono::{Duration, Utc};
use contactkit::{
    ActivityCategory, ActivityQuery, CampaignChannel, CampaignInput, CampaignStatus, ContactBook,
    ContactInput, DedupeOn, EventInput, OrderInput, OrderStatus, Patch, Period,
};
use rusqlite::{params, Connection, Statement};
use rust_decimal::Decimal;
use std::path::Path;

const PAGE: u32 = 1000;

pub fn run(dir: &Path, n: usize, queries: usize, rows: &mut Vec<Row>) {
    let path = dir.join("activity.db");
    let id = fill(&path, n);
    let book = ContactBook::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    let mut raw = RawQuery::new(&conn);
    let query = ActivityQuery {
        category: ActivityCategory::Campaigns,
        period: Period::Days30,
        limit: Some(PAGE),
        ..Default::default()
    };
    let mut returned = 0;
    for _ in 0..queries.min(20) {
        let ours: Vec<String> = book
            .activity(&id, &query)
            .unwrap()
            .items
            .into_iter()
            .map(|a| a.id)
            .collect();
        let theirs: Vec<String> = raw.campaigns(&id).into_iter().map(|a| a.0).collect();
        assert_eq!(ours, theirs);
        returned = ours.len();
    }
    let slots = vec![(); queries];
    let (ours, baseline) = compare(
        queries,
        |p| {
            for _ in piece(&slots, p) {
                assert!(!book.activity(&id, &query).unwrap().items.is_empty());
            }
        },
        |p| {
            for _ in piece(&slots, p) {
                assert!(!raw.campaigns(&id).is_empty());
            }
        },
    );
    note(format!(
        "activity_query n={n} ({returned} items a page): ours {ours:.0}/s, baseline {baseline:.0}/s"
    ));
    rows.push(Row::new(
        "activity_query",
        ours,
        baseline,
        "queries/s",
        Better::Higher,
    ));
}

/// One contact with `n` timeline items over the last two years; returns its id.
fn fill(path: &Path, n: usize) -> String {
    let book = ContactBook::open(path).unwrap();
    let contact = book
        .upsert(
            ContactInput {
                email: Patch::Set("timeline@example.com".into()),
                ..Default::default()
            },
            DedupeOn::Email,
        )
        .unwrap();
    let now = Utc::now();
    let span = Duration::days(730).num_milliseconds();
    for i in 0..n {
        let at = Some(now - Duration::milliseconds(span * i as i64 / n as i64));
        match i % 8 {
            0..=3 => book
                .record_campaign(
                    &contact.id,
                    CampaignInput {
                        message_id: format!("message-{i}"),
                        message_name: Some("Weekly news".into()),
                        channel: CampaignChannel::Email,
                        status: CampaignStatus::Delivered,
                        status_description: None,
                        at,
                    },
                )
                .map(drop),
            4..=6 => book
                .record_event(
                    &contact.id,
                    EventInput {
                        name: "viewed_product".into(),
                        key_value: Some(format!("product-{}", i % 500)),
                        at,
                        ..Default::default()
                    },
                )
                .map(drop),
            _ => book
                .record_order(
                    &contact.id,
                    OrderInput {
                        external_id: format!("order-{i}"),
                        amount: Decimal::new(1999, 2),
                        currency: "USD".into(),
                        status: OrderStatus::Delivered,
                        items: Vec::new(),
                        shipping: None,
                        discount: None,
                        taxes: None,
                        store_id: None,
                        source: Default::default(),
                        delivery_address: None,
                        at,
                    },
                )
                .map(drop),
        }
        .unwrap();
    }
    contact.id
}

/// An item as plain columns: id, contact id, time, detail JSON.
type RawActivity = (String, String, i64, String);

struct RawQuery<'c> {
    begin: Statement<'c>,
    commit: Statement<'c>,
    live: Statement<'c>,
    campaigns: Statement<'c>,
}

impl<'c> RawQuery<'c> {
    fn new(conn: &'c Connection) -> Self {
        let prepare = |sql: &str| conn.prepare(sql).expect(sql);
        RawQuery {
            begin: prepare("BEGIN"),
            commit: prepare("COMMIT"),
            live: prepare("SELECT 1 FROM contacts WHERE id = ?1 AND deleted_at IS NULL"),
            campaigns: prepare(
                "SELECT id, contact_id, at, detail FROM activities \
                 WHERE contact_id = ?1 AND kind = 'campaign' AND at >= ?2 \
                 ORDER BY at DESC, id DESC LIMIT ?3",
            ),
        }
    }

    /// The newest page of the last 30 days' campaigns (one more row is read to know
    /// whether another page follows, as the book does).
    fn campaigns(&mut self, id: &str) -> Vec<RawActivity> {
        let since = (Utc::now() - Duration::days(30)).timestamp_millis();
        self.begin.execute([]).unwrap();
        assert!(self.live.exists([id]).unwrap());
        let mut items: Vec<RawActivity> = self
            .campaigns
            .query_map(params![id, since, PAGE + 1], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .and_then(|rows| rows.collect())
            .unwrap();
        self.commit.execute([]).unwrap();
        items.truncate(PAGE as usize);
        items
    }
}
