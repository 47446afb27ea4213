"""SL603 deprecated-runtime: the dated table, SLINT_TODAY, severities, the unsafe fix."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path
from textwrap import dedent

import pytest
from config_rule_support import findings
from conftest import codes_at, run_cli, write_tree
from slint.rules.security.deprecated_runtime import reference_date, runtime_table

from slint.app.yamlpos import YMap, load
from slint.diagnostics import Applicability, Severity
from slint.fixes import apply_edits

CODE = "SL603"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLINT_TODAY", "2026-11-27")


def test_table_is_shipped_dated_and_consistent() -> None:
    data = json.loads((resources.files("slint") / "data" / "runtimes.json").read_text())
    assert data["source"].count("https://docs.aws.amazon.com/lambda/latest/dg/") >= 2
    date.fromisoformat(data["read"])
    table = runtime_table()
    families = {runtime.family for runtime in table.runtimes.values()}
    assert families == {"python", "nodejs", "java", "dotnet", "ruby", "provided", "go"}
    for family, newest in table.newest.items():
        if newest is not None:
            entry = table.runtimes[newest]
            assert entry.family == family and not entry.container_only
    for runtime in table.runtimes.values():
        if runtime.deprecation and runtime.block_update:
            assert runtime.block_update >= runtime.deprecation, runtime.identifier


def test_reference_date(monkeypatch: pytest.MonkeyPatch) -> None:
    assert reference_date() == date(2026, 11, 27)
    monkeypatch.setenv("SLINT_TODAY", "not a date")
    assert reference_date() == date.today()
    monkeypatch.delenv("SLINT_TODAY")
    assert reference_date() == date.today()


SERVERLESS = dedent(
    """\
    service: shop
    provider:
      name: aws
      runtime: 'python3.9'
    functions:
      api:
        handler: app.handler
      web:
        handler: web.handler
        runtime: nodejs22.x
      edge:
        handler: edge.handler
        runtime: "nodejs24.x"
      legacy:
        handler: Legacy::Handler
        runtime: dotnetcore3.1 # old
    """
)


def test_severities_positions_and_messages(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"serverless.yml": SERVERLESS})
    assert codes_at(found) == [
        ("serverless.yml", CODE, 4, 3),
        ("serverless.yml", CODE, 10, 5),
        ("serverless.yml", CODE, 16, 5),
    ]
    python, node, dotnet = found
    assert python.severity is Severity.ERROR
    assert "deprecated by AWS on 2025-12-15" in python.message
    assert "will be blocked from 2027-03-03" in python.message
    assert "function `api`" in python.message  # the others set their own
    assert node.severity is Severity.WARNING  # 2027-04-30 is within 180 days
    assert "will be deprecated by AWS on 2027-04-30" in node.message
    assert dotnet.severity is Severity.ERROR
    assert "is blocked from 2023-05-03" in dotnet.message
    assert "`dotnet10`" in dotnet.message


def test_unsafe_fix_keeps_quotes_and_comments(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"serverless.yml": SERVERLESS})
    fixes = [d.fix for d in found]
    assert all(f is not None and f.applicability is Applicability.UNSAFE for f in fixes)
    fixed = apply_edits(SERVERLESS, [e for f in fixes if f for e in f.edits])
    assert fixed == (
        SERVERLESS.replace("'python3.9'", "'python3.14'")
        .replace("runtime: nodejs22.x", "runtime: nodejs24.x")
        .replace("dotnetcore3.1 # old", "dotnet10 # old")
    )
    assert isinstance(load(fixed, "serverless.yml"), YMap)
    (tmp_path / "serverless.yml").write_text(fixed)
    assert findings(tmp_path, CODE, {}) == []


def test_warning_window_follows_the_reference_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  a:\n    handler: a.h\n"
    )
    assert findings(tmp_path, CODE, {"serverless.yml": text}) == []
    monkeypatch.setenv("SLINT_TODAY", "2028-06-01")
    (warning,) = findings(tmp_path, CODE, {})
    assert warning.severity is Severity.WARNING
    monkeypatch.setenv("SLINT_TODAY", "2028-10-31")
    (error,) = findings(tmp_path, CODE, {})
    assert error.severity is Severity.ERROR


def test_sam_globals_once_and_cloudformation(tmp_path: Path) -> None:
    files = {
        "sam/template.yaml": dedent(
            """\
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Runtime: ruby3.2
            Resources:
              A:
                Type: AWS::Serverless::Function
                Properties: {Handler: a.handler}
              B:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: b.handler
              C:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: c.handler
                  Runtime: ruby3.4
            """
        ),
        "cfn/template.json": dedent(
            """\
            {
              "Resources": {
                "Fn": {
                  "Type": "AWS::Lambda::Function",
                  "Properties": {"Handler": "index.handler", "Runtime": "provided.al2",
                                 "Role": "arn:aws:iam::123456789012:role/fn",
                                 "Code": {"ZipFile": "x"}}
                }
              }
            }
            """
        ),
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [
        ("cfn/template.json", CODE, 5, 50),
        ("sam/template.yaml", CODE, 4, 5),
    ]
    provided, ruby = found
    assert "functions `A`, `B`" in ruby.message and "`ruby4.0`" in ruby.message
    assert provided.fix is not None
    fixed = apply_edits(files["cfn/template.json"], provided.fix.edits)
    assert '"Runtime": "provided.al2023"' in fixed
    json.loads(fixed)


def test_crlf_fix(tmp_path: Path) -> None:
    text = SERVERLESS.replace("\n", "\r\n")
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    assert [d.start.row for d in found] == [4, 10, 16]
    fixed = apply_edits(text, [e for d in found if d.fix for e in d.fix.edits])
    assert "runtime: 'python3.14'\r\n" in fixed and "\r\r" not in fixed


def test_unknown_runtimes_are_silent(tmp_path: Path) -> None:
    text = dedent(
        """\
        service: s
        provider:
          name: aws
          runtime: ${opt:runtime}
        functions:
          a:
            handler: a.h
          b:
            handler: b.h
            runtime: python4.0
        """
    )
    assert findings(tmp_path, CODE, {"serverless.yml": text}) == []


def test_cli_uses_slint_today(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVERLESS})
    result = run_cli(
        "check",
        "--select",
        CODE,
        "--no-cache",
        ".",
        cwd=tmp_path,
        env={"SLINT_TODAY": "2020-01-01"},
    )
    # In 2020 only .NET Core 3.1 was still supported and python3.9 was new: no finding.
    assert result.returncode == 0, result.stdout + result.stderr
