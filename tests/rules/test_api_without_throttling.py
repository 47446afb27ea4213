"""SL405 api-without-throttling: every format, implicit APIs, usage plans, near-misses."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent, indent

from config_rule_support import findings
from conftest import codes_at, lint, write_tree

from slint.diagnostics import Severity

CODE = "SL405"

FUNCTION = """\
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "def handler(e, c): pass"}
"""


def cfn(body: str) -> str:
    """A CloudFormation template with one function and the resources of `body`."""
    header = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    return header + FUNCTION + indent(dedent(body), "  ")


def test_off_by_default_and_info(tmp_path: Path) -> None:
    text = (
        "service: s\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: a.h\n"
        "    events:\n      - http: GET /\n"
    )
    write_tree(tmp_path, {"serverless.yml": text})
    assert not [d for d in lint(tmp_path).diagnostics if d.code == CODE]
    found = findings(tmp_path, CODE)
    assert codes_at(found) == [("serverless.yml", CODE, 8, 9)]
    assert found[0].severity is Severity.INFO
    assert found[0].end.column == 13  # the `http` key


def test_sam_explicit_and_implicit_apis(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          HttpApi:
            DefaultRouteSettings:
              ThrottlingBurstLimit: 10
        Resources:
          Throttled:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              MethodSettings:
                - {ResourcePath: "/*", HttpMethod: "*", ThrottlingRateLimit: 5}
          LoggingOnly:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              MethodSettings:
                - {ResourcePath: "/*", HttpMethod: "*", LoggingLevel: INFO}
          NoPlanThrottle:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              Auth:
                UsagePlan: {CreateUsagePlan: PER_API, Quota: {Limit: 10, Period: DAY}}
          DisabledPlan:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              Auth:
                UsagePlan: {CreateUsagePlan: NONE, Throttle: {RateLimit: 5}}
          OptOut:
            Type: AWS::Serverless::HttpApi
            IgnoreGlobals: "*"
          Inherits:
            Type: AWS::Serverless::HttpApi
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Events:
                Own:
                  Type: Api
                  Properties: {Path: /a, Method: get, RestApiId: !Ref Throttled}
                Implicit:
                  Type: Api
                  Properties: {Path: /b, Method: get}
                Second:
                  Type: Api
                  Properties: {Path: /c, Method: get}
                Http:
                  Type: HttpApi
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [
        ("template.yaml", CODE, 13, 3),  # LoggingOnly
        ("template.yaml", CODE, 19, 3),  # NoPlanThrottle
        ("template.yaml", CODE, 25, 3),  # DisabledPlan (CreateUsagePlan: NONE)
        ("template.yaml", CODE, 31, 3),  # OptOut ignores Globals.HttpApi
        ("template.yaml", CODE, 45, 9),  # the first event of the implicit REST API
    ]
    assert "`ServerlessRestApi`" in found[-1].message
    assert "`Globals.Api`" in found[-1].message


def test_usage_plan_resource_on_implicit_api_and_unknown_values(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Burst:
            Type: Number
        Resources:
          Plan:
            Type: AWS::ApiGateway::UsagePlan
            Properties:
              ApiStages:
                - ApiId: !Ref ServerlessRestApi
                  Stage: Prod
              Throttle: {BurstLimit: 100}
          Unknown:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              MethodSettings:
                - {ResourcePath: "/*", HttpMethod: "*", ThrottlingBurstLimit: !Ref Burst}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Events:
                Get:
                  Type: Api
                  Properties: {Path: /, Method: get}
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []


def test_cloudformation_rest_and_http(tmp_path: Path) -> None:
    text = cfn(
        """\
          Rest:
            Type: AWS::ApiGateway::RestApi
          RestDeployment:
            Type: AWS::ApiGateway::Deployment
            Properties: {RestApiId: !Ref Rest, StageName: prod}
          Limited:
            Type: AWS::ApiGateway::RestApi
          LimitedStage:
            Type: AWS::ApiGateway::Stage
            Properties:
              RestApiId: !Ref Limited
              MethodSettings:
                - {ResourcePath: "/*", HttpMethod: "*", ThrottlingBurstLimit: 20}
          Undeployed:
            Type: AWS::ApiGateway::RestApi
          Minus:
            Type: AWS::ApiGateway::RestApi
          MinusStage:
            Type: AWS::ApiGateway::Stage
            Properties:
              RestApiId: !Ref Minus
              MethodSettings:
                - {ResourcePath: "/*", HttpMethod: "*", ThrottlingBurstLimit: -1}
          Quick:
            Type: AWS::ApiGatewayV2::Api
            Properties: {ProtocolType: HTTP, Target: !GetAtt Fn.Arn}
          Overridden:
            Type: AWS::ApiGatewayV2::Api
            Properties: {ProtocolType: HTTP, Target: !GetAtt Fn.Arn}
          Overrides:
            Type: AWS::ApiGatewayV2::ApiGatewayManagedOverrides
            Properties:
              ApiId: !Ref Overridden
              Stage:
                RouteSettings:
                  "GET /":
                    ThrottlingRateLimit: 5
          Socket:
            Type: AWS::ApiGatewayV2::Api
            Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}
          SocketStage:
            Type: AWS::ApiGatewayV2::Stage
            Properties: {ApiId: !Ref Socket, StageName: prod}
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [
        ("template.yaml", CODE, 10, 3),  # Rest
        ("template.yaml", CODE, 25, 3),  # Minus: -1 switches throttling off
        ("template.yaml", CODE, 33, 3),  # Quick: a quick-create HTTP API
    ]
    assert "HTTP API `Quick`" in found[2].message


