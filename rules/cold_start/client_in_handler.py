from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.analysis import PendingDiagnostic
from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from slint.facts import Call, FunctionFacts, Value
from slint.javascript import sdk
from slint.javascript.module import Source
from slint.python.context import FixBuilder, ModuleContext, Positions, dotted_name

from .._support.statements import inner_statements

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule

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
    "botocore.session.get_session": "botocore session",
    "botocore.session.Session": "botocore session",
    "mysql.connector.connect": "MySQL connection",
    "pymysql.Connect": "MySQL connection",
    "pymysql.Connection": "MySQL connection",
    "pg8000.connect": "PostgreSQL connection",
    "pg8000.native.Connection": "PostgreSQL connection",
    "psycopg2.pool.SimpleConnectionPool": "PostgreSQL connection pool",
    "psycopg2.pool.ThreadedConnectionPool": "PostgreSQL connection pool",
    "psycopg_pool.ConnectionPool": "PostgreSQL connection pool",
    "redis.RedisCluster": "Redis client",
    "redis.cluster.RedisCluster": "Redis client",
    "redis.asyncio.Redis": "Redis client",
    "redis.asyncio.StrictRedis": "Redis client",
    "redis.asyncio.from_url": "Redis client",
    "sqlalchemy.ext.asyncio.create_async_engine": "SQLAlchemy engine",
}

# Clients tied to the asyncio event loop they were created in: moving them to module
# scope only works if the loop outlives the invocation, so the fix is a suggestion.
_ASYNC_ROOTS = ("aioboto3.", "redis.asyncio.", "sqlalchemy.ext.asyncio.")


# Methods that end the life of a client, session, pool or connection.
_CLOSERS = frozenset(
    {"close", "aclose", "closeall", "disconnect", "shutdown", "quit", "dispose", "terminate"}
)
# `stack.enter_context(conn)` closes `conn` when the stack does, as a `with` would.
_CONTEXT_ENTERERS = frozenset({"enter_context", "enter_async_context"})


def with_closes(qualified: str | None) -> bool:
    """Does a `with` block over what `qualified` builds close it when the block ends?

    A psycopg2 connection's `with` block is a transaction: it commits or rolls back
    and leaves the connection open (psycopg 3, pymysql, mysql.connector, pg8000 and
    the other clients close theirs). boto3 and botocore clients, resources and
    sessions are no context managers at all, so a `with` over one closes nothing.
    """
    if qualified is None:
        return False
    return qualified != "psycopg2.connect" and qualified.split(".")[0] not in ("boto3", "botocore")


def is_async_constructor(qualified: str | None) -> bool:
    if qualified is None:
        return False
    return qualified.startswith(_ASYNC_ROOTS) or ".Async" in qualified


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
_BUILTINS = frozenset(vars(builtins))
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
        noun = "resource" if method == "resource" else "client"
        return f"{factory.split('.')[0]} {noun}"
    return None


# -- JavaScript and TypeScript ----------------------------------------------------------

# Node.js database, cache and search clients, by the qualified name of what makes them
# (`new Pool(...)` from "pg", `mysql.createPool(...)` from "mysql2/promise").
JS_CONNECTIONS: dict[str, str] = {
    "pg.Pool": "PostgreSQL connection pool",
    "pg.Client": "PostgreSQL connection",
    "pg.native.Pool": "PostgreSQL connection pool",
    "pg.native.Client": "PostgreSQL connection",
    "postgres": "PostgreSQL connection pool",
    **{
        f"{package}.{factory}": kind
        for package in ("mysql", "mysql2", "mysql2/promise")
        for factory, kind in (
            ("createConnection", "MySQL connection"),
            ("createPool", "MySQL connection pool"),
            ("createPoolCluster", "MySQL connection pool"),
        )
    },
    "ioredis": "Redis client",
    "ioredis.Redis": "Redis client",
    "ioredis.Cluster": "Redis cluster client",
    "ioredis.Redis.Cluster": "Redis cluster client",
    "redis.createClient": "Redis client",
    "redis.createCluster": "Redis cluster client",
    "@redis/client.createClient": "Redis client",
    "mongodb.MongoClient": "MongoDB client",
    "mongodb.MongoClient.connect": "MongoDB client",
    "mongoose.createConnection": "MongoDB connection",
    "@prisma/client.PrismaClient": "Prisma client",
    "knex": "Knex connection pool",
    "knex.knex": "Knex connection pool",
    "sequelize": "Sequelize connection pool",
    "sequelize.Sequelize": "Sequelize connection pool",
    "@elastic/elasticsearch.Client": "Elasticsearch client",
    "@opensearch-project/opensearch.Client": "OpenSearch client",
}
# Names of JS_CONNECTIONS that are a package's own export: a function of the module
# that happens to share the name is no such client.
_JS_BARE_PACKAGES = frozenset(name for name in JS_CONNECTIONS if "." not in name)
# Methods that end the life of a Node.js client or connection.
_JS_CLOSERS = frozenset({"end", "close", "quit", "disconnect", "destroy", "$disconnect"})
# Expressions that hand on the value they wrap (`await`, TypeScript's casts, grouping).
_JS_WRAPPERS = frozenset(
    {
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    }
)
_JS_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "function",
    }
)


