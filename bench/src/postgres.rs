//! `pg_import`, `pg_email_lookup`, `pg_can_send`: the PostgreSQL store against
//! hand-written code over the same client crate (`postgres` 0.19, blocking) on the
//! same server, in the same run, with the SQLite workloads' sample data and method.
//!
//! - `pg_import`: `ContactBook::connect_with` in a fresh schema and `import_contacts`
//!   vs a hand-written loader into another fresh schema with the same tables (made by
//!   connecting a book to it first): the rows the SQLite loader writes (contacts,
//!   devices, segment_members, field_values, no validation), one multi-row
//!   `INSERT … SELECT FROM unnest(…)` per table, one transaction per 4000 contacts.
//!   The two take turns over slices of 8000 contacts, as the SQLite import does.
//! - `pg_email_lookup`: `find_by_email` (the whole card) vs `RawLookup`'s queries (the
//!   contact row by email, its devices, web push, categories, segments, field values,
//!   the suppressions at its email, phone and id, its orders), prepared once, in one
//!   `REPEATABLE READ, READ ONLY` transaction each (the book's read units are that).
//! - `pg_can_send`: `can_send(id, Email)` vs the contact's email and confirmation then
//!   the suppressions in force at the address, one such transaction each. Every tenth
//!   contact is unsubscribed first.
//!
//! Both query workloads read the book's own schema, as the SQLite ones read its file.

use crate::data::{self, APP_ID};
use crate::import::{contact_id, shape};
use crate::report::{note, per_second, timed, Better, Row};
use contactkit::{Channel, ContactBook, DedupeOn, PostgresOptions, SendReason};
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, NoTls, Statement};
use std::ops::ControlFlow::Continue;
use std::ops::Range;
use std::time::Duration;

/// Contacts per transaction of the loader: the book's import batch.
const BATCH: usize = contactkit::IMPORT_BATCH_ROWS;
/// Contacts per turn of each side.
const TURN: usize = 2 * BATCH;

/// What to run at one size.
pub struct Plan<'a> {
    pub url: &'a str,
    pub n: usize,
    pub reps: usize,
    pub lookups: usize,
    pub decisions: usize,
    pub import: bool,
    pub lookup: bool,
    pub can_send: bool,
}

pub fn run(plan: &Plan<'_>, rows: &mut Vec<Row>) {
    let n = plan.n;
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let ours_schema = format!("ckbench_ours_{}", &tag[..12]);
    let baseline_schema = format!("ckbench_base_{}", &tag[..12]);
    let mut admin = Client::connect(plan.url, NoTls).expect("connect to the bench server");
    let drop_schemas = |admin: &mut Client| {
        for schema in [&ours_schema, &baseline_schema] {
            admin
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .expect("drop schema");
        }
    };
    let (mut ours_rate, mut baseline_rate) = (0f64, 0f64);
    for rep in 0..plan.reps {
        drop_schemas(&mut admin);
        let (ours_now, baseline_now) = import_both(plan.url, &ours_schema, &baseline_schema, n);
        note(format!(
            "pg_import n={n} rep {}: ours {ours_now:.0}/s, baseline {baseline_now:.0}/s",
            rep + 1
        ));
        ours_rate = ours_rate.max(ours_now);
        baseline_rate = baseline_rate.max(baseline_now);
        if !plan.import {
            break; // Only the lookups need the rows: one import is enough.
        }
    }
    if plan.import {
        rows.push(Row::new(
            "pg_import",
            ours_rate,
            baseline_rate,
            "contacts/s",
            Better::Higher,
        ));
    }
    let book = ContactBook::connect_with(plan.url, &options(&ours_schema)).expect("book");
    if plan.lookup {
        email_lookup(&book, plan, &ours_schema, rows);
    }
    if plan.can_send {
        can_send(&book, plan, &ours_schema, rows);
    }
    drop(book);
    drop_schemas(&mut admin);
}

fn options(schema: &str) -> PostgresOptions {
    PostgresOptions {
        schema: Some(schema.to_string()),
        ..PostgresOptions::default()
    }
}

/// A plain client whose queries name the tables of `schema`.
fn client_in(url: &str, schema: &str) -> Client {
    let mut client = Client::connect(url, NoTls).expect("connect");
    client
        .batch_execute(&format!("SET search_path TO {schema}"))
        .expect("search_path");
    client
}

