"""Recipe: move a Mailchimp-style audience export in, consent and all, in one pass
(docs/python.md).

An audience export is three CSV files: subscribed, unsubscribed (with UNSUB_TIME and
UNSUB_REASON) and cleaned (hard bounces, with CLEAN_TIME). pandas puts them in one
frame with the book's consent columns, and `import_dataframe` maps the columns to the
keys they fill: unsubscribed addresses get their unsubscribe dated as it happened,
cleaned ones a blacklisting with the reason `hard_bounce`.

Run: python bindings-python/examples/mailchimp_import.py [subscribed.csv unsubscribed.csv cleaned.csv]
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any, Union

import pandas as pd

import contactkit

Source = Union[str, io.StringIO]

SUBSCRIBED = """Email Address,First Name,Last Name,CC,OPTIN_TIME,LAST_CHANGED
olena@example.com,Olena,Koval,UA,2023-05-01 10:00:00,2023-05-01 10:00:00
taras@example.com,Taras,,UA,2023-06-01 11:00:00,2023-06-01 11:00:00
"""
UNSUBSCRIBED = """Email Address,First Name,Last Name,CC,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_REASON
ivan@example.com,Ivan,Franko,UA,2024-02-20 04:42:48,Spring sale,too many emails
anna@example.com,Anna,,PL,2024-03-01 08:00:00,Spring sale,
"""
CLEANED = """Email Address,First Name,Last Name,CC,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE
lesya@example.com,Lesya,,UA,2023-11-05 10:00:00,Autumn news
"""


def audience(subscribed: Source, unsubscribed: Source, cleaned: Source) -> pd.DataFrame:
    """The three files as one frame with `status`, `status_at` and `status_reason`.
    Mailchimp writes its times as `2024-02-20 04:42:48` in UTC, which the book reads
    as it is; an empty cell (NaN) is no key at all."""
    return pd.concat(
        [
            pd.read_csv(subscribed).assign(status="active"),
            pd.read_csv(unsubscribed).assign(
                status="unsubscribed",
                status_at=lambda f: f["UNSUB_TIME"],
                status_reason=lambda f: f["UNSUB_REASON"],
            ),
            pd.read_csv(cleaned).assign(
                status="blacklisted", status_at=lambda f: f["CLEAN_TIME"], status_reason="hard_bounce"
            ),
        ],
        ignore_index=True,
    )


COLUMNS = {
    "Email Address": "email",
    "First Name": "first_name",
    "Last Name": "last_name",
    "CC": "address.country",
    "status": "email_status",
    "status_at": "email_status_at",
    "status_reason": "email_status_reason",
}


def move_in(book: contactkit.ContactBook, frame: pd.DataFrame) -> contactkit.ImportReport:
    report = book.import_dataframe(frame, columns=COLUMNS, on_invalid="drop_field")
    print(f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}")
    for row in report.rejected:
        print(f"  row {row.index}: {row.field}: {row.reason}")
    for dropped in report.dropped:
        print(f"  row {dropped.index}: written without {[p.field for p in dropped.problems]}")
    return report


def main(argv: list[str]) -> None:
    files: list[Any] = argv[1:4] if len(argv) > 3 else [io.StringIO(t) for t in (SUBSCRIBED, UNSUBSCRIBED, CLEANED)]
    frame = audience(*files)
    with contactkit.ContactBook.in_memory() as book:
        report = move_in(book, frame)
        if len(argv) > 3:
            return
        assert (report.created, report.rejected, report.dropped) == (5, [], [])

        ivan = book.find_by_email("ivan@example.com")
        assert ivan is not None and ivan.email_status == "unsubscribed"
        [record] = ivan.suppressions
        assert (record.at, record.reason) == (dt.datetime(2024, 2, 20, 4, 42, 48, tzinfo=dt.timezone.utc), "too many emails")
        assert book.can_send("lesya@example.com", "email").reason == "blacklisted"
        assert book.can_send("olena@example.com", "email").allowed
        taras = book.find_by_email("taras@example.com")
        assert taras is not None and taras.last_name is None  # the empty cell was left out

        # The same export again: the same contacts, no second suppression, and an
        # `active` row never lifts an unsubscribe (only resubscribe does).
        again = move_in(book, frame)
        assert (again.created, again.updated) == (0, 5)
        ivan = book.find_by_email("ivan@example.com")
        assert ivan is not None and len(ivan.suppressions) == 1
        book.import_contacts([{"email": "ivan@example.com", "email_status": "active"}])
        assert book.can_send("ivan@example.com", "email").reason == "unsubscribed"


if __name__ == "__main__":
    main(sys.argv)
