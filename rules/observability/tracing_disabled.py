from __future__ import annotations

from collections.abc import Iterable, Iterator
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.edits import editable, indent_step, insert_entries, insert_nested
from slint.app.model import App, Function, Setting, as_list, is_known
from slint.app.sam_globals import globals_section, ignores
from slint.app.yamlpos import YMap
from slint.diagnostics import Applicability, Diagnostic, Fix
from slint.settings import Settings

from .._support.config import function_resource, key, properties
from .._support.report import at_key, fix_of, of_functions

# What a tracing value means: serverless `tracing: Active | PassThrough | true`,
# `provider.tracing.lambda: true | Active | PassThrough`; SAM `Tracing: Active |
# PassThrough | Disabled`; CloudFormation `TracingConfig.Mode: Active | PassThrough`.
ON, OFF, PASSTHROUGH, UNKNOWN, ABSENT = "on", "off", "passthrough", "unknown", "absent"
# Settings that leave the function untraced when written explicitly.
_UNTRACED = (OFF, PASSTHROUGH)

# Managed policies and actions that let a role send segments to X-Ray.
_XRAY_POLICIES = ("AWSXRayDaemonWriteAccess", "AWSXrayWriteOnlyAccess", "AWSXrayFullAccess")
_XRAY_ACTIONS = frozenset({"*", "xray:*", "xray:puttracesegments"})


def tracing_state(value: Any) -> str:
    if value is None:
        return ABSENT
    if value is True:
        return ON
    if value is False:
        return OFF
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("active", "true"):
            return ON
        if text == "passthrough":
            # Traces only the requests an upstream service already sampled (API
            # Gateway with tracing, a traced caller): queue, stream, schedule and S3
            # invocations carry no sampling decision and are never traced.
            return PASSTHROUGH
        if text in ("false", "disabled", "none", ""):
            return OFF
    return UNKNOWN


