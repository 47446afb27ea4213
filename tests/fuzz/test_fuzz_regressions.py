"""Every input the fuzzing harness ever failed on, kept as a project folder under
tests/fixtures/fuzz/<case>/, checked with the same properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from fuzz.properties import check_project, read_project

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "fuzz"


def _cases() -> list[Path]:
    return sorted(path for path in CASES.iterdir() if path.is_dir())


@pytest.mark.parametrize("case", _cases(), ids=lambda path: path.name)
def test_regression_input(case: Path) -> None:
    check_project(read_project(case))
