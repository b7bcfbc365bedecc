"""Categories, segments and additional fields, with typed field values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import contactkit
from contactkit import ContactBook


def test_categories(book: ContactBook) -> None:
    news = book.define_category("Weekly news")
    assert isinstance(news, contactkit.Category)
    assert (news.key, news.title) == ("weekly-news", "Weekly news")
    assert book.categories() == [news]
    [segment] = book.segments()
    assert segment.id == news.segment_id and segment.category_key == "weekly-news"
    ann = book.create({"email": "ann@example.com"})
    ann = book.add_category(ann.id, news.key)
    assert ann.categories == ["weekly-news"]
    assert book.can_send(ann.id, "email", news.key).allowed
    members = book.segment_members(news.segment_id)
    assert [c.id for c in members.items] == [ann.id]
    ann = book.remove_category(ann.id, news.key)
    assert ann.categories == []
    with pytest.raises(contactkit.ConflictError) as caught:
        book.define_category("Weekly  News!")
    assert caught.value.field == "key"
    with pytest.raises(contactkit.NotFoundError):
        book.remove_category(ann.id, "nope")
    with pytest.raises(contactkit.ValidationError):
        book.add_to_segment(ann.id, news.segment_id)


def test_static_segments(book: ContactBook) -> None:
    vip = book.create_segment("VIP")
    assert isinstance(vip, contactkit.Segment)
    assert vip.name == "VIP" and vip.category_key is None
    ids = [book.create({"email": f"u{i}@example.com"}).id for i in range(3)]
    for contact_id in ids:
        contact = book.add_to_segment(contact_id, vip.id)
        assert contact.segments == [vip.id]
    page = book.segment_members(vip.id, limit=2)
    assert [c.id for c in page.items] == ids[:2]
    rest = book.segment_members(vip.id, limit=2, cursor=page.next_cursor)
    assert [c.id for c in rest.items] == ids[2:] and rest.next_cursor is None
    assert book.remove_from_segment(ids[0], vip.id).segments == []
    assert book.segments() == [vip]
    with pytest.raises(contactkit.NotFoundError):
        book.segment_members("01900000-0000-7000-8000-000000000000")
    with pytest.raises(contactkit.ConflictError):
        book.create_segment("vip")


def define_all(book: ContactBook) -> None:
    book.define_field({"key": "nickname", "type": "text"})
    book.define_field({"key": "age", "type": "number", "min": 0, "max": "150"})
    book.define_field({"key": "credit", "type": "decimal", "min": Decimal("0"), "max": "1000.00"})
    book.define_field({"key": "birthday", "type": "date"})
    book.define_field({"key": "last_visit", "type": "datetime"})
    book.define_field({"key": "vip", "type": "boolean"})
    book.define_field({"key": "tier", "type": "list", "options": ["bronze", "silver", "gold"]})
    book.define_field({"key": "interests", "type": "multilist", "options": ["books", "music", "travel"]})


def test_define_field_returns_typed_definition(book: ContactBook) -> None:
    age = book.define_field({"key": "age", "title": "Age", "type": "number", "min": 0, "max": 150})
    assert isinstance(age, contactkit.FieldDefinition)
    assert (age.key, age.title, age.type, age.required, age.readonly) == ("age", "Age", "number", False, False)
    assert age.min == Decimal(0) and isinstance(age.min, Decimal)
    assert age.max == Decimal(150)
    assert age.options == []
    again = book.define_field({"key": "age", "title": "Age", "type": "number", "min": 0, "max": 150})
    assert again == age
    with pytest.raises(contactkit.ConflictError):
        book.define_field({"key": "age", "type": "text"})
    assert book.field_definitions() == [age]


def test_field_values_are_python_types(book: ContactBook) -> None:
    define_all(book)
    visit = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    ann = book.create(
        {
            "email": "ann@example.com",
            "fields": {
                "nickname": "annie",
                "age": 42,
                "credit": Decimal("19.99"),
                "birthday": dt.date(1990, 3, 9),
                "last_visit": visit,
                "vip": True,
                "tier": "gold",
                "interests": ["music", "books"],
            },
        }
    )
    fields = ann.fields
    assert fields["nickname"] == "annie"
    assert fields["age"] == 42 and type(fields["age"]) is int
    assert fields["credit"] == Decimal("19.99") and isinstance(fields["credit"], Decimal)
    assert fields["birthday"] == dt.date(1990, 3, 9) and type(fields["birthday"]) is dt.date
    last_visit = fields["last_visit"]
    assert isinstance(last_visit, dt.datetime)
    assert last_visit == visit and last_visit.utcoffset() == dt.timedelta(0)
    assert fields["vip"] is True
    assert fields["tier"] == "gold"
    assert fields["interests"] == ["books", "music"]


def test_field_values_accept_platform_strings(book: ContactBook) -> None:
    define_all(book)
    ann = book.create({"email": "ann@example.com"})
    ann = book.set_field(ann.id, "age", "42")
    ann = book.set_field(ann.id, "credit", "7.5")
    ann = book.set_field(ann.id, "credit", 8)
    ann = book.set_field(ann.id, "birthday", "1990-03-09")
    ann = book.set_field(ann.id, "last_visit", "2024-05-01T12:00:00+03:00")
    ann = book.set_field(ann.id, "vip", "true")
    ann = book.set_field(ann.id, "interests", "books,travel")
    assert ann.fields["age"] == 42
    assert ann.fields["credit"] == Decimal(8)
    assert ann.fields["birthday"] == dt.date(1990, 3, 9)
    assert ann.fields["last_visit"] == dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.timezone.utc)
    assert ann.fields["vip"] is True
    assert ann.fields["interests"] == ["books", "travel"]
    ann = book.clear_field(ann.id, "age")
    assert "age" not in ann.fields


@pytest.mark.parametrize(
    "key, value",
    [
        ("age", "forty"),
        ("age", 151),
        ("tier", "platinum"),
        ("birthday", "09/03/1990"),
        ("last_visit", dt.datetime(2024, 5, 1, 12, 0)),
    ],
)
def test_bad_field_values_name_the_field(book: ContactBook, key: str, value: contactkit.FieldInput) -> None:
    define_all(book)
    ann = book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.set_field(ann.id, key, value)
    assert caught.value.field == f"fields.{key}"
    assert book.get(ann.id) == ann


def test_unknown_field_is_not_found(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.ContactKitError):
        book.set_field(ann.id, "nope", "x")
