"""SL002 handler-signature: reported at the handler's definition, naming the config."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import positions
from conftest import codes_at, lint, write_tree

SERVERLESS = dedent("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
    functions:
      create:
        handler: handlers/api.create
      createAgain:
        handler: handlers/api.create
      read:
        handler: handlers/api.read
      job:
        handler: handlers/jobs.job
      runner:
        handler: handlers/jobs.runner
      callable:
        handler: handlers/jobs.callable_job
      alias:
        handler: handlers/jobs.alias
      tiny:
        handler: handlers/jobs.tiny
      wrapped:
        handler: handlers/jobs.wrapped
      nested:
        handler: handlers/jobs.nested
    """)

API = dedent("""\
    import json


    async def create(event, context):
        return {"statusCode": 201, "body": json.dumps(event)}


    def read(event):
        return {"statusCode": 200}
    """)

JOBS = dedent("""\
    import os


    class job:
        def __init__(self, event, context):
            self.event = event


    class Runner:
        def run(self, event, context):
            return None


    runner = Runner()


    class CallableJob:
        def __call__(self, event):
            return None


    callable_job = CallableJob()


    def _implementation(event, context, table):
        return None


    alias = _implementation
    tiny = lambda event: None  # noqa: E731


    def wrapped(event):
        return None


    wrapped = os.environ.get("WRAPPER") or wrapped

    if os.environ.get("STAGE"):
        def nested(event, context, *, dry_run):
            return None
    """)

FILES = {
    "serverless.yml": SERVERLESS,
    "handlers/api.py": API,
    "handlers/jobs.py": JOBS,
}


def test_positions_on_a_multi_function_project(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    assert positions(tmp_path, "SL002") == [
        ("handlers/api.py", "SL002", 4, 1),  # async def create (named twice: reported once)
        ("handlers/api.py", "SL002", 8, 1),  # def read(event)
        ("handlers/jobs.py", "SL002", 4, 1),  # class job
        ("handlers/jobs.py", "SL002", 14, 1),  # runner = Runner(): no __call__
        ("handlers/jobs.py", "SL002", 18, 5),  # CallableJob.__call__(self, event)
        ("handlers/jobs.py", "SL002", 25, 1),  # alias -> _implementation(event, context, table)
        ("handlers/jobs.py", "SL002", 30, 1),  # tiny = lambda event: None
        ("handlers/jobs.py", "SL002", 40, 5),  # nested(event, context, *, dry_run) under `if`
    ]


def test_messages_name_the_config(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    messages = {
        (d.path, d.start.row): d.message for d in lint(tmp_path, select=["SL002"]).diagnostics
    }
    assert messages[("handlers/api.py", 4)].startswith(
        "handler `create` (named by serverless.yml:7) is `async def`"
    )
    assert "asyncio.run" in messages[("handlers/api.py", 4)]
    assert messages[("handlers/api.py", 8)] == (
        "handler `read` (named by serverless.yml:11) takes only 1 positional parameter "
        "(event), but Lambda calls it with two (event, context): it fails with a TypeError; "
        "give it the signature `read(event, context)`"
    )
    assert "is a class" in messages[("handlers/jobs.py", 4)]
    assert "instance of `Runner`, which defines no `__call__`" in messages[("handlers/jobs.py", 14)]
    assert "instance of `CallableJob` whose `__call__`" in messages[("handlers/jobs.py", 18)]
    assert "is `_implementation`, which requires 3" in messages[("handlers/jobs.py", 25)]
    assert "is a lambda that takes only 1" in messages[("handlers/jobs.py", 30)]
    assert (
        "requires 1 keyword-only parameter that Lambda never passes"
        in messages[("handlers/jobs.py", 40)]
    )


def test_handler_checked_alone_finds_its_config(tmp_path: Path) -> None:
    # pre-commit passes the changed module only; the config above it is read for context.
    write_tree(tmp_path, FILES)
    assert positions(tmp_path, "SL002", "handlers/api.py") == [
        ("handlers/api.py", "SL002", 4, 1),
        ("handlers/api.py", "SL002", 8, 1),
    ]
    # The config alone (a commit that only changes the config): the config names those
    # handlers, so the cross findings it causes are shown in them, though not asked for.
    alone = positions(tmp_path, "SL002", "serverless.yml")
    assert ("handlers/api.py", "SL002", 4, 1) in alone
    assert ("handlers/api.py", "SL002", 8, 1) in alone
    assert {path for path, *_ in alone} <= {path for path, *_ in positions(tmp_path, "SL002")}


def test_sam_and_cloudformation_name_the_template_line(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Handler: app.handler
                Resources:
                  One:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: one/
                  Two:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.13
                      Handler: two.main
                      Code: two
                      Role: !GetAtt Role.Arn
                """),
            "one/app.py": "async def handler(event, context):\n    return {}\n",
            "two/two.py": "\n\ndef main():\n    return {}\n",
        },
    )
    found = lint(tmp_path, select=["SL002"]).diagnostics
    assert codes_at(found) == [("one/app.py", "SL002", 1, 1), ("two/two.py", "SL002", 3, 1)]
    assert "(named by template.yaml:6)" in found[0].message
    assert "(named by template.yaml:16) takes no positional parameter" in found[1].message


def test_crlf_module_and_python_suppression(tmp_path: Path) -> None:
    files = dict(FILES)
    files["handlers/api.py"] = API.replace(
        "def read(event):", "def read(event):  # slint: ignore[SL002]"
    ).replace("\n", "\r\n")
    write_tree(tmp_path, files)
    found = [f for f in positions(tmp_path, "SL002") if f[0] == "handlers/api.py"]
    assert found == [("handlers/api.py", "SL002", 4, 1)]


def test_decorators_and_adapters(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": dedent("""\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  metrics:
                    handler: app.metrics
                  powertools:
                    handler: app.powertools
                  unknown:
                    handler: app.unknown
                  adapter:
                    handler: app.adapter
                  typed:
                    handler: app.typed
                """),
            "app.py": dedent("""\
                from aws_embedded_metrics import metric_scope
                from aws_lambda_powertools import Logger, Metrics, Tracer
                from aws_lambda_powertools.utilities.idempotency import idempotent
                from mangum import Mangum
                from web import make_handler, site

                logger = Logger()
                metrics_ = Metrics()
                tracer = Tracer()


                @metric_scope
                def metrics(event, context, *, metrics):
                    return None


                @logger.inject_lambda_context(log_event=True)
                @metrics_.log_metrics(capture_cold_start_metric=True)
                @tracer.capture_lambda_handler
                @idempotent(persistence_store=None)
                def powertools(event):
                    return None


                @make_handler
                async def unknown(request):
                    return None


                adapter = Mangum(site)


                def typed(event: dict, context: object, /) -> dict:
                    return {}
                """),
        },
    )
    # Powertools decorators keep the signature, so `powertools(event)` is still wrong.
    assert positions(tmp_path, "SL002") == [("app.py", "SL002", 21, 1)]
