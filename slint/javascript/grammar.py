"""tree-sitter's JavaScript, TypeScript and TSX grammars, and positions in their trees.

tree-sitter counts rows at `\\n` only and columns in UTF-8 bytes; slint (and every
editor) breaks lines at `\\r\\n`, `\\r` and `\\n` and counts columns in characters. So
every position is taken from a node's byte offset through `Positions`.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from functools import cache
from typing import TYPE_CHECKING

from slint.diagnostics import Location

if TYPE_CHECKING:
    import tree_sitter

# The grammar of each suffix. `.d.ts` files hold declarations only and are not code.
JAVASCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx"})
TYPESCRIPT_SUFFIXES = frozenset({".ts", ".mts", ".cts"})
TSX_SUFFIXES = frozenset({".tsx"})
SUFFIXES = JAVASCRIPT_SUFFIXES | TYPESCRIPT_SUFFIXES | TSX_SUFFIXES

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def grammar_of(filename: str) -> str | None:
    """ "javascript", "typescript", "tsx", or None for a file that is not JS/TS code."""
    lowered = filename.lower()
    if lowered.endswith((".d.ts", ".d.mts", ".d.cts")):
        return None
    dot = lowered.rfind(".")
    suffix = lowered[dot:] if dot >= 0 else ""
    if suffix in JAVASCRIPT_SUFFIXES:
        return "javascript"
    if suffix in TYPESCRIPT_SUFFIXES:
        return "typescript"
    if suffix in TSX_SUFFIXES:
        return "tsx"
    return None


@cache
def language(grammar: str) -> tree_sitter.Language:
    import tree_sitter

    if grammar == "javascript":
        import tree_sitter_javascript

        return tree_sitter.Language(tree_sitter_javascript.language())
    import tree_sitter_typescript

    if grammar == "typescript":
        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    return tree_sitter.Language(tree_sitter_typescript.language_tsx())


_parsers = threading.local()


def parse(data: bytes, grammar: str) -> tree_sitter.Tree:
    """`data` (UTF-8, without a BOM) parsed with `grammar`; one parser per thread."""
    import tree_sitter

    parsers: dict[str, tree_sitter.Parser] | None = getattr(_parsers, "by_grammar", None)
    if parsers is None:
        parsers = _parsers.by_grammar = {}
    parser = parsers.get(grammar)
    if parser is None:
        parser = parsers[grammar] = tree_sitter.Parser(language(grammar))
    return parser.parse(data)


def node_text(node: tree_sitter.Node, data: bytes) -> str:
    """The source of `node` in `data`, the bytes its tree was parsed from."""
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


class Positions:
    """Byte offsets of one source to slint's rows and character columns, and back."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._starts = [0, *(match.end() for match in _LINE_BREAK.finditer(data))]

    def offset(self, location: Location) -> int:
        """The byte offset of a row and character column."""
        row = min(max(location.row, 1), len(self._starts))
        start = self._starts[row - 1]
        end = self._starts[row] if row < len(self._starts) else len(self.data)
        line = self.data[start:end]
        if line.isascii():
            return start + min(location.column - 1, len(line))
        prefix = line.decode("utf-8", "replace")[: location.column - 1]
        return start + len(prefix.encode("utf-8", "surrogatepass"))

    def location(self, offset: int) -> Location:
        row = bisect_right(self._starts, offset)
        line = self.data[self._starts[row - 1] : offset]
        column = len(line) if line.isascii() else len(line.decode("utf-8", "replace"))
        return Location(row, column + 1)

    def start(self, node: tree_sitter.Node) -> Location:
        return self.location(node.start_byte)

    def end(self, node: tree_sitter.Node) -> Location:
        return self.location(node.end_byte)

    def text(self, node: tree_sitter.Node) -> str:
        return node_text(node, self.data)


def first_error(root: tree_sitter.Node) -> tree_sitter.Node | None:
    """The first syntax error of a tree: an ERROR node or a token the parser had to
    insert (MISSING), in source order; None for a tree without errors."""
    if not root.has_error:
        return None
    node = root
    while not (node.is_error or node.is_missing):
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            return node
        node = child
    return node


def error_message(node: tree_sitter.Node, positions: Positions) -> str:
    if node.is_missing:
        return f"syntax error: missing `{node.type}`"
    text = positions.text(node).strip().splitlines()
    shown = text[0] if text else ""
    if len(shown) > 30:
        shown = shown[:30] + "..."
    return f"syntax error: unexpected `{shown}`" if shown else "syntax error"
