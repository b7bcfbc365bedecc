//! [`Check::matches`]: the meaning of a rule, over one contact's facts. The in-memory
//! store answers with it; the SQL stores must agree with it (the store model test
//! asserts they do on random books and rules).

use super::check::{ItemTest, Node, Scalar, Test};
use super::{fold, Attribute, Check, Op, Window};
use crate::consent;
use crate::model::{
    Activity, ActivityDetail, Channel, ContactRecord, FieldValue, SendReason, SuppressionRecord,
};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;

/// What a rule looks at for one contact.
pub struct Facts<'a> {
    /// The whole contact (every part).
    pub contact: &'a ContactRecord,
    /// Every suppression record kept at its email, phone and id.
    pub suppressions: &'a [SuppressionRecord],
    /// Its whole timeline (needed only when [`Check::reads_activity`]).
    pub activities: &'a [Activity],
}

impl Check {
    /// Whether the contact these facts describe matches, with periods counted back
    /// from `now`.
    pub fn matches(&self, facts: &Facts<'_>, now: DateTime<Utc>) -> bool {
        node(&self.node, facts, now)
    }
}

fn node(n: &Node, facts: &Facts<'_>, now: DateTime<Utc>) -> bool {
    let c = facts.contact;
    match n {
        Node::All(nodes) => nodes.iter().all(|n| node(n, facts, now)),
        Node::Any(nodes) => nodes.iter().any(|n| node(n, facts, now)),
        Node::Not(n) => !node(n, facts, now),
        Node::Attr { attr, test: t } => test(t, attribute(c, *attr).as_ref()),
        Node::Field { key, test: t, .. } => match (c.fields.get(key), t) {
            (Some(FieldValue::Multilist(options)), Test::HasOption(option)) => {
                options.contains(option)
            }
            (Some(FieldValue::Multilist(options)), Test::HasAnyOption(any)) => {
                any.iter().any(|o| options.contains(o))
            }
            (Some(FieldValue::Multilist(_)), Test::Exists) | (None, Test::Missing) => true,
            (Some(FieldValue::Multilist(_)), _) | (None, _) => {
                matches!(t, Test::Compare(Op::Ne, _))
            }
            (Some(value), t) => test(t, Some(&scalar_of(value))),
        },
        Node::Status { channel, is } => {
            let (present, confirmed) = match channel {
                Channel::Email => (c.email.is_some(), c.email_confirmed),
                _ => (c.phone.is_some(), c.phone_confirmed),
            };
            present
                && consent::channel_status(&at_address(facts, *channel), *channel, confirmed) == *is
        }
        Node::CanSend { channel, category } => {
            consent::decide(
                c,
                *channel,
                &at_address(facts, *channel),
                category.as_deref(),
            ) == SendReason::Ok
        }
        Node::InStatic(id) => c.segments.contains(id),
        Node::InCategory(key) => c.categories.contains(key),
        Node::Has { channel, app_id } => match channel {
            Channel::MobilePush => c.devices.iter().any(|d| {
                d.active && d.token.is_some() && app_id.as_ref().is_none_or(|app| &d.app_id == app)
            }),
            Channel::WebPush => !c.web_push.is_empty(),
            _ => c.telegram.is_some(),
        },
        Node::Activity {
            kind,
            within,
            conditions,
            count,
        } => {
            let (since, until) = bounds(*within, now);
            let matching = facts
                .activities
                .iter()
                .filter(|a| {
                    a.kind() == *kind
                        && since.is_none_or(|since| a.at >= since)
                        && until.is_none_or(|until| a.at < until)
                        && conditions.iter().all(|t| item(t, a))
                })
                .count();
            count.passes(matching as u64)
        }
    }
}

/// The instants an activity window covers: at or after the first, before the second.
pub(super) fn bounds(
    within: Window,
    now: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    match within {
        Window::Last(period) => (period.length().map(|length| now - length), None),
        Window::Between { since, until } => (since, until),
    }
}

/// The records at the address the channel's suppressions are kept at.
fn at_address(facts: &Facts<'_>, channel: Channel) -> Vec<SuppressionRecord> {
    match consent::suppression_address(facts.contact, channel) {
        Some(address) => facts
            .suppressions
            .iter()
            .filter(|r| r.address == address)
            .cloned()
            .collect(),
        None => Vec::new(),
    }
}

