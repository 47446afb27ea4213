from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.analysis import PendingDiagnostic
from slint.api import CodeRule, CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.project import LinkedHandler
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from slint.facts import Behaviour, Call, Value
from slint.javascript.module import Source
from slint.python.context import ASSIGNED, DEFINED, FixBuilder, Positions, dotted_name
from slint.settings import Settings

from .._support.config import Timeout, show, timeout_of, where

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule

# -- what calls out, and how it takes a timeout ----------------------------------------------

_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})

# requests' module functions: no timeout by default (they wait as long as the socket does).
_REQUESTS_FUNCTIONS = frozenset(
    f"{module}.{method}" for module in ("requests", "requests.api") for method in _HTTP_METHODS
)
_SESSION_CONSTRUCTORS = frozenset(
    {
        "requests.Session",
        "requests.session",
        "requests.sessions.Session",
        "requests.sessions.session",
    }
)
# `Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)`.
_SESSION_REQUEST_TIMEOUT_POSITION = 8

# urllib: `urlopen(url, data=None, timeout=<socket default: none>)`, `opener.open(url, data,
# timeout)`.
_URLOPEN = frozenset(
    {
        "urllib.request.urlopen",
        "urllib.request.build_opener().open",
        "urllib.request.OpenerDirector().open",
    }
)
_URLOPEN_TIMEOUT_POSITION = 2

# urllib3: a pool's default is the socket default (no timeout) unless the pool sets one.
_POOL_CONSTRUCTORS = frozenset(
    {
        "urllib3.PoolManager",
        "urllib3.poolmanager.PoolManager",
        "urllib3.ProxyManager",
        "urllib3.poolmanager.ProxyManager",
        "urllib3.HTTPConnectionPool",
        "urllib3.HTTPSConnectionPool",
        "urllib3.connectionpool.HTTPConnectionPool",
        "urllib3.connectionpool.HTTPSConnectionPool",
        "urllib3.connection_from_url",
    }
)
_POOL_METHODS = frozenset({"request", "urlopen", "request_encode_url", "request_encode_body"})
# urllib3 2.x's module-level `request()` uses a shared pool without a timeout.
_URLLIB3_FUNCTIONS = frozenset({"urllib3.request"})

# http.client connections: `HTTPConnection(host, port=None, timeout=<socket default>)`.
_HTTP_CLIENT_CONNECTIONS = frozenset({"http.client.HTTPConnection", "http.client.HTTPSConnection"})

# httpx has a 5 s default: only an explicit `timeout=None` (or `httpx.Timeout(None)`)
# takes it away.
_HTTPX_FUNCTIONS = frozenset(f"httpx.{method}" for method in (*_HTTP_METHODS, "stream"))
_HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
_HTTPX_CLIENT_METHODS = _HTTP_METHODS | {"stream", "build_request"}
_HTTPX_TIMEOUTS = frozenset({"httpx.Timeout"})

_PLAIN_ADAPTERS = frozenset({"requests.adapters.HTTPAdapter", "requests.HTTPAdapter"})

# The last part of every callee the code side looks at: a cheap first filter.
_INTERESTING = _HTTP_METHODS | _POOL_METHODS | {"urlopen", "open", "mount", "stream"}
_INTERESTING_CONSTRUCTORS = frozenset(
    {"HTTPConnection", "HTTPSConnection", "Client", "AsyncClient"}
)

# The last part of every constructor `_caller_of` knows (besides local Session subclasses).
_CONSTRUCTOR_NAMES = frozenset(
    name.rpartition(".")[2]
    for name in (*_SESSION_CONSTRUCTORS, *_POOL_CONSTRUCTORS, *_HTTPX_CLIENTS)
)

# botocore client configurations (the cross side).
_BOTOCORE_CONFIGS = frozenset(
    {"botocore.config.Config", "botocore.client.Config", "aiobotocore.config.AioConfig"}
)
_BOTOCORE_TIMEOUTS = ("connect_timeout", "read_timeout")


# -- JavaScript and TypeScript ---------------------------------------------------------------

# `fetch` and its packages (`Call.name` is "<fetch>.<verb>"): no timeout unless a signal
# aborts the request. node-fetch 2 also takes a `timeout` option (3 dropped it; the
# WHATWG `fetch` of Node.js ignores it).
_JS_FETCH = frozenset({"fetch", "node-fetch", "cross-fetch", "isomorphic-fetch", "undici.fetch"})
_JS_FETCH_TIMEOUT_OPTION = frozenset({"node-fetch"})
# HTTP clients that wait without limit unless given `timeout` (axios' default is 0, got's
# is none), and what makes an instance of each (its options are the instance's defaults).
_JS_TIMEOUT_CLIENTS = frozenset({"axios", "got"})
_JS_INSTANCE_FACTORIES = frozenset({"axios.create()", "got.extend()"})
_JS_HTTP_METHODS = _HTTP_METHODS | {"request"}
# Signals that abort after a time of their own.
_JS_TIMEOUT_SIGNALS = frozenset({"AbortSignal.timeout", "AbortSignal.any"})
_JS_TIMERS = frozenset(
    {"setTimeout", "timers.setTimeout", "node:timers.setTimeout", "globalThis.setTimeout"}
)
_JS_CONTROLLER_SIGNAL = re.compile(r"^([A-Za-z_$][\w$]*)\.signal$")
# `axios.defaults.timeout = 5000`, `api.defaults.timeout = 5000`: every request of it.
_JS_DEFAULT_TIMEOUT = re.compile(r"\.defaults\.timeout\s*=[^=]")


@dataclass(frozen=True)
class _JsProblem:
    call: Call
    label: str  # the callee as written
    library: str  # "fetch", "axios" or "got"
    how: str  # why it waits without limit
    fixable: bool = True


# Resolves an expression to its qualified name (the traversal's, or the module's final
# bindings before the traversal has seen the imports).
_Qualifier = Callable[[cst.BaseExpression], "str | None"]

# How an object that makes calls bounds them when a call passes no timeout of its own.
_MISSING = "missing"  # nothing: the socket waits forever
_NONE = "none"  # an explicit `timeout=None`
_SET = "set"  # a timeout (or something that may carry one)


