from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from textwrap import dedent
from typing import Any

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.model import App, Function, Setting
from slint.app.project import LinkedHandler, ReachedFunction
from slint.app.sam_globals import globals_section, ignores
from slint.app.serverless import normalized_name
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic, Location
from slint.facts import Call, Span, Value
from slint.settings import Settings

from .._support.config import number, references, resources_of_type, show

# API Gateway caches a REST API authorizer's result for 300 s unless told otherwise.
DEFAULT_TTL = 300
_LAMBDA_TYPES = frozenset({"token", "request"})
_MAX_TRACE = 4  # calls followed back from a parameter to what the callers pass
_MAX_DEPTH = 12  # nesting of dict and list literals searched for a statement


@dataclass(frozen=True)
class Authorizer:
    """A Lambda authorizer (TOKEN or REQUEST) of a REST API, as a config defines it.

    function: the function it runs (serverless function key, SAM/CFN logical id).
    ttl: the seconds results are cached (None: cannot be known before deployment).
    ttl_written: the config sets the TTL (else API Gateway's default applies).
    file/at: where the TTL is written, else where the authorizer is defined.
    """

    name: str
    function: str
    ttl: int | float | None
    ttl_written: bool
    file: str
    at: Location

    def caching(self) -> str:
        """The config line that turns caching on, for a message."""
        where = f"{self.file}:{self.at.row}"
        if self.ttl_written and self.ttl is not None:
            return f"{where}: authorizer `{self.name}` caches results for {show(self.ttl)} s"
        return (
            f"{where}: authorizer `{self.name}` sets no TTL, so API Gateway caches its "
            f"results for {DEFAULT_TTL} s"
        )


def _ttl(owner: YMap | None, key: str, file: str, at: Location, name: str, function: str) -> Any:
    if owner is not None and key in owner:
        setting = Setting.read(owner, key)
        seconds = number(setting.value)
        return Authorizer(name, function, seconds, True, setting.file, setting.at)
    return Authorizer(name, function, DEFAULT_TTL, False, file, at)


def _serverless_authorizers(app: App) -> Iterator[Authorizer]:
    by_logical = {f"{normalized_name(f.name)}LambdaFunction": f.name for f in app.functions}
    for function in app.functions:
        for event in function.events:
            props = event.properties
            if event.kind != "api" or props is None or "authorizer" not in props:
                continue
            written = props["authorizer"]
            at = props.at("authorizer")
            if isinstance(written, str):
                # A function of the service by name; `aws_iam` and ARNs of functions
                # deployed elsewhere are not this service's code.
                if written.lower() != "aws_iam" and not written.startswith("arn:"):
                    yield Authorizer(written, written, DEFAULT_TTL, False, event.file, at)
                continue
            if not isinstance(written, YMap):
                continue
            kind = written.get("type", "token")
            if not isinstance(kind, str) or kind.lower() not in _LAMBDA_TYPES:
                continue
            name, arn = written.get("name"), written.get("arn")
            target = None
            if arn is None and isinstance(name, str):
                target = name
            elif arn is not None:
                target = by_logical.get(logical_id(arn) or "")
            if target is not None:
                shown = name if isinstance(name, str) else target
                yield _ttl(written, "resultTtlInSeconds", event.file, at, shown, target)


def _sam_authorizers(app: App) -> Iterator[Authorizer]:
    apis = list(resources_of_type(app, "AWS::Serverless::Api"))
    owners: list[Any] = [props for _, _, props in apis if props]
    api_globals = globals_section(app.document, "Api")
    # Globals.Api reaches the implicit API and every explicit one whose `IgnoreGlobals`
    # does not opt out of `Auth`.
    implicit = not apis or any(
        event.type_name == "Api"
        and event.properties is not None
        and "RestApiId" not in event.properties
        for function in app.functions
        for event in function.events
    )
    if api_globals is not None and (
        implicit or any(not ignores(resource, "Auth") for _, resource, _ in apis)
    ):
        owners.append(api_globals)
    for props in owners:
        auth = props.get("Auth")
        authorizers = auth.get("Authorizers") if isinstance(auth, YMap) else None
        if not isinstance(authorizers, YMap):
            continue
        for name, settings in authorizers.items():
            if not isinstance(settings, YMap) or "FunctionArn" not in settings:
                continue
            target = logical_id(settings["FunctionArn"])
            kind = settings.get("FunctionPayloadType", "TOKEN")
            if target is None or not isinstance(kind, str) or kind.lower() not in _LAMBDA_TYPES:
                continue
            identity = settings.get("Identity")
            at = authorizers.at(name)
            yield _ttl(
                identity if isinstance(identity, YMap) else None,
                "ReauthorizeEvery",
                authorizers.file,
                at,
                str(name),
                target,
            )


