//! Suppression records and the answers derived from them.

use super::Channel;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why an address (or a contact's push/messenger channel) must not receive messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuppressionKind {
    /// The person opted out of the channel.
    Unsubscribed,
    /// The person reported a message as spam.
    SpamComplaint,
    /// Undeliverable or manually blocked.
    Blacklisted,
}

impl SuppressionKind {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Unsubscribed => "unsubscribed",
            SuppressionKind::SpamComplaint => "spam_complaint",
            SuppressionKind::Blacklisted => "blacklisted",
        }
    }
}

/// One suppression of one address on one channel, with its history: a record stays
/// after it is lifted so the profile can show every record with its date and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SuppressionRecord {
    /// The channel suppressed.
    pub channel: Channel,
    /// The normalised address (email, E.164 phone) or, for channels without a lasting
    /// address (push, Telegram), the contact id.
    pub address: String,
    /// What kind of suppression.
    pub kind: SuppressionKind,
    /// When it was recorded (the book's clock, or the campaign's date).
    pub at: DateTime<Utc>,
    /// Why, e.g. `hard_bounce`, `manual`, or free text from an unsubscribe page.
    pub reason: Option<String>,
    /// When it was lifted (`unblacklist`, `resubscribe`); `None` while in force.
    pub lifted_at: Option<DateTime<Utc>>,
    /// The note given when lifting.
    pub lift_note: Option<String>,
}

impl SuppressionRecord {
    /// True while the suppression is in force.
    pub fn is_active(&self) -> bool {
        self.lifted_at.is_none()
    }
}

/// The one status shown for an email or phone, most severe first:
/// `blacklisted` > `spam_complaint` > `unsubscribed` > `unconfirmed` > `active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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

impl ChannelStatus {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelStatus::Active => "active",
            ChannelStatus::Unconfirmed => "unconfirmed",
            ChannelStatus::Unsubscribed => "unsubscribed",
            ChannelStatus::SpamComplaint => "spam_complaint",
            ChannelStatus::Blacklisted => "blacklisted",
        }
    }
}

impl From<SuppressionKind> for ChannelStatus {
    fn from(kind: SuppressionKind) -> Self {
        match kind {
            SuppressionKind::Unsubscribed => ChannelStatus::Unsubscribed,
            SuppressionKind::SpamComplaint => ChannelStatus::SpamComplaint,
            SuppressionKind::Blacklisted => ChannelStatus::Blacklisted,
        }
    }
}

/// The single reason behind a [`SendDecision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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

impl SendReason {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            SendReason::Ok => "ok",
            SendReason::NoAddress => "no_address",
            SendReason::Blacklisted => "blacklisted",
            SendReason::SpamComplaint => "spam_complaint",
            SendReason::Unsubscribed => "unsubscribed",
            SendReason::Unconfirmed => "unconfirmed",
            SendReason::NotInCategory => "not_in_category",
            SendReason::UnknownContact => "unknown_contact",
        }
    }
}

/// The answer of `can_send`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SendDecision {
    /// True only when `reason` is [`SendReason::Ok`].
    pub allowed: bool,
    /// Why.
    pub reason: SendReason,
}

impl From<SendReason> for SendDecision {
    fn from(reason: SendReason) -> Self {
        SendDecision {
            allowed: reason == SendReason::Ok,
            reason,
        }
    }
}
