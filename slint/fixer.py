"""Applying fixes to files: `--fix` writes them, `--diff` shows them.

A fix is applied whole or not at all. Fixes whose edits touch the same text (or insert
at the same point) as one already chosen wait for the next round: the files are
checked again and the remaining fixes applied, until nothing changes (at most
`MAX_ROUNDS` rounds), as ruff does. A file is written only if the result still parses,
byte for byte the same outside the edits (encoding, BOM and line endings kept), and
atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import difflib
import io
import os
import tempfile
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from slint.diagnostics import Applicability, Diagnostic, Edit, Fix
from slint.files import read_limited
from slint.fixes import apply_edits, line_offsets, offset_of

MAX_ROUNDS = 10


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or not fix.edits:
        return False
    if fix.applicability is Applicability.SAFE:
        return True
    return unsafe and fix.applicability is Applicability.UNSAFE


@dataclass
class Source:
    """A file's text as slint reads it, and how to write it back unchanged."""

    path: Path
    text: str
    encoding: str

    @classmethod
    def read(cls, path: Path) -> Source:
        data = read_limited(path)
        if path.suffix == ".py":
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        else:
            encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return cls(path, data.decode(encoding), encoding)

    def encoded(self, text: str) -> bytes:
        return text.encode(self.encoding)


def choose(text: str, fixes: Iterable[Fix]) -> list[Fix]:
    """Fixes whose edits neither overlap each other nor insert at the same point."""
    offsets = line_offsets(text)
    taken: list[tuple[int, int]] = []
    chosen = []
    for fix in fixes:
        spans = [
            (offset_of(offsets, text, e.start), offset_of(offsets, text, e.end)) for e in fix.edits
        ]
        if any(_touches(span, other) for span in spans for other in taken):
            continue
        if any(_touches(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :]):
            continue
        taken.extend(spans)
        chosen.append(fix)
    return chosen


def _touches(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Overlapping spans, or two insertions at one point (their order would be a guess)."""
    return a[0] == a[1] == b[0] == b[1] or (a[0] < b[1] and b[0] < a[1])


def still_parses(path: Path, text: str) -> bool:
    if path.suffix == ".py":
        import libcst

        try:
            libcst.parse_module(text)
        except Exception:
            return False
        return True
    from slint.javascript.grammar import grammar_of

    grammar = grammar_of(path.name)
    if grammar is not None:
        from slint.javascript.grammar import parse

        return not parse(text.encode("utf-8", "surrogatepass"), grammar).root_node.has_error
    from slint.app.yamlpos import YamlError, load

    try:
        # As the engine reads configs: JSON first, then YAML (a `.json` template may
        # hold YAML).
        load(text)
    except (YamlError, ValueError):
        return False
    return True


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all, keeping its permissions (a new file: 0644)."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


@dataclass
class FileFix:
    source: Source
    fixed: str
    applied: list[Diagnostic] = field(default_factory=list)

    def diff(self, display: str) -> str:
        return "".join(
            difflib.unified_diff(
                self.source.text.splitlines(keepends=True),
                self.fixed.splitlines(keepends=True),
                fromfile=f"a/{display}",
                tofile=f"b/{display}",
            )
        )


def fix_round(
    diagnostics: Sequence[Diagnostic], paths: dict[str, Path], unsafe: bool
) -> tuple[dict[str, FileFix], list[str]]:
    """One round: the fixed text of each file (nothing is written), and problems."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if applicable(diagnostic.fix, unsafe) and diagnostic.path in paths:
            by_file.setdefault(diagnostic.path, []).append(diagnostic)
    results: dict[str, FileFix] = {}
    problems: list[str] = []
    for display, found in by_file.items():
        try:
            source = Source.read(paths[display])
        except (OSError, UnicodeDecodeError, SyntaxError) as error:
            problems.append(f"{display}: cannot read it to fix it: {error}")
            continue
        try:
            fixed, applied = fix_text(paths[display], source.text, found, unsafe)
        except FixBreaksParse:
            problems.append(f"{display}: fixes not applied: the result would not parse")
            continue
        if applied:
            results[display] = FileFix(source, fixed, applied)
    return results, problems


class FixBreaksParse(ValueError):
    """The fixes chosen for a file would leave it unparsable."""


def fix_text(
    path: Path, text: str, diagnostics: Iterable[Diagnostic], unsafe: bool
) -> tuple[str, list[Diagnostic]]:
    """One round on one file's text: the fixed text and the findings whose fixes were
    applied (none: the text unchanged). FixBreaksParse if the result would not parse."""
    found = [d for d in diagnostics if applicable(d.fix, unsafe)]
    fixes = {id(d.fix): d for d in found}
    chosen = choose(text, (d.fix for d in found if d.fix is not None))
    edits: list[Edit] = [edit for fix in chosen for edit in fix.edits]
    fixed = apply_edits(text, edits)
    if fixed == text:
        return text, []
    if not still_parses(path, fixed):
        raise FixBreaksParse(path)
    return fixed, [fixes[id(f)] for f in chosen]
