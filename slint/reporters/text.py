"""`path:row:col: CODE [*] message`, sorted, with a summary line."""

from __future__ import annotations

from collections.abc import Sequence

import click

from slint.diagnostics import Applicability, Diagnostic, Severity
from slint.reporters import ReportOptions, is_fixable, statistics

_SEVERITY_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    if options.fixed:
        total = options.fixed + len(diagnostics)
        return (
            f"Found {_plural(total, 'problem')} "
            f"({options.fixed} fixed, {len(diagnostics)} remaining)."
        )
    if not diagnostics:
        return "All checks passed!"
    safe = sum(is_fixable(d, unsafe_fixes=False) for d in diagnostics)
    unsafe = sum(
        1
        for d in diagnostics
        if d.fix is not None and d.fix.edits and d.fix.applicability is Applicability.UNSAFE
    )
    parts = []
    if options.unsafe_fixes:
        safe, unsafe = safe + unsafe, 0
    if safe:
        parts.append(f"{safe} fixable with --fix")
    if unsafe:
        parts.append(f"{unsafe} fixable with --unsafe-fixes")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"Found {_plural(len(diagnostics), 'problem')}{detail}."


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    def style(text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if options.color else text  # type: ignore[arg-type]

    diagnostics = sorted(diagnostics, key=lambda d: d.sort_key)
    lines = []
    if options.statistics:
        for code, name, count, fixable in statistics(diagnostics):
            marker = "[*] " if fixable else "    "
            lines.append(f"{count:>5}\t{style(code, fg='red', bold=True)}\t{marker}{name}")
    else:
        for d in diagnostics:
            marker = "[*] " if is_fixable(d, options.unsafe_fixes) else ""
            code = style(d.code, fg=_SEVERITY_COLORS[d.severity], bold=True)
            where = style(f"{d.path}:{d.start.row}:{d.start.column}:", bold=True)
            lines.append(f"{where} {code} {marker}{d.full_message}")
    if not options.quiet:
        lines.append(summary(diagnostics, options))
    return "\n".join(lines) + ("\n" if lines else "")
