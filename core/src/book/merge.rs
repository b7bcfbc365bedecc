//! Applying a checked [`crate::model::ContactInput`] to a contact: check what needs the store or the
//! clock, merge it in, then claim the contact's unique identifiers. All checks run
//! before anything is written, so a rejected input leaves the store untouched even
//! inside a larger unit of work (an import batch).

use super::checked::{CheckedInput, CheckedPhone, ConsentClaim};
use super::{FieldDefinitions, Unit};
use crate::model::{
    ChangeOp, Channel, ChannelStatus, ContactRecord, DeviceInput, FieldInput, Identifier,
    LocationInput, LocationSource, MobilePushDevice, Patch, Source, SuppressionKind, WebPushInput,
    WebPushSubscription,
};
use crate::validate;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// A contact merged and checked, not yet written (see [`Unit::prepare_merge`]).
pub(super) struct Merged {
    record: ContactRecord,
    /// Other contacts without the push tokens, endpoints or chat the record claimed.
    displaced: Vec<ContactRecord>,
    /// The suppressions the input's consent states record, once the record is saved.
    suppressions: Vec<Suppression>,
    is_new: bool,
}

/// A suppression to record: where, what, when and why.
type Suppression = (
    Channel,
    String,
    SuppressionKind,
    DateTime<Utc>,
    Option<String>,
);

