from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.analysis import PendingDiagnostic
from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.diagnostics import Diagnostic, Location
from slint.javascript.behaviour import (
    FUNCTION_NODES,
    kids,
    parameter_names,
    pattern_names,
    strip,
)
from slint.javascript.grammar import node_text
from slint.python.context import dotted_name

from .._support.logs import LOG_METHODS

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule
    from slint.python.context import ModuleContext

# Calls that write all their arguments to the log.
_PRINTERS = frozenset({"print", "builtins.print", "pprint.pprint", "pprint.pp"})
_STREAM_WRITERS = frozenset({"sys.stdout.write", "sys.stderr.write"})
_CALLED_METHODS = LOG_METHODS | {"pprint", "pp", "write"}
# Keywords of a log call that are options, not data.
_OPTION_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel", "level", "sep", "end"})
# What a logger object's name looks like, when its creation is not in sight
# (`self.logger`, `LOGGER`, `log`, `app_logger`).
_LOGGER_NAME = re.compile(r"^_*(log|logger|logging|lgr|[a-z0-9_]*_logger)$")
# Calls that return their (first) argument whole, in another form.
_WHOLE = frozenset(
    {
        "json.dumps",
        "simplejson.dumps",
        "orjson.dumps",
        "ujson.dumps",
        "jsonpickle.encode",
        "json.loads",
        "str",
        "repr",
        "dict",
        "vars",
        "pprint.pformat",
        "yaml.dump",
        "yaml.safe_dump",
    }
)
# Parameter names that hold the invocation's event or context in any function (the
# handler's own names come from its signature).
_EVENT_NAMES = frozenset({"event", "evt", "_event", "lambda_event", "raw_event"})
_CONTEXT_NAMES = frozenset({"context", "lambda_context", "_context"})
_CONTEXT_SUFFIX = re.compile(r"^_*([a-z0-9_]*_)?context$")
_EVENT_LIKE = re.compile(r"^_*(e|evt|([a-z0-9_]*_)?event)$")

EVENT, CONTEXT = "event", "context"


@dataclass
class _Frame:
    """The names in one function that hold the whole event or the whole context."""

    names: dict[str, str] = field(default_factory=dict)  # name -> EVENT / CONTEXT


def _positional_names(node: cst.FunctionDef) -> list[str]:
    params = [p.name.value for p in (*node.params.posonly_params, *node.params.params)]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    return params


def _frame_of(node: cst.FunctionDef, outer: _Frame | None, top_level: bool) -> _Frame:
    params = _positional_names(node)
    every = {
        p.name.value
        for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)
    }
    names: dict[str, str] = {}
    if outer is not None:  # a closure sees the enclosing function's names
        names.update((name, kind) for name, kind in outer.names.items() if name not in every)
    if top_level and len(params) >= 2 and _handler_shaped(params[0], params[1]):
        names[params[0]] = EVENT
        names[params[1]] = CONTEXT
    for name in every:
        if name in _EVENT_NAMES:
            names[name] = EVENT
        elif name in _CONTEXT_NAMES:
            names[name] = CONTEXT
    return _Frame(names)


def _handler_shaped(first: str, second: str) -> bool:
    """A handler's signature under other names: `(message, context)`, `(evt, ctx)`.
    A bare `ctx` is also the name of many other contexts (a durable execution step, a
    click command), so it counts only after an event-like first name."""
    if _CONTEXT_SUFFIX.match(second):
        return True
    return second in ("ctx", "_ctx", "c", "_c") and bool(_EVENT_LIKE.match(first))


