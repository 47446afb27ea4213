from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from textwrap import dedent
from typing import TYPE_CHECKING, Any

import libcst as cst

from slint.analysis import PendingDiagnostic
from slint.api import CodeRule, CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.model import App, Event, Function, as_list
from slint.app.project import LinkedHandler
from slint.app.sam_globals import globals_section, inherited_globals
from slint.app.yamlpos import YMap
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from slint.facts import Behaviour, Call, FunctionFacts, Value
from slint.javascript.behaviour import kids
from slint.python.context import FixBuilder, ModuleContext, Positions
from slint.settings import Settings

from .._support.config import is_disabled, mentions, properties, resources_of_type

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule

# Parsers whose failure on bad input is a `ValueError` (json.JSONDecodeError and its
# kin in simplejson / orjson / ujson / rapidjson all derive from it).
_PARSERS = frozenset(
    {"json.loads", "simplejson.loads", "orjson.loads", "ujson.loads", "rapidjson.loads"}
)
# An `except` clause naming one of these (last part of the qualified name) turns a
# parse error into something the handler controls: `ValueError`, `JSONDecodeError`
# (json, simplejson, orjson, ...), or everything.
_CATCHING = frozenset({"ValueError", "JSONDecodeError", "Exception", "BaseException"})
# How a handler's event parameter is usually named (SL402 reads the API event's body,
# `event["body"]`, not an SQS record's `record["body"]`).
_EVENT_NAMES = frozenset({"event", "evt", "e", "_event", "_evt", "req", "request"})
# Decoders a body goes through before it is parsed (`json.loads(base64.b64decode(body))`).
_DECODERS = frozenset(
    {"base64.b64decode", "base64.standard_b64decode", "base64.urlsafe_b64decode", "str"}
)
# Powertools' parser: the decorated function receives the body already parsed and
# validated (`@event_parser(model=Order, envelope=envelopes.ApiGatewayEnvelope)`).
_PARSED_BY_DECORATOR = (
    "aws_lambda_powertools.utilities.parser.event_parser",
    "aws_lambda_powertools.utilities.parser.parser.event_parser",
)
_FIX_MESSAGE = (
    'Catch the parse error and answer 400: `except (TypeError, ValueError): return {"statusCode": '
    "400, ...}`"
)


def _is_event_name(name: str) -> bool:
    return name in _EVENT_NAMES or name.endswith("event")


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


@dataclass
class _Frame:
    """One function being traversed."""

    node: cst.FunctionDef
    events: frozenset[str]  # its parameters that hold the API event
    # A top-level function taking (event, context): what it returns is the response.
    handler_like: bool
    parsed_by_decorator: bool
    body_names: set[str] = field(default_factory=set)  # local names holding the raw body


# -- binary payloads (the config side) ---------------------------------------------------
# What shows that a handler minds `isBase64Encoded` (or lets a library decode the body).
_DECODES = re.compile(r"isBase64Encoded|is_base64_encoded|decoded_body|b64decode")


@dataclass(frozen=True)
class _Binary:
    """Where an API turns on binary media types."""

    file: str
    at: Location

    @property
    def where(self) -> str:
        return f"{self.file}:{self.at.row}"


def _binary_types(owner: Any, key: str = "BinaryMediaTypes") -> _Binary | None:
    if isinstance(owner, YMap) and as_list(owner.get(key)):
        return _Binary(owner.file, owner.at(key))
    return None


