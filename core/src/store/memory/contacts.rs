//! The contacts of a memory store. Each is packed in a numbered slot; a B-tree finds
//! the slot by id and keeps ids in order for paging, and a hash table finds it by
//! identifier. The table holds (slot, position) pairs that point at the identifier
//! inside the packed contact, so no identifier is kept twice.

use super::bytes::damaged;
use super::id::ContactId;
use super::packed::{key_of, IdentifierList, Key, Packed, View};
use crate::model::Identifier;
use crate::{Error, Result};
use hashbrown::hash_table::{Entry, HashTable};
use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::ops::Bound;

/// Every contact, found by id or by identifier.
#[derive(Debug, Default)]
pub(super) struct Contacts {
    slots: Slots,
    /// Each contact's slot, by id.
    by_id: BTreeMap<ContactId, u32>,
    /// Where each identifier is held. An identifier belongs to the contact that
    /// saved it last, and is dropped when that contact lets it go, even if an
    /// earlier holder still lists it.
    by_identifier: HashTable<Holder>,
}

/// The identifier at `position` among the identifiers of the contact in `slot`.
#[derive(Debug, Clone, Copy)]
struct Holder {
    slot: u32,
    position: u32,
}

impl Contacts {
    /// The packed contact with `id`.
    pub(super) fn get(&self, id: &str) -> Option<&Packed> {
        self.by_id
            .get(&ContactId::new(id))
            .and_then(|&slot| self.slots.get(slot))
    }

    /// The id of the contact `identifier` belongs to.
    pub(super) fn holder_of(&self, identifier: &Identifier) -> Result<Option<String>> {
        let Contacts {
            slots,
            by_identifier,
            ..
        } = self;
        let key = key_of(identifier);
        let Some(holder) = by_identifier.find(slots.hash(key), |h| slots.key_at(*h) == Some(key))
        else {
            return Ok(None);
        };
        let packed = slots.get(holder.slot).ok_or_else(damaged)?;
        Ok(Some(View::of(packed)?.id()?.to_string()))
    }

    /// The packed contacts after `after_id` (from the first without one), deleted
    /// ones too, in id order.
    pub(super) fn after<'a>(
        &'a self,
        after_id: Option<&str>,
    ) -> impl Iterator<Item = &'a Packed> + 'a {
        let start = after_id.map_or(Bound::Unbounded, |id| Bound::Excluded(ContactId::new(id)));
        self.by_id
            .range((start, Bound::Unbounded))
            .filter_map(|(_, &slot)| self.slots.get(slot))
    }

    /// Saves `new` as the contact `id`, or removes that contact for `None`, and
    /// returns what was saved before. Nothing changes when it fails.
    pub(super) fn replace(&mut self, id: &str, new: Option<Packed>) -> Result<Option<Packed>> {
        if let Some(new) = &new {
            check_indexable(new)?;
        }
        let id = ContactId::new(id);
        let slot = match self.by_id.get(&id) {
            Some(&slot) => slot,
            None if new.is_some() => {
                let slot = self.slots.claim()?;
                self.by_id.insert(id.clone(), slot);
                slot
            }
            None => return Ok(None),
        };
        self.unindex(slot);
        let present = new.is_some();
        let old = self.slots.put(slot, new);
        if present {
            self.index(slot);
        } else {
            self.by_id.remove(&id);
        }
        Ok(old)
    }

    /// Points every identifier of the contact in `slot` at it, taking each from
    /// whichever contact held it.
    fn index(&mut self, slot: u32) {
        let Contacts {
            slots,
            by_identifier,
            ..
        } = self;
        for (position, key) in slots.keys(slot).into_iter().enumerate() {
            // `check_indexable` let in only contacts whose positions fit.
            let holder = Holder {
                slot,
                position: position as u32,
            };
            let found = by_identifier.entry(
                slots.hash(key),
                |h| slots.key_at(*h) == Some(key),
                |h| slots.hash_at(*h),
            );
            match found {
                Entry::Occupied(mut entry) => *entry.get_mut() = holder,
                Entry::Vacant(entry) => {
                    entry.insert(holder);
                }
            }
        }
    }

    /// Drops the identifiers of the contact in `slot` that still belong to it.
    fn unindex(&mut self, slot: u32) {
        let Contacts {
            slots,
            by_identifier,
            ..
        } = self;
        for key in slots.keys(slot) {
            let found =
                by_identifier.find_entry(slots.hash(key), |h| slots.key_at(*h) == Some(key));
            if let Ok(entry) = found {
                if entry.get().slot == slot {
                    entry.remove();
                }
            }
        }
    }
}

/// Refuses a contact the index could not point into: one whose identifiers do not
/// read (never true of bytes from `pack`) or outnumber a position.
fn check_indexable(packed: &[u8]) -> Result<()> {
    let count = IdentifierList::of(packed)?.count()?;
    match u32::try_from(count) {
        Ok(_) => Ok(()),
        Err(_) => Err(Error::storage("a contact has too many identifiers")),
    }
}

/// Packed contacts by slot, and the hasher of their identifiers.
#[derive(Debug, Default)]
struct Slots {
    packed: Vec<Option<Packed>>,
    /// Slots freed by a rolled-back creation, used again first.
    free: Vec<u32>,
    hasher: RandomState,
}

impl Slots {
    fn get(&self, slot: u32) -> Option<&Packed> {
        self.packed.get(slot as usize)?.as_ref()
    }

    /// A slot for a new contact.
    fn claim(&mut self) -> Result<u32> {
        if let Some(slot) = self.free.pop() {
            return Ok(slot);
        }
        let slot = u32::try_from(self.packed.len())
            .map_err(|_| Error::storage("the memory store cannot hold more contacts"))?;
        self.packed.push(None);
        Ok(slot)
    }

    /// Stores `new` in `slot` (freeing it for `None`) and returns what was there.
    fn put(&mut self, slot: u32, new: Option<Packed>) -> Option<Packed> {
        let place = self.packed.get_mut(slot as usize)?;
        if new.is_none() {
            self.free.push(slot);
        }
        std::mem::replace(place, new)
    }

    /// The identifiers of the contact in `slot`; none for an empty slot (or bytes
    /// that do not read, which `pack` never writes).
    fn keys(&self, slot: u32) -> Vec<Key<'_>> {
        self.get(slot)
            .and_then(|packed| IdentifierList::of(packed).ok()?.all().ok())
            .unwrap_or_default()
    }

    fn key_at(&self, holder: Holder) -> Option<Key<'_>> {
        let identifiers = IdentifierList::of(self.get(holder.slot)?).ok()?;
        identifiers.get(holder.position as usize).ok()
    }

    fn hash(&self, key: Key) -> u64 {
        self.hasher.hash_one(key)
    }

    fn hash_at(&self, holder: Holder) -> u64 {
        self.key_at(holder).map_or(0, |key| self.hash(key))
    }
}
