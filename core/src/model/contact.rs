//! The contact profile: what is stored, what is shown, and what a caller sends.

use super::{
    Address, Application, ChannelStatus, DeviceInput, FieldInput, FieldValue, Location,
    LocationInput, MobilePushDevice, Patch, SuppressionRecord, Telegram, WebPushInput,
    WebPushSubscription,
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How a contact (or a change to it) entered the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// An API call (the default for library calls).
    #[default]
    Api,
    /// A bulk import.
    Import,
    /// A sign-up form (double opt-in).
    SubscriptionForm,
    /// Created from an order.
    Order,
    /// A mobile or web SDK.
    Sdk,
    /// A person editing the profile by hand: may not change readonly fields.
    Manual,
}

impl Source {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Import => "import",
            Source::SubscriptionForm => "subscription_form",
            Source::Order => "order",
            Source::Sdk => "sdk",
            Source::Manual => "manual",
        }
    }
}

/// A contact as a store keeps it: only what cannot be derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactRecord {
    /// UUIDv7.
    pub id: String,
    /// Id in the customer's system; unique.
    pub external_id: Option<String>,
    /// Alternative unique key.
    pub contact_key: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Normalised email; unique.
    pub email: Option<String>,
    /// False while a sign-up awaits double opt-in.
    pub email_confirmed: bool,
    /// E.164 phone; unique.
    pub phone: Option<String>,
    /// False while a sign-up awaits double opt-in.
    pub phone_confirmed: bool,
    /// Mobile push devices, in registration order.
    pub devices: Vec<MobilePushDevice>,
    /// Web push subscriptions, in registration order.
    pub web_push: Vec<WebPushSubscription>,
    /// Telegram binding.
    pub telegram: Option<Telegram>,
    /// Subscription category keys.
    pub categories: BTreeSet<String>,
    /// Postal address.
    pub address: Option<Address>,
    /// Geographic location.
    pub location: Option<Location>,
    /// IANA time zone name.
    pub timezone: Option<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Static segment ids.
    pub segments: BTreeSet<String>,
    /// Additional field values by key.
    pub fields: BTreeMap<String, FieldValue>,
    /// When the contact was created.
    pub created_at: DateTime<Utc>,
    /// When anything on the profile last changed.
    pub updated_at: DateTime<Utc>,
    /// How the contact entered the book.
    pub source: Source,
    /// Set by a soft delete; the contact is hidden but keeps its email and phone.
    pub deleted_at: Option<DateTime<Utc>>,
}

impl ContactRecord {
    /// Every unique identifier the contact holds: the lasting ones, then its push
    /// tokens, web push endpoints and Telegram chat.
    pub fn identifiers(&self) -> Vec<Identifier> {
        let mut ids = Vec::new();
        ids.extend(self.email.clone().map(Identifier::Email));
        ids.extend(self.phone.clone().map(Identifier::Phone));
        ids.extend(self.external_id.clone().map(Identifier::ExternalId));
        ids.extend(self.contact_key.clone().map(Identifier::ContactKey));
        ids.extend(
            self.devices
                .iter()
                .filter_map(|d| d.token.clone().map(Identifier::PushToken)),
        );
        ids.extend(
            self.web_push
                .iter()
                .map(|s| Identifier::WebPushEndpoint(s.endpoint.clone())),
        );
        ids.extend(
            self.telegram
                .as_ref()
                .map(|t| Identifier::TelegramChat(t.chat_id.clone())),
        );
        ids
    }
}

/// Order figures derived from a contact's orders.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OrderStats {
    /// Orders of any status. Signed, as SQLite counts: the mobile binding carries this
    /// record as it is, and a count is a `Long` in Kotlin (an unsigned one is not).
    pub order_count: i64,
    /// Sum of delivered orders' amounts, per ISO 4217 currency.
    pub revenue: BTreeMap<String, Decimal>,
    /// When the latest order was placed.
    pub last_order_at: Option<DateTime<Utc>>,
}

/// The profile card: the stored contact plus everything derived from the book
/// (statuses from suppressions, applications from devices, order stats from orders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The email's one status; `None` without an email.
    pub email_status: Option<ChannelStatus>,
    /// E.164 phone.
    pub phone: Option<String>,
    /// The phone's one status; `None` without a phone.
    pub phone_status: Option<ChannelStatus>,
    /// Every suppression record of the contact's email, phone and contact-level
    /// channels, lifted ones included, oldest first.
    pub suppressions: Vec<SuppressionRecord>,
    /// Mobile push devices.
    pub devices: Vec<MobilePushDevice>,
    /// The apps among the devices.
    pub applications: Vec<Application>,
    /// Web push subscriptions.
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
    pub fields: BTreeMap<String, FieldValue>,
    /// When the contact was created.
    pub created_at: DateTime<Utc>,
    /// When anything on the profile last changed.
    pub updated_at: DateTime<Utc>,
    /// How the contact entered the book.
    pub source: Source,
    /// Derived order figures.
    pub order_stats: OrderStats,
}

