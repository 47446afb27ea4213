"""Plain CloudFormation templates (CDK output included) -> the application model, and
how templates are recognised by their content."""

from __future__ import annotations

import shutil
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, codes_at, lint, write_tree

import slint.app.loader
from slint.app.loader import load_config
from slint.app.model import App, Function, Unknown, deploy_default_origin
from slint.app.sniff import config_kind
from slint.diagnostics import Location


def load_app(path: Path, display: str) -> App:
    kind = config_kind(path)
    assert kind == "template", path
    app = load_config(path, display, path.read_text(encoding="utf-8-sig"), kind)
    assert isinstance(app, App), app
    return app


def load_text(root: Path, text: str, name: str = "template.yaml") -> App:
    write_tree(root, {name: textwrap.dedent(text).lstrip("\n")})
    return load_app(root / name, name)


def by_name(app: App) -> dict[str, Function]:
    return {function.name: function for function in app.functions}


@pytest.fixture
def cfn_project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "cfn_project", tmp_path / "p")
    return tmp_path / "p"


def test_plain_cloudformation_in_json(cfn_project: Path) -> None:
    app = load_app(cfn_project / "stack.json", "stack.json")
    assert app.format == "cloudformation"
    functions = by_name(app)
    assert list(functions) == ["ResizeFunction", "AuditFunction", "InlineFunction"]
    resize, audit, inline = functions.values()
    assert resize.at == Location(40, 5)
    assert resize.runtime.value == "python3.12"
    assert resize.timeout.value == 60 and resize.timeout.at == Location(47, 9)
    assert resize.memory.value == 1024
    assert resize.tracing is not None and resize.tracing.value == "Active"
    assert resize.tracing.at == Location(49, 27)
    assert resize.dead_letter is not None and resize.dead_letter.present
    # AWS::Lambda::EventInvokeConfig (its retry count is a Number parameter's default).
    assert resize.on_failure is not None and resize.on_failure.at == Location(95, 31)
    assert resize.async_retry_attempts is not None
    assert resize.async_retry_attempts.value == 2
    # AWS::S3::Bucket notification (the Permission for the same bucket adds nothing).
    assert [(e.kind, e.type_name, e.source) for e in resize.events] == [
        ("s3", "AWS::S3::Bucket", "ImagesBucket")
    ]
    assert resize.events[0].at == Location(107, 13)
    # The role's inline policy and the AWS::IAM::Policy attached to the role.
    assert [s.actions for s in resize.statements] == [
        ["s3:GetObject", "s3:PutObject"],
        ["sqs:*"],
    ]
    # AWS::Lambda::EventSourceMapping, AWS::Lambda::Url, LoggingConfig -> AWS::Logs::LogGroup.
    (mapping,) = audit.events
    assert (mapping.kind, mapping.source, mapping.name) == ("sqs", "Jobs", "JobsMapping")
    assert mapping.batch_size is not None and mapping.batch_size.value == 10
    assert mapping.at == Location(81, 5)
    assert audit.url_auth is not None and audit.url_auth.value == "AWS_IAM"
    assert audit.log_retention is not None and audit.log_retention.value == 90
    assert audit.timeout.value is None and audit.timeout.at == audit.node.loc
    assert inline.inline_code and inline.handler_ref is None and inline.code_dir is None
    assert app.queues["Jobs"].visibility_timeout.value == 300


def test_local_code_paths_link_handlers(cfn_project: Path) -> None:
    functions = by_name(load_app(cfn_project / "stack.json", "stack.json"))
    resize_ref = functions["ResizeFunction"].handler_ref
    audit_ref = functions["AuditFunction"].handler_ref
    assert resize_ref is not None and audit_ref is not None
    assert resize_ref.module_path == (cfn_project / "lambda/resize/main.py").resolve()
    assert (audit_ref.module_path, audit_ref.function) == (
        (cfn_project / "lambda/audit/app.py").resolve(),
        "record",
    )


