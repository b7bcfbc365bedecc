"""A bounded property test of the whole `ContactBook` surface against hostile input.

Random sequences of operations, every argument either a plausible value or a hostile
one: nested past the limit (to 9,000 levels), cyclic, shared by reference into
millions of leaves, megabytes long, out of range (2**70, the year 10000, NaN), lone
surrogates, or simply of the wrong type. For each call:

- the outcome is success or a ``ContactKitError`` (no other exception, no crash);
- on error nothing was written: everything a caller can read of the book is the
  same before and after;
- on success everything reads back (contacts, pages, activity, catalogues), and a
  returned contact or timeline item is what the book then holds.

Hypothesis runs derandomized with a fixed number of examples, so the run is the same
on every machine and bounded in time (set CONTACTKIT_PROPERTY_EXAMPLES for a longer
run). Hostile values are drawn as small recipes (``Deep("list", 9000)``) and built
just before the call, so a failing example prints short.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contactkit
from contactkit import ContactBook

EXAMPLES = int(os.environ.get("CONTACTKIT_PROPERTY_EXAMPLES", "100"))
CALLS_PER_EXAMPLE = 8
UTC = dt.timezone.utc

# ---- hostile values, as recipes ------------------------------------------------------------


@dataclass(frozen=True)
class Deep:
    """A list or dict nested `depth` levels."""

    kind: str
    depth: int

    def build(self) -> Any:
        value: Any = "leaf"
        for _ in range(self.depth):
            value = [value] if self.kind == "list" else {"k": value}
        return value


@dataclass(frozen=True)
class Cycle:
    """A list or dict that contains itself, `depth` levels down."""

    kind: str
    depth: int

    def build(self) -> Any:
        root: Any = [] if self.kind == "list" else {}
        inner = root
        for _ in range(self.depth):
            child: Any = [] if self.kind == "list" else {}
            _put(inner, child)
            inner = child
        _put(inner, root)
        return root


def _put(container: Any, value: Any) -> None:
    if isinstance(container, list):
        container.append(value)
    else:
        container["k"] = value


@dataclass(frozen=True)
class Huge:
    """A long string, list or dict, or an integer of `size` digits."""

    kind: str
    size: int

    def build(self) -> Any:
        if self.kind == "int":
            return 10 ** (self.size - 1)
        if self.kind == "str":
            return "x" * self.size
        if self.kind == "list":
            return ["w"] * self.size
        return {f"k{i}": i for i in range(self.size)}


@dataclass(frozen=True)
class Shared:
    """One list referenced twice at each of `depth` levels: 2**depth leaves."""

    depth: int

    def build(self) -> Any:
        value: Any = ["leaf"]
        for _ in range(self.depth):
            value = [value, value]
        return value


RECIPES = (Deep, Cycle, Huge, Shared)


def build(drawn: Any) -> Any:
    """The drawn value with its recipes built (the drawn structure is shallow)."""
    if isinstance(drawn, RECIPES):
        return drawn.build()
    if isinstance(drawn, list):
        return [build(item) for item in drawn]
    if isinstance(drawn, tuple):
        return tuple(build(item) for item in drawn)
    if isinstance(drawn, dict):
        return {build(key) if isinstance(key, RECIPES) else key: build(value) for key, value in drawn.items()}
    return drawn


FAR_WEST = dt.timezone(-dt.timedelta(hours=23, minutes=59))
FAR_EAST = dt.timezone(dt.timedelta(hours=23, minutes=59))

offsets = st.builds(
    dt.timezone,
    st.timedeltas(min_value=-dt.timedelta(hours=23, minutes=59), max_value=dt.timedelta(hours=23, minutes=59)),
)
surrogate_text = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=12)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.sampled_from([2**53 + 1, 2**63, 2**64, 2**70, -(2**70), -1, 0]),
    st.floats(),
    st.decimals(),
    surrogate_text,
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), offsets)),
    st.sampled_from(
        [
            dt.datetime.max.replace(tzinfo=FAR_WEST),
            dt.datetime.min.replace(tzinfo=FAR_EAST),
            "9999-12-31T23:59:59-23:59",
            "+10000-01-01",
            "0000-12-31",
            b"bytes",
            frozenset({1, 2}),
            object(),
        ]
    ),
)
recipes = st.one_of(
    st.builds(Deep, st.sampled_from(["list", "dict"]), st.sampled_from([30, 31, 32, 33, 126, 9000])),
    st.builds(Cycle, st.sampled_from(["list", "dict"]), st.integers(0, 3)),
    st.builds(Huge, st.sampled_from(["str", "list", "dict"]), st.sampled_from([70_000, 300_000, 1_200_000])),
    st.just(Huge("int", 5000)),
    st.builds(Shared, st.sampled_from([10, 24, 40])),
)
hostile = st.recursive(
    st.one_of(scalars, recipes),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(surrogate_text, st.integers(0, 3)), inner, max_size=3),
        st.tuples(inner, inner),
    ),
    max_leaves=6,
)

# ---- plausible values, so that calls also succeed ------------------------------------------

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PLAUSIBLE: dict[str, list[Any]] = {
    "email": ["ann@example.com", "bob@example.com", " Ann@Example.COM "],
    "phone": ["+380671234567", "+14155550100"],
    "first_name": ["Ann", "Bob"],
    "last_name": ["Koval"],
    "external_id": ["crm-1", 42],
    "contact_key": ["key-1"],
    "timezone": ["Europe/Kyiv", "UTC"],
    "language": ["uk", "en-GB"],
    "address": [{"country": "UA", "town": "Kyiv"}],
    "location": [{"latitude": 50.45, "longitude": 30.52}],
    "fields": [{"score": 7}, {"tags": ["a"]}, {"balance": Decimal("1.50")}, {"birthday": dt.date(1990, 3, 9)}],
    "mobile_push": [[{"app_id": "shop", "device_id": "d1", "token": "t1", "platform": "android"}]],
    "segments": [[]],
    "categories": [[]],
    "source": ["api", "import"],
    "app_id": ["shop"],
    "device_id": ["d1", "d2"],
    "token": ["t1", "t2"],
    "platform": ["ios", "android"],
    "endpoint": ["https://push.example.com/1"],
    "p256dh": ["BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"],
    "auth": ["tBHItJI5svbpez7KI4CCXg"],
    "bot_id": ["bot"],
    "chat_id": [12345],
    "key": ["score", "notes"],
    "type": ["text", "number", "decimal", "date", "multilist"],
    "title": ["Score"],
    "options": [["a", "b"]],
    "min": [0, "0.5"],
    "max": [100],
    "name": ["signed_in", "viewed"],
    "params": [{"page": "home", "n": 1}, {}],
    "workflows": [["welcome"]],
    "key_value": ["k"],
    "at": [NOW, NOW.isoformat()],
    "message_id": ["m-1", "m-2"],
    "message_name": ["Spring sale"],
    "channel": ["email", "sms"],
    "status": ["sent", "delivered", "initialized"],
    "amount": [Decimal("10.00"), "5", 3],
    "currency": ["UAH", "usd"],
    "items": [[{"product_id": "p", "quantity": 1, "price": "9.99"}]],
    "shipping": ["1.00"],
}
INPUT_KEYS = {
    "contact": [
        "id", "email", "phone", "first_name", "last_name", "external_id", "contact_key", "timezone",
        "language", "address", "location", "fields", "mobile_push", "segments", "categories", "source",
    ],
    "device": ["app_id", "device_id", "token", "platform", "model", "os"],
    "web_push": ["endpoint", "p256dh", "auth", "user_agent", "keys"],
    "telegram": ["bot_id", "chat_id"],
    "definition": ["key", "type", "title", "required", "options", "min", "max"],
    "campaign": ["message_id", "message_name", "channel", "status", "at"],
    "event": ["name", "params", "workflows", "key_value", "at"],
    "order": ["external_id", "amount", "currency", "status", "items", "shipping", "at", "store_id"],
}
REQUIRED = {
    "device": ["app_id", "device_id", "platform"],
    "telegram": ["bot_id", "chat_id"],
    "definition": ["key", "type"],
    "campaign": ["message_id", "channel", "status"],
    "event": ["name"],
    "order": ["external_id", "amount", "currency"],
}


def value_for(key: str) -> st.SearchStrategy[Any]:
    plausible = PLAUSIBLE.get(key)
    if plausible is None:
        return hostile
    # Mostly plausible, so that whole inputs often pass and calls write.
    return st.one_of(*[st.sampled_from(plausible)] * 5, hostile)


def an_input(kind: str) -> st.SearchStrategy[Any]:
    """A dict of `kind`'s attributes (its required ones mostly present), or rarely
    anything at all."""
    optional = [key for key in INPUT_KEYS[kind] if key not in REQUIRED.get(kind, [])]

    def with_keys(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({key: value_for(key) for key in keys})

    chosen = st.builds(
        lambda required, extra: required + extra,
        st.one_of(st.just(REQUIRED.get(kind, [])), st.lists(st.sampled_from(INPUT_KEYS[kind]), unique=True)),
        st.lists(st.sampled_from(optional + ["junk"]), unique=True, max_size=2),
    )
    dicts = chosen.map(lambda keys: list(dict.fromkeys(keys))).flatmap(with_keys)
    return st.one_of(dicts, dicts, dicts, hostile)


NEW_ID = "01900000-0000-7000-8000-0000000000aa"


def a_line(ids: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A line of the portable form: a profile line (of a known contact or a new one)
    with plausible or hostile parts, a catalogue entry, or anything at all."""
    event = st.fixed_dictionaries(
        {"at": value_for("at"), "kind": st.just("event"), "name": value_for("name"), "workflows": value_for("workflows")},
        optional={"params": value_for("params"), "key_value": value_for("key_value")},
    )
    profile = st.fixed_dictionaries(
        {"id": st.one_of(ids, st.just(NEW_ID)), "created_at": st.one_of(*[st.just(NOW.isoformat())] * 4, hostile)},
        optional={
            "email": value_for("email"),
            "first_name": value_for("first_name"),
            "fields": value_for("fields"),
            "segments": st.one_of(st.just([]), st.just(["vip"]), hostile),
            "categories": st.one_of(st.just([]), st.just(["weekly-news"]), hostile),
            "activity": st.one_of(st.lists(event, max_size=2), st.lists(event, max_size=2), hostile),
            "suppressions": st.one_of(st.just([]), hostile),
        },
    )
    catalog = st.one_of(
        st.just({"segment": {"name": "vip"}}),
        st.just({"category": {"title": "Offers"}}),
        st.fixed_dictionaries({"segment": st.fixed_dictionaries({"name": names("new", "vip"), "rule": hostile})}),
        st.fixed_dictionaries({"field_definition": an_input("definition")}),
    )
    return st.one_of(profile, profile, catalog, hostile)


