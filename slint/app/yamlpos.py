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

Hostile documents are refused (a YamlError, which becomes SL000), never followed:
- Alias expansion. The converted tree shares what an alias refers to, so loading is
  linear, but every reader that walks the tree (rules, variables, the schema check)
  walks a shared value once per reference: nine levels of nine aliases ("billion
  laughs") are 387 million nodes to them. A document whose aliases expand it beyond
  `expansion_limit(own nodes)` = max(EXPANSION_FLOOR, EXPANSION_RATIO x the nodes
  written in it) is refused at the first alias that takes it past the limit.
  `shared_value_problem` applies the same limit after variables are resolved, as
  `${self:...}` references share values the same way.
- Nesting beyond MAX_DEPTH levels of collections (through aliases too), which readers
  would follow by recursion. libyaml's composer itself recurses in C and crashes the
  process somewhere past 10,000 levels, so a document that might nest that deep is
  measured from the parser's events (iterative) before it is composed.
- Numbers written with more than MAX_NUMBER_LENGTH characters stay strings (a
  sexagesimal `1:2:3:...` costs quadratic time to convert; Python refuses to convert
  decimal strings of more than 4,300 digits); an implicitly typed scalar that does not
  convert (`2001-13-45` looks like a date) stays a string too.
- Tags: only CloudFormation's short tags and YAML's standard scalar tags are read; no
  Python object is ever constructed (PyYAML's safe constructor).

Positions: PyYAML (and libyaml) end lines at `\\x85`, `\\u2028` and `\\u2029` as well as
at `\\r\\n`, `\\r` and `\\n`; slint, libcst and the LSP count only the latter (see
slint.fixes). Marks are converted to slint's line model where the text has any of
the three.
"""

from __future__ import annotations

import gc
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from json import JSONDecodeError
from typing import Any

import yaml

from slint.diagnostics import Location

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Limits (documented in the module docstring). Real templates stay far below them: over
# /work/shared/corpus and the real projects the deepest document nests 23 levels and
# no document uses an alias at all (expansion ratio 1.0).
MAX_DEPTH = 100
EXPANSION_FLOOR = 100_000
EXPANSION_RATIO = 10
MAX_NUMBER_LENGTH = 1_000
# Below this many nesting indicators a document cannot nest deeply enough to trouble
# libyaml's recursive composer (which handles 10,000 levels and crashes at 100,000).
_COMPOSER_SAFE_NESTING = 5_000

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
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


_LIMIT_TEXT = f"the limit: {EXPANSION_RATIO} times the nodes written, at least {EXPANSION_FLOOR:,}"


def expansion_limit(own_nodes: int) -> int:
    """The most nodes a document written with `own_nodes` nodes may expand to through
    aliases (or variables): max(EXPANSION_FLOOR, EXPANSION_RATIO x own_nodes)."""
    return max(EXPANSION_FLOOR, EXPANSION_RATIO * own_nodes)


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


_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_LINE_BREAKS = re.compile("\r\n|[\r\n]")
_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


class _Marks:
    """Turns PyYAML marks (0-based line and column in YAML's line model) into slint
    locations (1-based, lines ending only at `\\r\\n`, `\\r` and `\\n`).

    Where the text has no `\\x85`, `\\u2028` or `\\u2029` the two models agree and a mark
    is taken as it is (the common case costs three substring searches)."""

    def __init__(self, text: str) -> None:
        self.start: Callable[[yaml.Node], Location] = _start
        self.end: Callable[[yaml.Node], Location] = _end
        self.yaml_starts: list[int] = []
        self.line_starts: list[int] = []
        if any(char in text for char in _UNICODE_BREAKS):
            self.yaml_starts = [0, *(match.end() for match in _YAML_BREAKS.finditer(text))]
            self.line_starts = [0, *(match.end() for match in _LINE_BREAKS.finditer(text))]
            self.start = lambda node: self.location(node.start_mark)
            self.end = lambda node: self.location(node.end_mark)

    def location(self, mark: Any) -> Location:
        if not self.yaml_starts:
            return Location(mark.line + 1, mark.column + 1)
        line = min(mark.line, len(self.yaml_starts) - 1)
        offset = self.yaml_starts[line] + mark.column
        row = bisect_right(self.line_starts, offset)
        return Location(row, offset - self.line_starts[row - 1] + 1)


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


# -- shape: size as expanded, nesting depth -------------------------------------------
class _Shape:
    """What a graph of shared collections amounts to when walked as a tree.

    `own` counts the nodes as written (a repeated reference to a collection, i.e. an
    alias, counts as one); `sizes` and `heights` hold, per collection (by id), the
    nodes it expands to and how many collection levels it nests; `cycle` is the first
    collection found inside itself."""

    def __init__(self) -> None:
        self.own = 0
        self.sizes: dict[int, int] = {}
        self.heights: dict[int, int] = {}
        self.cycle: Any = None

    def size(self, value: Any) -> int:
        return self.sizes.get(id(value), 1)

    def height(self, value: Any) -> int:
        return self.heights.get(id(value), 0)


def _measure(
    root: Any, children: Callable[[Any], list[Any] | None], collections: tuple[type, ...]
) -> _Shape:
    """Sizes and heights of every collection under `root`, each computed once (memoised
    by identity, so linear in the document as written, however much it expands).

    `collections` are the types of collections; `children(collection)` lists its
    children (for a mapping: keys and values)."""
    shape = _Shape()
    sizes, heights = shape.sizes, shape.heights
    if not isinstance(root, collections):
        shape.own = 1
        return shape
    open_collections: set[int] = set()
    stack: list[tuple[Any, list[Any] | None]] = [(root, None)]
    while stack:
        value, finished = stack.pop()
        key = id(value)
        if finished is not None:
            size, height = 1, 0
            for child in finished:
                child_key = id(child)
                if child_key in sizes:
                    size += sizes[child_key]
                    height = max(height, heights[child_key])
                elif child_key in open_collections:
                    if shape.cycle is None:
                        shape.cycle = child
                else:
                    size += 1  # a scalar
            sizes[key] = size
            heights[key] = height + 1
            open_collections.discard(key)
            continue
        if key in sizes or key in open_collections:
            shape.own += 1  # a reference to a collection met before: an alias
            continue
        items = children(value)
        assert items is not None
        shape.own += 1
        open_collections.add(key)
        stack.append((value, items))
        for child in reversed(items):
            if isinstance(child, collections):
                stack.append((child, None))
            else:
                shape.own += 1
    return shape


_NODE_COLLECTIONS = (yaml.SequenceNode, yaml.MappingNode)


def _node_children(node: Any) -> list[Any] | None:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return None


def _deepest_path(root: Any, shape: _Shape, children: Callable[[Any], list[Any] | None]) -> Any:
    """The collection at depth MAX_DEPTH + 1 on the deepest path from `root`."""
    value = root
    for _ in range(MAX_DEPTH):
        items = children(value) or []
        value = max(items, key=shape.height)
    return value


# -- YAML -------------------------------------------------------------------------------
class _Converter:
    def __init__(self, loader: Any, allow_tags: bool, file: str, marks: _Marks) -> None:
        self.loader = loader
        self.file = file
        self.allow_tags = allow_tags
        self.start = marks.start
        self.end = marks.end
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()
        self.depth = 0  # collections open (documents with aliases are measured before)

    def convert(self, node: yaml.Node) -> Any:
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise YamlError("recursive YAML alias", self.start(node))
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
        if tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_LENGTH:
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise YamlError(_problem(error), self.start(node)) from None
        except (ValueError, OverflowError) as error:
            return self._unconvertible(node, tag, error)

    def _unconvertible(self, node: yaml.Node, tag: str, error: Exception) -> str:
        """A scalar that looks like a date or a number but is none (`2001-13-45`) stays
        as written, unless a tag asked for the type explicitly (`!!int abc`)."""
        text: str = node.value
        implicit = self.loader.resolve(yaml.ScalarNode, text, (True, False))
        if getattr(node, "style", None) in (None, "") and implicit == tag:
            return text
        short = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlError(f"cannot read {short} value: {error}", self.start(node))

    def _intrinsic(self, node: yaml.Node, tag: str) -> Any:
        name = INTRINSIC_TAGS.get(tag)
        if name is None or not self.allow_tags:
            raise YamlError(f"unknown tag {tag}", self.start(node))
        if isinstance(node, yaml.ScalarNode):
            inner: Any = node.value
            if name == "Fn::GetAtt" and isinstance(inner, str):
                inner = inner.split(".", 1)
        elif isinstance(node, yaml.MappingNode):
            inner = self._mapping(node)
        else:
            inner = self._sequence(node)  # type: ignore[arg-type]
        start, end = self.start(node), self.end(node)
        result = YMap(start, end, True, self.file)
        result[name] = inner
        result.key_loc[name] = start
        result.value_range[name] = (start, end)
        return result

    def _mapping(self, node: yaml.MappingNode) -> YMap:
        start, end = self.start, self.end
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlError(_too_deep(), start(node))
        result = YMap(start(node), end(node), node.flow_style is True, self.file)
        merged: list[YMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                source = self.convert(value_node)
                merged.extend(s for s in (source if isinstance(source, list) else [source]))
                continue
            key = self.convert(key_node)
            if isinstance(key, (YMap, YList)):
                raise YamlError("a mapping key must be a scalar", start(key_node))
            if key in result:
                raise YamlError(f"duplicate key {key!r}", start(key_node))
            result[key] = self.convert(value_node)
            result.key_loc[key] = start(key_node)
            result.value_range[key] = (start(value_node), end(value_node))
        for source in merged:
            if not isinstance(source, YMap):
                raise YamlError("a merge key (<<) needs a mapping", result.loc)
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.key_loc[key] = source.key_loc[key]
                    result.value_range[key] = source.value_range[key]
        self.depth -= 1
        return result

    def _sequence(self, node: yaml.SequenceNode) -> YList:
        start, end = self.start, self.end
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlError(_too_deep(), start(node))
        result = YList(start(node), end(node), node.flow_style is True, self.file)
        for item in node.value:
            result.append(self.convert(item))
            result.item_range.append((start(item), end(item)))
        self.depth -= 1
        return result


def _problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    text = f"{context}: {problem}" if context and problem else problem
    return " ".join(str(text).split())


def _error_location(error: yaml.YAMLError, marks: _Marks) -> Location:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return Location(1, 1)
    return marks.location(mark)


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


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is built: loading makes
    many objects and no cycles, and the collector's passes over the growing heap made
    loading superlinear (a 1 MB template took 4 s instead of 1.7 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_yaml(text: str, file: str, allow_tags: bool) -> Any:
    with _no_cycle_collection():
        return _load_yaml_now(text, file, allow_tags)


def _load_yaml_now(text: str, file: str, allow_tags: bool) -> Any:
    marks = _Marks(text)
    try:
        if sum(text.count(char) for char in "[{-?:") > _COMPOSER_SAFE_NESTING:
            _check_nesting(text, marks)
        loader = _BaseLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _may_alias(text):
                _check_shape(node, text, marks)
            return _Converter(loader, allow_tags, file, marks).convert(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise YamlError(_problem(error), _error_location(error, marks)) from None
    except RecursionError:
        raise YamlError("document too deeply nested", Location(1, 1)) from None
    except UnicodeEncodeError as error:
        # A lone surrogate (text decoded with `surrogateescape`): libyaml reads UTF-8.
        raise YamlError(
            "character not allowed in YAML", _offset_location(text, error.start)
        ) from None


def _offset_location(text: str, offset: int) -> Location:
    line_starts = [0, *(match.end() for match in _LINE_BREAKS.finditer(text, 0, offset))]
    return Location(len(line_starts), offset - line_starts[-1] + 1)


def _events(text: str) -> Iterator[Any]:
    """The parser's events (libyaml's parser is iterative: no depth limit of its own)."""
    loader = _BaseLoader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def _may_alias(text: str) -> bool:
    """An alias needs an anchor (`&name`) and a reference (`*name`). Most templates
    lack one of the two characters and skip the measuring; a cleverer test (an alias
    as a token) would save little and could miss one."""
    return "&" in text and "*" in text


_OPENING_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _too_deep() -> str:
    return f"document too deeply nested (more than {MAX_DEPTH} levels)"


def _check_nesting(text: str, marks: _Marks) -> None:
    """Refuse a document nested deeper than MAX_DEPTH before the composer recurses
    through it (only for documents with enough indicators to nest that deep)."""
    depth = 0
    # The flow collections among the open ones (the bracket scan below counts them).
    flows: list[bool] = []
    try:
        for event in _events(text):
            if isinstance(event, _OPENING_EVENTS):
                depth += 1
                flows.append(bool(event.flow_style))
                if depth > MAX_DEPTH:
                    raise YamlError(_too_deep(), marks.location(event.start_mark))
            elif isinstance(event, _CLOSING_EVENTS):
                depth -= 1
                if flows:
                    flows.pop()
    except yaml.YAMLError as error:
        # PyYAML 6.0.4's scanner has a flow nesting limit of its own, and it looks far
        # enough ahead to hit it before the parser reports level MAX_DEPTH + 1: find
        # that level in the text, so that the finding is the same on every version.
        if "nesting depth" not in str(error):
            raise
        offset = _flow_level_offset(text, depth - sum(flows), MAX_DEPTH + 1)
        if offset is None:
            raise
        raise YamlError(_too_deep(), _offset_location(text, offset)) from None


def _flow_level_offset(text: str, depth: int, level: int) -> int | None:
    """The offset of the bracket that opens nesting level `level`, for a flow
    collection that starts inside `depth` levels of block collections: a scan of the
    brackets outside quotes (None when it does not get there)."""
    wanted = level - depth
    current = 0
    quote = ""
    for offset, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[{":
            current += 1
            if current >= wanted:
                return offset
        elif char in "]}":
            current = max(current - 1, 0)
    return None


def _check_shape(root: yaml.Node, text: str, marks: _Marks) -> None:
    """Refuse a composed document that nests too deeply (through aliases too) or
    whose aliases expand it beyond `expansion_limit`; recursive aliases as the
    converter reports them."""
    shape = _measure(root, _node_children, _NODE_COLLECTIONS)
    if shape.cycle is not None:
        raise YamlError("recursive YAML alias", marks.start(shape.cycle))
    if shape.height(root) > MAX_DEPTH:
        deepest = _deepest_path(root, shape, _node_children)
        raise YamlError(_too_deep(), marks.start(deepest))
    limit = expansion_limit(shape.own)
    if shape.size(root) > limit:
        raise _first_oversized_alias(text, limit, marks)


def _first_oversized_alias(text: str, limit: int, marks: _Marks) -> YamlError:
    """The error for the first alias (in document order) at which the document, as
    expanded so far, holds more than `limit` nodes."""
    total = 0
    sizes: dict[str, int] = {}  # anchor -> nodes its value expands to
    opened: list[tuple[str | None, int]] = []  # open collections: anchor, total before
    for event in _events(text):
        if isinstance(event, yaml.AliasEvent):
            total += sizes.get(str(event.anchor), 1)
            if total > limit:
                return YamlError(
                    f"YAML alias `*{event.anchor}` expands the document to more than "
                    f"{limit:,} nodes ({_LIMIT_TEXT}); not checked",
                    marks.location(event.start_mark),
                )
        elif isinstance(event, yaml.ScalarEvent):
            total += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, _OPENING_EVENTS):
            opened.append((event.anchor, total))
            total += 1
        elif isinstance(event, _CLOSING_EVENTS):
            anchor, before = opened.pop()
            if anchor is not None:
                sizes[anchor] = total - before
    return YamlError(
        f"YAML aliases expand the document to more than {limit:,} nodes", Location(1, 1)
    )


# -- after variables ------------------------------------------------------------------
def _value_children(value: Any) -> list[Any] | None:
    if isinstance(value, dict):
        return [part for pair in value.items() for part in pair]
    if isinstance(value, list):
        return list(value)
    return None


def shared_value_problem(document: Any) -> tuple[str, Location] | None:
    """The expansion limit of aliases, for a loaded tree whose values may be shared by
    other means: a serverless.yml after its `${self:...}` and `${file(...)}` variables
    are resolved (the resolver puts the referenced value in, not a copy; nine levels
    of nine references make the same bomb as aliases). Linear in the tree as written.

    A message and the location of the first reference in document order that takes
    the tree past the limit; None when within it. (Depth is not limited here: the
    resolver and the schema check stop at a depth of their own, and variables nested
    deeper than the resolver follows stay unresolved. A cycle, which the resolver
    never makes, is left to those guards too.)"""
    shape = _measure(document, _value_children, (dict, list))
    limit = expansion_limit(shape.own)
    if shape.size(document) <= limit:
        return None
    path = _first_oversized_reference(document, shape, limit)
    where = _dotted(path)
    return (
        f"variables expand the document to more than {limit:,} nodes ({_LIMIT_TEXT}) "
        f"at `{where}`, which repeats a value used before; not checked",
        _place(document, path),
    )


def _entries(value: Any) -> list[tuple[Any, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return list(enumerate(value))
    return []


def _first_oversized_reference(document: Any, shape: _Shape, limit: int) -> list[Any]:
    """The path of the first repeated reference (document order) at which the tree,
    as expanded so far, holds more than `limit` nodes (counted as `_measure` does:
    one per collection, key and scalar)."""
    total = 1
    seen: set[int] = {id(document)}
    # Per open collection: the path to it, whether it is a mapping, its entries.
    stack: list[tuple[list[Any], bool, Iterator[tuple[Any, Any]]]] = [
        ([], isinstance(document, dict), iter(_entries(document)))
    ]
    while stack:
        path, mapping, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        key, value = entry
        total += 2 if mapping else 1  # the key, and the value or its first node
        if not isinstance(value, (dict, list)):
            continue
        if id(value) in seen:
            total += shape.size(value) - 1
            if total > limit:
                return [*path, key]
            continue
        seen.add(id(value))
        stack.append(([*path, key], isinstance(value, dict), iter(_entries(value))))
    return []


def _dotted(path: list[Any]) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else f".{key}" if text else str(key)
    return text or "(document)"


def _place(document: Any, path: list[Any]) -> Location:
    """Where the value at `path` is written (the nearest position known)."""
    location = Location(1, 1)
    container = document
    for key in path:
        if isinstance(container, YMap):
            span = container.value_range.get(key)
            location = span[0] if span is not None else container.at(key)
        elif isinstance(container, YList) and isinstance(key, int):
            location = container.at(key)
        container = container[key]
    return location


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
        # Lines as slint counts them (JSON's own whitespace has `\r` as well as `\n`).
        self.line_starts = [0, *(match.end() for match in _LINE_BREAKS.finditer(text))]
        self.depth = 0

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
            if len(number) > MAX_NUMBER_LENGTH:
                return number, match.end()  # as written, like YAML's (see the docstring)
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

    def nest(self, start: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(_too_deep(), start)

    def object(self, start: int) -> tuple[YMap, int]:
        self.nest(start)
        text = self.text
        result = YMap(self.loc(start), self.loc(start), True, self.file)
        index = self.skip(start + 1)
        if text.startswith("}", index):
            result.end = self.loc(index + 1)
            self.depth -= 1
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
                self.depth -= 1
                return result, index + 1
            raise self.error("expecting ',' or '}' in an object", index)

    def array(self, start: int) -> tuple[YList, int]:
        self.nest(start)
        text = self.text
        result = YList(self.loc(start), self.loc(start), True, self.file)
        index = self.skip(start + 1)
        if text.startswith("]", index):
            result.end = self.loc(index + 1)
            self.depth -= 1
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
                self.depth -= 1
                return result, index + 1
            raise self.error("expecting ',' or ']' in an array", index)


def load_json(text: str, file: str = "") -> Any:
    """Parse a JSON document into YMap/YList/scalars; YamlError (syntax "JSON") on failure."""
    try:
        with _no_cycle_collection():
            return _JsonParser(text, file).document()
    except RecursionError:
        raise YamlError("document too deeply nested", Location(1, 1), "JSON") from None