def binary_api(function: Function) -> _Binary | None:
    """The binary media types of a REST API that invokes `function` (None if none)."""
    app = function.app
    events = [e for e in function.events if e.kind == "api" and not is_disabled(e)]
    if app.format == "serverless":
        if any(e.type_name == "http" for e in events):
            provider = app.document.get("provider")
            gateway = provider.get("apiGateway") if isinstance(provider, YMap) else None
            return _binary_types(gateway, "binaryMediaTypes")
        return None
    found = _sam_binary(app, events)
    if found is not None:
        return found
    # CloudFormation: a method that integrates the function, on a REST API with binary types.
    for _, _, method in resources_of_type(app, "AWS::ApiGateway::Method"):
        integration = method.get("Integration") if method is not None else None
        if method is None or not isinstance(integration, YMap):
            continue
        if not mentions(integration.get("Uri"), function.name):
            continue
        api_id = logical_id(method.get("RestApiId"))
        api = app.resources.get(api_id) if api_id is not None else None
        found = _binary_types(properties(api))
        if found is not None:
            return found
    return None


def _sam_binary(app: App, events: Iterable[Event]) -> _Binary | None:
    section = globals_section(app.document, "Api")
    for event in events:
        if event.type_name != "Api" or event.properties is None:
            continue
        api_id = logical_id(event.properties.get("RestApiId"))
        api = app.resources.get(api_id) if api_id is not None else None
        # An explicit API's `IgnoreGlobals` keeps the Globals it names away from it.
        inherited = inherited_globals(api, section)
        found = _binary_types(properties(api)) or _binary_types(inherited)
        if found is not None:
            return found
    return None


def _values(behaviour: Behaviour) -> Iterator[Value]:
    for call in behaviour.calls:
        yield from (argument.value for argument in call.arguments)
        if call.receiver is not None:
            yield call.receiver
    yield from (value for _, value in behaviour.locals)
    yield from (ret.value for ret in behaviour.returns if ret.value is not None)


def _reads_body(value: Value) -> bool:
    path = value.event_path
    return path is not None and path.split(".")[1:2] == ["body"]


def _minds_encoding(behaviour: Behaviour) -> bool:
    if any(_DECODES.search(call.name) for call in behaviour.calls):
        return True
    # JavaScript: `Buffer.from(body, "base64")`.
    if any(
        call.name == "Buffer.from"
        and any(argument.value.literal in ("base64", "base64url") for argument in call.arguments)
        for call in behaviour.calls
    ):
        return True
    if any(_DECODES.search(value.text) for value in _values(behaviour)):
        return True
    names = [name for test in behaviour.conditions for name in test.names]
    names.extend(name for skip in behaviour.skips for name in skip.names)
    return any(_DECODES.search(name) for name in names)


# -- JavaScript and TypeScript ------------------------------------------------------------
# How a handler's event parameter is named in JavaScript (also any `...Event`), and a
# destructured first parameter (`async ({ body }) => ...`), whose event path is rooted at
# "{}" in the facts.
_JS_EVENT_NAMES = frozenset({"event", "evt", "e", "_event", "_evt", "req", "request", "{}"})
# Packages whose validation of the parsed body (or a middleware that validates the event
# before the handler runs) counts as minding bad input (RULES.md, Node.js section).
_JS_VALIDATORS = (
    "zod",
    "ajv",
    "joi",
    "@hapi/joi",
    "yup",
    "superstruct",
    "valibot",
    "io-ts",
    "runtypes",
    "class-validator",
    "@sinclair/typebox",
    "@aws-lambda-powertools/parser",
    "@aws-lambda-powertools/validation",
    "@middy/validator",
)
_JS_FIX_MESSAGE = (
    "Catch the parse error and answer 400: `try { ... } catch { return { statusCode: 400, ... } }`"
)
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _is_js_event_name(name: str) -> bool:
    return name in _JS_EVENT_NAMES or name.endswith(("event", "Event"))


def _js_body_name(value: Value) -> str | None:
    """The name a parse argument reads the API request body through (`event.body`, a
    destructured `body`), or None when it is not the request body: an SQS record's
    `record.body`, a response body. A body decoded first (`Buffer.from(event.body,
    "base64").toString()`) is still the body."""
    path = value.event_path
    if path is not None:
        parts = path.split(".")
        if len(parts) == 2 and parts[1] == "body" and _is_js_event_name(parts[0]):
            return value.names[0] if value.names else path
        return None
    if value.text.startswith("Buffer.from("):
        for name in value.names:
            root, _, last = name.rpartition(".")
            if last == "body" and "." not in root and _is_js_event_name(root):
                return name
    return None


