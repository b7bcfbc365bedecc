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
from typing import Literal, Mapping, Optional, Sequence, TypedDict, Union

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
Rule = Union[Mapping[str, _Any], str]

# The dict inputs as TypedDicts (the stub has the same keys, with each TypedDict's
# documentation): at run time they are plain dicts, and any Mapping is taken. Required
# keys are those of a private base class (typing.Required needs Python 3.11).


class AddressInput(TypedDict, total=False):
    country: Optional[str]
    region: Optional[str]
    town: Optional[str]
    street_address: Optional[str]
    postcode: Optional[str]


class _LocationKeys(TypedDict):
    latitude: float
    longitude: float


class LocationInput(_LocationKeys, total=False):
    accuracy: Optional[float]
    country: Optional[str]
    region: Optional[str]
    city: Optional[str]
    source: LocationSource


class _DeviceKeys(TypedDict):
    app_id: str
    device_id: str


class DeviceInput(_DeviceKeys, total=False):
    token: Optional[str]
    platform: Optional[Platform]
    model: Optional[str]
    os: Optional[str]
    os_version: Optional[str]
    locale: Optional[str]
    app_version: Optional[str]
    active: Optional[bool]


class WebPushKeysInput(TypedDict):
    p256dh: str
    auth: str


class _WebPushKeys(TypedDict):
    endpoint: str


class WebPushInput(_WebPushKeys, total=False):
    p256dh: Optional[str]
    auth: Optional[str]
    keys: Optional[WebPushKeysInput]
    user_agent: Optional[str]
    language: Optional[str]
    os: Optional[str]
    subscription_page: Optional[str]


class TelegramInput(TypedDict):
    bot_id: Union[str, int]
    chat_id: Union[str, int]


class ContactInput(TypedDict, total=False):
    id: str
    external_id: Optional[Union[str, int]]
    contact_key: Optional[str]
    first_name: Optional[str]
    last_name: Optional[str]
    email: Optional[str]
    phone: Optional[str]
    mobile_push: Optional[Sequence[DeviceInput]]
    web_push: Optional[Sequence[WebPushInput]]
    telegram: Optional[TelegramInput]
    categories: Optional[Sequence[str]]
    segments: Optional[Sequence[str]]
    address: Optional[AddressInput]
    location: Optional[LocationInput]
    timezone: Optional[str]
    language: Optional[str]
    fields: Mapping[str, Optional[FieldInput]]
    source: Optional[Source]
    email_status: Optional[ChannelStatus]
    email_status_at: Optional[Instant]
    email_status_reason: Optional[str]
    phone_status: Optional[ChannelStatus]
    phone_status_at: Optional[Instant]
    phone_status_reason: Optional[str]


class _FieldDefinitionKeys(TypedDict):
    key: str
    type: FieldType


class FieldDefinitionInput(_FieldDefinitionKeys, total=False):
    title: str
    required: bool
    readonly: bool
    options: Sequence[str]
    min: Optional[DecimalInput]
    max: Optional[DecimalInput]


class _CampaignKeys(TypedDict):
    message_id: Union[str, int]
    channel: CampaignChannel
    status: CampaignStatus


class CampaignInput(_CampaignKeys, total=False):
    message_name: Optional[str]
    status_description: Optional[str]
    at: Optional[Instant]


class _EventKeys(TypedDict):
    name: str


class EventInput(_EventKeys, total=False):
    key_value: Optional[str]
    params: Mapping[str, _Any]
    workflows: Sequence[str]
    at: Optional[Instant]


class _OrderItemKeys(TypedDict):
    product_id: Union[str, int]
    quantity: DecimalInput
    price: DecimalInput


class OrderItemInput(_OrderItemKeys, total=False):
    name: Optional[str]


class _OrderKeys(TypedDict):
    external_id: Union[str, int]
    amount: DecimalInput
    currency: str


class OrderInput(_OrderKeys, total=False):
    status: OrderStatus
    items: Sequence[OrderItemInput]
    shipping: Optional[DecimalInput]
    discount: Optional[DecimalInput]
    taxes: Optional[DecimalInput]
    store_id: Optional[Union[str, int]]
    source: OrderSource
    delivery_address: Optional[AddressInput]
    at: Optional[Instant]


class _SuppressionKeys(TypedDict):
    channel: _one_of("email", "sms")
    address: str
    kind: SuppressionKind


class SuppressionInput(_SuppressionKeys, total=False):
    reason: Optional[str]
    at: Optional[Instant]


Activity = Union[CampaignActivity, EventActivity, OrderActivity]

__all__ = [
    "Activity",
    "ActivityCategory",
    "Address",
    "AddressInput",
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
    "LocationInput",
    "LocationSource",
    "NotFoundError",
    "OnInvalid",
    "OrderActivity",
    "OrderInput",
    "OrderItem",
    "OrderItemInput",
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
    "SuppressionInput",
    "SuppressionKind",
    "Telegram",
    "TelegramInput",
    "ValidationError",
    "WebPushInput",
    "WebPushKeysInput",
    "WebPushSubscription",
    "__version__",
]
