"""Types of every attribute, read-only records, repr, equality and to_dict(); the
input TypedDicts, with mypy naming mistakes in a dict."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import contactkit
from contactkit import ContactBook

P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"
OPT_STR = (str, type(None))


def full_contact(book: ContactBook) -> contactkit.Contact:
    book.define_field({"key": "score", "type": "decimal"})
    news = book.define_category("News")
    vip = book.create_segment("VIP")
    ann = book.create(
        {
            "email": "ann@example.com",
            "phone": "+380671234567",
            "first_name": "Ann",
            "last_name": "Lee",
            "external_id": "crm-1",
            "contact_key": "key-1",
            "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "t1", "platform": "ios", "model": "X"}],
            "web_push": [{"endpoint": "https://push.example.com/1", "p256dh": P256DH, "auth": AUTH}],
            "telegram": {"bot_id": "bot", "chat_id": "42"},
            "categories": [news.key],
            "segments": [vip.id],
            "address": {"country": "UA", "town": "Kyiv"},
            "location": {"latitude": 50.45, "longitude": 30.52, "accuracy": 10},
            "timezone": "Europe/Kyiv",
            "language": "uk",
            "fields": {"score": "1.5"},
        }
    )
    book.unsubscribe(ann.id, "sms", reason="stop")
    book.record_order(ann.id, {"external_id": "o1", "amount": "9.99", "currency": "EUR", "status": "delivered"})
    found = book.get(ann.id)
    assert found is not None
    return found


EXPECTED_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "external_id": OPT_STR,
    "contact_key": OPT_STR,
    "first_name": OPT_STR,
    "last_name": OPT_STR,
    "email": OPT_STR,
    "email_status": OPT_STR,
    "phone": OPT_STR,
    "phone_status": OPT_STR,
    "suppressions": (list,),
    "devices": (list,),
    "applications": (list,),
    "web_push": (list,),
    "telegram": (contactkit.Telegram,),
    "categories": (list,),
    "address": (contactkit.Address,),
    "location": (contactkit.Location,),
    "timezone": OPT_STR,
    "language": OPT_STR,
    "segments": (list,),
    "fields": (dict,),
    "created_at": (dt.datetime,),
    "updated_at": (dt.datetime,),
    "source": (str,),
    "order_stats": (contactkit.OrderStats,),
}


def assert_utc(value: Any) -> None:
    assert isinstance(value, dt.datetime), value
    assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0)


def test_every_contact_attribute_has_its_python_type(book: ContactBook) -> None:
    ann = full_contact(book)
    for name, types in EXPECTED_TYPES.items():
        assert isinstance(getattr(ann, name), types), (name, getattr(ann, name))
    assert set(ann.to_dict()) == set(EXPECTED_TYPES)
    assert_utc(ann.created_at)
    assert_utc(ann.updated_at)
    assert (ann.email_status, ann.phone_status) == ("active", "unsubscribed")

    [suppression] = ann.suppressions
    assert isinstance(suppression, contactkit.Suppression)
    assert (suppression.channel, suppression.kind, suppression.reason) == ("sms", "unsubscribed", "stop")
    assert suppression.address == "+380671234567"
    assert_utc(suppression.at)

    [device] = ann.devices
    assert isinstance(device, contactkit.Device)
    assert device.model == "X" and device.os is None and device.active is True
    assert_utc(device.registered_at)
    assert_utc(device.last_seen_at)
    assert isinstance(ann.applications[0], contactkit.Application)

    [sub] = ann.web_push
    assert isinstance(sub, contactkit.WebPushSubscription)
    assert_utc(sub.created_at)

    assert ann.location is not None
    assert isinstance(ann.location.accuracy, float)
    assert ann.location.source == "manual"
    assert_utc(ann.location.updated_at)

    assert ann.fields == {"score": Decimal("1.5")}
    stats = ann.order_stats
    assert stats.order_count == 1 and type(stats.order_count) is int
    assert stats.revenue == {"EUR": Decimal("9.99")}
    assert_utc(stats.last_order_at)
    assert ann.categories == ["news"] and len(ann.segments) == 2  # VIP and the category's segment


def test_to_dict_is_plain_nested_values(book: ContactBook) -> None:
    ann = full_contact(book)
    data = ann.to_dict()
    assert data["telegram"] == {"bot_id": "bot", "chat_id": "42"}
    assert data["address"]["country"] == "UA"
    assert isinstance(data["devices"][0], dict) and data["devices"][0]["token"] == "t1"
    assert isinstance(data["suppressions"][0]["at"], dt.datetime)
    assert data["order_stats"]["revenue"] == {"EUR": Decimal("9.99")}
    assert data["fields"] == {"score": Decimal("1.5")}
    page = book.list().to_dict()
    assert page["next_cursor"] is None and page["items"][0]["id"] == ann.id


def test_records_are_read_only(book: ContactBook) -> None:
    ann = full_contact(book)
    with pytest.raises(AttributeError):
        ann.email = "x@example.com"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ann.order_stats.order_count = 3  # type: ignore[misc]
    ann.categories.append("mutating the returned list does not change the contact")
    assert ann.categories == ["news"]
    with pytest.raises(TypeError):
        contactkit.Contact()  # type: ignore[call-arg]


def test_equality_and_hash(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    same = book.get(ann.id)
    assert same == ann and not (same != ann)
    changed = book.update(ann.id, {"first_name": "Ann"})
    assert changed != ann
    assert ann != "not a contact"
    with pytest.raises(TypeError):
        hash(ann)


def test_repr_is_readable(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com", "first_name": "Ann"})
    text = repr(ann)
    assert text.startswith("Contact(") and "email='ann@example.com'" in text
    assert "first_name='Ann'" in text and "last_name" not in text
    assert repr(book.can_send(ann.id, "email")) == "SendDecision(allowed=True, reason='ok')"
    assert repr(book.define_category("News")).startswith("Category(key='news', title='News'")
    assert repr(book.list()).startswith("Page(items=[Contact(")


def test_page_is_generic_at_runtime() -> None:
    alias = contactkit.Page[contactkit.Contact]
    assert alias.__origin__ is contactkit.Page  # type: ignore[attr-defined]


def test_enum_values_are_lowercase_names(book: ContactBook) -> None:
    item = book.record_campaign(
        book.create({"email": "a@example.com"}).id,
        {"message_id": "m", "channel": "mobile_push", "status": "clicked"},
    )
    assert (item.channel, item.icon, item.status) == ("mobile_push", "mobile_push", "clicked")
    definition = book.define_field({"key": "when", "type": "datetime"})
    assert definition.type == "datetime"
    assert definition.to_dict()["type"] == "datetime"


def test_version() -> None:
    assert isinstance(contactkit.__version__, str) and contactkit.__version__


# Each line a mistake the stub's TypedDicts let mypy find before anything runs, with
# the error code mypy gives it (the line number is its place in the file).
MISTAKES = [
    ('book.create({"emial": "ann@example.com"})', "typeddict-unknown-key"),
    ('book.upsert({"email": "ann@example.com", "frist_name": "Ann"}, dedupe_on="email")', "typeddict-unknown-key"),
    ('book.update("id", {"email": 42})', "typeddict-item"),
    ('book.record_order("id", {"external_id": "o-1", "amount": 9.99, "currency": "EUR"})', "typeddict-item"),
    (
        'book.record_order("id", {"external_id": "o-1", "amount": "9.99", "currency": "EUR",'
        ' "items": [{"product_id": "p", "quantity": 1, "price": 9.99}]})',
        "typeddict-item",
    ),
    ('book.record_event("id", {"key_value": "no name"})', "typeddict-item"),
    ('book.define_field({"key": "age", "type": "integer"})', "typeddict-item"),
    ('book.add_mobile_push("id", {"app_id": "shop", "device_id": "d1", "platfrom": "ios"})', "typeddict-unknown-key"),
    ('rows: list[ContactInput] = [{"email": "a@example.com", "fields": {"age": object()}}]', "dict-item"),
    ('suppression: SuppressionInput = {"channel": "email", "address": "a@example.com", "kind": "bounced"}', "typeddict-item"),
    ('book.import_contacts([], on_invalid="drop")', "arg-type"),
    ('book.define_category("News", if_exists="replace")', "arg-type"),
]


def test_mypy_names_a_misspelt_key_or_a_value_of_the_wrong_type(tmp_path: Path) -> None:
    """mypy --strict on calls with mistakes in their dicts reports each one, on its
    line, and nothing else (examples/typed_example.py has them written right)."""
    pytest.importorskip("mypy")
    header = [
        "from contactkit import ContactBook, ContactInput, SuppressionInput",
        "book = ContactBook.in_memory()",
    ]
    source = tmp_path / "mistakes.py"
    source.write_text("\n".join(header + [line for line, _ in MISTAKES]) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(source)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    errors: dict[int, list[str]] = {}
    for match in re.finditer(r"^mistakes\.py:(\d+): error: .*\[([a-z-]+)\]$", output, flags=re.M):
        errors.setdefault(int(match.group(1)), []).append(match.group(2))
    for number, (line, code) in enumerate(MISTAKES, start=len(header) + 1):
        assert code in errors.pop(number, []), f"mypy did not report {code} for:\n{line}\n{output}"
    assert errors == {}, f"errors on lines with no mistake:\n{output}"
    assert "emial" in output and '"ContactInput"' in output


def test_the_typed_dicts_are_plain_dicts_at_run_time(book: ContactBook) -> None:
    row: contactkit.ContactInput = contactkit.ContactInput(email="ann@example.com", first_name="Ann")
    assert type(row) is dict
    order = contactkit.OrderInput(external_id="o-1", amount=Decimal("9.99"), currency="EUR")
    ann = book.create(row)
    assert book.record_order(ann.id, order).amount == Decimal("9.99")
    assert contactkit.OrderInput.__required_keys__ == frozenset({"external_id", "amount", "currency"})
