//! Assembling the profile card from a stored contact and what is derived from the
//! rest of the book.

use super::Unit;
use crate::consent;
use crate::model::{
    Activity, ActivityDetail, Application, Channel, Contact, ContactRecord, OrderStats,
    OrderStatus, SuppressionRecord,
};
use crate::{Error, Result};
use std::collections::HashMap;

impl Unit<'_> {
    /// The profile card of `record`: statuses from suppressions, applications from
    /// devices, order stats from orders.
    pub(super) fn view(&mut self, record: ContactRecord) -> Result<Contact> {
        let mut cards = self.view_all(vec![record])?;
        cards
            .pop()
            .ok_or_else(|| Error::storage("a profile card went missing"))
    }

    /// The profile cards of `records`, in order, with two reads for all of them (their
    /// suppressions, their orders) whatever their number: a page of 100 profiles on a
    /// server store is a few round trips, not hundreds.
    pub(super) fn view_all(&mut self, records: Vec<ContactRecord>) -> Result<Vec<Contact>> {
        let addresses: Vec<&str> = records.iter().flat_map(addresses_of).collect();
        let suppressions: HashMap<String, Vec<SuppressionRecord>> =
            self.tx.suppressions_at(&addresses)?.into_iter().collect();
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        let mut orders: HashMap<String, Vec<Activity>> = HashMap::new();
        for order in self.tx.orders_of(&ids)? {
            orders
                .entry(order.contact_id.clone())
                .or_default()
                .push(order);
        }
        let mut cards = Vec::with_capacity(records.len());
        for record in records {
            let mut held = Vec::new();
            for address in addresses_of(&record) {
                // An address two contacts of the page share (one kept it after the
                // other's delete) concerns both.
                held.extend(suppressions.get(address).cloned().unwrap_or_default());
            }
            held.sort_by_key(|r| (r.at, r.channel, r.kind));
            let order_stats =
                order_stats(&record.id, orders.remove(&record.id).unwrap_or_default())?;
            cards.push(card(record, held, order_stats));
        }
        self.add_dynamic_segments(&mut cards)?;
        Ok(cards)
    }
}

/// The addresses suppressions concerning the contact are kept at: its email and phone
/// (whoever held them when recorded) and its id (push and Telegram channels).
fn addresses_of(record: &ContactRecord) -> impl Iterator<Item = &str> {
    [
        record.email.as_deref(),
        record.phone.as_deref(),
        Some(record.id.as_str()),
    ]
    .into_iter()
    .flatten()
}

/// The card of `record` with the suppressions that concern it (oldest first) and its
/// order stats.
fn card(
    record: ContactRecord,
    suppressions: Vec<SuppressionRecord>,
    order_stats: OrderStats,
) -> Contact {
    let status = |channel: Channel, present: bool, confirmed: bool| {
        present.then(|| consent::channel_status(&suppressions, channel, confirmed))
    };
    let email_status = status(
        Channel::Email,
        record.email.is_some(),
        record.email_confirmed,
    );
    let phone_status = status(Channel::Sms, record.phone.is_some(), record.phone_confirmed);
    Contact {
        applications: applications(&record),
        email_status,
        phone_status,
        suppressions,
        order_stats,
        id: record.id,
        external_id: record.external_id,
        contact_key: record.contact_key,
        first_name: record.first_name,
        last_name: record.last_name,
        email: record.email,
        phone: record.phone,
        devices: record.devices,
        web_push: record.web_push,
        telegram: record.telegram,
        categories: record.categories.into_iter().collect(),
        address: record.address,
        location: record.location,
        timezone: record.timezone,
        language: record.language,
        segments: record.segments.into_iter().collect(),
        fields: record.fields,
        created_at: record.created_at,
        updated_at: record.updated_at,
        source: record.source,
    }
}

/// Order figures from a contact's orders.
fn order_stats(contact_id: &str, orders: Vec<Activity>) -> Result<OrderStats> {
    let mut stats = OrderStats::default();
    for activity in orders {
        let ActivityDetail::Order(order) = &activity.detail else {
            continue;
        };
        stats.order_count += 1;
        stats.last_order_at = stats.last_order_at.max(Some(activity.at));
        if order.status == OrderStatus::Delivered {
            let total = stats.revenue.entry(order.currency.clone()).or_default();
            // Exact: amounts are at most 10^15 with 6 places (validate_money), so a
            // Decimal holds some 79 million of the largest; beyond, an error, never a
            // rounded or wrapped total.
            *total = total.checked_add(order.amount).ok_or_else(|| {
                Error::storage(format!(
                    "the revenue in {} of contact {contact_id} is beyond what a decimal holds",
                    order.currency
                ))
            })?;
        }
    }
    Ok(stats)
}

/// The apps among the contact's devices, in first-registration order, each with its
/// device ids.
fn applications(record: &ContactRecord) -> Vec<Application> {
    let mut apps: Vec<Application> = Vec::new();
    for device in &record.devices {
        match apps.iter_mut().find(|a| a.app_id == device.app_id) {
            Some(app) => app.device_ids.push(device.device_id.clone()),
            None => apps.push(Application {
                app_id: device.app_id.clone(),
                device_ids: vec![device.device_id.clone()],
            }),
        }
    }
    apps
}