def js_client_kind(name: str) -> str | None:
    """What a JavaScript construction or call named `name` (`Call.name`) builds, if it
    is an AWS SDK client or a connection object: "AWS SDK client" for a v3
    `new S3Client(...)` (or the aggregated `new S3(...)`), "DynamoDB document client" for
    lib-dynamodb's `DynamoDBDocumentClient.from(...)` and SDK v2's `DocumentClient`,
    "AWS SDK v2 client" for `new AWS.S3()`, and the kinds of JS_CONNECTIONS."""
    kind = JS_CONNECTIONS.get(name)
    if kind is not None:
        return kind
    service = sdk.client_service(name)
    if service is None:
        return None
    if service == sdk.DOCUMENT_SERVICE:
        return "DynamoDB document client"
    if name.startswith(sdk.V3_PREFIX):
        package, _, class_name = name.partition(".")
        suffix = package[len(sdk.V3_PREFIX) :].replace("-", "").lower()
        # The client class, or the aggregated client named like the package.
        if class_name.endswith("Client") or class_name.lower() == suffix:
            return "AWS SDK client"
        return None
    return "AWS SDK v2 client" if sdk.is_v2(name) else None


def _within(inner: Call, outer: Call) -> bool:
    return outer.span.start <= inner.span.start and inner.span.end <= outer.span.end


