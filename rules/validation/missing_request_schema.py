from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent
from typing import Any

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.edits import editable, indent_step, insert_block
from slint.app.model import App, Event, Function, Unknown
from slint.app.project import LinkedHandler, ReachedFunction
from slint.app.yamlpos import YMap
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from slint.facts import Behaviour, Call, Span, Value
from slint.files import FileTooBig, read_text_limited
from slint.settings import Settings

from .._support.config import is_disabled, mentions, properties, resources_of_type, target_id

# Methods whose requests carry a body the handler may read.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "ANY"})
# OpenAPI extension by which an API definition turns request validation on.
_OPENAPI_VALIDATOR = "x-amazon-apigateway-request-validator"

# -- what validates a body in code ---------------------------------------------------
# Calls into these libraries validate (or parse into a validated model).
_VALIDATING_PREFIXES = (
    "jsonschema.",
    "jsonschema_rs.",
    "fastjsonschema.",
    "cerberus.",
    "voluptuous.",
    "marshmallow.",
    "schema.",
    "pydantic.",
    "msgspec.",
    "cattrs.",
    "dacite.",
    "aws_lambda_powertools.utilities.validation.",
    "aws_lambda_powertools.utilities.parser.",
)
# Methods that validate whatever object they are called on (pydantic models, a
# `TypeAdapter`, marshmallow schemas, dataclasses-json).
_VALIDATING_METHODS = frozenset(
    {
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_obj",
        "parse_raw",
        "parse_obj_as",
        "validate_python",
        "validate_json",
        "from_json",
        "from_dict",
        "structure",
    }
)
# A method or function whose name says it validates (`validate_order(body)`,
# `validator.is_valid(body)`, `check_schema`): the project's own validation, whose
# body slint may not see (a package outside the project).
_VALIDATING_NAME = re.compile(r"valid|schema", re.IGNORECASE)
# Decorators that validate the event before the function runs.
_VALIDATING_DECORATORS = (
    "aws_lambda_powertools.utilities.validation.",
    "aws_lambda_powertools.utilities.parser.",
    "pydantic.validate_call",
    "pydantic.validate_arguments",
)
# Powertools event handler routes: with `enable_validation=True` a route's typed
# parameters (a pydantic model for the body) are validated before it runs.
_RESOLVER_ROUTES = "aws_lambda_powertools.event_handler."
# Base classes of validating models (matched on their last dotted part).
_MODEL_BASES = frozenset({"BaseModel", "RootModel", "Schema", "Struct", "BaseSettings"})
_MODEL_LIBRARIES = ("pydantic", "marshmallow", "msgspec", "aws_lambda_powertools.utilities.parser")
# A response that turns bad input away.
_CLIENT_ERROR = re.compile(r"\b(400|422)\b|BAD_REQUEST|UNPROCESSABLE")
_CLIENT_ERROR_CALLS = re.compile(r"(BadRequest|ValidationError|UnprocessableEntity)[A-Za-z]*$")
# Parts of an event path that hold the request body (`event["body"]`, Powertools data
# classes' `event.body` / `event.json_body` / `event.decoded_body`).
_BODY_PARTS = frozenset({"body", "json_body", "decoded_body"})
_CURRENT_EVENT_BODY = re.compile(r"(^|\.)current_event\.(body|json_body|decoded_body)\b")
# What turns the body into other data that still comes from the client (a result of
# anything else, such as an SDK call that got the body as an argument, does not).
_BODY_TRANSFORMS = frozenset(
    {
        "loads",
        "b64decode",
        "standard_b64decode",
        "urlsafe_b64decode",
        "decode",
        "parse_qs",
        # JavaScript: `JSON.parse(event.body)`, `querystring.parse(event.body)`
        "parse",
    }
)
_CURRENT_EVENT_JSON = re.compile(r"(^|\.)current_event\.json_body\b")

# -- what validates a body in JavaScript and TypeScript --------------------------------
# npm packages whose calls validate (or parse into a validated value): a call whose
# qualified name starts with one (`zod.z.object().parse`, `ajv().compile()`, a subpath
# such as `zod/v4`) validates.
_JS_VALIDATING_PACKAGES = (
    "zod",
    "ajv",
    "joi",
    "@hapi/joi",
    "yup",
    "superstruct",
    "valibot",
    "io-ts",
    "runtypes",
    "typia",
    "arktype",
    "class-validator",
    "fastest-validator",
    "jsonschema",
    "@sinclair/typebox",
    "@effect/schema",
    "@aws-lambda-powertools/parser",
    "@aws-lambda-powertools/validation",
    "@middy/validator",
)
# Middy middlewares and Powertools decorators (`FunctionFacts.decorators`) that validate
# the event before the handler runs: `.use(validator({ eventSchema }))`,
# `.use(parser({ schema }))`, `@parser({ schema })`, `@validator({ inboundSchema })`.
_JS_VALIDATING_WRAPPERS = (
    "@middy/validator",
    "@aws-lambda-powertools/parser",
    "@aws-lambda-powertools/validation",
)
# Middy's JSON body parser: the handler receives `event.body` parsed.
_JS_BODY_PARSER = "@middy/http-json-body-parser"
# Schema-library methods that validate whatever they are called on (zod's and valibot's
# `safeParse`); `validate`, `validateSync`, `isValid` are caught by their names.
_JS_VALIDATING_METHODS = frozenset({"safeParse", "safeParseAsync", "parseAsync"})
# `schema.parse(body)`: `parse` validates when called on a schema (not `JSON.parse`).
_JS_SCHEMA_PARSE = frozenset({"parse", "parseAsync"})


