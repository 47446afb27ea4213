"""AWS SAM and plain CloudFormation templates (CDK output included) -> App."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from slint.app.common import (
    link_handler,
    logical_id,
    queues_of,
    requirements_of,
    statements_from_policy,
)
from slint.app.model import (
    App,
    Event,
    Function,
    Setting,
    Statement,
    Unknown,
    as_list,
    deploy_default,
)
from slint.app.node import template_node_plan
from slint.app.sam_globals import inherited_globals
from slint.app.yamlpos import YList, YMap
from slint.diagnostics import Location

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

# SAM event Type -> (normalized kind, stream type)
SAM_EVENT_KINDS: dict[str, tuple[str, str | None]] = {
    "Api": ("api", None),
    "HttpApi": ("http_api", None),
    "SQS": ("sqs", None),
    "SNS": ("sns", None),
    "S3": ("s3", None),
    "DynamoDB": ("stream", "dynamodb"),
    "Kinesis": ("stream", "kinesis"),
    "DocumentDB": ("documentdb", None),
    "MSK": ("kafka", None),
    "SelfManagedKafka": ("kafka", None),
    "MQ": ("mq", None),
    "Schedule": ("schedule", None),
    "ScheduleV2": ("schedule", None),
    "EventBridgeRule": ("eventbridge", None),
    "CloudWatchEvent": ("eventbridge", None),
    "CloudWatchLogs": ("cloudwatch_logs", None),
    "IoTRule": ("iot", None),
    "AlexaSkill": ("alexa", None),
    "Cognito": ("cognito", None),
}

_PRINCIPAL_KINDS = {
    "s3.amazonaws.com": "s3",
    "sns.amazonaws.com": "sns",
    "events.amazonaws.com": "eventbridge",
    "iot.amazonaws.com": "iot",
    "cognito-idp.amazonaws.com": "cognito",
    "alexa-appkit.amazon.com": "alexa",
}


def is_sam(document: YMap) -> bool:
    """The SAM transform is declared, or (as in the SAM translator's own test inputs)
    the template uses `AWS::Serverless::*` resources that only SAM understands."""
    transform = document.get("Transform")
    if any(t == SAM_TRANSFORM for t in as_list(transform)):
        return True
    resources = document.get("Resources")
    return isinstance(resources, YMap) and any(
        isinstance(r, YMap) and str(r.get("Type", "")).startswith("AWS::Serverless::")
        for r in resources.values()
    )


def _resolve_parameters(value: Any, defaults: dict[str, Any], unknown: set[str]) -> Any:
    """Replace `{"Ref": Param}` by the parameter's Default (Unknown when it has none)."""
    if isinstance(value, YMap):
        if len(value) == 1 and "Ref" in value and isinstance(value["Ref"], str):
            name = value["Ref"]
            if name in defaults:
                return defaults[name]
            if name in unknown:
                return Unknown(f"parameter {name}")
            return value
        for key in list(value):
            value[key] = _resolve_parameters(value[key], defaults, unknown)
    elif isinstance(value, YList):
        for index, item in enumerate(value):
            value[index] = _resolve_parameters(item, defaults, unknown)
    return value


def _parameter_defaults(parameters: Any) -> tuple[dict[str, Any], set[str]]:
    """The value `!Ref` gives for each parameter with a usable Default, and the names of
    the others (their value is only known at deploy time)."""
    defaults: dict[str, Any] = {}
    unknown: set[str] = set()
    if not isinstance(parameters, YMap):
        return defaults, unknown
    for name, spec in parameters.items():
        if not isinstance(spec, YMap) or "Default" not in spec:
            unknown.add(name)
            continue
        kind = str(spec.get("Type", "String"))
        default = spec["Default"]
        if kind.startswith("AWS::SSM::Parameter::"):
            # The Default names an SSM parameter; its value is read at deploy time.
            unknown.add(name)
        elif kind == "Number" and isinstance(default, str):
            defaults[name] = deploy_default(_number(default), f"the default of parameter `{name}`")
        elif (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(
            default, str
        ):
            items = YList(spec.at("Default"), spec.at("Default"), True, spec.file)
            for item in default.split(","):
                items.append(item.strip())
                items.item_range.append(spec.value_range["Default"])
            defaults[name] = items
        else:
            defaults[name] = deploy_default(default, f"the default of parameter `{name}`")
    return defaults, unknown


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _setting(props: YMap, key: str, globals_: YMap | None) -> Setting[Any]:
    if key in props:
        return Setting.read(props, key)
    if globals_ is not None and key in globals_:
        return Setting.read(globals_, key)
    return Setting.absent(props, props.file, props.loc)


def _function_ref(value: Any, functions: dict[str, Function]) -> Function | None:
    """The function `value` points at: `!Ref F`, `!GetAtt F.Arn`, its logical id, its
    `FunctionName`, or an ARN ending with that name."""
    target = logical_id(value)
    if target is not None:
        return functions.get(target)
    if isinstance(value, dict):
        return _function_by_expression(value, functions)
    if not isinstance(value, str) or not value:
        return None
    if value in functions:
        return functions[value]
    name = value.split(":function:", 1)[1].split(":", 1)[0] if ":function:" in value else value
    for function in functions.values():
        # SAM/CFN `FunctionName`; a serverless function's `name`.
        own = function.node.get("name" if function.app.format == "serverless" else "FunctionName")
        if own == name:
            return function
    return None


EXTERNAL = "function deployed elsewhere"


def _external_name(value: Any) -> str | None:
    """How a function of another stack is named where this template wires it up: a
    literal name, the name inside an ARN (`...:function:name[:alias]`), `!ImportValue X`
    or a parameter without a default; None for anything else (`!Ref`/`!GetAtt` of a
    resource, `!Join`), which may well be a function of this template."""
    if isinstance(value, Unknown):
        reason = value.reason
        return (
            "!Ref " + reason.removeprefix("parameter ") if reason.startswith("parameter ") else None
        )
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "Fn::ImportValue":
            shown = inner.get("Fn::Sub") if isinstance(inner, dict) else inner
            return f"!ImportValue {shown}" if isinstance(shown, str) and shown.strip() else None
        if key == "Fn::Sub":
            text = inner[0] if isinstance(inner, list) and inner else inner
            return _external_name(text) if isinstance(text, str) else None
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if ":function:" in text:
        text = text.split(":function:", 1)[1].split(":", 1)[0]
    return text or None


def _names_own_resource(value: Any, resources: YMap, functions: dict[str, Function]) -> bool:
    """`value` is how a function of this template is named (its `FunctionName` as
    written, e.g. `!Sub ${AWS::StackName}-fn`), or a `!Sub` that refers to a resource of
    this template: not another stack's function."""
    if any(function.node.get("FunctionName") == value for function in functions.values()):
        return True
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        inner = value["Fn::Sub"]
        text = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(text, str):
            return any(name.split(".", 1)[0] in resources for name in _SUB_REFERENCE.findall(text))
    return False


_SUB_REFERENCE = re.compile(r"\$\{([^}!]+)\}")


def _external_function(
    app: App,
    functions: dict[str, Function],
    externals: dict[str, Function],
    value: Any,
    resource: YMap,
    at: Location,
) -> Function | None:
    """The external function (Function.external) that `value` names, made on first use;
    None for a serverless service (its `resources` wire its own functions, whose
    deployed names slint does not resolve) or a value that names no function."""
    if app.format == "serverless" or _names_own_resource(value, app.resources, functions):
        return None
    name = _external_name(value)
    if name is None:
        return None
    function = externals.get(name)
    if function is None:
        file = resource.file or app.file
        # No settings of its own: an empty mapping where the template first names it.
        node = YMap(at, at, False, file)
        unknown: Setting[Any] = Setting(Unknown(EXTERNAL), file, at)
        function = Function(
            name=name,
            app=app,
            file=file,
            at=at,
            node=node,
            runtime=unknown,
            handler=unknown,
            timeout=unknown,
            memory=unknown,
            external=True,
        )
        # Its dead-letter queue is set where it is deployed: unknown here.
        function.dead_letter = unknown
        function.on_failure = Setting.absent(node, file, at)
        externals[name] = function
    return function


def _function_by_expression(
    value: dict[Any, Any], functions: dict[str, Function]
) -> Function | None:
    """The function whose `FunctionName` is written as `value` (`!Sub ${AWS::StackName}-fn`
    on both sides), or whose logical id a `!Sub` ARN ends with (`...:function:${Fn}`)."""
    for function in functions.values():
        if function.node.get("FunctionName") == value:
            return function
    if len(value) == 1 and "Fn::Sub" in value:
        inner = value["Fn::Sub"]
        text = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(text, str) and ":function:" in text:
            name = text.split(":function:", 1)[1].split(":", 1)[0]
            match = _SUB_REFERENCE.fullmatch(name)
            if match is not None and match.group(1) in functions:
                return functions[match.group(1)]
    return None


def _source_kind(arn: Any, resources: YMap) -> tuple[str, str | None]:
    target = logical_id(arn)
    if target is not None and isinstance(resources.get(target), YMap):
        resource_type = resources[target].get("Type")
        if resource_type == "AWS::SQS::Queue":
            return "sqs", None
        if resource_type == "AWS::DynamoDB::Table" or resource_type == "AWS::DynamoDB::GlobalTable":
            return "stream", "dynamodb"
        if resource_type == "AWS::Kinesis::Stream":
            return "stream", "kinesis"
        if resource_type == "AWS::MSK::Cluster":
            return "kafka", None
    text = str(arn)
    if ":sqs:" in text:
        return "sqs", None
    if ":dynamodb:" in text or "StreamArn" in text:
        return "stream", "dynamodb"
    if ":kinesis:" in text:
        return "stream", "kinesis"
    if ":kafka:" in text:
        return "kafka", None
    return "other", None


def _poll_event(event: Event, props: YMap | None, source_key: str, resources: YMap) -> Event:
    def read(key: str) -> Setting[Any]:
        if props is not None and key in props:
            return Setting.read(props, key)
        return Setting(None, event.file, event.at, None, props, None)

    event.batch_size = read("BatchSize")
    event.enabled = read("Enabled")
    event.maximum_retry_attempts = read("MaximumRetryAttempts")
    event.maximum_record_age = read("MaximumRecordAgeInSeconds")
    event.bisect_on_error = read("BisectBatchOnFunctionError")
    event.report_batch_item_failures = read("FunctionResponseTypes")
    destination = props.get("DestinationConfig") if props is not None else None
    on_failure = destination.get("OnFailure") if isinstance(destination, YMap) else None
    if isinstance(destination, YMap) and on_failure is not None:
        event.on_failure = Setting.read(destination, "OnFailure")
    else:
        event.on_failure = Setting(None, event.file, event.at, None, props, None)
    arn = props.get(source_key) if props is not None else None
    event.source = logical_id(arn) or arn
    if event.kind == "other" or (event.stream_type is None and event.kind == "stream"):
        event.kind, event.stream_type = _source_kind(arn, resources)
    return event


def _sam_event(name: str, item: YMap, container: YMap, resources: YMap) -> Event:
    type_name = item.get("Type")
    kind, stream_type = SAM_EVENT_KINDS.get(str(type_name), ("other", None))
    props = item.get("Properties")
    props = props if isinstance(props, YMap) else None
    event = Event(
        kind=kind,
        type_name=str(type_name),
        name=name,
        file=container.file,
        at=container.at(name),
        properties=props,
        stream_type=stream_type,
    )
    if kind in ("sqs", "stream", "kafka", "mq", "documentdb"):
        source_key = {"sqs": "Queue", "mq": "Broker", "documentdb": "Cluster"}.get(kind, "Stream")
        _poll_event(event, props, source_key, resources)
    elif props is not None:
        if kind in ("api", "http_api"):
            method, path = props.get("Method"), props.get("Path")
            event.method = method.upper() if isinstance(method, str) else None
            event.path = path if isinstance(path, str) else None
        elif kind == "s3":
            event.source = logical_id(props.get("Bucket")) or props.get("Bucket")
        elif kind == "sns":
            event.source = logical_id(props.get("Topic")) or props.get("Topic")
        elif kind == "schedule":
            event.extra["rate"] = props.get("Schedule", props.get("ScheduleExpression"))
            event.extra["input"] = props.get("Input")
            event.enabled = Setting.read(props, "Enabled") if "Enabled" in props else None
    return event


def load_template(path: Path, display: str, document: YMap, text: str) -> App:
    sam = is_sam(document)
    app = App(
        path=path,
        file=display,
        format="sam" if sam else "cloudformation",
        document=document,
        text=text,
    )
    defaults, unknown = _parameter_defaults(document.get("Parameters"))
    resources = document.get("Resources")
    if not isinstance(resources, YMap):
        return app
    _resolve_parameters(resources, defaults, unknown)
    globals_block = document.get("Globals")
    globals_function: YMap | None = None
    if sam and isinstance(globals_block, YMap):
        _resolve_parameters(globals_block, defaults, unknown)
        candidate = globals_block.get("Function")
        globals_function = candidate if isinstance(candidate, YMap) else None
    app.resources = resources
    app.queues = queues_of(resources, display)
    functions: dict[str, Function] = {}
    for logical, resource in resources.items():
        if not isinstance(resource, YMap):
            continue
        resource_type = resource.get("Type")
        if resource_type == "AWS::Serverless::Function" and sam:
            # What this function inherits: Globals.Function less its `IgnoreGlobals`.
            inherited = inherited_globals(resource, globals_function)
            functions[logical] = _sam_function(app, logical, resource, inherited)
        elif resource_type == "AWS::Lambda::Function":
            functions[logical] = _cfn_function(app, logical, resource)
    app.functions = list(functions.values())
    attach_resources(app, functions)
    _attach_log_groups(app, functions)
    return app


def properties_of(resource: YMap) -> YMap:
    props = resource.get("Properties")
    if isinstance(props, YMap):
        return props
    return YMap(resource.loc, resource.loc, False, resource.file)


def _base_function(app: App, logical: str, resource: YMap, props: YMap) -> Function:
    return Function(
        name=str(logical),
        app=app,
        file=resource.file or app.file,
        at=app.resources.at(logical),
        node=props,
        runtime=Setting.absent(props, props.file, props.loc),
        handler=Setting.absent(props, props.file, props.loc),
        timeout=Setting.absent(props, props.file, props.loc),
        memory=Setting.absent(props, props.file, props.loc),
    )


def _asset_dir(app: App, resource: YMap) -> Path | None:
    """CDK output: the staged copy of the function's code (`aws:asset:path`, relative to
    the cdk.out folder, or absolute when staging is disabled)."""
    metadata = resource.get("Metadata")
    if isinstance(metadata, YMap):
        path = metadata.get("aws:asset:path")
        if isinstance(path, str) and path.strip():
            return app.directory / path.strip()
    return None


def layer_import_root(folder: Path) -> Path:
    """Where a layer's modules are imported from: its `python/` folder (extracted to
    /opt/python, on the function's sys.path), or the folder itself when it has none
    (SAM's `BuildMethod` builds a folder of modules into `python/`)."""
    python = folder / "python"
    return python if python.is_dir() else folder


def _layer_folder(app: App, resource: YMap) -> Path | None:
    """The local folder a layer of the template is built from: SAM `ContentUri`, a
    CloudFormation `Content` path (as `aws cloudformation package` reads it) or a CDK
    asset; None for S3 content or another resource."""
    kind = resource.get("Type")
    if kind not in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
        return None
    asset = _asset_dir(app, resource)
    if asset is not None:
        return asset
    props = properties_of(resource)
    content = props.get("ContentUri" if kind == "AWS::Serverless::LayerVersion" else "Content")
    if isinstance(content, str) and content.strip() and "://" not in content:
        return app.directory / content.strip()
    return None


def _layers(app: App, items: list[Any]) -> tuple[Path, ...]:
    """The import roots of the layers a function lists (`!Ref Layer`) that the template
    builds from local folders; layers given by ARN live elsewhere."""
    found: list[Path] = []
    for item in items:
        target = logical_id(item)
        resource = app.resources.get(target) if target is not None else None
        folder = _layer_folder(app, resource) if isinstance(resource, YMap) else None
        if folder is not None:
            found.append(layer_import_root(folder))
    return tuple(dict.fromkeys(found))


def _other_layers(app: App, items: list[Any]) -> tuple[Any, ...]:
    """The layers a function lists that `_layers` cannot look into: ARNs, parameters,
    imports, layers of the template in S3."""
    found: list[Any] = []
    for item in items:
        target = logical_id(item)
        resource = app.resources.get(target) if target is not None else None
        folder = _layer_folder(app, resource) if isinstance(resource, YMap) else None
        if folder is None:
            found.append(item)
    return tuple(found)


def _code_dir(app: App, code_uri: Any, resource: YMap) -> Path | Unknown:
    """The folder of a SAM function's code: `CodeUri` (default: the template's folder);
    an S3 location or an intrinsic function is unknown."""
    asset = _asset_dir(app, resource)
    if asset is not None:
        return asset
    if code_uri is None:
        return app.directory
    if isinstance(code_uri, str) and code_uri.strip() and "://" not in code_uri:
        return app.directory / code_uri.strip()
    return Unknown("code location")


def _cfn_code_dir(app: App, code: Any, resource: YMap) -> Path | Unknown | None:
    """The folder of a CloudFormation function's code: a CDK asset, or a local path as
    `aws cloudformation package` reads it; S3 or inline code is not on disk."""
    asset = _asset_dir(app, resource)
    if asset is not None:
        return asset
    if isinstance(code, str) and code.strip() and "://" not in code:
        return app.directory / code.strip()
    if isinstance(code, YMap) and "ZipFile" in code:
        return None
    return Unknown("code location")


def _sam_function(app: App, logical: str, resource: YMap, globals_: YMap | None) -> Function:
    props = properties_of(resource)
    function = _base_function(app, logical, resource, props)
    function.globals = globals_
    function.runtime = _setting(props, "Runtime", globals_)
    function.handler = _setting(props, "Handler", globals_)
    function.timeout = _setting(props, "Timeout", globals_)
    function.timeout_inherited = "Timeout" not in props and function.timeout.present
    function.memory = _setting(props, "MemorySize", globals_)
    package = _setting(props, "PackageType", globals_).value
    function.package_type = "Image" if package == "Image" or "ImageUri" in props else "Zip"
    function.inline_code = "InlineCode" in props
    code_uri = _setting(props, "CodeUri", globals_).value
    function.code_dir = _code_dir(app, code_uri, resource)
    # SAM adds a function's own layers to those of `Globals` (lists are additive).
    global_layers = globals_.get("Layers") if globals_ is not None else None
    listed_layers = [*as_list(global_layers), *as_list(props.get("Layers"))]
    function.layers = _layers(app, listed_layers)
    function.other_layers = _other_layers(app, listed_layers)
    function.tracing = _setting(props, "Tracing", globals_)
    logging = _setting(props, "LoggingConfig", globals_).value
    if isinstance(logging, YMap) and "LogGroup" in logging:
        function.log_group = Setting.read(logging, "LogGroup")
    function.environment = {}
    for source in (globals_, props):
        env = source.get("Environment") if source is not None else None
        variables = env.get("Variables") if isinstance(env, YMap) else None
        if isinstance(variables, YMap):
            function.environment.update({str(k): Setting.read(variables, k) for k in variables})
    function.dead_letter = _setting(props, "DeadLetterQueue", globals_)
    invoke = _setting(props, "EventInvokeConfig", globals_).value
    function.on_failure = Setting.absent(props, props.file, props.loc)
    if isinstance(invoke, YMap):
        destination = invoke.get("DestinationConfig")
        if isinstance(destination, YMap) and "OnFailure" in destination:
            function.on_failure = Setting.read(destination, "OnFailure")
        if "MaximumRetryAttempts" in invoke:
            function.async_retry_attempts = Setting.read(invoke, "MaximumRetryAttempts")
    url = _setting(props, "FunctionUrlConfig", globals_)
    if isinstance(url.value, YMap):
        function.url_auth = Setting.read(url.value, "AuthType")
    for policy in as_list(props.get("Policies")):
        if isinstance(policy, YMap) and "Statement" in policy:
            function.statements.extend(statements_from_policy(policy, function.file, policy.loc))
    function.statements.extend(_role_statements(app, props.get("Role")))
    events = props.get("Events")
    if isinstance(events, YMap):
        for name, item in events.items():
            if isinstance(item, YMap):
                function.events.append(_sam_event(str(name), item, events, app.resources))
    _link(function, resource)
    return function


def _cfn_function(app: App, logical: str, resource: YMap) -> Function:
    props = properties_of(resource)
    function = _base_function(app, logical, resource, props)
    function.runtime = Setting.read(props, "Runtime")
    function.handler = Setting.read(props, "Handler")
    function.timeout = Setting.read(props, "Timeout")
    function.memory = Setting.read(props, "MemorySize")
    code = props.get("Code")
    function.package_type = "Image" if props.get("PackageType") == "Image" else "Zip"
    if isinstance(code, YMap) and "ImageUri" in code:
        function.package_type = "Image"
    function.inline_code = isinstance(code, YMap) and "ZipFile" in code
    function.code_dir = _cfn_code_dir(app, code, resource)
    function.layers = _layers(app, as_list(props.get("Layers")))
    function.other_layers = _other_layers(app, as_list(props.get("Layers")))
    tracing = props.get("TracingConfig")
    function.tracing = (
        Setting.read(tracing, "Mode")
        if isinstance(tracing, YMap)
        else Setting.absent(props, props.file, props.loc)
    )
    logging = props.get("LoggingConfig")
    if isinstance(logging, YMap) and "LogGroup" in logging:
        function.log_group = Setting.read(logging, "LogGroup")
    env = props.get("Environment")
    variables = env.get("Variables") if isinstance(env, YMap) else None
    if isinstance(variables, YMap):
        function.environment = {str(k): Setting.read(variables, k) for k in variables}
    function.dead_letter = Setting.read(props, "DeadLetterConfig")
    function.on_failure = Setting.absent(props, props.file, props.loc)
    function.statements.extend(_role_statements(app, props.get("Role")))
    _link(function, resource)
    return function


def _link(function: Function, resource: YMap) -> None:
    handler = function.handler.value
    if isinstance(handler, str) and function.has_code_link and isinstance(function.code_dir, Path):
        # How a Node.js handler's code is built: SAM `Metadata.BuildMethod`, a CDK asset.
        node_plan = template_node_plan(
            resource,
            sam=function.app.format == "sam",
            asset=_asset_dir(function.app, resource) is not None,
            code_dir=function.code_dir,
        )
        link_handler(function, function.code_dir, handler, path_style=False, node_plan=node_plan)
        function.requirements = requirements_of(function, function.code_dir)


def _role_statements(app: App, role: Any) -> list[Statement]:
    """Statements of an IAM role of the same template, and of policies attached to it."""
    target = logical_id(role)
    if target is None:
        return []
    found: list[Statement] = []
    resource = app.resources.get(target)
    if isinstance(resource, YMap) and resource.get("Type") == "AWS::IAM::Role":
        props = properties_of(resource)
        for policy in as_list(props.get("Policies")):
            if isinstance(policy, YMap):
                document = policy.get("PolicyDocument")
                found.extend(statements_from_policy(document, app.file, policy.loc))
    for other in app.resources.values():
        if not isinstance(other, YMap):
            continue
        kind = other.get("Type")
        props = properties_of(other)
        if kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            attached = any(logical_id(r) == target for r in as_list(props.get("Roles")))
        elif kind == "AWS::IAM::RolePolicy":
            attached = logical_id(props.get("RoleName")) == target
        else:
            continue
        if attached:
            found.extend(statements_from_policy(props.get("PolicyDocument"), app.file, props.loc))
    return found


def lambda_assumable_roles(app: App) -> list[str]:
    """Logical ids of the `AWS::IAM::Role`s of the template that `lambda.amazonaws.com`
    may assume: execution roles, of its own functions or of functions deployed
    elsewhere (a stack of roles, the functions' stack importing their ARNs)."""
    found: list[str] = []
    for logical, resource in app.resources.items():
        if not isinstance(resource, YMap) or resource.get("Type") != "AWS::IAM::Role":
            continue
        trust = properties_of(resource).get("AssumeRolePolicyDocument")
        statements = trust.get("Statement") if isinstance(trust, dict) else None
        for statement in as_list(statements):
            if not isinstance(statement, dict) or statement.get("Effect", "Allow") != "Allow":
                continue
            principal = statement.get("Principal")
            services = principal.get("Service") if isinstance(principal, dict) else None
            if any(_is_lambda_service(service) for service in as_list(services)):
                found.append(str(logical))
                break
    return found


def _is_lambda_service(value: Any) -> bool:
    """`lambda.amazonaws.com`, also as `!Sub lambda.${AWS::URLSuffix}`."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        value = value["Fn::Sub"]
    return isinstance(value, str) and value.strip() in (
        "lambda.amazonaws.com",
        "lambda.${AWS::URLSuffix}",
    )


_LOG_GROUP_SUB = re.compile(r"^/aws/lambda/\$\{(?P<id>[A-Za-z0-9]+)\}$")


def _log_group_target(name: Any) -> str | None:
    """The logical id (or literal function name, prefixed with `=`) a log group is named
    after: `!Sub /aws/lambda/${Fn}`, `!Join ["", ["/aws/lambda/", !Ref Fn]]`,
    `/aws/lambda/my-function`."""
    if isinstance(name, str):
        return "=" + name.removeprefix("/aws/lambda/") if name.startswith("/aws/lambda/") else None
    if isinstance(name, dict) and len(name) == 1:
        ((key, inner),) = name.items()
        if key == "Fn::Sub" and isinstance(inner, str):
            match = _LOG_GROUP_SUB.match(inner)
            return match.group("id") if match else None
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2:
            separator, parts = inner
            if separator == "" and isinstance(parts, list) and parts[:1] == ["/aws/lambda/"]:
                return logical_id(parts[1]) if len(parts) == 2 else None
    return None


def _attach_log_groups(app: App, functions: dict[str, Function]) -> None:
    """SAM/CFN retention lives on an `AWS::Logs::LogGroup`: the one the function's
    `LoggingConfig.LogGroup` names, else the one named `/aws/lambda/<function>`."""
    by_target: dict[str, YMap] = {}
    by_name: dict[str, YMap] = {}
    groups: dict[str, YMap] = {}
    for logical, resource in app.resources.items():
        if not isinstance(resource, YMap) or resource.get("Type") != "AWS::Logs::LogGroup":
            continue
        props = properties_of(resource)
        groups[logical] = props
        name = props.get("LogGroupName")
        if isinstance(name, str):
            by_name.setdefault(name, props)
        target = _log_group_target(name)
        if target is not None:
            by_target.setdefault(target, props)
    if not groups:
        return
    for logical, function in functions.items():
        group: YMap | None = None
        named = function.log_group.value if function.log_group is not None else None
        if named is not None:
            group_id = logical_id(named)
            group = groups.get(group_id) if group_id is not None else None
            if group is None and isinstance(named, str):
                group = by_name.get(named)
        if group is None:
            group = by_target.get(logical)
        if group is None:
            own_name = function.node.get("FunctionName")
            if isinstance(own_name, str):
                group = by_target.get("=" + own_name)
        if group is not None:
            function.log_retention = Setting.read(group, "RetentionInDays")


def attach_resources(app: App, functions: dict[str, Function]) -> None:
    """Event sources and settings that live in resources of their own (`functions`: by
    logical id). An event source mapping or invoke config of a function that is not in
    `functions` but named as one deployed elsewhere adds to `app.external_functions`."""
    resources = app.resources
    externals: dict[str, Function] = {}
    has_rest = any(
        isinstance(r, YMap) and r.get("Type") == "AWS::ApiGateway::RestApi"
        for r in resources.values()
    )
    for logical, resource in resources.items():
        if not isinstance(resource, YMap):
            continue
        kind = resource.get("Type")
        props = properties_of(resource)
        at = resources.at(logical)
        if kind == "AWS::Lambda::EventSourceMapping":
            function = _function_ref(props.get("FunctionName"), functions) or (
                _external_function(
                    app, functions, externals, props.get("FunctionName"), resource, at
                )
            )
            if function is not None:
                event = Event("other", str(kind), logical, resource.file, at, props)
                event.kind, event.stream_type = _source_kind(props.get("EventSourceArn"), resources)
                function.events.append(_poll_event(event, props, "EventSourceArn", resources))
        elif kind == "AWS::Lambda::EventInvokeConfig":
            function = _function_ref(props.get("FunctionName"), functions) or (
                _external_function(
                    app, functions, externals, props.get("FunctionName"), resource, at
                )
            )
            if function is not None:
                destination = props.get("DestinationConfig")
                if isinstance(destination, YMap) and "OnFailure" in destination:
                    function.on_failure = Setting.read(destination, "OnFailure")
                if "MaximumRetryAttempts" in props:
                    function.async_retry_attempts = Setting.read(props, "MaximumRetryAttempts")
        elif kind == "AWS::Lambda::Url":
            function = _function_ref(props.get("TargetFunctionArn"), functions)
            if function is not None:
                function.url_auth = Setting.read(props, "AuthType", at)
        elif kind == "AWS::Lambda::Permission":
            function = _function_ref(props.get("FunctionName"), functions)
            principal = props.get("Principal")
            event_kind = _PRINCIPAL_KINDS.get(str(principal))
            if principal == "apigateway.amazonaws.com":
                event_kind = "api" if has_rest else "http_api"
            if function is not None and event_kind is not None:
                event = Event(event_kind, str(kind), logical, resource.file, at, props)
                event.source = logical_id(props.get("SourceArn")) or props.get("SourceArn")
                if not any(e.kind == event_kind for e in function.events):
                    function.events.append(event)
        elif kind == "AWS::SNS::Subscription" and props.get("Protocol") == "lambda":
            function = _function_ref(props.get("Endpoint"), functions)
            if function is not None:
                event = Event("sns", str(kind), logical, resource.file, at, props)
                event.source = logical_id(props.get("TopicArn")) or props.get("TopicArn")
                function.events.append(event)
        elif kind == "AWS::Events::Rule":
            for target in as_list(props.get("Targets")):
                function = _function_ref(
                    target.get("Arn") if isinstance(target, dict) else None, functions
                )
                if function is not None:
                    event_kind = "schedule" if "ScheduleExpression" in props else "eventbridge"
                    event = Event(event_kind, str(kind), logical, resource.file, at, props)
                    event.extra["rate"] = props.get("ScheduleExpression")
                    event.extra["input"] = target.get("Input")
                    function.events.append(event)
        elif kind == "AWS::S3::Bucket":
            notification = props.get("NotificationConfiguration")
            configurations = (
                notification.get("LambdaConfigurations") if isinstance(notification, YMap) else None
            )
            for item in as_list(configurations):
                if not isinstance(item, YMap):
                    continue
                function = _function_ref(item.get("Function"), functions)
                if function is not None:
                    event = Event("s3", str(kind), logical, resource.file, item.loc, item)
                    event.source = logical
                    function.events.append(event)
        elif kind == "Custom::S3BucketNotifications":
            # CDK: `bucket.add_event_notification(...)` becomes this custom resource.
            notification = props.get("NotificationConfiguration")
            configurations = (
                notification.get("LambdaFunctionConfigurations")
                if isinstance(notification, YMap)
                else None
            )
            for item in as_list(configurations):
                if not isinstance(item, YMap):
                    continue
                function = _function_ref(item.get("LambdaFunctionArn"), functions)
                if function is not None:
                    event = Event("s3", str(kind), logical, resource.file, item.loc, item)
                    event.source = logical_id(props.get("BucketName")) or props.get("BucketName")
                    function.events.append(event)
        elif kind == "AWS::Scheduler::Schedule":
            target = props.get("Target")
            function = _function_ref(
                target.get("Arn") if isinstance(target, YMap) else None, functions
            )
            if function is not None and isinstance(target, YMap):
                event = Event("schedule", str(kind), logical, resource.file, at, props)
                event.extra["rate"] = props.get("ScheduleExpression")
                event.extra["input"] = target.get("Input")
                function.events.append(event)
        elif kind == "AWS::SNS::Topic":
            for item in as_list(props.get("Subscription")):
                if isinstance(item, YMap) and item.get("Protocol") == "lambda":
                    function = _function_ref(item.get("Endpoint"), functions)
                    if function is not None:
                        event = Event("sns", str(kind), logical, resource.file, item.loc, item)
                        event.source = logical
                        function.events.append(event)
    app.external_functions = list(externals.values())
