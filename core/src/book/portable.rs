//! The portable form of a book, for moving whole profiles from one book to another
//! (a backup, a migration, the CLI's `export` and `import`): JSON lines, the catalogue
//! first, one entry a line (`{"field_definition":{…}}`, `{"category":{…}}`,
//! `{"segment":{"name":…}}`, dynamic segments with their `rule`), so a fresh book can
//! take the profiles; then one profile a line: the profile card as `get` returns it,
//! with static segments by name (ids differ between books) and the timeline under
//! `activity`, newest first, without the book's own activity ids.
//!
//! [`ContactBook::restore_line`] reads one line back. A catalogue entry that exists is
//! left as it is. A profile line is restored in one unit of work, so a line that fails
//! writes nothing: the upsert of what a `ContactInput` carries, then what it cannot
//! (app installations without a push token, fields set by hand on a `manual` contact,
//! confirmations, the timeline, the suppression records with their dates, reasons and
//! liftings). Restoring the same line twice adds nothing: campaigns and orders are
//! matched by their ids, events by name, key and time, suppression records by
//! channel, kind, reason and state. A contact the restore creates keeps the line's
//! `created_at`; the other stamps are the importing book's.

use super::checked::CheckedInput;
use super::consent::MAX_REASON_CHARS;
use super::profile::Outcome;
use super::timeline::{check_campaign, check_event, checked_at};
use super::{ContactBook, Unit};
use crate::model::{
    ActivityDetail, ActivityKind, Address, CampaignInput, Channel, ChannelStatus, Contact,
    ContactInput, ContactRecord, DedupeOn, DeviceInput, EventInput, FieldDefinition, FieldInput,
    ListQuery, Location, LocationInput, MobilePushDevice, Page, Patch, Segment, SegmentKind,
    Source, SuppressionRecord, Telegram, WebPushInput, WebPushSubscription,
};
use crate::store::ActivityFilter;
use crate::validate::unreadable::{from_json, ReadAs};
use crate::validate::{self, limits, optional_text};
use crate::{Error, Result, Rule};
use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

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

/// What a line of the portable form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A field definition, a category or a segment.
    Catalog,
    /// A contact's whole profile.
    Profile,
}

/// What restoring one line did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Restored {
    /// What the line was.
    pub kind: LineKind,
    /// The contact a profile line landed on.
    pub contact_id: Option<String>,
    /// Whether the profile line created its contact (false: it updated one, or the
    /// line was a catalogue entry).
    pub created: bool,
}

impl ContactBook {
    /// The catalogue lines of the portable form: field definitions, categories, static
    /// segments, then dynamic segments with their rules (a rule may name a static
    /// segment, by id: a book that does not share the id refuses that rule, naming it).
    pub fn export_catalog_lines(&self) -> Result<Vec<Value>> {
        let mut lines = Vec::new();
        for definition in self.field_definitions()? {
            lines.push(json!({ "field_definition": definition }));
        }
        for category in self.categories()? {
            lines.push(json!({ "category": { "key": category.key, "title": category.title } }));
        }
        let mut segments: Vec<Segment> = self
            .segments()?
            .into_iter()
            .filter(|s| s.kind != SegmentKind::Category)
            .collect();
        segments.sort_by(|a, b| {
            let order = |s: &Segment| (s.kind == SegmentKind::Dynamic, s.name.clone());
            order(a).cmp(&order(b))
        });
        for segment in segments {
            lines.push(match &segment.rule {
                Some(rule) => json!({ "segment": { "name": segment.name, "rule": rule } }),
                None => json!({ "segment": { "name": segment.name } }),
            });
        }
        Ok(lines)
    }

    /// A page of profile lines of the live contacts, in creation (id) order, with each
    /// contact's whole timeline unless `with_activity` is false.
    pub fn export_profile_lines(
        &self,
        query: &ListQuery,
        with_activity: bool,
    ) -> Result<Page<Value>> {
        let page = self.list(query)?;
        let names = self.static_segment_names()?;
        let mut items = Vec::with_capacity(page.items.len());
        for contact in &page.items {
            let timeline = match with_activity {
                true => Some(self.export_contact(&contact.id)?.activity),
                false => None,
            };
            items.push(profile_line(contact, &names, timeline.as_deref()));
        }
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }

