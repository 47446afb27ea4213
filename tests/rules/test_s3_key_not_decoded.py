"""SL209 s3-key-not-decoded: the key shapes, the data flow that decides whether a key is
decoded, the near-misses that must stay silent, and the fix (in-process and through
`slint check --fix --unsafe-fixes`)."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, run_cli, write_tree

from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import apply_edits

CODE = "SL209"


def run(tmp_path: Path, code: str, filename: str = "handler.py") -> list[Diagnostic]:
    write_tree(tmp_path, {filename: dedent(code)})
    result = lint(tmp_path, select=[CODE])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics), result.diagnostics
    return [d for d in result.diagnostics if d.code == CODE]


def positions(tmp_path: Path, code: str, filename: str = "handler.py") -> list[tuple[int, int]]:
    return [(d.start.row, d.start.column) for d in run(tmp_path, code, filename)]


def fixed(tmp_path: Path, code: str) -> str:
    """The module after applying the fix of its only finding."""
    found = run(tmp_path, code)
    assert len(found) == 1, [d.message for d in found]
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.UNSAFE
    result = apply_edits(dedent(code), fix.edits)
    ast.parse(result)
    return result


# -- the key shapes that are reported ----------------------------------------------------

REPORTED = {
    "record-loop": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            for record in event["Records"]:
                key = record["s3"]["object"]["key"]
                s3.get_object(Bucket=record["s3"]["bucket"]["name"], Key=key)
        """,
        [(8, 15)],
    ),
    "first-record-inline": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def lambda_handler(event, context):
            return s3.head_object(
                Bucket="media", Key=event["Records"][0]["s3"]["object"]["key"]
            )
        """,
        [(8, 29)],
    ),
    "get-chain": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            record = event["Records"][0]
            key = record.get("s3", {}).get("object", {}).get("key")
            return s3.get_object(Bucket="media", Key=key)
        """,
        [(8, 11)],
    ),
    "mixed-subscript-and-get": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = event["Records"][0]["s3"].get("object")["key"]
            s3.delete_object(Bucket="media", Key=key)
        """,
        [(7, 11)],
    ),
    "through-variables": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            for record in event["Records"]:
                info = record["s3"]
                obj = info["object"]
                s3.download_file(info["bucket"]["name"], obj["key"], "/tmp/in")
        """,
        [(10, 50)],
    ),
    "s3-event-inside-sqs-message": (
        """\
        import json

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            for message in event["Records"]:
                body = json.loads(message["body"])
                for record in body["Records"]:
                    key = record["s3"]["object"]["key"]
                    s3.copy_object(
                        Bucket="archive", Key=key, CopySource={"Bucket": "in", "Key": key}
                    )
        """,
        [(12, 19)],
    ),
    "s3-event-inside-sns-message": (
        """\
        import json

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            s3_event = json.loads(event["Records"][0]["Sns"]["Message"])
            object_key = s3_event["Records"][0]["s3"]["object"]["key"]
            return s3.get_object(Bucket="in", Key=object_key)["Body"].read()
        """,
        [(10, 18)],
    ),
    "tuple-assignment": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            r = event["Records"][0]
            bucket, key = r["s3"]["bucket"]["name"], r["s3"]["object"]["key"]
            return s3.get_object(Bucket=bucket, Key=key)
        """,
        [(8, 46)],
    ),
    "derived-value-used": (
        """\
        import os

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            thumbnail = "thumbs/" + os.path.basename(key)
            s3.put_object(Bucket="out", Key=thumbnail, Body=b"")
        """,
        [(9, 11)],
    ),
    "stored-on-self": (
        """\
        import boto3


        class Job:
            def __init__(self, record):
                self.key = record["s3"]["object"]["key"]

            def run(self):
                return boto3.client("s3").get_object(Bucket="b", Key=self.key)
        """,
        [(6, 20)],
    ),
    "stored-in-a-record": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("uploads")


        def handler(event, context):
            item = {"id": context.aws_request_id}
            item["key"] = event["Records"][0]["s3"]["object"]["key"]
            table.put_item(Item=item)
        """,
        [(8, 19)],
    ),
    "list-of-keys": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            keys = [r["s3"]["object"]["key"] for r in event["Records"]]
            for key in keys:
                s3.delete_object(Bucket="media", Key=key)
        """,
        [(7, 13)],
    ),
    "walrus": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            if key := event["Records"][0]["s3"]["object"]["key"]:
                s3.delete_object(Bucket="media", Key=key)
        """,
        [(7, 15)],
    ),
    "returned-by-the-handler": (
        """\
        def handler(event, context):
            record = event["Records"][0]
            return {"bucket": record["s3"]["bucket"]["name"], "key": record["s3"]["object"]["key"]}
        """,
        [(3, 62)],
    ),
    "returned-directly-by-the-handler": (
        """\
        def lambda_handler(event, context):
            return event["Records"][0]["s3"]["object"]["key"]
        """,
        [(2, 12)],
    ),
    "lookup-table": (
        """\
        ROUTES = {"uploads/report.csv": "reports"}


        def handler(event, context):
            return ROUTES[event["Records"][0]["s3"]["object"]["key"]]
        """,
        [(5, 19)],
    ),
    "helper-that-does-not-decode": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def process(bucket, key):
            return s3.get_object(Bucket=bucket, Key=key)


        def handler(event, context):
            for record in event["Records"]:
                process(record["s3"]["bucket"]["name"], key=record["s3"]["object"]["key"])
        """,
        [(12, 53)],
    ),
    "powertools-data-class-raw-property": (
        """\
        import boto3
        from aws_lambda_powertools.utilities.data_classes import S3Event, event_source

        s3 = boto3.client("s3")


        @event_source(data_class=S3Event)
        def handler(event: S3Event, context):
            for record in event.records:
                obj = record.s3.get_object
                s3.delete_object(Bucket=record.s3.bucket.name, Key=obj.key)
        """,
        [(11, 60)],
    ),
    "powertools-first-record-raw": (
        """\
        import boto3
        from aws_lambda_powertools.utilities.data_classes import S3Event

        s3 = boto3.client("s3")


        def handler(event, context):
            event = S3Event(event)
            return s3.head_object(Bucket=event.bucket_name, Key=event.record.s3.get_object.key)
        """,
        [(9, 57)],
    ),
    "powertools-parser-model": (
        """\
        import boto3
        from aws_lambda_powertools.utilities.parser import event_parser
        from aws_lambda_powertools.utilities.parser.models import S3Model

        s3 = boto3.client("s3")


        @event_parser(model=S3Model)
        def handler(event: S3Model, context):
            for record in event.Records:
                s3.get_object(Bucket=record.s3.bucket.name, Key=record.s3.object.key)
        """,
        [(11, 57)],
    ),
    "batch-operations-task": (
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            task = event["tasks"][0]
            s3.restore_object(Bucket="media", Key=task["s3Key"], RestoreRequest={"Days": 1})
            return {"results": [{"taskId": task["taskId"], "resultCode": "Succeeded"}]}
        """,
        [(8, 43)],
    ),
    "module-level-script": (
        """\
        import json
        import sys

        import boto3

        event = json.load(sys.stdin)
        boto3.client("s3").delete_object(
            Bucket="media", Key=event["Records"][0]["s3"]["object"]["key"]
        )
        """,
        [(8, 25)],
    ),
}


