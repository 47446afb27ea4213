"""SL101 client-in-handler on real-shaped code: every import form, per-invocation reach
across functions and modules, the near-misses that must stay silent, and the hoist fix."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import libcst as cst
import pytest
from conftest import codes_at, lint, write_tree

from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import apply_edits
from slint.python.analyze import analyze_module
from slint.registry import Registry
from slint.settings import Settings


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL101"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return result.diagnostics


def found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int]]:
    return codes_at(run(tmp_path, files))


# -- constructors, through every import form --------------------------------------------

CONSTRUCTORS = {
    "import": (
        """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
            return s3.list_buckets()
        """,
        [(5, 10)],
    ),
    "import-as": (
        """\
        import boto3 as b


        def handler(event, context):
            return b.resource("dynamodb").Table("t").scan()
        """,
        [(5, 12)],
    ),
    "from-import": (
        """\
        from boto3 import client


        def handler(event, context):
            return client("sqs").list_queues()
        """,
        [(5, 12)],
    ),
    "from-import-as": (
        """\
        from boto3 import client as mk


        def handler(event, context):
            return mk("sqs").list_queues()
        """,
        [(5, 12)],
    ),
    # One finding for a session made only to make a client, on the client.
    "session-class": (
        """\
        from boto3.session import Session


        def handler(event, context):
            return Session().client("s3").list_buckets()
        """,
        [(5, 12)],
    ),
    # A session kept in a variable, then its client: two constructions, two findings.
    "session-variable": (
        """\
        import boto3


        def handler(event, context):
            session = boto3.Session(region_name="eu-west-1")
            return session.client("s3").list_buckets()
        """,
        [(5, 15), (6, 12)],
    ),
    "session-module": (
        """\
        import boto3


        def handler(event, context):
            session = boto3.session.Session()
            return session
        """,
        [(5, 15)],
    ),
    "import-submodule": (
        """\
        import boto3.session


        def handler(event, context):
            return boto3.session.Session().resource("s3")
        """,
        [(5, 12)],
    ),
    "module-level-session": (
        """\
        import boto3

        session = boto3.Session()


        def handler(event, context):
            return session.client("s3").list_buckets()
        """,
        [(7, 12)],
    ),
    "botocore": (
        """\
        import botocore.session


        def handler(event, context):
            return botocore.session.get_session().create_client("s3")
        """,
        [(5, 12)],
    ),
    "botocore-from": (
        """\
        from botocore.session import get_session


        def handler(event, context):
            session = get_session()
            return session.create_client("s3")
        """,
        [(5, 15), (6, 12)],
    ),
    "import-in-handler": (
        """\
        def handler(event, context):
            import boto3

            return boto3.client("s3").list_buckets()
        """,
        [(4, 12)],
    ),
    "from-import-in-handler": (
        """\
        def handler(event, context):
            from boto3 import resource as res

            return res("s3")
        """,
        [(4, 12)],
    ),
    "aioboto3": (
        """\
        import aioboto3


        async def handler(event, context):
            session = aioboto3.Session()
            async with session.client("s3") as s3:
                return await s3.list_buckets()
        """,
        [(5, 15), (6, 16)],
    ),
    "connections": (
        """\
        import httpx
        import psycopg
        import psycopg2
        import pymongo
        import pymysql
        import redis
        import requests
        import sqlalchemy
        import urllib3
        from elasticsearch import Elasticsearch
        from opensearchpy import OpenSearch


        def handler(event, context):
            a = requests.Session()
            b = httpx.Client(timeout=3)
            c = httpx.AsyncClient()
            d = urllib3.PoolManager()
            e = psycopg2.connect("dbname=shop")
            f = psycopg.connect("dbname=shop")
            g = pymysql.connect(host="db")
            h = redis.Redis(host="cache")
            i = redis.StrictRedis(host="cache")
            j = redis.from_url("redis://cache")
            k = pymongo.MongoClient("mongodb://db")
            m = sqlalchemy.create_engine("postgresql://db")
            n = OpenSearch(hosts=["search"])
            o = Elasticsearch("http://search:9200")
            return a, b, c, d, e, f, g, h, i, j, k, m, n, o
        """,
        [(row, 9) for row in range(15, 29)],
    ),
    "with-session": (
        """\
        import requests


        def handler(event, context):
            with requests.Session() as http:
                return http.get(event["url"], timeout=3).status_code
        """,
        [(5, 10)],
    ),
    "from-import-connections": (
        """\
        from pymongo import MongoClient
        from redis import StrictRedis
        from requests import Session
        from sqlalchemy import create_engine as engine


        def handler(event, context):
            return MongoClient(), StrictRedis(), Session(), engine("sqlite://")
        """,
        [(8, 12), (8, 27), (8, 42), (8, 53)],
    ),
}


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_constructor_is_reported(tmp_path: Path, name: str) -> None:
    code, where = CONSTRUCTORS[name]
    assert found(tmp_path, {"handler.py": code}) == [
        ("handler.py", "SL101", row, column) for row, column in where
    ]


def test_message_names_what_is_built(tmp_path: Path) -> None:
    (diagnostic,) = run(
        tmp_path,
        {
            "handler.py": """\
            import httpx


            def handler(event, context):
                return httpx.Client().get("https://example.com")
            """
        },
    )
    assert diagnostic.message == (
        "`httpx.Client(...)` creates a new httpx client on every invocation: create it "
        "once at module scope so warm invocations reuse it"
    )
    assert diagnostic.notes == ()
    assert (diagnostic.end.row, diagnostic.end.column) == (5, 26)


# -- per-invocation reach ---------------------------------------------------------------


def test_helper_in_same_module_one_and_two_levels_deep(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "handler.py": """\
            import boto3


            def _bucket():
                return boto3.resource("s3").Bucket("media")


            def _queue():
                return _sqs().get_queue_url(QueueName="jobs")


            def _sqs():
                return boto3.client("sqs")


            def handler(event, context):
                return _bucket(), _queue()
            """
        },
    )
    assert codes_at(diagnostics) == [
        ("handler.py", "SL101", 5, 12),
        ("handler.py", "SL101", 13, 12),
    ]
    assert diagnostics[0].notes == (
        "`_bucket` runs on every invocation of handler `handler` at handler.py:16",
    )
    assert diagnostics[1].notes == (
        "`_sqs` runs on every invocation of handler `handler` at handler.py:16",
    )


UTILS = """\
import boto3