/// An attribute's value as rules compare it.
fn attribute(c: &ContactRecord, attr: Attribute) -> Option<Scalar> {
    let text = |value: Option<&String>| value.map(|v| Scalar::Text(fold(v)));
    let address = c.address.as_ref();
    match attr {
        Attribute::FirstName => text(c.first_name.as_ref()),
        Attribute::LastName => text(c.last_name.as_ref()),
        Attribute::Email => text(c.email.as_ref()),
        Attribute::Phone => text(c.phone.as_ref()),
        Attribute::ExternalId => text(c.external_id.as_ref()),
        Attribute::ContactKey => text(c.contact_key.as_ref()),
        Attribute::Country => text(address.and_then(|a| a.country.as_ref())),
        Attribute::Region => text(address.and_then(|a| a.region.as_ref())),
        Attribute::Town => text(address.and_then(|a| a.town.as_ref())),
        Attribute::Postcode => text(address.and_then(|a| a.postcode.as_ref())),
        Attribute::Timezone => text(c.timezone.as_ref()),
        Attribute::Language => text(c.language.as_ref()),
        Attribute::Source => Some(Scalar::Text(c.source.as_str().to_string())),
        Attribute::CreatedAt => Some(Scalar::Millis(c.created_at.timestamp_millis())),
        Attribute::UpdatedAt => Some(Scalar::Millis(c.updated_at.timestamp_millis())),
    }
}

fn scalar_of(value: &FieldValue) -> Scalar {
    match value {
        FieldValue::Text(s) | FieldValue::Textarea(s) | FieldValue::List(s) => {
            Scalar::Text(fold(s))
        }
        FieldValue::Number(n) => Scalar::Int(*n),
        FieldValue::Decimal(d) => Scalar::Decimal(*d),
        FieldValue::Date(d) => Scalar::Date(*d),
        FieldValue::Datetime(t) => Scalar::Millis(t.timestamp_millis()),
        FieldValue::Boolean(b) => Scalar::Bool(*b),
        // Multilists are matched before they get here.
        FieldValue::Multilist(options) => Scalar::Text(options.join(",")),
    }
}

/// Whether `value` (absent when the contact has none) passes `t`.
fn test(t: &Test, value: Option<&Scalar>) -> bool {
    let Some(value) = value else {
        return matches!(t, Test::Missing | Test::Compare(Op::Ne, _));
    };
    match t {
        Test::Exists => true,
        Test::Missing => false,
        Test::Compare(op, expected) => match compare(value, expected) {
            Some(ordering) => match op {
                Op::Eq => ordering == Ordering::Equal,
                Op::Ne => ordering != Ordering::Equal,
                Op::Lt => ordering == Ordering::Less,
                Op::Lte => ordering != Ordering::Greater,
                Op::Gt => ordering == Ordering::Greater,
                Op::Gte => ordering != Ordering::Less,
                _ => false,
            },
            None => *op == Op::Ne,
        },
        Test::In(values) => values
            .iter()
            .any(|v| compare(value, v) == Some(Ordering::Equal)),
        Test::Contains(part) => matches!(value, Scalar::Text(text) if text.contains(part.as_str())),
        Test::StartsWith(part) => {
            matches!(value, Scalar::Text(text) if text.starts_with(part.as_str()))
        }
        Test::HasOption(_) | Test::HasAnyOption(_) => false,
    }
}

/// How two values of one type order (text by code point, after folding).
fn compare(a: &Scalar, b: &Scalar) -> Option<Ordering> {
    Some(match (a, b) {
        (Scalar::Text(a), Scalar::Text(b)) => a.cmp(b),
        (Scalar::Int(a), Scalar::Int(b)) => a.cmp(b),
        (Scalar::Decimal(a), Scalar::Decimal(b)) => a.cmp(b),
        (Scalar::Date(a), Scalar::Date(b)) => a.cmp(b),
        (Scalar::Millis(a), Scalar::Millis(b)) => a.cmp(b),
        (Scalar::Bool(a), Scalar::Bool(b)) => a.cmp(b),
        _ => return None,
    })
}

fn item(t: &ItemTest, activity: &Activity) -> bool {
    match (&activity.detail, t) {
        (ActivityDetail::Campaign(c), ItemTest::CampaignChannel(channel)) => c.channel == *channel,
        (ActivityDetail::Campaign(c), ItemTest::CampaignStatus(status)) => c.status == *status,
        (ActivityDetail::Campaign(c), ItemTest::MessageId(id)) => fold(&c.message_id) == *id,
        (ActivityDetail::Event(e), ItemTest::EventName(name)) => fold(&e.name) == *name,
        (ActivityDetail::Event(e), ItemTest::KeyValue(value)) => {
            e.key_value.as_deref().map(fold).as_deref() == Some(value.as_str())
        }
        (ActivityDetail::Order(o), ItemTest::OrderStatus(status)) => o.status == *status,
        (ActivityDetail::Order(o), ItemTest::Currency(currency)) => o.currency == *currency,
        (ActivityDetail::Order(o), ItemTest::Amount(op, amount)) => {
            let ordering = o.amount.cmp(amount);
            match op {
                Op::Eq => ordering == Ordering::Equal,
                Op::Lt => ordering == Ordering::Less,
                Op::Lte => ordering != Ordering::Greater,
                Op::Gt => ordering == Ordering::Greater,
                Op::Gte => ordering != Ordering::Less,
                _ => false,
            }
        }
        _ => false,
    }
}
