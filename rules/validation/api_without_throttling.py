from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.model import App, Event, is_known
from slint.app.sam_globals import globals_section
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.config import is_disabled, is_intrinsic, number, properties

# The logical ids of the APIs that SAM and the Serverless Framework create themselves.
SAM_REST_API = "ServerlessRestApi"
SAM_HTTP_API = "ServerlessHttpApi"
SERVERLESS_REST_API = "ApiGatewayRestApi"
SERVERLESS_HTTP_API = "HttpApi"
# The plugin that sets stage and endpoint throttling for serverless.yml APIs (REST and,
# since 2.0, HTTP APIs); the Framework itself has no throttling setting for HTTP APIs.
THROTTLING_PLUGIN = "serverless-api-gateway-throttling"

_STAGE_LIMITS = ("ThrottlingBurstLimit", "ThrottlingRateLimit")
_PLAN_LIMITS = ("BurstLimit", "RateLimit")
_SERVERLESS_PLAN_LIMITS = ("burstLimit", "rateLimit")
_PLUGIN_LIMITS = ("maxRequestsPerSecond", "maxConcurrentRequests")


def _limits(value: Any, keys: tuple[str, ...]) -> bool:
    """Does `value` (a settings mapping, or a list of them) set one of the limits `keys`,
    or may it (a value slint cannot know)? A negative limit (-1) switches a stage's
    throttling off and counts as none."""
    if value is None:
        return False
    if not is_known(value) and not isinstance(value, (dict, list)):
        return True
    if isinstance(value, list):
        return any(_limits(item, keys) for item in value)
    if not isinstance(value, dict):
        return False
    if is_intrinsic(value):
        return True
    for key in keys:
        if key not in value:
            continue
        limit = number(value[key])
        if limit is None:
            if not is_known(value[key]):
                return True
        elif limit >= 0:
            return True
    return False


def _route_limits(value: Any) -> bool:
    """HTTP API `RouteSettings` (route key -> settings) with a throttling limit."""
    if value is None:
        return False
    if not isinstance(value, dict) or is_intrinsic(value):
        return not is_known(value)
    return any(_limits(item, _STAGE_LIMITS) for item in value.values())


def _plan_stage_limits(stages: Any) -> bool:
    """A usage plan's `ApiStages[].Throttle` (method path -> limits)."""
    for stage in stages if isinstance(stages, list) else ():
        throttle = stage.get("Throttle") if isinstance(stage, dict) else None
        if isinstance(throttle, dict) and not is_intrinsic(throttle):
            if any(_limits(item, _PLAN_LIMITS) for item in throttle.values()):
                return True
        elif throttle is not None and not is_known(throttle):
            return True
    return False


def _without_ignored(resource: YMap, section: YMap | None) -> YMap | None:
    """The `Globals` section a SAM resource inherits: none with `IgnoreGlobals: '*'`,
    and without the properties that its `IgnoreGlobals` list names."""
    ignored = resource.get("IgnoreGlobals")
    if section is None or ignored is None:
        return section
    if ignored == "*" or not is_known(ignored):
        return None
    names = set(ignored) if isinstance(ignored, list) else {ignored}
    kept = YMap(section.loc, section.end, section.flow, section.file)
    for key, value in section.items():
        if key not in names:
            kept[key] = value
    return kept


@dataclass
class _Coverage:
    """What the template's stages and usage plans say about its APIs."""

    # APIs (logical ids) that are throttled somewhere, or may be.
    throttled: set[str] = field(default_factory=set)
    # APIs that a stage or deployment of the template serves.
    deployed: set[str] = field(default_factory=set)
    # A throttling usage plan whose API slint cannot tell: it may throttle any API.
    any_rest: bool = False
    # Usage plans that throttle nothing because they name no API stage.
    unattached: list[str] = field(default_factory=list)


def _api_of(value: Any, coverage: _Coverage) -> str | None:
    target = logical_id(value)
    if target is None and value is not None and not is_known(value):
        coverage.any_rest = True
    return target


