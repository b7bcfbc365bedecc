"""Whole books as JSON lines (docs/lifecycle.md, "Export and restore whole books: the
portable form") through the Python binding: `export_catalog_lines()`,
`export_profile_lines(limit, cursor, *, with_activity)`, the `export_lines()` generator
and `restore_line(line, dedupe_on)` -> `Restored`."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional

import pytest

import contactkit
from contactkit import ContactBook, _native

UTC = dt.timezone.utc
MAX_NESTING = 32  # contactkit::validate::limits::MAX_NESTING
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"
SOURCE_START = "2025-03-01T09:00:00Z"
RESTORE_AT = dt.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def nested(depth: int, wrap: Callable[[Any], Any] = lambda inner: [inner]) -> Any:
    """A value inside `depth` containers (built without recursion)."""
    value: Any = 1
    for _ in range(depth):
        value = wrap(value)
    return value


def refused(call: Callable[[], object]) -> contactkit.ValidationError:
    with pytest.raises(contactkit.ValidationError) as caught:
        call()
    return caught.value


def is_plain_json(value: Any) -> bool:
    """Only dicts with str keys, lists, str, int, float, bool and None."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(is_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_json(v) for k, v in value.items())
    return False


def fill(book: ContactBook, clock: Any) -> dict[str, str]:
    """A book with something of everything a line carries; the ids by name."""
    book.define_field({"key": "tier", "type": "list", "options": ["gold", "silver"]})
    book.define_field({"key": "interests", "type": "multilist", "options": ["running", "yoga"]})
    book.define_field({"key": "birthday", "type": "date"})
    book.define_field({"key": "basket", "type": "decimal", "min": "0"})
    book.define_field({"key": "vip_since", "type": "datetime"})
    book.define_field({"key": "crm_score", "type": "number", "readonly": True})
    news = book.define_category("Weekly news")
    book.define_category("Offers")
    vip = book.create_segment("VIP")
    book.create_segment("Testers")
    book.create_segment("Ukrainians", rule={"attr": "country", "op": "eq", "value": "UA"})
    clock.advance(3600)
    ann = book.create(
        {
            "email": "ann@example.com",
            "phone": "+380671234567",
            "first_name": "Ann",
            "last_name": "Lee",
            "external_id": "crm-1",
            "contact_key": "ann",
            "address": {"country": "UA", "town": "Kyiv", "postcode": "01001"},
            "location": {"latitude": 50.4501, "longitude": 30.5234, "accuracy": 12.5, "source": "gps"},
            "timezone": "Europe/Kyiv",
            "language": "uk",
            "categories": [news.key],
            "segments": [vip.id],
            "fields": {
                "tier": "gold",
                "interests": ["running", "yoga"],
                "birthday": "1990-03-09",
                "basket": "12.50",
                "vip_since": "2024-01-02T03:04:05Z",
                "crm_score": 7,
            },
            "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-1", "platform": "android"}],
            "web_push": [{"endpoint": "https://push.example.com/sub/1", "p256dh": P256DH, "auth": AUTH}],
            "telegram": {"bot_id": "bot", "chat_id": "42"},
        }
    )
    book.register_app(ann.id, {"app_id": "club", "device_id": "d2", "platform": "ios"})
    clock.advance(3600)
    signed = book.sign_up({"email": "sign.up@example.com", "phone": "+380501234567"})
    book.confirm(signed.id, "email")
    manual = book.create({"email": "manual@example.com", "first_name": "Manu", "source": "manual"})
    book.set_field(manual.id, "crm_score", 3)
    anon = book.create({"contact_key": "app-77"})
    book.register_app(anon.id, {"app_id": "shop", "device_id": "d9", "platform": "android"})
    gone = book.create({"email": "gone@example.com"})
    book.delete(gone.id)
    clock.advance(3600)
    book.unsubscribe(ann.id, "email", reason="too many")
    clock.advance(60)
    book.resubscribe(ann.id, "email", note="came back")
    book.blacklist(ann.id, "sms", reason="hard bounce")
    book.report_spam(manual.id, "email", reason="abuse")
    book.unsubscribe(anon.id, "mobile_push")
    book.record_campaign(
        ann.id, {"message_id": "m-1", "message_name": "Spring", "channel": "email", "status": "sent"}
    )
    clock.advance(60)
    book.record_campaign(ann.id, {"message_id": "m-1", "channel": "email", "status": "clicked"})
    book.record_order(
        ann.id,
        {
            "external_id": "o-1",
            "amount": "20.50",
            "currency": "EUR",
            "status": "delivered",
            "items": [{"product_id": "p-1", "name": "Mat", "quantity": 2, "price": "10.25"}],
            "at": "2025-02-10T10:00:00Z",
        },
    )
    book.record_event(anon.id, {"name": "opened_app", "key_value": "home"})
    clock.advance(60)
    # The newest item of Ann's timeline: `activity[0]` of her line.
    book.record_event(ann.id, {"name": "viewed", "params": {"x": 1.5, "deep": {"a": [1, "two", None]}}})
    return {"ann": ann.id, "signed": signed.id, "manual": manual.id, "anon": anon.id, "gone": gone.id}


