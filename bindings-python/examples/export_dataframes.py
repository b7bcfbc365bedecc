"""Recipe: DataFrames in and out of a book: to_pandas / to_polars, and back in with
import_dataframe (docs/python.md).

`to_arrow()` builds one Arrow table in Rust (a row per live contact, typed columns) and
hands it to pyarrow without a copy; `to_pandas()` and `to_polars()` are that table as
their DataFrame. Its column names are the keys `import_dataframe` takes (`email`,
`address.town`, `fields.<key>`), so a frame can go out, be worked on, and come back.

Run: python bindings-python/examples/export_dataframes.py
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import polars as pl

import contactkit

# The columns of the table that are keys of an import row (the others are what the
# book computes: created_at, order stats, revenue, counts).
WRITABLE = ["email", "first_name", "last_name", "phone", "address.country", "address.town", "fields.tier"]


def fill(book: contactkit.ContactBook, n: int) -> None:
    book.define_field({"key": "tier", "type": "list", "options": ["silver", "gold"]}, if_exists="return")
    rows = (
        {
            "email": f"c{i}@example.com",
            "phone": f"067{i:07d}",
            "first_name": "Client",
            "address": {"country": "UA", "town": "Kyiv"} if i % 2 else None,
            "fields": {"tier": "gold" if i % 10 == 1 else "silver"},
        }
        for i in range(n)
    )
    book.import_contacts(rows)


def gold_in_kyiv(book: contactkit.ContactBook) -> pd.DataFrame:
    frame = book.to_pandas(rule={"attr": "town", "op": "eq", "value": "Kyiv"})
    return frame[frame["fields.tier"] == "gold"]


def revenue_by_town(book: contactkit.ContactBook) -> pl.DataFrame:
    table = book.to_polars()
    return (
        table.filter(pl.col("revenue.UAH").is_not_null())
        .group_by("address.town")
        .agg(pl.col("revenue.UAH").sum(), pl.len().alias("buyers"))
    )


def main() -> None:
    with contactkit.ContactBook.in_memory(default_region="UA") as book:
        fill(book, 2500)
        first = book.find_by_email("c1@example.com")
        assert first is not None
        book.record_order(first.id, {"external_id": "o-1", "amount": "99.90", "currency": "UAH", "status": "delivered"})

        frame = book.to_pandas()
        print(frame[["email", "phone", "address.town", "fields.tier", "created_at"]].head())
        assert len(frame) == 2500
        assert str(frame["created_at"].dtype) == "datetime64[ms, UTC]"
        assert len(gold_in_kyiv(book)) == 250

        table = book.to_polars()
        assert table.height == 2500
        assert table.schema["created_at"] == pl.Datetime(time_unit="ms", time_zone="UTC")
        assert table.schema["revenue.UAH"] == pl.Decimal(38, 6)
        print(revenue_by_town(book))
        assert revenue_by_town(book)["revenue.UAH"].to_list() == [Decimal("99.90")]

        # Out, changed, back in: the frame's columns are the import's keys.
        edited = frame[WRITABLE].copy()
        edited.loc[edited["address.town"] == "Kyiv", "address.town"] = "Kyiv City"
        edited["last_name"] = "Shevchenko"
        report = book.import_dataframe(edited)
        assert (report.created, report.updated, report.rejected) == (0, 2500, [])
        again = book.to_pandas()
        assert set(again["last_name"]) == {"Shevchenko"}
        assert (again["address.town"] == "Kyiv City").sum() == 1250
        assert list(again["email"]) == list(frame["email"])  # the same contacts, in id order


if __name__ == "__main__":
    main()
