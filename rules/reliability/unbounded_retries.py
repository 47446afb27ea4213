from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import (
    editable,
    insert_entries,
    replace_scalar,
)
from slint.app.model import App, Event, Function, Setting
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix
from slint.settings import Settings

from .._support.config import is_disabled, is_intrinsic, key, number
from .._support.edits import expand_event_shorthand
from .._support.report import at_key

RETRY_BOUND = 3
_STREAM_NAMES = {"dynamodb": "DynamoDB ", "kinesis": "Kinesis "}


class UnboundedRetries(ConfigRule):
    """
    ## What it does
    Reports a DynamoDB or Kinesis stream event source whose `maximumRetryAttempts`
    (SAM/CloudFormation `MaximumRetryAttempts`) is missing or -1, the default of
    "retry until the record expires", including when `maximumRecordAgeInSeconds` is
    -1 too. As a warning, it also reports a stream source with bounded retries that
    does not set `bisectBatchOnFunctionError` (`BisectBatchOnFunctionError`). An
    `AWS::Lambda::EventSourceMapping` counts also when its function is deployed by
    another stack (`FunctionName` a name, an ARN or an `!ImportValue`), as in a
    template that only wires streams to functions.

    ## Why is this bad?
    Lambda reads a shard in order. When a batch fails, it retries that batch, and
    nothing behind it in the shard is processed: one bad record stops the shard until
    it expires, up to a day for DynamoDB streams and up to a year for Kinesis, while
    the iterator age grows and every newer record waits. Bounded retries, with an
    on-failure destination to keep the failed batch (SL202), let the shard move on;
    splitting a failing batch in two on each retry isolates the bad record, so the
    good records of its batch are not given up with it.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      project:
        handler: project.handler
        events:
          - stream:
              type: dynamodb
              arn: !GetAtt OrdersTable.StreamArn
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    functions:
      project:
        handler: project.handler
        events:
          - stream:
              type: dynamodb
              arn: !GetAtt OrdersTable.StreamArn
              maximumRetryAttempts: 3
              bisectBatchOnFunctionError: true
              destinations:
                onFailure:
                  arn: !GetAtt ProjectFailures.Arn
                  type: sqs
    ```

    ## Fix
    Safe: inserts `maximumRetryAttempts: 3` and `bisectBatchOnFunctionError: true`
    (`MaximumRetryAttempts`, `BisectBatchOnFunctionError` in SAM and CloudFormation)
    at the end of the event's settings, at their indentation, keeping comments; a -1
    is replaced by 3. The serverless shorthand `- stream: <arn>` becomes a mapping
    with `arn:` and the two keys. Settings written as a flow mapping (`{arn: ...}`)
    or in JSON get no automatic fix.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-errors.html
    - https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-errors.html
    - https://www.serverless.com/framework/docs/providers/aws/events/streams
    """

    code = "SL203"
    name = "unbounded-retries"
    severity = Severity.ERROR
    fix = FixKind.SAFE

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        # Also functions deployed elsewhere that this template wires up.
        for function in app.all_functions:
            for event in function.events:
                if event.kind != "stream" or is_disabled(event):
                    continue
                if event.properties is not None and is_intrinsic(event.properties):
                    continue  # `Properties: !If [...]`: decided at deploy time
                found = self._check_event(app, function, event)
                if found is not None:
                    yield found

    def _check_event(self, app: App, function: Function, event: Event) -> Diagnostic | None:
        retries = event.maximum_retry_attempts
        age = event.maximum_record_age
        bisect = event.bisect_on_error
        if retries is None or age is None or bisect is None:
            return None
        retry_key = key(app, "maximumRetryAttempts", "MaximumRetryAttempts")
        age_key = key(app, "maximumRecordAgeInSeconds", "MaximumRecordAgeInSeconds")
        bisect_key = key(app, "bisectBatchOnFunctionError", "BisectBatchOnFunctionError")
        kind = _STREAM_NAMES.get(event.stream_type or "", "")
        source = f"The {kind}stream source of function `{function.name}`"
        count = number(retries.value)
        if retries.value is not None and count is None:
            return None  # deploy-time value
        add_bisect = bisect.value is None
        if count is not None and count >= 0:
            if not add_bisect or count == 0:
                return None
            fix = self._fix(app, function, event, None, [(bisect_key, "true")], bisect_key)
            return at_key(
                self,
                function,
                f"{source} bounds its retries but does not set `{bisect_key}`: each retry "
                "fails on the same bad record and the whole batch is given up with it; set "
                f"`{bisect_key}: true` to split a failing batch and isolate the record.",
                event=event,
                fix=fix,
                severity=Severity.WARNING,
            )
        entries = [] if count is not None else [(retry_key, str(RETRY_BOUND))]
        if add_bisect:
            entries.append((bisect_key, "true"))
        fix = self._fix(
            app, function, event, retries if count is not None else None, entries, retry_key
        )
        how = f"set `{retry_key}` (e.g. {RETRY_BOUND}) and `{bisect_key}: true`"
        age_value = number(age.value)
        if count is not None:
            return self.at_setting(
                retries,
                f"{source} sets `{retry_key}: -1`: AWS retries a failing batch until its "
                f"records expire and the shard stops meanwhile; {how}.",
                fix=fix,
            )
        if age_value == -1:
            return self.at_setting(
                age,
                f"{source} sets `{age_key}: -1` and no `{retry_key}`: AWS retries a failing "
                f"batch until its records expire and the shard stops meanwhile; {how}.",
                fix=fix,
            )
        return at_key(
            self,
            function,
            f"{source} has no `{retry_key}`: AWS retries a failing batch until its records "
            f"expire and the shard stops meanwhile; {how}.",
            event=event,
            fix=fix,
        )

    def _fix(
        self,
        app: App,
        function: Function,
        event: Event,
        minus_one: Setting[Any] | None,
        entries: list[tuple[str, str]],
        retry_key: str,
    ) -> Fix | None:
        edits: list[Edit] = []
        if minus_one is not None:
            edit = (
                replace_scalar(app.text, minus_one, str(RETRY_BOUND))
                if editable(app, minus_one.owner)
                else None
            )
            if edit is None:
                return None
            edits.append(edit)
        if entries:
            props = event.properties
            added: list[Edit] | None = None
            if props is None:
                added = expand_event_shorthand(app, function, event, entries)
            elif editable(app, props) and not is_intrinsic(props):  # `Properties: !If [...]`
                edit = insert_entries(app.text, props, entries)
                added = [edit] if edit is not None else None
            if added is not None:
                edits.extend(added)
            elif minus_one is not None:
                # Where nothing can be inserted (JSON, a flow mapping), replacing the -1
                # alone still bounds the retries.
                entries = []
            else:
                return None
        if not edits:
            return None
        names = " and ".join(f"`{k}: {v}`" for k, v in entries)
        if minus_one is not None:
            names = f"`{retry_key}: {RETRY_BOUND}`" + (f" and {names}" if names else "")
        return Fix(Applicability.SAFE, f"Set {names}", tuple(edits))

    valid = (
        Valid(
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
                          type: dynamodb
                          arn: !GetAtt OrdersTable.StreamArn
                          maximumRetryAttempts: 3
                          bisectBatchOnFunctionError: true
                """),
            filename="serverless.yml",
        ),
        # Bisecting needs a retry: with none, leaving it out is fine.
        Valid(
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
                          type: kinesis
                          arn: arn:aws:kinesis:us-east-1:123456789012:stream/orders
                          maximumRetryAttempts: 0
                          maximumRecordAgeInSeconds: -1
                """),
            filename="serverless.yml",
        ),
        # An explicit `false` is a decision.
        Valid(
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
                          arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1
                          maximumRetryAttempts: 10
                          bisectBatchOnFunctionError: false
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
                    events:
                      - stream:
                          arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1
                          maximumRetryAttempts: ${ssm:/orders/retries}
                  consume:
                    handler: project.consume
                    events:
                      - sqs: arn:aws:sqs:us-east-1:123456789012:orders
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Retries:
                    Type: Number
                Resources:
                  Projector:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: project.handler
                      Runtime: python3.12
                      Events:
                        Orders:
                          Type: DynamoDB
                          Properties:
                            Stream: !GetAtt OrdersTable.StreamArn
                            StartingPosition: LATEST
                            MaximumRetryAttempts: !Ref Retries
                        Clicks:
                          Type: Kinesis
                          Properties:
                            Stream: !GetAtt ClickStream.Arn
                            StartingPosition: LATEST
                            MaximumRetryAttempts: 5
                            BisectBatchOnFunctionError: true
                """),
            filename="template.yaml",
        ),
        # Disabled mappings do not run.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Projector:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: project.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/projector
                      Code:
                        S3Bucket: artifacts
                        S3Key: projector.zip
                  OrdersMapping:
                    Type: AWS::Lambda::EventSourceMapping
                    Properties:
                      FunctionName: !Ref Projector
                      EventSourceArn: !GetAtt OrdersTable.StreamArn
                      StartingPosition: LATEST
                      Enabled: false
                  OrdersTable:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                """),
            filename="template.yaml",
        ),
    )
    invalid = (
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
                          type: dynamodb
                          arn: !GetAtt OrdersTable.StreamArn
                """),
            filename="serverless.yml",
            line=9,
            column=9,
            message="has no `maximumRetryAttempts`",
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
                      - stream: arn:aws:kinesis:us-east-1:123456789012:stream/orders
                """),
            filename="serverless.yml",
            line=9,
            column=9,
            message="Kinesis stream source of function `project`",
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
                          arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1
                          maximumRetryAttempts: -1
                          bisectBatchOnFunctionError: true
                """),
            filename="serverless.yml",
            line=11,
            column=11,
            message="sets `maximumRetryAttempts: -1`",
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
                          arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1
                          maximumRecordAgeInSeconds: -1
                """),
            filename="serverless.yml",
            line=11,
            column=11,
            message="sets `maximumRecordAgeInSeconds: -1` and no `maximumRetryAttempts`",
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
                          arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1
                          maximumRetryAttempts: 5
                """),
            filename="serverless.yml",
            line=9,
            column=9,
            message="does not set `bisectBatchOnFunctionError`",
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
                        Orders:
                          Type: DynamoDB
                          Properties:
                            Stream: !GetAtt OrdersTable.StreamArn
                            StartingPosition: TRIM_HORIZON
                """),
            filename="template.yaml",
            line=10,
            column=9,
            message="has no `MaximumRetryAttempts`",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Projector:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: project.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/projector
                      Code:
                        S3Bucket: artifacts
                        S3Key: projector.zip
                  ClicksMapping:
                    Type: AWS::Lambda::EventSourceMapping
                    Properties:
                      FunctionName: !Ref Projector
                      EventSourceArn: !GetAtt ClickStream.Arn
                      StartingPosition: LATEST
                      MaximumRetryAttempts: -1
                  ClickStream:
                    Type: AWS::Kinesis::Stream
                    Properties:
                      ShardCount: 1
                """),
            filename="template.yaml",
            line=18,
            column=7,
            message="sets `MaximumRetryAttempts: -1`",
        ),
    )
