from __future__ import annotations

from collections.abc import Iterable, Iterator
from textwrap import dedent

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.model import Event, Function
from slint.app.project import LinkedHandler, ReachedFunction
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic, Location
from slint.facts import Call
from slint.settings import Settings

_REMEDY = (
    "write the metric in the embedded metric format instead (Powertools `Metrics`, "
    "`aws-embedded-metrics`): it goes out with the logs, asynchronously, with no API call"
)
_REMEDY_NODE = (
    "write the metric in the embedded metric format instead (Powertools `Metrics` from "
    "`@aws-lambda-powertools/metrics`, `metricScope` of `aws-embedded-metrics`): it goes "
    "out with the logs, asynchronously, with no API call"
)
_JAVASCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})
# Keys that make an EventBridge rule a schedule (serverless `eventBridge.schedule`,
# SAM `EventBridgeRule`/CloudFormation `AWS::Events::Rule` with a schedule expression).
_SCHEDULE_KEYS = ("schedule", "Schedule", "ScheduleExpression")


def is_schedule(event: Event) -> bool:
    if event.kind == "schedule":
        return True
    if event.kind == "eventbridge" and isinstance(event.properties, YMap):
        return any(key in event.properties for key in _SCHEDULE_KEYS)
    return False


def metrics_api(call: Call, own_methods: frozenset[str]) -> str | None:
    """The CloudWatch API a call makes to publish metrics, if it is one."""
    receiver = call.receiver
    if call.method == "put_metric_data":
        if receiver is not None and receiver.service is not None:
            return "put_metric_data" if receiver.service == "cloudwatch" else None
        # A client whose making is out of sight (a parameter, an attribute): the name is
        # CloudWatch's alone, unless the project defines a method of that name itself,
        # whose body is then checked instead.
        return None if "put_metric_data" in own_methods else "put_metric_data"
    # `boto3.resource("cloudwatch").Metric(namespace, name).put_data(...)`
    if (
        call.method == "put_data"
        and receiver is not None
        and receiver.origin is not None
        and receiver.origin.endswith("resource().Metric()")
    ):
        return "Metric.put_data"
    return None


_NODE_SERVERLESS = dedent(
    """\
    service: orders
    provider:
      name: aws
      runtime: nodejs20.x
    functions:
      place:
        handler: handler.handler
        events:
          - httpApi: POST /orders
    """
)
_NODE_SAM_TS = dedent(
    """\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: worker.handler
          Runtime: nodejs20.x
          Events:
            Jobs:
              Type: SQS
              Properties:
                Queue: arn:aws:sqs:us-east-1:123456789012:jobs
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - worker.ts
    """
)
_NODE_PUT_METRIC = dedent(
    """\
    import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";

    const cloudwatch = new CloudWatchClient({});

    export const handler = async (event) => {
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "Orders",
          MetricData: [{ MetricName: "OrderPlaced", Value: 1, Unit: "Count" }],
        }),
      );
      return { statusCode: 201 };
    };
    """
)