class TracingDisabled(ConfigRule):
    """
    ## What it does
    Reports functions that run without AWS X-Ray active tracing: no
    `provider.tracing.lambda` and no function `tracing` in serverless.yml, no
    `Tracing: Active` on an `AWS::Serverless::Function` or in `Globals.Function`, no
    `TracingConfig.Mode: Active` on an `AWS::Lambda::Function`.

    In serverless.yml the finding sits on `provider` when no function sets tracing of
    its own (one setting fixes them all), else on each function that lacks it. In a
    SAM template with a `Globals` section it sits once on `Globals` (on its
    `Function` key when there is one), naming the functions (a function whose
    `IgnoreGlobals` opts out of `Tracing` is reported on its own); without `Globals`, and
    for plain CloudFormation functions, it sits on each function's logical id. An
    explicit `false` / `Disabled` / `PassThrough` is reported on its own key:
    `PassThrough` only traces the requests an upstream service already sampled, so
    the function's queue, stream, schedule and S3 invocations are never traced.

    ## Why is this bad?
    Without traces, a slow or failing request through API Gateway, the function and
    the AWS services it calls shows up only as a duration and an error count: you
    cannot see which downstream call took the time or failed, nor follow a message
    across queues and functions. Tracing costs little (a sampled fraction of requests)
    and must be switched on before the incident you want to understand.

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
      tracing:
        lambda: true
    ```
    ```yaml
    # template.yaml (SAM)
    Globals:
      Function:
        Tracing: Active
    ```

    ## Fix
    Safe: inserts `tracing:` / `lambda: true` under `provider` (serverless, when no
    function sets its own; otherwise `tracing: Active` in each function),
    `Tracing: Active` in `Globals.Function` (SAM with `Globals`; `Function:` is created
    when missing) or in the function's `Properties`, and a `TracingConfig:` map with
    `Mode: Active` for CloudFormation, at the file's own indentation. Active tracing
    needs `xray:PutTraceSegments` on the function's role: the Serverless Framework and
    SAM add it to the roles they create, so the fix is unsafe when a function brings
    its own role (`role:` / `Role:`), and for CloudFormation unless that role already
    has X-Ray permissions. An explicit `false` or `PassThrough` is left to you.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-tracingconfig.html
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html#sam-function-tracing
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions#aws-x-ray-tracing
    """

    code = "SL503"
    name = "tracing-disabled"
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
                  tracing:
                    lambda: true
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
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                    tracing: Active
                  worker:
                    handler: worker.handler
                    tracing: true
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
                  tracing:
                    lambda: ${ssm:/shop/tracing}
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
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Tracing: Active
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  TracingMode:
                    Type: String
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Tracing: !Ref TracingMode
                  WorkerFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: worker.handler
                      Runtime: python3.12
                      Tracing: !If [IsProd, Active, PassThrough]
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
                      TracingConfig:
                        Mode: Active
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
                  worker:
                    handler: worker.handler
                """
            ),
            filename="serverless.yml",
            line=2,
            column=1,
            message="No X-Ray tracing for functions `api`, `worker`",
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
                    tracing: Active
                  worker:
                    handler: worker.handler
                """
            ),
            filename="serverless.yml",
            line=9,
            column=3,
            message="`worker`",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  tracing:
                    apiGateway: true
                    lambda: false
                functions:
                  api:
                    handler: app.handler
                """
            ),
            filename="serverless.yml",
            line=6,
            column=5,
            message="switched off",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Timeout: 10
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Events:
                        Get:
                          Type: Api
                          Properties: {Path: /, Method: get}
                """
            ),
            filename="template.yaml",
            line=4,
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
                      CodeUri: !Sub "s3://${Bucket}/code.zip"
                """
            ),
            filename="template.yaml",
            line=3,
            column=3,
            message="Tracing: Active",
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
                      Tracing: Disabled
                """
            ),
            filename="template.yaml",
            line=8,
            column=7,
            message="switched off",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  WorkerFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: worker.handler
                      Runtime: python3.12
                      Tracing: PassThrough
                      Events:
                        Queue:
                          Type: SQS
                          Properties: {Queue: !GetAtt Queue.Arn}
                """
            ),
            filename="template.yaml",
            line=8,
            column=7,
            message="only `PassThrough`",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Role:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: {}
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt Role.Arn
                      Code:
                        ZipFile: "def handler(e, c): pass"
                """
            ),
            filename="template.yaml",
            line=7,
            column=3,
            message="TracingConfig",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        if app.format == "serverless":
            yield from self._serverless(app)
            return
        sam = [f for f in app.functions if _resource_type(f) == "AWS::Serverless::Function"]
        cfn = [f for f in app.functions if _resource_type(f) == "AWS::Lambda::Function"]
        yield from self._sam(app, sam)
        for function in cfn:
            yield from self._cloudformation(app, function)

    # -- serverless.yml ------------------------------------------------------------
    def _serverless(self, app: App) -> Iterator[Diagnostic]:
        provider = app.document.get("provider")
        if not isinstance(provider, YMap) or not app.functions:
            return
        tracing = provider.get("tracing")
        provider_lambda = (
            Setting.read(tracing, "lambda")
            if isinstance(tracing, YMap) and "lambda" in tracing
            else None
        )
        provider_state = tracing_state(provider_lambda.value) if provider_lambda else ABSENT
        inheriting: list[Function] = []
        for function in app.functions:
            if "tracing" in function.node:
                own = Setting.read(function.node, "tracing")
                if tracing_state(own.value) in _UNTRACED:
                    yield self._switched_off(own, function, "tracing: Active")
            else:
                inheriting.append(function)
        if not inheriting:
            return
        untraced = of_functions(inheriting, limit=5)
        if provider_lambda is not None and provider_state in _UNTRACED:
            yield self.at_setting(
                provider_lambda,
                f"{_untraced_how(provider_state)} for {untraced}: "
                f"{_untraced_why(provider_state)}; set `provider.tracing.lambda: true`.",
            )
            return
        if provider_state != ABSENT:
            return
        own_roles = _serverless_custom_role(provider)
        if len(inheriting) == len(app.functions):
            fix = _tracing_fix(
                app,
                provider,
                ("lambda", "true"),
                "Add `provider.tracing.lambda: true`",
                "give the custom role xray:PutTraceSegments" if own_roles else None,
                under="tracing",
            )
            yield self.at(
                app.file,
                app.document.at("provider"),
                f"No X-Ray tracing for {untraced}: slow or failing requests "
                "cannot be followed across services; set `provider.tracing.lambda: true`.",
                length=len("provider"),
                fix=fix,
            )
            return
        for function in inheriting:
            yield self._untraced_function(app, function, own_roles)

    def _switched_off(self, setting: Setting[Any], function: Function, how: str) -> Diagnostic:
        state = tracing_state(setting.value)
        return self.at_setting(
            setting,
            f"{_untraced_how(state)} for function `{function.name}`: "
            f"{_untraced_why(state)}; set `{how}`.",
        )

    def _untraced_function(self, app: App, function: Function, custom_role: bool) -> Diagnostic:
        """A serverless / SAM function without tracing of its own or to inherit."""
        name = key(app, "tracing", "Tracing")
        custom = custom_role or key(app, "role", "Role") in function.node
        return at_key(
            self,
            function,
            f"No X-Ray tracing for function `{function.name}`: slow or failing requests "
            f"cannot be followed across services; set `{name}: Active`.",
            fix=_tracing_fix(
                app,
                function.node,
                (name, "Active"),
                f"Add `{name}: Active`",
                "give its role xray:PutTraceSegments" if custom else None,
            ),
        )

    # -- SAM -------------------------------------------------------------------------
    def _sam(self, app: App, functions: list[Function]) -> Iterator[Diagnostic]:
        if not functions:
            return
        globals_block = app.document.get("Globals")
        globals_function = globals_section(app.document, "Function")
        inheriting: list[Function] = []
        # Functions whose `IgnoreGlobals` opts out of `Tracing`: Globals cannot reach
        # them, so they are reported (and fixed) one by one.
        opted_out: list[Function] = []
        for function in functions:
            own = "Tracing" in function.node
            setting = function.tracing
            state = tracing_state(setting.value if setting is not None else None)
            if own and setting is not None and state in _UNTRACED:
                yield self._switched_off(setting, function, "Tracing: Active")
            elif not own and ignores(function_resource(function), "Tracing"):
                opted_out.append(function)
            elif not own:
                inheriting.append(function)
        for function in opted_out:
            yield self._untraced_function(app, function, False)
        if not inheriting:
            return
        untraced = of_functions(inheriting, limit=5)
        if globals_function is not None and "Tracing" in globals_function:
            shared = Setting.read(globals_function, "Tracing")
            shared_state = tracing_state(shared.value)
            if shared_state in _UNTRACED:
                yield self.at_setting(
                    shared,
                    f"{_untraced_how(shared_state)} in Globals for {untraced}: "
                    f"{_untraced_why(shared_state)}; set `Tracing: Active`.",
                )
            return
        custom_role = any("Role" in f.node for f in inheriting) or (
            globals_function is not None and "Role" in globals_function
        )
        if isinstance(globals_block, YMap) and not globals_block.flow:
            if globals_function is not None:
                at, length = globals_block.at("Function"), len("Function")
            else:
                at, length = app.document.at("Globals"), len("Globals")
            yield self.at(
                app.file,
                at,
                f"No X-Ray tracing for {untraced}: slow or failing requests "
                "cannot be followed across services; set `Tracing: Active` in "
                "Globals.Function.",
                length=length,
                fix=_tracing_fix(
                    app,
                    globals_block,
                    ("Tracing", "Active"),
                    "Add `Tracing: Active` to Globals.Function",
                    "give the custom roles xray:PutTraceSegments" if custom_role else None,
                    under="Function",
                ),
            )
            return
        for function in inheriting:
            yield self._untraced_function(app, function, False)

    # -- CloudFormation ----------------------------------------------------------------
    def _cloudformation(self, app: App, function: Function) -> Iterator[Diagnostic]:
        setting = function.tracing
        state = tracing_state(setting.value if setting is not None else None)
        if state in (ON, UNKNOWN):
            return
        if state in _UNTRACED and setting is not None:
            yield self._switched_off(setting, function, "Mode: Active")
            return
        config = function.node.get("TracingConfig")
        if "TracingConfig" in function.node and (
            not isinstance(config, YMap) or not is_known(config)
        ):
            return  # an intrinsic function (`!If`) or an odd value: cannot tell
        allowed = _role_allows_xray(app, function)
        yield at_key(
            self,
            function,
            f"No X-Ray tracing for function `{function.name}`: slow or failing requests "
            "cannot be followed across services; add `TracingConfig: {Mode: Active}`.",
            fix=_tracing_fix(
                app,
                function.node,
                ("Mode", "Active"),
                "Add `TracingConfig: {Mode: Active}`",
                None if allowed else "the role also needs xray:PutTraceSegments",
                under="TracingConfig",
            ),
        )


