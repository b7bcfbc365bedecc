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


def test_the_quick_start_is_the_whole_quickstart_file() -> None:
    """The quick start is one file a reader can save and run, as the test command does."""
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert blocks[0] == (EXAMPLES / "quickstart.py").read_text(encoding="utf-8")


def test_every_recipe_file_is_shown() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ["quickstart", "csv_import", "dataframe_import", "mailchimp_import", "export_dataframes", "suppression_list"]:
        assert f"bindings-python/examples/{name}.py" in text, name