def _from_package(name: str, packages: Iterable[str]) -> bool:
    """A qualified name (call or wrapper) that comes from one of the npm `packages`."""
    return any(
        name == package or name.startswith((package + ".", package + "(", package + "/"))
        for package in packages
    )


def _javascript(reached: ReachedFunction) -> bool:
    return reached.path.suffix.lower() in _JAVASCRIPT_SUFFIXES


_JAVASCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})


def _values(behaviour: Behaviour) -> Iterator[tuple[Value, int | None]]:
    """Every value a function's facts hold (nested dictionary values included), with
    the line of the call or return that holds it where one does."""
    pending: list[tuple[Value, int | None]] = []
    for call in behaviour.calls:
        call_line = call.span.line
        pending.extend((argument.value, call_line) for argument in call.arguments)
        if call.receiver is not None:
            pending.append((call.receiver, call_line))
    pending.extend((value, None) for _, value in behaviour.locals)
    pending.extend((ret.value, ret.span.line) for ret in behaviour.returns if ret.value is not None)
    pending.reverse()
    while pending:
        value, held_at = pending.pop()
        yield value, (value.span.line if value.span is not None else held_at)
        pending.extend((item, held_at) for _, item in reversed(value.items))


def _reads_body(value: Value, parameters: Iterable[str] = ()) -> bool:
    """The value is the request body, or (given the function's `parameters`, which the
    JavaScript front end's names are rooted at) made from it: `raw = isBase64Encoded ?
    Buffer.from(event.body, "base64").toString() : event.body` names `event.body`."""
    path = value.event_path
    if path is not None:
        parts = path.split(".")
        if len(parts) >= 2 and parts[1] in _BODY_PARTS:
            return True
    if any(_CURRENT_EVENT_BODY.search(name) for name in value.names):
        return True
    roots = frozenset(parameters)
    if not roots:
        return False
    for name in value.names:
        parts = name.split(".", 2)
        if len(parts) >= 2 and parts[0] in roots and parts[1] in _BODY_PARTS:
            return True
    return False


def _model_classes(handler: LinkedHandler) -> frozenset[str]:
    """Names of the project's classes that validate what they are built from (pydantic
    models, marshmallow schemas, msgspec structs), through local base classes."""
    models: set[str] = set()
    for module in handler.modules:
        bases = module.facts.class_bases
        changed = True
        while changed:
            changed = False
            for name, parents in bases.items():
                if name in models:
                    continue
                for parent in parents:
                    kind, _, target = parent.partition(":")
                    last = target.rsplit(".", 1)[-1]
                    external = kind == "ext" and (
                        last in _MODEL_BASES or target.startswith(_MODEL_LIBRARIES)
                    )
                    if external or (kind == "local" and last in models):
                        models.add(name.rsplit(".", 1)[-1])
                        changed = True
                        break
    return frozenset(models)


