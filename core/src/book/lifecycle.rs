//! A profile's lifecycle past create and delete: `merge` folds a duplicate into the
//! contact it duplicates, `export_contact` hands over everything held about a contact,
//! and `erase` forgets one for good while its addresses stay blocked.
//!
//! Erased addresses. Suppressions belong to addresses, and an erased contact's must
//! keep blocking its email and phone, or a later import of the address would mail a
//! person who unsubscribed. So erase moves them from the address to a keyed one-way
//! hash of it ([`ERASED_ADDRESS_PREFIX`] + HMAC-SHA256 with the book's secret key): the
//! store no longer holds the address, but whoever has the address finds its records.
//! When a contact takes the address again, or a caller suppresses it by address, the
//! records move back to the address in clear (the book holds it again, for that
//! contact), so every other read keeps looking at clear addresses only.

use super::{ContactBook, Unit};
use crate::model::{ChangeOp, Contact, ContactExport, ContactRecord, SuppressionRecord};
use crate::store::{ActivityFilter, ERASED_ADDRESS_PREFIX};
use crate::{Error, Result};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;

/// What a unit of work has read about erased addresses, on first need.
#[derive(Default)]
pub(super) struct Erasures {
    /// Whether the book keeps any suppression at an erased address.
    any: Option<bool>,
    /// The book's erasure key.
    key: Option<Vec<u8>>,
}

impl ContactBook {
    /// Folds the contact `from_id` into `into_id` (the same person found twice): `into`
    /// keeps every value it has and `from` fills what it lacks (names, email, phone,
    /// keys, Telegram, address, location, time zone, language, each field); devices,
    /// web push subscriptions, categories, static segments and the whole timeline move
    /// to `into`; suppressions stay on their addresses, and `from`'s push and Telegram
    /// suppressions join `into`'s, so the stricter consent wins. `from`'s identifiers
    /// that `into` has its own value for are released. Afterwards `from_id` is an alias:
    /// `get(from_id)` and every operation taking an id act on `into`.
    ///
    /// Merging a contact into itself (or into a contact it was merged into before), or
    /// a deleted contact either way, is a validation error; an unknown id is not-found.
    pub fn merge(&self, into_id: &str, from_id: &str) -> Result<Contact> {
        self.atomic(|unit| {
            let into = unit.mergeable("into_id", into_id)?;
            let from = unit.mergeable("from_id", from_id)?;
            if into.id == from.id {
                return Err(Error::validation(
                    "from_id",
                    from_id,
                    "is the contact merged into: a contact cannot be merged into itself",
                ));
            }
            unit.tx.move_timeline(&from.id, &into.id)?;
            unit.move_suppressions(&from.id, &into.id)?;
            // Before the removal, which forgets the ids merged into `from` earlier.
            unit.tx.put_merged(&from.id, &into.id)?;
            unit.tx.remove_contact(&from.id)?;
            let from_id = from.id.clone();
            let merged = unit.save(fold(into, from))?;
            unit.note_merged(&merged.id, &from_id);
            unit.view(merged)
        })
    }

    /// Everything the book holds about the contact `id` (deleted or not): the profile,
    /// the whole timeline and the suppression records at its addresses.
    pub fn export_contact(&self, id: &str) -> Result<ContactExport> {
        self.read(|unit| {
            let record = unit
                .contact(id)?
                .ok_or_else(|| Error::not_found("contact", id))?;
            let activity = unit
                .tx
                .activities(&record.id, &ActivityFilter::everything())?;
            let addresses: Vec<&str> = [record.email.as_deref(), record.phone.as_deref()]
                .into_iter()
                .flatten()
                .chain([record.id.as_str()])
                .collect();
            let mut held: HashMap<String, Vec<SuppressionRecord>> =
                unit.tx.suppressions_at(&addresses)?.into_iter().collect();
            let suppressions = addresses
                .iter()
                .flat_map(|address| held.remove(*address).unwrap_or_default())
                .collect();
            let contact = unit.view(record)?;
            Ok(ContactExport {
                contact,
                activity,
                suppressions,
            })
        })
    }

    /// Forgets the contact `id` (deleted or not) for good: its profile, devices,
    /// timeline, field values, memberships and merged ids are removed from the store,
    /// not hidden, and `restore` fails. The suppressions at its email and phone are
    /// kept under a keyed hash of the address (see the module's documentation), so
    /// `suppressions` and `can_send` still find them by the address; its push and
    /// Telegram suppressions go with it. The feed gets an `erased` change carrying
    /// the id alone. On SQLite the freed space is zeroed and the write-ahead log is
    /// checkpointed and truncated before this returns.
    pub fn erase(&self, id: &str) -> Result<()> {
        self.atomic(|unit| {
            let record = unit
                .contact(id)?
                .ok_or_else(|| Error::not_found("contact", id))?;
            unit.tx.remove_contact(&record.id)?;
            for address in [record.email.as_deref(), record.phone.as_deref()]
                .into_iter()
                .flatten()
            {
                unit.hide_suppressions(address)?;
            }
            unit.tx.put_suppressions(&record.id, &[])?;
            unit.note(ChangeOp::Erased, &record.id);
            Ok(())
        })?;
        self.store.purge_removed()
    }
}

