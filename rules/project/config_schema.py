from __future__ import annotations

import datetime
import difflib
import functools
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from slint.api import ConfigRule, Diagnostic, Invalid, Severity, Valid
from slint.app.model import App, Unknown
from slint.app.yamlpos import YList, YMap
from slint.diagnostics import Location
from slint.settings import Settings

from .._support.config import is_intrinsic

Schema = dict[str, Any]
PathItem = str | int


# -- values that cannot be judged before deployment ------------------------------------
class _Opaque(dict[str, Any]):
    """Stands for a `${...}` variable, an intrinsic function or an unknown value: an
    empty mapping that the type checker accepts as every type."""


_OPAQUE = _Opaque()
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")


def _jsonschema(name: str) -> Any:
    """An attribute of `jsonschema`, imported only when a config is checked."""
    import importlib

    return getattr(importlib.import_module("jsonschema"), name)


# -- lenient types: what the Serverless Framework (AJV with coerceTypes) and
# CloudFormation accept: "30" for an integer, 30 for a string, "true" for a boolean.
def _type_checker(scalar_is_array: bool) -> Any:
    draft7 = _jsonschema("Draft7Validator")

    def is_string(_: Any, value: Any) -> bool:
        return isinstance(value, (_Opaque, str, int, float, bool, datetime.date))

    def is_integer(_: Any, value: Any) -> bool:
        if isinstance(value, _Opaque):
            return True
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and _INTEGER.match(value) is not None

    def is_number(_: Any, value: Any) -> bool:
        if isinstance(value, _Opaque):
            return True
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return True
        return isinstance(value, str) and _NUMBER.match(value) is not None

    def is_boolean(_: Any, value: Any) -> bool:
        if isinstance(value, (_Opaque, bool)):
            return True
        if isinstance(value, str):
            return value.lower() in ("true", "false")
        return isinstance(value, int) and value in (0, 1)

    def is_array(_: Any, value: Any) -> bool:
        if isinstance(value, (_Opaque, list)):
            return True
        return scalar_is_array and not isinstance(value, dict)

    def is_object(_: Any, value: Any) -> bool:
        return isinstance(value, dict)

    def is_null(_: Any, value: Any) -> bool:
        return value is None or isinstance(value, _Opaque)

    return draft7.TYPE_CHECKER.redefine_many(
        {
            "string": is_string,
            "integer": is_integer,
            "number": is_number,
            "boolean": is_boolean,
            "array": is_array,
            "object": is_object,
            "null": is_null,
        }
    )


@functools.cache
def _validator_class(scalar_is_array: bool) -> Any:
    draft7 = _jsonschema("Draft7Validator")
    items = draft7.VALIDATORS["items"]

    def list_items(validator: Any, schema: Any, instance: Any, owner: Any) -> Any:
        # A scalar where a list is expected is a one-item list to the framework.
        if isinstance(instance, list):
            yield from items(validator, schema, instance, owner)

    return _jsonschema("validators").extend(
        draft7,
        validators={"items": list_items},
        type_checker=_type_checker(scalar_is_array),
    )


# -- the instance: the raw document with unknowable values replaced --------------------
class _Source:
    """Finds the text of a value in the config file, to see whether it was written as
    a `${...}` variable (the loader has already replaced variables by their values)."""

    def __init__(self, app: App) -> None:
        self.file = app.file
        self.text = app.text
        self.starts = [0]
        for index, char in enumerate(app.text):
            if char == "\n":
                self.starts.append(index + 1)

    def offset(self, location: Location) -> int:
        row = min(max(location.row, 1), len(self.starts))
        return self.starts[row - 1] + location.column - 1

    def is_variable(self, container: YMap | YList, key: Any) -> bool:
        if container.file != self.file:
            return False
        if isinstance(container, YMap):
            span = container.value_range.get(key)
        else:
            span = container.item_range[key] if key < len(container.item_range) else None
        if span is None:
            return False
        return "${" in self.text[self.offset(span[0]) : self.offset(span[1])]


def _plain(value: Any, source: _Source | None, depth: int = 0) -> Any:
    """A copy of `value` for jsonschema: string keys, `_OPAQUE` for what cannot be known."""
    if depth > 60 or value is None or isinstance(value, Unknown):
        return _OPAQUE
    if isinstance(value, dict):
        if is_intrinsic(value):
            return _OPAQUE
        result: dict[str, Any] = {}
        for key, item in value.items():
            if (
                source is not None
                and isinstance(value, YMap)
                and not isinstance(item, (dict, list))
                and source.is_variable(value, key)
            ):
                result[str(key)] = _OPAQUE
            else:
                result[str(key)] = _plain(item, source, depth + 1)
        return result
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            if (
                source is not None
                and isinstance(value, YList)
                and not isinstance(item, (dict, list))
                and source.is_variable(value, index)
            ):
                items.append(_OPAQUE)
            else:
                items.append(_plain(item, source, depth + 1))
        return items
    if isinstance(value, str) and source is not None and "${" in value:
        return _OPAQUE
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


# -- schemas ---------------------------------------------------------------------------
def _data_file(name: str) -> Path:
    import slint

    return Path(slint.__file__).resolve().parent / "data" / name


@functools.cache
def _serverless_schema() -> Schema:
    result: Schema = json.loads(_data_file("serverless-schema.json").read_text("utf-8"))
    return result


@functools.cache
def _plugin_table() -> dict[str, dict[str, dict[str, Schema]]]:
    result: dict[str, dict[str, dict[str, Schema]]] = json.loads(
        _data_file("serverless-plugins.json").read_text("utf-8")
    )
    return result


def _object_branches(schema: Schema) -> list[Schema]:
    """The mapping-typed alternatives of a schema (itself, or its anyOf members)."""
    if schema.get("type") == "object":
        return [schema]
    return [s for s in schema.get("anyOf", []) if isinstance(s, dict) and s.get("type") == "object"]


