"""SL304 queue-visibility-timeout: severities, positions, fixes (replace and insert)."""

from __future__ import annotations

from pathlib import Path

from config_rule_support import apply_and_recheck, findings, where, yaml

from slint.diagnostics import Severity

SERVERLESS = yaml("""\
    service: jobs
    provider:
      name: aws
      runtime: python3.12
    functions:
      slow:
        handler: jobs.slow
        timeout: 120
        events:
          - sqs:
              arn: !GetAtt SlowQueue.Arn
      fast:
        handler: jobs.fast
        timeout: 10
        events:
          - sqs:
              arn: !GetAtt FastQueue.Arn
      also:
        handler: jobs.also
        timeout: 20
        events:
          - sqs:
              arn:
                Fn::GetAtt: [FastQueue, Arn]
      outside:
        handler: jobs.outside
        timeout: 300
        events:
          - sqs: arn:aws:sqs:us-east-1:123456789012:elsewhere
    resources:
      Resources:
        SlowQueue:
          Type: AWS::SQS::Queue
          Properties:
            VisibilityTimeout: 60  # seconds
        FastQueue:
          Type: AWS::SQS::Queue
          Properties:
            # FIFO would need a .fifo name
            QueueName: fast
    """)


def test_error_and_warning_positions(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL304", {"serverless.yml": SERVERLESS})
    assert where(found) == [("serverless.yml", 35, 9), ("serverless.yml", 36, 5)]
    slow, fast = sorted(found, key=lambda d: d.start)
    assert slow.severity is Severity.ERROR
    assert "shorter than the timeout 120 s of function `slow`" in slow.message
    assert fast.severity is Severity.WARNING
    # Two consumers: the longer timeout (20 s) counts.
    assert "default visibility timeout (30 s), less than 6 times" in fast.message
    assert "function `also`" in fast.message
    assert "set `VisibilityTimeout` to 120 or more" in fast.message


def test_fix_replaces_the_value_keeping_the_comment(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL304", {"serverless.yml": SERVERLESS})
    slow = min(found, key=lambda d: d.start)
    expected = SERVERLESS.replace(
        "VisibilityTimeout: 60  # seconds", "VisibilityTimeout: 720  # seconds"
    )
    again = apply_and_recheck(tmp_path, slow, expected)
    assert where(again) == [("serverless.yml", 36, 5)]


def test_fix_inserts_into_properties(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL304", {"serverless.yml": SERVERLESS})
    fast = max(found, key=lambda d: d.start)
    expected = SERVERLESS.replace(
        "        QueueName: fast\n", "        QueueName: fast\n        VisibilityTimeout: 120\n"
    )
    again = apply_and_recheck(tmp_path, fast, expected)
    assert where(again) == [("serverless.yml", 35, 9)]


def test_sam_globals_crlf_quoted_value(tmp_path: Path) -> None:
    text = yaml(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Timeout: 30
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Handler: worker.handler
              Events:
                Jobs:
                  Type: SQS
                  Properties:
                    Queue: !GetAtt Jobs.Arn
          Jobs:
            Type: AWS::SQS::Queue
            Properties:
              VisibilityTimeout: '90'
        """,
        crlf=True,
    )
    found = findings(tmp_path, "SL304", {"template.yaml": text})
    assert where(found) == [("template.yaml", 19, 7)]
    assert found[0].severity is Severity.WARNING
    expected = text.replace("VisibilityTimeout: '90'\r\n", "VisibilityTimeout: '180'\r\n")
    assert apply_and_recheck(tmp_path, found[0], expected) == []


def test_cloudformation_event_source_mapping(tmp_path: Path) -> None:
    text = yaml("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Worker:
            Type: AWS::Lambda::Function
            Properties:
              Handler: worker.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/worker
              Code: {S3Bucket: a, S3Key: b}
              Timeout: 45
          Jobs:
            Type: AWS::SQS::Queue
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !GetAtt Worker.Arn
              EventSourceArn: !GetAtt Jobs.Arn
        """)
    found = findings(tmp_path, "SL304", {"template.yaml": text})
    assert where(found) == [("template.yaml", 11, 3)]
    assert found[0].severity is Severity.ERROR
    # A queue without Properties: the message says what to set, no automatic fix.
    assert found[0].fix is None
    assert "set `VisibilityTimeout` to 270" in found[0].message


def test_unknown_values_are_silent(tmp_path: Path) -> None:
    text = yaml("""\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Visibility:
            Type: Number
          Timeout:
            Type: Number
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Handler: worker.handler
              Runtime: python3.12
              Timeout: 60
              Events:
                Jobs:
                  Type: SQS
                  Properties:
                    Queue: !GetAtt Jobs.Arn
          Other:
            Type: AWS::Serverless::Function
            Properties:
              Handler: worker.other
              Runtime: python3.12
              Timeout: !Ref Timeout
              Events:
                Jobs:
                  Type: SQS
                  Properties:
                    Queue: !GetAtt OtherJobs.Arn
          Jobs:
            Type: AWS::SQS::Queue
            Properties:
              VisibilityTimeout: !Ref Visibility
          OtherJobs:
            Type: AWS::SQS::Queue
        """)
    assert findings(tmp_path, "SL304", {"template.yaml": text}) == []


def test_shorthand_intrinsic_arn(tmp_path: Path) -> None:
    text = yaml("""\
        service: jobs
        provider:
          name: aws
          runtime: python3.12
        functions:
          worker:
            handler: jobs.worker
            timeout: 30
            events:
              - sqs: !GetAtt Jobs.Arn
        resources:
          Resources:
            Jobs:
              Type: AWS::SQS::Queue
              Properties:
                VisibilityTimeout: 30
        """)
    found = findings(tmp_path, "SL304", {"serverless.yml": text})
    assert where(found) == [("serverless.yml", 16, 9)]
    assert found[0].severity is Severity.WARNING
    expected = text.replace("VisibilityTimeout: 30\n", "VisibilityTimeout: 180\n")
    assert apply_and_recheck(tmp_path, found[0], expected) == []
