from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from textwrap import dedent
from typing import Any

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.model import App, Event, Function, as_list
from slint.app.project import LinkedHandler, ReachedFunction
from slint.app.sam_globals import inherited_globals
from slint.app.serverless import normalized_name
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic, Location
from slint.facts import Span, Value
from slint.settings import Settings

from .._support.config import is_disabled, properties, references, resources_of_type

_ALLOW_ORIGIN = "access-control-allow-origin"
_MAX_DEPTH = 8  # nesting of literals searched for a header


@dataclass(frozen=True)
class _Place:
    """A config setting: where it is, and how a message shows it."""

    file: str
    at: Location
    length: int
    shown: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.at.row}"


def _key_place(owner: YMap, key: str, shown: str) -> _Place:
    return _Place(owner.file, owner.at(key), len(key), shown)


def _quoted_wildcard(value: Any) -> bool:
    """A REST API header value as API Gateway writes it: `"'*'"`."""
    return isinstance(value, str) and value.strip().strip("'\"").strip() == "*"


def _any_origin(value: Any) -> bool:
    return any(isinstance(item, str) and item.strip() == "*" for item in as_list(value))


# -- the config: CORS wildcards ------------------------------------------------------


def _serverless_cors(props: YMap) -> _Place | None:
    """An `http` event's `cors`: `true`, or settings whose origin is `*` (the default)."""
    cors = props.get("cors")
    if cors is True:
        return _key_place(props, "cors", "`cors: true`")
    if not isinstance(cors, YMap):
        return None
    if "origin" in cors:
        if cors["origin"] == "*":
            return _key_place(cors, "origin", "`cors.origin: '*'`")
        return None
    if "origins" in cors:
        if _any_origin(cors["origins"]):
            return _key_place(cors, "origins", "`cors.origins: ['*']`")
        return None
    return _key_place(props, "cors", "`cors` without `origin` (which defaults to `*`)")


def _serverless_http_api_cors(app: App) -> _Place | None:
    provider = app.document.get("provider")
    http_api = provider.get("httpApi") if isinstance(provider, YMap) else None
    if not isinstance(http_api, YMap):
        return None
    cors = http_api.get("cors")
    if cors is True:
        return _key_place(http_api, "cors", "`httpApi.cors: true`")
    if not isinstance(cors, YMap):
        return None
    if "allowedOrigins" in cors:
        if _any_origin(cors["allowedOrigins"]):
            return _key_place(cors, "allowedOrigins", "`allowedOrigins: ['*']`")
        return None
    return _key_place(http_api, "cors", "`httpApi.cors` without `allowedOrigins` (`*`)")


def _sam_rest_cors(props: YMap) -> _Place | None:
    cors = props.get("Cors")
    if _quoted_wildcard(cors):
        return _key_place(props, "Cors", "`Cors: \"'*'\"`")
    if isinstance(cors, YMap) and _quoted_wildcard(cors.get("AllowOrigin")):
        return _key_place(cors, "AllowOrigin", "`AllowOrigin: \"'*'\"`")
    return None


def _http_cors(props: YMap, key: str) -> _Place | None:
    """SAM HttpApi `CorsConfiguration` / CloudFormation `AWS::ApiGatewayV2::Api`."""
    cors = props.get(key)
    if cors is True:
        return _key_place(props, key, f"`{key}: true`")
    if isinstance(cors, YMap) and _any_origin(cors.get("AllowOrigins")):
        return _key_place(cors, "AllowOrigins", "`AllowOrigins: ['*']`")
    return None


def _openapi_cors(definition: Any) -> _Place | None:
    """`x-amazon-apigateway-cors` of an inline OpenAPI definition allowing any origin."""
    if not isinstance(definition, YMap):
        return None
    cors = definition.get("x-amazon-apigateway-cors")
    if isinstance(cors, YMap) and _any_origin(cors.get("allowOrigins")):
        return _key_place(cors, "allowOrigins", "`x-amazon-apigateway-cors` `allowOrigins: ['*']`")
    return None


