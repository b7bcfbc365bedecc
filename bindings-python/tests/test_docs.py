"""docs/python.md shows code the tests run: every Python block on the page is copied
from a file in bindings-python/examples/ (which test_examples.py runs)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "python.md"
EXAMPLES = ROOT / "bindings-python" / "examples"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_every_python_block_is_from_an_example() -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    sources = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.py"))]
    for block in blocks:
        assert any(block in source for source in sources), (
            f"this block of docs/python.md is in no example:\n{block}"
        )
