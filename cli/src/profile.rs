//! The export form of a book, which `import` reads back.
//!
//! An export is JSON lines: first the catalogue, one entry a line
//! (`{"field_definition":{…}}`, `{"category":{…}}`, `{"segment":{"name":…}}`), so a
//! fresh book can take the profiles; then one profile a line: the profile card as
//! the library serialises it, with static segments by name (ids differ between
//! books) and the contact's timeline under `activity`, newest first.
//!
//! Importing a profile line upserts what a `ContactInput` carries, then replays what
//! it cannot: app installations without a push token, fields set by hand on a
//! `manual` contact, confirmations, the timeline (campaigns and orders are matched by
//! their ids, events by name, key and time, so a second import adds nothing), and the
//! suppression records with their reasons and liftings. Dates the book stamps itself
//! (created, updated, registered, a suppression recorded by hand) are the importing
//! book's clock: the library has no way to set them.

use crate::render::Catalog;
use chrono::{DateTime, Utc};
use contactkit::{
    Activity, ActivityCategory, ActivityDetail, ActivityQuery, Address, CampaignInput, Channel,
    ChannelStatus, Contact, ContactBook, ContactInput, DeviceInput, EventInput, FieldDefinition,
    FieldInput, Location, LocationInput, MobilePushDevice, OrderInput, Patch, Period, Segment,
    SegmentKind, Source, SuppressionKind, SuppressionRecord, Telegram, WebPushInput,
    WebPushSubscription,
};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Keys only a profile line has (an input uses `mobile_push`, a profile `devices`).
const PROFILE_KEYS: [&str; 8] = [
    "created_at",
    "updated_at",
    "email_status",
    "phone_status",
    "suppressions",
    "devices",
    "order_stats",
    "activity",
];

/// True when a JSON object is a profile line.
pub fn is_profile(object: &Map<String, Value>) -> bool {
    PROFILE_KEYS.iter().any(|k| object.contains_key(*k))
}

/// The catalogue as JSON lines: field definitions, categories, static segments, then
/// dynamic segments with their rules.
pub fn catalog_lines(catalog: &Catalog) -> Vec<Value> {
    let mut lines = Vec::new();
    for definition in catalog.fields.values() {
        lines.push(json!({ "field_definition": definition }));
    }
    for category in catalog.categories.values() {
        lines.push(json!({ "category": { "key": category.key, "title": category.title } }));
    }
    // Static segments first: a dynamic segment's rule may name one (by id, which the
    // importing book does not share: such a rule is refused there, naming the segment).
    let mut segments: Vec<&Segment> = catalog
        .segments
        .values()
        .filter(|s| s.kind != SegmentKind::Category)
        .collect();
    segments.sort_by_key(|s| (s.kind == SegmentKind::Dynamic, s.name.as_str()));
    for segment in segments {
        lines.push(match &segment.rule {
            Some(rule) => json!({ "segment": { "name": segment.name, "rule": rule } }),
            None => json!({ "segment": { "name": segment.name } }),
        });
    }
    lines
}

/// One profile line: the card, static segments by name, the timeline without the
/// book's own activity ids.
pub fn export_line(contact: &Contact, catalog: &Catalog, timeline: Option<&[Activity]>) -> Value {
    let mut value = serde_json::to_value(contact).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut value {
        object.insert(
            "segments".into(),
            json!(catalog.static_segment_names(contact)),
        );
        if let Some(items) = timeline {
            let items: Vec<Value> = items
                .iter()
                .map(|item| {
                    let mut v = serde_json::to_value(item).unwrap_or(Value::Null);
                    if let Value::Object(o) = &mut v {
                        o.remove("id");
                        o.remove("contact_id");
                    }
                    v
                })
                .collect();
            object.insert("activity".into(), Value::Array(items));
        }
    }
    value
}

/// A catalogue line of an export.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CatalogLine {
    /// An additional field definition.
    FieldDefinition(FieldDefinition),
    /// A subscription category (its key is derived from the title).
    Category(CategoryLine),
    /// A static segment.
    Segment(SegmentLine),
}

/// A category as exported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryLine {
    /// The key the export had (checked against the title's slug).
    #[serde(default)]
    pub key: Option<String>,
    /// The title.
    pub title: String,
}

/// A static or dynamic segment as exported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentLine {
    /// Its unique name.
    pub name: String,
    /// A dynamic segment's rule.
    #[serde(default)]
    pub rule: Option<Value>,
}

/// True when a JSON object is a catalogue line.
pub fn is_catalog(object: &Map<String, Value>) -> bool {
    object.len() == 1
        && ["field_definition", "category", "segment"]
            .iter()
            .any(|k| object.contains_key(*k))
}

