from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import editable, insert_entries
from slint.app.model import App
from slint.app.sam_globals import ignores
from slint.diagnostics import Applicability, Diagnostic
from slint.settings import Settings

from .._support.config import (
    DEFAULT_TIMEOUT,
    appsync_functions,
    function_resource,
    integration_limit,
    key,
)
from .._support.report import at_key, fix_of

_DEFAULT_SOURCE = {
    "serverless": "the Serverless Framework's default",
    "sam": "Lambda's default",
    "cloudformation": "Lambda's default",
}
_INHERIT_FROM = {
    "serverless": "`provider.timeout`",
    "sam": "`Globals.Function.Timeout`",
    "cloudformation": "",
}


class MissingTimeout(ConfigRule):
    """
    ## What it does
    Reports a function that sets no timeout of its own and inherits none (serverless
    `provider.timeout`, SAM `Globals.Function.Timeout`), so it runs with the default:
    6 seconds with the Serverless Framework, 3 seconds with SAM and CloudFormation.

    ## Why is this bad?
    The defaults are nobody's decision. Three seconds is too short for a handler that
    calls another service on a cold start, so it times out under load; and a timeout
    that nobody chose is a timeout nobody checked against the API, queue or retry
    settings that depend on it (see SL302 and SL304). Writing it down makes the
    function's time budget explicit and reviewable.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.12
    functions:
      report:
        handler: report.handler
    ```

    ```yaml
    # template.yaml (SAM)
    Resources:
      ReportFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: report.handler
          Runtime: python3.12
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.12
      timeout: 10          # for every function...
    functions:
      report:
        handler: report.handler
        timeout: 30        # ...or per function
    ```

    ```yaml
    # template.yaml (SAM)
    Globals:
      Function:
        Timeout: 10
    ```

    ## Fix
    Safe: inserts `timeout` (serverless) or `Timeout` (SAM, CloudFormation) into the
    function, set to the `default-timeout` option (10 by default). For a function
    behind API Gateway or AppSync the value is at most the integration limit
    (`api-timeout-rest`, 29, or `api-timeout-http`, 30). The line goes after the
    function's last setting, at its indentation, with the file's line endings; a
    function written as a flow mapping (`{handler: x}`) gets no automatic fix.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html
    """

    code = "SL301"
    name = "missing-timeout"
    severity = Severity.WARNING
    fix = FixKind.SAFE

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        appsync = appsync_functions(app)
        for function in app.functions:
            if function.timeout.present:
                continue
            value = settings.default_timeout
            limit = integration_limit(function, settings, appsync)
            if limit is not None:
                value = min(value, limit.seconds)
            name = key(app, "timeout", "Timeout")
            edit = (
                insert_entries(app.text, function.node, [(name, str(value))])
                if editable(app, function.node)
                else None
            )
            default = DEFAULT_TIMEOUT.get(app.format, 3)
            inherit = _INHERIT_FROM.get(app.format, "")
            if app.format == "sam" and ignores(function_resource(function), "Timeout"):
                inherit = ""  # its `IgnoreGlobals` keeps Globals' timeout away from it
            where = f" or {inherit}" if inherit else ""
            yield at_key(
                self,
                function,
                f"Function `{function.name}` sets no timeout and inherits none, so it runs "
                f"with {_DEFAULT_SOURCE.get(app.format, 'the')} {default} s: set `{name}`"
                f"{where} to the time the work needs.",
                fix=fix_of(
                    Applicability.SAFE, f"Set `{name}: {value}` on function `{function.name}`", edit
                ),
            )

    valid = (
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: 20
                functions:
                  create:
                    handler: orders.create
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    timeout: 15
                """),
            filename="serverless.yml",
        ),
        # A value resolved at deploy time is a timeout all the same.
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: ${ssm:/orders/timeout}
                functions:
                  create:
                    handler: orders.create
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                service: orders
                custom:
                  timeouts:
                    create: 12
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    timeout: ${self:custom.timeouts.create}
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Timeout: 10
                    Runtime: python3.12
                Resources:
                  CreateOrder:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: orders.create
                """),
            filename="template.yaml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  FunctionTimeout:
                    Type: Number
                Resources:
                  CreateOrder:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: orders.create
                      Runtime: python3.12
                      Timeout: !Ref FunctionTimeout
                """),
            filename="template.yaml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Conditions:
                  IsProd: !Equals [!Ref "AWS::StackName", prod]
                Resources:
                  CreateOrder:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: orders.create
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/orders
                      Code:
                        S3Bucket: artifacts
                        S3Key: orders.zip
                      Timeout: !If [IsProd, 30, 10]
                """),
            filename="template.yaml",
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
                  create:
                    handler: orders.create
                """),
            filename="serverless.yml",
            line=6,
            column=3,
            message="Function `create` sets no timeout and inherits none",
        ),
        # Another function's timeout is no help.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    timeout: 10
                  report:
                    handler: orders.report
                    events:
                      - schedule: rate(1 hour)
                """),
            filename="serverless.yml",
            line=9,
            column=3,
            message="Serverless Framework's default 6 s",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    MemorySize: 512
                Resources:
                  CreateOrder:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: orders.create
                      CodeUri: src/
                      Events:
                        Api:
                          Type: Api
                          Properties:
                            Path: /orders
                            Method: post
                """),
            filename="template.yaml",
            line=8,
            column=3,
            message="`Globals.Function.Timeout`",
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
                      Role: !GetAtt OrdersRole.Arn
                      Code:
                        S3Bucket: artifacts
                        S3Key: orders.zip
                """),
            filename="template.yaml",
            line=3,
            column=3,
            message="Lambda's default 3 s",
        ),
    )
