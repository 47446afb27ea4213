from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent
from typing import Any

import libcst as cst

from slint.api import CodeRule, CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.project import LinkedHandler
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic
from slint.facts import Call, ModuleFacts
from slint.settings import Settings

# Calls that write their arguments to standard output, as `print` does.
_PRINTERS = frozenset({"print", "builtins.print", "pprint.pprint", "pprint.pp"})
_PRETTY_PRINTERS = frozenset({"pprint.pprint", "pprint.pp"})
# Streams that Lambda captures into the function's log: a `print(..., file=...)` to
# anything else writes a file, not a log line.
_LOG_STREAMS = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__", "None"})
# Serializers whose output is one JSON document: printed on one line, it is a
# structured log line that CloudWatch Logs Insights parses (and how the embedded metric
# format is written by hand).
_JSON_SERIALIZERS = frozenset(
    {"json.dumps", "simplejson.dumps", "orjson.dumps", "ujson.dumps", "rapidjson.dumps"}
)


def _is_fixed(node: cst.BaseExpression) -> bool:
    """A value written in the code itself, with no data of the invocation in it."""
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return _is_fixed(node.left) and _is_fixed(node.right)
    if isinstance(node, cst.FormattedString):
        return not any(isinstance(part, cst.FormattedStringExpression) for part in node.parts)
    if isinstance(node, cst.BinaryOperation):  # `"-" * 40`
        return _is_fixed(node.left) and _is_fixed(node.right)
    if isinstance(node, cst.UnaryOperation):
        return _is_fixed(node.expression)
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False")
    return False


_DEBUG_WORDS = ("debug", "verbose")
# Modules that projects copy verbatim from AWS (the cfn-response module of custom
# resources): their prints are not the project's to change.
_VENDORED = frozenset({"cfnresponse.py"})


def _mentions_debug(test: cst.BaseExpression) -> bool:
    """Does an `if` test read a debug or verbose switch (`if self._debug:`,
    `if os.environ.get("DEBUG") == "true":`, `if LOG_LEVEL == "DEBUG":`)?"""
    if isinstance(test, cst.Name):
        return any(word in test.value.lower() for word in _DEBUG_WORDS)
    if isinstance(test, cst.Attribute):
        return any(word in test.attr.value.lower() for word in _DEBUG_WORDS)
    if isinstance(test, cst.SimpleString):
        return any(word in test.value.lower() for word in _DEBUG_WORDS)
    if isinstance(test, cst.UnaryOperation):
        return False  # `if not debug:` is the ordinary path
    if isinstance(test, cst.BooleanOperation):
        return _mentions_debug(test.left) or _mentions_debug(test.right)
    if isinstance(test, cst.Comparison):
        return _mentions_debug(test.left) or any(
            _mentions_debug(target.comparator) for target in test.comparisons
        )
    if isinstance(test, cst.Call):
        return _mentions_debug(test.func) or any(_mentions_debug(arg.value) for arg in test.args)
    return False


# -- JavaScript and TypeScript ---------------------------------------------------------
_JS_CONSOLE = frozenset({"console.log", "console.info", "console.warn", "console.error"})
# Loggers that write one JSON object per record: a function that uses one has
# structured logging (its stray `console` lines are its own choice).
_JS_STRUCTURED_LOGGERS = frozenset(
    {
        "@aws-lambda-powertools/logger",
        "pino",
        "bunyan",
        "lambda-log",
        "@dazn/lambda-powertools-logger",
    }
)
_TEMPLATE, _CONCATENATION, _FOLLOWED = "template", "concatenation", "followed"
_JS_WHAT = {
    _TEMPLATE: "a message built from a template literal",
    _CONCATENATION: "a message built by concatenation",
    _FOLLOWED: "a message followed by values",
}


