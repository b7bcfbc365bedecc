//! The in-memory reference store: the behaviour every other store must match.
//!
//! A unit of work edits the live state under a lock and keeps an undo log; when the
//! work fails (or panics) the log is replayed backwards, so a rollback costs what the
//! work changed, not a copy of the whole book.

use super::{Access, ActivityFilter, Parts, Store, Transaction};
use crate::model::{
    Activity, ActivityDetail, Category, ContactRecord, FieldDefinition, Identifier, Segment,
    SuppressionRecord,
};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

/// Keeps a contact book in process memory; nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Poisoning only happens if a unit of work panicked, and its undo log has
        // already restored the state on unwind: the data is consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for MemoryStore {
    fn unit_of_work(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Result<()> {
        let mut state = self.lock();
        let mut tx = MemoryTransaction {
            state: &mut state,
            undo: Vec::new(),
        };
        let outcome = match work(&mut tx) {
            // Like a read-only SQLite connection: a read that wrote keeps nothing.
            Ok(()) if access == Access::Read && !tx.undo.is_empty() => {
                Err(Error::storage("a read-only unit of work tried to write"))
            }
            other => other,
        };
        if outcome.is_ok() {
            tx.undo.clear();
        }
        outcome
    }
}

#[derive(Debug, Default)]
struct State {
    contacts: BTreeMap<String, ContactRecord>,
    by_identifier: HashMap<Identifier, String>,
    suppressions: HashMap<String, Vec<SuppressionRecord>>,
    categories: BTreeMap<String, Category>,
    segments: BTreeMap<String, Segment>,
    fields: BTreeMap<String, FieldDefinition>,
    activities: HashMap<String, Activity>,
    timelines: HashMap<String, BTreeSet<(DateTime<Utc>, String)>>,
    campaigns: HashMap<(String, String), String>,
    orders: HashMap<String, String>,
}

/// The previous value of something a unit of work replaced.
enum Undo {
    Contact(String, Option<ContactRecord>),
    Suppressions(String, Option<Vec<SuppressionRecord>>),
    Category(String, Option<Category>),
    Segment(String, Option<Segment>),
    Field(String, Option<FieldDefinition>),
    Activity(String, Option<Activity>),
}

impl State {
    fn replace_contact(&mut self, id: &str, new: Option<ContactRecord>) -> Option<ContactRecord> {
        let old = match new {
            Some(record) => {
                for identifier in record.identifiers() {
                    self.by_identifier.insert(identifier, id.to_string());
                }
                self.contacts.insert(id.to_string(), record)
            }
            None => self.contacts.remove(id),
        };
        if let Some(old) = &old {
            let current = self
                .contacts
                .get(id)
                .map(ContactRecord::identifiers)
                .unwrap_or_default();
            for identifier in old.identifiers() {
                if !current.contains(&identifier)
                    && self.by_identifier.get(&identifier).map(String::as_str) == Some(id)
                {
                    self.by_identifier.remove(&identifier);
                }
            }
        }
        old
    }

    fn replace_activity(&mut self, id: &str, new: Option<Activity>) -> Option<Activity> {
        let old = self.activities.remove(id);
        if let Some(old) = &old {
            if let Some(timeline) = self.timelines.get_mut(&old.contact_id) {
                timeline.remove(&(old.at, old.id.clone()));
            }
            match &old.detail {
                ActivityDetail::Campaign(c) => {
                    self.campaigns
                        .remove(&(old.contact_id.clone(), c.message_id.clone()));
                }
                ActivityDetail::Order(o) => {
                    self.orders.remove(&o.external_id);
                }
                ActivityDetail::Event(_) => {}
            }
        }
        if let Some(new) = new {
            self.timelines
                .entry(new.contact_id.clone())
                .or_default()
                .insert((new.at, new.id.clone()));
            match &new.detail {
                ActivityDetail::Campaign(c) => {
                    self.campaigns.insert(
                        (new.contact_id.clone(), c.message_id.clone()),
                        new.id.clone(),
                    );
                }
                ActivityDetail::Order(o) => {
                    self.orders.insert(o.external_id.clone(), new.id.clone());
                }
                ActivityDetail::Event(_) => {}
            }
            self.activities.insert(id.to_string(), new);
        }
        old
    }

