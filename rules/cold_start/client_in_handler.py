from __future__ import annotations

from textwrap import dedent

import libcst as cst

from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.diagnostics import Applicability, Edit, Fix, Location
from slint.python.context import FixBuilder, Positions

# Qualified constructor name -> what it builds.
CONSTRUCTORS: dict[str, str] = {
    "boto3.client": "boto3 client",
    "boto3.resource": "boto3 resource",
    "boto3.Session": "boto3 session",
    "boto3.session.Session": "boto3 session",
    "aioboto3.Session": "aioboto3 session",
    "aioboto3.session.Session": "aioboto3 session",
    "requests.Session": "requests session",
    "requests.session": "requests session",
    "requests.sessions.Session": "requests session",
    "httpx.Client": "httpx client",
    "httpx.AsyncClient": "httpx client",
    "urllib3.PoolManager": "urllib3 connection pool",
    "urllib3.poolmanager.PoolManager": "urllib3 connection pool",
    "psycopg2.connect": "PostgreSQL connection",
    "psycopg.connect": "PostgreSQL connection",
    "psycopg.Connection.connect": "PostgreSQL connection",
    "psycopg.AsyncConnection.connect": "PostgreSQL connection",
    "pymysql.connect": "MySQL connection",
    "pymysql.connections.Connection": "MySQL connection",
    "redis.Redis": "Redis client",
    "redis.StrictRedis": "Redis client",
    "redis.from_url": "Redis client",
    "redis.Redis.from_url": "Redis client",
    "redis.client.Redis": "Redis client",
    "pymongo.MongoClient": "MongoDB client",
    "pymongo.mongo_client.MongoClient": "MongoDB client",
    "sqlalchemy.create_engine": "SQLAlchemy engine",
    "opensearchpy.OpenSearch": "OpenSearch client",
    "opensearchpy.AsyncOpenSearch": "OpenSearch client",
    "elasticsearch.Elasticsearch": "Elasticsearch client",
    "elasticsearch.AsyncElasticsearch": "Elasticsearch client",
}

# Objects whose `.client()` / `.resource()` / `.create_client()` builds a client.
SESSION_FACTORIES = frozenset(
    {
        "boto3.Session()",
        "boto3.session.Session()",
        "aioboto3.Session()",
        "aioboto3.session.Session()",
        "botocore.session.get_session()",
        "botocore.session.Session()",
    }
)
SESSION_METHODS = frozenset({"client", "resource", "create_client"})

# Calls whose result is the same at import time as during an invocation.
_IMPORT_TIME_CALLS = frozenset(
    {"os.environ.get", "os.getenv", "botocore.config.Config", "botocore.client.Config"}
)
_LITERALS = (
    cst.SimpleString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.ConcatenatedString,
)


def constructed_kind(qualified: str | None) -> str | None:
    """What a call to `qualified` constructs, if it is a client or connection."""
    if qualified is None:
        return None
    kind = CONSTRUCTORS.get(qualified)
    if kind is not None:
        return kind
    factory, _, method = qualified.rpartition(".")
    if method in SESSION_METHODS and factory in SESSION_FACTORIES:
        return factory.split(".")[0] + " client"
    return None


