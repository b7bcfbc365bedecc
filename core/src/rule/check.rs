//! A [`Rule`] checked against one book ([`Catalog`]): every value typed and parsed as
//! the book stores it, text folded for case-insensitive comparison, segments resolved
//! by kind (a dynamic segment's rule inlined), categories and fields known. What
//! [`super::eval`] and [`super::sql`] answer from.

use super::{
    fold, ActivityRule, Attribute, Comparison, CountTest, Op, Rule, Window, MAX_CONDITIONS,
    MAX_IN_VALUES,
};
use crate::model::{
    ActivityKind, CampaignChannel, CampaignStatus, Category, Channel, ChannelStatus,
    FieldDefinition, FieldInput, FieldType, FieldValue, OrderStatus, Segment, Source,
};
use crate::validate::{self, normalize_currency, normalize_phone, parse_field_value};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

/// The book's catalogues a rule is checked against, as one unit of work read them.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Every field definition.
    pub fields: Vec<FieldDefinition>,
    /// Every segment, with its rule when dynamic.
    pub segments: Vec<Segment>,
    /// Every category.
    pub categories: Vec<Category>,
}

/// A rule checked against a book: what stores answer ([`Check::matches`], or SQL
/// from [`super::sql`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub(super) node: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Attr {
        attr: Attribute,
        test: Test,
    },
    Field {
        key: String,
        kind: FieldType,
        test: Test,
    },
    /// The shown status of the email (`Email`) or phone (`Sms`).
    Status {
        channel: Channel,
        is: ChannelStatus,
    },
    CanSend {
        channel: Channel,
        category: Option<String>,
    },
    /// A static segment's membership.
    InStatic(String),
    InCategory(String),
    Has {
        channel: Channel,
        app_id: Option<String>,
    },
    Activity {
        kind: ActivityKind,
        within: Window,
        conditions: Vec<ItemTest>,
        count: CountTest,
    },
}

/// A comparison of one value, typed.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Test {
    Exists,
    Missing,
    /// `eq`, `ne`, `lt`, `lte`, `gt` or `gte`.
    Compare(Op, Scalar),
    In(Vec<Scalar>),
    /// Folded text inside the folded value.
    Contains(String),
    /// Folded text the folded value begins with.
    StartsWith(String),
    /// A multilist holds the option.
    HasOption(String),
    /// A multilist holds one of the options.
    HasAnyOption(Vec<String>),
}

/// A value as the book keeps it; text folded ([`fold`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
    Text(String),
    Int(i64),
    Decimal(Decimal),
    Date(NaiveDate),
    /// An instant, in milliseconds since the epoch (what the book keeps).
    Millis(i64),
    Bool(bool),
}

/// A condition on one timeline item.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ItemTest {
    CampaignChannel(CampaignChannel),
    CampaignStatus(CampaignStatus),
    /// Folded.
    MessageId(String),
    /// Folded.
    EventName(String),
    /// Folded.
    KeyValue(String),
    OrderStatus(OrderStatus),
    /// ISO 4217, as the book keeps it.
    Currency(String),
    Amount(Op, Decimal),
}

impl Check {
    /// Checks `rule` against `catalog`.
    pub fn new(rule: &Rule, catalog: &Catalog) -> Result<Check> {
        Check::defining(rule, catalog, None)
    }

    /// Checks `rule` as the rule of the dynamic segment `segment_id` (being created
    /// or changed): a rule that reaches that segment again is a cycle.
    pub fn defining(rule: &Rule, catalog: &Catalog, segment_id: Option<&str>) -> Result<Check> {
        let mut checker = Checker {
            catalog,
            expanding: segment_id.map(str::to_string).into_iter().collect(),
            conditions: 0,
        };
        let node = checker.node("rule", rule)?;
        Ok(Check { node })
    }

    /// Whether answering needs the contact's timeline.
    pub fn reads_activity(&self) -> bool {
        self.node.any(&|node| matches!(node, Node::Activity { .. }))
    }
}

