//! The model's types described as data (feature `schema`), so a binding's hand-written
//! type stubs (TypeScript interfaces, Python TypedDicts and classes) are checked against
//! the Rust types they stand for: a field added to core and not to a stub fails that
//! binding's tests, naming the field.
//!
//! The descriptions come from [`schemars`], which reads the same serde attributes the
//! values cross the bindings with (renames, flattening, skipped keys), so they cannot
//! drift from what a binding actually sends and receives.

use crate::model::*;
use crate::{LineKind, Restored};
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Every record type of the model (inputs, outputs and the types inside them) by its
/// Rust name, with the keys it is read or written with (snake_case, as serde names
/// them): what a stub of that type must declare. A type written with more keys than it
/// is read with (e.g. [`FieldDefinition`], whose `created_at` the book stamps) lists
/// both; an [`Activity`] lists the keys of all three kinds.
pub fn properties() -> BTreeMap<&'static str, BTreeSet<String>> {
    macro_rules! records {
        ($($name:ident),* $(,)?) => {
            BTreeMap::from([$((stringify!($name), keys_of::<$name>())),*])
        };
    }
    records![
        Activity,
        ActivityQuery,
        Address,
        Application,
        Campaign,
        CampaignInput,
        Category,
        Change,
        ChangePage,
        Contact,
        ContactExport,
        ContactInput,
        DeviceInput,
        DroppedRow,
        Event,
        EventInput,
        FieldDefinition,
        FieldUpdate,
        ImportReport,
        ListQuery,
        Location,
        LocationInput,
        MobilePushDevice,
        Order,
        OrderInput,
        OrderItem,
        OrderStats,
        RejectedRow,
        Restored,
        RowProblem,
        Segment,
        SegmentUpdate,
        SendDecision,
        SuppressionImportReport,
        SuppressionInput,
        SuppressionRecord,
        Telegram,
        WebPushInput,
        WebPushKeys,
        WebPushSubscription,
    ]
}

/// Every enumeration of the model that crosses as a string, by its Rust name, with the
/// strings it takes: what a stub's literal union of that type must list.
pub fn values() -> BTreeMap<&'static str, BTreeSet<String>> {
    macro_rules! enums {
        ($($name:ident),* $(,)?) => {
            BTreeMap::from([$((stringify!($name), strings_of::<$name>())),*])
        };
    }
    let mut values = enums![
        ActivityCategory,
        ActivityKind,
        CampaignChannel,
        CampaignStatus,
        ChangeOp,
        Channel,
        ChannelStatus,
        Color,
        DedupeOn,
        FieldType,
        LineKind,
        LocationSource,
        OnInvalid,
        OrderSource,
        OrderStatus,
        Period,
        Platform,
        ProblemCode,
        SegmentKind,
        SendReason,
        Source,
        SuppressionKind,
    ];
    // The rule language's ops and attributes, as the bindings' typings name them.
    values.insert("RuleOp", strings_of::<crate::rule::Op>());
    values.insert("RuleAttribute", strings_of::<crate::rule::Attribute>());
    values
}

/// The keys of `T` as read and as written.
fn keys_of<T: JsonSchema>() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for settings in [
        SchemaSettings::default().for_deserialize(),
        SchemaSettings::default().for_serialize(),
    ] {
        let schema = settings.into_generator().into_root_schema_for::<T>();
        let root = schema.as_value();
        collect(root, definitions(root), &mut |object| {
            if let Some(Value::Object(properties)) = object.get("properties") {
                keys.extend(properties.keys().cloned());
            }
        });
    }
    keys
}

/// The strings `T` takes.
fn strings_of<T: JsonSchema>() -> BTreeSet<String> {
    let schema = SchemaSettings::default()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>();
    let root = schema.as_value();
    let mut strings = BTreeSet::new();
    collect(root, definitions(root), &mut |object| {
        let listed = object.get("enum").and_then(Value::as_array);
        let constant = object.get("const");
        for value in listed.into_iter().flatten().chain(constant) {
            if let Some(text) = value.as_str() {
                strings.insert(text.to_string());
            }
        }
    });
    strings
}

/// The schemas a root schema's `$ref`s point into.
fn definitions(root: &Value) -> Option<&Map<String, Value>> {
    root.get("$defs").and_then(Value::as_object)
}

/// Calls `visit` on `schema` and on every schema it is made of at its own level
/// (`allOf`, `oneOf`, `anyOf`, and a `$ref` to a definition: how flattened structs and
/// tagged enums are described), never on the schemas of its properties.
fn collect(
    schema: &Value,
    defs: Option<&Map<String, Value>>,
    visit: &mut dyn FnMut(&Map<String, Value>),
) {
    // Definitions of the model refer to each other without cycles at one level; the
    // depth bound only guards against a schema that would.
    fn walk(
        schema: &Value,
        defs: Option<&Map<String, Value>>,
        visit: &mut dyn FnMut(&Map<String, Value>),
        depth: usize,
    ) {
        let Some(object) = schema.as_object().filter(|_| depth < 16) else {
            return;
        };
        visit(object);
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in object
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(part, defs, visit, depth + 1);
            }
        }
        let target = object
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix("#/$defs/"))
            .and_then(|name| defs?.get(name));
        if let Some(target) = target {
            walk(target, defs, visit, depth + 1);
        }
    }
    walk(schema, defs, visit, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_list_their_keys_as_serde_names_them() {
        let properties = properties();
        let input = &properties["ContactInput"];
        for key in ["email", "mobile_push", "fields", "address", "source"] {
            assert!(input.contains(key), "{key} in {input:?}");
        }
        let activity = &properties["Activity"];
        for key in ["id", "kind", "color", "icon", "channel", "name", "amount"] {
            assert!(activity.contains(key), "{key} in {activity:?}");
        }
        assert!(properties["FieldDefinition"].contains("type"));
    }

    #[test]
    fn enums_list_their_strings() {
        let values = values();
        assert!(values["Channel"].contains("mobile_push"));
        assert!(values["Period"].contains("30d"));
        assert_eq!(values["ActivityKind"].len(), 3);
    }
}
