"""SL203 unbounded-retries: positions, severities, and every shape of the fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

from config_rule_support import apply_and_recheck, findings, where, yaml
from conftest import lint, write_tree

from slint.diagnostics import Diagnostic, Severity

SERVERLESS = yaml("""\
    service: orders
    provider:
      name: aws
      runtime: python3.12
    functions:
      project:
        handler: project.handler
        events:
          - stream: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1  # orders
          - stream: !GetAtt ClicksStream.Arn
      forever:
        handler: project.forever
        events:
          - stream:
              type: kinesis
              arn: !GetAtt ClicksStream.Arn
              maximumRetryAttempts: -1
              # tuned for the nightly load
              batchSize: 100

      aged:
        handler: project.aged
        events:
          - stream:
              arn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
              maximumRecordAgeInSeconds: -1
      bounded:
        handler: project.bounded
        events:
          - stream:
              arn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
              maximumRetryAttempts: 2
      flow:
        handler: project.flow
        events:
          - stream: {arn: "arn:aws:kinesis:us-east-1:123456789012:stream/x"}
    """)


def _at(found: list[Diagnostic], row: int) -> Diagnostic:
    return next(d for d in found if d.start.row == row)


def test_positions_and_severities(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL203", {"serverless.yml": SERVERLESS})
    assert where(found) == [
        ("serverless.yml", 9, 9),
        ("serverless.yml", 10, 9),
        ("serverless.yml", 17, 11),
        ("serverless.yml", 26, 11),
        ("serverless.yml", 30, 9),
        ("serverless.yml", 36, 9),
    ]
    severities = {d.start.row: d.severity for d in found}
    assert severities == {
        9: Severity.ERROR,
        10: Severity.ERROR,
        17: Severity.ERROR,
        26: Severity.ERROR,
        30: Severity.WARNING,
        36: Severity.ERROR,
    }
    assert "DynamoDB stream source of function `project`" in _at(found, 9).message
    assert "`maximumRetryAttempts: -1`" in _at(found, 17).message
    assert "`maximumRecordAgeInSeconds: -1` and no" in _at(found, 26).message
    assert "does not set `bisectBatchOnFunctionError`" in _at(found, 30).message
    # A flow mapping is left to a human.
    assert _at(found, 36).fix is None


def test_shorthand_becomes_a_mapping_keeping_its_comment(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL203", {"serverless.yml": SERVERLESS})
    expected = SERVERLESS.replace(
        "      - stream: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1  # orders\n",
        "      - stream:\n"
        "          arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1  # orders\n"
        "          maximumRetryAttempts: 3\n"
        "          bisectBatchOnFunctionError: true\n",
    )
    again = apply_and_recheck(tmp_path, _at(found, 9), expected)
    assert len(again) == len(found) - 1


def test_intrinsic_shorthand_becomes_a_mapping(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL203", {"serverless.yml": SERVERLESS})
    expected = SERVERLESS.replace(
        "      - stream: !GetAtt ClicksStream.Arn\n",
        "      - stream:\n"
        "          arn: !GetAtt ClicksStream.Arn\n"
        "          maximumRetryAttempts: 3\n"
        "          bisectBatchOnFunctionError: true\n",
    )
    again = apply_and_recheck(tmp_path, _at(found, 10), expected)
    assert len(again) == len(found) - 1


def test_minus_one_is_replaced_and_bisect_inserted_after_comments(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL203", {"serverless.yml": SERVERLESS})
    expected = SERVERLESS.replace(
        "          maximumRetryAttempts: -1\n"
        "          # tuned for the nightly load\n"
        "          batchSize: 100\n",
        "          maximumRetryAttempts: 3\n"
        "          # tuned for the nightly load\n"
        "          batchSize: 100\n"
        "          bisectBatchOnFunctionError: true\n",
    )
    again = apply_and_recheck(tmp_path, _at(found, 17), expected)
    assert len(again) == len(found) - 1


def test_record_age_minus_one_gets_a_retry_bound(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL203", {"serverless.yml": SERVERLESS})
    expected = SERVERLESS.replace(
        "          maximumRecordAgeInSeconds: -1\n",
        "          maximumRecordAgeInSeconds: -1\n"
        "          maximumRetryAttempts: 3\n"
        "          bisectBatchOnFunctionError: true\n",
    )
    again = apply_and_recheck(tmp_path, _at(found, 26), expected)
    assert len(again) == len(found) - 1


def test_bisect_warning_fix(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL203", {"serverless.yml": SERVERLESS})
    expected = SERVERLESS.replace(
        "          maximumRetryAttempts: 2\n",
        "          maximumRetryAttempts: 2\n          bisectBatchOnFunctionError: true\n",
    )
    again = apply_and_recheck(tmp_path, _at(found, 30), expected)
    assert len(again) == len(found) - 1


def test_crlf_shorthand(tmp_path: Path) -> None:
    text = yaml(
        """\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          project:
            handler: project.handler
            events:
              - stream: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
        """,
        crlf=True,
    )
    found = findings(tmp_path, "SL203", {"serverless.yml": text})
    assert where(found) == [("serverless.yml", 9, 9)]
    expected = text.replace(
        "      - stream: arn:aws:kinesis:us-east-1:123456789012:stream/clicks\r\n",
        "      - stream:\r\n"
        "          arn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks\r\n"
        "          maximumRetryAttempts: 3\r\n"
        "          bisectBatchOnFunctionError: true\r\n",
    )
    assert apply_and_recheck(tmp_path, found[0], expected) == []


def test_shorthand_follows_the_files_indentation(tmp_path: Path) -> None:
    text = yaml("""\
        service: orders
        provider:
            name: aws
            runtime: python3.12
        functions:
            project:
                handler: project.handler
                events:
                    - stream: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
        """)
    found = findings(tmp_path, "SL203", {"serverless.yml": text})
    expected = text.replace(
        "            - stream: arn:aws:kinesis:us-east-1:123456789012:stream/clicks\n",
        "            - stream:\n"
        "                  arn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks\n"
        "                  maximumRetryAttempts: 3\n"
        "                  bisectBatchOnFunctionError: true\n",
    )
    assert apply_and_recheck(tmp_path, found[0], expected) == []


def test_sam_and_cloudformation(tmp_path: Path) -> None:
    sam = yaml("""\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
        Resources:
          Projector:
            Type: AWS::Serverless::Function
            Properties:
              Handler: project.handler
              Events:
                Orders:
                  Type: DynamoDB
                  Properties:
                    Stream: !GetAtt OrdersTable.StreamArn
                    StartingPosition: TRIM_HORIZON  # replay everything
        """)
    cfn = yaml("""\
        Resources:
          Projector:
            Type: AWS::Lambda::Function
            Properties:
              Handler: project.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/projector
              Code: {S3Bucket: a, S3Key: b}
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Projector
              EventSourceArn: !GetAtt Clicks.Arn
              StartingPosition: LATEST
              MaximumRetryAttempts: -1
          Clicks:
            Type: AWS::Kinesis::Stream
            Properties:
              ShardCount: 1
        """)
    found = findings(tmp_path, "SL203", {"sam/template.yaml": sam, "cfn/template.yaml": cfn})
    assert where(found) == [("cfn/template.yaml", 15, 7), ("sam/template.yaml", 11, 9)]
    cfn_finding, sam_finding = sorted(found, key=lambda d: d.path)
    apply_and_recheck(
        tmp_path,
        sam_finding,
        sam.replace(
            "            StartingPosition: TRIM_HORIZON  # replay everything\n",
            "            StartingPosition: TRIM_HORIZON  # replay everything\n"
            "            MaximumRetryAttempts: 3\n"
            "            BisectBatchOnFunctionError: true\n",
        ),
    )
    again = apply_and_recheck(
        tmp_path,
        cfn_finding,
        cfn.replace(
            "      MaximumRetryAttempts: -1\n",
            "      MaximumRetryAttempts: 3\n      BisectBatchOnFunctionError: true\n",
        ),
    )
    assert again == []


def test_json_template_gets_the_replacement_only(tmp_path: Path) -> None:
    text = """{
  "Resources": {
    "Projector": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"Handler": "p.handler", "Runtime": "python3.12", "Role": "r",
                     "Code": {"S3Bucket": "a", "S3Key": "b"}}
    },
    "Mapping": {
      "Type": "AWS::Lambda::EventSourceMapping",
      "Properties": {
        "FunctionName": {"Ref": "Projector"},
        "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
        "MaximumRetryAttempts": -1
      }
    }
  }
}
"""
    found = findings(tmp_path, "SL203", {"template.json": text})
    assert where(found) == [("template.json", 13, 9)]
    again = apply_and_recheck(
        tmp_path, found[0], text.replace('"MaximumRetryAttempts": -1', '"MaximumRetryAttempts": 3')
    )
    # Bisecting cannot be inserted into JSON: it stays a warning without a fix.
    assert where(again) == [("template.json", 8, 5)]
    assert again[0].severity is Severity.WARNING and again[0].fix is None


def test_unknown_and_disabled_are_silent(tmp_path: Path) -> None:
    text = yaml("""\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          project:
            handler: project.handler
            events:
              - stream:
                  arn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
                  maximumRetryAttempts: ${ssm:/orders/retries}
              - stream:
                  arn: arn:aws:kinesis:us-east-1:123456789012:stream/old
                  enabled: false
        """)
    assert findings(tmp_path, "SL203", {"serverless.yml": text}) == []


def test_event_properties_decided_at_deploy_time_are_not_reported(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "template.yaml": textwrap.dedent("""\
                Transform: AWS::Serverless-2016-10-31
                Conditions:
                  Prod: !Equals [!Ref "AWS::StackName", prod]
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Events:
                        Changes:
                          Type: DynamoDB
                          Properties: !If
                            - Prod
                            - {Stream: arn:aws:dynamodb:x, StartingPosition: LATEST}
                            - {Stream: arn:aws:dynamodb:y, StartingPosition: LATEST}
                """)
        },
    )
    assert lint(tmp_path, select=["SL203"]).diagnostics == []


def test_event_source_mapping_of_a_function_deployed_elsewhere(tmp_path: Path) -> None:
    """A template that only wires a stream to another stack's function (by name, ARN or
    import): the mapping is reported and fixed all the same."""
    text = yaml("""\
        Resources:
          Orders:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !ImportValue OrdersProcessorArn
              EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/orders
              StartingPosition: LATEST
          Bounded:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: arn:aws:lambda:us-east-1:123456789012:function:audit
              EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/audit
              StartingPosition: LATEST
              MaximumRetryAttempts: 3
              BisectBatchOnFunctionError: true
        """)
    found = findings(tmp_path, "SL203", {"wiring.yaml": text})
    assert where(found) == [("wiring.yaml", 2, 3)]
    assert "function `!ImportValue OrdersProcessorArn`" in found[0].message
    expected = text.replace(
        "      StartingPosition: LATEST\n  Bounded:",
        "      StartingPosition: LATEST\n      MaximumRetryAttempts: 3\n"
        "      BisectBatchOnFunctionError: true\n  Bounded:",
    )
    assert apply_and_recheck(tmp_path, found[0], expected) == []
