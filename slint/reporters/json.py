"""A JSON array in ruff's JSON shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slint.diagnostics import Diagnostic, Location
from slint.reporters import ReportOptions, statistics


def _location(location: Location) -> dict[str, int]:
    return {"row": location.row, "column": location.column}


def diagnostic_to_json(d: Diagnostic, options: ReportOptions) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": _location(edit.start),
                    "end_location": _location(edit.end),
                }
                for edit in d.fix.edits
            ],
        }
    return {
        "code": d.code,
        "name": d.name,
        "message": d.full_message,
        "severity": d.severity.value,
        "filename": d.path,
        "location": _location(d.start),
        "end_location": _location(d.end),
        "fix": fix,
        "url": options.rule_url(d.code),
    }


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    return json.dumps(records(diagnostics, options), indent=2) + "\n"


def records(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> list[dict[str, Any]]:
    """The report's objects: one per finding, or one per rule with --statistics."""
    if options.statistics:
        return [
            {"code": code, "name": name, "count": count, "fixable": fixable}
            for code, name, count, fixable in statistics(diagnostics)
        ]
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    return [diagnostic_to_json(d, options) for d in ordered]
