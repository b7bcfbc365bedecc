//! The contact profile: what is shown and what a caller sends (the core's
//! `model::contact`).

use crate::field::FieldInput;
use crate::place::LocationInput;
use crate::scalars::{FieldValues, Revenue, UtcDateTime};
use contactkit as core;
use contactkit::{
    Address, Application, ChannelStatus, Contact, DedupeOn, DeviceInput, Location,
    MobilePushDevice, OrderStats, Patch, Result, Source, SuppressionRecord, Telegram, WebPushInput,
    WebPushSubscription,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How a contact (or a change to it) entered the book.
#[uniffi::remote(Enum)]
pub enum Source {
    /// An API call (the default for library calls).
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

/// Order figures derived from a contact's orders.
#[uniffi::remote(Record)]
pub struct OrderStats {
    /// Orders of any status.
    pub order_count: i64,
    /// Sum of delivered orders' amounts per ISO 4217 currency, as decimal strings.
    pub revenue: Revenue,
    /// When the latest order was placed.
    pub last_order_at: Option<UtcDateTime>,
}

/// The profile card: the stored contact plus everything derived from the book.
#[uniffi::remote(Record)]
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
    pub fields: FieldValues,
    /// When the contact was created.
    pub created_at: UtcDateTime,
    /// When anything on the profile last changed.
    pub updated_at: UtcDateTime,
    /// How the contact entered the book.
    pub source: Source,
    /// Derived order figures.
    pub order_stats: OrderStats,
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
///
/// A binding record, not the core's: each of the core's attributes is a generic
/// `Patch<T>` (keep, clear or set), which uniffi cannot carry; here a value sets, `null`
/// keeps and `clear` lists what to remove.
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
    /// Static segments, each by its id or its name (replaces the set).
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
    /// The email's consent state, as an export writes it, so one import moves a whole
    /// audience in: `UNSUBSCRIBED`, `SPAM_COMPLAINT` or `BLACKLISTED` record that
    /// suppression of the email (dated `emailStatusAt`, with `emailStatusReason`);
    /// `UNCONFIRMED` marks the email as awaiting double opt-in; `ACTIVE` records nothing
    /// and never lifts a suppression (only `resubscribe` and `unblacklist` do).
    #[uniffi(default)]
    pub email_status: Option<ChannelStatus>,
    /// When the email's status began: not after the book's clock; the book's clock when
    /// null.
    #[uniffi(default)]
    pub email_status_at: Option<UtcDateTime>,
    /// Why (an unsubscribe reason, `hard_bounce`), at most 1,000 characters.
    #[uniffi(default)]
    pub email_status_reason: Option<String>,
    /// The phone's consent state, read as `emailStatus` is.
    #[uniffi(default)]
    pub phone_status: Option<ChannelStatus>,
    /// When the phone's status began, read as `emailStatusAt` is.
    #[uniffi(default)]
    pub phone_status_at: Option<UtcDateTime>,
    /// Why, read as `emailStatusReason` is.
    #[uniffi(default)]
    pub phone_status_reason: Option<String>,
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
        let (input, mut unconverted) = self.converted();
        match unconverted.is_empty() {
            true => input,
            false => Err(unconverted.swap_remove(0)),
        }
    }

    /// The core's input without the field values that do not convert, and their errors
    /// (by key); the input is an error when an attribute is both given and cleared.
    fn converted(mut self) -> (Result<core::ContactInput>, Vec<core::Error>) {
        let given: BTreeMap<_, _> = std::mem::take(&mut self.fields).into_iter().collect();
        let mut fields = BTreeMap::new();
        let mut unconverted = Vec::new();
        for (key, value) in given {
            match value.map(|v| v.into_core(&key)).transpose() {
                Ok(value) => {
                    fields.insert(key, value);
                }
                Err(error) => unconverted.push(error),
            }
        }
        (self.with_fields(fields), unconverted)
    }

    /// The core's input with `fields` (converted) as its field values.
    fn with_fields(
        self,
        fields: BTreeMap<String, Option<core::FieldInput>>,
    ) -> Result<core::ContactInput> {
        use ContactAttribute as A;
        let clear: HashSet<ContactAttribute> = self.clear.iter().copied().collect();
        Ok(core::ContactInput {
            id: self.id,
            external_id: patch(A::ExternalId, self.external_id, &clear, same)?,
            contact_key: patch(A::ContactKey, self.contact_key, &clear, same)?,
            first_name: patch(A::FirstName, self.first_name, &clear, same)?,
            last_name: patch(A::LastName, self.last_name, &clear, same)?,
            email: patch(A::Email, self.email, &clear, same)?,
            phone: patch(A::Phone, self.phone, &clear, same)?,
            mobile_push: patch(A::MobilePush, self.mobile_push, &clear, same)?,
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
            email_status: self.email_status,
            email_status_at: self.email_status_at,
            email_status_reason: self.email_status_reason,
            phone_status: self.phone_status,
            phone_status_at: self.phone_status_at,
            phone_status_reason: self.phone_status_reason,
        })
    }
}

