"""DynamoDB expressions as the reliability rules read them (SL201, SL210)."""

from __future__ import annotations


def update_actions(body: str) -> list[str]:
    """The actions of one clause of an `UpdateExpression`:
    `a = :v, l = list_append(l, :w)` -> ["a = :v", "l = list_append(l, :w)"] (commas
    inside calls stay)."""
    actions: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(body):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            actions.append(body[start:index])
            start = index + 1
    actions.append(body[start:])
    return [action.strip() for action in actions if action.strip()]
