"""The stub's record classes, read by ``stub_records``, against the classes the module
defines: the side of the stub check (issue 13, item 5) that needs no core schema."""

from __future__ import annotations

import inspect

import contactkit
from stub_records import record_attributes

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
    "ImportReport": ("ImportReport",),
    "OrderItem": ("OrderItem",),
    "CampaignActivity": ("Activity", "Campaign"),
    "EventActivity": ("Activity", "Event"),
    "OrderActivity": ("Activity", "Order"),
}


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
