//! The interfaces of `typedefs.d.ts` are written by hand; this test holds them to the
//! Rust types they describe: each `export interface X { … }` must have exactly the
//! properties of the core type `X`, camelCased (a field added to core and not to the
//! typings fails here, naming it).
//!
//! The core's property lists come from `contactkit::schema::properties()` (the core's
//! `schema` feature, Rust type name → serde property names in snake_case); data-map
//! keys (`fields`, `params`, `revenue`) are data and no property of any interface.

use contactkit_node::names::to_camel;
use std::collections::{BTreeMap, BTreeSet};

/// The typings, as `napi build` reads them.
const TYPEDEFS: &str = include_str!("../typedefs.d.ts");

/// Interfaces of the binding's own, with no core type: options objects read by the
/// binding, the error's shape, the generic page.
const BINDING_ONLY: [&str; 13] = [
    "ContactKitError",
    "ContactQuery",
    "ChangesQuery",
    "BookOptions",
    "OpenOptions",
    "ConnectOptions",
    "UpsertOptions",
    "ImportOptions",
    "ProfileLinesOptions",
    "CategoryOptions",
    "FieldOptions",
    "CreateSegmentOptions",
    "Page",
];

/// Interfaces named otherwise than their core type (TypeScript name, Rust name).
const RENAMED: [(&str, &str); 3] = [
    ("FieldDefinitionInput", "FieldDefinition"),
    ("AddressInput", "Address"),
    ("OrderItemInput", "OrderItem"),
];

/// The activity of each kind (TypeScript interface, the core's record of that kind):
/// the keys every activity has (`ActivityBase`) and the kind's own.
const ACTIVITIES: [(&str, &str); 3] = [
    ("CampaignActivity", "Campaign"),
    ("EventActivity", "Event"),
    ("OrderActivity", "Order"),
];

/// What each interface must declare, by its TypeScript name, in snake_case: the core's
/// types under their own names or [`RENAMED`], and the activities as [`ACTIVITIES`]
/// says (the core's `Activity` holds the keys of all three kinds).
fn expected(core: &BTreeMap<&str, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let mut expected: BTreeMap<String, BTreeSet<String>> = core
        .iter()
        .map(|(name, properties)| (name.to_string(), properties.clone()))
        .collect();
    for (ts, rust) in RENAMED {
        if let Some(properties) = core.get(rust) {
            expected.insert(ts.to_string(), properties.clone());
        }
    }
    let kinds = |name: &str| core.get(name).cloned().unwrap_or_default();
    let mut base = kinds("Activity");
    for (_, kind) in ACTIVITIES {
        base.retain(|key| !kinds(kind).contains(key));
    }
    for (ts, kind) in ACTIVITIES {
        expected.insert(ts.to_string(), base.union(&kinds(kind)).cloned().collect());
    }
    expected.insert("ActivityBase".to_string(), base);
    expected
}

/// Unions of string literals of the binding's own: the error's code, a SQLite
/// option read by name, what a definition does when the book has one.
const BINDING_ONLY_UNIONS: [&str; 3] = ["ErrorCode", "Durability", "IfExists"];

/// Each `export type X = 'a' | 'b'` (on one line or one `| 'b'` a line) and its
/// strings; aliases of anything else are not unions of strings.
fn unions(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut unions = BTreeMap::new();
    let mut lines = source.lines().map(str::trim).peekable();
    while let Some(line) = lines.next() {
        let Some((name, mut body)) = line
            .strip_prefix("export type ")
            .and_then(|rest| rest.split_once('='))
            .map(|(name, body)| (name.trim().to_string(), body.to_string()))
        else {
            continue;
        };
        while let Some(next) = lines.next_if(|next| next.starts_with('|')) {
            body.push(' ');
            body.push_str(next);
        }
        let alternatives: Vec<&str> = body
            .split('|')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let strings: Option<BTreeSet<String>> = alternatives
            .iter()
            .map(|a| {
                a.strip_prefix('\'')
                    .and_then(|a| a.strip_suffix('\''))
                    .map(String::from)
            })
            .collect();
        if let Some(strings) = strings.filter(|s| !s.is_empty()) {
            unions.insert(name, strings);
        }
    }
    unions
}

/// Compares the typings' unions of strings with the core's string enums.
fn check_unions(
    typings: &BTreeMap<String, BTreeSet<String>>,
    core: &BTreeMap<&str, BTreeSet<String>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, declared) in typings {
        if BINDING_ONLY_UNIONS.contains(&name.as_str()) {
            continue;
        }
        match core.get(name.as_str()) {
            None => problems.push(format!("type {name}: no core enum")),
            Some(strings) if strings != declared => problems.push(format!(
                "type {name} is {declared:?}, the core's {strings:?}"
            )),
            Some(_) => {}
        }
    }
    for name in core.keys().filter(|name| !typings.contains_key(**name)) {
        problems.push(format!("core enum {name} has no type in typedefs.d.ts"));
    }
    problems
}

