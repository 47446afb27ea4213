"""Which functions run per invocation: call edges within and across modules, dispatch,
callbacks, caches, cycles; and how imported dotted names resolve to project functions."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import codes_at, lint, write_tree

from slint.python.analyze import analyze_module
from slint.python.facts import FunctionFacts, ModuleFacts
from slint.reachability import ImportRoots, Reach, per_invocation, resolve_import
from slint.settings import Settings

ROOT = Path("/project")


def facts_of(files: dict[str, str]) -> dict[Path, ModuleFacts]:
    modules: dict[Path, ModuleFacts] = {}
    for name, text in files.items():
        result = analyze_module(name, dedent(text).encode(), Settings(), [])
        assert result.facts is not None, result.failure
        modules[ROOT / name] = result.facts
    return modules


def reach(files: dict[str, str]) -> dict[tuple[str, str], tuple[str, int]]:
    """(module, function) -> (handler, depth) for everything the convention handlers reach."""
    modules = facts_of(files)
    handlers = {path: facts.convention_handlers for path, facts in modules.items()}
    return {
        (str(path.relative_to(ROOT)), key): (found.handler[1], found.depth)
        for (path, key), found in per_invocation(modules, handlers).items()
    }


def function(key: str, *calls: str, cached: bool = False) -> FunctionFacts:
    return FunctionFacts(
        key=key,
        name=key.rpartition(".")[2],
        line=1,
        is_async=False,
        positional=("event", "context"),
        required_positional=2,
        has_varargs=False,
        required_keyword_only=0,
        decorators=(),
        calls=calls,
        cached=cached,
    )


def test_depth_and_first_handler() -> None:
    assert reach(
        {
            "handler.py": """\
            def a():
                b()


            def b():
                c()


            def c():
                pass


            def unused():
                a()


            def handler(event, context):
                a()


            def other_handler(event, context):
                c()
            """
        }
    ) == {
        ("handler.py", "handler"): ("handler", 0),
        ("handler.py", "other_handler"): ("other_handler", 0),
        ("handler.py", "a"): ("handler", 1),
        ("handler.py", "c"): ("other_handler", 1),
        ("handler.py", "b"): ("handler", 2),
    }


def test_recursion_and_cycles_terminate() -> None:
    assert reach(
        {
            "handler.py": """\
            from other import pong


            def ping(n):
                return pong(n - 1) if n else ping(0)


            def handler(event, context):
                return ping(3)
            """,
            "other.py": """\
            from handler import ping


            def pong(n):
                return ping(n)
            """,
        }
    ) == {
        ("handler.py", "handler"): ("handler", 0),
        ("handler.py", "ping"): ("handler", 1),
        ("other.py", "pong"): ("handler", 2),
    }


def test_cached_functions_are_not_entered() -> None:
    assert reach(
        {
            "handler.py": """\
            import functools


            def build():
                pass


            @functools.cache
            def factory():
                return build()


            def handler(event, context):
                return factory()
            """
        }
    ) == {("handler.py", "handler"): ("handler", 0)}


def test_dispatch_and_callbacks() -> None:
    assert reach(
        {
            "handler.py": """\
            from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
            from crhelper import CfnResource

            app = APIGatewayHttpResolver()
            helper = CfnResource()
            other = APIGatewayHttpResolver()


            @app.get("/")
            def index():
                pass


            @helper.create
            def create(event, context):
                pass


            @other.get("/")
            def not_dispatched():
                pass


            def record(r):
                pass


            def api_handler(event, context):
                return app.resolve(event, context)


            def cfn_handler(event, context):
                helper(event, context)


            def batch_handler(event, context):
                return list(map(record, event["Records"]))
            """
        }
    ) == {
        ("handler.py", "api_handler"): ("api_handler", 0),
        ("handler.py", "cfn_handler"): ("cfn_handler", 0),
        ("handler.py", "batch_handler"): ("batch_handler", 0),
        ("handler.py", "index"): ("api_handler", 1),
        ("handler.py", "create"): ("cfn_handler", 1),
        ("handler.py", "record"): ("batch_handler", 1),
    }


def test_across_modules_and_packages() -> None:
    assert reach(
        {
            "src/api/handler.py": """\
            import helpers
            from ..shared.db import table
            from .service import Service
            from shop import make


            def handler(event, context):
                helpers.log()
                Service().run()
                make()
                return table()
            """,
            "src/api/helpers.py": "def log():\n    pass\n",
            "src/api/service.py": """\
            class Service:
                def __init__(self):
                    pass

                def run(self):
                    self.step()

                def step(self):
                    pass
            """,
            "src/shared/db.py": "def table():\n    pass\n",
            "src/shop/__init__.py": "from .factory import make\n",
            "src/shop/factory.py": "def make():\n    pass\n",
        }
    ) == {
        ("src/api/handler.py", "handler"): ("handler", 0),
        ("src/api/helpers.py", "log"): ("handler", 1),
        ("src/api/service.py", "Service.__init__"): ("handler", 1),
        ("src/api/service.py", "Service.run"): ("handler", 1),
        ("src/shop/factory.py", "make"): ("handler", 1),
        ("src/shared/db.py", "table"): ("handler", 1),
        ("src/api/service.py", "Service.step"): ("handler", 2),
    }


def test_resolve_import() -> None:
    modules = {
        ROOT / "app" / "handler.py": ModuleFacts("app/handler.py"),
        ROOT / "app" / "db.py": ModuleFacts(
            "app/db.py",
            functions={"table": function("table"), "Repo.__init__": function("Repo.__init__")},
        ),
        ROOT / "app" / "pkg" / "__init__.py": ModuleFacts(
            "app/pkg/__init__.py", imports={"table": "..db.table", "loop": "app.pkg.loop"}
        ),
        ROOT / "lib.py": ModuleFacts("lib.py", functions={"tool": function("tool")}),
    }
    origin = ROOT / "app" / "handler.py"
    assert resolve_import(modules, origin, "db.table") == (ROOT / "app" / "db.py", "table")
    assert resolve_import(modules, origin, ".db.table") == (ROOT / "app" / "db.py", "table")
    assert resolve_import(modules, origin, "db.Repo") == (ROOT / "app" / "db.py", "Repo.__init__")
    assert resolve_import(modules, origin, "lib.tool") == (ROOT / "lib.py", "tool")
    assert resolve_import(modules, origin, "..lib.tool") == (ROOT / "lib.py", "tool")
    assert resolve_import(modules, origin, "pkg.table") == (ROOT / "app" / "db.py", "table")
    # Unknown names, modules outside the project and re-export loops resolve to nothing.
    assert resolve_import(modules, origin, "db.missing") is None
    assert resolve_import(modules, origin, "boto3.client") is None
    assert resolve_import(modules, origin, "db") is None
    assert resolve_import(modules, origin, "pkg.loop") is None


def test_handler_key_missing_or_module_missing() -> None:
    path = ROOT / "handler.py"
    modules = {path: ModuleFacts("handler.py", functions={"handler": function("handler")})}
    found = per_invocation(modules, {path: ("handler", "gone"), ROOT / "nope.py": ("handler",)})
    assert found == {(path, "handler"): Reach((path, "handler"), 0)}


def test_local_call_to_unknown_key_is_ignored() -> None:
    path = ROOT / "handler.py"
    modules = {
        path: ModuleFacts(
            "handler.py",
            functions={
                "handler": function("handler", "local:ghost", "ext:nowhere.fn", "local:cached"),
                "cached": function("cached", cached=True),
            },
        )
    }
    assert per_invocation(modules, {path: ("handler",)}) == {
        (path, "handler"): Reach((path, "handler"), 0)
    }


def test_dispatch_through_routers_and_imported_apps() -> None:
    assert reach(
        {
            "api/app.py": """\
            from aws_lambda_powertools.event_handler import APIGatewayRestResolver

            from . import orders
            from .users import router as users_router

            app = APIGatewayRestResolver()
            app.include_router(orders.router, prefix="/orders")
            app.include_router(users_router, prefix="/users")


            @app.get("/health")
            def health():
                pass
            """,
            "api/orders.py": """\
            from aws_lambda_powertools.event_handler.api_gateway import Router

            router = Router()
            other = Router()


            @router.get("/")
            def list_orders():
                pass


            @other.get("/")
            def not_included():
                pass
            """,
            "api/users.py": """\
            from aws_lambda_powertools.event_handler.api_gateway import Router

            router = Router()


            @router.post("/")
            def create_user():
                pass
            """,
            "api/handler.py": """\
            from api.app import app


            def lambda_handler(event, context):
                return app.resolve(event, context)
            """,
        }
    ) == {
        ("api/handler.py", "lambda_handler"): ("lambda_handler", 0),
        ("api/app.py", "health"): ("lambda_handler", 1),
        ("api/orders.py", "list_orders"): ("lambda_handler", 1),
        ("api/users.py", "create_user"): ("lambda_handler", 1),
    }


def test_resolve_object() -> None:
    from slint.reachability import resolve_object

    modules = {
        ROOT / "api.py": ModuleFacts("api.py"),
        ROOT / "pkg" / "__init__.py": ModuleFacts(
            "pkg/__init__.py", imports={"app": "api.app", "made": "api.App()"}
        ),
    }
    origin = ROOT / "handler.py"
    assert resolve_object(modules, origin, "api.app") == (ROOT / "api.py", "app")
    assert resolve_object(modules, origin, "pkg.app") == (ROOT / "api.py", "app")
    assert resolve_object(modules, origin, "pkg.made") == (ROOT / "pkg" / "__init__.py", "made")
    assert resolve_object(modules, origin, "api") is None
    assert resolve_object(modules, origin, "boto3.client") is None


def test_imports_resolve_in_the_deployed_code_folder_and_layers() -> None:
    # serverless-test-samples apigw-lambda-layer: `from layer import ...` in the function
    # resolves to the layer's `python/layer.py` (on sys.path as /opt/python), when the
    # config gives the function that layer.
    modules = facts_of(
        {
            "src/app/app.py": """\
            from layer import list_buckets
            from shared import helper


            def lambda_handler(event, context):
                helper()
                return list_buckets()
            """,
            "src/code_layer/python/layer.py": "def list_buckets():\n    return []\n",
            # Two layers with the same module: the later one's files replace the other's.
            "src/layer_a/python/shared.py": "def helper():\n    pass\n",
            "src/layer_b/python/shared.py": "def helper():\n    pass\n",
            # Outside the function's code folder: not deployed with it.
            "src/layer.py": "def list_buckets():\n    return None\n",
        }
    )
    handler = (ROOT / "src/app/app.py", "lambda_handler")
    deployed = ImportRoots(
        code=(ROOT / "src/app",),
        layers=(
            ROOT / "src/code_layer/python",
            ROOT / "src/layer_a/python",
            ROOT / "src/layer_b/python",
        ),
    )
    handlers = {handler[0]: (handler[1],)}

    def reached(roots: ImportRoots | None) -> set[str]:
        deployments = {handler: (roots,)} if roots is not None else None
        found = per_invocation(modules, handlers, deployments)
        return {f"{path.relative_to(ROOT)}:{key}" for path, key in found}

    assert reached(deployed) == {
        "src/app/app.py:lambda_handler",
        "src/code_layer/python/layer.py:list_buckets",
        "src/layer_b/python/shared.py:helper",
    }
    # No layers: nothing of theirs; the code folder alone has neither module.
    assert reached(ImportRoots(code=(ROOT / "src/app",))) == {"src/app/app.py:lambda_handler"}
    # No config at all: the folders above the module (`src/layer.py`), no layer.
    assert reached(None) == {"src/app/app.py:lambda_handler", "src/layer.py:list_buckets"}


def test_a_module_next_to_the_importer_wins_over_a_layer() -> None:
    modules = facts_of(
        {
            "fn/app.py": """\
            from layer import list_buckets


            def lambda_handler(event, context):
                return list_buckets()
            """,
            "fn/layer.py": "def list_buckets():\n    return None\n",
            "lib/python/layer.py": "def list_buckets():\n    return []\n",
        }
    )
    handler = (ROOT / "fn/app.py", "lambda_handler")
    roots = ImportRoots(code=(ROOT / "fn",), layers=(ROOT / "lib/python",))
    found = per_invocation(modules, {handler[0]: (handler[1],)}, {handler: (roots,)})
    assert set(found) == {handler, (ROOT / "fn/layer.py", "list_buckets")}


# -- SL101 as the observable: what the reach adds, with near-misses ----------------------


def sl101(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int]]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL101"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return codes_at(result.diagnostics)


PROCESSOR = """\
import boto3
from aws_lambda_powertools.utilities.batch import BasePartialProcessor