impl Unit<'_> {
    /// A blank contact, to be filled by [`Unit::merge`]: with the caller's checked
    /// id, or a new one.
    pub(super) fn blank_record(&self, id: Option<String>, source: Source) -> ContactRecord {
        let id = id.unwrap_or_else(|| self.new_id());
        ContactRecord {
            id,
            external_id: None,
            contact_key: None,
            first_name: None,
            last_name: None,
            email: None,
            email_confirmed: true,
            phone: None,
            phone_confirmed: true,
            devices: Vec::new(),
            web_push: Vec::new(),
            telegram: None,
            categories: BTreeSet::new(),
            address: None,
            location: None,
            timezone: None,
            language: None,
            segments: BTreeSet::new(),
            fields: BTreeMap::new(),
            created_at: self.now,
            updated_at: self.now,
            source,
            deleted_at: None,
        }
    }

    /// Merges a checked input into `before` (a stored contact, or a blank one when
    /// `is_new`), checking what needs the store or the clock, moves claimed push
    /// tokens and endpoints off other contacts, and saves.
    pub(super) fn merge(
        &mut self,
        before: ContactRecord,
        checked: CheckedInput,
        source: Source,
        is_new: bool,
    ) -> Result<ContactRecord> {
        let merged = self.prepare_merge(before, checked, source, is_new)?;
        self.commit(merged)
    }

    /// Everything [`Unit::merge`] does but write: the merged contact, checked against
    /// the store, ready for [`Unit::commit`]. An import uses it to look for every
    /// problem of a row it will reject without writing any of it.
    pub(super) fn prepare_merge(
        &mut self,
        before: ContactRecord,
        checked: CheckedInput,
        source: Source,
        is_new: bool,
    ) -> Result<Merged> {
        let CheckedInput {
            input,
            id: _,
            first_name,
            last_name,
            external_id,
            contact_key,
            address,
            timezone,
            language,
            telegram,
            email,
            phone,
            consent,
        } = checked;
        let mut record = before.clone();
        record.first_name = first_name.apply_to(record.first_name);
        record.last_name = last_name.apply_to(record.last_name);
        record.external_id = external_id.apply_to(record.external_id);
        record.contact_key = contact_key.apply_to(record.contact_key);
        record.address = match address {
            Patch::Keep => record.address,
            Patch::Clear | Patch::Set(None) => None,
            Patch::Set(Some(address)) => Some(address),
        };
        record.timezone = timezone.apply_to(record.timezone);
        record.language = language.apply_to(record.language);
        record.telegram = telegram.apply_to(record.telegram);
        apply_email(&mut record, email, source);
        self.apply_phone(&mut record, phone, source)?;
        self.apply_location(&mut record, input.location)?;
        match input.mobile_push {
            Patch::Keep => {}
            Patch::Clear => record.devices.clear(),
            Patch::Set(devices) => {
                self.register_devices(&mut record, &devices, true, "mobile_push")?
            }
        }
        match input.web_push {
            Patch::Keep => {}
            Patch::Clear => record.web_push.clear(),
            Patch::Set(subscriptions) => self.register_web_push(&mut record, &subscriptions)?,
        }
        if let Some(keys) = patch_list(input.categories) {
            self.set_categories(&mut record, &keys)?;
        }
        if let Some(ids) = patch_list(input.segments) {
            self.set_static_segments(&mut record, &ids)?;
        }
        self.apply_fields(&mut record, input.fields, source, is_new)?;
        let suppressions = self.apply_consent(&mut record, consent)?;
        let displaced = self.claim_identifiers(&record, &before)?;
        Ok(Merged {
            record,
            displaced,
            suppressions,
            is_new,
        })
    }

    /// Writes a merged contact: the contacts its push tokens and endpoints moved off,
    /// the contact, and the suppressions its input recorded.
    pub(super) fn commit(&mut self, merged: Merged) -> Result<ContactRecord> {
        let Merged {
            record,
            displaced,
            suppressions,
            is_new,
        } = merged;
        for other in displaced {
            self.save(other)?;
        }
        let record = self.save(record)?;
        if is_new {
            self.note(ChangeOp::Created, &record.id);
        }
        for (channel, address, kind, at, reason) in suppressions {
            self.suppress(channel, &address, kind, at, reason)?;
        }
        Ok(record)
    }

    /// Saves `record`, first checking the identifiers it gained since `before` and
    /// moving claimed push tokens and endpoints off their previous contacts.
    pub(super) fn save_claiming(
        &mut self,
        record: ContactRecord,
        before: &ContactRecord,
    ) -> Result<ContactRecord> {
        let displaced = self.claim_identifiers(&record, before)?;
        for other in displaced {
            self.save(other)?;
        }
        self.save(record)
    }

    /// Applies the consent states an input carries to the merged contact: a pending
    /// double opt-in at once, suppressions returned to be recorded once it is saved.
    fn apply_consent(
        &mut self,
        record: &mut ContactRecord,
        claims: Vec<ConsentClaim>,
    ) -> Result<Vec<Suppression>> {
        let mut suppressions = Vec::new();
        for claim in claims {
            let address = match claim.channel {
                Channel::Email => record.email.clone(),
                _ => record.phone.clone(),
            };
            let Some(address) = address else {
                return Err(Error::validation(
                    claim.field,
                    claim.status.as_str(),
                    "the contact has no such address",
                ));
            };
            if let Some(at) = claim.at.filter(|at| *at > self.now) {
                return Err(Error::validation(
                    format!("{}_at", claim.field),
                    at.to_rfc3339(),
                    "is after the book's clock",
                ));
            }
            match (claim.suppression(), claim.channel) {
                (Some(kind), channel) => suppressions.push((
                    channel,
                    address,
                    kind,
                    claim.at.unwrap_or(self.now),
                    claim.reason,
                )),
                (None, Channel::Email) if claim.status == ChannelStatus::Unconfirmed => {
                    record.email_confirmed = false
                }
                (None, _) if claim.status == ChannelStatus::Unconfirmed => {
                    record.phone_confirmed = false
                }
                (None, _) => {}
            }
        }
        Ok(suppressions)
    }

    /// Sets the phone read in the contact's region (its country once the input's
    /// address is applied, else the book's default).
    fn apply_phone(
        &mut self,
        record: &mut ContactRecord,
        patch: Patch<CheckedPhone>,
        source: Source,
    ) -> Result<()> {
        match patch {
            Patch::Keep => {}
            Patch::Clear => {
                record.phone = None;
                record.phone_confirmed = true;
            }
            Patch::Set(checked) => {
                let country = record.address.as_ref().and_then(|a| a.country.as_deref());
                let phone = checked.in_region(self.book.phone_region(country))?;
                if record.phone.as_deref() != Some(phone.as_str()) {
                    record.phone_confirmed = source != Source::SubscriptionForm;
                    record.phone = Some(phone);
                }
            }
        }
        Ok(())
    }

    /// Sets the location, except that a manual location is never overwritten by a
    /// detected one (gps, ip).
    fn apply_location(
        &mut self,
        record: &mut ContactRecord,
        patch: Patch<LocationInput>,
    ) -> Result<()> {
        match patch {
            Patch::Keep => {}
            Patch::Clear => record.location = None,
            Patch::Set(input) => {
                let location = validate::validate_location(&input, self.now)
                    .map_err(|e| e.within("location"))?;
                let manual_kept = record.location.as_ref().is_some_and(|current| {
                    current.source == LocationSource::Manual
                        && location.source != LocationSource::Manual
                });
                if !manual_kept {
                    record.location = Some(location);
                }
            }
        }
        Ok(())
    }

    /// Adds or refreshes devices, keyed by (app, device). `field` names the input list
    /// in errors.
    pub(super) fn register_devices(
        &mut self,
        record: &mut ContactRecord,
        inputs: &[DeviceInput],
        token_required: bool,
        field: &str,
    ) -> Result<()> {
        for (i, input) in inputs.iter().enumerate() {
            let device = validate::validate_device(input, token_required, self.now)
                .map_err(|e| e.within(&format!("{field}[{i}]")))?;
            upsert_device(&mut record.devices, device, input);
        }
        Ok(())
    }

    /// Adds or refreshes web push subscriptions, keyed by endpoint.
    pub(super) fn register_web_push(
        &mut self,
        record: &mut ContactRecord,
        inputs: &[WebPushInput],
    ) -> Result<()> {
        for (i, input) in inputs.iter().enumerate() {
            let subscription = validate::validate_web_push(input, self.now)
                .map_err(|e| e.within(&format!("web_push[{i}]")))?;
            upsert_web_push(&mut record.web_push, subscription);
        }
        Ok(())
    }

    /// Replaces the contact's categories, keeping each category's segment in step.
    fn set_categories(&mut self, record: &mut ContactRecord, keys: &[String]) -> Result<()> {
        let mut wanted = BTreeSet::new();
        for key in keys {
            let key = key.trim();
            if self.read_category(key)?.is_none() {
                return Err(Error::validation("categories", key, "no such category"));
            }
            wanted.insert(key.to_string());
        }
        let current: Vec<String> = record.categories.iter().cloned().collect();
        for key in current.iter().filter(|key| !wanted.contains(*key)) {
            self.leave_category(record, key)?;
        }
        for key in wanted {
            self.join_category(record, &key)?;
        }
        Ok(())
    }

    /// Subscribes the contact to a category and its segment.
    pub(super) fn join_category(&mut self, record: &mut ContactRecord, key: &str) -> Result<()> {
        let category = self
            .read_category(key)?
            .ok_or_else(|| Error::not_found("category", key))?;
        record.categories.insert(category.key);
        record.segments.insert(category.segment_id);
        Ok(())
    }

    /// Unsubscribes the contact from a category and its segment.
    pub(super) fn leave_category(&mut self, record: &mut ContactRecord, key: &str) -> Result<()> {
        if let Some(category) = self.read_category(key)? {
            record.segments.remove(&category.segment_id);
        }
        record.categories.remove(key);
        Ok(())
    }

    /// Replaces the contact's static segments; category segments follow the
    /// categories and are left alone.
    fn set_static_segments(&mut self, record: &mut ContactRecord, ids: &[String]) -> Result<()> {
        let mut wanted = BTreeSet::new();
        for id in ids {
            let segment = self.static_segment(id).map_err(|e| match e {
                Error::NotFound { .. } => Error::validation("segments", id, "no such segment"),
                Error::Validation { reason, .. } => Error::validation("segments", id, reason),
                other => other,
            })?;
            wanted.insert(segment.id);
        }
        let mut kept = BTreeSet::new();
        for id in &record.segments {
            if self
                .read_segment(id)?
                .is_some_and(|s| s.category_key.is_some())
            {
                kept.insert(id.clone());
            }
        }
        record.segments = kept.into_iter().chain(wanted).collect();
        Ok(())
    }

    /// Parses field values against their definitions; checks readonly and required.
    fn apply_fields(
        &mut self,
        record: &mut ContactRecord,
        fields: BTreeMap<String, Option<FieldInput>>,
        source: Source,
        is_new: bool,
    ) -> Result<()> {
        if fields.is_empty() && !is_new {
            return Ok(());
        }
        let definitions = match self.definitions.take() {
            Some(cached) => cached,
            None => self
                .tx
                .field_definitions()?
                .into_iter()
                .map(|d| (d.key.clone(), d))
                .collect(),
        };
        let outcome = apply_field_values(record, fields, &definitions, source, is_new);
        self.definitions = Some(definitions);
        outcome
    }

    /// Checks every identifier `record` gained against other contacts: a lasting one
    /// held elsewhere is a conflict; a push token, endpoint or Telegram chat held
    /// elsewhere moves here.
    /// Returns the contacts to save without the moved tokens.
    fn claim_identifiers(
        &mut self,
        record: &ContactRecord,
        before: &ContactRecord,
    ) -> Result<Vec<ContactRecord>> {
        let held_before = before.identifiers();
        let mut displaced: BTreeMap<String, ContactRecord> = BTreeMap::new();
        for identifier in record.identifiers() {
            if held_before.contains(&identifier) {
                continue;
            }
            let Some(owner_id) = self.holder_of(&identifier)? else {
                continue;
            };
            if owner_id == record.id {
                continue;
            }
            let owner = match displaced.remove(&owner_id) {
                Some(owner) => owner,
                None => self.tx.contact(&owner_id)?.ok_or_else(|| {
                    Error::storage(format!("index points at missing contact {owner_id}"))
                })?,
            };
            let owner = match &identifier {
                Identifier::PushToken(token) => ContactRecord {
                    devices: owner
                        .devices
                        .into_iter()
                        .filter(|d| d.token.as_ref() != Some(token))
                        .collect(),
                    ..owner
                },
                Identifier::WebPushEndpoint(endpoint) => ContactRecord {
                    web_push: owner
                        .web_push
                        .into_iter()
                        .filter(|s| &s.endpoint != endpoint)
                        .collect(),
                    ..owner
                },
                Identifier::TelegramChat(_) => ContactRecord {
                    telegram: None,
                    ..owner
                },
                lasting => {
                    return Err(Error::conflict(
                        lasting.field(),
                        lasting.value(),
                        describe(&owner),
                        &owner.id,
                    ));
                }
            };
            displaced.insert(owner_id, owner);
        }
        Ok(displaced.into_values().collect())
    }
}

