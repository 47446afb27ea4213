"""slint's config rules inside cfn-lint: `cfn-lint template.yaml --append-rules
slint.cfn_lint.rules`, run for real, reports them under their cfn-lint ids
(slint.cfn_lint.CFN_LINT_IDS) at the lines and columns `slint check` reports, with
slint's messages; cfn-lint without the plugin reports none of them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli, write_tree

from slint.api import ConfigRule, CrossRule
from slint.cfn_lint import (
    CFN_LINT_IDS,
    NOT_IN_CFN_LINT,
    PLUGIN_MODULE,
    cfn_lint_id,
    cfn_lint_ids,
)
from slint.registry import Registry

# SL603 judges runtimes by this date: python3.8 is deprecated, python3.10 soon will be.
TODAY = {"SLINT_TODAY": "2026-06-01"}

# A SAM template whose SQS-triggered function is linked to src/app.py, where the
# handler lets a record's failure escape its loop (SL205, a cross rule).
SAM_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: orders

Globals:
  Function:
    Runtime: python3.12
    CodeUri: src/

Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60

  PaymentsQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 10

  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Timeout: 20
      Tracing: Active
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt OrdersQueue.Arn
            BatchSize: 10
        Payments:
          Type: SQS
          Properties:
            Queue: !GetAtt PaymentsQueue.Arn
            BatchSize: 1

  ReportFunction:  # slint: ignore[SL504]
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.report
      FunctionUrlConfig:
        AuthType: NONE
"""

HANDLER = """\
import json


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        if "id" not in order:
            raise ValueError("order without id")
    return {}


def report(event, context):
    return {"statusCode": 200, "body": "ok"}
"""

# A plain CloudFormation template, in JSON; ArchiveFunction's Metadata silences W9301.
CFN_TEMPLATE = """\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "ingest",
  "Resources": {
    "IngestRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Principal": {"Service": "lambda.amazonaws.com"},
              "Action": "sts:AssumeRole"
            }
          ]
        },
        "Policies": [
          {
            "PolicyName": "everything",
            "PolicyDocument": {
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
            }
          }
        ]
      }
    },
    "IngestFunction": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "python3.8",
        "Handler": "index.handler",
        "Role": {"Fn::GetAtt": ["IngestRole", "Arn"]},
        "Code": {"ZipFile": "def handler(event, context):\\n    return None\\n"},
        "Environment": {"Variables": {"DB_PASSWORD": "Zq81xv0Lp2Rm7Tk4"}}
      }
    },
    "ArchiveFunction": {
      "Type": "AWS::Lambda::Function",
      "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["W9301"]}}},
      "Properties": {
        "Runtime": "python3.10",
        "Handler": "index.handler",
        "Role": {"Fn::GetAtt": ["IngestRole", "Arn"]},
        "Code": {"ZipFile": "def handler(event, context):\\n    return None\\n"}
      }
    },
    "IngestStream": {
      "Type": "AWS::Kinesis::Stream",
      "Properties": {"ShardCount": 1}
    },
    "IngestMapping": {
      "Type": "AWS::Lambda::EventSourceMapping",
      "Properties": {
        "FunctionName": {"Ref": "IngestFunction"},
        "EventSourceArn": {"Fn::GetAtt": ["IngestStream", "Arn"]},
        "StartingPosition": "LATEST"
      }
    },
    "ArchiveMapping": {
      "Type": "AWS::Lambda::EventSourceMapping",
      "Properties": {
        "FunctionName": {"Ref": "ArchiveFunction"},
        "EventSourceArn": {"Fn::GetAtt": ["IngestStream", "Arn"]},
        "StartingPosition": "LATEST",
        "MaximumRetryAttempts": 3
      }
    }
  }
}
"""


@dataclass(frozen=True)
class Reported:
    """One finding of the plugin as cfn-lint's JSON output has it."""

    rule: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    path: tuple[Any, ...]


