"""SL201 missing-idempotency: triggers from each config format, every side effect, every
guard, the no-config case, positions and deduplication."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, write_tree

from slint.diagnostics import Applicability, Diagnostic, Severity

SQS_CONFIG = dedent("""\
    service: orders
    provider:
      name: aws
      runtime: python3.12
    functions:
      worker:
        handler: handler.handler
        events:
          - sqs:
              arn: arn:aws:sqs:us-east-1:123456789012:orders
              batchSize: 10
    """)


def findings(tmp_path: Path, files: Mapping[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL201"])
    assert not result.errors
    found = [d for d in result.diagnostics if d.code == "SL201"]
    assert not any(d.internal_error for d in found)
    return sorted(found, key=lambda d: (d.path, d.start))


def places(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.path, d.start.row, d.start.column) for d in found]


def on_sqs(tmp_path: Path, code: str, **extra: str) -> list[Diagnostic]:
    """The handler module `handler.py` behind an SQS-triggered serverless function."""
    return findings(tmp_path, {"serverless.yml": SQS_CONFIG, "handler.py": code, **extra})


# -- triggers ---------------------------------------------------------------------------


def test_serverless_sqs_trigger_position_message_and_fix(tmp_path: Path) -> None:
    found = on_sqs(
        tmp_path,
        """\
        import json
        import boto3

        table = boto3.resource("dynamodb").Table("orders")


        def handler(event, context):
            for record in event["Records"]:
                table.put_item(Item=json.loads(record["body"]))
        """,
    )
    assert places(found) == [("handler.py", 9, 9)]
    (finding,) = found
    assert finding.severity is Severity.WARNING
    assert finding.end.row == 9 and finding.end.column == 56
    assert finding.message.startswith(
        "`table.put_item` without a `ConditionExpression` runs again when SQS redelivers "
        "the message (serverless.yml:9: sqs event, batchSize 10): "
    )
    assert "attribute_not_exists" in finding.message
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.DISPLAY_ONLY
    assert finding.fix.edits == ()
    assert "@idempotent(" in finding.fix.message
    assert "@idempotent_function(" in finding.fix.message


SNS_PUBLISH = """\
    import os
    import boto3

    sns = boto3.client("sns")


    def handler(event, context):
        sns.publish(TopicArn=os.environ["TOPIC"], Message="done")
    """


def test_sam_trigger_names_the_event(tmp_path: Path) -> None:
    template = """\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Notify:
            Type: AWS::Serverless::Function
            Properties:
              Handler: handler.handler
              Runtime: python3.12
              Events:
                Nightly:
                  Type: Schedule
                  Properties:
                    Schedule: rate(1 day)
        """
    found = findings(tmp_path, {"template.yaml": template, "handler.py": SNS_PUBLISH})
    assert places(found) == [("handler.py", 8, 5)]
    assert (
        "`sns.publish` runs again when the schedule event is retried or delivered twice "
        "(template.yaml:10: Schedule event `Nightly`)"
    ) in found[0].message


def test_cloudformation_event_source_mapping(tmp_path: Path) -> None:
    template = """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Notify:
            Type: AWS::Lambda::Function
            Properties:
              Handler: handler.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/notify
              Code: .
          Orders:
            Type: AWS::DynamoDB::Table
            Properties:
              StreamSpecification:
                StreamViewType: NEW_IMAGE
          OrdersMapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Notify
              EventSourceArn: !GetAtt Orders.StreamArn
              StartingPosition: LATEST
              BatchSize: 50
        """
    found = findings(tmp_path, {"template.yaml": template, "handler.py": SNS_PUBLISH})
    assert places(found) == [("handler.py", 8, 5)]
    assert (
        "when the DynamoDB stream retries the batch "
        "(template.yaml:15: DynamoDB stream source `OrdersMapping`, BatchSize 50)"
    ) in found[0].message


@pytest.mark.parametrize(
    ("settings", "where"),
    [
        (
            "destinations:\n      onFailure: arn:aws:sqs:us-east-1:1:dlq",
            "serverless.yml:8: `onFailure`",
        ),
        ("maximumRetryAttempts: 0", "serverless.yml:7: `maximumRetryAttempts`"),
        ("onError: arn:aws:sns:us-east-1:1:failures", "serverless.yml:7: `onError`"),
    ],
)
def test_serverless_asynchronous_invocation_settings(
    tmp_path: Path, settings: str, where: str
) -> None:
    config = (
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        f"  notify:\n    {settings}\n    handler: handler.handler\n"
    )
    found = findings(tmp_path, {"serverless.yml": config, "handler.py": SNS_PUBLISH})
    assert places(found) == [("handler.py", 8, 5)]
    assert f"({where}, asynchronous invocation)" in found[0].message
    assert "Lambda retries the asynchronous invocation" in found[0].message


def test_cloudformation_event_invoke_config(tmp_path: Path) -> None:
    template = """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Notify:
            Type: AWS::Lambda::Function
            Properties:
              Handler: handler.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/notify
              Code: .
          NotifyInvoke:
            Type: AWS::Lambda::EventInvokeConfig
            Properties:
              FunctionName: !Ref Notify
              Qualifier: $LATEST
              MaximumEventAgeInSeconds: 600
        """
    found = findings(tmp_path, {"template.yaml": template, "handler.py": SNS_PUBLISH})
    assert places(found) == [("handler.py", 8, 5)]
    assert "(template.yaml:10: `NotifyInvoke`, asynchronous invocation)" in found[0].message


def test_synchronous_and_unconfigured_functions_are_silent(tmp_path: Path) -> None:
    template = """\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            DeadLetterQueue:
              Type: SQS
              TargetArn: arn:aws:sqs:us-east-1:123456789012:dlq
        Resources:
          Api:
            Type: AWS::Serverless::Function
            Properties:
              Handler: handler.handler
              Events:
                Create:
                  Type: HttpApi
                  Properties:
                    Path: /orders
                    Method: post
          Direct:
            Type: AWS::Serverless::Function
            Properties:
              Handler: handler.handler
        """
    # An API request is answered once; a function with no trigger in the config and only
    # the DLQ that `Globals` give every function is not known to be invoked asynchronously.
    assert findings(tmp_path, {"template.yaml": template, "handler.py": SNS_PUBLISH}) == []


@pytest.mark.parametrize(
    ("event", "trigger"),
    [
        (
            "s3: photos",
            "when the S3 event is retried or delivered twice (serverless.yml:9: s3 event)",
        ),
        ("sns: orders", "when the SNS event is retried or delivered twice"),
        ("schedule: rate(1 hour)", "when the schedule event is retried or delivered twice"),
        (
            "eventBridge:\n          pattern:\n            source: [shop]",
            "when the EventBridge event is retried or delivered twice",
        ),
        ("cloudwatchLog: /aws/lambda/other", "when the CloudWatch Logs event is retried"),
        (
            "stream:\n          type: kinesis\n          arn: arn:aws:kinesis:us-east-1:1:stream/s",
            "when the Kinesis stream retries the batch",
        ),
        (
            "stream: arn:aws:dynamodb:us-east-1:1:table/t/stream/2024",
            "when the DynamoDB stream retries the batch",
        ),
        (
            "msk:\n          arn: arn:aws:kafka:us-east-1:1:cluster/c/x\n          topic: orders",
            "when Lambda retries the Kafka batch",
        ),
        (
            "rabbitmq:\n          arn: arn:aws:mq:us-east-1:1:broker:b:x\n          queue: q",
            "when Amazon MQ redelivers the message",
        ),
    ],
)
def test_serverless_at_least_once_sources(tmp_path: Path, event: str, trigger: str) -> None:
    config = (
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        f"  notify:\n    handler: handler.handler\n    events:\n      - {event}\n"
    )
    found = findings(tmp_path, {"serverless.yml": config, "handler.py": SNS_PUBLISH})
    assert places(found) == [("handler.py", 8, 5)]
    assert trigger in found[0].message


@pytest.mark.parametrize(
    "event",
    [
        "httpApi: POST /orders",
        "http:\n          path: orders\n          method: post",
        "alb:\n          listenerArn: arn\n          priority: 1\n          conditions:\n"
        "            path: /orders",
        "cognitoUserPool:\n          pool: users\n          trigger: PreSignUp",
        "iotFleetProvisioning:\n          templateBody: ${file(t.json)}\n          "
        "provisioningRoleArn: arn",
    ],
)
def test_serverless_synchronous_sources_are_silent(tmp_path: Path, event: str) -> None:
    config = (
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        f"  notify:\n    handler: handler.handler\n    events:\n      - {event}\n"
    )
    assert findings(tmp_path, {"serverless.yml": config, "handler.py": SNS_PUBLISH}) == []


def test_disabled_event_is_silent(tmp_path: Path) -> None:
    config = SQS_CONFIG.replace("batchSize: 10", "enabled: false")
    assert findings(tmp_path, {"serverless.yml": config, "handler.py": SNS_PUBLISH}) == []


# -- reached code and deduplication --------------------------------------------------------


def test_reported_once_in_the_shared_module_for_several_handlers(tmp_path: Path) -> None:
    config = """\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          fromQueue:
            handler: handlers/queue.handler
            events:
              - sqs: arn:aws:sqs:us-east-1:123456789012:orders
          fromTopic:
            handler: handlers/topic.handler
            events:
              - sns: orders
        """
    handler = """\
        from handlers.notify import notify


        def handler(event, context):
            for record in event["Records"]:
                notify(record)
        """
    notify = """\
        import boto3

        ses = boto3.client("sesv2")


        def notify(record):
            send(record)


        def send(record):
            ses.send_email(
                FromEmailAddress="shop@example.com",
                Destination={"ToAddresses": ["a@example.com"]},
                Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
            )
        """
    found = findings(
        tmp_path,
        {
            "serverless.yml": config,
            "handlers/__init__.py": "",
            "handlers/queue.py": handler,
            "handlers/topic.py": handler,
            "handlers/notify.py": notify,
        },
    )
    assert places(found) == [("handlers/notify.py", 11, 5)]
    assert "`ses.send_email` runs again when SQS redelivers the message" in found[0].message


# -- side effects -------------------------------------------------------------------------

UPDATE = """\
    import boto3

    table = boto3.resource("dynamodb").Table("orders")


    def handler(event, context):
        table.update_item(
            Key={{"id": "x"}},
            UpdateExpression="{expression}",
            ExpressionAttributeValues={values},
        )
    """


@pytest.mark.parametrize(
    ("expression", "values", "action"),
    [
        ("ADD visits :one", '{":one": 1}', "`ADD visits :one`"),
        ("SET visits = visits + :one", '{":one": 1}', "`SET visits = visits + :one`"),
        (
            "SET #c = if_not_exists(#c, :zero) + :one",
            '{":zero": 0, ":one": 1}',
            "`SET #c = if_not_exists(#c, :zero) + :one`",
        ),
        (
            "SET updated = :now, events = list_append(events, :e)",
            '{":now": 1, ":e": ["x"]}',
            "`SET events = list_append(events, :e)`",
        ),
        ("set n = n - :d REMOVE old", '{":d": 1}', "`SET n = n - :d`"),
        ("ADD tags :t", "TAGS", "`ADD tags :t`"),
    ],
)
def test_accumulating_updates_are_reported(
    tmp_path: Path, expression: str, values: str, action: str
) -> None:
    code = UPDATE.format(expression=expression, values=values)
    found = on_sqs(tmp_path, code)
    assert places(found) == [("handler.py", 7, 5)]
    assert f"`table.update_item` with {action} and no `ConditionExpression`" in found[0].message


@pytest.mark.parametrize(
    ("expression", "values"),
    [
        ("SET order_status = :s", '{":s": "paid"}'),
        ("SET a = :a, b = :b", '{":a": 1, ":b": 2}'),
        ("SET val = :val + :x", '{":val": 1, ":x": 2}'),
        ("SET total = price + :tax", '{":tax": 1}'),
        ("SET created = if_not_exists(created, :now)", '{":now": 1}'),
        ("REMOVE reservation", "{}"),
        ("DELETE tags :t", '{":t": {"old"}}'),
        ("ADD tags :t", '{":t": {"new", "paid"}}'),
        ("ADD tags :t", '{":t": {"SS": ["new"]}}'),
    ],
)
def test_idempotent_updates_are_silent(tmp_path: Path, expression: str, values: str) -> None:
    assert on_sqs(tmp_path, UPDATE.format(expression=expression, values=values)) == []


def test_update_with_a_condition_or_an_unknown_expression_is_silent(tmp_path: Path) -> None:
    code = """\
        import boto3

        table = boto3.resource("dynamodb").Table("orders")


        def handler(event, context, expression=None):
            table.update_item(
                Key={"id": "x"},
                UpdateExpression="ADD visits :one",
                ConditionExpression="last_message <> :m",
                ExpressionAttributeValues={":one": 1, ":m": event["id"]},
            )
            table.update_item(Key={"id": "x"}, UpdateExpression=expression)
        """
    assert on_sqs(tmp_path, code) == []


def test_legacy_attribute_updates_with_add(tmp_path: Path) -> None:
    code = """\
        import boto3

        client = boto3.client("dynamodb")


        def handler(event, context):
            client.update_item(
                TableName="orders",
                Key={"id": {"S": "x"}},
                AttributeUpdates={"visits": {"Value": {"N": "1"}, "Action": "ADD"}},
            )
        """
    found = on_sqs(tmp_path, code)
    assert places(found) == [("handler.py", 7, 5)]
    assert "`AttributeUpdates visits: ADD`" in found[0].message


def test_put_item_forms(tmp_path: Path) -> None:
    code = """\
        import boto3

        client = boto3.client("dynamodb")
        table = boto3.resource("dynamodb").Table("orders")


        def save(repository, item):
            repository.put_item(Item=item)


        def handler(event, context):
            client.put_item(TableName="orders", Item={"id": {"S": event["id"]}})
            table.put_item(Item=event, ConditionExpression="attribute_exists(id)")
            table.put_item(Item=event, Expected={"id": {"Exists": False}})
            save(table, event)
            with table.batch_writer() as batch:
                batch.put_item(Item=event)
        """
    found = on_sqs(tmp_path, code)
    # A conditional put is guarded by its condition; a batch writer cannot take one.
    assert places(found) == [("handler.py", 8, 5), ("handler.py", 12, 5)]
    assert found[0].message.startswith("`repository.put_item` without a `ConditionExpression`")
    assert found[1].message.startswith("`client.put_item` without a `ConditionExpression`")


def test_unknown_receivers_need_the_operations_own_arguments(tmp_path: Path) -> None:
    code = """\
        import json
        import boto3
        import redis
        import paho.mqtt.client as mqtt

        cache = redis.Redis()
        broker = mqtt.Client()
        iot = boto3.client("iot-data")


        def handler(event, context, store=None, options=None):
            cache.publish("orders", json.dumps(event))
            broker.publish("orders/new", json.dumps(event))
            iot.publish(topic="orders", payload=json.dumps(event))
            store.put_item(event)
            store.send_message(event, "x")
            store.put_item(**options)
            store.start_execution(json.dumps(event))
        """
    assert on_sqs(tmp_path, code) == []


SQS_SEND = """\
    import os
    import uuid
    import boto3

    sqs = boto3.client("sqs")


    def handler(event, context):
        for record in event["Records"]:
            sqs.send_message(QueueUrl={url}, MessageBody=record["body"]{extra})
    """


@pytest.mark.parametrize(
    ("url", "extra", "what"),
    [
        ('"https://sqs.us-east-1.amazonaws.com/1/next"', "", "to a standard queue"),
        ('os.environ["NEXT_QUEUE"]', "", "without a deduplication id"),
        (
            '"https://sqs.us-east-1.amazonaws.com/1/next.fifo"',
            ", MessageGroupId='g', MessageDeduplicationId=str(uuid.uuid4())",
            "with a `MessageDeduplicationId` that changes on every attempt",
        ),
    ],
)
def test_sqs_sends_that_do_not_deduplicate(tmp_path: Path, url: str, extra: str, what: str) -> None:
    found = on_sqs(tmp_path, SQS_SEND.format(url=url, extra=extra))
    assert places(found) == [("handler.py", 10, 9)]
    assert found[0].message.startswith(f"`sqs.send_message` {what} runs again")


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        # SQS takes a FIFO message only when the queue deduplicates it somehow.
        ('"https://sqs.us-east-1.amazonaws.com/1/next.fifo"', ", MessageGroupId='g'"),
        ('os.environ["NEXT_QUEUE"]', ", MessageDeduplicationId=record['messageId']"),
        ('os.environ["NEXT_QUEUE"]', ", MessageDeduplicationId=record['attributes']['x']"),
        # A field of the message that happens to hold a UUID is the same on every delivery.
        ('os.environ["NEXT_QUEUE"]', ", MessageDeduplicationId=record['order_uuid']"),
    ],
)
def test_sqs_sends_that_deduplicate(tmp_path: Path, url: str, extra: str) -> None:
    assert on_sqs(tmp_path, SQS_SEND.format(url=url, extra=extra)) == []


def _with_next_queue(properties: str) -> str:
    return SQS_CONFIG.replace(
        "    handler: handler.handler\n",
        "    handler: handler.handler\n    environment:\n      NEXT_QUEUE: !Ref Next\n",
    ) + (
        "resources:\n  Resources:\n    Next:\n      Type: AWS::SQS::Queue\n"
        f"      Properties:\n{properties}"
    )


def test_queue_kind_from_the_config(tmp_path: Path) -> None:
    code = SQS_SEND.format(url='os.environ["NEXT_QUEUE"]', extra="")
    fifo = _with_next_queue("        FifoQueue: true\n        ContentBasedDeduplication: true\n")
    assert findings(tmp_path / "fifo", {"serverless.yml": fifo, "handler.py": code}) == []
    standard = _with_next_queue("        VisibilityTimeout: 60\n")
    found = findings(tmp_path / "standard", {"serverless.yml": standard, "handler.py": code})
    assert places(found) == [("handler.py", 10, 9)]
    assert "`sqs.send_message` to a standard queue" in found[0].message


def test_send_message_batch(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3

        sqs = boto3.client("sqs")


        def handler(event, context):
            entries = []
            for record in event["Records"]:
                entries.append({"Id": record["messageId"], "MessageBody": record["body"]})
            sqs.send_message_batch(QueueUrl=os.environ["NEXT"], Entries=entries)


        def deduplicated(event, context):
            entries = []
            for record in event["Records"]:
                entries.append(
                    {
                        "Id": record["messageId"],
                        "MessageBody": record["body"],
                        "MessageGroupId": "g",
                        "MessageDeduplicationId": record["messageId"],
                    }
                )
            sqs.send_message_batch(QueueUrl=os.environ["NEXT"], Entries=entries)
        """
    config = SQS_CONFIG + (
        "  other:\n    handler: handler.deduplicated\n    events:\n"
        "      - sqs: arn:aws:sqs:us-east-1:123456789012:other\n"
    )
    found = findings(tmp_path, {"serverless.yml": config, "handler.py": code})
    assert places(found) == [("handler.py", 11, 5)]
    assert found[0].message.startswith("`sqs.send_message_batch` without a deduplication id")


