from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import editable, indent_step, insert_block, insert_entries
from slint.app.model import Event, Function
from slint.app.project import LinkedHandler
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix
from slint.facts import Call, Raise
from slint.settings import Settings

from .._support.batch import (
    FAILURES_KEY,
    REPORT_TYPE,
    FailureResponse,
    RecordLoop,
    batch_events,
    describe,
    escape,
    failure_response,
    failures_literal,
    in_javascript,
    powertools_batch,
    record_loops,
    reports_item_failures,
)
from .._support.config import is_intrinsic
from .._support.edits import expand_event_shorthand
from .._support.report import at_key

# Node.js examples: a JavaScript handler in serverless.yml, a TypeScript one that SAM
# builds with esbuild (`src/app.ts` -> `app.handler`).
_SERVERLESS_NODE_SQS = dedent("""\
    service: orders
    provider:
      name: aws
      runtime: nodejs22.x
    functions:
      worker:
        handler: handler.handler
        events:
          - sqs:
              arn: arn:aws:sqs:us-east-1:123456789012:orders
              batchSize: 10
    """)
_SAM_NODE_SQS = dedent("""\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: nodejs22.x
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: arn:aws:sqs:us-east-1:123456789012:orders
                FunctionResponseTypes:
                  - ReportBatchItemFailures
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
    """)
_REPORTING = "            FunctionResponseTypes:\n              - ReportBatchItemFailures\n"


