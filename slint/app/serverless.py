"""serverless.yml (Serverless Framework v3 and v4) -> App."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slint.app.cloudformation import attach_resources, layer_import_root, properties_of
from slint.app.common import (
    link_handler,
    logical_id,
    queues_of,
    requirements_of,
    setting,
    statements_from_policy,
)
from slint.app.model import (
    INTRINSIC_KEYS,
    App,
    Event,
    Function,
    Setting,
    Statement,
    Unknown,
    as_list,
    is_known,
)
from slint.app.node import PLAIN_PLAN, ServerlessNodeBuild, serverless_node_build
from slint.app.variables import Resolver
from slint.app.yamlpos import YList, YMap
from slint.diagnostics import Location

# serverless event key -> normalized kind
EVENT_KINDS = {
    "http": "api",
    "httpApi": "http_api",
    "websocket": "websocket",
    "alb": "alb",
    "sqs": "sqs",
    "sns": "sns",
    "s3": "s3",
    "stream": "stream",
    "kafka": "kafka",
    "msk": "kafka",
    "activemq": "mq",
    "rabbitmq": "mq",
    "schedule": "schedule",
    "eventBridge": "eventbridge",
    "cloudwatchEvent": "eventbridge",
    "cloudwatchLog": "cloudwatch_logs",
    "iot": "iot",
    "iotFleetProvisioning": "iot",
    "cognitoUserPool": "cognito",
    "alexaSkill": "alexa",
    "alexaSmartHome": "alexa",
    "cloudFront": "other",
}


def _empty_map(file: str, at: Location) -> YMap:
    return YMap(at, at, False, file)


def _stream_type(value: Any, settings: YMap | None, resources: YMap) -> str | None:
    if settings is not None and isinstance(settings.get("type"), str):
        return str(settings["type"]).lower()
    arn = settings.get("arn") if settings is not None else value
    target = logical_id(arn)
    resource = resources.get(target) if target is not None else None
    if isinstance(resource, YMap):
        resource_type = resource.get("Type")
        if resource_type in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"):
            return "dynamodb"
        if resource_type == "AWS::Kinesis::Stream":
            return "kinesis"
    text = str(arn)
    if ":dynamodb:" in text.lower() or "StreamArn" in text:
        return "dynamodb"
    if ":kinesis:" in text.lower():
        return "kinesis"
    return None


def _event(kind_key: str, value: Any, index: int, item: YMap, file: str, resources: YMap) -> Event:
    kind = EVENT_KINDS.get(kind_key, "other")
    at = item.key_loc.get(kind_key, item.loc)
    intrinsic = isinstance(value, YMap) and len(value) == 1 and next(iter(value)) in INTRINSIC_KEYS
    settings = value if isinstance(value, YMap) and not intrinsic else None
    anchor = settings if settings is not None else item
    event = Event(
        kind=kind,
        type_name=kind_key,
        name=str(index),
        file=file,
        at=at,
        properties=settings,
    )

    def read(key: str) -> Setting[Any]:
        if settings is not None and key in settings:
            return Setting.read(settings, key)
        return Setting(None, file, at, None, settings, None)

    if kind in ("sqs", "stream", "kafka", "mq"):
        event.batch_size = read("batchSize")
        event.enabled = read("enabled")
        response = read("functionResponseType")
        event.report_batch_item_failures = response
        source = settings.get("arn") if settings is not None else value
        if kind == "kafka" and settings is not None:
            source = settings.get("arn", settings.get("topic"))
        event.source = logical_id(source) or source
    if kind == "stream":
        event.stream_type = _stream_type(value, settings, resources)
        event.maximum_retry_attempts = read("maximumRetryAttempts")
        event.maximum_record_age = read("maximumRecordAgeInSeconds")
        event.bisect_on_error = read("bisectBatchOnFunctionError")
        destinations = settings.get("destinations") if settings is not None else None
        if isinstance(destinations, YMap) and "onFailure" in destinations:
            event.on_failure = Setting.read(destinations, "onFailure")
        else:
            event.on_failure = Setting(None, file, at, None, settings, None)
    if kind in ("api", "http_api"):
        method, path = None, None
        if isinstance(value, str):
            parts = value.split(None, 1)
            if len(parts) == 2:
                method, path = parts
            elif value.strip() == "*":
                method, path = "ANY", "*"
        elif settings is not None:
            method, path = settings.get("method"), settings.get("path")
        event.method = method.upper() if isinstance(method, str) else None
        event.path = path if isinstance(path, str) else None
    if kind == "s3":
        bucket = settings.get("bucket") if settings is not None else value
        event.source = logical_id(bucket) or bucket
    if kind == "sns":
        topic = settings.get("arn", settings.get("topicName")) if settings is not None else value
        event.source = logical_id(topic) or topic
    if kind == "schedule":
        if settings is not None:
            event.extra["rate"] = settings.get("rate")
            event.extra["input"] = settings.get("input")
            event.enabled = read("enabled")
        else:
            event.extra["rate"] = value
    del anchor
    return event


def _resource_map(document: YMap) -> YMap:
    """`resources.Resources` (several blocks when `resources` is a list of files)."""
    resources = document.get("resources")
    at = document.at("resources")
    found = YMap(at, at, False, document.file)
    for block in as_list(resources):
        inner = block.get("Resources") if isinstance(block, dict) else None
        if isinstance(inner, YMap):
            for key, value in inner.items():
                if isinstance(value, YMap) and key not in found:
                    found[key] = value
                    found.key_loc[key] = inner.key_loc[key]
                    found.value_range[key] = inner.value_range[key]
    return found


def _provider_statements(provider: YMap, file: str) -> list[Statement]:
    found: list[Statement] = []
    iam = provider.get("iam")
    if isinstance(iam, YMap):
        role = iam.get("role")
        if isinstance(role, YMap):
            found.extend(statements_from_policy(role.get("statements"), file, role.loc))
    found.extend(statements_from_policy(provider.get("iamRoleStatements"), file, provider.loc))
    return found


def load_serverless(path: Path, display: str, document: YMap, text: str) -> App | None:
    """The App of a serverless.yml; None for a non-AWS provider."""
    app = App(path=path, file=display, format="serverless", document=document, text=text)
    display_dir = str(Path(display).parent) if Path(display).parent != Path(".") else ""

    def note(kind: str, at: Location, message: str) -> None:
        app.notes.append((kind, at, message))

    resolver = Resolver(document, path.parent, display_dir, note)
    resolver.resolve_tree(document)
    app.includes = tuple(resolver.includes)
    app.include_displays = tuple(resolver.include_displays)
    provider = document.get("provider")
    if isinstance(provider, str):
        provider = YMap(document.at("provider"), document.at("provider"), False, display)
        provider["name"] = document["provider"]
    if not isinstance(provider, YMap) or provider.get("name") != "aws":
        return None
    plugins = document.get("plugins")
    if isinstance(plugins, YMap):
        plugins = plugins.get("modules")
    app.plugins = tuple(str(p) for p in as_list(plugins) if isinstance(p, str))
    app.resources = _resource_map(document)
    app.queues = queues_of(app.resources, display)
    statements = _provider_statements(provider, display)

    provider_timeout = Setting.read(provider, "timeout") if "timeout" in provider else None
    provider_memory = Setting.read(provider, "memorySize") if "memorySize" in provider else None
    provider_runtime = Setting.read(provider, "runtime") if "runtime" in provider else None
    provider_retention = (
        Setting.read(provider, "logRetentionInDays") if "logRetentionInDays" in provider else None
    )
    tracing = provider.get("tracing")
    provider_tracing = (
        Setting.read(tracing, "lambda")
        if isinstance(tracing, YMap) and "lambda" in tracing
        else None
    )
    custom = document.get("custom")
    python_requirements = custom.get("pythonRequirements") if isinstance(custom, YMap) else None
    requirements_name = (
        python_requirements.get("fileName") if isinstance(python_requirements, YMap) else None
    )
    layers = _service_layers(app, document)
    provider_layers = provider.get("layers")
    node_build = serverless_node_build(document, app.plugins)
    environment: dict[str, Setting[Any]] = {}
    if isinstance(provider.get("environment"), YMap):
        env = provider["environment"]
        environment = {str(k): Setting.read(env, k) for k in env}

    functions = document.get("functions")
    blocks = functions if isinstance(functions, YList) else [functions]
    for block in blocks:
        if not isinstance(block, YMap):
            continue
        for name, node in block.items():
            if not isinstance(node, YMap):
                node = _empty_map(block.file, block.at(name))
            app.functions.append(
                _function(
                    app,
                    str(name),
                    block.at(name),
                    node,
                    provider_timeout=provider_timeout,
                    provider_memory=provider_memory,
                    provider_runtime=provider_runtime,
                    provider_retention=provider_retention,
                    provider_tracing=provider_tracing,
                    environment=environment,
                    statements=statements,
                    layers=layers,
                    provider_layers=provider_layers,
                    requirements_name=(
                        requirements_name
                        if isinstance(requirements_name, str) and requirements_name
                        else "requirements.txt"
                    ),
                    node_build=node_build,
                )
            )
    _attach_own_resources(app)
    return app


def _service_layers(app: App, document: YMap) -> dict[str, Path]:
    """The layers the service builds from a local folder (`layers: {name: {path:}}`), by
    the logical id the framework gives them (`common` -> `CommonLambdaLayer`): the import
    root of each."""
    block = document.get("layers")
    found: dict[str, Path] = {}
    if not isinstance(block, YMap):
        return found
    for name, spec in block.items():
        folder = spec.get("path") if isinstance(spec, YMap) else None
        if isinstance(folder, str) and folder.strip():
            found[f"{normalized_name(str(name))}LambdaLayer"] = layer_import_root(
                app.directory / folder.strip()
            )
    return found


def normalized_name(function_name: str) -> str:
    """The Serverless Framework's logical-id form of a function name: `create-order` ->
    `CreateDashorder` (its `<name>LambdaFunction`, `<name>LogGroup` resources)."""
    name = function_name.replace("-", "Dash").replace("_", "Underscore")
    return name[:1].upper() + name[1:]


def _attach_own_resources(app: App) -> None:
    """`resources.Resources` is merged into the stack the framework generates: event
    source mappings, invoke configs, URLs and notifications there point at a function
    by its generated logical id (`!GetAtt CreateOrderLambdaFunction.Arn`), and a
    `<Name>LogGroup` resource overrides the generated log group."""
    if not app.resources:
        return
    by_logical = {f"{normalized_name(f.name)}LambdaFunction": f for f in app.functions}
    attach_resources(app, by_logical)
    for function in app.functions:
        if function.log_retention is not None and function.log_retention.present:
            continue
        group = app.resources.get(f"{normalized_name(function.name)}LogGroup")
        if isinstance(group, YMap) and group.get("Type") == "AWS::Logs::LogGroup":
            props = properties_of(group)
            if "RetentionInDays" in props:
                function.log_retention = Setting.read(props, "RetentionInDays")


def _function(
    app: App,
    name: str,
    at: Location,
    node: YMap,
    *,
    provider_timeout: Setting[Any] | None,
    provider_memory: Setting[Any] | None,
    provider_runtime: Setting[Any] | None,
    provider_retention: Setting[Any] | None,
    provider_tracing: Setting[Any] | None,
    environment: dict[str, Setting[Any]],
    statements: list[Statement],
    layers: dict[str, Path] | None = None,
    provider_layers: Any = None,
    requirements_name: str = "requirements.txt",
    node_build: ServerlessNodeBuild | None = None,
) -> Function:
    file = node.file or app.file
    timeout = setting(node, "timeout", provider_timeout)
    function = Function(
        name=str(name),
        app=app,
        file=file,
        at=at,
        node=node,
        runtime=setting(node, "runtime", provider_runtime),
        handler=setting(node, "handler"),
        timeout=timeout,
        memory=setting(node, "memorySize", provider_memory),
        timeout_inherited=timeout.present and "timeout" not in node,
    )
    if "image" in node:
        function.package_type = "Image"
    function.code_dir = app.directory
    # A function's own `layers` replace the provider's; `{Ref: CommonLambdaLayer}`
    # names a layer of the service, an ARN one deployed elsewhere.
    listed = node.get("layers") if "layers" in node else provider_layers
    function.layers = tuple(
        dict.fromkeys(
            (layers or {})[target]
            for target in (logical_id(item) for item in as_list(listed))
            if target is not None and target in (layers or {})
        )
    )
    function.other_layers = tuple(
        item for item in as_list(listed) if logical_id(item) not in (layers or {})
    )
    function.log_retention = setting(node, "logRetentionInDays", provider_retention)
    tracing = node.get("tracing")
    function.tracing = Setting.read(node, "tracing") if tracing is not None else provider_tracing
    function.environment = dict(environment)
    if isinstance(node.get("environment"), YMap):
        env = node["environment"]
        function.environment.update({str(k): Setting.read(env, k) for k in env})
    function.dead_letter = setting(node, "onError")
    destinations = node.get("destinations")
    if isinstance(destinations, YMap) and "onFailure" in destinations:
        function.on_failure = Setting.read(destinations, "onFailure")
    else:
        function.on_failure = Setting.absent(node, file, at)
    function.async_retry_attempts = setting(node, "maximumRetryAttempts")
    url = node.get("url")
    if url is not None and url is not False:
        auth = url.get("authorizer") if isinstance(url, YMap) else None
        auth_value: Any = "AWS_IAM" if auth == "aws_iam" else ("NONE" if auth is None else auth)
        if not is_known(url) or not is_known(auth):
            auth_value = Unknown("function URL settings")
        function.url_auth = Setting(
            auth_value, file, node.key_loc["url"], node.value_range["url"], node, "url"
        )
    function.statements = list(statements)
    own_statements = node.get("iamRoleStatements")
    if own_statements is not None:
        function.statements.extend(statements_from_policy(own_statements, file, node.loc))
    for index, item in enumerate(as_list(node.get("events"))):
        if isinstance(item, YMap) and len(item) >= 1:
            kind_key = next(iter(item))
            function.events.append(
                _event(str(kind_key), item[kind_key], index, item, file, app.resources)
            )
    handler = function.handler.value
    if isinstance(handler, str) and function.has_code_link:
        # What the service's build plugin (or Serverless Framework v4) does to Node.js code.
        node_plan = (
            node_build.plan(node, function.runtime.value) if node_build is not None else PLAIN_PLAN
        )
        # serverless-python-requirements' `module`: the function's code (and its
        # requirements.txt) live in that folder, and the handler path is relative to it.
        module_dir = node.get("module")
        if isinstance(module_dir, str) and module_dir.strip() not in ("", ".", "./"):
            function.code_dir = app.directory / module_dir.strip()
            link_handler(
                function,
                function.code_dir,
                handler,
                path_style=True,
                fallback_dirs=(app.directory,),
                node_plan=node_plan,
            )
        else:
            link_handler(function, app.directory, handler, path_style=True, node_plan=node_plan)
        if isinstance(function.code_dir, Path):
            function.requirements = requirements_of(function, function.code_dir, requirements_name)
    return function
