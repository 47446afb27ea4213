"""AWS SAM templates -> the application model."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, codes_at, lint, write_tree

from slint.app.loader import load_config
from slint.app.model import App, Function, Unknown, is_known
from slint.app.sniff import config_kind
from slint.diagnostics import Location


def load_app(root: Path, text: str, name: str = "template.yaml", **files: str) -> App:
    write_tree(root, {name: textwrap.dedent(text).lstrip("\n"), **files})
    path = root / name
    kind = config_kind(path)
    assert kind == "template"
    app = load_config(path, name, path.read_text(), kind)
    assert isinstance(app, App), app
    return app


def by_name(app: App) -> dict[str, Function]:
    return {function.name: function for function in app.functions}


GLOBALS = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
    CodeUri: src/
    Timeout: 30
    MemorySize: 256
    Tracing: Active
    Environment:
      Variables:
        TABLE: orders
        STAGE: dev
    DeadLetterQueue:
      Type: SQS
      TargetArn: !GetAtt DLQ.Arn
    EventInvokeConfig:
      MaximumRetryAttempts: 0
      DestinationConfig:
        OnFailure:
          Type: SQS
          Destination: !GetAtt DLQ.Arn
    FunctionUrlConfig:
      AuthType: NONE
    LoggingConfig:
      LogGroup: !Ref Logs
Resources:
  Inherits:
    Type: AWS::Serverless::Function
  Overrides:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: other.main
      CodeUri: other/
      Timeout: 5
      Tracing: PassThrough
      Environment:
        Variables:
          TABLE: other
      FunctionUrlConfig:
        AuthType: AWS_IAM
  DLQ:
    Type: AWS::SQS::Queue
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 7
"""


def test_globals_are_merged_into_each_function(tmp_path: Path) -> None:
    app = load_app(tmp_path, GLOBALS)
    assert app.format == "sam"
    functions = by_name(app)
    inherits, overrides = functions["Inherits"], functions["Overrides"]
    assert inherits.runtime.value == "python3.12"
    assert inherits.handler.value == "app.handler"
    assert inherits.timeout.value == 30 and inherits.timeout_inherited
    assert inherits.memory.value == 256
    assert inherits.tracing is not None and inherits.tracing.value == "Active"
    assert {k: s.value for k, s in inherits.environment.items()} == {
        "TABLE": "orders",
        "STAGE": "dev",
    }
    assert inherits.dead_letter is not None and inherits.dead_letter.present
    assert inherits.on_failure is not None
    assert inherits.on_failure.value == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["DLQ", "Arn"]},
    }
    assert inherits.async_retry_attempts is not None
    assert inherits.async_retry_attempts.value == 0
    assert inherits.url_auth is not None and inherits.url_auth.value == "NONE"
    assert inherits.log_group is not None and inherits.log_group.value == {"Ref": "Logs"}
    assert inherits.log_retention is not None and inherits.log_retention.value == 7
    assert inherits.code_dir == tmp_path / "src"
    assert overrides.runtime.value == "python3.11"
    assert overrides.timeout.value == 5 and not overrides.timeout_inherited
    assert overrides.tracing is not None and overrides.tracing.value == "PassThrough"
    assert {k: s.value for k, s in overrides.environment.items()} == {
        "TABLE": "other",
        "STAGE": "dev",
    }
    assert overrides.url_auth is not None and overrides.url_auth.value == "AWS_IAM"
    assert overrides.code_dir == tmp_path / "other"


def test_inherited_settings_point_into_globals(tmp_path: Path) -> None:
    functions = by_name(load_app(tmp_path, GLOBALS))
    inherits, overrides = functions["Inherits"], functions["Overrides"]
    assert inherits.at == Location(29, 3)
    assert inherits.runtime.at == Location(5, 5)
    assert inherits.timeout.at == Location(8, 5)
    assert inherits.timeout.span == (Location(8, 14), Location(8, 16))
    assert inherits.tracing is not None and inherits.tracing.at == Location(10, 5)
    assert inherits.environment["TABLE"].at == Location(13, 9)
    assert inherits.on_failure is not None and inherits.on_failure.at == Location(21, 9)
    assert inherits.url_auth is not None and inherits.url_auth.at == Location(25, 7)
    assert inherits.log_retention is not None and inherits.log_retention.at == Location(49, 7)
    assert overrides.timeout.at == Location(37, 7)
    assert overrides.environment["TABLE"].at == Location(41, 11)
    assert overrides.environment["STAGE"].at == Location(14, 9)
    # A function without Properties: absent settings point at its resource.
    assert functions["Inherits"].node.loc == Location(30, 5)
    assert inherits.memory.at == Location(9, 5)