def _openapi_security(definition: Any) -> _Place | None:
    """A top-level `security` requirement of an inline OpenAPI definition."""
    if not isinstance(definition, YMap):
        return None
    security = definition.get("security")
    if isinstance(security, list) and any(isinstance(item, dict) and item for item in security):
        return _key_place(definition, "security", "OpenAPI `security`")
    return None


# -- the config: authorizers ---------------------------------------------------------


def _none(value: Any) -> bool:
    return isinstance(value, str) and value.upper() == "NONE"


def _sam_default_authorizer(props: Any) -> tuple[_Place | None, bool]:
    """(the DefaultAuthorizer setting, whether the API's `Auth` decides at all)."""
    auth = props.get("Auth") if isinstance(props, YMap) else None
    if not isinstance(auth, YMap) or "DefaultAuthorizer" not in auth:
        return None, False
    default = auth["DefaultAuthorizer"]
    if _none(default) or not isinstance(default, str):
        return None, True
    return _key_place(auth, "DefaultAuthorizer", f"`DefaultAuthorizer: {default}`"), True


def _sam_event_authorizer(props: YMap) -> tuple[_Place | None, bool]:
    """(the event's own `Auth.Authorizer`, whether it decides)."""
    auth = props.get("Auth")
    if not isinstance(auth, YMap) or "Authorizer" not in auth:
        return None, False
    authorizer = auth["Authorizer"]
    if _none(authorizer) or not isinstance(authorizer, str):
        return None, True
    return _key_place(auth, "Authorizer", f"`Authorizer: {authorizer}`"), True


def _serverless_authorizer(props: YMap) -> _Place | None:
    """An `http` / `httpApi` event's `authorizer` (a function, Cognito, JWT or IAM)."""
    authorizer = props.get("authorizer")
    if authorizer is None or authorizer is False:
        return None
    shown = "`authorizer`"
    if isinstance(authorizer, str):
        shown = f"`authorizer: {authorizer}`"
    elif isinstance(authorizer, YMap):
        named = authorizer.get("name", authorizer.get("type"))
        if isinstance(named, str):
            shown = f"`authorizer` `{named}`"
    return _key_place(props, "authorizer", shown)


@dataclass(frozen=True)
class _Endpoint:
    """What the config says of one API event of a function."""

    event: Event
    wildcard: _Place | None
    authorizer: _Place | None


