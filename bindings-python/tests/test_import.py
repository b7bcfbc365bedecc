"""import_contacts: lazy consumption, progress, the report, and failures of the input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import contactkit
from contactkit import ContactBook


def rows(n: int, start: int = 0) -> Iterator[dict[str, Any]]:
    for i in range(start, start + n):
        yield {"email": f"user{i}@example.com", "first_name": "User", "external_id": i}


def test_report_counts_and_rejected_rows(ua_book: ContactBook) -> None:
    ua_book.create({"email": "existing@example.com"})
    data: list[Any] = [
        {"email": "one@example.com", "phone": "067 123 4567"},
        {"email": "not-an-email"},
        {"email": "existing@example.com", "last_name": "Shevchenko"},
        {"email": "two@example.com", "first_name": 5},
        {"email": "three@example.com", "mobile_push": [{"app_id": "a", "device_id": "d", "platform": "beos"}]},
        "not a dict",
        {"email": "four@example.com", "emial": "typo"},
    ]
    report = ua_book.import_contacts(data, dedupe_on="email")
    assert isinstance(report, contactkit.ImportReport)
    assert (report.created, report.updated) == (1, 1)
    assert [(r.index, r.field) for r in report.rejected] == [
        (1, "email"),
        (3, "first_name"),
        (4, "mobile_push[0].platform"),
        (5, "input"),
        (6, "emial"),
    ]
    assert all(isinstance(r.reason, str) and r.reason for r in report.rejected)
    assert "beos" in report.rejected[2].reason
    one = ua_book.find_by_email("one@example.com")
    assert one is not None and one.source == "import" and one.phone == "+380671234567"
    assert ua_book.count() == 2


def test_consumes_lazily_and_reports_progress(book: ContactBook) -> None:
    pulled = 0

    def counting() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for row in rows(10_000):
            pulled += 1
            yield row

    seen: list[tuple[int, int]] = []

    def progress(done: int) -> None:
        # When a batch is reported, the input has been read at most one batch past it
        # (the batch read while this one was written).
        seen.append((done, pulled))

    report = book.import_contacts(counting(), dedupe_on="email", progress=progress)
    assert report.created == 10_000 and report.rejected == []
    assert [done for done, _ in seen] == [4000, 8000, 10_000]
    for done, read in seen:
        assert read - done <= 8000, f"read {read} rows before reporting {done}"
    assert book.count() == 10_000


def test_accepts_any_iterable_and_dedupes(book: ContactBook) -> None:
    report = book.import_contacts(tuple(rows(3)), "external_id")
    assert report.created == 3
    report = book.import_contacts(iter(list(rows(3))), dedupe_on="external_id")
    assert (report.created, report.updated) == (0, 3)
    found = book.find_by_external_id("2")
    assert found is not None and found.external_id == "2"
    assert book.import_contacts([], dedupe_on="email").to_dict() == {
        "created": 0,
        "updated": 0,
        "without_key": 0,
        "rejected": [],
        "dropped": [],
        "ids": [],
    }


def test_input_exception_propagates_after_importing_the_rows_before_it(book: ContactBook) -> None:
    def failing() -> Iterator[dict[str, Any]]:
        yield from rows(5500)
        raise KeyError("the CSV reader broke")

    with pytest.raises(KeyError, match="the CSV reader broke"):
        book.import_contacts(failing(), dedupe_on="email")
    # Every row read before the failure was imported, the last partial batch too.
    assert book.count() == 5500


def test_progress_exception_stops_the_import(book: ContactBook) -> None:
    def progress(done: int) -> None:
        if done >= 4000:
            raise RuntimeError("stop here")

    pulled = 0

    def counting() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for row in rows(20_000):
            pulled += 1
            yield row

    with pytest.raises(RuntimeError, match="stop here"):
        book.import_contacts(counting(), progress=progress)
    # The import stopped right after the batch whose progress raised: exactly the one
    # batch reported was written, and the input was read no further than the next.
    assert book.count() == 4000
    assert pulled < 12_000


def test_not_iterable_is_a_type_error(book: ContactBook) -> None:
    with pytest.raises(TypeError):
        book.import_contacts(42)  # type: ignore[arg-type]


def test_bad_dedupe_on(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.import_contacts(rows(1), dedupe_on="name")  # type: ignore[arg-type]
    assert caught.value.field == "dedupe_on"


def test_import_into_a_file(file_book: ContactBook, tmp_path: Path) -> None:
    report = file_book.import_contacts(rows(1200))
    assert report.created == 1200
    assert file_book.count() == 1200