def _top_level_plus(text: str) -> bool:
    """Does `text` (an expression as written) join operands with a binary `+` outside
    brackets, strings and template literals?"""
    depth = 0
    quote: str | None = None
    previous = ""  # the last character before this one that is not a blank
    index = 0
    while index < len(text):
        char = text[index]
        if quote is not None:
            if char == "\\":
                index += 2
                continue
            if char == quote:
                quote = None
                previous = char
            index += 1
            continue
        if char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "+" and depth == 0:
            following = text[index + 1 : index + 2]
            operand_before = previous != "" and (previous.isalnum() or previous in "_$)]}'\"`")
            if following not in ("+", "=") and operand_before:
                return True
        if not char.isspace():
            previous = char
        index += 1
    return False


def _js_shape(call: Call) -> str | None:
    """How a console call builds its text: a template literal with values, a
    concatenation with a string, or a string followed by more arguments; None for a
    single fixed string or a value (`console.log(result)`)."""
    positional = [argument.value for argument in call.arguments if argument.keyword is None]
    if not positional:
        return None
    first = positional[0]
    text = first.text
    written_string = text[:1] in ("'", '"', "`") and first.is_literal
    if text.startswith("`") and not first.is_literal:
        return _TEMPLATE
    if written_string:
        return _FOLLOWED if len(positional) > 1 else None
    if (first.prefix is not None or first.suffix is not None) and _top_level_plus(text):
        return _CONCATENATION
    return None


def _json_log_format(function: Function) -> bool | None:
    """Does the function use Lambda's JSON log format? None when the config decides it
    at deploy time (a variable, a parameter)."""
    app = function.app
    values: list[Any] = []
    if app.format == "serverless":
        logs = function.node.get("logs") if isinstance(function.node, YMap) else None
        if isinstance(logs, YMap):
            values.append(logs.get("logFormat"))
            inner = logs.get("lambda")
            if isinstance(inner, YMap):
                values.append(inner.get("logFormat"))
        provider = app.document.get("provider")
        provider_logs = provider.get("logs") if isinstance(provider, YMap) else None
        lambda_logs = provider_logs.get("lambda") if isinstance(provider_logs, YMap) else None
        if isinstance(lambda_logs, YMap):
            values.append(lambda_logs.get("logFormat"))
    else:
        for source in (function.node, function.globals):
            logging = source.get("LoggingConfig") if isinstance(source, YMap) else None
            if isinstance(logging, YMap):
                values.append(logging.get("LogFormat"))
    for value in values:
        if value is None:
            continue
        if isinstance(value, str) and "${" not in value:
            return value.strip().upper() == "JSON"
        return None  # `!Ref LogFormat`, `${param:format}`: known at deploy time only
    return False


def _structured_logger(modules: Iterator[ModuleFacts]) -> bool:
    """A module the handler loads imports a JSON logger (Powertools `Logger`, pino,
    bunyan) or builds a winston logger with `format.json()`."""
    for facts in modules:
        for imported in facts.module_imports:
            if imported.optional:
                continue  # `import type { Logger }`, or never read as a value
            package = imported.module
            if package.startswith("@"):
                package = "/".join(package.split("/")[:2])
            else:
                package = package.split("/")[0]
            if package in _JS_STRUCTURED_LOGGERS:
                return True
        behaviours = [facts.module_behaviour, *(f.behaviour for f in facts.functions.values())]
        for behaviour in behaviours:
            for call in behaviour.calls:
                if call.name.startswith("winston") and (
                    call.name.endswith(".json")
                    or any("json()" in argument.value.text for argument in call.arguments)
                ):
                    return True
    return False