# slint's messages, as `slint check` prints them (cfn-lint shows "[SLxxx] " before them).
SL202_ORDERS = (
    "Queue `OrdersQueue` feeds `OrdersFunction` but has no `RedrivePolicy`: a message "
    "that always fails returns until its retention period ends and is then lost; send "
    "it to a dead-letter queue after a few receives."
)
SL202_PAYMENTS = SL202_ORDERS.replace("OrdersQueue", "PaymentsQueue")
SL304_WARNING = (
    "Queue `OrdersQueue` has a `VisibilityTimeout` 60 s, less than 6 times the timeout "
    "20 s of function `OrdersFunction` it feeds: a batch that is retried or slow becomes "
    "visible again and is processed twice; set `VisibilityTimeout` to 120 or more."
)
SL304_ERROR = (
    "Queue `PaymentsQueue` has a `VisibilityTimeout` 10 s, shorter than the timeout 20 s of "
    "function `OrdersFunction` it feeds: AWS refuses to create the event source mapping; "
    "set `VisibilityTimeout` to 120 or more."
)
SL205 = (
    "The sqs event (BatchSize 10) has no partial batch response: one failing record "
    "sends the whole batch back, and the handler raises inside its loop over the records "
    "(src/app.py:8); the records that succeeded are processed again. Catch each record's "
    'failure and return `{"batchItemFailures": [...]}` with `ReportBatchItemFailures` '
    "enabled (or use Powertools' `BatchProcessor`)"
)
SL301_REPORT = (
    "Function `ReportFunction` sets no timeout and inherits none, so it runs with "
    "Lambda's default 3 s: set `Timeout` or `Globals.Function.Timeout` to the time the "
    "work needs."
)
SL503_REPORT = (
    "No X-Ray tracing for function `ReportFunction`: slow or failing requests cannot be "
    "followed across services; set `Tracing: Active` in Globals.Function."
)
SL504_ORDERS = (
    "Function `OrdersFunction` has no log group with a retention: CloudWatch keeps its "
    "logs forever; add an AWS::Logs::LogGroup named `/aws/lambda/${OrdersFunction}` with "
    "`RetentionInDays` (or point `LoggingConfig.LogGroup` at one)."
)
SL604 = (
    "The function URL of function `ReportFunction` has `AuthType: NONE`: anyone who "
    "finds the URL can invoke it and run up the bill; use `AuthType: AWS_IAM` (with "
    "CloudFront origin access control for browsers) or verify a signature in the handler."
)

SAM_EXPECTED = [
    # OrdersFunction sets `Tracing`, ReportFunction inherits the Globals' absence.
    Reported("I9503", 6, 3, 6, 11, "[SL503] " + SL503_REPORT, ("Globals", "Function")),
    Reported("W9202", 11, 3, 11, 14, "[SL202] " + SL202_ORDERS, ("Resources", "OrdersQueue")),
    Reported(
        "W9304",
        14,
        7,
        14,
        24,
        "[SL304] " + SL304_WARNING,
        ("Resources", "OrdersQueue", "Properties", "VisibilityTimeout"),
    ),
    Reported("W9202", 16, 3, 16, 16, "[SL202] " + SL202_PAYMENTS, ("Resources", "PaymentsQueue")),
    # The same rule, at its other severity: another id.
    Reported(
        "E9304",
        19,
        7,
        19,
        24,
        "[SL304] " + SL304_ERROR,
        ("Resources", "PaymentsQueue", "Properties", "VisibilityTimeout"),
    ),
    Reported("I9504", 21, 3, 21, 17, "[SL504] " + SL504_ORDERS, ("Resources", "OrdersFunction")),
    # A cross rule: the template's event and the handler's loop in src/app.py.
    Reported(
        "W9205",
        28,
        9,
        28,
        15,
        "[SL205] " + SL205,
        ("Resources", "OrdersFunction", "Properties", "Events", "Orders"),
    ),
    # `# slint: ignore[SL504]` on this line keeps SL504 (I9504) away, not SL301.
    Reported("W9301", 39, 3, 39, 17, "[SL301] " + SL301_REPORT, ("Resources", "ReportFunction")),
    Reported(
        "W9604",
        44,
        9,
        44,
        17,
        "[SL604] " + SL604,
        ("Resources", "ReportFunction", "Properties", "FunctionUrlConfig", "AuthType"),
    ),
]

