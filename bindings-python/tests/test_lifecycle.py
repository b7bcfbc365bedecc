"""A profile's lifecycle past delete (DOMAIN.md "Profile lifecycle: merge, export,
erase"): `merge(into_id, from_id)`, `export_contact(id)` and `erase(id)` through the
Python binding, their results and their errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import contactkit
from contactkit import ContactBook

UNKNOWN_ID = "01900000-0000-7000-8000-000000000000"
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


def instant(text: str) -> dt.datetime:
    """An RFC 3339 string of the export as a datetime (Python 3.9 reads no `Z` and at
    most 6 fraction digits)."""
    text = re.sub(r"[zZ]$", "+00:00", text)
    return dt.datetime.fromisoformat(re.sub(r"\.(\d{6})\d+", r".\1", text))


def same(exported: Any, value: Any) -> bool:
    """Whether a value of the export (its JSON form) says what `value` of a record's
    `to_dict()` says: the same keys, the same lists, instants, decimals and dates as
    their strings."""
    if isinstance(value, dt.datetime):
        return isinstance(exported, str) and instant(exported) == value
    if isinstance(value, dt.date):
        return isinstance(exported, str) and dt.date.fromisoformat(exported) == value
    if isinstance(value, Decimal):
        return isinstance(exported, str) and Decimal(exported) == value
    if isinstance(value, dict):
        return (
            isinstance(exported, dict)
            and set(exported) == set(value)
            and all(same(exported[k], v) for k, v in value.items())
        )
    if isinstance(value, list):
        return (
            isinstance(exported, list)
            and len(exported) == len(value)
            and all(same(e, v) for e, v in zip(exported, value))
        )
    return type(exported) is type(value) and exported == value


def is_plain_json(value: Any) -> bool:
    """Only dicts with str keys, lists, str, int, float, bool and None."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(is_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_json(v) for k, v in value.items())
    return False


def live(book: ContactBook, id: str) -> contactkit.Contact:
    contact = book.get(id)
    assert contact is not None
    return contact


@pytest.fixture
def pair(book: ContactBook) -> tuple[contactkit.Contact, contactkit.Contact]:
    """Ann, and an anonymous app profile of hers with what she lacks."""
    news = book.define_category("Weekly news")
    offers = book.define_category("Offers")
    vip = book.create_segment("VIP")
    book.define_field({"key": "tier", "type": "list", "options": ["gold", "silver"]})
    book.define_field({"key": "age", "type": "number"})
    ann = book.create(
        {"email": "ann@example.com", "first_name": "Ann", "categories": [news.key], "fields": {"tier": "gold"}}
    )
    anon = book.create(
        {
            "email": "ann.lee@example.org",
            "first_name": "Anna",
            "last_name": "Lee",
            "phone": "+380671234567",
            "contact_key": "app-77",
            "timezone": "Europe/Kyiv",
            "categories": [offers.key],
            "segments": [vip.id],
            "fields": {"tier": "silver", "age": 41},
            "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-1", "platform": "android"}],
            "web_push": [{"endpoint": "https://push.example.com/sub/1", "p256dh": P256DH, "auth": AUTH}],
        }
    )
    book.unsubscribe(anon.id, "mobile_push", reason="too many")
    book.record_order(
        anon.id,
        {"external_id": "o-1", "amount": "20", "currency": "EUR", "status": "delivered", "at": "2026-02-10T10:00:00Z"},
    )
    book.record_event(ann.id, {"name": "signed_in", "at": "2026-02-11T10:00:00Z"})
    return ann, anon


# ---- merge ---------------------------------------------------------------------------


def test_merge_moves_the_data_and_into_keeps_its_values(
    book: ContactBook, pair: tuple[contactkit.Contact, contactkit.Contact]
) -> None:
    ann, anon = pair
    merged = book.merge(ann.id, anon.id)
    assert isinstance(merged, contactkit.Contact)
    assert merged.id == ann.id
    # into keeps its own values; from fills the gaps.
    assert (merged.email, merged.first_name, merged.fields["tier"]) == ("ann@example.com", "Ann", "gold")
    assert (merged.last_name, merged.phone, merged.contact_key) == ("Lee", "+380671234567", "app-77")
    assert merged.timezone == "Europe/Kyiv" and merged.fields["age"] == 41
    assert merged.categories == ["offers", "weekly-news"]
    assert [(d.device_id, d.token) for d in merged.devices] == [("d1", "tok-1")]
    assert [w.endpoint for w in merged.web_push] == ["https://push.example.com/sub/1"]
    assert merged.order_stats.order_count == 1 and merged.order_stats.revenue == {"EUR": Decimal("20")}
    # The timeline moved; the segment membership moved; from's own email is released.
    timeline = book.activity(ann.id, period="all")
    assert [(item.kind, item.contact_id) for item in timeline] == [("event", ann.id), ("order", ann.id)]
    vip = [s for s in book.segments() if s.name == "VIP"][0]
    assert [c.id for c in book.segment_members(vip.id)] == [ann.id]
    assert book.find_by_email("ann.lee@example.org") is None
    assert book.count() == 1
    assert book.get(ann.id) == merged


