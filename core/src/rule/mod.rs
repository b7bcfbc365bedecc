//! Rules: questions asked of the book ("contacts in Ukraine on the gold tier who can
//! receive email"), answered by `list`, `count` and dynamic segments. The language is
//! in `shared/DOMAIN.md`, section "Rules: queries and dynamic segments".
//!
//! A rule goes through three forms, each in its own module:
//! - [`Rule`] ([`parse`]): the JSON-shaped value every binding passes, checked for
//!   shape (known keys, ops, attributes, kinds, periods) with the path of every
//!   mistake (`rule.all[1].op`). It serialises back to the same JSON, which is how a
//!   dynamic segment keeps its rule.
//! - [`Check`] ([`check`]): a rule checked against one book: fields typed by their
//!   definitions, values parsed and folded, segments and categories known, dynamic
//!   segments inlined (and a segment that reaches itself refused).
//! - the answer: [`Check::matches`] ([`eval`]) over one contact's [`Facts`], the
//!   definition every store must agree with; and [`sql`], its translation for the
//!   SQL stores, which answer in the database.

mod check;
mod eval;
mod parse;
pub mod sql;

pub use check::{Catalog, Check};
pub use eval::Facts;

use crate::model::{ActivityKind, Channel, ChannelStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// How text is compared case-insensitively, in every store: Unicode lowercase (the
/// SQLite store registers it as the SQL function `ck_fold`).
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// Largest rule, as compact JSON.
pub const MAX_RULE_BYTES: usize = 64 * 1024;

/// Most conditions (leaves) in one rule, dynamic segments it names included: bounds
/// the SQL a rule becomes.
pub const MAX_CONDITIONS: usize = 256;

/// Most values in one `in` list.
pub const MAX_IN_VALUES: usize = 1_000;

/// A question about a contact, as JSON-shaped data: exactly one of the forms below.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `{"all": [r, …]}`: every rule holds (true when empty).
    All(Vec<Rule>),
    /// `{"any": [r, …]}`: some rule holds (false when empty).
    Any(Vec<Rule>),
    /// `{"not": r}`.
    Not(Box<Rule>),
    /// `{"attr": A, "op": OP, "value": V}`: a profile attribute compares.
    Attr(Comparison<Attribute>),
    /// `{"field": KEY, "op": OP, "value": V}`: an additional field compares, typed by
    /// its definition.
    Field(Comparison<String>),
    /// `{"status": "email" | "sms", "is": S}`: the status the profile shows.
    Status {
        /// `Email` or `Sms`.
        channel: Channel,
        /// The status asked for.
        is: ChannelStatus,
    },
    /// `{"can_send": CHANNEL, "category": KEY}`: `can_send` would allow.
    CanSend {
        /// The channel.
        channel: Channel,
        /// A subscription category the message belongs to.
        category: Option<String>,
    },
    /// `{"in_segment": ID}`: a member of the segment, of any kind.
    InSegment(String),
    /// `{"in_category": KEY}`: subscribed to the category.
    InCategory(String),
    /// `{"has": "mobile_push" | "web_push" | "telegram", "app_id": APP}`: holds an
    /// active device with a token, a subscription or a chat.
    Has {
        /// `MobilePush`, `WebPush` or `Telegram`.
        channel: Channel,
        /// Only devices of this app (mobile push only).
        app_id: Option<String>,
    },
    /// `{"activity": KIND, "within": P, "where": W, "count": C}`: how many of the
    /// contact's timeline items of a kind match.
    Activity(ActivityRule),
}

/// An attribute or field, an op and the value it compares with.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison<S> {
    /// What is compared.
    pub subject: S,
    /// How.
    pub op: Op,
    /// With what, as given (`None` for `exists` and `missing`).
    pub value: Option<Value>,
}

/// Comparison ops. Text compares case-insensitively for `eq`, `ne`, `in`,
/// `contains` and `starts_with`; a contact without the value is false for every op
/// but `missing` and `ne`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal, or no value.
    Ne,
    /// Equal to one of a list.
    In,
    /// Less than.
    Lt,
    /// At most.
    Lte,
    /// Greater than.
    Gt,
    /// At least.
    Gte,
    /// Holds the text (or, for a multilist, the option).
    Contains,
    /// Begins with the text.
    StartsWith,
    /// Has a value.
    Exists,
    /// Has no value.
    Missing,
}

impl Op {
    /// Every op, for messages.
    pub const ALL: [Op; 11] = [
        Op::Eq,
        Op::Ne,
        Op::In,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
        Op::Contains,
        Op::StartsWith,
        Op::Exists,
        Op::Missing,
    ];

    /// The name used in rules.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::In => "in",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Contains => "contains",
            Op::StartsWith => "starts_with",
            Op::Exists => "exists",
            Op::Missing => "missing",
        }
    }

    /// Whether the op takes no value.
    pub fn is_presence(self) -> bool {
        matches!(self, Op::Exists | Op::Missing)
    }
}

/// Profile attributes a rule can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// Email address.
    Email,
    /// Phone number (E.164).
    Phone,
    /// External id.
    ExternalId,
    /// Contact key.
    ContactKey,
    /// Address country (ISO 3166-1 alpha-2).
    Country,
    /// Address region.
    Region,
    /// Address town.
    Town,
    /// Address postcode.
    Postcode,
    /// IANA time zone.
    Timezone,
    /// Language tag.
    Language,
    /// Where the contact came from (`api`, `import`, …).
    Source,
    /// When the contact was created.
    CreatedAt,
    /// When the contact last changed.
    UpdatedAt,
}