def _cloudformation_authorizers(app: App) -> Iterator[Authorizer]:
    if app.format == "serverless":
        by_logical = {f"{normalized_name(f.name)}LambdaFunction": f.name for f in app.functions}
    else:
        by_logical = {f.name: f.name for f in app.functions}
    for logical, resource, props in resources_of_type(app, "AWS::ApiGateway::Authorizer"):
        kind = props.get("Type") if props is not None else None
        if props is None or not isinstance(kind, str) or kind.lower() not in _LAMBDA_TYPES:
            continue
        for target in references(props.get("AuthorizerUri")):
            function = by_logical.get(target)
            if function is not None:
                at = app.resources.at(logical)
                name = str(logical)
                yield _ttl(props, "AuthorizerResultTtlInSeconds", resource.file, at, name, function)
                break


def lambda_authorizers(app: App) -> list[Authorizer]:
    """Every REST API Lambda authorizer the app defines, with the function it runs."""
    found = list(_cloudformation_authorizers(app))
    if app.format == "serverless":
        found.extend(_serverless_authorizers(app))
    else:
        found.extend(_sam_authorizers(app))
    return found


# -- the code ------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyResource:
    """A policy statement's `Resource` that is the request's own method ARN."""

    reached: ReachedFunction
    span: Span
    source: str  # how the ARN got there, for the message


class _Policies:
    """The IAM policy statements an authorizer's code builds, with the `Resource`s that
    are the incoming `methodArn`, traced back through the parameters of the project
    functions it calls."""

    def __init__(self, handler: LinkedHandler) -> None:
        self.reached = handler.reached
        self._callers: dict[str, list[tuple[ReachedFunction, Call]]] = {}
        names = {r.facts.name for r in self.reached}
        for reached in self.reached:
            for call in reached.behaviour.calls:
                if call.method in names and (call.receiver is None or not call.receiver.service):
                    self._callers.setdefault(call.method, []).append((reached, call))

    def method_arn_resources(self) -> list[PolicyResource]:
        found: dict[Span, PolicyResource] = {}
        for reached in self.reached:
            behaviour = reached.behaviour
            values = [r.value for r in behaviour.returns if r.value is not None]
            values.extend(value for _, value in behaviour.locals)
            for value in values:
                for resource in _statement_resources(value, 0):
                    for element in (resource, *resource.elements):
                        if element.span is None or element.span in found:
                            continue
                        source = self._method_arn(reached, element, 0)
                        if source is not None:
                            found[element.span] = PolicyResource(reached, element.span, source)
        return sorted(found.values(), key=lambda r: (r.reached.display, r.span.start))

    def _method_arn(self, reached: ReachedFunction, value: Value, depth: int) -> str | None:
        path = value.event_path
        if path is None:
            return None
        parts = path.split(".")
        if len(parts) >= 2 and parts[-1] in ("methodArn", "method_arn"):
            if value.text.isidentifier():
                if parts[0] == "{}":
                    # JavaScript: `({ methodArn }) => ...`, a destructured parameter
                    return f"`{value.text}` (destructured from the event)"
                return f"`{value.text}` (from `{path}`)"
            return f"`{value.text}`"
        if len(parts) != 1 or depth >= _MAX_TRACE or reached.depth == 0:
            return None
        # A parameter: what the callers pass for it.
        parameters = reached.behaviour.parameters
        for caller, call in self._callers.get(reached.facts.name, ()):
            if caller is reached:
                continue
            passed = _passed(parameters, parts[0], call)
            if passed is None:
                continue
            source = self._method_arn(caller, passed, depth + 1)
            if source is not None:
                return f"{source} passed at {caller.where(call.span.line)}"
        return None


