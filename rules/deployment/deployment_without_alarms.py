from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, Invalid, Severity, Valid
from slint.app.cloudformation import SAM_TRANSFORM
from slint.app.common import logical_id
from slint.app.model import App, Function, Setting, as_list, is_known
from slint.app.sam_globals import globals_section, ignores
from slint.app.yamlpos import YList, YMap
from slint.diagnostics import Diagnostic, Location
from slint.settings import Settings

from .._support.config import function_resource, is_intrinsic

# The plugin that reads `deploymentSettings` (also published under scoped forks).
CANARY_PLUGIN = "serverless-plugin-canary-deployments"
# Plugins that add CloudWatch alarms of their own to the stack: an alarm the canary
# plugin names may be one of theirs, so an alarm missing from `resources` is no error.
_ALARM_PLUGIN_WORDS = ("alert", "alarm")
# SAM names a predefined deployment configuration by its short name; CodeDeploy's
# full name carries this prefix.
_CONFIG_PREFIX = "CodeDeployDefault.Lambda"


def _gradual(kind: Any) -> bool:
    """A `Canary*` / `Linear*` deployment configuration (`AllAtOnce` shifts all traffic at
    once, and a custom configuration's name says nothing)."""
    if not isinstance(kind, str):
        return False
    name = kind.strip().removeprefix(_CONFIG_PREFIX)
    return name.startswith(("Canary", "Linear"))


@dataclass(frozen=True)
class _Alarm:
    """An alarm that a deployment names by a logical id."""

    target: str
    file: str
    at: Location
    length: int  # of the list item, on its line


@dataclass(frozen=True)
class _Preference:
    """A function's effective gradual deployment."""

    kind: str  # the deployment type, as written
    # The alarm lists it combines, as written, each with where it is written: True when
    # shared (`Globals.Function`, `custom.deploymentSettings`).
    alarm_lists: tuple[tuple[Any, bool], ...]
    setting: Setting[Any]  # the function's own key, else the shared one
    shared: bool  # the whole setting is shared (SAM: from `Globals`)
    origin: str  # how the shared settings are named in messages