def _validates(reached: ReachedFunction, models: frozenset[str]) -> bool:
    """Whether this function validates input: a validating decorator, library, model,
    method, or a 400 / 422 answer outside an `except` clause."""
    facts = reached.facts
    javascript = _javascript(reached)
    for decorator in facts.decorators:
        if decorator.startswith(_VALIDATING_DECORATORS):
            return True
        if decorator.startswith(_RESOLVER_ROUTES) and reached.behaviour.parameters:
            return True  # a route with parameters: typed (validated) with enable_validation
        if javascript and (
            _from_package(decorator, _JS_VALIDATING_WRAPPERS)
            # the project's own middleware: `.use(validateBody(schema))`
            or _VALIDATING_NAME.search(decorator.rstrip("()").rsplit(".", 1)[-1])
        ):
            return True
    behaviour = reached.behaviour
    body_names = _body_names(behaviour, javascript)
    for call in behaviour.calls:
        name = call.name
        if name.startswith(_VALIDATING_PREFIXES) or call.method in _VALIDATING_METHODS:
            return True
        if javascript and _javascript_validates(call):
            return True
        last = name.rstrip("()").rsplit(".", 1)[-1]
        if _VALIDATING_NAME.search(call.method) or _VALIDATING_NAME.search(last):
            return True
        if last in models or _CLIENT_ERROR_CALLS.search(last):
            return True
        # `Order(**body)`: a dataclass (or any class with named fields) refuses missing and
        # unknown keys.
        if last[:1].isupper() and any(
            argument.keyword == "**"
            and (
                _reads_body(argument.value) or body_names.intersection(_roots(argument.value.names))
            )
            for argument in call.arguments
        ):
            return True
    # `if "text" not in data: raise ...`: the handler refuses a body that lacks a field.
    tests = [
        condition.span
        for condition in behaviour.conditions
        if body_names.intersection(_roots(condition.names))
    ]
    if any(_within(error.span, test) for error in behaviour.raises for test in tests):
        return True
    for ret in behaviour.returns:
        if ret.handler is None and ret.value is not None and _answers_client_error(ret.value):
            return True
    if javascript:
        return _javascript_refuses(reached, tests)
    return False


# How a callback-style Node.js handler answers: `callback(error, response)`, and the
# older `context.succeed(response)` / `context.fail(error)` / `context.done(error, r)`.
_CONTEXT_ANSWERS = frozenset({"succeed", "fail", "done"})


def _javascript_refuses(reached: ReachedFunction, tests: list[Span]) -> bool:
    """A callback-style handler that turns bad input away: it answers a 400 / 422
    (`callback(null, { statusCode: 400 })` outside a `catch`), or, under a test of the
    body (`if (typeof data.text !== "string")`), fails the invocation
    (`callback(new Error(...))`, `context.fail(...)`), as a `throw` would."""
    positional = reached.facts.positional
    callback = positional[2] if len(positional) > 2 else None
    context = positional[1] if len(positional) > 1 else None
    for call in reached.behaviour.calls:
        answers = (callback is not None and call.name == callback) or (
            context is not None
            and call.receiver is not None
            and call.receiver.text == context
            and call.method in _CONTEXT_ANSWERS
        )
        if not answers:
            continue
        if call.handler is None and any(
            _client_error_status(argument.value) for argument in call.arguments
        ):
            return True
        first = next((a.value for a in call.arguments if a.position == 0), None)
        failing = call.method == "fail" or (
            first is not None and first.text not in ("null", "undefined")
        )
        if failing and any(_within(call.span, test) for test in tests):
            return True
    return False


def _client_error_status(value: Value) -> bool:
    """A response literal whose `statusCode` is 400 or 422."""
    status = value.item("statusCode")
    if status is None:
        return False
    return status.literal in (400, 422) or bool(_CLIENT_ERROR.search(status.text))


def _javascript_validates(call: Call) -> bool:
    """A JavaScript call that validates: into a schema library (`zod`, `ajv`, `joi`,
    `yup`, Powertools parser and validation, ...), a schema method (`safeParse`; the
    `validate...` methods are known by their names), or `parse` on a schema
    (`OrderSchema.parse(body)`, not `JSON.parse`). A TypeScript annotation or `as` cast
    is no call: not validation."""
    if _from_package(call.name, _JS_VALIDATING_PACKAGES):
        return True
    if call.method in _JS_VALIDATING_METHODS:
        return True
    receiver = call.receiver
    if call.method in _JS_SCHEMA_PARSE and receiver is not None:
        origin = receiver.origin or ""
        return bool(_VALIDATING_NAME.search(receiver.text)) or _from_package(
            origin, _JS_VALIDATING_PACKAGES
        )
    return False


def _body_names(behaviour: Behaviour, javascript: bool = False) -> frozenset[str]:
    """Local names that hold the body or what was parsed from it (`data =
    json.loads(event["body"])`; a local's facts keep the call that made it). The
    JavaScript front end's values name what they are made from, through locals too."""
    parameters = behaviour.parameters if javascript else ()
    names = {name for name, value in behaviour.locals if _reads_body(value, parameters)}
    for _ in range(2):  # `raw = event["body"]; data = json.loads(raw)`
        parsers = {
            f"{call.name}()"
            for call in behaviour.calls
            if call.method in _BODY_TRANSFORMS
            and any(
                _reads_body(argument.value) or names.intersection(_roots(argument.value.names))
                for argument in call.arguments
            )
        }
        names.update(name for name, value in behaviour.locals if value.origin in parsers)
    return frozenset(names)


def _roots(names: Iterable[str]) -> set[str]:
    return {name.split(".", 1)[0] for name in names}


