"""ruff's `full` format: each finding with the source lines around it, a caret under
its span, the fix hint and the rule's summary; then the summary line of `text`.

    handler.py:5:10: SL101 [*] `boto3.client(...)` creates a new boto3 client ...
      |
    4 | def handler(event, context):
    5 |     s3 = boto3.client('s3')
      |          ^^^^^^^^^^^^^^^^^^ SL101
    6 |     return s3
      |
      = help: Move `s3 = boto3.client('s3')` to module scope
      = rule: client-in-handler: Reports an AWS SDK client or resource ...
"""

from __future__ import annotations

from collections.abc import Sequence

from slint.diagnostics import Applicability, Diagnostic
from slint.reporters import ReportOptions, is_fixable
from slint.reporters.text import _SEVERITY_COLORS, _styler, fix_summary, summary

# Lines of context shown above and below the finding's first line.
CONTEXT = 1
_TAB = "    "


def _expand(line: str, column: int) -> tuple[str, int]:
    """The line with tabs as four spaces, and where (0-based) `column` lands in it."""
    prefix = line[: max(column - 1, 0)]
    return line.replace("\t", _TAB), len(prefix.replace("\t", _TAB))


def snippet(diagnostic: Diagnostic, lines: Sequence[str], options: ReportOptions) -> list[str]:
    style = _styler(options)
    row = diagnostic.start.row
    if not 1 <= row <= len(lines):
        return []
    first = max(row - CONTEXT, 1)
    last = min(row + CONTEXT, len(lines))
    width = len(str(last))
    gutter = style(" " * width + " |", fg="blue", bold=True)
    out = [gutter]
    for number in range(first, last + 1):
        text, start = _expand(lines[number - 1], diagnostic.start.column)
        out.append(style(f"{number:>{width}} |", fg="blue", bold=True) + f" {text}".rstrip())
        if number == row:
            if diagnostic.end.row == row:
                _, end = _expand(lines[number - 1], diagnostic.end.column)
            else:
                end = len(text)  # a span over several lines: to the end of its first
            carets = "^" * max(end - start, 1)
            color = _SEVERITY_COLORS.get(diagnostic.severity, "yellow")
            marker = style(f"{carets} {diagnostic.code}", fg=color, bold=True)
            out.append(gutter + " " + " " * start + marker)
    out.append(gutter)
    return out


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    from slint.reporters import text

    if options.statistics:
        return text.render(diagnostics, options)
    style = _styler(options)
    rules = {rule.code: rule for rule in options.rules}
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    lines: list[str] = []
    for d in ordered:
        marker = "[*] " if is_fixable(d, options.unsafe_fixes) else ""
        code = style(d.code, fg=_SEVERITY_COLORS.get(d.severity, "yellow"), bold=True)
        where = style(f"{d.path}:{d.start.row}:{d.start.column}:", bold=True)
        lines.append(f"{where} {code} {marker}{d.full_message}")
        lines.extend(snippet(d, options.source_lines(d.path), options))
        pad = " " * (len(str(d.start.row + CONTEXT)) + 1)
        if d.fix is not None:
            kind = {
                Applicability.UNSAFE: " (unsafe fix: --unsafe-fixes)",
                Applicability.DISPLAY_ONLY: " (not applied automatically)",
            }.get(d.fix.applicability, "")
            lines.append(f"{pad}{style('=', fg='blue', bold=True)} help: {d.fix.message}{kind}")
        rule = rules.get(d.code)
        if rule is not None and rule.summary():
            lines.append(
                f"{pad}{style('=', fg='blue', bold=True)} rule: {rule.name}: {rule.summary()}"
            )
        url = options.rule_url(d.code)
        if url:
            lines.append(f"{pad}{style('=', fg='blue', bold=True)} docs: {url}")
        lines.append("")
    fixes = fix_summary(ordered, options) if options.show_fixes else []
    if fixes:
        lines.extend([*fixes, ""])
    if not options.quiet:
        lines.append(summary(ordered, options))
    elif lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + ("\n" if lines else "")
