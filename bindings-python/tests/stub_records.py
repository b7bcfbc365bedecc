"""The record classes of the hand-written stub (``python/contactkit/__init__.pyi``) and
their attributes, read with ``ast``: what the stub check compares with the core types'
properties (issue 13, item 5)."""

from __future__ import annotations

import ast
from pathlib import Path

STUB = Path(__file__).resolve().parents[1] / "python" / "contactkit" / "__init__.pyi"

# Classes of the stub that are no record of a core type: the book, the generic page of
# results, the errors.
NOT_RECORDS = frozenset(
    {
        "ContactBook",
        "Page",
        "ContactKitError",
        "ValidationError",
        "NotFoundError",
        "ConflictError",
        "StorageError",
    }
)


def record_attributes(stub: Path = STUB) -> dict[str, set[str]]:
    """Each record class of the stub and the names of its read-only attributes (the
    functions it declares as ``@property``)."""
    tree = ast.parse(stub.read_text(encoding="utf-8"), filename=str(stub))
    records: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name not in NOT_RECORDS:
            records[node.name] = {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef)
                and any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list)
            }
    return records
