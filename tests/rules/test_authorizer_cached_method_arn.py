"""SL404 authorizer-cached-method-arn: a cached REST API Lambda authorizer whose policy
allows only the incoming `methodArn`. Authorizers found through serverless, SAM and
CloudFormation configs (and by convention), the ways code builds the policy, and the
near-misses from real authorizers that stay silent."""

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
    result = lint(tmp_path, select=["SL404", "SL000"])
    assert not result.errors
    assert [d.message for d in result.diagnostics if d.code == "SL000"] == []
    assert not any(d.internal_error for d in result.diagnostics)
    return [d for d in result.diagnostics if d.code == "SL404"]


def where(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return sorted((d.path, d.start.row, d.start.column) for d in found)


# The serverless/examples auth0 authorizer: a helper builds the policy per invocation.
AUTH0 = """\
def auth(event, context):
    token = event.get("authorizationToken")
    principal_id = verify(token)
    policy = generate_policy(principal_id, "Allow", event["methodArn"])
    return policy


def verify(token):
    return "user"


def generate_policy(principal_id, effect, resource):
    return {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
            ],
        },
    }


def private_endpoint(event, context):
    return {"statusCode": 200}
"""


def serverless(authorizer: str) -> str:
    return (
        "service: shop\n"
        "provider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n"
        "  auth:\n    handler: handler.auth\n"
        "  private:\n    handler: handler.private_endpoint\n"
        "    events:\n      - http:\n          path: api/private\n          method: post\n"
        f"          authorizer: {authorizer}\n"
    )


def test_serverless_helper_policy_default_ttl(tmp_path: Path) -> None:
    found = run(tmp_path, {"handler.py": AUTH0, "serverless.yml": serverless("auth")})
    assert where(found) == [("handler.py", 18, 80)]
    message = found[0].message
    assert '`event["methodArn"]` passed at handler.py:4' in message
    assert "serverless.yml:14: authorizer `auth` sets no TTL" in message


def test_serverless_ttl_zero_is_silent(tmp_path: Path) -> None:
    config = serverless("\n            name: auth\n            resultTtlInSeconds: 0")
    assert run(tmp_path, {"handler.py": AUTH0, "serverless.yml": config}) == []


def test_serverless_cognito_authorizer_is_not_a_lambda(tmp_path: Path) -> None:
    config = serverless("\n            type: COGNITO_USER_POOLS\n            arn: arn:aws:x")
    # The module is named by the config, so the convention check does not run either.
    assert run(tmp_path, {"handler.py": AUTH0, "serverless.yml": config}) == []


def test_function_not_used_as_authorizer_is_silent(tmp_path: Path) -> None:
    config = serverless("aws_iam")
    assert run(tmp_path, {"handler.py": AUTH0, "serverless.yml": config}) == []


# serverless-patterns kinesis-data-stream-firehose-apigw-sam: the Resource is assigned
# into a nested literal after it is built.
NESTED = """\
def lambda_handler(event, context):
    methodArn = event["methodArn"]
    return build_response(event["authorizationToken"] == "k", methodArn)


def build_response(allow, methodArn):
    output = {
        "principalId": "user",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": "arn:*"}
            ],
        },
    }
    if allow is True:
        output["policyDocument"]["Statement"][0]["Effect"] = "Allow"
    output["policyDocument"]["Statement"][0]["Resource"] = methodArn
    return output
"""


def sam(identity: str = "", payload: str = "") -> str:
    return (
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: dev\n"
        "      Auth:\n        DefaultAuthorizer: KeyAuth\n        Authorizers:\n"
        "          KeyAuth:\n            FunctionArn: !GetAtt AuthFunction.Arn\n"
        f"{payload}{identity}"
        "  AuthFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: auth.lambda_handler\n      Runtime: python3.12\n"
    )


def test_sam_nested_assignment(tmp_path: Path) -> None:
    found = run(tmp_path, {"auth.py": NESTED, "template.yaml": sam()})
    assert where(found) == [("auth.py", 18, 60)]
    assert "template.yaml:10: authorizer `KeyAuth` sets no TTL" in found[0].message


def test_sam_reauthorize_every(tmp_path: Path) -> None:
    identity = (
        "            Identity:\n              Header: X-Key\n              ReauthorizeEvery: {}\n"
    )
    found = run(tmp_path, {"auth.py": NESTED, "template.yaml": sam(identity.format(60))})
    assert where(found) == [("auth.py", 18, 60)]
    assert "template.yaml:14: authorizer `KeyAuth` caches results for 60 s" in found[0].message
    # serverless-patterns apigw-kinesis-lambda-ddb: REQUEST authorizer, TTL 0.
    payload = "            FunctionPayloadType: REQUEST\n"
    files = {"auth.py": NESTED, "template.yaml": sam(identity.format(0), payload)}
    assert run(tmp_path, files) == []


def test_resource_in_a_list_through_a_variable(tmp_path: Path) -> None:
    # serverless-patterns apigw-kinesis-lambda-ddb's authorizer (there with TTL 0).
    code = """\
        def lambda_handler(event, context):
            method_arn = event["methodArn"]
            effect = "Allow" if event["headers"].get("Authorization") == "x" else "Deny"
            statement = {
                "principalId": "user",
                "policyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Action": "execute-api:Invoke",
                            "Resource": [method_arn],
                            "Effect": effect,
                        }
                    ],
                },
            }
            return statement
        """
    found = run(tmp_path, {"auth.py": code, "template.yaml": sam()})
    assert where(found) == [("auth.py", 11, 34)]


def test_powertools_data_class_method_arn(tmp_path: Path) -> None:
    code = """\
        from aws_lambda_powertools.utilities.data_classes import APIGatewayAuthorizerTokenEvent


        def lambda_handler(event, context):
            auth = APIGatewayAuthorizerTokenEvent(event)
            return {
                "principalId": "u",
                "policyDocument": {
                    "Statement": [{"Effect": "Allow", "Resource": auth.method_arn}]
                },
            }
        """
    assert where(run(tmp_path, {"auth.py": code})) == [("auth.py", 9, 59)]


def test_cloudformation_authorizer(tmp_path: Path) -> None:
    template = """\
        Resources:
          AuthFunction:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: python3.12
              Handler: auth.lambda_handler
              Code: .
              Role: arn:aws:iam::123456789012:role/a
          Authorizer:
            Type: AWS::ApiGateway::Authorizer
            Properties:
              Type: TOKEN
              RestApiId: api123
              AuthorizerUri: !Sub apigateway:lambda:path/functions/${AuthFunction.Arn}/invocations
              AuthorizerResultTtlInSeconds: {ttl}
        """
    files = {"auth.py": NESTED, "template.yaml": template.replace("{ttl}", "300")}
    found = run(tmp_path, files)
    assert where(found) == [("auth.py", 18, 60)]
    assert "template.yaml:15: authorizer `Authorizer` caches results for 300 s" in found[0].message
    files["template.yaml"] = template.replace("{ttl}", "0")
    assert run(tmp_path, files) == []


# Near-misses that build a wildcard from the method ARN.
def test_wildcards_built_from_method_arn_are_silent(tmp_path: Path) -> None:
    code = """\
        def lambda_handler(event, context):
            arn = event["methodArn"]
            parts = arn.split("/")
            first = arn.split("/")[0] + "/*"
            second = "/".join(parts[:2]) + "/*/*"
            third = f"{parts[0]}/{parts[1]}/*"
            return {
                "principalId": "u",
                "policyDocument": {
                    "Statement": [
                        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": first},
                        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": second},
                        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": [third]},
                    ]
                },
            }
        """
    assert run(tmp_path, {"auth.py": code}) == []


def test_http_api_simple_response_is_silent(tmp_path: Path) -> None:
    code = """\
        def lambda_handler(event, context):
            return {"isAuthorized": event["headers"].get("authorization") == "k",
                    "context": {"routeArn": event["routeArn"]}}
        """
    assert run(tmp_path, {"auth.py": code}) == []


def test_aws_blueprint_auth_policy_is_silent(tmp_path: Path) -> None:
    # The AWS API Gateway authorizer blueprint: AuthPolicy builds ARNs from parts and
    # the handler allows all methods.
    code = """\
        import re


        def lambda_handler(event, context):
            principal_id = "user|a1b2c3d4"
            tmp = event["methodArn"].split(":")
            api_gateway_arn_tmp = tmp[5].split("/")
            aws_account_id = tmp[4]
            policy = AuthPolicy(principal_id, aws_account_id)
            policy.restApiId = api_gateway_arn_tmp[0]
            policy.region = tmp[3]
            policy.stage = api_gateway_arn_tmp[1]
            policy.allowAllMethods()
            return policy.build()


        class AuthPolicy(object):
            def __init__(self, principal, awsAccountId):
                self.awsAccountId = awsAccountId
                self.principalId = principal
                self.allowMethods = []
                self.restApiId = "*"
                self.region = "*"
                self.stage = "*"

            def _addMethod(self, effect, verb, resource, conditions):
                resourceArn = (
                    "arn:aws:execute-api:" + self.region + ":" + self.awsAccountId + ":"
                    + self.restApiId + "/" + self.stage + "/" + verb + "/" + resource
                )
                self.allowMethods.append({"resourceArn": resourceArn, "conditions": conditions})

            def _getStatementForEffect(self, effect, methods):
                statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": []}
                for method in methods:
                    statement["Resource"].append(method["resourceArn"])
                return [statement]

            def allowAllMethods(self):
                self._addMethod("Allow", "*", "*", [])

            def build(self):
                policy = {"principalId": self.principalId, "policyDocument": {"Statement": []}}
                policy["policyDocument"]["Statement"].extend(
                    self._getStatementForEffect("Allow", self.allowMethods)
                )
                return policy
        """
    assert run(tmp_path, {"auth.py": code}) == []


def test_policy_not_an_iam_statement_is_silent(tmp_path: Path) -> None:
    # A dict with a `Resource` key but no `Effect`/`Action` is not a policy statement.
    code = """\
        def lambda_handler(event, context):
            return {"statusCode": 200, "body": {"Resource": event["methodArn"]}}
        """
    assert run(tmp_path, {"auth.py": code}) == []
