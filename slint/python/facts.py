"""Module facts: a small, picklable summary of what one Python module does.

Facts let the engine (and, later, cross rules, parallel workers and the cache)
reason about a project without re-reading its modules: which functions a module
defines, which of them look like handlers, and what each function calls.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from slint.facts import HANDLER_NAMES, FunctionFacts, ModuleFacts

__all__ = ["HANDLER_NAMES", "FunctionFacts", "ModuleFacts", "definition_lines"]


_DEF_RE = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.M)


def definition_lines(source: str, functions: Sequence[tuple[bool, str]]) -> list[int]:
    """The line of each function's `def`, for `functions` given as (top level?, name)
    in source order, without position metadata: the k-th function of a (top level?,
    name) is the k-th `def` line of that shape. A `def` inside a string would shift
    that, so when the counts disagree CPython's parser says where the defs are."""
    found: dict[tuple[bool, str], list[int]] = {}
    for match in _DEF_RE.finditer(source):
        key = (match.group(1) == "", match.group(2))
        found.setdefault(key, []).append(source.count("\n", 0, match.start()) + 1)
    wanted: dict[tuple[bool, str], int] = {}
    for key in functions:
        wanted[key] = wanted.get(key, 0) + 1
    if any(len(found.get(key, ())) != count for key, count in wanted.items()):
        found = _ast_definition_lines(source) or found
    lines: list[int] = []
    seen: dict[tuple[bool, str], int] = {}
    for key in functions:
        index = seen.get(key, 0)
        seen[key] = index + 1
        candidates = found.get(key, ())
        lines.append(candidates[index] if index < len(candidates) else 0)
    return lines


def _ast_definition_lines(source: str) -> dict[tuple[bool, str], list[int]] | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found: dict[tuple[bool, str], list[int]] = {}
    defs = [
        node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    for node in sorted(defs, key=lambda node: node.lineno):
        found.setdefault((node.col_offset == 0, node.name), []).append(node.lineno)
    return found