def make_client():
    return boto3.client("s3")


def never_called():
    return boto3.client("sqs")
"""


@pytest.mark.parametrize(
    "handler",
    [
        "from utils import make_client\n\n\ndef handler(event, context):\n"
        "    return make_client()\n",
        "import utils\n\n\ndef handler(event, context):\n    return utils.make_client()\n",
        "def handler(event, context):\n    from utils import make_client as mk\n\n"
        "    return mk()\n",
    ],
    ids=["from-import", "import", "import-in-handler"],
)
def test_helper_in_another_module(tmp_path: Path, handler: str) -> None:
    (diagnostic,) = run(tmp_path, {"handler.py": handler, "utils.py": UTILS})
    assert codes_at([diagnostic]) == [("utils.py", "SL101", 5, 12)]
    line = handler.splitlines().index("def handler(event, context):") + 1
    assert diagnostic.notes == (
        f"`make_client` runs on every invocation of handler `handler` at handler.py:{line}",
    )


def test_relative_import_in_a_package(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "orders/__init__.py": "",
            "orders/handler.py": """\
            from . import db
            from .db import table


            def handler(event, context):
                return table().scan(), db.queue()
            """,
            "orders/db.py": """\
            import boto3


            def table():
                return boto3.resource("dynamodb").Table("orders")


            def queue():
                return boto3.client("sqs")
            """,
        },
    )
    assert codes_at(diagnostics) == [
        ("orders/db.py", "SL101", 5, 12),
        ("orders/db.py", "SL101", 9, 12),
    ]
    assert diagnostics[0].full_message.endswith(
        "(`table` runs on every invocation of handler `handler` at orders/handler.py:5)"
    )


@pytest.mark.parametrize("import_line", ["from db import table", "from orders.db import table"])
def test_nested_source_folders(tmp_path: Path, import_line: str) -> None:
    diagnostics = run(
        tmp_path,
        {
            "src/orders/handler.py": f"{import_line}\n\n\ndef handler(event, context):\n"
            "    return table().scan()\n",
            "src/orders/db.py": """\
            import boto3


            def table():
                return boto3.resource("dynamodb").Table("orders")
            """,
        },
    )
    assert codes_at(diagnostics) == [("src/orders/db.py", "SL101", 5, 12)]
    assert "handler `handler` at src/orders/handler.py:4" in diagnostics[0].full_message


def test_reexport_from_package_init(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        {
            "handler.py": "from shop import table\n\n\ndef handler(event, context):\n"
            "    return table()\n",
            "shop/__init__.py": "from .db import table\n",
            "shop/db.py": "import boto3\n\n\ndef table():\n"
            "    return boto3.resource('dynamodb').Table('t')\n",
        },
    ) == [("shop/db.py", "SL101", 5, 12)]


def test_class_constructor_and_methods(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "handler.py": """\
            from repo import Repository

            import redis


            class Cache:
                def __init__(self):
                    self.redis = redis.Redis(host="cache")


            def handler(event, context):
                repo = Repository("orders")
                return Cache().redis.get(event["id"]), repo.get(event["id"])
            """,
            "repo.py": """\
            import boto3


            class Repository:
                def __init__(self, name):
                    self.name = name

                def get(self, key):
                    table = boto3.resource("dynamodb").Table(self.name)
                    return table.get_item(Key={"id": key})

                def unused(self):
                    return boto3.client("s3")
            """,
        },
    )
    assert codes_at(diagnostics) == [
        ("handler.py", "SL101", 8, 22),
        ("repo.py", "SL101", 9, 17),
    ]
    assert "`Cache.__init__` runs on every invocation" in diagnostics[0].full_message
    assert "`Repository.get` runs on every invocation" in diagnostics[1].full_message


def test_powertools_routes(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "api.py": """\
            import boto3
            from aws_lambda_powertools import Logger, Tracer
            from aws_lambda_powertools.event_handler import APIGatewayRestResolver

            app = APIGatewayRestResolver()
            logger = Logger()
            tracer = Tracer()


            @app.get("/orders")
            def list_orders():
                return boto3.resource("dynamodb").Table("orders").scan()


            @app.post("/orders")
            @tracer.capture_method
            def create_order():
                sqs = boto3.client("sqs")
                return sqs.send_message(QueueUrl="q", MessageBody=app.current_event.body)


            @tracer.capture_method
            def not_a_route():
                return boto3.client("sns")


            @logger.inject_lambda_context
            def lambda_handler(event, context):
                logger.info(event)
                tracer.put_metadata(key="event", value=event)
                return app.resolve(event, context)
            """
        },
    )
    assert codes_at(diagnostics) == [("api.py", "SL101", 12, 12), ("api.py", "SL101", 18, 11)]
    assert "`list_orders` runs on every invocation of handler `lambda_handler` at api.py:28" in (
        diagnostics[0].full_message
    )


def test_batch_record_handler(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        {
            "worker.py": """\
            import boto3
            from aws_lambda_powertools.utilities.batch import (
                BatchProcessor,
                EventType,
                batch_processor,
                process_partial_response,
            )

            processor = BatchProcessor(event_type=EventType.SQS)


            def record_handler(record):
                boto3.client("s3").put_object(Bucket="b", Key=record.message_id, Body=b"")


            def legacy_record(record):
                boto3.client("sns").publish(TopicArn="t", Message=record.body)


            def lambda_handler(event, context):
                return process_partial_response(
                    event=event, record_handler=record_handler, processor=processor, context=context
                )


            @batch_processor(record_handler=legacy_record, processor=processor)
            def legacy_handler(event, context):
                return processor.response()
            """
        },
    ) == [("worker.py", "SL101", 13, 5), ("worker.py", "SL101", 17, 5)]


def test_crhelper_callbacks(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        {
            "resource.py": """\
            import boto3
            from crhelper import CfnResource

            helper = CfnResource()


            @helper.create
            @helper.update
            def create(event, context):
                boto3.client("s3").create_bucket(Bucket=event["ResourceProperties"]["Name"])


            @helper.delete
            def delete(event, context):
                boto3.client("s3").delete_bucket(Bucket=event["PhysicalResourceId"])


            def handler(event, context):
                helper(event, context)
            """
        },
    ) == [("resource.py", "SL101", 10, 5), ("resource.py", "SL101", 15, 5)]


@pytest.mark.parametrize(
    ("signature", "reported"),
    [
        ("def handler(event, context):", True),
        ("def lambda_handler(event, context):", True),
        ("def main(event, context):", True),
        ("def orders_handler(event, context):", True),
        ("def handler(evt, ctx):", True),
        ("def handler(message, context):", True),
        ("def handler(event, _context=None):", True),
        ("async def handler(event, context):", True),
        ("def main(argv):", False),
        ("def main(args, config):", False),
        ("def handler(x):", False),
        ("def handler(event, context, extra):", False),
        ("def handler(signum, frame):", False),
        ("def process(event, context):", False),
    ],
)
def test_convention_handlers(tmp_path: Path, signature: str, reported: bool) -> None:
    code = f"import boto3\n\n\n{signature}\n    return boto3.client('s3')\n"
    expected = [("handler.py", "SL101", 5, 12)] if reported else []
    assert found(tmp_path, {"handler.py": code}) == expected


def test_methods_and_nested_functions(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        {
            "handler.py": """\
            import boto3


            class Service:
                def handler(self, event, context):
                    return boto3.client("s3")


            def handler(event, context):
                def make():
                    return boto3.client("sqs")

                def unused():
                    return boto3.client("sns")

                return make()
            """
        },
    ) == [("handler.py", "SL101", 11, 16)]


# -- near-misses ------------------------------------------------------------------------

NEAR_MISSES = {
    "module-scope": """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            return s3.list_buckets()
        """,
    "global-is-none": """\
        import boto3

        _s3 = None


        def handler(event, context):
            global _s3
            if _s3 is None:
                _s3 = boto3.client("s3")
            return _s3.list_buckets()
        """,
    "if-not": """\
        import boto3

        _s3 = None


        def handler(event, context):
            global _s3
            if not _s3:
                _s3 = boto3.client("s3")
            return _s3
        """,
    "else-branch": """\
        import boto3

        _s3 = None


        def get_s3():
            global _s3
            if _s3 is not None:
                pass
            else:
                _s3 = boto3.client("s3")
            return _s3


        def handler(event, context):
            return get_s3()
        """,
    "early-return": """\
        import boto3

        _client = None


        def get_client():
            global _client
            if _client is not None:
                return _client
            _client = boto3.client("sqs")
            return _client


        def handler(event, context):
            return get_client().list_queues()
        """,
    "dict-cache": """\
        import boto3

        _clients = {}


        def client_for(name):
            if name not in _clients:
                _clients[name] = boto3.client(name)
            return _clients[name]


        def handler(event, context):
            return client_for("s3")
        """,
    "dict-get-cache": """\
        import boto3

        _clients = {}


        def handler(event, context):
            if _clients.get("s3") is None:
                _clients["s3"] = boto3.client("s3")
            return _clients["s3"]
        """,
    "key-error-cache": """\
        import boto3

        _clients = {}


        def client(name):
            try:
                return _clients[name]
            except KeyError:
                _clients[name] = made = boto3.client(name)
                return made


        def handler(event, context):
            return client("s3")
        """,
    "attribute-state": """\
        import boto3


        class _State:
            client = None


        STATE = _State()


        def handler(event, context):
            if STATE.client is None:
                STATE.client = boto3.client("s3")
            return STATE.client
        """,
    "cold-start-flag": """\
        import boto3

        is_cold_start = True
        clients = {}


        def handler(event, context):
            global is_cold_start
            if is_cold_start:
                clients["s3"] = boto3.client("s3")
                is_cold_start = False
            return clients["s3"]
        """,
    "caches": """\
        import functools
        from functools import cache, lru_cache

        import boto3
        import cachetools
        from cachetools import TTLCache, cached


        @functools.cache
        def a():
            return boto3.client("s3")


        @functools.lru_cache
        def b():
            return boto3.client("s3")


        @functools.lru_cache(maxsize=None)
        def c():
            return boto3.client("s3")


        @cache
        def d():
            return boto3.client("s3")


        @lru_cache()
        def e():
            return boto3.client("s3")


        @cachetools.cached(cache={})
        def f():
            return boto3.client("s3")


        @cached(TTLCache(maxsize=1, ttl=600))
        def g():
            return boto3.client("s3")


        def handler(event, context):
            return a(), b(), c(), d(), e(), f(), g()
        """,
    "cached-factory-helper": """\
        import functools

        import boto3


        def _build(name):
            return boto3.client(name)


        @functools.lru_cache(maxsize=None)
        def client(name):
            return _build(name)


        def handler(event, context):
            return client("s3")
        """,
    "main-block": """\
        import boto3


        def handler(event, context):
            return {"ok": True}


        def _local_client():
            return boto3.client("lambda", endpoint_url="http://localhost:3001")


        if __name__ == "__main__":
            client = boto3.client("lambda")
            print(handler({}, None), _local_client())
        """,
    "default-argument": """\
        import boto3


        def put(item, table=boto3.resource("dynamodb").Table("t")):
            return table.put_item(Item=item)


        def handler(event, context, s3=boto3.client("s3")):
            return put(event), s3
        """,
    "parameter-named-client": """\
        import boto3


        def call(client, name):
            return client(name)


        def handler(event, context):
            return call(boto3.session.Session, "s3")
        """,
    "parameter-shadows-import": """\
        from boto3 import client


        def call(client):
            return client("s3")


        def handler(event, context):
            return call(print)
        """,
    "local-function-named-client": """\
        def client(name):
            return {"name": name}


        def handler(event, context):
            return client("s3")
        """,
    "nested-function-shadows-import": """\
        from boto3 import client


        def handler(event, context):
            def client(name):
                return name

            return client("s3")
        """,
    "module-function-shadows-import": """\
        from boto3 import client


        def handler(event, context):
            return client("s3")


        def client(name):
            return name
        """,
    "not-called": """\
        import boto3


        def report_client():
            return boto3.client("s3")


        def handler(event, context):
            return {"ok": True}
        """,
    "class-body": """\
        import boto3


        class Clients:
            s3 = boto3.client("s3")


        def handler(event, context):
            return Clients.s3.list_buckets()
        """,
    "module-level-call": """\
        import boto3


        def _init():
            return boto3.client("s3")


        S3 = _init()


        def handler(event, context):
            return S3
        """,
    "no-handler": """\
        import boto3


        def run(event, config):
            return boto3.client("s3")
        """,
    "other-library": """\
        import my_sdk


        def handler(event, context):
            return my_sdk.client("s3"), my_sdk.Session()
        """,
}


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_near_miss_is_silent(tmp_path: Path, name: str) -> None:
    assert found(tmp_path, {"handler.py": NEAR_MISSES[name]}) == []


@pytest.mark.parametrize(
    ("code", "where"),
    [
        # A module-level flag is no once-guard unless the branch sets it.
        (
            """\
            import boto3

            USE_LOCAL = False


            def handler(event, context):
                if USE_LOCAL:
                    s3 = boto3.client("s3", endpoint_url="http://localhost:4566")
                else:
                    s3 = boto3.client("s3")
                return s3
            """,
            [(8, 14), (10, 14)],
        ),
        (
            """\
            import boto3

            DEBUG = False


            def handler(event, context):
                if DEBUG:
                    return None
                return boto3.client("s3")
            """,
            [(9, 12)],
        ),
        (
            """\
            import boto3

            ALLOWED = {"s3", "sqs"}


            def handler(event, context):
                if event["service"] not in ALLOWED:
                    return boto3.client(event["service"])
            """,
            [(8, 16)],
        ),
        # A local variable checked against None is made again on every invocation.
        (
            """\
            import boto3


            def handler(event, context):
                client = None
                if client is None:
                    client = boto3.client("s3")
                return client
            """,
            [(7, 18)],
        ),
        (
            """\
            import boto3

            DEFAULTS = {}


            def handler(event, context):
                try:
                    return DEFAULTS[event["service"]]
                except KeyError:
                    return boto3.client(event["service"])
            """,
            [(10, 16)],
        ),
    ],
    ids=[
        "flag-else",
        "early-return-on-flag",
        "membership-no-store",
        "local-none-check",
        "key-error-no-store",
    ],
)
def test_guard_look_alikes_are_reported(
    tmp_path: Path, code: str, where: list[tuple[int, int]]
) -> None:
    assert found(tmp_path, {"handler.py": code}) == [
        ("handler.py", "SL101", row, column) for row, column in where
    ]


def test_suppression_comment(tmp_path: Path) -> None:
    assert (
        found(
            tmp_path,
            {
                "handler.py": """\
                import boto3


                def handler(event, context):
                    return boto3.client("s3")  # slint: ignore[SL101]
                """
            },
        )
        == []
    )


# -- the hoist fix ----------------------------------------------------------------------

RULE = Registry.load().get("SL101")


def hoist(source: str) -> list[Diagnostic]:
    """SL101's diagnostics on `source` (as `handler.py`), reachable or not."""
    assert RULE is not None
    result = analyze_module("handler.py", source.encode(), Settings(), [RULE])
    assert result.failure is None
    return [p.diagnostic for p in result.pending]