impl Attribute {
    /// Every attribute, for messages and tests.
    pub const ALL: [Attribute; 15] = [
        Attribute::FirstName,
        Attribute::LastName,
        Attribute::Email,
        Attribute::Phone,
        Attribute::ExternalId,
        Attribute::ContactKey,
        Attribute::Country,
        Attribute::Region,
        Attribute::Town,
        Attribute::Postcode,
        Attribute::Timezone,
        Attribute::Language,
        Attribute::Source,
        Attribute::CreatedAt,
        Attribute::UpdatedAt,
    ];

    /// The name used in rules.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::FirstName => "first_name",
            Attribute::LastName => "last_name",
            Attribute::Email => "email",
            Attribute::Phone => "phone",
            Attribute::ExternalId => "external_id",
            Attribute::ContactKey => "contact_key",
            Attribute::Country => "country",
            Attribute::Region => "region",
            Attribute::Town => "town",
            Attribute::Postcode => "postcode",
            Attribute::Timezone => "timezone",
            Attribute::Language => "language",
            Attribute::Source => "source",
            Attribute::CreatedAt => "created_at",
            Attribute::UpdatedAt => "updated_at",
        }
    }
}

/// `{"activity": …}`: the contact's items of `kind` in `within`, matching every
/// condition of `conditions`, number `count`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRule {
    /// Campaigns, events or orders.
    pub kind: ActivityKind,
    /// Which items count, by time.
    pub within: Window,
    /// `where`: the item's keys and what they must be, in the order given.
    pub conditions: Vec<(String, Value)>,
    /// How many items must match.
    pub count: CountTest,
}

/// The time an activity rule looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    /// A period counting back from the book's clock at the moment of the read
    /// (`7d`, `30d`, `90d`, `1y`, `all`).
    Last(crate::model::Period),
    /// `{"since": T, "until": T}`: at or after `since`, before `until`.
    Between {
        /// Items at or after this instant.
        since: Option<DateTime<Utc>>,
        /// Items before this instant.
        until: Option<DateTime<Utc>>,
    },
}

/// A count compared with a whole number: `{"gte": 1}`, `{"eq": 0}`, …
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountTest {
    /// `Eq`, `Gte`, `Lte`, `Gt` or `Lt`.
    pub op: Op,
    /// The number.
    pub value: u64,
}

impl CountTest {
    /// At least one (the default).
    pub const SOME: CountTest = CountTest {
        op: Op::Gte,
        value: 1,
    };

    /// Whether `count` passes.
    pub fn passes(self, count: u64) -> bool {
        match self.op {
            Op::Eq => count == self.value,
            Op::Gte => count >= self.value,
            Op::Lte => count <= self.value,
            Op::Gt => count > self.value,
            Op::Lt => count < self.value,
            _ => false,
        }
    }
}

impl Rule {
    /// Reads a rule from its JSON-shaped value; a mistake is [`crate::Error::Validation`]
    /// whose field is its path inside the rule (`rule.all[1].op`).
    pub fn from_value(value: &Value) -> crate::Result<Rule> {
        parse::parse(value)
    }

    /// Reads a rule from JSON text (Kotlin, Swift and the CLI pass rules so).
    pub fn from_json(text: &str) -> crate::Result<Rule> {
        if text.len() > MAX_RULE_BYTES {
            return Err(crate::Error::validation(
                "rule",
                format!("{} bytes", text.len()),
                format!("longer than {MAX_RULE_BYTES} bytes"),
            ));
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| crate::Error::validation("rule", text, format!("not JSON: {e}")))?;
        parse::parse(&value)
    }

    /// The rule as its JSON-shaped value (what [`Rule::from_value`] reads back).
    pub fn to_value(&self) -> Value {
        parse::unparse(self)
    }

    /// The rule as compact JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Rule::from_value(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Rule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rule".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A rule (shared/DOMAIN.md, \"Rules: queries and dynamic segments\").",
            "type": "object"
        })
    }
}

/// Something of the book a rule can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference<'a> {
    /// A segment, by canonical id.
    Segment(&'a str),
    /// A field, by key.
    Field(&'a str),
    /// A category, by key.
    Category(&'a str),
}

impl Rule {
    /// Whether the rule names `reference` (directly; the rules of the segments it
    /// names are theirs). Walks with an explicit stack.
    pub fn refers_to(&self, reference: Reference<'_>) -> bool {
        let mut pending = vec![self];
        while let Some(rule) = pending.pop() {
            let found = match rule {
                Rule::All(rules) | Rule::Any(rules) => {
                    pending.extend(rules);
                    false
                }
                Rule::Not(rule) => {
                    pending.push(rule);
                    false
                }
                Rule::Field(c) => reference == Reference::Field(&c.subject),
                Rule::InSegment(id) => {
                    reference == Reference::Segment(&crate::validate::canonical_id(id))
                }
                Rule::InCategory(key)
                | Rule::CanSend {
                    category: Some(key),
                    ..
                } => reference == Reference::Category(key),
                _ => false,
            };
            if found {
                return true;
            }
        }
        false
    }
}
