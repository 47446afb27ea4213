"""The Node.js twin of the bundled example (examples/shop-node) reports exactly the
findings its FINDINGS.md lists: the same kinds as the Python twin, at the right lines."""

from __future__ import annotations

import json

from conftest import REPO, run_cli

# (path, code, row, column); examples/shop-node/FINDINGS.md explains each one and
# lists the near-misses, which must stay silent.
EXPECTED = [
    ("examples/shop-node/images/src/thumbnail.ts", "SL209", 23, 17),
    ("examples/shop-node/images/template.yaml", "SL603", 85, 7),
    ("examples/shop-node/orders/api.js", "SL305", 17, 26),
    ("examples/shop-node/orders/api.js", "SL402", 40, 16),
    ("examples/shop-node/orders/audit.mjs", "SL101", 9, 10),
    ("examples/shop-node/orders/audit.mjs", "SL502", 27, 3),
    ("examples/shop-node/orders/export.js", "SL110", 5, 22),
    ("examples/shop-node/orders/fulfil.mjs", "SL101", 10, 15),
    ("examples/shop-node/orders/report.js", "SL101", 29, 14),
    ("examples/shop-node/orders/report.js", "SL101", 39, 14),
    ("examples/shop-node/serverless.yml", "SL602", 28, 11),
    ("examples/shop-node/serverless.yml", "SL302", 60, 5),
    ("examples/shop-node/serverless.yml", "SL601", 63, 7),
    ("examples/shop-node/serverless.yml", "SL205", 79, 9),
    ("examples/shop-node/serverless.yml", "SL301", 83, 3),
    ("examples/shop-node/serverless.yml", "SL203", 89, 9),
    ("examples/shop-node/serverless.yml", "SL304", 163, 9),
    ("examples/shop-node/support/orders.js", "SL002", 15, 9),
]
ENV = {"SLINT_TODAY": "2026-11-27"}

# The codes both twins report: the Node.js twin adds SL002 and SL110, which have no
# Python counterpart in examples/shop, and has no requirements file (SL106).
PYTHON_TWIN_CODES = {
    "SL101", "SL203", "SL205", "SL209", "SL301", "SL302", "SL304", "SL305", "SL402",
    "SL502", "SL601", "SL602", "SL603",
}  # fmt: skip


def test_node_example_findings() -> None:
    result = run_cli(
        "check", "--no-cache", "--output-format", "json", "examples/shop-node", cwd=REPO, env=ENV
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    found = [
        (d["filename"], d["code"], d["location"]["row"], d["location"]["column"]) for d in data
    ]
    assert found == EXPECTED
    assert {code for _, code, _, _ in EXPECTED} - {"SL002", "SL110"} == PYTHON_TWIN_CODES
    messages = {(d["filename"], d["code"]): d["message"] for d in data}
    # Cross findings name the other side.
    assert "orders/fulfil.mjs:17" in messages[("examples/shop-node/serverless.yml", "SL205")]
    assert "serverless.yml:124" in messages[("examples/shop-node/support/orders.js", "SL002")]
    assert "devDependencies" in messages[("examples/shop-node/orders/export.js", "SL110")]


def test_node_example_sl209_fix_decodes_the_key() -> None:
    result = run_cli(
        "check",
        "--no-cache",
        "--diff",
        "--unsafe-fixes",
        "--select",
        "SL209",
        "examples/shop-node",
        cwd=REPO,
        env=ENV,
    )
    assert "decodeURIComponent(" in result.stdout, result.stdout + result.stderr


def test_node_example_in_every_output_format() -> None:
    from test_output_formats import sarif_validator

    sarif = run_cli(
        "check", "--no-cache", "--output-format", "sarif", "examples/shop-node", cwd=REPO, env=ENV
    )
    report = json.loads(sarif.stdout)
    assert list(sarif_validator().iter_errors(report)) == []
    (run,) = report["runs"]
    located = {
        (
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["ruleId"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for result in run["results"]
    }
    assert ("examples/shop-node/orders/fulfil.mjs", "SL101", 10) in located
    assert ("examples/shop-node/images/src/thumbnail.ts", "SL209", 23) in located
    github = run_cli(
        "check", "--no-cache", "--output-format", "github", "examples/shop-node", cwd=REPO, env=ENV
    )
    assert (
        "::warning file=examples/shop-node/orders/audit.mjs,line=9,col=10,endLine=9,"
        "endColumn=32,title=SL101 (client-in-handler)::"
    ) in github.stdout
