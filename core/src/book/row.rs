//! One import row on its way in: read from a caller's value, with what cannot be read
//! left out and named, and the parts of an input a problem names, to leave out when
//! the import drops invalid values (or to look for more problems when it rejects).

use crate::model::{ChannelStatus, ContactInput, DedupeOn, Patch};
use crate::validate::limits;
use crate::validate::unreadable::{from_json, ReadAs};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Most problems reported for one row: past this many the row is rejected (a row has
/// about twenty attributes, and a hundred problems say all a person can act on).
pub const MAX_ROW_PROBLEMS: usize = 100;

/// A row as an import reads it: the input, or why there is none, and the problems of
/// the values left out while reading it.
#[derive(Debug)]
pub struct ReadRow {
    /// The input, or the error that left nothing to import.
    pub input: Result<ContactInput>,
    /// Values that could not be read, left out of `input`.
    pub problems: Vec<Error>,
}

impl ReadRow {
    /// A row with nothing to import, for `error`.
    fn refused(error: Error) -> Self {
        ReadRow {
            input: Err(error),
            problems: Vec::new(),
        }
    }
}

/// A row an import accepts: a ready [`ContactInput`], the error a caller hit while
/// reading or converting the row (reported as rejected, with its index), or a JSON
/// value the import reads itself, leaving out and naming each part it cannot read.
pub trait IntoImportRow {
    /// The row's input and the problems met reading it.
    fn into_import_row(self) -> ReadRow;
}

impl IntoImportRow for ContactInput {
    fn into_import_row(self) -> ReadRow {
        Ok(self).into_import_row()
    }
}

impl IntoImportRow for Result<ContactInput> {
    fn into_import_row(self) -> ReadRow {
        ReadRow {
            input: self,
            problems: Vec::new(),
        }
    }
}

impl IntoImportRow for Value {
    fn into_import_row(self) -> ReadRow {
        read_row(self)
    }
}

impl IntoImportRow for Result<Value> {
    fn into_import_row(self) -> ReadRow {
        match self {
            Ok(value) => read_row(value),
            Err(error) => ReadRow::refused(error),
        }
    }
}

/// Reads a JSON row as a [`ContactInput`]. A part that cannot be read (an unknown key,
/// a value of the wrong type) is a problem and is left out: the attribute it belongs
/// to, a field's value (`fields.age`), or a list of devices or subscriptions whole.
/// An integer where text is expected (an id, a phone column a DataFrame read as
/// numbers) is read as its decimal text, as CSV would give it.
fn read_row(mut row: Value) -> ReadRow {
    let mut problems = Vec::new();
    if !row.is_object() {
        return ReadRow::refused(Error::validation(
            "input",
            "",
            "an import row must be an object",
        ));
    }
    // Reading a value recurses through it: bound it first, as every input is bound.
    if let Err(error) = limits::check_nesting("input", &row) {
        return ReadRow::refused(error);
    }
    loop {
        match from_json::<ContactInput>(&row, ReadAs::Attributes("input")) {
            Ok(input) => {
                return ReadRow {
                    input: Ok(input),
                    problems,
                }
            }
            Err(error) => {
                let field = error.field().unwrap_or_default().to_string();
                if retype_integer(&mut row, &field) {
                    continue;
                }
                let removed = remove_unreadable(&mut row, &field);
                problems.push(error);
                if !removed || problems.len() >= MAX_ROW_PROBLEMS {
                    let first = problems.remove(0);
                    return ReadRow {
                        input: Err(first),
                        problems,
                    };
                }
            }
        }
    }
}

/// Rewrites the integer at `field` (a top-level attribute) as its text, when it is one
/// and the attribute takes text.
fn retype_integer(row: &mut Value, field: &str) -> bool {
    const TEXT_ATTRIBUTES: [&str; 6] = [
        "external_id",
        "contact_key",
        "phone",
        "first_name",
        "last_name",
        "id",
    ];
    if !TEXT_ATTRIBUTES.contains(&field) {
        return false;
    }
    match row.get_mut(field) {
        Some(value @ Value::Number(_)) if value.is_i64() || value.is_u64() => {
            *value = Value::String(value.to_string());
            true
        }
        _ => false,
    }
}

/// Removes the part of a JSON row an unreadable `field` lies in; false when there is
/// no such part (the row itself is at fault).
fn remove_unreadable(row: &mut Value, field: &str) -> bool {
    let Some(object) = row.as_object_mut() else {
        return false;
    };
    let top = top_attribute(field);
    if top == "fields" {
        if let (Some(key), Some(Value::Object(fields))) =
            (field_key(field), object.get_mut("fields"))
        {
            return fields.remove(key).is_some();
        }
    }
    object.remove(top).is_some()
}

/// The attribute a field name starts with: `address` of `address.country`,
/// `mobile_push` of `mobile_push[1].token`.
fn top_attribute(field: &str) -> &str {
    let end = field.find(['.', '[']).unwrap_or(field.len());
    &field[..end]
}

/// The key of an additional field named `fields.key` or `fields.key[2]`.
fn field_key(field: &str) -> Option<&str> {
    let rest = field.strip_prefix("fields.")?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|key| !key.is_empty())
}

