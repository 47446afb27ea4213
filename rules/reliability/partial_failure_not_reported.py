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
    failure_response,
    item_key_problem,
    record_loops,
    reports_item_failures,
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
                    yield self._report(handler, events[0], caught, problem)
                    return

    def _report(
        self, handler: LinkedHandler, event: Event, caught: CaughtFailure, problem: str
    ) -> Diagnostic:
        span = handler.behaviour.span
        assert span is not None  # a handler function always has its name's span
        where = caught.function.where(caught.clause.span.line)
        return self.make_diagnostic(
            handler.display,
            span.start,
            span.end,
            f"`{handler.function.name if handler.function else ''}` catches a record's "
            f"failure ({where}) but {problem}; with `{REPORT_TYPE}` enabled "
            f"({describe(event)}) Lambda deletes the failed message as if it had "
            f'succeeded. Return `{{"{FAILURES_KEY}": [{{"{ITEM_KEY}": <message id>}}, ...]}}`',
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
    )


def _problem(caught: CaughtFailure, response: FailureResponse) -> str | None:
    """Why the caught failure does not reach the response (None: it does)."""
    if caught.reports_in_return():
        return None
    collected = caught.collected_into()
    if not response.returned:
        if response.misspelt:
            reached, returned, key = response.misspelt[0]
            return f"returns `{key}` ({reached.where(returned.span.line)}), not `{FAILURES_KEY}`"
        return f"never returns `{FAILURES_KEY}`"
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
