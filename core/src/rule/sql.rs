//! A checked rule as one SQL condition on the live contact row `c`, for the SQL
//! stores: the same tables and columns in SQLite and PostgreSQL, their few
//! differences behind [`Dialect`]. It must agree with [`Check::matches`] on every
//! book; the store model test compares them on random books and rules.
//!
//! Every condition is written so that it is never NULL (a NULL under `NOT` would drop
//! a contact [`Check::matches`] keeps): a column that may be NULL is tested with
//! `IS NOT NULL` first, and everything else is `EXISTS` or a count.
//!
//! How each rule is evaluated and which index serves it is in docs/rules.md.

use super::check::{ItemTest, Node, Scalar, Test};
use super::eval::bounds;
use super::{Attribute, Check, CountTest, Op};
use crate::model::{Channel, ChannelStatus, FieldType, SuppressionKind};
use chrono::{DateTime, Utc};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// Text.
    Text(String),
    /// A 64-bit integer.
    Int(i64),
}

/// What differs between the SQL stores.
pub trait Dialect {
    /// The placeholder of the `index`-th parameter (from 1), of text or integer type.
    fn placeholder(&self, index: usize, param: &Param) -> String;
    /// `expr` folded as [`super::fold`] folds.
    fn fold(&self, expr: &str) -> String;
    /// Text holding an integer, as an integer.
    fn integer(&self, expr: &str) -> String;
    /// -1, 0 or 1 as the decimal in text `a` is less than, equal to or greater than
    /// the decimal in text `b`.
    fn decimal_cmp(&self, a: &str, b: &str) -> String;
    /// The text of key `key` of the JSON object in text column `column`.
    fn json_text(&self, column: &str, key: &str) -> String;
    /// Whether the JSON array of text in `column` holds `text`.
    fn json_array_holds(&self, column: &str, text: &str) -> String;
    /// Whether `text` occurs in `expr`.
    fn contains(&self, expr: &str, text: &str) -> String;
    /// Whether `expr` begins with `text`.
    fn starts_with(&self, expr: &str, text: &str) -> String;
    /// A boolean column as a condition.
    fn truth(&self, column: &str) -> String;
}

/// A condition and the parameters its placeholders bind, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// SQL over the contact row `c`.
    pub sql: String,
    /// Parameter values, the first bound to placeholder 1.
    pub params: Vec<Param>,
}

/// The condition `check` puts on contact row `c`, with periods counted back from
/// `now`; placeholders start after `first_param - 1` others.
pub fn condition(
    check: &Check,
    now: DateTime<Utc>,
    dialect: &dyn Dialect,
    first_param: usize,
) -> Condition {
    let mut writer = Writer {
        dialect,
        params: Vec::new(),
        first_param,
        now,
    };
    let sql = writer.node(&check.node);
    Condition {
        sql,
        params: writer.params,
    }
}

struct Writer<'a> {
    dialect: &'a dyn Dialect,
    params: Vec<Param>,
    first_param: usize,
    now: DateTime<Utc>,
}

