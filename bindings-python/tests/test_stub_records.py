"""The hand-written stub checked against core's types (issue 13, item 5): each record
class of ``__init__.pyi`` declares exactly the keys of the core types it shows, and each
literal alias exactly the strings of its core enum, as core's ``schema`` feature lists
them (the hidden ``_native._schema_properties()`` and ``_schema_values()``). A field
added to core and not to the stub fails here, named."""

from __future__ import annotations

import inspect

import contactkit
from contactkit import _native
from stub_records import literal_aliases, record_attributes, typed_dicts

# Each record class and the core types (`contactkit::schema::properties()` names) whose
# properties it shows: an activity class shows the common part and its kind's detail.
CORE_TYPES: dict[str, tuple[str, ...]] = {
    "Suppression": ("SuppressionRecord",),
    "Device": ("MobilePushDevice",),
    "Application": ("Application",),
    "WebPushSubscription": ("WebPushSubscription",),
    "Telegram": ("Telegram",),
    "Address": ("Address",),
    "Location": ("Location",),
    "OrderStats": ("OrderStats",),
    "Contact": ("Contact",),
    "Category": ("Category",),
    "Segment": ("Segment",),
    "FieldDefinition": ("FieldDefinition",),
    "SendDecision": ("SendDecision",),
    "RejectedRow": ("RejectedRow",),
    "DroppedRow": ("DroppedRow",),
    "RowProblem": ("RowProblem",),
    "ImportReport": ("ImportReport",),
    "SuppressionImportReport": ("SuppressionImportReport",),
    "OrderItem": ("OrderItem",),
    "Change": ("Change",),
    "ChangePage": ("ChangePage",),
    # Core's schema does not list Restored (nor LineKind) yet; `_schema_properties()`
    # (`_schema_values()`) adds them by their serde form until it does.
    "Restored": ("Restored",),
    "CampaignActivity": ("Activity", "Campaign"),
    "EventActivity": ("Activity", "Event"),
    "OrderActivity": ("Activity", "Order"),
}


# The kinds of timeline item: an activity class shows the keys common to every kind
# and those of its own.
ACTIVITY_KINDS = ("Campaign", "Event", "Order")

# Each input TypedDict of the stub and the core type whose keys it lists (a dict
# argument is read as that type, which refuses any other key).
INPUT_TYPES: dict[str, str] = {
    "AddressInput": "Address",
    "CampaignInput": "CampaignInput",
    "ContactInput": "ContactInput",
    "DeviceInput": "DeviceInput",
    "EventInput": "EventInput",
    "FieldDefinitionInput": "FieldDefinition",
    "LocationInput": "LocationInput",
    "OrderInput": "OrderInput",
    "OrderItemInput": "OrderItem",
    "SuppressionInput": "SuppressionInput",
    "TelegramInput": "Telegram",
    "WebPushInput": "WebPushInput",
    "WebPushKeysInput": "WebPushKeys",
}

# Core record types no stub class or input TypedDict shows, and why.
NOT_STUB_RECORDS = {
    "ActivityQuery": "keyword arguments of activity()",
    "ContactExport": "export_contact() returns it as a JSON-shaped dict",
    "FieldUpdate": "keyword arguments of update_field()",
    "ListQuery": "keyword arguments of list() and segment_members()",
    "SegmentUpdate": "keyword arguments of update_segment()",
}

# Core enums with no literal alias in the stub, and why.
NOT_STUB_ALIASES = {
    "ActivityKind": "each activity class declares its one kind as a Literal",
    "Color": "each activity class declares its one color as a Literal",
    "RuleOp": "inside a Rule, a dict (Mapping[str, Any]): core reads and names its ops",
    "RuleAttribute": "inside a Rule, a dict (Mapping[str, Any]): core reads and names its attributes",
}


def core_keys(record: str, properties: dict[str, set[str]]) -> set[str]:
    """The keys core gives the values the stub's class `record` shows."""
    types = CORE_TYPES[record]
    if types[0] == "Activity":
        every_kind = set().union(*(properties[kind] for kind in ACTIVITY_KINDS))
        return (properties["Activity"] - every_kind) | properties[types[1]]
    return set().union(*(properties[name] for name in types))


