"""SL403 permissive-cors: `Access-Control-Allow-Origin: *` on an endpoint that
authenticates its callers. Wildcards in serverless, SAM, CloudFormation and code; the
authorizers and credential reads that make an endpoint protected; near-misses."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

from conftest import lint, write_tree

from slint.diagnostics import Diagnostic


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    files = {name: dedent(text) for name, text in files.items()}
    for name, text in files.items():
        if name.endswith(".py"):
            ast.parse(text)
    write_tree(tmp_path, files)
    result = lint(tmp_path, select=["SL403", "SL000"])
    assert not result.errors
    assert [d.message for d in result.diagnostics if d.code == "SL000"] == []
    assert not any(d.internal_error for d in result.diagnostics)
    return [d for d in result.diagnostics if d.code == "SL403"]


def where(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return sorted((d.path, d.start.row, d.start.column) for d in found)


# serverless/examples aws-python-auth0-custom-authorizers-api: the headers come from a
# helper through a local variable and a second helper.
AUTH0 = """\
import json


def public_endpoint(event, context):
    return create_200_response("public")


def private_endpoint(event, context):
    return create_200_response("private")


def create_200_response(message):
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Credentials": True,
    }
    return create_aws_lambda_response(200, {"message": message}, headers)


def create_aws_lambda_response(status_code, message, headers):
    return {"statusCode": status_code, "headers": headers, "body": json.dumps(message)}
"""
AUTH0_CONFIG = """\
service: auth0
provider:
  name: aws
  runtime: python3.12
functions:
  publicEndpoint:
    handler: handler.public_endpoint
    events:
      - http:
          path: api/public
          method: post
          cors: true
  privateEndpoint:
    handler: handler.private_endpoint
    events:
      - http:
          path: api/private
          method: post
          authorizer: auth
          cors: true
resources:
  Resources:
    AuthFailureGatewayResponse:
      Type: AWS::ApiGateway::GatewayResponse
      Properties:
        ResponseParameters:
          gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
        ResponseType: UNAUTHORIZED
        RestApiId: {Ref: ApiGatewayRestApi}
        StatusCode: '401'