    fn revert(&mut self, undo: Undo) {
        match undo {
            Undo::Contact(id, old) => {
                self.replace_contact(&id, old);
            }
            Undo::Suppressions(address, old) => match old {
                Some(records) => {
                    self.suppressions.insert(address, records);
                }
                None => {
                    self.suppressions.remove(&address);
                }
            },
            Undo::Category(key, old) => restore(&mut self.categories, key, old),
            Undo::Segment(id, old) => restore(&mut self.segments, id, old),
            Undo::Field(key, old) => restore(&mut self.fields, key, old),
            Undo::Activity(id, old) => {
                self.replace_activity(&id, old);
            }
        }
    }

    fn live_after<'a>(
        &'a self,
        after_id: Option<&str>,
    ) -> impl Iterator<Item = &'a ContactRecord> + 'a {
        let start = match after_id {
            Some(id) => std::ops::Bound::Excluded(id.to_string()),
            None => std::ops::Bound::Unbounded,
        };
        self.contacts
            .range((start, std::ops::Bound::Unbounded))
            .map(|(_, record)| record)
            .filter(|record| record.deleted_at.is_none())
    }
}

fn restore<V>(map: &mut BTreeMap<String, V>, key: String, old: Option<V>) {
    match old {
        Some(value) => {
            map.insert(key, value);
        }
        None => {
            map.remove(&key);
        }
    }
}

struct MemoryTransaction<'a> {
    state: &'a mut State,
    undo: Vec<Undo>,
}

impl MemoryTransaction<'_> {
    /// Applies `edit` to every contact (deleted ones too) that `affected` picks,
    /// keeping each previous version in the undo log.
    fn edit_contacts(
        &mut self,
        affected: impl Fn(&ContactRecord) -> bool,
        edit: impl Fn(&mut ContactRecord),
    ) {
        let ids: Vec<String> = self
            .state
            .contacts
            .values()
            .filter(|record| affected(record))
            .map(|record| record.id.clone())
            .collect();
        for id in ids {
            if let Some(mut record) = self.state.contacts.get(&id).cloned() {
                edit(&mut record);
                let old = self.state.replace_contact(&id, Some(record));
                self.undo.push(Undo::Contact(id, old));
            }
        }
    }
}

impl Drop for MemoryTransaction<'_> {
    /// Rolls back whatever is still in the undo log: a failed or panicking unit of work.
    fn drop(&mut self) {
        while let Some(undo) = self.undo.pop() {
            self.state.revert(undo);
        }
    }
}