def fixed(source: str) -> str:
    """The source after the unsafe fix of its only finding, checked to parse."""
    (diagnostic,) = hoist(source)
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    result = apply_edits(source, diagnostic.fix.edits)
    cst.parse_module(result)
    return result


def test_fix_literal_arguments() -> None:
    source = dedent(
        """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3", region_name="eu-west-1", config=None)
            return s3.list_buckets()
        """
    )
    (diagnostic,) = hoist(source)
    assert diagnostic.fix is not None
    assert diagnostic.fix.message == (
        'Move `s3 = boto3.client("s3", region_name="eu-west-1", config=None)` to module scope'
    )
    assert fixed(source) == dedent(
        """\
        import boto3

        s3 = boto3.client("s3", region_name="eu-west-1", config=None)


        def handler(event, context):
            return s3.list_buckets()
        """
    )


def test_fix_environment_arguments() -> None:
    source = dedent(
        """\
        import os

        import boto3


        def handler(event, context):
            table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
            return table.get_item(Key={"id": event["id"]})
        """
    )
    assert fixed(source) == dedent(
        """\
        import os

        import boto3

        table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


        def handler(event, context):
            return table.get_item(Key={"id": event["id"]})
        """
    )
    source = source.replace(
        'table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])',
        'sqs = boto3.client("sqs", endpoint_url=os.getenv("SQS_ENDPOINT"))',
    ).replace('table.get_item(Key={"id": event["id"]})', "sqs.list_queues()")
    assert fixed(source) == dedent(
        """\
        import os

        import boto3

        sqs = boto3.client("sqs", endpoint_url=os.getenv("SQS_ENDPOINT"))


        def handler(event, context):
            return sqs.list_queues()
        """
    )