def test_sns_publish_forms(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3

        sns = boto3.client("sns")
        topic = boto3.resource("sns").Topic(os.environ["TOPIC"])


        def handler(event, context):
            sns.publish(TopicArn="arn:aws:sns:us-east-1:1:orders", Message="x")
            sns.publish(PhoneNumber="+15550100", Message="x")
            topic.publish(Message="x")
            sns.publish(
                TopicArn="arn:aws:sns:us-east-1:1:orders.fifo",
                Message="x",
                MessageGroupId="g",
            )
            sns.publish(
                TopicArn=os.environ["TOPIC"],
                Message="x",
                MessageGroupId="g",
                MessageDeduplicationId=event["id"],
            )
        """
    found = on_sqs(tmp_path, code)
    assert places(found) == [("handler.py", 9, 5), ("handler.py", 10, 5), ("handler.py", 11, 5)]


def test_ses_operations(tmp_path: Path) -> None:
    code = """\
        import boto3

        ses = boto3.client("ses")


        def handler(event, context, mailer=None):
            ses.send_raw_email(RawMessage={"Data": b"x"})
            ses.send_templated_email(
                Source="a@example.com", Destination={}, Template="t", TemplateData="{}"
            )
            mailer.send_email(Source="a@example.com", Destination={}, Message={})
            mailer.send_email("a@example.com", "b@example.com", "subject")
        """
    found = on_sqs(tmp_path, code)
    assert places(found) == [("handler.py", 7, 5), ("handler.py", 8, 5), ("handler.py", 11, 5)]


def test_step_functions_execution_names(tmp_path: Path) -> None:
    code = """\
        import json
        import os
        import time
        import uuid
        import boto3

        sfn = boto3.client("stepfunctions")
        MACHINE = os.environ["MACHINE"]


        def handler(event, context):
            for record in event["Records"]:
                body = json.loads(record["body"])
                sfn.start_execution(stateMachineArn=MACHINE, input=record["body"])
                sfn.start_execution(stateMachineArn=MACHINE, name=context.aws_request_id)
                sfn.start_execution(stateMachineArn=MACHINE, name=f"run-{uuid.uuid4()}")
                sfn.start_execution(stateMachineArn=MACHINE, name=f"o-{int(time.time())}")
                sfn.start_execution(stateMachineArn=MACHINE, name=MACHINE)
                sfn.start_execution(stateMachineArn=MACHINE, name=record["messageId"])
                sfn.start_execution(stateMachineArn=MACHINE, name=f"order-{body['id']}")
                order_id = body.get("orderId")
                sfn.start_execution(stateMachineArn=MACHINE, name=order_id)
                start(body["id"])


        def start(order_id):
            sfn.start_execution(stateMachineArn=MACHINE, name=f"order-{order_id}")
        """
    found = on_sqs(tmp_path, code)
    assert places(found) == [
        ("handler.py", 14, 9),
        ("handler.py", 15, 9),
        ("handler.py", 16, 9),
        ("handler.py", 17, 9),
        ("handler.py", 18, 9),
    ]
    messages = [d.message for d in found]
    assert messages[0].startswith("`sfn.start_execution` without a `name` runs again")
    for message in messages[1:4]:
        assert message.startswith("`sfn.start_execution` with a `name` that changes on every")
    assert messages[4].startswith("`sfn.start_execution` with a `name` not taken from the event")


def test_lambda_invocations(tmp_path: Path) -> None:
    code = """\
        import boto3

        lambda_client = boto3.client("lambda")


        def handler(event, context):
            lambda_client.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
            lambda_client.invoke(FunctionName="f", Payload=b"{}")
            lambda_client.invoke(FunctionName="f", InvocationType="RequestResponse")
            lambda_client.invoke_async(FunctionName="f", InvokeArgs=b"{}")
        """
    found = on_sqs(tmp_path, code)
    assert places(found) == [("handler.py", 7, 5), ("handler.py", 10, 5)]
    assert '`lambda_client.invoke` with `InvocationType="Event"`' in found[0].message


def test_http_requests(tmp_path: Path) -> None:
    code = """\
        import httpx
        import requests
        from requests import post

        session = requests.Session()
        client = httpx.Client()
        URL = "https://api.example.com/orders"


        def handler(event, context):
            for record in event["Records"]:
                post(URL, data=record["body"], timeout=5)
                requests.patch(URL, data=record["body"], timeout=5)
                session.post(URL, data=record["body"], timeout=5)
                session.request("POST", URL, data=record["body"], timeout=5)
                client.post(URL, content=record["body"])
                requests.put(URL, data=record["body"], timeout=5)
                requests.get(URL, timeout=5)
                session.request("DELETE", URL, timeout=5)
                requests.post(
                    URL,
                    data=record["body"],
                    headers={"Idempotency-Key": record["messageId"]},
                    timeout=5,
                )
        """
    found = on_sqs(tmp_path, code)
    assert places(found) == [
        ("handler.py", 12, 9),
        ("handler.py", 13, 9),
        ("handler.py", 14, 9),
        ("handler.py", 15, 9),
        ("handler.py", 16, 9),
    ]
    assert found[0].message.startswith("`requests.post` runs again")
    assert "creates a second resource" in found[0].message
    assert "the PATCH request is sent once per delivery;" in found[1].message
    assert found[3].message.startswith("`session.request` (POST) runs again")


def test_an_idempotency_header_that_changes_on_every_attempt(tmp_path: Path) -> None:
    code = """\
        import uuid
        import requests


        def handler(event, context):
            requests.post(
                "https://api.example.com/orders",
                headers={"Idempotency-Key": str(uuid.uuid4())},
                timeout=5,
            )
        """
    assert places(on_sqs(tmp_path, code)) == [("handler.py", 6, 5)]


def test_failure_paths_are_not_reported(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3

        sns = boto3.client("sns")


        def handler(event, context):
            try:
                process(event)
            except Exception as error:
                sns.publish(TopicArn=os.environ["ALERTS"], Message=str(error))
                raise


        def process(event):
            return event
        """
    assert on_sqs(tmp_path, code) == []


# -- guards -------------------------------------------------------------------------------


def test_idempotent_handler(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            idempotent,
        )

        sns = boto3.client("sns")
        persistence = DynamoDBPersistenceLayer(table_name="idempotency")


        @idempotent(persistence_store=persistence)
        def handler(event, context):
            sns.publish(TopicArn=os.environ["TOPIC"], Message="x")
        """
    assert on_sqs(tmp_path, code) == []


GUARDED_PATHS = """\
    import os
    import boto3
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    sns = boto3.client("sns")
    persistence = DynamoDBPersistenceLayer(table_name="idempotency")
    config = IdempotencyConfig(event_key_jmespath="messageId")


    def publish(record):
        sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])


    @idempotent_function(
        data_keyword_argument="record", config=config, persistence_store=persistence
    )
    def process(record):
        publish(record)


    def handler(event, context):
        for record in event["Records"]:
            process(record=record){direct}
    """


def test_idempotent_function_on_the_way_to_the_call(tmp_path: Path) -> None:
    assert on_sqs(tmp_path / "guarded", GUARDED_PATHS.format(direct="")) == []
    # The handler also reaches the publish around the guarded function.
    direct = "\n        publish(record)"
    found = on_sqs(tmp_path / "around", GUARDED_PATHS.format(direct=direct))
    assert places(found) == [("handler.py", 15, 5)]


def test_idempotent_record_handler_of_a_batch_processor(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3
        from aws_lambda_powertools.utilities.batch import (
            BatchProcessor,
            EventType,
            process_partial_response,
        )
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        processor = BatchProcessor(event_type=EventType.SQS)
        persistence = DynamoDBPersistenceLayer(table_name="idempotency")
        config = IdempotencyConfig(event_key_jmespath="messageId")
        sns = boto3.client("sns")


        @idempotent_function(
            data_keyword_argument="record", config=config, persistence_store=persistence
        )
        def record_handler(record):
            sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])


        def handler(event, context):
            config.register_lambda_context(context)
            return process_partial_response(
                event=event, context=context, processor=processor, record_handler=record_handler
            )
        """
    assert on_sqs(tmp_path / "guarded", code) == []
    unguarded = code.replace("@idempotent_function(", "@some_decorator(")
    found = on_sqs(tmp_path / "unguarded", unguarded)
    assert places(found) == [("handler.py", 24, 5)]


