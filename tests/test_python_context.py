"""The shared traversal and `ModuleContext`: name resolution, scopes, once-guards, module
facts, and robustness on every kind of syntax (including a rule that crashes)."""

from __future__ import annotations

from textwrap import dedent
from typing import ClassVar

import libcst as cst
import pytest

from slint.analysis import ModuleResult
from slint.api import CodeRule
from slint.diagnostics import Diagnostic
from slint.python.analyze import analyze_module
from slint.python.context import ASSIGNED, DEFINED, module_bindings
from slint.registry import Registry
from slint.settings import Settings

SL101 = Registry.load().get("SL101")


class Recorder(CodeRule):
    """Records, for every call, what the context knows at that point."""

    code = "SL980"
    name = "recorder"
    seen: ClassVar[list[tuple[str, str | None, str | None, bool]]] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.seen.append(
            (
                self.ctx.module.code_for_node(node.func),
                self.ctx.qualified_name(node.func),
                self.ctx.function_key,
                self.ctx.in_once_guard,
            )
        )


def record(source: str) -> list[tuple[str, str | None, str | None, bool]]:
    Recorder.seen = []
    result = analyze_module("handler.py", dedent(source).encode(), Settings(), [Recorder])
    assert result.failure is None
    return Recorder.seen


def analyze(source: str, *rules: type[CodeRule]) -> ModuleResult:
    assert SL101 is not None
    return analyze_module(
        "handler.py", source.encode(), Settings(), list(rules) if rules else [SL101]
    )


def places(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[tuple[int, int]]:
    return [(d.start.row, d.start.column) for d in diagnostics]


def pending_places(result: ModuleResult) -> list[tuple[str, int, int]]:
    return [
        (p.function_key, p.diagnostic.start.row, p.diagnostic.start.column) for p in result.pending
    ]


# -- names --------------------------------------------------------------------------------


def test_qualified_names_through_imports_and_assignments() -> None:
    seen = record(
        """\
        import boto3 as b
        import botocore.session
        from boto3.session import Session as S
        from . import db
        from ..pkg.mod import thing

        session = b.Session()


        def handler(event, context):
            from requests import Session

            b.client("s3")
            S().client("s3")
            session.client("s3")
            botocore.session.get_session().create_client("s3")
            Session()
            db.table()
            thing()
            event.get("x")
        """
    )
    assert [(written, qualified) for written, qualified, _, _ in seen] == [
        ("b.Session", "boto3.Session"),
        ("b.client", "boto3.client"),
        ("S().client", "boto3.session.Session().client"),
        ("S", "boto3.session.Session"),
        ("session.client", "boto3.Session().client"),
        (
            "botocore.session.get_session().create_client",
            "botocore.session.get_session().create_client",
        ),
        ("botocore.session.get_session", "botocore.session.get_session"),
        ("Session", "requests.Session"),
        ("db.table", ".db.table"),
        ("thing", "..pkg.mod.thing"),
        ("event.get", "event.get"),
    ]
    assert [key for _, _, key, _ in seen] == [None] + ["handler"] * 10


def test_local_bindings_shadow_imports() -> None:
    seen = record(
        """\
        from boto3 import client, resource


        def handler(event, context):
            def client(name):
                return name

            client("s3")
            resource = event["factory"]
            resource("s3")


        def other(client):
            client("s3")


        class Box:
            resource = staticmethod(print)

            def method(self):
                resource("s3")
        """
    )
    assert [(written, qualified) for written, qualified, _, _ in seen] == [
        ("client", "client"),
        ("resource", "resource"),
        ("client", "client"),
        ("staticmethod", "staticmethod"),
        # A class body is no enclosing scope for its methods: the import is seen.
        ("resource", "boto3.resource"),
    ]


def test_functions_see_the_final_module_binding() -> None:
    seen = record(
        """\
        from boto3 import client


        def handler(event, context):
            client("s3")
            late("s3")


        def client(name):
            return name


        from boto3 import client as late
        """
    )
    assert [(written, qualified) for written, qualified, _, _ in seen] == [
        ("client", "client"),
        ("late", "boto3.client"),
    ]


def test_module_bindings() -> None:
    module = cst.parse_module(
        dedent(
            """\
            import os.path
            import boto3 as b
            from . import db
            from x import (y as z, w)
            try:
                import simplejson as json
            except ImportError:
                import json
            if True:
                A = 1
            for i, (j, *k) in []:
                pass
            with open("f") as fh:
                pass
            def f(): pass
            class C: pass
            f = 3
            from x import *
            """
        )
    )
    assert module_bindings(module) == {
        "os": "os",
        "b": "boto3",
        "db": ".db",
        "z": "x.y",
        "w": "x.w",
        "json": "json",
        "A": ASSIGNED,
        "i": ASSIGNED,
        "j": ASSIGNED,
        "k": ASSIGNED,
        "fh": ASSIGNED,
        "C": DEFINED,
        "f": ASSIGNED,
    }


# -- once-guards ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "guarded"),
    [
        ("if _c is None:", True),
        ("if _c == None:", True),
        ("if not _c:", True),
        ("if _c is None and event:", True),
        ("if 'k' not in _c:", True),
        ("if _c.get('k') is None:", True),
        ("if _c is not None:", False),
        ("if _c:", False),
        ("if event is None:", False),
        ("if local is None:", False),
    ],
)
def test_once_guard_tests(test: str, guarded: bool) -> None:
    seen = record(
        f"""\
        _c = None


        def handler(event, context):
            global _c
            local = None
            {test}
                _c = make()
                local = make()
            return _c
        """
    )
    assert [in_guard for written, _, _, in_guard in seen if written == "make"] == [guarded] * 2