impl Writer<'_> {
    /// Binds `param` and returns its placeholder.
    fn bind(&mut self, param: Param) -> String {
        let placeholder = self
            .dialect
            .placeholder(self.first_param + self.params.len(), &param);
        self.params.push(param);
        placeholder
    }

    fn node(&mut self, node: &Node) -> String {
        let d = self.dialect;
        match node {
            Node::All(nodes) if nodes.is_empty() => "(1 = 1)".into(),
            Node::Any(nodes) if nodes.is_empty() => "(1 = 0)".into(),
            Node::All(nodes) => self.join(nodes, " AND "),
            Node::Any(nodes) => self.join(nodes, " OR "),
            Node::Not(node) => format!("(NOT {})", self.node(node)),
            Node::Attr { attr, test } => {
                let (column, kind) = attribute_column(*attr);
                self.test(column, kind, test)
            }
            Node::Field { key, kind, test } => self.field(key, *kind, test),
            Node::Status { channel, is } => {
                let (address, confirmed) = addressed(*channel);
                let confirmed = d.truth(confirmed);
                let held = |kinds: &[SuppressionKind]| active(*channel, address, kinds);
                use SuppressionKind::*;
                let body = match is {
                    ChannelStatus::Blacklisted => held(&[Blacklisted]),
                    ChannelStatus::SpamComplaint => {
                        format!(
                            "{} AND NOT {}",
                            held(&[SpamComplaint]),
                            held(&[Blacklisted])
                        )
                    }
                    ChannelStatus::Unsubscribed => format!(
                        "{} AND NOT {}",
                        held(&[Unsubscribed]),
                        held(&[SpamComplaint, Blacklisted])
                    ),
                    ChannelStatus::Unconfirmed => {
                        format!("NOT {} AND NOT {confirmed}", held(&ALL_KINDS))
                    }
                    ChannelStatus::Active => format!("NOT {} AND {confirmed}", held(&ALL_KINDS)),
                };
                format!("({address} IS NOT NULL AND {body})")
            }
            Node::CanSend { channel, category } => {
                let mut parts = vec![self.has(*channel, None)];
                let address = match channel {
                    Channel::Email | Channel::Sms => addressed(*channel).0,
                    _ => "c.id",
                };
                parts.push(format!("NOT {}", active(*channel, address, &ALL_KINDS)));
                if matches!(channel, Channel::Email | Channel::Sms) {
                    parts.push(d.truth(addressed(*channel).1));
                }
                if let Some(key) = category {
                    parts.push(self.in_category(key));
                }
                format!("({})", parts.join(" AND "))
            }
            Node::InStatic(id) => {
                let id = self.bind(Param::Text(id.clone()));
                format!("EXISTS (SELECT 1 FROM segment_members m WHERE m.segment_id = {id} AND m.contact_id = c.id)")
            }
            Node::InCategory(key) => self.in_category(key),
            Node::Has { channel, app_id } => self.has(*channel, app_id.as_deref()),
            Node::Activity {
                kind,
                within,
                conditions,
                count,
            } => {
                let mut filter = vec![
                    "a.contact_id = c.id".to_string(),
                    format!("a.kind = '{}'", kind.as_str()),
                ];
                let (since, until) = bounds(*within, self.now);
                if let Some(since) = since {
                    let p = self.bind(Param::Int(since.timestamp_millis()));
                    filter.push(format!("a.at >= {p}"));
                }
                if let Some(until) = until {
                    let p = self.bind(Param::Int(until.timestamp_millis()));
                    filter.push(format!("a.at < {p}"));
                }
                for condition in conditions {
                    let sql = self.item(condition);
                    filter.push(sql);
                }
                let filter = filter.join(" AND ");
                match *count {
                    CountTest {
                        op: Op::Gte,
                        value: 1,
                    }
                    | CountTest {
                        op: Op::Gt,
                        value: 0,
                    } => {
                        format!("EXISTS (SELECT 1 FROM activities a WHERE {filter})")
                    }
                    CountTest {
                        op: Op::Eq,
                        value: 0,
                    }
                    | CountTest {
                        op: Op::Lt,
                        value: 1,
                    } => {
                        format!("NOT EXISTS (SELECT 1 FROM activities a WHERE {filter})")
                    }
                    CountTest { op, value } => {
                        let n = self.bind(Param::Int(i64::try_from(value).unwrap_or(i64::MAX)));
                        format!(
                            "((SELECT count(*) FROM activities a WHERE {filter}) {} {n})",
                            sql_op(op)
                        )
                    }
                }
            }
        }
    }

    fn join(&mut self, nodes: &[Node], with: &str) -> String {
        let parts: Vec<String> = nodes.iter().map(|n| self.node(n)).collect();
        format!("({})", parts.join(with))
    }

    fn in_category(&mut self, key: &str) -> String {
        let key = self.bind(Param::Text(key.to_string()));
        format!("EXISTS (SELECT 1 FROM contact_categories k WHERE k.contact_id = c.id AND k.category_key = {key})")
    }

    /// Whether the contact has something to send `channel` messages to ([`crate::consent::has_address`]).
    fn has(&mut self, channel: Channel, app_id: Option<&str>) -> String {
        let d = self.dialect;
        match channel {
            Channel::Email => "(c.email IS NOT NULL)".into(),
            Channel::Sms => "(c.phone IS NOT NULL)".into(),
            Channel::MobilePush => {
                let app = match app_id {
                    Some(app) => format!(
                        " AND v.app_id = {}",
                        self.bind(Param::Text(app.to_string()))
                    ),
                    None => String::new(),
                };
                format!(
                    "EXISTS (SELECT 1 FROM devices v WHERE v.contact_id = c.id AND {} AND v.token IS NOT NULL{app})",
                    d.truth("v.active")
                )
            }
            Channel::WebPush => {
                "EXISTS (SELECT 1 FROM web_push w WHERE w.contact_id = c.id)".into()
            }
            Channel::Telegram => {
                "(c.telegram_bot_id IS NOT NULL AND c.telegram_chat_id IS NOT NULL)".into()
            }
        }
    }

    /// `test` on a value in `column` (NULL when absent) kept as `kind`.
    fn test(&mut self, column: &str, kind: Kept, test: &Test) -> String {
        let value = self.value_expr(column, kind);
        match test {
            Test::Exists => format!("({column} IS NOT NULL)"),
            Test::Missing => format!("({column} IS NULL)"),
            Test::Compare(Op::Ne, scalar) => {
                let eq = self.compare(&value, kind, Op::Eq, scalar);
                format!("({column} IS NULL OR NOT {eq})")
            }
            Test::Compare(op, scalar) => {
                let compared = self.compare(&value, kind, *op, scalar);
                format!("({column} IS NOT NULL AND {compared})")
            }
            Test::In(scalars) if scalars.is_empty() => "(1 = 0)".into(),
            Test::In(scalars) => {
                let any: Vec<String> = scalars
                    .iter()
                    .map(|s| self.compare(&value, kind, Op::Eq, s))
                    .collect();
                format!("({column} IS NOT NULL AND ({}))", any.join(" OR "))
            }
            Test::Contains(text) => {
                let p = self.bind(Param::Text(text.clone()));
                format!(
                    "({column} IS NOT NULL AND {})",
                    self.dialect.contains(&value, &p)
                )
            }
            Test::StartsWith(text) => {
                let p = self.bind(Param::Text(text.clone()));
                format!(
                    "({column} IS NOT NULL AND {})",
                    self.dialect.starts_with(&value, &p)
                )
            }
            Test::HasOption(option) => {
                let p = self.bind(Param::Text(option.clone()));
                format!(
                    "({column} IS NOT NULL AND {})",
                    self.dialect.json_array_holds(column, &p)
                )
            }
            Test::HasAnyOption(options) if options.is_empty() => "(1 = 0)".into(),
            Test::HasAnyOption(options) => {
                let any: Vec<String> = options
                    .iter()
                    .map(|o| {
                        let p = self.bind(Param::Text(o.clone()));
                        self.dialect.json_array_holds(column, &p)
                    })
                    .collect();
                format!("({column} IS NOT NULL AND ({}))", any.join(" OR "))
            }
        }
    }

    /// The value of `column` as it compares.
    fn value_expr(&self, column: &str, kind: Kept) -> String {
        match kind {
            Kept::Text => self.dialect.fold(column),
            Kept::IntegerText => self.dialect.integer(column),
            Kept::Integer | Kept::PlainText | Kept::DecimalText => column.to_string(),
        }
    }

    /// `value op scalar`, never NULL for a non-NULL value.
    fn compare(&mut self, value: &str, kind: Kept, op: Op, scalar: &Scalar) -> String {
        let op_sql = sql_op(op);
        let param = match scalar {
            Scalar::Text(text) => Param::Text(text.clone()),
            Scalar::Int(n) | Scalar::Millis(n) => Param::Int(*n),
            Scalar::Decimal(d) => Param::Text(d.to_string()),
            Scalar::Date(d) => Param::Text(d.to_string()),
            Scalar::Bool(b) => Param::Text(b.to_string()),
        };
        let p = self.bind(param);
        match kind {
            Kept::DecimalText => format!("{} {op_sql} 0", self.dialect.decimal_cmp(value, &p)),
            _ => format!("{value} {op_sql} {p}"),
        }
    }

    /// An additional field's test: on its row in `field_values`, if any.
    fn field(&mut self, key: &str, kind: FieldType, test: &Test) -> String {
        let key = self.bind(Param::Text(key.to_string()));
        let row =
            format!("SELECT 1 FROM field_values f WHERE f.contact_id = c.id AND f.key = {key}");
        let kept = match kind {
            FieldType::Text | FieldType::Textarea | FieldType::List => Kept::Text,
            FieldType::Number | FieldType::Datetime => Kept::IntegerText,
            FieldType::Decimal => Kept::DecimalText,
            FieldType::Date | FieldType::Boolean | FieldType::Multilist => Kept::PlainText,
        };
        match test {
            Test::Exists => format!("EXISTS ({row})"),
            Test::Missing => format!("NOT EXISTS ({row})"),
            Test::Compare(Op::Ne, scalar) => {
                let eq = self.test("f.value", kept, &Test::Compare(Op::Eq, scalar.clone()));
                format!("NOT EXISTS ({row} AND {eq})")
            }
            test => {
                let matched = self.test("f.value", kept, test);
                format!("EXISTS ({row} AND {matched})")
            }
        }
    }

    fn item(&mut self, test: &ItemTest) -> String {
        let d = self.dialect;
        let json = |key: &str| d.json_text("a.detail", key);
        match test {
            ItemTest::CampaignChannel(channel) => {
                let p = self.bind(Param::Text(channel.as_str().into()));
                format!("{} = {p}", json("channel"))
            }
            ItemTest::CampaignStatus(status) => {
                let p = self.bind(Param::Text(status.as_str().into()));
                format!("{} = {p}", json("status"))
            }
            ItemTest::MessageId(id) => {
                let p = self.bind(Param::Text(id.clone()));
                format!("{} = {p}", d.fold("a.message_id"))
            }
            ItemTest::EventName(name) => {
                let p = self.bind(Param::Text(name.clone()));
                format!("{} = {p}", d.fold(&json("name")))
            }
            ItemTest::KeyValue(value) => {
                let p = self.bind(Param::Text(value.clone()));
                format!("{} = {p}", d.fold(&json("key_value")))
            }
            ItemTest::OrderStatus(status) => {
                let p = self.bind(Param::Text(status.as_str().into()));
                format!("{} = {p}", json("status"))
            }
            ItemTest::Currency(currency) => {
                let p = self.bind(Param::Text(currency.clone()));
                format!("{} = {p}", json("currency"))
            }
            ItemTest::Amount(op, amount) => {
                let p = self.bind(Param::Text(amount.to_string()));
                format!("{} {} 0", d.decimal_cmp(&json("amount"), &p), sql_op(*op))
            }
        }
    }
}

