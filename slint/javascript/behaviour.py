"""The JavaScript/TypeScript front end of `slint.facts`: what each function does.

One reader per function walks its body once, statement by statement, over the
tree-sitter tree (`named_children` and a dispatch on `node.type`), and produces the
same facts `slint.python.behaviour` produces from Python: calls with their receivers
and arguments, loops, try/catch blocks, returns, throws, skips and conditions, and the
names it binds. Along the way it records what `slint.javascript.module` needs besides:
the references of calls to functions of this and other project modules
(`FunctionFacts.calls`), where imported names are read (`ModuleImport.uses`), and the
functions defined inside the function (`outer.inner`).

JavaScript runs much of its work in callbacks. A callback is not a function of its own:
its body belongs to the function that passes it, where it is written. A callback that
runs per element (`event.Records.map(async (record) => ...)`, `forEach`) is a `Loop` of
kind "map" whose body's facts carry that loop; one that runs on a rejected promise
(`.catch(error => ...)`) is the handler of a `Try` that covers the promise chain.

Code under a once-per-environment guard (`client ??= new S3Client({})`, `if (!client) {
client = ... }`, `client || (client = ...)`, `client = client ?? ...`, an early `if
(client) return client;` before the code that sets it, a cold-start flag) runs once per
execution environment, not per invocation: its calls are marked `Call.once` and left out
of the function's call references (so what they call is not reached per invocation).

SDK and HTTP calls are described the way boto3 and requests name them (see
`slint.javascript.sdk`): `client.send(new PutItemCommand(input))` is a call of method
"put_item" on a receiver of service "dynamodb" with the input's properties as keyword
arguments, so that the cross rules written against boto3 read it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

from slint.facts import (
    Argument,
    Behaviour,
    Call,
    Condition,
    ExceptClause,
    ImportUse,
    Loop,
    Raise,
    Return,
    Skip,
    Span,
    Try,
    Value,
    placed,
)
from slint.javascript import sdk
from slint.javascript.grammar import node_text

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.grammar import Positions

_TEXT_LIMIT = 160

# Expressions that only say something to the type checker (or group): what they hold is
# the value.
_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)
FUNCTION_EXPRESSIONS = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)
FUNCTION_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
# Every node that starts a function of its own (its body runs when it is called).
FUNCTION_NODES = FUNCTION_EXPRESSIONS | FUNCTION_DECLARATIONS | {"method_definition"}
CLASS_DECLARATIONS = frozenset({"class_declaration", "abstract_class_declaration"})
_CLASS_NODES = CLASS_DECLARATIONS | {"class"}
# Type-only syntax inside expressions and declarations (never read at run time).
_TYPE_NODES = frozenset(
    {
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "type_identifier",
        "predefined_type",
        "asserts_annotation",
        "type_predicate_annotation",
        "opting_type_annotation",
        "omitting_type_annotation",
        "adding_type_annotation",
    }
)
_LITERAL_TYPES = frozenset({"string", "number", "true", "false", "null", "undefined"})
# Array methods that run their callback once per element.
ITERATION_METHODS = frozenset(
    {
        "map",
        "forEach",
        "flatMap",
        "filter",
        "reduce",
        "reduceRight",
        "some",
        "every",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
    }
)
_REDUCERS = frozenset({"reduce", "reduceRight"})
# Promise plumbing: chaining a callback is no work of its own.
_PROMISE_CHAIN = frozenset({"then", "catch", "finally"})
# How `Promise.<x>(promises)` awaits the promises a loop makes (`Loop.joined`).
_JOINS = {"Promise.all": "all", "Promise.allSettled": "settled"}
# Built-in conversions handed to an array method (`.filter(Boolean)`): no work.
_CONVERSIONS = frozenset({"Boolean", "Number", "String"})
# Calls that return their (string) argument in another form: still that value.
_DECODERS = frozenset({"decodeURIComponent", "decodeURI", "unescape", "String"})
# String and array methods whose result is still (part of) the value they are called on.
_SAME_VALUE_METHODS = frozenset(
    {"replace", "replaceAll", "trim", "toString", "slice", "filter", "concat", "valueOf"}
)
# Tracing wrappers that hand back the SDK (or client) they are given:
# `AWSXRay.captureAWS(require("aws-sdk"))`, `tracer.captureAWSv3Client(new S3Client({}))`.
_PASSTHROUGH = frozenset({"captureAWS", "captureAWSClient", "captureAWSv3Client"})
# HTTP clients described as `requests` is: (module, method) -> a call of that verb.
_FETCH = frozenset({"fetch", "node-fetch", "cross-fetch", "isomorphic-fetch", "undici.fetch"})
_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_HTTP_WITH_BODY = frozenset({"post", "put", "patch"})
_HTTP_PACKAGES = ("axios", "got", "ky")
# Names whose truthiness, by convention, marks code that runs once per environment.
_COLD_START_HINTS = ("cold", "first", "init")
_MUTATORS = frozenset({"set", "add", "push", "unshift", "splice"})
_EXITS = {
    "return_statement": "return",
    "break_statement": "break",
    "continue_statement": "continue",
}


def changed(value: Value, **changes: object) -> Value:
    """`dataclasses.replace` for the hot paths: a copy of `value` with `changes` (the
    fields are checked by the type checker at the call sites that matter, and `replace`
    spends most of its time validating them again)."""
    made = object.__new__(Value)
    made.__dict__.update(value.__dict__)
    made.__dict__.update(changes)
    return made


def kids(node: Node) -> list[Node]:
    """The named children of `node` without comments (which may sit anywhere)."""
    return [child for child in node.named_children if not child.is_extra]


def strip(node: Node) -> Node:
    """`node` without parentheses and TypeScript's `as`/`satisfies`/`!`/`<T>` wrappers."""
    while node.type in _TRANSPARENT:
        inner = kids(node)
        if not inner:
            break
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def strip_await(node: Node) -> Node:
    node = strip(node)
    while node.type == "await_expression":
        inner = kids(node)
        if not inner:
            break
        node = strip(inner[0])
    return node


def is_function(node: Node) -> bool:
    return node.type in FUNCTION_EXPRESSIONS


def is_relative(specifier: str) -> bool:
    return specifier.startswith((".", "/"))


def require_specifier(node: Node, data: bytes) -> str | None:
    """`require("x")` (or a string-literal `import("x")`): the specifier "x"."""
    if node.type != "call_expression":
        return None
    callee = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if callee is None or arguments is None or callee.type not in ("identifier", "import"):
        return None
    if callee.type == "identifier" and data[callee.start_byte : callee.end_byte] != b"require":
        return None
    found = kids(arguments)
    if len(found) != 1 or found[0].type != "string":
        return None
    return string_value(found[0], data)


def passthrough_argument(node: Node, data: bytes) -> Node | None:
    """The argument of a tracing wrapper call that returns it (`captureAWS(x)` -> x)."""
    if node.type != "call_expression":
        return None
    callee = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if callee is None or arguments is None:
        return None
    callee = strip(callee)
    name_node = (
        callee.child_by_field_name("property") if callee.type == "member_expression" else callee
    )
    if name_node is None or data[name_node.start_byte : name_node.end_byte].decode() not in (
        _PASSTHROUGH
    ):
        return None
    found = kids(arguments)
    return found[0] if len(found) == 1 else None


# -- literals ------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(escape: str) -> str:
    body = escape[1:]
    if not body:
        return ""
    head = body[0]
    if head in "\r\n\u2028\u2029":
        return ""  # a line continuation
    if head in _ESCAPES and not (head == "0" and len(body) > 1):
        return _ESCAPES[head]
    try:
        if head == "x" and len(body) == 3:
            return chr(int(body[1:], 16))
        if head == "u":
            digits = body[2:-1] if body[1:2] == "{" else body[1:]
            return chr(int(digits, 16))
    except ValueError:
        return body
    return body


def _join_surrogates(text: str) -> str:
    """`\\uD83D\\uDE00` escapes are two UTF-16 halves: make them one character."""
    if any("\ud800" <= char <= "\udfff" for char in text):
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def string_value(node: Node, data: bytes) -> str:
    """The value of a string literal (escapes decoded)."""
    parts: list[str] = []
    for child in node.named_children:
        raw = node_text(child, data)
        if child.type == "string_fragment":
            parts.append(raw)
        elif child.type == "escape_sequence":
            parts.append(_unescape(raw))
    return _join_surrogates("".join(parts))


def _number(text: str) -> int | float | None:
    cleaned = text.replace("_", "")
    try:
        if cleaned.endswith("n"):
            return int(cleaned[:-1], 0)
        lowered = cleaned.lower()
        if lowered.startswith(("0x", "0o", "0b")):
            return int(cleaned, 0)
        if len(cleaned) > 1 and cleaned[0] == "0" and cleaned.isdigit():
            return int(cleaned, 8)  # a legacy octal literal
        if cleaned.isdigit():
            return int(cleaned)
        return float(cleaned)
    except ValueError:
        return None


