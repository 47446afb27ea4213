from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from textwrap import dedent
from typing import Any

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.model import App, Event, Function, Setting, Unknown, as_list, is_known
from slint.app.project import LinkedHandler, ReachedFunction
from slint.diagnostics import Diagnostic, Location
from slint.facts import Behaviour, Call, Condition, Skip, Value
from slint.fixes import text_lines
from slint.settings import Settings

from .._support.config import properties

# -- the writes ----------------------------------------------------------------------
# The `ObjectCreated` event types each kind of write fires. The managed transfers of
# boto3 (`upload_file`, `upload_fileobj`, `copy`) switch to a multipart upload above
# their threshold (8 MB by default), which ends in `CompleteMultipartUpload`.
_PUT = frozenset({"Put"})
_COPY = frozenset({"Copy"})
_MULTIPART = frozenset({"CompleteMultipartUpload"})
_UPLOAD = _PUT | _MULTIPART
_MANAGED_COPY = _COPY | _MULTIPART


@dataclass(frozen=True)
class _Api:
    """Where a write method takes its bucket and key, and what it fires.

    `bucket` / `key` are (keyword, position) of the argument; None: the resource object
    the method is called on holds it."""

    bucket: tuple[str, int | None] | None
    key: tuple[str, int | None] | None
    events: frozenset[str]


# `s3 = boto3.client("s3")`: put_object(Bucket=, Key=), upload_file(Filename, Bucket, Key),
# upload_fileobj(Fileobj, Bucket, Key), copy(CopySource, Bucket, Key).
_CLIENT_WRITES = {
    "put_object": _Api(("Bucket", None), ("Key", None), _PUT),
    "copy_object": _Api(("Bucket", None), ("Key", None), _COPY),
    "complete_multipart_upload": _Api(("Bucket", None), ("Key", None), _MULTIPART),
    "upload_file": _Api(("Bucket", 1), ("Key", 2), _UPLOAD),
    "upload_fileobj": _Api(("Bucket", 1), ("Key", 2), _UPLOAD),
    "copy": _Api(("Bucket", 1), ("Key", 2), _MANAGED_COPY),
}
# Methods that are S3 writes by their name and a `Bucket=` keyword, on a client whose
# service cannot be told (passed as a parameter, built by a project helper). `copy` is
# left out: `dict.copy` and `shutil.copy` share the name.
_UNTYPED_CLIENT_WRITES = frozenset(
    {"put_object", "copy_object", "complete_multipart_upload", "upload_file", "upload_fileobj"}
)
# `s3.Bucket(name)`: put_object(Key=), upload_file(Filename, Key), upload_fileobj(Fileobj,
# Key), copy(CopySource, Key).
_BUCKET_WRITES = {
    "put_object": _Api(None, ("Key", None), _PUT),
    "upload_file": _Api(None, ("Key", 1), _UPLOAD),
    "upload_fileobj": _Api(None, ("Key", 1), _UPLOAD),
    "copy": _Api(None, ("Key", 1), _MANAGED_COPY),
}
# `s3.Object(bucket_name, key)`: the object names both.
_OBJECT_WRITES = {
    "put": _Api(None, None, _PUT),
    "upload_file": _Api(None, None, _UPLOAD),
    "upload_fileobj": _Api(None, None, _UPLOAD),
    "copy": _Api(None, None, _MANAGED_COPY),
    "copy_from": _Api(None, None, _COPY),
}
# The identifiers of the resource objects, as boto3 names them (keyword, position).
_RESOURCE_IDENTIFIERS = {
    "Bucket": {"bucket": ("name", 0)},
    "Object": {"bucket": ("bucket_name", 0), "key": ("key", 1)},
}


@dataclass(frozen=True)
class _Target:
    """Where one write goes, as one path through the code tells: the bucket and the key
    (None when the key cannot be told)."""

    bucket: Value
    key: Value | None
    via: str | None = None  # where a caller passes them in (`app.py:12`)


@dataclass(frozen=True)
class _Write:
    """One S3 write in code that runs per invocation."""

    reached: ReachedFunction
    call: Call
    events: frozenset[str]
    # One target per call path that passes the bucket and key in (the write itself when
    # they are not parameters of its function).
    targets: tuple[_Target, ...]

    @property
    def keys(self) -> tuple[Value, ...]:
        return tuple(target.key for target in self.targets if target.key is not None)


# -- the triggers --------------------------------------------------------------------
@dataclass(frozen=True)
class _Bucket:
    """The ways config and code can name one bucket."""

    names: frozenset[str]  # its literal name(s)
    refs: frozenset[str]  # logical ids of the `AWS::S3::Bucket` resource
    values: tuple[Any, ...]  # other expressions of its name (an `Fn::Sub`, a parameter)
    shown: str
    # An unresolved serverless variable as written (`${ssm:/app/bucket}`): the same text
    # elsewhere in the config is the same value. (Its `Unknown` names only the variable
    # that failed, which `${ssm:/app}-a` and `${ssm:/app}-b` share.)
    written: str | None = None


@dataclass(frozen=True)
class _Rule:
    kind: str  # "prefix", "suffix", or "" for a rule that cannot be read
    value: str | None  # None: not known before deployment


