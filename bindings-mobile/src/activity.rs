//! The activity timeline: campaigns sent, events tracked, orders placed (the core's
//! `model::activity`).

use crate::scalars::{read_decimal, DecimalText, EventParams, ExactDecimal, UtcDateTime};
use contactkit as core;
use contactkit::validate::limits;
use contactkit::{
    ActivityCategory, Address, Campaign, CampaignChannel, CampaignInput, CampaignStatus, Color,
    OrderSource, OrderStatus, Period, Result,
};

/// The colour bar a timeline card is drawn with: the core's `Color`, named
/// `ActivityColor` so that it does not clash with SwiftUI's `Color`.
#[uniffi::remote(Enum)]
#[uniffi(name = "ActivityColor")]
pub enum Color {
    /// Campaigns.
    Green,
    /// Events.
    Brown,
    /// Orders.
    Red,
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

/// A message sent to the contact (`Activity.Campaign`'s detail), named `CampaignDetail`
/// since a Kotlin `Activity.Campaign` would shadow a record named `Campaign`.
#[uniffi::remote(Record)]
#[uniffi(name = "CampaignDetail")]
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

/// What a caller sends to record a campaign message or a status update of one.
#[uniffi::remote(Record)]
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
    pub at: Option<UtcDateTime>,
}

/// Something the contact did (`Activity.Event`'s detail): the core's `Event` with its
/// params as [`EventParams`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi(name = "EventDetail")]
pub struct Event {
    /// Event name.
    pub name: String,
    /// The event's key value.
    pub key_value: Option<String>,
    /// Free parameters, a JSON object.
    pub params: EventParams,
    /// Workflows the event started.
    pub workflows: Vec<String>,
}

/// What a caller sends to record an event.
///
/// A binding record, not the core's: the core's params are a `serde_json` map, which
/// uniffi cannot carry; here they are [`EventParams`], bounded before they are parsed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EventInput {
    /// Event name (at most 100 characters, none of `< ; ' " \ / | ^ ? ! , >`).
    pub name: String,
    /// The event's key value (e.g. a product id).
    #[uniffi(default)]
    pub key_value: Option<String>,
    /// Free parameters, a JSON object such as `{"sku": "A-1", "qty": 2}` (at most 64 KiB
    /// as JSON, nested at most 32 deep).
    #[uniffi(default)]
    pub params: Option<EventParams>,
    /// Workflows the event started.
    #[uniffi(default)]
    pub workflows: Vec<String>,
    /// When it happened; the book's clock when null.
    #[uniffi(default)]
    pub at: Option<UtcDateTime>,
}