class BatchWithoutPartialFailure(CrossRule):
    """
    ## What it does
    Reports an SQS, DynamoDB stream or Kinesis event that hands its function more than
    one record at a time (the batch size, or AWS's default of 10 for SQS and 100 for
    streams) when the function has no working partial batch response:

    - its handler lets an exception out of its loop over the records (an explicit
      `raise`, or work in the loop that no `try` catching every error covers), and the
      event does not enable `ReportBatchItemFailures` or the handler never returns
      `batchItemFailures`; or
    - its handler already returns `batchItemFailures` (by hand, or through Powertools'
      `BatchProcessor` / `process_partial_response`) but the event does not enable
      `ReportBatchItemFailures`, so AWS ignores the list.

    The loop may be in the handler or in a function of the project it calls. Reported on
    the event in the config; the message names the handler's line.

    Node.js handlers (JavaScript and TypeScript): a `for...of` loop over
    `event.Records`, and `event.Records.map(async (record) => ...)` whose promises
    `Promise.all` joins (the first rejection fails the invocation, like an escaping
    exception). A `try`/`catch` or a promise's `.catch(...)` that handles every error
    stops the failure; `Promise.allSettled` lets nothing escape (whether its rejections
    are reported is SL206's and SL207's business). The partial batch response is
    `return { batchItemFailures: [...] }`, or Powertools for TypeScript's
    `processPartialResponse` with a `BatchProcessor`.

    ## Why is this bad?
    Without a partial batch response a batch succeeds or fails as a whole. One bad
    message makes the whole batch return to the queue (or the shard retry it), so every
    good message in it is processed again (and again, until the bad one reaches the
    dead-letter queue or expires): duplicate side effects, wasted invocations and, on a
    stream, a blocked shard. When the handler returns `batchItemFailures` but the event
    does not enable `ReportBatchItemFailures`, Lambda treats the invocation as a success
    and deletes every message, the failed ones included.

    ## Example
    ```yaml
    functions:
      worker:
        handler: handler.main
        events:
          - sqs:
              arn: !GetAtt OrdersQueue.Arn
              batchSize: 10
    ```
    ```python
    def main(event, context):
        for record in event["Records"]:
            process(record)  # one failure sends all ten messages back
    ```

    ## Use instead
    ```yaml
          - sqs:
              arn: !GetAtt OrdersQueue.Arn
              batchSize: 10
              functionResponseType: ReportBatchItemFailures
    ```
    ```python
    def main(event, context):
        failures = []
        for record in event["Records"]:
            try:
                process(record)
            except Exception:
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}
    ```
    Or use Powertools' `BatchProcessor` with `process_partial_response`, which does
    exactly this.

    ## Fix
    When the handler already returns `batchItemFailures`, the fix (safe) adds
    `functionResponseType: ReportBatchItemFailures` (serverless) or
    `FunctionResponseTypes: [ReportBatchItemFailures]` (SAM event, CloudFormation
    `AWS::Lambda::EventSourceMapping`) to the event. Otherwise the handler has to
    change first, and there is no automatic fix.

    ## References
    - [Handling errors for an SQS event source in Lambda](https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html)
    - [Powertools for AWS Lambda: Batch Processing](https://docs.powertools.aws.dev/lambda/python/latest/utilities/batch/)
    - [Powertools for AWS Lambda (TypeScript): Batch Processing](https://docs.powertools.aws.dev/lambda/typescript/latest/features/batch/)
    """

    code = "SL205"
    name = "batch-without-partial-failure"
    severity = Severity.WARNING
    fix = FixKind.SAFE

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or handler.function is None:
            return
        events = list(batch_events(function))
        if not events:
            return
        response = failure_response(handler)
        escaping = _first_escape(record_loops(handler))
        for event in events:
            enabled = reports_item_failures(event)
            if enabled is None:
                continue
            if response.reports and not enabled:
                yield self._ignored_response(function, handler, event, response)
            elif escaping is not None and not (enabled and response.reports):
                yield self._escape(function, event, escaping, enabled)

    def _escape(
        self,
        function: Function,
        event: Event,
        escaping: tuple[RecordLoop, Raise | Call],
        enabled: bool,
    ) -> Diagnostic:
        record_loop, node = escaping
        reached = record_loop.function
        javascript = in_javascript(reached)
        where = reached.where(node.span.line)
        loop = record_loop.loop
        if javascript and loop.kind == "map" and loop.joined == "all":
            # The first rejected promise rejects `Promise.all`, and the invocation fails.
            where += ", in a callback joined by `Promise.all`"
        if isinstance(node, Raise):
            verb = "throws" if javascript else "raises"
            how = f"{verb} inside its loop over the records ({where})"
        else:
            callee = node.display or _short(node)
            how = f"lets an exception from `{callee}` escape its loop over the records ({where})"
        if enabled:
            what = (
                f"enables `{REPORT_TYPE}`, but the handler never returns "
                f"`{FAILURES_KEY}`: one failing record sends the whole batch back"
            )
        else:
            what = "has no partial batch response: one failing record sends the whole batch back"
        return at_key(
            self,
            function,
            f"The {describe(event, place=False)} {what}, and the handler {how}; the records that "
            "succeeded are processed again. Catch each record's failure and return "
            f"`{failures_literal(javascript)}` with `{REPORT_TYPE}` enabled (or use "
            f"{powertools_batch(javascript)})",
            event=event,
        )

    def _ignored_response(
        self, function: Function, handler: LinkedHandler, event: Event, response: FailureResponse
    ) -> Diagnostic:
        if response.returned:
            reached, returned, _ = response.returned[0]
            how = f"returns `{FAILURES_KEY}` ({reached.where(returned.span.line)})"
        else:
            how = f"reports failed records through Powertools' batch utility ({handler.location})"
        return at_key(
            self,
            function,
            f"The {describe(event, place=False)} does not enable `{REPORT_TYPE}`, but the handler "
            f"{how}: "
            "Lambda ignores the list, treats the batch as processed and deletes the failed "
            f"messages too. Enable `{REPORT_TYPE}` on the event",
            event=event,
            fix=_enable_fix(function, event),
        )

    valid = (
        Valid(
            dedent("""\
                def main(event, context):
                    failures = []
                    for record in event["Records"]:
                        try:
                            process(record)
                        except Exception:
                            failures.append({"itemIdentifier": record["messageId"]})
                    return {"batchItemFailures": failures}


                def process(record):
                    print(record["body"])
                """),
            files={
                "serverless.yml": dedent("""\
                    service: orders
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      worker:
                        handler: handler.main
                        events:
                          - sqs:
                              arn: arn:aws:sqs:us-east-1:123456789012:orders
                              functionResponseType: ReportBatchItemFailures
                    """)
            },
        ),
        # Powertools reports each failed record itself.
        Valid(
            dedent("""\
                from aws_lambda_powertools.utilities.batch import (
                    BatchProcessor,
                    EventType,
                    process_partial_response,
                )

                processor = BatchProcessor(event_type=EventType.SQS)


                def record_handler(record):
                    raise ValueError(record.body)


                def main(event, context):
                    return process_partial_response(
                        event=event,
                        record_handler=record_handler,
                        processor=processor,
                        context=context,
                    )
                """),
            files={
                "template.yaml": dedent("""\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      Worker:
                        Type: AWS::Serverless::Function
                        Properties:
                          Runtime: python3.12
                          Handler: handler.main
                          Events:
                            Orders:
                              Type: SQS
                              Properties:
                                Queue: arn:aws:sqs:us-east-1:123456789012:orders
                                FunctionResponseTypes:
                                  - ReportBatchItemFailures
                    """)
            },
        ),
        # One record per invocation: the batch is the record.
        Valid(
            dedent("""\
                def main(event, context):
                    for record in event["Records"]:
                        process(record)


                def process(record):
                    raise ValueError(record["body"])
                """),
            files={
                "serverless.yml": dedent("""\
                    service: orders
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      worker:
                        handler: handler.main
                        events:
                          - sqs:
                              arn: arn:aws:sqs:us-east-1:123456789012:orders
                              batchSize: 1
                    """)
            },
        ),
        # A try that catches every error around each record's work, and no raise.
        Valid(
            dedent("""\
                import logging

                logger = logging.getLogger()


                def main(event, context):
                    for record in event["Records"]:
                        logger.info("record %s", record["eventID"])
                        try:
                            handle(record)
                        except Exception:
                            logger.exception("failed")
                            raise


                def handle(record):
                    return record
                """),
            files={
                "serverless.yml": dedent("""\
                    service: orders
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      worker:
                        handler: handler.main
                        events:
                          - schedule: rate(5 minutes)
                    """)
            },
        ),
        # Node.js (TypeScript): Powertools' `processPartialResponse` with a
        # `BatchProcessor` reports each failed record, and the event asks for it.
        Valid(
            dedent("""\
                import {
                  BatchProcessor,
                  EventType,
                  processPartialResponse,
                } from "@aws-lambda-powertools/batch";
                import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

                const processor = new BatchProcessor(EventType.SQS);

                const recordHandler = async (record: SQSRecord): Promise<void> => {
                  const order = JSON.parse(record.body);
                  if (!order.id) throw new Error("no order id");
                };

                export const handler = async (event: SQSEvent, context: Context) =>
                  processPartialResponse(event, recordHandler, processor, { context });
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE_SQS},
        ),
        # Node.js (JavaScript): a `.catch` on each record's promise adds it to the
        # failures the handler returns.
        Valid(
            dedent("""\
                export const handler = async (event) => {
                  const failures = [];
                  await Promise.all(
                    event.Records.map((record) =>
                      handle(record).catch(() => {
                        failures.push({ itemIdentifier: record.messageId });
                      }),
                    ),
                  );
                  return { batchItemFailures: failures };
                };

                async function handle(record) {
                  return JSON.parse(record.body);
                }
                """),
            filename="handler.mjs",
            files={
                "serverless.yml": _SERVERLESS_NODE_SQS.replace(
                    "batchSize: 10",
                    "batchSize: 10\n          functionResponseType: ReportBatchItemFailures",
                )
            },
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                def main(event, context):
                    for record in event["Records"]:
                        process(record)


                def process(record):
                    print(record["body"])
                """),
            files={
                "serverless.yml": dedent("""\
                    service: orders
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      worker:
                        handler: handler.main
                        events:
                          - sqs:
                              arn: arn:aws:sqs:us-east-1:123456789012:orders
                              batchSize: 10
                    """)
            },
            filename="handler.py",
            line=9,
            column=9,
            message="The sqs event (batchSize 10) has no partial batch response",
        ),
        Invalid(
            dedent("""\
                import json


                def main(event, context):
                    for record in event["Records"]:
                        body = json.loads(record["body"])
                        if "order" not in body:
                            raise ValueError("no order")
                """),
            files={
                "template.yaml": dedent("""\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      Worker:
                        Type: AWS::Serverless::Function
                        Properties:
                          Runtime: python3.12
                          Handler: handler.main
                          Events:
                            Changes:
                              Type: DynamoDB
                              Properties:
                                Stream: arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x
                                StartingPosition: LATEST
                    """)
            },
            line=9,
            column=9,
            message="batch size 100 by default",
        ),
        # The handler returns the failures, but the mapping does not ask for them.
        Invalid(
            dedent("""\
                def main(event, context):
                    failures = []
                    for record in event["Records"]:
                        try:
                            print(record["body"])
                        except Exception:
                            failures.append({"itemIdentifier": record["messageId"]})
                    return {"batchItemFailures": failures}
                """),
            files={
                "template.json": dedent("""\
                    {
                      "Resources": {
                        "Worker": {
                          "Type": "AWS::Lambda::Function",
                          "Properties": {
                            "Runtime": "python3.12",
                            "Handler": "handler.main",
                            "Code": "."
                          }
                        },
                        "Mapping": {
                          "Type": "AWS::Lambda::EventSourceMapping",
                          "Properties": {
                            "FunctionName": {"Ref": "Worker"},
                            "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:orders"
                          }
                        }
                      }
                    }
                    """)
            },
            message="Lambda ignores the list",
        ),
        # Node.js (JavaScript): the records' promises are joined by `Promise.all`, and the
        # first rejection fails the whole batch.
        Invalid(
            dedent("""\
                import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
                import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";

                const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

                export const handler = async (event) => {
                  await Promise.all(
                    event.Records.map(async (record) => {
                      const order = JSON.parse(record.body);
                      await doc.send(new PutCommand({ TableName: "orders", Item: order }));
                    }),
                  );
                };
                """),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE_SQS},
            line=9,
            column=9,
            message=(
                "The sqs event (batchSize 10) has no partial batch response: one failing record "
                "sends the whole batch back, and the handler lets an exception from `JSON.parse` "
                "escape its loop over the records (handler.mjs:9, in a callback joined by "
                "`Promise.all`); the records that succeeded are processed again. Catch each "
                "record's failure and return `{ batchItemFailures: [...] }` with "
                "`ReportBatchItemFailures` enabled (or use Powertools' `BatchProcessor` with "
                "`processPartialResponse`)"
            ),
        ),
        # Node.js (TypeScript): a `throw` in a `for...of` loop over the records.
        Invalid(
            dedent("""\
                import type { SQSEvent } from "aws-lambda";

                export const handler = async (event: SQSEvent): Promise<void> => {
                  for (const record of event.Records) {
                    const order = JSON.parse(record.body) as { id?: string };
                    if (!order.id) {
                      throw new Error(`no order id in ${record.messageId}`);
                    }
                  }
                };
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE_SQS.replace(_REPORTING, "")},
            line=10,
            column=9,
            message="the handler throws inside its loop over the records (src/app.ts:7)",
        ),
    )


def _first_escape(loops: list[RecordLoop]) -> tuple[RecordLoop, Raise | Call] | None:
    for record_loop in loops:
        found = escape(record_loop)
        if found is not None:
            return record_loop, found
    return None


def _short(call: Call) -> str:
    """`boto3.client().put_item` -> `put_item`; `process_record` stays; a call of what a
    call made (`makeIdempotent(fn)` bound to `processRecord`) by its method name."""
    return call.name.rpartition("()")[2].lstrip(".") or call.method or call.name


def _enable_fix(function: Function, event: Event) -> Fix | None:
    app = function.app
    props = event.properties
    edits: list[Edit] | None = None
    if app.format == "serverless":
        entry = ("functionResponseType", REPORT_TYPE)
        if props is None:
            edits = expand_event_shorthand(app, function, event, [entry])
        elif editable(app, props) and "functionResponseType" not in props:
            edit = insert_entries(app.text, props, [entry])
            edits = [edit] if edit is not None else None
    elif (
        props is not None
        and editable(app, props)
        and not is_intrinsic(props)
        and "FunctionResponseTypes" not in props
    ):
        step = indent_step(app.document)
        edit = insert_block(
            app.text, props, "FunctionResponseTypes", [(1, f"- {REPORT_TYPE}")], step
        )
        edits = [edit] if edit is not None else None
    if not edits:
        return None
    return Fix(Applicability.SAFE, f"Enable `{REPORT_TYPE}` on the event", tuple(edits))
