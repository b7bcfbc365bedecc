//! Records (Kotlin data classes, Swift structs) for every input and output, and their
//! conversions to and from the core's types. Conversion only: every rule is the core's.
//!
//! Core records whose fields uniffi carries as they are cross with
//! `#[uniffi::remote(Record)]` (the declaration repeats the core's fields). The others are
//! thin records here, because a field changes form at the boundary:
//!
//! - instants (`DateTime<Utc>`) cross as uniffi timestamps: `java.time.Instant` in Kotlin,
//!   `Date` in Swift, kept to the millisecond as the book stores them; one given outside
//!   the years 1 to 9999 is a `Validation` error on its field, never a panic;
//! - decimals (money, quantities, field bounds) cross as strings (`"120.50"`), read with
//!   `rust_decimal` and reported as a `Validation` error naming the field when they are not
//!   decimals;
//! - a [`ContactInput`] says "keep", "clear" or "set" for each attribute: a value sets it,
//!   `null` keeps it, and naming the attribute in `clear` removes it;
//! - enums with a default in the core (platform, sources, statuses) are optional: `null`
//!   takes the core's default;
//! - additional field values are the typed enums [`FieldValue`] (out) and [`FieldInput`]
//!   (in), event parameters a JSON object in a string.

use crate::enums::ActivityColor;
use chrono::{DateTime, NaiveDate, Utc};
use contactkit as core;
use contactkit::validate::limits;
use contactkit::Result;
use contactkit::{
    ActivityCategory, ActivityKind, Address, Application, CampaignChannel, CampaignStatus,
    Category, Channel, ChannelStatus, Durability, FieldType, FieldUpdate, ImportReport, ListQuery,
    LocationSource, OrderSource, OrderStatus, Patch, Period, Platform, RejectedRow, Segment,
    SendDecision, SendReason, Source, SuppressionKind, Telegram, WebPushInput, WebPushKeys,
};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;
use std::time::{Duration as StdDuration, SystemTime};

// ---------------------------------------------------------------------------------------
// Conversions shared by the records.

/// A core instant as a uniffi timestamp. It cannot fail: `SystemTime` holds every chrono
/// instant, and the book keeps only the years 1 to 9999, which `java.time.Instant` and
/// Swift's `Date` hold too.
pub(crate) fn to_time(at: DateTime<Utc>) -> SystemTime {
    at.into()
}

/// A uniffi timestamp given for `field` as a core instant.
///
/// uniffi carries any `java.time.Instant` (years ±1,000,000,000) or Swift `Date`, but
/// chrono holds only about ±262,000 years (its `From<SystemTime>` panics beyond) and the
/// book only the years 1 to 9999: anything outside is a validation error on `field`.
pub(crate) fn from_time(field: &str, at: SystemTime) -> Result<DateTime<Utc>> {
    let (offset, before_epoch) = match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => (after, false),
        Err(before) => (before.duration(), true),
    };
    match chrono_instant(offset, before_epoch) {
        Some(at) => limits::check_instant(field, at),
        None => {
            let side = if before_epoch { "before" } else { "after" };
            Err(core::Error::validation(
                field,
                format!("{} s {side} 1970-01-01T00:00:00Z", offset.as_secs()),
                "outside the years 1 to 9999 (in UTC)",
            ))
        }
    }
}

/// The instant `offset` after (or before) the Unix epoch, if chrono can hold it.
fn chrono_instant(offset: StdDuration, before_epoch: bool) -> Option<DateTime<Utc>> {
    let seconds = i64::try_from(offset.as_secs()).ok()?;
    let nanos = offset.subsec_nanos();
    match (before_epoch, nanos) {
        (false, _) => DateTime::from_timestamp(seconds, nanos),
        (true, 0) => DateTime::from_timestamp(-seconds, 0),
        // chrono counts nanoseconds forward: 1.25 s before is 2 s before plus 0.75 s.
        (true, _) => DateTime::from_timestamp(-seconds - 1, 1_000_000_000 - nanos),
    }
}

/// An optional timestamp given for `field`, see [`from_time`].
fn from_optional_time(field: &str, at: Option<SystemTime>) -> Result<Option<DateTime<Utc>>> {
    at.map(|at| from_time(field, at)).transpose()
}

/// Reads a decimal string for `field`; anything else is a validation error on it.
fn parse_decimal(field: &str, value: &str) -> Result<Decimal> {
    Decimal::from_str(value).map_err(|_| {
        core::Error::validation(field, value, "expected a decimal number such as 120.50")
    })
}

fn parse_optional_decimal(field: &str, value: Option<String>) -> Result<Option<Decimal>> {
    value.map(|v| parse_decimal(field, &v)).transpose()
}

fn decimal_string(value: Decimal) -> String {
    value.to_string()
}

// ---------------------------------------------------------------------------------------
// Records the core's types serve as they are.

/// A postal address.
#[uniffi::remote(Record)]
pub struct Address {
    /// ISO 3166-1 alpha-2 code, upper case (`UA`).
    #[uniffi(default)]
    pub country: Option<String>,
    /// Region, state or oblast.
    #[uniffi(default)]
    pub region: Option<String>,
    /// Town or city.
    #[uniffi(default)]
    pub town: Option<String>,
    /// Street, house and flat.
    #[uniffi(default)]
    pub street_address: Option<String>,
    /// Postal code.
    #[uniffi(default)]
    pub postcode: Option<String>,
}

/// A contact's Telegram binding: which bot talks to which chat.
#[uniffi::remote(Record)]
pub struct Telegram {
    /// The bot's id.
    pub bot_id: String,
    /// The chat's id with that bot.
    pub chat_id: String,
}

/// The keys of a web push subscription, as `PushSubscription.toJSON()` nests them.
#[uniffi::remote(Record)]
pub struct WebPushKeys {
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url.
    pub auth: String,
}

/// What a caller sends to register a web push subscription: keys either flat
/// (`p256dh`, `auth`) or nested in `keys`.
#[uniffi::remote(Record)]
pub struct WebPushInput {
    /// The push service URL (https).
    pub endpoint: String,
    /// Flat form of the public key.
    #[uniffi(default)]
    pub p256dh: Option<String>,
    /// Flat form of the authentication secret.
    #[uniffi(default)]
    pub auth: Option<String>,
    /// Nested form of both keys.
    #[uniffi(default)]
    pub keys: Option<WebPushKeys>,
    /// Browser user agent.
    #[uniffi(default)]
    pub user_agent: Option<String>,
    /// Browser language.
    #[uniffi(default)]
    pub language: Option<String>,
    /// Operating system.
    #[uniffi(default)]
    pub os: Option<String>,
    /// The page the person subscribed on.
    #[uniffi(default)]
    pub subscription_page: Option<String>,
}