SL602 = (
    'IAM statement allows every action on every resource (`Action: "*"`) for functions '
    "`IngestFunction`, `ArchiveFunction`: a bug or an injected request in the code can "
    "then reach every such resource of the account; grant only the actions the code "
    "calls on the ARNs it uses."
)
SL301_INGEST = (
    "Function `IngestFunction` sets no timeout and inherits none, so it runs with "
    "Lambda's default 3 s: set `Timeout` to the time the work needs."
)
SL301_ARCHIVE = SL301_INGEST.replace("IngestFunction", "ArchiveFunction")
SL503_INGEST = (
    "No X-Ray tracing for function `IngestFunction`: slow or failing requests cannot be "
    "followed across services; add `TracingConfig: {Mode: Active}`."
)
SL503_ARCHIVE = SL503_INGEST.replace("IngestFunction", "ArchiveFunction")
SL504_INGEST = SL504_ORDERS.replace("OrdersFunction", "IngestFunction")
SL504_ARCHIVE = SL504_ORDERS.replace("OrdersFunction", "ArchiveFunction")
SL603_ERROR = (
    "Runtime `python3.8` of function `IngestFunction` was deprecated by AWS on "
    "2024-10-14: it gets no security patches, and updating functions that use it will be "
    "blocked from 2027-03-03; migrate to `python3.14`."
)
SL603_WARNING = (
    "Runtime `python3.10` of function `ArchiveFunction` will be deprecated by AWS on "
    "2026-10-31: then it gets no security patches, and deployments start to fail; "
    "migrate to `python3.14`."
)
SL601 = (
    "Environment variable `DB_PASSWORD` (function `IngestFunction`) holds a literal "
    "secret (a 16-character literal): anyone who can read the repository or the function "
    "configuration can use it; keep it in SSM Parameter Store or Secrets Manager and "
    "reference it (`${ssm:...}`, `{{resolve:...}}`)."
)
SL203_ERROR = (
    "The Kinesis stream source of function `IngestFunction` has no "
    "`MaximumRetryAttempts`: AWS retries a failing batch until its records expire and "
    "the shard stops meanwhile; set `MaximumRetryAttempts` (e.g. 3) and "
    "`BisectBatchOnFunctionError: true`."
)
SL203_WARNING = (
    "The Kinesis stream source of function `ArchiveFunction` bounds its retries but does "
    "not set `BisectBatchOnFunctionError`: each retry fails on the same bad record and the "
    "whole batch is given up with it; set `BisectBatchOnFunctionError: true` to split a "
    "failing batch and isolate the record."
)
SL202_INGEST = (
    "The stream source of function `IngestFunction` has no on-failure destination: a "
    "batch that fails all its retries (or expires) is skipped and lost; add "
    "`DestinationConfig: {OnFailure: {Destination: <SQS queue or SNS topic ARN>}}` to the "
    "event."
)
SL202_ARCHIVE = SL202_INGEST.replace("IngestFunction", "ArchiveFunction")

INGEST = ("Resources", "IngestFunction")
ARCHIVE = ("Resources", "ArchiveFunction")
CFN_EXPECTED = [
    # On the key `"Action"` (slint's columns count from its opening quote).
    Reported(
        "W9602",
        23,
        49,
        23,
        55,
        "[SL602] " + SL602,
        (
            "Resources",
            "IngestRole",
            "Properties",
            "Policies",
            0,
            "PolicyDocument",
            "Statement",
            0,
            "Action",
        ),
    ),
    Reported("I9503", 29, 5, 29, 19, "[SL503] " + SL503_INGEST, INGEST),
    Reported("I9504", 29, 5, 29, 19, "[SL504] " + SL504_INGEST, INGEST),
    Reported("W9301", 29, 5, 29, 19, "[SL301] " + SL301_INGEST, INGEST),
    Reported("E9603", 32, 9, 32, 16, "[SL603] " + SL603_ERROR, (*INGEST, "Properties", "Runtime")),
    Reported(
        "E9601",
        36,
        39,
        36,
        50,
        "[SL601] " + SL601,
        (*INGEST, "Properties", "Environment", "Variables", "DB_PASSWORD"),
    ),
    Reported("I9503", 39, 5, 39, 20, "[SL503] " + SL503_ARCHIVE, ARCHIVE),
    Reported("I9504", 39, 5, 39, 20, "[SL504] " + SL504_ARCHIVE, ARCHIVE),
    Reported(
        "W9603", 43, 9, 43, 16, "[SL603] " + SL603_WARNING, (*ARCHIVE, "Properties", "Runtime")
    ),
    Reported("E9203", 53, 5, 53, 18, "[SL203] " + SL203_ERROR, ("Resources", "IngestMapping")),
    Reported("W9202", 53, 5, 53, 18, "[SL202] " + SL202_INGEST, ("Resources", "IngestMapping")),
    Reported("W9202", 61, 5, 61, 19, "[SL202] " + SL202_ARCHIVE, ("Resources", "ArchiveMapping")),
    Reported("W9203", 61, 5, 61, 19, "[SL203] " + SL203_WARNING, ("Resources", "ArchiveMapping")),
]

