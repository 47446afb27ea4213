"""Inline suppressions: `# slint: ignore[SL101, SL2]` or `# slint: ignore`.

The comment suppresses findings on its own line, or, when it stands alone on a
line, on the next line that holds code. One mechanism serves Python, YAML and JavaScript/TypeScript
(`// slint: ignore[SL101]`): only the way comments are found differs.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from slint.diagnostics import Diagnostic, Edit, Location
from slint.fixes import apply_edits, split_lines, text_lines

_DIRECTIVE = re.compile(r"#\s*slint:\s*ignore\b(?:\s*\[([^\]]*)\])?", re.I)
# `// slint: ignore[SL101]` or `/* slint: ignore[SL101] */` in JavaScript and TypeScript.
_JS_DIRECTIVE = re.compile(r"(?://+|/\*+)\s*slint:\s*ignore\b(?:\s*\[([^\]]*)\])?", re.I)
# The `language` of JavaScript and TypeScript sources: their tree-sitter grammar.
JAVASCRIPT_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
_QUICK = re.compile(r"slint:\s*ignore", re.I)


@dataclass(frozen=True)
class Suppression:
    target_line: int  # the line whose findings it suppresses
    location: Location  # where the comment is
    codes: tuple[str, ...] | None  # None: every code
    used: set[str] = field(default_factory=set, compare=False, hash=False)


def _comments_python(source: str) -> Iterator[tuple[int, int, str]]:
    """(row, 0-based column, text) of every comment, through the tokenizer."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.start[1], token.string
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return


