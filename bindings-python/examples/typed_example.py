"""A typed pipeline step: checked with `mypy --strict` in the test command, and run.

It shows what the stubs give a type checker: attribute types of contacts, the string
enums as Literal types, the dict inputs as TypedDicts (a misspelt key or a float amount
is a mypy error), pages of contacts and of timeline items, narrowing a timeline item by
its `kind`, a profile's lifecycle (merge, export, erase), a whole book moved through the
portable form (JSON lines), an import's problems, a setup script that runs again,
consent dates and a suppression list, and the error attributes.

Run: python bindings-python/examples/typed_example.py
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import contactkit
from contactkit import (
    Activity,
    Channel,
    ContactBook,
    ContactInput,
    ImportReport,
    OrderInput,
    Page,
    ProblemCode,
    Restored,
    RowProblem,
    SendDecision,
    SuppressionImportReport,
    SuppressionInput,
)


def leads(n: int) -> Iterator[ContactInput]:
    for i in range(n):
        yield {"email": f"lead{i}@example.com", "first_name": "Lead", "external_id": f"crm-{i}"}


def load(book: ContactBook, rows: Iterable[ContactInput]) -> ImportReport:
    seen: list[int] = []
    report = book.import_contacts(rows, dedupe_on="external_id", progress=seen.append)
    assert seen[-1] == report.created + report.updated + len(report.rejected)
    return report


def reachable(book: ContactBook, channel: Channel, category: Optional[str] = None) -> list[str]:
    """The emails of every contact a message on `channel` may go to: one decision per
    contact, a page of up to 1000 contacts answered in one read."""
    emails: list[str] = []
    cursor: Optional[str] = None
    while True:
        page: Page[contactkit.Contact] = book.list(limit=1000, cursor=cursor)
        decisions: list[SendDecision] = book.can_send_many([c.id for c in page], channel, category)
        for contact, decision in zip(page, decisions):
            if decision.allowed and contact.email is not None:
                emails.append(contact.email)
        if page.next_cursor is None:
            return emails
        cursor = page.next_cursor


def revenue(book: ContactBook, contact_id: str, currency: str) -> Decimal:
    total = Decimal(0)
    timeline: Page[Activity] = book.activity(contact_id, category="orders", period="all")
    for item in timeline.items:
        if item.kind == "order" and item.status == "delivered" and item.currency == currency:
            total += item.amount
    return total


def describe(item: Activity) -> str:
    if isinstance(item, contactkit.CampaignActivity):
        return f"{item.channel} message {item.message_id} is {item.status}"
    if isinstance(item, contactkit.EventActivity):
        return f"event {item.name} started {len(item.workflows)} workflows"
    return f"order {item.external_id}: {item.amount} {item.currency}"


def signed_in(book: ContactBook, account_id: str, app_profile_id: str) -> contactkit.Contact:
    """An anonymous app profile signed in to an account: one contact, by either id."""
    merged = book.merge(account_id, app_profile_id)
    assert book.get(app_profile_id) == merged
    return merged


def access_request(book: ContactBook, contact_id: str, folder: Path) -> Path:
    """A person's right of access: everything the book holds about them, as a file."""
    export: dict[str, Any] = book.export_contact(contact_id)
    path = folder / f"{contact_id}.json"
    path.write_text(json.dumps(export, indent=2), encoding="utf-8")
    return path


def erasure_request(book: ContactBook, contact_id: str) -> None:
    """A person's right to erasure: gone for good, their addresses still blocked."""
    book.erase(contact_id)
    assert book.get(contact_id) is None


def back_up(book: ContactBook, path: Path) -> int:
    """The whole book as JSON lines: the catalogue, then one profile a line."""
    with path.open("w", encoding="utf-8") as out:
        count = 0
        for line in book.export_lines():
            out.write(json.dumps(line) + "\n")
            count += 1
    return count


def restore_into(book: ContactBook, path: Path) -> int:
    """Reads a backup into `book`, a line at a time; returns how many contacts it made.
    A line that fails writes nothing and names its part (`activity[0].name`)."""
    created = 0
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            try:
                restored: Restored = book.restore_line(json.loads(text), dedupe_on="id")
            except contactkit.ValidationError as error:
                raise SystemExit(f"{path}:{number}: {error.field}: {error.reason}") from error
            created += restored.created
    return created


def set_up(book: ContactBook) -> contactkit.Category:
    """A setup script that can run again: what exists is returned, not a ConflictError."""
    book.define_field({"key": "age", "type": "number"}, if_exists="return")
    book.create_segment("VIP", if_exists="return")
    return book.define_category("Weekly news", if_exists="return")


def problems_by_field(report: ImportReport) -> dict[str, list[ProblemCode]]:
    """Every problem of an import, rejected or dropped, by the field at fault."""
    found: dict[str, list[ProblemCode]] = {}
    problems: list[RowProblem] = [p for row in report.rejected for p in row.problems]
    problems += [p for row in report.dropped for p in row.problems]
    for problem in problems:
        found.setdefault(problem.field or "(row)", []).append(problem.code)
    return found


def bounces(addresses: Iterable[str], at: dt.datetime) -> Iterator[SuppressionInput]:
    for address in addresses:
        yield {"channel": "email", "address": address, "kind": "blacklisted", "reason": "hard_bounce", "at": at}


def open_durable(path: Path) -> ContactBook:
    """A book whose commits survive a power cut; a write waits up to 5 s for another."""
    return contactkit.ContactBook.open(path, durability="full", busy_timeout=5.0)


