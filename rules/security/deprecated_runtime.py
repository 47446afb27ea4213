from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, timedelta
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import line_text, replace_scalar
from slint.app.model import App, Setting
from slint.diagnostics import Applicability, Diagnostic, Fix
from slint.settings import Settings

from .._support.report import by_place, deploy_note, fix_of, of_functions, setting_place
from .._support.runtimes import Runtime, runtime_table

# `runtime_table` is imported from here by tests and plugins: the table now lives in
# rules/_support/runtimes.py, shared with SL108's SnapStart facts.
__all__ = ["DeprecatedRuntime", "reference_date", "runtime_table"]

TODAY_VARIABLE = "SLINT_TODAY"
WARNING_DAYS = 180


def reference_date() -> date:
    """Today, or the ISO date in SLINT_TODAY (reproducible runs and tests)."""
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return date.today()


class DeprecatedRuntime(ConfigRule):
    """
    ## What it does
    Reports a function runtime that AWS Lambda has deprecated (error) or deprecates
    within 180 days (warning), from the dated table shipped in slint's data
    (`slint/data/runtimes.json`, copied from AWS's "Lambda runtimes" page; the file
    records the source and the date it was read). The runtime is read from serverless
    `provider.runtime` and function `runtime`, SAM `Runtime` on the function or in
    `Globals.Function`, and CloudFormation `Runtime`. The finding sits on the `runtime`
    key; a runtime set once for many functions (provider, Globals) is reported once.

    The reference date is today, or the ISO date in the environment variable
    `SLINT_TODAY` (for reproducible runs and tests). Runtimes the table does not know
    (a newer one, a typo: SL003's business), container images and values slint cannot
    know (`${param:runtime}`, `!Ref Runtime` without a default) are not reported.

    ## Why is this bad?
    A deprecated runtime gets no more security patches, and functions using it lose
    technical support. Some weeks later AWS blocks creating functions with it, and
    then updating them: the next deployment of a fix fails, usually on the day it is
    urgent. Migrating across a major language version takes testing, so the warning
    comes six months ahead.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.8
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.14
    ```

    ## Fix
    Unsafe: replaces the runtime with the newest supported runtime of the same language
    family (`python3.14`, `nodejs24.x`, `java25`, `dotnet10`, `ruby4.0`,
    `provided.al2023`), keeping the value's quotes. A new major version can break the
    code or its dependencies (native wheels are built for one Python version), so run
    the tests before deploying. `go1.x` has no automatic fix: move to `provided.al2023`
    with a `bootstrap` binary.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
    - https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html
    - https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated
    """

    code = "SL603"
    name = "deprecated-runtime"
    severity = Severity.ERROR
    fix = FixKind.UNSAFE

    # The valid examples use runtimes that AWS supports until mid-2029 (python3.14,
    # java25): the example tests run at today's date (no SLINT_TODAY), so from
    # 2029-01-01 on, when these enter the 180-day window, move them to newer runtimes.
    valid = (
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.14
                functions:
                  api:
                    handler: app.handler
                  web:
                    handler: web.handler
                    runtime: ${param:webRuntime}
                  image:
                    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Runtime:
                    Type: String
                Globals:
                  Function:
                    Runtime: !Ref Runtime
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                  JavaFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: com.shop.Handler::handleRequest
                      Runtime: java25
                  ImageFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      PackageType: Image
                      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
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
                  runtime: python3.8
                functions:
                  api:
                    handler: app.handler
                  worker:
                    handler: worker.handler
                """
            ),
            filename="serverless.yml",
            line=4,
            column=3,
            message="`python3.8` of functions `api`, `worker` was deprecated by AWS on 2024-10-14",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.14
                functions:
                  legacy:
                    handler: index.handler
                    runtime: "nodejs14.x"
                """
            ),
            filename="serverless.yml",
            line=8,
            column=5,
            message="nodejs24.x",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Runtime:
                    Type: String
                    Default: python3.7
                Globals:
                  Function:
                    Runtime: !Ref Runtime
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                """
            ),
            filename="template.yaml",
            line=9,
            column=5,
            message="`python3.7`",
        ),
        Invalid(
            dedent(
                """\
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: main
                      Runtime: go1.x
                      Role: !GetAtt Role.Arn
                      Code:
                        S3Bucket: !Ref Bucket
                        S3Key: fn.zip
                """
            ),
            filename="template.yaml",
            line=6,
            column=7,
            message="provided.al2023",
        ),
        Invalid(
            dedent("""\
                service: shop
                provider:
                  name: aws
                  runtime: ${env:RUNTIME, 'python3.8'}
                functions:
                  api:
                    handler: app.handler
                """),
            filename="serverless.yml",
            line=4,
            column=3,
            message=(
                "Runtime `python3.8` (the fallback of `${env:RUNTIME}`"
                ", which a deployment can override) of function `api` was deprecated"
            ),
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Parameters:
                  Runtime:
                    Type: String
                    Default: python3.8
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: !Ref Runtime
                      Role: arn:aws:iam::123456789012:role/app
                      Code:
                        S3Bucket: artifacts
                        S3Key: app.zip
                """),
            filename="template.yaml",
            line=11,
            column=7,
            message=(
                "Runtime `python3.8` (the default of parameter `Runtime`"
                ", which a deployment can override) of function `Fn` was deprecated"
            ),
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        table = runtime_table()
        today = reference_date()
        zipped = (
            (function.runtime, function)
            for function in app.functions
            if function.package_type != "Image" and isinstance(function.runtime.value, str)
        )
        for setting, functions in by_place(zipped, setting_place):
            runtime = table.runtimes.get(str(setting.value).strip())
            if runtime is None or runtime.deprecation is None:
                continue
            if runtime.deprecation <= today:
                severity = Severity.ERROR
                when = (
                    f"was deprecated by AWS on {runtime.deprecation.isoformat()}: "
                    "it gets no security patches"
                )
                if runtime.block_update is not None:
                    verb = "is" if runtime.block_update <= today else "will be"
                    when += (
                        f", and updating functions that use it {verb} blocked from "
                        f"{runtime.block_update.isoformat()}"
                    )
            elif runtime.deprecation <= today + timedelta(days=WARNING_DAYS):
                severity = Severity.WARNING
                when = (
                    f"will be deprecated by AWS on {runtime.deprecation.isoformat()}: "
                    "then it gets no security patches, and deployments start to fail"
                )
            else:
                continue
            successor = table.newest.get(runtime.family)
            if runtime.family == "go":
                advice = "move to `provided.al2023` with a `bootstrap` binary"
            elif successor is not None and successor != runtime.identifier:
                advice = f"migrate to `{successor}`"
            else:
                advice = "migrate to a supported runtime"
            yield self.at_setting(
                setting,
                f"Runtime `{runtime.identifier}`{deploy_note(setting.value)} of "
                f"{of_functions(functions)} {when}; {advice}.",
                fix=self._fix(app, setting, runtime, successor),
                severity=severity,
            )

    def _fix(
        self, app: App, setting: Setting[Any], runtime: Runtime, successor: str | None
    ) -> Fix | None:
        if successor is None or successor == runtime.identifier or runtime.family == "go":
            return None
        if setting.file != app.file or setting.span is None:
            return None
        # Only the identifier itself, maybe quoted (not an intrinsic, an alias, a variable).
        raw = line_text(app.text, setting.span) or ""
        if raw.strip(raw[0] if raw[:1] in ("'", '"') else "") != runtime.identifier:
            return None
        return fix_of(
            Applicability.UNSAFE,
            f"Replace `{runtime.identifier}` with `{successor}` (test the code on it first)",
            replace_scalar(app.text, setting, successor),
        )
