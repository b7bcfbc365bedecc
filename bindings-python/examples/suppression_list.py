"""Recipe: import another sender's suppression list (docs/python.md).

A bounce and complaint export, as an email service writes one, becomes suppression
records dated as they happened: an address held by a contact suppresses that contact,
and one nobody holds yet suppresses whoever takes it later. Each row is reported on
its own: a bad row is rejected with its index and field, every other row recorded.

Run: python bindings-python/examples/suppression_list.py [suppressions.csv]
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from typing import Optional, TextIO

import contactkit
from contactkit import SuppressionInput, SuppressionKind

SAMPLE = """email,event,detail,timestamp
ann@example.com,hard_bounce,550 5.1.1 user unknown,2024-01-02 03:04:05
bob@example.com,complaint,abuse,2024-02-01 10:00:00
new@example.com,unsubscribe,,2024-03-01 12:30:00
ann@example.com,hard_bounce,550 5.1.1 user unknown,2024-01-05 00:00:00
not an address,hard_bounce,,2024-01-01 00:00:00
cid@example.com,soft_bounce,mailbox full,2024-01-01 00:00:00
"""

KINDS: dict[str, SuppressionKind] = {
    "hard_bounce": "blacklisted",
    "complaint": "spam_complaint",
    "unsubscribe": "unsubscribed",
}


def suppression_rows(rows: Iterable[dict[str, str]]) -> Iterator[SuppressionInput]:
    """The export's rows as suppression rows; events that suppress nothing (a soft
    bounce) are left out."""
    for row in rows:
        kind: Optional[SuppressionKind] = KINDS.get(row["event"])
        if kind is None:
            continue
        yield {
            "channel": "email",
            "address": row["email"],
            "kind": kind,
            "reason": row["detail"] or row["event"],
            "at": row["timestamp"],  # text without an offset is UTC
        }


def import_list(book: contactkit.ContactBook, file: TextIO) -> contactkit.SuppressionImportReport:
    report = book.import_suppressions(suppression_rows(csv.DictReader(file)))
    print(f"recorded {report.recorded}, already in force {report.unchanged}, rejected {len(report.rejected)}")
    for rejected in report.rejected:
        print(f"  row {rejected.index}: {rejected.field}: {rejected.reason}")
    return report


def main(argv: list[str]) -> None:
    with contactkit.ContactBook.in_memory() as book:
        if len(argv) > 1:
            with open(argv[1], newline="", encoding="utf-8") as file:
                import_list(book, file)
            return
        ann = book.create({"email": "ann@example.com"})
        bob = book.create({"email": "bob@example.com"})

        report = import_list(book, io.StringIO(SAMPLE))
        # Indexes count the rows handed over: the soft bounce was never one.
        assert (report.recorded, report.unchanged) == (3, 1)
        assert [(r.index, r.field) for r in report.rejected] == [(4, "email")]

        assert book.can_send(ann.id, "email").reason == "blacklisted"
        assert book.can_send(bob.id, "email").reason == "spam_complaint"
        [record] = book.suppressions("email", "ann@example.com")
        assert record.reason == "550 5.1.1 user unknown" and f"{record.at:%Y-%m-%d}" == "2024-01-02"
        # The address nobody held: whoever takes it is suppressed.
        newcomer = book.create({"email": "new@example.com"})
        assert book.can_send(newcomer.id, "email").reason == "unsubscribed"

        # The same list again records nothing new.
        again = import_list(book, io.StringIO(SAMPLE))
        assert (again.recorded, again.unchanged) == (0, 4)


if __name__ == "__main__":
    main(sys.argv)
