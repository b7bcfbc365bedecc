//! `rule_count_*` and `dynamic_segment_members`: rules answered by the book against
//! hand-written SQL for the same question on the same file; `import_dynamic_segments`:
//! an import into a book with three dynamic segments defined against one without.
//!
//! The file is the SQLite import's (`n` contacts with an email, a phone, two tokens,
//! fields `nickname`, `score`, `birthday`, every tenth unsubscribed from email); a
//! tenth of the contacts get an order first, spread over the last 60 days, so the
//! activity window has something to count.

use crate::data;
use crate::import::remove_db;
use crate::report::{compare, note, Better, Row};
use contactkit::{ContactBook, DedupeOn, ListQuery, ManualClock, OrderInput, Rule};
use rusqlite::Connection;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

/// One question, as a rule and as the SQL a person would write for it.
struct Question {
    name: &'static str,
    rule: serde_json::Value,
    sql: &'static str,
}

fn questions() -> Vec<Question> {
    vec![
        Question {
            name: "rule_count_field",
            rule: json!({"field": "score", "op": "gte", "value": 5000}),
            sql: "SELECT count(*) FROM contacts c JOIN field_values f ON f.contact_id = c.id \
                  AND f.key = 'score' WHERE c.deleted_at IS NULL AND CAST(f.value AS INTEGER) >= ?1",
        },
        Question {
            name: "rule_count_status",
            rule: json!({"status": "email", "is": "unsubscribed"}),
            sql: "SELECT count(*) FROM contacts c WHERE c.deleted_at IS NULL AND c.email IS NOT NULL \
                  AND EXISTS (SELECT 1 FROM suppressions s WHERE s.address = c.email AND s.channel = 'email' \
                  AND s.kind = 'unsubscribed' AND s.lifted_at IS NULL) \
                  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.address = c.email AND s.channel = 'email' \
                  AND s.kind IN ('spam_complaint', 'blacklisted') AND s.lifted_at IS NULL)",
        },
        Question {
            name: "rule_count_activity",
            rule: json!({"activity": "order", "within": "30d"}),
            sql: "SELECT count(*) FROM contacts c WHERE c.deleted_at IS NULL AND EXISTS \
                  (SELECT 1 FROM activities a WHERE a.contact_id = c.id AND a.kind = 'order' AND a.at >= ?1)",
        },
        Question {
            name: "rule_count_combined",
            rule: json!({"all": [
                {"field": "score", "op": "gte", "value": 5000},
                {"not": {"status": "email", "is": "unsubscribed"}},
                {"activity": "order", "within": "30d"},
            ]}),
            sql: "SELECT count(*) FROM contacts c JOIN field_values f ON f.contact_id = c.id \
                  AND f.key = 'score' WHERE c.deleted_at IS NULL AND CAST(f.value AS INTEGER) >= ?1 \
                  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.address = c.email AND s.channel = 'email' \
                  AND s.lifted_at IS NULL) \
                  AND EXISTS (SELECT 1 FROM activities a WHERE a.contact_id = c.id AND a.kind = 'order' AND a.at >= ?2)",
        },
    ]
}

/// Gives every tenth contact an order, spread over the last 60 days of `clock`.
fn add_orders(path: &Path, ids: &[String], clock: &Arc<ManualClock>) {
    let book = ContactBook::open(path).unwrap().with_clock(clock.clone());
    use contactkit::Clock;
    let now = clock.now();
    for (k, id) in ids.iter().enumerate().step_by(10) {
        let at = now - chrono::Duration::hours((k % 1440) as i64);
        let order: OrderInput = serde_json::from_value(json!({
            "external_id": format!("bench-order-{k}"),
            "amount": "25.00",
            "currency": "EUR",
            "status": "delivered",
            "at": at.to_rfc3339(),
        }))
        .unwrap();
        book.record_order(id, order).unwrap();
    }
}