@dataclass(frozen=True)
class _Caller:
    """A session, connection pool or httpx client bound to a name."""

    kind: str  # "session", "pool" or "httpx"
    default: str  # _MISSING, _NONE or _SET
    module_level: bool


@dataclass(frozen=True)
class _Problem:
    label: str  # the callee as written
    explicit_none: cst.BaseExpression | None  # the `None` to replace, if any
    keyword: str = "timeout"
    from_client: str | None = None  # "created with `timeout=None`" when the client says so


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _unpacks_keywords(call: cst.Call) -> bool:
    """Called with `**kwargs`: a timeout may be in there."""
    return any(arg.star == "**" for arg in call.args)


def _positionals(call: cst.Call) -> int:
    """How many positional arguments (a `*args` may hold any number: counted as many)."""
    count = 0
    for arg in call.args:
        if arg.keyword is not None or arg.star == "**":
            continue
        if arg.star == "*":
            return 1_000
        count += 1
    return count


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class CallWithoutTimeout(CodeRule, CrossRule):
    """
    ## What it does
    Reports an outbound network call without a timeout in code that runs on every
    invocation (the handler and the project functions it reaches):

    - `requests.get/post/put/patch/delete/head/options/request` without `timeout=`,
      and the same methods of a `requests.Session()` (also one made at module level,
      one used in a `with` block, one stored on `self` in `__init__`, and an instance
      of a `Session` subclass of the module that does not set a timeout itself);
      an explicit `timeout=None` (or a `(connect, None)` tuple) too, since it means
      the same: wait forever;
    - `urllib.request.urlopen(...)` and `opener.open(...)` without a timeout;
    - `urllib3` pools (`PoolManager`, `HTTPConnectionPool`, ...) whose `request` /
      `urlopen` has no `timeout=` while the pool was made without one, and
      urllib3 2's module-level `urllib3.request(...)`;
    - `http.client.HTTPConnection` / `HTTPSConnection` without a timeout;
    - `httpx` calls and clients with `timeout=None` (httpx has a 5 s default, so only
      an explicit `None` or `httpx.Timeout(None)` counts), also calls on a module-level
      client that was made with `timeout=None`;
    - a botocore `Config` (`botocore.config.Config`, `aiobotocore`'s `AioConfig`)
      built in per-invocation code whose `connect_timeout` or `read_timeout` is above
      the timeout of the Lambda function that runs it (its own, inherited, or the
      format's default), read from serverless.yml, SAM or CloudFormation.

    Not reported: calls with `timeout=` (any value but `None`) or `**kwargs` (which
    may carry one); `functools.partial(requests.get, timeout=5)` and other wrappers; a
    `Session` subclass of the module that mentions a timeout (e.g. a `request`
    override that does `kwargs.setdefault("timeout", 5)`) and a session that mounts an
    adapter other than the plain `HTTPAdapter` (a timeout adapter); sessions and
    clients that come from another module or a factory (the rule cannot see how they
    were made); boto3 calls (botocore has its own 60 s defaults); code at module level
    or under a once-per-environment guard; functions no handler reaches (tests,
    scripts).

    In JavaScript and TypeScript handlers it reports `fetch` (also `node-fetch`,
    `cross-fetch`, undici's `fetch`) without a timeout signal (`signal:
    AbortSignal.timeout(ms)`, or the signal of an `AbortController` that a timer aborts:
    `setTimeout(() => controller.abort(), ms)`); a `timeout` option, which `fetch`
    ignores (node-fetch 2 honours it), does not count. It reports axios calls
    (`axios.get(url)`, `axios(config)`, `axios.request(config)`) and calls on an
    instance from `axios.create(...)` without `timeout` (axios waits without limit by
    default), and the same for got (`got(url)`, `got.extend(...)`). Not reported there:
    a `timeout` or `signal` in the call's options, in the instance's options or in
    `axios.defaults.timeout`; options it cannot read (a spread, a name holding options
    from elsewhere); a request raced against a timer (`Promise.race`, a `pTimeout`-style
    wrapper); module scope (top-level `await` included). AWS SDK v3 clients without
    `requestTimeout` / `connectionTimeout` are left alone.

    ## Why is this bad?
    Without a timeout, a call to a server that accepts the connection and then stops
    answering waits as long as the socket does, which in Lambda means until the
    function's own timeout ends the invocation. The handler cannot catch that, log
    it, fall back or answer the client: the invocation fails as `Task timed out`, is
    billed to the last millisecond, and an event source retries the whole event. A
    botocore `read_timeout` above the function's timeout has the same effect for an
    AWS call.

    ## Example
    ```python
    import requests


    def handler(event, context):
        return requests.get(event["url"]).json()
    ```

    ## Use instead
    ```python
    import requests


    def handler(event, context):
        return requests.get(event["url"], timeout=10).json()
    ```

    ## Fix
    Unsafe (the call may now fail with a timeout error where it used to wait): the
    fix adds `timeout=<default-timeout>` (setting `default-timeout`, 10 s unless
    configured) as the call's last argument, on a line of its own when the arguments
    are one per line, keeping a trailing comma and comments; an explicit
    `timeout=None` is replaced by the default. Pick a value well below the function's
    timeout. For a botocore `Config` there is no automatic fix: lower
    `connect_timeout` / `read_timeout` below the function's timeout.

    In JavaScript and TypeScript the fix (unsafe too) adds `signal:
    AbortSignal.timeout(<default-timeout in ms>)` to a `fetch`, `timeout: <ms>` to an
    axios call and `timeout: { request: <ms> }` to a got call: as the last property of
    the call's own options object (on a line of its own when the properties are one per
    line), or as a new options argument. There is no fix for options held in a name,
    nor for an `AbortController` that no timer aborts.

    ## References
    - https://requests.readthedocs.io/en/latest/user/advanced/#timeouts
    - https://www.python-httpx.org/advanced/timeouts/
    - https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen
    - https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html
    - https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static
    - https://axios-http.com/docs/req_config
    """

    code = "SL305"
    name = "call-without-timeout"
    severity = Severity.WARNING
    fix = FixKind.UNSAFE

    valid = (
        Valid(
            dedent("""\
                import requests


                def handler(event, context):
                    return requests.get(event["url"], timeout=5).json()
                """),
        ),
        # A wrapper that fixes the timeout once.
        Valid(
            dedent("""\
                from functools import partial

                import requests

                fetch = partial(requests.get, timeout=5)


                def handler(event, context):
                    return fetch(event["url"]).json()
                """),
        ),
        # The keywords may carry a timeout.
        Valid(
            dedent("""\
                import requests


                def call(url, **kwargs):
                    return requests.get(url, **kwargs)


                def handler(event, context):
                    return call(event["url"], timeout=5).json()
                """),
        ),
        # A Session subclass that sets a default timeout.
        Valid(
            dedent("""\
                import requests


                class TimeoutSession(requests.Session):
                    def request(self, method, url, **kwargs):
                        kwargs.setdefault("timeout", 5)
                        return super().request(method, url, **kwargs)


                http = TimeoutSession()


                def handler(event, context):
                    return http.get(event["url"]).json()
                """),
        ),
        # httpx has a 5 s default timeout.
        Valid(
            dedent("""\
                import httpx


                def handler(event, context):
                    return httpx.get(event["url"]).json()
                """),
        ),
        # Module level: runs once per execution environment, not per invocation.
        Valid(
            dedent("""\
                import requests

                CONFIG = requests.get("https://config.example.com/app.json").json()


                def handler(event, context):
                    return CONFIG
                """),
        ),
        # A botocore Config whose timeouts fit in the function's 30 s.
        Valid(
            dedent("""\
                import boto3
                from botocore.config import Config


                def handler(event, context):
                    s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=20))
                    return s3.list_buckets()
                """),
            files={
                "serverless.yml": dedent("""\
                    service: files
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      list:
                        handler: handler.handler
                        timeout: 30
                    """),
            },
        ),
        # JavaScript: `fetch` with a timeout signal.
        Valid(
            dedent("""\
                export const handler = async (event) => {
                  const response = await fetch(event.url, { signal: AbortSignal.timeout(5000) });
                  return response.json();
                };
                """),
            filename="handler.mjs",
        ),
        # An AbortController that a timer aborts.
        Valid(
            dedent("""\
                exports.handler = async (event, context) => {
                  const controller = new AbortController();
                  const timer = setTimeout(() => controller.abort(), 3000);
                  try {
                    const response = await fetch(process.env.URL, { signal: controller.signal });
                    return await response.json();
                  } finally {
                    clearTimeout(timer);
                  }
                };
                """),
            filename="handler.js",
        ),
        # TypeScript: an axios instance made with a timeout, and a call that sets one.
        Valid(
            dedent("""\
                import axios from "axios";

                const api = axios.create({ baseURL: "https://api.example.com", timeout: 3000 });

                export const handler = async (event: { id: string }) => {
                  const order = await api.get(`/orders/${event.id}`);
                  await axios.post("https://hooks.example.com", order.data, { timeout: 2000 });
                  return order.data;
                };
                """),
            filename="handler.ts",
        ),
        # Module scope (top-level `await`): once per execution environment.
        Valid(
            dedent("""\
                const config = await (await fetch("https://config.example.com/app.json")).json();

                export const handler = async (event) => config;
                """),
            filename="handler.mjs",
        ),
        # AWS SDK v3 clients keep their own defaults: left alone.
        Valid(
            dedent("""\
                import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

                const lambda = new LambdaClient({});

                export const handler = async (event) => {
                  await lambda.send(new InvokeCommand({ FunctionName: "worker" }));
                };
                """),
            filename="handler.mjs",
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                import requests


                def handler(event, context):
                    return requests.get(event["url"]).json()
                """),
            line=5,
            column=12,
            message="`requests.get` is called without a timeout",
        ),
        Invalid(
            dedent("""\
                import requests

                session = requests.Session()


                def handler(event, context):
                    session.post(event["hook"], json=event["body"])
                """),
            line=7,
            column=5,
            message="`session.post` is called without a timeout",
        ),
        Invalid(
            dedent("""\
                import json
                from urllib.request import urlopen


                def handler(event, context):
                    with urlopen(event["ResponseURL"]) as response:
                        return json.load(response)
                """),
            line=6,
            column=10,
            message="`urlopen` is called without a timeout",
        ),
        Invalid(
            dedent("""\
                import httpx


                async def fetch(url):
                    async with httpx.AsyncClient() as client:
                        return await client.get(url, timeout=None)


                def handler(event, context):
                    return fetch(event["url"])
                """),
            line=6,
            column=22,
            message="`client.get` is called with a `None` timeout",
        ),
        Invalid(
            dedent("""\
                import boto3
                from botocore.config import Config


                def handler(event, context):
                    config = Config(read_timeout=60)
                    return boto3.client("lambda", config=config).invoke(FunctionName="worker")
                """),
            files={
                "serverless.yml": dedent("""\
                    service: jobs
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      start:
                        handler: handler.handler
                        timeout: 30
                    """),
            },
            line=6,
            column=14,
            message="`read_timeout=60` lets one SDK call wait 60 s, longer than function "
            "`start`'s timeout 30 s (serverless.yml:8)",
        ),
        Invalid(
            dedent("""\
                import boto3
                import botocore.config


                def handler(event, context):
                    config = botocore.config.Config(connect_timeout=10, read_timeout=10)
                    return boto3.client("s3", config=config).list_buckets()
                """),
            files={
                "template.yaml": dedent("""\
                    AWSTemplateFormatVersion: "2010-09-09"
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      Lister:
                        Type: AWS::Serverless::Function
                        Properties:
                          Handler: handler.handler
                          Runtime: python3.12
                    """),
            },
            line=6,
            column=14,
            message="longer than function `Lister`'s default timeout 3 s (template.yaml:4)",
        ),
        Invalid(
            dedent("""\
                import boto3
                from botocore.config import Config


                def handler(event, context):
                    sqs = boto3.client("sqs", config=Config(read_timeout=25))
                    return sqs.receive_message(QueueUrl=event["queue"], WaitTimeSeconds=20)
                """),
            files={
                "template.yaml": dedent("""\
                    AWSTemplateFormatVersion: "2010-09-09"
                    Resources:
                      Poller:
                        Type: AWS::Lambda::Function
                        Properties:
                          Handler: handler.handler
                          Runtime: python3.12
                          Role: arn:aws:iam::123456789012:role/poller
                          Timeout: 15
                          Code: .
                    """),
            },
            line=6,
            column=38,
            message="longer than function `Poller`'s timeout 15 s (template.yaml:9)",
        ),
        Invalid(
            dedent("""\
                export const handler = async (event) => {
                  const response = await fetch(event.url);
                  return response.json();
                };
                """),
            filename="handler.mjs",
            line=2,
            column=26,
            message="`fetch` is called without a timeout signal",
        ),
        # A helper that a handler named in serverless.yml calls.
        Invalid(
            dedent("""\
                const axios = require("axios");

                async function notify(order) {
                  await axios.post(process.env.WEBHOOK_URL, order);
                }

                exports.created = async (event, context) => {
                  await notify(JSON.parse(event.body));
                  return { statusCode: 201 };
                };
                """),
            filename="orders.js",
            files={
                "serverless.yml": dedent("""\
                    service: shop
                    provider:
                      name: aws
                      runtime: nodejs20.x
                    functions:
                      created:
                        handler: orders.created
                    """),
            },
            line=4,
            column=9,
            message="`axios.post` is called without a timeout",
        ),
        # TypeScript: an instance made without a timeout.
        Invalid(
            dedent("""\
                import axios from "axios";

                const api = axios.create({ baseURL: "https://api.example.com" });

                export const handler = async (event: { id: string }) => {
                  const { data } = await api.get(`/orders/${event.id}`);
                  return data;
                };
                """),
            filename="handler.ts",
            line=6,
            column=26,
            message="on an instance made by `axios.create(...)` without one",
        ),
        # `fetch` has no `timeout` option.
        Invalid(
            dedent("""\
                export const handler = async (event) => {
                  const response = await fetch(event.url, { timeout: 5000 });
                  return response.status;
                };
                """),
            filename="handler.mjs",
            line=2,
            column=26,
            message="`timeout` option, which `fetch` ignores",
        ),
    )

    # -- the code side: state per module -------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        # Local `Session` subclasses (name -> sets a timeout itself), the module-level
        # sessions/pools/clients and the adapters mounted on them: found before the
        # traversal reaches the functions, which may come first in the file.
        self._session_classes: dict[str, bool] = {}
        self._callers: dict[tuple[str, str], _Caller] = {}
        self._scan_classes(node.body)
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            self._remember(
                                "", target.target.value, small.value, self._static_name, True
                            )
                elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    self._note_mount(small.value, "", self._static_name)

    def _scan_classes(self, statements: Sequence[cst.BaseStatement]) -> None:
        for statement in statements:
            if not isinstance(statement, cst.ClassDef):
                continue
            bases = [self._static_name(arg.value) for arg in statement.bases]
            is_session = any(
                base in _SESSION_CONSTRUCTORS or base in self._session_classes for base in bases
            )
            if not is_session:
                continue
            inherited = any(self._session_classes.get(base or "", False) for base in bases)
            self._session_classes[statement.name.value] = inherited or _mentions_timeout(
                statement.body
            )

    def _static_name(self, node: cst.BaseExpression) -> str | None:
        """The qualified name of a module-level expression, from the module's final
        bindings (usable before the traversal has seen the imports)."""
        if isinstance(node, cst.Call):
            inner = self._static_name(node.func)
            return f"{inner}()" if inner is not None else None
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        bound = self.ctx.module_final.get(head)
        if bound is None or bound in (DEFINED, ASSIGNED):
            return dotted
        return f"{bound}.{rest}" if rest else bound

    def _scope_key(self) -> str:
        return self.ctx.function_key or ""

    def _remember(
        self,
        scope: str,
        name: str,
        value: cst.Call,
        qualify: _Qualifier,
        module_level: bool,
    ) -> None:
        func = value.func
        last = func.attr.value if isinstance(func, cst.Attribute) else None
        if isinstance(func, cst.Name):  # through an alias: `from requests import Session as S`
            last = (qualify(func) or func.value).rpartition(".")[2]
        if last not in _CONSTRUCTOR_NAMES and last not in self._session_classes:
            # Cheap filter: most assignments make no session, pool or client.
            self._callers.pop((scope, name), None)
            return
        made = qualify(func)
        caller = self._caller_of(value, made, module_level)
        if caller is not None:
            self._callers[(scope, name)] = caller
        else:
            self._callers.pop((scope, name), None)

    def _caller_of(self, call: cst.Call, made: str | None, module_level: bool) -> _Caller | None:
        if made is None:
            return None
        if made in _SESSION_CONSTRUCTORS:
            return _Caller("session", _MISSING, module_level)
        if made in self._session_classes:
            default = _SET if self._session_classes[made] else _MISSING
            return _Caller("session", default, module_level)
        if made in _POOL_CONSTRUCTORS:
            return _Caller("pool", self._given_timeout(call), module_level)
        if made in _HTTPX_CLIENTS:
            given = self._given_timeout(call)
            return _Caller("httpx", _NONE if given == _NONE else _SET, module_level)
        return None

    def _given_timeout(self, call: cst.Call) -> str:
        if _unpacks_keywords(call):
            return _SET
        arg = _keyword(call, "timeout")
        if arg is None:
            return _MISSING
        return _NONE if self._unbounded(arg.value) is not None else _SET

    def _unbounded(self, value: cst.BaseExpression) -> cst.BaseExpression | None:
        """The `None` that leaves a timeout unbounded: `None`, `(5, None)`,
        `httpx.Timeout(None)`; None when the value bounds the wait."""
        if _is_none(value):
            return value
        if isinstance(value, cst.Tuple):
            # requests' (connect, read): a `None` read timeout waits forever.
            for element in value.elements:
                if _is_none(element.value):
                    return value
            return None
        if isinstance(value, cst.Call) and self.ctx.qualified_name(value.func) in _HTTPX_TIMEOUTS:
            first = value.args[0] if value.args else None
            if (
                first is not None
                and first.keyword is None
                and first.star == ""
                and _is_none(first.value)
                and len(value.args) == 1
            ):
                return value
        return None

    def _note_mount(self, call: cst.Call, scope: str, qualify: _Qualifier) -> None:
        """`session.mount("https://", TimeoutAdapter(...))`: an adapter other than the
        plain `HTTPAdapter` may set a timeout; the session is then left alone."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "mount"):
            return
        owner = dotted_name(func.value)
        adapter = call.args[1].value if len(call.args) > 1 else None
        if owner is None or adapter is None:
            return
        key = (scope, owner) if (scope, owner) in self._callers else ("", owner)
        caller = self._callers.get(key)
        if caller is None or caller.kind != "session":
            return
        made = qualify(adapter.func) if isinstance(adapter, cst.Call) else qualify(adapter)
        if made is not None and made.removesuffix("()") in _PLAIN_ADAPTERS:
            return
        self._callers[key] = _Caller("session", _SET, caller.module_level)

    # -- the code side: the traversal ------------------------------------------------------

    def leave_Assign(self, original_node: cst.Assign) -> None:
        if not self._scope_key():
            return
        value = original_node.value
        for target in original_node.targets:
            name = self._target_key(target.target)
            if name is None:
                continue
            if isinstance(value, cst.Call):
                self._remember(name[0], name[1], value, self.ctx.qualified_name, False)
            else:  # bound to something else now
                self._callers.pop(name, None)

    def leave_WithItem(self, original_node: cst.WithItem) -> None:
        scope = self._scope_key()
        if (
            not scope
            or original_node.asname is None
            or not isinstance(original_node.item, cst.Call)
        ):
            return
        target = original_node.asname.name
        if isinstance(target, cst.Name):
            self._remember(scope, target.value, original_node.item, self.ctx.qualified_name, False)

    def _target_key(self, target: cst.BaseExpression) -> tuple[str, str] | None:
        """Where a function-level assignment is remembered: (function key, name), or
        (class key, "self.attr") for an attribute of `self` set in a method."""
        scope = self._scope_key()
        if isinstance(target, cst.Name):
            return scope, target.value
        dotted = dotted_name(target)
        if dotted is not None and dotted.startswith("self.") and dotted.count(".") == 1:
            owner = scope.rpartition(".")[0]
            return (f"class:{owner}", dotted) if owner else None
        return None

    def _lookup(self, receiver: cst.BaseExpression) -> _Caller | None:
        ctx = self.ctx
        scope = self._scope_key()
        if isinstance(receiver, cst.Name):
            found = self._callers.get((scope, receiver.value))
            if found is not None:
                return found
            if ctx.binding_scope(receiver.value) in (None, ctx.module_scope):
                return self._callers.get(("", receiver.value))
            return None
        dotted = dotted_name(receiver)
        owner = scope.rpartition(".")[0]
        if dotted is not None and dotted.startswith("self.") and owner:
            return self._callers.get((f"class:{owner}", dotted))
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute):
            last = func.attr.value
        elif isinstance(func, cst.Name):
            last = func.value
            if last not in _INTERESTING and last not in _INTERESTING_CONSTRUCTORS:
                # `from requests import get as fetch`: the imported name counts.
                bound = self.ctx.lookup(last)
                last = bound.rpartition(".")[2] if bound is not None else last
        else:
            return
        if last not in _INTERESTING and last not in _INTERESTING_CONSTRUCTORS:
            return
        if last == "mount":
            if self.ctx.function_key is not None:
                self._note_mount(node, self._scope_key(), self.ctx.qualified_name)
            return
        problem = self._problem(node, func, last)
        if problem is None:
            return
        self.ctx.report(
            self,
            node,
            self._message(problem),
            fix=self._fix(node, problem),
            per_invocation=True,
        )

    def _problem(self, node: cst.Call, func: cst.BaseExpression, last: str) -> _Problem | None:
        ctx = self.ctx
        qualified = ctx.qualified_name(func)
        label = dotted_name(func) or qualified or last
        timeout = _keyword(node, "timeout")
        if qualified in _HTTPX_FUNCTIONS or qualified in _HTTPX_CLIENTS:
            return self._explicit_none(label, timeout)
        if qualified in _REQUESTS_FUNCTIONS or qualified in _URLLIB3_FUNCTIONS:
            return self._no_timeout(node, label, timeout, None)
        if qualified in _URLOPEN:
            return self._no_timeout(node, label, timeout, _URLOPEN_TIMEOUT_POSITION)
        if qualified in _HTTP_CLIENT_CONNECTIONS:
            # The timeout's position differs between Python versions: any positional
            # argument after `port` may be it.
            return self._no_timeout(node, label, timeout, 2)
        if not isinstance(func, cst.Attribute):
            return None
        receiver = func.value
        caller = self._lookup(receiver)
        if caller is None and isinstance(receiver, cst.Call):
            made = ctx.qualified_name(receiver.func)
            caller = self._caller_of(receiver, made, False)
        if caller is None:
            return None
        if caller.kind == "session" and last in _HTTP_METHODS:
            if timeout is None and caller.default == _SET:
                return None
            position = _SESSION_REQUEST_TIMEOUT_POSITION if last == "request" else None
            return self._no_timeout(node, label, timeout, position)
        if caller.kind == "pool" and last in _POOL_METHODS:
            if timeout is None and caller.default != _MISSING:
                return None
            return self._no_timeout(node, label, timeout, None)
        if caller.kind == "httpx" and last in _HTTPX_CLIENT_METHODS:
            if timeout is None:
                # A client made with `timeout=None` in a function is reported where it
                # is made; one made at module level is reported at each call.
                if caller.default == _NONE and caller.module_level and not _unpacks_keywords(node):
                    return _Problem(label, None, from_client="a client created with `timeout=None`")
                return None
            return self._explicit_none(label, timeout)
        return None

    def _no_timeout(
        self, node: cst.Call, label: str, timeout: cst.Arg | None, position: int | None
    ) -> _Problem | None:
        if timeout is not None:
            none = self._unbounded(timeout.value)
            return _Problem(label, none) if none is not None else None
        if _unpacks_keywords(node):
            return None
        if position is not None and _positionals(node) > position:
            return None
        return _Problem(label, None)

    def _explicit_none(self, label: str, timeout: cst.Arg | None) -> _Problem | None:
        if timeout is None:
            return None
        none = self._unbounded(timeout.value)
        return _Problem(label, none) if none is not None else None

    def _message(self, problem: _Problem) -> str:
        seconds = self.settings.default_timeout
        if problem.from_client is not None:
            how = f"`{problem.label}` runs on {problem.from_client}, which waits without limit"
        elif problem.explicit_none is not None:
            how = f"`{problem.label}` is called with a `None` timeout, which waits without limit"
        else:
            how = f"`{problem.label}` is called without a timeout"
        return (
            f"{how}: if the server stops answering, the invocation hangs until the "
            f"function's own timeout ends it, and the handler cannot catch or log it; "
            f"pass `timeout={seconds}`."
        )

    def _fix(self, node: cst.Call, problem: _Problem) -> FixBuilder | None:
        if problem.from_client is not None:
            return None
        parents = self.ctx.parents
        top = parents[1] if len(parents) > 1 else node
        lines = self.ctx.lines
        newline = self.ctx.module.default_newline
        seconds = self.settings.default_timeout
        none = problem.explicit_none
        label = problem.label

        def build(positions: Positions) -> Fix | None:
            positions.prepare(top)
            if none is not None:
                start, end = _with_parentheses(none, positions, lines)
                edits = [Edit(start, end, str(seconds))]
                return Fix(
                    Applicability.UNSAFE,
                    f"Give `{label}` a timeout of {seconds} s",
                    tuple(edits),
                )
            added = _timeout_insertion(node, positions, lines, newline, f"timeout={seconds}")
            if added is None:
                return None
            return Fix(Applicability.UNSAFE, f"Pass `timeout={seconds}` to `{label}`", added)

        return build

    # -- JavaScript and TypeScript --------------------------------------------------------

    def check_javascript(
        self, module: JavaScriptModule
    ) -> Iterable[Diagnostic | PendingDiagnostic]:
        """`fetch` without a timeout signal, axios and got calls (and instances) without
        `timeout`, in functions: pending on the function, which the engine keeps when a
        handler runs it on every invocation. AWS SDK v3 clients are left alone (their
        `requestTimeout` is unset by default, but the SDK retries on its own terms)."""
        facts = module.facts
        defaults_set = bool(_JS_DEFAULT_TIMEOUT.search(module.text))
        unreadable_instances = _unreadable_instances(facts.module_behaviour) or any(
            _unreadable_instances(function.behaviour) for function in facts.functions.values()
        )
        milliseconds = module.settings.default_timeout * 1000
        source: Source | None = None
        for key, function in facts.functions.items():
            behaviour = function.behaviour
            for call in behaviour.calls:
                if call.once:
                    continue
                problem = _js_problem(
                    call, behaviour, facts.module_behaviour, defaults_set, unreadable_instances
                )
                if problem is None:
                    continue
                if source is None:
                    source = Source(module.data, module.tree)
                diagnostic = self.make_diagnostic(
                    module.path,
                    call.span.start,
                    call.span.end,
                    _js_message(problem, milliseconds),
                    fix=_js_fix(source, problem, milliseconds),
                )
                yield PendingDiagnostic(key, diagnostic)

    # -- the cross side: botocore client configurations ------------------------------------

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.reached:
            return
        timeout = timeout_of(function)
        if timeout is None:
            return
        # Configs made per invocation, and at module level in the modules the handler's
        # module loads (where clients usually get theirs).
        places = [(reached.display, reached.behaviour) for reached in handler.reached]
        places.extend((loaded.display, loaded.facts.module_behaviour) for loaded in handler.modules)
        for display, behaviour in places:
            for call in behaviour.calls:
                if call.name not in _BOTOCORE_CONFIGS:
                    continue
                longer = list(_longer_than(call, timeout.seconds))
                if not longer:
                    continue
                yield self.make_diagnostic(
                    display,
                    call.span.start,
                    call.span.end,
                    _config_message(function, timeout, longer),
                )


def _longer_than(call: Call, seconds: int | float) -> Iterator[tuple[str, int | float]]:
    for keyword in _BOTOCORE_TIMEOUTS:
        value: Value | None = call.argument(keyword)
        if value is None or not value.is_literal:
            continue
        literal = value.literal
        if isinstance(literal, bool) or not isinstance(literal, (int, float)):
            continue
        if literal > seconds:
            yield keyword, literal


def _config_message(
    function: Function, timeout: Timeout, longer: list[tuple[str, int | float]]
) -> str:
    settings = " and ".join(f"`{keyword}={show(value)}`" for keyword, value in longer)
    # An inherited timeout's description already says where it comes from.
    if timeout.origin == "default":
        place = f" ({function.file}:{function.at.row})"
    elif timeout.origin == "own":
        place = f" ({where(timeout.setting)})"
    else:
        place = ""
    wait = max(value for _, value in longer)
    return (
        f"botocore `Config` with {settings} lets one SDK call wait {show(wait)} s, longer than "
        f"function `{function.name}`'s {timeout.describe(function.app)}{place}: a stalled "
        f"call ends in a Lambda timeout instead of an error the handler can catch; set it "
        f"below {show(timeout.seconds)} s."
    )


def _mentions_timeout(body: cst.BaseSuite) -> bool:
    """Does a class body speak of a timeout anywhere (a `timeout` name, attribute,
    parameter, keyword or string)? Walked once per `Session` subclass of a module."""
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> bool:
            nonlocal found
            if "timeout" in node.value.lower():
                found = True
            return not found

        def visit_SimpleString(self, node: cst.SimpleString) -> bool:
            nonlocal found
            if "timeout" in node.value.lower():
                found = True
            return False

    body.visit(_Finder())
    return found


def _timeout_insertion(
    node: cst.Call, positions: Positions, lines: list[str], newline: str, text: str
) -> tuple[Edit, ...] | None:
    """Edits that add `text` (`timeout=10`) as the call's last argument: on a line of its
    own when the last argument has one (keeping a trailing comma and a comment after it),
    else after the last argument."""
    if not node.args:
        return None
    last = node.args[-1]
    if last.star == "**":
        return None
    value_end = positions.end(last.value)
    arg_start = positions.start(last)
    call_start = positions.start(node)
    line = lines[value_end.row - 1]
    body = line.rstrip("\r\n")
    before = lines[arg_start.row - 1][: arg_start.column - 1]
    rest = body[value_end.column - 1 :]
    has_comma = not isinstance(last.comma, cst.MaybeSentinel)
    after_comma = rest.lstrip()
    if has_comma and after_comma.startswith(","):
        after_comma = after_comma[1:].lstrip()
    own_line = (
        call_start.row < arg_start.row
        and not before.strip()
        and (not after_comma or after_comma.startswith("#"))
    )
    if not own_line:
        return (Edit.insertion(value_end, f", {text}"),)
    line_end = Location(value_end.row, len(body) + 1)
    added = f"{newline}{before}{text}{',' if has_comma else ''}"
    if has_comma:
        return (Edit.insertion(line_end, added),)
    if line_end == value_end:
        return (Edit.insertion(value_end, "," + added),)
    # A comment follows the last argument: the comma goes before it, the new argument
    # after it.
    return (Edit.insertion(value_end, ","), Edit.insertion(line_end, added))


def _with_parentheses(
    node: cst.BaseExpression, positions: Positions, lines: list[str]
) -> tuple[Location, Location]:
    """The range of `node` with its own parentheses (`(3, None)`: libcst's positions of a
    parenthesized expression leave them out)."""
    start, end = positions.start(node), positions.end(node)
    for _ in node.lpar:
        before = lines[start.row - 1][: start.column - 1].rstrip(" \t")
        if not before.endswith("("):
            break
        start = Location(start.row, len(before))
    for _ in node.rpar:
        line = lines[end.row - 1]
        after = line[end.column - 1 :]
        stripped = after.lstrip(" \t")
        if not stripped.startswith(")"):
            break
        end = Location(end.row, end.column + len(after) - len(stripped) + 1)
    return start, end


# -- JavaScript and TypeScript: what a call lacks ---------------------------------------------


def _js_setting(library: str, milliseconds: int) -> str:
    """The option that bounds a request of `library`."""
    if library == "fetch":
        return f"signal: AbortSignal.timeout({milliseconds})"
    if library == "got":
        return f"timeout: {{ request: {milliseconds} }}"
    return f"timeout: {milliseconds}"


def _js_message(problem: _JsProblem, milliseconds: int) -> str:
    return (
        f"`{problem.label}` {problem.how}: if the server stops answering, the invocation "
        "hangs until the function's own timeout ends it, and the handler cannot catch or "
        f"log it; pass `{_js_setting(problem.library, milliseconds)}`."
    )


def _js_fix(source: Source, problem: _JsProblem, milliseconds: int) -> Fix | None:
    """Adds the timeout to the call's own options object (after its last property,
    or as a new last argument when the call has none); None where the options come
    from elsewhere or the call cannot be read."""
    if not problem.fixable:
        return None
    setting = _js_setting(problem.library, milliseconds)
    edits = _options_insertion(source, problem, setting)
    if edits is None:
        return None
    return Fix(Applicability.UNSAFE, f"Pass `{setting}` to `{problem.label}`", edits)


def _js_library(call: Call) -> str | None:
    """ "fetch", "axios" or "got" for an HTTP request of one of them; None otherwise."""
    head, _, last = call.name.rpartition(".")
    if head in _JS_FETCH:
        return "fetch"
    root = head.partition(".")[0]
    if root not in _JS_TIMEOUT_CLIENTS or last not in _JS_HTTP_METHODS or call.method != last:
        return None
    return root


def _raced(request: Call, calls: Sequence[Call]) -> bool:
    """Is the request an argument of `Promise.race(...)` or of a timeout wrapper
    (`pTimeout(fetch(url), 5000)`, `withTimeout(...)`)? Its wait is bounded there."""
    for call in calls:
        if call is request:
            continue
        if not (call.span.start <= request.span.start and request.span.end <= call.span.end):
            continue
        if call.name.endswith("Promise.race") or "timeout" in call.method.lower():
            return True
    return False


def _label(call: Call) -> str:
    if call.display is not None:
        return call.display.removesuffix("(...)")
    return call.name


def _unreadable_instances(behaviour: Behaviour) -> bool:
    """Does the code make an axios or got instance from options it cannot read
    (`axios.create(config)`)? Those may carry a timeout."""
    for call in behaviour.calls:
        if f"{call.name}()" not in _JS_INSTANCE_FACTORIES and not any(
            f"{call.name}()".endswith("." + factory) for factory in _JS_INSTANCE_FACTORIES
        ):
            continue
        if not call.arguments:
            continue
        options = call.arguments[0].value
        if not options.items and not options.text.strip().startswith("{"):
            return True
    return False


def _instance_of(call: Call) -> str | None:
    """The factory (`axios.create()`) that made the instance a call is made on."""
    head = call.name.rpartition(".")[0]
    for factory in _JS_INSTANCE_FACTORIES:
        if head == factory or head.endswith("." + factory):
            return factory
    return None


def _js_problem(
    call: Call,
    behaviour: Behaviour,
    module_behaviour: Behaviour,
    defaults_set: bool,
    unreadable_instances: bool,
) -> _JsProblem | None:
    library = _js_library(call)
    if library is None or call.has_unpacked_keywords:
        return None
    if _raced(call, behaviour.calls):
        return None
    label = _label(call)
    if library == "fetch":
        return _fetch_problem(call, label, behaviour, module_behaviour)
    if call.has_keyword("timeout") or call.has_keyword("signal") or defaults_set:
        return None
    factory = _instance_of(call)
    if factory is None:
        default = "axios waits without limit by default" if library == "axios" else None
        how = "is called without a timeout" + (f" ({default})" if default else "")
        return _JsProblem(call, label, library, how)
    receiver = call.receiver
    if receiver is None or receiver.origin is None or not receiver.origin.endswith(factory):
        return None
    keys = {key for key, _ in receiver.keywords}
    if "timeout" in keys or "**" in keys:
        return None
    if not keys and unreadable_instances:
        return None
    made = f"`{factory.removesuffix('()')}(...)`"
    return _JsProblem(
        call,
        label,
        library,
        f"is called without a timeout on an instance made by {made} without one",
    )


def _fetch_problem(
    call: Call, label: str, behaviour: Behaviour, module_behaviour: Behaviour
) -> _JsProblem | None:
    request = call.argument("", 0)
    if request is not None and request.origin in ("Request()", "undici.Request()"):
        # A `Request` carries the signal it was made with (`new Request(url, init)`).
        keys = {key for key, _ in request.keywords}
        if not keys or "signal" in keys or "**" in keys:
            return None
    signal = call.argument("signal")
    if signal is None:
        if call.has_keyword("timeout"):
            if call.name.rpartition(".")[0] in _JS_FETCH_TIMEOUT_OPTION:
                return None
            how = "is called with a `timeout` option, which `fetch` ignores"
            return _JsProblem(call, label, "fetch", how)
        return _JsProblem(call, label, "fetch", "is called without a timeout signal")
    if any(name in _JS_TIMEOUT_SIGNALS for name in signal.names):
        return None
    match = _JS_CONTROLLER_SIGNAL.match(signal.text)
    if match is None:
        return None  # a signal from elsewhere: it may well time out
    controller = match.group(1)
    held = behaviour.local(controller) or module_behaviour.local(controller)
    if held is None or held.origin != "AbortController()":
        return None
    for calls in (behaviour.calls, module_behaviour.calls):
        if _aborted_by_timer(controller, calls, call):
            return None
    how = f"is called with the signal of `{controller}`, an `AbortController` that no timer aborts"
    return _JsProblem(call, label, "fetch", how, fixable=False)


def _aborted_by_timer(controller: str, calls: Sequence[Call], fetch: Call) -> bool:
    """A timer aborts `controller` (`setTimeout(() => controller.abort(), ms)`), or the
    controller is handed to other code (a helper that may set one up)."""
    timers = [c for c in calls if c.name in _JS_TIMERS]
    for call in calls:
        if call is fetch:
            continue
        receiver = call.receiver
        if (
            call.method == "abort"
            and receiver is not None
            and receiver.text == controller
            and any(t.span.start <= call.span.start and call.span.end <= t.span.end for t in timers)
        ):
            return True
        for argument in call.arguments:
            roots = {name.partition(".")[0] for name in argument.value.names}
            if controller in roots and call.name not in _JS_TIMEOUT_SIGNALS:
                return True
    return False


def _options_index(problem: _JsProblem, arguments: Sequence[Node]) -> int:
    """Where the call's options object is (or would go) among its arguments."""
    if problem.library in ("fetch", "got"):
        return 1
    verb = problem.label.rpartition(".")[2]
    if verb in ("get", "delete", "head", "options"):
        return 1  # `axios.get(url, config)`
    if verb in ("post", "put", "patch"):
        return 2  # `axios.post(url, data, config)`
    # `axios(config)`, `axios(url, config)`, `axios.request(config)`: the last argument.
    if arguments and arguments[-1].type == "object":
        return len(arguments) - 1
    return len(arguments)


def _options_insertion(
    source: Source, problem: _JsProblem, setting: str
) -> tuple[Edit, ...] | None:
    node = source.node(problem.call.span)
    if node is None or node.type != "call_expression":
        return None
    arguments_node = node.child_by_field_name("arguments")
    if arguments_node is None or arguments_node.type != "arguments":
        return None
    arguments = [c for c in arguments_node.named_children if not c.is_extra]
    index = _options_index(problem, arguments)
    if not arguments or index > len(arguments):
        return None
    if index == len(arguments):
        last = arguments[-1]
        return (Edit.insertion(source.location(last.end_byte), f", {{ {setting} }}"),)
    options = arguments[index]
    if options.type != "object":
        return None
    members = [c for c in options.named_children if not c.is_extra]
    if not members:
        start, end = source.location(options.start_byte), source.location(options.end_byte)
        return (Edit(start, end, f"{{ {setting} }}"),)
    return _after_member(source, options, members[-1], setting)


def _after_member(source: Source, options: Node, last: Node, setting: str) -> tuple[Edit, ...]:
    """`setting` as a new last property of an object: after `last` on its line, or on a
    line of its own (indented as `last`, keeping a trailing comma) when `last` has one."""
    data = source.data
    line_start = max(data.rfind(b"\n", 0, last.start_byte), data.rfind(b"\r", 0, last.start_byte))
    before = data[line_start + 1 : last.start_byte]
    if (
        before.strip()
        or source.location(options.start_byte).row == source.location(last.start_byte).row
    ):
        return (Edit.insertion(source.location(last.end_byte), f", {setting}"),)
    ends = [i for i in (data.find(b"\n", last.end_byte), data.find(b"\r", last.end_byte)) if i >= 0]
    line_end = min(ends) if ends else len(data)
    rest = data[last.end_byte : line_end]
    after = rest.lstrip()
    has_comma = after.startswith(b",")
    if has_comma:
        after = after[1:].lstrip()
    indent = before.decode("utf-8", "replace")
    newline = "\r\n" if data[line_end : line_end + 2] == b"\r\n" else "\n"
    added = f"{newline}{indent}{setting}{',' if has_comma else ''}"
    if has_comma:
        return (Edit.insertion(source.location(line_end), added),)
    if not after:
        return (Edit.insertion(source.location(last.end_byte), "," + added),)
    # A comment follows the last property: the comma before it, the property after it.
    return (
        Edit.insertion(source.location(last.end_byte), ","),
        Edit.insertion(source.location(line_end), added),
    )