# -- JavaScript and TypeScript ---------------------------------------------------------
# `console` methods and the methods of loggers (Powertools for TypeScript, pino,
# winston, bunyan, log4js) whose arguments end up in a record; Powertools' `appendKeys`
# and persistent attributes go into every later record.
_JS_CONSOLE_METHODS = frozenset({"log", "info", "warn", "error", "debug", "trace", "dir", "table"})
_JS_LOGGER_METHODS = frozenset(
    {
        "log",
        "info",
        "warn",
        "warning",
        "error",
        "debug",
        "trace",
        "fatal",
        "critical",
        "silly",
        "verbose",
        "http",
        "appendKeys",
        "appendPersistentAttributes",
        "addPersistentLogAttributes",
    }
)
_JS_STREAMS = frozenset({"process.stdout.write", "process.stderr.write"})
# Powertools' parser decorator or middleware (`@parser({ schema })`, `.use(parser(...))`).
_JS_PARSED = re.compile(r"^@aws-lambda-powertools/parser\b")
_JS_SAFE_PARSE = re.compile(rb"safeParse\s*:\s*true")
# What a logger object's name looks like (`logger`, `log`, `this.logger`, `appLogger`).
_JS_LOGGER_NAME = re.compile(r"^_*(log|logger|logging|lgr|[a-z0-9_]*_logger|[a-z0-9]*logger)$")
# Calls that return what they are given (first argument) whole, in another form.
_JS_WHOLE_FIRST = frozenset(
    {"JSON.stringify", "JSON.parse", "String", "util.inspect", "inspect", "structuredClone"}
)
# Calls that format all their arguments into one text.
_JS_WHOLE_ANY = frozenset({"util.format", "format", "Object.assign"})
_JS_EVENT_NAMES = frozenset(
    {"event", "evt", "_event", "lambdaEvent", "rawEvent", "lambda_event", "raw_event"}
)
_JS_CONTEXT_NAMES = frozenset({"context", "lambdaContext", "_context", "lambda_context"})
_JS_CONTEXT_LIKE = re.compile(r"^_*([A-Za-z0-9_]*_)?context$|^_*[a-z][A-Za-z0-9]*Context$")
_JS_EVENT_LIKE = re.compile(r"^_*(e|evt|([A-Za-z0-9_]*_)?event|[a-z][A-Za-z0-9]*Event)$")
_JS_FUNCTIONS = FUNCTION_NODES


def _js_frame(function: Node, data: bytes, outer: dict[str, str]) -> dict[str, str]:
    """The names that hold the whole event or context inside `function`: its own
    parameters by their names and places, and the outer function's (a closure) unless a
    parameter hides them."""
    positional = list(parameter_names(function, data)[0])
    names = {name: kind for name, kind in outer.items() if name not in positional}
    if len(positional) >= 2:
        first, second = positional[0], positional[1]
        if _JS_CONTEXT_LIKE.match(second) or (
            second in ("ctx", "_ctx", "c", "_c") and _JS_EVENT_LIKE.match(first)
        ):
            if first not in ("{}", "[]"):
                names[first] = EVENT
            names[second] = CONTEXT
    for name in positional:
        if name in _JS_EVENT_NAMES:
            names[name] = EVENT
        elif name in _JS_CONTEXT_NAMES:
            names[name] = CONTEXT
    return names


def _js_callee(node: Node, data: bytes) -> str:
    """The callee of a call as written, without blanks (`console.log`, `this.logger.info`)."""
    callee = node.child_by_field_name("function")
    return "".join(node_text(strip(callee), data).split()) if callee is not None else ""