/// What a caller sends to create, upsert, update or sign up a contact.
///
/// Every attribute is a [`Patch`]: absent keeps the current value, null clears it,
/// a value sets it. Lists of devices and web push subscriptions are registered one by
/// one (added or refreshed, never dropping others); categories and segments given
/// replace the current sets. In `fields`, a key mapped to null clears that field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ContactInput {
    /// A caller-made UUID (e.g. created offline) or the id to dedupe on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Id in the customer's system.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub external_id: Patch<String>,
    /// Alternative unique key.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub contact_key: Patch<String>,
    /// Given name.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub first_name: Patch<String>,
    /// Family name.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub last_name: Patch<String>,
    /// Email address.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub email: Patch<String>,
    /// Phone, international or national (see `ContactBook::with_default_region`).
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub phone: Patch<String>,
    /// Devices to register; null removes every device.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub mobile_push: Patch<Vec<DeviceInput>>,
    /// Subscriptions to register; null removes every subscription.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub web_push: Patch<Vec<WebPushInput>>,
    /// Telegram binding.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub telegram: Patch<Telegram>,
    /// Category keys (replaces the set).
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub categories: Patch<Vec<String>>,
    /// Static segment ids (replaces the set).
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub segments: Patch<Vec<String>>,
    /// Postal address (replaces the whole address).
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub address: Patch<Address>,
    /// Location.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub location: Patch<LocationInput>,
    /// IANA time zone name.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub timezone: Patch<String>,
    /// ISO 639-1 or BCP 47 language tag.
    #[serde(skip_serializing_if = "Patch::is_keep")]
    pub language: Patch<String>,
    /// Additional field values; null clears a field.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Option<FieldInput>>,
    /// Who is making the change; `api` when not given (`import` during imports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The email's consent state, as an export writes it, so one import moves a
    /// whole audience in: `unsubscribed`, `spam_complaint` or `blacklisted` record that
    /// suppression of the email (dated `email_status_at`, with `email_status_reason`);
    /// `unconfirmed` marks the email as awaiting double opt-in; `active` records
    /// nothing and never lifts a suppression (only `resubscribe` and `unblacklist` do).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_status: Option<ChannelStatus>,
    /// When the email's status began: not after the book's clock; the book's clock
    /// when absent. RFC 3339, or `YYYY-MM-DD HH:MM:SS` read as UTC.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "super::instant::lenient"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<DateTime<Utc>>"))]
    pub email_status_at: Option<DateTime<Utc>>,
    /// Why (an unsubscribe reason, `hard_bounce`), at most 1,000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_status_reason: Option<String>,
    /// The phone's consent state, read as `email_status` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_status: Option<ChannelStatus>,
    /// When the phone's status began, read as `email_status_at` is.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "super::instant::lenient"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<DateTime<Utc>>"))]
    pub phone_status_at: Option<DateTime<Utc>>,
    /// Why, read as `email_status_reason` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_status_reason: Option<String>,
}

/// Which identifier an upsert matches an existing contact by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DedupeOn {
    /// The contact id.
    Id,
    /// The email address.
    #[default]
    Email,
    /// The phone number.
    Phone,
    /// The email, else the phone.
    EmailOrPhone,
    /// The contact key.
    ContactKey,
    /// The external id.
    ExternalId,
}

impl DedupeOn {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            DedupeOn::Id => "id",
            DedupeOn::Email => "email",
            DedupeOn::Phone => "phone",
            DedupeOn::EmailOrPhone => "email_or_phone",
            DedupeOn::ContactKey => "contact_key",
            DedupeOn::ExternalId => "external_id",
        }
    }
}

impl std::str::FromStr for DedupeOn {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        [
            DedupeOn::Id,
            DedupeOn::Email,
            DedupeOn::Phone,
            DedupeOn::EmailOrPhone,
            DedupeOn::ContactKey,
            DedupeOn::ExternalId,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| {
            crate::Error::validation(
                "dedupe_on",
                s,
                "expected id, email, phone, email_or_phone, contact_key or external_id",
            )
        })
    }
}

/// A unique identifier a store can look a contact up by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identifier {
    /// Normalised email.
    Email(String),
    /// E.164 phone.
    Phone(String),
    /// External id.
    ExternalId(String),
    /// Contact key.
    ContactKey(String),
    /// Mobile push token.
    PushToken(String),
    /// Web push endpoint.
    WebPushEndpoint(String),
    /// Telegram chat id.
    TelegramChat(String),
}

impl Identifier {
    /// The input field the identifier comes from, for error messages.
    pub fn field(&self) -> &'static str {
        match self {
            Identifier::Email(_) => "email",
            Identifier::Phone(_) => "phone",
            Identifier::ExternalId(_) => "external_id",
            Identifier::ContactKey(_) => "contact_key",
            Identifier::PushToken(_) => "mobile_push.token",
            Identifier::WebPushEndpoint(_) => "web_push.endpoint",
            Identifier::TelegramChat(_) => "telegram.chat_id",
        }
    }

    /// Lasting identifiers (email, phone, external id, contact key) are a conflict
    /// when another contact holds them; changeable ones (push tokens, web push
    /// endpoints, Telegram chats) move to the contact that registers them.
    pub fn is_lasting(&self) -> bool {
        matches!(
            self,
            Identifier::Email(_)
                | Identifier::Phone(_)
                | Identifier::ExternalId(_)
                | Identifier::ContactKey(_)
        )
    }

    /// The identifier's value.
    pub fn value(&self) -> &str {
        match self {
            Identifier::Email(v)
            | Identifier::Phone(v)
            | Identifier::ExternalId(v)
            | Identifier::ContactKey(v)
            | Identifier::PushToken(v)
            | Identifier::WebPushEndpoint(v)
            | Identifier::TelegramChat(v) => v,
        }
    }
}

/// A page of contacts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Page size; 100 when not given, at most 1000.
    pub limit: Option<u32>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
}

/// One page of results and where the next one starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}
