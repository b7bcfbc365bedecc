"""Type information for ContactKit (the classes are implemented in Rust)."""

import builtins
import datetime
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any, Generic, Literal, Optional, TypedDict, TypeVar, Union, final

from typing_extensions import Required, Self, TypeAlias

__version__: str

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

# ---- names ---------------------------------------------------------------------------

Channel: TypeAlias = Literal["email", "sms", "mobile_push", "web_push", "telegram"]
DedupeOn: TypeAlias = Literal["id", "email", "phone", "email_or_phone", "contact_key", "external_id"]
ChannelStatus: TypeAlias = Literal["active", "unconfirmed", "unsubscribed", "spam_complaint", "blacklisted"]
SuppressionKind: TypeAlias = Literal["unsubscribed", "spam_complaint", "blacklisted"]
SendReason: TypeAlias = Literal[
    "ok",
    "no_address",
    "blacklisted",
    "spam_complaint",
    "unsubscribed",
    "unconfirmed",
    "not_in_category",
    "unknown_contact",
]
Platform: TypeAlias = Literal["ios", "android", "huawei", "other"]
Source: TypeAlias = Literal["api", "import", "subscription_form", "order", "sdk", "manual"]
LocationSource: TypeAlias = Literal["manual", "gps", "ip"]
FieldType: TypeAlias = Literal[
    "text", "textarea", "number", "decimal", "date", "datetime", "boolean", "list", "multilist"
]
CampaignChannel: TypeAlias = Literal["email", "sms", "viber", "mobile_push", "web_push", "app_inbox", "telegram"]
CampaignStatus: TypeAlias = Literal["sent", "delivered", "read", "clicked", "undelivered", "unsubscribed", "spam"]
OrderStatus: TypeAlias = Literal["initialized", "in_progress", "delivered", "cancelled", "abandoned_shopping_cart"]
OrderSource: TypeAlias = Literal["online", "offline"]
ActivityCategory: TypeAlias = Literal["all", "campaigns", "events", "orders"]
Period: TypeAlias = Literal["7d", "30d", "90d", "1y", "all"]
#: How hard a commit of a SQLite book tries to reach the disk (``full``: survives a power cut).
Durability: TypeAlias = Literal["normal", "full"]
#: How a segment's members are decided.
SegmentKind: TypeAlias = Literal["static", "dynamic", "category"]
#: What a change of the change feed did (see :meth:`ContactBook.changes`).
ChangeOp: TypeAlias = Literal[
    "created", "updated", "deleted", "restored", "merged", "erased", "activity", "consent", "catalog"
]
#: What a line of the portable form is (see :meth:`ContactBook.restore_line`).
LineKind: TypeAlias = Literal["catalog", "profile"]
#: What an import does with a row holding a value the book refuses: reject the whole
#: row, or leave the value out and write the rest (see :meth:`ContactBook.import_contacts`).
OnInvalid: TypeAlias = Literal["reject_row", "drop_field"]
#: The kind of a :class:`RowProblem`: a value breaking its rule, a unique value another
#: contact holds, or a name the book does not have (a segment, a category).
ProblemCode: TypeAlias = Literal["invalid", "conflict", "not_found"]
#: What a definition call does when its category, segment or field exists: raise
#: ``ConflictError`` (``"error"``) or return what exists (``"return"``).
IfExists: TypeAlias = Literal["error", "return"]

# ---- inputs ----------------------------------------------------------------------------

#: A field value as given: typed, or in the platform's string form.
FieldInput: TypeAlias = Union[bool, int, float, str, Decimal, datetime.date, datetime.datetime, Sequence[str]]
#: A field value as returned.
FieldValue: TypeAlias = Union[bool, int, str, Decimal, datetime.date, datetime.datetime, builtins.list[str]]
#: Money and decimals: exact values only.
DecimalInput: TypeAlias = Union[Decimal, str, int]
#: An instant: an aware datetime, an RFC 3339 string, or ``YYYY-MM-DD HH:MM:SS`` text
#: (read as UTC). A naive datetime is refused as an argument, and read as UTC in an
#: import row (as every export tool writes it).
Instant: TypeAlias = Union[datetime.datetime, str]

