"""Reporters: pure functions from diagnostics to text.

Each output format is a module here with a `render(diagnostics, options) -> str`
function; `REPORTERS` maps `--output-format` names to the module that renders them,
imported only when chosen.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from slint.diagnostics import Applicability, Diagnostic

REPORTERS: dict[str, str] = {
    "text": "slint.reporters.text",
    "json": "slint.reporters.json",
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
