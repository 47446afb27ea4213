from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from slint.javascript.behaviour import FUNCTION_NODES, pattern_names
from slint.javascript.behaviour import kids as js_kids
from slint.javascript.behaviour import parameter_names as js_parameter_names
from slint.javascript.behaviour import string_value as js_string
from slint.javascript.behaviour import strip as js_strip
from slint.javascript.grammar import node_text
from slint.python.context import DEFINED, FixBuilder, Positions, dotted_name

from .._support.logs import LOG_METHODS

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule
    from slint.python.context import ModuleContext

# Paths (the last three keys or attributes) that end at a URL-encoded object key.
# `*` stands for any index. Powertools' `S3EventRecord.s3.get_object.key` and the
# parser model's `S3RecordModel.s3.object.key` return the raw value as well; the
# data class properties that decode (`S3Event.object_key`, the EventBridge
# notification's `detail.object.key`) and EventBridge's raw `["detail"]["object"]["key"]`
# (not encoded) do not end in such a path.
_EVENT_KEY = "S3 event object key"
_BATCH_KEY = "S3 Batch Operations object key"
_KEY_PATHS: dict[tuple[str, ...], str] = {
    ("s3", "object", "key"): _EVENT_KEY,
    ("s3", "get_object", "key"): _EVENT_KEY,
    ("tasks", "*", "s3Key"): _BATCH_KEY,
}
_LAST_SEGMENTS = frozenset(path[-1] for path in _KEY_PATHS)
_DECODERS = {"unquote_plus": "plus", "unquote": "plain"}
# The tails worth remembering for a variable (`s3 = record["s3"]`, `obj = s3["object"]`,
# `for task in event["tasks"]`): the beginnings of a key path.
_PREFIXES = frozenset(path[:length] for path in _KEY_PATHS for length in (1, 2))
_PREFIX_ENDS = frozenset(prefix[-1] for prefix in _PREFIXES)

# Calls through which the key flows on as text: the result is still the raw key.
_FLOW_CALLS = frozenset(
    {
        "str",
        "repr",
        "format",
        "json.dumps",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PurePosixPath",
    }
)
_FLOW_MODULES = ("os.path.", "posixpath.")
# Calls that only look at the key: the encoded form gives the same answer.
_HARMLESS_CALLS = frozenset({"len", "bool", "isinstance", "hash", "id", "type"})
# String methods that test the key instead of passing it on.
_TEST_METHODS = frozenset(
    {"startswith", "endswith", "isdigit", "isalnum", "isalpha", "count", "find", "rfind"}
)
_TRACE_METHODS = frozenset({"put_annotation", "put_metadata", "add_metadata"})
_TRACE_RECEIVERS = ("tracer", "metrics", "segment", "span")
# Parents through which an expression's value flows on unchanged or into a bigger value.
_FLOW_NODES: tuple[type[cst.CSTNode], ...] = (
    cst.FormattedStringExpression,
    cst.FormattedString,
    cst.BinaryOperation,
    cst.ConcatenatedString,
    cst.Element,
    cst.Tuple,
    cst.List,
    cst.Set,
    cst.StarredElement,
    cst.DictElement,
    cst.Dict,
    cst.StarredDictElement,
    cst.ListComp,
    cst.SetComp,
    cst.GeneratorExp,
    cst.DictComp,
    cst.BooleanOperation,
    cst.Await,
)


class _Kind(enum.Enum):
    DECODED = "decoded"  # passed to unquote_plus (or `unquote` of a `+`-replaced key)
    PLAIN = "plain"  # passed to `unquote`, which leaves `+` as a plus
    HARMLESS = "harmless"  # logged, tested, compared, discarded
    RAW = "raw"  # used as it is: a lookup, a write, a return value...
    BIND = "bind"  # assigned to a name: its later uses decide
    RETURN = "return"  # returned as it is: the callers' uses decide


# A project function the raw key is passed to: (name, position or keyword, called as
# `self.name(...)`). If that function decodes the parameter, the key is decoded.
_HelperArg = tuple[str, int | str, bool]


@dataclass(frozen=True)
class _Outcome:
    kind: _Kind
    call: cst.Call | None = None  # PLAIN: the `unquote(...)` call
    helper: _HelperArg | None = None  # RAW: the project function it is passed to
    owner: cst.CSTNode | None = None  # BIND: the assignment (None: a loop, bind now)
    targets: tuple[cst.BaseExpression, ...] = ()


_HARMLESS = _Outcome(_Kind.HARMLESS)
_RAW = _Outcome(_Kind.RAW)
_DECODED = _Outcome(_Kind.DECODED)


@dataclass(eq=False)
class _RawKey:
    """One key expression of the source and what became of its value."""

    node: cst.BaseExpression
    top: cst.CSTNode | None  # the top-level statement that holds it
    noun: str
    decoded: bool = False
    # The first `unquote(...)` call applied to it (and its top-level statement).
    plain: tuple[cst.Call, cst.CSTNode | None] | None = None
    raw: list[_HelperArg | None] = field(default_factory=list)
    # The function that returns it as it is (its callers decide).
    returned_from: str | None = None
    # For the result of a call to a function of the module: that function's name. Such a
    # value is a raw key only if the function returns one (known at the end), `origin`.
    via: str | None = None
    origin: _RawKey | None = None


# What a name holds: a raw key, the beginning of a key path, or nothing of interest.
_Binding = _RawKey | tuple[str, ...] | None


@dataclass
class _Frame:
    name: str  # the function's name ("" for the module)
    # A Lambda handler by its shape: what it returns goes to whoever invoked the function.
    handler: bool = False
    names: dict[str, _Binding] = field(default_factory=dict)
    params: set[str] = field(default_factory=set)


def _string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _step(node: cst.BaseExpression) -> tuple[str, cst.BaseExpression] | None:
    """The last key of a subscript / `.get(...)` / attribute access, and what it is applied to."""
    if isinstance(node, cst.Subscript):
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        index = node.slice[0].slice.value
        text = _string_value(index)
        return (text if text is not None else "*"), node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value, node.value
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and 1 <= len(node.args) <= 2
        and node.args[0].keyword is None
        and not node.args[0].star
    ):
        text = _string_value(node.args[0].value)
        return (text, node.func.value) if text is not None else None
    return None


