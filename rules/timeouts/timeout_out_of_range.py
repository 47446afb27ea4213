from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, Invalid, Severity, Valid
from slint.app.model import App, Setting
from slint.diagnostics import Diagnostic, Location
from slint.settings import Settings

from .._support.config import number, show
from .._support.report import deploy_note

# Lambda's limits: timeout in seconds, memory in MB.
TIMEOUT_RANGE = (1, 900)
MEMORY_RANGE = (128, 10240)
_SHARED = {"serverless": "provider.", "sam": "Globals.Function."}


class TimeoutOutOfRange(ConfigRule):
    """
    ## What it does
    Reports a function timeout below 1 or above 900 seconds, and a memory size below
    128 or above 10240 MB: the limits AWS Lambda accepts. A value inherited from
    `provider` or `Globals` is reported once, where it is written.

    ## Why is this bad?
    The deployment fails: CloudFormation rejects the function and rolls the whole
    stack back, after the time it took to get there. Catching it before the deploy
    costs nothing.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.12
      memorySize: 64
    functions:
      export:
        handler: export.handler
        timeout: 3600
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.12
      memorySize: 128
    functions:
      export:
        handler: export.handler
        timeout: 900   # longer work belongs in Step Functions, ECS or Batch
    ```

    ## Fix
    There is no automatic fix: which value is right (a shorter timeout, or moving
    work that needs more than 15 minutes out of Lambda) is a design decision.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    - https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
    """

    code = "SL303"
    name = "timeout-out-of-range"
    severity = Severity.ERROR

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        seen: set[tuple[str, Location]] = set()
        for function in app.functions:
            checks: list[tuple[Setting[Any], tuple[int, int], str, str]] = [
                (function.timeout, TIMEOUT_RANGE, "timeout", "seconds"),
                (function.memory, MEMORY_RANGE, "memory size", "MB"),
            ]
            for setting, (low, high), what, unit in checks:
                value = number(setting.value)
                if value is None or low <= value <= high or setting.key is None:
                    continue
                place = (setting.file, setting.at)
                if place in seen:
                    continue
                seen.add(place)
                owner = (
                    f"function `{function.name}`"
                    if setting.owner is function.node
                    else f"`{_SHARED.get(app.format, '')}{setting.key}` (inherited by function "
                    f"`{function.name}`)"
                )
                side = "below the minimum" if value < low else "above the maximum"
                note = deploy_note(setting.value)
                outcome = (
                    "a deployment that keeps this default fails"
                    if note
                    else "the deployment will fail"
                )
                yield self.at_setting(
                    setting,
                    f"The {what} of {owner} is {show(value)} {unit}{note}, {side} AWS "
                    f"Lambda accepts ({low}..{high} {unit}): {outcome}.",
                )

    valid = (
        Valid(
            dedent("""\
                service: export
                provider:
                  name: aws
                  runtime: python3.12
                  memorySize: 128
                  timeout: 1
                functions:
                  export:
                    handler: export.handler
                    timeout: 900
                    memorySize: 10240
                """),
            filename="serverless.yml",
        ),
        # Overridden by every function: the provider value is never deployed.
        Valid(
            dedent("""\
                service: export
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: 1000
                functions:
                  export:
                    handler: export.handler
                    timeout: 900
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                service: export
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  export:
                    handler: export.handler
                    timeout: ${ssm:/export/timeout}
                    memorySize: ${param:memory}
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Memory:
                    Type: Number
                Conditions:
                  IsProd: !Equals [!Ref "AWS::StackName", prod]
                Globals:
                  Function:
                    Runtime: python3.12
                    MemorySize: !Ref Memory
                Resources:
                  ExportFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: export.handler
                      Timeout: !If [IsProd, 900, 60]
                """),
            filename="template.yaml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  ExportFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: export.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/export
                      Code:
                        S3Bucket: artifacts
                        S3Key: export.zip
                      Timeout: "900"
                      MemorySize: 3008
                """),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                service: export
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  export:
                    handler: export.handler
                    timeout: 3600
                """),
            filename="serverless.yml",
            line=8,
            column=5,
            message="timeout of function `export` is 3600 seconds, above the maximum",
        ),
        Invalid(
            dedent("""\
                service: export
                provider:
                  name: aws
                  runtime: python3.12
                  memorySize: 64
                functions:
                  export:
                    handler: export.handler
                  report:
                    handler: export.report
                """),
            filename="serverless.yml",
            line=5,
            column=3,
            message="`provider.memorySize` (inherited by function `export`) is 64 MB",
        ),
        Invalid(
            dedent("""\
                service: export
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  ping:
                    handler: export.ping
                    timeout: 0
                """),
            filename="serverless.yml",
            line=8,
            column=5,
            message="below the minimum",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Timeout:
                    Type: Number
                    Default: 1200
                Globals:
                  Function:
                    Runtime: python3.12
                    Timeout: !Ref Timeout
                Resources:
                  ExportFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: export.handler
                """),
            filename="template.yaml",
            line=10,
            column=5,
            message=(
                "1200 seconds (the default of parameter `Timeout`, which a deployment can "
                "override), above the maximum AWS Lambda accepts (1..900 seconds): a "
                "deployment that keeps this default fails."
            ),
        ),
        # A serverless fallback that the command line can override.
        Invalid(
            dedent("""\
                service: export
                provider:
                  name: aws
                  runtime: python3.12
                  memorySize: ${opt:memory, 64}
                functions:
                  export:
                    handler: export.handler
                """),
            filename="serverless.yml",
            line=5,
            column=3,
            message="is 64 MB (the fallback of `${opt:memory}`, which a deployment can override)",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Parameters:
                  Memory:
                    Type: Number
                    Default: "20480"
                Resources:
                  ExportFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: export.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/export
                      Code:
                        S3Bucket: artifacts
                        S3Key: export.zip
                      MemorySize: !Ref Memory
                """),
            filename="template.yaml",
            line=16,
            column=7,
            message="20480 MB (the default of parameter `Memory`, which a deployment can override)",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  ExportFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: export.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/export
                      Code:
                        S3Bucket: artifacts
                        S3Key: export.zip
                      MemorySize: 20480
                """),
            filename="template.yaml",
            line=12,
            column=7,
            message="20480 MB, above the maximum AWS Lambda accepts (128..10240 MB): the "
            "deployment will fail.",
        ),
    )