/// An app among a contact's devices, with the devices that have it installed.
#[uniffi::remote(Record)]
pub struct Application {
    /// The app.
    pub app_id: String,
    /// Its devices on this contact, in registration order.
    pub device_ids: Vec<String>,
}

/// A subscription category (newsletter topic).
#[uniffi::remote(Record)]
pub struct Category {
    /// Slug derived from the title (`Weekly news` → `weekly-news`).
    pub key: String,
    /// The title it was defined with.
    pub title: String,
    /// The segment created with it, holding its subscribers.
    pub segment_id: String,
}

/// A static list of contacts.
#[uniffi::remote(Record)]
pub struct Segment {
    /// Assigned by the book (UUIDv7).
    pub id: String,
    /// Unique display name.
    pub name: String,
    /// Set when the segment backs a subscription category (not edited on its own).
    pub category_key: Option<String>,
}

/// The answer of `canSend`.
#[uniffi::remote(Record)]
pub struct SendDecision {
    /// True only when `reason` is `OK`.
    pub allowed: bool,
    /// Why.
    pub reason: SendReason,
}

/// A row an import rejected.
#[uniffi::remote(Record)]
pub struct RejectedRow {
    /// 0-based position in the input.
    pub index: u64,
    /// The field at fault, where there is one.
    pub field: Option<String>,
    /// The full error message.
    pub reason: String,
}

/// The outcome of a bulk import.
#[uniffi::remote(Record)]
pub struct ImportReport {
    /// Rows that created a contact.
    pub created: u64,
    /// Rows that updated an existing contact.
    pub updated: u64,
    /// Rows that were rejected; nothing of them was written.
    pub rejected: Vec<RejectedRow>,
}

/// A page request: `limit` (100 when null, at most 1000) and the previous page's
/// `nextCursor`.
#[uniffi::remote(Record)]
pub struct ListQuery {
    /// Page size; 100 when null, at most 1000.
    #[uniffi(default)]
    pub limit: Option<u32>,
    /// Where the previous page ended (its `nextCursor`).
    #[uniffi(default)]
    pub cursor: Option<String>,
}

/// A change to a field definition (`updateField`): a new title and options added to a
/// list or multilist. Options are never taken away: stored values may hold them.
#[uniffi::remote(Record)]
pub struct FieldUpdate {
    /// The new title; unchanged when null.
    #[uniffi(default)]
    pub title: Option<String>,
    /// Options to add at the end of a `LIST` or `MULTILIST` field's options.
    #[uniffi(default)]
    pub add_options: Vec<String>,
}

/// How a book stores commits (SQLite files only).
#[uniffi::remote(Enum)]
pub enum Durability {
    /// Survives a killed process; a power cut may lose the latest commits.
    Normal,
    /// Survives a power cut too, at the cost of an fsync per commit.
    Full,
}

// ---------------------------------------------------------------------------------------
// Channels.

/// What a caller sends to register (or refresh) a mobile push device.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeviceInput {
    /// The app the token belongs to (bundle id or the customer's app key).
    pub app_id: String,
    /// The device's id within the app.
    pub device_id: String,
    /// The push token; required by `addMobilePush`, optional for `registerApp`.
    #[uniffi(default)]
    pub token: Option<String>,
    /// The device's OS family; `OTHER` for a new device when null, and kept as it was
    /// when a known device registers again without it (a token refresh need not know it).
    #[uniffi(default)]
    pub platform: Option<Platform>,
    /// Device model, e.g. `Pixel 8`.
    #[uniffi(default)]
    pub model: Option<String>,
    /// OS name.
    #[uniffi(default)]
    pub os: Option<String>,
    /// OS version.
    #[uniffi(default)]
    pub os_version: Option<String>,
    /// Device locale, e.g. `uk-UA`.
    #[uniffi(default)]
    pub locale: Option<String>,
    /// Version of the app on the device.
    #[uniffi(default)]
    pub app_version: Option<String>,
    /// Whether the device receives pushes; true for a new device when null, and kept as
    /// it was when a known device registers again without it.
    #[uniffi(default)]
    pub active: Option<bool>,
}

impl From<DeviceInput> for core::DeviceInput {
    fn from(d: DeviceInput) -> Self {
        core::DeviceInput {
            app_id: d.app_id,
            device_id: d.device_id,
            token: d.token,
            platform: d.platform,
            model: d.model,
            os: d.os,
            os_version: d.os_version,
            locale: d.locale,
            app_version: d.app_version,
            active: d.active,
        }
    }
}

/// One app installation on one device, able to receive mobile push.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MobilePushDevice {
    /// The app the token belongs to.
    pub app_id: String,
    /// The device's id within the app.
    pub device_id: String,
    /// The push token; null for an app registered without push permission.
    pub token: Option<String>,
    /// The device's OS family.
    pub platform: Platform,
    /// Device model.
    pub model: Option<String>,
    /// OS name.
    pub os: Option<String>,
    /// OS version.
    pub os_version: Option<String>,
    /// Device locale.
    pub locale: Option<String>,
    /// Version of the app on the device.
    pub app_version: Option<String>,
    /// False when pushes to this device should not be sent.
    pub active: bool,
    /// When the device was first registered on this contact.
    pub registered_at: SystemTime,
    /// When the device was last registered or refreshed.
    pub last_seen_at: SystemTime,
}

impl From<core::MobilePushDevice> for MobilePushDevice {
    fn from(d: core::MobilePushDevice) -> Self {
        MobilePushDevice {
            app_id: d.app_id,
            device_id: d.device_id,
            token: d.token,
            platform: d.platform,
            model: d.model,
            os: d.os,
            os_version: d.os_version,
            locale: d.locale,
            app_version: d.app_version,
            active: d.active,
            registered_at: to_time(d.registered_at),
            last_seen_at: to_time(d.last_seen_at),
        }
    }
}

/// A web push subscription of one browser.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WebPushSubscription {
    /// The push service URL; unique in the book.
    pub endpoint: String,
    /// The browser's public key.
    pub p256dh: String,
    /// The authentication secret.
    pub auth: String,
    /// Browser user agent at subscription time.
    pub user_agent: Option<String>,
    /// Browser language.
    pub language: Option<String>,
    /// Operating system.
    pub os: Option<String>,
    /// The page the person subscribed on.
    pub subscription_page: Option<String>,
    /// When the subscription was first registered.
    pub created_at: SystemTime,
}

