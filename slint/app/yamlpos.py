"""A YAML/JSON loader that keeps the position of every key and value.

Built on PyYAML's composer (the C one when available): the node tree carries marks,
and we convert it ourselves so that mappings know where each key and value is,
duplicate keys are errors, and CloudFormation short tags (`!Ref`, `!GetAtt`, ...)
become their long form (`{"Ref": ...}`, `{"Fn::GetAtt": [...]}`), as CloudFormation
and the Serverless Framework read them. cfn-lint's decoder does the same but costs
over a second of import time; this costs PyYAML's.

A document that looks like JSON is read by a small JSON parser first: YAML 1.1 reads
some JSON differently (`1e5` is a string, surrogate-pair escapes fail), and a JSON
error is best reported with JSON's words and position. Where it is not JSON after all
(trailing commas, YAML flow style), the YAML reading decides, as in cfn-lint.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from json import JSONDecodeError
from typing import Any

import yaml

from slint.diagnostics import Location

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Short tag -> long-form key.
INTRINSIC_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Contains",
            "EachMemberEquals",
            "EachMemberIn",
            "Equals",
            "FindInMap",
            "ForEach",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "RefAll",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
            "ValueOf",
            "ValueOfAll",
            "GetParam",
        )
    },
}
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlError(Exception):
    """A YAML error, duplicate key or unknown tag, with the position it happened at.

    `syntax` is "JSON" for an error found reading a JSON document, else "YAML"."""

    def __init__(self, message: str, location: Location, syntax: str = "YAML") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.syntax = syntax


Range = tuple[Location, Location]


def _start(node: yaml.Node) -> Location:
    return Location(node.start_mark.line + 1, node.start_mark.column + 1)


def _end(node: yaml.Node) -> Location:
    return Location(node.end_mark.line + 1, node.end_mark.column + 1)


class YMap(dict[Any, Any]):
    """A mapping that remembers where it, each key and each value is (and in which file)."""

    file: str
    loc: Location
    end: Location
    flow: bool
    key_loc: dict[Any, Location]
    value_range: dict[Any, Range]

    def __init__(self, loc: Location, end: Location, flow: bool, file: str = "") -> None:
        super().__init__()
        self.file = file
        self.loc = loc
        self.end = end
        self.flow = flow
        self.key_loc = {}
        self.value_range = {}

    def at(self, key: Any) -> Location:
        """Where `key` is (the map's own position when the key is absent)."""
        return self.key_loc.get(key, self.loc)

    @property
    def indent(self) -> int:
        """The column (1-based) of this block mapping's keys."""
        return self.loc.column


class YList(list[Any]):
    """A sequence that remembers where it and each item is (and in which file)."""

    file: str
    loc: Location
    end: Location
    flow: bool
    item_range: list[Range]

    def __init__(self, loc: Location, end: Location, flow: bool, file: str = "") -> None:
        super().__init__()
        self.file = file
        self.loc = loc
        self.end = end
        self.flow = flow
        self.item_range = []

    def at(self, index: int) -> Location:
        return self.item_range[index][0] if index < len(self.item_range) else self.loc


class _Converter:
    def __init__(self, loader: Any, allow_tags: bool, file: str) -> None:
        self.loader = loader
        self.file = file
        self.allow_tags = allow_tags
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()

    def convert(self, node: yaml.Node) -> Any:
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise YamlError("recursive YAML alias", _start(node))
        self.active.add(key)
        try:
            value = self._convert(node)
        finally:
            self.active.discard(key)
        self.done[key] = value
        return value

    def _convert(self, node: yaml.Node) -> Any:
        tag = node.tag or ""
        if tag.startswith("!") and not tag.startswith("!!"):
            return self._intrinsic(node, tag)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise YamlError(_problem(error), _start(node)) from None

    def _intrinsic(self, node: yaml.Node, tag: str) -> Any:
        name = INTRINSIC_TAGS.get(tag)
        if name is None or not self.allow_tags:
            raise YamlError(f"unknown tag {tag}", _start(node))
        if isinstance(node, yaml.ScalarNode):
            inner: Any = node.value
            if name == "Fn::GetAtt" and isinstance(inner, str):
                inner = inner.split(".", 1)
        elif isinstance(node, yaml.MappingNode):
            inner = self._mapping(node)
        else:
            inner = self._sequence(node)  # type: ignore[arg-type]
        result = YMap(_start(node), _end(node), True, self.file)
        result[name] = inner
        result.key_loc[name] = _start(node)
        result.value_range[name] = (_start(node), _end(node))
        return result

    def _mapping(self, node: yaml.MappingNode) -> YMap:
        result = YMap(_start(node), _end(node), node.flow_style is True, self.file)
        merged: list[YMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                source = self.convert(value_node)
                merged.extend(s for s in (source if isinstance(source, list) else [source]))
                continue
            key = self.convert(key_node)
            if isinstance(key, (YMap, YList)):
                raise YamlError("a mapping key must be a scalar", _start(key_node))
            if key in result:
                raise YamlError(f"duplicate key {key!r}", _start(key_node))
            result[key] = self.convert(value_node)
            result.key_loc[key] = _start(key_node)
            result.value_range[key] = (_start(value_node), _end(value_node))
        for source in merged:
            if not isinstance(source, YMap):
                raise YamlError("a merge key (<<) needs a mapping", result.loc)
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.key_loc[key] = source.key_loc[key]
                    result.value_range[key] = source.value_range[key]
        return result

    def _sequence(self, node: yaml.SequenceNode) -> YList:
        result = YList(_start(node), _end(node), node.flow_style is True, self.file)
        for item in node.value:
            result.append(self.convert(item))
            result.item_range.append((_start(item), _end(item)))
        return result


def _problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    text = f"{context}: {problem}" if context and problem else problem
    return " ".join(str(text).split())


def _error_location(error: yaml.YAMLError) -> Location:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return Location(1, 1)
    return Location(mark.line + 1, mark.column + 1)


_JSON_START = re.compile(r'\A\ufeff?\s*(?:\{\s*(?:"|\})|\[)')


def looks_like_json(text: str) -> bool:
    """Starts like a JSON object (`{"` or `{}`) or array."""
    return _JSON_START.match(text) is not None


def load(text: str, file: str = "", *, allow_tags: bool = True) -> Any:
    """Parse one YAML (or JSON) document into YMap/YList/scalars; YamlError on failure.

    `file` (the path as displayed) is recorded in every mapping and sequence, so that
    values pulled in from other files still say where they came from."""
    if looks_like_json(text):
        try:
            return load_json(text, file)
        except YamlError as json_error:
            try:
                return _load_yaml(text, file, allow_tags)
            except YamlError:
                raise json_error from None
    return _load_yaml(text, file, allow_tags)


def _load_yaml(text: str, file: str, allow_tags: bool) -> Any:
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Converter(loader, allow_tags, file).convert(node)
    except yaml.YAMLError as error:
        raise YamlError(_problem(error), _error_location(error)) from None
    except RecursionError:
        raise YamlError("document too deeply nested", Location(1, 1)) from None
    finally:
        loader.dispose()


# -- JSON ---------------------------------------------------------------------------
# The C string scanner of the json module (not in its public stubs).
_scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009
_JSON_WHITESPACE = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?P<frac>\.[0-9]+)?(?P<exp>[eE][-+]?[0-9]+)?")
_JSON_LITERALS: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("null", None))