def _article(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "AEIOU" else f"a {kind}"


def _shown(code: str, limit: int = 60) -> str:
    """A construction as a message shows it: whole when short, else `new X(...)`."""
    flat = " ".join(code.split())
    if len(flat) <= limit:
        return flat
    head = flat.partition("(")[0]
    return f"{head}(...)" if len(head) <= limit else head[: limit - 3] + "..."


def _invocation_input(value: Value, function: FunctionFacts, depth: int) -> str | None:
    """The parameter (or the value read from one) that a value of `function` comes
    from, through its local names (`const region = event.region`); None for a value
    that is the same on every invocation (literals, `process.env`, module-level names)."""
    if value.event_path is not None:
        return value.event_path
    behaviour = function.behaviour
    for name in value.names:
        root = name.partition(".")[0].partition("[")[0]
        if root in function.positional or root in behaviour.parameters:
            return name
        local = behaviour.local(root)
        if local is not None and depth < 4 and local.names != value.names:
            found = _invocation_input(local, function, depth + 1)
            if found is not None:
                return found
    return None


def _bindings(module: cst.Module, source: str, name: str) -> int:
    """How many statements of the module bind `name`, in any scope (a `global` or
    `nonlocal` counts twice). Walks statements only, not expressions: a walrus or a
    match capture is looked for in the text."""
    count = sum(n for _, n in _binding_statements(module.body, name))
    if count and re.search(rf"\b{re.escape(name)}\s*:=", source):
        count += 1
    return count


def _binding_statements(
    statements: Sequence[cst.CSTNode], name: str
) -> Iterator[tuple[cst.CSTNode, int]]:
    """The statements among `statements` and those nested in them (function and class
    bodies included) that bind `name`, in source order, with how many times each binds
    it. A `global` or `nonlocal` counts twice, a `match` once (a capture may bind it)."""
    pending: list[cst.CSTNode] = list(reversed(statements))
    while pending:
        node = pending.pop()
        count = 0
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            pending.extend(reversed(node.body))
        elif isinstance(node, cst.Assign):
            count = sum(_binds(target.target, name) for target in node.targets)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            count = _binds(node.target, name)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            count = int(_import_binds(node, {name}))
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            count = sum(2 for item in node.names if item.name.value == name)
        elif isinstance(node, cst.BaseCompoundStatement):
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                count = int(node.name.value == name)
            elif isinstance(node, cst.For):
                count = _binds(node.target, name)
            elif isinstance(node, cst.With):
                count = sum(_binds(item.asname.name, name) for item in node.items if item.asname)
            elif isinstance(node, (cst.Try, cst.TryStar)):
                count = sum(
                    _binds(handler.name.name, name)
                    for handler in node.handlers
                    if handler.name is not None
                )
            elif isinstance(node, cst.Match):
                count = 1
            pending.extend(reversed(inner_statements(node)))
        if count:
            yield node, count


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
    handler reaches (helpers in the same or another module, `__init__` and methods
    of classes it instantiates, Powertools routes behind `app.resolve(event,
    context)` and the routers it includes, `record_handler=` callbacks, crhelper
    callbacks). It knows
    `boto3.client/resource/Session`, `session.client(...)`, `aioboto3`, `botocore`'s
    `get_session`/`create_client`, `requests.Session`, `httpx.Client/AsyncClient`,
    `urllib3.PoolManager`, `psycopg2`/`psycopg`/`pg8000`/`pymysql`/`mysql.connector`
    connections and pools, `redis`, `pymongo.MongoClient`, `sqlalchemy.create_engine`
    and the OpenSearch and Elasticsearch clients, through every import form and
    alias. A finding in a helper is reported in the helper's file, at the
    constructor, with a note naming the handler that reaches it.

    Not reported: construction at module scope or in a class body; default argument
    values; the lazy pattern (`global client` + `if client is None: client = ...`,
    `if not client:`, an early `return client` when it exists, a dict cache
    `if key not in _clients:` or `except KeyError:`, an `is_cold_start` flag); a
    factory decorated with `functools.cache` / `lru_cache` / `cachetools.cached`;
    code under `if __name__ == "__main__":`; functions no handler calls. A guard
    counts only if its branch sets the state it tests: `if DEBUG: ... else:
    client = ...` runs on every invocation.

    In JavaScript and TypeScript handlers it reports AWS SDK v3 clients (`new
    S3Client(...)` from `@aws-sdk/client-*`, also the aggregated `new S3(...)`),
    lib-dynamodb's `DynamoDBDocumentClient.from(...)`, SDK v2 clients (`new AWS.S3()`,
    `new AWS.DynamoDB.DocumentClient()`, `aws-sdk/clients/*`) and connections: `new
    Pool` / `new Client` of `pg`, `createConnection` / `createPool` of `mysql` and
    `mysql2` (also `mysql2/promise`), `new Redis` of `ioredis`, `createClient` of
    `redis`, `new MongoClient` and `MongoClient.connect`, `new PrismaClient`,
    `knex(...)`, `new Sequelize(...)`, `postgres(...)` and the Elasticsearch and
    OpenSearch clients, in the handler or in a function of the project it reaches
    (also through `require` and ES module imports). Not reported there: module scope,
    top-level `await` included; the lazy pattern (`client ??= new S3Client({})`, `||=`,
    `if (!client) { client = ... }`, `client || (client = ...)`, `client = client ??
    ...`, an early `if (client) return client;`, a `Map` cache filled behind `if
    (!clients.has(key))`, a class's static field); a factory called only at module
    scope; code under `if (require.main === module)`.

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
    assignment, with the comment lines right above it, to module scope: after the
    imports, the module-level names its arguments use and any module-level code
    that precedes the function. It is offered when the statement is a plain
    `name = ...` assignment directly in the body of a top-level function or method
    (not its only statement), `name` is bound nowhere else in the module and is no
    builtin, and every argument is a literal, a module-level name or an environment
    read (`os.environ[...]`, `os.getenv(...)`). Otherwise the fix is only a
    suggestion: create the client once at module scope, or lazily behind an
    `is None` check, and reuse it. asyncio clients (`httpx.AsyncClient`, `aioboto3`,
    ...) only get the suggestion: they are bound to the event loop that made them.

    The function that builds the client must also keep it alive: when it (or a
    function nested in it, such as a cleanup callback) closes it (`.close()`,
    `.disconnect()`, `.shutdown()`, `.quit()`, `.dispose()`, `.terminate()`, ...),
    hands it to a `with` block (`with conn:`, `with closing(conn):`,
    `stack.enter_context(conn)`), deletes it or assigns the name again, a moved
    client would reach the second warm invocation closed or be replaced anyway. The
    fix is then only a suggestion that says why, with the line: keep one client at
    module scope and drop the close (or the `with`, the `del`, the new assignment).
    The same goes for `with requests.Session() as s:`. Two kinds of `with` close
    nothing and keep the move: a psycopg2 connection's `with conn:` is a transaction
    (it commits and leaves the connection open), and boto3 clients are no context
    managers.

    For JavaScript and TypeScript the fix is display-only for now: it names the
    declaration to move to module scope (`const s3 = new S3Client({})`, with the local
    names its arguments read), or says why moving it is not enough: the function
    closes the client (`await db.end()`), its arguments come from the event (keep one
    client per value in a module-level cache), or a factory returns it (create one at
    module scope and return that).
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
        # JavaScript: a client made at module scope.
        Valid(
            dedent(
                """\
                import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";

                const s3 = new S3Client({});

                export const handler = async (event) => {
                  return s3.send(new GetObjectCommand({ Bucket: "media", Key: event.key }));
                };
                """
            ),
            filename="handler.mjs",
        ),
        # TypeScript: the lazy pattern, `??=` on module-level state.
        Valid(
            dedent(
                """\
                import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
                import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";

                let documents: DynamoDBDocumentClient | undefined;

                export const handler = async (event: { id: string }) => {
                  documents ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
                  return documents.send(new GetCommand({ TableName: "t", Key: { id: event.id } }));
                };
                """
            ),
            filename="handler.ts",
        ),
        # CommonJS: `if (!pool)` sets the module-level pool once per environment.
        Valid(
            dedent(
                """\
                const { Pool } = require("pg");

                let pool;

                function db() {
                  if (!pool) {
                    pool = new Pool({ connectionString: process.env.DSN, max: 1 });
                  }
                  return pool;
                }

                exports.handler = async function (event, context) {
                  return (await db().query("select 1")).rows;
                };
                """
            ),
            filename="handler.js",
        ),
        # Top-level `await`: the connection is made while the module loads.
        Valid(
            dedent(
                """\
                import { MongoClient } from "mongodb";

                const mongo = await MongoClient.connect(process.env.MONGO_URL);

                export const handler = async (event) => {
                  return mongo.db("shop").collection("orders").findOne({ _id: event.id });
                };
                """
            ),
            filename="handler.mjs",
        ),
        # A factory called only at module scope.
        Valid(
            dedent(
                """\
                import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

                function makeQueue() {
                  return new SQSClient({ maxAttempts: 2 });
                }

                const sqs = makeQueue();

                export const handler = async (event) => {
                  await sqs.send(new SendMessageCommand({ QueueUrl: "q", MessageBody: "m" }));
                };
                """
            ),
            filename="handler.mjs",
        ),
        # One client per region, kept in a module-level Map.
        Valid(
            dedent(
                """\
                import { S3Client } from "@aws-sdk/client-s3";

                const clients = new Map<string, S3Client>();

                function s3For(region: string): S3Client {
                  if (!clients.has(region)) {
                    clients.set(region, new S3Client({ region }));
                  }
                  return clients.get(region)!;
                }

                export const handler = async (event: { region: string }) => {
                  return s3For(event.region).config.region();
                };
                """
            ),
            filename="handler.ts",
        ),
        # A local run (`node handler.js`) never happens on Lambda.
        Valid(
            dedent(
                """\
                const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");

                exports.handler = async (event, context) => ({ ok: true });

                if (require.main === module) {
                  new STSClient({}).send(new GetCallerIdentityCommand({})).then(console.log);
                }
                """
            ),
            filename="handler.js",
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
        Invalid(
            dedent(
                """\
                import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";

                export const handler = async (event) => {
                  const s3 = new S3Client({});
                  return s3.send(new GetObjectCommand({ Bucket: "media", Key: event.key }));
                };
                """
            ),
            filename="handler.mjs",
            line=4,
            column=14,
            message="`new S3Client({})` builds an AWS SDK client on every invocation",
        ),
        Invalid(
            dedent(
                """\
                import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
                import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";

                export const handler = async (event: { id: string }): Promise<void> => {
                  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
                  await documents.send(new PutCommand({ TableName: "t", Item: { id: event.id } }));
                };
                """
            ),
            filename="handler.ts",
            line=5,
            column=21,
            message="builds a DynamoDB document client on every invocation",
        ),
        # SDK v2 in a helper the handler calls: reported in the helper.
        Invalid(
            dedent(
                """\
                const AWS = require("aws-sdk");

                function table() {
                  return new AWS.DynamoDB.DocumentClient();
                }

                exports.handler = async (event, context) => {
                  return table().get({ TableName: "t", Key: { id: event.id } }).promise();
                };
                """
            ),
            filename="handler.js",
            line=4,
            column=10,
            message="runs on every invocation of handler `handler`",
        ),
        # A connection in a handler that only serverless.yml names.
        Invalid(
            dedent(
                """\
                import mysql from "mysql2/promise";

                export const listOrders = async (event) => {
                  const connection = await mysql.createConnection(process.env.DATABASE_URL);
                  const [rows] = await connection.query("select * from orders");
                  return rows;
                };
                """
            ),
            filename="src/orders.mjs",
            files={
                "serverless.yml": dedent(
                    """\
                    service: shop
                    provider:
                      name: aws
                      runtime: nodejs20.x
                    functions:
                      list:
                        handler: src/orders.listOrders
                    """
                ),
            },
            line=4,
            column=28,
            message="`mysql.createConnection(process.env.DATABASE_URL)` builds a MySQL connection",
        ),
        Invalid(
            dedent(
                """\
                import Redis from "ioredis";

                export const handler = async (event: { key: string }) => {
                  const redis = new Redis(process.env.REDIS_URL!);
                  return redis.get(event.key);
                };
                """
            ),
            filename="handler.ts",
            line=4,
            column=17,
            message="builds a Redis client",
        ),
    )

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        # (function key, name or `self.attr`) -> how that function ends what the name
        # holds, in source order; read once the traversal is over, by the fix builders.
        self._endings: dict[tuple[str, str], list[_Ending]] = {}

    # -- JavaScript and TypeScript ---------------------------------------------------

    def check_javascript(
        self, module: JavaScriptModule
    ) -> Iterable[Diagnostic | PendingDiagnostic]:
        """Clients built in a function: each is pending on that function, which the
        engine keeps when a handler runs it on every invocation. Module-level code
        (`module_behaviour`, top-level `await` included) and calls under a
        once-per-environment guard (`Call.once`) are never per invocation."""
        facts = module.facts
        source: Source | None = None
        for key, function in facts.functions.items():
            reported: list[Call] = []
            for call in function.behaviour.calls:
                if call.once:
                    continue
                kind = js_client_kind(call.name)
                if kind is None:
                    continue
                if call.name in _JS_BARE_PACKAGES and call.name in facts.functions:
                    continue  # the module's own function of that name
                if any(_within(call, outer) for outer in reported):
                    continue  # `DynamoDBDocumentClient.from(new DynamoDBClient({}))`: one
                reported.append(call)
                if source is None:
                    source = Source(module.data, module.tree)
                written = _shown(source.span_text(call.span))
                message = (
                    f"`{written}` builds {_article(kind)} on every invocation: create it once "
                    "at module scope (or lazily, `client ??= ...`) so that warm invocations "
                    "reuse it and its connections"
                )
                fix = Fix(
                    Applicability.DISPLAY_ONLY,
                    self._js_advice(source, function, call, kind, written),
                )
                diagnostic = self.make_diagnostic(
                    module.path, call.span.start, call.span.end, message, fix=fix
                )
                yield PendingDiagnostic(key, diagnostic)

    def _js_advice(
        self, source: Source, function: FunctionFacts, call: Call, kind: str, written: str
    ) -> str:
        """How to hoist the construction, as a display-only fix says it: the statement
        to move, or why moving it is not enough (the function closes the client, its
        arguments come from the invocation, it is returned from a factory)."""
        lazy = f"`client ??= {written.partition('(')[0]}(...)`"
        generic = f"Create it once at module scope (or lazily: {lazy}) and reuse it"
        behaviour = function.behaviour
        for argument in call.arguments:
            shown = _invocation_input(argument.value, function, 0)
            if shown is not None:
                return (
                    f"Its arguments depend on the invocation (`{shown}`): keep one {kind} per "
                    "distinct value in a module-level cache (`clients[key] ??= ...`) and reuse it"
                )
        node = source.node(call.span)
        if node is None:
            return generic
        holder = node
        while holder.parent is not None and holder.parent.type in _JS_WRAPPERS:
            holder = holder.parent
        parent = holder.parent
        if parent is None:
            return generic
        if parent.type == "return_statement" or (
            parent.type == "arrow_function" and parent.child_by_field_name("body") == holder
        ):
            return (
                f"`{function.name}` returns a new {kind} on every call: create one at module "
                f"scope and return that, or cache it ({lazy})"
            )
        bound: str | None = None
        statement: Node | None = None
        if parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                bound = source.data[name.start_byte : name.end_byte].decode()
                statement = parent.parent
        elif parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            if left is not None:
                bound = " ".join(source.data[left.start_byte : left.end_byte].decode().split())
        if bound is None:
            return generic
        for closing in behaviour.calls:
            receiver = closing.receiver
            if closing.method in _JS_CLOSERS and receiver is not None and receiver.text == bound:
                code = _shown(source.span_text(closing.span))
                return (
                    f"`{function.name}` closes `{bound}` (`{code}`, line {closing.span.line}), "
                    f"so warm invocations would get a closed {kind} from module scope: keep "
                    f"one there and drop the `{closing.method}()`"
                )
        if (
            statement is not None
            and statement.type in ("lexical_declaration", "variable_declaration")
            and statement.parent is not None
            and statement.parent.type == "statement_block"
            and statement.parent.parent is not None
            and statement.parent.parent.type in _JS_FUNCTIONS
        ):
            code = _shown(
                source.data[statement.start_byte : statement.end_byte].decode(errors="replace"),
                limit=80,
            ).rstrip(";")
            needed = sorted(
                {
                    root
                    for argument in call.arguments
                    for root in (n.partition(".")[0] for n in argument.value.names)
                    if behaviour.local(root) is not None
                }
            )
            also = (
                " (and the local names it reads: " + ", ".join(f"`{n}`" for n in needed) + ")"
                if needed
                else ""
            )
            return (
                f"Move `{code}` to module scope{also}, after the imports, and reuse `{bound}` "
                "on every invocation"
            )
        return generic

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        if ctx.function_key is None:
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in _CLOSERS:
                self._note_ending(func.value, "close", node)
            elif method in _CONTEXT_ENTERERS and len(node.args) == 1:
                self._note_ending(node.args[0].value, "stack", node)
        if ctx.in_once_guard:
            return
        qualified = ctx.qualified_name(func)
        kind = constructed_kind(qualified)
        if kind is None or self._is_session_receiver(node):
            return
        written = ctx.module.code_for_node(func)
        message = (
            f"`{written}(...)` creates a new {kind} on every invocation: create it once at "
            "module scope so warm invocations reuse it"
        )
        fix = self._fix(node, qualified, kind)
        ctx.report(self, node, message, fix=fix, per_invocation=True)

    def visit_With(self, node: cst.With) -> None:
        if self.ctx.function_key is None:
            return
        for item in node.items:
            managed = self._closing_argument(item.item)
            if managed is not None:
                self._note_ending(managed, "closing", item.item)
            else:
                self._note_ending(item.item, "with", item.item)

    def visit_Del(self, node: cst.Del) -> None:
        if self.ctx.function_key is None:
            return
        pending: list[cst.BaseExpression] = [node.target]
        while pending:
            target = pending.pop()
            if isinstance(target, (cst.Tuple, cst.List)):
                pending.extend(element.value for element in target.elements)
            else:
                self._note_ending(target, "del", node)

    def _closing_argument(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """`conn` in `contextlib.closing(conn)`, which closes it when the block ends."""
        if (
            isinstance(node, cst.Call)
            and len(node.args) == 1
            and self.ctx.qualified_name(node.func) == "contextlib.closing"
        ):
            return node.args[0].value
        return None

    def _note_ending(self, target: cst.BaseExpression, how: str, node: cst.CSTNode) -> None:
        name = dotted_name(target)
        if name is None:
            return
        ending = _Ending(how, node)
        # A close in a nested function (a cleanup callback) ends the outer one's too.
        for scope in self.ctx.scopes:
            if scope.kind == "function":
                self._endings.setdefault((scope.key, name), []).append(ending)

    def _is_session_receiver(self, node: cst.Call) -> bool:
        """`Session()` in `Session().client("s3")`: one finding, on the client, is enough."""
        parents = self.ctx.parents
        if len(parents) < 2:
            return False
        attribute, call = parents[-1], parents[-2]
        return (
            isinstance(attribute, cst.Attribute)
            and attribute.value is node
            and attribute.attr.value in SESSION_METHODS
            and isinstance(call, cst.Call)
            and call.func is attribute
        )

    # -- the fix -------------------------------------------------------------
    def _fix(self, call: cst.Call, qualified: str | None, kind: str) -> Fix | FixBuilder:
        if is_async_constructor(qualified):
            return Fix(
                Applicability.DISPLAY_ONLY,
                "Create it once per execution environment and reuse it; an asyncio client "
                "is bound to the event loop it was created in, so keep that loop alive "
                "across invocations",
            )
        value, parents = self._assigned_value(call)
        if self._closed_by_its_with(value, parents, qualified):
            return Fix(
                Applicability.DISPLAY_ONLY,
                f"The `with` block closes the {kind} when it ends: create one at module "
                "scope and use it without `with`",
            )
        suggestion = Fix(
            Applicability.DISPLAY_ONLY,
            "Create it once at module scope (or lazily behind `if client is None`) and reuse it",
        )
        plan = self._hoist_plan(value, parents)
        fallback = suggestion if plan is None else self._hoist_builder(plan, suggestion)
        bound = _bound_name(value, parents)
        function_key = self.ctx.function_key
        function = next((p for p in reversed(parents) if isinstance(p, cst.FunctionDef)), None)
        if bound is None or function_key is None or function is None:
            return fallback
        assign, name = bound

        def build(positions: Positions) -> Fix | None:
            # Decided after the traversal: the close may come after the constructor.
            reason = self._kept_per_invocation(
                positions, function_key, function, assign, name, qualified, kind
            )
            if reason is not None:
                return Fix(Applicability.DISPLAY_ONLY, reason)
            return fallback if isinstance(fallback, Fix) else fallback(positions)

        return build

    def _kept_per_invocation(
        self,
        positions: Positions,
        function_key: str,
        function: cst.FunctionDef,
        assign: cst.Assign | cst.AnnAssign,
        name: str,
        qualified: str | None,
        kind: str,
    ) -> str | None:
        """Why the function's own code needs a new object each time: it closes it, a
        `with` block closes it, or it deletes or replaces it. None when nothing does."""
        owner = function.name.value
        for ending in self._endings.get((function_key, name), ()):
            if ending.how == "with" and not with_closes(qualified):
                continue
            code = _one_line(self.ctx.module.code_for_node(ending.node)).rstrip("; ")
            if ending.how in ("with", "closing"):
                code = f"with {code}"
            row = positions.start(ending.node).row
            if ending.how == "del":
                return (
                    f"`{owner}` deletes `{name}` (`{code}`, line {row}): keep one {kind} at "
                    "module scope and do not delete it"
                )
            remedy = {
                "close": "drop the close",
                "stack": "keep it out of the exit stack",
            }.get(ending.how, "use it without `with`")
            return (
                f"`{owner}` closes `{name}` (`{code}`, line {row}), so warm invocations "
                f"would get a closed {kind} from module scope: keep one there and {remedy}"
            )
        if "." in name:
            return None
        for node, _count in _binding_statements(inner_statements(function), name):
            if node is assign or isinstance(node, (cst.Global, cst.Nonlocal, cst.Match)):
                continue
            row = positions.start(node).row
            return (
                f"`{owner}` assigns `{name}` again (line {row}): keep one {kind} at module "
                "scope and reuse it instead of replacing it"
            )
        return None

    def _hoist_builder(
        self,
        plan: tuple[cst.SimpleStatementLine, cst.BaseStatement, set[str], bool],
        suggestion: Fix,
    ) -> FixBuilder:
        statement, function_top, names, first_in_block = plan

        def build(positions: Positions) -> Fix | None:
            edits = self._hoist_edits(positions, statement, function_top, names, first_in_block)
            return edits or suggestion

        return build

    def _assigned_value(self, call: cst.Call) -> tuple[cst.BaseExpression, list[cst.CSTNode]]:
        """The expression that holds what `call` builds, and that expression's parents.

        The value may go on from the client: `boto3.resource(...).Table(...)`."""
        parents = self.ctx.parents
        value: cst.BaseExpression = call
        while (
            len(parents) >= 2
            and isinstance(parents[-1], cst.Attribute)
            and parents[-1].value is value
            and isinstance(parents[-2], cst.Call)
            and parents[-2].func is parents[-1]
        ):
            value = parents[-2]
            parents = parents[:-2]
        return value, parents

    def _closed_by_its_with(
        self, value: cst.BaseExpression, parents: list[cst.CSTNode], qualified: str | None
    ) -> bool:
        """`with requests.Session() as s:` or `with closing(psycopg2.connect()) as c:`."""
        if not parents:
            return False
        parent = parents[-1]
        if isinstance(parent, cst.WithItem) and parent.item is value:
            return with_closes(qualified)
        if isinstance(parent, cst.Arg) and len(parents) >= 3:
            closing, item = parents[-2], parents[-3]
            return (
                isinstance(item, cst.WithItem)
                and isinstance(closing, cst.Call)
                and item.item is closing
                and self._closing_argument(closing) is value
            )
        return False

    def _hoist_plan(
        self, value: cst.BaseExpression, parents: list[cst.CSTNode]
    ) -> tuple[cst.SimpleStatementLine, cst.BaseStatement, set[str], bool] | None:
        """The statement to move, the module-level statement holding the function, the
        module-level names the moved code needs, and whether the statement opens the
        function body; None when hoisting is not safe."""
        ctx = self.ctx
        if len(parents) < 4:
            return None
        assign, line, block, function = parents[-1], parents[-2], parents[-3], parents[-4]
        if not (
            isinstance(assign, cst.Assign)
            and assign.value is value
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
        if name in ctx.module_names or name in _param_names(function) or name in _BUILTINS:
            return None
        names: set[str] = set()
        if not self._hoistable(value, names):
            return None
        top = parents[1] if len(parents) > 1 else None
        if not isinstance(top, (cst.FunctionDef, cst.ClassDef)):
            return None
        return line, top, names, block.body[0] is line

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
            func = node.func
            receiver = func.value if isinstance(func, cst.Attribute) else None
            if isinstance(func, cst.Attribute) and isinstance(receiver, cst.Call):
                # `boto3.Session().client("s3")`, `boto3.resource("dynamodb").Table("t")`
                made = constructed_kind(ctx.qualified_name(receiver.func))
                if constructed_kind(ctx.qualified_name(func)) is None and not (
                    made is not None and func.attr.value[:1].isupper()
                ):
                    return False
                return self._hoistable(receiver, names) and all(
                    self._hoistable(arg.value, names) for arg in node.args
                )
            root = func
            while isinstance(root, cst.Attribute):
                root = root.value
            if not isinstance(root, cst.Name) or not ctx.is_module_level_name(root.value):
                return False
            if ctx.binding_scope(root.value) not in (None, ctx.module_scope):
                return False  # imported inside the function: the import would move too
            qualified = ctx.qualified_name(func)
            if qualified not in _IMPORT_TIME_CALLS and constructed_kind(qualified) is None:
                return False
            # A call through an import, or `session.client("s3")` on a module-level session.
            names.add(root.value)
            return all(self._hoistable(arg.value, names) for arg in node.args)
        return False

    def _hoist_edits(
        self,
        positions: Positions,
        statement: cst.SimpleStatementLine,
        function_top: cst.BaseStatement,
        names: set[str],
        first_in_block: bool,
    ) -> Fix | None:
        ctx = self.ctx
        module = ctx.module
        assign = statement.body[0]
        assert isinstance(assign, cst.Assign)
        target = assign.targets[0].target
        assert isinstance(target, cst.Name)
        # Bound nowhere else in the module: no clash with another hoisted client, a
        # class attribute or a global of that name.
        if _bindings(module, ctx.source, target.value) != 1:
            return None
        body: list[cst.CSTNode] = list(module.body)
        top_index = body.index(function_top)
        # After the imports, the names the call uses and any module-level setup code
        # before the function (`logger = Logger()`, `os.environ.setdefault(...)`),
        # which may affect what the constructor does; `def`s in between only define.
        after = -1
        for index, item in enumerate(body[:top_index]):
            if not isinstance(item, (cst.FunctionDef, cst.ClassDef)) or _defines(item, names):
                after = index
        if after < 0:
            return None
        defined: set[str] = set()
        for item in body[: after + 1]:
            defined.update(n for n in names if _defines(item, {n}))
        if defined != names:
            return None
        code_range = positions.range(statement)
        first, last = code_range.start.line, code_range.end.line
        # Comment lines right above the statement go with it.
        comments = 0
        for empty in reversed(statement.leading_lines):
            if empty.comment is None:
                break
            comments += 1
        lines = ctx.lines
        indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
        newline = module.default_newline
        moved: list[str] = []
        for text in lines[first - 1 - comments : last]:
            moved.append(text[len(indent) :] if text.startswith(indent) else text.lstrip(" \t"))
        if not moved[-1].endswith(("\n", "\r")):
            moved[-1] += newline
        if not _same_code("".join(moved), module.code_for_node(assign)):
            return None  # e.g. a multi-line string whose lines the dedent would change
        previous = body[after]
        if _is_import(previous):
            moved.insert(0, newline)
        elif isinstance(previous, (cst.FunctionDef, cst.ClassDef)):
            moved.insert(0, newline * 2)
        insert_row = positions.range(previous).end.line + 1
        # Through the end of the statement's last line, its line ending included (a
        # position past the end of a line is no position: the next row's start is).
        if last < len(lines) or lines[-1].endswith(("\n", "\r")):
            delete_end = Location(last + 1, 1)
        else:
            delete_end = Location(last, len(lines[-1]) + 1)
        # Blank lines around the statement: keep one, and none right after the `def`.
        above = first - comments - 2
        if (
            last < len(lines)
            and not lines[last].strip()
            and (first_in_block or (above >= 0 and not lines[above].strip()))
        ):
            delete_end = Location(last + 2, 1)
        code = module.code_for_node(assign)
        if "\n" in code or "\r" in code:  # a message is one line
            code = code.splitlines()[0].rstrip() + " ..."
        return Fix(
            Applicability.UNSAFE,
            f"Move `{code}` to module scope",
            (
                Edit.insertion(Location(insert_row, 1), "".join(moved)),
                Edit.deletion(Location(first - comments, 1), delete_end),
            ),
        )


def _bound_name(
    value: cst.BaseExpression, parents: Sequence[cst.CSTNode]
) -> tuple[cst.Assign | cst.AnnAssign, str] | None:
    """The assignment of `value` to one name (`conn = ...`) or attribute (`self.conn =
    ...`), and that name; None when `value` is not assigned so."""
    assign = parents[-1] if parents else None
    if isinstance(assign, cst.Assign) and assign.value is value and len(assign.targets) == 1:
        target: cst.BaseExpression = assign.targets[0].target
    elif isinstance(assign, cst.AnnAssign) and assign.value is value:
        target = assign.target
    else:
        return None
    name = dotted_name(target)
    return None if name is None else (assign, name)


def _same_code(moved: str, original: str) -> bool:
    try:
        return ast.dump(ast.parse(moved)) == ast.dump(ast.parse(original))
    except (SyntaxError, ValueError, RecursionError):
        return False


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
            elif isinstance(small, (cst.Import, cst.ImportFrom)) and _import_binds(small, names):
                return True
        return False
    # `try: import simplejson as json / except ImportError: import json`, `if ...:`
    if isinstance(statement, (cst.If, cst.Try, cst.With)):
        return any(
            _defines(inner, names) for block in _compound_blocks(statement) for inner in block
        )
    return False


def _compound_blocks(statement: cst.CSTNode) -> list[Sequence[cst.BaseStatement]]:
    blocks: list[Sequence[cst.BaseStatement]] = []
    for suite in (
        getattr(statement, "body", None),
        getattr(getattr(statement, "orelse", None), "body", None),
        getattr(getattr(statement, "finalbody", None), "body", None),
        *(getattr(handler, "body", None) for handler in getattr(statement, "handlers", ())),
    ):
        if isinstance(suite, cst.IndentedBlock):
            blocks.append(suite.body)
    orelse = getattr(statement, "orelse", None)
    if isinstance(orelse, cst.If):
        blocks.extend(_compound_blocks(orelse))
    return blocks


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


@dataclass(frozen=True)
class _Ending:
    """Where a function ends the life of what a name holds.

    `how`: "close" (`conn.close()`), "with" (`with conn:`), "closing"
    (`with closing(conn):`), "stack" (`stack.enter_context(conn)`) or "del".
    """

    how: str
    node: cst.CSTNode


def _one_line(code: str) -> str:
    """Code for a one-line message: its first line, with ` ...` if there is more."""
    lines = code.strip().splitlines()
    if not lines:
        return code
    return lines[0].rstrip() + (" ..." if len(lines) > 1 else "")
