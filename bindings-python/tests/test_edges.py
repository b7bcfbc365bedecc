"""DOMAIN.md "Rules at the edges" as Python meets them, and the operations that came
with them: lookups by push token and web push endpoint, suppression lists, a reason on
a spam complaint, renaming and deleting categories, segments and fields, ``can_send``
by any identifier and ``can_send_many``."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

import contactkit
from contactkit import ContactBook

NO_SUCH_ID = "01900000-0000-7000-8000-000000000000"
DEVICE = {"app_id": "shop", "device_id": "d1", "token": "tok-1", "platform": "ios", "model": "iPhone 15"}
SUBSCRIPTION = {
    "endpoint": "https://push.example.com/a",
    "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    "auth": "tBHItJI5svbpez7KI4CCXg",
}


# ---- names, phones, error messages ----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["कृष्ण", "लक्ष्मी", "ประยุทธ์", "கார்த்திக்", "Klaus-D.", "H.-Dieter", "ヤマダ・タロウ"],
)
def test_names_of_every_script_are_accepted_as_given(book: ContactBook, name: str) -> None:
    contact = book.create({"first_name": name})
    assert contact.first_name == name
    assert book.get(contact.id) == contact


def test_a_decomposed_name_is_stored_nfc(book: ContactBook) -> None:
    decomposed = "Jose\u0301"
    contact = book.create({"first_name": decomposed, "last_name": unicodedata.normalize("NFD", "Müller")})
    assert contact.first_name == "José" == unicodedata.normalize("NFC", decomposed)
    assert contact.last_name == "Müller"
    assert contact.to_dict()["first_name"] == "José"


def test_a_phone_with_the_00_prefix_reads_like_plus(book: ContactBook) -> None:
    contact = book.create({"phone": "00380671234567", "address": {"country": "UA"}})
    assert contact.phone == "+380671234567"
    assert book.find_by_phone("+380671234567") == contact


def test_a_phone_with_the_region_international_prefix(book: ContactBook) -> None:
    with ContactBook.in_memory(default_region="GB") as gb:
        assert gb.create({"phone": "0044 20 7946 0958"}).phone == "+442079460958"


def test_error_messages_quote_values_as_given(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.create({"email": "शर्मा"})
    assert caught.value.field == "email"
    assert caught.value.value == "शर्मा"
    assert "शर्मा" in str(caught.value)
    assert "\\u{" not in str(caught.value)
    with pytest.raises(contactkit.NotFoundError) as missing:
        book.delete_field("ஆ")
    assert missing.value.id == "ஆ" and "ஆ" in str(missing.value) and "\\u{" not in str(missing.value)


# ---- lookups by token and endpoint --------------------------------------------------------


def test_find_by_push_token(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com", "mobile_push": [DEVICE]})
    assert book.find_by_push_token("tok-1") == ann
    assert book.find_by_push_token(" tok-1 ") == ann
    assert book.find_by_push_token("tok-2") is None
    bob = book.create({"email": "bob@example.com"})
    bob = book.add_mobile_push(bob.id, {**DEVICE, "device_id": "d2"})
    assert book.find_by_push_token("tok-1") == bob
    book.delete(bob.id)
    assert book.find_by_push_token("tok-1") is None


def test_find_by_web_push_endpoint(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    ann = book.add_web_push(ann.id, SUBSCRIPTION)
    assert book.find_by_web_push_endpoint("https://push.example.com/a") == ann
    assert book.find_by_web_push_endpoint("HTTPS://PUSH.example.com/a") == ann
    assert book.find_by_web_push_endpoint("https://push.example.com/b") is None


@pytest.mark.parametrize("endpoint", ["not a url", "http://push.example.com/a", ""])
def test_a_malformed_endpoint_finds_nobody(book: ContactBook, endpoint: str) -> None:
    # A finder answers None to what no contact can hold, rather than raising.
    book.add_web_push(book.create({"email": "ann@example.com"}).id, SUBSCRIPTION)
    assert book.find_by_web_push_endpoint(endpoint) is None


def test_a_device_registered_again_keeps_what_it_omits(book: ContactBook) -> None:
    ann = book.create({"mobile_push": [{**DEVICE, "active": False}]})
    ann = book.add_mobile_push(ann.id, {"app_id": "shop", "device_id": "d1", "token": "tok-2"})
    [device] = ann.devices
    assert (device.token, device.platform, device.model, device.active) == ("tok-2", "ios", "iPhone 15", False)
    new = book.register_app(ann.id, {"app_id": "blog", "device_id": "d1"})
    assert [(d.app_id, d.platform, d.active) for d in new.devices] == [
        ("shop", "ios", False),
        ("blog", "other", True),
    ]


# ---- consent ---------------------------------------------------------------------------------


def test_report_spam_keeps_its_reason(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    ann = book.report_spam(ann.id, "email", reason="abuse report")
    assert ann.email_status == "spam_complaint"
    [record] = ann.suppressions
    assert (record.kind, record.reason) == ("spam_complaint", "abuse report")
    bob = book.report_spam(book.create({"phone": "+14155550100"}).id, "sms")
    assert bob.phone_status == "spam_complaint" and bob.suppressions[0].reason is None
    with pytest.raises(contactkit.ValidationError) as caught:
        book.report_spam(ann.id, "email", reason="x" * 100_000)
    assert caught.value.field == "reason"


def test_suppress_address_before_any_contact_holds_it(book: ContactBook) -> None:
    records = book.suppress_address("email", " Later@Example.com ", "unsubscribed", reason="list import")
    assert [(r.channel, r.address, r.kind, r.reason) for r in records] == [
        ("email", "later@example.com", "unsubscribed", "list import")
    ]
    assert all(isinstance(r, contactkit.Suppression) for r in records)
    again = book.suppress_address("email", "later@example.com", "unsubscribed")
    assert again == records, "recording the same kind again is a no-op"
    both = book.suppress_address("email", "later@example.com", "blacklisted")
    assert [r.kind for r in both] == ["unsubscribed", "blacklisted"]
    later = book.create({"email": "later@example.com"})
    assert later.email_status == "blacklisted"
    assert book.can_send(later.id, "email").reason == "blacklisted"
    sms = book.suppress_address("sms", "+380 67 123 4567", "spam_complaint")
    assert [(r.address, r.kind) for r in sms] == [("+380671234567", "spam_complaint")]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("mobile_push", "tok-1", "blacklisted"), "channel"),
        (("telegram", "chat", "blacklisted"), "channel"),
        (("fax", "a@b.com", "blacklisted"), "channel"),
        (("email", "not an email", "blacklisted"), "email"),
        (("email", "a@example.com", "bounced"), "kind"),
        (("email", "a@example.com", "\ud800"), "kind"),
    ],
)
def test_suppress_address_refusals_name_the_field(book: ContactBook, args: tuple[str, ...], field: str) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.suppress_address(*args)
    assert caught.value.field == field
    assert book.suppressions("email", "a@example.com") == []


# ---- can_send by any identifier, many at once ---------------------------------------------


def test_can_send_takes_any_identifier(book: ContactBook) -> None:
    ann = book.create(
        {"email": "ann@example.com", "phone": "+380671234567", "external_id": "crm-1", "contact_key": "k-1"}
    )
    for who in (ann.id, ann.id.upper(), "ANN@example.com", "+380671234567", "crm-1", "k-1"):
        assert book.can_send(who, "email").to_dict() == {"allowed": True, "reason": "ok"}, who
    assert book.can_send("nobody@example.com", "email").reason == "unknown_contact"


def test_can_send_many_answers_in_order(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    bob = book.create({"phone": "+14155550100"})
    book.unsubscribe(bob.id, "sms")
    decisions = book.can_send_many([ann.id, "nobody@example.com", bob.id, "ann@example.com"], "email")
    assert all(isinstance(d, contactkit.SendDecision) for d in decisions)
    assert [(d.allowed, d.reason) for d in decisions] == [
        (True, "ok"),
        (False, "unknown_contact"),
        (False, "no_address"),
        (True, "ok"),
    ]
    assert [d.reason for d in book.can_send_many((bob.id,), "sms")] == ["unsubscribed"]
    assert book.can_send_many([], "email") == []
    news = book.define_category("News")
    assert [d.reason for d in book.can_send_many([ann.id], "email", news.key)] == ["not_in_category"]
    assert book.can_send_many([ann.id], "email", category=None) == [book.can_send(ann.id, "email")]


def test_can_send_many_takes_at_most_1000(book: ContactBook) -> None:
    assert len(book.can_send_many(["x"] * 1000, "email")) == 1000
    with pytest.raises(contactkit.ValidationError) as caught:
        book.can_send_many(["x"] * 1001, "email")
    assert caught.value.field == "ids"


@pytest.mark.parametrize(
    ("ids", "channel", "category", "field"),
    [
        (["a@example.com"], "fax", None, "channel"),
        ("a@example.com", "email", None, "ids"),
        (["a@example.com", 1.5], "email", None, "ids[1]"),
        (["\ud800"], "email", None, "ids[0]"),
    ],
)
def test_can_send_many_refusals_name_the_field(
    book: ContactBook, ids: Any, channel: str, category: Any, field: str
) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.can_send_many(ids, channel, category)
    assert caught.value.field == field


def test_can_send_many_with_an_undefined_category_is_not_found(book: ContactBook) -> None:
    with pytest.raises(contactkit.NotFoundError) as caught:
        book.can_send_many(["a@example.com"], "email", "nope")
    assert caught.value.what == "category"


# ---- renames and deletes ------------------------------------------------------------------


def test_update_and_delete_category(book: ContactBook) -> None:
    news = book.define_category("Weekly news")
    ann = book.create({"email": "ann@example.com", "categories": [news.key]})
    renamed = book.update_category(news.key, "Daily news")
    assert isinstance(renamed, contactkit.Category)
    assert (renamed.key, renamed.title, renamed.segment_id) == ("weekly-news", "Daily news", news.segment_id)
    assert book.categories() == [renamed]
    assert [s.name for s in book.segments()] == ["Daily news"]
    assert book.delete_category(news.key) is None
    assert book.categories() == [] and book.segments() == []
    assert book.get(ann.id).categories == []  # type: ignore[union-attr]
    with pytest.raises(contactkit.NotFoundError):
        book.delete_category(news.key)
    with pytest.raises(contactkit.NotFoundError):
        book.update_category("nope", "Title")


def test_update_category_refusals(book: ContactBook) -> None:
    news = book.define_category("News")
    book.create_segment("Offers")
    with pytest.raises(contactkit.ValidationError) as caught:
        book.update_category(news.key, "  ")
    assert caught.value.field == "title"
    with pytest.raises(contactkit.ConflictError):
        book.update_category(news.key, "Offers")
    assert book.categories() == [news]


def test_update_and_delete_segment(book: ContactBook) -> None:
    vip = book.create_segment("VIP")
    ann = book.create({"email": "ann@example.com", "segments": [vip.id]})
    renamed = book.update_segment(vip.id, "V.I.P.")
    assert isinstance(renamed, contactkit.Segment)
    assert (renamed.id, renamed.name, renamed.category_key) == (vip.id, "V.I.P.", None)
    assert book.segments() == [renamed]
    assert book.delete_segment(vip.id) is None
    assert book.segments() == []
    assert book.get(ann.id).segments == []  # type: ignore[union-attr]
    with pytest.raises(contactkit.NotFoundError):
        book.delete_segment(vip.id)
    with pytest.raises(contactkit.NotFoundError):
        book.update_segment(NO_SUCH_ID, "x")


def test_a_category_segment_is_not_renamed_or_deleted_as_a_segment(book: ContactBook) -> None:
    news = book.define_category("News")
    for call in (lambda: book.update_segment(news.segment_id, "x"), lambda: book.delete_segment(news.segment_id)):
        with pytest.raises(contactkit.ValidationError) as caught:
            call()
        assert caught.value.field == "segment"
    assert [s.name for s in book.segments()] == ["News"]


def test_update_field_title_and_options(book: ContactBook) -> None:
    book.define_field({"key": "tier", "type": "list", "options": ["gold"]})
    ann = book.create({"fields": {"tier": "gold"}})
    titled = book.update_field("tier", title="Loyalty tier")
    assert isinstance(titled, contactkit.FieldDefinition)
    assert (titled.title, titled.options) == ("Loyalty tier", ["gold"])
    grown = book.update_field("tier", add_options=("platinum", "silver"))
    assert (grown.title, grown.options) == ("Loyalty tier", ["gold", "platinum", "silver"])
    assert book.field_definitions() == [grown]
    assert book.update_field("tier") == grown, "nothing given changes nothing"
    assert book.set_field(ann.id, "tier", "platinum").fields == {"tier": "platinum"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"add_options": ["red, dark"]}, "options"),
        ({"add_options": "platinum"}, "add_options"),
        ({"add_options": ["ok", 2.5]}, "add_options[1]"),
    ],
)
def test_update_field_refusals_name_the_field(book: ContactBook, kwargs: dict[str, Any], field: str) -> None:
    before = book.define_field({"key": "tier", "type": "multilist", "options": ["gold"]})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.update_field("tier", **kwargs)
    assert caught.value.field == field
    assert book.field_definitions() == [before]


def test_update_field_takes_its_changes_by_keyword(book: ContactBook) -> None:
    book.define_field({"key": "tier", "type": "list", "options": ["gold"]})
    with pytest.raises(TypeError):
        book.update_field("tier", "Title")  # type: ignore[misc]
    with pytest.raises(contactkit.NotFoundError):
        book.update_field("nope", title="x")


def test_delete_field_takes_its_values(book: ContactBook) -> None:
    book.define_field({"key": "tier", "type": "list", "options": ["gold"]})
    ann = book.create({"fields": {"tier": "gold"}})
    assert book.delete_field("tier") is None
    assert book.field_definitions() == []
    assert book.get(ann.id).fields == {}  # type: ignore[union-attr]
    with pytest.raises(contactkit.NotFoundError) as caught:
        book.delete_field("tier")
    assert caught.value.what == "field"
    with pytest.raises(contactkit.ValidationError) as refused:
        book.set_field(ann.id, "tier", "gold")
    assert refused.value.field == "fields.tier"


def test_renames_and_deletes_persist(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    with ContactBook.open(path) as book:
        news = book.define_category("News")
        book.update_category(news.key, "Daily")
        vip = book.update_segment(book.create_segment("VIP").id, "V.I.P.")
        book.define_field({"key": "tier", "type": "list", "options": ["gold"]})
        book.update_field("tier", add_options=["platinum"])
        book.define_field({"key": "gone", "type": "text"})
        book.delete_field("gone")
        book.suppress_address("email", "later@example.com", "unsubscribed", "list import")
    with ContactBook.open(path) as book:
        assert [c.title for c in book.categories()] == ["Daily"]
        assert vip in book.segments()
        assert [(f.key, f.options) for f in book.field_definitions()] == [("tier", ["gold", "platinum"])]
        assert [r.reason for r in book.suppressions("email", "later@example.com")] == ["list import"]


# ---- campaigns remember where they went ---------------------------------------------------


def test_campaign_records_the_address_it_was_sent_to(book: ContactBook) -> None:
    ann = book.create({"email": "x@a.com", "phone": "+380671234567"})
    sent = book.record_campaign(ann.id, {"message_id": "m1", "channel": "email", "status": "sent"})
    assert sent.sent_to == "x@a.com" and sent.to_dict()["sent_to"] == "x@a.com"
    assert "sent_to='x@a.com'" in repr(sent)
    sms = book.record_campaign(ann.id, {"message_id": "m2", "channel": "sms", "status": "sent"})
    assert sms.sent_to == "+380671234567"
    push = book.record_campaign(ann.id, {"message_id": "m3", "channel": "mobile_push", "status": "sent"})
    assert push.sent_to is None
    book.update(ann.id, {"email": "y@a.com"})
    bounced = book.record_campaign(
        ann.id,
        {"message_id": "m1", "channel": "email", "status": "undelivered", "status_description": "hard_bounce"},
    )
    assert bounced.sent_to == "x@a.com"
    assert [r.kind for r in book.suppressions("email", "x@a.com")] == ["blacklisted"]
    assert book.can_send("y@a.com", "email").allowed
