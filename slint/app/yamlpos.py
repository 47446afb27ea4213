"""A YAML/JSON loader that keeps the position of every key and value.

Built on PyYAML's composer (the C one when available): the node tree carries marks,
and we convert it ourselves so that mappings know where each key and value is,
duplicate keys are errors, and CloudFormation short tags (`!Ref`, `!GetAtt`, ...)
become their long form (`{"Ref": ...}`, `{"Fn::GetAtt": [...]}`), as CloudFormation
and the Serverless Framework read them. cfn-lint's decoder does the same but costs
over a second of import time; this costs PyYAML's.
"""

from __future__ import annotations

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
    """A YAML error, duplicate key or unknown tag, with the position it happened at."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


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


def load(text: str, file: str = "", *, allow_tags: bool = True) -> Any:
    """Parse one YAML (or JSON) document into YMap/YList/scalars; YamlError on failure.

    `file` (the path as displayed) is recorded in every mapping and sequence, so that
    values pulled in from other files still say where they came from."""
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
