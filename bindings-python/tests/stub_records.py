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


def literal_aliases(stub: Path = STUB) -> dict[str, set[str]]:
    """Each ``Name: TypeAlias = Literal[...]`` of the stub and the strings it lists."""
    tree = ast.parse(stub.read_text(encoding="utf-8"), filename=str(stub))
    aliases: dict[str, set[str]] = {}
    for node in tree.body:
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.annotation, ast.Name)
            and node.annotation.id == "TypeAlias"
            and isinstance(node.value, ast.Subscript)
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "Literal"
        ):
            continue
        listed = node.value.slice
        items = listed.elts if isinstance(listed, ast.Tuple) else [listed]
        aliases[node.target.id] = {item.value for item in items if isinstance(item, ast.Constant)}
    return aliases
