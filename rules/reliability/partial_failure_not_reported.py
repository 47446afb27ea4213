from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent

from slint.api import CrossRule, Invalid, Severity, Valid
from slint.app.model import Event, Function
from slint.app.project import LinkedHandler
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.batch import (
    FAILURES_KEY,
    ITEM_KEY,
    REPORT_TYPE,
    CaughtFailure,
    FailureResponse,
    caught_failures,
    describe,
    failure_item_literal,
    failure_response,
    is_javascript,
    item_key_problem,
    record_loops,
    reports_item_failures,
    returned_as_result,
    settled_rejection,
)
from .._support.config import is_disabled

_SERVERLESS = dedent("""\
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


# Node.js examples: a JavaScript handler in serverless.yml, a TypeScript one that SAM
# builds with esbuild (`src/app.ts` -> `app.handler`).
_SERVERLESS_NODE = _SERVERLESS.replace("python3.12", "nodejs22.x").replace(
    "handler.main", "handler.handler"
)
_SAM_NODE = dedent("""\
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


class PartialFailureNotReported(CrossRule):
    """
    ## What it does
    Reports a handler whose SQS, DynamoDB stream or Kinesis event enables
    `ReportBatchItemFailures`, that catches a record's failure inside its loop over the
    records, and that then does not return that record in
    `{"batchItemFailures": [{"itemIdentifier": ...}]}`: it returns nothing, returns
    another shape or a misspelt key (`batchItemFailure`, `BatchItemFailures`), adds the
    record to a list it never returns, or adds it under another key than
    `itemIdentifier`. Handlers that use Powertools' `BatchProcessor` /
    `process_partial_response` are left alone: the utility builds the response.
    Reported on the handler; the message names the `except` clause and the event.

    Node.js handlers (JavaScript and TypeScript): a `catch` block or a promise's
    `.catch(...)` inside the loop over `event.Records` catches the failure (collected with
    `push`; a `catch` that returns `{ itemIdentifier: ... }` from a per-record callback
    whose joined results are returned counts as reported), and so does
    `Promise.allSettled`, which keeps every record's rejection as a result: reported
    when the handler returns no `batchItemFailures` at all. Powertools for TypeScript's
    `processPartialResponse` / `BatchProcessor` is left alone.

    ## Why is this bad?
    With `ReportBatchItemFailures` enabled, Lambda deletes every message of the batch
    that the response does not name. A failure that is caught and not named is
    treated as a success: the message is gone, it never reaches the dead-letter queue,
    and nothing alarms. A handler that lets every failure escape loses nothing (the
    whole batch comes back); that is SL205's concern.

    ## Example
    ```python
    def main(event, context):
        failed = []
        for record in event["Records"]:
            try:
                process(record)
            except Exception:
                failed.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailure": failed}  # misspelt: every message is deleted
    ```

    ## Use instead
    ```python
    def main(event, context):
        failed = []
        for record in event["Records"]:
            try:
                process(record)
            except Exception:
                failed.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failed}
    ```

    ## Fix
    There is no automatic fix: return the failed records' ids under
    `batchItemFailures` (or use Powertools' batch utility).

    ## References
    - [Implementing partial batch responses](https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting)
    """

    code = "SL206"
    name = "partial-failure-not-reported"
    severity = Severity.ERROR

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or handler.function is None or not handler.reached:
            return
        events = [
            e
            for e in function.events
            if e.kind in ("sqs", "stream") and not is_disabled(e) and reports_item_failures(e)
        ]
        if not events:
            return
        response = failure_response(handler)
        if response.powertools:
            return
        for record_loop in record_loops(handler):
            for caught in caught_failures(record_loop):
                problem = _problem(caught, response)
                if problem is not None:
                    where = caught.function.where(caught.clause.span.line)
                    yield self._report(
                        handler, events[0], f"catches a record's failure ({where})", problem
                    )
                    return
            if settled_rejection(record_loop) is not None and not response.returned:
                # `Promise.allSettled` turns each rejection into a result: caught, and
                # reported only if the handler returns the rejected records.
                where = record_loop.function.where(record_loop.loop.span.line)
                yield self._report(
                    handler,
                    events[0],
                    f"keeps each record's failure as a `Promise.allSettled` result ({where})",
                    _unreturned(response),
                )
                return

    def _report(
        self, handler: LinkedHandler, event: Event, caught: str, problem: str
    ) -> Diagnostic:
        span = handler.behaviour.span
        assert span is not None  # a handler function always has its name's span
        return self.make_diagnostic(
            handler.display,
            span.start,
            span.end,
            f"`{handler.function.name if handler.function else ''}` {caught} but {problem}; "
            f"with `{REPORT_TYPE}` enabled ({describe(event)}) Lambda deletes the failed "
            "message as if it had succeeded. Return "
            f"`{failure_item_literal(is_javascript(handler))}`",
        )

    valid = (
        Valid(
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
            files={"serverless.yml": _SERVERLESS},
        ),
        # The failure is built into the response dict afterwards.
        Valid(
            dedent("""\
                def main(event, context):
                    failed_ids = []
                    for record in event["Records"]:
                        try:
                            print(record["body"])
                        except ValueError:
                            failed_ids.append(record["messageId"])
                    response = {}
                    response["batchItemFailures"] = [{"itemIdentifier": i} for i in failed_ids]
                    return response
                """),
            files={"serverless.yml": _SERVERLESS},
        ),
        # A stream handler stops at the first failure and names it: Lambda retries
        # from that record on.
        Valid(
            dedent("""\
                def main(event, context):
                    for record in event["Records"]:
                        try:
                            print(record["dynamodb"])
                        except Exception:
                            sequence = record["dynamodb"]["SequenceNumber"]
                            return {"batchItemFailures": [{"itemIdentifier": sequence}]}
                    return {"batchItemFailures": []}
                """),
            files={"serverless.yml": _SERVERLESS},
        ),
        # Re-raising loses nothing: the whole batch comes back.
        Valid(
            dedent("""\
                def main(event, context):
                    for record in event["Records"]:
                        try:
                            print(record["body"])
                        except Exception:
                            print("failed")
                            raise
                """),
            files={"serverless.yml": _SERVERLESS},
        ),
        # Without ReportBatchItemFailures the response is not read (SL205's business).
        Valid(
            dedent("""\
                def main(event, context):
                    for record in event["Records"]:
                        try:
                            print(record["body"])
                        except Exception:
                            pass
                """),
            files={"serverless.yml": _SERVERLESS.replace("functionResponseType", "# x")},
        ),
        # Node.js (TypeScript): the records whose promise `Promise.allSettled` settled as
        # rejected are returned.
        Valid(
            dedent("""\
                import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";

                const ORDERS_URL = "https://orders.example.com";

                export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
                  const results = await Promise.allSettled(
                    event.Records.map(async (record) => {
                      await fetch(ORDERS_URL, { method: "PUT", body: record.body });
                    }),
                  );
                  const batchItemFailures: SQSBatchItemFailure[] = [];
                  results.forEach((result, index) => {
                    if (result.status === "rejected") {
                      batchItemFailures.push({ itemIdentifier: event.Records[index].messageId });
                    }
                  });
                  return { batchItemFailures };
                };
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE},
        ),
        # Node.js (JavaScript): a `.catch` that logs and throws again loses nothing.
        Valid(
            dedent("""\
                export const handler = async (event) => {
                  for (const record of event.Records) {
                    await handle(record).catch((error) => {
                      console.error("failed", error);
                      throw error;
                    });
                  }
                };

                async function handle(record) {
                  return JSON.parse(record.body);
                }
                """),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE},
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                def main(event, context):
                    failed = []
                    for record in event["Records"]:
                        try:
                            print(record["body"])
                        except Exception:
                            failed.append({"itemIdentifier": record["messageId"]})
                    return {"batchItemFailure": failed}
                """),
            files={"serverless.yml": _SERVERLESS},
            line=1,
            column=5,
            message="returns `batchItemFailure` (handler.py:8), not `batchItemFailures`",
        ),
        Invalid(
            dedent("""\
                import logging

                logger = logging.getLogger()


                def main(event, context):
                    for record in event["Records"]:
                        try:
                            print(record["body"])
                        except Exception:
                            logger.exception("failed")
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
                                FunctionResponseTypes: [ReportBatchItemFailures]
                    """)
            },
            line=6,
            column=5,
            message="never returns `batchItemFailures`",
        ),
        # The list is filled but another one is returned.
        Invalid(
            dedent("""\
                def main(event, context):
                    errors = []
                    failures = []
                    for record in event["Records"]:
                        try:
                            print(record["dynamodb"])
                        except Exception as error:
                            errors.append({"itemIdentifier": record["eventID"]})
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
                            "EventSourceArn": "arn:aws:dynamodb:us-east-1:1:table/t/stream/s",
                            "FunctionResponseTypes": ["ReportBatchItemFailures"]
                          }
                        }
                      }
                    }
                    """)
            },
            line=1,
            column=5,
            message="adds it to `errors`, which is never returned",
        ),
        Invalid(
            dedent("""\
                def main(event, context):
                    failures = []
                    for record in event["Records"]:
                        try:
                            print(record["body"])
                        except Exception:
                            failures.append({"itemId": record["messageId"]})
                    return {"batchItemFailures": failures}
                """),
            files={"serverless.yml": _SERVERLESS},
            line=1,
            column=5,
            message="under `itemId` instead of `itemIdentifier`",
        ),
        # Node.js (TypeScript): `Promise.allSettled` keeps every rejection, and the
        # handler never says which records failed.
        Invalid(
            dedent("""\
                import type { SQSEvent } from "aws-lambda";

                const ORDERS_URL = "https://orders.example.com";

                export const handler = async (event: SQSEvent): Promise<void> => {
                  const results = await Promise.allSettled(
                    event.Records.map(async (record) => {
                      await fetch(ORDERS_URL, { method: "PUT", body: record.body });
                    }),
                  );
                  console.log(`${results.length} records`);
                };
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE},
            line=5,
            column=14,
            message=(
                "`handler` keeps each record's failure as a `Promise.allSettled` result "
                "(src/app.ts:7) but never returns `batchItemFailures`; with "
                "`ReportBatchItemFailures` enabled (template.yaml:10: sqs event, batch size 10 "
                "by default) Lambda deletes the failed message as if it had succeeded. Return "
                "`{ batchItemFailures: [{ itemIdentifier: <message id> }, ...] }`"
            ),
        ),
        # Node.js (JavaScript): a misspelt key.
        Invalid(
            dedent("""\
                export const handler = async (event) => {
                  const failed = [];
                  for (const record of event.Records) {
                    try {
                      JSON.parse(record.body);
                    } catch (error) {
                      failed.push({ itemIdentifier: record.messageId });
                    }
                  }
                  return { BatchItemFailures: failed };
                };
                """),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE},
            line=1,
            column=14,
            message=(
                "`handler` catches a record's failure (handler.mjs:6) but returns "
                "`BatchItemFailures` (handler.mjs:10), not `batchItemFailures`"
            ),
        ),
    )


def _problem(caught: CaughtFailure, response: FailureResponse) -> str | None:
    """Why the caught failure does not reach the response (None: it does)."""
    if caught.reports_in_return() or returned_as_result(caught, response):
        return None
    collected = caught.collected_into()
    if not response.returned:
        return _unreturned(response)
    if not collected:
        return "does not add the record to the failures it returns"
    for name, added in collected:
        if response.returns_list(name):
            wrong = item_key_problem(added)
            if wrong is not None:
                return f"adds it under `{wrong}` instead of `{ITEM_KEY}`"
            return None
    names = ", ".join(f"`{name}`" for name, _ in collected)
    which = "which is" if len(collected) == 1 else "which are"
    return f"adds it to {names}, {which} never returned"


def _unreturned(response: FailureResponse) -> str:
    """Why a handler that returns no `batchItemFailures` reports nothing."""
    if response.misspelt:
        reached, returned, key = response.misspelt[0]
        return f"returns `{key}` ({reached.where(returned.span.line)}), not `{FAILURES_KEY}`"
    return f"never returns `{FAILURES_KEY}`"