impl From<core::WebPushSubscription> for WebPushSubscription {
    fn from(s: core::WebPushSubscription) -> Self {
        WebPushSubscription {
            endpoint: s.endpoint,
            p256dh: s.p256dh,
            auth: s.auth,
            user_agent: s.user_agent,
            language: s.language,
            os: s.os,
            subscription_page: s.subscription_page,
            created_at: to_time(s.created_at),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Location.

/// What a caller sends to set a location; the book stamps `updatedAt`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LocationInput {
    /// Degrees, -90 to 90.
    pub latitude: f64,
    /// Degrees, -180 to 180.
    pub longitude: f64,
    /// Radius of uncertainty in metres (not negative).
    #[uniffi(default)]
    pub accuracy: Option<f64>,
    /// ISO 3166-1 alpha-2 country code.
    #[uniffi(default)]
    pub country: Option<String>,
    /// Region.
    #[uniffi(default)]
    pub region: Option<String>,
    /// City.
    #[uniffi(default)]
    pub city: Option<String>,
    /// How it was obtained; `MANUAL` when null.
    #[uniffi(default)]
    pub source: Option<LocationSource>,
}

impl From<LocationInput> for core::LocationInput {
    fn from(l: LocationInput) -> Self {
        core::LocationInput {
            latitude: l.latitude,
            longitude: l.longitude,
            accuracy: l.accuracy,
            country: l.country,
            region: l.region,
            city: l.city,
            source: l.source.unwrap_or_default(),
        }
    }
}

/// A geographic position with what is known around it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Location {
    /// Degrees, -90 to 90.
    pub latitude: f64,
    /// Degrees, -180 to 180.
    pub longitude: f64,
    /// Radius of uncertainty in metres.
    pub accuracy: Option<f64>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// City.
    pub city: Option<String>,
    /// How it was obtained.
    pub source: LocationSource,
    /// When it was set (the book's clock).
    pub updated_at: SystemTime,
}

impl From<core::Location> for Location {
    fn from(l: core::Location) -> Self {
        Location {
            latitude: l.latitude,
            longitude: l.longitude,
            accuracy: l.accuracy,
            country: l.country,
            region: l.region,
            city: l.city,
            source: l.source,
            updated_at: to_time(l.updated_at),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Consent.

/// One suppression of one address on one channel, kept with its history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SuppressionRecord {
    /// The channel suppressed.
    pub channel: Channel,
    /// The normalised email or E.164 phone; the contact id for push and Telegram.
    pub address: String,
    /// What kind of suppression.
    pub kind: SuppressionKind,
    /// When it was recorded.
    pub at: SystemTime,
    /// Why, e.g. `hard_bounce`, `manual`, or free text from an unsubscribe page.
    pub reason: Option<String>,
    /// When it was lifted; null while in force.
    pub lifted_at: Option<SystemTime>,
    /// The note given when lifting.
    pub lift_note: Option<String>,
}

impl From<core::SuppressionRecord> for SuppressionRecord {
    fn from(r: core::SuppressionRecord) -> Self {
        SuppressionRecord {
            channel: r.channel,
            address: r.address,
            kind: r.kind,
            at: to_time(r.at),
            reason: r.reason,
            lifted_at: r.lifted_at.map(to_time),
            lift_note: r.lift_note,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Additional fields.

/// A stored value of an additional field, typed by the field's definition.
///
/// `LIST` fields hold a `Choice`, `MULTILIST` fields `Choices` (a variant named `List`
/// would shadow Kotlin's `List` inside the generated sealed class).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FieldValue {
    /// `TEXT`.
    Text {
        /// The text.
        value: String,
    },
    /// `TEXTAREA`.
    Textarea {
        /// The text.
        value: String,
    },
    /// `NUMBER`: a 64-bit integer.
    Number {
        /// The number.
        value: i64,
    },
    /// `DECIMAL`: an exact decimal as a string (`"19.99"`).
    Decimal {
        /// The decimal's digits.
        value: String,
    },
    /// `DATE`: a calendar date as `YYYY-MM-DD`.
    Date {
        /// The date.
        value: String,
    },
    /// `DATETIME`: an instant.
    Datetime {
        /// The instant.
        value: SystemTime,
    },
    /// `BOOLEAN`.
    Bool {
        /// The flag.
        value: bool,
    },
    /// `LIST`: the chosen option.
    Choice {
        /// The option.
        value: String,
    },
    /// `MULTILIST`: the chosen options, in the definition's order.
    Choices {
        /// The options.
        values: Vec<String>,
    },
}

impl From<core::FieldValue> for FieldValue {
    fn from(value: core::FieldValue) -> Self {
        match value {
            core::FieldValue::Text(value) => FieldValue::Text { value },
            core::FieldValue::Textarea(value) => FieldValue::Textarea { value },
            core::FieldValue::Number(value) => FieldValue::Number { value },
            core::FieldValue::Decimal(d) => FieldValue::Decimal {
                value: decimal_string(d),
            },
            core::FieldValue::Date(d) => FieldValue::Date {
                value: d.format("%Y-%m-%d").to_string(),
            },
            core::FieldValue::Datetime(t) => FieldValue::Datetime { value: to_time(t) },
            core::FieldValue::Boolean(value) => FieldValue::Bool { value },
            core::FieldValue::List(value) => FieldValue::Choice { value },
            core::FieldValue::Multilist(values) => FieldValue::Choices { values },
        }
    }
}

/// A value for an additional field as a caller gives it; the book parses it against the
/// field's definition (`Text("42")` fills a number field, `Text("true")` a boolean).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FieldInput {
    /// A boolean.
    Bool {
        /// The flag.
        value: bool,
    },
    /// An integer.
    Integer {
        /// The number.
        value: i64,
    },
    /// A binary floating-point number, as a JSON number with a fraction arrives. It is
    /// not exact, so a `DECIMAL` field refuses it: give money and quantities as
    /// `Decimal` or `Text`.
    Float {
        /// The number.
        value: f64,
    },
    /// Any value in its string form: text, `"42"`, `"19.99"`, `"1990-03-09"`,
    /// `"2024-05-01T12:00:00+03:00"`, `"true"`, an option, options joined with commas.
    Text {
        /// The text.
        value: String,
    },
    /// The options of a multilist.
    Choices {
        /// The options.
        values: Vec<String>,
    },
    /// An exact decimal as a string (`"19.99"`).
    Decimal {
        /// The decimal's digits.
        value: String,
    },
    /// A calendar date as `YYYY-MM-DD`.
    Date {
        /// The date.
        value: String,
    },
    /// An instant.
    Datetime {
        /// The instant.
        value: SystemTime,
    },
}

impl FieldInput {
    /// The core's input for field `key` (errors name `fields.<key>`).
    pub(crate) fn into_core(self, key: &str) -> Result<core::FieldInput> {
        let field = || format!("fields.{key}");
        Ok(match self {
            FieldInput::Bool { value } => core::FieldInput::Bool(value),
            FieldInput::Integer { value } => core::FieldInput::Integer(value),
            FieldInput::Float { value } => core::FieldInput::Float(value),
            FieldInput::Text { value } => core::FieldInput::Text(value),
            FieldInput::Choices { values } => core::FieldInput::List(values),
            FieldInput::Decimal { value } => {
                core::FieldInput::Decimal(parse_decimal(&field(), &value)?)
            }
            FieldInput::Date { value } => {
                core::FieldInput::Date(NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(
                    |_| core::Error::validation(field(), &value, "expected a date as YYYY-MM-DD"),
                )?)
            }
            FieldInput::Datetime { value } => {
                core::FieldInput::Datetime(from_time(&field(), value)?)
            }
        })
    }
}

impl From<FieldValue> for FieldInput {
    fn from(value: FieldValue) -> Self {
        match value {
            FieldValue::Text { value }
            | FieldValue::Textarea { value }
            | FieldValue::Choice { value } => FieldInput::Text { value },
            FieldValue::Number { value } => FieldInput::Integer { value },
            FieldValue::Decimal { value } => FieldInput::Decimal { value },
            FieldValue::Date { value } => FieldInput::Date { value },
            FieldValue::Datetime { value } => FieldInput::Datetime { value },
            FieldValue::Bool { value } => FieldInput::Bool { value },
            FieldValue::Choices { values } => FieldInput::Choices { values },
        }
    }
}

/// Turns a stored value back into an input, e.g. to copy a field to another contact.
#[uniffi::export]
pub fn field_input_of(value: FieldValue) -> FieldInput {
    value.into()
}

/// The definition an additional field's values are checked against.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldDefinition {
    /// Identifier used in inputs and outputs: lowercase letters, digits and `_`.
    pub key: String,
    /// Value type.
    pub field_type: FieldType,
    /// Display title; the key when left empty.
    #[uniffi(default = "")]
    pub title: String,
    /// A contact must carry a value.
    #[uniffi(default = false)]
    pub required: bool,
    /// Set only by import or API, never by a manual edit.
    #[uniffi(default = false)]
    pub readonly: bool,
    /// Allowed values of a `LIST` or `MULTILIST`.
    #[uniffi(default)]
    pub options: Vec<String>,
    /// Lowest allowed `NUMBER` or `DECIMAL`, as a decimal string.
    #[uniffi(default)]
    pub min: Option<String>,
    /// Highest allowed `NUMBER` or `DECIMAL`, as a decimal string.
    #[uniffi(default)]
    pub max: Option<String>,
}

impl FieldDefinition {
    pub(crate) fn into_core(self) -> Result<core::FieldDefinition> {
        Ok(core::FieldDefinition {
            key: self.key,
            title: self.title,
            field_type: self.field_type,
            required: self.required,
            readonly: self.readonly,
            options: self.options,
            min: parse_optional_decimal("min", self.min)?,
            max: parse_optional_decimal("max", self.max)?,
        })
    }
}

impl From<core::FieldDefinition> for FieldDefinition {
    fn from(d: core::FieldDefinition) -> Self {
        FieldDefinition {
            key: d.key,
            field_type: d.field_type,
            title: d.title,
            required: d.required,
            readonly: d.readonly,
            options: d.options,
            min: d.min.map(decimal_string),
            max: d.max.map(decimal_string),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The contact.

/// Order figures derived from a contact's orders.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OrderStats {
    /// Orders of any status.
    pub order_count: u64,
    /// Sum of delivered orders' amounts per ISO 4217 currency, as decimal strings.
    pub revenue: HashMap<String, String>,
    /// When the latest order was placed.
    pub last_order_at: Option<SystemTime>,
}

impl From<core::OrderStats> for OrderStats {
    fn from(s: core::OrderStats) -> Self {
        OrderStats {
            order_count: s.order_count,
            revenue: s
                .revenue
                .into_iter()
                .map(|(currency, amount)| (currency, decimal_string(amount)))
                .collect(),
            last_order_at: s.last_order_at.map(to_time),
        }
    }
}

/// The profile card: the stored contact plus everything derived from the book.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Contact {
    /// UUIDv7.
    pub id: String,
    /// Id in the customer's system.
    pub external_id: Option<String>,
    /// Alternative unique key.
    pub contact_key: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Normalised email.
    pub email: Option<String>,
    /// The email's one status; null without an email.
    pub email_status: Option<ChannelStatus>,
    /// E.164 phone.
    pub phone: Option<String>,
    /// The phone's one status; null without a phone.
    pub phone_status: Option<ChannelStatus>,
    /// Every suppression record of the contact's addresses and channels, lifted ones
    /// included, oldest first.
    pub suppressions: Vec<SuppressionRecord>,
    /// Mobile push devices, in registration order.
    pub devices: Vec<MobilePushDevice>,
    /// The apps among the devices.
    pub applications: Vec<Application>,
    /// Web push subscriptions, in registration order.
    pub web_push: Vec<WebPushSubscription>,
    /// Telegram binding.
    pub telegram: Option<Telegram>,
    /// Subscription category keys, sorted.
    pub categories: Vec<String>,
    /// Postal address.
    pub address: Option<Address>,
    /// Geographic location.
    pub location: Option<Location>,
    /// IANA time zone name.
    pub timezone: Option<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Segment ids, sorted.
    pub segments: Vec<String>,
    /// Additional field values by key.
    pub fields: HashMap<String, FieldValue>,
    /// When the contact was created.
    pub created_at: SystemTime,
    /// When anything on the profile last changed.
    pub updated_at: SystemTime,
    /// How the contact entered the book.
    pub source: Source,
    /// Derived order figures.
    pub order_stats: OrderStats,
}

impl From<core::Contact> for Contact {
    fn from(c: core::Contact) -> Self {
        Contact {
            id: c.id,
            external_id: c.external_id,
            contact_key: c.contact_key,
            first_name: c.first_name,
            last_name: c.last_name,
            email: c.email,
            email_status: c.email_status,
            phone: c.phone,
            phone_status: c.phone_status,
            suppressions: c.suppressions.into_iter().map(Into::into).collect(),
            devices: c.devices.into_iter().map(Into::into).collect(),
            applications: c.applications,
            web_push: c.web_push.into_iter().map(Into::into).collect(),
            telegram: c.telegram,
            categories: c.categories,
            address: c.address,
            location: c.location.map(Into::into),
            timezone: c.timezone,
            language: c.language,
            segments: c.segments,
            fields: c
                .fields
                .into_iter()
                .map(|(key, value)| (key, value.into()))
                .collect(),
            created_at: to_time(c.created_at),
            updated_at: to_time(c.updated_at),
            source: c.source,
            order_stats: c.order_stats.into(),
        }
    }
}

/// An attribute of a contact that a [`ContactInput`] can clear (list it in `clear`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ContactAttribute {
    /// `externalId`.
    ExternalId,
    /// `contactKey`.
    ContactKey,
    /// `firstName`.
    FirstName,
    /// `lastName`.
    LastName,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `mobilePush`: removes every device.
    MobilePush,
    /// `webPush`: removes every subscription.
    WebPush,
    /// `telegram`.
    Telegram,
    /// `categories`: unsubscribes from every category.
    Categories,
    /// `segments`: leaves every static segment.
    Segments,
    /// `address`.
    Address,
    /// `location`.
    Location,
    /// `timezone`.
    Timezone,
    /// `language`.
    Language,
}

impl ContactAttribute {
    /// The input key, as errors name it.
    fn key(self) -> &'static str {
        match self {
            ContactAttribute::ExternalId => "external_id",
            ContactAttribute::ContactKey => "contact_key",
            ContactAttribute::FirstName => "first_name",
            ContactAttribute::LastName => "last_name",
            ContactAttribute::Email => "email",
            ContactAttribute::Phone => "phone",
            ContactAttribute::MobilePush => "mobile_push",
            ContactAttribute::WebPush => "web_push",
            ContactAttribute::Telegram => "telegram",
            ContactAttribute::Categories => "categories",
            ContactAttribute::Segments => "segments",
            ContactAttribute::Address => "address",
            ContactAttribute::Location => "location",
            ContactAttribute::Timezone => "timezone",
            ContactAttribute::Language => "language",
        }
    }
}

/// What a caller sends to create, upsert, update or sign up a contact.
///
/// Each attribute has three states, as an upsert merges: `null` keeps the current
/// value, a value sets it, and listing the attribute in `clear` removes it. Devices and
/// web push subscriptions given are registered one by one (added or refreshed);
/// categories and segments given replace the current sets. In `fields`, a key mapped to
/// `null` clears that field.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct ContactInput {
    /// A caller-made UUID (e.g. created offline) or the id to dedupe on.
    #[uniffi(default)]
    pub id: Option<String>,
    /// Id in the customer's system.
    #[uniffi(default)]
    pub external_id: Option<String>,
    /// Alternative unique key.
    #[uniffi(default)]
    pub contact_key: Option<String>,
    /// Given name.
    #[uniffi(default)]
    pub first_name: Option<String>,
    /// Family name.
    #[uniffi(default)]
    pub last_name: Option<String>,
    /// Email address.
    #[uniffi(default)]
    pub email: Option<String>,
    /// Phone, international or national (read in the address country or the book's
    /// default region).
    #[uniffi(default)]
    pub phone: Option<String>,
    /// Devices to register.
    #[uniffi(default)]
    pub mobile_push: Option<Vec<DeviceInput>>,
    /// Web push subscriptions to register.
    #[uniffi(default)]
    pub web_push: Option<Vec<WebPushInput>>,
    /// Telegram binding.
    #[uniffi(default)]
    pub telegram: Option<Telegram>,
    /// Category keys (replaces the set).
    #[uniffi(default)]
    pub categories: Option<Vec<String>>,
    /// Static segment ids (replaces the set).
    #[uniffi(default)]
    pub segments: Option<Vec<String>>,
    /// Postal address (replaces the whole address).
    #[uniffi(default)]
    pub address: Option<Address>,
    /// Location.
    #[uniffi(default)]
    pub location: Option<LocationInput>,
    /// IANA time zone name.
    #[uniffi(default)]
    pub timezone: Option<String>,
    /// ISO 639-1 or BCP 47 language tag.
    #[uniffi(default)]
    pub language: Option<String>,
    /// Additional field values by key; `null` clears that field.
    #[uniffi(default)]
    pub fields: HashMap<String, Option<FieldInput>>,
    /// Who is making the change; `API` when null (`IMPORT` during imports).
    #[uniffi(default)]
    pub source: Option<Source>,
    /// Attributes to remove. Naming an attribute that is also given a value is a
    /// `Validation` error on that attribute.
    #[uniffi(default)]
    pub clear: Vec<ContactAttribute>,
}

/// One attribute's patch: `value` sets, listed in `clear` clears, neither keeps.
fn patch<T, U>(
    attribute: ContactAttribute,
    value: Option<T>,
    clear: &HashSet<ContactAttribute>,
    convert: impl FnOnce(T) -> Result<U>,
) -> Result<Patch<U>> {
    match (value, clear.contains(&attribute)) {
        (Some(_), true) => Err(core::Error::validation(
            attribute.key(),
            "",
            "is given a value and listed in `clear`; choose one",
        )),
        (Some(value), false) => Ok(Patch::Set(convert(value)?)),
        (None, true) => Ok(Patch::Clear),
        (None, false) => Ok(Patch::Keep),
    }
}

fn same<T>(value: T) -> Result<T> {
    Ok(value)
}

impl ContactInput {
    /// The core's input.
    pub(crate) fn into_core(self) -> Result<core::ContactInput> {
        use ContactAttribute as A;
        let clear: HashSet<ContactAttribute> = self.clear.iter().copied().collect();
        let fields = self
            .fields
            .into_iter()
            .map(|(key, value)| {
                let value = value.map(|v| v.into_core(&key)).transpose()?;
                Ok((key, value))
            })
            .collect::<Result<BTreeMap<_, _>>>()?;
        Ok(core::ContactInput {
            id: self.id,
            external_id: patch(A::ExternalId, self.external_id, &clear, same)?,
            contact_key: patch(A::ContactKey, self.contact_key, &clear, same)?,
            first_name: patch(A::FirstName, self.first_name, &clear, same)?,
            last_name: patch(A::LastName, self.last_name, &clear, same)?,
            email: patch(A::Email, self.email, &clear, same)?,
            phone: patch(A::Phone, self.phone, &clear, same)?,
            mobile_push: patch(A::MobilePush, self.mobile_push, &clear, |devices| {
                Ok(devices.into_iter().map(Into::into).collect())
            })?,
            web_push: patch(A::WebPush, self.web_push, &clear, same)?,
            telegram: patch(A::Telegram, self.telegram, &clear, same)?,
            categories: patch(A::Categories, self.categories, &clear, same)?,
            segments: patch(A::Segments, self.segments, &clear, same)?,
            address: patch(A::Address, self.address, &clear, same)?,
            location: patch(A::Location, self.location, &clear, |l| Ok(l.into()))?,
            timezone: patch(A::Timezone, self.timezone, &clear, same)?,
            language: patch(A::Language, self.language, &clear, same)?,
            fields,
            source: self.source,
        })
    }
}

/// One page of contacts and where the next one starts.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactPage {
    /// The contacts of this page.
    pub items: Vec<Contact>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl From<core::Page<core::Contact>> for ContactPage {
    fn from(page: core::Page<core::Contact>) -> Self {
        ContactPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Activity.

/// What a caller sends to record a campaign message or a status update of one.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CampaignInput {
    /// The message's id in the sending system.
    pub message_id: String,
    /// The channel.
    pub channel: CampaignChannel,
    /// The status now.
    pub status: CampaignStatus,
    /// Human name of the message or campaign.
    #[uniffi(default)]
    pub message_name: Option<String>,
    /// Provider's detail; `hard_bounce` with `UNDELIVERED` blacklists the address.
    #[uniffi(default)]
    pub status_description: Option<String>,
    /// When it happened; the book's clock when null.
    #[uniffi(default)]
    pub at: Option<SystemTime>,
}

impl CampaignInput {
    pub(crate) fn into_core(self) -> Result<core::CampaignInput> {
        Ok(core::CampaignInput {
            at: from_optional_time("at", self.at)?,
            message_id: self.message_id,
            message_name: self.message_name,
            channel: self.channel,
            status: self.status,
            status_description: self.status_description,
        })
    }
}

/// What a caller sends to record an event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EventInput {
    /// Event name (at most 100 characters, none of `< ; ' " \ / | ^ ? ! , >`).
    pub name: String,
    /// The event's key value (e.g. a product id).
    #[uniffi(default)]
    pub key_value: Option<String>,
    /// Free parameters: a JSON object as text, e.g. `{"sku": "A-1", "qty": 2}`.
    #[uniffi(default)]
    pub params_json: Option<String>,
    /// Workflows the event started.
    #[uniffi(default)]
    pub workflows: Vec<String>,
    /// When it happened; the book's clock when null.
    #[uniffi(default)]
    pub at: Option<SystemTime>,
}

impl EventInput {
    pub(crate) fn into_core(self) -> Result<core::EventInput> {
        Ok(core::EventInput {
            params: match self.params_json {
                None => serde_json::Map::new(),
                Some(text) => parse_params(&text)?,
            },
            at: from_optional_time("at", self.at)?,
            name: self.name,
            key_value: self.key_value,
            workflows: self.workflows,
        })
    }
}

/// Reads event params given as JSON text. The text's size and nesting are checked before
/// it is parsed, so hostile text costs one linear scan: 100 MB of params are not parsed
/// only to be refused, and text nested 10,000 deep is refused as too deep like text
/// nested 40 deep, not with serde_json's own recursion limit (128). The core checks the
/// parsed params again (nesting, size as compact JSON).
fn parse_params(text: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    if text.len() > limits::MAX_EVENT_PARAMS_BYTES {
        return Err(core::Error::validation(
            "params",
            format!("{} bytes of JSON", text.len()),
            format!("larger than {} bytes", limits::MAX_EVENT_PARAMS_BYTES),
        ));
    }
    // The params object is the first of the MAX_NESTING levels, as the core counts.
    if json_depth(text) > limits::MAX_NESTING {
        return Err(limits::too_deep("params"));
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(core::Error::validation(
            "params",
            text,
            "expected a JSON object",
        )),
        Err(error) => Err(core::Error::validation(
            "params",
            text,
            format!("not valid JSON: {error}"),
        )),
    }
}

/// How deep arrays and objects nest in JSON text, brackets inside strings not counted.
/// Malformed text gets a figure all the same; the parser reports what is wrong with it.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    deepest
}