def test_usage_plan_without_api_stages_is_a_warning(tmp_path: Path) -> None:
    text = cfn(
        """\
          Empty:
            Type: AWS::ApiGateway::UsagePlan
            Properties:
              ApiStages: []
              Throttle: {RateLimit: 5}
          Chosen:
            Type: AWS::ApiGateway::UsagePlan
            Properties:
              ApiStages: !If [IsProd, [{ApiId: !Ref Api, Stage: prod}], !Ref AWS::NoValue]
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 10, 3)]
    assert found[0].severity is Severity.WARNING


def test_serverless_settings(tmp_path: Path) -> None:
    base = dedent(
        """\
        service: shop
        provider:
          name: aws
        {provider}
        functions:
          api:
            handler: app.handler
            events:
              - http: GET /
              - httpApi: GET /h
        {extra}
        """
    )
    cases = {
        # usage plan list form with a throttle covers REST only
        "list": (
            "  apiGateway:\n    usagePlan:\n      - free:\n          throttle: {rateLimit: 5}\n",
            "",
            ["httpApi"],
        ),
        "legacy": ("  usagePlan:\n    throttle: {burstLimit: 5}\n", "", ["httpApi"]),
        "plugin": (
            "",
            "plugins:\n  - serverless-api-gateway-throttling\n"
            "custom:\n  apiGatewayThrottling:\n    maxRequestsPerSecond: 100\n",
            [],
        ),
        "plugin-without-settings": (
            "",
            "plugins:\n  - serverless-api-gateway-throttling\n",
            ["http", "httpApi"],
        ),
        "extension": (
            "",
            "resources:\n  extensions:\n    HttpApiStage:\n      Properties:\n"
            "        DefaultRouteSettings: {ThrottlingBurstLimit: 5}\n",
            ["http"],
        ),
        "external": (
            "  apiGateway:\n    restApiId: abc123\n  httpApi:\n    id: xyz\n",
            "",
            [],
        ),
        "unresolved": ("  apiGateway: ${ssm:/gateway}\n", "", []),
    }
    cases_typed: dict[str, tuple[str, str, list[str]]] = cases
    for name, (provider, extra, rows) in cases_typed.items():
        root = tmp_path / name
        text = base.format(provider=provider.rstrip("\n"), extra=extra)
        found = findings(root, CODE, {"serverless.yml": text})
        lines = text.splitlines()
        expected = [
            lines.index(f"      - {key}: GET /" + ("h" if key == "httpApi" else "")) + 1
            for key in rows
        ]
        assert [d.start.row for d in found] == expected, (name, [d.message for d in found])
        assert all(d.start.column == 9 for d in found)
