//! Merged ids, removing a contact for good, moving a timeline, and the erasure key.

use super::{get, Session};
use crate::{Error, Result};

pub fn merged_into(s: &mut Session<'_, '_>, ids: &[&str]) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = s.query(
        "SELECT id, contact_id FROM merged_ids WHERE id = ANY($1)",
        &[&ids],
    )?;
    rows.iter()
        .map(|row| Ok((get(row, 0)?, get(row, 1)?)))
        .collect()
}

pub fn put_merged(s: &mut Session<'_, '_>, from: &str, into: &str) -> Result<()> {
    s.execute(
        "UPDATE merged_ids SET contact_id = $2 WHERE contact_id = $1",
        &[&from, &into],
    )?;
    s.execute(
        "INSERT INTO merged_ids (id, contact_id) VALUES ($1, $2) \
         ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id",
        &[&from, &into],
    )?;
    Ok(())
}

pub fn move_timeline(s: &mut Session<'_, '_>, from: &str, into: &str) -> Result<()> {
    s.execute(
        "DELETE FROM activities WHERE contact_id = $1 AND message_id IN \
         (SELECT message_id FROM activities WHERE contact_id = $2 AND message_id IS NOT NULL)",
        &[&from, &into],
    )?;
    s.execute(
        "UPDATE activities SET contact_id = $2 WHERE contact_id = $1",
        &[&from, &into],
    )?;
    Ok(())
}

pub fn remove_contact(s: &mut Session<'_, '_>, id: &str) -> Result<()> {
    s.execute(
        "WITH devices_gone AS (DELETE FROM devices WHERE contact_id = $1), \
         web_push_gone AS (DELETE FROM web_push WHERE contact_id = $1), \
         categories_gone AS (DELETE FROM contact_categories WHERE contact_id = $1), \
         segments_gone AS (DELETE FROM segment_members WHERE contact_id = $1), \
         fields_gone AS (DELETE FROM field_values WHERE contact_id = $1), \
         activities_gone AS (DELETE FROM activities WHERE contact_id = $1), \
         merged_gone AS (DELETE FROM merged_ids WHERE contact_id = $1) \
         SELECT 1",
        &[&id],
    )?;
    // Its own statement: a data-modifying WITH sees the snapshot from before it, and
    // the contact row is still referenced there.
    s.execute("DELETE FROM contacts WHERE id = $1", &[&id])?;
    Ok(())
}

pub fn erasure_key(s: &mut Session<'_, '_>) -> Result<Vec<u8>> {
    let row = s.query_opt("SELECT value FROM secrets WHERE name = 'erasure'", &[])?;
    match row {
        Some(row) => get(&row, 0),
        None => Err(Error::storage("the book has no erasure key")),
    }
}

pub fn has_erased_addresses(s: &mut Session<'_, '_>) -> Result<bool> {
    // The literal prefix is the partial index `suppressions_erased`'s own predicate
    // (migration 4), so this reads that index alone.
    let row = s.query_opt(
        "SELECT 1 FROM suppressions WHERE address LIKE 'erased:%' LIMIT 1",
        &[],
    )?;
    Ok(row.is_some())
}

#[cfg(test)]
mod tests {
    use crate::store::ERASED_ADDRESS_PREFIX;

    #[test]
    fn the_erased_addresses_index_and_its_probe_use_the_prefix_erase_writes() {
        let predicate = format!("address LIKE '{ERASED_ADDRESS_PREFIX}%'");
        let migration = super::super::schema::migrations_up_to(usize::MAX).join("\n");
        assert!(migration.contains(&predicate), "{predicate}");
        assert!(include_str!("lifecycle.rs").contains(&predicate));
    }
}