/// Applies a catalogue line to the book; what exists already is left as it is.
/// Returns the segment created or found, if the line is one.
pub fn apply_catalog(
    book: &ContactBook,
    line: CatalogLine,
) -> contactkit::Result<Option<contactkit::Segment>> {
    match line {
        CatalogLine::FieldDefinition(definition) => {
            book.define_field(definition)?;
            Ok(None)
        }
        CatalogLine::Category(category) => {
            // An entry already there (by its key, or by its title when the line gives
            // no key) is left as it is.
            let exists = book.categories()?.iter().any(|c| match &category.key {
                Some(key) => c.key == *key,
                None => c.title == category.title,
            });
            if exists {
                return Ok(None);
            }
            let defined = book.define_category(&category.title)?;
            if let Some(key) = category.key {
                if defined.key != key {
                    return Err(contactkit::Error::validation(
                        "category.key",
                        key,
                        format!("the title makes the key {:?}", defined.key),
                    ));
                }
            }
            Ok(None)
        }
        CatalogLine::Segment(segment) => {
            let existing = book.segments()?;
            if let Some(found) = existing
                .into_iter()
                .find(|s| s.name.eq_ignore_ascii_case(segment.name.trim()))
            {
                return Ok(Some(found));
            }
            match &segment.rule {
                Some(rule) => {
                    let rule = contactkit::Rule::from_value(rule)?;
                    book.create_dynamic_segment(&segment.name, &rule).map(Some)
                }
                None => book.create_segment(&segment.name).map(Some),
            }
        }
    }
}

/// A profile line as read back. Derived parts of the card (`applications`,
/// `order_stats`, the dates) are accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileLine {
    id: String,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    contact_key: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_status: Option<ChannelStatus>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    phone_status: Option<ChannelStatus>,
    #[serde(default)]
    suppressions: Vec<SuppressionRecord>,
    #[serde(default)]
    devices: Vec<MobilePushDevice>,
    #[serde(default)]
    #[allow(dead_code)]
    applications: IgnoredAny,
    #[serde(default)]
    web_push: Vec<WebPushSubscription>,
    #[serde(default)]
    telegram: Option<Telegram>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    address: Option<Address>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    segments: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, Option<FieldInput>>,
    #[serde(default)]
    #[allow(dead_code)]
    created_at: IgnoredAny,
    #[serde(default)]
    #[allow(dead_code)]
    updated_at: IgnoredAny,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    #[allow(dead_code)]
    order_stats: IgnoredAny,
    #[serde(default)]
    activity: Vec<TimelineItem>,
}

/// An exported timeline item: when and what (its display hints are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct TimelineItem {
    at: DateTime<Utc>,
    #[serde(flatten)]
    detail: ActivityDetail,
}

/// What a profile line needs after its upsert, and how to find the contact it
/// landed on.
#[derive(Debug, Default)]
pub struct FollowUp {
    id: String,
    email: Option<String>,
    phone: Option<String>,
    external_id: Option<String>,
    contact_key: Option<String>,
    apps: Vec<DeviceInput>,
    fields: BTreeMap<String, Option<FieldInput>>,
    confirm: Vec<Channel>,
    timeline: Vec<TimelineItem>,
    suppressions: Vec<SuppressionRecord>,
}

/// Turns a profile line into the upsert input and its follow-up. `segment_id`
/// resolves a segment name to its id in this book.
pub fn to_input(
    line: ProfileLine,
    segment_id: impl Fn(&str) -> String,
) -> (ContactInput, FollowUp) {
    let mut follow_up = FollowUp {
        id: line.id.clone(),
        email: line.email.clone(),
        phone: line.phone.clone(),
        external_id: line.external_id.clone(),
        contact_key: line.contact_key.clone(),
        ..Default::default()
    };
    let source = line.source.unwrap_or(Source::Import);
    let (tokened, tokenless): (Vec<_>, Vec<_>) =
        line.devices.into_iter().partition(|d| d.token.is_some());
    follow_up.apps = tokenless.into_iter().map(device_input).collect();
    let mut fields = line.fields;
    if source == Source::Manual {
        // A manual contact may not set readonly fields: set them all afterwards.
        follow_up.fields = std::mem::take(&mut fields);
    }
    if source == Source::SubscriptionForm {
        // A sign-up's new addresses start unconfirmed: confirm those that were.
        if line.email.is_some() && line.email_status != Some(ChannelStatus::Unconfirmed) {
            follow_up.confirm.push(Channel::Email);
        }
        if line.phone.is_some() && line.phone_status != Some(ChannelStatus::Unconfirmed) {
            follow_up.confirm.push(Channel::Sms);
        }
    }
    follow_up.timeline = line.activity;
    follow_up.suppressions = line.suppressions;
    let input = ContactInput {
        id: Some(line.id),
        external_id: line.external_id.into(),
        contact_key: line.contact_key.into(),
        first_name: line.first_name.into(),
        last_name: line.last_name.into(),
        email: line.email.into(),
        phone: line.phone.into(),
        mobile_push: list_patch(tokened.into_iter().map(device_input).collect()),
        web_push: list_patch(line.web_push.into_iter().map(web_push_input).collect()),
        telegram: line.telegram.into(),
        categories: Patch::Set(line.categories),
        segments: Patch::Set(line.segments.iter().map(|name| segment_id(name)).collect()),
        address: line.address.into(),
        location: line.location.map(location_input).into(),
        timezone: line.timezone.into(),
        language: line.language.into(),
        fields,
        source: Some(source),
    };
    (input, follow_up)
}

