"""ContactKit quick start: docs/python.md shows this whole file, and the test command runs it.

Run: python bindings-python/examples/quickstart.py [contacts.db]
(a book in a temporary folder without an argument; with one, run it again: the second
run finds what the first one made and adds nothing twice)
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import contactkit


def main(path: Path) -> None:
    # A book is a SQLite file (created if absent); `default_region` reads national
    # phone numbers of contacts without an address country.
    with contactkit.ContactBook.open(path, default_region="UA") as book:
        # Setup that can run again: what exists is returned, not a ConflictError.
        book.define_field({"key": "loyalty_tier", "type": "list", "options": ["silver", "gold"]}, if_exists="return")
        book.define_field({"key": "birthday", "type": "date"}, if_exists="return")
        news = book.define_category("Weekly news", if_exists="return")
        vip = book.create_segment("VIP", if_exists="return")

        # Inputs are dicts; upsert matches an existing contact by `dedupe_on`.
        olena = book.upsert(
            {
                "email": " Olena.Koval@Example.com ",
                "phone": "067 123 4567",
                "first_name": "Olena",
                "timezone": "Europe/Kyiv",
                "mobile_push": [
                    {"app_id": "shop", "device_id": "pixel-8", "token": "fcm-1", "platform": "android"}
                ],
                "segments": ["VIP"],  # a segment by its name (or its id)
                "fields": {"loyalty_tier": "gold", "birthday": dt.date(1990, 3, 9)},
            },
            dedupe_on="email",
        )
        assert olena.email == "olena.koval@example.com"
        assert olena.phone == "+380671234567"
        assert olena.fields["birthday"] == dt.date(1990, 3, 9)
        assert vip.id in olena.segments

        # A later upsert merges: absent keys keep their values, None clears.
        olena = book.upsert({"email": "olena.koval@example.com", "timezone": None}, dedupe_on="email")
        assert olena.first_name == "Olena" and olena.timezone is None

        # Consent: categories, suppressions and the one question that matters.
        book.remove_category(olena.id, news.key)
        assert book.can_send(olena.id, "email", category=news.key).reason == "not_in_category"
        book.add_category(olena.id, news.key)
        assert book.can_send(olena.id, "email", category=news.key).allowed
        book.blacklist(olena.id, "sms", reason="invalid_number")
        assert book.can_send(olena.id, "sms").reason == "blacklisted"

        # The timeline: campaigns, events and orders, newest first.
        book.record_campaign(olena.id, {"message_id": "m-1", "channel": "email", "status": "read"})
        book.record_order(
            olena.id,
            {"external_id": "o-1", "amount": Decimal("120.50"), "currency": "UAH", "status": "delivered"},
        )
        for item in book.activity(olena.id, period="7d").items:
            print(f"{item.at:%Y-%m-%d %H:%M} {item.kind:<8} {item.color:<5} {item.icon}")

        card = book.get(olena.id)
        assert card is not None
        print(card)
        print("email:", card.email_status, "| phone:", card.phone_status)
        print("revenue:", card.order_stats.revenue)

        # Bulk: rows are reported, not raised; a row without its dedupe key gets an id
        # from its content, so running this again updates the same contacts.
        report = book.import_contacts(
            [
                {"email": "taras@example.com", "first_name": "Taras", "segments": ["VIP"]},
                {"first_name": "Walk-in", "phone": "050 765 4321"},
                {"email": "not-an-email", "first_name": "Nobody"},
            ]
        )
        print(f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}")
        assert [(r.index, r.field) for r in report.rejected] == [(2, "email")]
        assert book.count() == 3
        assert book.find_by_email("not-an-email") is None  # a finder never raises on junk

        # Errors are exceptions that name the input at fault.
        try:
            book.create({"email": "not-an-email"})
        except contactkit.ValidationError as error:
            print(f"rejected {error.field}={error.value!r}: {error.reason}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "contacts.db")