SAM_EVENTS = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Events:
        Rest:
          Type: Api
          Properties: {Path: /orders, Method: post}
        Http:
          Type: HttpApi
          Properties: {Path: "/orders/{id}", Method: GET}
        HttpDefault:
          Type: HttpApi
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 10
            FunctionResponseTypes: [ReportBatchItemFailures]
        Topic:
          Type: SNS
          Properties: {Topic: !Ref Topic}
        Upload:
          Type: S3
          Properties: {Bucket: !Ref Bucket, Events: s3:ObjectCreated:*}
        Table:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            StartingPosition: LATEST
            MaximumRetryAttempts: 3
            BisectBatchOnFunctionError: true
            DestinationConfig:
              OnFailure:
                Destination: !GetAtt Jobs.Arn
        Clicks:
          Type: Kinesis
          Properties: {Stream: !GetAtt Clicks.Arn, StartingPosition: LATEST}
        Kafka:
          Type: MSK
          Properties: {Stream: !Ref Cluster, Topics: [orders], StartingPosition: LATEST}
        SelfKafka:
          Type: SelfManagedKafka
          Properties: {KafkaBootstrapServers: ["a:9092"], Topics: [orders]}
        Broker:
          Type: MQ
          Properties: {Broker: !GetAtt Broker.Arn, Queues: [q]}
        Docs:
          Type: DocumentDB
          Properties: {Cluster: !Ref Docs, DatabaseName: db, CollectionName: c}
        Nightly:
          Type: Schedule
          Properties: {Schedule: rate(5 minutes), Enabled: false, Input: '{"warm": true}'}
        NightlyV2:
          Type: ScheduleV2
          Properties: {ScheduleExpression: cron(0 3 * * ? *)}
        Rule:
          Type: EventBridgeRule
          Properties: {Pattern: {source: [orders]}}
        Legacy:
          Type: CloudWatchEvent
          Properties: {Pattern: {source: [aws.ec2]}}
        Logs:
          Type: CloudWatchLogs
          Properties: {LogGroupName: /aws/lambda/x, FilterPattern: ERROR}
        Iot:
          Type: IoTRule
          Properties: {Sql: "SELECT * FROM 'topic'"}
        Alexa:
          Type: AlexaSkill
        Users:
          Type: Cognito
          Properties: {UserPool: !Ref Pool, Trigger: PreSignUp}
        Future:
          Type: SomethingNew
  Jobs:
    Type: AWS::SQS::Queue
  Table:
    Type: AWS::DynamoDB::Table
  Clicks:
    Type: AWS::Kinesis::Stream
