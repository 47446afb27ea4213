"""SARIF 2.1.0, as GitHub code scanning reads it.

One run; `tool.driver.rules` lists every rule the run had enabled (id, name, short and
full description, help in Markdown, default level); each result has a physical location
relative to the repository root (`%SRCROOT%`, given in `originalUriBaseIds`) and, when
the finding has edits, a SARIF `fix`. Columns count Unicode code points, as slint's do
(`columnKind`). GitHub's limits are kept: at most 25,000 results per run (the rest are
left out, and the run says how many in `properties.resultsOmitted`) and short
descriptions of at most 1,024 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slint import __version__
from slint.diagnostics import Diagnostic, Edit, Location, Severity
from slint.reporters import ReportOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"
# GitHub code scanning: "Maximum number of results per run: 25,000" (only the first
# 5,000 sorted by severity are shown).
MAX_RESULTS = 25_000
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# A rule's short description: one line, at most 1,024 characters (SARIF's advice).
MAX_SHORT = 1_024


def _section(documentation: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", documentation, re.S | re.M)
    return match.group(1).strip() if match else ""


def _short(text: str) -> str:
    return text if len(text) <= MAX_SHORT else text[: MAX_SHORT - 3] + "..."


def _region(start: Location, end: Location) -> dict[str, int]:
    region = {"startLine": max(start.row, 1), "startColumn": max(start.column, 1)}
    if end >= start:
        region["endLine"] = max(end.row, 1)
        region["endColumn"] = max(end.column, 1)
    return region


def _rule(rule: Any, options: ReportOptions) -> dict[str, Any]:
    documentation = rule.documentation()
    summary = rule.summary() or rule.name
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": _short(summary)},
        "fullDescription": {"text": _section(documentation, "What it does") or summary},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {
            "tags": _tags(rule),
            "problem.severity": {"error": "error", "warning": "warning", "info": "recommendation"}[
                rule.severity.value
            ],
        },
    }
    url = options.rule_url(rule.code)
    if url:
        descriptor["helpUri"] = url
    return descriptor


def _tags(rule: Any) -> list[str]:
    """The rule's name and, for a built-in rule, its category (`cold_start`, ...)."""
    parts = rule.__module__.split(".")
    if len(parts) >= 4 and parts[:2] == ["slint", "rules"]:
        return [rule.name, parts[2].replace("_", "-")]
    return [rule.name]


def _artifact(diagnostic: Diagnostic, options: ReportOptions) -> dict[str, Any]:
    return {"uri": options.repository_path(diagnostic.path), "uriBaseId": ROOT}


def _fix(diagnostic: Diagnostic, options: ReportOptions) -> list[dict[str, Any]]:
    fix = diagnostic.fix
    if fix is None or not fix.edits:
        return []

    def replacement(edit: Edit) -> dict[str, Any]:
        return {
            "deletedRegion": _region(edit.start, edit.end),
            "insertedContent": {"text": edit.content},
        }

    return [
        {
            "description": {"text": f"{fix.message} ({fix.applicability.value} fix)"},
            "artifactChanges": [
                {
                    "artifactLocation": _artifact(diagnostic, options),
                    "replacements": [replacement(edit) for edit in fix.edits],
                }
            ],
        }
    ]


def report(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> dict[str, Any]:
    rules = sorted(options.rules, key=lambda rule: rule.code)
    # A finding of a rule the run did not list (SL000, an internal error) is listed too.
    listed = {rule.code for rule in rules}
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    index = {rule.code: i for i, rule in enumerate(rules)}
    descriptors = [_rule(rule, options) for rule in rules]
    extra: dict[str, dict[str, Any]] = {}
    for d in ordered:
        if d.code not in listed and d.code not in extra:
            extra[d.code] = {
                "id": d.code,
                "name": "".join(part.capitalize() for part in d.name.split("-")),
                "shortDescription": {"text": d.name},
                "defaultConfiguration": {"level": LEVELS.get(d.severity, "warning")},
            }
    for code, descriptor in extra.items():
        index[code] = len(descriptors)
        descriptors.append(descriptor)
    results = []
    for d in ordered[:MAX_RESULTS]:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": LEVELS.get(d.severity, "warning"),
            "message": {"text": d.full_message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(d, options),
                        "region": _region(d.start, d.end),
                    }
                }
            ],
        }
        fixes = _fix(d, options)
        if fixes:
            result["fixes"] = fixes
        results.append(result)
    root = options.root or Path.cwd().resolve()
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "slint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://pypi.org/project/slint-lambda/",
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {ROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if len(ordered) > MAX_RESULTS:
        run["properties"] = {"resultsOmitted": len(ordered) - MAX_RESULTS}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    return json.dumps(report(diagnostics, options), indent=2) + "\n"
