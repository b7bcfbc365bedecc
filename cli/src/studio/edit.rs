//! The Edit contact window: the form's values for a contact, and a submitted form
//! turned into the patch `ContactBook::update` takes.
//!
//! Form controls are named by the paths the library's errors use (`email`,
//! `address.country`, `location.latitude`, `fields.birthday`, `segments`), so a
//! rejected value's error lands beside the control that holds it with no mapping
//! table to keep in step.
//!
//! Only what the person changed goes into the patch: an untouched location keeps its
//! source (a GPS fix does not become a manual one by saving the form), and a form
//! saved unchanged writes nothing.

use super::view;
use crate::render;
use contactkit::{
    Address, Contact, ContactInput, Error, FieldDefinition, FieldInput, FieldType, FieldValue,
    LocationInput, LocationSource, Patch, Segment, SegmentKind, Source,
};
use std::collections::{BTreeMap, BTreeSet};

/// The text controls of the form, in order: (name, label).
pub const NAME_CONTROLS: [(&str, &str); 5] = [
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("contact_key", "Contact key"),
];

/// The Address section's controls (the country is a dropdown).
pub const ADDRESS_CONTROLS: [(&str, &str); 4] = [
    ("address.street_address", "Street address"),
    ("address.town", "Town"),
    ("address.region", "Region"),
    ("address.postcode", "Postcode"),
];

/// The Location section's controls (the country is a dropdown).
pub const LOCATION_CONTROLS: [(&str, &str); 5] = [
    ("location.latitude", "Latitude"),
    ("location.longitude", "Longitude"),
    ("location.accuracy", "Accuracy (m)"),
    ("location.region", "Region"),
    ("location.city", "City"),
];

/// A form's values by control name: one value for most controls, the chosen ones
/// for checkboxes (segments, a multilist).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Values(BTreeMap<String, Vec<String>>);

impl Values {
    /// The submitted pairs, in order (a repeated name keeps every value).
    ///
    /// Line breaks are read as `\n`: browsers send a textarea's as `\r\n`, and an
    /// untouched textarea must compare equal to the text it was drawn from.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Values {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in pairs {
            map.entry(name)
                .or_default()
                .push(value.replace("\r\n", "\n"));
        }
        Values(map)
    }

    /// The control's value; empty when it sent none.
    pub fn one(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether the form sent the control at all (a disabled one sends nothing).
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The chosen values of a checkbox group (the group's empty marker left out).
    pub fn chosen(&self, name: &str) -> BTreeSet<String> {
        self.0
            .get(name)
            .into_iter()
            .flatten()
            .filter(|v| !v.is_empty())
            .cloned()
            .collect()
    }

    /// These values, with each control they lack taken from `drawn`: a refused form
    /// is shown again as sent, and its disabled (readonly) controls, which send
    /// nothing, keep what they showed.
    pub fn over(mut self, drawn: &Values) -> Values {
        for (name, values) in &drawn.0 {
            self.0.entry(name.clone()).or_insert_with(|| values.clone());
        }
        self
    }

    fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), vec![value.into()]);
    }

    fn set_all(&mut self, name: impl Into<String>, values: impl IntoIterator<Item = String>) {
        // The empty marker the form sends before a checkbox group, so "none chosen"
        // and "not in the form" differ.
        let mut all = vec![String::new()];
        all.extend(values);
        self.0.insert(name.into(), all);
    }
}