fn list_patch<T>(items: Vec<T>) -> Patch<Vec<T>> {
    if items.is_empty() {
        Patch::Clear
    } else {
        Patch::Set(items)
    }
}

fn device_input(device: MobilePushDevice) -> DeviceInput {
    DeviceInput {
        app_id: device.app_id,
        device_id: device.device_id,
        token: device.token,
        platform: Some(device.platform),
        model: device.model,
        os: device.os,
        os_version: device.os_version,
        locale: device.locale,
        app_version: device.app_version,
        active: Some(device.active),
    }
}

fn web_push_input(subscription: WebPushSubscription) -> WebPushInput {
    WebPushInput {
        endpoint: subscription.endpoint,
        p256dh: Some(subscription.p256dh),
        auth: Some(subscription.auth),
        keys: None,
        user_agent: subscription.user_agent,
        language: subscription.language,
        os: subscription.os,
        subscription_page: subscription.subscription_page,
    }
}

fn location_input(location: Location) -> LocationInput {
    LocationInput {
        latitude: location.latitude,
        longitude: location.longitude,
        accuracy: location.accuracy,
        country: location.country,
        region: location.region,
        city: location.city,
        source: location.source,
    }
}

impl FollowUp {
    /// True when there is nothing to do after the upsert.
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
            && self.fields.is_empty()
            && self.confirm.is_empty()
            && self.timeline.is_empty()
            && self.suppressions.is_empty()
    }

    /// The contact the upsert landed on: by id, else by the lasting identifiers.
    fn landed(&self, book: &ContactBook) -> contactkit::Result<Option<Contact>> {
        if let Some(contact) = book.get(&self.id)? {
            return Ok(Some(contact));
        }
        if let Some(email) = &self.email {
            if let Some(c) = book.find_by_email(email)? {
                return Ok(Some(c));
            }
        }
        if let Some(phone) = &self.phone {
            if let Some(c) = book.find_by_phone(phone)? {
                return Ok(Some(c));
            }
        }
        if let Some(external_id) = &self.external_id {
            if let Some(c) = book.find_by_external_id(external_id)? {
                return Ok(Some(c));
            }
        }
        match &self.contact_key {
            Some(key) => book.find_by_key(key),
            None => Ok(None),
        }
    }

    /// Replays the follow-up on the contact the upsert landed on. An error names the
    /// part of the line at fault (`activity[3].name`, `suppressions[0]`).
    pub fn apply(self, book: &ContactBook) -> contactkit::Result<()> {
        let Some(contact) = self.landed(book)? else {
            return Ok(());
        };
        let id = contact.id.clone();
        for (i, app) in self.apps.into_iter().enumerate() {
            book.register_app(&id, app)
                .map_err(|e| prefixed(e, &format!("devices[{i}]")))?;
        }
        if !self.fields.is_empty() {
            book.update(
                &id,
                ContactInput {
                    fields: self.fields,
                    source: Some(Source::Import),
                    ..Default::default()
                },
            )?;
        }
        for channel in self.confirm {
            book.confirm(&id, channel)?;
        }
        replay_timeline(book, &id, self.timeline)?;
        reconcile_suppressions(book, &id, &self.suppressions)
    }
}