impl Node {
    /// Whether `test` holds for this node or one below it.
    pub(super) fn any(&self, test: &dyn Fn(&Node) -> bool) -> bool {
        test(self)
            || match self {
                Node::All(nodes) | Node::Any(nodes) => nodes.iter().any(|n| n.any(test)),
                Node::Not(node) => node.any(test),
                _ => false,
            }
    }
}

struct Checker<'a> {
    catalog: &'a Catalog,
    /// Dynamic segments whose rules are being inlined, outermost first.
    expanding: Vec<String>,
    /// Conditions so far, inlined segments' included.
    conditions: usize,
}

impl Checker<'_> {
    fn node(&mut self, path: &str, rule: &Rule) -> Result<Node> {
        if !matches!(rule, Rule::All(_) | Rule::Any(_) | Rule::Not(_)) {
            self.conditions += 1;
            if self.conditions > MAX_CONDITIONS {
                return Err(Error::validation(
                    path,
                    "…",
                    format!("a rule holds at most {MAX_CONDITIONS} conditions, those of the dynamic segments it names included"),
                ));
            }
        }
        let at = |key: &str| format!("{path}.{key}");
        Ok(match rule {
            Rule::All(rules) => Node::All(self.nodes(&at("all"), rules)?),
            Rule::Any(rules) => Node::Any(self.nodes(&at("any"), rules)?),
            Rule::Not(rule) => Node::Not(Box::new(self.node(&at("not"), rule)?)),
            Rule::Attr(comparison) => attr(path, comparison)?,
            Rule::Field(comparison) => self.field(path, comparison)?,
            Rule::Status { channel, is } => Node::Status {
                channel: *channel,
                is: *is,
            },
            Rule::CanSend { channel, category } => Node::CanSend {
                channel: *channel,
                category: category
                    .as_deref()
                    .map(|key| self.category(&at("category"), key))
                    .transpose()?,
            },
            Rule::InSegment(id) => self.segment(&at("in_segment"), id)?,
            Rule::InCategory(key) => Node::InCategory(self.category(&at("in_category"), key)?),
            Rule::Has { channel, app_id } => Node::Has {
                channel: *channel,
                app_id: app_id.clone(),
            },
            Rule::Activity(activity) => self.activity(path, activity)?,
        })
    }

    fn nodes(&mut self, path: &str, rules: &[Rule]) -> Result<Vec<Node>> {
        rules
            .iter()
            .enumerate()
            .map(|(i, rule)| self.node(&format!("{path}[{i}]"), rule))
            .collect()
    }

    fn category(&self, path: &str, key: &str) -> Result<String> {
        self.catalog
            .categories
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.key.clone())
            .ok_or_else(|| Error::validation(path, key, "no category has this key"))
    }

    fn segment(&mut self, path: &str, id: &str) -> Result<Node> {
        let canonical = validate::canonical_id(id);
        let segment = self
            .catalog
            .segments
            .iter()
            .find(|s| s.id == canonical)
            .ok_or_else(|| Error::validation(path, id, "no segment has this id"))?;
        if let Some(key) = &segment.category_key {
            return Ok(Node::InCategory(key.clone()));
        }
        let Some(rule) = &segment.rule else {
            return Ok(Node::InStatic(segment.id.clone()));
        };
        if self.expanding.contains(&segment.id) {
            let chain: Vec<&str> = self.expanding.iter().map(String::as_str).collect();
            return Err(Error::validation(
                path,
                id,
                format!(
                    "a segment may not refer to itself: {} → {}",
                    chain.join(" → "),
                    segment.id
                ),
            ));
        }
        self.expanding.push(segment.id.clone());
        let node = self.node(path, rule).map_err(|e| match e {
            Error::Validation {
                field,
                value,
                reason,
            } if field != path => Error::Validation {
                field: path.to_string(),
                value,
                reason: format!(
                    "in the rule of segment {:?}, {field}: {reason}",
                    segment.name
                ),
            },
            other => other,
        });
        self.expanding.pop();
        node
    }

    fn field(&self, path: &str, c: &Comparison<String>) -> Result<Node> {
        let definition = self
            .catalog
            .fields
            .iter()
            .find(|d| d.key == c.subject)
            .ok_or_else(|| {
                Error::validation(format!("{path}.field"), &c.subject, "no field has this key")
            })?;
        // Rules compare beyond a field's range and are never required.
        let relaxed = FieldDefinition {
            min: None,
            max: None,
            required: false,
            ..definition.clone()
        };
        let kind = definition.field_type;
        let value_path = format!("{path}.value");
        let typed = |path: &str, value: &Value| -> Result<Scalar> {
            let value = &option_named(&relaxed, value);
            let input: FieldInput = serde_json::from_value(value.clone()).map_err(|_| {
                Error::validation(
                    path,
                    value.to_string(),
                    format!("expected a {} value", kind.as_str()),
                )
            })?;
            let parsed = parse_field_value(&relaxed, &input).map_err(|e| at_path(path, e))?;
            Ok(match parsed {
                FieldValue::Text(s) | FieldValue::Textarea(s) | FieldValue::List(s) => {
                    Scalar::Text(fold(&s))
                }
                FieldValue::Number(n) => Scalar::Int(n),
                FieldValue::Decimal(d) => Scalar::Decimal(d),
                FieldValue::Date(d) => Scalar::Date(d),
                FieldValue::Datetime(t) => Scalar::Millis(t.timestamp_millis()),
                FieldValue::Boolean(b) => Scalar::Bool(b),
                // Multilists are read option by option (below).
                FieldValue::Multilist(_) => {
                    return Err(Error::validation(
                        path,
                        value.to_string(),
                        "a multilist is compared with contains or in",
                    ))
                }
            })
        };
        let test = if kind == FieldType::Multilist {
            // One option of the field, read as a list field with the same options.
            let option = |path: &str, value: &Value| -> Result<String> {
                let as_list = FieldDefinition {
                    field_type: FieldType::List,
                    ..relaxed.clone()
                };
                let value = &option_named(&relaxed, value);
                let input: FieldInput = serde_json::from_value(value.clone()).map_err(|_| {
                    Error::validation(
                        path,
                        value.to_string(),
                        "expected one of the field's options",
                    )
                })?;
                match parse_field_value(&as_list, &input).map_err(|e| at_path(path, e))? {
                    FieldValue::List(option) => Ok(option),
                    _ => Err(Error::validation(
                        path,
                        value.to_string(),
                        "expected one of the field's options",
                    )),
                }
            };
            match c.op {
                Op::Exists => Test::Exists,
                Op::Missing => Test::Missing,
                Op::Contains => Test::HasOption(option(&value_path, value_of(path, c)?)?),
                Op::In => Test::HasAnyOption(
                    list_of(path, c)?
                        .iter()
                        .enumerate()
                        .map(|(i, v)| option(&format!("{value_path}[{i}]"), v))
                        .collect::<Result<_>>()?,
                ),
                op => {
                    return Err(op_refused(
                        path,
                        op,
                        "a multilist takes contains, in, exists and missing",
                    ))
                }
            }
        } else {
            let class = match kind {
                FieldType::Text | FieldType::Textarea | FieldType::List => Class::Text,
                FieldType::Boolean => Class::Boolean,
                _ => Class::Ordered,
            };
            test(path, c, class, &typed)?
        };
        Ok(Node::Field {
            key: definition.key.clone(),
            kind,
            test,
        })
    }

    fn activity(&mut self, path: &str, a: &ActivityRule) -> Result<Node> {
        let mut conditions = Vec::with_capacity(a.conditions.len());
        for (key, value) in &a.conditions {
            let path = format!("{path}.where.{key}");
            let text = || -> Result<String> {
                match value {
                    Value::String(s) => {
                        validate::refuse_nul(&path, s)?;
                        Ok(s.clone())
                    }
                    other => Err(Error::validation(&path, other.to_string(), "expected text")),
                }
            };
            // A campaign channel or status, an order status: one of the model's names.
            fn name_of<T: serde::de::DeserializeOwned>(
                path: &str,
                value: &Value,
                names: &str,
            ) -> Result<T> {
                serde_json::from_value(value.clone()).map_err(|_| {
                    Error::validation(path, value_text(value), format!("not one of {names}"))
                })
            }
            let test = match (a.kind, key.as_str()) {
                (ActivityKind::Campaign, "channel") => ItemTest::CampaignChannel(name_of(
                    &path,
                    value,
                    "email, sms, viber, mobile_push, web_push, app_inbox, telegram",
                )?),
                (ActivityKind::Campaign, "status") => ItemTest::CampaignStatus(name_of(
                    &path,
                    value,
                    "sent, delivered, read, clicked, undelivered, unsubscribed, spam",
                )?),
                (ActivityKind::Campaign, "message_id") => ItemTest::MessageId(fold(&text()?)),
                (ActivityKind::Event, "name") => ItemTest::EventName(fold(&text()?)),
                (ActivityKind::Event, "key_value") => ItemTest::KeyValue(fold(&text()?)),
                (ActivityKind::Order, "status") => ItemTest::OrderStatus(name_of(
                    &path,
                    value,
                    "initialized, in_progress, delivered, cancelled, abandoned_shopping_cart",
                )?),
                (ActivityKind::Order, "currency") => {
                    ItemTest::Currency(normalize_currency(&text()?).map_err(|e| at_path(&path, e))?)
                }
                (ActivityKind::Order, "amount") => amount(&path, value)?,
                _ => return Err(Error::validation(&path, key, "not a key of this item")),
            };
            conditions.push(test);
        }
        Ok(Node::Activity {
            kind: a.kind,
            within: a.within,
            conditions,
            count: a.count,
        })
    }
}

