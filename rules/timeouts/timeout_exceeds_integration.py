from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import editable, insert_entries, replace_scalar
from slint.app.model import App
from slint.diagnostics import Applicability, Diagnostic
from slint.settings import Settings

from .._support.config import appsync_functions, integration_limit, key, show, timeout_of, where
from .._support.report import at_key, fix_of


class TimeoutExceedsIntegration(ConfigRule):
    """
    ## What it does
    Reports a function behind API Gateway (a REST API `http` event, an HTTP API
    `httpApi` event, SAM `Api` / `HttpApi` events, a CloudFormation permission for
    `apigateway.amazonaws.com`), a WebSocket API route, or an AppSync data source
    (`AWS::AppSync::DataSource`, SAM `GraphQLApi`, the serverless-appsync-plugin's
    `AWS_LAMBDA` data sources) whose timeout is above the integration's own limit: 29
    seconds for a REST or WebSocket API (`api-timeout-rest`), 30 seconds for an HTTP API
    (`api-timeout-http`), 30 seconds for AppSync. A SAM event's `TimeoutInMillis` is
    used as its limit when set. The timeout is the function's own, the one it inherits,
    or the default (6 s serverless, 3 s SAM and CloudFormation).

    ## Why is this bad?
    The integration gives up at its limit and the client gets a 504 while the function
    keeps running, and billing, until its own timeout. Retries from the client then
    start a second run of the same work next to the first. The seconds above the limit
    buy nothing: lower the timeout to the limit, or move the long work to an
    asynchronous path (a queue, a Step Functions execution) and answer at once.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      search:
        handler: search.handler
        timeout: 60
        events:
          - http: GET /search
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    functions:
      search:
        handler: search.handler
        timeout: 29
        events:
          - http: GET /search
    ```

    ## Fix
    Safe: the function's own `timeout` / `Timeout` is lowered to the limit. A timeout
    inherited from `provider.timeout` or `Globals.Function.Timeout` is shared with
    other functions and stays as it is: the fix inserts a timeout at the limit into the
    function itself, which overrides the shared value for this function only. An
    account whose API Gateway integration timeout was raised above 29 seconds sets
    `api-timeout-rest` (or `api-timeout-http`) to its limit.

    ## References
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
    - https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-overview-js.html
    """

    code = "SL302"
    name = "timeout-exceeds-integration"
    severity = Severity.WARNING
    fix = FixKind.SAFE

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        appsync = appsync_functions(app)
        for function in app.functions:
            limit = integration_limit(function, settings, appsync)
            timeout = timeout_of(function)
            if limit is None or timeout is None or timeout.seconds <= limit.seconds:
                continue
            name = key(app, "timeout", "Timeout")
            value = str(limit.seconds)
            problem = (
                f"Function `{function.name}` is called through {limit.source}, which gives up "
                f"after {limit.seconds} s, but its {timeout.describe(app)} is longer: the "
                "client gets a 504 while the function keeps running and billing"
            )
            if timeout.origin == "own":
                edit = (
                    replace_scalar(app.text, timeout.setting, value)
                    if editable(app, timeout.setting.owner)
                    else None
                )
                yield self.at_setting(
                    timeout.setting,
                    f"{problem}; lower `{name}` to {value} or less.",
                    fix=fix_of(Applicability.SAFE, f"Lower `{name}` to {value}", edit),
                )
            else:
                edit = (
                    insert_entries(app.text, function.node, [(name, value)])
                    if editable(app, function.node)
                    else None
                )
                yield at_key(
                    self,
                    function,
                    f"{problem}; set `{name}: {value}` on the function (the shared "
                    f"{show(timeout.seconds)} s at {where(timeout.setting)} also applies "
                    "to other functions).",
                    fix=fix_of(
                        Applicability.SAFE,
                        f"Set `{name}: {value}` on function `{function.name}`",
                        edit,
                    ),
                )

    valid = (
        Valid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  search:
                    handler: search.handler
                    timeout: 29
                    events:
                      - http: GET /search
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: 60
                functions:
                  reindex:
                    handler: search.reindex
                    events:
                      - schedule: rate(1 hour)
                  search:
                    handler: search.handler
                    timeout: 30
                    events:
                      - httpApi: GET /search
                """),
            filename="serverless.yml",
        ),
        # The default timeouts are below every limit.
        Valid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  search:
                    handler: search.handler
                    events:
                      - http:
                          path: search
                          method: get
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  search:
                    handler: search.handler
                    timeout: ${ssm:/search/timeout}
                    events:
                      - http: GET /search
                """),
            filename="serverless.yml",
        ),
        # An account with a raised integration timeout says so in the options.
        Valid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  search:
                    handler: search.handler
                    timeout: 60
                    events:
                      - http: GET /search
                """),
            filename="serverless.yml",
            options={"api-timeout-rest": 60},
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  SearchTimeout:
                    Type: Number
                Globals:
                  Function:
                    Runtime: python3.12
                    Timeout: !Ref SearchTimeout
                Resources:
                  SearchFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: search.handler
                      Events:
                        Search:
                          Type: HttpApi
                          Properties:
                            Path: /search
                            Method: get
                """),
            filename="template.yaml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Timeout: 300
                Resources:
                  SearchFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: search.handler
                      Timeout: 25
                      Events:
                        Search:
                          Type: Api
                          Properties:
                            Path: /search
                            Method: get
                  IndexFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: search.index
                      Events:
                        Queue:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt IndexQueue.Arn
                  IndexQueue:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: 1800
                """),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  search:
                    handler: search.handler
                    timeout: 60
                    events:
                      - http: GET /search
                """),
            filename="serverless.yml",
            line=8,
            column=5,
            message="API Gateway REST API, which gives up after 29 s",
        ),
        Invalid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: 120
                functions:
                  search:
                    handler: search.handler
                    events:
                      - httpApi:
                          method: GET
                          path: /search
                """),
            filename="serverless.yml",
            line=7,
            column=3,
            message="set `timeout: 30` on the function",
        ),
        Invalid(
            dedent("""\
                service: chat
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  message:
                    handler: chat.message
                    timeout: 60
                    events:
                      - websocket:
                          route: sendMessage
                """),
            filename="serverless.yml",
            line=8,
            column=5,
            message="API Gateway WebSocket API, which gives up after 29 s",
        ),
        Invalid(
            dedent("""\
                service: search
                provider:
                  name: aws
                  runtime: python3.12
                plugins:
                  - serverless-appsync-plugin
                appSync:
                  name: search
                  dataSources:
                    search:
                      type: AWS_LAMBDA
                      config:
                        functionName: resolve
                functions:
                  resolve:
                    handler: search.resolve
                    timeout: 45
                """),
            filename="serverless.yml",
            line=17,
            column=5,
            message="AppSync",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Timeout: 60
                Resources:
                  SearchFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: search.handler
                      Events:
                        Search:
                          Type: Api
                          Properties:
                            RestApiId: !Ref SearchApi
                            Path: /search
                            Method: get
                  SearchApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                """),
            filename="template.yaml",
            line=8,
            column=3,
            message="inherited from template.yaml:6",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  SearchFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: search.handler
                      Runtime: python3.12
                      Timeout: 20
                      Events:
                        Search:
                          Type: HttpApi
                          Properties:
                            Path: /search
                            Method: get
                            TimeoutInMillis: 10000
                """),
            filename="template.yaml",
            line=9,
            column=7,
            message="TimeoutInMillis 10000",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  SearchFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: search.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/search
                      Code:
                        S3Bucket: artifacts
                        S3Key: search.zip
                      Timeout: 45
                  SearchPermission:
                    Type: AWS::Lambda::Permission
                    Properties:
                      Action: lambda:InvokeFunction
                      FunctionName: !GetAtt SearchFunction.Arn
                      Principal: apigateway.amazonaws.com
                  SearchApi:
                    Type: AWS::ApiGateway::RestApi
                    Properties:
                      Name: search
                """),
            filename="template.yaml",
            line=12,
            column=7,
            message="lower `Timeout` to 29",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  ResolveFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: search.resolve
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/search
                      Code:
                        S3Bucket: artifacts
                        S3Key: search.zip
                      Timeout: 31
                  SearchSource:
                    Type: AWS::AppSync::DataSource
                    Properties:
                      ApiId: abcdef
                      Name: search
                      Type: AWS_LAMBDA
                      LambdaConfig:
                        LambdaFunctionArn: !GetAtt ResolveFunction.Arn
                """),
            filename="template.yaml",
            line=12,
            column=7,
            message="AppSync, which gives up after 30 s",
        ),
        Invalid(
            dedent("""\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  FunctionTimeout:
                    Type: Number
                    Default: 60
                Resources:
                  SearchFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Timeout: !Ref FunctionTimeout
                      Events:
                        Search:
                          Type: Api
                          Properties:
                            Path: /search
                            Method: get
                """),
            filename="template.yaml",
            line=12,
            column=7,
            message=(
                "but its timeout 60 s (the default of parameter `FunctionTimeout`"
                ", which a deployment can override) is longer"
            ),
        ),
    )
