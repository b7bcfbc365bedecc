"""The exception hierarchy, panics, and threads sharing one book with the GIL released."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import contactkit
from contactkit import ContactBook, _native

UNKNOWN_ID = "01900000-0000-7000-8000-000000000000"


def test_hierarchy() -> None:
    for cls in (
        contactkit.ValidationError,
        contactkit.NotFoundError,
        contactkit.ConflictError,
        contactkit.StorageError,
    ):
        assert issubclass(cls, contactkit.ContactKitError)
    assert issubclass(contactkit.ContactKitError, Exception)
    assert contactkit.ValidationError.__module__ == "contactkit"


def test_validation_error_carries_field_value_reason(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.create({"email": "not-an-email"})
    error = caught.value
    assert (error.field, error.value) == ("email", "not-an-email")
    assert isinstance(error.reason, str) and error.reason
    assert set(vars(error)) == {"field", "value", "reason"}
    assert "not-an-email" in str(error)
    assert book.count() == 0


def test_nested_fields_are_named(book: ContactBook) -> None:
    with pytest.raises(contactkit.ValidationError) as caught:
        book.create({"email": "a@example.com", "address": {"country": "Atlantis"}})
    assert caught.value.field == "address.country"
    with pytest.raises(contactkit.ValidationError) as caught:
        book.create({"email": "a@example.com", "emial": "typo"})
    assert (caught.value.field, caught.value.value) == ("emial", "emial")
    with pytest.raises(contactkit.ValidationError) as caught:
        book.create({"first_name": ["not", "a", "string"]})
    assert caught.value.field == "first_name"


def test_not_found_error_carries_what_and_id(book: ContactBook) -> None:
    with pytest.raises(contactkit.NotFoundError) as caught:
        book.update(UNKNOWN_ID, {"first_name": "Ann"})
    error = caught.value
    assert (error.what, error.id) == ("contact", UNKNOWN_ID)
    # Exactly the shared vocabulary: no `value`, `field` or `reason` besides.
    assert vars(error) == {"what": "contact", "id": UNKNOWN_ID}
    for absent in ("value", "field", "reason"):
        assert not hasattr(error, absent)


def test_conflict_error_carries_field_value_existing(book: ContactBook) -> None:
    ann = book.create({"email": "ann@example.com"})
    with pytest.raises(contactkit.ConflictError) as caught:
        book.create({"email": "ANN@example.com"})
    error = caught.value
    assert (error.field, error.value) == ("email", "ann@example.com")
    assert error.existing is not None and ann.id in error.existing
    assert set(vars(error)) == {"field", "value", "existing"} and not hasattr(error, "reason")


def test_storage_error(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    with pytest.raises(contactkit.StorageError) as caught:
        ContactBook.open(directory)
    assert caught.value.reason
    assert set(vars(caught.value)) == {"reason"}


def test_every_error_is_caught_by_except_exception(book: ContactBook) -> None:
    try:
        book.restore(UNKNOWN_ID)
    except Exception as error:  # noqa: BLE001 - the point of the test
        assert isinstance(error, contactkit.NotFoundError)
    else:
        pytest.fail("no error")


def test_a_panic_surfaces_as_contactkit_error() -> None:
    with pytest.raises(contactkit.ContactKitError, match="deliberate panic") as caught:
        _native._panic_for_test()
    assert type(caught.value) is contactkit.ContactKitError
    # ...which `except Exception` catches (pyo3's PanicException would not be).
    try:
        _native._panic_for_test()
    except Exception as error:  # noqa: BLE001
        assert isinstance(error, contactkit.ContactKitError)


def test_threads_share_one_book(tmp_path: Path) -> None:
    with ContactBook.open(tmp_path / "shared.db") as book:
        per_thread = 150

        def work(worker: int) -> int:
            for i in range(per_thread):
                contact = book.upsert({"email": f"w{worker}-{i}@example.com", "external_id": f"{worker}-{i}"})
                book.unsubscribe(contact.id, "email")
                assert book.can_send(contact.id, "email").reason == "unsubscribed"
            return worker

        with ThreadPoolExecutor(max_workers=4) as pool:
            assert sorted(pool.map(work, range(4))) == [0, 1, 2, 3]
        assert book.count() == 4 * per_thread
        ids = {c.id for c in book.list(limit=1000).items}
        assert len(ids) == 4 * per_thread


def test_the_gil_is_released_while_the_store_works() -> None:
    """While one thread imports a list (no Python code runs during the call), another
    Python thread keeps running: it could not if the call held the GIL throughout."""
    book = ContactBook.in_memory()
    rows = [{"email": f"u{i}@example.com", "phone": f"+38067{i:07d}"} for i in range(20_000)]
    ticks = 0
    started = threading.Event()
    stop = threading.Event()

    def ticker() -> None:
        nonlocal ticks
        started.set()
        while not stop.is_set():
            ticks += 1

    thread = threading.Thread(target=ticker)
    thread.start()
    started.wait()
    try:
        before = ticks
        report = book.import_contacts(rows, dedupe_on="email")
        during = ticks - before
    finally:
        stop.set()
        thread.join()
    assert report.created == 20_000
    assert during > 1000, f"the other thread ran only {during} times during the import"


def test_concurrent_conflicting_writes_leave_one_winner(book: ContactBook) -> None:
    def create(_: int) -> str:
        try:
            return book.create({"email": "race@example.com"}).id
        except contactkit.ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(16)))
    assert sum(r != "conflict" for r in results) == 1
    assert book.count() == 1


def test_close_while_other_threads_work(tmp_path: Path) -> None:
    book = ContactBook.open(tmp_path / "closing.db")
    errors: list[BaseException] = []

    def work() -> None:
        for i in range(200):
            try:
                book.create({"email": f"{threading.get_ident()}-{i}@example.com"})
            except contactkit.StorageError:
                return
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
                return

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.01)
    book.close()
    for t in threads:
        t.join()
    assert errors == []
    assert book.closed