def _coverage(resources: YMap) -> _Coverage:
    """One pass over the resources: stages, deployments, usage plans and overrides."""
    coverage = _Coverage()
    for logical, resource in resources.items():
        if not isinstance(resource, YMap):
            continue
        kind = resource.get("Type")
        props = properties(resource)
        if props is None:
            if kind == "AWS::ApiGateway::UsagePlan":
                coverage.unattached.append(str(logical))
            continue
        if kind == "AWS::ApiGateway::Stage":
            api = _api_of(props.get("RestApiId"), coverage)
            if api is not None:
                coverage.deployed.add(api)
                if _limits(props.get("MethodSettings"), _STAGE_LIMITS):
                    coverage.throttled.add(api)
        elif kind == "AWS::ApiGateway::Deployment":
            api = _api_of(props.get("RestApiId"), coverage)
            if api is not None:
                if "StageName" in props:
                    coverage.deployed.add(api)
                description = props.get("StageDescription")
                if _limits(description, _STAGE_LIMITS) or (
                    isinstance(description, dict)
                    and _limits(description.get("MethodSettings"), _STAGE_LIMITS)
                ):
                    coverage.throttled.add(api)
        elif kind == "AWS::ApiGateway::UsagePlan":
            _usage_plan(str(logical), props, coverage)
        elif kind in ("AWS::ApiGatewayV2::Stage", "AWS::ApiGatewayV2::ApiGatewayManagedOverrides"):
            api = _api_of(props.get("ApiId"), coverage)
            if api is None:
                continue
            stage = props
            if kind == "AWS::ApiGatewayV2::ApiGatewayManagedOverrides":
                overrides = props.get("Stage")
                stage = (
                    overrides if isinstance(overrides, YMap) else YMap(props.loc, props.loc, False)
                )
            else:
                coverage.deployed.add(api)
            if _limits(stage.get("DefaultRouteSettings"), _STAGE_LIMITS) or _route_limits(
                stage.get("RouteSettings")
            ):
                coverage.throttled.add(api)
    return coverage


def _usage_plan(logical: str, props: YMap, coverage: _Coverage) -> None:
    stages = props.get("ApiStages")
    if stages is None or (isinstance(stages, list) and not stages):
        coverage.unattached.append(logical)
        return
    plan_limits = _limits(props.get("Throttle"), _PLAN_LIMITS)
    if not isinstance(stages, list):
        # `!If` / a parameter: the plan's APIs cannot be told.
        coverage.any_rest = coverage.any_rest or plan_limits or not is_known(stages)
        return
    for stage in stages:
        if not isinstance(stage, dict):
            coverage.any_rest = coverage.any_rest or not is_known(stage)
            continue
        if plan_limits or _plan_stage_limits([stage]):
            api = _api_of(stage.get("ApiId"), coverage)
            if api is not None:
                coverage.throttled.add(api)


@dataclass(frozen=True)
class _Api:
    """An API that the config deploys and nothing throttles."""

    kind: str  # "REST" or "HTTP"
    name: str  # its logical id
    file: str
    at: Any  # Location of its key (the resource, or the first event that creates it)
    length: int
    implicit: bool = False