@pytest.mark.parametrize("case", REPORTED)
def test_reported(tmp_path: Path, case: str) -> None:
    code, expected = REPORTED[case]
    assert positions(tmp_path, code) == expected


def test_message_names_the_expression_and_the_failure(tmp_path: Path) -> None:
    (found,) = run(tmp_path, REPORTED["record-loop"][0])
    assert found.message == (
        'S3 event object key `record["s3"]["object"]["key"]` is used without '
        "`unquote_plus`: S3 URL-encodes the key (a space arrives as `+`, `é` as "
        "`%C3%A9`), so lookups of such keys fail with NoSuchKey"
    )
    assert found.severity.value == "warning"
    # The whole key expression is the range.
    assert (found.end.row, found.end.column) == (8, 44)


def test_batch_operations_message(tmp_path: Path) -> None:
    (found,) = run(tmp_path, REPORTED["batch-operations-task"][0])
    assert found.message.startswith(
        'S3 Batch Operations object key `task["s3Key"]` is used without `unquote_plus`'
    )


def test_long_expression_is_shortened_in_the_message(tmp_path: Path) -> None:
    (found,) = run(tmp_path, REPORTED["get-chain"][0])
    assert 'key `record.get("s3", {}).get("object", {}).get("key")` is used' in found.message