def test_fix_goes_after_module_constants_and_setup() -> None:
    source = dedent(
        """\
        import logging

        import psycopg2

        logger = logging.getLogger()

        DSN = "dbname=shop"
        TIMEOUT = 5


        def _row(cursor):
            return cursor.fetchone()


        def handler(event, context):
            conn = psycopg2.connect(DSN, connect_timeout=TIMEOUT)
            with conn.cursor() as cursor:
                cursor.execute("select 1")
                return _row(cursor)
        """
    )
    assert fixed(source) == dedent(
        """\
        import logging

        import psycopg2

        logger = logging.getLogger()

        DSN = "dbname=shop"
        TIMEOUT = 5
        conn = psycopg2.connect(DSN, connect_timeout=TIMEOUT)


        def _row(cursor):
            return cursor.fetchone()


        def handler(event, context):
            with conn.cursor() as cursor:
                cursor.execute("select 1")
                return _row(cursor)
        """
    )


def test_fix_after_a_function_the_arguments_need() -> None:
    source = dedent(
        """\
        import boto3


        def retry_config():
            return None


        def handler(event, context):
            s3 = boto3.client("s3", config=retry_config)
            return s3
        """
    )
    assert fixed(source) == dedent(
        """\
        import boto3


        def retry_config():
            return None


        s3 = boto3.client("s3", config=retry_config)


        def handler(event, context):
            return s3
        """
    )