/// A line of an order (given and returned).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OrderItem {
    /// The product's id in the customer's catalogue.
    pub product_id: String,
    /// How many (positive), as a decimal string.
    pub quantity: String,
    /// Price of one in the order's currency (not negative), as a decimal string.
    pub price: String,
    /// Product name.
    #[uniffi(default)]
    pub name: Option<String>,
}

impl OrderItem {
    fn into_core(self, index: usize) -> Result<core::OrderItem> {
        Ok(core::OrderItem {
            quantity: parse_decimal(&format!("items[{index}].quantity"), &self.quantity)?,
            price: parse_decimal(&format!("items[{index}].price"), &self.price)?,
            product_id: self.product_id,
            name: self.name,
        })
    }
}

impl From<core::OrderItem> for OrderItem {
    fn from(i: core::OrderItem) -> Self {
        OrderItem {
            product_id: i.product_id,
            quantity: decimal_string(i.quantity),
            price: decimal_string(i.price),
            name: i.name,
        }
    }
}

/// What a caller sends to record (or update, by `externalId`) an order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OrderInput {
    /// The order's id in the customer's system; unique in the book.
    pub external_id: String,
    /// Total amount (not negative), as a decimal string.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Status; `INITIALIZED` when null.
    #[uniffi(default)]
    pub status: Option<OrderStatus>,
    /// Lines.
    #[uniffi(default)]
    pub items: Vec<OrderItem>,
    /// Shipping cost, as a decimal string.
    #[uniffi(default)]
    pub shipping: Option<String>,
    /// Discount given, as a decimal string.
    #[uniffi(default)]
    pub discount: Option<String>,
    /// Taxes included, as a decimal string.
    #[uniffi(default)]
    pub taxes: Option<String>,
    /// The customer's store id.
    #[uniffi(default)]
    pub store_id: Option<String>,
    /// Online or offline; `ONLINE` when null.
    #[uniffi(default)]
    pub source: Option<OrderSource>,
    /// Where it is delivered; fills the contact's address when they have none.
    #[uniffi(default)]
    pub delivery_address: Option<Address>,
    /// When it was placed; the book's clock when null.
    #[uniffi(default)]
    pub at: Option<SystemTime>,
}

