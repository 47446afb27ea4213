"""Which functions run per invocation: call edges within and across modules, dispatch,
callbacks, caches, cycles; and how imported dotted names resolve to project functions."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from slint.python.analyze import analyze_module
from slint.python.facts import FunctionFacts, ModuleFacts
from slint.reachability import Reach, per_invocation, resolve_import
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


def test_imports_from_a_lambda_layer_python_folder() -> None:
    # serverless-test-samples apigw-lambda-layer: `from layer import ...` in the function
    # resolves to the layer's `python/layer.py` (on sys.path as /opt/python).
    files = {
        "src/app/app.py": """\
        from layer import list_buckets
        from shared import helper


        def lambda_handler(event, context):
            helper()
            return list_buckets()
        """,
        "src/code_layer/python/layer.py": """\
        def list_buckets():
            return []
        """,
        # Two layers with the same module: which one wins depends on the layer order
        # in the config, so neither is followed.
        "src/layer_a/python/shared.py": "def helper():\n    pass\n",
        "src/layer_b/python/shared.py": "def helper():\n    pass\n",
        # A module next to the importer wins over a layer's.
        "other/app.py": """\
        from layer import list_buckets


        def lambda_handler(event, context):
            return list_buckets()
        """,
        "other/layer.py": "def list_buckets():\n    return None\n",
    }
    assert reach(files) == {
        ("src/app/app.py", "lambda_handler"): ("lambda_handler", 0),
        ("src/code_layer/python/layer.py", "list_buckets"): ("lambda_handler", 1),
        ("other/app.py", "lambda_handler"): ("lambda_handler", 0),
        ("other/layer.py", "list_buckets"): ("lambda_handler", 1),
    }
