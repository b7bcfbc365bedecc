//! Timeline items: indexed columns for the queries (contact, kind, time, message,
//! order id) and the item's detail as JSON.

use super::{decoded, storage_error};
use crate::model::{Activity, ActivityDetail};
use crate::store::codec::{self, instant, millis, millis_up};
use crate::store::ActivityFilter;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "id, contact_id, at, kind, detail";

fn read(row: &Row<'_>) -> rusqlite::Result<Activity> {
    Ok(Activity {
        id: row.get(0)?,
        contact_id: row.get(1)?,
        at: decoded(instant(row.get(2)?))?,
        detail: decoded(detail(row.get_ref(3)?.as_str()?, row.get_ref(4)?.as_str()?))?,
    })
}

/// An item's detail, decoded as the struct its `kind` column names: serde reads an
/// internally tagged enum through a buffer of every value, which took most of a
/// timeline page's time; the struct reads straight from the text (and skips the
/// JSON's own `kind` key).
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
pub fn campaign(conn: &Connection, contact_id: &str, message_id: &str) -> Result<Option<Activity>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM activities WHERE contact_id = ?1 AND message_id = ?2"
    ))
    .and_then(|mut stmt| stmt.query_row([contact_id, message_id], read).optional())
    .map_err(storage_error)
}

/// The order with an external id.
pub fn order(conn: &Connection, external_id: &str) -> Result<Option<Activity>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM activities WHERE order_external_id = ?1"
    ))
    .and_then(|mut stmt| stmt.query_row([external_id], read).optional())
    .map_err(storage_error)
}

/// Inserts or replaces an item.
pub fn put(conn: &Connection, a: &Activity) -> Result<()> {
    let (message_id, order_id) = match &a.detail {
        ActivityDetail::Campaign(c) => (Some(c.message_id.as_str()), None),
        ActivityDetail::Order(o) => (None, Some(o.external_id.as_str())),
        ActivityDetail::Event(_) => (None, None),
    };
    conn.prepare_cached(
        "INSERT INTO activities (id, contact_id, kind, at, message_id, order_external_id, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET \
         contact_id = excluded.contact_id, kind = excluded.kind, at = excluded.at, \
         message_id = excluded.message_id, order_external_id = excluded.order_external_id, \
         detail = excluded.detail",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            a.id,
            a.contact_id,
            a.kind().as_str(),
            millis(a.at),
            message_id,
            order_id,
            codec::to_json(&a.detail)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
        ])
    })
    .map(drop)
    .map_err(storage_error)
}

/// A contact's items matching `filter`, newest first. One kind reads the
/// (contact, kind, at, id) index in order; all kinds read (contact, at, id); two
/// kinds read every item of the contact in the period and leave out the third.
pub fn query(
    conn: &Connection,
    contact_id: &str,
    filter: &ActivityFilter,
) -> Result<Vec<Activity>> {
    let mut kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let kind_clause = match kinds.len() {
        0 => return Ok(Vec::new()),
        1 => "AND kind = ?7",
        2 => "AND kind IN (?7, ?8)",
        _ => "",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM activities WHERE contact_id = ?1 {kind_clause} \
         AND at >= ?2 AND at < ?3 AND (?4 IS NULL OR (at, id) < (?4, ?5)) \
         ORDER BY at DESC, id DESC LIMIT ?6"
    );
    // Stored times are whole milliseconds, but a caller's bounds may not be: round
    // them up so the integer comparisons agree with `ActivityFilter::matches`
    // (`at >= since` ⟺ `at_ms >= ⌈since⌉`, `at < until` ⟺ `at_ms < ⌈until⌉`).
    let since = filter.since.map(millis_up).unwrap_or(i64::MIN);
    let until = filter.until.map(millis_up).unwrap_or(i64::MAX);
    let (after_at, after_id) = match &filter.after {
        // Between two milliseconds no stored item ties with the cursor, so
        // `(at, id) < (cursor, id)` ⟺ `at_ms < ⌈cursor⌉` ⟺ `(at_ms, id) < (⌈cursor⌉, "")`.
        Some((at, _)) if millis(*at) != millis_up(*at) => (Some(millis_up(*at)), ""),
        Some((at, id)) => (Some(millis(*at)), id.as_str()),
        None => (None, ""),
    };
    let limit = filter
        .limit
        .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let mut stmt = conn.prepare_cached(&sql).map_err(storage_error)?;
    let mut values: Vec<&dyn rusqlite::ToSql> =
        vec![&contact_id, &since, &until, &after_at, &after_id, &limit];
    if kinds.len() < 3 {
        values.extend(kinds.iter().map(|k| k as &dyn rusqlite::ToSql));
    }
    stmt.query_map(values.as_slice(), read)
        .and_then(|rows| rows.collect())
        .map_err(storage_error)
}
