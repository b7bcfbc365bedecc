"""Shared fixtures. The scenario runner module sits beside the tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

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