# -- unquote without _plus ---------------------------------------------------------------

UNQUOTE = {
    "from-import": (
        """\
        from urllib.parse import unquote

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = unquote(event["Records"][0]["s3"]["object"]["key"])
            return s3.get_object(Bucket="media", Key=key)
        """,
        (9, 19),
    ),
    "module-attribute-later": (
        """\
        import urllib.parse

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            key = urllib.parse.unquote(key)
            return s3.get_object(Bucket="media", Key=key)
        """,
        (9, 11),
    ),
    "in-a-helper": (
        """\
        from urllib.parse import unquote


        def fetch(key):
            return open("/mnt/efs/" + unquote(key))


        def handler(event, context):
            return fetch(event["Records"][0]["s3"]["object"]["key"])
        """,
        (9, 18),
    ),
}


@pytest.mark.parametrize("case", UNQUOTE)
def test_unquote_without_plus_has_its_own_message(tmp_path: Path, case: str) -> None:
    code, position = UNQUOTE[case]
    found = run(tmp_path, code)
    assert [(d.start.row, d.start.column) for d in found] == [position]
    assert "is decoded with `unquote`, which leaves `+` as a literal plus" in found[0].message


def test_unquote_of_a_plus_replaced_key_decodes_it(tmp_path: Path) -> None:
    code = """\
        from urllib.parse import unquote


        def handler(event, context):
            key = unquote(event["Records"][0]["s3"]["object"]["key"].replace("+", " "))
            return open("/mnt/efs/" + key)
        """
    assert positions(tmp_path, code) == []


# -- decoded, through every import form ----------------------------------------------------

