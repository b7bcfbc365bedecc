//! Suppression records and the answers derived from them (the core's `model::consent`).

use crate::scalars::UtcDateTime;
use contactkit::{
    Channel, ChannelStatus, SendDecision, SendReason, SuppressionKind, SuppressionRecord,
};

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

/// One suppression of one address on one channel, kept with its history.
#[uniffi::remote(Record)]
pub struct SuppressionRecord {
    /// The channel suppressed.
    pub channel: Channel,
    /// The normalised email or E.164 phone; the contact id for push and Telegram.
    pub address: String,
    /// What kind of suppression.
    pub kind: SuppressionKind,
    /// When it was recorded.
    pub at: UtcDateTime,
    /// Why, e.g. `hard_bounce`, `manual`, or free text from an unsubscribe page.
    pub reason: Option<String>,
    /// When it was lifted; null while in force.
    pub lifted_at: Option<UtcDateTime>,
    /// The note given when lifting.
    pub lift_note: Option<String>,
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

/// The answer of `canSend`.
#[uniffi::remote(Record)]
pub struct SendDecision {
    /// True only when `reason` is `OK`.
    pub allowed: bool,
    /// Why.
    pub reason: SendReason,
}
