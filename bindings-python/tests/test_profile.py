"""Profile operations: create, upsert, sign_up, update, lookups, delete/restore, list, count."""

from __future__ import annotations

from pathlib import Path

import pytest

import contactkit
from contactkit import ContactBook

UNKNOWN_ID = "01900000-0000-7000-8000-000000000000"


def test_create_normalises_and_returns_a_contact(ua_book: ContactBook) -> None:
    ann = ua_book.create(
        {"email": "  Ann@Example.COM ", "phone": "067 123 4567", "first_name": "Ann"}
    )
    assert isinstance(ann, contactkit.Contact)
    assert ann.email == "ann@example.com"
    assert ann.phone == "+380671234567"
    assert ann.first_name == "Ann"
    assert ann.email_status == "active"
    assert ann.phone_status == "active"
    assert ann.source == "api"
    assert ann.created_at == ann.updated_at


def test_upsert_example_from_the_issue(book: ContactBook) -> None:
    contact = book.upsert(
        {
            "email": "a@b.com",
            "first_name": "Ann",
            "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "T", "platform": "ios"}],
        },
        dedupe_on="email",
    )
    assert contact.email == "a@b.com"
    [device] = contact.devices
    assert (device.app_id, device.device_id, device.token, device.platform) == ("shop", "d1", "T", "ios")
    assert device.active is True
    [app] = contact.applications
    assert (app.app_id, app.device_ids) == ("shop", ["d1"])


def test_upsert_merges_absent_keeps_and_none_clears(book: ContactBook) -> None:
    first = book.upsert({"email": "ann@example.com", "first_name": "Ann", "last_name": "Lee"})
    again = book.upsert({"email": "ann@example.com", "first_name": "Anna"}, "email")
    assert again.id == first.id
    assert (again.first_name, again.last_name) == ("Anna", "Lee")
    cleared = book.upsert({"email": "ann@example.com", "last_name": None}, dedupe_on="email")
    assert cleared.last_name is None and cleared.first_name == "Anna"
    assert book.count() == 1


@pytest.mark.parametrize(
    "dedupe_on, key",
    [("external_id", {"external_id": "crm-1"}), ("contact_key", {"contact_key": "k-1"})],
)
def test_upsert_by_other_keys(book: ContactBook, dedupe_on: contactkit.DedupeOn, key: dict[str, str]) -> None:
    first = book.upsert({**key, "first_name": "Bo"}, dedupe_on=dedupe_on)
    second = book.upsert({**key, "last_name": "Ek"}, dedupe_on=dedupe_on)
    assert first.id == second.id
    assert (second.first_name, second.last_name) == ("Bo", "Ek")


def test_upsert_by_id_and_phone(ua_book: ContactBook) -> None:
    made = ua_book.create({"phone": "+380671234567"})
    by_phone = ua_book.upsert({"phone": "067 123 4567", "first_name": "Ola"}, dedupe_on="phone")
    assert by_phone.id == made.id
    by_id = ua_book.upsert({"id": made.id, "last_name": "Ko"}, dedupe_on="id")
    assert by_id.id == made.id and by_id.last_name == "Ko"
    either = ua_book.upsert({"phone": "+380671234567", "timezone": "Europe/Kyiv"}, "email_or_phone")
    assert either.id == made.id and either.timezone == "Europe/Kyiv"


def test_sign_up_is_unconfirmed_until_confirmed(book: ContactBook) -> None:
    signed = book.sign_up({"email": "new@example.com"})
    assert signed.email_status == "unconfirmed"
    assert signed.source == "subscription_form"
    assert book.can_send(signed.id, "email").reason == "unconfirmed"
    confirmed = book.confirm(signed.id, "email")
    assert confirmed.email_status == "active"


