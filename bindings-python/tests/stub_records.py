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


def is_typed_dict(node: ast.ClassDef) -> bool:
    """Whether a class of the stub is a ``TypedDict`` (an input: a dict's keys)."""
    return any(isinstance(base, ast.Name) and base.id == "TypedDict" for base in node.bases)


def record_attributes(stub: Path = STUB) -> dict[str, set[str]]:
    """Each record class of the stub and the names of its read-only attributes (the
    functions it declares as ``@property``)."""
    tree = ast.parse(stub.read_text(encoding="utf-8"), filename=str(stub))
    records: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name not in NOT_RECORDS and not is_typed_dict(node):
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


def typed_dicts(stub: Path = STUB) -> dict[str, tuple[set[str], set[str]]]:
    """Each ``TypedDict`` input of the stub and its keys, as (required, optional): a
    key is required when marked ``Required[...]`` or when the class is total."""
    tree = ast.parse(stub.read_text(encoding="utf-8"), filename=str(stub))
    inputs: dict[str, tuple[set[str], set[str]]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and is_typed_dict(node)):
            continue
        total = True
        for keyword in node.keywords:
            if keyword.arg == "total" and isinstance(keyword.value, ast.Constant):
                total = bool(keyword.value.value)
        required: set[str] = set()
        optional: set[str] = set()
        for item in node.body:
            if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                continue
            marked = (
                item.annotation.value.id
                if isinstance(item.annotation, ast.Subscript) and isinstance(item.annotation.value, ast.Name)
                else None
            )
            if marked == "Required" or (total and marked != "NotRequired"):
                required.add(item.target.id)
            else:
                optional.add(item.target.id)
        inputs[node.name] = (required, optional)
    return inputs