"""


def test_every_sam_event_type_is_normalized(tmp_path: Path) -> None:
    (function,) = load_app(tmp_path, SAM_EVENTS).functions
    summary = {e.name: (e.type_name, e.kind, e.stream_type) for e in function.events}
    assert summary == {
        "Rest": ("Api", "api", None),
        "Http": ("HttpApi", "http_api", None),
        "HttpDefault": ("HttpApi", "http_api", None),
        "Queue": ("SQS", "sqs", None),
        "Topic": ("SNS", "sns", None),
        "Upload": ("S3", "s3", None),
        "Table": ("DynamoDB", "stream", "dynamodb"),
        "Clicks": ("Kinesis", "stream", "kinesis"),
        "Kafka": ("MSK", "kafka", None),
        "SelfKafka": ("SelfManagedKafka", "kafka", None),
        "Broker": ("MQ", "mq", None),
        "Docs": ("DocumentDB", "documentdb", None),
        "Nightly": ("Schedule", "schedule", None),
        "NightlyV2": ("ScheduleV2", "schedule", None),
        "Rule": ("EventBridgeRule", "eventbridge", None),
        "Legacy": ("CloudWatchEvent", "eventbridge", None),
        "Logs": ("CloudWatchLogs", "cloudwatch_logs", None),
        "Iot": ("IoTRule", "iot", None),
        "Alexa": ("AlexaSkill", "alexa", None),
        "Users": ("Cognito", "cognito", None),
        "Future": ("SomethingNew", "other", None),
    }
    events = {e.name: e for e in function.events}
    assert (events["Rest"].method, events["Rest"].path) == ("POST", "/orders")
    assert (events["Http"].method, events["Http"].path) == ("GET", "/orders/{id}")
    assert (events["HttpDefault"].method, events["HttpDefault"].path) == (None, None)
    assert events["Rest"].at == Location(9, 9)
    queue = events["Queue"]
    assert queue.source == "Jobs"
    assert queue.batch_size is not None and queue.batch_size.value == 10
    assert queue.batch_size.at == Location(21, 13)
    assert queue.report_batch_item_failures is not None
    assert queue.report_batch_item_failures.value == ["ReportBatchItemFailures"]
    table = events["Table"]
    assert table.source == "Table"
    assert table.maximum_retry_attempts is not None
    assert table.maximum_retry_attempts.value == 3
    assert table.bisect_on_error is not None and table.bisect_on_error.value is True
    assert table.on_failure is not None and table.on_failure.at == Location(37, 15)
    clicks = events["Clicks"]
    assert clicks.maximum_retry_attempts is not None
    assert clicks.maximum_retry_attempts.value is None
    assert clicks.maximum_retry_attempts.at == clicks.at
    assert clicks.on_failure is not None and clicks.on_failure.value is None
    assert events["Kafka"].source == "Cluster"
    assert events["Broker"].source == "Broker"
    assert events["Docs"].source == "Docs"
    assert events["Topic"].source == "Topic"
    assert events["Upload"].source == "Bucket"
    assert events["Nightly"].extra["rate"] == "rate(5 minutes)"
    assert events["Nightly"].enabled is not None and events["Nightly"].enabled.value is False
    assert events["NightlyV2"].extra["rate"] == "cron(0 3 * * ? *)"


def test_policies_and_roles_give_statements(tmp_path: Path) -> None:
    (function,) = load_app(
        tmp_path,
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              Policies:
                - AWSLambdaBasicExecutionRole
                - SQSPollerPolicy:
                    QueueName: jobs
                - Version: "2012-10-17"
                  Statement:
                    - Effect: Allow
                      Action: "*"
                      Resource: "*"
                    - Effect: Allow
                      Action: [s3:GetObject]
                      Resource: !Sub "arn:aws:s3:::${Bucket}/*"
        """,
    ).functions
    assert [(s.actions, s.resources) for s in function.statements] == [
        (["*"], ["*"]),
        (["s3:GetObject"], [{"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}]),
    ]
    assert function.statements[0].at == Location(14, 15)


PARAMETERS = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Timeout:
    Type: Number
    Default: "25"
  Memory:
    Type: Number
    Default: 1024
  Runtime:
    Type: String
    Default: python3.12
  NoDefault:
    Type: String
  FromSsm:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /config/runtime
  Subnets:
    Type: CommaDelimitedList
    Default: "subnet-1, subnet-2"
Globals:
  Function:
    Runtime: !Ref Runtime
    MemorySize: !Ref Memory
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Timeout: !Ref Timeout
      Environment:
        Variables:
          A: !Ref NoDefault
          B: !Ref FromSsm
          C: !Ref AWS::Region
          D: !If [IsProd, x, y]
          E: !Sub "${Runtime}-x"
      VpcConfig:
        SubnetIds: !Ref Subnets
"""


def test_parameters_resolve_to_their_defaults(tmp_path: Path) -> None:
    (function,) = load_app(tmp_path, PARAMETERS).functions
    assert function.timeout.value == 25
    assert function.timeout.at == Location(29, 7)
    assert function.memory.value == 1024
    assert function.runtime.value == "python3.12"
    assert function.is_python
    env = {k: s.value for k, s in function.environment.items()}
    assert env["A"] == Unknown("parameter NoDefault")
    assert env["B"] == Unknown("parameter FromSsm")
    for key in "ABCDE":
        assert not is_known(env[key]), key
    assert function.node["VpcConfig"]["SubnetIds"] == ["subnet-1", "subnet-2"]


def test_a_json_sam_template_with_any_name(tmp_path: Path) -> None:
    template = {
        "Transform": ["AWS::Serverless-2016-10-31"],
        "Globals": {"Function": {"Timeout": 12, "CodeUri": "src"}},
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Runtime": "python3.12", "Handler": "orders.api.create"},
            }
        },
    }
    app = load_app(
        tmp_path,
        json.dumps(template, indent=2),
        "infra/orders-stack.json",
        **{"infra/src/orders/api.py": "def create(event, context):\n    pass\n"},
    )
    (function,) = app.functions
    assert app.format == "sam"
    assert function.file == "infra/orders-stack.json"
    assert function.timeout.value == 12
    assert function.timeout.at == Location(7, 7)
    ref = function.handler_ref
    assert ref is not None
    assert ref.module_path == (tmp_path / "infra/src/orders/api.py").resolve()


def test_serverless_resources_without_the_transform_are_sam(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: a.b\n",
        "stack.yml",
    )
    assert app.format == "sam" and [f.name for f in app.functions] == ["Fn"]


def test_code_locations(tmp_path: Path) -> None:
    functions = by_name(
        load_app(
            tmp_path,
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Local:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: app.h, CodeUri: ./functions/local/}
              Default:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: app.h}
              S3:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: app.h, CodeUri: s3://bucket/code.zip}
              S3Map:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: python3.12
                  Handler: app.h
                  CodeUri: {Bucket: b, Key: k}
              Image:
                Type: AWS::Serverless::Function
                Properties: {PackageType: Image, ImageUri: repo:tag}
              Inline:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: index.h, InlineCode: "def h(e, c): pass"}
            """,
        )
    )
    assert functions["Local"].code_dir == tmp_path / "functions/local"
    assert functions["Default"].code_dir == tmp_path
    assert isinstance(functions["S3"].code_dir, Unknown)
    assert isinstance(functions["S3Map"].code_dir, Unknown)
    assert functions["S3"].handler_ref is None
    assert functions["Image"].package_type == "Image" and not functions["Image"].has_code_link
    assert functions["Inline"].inline_code and functions["Inline"].handler_ref is None


def test_log_groups_named_after_the_function(tmp_path: Path) -> None:
    functions = by_name(
        load_app(
            tmp_path,
            """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              BySub:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: a.h}
              ByJoin:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: a.h}
              ByName:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: a.h, FunctionName: orders-api}
              NoGroup:
                Type: AWS::Serverless::Function
                Properties: {Runtime: python3.12, Handler: a.h}
              SubLogs:
                Type: AWS::Logs::LogGroup
                Properties:
                  LogGroupName: !Sub /aws/lambda/${BySub}
                  RetentionInDays: 14
              JoinLogs:
                Type: AWS::Logs::LogGroup
                Properties:
                  LogGroupName: !Join ["", ["/aws/lambda/", !Ref ByJoin]]
              NameLogs:
                Type: AWS::Logs::LogGroup
                Properties:
                  LogGroupName: /aws/lambda/orders-api
                  RetentionInDays: 30
            """,
        )
    )
    by_sub = functions["BySub"].log_retention
    assert by_sub is not None and by_sub.value == 14 and by_sub.at == Location(19, 7)
    by_join = functions["ByJoin"].log_retention
    # The group exists without a retention: absent, owned by its Properties (for a fix).
    assert by_join is not None and by_join.value is None
    assert by_join.owner is not None and "LogGroupName" in by_join.owner
    by_name_ = functions["ByName"].log_retention
    assert by_name_ is not None and by_name_.value == 30
    assert functions["NoGroup"].log_retention is None


def test_the_fixture_project_links_through_globals(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "sam_project", tmp_path / "p")
    root = tmp_path / "p"
    path = root / "template.yaml"
    app = load_config(path, "template.yaml", path.read_text(), "template")
    assert isinstance(app, App)
    functions = by_name(app)
    refs = {name: f.handler_ref for name, f in functions.items()}
    assert {name: (ref.module_path, ref.function) for name, ref in refs.items() if ref} == {
        "OrdersApiFunction": ((root / "src/orders/api.py").resolve(), "create_order"),
        "WorkerFunction": ((root / "workers/queue_worker.py").resolve(), "handle"),
        "NightlyFunction": ((root / "src/jobs/nightly.py").resolve(), "run"),
    }
    api = functions["OrdersApiFunction"]
    assert api.timeout.value == 25 and api.timeout.at == Location(32, 7)
    worker = functions["WorkerFunction"]
    assert worker.timeout.value == 15 and worker.timeout_inherited
    assert worker.timeout.at == Location(19, 5)
    assert worker.dead_letter is not None and worker.dead_letter.value["TargetArn"] == Unknown(
        "parameter AlarmTopicArn"
    )
    assert api.environment["STAGE"].value == "dev"
    assert api.environment["TABLE_NAME"].value == {"Ref": "OrdersTable"}
    assert api.requirements == (root / "src/requirements.txt").resolve()
    assert worker.requirements is None
    nightly = functions["NightlyFunction"]
    assert nightly.log_retention is not None and nightly.log_retention.value == 30
    assert nightly.async_retry_attempts is not None
    assert nightly.async_retry_attempts.value == 1
    assert set(app.queues) == {"WorkQueue"}
    assert [len(f.statements) for f in app.functions] == [1, 0, 0]


def test_sam_errors_are_sl000(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "template.yaml": (
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                "    Type: AWS::Serverless::Function\n    Properties:\n"
                "      Handler: app.h\n      Handler: app.g\n"
            ),
            "broken.json": (
                '{\n  "Transform": "AWS::Serverless-2016-10-31",\n  "Resources": {\n'
                '    "Fn": {"Type": "AWS::Serverless::Function" "Properties": {}}\n  }\n}\n'
            ),
        },
    )
    run = lint(tmp_path, select=["ALL"])
    assert sorted(codes_at(run.diagnostics)) == [
        ("broken.json", "SL000", 4, 48),
        ("template.yaml", "SL000", 7, 7),
    ]
    messages = sorted(d.message for d in run.diagnostics)
    assert messages[0].startswith("JSON error: expecting ',' or '}'")
    assert messages[1] == "YAML error: duplicate key 'Handler'"