pub fn run(path: &Path, ids: &[String], queries: usize, rows: &mut Vec<Row>) {
    use contactkit::Clock;
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    add_orders(path, ids, &clock);
    let book = ContactBook::open(path).unwrap().with_clock(clock.clone());
    let conn = Connection::open(path).unwrap();
    let since = (clock.now() - chrono::Duration::days(30)).timestamp_millis();
    for q in questions() {
        let rule = Rule::from_value(&q.rule).unwrap();
        let mut stmt = conn.prepare(q.sql).unwrap();
        let mut raw = || -> u64 {
            let count: i64 = match q.name {
                "rule_count_field" => stmt.query_row([5000], |r| r.get(0)),
                "rule_count_status" => stmt.query_row([], |r| r.get(0)),
                "rule_count_activity" => stmt.query_row([since], |r| r.get(0)),
                _ => stmt.query_row([5000, since], |r| r.get(0)),
            }
            .unwrap();
            count as u64
        };
        let expected = raw();
        assert_eq!(book.count_where(&rule).unwrap(), expected, "{}", q.name);
        let (ours, baseline) = compare(
            queries,
            |_| {
                for _ in 0..queries / crate::report::PIECES {
                    book.count_where(&rule).unwrap();
                }
            },
            |_| {
                for _ in 0..queries / crate::report::PIECES {
                    raw();
                }
            },
        );
        note(format!(
            "{}: {expected} contacts; ours {ours:.1}/s, baseline {baseline:.1}/s",
            q.name
        ));
        rows.push(Row::new(q.name, ours, baseline, "counts/s", Better::Higher));
    }
    members(&book, &conn, since, queries, rows);
}

/// The first page (100) of a dynamic segment with the combined rule, whole profiles,
/// against the hand-written query for the same ids and a read of those contacts' rows.
fn members(book: &ContactBook, conn: &Connection, since: i64, queries: usize, rows: &mut Vec<Row>) {
    let combined = questions().pop().unwrap();
    let rule = Rule::from_value(&combined.rule).unwrap();
    let segment = book.create_dynamic_segment("bench dynamic", &rule).unwrap();
    let page = ListQuery {
        limit: Some(100),
        cursor: None,
    };
    let sql = combined
        .sql
        .replace("SELECT count(*)", "SELECT c.id")
        .to_string()
        + " ORDER BY c.id LIMIT 100";
    let mut ids_stmt = conn.prepare(&sql).unwrap();
    let mut rows_stmt = conn
        .prepare("SELECT * FROM contacts WHERE id IN (SELECT value FROM json_each(?1))")
        .unwrap();
    let mut raw = || -> Vec<String> {
        let ids: Vec<String> = ids_stmt
            .query_map([5000, since], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let list = serde_json::to_string(&ids).unwrap();
        let read = rows_stmt
            .query_map([list], |r| r.get::<_, String>(0))
            .unwrap()
            .count();
        assert_eq!(read, ids.len());
        ids
    };
    let ours_ids: Vec<String> = book
        .segment_members(&segment.id, &page)
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ours_ids, raw(), "dynamic_segment_members");
    let (ours, baseline) = compare(
        queries,
        |_| {
            for _ in 0..queries / crate::report::PIECES {
                book.segment_members(&segment.id, &page).unwrap();
            }
        },
        |_| {
            for _ in 0..queries / crate::report::PIECES {
                raw();
            }
        },
    );
    book.delete_segment(&segment.id).unwrap();
    note(format!(
        "dynamic_segment_members: ours {ours:.1}/s, baseline {baseline:.1}/s"
    ));
    rows.push(Row::new(
        "dynamic_segment_members",
        ours,
        baseline,
        "pages/s",
        Better::Higher,
    ));
}

/// Imports `n` contacts into a fresh book with three dynamic segments defined and into
/// one without, taking turns, best of `reps`.
pub fn import_cost(dir: &Path, n: usize, reps: usize, rows: &mut Vec<Row>) {
    let (mut with, mut without) = (0f64, 0f64);
    for rep in 0..reps {
        for dynamic in [true, false] {
            let path = dir.join(format!("dynamic-{dynamic}-{rep}.db"));
            let book = ContactBook::open(&path).unwrap();
            let segment_id = data::prepare_book(&book);
            if dynamic {
                for (i, q) in questions().into_iter().skip(1).enumerate() {
                    let rule = Rule::from_value(&q.rule).unwrap();
                    book.create_dynamic_segment(&format!("dynamic {i}"), &rule)
                        .unwrap();
                }
            }
            let rows_in = (0..n).map(|i| Ok(data::input(i, &segment_id)));
            let started = std::time::Instant::now();
            book.import_contacts(rows_in, DedupeOn::Email, |_| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
            let rate = n as f64 / started.elapsed().as_secs_f64();
            if dynamic {
                with = with.max(rate);
            } else {
                without = without.max(rate);
            }
            drop(book);
            remove_db(&path);
        }
    }
    note(format!(
        "import_dynamic_segments: with three {with:.0}/s, without {without:.0}/s"
    ));
    rows.push(Row::new(
        "import_dynamic_segments",
        with,
        without,
        "contacts/s",
        Better::Higher,
    ));
}
