"""Diagnostics and fixes as plain, frozen, picklable data.

The same objects feed every reporter, `--fix`, and the editor's quick fixes.
Rows and columns are 1-based; a column counts characters (not bytes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def letter(self) -> str:
        return self.value[0].upper()


class Applicability(str, enum.Enum):
    """How safe a fix is, in ruff's terms."""

    SAFE = "safe"  # applied by --fix
    UNSAFE = "unsafe"  # applied only with --unsafe-fixes
    DISPLAY_ONLY = "display-only"  # shown, never applied in batch


@dataclass(frozen=True, order=True)
class Location:
    row: int
    column: int

    def __str__(self) -> str:
        return f"{self.row}:{self.column}"


def location_of_offset(data: bytes, offset: int) -> Location:
    """The row and (character) column of a byte offset in UTF-8-ish data."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Location(data.count(b"\n", 0, offset) + 1, column)


@dataclass(frozen=True)
class Edit:
    """Replace the text between `start` (inclusive) and `end` (exclusive)."""

    start: Location
    end: Location
    content: str

    @classmethod
    def insertion(cls, at: Location, content: str) -> Edit:
        return cls(at, at, content)

    @classmethod
    def deletion(cls, start: Location, end: Location) -> Edit:
        return cls(start, end, "")


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    path: str
    start: Location
    end: Location
    fix: Fix | None = None
    # Set when the diagnostic reports a crash of the rule itself rather than a finding.
    internal_error: bool = False
    # Extra context filled in after the whole project is analysed (e.g. which handler
    # reaches the code); kept apart so that suppressions and sorting ignore it.
    notes: tuple[str, ...] = field(default=(), compare=False)
    # Where the finding goes when `path` is not a file of the run (a config rule's
    # finding on a requirements file the user did not ask to check).
    fallback: Diagnostic | None = field(default=None, compare=False, repr=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.start.row, self.start.column, self.code)

    @property
    def full_message(self) -> str:
        if not self.notes:
            return self.message
        return self.message + " (" + "; ".join(self.notes) + ")"

    def with_path(self, path: str) -> Diagnostic:
        return replace(self, path=path)

    def with_note(self, note: str) -> Diagnostic:
        return replace(self, notes=(*self.notes, note))
