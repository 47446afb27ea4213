"""serverless.yml (Serverless Framework v3/v4) -> the application model."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, codes_at, lint, write_tree

from slint.api import ParseFailure
from slint.app.loader import load_config
from slint.app.model import App, Function, Unknown, is_known
from slint.diagnostics import Location


def load_app(root: Path, text: str, files: dict[str, str] | None = None) -> App:
    write_tree(root, {"serverless.yml": textwrap.dedent(text).lstrip("\n"), **(files or {})})
    path = root / "serverless.yml"
    app = load_config(path, "serverless.yml", path.read_text(), "serverless")
    assert isinstance(app, App), app
    return app


def by_name(app: App) -> dict[str, Function]:
    return {function.name: function for function in app.functions}


PROVIDER_DEFAULTS = """
service: orders
provider:
  name: aws
  runtime: python3.12
  timeout: 20
  memorySize: 512
  logRetentionInDays: 14
  tracing:
    lambda: true
  environment:
    TABLE: orders
    STAGE: ${sls:stage}
  iam:
    role:
      statements:
        - Effect: Allow
          Action: dynamodb:PutItem
          Resource: "*"
functions:
  inherits:
    handler: handler.inherits
  overrides:
    handler: handler.overrides
    runtime: python3.11
    timeout: 5
    memorySize: 128
    logRetentionInDays: 3
    tracing: PassThrough
    environment:
      TABLE: other
      EXTRA: "1"