    /// The profile line of `contact` (as `get` or `list` returned it), with its whole
    /// timeline unless `with_activity` is false.
    pub fn export_profile_line(&self, contact: &Contact, with_activity: bool) -> Result<Value> {
        let names = self.static_segment_names()?;
        let timeline = match with_activity {
            true => Some(self.export_contact(&contact.id)?.activity),
            false => None,
        };
        Ok(profile_line(contact, &names, timeline.as_deref()))
    }

    /// The whole portable form, line by line: the catalogue, then every live contact's
    /// profile line. `sink` gets each line in turn; an error it returns stops the export.
    pub fn export_lines(
        &self,
        with_activity: bool,
        mut sink: impl FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        for line in self.export_catalog_lines()? {
            sink(line)?;
        }
        let mut cursor = None;
        loop {
            let page = self.export_profile_lines(
                &ListQuery {
                    limit: Some(500),
                    cursor,
                },
                with_activity,
            )?;
            for line in page.items {
                sink(line)?;
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Whether `line` is a line of the portable form (a catalogue entry or a profile),
    /// rather than a plain contact input.
    pub fn is_portable_line(line: &Value) -> bool {
        line.as_object()
            .is_some_and(|object| is_catalog(object) || is_profile(object))
    }

    /// Restores one line of the portable form (see the module's documentation): a
    /// catalogue entry is defined unless it exists; a profile line is upserted by
    /// `dedupe_on` and everything else it holds replayed, in one unit of work. A line
    /// of neither kind, or one that fails, is a validation error naming the part of
    /// the line at fault (`activity[3].name`, `suppressions[0].reason`), and writes
    /// nothing. A line nested deeper than `limits::MAX_LINE_NESTING` or larger than
    /// `limits::MAX_LINE_BYTES` is refused on `line` before it is read.
    pub fn restore_line(&self, line: &Value, dedupe_on: DedupeOn) -> Result<Restored> {
        limits::check_line(line)?;
        let Some(object) = line.as_object() else {
            return Err(Error::validation(
                "line",
                line.to_string(),
                "not a JSON object",
            ));
        };
        if is_catalog(object) {
            let entry: CatalogLine = from_json(line, ReadAs::Attributes("line"))?;
            self.restore_catalog(entry)?;
            return Ok(Restored {
                kind: LineKind::Catalog,
                contact_id: None,
                created: false,
            });
        }
        if !is_profile(object) {
            return Err(Error::validation(
                "line",
                line.to_string(),
                "neither a catalogue entry nor a profile line of an export",
            ));
        }
        let profile: ProfileLine = from_json(line, ReadAs::Attributes("line"))?;
        let mut restore = self.replayable(self.check_profile(profile)?);
        self.atomic(|unit| {
            let restore = restore.take()?;
            unit.restore_profile(restore, dedupe_on)
        })
    }

    /// Static segment names by id.
    fn static_segment_names(&self) -> Result<HashMap<String, String>> {
        Ok(self
            .segments()?
            .into_iter()
            .filter(|s| s.kind == SegmentKind::Static)
            .map(|s| (s.id, s.name))
            .collect())
    }

    fn restore_catalog(&self, entry: CatalogLine) -> Result<()> {
        match entry {
            CatalogLine::FieldDefinition(definition) => {
                let exists = self
                    .field_definitions()?
                    .iter()
                    .any(|d| d.key == definition.key);
                if !exists {
                    self.define_field(definition)?;
                }
            }
            CatalogLine::Category(category) => {
                // An entry already there (by its key, or by its title when the line
                // gives no key) is left as it is.
                let exists = self.categories()?.iter().any(|c| match &category.key {
                    Some(key) => c.key == *key,
                    None => c.title == category.title,
                });
                if !exists {
                    let defined = self.define_category(&category.title)?;
                    if let Some(key) = category.key.filter(|key| *key != defined.key) {
                        return Err(Error::validation(
                            "category.key",
                            key,
                            format!("the title makes the key {:?}", defined.key),
                        ));
                    }
                }
            }
            CatalogLine::Segment(segment) => {
                let exists = self
                    .segments()?
                    .iter()
                    .any(|s| s.name.eq_ignore_ascii_case(segment.name.trim()));
                if !exists {
                    match &segment.rule {
                        Some(rule) => {
                            self.create_dynamic_segment(&segment.name, &Rule::from_value(rule)?)?
                        }
                        None => self.create_segment(&segment.name)?,
                    };
                }
            }
        }
        Ok(())
    }

    /// A profile line checked as far as it can be without the store.
    fn check_profile(&self, line: ProfileLine) -> Result<ProfileRestore> {
        let source = line.source.unwrap_or(Source::Import);
        let created_at = line
            .created_at
            .map(|at| limits::check_instant("created_at", at))
            .transpose()?;
        let (tokened, tokenless): (Vec<_>, Vec<_>) =
            line.devices.into_iter().partition(|d| d.token.is_some());
        let mut fields = line.fields;
        // A manual contact may not set readonly fields: they are set after, as an import.
        let late_fields = match source {
            Source::Manual => std::mem::take(&mut fields),
            _ => BTreeMap::new(),
        };
        let mut confirm = Vec::new();
        if source == Source::SubscriptionForm {
            // A sign-up's new addresses start unconfirmed: confirm those that were.
            if line.email.is_some() && line.email_status != Some(ChannelStatus::Unconfirmed) {
                confirm.push(Channel::Email);
            }
            if line.phone.is_some() && line.phone_status != Some(ChannelStatus::Unconfirmed) {
                confirm.push(Channel::Sms);
            }
        }
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
            // Names here; ids once the unit has read the book's segments.
            segments: Patch::Keep,
            address: line.address.into(),
            location: line.location.map(location_input).into(),
            timezone: line.timezone.into(),
            language: line.language.into(),
            fields,
            source: Some(source),
            // Its suppressions are restored as records with their dates, not statuses.
            ..Default::default()
        };
        let late_fields = match late_fields.is_empty() {
            true => None,
            false => Some(self.check_input(ContactInput {
                fields: late_fields,
                source: Some(Source::Import),
                ..Default::default()
            })?),
        };
        let mut timeline = Vec::with_capacity(line.activity.len());
        // Exported newest first: replayed oldest first.
        for (i, item) in line.activity.into_iter().enumerate().rev() {
            timeline.push(check_item(i, item)?);
        }
        for (i, record) in line.suppressions.iter().enumerate() {
            check_suppression(record).map_err(|e| e.within(&format!("suppressions[{i}]")))?;
        }
        Ok(ProfileRestore {
            input,
            segment_names: line.segments,
            created_at,
            apps: tokenless.into_iter().map(device_input).collect(),
            late_fields,
            confirm,
            timeline,
            suppressions: line.suppressions,
        })
    }
}

impl Unit<'_> {
    fn restore_profile(
        &mut self,
        restore: ProfileRestore,
        dedupe_on: DedupeOn,
    ) -> Result<Restored> {
        let ProfileRestore {
            mut input,
            segment_names,
            created_at,
            apps,
            late_fields,
            confirm,
            timeline,
            suppressions,
        } = restore;
        let by_name: HashMap<String, String> = self
            .tx
            .segments()?
            .into_iter()
            .filter(|s| s.kind == SegmentKind::Static)
            .map(|s| (s.name.to_lowercase(), s.id))
            .collect();
        let mut segments = Vec::with_capacity(segment_names.len());
        for (i, name) in segment_names.iter().enumerate() {
            let id = by_name.get(&name.trim().to_lowercase()).ok_or_else(|| {
                Error::validation(
                    format!("segments[{i}]"),
                    name,
                    "no static segment has this name",
                )
            })?;
            segments.push(id.clone());
        }
        input.segments = Patch::Set(segments);
        let checked = self.book.check_input(input)?;
        let source = checked.input.source.unwrap_or(Source::Import);
        let (mut record, outcome) = self.upsert(checked, dedupe_on, source)?;
        let created = matches!(outcome, Outcome::Created);
        let mut changed = false;
        if let Some(at) = created_at.filter(|_| created) {
            record.created_at = at;
            changed = true;
        }
        if !apps.is_empty() {
            self.register_devices(&mut record, &apps, false, "devices")?;
            changed = true;
        }
        for channel in confirm {
            match channel {
                Channel::Email => record.email_confirmed = true,
                _ => record.phone_confirmed = true,
            }
            changed = true;
        }
        if changed {
            record = self.save(record)?;
        }
        if let Some(fields) = late_fields {
            record = self.merge(record, fields, Source::Import, false)?;
        }
        self.replay_timeline(&record, timeline)?;
        self.restore_suppressions(&record, suppressions)?;
        Ok(Restored {
            kind: LineKind::Profile,
            contact_id: Some(record.id),
            created,
        })
    }

    /// Records the timeline oldest first; an event already there (same name, key and
    /// time) is not added again.
    fn replay_timeline(
        &mut self,
        record: &ContactRecord,
        timeline: Vec<CheckedItem>,
    ) -> Result<()> {
        if timeline.is_empty() {
            return Ok(());
        }
        let known_events: Vec<(String, Option<String>, DateTime<Utc>)> = self
            .tx
            .activities(&record.id, &ActivityFilter::all_of(ActivityKind::Event))?
            .into_iter()
            .filter_map(|item| match item.detail {
                ActivityDetail::Event(e) => Some((e.name, e.key_value, item.at)),
                _ => None,
            })
            .collect();
        for item in timeline {
            let field = item.field.clone();
            let outcome = match item.what {
                Item::Campaign(campaign) => self.put_campaign(record, &campaign).map(drop),
                Item::Event(event, at) => {
                    let seen = known_events.iter().any(|(name, key, known_at)| {
                        *name == event.name && *key == event.key_value && Some(*known_at) == at
                    });
                    match seen {
                        true => Ok(()),
                        false => self.put_event(&record.id, &event, at).map(drop),
                    }
                }
                Item::Order(order, at) => {
                    let whole = self.live_contact(&record.id)?;
                    self.put_order(whole, &order, at).map(drop)
                }
            };
            outcome.map_err(|e| e.within(&field))?;
        }
        Ok(())
    }

    /// Brings the records at the contact's addresses in line with the exported ones,
    /// dates and all: a record matching one already there (channel, kind, reason and
    /// state) adds nothing; a lifted one lifts a matching record in force; any other is
    /// added as it was.
    fn restore_suppressions(
        &mut self,
        record: &ContactRecord,
        wanted: Vec<SuppressionRecord>,
    ) -> Result<()> {
        for (i, want) in wanted.into_iter().enumerate() {
            let field = format!("suppressions[{i}]");
            let channel = want.channel;
            let address = match want.channel {
                Channel::Email => record.email.clone(),
                Channel::Sms => record.phone.clone(),
                Channel::MobilePush | Channel::WebPush | Channel::Telegram => {
                    Some(record.id.clone())
                }
            }
            .ok_or_else(|| {
                Error::validation(
                    format!("{field}.channel"),
                    want.channel.as_str(),
                    "the contact has no address on this channel",
                )
            })?;
            let mut records = self.tx.suppressions(&address)?;
            let same = |r: &SuppressionRecord| {
                r.channel == want.channel && r.kind == want.kind && r.reason == want.reason
            };
            let matched = records.iter().any(|r| {
                same(r) && r.is_active() == want.is_active() && r.lift_note == want.lift_note
            });
            if matched {
                continue;
            }
            match records.iter_mut().find(|r| same(r) && r.is_active()) {
                Some(held) if !want.is_active() => {
                    held.lifted_at = want.lifted_at;
                    held.lift_note = want.lift_note;
                }
                Some(_) => continue,
                None => {
                    records.push(SuppressionRecord {
                        address: address.clone(),
                        ..want
                    });
                    records.sort_by_key(|r| r.at);
                }
            }
            self.tx.put_suppressions(&address, &records)?;
            self.note_consent_at(channel, &address)?;
        }
        Ok(())
    }
}

/// One catalogue line.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum CatalogLine {
    FieldDefinition(FieldDefinition),
    Category(CategoryLine),
    Segment(SegmentLine),
}

