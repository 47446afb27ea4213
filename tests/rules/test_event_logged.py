"""SL502 event-logged: the whole event or context in a log call, and the near-misses that
real handlers have (parts of the event, context attributes, Powertools without
`log_event`, helpers whose parameters are not the event)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, write_tree

from slint.diagnostics import Diagnostic

CODE = "SL502"


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=[CODE])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics), result.diagnostics
    return [d for d in result.diagnostics if d.code == CODE]


def positions(tmp_path: Path, code: str) -> list[tuple[int, int]]:
    return [(d.start.row, d.start.column) for d in run(tmp_path, {"handler.py": code})]


REPORTED = {
    "print": (
        """\
        def handler(event, context):
            print(event)
        """,
        [(2, 5)],
    ),
    "json-dumps-concatenated": (
        """\
        import json


        def lambda_handler(event, context):
            print("Received event: " + json.dumps(event, indent=2))
        """,
        [(5, 5)],
    ),
    "logging-module-args": (
        """\
        import logging


        def handler(event, context):
            logging.info("%s", event)
        """,
        [(5, 5)],
    ),
    "percent-format": (
        """\
        import json
        import logging

        log = logging.getLogger(__name__)


        def handler(event, context):
            log.info("Received event: %s" % json.dumps(event))
        """,
        [(8, 5)],
    ),
    "f-string-context": (
        """\
        def handler(event, context):
            print(f"event={event['id']}")
            print(f"context {context}")
        """,
        [(3, 5)],
    ),
    "str-format-both": (
        """\
        import logging

        logger = logging.getLogger()


        def handler(event, context):
            logger.debug("event: {}, context: {}".format(event, context))
        """,
        [(7, 5)],
    ),
    "powertools-extra": (
        """\
        from aws_lambda_powertools import Logger

        logger = Logger()


        @logger.inject_lambda_context
        def handler(event: dict, context) -> dict:
            logger.info("Received event", extra={"event": event})
            return {}
        """,
        [(8, 5)],
    ),
    "structlog-keyword": (
        """\
        import structlog

        log = structlog.get_logger()


        def handler(event, context):
            log.info("received", payload=event)
        """,
        [(7, 5)],
    ),
    "logger-log-level": (
        """\
        import logging

        LOGGER = logging.getLogger()


        def handler(event, context):
            LOGGER.log(logging.INFO, str(event))
        """,
        [(7, 5)],
    ),
    "stdout-write": (
        """\
        import json
        import sys


        def handler(event, context):
            sys.stdout.write(json.dumps(event) + "\\n")
        """,
        [(6, 5)],
    ),
    # Other names for (event, context): the second parameter says it is a handler.
    "handler-shaped-names": (
        """\
        def message_handler(message, lambda_context):
            print(f"got {message}")
        """,
        [(2, 5)],
    ),
    "powertools-data-class-raw-event": (
        """\
        from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent


        def handler(event, context):
            api = APIGatewayProxyEvent(event)
            print(api.raw_event)
            print(event.__dict__)
        """,
        [(7, 5)],
    ),
    "parsed-again-is-still-the-event": (
        """\
        import json


        def handler(event, context):
            if isinstance(event, str):
                event = json.loads(event)
            print(event)
        """,
        [(7, 5)],
    ),
    "helper-with-conventional-name": (
        """\
        import logging

        logger = logging.getLogger()


        def validate(event):
            logger.error(f"invalid: {event}")


        def handler(event, context):
            validate(event)
        """,
        [(7, 5)],
    ),
    "closure": (
        """\
        def handler(event, context):
            def fail(reason):
                print(reason, event)

            if "id" not in event:
                fail("no id")
        """,
        [(3, 9)],
    ),
    # A CDK custom-resource handler that slint cannot link: the decorator says it is one.
    "log-event-on-unlinked-handler": (
        """\
        from aws_lambda_powertools import Logger

        logger = Logger()


        @logger.inject_lambda_context(log_event=True)
        def on_event(event, context):
            return event["RequestType"]
        """,
        [(6, 31)],
    ),
    "method-handler": (
        """\
        import logging

        logger = logging.getLogger()


        class Handler:
            def handle(self, event, context):
                logger.info(event)


        def handler(event, context):
            return Handler().handle(event, context)
        """,
        [(8, 9)],
    ),
}


@pytest.mark.parametrize("case", sorted(REPORTED))
def test_reported(tmp_path: Path, case: str) -> None:
    code, expected = REPORTED[case]
    assert positions(tmp_path, code) == expected


SILENT = {
    "parts-of-the-event": """\
        import json
        import logging

        logger = logging.getLogger()


        def handler(event, context):
            logger.info("order %s", event["detail"]["id"])
            logger.info("records: %d", len(event["Records"]))
            logger.info(json.dumps(event["detail"]))
            print(f"path {event.get('path')} keys {list(event.keys())}")
            print(f"type {type(event)}")
        """,
    "context-attributes": """\
        def handler(event, context):
            print(f"request {context.aws_request_id} in {context.function_name}")
            print("remaining", context.get_remaining_time_in_millis())
        """,
    "powertools-without-log-event": """\
        from aws_lambda_powertools import Logger

        logger = Logger()


        @logger.inject_lambda_context(log_event=False, clear_state=True)
        def handler(event, context):
            logger.info("handled")
        """,
    "rebound-to-a-part": """\
        import json


        def handler(event, context):
            event = json.loads(event["body"])
            print(event)
        """,
    "loop-variable": """\
        def handler(event, context):
            for event in event["events"]:
                print(event)
        """,
    # A durable-execution step: `ctx` after a non-event name is not a Lambda context.
    "durable-step-context": """\
        def handler(event, context):
            def send_request(callback_id, ctx):
                print(f"sent {callback_id} {ctx}")

            send_request(event["id"], None)
        """,
    "not-a-log-call": """\
        import json


        def handler(event, context):
            body = json.dumps(event)
            return {"statusCode": 200, "body": body}
        """,
    "other-receivers": """\
        def handler(event, context):
            queue = []
            queue.append(event)
            event_bus = object()
            history = {}
            history.update(event)
        """,
    "fixed-message-mentions-event": """\
        import logging

        logger = logging.getLogger()


        def handler(event, context):
            logger.error("Invalid event structure: event is not a dictionary")
        """,
    "not-run-per-invocation": """\
        def handler(event, context):
            return event["n"]


        if __name__ == "__main__":
            event = {"n": 1}
            print(event)
        """,
    "nested-test-handler-with-log-event": """\
        from aws_lambda_powertools import Logger


        def test_logs_event():
            logger = Logger()

            @logger.inject_lambda_context(log_event=True)
            def handler(event, context):
                return event

            handler({}, None)
        """,
}


@pytest.mark.parametrize("case", sorted(SILENT))
def test_silent(tmp_path: Path, case: str) -> None:
    assert positions(tmp_path, SILENT[case]) == []


def test_messages_name_what_is_logged(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "handler.py": """\
                import logging

                logger = logging.getLogger()


                def handler(event, context):
                    logger.debug(f"Received {event}")
                    print(context)
                """
        },
    )
    assert [(d.start.row, d.start.column) for d in found] == [(7, 5), (8, 5)]
    assert '`f"Received {event}"` logs the whole event' in found[0].message
    assert "DEBUG" in found[0].message
    assert "whole Lambda context" in found[1].message
    assert "aws_request_id" in found[1].message


def test_log_event_decorator_on_config_named_handler(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "template.yaml": """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Cart:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Handler: cart.add
                      Runtime: python3.12
                """,
            "src/cart.py": """\
                from aws_lambda_powertools import Logger

                logger = Logger()


                @logger.inject_lambda_context(
                    log_event=True, correlation_id_path="requestContext.requestId"
                )
                def add(payload, lambda_context):
                    logger.info(f"adding {payload}")
                """,
        },
    )
    assert [(d.path, d.start.row, d.start.column) for d in found] == [
        ("src/cart.py", 7, 5),
        ("src/cart.py", 10, 5),
    ]
    assert "log_event=True" in found[0].message