def _js_validator(name: str) -> bool:
    """A call or wrapper of a validation package (`zod.z.object().parse`,
    `ajv().compile()`, `@middy/validator()`), by the package its qualified name starts
    with."""
    return any(
        name == package or name.startswith((f"{package}.", f"{package}/", f"{package}("))
        for package in _JS_VALIDATORS
    )


def _js_guarded(call: Call, behaviour: Behaviour) -> bool:
    """A `try` with a `catch` holds the call (a promise chain's `.catch()` counts)."""
    return any(behaviour.tries[index].clauses for index in call.tries)


def _js_validated(parse: Call, body: str, function: FunctionFacts) -> bool:
    """The function validates the parsed body with a schema library (the parse result,
    directly or through a name, is an argument of a validator's call), or a middleware
    validates the event before the function runs (middy `validator`, Powertools
    `parser`)."""
    if any(_js_validator(decorator) for decorator in function.decorators):
        return True
    for call in function.behaviour.calls:
        if call is parse or not _js_validator(call.name):
            continue
        for argument in call.arguments:
            names = argument.value.names
            if "JSON.parse" in names and body in names:
                return True
    return False


def _offset(data: bytes, starts: list[int], location: Location) -> int:
    line_start = starts[location.row - 1]
    line_end = starts[location.row] if location.row < len(starts) else len(data)
    line = data[line_start:line_end].decode("utf-8", "replace")
    return line_start + len(line[: location.column - 1].encode("utf-8"))


def _call_node(module: JavaScriptModule, starts: list[int], call: Call) -> Node | None:
    """The tree's call expression at a call's span."""
    start = _offset(module.data, starts, call.span.start)
    end = _offset(module.data, starts, call.span.end)
    node: Node | None = module.tree.root_node.descendant_for_byte_range(start, end)
    while node is not None and node.type != "call_expression":
        node = node.parent
    return node


def _js_fix(module: JavaScriptModule, starts: list[int], call: Call, top_level: bool) -> Fix:
    """A suggestion: `const body = JSON.parse(event.body);` written directly in a handler
    becomes a `let` assigned inside `try`, whose `catch` answers 400."""
    suggestion = Fix(Applicability.DISPLAY_ONLY, _JS_FIX_MESSAGE)
    node = _call_node(module, starts, call) if top_level else None
    if node is None:
        return suggestion
    value = node
    while value.parent is not None and value.parent.type in (
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "parenthesized_expression",
    ):
        value = value.parent
    declarator = value.parent
    if declarator is None or declarator.type != "variable_declarator":
        return suggestion
    if declarator.child_by_field_name("value") != value:
        return suggestion
    statement = declarator.parent
    name = declarator.child_by_field_name("name")
    if (
        statement is None
        or statement.type != "lexical_declaration"
        or len([k for k in kids(statement) if k.type == "variable_declarator"]) != 1
        or name is None
        or name.type != "identifier"
    ):
        return suggestion
    block = statement.parent
    function = block.parent if block is not None else None
    if block is None or block.type != "statement_block" or function is None:
        return suggestion
    if function.type not in ("arrow_function", "function_expression", "function_declaration"):
        return suggestion
    positions = module.positions
    start = positions.start(statement)
    line_start = starts[start.row - 1]
    indent = module.data[line_start : statement.start_byte].decode("utf-8", "replace")
    if indent.strip():
        return suggestion  # another statement before it on the line
    step = "\t" if indent.startswith("\t") else "  "
    newline = "\r\n" if b"\r\n" in module.data else "\n"
    annotation = declarator.child_by_field_name("type")
    declared = positions.text(name) + (positions.text(annotation) if annotation else "")
    inner = indent + step
    text = (
        f"let {declared};{newline}"
        f"{indent}try {{{newline}"
        f"{inner}{positions.text(name)} = {positions.text(value)};{newline}"
        f"{indent}}} catch {{{newline}"
        f'{inner}return {{ statusCode: 400, body: \'{{"message": "Request body is not '
        f"valid JSON\"}}' }};{newline}"
        f"{indent}}}"
    )
    return Fix(
        Applicability.DISPLAY_ONLY,
        "Parse the body in `try` / `catch`, answering 400 when it is not JSON",
        (Edit(start, positions.end(statement), text),),
    )


