"""Applying text edits: (row, column) ranges to string offsets, edits in one pass."""

from __future__ import annotations

from collections.abc import Iterable

from slint.diagnostics import Edit, Location


class OverlappingEdits(ValueError):
    """Two edits touch the same text."""


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    return offsets


def _offset(offsets: list[int], text: str, location: Location) -> int:
    row = min(location.row, len(offsets))
    base = offsets[row - 1] if row - 1 < len(offsets) else len(text)
    return min(base + location.column - 1, len(text))


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to `text` (positions refer to the original text)."""
    offsets = _line_offsets(text)
    spans = sorted(
        (
            (_offset(offsets, text, e.start), _offset(offsets, text, e.end), e.content)
            for e in edits
        ),
        key=lambda span: (span[0], span[1]),
    )
    pieces: list[str] = []
    cursor = 0
    for start, end, content in spans:
        if start < cursor:
            raise OverlappingEdits(f"edit at offset {start} overlaps the previous one")
        pieces.append(text[cursor:start])
        pieces.append(content)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