"""


def test_serverless_config_and_code(tmp_path: Path) -> None:
    found = run(tmp_path, {"handler.py": AUTH0, "serverless.yml": AUTH0_CONFIG})
    # `cors: true` of the private endpoint, and the header its handler returns; the
    # public endpoint and the gateway's 401 response are not reported.
    assert where(found) == [("handler.py", 14, 40), ("serverless.yml", 20, 11)]
    for diagnostic in found:
        assert "serverless.yml:19: `authorizer: auth`" in diagnostic.message


def test_serverless_cors_settings(tmp_path: Path) -> None:
    config = """\
        service: s
        provider:
          name: aws
          runtime: python3.12
        functions:
          a:
            handler: handler.public_endpoint
            events:
              - http:
                  path: a
                  method: get
                  authorizer: {name: auth, type: request}
                  cors:
                    origin: '*'
              - http:
                  path: b
                  method: get
                  authorizer: aws_iam
                  cors:
                    origins: ['https://app.example.com']
              - http:
                  path: c
                  method: get
                  authorizer: {type: COGNITO_USER_POOLS, arn: arn:aws:x}
                  cors:
                    headers: [Authorization]
        """
    found = run(
        tmp_path,
        {
            "handler.py": "def public_endpoint(event, context):\n    return {}\n",
            "serverless.yml": config,
        },
    )
    assert where(found) == [("serverless.yml", 14, 13), ("serverless.yml", 25, 11)]


def test_serverless_http_api_provider_cors(tmp_path: Path) -> None:
    config = """\
        service: s
        provider:
          name: aws
          runtime: python3.12
          httpApi:
            cors: true
            authorizers:
              jwt:
                identitySource: $request.header.Authorization
                issuerUrl: https://example.com
                audience: [x]
        functions:
          public:
            handler: handler.h
            events:
              - httpApi: GET /public
          private:
            handler: handler.h
            events:
              - httpApi:
                  method: GET
                  path: /me
                  authorizer:
                    name: jwt
        """
    found = run(
        tmp_path,
        {"handler.py": "def h(event, context):\n    return {}\n", "serverless.yml": config},
    )
    assert where(found) == [("serverless.yml", 6, 5)]
    assert "`authorizer` `jwt`" in found[0].message


def test_public_endpoint_reading_no_credentials_is_silent(tmp_path: Path) -> None:
    config = AUTH0_CONFIG.replace("          authorizer: auth\n", "")
    assert run(tmp_path, {"handler.py": AUTH0, "serverless.yml": config}) == []


def test_public_endpoint_whose_handler_reads_cookies(tmp_path: Path) -> None:
    code = """\
        HEADERS = {"Access-Control-Allow-Origin": "*"}


        def handler(event, context):
            session = load(event["headers"]["Cookie"])
            return {"statusCode": 200, "headers": HEADERS, "body": session}


        def load(cookie):
            return cookie
        """
    config = """\
        service: s
        provider:
          name: aws
          runtime: python3.12
        functions:
          me:
            handler: handler.handler
            events:
              - http:
                  path: me
                  method: get
                  cors: true
        """
    found = run(tmp_path, {"handler.py": code, "serverless.yml": config})
    assert where(found) == [("handler.py", 1, 43), ("serverless.yml", 12, 11)]
    assert all("reads `event.headers.Cookie` at handler.py:5" in d.message for d in found)


def test_convention_handler_reading_authorization(tmp_path: Path) -> None:
    code = """\
        def lambda_handler(event, context):
            token = event.get("headers", {}).get("authorization")
            response = {"statusCode": 200, "headers": {}, "body": check(token)}
            response["headers"]["Access-Control-Allow-Origin"] = "*"
            return response


        def check(token):
            return token
        """
    found = run(tmp_path, {"app.py": code})
    assert where(found) == [("app.py", 4, 58)]
    assert "reads the `authorization` header at app.py:2" in found[0].message


def test_http_api_cookies_and_authorizer_context(tmp_path: Path) -> None:
    code = """\
        def lambda_handler(event, context):
            user = event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"]
            return {"headers": {"access-control-allow-origin": "*"}, "body": fetch(user)}


        def fetch(user):
            return user
        """
    assert where(run(tmp_path, {"app.py": code})) == [("app.py", 3, 56)]
    cookies = code.replace(
        'event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"]', 'event["cookies"]'
    )
    assert where(run(tmp_path, {"app.py": cookies})) == [("app.py", 3, 56)]


def test_allowlist_echo_and_other_headers_are_silent(tmp_path: Path) -> None:
    code = """\
        import os

        ALLOWED = {"https://app.example.com"}


        def lambda_handler(event, context):
            token = event["headers"]["Authorization"]
            origin = event["headers"].get("origin", "")
            headers = {
                "Access-Control-Allow-Origin": origin if origin in ALLOWED else "",
                "Access-Control-Allow-Headers": "*",
                "X-Origin": "*",
            }
            other = {"Access-Control-Allow-Origin": os.environ.get("ORIGIN", "*")}
            return {"statusCode": 200, "headers": headers, "body": use(token, other)}
        """
    assert run(tmp_path, {"app.py": code}) == []


def test_powertools_cors_config(tmp_path: Path) -> None:
    code = """\
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

        cors_config = CORSConfig()
        app = APIGatewayRestResolver(cors=cors_config)


        @app.get("/todos")
        def get_todos():
            return {"todos": []}


        def lambda_handler(event, context):
            return app.resolve(event, context)
        """
    template = """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Api:
            Auth:
              DefaultAuthorizer: AWS_IAM
        Resources:
          Todos:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.lambda_handler
              Runtime: python3.12
              Events:
                Todos:
                  Type: Api
                  Properties:
                    Path: /todos
                    Method: get
        """
    found = run(tmp_path, {"app.py": code, "template.yaml": template})
    # `CORSConfig()` allows `*` by default; reported where the resolver receives it.
    assert where(found) == [("app.py", 4, 35)]
    assert "template.yaml:5: `DefaultAuthorizer: AWS_IAM`" in found[0].message
    named = code.replace("CORSConfig()", 'CORSConfig(allow_origin="https://example.com")')
    assert run(tmp_path, {"app.py": named, "template.yaml": template}) == []


def test_sam_event_auth_none_overrides_default(tmp_path: Path) -> None:
    template = """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Api:
            Cors: "'*'"
        Resources:
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              Auth:
                DefaultAuthorizer: Users
                Authorizers:
                  Users:
                    UserPoolArn: arn:aws:cognito-idp:eu-west-1:1:userpool/x
          Public:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Events:
                Get:
                  Type: Api
                  Properties:
                    RestApiId: !Ref Api
                    Path: /public
                    Method: get
                    Auth:
                      Authorizer: NONE
        """
    handler = "def handler(event, context):\n    return {}\n"
    assert run(tmp_path, {"app.py": handler, "template.yaml": template}) == []
    protected = template.replace(
        "                    Auth:\n                      Authorizer: NONE\n", ""
    )
    found = run(tmp_path, {"app.py": handler, "template.yaml": protected})
    assert where(found) == [("template.yaml", 4, 5)]


def test_sam_http_api_cors_configuration(tmp_path: Path) -> None:
    template = """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          HttpApi:
            Type: AWS::Serverless::HttpApi
            Properties:
              CorsConfiguration:
                AllowOrigins:
                  - "{origin}"
              Auth:
                DefaultAuthorizer: OAuth2
                Authorizers:
                  OAuth2:
                    IdentitySource: $request.header.Authorization
                    JwtConfiguration:
                      issuer: https://example.com
                      audience: [x]
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Events:
                Api:
                  Type: HttpApi
                  Properties:
                    ApiId: !Ref HttpApi
                    Path: /api
                    Method: POST
        """
    handler = "def handler(event, context):\n    return {}\n"
    found = run(tmp_path, {"app.py": handler, "template.yaml": template.replace("{origin}", "*")})
    assert where(found) == [("template.yaml", 7, 9)]
    named = template.replace("{origin}", "https://app.example.com")
    assert run(tmp_path, {"app.py": handler, "template.yaml": named}) == []


def test_cloudformation_options_method_and_v2_api(tmp_path: Path) -> None:
    template = """\
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: python3.12
              Handler: app.handler
              Code: .
              Role: arn:aws:iam::1:role/r
          Api:
            Type: AWS::ApiGateway::RestApi
            Properties:
              Name: a
          Items:
            Type: AWS::ApiGateway::Resource
            Properties:
              RestApiId: !Ref Api
              ParentId: !GetAtt Api.RootResourceId
              PathPart: items
          ItemsGet:
            Type: AWS::ApiGateway::Method
            Properties:
              RestApiId: !Ref Api
              ResourceId: !Ref Items
              HttpMethod: GET
              AuthorizationType: {auth}
              Integration:
                Type: AWS_PROXY
                IntegrationHttpMethod: POST
                Uri: !Sub apigateway:lambda:path/functions/${Fn.Arn}/invocations
          ItemsOptions:
            Type: AWS::ApiGateway::Method
            Properties:
              RestApiId: !Ref Api
              ResourceId: !Ref Items
              HttpMethod: OPTIONS
              AuthorizationType: NONE
              Integration:
                Type: MOCK
                IntegrationResponses:
                  - StatusCode: 200
                    ResponseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'*'"
          HttpApi:
            Type: AWS::ApiGatewayV2::Api
            Properties:
              Name: h
              ProtocolType: HTTP
              CorsConfiguration:
                AllowOrigins: ['*']
          Integration:
            Type: AWS::ApiGatewayV2::Integration
            Properties:
              ApiId: !Ref HttpApi
              IntegrationType: AWS_PROXY
              IntegrationUri: !GetAtt Fn.Arn
          Route:
            Type: AWS::ApiGatewayV2::Route
            Properties:
              ApiId: !Ref HttpApi
              RouteKey: GET /items
              AuthorizationType: {auth2}
              Target: !Sub integrations/${Integration}
        """
    handler = "def handler(event, context):\n    return {}\n"
    files = {
        "app.py": handler,
        "template.yaml": template.replace("{auth}", "COGNITO_USER_POOLS").replace("{auth2}", "JWT"),
    }
    assert where(run(tmp_path, files)) == [("template.yaml", 42, 15), ("template.yaml", 49, 9)]
    files["template.yaml"] = template.replace("{auth}", "NONE").replace("{auth2}", "NONE")
    assert run(tmp_path, files) == []