def _untraced_how(state: str) -> str:
    if state == PASSTHROUGH:
        return "X-Ray tracing is only `PassThrough`"
    return "X-Ray tracing is switched off"


def _untraced_why(state: str) -> str:
    if state == PASSTHROUGH:
        return (
            "only requests an upstream service already sampled are traced, so queue, "
            "stream, schedule and S3 invocations never are"
        )
    return "requests cannot be followed across services"


def _tracing_fix(
    app: App,
    owner: YMap,
    entry: tuple[str, str],
    message: str,
    role_note: str | None,
    *,
    under: str | None = None,
) -> Fix | None:
    """A fix that adds `entry` to `owner` (to its mapping `under`, made if missing); unsafe,
    with `role_note` saying why, when a role must also be allowed to send traces."""
    if not editable(app, owner):
        return None
    if under is None:
        edit = insert_entries(app.text, owner, [entry])
    else:
        edit = insert_nested(app.text, owner, under, [entry], indent_step(app.document))
    if role_note is not None:
        return fix_of(Applicability.UNSAFE, f"{message} ({role_note})", edit)
    return fix_of(Applicability.SAFE, message, edit)


def _resource_type(function: Function) -> Any:
    resource = function_resource(function)
    return resource.get("Type") if resource is not None else None


def _serverless_custom_role(provider: YMap) -> bool:
    """A role the framework does not create (it adds X-Ray permissions only to its own)."""
    if "role" in provider:
        return True
    iam = provider.get("iam")
    return isinstance(iam, YMap) and "role" in iam and not isinstance(iam.get("role"), YMap)


def _role_allows_xray(app: App, function: Function) -> bool:
    for statement in function.statements:
        # `NotAction` lists what is NOT granted: it cannot prove an X-Ray grant.
        if statement.effect != "Allow" or statement.not_action:
            continue
        for action in statement.actions:
            if isinstance(action, str) and action.lower() in _XRAY_ACTIONS:
                return True
    target = logical_id(function.node.get("Role"))
    props = properties(app.resources.get(target) if target else None)
    arns = props.get("ManagedPolicyArns") if props is not None else None
    return any(_mentions_xray_policy(arn) for arn in as_list(arns))


def _mentions_xray_policy(value: Any) -> bool:
    if isinstance(value, str):
        return any(value.endswith(name) for name in _XRAY_POLICIES)
    if isinstance(value, dict):
        return any(_mentions_xray_policy(v) for v in value.values())
    if isinstance(value, list):
        return any(_mentions_xray_policy(v) for v in value)
    return False
