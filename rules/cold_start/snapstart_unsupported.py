from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.model import App, Function, Setting
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.config import key, show, where
from .._support.report import deploy_note
from .._support.runtimes import (
    ephemeral_storage,
    file_systems,
    provisioned_concurrency,
    provisioned_versions,
    runtime_of,
    runtime_table,
    snapstart_setting,
    versions_and_aliases,
)

# With SnapStart, Lambda allows at most the default 512 MB of /tmp.
SNAPSTART_MAX_EPHEMERAL_MB = 512


class SnapstartUnsupported(ConfigRule):
    """
    ## What it does
    Reports SnapStart turned on (SAM and CloudFormation
    `SnapStart: {ApplyOn: PublishedVersions}`, serverless `snapStart: true`) for a
    function Lambda refuses it for:
    - a runtime without SnapStart: Node.js, Ruby, the OS-only `provided*` runtimes,
      Python before 3.12, Java 8, .NET before 8 (Java 11+, Python 3.12+ and .NET 8+
      have it; the list lives in `slint/data/runtimes.json` with SL603's dates);
    - a container image (SAM/CFN `PackageType: Image`, serverless `image`);
    - provisioned concurrency on the same function (SAM `ProvisionedConcurrencyConfig`,
      serverless `provisionedConcurrency`, CloudFormation `ProvisionedConcurrencyConfig`
      on an `AWS::Lambda::Version` or `AWS::Lambda::Alias` of it);
    - an EFS file system (`FileSystemConfigs`, serverless `fileSystemConfig`);
    - ephemeral storage above 512 MB (`EphemeralStorage.Size`, serverless
      `ephemeralStorageSize`).

    One finding per function, on the `SnapStart` key as written: a SAM
    `Globals.Function.SnapStart` that several functions inherit is reported once for
    each function it breaks, each message naming its function (a function whose
    `IgnoreGlobals` excludes `SnapStart` does not inherit it). Values slint cannot know
    (`ApplyOn: !Ref Param` without a default, `${param:...}`, a runtime outside the
    table) are not reported.

    ## Why is this bad?
    Lambda rejects the function configuration (or the version publication) and the
    deployment fails, usually after the rest of the stack has been built and has to be
    rolled back. The combinations are documented limits of SnapStart, not warnings.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: nodejs20.x
    functions:
      api:
        handler: index.handler
        snapStart: true
    ```

    ```yaml
    # template.yaml (SAM)
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        AutoPublishAlias: live
        SnapStart:
          ApplyOn: PublishedVersions
        ProvisionedConcurrencyConfig:
          ProvisionedConcurrentExecutions: 5
    ```

    ## Use instead
    ```yaml
    # template.yaml (SAM): SnapStart or provisioned concurrency, not both
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        AutoPublishAlias: live
        SnapStart:
          ApplyOn: PublishedVersions
    ```

    ## Fix
    None automatic: which of the two settings to give up is a choice. Move a Python
    function to `python3.12` or later (a .NET one to `dotnet8` or later, Java to
    `java11` or later), deploy it as a .zip package, or keep provisioned concurrency,
    EFS or the larger `/tmp` and turn SnapStart off.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html (supported runtimes;
      no provisioned concurrency, Amazon EFS, ephemeral storage above 512 MB, or
      container images)
    - https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-snapstart.html
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-snapstart
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions
    """

    code = "SL108"
    name = "snapstart-unsupported"
    severity = Severity.ERROR
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
                    snapStart: true
                    ephemeralStorageSize: 512
                  warm:
                    handler: warm.handler
                    runtime: nodejs20.x
                    provisionedConcurrency: 2
                  batch:
                    handler: batch.handler
                    runtime: python3.11
                    snapStart: false
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  SnapStartMode:
                    Type: String
                Globals:
                  Function:
                    Runtime: python3.13
                    SnapStart:
                      ApplyOn: PublishedVersions
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      AutoPublishAlias: live
                      EphemeralStorage:
                        Size: 512
                  NodeFunction:
                    Type: AWS::Serverless::Function
                    IgnoreGlobals: [SnapStart]
                    Properties:
                      Handler: index.handler
                      Runtime: nodejs20.x
                  LegacyFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: legacy.handler
                      Runtime: python3.11
                      SnapStart:
                        ApplyOn: None
                  ParamFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: param.handler
                      Runtime: python3.9
                      SnapStart:
                        ApplyOn: !Ref SnapStartMode
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
                      Handler: com.shop.Handler::handleRequest
                      Runtime: java21
                      Role: !GetAtt Role.Arn
                      Code: {S3Bucket: !Ref Bucket, S3Key: fn.zip}
                      SnapStart: {ApplyOn: PublishedVersions}
                  FnVersion:
                    Type: AWS::Lambda::Version
                    Properties:
                      FunctionName: !Ref Fn
                  FnAlias:
                    Type: AWS::Lambda::Alias
                    Properties:
                      FunctionName: !Ref Fn
                      FunctionVersion: !GetAtt FnVersion.Version
                      Name: live
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
                  runtime: nodejs20.x
                functions:
                  api:
                    handler: index.handler
                    snapStart: true
                """
            ),
            filename="serverless.yml",
            line=8,
            column=5,
            message="runtime `nodejs20.x` has no SnapStart",
        ),
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
                    snapStart: true
                    provisionedConcurrency: 2
                """
            ),
            filename="serverless.yml",
            line=8,
            column=5,
            message="provisioned concurrency",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.11
                    SnapStart:
                      ApplyOn: PublishedVersions
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      AutoPublishAlias: live
                """
            ),
            filename="template.yaml",
            line=5,
            column=5,
            message="function `ApiFunction`",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ImageFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      PackageType: Image
                      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
                      AutoPublishAlias: live
                      SnapStart:
                        ApplyOn: PublishedVersions
                """
            ),
            filename="template.yaml",
            line=9,
            column=7,
            message="container image",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ReportFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: report.handler
                      Runtime: python3.12
                      AutoPublishAlias: live
                      SnapStart:
                        ApplyOn: PublishedVersions
                      EphemeralStorage:
                        Size: 2048
                """
            ),
            filename="template.yaml",
            line=9,
            column=7,
            message="ephemeral storage of 2048 MB",
        ),
        Invalid(
            dedent(
                """\
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: com.shop.Handler::handleRequest
                      Runtime: java21
                      Role: !GetAtt Role.Arn
                      Code: {S3Bucket: !Ref Bucket, S3Key: fn.zip}
                      SnapStart:
                        ApplyOn: PublishedVersions
                  FnVersion:
                    Type: AWS::Lambda::Version
                    Properties:
                      FunctionName: !Ref Fn
                  FnAlias:
                    Type: AWS::Lambda::Alias
                    Properties:
                      FunctionName: !Ref Fn
                      FunctionVersion: !GetAtt FnVersion.Version
                      Name: live
                      ProvisionedConcurrencyConfig:
                        ProvisionedConcurrentExecutions: 5
                """
            ),
            filename="template.yaml",
            line=9,
            column=7,
            message="provisioned concurrency",
        ),
        Invalid(
            dedent(
                """\
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.13
                      Role: !GetAtt Role.Arn
                      Code: {S3Bucket: !Ref Bucket, S3Key: fn.zip}
                      FileSystemConfigs:
                        - Arn: !GetAtt AccessPoint.Arn
                          LocalMountPath: /mnt/data
                      SnapStart: {ApplyOn: PublishedVersions}
                """
            ),
            filename="template.yaml",
            line=12,
            column=7,
            message="EFS file system",
        ),
        Invalid(
            dedent("""\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Runtime:
                    Type: String
                    Default: python3.11
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: !Ref Runtime
                      AutoPublishAlias: live
                      SnapStart:
                        ApplyOn: PublishedVersions
                """),
            filename="template.yaml",
            line=13,
            column=7,
            message=(
                "its runtime `python3.11` (the default of parameter `Runtime`"
                ", which a deployment can override) has no SnapStart"
            ),
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        for function in app.functions:
            snapstart = snapstart_setting(function)
            if snapstart is None:
                continue
            problems = _problems(app, function)
            if not problems:
                continue
            origin = (
                " (inherited from `Globals.Function`)"
                if snapstart.owner is not function.node
                else ""
            )
            yield self.at_setting(
                snapstart,
                f"Lambda refuses SnapStart for function `{function.name}`{origin} and the "
                "deployment fails: " + "; ".join(problems) + ".",
            )


def _problems(app: App, function: Function) -> list[str]:
    """What makes Lambda refuse SnapStart on `function`, each with what to do about it."""
    problems: list[str] = []
    if function.package_type == "Image":
        image = key(app, "`image`", "`PackageType: Image`")
        problems.append(
            f"it is a container image ({image}), and SnapStart works only for .zip "
            "packages on managed runtimes: deploy a .zip package or turn SnapStart off"
        )
    else:
        runtime = runtime_of(function)
        if runtime is not None and not runtime.snapstart:
            table = runtime_table()
            floor = table.snapstart_floor().get(runtime.family)
            advice = (
                f"move to `{floor.identifier}` or later"
                if floor is not None
                else "turn SnapStart off (provisioned concurrency works with every runtime)"
            )
            problems.append(
                f"its runtime `{runtime.identifier}`{deploy_note(function.runtime.value)} "
                "has no SnapStart (only "
                f"{table.snapstart_summary()} have it): {advice}"
            )
    concurrency: list[Setting[Any]] = []
    own = provisioned_concurrency(function)
    if own is not None:
        concurrency.append(own)
    if app.format != "serverless":
        concurrency.extend(provisioned_versions(app, versions_and_aliases(app, function)))
    if concurrency:
        shown = ", ".join(where(setting) for setting in concurrency)
        problems.append(
            f"it also has provisioned concurrency ({shown}), which SnapStart cannot be "
            "combined with: keep one of the two"
        )
    efs = file_systems(function)
    if efs is not None:
        problems.append(
            f"it mounts an EFS file system ({where(efs)}), which SnapStart does not "
            "support: turn SnapStart off or drop the file system"
        )
    storage = ephemeral_storage(function)
    if storage is not None and storage[1] > SNAPSTART_MAX_EPHEMERAL_MB:
        setting, size = storage
        problems.append(
            f"it has an ephemeral storage of {show(size)} MB ({where(setting)}), above the "
            f"{SNAPSTART_MAX_EPHEMERAL_MB} MB SnapStart allows: lower it to "
            f"{SNAPSTART_MAX_EPHEMERAL_MB} or turn SnapStart off"
        )
    return problems
