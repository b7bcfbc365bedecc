//! Consent rules in one place: where a channel's suppressions are kept, which status
//! an address shows, and whether a message may be sent.

use crate::model::{
    Campaign, CampaignChannel, CampaignStatus, Channel, ChannelStatus, ContactRecord, SendReason,
    SuppressionKind, SuppressionRecord,
};
use crate::store::Parts;

/// The provider detail that turns an `undelivered` campaign into a blacklist.
pub const HARD_BOUNCE: &str = "hard_bounce";

/// Where suppressions for `channel` are kept for this contact: the email or phone
/// itself (so they follow the address to any contact that later holds it), or the
/// contact id for channels whose identifiers change (push tokens, endpoints, chats).
/// `None` when the contact has no email or phone for an addressed channel.
pub fn suppression_address(contact: &ContactRecord, channel: Channel) -> Option<&str> {
    match channel {
        Channel::Email => contact.email.as_deref(),
        Channel::Sms => contact.phone.as_deref(),
        Channel::MobilePush | Channel::WebPush | Channel::Telegram => Some(&contact.id),
    }
}

/// The consent channel a campaign channel answers to. Viber and the app inbox have
/// no consent channel of their own in the model, so their statuses suppress nothing.
pub fn consent_channel(channel: CampaignChannel) -> Option<Channel> {
    match channel {
        CampaignChannel::Email => Some(Channel::Email),
        CampaignChannel::Sms => Some(Channel::Sms),
        CampaignChannel::MobilePush => Some(Channel::MobilePush),
        CampaignChannel::WebPush => Some(Channel::WebPush),
        CampaignChannel::Telegram => Some(Channel::Telegram),
        CampaignChannel::Viber | CampaignChannel::AppInbox => None,
    }
}

/// The suppression a campaign in this state records: `unsubscribed` and `spam`
/// record theirs; `undelivered` with `hard_bounce` blacklists.
pub fn campaign_suppression(campaign: &Campaign) -> Option<SuppressionKind> {
    match campaign.status {
        CampaignStatus::Unsubscribed => Some(SuppressionKind::Unsubscribed),
        CampaignStatus::Spam => Some(SuppressionKind::SpamComplaint),
        CampaignStatus::Undelivered
            if campaign.status_description.as_deref() == Some(HARD_BOUNCE) =>
        {
            Some(SuppressionKind::Blacklisted)
        }
        _ => None,
    }
}

/// The address a new message on `channel` goes to, recorded on the campaign: the
/// contact's email or phone now. Push and Telegram suppressions are the contact's own.
pub fn sent_to(contact: &ContactRecord, channel: CampaignChannel) -> Option<String> {
    match consent_channel(channel)? {
        channel @ (Channel::Email | Channel::Sms) => {
            suppression_address(contact, channel).map(str::to_string)
        }
        Channel::MobilePush | Channel::WebPush | Channel::Telegram => None,
    }
}

/// Where a campaign's suppression lands: on its own channel, at the address the
/// message was sent to (a campaign recorded before that was kept falls back to the
/// contact's address now).
pub fn campaign_address<'a>(
    contact: &'a ContactRecord,
    campaign: &'a Campaign,
) -> Option<(Channel, &'a str)> {
    let channel = consent_channel(campaign.channel)?;
    let address = campaign
        .sent_to
        .as_deref()
        .or_else(|| suppression_address(contact, channel))?;
    Some((channel, address))
}

/// The most severe suppression in force on `channel` among `records`.
pub fn active_suppression(
    records: &[SuppressionRecord],
    channel: Channel,
) -> Option<SuppressionKind> {
    records
        .iter()
        .filter(|r| r.channel == channel && r.is_active())
        .map(|r| r.kind)
        .max()
}

