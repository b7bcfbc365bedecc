//! Suppressions, categories, segments and field definitions.

use super::{decoded, storage_error};
use crate::model::{Category, FieldDefinition, Segment, SuppressionRecord};
use crate::store::codec::{self, instant, millis};
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension, Params, Row};

/// Every record kept at `address`, oldest first.
pub fn suppressions(conn: &Connection, address: &str) -> Result<Vec<SuppressionRecord>> {
    rows(
        conn,
        "SELECT address, channel, kind, at, reason, lifted_at, lift_note FROM suppressions \
         WHERE address = ?1 ORDER BY position",
        [address],
        |row| {
            Ok(SuppressionRecord {
                address: row.get(0)?,
                channel: decoded(codec::parse_name(&row.get::<_, String>(1)?))?,
                kind: decoded(codec::parse_name(&row.get::<_, String>(2)?))?,
                at: decoded(instant(row.get(3)?))?,
                reason: row.get(4)?,
                lifted_at: decoded(row.get::<_, Option<i64>>(5)?.map(instant).transpose())?,
                lift_note: row.get(6)?,
            })
        },
    )
}

/// Replaces the records kept at `address`.
pub fn put_suppressions(
    conn: &Connection,
    address: &str,
    records: &[SuppressionRecord],
) -> Result<()> {
    conn.prepare_cached("DELETE FROM suppressions WHERE address = ?1")
        .and_then(|mut stmt| stmt.execute([address]))
        .map_err(storage_error)?;
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO suppressions (address, position, channel, kind, at, reason, lifted_at, lift_note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(storage_error)?;
    for (position, r) in records.iter().enumerate() {
        stmt.execute(params![
            address,
            position as i64,
            codec::name_of(&r.channel)?,
            codec::name_of(&r.kind)?,
            millis(r.at),
            r.reason,
            r.lifted_at.map(millis),
            r.lift_note,
        ])
        .map_err(storage_error)?;
    }
    Ok(())
}

fn read_category(row: &Row<'_>) -> rusqlite::Result<Category> {
    Ok(Category {
        key: row.get(0)?,
        title: row.get(1)?,
        segment_id: row.get(2)?,
    })
}

/// All categories by key.
pub fn categories(conn: &Connection) -> Result<Vec<Category>> {
    rows(
        conn,
        "SELECT key, title, segment_id FROM categories ORDER BY key",
        [],
        read_category,
    )
}

/// One category.
pub fn category(conn: &Connection, key: &str) -> Result<Option<Category>> {
    one(
        conn,
        "SELECT key, title, segment_id FROM categories WHERE key = ?1",
        [key],
        read_category,
    )
}

/// Inserts or replaces a category.
pub fn put_category(conn: &Connection, c: &Category) -> Result<()> {
    execute(
        conn,
        "INSERT OR REPLACE INTO categories (key, title, segment_id) VALUES (?1, ?2, ?3)",
        params![c.key, c.title, c.segment_id],
    )
}

fn read_segment(row: &Row<'_>) -> rusqlite::Result<Segment> {
    let rule: Option<String> = row.get(3)?;
    Ok(Segment::new(
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        decoded(rule.as_deref().map(codec::stored_rule).transpose())?,
    ))
}

/// All segments by id.
pub fn segments(conn: &Connection) -> Result<Vec<Segment>> {
    rows(
        conn,
        "SELECT id, name, category_key, rule FROM segments ORDER BY id",
        [],
        read_segment,
    )
}

/// One segment.
pub fn segment(conn: &Connection, id: &str) -> Result<Option<Segment>> {
    one(
        conn,
        "SELECT id, name, category_key, rule FROM segments WHERE id = ?1",
        [id],
        read_segment,
    )
}

/// Inserts or replaces a segment.
pub fn put_segment(conn: &Connection, s: &Segment) -> Result<()> {
    execute(
        conn,
        "INSERT INTO segments (id, name, category_key, rule) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, category_key = excluded.category_key, \
         rule = excluded.rule",
        params![s.id, s.name, s.category_key, s.rule.as_ref().map(|r| r.to_json())],
    )
}

/// All field definitions by key.
pub fn field_definitions(conn: &Connection) -> Result<Vec<FieldDefinition>> {
    rows(
        conn,
        "SELECT definition FROM field_definitions ORDER BY key",
        [],
        |row| decoded(codec::from_json(&row.get::<_, String>(0)?)),
    )
}

/// Inserts or replaces a field definition.
pub fn put_field_definition(conn: &Connection, d: &FieldDefinition) -> Result<()> {
    execute(
        conn,
        "INSERT OR REPLACE INTO field_definitions (key, definition) VALUES (?1, ?2)",
        params![d.key, codec::to_json(d)?],
    )
}

/// Removes the category and every subscription to it.
pub fn delete_category(conn: &Connection, key: &str) -> Result<()> {
    execute(
        conn,
        "DELETE FROM contact_categories WHERE category_key = ?1",
        [key],
    )?;
    execute(conn, "DELETE FROM categories WHERE key = ?1", [key])
}

/// Removes the segment and every membership in it.
pub fn delete_segment(conn: &Connection, id: &str) -> Result<()> {
    execute(
        conn,
        "DELETE FROM segment_members WHERE segment_id = ?1",
        [id],
    )?;
    execute(conn, "DELETE FROM segments WHERE id = ?1", [id])
}

/// Removes the field definition and every value of it.
pub fn delete_field_definition(conn: &Connection, key: &str) -> Result<()> {
    execute(conn, "DELETE FROM field_values WHERE key = ?1", [key])?;
    execute(conn, "DELETE FROM field_definitions WHERE key = ?1", [key])
}

fn rows<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_map(params, read)?.collect())
        .map_err(storage_error)
}

fn one<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_row(params, read).optional())
        .map_err(storage_error)
}

fn execute<P: Params>(conn: &Connection, sql: &str, params: P) -> Result<()> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute(params))
        .map(drop)
        .map_err(storage_error)
}