impl EventInput {
    pub(crate) fn into_core(self) -> Result<core::EventInput> {
        Ok(core::EventInput {
            params: match self.params {
                None => serde_json::Map::new(),
                Some(EventParams(text)) => parse_params(&text)?,
            },
            at: self.at,
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

/// How deep arrays and objects nest in JSON text, brackets inside strings not counted
/// (params here, a line of the portable form in `crate::portable`).
/// Malformed text gets a figure all the same; the parser reports what is wrong with it.
pub(crate) fn json_depth(text: &str) -> usize {
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

/// A line of an order (given and returned).
///
/// A binding record, not the core's: `quantity` and `price` are read on their field
/// (`items[0].price`) here, since uniffi lifts a record's fields without
/// naming them. [`Order`] and [`OrderInput`] hold it, so they are binding records too.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OrderItem {
    /// The product's id in the customer's catalogue.
    pub product_id: String,
    /// How many (positive).
    pub quantity: DecimalText,
    /// Price of one in the order's currency (not negative).
    pub price: DecimalText,
    /// Product name.
    #[uniffi(default)]
    pub name: Option<String>,
}

impl OrderItem {
    fn into_core(self, index: usize) -> Result<core::OrderItem> {
        Ok(core::OrderItem {
            quantity: read_decimal(&format!("items[{index}].quantity"), &self.quantity)?,
            price: read_decimal(&format!("items[{index}].price"), &self.price)?,
            product_id: self.product_id,
            name: self.name,
        })
    }
}

impl From<core::OrderItem> for OrderItem {
    fn from(i: core::OrderItem) -> Self {
        OrderItem {
            product_id: i.product_id,
            quantity: i.quantity.into(),
            price: i.price.into(),
            name: i.name,
        }
    }
}

/// What a caller sends to record (or update, by `externalId`) an order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OrderInput {
    /// The order's id in the customer's system; unique in the book.
    pub external_id: String,
    /// Total amount (not negative).
    pub amount: DecimalText,
    /// ISO 4217 code.
    pub currency: String,
    /// Status; `INITIALIZED` when null.
    #[uniffi(default)]
    pub status: Option<OrderStatus>,
    /// Lines.
    #[uniffi(default)]
    pub items: Vec<OrderItem>,
    /// Shipping cost.
    #[uniffi(default)]
    pub shipping: Option<DecimalText>,
    /// Discount given.
    #[uniffi(default)]
    pub discount: Option<DecimalText>,
    /// Taxes included.
    #[uniffi(default)]
    pub taxes: Option<DecimalText>,
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
    pub at: Option<UtcDateTime>,
}

impl OrderInput {
    pub(crate) fn into_core(self) -> Result<core::OrderInput> {
        let money =
            |field, text: Option<DecimalText>| text.map(|t| read_decimal(field, &t)).transpose();
        Ok(core::OrderInput {
            amount: read_decimal("amount", &self.amount)?,
            shipping: money("shipping", self.shipping)?,
            discount: money("discount", self.discount)?,
            taxes: money("taxes", self.taxes)?,
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
            at: self.at,
        })
    }
}

/// A purchase (`Activity.Order`'s detail).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi(name = "OrderDetail")]
pub struct Order {
    /// The order's id in the customer's system.
    pub external_id: String,
    /// Total amount.
    pub amount: ExactDecimal,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// Status.
    pub status: OrderStatus,
    /// Lines.
    pub items: Vec<OrderItem>,
    /// Shipping cost.
    pub shipping: Option<ExactDecimal>,
    /// Discount given.
    pub discount: Option<ExactDecimal>,
    /// Taxes included.
    pub taxes: Option<ExactDecimal>,
    /// The customer's store id.
    pub store_id: Option<String>,
    /// Online or offline.
    pub source: OrderSource,
    /// Where it is delivered.
    pub delivery_address: Option<Address>,
}

/// One item of a contact's timeline: a sealed class in Kotlin (`when (a) { is
/// Activity.Order -> a.detail.amount ... }`), an enum with payloads in Swift. Every kind
/// carries the same common fields beside its `detail`.
///
/// A binding enum, not the core's: `color` and `icon` are the core's derived views
/// (methods), carried as data, and the core's event holds a `serde_json` map.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Activity {
    /// A message sent to the contact.
    Campaign {
        /// Assigned by the book (UUIDv7).
        id: String,
        /// The contact it belongs to.
        contact_id: String,
        /// When it happened.
        at: UtcDateTime,
        /// Display hint: the card's colour bar (`GREEN`).
        color: Color,
        /// Display hint: the card's icon (the channel's name).
        icon: String,
        /// The message.
        detail: Campaign,
    },
    /// Something the contact did.
    Event {
        /// Assigned by the book (UUIDv7).
        id: String,
        /// The contact it belongs to.
        contact_id: String,
        /// When it happened.
        at: UtcDateTime,
        /// Display hint: the card's colour bar (`BROWN`).
        color: Color,
        /// Display hint: the card's icon (`flag`).
        icon: String,
        /// The event.
        detail: Event,
    },
    /// A purchase.
    Order {
        /// Assigned by the book (UUIDv7).
        id: String,
        /// The contact it belongs to.
        contact_id: String,
        /// When it happened.
        at: UtcDateTime,
        /// Display hint: the card's colour bar (`RED`).
        color: Color,
        /// Display hint: the card's icon (`shopping_bag`).
        icon: String,
        /// The order.
        detail: Order,
    },
}

impl From<core::Activity> for Activity {
    fn from(a: core::Activity) -> Self {
        let color = a.color();
        let icon = a.icon().to_string();
        let (id, contact_id, at) = (a.id, a.contact_id, a.at);
        match a.detail {
            core::ActivityDetail::Campaign(detail) => Activity::Campaign {
                id,
                contact_id,
                at,
                color,
                icon,
                detail,
            },
            core::ActivityDetail::Event(e) => Activity::Event {
                id,
                contact_id,
                at,
                color,
                icon,
                detail: Event {
                    name: e.name,
                    key_value: e.key_value,
                    params: EventParams(serde_json::Value::Object(e.params).to_string()),
                    workflows: e.workflows,
                },
            },
            core::ActivityDetail::Order(o) => Activity::Order {
                id,
                contact_id,
                at,
                color,
                icon,
                detail: Order {
                    external_id: o.external_id,
                    amount: o.amount,
                    currency: o.currency,
                    status: o.status,
                    items: o.items.into_iter().map(Into::into).collect(),
                    shipping: o.shipping,
                    discount: o.discount,
                    taxes: o.taxes,
                    store_id: o.store_id,
                    source: o.source,
                    delivery_address: o.delivery_address,
                },
            },
        }
    }
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

/// Reads a period from its name (`7d`, `30d`, `90d`, `1y`, `all`). An unknown name is a
/// `Validation` error on field `period`.
#[uniffi::export]
pub fn period_from_name(name: String) -> crate::Result<Period> {
    crate::error::guard(|| Ok(name.parse::<Period>()?))
}

/// A query of a contact's timeline, newest first.
///
/// A binding record, not the core's: the core's `category` and `period` are enums with
/// defaults, which uniffi's proc-macros cannot give a Kotlin or Swift parameter, so they
/// are optional here and `null` takes the core's default.
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
    pub since: Option<UtcDateTime>,
    /// Explicit end (exclusive).
    #[uniffi(default)]
    pub until: Option<UtcDateTime>,
    /// Page size; 50 when null, 1 to 1000.
    #[uniffi(default)]
    pub limit: Option<i32>,
    /// Where the previous page ended (its `nextCursor`).
    #[uniffi(default)]
    pub cursor: Option<String>,
}

impl ActivityQuery {
    pub(crate) fn into_core(self) -> Result<core::ActivityQuery> {
        let query = self;
        Ok(core::ActivityQuery {
            category: query.category.unwrap_or_default(),
            period: query.period.unwrap_or_default(),
            since: query.since,
            until: query.until,
            limit: crate::contact::page_size(query.limit)?,
            cursor: query.cursor,
        })
    }
}

/// One page of a timeline: the core's `Page` of this binding's [`Activity`] under the
/// name Kotlin and Swift see (uniffi carries no generic records).
pub type ActivityPage = core::Page<Activity>;

/// One page of a timeline and where the next one starts.
#[uniffi::remote(Record)]
pub struct ActivityPage {
    /// The items of this page, newest first.
    pub items: Vec<Activity>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The core's page of activities as this binding's.
pub(crate) fn activity_page(page: core::Page<core::Activity>) -> ActivityPage {
    core::Page {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: core::Error) -> String {
        error.field().unwrap_or_default().to_string()
    }

    #[test]
    fn decimals_that_do_not_parse_name_their_field() {
        let order = OrderInput {
            external_id: "o".into(),
            amount: DecimalText("1".into()),
            currency: "UAH".into(),
            status: None,
            items: vec![OrderItem {
                product_id: "p".into(),
                quantity: DecimalText("1".into()),
                price: DecimalText("1,5".into()),
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
            params: Some(EventParams(params.into())),
            workflows: vec![],
            at: None,
        };
        assert_eq!(field_of(event("[1]").into_core().unwrap_err()), "params");
        let params = event(r#"{"a": 1}"#).into_core().unwrap().params;
        assert_eq!(params["a"], serde_json::json!(1));
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
}
