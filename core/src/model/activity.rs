//! The activity timeline: campaigns sent, events tracked, orders placed.

use super::Address;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One item of a contact's timeline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Activity {
    /// Assigned by the book (UUIDv7).
    pub id: String,
    /// The contact it belongs to.
    pub contact_id: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub detail: ActivityDetail,
}

/// The three kinds of timeline item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActivityDetail {
    /// A message sent to the contact.
    Campaign(Campaign),
    /// Something the contact did, tracked by the customer's app or site.
    Event(Event),
    /// A purchase.
    Order(Order),
}

/// The kind of a timeline item, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// See [`Campaign`].
    Campaign,
    /// See [`Event`].
    Event,
    /// See [`Order`].
    Order,
}

impl ActivityKind {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Campaign => "campaign",
            ActivityKind::Event => "event",
            ActivityKind::Order => "order",
        }
    }
}

/// The colour bar a timeline card is drawn with, so every UI draws the same card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Color {
    /// Campaigns.
    Green,
    /// Events.
    Brown,
    /// Orders.
    Red,
}

impl Color {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Green => "green",
            Color::Brown => "brown",
            Color::Red => "red",
        }
    }
}

impl Activity {
    /// Which of the three kinds this is.
    pub fn kind(&self) -> ActivityKind {
        match self.detail {
            ActivityDetail::Campaign(_) => ActivityKind::Campaign,
            ActivityDetail::Event(_) => ActivityKind::Event,
            ActivityDetail::Order(_) => ActivityKind::Order,
        }
    }

    /// Display hint: the card's colour bar.
    pub fn color(&self) -> Color {
        match self.detail {
            ActivityDetail::Campaign(_) => Color::Green,
            ActivityDetail::Event(_) => Color::Brown,
            ActivityDetail::Order(_) => Color::Red,
        }
    }

    /// Display hint: the card's icon: the channel's name for a campaign, `flag` for an
    /// event, `shopping_bag` for an order.
    pub fn icon(&self) -> &'static str {
        match &self.detail {
            ActivityDetail::Campaign(campaign) => campaign.channel.as_str(),
            ActivityDetail::Event(_) => "flag",
            ActivityDetail::Order(_) => "shopping_bag",
        }
    }
}

/// Serialised with its display hints (`kind`, `color`, `icon`) as data.
impl Serialize for Activity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ActivityView {
            id: &self.id,
            contact_id: &self.contact_id,
            at: &self.at,
            color: self.color(),
            icon: self.icon(),
            detail: &self.detail,
        }
        .serialize(serializer)
    }
}

/// What an [`Activity`] is written as: its data and its display hints.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct ActivityView<'a> {
    id: &'a str,
    contact_id: &'a str,
    at: &'a DateTime<Utc>,
    color: Color,
    icon: &'static str,
    #[serde(flatten)]
    detail: &'a ActivityDetail,
}

/// Described as it is written (with its display hints), not as it is read.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Activity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Activity".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ActivityView::json_schema(generator)
    }
}

/// Channels a campaign message can go out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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

impl CampaignChannel {
    /// The lowercase name, also the timeline icon.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignChannel::Email => "email",
            CampaignChannel::Sms => "sms",
            CampaignChannel::Viber => "viber",
            CampaignChannel::MobilePush => "mobile_push",
            CampaignChannel::WebPush => "web_push",
            CampaignChannel::AppInbox => "app_inbox",
            CampaignChannel::Telegram => "telegram",
        }
    }
}

/// Delivery status of a campaign message. `sent` → `delivered` → `read` → `clicked`
/// move forward only; `undelivered`, `unsubscribed` and `spam` are terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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

