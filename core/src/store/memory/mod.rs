//! The in-memory reference store: the behaviour every other store must match.
//!
//! A unit of work edits the live state under a lock and keeps an undo log; when the
//! work fails (or panics) the log is replayed backwards, so a rollback costs what the
//! work changed, not a copy of the whole book.
//!
//! Contacts are kept packed (see [`packed`]), which takes a fraction of the memory
//! of `ContactRecord`s, and unpacked on every read.

mod bytes;
mod contacts;
mod id;
mod packed;

use super::{Access, ActivityFilter, NewChange, Parts, Store, Transaction};
use crate::model::{
    Activity, ActivityDetail, Category, Change, ContactRecord, FieldDefinition, Identifier,
    Segment, SuppressionRecord,
};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use contacts::Contacts;
use packed::{Packed, Packer, View};
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
    contacts: Contacts,
    packer: Packer,
    suppressions: HashMap<String, Vec<SuppressionRecord>>,
    categories: BTreeMap<String, Category>,
    segments: BTreeMap<String, Segment>,
    fields: BTreeMap<String, FieldDefinition>,
    activities: HashMap<String, Activity>,
    timelines: HashMap<String, BTreeSet<(DateTime<Utc>, String)>>,
    campaigns: HashMap<(String, String), String>,
    orders: HashMap<String, String>,
    /// The change feed; a change's seq is its position plus one.
    changes: Vec<Change>,
    /// Ids of contacts merged away, with the contact each lives on in.
    merged: HashMap<String, String>,
    /// The erasure key, made on first use.
    erasure_key: Vec<u8>,
}

/// The previous value of something a unit of work replaced. Large values are boxed
/// so that the log of an import batch (one entry per contact) stays small.
enum Undo {
    Contact(String, Option<Packed>),
    Suppressions(String, Option<Vec<SuppressionRecord>>),
    Category(String, Option<Box<Category>>),
    Segment(String, Option<Box<Segment>>),
    Field(String, Option<Box<FieldDefinition>>),
    Activity(String, Option<Box<Activity>>),
    /// The feed's length before the unit appended to it.
    Changes(usize),
    Merged(String, Option<String>),
}

impl State {
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
                // Cannot fail: the old bytes were stored once (so they index), and
                // the contact either still has its slot or is being removed.
                let _ = self.contacts.replace(&id, old);
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
                self.replace_activity(&id, old.map(|old| *old));
            }
            Undo::Changes(len) => self.changes.truncate(len),
            Undo::Merged(id, old) => match old {
                Some(into) => {
                    self.merged.insert(id, into);
                }
                None => {
                    self.merged.remove(&id);
                }
            },
        }
    }

    /// Live contacts after `after_id` (from the first without one), in id order.
    fn live_after<'a>(
        &'a self,
        after_id: Option<&str>,
    ) -> impl Iterator<Item = Result<View<'a>>> + 'a {
        self.contacts
            .after(after_id)
            .filter_map(|packed| live_view(packed).transpose())
    }
}

/// The view of `packed`, if the contact is live.
fn live_view(packed: &[u8]) -> Result<Option<View<'_>>> {
    let view = View::of(packed)?;
    Ok(view.is_live()?.then_some(view))
}