def _last_segment(node: cst.CSTNode) -> str | None:
    """The key a Subscript / `.get` call / Attribute accesses, cheaply (no chain walk)."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Subscript):
        # Most subscripts are not `["key"]`: look at the text before evaluating it.
        index = node.slice[0].slice if len(node.slice) == 1 else None
        if not (
            isinstance(index, cst.Index)
            and isinstance(index.value, cst.SimpleString)
            and index.value.value[-4:-1] in ("key", "Key")
        ):
            return None
    elif not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
    ):
        return None
    step = _step(node)
    return step[0] if step is not None else None


def _replaces_plus(call: cst.Call) -> bool:
    """`.replace("+", " ")`: with it, `unquote` decodes like `unquote_plus`."""
    return (
        len(call.args) >= 2
        and _string_value(call.args[0].value) == "+"
        and _string_value(call.args[1].value) == " "
    )


def _target_names(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The names and dotted names an assignment target binds."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, cst.Attribute):
        return [target] if dotted_name(target) is not None else []
    if isinstance(target, (cst.Tuple, cst.List)):
        found: list[cst.BaseExpression] = []
        for element in target.elements:
            found.extend(_target_names(element.value))
        return found
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _short(code: str) -> str:
    text = " ".join(code.split())
    return text if len(text) <= 60 else text[:57] + "..."


# -- JavaScript and TypeScript ---------------------------------------------------------------
# The decode that undoes S3's form encoding, as the messages and the fix write it.
JS_DECODE = 'decodeURIComponent(key.replace(/\\+/g, " "))'
_JS_PLUS = '.replace(/\\+/g, " ")'
# Decoders that leave a `+` as a plus (`decodeURI` also leaves `%2B`, `%2F`, ... encoded).
_JS_DECODERS = frozenset({"decodeURIComponent", "decodeURI", "unescape", "querystring.unescape"})
# String methods that test the key instead of passing it on.
_JS_TEST_METHODS = frozenset(
    {
        "startsWith",
        "endsWith",
        "includes",
        "indexOf",
        "lastIndexOf",
        "match",
        "matchAll",
        "search",
        "localeCompare",
        "test",
    }
)
# Calls through which the key flows on as text: the result is still the raw key.
_JS_FLOW_CALLS = frozenset({"String", "JSON.stringify", "util.format", "format"})
_JS_FLOW_MODULES = ("path.", "posix.", "path.posix.")
# Calls that only look at the key.
_JS_HARMLESS_CALLS = frozenset({"Boolean", "isNaN", "Array.isArray", "assert", "assert.ok"})
_JS_CONSOLE = frozenset({"log", "info", "warn", "error", "debug", "trace", "dir"})
_JS_LOG_METHODS = frozenset(
    {"log", "info", "warn", "warning", "error", "debug", "trace", "fatal", "critical"}
)
_JS_TRACE_METHODS = frozenset({"putAnnotation", "putMetadata", "addMetadata", "addMetric"})
_JS_ITERATIONS = frozenset(
    {"map", "forEach", "flatMap", "filter", "some", "every", "find", "findIndex"}
)
_JS_FUNCTIONS = FUNCTION_NODES
# Wrappers that only speak to the type checker, or group.
_JS_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
        "await_expression",
    }
)
_JS_HANDLER_NAMES = frozenset({"handler", "lambdaHandler", "main"})
# What a module that reads an S3 event key has somewhere: `.s3` (also `?.s3`),
# `["s3"]`, `{ s3 }` / `{ s3: ... }`, or a Batch Operations task's `s3Key`.
_JS_MENTIONS_S3 = re.compile(rb"\.s3\b|\[\s*['\"]s3['\"]|[{,]\s*s3\s*[:,}]|s3Key")
# Expressions that can take `.replace(...)` without parentheses.
_JS_PRIMARY = frozenset(
    {
        "identifier",
        "member_expression",
        "subscript_expression",
        "call_expression",
        "parenthesized_expression",
        "string",
        "template_string",
        "this",
    }
)


def _js_replaces_plus(call: Node, data: bytes) -> bool:
    """`.replace(/\\+/g, " ")`, `.replaceAll("+", " ")` (or `%20`): with it,
    `decodeURIComponent` decodes like `unquote_plus`."""
    arguments = call.child_by_field_name("arguments")
    found = js_kids(arguments) if arguments is not None else []
    if len(found) < 2:
        return False
    pattern, replacement = js_strip(found[0]), js_strip(found[1])
    if replacement.type != "string" or js_string(replacement, data) not in (" ", "%20"):
        return False
    if pattern.type == "regex":
        body = pattern.child_by_field_name("pattern")
        flags = pattern.child_by_field_name("flags")
        text = node_text(body, data) if body is not None else ""
        return text in ("\\+", "[+]") and flags is not None and "g" in node_text(flags, data)
    if pattern.type == "string":
        callee = call.child_by_field_name("function")
        method = callee.child_by_field_name("property") if callee is not None else None
        replace_all = method is not None and node_text(method, data) == "replaceAll"
        return replace_all and js_string(pattern, data) == "+"
    return False


def _js_callee_text(call: Node, data: bytes) -> str:
    callee = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    return "".join(node_text(js_strip(callee), data).split()) if callee is not None else ""


def _js_is_log(callee: str) -> bool:
    receiver, _, method = callee.rpartition(".")
    if receiver == "console":
        return method in _JS_CONSOLE
    owner = receiver.rpartition(".")[2].lower()
    if method in _JS_LOG_METHODS and "log" in owner:
        return True
    return method in _JS_TRACE_METHODS and any(word in owner for word in _TRACE_RECEIVERS)


@dataclass(eq=False)
class _JsKey:
    """One key expression of a JavaScript module and what became of its value."""

    node: Node  # the access (or the destructured property) that reads the key
    noun: str
    destructured: bool = False
    decoded: bool = False
    plain: Node | None = None  # the first `decodeURIComponent(...)` without `+` replaced
    raw: list[tuple[str, int] | None] = field(default_factory=list)
    returned_from: str | None = None
    via: str | None = None  # a call of a module function (a key if that returns one)
    origin: _JsKey | None = None


@dataclass(frozen=True)
class _JsHeld:
    """What a name holds: a raw key (with its `+` replaced or not)."""

    key: _JsKey
    replaced: bool = False


# A name holds a raw key, the beginning of a key path, or nothing of interest (None).
_JsBinding = _JsHeld | tuple[str, ...] | None


@dataclass
class _JsFrame:
    name: str  # the function's name ("" for the module and for callbacks)
    handler: bool = False
    callback: bool = False
    names: dict[str, _JsBinding] = field(default_factory=dict)
    params: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _JsOutcome:
    kind: _Kind
    call: Node | None = None  # PLAIN: the decode call
    helper: tuple[str, int] | None = None  # RAW: the module function it is passed to
    targets: tuple[Node, ...] = ()  # BIND: the names it goes to
    owner: Node | None = None  # BIND: the declaration (None: bind at once, a loop)
    replaced: bool = False


_JS_RAW = _JsOutcome(_Kind.RAW)
_JS_HARMLESS = _JsOutcome(_Kind.HARMLESS)
_JS_DECODED = _JsOutcome(_Kind.DECODED)


class _JavaScriptKeys:
    """One walk over a JavaScript module: the S3 key expressions, what each of their
    values becomes (through names, destructuring, loops and callbacks), then the
    findings. Functions of the module that decode a parameter, and functions that
    return the raw key, are followed as in Python."""

    def __init__(self, rule: S3KeyNotDecoded, module: JavaScriptModule) -> None:
        self.rule = rule
        self.module = module
        self.data = module.data
        self.frames: list[_JsFrame] = [_JsFrame("")]
        self.keys: list[_JsKey] = []
        # Binds decided while visiting a declaration's value, applied when leaving it.
        self.binds: dict[int, list[tuple[Node, _JsHeld]]] = {}
        self.results: dict[str, list[_JsKey]] = {}
        self.functions: dict[str, list[list[str]]] = {}
        # (function, parameter) -> None for a full decode, else the plain decode call.
        self.decodes: dict[tuple[str, str], Node | None] = {}
        exported = {target[6:] for target in module.facts.exports.values()}
        self.exported = {target for target in exported if target and "." not in target}
        self.exported.update(("exports", "default"))

    # -- the walk ------------------------------------------------------------------------
    def run(self) -> list[Diagnostic]:
        if _JS_MENTIONS_S3.search(self.data) is None:
            return []  # no `.s3`, `{ s3 }`, `["s3"]` or `s3Key`: no key to follow
        # The module's functions and their parameters (for helpers that decode what they
        # are given), known before the walk meets their calls.
        for function in self.module.facts.functions.values():
            self.functions.setdefault(function.name, []).append(list(function.positional))
        stack: list[tuple[Node, bool]] = [(self.module.tree.root_node, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._leave(node)
                continue
            self._enter(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.named_children))
        return self._findings()

    def _function_name(self, node: Node) -> str | None:
        name = node.child_by_field_name("name")
        if name is not None and node.type in (
            "function_declaration",
            "generator_function_declaration",
            "method_definition",
            "function_expression",
        ):
            return node_text(name, self.data)
        parent = node.parent
        if parent is not None and parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                return node_text(target, self.data)
        if parent is not None and parent.type == "assignment_expression":
            # `exports.handler = async function (event) {...}`, `module.exports = ...`.
            target = parent.child_by_field_name("left")
            if target is not None:
                return node_text(target, self.data).rpartition(".")[2]
        if parent is not None and parent.type == "export_statement":
            return "default"
        if parent is not None and parent.type == "pair":
            key = parent.child_by_field_name("key")
            return node_text(key, self.data) if key is not None else None
        return None

    def _parameters(self, node: Node) -> list[str]:
        return list(js_parameter_names(node, self.data)[0])

    def _enter(self, node: Node) -> None:
        kind = node.type
        if kind in _JS_FUNCTIONS:
            self._enter_function(node)
        elif kind in ("member_expression", "subscript_expression"):
            self._source(node)
        elif kind in ("identifier", "shorthand_property_identifier"):
            self._read(node)
        elif kind == "call_expression":
            self._call(node)
        elif kind == "variable_declarator":
            self._destructure(node)
        elif kind == "for_in_statement":
            self._loop(node)

    def _leave(self, node: Node) -> None:
        kind = node.type
        if kind in _JS_FUNCTIONS:
            self.frames.pop()
        elif kind in (
            "variable_declarator",
            "assignment_expression",
            "augmented_assignment_expression",
        ):
            target = node.child_by_field_name("name" if kind == "variable_declarator" else "left")
            value = node.child_by_field_name("value" if kind == "variable_declarator" else "right")
            if target is not None and kind != "augmented_assignment_expression":
                if not (kind == "variable_declarator" and target.type != "identifier"):
                    self._shadow(target)
                if target.type == "identifier" and value is not None:
                    self._remember_prefix(target, value)
            for bound, held in self.binds.pop(node.id, ()):
                self._bind(bound, held)

    # -- scopes ------------------------------------------------------------------------
    def _enter_function(self, node: Node) -> None:
        name = self._function_name(node)
        callback = name is None
        handler = name is not None and (
            name in _JS_HANDLER_NAMES or name.endswith("Handler") or name in self.exported
        )
        frame = _JsFrame(name or "", handler=handler, callback=callback)
        frame.params = self._parameters(node)
        for parameter in self._parameter_patterns(node):
            for bound in pattern_names(parameter, self.data):
                frame.names[bound] = None
        # The element a per-element callback gets: `event.tasks.map((task) => ...)`.
        iterated = self._iterated(node)
        first = frame.params[0] if frame.params else None
        if iterated is not None and first is not None and first not in ("{}", "[]"):
            frame.names[first] = iterated
        self.frames.append(frame)

    def _parameter_patterns(self, node: Node) -> list[Node]:
        single = node.child_by_field_name("parameter")
        if single is not None:
            return [single]
        parameters = node.child_by_field_name("parameters")
        found: list[Node] = []
        for parameter in js_kids(parameters) if parameters is not None else []:
            pattern = parameter.child_by_field_name("pattern") or parameter
            if pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left") or pattern
            found.append(pattern)
        return found

    def _iterated(self, function: Node) -> _JsBinding:
        """What each element of a callback's array is: the start of a key path
        (`event.tasks.map(task => ...)`) or a raw key (`keys.forEach(key => ...)`)."""
        arguments = function.parent
        call = arguments.parent if arguments is not None else None
        if arguments is None or arguments.type != "arguments" or call is None:
            return None
        callee = call.child_by_field_name("function")
        if callee is None or js_strip(callee).type != "member_expression":
            return None
        method = js_strip(callee).child_by_field_name("property")
        receiver = js_strip(callee).child_by_field_name("object")
        if method is None or receiver is None or node_text(method, self.data) not in _JS_ITERATIONS:
            return None
        receiver = js_strip(receiver)
        if receiver.type == "identifier":
            held = self._lookup(node_text(receiver, self.data))
            if isinstance(held, _JsHeld):
                return held
        tail = self._tail(receiver, 1)
        if tail and (*tail, "*") in _PREFIXES:
            return (*tail, "*")
        return None

    def _lookup(self, name: str) -> _JsBinding:
        for frame in reversed(self.frames):
            if name in frame.names:
                return frame.names[name]
        return None

    def _shadow(self, target: Node) -> None:
        frame = self.frames[-1]
        if target.type == "identifier":
            frame.names[node_text(target, self.data)] = None
        elif target.type in ("object_pattern", "array_pattern"):
            for name in pattern_names(target, self.data):
                frame.names[name] = None

    def _bind(self, target: Node, held: _JsHeld) -> None:
        frame = self.frames[-1]
        if target.type in ("identifier", "shorthand_property_identifier_pattern"):
            frame.names[node_text(target, self.data)] = held
        elif target.type in ("object_pattern", "array_pattern"):
            # `const [name, ext] = key.split(".")`: every part is raw text of the key.
            for name in pattern_names(target, self.data):
                frame.names[name] = held

    def _remember_prefix(self, target: Node, value: Node) -> None:
        """`const s3 = record.s3`, `const obj = record.s3.object`: the start of a path."""
        value = js_strip(value)
        if value.type not in ("member_expression", "subscript_expression"):
            return
        tail = self._tail(value, 2)
        for size in (2, 1):
            if len(tail) >= size and tail[-size:] in _PREFIXES:
                self.frames[-1].names[node_text(target, self.data)] = tail[-size:]
                return

    # -- paths -------------------------------------------------------------------------
    def _step(self, node: Node) -> tuple[str, Node] | None:
        node = js_strip(node)
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            target = node.child_by_field_name("object")
            if prop is None or target is None:
                return None
            return node_text(prop, self.data), target
        if node.type == "subscript_expression":
            index = node.child_by_field_name("index")
            target = node.child_by_field_name("object")
            if index is None or target is None:
                return None
            index = js_strip(index)
            text = js_string(index, self.data) if index.type == "string" else "*"
            return text, target
        return None

    def _tail(self, node: Node, length: int) -> tuple[str, ...]:
        """The last `length` keys of an access chain, through names holding a prefix."""
        segments: list[str] = []
        current = node
        while len(segments) < length:
            step = self._step(current)
            if step is None:
                break
            segments.append(step[0])
            current = step[1]
        segments.reverse()
        current = js_strip(current)
        if len(segments) < length and current.type == "identifier":
            held = self._lookup(node_text(current, self.data))
            if isinstance(held, tuple):
                segments = [*held, *segments]
        return tuple(segments[-length:])

    def _source(self, node: Node) -> None:
        step = self._step(node)
        if step is None or step[0] not in _LAST_SEGMENTS:
            return
        noun = _KEY_PATHS.get(self._tail(node, 3))
        if noun is None or not self._is_read(node):
            return
        key = _JsKey(node, noun)
        self.keys.append(key)
        self._use(key, node, replaced=False)

    def _destructure(self, node: Node) -> None:
        """`const { key } = record.s3.object`, `const { s3: { object: { key } } } =
        record`: each property of the pattern at its path."""
        pattern = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if pattern is None or value is None or pattern.type != "object_pattern":
            return
        value = js_strip(value)
        tail: tuple[str, ...] = ()
        if value.type == "identifier":
            held = self._lookup(node_text(value, self.data))
            tail = held if isinstance(held, tuple) else ()
        elif value.type in ("member_expression", "subscript_expression"):
            tail = self._tail(value, 2)
        self._pattern(pattern, tail, node)

    def _pattern(self, pattern: Node, tail: tuple[str, ...], owner: Node) -> None:
        for child in js_kids(pattern):
            if child.type == "shorthand_property_identifier_pattern":
                prop, target = node_text(child, self.data), child
            elif child.type == "pair_pattern":
                name_node = child.child_by_field_name("key")
                target_node = child.child_by_field_name("value")
                if name_node is None or target_node is None:
                    continue
                prop = (
                    js_string(name_node, self.data)
                    if name_node.type == "string"
                    else node_text(name_node, self.data)
                )
                target = target_node
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is None:
                    continue
                prop, target = node_text(left, self.data), left
            else:
                continue
            path = (*tail, prop)
            noun = _KEY_PATHS.get(path[-3:]) if len(path) >= 3 else None
            if target.type == "object_pattern":
                self._pattern(target, path, owner)
            elif noun is not None and target.type in (
                "identifier",
                "shorthand_property_identifier_pattern",
            ):
                key = _JsKey(child, noun, destructured=True)
                self.keys.append(key)
                self.binds.setdefault(owner.id, []).append((target, _JsHeld(key)))
            elif target.type in ("identifier", "shorthand_property_identifier_pattern"):
                for size in (2, 1):
                    if len(path) >= size and path[-size:] in _PREFIXES:
                        self.frames[-1].names[node_text(target, self.data)] = path[-size:]
                        break

    def _loop(self, node: Node) -> None:
        """`for (const task of event.tasks)`: the loop variable holds a path's start."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        self._shadow(left)
        tail = self._tail(js_strip(right), 1)
        if left.type == "identifier" and tail and (*tail, "*") in _PREFIXES:
            self.frames[-1].names[node_text(left, self.data)] = (*tail, "*")
        elif left.type == "object_pattern" and tail and (*tail, "*") in _PREFIXES:
            self._pattern(left, (*tail, "*"), node)
            for bound, held in self.binds.pop(node.id, ()):
                self._bind(bound, held)

    def _read(self, node: Node) -> None:
        name = node_text(node, self.data)
        held = self._lookup(name)
        if isinstance(held, _JsHeld) and self._is_read(node):
            self._use(held.key, node, replaced=held.replaced)

    def _call(self, node: Node) -> None:
        callee = node.child_by_field_name("function")
        if callee is None:
            return
        callee = js_strip(callee)
        text = node_text(callee, self.data)
        if text in _JS_DECODERS:
            full = text in ("decodeURIComponent", "querystring.unescape")
            self._decoded_parameter(node, full_decoder=full)
            return
        name: str | None = None
        if callee.type == "identifier" and text in self.functions:
            name = text
        elif callee.type == "member_expression":
            target = callee.child_by_field_name("object")
            prop = callee.child_by_field_name("property")
            if target is not None and target.type == "this" and prop is not None:
                name = node_text(prop, self.data)
        if name is not None and name in self.functions:
            result = _JsKey(node, "", via=name)
            self.results.setdefault(name, []).append(result)
            self._use(result, node, replaced=False)

    def _decoded_parameter(self, call: Node, *, full_decoder: bool) -> None:
        """`decodeURIComponent(key.replace(/\\+/g, " "))` on a parameter: the function
        decodes what it is given (`decodeURI`, or no `+` replaced: a plain decode)."""
        frame = self.frames[-1]
        arguments = call.child_by_field_name("arguments")
        found = js_kids(arguments) if arguments is not None else []
        if not frame.name or not found:
            return
        value = js_strip(found[0])
        plus = False
        while value.type == "call_expression":
            callee = value.child_by_field_name("function")
            if callee is None or js_strip(callee).type != "member_expression":
                break
            plus = plus or _js_replaces_plus(value, self.data)
            target = js_strip(callee).child_by_field_name("object")
            if target is None:
                break
            value = js_strip(target)
        if value.type == "identifier" and node_text(value, self.data) in frame.params:
            place = (frame.name, node_text(value, self.data))
            if plus and full_decoder:
                self.decodes[place] = None
            elif place not in self.decodes:
                self.decodes[place] = call

    def _is_read(self, node: Node) -> bool:
        """Is `node` read (not a declared name, an assignment target or a property name)?"""
        parent = node.parent
        if parent is None:
            return False
        kind = parent.type
        if kind == "variable_declarator":
            return parent.child_by_field_name("value") == node
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            return parent.child_by_field_name("right") == node or kind.startswith("augmented")
        if kind == "for_in_statement":
            return parent.child_by_field_name("right") == node
        if kind in ("formal_parameters", "required_parameter", "optional_parameter"):
            return kind != "formal_parameters" and parent.child_by_field_name("value") == node
        if kind == "assignment_pattern":
            return parent.child_by_field_name("right") == node
        if kind in ("arrow_function", "catch_clause", "import_specifier", "namespace_import"):
            return kind == "arrow_function" and parent.child_by_field_name("body") == node
        if kind in ("function_declaration", "function_expression", "class_declaration"):
            return False
        if kind == "member_expression":
            return parent.child_by_field_name("object") == node
        if kind == "object_assignment_pattern":
            return parent.child_by_field_name("right") == node
        return kind not in (
            "import_clause",
            "export_specifier",
            "labeled_statement",
            "pair_pattern",
            "object_pattern",
            "array_pattern",
            "rest_pattern",
        )

    # -- what happens to the value --------------------------------------------------------
    def _use(self, key: _JsKey, node: Node, *, replaced: bool) -> None:
        outcome = self._classify(node, replaced)
        if outcome.kind is _Kind.DECODED:
            key.decoded = True
        elif outcome.kind is _Kind.PLAIN:
            if key.plain is None:
                key.plain = outcome.call
        elif outcome.kind is _Kind.RAW:
            key.raw.append(outcome.helper)
        elif outcome.kind is _Kind.RETURN:
            frame = next((f for f in reversed(self.frames) if not f.callback), self.frames[0])
            if not frame.name or frame.handler:
                key.raw.append(None)  # out of the function: to the invoker
            elif key.returned_from is None:
                key.returned_from = frame.name
        elif outcome.kind is _Kind.BIND:
            held = _JsHeld(key, outcome.replaced)
            if outcome.owner is None:
                for target in outcome.targets:
                    self._bind(target, held)
            else:
                binds = self.binds.setdefault(outcome.owner.id, [])
                binds.extend((target, held) for target in outcome.targets)

    def _classify(self, node: Node, replaced: bool) -> _JsOutcome:
        """What the code around `node` does with its value (the raw key)."""
        data = self.data
        child = node
        while True:
            parent = child.parent
            if parent is None:
                return _JS_RAW
            kind = parent.type
            if kind in _JS_TRANSPARENT:
                child = parent
                continue
            if kind == "member_expression" and parent.child_by_field_name("object") == child:
                grand = parent.parent
                method = parent.child_by_field_name("property")
                name = node_text(method, data) if method is not None else ""
                if grand is not None and grand.type == "call_expression":
                    if name in _JS_TEST_METHODS:
                        return _JS_HARMLESS
                    if name in ("replace", "replaceAll") and _js_replaces_plus(grand, data):
                        replaced = True
                    child = grand  # `key.split("/")`, `key.slice(1)`: still raw text
                    continue
                if name == "length":
                    return _JS_HARMLESS
                child = parent
                continue
            if kind == "subscript_expression":
                if parent.child_by_field_name("index") == child:
                    return _JS_RAW  # `seen[key]`: a lookup with the raw key
                child = parent  # `key[0]`
                continue
            if kind == "arguments":
                call = parent.parent
                if call is None:
                    return _JS_RAW
                outcome = self._call_use(call, parent, child, replaced)
                if outcome is not None:
                    return outcome
                child = call  # the result is still the key
                continue
            if kind in ("template_substitution", "template_string", "array", "spread_element"):
                child = parent
                continue
            if kind == "pair":
                if parent.child_by_field_name("value") != child:
                    return _JS_RAW  # `{ [key]: value }`
                child = parent
                continue
            if kind == "object":
                child = parent
                continue
            if kind == "binary_expression":
                operator = parent.child_by_field_name("operator")
                symbol = operator.type if operator is not None else ""
                if symbol in ("+", "&&", "||", "??"):
                    child = parent
                    continue
                return _JS_HARMLESS  # a comparison, `in`, `instanceof`
            if kind == "ternary_expression":
                if parent.child_by_field_name("condition") == child:
                    return _JS_HARMLESS
                child = parent
                continue
            if kind in ("unary_expression", "throw_statement", "expression_statement"):
                return _JS_HARMLESS
            if kind in ("if_statement", "while_statement", "do_statement", "switch_statement"):
                return _JS_HARMLESS
            if kind == "variable_declarator":
                target = parent.child_by_field_name("name")
                if target is None or parent.child_by_field_name("value") != child:
                    return _JS_RAW
                return _JsOutcome(_Kind.BIND, targets=(target,), owner=parent, replaced=replaced)
            if kind in ("assignment_expression", "augmented_assignment_expression"):
                target = parent.child_by_field_name("left")
                if target is None or parent.child_by_field_name("right") != child:
                    return _JS_RAW
                if js_strip(target).type != "identifier":
                    return _JS_RAW  # `params.Key = key`: stored in a structure as it is
                return _JsOutcome(
                    _Kind.BIND, targets=(js_strip(target),), owner=parent, replaced=replaced
                )
            if kind == "for_in_statement" and parent.child_by_field_name("right") == child:
                left = parent.child_by_field_name("left")
                targets = (left,) if left is not None else ()
                return _JsOutcome(_Kind.BIND, targets=targets, replaced=replaced)
            if kind == "return_statement" or (
                kind == "arrow_function" and parent.child_by_field_name("body") == child
            ):
                function = _enclosing_function(parent)
                if function is not None and self._is_callback(function):
                    # What a callback returns goes to the call it is passed to
                    # (`records.map(r => r.s3.object.key)` holds the raw keys).
                    call = function.parent.parent if function.parent is not None else None
                    if call is not None and call.type == "call_expression":
                        child = call
                        continue
                return _JsOutcome(_Kind.RETURN)
            return _JS_RAW

    @staticmethod
    def _is_callback(function: Node) -> bool:
        parent = function.parent
        return parent is not None and parent.type == "arguments"

    def _call_use(
        self, call: Node, arguments: Node, argument: Node, replaced: bool
    ) -> _JsOutcome | None:
        """What passing the key as `argument` of `call` does; None if the result is the
        key."""
        data = self.data
        callee_text = _js_callee_text(call, data)
        if call.type == "new_expression":
            last = callee_text.rpartition(".")[2]
            return _JS_HARMLESS if last.endswith("Error") else _JS_RAW
        if call.type != "call_expression":
            return _JS_RAW
        if callee_text in ("decodeURIComponent", "querystring.unescape"):
            return _JS_DECODED if replaced else _JsOutcome(_Kind.PLAIN, call=call)
        if callee_text in _JS_DECODERS:
            return _JsOutcome(_Kind.PLAIN, call=call)
        position = js_kids(arguments).index(argument) if argument in js_kids(arguments) else -1
        callee = call.child_by_field_name("function")
        if callee is not None:
            stripped = js_strip(callee)
            name: str | None = None
            if stripped.type == "identifier" and callee_text in self.functions:
                name = callee_text
            elif stripped.type == "member_expression":
                target = stripped.child_by_field_name("object")
                prop = stripped.child_by_field_name("property")
                if target is not None and target.type == "this" and prop is not None:
                    name = node_text(prop, data)
                if target is not None and js_strip(target).type == "regex":
                    return _JS_HARMLESS  # `/\.jpg$/.test(key)`
            if name is not None and name in self.functions and position >= 0:
                return _JsOutcome(_Kind.RAW, helper=(name, position))
        if _js_is_log(callee_text):
            return _JS_HARMLESS
        if callee_text in _JS_HARMLESS_CALLS or callee_text.endswith("Error"):
            return _JS_HARMLESS
        if callee_text in _JS_FLOW_CALLS or callee_text.startswith(_JS_FLOW_MODULES):
            return None
        return _JsOutcome(_Kind.RAW)

    # -- decisions -------------------------------------------------------------------------
    def _helper_decode(self, helper: tuple[str, int]) -> tuple[bool, Node | None]:
        name, position = helper
        for params in self.functions.get(name, ()):
            if position >= len(params):
                continue
            place = (name, params[position])
            if place in self.decodes:
                return True, self.decodes[place]
        return False, None

    def _returned_keys(self) -> list[_JsKey]:
        keys = list(self.keys)
        returning: dict[str, _JsKey] = {}
        index = 0
        while index < len(keys):
            key = keys[index]
            index += 1
            function = key.returned_from
            if function is None or key.decoded or function in returning:
                continue
            returning[function] = key.origin if key.origin is not None else key
            for result in self.results.get(function, ()):
                result.origin = returning[function]
                result.noun = returning[function].noun
                keys.append(result)
        return keys

    def _findings(self) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        for key in self._returned_keys():
            if key.decoded or (key.via is not None and key.origin is None):
                continue
            plain = key.plain
            raw = False
            for helper in key.raw:
                if helper is None:
                    raw = True
                    continue
                decodes, helper_plain = self._helper_decode(helper)
                if not decodes:
                    raw = True
                elif helper_plain is not None and plain is None:
                    plain = helper_plain
            subject = self._subject(key)
            if plain is not None:
                found.append(
                    self._report(
                        key,
                        f"{subject} is decoded with `{_js_callee_text(plain, self.data)}` "
                        "without replacing `+` first: S3 encodes a space as `+`, which it "
                        "leaves as a plus, so keys with spaces are not found; use "
                        f"`{JS_DECODE}`",
                        self._plus_fix(plain),
                    )
                )
            elif raw:
                found.append(
                    self._report(
                        key,
                        f"{subject} is used without `{JS_DECODE}`: S3 URL-encodes the key "
                        "(a space arrives as `+`, `é` as `%C3%A9`), so lookups of such keys "
                        "fail with NoSuchKey",
                        self._wrap_fix(key),
                    )
                )
        return found

    def _subject(self, key: _JsKey) -> str:
        code = _short(node_text(key.node, self.data))
        origin = key.origin
        if origin is None:
            return f"{key.noun} `{code}`"
        row = self.module.positions.start(origin.node).row
        source = _short(node_text(origin.node, self.data))
        return f"`{code}` returns the {origin.noun} `{source}` (line {row}), which"

    def _report(self, key: _JsKey, message: str, fix: Fix | None) -> Diagnostic:
        positions = self.module.positions
        return self.rule.make_diagnostic(
            self.module.path, positions.start(key.node), positions.end(key.node), message, fix=fix
        )

    def _wrap_fix(self, key: _JsKey) -> Fix | None:
        """`record.s3.object.key` -> `decodeURIComponent(record.s3.object.key.replace(/\\+/g,
        " "))`; a destructured key has no expression to wrap."""
        if key.destructured:
            return None
        positions = self.module.positions
        node = key.node
        inner = node_text(node, self.data)
        if node.type not in _JS_PRIMARY:
            inner = f"({inner})"
        text = f"decodeURIComponent({inner}{_JS_PLUS})"
        return Fix(
            Applicability.UNSAFE,
            f"Decode the key with `{JS_DECODE}`",
            (Edit(positions.start(node), positions.end(node), text),),
        )

    def _plus_fix(self, call: Node) -> Fix | None:
        """`decodeURIComponent(key)` -> `decodeURIComponent(key.replace(/\\+/g, " "))`."""
        arguments = call.child_by_field_name("arguments")
        found = js_kids(arguments) if arguments is not None else []
        if not found or _js_callee_text(call, self.data) != "decodeURIComponent":
            return None
        argument = found[0]
        positions = self.module.positions
        edits: tuple[Edit, ...]
        if argument.type in _JS_PRIMARY:
            edits = (Edit.insertion(positions.end(argument), _JS_PLUS),)
        else:
            edits = (
                Edit.insertion(positions.start(argument), "("),
                Edit.insertion(positions.end(argument), ")" + _JS_PLUS),
            )
        return Fix(
            Applicability.UNSAFE, "Replace `+` with a space before `decodeURIComponent`", edits
        )


