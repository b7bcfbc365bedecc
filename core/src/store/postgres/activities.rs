//! Timeline items: indexed columns for the queries (contact, kind, time, message,
//! order id) and the item's detail as JSON text.

use super::{get, Session};
use crate::model::{Activity, ActivityDetail, ActivityKind};
use crate::store::codec::{self, instant, millis, millis_up};
use crate::store::ActivityFilter;
use crate::Result;
use postgres::types::ToSql;
use postgres::Row;

const COLUMNS: &str = "id, contact_id, at, kind, detail";

fn read(row: &Row) -> Result<Activity> {
    Ok(Activity {
        id: get(row, 0)?,
        contact_id: get(row, 1)?,
        at: instant(get(row, 2)?)?,
        detail: detail(get(row, 3)?, get(row, 4)?)?,
    })
}

/// An item's detail, decoded as the struct its `kind` column names (as the SQLite
/// store does: straight from the text, without serde's buffering of a tagged enum).
fn detail(kind: &str, json: &str) -> Result<ActivityDetail> {
    match kind {
        "campaign" => codec::from_json(json).map(ActivityDetail::Campaign),
        "event" => codec::from_json(json).map(ActivityDetail::Event),
        "order" => codec::from_json(json).map(ActivityDetail::Order),
        other => Err(crate::Error::storage(format!(
            "unknown activity kind {other:?}"
        ))),
    }
}

/// The campaign item of a contact for a message.
pub fn campaign(
    s: &mut Session<'_, '_>,
    contact_id: &str,
    message_id: &str,
) -> Result<Option<Activity>> {
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE contact_id = $1 AND message_id = $2");
    s.query_opt(&sql, &[&contact_id, &message_id])?
        .as_ref()
        .map(read)
        .transpose()
}

/// The order with an external id.
pub fn order(s: &mut Session<'_, '_>, external_id: &str) -> Result<Option<Activity>> {
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE order_external_id = $1");
    s.query_opt(&sql, &[&external_id])?
        .as_ref()
        .map(read)
        .transpose()
}

/// Every order of each of `contact_ids`, in one statement.
pub fn orders_of(s: &mut Session<'_, '_>, contact_ids: &[&str]) -> Result<Vec<Activity>> {
    if contact_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT {COLUMNS} FROM activities WHERE contact_id = ANY($1) AND kind = $2");
    let kind = ActivityKind::Order.as_str();
    let rows = match contact_ids {
        [id] => s.query(&super::contacts::one_of(&sql), &[id, &kind])?,
        ids => s.query(&sql, &[&ids, &kind])?,
    };
    rows.iter().map(read).collect()
}

/// Inserts or replaces an item.
pub fn put(s: &mut Session<'_, '_>, a: &Activity) -> Result<()> {
    let (message_id, order_id) = match &a.detail {
        ActivityDetail::Campaign(c) => (Some(c.message_id.as_str()), None),
        ActivityDetail::Order(o) => (None, Some(o.external_id.as_str())),
        ActivityDetail::Event(_) => (None, None),
    };
    s.execute(
        "INSERT INTO activities (id, contact_id, kind, at, message_id, order_external_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
         contact_id = excluded.contact_id, kind = excluded.kind, at = excluded.at, \
         message_id = excluded.message_id, order_external_id = excluded.order_external_id, \
         detail = excluded.detail",
        &[
            &a.id,
            &a.contact_id,
            &a.kind().as_str(),
            &millis(a.at),
            &message_id,
            &order_id,
            &codec::to_json(&a.detail)?,
        ],
    )
    .map(drop)
}

/// A contact's items matching `filter`, newest first. One kind reads the
/// (contact, kind, at, id) index in order; all kinds read (contact, at, id); two
/// kinds read every item of the contact in the period and leave out the third.
pub fn query(
    s: &mut Session<'_, '_>,
    contact_id: &str,
    filter: &ActivityFilter,
) -> Result<Vec<Activity>> {
    let mut kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let kind_clause = match kinds.len() {
        0 => return Ok(Vec::new()),
        1 => "AND kind = $7",
        2 => "AND kind IN ($7, $8)",
        _ => "",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM activities WHERE contact_id = $1 {kind_clause} \
         AND at >= $2 AND at < $3 AND ($4::int8 IS NULL OR (at, id) < ($4::int8, $5::text)) \
         ORDER BY at DESC, id DESC LIMIT $6::int8"
    );
    // Stored times are whole milliseconds, but a caller's bounds may not be: round
    // them up so the integer comparisons agree with `ActivityFilter::matches` (see
    // the SQLite store, which does the same).
    let since = filter.since.map(millis_up).unwrap_or(i64::MIN);
    let until = filter.until.map(millis_up).unwrap_or(i64::MAX);
    let (after_at, after_id) = match &filter.after {
        Some((at, _)) if millis(*at) != millis_up(*at) => (Some(millis_up(*at)), ""),
        Some((at, id)) => (Some(millis(*at)), id.as_str()),
        None => (None, ""),
    };
    // `LIMIT NULL` is no limit.
    let limit: Option<i64> = filter.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    let mut values: Vec<&(dyn ToSql + Sync)> =
        vec![&contact_id, &since, &until, &after_at, &after_id, &limit];
    if kinds.len() < 3 {
        values.extend(kinds.iter().map(|k| k as &(dyn ToSql + Sync)));
    }
    s.query(&sql, &values)?.iter().map(read).collect()
}