def _js_whole(node: Node, data: bytes, names: dict[str, str]) -> str | None:
    """EVENT or CONTEXT when `node` holds the whole event or context, else None."""
    node = strip(node)
    kind = node.type
    if kind == "identifier":
        return names.get(node_text(node, data))
    if kind == "shorthand_property_identifier":
        return names.get(node_text(node, data))
    if kind == "await_expression":
        inner = kids(node)
        return _js_whole(inner[0], data, names) if inner else None
    if kind in ("template_string", "array", "spread_element"):
        for child in kids(node):
            inner = kids(child) if child.type == "template_substitution" else [child]
            for part in inner:
                found = _js_whole(part, data, names)
                if found is not None:
                    return found
        return None
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is None or operator.type != "+":
            return None
        for side in ("left", "right"):
            operand = node.child_by_field_name(side)
            found = _js_whole(operand, data, names) if operand is not None else None
            if found is not None:
                return found
        return None
    if kind == "object":
        for child in kids(node):
            if child.type == "pair":
                value = child.child_by_field_name("value")
                found = _js_whole(value, data, names) if value is not None else None
            else:
                found = _js_whole(child, data, names)
            if found is not None:
                return found
        return None
    if kind == "call_expression":
        callee = _js_callee(node, data)
        arguments = node.child_by_field_name("arguments")
        found_arguments = kids(arguments) if arguments is not None else []
        if callee in _JS_WHOLE_FIRST and found_arguments:
            return _js_whole(found_arguments[0], data, names)
        if callee in _JS_WHOLE_ANY:
            for argument in found_arguments:
                found = _js_whole(argument, data, names)
                if found is not None:
                    return found
            return None
        target = node.child_by_field_name("function")
        if (
            target is not None
            and strip(target).type == "member_expression"
            and callee.endswith(".toString")
        ):
            converted = strip(target).child_by_field_name("object")
            return _js_whole(converted, data, names) if converted is not None else None
    return None


def _js_log_method(node: Node, data: bytes) -> str | None:
    """The method of a log call (`log` of `console.log`, `info` of `logger.info`), None
    for any other call."""
    callee = _js_callee(node, data)
    receiver, _, method = callee.rpartition(".")
    if not receiver:
        return None
    if receiver == "console":
        return method if method in _JS_CONSOLE_METHODS else None
    if callee in _JS_STREAMS:
        return "write"
    if method == "logEventIfEnabled":
        return method
    if method not in _JS_LOGGER_METHODS:
        return None
    owner = receiver.rpartition(".")[2].lower()
    return method if _JS_LOGGER_NAME.match(owner) else None


def _js_log_event_option(node: Node, data: bytes) -> Node | None:
    """The `logEvent: true` of Powertools' `injectLambdaContext(logger, { logEvent: true
    })` middleware or `@logger.injectLambdaContext({ logEvent: true })` decorator."""
    if not _js_callee(node, data).endswith("injectLambdaContext"):
        return None
    arguments = node.child_by_field_name("arguments")
    for argument in kids(arguments) if arguments is not None else []:
        options = strip(argument)
        if options.type != "object":
            continue
        for pair in kids(options):
            if pair.type != "pair":
                continue
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if (
                key is not None
                and value is not None
                and node_text(key, data).strip("'\"") == "logEvent"
                and strip(value).type == "true"
            ):
                return pair
    return None


def _js_shown(node: Node, data: bytes) -> str:
    shown = " ".join(node_text(node, data).split())
    return shown if len(shown) <= 60 else shown[:57] + "..."


