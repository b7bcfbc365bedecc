//! Profile operations: create, upsert, update, look up, list, delete and restore.

use super::checked::CheckedInput;
use super::merge::{describe, Merged};
use super::{ContactBook, Unit};
use crate::model::{
    ChangeOp, Contact, ContactInput, ContactRecord, DedupeOn, Identifier, ListQuery, Page, Patch,
    Source,
};
use crate::store::Parts;
use crate::validate::{self, limits};
use crate::{Error, Result};
use std::collections::HashMap;

/// Page size of `list` and `segment_members` when none is asked for.
pub(super) const DEFAULT_PAGE: u32 = 100;

/// Whether an upsert made a new contact or changed an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Created,
    Updated,
}

impl ContactBook {
    /// Creates a contact. Fails with a conflict if its email, phone, external id or
    /// contact key belongs to another contact; push tokens and endpoints move to it.
    pub fn create(&self, input: ContactInput) -> Result<Contact> {
        let mut checked = self.replayable(self.check_input(input)?);
        self.atomic(|unit| {
            let checked = checked.take()?;
            let source = checked.input.source.unwrap_or_default();
            let blank = unit.blank_record(checked.id.clone(), source);
            if unit.contact(&blank.id)?.is_some() {
                return Err(Error::conflict(
                    "id",
                    &blank.id,
                    format!("contact {}", blank.id),
                    &blank.id,
                ));
            }
            let record = unit.merge(blank, checked, source, true)?;
            unit.view(record)
        })
    }

    /// Updates the contact matched by `dedupe_on` (or by a push token or web push
    /// endpoint the input carries), or creates one. Keys absent from the input keep
    /// their values; keys given as null are cleared.
    pub fn upsert(&self, input: ContactInput, dedupe_on: DedupeOn) -> Result<Contact> {
        let mut checked = self.replayable(self.check_input(input)?);
        self.atomic(|unit| {
            let checked = checked.take()?;
            let source = checked.input.source.unwrap_or_default();
            let (record, _) = unit.upsert(checked, dedupe_on, source)?;
            unit.view(record)
        })
    }

    /// Adds a contact from a sign-up form: matched on email or phone like an upsert,
    /// with any new email or phone `unconfirmed` until [`ContactBook::confirm`].
    pub fn sign_up(&self, input: ContactInput) -> Result<Contact> {
        let mut checked = self.replayable(self.check_input(input)?);
        self.atomic(|unit| {
            let (record, _) = unit.upsert(
                checked.take()?,
                DedupeOn::EmailOrPhone,
                Source::SubscriptionForm,
            )?;
            unit.view(record)
        })
    }

    /// Changes a live contact: absent keys stay, null keys are cleared.
    pub fn update(&self, id: &str, patch: ContactInput) -> Result<Contact> {
        let mut checked = self.replayable(self.check_input(patch)?);
        self.atomic(|unit| {
            let before = unit.live_contact(id)?;
            let checked = checked.take()?;
            let source = checked.input.source.unwrap_or_default();
            let record = unit.merge(before, checked, source, false)?;
            unit.view(record)
        })
    }

    /// The live contact with `id`, or `None`.
    pub fn get(&self, id: &str) -> Result<Option<Contact>> {
        self.read(|unit| match unit.contact(id)? {
            Some(record) if record.deleted_at.is_none() => unit.view(record).map(Some),
            _ => Ok(None),
        })
    }

    /// The live contact with this email (normalised first), or `None`: also when
    /// the text is no email at all, since no contact can hold it.
    pub fn find_by_email(&self, email: &str) -> Result<Option<Contact>> {
        match validate::normalize_email(email) {
            Ok(email) => self.find_by(Identifier::Email(email)),
            Err(_) => Ok(None),
        }
    }

    /// The live contact with this phone (international form, or national in the
    /// book's default region), or `None`: also when the text is no phone number.
    pub fn find_by_phone(&self, phone: &str) -> Result<Option<Contact>> {
        match validate::normalize_phone(phone, self.phone_region(None)) {
            Ok(phone) => self.find_by(Identifier::Phone(phone)),
            Err(_) => Ok(None),
        }
    }

    /// The live contact with this contact key, or `None`.
    pub fn find_by_key(&self, contact_key: &str) -> Result<Option<Contact>> {
        self.find_by(Identifier::ContactKey(contact_key.trim().to_string()))
    }