def test_idempotent_record_handler_of_the_batch_processor_decorator(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3
        from aws_lambda_powertools.utilities.batch import (
            BatchProcessor,
            EventType,
            batch_processor,
        )
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            idempotent_function,
        )

        processor = BatchProcessor(event_type=EventType.SQS)
        persistence = DynamoDBPersistenceLayer(table_name="idempotency")
        sns = boto3.client("sns")


        def publish(record):
            sns.publish(TopicArn=os.environ["TOPIC"], Message=record.body)


        @idempotent_function(data_keyword_argument="record", persistence_store=persistence)
        def record_handler(record):
            publish(record)


        @batch_processor(record_handler=record_handler, processor=processor)
        def handler(event, context):
            return processor.response()
        """
    assert on_sqs(tmp_path / "guarded", code) == []
    unguarded = code.replace("@idempotent_function(", "@some_decorator(")
    assert places(on_sqs(tmp_path / "unguarded", unguarded)) == [("handler.py", 19, 5)]


CLAIM = """\
    import os
    import boto3
    from boto3.dynamodb.conditions import Attr

    processed = boto3.resource("dynamodb").Table("processed")
    sns = boto3.client("sns")


    def claim(record):
        processed.put_item(Item={{"id": record["messageId"]}}, {condition})


    def handler(event, context):
        for record in event["Records"]:
            {first}
            {second}
    """
PUBLISH = 'sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])'


@pytest.mark.parametrize(
    "condition",
    [
        'ConditionExpression="attribute_not_exists(id)"',
        'ConditionExpression=Attr("id").not_exists()',
    ],
)
def test_a_claim_before_the_effect_guards_it(tmp_path: Path, condition: str) -> None:
    code = CLAIM.format(condition=condition, first="claim(record)", second=PUBLISH)
    assert on_sqs(tmp_path, code) == []


def test_a_claim_after_the_effect_does_not(tmp_path: Path) -> None:
    condition = 'ConditionExpression="attribute_not_exists(id)"'
    code = CLAIM.format(condition=condition, first=PUBLISH, second="claim(record)")
    assert places(on_sqs(tmp_path / "call", code)) == [("handler.py", 15, 9)]
    inline = """\
        import os
        import boto3

        processed = boto3.resource("dynamodb").Table("processed")
        sns = boto3.client("sns")


        def handler(event, context):
            for record in event["Records"]:
                sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])
                processed.put_item(
                    Item={"id": record["messageId"]},
                    ConditionExpression="attribute_not_exists(id)",
                )
        """
    assert places(on_sqs(tmp_path / "inline", inline)) == [("handler.py", 10, 9)]


def test_a_condition_that_is_no_claim_guards_only_its_own_write(tmp_path: Path) -> None:
    condition = 'ConditionExpression="attribute_exists(id)"'
    code = CLAIM.format(condition=condition, first="claim(record)", second=PUBLISH)
    assert places(on_sqs(tmp_path, code)) == [("handler.py", 16, 9)]


def test_redis_set_nx_claim_and_seen_check(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3
        import redis

        cache = redis.Redis()
        sns = boto3.client("sns")


        def handler(event, context):
            for record in event["Records"]:
                if not cache.set(record["messageId"], 1, nx=True, ex=3600):
                    continue
                sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])
        """
    assert on_sqs(tmp_path / "nx", code) == []
    seen = """\
        import os
        import boto3

        sns = boto3.client("sns")


        def already_processed(message_id):
            return False


        def handler(event, context):
            for record in event["Records"]:
                if already_processed(record["messageId"]):
                    continue
                sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])
        """
    assert on_sqs(tmp_path / "seen", seen) == []


