"""Helpers for the tests of config and cross rules: run one rule, apply fixes, check the
result."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from textwrap import dedent

from conftest import codes_at, lint, write_tree

from slint.app.yamlpos import YMap, load
from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import apply_edits


def yaml(text: str, *, crlf: bool = False) -> str:
    """A dedented snippet, with CRLF line endings if asked."""
    text = dedent(text)
    return text.replace("\n", "\r\n") if crlf else text


def findings(root: Path, code: str, files: Mapping[str, str] | None = None) -> list[Diagnostic]:
    """Write `files` (if given) under `root` and run the engine with only `code` selected."""
    if files is not None:
        write_tree(root, files)
    result = lint(root, select=[code])
    assert not result.errors
    found = [d for d in result.diagnostics if d.code == code]
    assert not any(d.internal_error for d in found), [d.message for d in found]
    return found


def positions(root: Path, code: str, *paths: str) -> list[tuple[str, str, int, int]]:
    """(path, code, row, column) of what the engine reports with only `code` selected."""
    result = lint(root, paths or (".",), select=[code])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return codes_at(result.diagnostics)


def where(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return sorted((d.path, d.start.row, d.start.column) for d in found)


def fixed_text(root: Path, diagnostic: Diagnostic) -> str:
    """The file's text with the diagnostic's fix applied; it must still load."""
    assert diagnostic.fix is not None and diagnostic.fix.edits, diagnostic.message
    text = (root / diagnostic.path).read_bytes().decode()
    new = apply_edits(text, diagnostic.fix.edits)
    load(new, diagnostic.path)
    return new


def apply_and_recheck(
    root: Path, diagnostic: Diagnostic, expected: str, *, safe: bool = True
) -> list[Diagnostic]:
    """Apply the fix, compare with `expected`, write it back, and lint again.

    Returns the findings of the same rule on the fixed project, and asserts that the
    fixed finding is gone (no finding of the same rule at the same place with the same
    message)."""
    assert diagnostic.fix is not None
    if safe:
        assert diagnostic.fix.applicability is Applicability.SAFE
    new = fixed_text(root, diagnostic)
    assert new != (root / diagnostic.path).read_bytes().decode()
    assert new == expected
    (root / diagnostic.path).write_bytes(new.encode())
    again = findings(root, diagnostic.code)
    assert not [
        d
        for d in again
        if d.path == diagnostic.path
        and d.start == diagnostic.start
        and d.message == diagnostic.message
    ]
    return again


def apply_all(root: Path, name: str, found: list[Diagnostic]) -> str:
    """Apply the fixes of every finding in file `name`, write it back, and check that it
    still loads."""
    path = root / name
    text = path.read_bytes().decode()
    fixed = apply_edits(text, [e for d in found if d.path == name and d.fix for e in d.fix.edits])
    assert isinstance(load(fixed, name), YMap)
    path.write_bytes(fixed.encode())
    return fixed
