from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path
from textwrap import dedent

from slint.api import CrossRule, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.node import node_major
from slint.app.project import LinkedHandler
from slint.diagnostics import Diagnostic, Location
from slint.facts import ModuleFacts
from slint.reachability import export_target
from slint.settings import Settings

from .._support.config import where
from .._support.handler_code import (
    Binding,
    Signature,
    find_class,
    find_function,
    has_project_handler,
    has_project_node_handler,
    module_bindings,
    parse_module,
    signature_problem,
)

# Builtin bases whose instances the runtime can serialise as a response.
_SERIALISABLE_BASES = frozenset({"dict", "list", "str", "int", "float"})


class HandlerSignature(CrossRule):
    """
    ## What it does
    Checks that the handler a config names can be called the way the Python runtime
    calls it: `handler(event, context)`, two positional arguments, and a result it
    can serialise. Reported at the handler's `def` (where the fix goes), with the
    config that names it in the message. Flags an `async def`, a function that takes
    fewer or more required parameters than `(event, context)` or requires keyword-only
    ones, a class, and an instance that cannot be called. Defaults and `*args` are
    fine; so are decorators that keep the signature (Powertools `Logger`, `Tracer`,
    `Metrics`, `event_source`, `event_parser`, `idempotent`, ...) or supply extra
    parameters (aws-embedded-metrics `@metric_scope` passes `metrics`). A handler with
    a decorator slint does not know is not checked.

    For Node.js handlers it checks the export the config names: an export that is not
    a function (an object, a string, a class) is an error; so is a callback-style
    handler on `nodejs24.x` or later (a third parameter, which the runtime takes for a
    callback, or `context.done/succeed/fail`), which that runtime refuses; an `async`
    handler that also calls its callback is a warning. Response-streaming handlers
    (`awslambda.streamifyResponse`) take three parameters and are fine.

    ## Why is this bad?
    The deployment succeeds and every invocation fails. The runtime does not await a
    coroutine: an `async def` handler returns an un-awaited coroutine that cannot be
    serialised, and its body never runs. A handler with the wrong number of
    parameters raises `TypeError` before its first line. Calling a class builds an
    instance, which the runtime cannot turn into a response.

    ## Example
    ```python
    # src/api.py, named by `handler: src/api.create_order` in serverless.yml
    async def create_order(event, context):
        order = await save(event)
        return {"statusCode": 201, "body": order.json()}
    ```

    ## Use instead
    ```python
    import asyncio

    def create_order(event, context):
        return asyncio.run(_create_order(event))

    async def _create_order(event):
        order = await save(event)
        return {"statusCode": 201, "body": order.json()}
    ```

    ## Fix
    There is no automatic fix: give the handler the signature `(event, context)`, or
    point the config at a function that has it.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html
    - https://github.com/awslabs/aws-embedded-metrics-python#usage
    - https://docs.powertools.aws.dev/lambda/python/latest/core/logger/
    """

    code = "SL002"
    name = "handler-signature"
    severity = Severity.ERROR

    def __init__(self) -> None:
        # The engine keeps one instance per config: a handler that several functions
        # name is reported once, at its definition.
        self._reported: set[tuple[Path, str]] = set()

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.exists or handler.facts is None:
            return
        if handler.facts.language == "javascript":
            if has_project_node_handler(function):
                yield from self._check_node(function, handler, handler.facts)
            return
        ref = function.handler_ref
        if ref is None or not has_project_handler(function):
            return
        key = (handler.module_path, ref.function)
        if key in self._reported:
            return
        config = where(function.handler)
        found = self._problem(handler, handler.facts, ref.function)
        if found is None:
            return
        location, length, message = found
        self._reported.add(key)
        yield self.at(
            handler.display,
            location,
            f"handler `{ref.function}` (named by {config}) {message}",
            length=length,
        )

    def _check_node(
        self, function: Function, handler: LinkedHandler, facts: ModuleFacts
    ) -> Iterator[Diagnostic]:
        ref = function.handler_ref
        if ref is None or ref.bundled:
            return
        target = export_target(facts, ref.function)
        if target is None:
            return  # SL001's business
        key = (handler.module_path, ref.function)
        if key in self._reported:
            return
        config = where(function.handler)
        found = _node_problem(function, facts, ref.function, target, handler.module_path)
        if found is None:
            return
        location, length, message, severity = found
        self._reported.add(key)
        if location is None:
            yield self.at_setting(
                function.handler,
                f"handler `{ref.function}` of function `{function.name}` exported by "
                f"{handler.display} {message}",
                severity=severity,
            )
            return
        yield self.at(
            handler.display,
            location,
            f"handler `{ref.function}` (named by {config}) {message}",
            length=length,
            severity=severity,
        )

    def _problem(
        self, handler: LinkedHandler, facts: ModuleFacts, name: str
    ) -> tuple[Location, int, str] | None:
        function = handler.function
        if function is not None and "." not in function.key:
            problem = signature_problem(Signature.of_facts(function))
            if problem is None:
                return None
            location = Location(function.line, 1) if function.line > 0 else None
            tree = parse_module(handler.module_path)
            if tree is not None:
                # `handler = wrap(handler)` after the def: the config names the wrapper.
                if any(b.kind != "function" for b in module_bindings(tree, name)):
                    return None
                node = find_function(tree, name)
                if location is None and node is not None:
                    location = Location(node.lineno, node.col_offset + 1)
            if location is None:
                return None
            return location, 3, _with_hint(problem, function.is_async, name)
        if name in facts.functions:
            return None
        tree = parse_module(handler.module_path)
        if tree is None:
            return None
        bindings = module_bindings(tree, name)
        if not bindings or len({b.kind for b in bindings}) != 1:
            return None
        return self._binding_problem(tree, facts, name, bindings[-1])

    def _binding_problem(
        self, tree: ast.Module, facts: ModuleFacts, name: str, binding: Binding
    ) -> tuple[Location, int, str] | None:
        at = Location(binding.line, binding.column)
        if binding.kind == "function":
            node = find_function(tree, name)
            if node is None:
                return None
            problem = signature_problem(Signature.of_ast(node))
            if problem is None:
                return None
            return at, 3, _with_hint(problem, isinstance(node, ast.AsyncFunctionDef), name)
        if binding.kind == "class":
            cls = find_class(tree, binding.target or name)
            if cls is None or _serialisable(cls):
                return None
            what = f"is a class (`{cls.name}`)" if cls.name != name else "is a class"
            return (
                Location(cls.lineno, cls.col_offset + 1),
                5,
                f"{what}: the runtime calls `{cls.name}(event, context)`, gets an instance "
                "back and cannot serialise it as the response; name a function "
                "`(event, context)` instead (a method of a module-level instance works too)",
            )
        if binding.kind == "instance" and binding.target is not None:
            return self._instance_problem(tree, name, binding, at)
        if binding.kind == "alias" and binding.target is not None:
            target = facts.functions.get(binding.target)
            node = find_function(tree, binding.target)
            if target is None or node is None:
                return None
            problem = signature_problem(Signature.of_facts(target))
            if problem is None:
                return None
            return (
                Location(node.lineno, node.col_offset + 1),
                3,
                f"is `{binding.target}`, which "
                + _with_hint(problem, target.is_async, binding.target),
            )
        if binding.kind == "lambda" and isinstance(binding.node, ast.Lambda):
            problem = signature_problem(Signature.of_ast(binding.node))
            if problem is None:
                return None
            return at, len(name), "is a lambda that " + _with_hint(problem, False, name)
        return None

    def _instance_problem(
        self, tree: ast.Module, name: str, binding: Binding, at: Location
    ) -> tuple[Location, int, str] | None:
        assert binding.target is not None
        cls = find_class(tree, binding.target)
        if cls is None:
            return None
        call = next(
            (
                s
                for s in cls.body
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__call__"
            ),
            None,
        )
        if call is None:
            if _has_bases(cls):
                return None  # a base class may define __call__
            return (
                at,
                len(name),
                f"is an instance of `{cls.name}`, which defines no `__call__`: the runtime "
                f"cannot call it; define `__call__(self, event, context)` or name a function",
            )
        signature = Signature.of_ast(call, drop_first=True)
        problem = signature_problem(signature)
        if problem is None:
            return None
        return (
            Location(call.lineno, call.col_offset + 1),
            3,
            f"is an instance of `{cls.name}` whose `__call__` "
            + _with_hint(problem, signature.is_async, "__call__", method=True),
        )

    valid = (
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: src/api.create
                  read:
                    handler: src/api.read
                  legacy:
                    handler: src/api.legacy
                  anything:
                    handler: src/api.anything
                """),
            filename="serverless.yml",
            files={
                "src/api.py": dedent("""\
                    def create(event, context):
                        return {}

                    def read(event, _context=None, table=None):
                        return {}

                    def legacy(event, *args):
                        return {}

                    def anything(*args, **kwargs):
                        return {}
                    """)
            },
        ),
        # Decorators that keep or extend the signature; one slint does not know.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  Metrics:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.with_metrics
                  Powertools:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.with_powertools
                  Framework:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.routed
                """),
            filename="template.yaml",
            files={
                "src/app.py": dedent("""\
                    from aws_embedded_metrics import metric_scope
                    from aws_lambda_powertools import Logger, Tracer
                    from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source
                    from framework import lambda_entry

                    logger = Logger()
                    tracer = Tracer()

                    @metric_scope
                    def with_metrics(event, context, metrics):
                        metrics.put_metric("Calls", 1, "Count")

                    @logger.inject_lambda_context(log_event=False)
                    @tracer.capture_lambda_handler
                    @event_source(data_class=SQSEvent)
                    def with_powertools(event: SQSEvent, context):
                        return None

                    @lambda_entry
                    async def routed(request):
                        return {"ok": True}
                    """)
            },
        ),
        # Callable objects with the right `__call__`, adapters, imported handlers.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Web:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: web.handler
                      Role: !GetAtt Role.Arn
                      Code: ./src
                  Jobs:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: web.jobs
                      Role: !GetAtt Role.Arn
                      Code: ./src
                  Other:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: web.imported
                      Role: !GetAtt Role.Arn
                      Code: ./src
                """),
            filename="template.yaml",
            files={
                "src/web.py": dedent("""\
                    from mangum import Mangum
                    from shared import imported

                    class Jobs:
                        def __call__(self, event, context):
                            return {}

                    app = object()
                    handler = Mangum(app)
                    jobs = Jobs()
                    """),
                "src/shared.py": "async def imported(event):\n    return None\n",
            },
        ),
        # An async helper is fine when the named handler runs it.
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.handler
                """),
            filename="serverless.yml",
            files={
                "api.py": dedent("""\
                    import asyncio

                    async def _create(event):
                        return {}

                    def handler(event, context):
                        return asyncio.run(_create(event))
                    """)
            },
        ),
        # Node.js: async handlers on nodejs24.x; a callback handler on nodejs20.x (which
        # still runs it); response streaming takes three parameters; a wrapped handler.
        Valid(
            dedent("""\
                service: hooks
                provider:
                  name: aws
                  runtime: nodejs24.x
                functions:
                  status:
                    handler: status.handler
                  stream:
                    handler: stream.handler
                  wrapped:
                    handler: wrapped.handler
                  legacy:
                    handler: legacy.handler
                    runtime: nodejs20.x
                """),
            filename="serverless.yml",
            files={
                "status.mjs": "export const handler = async (event, context) => ({ ok: 1 });\n",
                "stream.mjs": dedent("""\
                    export const handler = awslambda.streamifyResponse(
                      async (event, responseStream, context) => {
                        responseStream.end("ok");
                      },
                    );
                    """),
                "wrapped.js": dedent("""\
                    const middy = require("@middy/core");
                    const base = async (event) => ({ ok: 1 });
                    exports.handler = middy(base);
                    """),
                "legacy.js": dedent("""\
                    exports.handler = (event, context, callback) => callback(null, "ok");
                    """),
            },
        ),
        # TypeScript: an async handler with typed parameters, and a third parameter
        # with a default value (it does not count in the function's length).
        Valid(
            dedent("""\
                service: hooks
                plugins:
                  - serverless-esbuild
                provider:
                  name: aws
                  runtime: nodejs24.x
                functions:
                  status:
                    handler: src/status.handler
                  tuned:
                    handler: src/status.tuned
                """),
            filename="serverless.yml",
            files={
                "src/status.ts": dedent("""\
                    import type { APIGatewayProxyEvent, Context } from "aws-lambda";

                    export const handler = async (event: APIGatewayProxyEvent, ctx: Context) => ({
                      statusCode: 200,
                      body: ctx.awsRequestId,
                    });

                    export async function tuned(event: unknown, context: Context, retries = 3) {
                      return { retries };
                    }
                    """),
            },
        ),
        # Not Python: a Node.js handler with one parameter is fine.
        Valid(
            dedent("""\
                service: web
                provider:
                  name: aws
                  runtime: nodejs20.x
                functions:
                  web:
                    handler: index.handler
                """),
            filename="serverless.yml",
            files={"index.py": "def handler(event):\n    return {}\n"},
        ),
    )
    invalid = (
        # Node.js 24: a callback handler fails every invocation.
        Invalid(
            dedent("""\
                service: hooks
                provider:
                  name: aws
                  runtime: nodejs24.x
                functions:
                  status:
                    handler: status.handler
                """),
            filename="serverless.yml",
            files={
                "status.js": dedent("""\
                    exports.handler = function (event, context, callback) {
                      callback(null, { statusCode: 200, body: "ok" });
                    };
                    """),
            },
            line=1,
            column=9,
            message="no longer supports callback handlers",
        ),
        # `context.succeed` is the older callback style.
        Invalid(
            dedent("""\
                service: hooks
                provider:
                  name: aws
                  runtime: nodejs24.x
                functions:
                  status:
                    handler: status.handler
                """),
            filename="serverless.yml",
            files={
                "status.mjs": dedent("""\
                    export function handler(event, context) {
                      context.succeed({ statusCode: 200 });
                    }
                    """),
            },
            line=1,
            column=17,
            message="ends with `context.done/succeed/fail`",
        ),
        # async and a callback: the first to finish wins (any runtime).
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Status:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Handler: status.handler
                      Runtime: nodejs20.x
                """),
            filename="template.yaml",
            files={
                "src/status.mjs": dedent("""\
                    export const handler = async (event, context, callback) => {
                      const body = await load(event);
                      callback(null, { statusCode: 200, body });
                    };
                    """),
            },
            line=1,
            column=14,
            message="is `async` and also calls its callback",
        ),
        # TypeScript built by SAM's esbuild: the typed callback handler fails the same.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Status:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: ./
                      Handler: status.handler
                      Runtime: nodejs24.x
                    Metadata:
                      BuildMethod: esbuild
                      BuildProperties:
                        EntryPoints:
                          - src/status.ts
                """),
            filename="template.yaml",
            files={
                "src/status.ts": dedent("""\
                    import type { APIGatewayProxyEvent, Callback, Context } from "aws-lambda";

                    export const handler = (
                      event: APIGatewayProxyEvent,
                      context: Context,
                      callback: Callback,
                    ): void => {
                      callback(null, { statusCode: 200, body: event.path });
                    };
                    """),
            },
            line=3,
            column=14,
            message="answers through its callback `callback`",
        ),
        # The export is an object, not a function.
        Invalid(
            dedent("""\
                service: hooks
                provider:
                  name: aws
                  runtime: nodejs22.x
                functions:
                  status:
                    handler: status.handler
                """),
            filename="serverless.yml",
            files={"status.cjs": "module.exports.handler = { name: 'status' };\n"},
            line=7,
            column=5,
            message="is an object, not a function",
        ),
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  createOrder:
                    handler: src/api.create_order
                """),
            filename="serverless.yml",
            files={
                "src/api.py": dedent("""\
                    import json


                    async def create_order(event, context):
                        return {"statusCode": 201, "body": json.dumps(event)}
                    """)
            },
            line=4,
            column=1,
            message="handler `create_order` (named by serverless.yml:7) is `async def`",
        ),
        # SAM, handler from Globals: one parameter.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Handler: app.lambda_handler
                Resources:
                  Hello:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: hello/
                """),
            filename="template.yaml",
            files={
                "hello/app.py": dedent("""\
                    from aws_lambda_powertools import Logger

                    logger = Logger()


                    @logger.inject_lambda_context
                    def lambda_handler(event):
                        return {"statusCode": 200}
                    """)
            },
            line=7,
            column=1,
            message="(named by template.yaml:6) takes only 1 positional parameter (event)",
        ),
        # Three required parameters.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Writer:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.11
                      CodeUri: src/
                      Handler: writer.handler
                """),
            filename="template.yaml",
            files={"src/writer.py": "def handler(event, context, table):\n    table.put(event)\n"},
            line=1,
            column=1,
            message="requires 3 positional parameters (event, context, table)",
        ),
        # Plain CloudFormation naming a class.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Worker:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: worker.Handler
                      Role: !GetAtt Role.Arn
                      Code: ./src
                """),
            filename="template.yaml",
            files={
                "src/worker.py": dedent("""\
                    class Handler:
                        def __init__(self, event, context):
                            self.event = event
                    """)
            },
            line=1,
            column=1,
            message="is a class",
        ),
        # An instance of a class without `__call__`.
        Invalid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  run:
                    handler: jobs.handler
                """),
            filename="serverless.yml",
            files={
                "jobs.py": dedent("""\
                    class Jobs:
                        def run(self, event, context):
                            return {}


                    handler = Jobs()
                    """)
            },
            line=6,
            column=1,
            message="is an instance of `Jobs`, which defines no `__call__`",
        ),
        # @metric_scope supplies `metrics`, but the handler is still async.
        Invalid(
            dedent("""\
                service: metrics
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  count:
                    handler: app.count
                """),
            filename="serverless.yml",
            files={
                "app.py": dedent("""\
                    from aws_embedded_metrics import metric_scope


                    @metric_scope
                    async def count(event, context, metrics):
                        metrics.put_metric("Calls", 1, "Count")
                    """)
            },
            line=5,
            column=1,
            message="is `async def`",
        ),
        # A required keyword-only parameter.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.handler
                """),
            filename="serverless.yml",
            files={"api.py": "def handler(event, context, *, dry_run):\n    return {}\n"},
            line=1,
            column=1,
            message="requires 1 keyword-only parameter that Lambda never passes",
        ),
    )


