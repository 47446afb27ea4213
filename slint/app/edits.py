"""Text edits on config files, computed from node positions so comments and layout survive.

Never a re-dump of the YAML: an insertion goes after the last entry of a block mapping,
at that mapping's indentation (a nested block one indentation step of the file deeper),
with the file's own line ending; a replacement keeps the value's quotes. Every function
takes the text of the file the node comes from: for an `App`, `app.text` only where
`editable(app, node)` (values may come from `${file(...)}` includes).
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

from slint.app.model import App, Setting
from slint.app.yamlpos import YMap
from slint.diagnostics import Edit, Location
from slint.fixes import split_lines


def newline_of(text: str) -> str:
    """The file's line ending (`\r` alone in a file that has no other)."""
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def indent_step(document: YMap) -> int:
    """The file's indentation unit: how far its first nested block mapping is indented
    (2 when it has none)."""
    queue: deque[YMap] = deque([document])
    queued = {id(document)}  # a mapping shared by aliases or variables: walked once
    while queue:
        node = queue.popleft()
        for value in node.values():
            if not isinstance(value, YMap) or value.flow:
                continue
            step = value.loc.column - node.loc.column
            if step > 0 and value.loc.row > node.loc.row and value.file == node.file:
                return step
            if id(value) not in queued:
                queued.add(id(value))
                queue.append(value)
    return 2


def editable(app: App, node: YMap | None) -> bool:
    """Edits go into `app.text`: only for nodes of the config file itself."""
    return node is not None and node.file == app.file


@functools.lru_cache(maxsize=4)
def _lines(text: str) -> tuple[str, ...]:
    """The file's lines with their endings (cached: every fix of a file needs them),
    as slint counts lines: `str.splitlines` would also break at `\u2028`, `\x85`, form
    feeds..., which YAML marks are converted away from (slint.app.yamlpos)."""
    return tuple(split_lines(text))


def text_between(text: str, start: Location, end: Location) -> str:
    """The text from `start` (inclusive) to `end` (exclusive)."""
    lines = _lines(text)
    if start.row > len(lines):
        return ""
    if start.row == end.row:
        return lines[start.row - 1][start.column - 1 : end.column - 1]
    parts = [lines[start.row - 1][start.column - 1 :], *lines[start.row : end.row - 1]]
    if end.row <= len(lines):
        parts.append(lines[end.row - 1][: end.column - 1])
    return "".join(parts)


def line_text(text: str, span: tuple[Location, Location]) -> str | None:
    """The text of a span that lies on one line (None for one over several lines)."""
    start, end = span
    if start.row != end.row or start.row > len(_lines(text)):
        return None
    return text_between(text, start, end)


def _end_row(owner: YMap, lines: tuple[str, ...]) -> int | None:
    """The row before which a new last entry of block mapping `owner` goes (None when it
    has no entry of its own: keys merged in with `<<` are written elsewhere)."""
    ends = [
        owner.value_range[key][1]
        for key in owner
        if key in owner.value_range and owner.key_loc.get(key, owner.loc) >= owner.loc
    ]
    if not ends:
        return None
    end = max(ends)
    line = lines[end.row - 1] if end.row - 1 < len(lines) else ""
    # A nested block collection ends where the next token starts (maybe indented on
    # its line); a scalar ends inside its own line.
    row = end.row if not line[: end.column - 1].strip() else end.row + 1
    row = min(row, len(lines) + 1)
    # Blank lines, and comment lines no deeper than the mapping's keys, belong to what
    # follows; a deeper comment closes the nested block above it.
    while row > 1:
        previous = lines[row - 2]
        stripped = previous.strip()
        if stripped and not (
            stripped.startswith("#")
            and len(previous) - len(previous.lstrip()) <= owner.loc.column - 1
        ):
            break
        row -= 1
    return row


def insert_lines(text: str, owner: YMap, body: Iterable[str]) -> Edit | None:
    """Insert lines (indented relative to `owner`'s keys) at the end of block mapping `owner`.

    None where that cannot be done safely: a flow mapping (`{a: 1}`), an empty mapping,
    one with no entry of its own, or one that starts on the line of its parent key.
    """
    body = list(body)
    if owner.flow or not owner or not body:
        return None
    lines = _lines(text)
    first = lines[owner.loc.row - 1] if owner.loc.row - 1 < len(lines) else ""
    if first[: owner.loc.column - 1].strip() not in ("", "-"):
        return None  # e.g. `key: {` or `- a: 1` written inline; leave it to a human
    row = _end_row(owner, lines)
    if row is None:
        return None
    indent = " " * (owner.loc.column - 1)
    newline = newline_of(text)
    content = "".join(f"{indent}{line}{newline}" for line in body)
    if row > len(lines):
        if not lines:
            return Edit.insertion(Location(1, 1), content)
        if lines[-1].endswith(("\n", "\r")):
            # After the last line break: the start of the (empty) line after the last
            # one, never a column past a line's end, which editors clamp into the line.
            return Edit.insertion(Location(len(lines) + 1, 1), content)
        return Edit.insertion(Location(len(lines), len(lines[-1]) + 1), newline + content)
    return Edit.insertion(Location(row, 1), content)


def insert_entries(text: str, owner: YMap, entries: list[tuple[str, str]]) -> Edit | None:
    """Insert `key: value` lines at the end of the block mapping `owner`."""
    return insert_lines(text, owner, [f"{key}: {value}" for key, value in entries])


def insert_block(
    text: str, owner: YMap, key: str, children: Sequence[tuple[int, str]], step: int
) -> Edit | None:
    """Insert `key:` followed by `children` (depth below `key`, line) at the end of the
    block mapping `owner`; `step` is the file's `indent_step`."""
    return insert_lines(
        text, owner, [f"{key}:", *(f"{' ' * (step * depth)}{line}" for depth, line in children)]
    )


def insert_nested(
    text: str, owner: YMap, key: str, entries: list[tuple[str, str]], step: int
) -> Edit | None:
    """Insert `key: value` entries under `owner[key]`: at the end of that block mapping
    when `owner` has one (of the same file), else in a new `key:` block (None when `key`
    holds anything else)."""
    current = owner.get(key)
    if isinstance(current, YMap):
        return insert_entries(text, current, entries) if current.file == owner.file else None
    if key in owner:
        return None
    return insert_block(text, owner, key, [(1, f"{k}: {v}") for k, v in entries], step)


def replace_value(setting: Setting[Any], replacement: str) -> Edit | None:
    """Replace a present value that lies on one line with `replacement`, as it is."""
    if setting.span is None:
        return None
    start, end = setting.span
    if start.row != end.row:
        return None
    return Edit(start, end, replacement)


def replace_scalar(text: str, setting: Setting[Any], value: str) -> Edit | None:
    """Replace a present one-line scalar with `value`, keeping its quotes.

    None for what is left to a human: tags (`!Ref`), anchors and aliases, collections,
    block scalars, and variables (`${self:custom.x}`, which may differ per stage).
    """
    old = line_text(text, setting.span) if setting.span is not None else None
    if not old or old[0] in "[{|>!&*" or "${" in old:
        return None
    quote = old[0] if old[0] in "'\"" else ""
    return replace_value(setting, f"{quote}{value}{quote}")