def _enclosing_function(node: Node) -> Node | None:
    current: Node | None = node
    while current is not None and current.type not in _JS_FUNCTIONS:
        current = current.parent
    return current


class S3KeyNotDecoded(CodeRule):
    """
    ## What it does
    Reports the object key of an S3 event notification that is used without
    `urllib.parse.unquote_plus`: `record["s3"]["object"]["key"]`,
    `event["Records"][0]["s3"]["object"]["key"]`, the same through `.get("s3")`,
    `.get("object")`, `.get("key")` or mixed with subscripts, through variables
    (`s3 = record["s3"]`, `obj = s3["object"]`), for S3 events wrapped in SQS or SNS
    messages, Powertools' raw `record.s3.get_object.key` (the `S3EventRecord` data
    class) and `record.s3.object.key` (the parser's `S3RecordModel`), and the key of
    an S3 Batch Operations task (`event["tasks"][0]["s3Key"]`).

    The rule follows the value: `key = record["s3"]["object"]["key"]` is fine when
    `key` (or a value made from it, such as `key.split("/")[-1]`) goes through
    `unquote_plus` anywhere in the function, under any import form (`from
    urllib.parse import unquote_plus`, `import urllib.parse`, aliases), or is passed
    to a function of the same module that decodes that parameter. A function that
    returns the raw key (`def object_key(record): return record["s3"]...`) is
    followed to its calls in the module, which are reported where they use the
    result raw. The rule reports when the raw key reaches anything else: an SDK
    call, a file path, a dict or list that is stored or returned, the return value
    of a handler. A key that is only logged, printed, put in an exception message,
    compared or tested (`key.endswith(".jpg")`) is not reported: a log line shows
    what S3 sent, and a test of a prefix or suffix gives the same answer for the
    encoded form. A key decoded with
    `urllib.parse.unquote` is reported with its own message: `unquote` turns `%20`
    into a space but leaves `+` as a plus.

    Not reported: Powertools properties that decode (`S3Event(event).object_key`,
    `S3EventBridgeNotificationEvent.detail.object.key`, `S3BatchOperationTask.s3_key`)
    and the key of an EventBridge "Object Created" event
    (`event["detail"]["object"]["key"]`), which S3 does not URL-encode. A key
    passed to a function of another module is reported even if that function
    decodes it.


    In JavaScript and TypeScript: `record.s3.object.key` (also `["s3"]["object"]["key"]`,
    optional chaining, names holding a part of the path, `const { key } =
    record.s3.object` and other destructuring, `event.Records.map((r) => ...)`
    callbacks) and an S3 Batch Operations task's `task.s3Key`, used without
    `decodeURIComponent(key.replace(/\\+/g, " "))` (`replaceAll("+", " ")` counts). A
    `decodeURIComponent` (or `decodeURI`) without the `+` replaced first is reported with
    its own message. Helpers of the same module that decode their parameter, and
    functions that return the raw key, are followed as in Python; a key that is only
    logged, tested (`endsWith`, `includes`, a regular expression's `test`) or put in an
    `Error` is not reported, nor is EventBridge's `event.detail.object.key`.

    ## Why is this bad?
    S3 URL-encodes the object key in event notifications (form encoding: a space
    arrives as `+`, `é` as `%C3%A9`, a `+` as `%2B`). Passing it on unchanged works
    in tests with simple names and fails in production for the first upload named
    `my photo.jpg`: `get_object(Key="my+photo.jpg")` raises `NoSuchKey`, and an S3
    trigger retries the event twice more before dropping it.

    ## Example
    ```python
    import boto3

    s3 = boto3.client("s3")


    def handler(event, context):
        for record in event["Records"]:
            bucket = record["s3"]["bucket"]["name"]
            key = record["s3"]["object"]["key"]
            s3.download_file(bucket, key, "/tmp/input")
    ```

    ## Use instead
    ```python
    from urllib.parse import unquote_plus

    import boto3

    s3 = boto3.client("s3")


    def handler(event, context):
        for record in event["Records"]:
            bucket = record["s3"]["bucket"]["name"]
            key = unquote_plus(record["s3"]["object"]["key"])
            s3.download_file(bucket, key, "/tmp/input")
    ```

    ## Fix
    The fix wraps the key expression in `unquote_plus(...)`, using the name the
    module already imports (`unquote_plus`, an alias, `urllib.parse.unquote_plus`
    after `import urllib.parse`, `parse.unquote_plus` after `from urllib import
    parse`), or adds `from urllib.parse import unquote_plus` after the module's
    imports. For a key decoded with `unquote`, it replaces `unquote` with
    `unquote_plus`. The fix is unsafe: code that decodes the key some other way
    further on would decode it twice (a key containing `%25` would change), and a
    `.get("key")` that returns `None` would make `unquote_plus` raise.

    In JavaScript the fix wraps the key expression as
    `decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "))`, or adds the
    `.replace(/\\+/g, " ")` that a `decodeURIComponent(key)` lacks; a destructured key
    has no expression to wrap and gets no fix. It is unsafe for the same reasons.

    ## References
    - [Tutorial: Using an Amazon S3 trigger to invoke a Lambda function](https://docs.aws.amazon.com/lambda/latest/dg/with-s3-example.html)
    - [Event message structure](https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
    """

    code = "SL209"
    name = "s3-key-not-decoded"
    severity = Severity.WARNING
    fix = FixKind.UNSAFE

    valid = (
        Valid(
            dedent(
                """\
                from urllib.parse import unquote_plus

                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    for record in event["Records"]:
                        key = unquote_plus(record["s3"]["object"]["key"])
                        s3.delete_object(Bucket=record["s3"]["bucket"]["name"], Key=key)
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import urllib.parse

                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    bucket = event["Records"][0]["s3"]["bucket"]["name"]
                    key = event["Records"][0]["s3"]["object"]["key"]
                    print("received", key)
                    key = urllib.parse.unquote_plus(key, encoding="utf-8")
                    return s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    # EventBridge "Object Created" events carry the key unencoded.
                    detail = event["detail"]
                    return s3.get_object(
                        Bucket=detail["bucket"]["name"], Key=detail["object"]["key"]
                    )
                """
            ),
        ),
        Valid(
            dedent(
                """\
                from aws_lambda_powertools.utilities.data_classes import S3Event, event_source


                @event_source(data_class=S3Event)
                def handler(event: S3Event, context):
                    return {"bucket": event.bucket_name, "key": event.object_key}
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import logging

                logger = logging.getLogger()


                def handler(event, context):
                    for record in event["Records"]:
                        key = record["s3"]["object"]["key"]
                        if not key.endswith(".jpg"):
                            logger.info("skipping %s", key)
                """
            ),
        ),
        # JavaScript: decoded; a key only tested and logged; EventBridge's unencoded key.
        Valid(
            dedent(
                """\
                import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";

                const s3 = new S3Client({});

                export const handler = async (event) => {
                  for (const record of event.Records) {
                    const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
                    const bucket = record.s3.bucket.name;
                    await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
                    if (!record.s3.object.key.endsWith(".jpg")) {
                      console.log(`skipping ${record.s3.object.key}`);
                    }
                  }
                  const detail = event.detail;
                  return s3.send(new GetObjectCommand({ Bucket: "media", Key: detail.object.key }));
                };
                """
            ),
            filename="handler.mjs",
        ),
        # TypeScript: a helper of the module decodes what it is given.
        Valid(
            dedent(
                """\
                import type { S3Event } from "aws-lambda";
                import { DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3";

                const s3 = new S3Client({});
                const decodeKey = (raw: string): string =>
                  decodeURIComponent(raw.replace(/\\+/g, " "));

                export const handler = async (event: S3Event): Promise<void> => {
                  const { bucket, object } = event.Records[0].s3;
                  const key = decodeKey(object.key);
                  await s3.send(new DeleteObjectCommand({ Bucket: bucket.name, Key: key }));
                };
                """
            ),
            filename="handler.ts",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    for record in event["Records"]:
                        bucket = record["s3"]["bucket"]["name"]
                        key = record["s3"]["object"]["key"]
                        s3.download_file(bucket, key, "/tmp/input")
                """
            ),
            line=9,
            column=15,
            message="used without `unquote_plus`",
        ),
        Invalid(
            dedent(
                """\
                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    obj = s3.get_object(
                        Bucket="uploads",
                        Key=event["Records"][0]["s3"]["object"]["key"],
                    )
                    return obj["Body"].read()
                """
            ),
            line=9,
            column=13,
        ),
        Invalid(
            dedent(
                """\
                from urllib.parse import unquote

                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    record = event["Records"][0]
                    key = unquote(record.get("s3", {}).get("object", {}).get("key"))
                    return s3.head_object(Bucket="media", Key=key)
                """
            ),
            line=10,
            column=19,
            message="leaves `+` as a literal plus",
        ),
        Invalid(
            dedent(
                """\
                import boto3
                from aws_lambda_powertools.utilities.data_classes import S3Event

                s3 = boto3.client("s3")


                def handler(event, context):
                    for record in S3Event(event).records:
                        s3.delete_object(
                            Bucket=record.s3.bucket.name, Key=record.s3.get_object.key
                        )
                """
            ),
            line=10,
            column=47,
        ),
        Invalid(
            dedent(
                """\
                import boto3

                s3 = boto3.client("s3")


                def handler(event, context):
                    results = []
                    for task in event["tasks"]:
                        s3.copy_object(
                            Bucket="archive",
                            Key=task["s3Key"],
                            CopySource={"Bucket": "media", "Key": task["s3Key"]},
                        )
                        results.append({"taskId": task["taskId"], "resultCode": "Succeeded"})
                    return {"results": results}
                """
            ),
            line=11,
            column=17,
            message="S3 Batch Operations",
        ),
        # JavaScript: the key through a name into an SDK v3 command.
        Invalid(
            dedent(
                """\
                import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
                import type { S3Event } from "aws-lambda";

                const s3 = new S3Client({});

                export const handler = async (event: S3Event): Promise<void> => {
                  for (const record of event.Records) {
                    const key = record.s3.object.key;
                    await s3.send(new GetObjectCommand({ Bucket: "media", Key: key }));
                  }
                };
                """
            ),
            filename="handler.ts",
            line=8,
            column=17,
            message='is used without `decodeURIComponent(key.replace(/\\+/g, " "))`',
        ),
        # `decodeURIComponent` alone leaves a `+` as a plus.
        Invalid(
            dedent(
                """\
                import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";

                const s3 = new S3Client({});

                export const handler = async (event) => {
                  const { key } = event.Records[0].s3.object;
                  const name = decodeURIComponent(key);
                  return s3.send(new HeadObjectCommand({ Bucket: "media", Key: name }));
                };
                """
            ),
            filename="handler.mjs",
            line=6,
            column=11,
            message="without replacing `+` first",
        ),
        # CommonJS, SDK v2: an S3 Batch Operations task's key.
        Invalid(
            dedent(
                """\
                const AWS = require("aws-sdk");

                const s3 = new AWS.S3();

                exports.handler = async (event) => {
                  const results = [];
                  for (const task of event.tasks) {
                    await s3.copyObject({
                      Bucket: "archive",
                      Key: task.s3Key,
                      CopySource: `media/${task.s3Key}`,
                    }).promise();
                    results.push({ taskId: task.taskId, resultCode: "Succeeded" });
                  }
                  return { results };
                };
                """
            ),
            filename="handler.js",
            line=10,
            column=12,
            message="S3 Batch Operations object key `task.s3Key`",
        ),
    )

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        self._frames: list[_Frame] = [_Frame("")]
        self._keys: list[_RawKey] = []
        # Names an import binds to `unquote_plus` / `unquote` under another name.
        self._decoder_aliases: set[str] = set()
        # Names ever bound to a raw key (a quick filter for every Name node).
        self._key_names: set[str] = set()
        # `self.key = record[...]`: dotted names, module-wide (methods share them).
        self._dotted: dict[str, _RawKey] = {}
        # Bindings decided while visiting an assignment's value, done when leaving it.
        self._binds: dict[int, list[tuple[cst.BaseExpression, _RawKey]]] = {}
        # Results of calls to functions of the module, by function name.
        self._results: dict[str, list[_RawKey]] = {}
        # Function name -> parameter lists of the functions of that name.
        self._defs: dict[str, list[tuple[str, ...]]] = {}
        # (function, parameter) -> the decode applied to the parameter in that function:
        # None for unquote_plus, else the `unquote(...)` call and its top statement.
        self._decodes: dict[tuple[str, str], tuple[cst.Call, cst.CSTNode | None] | None] = {}

    # -- JavaScript and TypeScript ---------------------------------------------------
    def check_javascript(self, module: JavaScriptModule) -> list[Diagnostic]:
        """The key of `event.Records[].s3.object.key` (and an S3 Batch Operations task's
        `s3Key`) used without `decodeURIComponent(key.replace(/\\+/g, " "))`, followed
        through names, destructuring, loops, callbacks and the module's own functions."""
        return _JavaScriptKeys(self, module).run()

    # -- scopes --------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = node.params
        positional = tuple(p.name.value for p in (*params.posonly_params, *params.params))
        self._defs.setdefault(node.name.value, []).append(positional)
        name = node.name.value
        handler = (
            len(self.ctx.parents) == 1  # a top-level function
            and (name in ("handler", "lambda_handler", "main") or name.endswith("_handler"))
            and len(positional) == 2
        )
        frame = _Frame(name, handler=handler)
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for param in every:
            frame.names[param.name.value] = None
            frame.params.add(param.name.value)
        self._frames.append(frame)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def _lookup(self, name: str) -> _Binding:
        for frame in reversed(self._frames):
            if name in frame.names:
                return frame.names[name]
        return None

    def _shadow(self, target: cst.BaseExpression) -> None:
        frame = self._frames[-1]
        for bound in _target_names(target):
            if isinstance(bound, cst.Name):
                frame.names[bound.value] = None
                frame.params.discard(bound.value)
            else:
                dotted = dotted_name(bound)
                if dotted is not None:
                    self._dotted.pop(dotted, None)

    def _bind(self, target: cst.BaseExpression, key: _RawKey) -> None:
        if isinstance(target, cst.Name):
            self._frames[-1].names[target.value] = key
            self._key_names.add(target.value)
        else:
            dotted = dotted_name(target)
            if dotted is not None:
                self._dotted[dotted] = key

    def _tail(self, node: cst.BaseExpression, length: int) -> tuple[str, ...]:
        """The last `length` keys of an access chain, through variables holding a prefix."""
        segments: list[str] = []
        current = node
        while len(segments) < length:
            step = _step(current)
            if step is None:
                break
            segments.append(step[0])
            current = step[1]
        segments.reverse()
        if len(segments) < length and isinstance(current, cst.Name):
            held = self._lookup(current.value)
            if isinstance(held, tuple):
                segments = [*held, *segments]
        return tuple(segments[-length:])

    def _remember_prefix(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not isinstance(target, cst.Name):
            return
        step = _step(value) if isinstance(value, (cst.Subscript, cst.Attribute, cst.Call)) else None
        if step is None or step[0] not in _PREFIX_ENDS:
            return
        tail = self._tail(value, 2)
        for size in (2, 1):
            if len(tail) >= size and tail[-size:] in _PREFIXES:
                self._frames[-1].names[target.value] = tail[-size:]
                return

    # -- assignments -------------------------------------------------------------------
    def leave_Assign(self, original_node: cst.Assign) -> None:
        for target in original_node.targets:
            self._shadow(target.target)
        if len(original_node.targets) == 1:
            self._remember_prefix(original_node.targets[0].target, original_node.value)
        self._apply_binds(original_node)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if original_node.value is None:
            return
        self._shadow(original_node.target)
        self._remember_prefix(original_node.target, original_node.value)
        self._apply_binds(original_node)

    def leave_AugAssign(self, original_node: cst.AugAssign) -> None:
        self._apply_binds(original_node)  # `path += key`: `path` now holds the raw key

    def leave_NamedExpr(self, original_node: cst.NamedExpr) -> None:
        self._shadow(original_node.target)
        self._apply_binds(original_node)

    def _apply_binds(self, owner: cst.CSTNode) -> None:
        for target, key in self._binds.pop(id(owner), ()):
            self._bind(target, key)

    def visit_For(self, node: cst.For) -> None:
        self._loop(node.target, node.iter)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node.for_in)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node.for_in)

    def _comprehension(self, for_in: cst.CompFor | None) -> None:
        """The element of a comprehension is visited before its `for`: bind the targets
        first (into the function's names, a harmless approximation)."""
        while for_in is not None:
            self._loop(for_in.target, for_in.iter)
            held = self._held(for_in.iter)
            if held is not None:
                for name in _target_names(for_in.target):
                    self._bind(name, held)
            for_in = for_in.inner_for_in

    def _loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        """A loop target is rebound; over `event["tasks"]` it holds the start of a key path
        (over raw keys, it is bound when the iterable is classified)."""
        self._shadow(target)
        if isinstance(target, cst.Name):
            tail = self._tail(iterable, 1)
            if tail and (*tail, "*") in _PREFIXES:
                self._frames[-1].names[target.value] = (*tail, "*")

    def _held(self, node: cst.BaseExpression) -> _RawKey | None:
        """The raw key a name or dotted name holds."""
        if isinstance(node, cst.Name):
            if node.value not in self._key_names:
                return None
            held = self._lookup(node.value)
            return held if isinstance(held, _RawKey) else None
        if isinstance(node, cst.Attribute) and self._dotted:
            dotted = dotted_name(node)
            return self._dotted.get(dotted) if dotted is not None else None
        return None

    # -- sources and uses ----------------------------------------------------------------
    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._source(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in _LAST_SEGMENTS:
            self._source(node)
        if self._dotted and self._is_load(node):
            held = self._held(node)
            if held is not None:
                self._use(held, node)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self._key_names:
            return
        held = self._held(node)
        if held is not None and self._is_load(node):
            self._use(held, node)

    def visit_Call(self, node: cst.Call) -> None:
        self._source(node)
        func = node.func
        kind = self._decoder(func)
        if kind is not None:
            self._decoded_parameter(node, kind)
        elif isinstance(func, cst.Name) and self._is_project_function(func.value):
            self._result(node, func.value)
        elif (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
        ):
            self._result(node, func.attr.value)

    def _result(self, call: cst.Call, function: str) -> None:
        """Follow what a call to a function of the module returns: a raw key if the
        function returns one (`def object_key(record): return record["s3"]...`)."""
        parents = self.ctx.parents
        result = _RawKey(call, parents[1] if len(parents) > 1 else None, "", via=function)
        self._results.setdefault(function, []).append(result)
        self._use(result, call)

    def _source(self, node: cst.BaseExpression) -> None:
        last = _last_segment(node)
        if last not in _LAST_SEGMENTS:
            return
        noun = _KEY_PATHS.get(self._tail(node, 3))
        if noun is None or not self._is_load(node):
            return
        parents = self.ctx.parents
        key = _RawKey(node, parents[1] if len(parents) > 1 else None, noun)
        self._keys.append(key)
        self._use(key, node)

    def _use(self, key: _RawKey, node: cst.BaseExpression) -> None:
        outcome = self._classify(node)
        if outcome.kind is _Kind.DECODED:
            key.decoded = True
        elif outcome.kind is _Kind.PLAIN:
            if key.plain is None and outcome.call is not None:
                parents = self.ctx.parents
                key.plain = (outcome.call, parents[1] if len(parents) > 1 else None)
        elif outcome.kind is _Kind.RAW:
            key.raw.append(outcome.helper)
        elif outcome.kind is _Kind.RETURN:
            frame = self._frames[-1]
            if not frame.name or frame.handler:
                key.raw.append(None)  # out of the function: to Step Functions, a client...
            elif key.returned_from is None:
                key.returned_from = frame.name  # to the callers, which decide
        elif outcome.kind is _Kind.BIND:
            if outcome.owner is None:  # a loop: bound before its body runs
                for target in outcome.targets:
                    self._bind(target, key)
            else:  # an assignment: bound once its value is evaluated
                binds = self._binds.setdefault(id(outcome.owner), [])
                binds.extend((target, key) for target in outcome.targets)

    def _is_load(self, node: cst.BaseExpression) -> bool:
        """Is `node` read (not assigned, deleted, a keyword name or an attribute name)?"""
        parents = self.ctx.parents
        child: cst.CSTNode = node
        index = len(parents) - 1
        parent = parents[index] if index >= 0 else None
        if isinstance(parent, cst.Attribute) and parent.attr is child:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is child:
            return False
        # A name inside a target tuple is a target too.
        while isinstance(parent, (cst.Element, cst.Tuple, cst.List, cst.StarredElement)):
            child = parent
            index -= 1
            parent = parents[index] if index >= 0 else None
        if isinstance(parent, (cst.AssignTarget, cst.Del, cst.AsName, cst.NameItem, cst.Param)):
            return False
        if isinstance(parent, (cst.For, cst.CompFor)):
            return parent.target is not child
        if isinstance(parent, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
            return parent.target is not child
        return not isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.ImportAlias))

    def _classify(self, node: cst.BaseExpression) -> _Outcome:
        """What the code around `node` does with its value (the raw key)."""
        parents = self.ctx.parents
        child: cst.CSTNode = node
        plus_replaced = False
        # The element of a tuple the value went into, for `bucket, key = b, k`.
        element: tuple[cst.Tuple, int] | None = None
        index = len(parents) - 1
        while index >= 0:
            parent = parents[index]
            if isinstance(parent, cst.Arg):
                call = parents[index - 1] if index >= 1 else None
                if parent.star or not isinstance(call, cst.Call):
                    return _RAW
                outcome = self._call_use(call, parent, plus_replaced)
                if outcome is not None:
                    return outcome
                child, index = call, index - 2  # the call's result is still the key
                continue
            if isinstance(parent, cst.Attribute):
                grand = parents[index - 1] if index >= 1 else None
                if isinstance(grand, cst.Call) and grand.func is parent:
                    method = parent.attr.value
                    if method in _TEST_METHODS:
                        return _HARMLESS
                    if method == "replace" and _replaces_plus(grand):
                        plus_replaced = True
                    child, index = grand, index - 2  # `key.split("/")`: still raw text
                    continue
                child, index = parent, index - 1  # `Path(key).name`
                continue
            if isinstance(parent, cst.Subscript):
                child, index = parent, index - 1  # `key[:-4]`
                continue
            if isinstance(parent, (cst.Index, cst.SubscriptElement, cst.Slice)):
                return _RAW  # `seen[key]`: a lookup with the raw key
            if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
                return _HARMLESS
            if isinstance(parent, cst.UnaryOperation):
                if isinstance(parent.operator, cst.Not):
                    return _HARMLESS
                return _RAW
            if isinstance(parent, cst.IfExp):
                if parent.test is child:
                    return _HARMLESS
                child, index = parent, index - 1
                continue
            if isinstance(parent, (cst.If, cst.While, cst.Assert, cst.Expr)):
                return _HARMLESS
            if isinstance(parent, cst.Element) and index >= 1:
                container = parents[index - 1]
                if isinstance(container, cst.Tuple):
                    element = (container, list(container.elements).index(parent))
                child, index = parent, index - 1
                continue
            if isinstance(parent, _FLOW_NODES):
                child, index = parent, index - 1
                continue
            if isinstance(parent, cst.Assign):
                return self._assigned(parent, child, element)
            if isinstance(parent, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
                if parent.value is not child:
                    return _RAW
                return _Outcome(_Kind.BIND, owner=parent, targets=(parent.target,))
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is child:
                # `for key in keys`: the target holds the raw key from now on.
                return _Outcome(_Kind.BIND, targets=tuple(_target_names(parent.target)))
            if isinstance(parent, cst.Lambda):
                return _HARMLESS  # `sorted(records, key=lambda r: r[...]["key"])`
            if isinstance(parent, cst.Return) and (
                child is node or (isinstance(child, cst.Tuple) and element is not None)
            ):
                return _Outcome(_Kind.RETURN)  # `return key`, `return bucket, key`
            return _RAW
        return _RAW

    def _assigned(
        self, assign: cst.Assign, value: cst.CSTNode, element: tuple[cst.Tuple, int] | None
    ) -> _Outcome:
        targets: list[cst.BaseExpression] = []
        for assign_target in assign.targets:
            target = assign_target.target
            if isinstance(target, (cst.Name, cst.Attribute)):
                if isinstance(target, cst.Attribute) and dotted_name(target) is None:
                    return _RAW
                targets.append(target)
            elif isinstance(target, (cst.Tuple, cst.List)):
                elements = list(target.elements)
                if (
                    element is not None
                    and element[0] is value
                    and len(elements) == len(element[0].elements)
                    and not any(isinstance(e, cst.StarredElement) for e in elements)
                ):
                    targets.extend(_target_names(elements[element[1]].value))
                else:
                    targets.extend(_target_names(target))  # `prefix, name = key.rsplit(...)`
            else:
                return _RAW  # `item["key"] = key`: stored in a structure as it is
        return _Outcome(_Kind.BIND, owner=assign, targets=tuple(targets))

    def _call_use(self, call: cst.Call, arg: cst.Arg, plus_replaced: bool) -> _Outcome | None:
        """What passing the key as `arg` of `call` does; None if the result is the key."""
        func = call.func
        helper = self._helper_arg(call, arg)
        if isinstance(func, cst.Name) and self._is_project_function(func.value):
            return _Outcome(_Kind.RAW, helper=helper)  # decided once its body is known
        kind = self._decoder(func)
        if kind == "plus" or (kind == "plain" and plus_replaced):
            return _DECODED
        if kind == "plain":
            return _Outcome(_Kind.PLAIN, call=call)
        qualified = self.ctx.qualified_name(func)
        if self._is_logging(func, qualified):
            return _HARMLESS
        if qualified is not None:
            last = qualified.rsplit(".", 1)[-1]
            if qualified in _HARMLESS_CALLS or last.endswith(("Error", "Exception", "Warning")):
                return _HARMLESS  # an exception message shows what S3 sent
            if qualified in _FLOW_CALLS or qualified.startswith(_FLOW_MODULES):
                return None
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, (cst.SimpleString, cst.ConcatenatedString))
            and func.attr.value in ("format", "join")
        ):
            return None  # `"{}/{}".format(prefix, key)`
        return _Outcome(_Kind.RAW, helper=helper)

    def _is_project_function(self, name: str) -> bool:
        """A function of this module (a module-level `def`, or a nested one seen so far)."""
        final = self.ctx.module_final.get(name)
        return final == DEFINED or (final is None and name in self._defs)

    def _helper_arg(self, call: cst.Call, arg: cst.Arg) -> _HelperArg | None:
        """The project function, and its parameter, that `arg` goes to (or None)."""
        func = call.func
        if isinstance(func, cst.Name):
            name, method = func.value, False
        elif (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
        ):
            name, method = func.attr.value, True
        else:
            return None
        if arg.keyword is not None:
            return (name, arg.keyword.value, method)
        position = 0
        for other in call.args:
            if other is arg:
                return (name, position, method)
            if other.keyword is None and not other.star:
                position += 1
        return None

    def _decoder(self, func: cst.BaseExpression) -> str | None:
        """ "plus" for `unquote_plus`, "plain" for `unquote`, through any import form."""
        if isinstance(func, cst.Attribute):
            return _DECODERS.get(func.attr.value)  # `urllib.parse.unquote_plus`
        if not isinstance(func, cst.Name):
            return None
        name = func.value
        if name not in _DECODERS and name not in self._decoder_aliases:
            return None
        if self.ctx.module_final.get(name) == DEFINED:
            return None  # the project's own function of that name: a helper
        bound = self.ctx.lookup(name)  # `from urllib.parse import unquote_plus as decode`
        return _DECODERS.get((bound or name).rsplit(".", 1)[-1])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Remember the names that `... import unquote_plus as name` binds (rare)."""
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            if (
                alias.asname is not None
                and isinstance(alias.asname.name, cst.Name)
                and isinstance(alias.name, cst.Name)
                and alias.name.value in _DECODERS
            ):
                self._decoder_aliases.add(alias.asname.name.value)

    def _is_logging(self, func: cst.BaseExpression, qualified: str | None) -> bool:
        if qualified == "print" or (qualified or "").startswith("logging."):
            return True
        if not isinstance(func, cst.Attribute):
            return False
        receiver = (dotted_name(func.value) or "").rsplit(".", 1)[-1].lower()
        method = func.attr.value
        if method in LOG_METHODS and "log" in receiver:
            return True
        return method in _TRACE_METHODS and any(word in receiver for word in _TRACE_RECEIVERS)

    def _decoded_parameter(self, call: cst.Call, kind: str) -> None:
        """`unquote_plus(key)` on a parameter: the function decodes what it is given."""
        frame = self._frames[-1]
        if not frame.name or not call.args:
            return
        value = call.args[0].value
        plus = kind == "plus"
        while isinstance(value, cst.Call) and value.args:
            func = value.func
            if isinstance(func, cst.Attribute):
                plus = plus or (func.attr.value == "replace" and _replaces_plus(value))
                value = func.value
            elif isinstance(func, cst.Name) and func.value == "str":
                value = value.args[0].value
            else:
                break
        if isinstance(value, cst.Name) and value.value in frame.params:
            parents = self.ctx.parents
            place = (frame.name, value.value)
            if plus:
                self._decodes[place] = None
            elif place not in self._decodes:
                self._decodes[place] = (call, parents[1] if len(parents) > 1 else None)

    # -- decisions -------------------------------------------------------------------------
    def _helper_decode(
        self, helper: _HelperArg
    ) -> tuple[bool, tuple[cst.Call, cst.CSTNode | None] | None]:
        """(decodes the parameter, the plain `unquote` call if that is how)."""
        name, where, method = helper
        for params in self._defs.get(name, ()):
            if isinstance(where, int):
                shift = 1 if method and params[:1] in (("self",), ("cls",)) else 0
                if where + shift >= len(params):
                    continue
                param = params[where + shift]
            else:
                param = where
            if (name, param) in self._decodes:
                return True, self._decodes[(name, param)]
        return False, None

    def _returned_keys(self) -> list[_RawKey]:
        """The raw keys of the module: the key expressions, and the results of calls to
        functions that return one as it is (through any number of such functions)."""
        keys = list(self._keys)
        # Function name -> the raw key it returns undecoded.
        returning: dict[str, _RawKey] = {}
        index = 0
        while index < len(keys):
            key = keys[index]
            index += 1
            function = key.returned_from
            if function is None or key.decoded or function in returning:
                continue
            returning[function] = key.origin if key.origin is not None else key
            for result in self._results.get(function, ()):
                result.origin = returning[function]
                result.noun = returning[function].noun
                keys.append(result)
        return keys

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._keys:
            return
        decoder = _Decoder.of(self.ctx.module, self.ctx.module_final, self.ctx.lines)
        for key in self._returned_keys():
            if key.decoded:
                continue
            plain = key.plain
            raw = False
            for helper in key.raw:
                if helper is None:
                    raw = True
                    continue
                decodes, helper_plain = self._helper_decode(helper)
                if not decodes:
                    raw = True
                elif helper_plain is not None and plain is None:
                    plain = helper_plain
            subject = self._subject(key)
            if plain is not None:
                message = (
                    f"{subject} is decoded with `unquote`, which leaves `+` as "
                    "a literal plus: S3 encodes a space as `+`, so keys with spaces are "
                    "not found; use `unquote_plus`"
                )
                self._report(key, message, decoder.replace_unquote(plain))
            elif raw:
                message = (
                    f"{subject} is used without `unquote_plus`: S3 URL-encodes "
                    "the key (a space arrives as `+`, `é` as `%C3%A9`), so lookups of "
                    "such keys fail with NoSuchKey"
                )
                self._report(key, message, decoder.wrap(key))

    def _subject(self, key: _RawKey) -> str:
        """What the message calls the key: the expression, or the call that returns it."""
        code = _short(self.ctx.module.code_for_node(key.node))
        origin = key.origin
        if origin is None:
            return f"{key.noun} `{code}`"
        positions = self.ctx.positions
        if origin.top is not None:
            positions.prepare(origin.top)
        row = positions.start(origin.node).row
        source = _short(self.ctx.module.code_for_node(origin.node))
        return f"`{code}` returns the {origin.noun} `{source}` (line {row}), which"

    def _report(self, key: _RawKey, message: str, fix: FixBuilder | None) -> None:
        self.ctx.report(self, key.node, message, fix=fix)
        # Reported after the traversal: tell the engine which statement holds the node
        # so that only that statement's positions are computed.
        self.ctx.reports[-1].top = key.top


@dataclass(frozen=True)
class _Decoder:
    """How the fix calls `unquote_plus` in this module, and the import it adds if any."""

    expression: str | None  # None: the name is taken by something else
    import_edit: tuple[cst.CSTNode | None, str] | None  # (statement to insert after, text)
    module: cst.Module
    lines: list[str]  # the source lines, with their line endings

    @classmethod
    def of(cls, module: cst.Module, bindings: dict[str, str], lines: list[str]) -> _Decoder:
        for name, qualified in bindings.items():
            if qualified == "urllib.parse.unquote_plus":
                return cls(name, None, module, lines)
        for name, qualified in bindings.items():
            if (
                qualified == "urllib.parse"
            ):  # `from urllib import parse`, `import urllib.parse as p`
                return cls(f"{name}.unquote_plus", None, module, lines)
        if bindings.get("urllib") == "urllib" and _imports_urllib_parse(module):
            return cls("urllib.parse.unquote_plus", None, module, lines)
        if "unquote_plus" in bindings:
            return cls(None, None, module, lines)  # the name means something else here
        statement = "from urllib.parse import unquote_plus" + module.default_newline
        return cls("unquote_plus", (_last_import(module), statement), module, lines)

    def _import_edits(self, positions: Positions) -> list[Edit]:
        if self.import_edit is None:
            return []
        after, statement = self.import_edit
        newline = self.module.default_newline
        lines = self.lines
        if after is not None:
            row = positions.range(after).end.line
            last = lines[row - 1] if row <= len(lines) else ""
            if not last.endswith(("\n", "\r")):  # the file ends without a line break
                return [Edit.insertion(Location(row, len(last) + 1), newline + statement)]
            return [Edit.insertion(Location(row + 1, 1), statement)]
        first = self.module.body[0] if self.module.body else None
        if first is not None and _is_docstring(first):
            row = positions.range(first).end.line
            following = lines[row] if row < len(lines) else ""
            gap = "" if not following.strip() else newline
            return [Edit.insertion(Location(row + 1, 1), newline + statement + gap)]
        row = positions.range(first).start.line if first is not None else 1
        return [Edit.insertion(Location(row, 1), statement + newline)]

    def wrap(self, key: _RawKey) -> FixBuilder | None:
        expression = self.expression
        if expression is None:
            return None

        def build(positions: Positions) -> Fix | None:
            if key.top is not None:
                positions.prepare(key.top)
            start, end = positions.start(key.node), positions.end(key.node)
            edits = [
                *self._import_edits(positions),
                Edit.insertion(start, f"{expression}("),
                Edit.insertion(end, ")"),
            ]
            return Fix(
                Applicability.UNSAFE, f"Decode the key with `{expression}(...)`", tuple(edits)
            )

        return build

    def replace_unquote(self, plain: tuple[cst.Call, cst.CSTNode | None]) -> FixBuilder | None:
        call, top = plain
        func = call.func
        expression = self.expression

        def build(positions: Positions) -> Fix | None:
            if top is not None:
                positions.prepare(top)
            if isinstance(func, cst.Attribute) and func.attr.value == "unquote":
                # `urllib.parse.unquote(...)`, `parse.unquote(...)`: same module, other name.
                attr = func.attr
                edits = [Edit(positions.start(attr), positions.end(attr), "unquote_plus")]
                replacement = "unquote_plus"
            elif isinstance(func, cst.Name) and expression is not None:
                edits = [
                    *self._import_edits(positions),
                    Edit(positions.start(func), positions.end(func), expression),
                ]
                replacement = expression
            else:
                return None
            return Fix(
                Applicability.UNSAFE, f"Use `{replacement}` instead of `unquote`", tuple(edits)
            )

        return build


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return any(isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body)
    if isinstance(statement, (cst.Try, cst.If)) and isinstance(statement.body, cst.IndentedBlock):
        return any(_is_import(inner) for inner in statement.body.body)
    return False


def _last_import(module: cst.Module) -> cst.CSTNode | None:
    """The last module-level import before the first function or class."""
    last: cst.CSTNode | None = None
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break
        if _is_import(statement):
            last = statement
    return last


def _imports_urllib_parse(module: cst.Module) -> bool:
    """Does a module-level `import urllib.parse` (without `as`) make `urllib.parse` usable?"""
    for statement in module.body:
        lines: list[cst.CSTNode] = [statement]
        if isinstance(statement, cst.Try) and isinstance(statement.body, cst.IndentedBlock):
            lines = list(statement.body.body)
        for line in lines:
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for small in line.body:
                if isinstance(small, cst.Import) and any(
                    alias.asname is None and dotted_name(alias.name) == "urllib.parse"
                    for alias in small.names
                ):
                    return True
    return False