CODE_LOCATIONS = """
Resources:
  FromS3:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {S3Bucket: b, S3Key: k.zip}
  FromS3WithMetadata:
    Type: AWS::Lambda::Function
    Metadata:
      cfn-lint: {config: {ignore_checks: [W3005]}}
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {S3Bucket: b, S3Key: k.zip}
  Local:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: ./src
  Image:
    Type: AWS::Lambda::Function
    Properties:
      PackageType: Image
      Code: {ImageUri: repo:tag}
  ImageUri:
    Type: AWS::Lambda::Function
    Properties:
      Code: {ImageUri: repo:tag}
"""


def test_code_locations(tmp_path: Path) -> None:
    functions = by_name(load_text(tmp_path, CODE_LOCATIONS))
    assert isinstance(functions["FromS3"].code_dir, Unknown)
    assert functions["FromS3"].handler_ref is None
    # A Metadata block without an asset path says nothing about where the code is.
    assert isinstance(functions["FromS3WithMetadata"].code_dir, Unknown)
    assert functions["FromS3WithMetadata"].handler_ref is None
    assert functions["Local"].code_dir == tmp_path / "src"
    assert functions["Image"].package_type == "Image"
    assert functions["ImageUri"].package_type == "Image"
    assert not functions["Image"].has_code_link


RESOURCES = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders-worker
      Runtime: python3.12
      Handler: app.handler
      Code: {S3Bucket: b, S3Key: k}
      Role: !GetAtt Role.Arn
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  RolePolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: p
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: "*"
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Role]
      PolicyDocument:
        Statement: {Effect: Allow, Action: "sns:Publish", Resource: "*"}
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - Protocol: lambda
          Endpoint: !GetAtt Fn.Arn
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: lambda
      TopicArn: !Ref OtherTopic
      Endpoint: arn:aws:lambda:eu-west-1:123456789012:function:orders-worker
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - Id: fn
          Arn: !GetAtt Fn.Arn
          Input: '{"job": "nightly"}'
  OnOrder:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: {source: [orders]}
      Targets: [{Id: fn, Arn: !GetAtt Fn.Arn}]
  Scheduled:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: cron(0 3 * * ? *)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: !GetAtt Fn.Arn, RoleArn: x}
  ApiPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: orders-worker
      Principal: apigateway.amazonaws.com
  Stream:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !GetAtt Fn.Arn
      EventSourceArn: !GetAtt Clicks.Arn
      MaximumRetryAttempts: -1
      DestinationConfig:
        OnFailure:
          Destination: arn:aws:sqs:eu-west-1:1:failed
  Clicks:
    Type: AWS::Kinesis::Stream
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /aws/lambda/orders-worker
      RetentionInDays: 3
