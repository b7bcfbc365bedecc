"""``ContactBook.export_lines``: the whole portable form of a book as a generator, read
through the book's own calls (the catalogue, then the profile lines a page at a time),
so nothing is read before the first line is asked for and one page is held at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Profile lines read per call, as the core's own `export_lines` reads them.
PAGE = 500


def export_lines(book: Any, *, with_activity: bool = True) -> Iterator[dict[str, Any]]:
    """The catalogue lines, then every live contact's profile line in id order."""
    yield from book.export_catalog_lines()
    cursor = None
    while True:
        page = book.export_profile_lines(PAGE, cursor, with_activity=with_activity)
        yield from page.items
        cursor = page.next_cursor
        if cursor is None:
            return