const ALL_KINDS: [SuppressionKind; 3] = [
    SuppressionKind::Unsubscribed,
    SuppressionKind::SpamComplaint,
    SuppressionKind::Blacklisted,
];

/// Whether a suppression of one of `kinds` is in force on `channel` at `address`
/// (an SQL expression, never NULL). Names are the model's own, safe as literals.
fn active(channel: Channel, address: &str, kinds: &[SuppressionKind]) -> String {
    let kinds: Vec<String> = kinds.iter().map(|k| format!("'{}'", k.as_str())).collect();
    format!(
        "EXISTS (SELECT 1 FROM suppressions s WHERE s.address = {address} AND s.channel = '{}' \
         AND s.kind IN ({}) AND s.lifted_at IS NULL)",
        channel.as_str(),
        kinds.join(", ")
    )
}

/// The address and confirmation columns of the email (`Email`) or phone (`Sms`).
fn addressed(channel: Channel) -> (&'static str, &'static str) {
    match channel {
        Channel::Email => ("c.email", "c.email_confirmed"),
        _ => ("c.phone", "c.phone_confirmed"),
    }
}

/// How a compared value is kept in its column.
#[derive(Clone, Copy)]
enum Kept {
    /// Text compared folded.
    Text,
    /// Text compared as it is (dates as `YYYY-MM-DD`, booleans, names).
    PlainText,
    /// An integer column.
    Integer,
    /// Text holding an integer.
    IntegerText,
    /// Text holding a decimal.
    DecimalText,
}