    /// The live contact with this external id, or `None`.
    pub fn find_by_external_id(&self, external_id: &str) -> Result<Option<Contact>> {
        self.find_by(Identifier::ExternalId(external_id.trim().to_string()))
    }

    /// The live contact `who` names by any identifier a lookup takes, tried in this
    /// order: id (any case), email, phone, external id, contact key; or `None`.
    pub fn find(&self, who: &str) -> Result<Option<Contact>> {
        self.read(|unit| match unit.live_contact_named(who, Parts::ALL)? {
            Some(record) => unit.view(record).map(Some),
            None => Ok(None),
        })
    }

    /// The live contact holding this mobile push token, or `None`.
    pub fn find_by_push_token(&self, token: &str) -> Result<Option<Contact>> {
        self.find_by(Identifier::PushToken(token.trim().to_string()))
    }

    /// The live contact holding the web push subscription with this endpoint
    /// (normalised first, as it is stored), or `None`: also when the text is no
    /// endpoint.
    pub fn find_by_web_push_endpoint(&self, endpoint: &str) -> Result<Option<Contact>> {
        match validate::normalize_endpoint(endpoint) {
            Ok(endpoint) => self.find_by(Identifier::WebPushEndpoint(endpoint)),
            Err(_) => Ok(None),
        }
    }

    fn find_by(&self, identifier: Identifier) -> Result<Option<Contact>> {
        self.read(|unit| match unit.find_live(&identifier, Parts::ALL)? {
            Some(record) => unit.view(record).map(Some),
            None => Ok(None),
        })
    }

    /// Soft-deletes a contact: it disappears from `get`, the finders and lists until
    /// restored, and its email and phone stay reserved.
    pub fn delete(&self, id: &str) -> Result<()> {
        self.atomic(|unit| {
            let mut record = unit.live_contact(id)?;
            record.deleted_at = Some(unit.now);
            let record = unit.save(record)?;
            unit.note(ChangeOp::Deleted, &record.id);
            Ok(())
        })
    }

    /// Brings back a soft-deleted contact (a live one is returned unchanged).
    pub fn restore(&self, id: &str) -> Result<Contact> {
        self.atomic(|unit| {
            let mut record = unit
                .contact(id)?
                .ok_or_else(|| Error::not_found("contact", id))?;
            if record.deleted_at.take().is_some() {
                record = unit.save(record)?;
                unit.note(ChangeOp::Restored, &record.id);
            }
            unit.view(record)
        })
    }

    /// Live contacts in id (creation) order, a page at a time.
    pub fn list(&self, query: &ListQuery) -> Result<Page<Contact>> {
        let limit = page_size(query.limit, DEFAULT_PAGE)?;
        let after = contact_cursor(query.cursor.as_deref())?;
        self.read(|unit| {
            let records = unit.tx.live_contacts(after.as_deref(), limit + 1)?;
            unit.page_of_contacts(records, limit)
        })
    }

    /// How many live contacts the book holds.
    pub fn count(&self) -> Result<u64> {
        self.read(|unit| unit.tx.count_live_contacts())
    }
}

/// Checks a requested page size; `default` when none is asked for.
pub(super) fn page_size(limit: Option<u32>, default: u32) -> Result<usize> {
    match limit.unwrap_or(default) {
        0 => Err(Error::validation("limit", "0", "must be at least 1")),
        n if n > limits::MAX_PAGE => Err(Error::validation(
            "limit",
            n.to_string(),
            format!("must be at most {}", limits::MAX_PAGE),
        )),
        n => Ok(n as usize),
    }
}

/// A contact page's cursor is the id of the last contact shown: anything that is not
/// an id is refused, so a garbled cursor cannot pass for an empty last page.
pub(super) fn contact_cursor(cursor: Option<&str>) -> Result<Option<String>> {
    cursor
        .map(|cursor| {
            validate::normalize_contact_id(cursor)
                .map_err(|_| Error::validation("cursor", cursor, "not a cursor this book returned"))
        })
        .transpose()
}

