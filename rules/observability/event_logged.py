from __future__ import annotations

import re
from dataclasses import dataclass, field
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.python.context import dotted_name

from .._support.logs import LOG_METHODS

if TYPE_CHECKING:
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