def _statement_resources(value: Value, depth: int) -> Iterator[Value]:
    """The `Resource` of every IAM statement (a dict with `Effect` or `Action`) in a
    value built from dict and list literals."""
    if depth > _MAX_DEPTH:
        return
    resource = value.item("Resource")
    if resource is not None and ("Effect" in value.keys or "Action" in value.keys):
        yield resource
    for _, item in value.items:
        yield from _statement_resources(item, depth + 1)
    for element in value.elements:
        yield from _statement_resources(element, depth + 1)


def _passed(parameters: tuple[str, ...], parameter: str, call: Call) -> Value | None:
    position: int | None = None
    if parameter in parameters:
        position = parameters.index(parameter)
        if parameters and parameters[0] in ("self", "cls") and call.receiver is not None:
            position -= 1
    if position is not None and position < 0:
        return None
    return call.argument(parameter, position)


_AUTHORIZER = """\
def auth(event, context):
    principal = verify(event["authorizationToken"])
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": event["methodArn"],
                }
            ],
        },
    }


def verify(token):
    return "user"
"""
_WILDCARD = _AUTHORIZER.replace(
    '"Resource": event["methodArn"],', '"Resource": event["methodArn"].split("/")[0] + "/*",'
)
_SERVERLESS = """\
service: shop
provider:
  name: aws
  runtime: python3.12
functions:
  auth:
    handler: handler.auth
  orders:
    handler: orders.handler
    events:
      - http:
          path: orders
          method: get
          authorizer:
            name: auth
            resultTtlInSeconds: {ttl}
"""
_SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: TokenAuth
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt AuthFunction.Arn
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: handler.auth
"""
_CLOUDFORMATION = """\
Resources:
  AuthFunction:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: handler.auth
      Code: .
      Role: arn:aws:iam::123456789012:role/auth
  Authorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      Type: REQUEST
      RestApiId: !Ref Api
      AuthorizerResultTtlInSeconds: 600
      AuthorizerUri: !Join
        - ""
        - - arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/
          - !GetAtt AuthFunction.Arn
          - /invocations
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: shop
"""


_NODE_AUTHORIZER = """\
const generatePolicy = (principalId, effect, resource) => ({
  principalId,
  policyDocument: {
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }],
  },
});

exports.handler = (event, context, callback) => {
  const principal = verify(event.authorizationToken);
  callback(null, generatePolicy(principal, "Allow", event.methodArn));
};

function verify(token) {
  return token.replace("Bearer ", "");
}
"""
_NODE_SERVERLESS = _SERVERLESS.replace("python3.12", "nodejs20.x").replace(
    "handler.auth", "auth.handler"
)
_NODE_ORDERS = "exports.handler = async () => ({ statusCode: 200, body: '[]' });\n"
_NODE_SAM_TS = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: TokenAuth
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt AuthFunction.Arn
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Runtime: nodejs20.x
      Handler: auth.handler
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints:
          - auth.ts
"""