impl OrderInput {
    pub(crate) fn into_core(self) -> Result<core::OrderInput> {
        Ok(core::OrderInput {
            amount: parse_decimal("amount", &self.amount)?,
            shipping: parse_optional_decimal("shipping", self.shipping)?,
            discount: parse_optional_decimal("discount", self.discount)?,
            taxes: parse_optional_decimal("taxes", self.taxes)?,
            items: self
                .items
                .into_iter()
                .enumerate()
                .map(|(index, item)| item.into_core(index))
                .collect::<Result<_>>()?,
            external_id: self.external_id,
            currency: self.currency,
            status: self.status.unwrap_or_default(),
            store_id: self.store_id,
            source: self.source.unwrap_or_default(),
            delivery_address: self.delivery_address,
            at: from_optional_time("at", self.at)?,
        })
    }
}

/// A message sent to the contact.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Campaign {
    /// The message's id in the sending system.
    pub message_id: String,
    /// Human name of the message or campaign.
    pub message_name: Option<String>,
    /// The channel it went out on.
    pub channel: CampaignChannel,
    /// Its delivery status.
    pub status: CampaignStatus,
    /// Provider's detail, e.g. `hard_bounce`.
    pub status_description: Option<String>,
    /// The email or phone the message went to, as the contact held it when the message
    /// was first recorded: a later bounce or complaint suppresses that address, even
    /// after the contact changed theirs. Null for push and Telegram.
    pub sent_to: Option<String>,
}

