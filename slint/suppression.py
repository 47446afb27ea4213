"""Inline suppressions: `# slint: ignore[SL101, SL2]` or `# slint: ignore`.

The comment suppresses findings on its own line, or, when it stands alone on a
line, on the next line that holds code. One mechanism serves Python and YAML:
only the way comments are found differs.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from slint.diagnostics import Diagnostic, Location
from slint.fixes import text_lines

_DIRECTIVE = re.compile(r"#\s*slint:\s*ignore\b(?:\s*\[([^\]]*)\])?", re.I)
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


def parse_suppressions(source: str, language: str) -> list[Suppression]:
    if _QUICK.search(source) is None:
        return []
    lines = text_lines(source)
    comments = _comments_python(source) if language == "python" else _comments_yaml(source)
    found: list[Suppression] = []
    for row, column, text in comments:
        match = _DIRECTIVE.search(text)
        if match is None:
            continue
        codes: tuple[str, ...] | None = None
        if match.group(1) is not None:
            codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
            if not codes or "ALL" in codes:
                codes = None
        target = row
        if not lines[row - 1][:column].strip():
            # Alone on its line: it applies to the next line that holds code.
            target = row + 1
            while target <= len(lines) and (
                not lines[target - 1].strip() or lines[target - 1].lstrip().startswith("#")
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
