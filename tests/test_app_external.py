"""Templates with no function of their own: the wiring of functions deployed elsewhere
(event source mappings, invoke configs, execution roles) -> external functions."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import codes_at, lint, write_tree

from slint.app.loader import load_config
from slint.app.model import App, Unknown
from slint.app.sniff import config_kind, looks_like_config

STREAMS = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ProcessorName:
    Type: String
Resources:
  OrdersStream:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: orders-processor
      EventSourceArn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024
      StartingPosition: LATEST
  ClicksStream:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: arn:aws:lambda:us-east-1:123456789012:function:clicks:live
      EventSourceArn: !ImportValue ClicksStreamArn
      StartingPosition: LATEST
      MaximumRetryAttempts: 2
      BisectBatchOnFunctionError: true
      DestinationConfig:
        OnFailure:
          Destination: arn:aws:sqs:us-east-1:123456789012:clicks-failed
  AuditStream:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !ImportValue AuditFunctionArn
      EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/audit
      StartingPosition: TRIM_HORIZON
      MaximumRetryAttempts: -1
  ParamStream:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref ProcessorName
      EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/param
      StartingPosition: LATEST
  InvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: orders-processor
      Qualifier: $LATEST
      MaximumRetryAttempts: 1
"""


def load_app(root: Path, text: str, name: str = "streams.yaml") -> App:
    write_tree(root, {name: textwrap.dedent(text).lstrip("\n")})
    path = root / name
    kind = config_kind(path)
    assert kind == "template"
    app = load_config(path, name, path.read_text(), kind)
    assert isinstance(app, App), app
    return app


def test_external_functions_are_known_by_name_only(tmp_path: Path) -> None:
    app = load_app(tmp_path, STREAMS)
    assert app.functions == []
    externals = {f.name: f for f in app.external_functions}
    assert list(externals) == [
        "orders-processor",
        "clicks",
        "!ImportValue AuditFunctionArn",
        "!Ref ProcessorName",
    ]
    assert app.all_functions == app.external_functions
    orders = externals["orders-processor"]
    assert orders.external and not orders.has_code_link and not orders.links_python
    assert orders.handler_ref is None and orders.code_dir is None
    for setting in (orders.runtime, orders.handler, orders.timeout, orders.memory):
        assert isinstance(setting.value, Unknown) and not setting.known
    assert isinstance(orders.dead_letter.value if orders.dead_letter else None, Unknown)
    assert (orders.file, orders.at.row, orders.at.column) == ("streams.yaml", 6, 3)
    [event] = orders.events
    assert (event.kind, event.stream_type, event.name) == ("stream", "dynamodb", "OrdersStream")
    assert not event.maximum_retry_attempts.present  # type: ignore[union-attr]
    assert orders.async_retry_attempts is not None and orders.async_retry_attempts.value == 1
    clicks = externals["clicks"].events[0]
    assert (clicks.kind, clicks.stream_type) == ("stream", "dynamodb")  # from its name
    audit = externals["!ImportValue AuditFunctionArn"].events[0]
    assert (audit.kind, audit.stream_type) == ("stream", "kinesis")


