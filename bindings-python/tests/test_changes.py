"""The change feed (DOMAIN.md "Change feed"): `changes(cursor=None, limit=None)` through
the Python binding, its records and its errors."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Callable

import pytest

import contactkit
from contactkit import Change, ChangePage, ContactBook


def ops(page: ChangePage) -> list[tuple[str, str | None]]:
    return [(change.op, change.contact_id) for change in page.items]


def test_an_empty_book_has_an_empty_feed_with_a_cursor(book: ContactBook) -> None:
    page = book.changes()
    assert isinstance(page, ChangePage)
    assert page.items == []
    assert isinstance(page.next_cursor, str) and page.next_cursor
    again = book.changes(page.next_cursor)
    assert again.items == [] and again.next_cursor == page.next_cursor


def test_each_operation_appends_its_change(book: ContactBook) -> None:
    book.define_category("Weekly news")
    ann = book.create({"email": "ann@example.com"})
    book.update(ann.id, {"first_name": "Ann"})
    book.unsubscribe(ann.id, "email")
    book.record_event(ann.id, {"name": "viewed"})
    with pytest.raises(contactkit.ConflictError):
        book.create({"email": "ann@example.com"})
    book.delete(ann.id)
    book.restore(ann.id)
    page = book.changes()
    assert ops(page) == [
        ("catalog", None),
        ("created", ann.id),
        ("updated", ann.id),
        ("consent", ann.id),
        ("activity", ann.id),
        ("deleted", ann.id),
        ("restored", ann.id),
    ]
    assert [c.seq for c in page.items] == list(range(1, 8))
    assert all(c.from_id is None for c in page.items)
    assert page.next_cursor == "7"


def test_a_change_is_a_read_only_record_with_an_aware_instant(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    change = book.changes().items[0]
    assert isinstance(change, Change)
    assert isinstance(change.seq, int) and change.seq == 1
    assert isinstance(change.at, dt.datetime) and change.at.utcoffset() == dt.timedelta(0)
    assert abs(change.at - ann.created_at) < dt.timedelta(seconds=1)
    assert change.op == "created" and change.contact_id == ann.id and change.from_id is None
    assert change.to_dict() == {
        "seq": 1,
        "at": change.at,
        "op": "created",
        "contact_id": ann.id,
        "from_id": None,
    }
    assert "created" in repr(change) and ann.id in repr(change)
    with pytest.raises(AttributeError):
        change.op = "updated"  # type: ignore[misc]
    # By value: the same change read twice is equal; another is not.
    assert book.changes().items[0] == change
    book.update(ann.id, {"first_name": "Ann"})
    assert book.changes().items[1] != change
    page = book.changes()
    assert page == book.changes()
    assert page.to_dict() == {"items": [c.to_dict() for c in page.items], "next_cursor": "2"}
    with pytest.raises(AttributeError):
        page.next_cursor = "1"  # type: ignore[misc]


def test_pages_follow_the_cursor_and_the_limit(book: ContactBook) -> None:
    ids = [book.create({"email": f"c{i}@example.com"}).id for i in range(7)]
    seen: list[str | None] = []
    cursor = None
    sizes = []
    while True:
        page = book.changes(cursor, 3)
        if not page.items:
            break
        sizes.append(len(page.items))
        seen.extend(c.contact_id for c in page.items)
        cursor = page.next_cursor
    assert seen == ids and sizes == [3, 3, 1]
    # Keyword arguments; no limit is 100.
    assert len(book.changes(limit=2).items) == 2
    assert [c.seq for c in book.changes(cursor="5").items] == [6, 7]
    assert len(book.changes().items) == 7


def test_an_empty_page_keeps_the_cursor_and_later_changes_show_up(book: ContactBook) -> None:
    book.create({"email": "ann@example.com"})
    end = book.changes().next_cursor
    empty = book.changes(end)
    assert empty.items == [] and empty.next_cursor == end
    bob = book.create({"email": "bob@example.com"})
    later = book.changes(empty.next_cursor)
    assert ops(later) == [("created", bob.id)]


def test_an_import_appends_one_change_per_row_it_wrote(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    cursor = book.changes().next_cursor
    report = book.import_contacts(
        [{"email": "ann@example.com", "last_name": "Lee"}, {"email": "bob@example.com"}, {"email": "bad"}]
    )
    assert (report.created, report.updated, len(report.rejected)) == (1, 1, 1)
    page = book.changes(cursor)
    assert [c.op for c in page.items] == ["updated", "created"]
    assert page.items[0].contact_id == ann.id
    assert page.items[1].contact_id == book.find_by_email("bob@example.com").id  # type: ignore[union-attr]


@pytest.mark.parametrize("cursor", ["99", "not-a-cursor", "", "-1", "1.5", "\u00e9"])
def test_a_cursor_the_book_did_not_give_is_a_validation_error(book: ContactBook, cursor: str) -> None:
    book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.ValidationError) as caught:
        book.changes(cursor)
    assert caught.value.field == "cursor"


def test_a_cursor_past_the_end_names_itself(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.changes("99")
    assert (caught.value.field, caught.value.value) == ("cursor", "99")


def test_a_lone_surrogate_cursor_is_a_validation_error(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.changes("\ud800")
    assert caught.value.field == "cursor"


@pytest.mark.parametrize("limit", [0, 1001, -1, 2**70])
def test_a_limit_out_of_range_is_a_validation_error(book: ContactBook, limit: int) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.changes(limit=limit)
    assert (caught.value.field, caught.value.value) == ("limit", str(limit))


def test_wrong_argument_types_are_type_errors(book: ContactBook) -> None:
    with pytest.raises(TypeError):
        book.changes(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        book.changes(limit="5")  # type: ignore[arg-type]


def test_a_reopened_sqlite_book_keeps_its_feed(tmp_path: Path) -> None:
    path = tmp_path / "contacts.db"
    with ContactBook.open(path) as book:
        ann = book.create({"email": "ann@example.com"})
        book.update(ann.id, {"first_name": "Ann"})
        before = book.changes()
    with ContactBook.open(path) as book:
        after = book.changes()
        assert after == before
        assert book.changes(before.next_cursor).items == []
        bob = book.create({"email": "bob@example.com"})
        page = book.changes(before.next_cursor)
        assert [(c.seq, c.op, c.contact_id) for c in page.items] == [(3, "created", bob.id)]


def test_a_postgres_book_has_the_feed_too(pg_url: str, pg_schema: Callable[[], str]) -> None:
    schema = pg_schema()
    with ContactBook.connect(pg_url, schema=schema) as book:
        ann = book.create({"email": "ann@example.com"})
        book.delete(ann.id)
    with ContactBook.connect(pg_url, schema=schema) as book:
        page = book.changes()
        assert ops(page) == [("created", ann.id), ("deleted", ann.id)]
        with pytest.raises(contactkit.ValidationError) as caught:
            book.changes("junk")
        assert caught.value.field == "cursor"


def test_a_reader_following_writers_sees_every_change_once_in_order(tmp_path: Path) -> None:
    writers, per_writer = 4, 25
    with ContactBook.open(tmp_path / "contacts.db") as book:
        done = threading.Event()
        errors: list[BaseException] = []
        seen: list[Change] = []

        def write(n: int) -> None:
            try:
                for i in range(per_writer):
                    book.create({"email": f"w{n}-{i}@example.com"})
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        def follow() -> None:
            cursor = None
            try:
                while True:
                    finished = done.is_set()
                    page = book.changes(cursor, 7)
                    seen.extend(page.items)
                    cursor = page.next_cursor
                    if finished and not page.items:
                        return
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        reader = threading.Thread(target=follow)
        reader.start()
        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        done.set()
        reader.join(timeout=60)
        assert not reader.is_alive()
        assert errors == []
        total = writers * per_writer
        assert [c.seq for c in seen] == list(range(1, total + 1))
        assert all(c.op == "created" for c in seen)
        assert len({c.contact_id for c in seen}) == total
