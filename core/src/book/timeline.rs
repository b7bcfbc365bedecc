//! The activity timeline: recording campaigns, events and orders, and querying them
//! newest first.

use super::profile::page_size;
use super::{ContactBook, Unit};
use crate::clock::to_millis;
use crate::model::{
    Activity, ActivityCategory, ActivityDetail, ActivityQuery, Campaign, CampaignChannel,
    CampaignInput, CampaignStatus, ChangeOp, ContactRecord, Event, EventInput, Order, OrderInput,
    Page,
};
use crate::store::{ActivityFilter, Parts};
use crate::validate::{self, limits, optional_text, required_text, MAX_IDENTIFIER_CHARS};
use crate::{consent, Error, Result};
use chrono::{DateTime, Utc};

const DEFAULT_ACTIVITY_PAGE: u32 = 50;

impl ContactBook {
    /// Records a message sent to the contact, or a status update of one already
    /// recorded (same `message_id`): the status only moves forward. A new status of
    /// `unsubscribed` or `spam` records that suppression on the address with the
    /// campaign's date; `undelivered` with `hard_bounce` blacklists it.
    pub fn record_campaign(&self, id: &str, input: CampaignInput) -> Result<Activity> {
        let campaign = check_campaign(&input)?;
        self.atomic(|unit| {
            let record = unit.live_contact_with(id, Parts::NONE)?;
            unit.put_campaign(&record, &campaign)
        })
    }

    /// Records an event the contact triggered.
    pub fn record_event(&self, id: &str, input: EventInput) -> Result<Activity> {
        let (event, at) = check_event(input)?;
        self.atomic(|unit| {
            let record = unit.live_contact_with(id, Parts::NONE)?;
            unit.put_event(&record.id, &event, at)
        })
    }

    /// Records an order, or updates the order already recorded under its
    /// `external_id`. A delivery address fills the contact's address if it has none.
    pub fn record_order(&self, id: &str, input: OrderInput) -> Result<Activity> {
        let order = validate::validate_order(&input)?;
        let at = checked_at(input.at)?;
        self.atomic(|unit| {
            let record = unit.live_contact(id)?;
            unit.put_order(record, &order, at)
        })
    }

    /// The contact's timeline, newest first, by category and period, a page at a
    /// time. The `orders` category always covers the full history, whatever the
    /// period (preset or `since`/`until`); in `all` the period applies to every kind.
    pub fn activity(&self, id: &str, query: &ActivityQuery) -> Result<Page<Activity>> {
        let limit = page_size(query.limit, DEFAULT_ACTIVITY_PAGE)?;
        let after = query.cursor.as_deref().map(parse_cursor).transpose()?;
        for (field, at) in [("since", query.since), ("until", query.until)] {
            at.map(|at| limits::check_instant(field, at)).transpose()?;
        }
        if let (Some(since), Some(until)) = (query.since, query.until) {
            if since > until {
                return Err(Error::validation(
                    "since",
                    since.to_rfc3339(),
                    "after until",
                ));
            }
        }
        self.read(|unit| {
            let record = unit.live_contact_with(id, Parts::NONE)?;
            let explicit = query.since.is_some() || query.until.is_some();
            let (since, until) = match (query.category, explicit) {
                (ActivityCategory::Orders, _) => (None, None),
                (_, true) => (query.since, query.until),
                (_, false) => (query.period.length().map(|length| unit.now - length), None),
            };
            let filter = ActivityFilter {
                kinds: query.category.kinds().to_vec(),
                since,
                until,
                after: after.clone(),
                limit: Some(limit + 1),
            };
            let mut items = unit.tx.activities(&record.id, &filter)?;
            let has_more = items.len() > limit;
            items.truncate(limit);
            let next_cursor = has_more
                .then(|| items.last().map(|a| format_cursor(a.at, &a.id)))
                .flatten();
            Ok(Page { items, next_cursor })
        })
    }
}

/// A campaign input with its texts checked.
#[derive(Clone)]
pub(super) struct CheckedCampaign {
    message_id: String,
    message_name: Option<String>,
    channel: CampaignChannel,
    status: CampaignStatus,
    description: Option<String>,
    at: Option<DateTime<Utc>>,
}

pub(super) fn check_campaign(input: &CampaignInput) -> Result<CheckedCampaign> {
    Ok(CheckedCampaign {
        message_id: required_text("message_id", &input.message_id, MAX_IDENTIFIER_CHARS)?,
        message_name: optional_text(
            "message_name",
            input.message_name.as_deref(),
            MAX_IDENTIFIER_CHARS,
        )?,
        channel: input.channel,
        status: input.status,
        description: optional_text(
            "status_description",
            input.status_description.as_deref(),
            MAX_IDENTIFIER_CHARS,
        )?,
        at: checked_at(input.at)?,
    })
}

/// An event input checked, with its time.
pub(super) fn check_event(input: EventInput) -> Result<(Event, Option<DateTime<Utc>>)> {
    limits::check_event_params(&input.params)?;
    limits::check_count("workflows", input.workflows.len(), limits::MAX_WORKFLOWS)?;
    let at = checked_at(input.at)?;
    let event = Event {
        name: validate::validate_event_name(&input.name)?,
        key_value: optional_text(
            "key_value",
            input.key_value.as_deref(),
            MAX_IDENTIFIER_CHARS,
        )?,
        params: input.params,
        workflows: input
            .workflows
            .iter()
            .map(|w| required_text("workflows", w, MAX_IDENTIFIER_CHARS))
            .collect::<Result<_>>()?,
    };
    Ok((event, at))
}