def test_guard_requires_setting_the_state() -> None:
    seen = record(
        """\
        _c = None
        _cache = {}
        FLAG = False
        first_call = True


        def handler(event, context):
            if _c is None:
                a()
            if "k" not in _cache:
                _cache.setdefault("k", b())
            if not FLAG:
                c()
            if first_call:
                d()
            if _c is not None:
                return _c
            e()
        """
    )
    assert [(written, in_guard) for written, _, _, in_guard in seen] == [
        ("a", False),
        ("_cache.setdefault", True),
        ("b", True),
        ("c", False),
        ("d", True),  # a cold-start flag, often reset elsewhere
        ("e", False),
    ]


def test_early_return_guards_the_rest_of_the_block() -> None:
    seen = record(
        """\
        _c = None


        def get():
            global _c
            before()
            if _c is not None:
                return _c
            _c = make()
            return _c
        """
    )
    assert [(written, in_guard) for written, _, _, in_guard in seen] == [
        ("before", False),
        ("make", True),
    ]


# -- module facts ---------------------------------------------------------------------------


def test_facts() -> None:
    result = analyze(
        dedent(
            """\
            import functools

            from aws_lambda_powertools.event_handler import APIGatewayRestResolver

            import utils
            from repo import Repo

            app = APIGatewayRestResolver()


            class Local:
                def __init__(self):
                    self.setup()

                def setup(self):
                    pass

                def run(self):
                    pass


            @functools.lru_cache(maxsize=None)
            def cached():
                pass


            def helper():
                pass


            @app.get("/")
            def route():
                pass


            def handler(event, context):
                helper()
                utils.make()
                Repo().get()
                local = Local()
                local.run()
                cached()
                map(helper, [])
                return app.resolve(event, context)
            """
        )
    )
    facts = result.facts
    assert facts is not None
    assert facts.convention_handlers == ("handler",)
    handler = facts.functions["handler"]
    assert handler.line == 36
    assert handler.calls == (
        "local:helper",
        "ext:utils.make",
        "ext:repo.Repo.get",
        "ext:repo.Repo",
        "local:Local.__init__",
        "local:Local.run",
        "local:cached",
        # A method of a module-level instance of an imported class: outside the project.
        "ext:aws_lambda_powertools.event_handler.APIGatewayRestResolver.resolve",
    )
    assert handler.dispatches == ("app",)
    assert facts.functions["route"].decorator_bases == ("app",)
    assert facts.functions["cached"].cached
    assert facts.functions["Local.__init__"].calls == ("local:Local.setup",)
    assert facts.classes == ("Local",)
    assert facts.imports == {
        "functools": "functools",
        "APIGatewayRestResolver": "aws_lambda_powertools.event_handler.APIGatewayRestResolver",
        "utils": "utils",
        "Repo": "repo.Repo",
        "app": "aws_lambda_powertools.event_handler.APIGatewayRestResolver()",
    }