/// The one status shown for an address: the worst suppression in force, else
/// `unconfirmed` while double opt-in is pending, else `active`.
pub fn channel_status(
    records: &[SuppressionRecord],
    channel: Channel,
    confirmed: bool,
) -> ChannelStatus {
    match active_suppression(records, channel) {
        Some(kind) => kind.into(),
        None if !confirmed => ChannelStatus::Unconfirmed,
        None => ChannelStatus::Active,
    }
}

/// Whether the contact has something to send `channel` messages to.
pub fn has_address(contact: &ContactRecord, channel: Channel) -> bool {
    match channel {
        Channel::Email => contact.email.is_some(),
        Channel::Sms => contact.phone.is_some(),
        Channel::MobilePush => contact
            .devices
            .iter()
            .any(|d| d.active && d.token.is_some()),
        Channel::WebPush => !contact.web_push.is_empty(),
        Channel::Telegram => contact.telegram.is_some(),
    }
}

/// Whether the channel needs double opt-in confirmation before sending.
fn confirmed(contact: &ContactRecord, channel: Channel) -> bool {
    match channel {
        Channel::Email => contact.email_confirmed,
        Channel::Sms => contact.phone_confirmed,
        Channel::MobilePush | Channel::WebPush | Channel::Telegram => true,
    }
}

/// The parts of a contact [`decide`] looks at for `channel` and `category`, so a
/// decision reads no more than it needs (the contact's own columns always come).
pub fn parts_deciding(channel: Channel, category: Option<&str>) -> Parts {
    Parts {
        devices: channel == Channel::MobilePush,
        web_push: channel == Channel::WebPush,
        categories: category.is_some(),
        ..Parts::NONE
    }
}

/// The `can_send` rule for a live contact. Checks in order: an address exists, no
/// suppression is in force (most severe reported), opt-in is confirmed, and, when a
/// category is asked for, the contact is subscribed to it.
///
/// `records` are the suppressions kept at the channel's [`suppression_address`].
pub fn decide(
    contact: &ContactRecord,
    channel: Channel,
    records: &[SuppressionRecord],
    category: Option<&str>,
) -> SendReason {
    if !has_address(contact, channel) {
        return SendReason::NoAddress;
    }
    match active_suppression(records, channel) {
        Some(SuppressionKind::Blacklisted) => return SendReason::Blacklisted,
        Some(SuppressionKind::SpamComplaint) => return SendReason::SpamComplaint,
        Some(SuppressionKind::Unsubscribed) => return SendReason::Unsubscribed,
        None => {}
    }
    if !confirmed(contact, channel) {
        return SendReason::Unconfirmed;
    }
    match category {
        Some(key) if !contact.categories.contains(key) => SendReason::NotInCategory,
        _ => SendReason::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn record(kind: SuppressionKind, lifted: bool) -> SuppressionRecord {
        let at = DateTime::<Utc>::from_timestamp(0, 0).unwrap();
        SuppressionRecord {
            channel: Channel::Email,
            address: "a@example.com".into(),
            kind,
            at,
            reason: None,
            lifted_at: lifted.then_some(at),
            lift_note: None,
        }
    }

    #[test]
    fn status_precedence_is_blacklisted_spam_unsubscribed_unconfirmed_active() {
        use SuppressionKind::*;
        let all = [
            record(Unsubscribed, false),
            record(Blacklisted, false),
            record(SpamComplaint, false),
        ];
        assert_eq!(
            channel_status(&all, Channel::Email, false),
            ChannelStatus::Blacklisted
        );
        assert_eq!(
            channel_status(&all[..1], Channel::Email, true),
            ChannelStatus::Unsubscribed
        );
        let spam_unsub = [record(Unsubscribed, false), record(SpamComplaint, false)];
        assert_eq!(
            channel_status(&spam_unsub, Channel::Email, true),
            ChannelStatus::SpamComplaint
        );
        assert_eq!(
            channel_status(&all, Channel::Sms, false),
            ChannelStatus::Unconfirmed
        );
        assert_eq!(
            channel_status(&[record(Blacklisted, true)], Channel::Email, true),
            ChannelStatus::Active
        );
    }
}