/// Text compares case-insensitively, options too: `"GOLD"` names the option `gold`.
/// Anything else is left for the field's own parsing to judge.
fn option_named(definition: &FieldDefinition, value: &Value) -> Value {
    let named = value.as_str().and_then(|text| {
        let folded = fold(text.trim());
        definition
            .options
            .iter()
            .find(|option| fold(option) == folded)
    });
    match named {
        Some(option) => Value::String(option.clone()),
        None => value.clone(),
    }
}

/// `{"gte": "100"}`: an order amount compared with an exact decimal.
fn amount(path: &str, value: &Value) -> Result<ItemTest> {
    const OPS: [&str; 5] = ["eq", "gte", "lte", "gt", "lt"];
    let refused = || {
        Error::validation(
            path,
            value.to_string(),
            "an op object such as {\"gte\": \"100\"} (eq, gte, lte, gt or lt)",
        )
    };
    let (op, number) = match value {
        Value::Object(object) if object.len() == 1 => object.iter().next().ok_or_else(refused)?,
        _ => return Err(refused()),
    };
    if !OPS.contains(&op.as_str()) {
        return Err(refused());
    }
    let op: Op = serde_json::from_value(Value::String(op.clone())).map_err(|_| refused())?;
    let path = format!("{path}.{}", op.as_str());
    let decimal = match number {
        Value::String(s) => Decimal::from_str_exact(s.trim())
            .map_err(|_| Error::validation(&path, s, "not a decimal"))?,
        Value::Number(n) if n.is_i64() || n.is_u64() => Decimal::from_str_exact(&n.to_string())
            .map_err(|_| Error::validation(&path, n.to_string(), "not a decimal"))?,
        other => {
            return Err(Error::validation(
                &path,
                other.to_string(),
                "an exact decimal, as a string or an integer (a binary float is not exact)",
            ))
        }
    };
    Ok(ItemTest::Amount(op, decimal))
}

