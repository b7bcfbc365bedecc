"""Recipe: bulk import from a CSV file with a tqdm progress bar (docs/python.md).

The rows are read lazily: `import_contacts` pulls them from the generator as it writes
batches, so a file of millions of rows never sits in memory. Rows that break a rule
are reported (0-based row index, field, reason) and the import goes on.

Run: python bindings-python/examples/csv_import.py [contacts.csv]
"""

from __future__ import annotations

import csv
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

import contactkit


def row_to_input(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as a contact input: empty cells are left out (an absent key keeps
    what the book has), `country` goes into the address, `field:<key>` columns are
    additional fields (their string form is parsed against the field's definition)."""
    contact: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for column, cell in row.items():
        cell = (cell or "").strip()
        if not cell:
            continue
        if column == "country":
            contact["address"] = {"country": cell}
        elif column.startswith("field:"):
            fields[column.removeprefix("field:")] = cell
        else:
            contact[column] = cell
    if fields:
        contact["fields"] = fields
    return contact


def import_csv(book: contactkit.ContactBook, path: Path) -> contactkit.ImportReport:
    with path.open(newline="", encoding="utf-8") as counting:
        total = sum(1 for _ in counting) - 1  # header
    with path.open(newline="", encoding="utf-8") as file, tqdm(total=total, unit="row") as bar:
        rows: Iterator[dict[str, Any]] = (row_to_input(row) for row in csv.DictReader(file))

        def progress(done: int) -> None:
            bar.update(done - bar.n)

        return book.import_contacts(rows, dedupe_on="email", progress=progress)


def write_sample(path: Path, n: int = 5000) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["email", "phone", "first_name", "last_name", "country", "field:tier"])
        for i in range(n):
            email = f"customer{i}@example.com" if i % 1000 != 7 else "broken-address"
            writer.writerow([email, f"050{i:07d}", "Customer", "Shevchenko" if i % 3 else "", "UA", "gold"])


def main() -> None:
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        path = Path(tempfile.mkdtemp()) / "contacts.csv"
        write_sample(path)
    with contactkit.ContactBook.in_memory() as book:
        book.define_field({"key": "tier", "type": "list", "options": ["silver", "gold"]})
        report = import_csv(book, path)
        print(f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}")
        for rejected in report.rejected[:10]:
            print(f"  row {rejected.index}: {rejected.field}: {rejected.reason}")
        assert book.count() == report.created
        assert all(r.field == "email" for r in report.rejected)


if __name__ == "__main__":
    main()