/// The form's values for `contact`, as the window opens.
pub fn values_of(contact: &Contact, segments: &[Segment], fields: &[FieldDefinition]) -> Values {
    let mut values = Values::default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    values.set("first_name", text(&contact.first_name));
    values.set("last_name", text(&contact.last_name));
    values.set("email", text(&contact.email));
    values.set("phone", text(&contact.phone));
    values.set("contact_key", text(&contact.contact_key));
    let address = contact.address.clone().unwrap_or_default();
    values.set("address.country", text(&address.country));
    values.set("address.region", text(&address.region));
    values.set("address.town", text(&address.town));
    values.set("address.street_address", text(&address.street_address));
    values.set("address.postcode", text(&address.postcode));
    let location = contact.location.as_ref();
    let number = |n: Option<f64>| n.map(|n| n.to_string()).unwrap_or_default();
    values.set("location.latitude", number(location.map(|l| l.latitude)));
    values.set("location.longitude", number(location.map(|l| l.longitude)));
    values.set(
        "location.accuracy",
        number(location.and_then(|l| l.accuracy)),
    );
    values.set(
        "location.country",
        location.and_then(|l| l.country.clone()).unwrap_or_default(),
    );
    values.set(
        "location.region",
        location.and_then(|l| l.region.clone()).unwrap_or_default(),
    );
    values.set(
        "location.city",
        location.and_then(|l| l.city.clone()).unwrap_or_default(),
    );
    values.set("timezone", text(&contact.timezone));
    values.set("language", text(&contact.language));
    let editable: BTreeSet<&str> = segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Static)
        .map(|s| s.id.as_str())
        .collect();
    values.set_all(
        "segments",
        contact
            .segments
            .iter()
            .filter(|id| editable.contains(id.as_str()))
            .cloned(),
    );
    for definition in fields {
        let name = format!("fields.{}", definition.key);
        match (definition.field_type, contact.fields.get(&definition.key)) {
            (FieldType::Multilist, value) => {
                let chosen = match value {
                    Some(FieldValue::Multilist(items)) => items.clone(),
                    _ => Vec::new(),
                };
                values.set_all(name, chosen);
            }
            (_, None) => values.set(name, ""),
            (_, Some(value)) => values.set(name, control_text(value)),
        }
    }
    values
}

/// A field's value as its control holds it: a datetime as the `datetime-local`
/// input's `YYYY-MM-DDTHH:MM:SS` in UTC, anything else in the platform's string form.
fn control_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Datetime(at) => at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        other => other.to_platform_string(),
    }
}

/// The patch that makes the contact what the form says, from the values the window
/// opened with (`before`) and those sent (`after`); `None` when nothing changed.
/// A value the form cannot even hand to the book (a latitude that is no number) is
/// refused here, in the book's own error shape.
pub fn patch(
    before: &Values,
    after: &Values,
    fields: &[FieldDefinition],
) -> Result<Option<ContactInput>, Error> {
    let mut input = ContactInput {
        source: Some(Source::Manual),
        ..ContactInput::default()
    };
    let mut changed = false;
    let mut text = |name: &str| -> Patch<String> {
        if !after.has(name) || after.one(name) == before.one(name) {
            return Patch::Keep;
        }
        changed = true;
        match after.one(name) {
            "" => Patch::Clear,
            value => Patch::Set(value.to_string()),
        }
    };
    input.first_name = text("first_name");
    input.last_name = text("last_name");
    input.email = text("email");
    input.phone = text("phone");
    input.contact_key = text("contact_key");
    input.timezone = text("timezone");
    input.language = text("language");

    let section_changed = |names: &[&str]| {
        names
            .iter()
            .any(|n| after.has(n) && after.one(n) != before.one(n))
    };
    let optional = |name: &str| Some(after.one(name).to_string()).filter(|v| !v.is_empty());

    let address_names = section_names("address.country", &ADDRESS_CONTROLS);
    if section_changed(&address_names) {
        changed = true;
        input.address = if address_names.iter().all(|n| after.one(n).is_empty()) {
            Patch::Clear
        } else {
            Patch::Set(Address {
                country: optional("address.country"),
                region: optional("address.region"),
                town: optional("address.town"),
                street_address: optional("address.street_address"),
                postcode: optional("address.postcode"),
            })
        };
    }

    let location_names = section_names("location.country", &LOCATION_CONTROLS);
    if section_changed(&location_names) {
        changed = true;
        input.location = if location_names.iter().all(|n| after.one(n).is_empty()) {
            Patch::Clear
        } else {
            Patch::Set(LocationInput {
                latitude: coordinate(after, "location.latitude")?,
                longitude: coordinate(after, "location.longitude")?,
                accuracy: optional_number(after, "location.accuracy")?,
                country: optional("location.country"),
                region: optional("location.region"),
                city: optional("location.city"),
                source: LocationSource::Manual,
            })
        };
    }

    if after.has("segments") && after.chosen("segments") != before.chosen("segments") {
        changed = true;
        input.segments = Patch::Set(after.chosen("segments").into_iter().collect());
    }

    for definition in fields.iter().filter(|d| !d.readonly) {
        let name = format!("fields.{}", definition.key);
        if !after.has(&name) {
            continue;
        }
        let value = if definition.field_type == FieldType::Multilist {
            let chosen = after.chosen(&name);
            if chosen == before.chosen(&name) {
                continue;
            }
            // The book checks each against the options and keeps them in the
            // definition's order.
            (!chosen.is_empty()).then(|| FieldInput::List(chosen.into_iter().collect()))
        } else {
            let sent = after.one(&name);
            if sent == before.one(&name) {
                continue;
            }
            match sent {
                "" => None,
                text if definition.field_type == FieldType::Datetime => {
                    Some(FieldInput::Text(utc_instant(text)))
                }
                text => Some(FieldInput::Text(text.to_string())),
            }
        };
        changed = true;
        input.fields.insert(definition.key.clone(), value);
    }
    Ok(changed.then_some(input))
}

