//! A rule's shape: JSON-shaped value → [`Rule`] and back. Every mistake names its path
//! inside the rule. Typing values against the book is [`super::check`]'s job.

use super::{
    ActivityRule, Attribute, Comparison, CountTest, Op, Rule, Window, MAX_CONDITIONS,
    MAX_RULE_BYTES,
};
use crate::model::{ActivityKind, Channel, Period};
use crate::validate::limits;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// The keys that start each form of rule.
const FORMS: [&str; 11] = [
    "all",
    "any",
    "not",
    "attr",
    "field",
    "status",
    "can_send",
    "in_segment",
    "in_category",
    "has",
    "activity",
];

/// The keys an item of each activity kind can be matched on.
pub(super) fn where_keys(kind: ActivityKind) -> &'static [&'static str] {
    match kind {
        ActivityKind::Campaign => &["channel", "status", "message_id"],
        ActivityKind::Event => &["name", "key_value"],
        ActivityKind::Order => &["status", "currency", "amount"],
    }
}

/// Reads a whole rule: bounded in depth and size before anything recurses.
pub(super) fn parse(value: &Value) -> Result<Rule> {
    limits::check_nesting("rule", value)?;
    let bytes = limits::json_size(value);
    if bytes > MAX_RULE_BYTES {
        return Err(Error::validation(
            "rule",
            format!("{bytes} bytes"),
            format!("longer than {MAX_RULE_BYTES} bytes as JSON"),
        ));
    }
    let mut conditions = 0;
    let rule = Reader {
        conditions: &mut conditions,
    }
    .rule("rule", value)?;
    Ok(rule)
}

struct Reader<'a> {
    /// Leaves read so far, against [`MAX_CONDITIONS`].
    conditions: &'a mut usize,
}

