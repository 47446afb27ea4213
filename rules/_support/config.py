"""What the config rules share about the application model.

Numbers as CloudFormation reads them, effective timeouts (own, inherited or AWS's
default), the integration limits of the API sources of a function, the SQS queues of
a config that feed functions, and the template's resources by type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slint.app.common import logical_id
from slint.app.model import INTRINSIC_KEYS, App, Event, Function, Queue, Setting, is_known
from slint.app.yamlpos import YMap
from slint.settings import Settings

from .report import deploy_note

# What AWS uses when a config sets no timeout: the Serverless Framework writes 6 s,
# SAM and CloudFormation leave Lambda's own default of 3 s.
DEFAULT_TIMEOUT = {"serverless": 6, "sam": 3, "cloudformation": 3}
# AppSync gives a request 30 s (not configurable).
APPSYNC_TIMEOUT = 30
SQS_DEFAULT_VISIBILITY = 30

_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


def number(value: Any) -> int | float | None:
    """A known number (CloudFormation also takes numbers written as strings)."""
    if isinstance(value, bool) or not is_known(value):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.match(value):
        return float(value) if "." in value else int(value)
    return None


def show(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def key(app: App, serverless: str, template: str) -> str:
    """A key as the app's format spells it (serverless camelCase, SAM/CFN PascalCase)."""
    return serverless if app.format == "serverless" else template


def where(setting: Setting[Any]) -> str:
    return f"{setting.file}:{setting.at.row}"


@dataclass(frozen=True)
class Timeout:
    """A function's effective timeout and where it comes from."""

    seconds: int | float
    origin: str  # "own", "inherited" or "default"
    setting: Setting[Any]

    def describe(self, app: App) -> str:
        if self.origin == "own":
            return f"timeout {show(self.seconds)} s{deploy_note(self.setting.value)}"
        if self.origin == "inherited":
            note = deploy_note(self.setting.value, joined=True)
            return (
                f"timeout {show(self.seconds)} s (inherited from {where(self.setting)}"
                f"{'; ' + note if note else ''})"
            )
        return f"default timeout {show(self.seconds)} s"


def timeout_of(function: Function) -> Timeout | None:
    """The timeout the function runs with; None when it cannot be known."""
    setting = function.timeout
    if setting.value is None:
        return Timeout(DEFAULT_TIMEOUT.get(function.app.format, 3), "default", setting)
    seconds = number(setting.value)
    if seconds is None:
        return None
    return Timeout(seconds, "inherited" if function.timeout_inherited else "own", setting)


def is_disabled(event: Event) -> bool:
    return event.enabled is not None and event.enabled.value is False


# -- resources -----------------------------------------------------------------------


def is_intrinsic(value: dict[Any, Any]) -> bool:
    """A mapping that is a CloudFormation function call (`{"Fn::If": [...]}`), not settings."""
    if len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in INTRINSIC_KEYS or key.startswith("Fn::"))


def target_id(value: Any) -> str | None:
    """What a reference names: the logical id of `!Ref X` / `!GetAtt X.Arn`, or a name
    written as a plain string."""
    return logical_id(value) or (value if isinstance(value, str) else None)


# `${Name}` / `${Name.Arn}` in a `!Sub` string names a resource of the template.
_SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def references(value: Any) -> Iterator[str]:
    """Logical ids a value names (`!Ref X`, `!GetAtt X.Arn`, `${X}` / `${X.Arn}` in a
    `!Sub`, also inside `!Join` and other intrinsics)."""
    pending = [value]
    while pending:
        current = pending.pop()
        target = logical_id(current)
        if target is not None:
            yield target
        elif isinstance(current, dict):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
        elif isinstance(current, str):
            yield from _SUB_REFERENCE.findall(current)


def mentions(value: Any, logical: str) -> bool:
    """Does `value` (an integration URI, a target) refer to resource `logical`?"""
    if isinstance(value, str) and value == logical:
        return True
    return any(found == logical for found in references(value))


def properties(resource: Any) -> YMap | None:
    """A resource's `Properties` mapping (None when it has none)."""
    props = resource.get("Properties") if isinstance(resource, YMap) else None
    return props if isinstance(props, YMap) else None


def resources_of_type(app: App, *types: str) -> Iterator[tuple[Any, YMap, YMap | None]]:
    """(logical id as written, resource, its `Properties` or None) of the resources of
    these types."""
    for logical, resource in app.resources.items():
        if isinstance(resource, YMap) and resource.get("Type") in types:
            yield logical, resource, properties(resource)


def function_resource(function: Function) -> YMap | None:
    """The SAM / CloudFormation resource that defines a function (None for serverless)."""
    if function.app.format == "serverless":
        return None
    resource = function.app.resources.get(function.name)
    return resource if isinstance(resource, YMap) else None