# ArchiveFunction's `Metadata: cfn-lint: config: ignore_checks: [W9301]` silences this
# finding in cfn-lint (slint check, which does not read cfn-lint's directives, has it).
CFN_SILENCED_BY_METADATA = Reported("W9301", 39, 5, 39, 20, "[SL301] " + SL301_ARCHIVE, ARCHIVE)


def cfn_lint_command() -> list[str]:
    """The installed `cfn-lint` console script (next to this Python, else on PATH)."""
    beside = Path(sys.executable).with_name("cfn-lint")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("cfn-lint")
    assert found, "the cfn-lint command is not installed"
    return [found]


def run_cfn_lint(
    root: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cfn_lint_command(), *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **TODAY},
        timeout=300,
        check=False,
    )


_PLUGIN_ID = re.compile(r"^[EWI]9[0-9]{3}$")


def reported(result: subprocess.CompletedProcess[str], *, ours: bool = True) -> list[Reported]:
    """The plugin's findings (with `ours=False`, cfn-lint's own) in cfn-lint's JSON."""
    # cfn-lint exits with a bit mask of the levels it found (2 error, 4 warning,
    # 8 informational); 1 is its own failure.
    assert result.returncode != 1, result.stderr
    assert result.stderr == ""
    found = []
    for match in json.loads(result.stdout):
        rule = match["Rule"]["Id"]
        if bool(_PLUGIN_ID.match(rule)) != ours:
            continue
        location = match["Location"]
        found.append(
            Reported(
                rule,
                location["Start"]["LineNumber"],
                location["Start"]["ColumnNumber"],
                location["End"]["LineNumber"],
                location["End"]["ColumnNumber"],
                match["Message"],
                tuple(location["Path"] or ()),
            )
        )
    return sorted(found, key=lambda r: (r.line, r.column, r.rule, r.message))


def plugin_run(root: Path, template: str, *options: str) -> list[Reported]:
    # The template comes first: `--append-rules` takes every argument after it.
    return reported(
        run_cfn_lint(root, template, "--format", "json", *options, "--append-rules", PLUGIN_MODULE)
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cfn_lint_project")
    write_tree(
        root,
        {"template.yaml": SAM_TEMPLATE, "src/app.py": HANDLER, "stack.json": CFN_TEMPLATE},
    )
    return root


# -- the plugin through the real cfn-lint -----------------------------------------------


def test_sam_template(project: Path) -> None:
    assert plugin_run(project, "template.yaml", "--include-checks", "I") == SAM_EXPECTED


def test_cloudformation_template(project: Path) -> None:
    assert plugin_run(project, "stack.json", "--include-checks", "I") == CFN_EXPECTED


JSON_WITH_INFO = ("--format", "json", "--include-checks", "I")


@pytest.mark.parametrize(
    ("files", "args"),
    [
        # The project's cfn-lint configuration names the module.
        (
            {".cfnlintrc": "append_rules:\n  - slint.cfn_lint.rules\n"},
            ["template.yaml", *JSON_WITH_INFO],
        ),
        # `--` ends the list of modules (`--include-checks`, too, takes every argument
        # after it: the options come first).
        ({}, [*JSON_WITH_INFO, "--append-rules", PLUGIN_MODULE, "--", "template.yaml"]),
    ],
    ids=["cfnlintrc", "double-dash"],
)
def test_other_ways_to_load_the_plugin(
    tmp_path: Path, files: dict[str, str], args: list[str]
) -> None:
    write_tree(tmp_path, {"template.yaml": SAM_TEMPLATE, "src/app.py": HANDLER, **files})
    assert reported(run_cfn_lint(tmp_path, *args)) == SAM_EXPECTED


def test_informational_ids_only_with_include_checks(project: Path) -> None:
    """cfn-lint leaves I rules out unless asked (`-c I`), as slint its info rules."""
    default = [r for r in SAM_EXPECTED if not r.rule.startswith("I")]
    rules = ["W9202", "W9304", "W9202", "E9304", "W9205", "W9301", "W9604"]
    assert [r.rule for r in default] == rules
    assert plugin_run(project, "template.yaml") == default


def test_ignore_checks_leaves_out_one_id(project: Path) -> None:
    """cfn-lint's own selection decides: W9304 out, E9304 (the same SL304) still in."""
    expected = [r for r in SAM_EXPECTED if r.rule not in ("W9304", "W9202")]
    assert "E9304" in [r.rule for r in expected]
    found = plugin_run(
        project, "template.yaml", "--include-checks", "I", "--ignore-checks", "W9304", "W9202"
    )
    assert found == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("template.yaml", SAM_EXPECTED),
        ("stack.json", [*CFN_EXPECTED, CFN_SILENCED_BY_METADATA]),
    ],
)
def test_slint_check_reports_the_same(
    project: Path, template: str, expected: list[Reported]
) -> None:
    """`slint check <template>` with the mapped rules: the same findings at the same
    places, each under the cfn-lint id of its code and severity."""
    codes = ",".join(CFN_LINT_IDS)
    result = run_cli(
        "check", "--output-format", "json", "--select", codes, template, cwd=project, env=TODAY
    )
    assert result.returncode == 1, result.stderr
    records = json.loads(result.stdout)
    assert {record["filename"] for record in records} == {template}
    from_slint = sorted(
        (
            record["severity"][0].upper() + "9" + record["code"][2:],
            record["location"]["row"],
            record["location"]["column"],
            record["end_location"]["row"],
            record["end_location"]["column"],
            f"[{record['code']}] {record['message']}",
        )
        for record in records
    )
    assert from_slint == sorted(
        (r.rule, r.line, r.column, r.end_line, r.end_column, r.message) for r in expected
    )
    assert all(rule in cfn_lint_ids("SL" + rule[2:]) for rule, *_ in from_slint)