class MetricsApiPerInvocation(CrossRule):
    """
    ## What it does
    Reports a call to CloudWatch's `put_metric_data` (a boto3 client for
    `"cloudwatch"`, made at module level, in the function, or from a `Session`; or a
    `Metric(...).put_data` resource) in code a handler runs on every invocation: the
    handler and every function of the project it reaches. The message names the
    handler and its trigger.

    Not reported for a function that only schedules trigger (serverless `schedule`,
    an `eventBridge` event with a `schedule`, SAM `Schedule`/`ScheduleV2`, an
    `AWS::Events::Rule` with a `ScheduleExpression` or an `AWS::Scheduler::Schedule`
    targeting it): a scheduled job that aggregates many requests' data and publishes
    it in one call is the right use of the API. A function with any other trigger
    (or none in the config: invoked directly, by Step Functions) runs per request and
    is reported. A handler that no config names (found by the naming convention) is
    reported too: its trigger is unknown, and the default is a request.

    Node.js handlers (JavaScript and TypeScript) the same way: the SDK v3
    `client.send(new PutMetricDataCommand(...))` of `@aws-sdk/client-cloudwatch` and the
    SDK v2 `cloudwatch.putMetricData(...)`, except under a once-per-environment guard.
    Powertools `Metrics` (`@aws-lambda-powertools/metrics`) and `aws-embedded-metrics`
    write the embedded metric format and are not reported.

    ## Why is this bad?
    `PutMetricData` is a synchronous HTTPS call: every invocation waits for it (tens
    of milliseconds, more on a cold connection), it is throttled per account and
    Region when traffic rises, so metrics get lost or the function fails exactly when
    load is high, and it is billed per call. The embedded metric format writes the
    metrics as a structured log line that CloudWatch turns into metrics
    asynchronously, with no API call and no throttling.

    ## Example
    ```python
    import boto3

    cloudwatch = boto3.client("cloudwatch")


    def handler(event, context):
        cloudwatch.put_metric_data(
            Namespace="Orders",
            MetricData=[{"MetricName": "OrderPlaced", "Value": 1, "Unit": "Count"}],
        )
        return {"statusCode": 201}
    ```

    ## Use instead
    ```python
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    metrics = Metrics(namespace="Orders")


    @metrics.log_metrics
    def handler(event, context):
        metrics.add_metric(name="OrderPlaced", unit=MetricUnit.Count, value=1)
        return {"statusCode": 201}
    ```

    ## Fix
    No automatic fix: moving to the embedded metric format changes how metrics are
    named and flushed. With Powertools, create `Metrics(namespace=...)` at module
    level, decorate the handler with `@metrics.log_metrics` and replace each
    `put_metric_data` by `metrics.add_metric(...)` (dimensions with
    `metrics.add_dimension`). With `aws-embedded-metrics`, decorate it with
    `@metric_scope` and call `metrics.put_metric(...)`.

    ## References
    - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format.html
    - https://docs.powertools.aws.dev/lambda/python/latest/core/metrics/
    - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
    """

    code = "SL505"
    name = "metrics-api-per-invocation"
    severity = Severity.WARNING
    fix = FixKind.NONE

    def __init__(self) -> None:
        # One instance per config: a call that several handlers reach is reported once.
        self._reported: set[tuple[str, Location]] = set()

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.reached:
            return
        if function.events and all(is_schedule(event) for event in function.events):
            return
        per_request = [event for event in function.events if not is_schedule(event)]
        if per_request:
            event = per_request[0]
            trigger = f"{event.file}:{event.at.row}: {event.kind} event"
        else:
            trigger = f"{function.file}:{function.at.row}: function `{function.name}`"
        yield from self._check(handler, trigger)

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterable[Diagnostic]:
        if handler.reached:
            yield from self._check(handler, "no config names its trigger")

    def _check(self, handler: LinkedHandler, trigger: str) -> Iterator[Diagnostic]:
        from slint.javascript.sdk import snake

        own_methods = frozenset(
            # JavaScript: the front end names an SDK method the way boto3 does
            # (`client.putMetricData` -> `put_metric_data`), so a function of the
            # project's own is known by that name too.
            name
            for reached in handler.reached
            for name in (reached.facts.name, snake(reached.facts.name))
        )
        name = handler.function.name if handler.function is not None else "handler"
        for reached in handler.reached:
            javascript = reached.path.suffix.lower() in _JAVASCRIPT_SUFFIXES
            for call in reached.behaviour.calls:
                if call.once:
                    continue  # under a once-per-environment guard (`ready ??= ...`)
                api = metrics_api(call, own_methods)
                if api is None:
                    continue
                place = (reached.display, call.span.start)
                if place in self._reported:
                    continue
                self._reported.add(place)
                shown = call.display if call.display is not None else api
                yield self.make_diagnostic(
                    reached.display,
                    call.span.start,
                    call.span.end,
                    f"`{shown}` is a synchronous CloudWatch API call on every invocation of "
                    f"handler `{name}` ({handler.location}; {trigger}){_via(reached)}: "
                    f"it adds latency, is throttled at high rates and billed per call; "
                    f"{_REMEDY_NODE if javascript else _REMEDY}",
                )

    valid = (
        # The embedded metric format through Powertools.
        Valid(
            dedent(
                """\
                from aws_lambda_powertools import Metrics
                from aws_lambda_powertools.metrics import MetricUnit

                metrics = Metrics(namespace="Orders")


                @metrics.log_metrics
                def handler(event, context):
                    metrics.add_metric(name="OrderPlaced", unit=MetricUnit.Count, value=1)
                """
            ),
            files={
                "serverless.yml": dedent(
                    """\
                    service: orders
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      place:
                        handler: handler.handler
                        events:
                          - httpApi: POST /orders
                    """
                )
            },
        ),
        # A scheduled aggregator (serverless `schedule`).
        Valid(
            dedent(
                """\
                import boto3

                cloudwatch = boto3.client("cloudwatch")


                def handler(event, context):
                    cloudwatch.put_metric_data(Namespace="Orders", MetricData=[])
                """
            ),
            files={
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
                    """
                )
            },
        ),
        # SAM `Schedule`.
        Valid(
            dedent(
                """\
                import boto3

                cloudwatch = boto3.client("cloudwatch")


                def handler(event, context):
                    cloudwatch.put_metric_data(Namespace="Orders", MetricData=[])
                """
            ),
            files={
                "template.yaml": dedent(
                    """\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      Rollup:
                        Type: AWS::Serverless::Function
                        Properties:
                          CodeUri: .
                          Handler: handler.handler
                          Runtime: python3.12
                          Events:
                            Every5:
                              Type: Schedule
                              Properties:
                                Schedule: rate(5 minutes)
                    """
                )
            },
        ),
        # CloudFormation `AWS::Events::Rule` with a `ScheduleExpression`.
        Valid(
            dedent(
                """\
                import boto3

                cloudwatch = boto3.client("cloudwatch")


                def handler(event, context):
                    cloudwatch.put_metric_data(Namespace="Orders", MetricData=[])
                """
            ),
            files={
                "template.yaml": dedent(
                    """\
                    AWSTemplateFormatVersion: "2010-09-09"
                    Resources:
                      Rollup:
                        Type: AWS::Lambda::Function
                        Properties:
                          Code: .
                          Handler: handler.handler
                          Runtime: python3.12
                          Role: arn:aws:iam::123456789012:role/rollup
                      Every5:
                        Type: AWS::Events::Rule
                        Properties:
                          ScheduleExpression: rate(5 minutes)
                          Targets:
                            - Id: rollup
                              Arn: !GetAtt Rollup.Arn
                    """
                )
            },
        ),
        # TypeScript (SAM, esbuild): Powertools `Metrics` writes the embedded format.
        Valid(
            dedent(
                """\
                import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
                import type { SQSEvent } from "aws-lambda";

                const metrics = new Metrics({ namespace: "Jobs", serviceName: "worker" });

                export const handler = async (event: SQSEvent): Promise<void> => {
                  metrics.addMetric("Processed", MetricUnit.Count, event.Records.length);
                  metrics.publishStoredMetrics();
                };
                """
            ),
            filename="src/worker.ts",
            files={"template.yaml": _NODE_SAM_TS},
        ),
        # Node.js: `aws-embedded-metrics` writes the embedded format too.
        Valid(
            dedent(
                """\
                const { metricScope, Unit } = require("aws-embedded-metrics");

                exports.handler = metricScope((metrics) => async (event) => {
                  metrics.setNamespace("Orders");
                  metrics.putMetric("OrderPlaced", 1, Unit.Count);
                  return { statusCode: 201 };
                });
                """
            ),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS},
        ),
        # Node.js: a scheduled aggregator may call the API.
        Valid(
            _NODE_PUT_METRIC,
            filename="handler.mjs",
            files={
                "serverless.yml": _NODE_SERVERLESS.replace(
                    "- httpApi: POST /orders", "- schedule: rate(5 minutes)"
                )
            },
        ),
    )
    invalid = (
        # serverless.yml: an HTTP API function.
        Invalid(
            dedent(
                """\
                import boto3

                cloudwatch = boto3.client("cloudwatch")


                def handler(event, context):
                    cloudwatch.put_metric_data(
                        Namespace="Orders",
                        MetricData=[{"MetricName": "OrderPlaced", "Value": 1}],
                    )
                    return {"statusCode": 201}
                """
            ),
            files={
                "serverless.yml": dedent(
                    """\
                    service: orders
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      place:
                        handler: handler.handler
                        events:
                          - httpApi: POST /orders
                    """
                )
            },
            line=7,
            column=5,
            message="serverless.yml:9: http_api event",
        ),
        # SAM: an SQS consumer, the client from a Session, in a helper.
        Invalid(
            dedent(
                """\
                import boto3

                session = boto3.Session()
                cloudwatch = session.client("cloudwatch")


                def count(n):
                    cloudwatch.put_metric_data(
                        Namespace="Jobs",
                        MetricData=[{"MetricName": "Processed", "Value": n}],
                    )


                def handler(event, context):
                    count(len(event["Records"]))
                """
            ),
            files={
                "template.yaml": dedent(
                    """\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      Worker:
                        Type: AWS::Serverless::Function
                        Properties:
                          CodeUri: .
                          Handler: handler.handler
                          Runtime: python3.12
                          Events:
                            Jobs:
                              Type: SQS
                              Properties:
                                Queue: arn:aws:sqs:us-east-1:123456789012:jobs
                    """
                )
            },
            line=8,
            column=5,
            message="embedded metric format",
        ),
        # CloudFormation: an EventBridge rule with a pattern (per event, no schedule).
        Invalid(
            dedent(
                """\
                import boto3


                def handler(event, context):
                    boto3.client("cloudwatch").put_metric_data(Namespace="Orders", MetricData=[])
                """
            ),
            files={
                "template.yaml": dedent(
                    """\
                    AWSTemplateFormatVersion: "2010-09-09"
                    Resources:
                      Tracker:
                        Type: AWS::Lambda::Function
                        Properties:
                          Code: .
                          Handler: handler.handler
                          Runtime: python3.12
                          Role: arn:aws:iam::123456789012:role/tracker
                      OnOrder:
                        Type: AWS::Events::Rule
                        Properties:
                          EventPattern:
                            source: [orders]
                          Targets:
                            - Id: tracker
                              Arn: !GetAtt Tracker.Arn
                    """
                )
            },
            line=5,
            column=5,
            message="template.yaml:10: eventbridge event",
        ),
        # Node.js: SDK v3 `PutMetricDataCommand` in an HTTP API handler.
        Invalid(
            _NODE_PUT_METRIC,
            filename="handler.mjs",
            files={"serverless.yml": _NODE_SERVERLESS},
            line=6,
            column=9,
            message="`cloudwatch.send(new PutMetricDataCommand(...))` is a synchronous",
        ),
        # TypeScript (SAM, esbuild): SDK v2 `putMetricData` in a helper of an SQS consumer.
        Invalid(
            dedent(
                """\
                import { CloudWatch } from "aws-sdk";
                import type { SQSEvent } from "aws-lambda";

                const cloudwatch = new CloudWatch();

                async function count(processed: number): Promise<void> {
                  const data = [{ MetricName: "Processed", Value: processed }];
                  await cloudwatch.putMetricData({ Namespace: "Jobs", MetricData: data }).promise();
                }

                export const handler = async (event: SQSEvent): Promise<void> => {
                  await count(event.Records.length);
                };
                """
            ),
            filename="src/worker.ts",
            files={"template.yaml": _NODE_SAM_TS},
            line=8,
            column=9,
            message="template.yaml:11: sqs event), through `count`",
        ),
    )


def _via(reached: ReachedFunction) -> str:
    if reached.depth == 0:
        return ""
    return f", through `{reached.facts.key}`"
