"""Channels (mobile push, apps, web push, Telegram) and consent (suppressions, can_send)."""

from __future__ import annotations

import datetime as dt

import pytest

import contactkit
from contactkit import ContactBook

P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"
UNKNOWN_ID = "01900000-0000-7000-8000-000000000000"


def test_mobile_push_add_move_remove(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    bob = book.create({"email": "bob@example.com"})
    ann = book.add_mobile_push(
        ann.id, {"app_id": "shop", "device_id": "d1", "token": "tok-1", "platform": "android"}
    )
    assert [d.token for d in ann.devices] == ["tok-1"]
    bob = book.add_mobile_push(bob.id, {"app_id": "shop", "device_id": "d9", "token": "tok-1"})
    assert [d.token for d in bob.devices] == ["tok-1"]
    refreshed = book.get(ann.id)
    assert refreshed is not None and refreshed.devices == []
    bob = book.remove_mobile_push(bob.id, "tok-1")
    assert bob.devices == []
    with pytest.raises(contactkit.NotFoundError):
        book.remove_mobile_push(bob.id, "tok-1")


def test_register_and_remove_app(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    ann = book.register_app(ann.id, {"app_id": "shop", "device_id": "ipad", "platform": "ios"})
    ann = book.register_app(ann.id, {"app_id": "shop", "device_id": "iphone", "platform": "ios"})
    [app] = ann.applications
    assert app.app_id == "shop" and app.device_ids == ["ipad", "iphone"]
    assert all(d.token is None for d in ann.devices)
    ann = book.remove_app(ann.id, "shop")
    assert ann.applications == [] and ann.devices == []
    with pytest.raises(contactkit.NotFoundError):
        book.remove_app(ann.id, "shop")


def test_web_push_flat_or_nested_keys(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    ann = book.add_web_push(
        ann.id,
        {"endpoint": "https://push.example.com/a", "keys": {"p256dh": P256DH, "auth": AUTH}, "os": "Linux"},
    )
    ann = book.add_web_push(
        ann.id, {"endpoint": "https://push.example.com/b", "p256dh": P256DH, "auth": AUTH}
    )
    assert [s.endpoint for s in ann.web_push] == ["https://push.example.com/a", "https://push.example.com/b"]
    sub = ann.web_push[0]
    assert (sub.p256dh, sub.auth, sub.os) == (P256DH, AUTH, "Linux")
    assert isinstance(sub.created_at, dt.datetime)
    ann = book.remove_web_push(ann.id, "https://push.example.com/a")
    assert [s.endpoint for s in ann.web_push] == ["https://push.example.com/b"]
    with pytest.raises(contactkit.ValidationError):
        book.add_web_push(ann.id, {"endpoint": "https://push.example.com/c", "p256dh": "AAAA", "auth": AUTH})


def test_telegram_bind_and_unbind(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    ann = book.set_telegram(ann.id, {"bot_id": "shop_bot", "chat_id": 123456789})
    assert ann.telegram is not None
    assert (ann.telegram.bot_id, ann.telegram.chat_id) == ("shop_bot", "123456789")
    assert book.can_send(ann.id, "telegram").allowed
    ann = book.set_telegram(ann.id, None)
    assert ann.telegram is None
    assert book.can_send(ann.id, "telegram").reason == "no_address"


def test_blacklist_unblacklist_keyword_arguments(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    ann = book.blacklist(ann.id, "email", reason="hard_bounce")
    assert ann.email_status == "blacklisted"
    [record] = ann.suppressions
    assert (record.channel, record.address, record.kind, record.reason) == (
        "email",
        "ann@example.com",
        "blacklisted",
        "hard_bounce",
    )
    assert record.at.tzinfo is not None and record.lifted_at is None
    decision = book.can_send(ann.id, "email")
    assert isinstance(decision, contactkit.SendDecision)
    assert (decision.allowed, decision.reason) == (False, "blacklisted")
    ann = book.unblacklist(ann.id, "email", note="customer asked support")
    assert ann.email_status == "active"
    [record] = ann.suppressions
    assert record.lift_note == "customer asked support" and record.lifted_at is not None
    with pytest.raises(contactkit.ValidationError) as caught:
        book.unblacklist(ann.id, "email", note="  ")
    assert caught.value.field == "note"


def test_default_blacklist_reason_is_manual(book: ContactBook) -> None:
    ann = book.create({"phone": "+380671234567"})
    ann = book.blacklist(ann.id, "sms")
    assert ann.phone_status == "blacklisted"
    assert ann.suppressions[0].reason == "manual"


def test_unsubscribe_resubscribe_and_spam(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    ann = book.unsubscribe(ann.id, "email", reason=None)
    assert ann.email_status == "unsubscribed"
    assert book.can_send(ann.id, "email").reason == "unsubscribed"
    ann = book.resubscribe(ann.id, "email", note="came back")
    assert ann.email_status == "active"
    ann = book.report_spam(ann.id, "email")
    assert ann.email_status == "spam_complaint"
    ann = book.unsubscribe(ann.id, "email", "too many")
    records = book.suppressions("email", "ANN@example.com")
    assert [r.kind for r in records] == ["unsubscribed", "spam_complaint", "unsubscribed"]
    assert all(isinstance(r, contactkit.Suppression) for r in records)
    ann = book.resubscribe(ann.id, "email")
    assert ann.email_status == "active"


def test_confirm_needs_an_address(book: ContactBook) -> None:
    ann = book.sign_up({"email": "ann@example.com"})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.confirm(ann.id, "sms")
    assert caught.value.field == "channel"


def test_can_send_reasons(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    assert book.can_send(ann.id, "email").to_dict() == {"allowed": True, "reason": "ok"}
    assert book.can_send(ann.id, "sms").reason == "no_address"
    assert book.can_send(ann.id, "mobile_push").reason == "no_address"
    assert book.can_send(UNKNOWN_ID, "email").reason == "unknown_contact"
    news = book.define_category("Weekly news")
    assert book.can_send(ann.id, "email", category=news.key).reason == "not_in_category"
    with pytest.raises(contactkit.NotFoundError):
        book.can_send(ann.id, "email", "no-such-category")


def test_unknown_channel_is_a_validation_error(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.blacklist(ann.id, "fax")  # type: ignore[arg-type]
    assert caught.value.field == "channel"
    assert caught.value.value == "fax"