def test_the_merged_id_is_an_alias_every_call_resolves(
    book: ContactBook, pair: tuple[contactkit.Contact, contactkit.Contact]
) -> None:
    ann, anon = pair
    cursor = book.changes().next_cursor
    book.merge(ann.id, anon.id)
    assert live(book, anon.id).id == ann.id
    assert live(book, anon.id.upper()).id == ann.id
    assert book.update(anon.id, {"language": "uk"}).id == ann.id
    assert live(book, ann.id).language == "uk"
    assert book.record_event(anon.id, {"name": "opened"}).contact_id == ann.id
    assert book.can_send(anon.id, "mobile_push").reason == "unsubscribed"
    assert [r.address for r in book.suppressions("mobile_push", anon.id)] == [ann.id]
    assert book.export_contact(anon.id)["contact"]["id"] == ann.id
    changes = book.changes(cursor).items
    assert (changes[0].op, changes[0].contact_id, changes[0].from_id) == ("merged", ann.id, anon.id)


def test_a_refused_merge_changes_nothing(
    book: ContactBook, pair: tuple[contactkit.Contact, contactkit.Contact]
) -> None:
    ann, anon = pair
    gone = book.create({"email": "gone@example.com"})
    book.delete(gone.id)
    before = [c.to_dict() for c in book.list()], book.changes().next_cursor
    for into_id, from_id, field in (
        (ann.id, ann.id, "from_id"),
        (ann.id, ann.id.upper(), "from_id"),
        (ann.id, gone.id, "from_id"),
        (gone.id, ann.id, "into_id"),
    ):
        with pytest.raises(contactkit.ValidationError) as caught:
            book.merge(into_id, from_id)
        assert caught.value.field == field, (into_id, from_id)
    for into_id, from_id in ((ann.id, UNKNOWN_ID), (UNKNOWN_ID, anon.id)):
        with pytest.raises(contactkit.NotFoundError) as missing:
            book.merge(into_id, from_id)
        assert (missing.value.what, missing.value.id) == ("contact", UNKNOWN_ID)
    assert ([c.to_dict() for c in book.list()], book.changes().next_cursor) == before


def test_merging_into_an_alias_of_itself_is_refused(
    book: ContactBook, pair: tuple[contactkit.Contact, contactkit.Contact]
) -> None:
    ann, anon = pair
    book.merge(ann.id, anon.id)
    for into_id, from_id in ((ann.id, anon.id), (anon.id, ann.id)):
        with pytest.raises(contactkit.ValidationError) as caught:
            book.merge(into_id, from_id)
        assert caught.value.field == "from_id"


