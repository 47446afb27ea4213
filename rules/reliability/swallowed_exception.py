from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent

from slint.api import CrossRule, Invalid, Severity, Valid
from slint.app.model import ASYNC_KINDS, Event, Function
from slint.app.project import LinkedHandler, ReachedFunction
from slint.diagnostics import Diagnostic
from slint.facts import Behaviour, Call, ExceptClause
from slint.settings import Settings

from .._support.batch import (
    COLLECT_METHODS,
    QUEUE_KINDS,
    CaughtFailure,
    FailureResponse,
    RecordLoop,
    describe,
    failure_response,
    in_javascript,
    is_javascript,
    is_logging,
    is_work,
    reports_item_failures,
    returned_as_result,
    settled_rejection,
)
from .._support.config import is_disabled

# Node.js examples: a JavaScript handler in serverless.yml, a TypeScript one that SAM
# builds with esbuild (`src/app.ts` -> `app.handler`).
_SERVERLESS_NODE_EVENTBRIDGE = dedent("""\
    service: jobs
    provider:
      name: aws
      runtime: nodejs22.x
    functions:
      nightly:
        handler: handler.handler
        events:
          - eventBridge:
              pattern:
                source: [orders]
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
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
    """)


class SwallowedException(CrossRule):
    """
    ## What it does
    Reports a handler triggered by an asynchronous source (S3, SNS, EventBridge,
    schedules, CloudWatch Logs, IoT), a queue or a stream (SQS, DynamoDB, Kinesis,
    Kafka, MQ) that catches every exception (`except Exception:`, `except
    BaseException:`, a bare `except:`) around its work and then carries on: the clause
    neither raises again nor makes the failure visible (returns it in
    `batchItemFailures`, sends it to a queue or topic, records a metric). Logging the
    error and going on is swallowing it, and so is collecting the failures in a list
    that is never returned. The `try` may be in the handler or in a loop over the
    records of a function the handler calls. Reported on the handler; the message
    names the `except` clause and the trigger.

    Left alone: clauses that raise again (also `raise Other(...) from error`), catch
    specific exceptions only, or report the failure; Powertools' batch utility; SQS
    and stream events with `ReportBatchItemFailures` (SL206 checks those).

    Node.js handlers (JavaScript and TypeScript): a `catch` block and a promise's
    `.catch(...)` catch every error; `console.error(...)` is a log line; a callback-style
    handler's `callback(null, ...)` (and `context.succeed`) ends the invocation as a
    success, `callback(error)` as a failure. `Promise.allSettled` over the records also
    swallows every rejection, unless the handler then throws (after checking the
    results) or returns `batchItemFailures`.

    ## Why is this bad?
    For these sources a normal return means success. Lambda deletes the SQS message,
    moves the stream on, and never retries the asynchronous event or sends it to the
    dead-letter queue or on-failure destination. The failed work is lost without a
    trace that an alarm could see: an error rate of zero while data disappears.

    ## Example
    ```python
    def main(event, context):
        try:
            process(event)
        except Exception:
            logger.exception("processing failed")  # and the event is gone
    ```

    ## Use instead
    ```python
    def main(event, context):
        try:
            process(event)
        except Exception:
            logger.exception("processing failed")
            raise  # Lambda retries it, then sends it to the DLQ / on-failure destination
    ```

    ## Fix
    There is no automatic fix: raise the error again (after logging it), catch only
    the errors you can really handle, or report each failed record in
    `batchItemFailures` with `ReportBatchItemFailures` enabled.
    """

    code = "SL207"
    name = "swallowed-exception"
    severity = Severity.WARNING

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or handler.function is None or not handler.reached:
            return
        event = _trigger(function)
        if event is None:
            return
        response = failure_response(handler)
        if response.powertools:
            return
        found = _swallowing(handler, response)
        if found is None:
            return
        span = handler.behaviour.span
        assert span is not None
        callback = _callback_parameter(handler)
        if callback is not None:
            again = f"Pass it to `{callback}(error)`"
        else:
            again = "Throw it again" if is_javascript(handler) else "Raise it again"
        yield self.make_diagnostic(
            handler.display,
            span.start,
            span.end,
            f"`{handler.function.name}` {found} and returns normally: for the "
            f"{describe(event)} that is a success, so the failure is never retried, never "
            f"reaches a dead-letter queue and no alarm sees it. {again} after logging, or "
            "report the failed records",
        )

    valid = (
        Valid(
            dedent("""\
                import logging

                logger = logging.getLogger()


                def main(event, context):
                    try:
                        print(event["detail"])
                    except Exception:
                        logger.exception("failed")
                        raise
                """),
            files={
                "serverless.yml": dedent("""\
                    service: jobs
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      nightly:
                        handler: handler.main
                        events:
                          - schedule: rate(1 day)
                    """)
            },
        ),
        # An API answers the client: a 500 is how it reports the failure.
        Valid(
            dedent("""\
                def main(event, context):
                    try:
                        return {"statusCode": 200, "body": handle(event)}
                    except Exception:
                        return {"statusCode": 500}


                def handle(event):
                    return event["body"]
                """),
            files={
                "serverless.yml": dedent("""\
                    service: api
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      create:
                        handler: handler.main
                        events:
                          - httpApi: POST /orders
                    """)
            },
        ),
        # Specific errors only: everything else still fails the invocation.
        Valid(
            dedent("""\
                import json


                def main(event, context):
                    for record in event["Records"]:
                        try:
                            json.loads(record["Sns"]["Message"])
                        except json.JSONDecodeError:
                            continue
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
                            Topic:
                              Type: SNS
                              Properties:
                                Topic: arn:aws:sns:us-east-1:123456789012:orders
                    """)
            },
        ),
        # The failure goes to a queue of its own: visible and replayable.
        Valid(
            dedent("""\
                import os

                import boto3

                sqs = boto3.client("sqs")


                def main(event, context):
                    try:
                        print(event["detail"])
                    except Exception:
                        sqs.send_message(QueueUrl=os.environ["FAILED"], MessageBody="x")
                """),
            files={
                "serverless.yml": dedent("""\
                    service: jobs
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      nightly:
                        handler: handler.main
                        events:
                          - eventBridge:
                              pattern:
                                source: [orders]
                    """)
            },
        ),
        # Node.js (JavaScript): a promise's `.catch` that logs and throws again.
        Valid(
            dedent("""\
                export const handler = async (event) => {
                  await handle(event.detail).catch((error) => {
                    console.error("failed", error);
                    throw error;
                  });
                };

                async function handle(detail) {
                  return JSON.parse(detail);
                }
                """),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE_EVENTBRIDGE},
        ),
        # Node.js (TypeScript): the settled results are checked and the invocation fails.
        Valid(
            dedent("""\
                import type { SQSEvent } from "aws-lambda";

                export const handler = async (event: SQSEvent): Promise<void> => {
                  const results = await Promise.allSettled(
                    event.Records.map(async (record) => handle(JSON.parse(record.body))),
                  );
                  const failed = results.filter((result) => result.status === "rejected");
                  if (failed.length > 0) {
                    throw new Error(`${failed.length} records failed`);
                  }
                };

                async function handle(order: unknown): Promise<void> {
                  console.log(order);
                }
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE_SQS},
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                import logging

                logger = logging.getLogger()


                def main(event, context):
                    try:
                        resize(event["Records"][0]["s3"]["object"]["key"])
                    except Exception as error:
                        logger.error("failed: %s", error)
                    return {"ok": True}


                def resize(key):
                    return key
                """),
            files={
                "serverless.yml": dedent("""\
                    service: images
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      resize:
                        handler: handler.main
                        events:
                          - s3:
                              bucket: uploads
                              event: s3:ObjectCreated:*
                    """)
            },
            line=6,
            column=5,
            message="catches every exception (`except Exception` at handler.py:9)",
        ),
        # Collected, never returned.
        Invalid(
            dedent("""\
                def main(event, context):
                    failed = []
                    for record in event["Records"]:
                        try:
                            handle(record["body"])
                        except:
                            failed.append(record["messageId"])
                    return {"processed": len(event["Records"])}


                def handle(body):
                    return body
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
                    """)
            },
            line=1,
            column=5,
            message="`except:` at handler.py:6",
        ),
        Invalid(
            dedent("""\
                def main(event, context):
                    try:
                        handle(event)
                    except BaseException:
                        pass


                def handle(event):
                    return event["detail"]
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
                        "Rule": {
                          "Type": "AWS::Events::Rule",
                          "Properties": {
                            "EventPattern": {"source": ["orders"]},
                            "Targets": [{"Arn": {"Fn::GetAtt": ["Worker", "Arn"]}, "Id": "w"}]
                          }
                        }
                      }
                    }
                    """)
            },
            line=1,
            column=5,
            message="eventbridge event",
        ),
        # Node.js (JavaScript): the `catch` logs and the handler resolves.
        Invalid(
            dedent("""\
                import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";

                const sns = new SNSClient({});

                export const handler = async (event) => {
                  try {
                    await sns.send(
                      new PublishCommand({ TopicArn: process.env.TOPIC, Message: event.detail.id }),
                    );
                  } catch (error) {
                    console.error("publish failed", error);
                  }
                };
                """),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE_EVENTBRIDGE},
            line=5,
            column=14,
            message=(
                "`handler` catches every error (`catch` at handler.mjs:10) and returns normally: "
                "for the serverless.yml:9: eventbridge event that is a success, so the failure is "
                "never retried, never reaches a dead-letter queue and no alarm sees it. Throw it "
                "again after logging, or report the failed records"
            ),
        ),
        # Node.js (TypeScript): `Promise.allSettled` keeps every record's rejection, and
        # the SQS event does not ask for a partial batch response.
        Invalid(
            dedent("""\
                import type { SQSEvent } from "aws-lambda";

                export const handler = async (event: SQSEvent): Promise<void> => {
                  await Promise.allSettled(
                    event.Records.map(async (record) => handle(JSON.parse(record.body))),
                  );
                };

                async function handle(order: unknown): Promise<void> {
                  console.log(order);
                }
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE_SQS},
            line=3,
            column=14,
            message="keeps every failure as a `Promise.allSettled` result (src/app.ts:5)",
        ),
    )


def _trigger(function: Function) -> Event | None:
    """The first event for which a normal return means success and drops the work."""
    for event in function.events:
        if is_disabled(event):
            continue
        if event.kind in ASYNC_KINDS:
            return event
        if event.kind in QUEUE_KINDS:
            if event.kind in ("sqs", "stream") and reports_item_failures(event) is not False:
                continue  # SL206 judges what a handler with partial responses returns
            return event
    return None


def _swallowing(handler: LinkedHandler, response: FailureResponse) -> str | None:
    """How the handler hides a failure, in a message's words: the first clause that
    catches everything around real work and hides the failure (the handler's own `try`s
    count, and those in loops over the records anywhere), else the first
    `Promise.allSettled` that keeps every record's failure to itself."""
    found = _swallowing_clause(handler, response)
    if found is not None:
        reached, clause = found
        if in_javascript(reached):
            caught = "catches every error (`catch`"
        elif clause.catches:
            caught = f"catches every exception (`except {', '.join(clause.catches)}`"
        else:
            caught = "catches every exception (`except:`"
        return f"{caught} at {reached.where(clause.span.line)})"
    if response.returned:
        return None  # the settled results become `batchItemFailures`
    for reached in handler.reached:
        behaviour = reached.behaviour
        for index, loop in enumerate(behaviour.loops):
            if reached.depth > 0 and not loop.records:
                continue
            if settled_rejection(RecordLoop(reached, index)) is None:
                continue
            if _raises_after(behaviour, index):
                continue  # it looks at the results and fails the invocation
            return (
                "keeps every failure as a `Promise.allSettled` result "
                f"({reached.where(loop.span.line)})"
            )
    return None


def _raises_after(behaviour: Behaviour, index: int) -> bool:
    """A `throw` outside the loop, after it (`if (results.some(r => r.status ===
    "rejected")) throw ...`)."""
    end = behaviour.loops[index].span.end
    return any(
        index not in raised.loops and raised.span.start >= end for raised in behaviour.raises
    )


def _swallowing_clause(
    handler: LinkedHandler, response: FailureResponse
) -> tuple[ReachedFunction, ExceptClause] | None:
    """The first clause that catches everything around real work and hides the failure."""
    callback = _callback_parameter(handler)
    for reached in handler.reached:
        behaviour = reached.behaviour
        for try_index, block in enumerate(behaviour.tries):
            if block.handler is not None:
                continue  # a `try` inside an `except` handles the handling's own failure
            in_records = any(behaviour.loops[i].records for i in block.loops)
            if reached.depth > 0 and not in_records:
                continue
            covered = [c for c in behaviour.calls if try_index in c.tries and is_work(c)]
            if not covered:
                continue
            for clause_index, clause in enumerate(block.clauses):
                if not clause.broad or clause.raises:
                    continue
                caught = CaughtFailure(reached, try_index, clause_index)
                if not _hides(caught.calls(), response, callback):
                    continue
                if clause.exits == "return" and (
                    caught.reports_in_return() or returned_as_result(caught, response)
                ):
                    continue  # `except: return {"batchItemFailures": [...]}`
                return reached, clause
    return None


def _hides(calls: list[Call], response: FailureResponse, callback: str | None) -> bool:
    """Does an `except` body with these calls keep the failure to itself?"""
    for call in calls:
        if is_logging(call) or _signals_success(call, callback):
            continue
        if call.method in COLLECT_METHODS and call.receiver is not None:
            if response.returns_list(call.receiver.text):
                return False  # it becomes part of the returned batchItemFailures
            continue
        if is_work(call):
            return False  # sends, stores or counts it somewhere: visible
    return True


def _callback_parameter(handler: LinkedHandler) -> str | None:
    """A callback-style Node.js handler's third parameter: `callback(null, result)` ends
    the invocation as a success, `callback(error)` as a failure."""
    parameters = handler.behaviour.parameters
    return parameters[2] if is_javascript(handler) and len(parameters) > 2 else None


def _signals_success(call: Call, callback: str | None) -> bool:
    """A Node.js handler reporting success: `callback(null, ...)` (no error as the first
    argument), `context.succeed(...)`, `context.done(null, ...)`."""
    first = call.argument("", 0)
    no_error = (
        first is None
        or first.text in ("null", "undefined")
        or (first.is_literal and first.literal is None)
    )
    if callback is not None and call.name == callback and call.receiver is None:
        return no_error
    if call.receiver is not None and call.receiver.text in ("context", "ctx"):
        return call.method == "succeed" or (call.method == "done" and no_error)
    return False
