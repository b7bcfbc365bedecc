//! Channel operations: mobile push devices, installed apps, web push, Telegram.

use super::ContactBook;
use crate::model::{
    Contact, ContactInput, ContactRecord, DeviceInput, Patch, Telegram, WebPushInput,
};
use crate::{validate, Error, Result};

impl ContactBook {
    /// Registers (or refreshes) a push device; its token moves off any other contact.
    pub fn add_mobile_push(&self, id: &str, device: DeviceInput) -> Result<Contact> {
        self.update(
            id,
            ContactInput {
                mobile_push: Patch::Set(vec![device]),
                ..Default::default()
            },
        )
    }

    /// Removes the device holding `token`.
    pub fn remove_mobile_push(&self, id: &str, token: &str) -> Result<Contact> {
        self.remove_from(id, "mobile push token", token, |record| {
            let before = record.devices.len();
            record.devices.retain(|d| d.token.as_deref() != Some(token));
            record.devices.len() != before
        })
    }

    /// Records an app installed on a device, with or without a push token (an app
    /// whose user has not allowed notifications yet).
    pub fn register_app(&self, id: &str, device: DeviceInput) -> Result<Contact> {
        self.atomic(|unit| {
            let before = unit.live_contact(id)?;
            let mut record = before.clone();
            unit.register_devices(&mut record, std::slice::from_ref(&device), false, "device")?;
            let record = unit.save_claiming(record, &before)?;
            unit.view(record)
        })
    }

    /// Removes an app: every device registered for it on this contact.
    pub fn remove_app(&self, id: &str, app_id: &str) -> Result<Contact> {
        self.remove_from(id, "app", app_id, |record| {
            let before = record.devices.len();
            record.devices.retain(|d| d.app_id != app_id);
            record.devices.len() != before
        })
    }

    /// Registers (or refreshes) a web push subscription; its endpoint moves off any
    /// other contact.
    pub fn add_web_push(&self, id: &str, subscription: WebPushInput) -> Result<Contact> {
        self.update(
            id,
            ContactInput {
                web_push: Patch::Set(vec![subscription]),
                ..Default::default()
            },
        )
    }

    /// Removes the subscription with `endpoint`.
    pub fn remove_web_push(&self, id: &str, endpoint: &str) -> Result<Contact> {
        let canonical = validate::normalize_endpoint(endpoint).unwrap_or_default();
        self.remove_from(id, "web push endpoint", endpoint, |record| {
            let before = record.web_push.len();
            record
                .web_push
                .retain(|s| s.endpoint != endpoint && s.endpoint != canonical);
            record.web_push.len() != before
        })
    }

    /// Binds the contact to a Telegram chat, or unbinds it with `None`.
    pub fn set_telegram(&self, id: &str, telegram: Option<Telegram>) -> Result<Contact> {
        self.update(
            id,
            ContactInput {
                telegram: telegram.into(),
                ..Default::default()
            },
        )
    }
}

impl ContactBook {
    /// Applies `remove` to a live contact and saves it; not-found (naming `what` and
    /// `key`) when `remove` reports that nothing matched.
    fn remove_from(
        &self,
        id: &str,
        what: &str,
        key: &str,
        mut remove: impl FnMut(&mut ContactRecord) -> bool,
    ) -> Result<Contact> {
        self.atomic(|unit| {
            let mut record = unit.live_contact(id)?;
            if !remove(&mut record) {
                return Err(Error::not_found(what, key));
            }
            let record = unit.save(record)?;
            unit.view(record)
        })
    }
}