def _yaml_comment_start(line: str) -> int | None:
    """Where the comment of one YAML line starts: a `#` at the start or after a
    space, outside a quoted scalar (`''` escapes a single quote, `\\` a double)."""
    quote: str | None = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if quote == "'" and line.startswith("''", index):
            index += 2
            continue
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t-:[{,?"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        index += 1
    return None


def _comments_yaml(source: str) -> Iterator[tuple[int, int, str]]:
    for row, line in enumerate(text_lines(source), start=1):
        if "#" not in line:
            continue
        start = _yaml_comment_start(line)
        if start is not None:
            yield row, start, line[start:]


def _comments_javascript(source: str, grammar: str) -> Iterator[tuple[int, int, str]]:
    """(row, 0-based column, text) of every comment, from the tree-sitter tree (a `//`
    in a string, template literal or regular expression is no comment)."""
    from slint.javascript.grammar import Positions, parse

    data = source.encode("utf-8", "surrogatepass")
    positions = Positions(data)
    stack = [parse(data, grammar).root_node]
    found: list[tuple[int, int, str]] = []
    while stack:
        node = stack.pop()
        if node.type == "comment":
            start = positions.start(node)
            found.append((start.row, start.column - 1, positions.text(node)))
            continue
        stack.extend(node.children)
    yield from sorted(found)


def _comments(source: str, language: str) -> Iterator[tuple[int, int, str]]:
    if language == "python":
        return _comments_python(source)
    if language in JAVASCRIPT_LANGUAGES:
        return _comments_javascript(source, language)
    return _comments_yaml(source)


def comment_language(path: PurePath) -> str:
    """The `language` argument of `parse_suppressions` for a file."""
    if path.suffix == ".py":
        return "python"
    from slint.javascript.grammar import grammar_of

    return grammar_of(path.name) or "yaml"


def _comment_line(line: str, language: str) -> bool:
    """Does the line hold a comment only (so a suppression above looks past it)?"""
    stripped = line.lstrip()
    if language in JAVASCRIPT_LANGUAGES:
        return stripped.startswith(("//", "/*", "*"))
    return stripped.startswith("#")


def parse_suppressions(source: str, language: str) -> list[Suppression]:
    """The suppression comments of `source`: `language` is "python", "yaml", or a
    JavaScript grammar (`JAVASCRIPT_LANGUAGES`)."""
    if _QUICK.search(source) is None:
        return []
    lines = text_lines(source)
    directive = _JS_DIRECTIVE if language in JAVASCRIPT_LANGUAGES else _DIRECTIVE
    found: list[Suppression] = []
    for row, column, text in _comments(source, language):
        match = directive.search(text)
        if match is None:
            continue
        codes: tuple[str, ...] | None = None
        if match.group(1) is not None:
            codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
            if not codes or "ALL" in codes:
                codes = None
        target = row
        line = lines[row - 1]
        after = line[column + len(text) :] if "\n" not in text and "\r" not in text else ""
        if not line[:column].strip() and not after.strip():
            # Alone on its line: it applies to the next line that holds code.
            target = row + 1
            while target <= len(lines) and (
                not lines[target - 1].strip() or _comment_line(lines[target - 1], language)
            ):
                target += 1
        location = Location(row, column + 1 + match.start())
        found.append(Suppression(target, location, codes))
    return found


def _matches(selector: str, diagnostic: Diagnostic) -> bool:
    return diagnostic.code.startswith(selector) or selector == diagnostic.name.upper()


PARSE_ERROR = "SL000"


def apply_suppressions(
    diagnostics: Iterable[Diagnostic], suppressions: list[Suppression]
) -> list[Diagnostic]:
    """The diagnostics that no suppression covers; marks the codes each one used."""
    if not suppressions:
        return list(diagnostics)
    by_line: dict[int, list[Suppression]] = {}
    for suppression in suppressions:
        by_line.setdefault(suppression.target_line, []).append(suppression)
    kept = []
    for diagnostic in diagnostics:
        suppressed = False
        for suppression in by_line.get(diagnostic.start.row, ()):
            if suppression.codes is None:
                # A blanket `# slint: ignore` silences the rules, not the news that the
                # file cannot be read (ruff does not let syntax errors be silenced at
                # all); `# slint: ignore[SL000]` says so on purpose.
                if diagnostic.code != PARSE_ERROR:
                    suppression.used.add(diagnostic.code)
                    suppressed = True
                continue
            for selector in suppression.codes:
                if _matches(selector, diagnostic):
                    suppression.used.add(selector)
                    suppressed = True
        if not suppressed or diagnostic.internal_error:
            kept.append(diagnostic)
    return kept


def suppression_edit(source: str, row: int, code: str, language: str) -> Edit | None:
    """An edit that silences `code` on line `row` of `source` (an editor's "Ignore
    SLxxx for this line"): the code added to the line's own `slint: ignore[...]`, else
    a trailing comment, else a comment alone on the line above. Each candidate is kept
    only if the result still means the same program or document and the comment
    really covers that line (a `#` in a string or a YAML block scalar is no comment).
    None when no comment can do it."""
    lines = split_lines(source)
    if not 1 <= row <= len(lines):
        return None
    line = lines[row - 1]
    content = line.rstrip("\r\n")
    ending = line[len(content) :] or _first_ending(lines)
    candidates: list[tuple[Edit, int]] = []
    for suppression in parse_suppressions(source, language):
        if suppression.location.row == row and suppression.target_line == row:
            if _covers(suppression, code):
                return None  # already silenced there
            directive = _JS_DIRECTIVE if language in JAVASCRIPT_LANGUAGES else _DIRECTIVE
            match = directive.match(content, suppression.location.column - 1)
            if match is not None and match.group(1) is not None:
                at = Location(row, match.end(1) + 1)
                separator = ", " if match.group(1).strip() else ""
                candidates.append((Edit.insertion(at, separator + code), row))
    mark = "//" if language in JAVASCRIPT_LANGUAGES else "#"
    kept = content.rstrip()
    if kept.strip():
        trailing = Edit(
            Location(row, len(kept) + 1),
            Location(row, len(content) + 1),
            f"  {mark} slint: ignore[{code}]",
        )
        candidates.append((trailing, row))
    indent = content[: len(content) - len(content.lstrip())]
    above = Edit.insertion(Location(row, 1), f"{indent}{mark} slint: ignore[{code}]{ending}")
    candidates.append((above, row + 1))
    for edit, target in candidates:
        fixed = apply_edits(source, [edit])
        if _same_meaning(source, fixed, language) and any(
            s.target_line == target and _covers(s, code)
            for s in parse_suppressions(fixed, language)
        ):
            return edit
    return None


def _covers(suppression: Suppression, code: str) -> bool:
    return suppression.codes is None or any(code.startswith(c) for c in suppression.codes)


def _first_ending(lines: list[str]) -> str:
    for line in lines:
        stripped = line.rstrip("\r\n")
        if stripped != line:
            return line[len(stripped) :]
    return "\n"


def _same_meaning(before: str, after: str, language: str) -> bool:
    """Does a comment-only edit leave the module's syntax tree (or the YAML data) as it
    was? A source that did not parse before must at least not parse the same way."""
    if language == "python":
        import ast

        try:
            tree = ast.dump(ast.parse(before))
        except (SyntaxError, ValueError):
            tree = None
        try:
            return ast.dump(ast.parse(after)) == tree
        except (SyntaxError, ValueError):
            return tree is None
    if language in JAVASCRIPT_LANGUAGES:
        return _javascript_tokens(before, language) == _javascript_tokens(after, language)
    from slint.app.yamlpos import YamlError, load

    try:
        data = load(before)
    except (YamlError, ValueError):
        data = _UNPARSABLE
    try:
        return bool(load(after) == data)
    except (YamlError, ValueError):
        return data is _UNPARSABLE


_UNPARSABLE = object()


def _javascript_tokens(source: str, grammar: str) -> list[tuple[str, bytes]] | None:
    """The tokens of a JavaScript source without its comments (None: it has errors)."""
    from slint.javascript.grammar import parse

    data = source.encode("utf-8", "surrogatepass")
    root = parse(data, grammar).root_node
    if root.has_error:
        return None
    tokens: list[tuple[str, bytes]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            continue
        if not node.children:
            tokens.append((node.type, data[node.start_byte : node.end_byte]))
        stack.extend(reversed(node.children))
    return tokens