# -- what the module knows ------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """What an import binds a name to: the module `specifier` and the export path inside
    it (() the module object or namespace, ("default",) a default import, ("a",) a named
    import or a destructured `require`)."""

    specifier: str
    path: tuple[str, ...]

    @property
    def qualified(self) -> str:
        """The name rules see: "m" for the module or its default export, "m.a" for a
        named export."""
        shown = self.path[1:] if self.path[:1] == ("default",) else self.path
        return ".".join((self.specifier, *shown))

    def ref(self, members: Sequence[str]) -> str | None:
        """The `FunctionFacts.calls` entry for calling `<name>.<members>` (None for a
        package: reachability never enters installed code)."""
        if not is_relative(self.specifier):
            return None
        path = (*self.path, *members) or ("default",)
        return f"ext:{'.'.join(path)}@{self.specifier}"


@dataclass
class Definition:
    """A function with a key of its own (a declaration, a function bound to a name, a
    method, an export)."""

    key: str
    name: str
    node: Node  # the function (declaration, expression, arrow, method)
    name_node: Node | None  # where its name is written (None: the function itself)
    decorators: list[str] = field(default_factory=list)
    class_key: str | None = None  # the class of a method
    parent: Scope | None = None  # the scope it is defined in (closures read it)


@dataclass
class Scope:
    """Names bound where code runs: a function, a callback, or the module."""

    values: dict[str, Value] = field(default_factory=dict)
    order: list[tuple[str, Value]] = field(default_factory=list)
    parent: Scope | None = None
    params: set[str] = field(default_factory=set)
    # Imports made inside a function (`const db = require("./db")`).
    imports: dict[str, Binding] = field(default_factory=dict)
    # Names that hold an object literal (its properties are known).
    objects: set[str] = field(default_factory=set)
    # Names that hold the promises a loop makes (`const ps = records.map(...)`,
    # `ps.push(work(r))` in a loop): name -> loop index.
    promises: dict[str, int] = field(default_factory=dict)
    # Names that hold an instance of a class: name -> (kind, class path, specifier).
    instances: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    module: bool = False

    def bind(self, name: str, value: Value, *, record: bool = True) -> None:
        self.values[name] = value
        if record:
            self.order.append((name, value))

    def child(self) -> Scope:
        """A callback's scope: its own names, and the enclosing function's locals."""
        return Scope(order=self.order, parent=self)


class ModuleContext:
    """What readers share about one module."""

    def __init__(self, data: bytes, positions: Positions, grammar: str) -> None:
        self.data = data
        self.positions = positions
        self.typescript = grammar in ("typescript", "tsx")
        self.bindings: dict[str, Binding] = {}
        self.definitions: dict[str, Definition] = {}
        self.definition_nodes: dict[int, Definition] = {}
        self.classes: dict[str, Node] = {}  # top-level class name -> class node
        self.class_bases: dict[str, Node] = {}
        self.attributes: dict[str, dict[str, Value]] = {}
        self.attribute_instances: dict[str, dict[str, tuple[str, str, str]]] = {}
        self.globals = Scope(module=True)
        # (bound name, use) for every read of an import's name
        self.uses: list[tuple[str, ImportUse]] = []
        # module-level `require()`s found while reading module code: (node, optional)
        self.late_requires: list[tuple[Node, str, bool]] = []
        self.known_requires: set[int] = set()
        self.pending: list[Definition] = []
        # Module-level names bound to a wrapper call around a named function
        # (`const timed = withTiming(recordHandler)`): name -> the wrapped name. Calling
        # or handing over the name runs the wrapped function.
        self.wrapped: dict[str, str] = {}
        # Classes of this module whose every instance is made in module-level code (the
        # class never escapes: not exported, extended or handed over): their `this` state
        # lives as long as the execution environment.
        self.module_instanced: frozenset[str] = frozenset()

    def define(self, definition: Definition) -> None:
        self.definitions[definition.key] = definition
        self.definition_nodes[definition.node.id] = definition

    def text(self, node: Node) -> str:
        """The source of `node` as `Value.text` shows it: blanks collapsed, shortened."""
        start, end = node.start_byte, node.end_byte
        limit = start + 4 * _TEXT_LIMIT
        raw = self.data[start : min(end, limit)].decode("utf-8", "replace")
        text = " ".join(raw.split())
        if end > limit and len(text) <= _TEXT_LIMIT:
            text = " ".join(self.data[start:end].decode("utf-8", "replace").split())
        if len(text) > _TEXT_LIMIT or end > limit:
            return text[: _TEXT_LIMIT - 3] + "..." if len(text) > _TEXT_LIMIT else text
        return text

    def raw(self, node: Node) -> str:
        return node_text(node, self.data)

    def span(self, node: Node) -> Span:
        return Span(self.positions.start(node), self.positions.end(node))


class _Where(NamedTuple):
    loops: tuple[int, ...] = ()
    tries: tuple[int, ...] = ()
    handler: tuple[int, int] | None = None
    conditions: tuple[int, ...] = ()
    conditional: bool = False  # runs on some paths only (for `ImportUse`)
    guarded: bool = False  # under a once-per-environment guard
    # inside a callback: "iteration" (per element), "other"; None in the function itself
    callback: str | None = None
    # never runs on Lambda (`if (require.main === module)`, a local command-line run)
    dormant: bool = False


@dataclass
class FunctionResult:
    behaviour: Behaviour
    calls: tuple[str, ...]


class Reader:
    """Reads one function's body (or the module's top-level code, `definition` None)."""

    def __init__(self, module: ModuleContext, definition: Definition | None) -> None:
        self.module = module
        self.definition = definition
        self.key = definition.key if definition is not None else None
        if definition is None:
            self.scope = module.globals
        else:
            parent = definition.parent or module.globals
            self.scope = Scope(parent=parent)
        self.attributes: dict[str, Value] = {}
        self.attribute_instances: dict[str, tuple[str, str, str]] = {}
        if definition is not None and definition.class_key is not None:
            self.attributes = module.attributes.get(definition.class_key, {})
            self.attribute_instances = module.attribute_instances.get(definition.class_key, {})
        self.calls: list[Call] = []
        self.loops: list[Loop] = []
        self.tries: list[Try] = []
        self.returns: list[Return] = []
        self.raises: list[Raise] = []
        self.skips: list[Skip] = []
        self.conditions: list[Condition] = []
        self.refs: list[str] = []
        self._awaited: set[int] = set()
        self._promised: set[int] = set()  # SDK v2 calls followed by `.promise()`
        self._joins: dict[int, str] = {}  # map calls whose promises `Promise.all` awaits
        self._loop_of: dict[int, int] = {}  # map call -> its loop index
        self._catch_names: list[str | None] = []
        # Values and qualified names of nodes, valid until a name is bound again.
        self._memo: dict[int, Value] = {}
        self._qualified: dict[int, str | None] = {}
        # Module-level names this function assigns: name -> what it assigned.
        self._module_values: dict[str, Value] = {}

    # -- entry points ----------------------------------------------------------------
    def read_module(self, program: Node) -> Behaviour:
        self._block(kids(program), _Where())
        return Behaviour(
            calls=tuple(self.calls),
            loops=tuple(self.loops),
            tries=tuple(self.tries),
            skips=tuple(self.skips),
            conditions=tuple(self.conditions),
            locals=tuple(self.scope.order),
        )

    def read_function(self, prelude: Sequence[Node] = ()) -> FunctionResult:
        """`prelude`: statements that run first (a constructor's field initializers)."""
        definition = self.definition
        assert definition is not None
        node = definition.node
        parameters = parameter_names(node, self.module.data)[0]
        self._bind_parameters(node)
        where = _Where()
        for initializer in prelude:
            self._expr(initializer, where)
        # An implicit constructor stands for its class: only the prelude runs.
        body = None if node.type in _CLASS_NODES else node.child_by_field_name("body")
        if body is not None:
            if body.type == "statement_block":
                statements = kids(body)
                self._nested_definitions(statements)
                self._block(statements, where)
            else:
                # An arrow function's expression body is what it returns.
                self._expr(body, where)
                self.returns.append(Return(self.module.span(body), self.evaluate(body)))
        name_node = definition.name_node or node
        behaviour = Behaviour(
            span=self.module.span(name_node),
            parameters=parameters,
            calls=tuple(self.calls),
            loops=tuple(self.loops),
            tries=tuple(self.tries),
            returns=tuple(self.returns),
            raises=tuple(self.raises),
            skips=tuple(self.skips),
            conditions=tuple(self.conditions),
            locals=tuple(self.scope.order),
        )
        return FunctionResult(behaviour, tuple(dict.fromkeys(self.refs)))

    def _bind_parameters(self, node: Node) -> None:
        parameters = node.child_by_field_name("parameters")
        single = node.child_by_field_name("parameter")  # `x => ...`
        found = [single] if single is not None else (kids(parameters) if parameters else [])
        for parameter in found:
            pattern, _ = _parameter_parts(parameter)
            if pattern is None:
                continue
            if pattern.type == "rest_pattern":
                inner = kids(pattern)
                pattern = inner[0] if inner else None
                if pattern is None:
                    continue
            self._bind_parameter(pattern, self.scope)

    def _bind_parameter(self, pattern: Node, scope: Scope, item: Value | None = None) -> None:
        """A parameter: its own name roots event paths (`event.Records`), or the loop
        item a callback is handed (`record` -> `event.Records[]`)."""
        if pattern.type == "identifier":
            name = self.module.raw(pattern)
            scope.params.add(name)
            value = (
                changed(item, text=name, span=None)
                if item is not None
                else Value(name, event_path=name)
            )
            scope.bind(name, value, record=False)
            return
        if pattern.type in ("object_pattern", "array_pattern"):
            root = "{}" if pattern.type == "object_pattern" else "[]"
            held = item if item is not None else Value(root, event_path=root)
            for name in pattern_names(pattern, self.module.data):
                scope.params.add(name)
            self._bind_pattern(pattern, held, scope, record=False)

    def _nested_definitions(self, statements: Sequence[Node]) -> None:
        """Functions declared in this body (`outer.inner`): known before the body runs
        (declarations are hoisted), read after it."""
        if self.key is None:
            return
        for statement in statements:
            self._nested_definition(statement)

    def _nested_definition(self, statement: Node) -> Definition | None:
        if self.key is None:
            return None
        module = self.module
        if statement.type in FUNCTION_DECLARATIONS:
            if statement.id in module.definition_nodes:
                return module.definition_nodes[statement.id]
            name_node = statement.child_by_field_name("name")
            if name_node is None:
                return None
            name = module.raw(name_node)
            made = Definition(f"{self.key}.{name}", name, statement, name_node, parent=self.scope)
            module.define(made)
            module.pending.append(made)
            self.scope.bind(name, Value(name), record=False)  # hides an import of the name
            return made
        if statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in kids(statement):
                value = declarator.child_by_field_name("value")
                name_node = declarator.child_by_field_name("name")
                if value is None or name_node is None or name_node.type != "identifier":
                    continue
                function = strip(value)
                if not is_function(function) or function.id in module.definition_nodes:
                    continue
                name = module.raw(name_node)
                made = Definition(
                    f"{self.key}.{name}", name, function, name_node, parent=self.scope
                )
                module.define(made)
                module.pending.append(made)
                self.scope.bind(name, Value(name), record=False)
        return None

    # -- names -----------------------------------------------------------------------
    def _find(self, name: str) -> tuple[Value | None, Scope | None]:
        """The value `name` holds in the innermost scope that binds it (the module's
        own names included), and that scope."""
        scope: Scope | None = self.scope
        while scope is not None:
            if name in scope.values:
                return scope.values[name], scope
            if name in scope.params:
                return None, scope
            scope = scope.parent
        return None, None

    def _local_scope(self, name: str) -> Scope | None:
        """The function (or callback) scope that binds `name`, below the module."""
        scope: Scope | None = self.scope
        while scope is not None and not scope.module:
            if name in scope.values or name in scope.params or name in scope.imports:
                return scope
            scope = scope.parent
        return None

    def binding(self, name: str) -> Binding | None:
        """The import `name` refers to here (a module-level one, or a function's own
        `require`), unless a local name hides it."""
        scope: Scope | None = self.scope
        while scope is not None and not scope.module:
            if name in scope.imports:
                return scope.imports[name]
            if name in scope.values or name in scope.params:
                return None
            scope = scope.parent
        if name in self.module.globals.values and name not in self.module.bindings:
            return None
        return self.module.bindings.get(name)

    def lookup(self, name: str) -> Value | None:
        value, scope = self._find(name)
        if (scope is None or scope.module) and name in self._module_values:
            return self._module_values[name]
        return value

    def _holds_object(self, name: str) -> bool:
        scope = self._find(name)[1]
        return scope is not None and name in scope.objects

    def _forget(self) -> None:
        self._memo.clear()
        self._qualified.clear()

    def qualify(self, node: Node) -> str | None:
        """The dotted name an expression stands for, resolved through imports and the
        values of names (`ddb.send` -> "@aws-sdk/client-dynamodb.DynamoDBClient().send")."""
        key = node.id
        if key in self._qualified:
            return self._qualified[key]
        found = self._qualify(node)
        self._qualified[key] = found
        return found

    def _qualify(self, node: Node) -> str | None:
        node = strip(node)
        kind = node.type
        if kind == "identifier":
            name = self.module.raw(node)
            binding = self.binding(name)
            if binding is not None:
                return binding.qualified
            value = self.lookup(name)
            if value is not None and value.origin is not None:
                return value.origin
            return name
        if kind == "member_expression":
            target = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if target is None or prop is None:
                return None
            attribute = self.module.raw(prop)
            if strip(target).type == "this":
                held = self.attributes.get(f"this.{attribute}")
                if held is not None and held.origin is not None:
                    return held.origin
            base = self.qualify(target)
            return f"{base}.{attribute}" if base is not None else None
        if kind == "call_expression":
            specifier = require_specifier(node, self.module.data)
            if specifier is not None:
                return specifier
            inner = passthrough_argument(node, self.module.data)
            if inner is not None:
                return self.qualify(inner)
            callee = node.child_by_field_name("function")
            base = self.qualify(callee) if callee is not None else None
            return f"{base}()" if base is not None else None
        if kind == "new_expression":
            constructor = node.child_by_field_name("constructor")
            base = self.qualify(constructor) if constructor is not None else None
            return f"{base}()" if base is not None else None
        if kind == "await_expression":
            awaited = kids(node)
            return self.qualify(awaited[0]) if awaited else None
        if kind in ("this", "super"):
            return kind
        return None

    # -- values ----------------------------------------------------------------------
    def evaluate(self, node: Node) -> Value:
        known = self._memo.get(node.id)
        if known is not None:
            return known
        value = self._evaluate(node)
        self._memo[node.id] = value
        return value

    def _evaluate(self, node: Node) -> Value:
        module = self.module
        kind = node.type
        if kind in _TRANSPARENT:
            inner = strip(node)
            return self.evaluate(inner) if inner is not node else Value(module.text(node))
        text = module.text(node)
        if kind == "string":
            literal = string_value(node, module.data)
            return Value(text, literal, True, literal, literal)
        if kind == "template_string":
            return self._template(node, text)
        if kind == "number":
            number = _number(module.raw(node))
            return Value(text, number, number is not None)
        if kind in ("true", "false"):
            return Value(text, kind == "true", True)
        if kind in ("null", "undefined"):
            return Value(text, None, True)
        if kind == "await_expression":
            awaited = kids(node)
            return changed(self.evaluate(awaited[0]), text=text) if awaited else Value(text)
        if kind == "identifier":
            name = module.raw(node)
            bound = self.lookup(name)
            if bound is not None:
                return changed(bound, text=name, names=(name, *bound.names))
            binding = self.binding(name)
            return Value(name, names=(binding.qualified if binding is not None else name,))
        if kind == "this":
            return Value(text, names=("this",))
        if kind == "member_expression":
            return self._member_value(node, text)
        if kind == "subscript_expression":
            return self._subscript_value(node, text)
        if kind == "call_expression":
            return self._call_value(node, text)
        if kind == "new_expression":
            return self._new_value(node, text)
        if kind == "object":
            return self._object(node, text)
        if kind == "array":
            elements: list[Value] = []
            read: list[str] = []
            for element in kids(node):
                value = self.evaluate(element)
                read.extend(value.names)
                if element.type != "spread_element":
                    elements.append(changed(value, span=module.span(element)))
            return Value(text, elements=tuple(elements), names=tuple(read))
        if kind == "binary_expression":
            return self._binary_value(node, text)
        if kind == "ternary_expression":
            parts = [node.child_by_field_name(f) for f in ("consequence", "alternative")]
            return self._either(text, [self.evaluate(p) for p in parts if p is not None])
        if kind in FUNCTION_EXPRESSIONS:
            return Value(text)
        return Value(text, names=tuple(self._names(node)))

    def _template(self, node: Node, text: str) -> Value:
        data = self.module.data
        pieces: list[tuple[str, str | Node]] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                pieces.append(("text", data[child.start_byte : child.end_byte].decode()))
            elif child.type == "escape_sequence":
                pieces.append(("text", _unescape(data[child.start_byte : child.end_byte].decode())))
            elif child.type == "template_substitution":
                pieces.append(("value", child))
        if not any(kind == "value" for kind, _ in pieces):
            literal = _join_surrogates("".join(str(piece) for _, piece in pieces))
            return Value(text, literal, True, literal, literal)
        prefix = ""
        for kind, piece in pieces:
            if kind != "text":
                break
            prefix += str(piece)
        suffix = ""
        for kind, piece in reversed(pieces):
            if kind != "text":
                break
            suffix = str(piece) + suffix
        names: list[str] = []
        for kind, piece in pieces:
            if kind == "value" and not isinstance(piece, str):
                for inner in kids(piece):
                    names.extend(self.evaluate(inner).names)
        return Value(text, prefix=prefix, suffix=suffix, names=tuple(names))

    def _binary_value(self, node: Node, text: str) -> Value:
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator is None or left is None or right is None:
            return Value(text)
        if operator.type in ("??", "||", "&&"):
            return self._either(text, [self.evaluate(left), self.evaluate(right)])
        if operator.type == "+":
            first, second = self.evaluate(left), self.evaluate(right)
            return Value(
                text, prefix=first.prefix, suffix=second.suffix, names=(*first.names, *second.names)
            )
        return Value(text, names=tuple(self._names(node)))

    @staticmethod
    def _either(text: str, values: list[Value]) -> Value:
        """`a ?? b`, `a || b`, `c ? a : b`: what the first alternative says, and the
        names all read."""
        if not values:
            return Value(text)
        first = values[0]
        return Value(
            text,
            env=first.env,
            event_path=first.event_path,
            service=first.service,
            origin=first.origin,
            names=tuple(name for value in values for name in value.names),
        )

    def _member_value(self, node: Node, text: str) -> Value:
        target = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if target is None or prop is None:
            return Value(text)
        attribute = self.module.raw(prop)
        stripped = strip(target)
        if stripped.type == "this":
            held = self.attributes.get(f"this.{attribute}")
            if held is not None:
                return changed(held, text=text)
        if self.qualify(stripped) == "process.env":
            return Value(text, env=attribute, names=("process.env",))
        base = self.evaluate(target)
        path = f"{base.event_path}.{attribute}" if base.event_path is not None else None
        qualified = self.qualify(node)
        # What the object reads too: `message.orderId` is Python's `message["orderId"]`,
        # whose value comes from wherever `message` came from.
        return Value(text, event_path=path, names=(qualified or text, *base.names))

    def _subscript_value(self, node: Node, text: str) -> Value:
        target = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        if target is None or index is None:
            return Value(text)
        key = strip(index)
        literal = string_value(key, self.module.data) if key.type == "string" else None
        if literal is not None and self.qualify(target) == "process.env":
            return Value(text, env=literal, names=("process.env",))
        base = self.evaluate(target)
        path = None
        if base.event_path is not None:
            path = f"{base.event_path}.{literal}" if literal is not None else f"{base.event_path}[]"
        return Value(text, event_path=path, names=(*base.names, *self._names(index)))

    def _object(self, node: Node, text: str) -> Value:
        module = self.module
        items: list[tuple[str, Value]] = []
        read: list[str] = []
        for child in kids(node):
            kind = child.type
            if kind == "pair":
                key_node = child.child_by_field_name("key")
                value_node = child.child_by_field_name("value")
                if key_node is None or value_node is None:
                    continue
                key = self._property_key(key_node)
                value = self.evaluate(value_node)
                read.extend(value.names)
                items.append((key, changed(value, span=module.span(value_node))))
            elif kind == "shorthand_property_identifier":
                name = module.raw(child)
                value = self._name_value(name)
                read.extend(value.names)
                items.append((name, changed(value, span=module.span(child))))
            elif kind == "method_definition":
                name_node = child.child_by_field_name("name")
                if name_node is not None:
                    key = self._property_key(name_node)
                    items.append((key, Value(module.text(child), span=module.span(child))))
            elif kind == "spread_element":
                inner = kids(child)
                value = self.evaluate(inner[0]) if inner else Value(module.text(child))
                read.extend(value.names)
                # Any property may come from a spread: rules read it as `**kwargs`.
                items.append(("**", changed(value, span=module.span(child))))
        return Value(
            text,
            keys=tuple(key for key, _ in items if key != "**"),
            items=tuple(items),
            names=tuple(read),
        )

    def _property_key(self, node: Node) -> str:
        """A property name as written (`a`, `"a-b"`, `200`); "**" for a computed one,
        which may be any name."""
        if node.type == "string":
            return string_value(node, self.module.data)
        if node.type == "computed_property_name":
            inner = kids(node)
            if inner and inner[0].type == "string":
                return string_value(inner[0], self.module.data)
            return "**"
        return self.module.raw(node)

    def _name_value(self, name: str) -> Value:
        bound = self.lookup(name)
        if bound is not None:
            return changed(bound, text=name, names=(name, *bound.names))
        binding = self.binding(name)
        return Value(name, names=(binding.qualified if binding is not None else name,))

    def _call_value(self, node: Node, text: str) -> Value:
        module = self.module
        inner = passthrough_argument(node, module.data)
        if inner is not None:
            held = self.evaluate(inner)
            return changed(held, text=text)
        callee = node.child_by_field_name("function")
        arguments_node = node.child_by_field_name("arguments")
        found = kids(arguments_node) if arguments_node is not None else []
        qualified = self.qualify(node)
        callee_name = qualified[:-2] if qualified is not None and qualified.endswith("()") else None
        origin = qualified if require_specifier(node, module.data) is None else None
        arguments = [self.evaluate(argument) for argument in found]
        names = tuple(name for value in arguments for name in value.names)
        service = sdk.client_service(callee_name) if callee_name is not None else None
        event_path = None
        stripped = strip(callee) if callee is not None else None
        if stripped is not None and stripped.type == "member_expression":
            target = stripped.child_by_field_name("object")
            prop = stripped.child_by_field_name("property")
            if target is not None and prop is not None:
                receiver = self.evaluate(target)
                if module.raw(prop) in _SAME_VALUE_METHODS:
                    event_path = receiver.event_path
                names = (*receiver.names, *names)
        elif callee_name in _DECODERS and len(arguments) == 1:
            # `decodeURIComponent(record.s3.object.key)` is still that key.
            event_path = arguments[0].event_path
        if callee_name is not None:
            names = (*names, callee_name)
        return Value(
            text,
            origin=origin,
            service=service,
            event_path=event_path,
            names=names,
            keywords=self._construction_keywords(found, command=False),
        )

    def _new_value(self, node: Node, text: str) -> Value:
        constructor = node.child_by_field_name("constructor")
        arguments_node = node.child_by_field_name("arguments")
        found = kids(arguments_node) if arguments_node is not None else []
        made_by = self.qualify(constructor) if constructor is not None else None
        arguments = [self.evaluate(argument) for argument in found]
        names = tuple(name for value in arguments for name in value.names)
        if made_by is not None:
            names = (*names, made_by)
        return Value(
            text,
            origin=f"{made_by}()" if made_by is not None else None,
            service=sdk.client_service(made_by) if made_by is not None else None,
            names=names,
            keywords=self._construction_keywords(
                found, command=made_by is not None and sdk.is_command(made_by)
            ),
        )

    def _construction_keywords(
        self, found: Sequence[Node], *, command: bool
    ) -> tuple[tuple[str, Value], ...]:
        """The properties of the options object a call or construction is given (its
        first object-literal argument, or a name holding one); for an SDK command an
        input it cannot read is `**`: any property may be in there."""
        for argument in found:
            stripped = strip(argument)
            if stripped.type == "object":
                return self.evaluate(stripped).items
            if stripped.type == "identifier" and self._holds_object(self.module.raw(stripped)):
                return self.evaluate(stripped).items
        if command and found:
            return (("**", self.evaluate(found[0])),)
        return ()

    def _names(self, node: Node) -> list[str]:
        """The dotted names an expression reads (not inside functions it holds)."""
        found: list[str] = []
        pending = [node]
        while pending:
            current = pending.pop()
            kind = current.type
            if kind in FUNCTION_EXPRESSIONS or kind in _TYPE_NODES:
                continue
            if kind in ("identifier", "member_expression", "shorthand_property_identifier"):
                qualified = (
                    self.qualify(current)
                    if kind != "shorthand_property_identifier"
                    else (self.module.raw(current))
                )
                if qualified is not None:
                    found.append(qualified)
            if kind == "member_expression":
                target = current.child_by_field_name("object")
                if target is not None:
                    pending.append(target)
                continue
            pending.extend(reversed(kids(current)))
        return found

    # -- statements ------------------------------------------------------------------
    def _block(self, statements: Sequence[Node], where: _Where) -> None:
        guarded_from = None if where.guarded else self._early_return_guard(statements)
        for index, statement in enumerate(statements):
            if guarded_from is not None and index == guarded_from and not where.guarded:
                where = where._replace(guarded=True)
            self._statement(statement, where)

    def _statement(self, node: Node, where: _Where) -> None:
        self._forget()
        kind = node.type
        if kind == "expression_statement":
            for child in kids(node):
                self._expr(child, where)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in kids(node):
                if declarator.type == "variable_declarator":
                    self._declarator(declarator, where)
        elif kind == "statement_block":
            statements = kids(node)
            self._block(statements, where)
        elif kind == "if_statement":
            self._if(node, where)
        elif kind in ("for_in_statement", "for_statement", "while_statement", "do_statement"):
            self._loop(node, where)
        elif kind == "try_statement":
            self._try(node, where)
        elif kind == "return_statement":
            self._return(node, where)
        elif kind == "throw_statement":
            self._throw(node, where)
        elif kind == "labeled_statement":
            body = node.child_by_field_name("body")
            if body is not None:
                self._statement(body, where)
        elif kind == "switch_statement":
            value = node.child_by_field_name("value")
            if value is not None:
                self._expr(value, where)
            body = node.child_by_field_name("body")
            for case in kids(body) if body is not None else []:
                branch = where._replace(conditional=True)
                for index, part in enumerate(case.named_children):
                    if part.is_extra:
                        continue
                    if case.field_name_for_named_child(index) == "value":
                        self._expr(part, where)
                    else:
                        self._statement(part, branch)
        elif kind in FUNCTION_DECLARATIONS:
            self._nested_definition(node)
        elif kind == "export_statement":
            self._export(node, where)
        elif kind == "with_statement":
            for child in kids(node):
                if child.type == "parenthesized_expression":
                    self._expr(child, where)
                else:
                    self._statement(child, where)
        elif kind in CLASS_DECLARATIONS:
            self._class_statics(node, where)
        elif kind in (
            "import_statement",
            "empty_statement",
            "debugger_statement",
            "break_statement",
            "continue_statement",
            "comment",
            "hash_bang_line",
            "type_alias_declaration",
            "interface_declaration",
            "enum_declaration",
            "ambient_declaration",
            "import_alias",
            "module",
            "internal_module",
            "abstract_class_declaration",
        ):
            return
        else:
            for child in kids(node):
                if child.type not in _TYPE_NODES:
                    self._expr(child, where)

    def _export(self, node: Node, where: _Where) -> None:
        declaration = node.child_by_field_name("declaration")
        if declaration is not None:
            self._statement(declaration, where)
            return
        value = node.child_by_field_name("value")
        if value is not None:
            self._expr(value, where)
            return
        if node.child_by_field_name("source") is not None:
            return
        for child in kids(node):
            if child.type == "export_clause":
                # `export { client }` reads the names it exports when the module loads.
                for specifier in kids(child):
                    name = specifier.child_by_field_name("name")
                    if name is not None and name.type == "identifier":
                        self._use(self.module.raw(name), name, where)
            elif child.type not in _TYPE_NODES:
                self._expr(child, where)  # TS `export = handler`

    def _class_statics(self, node: Node, where: _Where) -> None:
        """A class's decorators (its own and its members') and static field
        initializers run where it is defined."""
        for child in node.named_children:
            if child.type == "decorator" or child.type == "class_heritage":
                self._expr(child, where)
        body = node.child_by_field_name("body")
        for member in kids(body) if body is not None else []:
            if member.type == "decorator":
                self._expr(member, where)
                continue
            for child in member.named_children:
                if child.type == "decorator":
                    self._expr(child, where)
            if member.type in ("field_definition", "public_field_definition") and any(
                c.type == "static" for c in member.children
            ):
                value = member.child_by_field_name("value")
                if value is not None and value.id not in self.module.definition_nodes:
                    self._expr(value, where)

    def _declarator(self, node: Node, where: _Where) -> None:
        module = self.module
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None:
            return
        if value is None:
            # `let client;`: declared here (module-level state, or a local name).
            if name_node.type == "identifier":
                self.scope.bind(module.raw(name_node), Value(module.raw(name_node)), record=False)
            return
        stripped = strip(value)
        if stripped.id in module.definition_nodes:
            return  # a function of its own (read by itself)
        if self.scope.module and node.id in module.known_requires:
            return  # a module-level import: bound in `module.bindings`
        self._expr(value, where)
        self._forget()
        held = self.evaluate(value)
        if name_node.type == "identifier":
            name = module.raw(name_node)
            self._bind_value(name, value, held)
            specifier = require_specifier(strip_await(value), module.data)
            if specifier is not None and not self.scope.module:
                self.scope.imports[name] = Binding(specifier, ())
        else:
            self._bind_pattern(name_node, held, self.scope)
            specifier = require_specifier(strip_await(value), module.data)
            if specifier is not None and name_node.type == "object_pattern":
                for key, local in destructured(name_node, module.data):
                    self.scope.imports[local] = Binding(specifier, (key,))

    def _bind_value(self, name: str, node: Node, held: Value) -> None:
        """Binds `name` to what `node` (evaluated as `held`) holds, with what the reader
        tracks besides its value."""
        scope = self.scope
        scope.bind(name, changed(held, text=name))
        self._forget()
        stripped = strip_await(node)
        if stripped.type == "object":
            scope.objects.add(name)
        else:
            scope.objects.discard(name)
        loop = self._loop_of.get(stripped.id)
        if loop is not None:
            scope.promises[name] = loop
        target = self._class_target(stripped)
        if target is not None:
            scope.instances[name] = target
        else:
            scope.instances.pop(name, None)

    def _bind_pattern(
        self, pattern: Node, held: Value, scope: Scope, *, record: bool = True
    ) -> None:
        """Destructuring: each name gets the part of `held` it takes (`const { body } =
        event` -> body is `event.body`; `const { TABLE } = process.env` reads TABLE)."""
        module = self.module
        kind = pattern.type
        if kind == "identifier":
            name = module.raw(pattern)
            scope.bind(name, changed(held, text=name, span=None), record=record)
            scope.objects.discard(name)
            self._forget()
            return
        if kind == "object_pattern":
            for child in kids(pattern):
                if child.type == "shorthand_property_identifier_pattern":
                    name = module.raw(child)
                    scope.bind(name, _part(held, name, name), record=record)
                elif child.type == "pair_pattern":
                    key_node = child.child_by_field_name("key")
                    inner = child.child_by_field_name("value")
                    if key_node is None or inner is None:
                        continue
                    key = self._property_key(key_node)
                    self._bind_pattern(
                        inner, _part(held, key, module.text(inner)), scope, record=record
                    )
                elif child.type == "object_assignment_pattern":
                    left = child.child_by_field_name("left")
                    if left is not None and left.type == "shorthand_property_identifier_pattern":
                        name = module.raw(left)
                        scope.bind(name, _part(held, name, name), record=record)
                    elif left is not None:
                        self._bind_pattern(left, held, scope, record=record)
                elif child.type == "rest_pattern":
                    for name in pattern_names(child, module.data):
                        scope.bind(name, Value(name), record=record)
            self._forget()
            return
        if kind == "array_pattern":
            for position, child in enumerate(kids(pattern)):
                element = (
                    held.elements[position]
                    if position < len(held.elements)
                    else Value(
                        module.text(child),
                        event_path=f"{held.event_path}[]" if held.event_path is not None else None,
                    )
                )
                if child.type == "assignment_pattern":
                    left = child.child_by_field_name("left")
                    if left is not None:
                        self._bind_pattern(left, element, scope, record=record)
                elif child.type == "rest_pattern":
                    for name in pattern_names(child, module.data):
                        scope.bind(name, Value(name), record=record)
                else:
                    self._bind_pattern(child, element, scope, record=record)
            self._forget()
            return
        if kind == "assignment_pattern":
            left = pattern.child_by_field_name("left")
            if left is not None:
                self._bind_pattern(left, held, scope, record=record)

    # -- control flow --------------------------------------------------------------------
    def _if(self, node: Node, where: _Where) -> None:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        test = strip(condition) if condition is not None else None
        if test is not None:
            self._expr(test, where)
        if test is not None and consequence is not None:
            self._skip(node, test, consequence, where)
        body_index, else_index = self._conditions(node, test)
        guard_body = guard_else = False
        if test is not None and not where.guarded:
            guard_body = consequence is not None and self._guards(test, consequence, negative=True)
            guard_else = alternative is not None and self._guards(test, alternative, negative=False)
        if consequence is not None:
            branch = where._replace(
                conditions=(*where.conditions, body_index),
                conditional=True,
                guarded=where.guarded or guard_body,
                dormant=where.dormant or (test is not None and self._run_as_script(test)),
            )
            self._statement(consequence, branch)
        if alternative is not None:
            branch = where._replace(
                conditions=(*where.conditions, else_index),
                conditional=True,
                guarded=where.guarded or guard_else,
            )
            for child in kids(alternative):
                self._statement(child, branch)

    def _run_as_script(self, test: Node) -> bool:
        """`require.main === module`: true only when Node runs the file as a script,
        never when Lambda loads it (Python's `if __name__ == "__main__":`)."""
        if test.type != "binary_expression":
            return False
        operator = test.child_by_field_name("operator")
        left = test.child_by_field_name("left")
        right = test.child_by_field_name("right")
        if operator is None or left is None or right is None:
            return False
        if operator.type not in ("===", "=="):
            return False
        sides = {self.module.raw(strip(left)), self.module.raw(strip(right))}
        return sides == {"require.main", "module"}

    def _conditions(self, node: Node, test: Node | None) -> tuple[int, int]:
        names, methods, strings = self._test_parts(test) if test is not None else ((), (), ())
        negated_test = test is not None and _is_not(test)
        span = self.module.span(node)
        first = len(self.conditions)
        for negated in (False, True):
            self.conditions.append(Condition(span, names, methods, strings, negated, negated_test))
        return first, first + 1

    def _test_parts(self, test: Node) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The names, called methods and string literals of an `if` test."""
        names: list[str] = []
        methods: list[str] = []
        strings: list[str] = []
        data = self.module.data
        pending = [test]
        while pending:
            current = pending.pop()
            kind = current.type
            if kind in FUNCTION_EXPRESSIONS or kind in _TYPE_NODES:
                continue
            if kind in ("identifier", "shorthand_property_identifier"):
                names.append(self.module.raw(current))
            elif kind == "string":
                strings.append(string_value(current, data))
                continue
            elif kind == "template_string" and not any(
                c.type == "template_substitution" for c in current.named_children
            ):
                strings.append(self.evaluate(current).literal or "")  # type: ignore[arg-type]
                continue
            elif kind == "call_expression":
                callee = current.child_by_field_name("function")
                callee = strip(callee) if callee is not None else None
                if callee is not None and callee.type == "member_expression":
                    prop = callee.child_by_field_name("property")
                    if prop is not None:
                        methods.append(self.module.raw(prop))
            elif kind == "member_expression":
                target = current.child_by_field_name("object")
                if target is not None:
                    pending.append(target)
                continue
            pending.extend(reversed(kids(current)))
        return tuple(names), tuple(methods), tuple(strings)

    def _skip(self, node: Node, test: Node, consequence: Node, where: _Where) -> None:
        """`if (<test>) return;` / `continue;` (a block of at most four statements ending
        so): a guard that skips the rest of the work."""
        if where.callback not in (None, "iteration"):
            return
        body = kids(consequence) if consequence.type == "statement_block" else [consequence]
        last = body[-1] if body else None
        if (
            len(body) > 4
            or last is None
            or last.type not in ("return_statement", "continue_statement")
        ):
            return
        names, methods, strings = self._test_parts(test)
        exit_kind = "return" if last.type == "return_statement" else "continue"
        if exit_kind == "return" and where.callback == "iteration":
            exit_kind = "continue"  # `return` in a per-element callback skips that element
        self.skips.append(
            Skip(self.module.span(node), names, methods, strings, exit_kind, where.loops)
        )

    def _loop(self, node: Node, where: _Where) -> None:
        module = self.module
        kind = node.type
        body = node.child_by_field_name("body")
        index = len(self.loops)
        inner = where._replace(loops=(*where.loops, index))
        if kind == "for_in_statement":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            operator = node.child_by_field_name("operator")
            if right is not None:
                self._expr(right, where)
            iterable = self.evaluate(right) if right is not None else None
            over = operator is not None and operator.type == "of"
            target = _pattern_label(left, module.data) if left is not None else None
            records = over and iterable is not None and _iterates_records(iterable)
            self.loops.append(
                Loop(
                    "for",
                    module.span(node),
                    target,
                    iterable,
                    records,
                    False,
                    where.loops,
                    where.tries,
                    where.handler,
                )
            )
            if left is not None:
                path = iterable.event_path if iterable is not None and over else None
                item = Value(target or "", event_path=f"{path}[]" if path is not None else None)
                self._bind_pattern(left, item, self.scope)
        elif kind == "for_statement":
            initializer = node.child_by_field_name("initializer")
            condition = node.child_by_field_name("condition")
            increment = node.child_by_field_name("increment")
            target = None
            if initializer is not None:
                if initializer.type in ("lexical_declaration", "variable_declaration"):
                    self._statement(initializer, where)
                    declared = [d.child_by_field_name("name") for d in kids(initializer)]
                    first = declared[0] if declared else None
                    target = module.raw(first) if first is not None else None
                elif initializer.type != "empty_statement":
                    self._expr(initializer, where)
            test = (
                condition if condition is not None and condition.type != "empty_statement" else None
            )
            if test is not None:
                self._expr(test, where)
            iterable = self._counted(test) if test is not None else None
            self.loops.append(
                Loop(
                    "for",
                    module.span(node),
                    target,
                    iterable,
                    iterable is not None and _iterates_records(iterable),
                    test is None or _truthy(test),
                    where.loops,
                    where.tries,
                    where.handler,
                )
            )
            if increment is not None:
                self._expr(increment, inner)
        else:
            condition = node.child_by_field_name("condition")
            test = strip(condition) if condition is not None else None
            if test is not None:
                self._expr(test, where)
            self.loops.append(
                Loop(
                    "while",
                    module.span(node),
                    infinite=test is not None and _truthy(test),
                    loops=where.loops,
                    tries=where.tries,
                    handler=where.handler,
                )
            )
        if body is not None:
            self._statement(body, inner)

    def _counted(self, test: Node) -> Value | None:
        """`i < records.length`: the array a counting loop walks."""
        test = strip(test)
        if test.type != "binary_expression":
            return None
        operator = test.child_by_field_name("operator")
        right = test.child_by_field_name("right")
        if operator is None or right is None or operator.type not in ("<", "<="):
            return None
        right = strip(right)
        if right.type != "member_expression":
            return None
        prop = right.child_by_field_name("property")
        target = right.child_by_field_name("object")
        if prop is None or target is None or self.module.raw(prop) != "length":
            return None
        return self.evaluate(target)

    def _try(self, node: Node, where: _Where) -> None:
        module = self.module
        body = node.child_by_field_name("body")
        handler = node.child_by_field_name("handler")
        finalizer = node.child_by_field_name("finalizer")
        index = len(self.tries)
        statements = kids(body) if body is not None else []
        body_end = (
            module.positions.end(statements[-1]).row if statements else module.span(node).line
        )
        clauses = (self._clause(handler),) if handler is not None else ()
        self.tries.append(
            Try(
                module.span(node),
                body_end,
                clauses,
                finalizer is not None,
                where.loops,
                where.tries,
                where.handler,
            )
        )
        self._block(statements, where._replace(tries=(*where.tries, index)))
        if handler is not None:
            parameter = handler.child_by_field_name("parameter")
            caught = None
            if parameter is not None:
                if parameter.type == "identifier":
                    caught = module.raw(parameter)
                    self.scope.bind(caught, Value(caught))
                else:
                    self._bind_pattern(parameter, Value(module.text(parameter)), self.scope)
            self._catch_names.append(caught)
            clause_body = handler.child_by_field_name("body")
            branch = where._replace(handler=(index, 0), conditional=True)
            self._block(kids(clause_body) if clause_body is not None else [], branch)
            self._catch_names.pop()
        if finalizer is not None:
            final_body = finalizer.child_by_field_name("body")
            self._block(kids(final_body) if final_body is not None else [], where)

    def _clause(self, handler: Node) -> ExceptClause:
        body = handler.child_by_field_name("body")
        statements = kids(body) if body is not None else []
        last = statements[-1] if statements else None
        kinds = {node.type for node in _statements_within(statements)}
        raises = "throw_statement" in kinds
        exits = _EXITS.get(last.type) if last is not None else None
        reraises = (
            last is not None and last.type == "throw_statement" and not kinds.intersection(_EXITS)
        )
        return ExceptClause(self.module.span(handler), (), True, reraises, raises, exits)

    def _return(self, node: Node, where: _Where) -> None:
        inner = kids(node)
        value = inner[0] if inner else None
        if value is not None:
            self._expr(value, where)
        if where.callback is not None:
            return  # a callback's result, not the function's
        self.returns.append(
            Return(
                self.module.span(node),
                self.evaluate(value) if value is not None else None,
                where.loops,
                where.tries,
                where.handler,
            )
        )

    def _throw(self, node: Node, where: _Where) -> None:
        inner = kids(node)
        thrown = strip(inner[0]) if inner else None
        if thrown is not None:
            self._expr(thrown, where)
        caught = self._catch_names[-1] if self._catch_names else None
        bare = (
            thrown is not None
            and thrown.type == "identifier"
            and caught is not None
            and self.module.raw(thrown) == caught
        )
        self.raises.append(
            Raise(self.module.span(node), bare, where.loops, where.tries, where.handler)
        )

    # -- once-per-environment guards ----------------------------------------------------------
    def _this_is_state(self) -> bool:
        """Does `this` here stand for something that lives as long as the module: a
        module-level object literal (its functions), a class (in a static method), or
        the instance of a class made only in module-level code?"""
        definition = self.definition
        if definition is None or definition.class_key is None:
            return False
        if definition.class_key not in self.module.classes:
            return True  # a function of a module-level object literal
        if _is_static(definition.node):
            return True
        return definition.class_key in self.module.module_instanced

    def _is_state(self, node: Node) -> bool:
        """A reference to module-level state: a module-level name (or an import, which
        is another module's), or a property or element of one."""
        node = strip(node)
        kind = node.type
        if kind == "this":
            return self._this_is_state()
        if kind == "identifier":
            name = self.module.raw(node)
            if name in ("process", "globalThis", "undefined"):
                return False
            scope = self._find(name)[1]
            if scope is not None:
                return scope.module
            if name in self.module.classes:
                return True  # a class's static fields live as long as the module
            return self.binding(name) is not None
        if kind in ("member_expression", "subscript_expression"):
            target = node.child_by_field_name("object")
            return target is not None and self._is_state(target)
        if kind == "call_expression":
            callee = node.child_by_field_name("function")
            callee = strip(callee) if callee is not None else None
            if callee is not None and callee.type == "member_expression":
                prop = callee.child_by_field_name("property")
                target = callee.child_by_field_name("object")
                return (
                    prop is not None
                    and target is not None
                    and self.module.raw(prop) in ("get", "has")
                    and self._is_state(target)
                )
        return False

    def _roots(self, node: Node) -> set[str]:
        node = strip(node)
        while node.type in ("member_expression", "subscript_expression", "call_expression"):
            field_name = "function" if node.type == "call_expression" else "object"
            inner = node.child_by_field_name(field_name)
            if inner is None:
                break
            node = strip(inner)
        return {self.module.raw(node)} if node.type in ("identifier", "this") else set()

    def _guard_roots(self, test: Node, *, negative: bool) -> set[str] | None:
        """The module-level names whose state `test` checks, when it is a once-guard
        test; None otherwise. `negative`: the branch runs when the state is missing
        (`!x`, `x === undefined`, `!cache.has(k)`); else when it is present."""
        test = strip(test)
        kind = test.type
        if kind == "unary_expression":
            operator = test.child_by_field_name("operator")
            argument = test.child_by_field_name("argument")
            if operator is not None and operator.type == "!" and argument is not None:
                return self._guard_roots(argument, negative=not negative)
            return None
        if kind == "binary_expression":
            operator = test.child_by_field_name("operator")
            left = test.child_by_field_name("left")
            right = test.child_by_field_name("right")
            if operator is None or left is None or right is None:
                return None
            op = operator.type
            if op in ("&&", "||"):
                first = self._guard_roots(left, negative=negative)
                second = self._guard_roots(right, negative=negative)
                if first is None or second is None:
                    return first if second is None else second
                return first | second
            if op in ("===", "==", "!==", "!="):
                missing = op in ("===", "==")
                sides = [strip(left), strip(right)]
                empties = [side for side in sides if _is_empty(side, self.module.data)]
                others = [side for side in sides if not _is_empty(side, self.module.data)]
                if len(empties) == 1 and len(others) == 1:
                    other = others[0]
                    if other.type == "unary_expression":  # typeof x === "undefined"
                        argument = other.child_by_field_name("argument")
                        other = strip(argument) if argument is not None else other
                    if missing == negative and self._is_state(other):
                        return self._roots(other)
            return None
        if not negative and self._is_state(test):
            return self._roots(test)
        if negative and kind == "identifier":
            name = self.module.raw(test)
            if any(hint in name.lower() for hint in _COLD_START_HINTS) and self._is_state(test):
                return {name}
        return None

    def _guards(self, test: Node, guarded: Node | Sequence[Node], *, negative: bool) -> bool:
        """Does `test` make `guarded` run once per environment? It must test module-level
        state and `guarded` must set that state, unless the state is a cold-start flag."""
        roots = self._guard_roots(test, negative=negative)
        if roots is None:
            return False
        if any(hint in root.lower() for root in roots for hint in _COLD_START_HINTS):
            return True
        nodes = [guarded] if not isinstance(guarded, Sequence) else list(guarded)
        return any(self._writes(node, roots) for node in nodes)

    def _writes(self, node: Node, roots: set[str]) -> bool:
        """Does `node` assign (or fill) one of `roots`?"""
        pending = [node]
        while pending:
            current = pending.pop()
            kind = current.type
            if kind in ("assignment_expression", "augmented_assignment_expression"):
                left = current.child_by_field_name("left")
                if left is not None and self._roots(left) & roots:
                    return True
            elif kind == "call_expression":
                callee = current.child_by_field_name("function")
                callee = strip(callee) if callee is not None else None
                if callee is not None and callee.type == "member_expression":
                    prop = callee.child_by_field_name("property")
                    target = callee.child_by_field_name("object")
                    if (
                        prop is not None
                        and target is not None
                        and self.module.raw(prop) in _MUTATORS
                        and self._roots(target) & roots
                    ):
                        return True
            pending.extend(kids(current))
        return False

    def _early_return_guard(self, statements: Sequence[Node]) -> int | None:
        """`if (client) return client;` guards the rest of the block (the statements
        after it set `client`)."""
        for index, statement in enumerate(statements):
            if statement.type != "if_statement" or statement.child_by_field_name("alternative"):
                continue
            consequence = statement.child_by_field_name("consequence")
            condition = statement.child_by_field_name("condition")
            if consequence is None or condition is None:
                continue
            body = kids(consequence) if consequence.type == "statement_block" else [consequence]
            if not body or body[-1].type not in ("return_statement", "throw_statement"):
                continue
            rest = statements[index + 1 :]
            if rest and self._guards(strip(condition), rest, negative=False):
                return index + 1
        return None

    # -- expressions -------------------------------------------------------------------
    def _expr(self, node: Node, where: _Where) -> None:
        kind = node.type
        if kind == "call_expression":
            self._call(node, where)
        elif kind == "new_expression":
            self._new(node, where)
        elif kind == "await_expression":
            inner = kids(node)
            if inner:
                self._awaited.add(strip(inner[0]).id)
                self._expr(inner[0], where)
        elif kind == "identifier" or kind == "shorthand_property_identifier":
            self._use(self.module.raw(node), node, where)
        elif kind == "member_expression":
            target = node.child_by_field_name("object")
            if target is not None:
                self._expr(target, where)
        elif kind in FUNCTION_EXPRESSIONS or kind == "method_definition":
            if node.id not in self.module.definition_nodes:
                # Runs later (a timer, an event listener, a method of an object).
                self._callback(node, where._replace(conditional=True), "other")
        elif kind == "assignment_expression":
            self._assign(node, where)
        elif kind == "augmented_assignment_expression":
            self._augmented(node, where)
        elif kind == "binary_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            operator = node.child_by_field_name("operator")
            if left is not None:
                self._expr(left, where)
            if right is not None:
                lazy = operator is not None and operator.type in ("&&", "||", "??")
                guarded = (
                    lazy
                    and operator is not None
                    and operator.type != "&&"
                    and left is not None
                    and self._is_state(left)
                    and self._writes(right, self._roots(left))
                )
                branch = where._replace(
                    conditional=where.conditional or lazy, guarded=where.guarded or guarded
                )
                self._expr(right, branch)
        elif kind == "ternary_expression":
            condition = node.child_by_field_name("condition")
            if condition is not None:
                self._expr(condition, where)
            for part in ("consequence", "alternative"):
                branch_node = node.child_by_field_name(part)
                if branch_node is not None:
                    self._expr(branch_node, where._replace(conditional=True))
        elif kind in _TRANSPARENT:
            unwrapped = strip(node)
            if unwrapped is not node:
                self._expr(unwrapped, where)
            else:
                for child in kids(node):
                    self._expr(child, where)
        elif (
            kind in _TYPE_NODES
            or kind in _LITERAL_TYPES
            or kind
            in (
                "this",
                "super",
                "regex",
                "property_identifier",
                "private_property_identifier",
                "statement_identifier",
                "import",
                "meta_property",
                "comment",
                "class",
            )
        ):
            return
        else:
            for child in kids(node):
                if child.type not in _TYPE_NODES:
                    self._expr(child, where)

    def _use(self, name: str, node: Node, where: _Where) -> None:
        """A read of `name`: recorded for `ModuleImport.uses` when it reads an import."""
        if name not in self.module.bindings or self._local_scope(name) is not None:
            return
        row = self.module.positions.start(node).row
        self.module.uses.append((name, ImportUse(self.key, row, where.conditional)))

    def _assign(self, node: Node, where: _Where) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if right is None or left is None:
            return
        left = strip(left)
        if right.id in self.module.definition_nodes:
            return
        if left.type in ("member_expression", "subscript_expression"):
            self._expr(left, where)
        if not where.guarded and self._defaults_itself(left, right):
            # `client = client || new S3Client({})`: the fallback runs once per environment.
            self._expr(right, where._replace(guarded=True, conditional=True))
        else:
            self._expr(right, where)
        self._forget()
        held = self.evaluate(right)
        if left.type == "identifier":
            self._store(self.module.raw(left), right, held)
        elif left.type in ("object_pattern", "array_pattern"):
            self._bind_pattern(left, held, self.scope)
        elif left.type in ("member_expression", "subscript_expression"):
            self._assign_nested(left, changed(held, span=self.module.span(right)))
        self._forget()

    def _defaults_itself(self, left: Node, right: Node) -> bool:
        """`x = x || make()`, `x = x ?? make()` for module-level state `x`: the lazy
        pattern written as an assignment (`make()` runs while `x` is unset)."""
        right = strip(right)
        if right.type != "binary_expression" or not self._is_state(left):
            return False
        operator = right.child_by_field_name("operator")
        first = right.child_by_field_name("left")
        if operator is None or first is None or operator.type not in ("||", "??"):
            return False
        first = strip(first)
        return first.type == left.type and self.module.raw(first) == self.module.raw(left)

    def _store(self, name: str, node: Node, held: Value) -> None:
        """`name = <node>` (evaluated as `held`), in the scope that binds `name`."""
        _, scope = self._find(name)
        if scope is not None and scope is not self.scope and not scope.module:
            # An enclosing function's name (a closure): that scope holds it.
            scope.bind(name, changed(held, text=name), record=False)
        elif scope is not None and scope.module and not self.scope.module:
            # A module-level name set in a function (`client = new S3Client({})`
            # behind `if (!client)`): what it holds for the rest of this function.
            # It stays module-level state for the once-guard tests.
            self._module_values[name] = changed(held, text=name)
        else:
            self._bind_value(name, node, held)
        self._forget()

    def _augmented(self, node: Node, where: _Where) -> None:
        """`x += y`; `client ??= make()` (also `||=`): `make()` runs only while `client`
        is unset, once per environment when `client` is module-level state."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            return
        self._expr(left, where)
        lazy = operator.type in ("??=", "||=", "&&=")
        guarded = operator.type in ("??=", "||=") and self._is_state(left)
        branch = where._replace(
            conditional=where.conditional or lazy, guarded=where.guarded or guarded
        )
        self._expr(right, branch)
        target = strip(left)
        if target.type != "identifier":
            return
        held = self.evaluate(right)
        if lazy:
            self._store(self.module.raw(target), right, held)
        else:
            name = self.module.raw(target)
            self._store(name, right, Value(name, names=held.names))

    def _assign_nested(self, target: Node, value: Value) -> None:
        """`params.ConditionExpression = "..."`, `response["headers"]["x"] = v`: changes
        the object (or array) literal a local name holds, at any depth."""
        path: list[str | int] = []
        node = target
        data = self.module.data
        while node.type in ("member_expression", "subscript_expression"):
            if node.type == "member_expression":
                prop = node.child_by_field_name("property")
                if prop is None:
                    return
                path.append(self.module.raw(prop))
                inner = node.child_by_field_name("object")
            else:
                index = node.child_by_field_name("index")
                key = strip(index) if index is not None else None
                if key is None:
                    return
                if key.type == "string":
                    path.append(string_value(key, data))
                elif key.type == "number":
                    number = _number(self.module.raw(key))
                    if not isinstance(number, int):
                        return
                    path.append(number)
                else:
                    return
                inner = node.child_by_field_name("object")
            if inner is None:
                return
            node = strip(inner)
        if node.type != "identifier":
            return
        name = self.module.raw(node)
        held, scope = self._find(name)
        if held is None or scope is None or held.origin is not None or held.event_path is not None:
            return
        if scope.module and not self.scope.module:
            return
        changed = placed(held, path[::-1], value)
        if changed is not None:
            scope.bind(name, changed, record=scope is self.scope)

    # -- calls -------------------------------------------------------------------------
    def _call(self, node: Node, where: _Where) -> None:
        module = self.module
        callee = node.child_by_field_name("function")
        arguments_node = node.child_by_field_name("arguments")
        if callee is None:
            return
        found = kids(arguments_node) if arguments_node is not None else []
        if arguments_node is not None and arguments_node.type == "template_string":
            found = [arguments_node]
        stripped = strip(callee)
        prop_name = None
        if stripped.type == "member_expression":
            prop = stripped.child_by_field_name("property")
            target = stripped.child_by_field_name("object")
            prop_name = module.raw(prop) if prop is not None else None
            if target is not None and prop_name is not None:
                if (
                    prop_name in _PROMISE_CHAIN
                    and found
                    and any(strip(a).type in FUNCTION_EXPRESSIONS for a in found)
                ):
                    self._promise_chain(node, target, prop_name, found, where)
                    return
                if prop_name == "promise" and not found and strip(target).type == "call_expression":
                    inner = strip(target)
                    if node.id in self._awaited:
                        self._awaited.add(inner.id)
                    self._promised.add(inner.id)
                    self._expr(target, where)
                    return
                if prop_name in ITERATION_METHODS and found and _callback_like(found[0]):
                    self._iteration(node, target, prop_name, found, where)
                    return
        if self.scope.module and node.id in module.known_requires:
            return
        qualified = self.qualify(stripped)
        joined = _JOINS.get(qualified or "")
        if joined is not None and found:
            self._join(found[0], joined)
        call = self._canonical(node, stripped, found, qualified) or self._plain(
            node, stripped, found, qualified
        )
        self._record(call, where)
        if self.key is not None and not where.guarded:
            self._call_refs(stripped, found)
        if (
            self.scope.module
            and where.callback is None
            and qualified is not None
            and require_specifier(node, module.data) is not None
            and node.id not in module.known_requires
        ):
            specifier = require_specifier(node, module.data)
            assert specifier is not None
            module.known_requires.add(node.id)
            module.late_requires.append((node, specifier, bool(where.tries) or where.dormant))
        if prop_name == "push" and where.loops and stripped.type == "member_expression":
            target = stripped.child_by_field_name("object")
            if target is not None and strip(target).type == "identifier":
                name = module.raw(strip(target))
                _, scope = self._find(name)
                if scope is not None:
                    scope.promises[name] = where.loops[-1]
        # What the call is made on, then its arguments (pre-order, as Python's walk).
        if stripped.type == "member_expression":
            target = stripped.child_by_field_name("object")
            if target is not None:
                self._expr(target, where)
        elif stripped.type == "subscript_expression":
            for child in kids(stripped):
                self._expr(child, where)
        elif stripped.type == "identifier":
            self._use(module.raw(stripped), stripped, where)
        elif stripped.type not in ("import", "super"):
            self._expr(stripped, where)
        immediate = qualified == "Promise" or (qualified or "").endswith(
            ("Promise.all", "Promise.allSettled")
        )
        for argument in found:
            self._argument(argument, where, immediate=immediate)

    def _argument(self, argument: Node, where: _Where, *, immediate: bool = False) -> None:
        stripped = strip(argument)
        if stripped.type in FUNCTION_EXPRESSIONS:
            if stripped.id in self.module.definition_nodes:
                return
            branch = where if immediate else where._replace(conditional=True)
            self._callback(stripped, branch, "other")
            return
        self._expr(argument, where)

    def _record(self, call: Call, where: _Where) -> None:
        self.calls.append(
            Call(
                call.name,
                call.method,
                call.receiver,
                call.arguments,
                call.span,
                where.loops,
                where.tries,
                where.handler,
                call.awaited,
                where.conditions,
                call.display,
                # A call under `if (require.main === module)` never runs on Lambda at all.
                once=where.guarded or where.dormant,
            )
        )

    def _plain(
        self, node: Node, callee: Node, found: Sequence[Node], qualified: str | None
    ) -> Call:
        module = self.module
        name = qualified if qualified is not None else module.text(callee)
        receiver = None
        method = name.rpartition(".")[2]
        if callee.type == "identifier":
            binding = self.binding(module.raw(callee))
            if binding is not None and binding.path in ((), ("default",)):
                # `middy(...)`, `new Repo()` of a default import: the name it is given.
                method = module.raw(callee)
        if callee.type == "member_expression":
            target = callee.child_by_field_name("object")
            prop = callee.child_by_field_name("property")
            if target is not None:
                receiver = self.evaluate(target)
            if prop is not None:
                method = module.raw(prop)
        display = None
        if callee.type == "identifier" and name.endswith(")"):
            # A name holding a call's result (`const processRecord = makeIdempotent(...)`):
            # its qualified name reads `makeIdempotent()`; messages say what is written.
            display = f"{module.raw(callee)}(...)"
        arguments = tuple(
            Argument(None, position, self.evaluate(argument))
            for position, argument in enumerate(found)
        )
        return Call(
            name,
            method,
            receiver,
            arguments,
            module.span(node),
            awaited=node.id in self._awaited,
            display=display,
        )

    def _new(self, node: Node, where: _Where) -> None:
        module = self.module
        constructor = node.child_by_field_name("constructor")
        arguments_node = node.child_by_field_name("arguments")
        found = kids(arguments_node) if arguments_node is not None else []
        if constructor is None:
            return
        stripped = strip(constructor)
        qualified = self.qualify(stripped)
        if qualified is None or not sdk.is_command(qualified):
            # An SDK command is data: the call that sends it is the work.
            call = self._plain(node, stripped, found, qualified)
            if stripped.type == "member_expression":
                call = replace(call, method=call.name.rpartition(".")[2])
            self._record(call, where)
            if self.key is not None and not where.guarded:
                target = self._class_target(node)
                if target is not None:
                    kind, path, specifier = target
                    if kind == "local":
                        if f"{path}.constructor" in module.definitions:
                            self.refs.append(f"local:{path}.constructor")
                    else:
                        self.refs.append(f"ext:{path}.constructor@{specifier}")
                self._argument_refs(found)
        if stripped.type == "member_expression":
            target_node = stripped.child_by_field_name("object")
            if target_node is not None:
                self._expr(target_node, where)
        elif stripped.type == "identifier":
            self._use(module.raw(stripped), stripped, where)
        immediate = qualified == "Promise"
        for argument in found:
            self._argument(argument, where, immediate=immediate)

    def _call_refs(self, callee: Node, found: Sequence[Node]) -> None:
        ref = None
        if callee.type == "identifier":
            ref = self._name_ref(self.module.raw(callee))
        elif callee.type == "member_expression":
            ref = self._member_ref(callee)
        if ref is not None:
            self.refs.append(ref)
        self._argument_refs(found)

    def _argument_refs(self, found: Sequence[Node]) -> None:
        """Functions handed over as callbacks (`records.forEach(process)`,
        `setTimeout(this.flush)`) run when the callee calls them."""
        for argument in found:
            stripped = strip(argument)
            ref = None
            if stripped.type == "identifier":
                ref = self._name_ref(self.module.raw(stripped), handed=True)
            elif stripped.type == "member_expression":
                ref = self._member_ref(stripped)
            if ref is not None:
                self.refs.append(ref)

    def _name_ref(self, name: str, *, handed: bool = False) -> str | None:
        """What calling (or handing over) the bare name `name` here refers to."""
        definitions = self.module.definitions
        prefix = self.key or ""
        while prefix:
            candidate = f"{prefix}.{name}"
            if candidate in definitions:
                return f"local:{candidate}"
            prefix = prefix.rpartition(".")[0]
        local = self._local_scope(name)
        if local is not None and name not in local.imports:
            return None  # a parameter or a local variable
        if name in definitions and name not in self.module.classes:
            return f"local:{name}"
        binding = self.binding(name)
        if binding is not None:
            return binding.ref(())
        if local is None:
            return self._wrapped_ref(name)
        return None

    def _wrapped_ref(self, name: str) -> str | None:
        """What the module-level `name` bound to a wrapper call (`const timed =
        withTiming(recordHandler)`, wrappers of wrappers too) runs when called: the
        wrapped function, a module-level one (its name is read where the binding is)."""
        module = self.module
        seen = {name}
        inner = module.wrapped.get(name)
        while inner is not None and inner not in seen:
            seen.add(inner)
            if inner in module.definitions and inner not in module.classes:
                return f"local:{inner}"
            binding = module.bindings.get(inner)
            if binding is not None:
                return binding.ref(())
            inner = module.wrapped.get(inner)
        return None

    def _member_ref(self, node: Node) -> str | None:
        """What calling `a.b.c` refers to: a function of an imported project module, a
        method of this module's class or object, or of an instance of a class."""
        module = self.module
        members: list[str] = []
        current = node
        while current.type == "member_expression":
            prop = current.child_by_field_name("property")
            inner = current.child_by_field_name("object")
            if prop is None or inner is None:
                return None
            members.append(module.raw(prop))
            current = strip(inner)
        members.reverse()
        if current.type == "this":
            class_key = self.definition.class_key if self.definition is not None else None
            if class_key is None:
                return None
            if len(members) == 1:
                # A method of the class (or a function of the object literal, whose
                # functions of an exported object have no prefix).
                key = f"{class_key}.{members[0]}" if class_key else members[0]
                return f"local:{key}" if key in module.definitions else None
            held = self.attribute_instances.get(f"this.{members[0]}")
            return _method_ref(held, members[1:], module) if held is not None else None
        if current.type in ("new_expression", "call_expression"):
            return _method_ref(self._class_target(current), members, module)
        if current.type != "identifier":
            return None
        root = module.raw(current)
        if root in ("exports", "module") and self._local_scope(root) is None:
            # `exports.helper()` / `module.exports.helper()`: this module's own export.
            exported = members[1:] if root == "module" and members[:1] == ["exports"] else members
            if root == "exports" or members[:1] == ["exports"]:
                key = ".".join(exported)
                if key in module.definitions:
                    return f"local:{key}"
            return None
        local = self._local_scope(root)
        if local is not None and root not in local.imports:
            held_scope = self._find(root)[1]
            target = held_scope.instances.get(root) if held_scope is not None else None
            return _method_ref(target, members, module)
        binding = self.binding(root)
        if binding is not None:
            return binding.ref(members)
        if root in module.classes or root in module.globals.values:
            key = ".".join((root, *members))
            if key in module.definitions:
                return f"local:{key}"
        target = module.globals.instances.get(root)
        return _method_ref(target, members, module)

    def _class_target(self, node: Node) -> tuple[str, str, str] | None:
        """The class `new X(...)` makes: ("local", key, "") for a class of this module,
        ("ext", export path, specifier) for one imported from a project module."""
        node = strip_await(node)
        if node.type != "new_expression":
            return None
        constructor = node.child_by_field_name("constructor")
        if constructor is None:
            return None
        constructor = strip(constructor)
        members: list[str] = []
        while constructor.type == "member_expression":
            prop = constructor.child_by_field_name("property")
            inner = constructor.child_by_field_name("object")
            if prop is None or inner is None:
                return None
            members.append(self.module.raw(prop))
            constructor = strip(inner)
        if constructor.type != "identifier":
            return None
        members.reverse()
        name = self.module.raw(constructor)
        if not members and name in self.module.classes and self._local_scope(name) is None:
            return ("local", name, "")
        binding = self.binding(name)
        if binding is not None and is_relative(binding.specifier):
            path = (*binding.path, *members) or ("default",)
            return ("ext", ".".join(path), binding.specifier)
        return None

    def _join(self, argument: Node, joined: str) -> None:
        """`Promise.all(records.map(...))` / `Promise.allSettled(promises)`: how the
        promises of that loop are awaited."""
        stripped = strip(argument)
        if stripped.type == "call_expression":
            self._joins[stripped.id] = joined
        elif stripped.type == "identifier":
            name = self.module.raw(stripped)
            scope = self._find(name)[1]
            index = scope.promises.get(name) if scope is not None else None
            if index is not None and index < len(self.loops):
                self.loops[index] = replace(self.loops[index], joined=joined)

    # -- callbacks -------------------------------------------------------------------------
    def _callback(
        self, function: Node, where: _Where, kind: str, item: Value | None = None, position: int = 0
    ) -> None:
        """Reads a callback's body as part of this function, in a scope of its own."""
        self._forget()
        outer = self.scope
        scope = outer.child()
        parameters = function.child_by_field_name("parameters")
        single = function.child_by_field_name("parameter")
        found = [single] if single is not None else (kids(parameters) if parameters else [])
        self.scope = scope
        try:
            for index, parameter in enumerate(found):
                pattern, _ = _parameter_parts(parameter)
                if pattern is None:
                    continue
                if pattern.type == "rest_pattern":
                    for name in pattern_names(pattern, self.module.data):
                        scope.params.add(name)
                        scope.bind(name, Value(name), record=False)
                    continue
                self._bind_parameter(pattern, scope, item if index == position else None)
            body = function.child_by_field_name("body")
            inner = where._replace(callback=kind)
            if body is None:
                return
            if body.type == "statement_block":
                self._block(kids(body), inner)
            else:
                self._expr(body, inner)
        finally:
            self.scope = outer
            self._forget()

    def _iteration(
        self, node: Node, target: Node, method: str, found: Sequence[Node], where: _Where
    ) -> None:
        """`records.map(cb)`, `forEach`, ...: a loop whose body is the callback."""
        module = self.module
        self._expr(target, where)
        iterable = self.evaluate(target)
        callback = strip(found[0])
        position = 1 if method in _REDUCERS else 0
        label = None
        if callback.type in FUNCTION_EXPRESSIONS:
            parameters = _callback_parameters(callback)
            if len(parameters) > position:
                pattern, _ = _parameter_parts(parameters[position])
                label = _pattern_label(pattern, module.data) if pattern is not None else None
        index = len(self.loops)
        self._loop_of[node.id] = index
        self.loops.append(
            Loop(
                "map",
                module.span(node),
                label,
                iterable,
                _iterates_records(iterable),
                False,
                where.loops,
                where.tries,
                where.handler,
                joined=self._joins.get(node.id),
            )
        )
        inner = where._replace(loops=(*where.loops, index))
        path = iterable.event_path
        item = Value(label or "", event_path=f"{path}[]" if path is not None else None)
        if callback.type in FUNCTION_EXPRESSIONS:
            if callback.id not in module.definition_nodes:
                self._callback(callback, inner, "iteration", item, position)
        elif module.raw(callback) not in _CONVERSIONS:
            # A function handed over: it is called once per element, in the loop.
            made = self._plain(callback, callback, (), self.qualify(callback))
            element = Argument(None, 0, changed(item, text=module.text(target) + "[]"))
            self._record(
                Call(
                    made.name,
                    made.method,
                    made.receiver,
                    (element,),
                    made.span,
                    display=module.text(node),
                ),
                inner,
            )
            if self.key is not None and not where.guarded:
                self._argument_refs([callback])
        if callback.type not in FUNCTION_EXPRESSIONS:
            self._expr(callback, where)
        for argument in found[1:]:
            self._expr(argument, where)

    def _promise_chain(
        self, node: Node, target: Node, method: str, found: Sequence[Node], where: _Where
    ) -> None:
        """`p.then(cb)`, `p.finally(cb)`: the callbacks run after `p`; `p.catch(cb)` and
        `p.then(onFulfilled, onRejected)`: a `try` around the chain whose handler is `cb`
        (`onRejected`; `onFulfilled` runs outside it: its own rejection is not handled)."""
        rejection = len(found) > 1 and strip(found[1]).type in FUNCTION_EXPRESSIONS
        if method == "then" and rejection:
            self._handled_chain(node, target, strip(found[1]), where, fulfilled=found[0])
            for argument in found[2:]:
                self._expr(argument, where)
            return
        if method != "catch":
            self._expr(target, where)
            for argument in found:
                stripped = strip(argument)
                if stripped.type in FUNCTION_EXPRESSIONS:
                    self._callback(stripped, where, "other")
                else:
                    self._expr(argument, where)
            return
        self._handled_chain(node, target, strip(found[0]), where)
        for argument in found[1:]:
            self._expr(argument, where)

    def _handled_chain(
        self,
        node: Node,
        target: Node,
        callback: Node,
        where: _Where,
        *,
        fulfilled: Node | None = None,
    ) -> None:
        """A `try` around the chain `target` whose (broad) handler is `callback`; then's
        `fulfilled` callback is read between them (source order), outside the `try`."""
        module = self.module
        index = len(self.tries)
        self.tries.append(
            Try(
                module.span(node),
                module.positions.end(target).row,
                (self._catch_clause(callback),),
                False,
                where.loops,
                where.tries,
                where.handler,
            )
        )
        self._expr(target, where._replace(tries=(*where.tries, index)))
        if fulfilled is not None:
            if strip(fulfilled).type in FUNCTION_EXPRESSIONS:
                self._callback(strip(fulfilled), where, "other")
            else:
                self._expr(fulfilled, where)
        parameters = _callback_parameters(callback)
        caught = None
        if parameters:
            pattern, _ = _parameter_parts(parameters[0])
            if pattern is not None and pattern.type == "identifier":
                caught = module.raw(pattern)
        self._catch_names.append(caught)
        try:
            self._callback(callback, where._replace(handler=(index, 0), conditional=True), "other")
        finally:
            self._catch_names.pop()

    def _catch_clause(self, callback: Node) -> ExceptClause:
        """What a `.catch(cb)` callback does with the rejection: it throws again (or
        returns `Promise.reject(...)`), or it swallows it (`.catch(() => {})`)."""
        body = callback.child_by_field_name("body")
        span = self.module.span(callback)
        if body is None:
            return ExceptClause(span, (), True, False, False, None)
        if body.type != "statement_block":
            rejects = self._rejects(body)
            return ExceptClause(span, (), True, rejects, rejects, None)
        statements = kids(body)
        last = statements[-1] if statements else None
        kinds = {node.type for node in _statements_within(statements)}
        returns_rejection = any(
            node.type == "return_statement" and kids(node) and self._rejects(kids(node)[0])
            for node in _statements_within(statements)
        )
        raises = "throw_statement" in kinds or returns_rejection
        last_raises = last is not None and (
            last.type == "throw_statement"
            or (
                last.type == "return_statement"
                and bool(kids(last))
                and self._rejects(kids(last)[0])
            )
        )
        other_exits = kinds.intersection(_EXITS) - (
            {"return_statement"} if returns_rejection else set()
        )
        reraises = bool(last_raises) and not other_exits
        return ExceptClause(span, (), True, reraises, raises, None)

    def _rejects(self, node: Node) -> bool:
        node = strip(node)
        if node.type != "call_expression":
            return False
        callee = node.child_by_field_name("function")
        return callee is not None and self.module.raw(strip(callee)) == "Promise.reject"

    # -- canonical SDK and HTTP calls ------------------------------------------------------
    def _canonical(
        self, node: Node, callee: Node, found: Sequence[Node], qualified: str | None
    ) -> Call | None:
        module = self.module
        if callee.type == "member_expression":
            target = callee.child_by_field_name("object")
            prop = callee.child_by_field_name("property")
            if target is None or prop is None:
                return None
            method = module.raw(prop)
            if method == "send" and found:
                made = self._sdk_send(node, target, found[0])
                if made is not None:
                    return made
            receiver = self.evaluate(target)
            made = self._sdk_method(node, target, receiver, method, found)
            if made is not None:
                return made
        return self._http(node, callee, found, qualified)

    def _sdk_send(self, node: Node, client: Node, sent: Node) -> Call | None:
        """`client.send(new PutItemCommand(input))` (or a name holding the command)."""
        module = self.module
        command = strip_await(sent)
        if command.type == "new_expression":
            constructor = command.child_by_field_name("constructor")
            qualified = self.qualify(constructor) if constructor is not None else None
            operation = sdk.command(qualified) if qualified is not None else None
            if operation is None or qualified is None:
                return None
            arguments_node = command.child_by_field_name("arguments")
            inputs = kids(arguments_node) if arguments_node is not None else []
            arguments = self._input_arguments(inputs[0] if inputs else None)
        elif command.type == "identifier":
            value = self.evaluate(command)
            qualified = value.origin[:-2] if value.origin and value.origin.endswith("()") else None
            operation = sdk.command(qualified) if qualified is not None else None
            if operation is None or qualified is None:
                return None
            arguments = tuple(Argument(keyword, -1, item) for keyword, item in value.keywords)
        else:
            return None
        service, method = operation
        package, _, class_name = qualified.rpartition(".")
        receiver = changed(self.evaluate(client), service=service)
        return Call(
            f"{package}.{method}",
            method,
            receiver,
            arguments,
            module.span(node),
            awaited=node.id in self._awaited,
            display=f"{module.text(client)}.send(new {class_name}(...))",
        )

    def _sdk_method(
        self, node: Node, target: Node, receiver: Value, method: str, found: Sequence[Node]
    ) -> Call | None:
        """An operation called as a method: SDK v2 (`ddb.putItem(params).promise()`,
        `docClient.put(params)`), the aggregated v3 clients (`s3.putObject({...})`),
        lib-storage's `new Upload({client, params}).done()`."""
        module = self.module
        origin = receiver.origin or ""
        if method == "done" and origin == f"{sdk.LIB_STORAGE}.Upload()":
            params = receiver.keyword("params")
            arguments = tuple(
                Argument(keyword, -1, item) for keyword, item in (params.items if params else ())
            ) or ((Argument("**", -1, params),) if params is not None else ())
            return Call(
                f"{sdk.LIB_STORAGE}.upload_fileobj",
                "upload_fileobj",
                changed(receiver, service="s3"),
                arguments,
                module.span(node),
                awaited=node.id in self._awaited,
                display=f"{module.text(target)}.done()",
            )
        service = receiver.service
        if service is not None and origin:
            operation = sdk.client_method(service, method, v2=sdk.is_v2(origin))
            if operation is None:
                return None
            name = f"{sdk.client_class(origin)}.{operation}"
        elif node.id in self._promised:
            # `x.putItem(params).promise()` on a client slint cannot see: SDK v2 anyway.
            operation = sdk.snake(method)
            name = f"{self.qualify(target) or module.text(target)}.{operation}"
        else:
            return None
        return Call(
            name,
            operation,
            receiver,
            self._input_arguments(found[0] if found else None),
            module.span(node),
            awaited=node.id in self._awaited,
            display=f"{module.text(target)}.{method}(...)",
        )

    def _input_arguments(self, node: Node | None) -> tuple[Argument, ...]:
        """An SDK input object's properties as keyword arguments (an input that cannot be
        read is `**`: any keyword may be in there)."""
        if node is None:
            return ()
        stripped = strip(node)
        value = self.evaluate(stripped)
        if stripped.type == "object" or (
            stripped.type == "identifier" and self._holds_object(self.module.raw(stripped))
        ):
            return tuple(Argument(keyword, -1, item) for keyword, item in value.items)
        return (Argument("**", -1, value),)

    def _http(
        self, node: Node, callee: Node, found: Sequence[Node], qualified: str | None
    ) -> Call | None:
        """`fetch(url, {method: "POST"})`, `axios.post(url, data, config)`,
        `axios({method: "post", url})`, `got.post(url, options)`: a call of the HTTP
        verb, named as `requests.post` is (`fetch.post`, `axios.post`), with the options'
        properties as keyword arguments (`headers`, `signal`, `timeout`)."""
        module = self.module
        if qualified is None:
            return None
        root = qualified.partition(".")[0]
        written = module.text(callee)
        if qualified in _FETCH:
            positional = list(found[:1])
            options = found[1] if len(found) > 1 else None
            verb = self._verb(options, "get")
            name = f"{qualified}.{verb}"
        elif root in _HTTP_PACKAGES and (
            qualified == root or qualified.endswith((".request", "()"))
        ):
            # `axios(config)`, `axios(url, config)`, `axios.request(config)`, `got(url, options)`
            objects = [a for a in found if self._may_be_options(a)]
            options = found[-1] if found and objects and found[-1] is objects[-1] else None
            positional = [a for a in found if a is not options]
            verb = self._verb(options, "get")
            base = qualified.removesuffix(".request")
            name = f"{base}.{verb}"
        elif root in _HTTP_PACKAGES and qualified.rpartition(".")[2] in _HTTP_VERBS:
            verb = qualified.rpartition(".")[2]
            count = 2 if verb in _HTTP_WITH_BODY else 1
            positional = list(found[:count])
            options = found[count] if len(found) > count else None
            name = qualified
        else:
            return None
        receiver = None
        if callee.type == "member_expression":
            target = callee.child_by_field_name("object")
            receiver = self.evaluate(target) if target is not None else None
        arguments = [
            Argument(None, position, self.evaluate(argument))
            for position, argument in enumerate(positional)
        ]
        if options is not None:
            arguments.extend(self._input_arguments(options))
        shown = name.rpartition(".")[0] + "." + name.rpartition(".")[2]
        return Call(
            name,
            verb,
            receiver,
            tuple(arguments),
            module.span(node),
            awaited=node.id in self._awaited,
            display=None if written == shown else f"{written}(...)",
        )

    def _may_be_options(self, argument: Node) -> bool:
        """An object literal, or a name that may hold an options object (not one that
        holds a string, such as a URL)."""
        stripped = strip(argument)
        if stripped.type == "object":
            return True
        if stripped.type != "identifier":
            return False
        value = self.evaluate(stripped)
        return not (value.is_literal or value.prefix is not None)

    def _verb(self, options: Node | None, default: str) -> str:
        """The HTTP method an options object names (lowercase); "request" when it is
        there but cannot be read."""
        if options is None:
            return default
        stripped = strip(options)
        if stripped.type != "object" and not (
            stripped.type == "identifier" and self._holds_object(self.module.raw(stripped))
        ):
            return default if stripped.type == "object" else "request"
        method = self.evaluate(stripped).item("method")
        if method is None:
            return default
        if isinstance(method.literal, str):
            return method.literal.lower()
        return "request"


# -- helpers -------------------------------------------------------------------------------


def _method_ref(
    target: tuple[str, str, str] | None, members: Sequence[str], module: ModuleContext
) -> str | None:
    """A method called on an instance of `target` (see `Reader._class_target`)."""
    if target is None or len(members) != 1:
        return None
    kind, path, specifier = target
    if kind == "local":
        key = f"{path}.{members[0]}"
        return f"local:{key}" if key in module.definitions else None
    return f"ext:{path}.{members[0]}@{specifier}"


def _part(held: Value, key: str, text: str) -> Value:
    """What destructuring takes from `held` under `key`."""
    item = held.item(key)
    if item is not None:
        return changed(item, text=text, span=None)
    if held.names[:1] == ("process.env",) and held.env is None:
        return Value(text, env=key, names=("process.env",))
    path = f"{held.event_path}.{key}" if held.event_path is not None else None
    return Value(text, event_path=path, names=(f"{held.text}.{key}",) if held.text else ())


def _is_static(function: Node) -> bool:
    """A static method (`static create() {}`, `static create = () => {}`)."""
    member = function if function.type == "method_definition" else function.parent
    if member is None or member.type not in (
        "method_definition",
        "field_definition",
        "public_field_definition",
    ):
        return False
    return any(child.type == "static" for child in member.children)


def _iterates_records(iterable: Value) -> bool:
    path = iterable.event_path
    if path is None:
        return False
    last = path.rpartition(".")[2]
    return last in ("Records", "records") or path.endswith(("Records[]", "records[]"))


def _is_not(test: Node) -> bool:
    test = strip(test)
    if test.type != "unary_expression":
        return False
    operator = test.child_by_field_name("operator")
    return operator is not None and operator.type == "!"


def _truthy(test: Node) -> bool:
    test = strip(test)
    if test.type == "true":
        return True
    return test.type == "number" and test.text not in (b"0", b"0.0")


def _is_empty(node: Node, data: bytes) -> bool:
    """`undefined`, `null`, or the string "undefined" (of a `typeof` test)."""
    if node.type in ("null", "undefined"):
        return True
    if node.type == "identifier" and data[node.start_byte : node.end_byte] == b"undefined":
        return True
    return node.type == "string" and string_value(node, data) == "undefined"


def _callback_like(node: Node) -> bool:
    stripped = strip(node)
    return stripped.type in FUNCTION_EXPRESSIONS or stripped.type in (
        "identifier",
        "member_expression",
    )


def _callback_parameters(function: Node) -> list[Node]:
    single = function.child_by_field_name("parameter")
    if single is not None:
        return [single]
    parameters = function.child_by_field_name("parameters")
    return kids(parameters) if parameters is not None else []


def _statements_within(statements: Sequence[Node]) -> Iterator[Node]:
    """Every node of a block, not entering nested functions or classes."""
    pending = list(reversed(statements))
    while pending:
        current = pending.pop()
        yield current
        if current.type in FUNCTION_EXPRESSIONS or current.type in FUNCTION_DECLARATIONS:
            continue
        if current.type in CLASS_DECLARATIONS or current.type in ("class", "method_definition"):
            continue
        pending.extend(reversed(kids(current)))


def _parameter_parts(parameter: Node) -> tuple[Node | None, Node | None]:
    """(pattern, default value) of one parameter, through TypeScript's wrappers."""
    kind = parameter.type
    if kind in ("required_parameter", "optional_parameter"):
        pattern = parameter.child_by_field_name("pattern")
        default = parameter.child_by_field_name("value")
        if pattern is not None and pattern.type == "this":
            return None, None
        return pattern, default
    if kind == "assignment_pattern":
        return parameter.child_by_field_name("left"), parameter.child_by_field_name("right")
    if kind in _TYPE_NODES or kind == "this":
        return None, None
    return parameter, None


def _pattern_label(pattern: Node | None, data: bytes) -> str | None:
    """A pattern's name: the identifier, or "{}" / "[]" for a destructuring pattern."""
    if pattern is None:
        return None
    if pattern.type == "identifier":
        return data[pattern.start_byte : pattern.end_byte].decode()
    if pattern.type == "object_pattern":
        return "{}"
    if pattern.type == "array_pattern":
        return "[]"
    if pattern.type == "assignment_pattern":
        return _pattern_label(pattern.child_by_field_name("left"), data)
    return None


def pattern_names(pattern: Node, data: bytes) -> list[str]:
    """Every name a binding pattern binds."""
    found: list[str] = []
    pending = [pattern]
    while pending:
        current = pending.pop()
        kind = current.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            found.append(data[current.start_byte : current.end_byte].decode())
        elif kind == "pair_pattern":
            value = current.child_by_field_name("value")
            if value is not None:
                pending.append(value)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = current.child_by_field_name("left")
            if left is not None:
                pending.append(left)
        elif kind in ("object_pattern", "array_pattern", "rest_pattern"):
            pending.extend(reversed(kids(current)))
    return found


def destructured(pattern: Node, data: bytes) -> list[tuple[str, str]]:
    """`{ a, b: c }` of a `require`: (property, local name) pairs, one level deep."""
    found: list[tuple[str, str]] = []
    for child in kids(pattern):
        if child.type == "shorthand_property_identifier_pattern":
            name = data[child.start_byte : child.end_byte].decode()
            found.append((name, name))
        elif child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is not None and value is not None and value.type == "identifier":
                key_text = (
                    string_value(key, data)
                    if key.type == "string"
                    else data[key.start_byte : key.end_byte].decode()
                )
                found.append((key_text, data[value.start_byte : value.end_byte].decode()))
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None and left.type == "shorthand_property_identifier_pattern":
                name = data[left.start_byte : left.end_byte].decode()
                found.append((name, name))
    return found


def parameter_names(function: Node, data: bytes) -> tuple[tuple[str, ...], int, bool]:
    """(positional names, JavaScript's `length`, has a rest parameter) of a function:
    `length` counts the parameters before the first with a default or the rest one."""
    names: list[str] = []
    required = 0
    counting = True
    rest = False
    for parameter in _callback_parameters(function):
        pattern, default = _parameter_parts(parameter)
        if pattern is None:
            continue
        if pattern.type == "rest_pattern":
            rest = True
            counting = False
            continue
        if default is not None or pattern.type == "assignment_pattern":
            counting = False
            if pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left") or pattern
        label = _pattern_label(pattern, data)
        names.append(label or "?")
        if counting:
            required += 1
    return tuple(names), required, rest
