"""Reporters: pure functions from diagnostics to text.

Each output format is a module here with a `render(diagnostics, options) -> str`
function; `REPORTERS` maps `--output-format` names to the module that renders them,
imported only when chosen.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import text_lines

if TYPE_CHECKING:
    from slint.api import Rule

REPORTERS: dict[str, str] = {
    "text": "slint.reporters.text",
    "full": "slint.reporters.full",
    "json": "slint.reporters.json",
    "json-lines": "slint.reporters.json_lines",
    "sarif": "slint.reporters.sarif",
    "github": "slint.reporters.github",
    "gitlab": "slint.reporters.gitlab",
    "junit": "slint.reporters.junit",
}


@dataclass(frozen=True)
class FixCount:
    """How many findings of one rule in one file were fixed (or would be)."""

    path: str
    code: str
    name: str
    count: int


def count_fixes(diagnostics: Iterable[Diagnostic]) -> tuple[FixCount, ...]:
    """The findings per file and rule, in no particular order."""
    counts = Counter((d.path, d.code, d.name) for d in diagnostics)
    return tuple(FixCount(path, code, name, n) for (path, code, name), n in counts.items())


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    quiet: bool = False
    statistics: bool = False
    unsafe_fixes: bool = False
    files_checked: int = 0
    # With --fix: how many findings the fixes removed (None: no fixing was asked for).
    fixed: int | None = None
    # --show-fixes: list the fixes after the findings, per file and rule.
    show_fixes: bool = False
    # With --fix: the findings the fixes removed, per file and rule, over every round.
    fixed_counts: tuple[FixCount, ...] = ()
    # The rules the run had enabled, by code (SARIF lists them as the tool's rules).
    rules: tuple[type[Rule], ...] = ()
    # Where rule documentation pages live (`rule-docs-url`): `<base><CODE>.md`.
    docs_url: str | None = None
    # The files of the run as displayed -> their paths (sources for `full`, `gitlab`).
    paths: Mapping[str, Path] = field(default_factory=dict)
    # The repository root: CI formats give paths relative to it.
    root: Path | None = None

    def rule_url(self, code: str) -> str | None:
        """The documentation page of a rule, when a documentation base is set."""
        if not self.docs_url:
            return None
        base = self.docs_url if self.docs_url.endswith("/") else self.docs_url + "/"
        return f"{base}{code}.md"

    def repository_path(self, display: str) -> str:
        """A file's path relative to the repository root, with `/` (CI systems want
        that whatever the working folder); a file outside it keeps its absolute path."""
        path = self.paths.get(display)
        absolute = path if path is not None else Path(os.path.abspath(display))
        root = self.root or Path.cwd()
        try:
            return PurePosixPath(absolute.relative_to(root).as_posix()).as_posix()
        except ValueError:
            try:
                return absolute.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                return absolute.as_posix()

    def source_lines(self, display: str) -> tuple[str, ...]:
        """A checked file's lines as slint counts rows (empty if it cannot be read)."""
        return _read_lines(self.paths.get(display, Path(display)))


@functools.lru_cache(maxsize=256)
def _read_lines(path: Path) -> tuple[str, ...]:
    try:
        data = path.read_bytes()
    except OSError:
        return ()
    return tuple(text_lines(data.decode("utf-8-sig", "replace")))


def repository_root(start: Path) -> Path:
    """The folder holding `.git` above `start` (the repository root), else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


Renderer = Callable[[Sequence[Diagnostic], ReportOptions], str]


def get_renderer(name: str) -> Renderer:
    module = importlib.import_module(REPORTERS[name])
    renderer: Renderer = module.render
    return renderer


def is_fixable(diagnostic: Diagnostic, unsafe_fixes: bool) -> bool:
    """Would `--fix` apply this diagnostic's fix (with `--unsafe-fixes` if given)?"""
    fix = diagnostic.fix
    if fix is None or not fix.edits:
        return False
    if fix.applicability is Applicability.SAFE:
        return True
    return unsafe_fixes and fix.applicability is Applicability.UNSAFE


def statistics(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int, bool]]:
    """(code, name, count, any fixable) per code, most frequent first."""
    counts: dict[tuple[str, str], list[int]] = {}
    for diagnostic in diagnostics:
        entry = counts.setdefault((diagnostic.code, diagnostic.name), [0, 0])
        entry[0] += 1
        entry[1] += is_fixable(diagnostic, unsafe_fixes=False)
    rows = [(code, name, n, fixable > 0) for (code, name), (n, fixable) in counts.items()]
    return sorted(rows, key=lambda row: (-row[2], row[0]))
