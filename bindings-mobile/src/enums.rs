//! The vocabulary's enumerations, exposed as they are in the core with
//! `#[uniffi::remote(Enum)]` (the core stays free of uniffi). Each declaration repeats
//! the core's variants; a variant added in the core fails this build until it is
//! added here too. Kotlin sees `enum class Channel { EMAIL, SMS, … }`, Swift
//! `enum Channel { case email, sms, … }`.
//!
//! The one exception is [`ActivityColor`], the core's `Color` under a name that does not
//! clash with SwiftUI's `Color`.

use contactkit as core;
use contactkit::{
    ActivityCategory, ActivityKind, CampaignChannel, CampaignStatus, Channel, ChannelStatus,
    DedupeOn, FieldType, LocationSource, OrderSource, OrderStatus, Period, Platform, SendReason,
    Source, SuppressionKind,
};

/// A channel a message can be sent on; the unit of consent and `canSend`.
#[uniffi::remote(Enum)]
pub enum Channel {
    /// Email to the contact's address.
    Email,
    /// Text messages to the contact's phone number.
    Sms,
    /// Mobile push to the contact's app devices.
    MobilePush,
    /// Browser push to the contact's web push subscriptions.
    WebPush,
    /// A Telegram bot chat.
    Telegram,
}

/// The operating system family of a push device.
#[uniffi::remote(Enum)]
pub enum Platform {
    /// Apple iOS / iPadOS (APNs).
    Ios,
    /// Google Android (FCM).
    Android,
    /// Huawei (HMS Push Kit).
    Huawei,
    /// Anything else.
    Other,
}

/// Why an address (or a contact's push or messenger channel) must not receive messages.
#[uniffi::remote(Enum)]
pub enum SuppressionKind {
    /// The person opted out of the channel.
    Unsubscribed,
    /// The person reported a message as spam.
    SpamComplaint,
    /// Undeliverable or manually blocked.
    Blacklisted,
}

/// The one status shown for an email or phone, most severe first:
/// blacklisted > spamComplaint > unsubscribed > unconfirmed > active.
#[uniffi::remote(Enum)]
pub enum ChannelStatus {
    /// Reachable.
    Active,
    /// Added by a sign-up form and not yet confirmed (double opt-in).
    Unconfirmed,
    /// Opted out.
    Unsubscribed,
    /// Reported spam.
    SpamComplaint,
    /// Blacklisted.
    Blacklisted,
}

/// The single reason behind a `SendDecision`.
#[uniffi::remote(Enum)]
pub enum SendReason {
    /// Sending is allowed.
    Ok,
    /// No email, phone, active device, subscription or chat for the channel.
    NoAddress,
    /// The address is blacklisted.
    Blacklisted,
    /// The person complained of spam.
    SpamComplaint,
    /// The person unsubscribed.
    Unsubscribed,
    /// The address awaits double opt-in confirmation.
    Unconfirmed,
    /// A category was asked for and the contact is not subscribed to it.
    NotInCategory,
    /// No live contact has that id.
    UnknownContact,
}

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

/// How a location was obtained. A manual location is never overwritten by a detected one.
#[uniffi::remote(Enum)]
pub enum LocationSource {
    /// Entered by a person.
    Manual,
    /// Reported by a device's GPS.
    Gps,
    /// Guessed from an IP address.
    Ip,
}

/// The type of an additional field.
#[uniffi::remote(Enum)]
pub enum FieldType {
    /// Up to 255 characters.
    Text,
    /// Up to 10 000 characters.
    Textarea,
    /// A 64-bit integer.
    Number,
    /// An exact decimal.
    Decimal,
    /// A calendar date (`1990-03-09`).
    Date,
    /// An instant, kept in UTC.
    Datetime,
    /// True or false.
    Boolean,
    /// One of the definition's options.
    List,
    /// A subset of the definition's options.
    Multilist,
}

/// The kind of a timeline item.
#[uniffi::remote(Enum)]
pub enum ActivityKind {
    /// A message sent to the contact.
    Campaign,
    /// Something the contact did.
    Event,
    /// A purchase.
    Order,
}