impl Reader<'_> {
    fn rule(&mut self, path: &str, value: &Value) -> Result<Rule> {
        let Value::Object(object) = value else {
            return Err(Error::validation(
                path,
                value.to_string(),
                format!("a rule is an object with one of {}", FORMS.join(", ")),
            ));
        };
        let forms: Vec<&str> = FORMS
            .iter()
            .copied()
            .filter(|form| object.contains_key(*form))
            .collect();
        let form = match forms.as_slice() {
            [form] => *form,
            [] => {
                return Err(Error::validation(
                    path,
                    value.to_string(),
                    format!("a rule is an object with one of {}", FORMS.join(", ")),
                ))
            }
            [first, second, ..] => {
                return Err(Error::validation(
                    path,
                    value.to_string(),
                    format!("a rule has one form, not both {first:?} and {second:?}: combine rules with all or any"),
                ))
            }
        };
        let at = |key: &str| format!("{path}.{key}");
        match form {
            "all" | "any" => {
                only_keys(path, object, &[form])?;
                let Value::Array(items) = &object[form] else {
                    return Err(Error::validation(
                        at(form),
                        object[form].to_string(),
                        "a list of rules",
                    ));
                };
                let rules = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.rule(&format!("{path}.{form}[{i}]"), item))
                    .collect::<Result<Vec<_>>>()?;
                Ok(if form == "all" {
                    Rule::All(rules)
                } else {
                    Rule::Any(rules)
                })
            }
            "not" => {
                only_keys(path, object, &["not"])?;
                Ok(Rule::Not(Box::new(self.rule(&at("not"), &object["not"])?)))
            }
            "attr" => {
                self.leaf(path)?;
                only_keys(path, object, &["attr", "op", "value"])?;
                let subject: Attribute = named(
                    &at("attr"),
                    &object["attr"],
                    "an attribute",
                    &Attribute::ALL.map(Attribute::as_str),
                )?;
                let (op, value) = op_and_value(path, object)?;
                Ok(Rule::Attr(Comparison { subject, op, value }))
            }
            "field" => {
                self.leaf(path)?;
                only_keys(path, object, &["field", "op", "value"])?;
                let subject = text(&at("field"), &object["field"], "a field key")?;
                let (op, value) = op_and_value(path, object)?;
                Ok(Rule::Field(Comparison { subject, op, value }))
            }
            "status" => {
                self.leaf(path)?;
                only_keys(path, object, &["status", "is"])?;
                let channel = named(
                    &at("status"),
                    &object["status"],
                    "a channel",
                    &["email", "sms"],
                )?;
                let is = match object.get("is") {
                    Some(is) => named(
                        &at("is"),
                        is,
                        "a status",
                        &[
                            "active",
                            "unconfirmed",
                            "unsubscribed",
                            "spam_complaint",
                            "blacklisted",
                        ],
                    )?,
                    None => return Err(missing_key(path, "is")),
                };
                Ok(Rule::Status { channel, is })
            }
            "can_send" => {
                self.leaf(path)?;
                only_keys(path, object, &["can_send", "category"])?;
                let channel = named(
                    &at("can_send"),
                    &object["can_send"],
                    "a channel",
                    &["email", "sms", "mobile_push", "web_push", "telegram"],
                )?;
                let category =
                    optional_text(&at("category"), object.get("category"), "a category key")?;
                Ok(Rule::CanSend { channel, category })
            }
            "in_segment" => {
                self.leaf(path)?;
                only_keys(path, object, &["in_segment"])?;
                Ok(Rule::InSegment(text(
                    &at("in_segment"),
                    &object["in_segment"],
                    "a segment id",
                )?))
            }
            "in_category" => {
                self.leaf(path)?;
                only_keys(path, object, &["in_category"])?;
                Ok(Rule::InCategory(text(
                    &at("in_category"),
                    &object["in_category"],
                    "a category key",
                )?))
            }
            "has" => {
                self.leaf(path)?;
                only_keys(path, object, &["has", "app_id"])?;
                let channel: Channel = named(
                    &at("has"),
                    &object["has"],
                    "a channel",
                    &["mobile_push", "web_push", "telegram"],
                )?;
                let app_id = optional_text(&at("app_id"), object.get("app_id"), "an app id")?;
                if app_id.is_some() && channel != Channel::MobilePush {
                    return Err(Error::validation(
                        at("app_id"),
                        object["app_id"].to_string(),
                        "only mobile_push devices belong to an app",
                    ));
                }
                Ok(Rule::Has { channel, app_id })
            }
            _ => {
                self.leaf(path)?;
                self.activity(path, object)
            }
        }
    }

    /// Counts one condition against [`MAX_CONDITIONS`].
    fn leaf(&mut self, path: &str) -> Result<()> {
        *self.conditions += 1;
        if *self.conditions > MAX_CONDITIONS {
            return Err(Error::validation(
                path,
                "…",
                format!("a rule holds at most {MAX_CONDITIONS} conditions"),
            ));
        }
        Ok(())
    }

    fn activity(&mut self, path: &str, object: &Map<String, Value>) -> Result<Rule> {
        let at = |key: &str| format!("{path}.{key}");
        only_keys(path, object, &["activity", "within", "where", "count"])?;
        let kind: ActivityKind = named(
            &at("activity"),
            &object["activity"],
            "an activity kind",
            &["campaign", "event", "order"],
        )?;
        let within = match object.get("within") {
            None => Window::Last(Period::All),
            Some(within) => window(&at("within"), within)?,
        };
        let conditions = match object.get("where") {
            None => Vec::new(),
            Some(Value::Object(conditions)) => {
                let allowed = where_keys(kind);
                for key in conditions.keys() {
                    if !allowed.contains(&key.as_str()) {
                        return Err(Error::validation(
                            format!("{path}.where.{key}"),
                            key,
                            format!(
                                "not a key of a {} item: use {}",
                                kind.as_str(),
                                allowed.join(", ")
                            ),
                        ));
                    }
                }
                conditions
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            }
            Some(other) => {
                return Err(Error::validation(
                    at("where"),
                    other.to_string(),
                    "an object of item keys and values",
                ))
            }
        };
        let count = match object.get("count") {
            None => CountTest::SOME,
            Some(count) => count_test(&at("count"), count)?,
        };
        Ok(Rule::Activity(ActivityRule {
            kind,
            within,
            conditions,
            count,
        }))
    }
}

/// The op and the value of a comparison: no value for `exists` and `missing`, one for
/// every other op (a list for `in`).
fn op_and_value(path: &str, object: &Map<String, Value>) -> Result<(Op, Option<Value>)> {
    let op: Op = match object.get("op") {
        Some(op) => named(&format!("{path}.op"), op, "an op", &Op::ALL.map(Op::as_str))?,
        None => return Err(missing_key(path, "op")),
    };
    let value = object.get("value").cloned();
    match (op.is_presence(), value) {
        (true, Some(value)) => Err(Error::validation(
            format!("{path}.value"),
            value.to_string(),
            format!("{} takes no value", op.as_str()),
        )),
        (true, None) => Ok((op, None)),
        (false, None) => Err(missing_key(path, "value")),
        (false, Some(value)) => {
            if op == Op::In && !value.is_array() {
                return Err(Error::validation(
                    format!("{path}.value"),
                    value.to_string(),
                    "in takes a list of values",
                ));
            }
            Ok((op, Some(value)))
        }
    }
}