def _within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _answers_client_error(value: Value) -> bool:
    status = value.item("statusCode") or value.item("status_code")
    if status is not None:
        return status.literal in (400, 422) or bool(_CLIENT_ERROR.search(status.text))
    return bool(_CLIENT_ERROR.search(value.text))


def _parsed_at(behaviour: Behaviour, javascript: bool = False) -> int | None:
    """The line where the function parses the request body as JSON: `json.loads` (or
    simplejson / orjson / ujson; JavaScript's `JSON.parse`) of the body or of a name
    holding it, or Powertools' `json_body`. A body passed on as opaque text (a prompt, a
    document) needs no schema."""
    body_names = _body_names(behaviour, javascript)
    parameters = behaviour.parameters if javascript else ()
    for call in behaviour.calls:
        parses = call.name == "JSON.parse" if javascript else call.method == "loads"
        if not parses or not call.arguments:
            continue
        first = call.arguments[0].value
        if _reads_body(first, parameters) or body_names.intersection(_roots(first.names)):
            return call.span.line
    for value, line in _values(behaviour):
        path = value.event_path
        if (path is not None and path.split(".")[1:2] == ["json_body"]) or any(
            _CURRENT_EVENT_JSON.search(name) for name in value.names
        ):
            if line is not None:
                return line
            # A local assigned from it (`order = app.current_event.json_body`) keeps no
            # line: the function's own line stands for it.
            return behaviour.span.line if behaviour.span is not None else 1
    return None


def unvalidated_body(handler: LinkedHandler) -> str | None:
    """Where the handler parses the request body (`file:line`) when nothing it runs per
    invocation validates it; None when it validates, or never visibly parses the body."""
    models = _model_classes(handler)
    parsed_at: str | None = None
    for reached in handler.reached:
        if _validates(reached, models):
            return None
        if parsed_at is None:
            javascript = _javascript(reached)
            line = _parsed_at(reached.behaviour, javascript)
            if line is None and javascript and _middy_parses_body(reached):
                line = reached.facts.line
            if line is not None:
                parsed_at = reached.where(line)
    return parsed_at


def _middy_parses_body(reached: ReachedFunction) -> bool:
    """Wrapped with middy's `httpJsonBodyParser()`: the handler gets the parsed body."""
    return any(_from_package(wrapper, (_JS_BODY_PARSER,)) for wrapper in reached.facts.decorators)


# -- what validates a body in config -------------------------------------------------
@dataclass(frozen=True)
class _Target:
    """One API route of the function that takes a body."""

    file: str
    at: Location
    length: int
    label: str  # "`http` event POST /orders"
    gateway: str  # "REST" or "HTTP"
    problem: str  # why the gateway does not validate
    fix: Fix


def _route(event: Event) -> str:
    method = event.method or "?"
    if not event.path:
        return method
    return f"{method} {event.path if event.path.startswith('/') else '/' + event.path}"