class _AssignmentCounter(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.count += _binds(node.target, self.name)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.count += _binds(node.target, self.name)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.count += _binds(node.target, self.name)

    def visit_For(self, node: cst.For) -> None:
        self.count += _binds(node.target, self.name)

    def visit_AsName(self, node: cst.AsName) -> None:
        self.count += _binds(node.name, self.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.count += _binds(node.target, self.name)

    def visit_Global(self, node: cst.Global) -> None:
        self.count += sum(2 for item in node.names if item.name.value == self.name)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.count += sum(2 for item in node.names if item.name.value == self.name)


def _binds(target: cst.BaseExpression, name: str) -> int:
    if isinstance(target, cst.Name):
        return int(target.value == name)
    if isinstance(target, (cst.Tuple, cst.List)):
        return sum(_binds(element.value, name) for element in target.elements)
    if isinstance(target, cst.StarredElement):
        return _binds(target.value, name)
    return 0


class ClientInHandler(CodeRule):
    """
    ## What it does
    Reports an SDK client, session or database connection that is constructed on
    every invocation: in the handler, or in a function of the project that the
    handler calls. It knows `boto3.client/resource/Session`, `session.client(...)`,
    `aioboto3`, `botocore`'s `create_client`, `requests.Session`, `httpx.Client`,
    `urllib3.PoolManager`, `psycopg2`/`psycopg`/`pymysql` connections, `redis`,
    `pymongo.MongoClient`, `sqlalchemy.create_engine` and the OpenSearch and
    Elasticsearch clients, through every import form and alias.

    Not reported: construction at module scope; the lazy pattern (`global client`
    + `if client is None: client = ...`, or an early `return` when it exists); a
    factory decorated with `functools.cache` / `lru_cache`; code under
    `if __name__ == "__main__":`; functions no handler calls.

    ## Why is this bad?
    A Lambda execution environment serves many invocations one after another and
    keeps module-level state between them. A client built inside the handler pays,
    on every invocation, for loading the service model, resolving credentials and
    opening a new TLS connection: tens to hundreds of milliseconds of billed
    latency, and for databases a new connection each time until the server's limit
    is reached.

    ## Example
    ```python
    import boto3


    def handler(event, context):
        s3 = boto3.client("s3")
        return s3.get_object(Bucket="media", Key=event["key"])["ContentLength"]
    ```

    ## Use instead
    ```python
    import boto3

    s3 = boto3.client("s3")


    def handler(event, context):
        return s3.get_object(Bucket="media", Key=event["key"])["ContentLength"]
    ```

    ## Fix
    The fix (unsafe, since it changes when the constructor runs) moves the
    assignment to module scope, after the imports and after the module-level names
    its arguments use. It is offered when the statement is a plain `name = ...`
    assignment in the function body and every argument is a literal, a module-level
    name or an environment read (`os.environ[...]`, `os.getenv(...)`); otherwise the
    fix is only a suggestion: create the client once at module scope, or lazily
    behind an `is None` check, and reuse it.
    """

    code = "SL101"
    name = "client-in-handler"
    severity = Severity.WARNING
    fix = FixKind.UNSAFE

    valid = (
        Valid(
            dedent(
                """\
                import boto3

                s3 = boto3.client('s3')


                def handler(event, context):
                    return s3.list_buckets()
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3

                _table = None


                def handler(event, context):
                    global _table
                    if _table is None:
                        _table = boto3.resource('dynamodb').Table('orders')
                    return _table.get_item(Key={'id': event['id']})
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3

                _client = None


                def get_client():
                    global _client
                    if _client is not None:
                        return _client
                    _client = boto3.client('sqs')
                    return _client


                def handler(event, context):
                    return get_client().list_queues()
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import functools

                import boto3


                @functools.lru_cache(maxsize=None)
                def ssm():
                    return boto3.client('ssm')


                def handler(event, context):
                    return ssm().get_parameter(Name='x')
                """
            ),
        ),
        Valid(
            dedent(
                """\
                from functools import cache

                import boto3


                @cache
                def table(name):
                    return boto3.resource('dynamodb').Table(name)


                def lambda_handler(event, context):
                    return table('orders').scan()
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3


                def handler(event, context):
                    return {'ok': True}


                if __name__ == '__main__':
                    client = boto3.client('lambda')
                    print(client.invoke(FunctionName='x'))
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3


                def make_report_client():
                    return boto3.client('s3')
                """
            ),
            filename="tools.py",
        ),
        Valid(
            dedent(
                """\
                import requests

                _http = requests.Session()


                def handler(event, context):
                    return _http.get('https://example.com', timeout=3).status_code
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3

                _clients = {}


                def client(name):
                    if name not in _clients:
                        _clients[name] = boto3.client(name)
                    return _clients[name]


                def handler(event, context):
                    return client('s3').list_buckets()
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3


                def handler(event, context, s3=boto3.client('s3')):
                    return s3.list_buckets()
                """
            ),
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                import boto3


                def handler(event, context):
                    s3 = boto3.client('s3')
                    return s3.list_buckets()
                """
            ),
            line=5,
            column=10,
            message="boto3 client",
        ),
        Invalid(
            dedent(
                """\
                import boto3 as b3


                def lambda_handler(event, context):
                    return b3.resource('dynamodb').Table('t').get_item(Key={'id': 1})
                """
            ),
            line=5,
            column=12,
        ),
        Invalid(
            dedent(
                """\
                from boto3 import client


                def main(event, context):
                    sqs = client('sqs')
                    return sqs.list_queues()
                """
            ),
            line=5,
            column=11,
        ),
        Invalid(
            dedent(
                """\
                import boto3


                def _table():
                    return boto3.resource('dynamodb').Table('orders')


                def handler(event, context):
                    return _table().get_item(Key={'id': event['id']})
                """
            ),
            line=5,
            column=12,
            message="runs on every invocation of handler `handler`",
        ),
        Invalid(
            dedent(
                """\
                import requests


                def handler(event, context):
                    with requests.Session() as http:
                        return http.get(event['url'], timeout=5).status_code
                """
            ),
            line=5,
            column=10,
            message="requests session",
        ),
        Invalid(
            dedent(
                """\
                import os

                import psycopg2


                def handler(event, context):
                    conn = psycopg2.connect(os.environ['DSN'])
                    with conn.cursor() as cur:
                        cur.execute('select 1')
                    return cur.fetchone()
                """
            ),
            line=7,
            column=12,
            message="PostgreSQL connection",
        ),
        Invalid(
            dedent(
                """\
                import boto3


                def handler(event, context):
                    session = boto3.Session()
                    return session.client('s3').list_buckets()
                """
            ),
            line=6,
            column=12,
        ),
        Invalid(
            dedent(
                """\
                import boto3


                def handler(event, context):
                    client = boto3.client('s3', region_name=event['region'])
                    return client.list_buckets()
                """
            ),
            line=5,
            column=14,
        ),
        Invalid(
            dedent(
                """\
                from aws_lambda_powertools.event_handler import APIGatewayRestResolver
                import httpx

                app = APIGatewayRestResolver()


                @app.get('/items')
                def items():
                    client = httpx.Client()
                    return client.get('https://x.test').json()


                def handler(event, context):
                    return app.resolve(event, context)
                """
            ),
            line=9,
            column=14,
        ),
        Invalid(
            dedent(
                """\
                import redis


                class Cache:
                    def __init__(self):
                        self.redis = redis.Redis(host='cache')


                def handler(event, context):
                    return Cache().redis.get(event['key'])
                """
            ),
            line=6,
            column=22,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.function_key is None or ctx.in_once_guard:
            return
        kind = constructed_kind(ctx.qualified_name(node.func))
        if kind is None:
            return
        written = ctx.module.code_for_node(node.func)
        message = (
            f"`{written}(...)` builds a {kind} on every invocation: build it once at module "
            "scope so warm invocations reuse it"
        )
        ctx.report(self, node, message, fix=self._fix(node), per_invocation=True)

    # -- the fix -------------------------------------------------------------
    def _fix(self, call: cst.Call) -> Fix | FixBuilder:
        suggestion = Fix(
            Applicability.DISPLAY_ONLY,
            "Create it once at module scope (or lazily behind `if client is None`) and reuse it",
        )
        plan = self._hoist_plan(call)
        if plan is None:
            return suggestion
        statement, function_top, names = plan

        def build(positions: Positions) -> Fix | None:
            return self._hoist_edits(positions, statement, function_top, names) or suggestion

        return build

    def _hoist_plan(
        self, call: cst.Call
    ) -> tuple[cst.SimpleStatementLine, cst.BaseStatement, set[str]] | None:
        """The statement to move, the module-level statement holding the function, and
        the module-level names the moved code needs; None when hoisting is not safe."""
        ctx = self.ctx
        parents = ctx.parents
        if len(parents) < 4:
            return None
        assign, line, block, function = parents[-1], parents[-2], parents[-3], parents[-4]
        if not (
            isinstance(assign, cst.Assign)
            and assign.value is call
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1
            and isinstance(block, cst.IndentedBlock)
            and len(block.body) > 1
            and isinstance(function, cst.FunctionDef)
        ):
            return None
        if any(isinstance(p, cst.FunctionDef) for p in parents[:-4]):
            return None  # nested function: leave it to a human
        name = assign.targets[0].target.value
        if name in ctx.module_names or name in _param_names(function):
            return None
        counter = _AssignmentCounter(name)
        function.visit(counter)
        if counter.count != 1:
            return None
        names: set[str] = set()
        if not self._hoistable(call, names):
            return None
        top = parents[1] if len(parents) > 1 else None
        if not isinstance(top, (cst.FunctionDef, cst.ClassDef)):
            return None
        return line, top, names

    def _hoistable(self, node: cst.CSTNode, names: set[str]) -> bool:
        """Would `node` evaluate the same at import time? Collects module names it uses."""
        ctx = self.ctx
        if isinstance(node, _LITERALS):
            return True
        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None"):
                return True
            if ctx.is_module_level_name(node.value):
                names.add(node.value)
                return True
            return False
        if isinstance(node, cst.Attribute):
            return self._hoistable(node.value, names)
        if isinstance(node, cst.Subscript):
            return self._hoistable(node.value, names) and all(
                isinstance(element.slice, cst.Index) and self._hoistable(element.slice.value, names)
                for element in node.slice
            )
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            return all(self._hoistable(element.value, names) for element in node.elements)
        if isinstance(node, cst.Dict):
            return all(
                isinstance(element, cst.DictElement)
                and self._hoistable(element.key, names)
                and self._hoistable(element.value, names)
                for element in node.elements
            )
        if isinstance(node, cst.Call):
            root = node.func
            while isinstance(root, cst.Attribute):
                root = root.value
            if not isinstance(root, cst.Name) or not ctx.is_import_bound(root.value):
                return False
            if ctx.binding_scope(root.value) is not ctx.module_scope:
                return False  # imported inside the function: the import would move too
            qualified = ctx.qualified_name(node.func)
            if qualified not in _IMPORT_TIME_CALLS and constructed_kind(qualified) is None:
                return False
            names.add(root.value)
            return all(self._hoistable(arg.value, names) for arg in node.args)
        return False

    def _hoist_edits(
        self,
        positions: Positions,
        statement: cst.SimpleStatementLine,
        function_top: cst.BaseStatement,
        names: set[str],
    ) -> Fix | None:
        ctx = self.ctx
        body: list[cst.CSTNode] = list(ctx.module.body)
        top_index = body.index(function_top)
        after = -1
        for index, item in enumerate(body[:top_index]):
            if _is_import(item) or _defines(item, names):
                after = index
        defined: set[str] = set()
        for item in body[:top_index]:
            defined.update(n for n in names if _defines(item, {n}))
        if after < 0 or defined != names:
            return None
        code_range = positions.range(statement)
        first, last = code_range.start.line, code_range.end.line
        lines = ctx.lines
        indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
        newline = ctx.module.default_newline
        moved = []
        for text in lines[first - 1 : last]:
            moved.append(text[len(indent) :] if text.startswith(indent) else text.lstrip())
        if not moved[-1].endswith(("\n", "\r")):
            moved[-1] += newline
        insert_row = positions.range(body[after]).end.line + 1
        delete_end = (
            Location(last + 1, 1) if last < len(lines) else Location(last, len(lines[-1]) + 1)
        )
        code = ctx.module.code_for_node(statement.body[0])
        return Fix(
            Applicability.UNSAFE,
            f"Move `{code}` to module scope",
            (
                Edit.insertion(Location(insert_row, 1), "".join(moved)),
                Edit.deletion(Location(first, 1), delete_end),
            ),
        )


def _param_names(function: cst.FunctionDef) -> set[str]:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            every.append(extra)
    return {p.name.value for p in every}


def _is_import(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)
    if isinstance(statement, (cst.Try, cst.If)):
        return (
            any(_is_import(s) for s in statement.body.body)
            if isinstance(statement.body, cst.IndentedBlock)
            else False
        )
    return False


def _defines(statement: cst.CSTNode, names: set[str]) -> bool:
    if not names:
        return False
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return statement.name.value in names
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                if any(_binds(t.target, n) for t in small.targets for n in names):
                    return True
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                if any(_binds(small.target, n) for n in names):
                    return True
            elif isinstance(small, (cst.Import, cst.ImportFrom)):
                return _is_import(statement) and _import_binds(small, names)
    return False


def _import_binds(statement: cst.Import | cst.ImportFrom, names: set[str]) -> bool:
    if isinstance(statement.names, cst.ImportStar):
        return False
    for alias in statement.names:
        bound: cst.BaseExpression = alias.asname.name if alias.asname else alias.name
        while isinstance(bound, cst.Attribute):
            bound = bound.value
        if isinstance(bound, cst.Name) and bound.value in names:
            return True
    return False