DECODED = {
    "from-import": """\
        from urllib.parse import unquote_plus


        def handler(event, context):
            return open(unquote_plus(event["Records"][0]["s3"]["object"]["key"]))
        """,
    "from-import-alias": """\
        from urllib.parse import unquote_plus as decode


        def handler(event, context):
            return open(decode(event["Records"][0]["s3"]["object"]["key"]))
        """,
    "import-urllib-parse": """\
        import urllib.parse


        def handler(event, context):
            key = urllib.parse.unquote_plus(
                event["Records"][0]["s3"]["object"]["key"], encoding="utf-8"
            )
            return open(key)
        """,
    "import-urllib": """\
        import urllib


        def handler(event, context):
            return open(urllib.parse.unquote_plus(event["Records"][0]["s3"]["object"]["key"]))
        """,
    "from-urllib-import-parse": """\
        from urllib import parse


        def handler(event, context):
            return open(parse.unquote_plus(event["Records"][0]["s3"]["object"]["key"]))
        """,
    "import-as": """\
        import urllib.parse as up


        def handler(event, context):
            return open(up.unquote_plus(event["Records"][0]["s3"]["object"]["key"]))
        """,
    "python2-style": """\
        import urllib


        def handler(event, context):
            key = urllib.unquote_plus(event["Records"][0]["s3"]["object"]["key"].encode("utf8"))
            return open(key)
        """,
    "import-inside-the-function": """\
        def handler(event, context):
            from urllib.parse import unquote_plus

            return open(unquote_plus(event["Records"][0]["s3"]["object"]["key"]))
        """,
    "decoded-later": """\
        from urllib.parse import unquote_plus

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            for record in event["Records"]:
                key = record["s3"]["object"]["key"]
                print("received", key)
                key = unquote_plus(key)
                s3.get_object(Bucket=record["s3"]["bucket"]["name"], Key=key)
        """,
    "decoded-when-passed-on": """\
        from urllib.parse import unquote_plus

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            local = "/tmp/" + key.replace("/", "_")
            s3.download_file("media", unquote_plus(key), local)
        """,
    "decoded-in-a-branch": """\
        from urllib.parse import unquote_plus


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            if "%" in key or "+" in key:
                key = unquote_plus(key)
            return open(key)
        """,
    "decoded-part": """\
        import os
        from urllib.parse import unquote_plus


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            name = unquote_plus(os.path.basename(key))
            return open("/tmp/" + name, "w")
        """,
    "helper-decodes": """\
        from urllib.parse import unquote_plus

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            for record in event["Records"]:
                process(record["s3"]["bucket"]["name"], record["s3"]["object"]["key"])


        def process(bucket, key):
            return s3.get_object(Bucket=bucket, Key=unquote_plus(key))
        """,
    "method-decodes": """\
        from urllib.parse import unquote_plus


        class Handler:
            def __call__(self, event, context):
                return self.read(event["Records"][0]["s3"]["object"]["key"])

            def read(self, key):
                return open(unquote_plus(key))
        """,
    "getter-result-decoded": """\
        from urllib.parse import unquote_plus

        import boto3

        s3 = boto3.client("s3")


        def location(event):
            record = event["Records"][0]
            return record["s3"]["bucket"]["name"], record["s3"]["object"]["key"]


        def handler(event, context):
            bucket, key = location(event)
            return s3.get_object(Bucket=bucket, Key=unquote_plus(key))
        """,
    "list-decoded": """\
        from urllib.parse import unquote_plus

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            keys = [r["s3"]["object"]["key"] for r in event["Records"]]
            for key in [unquote_plus(k) for k in keys]:
                s3.delete_object(Bucket="media", Key=key)
        """,
    "batch-operations-decoded": """\
        from urllib.parse import unquote_plus

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            for task in event["tasks"]:
                s3.head_object(Bucket="media", Key=unquote_plus(task["s3Key"]))
        """,
}


@pytest.mark.parametrize("case", DECODED)
def test_decoded_key_is_not_reported(tmp_path: Path, case: str) -> None:
    assert positions(tmp_path, DECODED[case]) == []


# -- near-misses ---------------------------------------------------------------------------