def test_fix_session_then_client_from_a_module_level_session() -> None:
    source = dedent(
        """\
        import boto3

        session = boto3.Session(region_name="eu-west-1")


        def handler(event, context):
            s3 = session.client("s3")
            return s3.list_buckets()
        """
    )
    assert fixed(source) == dedent(
        """\
        import boto3

        session = boto3.Session(region_name="eu-west-1")
        s3 = session.client("s3")


        def handler(event, context):
            return s3.list_buckets()
        """
    )


def test_fix_keeps_comments() -> None:
    (diagnostic,) = hoist(
        dedent(
            """\
            import boto3


            def handler(event, context):
                s3 = boto3.client(
                    "s3",
                )
                return s3
            """
        )
    )
    assert diagnostic.fix is not None
    assert diagnostic.fix.message == "Move `s3 = boto3.client( ...` to module scope"
    source = dedent(
        """\
        import boto3


        def handler(event, context):
            # Reports go to the media bucket.
            s3 = boto3.client(
                "s3",  # the service
                region_name="eu-west-1",
            )  # one client per environment
            return s3.list_buckets()
        """
    )
    assert fixed(source) == dedent(
        """\
        import boto3

        # Reports go to the media bucket.
        s3 = boto3.client(
            "s3",  # the service
            region_name="eu-west-1",
        )  # one client per environment


        def handler(event, context):
            return s3.list_buckets()
        """
    )


def test_fix_crlf() -> None:
    source = (
        "import boto3\r\n\r\n\r\ndef handler(event, context):\r\n"
        '    s3 = boto3.client("s3")  # media\r\n    return s3\r\n'
    )
    assert fixed(source) == (
        'import boto3\r\n\r\ns3 = boto3.client("s3")  # media\r\n\r\n\r\n'
        "def handler(event, context):\r\n    return s3\r\n"
    )


def test_fix_docstring_and_future_imports() -> None:
    source = dedent(
        '''\
        """Orders API."""

        from __future__ import annotations

        import json

        import boto3


        def handler(event: dict, context: object) -> str:
            """Return the buckets."""
            s3 = boto3.client("s3")
            return json.dumps(s3.list_buckets())
        '''
    )
    assert fixed(source) == dedent(
        '''\
        """Orders API."""

        from __future__ import annotations

        import json

        import boto3

        s3 = boto3.client("s3")


        def handler(event: dict, context: object) -> str:
            """Return the buckets."""
            return json.dumps(s3.list_buckets())
        '''
    )


def test_fix_imports_in_try() -> None:
    source = dedent(
        """\
        try:
            import boto3
        except ImportError:  # pragma: no cover
            boto3 = None


        def handler(event, context):
            s3 = boto3.client("s3")
            return s3
        """
    )
    assert fixed(source) == dedent(
        """\
        try:
            import boto3
        except ImportError:  # pragma: no cover
            boto3 = None

        s3 = boto3.client("s3")


        def handler(event, context):
            return s3
        """
    )


def test_fix_from_a_method_and_at_end_of_file_without_newline() -> None:
    source = (
        "import boto3\n\n\nclass Repo:\n    def __init__(self):\n        self.name = 'orders'\n"
        "        dynamodb = boto3.resource('dynamodb')"
    )
    assert fixed(source) == (
        "import boto3\n\ndynamodb = boto3.resource('dynamodb')\n\n\nclass Repo:\n"
        "    def __init__(self):\n        self.name = 'orders'\n"
    )


DISPLAY_ONLY = {
    "uses-the-event": """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3", region_name=event["region"])
            return s3.list_buckets()
        """,
    "uses-a-local": """\
        import boto3


        def handler(event, context):
            region = "eu-west-1"
            s3 = boto3.client("s3", region_name=region)
            return s3.list_buckets()
        """,
    "name-defined-at-module-level": """\
        import boto3

        s3 = None


        def handler(event, context):
            s3 = boto3.client("s3")
            return s3.list_buckets()
        """,
    "name-in-another-function": """\
        import boto3


        def other():
            s3 = boto3.client("s3", region_name="us-east-1")
            return s3


        def handler(event, context):
            s3 = boto3.client("s3")
            return s3.list_buckets(), other()
        """,
    "walrus-elsewhere": """\
        import boto3


        def other(x):
            if (s3 := x) is not None:
                return s3


        def handler(event, context):
            s3 = boto3.client("s3")
            return s3.list_buckets(), other(1)
        """,
    "bound-in-an-elif-elsewhere": """\
        import boto3


        def other(x):
            if x:
                pass
            elif x is None:
                for s3 in x:
                    pass


        def handler(event, context):
            s3 = boto3.client("s3")
            return s3.list_buckets(), other(1)
        """,
    "only-statement": """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
        """,
    "constant-defined-after": """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3", region_name=REGION)
            return s3


        REGION = "eu-west-1"
        """,
    "import-in-function": """\
        def handler(event, context):
            import boto3

            s3 = boto3.client("s3")
            return s3
        """,
    "nested-function": """\
        import boto3


        def handler(event, context):
            def inner():
                s3 = boto3.client("s3")
                return s3

            return inner()
        """,
    "in-a-loop": """\
        import boto3


        def handler(event, context):
            for name in ("s3", "sqs"):
                client = boto3.client(name)
            return client
        """,
    "not-an-assignment": """\
        import boto3


        def handler(event, context):
            print("start")
            return boto3.client("s3").list_buckets()
        """,
    "shadows-a-builtin": """\
        import boto3


        def handler(event, context):
            id = boto3.client("sts").get_caller_identity()["Account"]
            return id
        """,
    "async-client": """\
        import httpx


        async def handler(event, context):
            client = httpx.AsyncClient()
            return await client.get("https://example.com")
        """,
    "multi-line-string": """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3", region_name='''eu-
            west-1''')
            return s3
        """,
    "unknown-call-in-arguments": """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3", config=make_config())
            return s3
        """,
}