@pytest.mark.parametrize("template", ["template.yaml", "stack.json"])
def test_cfn_lint_without_the_plugin(project: Path, template: str) -> None:
    """None of the ids without `--append-rules`; cfn-lint's own findings are the same
    with and without it."""
    alone = run_cfn_lint(project, template, "--format", "json", "--include-checks", "I")
    assert reported(alone) == []
    with_plugin = run_cfn_lint(
        project,
        template,
        "--format",
        "json",
        "--include-checks",
        "I",
        "--append-rules",
        PLUGIN_MODULE,
    )
    assert reported(alone, ours=False) == reported(with_plugin, ours=False)


def test_template_on_stdin_gets_no_slint_findings(project: Path) -> None:
    """slint reads files: a piped template has no path to link handlers from."""
    result = run_cfn_lint(
        project, "--format", "json", "--append-rules", PLUGIN_MODULE, stdin=SAM_TEMPLATE
    )
    assert reported(result) == []


def test_slint_configuration_applies_except_its_selection(tmp_path: Path) -> None:
    """`select`/`ignore` are cfn-lint's business; `per-file-ignores` still count."""
    configuration = """\
[tool.slint]
select = ["SL1"]
ignore = ["SL3"]

[tool.slint.per-file-ignores]
"template.yaml" = ["SL604"]
"""
    write_tree(
        tmp_path,
        {"template.yaml": SAM_TEMPLATE, "src/app.py": HANDLER, "pyproject.toml": configuration},
    )
    found = plugin_run(tmp_path, "template.yaml", "--include-checks", "I")
    assert found == [r for r in SAM_EXPECTED if r.rule != "W9604"]


def test_broken_slint_configuration_reported_once(tmp_path: Path) -> None:
    """slint's configuration error is one E0002 of cfn-lint, not one per rule."""
    write_tree(
        tmp_path,
        {
            "template.yaml": SAM_TEMPLATE,
            "src/app.py": HANDLER,
            "pyproject.toml": '[tool.slint]\nselectt = ["SL1"]\n',
        },
    )
    result = run_cfn_lint(
        tmp_path, "template.yaml", "--format", "json", "--append-rules", PLUGIN_MODULE
    )
    assert reported(result) == []
    errors = [m for m in json.loads(result.stdout) if m["Rule"]["Id"] == "E0002"]
    assert len(errors) == 1
    assert errors[0]["Message"].startswith("Unknown exception while processing rule E9001: ")
    assert "slint cannot check template.yaml: " in errors[0]["Message"]
    assert "tool.slint.selectt: unknown configuration key" in errors[0]["Message"]


