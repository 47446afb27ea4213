from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import editable, indent_step, insert_block
from slint.app.model import App, Event, Function
from slint.app.yamlpos import YMap
from slint.diagnostics import Applicability, Diagnostic, Fix
from slint.settings import Settings

from .._support.config import (
    is_disabled,
    queue_consumers,
    resources_of_type,
    sqs_subscription,
    target_id,
)
from .._support.report import at_key

# Asynchronous sources (`Event.is_async`: Cognito triggers and Alexa skills are
# synchronous) retry a failed event twice and then drop it unless the function has a
# DLQ or an on-failure destination. IoT fleet provisioning is synchronous too.
_SYNC_TYPES = frozenset({"iotFleetProvisioning"})
_KIND_NAMES = {
    "s3": "S3",
    "sns": "SNS",
    "eventbridge": "EventBridge",
    "schedule": "schedule",
    "cloudwatch_logs": "CloudWatch Logs",
    "iot": "IoT",
    "ses": "SES",
}
# Function settings that only matter for asynchronous invocation.
_SERVERLESS_ASYNC_KEYS = ("destinations", "maximumEventAge", "maximumRetryAttempts")


class MissingFailureDestination(ConfigRule):
    """
    ## What it does
    Reports where a failure would be lost:

    - a function invoked asynchronously (by S3, SNS, EventBridge or a schedule,
      CloudWatch Logs, IoT, or configured for asynchronous invocation) that has no
      dead-letter queue and no on-failure destination (serverless `onError` or
      `destinations.onFailure`; SAM `DeadLetterQueue` or
      `EventInvokeConfig.DestinationConfig.OnFailure`, also from `Globals`;
      CloudFormation `DeadLetterConfig` or an `AWS::Lambda::EventInvokeConfig`);
      reported at the function (a SAM SNS event with `SqsSubscription` feeds a queue,
      not the function, and does not count);
    - a DynamoDB or Kinesis stream source with no on-failure destination of its own
      (`destinations.onFailure`, `DestinationConfig.OnFailure`); reported at the event,
      also for an `AWS::Lambda::EventSourceMapping` of a function that another stack
      deploys (`FunctionName` a name, an ARN or an `!ImportValue`; the asynchronous
      settings of such a function live in its own stack and are not judged here);
    - an SQS queue defined in the same config that feeds a function (directly, or as
      the `SqsSubscription` queue of a SAM SNS event) and has no `RedrivePolicy`;
      reported at the queue.

    ## Why is this bad?
    Lambda retries an asynchronous event twice, then drops it; a stream source with
    bounded retries (SL203) skips the failed batch; an SQS message that always fails
    comes back until the queue's retention period ends and then disappears. Without a
    place to keep what failed there is no record of it, nothing to alarm on, and
    nothing to replay once the bug is fixed.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      thumbnail:
        handler: thumbnail.handler
        events:
          - s3:
              bucket: photos
              event: s3:ObjectCreated:*
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    functions:
      thumbnail:
        handler: thumbnail.handler
        destinations:
          onFailure:
            type: sqs
            arn: !GetAtt ThumbnailFailures.Arn
        events:
          - s3:
              bucket: photos
              event: s3:ObjectCreated:*
    ```

    ```yaml
    # template.yaml (SAM): SAM creates the queue when no Destination is given
    Resources:
      Thumbnail:
        Type: AWS::Serverless::Function
        Properties:
          EventInvokeConfig:
            DestinationConfig:
              OnFailure:
                Type: SQS
    ```

    ## Fix
    A suggestion, never applied in batch: where a destination must be created and
    named, the fix message says what to add. For a SAM function it shows
    `EventInvokeConfig.DestinationConfig.OnFailure` with `Type: SQS`, for which SAM
    creates the queue itself; review it before applying, since it adds a resource.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    - https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
    - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions#destinations
    """

    code = "SL202"
    name = "missing-failure-destination"
    severity = Severity.WARNING
    fix = FixKind.SUGGEST

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        invoke_configs = _event_invoke_configs(app)
        # Also functions deployed elsewhere that this template wires up.
        for function in app.all_functions:
            found = self._async(app, function, invoke_configs)
            if found is not None:
                yield found
            for event in function.events:
                if event.kind == "stream" and not is_disabled(event):
                    found = self._stream(app, function, event)
                    if found is not None:
                        yield found
        for queue, consumers in queue_consumers(app).values():
            if queue.redrive_policy.value is not None:
                continue
            names = ", ".join(dict.fromkeys(f"`{c.function.name}`" for c in consumers))
            fix = Fix(
                Applicability.DISPLAY_ONLY,
                f"Add a dead-letter queue and `RedrivePolicy: {{deadLetterTargetArn: "
                f"!GetAtt {queue.logical_id}DLQ.Arn, maxReceiveCount: 5}}` to queue "
                f"`{queue.logical_id}`",
            )
            yield self.at(
                queue.file,
                queue.at,
                f"Queue `{queue.logical_id}` feeds {names} but has no `RedrivePolicy`: a "
                "message that always fails returns until its retention period ends and is "
                "then lost; send it to a dead-letter queue after a few receives.",
                length=len(str(queue.logical_id)),
                fix=fix,
            )

    def _async(
        self, app: App, function: Function, invoke_configs: dict[str, list[YMap]]
    ) -> Diagnostic | None:
        if _has_failure_target(function, invoke_configs):
            return None
        sources = [
            _KIND_NAMES[e.kind]
            for e in function.events
            if e.is_async
            and e.type_name not in _SYNC_TYPES
            and not is_disabled(e)
            and sqs_subscription(e) is None
        ]
        if not sources and _configured_for_async(app, function, invoke_configs):
            sources = ["asynchronous invocation"]
        if not sources:
            return None
        what = ", ".join(dict.fromkeys(sources))
        return at_key(
            self,
            function,
            f"Function `{function.name}` is invoked asynchronously ({what}) but has no "
            "dead-letter queue or on-failure destination: an event that still fails after "
            f"Lambda's retries is dropped without a trace; add {_how(app)}.",
            fix=_async_fix(app, function),
        )

    def _stream(self, app: App, function: Function, event: Event) -> Diagnostic | None:
        target = event.on_failure
        if target is None or target.value is not None:
            return None
        if app.format == "serverless":
            how = "`destinations: {onFailure: {arn: <SQS queue or SNS topic ARN>, type: sqs}}`"
        else:
            how = "`DestinationConfig: {OnFailure: {Destination: <SQS queue or SNS topic ARN>}}`"
        return at_key(
            self,
            function,
            f"The stream source of function `{function.name}` has no on-failure destination: "
            "a batch that fails all its retries (or expires) is skipped and lost; add "
            f"{how} to the event.",
            event=event,
            fix=Fix(Applicability.DISPLAY_ONLY, f"Add {how} to the event"),
        )

    valid = (
        Valid(
            dedent("""\
                service: photos
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  thumbnail:
                    handler: thumbnail.handler
                    destinations:
                      onFailure:
                        type: sqs
                        arn: !GetAtt ThumbnailFailures.Arn
                    events:
                      - s3:
                          bucket: photos
                          event: s3:ObjectCreated:*
                  nightly:
                    handler: report.nightly
                    onError: arn:aws:sns:us-east-1:123456789012:failures
                    events:
                      - schedule: cron(0 3 * * ? *)
                """),
            filename="serverless.yml",
        ),
        # Synchronous sources and queues from other stacks have their own error paths.
        Valid(
            dedent("""\
                service: photos
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: api.handler
                    events:
                      - httpApi: GET /photos
                  signup:
                    handler: auth.pre_signup
                    events:
                      - cognitoUserPool:
                          pool: users
                          trigger: PreSignUp
                  worker:
                    handler: worker.handler
                    events:
                      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  project:
                    handler: project.handler
                    onError: ${ssm:/orders/dlq}
                    events:
                      - sns: orders
                      - stream:
                          arn: !GetAtt OrdersTable.StreamArn
                          maximumRetryAttempts: 3
                          destinations:
                            onFailure:
                              arn: !GetAtt ProjectFailures.Arn
                              type: sqs
                  worker:
                    handler: worker.handler
                    events:
                      - sqs:
                          arn: !GetAtt JobsQueue.Arn
                resources:
                  Resources:
                    JobsQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        RedrivePolicy:
                          deadLetterTargetArn: !GetAtt JobsDLQ.Arn
                          maxReceiveCount: 5
                    JobsDLQ:
                      Type: AWS::SQS::Queue
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    DeadLetterQueue:
                      Type: SQS
                      TargetArn: !GetAtt Failures.Arn
                Resources:
                  Thumbnail:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: thumbnail.handler
                      Events:
                        Upload:
                          Type: S3
                          Properties:
                            Bucket: !Ref Photos
                            Events: s3:ObjectCreated:*
                  Nightly:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: report.nightly
                      EventInvokeConfig:
                        DestinationConfig:
                          OnFailure:
                            Type: SQS
                      Events:
                        Timer:
                          Type: Schedule
                          Properties:
                            Schedule: rate(1 day)
                  Photos:
                    Type: AWS::S3::Bucket
                  Failures:
                    Type: AWS::SQS::Queue
                """),
            filename="template.yaml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Thumbnail:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: thumbnail.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/thumbnail
                      Code:
                        S3Bucket: artifacts
                        S3Key: thumbnail.zip
                  ThumbnailPermission:
                    Type: AWS::Lambda::Permission
                    Properties:
                      Action: lambda:InvokeFunction
                      FunctionName: !Ref Thumbnail
                      Principal: s3.amazonaws.com
                  ThumbnailInvoke:
                    Type: AWS::Lambda::EventInvokeConfig
                    Properties:
                      FunctionName: !Ref Thumbnail
                      Qualifier: $LATEST
                      DestinationConfig:
                        OnFailure:
                          Destination: !GetAtt Failures.Arn
                  Failures:
                    Type: AWS::SQS::Queue
                """),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                service: photos
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  thumbnail:
                    handler: thumbnail.handler
                    events:
                      - s3:
                          bucket: photos
                          event: s3:ObjectCreated:*
                """),
            filename="serverless.yml",
            line=6,
            column=3,
            message="Function `thumbnail` is invoked asynchronously (S3)",
        ),
        # Destinations for success only, and a retry setting: asynchronous invocation.
        Invalid(
            dedent("""\
                service: photos
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  render:
                    handler: render.handler
                    maximumRetryAttempts: 1
                    destinations:
                      onSuccess: notify
                """),
            filename="serverless.yml",
            line=6,
            column=3,
            message="(asynchronous invocation)",
        ),
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  project:
                    handler: project.handler
                    events:
                      - stream:
                          arn: !GetAtt OrdersTable.StreamArn
                          maximumRetryAttempts: 3
                          bisectBatchOnFunctionError: true
                """),
            filename="serverless.yml",
            line=9,
            column=9,
            message="stream source of function `project` has no on-failure destination",
        ),
        Invalid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  worker:
                    handler: worker.handler
                    events:
                      - sqs:
                          arn: !GetAtt JobsQueue.Arn
                resources:
                  Resources:
                    JobsQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        VisibilityTimeout: 60
                """),
            filename="serverless.yml",
            line=13,
            column=5,
            message="Queue `JobsQueue` feeds `worker` but has no `RedrivePolicy`",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                Resources:
                  Nightly:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: report.nightly
                      EventInvokeConfig:
                        MaximumRetryAttempts: 1
                      Events:
                        Timer:
                          Type: Schedule
                          Properties:
                            Schedule: rate(1 day)
                """),
            filename="template.yaml",
            line=7,
            column=3,
            message="(schedule)",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Projector:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: project.handler
                      Runtime: python3.12
                      Events:
                        Clicks:
                          Type: Kinesis
                          Properties:
                            Stream: !GetAtt ClickStream.Arn
                            StartingPosition: LATEST
                            MaximumRetryAttempts: 3
                """),
            filename="template.yaml",
            line=10,
            column=9,
            message="`DestinationConfig: {OnFailure:",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Thumbnail:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: thumbnail.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/thumbnail
                      Code:
                        S3Bucket: artifacts
                        S3Key: thumbnail.zip
                  ThumbnailPermission:
                    Type: AWS::Lambda::Permission
                    Properties:
                      Action: lambda:InvokeFunction
                      FunctionName: !GetAtt Thumbnail.Arn
                      Principal: s3.amazonaws.com
                      SourceArn: arn:aws:s3:::photos
                  ThumbnailInvoke:
                    Type: AWS::Lambda::EventInvokeConfig
                    Properties:
                      FunctionName: !Ref Thumbnail
                      Qualifier: $LATEST
                      MaximumEventAgeInSeconds: 3600
                """),
            filename="template.yaml",
            line=3,
            column=3,
            message="`DeadLetterConfig: {TargetArn:",
        ),
    )


def _event_invoke_configs(app: App) -> dict[str, list[YMap]]:
    """`AWS::Lambda::EventInvokeConfig` properties by the function they configure."""
    found: dict[str, list[YMap]] = {}
    for _, _, props in resources_of_type(app, "AWS::Lambda::EventInvokeConfig"):
        name = target_id(props.get("FunctionName")) if props is not None else None
        if props is not None and name is not None:
            found.setdefault(name, []).append(props)
    return found


def _has_failure_target(function: Function, invoke_configs: dict[str, list[YMap]]) -> bool:
    for setting in (function.dead_letter, function.on_failure):
        if setting is not None and setting.value is not None:
            return True
    for props in invoke_configs.get(function.name, []):
        destination = props.get("DestinationConfig")
        if isinstance(destination, YMap) and destination.get("OnFailure") is not None:
            return True
    return False


def _configured_for_async(
    app: App, function: Function, invoke_configs: dict[str, list[YMap]]
) -> bool:
    """Settings that only asynchronous invocation reads say the function is invoked so."""
    if function.async_retry_attempts is not None and function.async_retry_attempts.present:
        return True
    if function.name in invoke_configs:
        return True
    if app.format == "serverless":
        return any(function.node.get(k) is not None for k in _SERVERLESS_ASYNC_KEYS)
    return function.node.get("EventInvokeConfig") is not None


def _how(app: App) -> str:
    if app.format == "serverless":
        return "`destinations: {onFailure: <SQS queue, SNS topic, bus or function>}` or `onError`"
    if app.format == "sam":
        return "`EventInvokeConfig: {DestinationConfig: {OnFailure: {Type: SQS}}}` or " + (
            "`DeadLetterQueue`"
        )
    return (
        "`DeadLetterConfig: {TargetArn: <SQS queue or SNS topic ARN>}` or an "
        "`AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`"
    )


def _async_fix(app: App, function: Function) -> Fix:
    message = f"Add {_how(app)} to function `{function.name}`"
    if app.format != "sam" or "EventInvokeConfig" in function.node:
        return Fix(Applicability.DISPLAY_ONLY, message)
    edit = (
        insert_block(
            app.text,
            function.node,
            "EventInvokeConfig",
            [(1, "DestinationConfig:"), (2, "OnFailure:"), (3, "Type: SQS")],
            indent_step(app.document),
        )
        if editable(app, function.node)
        else None
    )
    if edit is None:
        return Fix(Applicability.DISPLAY_ONLY, message)
    return Fix(
        Applicability.DISPLAY_ONLY,
        f"Send failed events of `{function.name}` to an SQS queue that SAM creates",
        (edit,),
    )