NEAR_MISSES = {
    # EventBridge "Object Created" events carry the key as it is.
    "eventbridge-detail": """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            detail = event["detail"]
            return s3.get_object(Bucket=detail["bucket"]["name"], Key=detail["object"]["key"])
        """,
    "eventbridge-inline": """\
        import boto3


        def handler(event, context):
            key = event["detail"]["object"]["key"]
            return boto3.client("s3").head_object(Bucket="media", Key=key)
        """,
    # Powertools properties that decode.
    "powertools-object-key": """\
        import boto3
        from aws_lambda_powertools.utilities.data_classes import S3Event, event_source

        s3 = boto3.client("s3")


        @event_source(data_class=S3Event)
        def handler(event: S3Event, context):
            return s3.get_object(Bucket=event.bucket_name, Key=event.object_key)
        """,
    "powertools-eventbridge-data-class": """\
        import boto3
        from aws_lambda_powertools.utilities.data_classes import (
            S3EventBridgeNotificationEvent,
            event_source,
        )


        @event_source(data_class=S3EventBridgeNotificationEvent)
        def handler(event, context):
            detail = event.detail
            return boto3.client("s3").head_object(Bucket=detail.bucket.name, Key=detail.object.key)
        """,
    "url-decoded-key-field": """\
        def handler(event, context):
            return open(event["Records"][0]["s3"]["object"]["urlDecodedKey"])
        """,
    # Only logged, printed, tested, compared or put in an exception message.
    "logged-and-tested-only": """\
        import logging

        from aws_lambda_powertools import Logger, Tracer

        log = logging.getLogger(__name__)
        logger = Logger()
        tracer = Tracer()


        def handler(event, context):
            for record in event["Records"]:
                key = record["s3"]["object"]["key"]
                log.info("received %s", key)
                logger.append_keys(object_key=key)
                tracer.put_annotation(key="object", value=key)
                print(f"key={key}")
                if key.endswith("/") or not key:
                    continue
                if key == "manifest.json" or "tmp/" in key:
                    raise ValueError("unexpected object {}".format(key))
        """,
    "key-checked-not-used": """\
        def handler(event, context):
            if event["Records"][0]["s3"]["object"]["key"].startswith("incoming/"):
                return {"status": "accepted"}
            return {"status": "ignored"}
        """,
    "sort-key-lambda": """\
        def handler(event, context):
            records = sorted(event["Records"], key=lambda r: r["s3"]["object"]["key"])
            return len(records)
        """,
    # An accessor that returns the raw key to callers elsewhere (a library's data class):
    # nothing in the module uses it raw. (Powertools' own `S3Object.key`.)
    "raw-accessor-property": """\
        class S3Object(dict):
            @property
            def key(self) -> str:
                return self["s3"]["object"]["key"]

            @property
            def size(self) -> int:
                return int(self["s3"]["object"]["size"])
        """,
    # Building an event in a test: the key is assigned, not read.
    "test-builds-event": """\
        from urllib.parse import quote_plus


        def test_handler():
            event = {"Records": [{"s3": {"object": {"key": "x"}}}]}
            event["Records"][0]["s3"]["object"]["key"] = quote_plus("my file.jpg")
            assert event["Records"][0]["s3"]["object"]["key"] == "my+file.jpg"
        """,
    # Other shapes with `key` in them.
    "other-key-paths": """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            obj = s3.Object("media", event["key"])
            return obj.key, event["object"]["key"], event["s3"]["key"], event["detail"]["key"]
        """,
    "boto3-resource-object-key": """\
        import boto3

        bucket = boto3.resource("s3").Bucket("media")


        def handler(event, context):
            return [s3_object.key for s3_object in bucket.objects.all()]
        """,
    "dynamodb-key": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            key = event["Records"][0]["dynamodb"]["Keys"]["id"]["S"]
            return table.get_item(Key={"id": key})
        """,
    "unused": """\
        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            return {"ok": True}
        """,
}


@pytest.mark.parametrize("case", NEAR_MISSES)
def test_near_miss_is_not_reported(tmp_path: Path, case: str) -> None:
    assert positions(tmp_path, NEAR_MISSES[case]) == []


def test_result_of_a_getter_used_raw_is_reported_at_the_call(tmp_path: Path) -> None:
    code = """\
        import boto3

        s3 = boto3.client("s3")


        def object_key(event):
            return event["Records"][0]["s3"]["object"]["key"]


        def handler(event, context):
            key = object_key(event)
            return s3.head_object(Bucket="media", Key=key)
        """
    (found,) = run(tmp_path, code)
    assert (found.start.row, found.start.column) == (11, 11)
    assert found.message.startswith(
        '`object_key(event)` returns the S3 event object key `event["Records"][0]["s3"]'
        '["object"]["key"]` (line 7), which is used without `unquote_plus`'
    )
    assert "key = unquote_plus(object_key(event))" in apply_edits(
        dedent(code), found.fix.edits if found.fix else ()
    )


def test_getter_through_another_getter(tmp_path: Path) -> None:
    code = """\
        def raw_key(record):
            return record["s3"]["object"]["key"]


        def first_key(event):
            return raw_key(event["Records"][0])


        def handler(event, context):
            return open(first_key(event))
        """
    assert positions(tmp_path, code) == [(10, 17)]


def test_each_key_is_reported_once(tmp_path: Path) -> None:
    code = """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            for record in event["Records"]:
                key = record["s3"]["object"]["key"]
                s3.head_object(Bucket="media", Key=key)
                s3.delete_object(Bucket="media", Key=key)
                other = record["s3"]["object"]["key"]
                s3.get_object(Bucket="media", Key=other)
        """
    assert positions(tmp_path, code) == [(8, 15), (11, 17)]


def test_rebinding_starts_over(tmp_path: Path) -> None:
    code = """\
        from urllib.parse import unquote_plus


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            key = unquote_plus(key)
            first = open(key)
            key = event["Records"][1]["s3"]["object"]["key"]
            return first, open(key)
        """
    assert positions(tmp_path, code) == [(8, 11)]


def test_parameter_named_like_a_key_variable_is_not_the_key(tmp_path: Path) -> None:
    code = """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]

            def fetch(key):
                return s3.get_object(Bucket="media", Key=key)

            print(key)
            return fetch("fixed/name.json")
        """
    assert positions(tmp_path, code) == []


# -- the fix -----------------------------------------------------------------------------------


def test_fix_adds_the_import_after_the_imports(tmp_path: Path) -> None:
    code = """\
        import json

        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = event["Records"][0]["s3"]["object"]["key"]
            return json.loads(s3.get_object(Bucket="media", Key=key)["Body"].read())
        """
    assert fixed(tmp_path, code) == dedent("""\
        import json

        import boto3
        from urllib.parse import unquote_plus

        s3 = boto3.client("s3")


        def handler(event, context):
            key = unquote_plus(event["Records"][0]["s3"]["object"]["key"])
            return json.loads(s3.get_object(Bucket="media", Key=key)["Body"].read())
        """)


HANDLER = "def handler(event, context):\n"
RAW_BODY = '    return open(event["Records"][0]["s3"]["object"]["key"])\n'


def decoded_body(call: str) -> str:
    return f'    return open({call}(event["Records"][0]["s3"]["object"]["key"]))\n'


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from urllib.parse import unquote_plus", "unquote_plus"),
        ("from urllib.parse import unquote_plus as decode", "decode"),
        ("import urllib.parse", "urllib.parse.unquote_plus"),
        ("import urllib.parse as up", "up.unquote_plus"),
        ("from urllib import parse", "parse.unquote_plus"),
    ],
)
def test_fix_uses_the_import_that_exists(tmp_path: Path, imports: str, call: str) -> None:
    code = imports + "\n\n\n" + HANDLER + RAW_BODY
    assert fixed(tmp_path, code) == imports + "\n\n\n" + HANDLER + decoded_body(call)


def test_fix_with_only_import_urllib_adds_the_from_import(tmp_path: Path) -> None:
    # `import urllib` alone does not guarantee that `urllib.parse` is loaded.
    code = "import urllib\n\n\n" + HANDLER + RAW_BODY
    assert fixed(tmp_path, code) == (
        "import urllib\nfrom urllib.parse import unquote_plus\n\n\n"
        + HANDLER
        + decoded_body("unquote_plus")
    )


def test_fix_in_a_module_without_imports(tmp_path: Path) -> None:
    code = '"""Reads uploads."""\n\n\n' + HANDLER + RAW_BODY
    assert fixed(tmp_path, code) == (
        '"""Reads uploads."""\n\nfrom urllib.parse import unquote_plus\n\n\n'
        + HANDLER
        + decoded_body("unquote_plus")
    )
    assert fixed(tmp_path, HANDLER + RAW_BODY) == (
        "from urllib.parse import unquote_plus\n\n" + HANDLER + decoded_body("unquote_plus")
    )


def test_fix_keeps_crlf_line_endings(tmp_path: Path) -> None:
    code = (
        "import boto3\r\n\r\ns3 = boto3.client('s3')\r\n\r\n\r\n"
        "def handler(event, context):\r\n"
        "    key = event['Records'][0]['s3']['object']['key']\r\n"
        "    return s3.head_object(Bucket='media', Key=key)\r\n"
    )
    (tmp_path / "handler.py").write_bytes(code.encode())
    result = lint(tmp_path, select=[CODE])
    (found,) = result.diagnostics
    assert (found.start.row, found.start.column) == (7, 11)
    assert found.fix is not None
    assert apply_edits(code, found.fix.edits) == (
        "import boto3\r\nfrom urllib.parse import unquote_plus\r\n\r\ns3 = boto3.client('s3')\r\n"
        "\r\n\r\ndef handler(event, context):\r\n"
        "    key = unquote_plus(event['Records'][0]['s3']['object']['key'])\r\n"
        "    return s3.head_object(Bucket='media', Key=key)\r\n"
    )


def test_fix_wraps_a_multiline_expression(tmp_path: Path) -> None:
    code = """\
        from urllib.parse import unquote_plus


        def handler(event, context):
            return open(
                event["Records"][0]
                ["s3"]["object"]["key"]
            )
        """
    assert fixed(tmp_path, code) == dedent("""\
        from urllib.parse import unquote_plus


        def handler(event, context):
            return open(
                unquote_plus(event["Records"][0]
                ["s3"]["object"]["key"])
            )
        """)


def test_fix_replaces_unquote(tmp_path: Path) -> None:
    attribute = UNQUOTE["module-attribute-later"][0]
    assert "key = urllib.parse.unquote_plus(key)" in fixed(tmp_path, attribute)
    name = UNQUOTE["from-import"][0]
    result = fixed(tmp_path, name)
    assert "import boto3\nfrom urllib.parse import unquote_plus\n" in result
    assert 'key = unquote_plus(event["Records"][0]["s3"]["object"]["key"])' in result
    # The `unquote` call is in a helper: the fix goes there.
    helper = fixed(tmp_path, UNQUOTE["in-a-helper"][0])
    assert helper.startswith(
        "from urllib.parse import unquote\nfrom urllib.parse import unquote_plus\n"
    )
    assert 'return open("/mnt/efs/" + unquote_plus(key))' in helper


def test_no_fix_when_the_name_is_taken(tmp_path: Path) -> None:
    code = """\
        from mylib import unquote_plus as _unused
        from mylib import helpers as unquote_plus


        def handler(event, context):
            return open(event["Records"][0]["s3"]["object"]["key"])
        """
    (found,) = run(tmp_path, code)
    assert found.fix is None


TWO_KEYS = dedent("""\
    \"\"\"Thumbnails.\"\"\"
    import boto3

    s3 = boto3.client("s3")


    def handler(event, context):
        for record in event["Records"]:
            key = record["s3"]["object"]["key"]
            s3.download_file(record["s3"]["bucket"]["name"], key, "/tmp/in")


    def cleanup(event, context):
        record = event["Records"][0]
        s3.delete_object(Bucket="media", Key=record["s3"]["object"]["key"])
    """)
TWO_KEYS_FIXED = dedent("""\
    \"\"\"Thumbnails.\"\"\"
    import boto3
    from urllib.parse import unquote_plus

    s3 = boto3.client("s3")


    def handler(event, context):
        for record in event["Records"]:
            key = unquote_plus(record["s3"]["object"]["key"])
            s3.download_file(record["s3"]["bucket"]["name"], key, "/tmp/in")


    def cleanup(event, context):
        record = event["Records"][0]
        s3.delete_object(Bucket="media", Key=unquote_plus(record["s3"]["object"]["key"]))
    """)


def test_cli_fixes_two_keys_with_one_import(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": TWO_KEYS})
    result = run_cli(
        "check", "--select", CODE, "--fix", "--unsafe-fixes", "handler.py", cwd=tmp_path
    )
    text = (tmp_path / "handler.py").read_text()
    assert text == TWO_KEYS_FIXED
    assert text.count("from urllib.parse import unquote_plus") == 1
    ast.parse(text)
    assert result.stdout == "Found 2 problems (2 fixed, 0 remaining).\n"
    assert result.returncode == 0


def test_cli_fix_keeps_crlf_with_two_keys(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_bytes(TWO_KEYS.replace("\n", "\r\n").encode())
    result = run_cli(
        "check", "--select", CODE, "--fix", "--unsafe-fixes", "handler.py", cwd=tmp_path
    )
    assert (tmp_path / "handler.py").read_bytes() == TWO_KEYS_FIXED.replace("\n", "\r\n").encode()
    assert result.returncode == 0


def test_cli_without_unsafe_fixes_leaves_the_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": TWO_KEYS})
    result = run_cli("check", "--select", CODE, "--fix", "handler.py", cwd=tmp_path)
    assert (tmp_path / "handler.py").read_text() == TWO_KEYS
    assert result.returncode == 1