impl Unit<'_> {
    /// The contact `id` names for a merge: a live one.
    fn mergeable(&mut self, field: &str, id: &str) -> Result<ContactRecord> {
        match self.contact(id)? {
            None => Err(Error::not_found("contact", id)),
            Some(record) if record.deleted_at.is_some() => Err(Error::validation(
                field,
                id,
                "the contact is deleted: restore it before merging",
            )),
            Some(record) => Ok(record),
        }
    }

    /// Moves the suppressions kept at the id `from` (push, Telegram) to the id `into`.
    fn move_suppressions(&mut self, from: &str, into: &str) -> Result<()> {
        self.move_records(from, into).map(drop)
    }

    /// Moves the records at `address` to its erased form (after any kept there from an
    /// earlier erasure of the same address).
    fn hide_suppressions(&mut self, address: &str) -> Result<()> {
        let hidden = self.erased_address(address)?;
        if self.move_records(address, &hidden)? {
            self.erasures.any = Some(true);
        }
        Ok(())
    }

    /// The records kept for an erased contact at `address`, moved back to the address
    /// in clear: the book holds the address again (a contact took it, or a caller
    /// suppressed it by address). One quick read when the book has erased nobody.
    pub(super) fn reveal_erased(&mut self, address: &str) -> Result<()> {
        if !self.any_erased()? {
            return Ok(());
        }
        let hidden = self.erased_address(address)?;
        self.move_records(&hidden, address).map(drop)
    }

    /// Moves every suppression record kept at `from` to `to`, among those kept there,
    /// oldest first; whether there were any.
    fn move_records(&mut self, from: &str, to: &str) -> Result<bool> {
        let moved = self.tx.suppressions(from)?;
        if moved.is_empty() {
            return Ok(false);
        }
        let mut kept = self.tx.suppressions(to)?;
        kept.extend(moved.into_iter().map(|record| SuppressionRecord {
            address: to.to_string(),
            ..record
        }));
        kept.sort_by_key(|record| record.at);
        self.tx.put_suppressions(to, &kept)?;
        self.tx.put_suppressions(from, &[])?;
        Ok(true)
    }

    /// The records kept at the erased form of `address`, shown at the address itself
    /// (what `suppressions(channel, address)` adds to the records in clear).
    pub(super) fn erased_suppressions(&mut self, address: &str) -> Result<Vec<SuppressionRecord>> {
        if !self.any_erased()? {
            return Ok(Vec::new());
        }
        let hidden = self.erased_address(address)?;
        let records = self.tx.suppressions(&hidden)?;
        Ok(records
            .into_iter()
            .map(|record| SuppressionRecord {
                address: address.to_string(),
                ..record
            })
            .collect())
    }

    fn any_erased(&mut self) -> Result<bool> {
        if let Some(any) = self.erasures.any {
            return Ok(any);
        }
        let any = self.tx.has_erased_addresses()?;
        self.erasures.any = Some(any);
        Ok(any)
    }

    /// The key suppressions at `address` are kept under once its contact is erased.
    fn erased_address(&mut self, address: &str) -> Result<String> {
        let key = match &self.erasures.key {
            Some(key) => key,
            None => self.erasures.key.insert(self.tx.erasure_key()?),
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(key)
            .map_err(|_| Error::storage("the book's erasure key is unusable"))?;
        mac.update(address.as_bytes());
        let digest = mac.finalize().into_bytes();
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
        Ok(format!("{ERASED_ADDRESS_PREFIX}{encoded}"))
    }
}

/// `into` with the gaps `from` fills and `from`'s collections added (see
/// [`ContactBook::merge`]).
fn fold(mut into: ContactRecord, from: ContactRecord) -> ContactRecord {
    fn fill<T>(kept: &mut Option<T>, other: Option<T>) {
        if kept.is_none() {
            *kept = other;
        }
    }
    if into.email.is_none() {
        into.email = from.email;
        into.email_confirmed = from.email_confirmed;
    }
    if into.phone.is_none() {
        into.phone = from.phone;
        into.phone_confirmed = from.phone_confirmed;
    }
    fill(&mut into.first_name, from.first_name);
    fill(&mut into.last_name, from.last_name);
    fill(&mut into.external_id, from.external_id);
    fill(&mut into.contact_key, from.contact_key);
    fill(&mut into.telegram, from.telegram);
    fill(&mut into.address, from.address);
    fill(&mut into.location, from.location);
    fill(&mut into.timezone, from.timezone);
    fill(&mut into.language, from.language);
    for device in from.devices {
        let installed = into
            .devices
            .iter()
            .any(|d| d.app_id == device.app_id && d.device_id == device.device_id);
        if !installed {
            into.devices.push(device);
        }
    }
    into.web_push.extend(from.web_push);
    into.categories.extend(from.categories);
    into.segments.extend(from.segments);
    for (key, value) in from.fields {
        into.fields.entry(key).or_insert(value);
    }
    into.created_at = into.created_at.min(from.created_at);
    into
}
