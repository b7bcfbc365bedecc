"""Bench workload `python_import_vs_sqlite3`: importing contact dicts from Python.

Ours: `ContactBook.open(file).import_contacts(rows, dedupe_on="email")` through the
binding (validation, normalisation and SQLite writes in Rust, GIL released).

Baseline: what a Python data engineer would hand-write for the same job: the same
validation with `email-validator` and `phonenumbers` (plus names, a list field and a
date field), upsert by email into `sqlite3` with unique email and phone, WAL and
`synchronous=NORMAL` like ContactKit's default, one transaction per 1000 rows, rejected
rows reported with their index and field.

Both get the same 100 000 dicts and start from an empty file; each side is run
`--reps` times and its best time kept. Prints a small table and
`RATIO python_import_vs_sqlite3 <ours/baseline>`: rows per second through the binding
divided by rows per second of the baseline (higher is better).

    python -m pip install ./bindings-python -r bench/python/requirements.txt
    python bench/python/import_vs_sqlite3.py [--rows 100000] [--reps 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

import contactkit

TIERS = ("bronze", "silver", "gold")
FIELDS = (
    {"key": "tier", "type": "list", "options": list(TIERS)},
    {"key": "birthday", "type": "date"},
)
BATCH = 1000
REGION = "UA"


# ---- the input -------------------------------------------------------------------------


def rows(n: int) -> Iterator[dict[str, Any]]:
    """`n` contact dicts as a pipeline would have them: un-normalised emails, national
    phone numbers, names, two additional fields; about 1% are invalid and 1% repeat an
    earlier email (an update)."""
    first_names = ("Olena", "Taras", "Iryna", "Andrii", "Mariia", "Ostap", "Sofiia", "Bohdan")
    last_names = ("Koval", "Shevchenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk")
    for i in range(n):
        j = i - 50 if i % 100 == 99 else i  # every 100th row updates an earlier contact
        email = f" User.{j}@Example.COM " if i % 100 != 42 else f"user{j}-at-example.com"
        row: dict[str, Any] = {
            "email": email,
            "phone": f"067 {j % 1000:03d} {j // 1000 % 100:02d} {j // 100000 % 100:02d}",
            "first_name": first_names[j % len(first_names)],
            "last_name": last_names[j % len(last_names)],
            "fields": {
                "tier": TIERS[j % 3],
                "birthday": dt.date(1950, 1, 1) + dt.timedelta(days=j % 20000),
            },
        }
        yield row


# ---- ours --------------------------------------------------------------------------------


Result = tuple[float, int, int, int, float]  # seconds, created, updated, rejected, CPU seconds


def run_ours(data: list[dict[str, Any]], path: Path) -> Result:
    with contactkit.ContactBook.open(path, default_region=REGION) as book:
        for definition in FIELDS:
            book.define_field(definition)
        start, cpu = time.perf_counter(), time.process_time()
        report = book.import_contacts(data, dedupe_on="email")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        return elapsed, report.created, report.updated, len(report.rejected), cpu


# ---- the hand-written baseline -------------------------------------------------------------

NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|['\-](?=[^\W\d_]))*\.?$")


class Rejected(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field


def check_name(field: str, raw: Any) -> Optional[str]:
    if raw is None:
        return None
    value = str(raw).strip()
    words = value.split()
    if not value or len(value) > 40 or not all(NAME.match(word) for word in words):
        raise Rejected(field, "not a name")
    return value


def check_email(raw: Any) -> str:
    try:
        return validate_email(str(raw).strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Rejected("email", str(error)) from error


def check_phone(raw: Any, region: str) -> str:
    try:
        number = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException as error:
        raise Rejected("phone", str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise Rejected("phone", "not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_fields(raw: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "tier":
            if value not in TIERS:
                raise Rejected("fields.tier", "not an option")
            fields[key] = value
        elif key == "birthday":
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            fields[key] = day.isoformat()
        else:
            raise Rejected(f"fields.{key}", "no such field")
    return fields


SCHEMA = """
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    first_name TEXT,
    last_name TEXT,
    fields TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