impl CampaignStatus {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Sent => "sent",
            CampaignStatus::Delivered => "delivered",
            CampaignStatus::Read => "read",
            CampaignStatus::Clicked => "clicked",
            CampaignStatus::Undelivered => "undelivered",
            CampaignStatus::Unsubscribed => "unsubscribed",
            CampaignStatus::Spam => "spam",
        }
    }

    /// True for statuses nothing can follow.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CampaignStatus::Undelivered | CampaignStatus::Unsubscribed | CampaignStatus::Spam
        )
    }

    /// Position on the forward path; terminal statuses rank above all others.
    fn rank(self) -> u8 {
        match self {
            CampaignStatus::Sent => 0,
            CampaignStatus::Delivered => 1,
            CampaignStatus::Read => 2,
            CampaignStatus::Clicked => 3,
            CampaignStatus::Undelivered | CampaignStatus::Unsubscribed | CampaignStatus::Spam => 4,
        }
    }

    /// Whether a message in this status may move to `next`: forward along `sent` →
    /// `delivered` → `read` → `clicked`; to `undelivered` only from `sent` (a message
    /// that arrived cannot become undelivered); to `unsubscribed` or `spam` from any
    /// status that is not terminal; never out of a terminal status.
    pub fn can_advance_to(self, next: CampaignStatus) -> bool {
        if self.is_terminal() {
            return false;
        }
        match next {
            CampaignStatus::Undelivered => self == CampaignStatus::Sent,
            CampaignStatus::Unsubscribed | CampaignStatus::Spam => true,
            _ => next.rank() > self.rank(),
        }
    }
}

/// A message sent to the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Campaign {
    /// The message's id in the sending system; one timeline item per contact and message.
    pub message_id: String,
    /// Human name of the message or campaign.
    pub message_name: Option<String>,
    /// The channel it went out on.
    pub channel: CampaignChannel,
    /// Its delivery status.
    pub status: CampaignStatus,
    /// Provider's detail, e.g. `hard_bounce`.
    pub status_description: Option<String>,
    /// The email or phone the message went to, as the contact held it when the
    /// message was first recorded: a later bounce or complaint suppresses that
    /// address, even after the contact changed theirs. `None` for push and Telegram.
    #[serde(default)]
    pub sent_to: Option<String>,
}

/// What a caller sends to record a campaign message or a status update of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// The message's id.
    pub message_id: String,
    /// Human name.
    #[serde(default)]
    pub message_name: Option<String>,
    /// The channel.
    pub channel: CampaignChannel,
    /// The status now.
    pub status: CampaignStatus,
    /// Provider's detail; `hard_bounce` with `undelivered` blacklists the address.
    #[serde(default)]
    pub status_description: Option<String>,
    /// When it happened; the book's clock when not given.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// Something the contact did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Event {
    /// Event name (≤ 100 characters, none of `< ; ' " \ / | ^ ? ! , >`).
    pub name: String,
    /// The event's key value (e.g. a product id) used to match workflows.
    pub key_value: Option<String>,
    /// Free parameters (a JSON object).
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Workflows the event started.
    pub workflows: Vec<String>,
}

/// What a caller sends to record an event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// Event name.
    pub name: String,
    /// Key value.
    pub key_value: Option<String>,
    /// Parameters (a JSON object).
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Workflows started.
    pub workflows: Vec<String>,
    /// When it happened; the book's clock when not given.
    pub at: Option<DateTime<Utc>>,
}

/// Status of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created, not yet paid.
    #[default]
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

impl OrderStatus {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Initialized => "initialized",
            OrderStatus::InProgress => "in_progress",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::AbandonedShoppingCart => "abandoned_shopping_cart",
        }
    }
}

/// Where an order was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderSource {
    /// Web or app.
    #[default]
    Online,
    /// A physical store.
    Offline,
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderItem {
    /// The product's id in the customer's catalogue.
    pub product_id: String,
    /// Product name.
    #[serde(default)]
    pub name: Option<String>,
    /// How many (positive).
    pub quantity: Decimal,
    /// Price of one, in the order's currency (not negative).
    pub price: Decimal,
}