# ---- the book and what is known of it ------------------------------------------------------


@dataclass
class World:
    """The ids and keys the book has handed out, to aim calls at real things."""

    contacts: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def learn(self, result: Any) -> None:
        for item in result if isinstance(result, (list, contactkit.Page)) else [result]:
            if isinstance(item, contactkit.Contact) and item.id not in self.contacts:
                self.contacts.append(item.id)
            elif isinstance(item, contactkit.Segment) and item.id not in self.segments:
                self.segments.append(item.id)
            elif isinstance(item, contactkit.Category) and item.key not in self.categories:
                self.categories.append(item.key)
            elif isinstance(item, contactkit.FieldDefinition) and item.key not in self.fields:
                self.fields.append(item.key)
            elif isinstance(item, contactkit.Restored) and item.contact_id is not None:
                if item.contact_id not in self.contacts:
                    self.contacts.append(item.contact_id)


def known(values: list[str], *more: str) -> st.SearchStrategy[Any]:
    """One of `values` (what the book gave out) or `more`, or a hostile string."""
    choices = values + list(more)
    return st.one_of(*[st.sampled_from(choices)] * 4, surrogate_text) if choices else surrogate_text


def names(*valid: str) -> st.SearchStrategy[str]:
    """Mostly one of the `valid` names, else any string."""
    return st.one_of(*[st.sampled_from(valid)] * 4, surrogate_text)