impl Unit<'_> {
    /// The live contact a caller names by any identifier a lookup takes, tried in
    /// this order: its id (any case), email, phone (national numbers in the book's
    /// default region), external id, contact key. Only the child rows `parts` names
    /// are read.
    pub(super) fn live_contact_named(
        &mut self,
        who: &str,
        parts: Parts,
    ) -> Result<Option<ContactRecord>> {
        Ok(self.live_contacts_named(&[who], parts)?.pop().flatten())
    }

    /// [`Unit::live_contact_named`] for each of `names`, in order, with at most three
    /// reads for all of them: the names that are contact ids, then the holders of every
    /// identifier the others could be, then those holders. A name that is the id of a
    /// live contact (`can_send(id, …)`, the call a sender makes most) costs one read.
    pub(super) fn live_contacts_named<S: AsRef<str>>(
        &mut self,
        names: &[S],
        parts: Parts,
    ) -> Result<Vec<Option<ContactRecord>>> {
        let ids: Vec<Option<String>> = names
            .iter()
            .map(|who| validate::normalize_contact_id(who.as_ref()).ok())
            .collect();
        let mut live = self.live_by_id(ids.iter().flatten().map(String::as_str), parts)?;
        let mut found: Vec<Option<ContactRecord>> = ids
            .iter()
            .map(|id| id.as_ref().and_then(|id| live.get(id).cloned()))
            .collect();
        self.follow_merged_ids(&ids, &mut found, parts)?;
        let unresolved: Vec<usize> = (0..names.len()).filter(|&i| found[i].is_none()).collect();
        if unresolved.is_empty() {
            return Ok(found);
        }
        let region = self.book.phone_region(None);
        let identifiers_of = |who: &str| {
            let text = who.trim().to_string();
            let mut identifiers = Vec::new();
            identifiers.extend(validate::normalize_email(who).ok().map(Identifier::Email));
            identifiers.extend(
                validate::normalize_phone(who, region)
                    .ok()
                    .map(Identifier::Phone),
            );
            identifiers.push(Identifier::ExternalId(text.clone()));
            identifiers.push(Identifier::ContactKey(text));
            identifiers
        };
        let identifiers: Vec<Vec<Identifier>> = unresolved
            .iter()
            .map(|&i| identifiers_of(names[i].as_ref()))
            .collect();
        let everyone: Vec<Identifier> = identifiers
            .iter()
            .flatten()
            .filter(|identifier| super::storable(identifier))
            .cloned()
            .collect();
        let holders: HashMap<Identifier, String> =
            self.tx.contact_ids_by(&everyone)?.into_iter().collect();
        // Each unresolved name's holders, in the order its identifiers are tried.
        let candidates: Vec<Vec<&String>> = identifiers
            .iter()
            .map(|identifiers| identifiers.iter().filter_map(|i| holders.get(i)).collect())
            .collect();
        let more = candidates
            .iter()
            .flatten()
            .map(|id| id.as_str())
            .filter(|id| !live.contains_key(*id));
        let more = self.live_by_id(more, parts)?;
        live.extend(more);
        for (&i, candidates) in unresolved.iter().zip(&candidates) {
            found[i] = candidates.iter().find_map(|id| live.get(*id).cloned());
        }
        Ok(found)
    }

    /// Fills each gap of `found` whose name is the id of a contact merged away with
    /// the live contact it was merged into: two reads, and none when every name that
    /// is an id was found.
    fn follow_merged_ids(
        &mut self,
        ids: &[Option<String>],
        found: &mut [Option<ContactRecord>],
        parts: Parts,
    ) -> Result<()> {
        let missing: Vec<&str> = ids
            .iter()
            .zip(found.iter())
            .filter(|(_, record)| record.is_none())
            .filter_map(|(id, _)| id.as_deref())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let merged: HashMap<String, String> = self.tx.merged_into(&missing)?.into_iter().collect();
        if merged.is_empty() {
            return Ok(());
        }
        let live = self.live_by_id(merged.values().map(String::as_str), parts)?;
        for (id, record) in ids.iter().zip(found.iter_mut()) {
            if record.is_none() {
                let into = id.as_ref().and_then(|id| merged.get(id));
                *record = into.and_then(|into| live.get(into).cloned());
            }
        }
        Ok(())
    }

    /// The live contacts among `ids`, by id, in one read (none when `ids` is empty).
    fn live_by_id<'i>(
        &mut self,
        ids: impl Iterator<Item = &'i str>,
        parts: Parts,
    ) -> Result<HashMap<String, ContactRecord>> {
        let mut ids: Vec<&str> = ids.collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(self
            .tx
            .contacts_with(&ids, parts)?
            .into_iter()
            .filter(|record| record.deleted_at.is_none())
            .map(|record| (record.id.clone(), record))
            .collect())
    }

    /// The live contact holding `identifier`, with the child rows `parts` names.
    fn find_live(
        &mut self,
        identifier: &Identifier,
        parts: Parts,
    ) -> Result<Option<ContactRecord>> {
        let Some(id) = self.holder_of(identifier)? else {
            return Ok(None);
        };
        Ok(self
            .tx
            .contact_with(&id, parts)?
            .filter(|record| record.deleted_at.is_none()))
    }

    /// Upserts within the current unit of work (shared by `upsert` and `sign_up`).
    pub(super) fn upsert(
        &mut self,
        checked: CheckedInput,
        dedupe_on: DedupeOn,
        source: Source,
    ) -> Result<(ContactRecord, Outcome)> {
        let (merged, outcome) = self.prepare_upsert(checked, dedupe_on, source)?;
        Ok((self.commit(merged)?, outcome))
    }

    /// Everything [`Unit::upsert`] does but write (`import_contacts` looks for every
    /// problem of a row before it writes any of it).
    pub(super) fn prepare_upsert(
        &mut self,
        checked: CheckedInput,
        dedupe_on: DedupeOn,
        source: Source,
    ) -> Result<(Merged, Outcome)> {
        match self.match_existing(&checked, dedupe_on)? {
            Some(existing) => {
                let merged = self.prepare_merge(existing, checked, source, false)?;
                Ok((merged, Outcome::Updated))
            }
            None => {
                let blank = self.blank_record(checked.id.clone(), source);
                let merged = self.prepare_merge(blank, checked, source, true)?;
                Ok((merged, Outcome::Created))
            }
        }
    }

    /// The contact an upsert lands on: the one holding the dedupe key, else the one
    /// holding a push token or endpoint of the input (a profile started from an app
    /// install). An input that carries an existing contact's id lands on it. A key
    /// held by a deleted contact is a conflict (restore it first); a token on a
    /// deleted contact simply moves.
    fn match_existing(
        &mut self,
        checked: &CheckedInput,
        dedupe_on: DedupeOn,
    ) -> Result<Option<ContactRecord>> {
        let input = &checked.input;
        let key = dedupe_key(checked, dedupe_on)?;
        let by_key = match &key {
            DedupeKey::Id(id) => self.contact(id)?,
            DedupeKey::Identifiers(identifiers) => {
                let mut found = None;
                for identifier in identifiers {
                    if let Some(id) = self.holder_of(identifier)? {
                        found = self.tx.contact(&id)?;
                        break;
                    }
                }
                found
            }
        };
        if let Some(record) = by_key.as_ref().filter(|r| r.deleted_at.is_some()) {
            return Err(Error::conflict(
                dedupe_on.as_str(),
                dedupe_value(input, dedupe_on),
                describe(record),
                &record.id,
            ));
        }
        // A caller-made id names its contact whatever the dedupe key: the input may
        // not overwrite that contact with a new one, nor merge into another.
        let by_id = match (&checked.id, dedupe_on) {
            (
                Some(id),
                DedupeOn::Email
                | DedupeOn::Phone
                | DedupeOn::EmailOrPhone
                | DedupeOn::ContactKey
                | DedupeOn::ExternalId,
            ) => self.contact(id)?,
            _ => None,
        };
        match (by_key, by_id) {
            (Some(key_match), Some(id_match)) if key_match.id != id_match.id => {
                Err(Error::conflict(
                    dedupe_on.as_str(),
                    dedupe_value(input, dedupe_on),
                    describe(&key_match),
                    &key_match.id,
                ))
            }
            (Some(record), _) => Ok(Some(record)),
            (None, Some(record)) if record.deleted_at.is_some() => Err(Error::conflict(
                "id",
                &record.id,
                describe(&record),
                &record.id,
            )),
            (None, Some(record)) => Ok(Some(record)),
            (None, None) => self.match_by_token(checked, &key),
        }
    }

    /// The contact holding a changeable identifier of the input (a push token, web
    /// push endpoint or Telegram chat), when the upsert may land on it: only if it
    /// has no value for the dedupe key, or the same one. A token never rewrites a
    /// lasting id: a holder with another value keeps it, and the token moves to the
    /// new contact instead.
    fn match_by_token(
        &mut self,
        checked: &CheckedInput,
        key: &DedupeKey,
    ) -> Result<Option<ContactRecord>> {
        for identifier in checked.changeable_identifiers() {
            if let Some(record) = self.find_live(&identifier, Parts::ALL)? {
                if key.fits(&record) {
                    return Ok(Some(record));
                }
            }
        }
        Ok(None)
    }

    /// Turns up to `limit + 1` records into a page whose cursor is the last id shown.
    pub(super) fn page_of_contacts(
        &mut self,
        mut records: Vec<ContactRecord>,
        limit: usize,
    ) -> Result<Page<Contact>> {
        let has_more = records.len() > limit;
        records.truncate(limit);
        let next_cursor = has_more
            .then(|| records.last().map(|r| r.id.clone()))
            .flatten();
        let items = self.view_all(records)?;
        Ok(Page { items, next_cursor })
    }
}