/// A section's control names: its country dropdown and its text controls.
fn section_names<'a>(country: &'a str, controls: &[(&'a str, &str)]) -> Vec<&'a str> {
    std::iter::once(country)
        .chain(controls.iter().map(|(name, _)| *name))
        .collect()
}

/// A required coordinate of a location being set.
fn coordinate(values: &Values, name: &str) -> Result<f64, Error> {
    optional_number(values, name)?.ok_or_else(|| {
        Error::validation(
            name,
            "",
            "a location needs both its latitude and its longitude",
        )
    })
}

fn optional_number(values: &Values, name: &str) -> Result<Option<f64>, Error> {
    match values.one(name).trim() {
        "" => Ok(None),
        text => text
            .parse::<f64>()
            .map(Some)
            .map_err(|_| Error::validation(name, values.one(name), "not a number")),
    }
}

/// A `datetime-local` value (`2025-03-09T10:30`, seconds optional) read as UTC, as
/// the control's label says, in the RFC 3339 form the book reads; any other text as
/// it is, for the book to judge.
fn utc_instant(text: &str) -> String {
    let looks_local = text.len() >= 16
        && text.as_bytes().get(10) == Some(&b'T')
        && !text.ends_with('Z')
        && !text[10..].contains(['+', '-']);
    match (looks_local, text.len()) {
        (true, 16) => format!("{text}:00Z"),
        (true, _) => format!("{text}Z"),
        (false, _) => text.to_string(),
    }
}

/// The form control an error is about: its field path, or the path without an
/// index (`segments[0]` → `segments`).
pub fn control_of(field: &str) -> &str {
    field.split('[').next().unwrap_or(field)
}

/// A choice of a dropdown.
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What the dropdown shows.
    pub label: String,
}

/// The time zones of the dropdown: every IANA name, with the current value first
/// when the list lacks it.
pub fn time_zones(current: &str) -> Vec<Choice> {
    let mut names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    names.sort_unstable();
    let mut choices = keep_current(current, names.binary_search(&current).is_ok());
    choices.extend(names.into_iter().map(|name| Choice {
        value: name.to_string(),
        label: name.replace('_', " "),
    }));
    choices
}

/// The languages of the dropdown: every ISO 639-1 language by English name, with the
/// current tag first when it is not one of them (`pt-BR`).
pub fn languages(current: &str) -> Vec<Choice> {
    let mut languages: Vec<(String, String)> = isolang::languages()
        .filter_map(|l| {
            l.to_639_1()
                .map(|code| (code.to_string(), l.to_name().to_string()))
        })
        .collect();
    languages.sort_by(|a, b| a.1.cmp(&b.1));
    let known = languages.iter().any(|(code, _)| code == current);
    let mut choices = keep_current(current, known);
    choices.extend(languages.into_iter().map(|(code, _)| Choice {
        label: view::language_name(&code),
        value: code,
    }));
    choices
}

/// The countries of the Address and Location dropdowns, by name, with the current
/// code first when the list lacks it.
pub fn countries(current: &str) -> Vec<Choice> {
    let mut countries: Vec<(String, String)> = celes::Country::get_countries()
        .iter()
        .map(|c| (c.alpha2.to_string(), c.long_name.to_string()))
        .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    let known = countries
        .iter()
        .any(|(code, _)| code.eq_ignore_ascii_case(current));
    let mut choices = keep_current(current, known);
    choices.extend(countries.into_iter().map(|(code, _)| Choice {
        label: view::country_name(&code),
        value: code,
    }));
    choices
}

/// The "none" choice, and the current value when the list does not hold it (it is
/// the contact's, so the form must be able to keep it).
fn keep_current(current: &str, known: bool) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: "—".to_string(),
    }];
    if !current.is_empty() && !known {
        choices.push(Choice {
            value: current.to_string(),
            label: current.to_string(),
        });
    }
    choices
}

