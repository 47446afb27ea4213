"""SL505 metrics-api-per-invocation: `put_metric_data` in per-invocation code, across the
three config formats, with the schedule near-misses of each and the client shapes."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent, indent

import pytest
from conftest import lint, write_tree

from slint.diagnostics import Diagnostic

CODE = "SL505"

HANDLER = """\
    import boto3

    cloudwatch = boto3.client("cloudwatch")


    def handler(event, context):
        cloudwatch.put_metric_data(Namespace="Orders", MetricData=[])
        return {"ok": True}
    """


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=[CODE])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics), result.diagnostics
    return [d for d in result.diagnostics if d.code == CODE]


def where(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.path, d.start.row, d.start.column) for d in found]


def serverless(events: str) -> str:
    return dedent(
        """\
            service: orders
            provider:
              name: aws
              runtime: python3.12
            functions:
              fn:
                handler: handler.handler
            """
    ) + indent(dedent(events), "    ")


def sam(events: str) -> str:
    return dedent(
        """\
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: .
                  Handler: handler.handler
                  Runtime: python3.12
            """
    ) + indent(dedent(events), "      ")


def cloudformation(resources: str) -> str:
    return dedent(
        """\
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Fn:
                Type: AWS::Lambda::Function
                Properties:
                  Code: .
                  Handler: handler.handler
                  Runtime: python3.12
                  Role: arn:aws:iam::123456789012:role/fn
            """
    ) + indent(dedent(resources), "  ")


# -- triggers -----------------------------------------------------------------------

PER_REQUEST = {
    "serverless-http": (
        "serverless.yml",
        serverless(
            """\
                events:
                  - http:
                      path: orders
                      method: post
            """
        ),
        "serverless.yml:9: api event",
    ),
    # An EventBridge pattern is per event; a schedule beside it does not change that.
    "serverless-mixed": (
        "serverless.yml",
        serverless(
            """\
                events:
                  - schedule: rate(1 hour)
                  - eventBridge:
                      pattern:
                        source: [orders]
            """
        ),
        "serverless.yml:10: eventbridge event",
    ),
    "serverless-no-events": ("serverless.yml", serverless(""), "function `fn`"),
    "sam-api": (
        "template.yaml",
        sam(
            """\
                  Events:
                    Post:
                      Type: Api
                      Properties:
                        Path: /orders
                        Method: post
            """
        ),
        "template.yaml:10: api event",
    ),
    "cloudformation-sqs": (
        "template.yaml",
        cloudformation(
            """\
              Mapping:
                Type: AWS::Lambda::EventSourceMapping
                Properties:
                  FunctionName: !Ref Fn
                  EventSourceArn: arn:aws:sqs:us-east-1:123456789012:jobs
            """
        ),
        "sqs event",
    ),
}


@pytest.mark.parametrize("case", sorted(PER_REQUEST))
def test_per_request_trigger(tmp_path: Path, case: str) -> None:
    config_name, config, fragment = PER_REQUEST[case]
    found = run(tmp_path, {"handler.py": HANDLER, config_name: config})
    assert where(found) == [("handler.py", 7, 5)]
    assert fragment in found[0].message
    assert "handler `handler`" in found[0].message
    assert "embedded metric format" in found[0].message


SCHEDULED = {
    "serverless-schedule": (
        "serverless.yml",
        serverless(
            """\
                events:
                  - schedule:
                      rate: rate(5 minutes)
                      input:
                        window: 5m
                  - schedule: cron(0 * * * ? *)
            """
        ),
    ),
    "serverless-eventbridge-schedule": (
        "serverless.yml",
        serverless(
            """\
                events:
                  - eventBridge:
                      schedule: rate(10 minutes)
            """
        ),
    ),
    "sam-schedule-v2": (
        "template.yaml",
        sam(
            """\
                  Events:
                    Hourly:
                      Type: ScheduleV2
                      Properties:
                        ScheduleExpression: rate(1 hour)
            """
        ),
    ),
    "cloudformation-scheduler": (
        "template.yaml",
        cloudformation(
            """\
              Hourly:
                Type: AWS::Scheduler::Schedule
                Properties:
                  ScheduleExpression: rate(1 hour)
                  FlexibleTimeWindow:
                    Mode: "OFF"
                  Target:
                    Arn: !GetAtt Fn.Arn
                    RoleArn: arn:aws:iam::123456789012:role/scheduler
            """
        ),
    ),
    "cloudformation-events-rule": (
        "template.yaml",
        cloudformation(
            """\
              Hourly:
                Type: AWS::Events::Rule
                Properties:
                  ScheduleExpression: cron(0 * * * ? *)
                  Targets:
                    - Id: fn
                      Arn: !GetAtt Fn.Arn
            """
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(SCHEDULED))
def test_schedule_only_function_is_an_aggregator(tmp_path: Path, case: str) -> None:
    config_name, config = SCHEDULED[case]
    assert run(tmp_path, {"handler.py": HANDLER, config_name: config}) == []


def test_two_functions_one_handler_reported_once(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "handler.py": HANDLER,
            "serverless.yml": dedent(
                """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  rollup:
                    handler: handler.handler
                    events:
                      - schedule: rate(5 minutes)
                  api:
                    handler: handler.handler
                    events:
                      - httpApi: POST /orders
                  queue:
                    handler: handler.handler
                    events:
                      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
                """
            ),
        },
    )
    assert where(found) == [("handler.py", 7, 5)]
    assert "serverless.yml:13: http_api event" in found[0].message


# -- client shapes --------------------------------------------------------------------

CLIENTS = {
    "session-client": (
        """\
        import boto3

        session = boto3.session.Session()
        cw = session.client(service_name="cloudwatch", region_name="us-east-1")


        def handler(event, context):
            cw.put_metric_data(Namespace="A", MetricData=[])
        """,
        [(8, 5)],
    ),
    "client-in-function": (
        """\
        from boto3 import client as make_client


        def handler(event, context):
            metrics = make_client("cloudwatch")
            metrics.put_metric_data(Namespace="A", MetricData=[])
        """,
        [(6, 5)],
    ),
    "resource-metric": (
        """\
        import boto3

        cloudwatch = boto3.resource("cloudwatch")


        def handler(event, context):
            metric = cloudwatch.Metric("Orders", "Placed")
            metric.put_data(MetricData=[{"MetricName": "Placed", "Value": 1}])
        """,
        [(8, 5)],
    ),
    # A client handed to a helper: its service is out of sight, the method name is not.
    "client-as-parameter": (
        """\
        import boto3

        cloudwatch = boto3.client("cloudwatch")


        def publish(client, value):
            client.put_metric_data(Namespace="A", MetricData=[{"Value": value}])


        def handler(event, context):
            publish(cloudwatch, 1)
        """,
        [(7, 5)],
    ),
    "helper-in-another-module": (
        """\
        from metrics import record


        def handler(event, context):
            record("Placed")
        """,
        [],  # reported in metrics.py (see the test below)
    ),
    # Near-misses.
    "other-service-same-shape": (
        """\
        import boto3

        logs = boto3.client("logs")


        def handler(event, context):
            logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[])
            logs.put_metric_filter(
                logGroupName="g", filterName="f", filterPattern="", metricTransformations=[]
            )
        """,
        [],
    ),
    "powertools-metrics": (
        """\
        from aws_lambda_powertools import Metrics
        from aws_lambda_powertools.metrics import MetricUnit

        metrics = Metrics(namespace="Orders")


        @metrics.log_metrics(capture_cold_start_metric=True)
        def handler(event, context):
            metrics.add_metric(name="Placed", unit=MetricUnit.Count, value=1)
        """,
        [],
    ),
    "aws-embedded-metrics": (
        """\
        from aws_embedded_metrics import metric_scope


        @metric_scope
        def handler(event, context, metrics):
            metrics.put_metric("Placed", 1, "Count")
        """,
        [],
    ),
    "not-per-invocation": (
        """\
        import boto3

        cloudwatch = boto3.client("cloudwatch")


        def backfill(values):
            cloudwatch.put_metric_data(Namespace="A", MetricData=values)


        def handler(event, context):
            return {"ok": True}


        if __name__ == "__main__":
            backfill([])
        """,
        [],
    ),
    # The project's own wrapper of that name: its body is what is checked.
    "own-wrapper-method": (
        """\
        class Metrics:
            def __init__(self):
                self.values = []

            def put_metric_data(self, name, value):
                self.values.append((name, value))


        metrics = Metrics()


        def handler(event, context):
            metrics.put_metric_data("Placed", 1)
        """,
        [],
    ),
}


@pytest.mark.parametrize("case", sorted(CLIENTS))
def test_client_shapes_without_config(tmp_path: Path, case: str) -> None:
    code, expected = CLIENTS[case]
    found = run(tmp_path, {"handler.py": code, "metrics.py": _METRICS_MODULE})
    assert [(row, column) for path, row, column in where(found) if path == "handler.py"] == (
        expected
    )
    for diagnostic in found:
        assert "no config names its trigger" in diagnostic.message


_METRICS_MODULE = """\
    import boto3

    _cloudwatch = boto3.client("cloudwatch")


    def record(name):
        _cloudwatch.put_metric_data(
            Namespace="Orders", MetricData=[{"MetricName": name, "Value": 1}]
        )
    """


def test_helper_in_another_module_is_reported_there(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "handler.py": CLIENTS["helper-in-another-module"][0],
            "metrics.py": _METRICS_MODULE,
        },
    )
    assert where(found) == [("metrics.py", 7, 5)]
    assert "through `record`" in found[0].message
    assert "handler `handler` (handler.py:4" in found[0].message
