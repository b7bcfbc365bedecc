"""The examples (and so the code shown in docs/python.md) run and check themselves."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


# Each example and the modules it needs beyond contactkit.
RUNS = [
    ("quickstart.py", ()),
    ("typed_example.py", ()),
    ("csv_import.py", ("tqdm",)),
    ("export_dataframes.py", ("pandas", "polars", "pyarrow")),
    ("mailchimp_import.py", ("pandas",)),
    ("dataframe_import.py", ("pandas",)),
    ("suppression_list.py", ()),
]


@pytest.mark.parametrize("name, needs", RUNS)
def test_example_runs(name: str, needs: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    for module in needs:
        pytest.importorskip(module)
    monkeypatch.setattr(sys, "argv", [name])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")


def test_every_example_is_run() -> None:
    names = {p.name for p in EXAMPLES.glob("*.py")}
    assert names == {name for name, _ in RUNS}


def test_the_quick_start_runs_again_on_its_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run twice on one file: its setup returns what the first run defined, and its
    rows (the one without an email too) land on the contacts they made."""
    path = tmp_path / "contacts.db"
    for _ in range(2):
        monkeypatch.setattr(sys, "argv", ["quickstart.py", str(path)])
        runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