@pytest.mark.parametrize("name", DISPLAY_ONLY)
def test_fix_is_display_only(name: str) -> None:
    diagnostics = hoist(dedent(DISPLAY_ONLY[name]))
    assert diagnostics
    for diagnostic in diagnostics:
        assert diagnostic.fix is not None
        assert diagnostic.fix.applicability is Applicability.DISPLAY_ONLY
        assert diagnostic.fix.edits == ()


def test_fix_assigned_twice_is_display_only() -> None:
    diagnostics = hoist(
        dedent(
            """\
            import boto3


            def handler(event, context):
                s3 = boto3.client("s3")
                if event.get("us"):
                    s3 = boto3.client("s3", region_name="us-east-1")
                return s3
            """
        )
    )
    assert [(d.start.row, d.start.column) for d in diagnostics] == [(5, 10), (7, 14)]
    assert all(d.fix is not None and not d.fix.edits for d in diagnostics)


def test_two_fixes_in_one_function_apply_together() -> None:
    source = dedent(
        """\
        import os

        import boto3


        def handler(event, context):
            table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
            queue = boto3.client("sqs")
            return table.scan(), queue
        """
    )
    edits = [edit for d in hoist(source) if d.fix is not None for edit in d.fix.edits]
    result = apply_edits(source, edits)
    cst.parse_module(result)
    assert result == dedent(
        """\
        import os

        import boto3

        table = boto3.resource("dynamodb").Table(os.environ["TABLE"])

        queue = boto3.client("sqs")


        def handler(event, context):
            return table.scan(), queue
        """
    )


def test_config_named_handlers_replace_the_convention(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "serverless.yml": """\
            service: shop
            provider:
              name: aws
              runtime: python3.12
            functions:
              create:
                handler: src/api.create
            """,
            "src/api.py": """\
            import boto3


            def create(event, context):
                return boto3.client("s3")


            def handler(event, context):
                return boto3.client("sqs")
            """,
        },
    )
    assert codes_at(diagnostics) == [("src/api.py", "SL101", 5, 12)]


def test_powertools_routers_in_other_modules(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "service/app.py": """\
            from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

            from service.routes import orders

            app = APIGatewayHttpResolver()
            app.include_router(orders.router, prefix="/orders")
            """,
            "service/routes/orders.py": """\
            import boto3
            from aws_lambda_powertools.event_handler.api_gateway import Router

            router = Router()


            @router.get("/<order_id>")
            def get_order(order_id):
                table = boto3.resource("dynamodb").Table("orders")
                return table.get_item(Key={"id": order_id})["Item"]
            """,
            "service/handler.py": """\
            from service.app import app


            def lambda_handler(event, context):
                return app.resolve(event, context)
            """,
        },
    )
    assert codes_at(diagnostics) == [("service/routes/orders.py", "SL101", 9, 13)]
    assert diagnostics[0].notes == (
        "`get_order` runs on every invocation of handler `lambda_handler` at service/handler.py:4",
    )