class TableProcessor(BasePartialProcessor):
    def __init__(self, table_name):
        self.table_name = table_name
        super().__init__()

    def _prepare(self):
        self.table = boto3.resource("dynamodb").Table(self.table_name)

    def _clean(self):
        boto3.client("sns").publish(TopicArn="t", Message="done")

    def _process_record(self, record):
        return self.success_handler(record, self.handler(record))

    async def _async_process_record(self, record):
        raise NotImplementedError

    def success_handler(self, record, result):
        boto3.client("sqs").send_message(QueueUrl="q", MessageBody="ok")
        return ("success", result, record)

    def failure_handler(self, record, exception):
        boto3.client("sqs").send_message(QueueUrl="dlq", MessageBody="failed")
        return ("fail", str(exception), record)

    def report(self):
        return boto3.client("s3")
"""

PROCESSOR_FINDINGS = [
    ("processing.py", "SL101", 11, 22),
    ("processing.py", "SL101", 14, 9),
    ("processing.py", "SL101", 23, 9),
    ("processing.py", "SL101", 27, 9),
]


@pytest.mark.parametrize(
    "handler",
    [
        """\
        from aws_lambda_powertools.utilities.batch import process_partial_response

        from processing import TableProcessor

        processor = TableProcessor("results")


        def record_handler(record):
            return record


        def lambda_handler(event, context):
            return process_partial_response(
                event=event, record_handler=record_handler, processor=processor, context=context
            )
        """,
        """\
        from processing import TableProcessor

        processor = TableProcessor("results")


        def record_handler(record):
            return record


        def lambda_handler(event, context):
            with processor(event["Records"], record_handler):
                processor.process()
            return processor.response()
        """,
        """\
        from aws_lambda_powertools.utilities.batch import batch_processor

        from processing import TableProcessor

        processor = TableProcessor("results")


        def record_handler(record):
            return record


        @batch_processor(record_handler=record_handler, processor=processor)
        def lambda_handler(event, context):
            return processor.response()
        """,
        # The processor made in another module and imported.
        """\
        from aws_lambda_powertools.utilities.batch import process_partial_response

        from setup import processor


        def record_handler(record):
            return record


        def lambda_handler(event, context):
            return process_partial_response(event, record_handler, processor, context)
        """,
    ],
    ids=["process_partial_response", "context-manager", "decorator", "imported-processor"],
)
def test_batch_processor_hooks(tmp_path: Path, handler: str) -> None:
    files = {
        "handler.py": handler,
        "processing.py": PROCESSOR,
        "setup.py": "from processing import TableProcessor\n\nprocessor = TableProcessor('r')\n",
    }
    assert sl101(tmp_path, files) == PROCESSOR_FINDINGS


def test_batch_processor_subclass_overriding_a_handler(tmp_path: Path) -> None:
    # Powertools' extending_processor_handlers example, with a client per failure.
    assert sl101(
        tmp_path,
        {
            "handler.py": """\
            import boto3
            from aws_lambda_powertools.utilities.batch import (
                BatchProcessor,
                EventType,
                process_partial_response,
            )


            class AlertingProcessor(BatchProcessor):
                def failure_handler(self, record, exception):
                    boto3.client("sns").publish(TopicArn="alerts", Message=record.body)
                    return super().failure_handler(record, exception)


            class TracedProcessor(AlertingProcessor):
                def success_handler(self, record, result):
                    boto3.client("xray")
                    return super().success_handler(record, result)


            processor = TracedProcessor(event_type=EventType.SQS)


            def record_handler(record):
                return record.body


            def lambda_handler(event, context):
                return process_partial_response(
                    event=event, record_handler=record_handler, processor=processor, context=context
                )
            """
        },
    ) == [("handler.py", "SL101", 11, 9), ("handler.py", "SL101", 17, 9)]


def test_batch_processor_near_misses(tmp_path: Path) -> None:
    assert (
        sl101(
            tmp_path,
            {
                "handler.py": """\
                import logging

                import boto3
                from aws_lambda_powertools.utilities.batch import (
                    BatchProcessor,
                    EventType,
                    process_partial_response,
                )


                class Recorder:
                    # Hook names, but no Powertools processor.
                    def _prepare(self):
                        boto3.client("s3")

                    def failure_handler(self, record, exception):
                        boto3.client("sns")


                class Unused(BatchProcessor):
                    def failure_handler(self, record, exception):
                        boto3.client("sns")


                recorder = Recorder()
                unused = Unused(event_type=EventType.SQS)
                processor = BatchProcessor(event_type=EventType.SQS)


                def record_handler(record):
                    return record


                def lambda_handler(event, context):
                    # Only logged, never handed to a batch utility.
                    logging.info("%s %s", unused, recorder)
                    return process_partial_response(
                        event=event,
                        record_handler=record_handler,
                        processor=processor,
                        context=context,
                    )
                """
            },
        )
        == []
    )


MODELS = """\
import boto3
from pynamodb.models import Model