/// The input's value of the dedupe key, normalised as stored.
enum DedupeKey {
    Id(String),
    Identifiers(Vec<Identifier>),
}

impl DedupeKey {
    /// Whether `holder` may be the input's contact by this key: it holds no value of
    /// each kind the input gives, or the same value.
    fn fits(&self, holder: &ContactRecord) -> bool {
        match self {
            DedupeKey::Id(id) => &holder.id == id,
            DedupeKey::Identifiers(given) => {
                let held = holder.identifiers();
                given.iter().all(|identifier| {
                    let same_kind = |other: &&Identifier| {
                        std::mem::discriminant(*other) == std::mem::discriminant(identifier)
                    };
                    held.iter()
                        .filter(same_kind)
                        .all(|value| value == identifier)
                })
            }
        }
    }
}

/// Whether the input gives a value for its dedupe key (a value that may still be
/// refused).
pub(super) fn has_dedupe_key(checked: &CheckedInput, dedupe_on: DedupeOn) -> bool {
    let set = |patch: &Patch<String>| patch.as_set().is_some();
    match dedupe_on {
        DedupeOn::Id => checked.id.is_some(),
        DedupeOn::Email => set(&checked.email),
        DedupeOn::Phone => checked.phone.as_set().is_some(),
        DedupeOn::EmailOrPhone => set(&checked.email) || checked.phone.as_set().is_some(),
        DedupeOn::ContactKey => set(&checked.contact_key),
        DedupeOn::ExternalId => set(&checked.external_id),
    }
}