/// Imports contacts `0..n` through a book into `ours` and, a turn at a time, with the
/// loader into `baseline`; returns both rates in contacts per second.
fn import_both(url: &str, ours: &str, baseline: &str, n: usize) -> (f64, f64) {
    // Connecting (and making the schema) is not timed, as opening the file is not in
    // the SQLite import.
    let book = ContactBook::connect_with(url, &options(ours)).expect("connect book");
    let (mut ours_took, mut baseline_took) = (Duration::ZERO, Duration::ZERO);
    let segment = data::prepare_book(&book);

    // The baseline's tables: a book makes them (and the catalogue rows), then the
    // loader writes on its own connection.
    let raw_book = ContactBook::connect_with(url, &options(baseline)).expect("baseline book");
    let raw_segment = data::prepare_book(&raw_book);
    let mut client = client_in(url, baseline);
    let mut loader = Loader::new(&mut client, raw_segment);

    for start in (0..n).step_by(TURN) {
        let turn = start..n.min(start + TURN);
        let input = turn.clone().map(|i| data::input(i, &segment));
        let mut report = None;
        ours_took += timed(|| {
            report = Some(book.import_contacts(input, DedupeOn::Email, |_| Continue(())));
        });
        let report = report.expect("ran").expect("import");
        assert_eq!(
            report.created,
            turn.len() as u64,
            "rejected: {:?}",
            report.rejected.first()
        );
        let end = turn.end;
        for batch in turn.step_by(BATCH) {
            baseline_took += timed(|| loader.load(batch..end.min(batch + BATCH)));
        }
    }
    // The loader wrote what the store writes: the book reads the same profiles from
    // both schemas (ids and timestamps aside).
    for i in [0, n / 2, n - 1] {
        let email = data::email(i);
        let a = book.find_by_email(&email).unwrap().expect("ours");
        let b = raw_book.find_by_email(&email).unwrap().expect("baseline");
        assert_eq!(shape(&a), shape(&b), "contact {i} differs");
    }
    (per_second(n, ours_took), per_second(n, baseline_took))
}

/// The hand-written loader: one prepared multi-row insert per table.
struct Loader<'c> {
    client: &'c mut Client,
    segment_id: String,
    now: i64,
    contacts: Statement,
    devices: Statement,
    members: Statement,
    fields: Statement,
}

impl<'c> Loader<'c> {
    fn new(client: &'c mut Client, segment_id: String) -> Self {
        let mut prepare = |sql: &str| client.prepare(sql).expect(sql);
        let contacts = prepare(
            "INSERT INTO contacts (id, email, email_confirmed, phone, phone_confirmed, \
             created_at, updated_at, source) \
             SELECT id, email, true, phone, true, $4, $4, 'import' \
             FROM unnest($1::text[], $2::text[], $3::text[]) AS c (id, email, phone)",
        );
        let devices = prepare(
            "INSERT INTO devices (contact_id, position, app_id, device_id, token, platform, \
             active, registered_at, last_seen_at) \
             SELECT contact_id, position, $7, device_id, token, platform, true, $6, $6 \
             FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[]) \
             AS d (contact_id, position, device_id, token, platform)",
        );
        let members = prepare(
            "INSERT INTO segment_members (segment_id, contact_id) \
             SELECT $2, contact_id FROM unnest($1::text[]) AS m (contact_id)",
        );
        let fields = prepare(
            "INSERT INTO field_values (contact_id, key, type, value) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])",
        );
        Loader {
            client,
            segment_id,
            now: chrono::Utc::now().timestamp_millis(),
            contacts,
            devices,
            members,
            fields,
        }
    }

    /// Writes contacts `range` in one transaction.
    fn load(&mut self, range: Range<usize>) {
        let now = self.now;
        let len = range.len();
        let ids: Vec<String> = range.clone().map(|i| contact_id(now, i)).collect();
        let emails: Vec<String> = range.clone().map(data::email).collect();
        let phones: Vec<String> = range.clone().map(data::phone).collect();
        let (mut d_contact, mut d_position, mut d_device, mut d_token, mut d_platform) = (
            Vec::with_capacity(2 * len),
            Vec::with_capacity(2 * len),
            Vec::with_capacity(2 * len),
            Vec::with_capacity(2 * len),
            Vec::with_capacity(2 * len),
        );
        let (mut f_contact, mut f_key, mut f_type, mut f_value) = (
            Vec::with_capacity(3 * len),
            Vec::with_capacity(3 * len),
            Vec::with_capacity(3 * len),
            Vec::with_capacity(3 * len),
        );
        for (i, id) in range.zip(&ids) {
            for k in 0..2 {
                d_contact.push(id.as_str());
                d_position.push(k as i32);
                d_device.push(data::device_id(i, k));
                d_token.push(data::token(i, k));
                d_platform.push(["ios", "android"][k]);
            }
            let fields = [
                ("birthday", "date", data::birthday(i).to_string()),
                ("nickname", "text", data::nickname(i)),
                ("score", "number", data::score(i).to_string()),
            ];
            for (key, kind, value) in fields {
                f_contact.push(id.as_str());
                f_key.push(key);
                f_type.push(kind);
                f_value.push(value);
            }
        }
        let mut tx = self.client.transaction().expect("begin");
        let mut run = |statement: &Statement, params: &[&(dyn ToSql + Sync)]| {
            tx.execute(statement, params).expect("insert");
        };
        run(&self.contacts, &[&ids, &emails, &phones, &now]);
        run(
            &self.devices,
            &[
                &d_contact,
                &d_position,
                &d_device,
                &d_token,
                &d_platform,
                &now,
                &APP_ID,
            ],
        );
        run(&self.members, &[&ids, &self.segment_id]);
        run(&self.fields, &[&f_contact, &f_key, &f_type, &f_value]);
        tx.commit().expect("commit");
    }
}