limits = st.one_of(
    st.none(), st.sampled_from([1, 2, 1000, 0, -1, 1001, 2**32, 2**70, -(2**70)]), st.just(Huge("int", 5000))
)
channels = names("email", "sms", "mobile_push", "web_push", "telegram")
dedupe = names("id", "email", "phone", "email_or_phone", "contact_key", "external_id")
NO_SUCH_ID = "01900000-0000-7000-8000-000000000000"

Call = tuple[tuple[Any, ...], dict[str, Any]]


def operations(w: World) -> dict[str, st.SearchStrategy[Call]]:
    """Every operation of a `ContactBook`, with strategies for its arguments."""
    ids = known(w.contacts, NO_SUCH_ID)
    segments = known(w.segments, NO_SUCH_ID)
    categories = known(w.categories, "none")
    field_keys = known(w.fields, "missing")
    cursors = st.one_of(st.none(), known(w.contacts, "junk", ""))

    def call(*args: st.SearchStrategy[Any], **kwargs: st.SearchStrategy[Any]) -> st.SearchStrategy[Call]:
        return st.tuples(st.tuples(*args), st.fixed_dictionaries(kwargs))

    contact = an_input("contact")
    return {
        "create": call(contact),
        "upsert": call(contact, dedupe),
        "sign_up": call(contact),
        "update": call(ids, contact),
        "get": call(ids),
        "find_by_email": call(names("ann@example.com", "bob@example.com")),
        "find_by_phone": call(names("+380671234567", "067 123 4567")),
        "find_by_key": call(names("key-1")),
        "find_by_external_id": call(names("crm-1", "42")),
        "find_by_push_token": call(names("t1", "t2")),
        "find_by_web_push_endpoint": call(names("https://push.example.com/1", "HTTPS://push.example.com/1")),
        "delete": call(ids),
        "restore": call(ids),
        "list": call(limit=limits, cursor=cursors),
        "count": call(),
        "import_contacts": call(st.lists(contact, max_size=4), dedupe),
        "add_mobile_push": call(ids, an_input("device")),
        "remove_mobile_push": call(ids, names("t1", "t2")),
        "add_web_push": call(ids, an_input("web_push")),
        "remove_web_push": call(ids, names("https://push.example.com/1")),
        "set_telegram": call(ids, st.one_of(st.none(), an_input("telegram"))),
        "register_app": call(ids, an_input("device")),
        "remove_app": call(ids, names("shop")),
        "blacklist": call(ids, channels, reason=st.one_of(st.none(), surrogate_text)),
        "unblacklist": call(ids, channels, names("checked")),
        "unsubscribe": call(ids, channels, reason=st.one_of(st.none(), surrogate_text)),
        "resubscribe": call(ids, channels, note=st.one_of(st.none(), surrogate_text)),
        "report_spam": call(ids, channels, reason=st.one_of(st.none(), surrogate_text)),
        "suppress_address": call(
            channels,
            names("ann@example.com", "later@example.com", "+380671234567"),
            names("blacklisted", "unsubscribed", "spam_complaint"),
            reason=st.one_of(st.none(), surrogate_text),
        ),
        "confirm": call(ids, channels),
        "suppressions": call(channels, names("ann@example.com", "+380671234567")),
        "define_category": call(names("Weekly news", "Offers")),
        "update_category": call(categories, names("Daily news", "vip")),
        "delete_category": call(categories),
        "categories": call(),
        "add_category": call(ids, categories),
        "remove_category": call(ids, categories),
        "can_send": call(ids, channels, category=st.one_of(st.none(), categories)),
        "can_send_many": call(
            st.one_of(st.lists(st.one_of(ids, names("ann@example.com", "crm-1")), max_size=4), hostile),
            channels,
            category=st.one_of(st.none(), categories),
        ),
        "create_segment": call(names("vip", "new")),
        "update_segment": call(segments, names("vip", "renamed", "Weekly news")),
        "delete_segment": call(segments),
        "segments": call(),
        "add_to_segment": call(ids, segments),
        "remove_from_segment": call(ids, segments),
        "segment_members": call(segments, limit=limits, cursor=cursors),
        "define_field": call(an_input("definition")),
        "field_definitions": call(),
        "update_field": call(
            field_keys,
            title=st.one_of(st.none(), names("Score", "")),
            add_options=st.one_of(st.none(), st.sampled_from([["c"], ["d, e"], []]), hostile),
        ),
        "delete_field": call(field_keys),
        "set_field": call(ids, field_keys, st.one_of(hostile, st.sampled_from(["7", 7, ["a"], "2024-01-01"]))),
        "clear_field": call(ids, field_keys),
        "record_campaign": call(ids, an_input("campaign")),
        "record_event": call(ids, an_input("event")),
        "record_order": call(ids, an_input("order")),
        "export_catalog_lines": call(),
        "export_profile_lines": call(limit=limits, cursor=cursors, with_activity=st.booleans()),
        "restore_line": call(a_line(ids), dedupe),
        "activity": call(
            ids,
            category=names("all", "campaigns", "events", "orders"),
            period=names("all", "7d", "30d"),
            since=st.one_of(st.none(), hostile),
            until=st.one_of(st.none(), hostile),
            limit=limits,
            cursor=st.one_of(st.none(), surrogate_text, st.just("junk")),
        ),
    }