def test_calls_under_a_guard_are_not_per_invocation() -> None:
    result = analyze(
        dedent(
            """\
            _ready = False


            def init():
                pass


            def handler(event, context):
                global _ready
                if not _ready:
                    init()
                    _ready = True
            """
        )
    )
    assert result.facts is not None
    assert result.facts.functions["handler"].calls == ()


# -- robustness -----------------------------------------------------------------------------

SYNTAX = """\
from __future__ import annotations

import asyncio
import boto3
from typing import Any, TypeAlias

Json: TypeAlias = "dict[str, Any]"


def deco(*args: Any, **kwargs: Any):
    return lambda f: f


class Base:
    table = boto3.resource("dynamodb").Table("t")
    items: list[int] = [i * 2 for i in range(3)]

    @property
    def name(self) -> str:
        return "base"

    @deco(boto3.client)
    async def fetch(self, *, key: str = "k") -> Json:
        return {}


@deco(retries=3)
async def handler(event: Json, context: Any) -> Json:
    client = boto3.client("s3")
    make = lambda name: boto3.client(name)
    names = [boto3.client(n) for n in event.get("services", [])]
    lookup = {n: boto3.client(n) for n in ("s3",)}
    if (session := boto3.Session()) is not None:
        pass
    match event:
        case {"kind": "queue", "name": str(name)}:
            queue = boto3.client("sqs").get_queue_url(QueueName=name)
        case [first, *rest]:
            queue = None
        case _:
            queue = None
    async with asyncio.timeout(1):
        await asyncio.sleep(0)
    try:
        pass
    except* ValueError:
        pass
    return {"ok": client, "m": make, "n": names, "l": lookup, "q": queue}
"""


def test_every_kind_of_syntax() -> None:
    result = analyze(SYNTAX)
    assert result.failure is None
    assert result.diagnostics == ()
    assert pending_places(result) == [
        ("handler", 29, 14),
        ("handler", 30, 25),
        ("handler", 31, 14),
        ("handler", 32, 18),
        ("handler", 33, 20),
        ("handler", 37, 21),
    ]
    assert result.facts is not None
    assert result.facts.functions["handler"].is_async
    assert set(result.facts.functions) == {"deco", "Base.name", "Base.fetch", "handler"}


def test_deeply_nested_expressions() -> None:
    parens = "(" * 150 + 'boto3.client("s3")' + ")" * 150
    chain = " + ".join(["1"] * 1500)
    calls = "f(" * 100 + 'boto3.client("s3")' + ")" * 100
    source = (
        "import boto3\n\n\ndef handler(event, context):\n"
        f"    a = {parens}\n    b = {chain} + boto3.client('s3')\n    c = {calls}\n"
    )
    result = analyze(source)
    assert result.failure is None
    assert pending_places(result) == [
        ("handler", 5, 159),
        ("handler", 6, 8 + 4 * 1500 + 1),
        ("handler", 7, 209),
    ]


def test_long_attribute_chain() -> None:
    chain = "x" + ".a" * 2000
    result = analyze(f"import boto3\n\n\ndef handler(event, context):\n    return {chain}\n")
    assert result.failure is None
    assert result.pending == ()


class Boom(CodeRule):
    """A rule with a bug."""

    code = "SL990"
    name = "boom"

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.function_key == "handler":
            raise ValueError("boom")


