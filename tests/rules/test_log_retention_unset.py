"""SL504 log-retention-unset: positions per format, fixes applied and re-linted, CRLF."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import apply_all, findings
from conftest import codes_at

from slint.diagnostics import Applicability

CODE = "SL504"


SERVERLESS = dedent(
    """\
    service: shop
    provider:
      name: aws
      runtime: python3.12
      iam:
        role:
          statements: []

    functions:
      api:
        handler: app.handler
      worker:
        handler: worker.handler
    """
)


def test_serverless_once_at_provider_and_safe_fix(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"serverless.yml": SERVERLESS})
    assert codes_at(found) == [("serverless.yml", CODE, 2, 1)]
    assert "functions `api`, `worker`" in found[0].message
    assert found[0].fix is not None and found[0].fix.applicability is Applicability.SAFE
    fixed = apply_all(tmp_path, "serverless.yml", found)
    # After the nested `iam` block, before the blank line, at provider's indentation.
    assert fixed == SERVERLESS.replace(
        "      statements: []\n", "      statements: []\n  logRetentionInDays: 30\n"
    )
    assert findings(tmp_path, CODE, {}) == []


def test_serverless_per_function_when_one_sets_its_own(tmp_path: Path) -> None:
    text = dedent(
        """\
        service: shop
        provider:
          name: aws
        functions:
          api:
            handler: app.handler
            logRetentionInDays: 7
          worker:
            handler: worker.handler
            events:
              - sqs: arn:aws:sqs:eu-west-1:123456789012:jobs
          quiet:
            handler: quiet.handler
            disableLogs: true
        """
    )
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    assert codes_at(found) == [("serverless.yml", CODE, 8, 3)]
    fixed = apply_all(tmp_path, "serverless.yml", found)
    assert fixed == text.replace(
        "      - sqs: arn:aws:sqs:eu-west-1:123456789012:jobs\n",
        "      - sqs: arn:aws:sqs:eu-west-1:123456789012:jobs\n    logRetentionInDays: 30\n",
    )
    assert findings(tmp_path, CODE, {}) == []


def test_serverless_log_group_resource_with_the_deployed_name(tmp_path: Path) -> None:
    text = dedent(
        """\
        service: shop
        provider:
          name: aws
          stage: prod
        functions:
          api:
            handler: app.handler
        resources:
          Resources:
            ApiLogs:
              Type: AWS::Logs::LogGroup
              Properties:
                LogGroupName: /aws/lambda/${self:service}-${self:provider.stage}-api
                RetentionInDays: 14
        """
    )
    assert findings(tmp_path, CODE, {"serverless.yml": text}) == []


def test_sam_positions_and_display_only_fix(tmp_path: Path) -> None:
    text = dedent(
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          ApiFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
          NamedFunction:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: !Sub "${AWS::StackName}-named"
              Handler: named.handler
              Runtime: python3.12
          NamedLogs:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !Sub "/aws/lambda/${AWS::StackName}-named"
              RetentionInDays: 30
          Queue:
            Type: AWS::SQS::Queue
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 4, 3)]
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.DISPLAY_ONLY
    fixed = apply_all(tmp_path, "template.yaml", found)
    assert fixed.endswith(
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "  ApiFunctionLogGroup:\n"
        "    Type: AWS::Logs::LogGroup\n"
        "    Properties:\n"
        "      LogGroupName: !Sub /aws/lambda/${ApiFunction}\n"
        "      RetentionInDays: 30\n"
    )
    assert findings(tmp_path, CODE, {}) == []


def test_cloudformation_log_group_without_retention_is_reported_on_it(tmp_path: Path) -> None:
    text = dedent(
        """\
        Resources:
          A:
            Type: AWS::Lambda::Function
            Properties:
              Handler: a.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/fn
              Code: {ZipFile: "def handler(e, c): pass"}
              LoggingConfig:
                LogGroup: !Ref Shared
          B:
            Type: AWS::Lambda::Function
            Properties:
              Handler: b.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/fn
              Code: {ZipFile: "def handler(e, c): pass"}
              LoggingConfig:
                LogGroup: shared-logs
          Shared:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: shared-logs
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    # One finding for the shared log group, not one per function.
    assert codes_at(found) == [("template.yaml", CODE, 20, 3)]
    fixed = apply_all(tmp_path, "template.yaml", found)
    assert fixed.endswith("      LogGroupName: shared-logs\n      RetentionInDays: 30\n")
    assert findings(tmp_path, CODE, {}) == []


def test_cdk_log_retention_custom_resource_counts(tmp_path: Path) -> None:
    text = dedent(
        """\
        Resources:
          Fn9A5B1B1F:
            Type: AWS::Lambda::Function
            Properties:
              Handler: index.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/fn
              Code: {ZipFile: "def handler(e, c): pass"}
          FnLogRetention1B2C3D4E:
            Type: Custom::LogRetention
            Properties:
              ServiceToken: arn:aws:lambda:eu-west-1:123456789012:function:x
              LogGroupName:
                Fn::Join:
                  - ""
                  - - /aws/lambda/
                    - Ref: Fn9A5B1B1F
              RetentionInDays: 7
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []


def test_unknown_log_group_names_are_silent(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
          Logs:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !If [IsProd, /aws/lambda/prod, /aws/lambda/dev]
              RetentionInDays: 30
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []


def test_crlf_file(tmp_path: Path) -> None:
    text = SERVERLESS.replace("\n", "\r\n")
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    assert codes_at(found) == [("serverless.yml", CODE, 2, 1)]
    fixed = apply_all(tmp_path, "serverless.yml", found)
    assert "statements: []\r\n  logRetentionInDays: 30\r\n\r\nfunctions:" in fixed
    assert findings(tmp_path, CODE, {}) == []