impl Transaction for MemoryTransaction<'_> {
    fn contact_with(&mut self, id: &str, parts: Parts) -> Result<Option<ContactRecord>> {
        let mut record = self.state.contacts.get(id).cloned();
        if let Some(record) = &mut record {
            parts.trim(record);
        }
        Ok(record)
    }

    fn contact_id_by(&mut self, identifier: &Identifier) -> Result<Option<String>> {
        Ok(self.state.by_identifier.get(identifier).cloned())
    }

    fn put_contact(&mut self, contact: &ContactRecord) -> Result<()> {
        let old = self
            .state
            .replace_contact(&contact.id, Some(contact.clone()));
        self.undo.push(Undo::Contact(contact.id.clone(), old));
        Ok(())
    }

    fn live_contacts(
        &mut self,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        Ok(self
            .state
            .live_after(after_id)
            .take(limit)
            .cloned()
            .collect())
    }

    fn count_live_contacts(&mut self) -> Result<u64> {
        Ok(self.state.live_after(None).count() as u64)
    }

    fn segment_members(
        &mut self,
        segment_id: &str,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        Ok(self
            .state
            .live_after(after_id)
            .filter(|record| record.segments.contains(segment_id))
            .take(limit)
            .cloned()
            .collect())
    }

    fn suppressions(&mut self, address: &str) -> Result<Vec<SuppressionRecord>> {
        Ok(self
            .state
            .suppressions
            .get(address)
            .cloned()
            .unwrap_or_default())
    }

    fn put_suppressions(&mut self, address: &str, records: &[SuppressionRecord]) -> Result<()> {
        let old = self
            .state
            .suppressions
            .insert(address.to_string(), records.to_vec());
        self.undo.push(Undo::Suppressions(address.to_string(), old));
        Ok(())
    }

    fn categories(&mut self) -> Result<Vec<Category>> {
        Ok(self.state.categories.values().cloned().collect())
    }

    fn category(&mut self, key: &str) -> Result<Option<Category>> {
        Ok(self.state.categories.get(key).cloned())
    }

    fn put_category(&mut self, category: &Category) -> Result<()> {
        let old = self
            .state
            .categories
            .insert(category.key.clone(), category.clone());
        self.undo.push(Undo::Category(category.key.clone(), old));
        Ok(())
    }

    fn segments(&mut self) -> Result<Vec<Segment>> {
        Ok(self.state.segments.values().cloned().collect())
    }

    fn segment(&mut self, id: &str) -> Result<Option<Segment>> {
        Ok(self.state.segments.get(id).cloned())
    }

    fn put_segment(&mut self, segment: &Segment) -> Result<()> {
        let old = self
            .state
            .segments
            .insert(segment.id.clone(), segment.clone());
        self.undo.push(Undo::Segment(segment.id.clone(), old));
        Ok(())
    }

    fn field_definitions(&mut self) -> Result<Vec<FieldDefinition>> {
        Ok(self.state.fields.values().cloned().collect())
    }

    fn put_field_definition(&mut self, definition: &FieldDefinition) -> Result<()> {
        let old = self
            .state
            .fields
            .insert(definition.key.clone(), definition.clone());
        self.undo.push(Undo::Field(definition.key.clone(), old));
        Ok(())
    }

    fn delete_category(&mut self, key: &str) -> Result<()> {
        self.edit_contacts(
            |record| record.categories.contains(key),
            |record| {
                record.categories.remove(key);
            },
        );
        let old = self.state.categories.remove(key);
        self.undo.push(Undo::Category(key.to_string(), old));
        Ok(())
    }

    fn delete_segment(&mut self, id: &str) -> Result<()> {
        self.edit_contacts(
            |record| record.segments.contains(id),
            |record| {
                record.segments.remove(id);
            },
        );
        let old = self.state.segments.remove(id);
        self.undo.push(Undo::Segment(id.to_string(), old));
        Ok(())
    }

    fn delete_field_definition(&mut self, key: &str) -> Result<()> {
        self.edit_contacts(
            |record| record.fields.contains_key(key),
            |record| {
                record.fields.remove(key);
            },
        );
        let old = self.state.fields.remove(key);
        self.undo.push(Undo::Field(key.to_string(), old));
        Ok(())
    }

    fn campaign(&mut self, contact_id: &str, message_id: &str) -> Result<Option<Activity>> {
        let key = (contact_id.to_string(), message_id.to_string());
        Ok(self
            .state
            .campaigns
            .get(&key)
            .and_then(|id| self.state.activities.get(id))
            .cloned())
    }

    fn order(&mut self, external_id: &str) -> Result<Option<Activity>> {
        Ok(self
            .state
            .orders
            .get(external_id)
            .and_then(|id| self.state.activities.get(id))
            .cloned())
    }

    fn put_activity(&mut self, activity: &Activity) -> Result<()> {
        let old = self
            .state
            .replace_activity(&activity.id, Some(activity.clone()));
        self.undo.push(Undo::Activity(activity.id.clone(), old));
        Ok(())
    }

    fn activities(&mut self, contact_id: &str, filter: &ActivityFilter) -> Result<Vec<Activity>> {
        let Some(timeline) = self.state.timelines.get(contact_id) else {
            return Ok(Vec::new());
        };
        let matching = timeline
            .iter()
            .rev()
            .filter_map(|(_, id)| self.state.activities.get(id))
            .filter(|activity| filter.matches(activity))
            .cloned();
        Ok(match filter.limit {
            Some(limit) => matching.take(limit).collect(),
            None => matching.collect(),
        })
    }
}
