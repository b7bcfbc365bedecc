//! Merged ids, removing a contact for good, moving a timeline, and the erasure key.

use super::contacts::DELETE_CHILDREN;
use super::storage_error;
use crate::store::ERASED_ADDRESS_PREFIX;
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

pub fn merged_into(conn: &Connection, ids: &[&str]) -> Result<Vec<(String, String)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, contact_id FROM merged_ids WHERE id IN (SELECT value FROM json_each(?1))",
        )
        .map_err(storage_error)?;
    let ids = serde_json::to_string(ids).map_err(|e| Error::storage(e.to_string()))?;
    let rows = stmt
        .query_map([ids], |row| Ok((row.get(0)?, row.get(1)?)))
        .map_err(storage_error)?;
    rows.collect::<rusqlite::Result<_>>().map_err(storage_error)
}

pub fn put_merged(conn: &Connection, from: &str, into: &str) -> Result<()> {
    for sql in [
        "UPDATE merged_ids SET contact_id = ?2 WHERE contact_id = ?1",
        "INSERT INTO merged_ids (id, contact_id) VALUES (?1, ?2) \
         ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id",
    ] {
        conn.prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute(params![from, into]))
            .map_err(storage_error)?;
    }
    Ok(())
}

pub fn move_timeline(conn: &Connection, from: &str, into: &str) -> Result<()> {
    for sql in [
        "DELETE FROM activities WHERE contact_id = ?1 AND message_id IN \
         (SELECT message_id FROM activities WHERE contact_id = ?2 AND message_id IS NOT NULL)",
        "UPDATE activities SET contact_id = ?2 WHERE contact_id = ?1",
    ] {
        conn.prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute(params![from, into]))
            .map_err(storage_error)?;
    }
    Ok(())
}

pub fn remove_contact(conn: &Connection, id: &str) -> Result<()> {
    let statements = DELETE_CHILDREN.iter().copied().chain([
        "DELETE FROM activities WHERE contact_id = ?1",
        "DELETE FROM merged_ids WHERE contact_id = ?1",
        "DELETE FROM contacts WHERE id = ?1",
    ]);
    for sql in statements {
        conn.prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute([id]))
            .map_err(storage_error)?;
    }
    Ok(())
}

pub fn erasure_key(conn: &Connection) -> Result<Vec<u8>> {
    conn.prepare_cached("SELECT value FROM secrets WHERE name = 'erasure'")
        .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)).optional())
        .map_err(storage_error)?
        .ok_or_else(|| Error::storage("the book has no erasure key"))
}

pub fn has_erased_addresses(conn: &Connection) -> Result<bool> {
    // A range of the primary key, so the answer is one index probe.
    let prefix = ERASED_ADDRESS_PREFIX;
    let mut end = prefix.to_string();
    end.push(char::MAX);
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM suppressions WHERE address >= ?1 AND address < ?2)",
    )
    .and_then(|mut stmt| stmt.query_row([prefix, end.as_str()], |row| row.get(0)))
    .map_err(storage_error)
}