@dataclass(frozen=True)
class _Trigger:
    event: Event
    bucket: _Bucket
    types: frozenset[str]  # ObjectCreated event types it listens to; "*" for all
    rules: tuple[_Rule, ...] | None  # None: no prefix/suffix filter
    label: str  # `serverless.yml:12: s3 event on bucket `uploads``

    def fires_on(self, events: frozenset[str]) -> bool:
        return "*" in self.types or bool(self.types & events)


_CREATED = re.compile(r"^s3:ObjectCreated:(?P<type>\*|[A-Za-z]+)$", re.IGNORECASE)
_CREATED_TYPES = {name.lower(): name for name in ("Put", "Post", "Copy", "CompleteMultipartUpload")}
_SERVERLESS_DEFAULT_EVENT = "s3:ObjectCreated:*"
_NON_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


def _created_types(value: Any) -> frozenset[str] | None:
    """The `ObjectCreated` types of an event setting (a string or a list of them);
    None when a part cannot be known."""
    found: set[str] = set()
    for item in as_list(value):
        if not isinstance(item, str):
            return None
        match = _CREATED.match(item.strip())
        if match is None:
            continue
        name = match.group("type")
        found.add("*" if name == "*" else _CREATED_TYPES.get(name.lower(), name))
    return frozenset(found)


def _key_rules(items: Any, name_key: str, value_key: str) -> tuple[_Rule, ...]:
    """`[{Name: prefix, Value: in/}]` filter rules (SAM, CloudFormation, CDK)."""
    found: list[_Rule] = []
    for item in as_list(items):
        if not isinstance(item, dict) or not is_known(item):
            found.append(_Rule("", None))
            continue
        kind, value = item.get(name_key), item.get(value_key)
        kind = kind.lower() if isinstance(kind, str) else ""
        found.append(_Rule(kind if kind in ("prefix", "suffix") else "", _text(value)))
    return tuple(found)