def snapshot(book: ContactBook, w: World) -> list[Any]:
    """Everything a caller can read of the book, through every reading operation."""
    contacts = []
    for id in w.contacts:
        contact = book.get(id)
        contacts.append(None if contact is None else contact.to_dict())
        if contact is not None:
            contacts.append(book.activity(id, period="all", limit=1000).to_dict())
    pages = [book.list(limit=1000).to_dict()]
    members = [book.segment_members(segment.id, limit=1000).to_dict() for segment in book.segments()]
    return [
        contacts,
        pages,
        members,
        book.count(),
        [s.to_dict() for s in book.segments()],
        [c.to_dict() for c in book.categories()],
        [f.to_dict() for f in book.field_definitions()],
        [
            [r.to_dict() for r in book.suppressions(channel, address)]
            for channel, address in (("email", "ann@example.com"), ("email", "later@example.com"), ("sms", "+380671234567"))
        ],
    ]


def seeded(book: ContactBook) -> World:
    """A book with a contact, a segment, a category and a field of each type."""
    w = World()
    w.learn(book.create({"email": "ann@example.com", "phone": "+380671234567", "external_id": "crm-1"}))
    w.learn(book.create_segment("vip"))
    w.learn(book.define_category("Weekly news"))
    for key, kind in (
        ("notes", "text"), ("score", "number"), ("balance", "decimal"), ("birthday", "date"),
        ("seen", "datetime"), ("flag", "boolean"), ("tags", "multilist"),
    ):
        definition: dict[str, Any] = {"key": key, "type": kind}
        if kind == "multilist":
            definition["options"] = ["a", "b"]
        w.learn(book.define_field(definition))
    return w