/// What ops a value type takes.
#[derive(Clone, Copy, PartialEq)]
enum Class {
    /// Text: eq, ne, in, contains, starts_with.
    Text,
    /// Numbers, decimals, dates and instants: eq, ne, in, lt, lte, gt, gte.
    Ordered,
    /// eq, ne, in.
    Boolean,
}

/// The test of a comparison whose values `typed` reads.
fn test(
    path: &str,
    c: &Comparison<impl Sized>,
    class: Class,
    typed: &dyn Fn(&str, &Value) -> Result<Scalar>,
) -> Result<Test> {
    let value_path = format!("{path}.value");
    Ok(match c.op {
        Op::Exists => Test::Exists,
        Op::Missing => Test::Missing,
        Op::Eq | Op::Ne => Test::Compare(c.op, typed(&value_path, value_of(path, c)?)?),
        Op::In => Test::In(
            list_of(path, c)?
                .iter()
                .enumerate()
                .map(|(i, v)| typed(&format!("{value_path}[{i}]"), v))
                .collect::<Result<_>>()?,
        ),
        Op::Lt | Op::Lte | Op::Gt | Op::Gte if class == Class::Ordered => {
            Test::Compare(c.op, typed(&value_path, value_of(path, c)?)?)
        }
        Op::Contains | Op::StartsWith if class == Class::Text => {
            let text = match value_of(path, c)? {
                Value::String(s) => {
                    validate::refuse_nul(&value_path, s)?;
                    fold(s)
                }
                other => return Err(Error::validation(&value_path, other.to_string(), "expected text")),
            };
            if c.op == Op::Contains {
                Test::Contains(text)
            } else {
                Test::StartsWith(text)
            }
        }
        op => {
            return Err(op_refused(
                path,
                op,
                match class {
                    Class::Text => "text takes eq, ne, in, contains, starts_with, exists and missing",
                    Class::Ordered => "numbers, decimals, dates and instants take eq, ne, in, lt, lte, gt, gte, exists and missing",
                    Class::Boolean => "a boolean takes eq, ne, in, exists and missing",
                },
            ))
        }
    })
}