class _Config:
    """The CORS settings and authorizers of one app's APIs, by function."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.globals: YMap | None = None
        globals_ = app.document.get("Globals")
        if isinstance(globals_, YMap):
            self.globals = globals_
        self.http_api_cors = _serverless_http_api_cors(app) if app.format == "serverless" else None
        self.resource_endpoints = self._resource_endpoints()

    def _global(self, section: str) -> YMap | None:
        found = self.globals.get(section) if self.globals is not None else None
        return found if isinstance(found, YMap) else None

    def endpoints(self, function: Function) -> list[_Endpoint]:
        found: list[_Endpoint] = []
        for event in function.events:
            if event.kind not in ("api", "http_api") or is_disabled(event):
                continue
            props = event.properties
            if event.type_name == "http" and props is not None:
                authorizer = _serverless_authorizer(props)
                found.append(_Endpoint(event, _serverless_cors(props), authorizer))
            elif event.type_name == "httpApi":
                authorizer = _serverless_authorizer(props) if props is not None else None
                found.append(_Endpoint(event, self.http_api_cors, authorizer))
            elif event.type_name in ("Api", "HttpApi") and props is not None:
                found.append(self._sam_endpoint(event, props))
        found.extend(self.resource_endpoints.get(self._logical(function), ()))
        return found

    def _logical(self, function: Function) -> str:
        if self.app.format == "serverless":
            return f"{normalized_name(function.name)}LambdaFunction"
        return function.name

    def _sam_endpoint(self, event: Event, props: YMap) -> _Endpoint:
        rest = event.type_name == "Api"
        api_id = logical_id(props.get("RestApiId" if rest else "ApiId"))
        resource = self.app.resources.get(api_id) if api_id is not None else None
        api = properties(resource) if isinstance(resource, YMap) else None
        # An explicit API's `IgnoreGlobals` keeps the Globals it names away from it.
        section = inherited_globals(resource, self._global("Api" if rest else "HttpApi"))
        wildcard = None
        for owner in (api, section):
            if owner is None:
                continue
            key = "Cors" if rest else "CorsConfiguration"
            if key in owner:
                wildcard = _sam_rest_cors(owner) if rest else _http_cors(owner, key)
                break
        if wildcard is None and api is not None:
            wildcard = _openapi_cors(api.get("DefinitionBody"))
        authorizer, decided = _sam_event_authorizer(props)
        if not decided:
            for owner in (api, section):
                authorizer, decided = _sam_default_authorizer(owner)
                if decided:
                    break
        if authorizer is None and not decided and api is not None:
            authorizer = _openapi_security(api.get("DefinitionBody"))
        return _Endpoint(event, wildcard, authorizer)

    def _resource_endpoints(self) -> dict[str, list[_Endpoint]]:
        """CloudFormation REST API methods (`AWS::ApiGateway::Method`) and HTTP API routes
        (`AWS::ApiGatewayV2::Route`) that integrate a function of the template."""
        app = self.app
        found: dict[str, list[_Endpoint]] = {}
        # REST: the OPTIONS mock of a resource answers preflights with the allowed origin.
        preflight: dict[str, _Place] = {}
        methods = list(resources_of_type(app, "AWS::ApiGateway::Method"))
        for _, _, props in methods:
            resource_id = logical_id(props.get("ResourceId")) if props is not None else None
            integration = props.get("Integration") if props is not None else None
            if resource_id is None or not isinstance(integration, YMap):
                continue
            for response in as_list(integration.get("IntegrationResponses")):
                parameters = (
                    response.get("ResponseParameters") if isinstance(response, YMap) else None
                )
                if not isinstance(parameters, YMap):
                    continue
                for key, value in parameters.items():
                    if (
                        isinstance(key, str)
                        and key.lower().endswith("header." + _ALLOW_ORIGIN)
                        and _quoted_wildcard(value)
                    ):
                        preflight.setdefault(resource_id, _key_place(parameters, key, f"`{key}`"))
        for logical, _, props in methods:
            integration = props.get("Integration") if props is not None else None
            if props is None or not isinstance(integration, YMap):
                continue
            auth = props.get("AuthorizationType")
            authorizer = None
            if isinstance(auth, str) and not _none(auth):
                authorizer = _key_place(props, "AuthorizationType", f"`AuthorizationType: {auth}`")
            resource_id = logical_id(props.get("ResourceId"))
            wildcard = preflight.get(resource_id) if resource_id is not None else None
            event = self._resource_event(str(logical), props)
            for target in set(references(integration.get("Uri"))):
                found.setdefault(target, []).append(_Endpoint(event, wildcard, authorizer))
        # HTTP API: routes -> integrations -> functions; CORS on the API.
        integrations: dict[str, set[str]] = {}
        for logical, _, props in resources_of_type(app, "AWS::ApiGatewayV2::Integration"):
            if props is not None:
                integrations[str(logical)] = set(references(props.get("IntegrationUri")))
        for logical, _, props in resources_of_type(app, "AWS::ApiGatewayV2::Route"):
            if props is None:
                continue
            api_id = logical_id(props.get("ApiId"))
            api_resource = app.resources.get(api_id) if api_id is not None else None
            api = properties(api_resource) if isinstance(api_resource, YMap) else None
            wildcard = None
            if api is not None:
                wildcard = _http_cors(api, "CorsConfiguration") or _openapi_cors(api.get("Body"))
            auth = props.get("AuthorizationType")
            authorizer = None
            if isinstance(auth, str) and not _none(auth):
                authorizer = _key_place(props, "AuthorizationType", f"`AuthorizationType: {auth}`")
            event = self._resource_event(str(logical), props)
            for integration in set(references(props.get("Target"))):
                for target in integrations.get(integration, ()):
                    found.setdefault(target, []).append(_Endpoint(event, wildcard, authorizer))
        return found

    def _resource_event(self, logical: str, props: YMap) -> Event:
        at = self.app.resources.at(logical)
        file = self.app.resources.file or self.app.file
        return Event("api", "resource", logical, file, at, props)


# -- the code ------------------------------------------------------------------------


@dataclass(frozen=True)
class _CodePlace:
    reached: ReachedFunction
    span: Span
    shown: str

    @property
    def where(self) -> str:
        return self.reached.where(self.span.start.row)


def _wildcards_in(value: Value, depth: int, found: dict[Span, str]) -> None:
    """Headers `Access-Control-Allow-Origin: *` and Powertools `CORSConfig`s allowing
    any origin in a value built from literals (and the calls that made it)."""
    if depth > _MAX_DEPTH:
        return
    origin = value.origin or ""
    if origin.endswith("CORSConfig()"):
        allow = value.keyword("allow_origin")
        if allow is None and value.span is not None:
            found.setdefault(
                value.span, "Powertools `CORSConfig()` (`allow_origin` defaults to `*`)"
            )
        elif allow is not None and allow.literal == "*" and allow.span is not None:
            found.setdefault(allow.span, 'Powertools `CORSConfig(allow_origin="*")`')
    for key, item in value.items:
        if key.lower() == _ALLOW_ORIGIN and item.literal == "*" and item.span is not None:
            found.setdefault(item.span, f'header `"{key}": "*"`')
        _wildcards_in(item, depth + 1, found)
    for element in value.elements:
        _wildcards_in(element, depth + 1, found)
    for _, keyword in value.keywords:
        _wildcards_in(keyword, depth + 1, found)


def code_wildcards(handler: LinkedHandler) -> list[_CodePlace]:
    places: list[_CodePlace] = []
    seen: set[tuple[str, Span]] = set()
    for reached in handler.reached:
        behaviour = reached.behaviour
        values: list[Value] = [r.value for r in behaviour.returns if r.value is not None]
        values.extend(value for _, value in behaviour.locals)
        for call in behaviour.calls:
            values.extend(argument.value for argument in call.arguments)
            if call.receiver is not None:
                values.append(call.receiver)
        found: dict[Span, str] = {}
        for value in values:
            _wildcards_in(value, 0, found)
        for span, shown in found.items():
            if (reached.display, span) not in seen:
                seen.add((reached.display, span))
                places.append(_CodePlace(reached, span, shown))
    return sorted(places, key=lambda p: (p.reached.display, p.span.start))


_HEADER_CONTAINERS = frozenset({"headers", "multivalueheaders"})
_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie"})


def credential_path(path: str) -> bool:
    """An event path that reads the caller's credentials: the `Authorization` or
    `Cookie` header, an HTTP API's `cookies`, the authorizer's context."""
    # `event.multiValueHeaders.Authorization[0]` reads the header too.
    parts = [part.removesuffix("[]") for part in path.lower().split(".")]
    for index, part in enumerate(parts):
        if part in _CREDENTIAL_HEADERS and index and parts[index - 1] in _HEADER_CONTAINERS:
            return True
        if index and part == "cookies":
            return True
        if index and part == "authorizer" and parts[index - 1] == "requestcontext":
            return True
    return False


def _header_read(method: str, name: Value | None, receiver: Value) -> str | None:
    """The credential header a `.get(...)` on the event's headers or a Powertools
    `get_header_value(...)` reads (None for another header or another object)."""
    header = name.literal if name is not None else None
    if not isinstance(header, str) or header.lower() not in _CREDENTIAL_HEADERS:
        return None
    if method == "get_header_value":
        return header
    inside = (receiver.event_path or "").lower().rpartition(".")[2]
    powertools = any(n.endswith("current_event.headers") for n in receiver.names)
    return header if inside in _HEADER_CONTAINERS or powertools else None


def credential_read(handler: LinkedHandler) -> str | None:
    """Where the handler's code reads the caller's credentials, for a message."""
    for reached in handler.reached:
        behaviour = reached.behaviour
        for call in behaviour.calls:
            receiver = call.receiver
            if call.method in ("get_header_value", "get") and receiver is not None:
                header = _header_read(call.method, call.argument("name", 0), receiver)
                if header is not None:
                    return f"reads the `{header}` header at {reached.where(call.span.line)}"
            for value in (*(a.value for a in call.arguments), *([receiver] if receiver else [])):
                path = value.event_path
                if path is not None and credential_path(path):
                    return f"reads `{path}` at {reached.where(call.span.line)}"
        for _, value in behaviour.locals:
            path = value.event_path
            if path is not None and credential_path(path):
                line = behaviour.span.line if behaviour.span is not None else reached.facts.line
                return f"reads `{path}` in `{reached.facts.name}` ({reached.where(line)})"
    return None


_HANDLER = """\
import json


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Access-Control-Allow-Origin": "*"},
        "body": json.dumps({"ok": True}),
    }