@pytest.fixture
def source() -> tuple[ContactBook, dict[str, str]]:
    clock = _native._ManualClock(SOURCE_START)
    book = _native._in_memory_with_clock(clock)
    return book, fill(book, clock)


@pytest.fixture
def fresh() -> ContactBook:
    """An empty book whose clock stands at RESTORE_AT."""
    book: ContactBook = _native._in_memory_with_clock(_native._ManualClock(RESTORE_AT))
    return book


def restored_stamps(profile: dict[str, Any]) -> list[dt.datetime]:
    """Takes out of `profile` (a `to_dict()`) the stamps that are the restoring book's:
    `updated_at`, the devices' registration times, web push subscriptions' creation
    and the location's update, and returns them."""
    stamps = [profile.pop("updated_at")]
    for device in profile["devices"]:
        stamps += [device.pop("registered_at"), device.pop("last_seen_at")]
    for subscription in profile["web_push"]:
        stamps.append(subscription.pop("created_at"))
    if profile["location"] is not None:
        stamps.append(profile["location"].pop("updated_at"))
    return stamps


def view(book: ContactBook, contact: contactkit.Contact) -> dict[str, Any]:
    """`contact.to_dict()` as it should be in any book: segments by name (ids differ
    between books), without the restoring book's stamps."""
    profile = contact.to_dict()
    restored_stamps(profile)
    names = {segment.id: segment.name for segment in book.segments()}
    profile["segments"] = sorted(names[id] for id in profile["segments"])
    return profile


def timeline(book: ContactBook, id: str) -> list[dict[str, Any]]:
    """The contact's whole timeline, newest first, without the book's own item ids."""
    items = []
    for item in book.activity(id, period="all", limit=1000):
        entry = item.to_dict()
        del entry["id"]
        items.append(entry)
    return items


def catalogue(book: ContactBook) -> list[Any]:
    return [
        [f.to_dict() for f in book.field_definitions()],
        [(c.key, c.title) for c in book.categories()],
        sorted((s.name, s.kind, s.category_key, json.dumps(s.rule, sort_keys=True)) for s in book.segments()),
    ]


def assert_same_books(original: ContactBook, copy: ContactBook) -> None:
    """Every live contact of `original` is in `copy` with an equal profile and timeline;
    the catalogues are the same."""
    assert catalogue(copy) == catalogue(original)
    contacts = list(original.list(limit=1000))
    assert [c.id for c in copy.list(limit=1000)] == [c.id for c in contacts]
    for contact in contacts:
        restored = copy.get(contact.id)
        assert restored is not None
        assert view(copy, restored) == view(original, contact)
        assert timeline(copy, contact.id) == timeline(original, contact.id)
        addresses: list[tuple[contactkit.Channel, Optional[str]]] = [
            ("email", contact.email),
            ("sms", contact.phone),
            ("mobile_push", contact.id),
            ("web_push", contact.id),
            ("telegram", contact.id),
        ]
        for channel, address in addresses:
            if address is not None:
                assert [s.to_dict() for s in copy.suppressions(channel, address)] == [
                    s.to_dict() for s in original.suppressions(channel, address)
                ]


def restore_all(book: ContactBook, lines: list[dict[str, Any]], dedupe_on: str = "email") -> list[Any]:
    return [book.restore_line(line, dedupe_on) for line in lines]  # type: ignore[arg-type]


# ---- exporting ----------------------------------------------------------------------------