def check_call(book: ContactBook, w: World, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Calls `book.name(*args, **kwargs)` and checks the property."""
    before = snapshot(book, w)
    try:
        result = getattr(book, name)(*args, **kwargs)
    except contactkit.ContactKitError:
        assert snapshot(book, w) == before, f"{name} raised but changed the book"
        return
    except Exception as error:  # noqa: BLE001 - the property is that this never happens
        pytest.fail(f"{name} raised {type(error).__name__}, not a ContactKitError: {error}")
    w.learn(result)
    snapshot(book, w)  # everything reads back
    if isinstance(result, contactkit.Contact):
        assert book.get(result.id) == result, f"{name} returned a contact the book does not hold"
    if isinstance(result, (contactkit.CampaignActivity, contactkit.EventActivity, contactkit.OrderActivity)):
        timeline = book.activity(result.contact_id, period="all", limit=1000)
        assert result in list(timeline), f"{name} returned an item the timeline does not hold"


def open_book(store: str, folder: str) -> ContactBook:
    if store == "memory":
        return ContactBook.in_memory()
    return ContactBook.open(Path(folder) / "property.db")


PROPERTY = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.mark.parametrize("store", ["memory", "sqlite"])
@PROPERTY
@given(data=st.data())
def test_every_operation_survives_hostile_input(store: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder, open_book(store, folder) as book:
        w = seeded(book)
        for _ in range(data.draw(st.integers(1, CALLS_PER_EXAMPLE), label="calls")):
            ops = operations(w)
            name = data.draw(st.sampled_from(sorted(ops)), label="operation")
            args, kwargs = data.draw(ops[name], label=name)
            check_call(book, w, name, build(args), build(kwargs))


@PROPERTY
@given(
    default_region=st.one_of(st.none(), names("UA", "US"), st.just("ZZ")),
    durability=st.one_of(st.none(), names("normal", "full")),
    busy_timeout=st.one_of(st.none(), st.floats(), st.integers(-5, 60), st.just(2**2000)),
)
def test_open_survives_hostile_options(default_region: Any, durability: Any, busy_timeout: Any) -> None:
    options = {
        key: value
        for key, value in (("default_region", default_region), ("durability", durability), ("busy_timeout", busy_timeout))
        if value is not None
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "options.db"
        try:
            book = ContactBook.open(path, **options)
        except contactkit.ContactKitError:
            assert not path.exists(), "a refused open created the file"
            return
        with book:
            assert book.count() == 0
