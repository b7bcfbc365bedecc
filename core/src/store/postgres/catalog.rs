//! Suppressions, categories, segments and field definitions.

use super::{get, position, Session};
use crate::model::{Category, FieldDefinition, Segment, SuppressionRecord};
use crate::store::codec::{self, instant, millis};
use crate::Result;
use postgres::Row;

fn read_suppression(row: &Row) -> Result<SuppressionRecord> {
    Ok(SuppressionRecord {
        address: get(row, 0)?,
        channel: codec::parse_name(get(row, 1)?)?,
        kind: codec::parse_name(get(row, 2)?)?,
        at: instant(get(row, 3)?)?,
        reason: get(row, 4)?,
        lifted_at: get::<Option<i64>>(row, 5)?.map(instant).transpose()?,
        lift_note: get(row, 6)?,
    })
}

/// Every record kept at `address`, oldest first.
pub fn suppressions(s: &mut Session<'_, '_>, address: &str) -> Result<Vec<SuppressionRecord>> {
    s.query(
        "SELECT address, channel, kind, at, reason, lifted_at, lift_note FROM suppressions \
         WHERE address = $1 ORDER BY position",
        &[&address],
    )?
    .iter()
    .map(read_suppression)
    .collect()
}

/// The records at each of `addresses` that holds some, oldest first, in one statement.
pub fn suppressions_at(
    s: &mut Session<'_, '_>,
    addresses: &[&str],
) -> Result<Vec<(String, Vec<SuppressionRecord>)>> {
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    let rows = s.query(
        "SELECT address, channel, kind, at, reason, lifted_at, lift_note FROM suppressions \
         WHERE address = ANY($1) ORDER BY address, position",
        &[&addresses],
    )?;
    let mut found: Vec<(String, Vec<SuppressionRecord>)> = Vec::new();
    for row in &rows {
        let record = read_suppression(row)?;
        match found.last_mut() {
            Some((address, records)) if *address == record.address => records.push(record),
            _ => found.push((record.address.clone(), vec![record])),
        }
    }
    Ok(found)
}

/// Replaces the records kept at `address`: one delete and one multi-row insert.
pub fn put_suppressions(
    s: &mut Session<'_, '_>,
    address: &str,
    records: &[SuppressionRecord],
) -> Result<()> {
    s.execute("DELETE FROM suppressions WHERE address = $1", &[&address])?;
    if records.is_empty() {
        return Ok(());
    }
    let mut positions = Vec::with_capacity(records.len());
    let mut channels = Vec::with_capacity(records.len());
    let mut kinds = Vec::with_capacity(records.len());
    for (index, r) in records.iter().enumerate() {
        positions.push(position(index)?);
        channels.push(codec::name_of(&r.channel)?);
        kinds.push(codec::name_of(&r.kind)?);
    }
    let at: Vec<i64> = records.iter().map(|r| millis(r.at)).collect();
    let reasons: Vec<Option<&str>> = records.iter().map(|r| r.reason.as_deref()).collect();
    let lifted: Vec<Option<i64>> = records.iter().map(|r| r.lifted_at.map(millis)).collect();
    let notes: Vec<Option<&str>> = records.iter().map(|r| r.lift_note.as_deref()).collect();
    s.execute(
        "INSERT INTO suppressions (address, position, channel, kind, at, reason, lifted_at, \
         lift_note) SELECT $1, r.* FROM unnest($2::int4[], $3::text[], $4::text[], \
         $5::int8[], $6::text[], $7::int8[], $8::text[]) AS r",
        &[
            &address, &positions, &channels, &kinds, &at, &reasons, &lifted, &notes,
        ],
    )
    .map(drop)
}

fn read_category(row: &Row) -> Result<Category> {
    Ok(Category {
        key: get(row, 0)?,
        title: get(row, 1)?,
        segment_id: get(row, 2)?,
    })
}