def test_a_lookup_that_skips_the_message(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3

        processed = boto3.resource("dynamodb").Table("processed")
        sns = boto3.client("sns")


        def handler(event, context):
            for record in event["Records"]:
                if processed.get_item(Key={"id": record["messageId"]}).get("Item"):
                    continue
                sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])
        """
    assert on_sqs(tmp_path / "skip", code) == []
    # The same lookup after the effect guards nothing.
    late = code.replace(
        """                if processed.get_item(Key={"id": record["messageId"]}).get("Item"):
                    continue
                sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])""",
        """                sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])
                if processed.get_item(Key={"id": record["messageId"]}).get("Item"):
                    continue""",
    )
    assert places(on_sqs(tmp_path / "late", late)) == [("handler.py", 10, 9)]


def test_tokens_guard_the_call(tmp_path: Path) -> None:
    code = """\
        import boto3

        client = boto3.client("sesv2")


        def handler(event, context):
            client.send_email(
                Content={}, Destination={}, ClientToken=event["Records"][0]["messageId"]
            )
        """
    assert on_sqs(tmp_path, code) == []


# -- without a config ---------------------------------------------------------------------


def test_no_config_records_loop(tmp_path: Path) -> None:
    code = """\
        import os
        import boto3

        sns = boto3.client("sns")


        def lambda_handler(event, context):
            for record in event["Records"]:
                sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])


        def other_handler(event, context):
            sns.publish(TopicArn=os.environ["TOPIC"], Message="x")
        """
    found = findings(tmp_path, {"handler.py": code})
    # `other_handler` may be behind an API: nothing says its event comes twice.
    assert places(found) == [("handler.py", 9, 9)]
    assert (
        "runs again when a record is redelivered (handler.py:8: a loop over the event's records)"
    ) in found[0].message


def test_no_config_powertools_batch(tmp_path: Path) -> None:
    code = """\
        import requests
        from aws_lambda_powertools.utilities.batch import (
            BatchProcessor,
            EventType,
            process_partial_response,
        )

        processor = BatchProcessor(event_type=EventType.SQS)


        def record_handler(record):
            requests.post("https://api.example.com/orders", data=record.body, timeout=5)


        def lambda_handler(event, context):
            return process_partial_response(
                event=event, context=context, processor=processor, record_handler=record_handler
            )
        """
    found = findings(tmp_path, {"handler.py": code})
    assert places(found) == [("handler.py", 12, 5)]
    assert "(handler.py:16: a Powertools batch of records)" in found[0].message


def test_no_config_powertools_batch_context_manager(tmp_path: Path) -> None:
    code = """\
        import boto3
        from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

        processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
        lambda_client = boto3.client("lambda")


        def record_handler(record):
            lambda_client.invoke(FunctionName="next", InvocationType="Event", Payload=b"{}")


        def lambda_handler(event, context):
            batch = event["Records"]
            with processor(records=batch, handler=record_handler):
                processor.process()
            return processor.response()
        """
    found = findings(tmp_path, {"handler.py": code})
    assert places(found) == [("handler.py", 9, 5)]
    assert "(handler.py:14: a Powertools batch of records)" in found[0].message


def test_no_config_without_records_is_silent(tmp_path: Path) -> None:
    code = """\
        import json
        import boto3

        table = boto3.resource("dynamodb").Table("orders")


        def handler(event, context):
            table.put_item(Item=json.loads(event["body"]))
            return {"statusCode": 201}
        """
    assert findings(tmp_path, {"handler.py": code}) == []