def _contains_key(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return key in value or any(_contains_key(item, key) for item in value.values())
    if isinstance(value, list):
        return any(_contains_key(item, key) for item in value)
    return False


def _validate_in_code(function: Function) -> str:
    """How to validate the body in the handler's own language."""
    if function.language == "node":
        return (
            "Validate the body in the handler: a zod schema "
            "(`Order.parse(JSON.parse(event.body))`), ajv, or middy's `validator` / "
            "Powertools `parser` middleware"
        )
    return (
        "Validate the body in the handler: a pydantic model "
        '(`Order.model_validate_json(event["body"])`) or Powertools '
        "`@event_parser(model=Order, envelope=envelopes.ApiGatewayV2Envelope)`"
    )


_HANDLER = dedent("""\
    import json


    def create(event, context):
        order = json.loads(event["body"])
        return {"statusCode": 201, "body": json.dumps(order)}
    """)


_NODE_REST = dedent("""\
    service: orders
    provider:
      name: aws
      runtime: nodejs20.x
    functions:
      createOrder:
        handler: orders.create
        events:
          - http:
              path: orders
              method: post
    """)
_NODE_HTTP = _NODE_REST.replace(
    "      - http:\n          path: orders\n          method: post\n",
    "      - httpApi: POST /orders\n",
)
_NODE_SAM_TS = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      CreateOrder:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: orders.create
          Runtime: nodejs20.x
          Events:
            Create:
              Type: Api
              Properties:
                Path: /orders
                Method: post
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - orders.ts
    """)


class MissingRequestSchema(CrossRule):
    """
    ## What it does
    Reports an API route that takes a request body (method POST, PUT, PATCH or ANY)
    when neither API Gateway nor the handler validates that body:

    - the config defines no request schema with validation for the route: serverless
      `http` events without `request.schemas`; SAM `Api` events without a
      `RequestModel` whose `ValidateBody` is true (and an API whose OpenAPI
      definition turns on no `x-amazon-apigateway-request-validator`); CloudFormation
      `AWS::ApiGateway::Method` resources integrating the function without
      `RequestValidatorId` and `RequestModels`. HTTP APIs (serverless `httpApi`, SAM
      `HttpApi`, `AWS::ApiGatewayV2::Route`) cannot validate bodies: for them the code
      alone decides;
    - and the handler parses the body as JSON (`json.loads(event["body"])`,
      Powertools' `event.json_body` / `app.current_event.json_body`) while nothing it runs per
      invocation validates it: no `jsonschema` / `fastjsonschema` call, no pydantic
      model (`Model(**body)`, `Model.model_validate(_json)`, `parse_obj`, `parse_raw`,
      `TypeAdapter`), no Powertools `@validator` / `validate()` / `@event_parser` /
      `parse()`, no marshmallow `Schema().load`, cerberus or voluptuous, no
      `Dataclass(**body)`, no Powertools resolver route taking typed parameters
      (`enable_validation=True`), no function of its own named `validate...`, and no
      400 / 422 answer for bad input.

    Node.js handlers (JavaScript and TypeScript) parse the body with `JSON.parse(event.body)`
    (also of a variable holding it, or of the base64-decoded body) or middy's
    `httpJsonBodyParser()`, and validate it with zod (`Order.parse(body)`,
    `safeParse`), ajv, joi, yup, superstruct, valibot, class-validator, middy's
    `validator()` middleware, Powertools' `parser()` middleware, `@parser` decorator or
    `parse()`, Powertools validation, a function of their own named `validate...`, a
    400 / 422 answer (returned or passed to the handler's `callback`), or a test of a
    body field that fails the invocation (`throw`, `callback(new Error(...))`). A
    TypeScript type annotation or `as` cast checks nothing at run time: it is not
    validation.

    The finding is on the event in the config (where a schema goes) and names the
    handler and the line where it parses the body. GET and DELETE routes, handlers that
    never parse the body (or pass it on as opaque text, such as a prompt), and handlers
    no config names are not reported.

    ## Why is this bad?
    Whatever a client sends reaches the function: missing fields become `KeyError`s
    and 502 answers, wrong types end up in the database, and oversized or hostile
    payloads are paid for in Lambda time. A request schema lets API Gateway answer
    400 before the function runs (and costs nothing); validation in code does the same
    for HTTP APIs and for rules JSON Schema cannot express.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      createOrder:
        handler: orders.create
        events:
          - http:
              path: orders
              method: post
    ```
    ```python
    # orders.py
    def create(event, context):
        order = json.loads(event["body"])
        table.put_item(Item={"id": order["id"], "total": order["total"]})
    ```

    ## Use instead
    ```yaml
          - http:
              path: orders
              method: post
              request:
                schemas:
                  application/json: ${file(schemas/create-order.json)}
    ```
    or validate in the handler:
    ```python
    class Order(BaseModel):
        id: str
        total: Decimal

    def create(event, context):
        order = Order.model_validate_json(event["body"])
    ```
    or, in a Node.js handler, with zod:
    ```js
    const Order = z.object({ id: z.string(), total: z.number() });

    export const create = async (event) => {
      const order = Order.parse(JSON.parse(event.body));
    };
    ```

    ## Fix
    A suggestion, never applied in batch. For a serverless `http` event written as a
    mapping it inserts `request: schemas: application/json:
    ${file(schemas/<function>-request.json)}` (write that schema file); for a SAM `Api`
    event it inserts `RequestModel: {Model: <Function>Request, Required: true,
    ValidateBody: true}` (add that model to the API's `Models`). For CloudFormation
    methods and HTTP APIs the message says what to add.

    ## References
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
    - https://www.serverless.com/framework/docs/providers/aws/events/apigateway#request-schema-validators
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-requestmodel.html
    - https://docs.powertools.aws.dev/lambda/python/latest/utilities/parser/
    """

    code = "SL401"
    name = "missing-request-schema"
    severity = Severity.WARNING
    fix = FixKind.SUGGEST

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.reached:
            return
        targets = list(self._targets(function))
        if not targets:
            return
        read_at = unvalidated_body(handler)
        if read_at is None:
            return
        name = handler.function.name if handler.function is not None else function.name
        for target in targets:
            yield self.at(
                target.file,
                target.at,
                f"{target.label} takes a request body that nothing validates: "
                f"{target.problem}, and handler `{name}` ({handler.location}) parses the body "
                f"at {read_at} without validating it; malformed or hostile input reaches "
                "the code",
                length=target.length,
                fix=target.fix,
            )

    # -- the routes --------------------------------------------------------------------
    def _targets(self, function: Function) -> Iterator[_Target]:
        app = function.app
        for event in function.events:
            if is_disabled(event) or event.method not in _BODY_METHODS:
                continue
            if event.type_name == "http":
                found = self._serverless_rest(app, function, event)
            elif event.type_name == "httpApi":
                found = self._http_api(function, event, "`httpApi` event")
            elif event.type_name == "Api":
                found = self._sam_rest(app, function, event)
            elif event.type_name == "HttpApi":
                found = self._http_api(function, event, "`HttpApi` event")
            else:
                found = None
            if found is not None:
                yield found
        if app.format != "serverless":
            yield from self._cloudformation_methods(app, function)
            yield from self._cloudformation_routes(app, function)

    def _event_place(self, function: Function, event: Event) -> tuple[str, Location, int]:
        key = event.type_name if function.app.format == "serverless" else str(event.name)
        return event.file, event.at, len(key)

    def _http_api(self, function: Function, event: Event, what: str) -> _Target:
        file, at, length = self._event_place(function, event)
        return _Target(
            file,
            at,
            length,
            f"{what} {_route(event)} of function `{function.name}`",
            "HTTP",
            "an HTTP API cannot validate request bodies",
            Fix(Applicability.DISPLAY_ONLY, _validate_in_code(function)),
        )

    def _serverless_rest(self, app: App, function: Function, event: Event) -> _Target | None:
        props = event.properties
        request = props.get("request") if props is not None else None
        if isinstance(request, YMap) and any(
            request.get(key) not in (None, {}) for key in ("schemas", "schema")
        ):
            return None
        if props is not None and "reqValidatorName" in props:
            return None  # serverless-reqvalidator-plugin: a validator of the template
        schema_file = f"schemas/{function.name}-request.json"
        block = f"request: schemas: application/json: ${{file({schema_file})}}"
        edit: Edit | None = None
        if props is not None and editable(app, props) and not props.flow:
            step = indent_step(app.document)
            line = f"application/json: ${{file({schema_file})}}"
            if isinstance(request, YMap):
                edit = (
                    insert_block(app.text, request, "schemas", [(1, line)], step)
                    if editable(app, request)
                    else None
                )
            elif request is None:
                edit = insert_block(app.text, props, "request", [(1, "schemas:"), (2, line)], step)
        message = (
            f"Add `{block}` to the event and write the JSON Schema of the body to `{schema_file}`"
        )
        file, at, length = self._event_place(function, event)
        return _Target(
            file,
            at,
            length,
            f"`http` event {_route(event)} of function `{function.name}`",
            "REST",
            "the event has no `request.schemas`",
            Fix(Applicability.DISPLAY_ONLY, message, (edit,) if edit is not None else ()),
        )

    def _sam_rest(self, app: App, function: Function, event: Event) -> _Target | None:
        props = event.properties
        model = props.get("RequestModel") if props is not None else None
        if isinstance(model, YMap):
            validate = model.get("ValidateBody")
            if (
                validate is True
                or isinstance(validate, Unknown)
                or not isinstance(validate, (bool, type(None)))
            ):
                return None
            problem = "its `RequestModel` does not set `ValidateBody: true`"
        else:
            problem = "the event has no `RequestModel`"
        api_id = target_id(props.get("RestApiId")) if props is not None else None
        if api_id is not None and self._api_validates(app, api_id):
            return None
        model_name = f"{function.name}Request"
        edit: Edit | None = None
        if props is not None and model is None and editable(app, props) and not props.flow:
            edit = insert_block(
                app.text,
                props,
                "RequestModel",
                [(1, f"Model: {model_name}"), (1, "Required: true"), (1, "ValidateBody: true")],
                indent_step(app.document),
            )
        api = f"API `{api_id}`" if api_id is not None else "an `AWS::Serverless::Api`"
        message = (
            f"Set `RequestModel: {{Model: {model_name}, Required: true, ValidateBody: true}}` "
            f"on the event and add `{model_name}` (a JSON Schema of the body) to the "
            f"`Models` of {api}"
        )
        file, at, length = self._event_place(function, event)
        return _Target(
            file,
            at,
            length,
            f"`Api` event {_route(event)} of function `{function.name}`",
            "REST",
            problem,
            Fix(Applicability.DISPLAY_ONLY, message, (edit,) if edit is not None else ()),
        )

    def _api_validates(self, app: App, api_id: str) -> bool:
        """The SAM API's OpenAPI definition may turn validation on (or cannot be read)."""
        resource = app.resources.get(api_id)
        props = properties(resource)
        if props is None:
            return not isinstance(resource, YMap)  # an API of another stack: cannot tell
        body = props.get("DefinitionBody")
        if body is not None:
            return (
                not isinstance(body, YMap)
                or _contains_key(body, _OPENAPI_VALIDATOR)
                or ("Fn::Transform" in body)
            )
        uri = props.get("DefinitionUri")
        if uri is None:
            return False
        if not isinstance(uri, str) or "://" in uri:
            return True
        try:
            text = read_text_limited(app.directory / Path(uri), errors="replace")
        except (OSError, FileTooBig):
            return True
        return _OPENAPI_VALIDATOR in text

    # -- CloudFormation ------------------------------------------------------------------
    def _cloudformation_methods(self, app: App, function: Function) -> Iterator[_Target]:
        validators = {
            str(logical): props
            for logical, _, props in resources_of_type(app, "AWS::ApiGateway::RequestValidator")
        }
        for logical, resource, props in resources_of_type(app, "AWS::ApiGateway::Method"):
            if props is None:
                continue
            integration = props.get("Integration")
            if not isinstance(integration, YMap) or not mentions(
                integration.get("Uri"), function.name
            ):
                continue
            method = props.get("HttpMethod")
            if not isinstance(method, str) or method.upper() not in _BODY_METHODS:
                continue
            validator = props.get("RequestValidatorId")
            models = props.get("RequestModels")
            if validator is not None and models:
                validator_props = validators.get(logical_id(validator) or "")
                body_checked = (
                    validator_props.get("ValidateRequestBody")
                    if validator_props is not None
                    else True
                )
                if body_checked is not False and body_checked is not None:
                    continue
                problem = (
                    "its `RequestValidatorId` names a validator without `ValidateRequestBody: true`"
                )
            elif validator is None and models:
                problem = "it has `RequestModels` but no `RequestValidatorId`"
            else:
                problem = "it has no `RequestValidatorId` and `RequestModels`"
            message = (
                "Add an `AWS::ApiGateway::RequestValidator` with `ValidateRequestBody: true` "
                "and an `AWS::ApiGateway::Model` with the body's JSON Schema, then set "
                "`RequestValidatorId: !Ref BodyValidator` and `RequestModels: "
                "{application/json: !Ref OrderModel}` on the method"
            )
            yield _Target(
                resource.file,
                app.resources.at(logical),
                len(str(logical)),
                f"Method `{logical}` ({method.upper()}) integrating function `{function.name}`",
                "REST",
                problem,
                Fix(Applicability.DISPLAY_ONLY, message),
            )

    def _cloudformation_routes(self, app: App, function: Function) -> Iterator[_Target]:
        integrations = [
            str(logical)
            for logical, _, props in resources_of_type(app, "AWS::ApiGatewayV2::Integration")
            if props is not None and mentions(props.get("IntegrationUri"), function.name)
        ]
        if not integrations:
            return
        for logical, resource, props in resources_of_type(app, "AWS::ApiGatewayV2::Route"):
            if props is None:
                continue
            target = props.get("Target")
            if not any(mentions(target, integration) for integration in integrations):
                continue
            route_key = props.get("RouteKey")
            if not isinstance(route_key, str):
                continue
            method = route_key.split(None, 1)[0].upper()
            if method not in _BODY_METHODS and route_key != "$default":
                continue
            yield _Target(
                resource.file,
                app.resources.at(logical),
                len(str(logical)),
                f"Route `{logical}` ({route_key}) integrating function `{function.name}`",
                "HTTP",
                "an HTTP API cannot validate request bodies",
                Fix(Applicability.DISPLAY_ONLY, _validate_in_code(function)),
            )

    valid = (
        # The event validates the body with a request schema.
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  createOrder:
                    handler: orders.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schemas:
                              application/json: ${file(create-order.json)}
                """),
            filename="serverless.yml",
            files={
                "orders.py": _HANDLER,
                "create-order.json": '{"type": "object", "required": ["id"]}\n',
            },
        ),
        # The handler validates the body with a pydantic model (an HTTP API: code only).
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  createOrder:
                    handler: orders.create
                    events:
                      - httpApi: POST /orders
                """),
            filename="serverless.yml",
            files={
                "orders.py": dedent("""\
                    from pydantic import BaseModel

                    class Order(BaseModel):
                        id: str
                        total: float

                    def create(event, context):
                        order = Order.model_validate_json(event["body"])
                        return {"statusCode": 201, "body": order.model_dump_json()}
                    """)
            },
        ),
        # GET routes carry no body.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  CreateOrder:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: orders.create
                      Runtime: python3.12
                      Events:
                        List:
                          Type: Api
                          Properties:
                            Path: /orders
                            Method: get
                """),
            filename="template.yaml",
            files={"orders.py": _HANDLER},
        ),
        # SAM: a RequestModel that API Gateway validates.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      Models:
                        Order:
                          type: object
                          required: [id]
                  CreateOrder:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: orders.create
                      Runtime: python3.12
                      Events:
                        Create:
                          Type: Api
                          Properties:
                            RestApiId: !Ref OrdersApi
                            Path: /orders
                            Method: post
                            RequestModel:
                              Model: Order
                              Required: true
                              ValidateBody: true
                """),
            filename="template.yaml",
            files={"orders.py": _HANDLER},
        ),
        # Node.js (HTTP API): a zod schema validates the parsed body.
        Valid(
            dedent("""\
                import { z } from "zod";

                const Order = z.object({ id: z.string(), total: z.number() });

                export const create = async (event) => {
                  const order = Order.parse(JSON.parse(event.body));
                  return { statusCode: 201, body: JSON.stringify({ id: order.id }) };
                };
                """),
            filename="orders.mjs",
            files={"serverless.yml": _NODE_HTTP},
        ),
        # TypeScript (SAM, esbuild): middy parses the body and its validator checks it.
        Valid(
            dedent("""\
                import middy from "@middy/core";
                import httpJsonBodyParser from "@middy/http-json-body-parser";
                import validator from "@middy/validator";
                import { transpileSchema } from "@middy/validator/transpile";

                const eventSchema = transpileSchema({
                  type: "object",
                  properties: { body: { type: "object", required: ["id"] } },
                });

                export const create = middy()
                  .use(httpJsonBodyParser())
                  .use(validator({ eventSchema }))
                  .handler(async (event: { body: { id: string } }) => ({
                    statusCode: 201,
                    body: JSON.stringify({ id: event.body.id }),
                  }));
                """),
            filename="src/orders.ts",
            files={"template.yaml": _NODE_SAM_TS},
        ),
        # A callback-style handler that answers 400 to a body without an `id`.
        Valid(
            dedent("""\
                exports.create = (event, context, callback) => {
                  const data = JSON.parse(event.body);
                  if (typeof data.id !== "string") {
                    callback(null, { statusCode: 400, body: "id must be a string" });
                    return;
                  }
                  callback(null, { statusCode: 201, body: JSON.stringify({ id: data.id }) });
                };
                """),
            filename="orders.js",
            files={"serverless.yml": _NODE_REST},
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  createOrder:
                    handler: orders.create
                    events:
                      - http:
                          path: orders
                          method: post
                """),
            filename="serverless.yml",
            files={"orders.py": _HANDLER},
            line=9,
            column=9,
            message="handler `create` (orders.py:4) parses the body at orders.py:5",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  CreateOrder:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: orders.create
                      Runtime: python3.12
                      Events:
                        Create:
                          Type: Api
                          Properties:
                            Path: /orders
                            Method: post
                """),
            filename="template.yaml",
            files={"orders.py": _HANDLER},
            line=10,
            column=9,
            message="the event has no `RequestModel`",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  CreateOrder:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: orders.create
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/orders
                      Code: .
                  OrdersApi:
                    Type: AWS::ApiGateway::RestApi
                    Properties:
                      Name: orders
                  CreateMethod:
                    Type: AWS::ApiGateway::Method
                    Properties:
                      RestApiId: !Ref OrdersApi
                      ResourceId: !GetAtt OrdersApi.RootResourceId
                      HttpMethod: POST
                      AuthorizationType: NONE
                      Integration:
                        Type: AWS_PROXY
                        IntegrationHttpMethod: POST
                        Uri: !Join
                          - ""
                          - - "arn:aws:apigateway:"
                            - !Ref AWS::Region
                            - ":lambda:path/2015-03-31/functions/"
                            - !GetAtt CreateOrder.Arn
                            - /invocations
                """),
            filename="template.yaml",
            files={"orders.py": _HANDLER},
            line=14,
            column=3,
            message="no `RequestValidatorId` and `RequestModels`",
        ),
        # Node.js: `JSON.parse(event.body)` and nothing checks what it holds.
        Invalid(
            dedent("""\
                exports.create = async (event) => {
                  const order = JSON.parse(event.body);
                  return { statusCode: 201, body: JSON.stringify({ id: order.id }) };
                };
                """),
            filename="orders.js",
            files={"serverless.yml": _NODE_REST},
            line=9,
            column=9,
            message="handler `create` (orders.js:1) parses the body at orders.js:2",
        ),
        # TypeScript: an `as` cast checks nothing at run time.
        Invalid(
            dedent("""\
                import type { APIGatewayProxyEvent } from "aws-lambda";

                interface Order {
                  id: string;
                  total: number;
                }

                export const create = async (event: APIGatewayProxyEvent) => {
                  const order = JSON.parse(event.body ?? "{}") as Order;
                  return { statusCode: 201, body: JSON.stringify({ id: order.id }) };
                };
                """),
            filename="src/orders.ts",
            files={"template.yaml": _NODE_SAM_TS},
            line=11,
            column=9,
            message="parses the body at src/orders.ts:9",
        ),
    )