class Asset:
    def __init__(self, key):
        self.key = key

    @classmethod
    def get(cls, key):
        return cls(key)

    @staticmethod
    def blank():
        return Asset("")

    def upload_url(self):
        return boto3.client("s3").generate_presigned_url("put_object")

    def unused(self):
        return boto3.client("sqs")


class Special(Asset):
    def upload_url(self):
        return boto3.client("kms").generate_data_key(KeyId="k")


class Repo:
    def put(self, item):
        boto3.resource("dynamodb").Table("items").put_item(Item=item)


class Cache:
    def put(self, item):
        return item


class Stored(Model):
    def download_url(self):
        return boto3.client("s3").generate_presigned_url("get_object")


def make_repo():
    return Repo()


def make_cache():
    cache = Cache()
    return cache


def make_via_factory():
    return make_repo()
"""


def test_methods_of_what_factories_and_classmethods_return(tmp_path: Path) -> None:
    assert sl101(
        tmp_path,
        {
            "models.py": MODELS,
            "handler.py": """\
            from models import Asset, Stored, make_repo


            def handler(event, context):
                asset = Asset.get(event["key"])
                repo = make_repo()
                repo.put(event)
                stored = Stored.get(event["key"])
                stored.download_url()
                return asset.upload_url()
            """,
        },
    ) == [
        ("models.py", "SL101", 18, 16),
        ("models.py", "SL101", 31, 9),
        ("models.py", "SL101", 41, 16),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # An inherited classmethod returning `cls(...)` makes the subclass.
        ("Special.get('k').upload_url()", [("models.py", "SL101", 26, 16)]),
        ("Asset.blank().upload_url()", [("models.py", "SL101", 18, 16)]),
        ("make_via_factory().put(event)", [("models.py", "SL101", 31, 9)]),
        # A factory of another class: that class's method, not Repo.put.
        ("make_cache().put(event)", []),
        # Rebound to something else before the call.
        ("repo = make_repo()\n    repo = event['repo']\n    repo.put(event)", []),
        # A method the object does not have is nothing of the project's.
        ("Asset.get('k').save()", []),
    ],
    ids=[
        "inherited-classmethod",
        "staticmethod",
        "factory-of-factory",
        "other-class",
        "rebound",
        "missing",
    ],
)
def test_factory_reach_near_misses(
    tmp_path: Path, body: str, expected: list[tuple[str, str, int, int]]
) -> None:
    handler = (
        "from models import Asset, Special, make_cache, make_repo, make_via_factory\n\n\n"
        f"def handler(event, context):\n    {body}\n"
    )
    assert sl101(tmp_path, {"models.py": MODELS, "handler.py": handler}) == expected


def test_classmethod_of_a_class_in_the_same_module(tmp_path: Path) -> None:
    assert sl101(
        tmp_path,
        {
            "handler.py": """\
            import boto3


            class Order:
                @classmethod
                def load(cls, key):
                    table = boto3.resource("dynamodb").Table("orders")
                    return cls(table.get_item(Key={"id": key})["Item"])

                def __init__(self, item):
                    self.item = item

                def publish(self):
                    boto3.client("sns").publish(TopicArn="t", Message=str(self.item))


            def handler(event, context):
                Order.load(event["id"]).publish()
            """
        },
    ) == [("handler.py", "SL101", 7, 17), ("handler.py", "SL101", 14, 9)]


def test_routes_of_an_app_imported_from_another_module(tmp_path: Path) -> None:
    assert sl101(
        tmp_path,
        {
            "service/__init__.py": "",
            "service/api.py": """\
            import boto3
            from aws_lambda_powertools.event_handler import APIGatewayRestResolver

            app = APIGatewayRestResolver()


            @app.get("/health")
            def health():
                return boto3.client("sts").get_caller_identity()
            """,
            "service/handler.py": """\
            from .api import app


            def lambda_handler(event, context):
                return app.resolve(event, context)
            """,
        },
    ) == [("service/api.py", "SL101", 9, 12)]


def test_routes_and_routers_registered_where_the_app_is_imported(tmp_path: Path) -> None:
    assert sl101(
        tmp_path,
        {
            "api.py": """\
            from aws_lambda_powertools.event_handler import APIGatewayRestResolver

            app = APIGatewayRestResolver()
            other = APIGatewayRestResolver()
            """,
            "routes/__init__.py": "",
            "routes/orders.py": """\
            import boto3
            from aws_lambda_powertools.event_handler.api_gateway import Router

            router = Router()


            @router.get("/orders")
            def list_orders():
                return boto3.resource("dynamodb").Table("orders").scan()
            """,
            "routes/users.py": """\
            import boto3

            from api import app, other


            @app.get("/users")
            def list_users():
                return boto3.client("cognito-idp").list_users(UserPoolId="p")


            @other.get("/admins")
            def list_admins():
                return boto3.client("iam").list_users()
            """,
            "routes/audit.py": """\
            import boto3
            from aws_lambda_powertools.event_handler.api_gateway import Router

            router = Router()


            @router.get("/audit")
            def audit():
                return boto3.client("cloudtrail").lookup_events()
            """,
            "wiring.py": """\
            from api import app, other
            from routes import audit, orders

            app.include_router(orders.router, prefix="/orders")
            other.include_router(audit.router)
            """,
            "handler.py": """\
            import routes.users  # noqa: F401  (registers its routes)
            import wiring  # noqa: F401
            from api import app


            def lambda_handler(event, context):
                return app.resolve(event, context)
            """,
        },
    ) == [("routes/orders.py", "SL101", 9, 12), ("routes/users.py", "SL101", 8, 12)]


HELPERS = """\
import boto3