fn attr(path: &str, c: &Comparison<Attribute>) -> Result<Node> {
    let class = match c.subject {
        Attribute::CreatedAt | Attribute::UpdatedAt => Class::Ordered,
        _ => Class::Text,
    };
    let subject = c.subject;
    let op = c.op;
    let typed = move |path: &str, value: &Value| -> Result<Scalar> {
        let text = match value {
            Value::String(text) => {
                validate::refuse_nul(path, text)?;
                text.as_str()
            }
            other => return Err(Error::validation(path, other.to_string(), "expected text")),
        };
        Ok(match subject {
            Attribute::CreatedAt | Attribute::UpdatedAt => {
                let at = DateTime::parse_from_rfc3339(text.trim())
                    .map_err(|_| Error::validation(path, text, "expected RFC 3339 with an offset"))?
                    .with_timezone(&Utc);
                Scalar::Millis(validate::limits::check_instant(path, at)?.timestamp_millis())
            }
            Attribute::Source => {
                let source: Source = serde_json::from_value(Value::String(text.to_string()))
                    .map_err(|_| {
                        Error::validation(
                            path,
                            text,
                            "not a source: api, import, subscription_form, order, sdk or manual",
                        )
                    })?;
                Scalar::Text(source.as_str().to_string())
            }
            // A phone number compared whole is compared as the book keeps it (E.164).
            Attribute::Phone if matches!(op, Op::Eq | Op::Ne | Op::In) => {
                Scalar::Text(normalize_phone(text, None).map_err(|e| at_path(path, e))?)
            }
            _ => Scalar::Text(fold(text)),
        })
    };
    Ok(Node::Attr {
        attr: c.subject,
        test: test(path, c, class, &typed)?,
    })
}

fn value_of<'a, S>(path: &str, c: &'a Comparison<S>) -> Result<&'a Value> {
    c.value
        .as_ref()
        .ok_or_else(|| Error::validation(format!("{path}.value"), "", "missing"))
}

fn list_of<'a, S>(path: &str, c: &'a Comparison<S>) -> Result<&'a Vec<Value>> {
    match value_of(path, c)? {
        Value::Array(values) if values.len() <= MAX_IN_VALUES => Ok(values),
        Value::Array(values) => Err(Error::validation(
            format!("{path}.value"),
            format!("{} values", values.len()),
            format!("in takes at most {MAX_IN_VALUES} values"),
        )),
        other => Err(Error::validation(
            format!("{path}.value"),
            other.to_string(),
            "in takes a list of values",
        )),
    }
}

fn op_refused(path: &str, op: Op, reason: &str) -> Error {
    Error::validation(format!("{path}.op"), op.as_str(), reason)
}

fn value_text(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

/// `error` (a validation error about some field) as one about `path`.
fn at_path(path: &str, error: Error) -> Error {
    match error {
        Error::Validation { value, reason, .. } => Error::Validation {
            field: path.to_string(),
            value,
            reason,
        },
        other => other,
    }
}