/// Something the contact did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Event {
    /// Event name.
    pub name: String,
    /// The event's key value.
    pub key_value: Option<String>,
    /// Free parameters: a JSON object as text.
    pub params_json: String,
    /// Workflows the event started.
    pub workflows: Vec<String>,
}

/// A purchase.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Order {
    /// The order's id in the customer's system.
    pub external_id: String,
    /// Total amount, as a decimal string.
    pub amount: String,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// Status.
    pub status: OrderStatus,
    /// Lines.
    pub items: Vec<OrderItem>,
    /// Shipping cost.
    pub shipping: Option<String>,
    /// Discount given.
    pub discount: Option<String>,
    /// Taxes included.
    pub taxes: Option<String>,
    /// The customer's store id.
    pub store_id: Option<String>,
    /// Online or offline.
    pub source: OrderSource,
    /// Where it is delivered.
    pub delivery_address: Option<Address>,
}

/// One item of a contact's timeline. Exactly one of `campaign`, `event` and `order` is
/// set, as `kind` says.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Activity {
    /// Assigned by the book (UUIDv7).
    pub id: String,
    /// The contact it belongs to.
    pub contact_id: String,
    /// When it happened.
    pub at: SystemTime,
    /// Which of the three kinds it is.
    pub kind: ActivityKind,
    /// Display hint: the card's colour bar (green campaigns, brown events, red orders).
    pub color: ActivityColor,
    /// Display hint: the card's icon (the channel's name, `flag`, `shopping_bag`).
    pub icon: String,
    /// The campaign message, for `CAMPAIGN`.
    pub campaign: Option<Campaign>,
    /// The event, for `EVENT`.
    pub event: Option<Event>,
    /// The order, for `ORDER`.
    pub order: Option<Order>,
}

