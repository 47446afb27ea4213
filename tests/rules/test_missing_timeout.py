"""SL301 missing-timeout: positions in every format, the fix applied, unknown values."""

from __future__ import annotations

from pathlib import Path

from config_rule_support import apply_and_recheck, findings, where, yaml

from slint.diagnostics import Severity

SERVERLESS = yaml("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
    functions:
      create:
        handler: shop.create
        timeout: 15
      list:
        handler: shop.list_items
        events:
          - httpApi: GET /items
      nightly:
        handler: shop.nightly
        # runs once a day
        events:
          - schedule: rate(1 day)

      legacy: {handler: shop.legacy}
    """)

SAM = yaml("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: python3.12
    Resources:
      Api:
        Type: AWS::Serverless::Function
        Properties:
          Handler: api.handler
          Events:
            Get:
              Type: Api
              Properties:
                Path: /items
                Method: get
      Tuned:
        Type: AWS::Serverless::Function
        Properties:
          Handler: api.tuned
          Timeout: 20
    """)

CFN_JSON = """{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Worker": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Handler": "worker.handler",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::123456789012:role/worker",
        "Code": {"S3Bucket": "artifacts", "S3Key": "worker.zip"}
      }
    }
  }
}
"""


def test_positions_in_a_multi_format_project(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        "SL301",
        {"serverless.yml": SERVERLESS, "sam/template.yaml": SAM, "cfn/worker.json": CFN_JSON},
    )
    assert where(found) == [
        ("cfn/worker.json", 4, 5),
        ("sam/template.yaml", 7, 3),
        ("serverless.yml", 9, 3),
        ("serverless.yml", 13, 3),
        ("serverless.yml", 19, 3),
    ]
    assert {d.severity for d in found} == {Severity.WARNING}
    by_place = {(d.path, d.start.row): d for d in found}
    assert "`list`" in by_place["serverless.yml", 9].message
    assert "default 6 s" in by_place["serverless.yml", 9].message
    assert "default 3 s" in by_place["sam/template.yaml", 7].message
    # A flow mapping and JSON get no automatic fix.
    assert by_place["serverless.yml", 19].fix is None
    assert by_place["cfn/worker.json", 4].fix is None


def test_fix_inserts_timeout_after_the_last_setting_keeping_comments(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL301", {"serverless.yml": SERVERLESS})
    nightly = next(d for d in found if "`nightly`" in d.message)
    expected = SERVERLESS.replace(
        "      - schedule: rate(1 day)\n",
        "      - schedule: rate(1 day)\n    timeout: 10\n",
    )
    again = apply_and_recheck(tmp_path, nightly, expected)
    assert where(again) == [("serverless.yml", 9, 3), ("serverless.yml", 20, 3)]


def test_fix_value_is_capped_by_the_api_limit(tmp_path: Path) -> None:
    files = {
        "serverless.yml": yaml("""\
            service: shop
            provider:
              name: aws
              runtime: python3.12
            functions:
              rest:
                handler: shop.rest
                events:
                  - http: GET /rest
              http:
                handler: shop.http
                events:
                  - httpApi: GET /http
              batch:
                handler: shop.batch
            """),
        "slint.toml": "default-timeout = 60\n",
    }
    found = findings(tmp_path, "SL301", files)
    values = {d.start.row: d.fix.edits[0].content for d in found if d.fix}
    assert values == {6: "    timeout: 29\n", 10: "    timeout: 30\n", 14: "    timeout: 60\n"}


def test_sam_crlf_fix_keeps_line_endings(tmp_path: Path) -> None:
    text = SAM.replace("\n", "\r\n")
    found = findings(tmp_path, "SL301", {"template.yaml": text})
    assert where(found) == [("template.yaml", 7, 3)]
    expected = text.replace(
        "            Method: get\r\n",
        "            Method: get\r\n      Timeout: 10\r\n",
    )
    assert apply_and_recheck(tmp_path, found[0], expected) == []


def test_cloudformation_yaml_fix(tmp_path: Path) -> None:
    text = yaml("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Worker:
            Type: AWS::Lambda::Function
            Properties:
              Handler: worker.handler
              Runtime: python3.12
              Role: !GetAtt WorkerRole.Arn
              Code:
                S3Bucket: artifacts
                S3Key: worker.zip
          WorkerRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {}
        """)
    found = findings(tmp_path, "SL301", {"template.yaml": text})
    assert where(found) == [("template.yaml", 3, 3)]
    expected = text.replace(
        "        S3Key: worker.zip\n", "        S3Key: worker.zip\n      Timeout: 10\n"
    )
    assert apply_and_recheck(tmp_path, found[0], expected) == []


def test_inherited_and_unknown_timeouts_are_silent(tmp_path: Path) -> None:
    files = {
        "serverless.yml": yaml("""\
            service: shop
            provider:
              name: aws
              runtime: python3.12
              timeout: ${ssm:/shop/timeout}
            functions:
              create:
                handler: shop.create
            """),
        "sam/template.yaml": yaml("""\
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Timeout:
                Type: Number
            Conditions:
              Long: !Equals [!Ref Timeout, 0]
            Globals:
              Function:
                Timeout: !Ref Timeout
            Resources:
              Api:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: api.handler
                  Runtime: python3.12
              Other:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: api.other
                  Runtime: python3.12
                  Timeout: !If [Long, 60, 10]
            """),
    }
    assert findings(tmp_path, "SL301", files) == []


def test_yaml_suppression_comment(tmp_path: Path) -> None:
    text = yaml("""\
        service: shop
        provider:
          name: aws
          runtime: python3.12
        functions:
          # slint: ignore[SL301]
          create:
            handler: shop.create
          report:  # slint: ignore[SL301]
            handler: shop.report
        """)
    assert findings(tmp_path, "SL301", {"serverless.yml": text}) == []


def test_sam_ignore_globals_timeout_is_reported_and_fixed_on_the_function(
    tmp_path: Path,
) -> None:
    """`IgnoreGlobals: [Timeout]` / `'*'`: the function does not inherit
    `Globals.Function.Timeout`, so it runs with the 3 s default; a function that
    ignores other Globals only keeps the inherited timeout (near-miss)."""
    text = yaml("""\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Timeout: 30
            MemorySize: 512
        Resources:
          OptsOut:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [Timeout]
            Properties:
              Handler: api.handler
          IgnoresAll:
            Type: AWS::Serverless::Function
            IgnoreGlobals: '*'
            Properties:
              Handler: api.other
              Runtime: python3.12
          KeepsTimeout:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [MemorySize]
            Properties:
              Handler: api.third
        """)
    found = findings(tmp_path, "SL301", {"template.yaml": text})
    assert where(found) == [("template.yaml", 8, 3), ("template.yaml", 13, 3)]
    opts_out = found[0]
    # Globals cannot give it a timeout: the message does not suggest them.
    assert "Globals.Function.Timeout" not in opts_out.message
    assert "set `Timeout` to the time the work needs" in opts_out.message
    expected = text.replace(
        "      Handler: api.handler\n", "      Handler: api.handler\n      Timeout: 10\n"
    )
    again = apply_and_recheck(tmp_path, opts_out, expected)
    assert where(again) == [("template.yaml", 14, 3)]