/// A category as exported (its key is derived from the title, and checked).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryLine {
    #[serde(default)]
    key: Option<String>,
    title: String,
}

/// A static or dynamic segment as exported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentLine {
    name: String,
    #[serde(default)]
    rule: Option<Value>,
}

fn is_catalog(object: &Map<String, Value>) -> bool {
    object.len() == 1
        && ["field_definition", "category", "segment"]
            .iter()
            .any(|k| object.contains_key(*k))
}

fn is_profile(object: &Map<String, Value>) -> bool {
    PROFILE_KEYS.iter().any(|k| object.contains_key(*k))
}

/// A profile line as read back. Derived parts of the card (`applications`,
/// `order_stats`, `updated_at`) are accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileLine {
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
    #[serde(default, rename = "applications")]
    _applications: IgnoredAny,
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
    created_at: Option<DateTime<Utc>>,
    #[serde(default, rename = "updated_at")]
    _updated_at: IgnoredAny,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default, rename = "order_stats")]
    _order_stats: IgnoredAny,
    #[serde(default)]
    activity: Vec<TimelineItem>,
}

/// An exported timeline item: when and what (its display hints are ignored).
#[derive(Debug, Clone, Deserialize)]
struct TimelineItem {
    at: DateTime<Utc>,
    #[serde(flatten)]
    detail: ActivityDetail,
}

