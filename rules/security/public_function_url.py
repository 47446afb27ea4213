from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.model import App, Function, Setting
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.report import by_place, of_functions, setting_place


class PublicFunctionUrl(ConfigRule):
    """
    ## What it does
    Reports a Lambda function URL without IAM authentication (`AuthType: NONE`): SAM
    `FunctionUrlConfig` (on the function or in `Globals.Function`), CloudFormation
    `AWS::Lambda::Url`, serverless `url: true` or a `url:` map without
    `authorizer: aws_iam`. The finding sits on the `AuthType` key (serverless: on the
    `url` key), once per setting however many functions share it. A value slint cannot
    know (`!Ref AuthType` without a default, `${param:...}`) is not reported.

    ## Why is this bad?
    A URL with `AuthType: NONE` can be invoked by anyone who finds it: scanners,
    crawlers, a link in a log or a browser history. Every request runs the function
    and is billed, nothing throttles it but the function's concurrency, and whatever
    the handler can reach is one request away unless the code checks a token itself.

    ## Example
    ```yaml
    # template.yaml (SAM)
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Handler: app.handler
        Runtime: python3.12
        FunctionUrlConfig:
          AuthType: NONE
    ```

    ## Use instead
    ```yaml
    # template.yaml (SAM)
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Handler: app.handler
        Runtime: python3.12
        FunctionUrlConfig:
          AuthType: AWS_IAM  # put CloudFront with origin access control in front for browsers
    ```
    ```yaml
    # serverless.yml
    functions:
      api:
        handler: app.handler
        url:
          authorizer: aws_iam
    ```

    ## Fix
    There is no automatic fix: switching to `AWS_IAM` breaks every caller that does
    not sign its requests. Sign the calls (SigV4), or put CloudFront with origin access
    control or API Gateway with an authorizer in front. If the URL must stay public
    (a webhook), verify the caller's signature in the handler and suppress the finding
    with a comment that says so.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-functionurlconfig.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions#lambda-function-urls
    """

    code = "SL604"
    name = "public-function-url"
    severity = Severity.WARNING
    fix = FixKind.NONE

    valid = (
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                    url:
                      authorizer: aws_iam
                      cors: true
                  worker:
                    handler: worker.handler
                    url: false
                  other:
                    handler: other.handler
                    url: ${param:otherUrl}
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  UrlAuth:
                    Type: String
                Globals:
                  Function:
                    Runtime: python3.12
                    FunctionUrlConfig:
                      AuthType: AWS_IAM
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                  WebFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: web.handler
                      FunctionUrlConfig:
                        AuthType: !Ref UrlAuth
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
                  FnUrl:
                    Type: AWS::Lambda::Url
                    Properties:
                      TargetFunctionArn: !GetAtt Fn.Arn
                      AuthType: AWS_IAM
                """
            ),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                    url: true
                """
            ),
            filename="serverless.yml",
            line=8,
            column=5,
            message="function `api`",
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
                    url:
                      cors:
                        allowedOrigins: ["https://shop.example.com"]
                """
            ),
            filename="serverless.yml",
            line=7,
            column=5,
            message="authorizer: aws_iam",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    FunctionUrlConfig:
                      AuthType: NONE
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                  WebFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: web.handler
                """
            ),
            filename="template.yaml",
            line=6,
            column=7,
            message="functions `ApiFunction`, `WebFunction`",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  UrlAuth:
                    Type: String
                    Default: NONE
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      FunctionUrlConfig: {AuthType: !Ref UrlAuth, InvokeMode: BUFFERED}
                """
            ),
            filename="template.yaml",
            line=12,
            column=27,
            message="`AuthType: NONE`",
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
                      Code:
                        ZipFile: "def handler(e, c): pass"
                  FnUrl:
                    Type: AWS::Lambda::Url
                    Properties:
                      AuthType: NONE
                      TargetFunctionArn: !Ref Fn
                """
            ),
            filename="template.yaml",
            line=14,
            column=7,
            message="function `Fn`",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        public = (
            (function.url_auth, function)
            for function in app.functions
            if function.url_auth is not None and _public(app, function, function.url_auth)
        )
        for setting, functions in by_place(public, setting_place):
            if app.format == "serverless":
                what = (
                    f"The function URL of {of_functions(functions)} has no IAM auth "
                    "(`AuthType: NONE`)"
                )
                how = "add `authorizer: aws_iam` under `url`"
            else:
                what = f"The function URL of {of_functions(functions)} has `AuthType: NONE`"
                how = "use `AuthType: AWS_IAM`"
            yield self.at_setting(
                setting,
                f"{what}: anyone who finds the URL can invoke it and run up the bill; {how} "
                "(with CloudFront origin access control for browsers) or verify a signature "
                "in the handler.",
            )


def _public(app: App, function: Function, setting: Setting[Any]) -> bool:
    if setting.value != "NONE":
        return False
    if app.format != "serverless":
        return True
    # The loader reads any `url:` that is not false as a URL; only `true` and a map
    # are known to create one (a `${param:...}` may resolve to false).
    url = function.node.get("url")
    return url is True or isinstance(url, YMap)
