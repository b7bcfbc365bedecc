"""The examples (and so the code shown in docs/python.md) run and check themselves."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    "name, needs",
    [
        ("quickstart.py", ()),
        ("typed_example.py", ()),
        ("csv_import.py", ("tqdm",)),
        ("export_dataframes.py", ("pandas", "polars")),
    ],
)
def test_example_runs(name: str, needs: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    for module in needs:
        pytest.importorskip(module)
    monkeypatch.setattr(sys, "argv", [name])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