/// All categories by key.
pub fn categories(s: &mut Session<'_, '_>) -> Result<Vec<Category>> {
    s.query(
        "SELECT key, title, segment_id FROM categories ORDER BY key",
        &[],
    )?
    .iter()
    .map(read_category)
    .collect()
}

/// One category.
pub fn category(s: &mut Session<'_, '_>, key: &str) -> Result<Option<Category>> {
    s.query_opt(
        "SELECT key, title, segment_id FROM categories WHERE key = $1",
        &[&key],
    )?
    .as_ref()
    .map(read_category)
    .transpose()
}

/// Inserts or replaces a category.
pub fn put_category(s: &mut Session<'_, '_>, c: &Category) -> Result<()> {
    s.execute(
        "INSERT INTO categories (key, title, segment_id) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET title = excluded.title, segment_id = excluded.segment_id",
        &[&c.key, &c.title, &c.segment_id],
    )
    .map(drop)
}

fn read_segment(row: &Row) -> Result<Segment> {
    let rule: Option<&str> = get(row, 3)?;
    Ok(Segment::new(
        get(row, 0)?,
        get(row, 1)?,
        get(row, 2)?,
        rule.map(codec::stored_rule).transpose()?,
    ))
}

/// All segments by id.
pub fn segments(s: &mut Session<'_, '_>) -> Result<Vec<Segment>> {
    s.query(
        "SELECT id, name, category_key, rule FROM segments ORDER BY id",
        &[],
    )?
    .iter()
    .map(read_segment)
    .collect()
}

/// One segment.
pub fn segment(s: &mut Session<'_, '_>, id: &str) -> Result<Option<Segment>> {
    s.query_opt(
        "SELECT id, name, category_key, rule FROM segments WHERE id = $1",
        &[&id],
    )?
    .as_ref()
    .map(read_segment)
    .transpose()
}

/// Inserts or replaces a segment.
pub fn put_segment(s: &mut Session<'_, '_>, segment: &Segment) -> Result<()> {
    s.execute(
        "INSERT INTO segments (id, name, category_key, rule) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, category_key = excluded.category_key, \
         rule = excluded.rule",
        &[&segment.id, &segment.name, &segment.category_key, &segment.rule.as_ref().map(|r| r.to_json())],
    )
    .map(drop)
}

/// All field definitions by key.
pub fn field_definitions(s: &mut Session<'_, '_>) -> Result<Vec<FieldDefinition>> {
    s.query("SELECT definition FROM field_definitions ORDER BY key", &[])?
        .iter()
        .map(|row| codec::from_json(get(row, 0)?))
        .collect()
}

/// Inserts or replaces a field definition.
pub fn put_field_definition(s: &mut Session<'_, '_>, d: &FieldDefinition) -> Result<()> {
    s.execute(
        "INSERT INTO field_definitions (key, definition) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET definition = excluded.definition",
        &[&d.key, &codec::to_json(d)?],
    )
    .map(drop)
}

/// Removes the category and every subscription to it, in one statement.
pub fn delete_category(s: &mut Session<'_, '_>, key: &str) -> Result<()> {
    s.execute(
        "WITH subscriptions_gone AS (DELETE FROM contact_categories WHERE category_key = $1) \
         DELETE FROM categories WHERE key = $1",
        &[&key],
    )
    .map(drop)
}

/// Removes the segment and every membership in it, in one statement.
pub fn delete_segment(s: &mut Session<'_, '_>, id: &str) -> Result<()> {
    s.execute(
        "WITH members_gone AS (DELETE FROM segment_members WHERE segment_id = $1) \
         DELETE FROM segments WHERE id = $1",
        &[&id],
    )
    .map(drop)
}

/// Removes the field definition and every value of it, in one statement.
pub fn delete_field_definition(s: &mut Session<'_, '_>, key: &str) -> Result<()> {
    s.execute(
        "WITH values_gone AS (DELETE FROM field_values WHERE key = $1) \
         DELETE FROM field_definitions WHERE key = $1",
        &[&key],
    )
    .map(drop)
}