def _text(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _serverless_rules(rules: Any) -> tuple[_Rule, ...] | None:
    """serverless `rules: [{prefix: in/}, {suffix: .jpg}]`."""
    if rules is None:
        return None
    found: list[_Rule] = []
    for item in as_list(rules):
        if not isinstance(item, dict):
            found.append(_Rule("", None))
            continue
        for kind, value in item.items():
            kind = str(kind).lower()
            found.append(_Rule(kind if kind in ("prefix", "suffix") else "", _text(value)))
    return tuple(found) or None


def _nested(mapping: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def _template_rules(filter_setting: Any, *path: str) -> tuple[_Rule, ...] | None:
    """`Filter: {S3Key: {Rules: [...]}}` (SAM, CloudFormation) or CDK's
    `Filter: {Key: {FilterRules: [...]}}`; a filter that cannot be read counts as one."""
    if filter_setting is None:
        return None
    if not isinstance(filter_setting, dict) or not is_known(filter_setting):
        return (_Rule("", None),)  # an `!If`, a parameter: some filter, unknown
    rules = _nested(filter_setting, *path)
    if rules is None:
        return None
    return _key_rules(rules, "Name", "Value") or None


def _bucket(function: Function, raw: Any, serverless: bool) -> _Bucket | None:
    """How a bucket named by `raw` (a name, `!Ref Bucket`, an expression) is written."""
    resources = function.app.resources
    names: set[str] = set()
    refs: set[str] = set()
    values: list[Any] = []
    shown: str | None = None
    target = logical_id(raw) if isinstance(raw, dict) and "Ref" in raw else None
    if isinstance(raw, str):
        names.add(raw)
        shown = raw
        if serverless:
            # The framework creates the bucket as `S3Bucket<Name>` (`my-photos` ->
            # `S3BucketMyphotos`), which `!Ref` in the environment may name.
            normalized = _NON_ALPHANUMERIC.sub("", raw)
            refs.add(f"S3Bucket{normalized[:1].upper()}{normalized[1:]}")
        for logical, resource in resources.items():
            props = properties(resource)
            if props is not None and props.get("BucketName") == raw:
                refs.add(str(logical))
    elif target is not None:
        refs.add(target)
        shown = target
        props = properties(resources.get(target))
        bucket_name = props.get("BucketName") if props is not None else None
        if isinstance(bucket_name, str):
            names.add(bucket_name)
            shown = bucket_name
        elif _comparable(bucket_name):
            values.append(bucket_name)
    elif raw is not None and _comparable(raw):
        values.append(raw)
        shown = _show(raw)
    if shown is None:
        return None
    return _Bucket(frozenset(names), frozenset(refs), tuple(values), shown)


_BUILT_NAMES = frozenset({"Fn::Sub", "Fn::Join"})


def _comparable(value: Any) -> bool:
    """An expression that names the same bucket wherever it is written the same way:
    `!Sub ${AWS::StackName}-uploads`, a template parameter without a default."""
    if isinstance(value, Unknown):
        return value.reason.startswith("parameter ")
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _BUILT_NAMES


def _written(app: App, file: str, span: tuple[Location, Location] | None) -> str | None:
    """A one-line value as written in the app's own file, without quotes."""
    if span is None or file != app.file or span[0].row != span[1].row:
        return None
    lines = text_lines(app.text)
    if not 0 < span[0].row <= len(lines):
        return None
    text = lines[span[0].row - 1][span[0].column - 1 : span[1].column - 1].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text or None


def _show(value: Any) -> str:
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        return f"{key}: {inner}" if isinstance(inner, str) else str(key)
    return str(value)


def _triggers(function: Function) -> list[_Trigger]:
    """The function's S3 triggers that fire on `ObjectCreated`."""
    found: list[_Trigger] = []
    for event in function.events:
        if event.kind != "s3":
            continue
        trigger = _trigger(function, event)
        if trigger is not None and trigger.types:
            found.append(trigger)
    return found


def _trigger(function: Function, event: Event) -> _Trigger | None:
    props = event.properties
    where = f"{event.file}:{event.at.row}"
    if event.type_name == "s3" and function.app.format == "serverless":
        raw = props.get("bucket") if props is not None else event.source
        types = _created_types(
            props.get("event", _SERVERLESS_DEFAULT_EVENT)
            if props is not None
            else _SERVERLESS_DEFAULT_EVENT
        )
        rules = _serverless_rules(props.get("rules")) if props is not None else None
        bucket = _bucket(function, raw, serverless=True)
        if bucket is None and isinstance(raw, Unknown) and props is not None:
            written = _written(function.app, props.file, props.value_range.get("bucket"))
            if written is not None:
                bucket = _Bucket(frozenset(), frozenset(), (), written, written)
        label = f"{where}: s3 event on bucket `{bucket.shown}`" if bucket else ""
    elif event.type_name == "S3" and props is not None:  # SAM
        types = _created_types(props.get("Events"))
        rules = _template_rules(props.get("Filter"), "S3Key", "Rules")
        bucket = _bucket(function, props.get("Bucket"), serverless=False)
        label = f"{where}: S3 event `{event.name}` on bucket `{bucket.shown}`" if bucket else ""
    elif event.type_name == "AWS::S3::Bucket" and props is not None:
        types = _created_types(props.get("Event"))
        rules = _template_rules(props.get("Filter"), "S3Key", "Rules")
        bucket = _bucket(function, {"Ref": str(event.name)}, serverless=False)
        label = f"{where}: notification of bucket `{bucket.shown}`" if bucket else ""
    elif event.type_name == "Custom::S3BucketNotifications" and props is not None:
        # CDK's `bucket.add_event_notification(...)`: the custom resource names the bucket.
        resource = properties(function.app.resources.get(str(event.name)))
        raw = resource.get("BucketName") if resource is not None else None
        types = _created_types(props.get("Events"))
        rules = _template_rules(props.get("Filter"), "Key", "FilterRules")
        bucket = _bucket(function, raw, serverless=False)
        label = f"{where}: notification of bucket `{bucket.shown}`" if bucket else ""
    else:
        # An `AWS::Lambda::Permission` for S3 says nothing of event types or filters.
        return None
    if bucket is None or types is None:
        return None
    return _Trigger(event, bucket, types, rules, label)


# -- the code ------------------------------------------------------------------------
_EVENT_BUCKET = "s3.bucket.name"
_EVENT_KEYS = ("s3.object.key", "s3.get_object.key")
_MAX_TRACE = 6  # calls followed back from a parameter to what the callers pass


class _Code:
    """What the handler's code writes to S3, with values traced back through the
    parameters of the project functions it calls."""

    def __init__(self, handler: LinkedHandler) -> None:
        self.reached = handler.reached
        self._callers: dict[str, list[tuple[ReachedFunction, Call]]] = {}
        names = {r.facts.name for r in self.reached}
        for reached in self.reached:
            for call in reached.behaviour.calls:
                # A project function's name shared with an SDK method (`put_object`).
                sdk = call.receiver is not None and call.receiver.service is not None
                if call.method in names and not sdk:
                    self._callers.setdefault(call.method, []).append((reached, call))

    def writes(self) -> Iterator[_Write]:
        for reached in self.reached:
            behaviour = reached.behaviour
            for call in behaviour.calls:
                write = self._write(reached, behaviour, call)
                if write is not None:
                    yield write

    def _write(self, reached: ReachedFunction, behaviour: Behaviour, call: Call) -> _Write | None:
        receiver = call.receiver
        if receiver is None:
            return None
        service = receiver.service
        pairs: list[tuple[Value, Value | None]] = []
        if service in ("s3.Bucket", "s3.Object"):
            kind = service.partition(".")[2]
            api = (_BUCKET_WRITES if kind == "Bucket" else _OBJECT_WRITES).get(call.method)
            if api is None:
                return None
            for built in _constructions(behaviour, call, kind):
                bucket = _identifier(built, kind, "bucket")
                key = _argument(call, api.key) if api.key else _identifier(built, kind, "key")
                if bucket is not None:
                    pairs.append((bucket, key))
        else:
            api = _CLIENT_WRITES.get(call.method)
            if api is None or api.bucket is None or not _is_s3_client(receiver, call):
                return None
            bucket = _argument(call, api.bucket)
            if bucket is not None:
                pairs.append((bucket, _argument(call, api.key) if api.key else None))
        targets = [
            target
            for bucket, key in pairs
            for target in self._trace(reached, _Target(bucket, key), 0)
        ]
        if not targets:
            return None
        return _Write(reached, call, api.events, tuple(targets))

    def _trace(self, reached: ReachedFunction, target: _Target, depth: int) -> list[_Target]:
        """The target, or where its bucket or key is a parameter of a function the
        handler calls, what each of its callers passes (one level at a time, up to
        `_MAX_TRACE`)."""
        bucket, key = _parameter(target.bucket), _parameter(target.key)
        if reached.depth == 0 or depth >= _MAX_TRACE or (bucket is None and key is None):
            return [target]
        found: list[_Target] = []
        parameters = reached.behaviour.parameters
        for caller, call in self._callers.get(reached.facts.name, ()):
            if caller is reached:
                continue
            passed_bucket = (
                _passed(parameters, bucket, call) if bucket is not None else target.bucket
            )
            if passed_bucket is None:
                continue  # not passed: the parameter's default, which we do not see
            passed_key = _passed(parameters, key, call) if key is not None else target.key
            passed = _Target(passed_bucket, passed_key, caller.where(call.span.line))
            found.extend(self._trace(caller, passed, depth + 1))
        return found or [target]


def _parameter(value: Value | None) -> str | None:
    """The name of the parameter `value` is, if it is one (its event path is the bare
    name: `bucket`, not `record.s3.bucket.name`)."""
    path = value.event_path if value is not None else None
    if path is None or "." in path or "[" in path:
        return None
    return path


def _passed(parameters: tuple[str, ...], parameter: str, call: Call) -> Value | None:
    """What `call` passes for `parameter` (of a function or method taking `parameters`)."""
    position: int | None = None
    if parameter in parameters:
        position = parameters.index(parameter)
        if parameters[0] in ("self", "cls") and call.receiver is not None:
            position -= 1
    if position is not None and position < 0:
        return None
    return call.argument(parameter, position)


def _is_s3_client(receiver: Value, call: Call) -> bool:
    if receiver.service == "s3":
        return True
    if receiver.service is not None:
        return False
    # `s3_resource.meta.client` is the resource's client.
    if any(name.endswith(".meta.client") for name in receiver.names) or (
        receiver.text.endswith(".meta.client")
    ):
        return call.method in _CLIENT_WRITES
    return call.method in _UNTYPED_CLIENT_WRITES and call.has_keyword("Bucket")


def _argument(call: Call, where: tuple[str, int | None]) -> Value | None:
    keyword, position = where
    return call.argument(keyword, position)


def _built_by(call: Call, read: tuple[str, ...]) -> bool:
    """Does a value that reads `read` come from `call`? A call's value reads its
    receiver, its arguments and then the callee, in that order."""
    arguments = tuple(name for argument in call.arguments for name in argument.value.names)
    tail = (*arguments, call.name)
    return len(read) >= len(tail) and read[len(read) - len(tail) :] == tail


def _constructions(behaviour: Behaviour, write: Call, kind: str) -> list[Call]:
    """The `s3.Bucket(...)` / `s3.Object(...)` calls that built the write's receiver: the
    one inside the same expression (`s3.Object(b, k).put()`), else the constructions
    earlier in the function whose arguments read what the receiver's variable read
    (`obj = s3.Object(b, k)` ... `obj.put()`)."""
    receiver = write.receiver
    if receiver is None:
        return []
    candidates = [
        call
        for call in behaviour.calls
        if call.method == kind
        and call is not write
        and call.receiver is not None
        and call.receiver.service == "s3"
    ]
    inline = [
        call
        for call in candidates
        if call.span.start == write.span.start and _before(call.span.end, write.span.end)
    ]
    if inline:
        return [max(inline, key=lambda call: (call.span.end.row, call.span.end.column))]
    if not receiver.text.isidentifier():
        return []
    read = receiver.names[1:] if receiver.names[:1] == (receiver.text,) else receiver.names
    found = [
        call
        for call in candidates
        if _before(call.span.end, write.span.start) and _built_by(call, read)
    ]
    # Constructions that read the same names but name different buckets (two literals):
    # which one the variable holds cannot be told.
    buckets = {
        bucket.text if bucket is not None else None
        for bucket in (_identifier(call, kind, "bucket") for call in found)
    }
    return found if len(buckets) == 1 else []


def _before(first: Any, second: Any) -> bool:
    return bool((first.row, first.column) <= (second.row, second.column))


def _identifier(built: Call, kind: str, identifier: str) -> Value | None:
    where = _RESOURCE_IDENTIFIERS[kind].get(identifier)
    return built.argument(*where) if where is not None else None


# -- judging -------------------------------------------------------------------------
def _from_event_bucket(value: Value) -> bool:
    path = value.event_path
    return path is not None and (
        path.endswith(_EVENT_BUCKET) or _from_data_class(value, "bucket_name")
    )


def _from_event_key(value: Value) -> bool:
    path = value.event_path
    return path is not None and (
        path.endswith(_EVENT_KEYS) or _from_data_class(value, "object_key")
    )


def _from_data_class(value: Value, attribute: str) -> bool:
    """Powertools' `S3Event(event).bucket_name` / `.object_key` (the first record's); an
    `event["bucket_name"]` of some other payload has the same event path."""
    return any(name.endswith(f"S3Event().{attribute}") for name in value.names)


@dataclass(frozen=True)
class _Match:
    """How the code names the trigger's bucket, in the message's words."""

    what: str  # "bucket `uploads`"
    detail: str  # how the code gets it: "`BUCKET` in the function's environment, ..."


def _same_bucket(function: Function, trigger: _Trigger, value: Value) -> _Match | None:
    bucket = trigger.bucket
    if _from_event_bucket(value):
        return _Match("the bucket the event came from", f"`{value.text}`")
    if value.env is not None:
        setting = function.environment.get(value.env)
        if setting is not None and _names_bucket(function.app, setting, bucket):
            return _Match(
                f"bucket `{bucket.shown}`",
                f"`{value.env}` in the function's environment, {_where(setting)}",
            )
    elif value.is_literal and isinstance(value.literal, str) and value.literal in bucket.names:
        return _Match(f"bucket `{bucket.shown}`", "")
    return None


def _where(setting: Setting[Any]) -> str:
    return f"{setting.file}:{setting.at.row}"


def _names_bucket(app: App, setting: Setting[Any], bucket: _Bucket) -> bool:
    """Does an environment variable's value in the config name `bucket`?"""
    config = setting.value
    if isinstance(config, Unknown) and bucket.written is not None:
        return _written(app, setting.file, setting.span) == bucket.written
    if isinstance(config, str):
        return config in bucket.names
    if isinstance(config, dict) and len(config) == 1:
        ((key, inner),) = config.items()
        if key == "Ref" and isinstance(inner, str):
            return inner in bucket.refs
        if key == "Fn::Sub" and isinstance(inner, str):
            whole = re.fullmatch(r"\$\{([A-Za-z0-9]+)\}", inner)
            if whole is not None and whole.group(1) in bucket.refs:
                return True
    return _comparable(config) and any(config == value for value in bucket.values)


def _filter_lets_through(trigger: _Trigger, key: Value | None) -> str | None:
    """The words for why the written key passes the trigger's filter (None: it may be
    kept out, or that cannot be told)."""
    rules = trigger.rules
    if rules is None:
        return "no prefix/suffix filter"
    if key is None:
        return None if any(rule.value != "" for rule in rules) else "an empty filter"
    shown = ", ".join(f"{rule.kind} `{rule.value}`" for rule in rules)
    if _from_event_key(key):
        # Writing back under the key that fired the trigger: it passed the filter.
        return f"filter {shown}, which the key that fired it passed"
    for rule in rules:
        if rule.value is None or not rule.kind:
            return None
        if rule.value == "":
            continue  # matches every key
        if rule.kind == "prefix" and not (
            key.prefix is not None and key.prefix.startswith(rule.value)
        ):
            return None
        if rule.kind == "suffix" and not (
            key.suffix is not None and key.suffix.endswith(rule.value)
        ):
            return None
    return f"filter {shown}, which the written key `{key.text}` passes"


# Strings of a guard that are the keys of the event record it reads, not text it tests.
_RECORD_FIELDS = frozenset(
    {"s3", "object", "key", "bucket", "name", "Records", "eventName", "get_object"}
)
# Tests of a key's text: Python's string and `re` methods, and JavaScript's (`key.startsWith
# ("thumbs/")`, `key.includes("resized")`, `/^thumbs\//.test(key)`, `key.indexOf(...)`).
_KEY_TESTS = frozenset(
    {
        "startswith",
        "endswith",
        "match",
        "search",
        "fullmatch",
        "find",
        "startsWith",
        "endsWith",
        "includes",
        "test",
        "indexOf",
    }
)


def _guarded(code: _Code, write: _Write) -> bool:
    """Does a guard (`if key.startswith("thumbs/"): continue`) in the code that runs
    skip keys, so that the write's own event may stop there? Which way a guard points
    (skip the written keys, or keep only the uploaded ones) cannot be told from its
    test, and both stop the loop: any test of the object key counts."""
    texts = [text for key in write.keys for text in (key.prefix, key.suffix) if text]
    key_names = _key_names(write)
    for reached in code.reached:
        behaviour = reached.behaviour
        for skip in behaviour.skips:
            if reached is write.reached and not _protects(skip, write.call):
                continue
            strings = [s for s in skip.strings if s and s not in _RECORD_FIELDS]
            if strings and all(s == "/" for s in strings):
                continue  # `if key.endswith("/")`: a folder marker, not a written key
            if any(len(s) > 1 and s in text for s in strings for text in texts):
                return True
            if not (strings or set(skip.methods) & _KEY_TESTS):
                continue
            if _reads_key(skip, behaviour, key_names if reached is write.reached else set()):
                return True
    # `if not key.startswith("thumbnails/"): <write>`: the `if` that holds the write tests
    # the key (either way: see above).
    behaviour = write.reached.behaviour
    for index in write.call.conditions:
        condition = behaviour.conditions[index]
        strings = [s for s in condition.strings if s and s not in _RECORD_FIELDS]
        if strings and all(s == "/" for s in strings):
            continue
        if not (strings or set(condition.methods) & _KEY_TESTS):
            continue
        if _reads_key(condition, behaviour, key_names):
            return True
    return False


def _key_names(write: _Write) -> set[str]:
    """The variables the written key is built from in the writing function, without
    those that hold the whole record or event (`key` and `name`, not `record`)."""
    behaviour = write.reached.behaviour
    found: set[str] = set()
    for key in write.keys:
        for name in key.names:
            held = behaviour.local(name)
            if name in behaviour.parameters and held is None:
                continue
            if held is not None and held.event_path is not None and not _from_event_key(held):
                continue
            found.add(name)
    return found


def _protects(skip: Skip, write: Call) -> bool:
    """A guard in the writing function stops the write when it comes first and leaves
    the function, or the loop that holds the write."""
    if not _before(skip.span.start, write.span.start):
        return False
    if skip.exit == "return":
        return True
    return bool(skip.loops) and skip.loops[-1] in write.loops


def _reads_key(skip: Skip | Condition, behaviour: Behaviour, key_names: set[str]) -> bool:
    """The guard's test reads the object key: a name that holds it or that the written
    key is built from, a name that says so (`key`, `object_key`, `src_key`), or
    `record["s3"]["object"]["key"]` itself."""
    if "key" in skip.strings and "object" in skip.strings:
        return True
    for name in skip.names:
        if "key" in name.lower() or name in key_names:
            return True
        held = behaviour.local(name)
        if held is not None and _from_event_key(held):
            return True
    return False


def _call_text(call: Call) -> str:
    if call.display is not None:
        # As the JavaScript is written: `s3.send(new PutObjectCommand(...))`.
        return call.display
    receiver = call.receiver
    if receiver is not None and len(receiver.text) <= 40:
        return f"{receiver.text}.{call.method}"
    return call.method


# The examples' shared files.
_SERVERLESS = dedent("""\
    service: photos
    provider:
      name: aws
      runtime: python3.12
    functions:
      thumbnail:
        handler: handler.thumbnail
        events:
          - s3: photos
    """)

_HANDLER = dedent("""\
    from urllib.parse import unquote_plus

    import boto3

    s3 = boto3.client("s3")


    def thumbnail(event, context):
        for record in event["Records"]:
            bucket = record["s3"]["bucket"]["name"]
            key = unquote_plus(record["s3"]["object"]["key"])
            s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}", Body=b"")
    """)

_CLOUDFORMATION = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Indexer:
        Type: AWS::Lambda::Function
        Properties:
          Code: src/
          Handler: app.handler
          Runtime: python3.12
          Role: arn:aws:iam::123456789012:role/indexer
      Photos:
        Type: AWS::S3::Bucket
        DependsOn: IndexerPermission
        Properties:
          BucketName: photos
          NotificationConfiguration:
            LambdaConfigurations:
              - Event: s3:ObjectCreated:Put
                Function: !GetAtt Indexer.Arn
      IndexerPermission:
        Type: AWS::Lambda::Permission
        Properties:
          Action: lambda:InvokeFunction
          FunctionName: !Ref Indexer
          Principal: s3.amazonaws.com
          SourceArn: arn:aws:s3:::photos
    """)


# Node.js examples: a JavaScript handler in serverless.yml, a TypeScript one that SAM
# builds with esbuild (`src/app.ts` -> `app.handler`).
_SERVERLESS_NODE = _SERVERLESS.replace("python3.12", "nodejs22.x")
_NODE_HANDLER = dedent("""\
    import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";

    const s3 = new S3Client({});

    export const thumbnail = async (event) => {
      for (const record of event.Records) {
        const bucket = record.s3.bucket.name;
        const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
        // The thumbnail goes next to the upload.
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `thumbnails/${key}`, Body: "" }));
      }
    };
    """)
_SAM_NODE = dedent("""\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Resize:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: nodejs22.x
          Environment:
            Variables:
              OUTPUT_BUCKET: !Ref Thumbnails
          Events:
            Upload:
              Type: S3
              Properties:
                Bucket: !Ref Photos
                Events: s3:ObjectCreated:*
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
      Photos:
        Type: AWS::S3::Bucket
      Thumbnails:
        Type: AWS::S3::Bucket
    """)


class RecursiveS3Trigger(CrossRule):
    """
    ## What it does
    Reports a write to S3 (`put_object`, `upload_file`, `upload_fileobj`, `copy_object`,
    the managed `copy`, `complete_multipart_upload`; `Bucket.put_object`,
    `Bucket.upload_file`; `Object.put`, `Object.upload_file`, `Object.copy_from`) in
    the code a function runs on every invocation, when the function is triggered by
    `ObjectCreated` events of the bucket it writes to:

    - the trigger: a serverless `s3` event (its `event:` defaults to
      `s3:ObjectCreated:*`), a SAM `S3` event, a CloudFormation bucket's
      `NotificationConfiguration.LambdaConfigurations`, or the notifications CDK
      generates; the event types must include one the write fires (`Put` for
      `put_object`, `Copy` for `copy_object`, `Put` or `CompleteMultipartUpload` for
      the managed transfers);
    - the same bucket: the bucket comes from the event record
      (`record["s3"]["bucket"]["name"]`), or from an environment variable the config
      sets to the trigger's bucket (the same name, `!Ref`, or resolved
      `${self:custom...}` value), or is the bucket's name written out;
    - the trigger has no prefix/suffix filter, or its filter lets the written key
      through (a key known to start with the filter's prefix and end with its suffix,
      or the key of the triggering object itself);
    - no guard in the code skips keys before the write (`if key.startswith("thumbs/"):
      continue`, `if "resized" in key: return`).

    Node.js handlers (JavaScript and TypeScript) are read the same way: SDK v3
    `PutObjectCommand`, `CopyObjectCommand`, `CompleteMultipartUploadCommand` sent to an
    S3 client, lib-storage's `new Upload({ client, params }).done()`, SDK v2
    `s3.putObject(...)`, `s3.copyObject(...)`, `s3.upload(...)`; the bucket from
    `record.s3.bucket.name` or `process.env.X`; guards such as `if
    (key.startsWith("thumbs/")) return;`, `key.endsWith(...)`, `key.includes(...)`,
    `/^thumbs\\//.test(key)`.

    Values passed to a function of the project (`resize(bucket, key)`) are followed to
    what its callers pass. Where the bucket, the key (against a filter) or the trigger's
    settings cannot be told, nothing is reported. Reported on the write; the message
    names the trigger.

    ## Why is this bad?
    Every object the function writes into the bucket is a new `ObjectCreated` event
    that invokes the function again, which writes again: an endless loop that scales
    out to the account's concurrency and bills invocations, requests and storage until
    someone notices. Lambda's recursive loop detection stops some such loops after
    about 16 rounds, but only when it can follow the chain (a recent AWS SDK in the
    function) and only if it has not been turned off; the objects written by then stay
    in the bucket.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      thumbnail:
        handler: handler.thumbnail
        events:
          - s3: photos
    ```
    ```python
    def thumbnail(event, context):
        for record in event["Records"]:
            bucket = record["s3"]["bucket"]["name"]
            key = unquote_plus(record["s3"]["object"]["key"])
            s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}", Body=resize(bucket, key))
    ```

    ## Use instead
    Write to another bucket:
    ```python
    s3.put_object(Bucket=os.environ["THUMBNAIL_BUCKET"], Key=key, Body=...)
    ```
    or limit the trigger to the uploaded keys:
    ```yaml
          - s3:
              bucket: photos
              event: s3:ObjectCreated:*
              rules:
                - prefix: uploads/
    ```
    or, when neither is possible, return early for the function's own keys:
    ```python
            if key.startswith("thumbnails/"):
                continue
    ```

    ## Fix
    None: whether to move the output to another bucket, filter the trigger or skip the
    function's own keys in the code is a design decision.

    ## References
    - [Using an Amazon S3 trigger to create thumbnail images](https://docs.aws.amazon.com/lambda/latest/dg/with-s3-tutorial.html)
    - [Avoiding recursive invocation with Amazon S3 and AWS Lambda](https://aws.amazon.com/blogs/compute/avoiding-recursive-invocation-with-amazon-s3-and-aws-lambda/)
    - [Configuring event notifications using object key name filtering](https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html)
    - [Use Lambda recursive loop detection to prevent infinite loops](https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html)
    """

    code = "SL208"
    name = "recursive-s3-trigger"
    severity = Severity.ERROR
    fix = FixKind.NONE

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.reached:
            return
        triggers = _triggers(function)
        if not triggers:
            return
        code = _Code(handler)
        for write in code.writes():
            found = self._loop(function, triggers, write)
            if found is None or _guarded(code, write):
                continue
            trigger, target, match, passes = found
            details = [
                part for part in (match.detail, target.via and f"passed in at {target.via}") if part
            ]
            how = f"{match.what} ({'; '.join(details)})" if details else match.what
            call = write.call
            yield self.make_diagnostic(
                write.reached.display,
                call.span.start,
                call.span.end,
                f"`{_call_text(call)}` writes to {how}, whose `ObjectCreated` events invoke "
                f"function `{function.name}` ({trigger.label}, {passes}): every write "
                "invokes the function again, in an endless loop. Write to another bucket, or "
                "filter the trigger by a prefix or suffix that the written keys do not have",
            )

    @staticmethod
    def _loop(
        function: Function, triggers: list[_Trigger], write: _Write
    ) -> tuple[_Trigger, _Target, _Match, str] | None:
        for trigger in triggers:
            if not trigger.fires_on(write.events):
                continue
            for target in write.targets:
                match = _same_bucket(function, trigger, target.bucket)
                if match is None:
                    continue
                passes = _filter_lets_through(trigger, target.key)
                if passes is not None:
                    return trigger, target, match, passes
        return None

    valid = (
        # The trigger only fires for `uploads/`; the thumbnails go to `thumbnails/`.
        Valid(
            _HANDLER,
            files={
                "serverless.yml": dedent("""\
                    service: photos
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      thumbnail:
                        handler: handler.thumbnail
                        events:
                          - s3:
                              bucket: photos
                              event: s3:ObjectCreated:*
                              rules:
                                - prefix: uploads/
                    """),
            },
        ),
        # The output bucket is another bucket.
        Valid(
            dedent("""\
                import os

                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    for record in event["Records"]:
                        key = record["s3"]["object"]["key"]
                        s3.put_object(Bucket=os.environ["OUTPUT_BUCKET"], Key=key, Body=b"")
                """),
            filename="src/app.py",
            files={
                "template.yaml": dedent("""\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      Resize:
                        Type: AWS::Serverless::Function
                        Properties:
                          CodeUri: src/
                          Handler: app.handler
                          Runtime: python3.12
                          Environment:
                            Variables:
                              OUTPUT_BUCKET: !Ref Thumbnails
                          Events:
                            Upload:
                              Type: S3
                              Properties:
                                Bucket: !Ref Photos
                                Events: s3:ObjectCreated:*
                      Photos:
                        Type: AWS::S3::Bucket
                      Thumbnails:
                        Type: AWS::S3::Bucket
                    """),
            },
        ),
        # The code skips the keys it writes itself.
        Valid(
            dedent("""\
                import boto3

                s3 = boto3.client("s3")


                def thumbnail(event, context):
                    for record in event["Records"]:
                        bucket = record["s3"]["bucket"]["name"]
                        key = record["s3"]["object"]["key"]
                        if key.startswith("thumbnails/"):
                            continue
                        s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}", Body=b"")
                """),
            files={"serverless.yml": _SERVERLESS},
        ),
        # Deletions do not fire on writes.
        Valid(
            dedent("""\
                import boto3

                s3 = boto3.resource("s3")


                def handler(event, context):
                    for record in event["Records"]:
                        bucket = record["s3"]["bucket"]["name"]
                        s3.Object(bucket, "deleted.log").put(Body=b"")
                """),
            filename="src/app.py",
            files={
                "template.yaml": _CLOUDFORMATION.replace("ObjectCreated:Put", "ObjectRemoved:*")
            },
        ),
        # Node.js (JavaScript): the handler returns early for the keys it writes.
        Valid(
            _NODE_HANDLER.replace(
                "    // The thumbnail goes next to the upload.\n",
                '    if (key.startsWith("thumbnails/")) return;\n',
            ),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE},
        ),
        # Node.js (TypeScript): the output goes to another bucket.
        Valid(
            dedent("""\
                import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
                import type { S3Event } from "aws-lambda";

                const s3 = new S3Client({});

                export const handler = async (event: S3Event): Promise<void> => {
                  for (const record of event.Records) {
                    const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
                    const output = process.env.OUTPUT_BUCKET;
                    await s3.send(new PutObjectCommand({ Bucket: output, Key: key, Body: "" }));
                  }
                };
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE},
        ),
    )
    invalid = (
        Invalid(
            _HANDLER,
            files={"serverless.yml": _SERVERLESS},
            line=12,
            column=9,
            message="writes to the bucket the event came from (`bucket`), whose `ObjectCreated` "
            "events invoke function `thumbnail` (serverless.yml:9: s3 event on bucket `photos`, "
            "no prefix/suffix filter)",
        ),
        Invalid(
            dedent("""\
                import os

                import boto3

                s3 = boto3.client("s3")
                OUTPUT = os.environ["OUTPUT_BUCKET"]


                def handler(event, context):
                    for record in event["Records"]:
                        key = record["s3"]["object"]["key"]
                        s3.upload_file("/tmp/small.jpg", OUTPUT, f"uploads/small/{key}")
                """),
            filename="src/app.py",
            files={
                "template.yaml": dedent("""\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      Resize:
                        Type: AWS::Serverless::Function
                        Properties:
                          CodeUri: src/
                          Handler: app.handler
                          Runtime: python3.12
                          Environment:
                            Variables:
                              OUTPUT_BUCKET: !Ref Photos
                          Events:
                            Upload:
                              Type: S3
                              Properties:
                                Bucket: !Ref Photos
                                Events: s3:ObjectCreated:*
                                Filter:
                                  S3Key:
                                    Rules:
                                      - Name: prefix
                                        Value: uploads/
                      Photos:
                        Type: AWS::S3::Bucket
                    """),
            },
            line=12,
            column=9,
            message="filter prefix `uploads/`, which the written key "
            '`f"uploads/small/{key}"` passes',
        ),
        Invalid(
            dedent("""\
                import boto3

                s3 = boto3.resource("s3")


                def handler(event, context):
                    for record in event["Records"]:
                        bucket = record["s3"]["bucket"]["name"]
                        key = record["s3"]["object"]["key"]
                        s3.Object(bucket, key + ".json").put(Body=b"{}")
                """),
            filename="src/app.py",
            files={"template.yaml": _CLOUDFORMATION},
            line=10,
            column=9,
            message="(template.yaml:17: notification of bucket `photos`, no prefix/suffix filter)",
        ),
        # Node.js (JavaScript, SDK v3): the thumbnail goes back into the uploads bucket.
        Invalid(
            _NODE_HANDLER,
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE},
            line=10,
            column=11,
            message=(
                "`s3.send(new PutObjectCommand(...))` writes to the bucket the event came from "
                "(`bucket`), whose `ObjectCreated` events invoke function `thumbnail` "
                "(serverless.yml:9: s3 event on bucket `photos`, no prefix/suffix filter)"
            ),
        ),
        # Node.js (TypeScript): the environment names the triggering bucket.
        Invalid(
            dedent("""\
                import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
                import type { S3Event } from "aws-lambda";

                const s3 = new S3Client({});

                export const handler = async (event: S3Event): Promise<void> => {
                  for (const record of event.Records) {
                    const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
                    const output = process.env.OUTPUT_BUCKET;
                    await s3.send(new PutObjectCommand({ Bucket: output, Key: key, Body: "" }));
                  }
                };
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE.replace("!Ref Thumbnails", "!Ref Photos")},
            line=10,
            column=11,
            message="writes to bucket `Photos` (`OUTPUT_BUCKET` in the function's environment",
        ),
    )
