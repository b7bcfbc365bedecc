"""Recipe: a CSV with empty cells through pandas.read_csv and import_dataframe, invalid
values dropped and reported (docs/python.md).

pandas reads an empty cell as NaN (and a column of whole numbers with a gap as floats:
41.0); the book leaves a NaN cell out, as if the column were not there, so a partial
file never wipes what the book has, and a number field takes 41.0 as 41. With
`on_invalid="drop_field"` a value the book refuses is left out and the rest of the row
written: `report.dropped` says which values, row by row.

Run: python bindings-python/examples/dataframe_import.py [contacts.csv]
"""

from __future__ import annotations

import io
import sys
from collections import Counter
from typing import Any

import pandas as pd

import contactkit

SAMPLE = """email,first_name,phone,city,country,age,birthday,tier
olena@example.com,Olena,067 123 4567,Kyiv,UA,41,1985-03-09,gold
taras@example.com,Taras,,Lviv,UA,,1990-02-30,silver
ivan@example.com,,not a phone,,XX,29,,platinum
,Walk-in,050 765 4321,Odesa,UA,,,
broken-address,Nobody,,,,,,
"""

COLUMNS = {
    "email": "email",
    "first_name": "first_name",
    "phone": "phone",
    "city": "address.town",
    "country": "address.country",
    "age": "fields.age",
    "birthday": "fields.birthday",
    "tier": "fields.tier",
}


def set_up(book: contactkit.ContactBook) -> None:
    book.define_field({"key": "age", "type": "number"}, if_exists="return")
    book.define_field({"key": "birthday", "type": "date"}, if_exists="return")
    book.define_field({"key": "tier", "type": "list", "options": ["silver", "gold"]}, if_exists="return")


def import_csv(book: contactkit.ContactBook, source: Any) -> contactkit.ImportReport:
    frame = pd.read_csv(source, dtype={"phone": "string"})
    report = book.import_dataframe(frame, columns=COLUMNS, dedupe_on="email", on_invalid="drop_field")
    print(f"created {report.created}, updated {report.updated}, of them without an email {report.without_key}")
    for row in report.dropped:
        for problem in row.problems:
            print(f"  row {row.index}: left out {problem.field}={problem.value!r}: {problem.reason}")
    for rejected in report.rejected:
        print(f"  row {rejected.index}: rejected: {rejected.field}: {rejected.reason}")
    return report


def main(argv: list[str]) -> None:
    with contactkit.ContactBook.in_memory(default_region="UA") as book:
        set_up(book)
        if len(argv) > 1:
            import_csv(book, argv[1])
            return
        report = import_csv(book, io.StringIO(SAMPLE))
        assert (report.created, report.without_key) == (4, 1)
        left_out = Counter(p.field for row in report.dropped for p in row.problems)
        assert left_out == {"fields.birthday": 1, "phone": 1, "address.country": 1, "fields.tier": 1}
        assert [(r.index, r.field) for r in report.rejected] == [(4, "email")]  # the key is never dropped
        assert report.ids[4] is None

        olena = book.find_by_email("olena@example.com")
        assert olena is not None and olena.fields["age"] == 41  # read_csv's 41.0
        ivan = book.find_by_email("ivan@example.com")
        assert ivan is not None and ivan.phone is None and ivan.fields == {"age": 29}

        # A later file with gaps: an empty cell keeps the book's value (in a DataFrame
        # None is an empty cell too); a row of import_contacts clears with None.
        update = pd.DataFrame({"email": ["olena@example.com"], "first_name": [None], "age": [float("nan")]})
        columns = {"email": "email", "first_name": "first_name", "age": "fields.age"}
        assert book.import_dataframe(update, columns=columns).updated == 1
        olena = book.find_by_email("olena@example.com")
        assert olena is not None and olena.first_name == "Olena" and olena.fields["age"] == 41
        book.import_contacts([{"email": "olena@example.com", "first_name": None, "fields": {"age": None}}])
        olena = book.find_by_email("olena@example.com")
        assert olena is not None and olena.first_name is None and "age" not in olena.fields

        # The same file again lands on the same contacts, the walk-in without an email too.
        again = import_csv(book, io.StringIO(SAMPLE))
        assert (again.created, again.updated, again.ids) == (0, 4, report.ids)


if __name__ == "__main__":
    main(sys.argv)