fn restore<V>(map: &mut BTreeMap<String, V>, key: String, old: Option<Box<V>>) {
    match old {
        Some(value) => {
            map.insert(key, *value);
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
    /// keeping each previous version in the undo log. `affected` sees the contact
    /// with only the `parts` it looks at.
    fn edit_contacts(
        &mut self,
        parts: Parts,
        affected: impl Fn(&ContactRecord) -> bool,
        edit: impl Fn(&mut ContactRecord),
    ) -> Result<()> {
        let mut ids = Vec::new();
        for packed in self.state.contacts.after(None) {
            let record = View::of(packed)?.unpack(parts)?;
            if affected(&record) {
                ids.push(record.id);
            }
        }
        for id in ids {
            if let Some(mut record) = self.contact_with(&id, Parts::ALL)? {
                edit(&mut record);
                self.put_contact(&record)?;
            }
        }
        Ok(())
    }
}

impl MemoryTransaction<'_> {
    fn set_merged(&mut self, id: &str, into: Option<&str>) {
        let old = match into {
            Some(into) => self.state.merged.insert(id.to_string(), into.to_string()),
            None => self.state.merged.remove(id),
        };
        self.undo.push(Undo::Merged(id.to_string(), old));
    }

    fn set_activity(&mut self, id: &str, new: Option<Activity>) {
        let old = self.state.replace_activity(id, new);
        self.undo
            .push(Undo::Activity(id.to_string(), old.map(Box::new)));
    }

    /// The ids of `contact_id`'s timeline items.
    fn timeline_ids(&self, contact_id: &str) -> Vec<String> {
        self.state
            .timelines
            .get(contact_id)
            .map(|timeline| timeline.iter().map(|(_, id)| id.clone()).collect())
            .unwrap_or_default()
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
        match self.state.contacts.get(id) {
            Some(packed) => View::of(packed)?.unpack(parts).map(Some),
            None => Ok(None),
        }
    }

    fn contact_id_by(&mut self, identifier: &Identifier) -> Result<Option<String>> {
        self.state.contacts.holder_of(identifier)
    }

    fn put_contact(&mut self, contact: &ContactRecord) -> Result<()> {
        let packed = self.state.packer.pack(contact);
        let old = self.state.contacts.replace(&contact.id, Some(packed))?;
        self.undo.push(Undo::Contact(contact.id.clone(), old));
        Ok(())
    }

    fn live_contacts(
        &mut self,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        self.state
            .live_after(after_id)
            .take(limit)
            .map(|view| view?.unpack(Parts::ALL))
            .collect()
    }

    fn count_live_contacts(&mut self) -> Result<u64> {
        self.state
            .live_after(None)
            .try_fold(0, |count, view| view.map(|_| count + 1))
    }

    fn segment_members(
        &mut self,
        segment_id: &str,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        let mut members = Vec::new();
        for view in self.state.live_after(after_id) {
            if members.len() == limit {
                break;
            }
            let view = view?;
            if view.in_segment(segment_id)? {
                members.push(view.unpack(Parts::ALL)?);
            }
        }
        Ok(members)
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
        self.undo
            .push(Undo::Category(category.key.clone(), old.map(Box::new)));
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
        self.undo
            .push(Undo::Segment(segment.id.clone(), old.map(Box::new)));
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
        self.undo
            .push(Undo::Field(definition.key.clone(), old.map(Box::new)));
        Ok(())
    }

    fn delete_category(&mut self, key: &str) -> Result<()> {
        let categories = Parts {
            categories: true,
            ..Parts::NONE
        };
        self.edit_contacts(
            categories,
            |record| record.categories.contains(key),
            |record| {
                record.categories.remove(key);
            },
        )?;
        let old = self.state.categories.remove(key);
        self.undo
            .push(Undo::Category(key.to_string(), old.map(Box::new)));
        Ok(())
    }

    fn delete_segment(&mut self, id: &str) -> Result<()> {
        let segments = Parts {
            segments: true,
            ..Parts::NONE
        };
        self.edit_contacts(
            segments,
            |record| record.segments.contains(id),
            |record| {
                record.segments.remove(id);
            },
        )?;
        let old = self.state.segments.remove(id);
        self.undo
            .push(Undo::Segment(id.to_string(), old.map(Box::new)));
        Ok(())
    }

    fn delete_field_definition(&mut self, key: &str) -> Result<()> {
        let fields = Parts {
            fields: true,
            ..Parts::NONE
        };
        self.edit_contacts(
            fields,
            |record| record.fields.contains_key(key),
            |record| {
                record.fields.remove(key);
            },
        )?;
        let old = self.state.fields.remove(key);
        self.undo
            .push(Undo::Field(key.to_string(), old.map(Box::new)));
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
        self.set_activity(&activity.id, Some(activity.clone()));
        Ok(())
    }

    fn merged_into(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>> {
        Ok(ids
            .iter()
            .filter_map(|id| {
                let into = self.state.merged.get(*id)?;
                Some((id.to_string(), into.clone()))
            })
            .collect())
    }

    fn put_merged(&mut self, from: &str, into: &str) -> Result<()> {
        let earlier: Vec<String> = self
            .state
            .merged
            .iter()
            .filter(|(_, target)| target.as_str() == from)
            .map(|(id, _)| id.clone())
            .collect();
        for id in earlier {
            self.set_merged(&id, Some(into));
        }
        self.set_merged(from, Some(into));
        Ok(())
    }

    fn move_timeline(&mut self, from: &str, into: &str) -> Result<()> {
        for id in self.timeline_ids(from) {
            let Some(mut activity) = self.state.activities.get(&id).cloned() else {
                continue;
            };
            activity.contact_id = into.to_string();
            let taken = match &activity.detail {
                ActivityDetail::Campaign(c) => self
                    .state
                    .campaigns
                    .contains_key(&(into.to_string(), c.message_id.clone())),
                _ => false,
            };
            self.set_activity(&id, (!taken).then_some(activity));
        }
        Ok(())
    }

    fn remove_contact(&mut self, id: &str) -> Result<()> {
        for activity in self.timeline_ids(id) {
            self.set_activity(&activity, None);
        }
        let aliases: Vec<String> = self
            .state
            .merged
            .iter()
            .filter(|(_, target)| target.as_str() == id)
            .map(|(alias, _)| alias.clone())
            .collect();
        for alias in aliases {
            self.set_merged(&alias, None);
        }
        let old = self.state.contacts.replace(id, None)?;
        self.undo.push(Undo::Contact(id.to_string(), old));
        Ok(())
    }

    fn erasure_key(&mut self) -> Result<Vec<u8>> {
        if self.state.erasure_key.is_empty() {
            self.state.erasure_key = super::random_key();
        }
        Ok(self.state.erasure_key.clone())
    }

    fn has_erased_addresses(&mut self) -> Result<bool> {
        Ok(self.state.suppressions.iter().any(|(address, records)| {
            address.starts_with(super::ERASED_ADDRESS_PREFIX) && !records.is_empty()
        }))
    }

    fn append_changes(&mut self, changes: &[NewChange]) -> Result<()> {
        let feed = &mut self.state.changes;
        self.undo.push(Undo::Changes(feed.len()));
        for change in changes {
            let seq = feed.len() as u64 + 1;
            feed.push(change.numbered(seq));
        }
        Ok(())
    }

    fn changes_after(&mut self, after: u64, limit: usize) -> Result<(Vec<Change>, u64)> {
        let feed = &self.state.changes;
        let start = usize::try_from(after).unwrap_or(usize::MAX).min(feed.len());
        let page = feed[start..].iter().take(limit).cloned().collect();
        Ok((page, feed.len() as u64))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MobilePushDevice, Platform, Source};

    fn contact(id: &str, email: &str, tokens: &[&str]) -> ContactRecord {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        ContactRecord {
            id: id.into(),
            external_id: None,
            contact_key: None,
            first_name: None,
            last_name: None,
            email: Some(email.into()),
            email_confirmed: true,
            phone: None,
            phone_confirmed: false,
            devices: tokens
                .iter()
                .map(|token| MobilePushDevice {
                    app_id: "app".into(),
                    device_id: token.to_string(),
                    token: Some(token.to_string()),
                    platform: Platform::Ios,
                    model: None,
                    os: None,
                    os_version: None,
                    locale: None,
                    app_version: None,
                    active: true,
                    registered_at: now,
                    last_seen_at: now,
                })
                .collect(),
            web_push: Vec::new(),
            telegram: None,
            categories: Default::default(),
            address: None,
            location: None,
            timezone: None,
            language: None,
            segments: Default::default(),
            fields: Default::default(),
            created_at: now,
            updated_at: now,
            source: Source::Api,
            deleted_at: None,
        }
    }

    fn write(store: &MemoryStore, work: impl Fn(&mut dyn Transaction) -> Result<()>) -> Result<()> {
        store.unit_of_work(Access::Write, &mut |tx| work(tx))
    }

    fn holder(store: &MemoryStore, identifier: Identifier) -> Option<String> {
        let mut found = None;
        store
            .unit_of_work(Access::Read, &mut |tx| {
                found = tx.contact_id_by(&identifier)?;
                Ok(())
            })
            .unwrap();
        found
    }

    fn get(store: &MemoryStore, id: &str) -> Option<ContactRecord> {
        let mut found = None;
        store
            .unit_of_work(Access::Read, &mut |tx| {
                found = tx.contact(id)?;
                Ok(())
            })
            .unwrap();
        found
    }

    fn email(value: &str) -> Identifier {
        Identifier::Email(value.into())
    }

    fn token(value: &str) -> Identifier {
        Identifier::PushToken(value.into())
    }

    #[test]
    fn an_identifier_belongs_to_the_contact_that_saved_it_last() {
        let store = MemoryStore::new();
        let ann = contact("a", "ann@example.com", &["t1", "t2"]);
        write(&store, |tx| tx.put_contact(&ann)).unwrap();
        assert_eq!(holder(&store, token("t1")).as_deref(), Some("a"));
        assert_eq!(
            holder(&store, email("ann@example.com")).as_deref(),
            Some("a")
        );
        assert_eq!(
            holder(&store, Identifier::Phone("ann@example.com".into())),
            None
        );

        write(&store, |tx| {
            tx.put_contact(&contact("b", "bob@example.com", &["t1"]))
        })
        .unwrap();
        assert_eq!(holder(&store, token("t1")).as_deref(), Some("b"));
        // Ann still lists t1, but it moved: saving her again without it changes nothing.
        write(&store, |tx| {
            tx.put_contact(&contact("a", "ann@example.com", &["t2"]))
        })
        .unwrap();
        assert_eq!(holder(&store, token("t1")).as_deref(), Some("b"));
        // Bob letting it go leaves it to nobody.
        write(&store, |tx| {
            tx.put_contact(&contact("b", "bob@example.com", &[]))
        })
        .unwrap();
        assert_eq!(holder(&store, token("t1")), None);
        assert_eq!(holder(&store, token("t2")).as_deref(), Some("a"));
    }

    #[test]
    fn a_failed_unit_of_work_leaves_nothing_behind() {
        let store = MemoryStore::new();
        write(&store, |tx| {
            tx.put_contact(&contact("a", "ann@example.com", &["t1"]))
        })
        .unwrap();
        let failed = write(&store, |tx| {
            tx.put_contact(&contact("a", "ann@example.org", &["t2"]))?;
            tx.put_contact(&contact("b", "bob@example.com", &["t1"]))?;
            Err(Error::storage("boom"))
        });
        assert_eq!(failed, Err(Error::storage("boom")));
        assert_eq!(
            get(&store, "a"),
            Some(contact("a", "ann@example.com", &["t1"]))
        );
        assert_eq!(get(&store, "b"), None);
        assert_eq!(
            holder(&store, email("ann@example.com")).as_deref(),
            Some("a")
        );
        assert_eq!(holder(&store, token("t1")).as_deref(), Some("a"));
        for gone in [
            email("ann@example.org"),
            email("bob@example.com"),
            token("t2"),
        ] {
            assert_eq!(holder(&store, gone), None);
        }
    }

    #[test]
    fn a_panicking_unit_of_work_is_rolled_back() {
        let store = MemoryStore::new();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write(&store, |tx| {
                tx.put_contact(&contact("a", "ann@example.com", &[]))?;
                panic!("the work panics");
            })
        }));
        assert!(panicked.is_err());
        assert_eq!(get(&store, "a"), None);
        assert_eq!(holder(&store, email("ann@example.com")), None);
        write(&store, |tx| {
            tx.put_contact(&contact("a", "ann@example.com", &[]))
        })
        .unwrap();
        assert!(get(&store, "a").is_some());
    }

    #[test]
    fn a_read_that_writes_is_refused_and_kept_out() {
        let store = MemoryStore::new();
        let outcome = store.unit_of_work(Access::Read, &mut |tx| {
            tx.put_contact(&contact("a", "ann@example.com", &[]))
        });
        assert!(matches!(outcome, Err(Error::Storage { .. })));
        assert_eq!(get(&store, "a"), None);
    }

    #[test]
    fn listings_page_live_contacts_in_id_order() {
        let store = MemoryStore::new();
        let mut deleted = contact("b", "b@example.com", &[]);
        deleted.deleted_at = Some(deleted.created_at);
        write(&store, |tx| {
            for id in ["c", "a", "d"] {
                tx.put_contact(&contact(id, &format!("{id}@example.com"), &[]))?;
            }
            tx.put_contact(&deleted)
        })
        .unwrap();
        store
            .unit_of_work(Access::Read, &mut |tx| {
                let ids = |records: Vec<ContactRecord>| -> Vec<String> {
                    records.into_iter().map(|r| r.id).collect()
                };
                assert_eq!(ids(tx.live_contacts(None, 10)?), ["a", "c", "d"]);
                assert_eq!(ids(tx.live_contacts(Some("a"), 1)?), ["c"]);
                assert_eq!(ids(tx.live_contacts(Some("b"), 10)?), ["c", "d"]);
                assert_eq!(tx.count_live_contacts()?, 3);
                assert!(tx.contact("b")?.is_some());
                Ok(())
            })
            .unwrap();
    }
}
