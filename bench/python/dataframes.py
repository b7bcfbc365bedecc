"""The DataFrame export and the `drop_field` import, measured against their baselines
in the same run (issue "Data pipelines"; figures in docs/performance.md).

    python bench/python/dataframes.py [--contacts 100000]

- `dataframe_export`: `book.to_pandas()` (and `to_pandas(arrow_dtypes=True)`) against the recipe the docs gave before it
  (every page of `book.list()`, `to_dict()` each contact, `pandas.json_normalize`),
  time and peak memory (the growth of the process's peak RSS), each in a fresh
  process on the same book file.
- `drop_field_import`: `import_contacts(on_invalid="drop_field")` of rows of which one
  in ten has two invalid values, against `reject_row` of the same rows (which writes
  the other nine in ten) and against the clean rows.

Needs the binding installed (`pip install ./bindings-python`) with pandas and pyarrow.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

NAMES = [
    ("Olena", "Koval", "UA", "+380671"),
    ("Priya", "Sharma", "IN", "+9198"),
    ("Somchai", "Sukjai", "TH", "+6681"),
    ("Yuki", "Tanaka", "JP", "+8190"),
    ("Karim", "Benali", "DZ", "+213551"),
    ("Jürgen", "Weiß", "DE", "+49151"),
    ("João", "Conceição", "BR", "+5511"),
    ("Arun", "Murugan", "IN", "+9197"),
    ("Ana", "Souza", "BR", "+5521"),
]


def row(i: int, bad: bool = False) -> dict:
    first, last, country, prefix = NAMES[i % len(NAMES)]
    digits = 12 if country != "DZ" else 12
    phone = (prefix + str(10_000_000 + i))[: digits + 1]
    r = {
        "email": f"person{i}@example.com",
        "first_name": first,
        "last_name": last,
        "phone": phone,
        "address": {"country": country, "town": "Town"},
        "timezone": "Europe/Kyiv",
        "language": "uk",
        "fields": {"visits": i % 50},
    }
    if bad:
        r["timezone"] = "Mars/Olympus"
        r["fields"] = {"visits": "many"}
    return r


def build(path: str, n: int) -> None:
    import contactkit

    with contactkit.ContactBook.open(path) as book:
        book.define_field({"key": "visits", "type": "number"})
        book.import_contacts((row(i) for i in range(n)), "email", on_invalid="drop_field")


def measure_export(path: str, how: str) -> dict:
    """Run in a child process: the time and peak-RSS growth of one way to a DataFrame."""
    import contactkit
    import pandas

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with contactkit.ContactBook.open(path) as book:
        if how == "to_pandas":
            frame = book.to_pandas()
        elif how == "to_pandas_arrow":
            frame = book.to_pandas(arrow_dtypes=True)
        else:
            records, cursor = [], None
            while True:
                page = book.list(limit=1000, cursor=cursor)
                records.extend(contact.to_dict() for contact in page.items)
                cursor = page.next_cursor
                if cursor is None:
                    break
            frame = pandas.json_normalize(records)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "peak_mb": (peak - before) / 1024, "rows": len(frame)}


def in_child(path: str, how: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", how, "--book", path],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def timed_import(n: int, on_invalid: str, bad_every: int) -> float:
    import contactkit

    book = contactkit.ContactBook.in_memory()
    book.define_field({"key": "visits", "type": "number"})
    rows = [row(i, bad=bad_every > 0 and i % bad_every == 0) for i in range(n)]
    started = time.perf_counter()
    report = book.import_contacts(rows, "email", on_invalid=on_invalid)
    seconds = time.perf_counter() - started
    assert report.created + len(report.rejected) == n, report
    return n / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--child")
    parser.add_argument("--book")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_export(args.book, args.child)))
        return
    n = args.contacts
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.db")
        build(path, n)
        ours = in_child(path, "to_pandas")
        arrow = in_child(path, "to_pandas_arrow")
        recipe = in_child(path, "recipe")
    assert ours["rows"] == arrow["rows"] == recipe["rows"] == n
    print(f"| workload | ours | baseline | unit | ratio (baseline / ours) |")
    print(f"| --- | --- | --- | --- | --- |")
    print(
        f"| dataframe_export time | {ours['seconds']:.2f} | {recipe['seconds']:.2f} | s for {n:,} | "
        f"{recipe['seconds'] / ours['seconds']:.1f} |"
    )
    print(
        f"| dataframe_export memory | {ours['peak_mb']:.0f} | {recipe['peak_mb']:.0f} | MB peak growth | "
        f"{recipe['peak_mb'] / max(ours['peak_mb'], 1):.1f} |"
    )
    print(
        f"| dataframe_export time, arrow_dtypes=True | {arrow['seconds']:.2f} | {recipe['seconds']:.2f} | s for {n:,} | "
        f"{recipe['seconds'] / arrow['seconds']:.1f} |"
    )
    print(
        f"| dataframe_export memory, arrow_dtypes=True | {arrow['peak_mb']:.0f} | {recipe['peak_mb']:.0f} | MB peak growth | "
        f"{recipe['peak_mb'] / max(arrow['peak_mb'], 1):.1f} |"
    )
    drop = timed_import(n, "drop_field", 10)
    reject = timed_import(n, "reject_row", 10)
    clean = timed_import(n, "drop_field", 0)
    print(f"| drop_field_import vs reject_row | {drop:,.0f} | {reject:,.0f} | rows/s | {drop / reject:.2f} |")
    print(f"| drop_field_import vs clean rows | {drop:,.0f} | {clean:,.0f} | rows/s | {drop / clean:.2f} |")
    print(f"RATIO dataframe_export_time {recipe['seconds'] / ours['seconds']:.2f}")
    print(f"RATIO dataframe_export_memory {recipe['peak_mb'] / max(ours['peak_mb'], 1):.2f}")


if __name__ == "__main__":
    main()
