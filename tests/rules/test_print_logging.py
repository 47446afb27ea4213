"""SL501 print-logging: prints that carry data in per-invocation code, and the near-misses
that real projects have (fixed messages, JSON lines, debug switches, files, scripts)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, write_tree

from slint.diagnostics import Diagnostic, Severity

CODE = "SL501"


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=[CODE])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics), result.diagnostics
    return [d for d in result.diagnostics if d.code == CODE]


def where(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.path, d.start.row, d.start.column) for d in found]


REPORTED = {
    "f-string": (
        """\
        def handler(event, context):
            name = event["name"]
            print(f"hello {name}")
        """,
        [(3, 5)],
    ),
    "several-arguments": (
        """\
        def handler(event, context):
            print("Response is ", event["id"])
        """,
        [(2, 5)],
    ),
    "concatenation": (
        """\
        def lambda_handler(event, context):
            print("Prompt = " + event["prompt"])
        """,
        [(2, 5)],
    ),
    "percent-and-format": (
        """\
        def handler(event, context):
            print("size %d" % len(event))
            print("url {}".format(event["url"]))
        """,
        [(2, 5), (3, 5)],
    ),
    "a-variable": (
        """\
        def handler(event, context):
            try:
                return int(event["n"])
            except ValueError as err:
                print(err)
                raise
        """,
        [(5, 9)],
    ),
    # A JSON document printed over several lines becomes one log event per line.
    "pretty-json": (
        """\
        import json


        def handler(event, context):
            print(json.dumps(event["detail"], indent=2))
        """,
        [(5, 5)],
    ),
    "pprint": (
        """\
        from pprint import pprint


        def handler(event, context):
            pprint(event["detail"])
        """,
        [(5, 5)],
    ),
    "module-alias": (
        """\
        import pprint as pp


        def handler(event, context):
            pp.pprint(event["detail"], width=40)
        """,
        [(5, 5)],
    ),
    "stderr": (
        """\
        import sys


        def handler(event, context):
            print("failed:", event["id"], file=sys.stderr)
        """,
        [(5, 5)],
    ),
    # The condition is not a debug switch: it runs on every invocation with records.
    "ordinary-condition": (
        """\
        def handler(event, context):
            if event.get("Records"):
                print(f"{len(event['Records'])} records")
        """,
        [(3, 9)],
    ),
    "not-debug": (
        """\
        DEBUG = False


        def handler(event, context):
            if not DEBUG:
                print(event["id"])
        """,
        [(6, 9)],
    ),
    "method-of-class-the-handler-uses": (
        """\
        class Processor:
            def run(self, item):
                print("processing", item)


        def handler(event, context):
            Processor().run(event["item"])
        """,
        [(3, 9)],
    ),
}


@pytest.mark.parametrize("case", sorted(REPORTED))
def test_reported(tmp_path: Path, case: str) -> None:
    code, expected = REPORTED[case]
    found = run(tmp_path, {"handler.py": code})
    assert [(row, column) for _, row, column in where(found)] == expected
    assert all(d.severity is Severity.INFO for d in found)


SILENT = {
    "fixed-message": """\
        def handler(event, context):
            print("Loading function")
            print("-" * 40)
            print(f"static text")
            print()
        """,
    # One JSON document on one line is a structured line (and hand-written EMF).
    "json-line": """\
        import json


        def handler(event, context):
            print(json.dumps({"_aws": {"CloudWatchMetrics": []}, "Orders": 1}))
            print(json.dumps({"level": "INFO", "id": event["id"]}, indent=None))
        """,
    "module-level": """\
        import os

        print("cold start in", os.environ.get("AWS_REGION"))


        def handler(event, context):
            return {"ok": True}
        """,
    "main-block": """\
        def handler(event, context):
            return event["n"] * 2


        if __name__ == "__main__":
            print(handler({"n": 2}, None))
        """,
    "function-no-handler-calls": """\
        def handler(event, context):
            return event["n"]


        def show(result):
            print("result:", result)
        """,
    "no-handler-in-module": """\
        import sys


        def main(argv):
            print("usage:", argv[0])


        main(sys.argv)
        """,
    "file-target": """\
        def handler(event, context):
            with open("/tmp/out.txt", "w") as out:
                print(event["id"], file=out)
        """,
    "debug-switch": """\
        import os

        DEBUG = os.environ.get("DEBUG") == "1"


        class Resolver:
            def __init__(self):
                self._debug = DEBUG

            def resolve(self, event):
                if self._debug:
                    print(event["path"])
                if os.environ.get("LOG_LEVEL") == "DEBUG":
                    print("raw", event["body"])
                return {}


        app = Resolver()


        def handler(event, context):
            return app.resolve(event)
        """,
    "shadowed-print": """\
        from rich import print


        def handler(event, context):
            print(f"[bold]{event['id']}[/bold]")
        """,
    "own-print-function": """\
        def print(*args):
            pass


        def handler(event, context):
            print(event["id"])
        """,
    "under-once-guard": """\
        _client = None


        def handler(event, context):
            global _client
            if _client is None:
                _client = object()
                print("created", _client)
            return event
        """,
}


@pytest.mark.parametrize("case", sorted(SILENT))
def test_silent(tmp_path: Path, case: str) -> None:
    assert run(tmp_path, {"handler.py": SILENT[case]}) == []


def test_vendored_cfnresponse_is_left_alone(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "cfnresponse.py": """\
                def send(event, context, status, data):
                    print("Response body:", status, data)
                """,
            "app.py": """\
                import cfnresponse


                def handler(event, context):
                    print("request type", event["RequestType"])
                    cfnresponse.send(event, context, "SUCCESS", {})
                """,
        },
    )
    assert where(found) == [("app.py", 5, 5)]


def test_config_named_handler_and_its_helper_module(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "serverless.yml": """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: src/orders.create
                """,
            "src/orders.py": """\
                from helpers import audit


                def create(payload, ctx):
                    audit(payload["id"])
                    print("created", payload["id"])
                """,
            "src/helpers.py": """\
                def audit(order_id):
                    print(f"audit {order_id}")


                def unused(x):
                    print(f"never called {x}")
                """,
        },
    )
    assert sorted(where(found)) == [("src/helpers.py", 2, 5), ("src/orders.py", 6, 5)]


def test_off_by_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": 'def handler(event, context):\n    print(event["id"])\n'})
    result = lint(tmp_path)
    assert not [d for d in result.diagnostics if d.code == CODE]
