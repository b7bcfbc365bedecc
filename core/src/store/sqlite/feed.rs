//! The change feed in SQLite: one row per change, its seq the rowid. One writer at a
//! time (SQLite's write lock) makes seq order commit order.

use super::{decoded, storage_error};
use crate::model::Change;
use crate::store::codec::{instant, millis};
use crate::store::NewChange;
use crate::Result;
use rusqlite::{params, Connection};

pub fn append(conn: &Connection, changes: &[NewChange]) -> Result<()> {
    let mut stmt = conn
        .prepare_cached("INSERT INTO changes (at, op, contact_id, from_id) VALUES (?1, ?2, ?3, ?4)")
        .map_err(storage_error)?;
    for change in changes {
        stmt.execute(params![
            millis(change.at),
            change.op.as_str(),
            change.contact_id,
            change.from_id
        ])
        .map_err(storage_error)?;
    }
    Ok(())
}

pub fn after(conn: &Connection, after: u64, limit: usize) -> Result<(Vec<Change>, u64)> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, at, op, contact_id, from_id FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .map_err(storage_error)?;
    let changes = stmt
        .query_map(params![after, limit], |row| {
            let op: String = row.get(2)?;
            Ok(Change {
                seq: row.get::<_, i64>(0)?.max(0) as u64,
                at: decoded(instant(row.get(1)?))?,
                op: decoded(op.parse())?,
                contact_id: row.get(3)?,
                from_id: row.get(4)?,
            })
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(storage_error)?;
    let last: i64 = conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM changes")
        .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
        .map_err(storage_error)?;
    Ok((changes, last.max(0) as u64))
}
