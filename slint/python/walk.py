"""Walking a libcst tree for visitors, without rebuilding it.

`CSTNode.visit` rebuilds every node it passes (`_visit_and_replace_children` makes a
new node from the visited children, and validates it), since the same machinery serves
transformers. A visitor that only reads pays for that on every node: over half the
time of slint's traversal. `walk` calls the same `on_visit` / `on_leave` hooks in the
same order (each node's children in the order libcst visits them) on the original
nodes, and skips whitespace and punctuation, which no rule reads, unless a visitor
asks for those node types.
"""

from __future__ import annotations

import dataclasses
import inspect
import linecache
import re
from collections.abc import Collection
from typing import Protocol

import libcst as cst

# The children libcst visits, by field name, as its `_visit_and_replace_children`
# names them (`visit_required(self, "body", self.body, visitor)`), in that order.
_VISIT_CALL = re.compile(
    r"visit_(?:required|optional|sequence|body_sequence|iterable|sentinel)\(\s*self,\s*\"(\w+)\""
)

# Node types that hold only whitespace, comments and punctuation.
_WHITESPACE = (
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.TrailingWhitespace,
    cst.Newline,
    cst.EmptyLine,
    cst.Comment,
)
_PUNCTUATION = (
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.ImportStar,
    cst.Asynchronous,
    cst.BitOr,
)
_OPERATOR_BASES = (
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
)


def _trivial_types() -> frozenset[type[cst.CSTNode]]:
    found: set[type[cst.CSTNode]] = {*_WHITESPACE, *_PUNCTUATION}
    for value in vars(cst).values():
        if (
            inspect.isclass(value)
            and issubclass(value, _OPERATOR_BASES)
            and not inspect.isabstract(value)
            and value not in _OPERATOR_BASES
        ):
            found.add(value)
    return frozenset(found)


TRIVIAL_TYPES = _trivial_types()

_CHILD_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _child_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    known = _CHILD_FIELDS.get(kind)
    if known is not None:
        return known
    names: tuple[str, ...] = ()
    try:
        source = _function_source(kind._visit_and_replace_children)
        names = tuple(dict.fromkeys(_VISIT_CALL.findall(source)))
    except (OSError, TypeError):
        pass
    if not names and dataclasses.is_dataclass(kind):
        # No source to read (a frozen build): the fields in declaration order, which
        # libcst keeps lexical.
        names = tuple(field.name for field in dataclasses.fields(kind))
    _CHILD_FIELDS[kind] = names
    return names


def _function_source(function: object) -> str:
    """A function's source lines: from its code object's first to last line, which
    needs no tokenizing (`inspect.getsource` tokenizes each function, a cost every
    process pays again for each node type it meets)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return inspect.getsource(function)  # type: ignore[arg-type]
    lines = linecache.getlines(code.co_filename)
    last = max((line for _, _, line in code.co_lines() if line is not None), default=0)
    if not lines or last < code.co_firstlineno:
        return inspect.getsource(function)  # type: ignore[arg-type]
    return "".join(lines[code.co_firstlineno - 1 : last])


class Visitor(Protocol):
    def on_visit(self, node: cst.CSTNode) -> bool: ...

    def on_leave(self, original_node: cst.CSTNode) -> None: ...


def walk(node: cst.CSTNode, visitor: Visitor, wanted: Collection[type[cst.CSTNode]] = ()) -> None:
    """Visit `node` and its descendants with `visitor`'s `on_visit` / `on_leave`, in
    libcst's order, skipping whitespace and punctuation nodes not in `wanted`."""
    if any(kind in _WHITESPACE for kind in wanted):
        # Whitespace (and comments in it) sits inside punctuation and other whitespace.
        skipped: frozenset[type[cst.CSTNode]] = frozenset()
    else:
        skipped = TRIVIAL_TYPES.difference(wanted)
    _walk(node, visitor, skipped)


def _walk(node: cst.CSTNode, visitor: Visitor, skipped: frozenset[type[cst.CSTNode]]) -> None:
    if visitor.on_visit(node):
        kind = type(node)
        fields = _CHILD_FIELDS.get(kind)
        if fields is None:
            fields = _child_fields(kind)
        for name in fields:
            child = getattr(node, name)
            if isinstance(child, cst.CSTNode):
                if type(child) not in skipped:
                    _walk(child, visitor, skipped)
            elif isinstance(child, (tuple, list)):
                for item in child:
                    if isinstance(item, cst.CSTNode) and type(item) not in skipped:
                        _walk(item, visitor, skipped)
    visitor.on_leave(node)