"""


def test_provider_defaults_apply_to_every_function(tmp_path: Path) -> None:
    functions = by_name(load_app(tmp_path, PROVIDER_DEFAULTS))
    inherits = functions["inherits"]
    assert inherits.runtime.value == "python3.12"
    assert inherits.timeout.value == 20
    assert inherits.timeout_inherited is True
    assert inherits.memory.value == 512
    assert inherits.log_retention is not None and inherits.log_retention.value == 14
    assert inherits.tracing is not None and inherits.tracing.value is True
    assert {k: s.value for k, s in inherits.environment.items()} == {
        "TABLE": "orders",
        "STAGE": "dev",
    }
    assert [s.actions for s in inherits.statements] == [["dynamodb:PutItem"]]
    overrides = functions["overrides"]
    assert overrides.runtime.value == "python3.11"
    assert overrides.timeout.value == 5
    assert overrides.timeout_inherited is False
    assert overrides.memory.value == 128
    assert overrides.log_retention is not None and overrides.log_retention.value == 3
    assert overrides.tracing is not None and overrides.tracing.value == "PassThrough"
    assert {k: s.value for k, s in overrides.environment.items()} == {
        "TABLE": "other",
        "STAGE": "dev",
        "EXTRA": "1",
    }
    assert len(overrides.statements) == 1


def test_settings_point_at_the_key_they_came_from(tmp_path: Path) -> None:
    functions = by_name(load_app(tmp_path, PROVIDER_DEFAULTS))
    inherits, overrides = functions["inherits"], functions["overrides"]
    assert inherits.at == Location(20, 3)
    # Inherited: where the provider writes it.
    assert (inherits.timeout.file, inherits.timeout.at) == ("serverless.yml", Location(5, 3))
    assert inherits.timeout.key == "timeout"
    assert inherits.timeout.span == (Location(5, 12), Location(5, 14))
    assert inherits.runtime.at == Location(4, 3)
    assert inherits.memory.at == Location(6, 3)
    assert inherits.log_retention is not None and inherits.log_retention.at == Location(7, 3)
    assert inherits.tracing is not None and inherits.tracing.at == Location(9, 5)
    assert inherits.environment["TABLE"].at == Location(11, 5)
    assert inherits.statements[0].at == Location(16, 11)
    # Own: where the function writes it.
    assert overrides.timeout.at == Location(25, 5)
    assert overrides.runtime.at == Location(24, 5)
    assert overrides.tracing is not None and overrides.tracing.at == Location(28, 5)
    assert overrides.environment["TABLE"].at == Location(30, 7)
    assert overrides.environment["STAGE"].at == Location(12, 5)
    # The handler setting, and its owner (for fixes that insert next to it).
    assert inherits.handler.at == Location(21, 5)
    assert inherits.handler.owner is inherits.node


def test_absent_settings_point_at_the_function_settings(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        """
        service: s
        provider:
          name: aws
        functions:
          bare:
            handler: h.main
        """,
    )
    (function,) = app.functions
    for setting in (function.timeout, function.runtime, function.memory):
        assert setting.value is None and not setting.present
        assert setting.owner is function.node
        assert setting.at == Location(6, 5)
    assert function.timeout_inherited is False
    assert function.on_failure is not None and function.on_failure.value is None


def test_values_from_variables_keep_the_position_of_their_key(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        """
        service: s
        custom:
          timeouts:
            dev: 12
        provider:
          name: aws
          timeout: ${self:custom.timeouts.${sls:stage}}
        functions:
          a:
            handler: h.a
            memorySize: ${opt:memory, 1024}
          b:
            handler: h.b
            timeout: ${ssm:/timeout}
        """,
    )
    a, b = app.functions
    assert a.timeout.value == 12 and a.timeout.at == Location(7, 3)
    assert a.memory.value == 1024 and a.memory.at == Location(11, 5)
    assert isinstance(b.timeout.value, Unknown)
    assert b.timeout.present and not b.timeout.known
    assert b.timeout.at == Location(14, 5)


def test_functions_from_included_files_point_into_them(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        """
        service: s
        provider:
          name: aws
          runtime: python3.12
          timeout: 10
        functions:
          - ${file(./functions/api.yml)}
          - ${file(./functions/workers.yml):functions}
        """,
        {
            "functions/api.yml": "createOrder:\n  handler: src/api.create\n  timeout: 20\n",
            "functions/workers.yml": "functions:\n  work:\n    handler: src/work.run\n",
        },
    )
    functions = by_name(app)
    create, work = functions["createOrder"], functions["work"]
    assert create.file == "functions/api.yml"
    assert create.at == Location(1, 1)
    assert (create.timeout.file, create.timeout.at) == ("functions/api.yml", Location(3, 3))
    assert work.file == "functions/workers.yml"
    assert work.at == Location(2, 3)
    # Inherited from the provider: still in serverless.yml.
    assert (work.timeout.file, work.timeout.at) == ("serverless.yml", Location(5, 3))
    assert [p.name for p in app.includes] == ["api.yml", "workers.yml"]
    assert app.include_displays == ("functions/api.yml", "functions/workers.yml")


def test_included_files_are_displayed_relative_to_the_config(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "svc/serverless.yml": (
                "service: s\nprovider:\n  name: aws\n"
                "custom: ${file(./config/../shared/custom.yml)}\n"
                "functions: ${file(../common/functions.yml)}\n"
            ),
            "svc/shared/custom.yml": "a: 1\n",
            "common/functions.yml": "f:\n  handler: h.f\n",
        },
    )
    path = tmp_path / "svc/serverless.yml"
    app = load_config(path, "svc/serverless.yml", path.read_text(), "serverless")
    assert isinstance(app, App)
    assert app.include_displays == ("svc/shared/custom.yml", "common/functions.yml")
    assert app.document["custom"].file == "svc/shared/custom.yml"
    assert app.functions[0].file == "common/functions.yml"


def test_anchors_merge_keys_and_flow_mappings(tmp_path: Path) -> None:
    functions = by_name(
        load_app(
            tmp_path,
            """
            service: s
            x-defaults: &defaults
              timeout: 15
              memorySize: 256
            provider:
              name: aws
            functions:
              a:
                <<: *defaults
                handler: h.a
                memorySize: 1024
              b: {handler: h.b, timeout: 3, environment: {A: "1"}, events: [{sqs: {arn: x}}]}
            """,
        )
    )
    a, b = functions["a"], functions["b"]
    # A merged value is the function's own, written where the anchor is.
    assert a.timeout.value == 15 and a.timeout.at == Location(3, 3)
    assert a.timeout_inherited is False
    assert a.memory.value == 1024 and a.memory.at == Location(11, 5)
    assert b.node.flow
    assert b.timeout.value == 3 and b.timeout.at == Location(12, 21)
    assert b.environment["A"].at == Location(12, 47)
    (event,) = b.events
    assert event.at == Location(12, 66) and event.source == "x"


def test_short_tags_are_legal_in_serverless_yml(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        """
        service: s
        provider:
          name: aws
          environment:
            QUEUE_URL: !Ref Queue
            BUCKET_ARN: !GetAtt Bucket.Arn
            NAME: !Sub "${AWS::StackName}-orders"
        functions:
          a:
            handler: h.a
            events:
              - sqs:
                  arn: !GetAtt Queue.Arn
        resources:
          Resources:
            Queue:
              Type: AWS::SQS::Queue
            Bucket:
              Type: AWS::S3::Bucket
        """,
    )
    (function,) = app.functions
    assert function.environment["QUEUE_URL"].value == {"Ref": "Queue"}
    assert not function.environment["QUEUE_URL"].known
    assert function.environment["NAME"].value == {"Fn::Sub": "${AWS::StackName}-orders"}
    assert function.events[0].source == "Queue"


EVENTS = """
service: s
provider:
  name: aws