/// How an error names the contact holding a value.
pub(super) fn describe(contact: &ContactRecord) -> String {
    match contact.deleted_at {
        Some(_) => format!("deleted contact {}", contact.id),
        None => format!("contact {}", contact.id),
    }
}

/// Sets a normalised email; a new address from a sign-up form awaits confirmation.
fn apply_email(record: &mut ContactRecord, patch: Patch<String>, source: Source) {
    match patch {
        Patch::Keep => {}
        Patch::Clear => {
            record.email = None;
            record.email_confirmed = true;
        }
        Patch::Set(email) => {
            if record.email.as_deref() != Some(email.as_str()) {
                record.email_confirmed = source != Source::SubscriptionForm;
                record.email = Some(email);
            }
        }
    }
}

/// A set list, or an empty list for a cleared one; `None` to keep.
fn patch_list(patch: Patch<Vec<String>>) -> Option<Vec<String>> {
    match patch {
        Patch::Keep => None,
        Patch::Clear => Some(Vec::new()),
        Patch::Set(list) => Some(list),
    }
}

/// Inserts a device or refreshes the one with the same app and device id, keeping its
/// registration date and every part the new registration (`input`) leaves out: token,
/// platform, model, OS, locale, app version, active. A token now on this device is
/// dropped from any other device of the contact.
fn upsert_device(
    devices: &mut Vec<MobilePushDevice>,
    mut device: MobilePushDevice,
    input: &DeviceInput,
) {
    let same = |d: &MobilePushDevice| d.app_id == device.app_id && d.device_id == device.device_id;
    if let Some(token) = &device.token {
        devices.retain(|d| d.token.as_ref() != Some(token) || same(d));
    }
    match devices.iter_mut().find(|d| same(d)) {
        Some(existing) => {
            device.registered_at = existing.registered_at;
            device.token = device.token.or(existing.token.take());
            device.model = device.model.or(existing.model.take());
            device.os = device.os.or(existing.os.take());
            device.os_version = device.os_version.or(existing.os_version.take());
            device.locale = device.locale.or(existing.locale.take());
            device.app_version = device.app_version.or(existing.app_version.take());
            if input.platform.is_none() {
                device.platform = existing.platform;
            }
            if input.active.is_none() {
                device.active = existing.active;
            }
            *existing = device;
        }
        None => devices.push(device),
    }
}