"""
_SERVERLESS = """\
service: shop
provider:
  name: aws
  runtime: python3.12
functions:
  orders:
    handler: handler.handler
    events:
      - http:
          path: orders
          method: get
          cors: {cors}
          authorizer: {authorizer}
"""
_SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Cors:
        AllowOrigin: "'*'"
      Auth:
        DefaultAuthorizer: Users
        Authorizers:
          Users:
            UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_x
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: public.handler
      Events:
        List:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /orders
            Method: get
"""
_CLOUDFORMATION = """\
Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: handler.handler
      Code: .
      Role: arn:aws:iam::123456789012:role/orders
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: shop
  OrdersResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: orders
  OrdersGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref OrdersResource
      HttpMethod: GET
      AuthorizationType: AWS_IAM
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/functions/${Orders.Arn}/invocations
"""


_NODE_SERVERLESS = """\
service: shop
provider:
  name: aws
  runtime: nodejs20.x
functions:
  orders:
    handler: handler.handler
    events:
      - http:
          path: orders
          method: get
          authorizer: auth
  auth:
    handler: auth.handler
"""
_NODE_AUTHORIZER = "exports.handler = async () => ({ isAuthorized: true });\n"
_NODE_ORDERS = """\
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { "Access-Control-Allow-Origin": "*" },
  body: JSON.stringify({ orders: [] }),
});
"""
_NODE_SAM_TS = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Profile:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: profile.handler
      Runtime: nodejs20.x
      Events:
        Me:
          Type: HttpApi
          Properties:
            Path: /me
            Method: get
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints:
          - profile.ts