# The inputs are dicts whose keys are the attribute names (see docs/python.md), typed
# here as TypedDicts so that a type checker names a misspelt key or a value of the wrong
# type. At run time they are plain dicts (any Mapping is taken), read by core, which
# refuses an unknown key too. In an update or upsert an absent key keeps the current
# value and ``None`` clears it.

class AddressInput(TypedDict, total=False):
    """A postal address (replaces the whole address)."""

    country: Optional[str]
    region: Optional[str]
    town: Optional[str]
    street_address: Optional[str]
    postcode: Optional[str]

class LocationInput(TypedDict, total=False):
    """A location; the book stamps ``updated_at``."""

    latitude: Required[float]
    longitude: Required[float]
    accuracy: Optional[float]
    country: Optional[str]
    region: Optional[str]
    city: Optional[str]
    source: LocationSource

class DeviceInput(TypedDict, total=False):
    """A push device. ``platform`` and ``active`` are optional: a new device gets
    ``"other"`` and ``True``, and a known device registered again without them keeps
    what it had."""

    app_id: Required[str]
    device_id: Required[str]
    token: Optional[str]
    platform: Optional[Platform]
    model: Optional[str]
    os: Optional[str]
    os_version: Optional[str]
    locale: Optional[str]
    app_version: Optional[str]
    active: Optional[bool]

class WebPushKeysInput(TypedDict):
    """A push subscription's keys, as ``PushSubscription.toJSON()`` nests them."""

    p256dh: str
    auth: str

class WebPushInput(TypedDict, total=False):
    """A web push subscription: its keys flat (``p256dh``, ``auth``) or under ``keys``."""

    endpoint: Required[str]
    p256dh: Optional[str]
    auth: Optional[str]
    keys: Optional[WebPushKeysInput]
    user_agent: Optional[str]
    language: Optional[str]
    os: Optional[str]
    subscription_page: Optional[str]

class TelegramInput(TypedDict):
    """A Telegram binding (an ``int`` id is taken in its decimal form)."""

    bot_id: Union[str, int]
    chat_id: Union[str, int]

class ContactInput(TypedDict, total=False):
    """What creates, upserts, updates or signs up a contact. The ``*_status`` keys
    carry an export's consent state (``unsubscribed``, ``spam_complaint`` and
    ``blacklisted`` record that suppression, dated ``*_status_at`` with
    ``*_status_reason``)."""

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

class FieldDefinitionInput(TypedDict, total=False):
    """An additional field's definition (:meth:`ContactBook.define_field`)."""

    key: Required[str]
    type: Required[FieldType]
    title: str
    required: bool
    readonly: bool
    options: Sequence[str]
    min: Optional[DecimalInput]
    max: Optional[DecimalInput]

class CampaignInput(TypedDict, total=False):
    """A campaign message, or a status update of one."""

    message_id: Required[Union[str, int]]
    channel: Required[CampaignChannel]
    status: Required[CampaignStatus]
    message_name: Optional[str]
    status_description: Optional[str]
    at: Optional[Instant]

class EventInput(TypedDict, total=False):
    """Something the contact did."""

    name: Required[str]
    key_value: Optional[str]
    params: Mapping[str, Any]
    workflows: Sequence[str]
    at: Optional[Instant]

class OrderItemInput(TypedDict, total=False):
    """A line of an order: money and quantities exact (no ``float``)."""

    product_id: Required[Union[str, int]]
    quantity: Required[DecimalInput]
    price: Required[DecimalInput]
    name: Optional[str]

class OrderInput(TypedDict, total=False):
    """A purchase, recorded or updated by its ``external_id``; money is exact (no ``float``)."""

    external_id: Required[Union[str, int]]
    amount: Required[DecimalInput]
    currency: Required[str]
    status: OrderStatus
    items: Sequence[OrderItemInput]
    shipping: Optional[DecimalInput]
    discount: Optional[DecimalInput]
    taxes: Optional[DecimalInput]
    store_id: Optional[Union[str, int]]
    source: OrderSource
    delivery_address: Optional[AddressInput]
    at: Optional[Instant]

class SuppressionInput(TypedDict, total=False):
    """A row of a suppression list (:meth:`ContactBook.import_suppressions`)."""

    channel: Required[Literal["email", "sms"]]
    address: Required[str]
    kind: Required[SuppressionKind]
    reason: Optional[str]
    at: Optional[Instant]