def run_baseline(data: list[dict[str, Any]], path: Path) -> Result:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(SCHEMA)
    created = updated = 0
    rejected: list[tuple[int, str]] = []
    start, cpu = time.perf_counter(), time.process_time()
    for offset in range(0, len(data), BATCH):
        conn.execute("BEGIN IMMEDIATE")
        for index, row in enumerate(data[offset : offset + BATCH], start=offset):
            try:
                email = check_email(row["email"])
                country = (row.get("address") or {}).get("country") or REGION
                phone = check_phone(row["phone"], country) if row.get("phone") else None
                first = check_name("first_name", row.get("first_name"))
                last = check_name("last_name", row.get("last_name"))
                fields = check_fields(row.get("fields") or {})
                now = dt.datetime.now(dt.timezone.utc).isoformat()
                found = conn.execute("SELECT id, fields FROM contacts WHERE email = ?", (email,)).fetchone()
                conn.execute("SAVEPOINT row")
                try:
                    if found is None:
                        conn.execute(
                            "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, 'import', ?, ?)",
                            (str(uuid.uuid4()), email, phone, first, last, json.dumps(fields), now, now),
                        )
                        created += 1
                    else:
                        merged = {**json.loads(found[1]), **fields}
                        conn.execute(
                            "UPDATE contacts SET phone = coalesce(?, phone), first_name = coalesce(?, first_name),"
                            " last_name = coalesce(?, last_name), fields = ?, updated_at = ? WHERE id = ?",
                            (phone, first, last, json.dumps(merged), now, found[0]),
                        )
                        updated += 1
                    conn.execute("RELEASE row")
                except sqlite3.IntegrityError as error:
                    conn.execute("ROLLBACK TO row")
                    conn.execute("RELEASE row")
                    raise Rejected("phone", str(error)) from error
            except Rejected as error:
                rejected.append((index, error.field))
        conn.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return elapsed, created, updated, len(rejected), cpu


# ---- main ----------------------------------------------------------------------------------


def best(run: Callable[[list[dict[str, Any]], Path], Result], data: list[dict[str, Any]], reps: int, name: str) -> Result:
    results = []
    for rep in range(reps):
        folder = Path(tempfile.mkdtemp(prefix=f"ck-bench-{name}-{rep}-"))
        results.append(run(data, folder / "contacts.db"))
    return min(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()

    data = list(rows(args.rows))
    ours = best(run_ours, data, args.reps, "ours")
    baseline = best(run_baseline, data, args.reps, "baseline")
    if ours[1:4] != baseline[1:4]:
        raise SystemExit(
            f"the two loaders disagree: ours created/updated/rejected {ours[1:4]}, baseline {baseline[1:4]}"
        )
    ours_rate = args.rows / ours[0]
    baseline_rate = args.rows / baseline[0]
    print(f"rows: {args.rows} (created {ours[1]}, updated {ours[2]}, rejected {ours[3]})")
    print("| workload | ours | baseline | unit | ratio |")
    print("|---|---:|---:|---|---:|")
    print(
        f"| python_import_vs_sqlite3 | {ours_rate:,.0f} | {baseline_rate:,.0f} | rows/s |"
        f" {ours_rate / baseline_rate:.2f} |"
    )
    # CPU time is steadier than wall time on a busy machine; shown for reference.
    print(f"cpu per row: ours {ours[4] / args.rows * 1e6:.1f} us, baseline {baseline[4] / args.rows * 1e6:.1f} us"
          f" (cpu ratio {baseline[4] / ours[4]:.2f})")
    print(f"RATIO python_import_vs_sqlite3 {ours_rate / baseline_rate:.3f}")


if __name__ == "__main__":
    main()