def main() -> None:
    with ContactBook.in_memory() as book:
        report = load(book, leads(1500))
        assert (report.created, report.updated, report.rejected) == (1500, 0, [])

        first: Optional[contactkit.Contact] = book.find_by_external_id("crm-0")
        assert first is not None
        created: dt.datetime = first.created_at
        assert created.tzinfo is not None

        book.unsubscribe(first.id, "email", reason="too many emails")
        assert len(reachable(book, "email")) == 1499
        # A suppression list from another sender: its addresses, held by a contact or not yet.
        records = book.suppress_address("email", "lead1@example.com", "unsubscribed", reason="list import")
        assert [r.kind for r in records] == ["unsubscribed"]
        assert len(reachable(book, "email")) == 1498

        book.record_order(
            first.id,
            {"external_id": "o-1", "amount": Decimal("10.50"), "currency": "EUR", "status": "delivered"},
        )
        book.record_order(first.id, {"external_id": "o-2", "amount": 4, "currency": "EUR", "status": "cancelled"})
        assert revenue(book, first.id, "EUR") == Decimal("10.50")
        book.record_event(first.id, {"name": "checkout", "workflows": ["thank_you"]})
        for item in book.activity(first.id, period="all"):
            print(describe(item))

        try:
            book.update(first.id, {"phone": "not a phone"})
        except contactkit.ValidationError as error:
            field: Optional[str] = error.field
            assert field == "phone"
        try:
            book.delete("01900000-0000-7000-8000-000000000000")
        except contactkit.NotFoundError as error:
            assert error.what == "contact"

    with ContactBook.in_memory() as book, tempfile.TemporaryDirectory() as folder:
        account = book.create({"email": "ann@example.com", "first_name": "Ann"})
        app = book.create({"phone": "+380671234567"})
        book.record_event(app.id, {"name": "app_opened"})
        book.unsubscribe(account.id, "email", reason="by request")
        merged = signed_in(book, account.id, app.id)
        assert (merged.id, merged.phone) == (account.id, "+380671234567")

        saved = json.loads(access_request(book, app.id, Path(folder)).read_text(encoding="utf-8"))
        assert saved["contact"]["id"] == account.id
        assert [item["name"] for item in saved["activity"]] == ["app_opened"]
        assert [(s["channel"], s["kind"]) for s in saved["suppressions"]] == [("email", "unsubscribed")]

        erasure_request(book, account.id)
        try:
            book.restore(account.id)
        except contactkit.NotFoundError as error:
            assert error.id == account.id
        # The address stays blocked for whoever holds it next.
        again = book.create({"email": "ann@example.com"})
        assert book.can_send(again.id, "email").reason == "unsubscribed"

    with ContactBook.in_memory() as book, tempfile.TemporaryDirectory() as folder:
        vip = book.create_segment("VIP")
        ann = book.create({"email": "ann@example.com", "segments": [vip.id]})
        book.record_event(ann.id, {"name": "signed_up"})
        backup = Path(folder) / "book.jsonl"
        assert back_up(book, backup) == 2  # the segment, then Ann
        with ContactBook.open(Path(folder) / "copy.db") as copy:
            assert restore_into(copy, backup) == 1
            assert restore_into(copy, backup) == 0  # restoring again adds nothing
            copied = copy.get(ann.id)
            assert copied is not None and copied.created_at == ann.created_at
            assert [s.name for s in copy.segments()] == ["VIP"]
            assert [item.kind for item in copy.activity(ann.id, period="all")] == ["event"]

    with ContactBook.in_memory() as book:
        news = set_up(book)
        assert set_up(book) == news  # again: the same category, nothing new
        # Rows typed as ContactInput are checked by mypy: a misspelt key or a float
        # amount is an error before anything runs.
        rows: list[ContactInput] = [
            {"email": "ann@example.com", "first_name": "Ann", "segments": ["VIP"], "fields": {"age": 2.0}},
            {"email": "bob@example.com", "timezone": "Mars/Olympus", "categories": [news.key]},
            {"email": "not an email", "first_name": "Nobody"},
            {"first_name": "Walk-in", "phone": "+380671234567"},
            {
                "email": "gone@example.com",
                "email_status": "unsubscribed",
                "email_status_at": "2024-02-20 04:42:48",
                "email_status_reason": "too many emails",
            },
        ]
        report = book.import_contacts(rows, on_invalid="drop_field")
        assert (report.created, report.without_key) == (4, 1)
        assert problems_by_field(report) == {"timezone": ["invalid"], "email": ["invalid"]}
        ids: list[Optional[str]] = report.ids
        assert ids[2] is None and all(ids[i] is not None for i in (0, 1, 3, 4))
        rerun = book.import_contacts(rows, on_invalid="drop_field")
        assert (rerun.created, rerun.updated, rerun.ids) == (0, 4, ids)  # the walk-in too

        found = book.find_by_email("ann@example.com")
        assert found is not None and found.fields["age"] == 2
        assert book.find_by_email("not an email") is None
        assert [c.email for c in book.segment_members("vip")] == ["ann@example.com"]

        when = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
        found = book.unsubscribe(found.id, "email", reason="moved", at=when)
        assert found.suppressions[0].at == when
        listed: SuppressionImportReport = book.import_suppressions(
            bounces(["bob@example.com", "nobody@example.com"], when)
        )
        assert (listed.recorded, listed.unchanged, listed.rejected) == (2, 0, [])
        assert book.can_send("bob@example.com", "email").reason == "blacklisted"

        order: OrderInput = {"external_id": "o-9", "amount": Decimal("9.99"), "currency": "EUR"}
        order["items"] = [{"product_id": "sku-1", "quantity": 1, "price": "9.99"}]
        assert book.record_order(found.id, order).amount == Decimal("9.99")

    with tempfile.TemporaryDirectory() as folder, open_durable(Path(folder) / "durable.db") as durable:
        durable.create({"email": "ann@example.com"})
        assert durable.count() == 1


if __name__ == "__main__":
    main()
