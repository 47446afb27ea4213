"""Applying text edits: (row, column) ranges to string offsets, edits in one pass.

Rows are counted the way Python's tokenizer, libcst and the Language Server Protocol
count them: a line ends at `\r\n`, `\r` or `\n`, and nowhere else. (`str.splitlines`
also breaks at form feeds, `\x1c`..`\x1e`, `\x85`, `\u2028` and `\u2029`, which occur
in real files and would shift every row after them.) Columns count characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from slint.diagnostics import Edit, Location

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class OverlappingEdits(ValueError):
    """Two edits touch the same text."""


def split_lines(text: str) -> list[str]:
    """The lines of `text`, each with its line ending (the last one may have none)."""
    return _LINE_RE.findall(text)


def text_lines(text: str) -> list[str]:
    """The lines of `text` without their endings: `str.splitlines` as slint counts rows."""
    return [line.rstrip("\r\n") for line in split_lines(text)]


def line_offsets(text: str) -> list[int]:
    offsets = [0]
    for line in split_lines(text):
        offsets.append(offsets[-1] + len(line))
    return offsets


def offset_of(offsets: list[int], text: str, location: Location) -> int:
    """The string offset of a location (a row past the last line is the end of the text)."""
    row = max(location.row, 1)
    if row > len(offsets) - 1:
        return len(text)
    return min(offsets[row - 1] + max(location.column, 1) - 1, len(text))


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to `text` (positions refer to the original text).

    Insertions at the same place are applied in the order given.
    """
    offsets = line_offsets(text)
    spans = sorted(
        (
            (offset_of(offsets, text, edit.start), offset_of(offsets, text, edit.end), index, edit)
            for index, edit in enumerate(edits)
        ),
        key=lambda span: (span[0], span[1], span[2]),
    )
    pieces: list[str] = []
    cursor = 0
    for start, end, _index, edit in spans:
        if start < cursor:
            raise OverlappingEdits(f"edit at {edit.start} overlaps the previous one")
        if end < start:
            raise ValueError(f"edit ends ({edit.end}) before it starts ({edit.start})")
        pieces.append(text[cursor:start])
        pieces.append(edit.content)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
