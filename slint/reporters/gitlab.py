"""GitLab's Code Quality report: a JSON array of Code Climate issues.

Each issue has `description`, `check_name`, `fingerprint`, `severity` (in GitLab's
words: error -> critical, warning -> major, info -> info) and `location.path` (from
the repository root) with `location.lines.begin`. The fingerprint is stable across
runs and when the finding's line moves within its file: it hashes the file, the rule,
the text of the flagged line and span (not their numbers), and which occurrence of
that same text it is, never the message (messages may name line numbers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from slint.diagnostics import Diagnostic, Severity
from slint.reporters import ReportOptions

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def _content(diagnostic: Diagnostic, lines: Sequence[str]) -> str:
    """The flagged line (whitespace-trimmed) and the span's text on it."""
    row = diagnostic.start.row
    if not 1 <= row <= len(lines):
        return ""
    line = lines[row - 1]
    end = diagnostic.end.column - 1 if diagnostic.end.row == row else len(line)
    return line.strip() + "\0" + line[diagnostic.start.column - 1 : end]


def issues(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    found = []
    for d in sorted(diagnostics, key=lambda d: d.sort_key):
        path = options.repository_path(d.path)
        key = "\0".join((path, d.code, _content(d, options.source_lines(d.path))))
        occurrence = seen[key] = seen.get(key, -1) + 1
        fingerprint = hashlib.sha256(f"{key}\0{occurrence}".encode()).hexdigest()
        found.append(
            {
                "type": "issue",
                "description": f"{d.code} {d.full_message}",
                "check_name": d.code,
                "categories": ["Bug Risk"],
                "fingerprint": fingerprint,
                "severity": SEVERITIES.get(d.severity, "major"),
                "location": {
                    "path": path,
                    "lines": {"begin": d.start.row, "end": max(d.end.row, d.start.row)},
                },
            }
        )
    return found


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    return json.dumps(issues(diagnostics, options), indent=2) + "\n"