/// A profile line checked, ready for its unit of work.
#[derive(Clone)]
struct ProfileRestore {
    input: ContactInput,
    segment_names: Vec<String>,
    created_at: Option<DateTime<Utc>>,
    apps: Vec<DeviceInput>,
    late_fields: Option<CheckedInput>,
    confirm: Vec<Channel>,
    /// Oldest first, each with the line's name for it.
    timeline: Vec<CheckedItem>,
    suppressions: Vec<SuppressionRecord>,
}

#[derive(Clone)]
struct CheckedItem {
    field: String,
    what: Item,
}

#[derive(Clone)]
enum Item {
    Campaign(super::timeline::CheckedCampaign),
    Event(crate::model::Event, Option<DateTime<Utc>>),
    Order(crate::model::Order, Option<DateTime<Utc>>),
}

/// The line's `activity[index]`, checked as `record_campaign`, `record_event` and
/// `record_order` check their inputs; an error names it.
fn check_item(index: usize, item: TimelineItem) -> Result<CheckedItem> {
    let field = format!("activity[{index}]");
    let at = Some(item.at);
    let what = match item.detail {
        ActivityDetail::Campaign(c) => check_campaign(&CampaignInput {
            message_id: c.message_id,
            message_name: c.message_name,
            channel: c.channel,
            status: c.status,
            status_description: c.status_description,
            at,
        })
        .map(Item::Campaign),
        ActivityDetail::Event(e) => check_event(EventInput {
            name: e.name,
            key_value: e.key_value,
            params: e.params,
            workflows: e.workflows,
            at,
        })
        .map(|(event, at)| Item::Event(event, at)),
        ActivityDetail::Order(o) => validate::validate_order(&crate::model::OrderInput {
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
            at,
        })
        .and_then(|order| Ok(Item::Order(order, checked_at(at)?))),
    };
    let what = what.map_err(|e| e.within(&field))?;
    Ok(CheckedItem { field, what })
}

/// A restored record's dates are in range and its texts within the limits.
fn check_suppression(record: &SuppressionRecord) -> Result<()> {
    limits::check_instant("at", record.at)?;
    if let Some(lifted) = record.lifted_at {
        limits::check_instant("lifted_at", lifted)?;
    }
    optional_text("reason", record.reason.as_deref(), MAX_REASON_CHARS)?;
    optional_text("lift_note", record.lift_note.as_deref(), MAX_REASON_CHARS)?;
    Ok(())
}

/// One profile line: the card, static segments by name, the timeline without the
/// book's own activity ids.
fn profile_line(
    contact: &Contact,
    names: &HashMap<String, String>,
    timeline: Option<&[crate::model::Activity]>,
) -> Value {
    let mut value = serde_json::to_value(contact).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut value {
        let mut segments: Vec<&String> = contact
            .segments
            .iter()
            .filter_map(|id| names.get(id))
            .collect();
        segments.sort();
        object.insert("segments".into(), json!(segments));
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

fn list_patch<T>(items: Vec<T>) -> Patch<Vec<T>> {
    match items.is_empty() {
        true => Patch::Clear,
        false => Patch::Set(items),
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