class PrintLogging(CodeRule, CrossRule):
    """
    ## What it does
    Reports `print()` (and `pprint.pprint` / `pprint.pp`) that writes data to the log
    in code a Lambda handler runs on every invocation: the handler a config names (or,
    without a config, a function that the naming convention makes a handler) and every
    function of the project it reaches, in its own module or in others.

    "Handler modules" here means per-invocation code: a print in a command-line
    script, a test, a module no handler imports, a function no handler calls, under
    `if __name__ == "__main__":` or at module level (it runs once per cold start) is
    not reported.

    Only prints that carry data are reported: an f-string with values, `%` /
    `.format()` / `+` formatting, several arguments, or a variable. A single fixed
    message (`print("Starting")`) is left alone, as is one JSON document on one line
    (`print(json.dumps({...}))`: a structured line that Logs Insights parses, which is
    also how the embedded metric format is written by hand). `print(..., file=
    sys.stderr)` is reported like stdout: Lambda puts both streams into the same log,
    unstructured; a `file=` that is any other file is writing data, not logging.
    Output behind a debug switch (`if self._debug:`, `if os.environ.get("DEBUG"):`,
    `if LOG_LEVEL == "DEBUG":`) is an explicit development aid and is left alone, and
    so is AWS's `cfnresponse.py`, which custom resources copy verbatim.


    In JavaScript and TypeScript: `console.log`, `console.info`, `console.warn` and
    `console.error` whose first argument is a template literal with values, a
    concatenation with a string, or a string followed by more arguments
    (`console.info("order", id)`); a single fixed string and a lone value
    (`console.log(result)`) are left alone. Whether such a line is structured depends on
    the function's log format, so the config decides: not reported for a function with
    Lambda's JSON log format (SAM/CloudFormation `LoggingConfig.LogFormat: JSON`, also
    from SAM `Globals`; serverless `provider.logs.lambda.logFormat: JSON` or the
    function's `logs.logFormat`), nor when the modules the handler loads use a
    structured logger (Powertools `Logger`, pino, bunyan, lambda-log, winston with
    `format.json()`). A format known only at deploy time (a parameter, a variable)
    is given the benefit of the doubt. A handler that no config names has the default
    text format.

    ## Why is this bad?
    A printed line is plain text with no level, no timestamp of its own, no request id
    and no fields: CloudWatch Logs Insights cannot filter or aggregate it, you cannot
    turn it down in production without a deploy, and a string with line breaks (a
    traceback, `json.dumps(x, indent=2)`, `pprint`) becomes one log event per line.
    A structured logger (Powertools `Logger`, `logging` with a JSON formatter or the
    function's JSON log format, structlog) writes one JSON object per record, with the
    request id, the level and your keys.

    ## Example
    ```python
    def handler(event, context):
        order_id = event["detail"]["id"]
        print(f"processing order {order_id}")
    ```

    ## Use instead
    ```python
    from aws_lambda_powertools import Logger

    logger = Logger()


    @logger.inject_lambda_context
    def handler(event, context):
        order_id = event["detail"]["id"]
        logger.info("processing order", extra={"order_id": order_id})
    ```

    ## Fix
    No automatic fix: choosing a logger, its level and the keys of each record is a
    design decision. Create the logger once at module level and replace each print by
    a call at the right level, with the data as fields rather than in the message.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
    - https://docs.powertools.aws.dev/lambda/python/latest/core/logger/
    """

    code = "SL501"
    name = "print-logging"
    severity = Severity.INFO
    enabled_by_default = False
    fix = FixKind.NONE

    valid = (
        # A fixed message carries no data to structure.
        Valid(
            dedent(
                """\
                def handler(event, context):
                    print("starting")
                    return {"ok": True}
                """
            ),
        ),
        # One JSON document per line is a structured log line.
        Valid(
            dedent(
                """\
                import json


                def handler(event, context):
                    print(json.dumps({"level": "INFO", "order": event["id"]}))
                """
            ),
        ),
        # A function no handler calls (a local test driver).
        Valid(
            dedent(
                """\
                def handler(event, context):
                    return event["id"]


                def try_it():
                    print(handler({"id": 1}, None))


                if __name__ == "__main__":
                    print(handler({"id": 1}, None))
                """
            ),
        ),
        # A print into a file the function writes is not logging.
        Valid(
            dedent(
                """\
                def handler(event, context):
                    with open("/tmp/report.csv", "w") as out:
                        print(event["id"], event["total"], sep=",", file=out)
                    return "/tmp/report.csv"
                """
            ),
        ),
        # JavaScript: the JSON log format makes every console line a JSON record.
        Valid(
            dedent(
                """\
                exports.handler = async function (event, context) {
                  console.info("order created", { orderId: event.id, total: event.total });
                  console.log(`charged ${event.total}`);
                };
                """
            ),
            filename="orders/api.js",
            files={
                "serverless.yml": dedent(
                    """\
                    service: shop
                    provider:
                      name: aws
                      runtime: nodejs22.x
                      logs:
                        lambda:
                          logFormat: JSON
                    functions:
                      createOrder:
                        handler: orders/api.handler
                    """
                )
            },
        ),
        # A structured logger (Powertools), a fixed message, a value that is no message.
        Valid(
            dedent(
                """\
                import { Logger } from "@aws-lambda-powertools/logger";

                const logger = new Logger();

                export const handler = async (event: { items: string[] }) => {
                  logger.info("received", { count: event.items.length });
                  console.log(`${event.items.length} items`);
                };
                """
            ),
            filename="handler.ts",
        ),
        Valid(
            dedent(
                """\
                export const handler = async (event) => {
                  console.log("starting");
                  const count = event.Records.length;
                  console.log(count + 1);
                  console.log(event.Records);
                };
                """
            ),
            filename="handler.mjs",
        ),
        # SAM: `LogFormat: JSON` inherited from `Globals`.
        Valid(
            dedent(
                """\
                export const handler = async (event) => {
                  console.info("resized", event.key);
                };
                """
            ),
            filename="src/app.mjs",
            files={
                "template.yaml": dedent(
                    """\
                    Transform: AWS::Serverless-2016-10-31
                    Globals:
                      Function:
                        LoggingConfig:
                          LogFormat: JSON
                    Resources:
                      ResizeFunction:
                        Type: AWS::Serverless::Function
                        Properties:
                          Runtime: nodejs22.x
                          Handler: src/app.handler
                    """
                )
            },
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                def handler(event, context):
                    order_id = event["detail"]["id"]
                    print(f"processing order {order_id}")
                """
            ),
            line=3,
            column=5,
            message="structured logger",
        ),
        # A helper the handler calls, in another module of the project.
        Invalid(
            dedent(
                """\
                def log_total(total):
                    print("total:", total)
                """
            ),
            filename="orders/report.py",
            files={
                "orders/handler.py": dedent(
                    """\
                    from orders.report import log_total


                    def handler(event, context):
                        log_total(sum(event["amounts"]))
                    """
                ),
                "orders/__init__.py": "",
            },
            line=2,
            column=5,
            message="`print()`",
        ),
        # Standard error goes to the same log, just as unstructured.
        Invalid(
            dedent(
                """\
                import sys


                def lambda_handler(event, context):
                    try:
                        return int(event["n"])
                    except ValueError as error:
                        print("bad input: %s" % error, file=sys.stderr)
                        raise
                """
            ),
            line=8,
            column=9,
            message="unstructured",
        ),
        # JavaScript: a template literal with values, without the JSON log format.
        Invalid(
            dedent(
                """\
                export const handler = async (event) => {
                  const orderId = event.detail.id;
                  console.log(`processing order ${orderId}`);
                };
                """
            ),
            filename="handler.mjs",
            line=3,
            column=3,
            message="a message built from a template literal",
        ),
        # A message followed by values, in a SAM function whose `LoggingConfig` sets
        # only the log group.
        Invalid(
            dedent(
                """\
                exports.handler = async function (event, context) {
                  console.info("order", event.detail.id, "total", event.detail.total);
                  return "ok";
                };
                """
            ),
            filename="handler.js",
            files={
                "template.yaml": dedent(
                    """\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      OrdersFunction:
                        Type: AWS::Serverless::Function
                        Properties:
                          Runtime: nodejs22.x
                          Handler: handler.handler
                          LoggingConfig:
                            LogGroup: /shop/orders
                    """
                )
            },
            line=2,
            column=3,
            message="a message followed by values",
        ),
        # TypeScript: a concatenation, in a helper the handler calls.
        Invalid(
            dedent(
                """\
                function report(id: string): void {
                  console.error("could not charge order " + id);
                }

                export const handler = async (event: { id: string }) => {
                  report(event.id);
                };
                """
            ),
            filename="handler.ts",
            line=2,
            column=3,
            message="`console.error()` writes a message built by concatenation",
        ),
    )

    # -- JavaScript and TypeScript ---------------------------------------------------
    # Whether a console line is structured depends on the function's log format, which
    # the config says: the JavaScript reading is a cross rule over the calls that the
    # handler runs per invocation (`LinkedHandler.reached`).
    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterator[Diagnostic]:
        if handler is None or handler.facts is None or handler.facts.language != "javascript":
            return
        if _json_log_format(function) is not False:
            return
        yield from self._js_console_lines(handler)

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterator[Diagnostic]:
        """A handler no config names: its log format is Lambda's default, text."""
        if handler.facts is None or handler.facts.language != "javascript":
            return
        yield from self._js_console_lines(handler)

    def _js_console_lines(self, handler: LinkedHandler) -> Iterator[Diagnostic]:
        if _structured_logger(loaded.facts for loaded in handler.modules):
            return
        for reached in handler.reached:
            for call in reached.behaviour.calls:
                if call.name not in _JS_CONSOLE or call.once:
                    continue
                shape = _js_shape(call)
                if shape is None:
                    continue
                yield self.make_diagnostic(
                    reached.display,
                    call.span.start,
                    call.span.end,
                    f"`{call.name}()` writes {_JS_WHAT[shape]} to the function's log as "
                    "plain text (no level, no request id, no fields to query); log a fixed "
                    "message with the data as fields through a structured logger "
                    "(Powertools `Logger`, pino), or turn on the JSON log format "
                    "(`LoggingConfig.LogFormat: JSON`, serverless `logs.lambda.logFormat: "
                    "JSON`)",
                )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        # Cheap tests first: this runs on every call of every module.
        if isinstance(func, cst.Name):
            if func.value not in ("print", "pprint", "pp"):
                return
        elif not (isinstance(func, cst.Attribute) and func.attr.value in ("pprint", "pp")):
            return
        if self.ctx.function_key is None:
            return  # module level: runs once per cold start, not per invocation
        if self.ctx.path.replace("\\", "/").rpartition("/")[2] in _VENDORED:
            return
        qualified = self.ctx.qualified_name(func)
        if qualified not in _PRINTERS:
            return
        if qualified in ("print", "builtins.print") and self.ctx.module_final.get("print"):
            return  # the module defines or imports its own `print`
        if not self._logs_data(node, qualified) or self._behind_debug_switch():
            return
        what = "pprint()" if qualified in _PRETTY_PRINTERS else "print()"
        self.ctx.report(
            self,
            node,
            f"`{what}` writes an unstructured line to the function's log (no level, no "
            "request id, no fields); use a structured logger: Powertools `Logger`, "
            "`logging` with a JSON formatter, or structlog",
            per_invocation=True,
        )

    def _behind_debug_switch(self) -> bool:
        """Output that a debug switch turns on (`if self._debug: print(...)`) is an
        explicit development aid, not the function's logging."""
        parents = self.ctx.parents
        for index in range(len(parents) - 2, -1, -1):
            node = parents[index]
            if isinstance(node, cst.FunctionDef):
                return False
            if (
                isinstance(node, cst.If)
                and parents[index + 1] is node.body
                and _mentions_debug(node.test)
            ):
                return True
        return False

    def _logs_data(self, node: cst.Call, qualified: str) -> bool:
        positional: list[cst.BaseExpression] = []
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword in ("file", "stream"):
                if self.ctx.qualified_name(arg.value) not in _LOG_STREAMS:
                    return False  # writes a file of its own
            elif arg.star == "*" or keyword == "object" or (keyword is None and not arg.star):
                positional.append(arg.value)
        if qualified in _PRETTY_PRINTERS:
            return bool(positional) and not all(_is_fixed(value) for value in positional)
        if len(positional) > 1:
            return not all(_is_fixed(value) for value in positional)
        if not positional:
            return False
        value = positional[0]
        if _is_fixed(value):
            return False
        return not self._one_json_line(value)

    def _one_json_line(self, value: cst.BaseExpression) -> bool:
        """`json.dumps(...)` without `indent`: one JSON document on one line."""
        if not isinstance(value, cst.Call):
            return False
        if self.ctx.qualified_name(value.func) not in _JSON_SERIALIZERS:
            return False
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value == "indent":
                return isinstance(arg.value, cst.Name) and arg.value.value == "None"
            if arg.star == "**":
                return False
        return True
