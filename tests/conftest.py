"""Shared helpers: run slint in-process on a small project, or as the installed command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from slint.config import ConfigResolver, Overrides
from slint.diagnostics import Diagnostic
from slint.engine import Engine, RunResult
from slint.registry import Registry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load()


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    """Write files; lone surrogates in the text stand for raw (non-UTF-8) bytes."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", errors="surrogateescape"))


def lint(
    root: Path,
    paths: Sequence[str] = (".",),
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    config: Path | None = None,
) -> RunResult:
    """Run the engine in-process, with `root` as the working directory."""
    overrides = Overrides(
        select=tuple(select) if select is not None else None,
        extend_select=tuple(extend_select),
        ignore=tuple(ignore),
    )
    old = Path.cwd()
    os.chdir(root)
    try:
        engine = Engine(Registry.load(), ConfigResolver(overrides, config))
        return engine.check_paths(list(paths))
    finally:
        os.chdir(old)


def codes_at(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int, int]]:
    return [(d.path, d.code, d.start.row, d.start.column) for d in diagnostics]


def slint_command() -> list[str]:
    """The installed `slint` console script (next to this Python, else on PATH)."""
    beside = Path(sys.executable).with_name("slint")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("slint")
    assert found, "the slint command is not installed"
    return [found]


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [*slint_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