class ApiWithoutThrottling(ConfigRule):
    """
    ## What it does
    Reports a REST or HTTP API with no throttling anywhere: no stage `MethodSettings`
    with `ThrottlingBurstLimit` / `ThrottlingRateLimit` (REST), no stage
    `DefaultRouteSettings` / `RouteSettings` throttling (HTTP), no usage plan with a
    `Throttle` that names the API's stage, and in serverless.yml no
    `provider.apiGateway.usagePlan` with a `throttle` and no
    `serverless-api-gateway-throttling` settings (the Framework has no throttling
    setting of its own for HTTP APIs). Also reports, as a warning, an
    `AWS::ApiGateway::UsagePlan` with no `ApiStages`: it is attached to no API and
    throttles nothing.

    Covered: `AWS::Serverless::Api` (`MethodSettings`, `Auth.UsagePlan.Throttle`, also
    from `Globals.Api`), `AWS::Serverless::HttpApi` (`DefaultRouteSettings`,
    `RouteSettings`, also from `Globals.HttpApi`), the implicit APIs that SAM creates
    for `Api` / `HttpApi` events without `RestApiId` / `ApiId` (reported on the first
    such event), `AWS::ApiGateway::RestApi` with its `AWS::ApiGateway::Stage` /
    `Deployment` and usage plans, `AWS::ApiGatewayV2::Api` (HTTP) with its stages and
    `ApiGatewayManagedOverrides`, and the APIs that serverless.yml `http` / `httpApi`
    events create (reported on the first event), including stages and usage plans
    added under `resources`. An API the config does not deploy (serverless
    `provider.apiGateway.restApiId`, an event whose `RestApiId` is imported, a
    CloudFormation API with no stage in the template) is left alone, and so is an
    API whose settings come from a value slint cannot know.

    This is an info rule, off by default: turn it on with `select = ["SL405"]`.

    ## Why is this bad?
    API Gateway throttles all APIs of an account together, per Region (10,000
    requests per second by default), and passes every accepted request to Lambda. With
    no limit of its own, one client (a loop in a script, a crawler, an attack) can use
    the whole account quota, so that every other API of the account answers
    `429 Too Many Requests`, and can scale the functions behind it to the account's
    concurrency limit, throttling unrelated functions and running up the bill. A
    stage or usage-plan limit caps what one API, or one client, can take.

    A usage plan with a `Throttle` but no `ApiStages` looks like protection and is
    none: a usage plan applies only to the API stages it lists.

    ## Example
    ```yaml
    # template.yaml (SAM)
    Resources:
      ShopApi:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
    ```

    ## Use instead
    ```yaml
    # template.yaml (SAM)
    Resources:
      ShopApi:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
          MethodSettings:
            - ResourcePath: "/*"
              HttpMethod: "*"
              ThrottlingBurstLimit: 100
              ThrottlingRateLimit: 50
    ```
    ```yaml
    # serverless.yml
    provider:
      name: aws
      apiGateway:
        usagePlan:
          throttle:
            burstLimit: 100
            rateLimit: 50
    ```

    ## Fix
    None: the right limits depend on the traffic the API is meant to serve. Set stage
    limits (`MethodSettings` for REST APIs, `DefaultRouteSettings` for HTTP APIs) a
    little above the expected peak, and give each client a usage plan with its own
    `Throttle` (usage plans apply to requests that carry an API key). For a usage plan
    without `ApiStages`, add the API and stage it is meant for.

    ## References
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-usageplan.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigatewayv2-stage-routesettings.html
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-httpapi.html
    - https://www.serverless.com/framework/docs/providers/aws/events/apigateway#setting-api-keys-for-your-rest-api
    - https://github.com/DianaIonita/serverless-api-gateway-throttling
    """

    code = "SL405"
    name = "api-without-throttling"
    severity = Severity.INFO
    enabled_by_default = False

    valid = (
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ShopApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      MethodSettings:
                        - ResourcePath: "/*"
                          HttpMethod: "*"
                          ThrottlingBurstLimit: 100
                          ThrottlingRateLimit: 50
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Api:
                    Auth:
                      UsagePlan:
                        CreateUsagePlan: PER_API
                        Throttle: {BurstLimit: 100, RateLimit: 50}
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Events:
                        Get:
                          Type: Api
                          Properties: {Path: /, Method: get}
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  HttpApi:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      DefaultRouteSettings:
                        ThrottlingBurstLimit: 100
                        ThrottlingRateLimit: 50
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt Role.Arn
                      Code: {ZipFile: "def handler(e, c): pass"}
                  Api:
                    Type: AWS::ApiGateway::RestApi
                    Properties: {Name: shop}
                  Deployment:
                    Type: AWS::ApiGateway::Deployment
                    Properties: {RestApiId: !Ref Api, StageName: prod}
                  Plan:
                    Type: AWS::ApiGateway::UsagePlan
                    Properties:
                      ApiStages:
                        - ApiId: !Ref Api
                          Stage: prod
                      Throttle: {BurstLimit: 100, RateLimit: 50}
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  apiGateway:
                    usagePlan:
                      throttle:
                        burstLimit: 100
                        rateLimit: 50
                functions:
                  api:
                    handler: app.handler
                    events:
                      - http: GET /
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  apiGateway:
                    restApiId: ${ssm:/shared/api-id}
                functions:
                  api:
                    handler: app.handler
                    events:
                      - http: GET /
                """
            ),
            filename="serverless.yml",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ShopApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      MethodSettings:
                        - ResourcePath: "/*"
                          HttpMethod: "*"
                          LoggingLevel: INFO
                """
            ),
            filename="template.yaml",
            line=3,
            column=3,
            message="REST API `ShopApi` has no throttling",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Events:
                        Get:
                          Type: HttpApi
                          Properties: {Path: /, Method: get}
                """
            ),
            filename="template.yaml",
            line=9,
            column=9,
            message="implicit HTTP API `ServerlessHttpApi`",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt Role.Arn
                      Code: {ZipFile: "def handler(e, c): pass"}
                  Api:
                    Type: AWS::ApiGatewayV2::Api
                    Properties: {Name: shop, ProtocolType: HTTP}
                  Stage:
                    Type: AWS::ApiGatewayV2::Stage
                    Properties:
                      ApiId: !Ref Api
                      StageName: $default
                      AutoDeploy: true
                """
            ),
            filename="template.yaml",
            line=10,
            column=3,
            message="HTTP API `Api` has no throttling",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt Role.Arn
                      Code: {ZipFile: "def handler(e, c): pass"}
                  Plan:
                    Type: AWS::ApiGateway::UsagePlan
                    Properties:
                      Throttle: {BurstLimit: 100, RateLimit: 50}
                """
            ),
            filename="template.yaml",
            line=10,
            column=3,
            message="no `ApiStages`",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  apiGateway:
                    usagePlan:
                      quota: {limit: 5000, period: MONTH}
                functions:
                  api:
                    handler: app.handler
                    events:
                      - http:
                          path: /
                          method: get
                """
            ),
            filename="serverless.yml",
            line=11,
            column=9,
            message="`provider.apiGateway.usagePlan.throttle`",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                    events:
                      - httpApi: GET /
                """
            ),
            filename="serverless.yml",
            line=8,
            column=9,
            message="HTTP API",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        coverage = _coverage(app.resources)
        if app.format == "serverless":
            apis = list(self._serverless(app, coverage))
        else:
            apis = list(self._template(app, coverage))
        for api in apis:
            yield self.at(api.file, api.at, self._message(app, api), length=api.length)
        for logical in coverage.unattached:
            yield self.at(
                app.resources.file or app.file,
                app.resources.at(logical),
                f"Usage plan `{logical}` has no `ApiStages`: a usage plan applies only to "
                "the API stages it lists, so this one throttles nothing; add "
                "`ApiStages` with the `ApiId` and `Stage` it is meant for.",
                length=len(logical),
                severity=Severity.WARNING,
            )

    # -- SAM and CloudFormation ------------------------------------------------------
    def _template(self, app: App, coverage: _Coverage) -> Iterator[_Api]:
        sam = app.format == "sam"
        global_api = globals_section(app.document, "Api") if sam else None
        global_http = globals_section(app.document, "HttpApi") if sam else None
        file = app.resources.file or app.file
        for logical, resource in app.resources.items():
            if not isinstance(resource, YMap):
                continue
            kind = resource.get("Type")
            name = str(logical)
            if name in coverage.throttled:
                continue
            props = properties(resource) or YMap(resource.loc, resource.loc, False)
            at = app.resources.at(logical)
            if kind == "AWS::Serverless::Api" and app.format == "sam":
                inherited = _without_ignored(resource, global_api)
                if not coverage.any_rest and not _sam_rest_throttled(props, inherited):
                    yield _Api("REST", name, file, at, len(name))
            elif kind == "AWS::Serverless::HttpApi" and app.format == "sam":
                if not _sam_http_throttled(props, _without_ignored(resource, global_http)):
                    yield _Api("HTTP", name, file, at, len(name))
            elif kind == "AWS::ApiGateway::RestApi":
                if name in coverage.deployed and not coverage.any_rest:
                    yield _Api("REST", name, file, at, len(name))
            elif kind == "AWS::ApiGatewayV2::Api":
                protocol = props.get("ProtocolType")
                quick_create = "Target" in props
                if protocol == "HTTP" and (name in coverage.deployed or quick_create):
                    yield _Api("HTTP", name, file, at, len(name))
        if app.format == "sam":
            yield from self._implicit(app, coverage, global_api, global_http)

    def _implicit(
        self, app: App, coverage: _Coverage, global_api: YMap | None, global_http: YMap | None
    ) -> Iterator[_Api]:
        """The APIs that SAM creates for events that name no API of their own."""
        first: dict[str, Event] = {}
        for function in app.functions:
            for event in function.events:
                if is_disabled(event) or event.type_name not in ("Api", "HttpApi"):
                    continue
                key = "RestApiId" if event.type_name == "Api" else "ApiId"
                if event.properties is not None and key in event.properties:
                    continue
                implicit = SAM_REST_API if event.type_name == "Api" else SAM_HTTP_API
                first.setdefault(implicit, event)
        rest = first.get(SAM_REST_API)
        if (
            rest is not None
            and SAM_REST_API not in coverage.throttled
            and not coverage.any_rest
            and not _sam_rest_throttled(YMap(rest.at, rest.at, False), global_api)
        ):
            yield _Api("REST", SAM_REST_API, rest.file, rest.at, len(rest.name), implicit=True)
        http = first.get(SAM_HTTP_API)
        if (
            http is not None
            and SAM_HTTP_API not in coverage.throttled
            and not _sam_http_throttled(YMap(http.at, http.at, False), global_http)
        ):
            yield _Api("HTTP", SAM_HTTP_API, http.file, http.at, len(http.name), implicit=True)

    # -- serverless.yml ----------------------------------------------------------------
    def _serverless(self, app: App, coverage: _Coverage) -> Iterator[_Api]:
        provider = app.document.get("provider")
        if not isinstance(provider, YMap):
            return
        gateway = provider.get("apiGateway")
        http_settings = provider.get("httpApi")
        if not _known_map(gateway) or not _known_map(http_settings):
            return
        first: dict[str, Event] = {}
        endpoint_limits = False
        for function in app.functions:
            for event in function.events:
                if event.type_name not in ("http", "httpApi") or is_disabled(event):
                    continue
                first.setdefault(event.type_name, event)
                if event.properties is not None and "throttling" in event.properties:
                    endpoint_limits = True
        plugin = THROTTLING_PLUGIN in app.plugins and (
            endpoint_limits or _plugin_settings(app.document)
        )
        extended = _extension_limits(app.document)
        rest = first.get("http")
        if (
            rest is not None
            and not (isinstance(gateway, YMap) and "restApiId" in gateway)
            and not plugin
            and not coverage.any_rest
            and SERVERLESS_REST_API not in coverage.throttled
            and "ApiGatewayStage" not in extended
            and not _serverless_plan_limits(gateway, provider)
        ):
            yield _Api("REST", SERVERLESS_REST_API, rest.file, rest.at, len(rest.type_name), True)
        http = first.get("httpApi")
        if (
            http is not None
            and not (isinstance(http_settings, YMap) and "id" in http_settings)
            and not plugin
            and SERVERLESS_HTTP_API not in coverage.throttled
            and "HttpApiStage" not in extended
        ):
            yield _Api("HTTP", SERVERLESS_HTTP_API, http.file, http.at, len(http.type_name), True)

    def _message(self, app: App, api: _Api) -> str:
        if api.kind == "REST":
            what = "no stage `MethodSettings` throttling and no usage plan `Throttle`"
        else:
            what = "no stage `DefaultRouteSettings` or `RouteSettings` throttling"
        if app.format == "serverless":
            subject = f"The {api.kind} API that these `{_event_key(api)}` events create"
            if api.kind == "REST":
                how = (
                    "set `provider.apiGateway.usagePlan.throttle` or stage limits with the "
                    f"`{THROTTLING_PLUGIN}` plugin"
                )
            else:
                how = (
                    "the Framework has no throttling setting for HTTP APIs: use the "
                    f"`{THROTTLING_PLUGIN}` plugin or set `DefaultRouteSettings` on "
                    "`HttpApiStage` under `resources.extensions`"
                )
        elif api.implicit:
            section = "Api" if api.kind == "REST" else "HttpApi"
            subject = f"The implicit {api.kind} API `{api.name}` that this event creates"
            setting = "MethodSettings" if api.kind == "REST" else "DefaultRouteSettings"
            how = (
                f"set `{setting}` with `ThrottlingBurstLimit` / `ThrottlingRateLimit` "
                f"under `Globals.{section}`"
            )
        else:
            subject = f"{api.kind} API `{api.name}`"
            setting = "MethodSettings" if api.kind == "REST" else "DefaultRouteSettings"
            how = (
                f"set `{setting}` with `ThrottlingBurstLimit` / `ThrottlingRateLimit` on its "
                "stage" + (" or a usage plan `Throttle`" if api.kind == "REST" else "")
            )
        return (
            f"{subject} has no throttling ({what}): one client can use up the account's "
            "API Gateway quota, shared by every API in the Region, and the concurrency of "
            f"the functions behind it; {how}."
        )


def _event_key(api: _Api) -> str:
    return "http" if api.kind == "REST" else "httpApi"


def _known_map(value: Any) -> bool:
    """Absent, or a mapping (a `${...}` that did not resolve may be anything)."""
    return value is None or (isinstance(value, YMap) and not is_intrinsic(value))


def _sam_rest_throttled(props: YMap, global_api: YMap | None) -> bool:
    """`AWS::Serverless::Api` (or the implicit API) `MethodSettings` throttling or an
    `Auth.UsagePlan` with a `Throttle`, own or from `Globals.Api` (SAM merges maps and
    adds lists)."""
    for source in (props, global_api):
        if source is not None and _limits(source.get("MethodSettings"), _STAGE_LIMITS):
            return True
    plan: dict[str, Any] = {}
    for source in (global_api, props):
        auth = source.get("Auth") if source is not None else None
        if auth is not None and not isinstance(auth, dict):
            return not is_known(auth)
        usage = auth.get("UsagePlan") if isinstance(auth, dict) else None
        if usage is not None and (not isinstance(usage, dict) or is_intrinsic(usage)):
            return not is_known(usage)
        if isinstance(usage, dict):
            plan.update(usage)
    if not plan:
        return False
    create = plan.get("CreateUsagePlan")
    if not is_known(create):
        return True
    return create != "NONE" and _limits(plan.get("Throttle"), _PLAN_LIMITS)


def _sam_http_throttled(props: YMap, global_http: YMap | None) -> bool:
    for source in (props, global_http):
        if source is None:
            continue
        if _limits(source.get("DefaultRouteSettings"), _STAGE_LIMITS) or _route_limits(
            source.get("RouteSettings")
        ):
            return True
    return False


def _serverless_plan_limits(gateway: Any, provider: YMap) -> bool:
    """`provider.apiGateway.usagePlan` (one plan, or a list of `{name: plan}`) or the
    older `provider.usagePlan`, with a `throttle`."""
    plans: list[Any] = []
    for source in (gateway, provider):
        value = source.get("usagePlan") if isinstance(source, YMap) else None
        if value is None:
            continue
        if not is_known(value) and not isinstance(value, (dict, list)):
            return True
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    plans.extend(item.values())
                elif not is_known(item):
                    return True
        else:
            plans.append(value)
    for plan in plans:
        if not isinstance(plan, dict):
            if not is_known(plan):
                return True
            continue
        if _limits(plan.get("throttle"), _SERVERLESS_PLAN_LIMITS):
            return True
    return False


def _plugin_settings(document: YMap) -> bool:
    """`custom.apiGatewayThrottling` of the serverless-api-gateway-throttling plugin: the
    stage limits of every endpoint."""
    custom = document.get("custom")
    settings = custom.get("apiGatewayThrottling") if isinstance(custom, YMap) else None
    if settings is None:
        return False
    return _limits(settings, _PLUGIN_LIMITS) or not isinstance(settings, dict)


def _extension_limits(document: YMap) -> set[str]:
    """Generated stages that `resources.extensions` gives throttling limits
    (`HttpApiStage`, `ApiGatewayStage`)."""
    found: set[str] = set()
    resources = document.get("resources")
    blocks = resources if isinstance(resources, list) else [resources]
    for block in blocks:
        extensions = block.get("extensions") if isinstance(block, dict) else None
        if not isinstance(extensions, dict):
            continue
        for name, extension in extensions.items():
            props = extension.get("Properties") if isinstance(extension, dict) else None
            if not isinstance(props, dict):
                continue
            if (
                _limits(props.get("MethodSettings"), _STAGE_LIMITS)
                or _limits(props.get("DefaultRouteSettings"), _STAGE_LIMITS)
                or _route_limits(props.get("RouteSettings"))
            ):
                found.add(str(name))
    return found