# -- API and AppSync sources ---------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    seconds: int
    source: str  # "API Gateway REST API", "HTTP API", ...


def _event_limit(event: Event, settings: Settings) -> Limit | None:
    if event.kind == "api":
        limit = Limit(settings.api_timeout_rest, "API Gateway REST API")
    elif event.kind == "http_api":
        limit = Limit(settings.api_timeout_http, "API Gateway HTTP API")
    elif event.kind == "websocket":
        limit = Limit(settings.api_timeout_rest, "API Gateway WebSocket API")
    else:
        return None
    # SAM Api / HttpApi events may set their own integration timeout.
    millis = number(event.properties.get("TimeoutInMillis")) if event.properties else None
    if millis is not None and millis >= 1000 and event.type_name in ("Api", "HttpApi"):
        limit = Limit(int(millis // 1000), f"{limit.source} (TimeoutInMillis {show(millis)})")
    return limit


def _serverless_appsync_functions(app: App) -> set[str]:
    """Functions named as `AWS_LAMBDA` data sources by the serverless-appsync-plugin."""
    found: set[str] = set()
    custom = app.document.get("custom")
    roots = [app.document.get("appSync")]
    if isinstance(custom, YMap):
        roots.append(custom.get("appSync"))
    stack: list[Any] = [r for r in roots if r is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            config = node.get("config")
            if node.get("type") == "AWS_LAMBDA" and isinstance(config, dict):
                name = config.get("functionName")
                if isinstance(name, str):
                    found.add(name)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _template_appsync_functions(app: App) -> set[str]:
    """Functions behind `AWS::AppSync::DataSource` / SAM `GraphQLApi` Lambda data sources."""
    found: set[str] = set()
    types = ("AWS::AppSync::DataSource", "AWS::Serverless::GraphQLApi")
    for _, resource, props in resources_of_type(app, *types):
        if props is None:
            continue
        kind = resource.get("Type")
        if kind == "AWS::AppSync::DataSource" and props.get("Type") == "AWS_LAMBDA":
            config = props.get("LambdaConfig")
            if isinstance(config, dict):
                target = logical_id(config.get("LambdaFunctionArn"))
                if target is not None:
                    found.add(target)
        elif kind == "AWS::Serverless::GraphQLApi":
            sources = props.get("DataSources")
            lambdas = sources.get("Lambda") if isinstance(sources, dict) else None
            if isinstance(lambdas, dict):
                for source in lambdas.values():
                    if isinstance(source, dict):
                        target = logical_id(source.get("FunctionArn"))
                        if target is not None:
                            found.add(target)
    return found


def appsync_functions(app: App) -> set[str]:
    if app.format == "serverless":
        return _serverless_appsync_functions(app) | _template_appsync_functions(app)
    return _template_appsync_functions(app)


def integration_limit(
    function: Function, settings: Settings, appsync: set[str] | None = None
) -> Limit | None:
    """The smallest integration timeout among the synchronous API sources of a function."""
    limits = [
        limit
        for event in function.events
        if not is_disabled(event) and (limit := _event_limit(event, settings)) is not None
    ]
    if appsync is None:
        appsync = appsync_functions(function.app)
    if function.name in appsync:
        limits.append(Limit(APPSYNC_TIMEOUT, "AppSync"))
    return min(limits, key=lambda limit: limit.seconds) if limits else None


# -- SQS queues of the same config ---------------------------------------------------


@dataclass(frozen=True)
class Consumer:
    function: Function
    event: Event


def queue_consumers(app: App) -> dict[str, tuple[Queue, list[Consumer]]]:
    """Queues defined in the app's own resources, with the functions they feed."""
    found: dict[str, tuple[Queue, list[Consumer]]] = {}
    for function in app.all_functions:
        for event in function.events:
            if is_disabled(event):
                continue
            source = event.source if event.kind == "sqs" else None
            subscription = sqs_subscription(event)
            if isinstance(subscription, dict):
                source = logical_id(subscription.get("QueueArn"))
            queue = app.queues.get(source) if isinstance(source, str) else None
            if queue is None:
                continue
            found.setdefault(queue.logical_id, (queue, []))[1].append(Consumer(function, event))
    return found


def sqs_subscription(event: Event) -> Any:
    """A SAM SNS event's `SqsSubscription` (true, or the queue's settings), else None:
    the topic then feeds a queue, and the function reads that queue."""
    if event.kind != "sns" or event.type_name != "SNS" or event.properties is None:
        return None
    subscription = event.properties.get("SqsSubscription")
    if subscription is None or subscription is False:
        return None
    return subscription
