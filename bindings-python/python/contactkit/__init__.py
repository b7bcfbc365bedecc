"""ContactKit: embeddable contact profiles for Python data pipelines.

Everything goes through :class:`ContactBook`::

    import contactkit

    with contactkit.ContactBook.open("contacts.db") as book:
        ann = book.upsert({"email": "ann@example.com", "first_name": "Ann"}, dedupe_on="email")
        print(ann.email_status)  # "active"

The classes are implemented in Rust (``contactkit._native``); this package re-exports
them. Type information ships in ``__init__.pyi``.
"""

import datetime as _datetime
from decimal import Decimal as _Decimal
from typing import Any as _Any
from typing import Literal, Mapping, Sequence, Union

from ._native import (
    Address,
    Application,
    CampaignActivity,
    Category,
    Change,
    ChangePage,
    ConflictError,
    Contact,
    ContactBook,
    ContactKitError,
    Device,
    DroppedRow,
    EventActivity,
    FieldDefinition,
    ImportReport,
    Location,
    NotFoundError,
    OrderActivity,
    OrderItem,
    OrderStats,
    Page,
    RejectedRow,
    Restored,
    RowProblem,
    Segment,
    SendDecision,
    StorageError,
    Suppression,
    SuppressionImportReport,
    Telegram,
    ValidationError,
    WebPushSubscription,
    __version__,
)


# Names of the string enums and shapes of the inputs, for annotations; the same
# definitions are in __init__.pyi, which type checkers read. Each enum is spelt as a
# Union of one-value Literals (what `Literal["a", "b"]` means) because mypy's stubtest
# compares the runtime alias with the stub's expanded Union.


def _one_of(*names: str) -> _Any:
    return Union[tuple(Literal[name] for name in names)]


Channel = _one_of("email", "sms", "mobile_push", "web_push", "telegram")
DedupeOn = _one_of("id", "email", "phone", "email_or_phone", "contact_key", "external_id")
ChannelStatus = _one_of("active", "unconfirmed", "unsubscribed", "spam_complaint", "blacklisted")
SuppressionKind = _one_of("unsubscribed", "spam_complaint", "blacklisted")
SendReason = _one_of(
    "ok",
    "no_address",
    "blacklisted",
    "spam_complaint",
    "unsubscribed",
    "unconfirmed",
    "not_in_category",
    "unknown_contact",
)
Platform = _one_of("ios", "android", "huawei", "other")
Source = _one_of("api", "import", "subscription_form", "order", "sdk", "manual")
LocationSource = _one_of("manual", "gps", "ip")
FieldType = _one_of(
    "text", "textarea", "number", "decimal", "date", "datetime", "boolean", "list", "multilist"
)
CampaignChannel = _one_of("email", "sms", "viber", "mobile_push", "web_push", "app_inbox", "telegram")
CampaignStatus = _one_of("sent", "delivered", "read", "clicked", "undelivered", "unsubscribed", "spam")
OrderStatus = _one_of("initialized", "in_progress", "delivered", "cancelled", "abandoned_shopping_cart")
OrderSource = _one_of("online", "offline")
ActivityCategory = _one_of("all", "campaigns", "events", "orders")
Period = _one_of("7d", "30d", "90d", "1y", "all")
Durability = _one_of("normal", "full")
SegmentKind = _one_of("static", "dynamic", "category")
ChangeOp = _one_of(
    "created", "updated", "deleted", "restored", "merged", "erased", "activity", "consent", "catalog"
)
LineKind = _one_of("catalog", "profile")
OnInvalid = _one_of("reject_row", "drop_field")
ProblemCode = _one_of("invalid", "conflict", "not_found")
IfExists = _one_of("error", "return")

FieldInput = Union[bool, int, float, str, _Decimal, _datetime.date, _datetime.datetime, Sequence[str]]
FieldValue = Union[bool, int, str, _Decimal, _datetime.date, _datetime.datetime, list[str]]
DecimalInput = Union[_Decimal, str, int]
Instant = Union[_datetime.datetime, str]
ContactInput = Mapping[str, _Any]
Rule = Union[Mapping[str, _Any], str]
DeviceInput = Mapping[str, _Any]
WebPushInput = Mapping[str, _Any]
TelegramInput = Mapping[str, _Any]
FieldDefinitionInput = Mapping[str, _Any]
CampaignInput = Mapping[str, _Any]
EventInput = Mapping[str, _Any]
OrderInput = Mapping[str, _Any]
Activity = Union[CampaignActivity, EventActivity, OrderActivity]

__all__ = [
    "Activity",
    "ActivityCategory",
    "Address",
    "Application",
    "CampaignActivity",
    "CampaignChannel",
    "CampaignInput",
    "CampaignStatus",
    "Category",
    "Change",
    "ChangeOp",
    "ChangePage",
    "Channel",
    "ChannelStatus",
    "ConflictError",
    "Contact",
    "ContactBook",
    "ContactInput",
    "ContactKitError",
    "DecimalInput",
    "DedupeOn",
    "Device",
    "DeviceInput",
    "DroppedRow",
    "Durability",
    "EventActivity",
    "EventInput",
    "FieldDefinition",
    "FieldDefinitionInput",
    "FieldInput",
    "FieldType",
    "FieldValue",
    "IfExists",
    "ImportReport",
    "Instant",
    "LineKind",
    "Location",
    "LocationSource",
    "NotFoundError",
    "OnInvalid",
    "OrderActivity",
    "OrderInput",
    "OrderItem",
    "OrderSource",
    "OrderStats",
    "OrderStatus",
    "Page",
    "Period",
    "Platform",
    "ProblemCode",
    "RejectedRow",
    "Restored",
    "RowProblem",
    "Rule",
    "Segment",
    "SegmentKind",
    "SendDecision",
    "SendReason",
    "Source",
    "StorageError",
    "Suppression",
    "SuppressionImportReport",
    "SuppressionKind",
    "Telegram",
    "TelegramInput",
    "ValidationError",
    "WebPushInput",
    "WebPushSubscription",
    "__version__",
]