class _JsonParser:
    """A JSON reader that records positions like the YAML converter (objects are flow
    mappings, so that edits never try to insert YAML lines into them)."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.line_starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def loc(self, index: int) -> Location:
        row = bisect_right(self.line_starts, index)
        return Location(row, index - self.line_starts[row - 1] + 1)

    def error(self, message: str, index: int) -> YamlError:
        return YamlError(message, self.loc(index), "JSON")

    def skip(self, index: int) -> int:
        match = _JSON_WHITESPACE.match(self.text, index)
        return match.end() if match else index

    def document(self) -> Any:
        start = 1 if self.text.startswith("\ufeff") else 0
        index = self.skip(start)
        value, index = self.value(index)
        index = self.skip(index)
        if index != len(self.text):
            raise self.error("extra data after the JSON document", index)
        return value

    def value(self, index: int) -> tuple[Any, int]:
        text = self.text
        char = text[index : index + 1]
        if char == "{":
            return self.object(index)
        if char == "[":
            return self.array(index)
        if char == '"':
            return self.string(index)
        match = _JSON_NUMBER.match(text, index)
        if match is not None:
            number = match.group()
            if match.group("frac") or match.group("exp"):
                return float(number), match.end()
            return int(number), match.end()
        for word, constant in _JSON_LITERALS:
            if text.startswith(word, index):
                return constant, index + len(word)
        raise self.error("expecting a value", index)

    def string(self, index: int) -> tuple[str, int]:
        try:
            value, end = _scanstring(self.text, index + 1, False)
            return str(value), int(end)
        except JSONDecodeError as error:
            raise self.error(error.msg.lower(), error.pos) from None

    def object(self, start: int) -> tuple[YMap, int]:
        text = self.text
        result = YMap(self.loc(start), self.loc(start), True, self.file)
        index = self.skip(start + 1)
        if text.startswith("}", index):
            result.end = self.loc(index + 1)
            return result, index + 1
        while True:
            if not text.startswith('"', index):
                raise self.error("expecting a property name in double quotes", index)
            key_at = self.loc(index)
            key, index = self.string(index)
            index = self.skip(index)
            if not text.startswith(":", index):
                raise self.error("expecting ':' after the property name", index)
            index = self.skip(index + 1)
            value_start = index
            value, index = self.value(index)
            if key in result:
                raise YamlError(f"duplicate key {key!r}", key_at, "JSON")
            result[key] = value
            result.key_loc[key] = key_at
            result.value_range[key] = (self.loc(value_start), self.loc(index))
            index = self.skip(index)
            if text.startswith(",", index):
                index = self.skip(index + 1)
                continue
            if text.startswith("}", index):
                result.end = self.loc(index + 1)
                return result, index + 1
            raise self.error("expecting ',' or '}' in an object", index)

    def array(self, start: int) -> tuple[YList, int]:
        text = self.text
        result = YList(self.loc(start), self.loc(start), True, self.file)
        index = self.skip(start + 1)
        if text.startswith("]", index):
            result.end = self.loc(index + 1)
            return result, index + 1
        while True:
            item_start = index
            value, index = self.value(index)
            result.append(value)
            result.item_range.append((self.loc(item_start), self.loc(index)))
            index = self.skip(index)
            if text.startswith(",", index):
                index = self.skip(index + 1)
                continue
            if text.startswith("]", index):
                result.end = self.loc(index + 1)
                return result, index + 1
            raise self.error("expecting ',' or ']' in an array", index)


def load_json(text: str, file: str = "") -> Any:
    """Parse a JSON document into YMap/YList/scalars; YamlError (syntax "JSON") on failure."""
    try:
        return _JsonParser(text, file).document()
    except RecursionError:
        raise YamlError("document too deeply nested", Location(1, 1), "JSON") from None
