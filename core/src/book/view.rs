//! Assembling the profile card from a stored contact and what is derived from the
//! rest of the book.

use super::Unit;
use crate::consent;
use crate::model::{
    ActivityDetail, ActivityKind, Application, Channel, Contact, ContactRecord, OrderStats,
    OrderStatus, SuppressionRecord,
};
use crate::store::ActivityFilter;
use crate::{Error, Result};

impl Unit<'_> {
    /// The profile card of `record`: statuses from suppressions, applications from
    /// devices, order stats from orders.
    pub(super) fn view(&mut self, record: ContactRecord) -> Result<Contact> {
        let suppressions = self.suppressions_of(&record)?;
        let order_stats = self.order_stats(&record.id)?;
        let status = |channel: Channel, present: bool, confirmed: bool| {
            present.then(|| consent::channel_status(&suppressions, channel, confirmed))
        };
        let email_status = status(
            Channel::Email,
            record.email.is_some(),
            record.email_confirmed,
        );
        let phone_status = status(Channel::Sms, record.phone.is_some(), record.phone_confirmed);
        Ok(Contact {
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
        })
    }

    /// Every suppression record that concerns the contact: those kept at its email
    /// and phone (whoever held them when recorded) and those kept at its id (push and
    /// Telegram channels), oldest first.
    fn suppressions_of(&mut self, record: &ContactRecord) -> Result<Vec<SuppressionRecord>> {
        let addresses = [
            record.email.as_deref(),
            record.phone.as_deref(),
            Some(record.id.as_str()),
        ];
        let mut all = Vec::new();
        for address in addresses.into_iter().flatten() {
            all.extend(self.tx.suppressions(address)?);
        }
        all.sort_by_key(|r| (r.at, r.channel, r.kind));
        Ok(all)
    }

    fn order_stats(&mut self, contact_id: &str) -> Result<OrderStats> {
        let filter = ActivityFilter {
            kinds: vec![ActivityKind::Order],
            since: None,
            until: None,
            after: None,
            limit: None,
        };
        let mut stats = OrderStats::default();
        for activity in self.tx.activities(contact_id, &filter)? {
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