# Exports that are certainly not callable (`value:<kind>` of `ModuleFacts.exports`); a
# call's result, an instance or a member may be a function.
_NOT_CALLABLE = {
    "object": "an object",
    "string": "a string",
    "number": "a number",
    "array": "an array",
    "boolean": "a boolean",
    "null": "null",
    "undefined": "undefined",
    "regex": "a regular expression",
    "class": "a class (which the runtime calls without `new`)",
}
# The first Node.js runtime that refuses callback-style handlers.
_NO_CALLBACKS_FROM = 24
_CONTEXT_CALLBACKS = frozenset({"done", "succeed", "fail"})


def _async_example(name: str, module: Path) -> str:
    """An async handler written the way the module exports (ESM or CommonJS)."""
    from slint.app.node import is_esm

    export = name.rpartition(".")[2]
    if module.suffix in (".js", ".cjs") and not is_esm(module):
        return f"`exports.{export} = async (event, context) => {{...}}`"
    return f"`export const {export} = async (event, context) => {{...}}`"


def _node_problem(
    function: Function, facts: ModuleFacts, name: str, target: str, module: Path
) -> tuple[Location | None, int, str, Severity | None] | None:
    """What is wrong with a Node.js handler export: (where, length, message, severity
    when not the rule's); no location for an export whose definition the facts do not
    place (reported at the config's handler)."""
    kind, _, value = target.partition(":")
    if kind == "value":
        what = _NOT_CALLABLE.get(value)
        if what is None:
            return None
        return (
            None,
            0,
            f"is {what}, not a function: every invocation fails with "
            "Runtime.HandlerNotFound; export the function itself",
            None,
        )
    if kind != "local":
        return None
    handler = facts.functions.get(value)
    if handler is None:
        return None
    span = handler.behaviour.span
    location = span.start if span is not None else Location(handler.line, 1)
    length = (span.end.column - span.start.column) if span is not None else 0
    if any(d.endswith("streamifyResponse()") for d in handler.decorators):
        return None  # a response-streaming handler takes (event, responseStream, context)
    callback = handler.positional[2] if len(handler.positional) >= 3 else None
    context = handler.positional[1] if len(handler.positional) >= 2 else None
    calls = handler.behaviour.calls
    calls_callback = callback is not None and any(
        call.receiver is None and call.name == callback for call in calls
    )
    context_callback = context is not None and any(
        call.method in _CONTEXT_CALLBACKS
        and call.receiver is not None
        and call.receiver.text == context
        for call in calls
    )
    major = node_major(function.runtime.value)
    callback_style = handler.required_positional >= 3 or context_callback
    if callback_style and major is not None and major >= _NO_CALLBACKS_FROM:
        if context_callback and handler.required_positional < 3:
            how = f"ends with `{context}.done/succeed/fail`"
        elif calls_callback:
            how = f"answers through its callback `{callback}`"
        else:
            how = f"takes a third parameter (`{callback}`), which makes it callback-style"
        return (
            location,
            length,
            f"{how}: the {function.runtime.value} runtime no longer supports callback "
            "handlers, and every invocation fails; make it `async` and return the result "
            f"({_async_example(name, module)})",
            None,
        )
    if handler.is_async and calls_callback:
        return (
            location,
            length,
            f"is `async` and also calls its callback `{callback}`: whichever finishes "
            "first (the returned promise or the callback) decides the response, and the "
            "other is lost; return the result and drop the callback",
            Severity.WARNING,
        )
    return None


def _serialisable(cls: ast.ClassDef) -> bool:
    return any(isinstance(b, ast.Name) and b.id in _SERIALISABLE_BASES for b in cls.bases)


def _has_bases(cls: ast.ClassDef) -> bool:
    return any(not (isinstance(b, ast.Name) and b.id == "object") for b in cls.bases) or bool(
        cls.keywords
    )


def _with_hint(problem: str, is_async: bool, name: str, *, method: bool = False) -> str:
    signature = "(self, event, context)" if method else "(event, context)"
    if is_async:
        return (
            f"{problem}; make it a plain `def {name}{signature}` that runs the coroutine "
            "with `asyncio.run(...)`"
        )
    return f"{problem}; give it the signature `{name}{signature}`"