@pytest.mark.parametrize(
    "text",
    [
        "Transform: AWS::Serverless-2016-10-31\nResources: []\n",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn: x\n",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties: [1]\n",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Events: [1]\n      Policies: x\n      Environment: 1\n",
        "Transform: AWS::Serverless-2016-10-31\nGlobals: 1\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: x\n"
        "        F: {Type: SQS, Properties: 1}\n        G: {Type: Api, Properties: {Method: 1}}\n",
    ],
)
def test_odd_shapes_do_not_crash(tmp_path: Path, text: str) -> None:
    load_app(tmp_path, text)
    write_tree(tmp_path, {"template.yaml": text})
    run = lint(tmp_path, select=["ALL"])
    assert not run.internal_error, run.errors


IGNORE_GLOBALS = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
    Timeout: 30
    MemorySize: 512
    Tracing: Active
    Layers: [!Ref Shared]
    Environment:
      Variables:
        TABLE: orders
    DeadLetterQueue: {Type: SQS, TargetArn: arn:aws:sqs:us-east-1:123456789012:dlq}
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: shared/
  Inherits:
    Type: AWS::Serverless::Function
    Properties: {}
  SomeKeys:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Timeout, Layers, Environment, DeadLetterQueue]
    Properties:
      MemorySize: 256
  Everything:
    Type: AWS::Serverless::Function
    IgnoreGlobals: '*'
    Properties:
      Runtime: python3.13
      Handler: other.handler