functions:
  all:
    handler: h.main
    events:
      - http: POST /orders
      - http:
          path: orders/{id}
          method: get
      - httpApi: "*"
      - httpApi:
          method: PUT
          path: /orders/{id}
      - websocket: $connect
      - alb:
          listenerArn: arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x/y/z
          priority: 1
          conditions:
            path: /x
      - sqs:
          arn: !GetAtt Jobs.Arn
          batchSize: 5
          functionResponseType: ReportBatchItemFailures
      - sqs: arn:aws:sqs:eu-west-1:123456789012:external
      - stream:
          arn: !GetAtt Table.StreamArn
          maximumRetryAttempts: 2
          maximumRecordAgeInSeconds: 3600
          bisectBatchOnFunctionError: true
          destinations:
            onFailure: arn:aws:sqs:eu-west-1:1:failures
      - stream:
          type: kinesis
          arn: !ImportValue shared-stream
      - stream: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks
      - stream:
          arn: !GetAtt Clicks.Arn
      - sns: order-events
      - sns:
          arn: !Ref Topic
          topicName: orders
      - s3: uploads
      - s3:
          bucket: !Ref Bucket
          existing: true
      - schedule: rate(5 minutes)
      - schedule:
          rate: cron(0 3 * * ? *)
          enabled: false
          input:
            warmer: true
      - eventBridge:
          pattern:
            source: [orders]
      - cloudwatchEvent:
          event:
            source: [aws.ec2]
      - cloudwatchLog: /aws/lambda/other
      - iot:
          sql: SELECT * FROM 'topic'
      - cognitoUserPool:
          pool: users
          trigger: PreSignUp
      - alexaSkill: amzn1.ask.skill.x
      - msk:
          arn: arn:aws:kafka:eu-west-1:1:cluster/c/x
          topic: orders
      - kafka:
          topic: orders
          bootstrapServers: [a:9092]
      - activemq:
          arn: arn:aws:mq:eu-west-1:1:broker:b
          queue: q
      - rabbitmq:
          arn: arn:aws:mq:eu-west-1:1:broker:r
          queue: q
      - cloudFront:
          eventType: viewer-request
resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
    Table:
      Type: AWS::DynamoDB::Table
    Clicks:
      Type: AWS::Kinesis::Stream