/// An import row: a field value that does not convert (a decimal or date out of range)
/// is left out and reported as one of the row's problems, as the core leaves out what it
/// cannot read from a JSON row, so the row's other problems are found too and
/// `OnInvalid.DROP_FIELD` writes the rest. An attribute both given and cleared rejects
/// the row.
impl core::IntoImportRow for ContactInput {
    fn into_import_row(self) -> core::ReadRow {
        let (input, problems) = self.converted();
        core::ReadRow { input, problems }
    }
}

/// One page of contacts and where the next one starts: the core's `Page<Contact>` under
/// the name Kotlin and Swift see (uniffi carries no generic records).
pub type ContactPage = core::Page<Contact>;

/// One page of contacts and where the next one starts.
#[uniffi::remote(Record)]
pub struct ContactPage {
    /// The contacts of this page.
    pub items: Vec<Contact>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Which identifier an upsert matches an existing contact by. Whatever the key, a push
/// token or web push endpoint already on a profile also matches.
#[uniffi::remote(Enum)]
pub enum DedupeOn {
    /// The contact id.
    Id,
    /// The email address.
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

/// Reads a dedupe key from its name (`id`, `email`, `phone`, `email_or_phone`,
/// `contact_key`, `external_id`). An unknown name is a `Validation` error on field
/// `dedupe_on`.
#[uniffi::export]
pub fn dedupe_on_from_name(name: String) -> crate::Result<DedupeOn> {
    crate::error::guard(|| Ok(name.parse::<DedupeOn>()?))
}

/// A page request: `limit` (100 when null, at most 1000) and the previous page's
/// `nextCursor`.
///
/// A binding record, not the core's: `limit` is an `Int` in Kotlin (`Int32` in Swift), the
/// platforms' own integer, rather than the core's unsigned `u32`.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct ListQuery {
    /// Page size; 100 when null, 1 to 1000.
    #[uniffi(default)]
    pub limit: Option<i32>,
    /// Where the previous page ended (its `nextCursor`).
    #[uniffi(default)]
    pub cursor: Option<String>,
}

impl ListQuery {
    pub(crate) fn into_core(self) -> Result<core::ListQuery> {
        Ok(core::ListQuery {
            limit: page_size(self.limit)?,
            cursor: self.cursor,
        })
    }
}

/// A page size given as a signed `limit`, as the core takes it; a negative one is refused
/// on `limit` (the core refuses 0 and more than 1000 itself).
pub(crate) fn page_size(limit: Option<i32>) -> Result<Option<u32>> {
    limit
        .map(|limit| {
            u32::try_from(limit).map_err(|_| {
                core::Error::validation("limit", limit.to_string(), "must be at least 1")
            })
        })
        .transpose()
}

/// A count the core keeps unsigned as a `Long` (`Int64` in Swift). No count of a book
/// nears 2^63; one past it would be a `Storage` error, never a wrapped number.
pub(crate) fn long(count: u64) -> Result<i64> {
    i64::try_from(count).map_err(|_| {
        core::Error::storage(format!("the count {count} does not fit a 64-bit integer"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::FieldInput;

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
    fn a_field_value_that_does_not_convert_is_one_problem_of_its_import_row() {
        use crate::scalars::DecimalText;
        let row = ContactInput {
            email: Some("a@example.com".into()),
            fields: HashMap::from([
                (
                    "credit".to_string(),
                    Some(FieldInput::Decimal {
                        value: DecimalText("1E+40".into()),
                    }),
                ),
                (
                    "tier".to_string(),
                    Some(FieldInput::Text {
                        value: "gold".into(),
                    }),
                ),
            ]),
            ..Default::default()
        };
        assert_eq!(
            field_of(row.clone().into_core().unwrap_err()),
            "fields.credit"
        );
        let read = core::IntoImportRow::into_import_row(row);
        let fields: Vec<_> = read.problems.into_iter().map(field_of).collect();
        assert_eq!(fields, ["fields.credit"]);
        let input = read.input.unwrap();
        assert_eq!(input.email, Patch::Set("a@example.com".to_string()));
        assert_eq!(input.fields.keys().collect::<Vec<_>>(), ["tier"]);
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
}
