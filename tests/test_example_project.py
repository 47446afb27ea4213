"""The bundled example project (README's first command) reports exactly its known findings."""

from __future__ import annotations

import json

from conftest import REPO, run_cli

# (path, code, row, column) of every finding slint reports on examples/shop today;
# examples/shop/FINDINGS.md explains each one and lists the near-misses.
EXPECTED = [
    ("examples/shop/images/src/thumbnail.py", "SL209", 34, 15),
    ("examples/shop/images/template.yaml", "SL603", 46, 7),
    ("examples/shop/orders/api.py", "SL305", 26, 16),
    ("examples/shop/orders/api.py", "SL402", 44, 12),
    ("examples/shop/orders/audit.py", "SL101", 19, 12),
    ("examples/shop/orders/audit.py", "SL502", 38, 5),
    ("examples/shop/orders/fulfil.py", "SL101", 19, 11),
    ("examples/shop/orders/report.py", "SL101", 36, 10),
    ("examples/shop/orders/report.py", "SL101", 44, 12),
    ("examples/shop/requirements.txt", "SL106", 5, 1),
    ("examples/shop/requirements.txt", "SL106", 6, 1),
    ("examples/shop/serverless.yml", "SL602", 31, 11),
    ("examples/shop/serverless.yml", "SL302", 54, 5),
    ("examples/shop/serverless.yml", "SL601", 57, 7),
    ("examples/shop/serverless.yml", "SL205", 73, 9),
    ("examples/shop/serverless.yml", "SL301", 77, 3),
    ("examples/shop/serverless.yml", "SL203", 83, 9),
    ("examples/shop/serverless.yml", "SL304", 136, 9),
]
ENV = {"SLINT_TODAY": "2026-11-27"}


def test_example_project_findings_as_text() -> None:
    result = run_cli("check", "examples/shop", cwd=REPO, env=ENV)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    found = []
    for line in lines[:-1]:
        path, row, column, rest = line.split(":", 3)
        found.append((path, rest.split()[0], int(row), int(column)))
    assert found == EXPECTED
    assert lines[-1] == "Found 18 problems (4 fixable with --fix, 5 fixable with --unsafe-fixes)."
    assert result.stderr == ""


def test_example_project_json_carries_the_hoist_fix() -> None:
    result = run_cli("check", "--output-format", "json", "examples/shop", cwd=REPO, env=ENV)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [
        (d["filename"], d["code"], d["location"]["row"], d["location"]["column"]) for d in data
    ] == EXPECTED
    report = data[7]
    assert report["fix"]["applicability"] == "unsafe"
    assert report["fix"]["message"] == 'Move `s3 = boto3.client("s3")` to module scope'
    insert, delete = report["fix"]["edits"]
    assert insert["content"] == 's3 = boto3.client("s3")\n'
    assert delete == {
        "content": "",
        "location": {"row": 36, "column": 1},
        "end_location": {"row": 37, "column": 1},
    }
    # The handler closes the connection (`finally: conn.close()`): hoisting it would hand
    # the next warm invocation a closed connection, so the fix is only a suggestion.
    connection = data[8]
    assert connection["fix"]["applicability"] == "display-only"
    assert connection["fix"]["edits"] == []
    assert "closes `conn`" in connection["fix"]["message"]
    helper = data[4]
    assert "runs on every invocation of handler `audit_orders_handler`" in helper["message"]


def test_example_project_with_every_rule_adds_the_info_findings() -> None:
    # FINDINGS.md: turning the info rules on adds SL501 for the planted print(event) and
    # SL405 for the two APIs without throttling;
    # SL103's budget is not exceeded by the example's imports.
    result = run_cli("check", "--select", "ALL", "examples/shop", cwd=REPO, env=ENV)
    assert result.returncode == 1, result.stderr
    found = []
    for line in result.stdout.splitlines()[:-1]:
        path, row, column, rest = line.split(":", 3)
        found.append((path, rest.split()[0], int(row), int(column)))
    extra = [
        ("examples/shop/orders/audit.py", "SL501", 38, 5),
        ("examples/shop/serverless.yml", "SL405", 59, 9),
        ("examples/shop/images/template.yaml", "SL405", 81, 9),
    ]
    assert found == sorted([*EXPECTED, *extra], key=lambda f: (f[0], f[2], f[3], f[1]))
