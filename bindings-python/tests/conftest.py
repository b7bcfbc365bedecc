"""Shared fixtures. The scenario runner module sits beside the tests."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

import contactkit

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def book() -> Iterator[contactkit.ContactBook]:
    with contactkit.ContactBook.in_memory() as book:
        yield book


@pytest.fixture
def ua_book() -> Iterator[contactkit.ContactBook]:
    """A book reading national phone numbers as Ukrainian."""
    with contactkit.ContactBook.in_memory(default_region="UA") as book:
        yield book


@pytest.fixture
def file_book(tmp_path: Path) -> Iterator[contactkit.ContactBook]:
    with contactkit.ContactBook.open(tmp_path / "contacts.db") as book:
        yield book


@pytest.fixture
def pg_url() -> str:
    """The PostgreSQL server of the tests (CONTACTKIT_TEST_PG_URL); its absence fails."""
    url = os.environ.get("CONTACTKIT_TEST_PG_URL")
    if not url:
        pytest.fail(
            "CONTACTKIT_TEST_PG_URL is not set: start a server with `scripts/postgres.sh start DIR` "
            "and export the URL it prints (scripts/test.sh does both)"
        )
    return url


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[Callable[[], str]]:
    """Hands out fresh schema names on the test server and drops them afterwards."""
    made: list[str] = []

    def fresh() -> str:
        made.append(f"py_{uuid.uuid4().hex[:16]}")
        return made[-1]

    yield fresh
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for schema in made:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