def test_cfn_lint_lists_the_rules(project: Path) -> None:
    result = run_cfn_lint(project, "--list-rules", "--append-rules", PLUGIN_MODULE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "W9205: batch-without-partial-failure (slint SL205)" in lines
    assert "E9304: queue-visibility-timeout (slint SL304)" in lines
    assert "W9304: queue-visibility-timeout (slint SL304)" in lines


# -- the rules module, loaded as cfn-lint loads it ----------------------------------------


def test_rules_module_defines_one_rule_per_id() -> None:
    from cfnlint.rules import Rules

    loaded = Rules.create_from_module(PLUGIN_MODULE)
    assert sorted(loaded.keys()) == sorted(i for ids in CFN_LINT_IDS.values() for i in ids)
    rule = loaded["W9205"]
    assert rule.shortdesc == "batch-without-partial-failure (slint SL205)"
    assert rule.description.endswith(
        "when the function has no working partial batch response. "
        "`slint rule SL205` prints its documentation."
    )
    assert rule.source_url == (
        "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html"
    )
    assert rule.severity == "warning"
    assert loaded["E9304"].severity == "error"
    assert loaded["I9503"].severity == "informational"


# -- the mapping ----------------------------------------------------------------------


def test_cfn_lint_id() -> None:
    assert cfn_lint_id("SL301") == "W9301"
    assert cfn_lint_id("sl301") == "W9301"
    assert cfn_lint_id("SL304") == "E9304"
    assert cfn_lint_ids("SL304") == ("E9304", "W9304")
    assert cfn_lint_id("SL503") == "I9503"
    assert cfn_lint_id("SL205") == "W9205"
    # Code rules, parse errors, cfn-lint's own checks, other plugins: no id.
    assert cfn_lint_id("SL101") is None
    assert cfn_lint_id("SL000") is None
    assert cfn_lint_id("SL003") is None
    assert cfn_lint_id("ACM001") is None
    assert cfn_lint_ids("SL101") == ()


def test_mapping_follows_the_rules(registry: Registry) -> None:
    """Each id is `<letter>9<digits of the code>`, the first with the letter of the
    rule's severity; every config and cross rule is mapped or says why not."""
    for code, ids in CFN_LINT_IDS.items():
        rule = registry.by_code[code]
        assert issubclass(rule, (ConfigRule, CrossRule)), code
        assert ids[0][0] == rule.severity.letter, code
        assert all(i[1:] == "9" + code[2:] for i in ids), code
        assert len({i[0] for i in ids}) == len(ids), code
    assert not set(CFN_LINT_IDS) & set(NOT_IN_CFN_LINT)
    assert set(NOT_IN_CFN_LINT) <= set(registry.by_code)
    unmapped = [
        rule.code
        for rule in registry.rules
        if rule.code.startswith("SL")
        and issubclass(rule, (ConfigRule, CrossRule))
        and rule.code not in CFN_LINT_IDS
        and rule.code not in NOT_IN_CFN_LINT
    ]
    assert unmapped == [], (
        "give these rules cfn-lint ids in slint/cfn_lint/__init__.py (CFN_LINT_IDS, when "
        "they report on SAM/CloudFormation templates) or a reason in NOT_IN_CFN_LINT, "
        "and update docs/cfn-lint.md"
    )


def test_importing_the_mapping_does_not_import_cfn_lint() -> None:
    code = "import sys, slint.cfn_lint; print(any(m.startswith('cfnlint') for m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout == "False\n"


def test_slint_check_does_not_import_cfn_lint(project: Path) -> None:
    code = (
        "import sys\n"
        "from slint.cli import main\n"
        "try:\n"
        "    main(['check', '--exit-zero', '--quiet', '.'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(any(m.startswith('cfnlint') for m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "SL205" in result.stdout  # it did check the project
    assert result.stderr == "False\n"


def mapping_table(registry: Registry) -> str:
    """The mapping as docs/cfn-lint.md shows it."""
    lines = [
        "| slint code | name | cfn-lint id | slint severity |",
        "|---|---|---|---|",
    ]
    for code, ids in CFN_LINT_IDS.items():
        rule = registry.by_code[code]
        shown = " / ".join(f"`{i}`" for i in ids)
        lines.append(f"| {code} | {rule.name} | {shown} | {rule.severity.value} |")
    return "\n".join(lines) + "\n"


def test_documented_mapping_is_current(registry: Registry) -> None:
    text = (REPO / "docs" / "cfn-lint.md").read_text("utf-8")
    start = "<!-- mapping: generated from slint.cfn_lint.CFN_LINT_IDS -->\n"
    end = "<!-- end of mapping -->"
    assert start in text and end in text
    documented = text.split(start, 1)[1].split(end, 1)[0]
    assert documented == mapping_table(registry), (
        "docs/cfn-lint.md is out of date; its table should read:\n" + mapping_table(registry)
    )
    for code, reason in NOT_IN_CFN_LINT.items():
        assert f"| {code} | {registry.by_code[code].name} | {reason} |" in text