"""


class PermissiveCors(CrossRule):
    """
    ## What it does
    Reports CORS that allows any origin (`Access-Control-Allow-Origin: *`) on an
    endpoint that authenticates its callers. The wildcard is found in the config
    (serverless `cors: true` or `cors.origin: '*'`, `provider.httpApi.cors`; SAM `Cors:
    "'*'"` / `AllowOrigin: "'*'"`, HTTP API `CorsConfiguration.AllowOrigins: ['*']`,
    OpenAPI `x-amazon-apigateway-cors`, a CloudFormation OPTIONS method answering
    `'*'`) or in the handler's code (a response's `headers`, directly, through a
    variable or a module constant; Powertools `CORSConfig(allow_origin="*")`). The
    endpoint authenticates when the config puts an authorizer on it (Cognito, Lambda,
    JWT or `AWS_IAM`: a serverless `authorizer:`, SAM `Auth.Authorizer` or
    `DefaultAuthorizer`, a CloudFormation method's `AuthorizationType`), or when the
    handler reads the caller's credentials (the `Authorization` or `Cookie` header, an
    HTTP API's `cookies`, the authorizer's context in `requestContext.authorizer`).

    Node.js handlers (JavaScript and TypeScript) the same way: a returned response
    object (or one passed to the handler's `callback`) with `headers: {
    "Access-Control-Allow-Origin": "*" }`, written in it, through a `const`, a spread
    (`{ ...CORS_HEADERS }`) or a helper that builds the response; credentials read as
    `event.headers.Authorization`, `event.headers["cookie"]`, `event.cookies` or
    `event.requestContext.authorizer`.

    ## Why is this bad?
    CORS decides which web sites may call the API from a user's browser and read the
    answer. With `*`, any page the user visits can call an authenticated endpoint with
    credentials that page got hold of and read the private data it returns; for cookie
    sessions, a reflected or wildcard origin is one setting away from a cross-site
    request with the user's own session. Authenticated endpoints should name the
    origins of their own front ends.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      profile:
        handler: profile.handler
        events:
          - http:
              path: me
              method: get
              cors: true
              authorizer: auth
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    functions:
      profile:
        handler: profile.handler
        events:
          - http:
              path: me
              method: get
              cors:
                origin: https://app.example.com
              authorizer: auth
    ```
    In code, answer with the request's `Origin` only when it is one of yours:
    ```python
    ALLOWED = {"https://app.example.com"}

    def handler(event, context):
        origin = event["headers"].get("origin")
        headers = {"Access-Control-Allow-Origin": origin} if origin in ALLOWED else {}
        return {"statusCode": 200, "headers": headers, "body": "..."}
    ```

    ## Fix
    None: only the owner knows which origins are theirs.

    ## References
    - https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
    """

    code = "SL403"
    name = "permissive-cors"
    severity = Severity.WARNING
    fix = FixKind.NONE

    def __init__(self) -> None:
        self._configs: dict[int, tuple[App, _Config]] = {}
        # Config wildcards shared by several functions (an API's `Cors`) are reported
        # once, naming the first protected endpoint.
        self._reported: set[tuple[str, Location]] = set()

    def _config(self, app: App) -> _Config:
        cached = self._configs.get(id(app))
        if cached is None or cached[0] is not app:
            cached = self._configs[id(app)] = (app, _Config(app))
        return cached[1]

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        endpoints = self._config(function.app).endpoints(function)
        linked = handler if handler is not None and handler.reached else None
        if not endpoints:
            # The API is defined elsewhere (another stack, the CDK): the code decides.
            if linked is not None:
                yield from self.check_handler(linked, settings)
            return
        reads = credential_read(linked) if linked is not None else None
        for endpoint in endpoints:
            wildcard = endpoint.wildcard
            if wildcard is None or (wildcard.file, wildcard.at) in self._reported:
                continue
            if endpoint.authorizer is not None:
                other = _protected(endpoint.authorizer)
            elif reads is not None:
                other = f"its handler `{function.name}` {reads}"
            else:
                continue
            self._reported.add((wildcard.file, wildcard.at))
            yield self.at(
                wildcard.file,
                wildcard.at,
                _message(wildcard.shown, other),
                length=wildcard.length,
            )
        if linked is None:
            return
        protected = next((e.authorizer for e in endpoints if e.authorizer is not None), None)
        if protected is not None:
            other = _protected(protected)
        elif reads is not None:
            other = f"the handler {reads}"
        else:
            return
        for place in code_wildcards(linked):
            yield self._in_code(place, other)

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterable[Diagnostic]:
        if not handler.reached:
            return
        reads = credential_read(handler)
        if reads is None:
            return
        for place in code_wildcards(handler):
            yield self._in_code(place, f"the handler {reads}")

    def _in_code(self, place: _CodePlace, other: str) -> Diagnostic:
        return self.make_diagnostic(
            place.reached.display,
            place.span.start,
            place.span.end,
            _message(place.shown, other),
        )

    valid = (
        # TypeScript: a named origin on an endpoint that reads the caller's token; a
        # module that no config deploys (`catalog.ts`) is not an endpoint.
        Valid(
            dedent("""\
                import type { APIGatewayProxyEventV2 } from "aws-lambda";

                export const handler = async (event: APIGatewayProxyEventV2) => {
                  const token = event.headers.authorization ?? "";
                  return {
                    statusCode: 200,
                    headers: { "Access-Control-Allow-Origin": "https://shop.example.com" },
                    body: JSON.stringify({ length: token.length }),
                  };
                };
                """),
            filename="src/profile.ts",
            files={
                "template.yaml": _NODE_SAM_TS,
                "src/catalog.ts": dedent("""\
                    export const handler = async () => ({
                      statusCode: 200,
                      headers: { "Access-Control-Allow-Origin": "*" },
                      body: "[]",
                    });
                    """),
            },
        ),
        # A named origin.
        Valid(
            _HANDLER.replace('"*"', '"https://app.example.com"'),
            files={"serverless.yml": _SERVERLESS.format(cors="false", authorizer="auth")},
        ),
        # `*` on a public endpoint whose handler reads no credentials.
        Valid(_HANDLER),
        # The request's origin echoed from an allowlist.
        Valid(
            dedent("""\
                ALLOWED = {"https://app.example.com"}


                def handler(event, context):
                    token = event["headers"].get("Authorization")
                    origin = event["headers"].get("origin")
                    allowed = origin if origin in ALLOWED else "https://app.example.com"
                    return {
                        "statusCode": 200,
                        "headers": {"Access-Control-Allow-Origin": allowed},
                        "body": lookup(token),
                    }
                """)
        ),
        # Node.js: `*` on a public endpoint (no authorizer) whose handler reads no
        # credentials.
        Valid(
            _NODE_ORDERS,
            filename="handler.js",
            files={
                "serverless.yml": _NODE_SERVERLESS.replace("          authorizer: auth\n", ""),
                "auth.js": _NODE_AUTHORIZER,
            },
        ),
        # Node.js: the request's origin echoed from an allowlist, behind an authorizer.
        Valid(
            dedent("""\
                const ALLOWED = new Set(["https://shop.example.com"]);

                exports.handler = async (event) => {
                  const origin = event.headers.origin;
                  const allowed = ALLOWED.has(origin) ? origin : "https://shop.example.com";
                  return {
                    statusCode: 200,
                    headers: { "Access-Control-Allow-Origin": allowed },
                    body: JSON.stringify({ orders: [] }),
                  };
                };
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS, "auth.js": _NODE_AUTHORIZER},
        ),
    )
    invalid = (
        Invalid(
            "def handler(event, context):\n    return {}\n",
            files={"serverless.yml": _SERVERLESS.format(cors="true", authorizer="auth")},
            filename="handler.py",
            line=12,
            column=11,
            message="serverless.yml:13: `authorizer: auth`",
        ),
        Invalid(
            "def handler(event, context):\n    return {}\n",
            files={"template.yaml": _SAM},
            filename="public.py",
            line=8,
            column=9,
            message="`DefaultAuthorizer: Users`",
        ),
        # In code, with the authorizer in the config.
        Invalid(
            _HANDLER,
            files={"template.yaml": _CLOUDFORMATION},
            line=7,
            column=52,
            message="template.yaml:25: `AuthorizationType: AWS_IAM`",
        ),
        # In code, with a handler that reads the caller's token.
        Invalid(
            dedent("""\
                from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

                app = APIGatewayRestResolver(cors=CORSConfig(allow_origin="*"))


                @app.get("/me")
                def me():
                    return profile(app.current_event.get_header_value("Authorization"))


                def lambda_handler(event, context):
                    return app.resolve(event, context)
                """),
            line=3,
            column=59,
            message="reads the `Authorization` header at handler.py:8",
        ),
        # Node.js: a response header in the handler, with a serverless authorizer.
        Invalid(
            _NODE_ORDERS,
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS, "auth.js": _NODE_AUTHORIZER},
            line=3,
            column=45,
            message="serverless.yml:12: `authorizer: auth`",
        ),
        # TypeScript (SAM, esbuild): headers from a constant; the handler reads the token.
        Invalid(
            dedent("""\
                import type { APIGatewayProxyEventV2 } from "aws-lambda";

                const CORS_HEADERS = {
                  "Access-Control-Allow-Origin": "*",
                  "Access-Control-Allow-Headers": "Authorization",
                };

                export const handler = async (event: APIGatewayProxyEventV2) => {
                  const token = event.headers.authorization ?? "";
                  const body = JSON.stringify({ length: token.length });
                  return { statusCode: 200, headers: CORS_HEADERS, body };
                };
                """),
            filename="src/profile.ts",
            files={"template.yaml": _NODE_SAM_TS},
            line=4,
            column=34,
            message="the handler reads `event.headers.authorization`",
        ),
    )


def _protected(authorizer: _Place) -> str:
    return f"the endpoint has an authorizer ({authorizer.where}: {authorizer.shown})"


def _message(shown: str, other: str) -> str:
    return (
        f"CORS allows any origin ({shown}) but {other}: any web site can call it from "
        "a signed-in user's browser and read the answer. Name the allowed origins instead."
    )