"""


def test_ignore_globals_list_and_star(tmp_path: Path) -> None:
    """SAM's `IgnoreGlobals` resource attribute: the named Globals (or all, `'*'`) are
    not inherited, so the model does not credit the function with them."""
    app = load_app(tmp_path, IGNORE_GLOBALS, **{"shared/python/lib.py": ""})
    functions = by_name(app)
    inherits, some, everything = (
        functions["Inherits"],
        functions["SomeKeys"],
        functions["Everything"],
    )
    assert inherits.timeout.value == 30 and inherits.timeout_inherited
    assert inherits.layers == ((tmp_path / "shared" / "python"),)
    assert set(inherits.environment) == {"TABLE"}
    assert inherits.dead_letter.present
    assert inherits.globals is not None and "Timeout" in inherits.globals

    assert not some.timeout.present and not some.timeout_inherited
    assert some.timeout.owner is some.node  # a fix inserts into the function itself
    assert some.layers == ()
    assert some.environment == {}
    assert not some.dead_letter.present
    assert some.memory.value == 256
    assert some.runtime.value == "python3.12"  # not ignored: still inherited
    assert some.tracing is not None and some.tracing.value == "Active"
    assert some.globals is not None and "Timeout" not in some.globals
    assert some.globals.at("Runtime") == inherits.globals.at("Runtime")

    assert everything.globals is None
    assert not everything.timeout.present and not everything.memory.present
    assert everything.tracing is not None and not everything.tracing.present
    assert everything.runtime.value == "python3.13"
    assert everything.handler.value == "other.handler"


def test_ignore_globals_timeout_is_reported_by_missing_timeout(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": textwrap.dedent(IGNORE_GLOBALS).lstrip("\n")})
    result = lint(tmp_path, select=["SL301"])
    assert codes_at(result.diagnostics) == [
        ("template.yaml", "SL301", 22, 3),
        ("template.yaml", "SL301", 27, 3),
    ]