class EventLogged(CodeRule):
    """
    ## What it does
    Reports a log call, in code a handler runs on every invocation, that writes the
    whole event or the whole Lambda context: `print(event)`, `logger.info(event)`,
    `logger.info(json.dumps(event))`, `logging.info("%s", event)`, f-strings with
    `{event}` or `{context}`, `"...".format(event)`, `"..." % event`,
    `logger.info("received", extra={"event": event})`, `sys.stdout.write(...)`, and
    Powertools `@logger.inject_lambda_context(log_event=True)` (reported on
    `log_event`). Debug records count: they are written whenever the level is DEBUG,
    which is how logging gets turned up in production to troubleshoot.

    The event is the first parameter of a module-level function whose second
    parameter is named like a context (`(event, context)`, `(message,
    lambda_context)`, and `(evt, ctx)` after an event-like first name: a bare `ctx`
    is also the name of durable-execution steps and CLI contexts), and a parameter
    named `event`, `evt`, `lambda_event` or `raw_event` in any function a handler
    reaches (helpers, methods, closures); the context likewise (`context`,
    `lambda_context`). A name assigned anew is no longer the event, unless the new
    value is the event in another form (`event = json.loads(event)`).
    `inject_lambda_context(log_event=True)` on a module-level function is reported
    wherever it is (only handlers are decorated so, also those that CDK or Terraform
    names); on a nested function only when that runs per invocation.

    Not reported: parts of the event (`event["detail"]["id"]`,
    `len(event["Records"])`, `event.get("path")`), attributes of the context
    (`context.aws_request_id`, `context.function_name`), `inject_lambda_context()`
    without `log_event`, and code no handler runs per invocation.


    In JavaScript and TypeScript: `console.*` calls, logger methods (Powertools
    `Logger`, pino, winston: `logger.info(...)`, `this.logger.debug(...)`, Powertools'
    `appendKeys`) and `process.stdout.write` whose arguments hold the whole event or
    context: `console.log(event)`, `JSON.stringify(event)`, `util.inspect(event)`,
    `` `${JSON.stringify(context)}` ``, `"..." + event`, `{ event }`,
    `{ lambdaEvent: event }`; and Powertools' `injectLambdaContext({ logEvent: true })`
    (middy middleware or decorator, reported wherever it is). The event and context are
    a function's parameters as in Python (`event`, `evt`, `lambdaEvent`; the first
    parameter before a `context`-like second; `context`, `lambdaContext`), also in
    callbacks and closures. Not reported: `logger.addContext(context)` (it adds the
    request id and function name), `logger.logEventIfEnabled(event)` (off unless
    `POWERTOOLS_LOGGER_LOG_EVENT` turns it on), and the event of a handler that
    Powertools' parser has replaced by the payload it validated.

    ## Why is this bad?
    The event is the caller's whole request: API Gateway events carry the
    `Authorization` header, cookies and API keys, bodies carry personal data, and
    queue and stream records carry whatever producers put in them. Logged whole, all
    of it is copied into CloudWatch Logs, kept as long as the log group's retention,
    readable by everyone with log access, and often shipped on to third-party
    tools. The context object holds the caller's Cognito identity and client context.
    Whole events also make log volume (and its cost) grow with the payload.

    ## Example
    ```python
    import json
    import logging

    logger = logging.getLogger()


    def handler(event, context):
        logger.info("received %s", json.dumps(event))
        return {"statusCode": 200}
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger()


    def handler(event, context):
        logger.info(
            "received %s %s (request %s)",
            event["httpMethod"],
            event["path"],
            context.aws_request_id,
        )
        return {"statusCode": 200}
    ```

    ## Fix
    No automatic fix: which fields are safe and useful to log depends on the event.
    Log the identifiers you need to trace a request (a message id, an order id, the
    path), or mask sensitive fields first (Powertools data masking). For
    `inject_lambda_context(log_event=True)`, drop `log_event` (or keep it only for a
    debugging session through `POWERTOOLS_LOGGER_LOG_EVENT`).

    ## References
    - https://docs.powertools.aws.dev/lambda/python/latest/core/logger/#logging-incoming-event
    - https://docs.powertools.aws.dev/lambda/python/latest/utilities/data_masking/
    """

    code = "SL502"
    name = "event-logged"
    severity = Severity.WARNING
    fix = FixKind.NONE

    valid = (
        # Parts of the event and attributes of the context are fine.
        Valid(
            dedent(
                """\
                import logging

                logger = logging.getLogger()


                def handler(event, context):
                    logger.info("order %s", event["detail"]["id"])
                    logger.info("records: %d", len(event["Records"]))
                    logger.info("request %s in %s", context.aws_request_id, context.function_name)
                """
            ),
        ),
        # Powertools without `log_event`.
        Valid(
            dedent(
                """\
                from aws_lambda_powertools import Logger

                logger = Logger()


                @logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
                def handler(event, context):
                    logger.info("path", extra={"path": event["path"]})
                """
            ),
        ),
        # The name now holds a part of the event.
        Valid(
            dedent(
                """\
                def handler(event, context):
                    event = event["detail"]
                    print(f"detail type {event['type']}")
                """
            ),
        ),
        # JavaScript: parts of the event, attributes of the context, Powertools' context.
        Valid(
            dedent(
                """\
                import { Logger } from "@aws-lambda-powertools/logger";

                const logger = new Logger();

                export const handler = async (event, context) => {
                  logger.addContext(context);
                  console.log("order", event.detail.id, JSON.stringify(event.detail.items));
                  logger.info("request", {
                    id: context.awsRequestId,
                    records: event.Records.length,
                  });
                  logger.logEventIfEnabled(event);
                };
                """
            ),
            filename="handler.mjs",
        ),
        # TypeScript: Powertools' parser hands the handler the validated payload.
        Valid(
            dedent(
                """\
                import type { LambdaInterface } from "@aws-lambda-powertools/commons/types";
                import { Logger } from "@aws-lambda-powertools/logger";
                import { parser } from "@aws-lambda-powertools/parser";
                import type { Context } from "aws-lambda";
                import { orderSchema, type Order } from "./schema.js";

                const logger = new Logger();

                class Lambda implements LambdaInterface {
                  @parser({ schema: orderSchema })
                  public async handler(event: Order, _context: Context): Promise<string> {
                    logger.info("processing", { event });
                    return event.id;
                  }
                }

                const lambda = new Lambda();
                export const handler = lambda.handler.bind(lambda);
                """
            ),
            filename="handler.ts",
        ),
        # A name assigned anew no longer holds the event.
        Valid(
            dedent(
                """\
                exports.handler = async function (event) {
                  event = event.detail;
                  console.log(event);
                };
                """
            ),
            filename="handler.js",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                import json
                import logging

                logger = logging.getLogger()


                def handler(event, context):
                    logger.info("received %s", json.dumps(event))
                    return {"statusCode": 200}
                """
            ),
            line=8,
            column=5,
            message="whole event",
        ),
        Invalid(
            dedent(
                """\
                def lambda_handler(evt, ctx):
                    print(f"context: {ctx}")
                """
            ),
            line=2,
            column=5,
            message="whole Lambda context",
        ),
        Invalid(
            dedent(
                """\
                from aws_lambda_powertools import Logger

                logger = Logger()


                @logger.inject_lambda_context(log_event=True)
                def handler(event, context):
                    return {"ok": True}
                """
            ),
            line=6,
            column=31,
            message="log_event=True",
        ),
        # A helper the handler calls, with the conventional name.
        Invalid(
            dedent(
                """\
                import logging

                log = logging.getLogger(__name__)


                def audit(event):
                    log.debug("audit: {}".format(event))


                def handler(event, context):
                    audit(event)
                """
            ),
            line=7,
            column=5,
            message="DEBUG",
        ),
        # JavaScript: the whole event, passed to `console.log`.
        Invalid(
            dedent(
                """\
                export const handler = async (event) => {
                  console.log(event);
                  return { batchItemFailures: [] };
                };
                """
            ),
            filename="handler.mjs",
            line=2,
            column=3,
            message="`event` logs the whole event",
        ),
        # TypeScript: a Powertools logger's debug record with the event in it.
        Invalid(
            dedent(
                """\
                import { Logger } from "@aws-lambda-powertools/logger";
                import type { APIGatewayProxyEvent } from "aws-lambda";

                const logger = new Logger();

                export const handler = async (event: APIGatewayProxyEvent) => {
                  logger.debug("received", { event });
                  return { statusCode: 200, body: "" };
                };
                """
            ),
            filename="handler.ts",
            line=7,
            column=3,
            message="debug records are written whenever the level is DEBUG",
        ),
        # CommonJS: the context serialised into a template literal, in a helper.
        Invalid(
            dedent(
                """\
                function audit(evt, lambdaContext) {
                  console.info(`audit ${JSON.stringify(lambdaContext)}`);
                }

                exports.handler = async function (event, context) {
                  audit(event, context);
                };
                """
            ),
            filename="handler.js",
            line=2,
            column=3,
            message="logs the whole Lambda context",
        ),
        # Powertools' middleware told to log every event.
        Invalid(
            dedent(
                """\
                import middy from "@middy/core";
                import { Logger } from "@aws-lambda-powertools/logger";
                import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";

                const logger = new Logger();

                export const handler = middy(async () => ({ statusCode: 200 })).use(
                  injectLambdaContext(logger, { logEvent: true }),
                );
                """
            ),
            filename="handler.mjs",
            line=8,
            column=33,
            message="`injectLambdaContext` with `logEvent: true`",
        ),
    )

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        self._frames: list[_Frame] = []
        # Function bodies (by id) whose decorator logs the event, with its argument.
        self._decorated: dict[int, cst.Arg] = {}

    # -- which names hold the event ---------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self._frames[-1] if self._frames else None
        top_level = len(self.ctx.scopes) == 1  # not nested in a function or a class
        self._frames.append(_frame_of(node, outer, top_level))
        if node.decorators:
            arg = self._log_event_argument(node)
            if arg is not None and top_level:
                # Only a handler is decorated so: a module-level one is reported as is
                # (CDK and Terraform name handlers that slint cannot link).
                self._report_log_event(arg, per_invocation=False)
            elif arg is not None:
                self._decorated[id(node.body)] = arg

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._frames:
            self._frames.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._frames and self._frames[-1].names:
            for target in node.targets:
                self._rebind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._frames and self._frames[-1].names and node.value is not None:
            self._rebind(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        if self._frames and self._frames[-1].names:
            self._rebind(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self._frames and self._frames[-1].names and node.asname is not None:
            self._rebind(node.asname.name, None)

    def _rebind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        names = self._frames[-1].names
        if isinstance(target, cst.Name):
            if target.value in names and (value is None or self._whole(value) is None):
                del names[target.value]
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._rebind(element.value, None)

    # -- log calls ---------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        # Cheap tests first: this runs on every call of every module.
        if isinstance(func, cst.Name):
            if func.value not in ("print", "pprint", "pp"):
                return
        elif not isinstance(func, cst.Attribute) or func.attr.value not in _CALLED_METHODS:
            return
        if not self._frames or not self._frames[-1].names:
            return
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if not self._is_log_call(func, method):
            return
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in _OPTION_KEYWORDS or (keyword == "file" and method is None):
                continue
            if method == "log" and keyword is None and arg is node.args[0]:
                continue  # the level
            kind = self._whole(arg.value)
            if kind is not None:
                self._report_call(node, arg.value, kind, method)
                return

    # -- JavaScript and TypeScript ---------------------------------------------------
    def check_javascript(
        self, module: JavaScriptModule
    ) -> Iterator[Diagnostic | PendingDiagnostic]:
        """One walk over the tree: each function's names that hold the event or the
        context (its parameters, and those of the functions around it), and each log
        call that writes one of them whole. The facts say which function (callbacks
        belong to the one that passes them) runs the call."""
        keys: dict[tuple[Location, Location], str] = {}
        # Functions that Powertools' parser hands the payload it validated (the order, the
        # message body), not the raw event with its headers.
        # With `safeParse: true` the handler gets `{ success, data, error, originalEvent }`:
        # the raw event is in there again.
        safe = _JS_SAFE_PARSE.search(module.data) is not None
        parsed = {
            key
            for key, function in module.facts.functions.items()
            if not safe and any(_JS_PARSED.match(decorator) for decorator in function.decorators)
        }
        for key, function in module.facts.functions.items():
            for call in function.behaviour.calls:
                if not call.once:
                    keys[(call.span.start, call.span.end)] = key
        data = module.data
        positions = module.positions
        pending: list[tuple[Node, dict[str, str]]] = [(module.tree.root_node, {})]
        while pending:
            node, names = pending.pop()
            kind = node.type
            if kind in _JS_FUNCTIONS:
                names = _js_frame(node, data, names)
            elif kind == "catch_clause" and names:
                # `catch (e)` in a handler taking `(e, ctx)`: the error, not the event.
                caught = node.child_by_field_name("parameter")
                hidden = set(pattern_names(caught, data)) if caught is not None else set()
                names = {name: held for name, held in names.items() if name not in hidden}
            elif kind == "call_expression":
                option = _js_log_event_option(node, data)
                if option is not None:
                    yield self.make_diagnostic(
                        module.path,
                        positions.start(option),
                        positions.end(option),
                        "`injectLambdaContext` with `logEvent: true` logs the whole event "
                        "on every invocation: events carry tokens in headers and personal "
                        "data in bodies; drop `logEvent` and log the fields you need",
                    )
                elif names:
                    found = self._js_log_call(module, node, names, keys, parsed)
                    if found is not None:
                        yield found
            elif kind in ("variable_declarator", "assignment_expression") and names:
                names = self._js_rebind(node, data, names)
            pending.extend((child, names) for child in reversed(node.named_children))

    @staticmethod
    def _js_rebind(node: Node, data: bytes, names: dict[str, str]) -> dict[str, str]:
        """`const e = event` holds the event too; `event = event.detail` no longer does.
        The change applies to the statements after it (and, approximately, to those of
        other branches)."""
        field_name = "name" if node.type == "variable_declarator" else "left"
        target = node.child_by_field_name(field_name)
        value = node.child_by_field_name("value" if field_name == "name" else "right")
        if target is None or target.type != "identifier":
            return names
        name = node_text(target, data)
        kind = _js_whole(value, data, names) if value is not None else None
        if kind is not None:
            names[name] = kind
        elif name in names:
            del names[name]
        return names

    def _js_log_call(
        self,
        module: JavaScriptModule,
        node: Node,
        names: dict[str, str],
        keys: dict[tuple[Location, Location], str],
        parsed: set[str],
    ) -> PendingDiagnostic | None:
        data = module.data
        method = _js_log_method(node, data)
        if method is None:
            return None
        arguments = node.child_by_field_name("arguments")
        found = kids(arguments) if arguments is not None else []
        if method == "logEventIfEnabled":
            # Powertools logs the event only when POWERTOOLS_LOGGER_LOG_EVENT says so,
            # unless the second argument forces it.
            if len(found) < 2 or strip(found[1]).type != "true":
                return None
            found = found[:1]
        for argument in found:
            kind = _js_whole(argument, data, names)
            if kind is None:
                continue
            positions = module.positions
            start, end = positions.start(node), positions.end(node)
            key = keys.get((start, end))
            if key is None:
                return None  # module-level code, or under a once-per-environment guard
            if kind == EVENT and key in parsed:
                continue
            if kind == EVENT:
                what = "the whole event"
                harm = (
                    "events carry tokens in headers and personal data in bodies; log the "
                    "fields you need (`event.detail.id`, a message id) instead"
                )
            else:
                what = "the whole Lambda context"
                harm = (
                    "it holds the caller's identity and client context; log "
                    "`context.awsRequestId` or `context.functionName` instead"
                )
            level = (
                " (debug records are written whenever the level is DEBUG)"
                if method == "debug"
                else ""
            )
            diagnostic = self.make_diagnostic(
                module.path,
                start,
                end,
                f"`{_js_shown(argument, data)}` logs {what}{level}: {harm}",
            )
            return PendingDiagnostic(key, diagnostic)
        return None

    def _is_log_call(self, func: cst.BaseExpression, method: str | None) -> bool:
        qualified = self.ctx.qualified_name(func)
        if method is None or method in ("pprint", "pp"):
            return qualified in _PRINTERS
        if method == "write":
            return qualified in _STREAM_WRITERS
        assert isinstance(func, cst.Attribute)
        receiver = func.value
        owner = self.ctx.qualified_name(receiver) or ""
        if owner in ("logging", "loguru.logger", "structlog"):
            return True
        if owner.endswith(("getLogger()", "get_logger()", "Logger()", "getChild()")):
            return True
        written = dotted_name(receiver)
        if written is None:
            return False
        return bool(_LOGGER_NAME.match(written.rpartition(".")[2].lower()))

    def _whole(self, node: cst.BaseExpression) -> str | None:
        """EVENT or CONTEXT when `node` writes the whole event or context, else None."""
        names = self._frames[-1].names
        if isinstance(node, cst.Name):
            return names.get(node.value)
        if isinstance(node, cst.Attribute):
            # Powertools data classes keep the event in `raw_event`; `__dict__` is all.
            if node.attr.value in ("raw_event", "__dict__"):
                return self._whole(node.value)
            return None
        if isinstance(node, cst.FormattedString):
            for part in node.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    kind = self._whole(part.expression)
                    if kind is not None:
                        return kind
            return None
        if isinstance(node, cst.ConcatenatedString):
            return self._whole(node.left) or self._whole(node.right)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                return self._whole(node.left) or self._whole(node.right)
            if isinstance(node.operator, cst.Modulo):
                return self._whole(node.right)
            return None
        if isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                kind = self._whole(element.value)
                if kind is not None:
                    return kind
            return None
        if isinstance(node, cst.Dict):
            for item in node.elements:  # `{"event": event}`, `{**event}`
                kind = self._whole(item.value)
                if kind is not None:
                    return kind
            return None
        if isinstance(node, cst.Call):
            return self._whole_call(node)
        return None

    def _whole_call(self, node: cst.Call) -> str | None:
        func = node.func
        # `"...{}".format(event)`, `"{e}".format(e=event)`
        if isinstance(func, cst.Attribute) and func.attr.value == "format":
            if isinstance(func.value, (cst.SimpleString, cst.ConcatenatedString)):
                for arg in node.args:
                    kind = self._whole(arg.value)
                    if kind is not None:
                        return kind
            return None
        if not node.args or node.args[0].keyword is not None:
            return None
        if self.ctx.qualified_name(func) not in _WHOLE:
            return None
        return self._whole(node.args[0].value)

    def _report_call(
        self, node: cst.Call, argument: cst.BaseExpression, kind: str, method: str | None
    ) -> None:
        shown = " ".join(self.ctx.module.code_for_node(argument).split())
        if len(shown) > 60:
            shown = shown[:57] + "..."
        if kind == EVENT:
            what = "the whole event"
            harm = (
                "events carry tokens in headers and personal data in bodies; log the fields you "
                'need (`event["detail"]["id"]`, a message id) instead'
            )
        else:
            what = "the whole Lambda context"
            harm = (
                "it holds the caller's identity and client context; log "
                "`context.aws_request_id` or `context.function_name` instead"
            )
        level = (
            " (debug records are written whenever the level is DEBUG)" if method == "debug" else ""
        )
        self.ctx.report(
            self,
            node,
            f"`{shown}` logs {what}{level}: {harm}",
            per_invocation=True,
        )

    # -- Powertools ------------------------------------------------------------------
    # The decorator is evaluated at import but logs on every invocation of the function
    # it wraps. On a nested function (a test's handler) it is reported once the
    # traversal is inside that function's body, so that the finding is kept only when
    # the function runs per invocation of a handler.
    def _log_event_argument(self, node: cst.FunctionDef) -> cst.Arg | None:
        for decorator in node.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call):
                continue
            func = call.func
            last = func.attr.value if isinstance(func, cst.Attribute) else None
            if isinstance(func, cst.Name):
                last = func.value
            if last != "inject_lambda_context":
                continue
            for arg in call.args:
                if (
                    arg.keyword is not None
                    and arg.keyword.value == "log_event"
                    and isinstance(arg.value, cst.Name)
                    and arg.value.value == "True"
                ):
                    return arg
        return None

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if self._decorated:
            self._report_decorator(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        if self._decorated:
            self._report_decorator(node)

    def _report_decorator(self, body: cst.BaseSuite) -> None:
        arg = self._decorated.pop(id(body), None)
        if arg is not None:
            self._report_log_event(arg, per_invocation=True)

    def _report_log_event(self, arg: cst.Arg, *, per_invocation: bool) -> None:
        self.ctx.report(
            self,
            arg,
            "`inject_lambda_context(log_event=True)` logs the whole event on every "
            "invocation: events carry tokens in headers and personal data in bodies; "
            "drop `log_event` and log the fields you need",
            per_invocation=per_invocation,
        )
