"""What a hostile or careless caller gets (issue 10, DOMAIN.md "Limits on input").

One regression test per finding against the Python binding: each input that once
crashed the interpreter, poisoned a book or raised a non-ContactKit exception is now
a ``ValidationError`` naming the field, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import contactkit
from contactkit import ContactBook

UTC = dt.timezone.utc
MAX_NESTING = 32  # contactkit::validate::limits::MAX_NESTING
FAR_WEST = dt.timezone(-dt.timedelta(hours=23, minutes=59))


def nested(depth: int, wrap: Callable[[Any], Any] = lambda inner: [inner]) -> Any:
    """A value inside `depth` containers (built without recursion)."""
    value: Any = 1
    for _ in range(depth):
        value = wrap(value)
    return value


def deep_dict(depth: int) -> Any:
    return nested(depth, lambda inner: {"k": inner})


def cyclic_dict() -> dict[str, Any]:
    value: dict[str, Any] = {"name": "loop"}
    value["self"] = value
    return value


def refused(call: Callable[[], object]) -> contactkit.ValidationError:
    """The ValidationError `call` raises."""
    with pytest.raises(contactkit.ValidationError) as caught:
        call()
    return caught.value


def snapshot(book: ContactBook) -> list[Any]:
    """Everything a caller can read of the book: its contacts, their activity, and
    the catalogues."""
    contacts = [contact.to_dict() for contact in book.list(limit=1000)]
    activity = [book.activity(c["id"], period="all", limit=1000).to_dict() for c in contacts]
    return [
        contacts,
        activity,
        [s.to_dict() for s in book.segments()],
        [c.to_dict() for c in book.categories()],
        [f.to_dict() for f in book.field_definitions()],
        book.count(),
    ]


@pytest.fixture
def ann(book: ContactBook) -> contactkit.Contact:
    book.define_field({"key": "tags", "type": "multilist", "options": ["a", "b"]})
    book.define_field({"key": "score", "type": "number"})
    book.define_field({"key": "balance", "type": "decimal"})
    book.define_field({"key": "birthday", "type": "date"})
    book.define_field({"key": "seen", "type": "datetime"})
    return book.create({"email": "ann@example.com"})


@pytest.fixture(params=["memory", "sqlite"])
def any_book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ContactBook]:
    """A book in each store: every limit is the same in both."""
    if request.param == "memory":
        opened = ContactBook.in_memory()
    else:
        opened = ContactBook.open(tmp_path / "hostile.db")
    with opened as book:
        yield book


# ---- nesting and cycles (the segfaults) ------------------------------------------------


def test_a_list_nested_9000_deep_in_a_field_value_is_refused(book: ContactBook, ann: contactkit.Contact) -> None:
    before = snapshot(book)
    error = refused(lambda: book.set_field(ann.id, "tags", nested(9000)))
    assert error.field is not None and error.field.startswith("fields.tags")
    assert error.reason == f"nested deeper than {MAX_NESTING} levels"
    error = refused(lambda: book.update(ann.id, {"fields": {"tags": nested(9000)}}))
    assert error.field is not None and error.field.startswith("fields.tags")
    assert snapshot(book) == before


def test_a_dict_nested_9000_deep_in_event_params_is_refused(book: ContactBook, ann: contactkit.Contact) -> None:
    before = snapshot(book)
    error = refused(lambda: book.record_event(ann.id, {"name": "deep", "params": {"a": deep_dict(9000)}}))
    assert error.field is not None and error.field.startswith("params.a.k")
    assert error.reason == f"nested deeper than {MAX_NESTING} levels"
    assert snapshot(book) == before


def test_a_dict_nested_9000_deep_in_an_import_row_is_a_rejected_row(book: ContactBook) -> None:
    rows = [
        {"email": "one@example.com"},
        {"email": "two@example.com", "address": deep_dict(9000)},
        {"email": "three@example.com", "fields": {"tags": nested(9000)}},
        {"email": "four@example.com"},
    ]
    report = book.import_contacts(rows)
    assert (report.created, report.updated) == (2, 0)
    assert [r.index for r in report.rejected] == [1, 2]
    assert report.rejected[0].field is not None and report.rejected[0].field.startswith("address")
    assert report.rejected[1].field is not None and report.rejected[1].field.startswith("fields.tags")
    assert book.find_by_email("two@example.com") is None
    assert book.find_by_email("three@example.com") is None


def test_a_cyclic_dict_in_event_params_is_refused(book: ContactBook, ann: contactkit.Contact) -> None:
    before = snapshot(book)
    error = refused(lambda: book.record_event(ann.id, {"name": "loop", "params": cyclic_dict()}))
    assert error.field == "params.self"
    assert error.reason == "contains itself (a cycle)"
    loop: list[Any] = []
    loop.append(loop)
    error = refused(lambda: book.record_event(ann.id, {"name": "loop", "params": {"l": loop}}))
    assert error.field == "params.l[0]"
    assert snapshot(book) == before


def test_a_cyclic_dict_in_an_import_row_is_a_rejected_row(book: ContactBook) -> None:
    fields: dict[str, Any] = {}
    fields["tags"] = fields
    row: dict[str, Any] = {"email": "loop@example.com", "fields": fields}
    report = book.import_contacts([row, {"email": "fine@example.com"}])
    assert report.created == 1
    [rejected] = report.rejected
    assert (rejected.index, rejected.field) == (0, "fields.tags")
    assert rejected.reason is not None and "cycle" in rejected.reason
    whole: dict[str, Any] = {"email": "self@example.com"}
    whole["address"] = whole
    assert book.import_contacts([whole]).rejected[0].field == "address"
    assert book.count() == 1


def test_a_cyclic_value_is_refused_by_every_dict_argument(book: ContactBook, ann: contactkit.Contact) -> None:
    before = snapshot(book)
    for call in (
        lambda: book.create(cyclic_dict()),
        lambda: book.update(ann.id, {"address": cyclic_dict()}),
        lambda: book.add_mobile_push(ann.id, cyclic_dict()),
        lambda: book.define_field(cyclic_dict()),
        lambda: book.record_order(ann.id, {"external_id": "o", "amount": "1", "currency": "UAH", "items": [cyclic_dict()]}),
    ):
        error = refused(call)
        assert error.field is not None
    assert snapshot(book) == before


def test_a_value_shared_by_reference_cannot_multiply(book: ContactBook, ann: contactkit.Contact) -> None:
    # 2**25 leaves from 26 small lists: the reader's budget refuses it at once.
    shared: Any = [1]
    for _ in range(25):
        shared = [shared, shared]
    started = time.monotonic()
    error = refused(lambda: book.record_event(ann.id, {"name": "wide", "params": {"a": shared}}))
    assert time.monotonic() - started < 10
    assert error.field is not None and error.field.startswith("params.a")
    assert error.reason is not None and "values in one argument" in error.reason


def test_event_params_at_the_nesting_limit(any_book: ContactBook) -> None:
    book = any_book
    ann = book.create({"email": "ann@example.com"})
    # The params dict is the first level: a value inside it may hold 31 more.
    deepest = nested(MAX_NESTING - 1)
    kept = book.record_event(ann.id, {"name": "deepest", "params": {"a": deepest}})
    assert isinstance(kept, contactkit.EventActivity) and kept.params == {"a": deepest}
    before = snapshot(book)
    error = refused(lambda: book.record_event(ann.id, {"name": "too_deep", "params": {"a": nested(MAX_NESTING)}}))
    assert error.field is not None and error.field.startswith("params")
    assert snapshot(book) == before
    [item] = book.activity(ann.id, period="all")
    assert isinstance(item, contactkit.EventActivity) and item.params == {"a": deepest}


def test_event_params_nested_126_levels_are_refused_and_activity_stays_readable(any_book: ContactBook) -> None:
    book = any_book
    ann = book.create({"email": "ann@example.com"})
    book.record_event(ann.id, {"name": "fine", "params": {"a": 1}})
    error = refused(lambda: book.record_event(ann.id, {"name": "deep", "params": {"a": nested(126)}}))
    assert error.field is not None and error.field.startswith("params")
    page = book.activity(ann.id, period="all")
    assert [item.to_dict()["name"] for item in page] == ["fine"]
    assert [c.to_dict()["email"] for c in book.list()] == ["ann@example.com"]


# ---- sizes ---------------------------------------------------------------------------------


def test_megabytes_of_event_params_are_refused(any_book: ContactBook) -> None:
    book = any_book
    ann = book.create({"email": "ann@example.com"})
    before = snapshot(book)
    error = refused(lambda: book.record_event(ann.id, {"name": "big", "params": {"blob": "x" * 4_000_000}}))
    assert error.field == "params"
    many = {f"k{i}": i for i in range(200_000)}
    assert refused(lambda: book.record_event(ann.id, {"name": "big", "params": many})).field == "params"
    assert snapshot(book) == before


def test_a_million_workflows_are_refused(any_book: ContactBook) -> None:
    book = any_book
    ann = book.create({"email": "ann@example.com"})
    before = snapshot(book)
    error = refused(lambda: book.record_event(ann.id, {"name": "many", "workflows": ["w"] * 1_000_000}))
    assert error.field == "workflows"
    assert snapshot(book) == before


def test_a_million_order_items_are_refused(any_book: ContactBook) -> None:
    book = any_book
    ann = book.create({"email": "ann@example.com"})
    before = snapshot(book)
    item = {"product_id": "p", "quantity": 1, "price": "1"}
    order = {"external_id": "o-1", "amount": "1", "currency": "UAH", "items": [item] * 1_000_000}
    error = refused(lambda: book.record_order(ann.id, order))
    assert error.field is not None and error.field.startswith("items")
    order["items"] = [item] * 1001
    assert refused(lambda: book.record_order(ann.id, order)).field == "items"
    assert snapshot(book) == before


# ---- time ----------------------------------------------------------------------------------


def test_instants_past_the_year_9999_in_utc_are_refused(any_book: ContactBook) -> None:
    book = any_book
    book.define_field({"key": "seen", "type": "datetime"})
    ann = book.create({"email": "ann@example.com"})
    before = snapshot(book)
    late_text = "9999-12-31T23:59:59-23:59"
    late = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=FAR_WEST)
    early = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    for at in (late_text, late, early):
        assert refused(lambda: book.record_event(ann.id, {"name": "late", "at": at})).field == "at"
        campaign = {"message_id": "m", "channel": "email", "status": "sent", "at": at}
        assert refused(lambda: book.record_campaign(ann.id, campaign)).field == "at"
        order = {"external_id": "o", "amount": "1", "currency": "UAH", "at": at}
        assert refused(lambda: book.record_order(ann.id, order)).field == "at"
        assert refused(lambda: book.set_field(ann.id, "seen", at)).field == "fields.seen"
        assert refused(lambda: book.create({"email": "b@example.com", "fields": {"seen": at}})).field == "fields.seen"
    assert snapshot(book) == before
    # The last instant that fits is kept and read back.
    last = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert book.set_field(ann.id, "seen", last).fields["seen"] == last
    assert book.record_event(ann.id, {"name": "last", "at": last}).at == last
    assert [c.to_dict()["fields"] for c in book.list()] == [{"seen": last}]
    assert [item.at for item in book.activity(ann.id, period="all")] == [last]


def test_dates_outside_the_years_1_to_9999_are_refused(any_book: ContactBook) -> None:
    book = any_book
    book.define_field({"key": "birthday", "type": "date"})
    ann = book.create({"email": "ann@example.com"})
    before = snapshot(book)
    for day in ("+10000-01-01", "10000-01-01", "0000-12-31", "-0001-01-01"):
        error = refused(lambda: book.set_field(ann.id, "birthday", day))
        assert (error.field, error.value) == ("fields.birthday", day)
    assert snapshot(book) == before
    for day in (dt.date.max, dt.date.min):
        assert book.set_field(ann.id, "birthday", day).fields["birthday"] == day
        assert book.set_field(ann.id, "birthday", day.isoformat()).fields["birthday"] == day
    assert [c.to_dict()["fields"] for c in book.list()] == [{"birthday": dt.date.min}]


def test_a_stored_instant_python_cannot_hold_reads_as_a_contactkit_error(tmp_path: Path) -> None:
    # A book written before the limits may hold the year 10000: reading it back is a
    # ContactKit error, never datetime's ValueError.
    path = tmp_path / "old.db"
    with ContactBook.open(path) as book:
        ann = book.create({"email": "ann@example.com"})
        book.record_event(ann.id, {"name": "then"})
    year_10000 = int(dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp() * 1000) + 86_400_000
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE contacts SET created_at = ?", (year_10000,))
        raw.execute("UPDATE activities SET at = ?", (year_10000,))
    raw.close()
    with ContactBook.open(path) as book:
        for read in (
            lambda: book.get(ann.id).to_dict(),  # type: ignore[union-attr]
            lambda: [c.to_dict() for c in book.list()],
            lambda: book.list().items[0].created_at,
            lambda: book.activity(ann.id, period="all").items[0].at,
        ):
            with pytest.raises(contactkit.StorageError) as caught:
                read()
            assert "1 to 9999" in str(caught.value)


# ---- strings, integers, cursors, decimals --------------------------------------------------


def test_a_lone_surrogate_is_a_validation_error_naming_the_parameter(book: ContactBook, ann: contactkit.Contact) -> None:
    segment = book.create_segment("vip")
    before = snapshot(book)
    lone = "\ud800"
    for call, field in (
        (lambda: book.get(lone), "id"),
        (lambda: book.find_by_email(lone), "email"),
        (lambda: book.find_by_external_id("x" + lone), "external_id"),
        (lambda: book.delete(lone), "id"),
        (lambda: book.blacklist(ann.id, "email", reason=lone), "reason"),
        (lambda: book.blacklist(ann.id, lone), "channel"),
        (lambda: book.upsert({"email": "x@example.com"}, dedupe_on=lone), "dedupe_on"),
        (lambda: book.list(cursor=lone), "cursor"),
        (lambda: book.segment_members(lone), "segment_id"),
        (lambda: book.segment_members(segment.id, cursor=lone), "cursor"),
        (lambda: book.activity(ann.id, period=lone), "period"),
        (lambda: book.create_segment(lone), "name"),
        (lambda: book.define_category(lone), "title"),
        (lambda: book.can_send(ann.id, "email", category=lone), "category"),
        (lambda: book.update(ann.id, {"first_name": lone}), "first_name"),
        (lambda: book.update(ann.id, {lone: "x"}), "patch"),
        (lambda: book.update(ann.id, {"address": {lone: "x"}}), "address"),
        (lambda: book.record_event(ann.id, {"name": "e", "params": {"k": [lone]}}), "params.k[0]"),
        (lambda: book.record_event(ann.id, {"name": "e", "params": {lone: 1}}), "params"),
        (lambda: book.set_field(ann.id, "tags", ["a", lone]), "fields.tags[1]"),
        (lambda: ContactBook.in_memory(default_region=lone), "default_region"),
    ):
        error = refused(call)
        assert error.field == field, call
        assert error.value is not None and "\\ud800" in error.value
    report = book.import_contacts([{"email": lone}])
    assert [(r.index, r.field) for r in report.rejected] == [(0, "email")]
    assert snapshot(book) == before


def test_a_path_with_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    error = refused(lambda: ContactBook.open(str(tmp_path / "\ud800.db")))
    assert error.field == "path"
    assert list(tmp_path.iterdir()) == []


def test_integers_out_of_range_are_validation_errors(book: ContactBook, ann: contactkit.Contact) -> None:
    segment = book.create_segment("vip")
    before = snapshot(book)
    for limit in (10**5000, -(10**5000)):  # more digits than Python's str() prints
        error = refused(lambda: book.list(limit=limit))
        assert (error.field, error.value) == ("limit", "…")
    for limit in (2**70, -(2**70), -1, 0, 1001, 2**32):
        for call in (
            lambda: book.list(limit=limit),
            lambda: book.activity(ann.id, limit=limit),
            lambda: book.segment_members(segment.id, limit=limit),
        ):
            error = refused(call)
            assert (error.field, error.value) == ("limit", str(limit))
    error = refused(lambda: book.set_field(ann.id, "score", 2**70))
    assert (error.field, error.value) == ("fields.score", str(2**70))
    assert refused(lambda: book.record_event(ann.id, {"name": "e", "params": {"n": 2**70}})).field == "params.n"
    item = {"product_id": "p", "quantity": 2**200, "price": "1"}
    order = {"external_id": "o", "amount": "1", "currency": "UAH", "items": [item]}
    assert refused(lambda: book.record_order(ann.id, order)).field == "items[0].quantity"
    assert snapshot(book) == before
    assert len(book.list(limit=1000)) == 1


def test_a_junk_cursor_is_a_validation_error(book: ContactBook, ann: contactkit.Contact) -> None:
    segment = book.create_segment("vip")
    book.add_to_segment(ann.id, segment.id)
    for call in (
        lambda: book.list(cursor="junk"),
        lambda: book.activity(ann.id, cursor="junk"),
        lambda: book.segment_members(segment.id, cursor="junk"),
        lambda: book.list(cursor=""),
    ):
        error = refused(call)
        assert error.field == "cursor"
    assert refused(lambda: book.list(cursor="junk")).value == "junk"


def test_a_float_is_refused_where_a_decimal_is_expected(book: ContactBook, ann: contactkit.Contact) -> None:
    before = snapshot(book)
    error = refused(lambda: book.set_field(ann.id, "balance", 0.1 + 0.2))
    assert error.field == "fields.balance"
    assert refused(lambda: book.update(ann.id, {"fields": {"balance": 1.5}})).field == "fields.balance"
    order = {"external_id": "o", "amount": 1.5, "currency": "UAH"}
    assert refused(lambda: book.record_order(ann.id, order)).field == "amount"
    for key in ("shipping", "discount", "taxes"):
        with_float = {"external_id": "o", "amount": "1", "currency": "UAH", key: 0.5}
        assert refused(lambda: book.record_order(ann.id, with_float)).field == key
    item = {"product_id": "p", "quantity": 1, "price": 9.99}
    with_item = {"external_id": "o", "amount": "1", "currency": "UAH", "items": [item]}
    assert refused(lambda: book.record_order(ann.id, with_item)).field == "items[0].price"
    definition = {"key": "ratio", "type": "decimal", "min": 0.5}
    assert refused(lambda: book.define_field(definition)).field == "min"
    assert snapshot(book) == before
    # Exact values are taken: Decimal, str, int.
    for exact, stored in ((Decimal("0.30"), Decimal("0.30")), ("0.1", Decimal("0.1")), (3, Decimal(3))):
        assert book.set_field(ann.id, "balance", exact).fields["balance"] == stored
    kept = book.record_order(ann.id, {"external_id": "o", "amount": Decimal("9.99"), "currency": "UAH"})
    assert isinstance(kept, contactkit.OrderActivity) and kept.amount == Decimal("9.99")


def test_odd_python_values_are_validation_errors(book: ContactBook, ann: contactkit.Contact) -> None:
    before = snapshot(book)

    class Lying(list[int]):
        """A list whose iterator never ends."""

        def __iter__(self) -> Iterator[int]:
            while True:
                yield 1

    for value in (object(), b"bytes", Lying([1]), {1, 2}, math.nan, Decimal("NaN"), dt.datetime(2024, 1, 1)):
        with pytest.raises(contactkit.ContactKitError):
            book.set_field(ann.id, "score", value)
    assert snapshot(book) == before


def test_values_are_read_as_strictly_as_json(book: ContactBook, ann: contactkit.Contact) -> None:
    before = snapshot(book)
    # A str is no list of its characters, a str no bool by its truthiness, a float no
    # key.
    assert refused(lambda: book.can_send_many("abc", "email")).field == "ids"  # type: ignore[arg-type]
    assert refused(lambda: book.define_field({"key": "vip", "type": "boolean", "required": "no"})).field == "required"
    error = refused(lambda: book.update(ann.id, {1.5: "x"}))  # type: ignore[dict-item]
    assert (error.field, error.value) == ("patch", "1.5")
    # An int key reads as its text, like an int value where a string is expected.
    assert refused(lambda: book.update(ann.id, {7: "x"})).field == "7"  # type: ignore[dict-item]
    assert snapshot(book) == before


# ---- SQLite options ------------------------------------------------------------------------


def test_open_takes_durability_and_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "options.db"
    with ContactBook.open(path, durability="full", busy_timeout=0.25) as book:
        book.create({"email": "ann@example.com"})
    with ContactBook.open(path, durability="normal", busy_timeout=0) as book:
        assert book.count() == 1
    with ContactBook.open(path, busy_timeout=5) as book:
        assert book.count() == 1


# Holds the file's write lock until told to let go. Another process, because POSIX locks
# belong to a process: Python's own SQLite in this process would not block the book's.
HOLD_THE_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def test_a_write_that_timed_out_on_a_lock_is_a_retryable_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    with ContactBook.open(path, busy_timeout=0.05) as book:
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_THE_LOCK, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        try:
            with pytest.raises(contactkit.StorageError) as caught:
                book.create({"email": "ann@example.com"})
            assert caught.value.retryable is True, caught.value
        finally:
            holder.communicate("go\n", timeout=30)
        book.create({"email": "ann@example.com"})
    # A closed book stays closed: no retry helps.
    with pytest.raises(contactkit.StorageError) as closed:
        book.count()
    assert closed.value.retryable is False


@pytest.mark.parametrize("timeout", [-1.0, -0.001, math.nan, math.inf, -math.inf, 1e300, 2**2000])
def test_a_bad_busy_timeout_is_refused(tmp_path: Path, timeout: float) -> None:
    error = refused(lambda: ContactBook.open(tmp_path / "x.db", busy_timeout=timeout))
    assert error.field == "busy_timeout"
    assert list(tmp_path.iterdir()) == []


def test_a_bad_durability_is_refused(tmp_path: Path) -> None:
    for durability in ("FULL", "off", "", "\ud800"):
        error = refused(lambda: ContactBook.open(tmp_path / "x.db", durability=durability))  # type: ignore[arg-type]
        assert error.field == "durability"
    assert list(tmp_path.iterdir()) == []


def test_a_bad_default_region_creates_no_file(tmp_path: Path) -> None:
    for region in ("ZZZ", "\ud800"):
        assert refused(lambda: ContactBook.open(tmp_path / "x.db", default_region=region)).field == "default_region"
    assert list(tmp_path.iterdir()) == []


def test_options_of_the_wrong_type_are_type_errors(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        ContactBook.open(tmp_path / "x.db", busy_timeout="30")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ContactBook.open(tmp_path / "x.db", durability=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_in_event_params_are_refused_not_stored_as_null(
    book: ContactBook, ann: contactkit.Contact, number: float
) -> None:
    before = snapshot(book)
    error = refused(lambda: book.record_event(ann.id, {"name": "viewed", "params": {"score": number}}))
    assert error.field.startswith("params")
    assert snapshot(book) == before