/// A read transaction like the book's read units: one snapshot, read-only.
fn read_transaction(client: &mut Client) -> postgres::Transaction<'_> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .expect("begin")
}

fn email_lookup(book: &ContactBook, plan: &Plan<'_>, schema: &str, rows: &mut Vec<Row>) {
    let (n, lookups) = (plan.n, plan.lookups);
    let mut client = client_in(plan.url, schema);
    let mut raw = RawLookup::new(&mut client);
    let sample = crate::lookup::sample(n, lookups);
    // Warm-up, and a check that both sides see the same profile.
    for email in sample.iter().take(lookups.min(500)) {
        let ours = book.find_by_email(email).unwrap().expect("ours");
        let theirs = raw.find(email).expect("baseline");
        assert_eq!(theirs.id, ours.id);
        assert_eq!(theirs.devices, ours.devices.len());
        assert_eq!(theirs.web_push, ours.web_push.len());
        assert_eq!(theirs.categories, ours.categories.len());
        assert_eq!(theirs.fields, ours.fields.len());
        assert_eq!(theirs.orders as i64, ours.order_stats.order_count);
        assert_eq!(theirs.segments, ours.segments.len());
        assert_eq!(theirs.suppressions, ours.suppressions.len());
    }
    let (ours, baseline) = crate::lookup::measure(book, &sample, |email| raw.find(email).is_some());
    note(format!(
        "pg_email_lookup n={n}: ours {ours:.0}/s, baseline {baseline:.0}/s"
    ));
    rows.push(Row::new(
        "pg_email_lookup",
        ours,
        baseline,
        "lookups/s",
        Better::Higher,
    ));
}

/// What the hand-written lookup read, counted (every value is read from its row).
struct RawProfile {
    id: String,
    devices: usize,
    web_push: usize,
    categories: usize,
    segments: usize,
    fields: usize,
    suppressions: usize,
    orders: usize,
}

/// The hand-written lookup: statements prepared once.
struct RawLookup<'c> {
    client: &'c mut Client,
    contact: Statement,
    devices: Statement,
    web_push: Statement,
    categories: Statement,
    segments: Statement,
    fields: Statement,
    suppressions: Statement,
    orders: Statement,
}

impl<'c> RawLookup<'c> {
    fn new(client: &'c mut Client) -> Self {
        let mut prepare = |sql: &str| client.prepare(sql).expect(sql);
        let contact = prepare(
            "SELECT id, external_id, contact_key, first_name, last_name, email, \
             email_confirmed, phone, phone_confirmed, telegram_bot_id, telegram_chat_id, \
             address_country, address_region, address_town, address_street, \
             address_postcode, location, timezone, language, created_at, updated_at, \
             source, deleted_at FROM contacts WHERE email = $1 AND deleted_at IS NULL",
        );
        let devices = prepare(
            "SELECT app_id, device_id, token, platform, model, os, os_version, locale, \
             app_version, active, registered_at, last_seen_at FROM devices \
             WHERE contact_id = $1 ORDER BY position",
        );
        let web_push = prepare(
            "SELECT endpoint, p256dh, auth, user_agent, language, os, subscription_page, \
             created_at FROM web_push WHERE contact_id = $1 ORDER BY position",
        );
        let categories =
            prepare("SELECT category_key FROM contact_categories WHERE contact_id = $1");
        let segments = prepare("SELECT segment_id FROM segment_members WHERE contact_id = $1");
        let fields = prepare("SELECT key, type, value FROM field_values WHERE contact_id = $1");
        let suppressions = prepare(
            "SELECT address, channel, kind, at, reason, lifted_at, lift_note \
             FROM suppressions WHERE address IN ($1, $2, $3) ORDER BY at",
        );
        let orders =
            prepare("SELECT at, detail FROM activities WHERE contact_id = $1 AND kind = 'order'");
        RawLookup {
            client,
            contact,
            devices,
            web_push,
            categories,
            segments,
            fields,
            suppressions,
            orders,
        }
    }