/// Records the timeline oldest first. Campaigns and orders are keyed by their ids in
/// the book; an event already there (same name, key and time) is not added again.
fn replay_timeline(
    book: &ContactBook,
    id: &str,
    mut timeline: Vec<TimelineItem>,
) -> contactkit::Result<()> {
    if timeline.is_empty() {
        return Ok(());
    }
    let count = timeline.len();
    timeline.reverse();
    let has_events = timeline
        .iter()
        .any(|t| matches!(t.detail, ActivityDetail::Event(_)));
    let mut known_events = Vec::new();
    if has_events {
        let mut cursor = None;
        loop {
            let page = book.activity(
                id,
                &ActivityQuery {
                    category: ActivityCategory::Events,
                    period: Period::All,
                    limit: Some(1000),
                    cursor,
                    ..Default::default()
                },
            )?;
            for item in page.items {
                if let ActivityDetail::Event(e) = item.detail {
                    known_events.push((e.name, e.key_value, item.at));
                }
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    for (i, item) in timeline.into_iter().enumerate() {
        // Exported newest first: item i of the replay is line entry count-1-i.
        let at_field = format!("activity[{}]", count - 1 - i);
        let outcome = match item.detail {
            ActivityDetail::Campaign(c) => book
                .record_campaign(
                    id,
                    CampaignInput {
                        message_id: c.message_id,
                        message_name: c.message_name,
                        channel: c.channel,
                        status: c.status,
                        status_description: c.status_description,
                        at: Some(item.at),
                    },
                )
                .map(drop),
            ActivityDetail::Event(e) => {
                let seen = known_events.iter().any(|(name, key, at)| {
                    *name == e.name && *key == e.key_value && *at == item.at
                });
                if seen {
                    Ok(())
                } else {
                    book.record_event(
                        id,
                        EventInput {
                            name: e.name,
                            key_value: e.key_value,
                            params: e.params,
                            workflows: e.workflows,
                            at: Some(item.at),
                        },
                    )
                    .map(drop)
                }
            }
            ActivityDetail::Order(o) => book
                .record_order(
                    id,
                    OrderInput {
                        external_id: o.external_id,
                        amount: o.amount,
                        currency: o.currency,
                        status: o.status,
                        items: o.items,
                        shipping: o.shipping,
                        discount: o.discount,
                        taxes: o.taxes,
                        store_id: o.store_id,
                        source: o.source,
                        delivery_address: o.delivery_address,
                        at: Some(item.at),
                    },
                )
                .map(drop),
        };
        outcome.map_err(|e| prefixed(e, &at_field))?;
    }
    Ok(())
}

/// Brings the contact's suppression records in line with the exported ones: each
/// exported record is matched with one already there (same channel, kind, reason and
/// state), or a held one is lifted, or it is recorded (and lifted if it was).
fn reconcile_suppressions(
    book: &ContactBook,
    id: &str,
    wanted: &[SuppressionRecord],
) -> contactkit::Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let current = |book: &ContactBook| -> contactkit::Result<Vec<SuppressionRecord>> {
        Ok(book.get(id)?.map(|c| c.suppressions).unwrap_or_default())
    };
    let mut matched: Vec<SuppressionRecord> = Vec::new();
    for (i, record) in wanted.iter().enumerate() {
        let field = format!("suppressions[{i}]");
        let same = |r: &SuppressionRecord| {
            r.channel == record.channel && r.kind == record.kind && r.reason == record.reason
        };
        let have = current(book)?;
        let unmatched: Vec<&SuppressionRecord> = have
            .iter()
            .filter(|r| !matched.iter().any(|m| m == *r))
            .collect();
        if let Some(found) = unmatched.iter().find(|r| {
            same(r) && r.is_active() == record.is_active() && r.lift_note == record.lift_note
        }) {
            matched.push((*found).clone());
            continue;
        }
        if !unmatched.iter().any(|r| same(r) && r.is_active()) {
            let reason = record.reason.as_deref();
            match record.kind {
                SuppressionKind::Blacklisted => book.blacklist(id, record.channel, reason),
                SuppressionKind::Unsubscribed => book.unsubscribe(id, record.channel, reason),
                SuppressionKind::SpamComplaint => book.report_spam(id, record.channel, reason),
            }
            .map_err(|e| prefixed(e, &field))?;
        }
        if !record.is_active() {
            let note = record.lift_note.as_deref().unwrap_or("lifted");
            match record.kind {
                SuppressionKind::Blacklisted => book.unblacklist(id, record.channel, note),
                SuppressionKind::Unsubscribed | SuppressionKind::SpamComplaint => {
                    book.resubscribe(id, record.channel, Some(note))
                }
            }
            .map_err(|e| prefixed(e, &field))?;
        }
        // The record now in the book that stands for this one.
        let have = current(book)?;
        if let Some(found) = have.iter().rev().find(|r| {
            !matched.iter().any(|m| m == *r) && same(r) && r.is_active() == record.is_active()
        }) {
            matched.push(found.clone());
        }
    }
    Ok(())
}

/// Names the part of a profile line an error came from; a thing it names that is not
/// in the book is a bad value of that part.
fn prefixed(error: contactkit::Error, prefix: &str) -> contactkit::Error {
    match error {
        contactkit::Error::NotFound { what, id } => contactkit::Error::Validation {
            field: prefix.to_string(),
            value: id,
            reason: format!("{what} not found"),
        },
        other => other.within(prefix),
    }
}