class UnguardedBodyParse(CodeRule, CrossRule):
    """
    ## What it does
    Reports `json.loads(event["body"])` (also `event.get("body")`, `event.body` of a
    Powertools data class, a variable assigned from one of them, or the body after
    `base64.b64decode`) in code that runs on every invocation of a handler, when no
    `try` around it catches `ValueError`, `json.JSONDecodeError` or `Exception`.
    `simplejson`, `orjson` and `ujson` parsers count as `json.loads`.

    Also reports a handler of a REST API with binary media types (serverless
    `provider.apiGateway.binaryMediaTypes`, SAM `BinaryMediaTypes` on the Api or in
    `Globals`, CloudFormation `AWS::ApiGateway::RestApi` `BinaryMediaTypes`) that reads
    the request body without ever looking at `isBase64Encoded` (or decoding it, or
    using Powertools' `decoded_body`): reported on the first call that takes the body,
    naming the config line.


    In JavaScript and TypeScript: `JSON.parse(event.body)` (also through a name, with a
    default `event.body ?? "{}"`, TypeScript's `!` and `as`, a destructured `({ body })`,
    or after `Buffer.from(event.body, "base64").toString()`) outside a `try` with a
    `catch` (a promise chain's `.catch()` counts). Validation counts as minding bad
    input, as RULES.md says for Node.js: a parse result that a zod, ajv, joi, yup,
    superstruct, valibot or Powertools parser schema validates, and a handler wrapped
    by middy's `validator` or Powertools' `parser` middleware or decorator. A TypeScript
    type annotation or `as` cast is not validation.

    ## Why is this bad?
    The body of an API request is whatever the client sent. A body that is not JSON
    (a typo, a form post, an empty request, where `body` is `None` and `json.loads`
    raises `TypeError`) makes the handler raise; API Gateway then answers
    `502 Internal server error` instead of `400 Bad Request`, the client cannot tell
    its own mistake from an outage, and every malformed request shows up as a Lambda
    error in the alarms.

    A binary-enabled API hands the function a base64 string for a request of one of
    those types (`isBase64Encoded: true`): parsed or stored as is, it is garbage.

    ## Example
    ```python
    import json

    def handler(event, context):
        order = json.loads(event["body"])
        return {"statusCode": 201, "body": json.dumps(order)}
    ```

    ## Use instead
    ```python
    import json

    def handler(event, context):
        try:
            order = json.loads(event["body"])
        except (TypeError, ValueError):
            return {"statusCode": 400, "body": '{"message": "Request body is not valid JSON"}'}
        return {"statusCode": 201, "body": json.dumps(order)}
    ```

    Not reported: a parse inside a `try` that catches `ValueError` (or
    `json.JSONDecodeError`, `Exception`, a bare `except`), `json.loads` of anything
    but the request body (an SQS record's `record["body"]`, a response body), a
    function decorated with Powertools' `@event_parser` (the parser validates the
    body), and Powertools' `app.current_event.json_body` inside an event handler
    resolver (register `@app.exception_handler(ValueError)` there instead).

    ## Fix
    A suggestion, never applied in batch: when the parse is a statement of the
    handler itself, the statement is wrapped in `try` / `except (TypeError,
    ValueError)` returning a 400 response. Elsewhere the message says what to catch;
    a helper that parses the body should raise an error that the handler turns into
    a 400.

    In JavaScript, `const body = JSON.parse(event.body);` written directly in the
    handler becomes `let body;` assigned inside `try`, whose `catch` returns a 400
    response (a suggestion too); elsewhere the message says what to do.

    ## References
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html
    - https://docs.python.org/3/library/json.html#json.JSONDecodeError
    """

    code = "SL402"
    name = "unguarded-body-parse"
    severity = Severity.WARNING
    fix = FixKind.SUGGEST

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        self._frames: list[_Frame] = []

    # -- functions -----------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = [*node.params.posonly_params, *node.params.params]
        names = [param.name.value for param in params]
        if names and names[0] in ("self", "cls"):
            names = names[1:]
        events = frozenset(name for name in names if _is_event_name(name))
        top_level = len(self.ctx.parents) == 1
        decorators = {
            self.ctx.qualified_name(
                decorator.decorator.func
                if isinstance(decorator.decorator, cst.Call)
                else decorator.decorator
            )
            for decorator in node.decorators
        }
        self._frames.append(
            _Frame(
                node=node,
                events=events,
                handler_like=top_level and len(names) == 2 and names[0] in events,
                parsed_by_decorator=any(name in _PARSED_BY_DECORATOR for name in decorators),
            )
        )

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._frames and self._frames[-1].node is original_node:
            self._frames.pop()

    # -- what holds the body ---------------------------------------------------------
    def _is_body(self, node: cst.BaseExpression, frame: _Frame) -> bool:
        """`event["body"]`, `event.get("body")`, `event.body`, a name bound to one, or
        one of them decoded or defaulted (`event.get("body") or "{}"`)."""
        if isinstance(node, cst.Name):
            return node.value in frame.body_names
        if isinstance(node, cst.Subscript):
            if not isinstance(node.value, cst.Name) or node.value.value not in frame.events:
                return False
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return False
            return _string(node.slice[0].slice.value) == "body"
        if isinstance(node, cst.Attribute):
            return (
                node.attr.value == "body"
                and isinstance(node.value, cst.Name)
                and node.value.value in frame.events
            )
        if isinstance(node, cst.BooleanOperation):
            return self._is_body(node.left, frame)
        if isinstance(node, cst.Call):
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.value.value in frame.events
                and func.attr.value == "get"
            ):
                return bool(node.args) and _string(node.args[0].value) == "body"
            if isinstance(func, cst.Attribute) and func.attr.value == "decode":
                return self._is_body(func.value, frame)  # `body.decode("utf-8")`
            if self.ctx.qualified_name(func) in _DECODERS and node.args:
                return self._is_body(node.args[0].value, frame)
        return False

    def leave_Assign(self, original_node: cst.Assign) -> None:
        if not self._frames:
            return
        frame = self._frames[-1]
        is_body = self._is_body(original_node.value, frame)
        for target in original_node.targets:
            if isinstance(target.target, cst.Name):
                if is_body:
                    frame.body_names.add(target.target.value)
                else:
                    frame.body_names.discard(target.target.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if not self._frames or not isinstance(original_node.target, cst.Name):
            return
        frame = self._frames[-1]
        name = original_node.target.value
        if original_node.value is not None and self._is_body(original_node.value, frame):
            frame.body_names.add(name)
        else:
            frame.body_names.discard(name)

    # -- the parse -------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not self._frames or not node.args:
            return
        frame = self._frames[-1]
        if frame.parsed_by_decorator or not (frame.events or frame.body_names):
            return
        first = node.args[0]
        if first.keyword is not None or first.star:
            return
        if not self._is_body(first.value, frame):
            return
        if self.ctx.qualified_name(node.func) not in _PARSERS:
            return
        if self._guarded(node):
            return
        self.ctx.report(
            self,
            node,
            "The request body is parsed outside a `try` that catches `ValueError`: a body "
            "that is not JSON (or a missing one) makes the handler fail and API Gateway "
            "answers 502 instead of 400; catch the error and return a 400 response",
            fix=self._fix(node, frame),
            per_invocation=True,
        )

    def _guarded(self, node: cst.Call) -> bool:
        """A `try` of the same function holds the call in its body and catches parse
        errors."""
        parents = self.ctx.parents
        for index in range(len(parents) - 1, -1, -1):
            parent = parents[index]
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                return False
            if isinstance(parent, (cst.Try, cst.TryStar)):
                child = parents[index + 1] if index + 1 < len(parents) else node
                if child is parent.body and any(
                    self._catches(handler.type) for handler in parent.handlers
                ):
                    return True
        return False

    def _catches(self, caught: cst.BaseExpression | None) -> bool:
        if caught is None:
            return True  # a bare `except:`
        if isinstance(caught, cst.Tuple):
            return any(self._catches(element.value) for element in caught.elements)
        name = self.ctx.qualified_name(caught)
        return name is not None and name.rsplit(".", 1)[-1] in _CATCHING

    # -- the fix ---------------------------------------------------------------------
    def _fix(self, call: cst.Call, frame: _Frame) -> Fix | FixBuilder:
        suggestion = Fix(Applicability.DISPLAY_ONLY, _FIX_MESSAGE)
        parents = self.ctx.parents
        # The statement line that holds the call, directly in the handler's body.
        if not frame.handler_like or len(parents) < 3:
            return suggestion
        line_index = next(
            (
                i
                for i in range(len(parents) - 1, -1, -1)
                if isinstance(parents[i], cst.SimpleStatementLine)
            ),
            None,
        )
        if line_index is None or line_index < 2:
            return suggestion
        line = parents[line_index]
        block = parents[line_index - 1]
        if not (
            isinstance(line, cst.SimpleStatementLine)
            and len(line.body) == 1
            and isinstance(block, cst.IndentedBlock)
            and parents[line_index - 2] is frame.node
        ):
            return suggestion
        code = self.ctx.module.code_for_node(line.body[0])
        if "\n" in code:
            return suggestion
        module = self.ctx.module
        step = block.indent if block.indent is not None else module.default_indent

        def build(positions: Positions) -> Fix | None:
            start = positions.start(line.body[0])
            end = positions.end(line.body[0])
            indent = " " * (start.column - 1)
            newline = module.default_newline
            inner = indent + step
            text = (
                f"try:{newline}{inner}{code}{newline}"
                f"{indent}except (TypeError, ValueError):{newline}"
                f'{inner}return {{"statusCode": 400, "body": '
                f'\'{{"message": "Request body is not valid JSON"}}\'}}'
            )
            return Fix(
                Applicability.DISPLAY_ONLY,
                "Wrap the parse in `try` / `except (TypeError, ValueError)` returning a 400",
                (Edit(start, end, text),),
            )

        return build

    # -- JavaScript and TypeScript ---------------------------------------------------
    def check_javascript(self, module: JavaScriptModule) -> Iterator[PendingDiagnostic]:
        """`JSON.parse(event.body)` outside a `try` with a `catch`, read from the facts:
        the parse's argument carries its event path (through names, `??` defaults and
        TypeScript's `!` / `as`), and `Call.tries` the `try` statements around it."""
        starts: list[int] | None = None
        for function in module.facts.functions.values():
            behaviour = function.behaviour
            for call in behaviour.calls:
                if call.name != "JSON.parse" or call.once:
                    continue
                first = next((a.value for a in call.arguments if a.position == 0), None)
                body = _js_body_name(first) if first is not None else None
                if body is None or _js_guarded(call, behaviour):
                    continue
                if _js_validated(call, body, function):
                    continue
                if starts is None:
                    starts = [0, *(m.end() for m in _LINE_BREAK.finditer(module.data))]
                assert first is not None
                shown = first.text if len(first.text) <= 40 else first.text[:37] + "..."
                written = call.display or f"JSON.parse({shown})"
                diagnostic = self.make_diagnostic(
                    module.path,
                    call.span.start,
                    call.span.end,
                    f"`{written}` is outside a `try` / `catch`: a request body that is not "
                    "JSON (or a missing one) throws, the handler fails and API Gateway "
                    "answers 502 instead of 400; catch the error and return a 400 response",
                    fix=_js_fix(module, starts, call, "." not in function.key),
                )
                yield PendingDiagnostic(function.key, diagnostic)

    # -- binary payloads -------------------------------------------------------------
    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.reached:
            return
        binary = binary_api(function)
        if binary is None:
            return
        if any(_minds_encoding(reached.behaviour) for reached in handler.reached):
            return
        for reached in handler.reached:
            behaviour = reached.behaviour
            reads = [
                call
                for call in behaviour.calls
                if any(_reads_body(argument.value) for argument in call.arguments)
            ]
            if not reads and not any(_reads_body(value) for value in _values(behaviour)):
                continue
            if reads:
                start, end = reads[0].span.start, reads[0].span.end
            elif behaviour.span is not None:
                start, end = behaviour.span.start, behaviour.span.end
            else:
                continue
            javascript = handler.facts is not None and handler.facts.language == "javascript"
            decode = (
                '`Buffer.from(event.body, "base64")` when `event.isBase64Encoded` is true'
                if javascript
                else '`base64.b64decode` when `event["isBase64Encoded"]` is true'
            )
            yield self.make_diagnostic(
                reached.display,
                start,
                end,
                f"The request body is read without looking at `isBase64Encoded`, but the "
                f"API of function `{function.name}` has binary media types "
                f"({binary.where}): a request of such a type arrives base64-encoded and "
                f"is read as if it were the payload; decode it with {decode}",
            )
            return

    valid = (
        Valid(
            dedent("""\
                import base64
                import json

                def main(event, context):
                    body = event["body"]
                    if event.get("isBase64Encoded"):
                        body = base64.b64decode(body)
                    try:
                        data = json.loads(body)
                    except ValueError:
                        return {"statusCode": 400}
                    return {"statusCode": 200, "body": json.dumps(data)}
                """),
            files={
                "serverless.yml": dedent("""\
                    service: uploads
                    provider:
                      name: aws
                      runtime: python3.12
                      apiGateway:
                        binaryMediaTypes: ["image/*"]
                    functions:
                      upload:
                        handler: handler.main
                        events:
                          - http: {path: upload, method: post}
                    """)
            },
        ),
        Valid(
            dedent("""\
                import json

                def handler(event, context):
                    try:
                        order = json.loads(event["body"])
                    except json.JSONDecodeError:
                        return {"statusCode": 400, "body": "invalid JSON"}
                    return {"statusCode": 201, "body": json.dumps(order)}
                """)
        ),
        # An SQS record's body is not an API request: a failure is retried, not a 502.
        Valid(
            dedent("""\
                import json

                def handler(event, context):
                    for record in event["Records"]:
                        message = json.loads(record["body"])
                        print(message["id"])
                """)
        ),
        Valid(
            dedent("""\
                from aws_lambda_powertools.utilities.parser import envelopes, event_parser
                from pydantic import BaseModel

                class Order(BaseModel):
                    id: str

                @event_parser(model=Order, envelope=envelopes.ApiGatewayEnvelope)
                def handler(event: Order, context):
                    return {"statusCode": 201, "body": event.id}
                """)
        ),
        Valid(
            dedent("""\
                import json

                def handler(event, context):
                    body = event.get("body") or "{}"
                    try:
                        order = json.loads(body)
                    except Exception:
                        return {"statusCode": 400}
                    return {"statusCode": 201, "body": json.dumps(order)}
                """)
        ),
        # JavaScript: the parse in `try` / `catch`; an SQS record's body is no request.
        Valid(
            dedent("""\
                export const handler = async (event) => {
                  let order;
                  try {
                    order = JSON.parse(event.body);
                  } catch {
                    return { statusCode: 400, body: "invalid JSON" };
                  }
                  for (const record of event.Records ?? []) {
                    console.info(JSON.parse(record.body).id);
                  }
                  return { statusCode: 201, body: JSON.stringify(order) };
                };
                """),
            filename="handler.mjs",
        ),
        # TypeScript: the parsed body validated with zod, and a promise chain's `.catch`.
        Valid(
            dedent("""\
                import type { APIGatewayProxyEvent } from "aws-lambda";
                import { z } from "zod";

                const Order = z.object({ id: z.string() });

                export const handler = async (event: APIGatewayProxyEvent) => {
                  const order = Order.parse(JSON.parse(event.body ?? "{}"));
                  return Promise.resolve(event)
                    .then((e) => ({ statusCode: 201, body: JSON.parse(e.body!).id + order.id }))
                    .catch(() => ({ statusCode: 400, body: "invalid JSON" }));
                };
                """),
            filename="handler.ts",
        ),
        # CommonJS: middy's validator checks the event before the handler runs.
        Valid(
            dedent("""\
                const middy = require("@middy/core");
                const validator = require("@middy/validator");

                const lambdaHandler = async (event) => {
                  const order = JSON.parse(event.body);
                  return { statusCode: 201, body: order.id };
                };

                exports.handler = middy(lambdaHandler).use(validator({ eventSchema: {} }));
                """),
            filename="handler.js",
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                import json

                def main(event, context):
                    try:
                        data = json.loads(event["body"])
                    except ValueError:
                        return {"statusCode": 400}
                    return {"statusCode": 200, "body": json.dumps(data)}
                """),
            files={
                "serverless.yml": dedent("""\
                    service: uploads
                    provider:
                      name: aws
                      runtime: python3.12
                      apiGateway:
                        binaryMediaTypes: ["image/*"]
                    functions:
                      upload:
                        handler: handler.main
                        events:
                          - http: {path: upload, method: post}
                    """)
            },
            line=5,
            column=16,
            message="has binary media types (serverless.yml:6)",
        ),
        Invalid(
            dedent("""\
                import json

                def handler(event, context):
                    order = json.loads(event["body"])
                    return {"statusCode": 201, "body": json.dumps(order)}
                """),
            line=4,
            column=13,
            message="API Gateway answers 502 instead of 400",
        ),
        Invalid(
            dedent("""\
                import json

                def handler(event, context):
                    body = event.get("body", "{}")
                    try:
                        order = json.loads(body)
                    except KeyError:
                        return {"statusCode": 400}
                    return {"statusCode": 201, "body": json.dumps(order)}
                """),
            line=6,
            column=17,
            message="outside a `try` that catches `ValueError`",
        ),
        Invalid(
            dedent("""\
                export const handler = async (event) => {
                  const order = JSON.parse(event.body);
                  return { statusCode: 201, body: JSON.stringify(order) };
                };
                """),
            filename="handler.mjs",
            line=2,
            column=17,
            message="API Gateway answers 502 instead of 400",
        ),
        # A TypeScript annotation or `as` cast is no validation.
        Invalid(
            dedent("""\
                import type { APIGatewayProxyEvent } from "aws-lambda";

                interface Order {
                  id: string;
                }

                export const handler = async (event: APIGatewayProxyEvent) => {
                  const order: Order = JSON.parse(event.body ?? "{}") as Order;
                  return { statusCode: 201, body: order.id };
                };
                """),
            filename="handler.ts",
            line=8,
            column=24,
            message='`JSON.parse(event.body ?? "{}")` is outside a `try` / `catch`',
        ),
        # CommonJS, a destructured body.
        Invalid(
            dedent("""\
                exports.handler = async ({ body }) => {
                  const { items } = JSON.parse(body);
                  return { statusCode: 200, body: String(items.length) };
                };
                """),
            filename="handler.js",
            line=2,
            column=21,
        ),
    )