    fn find(&mut self, email: &str) -> Option<RawProfile> {
        let mut tx = read_transaction(self.client);
        let contact = tx.query_opt(&self.contact, &[&email]).unwrap()?;
        let id: String = contact.get(0);
        let phone: Option<String> = contact.get(7);
        values(&contact);
        let mut all = |statement: &Statement, params: &[&(dyn ToSql + Sync)]| {
            let rows = tx.query(statement, params).unwrap();
            rows.iter().map(values).count()
        };
        let profile = RawProfile {
            devices: all(&self.devices, &[&id]),
            web_push: all(&self.web_push, &[&id]),
            categories: all(&self.categories, &[&id]),
            segments: all(&self.segments, &[&id]),
            fields: all(&self.fields, &[&id]),
            suppressions: all(&self.suppressions, &[&email, &phone, &id]),
            orders: all(&self.orders, &[&id]),
            id,
        };
        tx.commit().unwrap();
        Some(profile)
    }
}

/// A column's value, owned (as rusqlite's `Value` in the SQLite lookup).
#[derive(Debug)]
#[allow(dead_code)]
enum Value {
    Null,
    Text(String),
    Integer(i64),
    Bool(bool),
}

/// Every column of `row` as an owned value, by its type.
fn values(row: &postgres::Row) -> Vec<Value> {
    use postgres::types::Type;
    (0..row.len())
        .map(|i| {
            let column = &row.columns()[i];
            let value = match *column.type_() {
                Type::BOOL => row.get::<_, Option<bool>>(i).map(Value::Bool),
                Type::INT8 => row.get::<_, Option<i64>>(i).map(Value::Integer),
                Type::INT4 => row
                    .get::<_, Option<i32>>(i)
                    .map(|v| Value::Integer(v.into())),
                _ => row.get::<_, Option<String>>(i).map(Value::Text),
            };
            value.unwrap_or(Value::Null)
        })
        .collect()
}

/// Unsubscribes every tenth contact from email; returns every contact id.
fn unsubscribe_some(book: &ContactBook, client: &mut Client) -> Vec<String> {
    let ids: Vec<String> = client
        .query("SELECT id FROM contacts ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    for id in ids.iter().step_by(10) {
        book.unsubscribe(id, Channel::Email, Some("bench"), None)
            .unwrap();
    }
    ids
}

fn can_send(book: &ContactBook, plan: &Plan<'_>, schema: &str, rows: &mut Vec<Row>) {
    let decisions = plan.decisions;
    let mut client = client_in(plan.url, schema);
    let ids = unsubscribe_some(book, &mut client);
    let mut raw = RawCheck::new(&mut client);
    let (ours, baseline, allowed) =
        crate::can_send::measure(book, &ids, decisions, 500, |id| raw.decide(id));
    note(format!(
        "pg_can_send n={}: ours {ours:.0}/s, baseline {baseline:.0}/s ({allowed} allowed)",
        plan.n
    ));
    rows.push(Row::new(
        "pg_can_send",
        ours,
        baseline,
        "decisions/s",
        Better::Higher,
    ));
}

/// The hand-written check, statements prepared once.
struct RawCheck<'c> {
    client: &'c mut Client,
    contact: Statement,
    suppressions: Statement,
}

impl<'c> RawCheck<'c> {
    fn new(client: &'c mut Client) -> Self {
        let contact = client
            .prepare(
                "SELECT email, email_confirmed FROM contacts WHERE id = $1 AND deleted_at IS NULL",
            )
            .unwrap();
        let suppressions = client
            .prepare(
                "SELECT kind FROM suppressions \
                 WHERE address = $1 AND channel = 'email' AND lifted_at IS NULL",
            )
            .unwrap();
        RawCheck {
            client,
            contact,
            suppressions,
        }
    }

    fn decide(&mut self, id: &str) -> SendReason {
        let mut tx = read_transaction(self.client);
        let reason = (|| {
            let Some(row) = tx.query_opt(&self.contact, &[&id]).unwrap() else {
                return SendReason::UnknownContact;
            };
            let (email, confirmed): (Option<String>, bool) = (row.get(0), row.get(1));
            let Some(email) = email else {
                return SendReason::NoAddress;
            };
            let mut worst = None;
            for row in tx.query(&self.suppressions, &[&email]).unwrap() {
                worst = crate::can_send::worse(worst, row.get::<_, &str>(0));
            }
            crate::can_send::decision(worst, confirmed)
        })();
        tx.commit().unwrap();
        reason
    }
}