/// What leaving out the part a problem names did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Left {
    /// The part is out and the row may be written without it.
    Out,
    /// The part is out, but the row may not be written without it: the row's id or
    /// dedupe key. The row is rejected; what else is wrong may still be looked for.
    OutButNeeded,
    /// Nothing can be left out: the row itself is at fault.
    Nothing,
}

/// The values left out of one row so far, so that a problem in a list names the
/// item's index in the row as given, not in what is left of it.
#[derive(Debug, Default, Clone)]
pub(super) struct LeftOut {
    mobile_push: Vec<usize>,
    web_push: Vec<usize>,
}

impl LeftOut {
    /// Leaves out of `input` the part `error` names (renaming the error's field to the
    /// row's own index, for an item of a list).
    pub fn leave_out(
        &mut self,
        input: &mut ContactInput,
        error: &mut Error,
        dedupe_on: DedupeOn,
    ) -> Left {
        let Some(field) = error.field().map(str::to_string) else {
            return Left::Nothing;
        };
        let top = top_attribute(&field);
        let needed = is_needed(&field, dedupe_on);
        let out = match top {
            "id" => input.id.take().is_some(),
            "input" | "" => false,
            "first_name" => keep(&mut input.first_name),
            "last_name" => keep(&mut input.last_name),
            "external_id" => keep(&mut input.external_id),
            "contact_key" => keep(&mut input.contact_key),
            "email" => keep(&mut input.email),
            "phone" => keep(&mut input.phone),
            "telegram" => keep(&mut input.telegram),
            "timezone" => keep(&mut input.timezone),
            "language" => keep(&mut input.language),
            "location" => keep(&mut input.location),
            "address" => leave_out_of_address(input, &field),
            "mobile_push" => self.leave_out_item(input, error, &field, "mobile_push"),
            "web_push" => self.leave_out_item(input, error, &field, "web_push"),
            "categories" => leave_out_named(&mut input.categories, error),
            "segments" => leave_out_named(&mut input.segments, error),
            "fields" => match field_key(&field) {
                Some(key) => input.fields.remove(key).is_some(),
                None => !std::mem::take(&mut input.fields).is_empty(),
            },
            "email_status" | "email_status_at" | "email_status_reason" => leave_out_consent(
                &mut input.email_status,
                &mut input.email_status_at,
                &mut input.email_status_reason,
            ),
            "phone_status" | "phone_status_at" | "phone_status_reason" => leave_out_consent(
                &mut input.phone_status,
                &mut input.phone_status_at,
                &mut input.phone_status_reason,
            ),
            "source" => input.source.take().is_some(),
            _ => false,
        };
        match (out, needed) {
            (false, _) => Left::Nothing,
            (true, true) => Left::OutButNeeded,
            (true, false) => Left::Out,
        }
    }