def test_functions_of_the_template_are_not_external(tmp_path: Path) -> None:
    text = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          FunctionName: !Sub ${AWS::StackName}-worker
      ByName:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Sub ${AWS::StackName}-worker
          EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/a
      ByRef:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Ref Worker
          EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/b
      BySub:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}
          EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/c
      ToAlias:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Ref WorkerAlias
          EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/d
      Elsewhere:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: other-stack-fn
          EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/e
    """
    app = load_app(tmp_path, text, "template.yaml")
    [worker] = app.functions
    assert [e.name for e in worker.events] == ["ByName", "ByRef", "BySub"]
    assert [f.name for f in app.external_functions] == ["other-stack-fn"]


def test_discovery_by_content(tmp_path: Path) -> None:
    invoke = "Resources:\n  C:\n    Type: AWS::Lambda::EventInvokeConfig\n"
    role = (
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument:\n        Statement:\n"
        "          - Principal: {Service: lambda.amazonaws.com}\n"
    )
    json_mapping = '{"Resources": {"M": {"Type": "AWS::Lambda::EventSourceMapping"}}}'
    other_role = role.replace("lambda.amazonaws.com", "ecs-tasks.amazonaws.com")
    write_tree(
        tmp_path,
        {
            "invoke.yaml": invoke,
            "roles.yml": role,
            "mapping.json": json_mapping,
            "ecs.yaml": other_role,
            "notes.yaml": "text: AWS::Lambda::EventSourceMapping\n",
        },
    )
    assert config_kind(tmp_path / "invoke.yaml") == "template"
    assert config_kind(tmp_path / "roles.yml") == "template"
    assert config_kind(tmp_path / "mapping.json") == "template"
    assert config_kind(tmp_path / "ecs.yaml") is None
    assert config_kind(tmp_path / "notes.yaml") is None  # no top-level Resources
    assert looks_like_config(tmp_path / "roles.yml", role) == "template"


def test_wiring_rules_report_external_functions(tmp_path: Path) -> None:
    write_tree(tmp_path, {"streams.yaml": textwrap.dedent(STREAMS).lstrip("\n")})
    result = lint(tmp_path, select=["SL202", "SL203"])
    assert not result.errors
    assert sorted(codes_at(result.diagnostics)) == [
        ("streams.yaml", "SL202", 6, 3),
        ("streams.yaml", "SL202", 23, 3),
        ("streams.yaml", "SL202", 30, 3),
        ("streams.yaml", "SL203", 6, 3),
        ("streams.yaml", "SL203", 29, 7),  # its `MaximumRetryAttempts: -1`
        ("streams.yaml", "SL203", 30, 3),
    ]
    by_row = {(d.code, d.start.row): d for d in result.diagnostics}
    assert "function `orders-processor`" in by_row[("SL202", 6)].message
    assert "function `!ImportValue AuditFunctionArn`" in by_row[("SL203", 29)].message
    fix = by_row[("SL203", 6)].fix
    assert fix is not None and fix.edits


def test_queues_feeding_external_functions(tmp_path: Path) -> None:
    """A queue of the template read by a function deployed elsewhere: SL202 wants its
    dead-letter queue; SL304 cannot know the function's timeout and stays silent."""
    template = """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Jobs:
            Type: AWS::SQS::Queue
            Properties:
              VisibilityTimeout: 10
          JobsMapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              EventSourceArn: !GetAtt Jobs.Arn
              FunctionName: orders-worker
          Dlq:
            Type: AWS::SQS::Queue
          Retried:
            Type: AWS::SQS::Queue
            Properties:
              RedrivePolicy:
                deadLetterTargetArn: !GetAtt Dlq.Arn
                maxReceiveCount: 3
          RetriedMapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              EventSourceArn: !GetAtt Retried.Arn
              FunctionName: !ImportValue WorkerArn
        """
    write_tree(tmp_path, {"queues.yaml": textwrap.dedent(template)})
    result = lint(tmp_path, select=["SL202", "SL304"])
    assert not result.errors
    assert codes_at(result.diagnostics) == [("queues.yaml", "SL202", 3, 3)]
    assert "feeds `orders-worker`" in result.diagnostics[0].message


def test_rules_about_settings_and_code_skip_external_functions(tmp_path: Path) -> None:
    write_tree(tmp_path, {"streams.yaml": textwrap.dedent(STREAMS).lstrip("\n")})
    codes = ["SL001", "SL002", "SL106", "SL107", "SL301", "SL302", "SL303"]
    codes += ["SL503", "SL504", "SL603", "SL604", "SL201"]
    result = lint(tmp_path, select=codes)
    assert not result.errors
    assert codes_at(result.diagnostics) == []


ROLES = """
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: [lambda.amazonaws.com]
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - arn:aws:iam::aws:policy/AmazonS3FullAccess
      Policies:
        - PolicyName: worker
          PolicyDocument:
            Statement:
              Effect: Allow
              Action: "*"
              Resource: !GetAtt Table.Arn
  ScopedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: !Sub "lambda.${AWS::URLSuffix}"}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: scoped
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: dynamodb:*
                Resource: !GetAtt Table.Arn
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      Roles: [!Ref WorkerRole, !Ref ScopedRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sqs:*
            Resource: "*"
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: admin
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: "*", Resource: "*"}
"""


def test_wildcard_permissions_on_roles_for_functions_deployed_elsewhere(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"roles.yaml": textwrap.dedent(ROLES).lstrip("\n")})
    result = lint(tmp_path, select=["SL602"])
    assert not result.errors
    assert codes_at(result.diagnostics) == [
        ("roles.yaml", "SL602", 14, 11),
        ("roles.yaml", "SL602", 20, 15),
        ("roles.yaml", "SL602", 45, 13),
    ]
    managed, everything, shared = result.diagnostics
    assert "`AmazonS3FullAccess`" in managed.message
    assert "the functions that assume role `WorkerRole`" in everything.message
    assert "roles `WorkerRole`, `ScopedRole`" in shared.message
    # The ECS task role is not a Lambda execution role: its `*` is another rule's matter.
    assert all("TaskRole" not in d.message for d in result.diagnostics)


def test_execution_roles_of_a_template_with_functions_are_read_through_them(
    tmp_path: Path,
) -> None:
    """With functions of its own, a template's roles are judged through the functions
    that use them (an unused role stays silent, as before)."""
    text = textwrap.dedent(ROLES).lstrip("\n") + (
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Handler: app.handler\n"
        "      Runtime: python3.12\n"
        "      Role: !GetAtt ScopedRole.Arn\n"
        '      Code: {ZipFile: "def handler(e, c): pass"}\n'
    )
    write_tree(tmp_path, {"template.yaml": text})
    result = lint(tmp_path, select=["SL602"])
    assert codes_at(result.diagnostics) == [("template.yaml", "SL602", 45, 13)]
    assert "function `Fn`" in result.diagnostics[0].message