class DeploymentWithoutAlarms(ConfigRule):
    """
    ## What it does
    Reports a gradual deployment (a SAM `DeploymentPreference` whose `Type` is
    `Canary*` or `Linear*`, on the function or in `Globals.Function`; a
    `serverless-plugin-canary-deployments` `deploymentSettings` with such a `type`,
    on the function or as defaults in `custom.deploymentSettings`) that has no alarms
    (warning), or whose alarms name a resource the template does not define and that
    is not a parameter (error).

    One finding per function. When the function writes the deployment itself, the
    finding sits on its `DeploymentPreference` / `deploymentSettings` key (on the
    alarm, for an undefined one); when it inherits it from `Globals`, on the
    function's logical id, naming the `Globals` line. `AllAtOnce`, a preference with
    `Enabled: false`, and values slint cannot know (a parameter without a default, an
    `!If`) are left alone; alarms given by name (a plain string in SAM, `name:` in the
    plugin), by `!ImportValue` or by a parameter are not checked. In serverless.yml an
    alarm the plugin references by logical id is an error only when no plugin of the
    service creates alarms itself (`serverless-plugin-aws-alerts` and the like) and
    `resources` was read in full.

    ## Why is this bad?
    A canary or linear deployment sends a share of the traffic to the new version,
    waits, and shifts the rest. CodeDeploy rolls back only when one of the deployment's
    CloudWatch alarms goes off (or a hook fails): with no alarms, a version that fails
    every request still receives all traffic at the end of the wait, and the slow
    rollout has only delayed the outage. An alarm that names a resource the template
    does not define makes the deployment fail (`Ref` to an unknown logical id).

    ## Example
    ```yaml
    # template.yaml (SAM)
    Resources:
      OrdersFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          AutoPublishAlias: live
          DeploymentPreference:
            Type: Canary10Percent5Minutes
    ```

    ## Use instead
    ```yaml
    # template.yaml (SAM)
    Resources:
      OrdersFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          AutoPublishAlias: live
          DeploymentPreference:
            Type: Canary10Percent5Minutes
            Alarms:
              - !Ref OrdersErrorsAlarm
      OrdersErrorsAlarm:
        Type: AWS::CloudWatch::Alarm
        Properties:
          Namespace: AWS/Lambda
          MetricName: Errors
          Dimensions:
            - Name: Resource
              Value: !Sub "${OrdersFunction}:live"
            - Name: FunctionName
              Value: !Ref OrdersFunction
          Statistic: Sum
          Period: 60
          EvaluationPeriods: 1
          Threshold: 0
          ComparisonOperator: GreaterThanThreshold
    ```

    ## Fix
    None: which metrics show a bad version (errors, throttles, latency, a business
    metric) is yours to choose. Add a CloudWatch alarm on the alias (or the new
    version) and list it under `Alarms` / `alarms`; define every alarm you reference
    in the same template (`resources.Resources` in serverless.yml).

    ## References
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deploymentpreference.html
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/automating-updates-to-serverless-apps.html
    - https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
    - https://github.com/davidgf/serverless-plugin-canary-deployments#configuration
    """

    code = "SL701"
    name = "deployment-without-alarms"
    severity = Severity.WARNING

    valid = (
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      AutoPublishAlias: live
                      DeploymentPreference:
                        Type: Canary10Percent5Minutes
                        Alarms:
                          - !Ref ErrorsAlarm
                  ErrorsAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      Namespace: AWS/Lambda
                      MetricName: Errors
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      AutoPublishAlias: live
                      DeploymentPreference:
                        Type: AllAtOnce
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  DeploymentType:
                    Type: String
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      AutoPublishAlias: live
                      DeploymentPreference:
                        Type: !Ref DeploymentType
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                service: shop
                plugins:
                  - serverless-plugin-canary-deployments
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                    deploymentSettings:
                      type: Linear10PercentEvery1Minute
                      alias: Live
                      alarms:
                        - ApiErrorsAlarm
                resources:
                  Resources:
                    ApiErrorsAlarm:
                      Type: AWS::CloudWatch::Alarm
                      Properties:
                        Namespace: AWS/Lambda
                        MetricName: Errors
                """
            ),
            filename="serverless.yml",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      AutoPublishAlias: live
                      DeploymentPreference:
                        Type: Canary10Percent5Minutes
                """
            ),
            filename="template.yaml",
            line=9,
            column=7,
            message="no alarms",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    AutoPublishAlias: live
                    DeploymentPreference:
                      Type: Linear10PercentEvery1Minute
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                """
            ),
            filename="template.yaml",
            line=9,
            column=3,
            message="inherited from `Globals.Function` (template.yaml:6)",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      AutoPublishAlias: live
                      DeploymentPreference:
                        Type: Canary10Percent5Minutes
                        Alarms:
                          - !Ref OrdersErrorAlarm
                """
            ),
            filename="template.yaml",
            line=12,
            column=13,
            message="`OrdersErrorAlarm`, which the template does not define",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                plugins:
                  - serverless-plugin-canary-deployments
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                    deploymentSettings:
                      type: Canary10Percent5Minutes
                      alias: Live
                """
            ),
            filename="serverless.yml",
            line=9,
            column=5,
            message="no alarms",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                plugins:
                  - serverless-plugin-canary-deployments
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                    deploymentSettings:
                      type: Canary10Percent5Minutes
                      alias: Live
                      alarms:
                        - ApiErrorsAlarm
                """
            ),
            filename="serverless.yml",
            line=13,
            column=11,
            message="`ApiErrorsAlarm`",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        if app.format == "sam":
            yield from self._sam(app)
        elif app.format == "serverless":
            yield from self._serverless(app)

    # -- SAM -------------------------------------------------------------------------
    def _sam(self, app: App) -> Iterator[Diagnostic]:
        globals_function = globals_section(app.document, "Function")
        defined = _template_ids(app)
        for function in app.functions:
            resource = function_resource(function)
            if resource is None or resource.get("Type") != "AWS::Serverless::Function":
                continue
            preference = _sam_preference(function, resource, globals_function)
            if preference is None:
                continue
            yield from self._judge(app, function, preference, defined, "Alarms")

    # -- serverless.yml ----------------------------------------------------------------
    def _serverless(self, app: App) -> Iterator[Diagnostic]:
        if not any(plugin.endswith(CANARY_PLUGIN) for plugin in app.plugins):
            return
        custom = app.document.get("custom")
        defaults = custom.get("deploymentSettings") if isinstance(custom, YMap) else None
        if defaults is not None and not isinstance(defaults, YMap):
            return  # an unresolved `${...}`: the defaults cannot be known
        defined = _serverless_ids(app)
        for function in app.functions:
            if "deploymentSettings" not in function.node:
                continue  # the plugin deploys only the functions that have settings
            own = function.node["deploymentSettings"]
            if not isinstance(own, YMap):
                continue
            kind = own.get("type", defaults.get("type") if defaults is not None else None)
            if not is_known(kind) or not _gradual(kind):
                continue
            # The plugin merges the defaults into the function's settings, key by key.
            if "alarms" in own:
                alarm_lists: tuple[tuple[Any, bool], ...] = ((own["alarms"], False),)
            elif defaults is not None and "alarms" in defaults:
                alarm_lists = ((defaults["alarms"], True),)
            else:
                alarm_lists = ()
            preference = _Preference(
                kind=str(kind),
                alarm_lists=alarm_lists,
                setting=Setting.read(function.node, "deploymentSettings"),
                shared=False,
                origin="custom.deploymentSettings",
            )
            yield from self._judge(app, function, preference, defined, "alarms")

    # -- both ----------------------------------------------------------------------------
    def _judge(
        self,
        app: App,
        function: Function,
        preference: _Preference,
        defined: set[str] | None,
        key: str,
    ) -> Iterator[Diagnostic]:
        if not all(_readable(alarms) for alarms, _ in preference.alarm_lists):
            return  # `!If` / a parameter: cannot tell
        if not any(as_list(alarms) for alarms, _ in preference.alarm_lists):
            yield self._without_alarms(app, function, preference, key)
            return
        if defined is None:
            return
        for alarms, shared in preference.alarm_lists:
            for alarm in _referenced(alarms, app):
                if alarm.target not in defined:
                    yield self._undefined(app, function, preference, alarm, shared)
                    return  # one finding per function

    def _without_alarms(
        self, app: App, function: Function, preference: _Preference, key: str
    ) -> Diagnostic:
        setting_name = "DeploymentPreference" if app.format == "sam" else "deploymentSettings"
        origin = (
            f" (inherited from `{preference.origin}` ({preference.setting.file}:"
            f"{preference.setting.at.row}))"
            if preference.shared
            else ""
        )
        message = (
            f"Function `{function.name}` is deployed gradually (`{preference.kind}`){origin} "
            f"with no alarms: CodeDeploy rolls back only when an alarm goes off, so a bad "
            f"version still receives all traffic at the end; add `{key}` to its "
            f"`{setting_name}` with a CloudWatch alarm on its errors."
        )
        if preference.shared:
            return self.at(function.file, function.at, message, length=len(function.name))
        return self.at_setting(preference.setting, message)

    def _undefined(
        self,
        app: App,
        function: Function,
        preference: _Preference,
        alarm: _Alarm,
        shared: bool,
    ) -> Diagnostic:
        where = "`resources.Resources`" if app.format == "serverless" else "the template"
        origin = f" (from `{preference.origin}`, {alarm.file}:{alarm.at.row})" if shared else ""
        message = (
            f"The gradual deployment of function `{function.name}`{origin} names alarm "
            f"`{alarm.target}`, which {where} does not define and is not a parameter: the "
            "deployment fails; define the alarm or fix its logical id."
        )
        if not shared:
            return self.at(
                alarm.file, alarm.at, message, length=alarm.length, severity=Severity.ERROR
            )
        # One finding per function: on what the function itself writes.
        if preference.shared:
            return self.at(
                function.file,
                function.at,
                message,
                length=len(function.name),
                severity=Severity.ERROR,
            )
        return self.at_setting(preference.setting, message, severity=Severity.ERROR)