impl From<core::Activity> for Activity {
    fn from(a: core::Activity) -> Self {
        let kind = a.kind();
        let color = a.color().into();
        let icon = a.icon().to_string();
        let (mut campaign, mut event, mut order) = (None, None, None);
        match a.detail {
            core::ActivityDetail::Campaign(c) => {
                campaign = Some(Campaign {
                    message_id: c.message_id,
                    message_name: c.message_name,
                    channel: c.channel,
                    status: c.status,
                    status_description: c.status_description,
                    sent_to: c.sent_to,
                })
            }
            core::ActivityDetail::Event(e) => {
                event = Some(Event {
                    name: e.name,
                    key_value: e.key_value,
                    params_json: serde_json::Value::Object(e.params).to_string(),
                    workflows: e.workflows,
                })
            }
            core::ActivityDetail::Order(o) => {
                order = Some(Order {
                    external_id: o.external_id,
                    amount: decimal_string(o.amount),
                    currency: o.currency,
                    status: o.status,
                    items: o.items.into_iter().map(Into::into).collect(),
                    shipping: o.shipping.map(decimal_string),
                    discount: o.discount.map(decimal_string),
                    taxes: o.taxes.map(decimal_string),
                    store_id: o.store_id,
                    source: o.source,
                    delivery_address: o.delivery_address,
                })
            }
        }
        Activity {
            id: a.id,
            contact_id: a.contact_id,
            at: to_time(a.at),
            kind,
            color,
            icon,
            campaign,
            event,
            order,
        }
    }
}

/// A query of a contact's timeline, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct ActivityQuery {
    /// Which kinds; `ALL` when null.
    #[uniffi(default)]
    pub category: Option<ActivityCategory>,
    /// Preset window; `DAYS30` when null. Ignored when `since` or `until` is given.
    #[uniffi(default)]
    pub period: Option<Period>,
    /// Explicit start (inclusive).
    #[uniffi(default)]
    pub since: Option<SystemTime>,
    /// Explicit end (exclusive).
    #[uniffi(default)]
    pub until: Option<SystemTime>,
    /// Page size; 50 when null, at most 1000.
    #[uniffi(default)]
    pub limit: Option<u32>,
    /// Where the previous page ended (its `nextCursor`).
    #[uniffi(default)]
    pub cursor: Option<String>,
}

impl ActivityQuery {
    pub(crate) fn into_core(self) -> Result<core::ActivityQuery> {
        Ok(core::ActivityQuery {
            category: self.category.unwrap_or_default(),
            period: self.period.unwrap_or_default(),
            since: from_optional_time("since", self.since)?,
            until: from_optional_time("until", self.until)?,
            limit: self.limit,
            cursor: self.cursor,
        })
    }
}

