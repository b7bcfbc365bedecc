"""The activity timeline: campaigns, events, orders, and the paged query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import contactkit
from contactkit import ContactBook

UTC = dt.timezone.utc


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def test_record_campaign_returns_a_campaign_item(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    sent_at = now() - dt.timedelta(days=1)
    item = book.record_campaign(
        ann.id,
        {"message_id": "m-1", "message_name": "Spring sale", "channel": "email", "status": "sent", "at": sent_at},
    )
    assert isinstance(item, contactkit.CampaignActivity)
    assert (item.kind, item.color, item.icon) == ("campaign", "green", "email")
    assert (item.message_id, item.message_name, item.channel, item.status) == ("m-1", "Spring sale", "email", "sent")
    assert item.contact_id == ann.id
    assert abs(item.at - sent_at) < dt.timedelta(milliseconds=1)
    moved = book.record_campaign(ann.id, {"message_id": "m-1", "channel": "email", "status": "read"})
    assert moved.status == "read" and moved.id == item.id
    back = book.record_campaign(ann.id, {"message_id": "m-1", "channel": "email", "status": "delivered"})
    assert back.status == "read"


def test_campaign_hard_bounce_blacklists(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    book.record_campaign(
        ann.id,
        {"message_id": "m-2", "channel": "email", "status": "undelivered", "status_description": "hard_bounce"},
    )
    found = book.get(ann.id)
    assert found is not None and found.email_status == "blacklisted"


def test_record_event(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    item = book.record_event(
        ann.id,
        {
            "name": "viewed_product",
            "key_value": "sku-1",
            "params": {"price": Decimal("9.90"), "tags": ["a", "b"], "qty": 2, "seen": True, "x": None},
            "workflows": ["welcome"],
        },
    )
    assert isinstance(item, contactkit.EventActivity)
    assert (item.kind, item.color, item.icon) == ("event", "brown", "flag")
    assert item.name == "viewed_product" and item.key_value == "sku-1"
    assert item.params == {"price": "9.90", "tags": ["a", "b"], "qty": 2, "seen": True, "x": None}
    assert item.workflows == ["welcome"]
    with pytest.raises(contactkit.ValidationError) as caught:
        book.record_event(ann.id, {"name": "bad<name>"})
    assert caught.value.field == "name"


def test_record_order_with_decimals_and_stats(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    order = book.record_order(
        ann.id,
        {
            "external_id": "o-1",
            "amount": Decimal("120.50"),
            "currency": "uah",
            "status": "delivered",
            "items": [{"product_id": "p-1", "name": "Mug", "quantity": 2, "price": "60.25"}],
            "shipping": "0",
            "discount": 5,
            "delivery_address": {"country": "UA", "town": "Lviv"},
        },
    )
    assert isinstance(order, contactkit.OrderActivity)
    assert (order.kind, order.color, order.icon) == ("order", "red", "shopping_bag")
    assert order.amount == Decimal("120.50") and isinstance(order.amount, Decimal)
    assert order.currency == "UAH"
    assert order.discount == Decimal(5) and order.taxes is None
    [line] = order.items
    assert isinstance(line, contactkit.OrderItem)
    assert (line.product_id, line.name, line.quantity, line.price) == ("p-1", "Mug", Decimal(2), Decimal("60.25"))
    assert order.source == "online" and order.store_id is None
    assert order.delivery_address is not None and order.delivery_address.town == "Lviv"
    book.record_order(ann.id, {"external_id": "o-2", "amount": "10", "currency": "UAH", "status": "cancelled"})
    stats = book.get(ann.id).order_stats  # type: ignore[union-attr]
    assert stats.order_count == 2
    assert stats.revenue == {"UAH": Decimal("120.50")}
    assert isinstance(stats.last_order_at, dt.datetime)
    located = book.get(ann.id)
    assert located is not None and located.address is not None and located.address.town == "Lviv"


def test_money_refuses_floats(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.record_order(ann.id, {"external_id": "o-1", "amount": 0.1, "currency": "USD"})
    assert caught.value.field == "amount"


def test_activity_query_by_category_period_and_pages(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    old = now() - dt.timedelta(days=60)
    book.record_order(ann.id, {"external_id": "o-old", "amount": 1, "currency": "USD", "at": old})
    book.record_event(ann.id, {"name": "old_event", "at": old.isoformat()})
    for i in range(3):
        book.record_event(ann.id, {"name": f"e{i}", "at": now() - dt.timedelta(hours=3 - i)})
    recent = book.activity(ann.id)
    assert [a.kind for a in recent.items] == ["event", "event", "event"]
    assert [getattr(a, "name") for a in recent.items] == ["e2", "e1", "e0"]
    everything = book.activity(ann.id, period="all")
    assert len(everything.items) == 5
    orders = book.activity(ann.id, category="orders", period="7d")
    assert [a.kind for a in orders.items] == ["order"]
    page = book.activity(ann.id, category="events", period="all", limit=2)
    assert len(page.items) == 2 and page.next_cursor is not None
    rest = book.activity(ann.id, category="events", period="all", limit=2, cursor=page.next_cursor)
    assert len(rest.items) == 2 and rest.next_cursor is None
    ranged = book.activity(ann.id, "events", since=old - dt.timedelta(days=1), until=old + dt.timedelta(days=1))
    assert [getattr(a, "name") for a in ranged.items] == ["old_event"]
    for item in everything:
        if item.kind == "order":
            assert isinstance(item.amount, Decimal)
        elif item.kind == "event":
            assert isinstance(item.name, str)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"category": "letters"}, "category"),
        ({"period": "2w"}, "period"),
        ({"since": dt.datetime(2024, 1, 1)}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"limit": 0}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
def test_activity_bad_queries(book: ContactBook, kwargs: dict[str, object], field: str) -> None:
    ann = book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.activity(ann.id, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_activity_of_unknown_contact(book: ContactBook) -> None:
    with pytest.raises(contactkit.NotFoundError) as caught:
        book.activity("01900000-0000-7000-8000-000000000000")
    assert caught.value.what == "contact"
    assert caught.value.id == "01900000-0000-7000-8000-000000000000"