def helper():
    return boto3.client("s3")


def _private():
    return boto3.client("sqs")


def unused():
    return boto3.client("sns")
"""


@pytest.mark.parametrize(
    "files",
    [
        {
            "handler.py": "from helpers import *\n\n\n"
            "def handler(event, context):\n    return helper()\n",
            "helpers.py": HELPERS,
        },
        {
            "app/__init__.py": "",
            "app/handler.py": "from .helpers import *\n\n\n"
            "def handler(event, context):\n    return helper()\n",
            "app/helpers.py": HELPERS,
        },
        # A package that re-exports a module's names with a wildcard.
        {
            "handler.py": "from shared import helper\n\n\n"
            "def handler(event, context):\n    return helper()\n",
            "shared/__init__.py": "from .helpers import *\n",
            "shared/helpers.py": HELPERS,
        },
    ],
    ids=["absolute", "relative", "reexported"],
)
def test_wildcard_imports(tmp_path: Path, files: dict[str, str]) -> None:
    helpers = next(name for name in files if name.endswith("helpers.py"))
    assert sl101(tmp_path, files) == [(helpers, "SL101", 5, 12)]


def test_wildcard_import_near_misses(tmp_path: Path) -> None:
    assert (
        sl101(
            tmp_path,
            {
                "handler.py": """\
                from helpers import *


                def helper():
                    return None


                def handler(event, context):
                    print(event)
                    helper()  # this module's own helper
                    _private()  # not bound by a wildcard import
                    return len(event)
                """,
                "helpers.py": HELPERS,
            },
        )
        == []
    )


@pytest.mark.parametrize(
    "alias",
    [
        "mk = utils.make_client",
        "mk = make_client",
        "mk = functools.partial(utils.make_client)",
        "mk = local_make",
        "alias = utils.make_client\nmk = alias",
    ],
)
def test_module_level_aliases_of_functions(tmp_path: Path, alias: str) -> None:
    handler = (
        "import functools\n\nimport utils\nfrom utils import make_client\n\n\n"
        "def local_make():\n    return make_client()\n\n\n"
        f"{alias}\n\n\ndef handler(event, context):\n    return mk()\n"
    )
    assert sl101(tmp_path, {"handler.py": handler, "utils.py": UTILS}) == [
        ("utils.py", "SL101", 5, 12)
    ]


UTILS = """\
import boto3