/// Each interface and its property names (those of the interfaces it extends
/// included), in the order of the file.
fn interfaces(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut own: BTreeMap<String, (Option<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut open: Option<String> = None;
    for line in source.lines() {
        let line = line.trim();
        if let Some(head) = line.strip_prefix("export interface ") {
            let head = head.trim_end_matches('{').trim();
            let (name, parent) = match head.split_once(" extends ") {
                Some((name, parent)) => (name.trim(), Some(parent.trim().to_string())),
                None => (head, None),
            };
            let name = name.split('<').next().unwrap_or(name).to_string();
            own.insert(name.clone(), (parent, BTreeSet::new()));
            open = Some(name);
        } else if line == "}" {
            open = None;
        } else if let Some(name) = &open {
            if let Some(property) = property(line) {
                if let Some((_, properties)) = own.get_mut(name) {
                    properties.insert(property.to_string());
                }
            }
        }
    }
    own.keys()
        .map(|name| {
            let mut properties = BTreeSet::new();
            let mut at = Some(name.clone());
            // `extends` chains are short; the bound keeps a typo from looping.
            for _ in 0..8 {
                let Some((parent, own_properties)) = at.as_ref().and_then(|n| own.get(n)) else {
                    break;
                };
                properties.extend(own_properties.iter().cloned());
                at = parent.clone();
            }
            (name.clone(), properties)
        })
        .collect()
}

/// The property a line of an interface declares (`firstName?: string | null`).
fn property(line: &str) -> Option<&str> {
    if line.starts_with("/*") || line.starts_with('*') || line.starts_with("//") {
        return None;
    }
    let (name, _) = line.split_once(':')?;
    let name = name.trim_end_matches('?');
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
        .filter(|name| !name.is_empty())
}

/// Compares the typings' interfaces with what they must declare ([`expected`], in
/// snake_case): every difference, named.
fn check(
    typings: &BTreeMap<String, BTreeSet<String>>,
    expected: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (interface, declared) in typings {
        if BINDING_ONLY.contains(&interface.as_str()) {
            continue;
        }
        let Some(properties) = expected.get(interface) else {
            problems.push(format!("interface {interface}: no core type"));
            continue;
        };
        let wanted: BTreeSet<String> = properties.iter().map(|p| to_camel(p)).collect();
        let missing: Vec<_> = wanted.difference(declared).cloned().collect();
        let extra: Vec<_> = declared.difference(&wanted).cloned().collect();
        if !missing.is_empty() {
            problems.push(format!(
                "interface {interface} lacks {}",
                missing.join(", ")
            ));
        }
        if !extra.is_empty() {
            problems.push(format!(
                "interface {interface} has {}, which the core has not",
                extra.join(", ")
            ));
        }
    }
    problems
}

#[test]
fn every_interface_has_the_properties_of_its_core_type() {
    let core = contactkit::schema::properties();
    let problems = check(&interfaces(TYPEDEFS), &expected(&core));
    assert!(
        problems.is_empty(),
        "typedefs.d.ts differs from core:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_union_of_strings_has_the_values_of_its_core_enum() {
    let problems = check_unions(&unions(TYPEDEFS), &contactkit::schema::values());
    assert!(
        problems.is_empty(),
        "typedefs.d.ts differs from core:\n{}",
        problems.join("\n")
    );
}

#[test]
fn unions_parse_on_one_line_or_many() {
    let parsed = unions(
        "export type Channel = 'email' | 'sms'\nexport type Reason =\n  | 'ok'\n  | 'no'\nexport type Id = string\n",
    );
    assert_eq!(parsed.keys().collect::<Vec<_>>(), ["Channel", "Reason"]);
    assert_eq!(parsed["Reason"], ["no", "ok"].map(String::from).into());
}

#[test]
fn the_typings_parse_into_interfaces_with_their_properties() {
    let typings = interfaces(TYPEDEFS);
    let contact_input = &typings["ContactInput"];
    for property in ["email", "firstName", "mobilePush", "fields", "source"] {
        assert!(contact_input.contains(property), "ContactInput.{property}");
    }
    // Inherited properties count: OpenOptions extends BookOptions.
    assert!(typings["OpenOptions"].contains("defaultRegion"));
    assert!(typings["OpenOptions"].contains("busyTimeoutMs"));
    assert!(typings["CampaignActivity"].contains("at"));
    // Doc comments and type aliases are not properties or interfaces.
    assert!(!typings.contains_key("Channel"));
    assert!(typings.values().flatten().all(|p| !p.contains(' ')));
    assert!(typings.len() > 30, "{} interfaces", typings.len());
}

#[test]
fn a_difference_from_the_core_names_the_interface_and_the_properties() {
    let typings = interfaces(
        "export interface DeviceInput {\n  appId: string\n  /** doc */\n  token?: string | null\n  colour: string\n}\n\
         export interface FieldDefinitionInput {\n  key: string\n}\n\
         export interface BookOptions {\n  clock?: Date\n}\n\
         export interface Ghost {\n  boo: string\n}\n",
    );
    let core = BTreeMap::from([
        (
            "DeviceInput",
            ["app_id", "token", "os_version"].map(String::from).into(),
        ),
        ("FieldDefinition", ["key".to_string()].into()),
    ]);
    assert_eq!(
        check(&typings, &expected(&core)),
        [
            "interface DeviceInput lacks osVersion",
            "interface DeviceInput has colour, which the core has not",
            "interface Ghost: no core type",
        ]
    );
}
