"""Text edits on config files, computed from node positions so comments and layout survive.

Never a re-dump of the YAML: an insertion goes after the last entry of the mapping,
at that mapping's indentation, with the file's own line ending.
"""

from __future__ import annotations

from slint.app.model import Setting
from slint.app.yamlpos import YMap
from slint.diagnostics import Edit, Location


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _content_end_row(lines: list[str], row: int) -> int:
    """Move an insertion row up over blank and comment-only lines (they belong to what follows)."""
    while row > 1:
        previous = lines[row - 2].strip()
        if previous and not previous.startswith("#"):
            break
        row -= 1
    return row


def insert_entries(text: str, owner: YMap, entries: list[tuple[str, str]]) -> Edit | None:
    """Insert `key: value` lines at the end of the block mapping `owner`.

    None where that cannot be done safely: a flow mapping (`{a: 1}`), an empty one,
    or a mapping that starts on the line of its parent key.
    """
    if owner.flow or not owner or not entries:
        return None
    lines = text.splitlines(keepends=True)
    last_key = list(owner)[-1]
    end = owner.value_range[last_key][1]
    row = end.row if end.column == 1 else end.row + 1
    row = _content_end_row(lines, min(row, len(lines) + 1))
    indent = " " * (owner.loc.column - 1)
    first_line = lines[owner.loc.row - 1] if owner.loc.row - 1 < len(lines) else ""
    if first_line[: owner.loc.column - 1].strip() not in ("", "-"):
        return None  # e.g. `key: {` or `- a: 1` written inline; leave it to a human
    if first_line[: owner.loc.column - 1].strip() == "-":
        indent = " " * (owner.loc.column - 1)
    newline = newline_of(text)
    body = "".join(f"{indent}{key}: {value}{newline}" for key, value in entries)
    if row > len(lines):
        if lines and not lines[-1].endswith(("\n", "\r")):
            body = newline + body
        last = len(lines)
        column = len(lines[-1]) + 1 if lines else 1
        return Edit.insertion(Location(max(last, 1), column), body)
    return Edit.insertion(Location(row, 1), body)


def replace_value(setting: Setting[object], replacement: str) -> Edit | None:
    """Replace a present scalar value in place."""
    if setting.span is None:
        return None
    start, end = setting.span
    if start.row != end.row:
        return None
    return Edit(start, end, replacement)
