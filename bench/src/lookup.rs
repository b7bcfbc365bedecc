//! `email_lookup`: `find_by_email` (the full profile card) vs hand-written indexed
//! queries over the same file assembling the same data: the contact row, devices,
//! web push, categories, segments, field values, the suppressions kept at its email,
//! phone and id, and its orders (the card's order stats), in one read transaction.

use crate::data;
use crate::report::{compare, note, piece, Better, Row};
use contactkit::ContactBook;
use contactkit_cli::random::SampleRng;
use rusqlite::types::Value;
use rusqlite::{params, Connection, Statement};
use std::path::Path;

/// Lookups per second of both sides; the caller records the row.
pub fn run(path: &Path, n: usize, lookups: usize, rows: &mut Vec<Row>) -> (f64, f64) {
    let book = ContactBook::open(path).expect("open book");
    let conn = Connection::open(path).expect("open raw");
    let mut raw = RawLookup::new(&conn);
    let sample = sample(n, lookups);
    // Warm-up, and a check that both sides see the same profile.
    for email in sample.iter().take(lookups.min(2000)) {
        let ours = book.find_by_email(email).unwrap().expect("ours");
        let theirs = raw.find(email).expect("baseline");
        assert_eq!(theirs.contact[0], Value::Text(ours.id.clone()));
        assert_eq!(theirs.devices.len(), ours.devices.len());
        assert_eq!(theirs.web_push.len(), ours.web_push.len());
        assert_eq!(theirs.categories.len(), ours.categories.len());
        assert_eq!(theirs.fields.len(), ours.fields.len());
        assert_eq!(theirs.orders.len() as i64, ours.order_stats.order_count);
        assert_eq!(theirs.segments.len(), ours.segments.len());
        assert_eq!(theirs.suppressions.len(), ours.suppressions.len());
    }
    let (ours, baseline) = measure(&book, &sample, |email| raw.find(email).is_some());
    note(format!(
        "email_lookup n={n}: ours {ours:.0}/s, baseline {baseline:.0}/s"
    ));
    rows.push(Row::new(
        "email_lookup",
        ours,
        baseline,
        "lookups/s",
        Better::Higher,
    ));
    (ours, baseline)
}

/// `lookups` emails of the first `n` sample contacts: what every lookup workload asks.
pub fn sample(n: usize, lookups: usize) -> Vec<String> {
    let mut rng = SampleRng::new(42, 0);
    (0..lookups)
        .map(|_| data::email(rng.below(n as u64) as usize))
        .collect()
}

/// Lookups per second of `book.find_by_email` (the whole card) and of `find`, a
/// hand-written lookup that must find every email of `sample` too.
pub fn measure(
    book: &ContactBook,
    sample: &[String],
    mut find: impl FnMut(&str) -> bool,
) -> (f64, f64) {
    compare(
        sample.len(),
        |p| {
            for email in piece(sample, p) {
                assert!(book.find_by_email(email).unwrap().is_some());
            }
        },
        |p| {
            for email in piece(sample, p) {
                assert!(find(email));
            }
        },
    )
}

/// A profile as plain column values.
#[derive(Debug)]
pub struct RawProfile {
    pub contact: Vec<Value>,
    pub devices: Vec<Vec<Value>>,
    pub web_push: Vec<Vec<Value>>,
    pub categories: Vec<String>,
    pub segments: Vec<String>,
    pub fields: Vec<Vec<Value>>,
    pub suppressions: Vec<Vec<Value>>,
    pub orders: Vec<Vec<Value>>,
}

/// The hand-written lookup: statements prepared once.
struct RawLookup<'c> {
    begin: Statement<'c>,
    commit: Statement<'c>,
    contact: Statement<'c>,
    devices: Statement<'c>,
    web_push: Statement<'c>,
    categories: Statement<'c>,
    segments: Statement<'c>,
    fields: Statement<'c>,
    suppressions: Statement<'c>,
    orders: Statement<'c>,
}

impl<'c> RawLookup<'c> {
    fn new(conn: &'c Connection) -> Self {
        let prepare = |sql: &str| conn.prepare(sql).expect(sql);
        RawLookup {
            begin: prepare("BEGIN"),
            commit: prepare("COMMIT"),
            contact: prepare(
                "SELECT id, external_id, contact_key, first_name, last_name, email, \
                 email_confirmed, phone, phone_confirmed, telegram_bot_id, telegram_chat_id, \
                 address_country, address_region, address_town, address_street, \
                 address_postcode, location, timezone, language, created_at, updated_at, \
                 source, deleted_at FROM contacts WHERE email = ?1 AND deleted_at IS NULL",
            ),
            devices: prepare(
                "SELECT app_id, device_id, token, platform, model, os, os_version, locale, \
                 app_version, active, registered_at, last_seen_at FROM devices \
                 WHERE contact_id = ?1 ORDER BY position",
            ),
            web_push: prepare(
                "SELECT endpoint, p256dh, auth, user_agent, language, os, subscription_page, \
                 created_at FROM web_push WHERE contact_id = ?1 ORDER BY position",
            ),
            categories: prepare(
                "SELECT category_key FROM contact_categories WHERE contact_id = ?1",
            ),
            segments: prepare("SELECT segment_id FROM segment_members WHERE contact_id = ?1"),
            fields: prepare("SELECT key, type, value FROM field_values WHERE contact_id = ?1"),
            suppressions: prepare(
                "SELECT address, channel, kind, at, reason, lifted_at, lift_note \
                 FROM suppressions WHERE address IN (?1, ?2, ?3)",
            ),
            orders: prepare(
                "SELECT at, detail FROM activities WHERE contact_id = ?1 AND kind = 'order'",
            ),
        }
    }

    fn find(&mut self, email: &str) -> Option<RawProfile> {
        self.begin.execute([]).unwrap();
        let profile = self.assemble(email);
        self.commit.execute([]).unwrap();
        profile
    }

    fn assemble(&mut self, email: &str) -> Option<RawProfile> {
        let contact = all_rows(&mut self.contact, params![email], 23).pop()?;
        let id = match &contact[0] {
            Value::Text(id) => id.clone(),
            other => panic!("id {other:?}"),
        };
        let phone = match &contact[7] {
            Value::Text(phone) => Some(phone.clone()),
            _ => None,
        };
        let text = |rows: Vec<Vec<Value>>| -> Vec<String> {
            rows.into_iter()
                .map(|mut row| match row.pop() {
                    Some(Value::Text(s)) => s,
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        let mut suppressions = all_rows(&mut self.suppressions, params![email, phone, id], 7);
        suppressions.sort_by_key(|row| match row[3] {
            Value::Integer(at) => at,
            _ => 0,
        });
        Some(RawProfile {
            devices: all_rows(&mut self.devices, params![id], 12),
            web_push: all_rows(&mut self.web_push, params![id], 8),
            categories: text(all_rows(&mut self.categories, params![id], 1)),
            segments: text(all_rows(&mut self.segments, params![id], 1)),
            fields: all_rows(&mut self.fields, params![id], 3),
            suppressions,
            orders: all_rows(&mut self.orders, params![id], 2),
            contact,
        })
    }
}

/// Every row of a query as `width` owned values.
pub fn all_rows(
    stmt: &mut Statement<'_>,
    params: impl rusqlite::Params,
    width: usize,
) -> Vec<Vec<Value>> {
    stmt.query_map(params, |row| (0..width).map(|i| row.get(i)).collect())
        .and_then(|rows| rows.collect())
        .unwrap()
}