    /// Leaves out the item of a device or subscription list a problem names
    /// (`mobile_push[2].token`), or the whole list when no item is named.
    fn leave_out_item(
        &mut self,
        input: &mut ContactInput,
        error: &mut Error,
        field: &str,
        list: &str,
    ) -> bool {
        let (items, removed) = match list {
            "mobile_push" => (
                input.mobile_push.as_set().map(Vec::len),
                &mut self.mobile_push,
            ),
            _ => (input.web_push.as_set().map(Vec::len), &mut self.web_push),
        };
        let index = field[list.len()..]
            .strip_prefix('[')
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok());
        let (Some(index), Some(len)) = (index, items) else {
            return match list {
                "mobile_push" => keep(&mut input.mobile_push),
                _ => keep(&mut input.web_push),
            };
        };
        if index >= len {
            return false;
        }
        // The item's index in the row as given: skip the items already left out.
        let mut original = index;
        let mut sorted = removed.clone();
        sorted.sort_unstable();
        for &gone in &sorted {
            if gone <= original {
                original += 1;
            }
        }
        removed.push(original);
        rename_index(error, list, index, original);
        match list {
            "mobile_push" => take_item(&mut input.mobile_push, index),
            _ => take_item(&mut input.web_push, index),
        }
        true
    }
}

/// Whether a row may not be written without the attribute `field` lies in: its id or
/// the value of its dedupe key.
pub(super) fn is_needed(field: &str, dedupe_on: DedupeOn) -> bool {
    let top = top_attribute(field);
    top == "id" || key_attributes(dedupe_on).contains(&top)
}

/// The attributes that hold the value of a dedupe key.
fn key_attributes(dedupe_on: DedupeOn) -> &'static [&'static str] {
    match dedupe_on {
        DedupeOn::Id => &["id"],
        DedupeOn::Email => &["email"],
        DedupeOn::Phone => &["phone"],
        DedupeOn::EmailOrPhone => &["email", "phone"],
        DedupeOn::ContactKey => &["contact_key"],
        DedupeOn::ExternalId => &["external_id"],
    }
}

/// Leaves out a consent state whole (its status, date and reason go together).
fn leave_out_consent(
    status: &mut Option<ChannelStatus>,
    at: &mut Option<DateTime<Utc>>,
    reason: &mut Option<String>,
) -> bool {
    // Each is taken, whichever held a value.
    status.take().is_some() | at.take().is_some() | reason.take().is_some()
}

fn keep<T>(patch: &mut Patch<T>) -> bool {
    !std::mem::take(patch).is_keep()
}

fn take_item<T>(patch: &mut Patch<Vec<T>>, index: usize) {
    if let Patch::Set(items) = patch {
        items.remove(index);
    }
}

/// Leaves out the one part of an address a problem names (`address.country`), the
/// other parts standing on their own; the whole address when no part is named.
fn leave_out_of_address(input: &mut ContactInput, field: &str) -> bool {
    let Patch::Set(address) = &mut input.address else {
        return keep(&mut input.address);
    };
    let part = match field.strip_prefix("address.") {
        Some("country") => &mut address.country,
        Some("region") => &mut address.region,
        Some("town") => &mut address.town,
        Some("street_address") => &mut address.street_address,
        Some("postcode") => &mut address.postcode,
        _ => return keep(&mut input.address),
    };
    part.take().is_some()
}

/// Leaves out the category keys or segments equal to the value a problem quotes, or
/// the whole list when none is (the value was shortened).
fn leave_out_named(list: &mut Patch<Vec<String>>, error: &Error) -> bool {
    let Error::Validation { value, .. } = error else {
        return keep(list);
    };
    let Patch::Set(items) = list else {
        return keep(list);
    };
    let before = items.len();
    items.retain(|item| item.trim() != value.trim());
    items.len() < before || keep(list)
}