"""


def test_resources_that_point_at_functions(tmp_path: Path) -> None:
    (function,) = load_text(tmp_path, RESOURCES).functions
    assert [s.actions for s in function.statements] == [["*"], ["sns:Publish"]]
    summary = [(e.kind, e.type_name, e.name, e.source) for e in function.events]
    assert summary == [
        ("sns", "AWS::SNS::Topic", "Topic", "Topic"),
        ("sns", "AWS::SNS::Subscription", "Subscription", "OtherTopic"),
        ("schedule", "AWS::Events::Rule", "Nightly", None),
        ("eventbridge", "AWS::Events::Rule", "OnOrder", None),
        ("schedule", "AWS::Scheduler::Schedule", "Scheduled", None),
        ("http_api", "AWS::Lambda::Permission", "ApiPermission", None),
        ("stream", "AWS::Lambda::EventSourceMapping", "Stream", "Clicks"),
    ]
    nightly = function.events[2]
    assert nightly.extra == {"rate": "rate(1 day)", "input": '{"job": "nightly"}'}
    stream = function.events[-1]
    assert stream.stream_type == "kinesis"
    assert stream.maximum_retry_attempts is not None
    assert stream.maximum_retry_attempts.value == -1
    assert stream.on_failure is not None and stream.on_failure.present
    assert function.log_retention is not None and function.log_retention.value == 3


def test_yaml_cloudformation_errors_are_sl000(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "infra/functions.yml": (
                "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
                "    Properties:\n      Role: !GetAttr Role.Arn\n"
            ),
            "stack.template": (
                '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",\n'
                '  "Properties": {"Timeout": 3, "Timeout": 4}}}}\n'
            ),
        },
    )
    run = lint(tmp_path, select=["ALL"])
    assert codes_at(run.diagnostics) == [
        ("infra/functions.yml", "SL000", 5, 13),
        ("stack.template", "SL000", 2, 32),
    ]
    assert run.diagnostics[0].message == "YAML error: unknown tag !GetAttr"
    assert run.diagnostics[1].message == "JSON error: duplicate key 'Timeout'"


# -- CDK output -------------------------------------------------------------------------
@pytest.fixture
def cdk_project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "cdk_project", tmp_path / "p")
    return tmp_path / "p"


def test_cdk_output_links_functions_through_their_assets(cdk_project: Path) -> None:
    template = cdk_project / "cdk.out/OrdersStack.template.json"
    app = load_app(template, "cdk.out/OrdersStack.template.json")
    assert app.format == "cloudformation"
    functions = by_name(app)
    reader = functions["QueueReader5A6B7C8D"]
    upload = functions["UploadHandler9C0D1E2F"]
    notifications = functions["BucketNotificationsHandler050a0587b7544547bf325f094a3db8347ECC3691"]
    asset1 = (
        cdk_project
        / "cdk.out/asset.7f3c1a0d5b2e4c6f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f"
    )
    asset2 = (
        cdk_project
        / "cdk.out/asset.0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
    )
    assert reader.code_dir == asset1
    assert reader.handler_ref is not None
    assert reader.handler_ref.module_path == (asset1 / "index.py").resolve()
    assert upload.handler_ref is not None
    assert upload.handler_ref.module_path == (asset2 / "handlers/orders.py").resolve()
    assert upload.handler_ref.function == "on_upload"
    assert notifications.inline_code and notifications.handler_ref is None
    assert [(e.kind, e.source, e.name) for e in reader.events] == [
        ("sqs", "OrdersQueueB3E2C6A1", "QueueReaderSqsEventSourceOrdersStackOrdersQueue9E8D7C6B")
    ]
    assert [(e.kind, e.type_name, e.source) for e in upload.events] == [
        ("s3", "Custom::S3BucketNotifications", "UploadsBucket1A2B3C4D")
    ]
    assert [s.resources for s in reader.statements] == [
        [{"Fn::GetAtt": ["OrdersQueueB3E2C6A1", "Arn"]}]
    ]
    assert reader.timeout.value == 30 and reader.timeout.at == Location(100, 5)


def test_cdk_output_through_the_engine(cdk_project: Path) -> None:
    run = lint(cdk_project, ["cdk.out"], select=["ALL"])
    assert not run.internal_error, run.errors
    assert run.linked == 2
    # Non-template JSON (manifest.json, *.assets.json) is not a config.
    assert {app.file for app in run.apps} == {"cdk.out/OrdersStack.template.json"}
    assert not [d for d in run.diagnostics if d.code == "SL000"]


# -- recognised by content --------------------------------------------------------------
SAM_TEXT = (
    "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
)
CFN_TEXT = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n"


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("template.yaml", SAM_TEXT, "template"),
        ("infra/orders.yml", SAM_TEXT, "template"),
        ("deploy/stack.template", CFN_TEXT, "template"),
        ("x.json", '{"Resources": {"F": {"Type": "AWS::Lambda::Function"}}}', "template"),
        (
            "min.json",
            '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"F":{"Type":"AWS::Lambda::Function"}}}',
            "template",
        ),
        ("quoted.yaml", '"Resources":\n  F:\n    Type: "AWS::Lambda::Function"\n', "template"),
        ("bom.yaml", "\ufeff" + CFN_TEXT, "template"),
        ("serverless.yml", "service: s\n", "serverless"),
        ("serverless.yaml", "service: s\n", "serverless"),
        ("serverless.json", '{"service": "s"}', "serverless"),
        ("docker-compose.yml", "services:\n  web:\n    image: nginx\n", None),
        ("queues.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", None),
        ("docs.yaml", "text: see AWS::Lambda::Function\nitems: [Resources]\n", None),
        ("nested/Resources.yml", "Outputs:\n  Resources: AWS::Lambda::Function\n", None),
        ("policy.json", '{"Statement": [{"Resource": "AWS::Lambda::Function"}]}', None),
        ("template.txt", SAM_TEXT, None),
        ("handler.py", SAM_TEXT, None),
    ],
)
def test_templates_are_recognised_by_content(
    tmp_path: Path, name: str, text: str, kind: str | None
) -> None:
    write_tree(tmp_path, {name: text})
    assert config_kind(tmp_path / name) == kind


def test_a_large_yaml_file_that_is_not_a_template_is_never_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = "- {id: 12345, name: some value, tags: [a, b, c], nested: {k: v}}\n"
    write_tree(
        tmp_path,
        {
            "data/large.yaml": row * 60_000,  # ~4 MB of YAML
            # Over slint's 10 MB limit for one file (10.4 MB)
            "data/huge.yaml": "Resources:\n  AWS::Lambda::Function: x\n" + row * 160_000,
            "template.yaml": SAM_TEXT,
        },
    )
    parsed: list[str] = []
    real_load = slint.app.loader.load

    def spy(text: str, file: str = "", **options: Any) -> Any:
        parsed.append(file)
        return real_load(text, file, **options)

    monkeypatch.setattr(slint.app.loader, "load", spy)
    start = time.perf_counter()
    assert config_kind(tmp_path / "data/large.yaml") is None
    # Its start looks like a template: too big to read, it is named in a warning rather
    # than passed over in silence (and never parsed).
    assert config_kind(tmp_path / "data/huge.yaml") == "template"
    assert time.perf_counter() - start < 0.5
    run = lint(tmp_path, select=["ALL"])
    assert parsed == ["template.yaml"]
    assert not run.internal_error
    assert run.warnings == [
        "data/huge.yaml: 10.4 MB, over slint's 10 MB limit for one file; skipped"
    ]


def test_templates_without_resources_or_functions(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a.yaml": (
                "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n"
                "    Type: AWS::SQS::Queue\n# AWS::Lambda::Function\n"
            ),
            "b.yaml": "Resources: AWS::Lambda::Function\n",
            "c.json": '["Resources", "AWS::Lambda::Function"]',
        },
    )
    for name in ("a.yaml", "b.yaml"):
        app = load_app(tmp_path / name, name)
        assert app.functions == []
    path = tmp_path / "c.json"
    assert config_kind(path) is None
    run = lint(tmp_path, select=["ALL"])
    assert not run.internal_error and run.diagnostics == []


def test_parameter_defaults_are_marked_as_overridable(tmp_path: Path) -> None:
    """A value that `!Ref` takes from a parameter's `Default` says so (numbers given as
    strings included); a literal does not, and neither does a boolean default."""
    app = load_text(
        tmp_path,
        """
        Parameters:
          Runtime:
            Type: String
            Default: python3.9
          Memory:
            Type: Number
            Default: "2048"
          Subnets:
            Type: CommaDelimitedList
            Default: a,b
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Handler: app.handler
              Runtime: !Ref Runtime
              MemorySize: !Ref Memory
              Timeout: 30
              Code: ./src
              VpcConfig:
                SubnetIds: !Ref Subnets
        """,
    )
    function = by_name(app)["Fn"]
    assert function.runtime.value == "python3.9"
    assert deploy_default_origin(function.runtime.value) == "the default of parameter `Runtime`"
    assert function.memory.value == 2048
    assert deploy_default_origin(function.memory.value) == "the default of parameter `Memory`"
    assert deploy_default_origin(function.timeout.value) is None
    assert list(function.node["VpcConfig"]["SubnetIds"]) == ["a", "b"]