class AuthorizerCachedMethodArn(CrossRule):
    """
    ## What it does
    Reports a Lambda authorizer of a REST API (TOKEN or REQUEST) whose IAM policy
    allows only the incoming request's `methodArn` (`"Resource": event["methodArn"]`,
    directly, through a variable, or built by a helper the authorizer calls) while API
    Gateway caches the authorizer's result: serverless `resultTtlInSeconds`, SAM
    `Identity.ReauthorizeEvery`, CloudFormation `AuthorizerResultTtlInSeconds` above 0,
    or not set at all (the REST API default caches for 300 s). The authorizer is found
    through the config: a serverless `authorizer:` on an `http` event naming a function,
    a SAM `Auth.Authorizers` entry whose `FunctionArn` is a function of the template, an
    `AWS::ApiGateway::Authorizer` whose `AuthorizerUri` names one. A handler that no
    config names and returns such a policy is reported too (the default caches).

    Node.js authorizers (JavaScript and TypeScript) the same way: `Resource:
    event.methodArn` (or `[event.methodArn]`, a destructured `{ methodArn }`) in the
    policy document the handler returns, passes to its `callback`, or builds in a helper
    such as `generatePolicy(principalId, "Allow", event.methodArn)`.

    ## Why is this bad?
    API Gateway caches the policy under the caller's token, not under the method. The
    first call of a client (`GET /orders`) caches a policy that allows only
    `GET /orders`; the same token calling `POST /orders` or `GET /orders/42` within the
    TTL gets a 403 from the cached policy, without the authorizer running again. It
    shows up as random "User is not authorized to access this resource" errors that go
    away after five minutes.

    ## Example
    ```python
    def handler(event, context):
        principal = verify(event["authorizationToken"])
        return {
            "principalId": principal,
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": "Allow",
                     "Resource": event["methodArn"]}
                ],
            },
        }
    ```

    ## Use instead
    Allow every method of the API's stage (the authorizer decides who the caller is,
    the policy then covers all routes it may call):
    ```python
    def handler(event, context):
        principal = verify(event["authorizationToken"])
        api_arn = "/".join(event["methodArn"].split("/")[:2])  # arn:...:api-id/stage
        return {
            "principalId": principal,
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": "Allow",
                     "Resource": f"{api_arn}/*/*"}
                ],
            },
        }
    ```
    or turn caching off (`resultTtlInSeconds: 0`, `ReauthorizeEvery: 0`,
    `AuthorizerResultTtlInSeconds: 0`), which runs the authorizer on every request.

    ## Fix
    None: whether the caller may use every route, or only some, is an authorization
    decision. List the allowed routes (`arn:...:api-id/stage/GET/orders/*`) or use a
    wildcard, or set the TTL to 0.

    ## References
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-output.html
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html
    """

    code = "SL404"
    name = "authorizer-cached-method-arn"
    severity = Severity.ERROR
    fix = FixKind.NONE

    def __init__(self) -> None:
        self._by_app: dict[int, tuple[App, list[Authorizer]]] = {}

    def _authorizers(self, app: App) -> list[Authorizer]:
        cached = self._by_app.get(id(app))
        if cached is None or cached[0] is not app:
            cached = self._by_app[id(app)] = (app, lambda_authorizers(app))
        return cached[1]

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.reached:
            return
        uses = [a for a in self._authorizers(function.app) if a.function == function.name]
        caching = next((a for a in uses if a.ttl is not None and a.ttl > 0), None)
        if caching is None:
            return  # not an authorizer, or caching is off (or unknown) everywhere
        for resource in _Policies(handler).method_arn_resources():
            yield self._report(resource, caching.caching())

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterable[Diagnostic]:
        if not handler.reached:
            return
        for resource in _Policies(handler).method_arn_resources():
            yield self._report(
                resource,
                f"no config names this authorizer, and API Gateway caches a REST API "
                f"authorizer's results for {DEFAULT_TTL} s by default",
            )

    def _report(self, resource: PolicyResource, caching: str) -> Diagnostic:
        return self.make_diagnostic(
            resource.reached.display,
            resource.span.start,
            resource.span.end,
            f"The authorizer's policy allows only the requested method ARN {resource.source},"
            f" but its result is cached per token ({caching}): the same token then gets 403 "
            "on every other method and path until the cache expires. Allow the API's "
            "methods with a wildcard (`arn:...:api-id/stage/*/*`) or set the TTL to 0.",
        )

    valid = (
        # Caching is off: the policy is computed for every request.
        Valid(_AUTHORIZER, files={"serverless.yml": _SERVERLESS.format(ttl=0)}),
        # A wildcard built from the method ARN covers every method of the API.
        Valid(_WILDCARD, files={"serverless.yml": _SERVERLESS.format(ttl=300)}),
        # HTTP API simple responses carry no policy.
        Valid(
            dedent("""\
                def handler(event, context):
                    return {"isAuthorized": event["headers"].get("x-key") == "k"}
                """)
        ),
        # Node.js: caching is off.
        Valid(
            _NODE_AUTHORIZER,
            filename="auth.js",
            files={"serverless.yml": _NODE_SERVERLESS.format(ttl=0), "orders.js": _NODE_ORDERS},
        ),
        # TypeScript: the policy allows every method of the stage.
        Valid(
            dedent("""\
                import type {
                  APIGatewayAuthorizerResult,
                  APIGatewayTokenAuthorizerEvent,
                } from "aws-lambda";

                export const handler = async (
                  event: APIGatewayTokenAuthorizerEvent,
                ): Promise<APIGatewayAuthorizerResult> => {
                  const [apiArn, stage] = event.methodArn.split("/");
                  const statement = {
                    Action: "execute-api:Invoke",
                    Effect: "Allow",
                    Resource: `${apiArn}/${stage}/*/*`,
                  };
                  return {
                    principalId: event.authorizationToken.slice(7),
                    policyDocument: { Version: "2012-10-17", Statement: [statement] },
                  };
                };
                """),
            filename="src/auth.ts",
            files={"template.yaml": _NODE_SAM_TS},
        ),
        # Node.js: an HTTP API simple response carries no policy.
        Valid(
            "exports.handler = async (event) => ({ isAuthorized: event.headers.key === 'k' });\n",
            filename="auth.js",
        ),
    )
    invalid = (
        Invalid(
            _AUTHORIZER,
            files={"serverless.yml": _SERVERLESS.format(ttl=300)},
            line=11,
            column=33,
            message="serverless.yml:16: authorizer `auth` caches results for 300 s",
        ),
        Invalid(
            _AUTHORIZER,
            files={"template.yaml": _SAM},
            line=11,
            column=33,
            message="template.yaml:10: authorizer `TokenAuth` sets no TTL",
        ),
        Invalid(
            _AUTHORIZER,
            files={"template.yaml": _CLOUDFORMATION},
            line=11,
            column=33,
            message="template.yaml:14: authorizer `Authorizer` caches results for 600 s",
        ),
        # No config names it: REST API authorizers cache by default.
        Invalid(
            dedent("""\
                def lambda_handler(event, context):
                    method_arn = event["methodArn"]
                    return build(method_arn)


                def build(resource):
                    statement = {"Action": "execute-api:Invoke", "Effect": "Allow"}
                    statement["Resource"] = resource
                    return {"principalId": "u", "policyDocument": {"Statement": [statement]}}
                """),
            line=8,
            column=29,
            message="`method_arn` (from `event.methodArn`) passed at handler.py:3",
        ),
        # Node.js: a callback-style authorizer, the policy built by a helper.
        Invalid(
            _NODE_AUTHORIZER,
            filename="auth.js",
            files={"serverless.yml": _NODE_SERVERLESS.format(ttl=300), "orders.js": _NODE_ORDERS},
            line=5,
            column=75,
            message="`event.methodArn` passed at auth.js:11",
        ),
        # TypeScript (SAM, esbuild): the policy returned directly.
        Invalid(
            dedent("""\
                import type {
                  APIGatewayAuthorizerResult,
                  APIGatewayTokenAuthorizerEvent,
                } from "aws-lambda";

                export const handler = async (
                  event: APIGatewayTokenAuthorizerEvent,
                ): Promise<APIGatewayAuthorizerResult> => ({
                  principalId: event.authorizationToken.slice(7),
                  policyDocument: {
                    Version: "2012-10-17",
                    Statement: [
                      { Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn },
                    ],
                  },
                });
                """),
            filename="src/auth.ts",
            files={"template.yaml": _NODE_SAM_TS},
            line=13,
            column=66,
            message="template.yaml:10: authorizer `TokenAuth` sets no TTL",
        ),
    )