def test_update_patch(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com", "first_name": "Ann", "timezone": "Europe/Kyiv"})
    updated = book.update(ann.id, {"first_name": "Anne", "timezone": None, "language": "pt-BR"})
    assert updated.first_name == "Anne"
    assert updated.timezone is None
    assert updated.language == "pt-BR"
    assert updated.email == "ann@example.com"


def test_address_and_location(book: ContactBook) -> None:
    ann = book.create(
        {
            "email": "ann@example.com",
            "address": {"country": "ua", "town": "Kyiv", "postcode": "01001"},
            "location": {"latitude": 50.45, "longitude": 30, "city": "Kyiv", "source": "gps"},
        }
    )
    assert ann.address is not None and ann.address.country == "UA"
    assert ann.address.town == "Kyiv" and ann.address.region is None
    assert ann.location is not None
    assert ann.location.latitude == 50.45 and ann.location.longitude == 30.0
    assert isinstance(ann.location.longitude, float)
    assert ann.location.source == "gps"


def test_lookups_return_none_when_absent(book: ContactBook) -> None:
    ann = book.create(
        {"email": "ann@example.com", "phone": "+380671234567", "external_id": "x1", "contact_key": "k1"}
    )
    assert book.get(ann.id) == ann
    assert book.find_by_email("ANN@example.com ") == ann
    assert book.find_by_phone("+380 67 123 45 67") == ann
    assert book.find_by_key("k1") == ann
    assert book.find_by_external_id("x1") == ann
    assert book.get(UNKNOWN_ID) is None
    assert book.find_by_email("nobody@example.com") is None
    assert book.find_by_phone("+380501112233") is None
    assert book.find_by_key("nope") is None
    assert book.find_by_external_id("nope") is None


def test_delete_hides_and_restore_brings_back(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    assert book.delete(ann.id) is None
    assert book.get(ann.id) is None
    assert book.find_by_email("ann@example.com") is None
    assert book.count() == 0
    with pytest.raises(contactkit.ConflictError):
        book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.NotFoundError):
        book.delete(ann.id)
    restored = book.restore(ann.id)
    assert restored.id == ann.id and book.count() == 1


def test_list_pages_with_cursor(book: ContactBook) -> None:
    made = [book.create({"email": f"user{i}@example.com"}).id for i in range(5)]
    first = book.list(limit=2)
    assert isinstance(first, contactkit.Page)
    assert [c.id for c in first.items] == made[:2]
    assert first.next_cursor is not None
    second = book.list(limit=2, cursor=first.next_cursor)
    third = book.list(2, second.next_cursor)
    assert [c.id for c in second.items] == made[2:4]
    assert [c.id for c in third] == made[4:]
    assert third.next_cursor is None
    assert len(third) == 1
    assert [c.id for c in book.list().items] == made
    assert book.count() == 5


@pytest.mark.parametrize("limit", [0, -1, 1001, 2**40])
def test_list_rejects_bad_limits(book: ContactBook, limit: int) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.list(limit=limit)
    assert caught.value.field == "limit"


def test_file_book_persists(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    with ContactBook.open(path) as book:
        ann = book.create({"email": "ann@example.com", "first_name": "Ann"})
    assert book.closed
    with ContactBook.open(str(path)) as again:
        found = again.get(ann.id)
        assert found == ann


def test_closed_book_raises_storage_error(book: ContactBook) -> None:
    book.close()
    book.close()
    with pytest.raises(contactkit.StorageError, match="closed"):
        book.count()
    assert repr(book) == "<ContactBook closed>"


def test_context_manager_closes_even_on_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with ContactBook.open(tmp_path / "b.db") as book:
            raise RuntimeError("boom")
    assert book.closed


def test_default_region_is_validated() -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        ContactBook.in_memory(default_region="Atlantis")
    assert caught.value.field == "default_region"


def test_open_a_file_that_is_not_a_book(tmp_path: Path) -> None:
    path = tmp_path / "not-a-book.db"
    path.write_bytes(b"this is not a SQLite database, just some text" * 100)
    with pytest.raises(contactkit.StorageError):
        ContactBook.open(path)