@functools.cache
def _serverless_validator(known_plugins: tuple[str, ...], relaxed: bool) -> Any:
    schema: Schema = json.loads(json.dumps(_serverless_schema()))  # a deep copy
    definitions: dict[str, Schema] = schema["definitions"]
    table = _plugin_table()
    places: dict[str, Callable[[], list[Schema]]] = {
        "top": lambda: [schema],
        "provider": lambda: [definitions["provider"]],
        "function": lambda: [definitions["function"]],
        "events": lambda: [definitions["event"]],
    }
    for plugin in known_plugins:
        for place, additions in table.get(plugin, {}).items():
            if place in places:
                targets = places[place]()
            else:
                targets = _object_branches(definitions.get(place, {}))
            for target in targets:
                target.setdefault("properties", {}).update(additions)
    if relaxed:
        # An unknown plugin may add keys at any of the places plugins extend.
        opened = [schema, definitions["provider"], definitions["function"], definitions["event"]]
        for name, definition in definitions.items():
            if name.startswith("event."):
                opened.extend(_object_branches(definition))
        resources = schema["properties"]["resources"]
        for block in resources["anyOf"]:
            opened.extend(_object_branches(block))
            opened.extend(_object_branches(block.get("items", {})))
        for target in opened:
            target["additionalProperties"] = True
    return _validator_class(True)(schema)


@functools.cache
def _cfnlint_schemas() -> Path | None:
    """cfn-lint's resource schemas, found without importing cfn-lint (over a second)."""
    import importlib.util

    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "data" / "schemas"
        if folder.is_dir():
            return folder
    return None


# cfn-lint's data files are not a public interface and their layout changed twice within
# 1.x; every layout is read, so that an older cfn-lint still checks CloudFormation:
# - 1.52 on: `providers/us-east-1.json` and `providers/sam.json` map a resource type to
#   a digest and the schema is `resources/<digest>.json` (`other/sam/globals.json` from
#   1.54 on); the SAM resource schemas first came with 1.52;
# - 1.43 to 1.51: the same mapping as the literal `types = {...}` of
#   `providers/us_east_1.py`;
# - up to 1.42: one schema per type, `providers/us_east_1/aws-sqs-queue.json`.
# An unrecognised layout makes SL003 skip every resource without a word, so
# tests/rules/test_config_schema.py checks that the installed cfn-lint is read.
@functools.cache
def _cfn_schema_files(provider: str) -> dict[str, Path]:
    """Resource type -> its schema file, for `provider` "us-east-1" or "sam"; in the
    one-file-per-type layout the keys are the file names' stems (see `_cfn_schema_file`)."""
    folder = _cfnlint_schemas()
    if folder is None:
        return {}
    providers = folder / "providers"
    module_name = provider.replace("-", "_")
    digests = _json_index(providers / f"{provider}.json") or _python_index(
        providers / f"{module_name}.py"
    )
    if digests:
        return {kind: folder / "resources" / f"{digest}.json" for kind, digest in digests.items()}
    per_type = providers / module_name
    if per_type.is_dir():
        return {path.stem: path for path in per_type.glob("*.json")}
    return {}


def _cfn_schema_file(provider: str, resource_type: str) -> Path | None:
    files = _cfn_schema_files(provider)
    # AWS::SQS::Queue is `aws-sqs-queue.json` in the one-file-per-type layout.
    return files.get(resource_type) or files.get(resource_type.lower().replace("::", "-"))


def _json_index(path: Path) -> dict[str, str]:
    try:
        index = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return _string_mapping(index)


def _python_index(path: Path) -> dict[str, str]:
    """The `types` dict literal of a provider module, read without importing cfn-lint."""
    import ast

    try:
        module = ast.parse(path.read_text("utf-8"))
    except (OSError, ValueError, SyntaxError):
        return {}
    target: ast.expr
    value: ast.expr | None
    for statement in module.body:
        if isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "types" and value is not None:
            try:
                return _string_mapping(ast.literal_eval(value))
            except ValueError:
                return {}
    return {}


def _string_mapping(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(key): str(item) for key, item in value.items() if isinstance(item, str)}


_KEEP = frozenset(
    {
        "type",
        "properties",
        "additionalProperties",
        "patternProperties",
        "items",
        "$ref",
        "definitions",
        "anyOf",
        "oneOf",
        "allOf",
    }
)


