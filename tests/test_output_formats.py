"""The CI output formats, each checked by its real consumer: SARIF against the official
2.1.0 schema, JUnit XML through a JUnit reader, GitHub workflow commands by their
documented syntax, GitLab Code Quality by its documented fields."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from conftest import run_cli, write_tree
from junitparser import Failure, JUnitXml

DATA = Path(__file__).resolve().parent / "data"

HANDLER = (
    "import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client('s3')\n    return s3\n"
)
CLEAN = "def handler(event, context):\n    return 1\n"
CONFIG = """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  worker:
    handler: src/handler.handler
    timeout: 10
    events:
      - stream:
          arn: arn:aws:kinesis:us-east-1:123456789012:stream/orders
          destinations:
            onFailure: arn:aws:sqs:us-east-1:123456789012:orders-dlq
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with a handler made per invocation, a stream without retry bounds
    (a safe fix) and a clean module; slint runs from a sub-folder of it."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write_tree(
        tmp_path,
        {
            "service/serverless.yml": CONFIG,
            "service/src/handler.py": HANDLER,
            "service/src/clean.py": CLEAN,
        },
    )
    return tmp_path / "service"


def check(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("check", *args, ".", cwd=project)


# -- SARIF -------------------------------------------------------------------------------
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_is_valid_and_relative_to_the_repository(project: Path) -> None:
    done = check(project, "--output-format", "sarif")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    errors = sorted(sarif_validator().iter_errors(report), key=str)
    assert errors == [], errors[0].message if errors else ""
    (run,) = report["runs"]
    root = project.parent.resolve()
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    driver = run["tool"]["driver"]
    assert driver["name"] == "slint"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    # Every enabled rule, none that is off by default.
    assert "SL101" in rules and "SL203" in rules and "SL501" not in rules
    client = rules["SL101"]
    assert client["name"] == "ClientInHandler"
    assert client["defaultConfiguration"] == {"level": "warning"}
    assert client["shortDescription"]["text"].startswith("Reports")
    assert client["help"]["markdown"].startswith("## What it does\n")
    assert client["properties"]["tags"] == ["client-in-handler", "cold-start"]
    results = {r["ruleId"]: r for r in run["results"]}
    hoist = results["SL101"]
    assert driver["rules"][hoist["ruleIndex"]]["id"] == "SL101"
    assert hoist["level"] == "warning"
    (location,) = hoist["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "service/src/handler.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 10, "endLine": 5, "endColumn": 28},
    }
    # The safe fix of the stream, as a SARIF fix with its artifact change.
    (fix,) = results["SL203"]["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "service/serverless.yml"
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {
        "startLine": 14,
        "startColumn": 1,
        "endLine": 14,
        "endColumn": 1,
    }
    assert replacement["insertedContent"]["text"].startswith("          maximumRetryAttempts: 3")
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_without_findings_is_valid_and_lists_the_rules(tmp_path: Path) -> None:
    write_tree(tmp_path, {"clean.py": CLEAN})
    done = run_cli("check", "--output-format", "sarif", "--select", "SL1", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert list(sarif_validator().iter_errors(report)) == []
    (run,) = report["runs"]
    assert run["results"] == []
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [f"SL1{n:02}" for n in range(1, 11)]


def test_rule_docs_url_gives_json_url_and_sarif_help_uri(project: Path) -> None:
    (project / "slint.toml").write_text('rule-docs-url = "https://example.com/slint/rules"\n')
    found = json.loads(check(project, "--output-format", "json").stdout)
    assert {d["url"] for d in found if d["code"] == "SL101"} == {
        "https://example.com/slint/rules/SL101.md"
    }
    report = json.loads(check(project, "--output-format", "sarif").stdout)
    rules = {r["id"]: r for r in report["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SL203"]["helpUri"] == "https://example.com/slint/rules/SL203.md"
    assert list(sarif_validator().iter_errors(report)) == []
    # Without the setting, null.
    (project / "slint.toml").unlink()
    found = json.loads(check(project, "--output-format", "json").stdout)
    assert {d["url"] for d in found} == {None}


# -- GitHub ----------------------------------------------------------------------------
# The workflow command syntax: `::{command} {key}={value},...::{message}`, values escaped
# as @actions/core does (toCommandValue / escapeData / escapeProperty).
COMMAND = re.compile(r"^::(?P<level>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def _unescape(text: str) -> str:
    return unquote(text)


def parse_workflow_commands(output: str) -> list[dict[str, Any]]:
    found = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        assert match is not None, line
        properties = {}
        for item in (match["props"] or "").split(","):
            key, _, value = item.partition("=")
            properties[key] = _unescape(value)
        found.append({"level": match["level"], **properties, "message": _unescape(match["data"])})
    return found


def test_github_annotations(project: Path) -> None:
    done = check(project, "--output-format", "github")
    assert done.returncode == 1, done.stderr
    commands = parse_workflow_commands(done.stdout)
    by_title = {c["title"]: c for c in commands}
    client = by_title["SL101 (client-in-handler)"]
    assert client == {
        "level": "warning",
        "file": "service/src/handler.py",
        "line": "5",
        "col": "10",
        "endLine": "5",
        "endColumn": "28",
        "title": "SL101 (client-in-handler)",
        "message": client["message"],
    }
    assert client["message"].startswith("src/handler.py:5:10: SL101 `boto3.client(...)`")
    assert by_title["SL203 (unbounded-retries)"]["level"] == "error"


def test_github_escapes_what_would_break_a_command() -> None:
    from slint.diagnostics import Diagnostic, Location, Severity
    from slint.reporters import ReportOptions
    from slint.reporters.github import render

    tricky = Diagnostic(
        code="SL101",
        name="client-in-handler",
        severity=Severity.INFO,
        message="100% of\nthe calls: a, b::c\r",
        path="dir,with:odd%chars/x.py",
        start=Location(1, 1),
        end=Location(2, 3),
    )
    (line,) = render([tricky], ReportOptions(paths={}, root=Path.cwd())).splitlines()
    (command,) = parse_workflow_commands(line)
    assert command["level"] == "notice"
    assert command["file"] == "dir,with:odd%chars/x.py"
    assert command["message"] == "dir,with:odd%chars/x.py:1:1: SL101 100% of\nthe calls: a, b::c\r"


# -- GitLab ------------------------------------------------------------------------------
# GitLab's documented Code Quality fields (docs: "Code Quality report format").
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "not": {"pattern": "^/"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def gitlab_report(project: Path) -> list[dict[str, Any]]:
    done = check(project, "--output-format", "gitlab")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    jsonschema.validate(report, GITLAB_SCHEMA)
    return report


def test_gitlab_code_quality_report(project: Path) -> None:
    report = gitlab_report(project)
    (client,) = [issue for issue in report if issue["check_name"] == "SL101"]
    assert client["location"] == {"path": "service/src/handler.py", "lines": {"begin": 5, "end": 5}}
    assert client["severity"] == "major"
    assert client["description"].startswith("SL101 `boto3.client(...)`")
    assert {i["severity"] for i in report if i["check_name"] == "SL203"} == {"critical"}
    assert len({issue["fingerprint"] for issue in report}) == len(report)


def test_gitlab_fingerprints_survive_reruns_and_line_moves(project: Path) -> None:
    before = {i["check_name"]: i["fingerprint"] for i in gitlab_report(project)}
    assert before == {i["check_name"]: i["fingerprint"] for i in gitlab_report(project)}
    handler = project / "src" / "handler.py"
    handler.write_text('"""Orders."""\n\n' + HANDLER)
    moved = gitlab_report(project)
    (client,) = [i for i in moved if i["check_name"] == "SL101"]
    assert client["location"]["lines"]["begin"] == 7
    assert client["fingerprint"] == before["SL101"]


# -- JUnit -------------------------------------------------------------------------------
def test_junit_xml_read_back_by_a_junit_parser(project: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    done = check(project, "--output-format", "junit", "-o", str(report))
    assert done.returncode == 1, done.stderr
    xml = JUnitXml.fromfile(str(report))
    (suite,) = list(xml)
    assert suite.name == "slint"
    assert (suite.tests, suite.failures, suite.errors) == (3, 2, 0)
    cases = {case.name: case for case in suite}
    assert sorted(cases) == [
        "service/serverless.yml",
        "service/src/clean.py",
        "service/src/handler.py",
    ]
    assert cases["service/src/clean.py"].is_passed
    (failure,) = cases["service/src/handler.py"].result
    assert isinstance(failure, Failure)
    assert failure.message == "1 finding: SL101"
    assert failure.type == "SL101"
    assert failure.text.startswith("src/handler.py:5:10: SL101 `boto3.client(...)`")
    # The summary still goes to the terminal.
    assert done.stdout.startswith("Found ")


# -- JSON lines, full, the output file, the setting ---------------------------------------------
def test_json_lines_are_the_json_records(project: Path) -> None:
    lines = check(project, "--output-format", "json-lines").stdout.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(
        check(project, "--output-format", "json").stdout
    )
    statistics = check(project, "--output-format", "json-lines", "--statistics").stdout
    assert json.loads(statistics.splitlines()[0])["count"] >= 1


def test_full_shows_the_source_with_a_caret(project: Path) -> None:
    done = run_cli("check", "--output-format", "full", "--select", "SL101", "src", cwd=project)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("src/handler.py:5:10: SL101 `boto3.client(...)`")
    assert lines[1:7] == [
        "  |",
        "4 | def handler(event, context):",
        "5 |     s3 = boto3.client('s3')",
        "  |          ^^^^^^^^^^^^^^^^^^ SL101",
        "6 |     return s3",
        "  |",
    ]
    assert (
        lines[7]
        == "  = help: Move `s3 = boto3.client('s3')` to module scope (unsafe fix: --unsafe-fixes)"
    )
    assert lines[8].startswith("  = rule: client-in-handler: Reports")
    assert lines[-1] == "Found 1 problem (1 fixable with --unsafe-fixes)."


def test_output_file_gets_the_report_and_the_terminal_the_summary(
    project: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    done = check(project, "--output-format", "json", "--output-file", str(target))
    assert done.returncode == 1, done.stderr
    assert json.loads(target.read_text()) == json.loads(
        check(project, "--output-format", "json").stdout
    )
    (summary,) = done.stdout.splitlines()
    assert summary.startswith("Found ") and "problems" in summary
    quiet = check(project, "-q", "--output-format", "json", "-o", str(target))
    assert quiet.stdout == ""
    missing = check(project, "-o", str(tmp_path / "nowhere" / "report.txt"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("slint: error: cannot write the report to ")
    assert len(missing.stderr.splitlines()) == 1


def test_output_format_from_the_configuration(project: Path) -> None:
    (project / "slint.toml").write_text('output-format = "github"\n')
    assert check(project).stdout.startswith("::")
    # The command line wins.
    assert check(project, "--output-format", "text").stdout.startswith("serverless.yml:")
    (project / "slint.toml").write_text('output-format = "xml"\n')
    bad = check(project)
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith(
        "output-format must be one of text, full, json, json-lines, sarif, github, gitlab, "
        "junit, not 'xml'"
    )


def test_statistics_only_in_formats_that_can_show_them(project: Path) -> None:
    done = check(project, "--statistics", "--output-format", "sarif")
    assert done.returncode == 2
    assert done.stderr == (
        "slint: error: --statistics cannot be shown as sarif (use text, full, json or json-lines)\n"
    )