/// How an additional field is edited.
pub struct FieldControl {
    /// `fields.KEY`.
    pub name: String,
    /// The definition's title.
    pub title: String,
    /// The input: `text`, `textarea`, `number`, `decimal`, `date`, `datetime`,
    /// `boolean`, `list` or `multilist`.
    pub input: &'static str,
    /// The current value (single-valued inputs).
    pub value: String,
    /// The options, each with whether it is chosen (list, multilist, boolean).
    pub options: Vec<(String, String, bool)>,
    /// Set only by import or API: shown, not editable.
    pub readonly: bool,
    /// Must carry a value.
    pub required: bool,
}

/// The controls of every defined field, with the form's values.
pub fn field_controls(fields: &[FieldDefinition], values: &Values) -> Vec<FieldControl> {
    fields
        .iter()
        .map(|definition| {
            let name = format!("fields.{}", definition.key);
            let value = values.one(&name).to_string();
            let options = match definition.field_type {
                FieldType::Boolean => vec![
                    ("true".into(), "Yes".into(), value == "true"),
                    ("false".into(), "No".into(), value == "false"),
                ],
                FieldType::List => definition
                    .options
                    .iter()
                    .map(|o| (o.clone(), o.clone(), *o == value))
                    .collect(),
                FieldType::Multilist => {
                    let chosen = values.chosen(&name);
                    definition
                        .options
                        .iter()
                        .map(|o| (o.clone(), o.clone(), chosen.contains(o)))
                        .collect()
                }
                _ => Vec::new(),
            };
            FieldControl {
                title: render::field_title(definition),
                input: definition.field_type.as_str(),
                value,
                options,
                readonly: definition.readonly,
                required: definition.required,
                name,
            }
        })
        .collect()
}

/// A segment's checkbox in the plus icon's list.
pub struct SegmentChoice {
    /// The segment id (the value sent).
    pub id: String,
    /// Its name.
    pub name: String,
    /// The contact is in it.
    pub checked: bool,
}

/// The static segments, each with whether the form has the contact in it. Category
/// and dynamic segments are not edited by hand, so they are not offered.
pub fn segment_choices(segments: &[Segment], values: &Values) -> Vec<SegmentChoice> {
    let chosen = values.chosen("segments");
    let mut choices: Vec<SegmentChoice> = segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Static)
        .map(|s| SegmentChoice {
            checked: chosen.contains(&s.id),
            id: s.id.clone(),
            name: s.name.clone(),
        })
        .collect();
    choices.sort_by(|a, b| a.name.cmp(&b.name));
    choices
}