def make_client():
    return boto3.client("s3")
"""


@pytest.mark.parametrize(
    "handler",
    [
        # A client made once at module level, not a function.
        "import utils\n\nmk = utils.make_client()\n\n\n"
        "def handler(event, context):\n    return mk.list_buckets()\n",
        # Rebound in the handler: the module-level alias is not what runs.
        "import utils\n\nmk = utils.make_client\n\n\n"
        "def handler(event, context):\n    mk = print\n    return mk()\n",
        # The alias is rebound at module level to something else.
        "import utils\n\nmk = utils.make_client\nmk = print\n\n\n"
        "def handler(event, context):\n    return mk()\n",
    ],
    ids=["client", "rebound-in-handler", "rebound-at-module-level"],
)
def test_module_level_alias_near_misses(tmp_path: Path, handler: str) -> None:
    assert sl101(tmp_path, {"handler.py": handler, "utils.py": UTILS}) == []


def test_reach_facts_of_a_module() -> None:
    modules = facts_of(
        {
            "handler.py": """\
            import functools

            import utils
            from api import app as api_app
            from base import Base
            from helpers import *
            from .more import *

            mk = utils.make_client
            partial_mk = functools.partial(utils.make_client, "s3")
            api_app.include_router(utils.router)


            class Repo(Base):
                @classmethod
                def load(cls):
                    return cls()

                def chain(self):
                    return self

                class Inner(Repo):
                    pass


            def make_repo():
                repo = Repo()
                return repo


            @api_app.get("/")
            def route():
                return utils.Thing()


            def handler(event, context):
                mk()
                partial_mk()
                helper()
                print(event)
                make_repo().chain().put()
                Repo.load()
            """
        }
    )
    facts = modules[ROOT / "handler.py"]
    assert facts.star_imports == ("helpers", ".more")
    assert facts.class_bases == {"Repo": ("ext:base.Base",), "Repo.Inner": ("local:Repo",)}
    assert facts.routers == (("ext:api.app", "ext:utils.router"),)
    functions = facts.functions
    assert functions["Repo.load"].returns == ("cls",)
    assert functions["Repo.chain"].returns == ("self",)
    assert functions["make_repo"].returns == ("local:Repo",)
    assert functions["route"].returns == ("ext:utils.Thing",)
    assert functions["route"].decorator_imports == ("api.app",)
    assert functions["route"].decorator_bases == ()
    assert functions["handler"].calls == (
        "ext:utils.make_client",
        "star:helper",
        "chain:local:make_repo#chain#put",
        "chain:local:make_repo#chain",
        "local:make_repo",
        "local:Repo.load",
    )


def test_a_function_rebound_to_its_wrapped_self_is_still_reached(tmp_path: Path) -> None:
    assert sl101(
        tmp_path,
        {
            "handler.py": """\
            import boto3
            from aws_xray_sdk.core import xray_recorder


            def process(record):
                return boto3.client("s3").head_object(Bucket="b", Key=record)


            process = xray_recorder.capture("process")(process)


            def handler(event, context):
                return [process(record) for record in event["Records"]]
            """
        },
    ) == [("handler.py", "SL101", 6, 12)]