def test_a_crashing_rule_is_reported_and_the_others_go_on() -> None:
    source = dedent(
        """\
        import boto3


        def handler(event, context):
            s3 = boto3.client("s3")
            sqs = boto3.client("sqs")
            return s3, sqs
        """
    )
    assert SL101 is not None
    result = analyze(source, Boom, SL101)
    (crash,) = result.diagnostics
    assert (crash.code, crash.name, crash.internal_error) == ("SL990", "boom", True)
    assert (crash.start.row, crash.start.column) == (5, 10)
    assert crash.message == "internal error in rule SL990 (boom): ValueError: boom"
    assert [(p.diagnostic.code, p.diagnostic.start.row) for p in result.pending] == [
        ("SL101", 5),
        ("SL101", 6),
    ]
    assert result.facts is not None and "handler" in result.facts.functions


@pytest.mark.parametrize(
    ("source", "message", "where"),
    [
        ("def handler(event, context:\n    pass\n", "syntax error", (1, 12)),
        ("x = 1\n\0\n", "file contains NUL bytes; is it a binary file?", (2, 1)),
    ],
)
def test_unparsable_modules(source: str, message: str, where: tuple[int, int]) -> None:
    result = analyze(source)
    assert result.failure is not None
    assert result.failure.message.startswith(message)
    assert (result.failure.location.row, result.failure.location.column) == where


def test_positions_after_form_feed_and_unicode_line_separators() -> None:
    source = (
        "import boto3\n\x0c\n\n"
        "def handler(event, context):\n"
        "    note = 'a\u2028b'  # \x85 \u2029\n"
        "    s3 = boto3.client('s3')\n"
        "    return s3, note\n"
    )
    result = analyze(source)
    assert pending_places(result) == [("handler", 6, 10)]
    (pending,) = result.pending
    fix = pending.diagnostic.fix
    assert fix is not None and fix.edits
    assert [(e.start.row, e.end.row) for e in fix.edits] == [(2, 2), (6, 7)]


# -- positions --------------------------------------------------------------------------

POSITION_SOURCES = {
    "plain": SYNTAX,
    "crlf": SYNTAX.replace("\n", "\r\n"),
    "comments-and-header": (
        "#!/usr/bin/env python\n# header comment\n\n\n# leading\nimport os  # trailing\n"
        "x = 1; y = 2\n\n\n@deco\n# between\n@deco2(\n    1,\n)\nclass C:\n    '''doc'''\n"
        "    def m(self):\n        return (\n            1  # one\n        )\n\n# footer\n"
    ),
    "no-trailing-newline": "import boto3\n\n\ndef handler(event, context):\n    return boto3",
    "form-feed": "import os\n\x0c\ndef f():\n    s = 'a\u2028b'\n    return s\n",
    "duplicate-statements": "pass\nx = 1\npass\nx = 1\n",
    "tabs-and-unicode": "def f():\n\tif True:\n\t\treturn 'ünï'  # ✓\n",
}


@pytest.mark.parametrize("name", POSITION_SOURCES)
def test_statement_positions_match_libcst(name: str) -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    from slint.python.context import Positions

    source = POSITION_SOURCES[name]
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    positions = Positions(module, source)
    for statement in module.body:
        positions.prepare(statement)
    assert positions.whole_module == (name == "duplicate-statements")
    assert {node: positions.range(node) for node in expected} == dict(expected)


def test_definition_lines_ignore_defs_in_strings_and_tell_same_names_apart() -> None:
    result = analyze(
        dedent(
            '''\
            """Usage:

            def handler(event, context):
                ...
            """


            class Repo:
                def get(self):
                    pass


            class Cache:
                def get(self):
                    pass


            @decorator
            async def handler(event, context):
                def get():
                    pass
            '''
        )
    )
    assert result.facts is not None
    assert {key: f.line for key, f in result.facts.functions.items()} == {
        "Repo.get": 9,
        "Cache.get": 14,
        "handler.get": 20,
        "handler": 19,
    }
