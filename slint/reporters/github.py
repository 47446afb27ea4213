"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=src/app.py,line=5,col=10,endLine=5,endColumn=28,title=SL101::message

Levels follow severities (error, warning, and `notice` for info); paths are relative
to the repository root, as GitHub resolves them. Values are escaped as the Actions
toolkit does: `%`, CR and LF everywhere, and `:` and `,` in properties too.
"""

from __future__ import annotations

from collections.abc import Sequence

from slint.diagnostics import Diagnostic, Severity
from slint.reporters import ReportOptions

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(diagnostic: Diagnostic, options: ReportOptions) -> str:
    properties = [
        ("file", options.repository_path(diagnostic.path)),
        ("line", str(diagnostic.start.row)),
        ("col", str(diagnostic.start.column)),
        ("endLine", str(diagnostic.end.row)),
        ("endColumn", str(diagnostic.end.column)),
        ("title", f"{diagnostic.code} ({diagnostic.name})"),
    ]
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    level = LEVELS.get(diagnostic.severity, "warning")
    where = f"{diagnostic.path}:{diagnostic.start.row}:{diagnostic.start.column}"
    message = f"{where}: {diagnostic.code} {diagnostic.full_message}"
    return f"::{level} {joined}::{escape_data(message)}"


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    return "".join(command(d, options) + "\n" for d in ordered)