def _sam_preference(
    function: Function, resource: YMap, globals_function: YMap | None
) -> _Preference | None:
    """The function's `DeploymentPreference`, merged with `Globals.Function`'s the way SAM
    merges globals (maps key by key, lists added), unless `IgnoreGlobals` opts out."""
    props = function.node
    own = props.get("DeploymentPreference")
    inherited = globals_function.get("DeploymentPreference") if globals_function else None
    if not is_known(resource.get("IgnoreGlobals")):
        return None  # an intrinsic: whether it inherits cannot be told
    if ignores(resource, "DeploymentPreference"):
        inherited = None
    if own is None and inherited is None:
        return None
    for value in (own, inherited):
        if value is not None and (not isinstance(value, YMap) or is_intrinsic(value)):
            return None  # a parameter or `!If`: cannot tell
    merged: dict[str, Any] = {}
    if isinstance(inherited, YMap):
        merged.update(inherited)
    if isinstance(own, YMap):
        merged.update(own)
    enabled = merged.get("Enabled", True)
    if not is_known(enabled) or enabled is False:
        return None
    if isinstance(enabled, str) and enabled.strip().lower() == "false":
        return None
    kind = merged.get("Type")
    if not is_known(kind) or not _gradual(kind):
        return None
    # SAM adds a function's list to the list of `Globals`.
    alarm_lists: list[tuple[Any, bool]] = []
    if isinstance(inherited, YMap) and "Alarms" in inherited:
        alarm_lists.append((inherited["Alarms"], True))
    if isinstance(own, YMap) and "Alarms" in own:
        alarm_lists.append((own["Alarms"], False))
    if own is not None:
        setting = Setting.read(props, "DeploymentPreference")
    else:
        assert globals_function is not None
        setting = Setting.read(globals_function, "DeploymentPreference")
    return _Preference(
        kind=str(kind),
        alarm_lists=tuple(alarm_lists),
        setting=setting,
        shared=own is None,
        origin="Globals.Function",
    )