fn window(path: &str, value: &Value) -> Result<Window> {
    match value {
        Value::String(name) => name.parse::<Period>().map(Window::Last).map_err(|_| {
            Error::validation(
                path,
                name,
                "not a period: use 7d, 30d, 90d, 1y, all or {\"since\": …, \"until\": …}",
            )
        }),
        Value::Object(bounds) => {
            only_keys(path, bounds, &["since", "until"])?;
            let instant = |key: &str| -> Result<Option<DateTime<Utc>>> {
                let field = format!("{path}.{key}");
                match bounds.get(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(text)) => {
                        let at = DateTime::parse_from_rfc3339(text)
                            .map_err(|_| {
                                Error::validation(
                                    &field,
                                    text,
                                    "not an RFC 3339 instant with offset",
                                )
                            })?
                            .with_timezone(&Utc);
                        limits::check_instant(&field, at).map(Some)
                    }
                    Some(other) => Err(Error::validation(
                        &field,
                        other.to_string(),
                        "an RFC 3339 instant",
                    )),
                }
            };
            let (since, until) = (instant("since")?, instant("until")?);
            if let (Some(since), Some(until)) = (since, until) {
                if since > until {
                    return Err(Error::validation(
                        format!("{path}.since"),
                        since.to_rfc3339(),
                        "after until",
                    ));
                }
            }
            Ok(Window::Between { since, until })
        }
        other => Err(Error::validation(
            path,
            other.to_string(),
            "a period name or {\"since\": …, \"until\": …}",
        )),
    }
}

fn count_test(path: &str, value: &Value) -> Result<CountTest> {
    const OPS: [&str; 5] = ["eq", "gte", "lte", "gt", "lt"];
    let entry = match value {
        Value::Object(object) if object.len() == 1 => object.iter().next(),
        _ => None,
    };
    let Some((op, number)) = entry else {
        return Err(Error::validation(
            path,
            value.to_string(),
            "one of {\"eq\": N}, {\"gte\": N}, {\"lte\": N}, {\"gt\": N}, {\"lt\": N}",
        ));
    };
    let op: Op = named(path, &Value::String(op.clone()), "a count op", &OPS)?;
    let value = number.as_u64().ok_or_else(|| {
        Error::validation(
            format!("{path}.{}", op.as_str()),
            number.to_string(),
            "a whole number, 0 or more",
        )
    })?;
    Ok(CountTest { op, value })
}

/// A value that must be one of `names`, read as `T` (a serde enum of those names).
fn named<T: serde::de::DeserializeOwned>(
    path: &str,
    value: &Value,
    what: &str,
    names: &[&str],
) -> Result<T> {
    let known = value.as_str().filter(|name| names.contains(name));
    known
        .and_then(|name| serde_json::from_value(Value::String(name.to_string())).ok())
        .ok_or_else(|| {
            let shown = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            Error::validation(
                path,
                shown,
                format!("not {what}: use one of {}", names.join(", ")),
            )
        })
}

fn text(path: &str, value: &Value, what: &str) -> Result<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => {
            crate::validate::refuse_nul(path, text)?;
            Ok(text.clone())
        }
        other => Err(Error::validation(
            path,
            other.to_string(),
            format!("{what}, as text"),
        )),
    }
}

fn optional_text(path: &str, value: Option<&Value>, what: &str) -> Result<Option<String>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => text(path, value, what).map(Some),
    }
}

fn only_keys(path: &str, object: &Map<String, Value>, keys: &[&str]) -> Result<()> {
    match object.keys().find(|key| !keys.contains(&key.as_str())) {
        Some(key) => Err(Error::validation(
            format!("{path}.{key}"),
            key,
            format!("not a key of this rule: it takes {}", keys.join(", ")),
        )),
        None => Ok(()),
    }
}

fn missing_key(path: &str, key: &str) -> Error {
    Error::validation(format!("{path}.{key}"), "", "missing")
}