fn attribute_column(attr: Attribute) -> (&'static str, Kept) {
    match attr {
        Attribute::FirstName => ("c.first_name", Kept::Text),
        Attribute::LastName => ("c.last_name", Kept::Text),
        Attribute::Email => ("c.email", Kept::Text),
        Attribute::Phone => ("c.phone", Kept::Text),
        Attribute::ExternalId => ("c.external_id", Kept::Text),
        Attribute::ContactKey => ("c.contact_key", Kept::Text),
        Attribute::Country => ("c.address_country", Kept::Text),
        Attribute::Region => ("c.address_region", Kept::Text),
        Attribute::Town => ("c.address_town", Kept::Text),
        Attribute::Postcode => ("c.address_postcode", Kept::Text),
        Attribute::Timezone => ("c.timezone", Kept::Text),
        Attribute::Language => ("c.language", Kept::Text),
        Attribute::Source => ("c.source", Kept::PlainText),
        Attribute::CreatedAt => ("c.created_at", Kept::Integer),
        Attribute::UpdatedAt => ("c.updated_at", Kept::Integer),
    }
}

fn sql_op(op: Op) -> &'static str {
    match op {
        Op::Eq => "=",
        Op::Ne => "<>",
        Op::Lt => "<",
        Op::Lte => "<=",
        Op::Gt => ">",
        Op::Gte => ">=",
        // Only comparison ops reach SQL as operators.
        _ => "=",
    }
}