/// Inserts a subscription or refreshes the one with the same endpoint, keeping its
/// creation date.
fn upsert_web_push(
    subscriptions: &mut Vec<WebPushSubscription>,
    mut subscription: WebPushSubscription,
) {
    match subscriptions
        .iter_mut()
        .find(|s| s.endpoint == subscription.endpoint)
    {
        Some(existing) => {
            subscription.created_at = existing.created_at;
            *existing = subscription;
        }
        None => subscriptions.push(subscription),
    }
}

/// Parses each given value against its definition; checks readonly and required.
fn apply_field_values(
    record: &mut ContactRecord,
    fields: BTreeMap<String, Option<FieldInput>>,
    definitions: &FieldDefinitions,
    source: Source,
    is_new: bool,
) -> Result<()> {
    for (key, value) in fields {
        let field = format!("fields.{key}");
        let definition = definitions
            .get(&key)
            .ok_or_else(|| Error::validation(&field, &key, "no such field is defined"))?;
        validate::check_writable(definition, source).map_err(|e| e.within("fields"))?;
        match value {
            None if definition.required => {
                return Err(Error::validation(
                    &field,
                    "",
                    "required: it cannot be cleared",
                ));
            }
            None => {
                record.fields.remove(&key);
            }
            Some(input) => {
                let value = validate::parse_field_value(definition, &input)
                    .map_err(|e| e.within("fields"))?;
                record.fields.insert(key, value);
            }
        }
    }
    if is_new {
        if let Some(missing) = definitions
            .values()
            .find(|d| d.required && !record.fields.contains_key(&d.key))
        {
            return Err(Error::validation(
                format!("fields.{}", missing.key),
                "",
                "required: a new contact must have a value",
            ));
        }
    }
    Ok(())
}
