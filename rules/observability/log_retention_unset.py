from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import editable, indent_step, insert_block, insert_lines
from slint.app.model import App, Function, Setting, is_known
from slint.app.serverless import normalized_name
from slint.app.yamlpos import YMap
from slint.diagnostics import Applicability, Diagnostic, Fix
from slint.settings import Settings

from .._support.config import resources_of_type
from .._support.report import at_key, fix_of, of_functions

# What the fix writes: a month is long enough to investigate an incident and short
# enough not to pay for years of debug output. Users pick their own value.
DEFAULT_RETENTION_DAYS = 30

_LOG_GROUP_TYPES = ("AWS::Logs::LogGroup", "Custom::LogRetention")
_LOG_RETENTION_PLUGINS = ("serverless-plugin-log-retention",)


@dataclass
class LogGroup:
    """A log group declared in the template (or a CDK `Custom::LogRetention`)."""

    logical_id: str
    name: str | None  # its name as a template string (`/aws/lambda/${Fn}`), None if unknown
    retention: Setting[Any]
    resource: YMap
    properties: YMap | None


def name_template(value: Any) -> str | None:
    """A CloudFormation string expression as one `${...}` template, None if not expressible.

    `!Ref X` -> `${X}`, `!GetAtt X.Y` -> `${X.Y}`, `!Sub` as written (with its variable
    map substituted), `!Join` of such parts; anything else (an `!If`, an unknown) -> None.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((key, inner),) = value.items()
    if key == "Ref" and isinstance(inner, str):
        return "${" + inner + "}"
    if key == "Fn::GetAtt":
        if isinstance(inner, list) and len(inner) == 2 and all(isinstance(p, str) for p in inner):
            return "${" + ".".join(inner) + "}"
        return None
    if key == "Fn::Sub":
        if isinstance(inner, str):
            return inner
        if isinstance(inner, list) and len(inner) == 2 and isinstance(inner[0], str):
            variables = inner[1] if isinstance(inner[1], dict) else None
            if variables is None:
                return None
            text = inner[0]
            for name, replacement in variables.items():
                rendered = name_template(replacement)
                if rendered is None:
                    if "${" + str(name) + "}" in text:
                        return None
                    continue
                text = text.replace("${" + str(name) + "}", rendered)
            return text
        return None
    if key == "Fn::Join":
        if (
            isinstance(inner, list)
            and len(inner) == 2
            and isinstance(inner[0], str)
            and isinstance(inner[1], list)
        ):
            parts = [name_template(part) for part in inner[1]]
            if any(part is None for part in parts):
                return None
            return inner[0].join(part for part in parts if part is not None)
        return None
    return None


def log_groups(app: App) -> list[LogGroup]:
    found = []
    for logical, resource, props in resources_of_type(app, *_LOG_GROUP_TYPES):
        if props is None:
            retention = Setting.absent(resource, resource.file, app.resources.at(logical))
            name = None
        else:
            retention = Setting.read(props, "RetentionInDays", app.resources.at(logical))
            name = name_template(props.get("LogGroupName")) if "LogGroupName" in props else None
        found.append(LogGroup(str(logical), name, retention, resource, props))
    return found


class LogRetentionUnset(ConfigRule):
    """
    ## What it does
    Reports functions whose CloudWatch log group keeps logs forever: in serverless.yml,
    no `logRetentionInDays` on the function or under `provider` (nor the
    `serverless-plugin-log-retention` plugin's `custom.logRetentionInDays`, nor a
    `<Function>LogGroup` resource override with `RetentionInDays`); in SAM and
    CloudFormation, no `AWS::Logs::LogGroup` with `RetentionInDays` for the function:
    neither one named `/aws/lambda/<function name>` (written with `!Sub`, `!Join` and the
    function's `!Ref`, or its literal `FunctionName`) nor one that the function's
    `LoggingConfig.LogGroup` points at. CDK's `Custom::LogRetention` counts as a
    retention. Functions with `disableLogs: true` are skipped, and so is a
    `LoggingConfig.LogGroup` that names a log group outside the template.

    In serverless.yml the finding sits on `provider` when no function sets a
    retention of its own, else on each function that lacks one. In SAM/CloudFormation
    it sits on the function's logical id, or on the `AWS::Logs::LogGroup` resource
    that exists but has no `RetentionInDays`.

    ## Why is this bad?
    Lambda creates the log group on the first invocation with "Never expire". Debug
    output and request payloads then pile up for years: you pay for storage that
    nobody reads, and personal data stays in the logs longer than any retention
    policy allows.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.12
    functions:
      api:
        handler: app.handler
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.12
      logRetentionInDays: 30
    ```
    ```yaml
    # template.yaml (SAM)
    Resources:
      ApiFunctionLogGroup:
        Type: AWS::Logs::LogGroup
        Properties:
          LogGroupName: !Sub /aws/lambda/${ApiFunction}
          RetentionInDays: 30
    ```

    ## Fix
    Safe for serverless.yml: inserts `logRetentionInDays: 30` under `provider` (when
    no function sets its own; otherwise in each function that lacks it), at the file's
    indentation. For SAM and CloudFormation the fix is only displayed: it adds an
    `AWS::Logs::LogGroup` resource (or its `RetentionInDays`), which fails to deploy
    when Lambda already created a log group of that name: import the existing group or
    delete it first. Shortening a retention deletes older log events: pick the value.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-loggingconfig.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions#log-group-resources
    """

    code = "SL504"
    name = "log-retention-unset"
    severity = Severity.INFO
    enabled_by_default = False
    fix = FixKind.SAFE

    valid = (
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                  logRetentionInDays: 14
                functions:
                  api:
                    handler: app.handler
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                    logRetentionInDays: ${param:retention}
                  noisy:
                    handler: noisy.handler
                    disableLogs: true
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                service: shop
                plugins:
                  - serverless-plugin-log-retention
                custom:
                  logRetentionInDays: 30
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                functions:
                  api-v2:
                    handler: app.handler
                resources:
                  Resources:
                    ApiDashv2LogGroup:
                      Properties:
                        RetentionInDays: 7
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                  ApiFunctionLogGroup:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: !Sub /aws/lambda/${ApiFunction}
                      RetentionInDays: 30
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    LoggingConfig:
                      LogGroup: !Ref AppLogs
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                  AppLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      RetentionInDays: 90
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
                      FunctionName: orders-api
                      Handler: app.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/x
                      Code: {ZipFile: "def handler(e, c): pass"}
                  FnLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: !Join ["", ["/aws/lambda/", "orders-api"]]
                      RetentionInDays: !Ref Retention
                  Other:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/x
                      Code: {ZipFile: "def handler(e, c): pass"}
                      LoggingConfig:
                        LogGroup: /shared/elsewhere
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
                """
            ),
            filename="serverless.yml",
            line=2,
            column=1,
            message="keeps logs forever",
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
                    logRetentionInDays: 7
                  worker:
                    handler: worker.handler
                """
            ),
            filename="serverless.yml",
            line=8,
            column=3,
            message="`worker`",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                  OtherLogGroup:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: !Sub /aws/lambda/${OtherFunction}
                      RetentionInDays: 30
                """
            ),
            filename="template.yaml",
            line=7,
            column=3,
            message="`ApiFunction`",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                  ApiLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: !Join ["", ["/aws/lambda/", !Ref ApiFunction]]
                """
            ),
            filename="template.yaml",
            line=8,
            column=3,
            message="RetentionInDays",
        ),
        Invalid(
            dedent(
                """\
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/x
                      Code:
                        ZipFile: "def handler(e, c): pass"
                      LoggingConfig:
                        LogGroup: !Ref Logs
                  Logs:
                    Type: AWS::Logs::LogGroup
                """
            ),
            filename="template.yaml",
            line=12,
            column=3,
            message="`Logs`",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        if app.format == "serverless":
            yield from self._serverless(app)
        else:
            yield from self._template(app)

    # -- serverless.yml ------------------------------------------------------------
    def _serverless(self, app: App) -> Iterator[Diagnostic]:
        provider = app.document.get("provider")
        if not isinstance(provider, YMap):
            return
        if "logRetentionInDays" in provider:
            return  # known or not, every function inherits a retention
        custom = app.document.get("custom")
        if (
            any(plugin in app.plugins for plugin in _LOG_RETENTION_PLUGINS)
            and isinstance(custom, YMap)
            and custom.get("logRetentionInDays") is not None
        ):
            return
        named = {group.name: group for group in log_groups(app) if group.name is not None}
        lacking: list[Function] = []
        own = 0
        for function in app.functions:
            if "logRetentionInDays" in function.node:
                own += 1
                continue
            if function.node.get("disableLogs") is True:
                continue
            if not is_known(function.node.get("disableLogs", False)):
                continue
            if _has_override(app, function):
                continue
            physical = _serverless_function_name(app, function)
            if physical is not None:
                group = named.get(f"/aws/lambda/{physical}")
                if group is not None and group.retention.present:
                    continue
            lacking.append(function)
        if not lacking:
            return
        if own == 0:
            yield self.at(
                app.file,
                app.document.at("provider"),
                f"{_log_groups_of(lacking)} forever: set "
                "`provider.logRetentionInDays` so that old logs expire instead of piling "
                "up in the bill.",
                length=len("provider"),
                fix=_retention_fix(
                    app,
                    provider,
                    "logRetentionInDays",
                    Applicability.SAFE,
                    f"Add `logRetentionInDays: {DEFAULT_RETENTION_DAYS}` under `provider`",
                ),
            )
            return
        for function in lacking:
            yield at_key(
                self,
                function,
                f"The log group of function `{function.name}` keeps logs forever: set "
                "`logRetentionInDays` so that old logs expire instead of piling up in the "
                "bill.",
                fix=_retention_fix(
                    app,
                    function.node,
                    "logRetentionInDays",
                    Applicability.SAFE,
                    f"Add `logRetentionInDays: {DEFAULT_RETENTION_DAYS}`",
                ),
            )

    # -- SAM / CloudFormation --------------------------------------------------------
    def _template(self, app: App) -> Iterator[Diagnostic]:
        groups = log_groups(app)
        by_id = {group.logical_id: group for group in groups}
        unresolved = any(group.name is None and group.retention.present for group in groups)
        reported: set[str] = set()
        for function in app.functions:
            targets = self._targets(function, groups, by_id)
            if targets is None:
                continue  # a log group slint cannot see
            if not targets:
                if unresolved:
                    continue  # a log group with a name slint cannot read may be this one
                yield self._missing(app, function)
                continue
            if any(group.retention.present for group in targets):
                continue
            for group in targets:
                if group.logical_id in reported:
                    continue
                reported.add(group.logical_id)
                yield self._without_retention(app, group, function)

    def _targets(
        self, function: Function, groups: list[LogGroup], by_id: dict[str, LogGroup]
    ) -> list[LogGroup] | None:
        """The template's log groups that receive this function's logs (None: unknown)."""
        pointer = function.log_group
        if pointer is not None and pointer.present:
            value = pointer.value
            if isinstance(value, dict) and len(value) == 1 and "Ref" in value:
                group = by_id.get(str(value["Ref"]))
                return [group] if group is not None else None
            template = name_template(value)
            if template is None:
                return None
            matched = [group for group in groups if group.name == template]
            return matched or None
        names = {"${" + function.name + "}"}
        if "FunctionName" in function.node:
            explicit = name_template(function.node.get("FunctionName"))
            if explicit is not None:
                names.add(explicit)
        wanted = {f"/aws/lambda/{name}" for name in names}
        return [group for group in groups if group.name in wanted]

    def _missing(self, app: App, function: Function) -> Diagnostic:
        resources = app.document.get("Resources")
        key = f"{function.name}LogGroup"
        edit = None
        if isinstance(resources, YMap) and editable(app, resources) and key not in resources:
            edit = insert_block(
                app.text,
                resources,
                key,
                [
                    (1, "Type: AWS::Logs::LogGroup"),
                    (1, "Properties:"),
                    (2, f"LogGroupName: !Sub /aws/lambda/${{{function.name}}}"),
                    (2, f"RetentionInDays: {DEFAULT_RETENTION_DAYS}"),
                ],
                indent_step(app.document),
            )
        return at_key(
            self,
            function,
            f"Function `{function.name}` has no log group with a retention: CloudWatch keeps "
            "its logs forever; add an AWS::Logs::LogGroup named "
            f"`/aws/lambda/${{{function.name}}}` with `RetentionInDays` (or point "
            "`LoggingConfig.LogGroup` at one).",
            fix=fix_of(
                Applicability.DISPLAY_ONLY,
                f"Add an AWS::Logs::LogGroup `{key}` with a {DEFAULT_RETENTION_DAYS}-day "
                "retention (import the existing log group first if the function already ran)",
                edit,
            ),
        )

    def _without_retention(self, app: App, group: LogGroup, function: Function) -> Diagnostic:
        return self.at(
            group.resource.file or app.file,
            app.resources.at(group.logical_id),
            f"Log group `{group.logical_id}` of function `{function.name}` has no "
            "`RetentionInDays`: CloudWatch keeps its logs forever.",
            length=len(group.logical_id),
            fix=_retention_fix(
                app,
                group.resource if group.properties is None else group.properties,
                "RetentionInDays",
                Applicability.DISPLAY_ONLY,
                f"Add `RetentionInDays: {DEFAULT_RETENTION_DAYS}`",
                block="Properties" if group.properties is None else None,
            ),
        )


def _retention_fix(
    app: App,
    owner: YMap,
    key: str,
    applicability: Applicability,
    message: str,
    *,
    block: str | None = None,
) -> Fix | None:
    """A fix that adds `key: 30` at the end of `owner`, or in a new `block:` there."""
    if not editable(app, owner):
        return None
    entry = f"{key}: {DEFAULT_RETENTION_DAYS}"
    if block is None:
        edit = insert_lines(app.text, owner, [entry])
    else:
        edit = insert_block(app.text, owner, block, [(1, entry)], indent_step(app.document))
    return fix_of(applicability, message, edit)


def _has_override(app: App, function: Function) -> bool:
    """`resources.Resources.<Function>LogGroup.Properties.RetentionInDays`: an override of
    the log group the framework generates (it needs no `Type`)."""
    override = app.resources.get(normalized_name(function.name) + "LogGroup")
    props = override.get("Properties") if isinstance(override, YMap) else None
    return isinstance(props, YMap) and props.get("RetentionInDays") is not None


def _serverless_function_name(app: App, function: Function) -> str | None:
    """The deployed name: `name:` or `<service>-<stage>-<function>`."""
    explicit = function.node.get("name")
    if isinstance(explicit, str):
        return explicit
    if explicit is not None:
        return None
    service = app.document.get("service")
    if isinstance(service, dict):
        service = service.get("name")
    provider = app.document.get("provider")
    stage = provider.get("stage", "dev") if isinstance(provider, YMap) else "dev"
    if not isinstance(service, str) or not isinstance(stage, str):
        return None
    return f"{service}-{stage}-{function.name}"


def _log_groups_of(functions: list[Function]) -> str:
    if len(functions) == 1:
        return f"The log group of {of_functions(functions)} keeps logs"
    return f"The log groups of {of_functions(functions, limit=5)} keep logs"
