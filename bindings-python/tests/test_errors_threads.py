"""The exception hierarchy, panics, and threads sharing one book with the GIL released."""

from __future__ import annotations

import inspect
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import pandas
import pytest

import contactkit
from contactkit import ContactBook, _native

UNKNOWN_ID = "01900000-0000-7000-8000-000000000000"
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


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
    assert error.existing_id == ann.id
    assert set(vars(error)) == {"field", "value", "existing", "existing_id"}
    assert not hasattr(error, "reason")


def test_storage_error(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    with pytest.raises(contactkit.StorageError) as caught:
        ContactBook.open(directory)
    assert caught.value.reason
    assert set(vars(caught.value)) == {"reason", "retryable"}
    # A directory stays a directory: trying again cannot help.
    assert caught.value.retryable is False


def test_every_error_is_caught_by_except_exception(book: ContactBook) -> None:
    try:
        book.restore(UNKNOWN_ID)
    except Exception as error:  # noqa: BLE001 - the point of the test
        assert isinstance(error, contactkit.NotFoundError)
    else:
        pytest.fail("no error")


# Every public method of ContactBook that reaches the store, with valid arguments (so
# the call gets past the core's checks into the store, which panics).
ID = "01900000-0000-7000-8000-00000000000a"
REACHES_THE_STORE: dict[str, Callable[[ContactBook], object]] = {
    "create": lambda b: b.create({"email": "ann@example.com"}),
    "upsert": lambda b: b.upsert({"email": "ann@example.com"}),
    "sign_up": lambda b: b.sign_up({"email": "ann@example.com"}),
    "update": lambda b: b.update(ID, {"first_name": "Ann"}),
    "get": lambda b: b.get(ID),
    "find_by_email": lambda b: b.find_by_email("ann@example.com"),
    "find_by_phone": lambda b: b.find_by_phone("+380671234567"),
    "find_by_key": lambda b: b.find_by_key("ann"),
    "find_by_external_id": lambda b: b.find_by_external_id("crm-1"),
    "find_by_push_token": lambda b: b.find_by_push_token("token-1"),
    "find_by_web_push_endpoint": lambda b: b.find_by_web_push_endpoint("https://push.example.com/1"),
    "delete": lambda b: b.delete(ID),
    "restore": lambda b: b.restore(ID),
    "merge": lambda b: b.merge(ID, "01900000-0000-7000-8000-00000000000b"),
    "export_contact": lambda b: b.export_contact(ID),
    "erase": lambda b: b.erase(ID),
    "export_catalog_lines": lambda b: b.export_catalog_lines(),
    "export_profile_lines": lambda b: b.export_profile_lines(),
    "export_lines": lambda b: list(b.export_lines()),
    "restore_line": lambda b: b.restore_line({"id": ID, "email": "ann@example.com", "activity": []}),
    "list": lambda b: b.list(),
    "count": lambda b: b.count(),
    "changes": lambda b: b.changes(),
    "import_contacts": lambda b: b.import_contacts([{"email": "ann@example.com"}]),
    "import_suppressions": lambda b: b.import_suppressions(
        [{"channel": "email", "address": "ann@example.com", "kind": "blacklisted"}]
    ),
    "import_dataframe": lambda b: b.import_dataframe(pandas.DataFrame({"email": ["ann@example.com"]})),
    "to_arrow": lambda b: b.to_arrow(),
    "to_pandas": lambda b: b.to_pandas(),
    "to_polars": lambda b: b.to_polars(),
    "add_mobile_push": lambda b: b.add_mobile_push(
        ID, {"app_id": "com.example", "device_id": "d1", "token": "t1", "platform": "ios"}
    ),
    "remove_mobile_push": lambda b: b.remove_mobile_push(ID, "t1"),
    "add_web_push": lambda b: b.add_web_push(
        ID, {"endpoint": "https://push.example.com/1", "p256dh": P256DH, "auth": AUTH}
    ),
    "remove_web_push": lambda b: b.remove_web_push(ID, "https://push.example.com/1"),
    "set_telegram": lambda b: b.set_telegram(ID, {"bot_id": "bot", "chat_id": "42"}),
    "register_app": lambda b: b.register_app(ID, {"app_id": "com.example", "device_id": "d1", "platform": "ios"}),
    "remove_app": lambda b: b.remove_app(ID, "com.example"),
    "blacklist": lambda b: b.blacklist(ID, "email"),
    "unblacklist": lambda b: b.unblacklist(ID, "email", "by request"),
    "unsubscribe": lambda b: b.unsubscribe(ID, "email"),
    "resubscribe": lambda b: b.resubscribe(ID, "email"),
    "report_spam": lambda b: b.report_spam(ID, "email"),
    "suppress_address": lambda b: b.suppress_address("email", "ann@example.com", "blacklisted"),
    "confirm": lambda b: b.confirm(ID, "email"),
    "suppressions": lambda b: b.suppressions("email", "ann@example.com"),
    "define_category": lambda b: b.define_category("News"),
    "update_category": lambda b: b.update_category("news", "News and offers"),
    "delete_category": lambda b: b.delete_category("news"),
    "categories": lambda b: b.categories(),
    "add_category": lambda b: b.add_category(ID, "news"),
    "remove_category": lambda b: b.remove_category(ID, "news"),
    "can_send": lambda b: b.can_send(ID, "email"),
    "can_send_many": lambda b: b.can_send_many([ID], "email"),
    "create_segment": lambda b: b.create_segment("VIP"),
    "update_segment": lambda b: b.update_segment(ID, "VIP"),
    "delete_segment": lambda b: b.delete_segment(ID),
    "segments": lambda b: b.segments(),
    "add_to_segment": lambda b: b.add_to_segment(ID, ID),
    "remove_from_segment": lambda b: b.remove_from_segment(ID, ID),
    "segment_members": lambda b: b.segment_members(ID),
    "define_field": lambda b: b.define_field({"key": "age", "type": "number"}),
    "update_field": lambda b: b.update_field("age", title="Age"),
    "delete_field": lambda b: b.delete_field("age"),
    "field_definitions": lambda b: b.field_definitions(),
    "set_field": lambda b: b.set_field(ID, "age", 42),
    "clear_field": lambda b: b.clear_field(ID, "age"),
    "record_campaign": lambda b: b.record_campaign(
        ID, {"message_id": "m1", "channel": "email", "status": "sent"}
    ),
    "record_event": lambda b: b.record_event(ID, {"name": "viewed"}),
    "record_order": lambda b: b.record_order(ID, {"external_id": "o1", "amount": "9.99", "currency": "UAH"}),
    "activity": lambda b: b.activity(ID),
}
# The public members that never reach a book's store, and why.
NO_STORE = {
    "open": "a constructor: opens a new book",
    "connect": "a constructor: connects to a server book",
    "in_memory": "a constructor: makes a new book",
    "close": "drops the book's handle",
    "closed": "reads whether close() was called",
}


def public_members() -> set[str]:
    return {name for name, _ in inspect.getmembers(ContactBook) if not name.startswith("_")}


def test_the_panic_table_names_every_public_method() -> None:
    members = public_members()
    assert members - set(REACHES_THE_STORE) - set(NO_STORE) == set(), "methods missing from the table"
    assert (set(REACHES_THE_STORE) | set(NO_STORE)) - members == set(), "names that are no method"


@pytest.mark.parametrize("method", sorted(REACHES_THE_STORE))
def test_a_panic_in_every_method_surfaces_as_contactkit_error(method: str) -> None:
    book = _native._panicking_book()
    with pytest.raises(Exception) as caught:
        REACHES_THE_STORE[method](book)
    # The internal error itself, not pyo3's PanicException (a BaseException, which
    # `except Exception` would miss) nor an error of the arguments.
    error = caught.value
    assert type(error) is contactkit.ContactKitError, repr(error)
    assert vars(error) == {"reason": str(error)}
    assert "PanickingStore: a deliberate panic" in str(error)
    # The interpreter lives on and the book stays usable (it panics again).
    assert book.closed is False
    with pytest.raises(contactkit.ContactKitError):
        book.count()


def test_the_members_that_never_reach_the_store_work_on_a_panicking_book(tmp_path: Path) -> None:
    book = _native._panicking_book()
    assert book.closed is False
    book.close()
    assert book.closed is True
    ContactBook.open(tmp_path / "fine.db").close()
    assert ContactBook.in_memory().count() == 0


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