/// The names of the segments the form has the contact in, for the line beside the
/// plus icon.
pub fn chosen_segment_names(segments: &[Segment], values: &Values) -> String {
    let chosen = values.chosen("segments");
    let mut names: Vec<&str> = segments
        .iter()
        .filter(|s| chosen.contains(&s.id))
        .map(|s| s.name.as_str())
        .collect();
    names.sort_unstable();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        Values::from_pairs(
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_form_shown_again_keeps_what_it_did_not_send() {
        let drawn = values(&[
            ("last_name", "Koval"),
            ("fields.member_since", "2021-04-17T06:30:00"),
        ]);
        let sent = values(&[("last_name", "Kovalenko")]);
        let shown = sent.over(&drawn);
        assert_eq!(shown.one("last_name"), "Kovalenko");
        assert_eq!(shown.one("fields.member_since"), "2021-04-17T06:30:00");
    }

    #[test]
    fn an_unchanged_form_is_no_patch() {
        let before = values(&[
            ("first_name", "Olena"),
            ("segments", ""),
            ("segments", "s1"),
        ]);
        assert_eq!(patch(&before, &before.clone(), &[]).unwrap(), None);
    }

    #[test]
    fn only_changed_controls_go_into_the_patch() {
        let before = values(&[
            ("first_name", "Olena"),
            ("last_name", "Shevchenko"),
            ("email", "o@x.ua"),
        ]);
        let after = values(&[
            ("first_name", "Olha"),
            ("last_name", "Shevchenko"),
            ("email", ""),
        ]);
        let input = patch(&before, &after, &[]).unwrap().unwrap();
        assert_eq!(input.first_name, Patch::Set("Olha".into()));
        assert_eq!(input.last_name, Patch::Keep);
        assert_eq!(
            input.email,
            Patch::Clear,
            "an emptied control clears the value"
        );
        assert_eq!(input.source, Some(Source::Manual));
    }

    #[test]
    fn a_location_needs_numbers_for_its_coordinates() {
        let before = values(&[("location.latitude", ""), ("location.longitude", "")]);
        let after = values(&[
            ("location.latitude", "north"),
            ("location.longitude", "30.5"),
        ]);
        match patch(&before, &after, &[]) {
            Err(Error::Validation { field, value, .. }) => {
                assert_eq!(
                    (field.as_str(), value.as_str()),
                    ("location.latitude", "north")
                )
            }
            other => panic!("{other:?}"),
        }
        let after = values(&[
            ("location.latitude", "50.45"),
            ("location.longitude", "30.52"),
        ]);
        let input = patch(&before, &after, &[]).unwrap().unwrap();
        let Patch::Set(location) = input.location else {
            panic!()
        };
        assert_eq!((location.latitude, location.longitude), (50.45, 30.52));
        assert_eq!(location.source, LocationSource::Manual);
    }

    #[test]
    fn a_local_datetime_is_read_as_utc() {
        assert_eq!(utc_instant("2025-03-09T10:30"), "2025-03-09T10:30:00Z");
        assert_eq!(utc_instant("2025-03-09T10:30:15"), "2025-03-09T10:30:15Z");
        assert_eq!(
            utc_instant("2025-03-09T10:30:00+02:00"),
            "2025-03-09T10:30:00+02:00"
        );
        assert_eq!(utc_instant("soon"), "soon");
    }

    #[test]
    fn a_current_value_the_list_lacks_is_kept_as_a_choice() {
        let tags = languages("pt-BR");
        assert_eq!(tags[1].value, "pt-BR");
        assert!(tags
            .iter()
            .any(|c| c.value == "uk" && c.label == "Ukrainian (uk)"));
        let zones = time_zones("Europe/Kyiv");
        assert_eq!(zones.iter().filter(|c| c.value == "Europe/Kyiv").count(), 1);
        assert!(countries("UA").iter().any(|c| c.value == "UA"));
    }

    #[test]
    fn an_error_about_a_list_item_belongs_to_the_list() {
        assert_eq!(control_of("segments[2]"), "segments");
        assert_eq!(control_of("fields.birthday"), "fields.birthday");
    }
}