#: A rule of the rule language (docs/python.md, DOMAIN.md "Rules: queries and dynamic
#: segments"): a dict such as ``{"all": [{"attr": "country", "op": "eq", "value": "UA"},
#: {"can_send": "email"}]}``, or its JSON text. Mistakes raise ``ValidationError`` whose
#: ``field`` is the path inside the rule (``rule.all[1].op``).
Rule: TypeAlias = Union[Mapping[str, Any], str]

# ---- errors ----------------------------------------------------------------------------

class ContactKitError(Exception):
    """Base class of every ContactKit error. Raised as itself only for an internal
    failure (a bug in ContactKit), whose instance carries ``reason``."""

class ValidationError(ContactKitError):
    """The input broke a rule; nothing was written. ``field`` names the input at fault."""

    field: Optional[str]
    value: Optional[str]
    reason: Optional[str]

class NotFoundError(ContactKitError):
    """The contact, segment, category, field or record named does not exist."""

    what: Optional[str]
    id: Optional[str]

class ConflictError(ContactKitError):
    """A unique value already belongs to something else: ``existing`` in words,
    ``existing_id`` its id (a contact or segment id, a category or field key)."""

    field: Optional[str]
    value: Optional[str]
    existing: Optional[str]
    existing_id: Optional[str]

class StorageError(ContactKitError):
    """The store failed or the file cannot be used; the operation was rolled back."""

    reason: Optional[str]
    retryable: bool
    """Whether the same call, unchanged, may succeed later (the store was busy or out of reach for a while)."""

# ---- records -----------------------------------------------------------------------------

