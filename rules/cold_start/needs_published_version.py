from __future__ import annotations

from collections.abc import Iterable
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.model import App, Function, Setting
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.runtimes import (
    Published,
    function_setting,
    referenced_ids,
    snapstart_setting,
    versions_and_aliases,
)

_GLOBALS = " (inherited from `Globals.Function`)"


class NeedsPublishedVersion(ConfigRule):
    """
    ## What it does
    Reports a setting that only works on a published version of a function when
    nothing publishes one:
    - error: a SAM function with `ProvisionedConcurrencyConfig` and no
      `AutoPublishAlias` (on the function or in `Globals.Function`). SAM puts provisioned
      concurrency on the alias that `AutoPublishAlias` creates, and refuses the
      template without one;
    - warning: a SAM or CloudFormation function with SnapStart on
      (`SnapStart: {ApplyOn: PublishedVersions}`) that is invoked only as `$LATEST`:
      SAM without `AutoPublishAlias`; CloudFormation without an `AWS::Lambda::Version`
      (or an `AWS::Lambda::Alias` of one) of the function that anything in the template
      uses (an event source mapping, an API integration, a permission, an output).

    One finding per function, on the `ProvisionedConcurrencyConfig` or `SnapStart` key
    as written: a setting in `Globals.Function` that several functions inherit is
    reported once for each of them, each message naming its function. Serverless
    Framework functions are not checked: the framework publishes versions and the
    aliases of `provisionedConcurrency` itself.

    ## Why is this bad?
    The first is a failed deployment: `sam deploy` stops at the transform. The second
    costs without helping: Lambda takes the snapshot when a version is published and
    restores from it only for invocations of that version or an alias pointing at it.
    Event sources, APIs and permissions that name the function's unqualified ARN
    invoke `$LATEST`, whose environments start cold every time, and a Python or .NET
    snapshot that nothing invokes is still billed for its cache.

    ## Example
    ```yaml
    # template.yaml (SAM)
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Handler: app.handler
        SnapStart:
          ApplyOn: PublishedVersions
        ProvisionedConcurrencyConfig:    # on another function: SAM refuses it too
          ProvisionedConcurrentExecutions: 5
    ```

    ## Use instead
    ```yaml
    # template.yaml (SAM)
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Handler: app.handler
        AutoPublishAlias: live   # publishes a version on every change; events use the alias
        SnapStart:
          ApplyOn: PublishedVersions
    ```

    ```yaml
    # CloudFormation: publish a version, and point the callers at an alias of it
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
    Mapping:
      Type: AWS::Lambda::EventSourceMapping
      Properties:
        FunctionName: !Ref FnAlias
        EventSourceArn: !GetAtt Queue.Arn
    ```

    ## Fix
    None automatic: an alias changes what every caller invokes. With SAM, add
    `AutoPublishAlias: live` (SAM then routes the function's events through the alias).
    With CloudFormation, add an `AWS::Lambda::Version` and an `AWS::Lambda::Alias` and
    make the event sources, integrations and permissions use the alias. If callers
    outside the template invoke a qualified ARN, suppress the warning with a comment
    that says so.

    ## References
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-provisionedconcurrencyconfig
      (`ProvisionedConcurrencyConfig` needs `AutoPublishAlias`; the SAM translator
      fails with "To set ProvisionedConcurrencyConfig AutoPublishALias must be defined
      on the function")
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-autopublishalias
    - https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html (SnapStart works only
      on published versions and aliases that point to them, not on `$LATEST`)
    - https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-version.html
    """

    code = "SL109"
    name = "needs-published-version"
    severity = Severity.ERROR
    fix = FixKind.NONE

    valid = (
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    AutoPublishAlias: live
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      SnapStart:
                        ApplyOn: PublishedVersions
                  WarmFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: warm.handler
                      ProvisionedConcurrencyConfig:
                        ProvisionedConcurrentExecutions: 2
                  BatchFunction:
                    Type: AWS::Serverless::Function
                    IgnoreGlobals: [AutoPublishAlias]
                    Properties:
                      Handler: batch.handler
                      SnapStart:
                        ApplyOn: None
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
                      Runtime: python3.13
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
                  Mapping:
                    Type: AWS::Lambda::EventSourceMapping
                    Properties:
                      FunctionName: !Ref FnAlias
                      EventSourceArn: !GetAtt Queue.Arn
                """
            ),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  WarmFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: warm.handler
                      Runtime: python3.12
                      ProvisionedConcurrencyConfig:
                        ProvisionedConcurrentExecutions: 5
                """
            ),
            filename="template.yaml",
            line=8,
            column=7,
            message="without `AutoPublishAlias`",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    SnapStart:
                      ApplyOn: PublishedVersions
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                  LiveFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: live.handler
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
                  Mapping:
                    Type: AWS::Lambda::EventSourceMapping
                    Properties:
                      FunctionName: !GetAtt Fn.Arn
                      EventSourceArn: !GetAtt Queue.Arn
                """
            ),
            filename="template.yaml",
            line=9,
            column=7,
            message="`FnVersion`",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        if app.format not in ("sam", "cloudformation"):
            return
        references: _References | None = None
        for function in app.functions:
            if app.format == "sam" and _is_sam_function(app, function):
                diagnostic = self._provisioned_without_alias(function)
                if diagnostic is not None:
                    yield diagnostic
            snapstart = snapstart_setting(function)
            if snapstart is None or _auto_publishes(app, function):
                continue
            published = versions_and_aliases(app, function)
            if references is None:
                references = _References(app)
            if references.used(published):
                continue
            yield self.at_setting(
                snapstart,
                _unpublished_message(app, function, snapstart, published),
                severity=Severity.WARNING,
            )

    def _provisioned_without_alias(self, function: Function) -> Diagnostic | None:
        setting = function_setting(function, "ProvisionedConcurrencyConfig")
        if not setting.present or _no_value(setting.value):
            return None
        if function_setting(function, "AutoPublishAlias").present:
            return None
        origin = _GLOBALS if setting.owner is not function.node else ""
        return self.at_setting(
            setting,
            f"Function `{function.name}` sets `ProvisionedConcurrencyConfig`{origin} without "
            "`AutoPublishAlias`: SAM puts provisioned concurrency on the alias that "
            "`AutoPublishAlias` creates and refuses the template without one; add "
            "`AutoPublishAlias: live`.",
        )


def _is_sam_function(app: App, function: Function) -> bool:
    resource = app.resources.get(function.name)
    return isinstance(resource, YMap) and resource.get("Type") == "AWS::Serverless::Function"


def _auto_publishes(app: App, function: Function) -> bool:
    """SAM's `AutoPublishAlias` publishes a version and routes the events through an
    alias of it."""
    return _is_sam_function(app, function) and not _no_value(
        function_setting(function, "AutoPublishAlias").value
    )


def _no_value(value: Any) -> bool:
    return value is None or (isinstance(value, dict) and value.get("Ref") == "AWS::NoValue")


def _unpublished_message(
    app: App, function: Function, snapstart: Setting[Any], published: Published
) -> str:
    origin = _GLOBALS if snapstart.owner is not function.node else ""
    lead = f"SnapStart is on for function `{function.name}`{origin}"
    if published.ids:
        shown = ", ".join(f"`{logical}`" for logical in published.ids)
        return (
            f"{lead} and {shown} publishes a version of it, but nothing in the template "
            "invokes that version (event sources, APIs and permissions name the function "
            "itself, `$LATEST`): `$LATEST` never restores from the snapshot, so SnapStart "
            "only adds publishing time (and, for Python and .NET, snapshot cost); point "
            "the callers at an `AWS::Lambda::Alias` of the version, or suppress this if "
            "callers outside the template invoke it."
        )
    if _is_sam_function(app, function):
        what = "no `AutoPublishAlias`, so SAM publishes no version of it"
        how = "add `AutoPublishAlias: live` (SAM then routes its events through the alias)"
    else:
        what = "no `AWS::Lambda::Version` of it in the template"
        how = (
            "publish an `AWS::Lambda::Version`, add an `AWS::Lambda::Alias` of it and point "
            "the event sources, integrations and permissions at the alias"
        )
    return (
        f"{lead} with {what}: Lambda snapshots only published versions and invocations of "
        f"`$LATEST` always start cold, so SnapStart does nothing; {how}, or suppress this "
        "if versions are published and invoked outside the template."
    )


class _References:
    """Which resources (or `Outputs`) of the template refer to each logical id, read
    once per template."""

    def __init__(self, app: App) -> None:
        self._by_target: dict[str, set[str]] = {}
        for logical, resource in app.resources.items():
            for target in referenced_ids(resource):
                self._by_target.setdefault(target, set()).add(str(logical))
        outputs = app.document.get("Outputs")
        for target in referenced_ids(outputs if isinstance(outputs, YMap) else None):
            self._by_target.setdefault(target, set()).add("Outputs")

    def used(self, published: Published) -> bool:
        """Something other than the function's own versions and aliases refers to one of
        them (an alias naming its version does not invoke anything)."""
        own = set(published.ids)
        return any(self._by_target.get(logical, set()) - own for logical in published.ids)