/// The colour bar a timeline card is drawn with (the core's `Color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ActivityColor {
    /// Campaigns.
    Green,
    /// Events.
    Brown,
    /// Orders.
    Red,
}

impl From<core::Color> for ActivityColor {
    fn from(color: core::Color) -> Self {
        match color {
            core::Color::Green => ActivityColor::Green,
            core::Color::Brown => ActivityColor::Brown,
            core::Color::Red => ActivityColor::Red,
        }
    }
}

/// Channels a campaign message can go out on.
#[uniffi::remote(Enum)]
pub enum CampaignChannel {
    /// Email.
    Email,
    /// SMS.
    Sms,
    /// Viber.
    Viber,
    /// Mobile push.
    MobilePush,
    /// Web push.
    WebPush,
    /// In-app inbox.
    AppInbox,
    /// Telegram.
    Telegram,
}

/// Delivery status of a campaign message: sent → delivered → read → clicked move
/// forward only; undelivered, unsubscribed and spam are terminal.
#[uniffi::remote(Enum)]
pub enum CampaignStatus {
    /// Handed to the provider.
    Sent,
    /// Reached the recipient.
    Delivered,
    /// Opened.
    Read,
    /// A link was clicked.
    Clicked,
    /// Could not be delivered (terminal).
    Undelivered,
    /// The recipient unsubscribed from it (terminal).
    Unsubscribed,
    /// The recipient reported it as spam (terminal).
    Spam,
}

/// Status of an order.
#[uniffi::remote(Enum)]
pub enum OrderStatus {
    /// Created, not yet paid.
    Initialized,
    /// Being processed.
    InProgress,
    /// Delivered: only these count as revenue.
    Delivered,
    /// Cancelled.
    Cancelled,
    /// A cart left without checkout.
    AbandonedShoppingCart,
}

/// Where an order was placed.
#[uniffi::remote(Enum)]
pub enum OrderSource {
    /// Web or app.
    Online,
    /// A physical store.
    Offline,
}

/// Which kinds an activity query returns.
#[uniffi::remote(Enum)]
pub enum ActivityCategory {
    /// Every kind, the period applying to each.
    All,
    /// Campaigns only.
    Campaigns,
    /// Events only.
    Events,
    /// Orders only: always the full history, whatever the period or range.
    Orders,
}

/// A preset look-back window for an activity query.
#[uniffi::remote(Enum)]
pub enum Period {
    /// The last 7 days.
    Days7,
    /// The last 30 days.
    Days30,
    /// The last 90 days.
    Days90,
    /// The last 365 days.
    Year,
    /// No limit.
    All,
}

/// Reads a channel from its lowercase name (`email`, `sms`, `mobile_push`, `web_push`,
/// `telegram`), e.g. from a push payload or a server response. An unknown name is a
/// `Validation` error on field `channel`.
#[uniffi::export]
pub fn channel_from_name(name: String) -> crate::Result<Channel> {
    crate::error::guard(|| Ok(name.parse::<Channel>()?))
}

/// A channel's lowercase name, as every ContactKit surface and the server use it.
#[uniffi::export]
pub fn channel_name(channel: Channel) -> String {
    channel.as_str().to_string()
}

/// Reads a dedupe key from its name (`id`, `email`, `phone`, `email_or_phone`,
/// `contact_key`, `external_id`). An unknown name is a `Validation` error on field
/// `dedupe_on`.
#[uniffi::export]
pub fn dedupe_on_from_name(name: String) -> crate::Result<DedupeOn> {
    crate::error::guard(|| Ok(name.parse::<DedupeOn>()?))
}

/// Reads a period from its name (`7d`, `30d`, `90d`, `1y`, `all`). An unknown name is a
/// `Validation` error on field `period`.
#[uniffi::export]
pub fn period_from_name(name: String) -> crate::Result<Period> {
    crate::error::guard(|| Ok(name.parse::<Period>()?))
}