impl Unit<'_> {
    /// Records `campaign` for the contact `record` (see [`ContactBook::record_campaign`]).
    pub(super) fn put_campaign(
        &mut self,
        record: &ContactRecord,
        campaign: &CheckedCampaign,
    ) -> Result<Activity> {
        let CheckedCampaign {
            message_id,
            message_name,
            channel,
            status,
            description,
            at,
        } = campaign;
        let at = self.stamp(*at);
        let activity = match self.tx.campaign(&record.id, message_id)? {
            Some(mut activity) => {
                let ActivityDetail::Campaign(stored) = &mut activity.detail else {
                    return Err(Error::storage(format!(
                        "activity {} is not a campaign",
                        activity.id
                    )));
                };
                if stored.channel != *channel {
                    return Err(Error::validation(
                        "channel",
                        channel.as_str(),
                        format!(
                            "message {message_id} was recorded on {}",
                            stored.channel.as_str()
                        ),
                    ));
                }
                let advances = stored.status.can_advance_to(*status);
                // `undelivered` may learn its cause later (a hard bounce).
                let explained = *status == stored.status
                    && description.is_some()
                    && *description != stored.status_description;
                if !advances && !explained {
                    return Ok(activity);
                }
                stored.status = *status;
                stored.status_description =
                    description.clone().or(stored.status_description.take());
                stored.message_name = message_name.clone().or(stored.message_name.take());
                activity
            }
            None => Activity {
                id: self.new_id(),
                contact_id: record.id.clone(),
                at,
                detail: ActivityDetail::Campaign(Campaign {
                    message_id: message_id.clone(),
                    message_name: message_name.clone(),
                    channel: *channel,
                    status: *status,
                    status_description: description.clone(),
                    sent_to: consent::sent_to(record, *channel),
                }),
            },
        };
        self.tx.put_activity(&activity)?;
        self.note(ChangeOp::Activity, &activity.contact_id);
        let suppression = match &activity.detail {
            ActivityDetail::Campaign(campaign) => consent::campaign_suppression(campaign)
                .zip(consent::campaign_address(record, campaign)),
            _ => None,
        };
        if let Some((kind, (channel, address))) = suppression {
            let reason = description
                .clone()
                .or_else(|| Some(format!("campaign {message_id}")));
            self.suppress(channel, address, kind, at, reason)?;
        }
        Ok(activity)
    }

    /// Records `event` for the contact `contact_id`.
    pub(super) fn put_event(
        &mut self,
        contact_id: &str,
        event: &Event,
        at: Option<DateTime<Utc>>,
    ) -> Result<Activity> {
        let activity = Activity {
            id: self.new_id(),
            contact_id: contact_id.to_string(),
            at: self.stamp(at),
            detail: ActivityDetail::Event(event.clone()),
        };
        self.tx.put_activity(&activity)?;
        self.note(ChangeOp::Activity, &activity.contact_id);
        Ok(activity)
    }

    /// Records `order` for the contact `record` (read whole: its address may be
    /// filled from the delivery address), see [`ContactBook::record_order`].
    pub(super) fn put_order(
        &mut self,
        mut record: ContactRecord,
        order: &Order,
        at: Option<DateTime<Utc>>,
    ) -> Result<Activity> {
        let existing = self.tx.order(&order.external_id)?;
        let (activity_id, at) = match existing.clone() {
            Some(existing) if existing.contact_id != record.id => {
                return Err(Error::conflict(
                    "external_id",
                    &order.external_id,
                    format!("an order of contact {}", existing.contact_id),
                    &existing.contact_id,
                ));
            }
            Some(existing) => (existing.id, at.map(to_millis).unwrap_or(existing.at)),
            None => (self.new_id(), self.stamp(at)),
        };
        let contact_id = record.id.clone();
        if record.address.is_none() {
            if let Some(delivery) = &order.delivery_address {
                record.address = Some(delivery.clone());
                self.save(record)?;
            }
        }
        let activity = Activity {
            id: activity_id,
            contact_id,
            at,
            detail: ActivityDetail::Order(order.clone()),
        };
        // The same order recorded again (a restored line, a retried call) changes
        // nothing, and the feed says nothing.
        if existing.as_ref() == Some(&activity) {
            return Ok(activity);
        }
        self.tx.put_activity(&activity)?;
        self.note(ChangeOp::Activity, &activity.contact_id);
        Ok(activity)
    }

    /// A caller's time, or now.
    fn stamp(&self, at: Option<DateTime<Utc>>) -> DateTime<Utc> {
        at.map(to_millis).unwrap_or(self.now)
    }
}

/// A caller's `at`, refused outside the years every binding can read back.
pub(super) fn checked_at(at: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>> {
    at.map(|at| limits::check_instant("at", at)).transpose()
}

/// A cursor is the position of the last item shown: its time and id.
fn format_cursor(at: DateTime<Utc>, id: &str) -> String {
    format!("{}_{}", at.timestamp_millis(), id)
}

fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, String)> {
    let invalid = || Error::validation("cursor", cursor, "not a cursor this book returned");
    let (millis, id) = cursor.split_once('_').ok_or_else(invalid)?;
    let millis: i64 = millis.parse().map_err(|_| invalid())?;
    let at = DateTime::from_timestamp_millis(millis).ok_or_else(invalid)?;
    let id = uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok((at, id.hyphenated().to_string()))
}