/// One page of a timeline and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ActivityPage {
    /// The items of this page, newest first.
    pub items: Vec<Activity>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl From<core::Page<core::Activity>> for ActivityPage {
    fn from(page: core::Page<core::Activity>) -> Self {
        ActivityPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: core::Error) -> String {
        error.field().unwrap_or_default().to_string()
    }

    #[test]
    fn contact_input_keeps_sets_and_clears() {
        let input = ContactInput {
            email: Some("a@example.com".into()),
            clear: vec![ContactAttribute::Phone, ContactAttribute::MobilePush],
            fields: HashMap::from([
                ("age".to_string(), Some(FieldInput::Integer { value: 3 })),
                ("gone".to_string(), None),
            ]),
            ..Default::default()
        }
        .into_core()
        .unwrap();
        assert_eq!(input.email, Patch::Set("a@example.com".to_string()));
        assert_eq!(input.phone, Patch::Clear);
        assert_eq!(input.mobile_push, Patch::Clear);
        assert_eq!(input.first_name, Patch::Keep);
        assert_eq!(input.fields["age"], Some(core::FieldInput::Integer(3)));
        assert_eq!(input.fields["gone"], None);
    }

    #[test]
    fn set_and_clear_together_is_a_validation_error() {
        let error = ContactInput {
            timezone: Some("UTC".into()),
            clear: vec![ContactAttribute::Timezone],
            ..Default::default()
        }
        .into_core()
        .unwrap_err();
        assert_eq!(field_of(error), "timezone");
    }

    #[test]
    fn decimals_and_dates_that_do_not_parse_name_their_field() {
        let error = FieldInput::Decimal {
            value: "ten".into(),
        }
        .into_core("credit")
        .unwrap_err();
        assert_eq!(field_of(error), "fields.credit");
        let error = FieldInput::Date {
            value: "09.03.1990".into(),
        }
        .into_core("birthday")
        .unwrap_err();
        assert_eq!(field_of(error), "fields.birthday");
        let order = OrderInput {
            external_id: "o".into(),
            amount: "1".into(),
            currency: "UAH".into(),
            status: None,
            items: vec![OrderItem {
                product_id: "p".into(),
                quantity: "1".into(),
                price: "1,5".into(),
                name: None,
            }],
            shipping: None,
            discount: None,
            taxes: None,
            store_id: None,
            source: None,
            delivery_address: None,
            at: None,
        };
        assert_eq!(field_of(order.into_core().unwrap_err()), "items[0].price");
    }

    #[test]
    fn event_params_must_be_a_json_object() {
        let event = |params: &str| EventInput {
            name: "e".into(),
            key_value: None,
            params_json: Some(params.into()),
            workflows: vec![],
            at: None,
        };
        assert_eq!(field_of(event("[1]").into_core().unwrap_err()), "params");
        let params = event(r#"{"a": 1}"#).into_core().unwrap().params;
        assert_eq!(params["a"], serde_json::json!(1));
    }

    #[test]
    fn instants_outside_the_years_1_to_9999_are_refused_not_a_panic() {
        let after = |secs: u64| SystemTime::UNIX_EPOCH + StdDuration::from_secs(secs);
        let before = |secs: u64| SystemTime::UNIX_EPOCH - StdDuration::from_secs(secs);
        // java.time.Instant.MAX and MIN: far beyond what chrono holds.
        let error = from_time("at", after(31_556_889_864_403_199)).unwrap_err();
        assert_eq!(field_of(error.clone()), "at");
        assert!(
            error.to_string().contains("31556889864403199 s after"),
            "{error}"
        );
        let error = from_time("since", before(31_557_014_167_219_200)).unwrap_err();
        assert_eq!(field_of(error), "since");
        // Within chrono's range, outside the book's: 10000-01-01 and 0000-12-31.
        assert!(from_time("at", after(253_402_300_800)).is_err());
        assert!(from_time("at", before(62_135_596_801)).is_err());
        // The first and last instants of the range cross, kept to the millisecond as the
        // book stores every instant: the last nanoseconds of 9999 are the year's last
        // millisecond, not an error.
        let last = after(253_402_300_799) + StdDuration::from_millis(999);
        assert_eq!(to_time(from_time("at", last).unwrap()), last);
        let last_nano = last + StdDuration::from_nanos(999_999);
        assert_eq!(to_time(from_time("at", last_nano).unwrap()), last);
        assert_eq!(
            from_time("at", before(62_135_596_800))
                .unwrap()
                .to_rfc3339(),
            "0001-01-01T00:00:00+00:00"
        );
        // Before the epoch with a fraction: 1.25 s before is 2 s before plus 0.75 s.
        let at = from_time("at", before(1) - StdDuration::from_millis(250)).unwrap();
        assert_eq!(at.to_rfc3339(), "1969-12-31T23:59:58.750+00:00");
    }

    #[test]
    fn json_depth_skips_brackets_in_strings() {
        assert_eq!(json_depth("{}"), 1);
        assert_eq!(json_depth(r#"{"a": [[1], {"b": []}]}"#), 4);
        assert_eq!(json_depth(r#"{"a": "[[[[\"]]]]"}"#), 1);
        assert_eq!(json_depth(&"[".repeat(10_000)), 10_000);
        assert_eq!(json_depth("]]]{"), 1);
    }

    #[test]
    fn event_params_are_bounded_before_they_are_parsed() {
        let nested =
            |depth: usize| format!(r#"{{"a": {}{}}}"#, "[".repeat(depth), "]".repeat(depth));
        assert!(parse_params(&nested(limits::MAX_NESTING - 1)).is_ok());
        for depth in [limits::MAX_NESTING, 200, 10_000] {
            let error = parse_params(&nested(depth)).unwrap_err();
            assert_eq!(error, limits::too_deep("params"), "depth {depth}");
        }
        let big = format!(
            r#"{{"blob": "{}"}}"#,
            "x".repeat(limits::MAX_EVENT_PARAMS_BYTES)
        );
        let error = parse_params(&big).unwrap_err();
        assert_eq!(field_of(error.clone()), "params");
        assert!(
            error.to_string().contains("larger than 65536 bytes"),
            "{error}"
        );
        let error = parse_params(r#"{"a": "#).unwrap_err();
        assert!(error.to_string().contains("not valid JSON"), "{error}");
    }

    #[test]
    fn stored_values_convert_back_to_inputs() {
        let value: FieldValue =
            core::FieldValue::Date(NaiveDate::from_ymd_opt(1990, 3, 9).unwrap()).into();
        assert_eq!(
            value,
            FieldValue::Date {
                value: "1990-03-09".into()
            }
        );
        assert_eq!(
            FieldInput::from(value).into_core("d").unwrap(),
            core::FieldInput::Date(NaiveDate::from_ymd_opt(1990, 3, 9).unwrap())
        );
        let decimal: FieldValue = core::FieldValue::Decimal(Decimal::new(1999, 2)).into();
        assert_eq!(
            decimal,
            FieldValue::Decimal {
                value: "19.99".into()
            }
        );
    }
}
