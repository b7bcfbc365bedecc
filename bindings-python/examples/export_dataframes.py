"""Recipe: export contacts to pandas and polars via `to_dict()` (docs/python.md).

`to_dict()` gives plain Python values: aware UTC datetimes, Decimals, dates, nested
dicts and lists, which both libraries take as they are.

Run: python bindings-python/examples/export_dataframes.py
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pandas as pd
import polars as pl

import contactkit


def all_contacts(book: contactkit.ContactBook, page_size: int = 1000) -> Iterator[contactkit.Contact]:
    """Every live contact, following the cursor page by page."""
    cursor = None
    while True:
        page = book.list(limit=page_size, cursor=cursor)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def to_pandas(book: contactkit.ContactBook) -> pd.DataFrame:
    records = [contact.to_dict() for contact in all_contacts(book)]
    # json_normalize flattens nested dicts into columns: address.country, order_stats.order_count…
    return pd.json_normalize(records, sep=".")


def to_polars(book: contactkit.ContactBook) -> pl.DataFrame:
    columns = ("id", "email", "phone", "first_name", "email_status", "created_at")
    rows: list[dict[str, Any]] = []
    for contact in all_contacts(book):
        record = contact.to_dict()
        row = {column: record[column] for column in columns}
        row["country"] = (record["address"] or {}).get("country")
        row["revenue_uah"] = contact.order_stats.revenue.get("UAH", Decimal(0))
        rows.append(row)
    return pl.DataFrame(rows)


def main() -> None:
    with contactkit.ContactBook.in_memory(default_region="UA") as book:
        for i in range(2500):
            book.upsert(
                {
                    "email": f"c{i}@example.com",
                    "phone": f"067{i:07d}",
                    "first_name": "Client",
                    "address": {"country": "UA", "town": "Kyiv"} if i % 2 else None,
                }
            )
        first = book.find_by_email("c1@example.com")
        assert first is not None
        book.record_order(first.id, {"external_id": "o-1", "amount": "99.90", "currency": "UAH", "status": "delivered"})

        frame = to_pandas(book)
        print(frame[["email", "phone", "address.country", "created_at"]].head())
        assert len(frame) == 2500
        assert str(frame["created_at"].dtype).startswith("datetime64")

        table = to_polars(book)
        print(table.head())
        assert table.height == 2500
        assert table.schema["created_at"] == pl.Datetime(time_unit="us", time_zone="UTC")
        assert table.filter(pl.col("email") == "c1@example.com")["revenue_uah"].to_list() == [Decimal("99.90")]


if __name__ == "__main__":
    main()
