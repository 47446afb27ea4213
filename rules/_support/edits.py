"""Config edits that several rules' fixes make."""

from __future__ import annotations

from slint.app.edits import editable, indent_step, line_text, newline_of
from slint.app.model import App, Event, Function
from slint.app.yamlpos import YMap
from slint.diagnostics import Edit, Location
from slint.fixes import split_lines


def expand_event_shorthand(
    app: App, function: Function, event: Event, entries: list[tuple[str, str]]
) -> list[Edit] | None:
    """Turn serverless `- stream: <arn>` into a mapping with `arn:` and the new keys.

    The ARN keeps its text and any comment after it; the new keys follow on lines of
    their own.
    """
    if app.format != "serverless":
        return None
    text = app.text
    lines = split_lines(text)
    at = event.at
    if at.row - 1 >= len(lines):
        return None
    line = lines[at.row - 1]
    colon = at.column - 1 + len(event.type_name)
    if line[colon : colon + 1] != ":":
        return None
    item = event_item(function, event)
    if item is None or not editable(app, item) or event.type_name not in item.value_range:
        return None
    span = item.value_range[event.type_name]
    value = line_text(text, span)
    if not value or value[0] in "[{|>&*":
        return None
    newline = newline_of(text)
    indent = " " * (at.column - 1 + indent_step(app.document))
    body = line.rstrip("\r\n")
    edits = [
        Edit(Location(at.row, colon + 2), span[1], f"{newline}{indent}arn: {value}"),
        Edit.insertion(
            Location(at.row, len(body) + 1),
            "".join(f"{newline}{indent}{k}: {v}" for k, v in entries),
        ),
    ]
    return edits


def event_item(function: Function, event: Event) -> YMap | None:
    """The events-list item (`{stream: <arn>}`) an event was read from."""
    events = function.node.get("events")
    for item in events if isinstance(events, list) else []:
        if (
            isinstance(item, YMap)
            and not item.flow
            and event.type_name in item
            and item.key_loc.get(event.type_name) == event.at
        ):
            return item
    return None
