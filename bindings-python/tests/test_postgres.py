"""ContactBook.connect: a book in a PostgreSQL database, shared by processes.

The server is CONTACTKIT_TEST_PG_URL (scripts/test.sh starts a throwaway one); each
test works in schemas of its own, dropped afterwards.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable

import psycopg
import pytest

import contactkit


def connect(url: str, schema: str, **options: object) -> contactkit.ContactBook:
    return contactkit.ContactBook.connect(url, schema=schema, **options)  # type: ignore[arg-type]


def test_a_book_on_the_server_keeps_what_it_is_given(pg_url: str, pg_schema: Callable[[], str]) -> None:
    schema = pg_schema()
    with connect(pg_url, schema, default_region="UA") as book:
        ann = book.create({"email": "Ann@Example.com", "phone": "050 123 4567", "first_name": "Ann"})
        book.record_order(ann.id, {"external_id": "o-1", "amount": "12.50", "currency": "EUR", "status": "delivered"})
        book.unsubscribe(ann.id, "sms", reason="replied STOP")
    # Another connection (a second worker) sees it all.
    with connect(pg_url, schema) as again:
        found = again.find_by_email("ann@example.com")
        assert found is not None and found.phone == "+380501234567"
        assert found.order_stats.order_count == 1
        assert again.can_send(found.id, "sms").reason == "unsubscribed"
        assert again.count() == 1


def test_two_schemas_are_two_books(pg_url: str, pg_schema: Callable[[], str]) -> None:
    with connect(pg_url, pg_schema()) as one, connect(pg_url, pg_schema()) as other:
        one.create({"email": "only-here@example.com"})
        assert other.count() == 0 and one.count() == 1


def test_a_wrong_password_is_a_storage_error_that_never_shows_it(pg_url: str) -> None:
    wrong = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:n0t-the-password@", pg_url)
    assert wrong != pg_url, "the test server's URL carries a password"
    with pytest.raises(contactkit.StorageError) as caught:
        contactkit.ContactBook.connect(wrong)
    assert "password authentication failed" in str(caught.value)
    assert "n0t-the-password" not in str(caught.value)


def test_an_unreachable_server_and_a_bad_url_are_storage_errors() -> None:
    with pytest.raises(contactkit.StorageError, match="127.0.0.1:1"):
        contactkit.ContactBook.connect("postgresql://ck:pw@127.0.0.1:1/books")
    with pytest.raises(contactkit.StorageError):
        contactkit.ContactBook.connect("postgresql://[not a host")


def test_bad_options_are_validation_errors_naming_them(pg_url: str) -> None:
    with pytest.raises(contactkit.ValidationError) as schema:
        contactkit.ContactBook.connect(pg_url, schema="Robert'); DROP TABLE contacts;--")
    assert schema.value.field == "schema"
    for size in (0, -1, 2**40):
        with pytest.raises(contactkit.ValidationError) as pool:
            contactkit.ContactBook.connect(pg_url, pool_size=size)
        assert pool.value.field == "pool_size"
    # Hostile URLs: not Unicode, or megabytes long. Neither is quoted (either may hold
    # a password), and no server is asked.
    for url in ("postgresql://ann:s3cret\ud800@127.0.0.1/db", "postgresql://ann:s3cret@" + "h" * 1_000_000 + "/db"):
        with pytest.raises(contactkit.ValidationError) as hostile:
            contactkit.ContactBook.connect(url)
        assert hostile.value.field == "url"
        assert "s3cret" not in str(hostile.value) and len(str(hostile.value)) < 200
    with pytest.raises(contactkit.ValidationError) as region:
        contactkit.ContactBook.connect(pg_url, default_region="Atlantis")
    assert region.value.field == "default_region"


def test_another_applications_schema_is_refused_and_left_as_it_is(pg_url: str, pg_schema: Callable[[], str]) -> None:
    schema = pg_schema()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".invoices (id int)')
    with pytest.raises(contactkit.StorageError, match="not a ContactKit book"):
        connect(pg_url, schema)
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    assert tables == [("invoices",)]


def _upsert_worker(url: str, schema: str, name: str) -> None:
    with contactkit.ContactBook.connect(url, schema=schema) as book:
        for i in range(60):
            contact = book.upsert({"email": f"same{i}@example.com"}, dedupe_on="email")
            book.record_event(contact.id, {"name": name})


def test_two_processes_upserting_the_same_emails_make_one_contact_each(
    pg_url: str, pg_schema: Callable[[], str]
) -> None:
    schema = pg_schema()
    connect(pg_url, schema).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_upsert_worker, args=(pg_url, schema, name)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with connect(pg_url, schema) as book:
        assert book.count() == 60
        contact = book.find_by_email("same7@example.com")
        assert contact is not None
        names = sorted(item.name for item in book.activity(contact.id, period="all").items)  # type: ignore[union-attr]
        assert names == ["a", "b"]