def test_fix_tidies_blank_lines_left_behind() -> None:
    source = dedent(
        """\
        import boto3


        def handler(event, context):
            key = event["key"]

            s3 = boto3.client("s3")

            return s3.get_object(Bucket="b", Key=key)
        """
    )
    assert fixed(source) == dedent(
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            key = event["key"]

            return s3.get_object(Bucket="b", Key=key)
        """
    )
    source = dedent(
        """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")

            return s3.list_buckets()
        """
    )
    assert fixed(source) == dedent(
        """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            return s3.list_buckets()
        """
    )


def test_session_resource_is_named_a_resource(tmp_path: Path) -> None:
    # python-test-samples/kinesis-lambda-dynamodb: the message called a Session's
    # `.resource(...)` a client.
    diagnostics = run(
        tmp_path,
        {
            "app.py": """\
            import boto3


            def lambda_handler(event, context):
                dynamodb = boto3.Session(region_name="us-east-1").resource("dynamodb")
                sqs = boto3.session.Session().client("sqs")
                return dynamodb, sqs
            """
        },
    )
    assert [(d.start.row, d.message.split(" on every")[0]) for d in diagnostics] == [
        (5, '`boto3.Session(region_name="us-east-1").resource(...)` creates a new boto3 resource'),
        (6, "`boto3.session.Session().client(...)` creates a new boto3 client"),
    ]


def test_guard_on_an_imported_module_level_cache(tmp_path: Path) -> None:
    # Powertools `parameters.get_secret`: `if "secrets" not in DEFAULT_PROVIDERS:` where
    # DEFAULT_PROVIDERS is imported from a constants module; the provider (and the boto3
    # session it builds) is made once per environment. Environment checks stay findings.
    assert found(
        tmp_path,
        {
            "constants.py": """\
            DEFAULT_PROVIDERS = {}
            """,
            "clients.py": """\
            client = None
            """,
            "app.py": """\
            import os

            import boto3

            import clients
            from constants import DEFAULT_PROVIDERS


            def lambda_handler(event, context):
                if "secrets" not in DEFAULT_PROVIDERS:
                    DEFAULT_PROVIDERS["secrets"] = boto3.session.Session().client("secretsmanager")
                if clients.client is None:
                    clients.client = boto3.client("s3")
                if os.environ.get("STAGE") is None:
                    ddb = boto3.client("dynamodb")
                if "AWS_REGION" in os.environ:
                    sqs = boto3.client("sqs")
                return DEFAULT_PROVIDERS["secrets"], clients.client, ddb, sqs
            """,
        },
    ) == [("app.py", "SL101", 15, 15), ("app.py", "SL101", 17, 15)]


def test_environment_writes_are_no_once_guard(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        {
            "app.py": """\
            import os
            from os import environ

            import boto3


            def lambda_handler(event, context):
                if os.environ.get("LOCAL"):
                    os.environ["AWS_ENDPOINT_URL"] = "http://localhost:4566"
                    s3 = boto3.client("s3")
                if "STAGE" not in environ:
                    environ["STAGE"] = "dev"
                    sqs = boto3.client("sqs")
                return s3, sqs
            """,
        },
    ) == [("app.py", "SL101", 10, 14), ("app.py", "SL101", 13, 15)]


# -- a move the function's own code would undo -------------------------------------------
# Hoisted, a client the handler closes (or hands to a `with`, deletes, replaces) would
# reach the second warm invocation closed: the finding stays, the fix says why.

KEPT_PER_INVOCATION = {
    "finally-close": (
        """\
        import os

        import psycopg2


        def handler(event, context):
            conn = psycopg2.connect(os.environ["DSN"])
            try:
                return conn.cursor().fetchone()
            finally:
                conn.close()
        """,
        (7, 12),
        "`handler` closes `conn` (`conn.close()`, line 11), so warm invocations would get "
        "a closed PostgreSQL connection from module scope: keep one there and drop the close",
    ),
    "close-at-the-end": (
        """\
        import pymysql


        def handler(event, context):
            conn = pymysql.connect(host="db")
            rows = conn.cursor().fetchall()
            conn.close()
            return rows
        """,
        (5, 12),
        "`handler` closes `conn` (`conn.close()`, line 7), so warm invocations would get "
        "a closed MySQL connection from module scope: keep one there and drop the close",
    ),
    "close-under-a-condition": (
        """\
        import redis


        def handler(event, context):
            cache = redis.Redis(host="cache")
            value = cache.get(event["key"])
            if event.get("last"):
                cache.close()
            return value
        """,
        (5, 13),
        "`handler` closes `cache` (`cache.close()`, line 8), so warm invocations would get "
        "a closed Redis client from module scope: keep one there and drop the close",
    ),
    "disconnect": (
        """\
        import redis


        def handler(event, context):
            cache = redis.Redis(host="cache")
            cache.connection_pool.disconnect()
            cache.disconnect()
            return 1
        """,
        (5, 13),
        "`handler` closes `cache` (`cache.disconnect()`, line 7), so warm invocations would "
        "get a closed Redis client from module scope: keep one there and drop the close",
    ),
    "dispose": (
        """\
        import sqlalchemy


        def handler(event, context):
            engine = sqlalchemy.create_engine("postgresql://db/app")
            with engine.begin() as connection:
                connection.execute("select 1")
            engine.dispose()
        """,
        (5, 14),
        "`handler` closes `engine` (`engine.dispose()`, line 8), so warm invocations would "
        "get a closed SQLAlchemy engine from module scope: keep one there and drop the close",
    ),
    "shutdown-quit-terminate": (
        """\
        import urllib3


        def handler(event, context):
            http = urllib3.PoolManager()
            http.request("GET", "https://example.com")
            http.terminate()
            http.shutdown()
        """,
        (5, 12),
        "`handler` closes `http` (`http.terminate()`, line 7), so warm invocations would "
        "get a closed urllib3 connection pool from module scope: keep one there and drop "
        "the close",
    ),
    "close-in-a-nested-cleanup": (
        """\
        import pymongo


        def handler(event, context):
            client = pymongo.MongoClient("mongodb://db")

            def cleanup():
                client.close()

            try:
                return client.app.items.find_one()
            finally:
                cleanup()
        """,
        (5, 14),
        "`handler` closes `client` (`client.close()`, line 8), so warm invocations would "
        "get a closed MongoDB client from module scope: keep one there and drop the close",
    ),
    "with-the-name": (
        """\
        import requests


        def handler(event, context):
            session = requests.Session()
            session.headers["x-api-key"] = "k"
            with session:
                return session.get("https://example.com", timeout=3).json()
        """,
        (5, 15),
        "`handler` closes `session` (`with session`, line 7), so warm invocations would get "
        "a closed requests session from module scope: keep one there and use it without "
        "`with`",
    ),
    "with-a-psycopg3-connection": (
        """\
        import psycopg


        def handler(event, context):
            conn = psycopg.connect("dbname=app")
            with conn, conn.cursor() as cur:
                return cur.execute("select 1").fetchone()
        """,
        (5, 12),
        "`handler` closes `conn` (`with conn`, line 6), so warm invocations would get "
        "a closed PostgreSQL connection from module scope: keep one there and use it "
        "without `with`",
    ),
    "with-closing": (
        """\
        from contextlib import closing

        import psycopg2


        def handler(event, context):
            conn = psycopg2.connect("dbname=app")
            with closing(conn):
                return conn.cursor().fetchone()
        """,
        (7, 12),
        "`handler` closes `conn` (`with closing(conn)`, line 8), so warm invocations would "
        "get a closed PostgreSQL connection from module scope: keep one there and use it "
        "without `with`",
    ),
    "exit-stack": (
        """\
        import contextlib

        import httpx


        def handler(event, context):
            with contextlib.ExitStack() as stack:
                client = httpx.Client()
                stack.enter_context(client)
                return client.get("https://example.com").status_code
        """,
        (8, 18),
        "`handler` closes `client` (`stack.enter_context(client)`, line 9), so warm "
        "invocations would get a closed httpx client from module scope: keep one there "
        "and keep it out of the exit stack",
    ),
    "del": (
        """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
            size = s3.head_object(Bucket="b", Key="k")["ContentLength"]
            del s3
            return size
        """,
        (5, 10),
        "`handler` deletes `s3` (`del s3`, line 7): keep one boto3 client at module scope "
        "and do not delete it",
    ),
    "del-in-a-tuple": (
        """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
            size = s3.head_object(Bucket="b", Key="k")["ContentLength"]
            del size, s3
            return 1
        """,
        (5, 10),
        "`handler` deletes `s3` (`del size, s3`, line 7): keep one boto3 client at module "
        "scope and do not delete it",
    ),
    "assigned-again": (
        """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
            s3.list_buckets()
            s3 = None
            return s3
        """,
        (5, 10),
        "`handler` assigns `s3` again (line 7): keep one boto3 client at module scope and "
        "reuse it instead of replacing it",
    ),
    "assigned-again-by-a-for": (
        """\
        import boto3


        def handler(event, context):
            sqs = boto3.client("sqs")
            for sqs in event["clients"]:
                pass
            return sqs
        """,
        (5, 11),
        "`handler` assigns `sqs` again (line 6): keep one boto3 client at module scope and "
        "reuse it instead of replacing it",
    ),
    "annotated": (
        """\
        import psycopg


        def handler(event, context):
            conn: psycopg.Connection = psycopg.connect("dbname=app")
            conn.execute("select 1")
            conn.close()
        """,
        (5, 32),
        "`handler` closes `conn` (`conn.close()`, line 7), so warm invocations would get "
        "a closed PostgreSQL connection from module scope: keep one there and drop the close",
    ),
    "close-on-an-attribute": (
        """\
        import psycopg2


        class Repository:
            def __init__(self):
                self.conn = psycopg2.connect("dbname=app")
                self.conn.autocommit = True

            def save(self, item):
                with self.conn.cursor() as cur:
                    cur.execute("insert", item)
                self.conn.close()


        def handler(event, context):
            return Repository().save(event)
        """,
        (6, 21),
        "Create it once at module scope (or lazily behind `if client is None`) and reuse it",
    ),
    "attribute-closed-in-the-same-method": (
        """\
        import psycopg2


        class Repository:
            def save(self, item):
                self.conn = psycopg2.connect("dbname=app")
                self.conn.cursor().execute("insert", item)
                self.conn.close()


        def handler(event, context):
            return Repository().save(event)
        """,
        (6, 21),
        "`save` closes `self.conn` (`self.conn.close()`, line 8), so warm invocations would "
        "get a closed PostgreSQL connection from module scope: keep one there and drop the "
        "close",
    ),
    "closed-inside-try": (
        """\
        import psycopg2


        def handler(event, context):
            conn = None
            try:
                conn = psycopg2.connect("dbname=app")
                return conn.cursor().fetchone()
            finally:
                if conn is not None:
                    conn.close()
        """,
        (7, 16),
        "`handler` closes `conn` (`conn.close()`, line 11), so warm invocations would get a "
        "closed PostgreSQL connection from module scope: keep one there and drop the close",
    ),
    "with-the-constructor": (
        """\
        import requests


        def handler(event, context):
            with requests.Session() as session:
                return session.get("https://example.com", timeout=3).json()
        """,
        (5, 10),
        "The `with` block closes the requests session when it ends: create one at module "
        "scope and use it without `with`",
    ),
    "with-closing-the-constructor": (
        """\
        import contextlib

        import psycopg2


        def handler(event, context):
            with contextlib.closing(psycopg2.connect("dbname=app")) as conn:
                return conn.cursor().fetchone()
        """,
        (7, 29),
        "The `with` block closes the PostgreSQL connection when it ends: create one at "
        "module scope and use it without `with`",
    ),
    # A psycopg2 connection's own `with` is a transaction, but it is still a new
    # connection on every invocation, never closed: the plain suggestion.
    "with-a-psycopg2-constructor": (
        """\
        import psycopg2


        def handler(event, context):
            with psycopg2.connect("dbname=app") as conn:
                return conn.cursor().fetchone()
        """,
        (5, 10),
        "Create it once at module scope (or lazily behind `if client is None`) and reuse it",
    ),
}


@pytest.mark.parametrize("name", KEPT_PER_INVOCATION)
def test_fix_is_display_only_when_the_function_ends_the_client(name: str) -> None:
    source, position, message = KEPT_PER_INVOCATION[name]
    (diagnostic,) = hoist(dedent(source))
    assert (diagnostic.start.row, diagnostic.start.column) == position
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.DISPLAY_ONLY
    assert diagnostic.fix.edits == ()
    assert diagnostic.fix.message == message


# Code that looks like ending the client but does not: the move is still offered.
STILL_MOVED = {
    # psycopg2: `with conn:` commits or rolls back and leaves the connection open.
    "psycopg2-transaction": """\
        import psycopg2


        def handler(event, context):
            conn = psycopg2.connect("dbname=app")
            with conn:
                with conn.cursor() as cur:
                    cur.execute("select 1")
        """,
    # A cursor, a response, a file: other objects' close.
    "closes-what-it-made": """\
        import requests


        def handler(event, context):
            session = requests.Session()
            response = session.get("https://example.com", stream=True, timeout=3)
            try:
                return response.raw.read()
            finally:
                response.close()
                session.close
        """,
    "closes-a-cursor": """\
        import pymysql


        def handler(event, context):
            conn = pymysql.connect(host="db")
            cursor = conn.cursor()
            cursor.close()
            conn.commit()
        """,
    # boto3 clients are no context managers: a `with` over one is not a close.
    "boto3-in-a-with": """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
            with s3:
                return 1
        """,
    # The same name closed in another function is another variable.
    "closed-in-another-function": """\
        import psycopg2


        def teardown(conn):
            conn.close()


        def handler(event, context):
            db = psycopg2.connect("dbname=app")
            return db.cursor().fetchone()
        """,
    # A parameter named like the client, deleted elsewhere.
    "other-name-deleted": """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
            payload = event["payload"]
            del payload
            with open("/tmp/x") as handle:
                handle.close()
            return s3
        """,
}


@pytest.mark.parametrize("name", STILL_MOVED)
def test_fix_is_unsafe_when_nothing_ends_the_client(name: str) -> None:
    (diagnostic,) = hoist(dedent(STILL_MOVED[name]))
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    assert diagnostic.fix.message.startswith("Move `")
    assert diagnostic.fix.edits


def test_a_closed_client_is_still_reported_through_the_engine(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "app.py": """\
            import os

            import psycopg2


            def lambda_handler(event, context):
                conn = psycopg2.connect(os.environ["DSN"])
                try:
                    return conn.cursor().fetchone()
                finally:
                    conn.close()


            def unreached():
                conn = psycopg2.connect(os.environ["DSN"])
                conn.close()
            """,
        },
    )
    assert codes_at(diagnostics) == [("app.py", "SL101", 7, 12)]
    (diagnostic,) = diagnostics
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.DISPLAY_ONLY
    assert diagnostic.fix.message.startswith("`lambda_handler` closes `conn` (`conn.close()`, ")