/// The input's dedupe key, as the store keeps it.
fn dedupe_key(checked: &CheckedInput, dedupe_on: DedupeOn) -> Result<DedupeKey> {
    let email = || checked.email.as_set().cloned().map(Identifier::Email);
    // The phone read in the region the input implies: the contact is not known yet.
    let phone = || -> Result<Option<Identifier>> {
        checked
            .phone
            .as_set()
            .map(|p| p.normalized.clone().map(Identifier::Phone))
            .transpose()
    };
    let identifiers = |patch: &Patch<String>, make: fn(String) -> Identifier| {
        patch.as_set().cloned().map(make).into_iter().collect()
    };
    Ok(match dedupe_on {
        DedupeOn::Id => match &checked.id {
            Some(id) => DedupeKey::Id(id.clone()),
            None => DedupeKey::Identifiers(Vec::new()),
        },
        DedupeOn::Email => DedupeKey::Identifiers(email().into_iter().collect()),
        DedupeOn::Phone => DedupeKey::Identifiers(phone()?.into_iter().collect()),
        DedupeOn::EmailOrPhone => {
            DedupeKey::Identifiers(email().into_iter().chain(phone()?).collect())
        }
        DedupeOn::ContactKey => {
            DedupeKey::Identifiers(identifiers(&checked.contact_key, Identifier::ContactKey))
        }
        DedupeOn::ExternalId => {
            DedupeKey::Identifiers(identifiers(&checked.external_id, Identifier::ExternalId))
        }
    })
}

fn dedupe_value(input: &ContactInput, dedupe_on: DedupeOn) -> String {
    let value = match dedupe_on {
        DedupeOn::Id => input.id.clone(),
        DedupeOn::Email => input.email.as_set().cloned(),
        DedupeOn::Phone => input.phone.as_set().cloned(),
        DedupeOn::EmailOrPhone => input.email.as_set().or(input.phone.as_set()).cloned(),
        DedupeOn::ContactKey => input.contact_key.as_set().cloned(),
        DedupeOn::ExternalId => input.external_id.as_set().cloned(),
    };
    value.unwrap_or_default()
}