@final
class Suppression:
    @property
    def channel(self) -> Channel: ...
    @property
    def address(self) -> str: ...
    @property
    def kind(self) -> SuppressionKind: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def lifted_at(self) -> Optional[datetime.datetime]: ...
    @property
    def lift_note(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Device:
    @property
    def app_id(self) -> str: ...
    @property
    def device_id(self) -> str: ...
    @property
    def token(self) -> Optional[str]: ...
    @property
    def platform(self) -> Platform: ...
    @property
    def model(self) -> Optional[str]: ...
    @property
    def os(self) -> Optional[str]: ...
    @property
    def os_version(self) -> Optional[str]: ...
    @property
    def locale(self) -> Optional[str]: ...
    @property
    def app_version(self) -> Optional[str]: ...
    @property
    def active(self) -> bool: ...
    @property
    def registered_at(self) -> datetime.datetime: ...
    @property
    def last_seen_at(self) -> datetime.datetime: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Application:
    @property
    def app_id(self) -> str: ...
    @property
    def device_ids(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class WebPushSubscription:
    @property
    def endpoint(self) -> str: ...
    @property
    def p256dh(self) -> str: ...
    @property
    def auth(self) -> str: ...
    @property
    def user_agent(self) -> Optional[str]: ...
    @property
    def language(self) -> Optional[str]: ...
    @property
    def os(self) -> Optional[str]: ...
    @property
    def subscription_page(self) -> Optional[str]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Telegram:
    @property
    def bot_id(self) -> str: ...
    @property
    def chat_id(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Address:
    @property
    def country(self) -> Optional[str]: ...
    @property
    def region(self) -> Optional[str]: ...
    @property
    def town(self) -> Optional[str]: ...
    @property
    def street_address(self) -> Optional[str]: ...
    @property
    def postcode(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Location:
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def accuracy(self) -> Optional[float]: ...
    @property
    def country(self) -> Optional[str]: ...
    @property
    def region(self) -> Optional[str]: ...
    @property
    def city(self) -> Optional[str]: ...
    @property
    def source(self) -> LocationSource: ...
    @property
    def updated_at(self) -> datetime.datetime: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class OrderStats:
    @property
    def order_count(self) -> int: ...
    @property
    def revenue(self) -> dict[str, Decimal]: ...
    @property
    def last_order_at(self) -> Optional[datetime.datetime]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Contact:
    """A contact profile. Attributes are read-only; ``to_dict()`` gives plain values."""

    @property
    def id(self) -> str: ...
    @property
    def external_id(self) -> Optional[str]: ...
    @property
    def contact_key(self) -> Optional[str]: ...
    @property
    def first_name(self) -> Optional[str]: ...
    @property
    def last_name(self) -> Optional[str]: ...
    @property
    def email(self) -> Optional[str]: ...
    @property
    def email_status(self) -> Optional[ChannelStatus]: ...
    @property
    def phone(self) -> Optional[str]: ...
    @property
    def phone_status(self) -> Optional[ChannelStatus]: ...
    @property
    def suppressions(self) -> list[Suppression]: ...
    @property
    def devices(self) -> list[Device]: ...
    @property
    def applications(self) -> list[Application]: ...
    @property
    def web_push(self) -> list[WebPushSubscription]: ...
    @property
    def telegram(self) -> Optional[Telegram]: ...
    @property
    def categories(self) -> list[str]: ...
    @property
    def address(self) -> Optional[Address]: ...
    @property
    def location(self) -> Optional[Location]: ...
    @property
    def timezone(self) -> Optional[str]: ...
    @property
    def language(self) -> Optional[str]: ...
    @property
    def segments(self) -> list[str]: ...
    @property
    def fields(self) -> dict[str, FieldValue]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def updated_at(self) -> datetime.datetime: ...
    @property
    def source(self) -> Source: ...
    @property
    def order_stats(self) -> OrderStats: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Category:
    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def segment_id(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Segment:
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> SegmentKind: ...
    @property
    def category_key(self) -> Optional[str]: ...
    @property
    def rule(self) -> Optional[dict[str, Any]]:
        """A dynamic segment's rule, as a dict; ``None`` for the other kinds."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class FieldDefinition:
    @property
    def key(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def type(self) -> FieldType: ...
    @property
    def required(self) -> bool: ...
    @property
    def readonly(self) -> bool: ...
    @property
    def options(self) -> list[str]: ...
    @property
    def min(self) -> Optional[Decimal]: ...
    @property
    def max(self) -> Optional[Decimal]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SendDecision:
    @property
    def allowed(self) -> bool: ...
    @property
    def reason(self) -> SendReason: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class RowProblem:
    """One value of a row the book refused."""

    @property
    def code(self) -> ProblemCode: ...
    @property
    def field(self) -> Optional[str]:
        """The field at fault (``email``, ``fields.birthday``, ``mobile_push[1].token``),
        or ``None`` when the row as a whole is."""
    @property
    def value(self) -> str:
        """The value as given (shortened past 80 characters)."""
    @property
    def reason(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class RejectedRow:
    """A row an import rejected; nothing of it was written."""

    @property
    def index(self) -> int:
        """0-based position in the input."""
    @property
    def field(self) -> Optional[str]:
        """The field of the first problem."""
    @property
    def reason(self) -> str:
        """The first problem's full message."""
    @property
    def problems(self) -> list[RowProblem]:
        """Every problem found in the row, in the order its values are checked."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class DroppedRow:
    """A row ``import_contacts(on_invalid="drop_field")`` wrote without some values."""

    @property
    def index(self) -> int:
        """0-based position in the input."""
    @property
    def id(self) -> str:
        """The contact the row was written to."""
    @property
    def problems(self) -> list[RowProblem]:
        """One problem per value left out."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class ImportReport:
    @property
    def created(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def without_key(self) -> int:
        """Rows written that had no value for the dedupe key: each got an id made from
        its content, so importing the same row again lands on the contact it made."""
    @property
    def rejected(self) -> list[RejectedRow]: ...
    @property
    def dropped(self) -> list[DroppedRow]: ...
    @property
    def ids(self) -> list[Optional[str]]:
        """Each row's contact id in input order (``None`` for a rejected row); empty
        with ``keep_ids=False``."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class SuppressionImportReport:
    """The outcome of :meth:`ContactBook.import_suppressions`."""

    @property
    def recorded(self) -> int: ...
    @property
    def unchanged(self) -> int:
        """Rows whose address already had a suppression of that kind in force."""
    @property
    def rejected(self) -> list[RejectedRow]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class OrderItem:
    @property
    def product_id(self) -> str: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def price(self) -> Decimal: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CampaignActivity:
    @property
    def id(self) -> str: ...
    @property
    def contact_id(self) -> str: ...
    @property
    def kind(self) -> Literal["campaign"]: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def color(self) -> Literal["green"]: ...
    @property
    def icon(self) -> CampaignChannel: ...
    @property
    def message_id(self) -> str: ...
    @property
    def message_name(self) -> Optional[str]: ...
    @property
    def channel(self) -> CampaignChannel: ...
    @property
    def status(self) -> CampaignStatus: ...
    @property
    def status_description(self) -> Optional[str]: ...
    @property
    def sent_to(self) -> Optional[str]:
        """The email or phone the message went to when first recorded (``None`` for
        push and Telegram): a later bounce or complaint suppresses that address."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class EventActivity:
    @property
    def id(self) -> str: ...
    @property
    def contact_id(self) -> str: ...
    @property
    def kind(self) -> Literal["event"]: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def color(self) -> Literal["brown"]: ...
    @property
    def icon(self) -> Literal["flag"]: ...
    @property
    def name(self) -> str: ...
    @property
    def key_value(self) -> Optional[str]: ...
    @property
    def params(self) -> dict[str, Any]: ...
    @property
    def workflows(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class OrderActivity:
    @property
    def id(self) -> str: ...
    @property
    def contact_id(self) -> str: ...
    @property
    def kind(self) -> Literal["order"]: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def color(self) -> Literal["red"]: ...
    @property
    def icon(self) -> Literal["shopping_bag"]: ...
    @property
    def external_id(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def status(self) -> OrderStatus: ...
    @property
    def items(self) -> list[OrderItem]: ...
    @property
    def shipping(self) -> Optional[Decimal]: ...
    @property
    def discount(self) -> Optional[Decimal]: ...
    @property
    def taxes(self) -> Optional[Decimal]: ...
    @property
    def store_id(self) -> Optional[str]: ...
    @property
    def source(self) -> OrderSource: ...
    @property
    def delivery_address(self) -> Optional[Address]: ...
    def to_dict(self) -> dict[str, Any]: ...

#: A timeline item; narrow it with ``item.kind == "order"`` or ``isinstance``.
Activity: TypeAlias = Union[CampaignActivity, EventActivity, OrderActivity]

@final
class Change:
    """One change of the change feed."""

    @property
    def seq(self) -> int:
        """Its place in the feed: increasing, in commit order, from 1."""
    @property
    def at(self) -> datetime.datetime:
        """When the unit of work that made it ran (aware, UTC)."""
    @property
    def op(self) -> ChangeOp: ...
    @property
    def contact_id(self) -> Optional[str]:
        """The contact it concerns; ``None`` for ``catalog`` changes."""
    @property
    def from_id(self) -> Optional[str]:
        """For ``merged``: the contact merged into ``contact_id``."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class ChangePage:
    """A page of the change feed, oldest first. ``next_cursor`` is always set: an empty
    page gives back a cursor at the same place (poll with it)."""

    @property
    def items(self) -> list[Change]: ...
    @property
    def next_cursor(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Restored:
    """What :meth:`ContactBook.restore_line` did with one line of the portable form."""

    @property
    def kind(self) -> LineKind:
        """``catalog``: a field definition, category or segment; ``profile``: a contact."""
    @property
    def contact_id(self) -> Optional[str]:
        """The contact a profile line landed on; ``None`` for a catalogue line."""
    @property
    def created(self) -> bool:
        """Whether the profile line created its contact (``False``: it updated one, or
        the line was a catalogue entry)."""
    def to_dict(self) -> dict[str, Any]: ...

_T = TypeVar("_T")

@final
class Page(Generic[_T]):
    """One page of results; pass ``next_cursor`` as ``cursor`` to read the next one."""

    @property
    def items(self) -> list[_T]: ...
    @property
    def next_cursor(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T]: ...
    @classmethod
    def __class_getitem__(cls, item: Any) -> Any: ...

# ---- the book ------------------------------------------------------------------------

@final
class ContactBook:
    """A book of contact profiles in a SQLite file or in memory.

    Safe to share between threads: each operation is atomic and runs with the GIL
    released. Usable as a context manager (closes on exit).
    """

    @classmethod
    def open(
        cls,
        path: Union[str, os.PathLike[str]],
        *,
        default_region: Optional[str] = None,
        durability: Durability = "normal",
        busy_timeout: float = 30.0,
    ) -> ContactBook: ...
    @classmethod
    def connect(
        cls,
        url: str,
        *,
        schema: Optional[str] = None,
        pool_size: int = 8,
        default_region: Optional[str] = None,
    ) -> ContactBook: ...
    @classmethod
    def in_memory(cls, *, default_region: Optional[str] = None) -> ContactBook: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]] = None,
        exc: Optional[BaseException] = None,
        traceback: Optional[TracebackType] = None,
    ) -> Literal[False]: ...

    # profile
    def create(self, input: ContactInput) -> Contact: ...
    def upsert(self, input: ContactInput, dedupe_on: DedupeOn = "email") -> Contact: ...
    def sign_up(self, input: ContactInput) -> Contact: ...
    def update(self, id: str, patch: ContactInput) -> Contact: ...
    def get(self, id: str) -> Optional[Contact]: ...
    def find_by_email(self, email: str) -> Optional[Contact]:
        """``None`` too for text no contact can hold (``"not an email"``)."""
    def find_by_phone(self, phone: str) -> Optional[Contact]:
        """``None`` too for text no contact can hold."""
    def find_by_key(self, contact_key: str) -> Optional[Contact]: ...
    def find_by_external_id(self, external_id: str) -> Optional[Contact]: ...
    def find_by_push_token(self, token: str) -> Optional[Contact]: ...
    def find_by_web_push_endpoint(self, endpoint: str) -> Optional[Contact]:
        """``None`` too for an endpoint no subscription can have (not an https URL)."""
    def delete(self, id: str) -> None: ...
    def restore(self, id: str) -> Contact: ...

    # lifecycle
    def merge(self, into_id: str, from_id: str) -> Contact:
        """Folds the contact ``from_id`` into ``into_id`` (the same person found twice)
        and returns the merged contact: ``into`` keeps its values and ``from`` fills
        what it lacks; devices, web push subscriptions, categories, static segments and
        the timeline move over. Afterwards ``from_id`` is an alias: ``get(from_id)`` and
        every call taking an id act on ``into``. Merging a contact into itself (or into
        a contact it was merged into) raises ``ValidationError`` on ``from_id``; a
        deleted contact ``ValidationError`` on ``into_id`` / ``from_id``; an unknown id
        ``NotFoundError``."""
    def export_contact(self, id: str) -> dict[str, Any]:
        """Everything the book holds about the contact ``id`` (deleted or not), as a
        plain JSON-shaped dict that ``json.dumps`` takes as it is::

            {"contact": {...},        # the keys of Contact.to_dict()
             "activity": [{...}],     # each item's to_dict() keys, newest first
             "suppressions": [{...}]} # Suppression.to_dict() keys: email, phone, id

        Values are in their JSON form: instants as RFC 3339 strings, decimals and dates
        as strings, enums as their names. An unknown id raises ``NotFoundError``."""
    def erase(self, id: str) -> None:
        """Forgets the contact ``id`` (deleted or not) for good: ``get`` returns
        ``None`` and ``restore`` raises ``NotFoundError``. The suppressions of its
        email and phone stay (kept under a keyed hash), so ``can_send`` and
        ``suppressions`` still find them by the address. An unknown id raises
        ``NotFoundError``."""
    def list(
        self, limit: Optional[int] = None, cursor: Optional[str] = None, *, rule: Optional[Rule] = None
    ) -> Page[Contact]:
        """Live contacts in id order, a page at a time; with ``rule``, those it matches."""
    def count(self, *, rule: Optional[Rule] = None) -> int:
        """How many live contacts; with ``rule``, how many it matches."""

    # portable form: whole books as JSON lines
    def export_catalog_lines(self) -> builtins.list[dict[str, Any]]:
        """The catalogue lines of the portable form: field definitions, categories,
        static then dynamic segments (with their rules), as JSON-shaped dicts with the
        core's keys."""
    def export_profile_lines(
        self, limit: Optional[int] = None, cursor: Optional[str] = None, *, with_activity: bool = True
    ) -> Page[dict[str, Any]]:
        """A page of profile lines of the live contacts in id order: each the profile
        card with static segments by name and, unless ``with_activity`` is false, the
        whole timeline under ``activity``. Values in their JSON form (instants,
        decimals and dates as strings), so ``json.dumps`` takes each line as it is."""
    def export_lines(self, *, with_activity: bool = True) -> Iterator[dict[str, Any]]:
        """A generator of the whole portable form: the catalogue lines, then every
        profile line, read a page at a time as the lines are taken."""
    def restore_line(self, line: Mapping[str, Any], dedupe_on: DedupeOn = "email") -> Restored:
        """Restores one line (as exported, or ``json.loads``-ed back): a catalogue entry
        is defined unless it exists; a profile line is upserted by ``dedupe_on`` with
        its timeline and suppression records, in one unit of work. Restoring a line
        again adds nothing. A line that fails writes nothing and raises
        ``ValidationError`` naming the part of the line (``activity[0].name``,
        ``suppressions[0].reason``, ``segments[0]``, or ``line``)."""

    # change feed
    def changes(self, cursor: Optional[str] = None, limit: Optional[int] = None) -> ChangePage:
        """The changes after ``cursor`` (from the first without one), oldest first, at
        most ``limit`` (100 when not given, at most 1000). Keep ``next_cursor`` and ask
        again to see every later change exactly once. A cursor this book did not return
        raises ``ValidationError`` on ``cursor``."""

    # bulk
    def import_contacts(
        self,
        rows: Iterable[Mapping[str, Any]],
        dedupe_on: DedupeOn = "email",
        progress: Optional[Callable[[int], object]] = None,
        *,
        on_invalid: OnInvalid = "reject_row",
        keep_ids: bool = True,
    ) -> ImportReport:
        """Upserts every row (read lazily, written in batches; ``progress(done)`` after
        each, with the rows handled so far). A row is any mapping with the keys of
        :class:`ContactInput` (annotate rows as ``ContactInput`` to have them checked);
        its problems are reported, never raised: each rejected row with every problem
        found in it, or with ``on_invalid="drop_field"`` the invalid values left out
        (``report.dropped``). NaN, NaT and pandas' NA cells are left out as if absent
        (``None`` still clears), a naive datetime is UTC, numpy scalars are their
        Python values. A row without its dedupe key gets an id from its content, so
        importing it again lands on the same contact."""
    def import_suppressions(self, rows: Iterable[Mapping[str, Any]]) -> SuppressionImportReport:
        """Records a suppression list, each row with the keys of :class:`SuppressionInput`
        (``channel``, ``address``, ``kind``, optionally ``reason`` and ``at``); a refused
        row is reported with its index and the others are recorded."""
    def import_dataframe(
        self,
        frame: Any,
        *,
        dedupe_on: Optional[DedupeOn] = None,
        columns: Optional[Mapping[str, str]] = None,
        on_invalid: Optional[OnInvalid] = None,
        progress: Optional[Callable[[int], object]] = None,
        keep_ids: bool = True,
    ) -> ImportReport:
        """Imports a pandas or polars DataFrame a row per contact, as ``import_contacts``
        does (``dedupe_on`` ``"email"`` and ``on_invalid`` ``"reject_row"`` when not
        given): an empty cell (NaN, None, NaT, NA) is no key at all. ``columns`` maps
        the columns to read to the keys they fill, dotted for a part of a nested value
        (``{"Email Address": "email", "City": "address.town", "Age": "fields.age"}``);
        without it every column is read under its own name. A column not in the frame
        raises ``KeyError``."""

    # DataFrames: every live contact (or those `rule` matches), a row each, typed columns
    def to_arrow(self, rule: Optional[Rule] = None) -> Any:
        """A ``pyarrow.Table`` (needs pyarrow): text columns, ``address.*``,
        ``location.*``, lists, counts, UTC timestamps (ms), order stats,
        ``revenue.<CUR>`` as ``decimal128(38, 6)``, ``fields.<key>`` typed by the field
        (a decimal field as its exact text)."""
    def to_pandas(self, rule: Optional[Rule] = None, *, arrow_dtypes: bool = False) -> Any:
        """``to_arrow(rule)`` as a ``pandas.DataFrame``."""
    def to_polars(self, rule: Optional[Rule] = None) -> Any:
        """``to_arrow(rule)`` as a ``polars.DataFrame``."""

    # channels
    def add_mobile_push(self, id: str, device: DeviceInput) -> Contact: ...
    def remove_mobile_push(self, id: str, token: str) -> Contact: ...
    def add_web_push(self, id: str, subscription: WebPushInput) -> Contact: ...
    def remove_web_push(self, id: str, endpoint: str) -> Contact: ...
    def set_telegram(self, id: str, telegram: Optional[TelegramInput]) -> Contact: ...
    def register_app(self, id: str, device: DeviceInput) -> Contact: ...
    def remove_app(self, id: str, app_id: str) -> Contact: ...

    # consent
    # `at`: when it happened (not after the book's clock), now when not given.
    def blacklist(
        self, id: str, channel: Channel, reason: Optional[str] = None, at: Optional[Instant] = None
    ) -> Contact: ...
    def unblacklist(self, id: str, channel: Channel, note: str) -> Contact: ...
    def unsubscribe(
        self, id: str, channel: Channel, reason: Optional[str] = None, at: Optional[Instant] = None
    ) -> Contact: ...
    def resubscribe(self, id: str, channel: Channel, note: Optional[str] = None) -> Contact: ...
    def report_spam(
        self, id: str, channel: Channel, reason: Optional[str] = None, at: Optional[Instant] = None
    ) -> Contact: ...
    def suppress_address(
        self,
        channel: Literal["email", "sms"],
        address: str,
        kind: SuppressionKind,
        reason: Optional[str] = None,
        at: Optional[Instant] = None,
    ) -> builtins.list[Suppression]: ...
    def confirm(self, id: str, channel: Literal["email", "sms"]) -> Contact: ...
    def suppressions(self, channel: Channel, address: str) -> builtins.list[Suppression]: ...

    # categories
    def define_category(self, title: str, *, if_exists: Optional[IfExists] = None) -> Category:
        """Its key is the slug of the title; with ``if_exists="return"`` the category of
        that key is returned if it exists (``ConflictError`` otherwise)."""
    def update_category(self, key: str, title: str) -> Category: ...
    def delete_category(self, key: str) -> None: ...
    def categories(self) -> builtins.list[Category]: ...
    def add_category(self, id: str, key: str) -> Contact: ...
    def remove_category(self, id: str, key: str) -> Contact: ...
    def can_send(self, id: str, channel: Channel, category: Optional[str] = None) -> SendDecision:
        """``id`` is any identifier: the contact's id (any case), email, phone,
        external id or contact key."""
    def can_send_many(
        self, ids: Sequence[str], channel: Channel, category: Optional[str] = None
    ) -> builtins.list[SendDecision]:
        """One decision per identifier, in order, from one read; at most 1000 ids."""

    # segments
    # A segment is named by its id or its name (in any case) wherever one is taken.
    def create_segment(
        self, name: str, *, rule: Optional[Rule] = None, if_exists: Optional[IfExists] = None
    ) -> Segment:
        """A static segment; with ``rule``, a dynamic one (its members are the live
        contacts the rule matches, as of every read). With ``if_exists="return"`` and no
        rule, the segment of that name (in any case) is returned if it exists."""
    def update_segment(self, id: str, name: Optional[str] = None, *, rule: Optional[Rule] = None) -> Segment:
        """Renames a segment and, for a dynamic one, replaces its rule."""
    def delete_segment(self, id: str) -> None: ...
    def segments(self) -> builtins.list[Segment]: ...
    def add_to_segment(self, id: str, segment_id: str) -> Contact: ...
    def remove_from_segment(self, id: str, segment_id: str) -> Contact: ...
    def segment_members(
        self, segment_id: str, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> Page[Contact]: ...

    # fields
    def define_field(
        self, definition: FieldDefinitionInput, *, if_exists: Optional[IfExists] = None
    ) -> FieldDefinition:
        """With ``if_exists="return"`` the field of that key is returned if it exists,
        whatever its definition."""
    def update_field(
        self, key: str, *, title: Optional[str] = None, add_options: Optional[Sequence[str]] = None
    ) -> FieldDefinition: ...
    def delete_field(self, key: str) -> None: ...
    def field_definitions(self) -> builtins.list[FieldDefinition]: ...
    def set_field(self, id: str, key: str, value: FieldInput) -> Contact: ...
    def clear_field(self, id: str, key: str) -> Contact: ...

    # activity
    def record_campaign(self, id: str, campaign: CampaignInput) -> CampaignActivity: ...
    def record_event(self, id: str, event: EventInput) -> EventActivity: ...
    def record_order(self, id: str, order: OrderInput) -> OrderActivity: ...
    def activity(
        self,
        id: str,
        category: ActivityCategory = "all",
        period: Period = "30d",
        since: Optional[Instant] = None,
        until: Optional[Instant] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> Page[Activity]: ...