def test_catalogue_lines_come_first_in_the_core_keys(source: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = source
    lines = book.export_catalog_lines()
    assert isinstance(lines, list) and all(isinstance(line, dict) for line in lines)
    assert [next(iter(line)) for line in lines] == ["field_definition"] * 6 + ["category"] * 2 + ["segment"] * 3
    assert lines[0] == {
        "field_definition": {
            "key": "basket",
            "title": "basket",
            "type": "decimal",
            "required": False,
            "readonly": False,
            "options": [],
            "min": "0",
            "max": None,
        }
    }
    assert {"category": {"key": "weekly-news", "title": "Weekly news"}} in lines
    # Static segments, then dynamic ones with their rule as the rule language writes it.
    assert lines[-3:] == [
        {"segment": {"name": "Testers"}},
        {"segment": {"name": "VIP"}},
        {"segment": {"name": "Ukrainians", "rule": {"attr": "country", "op": "eq", "value": "UA"}}},
    ]
    assert is_plain_json(lines)


def test_profile_lines_are_plain_json_in_the_core_keys(source: tuple[ContactBook, dict[str, str]]) -> None:
    book, ids = source
    page = book.export_profile_lines()
    assert isinstance(page, contactkit.Page) and page.next_cursor is None
    lines = page.items
    # Live contacts only, in id order.
    assert [line["id"] for line in lines] == [c.id for c in book.list()]
    assert ids["gone"] not in {line["id"] for line in lines}
    assert is_plain_json(lines)
    ann = next(line for line in lines if line["id"] == ids["ann"])
    contact = book.get(ids["ann"])
    assert contact is not None
    # The card's keys (snake_case, as `to_dict()`), plus the timeline.
    assert set(ann) == set(contact.to_dict()) | {"activity"}
    assert ann["segments"] == ["VIP"]
    assert ann["created_at"] == "2025-03-01T10:00:00Z"
    assert ann["fields"]["basket"] == "12.50" and ann["fields"]["birthday"] == "1990-03-09"
    assert ann["order_stats"]["revenue"] == {"EUR": "20.50"}
    # Newest first, without the book's activity ids.
    assert [item["kind"] for item in ann["activity"]] == ["event", "campaign", "order"]
    assert ann["activity"][0]["params"] == {"x": 1.5, "deep": {"a": [1, "two", None]}}
    assert all("id" not in item and "contact_id" not in item for item in ann["activity"])
    # `json.dumps` takes each line as it is, and a line read back is equal.
    assert [json.loads(json.dumps(line)) for line in lines] == lines
    # The page's dict form has the same lines.
    assert page.to_dict() == {"items": lines, "next_cursor": None}
    assert list(page) == lines and len(page) == len(lines)


def test_profile_lines_without_the_timeline(source: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = source
    lines = book.export_profile_lines(with_activity=False).items
    assert lines and all("activity" not in line for line in lines)
    with_activity = book.export_profile_lines().items
    assert [{k: v for k, v in line.items() if k != "activity"} for line in with_activity] == lines


def test_profile_lines_come_a_page_at_a_time(source: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = source
    seen: list[str] = []
    cursor = None
    while True:
        page = book.export_profile_lines(2, cursor, with_activity=False)
        assert len(page) <= 2
        seen += [line["id"] for line in page]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [c.id for c in book.list()]
    assert refused(lambda: book.export_profile_lines(0)).field == "limit"
    assert refused(lambda: book.export_profile_lines(2**70)).value == str(2**70)
    assert refused(lambda: book.export_profile_lines(cursor="junk")).field == "cursor"
    assert refused(lambda: book.export_profile_lines(cursor="\ud800")).field == "cursor"
    with pytest.raises(TypeError):
        book.export_profile_lines(10, None, True)  # type: ignore[call-arg]


def test_export_lines_is_a_lazy_generator_of_the_whole_form(source: tuple[ContactBook, dict[str, str]]) -> None:
    book, _ = source
    lines = book.export_lines()
    assert inspect.isgenerator(lines)
    expected = book.export_catalog_lines() + book.export_profile_lines().items
    assert list(lines) == expected
    assert list(book.export_lines(with_activity=False)) == (
        book.export_catalog_lines() + book.export_profile_lines(with_activity=False).items
    )


def test_export_lines_reads_every_page(book: ContactBook) -> None:
    report = book.import_contacts({"email": f"c{i}@example.com"} for i in range(1203))
    assert report.created == 1203
    lines = list(book.export_lines(with_activity=False))
    assert [line["email"] for line in lines] == [c.email for c in iter_contacts(book)]
    assert len(lines) == 1203


def iter_contacts(book: ContactBook) -> Iterator[contactkit.Contact]:
    cursor = None
    while True:
        page = book.list(1000, cursor)
        yield from page
        cursor = page.next_cursor
        if cursor is None:
            return


def test_export_lines_of_a_closed_book_raise_storage_error(book: ContactBook) -> None:
    book.create({"email": "ann@example.com"})
    lines = book.export_lines()
    book.close()
    with pytest.raises(contactkit.StorageError):
        next(lines)
    with pytest.raises(contactkit.StorageError):
        book.export_catalog_lines()


# ---- restoring ------------------------------------------------------------------------------


def test_a_book_restores_into_a_fresh_book_with_equal_profiles(
    source: tuple[ContactBook, dict[str, str]], fresh: ContactBook
) -> None:
    book, ids = source
    lines = list(book.export_lines())
    results = restore_all(fresh, lines)
    assert all(isinstance(r, contactkit.Restored) for r in results)
    catalog = [r for r in results if r.kind == "catalog"]
    profiles = [r for r in results if r.kind == "profile"]
    assert len(catalog) == 11 and all(r.contact_id is None and r.created is False for r in catalog)
    assert [r.contact_id for r in profiles] == [line["id"] for line in lines[11:]]
    assert all(r.created for r in profiles)
    assert_same_books(book, fresh)
    # Dates came with the lines; the restoring book stamped only its own.
    ann = fresh.get(ids["ann"])
    assert ann is not None
    assert ann.created_at == dt.datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert set(restored_stamps(ann.to_dict())) == {RESTORE_AT}
    # Consent, confirmations and readonly fields of a manual contact came too.
    assert fresh.can_send(ids["ann"], "email").reason == "ok"
    assert fresh.can_send(ids["ann"], "sms").reason == "blacklisted"
    assert fresh.can_send(ids["manual"], "email").reason == "spam_complaint"
    pushed = [s.to_dict() for s in fresh.suppressions("mobile_push", ids["anon"])]
    assert pushed == [s.to_dict() for s in book.suppressions("mobile_push", ids["anon"])] != []
    signed = fresh.get(ids["signed"])
    assert signed is not None and (signed.email_status, signed.phone_status) == ("active", "unconfirmed")
    manual = fresh.get(ids["manual"])
    assert manual is not None and manual.fields["crm_score"] == 3 and manual.source == "manual"
    assert fresh.get(ids["gone"]) is None
    [lifted] = fresh.suppressions("email", "ann@example.com")
    assert (lifted.kind, lifted.reason, lifted.lift_note) == ("unsubscribed", "too many", "came back")
    assert lifted.at == dt.datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    # The copy exports what the original exported, but for the restoring book's stamps.
    def stampless(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for line in lines:
            if "id" in line:
                line = json.loads(json.dumps(line))
                restored_stamps(line)
            out.append(line)
        return out

    assert stampless(list(fresh.export_lines())) == stampless(lines)


def test_restoring_again_adds_nothing(source: tuple[ContactBook, dict[str, str]], fresh: ContactBook) -> None:
    book, _ = source
    lines = list(book.export_lines())
    restore_all(fresh, lines)
    once = (list(fresh.export_lines()), fresh.count())
    cursor = fresh.changes().next_cursor
    for dedupe_on in ("email", "id"):
        again = restore_all(fresh, lines, dedupe_on)
        assert not any(r.created for r in again)
        assert [r.contact_id for r in again if r.kind == "profile"] == [line["id"] for line in lines[11:]]
    assert (list(fresh.export_lines()), fresh.count()) == once
    assert_same_books(book, fresh)
    # The feed notes each profile line restored again (the upsert's touch, or the
    # campaigns and orders put again by their ids): at most one change a line, and
    # none for the catalogue.
    changes = fresh.changes(cursor, 1000).items
    assert {change.op for change in changes} <= {"updated", "activity"}
    assert len(changes) <= 2 * len(lines[11:])
    assert {change.contact_id for change in changes} <= {line["id"] for line in lines[11:]}


def test_a_jsonl_file_restores_into_a_sqlite_book(
    source: tuple[ContactBook, dict[str, str]], tmp_path: Path
) -> None:
    book, _ = source
    path = tmp_path / "book.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for line in book.export_lines():
            out.write(json.dumps(line) + "\n")
    with ContactBook.open(tmp_path / "copy.db") as copy:
        with path.open(encoding="utf-8") as texts:
            for text in texts:
                copy.restore_line(json.loads(text))
        assert_same_books(book, copy)
    # Every profile's `to_dict()` but `updated_at` is the same after reopening too, the
    # stamps of the restoring book aside.
    with ContactBook.open(tmp_path / "copy.db") as copy:
        assert [view(copy, c) for c in copy.list()] == [view(book, c) for c in book.list()]


def test_a_book_restores_into_postgresql(
    source: tuple[ContactBook, dict[str, str]], pg_url: str, pg_schema: Callable[[], str]
) -> None:
    book, _ = source
    with ContactBook.connect(pg_url, schema=pg_schema()) as copy:
        restore_all(copy, [json.loads(json.dumps(line)) for line in book.export_lines()])
        assert_same_books(book, copy)
        again = restore_all(copy, list(book.export_lines()))
        assert not any(r.created for r in again)
        assert_same_books(book, copy)


def test_restored_is_a_record(source: tuple[ContactBook, dict[str, str]], fresh: ContactBook) -> None:
    book, ids = source
    [line] = [line for line in book.export_profile_lines().items if line["id"] == ids["ann"]]
    restore_all(fresh, book.export_catalog_lines())
    first = fresh.restore_line(line)
    assert (first.kind, first.contact_id, first.created) == ("profile", ids["ann"], True)
    assert first.to_dict() == {"kind": "profile", "contact_id": ids["ann"], "created": True}
    assert repr(first) == f"Restored(kind='profile', contact_id='{ids['ann']}', created=True)"
    second = fresh.restore_line(line, dedupe_on="id")
    assert second != first and second.to_dict()["created"] is False
    entry = fresh.restore_line({"category": {"key": "offers", "title": "Offers"}})
    assert entry.to_dict() == {"kind": "catalog", "contact_id": None, "created": False}
    assert repr(entry) == "Restored(kind='catalog', created=False)"
    with pytest.raises(AttributeError):
        first.created = False  # type: ignore[misc]


def test_a_line_may_be_any_mapping(fresh: ContactBook) -> None:
    from types import MappingProxyType

    restored = fresh.restore_line(MappingProxyType({"id": "01900000-0000-7000-8000-00000000000a", "activity": []}))
    assert restored.kind == "profile" and restored.created


def test_params_as_deep_as_the_core_allows_restore(fresh: ContactBook) -> None:
    clock = _native._ManualClock(SOURCE_START)
    book = _native._in_memory_with_clock(clock)
    ann = book.create({"email": "ann@example.com"})
    # The params dict is the first of the 32 levels; inside a line it sits three deep.
    book.record_event(ann.id, {"name": "deepest", "params": {"a": nested(MAX_NESTING - 1)}})
    [line] = book.export_profile_lines().items
    assert fresh.restore_line(json.loads(json.dumps(line))).created
    assert timeline(fresh, ann.id) == timeline(book, ann.id)
    # One level more is refused, naming the path, and writes nothing.
    line["id"] = "01900000-0000-7000-8000-00000000000b"
    line["email"] = "bob@example.com"
    line["activity"][0]["params"] = {"a": nested(MAX_NESTING)}
    error = refused(lambda: fresh.restore_line(line))
    assert error.field is not None and error.field.startswith("activity[0].params")
    assert error.reason == f"nested deeper than {MAX_NESTING} levels"
    assert fresh.count() == 1


# ---- broken lines write nothing --------------------------------------------------------------


@pytest.fixture
def ann_line(source: tuple[ContactBook, dict[str, str]]) -> dict[str, Any]:
    book, ids = source
    [line] = [line for line in book.export_profile_lines().items if line["id"] == ids["ann"]]
    return line


def everything(book: ContactBook) -> list[Any]:
    contacts = list(book.list(limit=1000))
    return [
        catalogue(book),
        [c.to_dict() for c in contacts],
        [timeline(book, c.id) for c in contacts],
        [s.to_dict() for s in book.suppressions("email", "ann@example.com")],
        [s.to_dict() for s in book.suppressions("sms", "+380671234567")],
        book.changes(limit=1000).next_cursor,
    ]


@pytest.mark.parametrize(
    "break_it, field",
    [
        (lambda line: line["activity"][0].update(name=""), "activity[0].name"),
        (lambda line: line["activity"][1].update(message_id=""), "activity[1].message_id"),
        (lambda line: line["activity"][2].update(currency="EURO"), "activity[2].currency"),
        (lambda line: line["suppressions"][0].update(reason="x" * 1001), "suppressions[0].reason"),
        (lambda line: line["segments"].append("No such segment"), "segments[1]"),
        (lambda line: line.update(email="not an email"), "email"),
        (lambda line: line["fields"].update(tier="bronze"), "fields.tier"),
    ],
)
def test_a_broken_line_writes_nothing(
    source: tuple[ContactBook, dict[str, str]],
    ann_line: dict[str, Any],
    fresh: ContactBook,
    break_it: Callable[[dict[str, Any]], None],
    field: str,
) -> None:
    book, ids = source
    restore_all(fresh, book.export_catalog_lines())
    before = everything(fresh)
    broken = json.loads(json.dumps(ann_line))
    break_it(broken)
    assert refused(lambda: fresh.restore_line(broken)).field == field
    assert everything(fresh) == before
    # On a book that has the contact: the line's other changes are not made either.
    fresh.restore_line(ann_line)
    before = everything(fresh)
    broken["first_name"] = "Changed"
    broken["activity"].insert(1, {"at": "2025-01-01T00:00:00Z", "kind": "event", "name": "extra"})
    error = refused(lambda: fresh.restore_line(broken))
    assert error.field is not None
    assert everything(fresh) == before
    contact = fresh.get(ids["ann"])
    assert contact is not None and contact.first_name == "Ann"


def test_a_segment_the_book_lacks_is_named(ann_line: dict[str, Any], fresh: ContactBook) -> None:
    error = refused(lambda: fresh.restore_line(ann_line))
    assert (error.field, error.value) == ("segments[0]", "VIP")
    assert fresh.count() == 0


# ---- hostile lines ------------------------------------------------------------------------------


def deep_line(value: Any) -> dict[str, Any]:
    return {
        "id": "01900000-0000-7000-8000-00000000000a",
        "activity": [
            {"at": "2025-01-01T00:00:00Z", "kind": "event", "name": "deep", "params": {"a": value}, "workflows": []}
        ],
    }


class Opaque:
    pass


def cyclic() -> dict[str, Any]:
    line: dict[str, Any] = {"id": "01900000-0000-7000-8000-00000000000a", "fields": {}}
    line["fields"]["self"] = line
    return line


MEGABYTE = "x" * (1 << 20)
ID = "01900000-0000-7000-8000-00000000000a"
HOSTILE: list[tuple[str, Any, Callable[[str], bool]]] = [
    ("a list", [{"id": ID}], lambda f: f == "line"),
    ("a string", '{"id": "x"}', lambda f: f == "line"),
    ("a number", 42, lambda f: f == "line"),
    ("None", None, lambda f: f == "line"),
    ("an object", Opaque(), lambda f: f == "line"),
    ("an empty dict", {}, lambda f: f == "line"),
    ("a plain contact input", {"email": "ann@example.com"}, lambda f: f == "line"),
    ("a megabyte string as the line", MEGABYTE, lambda f: f == "line"),
    # Core names the contact's size limit (1 MiB as JSON) `input`.
    ("a megabyte name", {"id": ID, "activity": [], "first_name": MEGABYTE}, lambda f: f == "input"),
    ("a long name", {"id": ID, "activity": [], "first_name": MEGABYTE[:100_000]}, lambda f: f == "first_name"),
    ("a megabyte event name", {**deep_line(1), "activity": [{**deep_line(1)["activity"][0], "name": MEGABYTE}]},
     lambda f: f == "activity[0].name"),
    ("params nested 9000 deep", deep_line(nested(9000, lambda inner: {"k": inner})),
     lambda f: f.startswith("activity[0].params.a.k")),
    ("a line nested 9000 deep", nested(9000, lambda inner: {"created_at": inner}), lambda f: f.startswith("created_at")),
    ("fields nested 9000 deep", {"id": ID, "activity": [], "fields": {"tier": nested(9000)}},
     lambda f: f.startswith("fields.tier")),
    ("a cycle", cyclic(), lambda f: f.startswith("fields.self")),
    ("an int email", {"id": ID, "activity": [], "email": 5}, lambda f: f == "email"),
    ("an int id", {"id": 7, "activity": []}, lambda f: f == "id"),
    ("a string timeline", {"id": ID, "activity": "none"}, lambda f: f == "activity"),
    ("a bad instant", {"id": ID, "created_at": "yesterday"}, lambda f: f == "created_at"),
    ("a segment number", {"id": ID, "activity": [], "segments": [1]}, lambda f: f == "segments[0]"),
    ("an unknown key", {"id": ID, "activity": [], "nickname": "Annie"}, lambda f: f == "nickname"),
    ("a lone surrogate", {"id": ID, "activity": [], "first_name": "\ud800"}, lambda f: f == "first_name"),
    ("a naive datetime", {"id": ID, "created_at": dt.datetime(2025, 1, 1)}, lambda f: f == "created_at"),
    ("NaN", deep_line(float("nan")), lambda f: f == "activity[0].params.a"),
    ("a huge int", deep_line(2**70), lambda f: f == "activity[0].params.a"),
    ("an unknown suppression kind",
     {"id": ID, "email": "ann@example.com", "suppressions": [{"channel": "email", "address": "ann@example.com",
                                                            "kind": "bounced", "at": "2025-01-01T00:00:00Z"}]},
     lambda f: f.startswith("suppressions[0]")),
    ("an unknown catalogue entry", {"segment": {"name": "VIP", "colour": "red"}}, lambda f: f.startswith("segment")),
    ("a bad rule", {"segment": {"name": "Bad", "rule": {"attr": "country", "op": "near"}}},
     lambda f: f.startswith("rule")),
]


@pytest.mark.parametrize("what, line, names", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_a_hostile_line_is_a_validation_error_naming_the_field(
    fresh: ContactBook, what: str, line: Any, names: Callable[[str], bool]
) -> None:
    before = everything(fresh)
    error = refused(lambda: fresh.restore_line(line))
    assert error.field is not None and names(error.field), (what, error.field, str(error))
    # The error quotes a short value, never the megabyte.
    assert len(str(error)) < 2000
    assert everything(fresh) == before
    assert fresh.count() == 0


def test_restore_line_checks_its_arguments(fresh: ContactBook) -> None:
    line = {"id": ID, "activity": []}
    assert refused(lambda: fresh.restore_line(line, "nickname")).field == "dedupe_on"  # type: ignore[arg-type]
    assert refused(lambda: fresh.restore_line(line, "\ud800")).field == "dedupe_on"  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fresh.restore_line(line, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fresh.export_lines(with_activity="no")  # type: ignore[arg-type]
    assert fresh.count() == 0
    assert fresh.restore_line(line, dedupe_on="id").created


def test_hostile_lines_leave_the_interpreter_alive() -> None:
    # In a child process, so that a crash would show as its exit code, not kill the run.
    script = """
import contactkit
book = contactkit.ContactBook.in_memory()
value = 1
for _ in range(100_000):
    value = {"k": [value]}
lines = [value, [value], {"id": "x", "activity": [{"params": value}]}, {"fields": value}, "x" * (1 << 24)]
for line in lines:
    try:
        book.restore_line(line)
    except contactkit.ValidationError:
        pass
    else:
        raise SystemExit("accepted")
print(book.count())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "0"), done.stderr


# ---- a book the CLI exported ------------------------------------------------------------------------


CLI = ROOT / "target" / "debug" / ("contactkit.exe" if os.name == "nt" else "contactkit")


def test_an_export_of_the_cli_restores(tmp_path: Path) -> None:
    # Built (or found up to date) here, never skipped: the test is about this CLI.
    subprocess.run(["cargo", "build", "--quiet", "-p", "contactkit-cli"], cwd=ROOT, check=True, timeout=1800)
    env = {**os.environ, "CONTACTKIT_NOW": "2025-06-01T12:00:00Z", "NO_COLOR": "1"}
    db, jsonl = tmp_path / "demo.db", tmp_path / "demo.jsonl"
    for args in (["demo", "--contacts", "25", "--seed", "7"], ["export", "--output", str(jsonl)]):
        done = subprocess.run([str(CLI), "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
    lines = [json.loads(text) for text in jsonl.read_text(encoding="utf-8").splitlines()]
    with ContactBook.open(db) as demo:
        # The binding exports the lines the CLI wrote.
        assert list(demo.export_lines()) == lines
        copy = ContactBook.in_memory()
        results = restore_all(copy, lines)
        assert sum(r.created for r in results) == demo.count() > 0
        assert_same_books(demo, copy)
        assert not any(r.created for r in restore_all(copy, lines, "id"))
        assert_same_books(demo, copy)