/// The JSON-shaped value of a rule, keys as [`parse`] reads them.
pub(super) fn unparse(rule: &Rule) -> Value {
    let object = |pairs: Vec<(&str, Value)>| {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    };
    match rule {
        Rule::All(rules) => object(vec![("all", rules.iter().map(unparse).collect())]),
        Rule::Any(rules) => object(vec![("any", rules.iter().map(unparse).collect())]),
        Rule::Not(rule) => object(vec![("not", unparse(rule))]),
        Rule::Attr(c) => comparison(
            "attr",
            Value::String(c.subject.as_str().into()),
            c.op,
            &c.value,
        ),
        Rule::Field(c) => comparison("field", Value::String(c.subject.clone()), c.op, &c.value),
        Rule::Status { channel, is } => object(vec![
            ("status", channel.as_str().into()),
            ("is", is.as_str().into()),
        ]),
        Rule::CanSend { channel, category } => {
            let mut pairs = vec![("can_send", Value::from(channel.as_str()))];
            if let Some(category) = category {
                pairs.push(("category", Value::String(category.clone())));
            }
            object(pairs)
        }
        Rule::InSegment(id) => object(vec![("in_segment", Value::String(id.clone()))]),
        Rule::InCategory(key) => object(vec![("in_category", Value::String(key.clone()))]),
        Rule::Has { channel, app_id } => {
            let mut pairs = vec![("has", Value::from(channel.as_str()))];
            if let Some(app_id) = app_id {
                pairs.push(("app_id", Value::String(app_id.clone())));
            }
            object(pairs)
        }
        Rule::Activity(a) => {
            let within = match a.within {
                Window::Last(period) => Value::String(period.as_str().into()),
                Window::Between { since, until } => {
                    let mut bounds = Map::new();
                    for (key, at) in [("since", since), ("until", until)] {
                        if let Some(at) = at {
                            bounds.insert(key.into(), Value::String(at.to_rfc3339()));
                        }
                    }
                    Value::Object(bounds)
                }
            };
            let mut pairs = vec![
                ("activity", Value::String(a.kind.as_str().into())),
                ("within", within),
            ];
            if !a.conditions.is_empty() {
                pairs.push((
                    "where",
                    Value::Object(a.conditions.iter().cloned().collect()),
                ));
            }
            pairs.push((
                "count",
                object(vec![(a.count.op.as_str(), Value::from(a.count.value))]),
            ));
            object(pairs)
        }
    }
}

fn comparison(form: &str, subject: Value, op: Op, value: &Option<Value>) -> Value {
    let mut object = Map::new();
    object.insert(form.into(), subject);
    object.insert("op".into(), Value::String(op.as_str().into()));
    if let Some(value) = value {
        object.insert("value".into(), value.clone());
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(value: Value) -> String {
        match parse(&value) {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn every_form_round_trips() {
        let rule = json!({"all": [
            {"attr": "country", "op": "eq", "value": "UA"},
            {"field": "tier", "op": "in", "value": ["gold", "silver"]},
            {"any": [{"status": "email", "is": "active"}, {"not": {"can_send": "sms", "category": "news"}}]},
            {"in_segment": "0190a5c2-0000-7000-8000-000000000000"},
            {"in_category": "news"},
            {"has": "mobile_push", "app_id": "app"},
            {"attr": "phone", "op": "missing"},
            {"activity": "order", "within": "30d", "where": {"amount": {"gte": "100"}}, "count": {"gte": 2}},
            {"activity": "campaign", "within": {"since": "2024-01-01T00:00:00+00:00"}, "count": {"eq": 0}},
        ]});
        let parsed = parse(&rule).unwrap();
        assert_eq!(parse(&parsed.to_value()).unwrap(), parsed);
    }

    #[test]
    fn mistakes_name_their_path() {
        assert_eq!(
            field_of(
                json!({"all": [{"attr": "country", "op": "eq", "value": "UA"}, {"attr": "country", "op": "like", "value": "U"}]})
            ),
            "rule.all[1].op"
        );
        assert_eq!(
            field_of(json!({"attr": "colour", "op": "eq", "value": "x"})),
            "rule.attr"
        );
        assert_eq!(
            field_of(json!({"not": {"status": "push", "is": "active"}})),
            "rule.not.status"
        );
        assert_eq!(
            field_of(json!({"attr": "email", "op": "exists", "value": 1})),
            "rule.value"
        );
        assert_eq!(field_of(json!({"attr": "email", "op": "eq"})), "rule.value");
        assert_eq!(
            field_of(json!({"activity": "order", "within": "2w"})),
            "rule.within"
        );
        assert_eq!(
            field_of(json!({"activity": "event", "where": {"amount": 1}})),
            "rule.where.amount"
        );
        assert_eq!(
            field_of(json!({"activity": "event", "count": {"gte": -1}})),
            "rule.count.gte"
        );
        assert_eq!(
            field_of(json!({"attr": "email", "op": "exists", "colour": 1})),
            "rule.colour"
        );
        assert_eq!(
            field_of(json!({"in_segment": "a", "in_category": "b"})),
            "rule"
        );
        assert_eq!(field_of(json!([1])), "rule");
        assert_eq!(
            field_of(json!({"has": "web_push", "app_id": "a"})),
            "rule.app_id"
        );
    }

    #[test]
    fn depth_and_size_are_bounded_before_recursing() {
        let mut deep = json!({"attr": "email", "op": "exists"});
        for _ in 0..1_000 {
            deep = json!({"not": deep});
        }
        assert_eq!(field_of(deep), "rule");
        let wide = Value::Array(vec![
            json!({"attr": "email", "op": "exists"});
            MAX_CONDITIONS + 1
        ]);
        let error = parse(&json!({"any": wide})).unwrap_err();
        assert!(error.to_string().contains("at most"), "{error}");
    }
}
