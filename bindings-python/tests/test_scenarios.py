"""The shared conformance scenarios, one test per file (see scenario_runner.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scenario_runner import MIN_SCENARIOS, SCENARIO_DIR, run_file, scenario_files


def test_there_are_enough_scenarios() -> None:
    files = scenario_files()
    assert len(files) >= MIN_SCENARIOS, (
        f"expected at least {MIN_SCENARIOS} scenario files in {SCENARIO_DIR}, found {len(files)}"
    )


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_scenario(path: Path) -> None:
    run_file(path)


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_scenario_on_postgres(path: Path, pg_schema: Callable[[], str]) -> None:
    """The same steps, the same answers, on a book in a PostgreSQL schema."""
    run_file(path, server=pg_schema)