/// Renames `list[index]` in the error's field to `list[original]`.
fn rename_index(error: &mut Error, list: &str, index: usize, original: usize) {
    if index == original {
        return;
    }
    let (Error::Validation { field, .. } | Error::Conflict { field, .. }) = error else {
        return;
    };
    let given = format!("{list}[{index}]");
    if let Some(rest) = field.strip_prefix(&given) {
        *field = format!("{list}[{original}]{rest}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unreadable_parts_are_left_out_and_named() {
        let read = read_row(json!({
            "email": "ann@example.com",
            "emial": "typo",
            "first_name": ["not", "text"],
            "external_id": 12345,
            "fields": {"age": {"nested": true}, "city": "Kyiv"},
        }));
        let input = read.input.unwrap();
        assert_eq!(
            input.email.as_set().map(String::as_str),
            Some("ann@example.com")
        );
        assert_eq!(
            input.external_id.as_set().map(String::as_str),
            Some("12345")
        );
        assert!(input.first_name.is_keep());
        assert_eq!(input.fields.len(), 1);
        let fields: Vec<_> = read
            .problems
            .iter()
            .map(|e| e.field().unwrap().to_string())
            .collect();
        assert_eq!(fields.len(), 3, "{fields:?}");
        assert!(fields.contains(&"emial".to_string()), "{fields:?}");
        assert!(fields.contains(&"first_name".to_string()), "{fields:?}");
        assert!(
            fields.iter().any(|f| f.starts_with("fields.age")),
            "{fields:?}"
        );
    }

    #[test]
    fn a_row_nested_thousands_deep_is_refused_whole_before_it_is_read() {
        // serde_json drops a value recursively: the test's own stack must hold 3,000
        // levels of it (the import's checks do not recurse).
        let refused = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(|| {
                let mut deep = json!("leaf");
                for _ in 0..3_000 {
                    deep = json!([deep]);
                }
                read_row(json!({"email": "ann@example.com", "fields": {"tags": deep}}))
                    .input
                    .unwrap_err()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(refused.field(), Some("input"));
        assert!(
            refused.to_string().contains("nested deeper than"),
            "{refused}"
        );
        // At the limit it is read (the field's own limit is the book's to apply).
        let mut at_limit = json!("leaf");
        for _ in 0..(limits::MAX_NESTING - 3) {
            at_limit = json!([at_limit]);
        }
        let read = read_row(json!({"email": "ann@example.com", "fields": {"tags": at_limit}}));
        assert!(read.input.is_ok(), "{:?}", read.input);
    }

    #[test]
    fn a_row_that_is_not_an_object_is_refused_whole() {
        let read = read_row(json!(["ann@example.com"]));
        assert_eq!(read.input.unwrap_err().field(), Some("input"));
    }

    #[test]
    fn list_items_are_named_by_their_index_in_the_row() {
        let device = |token: &str| crate::model::DeviceInput {
            token: Some(token.to_string()),
            ..serde_json::from_value(json!({"app_id": "a", "device_id": token, "platform": "ios"}))
                .unwrap()
        };
        let mut input = ContactInput {
            mobile_push: Patch::Set(vec![device("a"), device("b"), device("c"), device("d")]),
            ..Default::default()
        };
        let mut left = LeftOut::default();
        let mut first = Error::validation("mobile_push[1].token", "b", "bad");
        assert_eq!(
            left.leave_out(&mut input, &mut first, DedupeOn::Email),
            Left::Out
        );
        // "d" is now at [2]: the problem names it at [3], where the row had it.
        let mut second = Error::validation("mobile_push[2].token", "d", "bad");
        assert_eq!(
            left.leave_out(&mut input, &mut second, DedupeOn::Email),
            Left::Out
        );
        assert_eq!(second.field(), Some("mobile_push[3].token"));
        assert_eq!(input.mobile_push.as_set().unwrap().len(), 2);
    }

    #[test]
    fn the_dedupe_key_is_needed() {
        let mut input = ContactInput {
            email: Patch::Set("x".into()),
            phone: Patch::Set("y".into()),
            ..Default::default()
        };
        let mut left = LeftOut::default();
        let mut email = Error::validation("email", "x", "bad");
        assert_eq!(
            left.leave_out(&mut input, &mut email, DedupeOn::Email),
            Left::OutButNeeded
        );
        let mut phone = Error::validation("phone", "y", "bad");
        assert_eq!(
            left.leave_out(&mut input, &mut phone, DedupeOn::Email),
            Left::Out
        );
        let mut whole = Error::validation("input", "", "too large");
        assert_eq!(
            left.leave_out(&mut input, &mut whole, DedupeOn::Email),
            Left::Nothing
        );
    }
}