/// A purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Order {
    /// The order's id in the customer's system; unique in the book.
    pub external_id: String,
    /// Total amount (not negative).
    pub amount: Decimal,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// Status.
    pub status: OrderStatus,
    /// Lines.
    pub items: Vec<OrderItem>,
    /// Shipping cost.
    pub shipping: Option<Decimal>,
    /// Discount given.
    pub discount: Option<Decimal>,
    /// Taxes included.
    pub taxes: Option<Decimal>,
    /// The customer's store id.
    pub store_id: Option<String>,
    /// Online or offline.
    pub source: OrderSource,
    /// Where it is delivered; fills the contact's address when they have none.
    pub delivery_address: Option<Address>,
}

/// What a caller sends to record (or update) an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// The order's id in the customer's system.
    pub external_id: String,
    /// Total amount.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// Status; `initialized` when not given.
    #[serde(default)]
    pub status: OrderStatus,
    /// Lines.
    #[serde(default)]
    pub items: Vec<OrderItem>,
    /// Shipping cost.
    #[serde(default)]
    pub shipping: Option<Decimal>,
    /// Discount.
    #[serde(default)]
    pub discount: Option<Decimal>,
    /// Taxes.
    #[serde(default)]
    pub taxes: Option<Decimal>,
    /// Store id.
    #[serde(default)]
    pub store_id: Option<String>,
    /// Online or offline.
    #[serde(default)]
    pub source: OrderSource,
    /// Delivery address.
    #[serde(default)]
    pub delivery_address: Option<Address>,
    /// When it was placed; the book's clock when not given.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// Which kinds an activity query returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityCategory {
    /// Every kind, the period applying to each.
    #[default]
    All,
    /// Campaigns only.
    Campaigns,
    /// Events only.
    Events,
    /// Orders only: always the full history, whatever the period or range.
    Orders,
}

impl ActivityCategory {
    /// The kinds this category covers.
    pub fn kinds(self) -> &'static [ActivityKind] {
        match self {
            ActivityCategory::All => &[
                ActivityKind::Campaign,
                ActivityKind::Event,
                ActivityKind::Order,
            ],
            ActivityCategory::Campaigns => &[ActivityKind::Campaign],
            ActivityCategory::Events => &[ActivityKind::Event],
            ActivityCategory::Orders => &[ActivityKind::Order],
        }
    }
}

/// A preset look-back window for an activity query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Period {
    /// The last 7 days.
    #[serde(rename = "7d")]
    Days7,
    /// The last 30 days.
    #[default]
    #[serde(rename = "30d")]
    Days30,
    /// The last 90 days.
    #[serde(rename = "90d")]
    Days90,
    /// The last 365 days.
    #[serde(rename = "1y")]
    Year,
    /// No limit.
    #[serde(rename = "all")]
    All,
}

impl Period {
    /// The name used in every binding (`7d`, `30d`, `90d`, `1y`, `all`).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Days7 => "7d",
            Period::Days30 => "30d",
            Period::Days90 => "90d",
            Period::Year => "1y",
            Period::All => "all",
        }
    }

    /// How far back the window reaches; `None` for `all`.
    pub fn length(self) -> Option<chrono::Duration> {
        match self {
            Period::Days7 => Some(chrono::Duration::days(7)),
            Period::Days30 => Some(chrono::Duration::days(30)),
            Period::Days90 => Some(chrono::Duration::days(90)),
            Period::Year => Some(chrono::Duration::days(365)),
            Period::All => None,
        }
    }
}

impl std::str::FromStr for Period {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        [
            Period::Days7,
            Period::Days30,
            Period::Days90,
            Period::Year,
            Period::All,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
        .ok_or_else(|| crate::Error::validation("period", s, "expected 7d, 30d, 90d, 1y or all"))
    }
}

/// A query of a contact's timeline, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    /// Which kinds.
    pub category: ActivityCategory,
    /// Preset window, ignored when `since` or `until` is given.
    pub period: Period,
    /// Explicit start (inclusive).
    pub since: Option<DateTime<Utc>>,
    /// Explicit end (exclusive).
    pub until: Option<DateTime<Utc>>,
    /// Page size; 50 when not given, at most 1000.
    pub limit: Option<u32>,
    /// Where the previous page ended (its `next_cursor`).
    pub cursor: Option<String>,
}