def test_merge_takes_keywords(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    bob = book.create({"email": "bob@example.com", "first_name": "Bob"})
    merged = book.merge(from_id=bob.id, into_id=ann.id)
    assert (merged.id, merged.first_name) == (ann.id, "Bob")


# ---- export_contact ----------------------------------------------------------------------


def test_export_has_the_profile_the_timeline_and_the_suppressions(
    book: ContactBook, pair: tuple[contactkit.Contact, contactkit.Contact]
) -> None:
    ann, anon = pair
    book.merge(ann.id, anon.id)
    book.unsubscribe(ann.id, "email", reason="too often")
    book.blacklist(ann.id, "sms", reason="manual")
    book.record_campaign(ann.id, {"message_id": "m-1", "channel": "email", "status": "sent"})
    exported = book.export_contact(ann.id)
    assert isinstance(exported, dict)
    assert list(exported) == ["contact", "activity", "suppressions"]
    # The profile as get returns it, in to_dict form (values as JSON).
    contact = live(book, ann.id)
    assert same(exported["contact"], contact.to_dict())
    assert exported["contact"]["email_status"] == "unsubscribed"
    # The whole timeline, newest first, each item's to_dict keys and kind hints.
    timeline = book.activity(ann.id, period="all", limit=1000).items
    assert [item["kind"] for item in exported["activity"]] == ["campaign", "event", "order"]
    assert [item["id"] for item in exported["activity"]] == [item.id for item in timeline]
    for item, record in zip(exported["activity"], timeline):
        assert same(item, record.to_dict())
    assert exported["activity"][2]["amount"] == "20" and exported["activity"][2]["icon"] == "shopping_bag"
    # Every suppression at the email, then the phone, then the id (push, Telegram).
    addresses = [(r["channel"], r["address"], r["kind"]) for r in exported["suppressions"]]
    assert addresses == [
        ("email", "ann@example.com", "unsubscribed"),
        ("sms", "+380671234567", "blacklisted"),
        ("mobile_push", ann.id, "unsubscribed"),
    ]
    for channel, address, _ in addresses:
        kept = book.suppressions(channel, address)
        assert any(same(r, s.to_dict()) for r in exported["suppressions"] for s in kept)


def test_export_is_plain_json(book: ContactBook, pair: tuple[contactkit.Contact, contactkit.Contact]) -> None:
    ann, _ = pair
    book.define_field({"key": "born", "type": "date"})
    book.define_field({"key": "balance", "type": "decimal"})
    book.update(ann.id, {"fields": {"born": "1990-03-09", "balance": "12.50"}})
    book.record_event(ann.id, {"name": "deep", "params": {"a": {"b": [1, 2.5, None, True, "x"]}}})
    exported = book.export_contact(ann.id)
    assert is_plain_json(exported)
    assert json.loads(json.dumps(exported)) == exported
    fields = exported["contact"]["fields"]
    assert fields == {"tier": "gold", "born": "1990-03-09", "balance": "12.50"}
    assert instant(exported["contact"]["created_at"]) == ann.created_at
    assert exported["activity"][0]["params"] == {"a": {"b": [1, 2.5, None, True, "x"]}}
    # Each call builds a new dict: changing one changes neither the book nor the next.
    exported["contact"]["email"] = "changed"
    assert book.export_contact(ann.id)["contact"]["email"] == "ann@example.com"


def test_a_deleted_contact_can_be_exported_an_unknown_cannot(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    book.delete(ann.id)
    assert book.get(ann.id) is None
    exported = book.export_contact(ann.id)
    assert exported["contact"]["id"] == ann.id
    assert exported["activity"] == [] and exported["suppressions"] == []
    with pytest.raises(contactkit.NotFoundError) as caught:
        book.export_contact(UNKNOWN_ID)
    assert (caught.value.what, caught.value.id) == ("contact", UNKNOWN_ID)


# ---- erase ---------------------------------------------------------------------------------


def test_erase_forgets_the_contact_and_keeps_its_addresses_blocked(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com", "phone": "+380671234567", "first_name": "Ann"})
    book.unsubscribe(ann.id, "email", reason="stop")
    book.record_event(ann.id, {"name": "viewed"})
    cursor = book.changes().next_cursor
    erase: Callable[[str], object] = book.erase
    assert erase(ann.id) is None
    assert book.get(ann.id) is None
    assert book.find_by_email("ann@example.com") is None
    assert book.count() == 0
    with pytest.raises(contactkit.NotFoundError) as caught:
        book.restore(ann.id)
    assert (caught.value.what, caught.value.id) == ("contact", ann.id)
    for again in (book.erase, book.export_contact, book.delete):
        with pytest.raises(contactkit.NotFoundError):
            again(ann.id)
    with pytest.raises(contactkit.NotFoundError):
        book.activity(ann.id)
    change = book.changes(cursor).items[0]
    assert (change.op, change.contact_id) == ("erased", ann.id)
    # The address stays blocked, for a person who comes back too.
    assert [(r.kind, r.reason) for r in book.suppressions("email", "ann@example.com")] == [("unsubscribed", "stop")]
    back = book.create({"email": "ann@example.com"})
    assert back.id != ann.id and back.email_status == "unsubscribed"
    assert book.can_send(back.id, "email").reason == "unsubscribed"


def test_a_deleted_contact_can_be_erased(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    book.delete(ann.id)
    book.erase(ann.id)
    with pytest.raises(contactkit.NotFoundError):
        book.restore(ann.id)
    with pytest.raises(contactkit.NotFoundError):
        book.erase(UNKNOWN_ID)


def test_erasing_through_an_alias_erases_the_merged_contact(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    anon = book.create({"first_name": "Ann"})
    book.merge(ann.id, anon.id)
    book.erase(anon.id)
    assert book.get(ann.id) is None and book.get(anon.id) is None
    with pytest.raises(contactkit.NotFoundError):
        book.export_contact(anon.id)


def test_an_erased_name_leaves_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "contacts.db"
    with ContactBook.open(path) as book:
        ann = book.create({"email": "zebediah.q@example.com", "first_name": "Zebediah"})
        book.unsubscribe(ann.id, "email")
        book.erase(ann.id)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("contacts.db")]
    for file in files:
        assert b"Zebediah" not in file.read_bytes(), file.name
        assert b"zebediah.q@example.com" not in file.read_bytes(), file.name
    with ContactBook.open(path) as book:
        assert book.get(ann.id) is None
        assert book.can_send("zebediah.q@example.com", "email").reason == "unknown_contact"
        assert [r.kind for r in book.suppressions("email", "zebediah.q@example.com")] == ["unsubscribed"]


def test_merge_export_and_erase_on_postgres(pg_url: str, pg_schema: Callable[[], str]) -> None:
    schema = pg_schema()
    with ContactBook.connect(pg_url, schema=schema) as book:
        ann = book.create({"email": "ann@example.com"})
        anon = book.create({"first_name": "Ann", "phone": "+380671234567"})
        book.blacklist(anon.id, "sms")
        merged = book.merge(ann.id, anon.id)
        assert (merged.first_name, merged.phone) == ("Ann", "+380671234567")
    with ContactBook.connect(pg_url, schema=schema) as book:
        assert live(book, anon.id).id == ann.id
        exported = book.export_contact(anon.id)
        assert same(exported["contact"], live(book, ann.id).to_dict())
        assert [(r["channel"], r["kind"]) for r in exported["suppressions"]] == [("sms", "blacklisted")]
        json.dumps(exported)
        book.erase(ann.id)
        assert book.get(ann.id) is None and book.get(anon.id) is None
        with pytest.raises(contactkit.NotFoundError):
            book.restore(ann.id)
        assert [r.kind for r in book.suppressions("sms", "+380671234567")] == ["blacklisted"]


# ---- hostile input --------------------------------------------------------------------------


def calls(book: ContactBook, ann: str) -> dict[str, Callable[[str], object]]:
    """Each parameter of the three operations, fed a value with the others valid."""
    return {
        "merge.into_id": lambda value: book.merge(value, ann),
        "merge.from_id": lambda value: book.merge(ann, value),
        "export_contact.id": book.export_contact,
        "erase.id": book.erase,
    }


@pytest.mark.parametrize(
    "junk",
    ["junk", "", " ", "0190'; DROP TABLE contacts; --", "%", "\x00", "🙂" * 50, "x" * 1_000_000],
    ids=["word", "empty", "space", "sql", "percent", "nul", "emoji", "megabyte"],
)
def test_an_id_nobody_has_is_not_found(book: ContactBook, junk: str) -> None:
    ann = book.create({"email": "ann@example.com"})
    before = ann.to_dict(), book.changes().next_cursor
    for name, call in calls(book, ann.id).items():
        with pytest.raises(contactkit.NotFoundError) as caught:
            call(junk)
        assert caught.value.what == "contact", name
        if len(junk) < 100:
            assert caught.value.id == junk, name
        else:  # a megabyte id: quoted as given, or cut short
            quoted = caught.value.id
            assert quoted is not None and (quoted == junk or junk.startswith(quoted.rstrip("…"))), name
    assert (live(book, ann.id).to_dict(), book.changes().next_cursor) == before


@pytest.mark.parametrize("lone", ["\ud800", "\udfff", "ann\ud83d", "x" * 1_000_000 + "\udc00"])
def test_a_lone_surrogate_is_a_validation_error_naming_the_parameter(book: ContactBook, lone: str) -> None:
    ann = book.create({"email": "ann@example.com"})
    for name, call in calls(book, ann.id).items():
        with pytest.raises(contactkit.ValidationError) as caught:
            call(lone)
        assert caught.value.field == name.split(".")[1], name
        quoted = caught.value.value
        assert quoted is not None
        # The value is quoted escaped, a megabyte of it cut short.
        assert "\\ud" in quoted if len(lone) < 100 else len(quoted) < 1000
    assert live(book, ann.id) == ann


@pytest.mark.parametrize("wrong", [42, None, b"bytes", ["id"], {"id": "x"}, 1.5], ids=repr)
def test_a_value_of_the_wrong_type_is_a_type_error_naming_the_parameter(book: ContactBook, wrong: Any) -> None:
    """As for every id in the binding (docs/python.md, "Errors"): Python's TypeError,
    whose note names the parameter, and the book carries on."""
    ann = book.create({"email": "ann@example.com"})
    for name, call in calls(book, ann.id).items():
        with pytest.raises(TypeError) as caught:
            call(wrong)
        said = " ".join([str(caught.value), *getattr(caught.value, "__notes__", [])])
        assert f"'{name.split('.')[1]}'" in said, (name, said)
    with pytest.raises(TypeError):
        book.merge(ann.id)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        book.erase()  # type: ignore[call-arg]
    assert live(book, ann.id) == ann
    assert book.count() == 1


def test_a_closed_book_raises_storage_error(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    book.close()
    for call in (lambda: book.merge(ann.id, ann.id), lambda: book.export_contact(ann.id), lambda: book.erase(ann.id)):
        with pytest.raises(contactkit.StorageError):
            call()