def _sanitize(schema: Any) -> Any:
    """Keep what speaks about keys and types; drop enums, patterns, lengths, required.

    `oneOf` becomes `anyOf`: with lenient types a value can match two alternatives."""
    if isinstance(schema, list):
        return [_sanitize(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: Schema = {}
    for key, value in schema.items():
        if key not in _KEEP:
            continue
        if key in ("properties", "definitions"):
            if isinstance(value, dict):
                result[key] = {name: _sanitize(item) for name, item in value.items()}
        elif key == "patternProperties":
            if not isinstance(value, dict):
                continue
            patterns = {}
            for pattern, item in value.items():
                try:
                    re.compile(pattern)
                except re.error:
                    result["additionalProperties"] = True
                    continue
                patterns[pattern] = _sanitize(item)
            result[key] = patterns
        elif key == "oneOf":
            result["anyOf"] = _sanitize(value)
        elif key == "items" and not isinstance(value, dict):
            continue
        else:
            result.setdefault(key, _sanitize(value))
    return result


class _ResourceSchema:
    """One resource type's compiled property validator, and for SAM resources with
    `Events`, one validator per event `Type`."""

    def __init__(self, schema: Schema) -> None:
        definitions = schema.get("definitions", {})
        properties = schema.get("properties", {})
        self.events: dict[str, Any] = {}
        self.event_types: tuple[str, ...] = ()
        events = properties.get("Events")
        alternatives = []
        if isinstance(events, dict) and isinstance(events.get("additionalProperties"), dict):
            alternatives = events["additionalProperties"].get("anyOf", [])
        if alternatives:
            properties["Events"] = {"type": "object"}
            klass = _validator_class(False)
            for alternative in alternatives:
                name = str(alternative.get("$ref", "")).rsplit("/", 1)[-1]
                event = definitions.get(name, {})
                type_schema = event.get("properties", {}).get("Type", {})
                for event_type in _event_type_names(name, type_schema):
                    self.events[event_type] = klass(
                        {"$ref": f"#/definitions/{name}", "definitions": definitions}
                    )
            self.event_types = tuple(self.events)
        self.validator = _validator_class(False)(schema)


def _event_type_names(definition: str, type_schema: Schema) -> list[str]:
    enum = type_schema.get("enum")
    if isinstance(enum, list) and enum:
        return [str(item) for item in enum]
    return [definition.removesuffix("Event")] if definition.endswith("Event") else []


@functools.cache
def _resource_schema(resource_type: str) -> _ResourceSchema | None:
    provider = "sam" if resource_type.startswith("AWS::Serverless::") else "us-east-1"
    path = _cfn_schema_file(provider, resource_type)
    if path is None:
        return None
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    schema = _sanitize(raw)
    if resource_type.startswith("AWS::Serverless::"):
        _patch_sam(schema)
    for property_path in _PACKAGED.get(resource_type, ()):
        _accept_local_path(schema, property_path)
    # Keep the event `Type` enum that sanitizing dropped: _ResourceSchema reads it.
    for name, definition in raw.get("definitions", {}).items():
        type_schema = definition.get("properties", {}).get("Type") if definition else None
        if (
            isinstance(type_schema, dict)
            and "enum" in type_schema
            and name in schema.get("definitions", {})
        ):
            schema["definitions"][name]["properties"]["Type"] = {"enum": type_schema["enum"]}
    return _ResourceSchema(schema)


# Where cfn-lint's SAM schemas are narrower than what the SAM translator accepts (its
# own test templates use each of these): replacement schemas by property name.
_SAM_PATCHES: dict[str, Schema] = {
    # SAM adds `Type` (SQS, SNS, S3, Kafka) to the on-failure destination of events.
    "OnFailure": {"type": "object"},
    # cfn-lint's copy holds the properties of another Kafka setting.
    "SchemaRegistryConfig": {"type": "object"},
    # A Cognito event's trigger names: one string or a list.
    "Trigger": {"anyOf": [{"type": "string"}, {"type": "array"}]},
    # A Cognito authorizer may name several user pools.
    "UserPoolArn": {},
    # One statement or a list of statements.
    "CustomStatements": {"anyOf": [{"type": "object"}, {"type": "array"}]},
}
# Properties the SAM translator accepts that cfn-lint's schemas lack, by definition.
_SAM_ADDITIONS: dict[str, dict[str, Schema]] = {
    "EventBridgeRuleEventProperties": {"State": {"type": "string"}},
}


# Properties that `aws cloudformation package` and `sam package` upload: a local path
# there (`Code: ./src`) is replaced by the S3 location at packaging time, so a string is
# valid input wherever the deployed template needs a mapping. From the AWS CLI's
# `cloudformation package` reference and SAM CLI's `RESOURCES_WITH_LOCAL_PATHS`
# (samcli/lib/utils/resources.py); properties that are strings already (`CodeUri`,
# `TemplateURL`, AppSync's `*S3Location`, ...) need nothing.
_PACKAGED: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::Lambda::Function": (("Code",),),
    "AWS::Lambda::LayerVersion": (("Content",),),
    "AWS::ApiGateway::RestApi": (("BodyS3Location",),),
    "AWS::StepFunctions::StateMachine": (("DefinitionS3Location",),),
    "AWS::ElasticBeanstalk::ApplicationVersion": (("SourceBundle",),),
    "AWS::CodeCommit::Repository": (("Code", "S3"),),
    "AWS::Glue::Job": (("Command", "ScriptLocation"),),
    "AWS::Serverless::Function": (("CodeUri",),),
    "AWS::Serverless::LayerVersion": (("ContentUri",),),
    "AWS::Serverless::Application": (("Location",),),
    "AWS::Serverless::Api": (("DefinitionUri",),),
    "AWS::Serverless::HttpApi": (("DefinitionUri",),),
    "AWS::Serverless::StateMachine": (("DefinitionUri",),),
    "AWS::CloudFormation::Stack": (("TemplateURL",),),
    "AWS::CloudFormation::ModuleVersion": (("ModulePackage",),),
    "AWS::CloudFormation::ResourceVersion": (("SchemaHandlerPackage",),),
    "AWS::AppSync::GraphQLSchema": (("DefinitionS3Location",),),
    "AWS::AppSync::Resolver": (
        ("CodeS3Location",),
        ("RequestMappingTemplateS3Location",),
        ("ResponseMappingTemplateS3Location",),
    ),
    "AWS::AppSync::FunctionConfiguration": (
        ("CodeS3Location",),
        ("RequestMappingTemplateS3Location",),
        ("ResponseMappingTemplateS3Location",),
    ),
}
_LOCAL_PATH: Schema = {"type": "string"}


def _accept_local_path(schema: Schema, path: Sequence[str]) -> None:
    """Let the property at `path` (names below `properties`, through `$ref`s to the
    schema's own definitions) also be a string."""
    node: Any = schema
    for depth, name in enumerate(path):
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(properties, dict) or name not in properties:
            return
        if depth == len(path) - 1:
            current = properties[name]
            if _LOCAL_PATH in _branches(current):
                return
            # The resolved type stays visible next to the reference, for the message
            # ("must be a mapping or a string").
            kind = _resolve_local(schema, current)
            if isinstance(kind, dict) and "type" in kind and "type" not in current:
                current = {"type": kind["type"], "allOf": [current]}
            properties[name] = {"anyOf": [current, dict(_LOCAL_PATH)]}
            return
        node = _resolve_local(schema, properties[name])


def _branches(schema: Any) -> list[Any]:
    if isinstance(schema, dict) and "anyOf" in schema:
        return list(schema["anyOf"])
    return [schema]


def _resolve_local(schema: Schema, node: Any) -> Any:
    """`node` with a `#/definitions/...` reference (or an `allOf` of one) followed."""
    for _ in range(10):
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = str(node["$ref"]).removeprefix("#/definitions/")
            node = schema.get("definitions", {}).get(name)
        elif "properties" not in node and len(node.get("allOf", ())) == 1:
            node = node["allOf"][0]
        else:
            return node
    return node


def _patch_sam(schema: Any) -> None:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, replacement in _SAM_PATCHES.items():
                if name in properties:
                    properties[name] = dict(replacement)
        stack.extend(node.values())
    for name, additions in _SAM_ADDITIONS.items():
        definition = schema.get("definitions", {}).get(name)
        if isinstance(definition, dict):
            definition.setdefault("properties", {}).update(additions)


@functools.cache
def _globals_validator() -> Any:
    folder = _cfnlint_schemas()
    if folder is None:
        return None
    try:
        raw = json.loads((folder / "other" / "sam" / "globals.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    function = raw.get("properties", {}).get("Function", {}).get("properties")
    if isinstance(function, dict):
        for name in _SAM_GLOBAL_FUNCTION_EXTRA:
            function.setdefault(name, {})
    return _validator_class(False)(_sanitize(raw))


# Properties that SAM accepts in `Globals.Function` (samtranslator's
# `Globals.supported_properties`) but cfn-lint's globals schema leaves out.
_SAM_GLOBAL_FUNCTION_EXTRA = (
    "AutoPublishAliasAllProperties",
    "CodeSigningConfigArn",
    "FileSystemConfigs",
    "FunctionUrlConfig",
)


# -- errors -> findings --------------------------------------------------------------
_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


def _type_words(types: Iterable[Any]) -> str:
    words: list[str] = []
    for item in types:
        for name in item if isinstance(item, list) else [item]:
            word = _TYPE_WORDS.get(str(name), str(name))
            if word not in words:
                words.append(word)
    if len(words) > 1:
        return ", ".join(words[:-1]) + " or " + words[-1]
    return words[0] if words else "something else"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _branch_types(schema: Any) -> list[Any]:
    if not isinstance(schema, dict):
        return []
    if "type" in schema:
        return [schema["type"]]
    found: list[Any] = []
    for alternative in schema.get("anyOf", []) + schema.get("allOf", []):
        found.extend(_branch_types(alternative))
    if not found and "properties" in schema:
        found.append("object")
    return found


def _leaves(error: Any) -> list[Any]:
    """The errors worth reporting: inside an `anyOf`, those of the alternative whose
    type fits the value (a mapping where a string or a mapping is allowed is judged as
    a mapping); when no alternative's type fits, the `anyOf` error itself."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        if error.validator == "allOf" and error.context:
            return [leaf for sub in error.context for leaf in _leaves(sub)]
        return [error]
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    fitting = [
        (index, subs)
        for index, subs in branches.items()
        if not any(
            s.validator in ("type", "anyOf") and len(s.relative_path) == 0 and not s.context
            for s in subs
        )
    ]
    if not fitting:
        return [error]
    # The alternative that knows the most of the mapping's keys, then the one with the
    # fewest findings, then the first one written: slint's own choice, not jsonschema's
    # `best_match` nor the order it yields the errors in. Counting errors alone picks the
    # wrong alternative when one unknown-keys error covers several keys (a REST API
    # Lambda authorizer with one mistyped value would be judged as a Cognito authorizer
    # that knows none of its keys).
    keys = (
        [k for k in error.instance if isinstance(k, str)]
        if isinstance(error.instance, dict)
        else []
    )
    choices = []
    for index, subs in fitting:
        leaves = [leaf for sub in subs for leaf in _leaves(sub)]
        unknown: set[str] = set()
        findings = 0
        for leaf in leaves:
            if leaf.validator == "additionalProperties":
                names = _unknown_key_names(leaf)
                findings += len(names)
                if leaf.instance is error.instance:  # the mapping itself, not a nested one
                    unknown.update(names)
            else:
                findings += 1
        known = sum(1 for key in keys if key not in unknown)
        choices.append((-known, findings, index, leaves))
    return min(choices, key=lambda choice: choice[:3])[3]


def _unknown_key_names(error: Any) -> list[str]:
    """The keys of an `additionalProperties` error's mapping that its schema does not
    know, less those that are never reported (variables, merge keys, `Fn::ForEach`)."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    if patterns and not known:
        # A mapping of names that must match a pattern: a naming rule, not a key the
        # schema does not know.
        return []
    return [
        key
        for key in instance
        if isinstance(key, str)
        and key not in known
        and not any(re.search(p, key) for p in patterns)
        and "${" not in key
        and not key.startswith("Fn::ForEach")
        and key != "<<"
    ]


def _typo_of(key: str, known: Sequence[str]) -> str | None:
    """The known key that `key` mistypes: the same letters in another case
    (`Runtime`), else one letter added, dropped or replaced (`timout`, `htp`). A known
    key shorter than four letters needs the case match: one edit of `arn`, `sns` or
    `url` is another word (`arm`, `sqs`, `uri`)."""
    folded = key.casefold()
    for name in known:
        if name.casefold() == folded:
            return name
    for name in known:
        if len(name) >= 4 and _one_edit_apart(folded, name.casefold()):
            return name
    return None


def _one_edit_apart(first: str, second: str) -> bool:
    """Levenshtein distance exactly 1, in one pass."""
    if len(first) > len(second):
        first, second = second, first
    if len(second) - len(first) > 1 or first == second:
        return False
    index = 0
    while index < len(first) and first[index] == second[index]:
        index += 1
    if len(first) == len(second):
        return first[index + 1 :] == second[index + 1 :]
    return first[index:] == second[index + 1 :]


# serverless.yml keys that Serverless Framework v3 moved, by their old place.
_MOVED: dict[tuple[PathItem, ...], str] = {
    ("provider", "apiKeys"): "provider.apiGateway.apiKeys",
    ("provider", "usagePlan"): "provider.apiGateway.usagePlan",
    ("provider", "resourcePolicy"): "provider.apiGateway.resourcePolicy",
    ("provider", "apiKeySourceType"): "provider.apiGateway.apiKeySourceType",
    ("provider", "minimumCompressionSize"): "provider.apiGateway.minimumCompressionSize",
    ("provider", "binaryMediaTypes"): "provider.apiGateway.binaryMediaTypes",
}


class _Report:
    """Turns jsonschema errors on one instance into findings at the positions of the
    offending keys in the raw document."""

    def __init__(
        self,
        rule: ConfigSchema,
        app: App,
        root: Any,
        prefix: Sequence[PathItem],
        describe: Callable[[Sequence[PathItem]], str],
        unknown_word: str | Callable[[Sequence[PathItem]], str] = "key",
        fallback: tuple[Location, int] | None = None,
        typos_only: bool = False,
    ) -> None:
        self.fallback = fallback
        # Report only unknown keys that are a known key mistyped (see `_typo_of`).
        self.typos_only = typos_only
        self.rule = rule
        self.app = app
        self.root = root
        self.prefix = tuple(prefix)
        self.describe = describe
        self.unknown_word = unknown_word

    def findings(self, errors: Iterable[Any]) -> Iterator[Diagnostic]:
        for error in errors:
            for leaf in _leaves(error):
                yield from self._finding(leaf)

    def _finding(self, error: Any) -> Iterator[Diagnostic]:
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            yield from self._unknown_keys(error, path)
        elif self.typos_only:
            return
        elif error.validator in ("type", "anyOf", "oneOf"):
            expected = (
                [error.validator_value]
                if error.validator == "type"
                else _branch_types({"anyOf": error.validator_value})
            )
            if not expected:
                return
            full = self.prefix + path
            cut = max((i for i, item in enumerate(full) if isinstance(item, str)), default=0)
            name = _path_text(full[cut:]) or "the document"
            where = self.describe(full[:cut])
            where = f" {where}" if where and where != "at the top level" else ""
            if not isinstance(error.instance, (dict, list)) and len(expected) > 1:
                # A bare mapping alternative is there for intrinsic functions.
                expected = [t for t in expected if t != "object"] or expected
            shape = ""
            if (
                len(full) >= 2
                and full[-2] == "events"
                and isinstance(error.instance, str)
                and error.instance.isidentifier()
            ):
                shape = f" such as `- {error.instance}: ...`"
            words = _type_words(expected)
            message = f"`{name}`{where} must be {words}{shape}, not {_describe(error.instance)}"
            found = self._locate(path, None)
            if found is not None:
                yield self._emit(found, message)

    def _unknown_keys(self, error: Any, path: tuple[PathItem, ...]) -> Iterator[Diagnostic]:
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = list(schema.get("properties", {}))
        for key in _unknown_key_names(error):
            typo = _typo_of(key, known)
            if self.typos_only and typo is None:
                continue
            guess = [typo] if typo else difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" (did you mean `{guess[0]}`?)" if guess else ""
            moved = _MOVED.get((*self.prefix, *path, key))
            if moved:
                hint = f" (Serverless Framework v3 moved it to `{moved}`)"
            where = self.describe(self.prefix + path)
            word = self.unknown_word
            word = word if isinstance(word, str) else word(self.prefix + path)
            message = f"unknown {word} `{key}` {where}{hint}"
            found = self._locate(path, key)
            if found is not None:
                yield self._emit(found, message)

    def _locate(
        self, path: tuple[PathItem, ...], key: str | None
    ) -> tuple[str, Location, int, str] | None:
        """(file, location, length, note) of the key at `path` (+ `key`), in the config file;
        a value that came from an included file is reported where it is included."""
        steps: list[tuple[Any, Any]] = []  # (container, key or index)
        current = self.root
        for item in (*path, key) if key is not None else path:
            if isinstance(current, YMap):
                actual = _actual_key(current, item)
                if actual is None:
                    break
                steps.append((current, actual))
                current = current[actual]
            elif isinstance(current, YList) and isinstance(item, int) and item < len(current):
                steps.append((current, item))
                current = current[item]
            else:
                break
        if not steps:
            return None
        note = ""
        for container, step in reversed(steps):
            location = _position(container, step)
            if container.file == self.app.file or not container.file:
                length = len(step) if isinstance(step, str) else 0
                return self.app.file, location, length, note
            if not note:
                note = f" (in {container.file}:{location.row})"
        if self.fallback is not None and note:
            return self.app.file, self.fallback[0], self.fallback[1], note
        return None

    def _emit(self, found: tuple[str, Location, int, str], message: str) -> Diagnostic:
        file, location, length, note = found
        return self.rule.at(file, location, message + note, length=length)


def _actual_key(container: YMap, item: PathItem) -> Any:
    if item in container:
        return item
    for key in container:
        if str(key) == str(item):
            return key
    return None


def _position(container: YMap | YList, step: Any) -> Location:
    if isinstance(container, YMap):
        return container.key_loc.get(step, container.loc)
    return container.at(step)


def _path_text(path: Sequence[PathItem]) -> str:
    text = ""
    for item in path:
        if isinstance(item, int):
            text += f"[{item}]"
        else:
            text += f".{item}" if text else str(item)
    return text


def _serverless_place(path: Sequence[PathItem]) -> str:
    """Where a key sits, in words: "in function `hello`", "in the `sqs` event of ..."."""
    items = list(path)
    if not items:
        return "at the top level"
    if items[0] == "functions":
        rest = items[1:]
        if rest and isinstance(rest[0], int):  # functions as a list of blocks
            rest = rest[1:]
        if rest:
            function = rest[0]
            tail = rest[1:]
            if not tail:
                return f"in function `{function}`"
            if tail[0] == "events" and len(tail) >= 3:
                event = tail[2]
                inner = _path_text(tail[3:])
                where = f"in `{inner}` of " if inner else "in "
                return f"{where}the `{event}` event of function `{function}`"
            if tail[0] == "events" and len(tail) <= 2:
                return f"in function `{function}`"
            return f"in `{_path_text(tail)}` of function `{function}`"
    return f"in `{_path_text(items)}`"


def _unknown_word(path: Sequence[PathItem]) -> str:
    items = list(path)
    if len(items) >= 4 and items[0] == "functions" and items[-2] == "events":
        return "event type"
    return "key"


# -- template-level structure of SAM / CloudFormation --------------------------------
_TEMPLATE_KEYS = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Hooks",
)
_RESOURCE_KEYS = (
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "Metadata",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "UpdatePolicy",
    "CreationPolicy",
)
_SAM_RESOURCE_KEYS = ("Connectors", "IgnoreGlobals")


class ConfigSchema(ConfigRule):
    """
    ## What it does
    Checks serverless.yml, SAM and CloudFormation files against a schema of what each
    place may hold: a key the Serverless Framework does not know at that place (a typo
    such as `timout:`, an event property of another event type), a value of the wrong
    type (`timeout: ten`), an unknown SAM/CloudFormation property or a property with a
    value of the wrong type. A `${...}` variable or an intrinsic function (`!Ref`,
    `!GetAtt`, `!Sub`, `!If`, ...) is never a type error: it is resolved at deploy time.
    Keys that the plugins listed under `plugins` add are known for the popular plugins;
    when a plugin slint does not know is listed, unknown keys are not reported at the
    places plugins extend (the top level, `provider`, functions, events, `resources`),
    except a known key in another case or one letter off (`Runtime:`, `timout:`), which
    is a typo whatever the plugins. A template written for `aws cloudformation package`
    or `sam package` is valid input: a local path where those commands upload an
    artifact (`Code: ./src`, `ContentUri`, `DefinitionUri`, `TemplateURL`, ...) is not a
    type error. A mapping that fits none of the alternatives a place allows (a Cognito,
    token or request authorizer) is judged as the alternative that knows most of its
    keys.

    ## Why is this bad?
    A misspelt key is silently ignored by the Serverless Framework unless
    `configValidationMode: error` is set, so `timout: 30` deploys a function with the
    default timeout of 6 seconds; a wrong SAM or CloudFormation property fails the
    deployment only after the upload and the changeset, minutes later.

    ## Example
    ```yaml
    functions:
      hello:
        handler: handler.hello
        timout: 30
        memorySize: large
    ```

    ```yaml
    Resources:
      HelloFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Timeout: ten
    ```

    ## Use instead
    ```yaml
    functions:
      hello:
        handler: handler.hello
        timeout: 30
        memorySize: 1024
    ```

    ```yaml
    Resources:
      HelloFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Timeout: !Ref TimeoutSeconds
    ```

    ## Fix
    There is no automatic fix: the message names the place and, for a misspelt key, the
    closest known key.

    ## References
    - [serverless.yml reference](https://www.serverless.com/framework/docs/providers/aws/guide/serverless.yml)
    - [Serverless Framework events](https://www.serverless.com/framework/docs/providers/aws/events)
    - [AWS SAM resource and property reference](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-resources-and-properties.html)
    - [CloudFormation resource type reference](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html)
    """

    code = "SL003"
    name = "config-schema"
    severity = Severity.ERROR

    valid = (
        Valid(
            textwrap.dedent(
                """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: ${self:custom.timeout}
                  memorySize: '1024'
                  environment:
                    TABLE: ${ssm:/orders/table}
                functions:
                  create:
                    handler: orders.create
                    timeout: ${param:createTimeout, 10}
                    events:
                      - sqs:
                          arn: !GetAtt OrdersQueue.Arn
                          batchSize: 10
                          functionResponseType: ReportBatchItemFailures
                custom:
                  timeout: 10
                resources:
                  Resources:
                    OrdersQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        VisibilityTimeout: 60
                        QueueName: ${self:service}-orders
                """
            ),
            filename="serverless.yml",
        ),
        # Keys that listed plugins add.
        Valid(
            textwrap.dedent(
                """\
                service: orders
                plugins:
                  - serverless-iam-roles-per-function
                  - serverless-plugin-warmup
                  - serverless-step-functions
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    iamRoleStatementsInherit: true
                    iamRoleStatements:
                      - Effect: Allow
                        Action: dynamodb:PutItem
                        Resource: '*'
                    warmup:
                      default:
                        enabled: true
                stepFunctions:
                  stateMachines: {}
                """
            ),
            filename="serverless.yml",
        ),
        # A plugin slint does not know may add keys at the places plugins extend.
        Valid(
            textwrap.dedent(
                """\
                service: orders
                plugins:
                  - ./plugins/our-own-plugin
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    ourPluginSetting: 5
                    events:
                      - http:
                          path: orders
                          method: post
                          ourPluginCache: true
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            textwrap.dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  TimeoutParam:
                    Type: Number
                  IsProd:
                    Type: String
                Conditions:
                  Prod: !Equals [!Ref IsProd, 'true']
                Globals:
                  Function:
                    Timeout: !Ref TimeoutParam
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      CodeUri: src/
                      Timeout: !Ref TimeoutParam
                      MemorySize: !If [Prod, 1024, 512]
                      Environment:
                        Variables:
                          TABLE: !Ref OrdersTable
                      Events:
                        Api:
                          Type: Api
                          Properties:
                            Path: /orders
                            Method: post
                  OrdersTable:
                    Type: AWS::Serverless::SimpleTable
                """
            ),
            filename="template.yaml",
        ),
        # A template written for `aws cloudformation package`: the local path is
        # replaced by the uploaded artifact's S3 location.
        Valid(
            textwrap.dedent(
                """\
                AWSTemplateFormatVersion: '2010-09-09'
                Resources:
                  OrdersFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt OrdersRole.Arn
                      Code: ./src
                """
            ),
            filename="template.yaml",
        ),
        # CloudFormation reads "30" as a number.
        Valid(
            textwrap.dedent(
                """\
                Resources:
                  OrdersFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt OrdersRole.Arn
                      Code:
                        ZipFile: "def handler(event, context): pass"
                      Timeout: "30"
                      TracingConfig:
                        Mode: Active
                """
            ),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            textwrap.dedent(
                """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    timout: 30
                """
            ),
            filename="serverless.yml",
            line=8,
            column=5,
            message="unknown key `timout` in function `create` (did you mean `timeout`?)",
        ),
        # A plugin slint does not know may add keys, but not `runtime` with a capital R.
        Invalid(
            textwrap.dedent(
                """\
                service: orders
                plugins:
                  - ./plugins/our-own-plugin
                provider:
                  name: aws
                  Runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                """
            ),
            filename="serverless.yml",
            line=6,
            column=3,
            message="unknown key `Runtime` in `provider` (did you mean `runtime`?)",
        ),
        # A REST API Lambda authorizer: judged as one (it knows `FunctionArn`), not as a
        # Cognito authorizer that knows none of its keys.
        Invalid(
            textwrap.dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      Auth:
                        Authorizers:
                          Orders:
                            FunctionArn: !GetAtt AuthFunction.Arn
                            DisableFunctionDefaultPermissions: sometimes
                """
            ),
            filename="template.yaml",
            line=11,
            column=13,
            message="`DisableFunctionDefaultPermissions` in `Auth.Authorizers.Orders` of "
            "AWS::Serverless::Api `OrdersApi` must be a boolean, not 'sometimes'",
        ),
        Invalid(
            textwrap.dedent(
                """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    timeout: ten
                """
            ),
            filename="serverless.yml",
            line=8,
            column=5,
            message="`timeout` in function `create` must be an integer, not 'ten'",
        ),
        Invalid(
            textwrap.dedent(
                """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    events:
                      - sqs:
                          arn: arn:aws:sqs:us-east-1:123456789012:orders
                          batchsize: 5
                """
            ),
            filename="serverless.yml",
            line=11,
            column=11,
            message="unknown key `batchsize` in the `sqs` event of function `create`",
        ),
        Invalid(
            textwrap.dedent(
                """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: orders.create
                    events:
                      - htp: POST /orders
                """
            ),
            filename="serverless.yml",
            line=9,
            column=9,
            message="unknown event type `htp` in function `create` (did you mean `http`?)",
        ),
        Invalid(
            textwrap.dedent(
                """\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                resources:
                  Resources:
                    OrdersQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        VisibilityTimout: 60
                """
            ),
            filename="serverless.yml",
            line=10,
            column=9,
            message="unknown property `VisibilityTimout` in AWS::SQS::Queue `OrdersQueue`",
        ),
        Invalid(
            textwrap.dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Timeout: ten
                """
            ),
            filename="template.yaml",
            line=8,
            column=7,
            message="`Timeout` in AWS::Serverless::Function `OrdersFunction` must be an integer",
        ),
        Invalid(
            textwrap.dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Timout: 10
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Events:
                        Queue:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt OrdersQueue.Arn
                            BatchSize: !Ref BatchSize
                  OrdersQueue:
                    Type: AWS::SQS::Queue
                """
            ),
            filename="template.yaml",
            line=4,
            column=5,
            message="unknown property `Timout` in `Globals.Function` (did you mean `Timeout`?)",
        ),
        Invalid(
            textwrap.dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Events:
                        Queue:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt OrdersQueue.Arn
                            BatchSize: [10]
                  OrdersQueue:
                    Type: AWS::SQS::Queue
                """
            ),
            filename="template.yaml",
            line=13,
            column=13,
            message="`BatchSize` in `Properties` of event `Queue`",
        ),
        Invalid(
            textwrap.dedent(
                """\
                AWSTemplateFormatVersion: '2010-09-09'
                Resources:
                  OrdersFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt OrdersRole.Arn
                      Code:
                        ZipFile: "def handler(event, context): pass"
                      Timeout: ten
                """
            ),
            filename="template.yaml",
            line=11,
            column=7,
            message="`Timeout` in AWS::Lambda::Function `OrdersFunction` must be an integer",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        found: list[Diagnostic] = []
        if app.format == "serverless":
            found.extend(self._serverless(app))
            found.extend(self._resources(app, app.resources, ("resources", "Resources")))
        else:
            found.extend(self._template(app))
        seen: set[tuple[str, int, int, str]] = set()
        for diagnostic in found:
            marker = (
                diagnostic.path,
                diagnostic.start.row,
                diagnostic.start.column,
                diagnostic.message,
            )
            if marker not in seen:
                seen.add(marker)
                yield diagnostic

    # -- serverless.yml -----------------------------------------------------------------
    def _serverless(self, app: App) -> Iterator[Diagnostic]:
        document = app.document
        # YAML 1.1 reads a bare `off` as false.
        if document.get("configValidationMode") in ("off", False):
            return
        table = _plugin_table()
        plugins = tuple(sorted(set(app.plugins)))
        known = tuple(p for p in plugins if p in table)
        relaxed = len(known) != len(plugins) or not all(
            isinstance(p, str) for p in _plugin_entries(document)
        )
        validator = _serverless_validator(known, relaxed)
        instance = _plain(document, _Source(app))
        report = _Report(self, app, document, (), _serverless_place, _unknown_word)
        yield from report.findings(validator.iter_errors(instance))
        if relaxed:
            # A plugin may add keys, but not a known key in another case or with one
            # letter off (`Runtime:`, `timout:`): the Framework ignores such a key
            # whatever the plugins, so it is reported at the places an unknown plugin
            # opened too. Findings the relaxed pass made as well are merged by `check`.
            strict = _serverless_validator(known, False)
            typos = _Report(
                self, app, document, (), _serverless_place, _unknown_word, typos_only=True
            )
            yield from typos.findings(strict.iter_errors(instance))

    # -- SAM / CloudFormation -------------------------------------------------------------
    def _template(self, app: App) -> Iterator[Diagnostic]:
        # The loader replaces `!Ref Parameter` by the parameter's default in place; a
        # reference is never a type error (a CommaDelimitedList default is a string),
        # so read the template as written.
        document = _as_written(app)
        sam = app.format == "sam"
        top_keys = _TEMPLATE_KEYS + (("Globals",) if sam else ())
        for key in document:
            if isinstance(key, str) and key not in top_keys:
                yield self._unknown(
                    app, document, key, top_keys, "at the top level of the template"
                )
        globals_block = document.get("Globals")
        if sam and isinstance(globals_block, YMap):
            validator = _globals_validator()
            if validator is not None:
                report = _Report(
                    self,
                    app,
                    globals_block,
                    ("Globals",),
                    lambda path: f"in `{_path_text(path)}`",
                    "property",
                )
                yield from report.findings(validator.iter_errors(_plain(globals_block, None)))
        resources = document.get("Resources")
        if isinstance(resources, YMap):
            yield from self._resources(app, resources, ("Resources",), sam=sam)

    def _resources(
        self, app: App, resources: YMap, prefix: tuple[str, ...], sam: bool = False
    ) -> Iterator[Diagnostic]:
        serverless = app.format == "serverless"
        source = _Source(app) if serverless else None
        for logical, resource in resources.items():
            if not isinstance(resource, YMap) or is_intrinsic(resource):
                continue
            resource_type = resource.get("Type")
            if not serverless:
                allowed = _RESOURCE_KEYS + (_SAM_RESOURCE_KEYS if sam else ())
                for key in resource:
                    if isinstance(key, str) and key not in allowed:
                        yield self._unknown(
                            app, resource, key, allowed, f"in resource `{logical}`", "attribute"
                        )
            if not isinstance(resource_type, str):
                continue
            if resource_type.startswith("AWS::Serverless::") and not (sam or serverless):
                continue
            properties = resource.get("Properties")
            if not isinstance(properties, YMap) or is_intrinsic(properties):
                continue
            compiled = _resource_schema(resource_type)
            if compiled is None:
                continue

            def place(
                path: Sequence[PathItem], logical: Any = logical, kind: str = resource_type
            ) -> str:
                inner = _path_text(path[1:])
                where = f"`{inner}` of " if inner else ""
                return f"in {where}{kind} `{logical}`"

            fallback = None
            if serverless and "resources" in app.document:
                fallback = (app.document.key_loc["resources"], len("resources"))
            report = _Report(self, app, properties, ("Properties",), place, "property", fallback)
            instance = _plain(properties, source)
            yield from report.findings(compiled.validator.iter_errors(instance))
            if compiled.events:
                yield from self._sam_events(
                    app, properties, compiled, logical, resource_type, source
                )

    def _sam_events(
        self,
        app: App,
        properties: YMap,
        compiled: _ResourceSchema,
        logical: Any,
        resource_type: str,
        source: _Source | None,
    ) -> Iterator[Diagnostic]:
        events = properties.get("Events")
        if not isinstance(events, YMap):
            return
        for name, event in events.items():
            if not isinstance(event, YMap) or is_intrinsic(event):
                continue
            event_type = event.get("Type")
            if not isinstance(event_type, str):
                continue
            validator = compiled.events.get(event_type)
            if validator is None:
                guess = difflib.get_close_matches(event_type, compiled.event_types, n=1)
                hint = f" (did you mean `{guess[0]}`?)" if guess else ""
                location = event.key_loc.get("Type", event.loc)
                if event.file == app.file:
                    yield self.at(
                        app.file,
                        location,
                        f"unknown event type `{event_type}` in event `{name}` of "
                        f"{resource_type} `{logical}`{hint}",
                        length=len("Type"),
                    )
                continue

            def place(path: Sequence[PathItem], name: Any = name) -> str:
                inner = _path_text(path)
                where = f"`{inner}` of " if inner else ""
                return f"in {where}event `{name}` of {resource_type} `{logical}`"

            report = _Report(self, app, event, (), place, "property")
            yield from report.findings(validator.iter_errors(_plain(event, source)))

    def _unknown(
        self,
        app: App,
        owner: YMap,
        key: str,
        known: Sequence[str],
        where: str,
        word: str = "key",
    ) -> Diagnostic:
        guess = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
        hint = f" (did you mean `{guess[0]}`?)" if guess else ""
        return self.at(
            owner.file or app.file,
            owner.key_loc.get(key, owner.loc),
            f"unknown {word} `{key}` {where}{hint}",
            length=len(key),
        )


def _as_written(app: App) -> YMap:
    from slint.app.yamlpos import YamlError, load

    try:
        document = load(app.text, app.file)
    except (YamlError, RecursionError):
        return app.document
    return document if isinstance(document, YMap) else app.document


def _plugin_entries(document: YMap) -> list[Any]:
    plugins = document.get("plugins")
    if isinstance(plugins, dict):
        plugins = plugins.get("modules")
    return list(plugins) if isinstance(plugins, list) else []
