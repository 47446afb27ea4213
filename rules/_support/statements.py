"""Walking libcst statements, for the code rules that look beyond the node they visit."""

from __future__ import annotations

import libcst as cst


def inner_statements(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements directly inside a compound statement: its body, `else`, `finally`,
    `except` and `case` blocks (an `elif` as its `If`)."""
    found: list[cst.CSTNode] = []

    def add(suite: object) -> None:
        if isinstance(suite, cst.IndentedBlock):
            found.extend(suite.body)
        elif isinstance(suite, cst.SimpleStatementSuite):
            found.append(suite)

    add(getattr(node, "body", None))
    orelse = getattr(node, "orelse", None)
    if isinstance(orelse, cst.If):
        found.append(orelse)
    elif isinstance(orelse, cst.Else):
        add(orelse.body)
    finalbody = getattr(node, "finalbody", None)
    if isinstance(finalbody, cst.Finally):
        add(finalbody.body)
    for part in (*getattr(node, "handlers", ()), *getattr(node, "cases", ())):
        add(part.body)
    return found