def _readable(alarms: Any) -> bool:
    """An alarm list as written (its items may be references), not a value known only
    at deploy time (a parameter, an `!If` that chooses the whole list)."""
    if isinstance(alarms, dict):
        return not is_intrinsic(alarms)
    return alarms is None or isinstance(alarms, (list, str))


def _template_ids(app: App) -> set[str] | None:
    """The logical ids a `Ref` / `GetAtt` may name: resources, parameters, and the
    implicit resources of SAM; None when macros other than SAM may add resources."""
    transforms = [t for t in as_list(app.document.get("Transform")) if t != SAM_TRANSFORM]
    if transforms or any(str(key).startswith("Fn::ForEach") for key in app.resources):
        return None
    ids = {str(key) for key in app.resources}
    parameters = app.document.get("Parameters")
    if isinstance(parameters, YMap):
        ids.update(str(key) for key in parameters)
    return ids


def _serverless_ids(app: App) -> set[str] | None:
    """The logical ids `resources.Resources` defines; None when other resources may
    define alarms too (an alarm plugin, a `resources` block slint could not read)."""
    if any(word in plugin.lower() for plugin in app.plugins for word in _ALARM_PLUGIN_WORDS):
        return None
    resources = app.document.get("resources")
    for block in as_list(resources):
        if not isinstance(block, YMap):
            return None
        inner = block.get("Resources")
        if inner is not None and not isinstance(inner, YMap):
            return None
    return {str(key) for key in app.resources}


def _referenced(alarms: Any, app: App) -> Iterator[_Alarm]:
    """The alarms named by logical id: `!Ref X` / `!GetAtt X.Arn` in SAM (also inside an
    `!If` branch), a plain string in the canary plugin's list."""
    if not isinstance(alarms, list):
        return
    for index, item in enumerate(alarms):
        at, length = Location(1, 1), 0
        if isinstance(alarms, YList) and index < len(alarms.item_range):
            at, end = alarms.item_range[index]
            length = end.column - at.column if end.row == at.row else 0
        file = (alarms.file if isinstance(alarms, YList) else "") or app.file
        if app.format == "serverless":
            if isinstance(item, str) and item.strip():
                yield _Alarm(item.strip(), file, at, length)
            continue
        for target in _logical_ids(item):
            if not target.startswith("AWS::"):
                yield _Alarm(target, file, at, length)


def _logical_ids(value: Any) -> Iterator[str]:
    target = logical_id(value)
    if target is not None:
        yield target
    elif isinstance(value, dict) and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list):
            for branch in branches[1:]:
                for item in branch if isinstance(branch, list) else [branch]:
                    yield from _logical_ids(item)
