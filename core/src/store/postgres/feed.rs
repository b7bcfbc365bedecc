//! The change feed in PostgreSQL, in commit order with writers running side by side.
//!
//! A unit appends its changes as its last statements: it locks the feed's table
//! (`EXCLUSIVE`: other appenders wait, plain reads do not), takes its seqs from a
//! sequence (which, unlike a counter row, no concurrent writer can make it abort on),
//! inserts, and commits, still holding the lock. A seq is thus handed out only after
//! every lower seq's unit has committed or rolled back, so a reader that has seen seq
//! `n` has seen every committed change below it. A unit rolled back after taking seqs
//! (its commit failed) leaves a gap, which readers skip.

use super::{get, Session};
use crate::model::Change;
use crate::store::codec::{instant, millis};
use crate::store::NewChange;
use crate::Result;

pub fn append(s: &mut Session<'_, '_>, changes: &[NewChange]) -> Result<()> {
    s.before_write()?;
    s.execute("LOCK TABLE changes IN EXCLUSIVE MODE", &[])?;
    let count = i64::try_from(changes.len()).unwrap_or(i64::MAX);
    let mut seqs: Vec<i64> = s
        .query(
            "SELECT nextval('change_seq') FROM generate_series(1, $1::int8)",
            &[&count],
        )?
        .iter()
        .map(|row| get(row, 0))
        .collect::<Result<_>>()?;
    seqs.sort_unstable();
    let ats: Vec<i64> = changes.iter().map(|c| millis(c.at)).collect();
    let ops: Vec<&str> = changes.iter().map(|c| c.op.as_str()).collect();
    let contacts: Vec<Option<&str>> = changes.iter().map(|c| c.contact_id.as_deref()).collect();
    let froms: Vec<Option<&str>> = changes.iter().map(|c| c.from_id.as_deref()).collect();
    s.execute(
        "INSERT INTO changes (seq, at, op, contact_id, from_id) \
         SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[])",
        &[&seqs, &ats, &ops, &contacts, &froms],
    )
    .map(drop)
}

pub fn after(s: &mut Session<'_, '_>, after: u64, limit: usize) -> Result<(Vec<Change>, u64)> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = s.query(
        "SELECT seq, at, op, contact_id, from_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&after, &limit],
    )?;
    let mut changes = Vec::with_capacity(rows.len());
    for row in &rows {
        let op: &str = get(row, 2)?;
        changes.push(Change {
            seq: get::<i64>(row, 0)?.max(0) as u64,
            at: instant(get(row, 1)?)?,
            op: op.parse()?,
            contact_id: get(row, 3)?,
            from_id: get(row, 4)?,
        });
    }
    let last: i64 = match s
        .query("SELECT coalesce(max(seq), 0) FROM changes", &[])?
        .first()
    {
        Some(row) => get(row, 0)?,
        None => 0,
    };
    Ok((changes, last.max(0) as u64))
}