def test_every_stub_record_has_exactly_the_keys_of_its_core_types() -> None:
    properties = _native._schema_properties()
    differences = []
    for record, attributes in sorted(record_attributes().items()):
        keys = core_keys(record, properties)
        if attributes - keys:
            differences.append(f"{record}: not in core {CORE_TYPES[record]}: {sorted(attributes - keys)}")
        if keys - attributes:
            differences.append(f"{record}: missing from the stub: {sorted(keys - attributes)}")
    assert differences == []


def test_every_core_record_type_is_in_the_stub_or_said_why_not() -> None:
    shown = {name for types in CORE_TYPES.values() for name in types} | set(INPUT_TYPES.values())
    core = set(_native._schema_properties())
    assert shown - core == set(), "no such core type"
    assert core - shown - set(NOT_STUB_RECORDS) == set(), "core types the stub does not show"
    assert set(NOT_STUB_RECORDS) & shown == set()


def test_every_literal_alias_lists_exactly_the_strings_of_its_core_enum() -> None:
    values = _native._schema_values()
    aliases = literal_aliases()
    differences = []
    for name, strings in sorted(values.items()):
        if name in NOT_STUB_ALIASES:
            continue
        if name not in aliases:
            differences.append(f"{name}: no alias in the stub")
            continue
        if aliases[name] != strings:
            differences.append(
                f"{name}: not in core {sorted(aliases[name] - strings)}, missing {sorted(strings - aliases[name])}"
            )
    assert differences == []


def runtime_attributes(cls: type) -> set[str]:
    """The read-only attributes (getters) a class of the native module defines."""
    return {
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and inspect.isgetsetdescriptor(member)
    }


def test_every_record_class_of_the_stub_names_its_core_types() -> None:
    stub = set(record_attributes())
    assert stub - set(CORE_TYPES) == set(), "stub records without core types"
    assert set(CORE_TYPES) - stub == set(), "core types for no stub record"


def test_the_stub_records_have_the_attributes_of_the_module_records() -> None:
    for name, attributes in record_attributes().items():
        runtime = runtime_attributes(getattr(contactkit, name))
        assert attributes - runtime == set(), f"{name}: in the stub only"
        assert runtime - attributes == set(), f"{name}: in the module only"


def test_the_parser_reads_properties_and_leaves_out_methods() -> None:
    contact = record_attributes()["Contact"]
    assert {"id", "email", "address", "order_stats"} <= contact
    assert "to_dict" not in contact


def test_every_input_typed_dict_has_exactly_the_keys_of_its_core_type() -> None:
    properties = _native._schema_properties()
    inputs = typed_dicts()
    assert set(inputs) == set(INPUT_TYPES), "input TypedDicts of the stub and INPUT_TYPES"
    differences = []
    for name, (required, optional) in sorted(inputs.items()):
        keys = required | optional
        core = properties[INPUT_TYPES[name]]
        if keys - core:
            differences.append(f"{name}: not in core {INPUT_TYPES[name]}: {sorted(keys - core)}")
        if core - keys:
            differences.append(f"{name}: missing from the stub: {sorted(core - keys)}")
    assert differences == []


def test_the_stub_input_typed_dicts_are_those_of_the_module() -> None:
    """The runtime TypedDicts (``contactkit.ContactInput``…) have the stub's keys, and
    require the same ones."""
    for name, (required, optional) in typed_dicts().items():
        runtime = getattr(contactkit, name)
        assert set(runtime.__required_keys__) == required, name
        assert set(runtime.__optional_keys__) == optional, name
        assert name in contactkit.__all__


def test_the_parser_reads_required_keys_of_typed_dicts() -> None:
    inputs = typed_dicts()
    required, optional = inputs["OrderInput"]
    assert required == {"external_id", "amount", "currency"}
    assert {"items", "at", "status"} <= optional
    assert inputs["TelegramInput"] == ({"bot_id", "chat_id"}, set())
    assert "ContactInput" not in record_attributes()
