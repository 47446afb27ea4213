"""`path:row:col: CODE [*] message`, sorted, with a summary line."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click

from slint.diagnostics import Applicability, Diagnostic, Severity
from slint.reporters import FixCount, ReportOptions, count_fixes, is_fixable, statistics

# ruff's separator between a count and a rule code in the --show-fixes list.
_TIMES = "\N{MULTIPLICATION SIGN}"
_SEVERITY_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _styler(options: ReportOptions) -> Callable[..., str]:
    def style(text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if options.color else text  # type: ignore[arg-type]

    return style


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


def fix_summary(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> list[str]:
    """--show-fixes, in ruff's shape: the fixes applied (with --fix) or that --fix would
    apply, per file (sorted) and rule (most frequent first); no lines when there are none.

        Fixed 2 problems:
        - handler.py:
            2 \N{MULTIPLICATION SIGN} SL301 (missing-timeout)
    """
    style = _styler(options)
    if options.fixed is not None:
        counts, verb = options.fixed_counts, "Fixed"
    else:
        fixable = (d for d in diagnostics if is_fixable(d, options.unsafe_fixes))
        counts, verb = count_fixes(fixable), "Would fix"
    if not counts:
        return []
    total = sum(entry.count for entry in counts)
    width = len(str(max(entry.count for entry in counts)))
    by_file: dict[str, list[FixCount]] = {}
    for entry in counts:
        by_file.setdefault(entry.path, []).append(entry)
    lines = [style(f"{verb} {_plural(total, 'problem')}:", fg="green", bold=True)]
    for path in sorted(by_file):
        lines.append(f"{style('-', fg='cyan')} {style(path, bold=True)}{style(':', fg='cyan')}")
        for entry in sorted(by_file[path], key=lambda e: (-e.count, e.code)):
            code = style(entry.code, fg="red", bold=True)
            lines.append(f"    {entry.count:>{width}} {_TIMES} {code} ({entry.name})")
    return lines


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    style = _styler(options)

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
        # After the findings, set off by blank lines; shown with --quiet too, as ruff does.
        fixes = fix_summary(diagnostics, options) if options.show_fixes else []
        if fixes:
            lines.extend(["", *fixes, ""])
    if not options.quiet:
        lines.append(summary(diagnostics, options))
    return "\n".join(lines) + ("\n" if lines else "")