"""


def test_every_event_type_is_normalized(tmp_path: Path) -> None:
    (function,) = load_app(tmp_path, EVENTS).functions
    summary = [(e.type_name, e.kind, e.stream_type) for e in function.events]
    assert summary == [
        ("http", "api", None),
        ("http", "api", None),
        ("httpApi", "http_api", None),
        ("httpApi", "http_api", None),
        ("websocket", "websocket", None),
        ("alb", "alb", None),
        ("sqs", "sqs", None),
        ("sqs", "sqs", None),
        ("stream", "stream", "dynamodb"),
        ("stream", "stream", "kinesis"),
        ("stream", "stream", "kinesis"),
        ("stream", "stream", "kinesis"),
        ("sns", "sns", None),
        ("sns", "sns", None),
        ("s3", "s3", None),
        ("s3", "s3", None),
        ("schedule", "schedule", None),
        ("schedule", "schedule", None),
        ("eventBridge", "eventbridge", None),
        ("cloudwatchEvent", "eventbridge", None),
        ("cloudwatchLog", "cloudwatch_logs", None),
        ("iot", "iot", None),
        ("cognitoUserPool", "cognito", None),
        ("alexaSkill", "alexa", None),
        ("msk", "kafka", None),
        ("kafka", "kafka", None),
        ("activemq", "mq", None),
        ("rabbitmq", "mq", None),
        ("cloudFront", "other", None),
    ]
    events = function.events
    assert [(e.method, e.path) for e in events[:4]] == [
        ("POST", "/orders"),
        ("GET", "orders/{id}"),
        ("ANY", "*"),
        ("PUT", "/orders/{id}"),
    ]
    # Each event points at its type key.
    assert events[0].at == Location(8, 9)
    assert events[1].at == Location(9, 9)
    assert [e.name for e in events[:3]] == ["0", "1", "2"]
    sqs, external = events[6], events[7]
    assert sqs.source == "Jobs"
    assert sqs.batch_size is not None and sqs.batch_size.value == 5
    assert sqs.batch_size.at == Location(24, 11)
    assert sqs.report_batch_item_failures is not None
    assert sqs.report_batch_item_failures.value == "ReportBatchItemFailures"
    assert external.source == "arn:aws:sqs:eu-west-1:123456789012:external"
    assert external.batch_size is not None and external.batch_size.value is None
    assert external.batch_size.at == external.at
    stream = events[8]
    assert stream.source == "Table"
    assert stream.maximum_retry_attempts is not None
    assert stream.maximum_retry_attempts.value == 2
    assert stream.maximum_record_age is not None and stream.maximum_record_age.value == 3600
    assert stream.bisect_on_error is not None and stream.bisect_on_error.value is True
    assert stream.on_failure is not None
    assert stream.on_failure.value == "arn:aws:sqs:eu-west-1:1:failures"
    assert events[9].on_failure is not None and events[9].on_failure.value is None
    assert [e.source for e in events[12:16]] == ["order-events", "Topic", "uploads", "Bucket"]
    assert events[16].extra["rate"] == "rate(5 minutes)"
    assert events[17].extra["input"] == {"warmer": True}
    assert events[17].enabled is not None and events[17].enabled.value is False
    assert all(e.is_async for e in events[12:22])
    # Cognito triggers and Alexa skills wait for the function's answer.
    assert not any(e.is_async for e in events[22:24])
    assert not any(e.is_async for e in events[24:])
    assert events[6].is_poll_based and not events[0].is_async


def test_function_level_failure_and_url_settings(tmp_path: Path) -> None:
    functions = by_name(
        load_app(
            tmp_path,
            """
            service: s
            provider:
              name: aws
            functions:
              a:
                handler: h.a
                onError: arn:aws:sns:eu-west-1:1:dlq
                maximumRetryAttempts: 1
                url: true
              b:
                handler: h.b
                destinations:
                  onFailure: arn:aws:sqs:eu-west-1:1:failed
                url:
                  authorizer: aws_iam
              c:
                handler: h.c
                iamRoleStatements:
                  - Effect: Allow
                    Action: ["s3:*"]
                    Resource: "*"
            """,
        )
    )
    a, b, c = functions["a"], functions["b"], functions["c"]
    assert a.dead_letter is not None and a.dead_letter.value == "arn:aws:sns:eu-west-1:1:dlq"
    assert a.async_retry_attempts is not None and a.async_retry_attempts.value == 1
    assert a.url_auth is not None and a.url_auth.value == "NONE"
    assert a.url_auth.at == Location(9, 5)
    assert b.on_failure is not None and b.on_failure.value == "arn:aws:sqs:eu-west-1:1:failed"
    assert b.on_failure.at == Location(13, 7)
    assert b.url_auth is not None and b.url_auth.value == "AWS_IAM"
    assert c.url_auth is None
    assert [s.actions for s in c.statements] == [["s3:*"]]


def test_cloudformation_resources_feed_the_model(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        """
        service: s
        provider:
          name: aws
        functions:
          worker:
            handler: h.work
            events:
              - sqs:
                  arn: !GetAtt Jobs.Arn
        resources:
          - Resources:
              Jobs:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 60
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt JobsDLQ.Arn
                    maxReceiveCount: 3
          - ${file(./resources/queues.yml)}
        """,
        {
            "resources/queues.yml": (
                "Resources:\n  JobsDLQ:\n    Type: AWS::SQS::Queue\n"
                "    Properties:\n      FifoQueue: true\n"
            )
        },
    )
    assert set(app.queues) == {"Jobs", "JobsDLQ"}
    jobs = app.queues["Jobs"]
    assert jobs.visibility_timeout.value == 60
    assert jobs.visibility_timeout.at == Location(15, 11)
    assert jobs.redrive_policy.present
    dlq = app.queues["JobsDLQ"]
    assert dlq.fifo is True
    assert dlq.file == "resources/queues.yml"
    assert dlq.visibility_timeout.value is None
    assert set(app.resources) == {"Jobs", "JobsDLQ"}


def test_resources_point_at_functions_by_their_generated_logical_ids(tmp_path: Path) -> None:
    functions = by_name(
        load_app(
            tmp_path,
            """
            service: s
            provider:
              name: aws
            functions:
              create-order:
                handler: h.create
              audit_log:
                handler: h.audit
                name: shop-audit
                logRetentionInDays: 5
            resources:
              Resources:
                CreateDashorderLogGroup:
                  Type: AWS::Logs::LogGroup
                  Properties:
                    RetentionInDays: 30
                AuditUnderscorelogLogGroup:
                  Type: AWS::Logs::LogGroup
                  Properties:
                    RetentionInDays: 60
                Mapping:
                  Type: AWS::Lambda::EventSourceMapping
                  Properties:
                    FunctionName: !GetAtt CreateDashorderLambdaFunction.Arn
                    EventSourceArn: !GetAtt Clicks.Arn
                Clicks:
                  Type: AWS::Kinesis::Stream
                InvokeConfig:
                  Type: AWS::Lambda::EventInvokeConfig
                  Properties:
                    FunctionName: shop-audit
                    Qualifier: $LATEST
                    DestinationConfig:
                      OnFailure:
                        Destination: arn:aws:sqs:eu-west-1:1:failed
            """,
        )
    )
    create, audit = functions["create-order"], functions["audit_log"]
    assert create.log_retention is not None and create.log_retention.value == 30
    assert create.log_retention.at == Location(16, 9)
    # Its own setting wins over the resource.
    assert audit.log_retention is not None and audit.log_retention.value == 5
    assert [(e.kind, e.stream_type, e.source) for e in create.events] == [
        ("stream", "kinesis", "Clicks")
    ]
    assert audit.on_failure is not None
    assert audit.on_failure.value == {"Destination": "arn:aws:sqs:eu-west-1:1:failed"}


@pytest.mark.parametrize(
    "provider",
    [
        "provider:\n  name: azure\n  runtime: python3.8\n",
        "provider:\n  name: google\n",
        "provider: openwhisk\n",
        "provider:\n  name: ${opt:cloud}\n",
        "",
    ],
)
def test_non_aws_providers_are_skipped(tmp_path: Path, provider: str) -> None:
    text = f"service: s\n{provider}functions:\n  a:\n    handler: h.a\n"
    write_tree(tmp_path, {"serverless.yml": text, "h.py": "def a(event, context):\n    pass\n"})
    path = tmp_path / "serverless.yml"
    assert load_config(path, "serverless.yml", text, "serverless") is None
    run = lint(tmp_path, select=["ALL"])
    assert run.diagnostics == []
    assert run.apps == []


def test_provider_as_a_string(tmp_path: Path) -> None:
    app = load_app(tmp_path, "service: s\nprovider: aws\nfunctions:\n  a:\n    handler: h.a\n")
    assert [f.name for f in app.functions] == ["a"]


def test_odd_shapes_do_not_crash(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        """
        service: s
        provider:
          name: aws
          environment: ${ssm:/env}
          iam: ${file(./missing.yml)}
          tracing: true
        functions:
          empty:
          listy: [1, 2]
          odd:
            handler: 42
            events:
              - null
              - sqs
              - http: ~
              - {}
              - stream: {}
            environment: [1]
            destinations: x
            url: 5
        resources:
          Resources: []
        """,
    )
    assert {f.name for f in app.functions} == {"empty", "listy", "odd"}
    odd = by_name(app)["odd"]
    assert odd.handler_ref is None
    assert [e.type_name for e in odd.events] == ["http", "stream"]


# -- linking handlers ---------------------------------------------------------------------
def test_handlers_resolve_to_module_files(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "serverless_project", tmp_path / "p")
    root = tmp_path / "p"
    path = root / "serverless.yml"
    app = load_config(path, "serverless.yml", path.read_text(), "serverless")
    assert isinstance(app, App)
    functions = by_name(app)
    expected = {
        "createOrder": ("src/orders/api.py", "create_order"),
        "processPayment": ("payments/handler.py", "process"),
        "notify": ("src/notifications/email.py", "send"),
        "legacy": ("src/legacy/__init__.py", "main"),
        "ingestChanges": ("src/ingest/stream.py", "handle"),
    }
    for name, (module, function) in expected.items():
        ref = functions[name].handler_ref
        assert ref is not None, name
        assert ref.module_path == (root / module).resolve(), name
        assert ref.function == function
    assert functions["processPayment"].code_dir == root / "payments"
    assert functions["processPayment"].requirements == (root / "payments/requirements.txt")
    assert functions["createOrder"].requirements == (root / "requirements.txt")
    # The fixture's variables: a stage-specific settings file, resolved.
    assert functions["createOrder"].timeout.value == 20
    assert functions["notify"].timeout.value == 10
    ingest = functions["ingestChanges"]
    assert ingest.file == "functions/ingest.yml"
    assert ingest.events[0].batch_size is not None
    assert ingest.events[0].batch_size.value == 25
    assert ingest.events[0].stream_type == "dynamodb"
    assert not is_known(functions["createOrder"].environment["API_KEY"].value)


def test_module_falls_back_to_the_service_folder(tmp_path: Path) -> None:
    app = load_app(
        tmp_path,
        """
        service: s
        provider:
          name: aws
          runtime: python3.12
        functions:
          a:
            handler: worker/handler.run
            module: worker
          image:
            image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
            handler: app.main
        """,
        {"worker/handler.py": "def run(event, context):\n    pass\n"},
    )
    functions = by_name(app)
    ref = functions["a"].handler_ref
    assert ref is not None and ref.module_path == (tmp_path / "worker/handler.py").resolve()
    assert functions["image"].package_type == "Image"
    assert functions["image"].handler_ref is None


# -- parse errors through the engine ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        (
            "service: s\nprovider:\n  name: aws\n  timeout: 10\n  timeout: 20\n",
            5,
            3,
            "duplicate key 'timeout'",
        ),
        (
            "service: s\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: !Handler x\n",
            6,
            14,
            "unknown tag !Handler",
        ),
        (
            "service: s\nprovider:\n  name: aws\n   runtime: python3.12\n",
            4,
            11,
            "mapping values are not allowed",
        ),
        ("service: s\nfunctions:\n  - a\n  b: 1\n", 4, 3, "YAML error"),
        ("- just\n- a list\n", 1, 1, "must be a mapping"),
    ],
)
def test_a_broken_serverless_yml_is_sl000_at_its_position(
    tmp_path: Path, text: str, row: int, column: int, message: str
) -> None:
    write_tree(tmp_path, {"serverless.yml": text, "ok.py": "x = 1\n"})
    run = lint(tmp_path, select=["ALL"])
    assert codes_at(run.diagnostics) == [("serverless.yml", "SL000", row, column)]
    assert message in run.diagnostics[0].message
    assert not run.internal_error


def test_a_broken_serverless_yml_is_reported_by_the_command(tmp_path: Path) -> None:
    from conftest import run_cli

    write_tree(tmp_path, {"serverless.yml": "service: s\nservice: t\n"})
    result = run_cli("check", "--select", "ALL", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "serverless.yml:2:1: SL000" in result.stdout
    assert "Traceback" not in result.stderr


def test_load_config_returns_a_parse_failure(tmp_path: Path) -> None:
    path = tmp_path / "serverless.yml"
    failure = load_config(path, "serverless.yml", "a: [\n", "serverless")
    assert isinstance(failure, ParseFailure)
    assert failure.message.startswith("YAML error: ")


def test_findings_in_included_files_are_reported(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": (
                "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
                "functions:\n  - ${file(./functions/a.yml)}\n"
            ),
            "functions/a.yml": "a:\n  handler: h.a\n",
        },
    )
    run = lint(tmp_path, select=["SL301"])
    assert codes_at(run.diagnostics) == [("functions/a.yml", "SL301", 1, 1)]
